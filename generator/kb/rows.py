"""Table rows kept between builds: an incident's row in the tables that list incidents (the
incidents index, each service's page, the home page's open incidents).

Formatting the rows of every incident was a tenth of a second of every knowledge-base rebuild
at 1,000 incidents, though one changed incident changes one row. A row is kept under a hash of
what it is made from: the load cache's key of the incident's file (which changes with anything
the record is made of), the texts the row shows besides the record (the services' names, the
review state) and the folder of the page (its links are relative), with the code's hash. The
page cache lends the rows of the last build with `remembered()` and keeps the ones this build
used; rows made in worker processes come back with each file they made (`collecting()`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..digest import serialise


class RowStore:
    """Rows made by earlier builds by key; keeps the ones this build used."""

    def __init__(self, known: dict[str, list[str]]) -> None:
        self.known = known
        self.used: dict[str, list[str]] = {}


def _code_salt() -> bytes:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


_SALT = _code_salt()
#: The store lent by `remembered()`, if any.
_STORE: RowStore | None = None


@contextmanager
def remembered(store: RowStore) -> Iterator[None]:
    """Look rows up in (and add the ones used to) `store` while the block runs."""
    global _STORE
    previous, _STORE = _STORE, store
    try:
        yield
    finally:
        _STORE = previous


@contextmanager
def collecting() -> Iterator[dict[str, list[str]]]:
    """The rows used while the block runs (in a worker: to send back with what it made)."""
    if _STORE is None:
        yield {}
        return
    before = set(_STORE.used)
    found: dict[str, list[str]] = {}
    try:
        yield found
    finally:
        found.update({key: row for key, row in _STORE.used.items() if key not in before})


def add(made: dict[str, list[str]]) -> None:
    """Keep rows a worker used."""
    if _STORE is not None:
        _STORE.used.update(made)


def row(inputs: Any, make: Callable[[], list[str]]) -> list[str]:
    """The row made from `inputs` (everything `make` reads), from the store when an earlier
    build made it."""
    if _STORE is None:
        return make()
    key = hashlib.sha256(_SALT + serialise(inputs)).hexdigest()
    found = _STORE.known.get(key)
    if found is None:
        found = make()
    _STORE.used[key] = found
    return found
