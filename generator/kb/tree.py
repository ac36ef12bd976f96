"""Writing the generated docs tree: the pages plus the packaged assets.

`sync_tree` writes only files whose bytes changed and removes files no producer made, so a
live-reloading `mkdocs serve` watching the folder rebuilds only when something really changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path

from ..model import Site
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


def sync_tree(outputs: list[Output], docs: Path, unchanged: frozenset[str] = frozenset()) -> int:
    """Make `docs` hold exactly `outputs`; returns how many files were (re)written. Files in
    `unchanged` (and every `Kept` one) are known to hold their output already and are not read."""
    docs.mkdir(parents=True, exist_ok=True)
    wanted: set[Path] = set()
    written = 0
    for output in outputs:
        target = docs / output.path
        wanted.add(target)
        if output.path in unchanged or isinstance(output.content, Kept):
            continue
        data = output.content.encode("utf-8") if isinstance(output.content, str) else output.content
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    for path in sorted(docs.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written
