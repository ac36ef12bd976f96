"""A warm public rebuild and a responder's commands import only what they use: not
`multiprocessing` (10 ms) when nothing is parsed or rendered in workers, nor
`importlib.metadata` (12 ms, with `email` and `socket`) to read library versions
(generator/versions.py reads them from the installed distributions' folder names)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.sitekit import make_content

#: Never imported by a rebuild in one process, nor by `validate` with a warm cache.
LAZY = ("multiprocessing", "concurrent.futures", "importlib.metadata", "email", "socket")

#: The command as `python -m generator` runs it, then the modules it imported (the command ends
#: with `os._exit` after running the exit functions: cli/process.py).
CODE = """\
import atexit, json, runpy, sys
sys.argv = ["statuspress", *sys.argv[1:]]
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
runpy.run_module("generator", run_name="__main__")
"""


def modules(tmp_path: Path, *args: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", CODE, *args, "--content", "content", "--cache-dir", "cache"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stderr.strip().rsplit("\n", 1)[-1])


def lazy_ones(found: list[str]) -> list[str]:
    return [m for m in found if any(m == name or m.startswith(f"{name}.") for name in LAZY)]


def test_a_warm_rebuild_and_validate_import_neither_multiprocessing_nor_metadata(tmp_path: Path) -> None:
    make_content(tmp_path / "content")
    build = ("build", "--public", "--quiet", "--out", "site", "--now", "2026-11-28T12:00:00Z")
    modules(tmp_path, *build)  # cold: fills the caches
    assert lazy_ones(modules(tmp_path, *build)) == []
    assert lazy_ones(modules(tmp_path, "validate", "--now", "2026-11-28T12:00:00Z")) == []
