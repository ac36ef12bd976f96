"""A build killed while its worker processes run (SIGKILL, or SIGTERM from `timeout`, systemd or
a CI step's limit) takes its workers with it: before, they stayed blocked for ever holding the
build's lock, and every later build of that site was refused ('another build is writing')."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sitekit import EXAMPLE

REPO = Path(__file__).resolve().parent.parent


def build_command(out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--public", "--quiet", "--no-cache",
            "--content", str(EXAMPLE), "--out", str(out), "--now", "2026-11-28T12:00:00Z"]


def children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in listed.split()]


def alive(pid: int) -> bool:
    """Running or stopped (a zombie waiting for its parent to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def workers_of_a_running_build(out: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A build in a subprocess, caught while it has forked workers, which are stopped (so they
    are certainly alive when the build is killed)."""
    env = {**os.environ, "STATUSPRESS_WORKERS": "2"}
    for _ in range(20):
        process = subprocess.Popen(build_command(out), cwd=REPO, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            found = children(process.pid)
            if found:
                for pid in found:
                    os.kill(pid, signal.SIGSTOP)
                return process, found
        # finished before a worker was seen: try again
    pytest.fail("no build was caught with its workers running")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_build_killed_while_its_workers_run_does_not_lock_out_the_next(tmp_path: Path, sig: int) -> None:
    out = tmp_path / "site"
    process, workers = workers_of_a_running_build(out)
    process.send_signal(sig)
    process.wait()
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == [], "the killed build's workers are still running"

    again = subprocess.run(build_command(out), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert (out / "public" / "index.html").is_file()


LOCKER = """\
import os, sys, time
from pathlib import Path
from generator import locking
held = locking.acquire(Path(sys.argv[1]), 0)
child = os.fork()
if child == 0:
    locking.let_go_in_child()
    time.sleep(600)
    os._exit(0)
print(child, flush=True)
time.sleep(600)
"""


def test_a_child_that_outlives_the_lock_holder_does_not_hold_its_lock(tmp_path: Path) -> None:
    """Where the kernel cannot kill orphaned workers (not Linux), they linger but hold no lock."""
    from generator.locking import acquire

    lock = tmp_path / ".statuspress.lock"
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(lock)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    child = int(holder.stdout.readline())
    try:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert alive(child)
        acquire(lock, wait=5).release()  # Busy if the child still held it
    finally:
        os.kill(child, signal.SIGKILL)
