"""`validate --no-cache` parses in worker processes, which send back only what the checks read
(each file's facts and problems, never its record): the messages and counts are those of one
process, checks across files included."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import reading
from generator.model import Incident
from generator.workers import workers
from tests.sitekit import NOW, make_content

INCIDENT = """\
id: INC-{n}
title: Slow checkout {n}
type: external
severity: minor
started_at: 2026-11-01T10:00:00Z
resolved_at: 2026-11-01T12:00:00Z
impact:
  - component: api
    level: degraded_performance
updates:
  - at: 2026-11-01T10:05:00Z
    status: investigating
    body: Looking.
"""

POSTMORTEM = """\
---
incident: INC-{n}
status: {status}
---
What happened.
"""


def folder(root: Path) -> Path:
    """30 incidents, a 31st that repeats INC-3's id, one that is not YAML, a draft post-mortem
    of INC-5 and one of an incident that does not exist."""
    files = {f"incidents/i{n:02d}.yaml": INCIDENT.format(n=n) for n in range(30)}
    files["incidents/i30.yaml"] = INCIDENT.format(n=3)
    files["incidents/broken.yaml"] = "id: [unclosed\n"
    files["postmortems/INC-5.md"] = POSTMORTEM.format(n=5, status="draft")
    files["postmortems/INC-77.md"] = POSTMORTEM.format(n=77, status="draft")
    return make_content(root, files)


def validate(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--content", str(root), "--now", NOW, "--no-cache"])
    return result.exit_code, result.output.replace(str(root), "content").splitlines()


def test_validate_in_workers_reports_what_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = folder(tmp_path / "content")
    forks: list[int] = []
    sent: list[object] = []

    def counted(tasks: int, minimum: int) -> int:
        forks.append(workers(tasks, minimum))
        return forks[-1]

    def loads(data: bytes) -> object:  # what this process takes from the workers
        sent.append(real_loads(data))
        return sent[-1]

    real_loads = pickle.loads
    monkeypatch.setattr(reading, "workers", counted)
    monkeypatch.setattr(reading.pickle, "loads", loads)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    code, lines = validate(root)
    assert 2 in forks  # the incidents were parsed in two worker processes
    monkeypatch.setattr(reading.pickle, "loads", real_loads)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    assert validate(root) == (code, lines)

    # By hand: 31 incidents have a record (the repeated id too, the broken file none), two
    # post-mortems; errors: the repeated id, the broken file, the unknown incident; warnings:
    # every incident but INC-5 resolved 27 days ago without a post-mortem (the repeated INC-3
    # too), INC-5 with a draft one.
    assert code == 1
    assert lines[-1] == ("31 incidents, 0 maintenance windows, 2 post-mortems, 0 runbooks, 3 services: "
                         "3 errors, 31 warnings")
    duplicate = "duplicate incident id 'INC-3' (first defined at content/incidents/i03.yaml:1)"
    assert f"content/incidents/i30.yaml:1: {duplicate}" in lines
    assert "content/postmortems/INC-77.md:2: incident: unknown incident 'INC-77'" in lines
    assert "content/incidents/broken.yaml:2: invalid YAML: did not find expected ',' or ']'" in lines  # libyaml's words
    draft = "warning: resolved more than 14 days ago and its post-mortem is still a draft"
    assert f"content/incidents/i05.yaml:1: {draft}" in lines
    assert sum("and no post-mortem" in line for line in lines) == 30

    # What came back from the workers: facts and problems (each pickled on its own), no record
    # (nobody reads them).
    assert len(sent) >= 32
    parts = [part for value in sent for part in (value if isinstance(value, list | tuple) else (value,))]
    assert parts and not any(isinstance(part, Incident) for part in parts)


def test_files_read_by_workers_are_refused_as_one_process_refuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, a symlink out of the folder and a file over the limit get the messages one
    process gives, in the same places, with an empty cache folder as without one, and the cache
    filled that way serves the next load."""
    root = folder(tmp_path / "content")
    outside = tmp_path / "secret.yaml"
    outside.write_text(INCIDENT.format(n=99))
    (root / "incidents" / "link.yaml").symlink_to(outside)
    (root / "incidents" / "big.yaml").write_text(INCIDENT.format(n=98) + "#" * 3000 + "\n")

    def run(*options: str) -> tuple[int, list[str]]:
        result = CliRunner().invoke(main, ["validate", "--content", str(root), "--now", NOW, "--max-file-bytes",
                                           "2048", *options])
        return result.exit_code, result.output.replace(str(root), "content").splitlines()

    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    in_workers = run("--no-cache")
    cold = run("--cache-dir", str(tmp_path / "cache"))
    warm = run("--cache-dir", str(tmp_path / "cache"))  # looked up in the cache, in this process
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    assert in_workers == cold == warm == run("--no-cache")
    code, lines = in_workers
    assert code == 1
    assert "content/incidents/link.yaml:1: symlink leaves the content folder; refusing to read it" in lines
    size = len(INCIDENT.format(n=98)) + 3001
    assert f"content/incidents/big.yaml:1: file is {size:,} bytes; the limit is 2,048 (max_file_bytes)" in lines
    # By hand: the folder's three errors and these two; 31 incidents read as before.
    assert lines[-1].startswith("31 incidents") and lines[-1].endswith("5 errors, 31 warnings")
