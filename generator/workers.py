"""Work on every core: forked worker processes that each take a share of independent tasks.

The workers are forked, so they inherit everything the tasks read (the site, the projection,
compiled templates, a configured MkDocs) without pickling it; only task numbers go to them and
each task's (small) result comes back. Results are returned in task order, so callers that merge
them do so exactly as if the tasks had run one after another in this process. Small jobs, and
processes with other threads running (`serve`, where forking is unsafe), run in this process.
Progress (generator/progress.py) is counted here in this process as results come back; the
workers report none (their copy of the meter would draw over the parent's line).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from . import locking, progress

if TYPE_CHECKING:
    import multiprocessing.process

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

#: The first chunk of each worker is about 1/CHUNKS_PER_WORKER of its share; each later one is a
#: fraction of what is left (`chunk_sizes`), so the last chunks are small and no core waits long
#: for the other to finish.
CHUNKS_PER_WORKER = 4
#: The smallest chunk, as a fraction of a worker's share: below it, sending results back costs
#: more than balancing gains.
_SMALLEST = 1 / 32
#: Never more processes than this, whatever the machine has.
MAX_WORKERS = 4

#: prctl's option that asks for a signal when the parent process dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
#: (run, tasks) of the pool being run; set before forking, read by the workers.
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def workers(tasks: int, minimum: int) -> int:
    """How many processes should run `tasks` tasks: 1 (this process) below `minimum` tasks,
    with one core, with other threads running, or where processes cannot be forked.
    `STATUSPRESS_WORKERS` overrides the count (1: never fork), for benchmarks and tests."""
    forced = os.environ.get("STATUSPRESS_WORKERS", "")
    if tasks < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    if forced.isdigit() and int(forced) > 0:
        return min(int(forced), MAX_WORKERS, tasks)
    if tasks < minimum:
        return 1
    return max(1, min(cores(), MAX_WORKERS))


def run_all(run: Callable[[T], R], tasks: Sequence[T], minimum: int, counted: bool = False) -> list[R]:
    """`[run(t) for t in tasks]`, on every core when there are at least `minimum` tasks.
    `counted`: each task done is a step of the current progress stage.

    Tasks are handed out in order in chunks; put the slowest first so they do not end last.
    """
    return run_all_then(run, _same, tasks, minimum, counted)


def run_all_then(
    run: Callable[[T], R], then: Callable[[R], S], tasks: Sequence[T], minimum: int, counted: bool = False,
    release: bool = False,
) -> list[S]:
    """`[then(run(t)) for t in tasks]`: `run` as `run_all` runs it, `then` always in this process,
    on each chunk's results as soon as they come back, while the workers run the rest (this
    process would otherwise wait idle, then do that work while both cores' workers are done).
    With `release`, `tasks` (a list) is emptied once forked workers have their copy, so this
    process lets go of what only they read."""
    with started(run, then, tasks, minimum, counted, release) as results:
        return results()


@contextmanager
def started(
    run: Callable[[T], R], then: Callable[[R], S], tasks: Sequence[T], minimum: int, counted: bool = False,
    release: bool = False,
) -> Iterator[Callable[[], list[S]]]:
    """`run_all_then` begun: the block runs in this process while the workers run the tasks,
    and calling what it gives waits for their results (`then` applied). In one process the
    tasks run at once, before the block. Leaving the block collects the results if the block
    did not, so no task is ever lost; an exception cancels the tasks not begun."""
    global _JOB
    count = workers(len(tasks), minimum)
    if count == 1:
        done = [then(_counted(run(task), 1 if counted else 0)) for task in tasks]
        yield lambda: done
        return
    sizes = chunk_sizes(len(tasks), count)
    starts = [0, *itertools.accumulate(sizes[:-1])]
    import multiprocessing  # here: most commands never fork (importing it was 10 ms of each)
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_orphan_proof, initargs=(os.getpid(),)
    )
    _JOB = (run, tasks)
    try:
        chunks = pool.map(_run_chunk, starts, sizes)  # forks every worker now
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        _JOB = None  # the workers have their copy
    if release and isinstance(tasks, list):
        tasks.clear()
    collected: list[S] | None = None

    def results() -> list[S]:
        nonlocal collected
        if collected is None:
            collected = []
            for chunk in chunks:
                collected.extend(then(result) for result in _counted(chunk, len(chunk) if counted else 0))
        return collected

    try:
        yield results
        results()
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def in_background(run: Callable[[], object]) -> Callable[[], None]:
    """Run `run` in a forked process while this one goes on; what it returns waits for that
    process to end. For work whose result this process does not read (writing a cache file)
    while it works on alone and the other core would be idle. Call it only where `workers()`
    would fork. A failure there is that process's: it is printed, not raised here."""
    return _forked(run).join


