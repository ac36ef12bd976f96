"""Render many pages on every core (generator/workers.py): each forked worker writes a share of
the files.

Rendering the HTML pages is the bulk of a cold public build and is pure CPU per page, so with
two cores it takes about half the time in two processes. Each file is written by exactly one
process from the same inputs, so the output is the same bytes as rendering in order. Small
sites (the tests, a typical organisation) and `serve` render in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

from ..workers import started, workers

#: Below this many pages, starting processes costs more than it saves.
MIN_PAGES = 500

#: The blocks of `overlapping()` being run, innermost last.
_OPEN: list[ExitStack] = []


def write_pages(
    pages: Sequence[tuple[str, Callable[[], str]]], dest: Path, then: Callable[[], None] = lambda: None
) -> None:
    """Render each (path, render) and write it to `dest/path`, in worker processes when it pays;
    then call `then`. Inside `overlapping()`, pages given to workers are waited for (and `then`
    called) at the end of that block, so this process does the rest of the block meanwhile."""
    made: set[Path] = set()  # each worker's own copy, forked empty
    job = _written(started(lambda page: write(dest / page[0], page[1](), made), _nothing, pages, MIN_PAGES,
                           counted=True), then)
    if _OPEN and workers(len(pages), MIN_PAGES) > 1:  # in one process: in order, as ever
        _OPEN[-1].enter_context(job)
    else:
        with job:
            pass


@contextmanager
def overlapping() -> Iterator[None]:
    """Let `write_pages` return while its workers render: the formats after the HTML pages
    (feeds, calendars, API: 0.4 s of CPU at 5,000 incidents) are made in this process while
    both cores' workers render pages, instead of after them. Leaving the block waits for the
    pages; an exception inside cancels the pages not begun."""
    with ExitStack() as stack:
        _OPEN.append(stack)
        try:
            yield
        finally:
            _OPEN.pop()


@contextmanager
def _written(job: AbstractContextManager[Callable[[], list[None]]], then: Callable[[], None]) -> Iterator[None]:
    """The pages of `job` written, then `then`; a failure anywhere: `then` is not called."""
    with job as results:
        yield
        results()
    then()


def _nothing(_: None) -> None:
    return None


def write(path: Path, text: str, made: set[Path] | None = None) -> None:
    """Write one page as UTF-8 with LF line ends, making its folder unless it is in `made`
    (the folders made for the pages written before it, which it adds to: a `mkdir` of a
    folder that is there still takes its parent's lock, 3,500 times for one folder at 5,000
    incidents, from both workers at once)."""
    folder = path.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    path.write_text(text, encoding="utf-8", newline="\n")
