"""Rendering the public pages in worker processes gives the same files as rendering in order,
with and without the incremental cache (generator/public/parallel.py, generator/workers.py)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from generator import progress, workers
from generator.build import BuildRequest, build
from generator.public import parallel
from tests.sitekit import EXAMPLE, now
from tests.treediff import differences, snapshot


def _build(out: Path, cache: Path | None = None, minutes: int = 0) -> dict[str, str]:
    from datetime import timedelta

    build(BuildRequest(content=EXAMPLE, out=out, now=now() + timedelta(minutes=minutes), targets=("public",),
                       progress=lambda _: None, cache_dir=cache))
    return snapshot(out / "public")


def test_workers_only_for_large_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    # Six cores, no other thread: below MIN_PAGES one process, from MIN_PAGES on at most four.
    monkeypatch.delenv("STATUSPRESS_WORKERS", raising=False)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: set(range(6)), raising=False)
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    assert workers.workers(10, parallel.MIN_PAGES) == 1
    assert workers.workers(parallel.MIN_PAGES - 1, parallel.MIN_PAGES) == 1
    assert workers.workers(parallel.MIN_PAGES, parallel.MIN_PAGES) == 4
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert workers.workers(parallel.MIN_PAGES, parallel.MIN_PAGES) == 2
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    assert workers.workers(10**6, parallel.MIN_PAGES) == 1
    monkeypatch.setenv("STATUSPRESS_WORKERS", "3")
    assert workers.workers(10, parallel.MIN_PAGES) == 3  # forced, even for a small job
    # Another thread running (serve): forking is unsafe, so one process whatever the size.
    monkeypatch.setattr(workers.threading, "active_count", lambda: 2)
    assert workers.workers(10 * parallel.MIN_PAGES, parallel.MIN_PAGES) == 1


def test_results_come_back_in_task_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    # Each worker's first task waits for the other worker's: on a busy machine one worker could
    # otherwise take every chunk before the second has started. With no second worker the wait
    # times out and the task fails, as it should.
    both_started = multiprocessing.get_context("fork").Barrier(2, timeout=60)
    started: list[bool] = []

    def square(n: int) -> tuple[int, int]:
        if not started:  # the first task of this process (each worker has its own list)
            started.append(True)
            both_started.wait()
        return n * n, os.getpid()

    results = workers.run_all(square, list(range(100)), minimum=10**6)
    assert [square for square, _ in results] == [n * n for n in range(100)]
    assert len({pid for _, pid in results} - {os.getpid()}) == 2  # two forked processes did the work


def test_worker_processes_write_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _build(tmp_path / "serial")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")  # even on a one-core machine, for a small site
    forked = _build(tmp_path / "forked")
    assert len(serial) > 50
    assert differences(serial, forked) == []
    # Incremental with workers: a cold build, then a rebuild a minute later reusing pages.
    _build(tmp_path / "inc", tmp_path / "cache")
    again = _build(tmp_path / "inc", tmp_path / "cache", minutes=1)
    assert differences(_build(tmp_path / "clean", minutes=1), again) == []


def test_a_failing_page_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")

    def boom() -> str:
        raise RuntimeError("template failed")

    with pytest.raises(RuntimeError, match="template failed"):
        parallel.write_pages([("a.html", lambda: "ok"), ("b.html", boom)], tmp_path)


class _Logged(progress.Meter):
    """Appends each step count to a file with the process it was counted in."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def advance(self, count: int = 1) -> None:
        with self.log.open("a") as out:
            out.write(f"{os.getpid()} {count}\n")


def test_progress_is_counted_here_never_in_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each task reports a step of its own, as a renderer does; forked workers inherit the meter,
    # so without care they would draw on the same terminal as the parent.
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    log = tmp_path / "steps"
    with progress.metering(_Logged(log)):
        workers.run_all(lambda n: progress.advance(), list(range(100)), minimum=10**6, counted=True)
    steps = [line.split() for line in log.read_text().splitlines()]
    assert {pid for pid, _ in steps} == {str(os.getpid())}
    assert sum(int(count) for _, count in steps) == 100  # one per task, as the chunks came back
    log.unlink()
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    with progress.metering(_Logged(log)):
        workers.run_all(str, list(range(5)), minimum=10**6, counted=True)
    assert log.read_text() == f"{os.getpid()} 1\n" * 5


