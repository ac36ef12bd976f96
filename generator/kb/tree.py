"""Writing the generated docs tree: the pages plus the packaged assets.

`sync_tree` writes only files whose bytes changed and removes files no producer made, so a
live-reloading `mkdocs serve` watching the folder rebuilds only when something really changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path

from ..model import Site
from ..workers import in_background, workers
from . import paths
from .pages import Kept, Output
from .registry import Made, produce_all


def assets() -> Iterator[Output]:
    """The knowledge base's own CSS (and any other file in `generator/kb/assets/`)."""
    root = resources.files("generator.kb") / "assets"
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            yield Output(f"{paths.ASSETS}/{entry.name}", entry.read_bytes())


def generate(site: Site, now: datetime, made: Made | None = None) -> list[Output]:
    """Every file of the docs tree, sorted by path (keyed pages from `made` when unchanged)."""
    return sorted([*produce_all(site, now, made), *assets()], key=lambda o: o.path)


#: Below this many files to write, a process of its own costs more than writing them here.
MIN_WRITTEN = 400


def sync_tree_meanwhile(outputs: list[Output], docs: Path, unchanged: frozenset[str] = frozenset()
                        ) -> Callable[[], None] | None:
    """`sync_tree` in a forked process while this one goes on (MkDocs builds from the contents
    in memory: `mkdocs_run.listed_files`), when there are many files to write: writing the 6,165
    files of a cold build at 5,000 incidents took 0.25 to 4 s, with the other core idle. Returns
    what waits for that process, or None when the tree was written here. A failure there is
    printed, not raised: the next build finds the files it needs missing or changed and makes them."""
    if workers(sum(1 for o in outputs if o.path not in unchanged and not isinstance(o.content, Kept)),
               MIN_WRITTEN) == 1:
        sync_tree(outputs, docs, unchanged)
        return None
    docs.mkdir(parents=True, exist_ok=True)  # MkDocs' configuration checks that it is there
    return in_background(lambda: sync_tree(outputs, docs, unchanged))


def sync_tree(outputs: list[Output], docs: Path, unchanged: frozenset[str] = frozenset()) -> int:
    """Make `docs` hold exactly `outputs`; returns how many files were (re)written. Files in
    `unchanged` (and every `Kept` one) are known to hold their output already and are not read."""
    docs.mkdir(parents=True, exist_ok=True)
    root = f"{docs}{os.sep}"  # paths as text: a Path per file cost more than the rest of the loop
    wanted: set[str] = set()
    written = 0
    for output in outputs:
        target = root + output.path.replace("/", os.sep)
        wanted.add(target)
        if output.path in unchanged or isinstance(output.content, Kept):
            continue
        data = output.content.encode("utf-8") if isinstance(output.content, str) else output.content
        try:
            with open(target, "rb") as handle:
                if handle.read() == data:
                    continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        written += 1
    for folder, _subfolders, files in os.walk(docs, topdown=False):
        for name in files:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.unlink(path)
        if folder != str(docs) and not os.listdir(folder):
            os.rmdir(folder)
    return written
