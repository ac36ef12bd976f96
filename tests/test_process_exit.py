"""The `statuspress` process ends without freeing its heap (generator/cli/process.py), yet exits
as any program does: its status, its whole output flushed into a pipe, exit handlers run, and
threads still running waited for."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cli.process import exit_status

REPO = Path(__file__).resolve().parent.parent


def process(prelude: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`prelude`, then the `statuspress` entry point with `args`, as its own process (pipes)."""
    code = textwrap.dedent(prelude) + "\nfrom generator.cli.process import run\nrun()\n"
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # buffered, as usual
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env={**env, "PYTHONPATH": str(REPO)})


FREED = """\
class Held:
    def __del__(self):
        print("freed at teardown", flush=True)
held = Held()
"""


def test_the_version_reaches_a_pipe_and_the_heap_is_not_torn_down() -> None:
    result = process(FREED, "--version")
    assert result.returncode == 0
    assert result.stdout == "-c, version 0.1.0\n"  # block-buffered into a pipe: flushed (click names the program after argv[0])


def test_exit_handlers_run_and_a_usage_error_keeps_its_status_and_message(tmp_path: Path) -> None:
    result = process("import atexit\natexit.register(print, 'handler ran')\n",
                     "validate", "--content", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert f"Error: content folder not found: {tmp_path / 'missing'}" in result.stderr
    assert result.stdout == "handler ran\n"


def test_bad_content_exits_1_with_its_message(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    result = process("", "validate", "--content", str(tmp_path / "content"), "--now", "2026-11-28T12:00:00Z")
    assert result.returncode == 1
    assert "site.yaml:1: missing: every content folder needs a site.yaml" in result.stderr


def test_with_another_thread_running_the_process_exits_as_usual() -> None:
    prelude = FREED + """\
import threading, time
def until_the_main_thread_is_done():  # still running when the command has finished, however slow
    while threading.main_thread().is_alive():
        time.sleep(0.01)
    print("thread finished", flush=True)
threading.Thread(target=until_the_main_thread_is_done).start()
"""
    result = process(prelude, "--version")
    assert result.returncode == 0
    assert result.stdout == "-c, version 0.1.0\nthread finished\nfreed at teardown\n"


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), ("stopped", 1)])
def test_exit_status_is_what_sys_exit_would_end_with(code: object, status: int,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status(code) == status
    assert capsys.readouterr().err == ("stopped\n" if code == "stopped" else "")
