"""Render many pages on every core (generator/workers.py): each forked worker writes a share of
the files.

Rendering the HTML pages is the bulk of a cold public build and is pure CPU per page, so with
two cores it takes about half the time in two processes. Each file is written by exactly one
process from the same inputs, so the output is the same bytes as rendering in order. Small
sites (the tests, a typical organisation) and `serve` render in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..workers import run_all

#: Below this many pages, starting processes costs more than it saves.
MIN_PAGES = 500


def write_pages(pages: Sequence[tuple[str, Callable[[], str]]], dest: Path) -> None:
    """Render each (path, render) and write it to `dest/path`, in worker processes when it pays."""
    run_all(lambda page: write(dest / page[0], page[1]()), pages, MIN_PAGES, counted=True)


def write(path: Path, text: str) -> None:
    """Write one page as UTF-8 with LF line ends, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
