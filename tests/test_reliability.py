"""Nothing is lost: killed, failing and concurrent builds leave the published site whole.

Builds are started in subprocesses and killed with SIGKILL after random delays; afterwards the
published folder must equal either the complete previous site or the complete new one, never a
mix. Disk-full and permission errors must fail cleanly with the old site intact.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build as build_module
from generator.cli import main
from generator.context import RenderContext
from generator.model import Site
from generator.publish import build_lock
from tests.sitekit import EXAMPLE
from tests.treediff import snapshot

REPO = Path(__file__).resolve().parent.parent
OLD, NEW = "2026-11-28T12:00:00Z", "2026-11-28T15:00:00Z"


def build_command(out: Path, at: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--public", "--quiet", "--content", str(EXAMPLE), "--out", str(out), "--now", at]


def test_builds_killed_at_random_points_never_damage_the_published_site(tmp_path: Path) -> None:
    reference_new = tmp_path / "reference"
    subprocess.run(build_command(reference_new, NEW), check=True, cwd=REPO, timeout=600)
    new = snapshot(reference_new / "public")
    out = tmp_path / "site"
    subprocess.run(build_command(out, OLD), check=True, cwd=REPO, timeout=600)
    old = snapshot(out / "public")
    assert old and new and old != new

    started = time.perf_counter()
    subprocess.run(build_command(tmp_path / "timing", NEW), check=True, cwd=REPO, timeout=600)
    full = time.perf_counter() - started
    rng = random.Random(20261128)
    outcomes = []
    for _ in range(12):
        process = subprocess.Popen(build_command(out, NEW), cwd=REPO, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, full * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        published = snapshot(out / "public")
        assert published in (old, new), "a killed build left a partial site"
        outcomes.append("new" if published == new else "old")
        if published == new:  # start the next round from the old site again
            subprocess.run(build_command(out, OLD), check=True, cwd=REPO, timeout=600)
    subprocess.run(build_command(out, NEW), check=True, cwd=REPO, timeout=600)
    assert snapshot(out / "public") == new
    assert not list(out.glob(".*staging*")), "leftover staging folders were not cleaned up"
    assert "old" in outcomes, outcomes


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_disk_full_or_permission_error_fails_cleanly(code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    (out / "public").mkdir(parents=True)
    (out / "public" / "index.html").write_text("previous site")

    def failing(site: Site, dest: Path, context: RenderContext) -> None:
        (dest / "index.html").write_text("half")
        raise OSError(code, os.strerror(code), str(dest / "incidents" / "x.html"))

    monkeypatch.setattr(build_module, "renderers", lambda: {"public": failing, "internal": failing})
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    result = CliRunner().invoke(main, ["build", "--public", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 1
    assert os.strerror(code) in result.output
    assert "the published site is unchanged" in result.output
    assert (out / "public" / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock", "public"]


def test_concurrent_build_gets_a_clear_message(tmp_path: Path) -> None:
    # The first "build" is this process holding the lock, so the second always meets it
    # (a real first build could finish before the second starts, proving nothing).
    out = tmp_path / "site"
    with build_lock(out):
        second = subprocess.run(build_command(out, NEW), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert second.returncode == 2
    assert f"another build is writing to {out}; try again when it has finished" in second.stderr
    assert "Traceback" not in second.stderr
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock"]