def test_then_runs_here_on_each_chunk_while_the_workers_run_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 32 tasks in chunks of 2 (2 workers, 8 chunks each). The last task waits (up to 60 s) for
    # a file that `then` writes when it gets the first result: if `then` only ran once every
    # task was done, the last task would time out and say so.
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    signal = tmp_path / "first result taken"
    seen: list[tuple[int, int]] = []

    def task(n: int) -> int:
        if n == 31:
            for _ in range(600):
                if signal.exists():
                    return n
                import time
                time.sleep(0.1)
            return -1  # timed out: nothing came back before every task was done
        return n

    def then(result: int) -> tuple[int, int]:
        signal.touch()
        seen.append((result, os.getpid()))
        return result, os.getpid()

    results = workers.run_all_then(task, then, list(range(32)), minimum=10**6)
    assert results == [(n, os.getpid()) for n in range(32)]  # in task order, `then` in this process
    assert seen == results
    # In one process, the same.
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    seen.clear()
    signal.unlink()
    assert workers.run_all_then(lambda n: n, then, list(range(5)), minimum=10**6) == [(n, os.getpid()) for n in range(5)]


def _signalled_feeds(monkeypatch: pytest.MonkeyPatch, signal: Path, fail: bool = False) -> None:
    """The feeds format (made in this process) first leaves `signal`, then renders as ever (or
    fails, with `fail`)."""
    from generator.failures import RenderFailure
    from generator.public.formats import FORMATS, OutputFormat

    index = next(i for i, f in enumerate(FORMATS) if f.name == "feeds")
    real = FORMATS[index]
    assert real.render_incremental is not None

    def render(page: object, dest: Path, cache: object = None) -> None:
        signal.touch()
        if fail:
            raise RenderFailure("incident", "INC-1", "the feed failed")
        if cache is None:
            real.render(page, dest)  # type: ignore[arg-type]
        else:
            real.render_incremental(page, dest, cache)  # type: ignore[arg-type, misc]

    import generator.public

    replaced = [*FORMATS[:index], OutputFormat("feeds", render, render), *FORMATS[index + 1:]]  # type: ignore[arg-type]
    monkeypatch.setattr(generator.public, "FORMATS", replaced)


def test_the_other_formats_are_made_while_the_workers_render_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers' 404 page waits (up to 60 s) for the feeds, made in this process after the
    # HTML pages were handed out: if this process waited for the pages first, it would time out
    # and the page would say so.
    serial = _build(tmp_path / "serial", tmp_path / "cache-serial")
    signal = tmp_path / "feeds begun"
    _signalled_feeds(monkeypatch, signal)
    real_write = parallel.write

    def write(path: Path, text: str, made: set[Path] | None = None) -> None:
        if path.name == "404.html":
            import time

            for _ in range(600):
                if signal.exists():
                    break
                time.sleep(0.1)
            else:
                text = "TIMED OUT"
        real_write(path, text, made)

    monkeypatch.setattr(parallel, "write", write)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    forked = _build(tmp_path / "forked", tmp_path / "cache")
    assert differences(serial, forked) == []
    # The keys of the pages the workers wrote were kept once they were written: a rebuild a
    # minute later reuses them, as after a build in one process.
    again = _build(tmp_path / "forked", tmp_path / "cache", minutes=1)
    assert differences(_build(tmp_path / "clean", minutes=1), again) == []


def test_a_format_failing_while_the_workers_render_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.problems import ContentError

    _signalled_feeds(monkeypatch, tmp_path / "feeds begun", fail=True)
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    with pytest.raises(ContentError) as raised:
        _build(tmp_path / "site")
    assert [p.message for p in raised.value.problems] == ["cannot render incident INC-1 for the public site: the feed failed"]
    assert not (tmp_path / "site" / "public").exists()  # nothing published
    assert multiprocessing.active_children() == []  # no worker left behind
