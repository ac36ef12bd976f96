"""Reading the content files of one kind into records, through the load cache when given.

Each file is read and parsed unless the cache knows it (by its status, or by the key of its
bytes); a file's own problems are reported either way, so messages are the same with or without
the cache. See cache.py for what the cache keeps and when it trusts it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TypeVar

from .. import progress
from ..problems import Level, Problem, Problems
from .cache import MISSING, LoadCache, StoredProblem, gc_paused
from .checks import Facts, facts_of
from .files import ContentFile, ContentFolder, read_regular_bytes

T = TypeVar("T")

#: A reader of one file: reports its own problems and returns its record (or None).
Reader = Callable[[Problems, ContentFile, str], T | None]

#: Stands for "this file's own path" in a stored problem, so the entry does not depend on how
#: the content folder was named on the command line.
_SELF = ""


def context_bytes(folder: ContentFolder, rels: Iterable[str]) -> list[bytes]:
    """The raw bytes of the files every reader depends on (empty when missing or unreadable)."""
    parts = []
    for rel in rels:
        if rel in folder.overrides:
            parts.append(b"o" + folder.overrides[rel].encode("utf-8", "surrogatepass"))
            continue
        try:
            parts.append(b"f" + read_regular_bytes(folder.root / rel))
        except OSError:
            parts.append(b"-")
    return parts


def read_files(
    folder: ContentFolder,
    files: Iterable[ContentFile],
    reader: Reader[T],
    cache: LoadCache | None,
    need_records: bool = True,
) -> list[tuple[T | None, Facts]]:
    """Every file's record and facts, from the cache when the file is unchanged, else from
    `reader`; each file's own problems go to the folder's problems. Without `need_records`,
    a file found in the cache gives its facts only (its record is None), unpickling nothing.

    A file is read unless its status says it is unchanged; then the checks reading would do
    (symlinks, size) are done on its status. Only decoding, parsing and conversion are skipped.
    """
    with gc_paused():
        return [read for file in files if (read := _counted(_read_file(folder, file, reader, cache, need_records)))]


def _counted(read: T) -> T:
    progress.advance()
    return read


def _read_file(
    folder: ContentFolder, file: ContentFile, reader: Reader[T], cache: LoadCache | None, need_records: bool
) -> tuple[T | None, Facts] | None:
    problems = folder.problems
    read: tuple[bytes, os.stat_result | None] | None = None
    indexed = cache.unchanged(folder, file) if cache is not None else None
    if indexed is None:
        read = folder.read_bytes_and_stat(file)
        if read is None:
            return None
        indexed = cache.lookup(file.rel, cache.key(file.rel, read[0]), read[1]) if cache is not None else None
    if cache is not None and indexed is not None:
        kept = cache.own(file.rel, indexed)
        record = cache.record(file.rel, indexed) if need_records else None
        if kept is not MISSING and record is not MISSING:
            cache.use(file.rel, indexed)
            problems.extend(restore(file, kept[0]))
            present = record is not None if need_records else kept[1] is not None
            return (record, kept[1]) if present else None
        if read is None:  # lost with a damaged chunk: read the file after all
            read = folder.read_bytes_and_stat(file)
            if read is None:
                return None
    assert read is not None
    data, info = read
    own = Problems()
    folder.problems = own
    try:
        text = folder.decode(file, data)
        record = reader(own, file, text) if text is not None else None
    finally:
        folder.problems = problems
    found = own.sorted()
    problems.extend(found)
    facts = facts_of(record)
    if cache is not None:
        cache.store(file.rel, cache.key(file.rel, data), info, record, [_keep(file, p) for p in found], facts)
    return (record, facts) if record is not None else None


def _keep(file: ContentFile, problem: Problem) -> StoredProblem:
    path = _SELF if problem.path == file.shown else problem.path
    return path, problem.line, problem.message, problem.level is Level.ERROR


def restore(file: ContentFile, stored: list[StoredProblem]) -> list[Problem]:
    """The problems a file produced on its own, as stored by `_keep`."""
    return [
        Problem(path or file.shown, line, message, Level.ERROR if error else Level.WARNING)
        for path, line, message, error in stored
    ]
