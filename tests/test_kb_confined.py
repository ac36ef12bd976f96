"""The knowledge base is written into OUT/internal and nowhere else.

MkDocs resolves a relative `site_dir` or `docs_dir` against the folder of its config file, not
the working directory: a build with relative paths once wrote the whole knowledge base into the
installed package (or the repository holding `mkdocs.yml`) and published an empty
`OUT/internal`. These builds run the real CLI from an unrelated working directory with relative
`--content` and `--out`, once with a repository `mkdocs.yml` beside the content and once with the
packaged one, and compare every folder that could be written before and after.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from tests.sitekit import EXAMPLE, REPO

PACKAGE = Path(generator.__file__).resolve().parent
AT = "2026-11-28T12:00:00Z"


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under `root` (bytecode caches aside): path -> hash, or 'dir'."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def build_from(cwd: Path, content: str, out: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """The CLI build in `cwd`, with its own temporary folder (TMPDIR, next to `cache`)."""
    scratch = cache.parent / "tmpdir"
    scratch.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--content", content, "--out", out, "--now", AT,
         "--cache-dir", str(cache)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(scratch)},
    )


def assert_both_sites_complete(out: Path) -> None:
    """OUT holds the two published sites and the lock, nothing half-built or left over (but the
    knowledge base's reserve generation, which its cold build with a cache leaves: publish.py)."""
    assert sorted(p.name for p in out.iterdir() if p.name != ".internal.reserve") == [
        ".statuspress.lock", "internal", "public"]
    internal = out / "internal"
    for rel in ("index.html", "incidents/INC-2026-036.html", "postmortems/INC-2026-036.html",
                "search/search_index.json", "assets/kb.css", "sitemap.xml"):
        assert (internal / rel).is_file(), rel
    assert "INC-2026-036" in (internal / "incidents" / "INC-2026-036.html").read_text(encoding="utf-8")
    for rel in ("index.html", "incidents/INC-2026-036.html", "api/v2/summary.json", "feeds/all.rss"):
        assert (out / "public" / rel).is_file(), rel


@pytest.mark.parametrize("config", ["repository", "packaged"])
def test_relative_paths_from_another_folder_write_only_into_out(tmp_path: Path, config: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "content")
    if config == "repository":
        shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache = tmp_path / "cache"
    watched = {"repo": repo, "package": PACKAGE}
    before = {name: tree(path) for name, path in watched.items()}

    result = build_from(elsewhere, os.path.relpath(repo / "content", elsewhere), "site", cache)

    assert result.returncode == 0, result.stderr
    assert re.search(r"^Built \d+ incidents into site: public site \d+ pages, .*; knowledge base \d+ pages; in ",
                     result.stderr, re.MULTILINE), result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["site"]
    assert_both_sites_complete(elsewhere / "site")
    for name, snapshot in before.items():
        assert tree(watched[name]) == snapshot, f"the build wrote into {watched[name]}"
    assert list((tmp_path / "tmpdir").iterdir()) == []  # the temporary docs tree is gone too


def test_a_killed_builds_staging_folders_do_not_pile_up(tmp_path: Path) -> None:
    """What a killed build leaves in OUT (it stages there, under the lock) goes at the next build."""
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / "elsewhere" / "site"
    for stale in (".internal.staging-abc123", ".public.staging-def456"):
        (out / stale / "incidents").mkdir(parents=True)
        (out / stale / "incidents" / "INC-1.html").write_text("half-built", encoding="utf-8")
    result = build_from(tmp_path / "elsewhere", os.path.relpath(EXAMPLE, tmp_path / "elsewhere"), "site",
                        tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert_both_sites_complete(out)
