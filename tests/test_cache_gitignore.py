"""A cache folder's .gitignore is always whole: written atomically and checked on every write.

A folder created on a full disk used to get an empty .gitignore that was never rewritten, so the
cache (pickles) could be committed by the next `git add .`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import REPO, make_content

GITIGNORE = "# Statuspress cache: safe to delete\n*\n"
INCIDENT = "id: INC-1\ntitle: T\ntype: internal\nseverity: minor\nstarted_at: 2026-11-20T10:00:00Z\n"

FULL_DISK = """\
import resource, signal, sys
from generator.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
main(sys.argv[1:])
"""


def validate(content: Path, cache: Path, full_disk: bool = False) -> subprocess.CompletedProcess[str]:
    args = ["validate", "--content", str(content), "--cache-dir", str(cache), "--now", "2026-11-28T12:00:00Z"]
    command = [sys.executable, "-c", FULL_DISK, *args] if full_disk else [sys.executable, "-m", "generator", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT})  # an entry to cache


def test_a_full_disk_leaves_no_empty_gitignore_and_the_next_write_makes_it(content: Path, tmp_path: Path) -> None:
    assert validate(content, tmp_path / "warm-up").returncode == 0  # the signing key exists already
    cache = tmp_path / "cache"
    result = validate(content, cache, full_disk=True)
    assert result.returncode == 0, result.stderr  # a cache that cannot be written only costs speed
    assert not (cache / ".gitignore").exists()
    assert not cache.exists() or list(cache.iterdir()) == []  # no cache file without its .gitignore
    assert validate(content, cache).returncode == 0
    assert (cache / ".gitignore").read_text() == GITIGNORE


@pytest.mark.parametrize("left", ["", "*.tmp\n"], ids=["empty", "something else"])
def test_a_wrong_gitignore_is_rewritten_on_the_next_write(content: Path, tmp_path: Path, left: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".gitignore").write_text(left)
    assert validate(content, cache).returncode == 0
    assert (cache / ".gitignore").read_text() == GITIGNORE
