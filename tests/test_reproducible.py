"""Reproducible: the same content and the same time give byte-identical sites (public and the
MkDocs knowledge base), whatever the hash seed, time zone, locale, file-system order, file
times and content folder path, and whether the time came from --now or SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from tests.sitekit import EXAMPLE
from tests.treediff import differences, snapshot

REPO = Path(__file__).resolve().parent.parent
#: 2026-11-28T12:00:00Z, the example organisation's "today".
EPOCH = 1795867200
NOW = "2026-11-28T12:00:00Z"


def copy_in_order(source: Path, dest: Path, order: str, seed: int = 0) -> Path:
    """Copy `source` to `dest` creating files (and their folders) in `order`: "shuffled" or
    "reversed"; every file gets a different, random modification time."""
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    rng = random.Random(seed)
    if order == "shuffled":
        rng.shuffle(files)
    else:
        files.reverse()
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, dest / rel)
        stamp = rng.randint(1_000_000_000, 1_900_000_000)
        os.utime(dest / rel, (stamp, stamp))
    return dest


def build(content: Path, out: Path, env: dict[str, str], args: list[str]) -> None:
    """`statuspress build` in a fresh process with `env` over a clean environment."""
    base = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ", "LC_ALL", "LANG")}
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--quiet", "--content", str(content), "--out", str(out), *args],
        check=True,
        env={**base, "PYTHONPATH": str(REPO), **env},
        cwd=out.parent,
        timeout=600,
        capture_output=True,
    )


def test_example_builds_are_byte_identical_across_environments_and_file_order(tmp_path: Path) -> None:
    first = copy_in_order(EXAMPLE, tmp_path / "one" / "content", "shuffled", seed=1)
    second = copy_in_order(EXAMPLE, tmp_path / "two" / "elsewhere" / "content", "reversed", seed=2)
    build(first, tmp_path / "one" / "site", {"PYTHONHASHSEED": "1", "TZ": "America/New_York", "LC_ALL": "C"}, ["--now", NOW])
    build(
        second,
        tmp_path / "two" / "site",
        {"PYTHONHASHSEED": "4242", "TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": str(EPOCH)},
        [],
    )
    one, two = snapshot(tmp_path / "one" / "site"), snapshot(tmp_path / "two" / "site")
    assert differences(one, two) == []
    assert sum(path.startswith("public/") for path in one) > 50
    assert sum(path.startswith("internal/") for path in one) > 50
    # Nothing of the machine leaks in: neither content path appears in any output file.
    for root in (tmp_path / "one" / "site", tmp_path / "two" / "site"):
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert str(tmp_path).encode() not in data, path


def test_a_rebuild_in_place_gives_the_same_bytes(tmp_path: Path) -> None:
    """Publishing over an existing site (the usual case) gives what a fresh build gives."""
    out = tmp_path / "site"
    out.mkdir()
    build(EXAMPLE, out, {"PYTHONHASHSEED": "7"}, ["--public", "--now", NOW])
    before = snapshot(out / "public")
    build(EXAMPLE, out, {"PYTHONHASHSEED": "8", "TZ": "Pacific/Chatham"}, ["--public", "--now", NOW])
    assert differences(before, snapshot(out / "public")) == []
