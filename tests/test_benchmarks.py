"""The benchmark scripts run on a tiny N: the corpus is valid and deterministic, the runner prints
its table. No timing is asserted: figures depend on the machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.model import IncidentType, Severity

from .sitekit import REPO, load

BENCH = REPO / "benchmarks"


def make(n: int, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / "make_corpus.py"), str(n), str(out), *extra],
        capture_output=True, text=True, check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    result = make(20, out)
    assert result.returncode == 0, result.stderr
    return out


def test_corpus_validates_without_errors(corpus: Path) -> None:
    loaded = load(corpus)
    assert [str(p) for p in loaded.problems.errors] == []
    site = loaded.site
    assert len(site.incidents) == 20
    assert len(site.services) == 12 and len(site.groups) == 3
    assert sum(not s.public for s in site.services) == 2
    assert {i.type for i in site.incidents} == set(IncidentType)
    assert all(1 <= len(i.impact) <= 3 and 3 <= len(i.updates) <= 8 and i.timeline for i in site.incidents)
    assert {s.id for s in site.services} == {s for r in site.runbooks for s in r.services}
    assert site.maintenance and site.postmortems


def test_corpus_has_every_severity_and_spans_five_years(tmp_path: Path) -> None:
    assert make(300, tmp_path / "c").returncode == 0
    site = load(tmp_path / "c").site
    assert {i.severity for i in site.incidents} == set(Severity)
    assert site.incidents[0].started_at.year == 2021 and site.incidents[-1].started_at.date().isoformat() == "2026-11-28"
    assert any(i.is_open for i in site.incidents)
    assert 0.12 < len(site.postmortems) / len(site.incidents) < 0.3
    assert any(p.action_items for p in site.postmortems)


def test_corpus_is_deterministic_per_seed(corpus: Path, tmp_path: Path) -> None:
    assert make(20, tmp_path / "same").returncode == 0
    assert make(20, tmp_path / "other", "--seed", "2").returncode == 0
    assert tree(tmp_path / "same") == tree(corpus)
    assert tree(tmp_path / "other") != tree(corpus)


def test_corpus_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = make(5, tmp_path)
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_runner_prints_every_stage(tmp_path: Path) -> None:
    raw = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "10", "20", "--keep", str(tmp_path / "keep"),
         "--json", str(raw)],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    table = result.stdout
    for stage in ("load + validate", "statuspress validate (process, no cache)",
                  "statuspress validate (process, warm cache)", "load + validate (warm cache)", "derive (project)",
                  "public: all formats", "build --public (end to end, cold cache)",
                  "rebuild, 1 incident changed (incremental)", "rebuild, 1 incident changed (no cache)",
                  "rebuild, 1 incident changed (process)",
                  "floor: read + compose YAML", "build --public cold, workers off (process)",
                  "statuspress validate (process, no cache, workers off)",
                  "kb: cold build (Markdown + MkDocs, workers)", "kb: cold build, one process (workers off)",
                  "kb: rebuild, 1 incident changed (incremental)", "kb: rebuild, 1 post-mortem changed (incremental)",
                  "kb: rebuild, 1 incident changed again, 3 minutes later (incremental)"):
        assert stage in table
    assert "output identical to the incremental one" in table
    assert "own process; the last identical to a clean build" in table
    assert "DIFFERS" not in table  # every build the runner compares is identical
    assert "identical to plain mkdocs build" in table and "identical to the cold build" in table
    assert "0 errors" in table and "build --public / floor =" in table
    assert "kb: plain mkdocs build (process)" in table and "kb cold build / plain mkdocs build =" in table
    assert "kb rebuild after 1 incident / cold =" in table and "the same 3 minutes later / cold =" in table
    figures = json.loads(raw.read_text())
    assert [f["info"]["n"] for f in figures] == [10, 20]
    rows = {r["stage"]: r for r in figures[1]["rows"]}
    assert rows["load + validate"]["errors"] == 0
    assert rows["build --public (end to end, cold cache)"]["files"] > 0
    # the cold build and the floor run three times each, in turn: the rows hold their medians
    # and so does the rebuild after one changed incident as its own process
    for stage in ("build --public (end to end, cold cache)", "floor: read + compose YAML",
                  "floor: write same files+bytes", "rebuild, 1 incident changed (process)"):
        walls = sorted(run["wall"] for run in rows[stage]["runs"])
        assert len(walls) == 3 and rows[stage]["wall"] == walls[1], stage
    assert "median of 3: " in table and "each run's own: " in table
    # the changed incident is put back: the kept corpus is reused unchanged
    assert load(tmp_path / "keep" / "corpus-20").problems.errors == []
