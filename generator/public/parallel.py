"""Render many pages on every core: forked worker processes that each write a share of the files.

Rendering the HTML pages is the bulk of a cold public build and is pure CPU per page, so with
two cores it takes about half the time in two processes. The workers are forked: they inherit the
projection, the compiled templates and the page closures without pickling anything, and get only
chunk numbers through the pool. Each file is written by exactly one process from the same inputs,
so the output is the same bytes as rendering in order. Small sites (the tests, a typical
organisation) and processes with other threads running (`serve`, where forking is unsafe)
render in this process, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import progress

#: Below this many pages, starting processes costs more than it saves.
MIN_PAGES = 500
#: Work is handed out in about this many chunks per worker, so a slow chunk does not leave a core idle.
CHUNKS_PER_WORKER = 8

#: (path, render) of the pages of the pool being run; set before forking, read by the workers.
_PAGES: Sequence[tuple[str, Callable[[], str]]] = ()
_DEST = Path()


def workers(pages: int) -> int:
    """How many processes should render `pages` pages: 1 means in this process."""
    if pages < MIN_PAGES or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 4))


def write_pages(pages: Sequence[tuple[str, Callable[[], str]]], dest: Path) -> None:
    """Render each (path, render) and write it to `dest/path`, in worker processes when it pays."""
    global _PAGES, _DEST
    count = workers(len(pages))
    if count == 1:
        for path, make in pages:
            write(dest / path, make())
            progress.advance()
        return
    size = max(1, -(-len(pages) // (count * CHUNKS_PER_WORKER)))
    _PAGES, _DEST = pages, dest
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            starts = range(0, len(pages), size)
            for start, _ in zip(starts, pool.map(_render_chunk, starts, [size] * len(starts)), strict=True):
                progress.advance(min(size, len(pages) - start))
    finally:
        _PAGES, _DEST = (), Path()


def _render_chunk(start: int, size: int) -> None:
    for path, make in _PAGES[start : start + size]:
        write(_DEST / path, make())


def write(path: Path, text: str) -> None:
    """Write one page as UTF-8 with LF line ends, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