def meanwhile(run: Callable[[], R]) -> Callable[[], R | None]:
    """`run()` in a forked process while this one goes on; what it returns waits for that
    process and gives what `run` returned (pickled back), or None when it failed or died (the
    caller does the work itself then). For work this process needs later but not yet (drawing a
    chart while the pages are made). Call it only where `workers()` would fork."""
    import multiprocessing

    receive, send = multiprocessing.Pipe(duplex=False)
    process = _forked(lambda: _send(run, send))
    send.close()

    def result() -> R | None:
        try:
            value: R | None = receive.recv()
        except (EOFError, OSError):  # it died or failed before sending
            value = None
        finally:
            receive.close()
            process.join()
        return value

    return result


def _forked(run: Callable[[], object]) -> multiprocessing.process.BaseProcess:
    """A forked process running `run` silenced (`_silenced`). What this one has buffered is
    written first: the child writes out its copy of the buffers when it ends, so it would be
    printed twice. A stream that cannot be written (a closed pipe) has nothing to print twice."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(target=_silenced, args=(run,))
    process.start()
    return process


def _send(run: Callable[[], object], send: Any) -> None:
    with contextlib.suppress(Exception):  # nothing sent: the caller does the work itself, and fails there if it fails
        send.send(run())


def _silenced(run: Callable[[], object]) -> None:
    try:
        with progress.silenced():
            run()
    except KeyboardInterrupt:  # Ctrl-C reaches every process of the build: no traceback from this one
        os._exit(130)


def chunk_sizes(tasks: int, count: int) -> list[int]:
    """How many tasks each chunk takes, in order: a quarter of what is left per worker's share
    each time (guided scheduling), never under 1/32 of a share. Equal chunks ended with one core
    idle while the other finished its last chunk: a quarter of a second of a cold public build's
    rendering at 5,000 incidents, where the last pages (history) are the heaviest."""
    sizes: list[int] = []
    left = tasks
    smallest = max(1, int(tasks / count * _SMALLEST))
    while left > 0:
        size = min(left, max(smallest, -(-left // (count * CHUNKS_PER_WORKER))))
        sizes.append(size)
        left -= size
    return sizes


def _same(result: R) -> R:
    return result


def _counted(result: R, steps: int) -> R:
    if steps:
        progress.advance(steps)
    return result


def _orphan_proof(parent: int) -> None:
    """A worker's first step: end with the process that forked it. Killed (SIGKILL, or SIGTERM
    from `timeout` or CI), that process leaves its workers blocked for ever on a pipe no one reads;
    they held its locks (a flock is shared by fork), so every later build of that site, or
    command on that content folder, was refused. The workers let go of the locks, and on Linux
    the kernel kills them when the parent dies (elsewhere they linger, holding no lock)."""
    locking.let_go_in_child()
    if sys.platform.startswith("linux"):
        import ctypes  # here: only a forked worker needs it

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # it died before prctl took effect
            os._exit(1)


def _run_chunk(start: int, size: int) -> list[Any]:
    assert _JOB is not None
    run, tasks = _JOB
    with progress.silenced():
        return [run(task) for task in tasks[start : start + size]]
