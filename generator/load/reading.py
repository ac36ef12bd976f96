"""Reading the content files of one kind into records, through the load cache when given.

Each file is read and parsed unless the cache knows it (by its status, or by the key of its
bytes); a file's own problems are reported either way, so messages are the same with or without
the cache. See cache.py for what the cache keeps and when it trusts it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from .. import progress, published
from ..model import Postmortem
from ..problems import Level, Problem, Problems
from ..workers import run_all_then, workers
from .cache import (
    CLEAN,
    FACTS,
    MISSING,
    Indexed,
    LoadCache,
    Pickled,
    StoredProblem,
    digest_of,
    dumps,
    facts_digest,
    gc_paused,
)
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


#: Below this many files to parse, worker processes cost more than they save.
MIN_FILES = 400


def read_files(
    folder: ContentFolder,
    files: Sequence[ContentFile],
    reader: Reader[T],
    cache: LoadCache | None,
    need_records: bool = True,
    prefetch: bool = False,
    later: bool = False,
    errors_only: bool = False,
) -> list[tuple[T | None, Facts | Later]]:
    """Every file's record and facts, from the cache when the file is unchanged, else from
    `reader`; each file's own problems go to the folder's problems. Without `need_records`,
    a file found in the cache gives its facts only (its record is None), unpickling nothing,
    and a file parsed in a worker process gives its record as `Pickled` bytes (load/lazy.py
    unpickles it when read); with `prefetch` too (the caller will read the records of the
    files parsed now), those are unpickled as the workers send them, while they parse the rest.
    With `later` too (the checks across files may not need them), a file the cache knows gives
    `Later` for its facts, taken from the cache only if those checks must run again
    (`facts_now`); with `errors_only` as well, one the cache knows as clean (it gave facts, and
    none of its own problems is an error) reports none of its warnings either.

    A file is read unless its status says it is unchanged; then the checks reading would do
    (symlinks, size) are done on its status. Only decoding, parsing and conversion are skipped.
    Files are read here; decoding, parsing and converting them (each on its own) runs in
    worker processes when there are many (generator/workers.py); their results and problems
    are then taken in file order, so messages and records are the same as in one process.
    """
    return read_kinds(folder, [Kind(files, reader, need_records, prefetch, later, errors_only)], cache)[0]


class Kind(NamedTuple):
    """One kind of content file to read (see `read_files` for the flags)."""

    files: Sequence[ContentFile]
    reader: Reader[Any]
    need_records: bool = True
    prefetch: bool = False
    later: bool = False
    errors_only: bool = False


def read_kinds(
    folder: ContentFolder, kinds: Sequence[Kind], cache: LoadCache | None
) -> list[list[tuple[Any, Facts | Later]]]:
    """`read_files` of each kind, in order, with the files to parse of every kind parsed by one
    pool of workers: a pool per kind waited for its last chunk and forked again (the post-mortems'
    own pool was 0.39 s of a cold build at 5,000 incidents), while the files of the next kind were
    looked up and read with the other core idle. Messages, records and the cache's entries are
    the same as reading the kinds one after another."""
    with gc_paused():
        looked: list[list[_Step]] = []
        todo: list[tuple[ContentFile, bytes, int]] = []
        for number, kind in enumerate(kinds):
            steps = _looked_up(folder, kind, cache)
            for file, step in zip(kind.files, steps, strict=True):
                if step.read is not None:
                    data, info = step.read
                    todo.append((file, data, number))
                    # Only `todo` holds the bytes now, and the workers' pool lets go of it once
                    # they have their copy (the bytes of a cold load: 50 MB at 20,000 incidents).
                    step.read, step.key = (b"", info), cache.key(file.rel, data) if cache is not None else b""
            looked.append(steps)
        # Without a cache to store them in, records nobody asked for are dropped where they are
        # made (in the workers: pickling 20,000 records back was a third of a cold `validate`).
        readers = [(kind.reader, kind.need_records or cache is not None, kind.need_records or kind.prefetch)
                   for kind in kinds]
        parsed = iter(_parse_all(folder, readers, todo))
        return [_taken(folder, kind, steps, parsed, cache) for kind, steps in zip(kinds, looked, strict=True)]


def _taken(
    folder: ContentFolder, kind: Kind, steps: list[_Step], parsed: Iterator[Any], cache: LoadCache | None
) -> list[tuple[Any, Facts | Later]]:
    """The records and facts of one kind's files, in order, from their looking up and the
    parsed results; their problems reported, the parsed files stored in the cache."""
    results: list[tuple[Any, Facts | Later]] = []
    for file, step in zip(kind.files, steps, strict=True):
        folder.problems.extend(step.problems)
        if step.read is None:
            if step.found is not None:
                results.append(step.found)
            continue
        record, facts, found, digest = next(parsed)
        folder.problems.extend(found)
        if cache is not None:
            cache.store(file.rel, step.key, step.read[1], record, [_keep(file, p) for p in found], facts,
                        digest)
        if kind.need_records and isinstance(record, Pickled):  # the caller reads it now
            record = record.load()
        if facts is not None:  # a file that gave a record (kept or not) has facts
            results.append((record, facts))
    return results


#: Files looked up between two steps of the progress meter (a step per file was 0.03 s a load
#: of 24,000 files, the meter's clock read each time; the meter redraws ten times a second).
_COUNT_EVERY = 256


def _looked_up(folder: ContentFolder, kind: Kind, cache: LoadCache | None) -> list[_Step]:
    """`_look_up` of each file of `kind`. A file the cache knew (or could not read) is a step of
    the progress stage now; one to parse counts once parsed (`_parse_all`)."""
    steps = []
    known = 0
    # A warm build's incidents (no record read now): the files the cache knows in one pass,
    # the others looked up one by one as ever.
    records_now = kind.need_records or kind.later or kind.errors_only
    kept = cache.kept(folder, kind.files) if cache is not None and not records_now else None
    for number, file in enumerate(kind.files):
        found = kept[number] if kept is not None else None
        if found is not None:
            assert cache is not None
            indexed, (stored, facts) = found
            cache.new[file.rel] = indexed  # `cache.use()`: the index's own entry, so nothing changed
            step = _Step(restore(file, stored) if stored else _NONE, (None, facts) if facts is not None else None)
        else:
            step = _look_up(folder, file, cache, kind.need_records, kind.later, kind.errors_only)
        steps.append(step)
        if step.read is None:
            known += 1
            if known == _COUNT_EVERY:
                progress.advance(known)
                known = 0
    if known:
        progress.advance(known)
    return steps


class Later:
    """The facts of a clean file the load cache knows, not unpickled yet (`facts_now`)."""

    __slots__ = ("indexed", "rel")

    def __init__(self, rel: str, indexed: Indexed) -> None:
        self.rel, self.indexed = rel, indexed


class Lost(Exception):
    """The facts of a `Later` are gone with a damaged chunk: load again without `later`."""


def facts_now(cache: LoadCache | None, facts: Iterable[Facts | Later]) -> list[Facts]:
    """`facts` with each `Later` replaced by the facts the cache keeps (raises `Lost`)."""
    found = []
    for fact in facts:
        if isinstance(fact, Later):
            assert cache is not None
            kept = cache.facts(fact.rel, fact.indexed)
            if kept is MISSING:
                raise Lost(fact.rel)
            fact = kept
        found.append(fact)
    return found


#: No problems (one list shared by every clean file's step: nothing adds to it).
_NONE: list[Problem] = []


class _Step:
    """What looking a file up found: its record and facts from the cache (`found`), or its bytes
    to parse (`read`), or neither (unreadable); and the problems reported on the way."""

    __slots__ = ("found", "key", "problems", "read")

    def __init__(self, problems: list[Problem], found: Any = None,
                 read: tuple[bytes, os.stat_result | None] | None = None) -> None:
        self.problems, self.found, self.read = problems, found, read
        self.key = b""  # of the bytes read, once they are handed to the parsing


def _look_up(
    folder: ContentFolder, file: ContentFile, cache: LoadCache | None, need_records: bool, later: bool = False,
    errors_only: bool = False,
) -> _Step:
    """The file from the cache, else its bytes (read here, in the parent: reading checks
    symlinks and sizes)."""
    indexed = cache.unchanged(folder, file) if cache is not None else None
    if indexed is not None and not need_records:  # the common case of validate, without ceremony
        assert cache is not None
        if errors_only and indexed[5] == CLEAN:  # nothing of it is unpickled unless the checks run
            cache.use(file.rel, indexed)
            return _Step(_NONE, (None, Later(file.rel, indexed)))
        stored = cache.problems(file.rel, indexed)
        if stored is not MISSING:
            if later:
                found: Any = (None, Later(file.rel, indexed)) if indexed[5] & FACTS else None
            else:
                facts = cache.facts(file.rel, indexed)
                found = MISSING if facts is MISSING else (None, facts) if facts is not None else None
            if found is not MISSING:
                cache.use(file.rel, indexed)
                return _Step(restore(file, stored) if stored else [], found)
    problems = folder.problems
    own = Problems()
    folder.problems = own
    try:
        read: tuple[bytes, os.stat_result | None] | None = None
        if indexed is None:
            read = folder.read_bytes_and_stat(file)
            if read is None:
                return _Step(own.sorted())
            indexed = cache.lookup(file.rel, cache.key(file.rel, read[0]), read[1]) if cache is not None else None
        if cache is not None and indexed is not None:
            kept = cache.own(file.rel, indexed)
            record: Any = None
            if need_records and kept is not MISSING and isinstance(kept[1], Postmortem):
                record = kept[1]  # a post-mortem's facts are its record (checks.facts_of): not unpickled twice
            elif need_records:
                record = cache.record(file.rel, indexed)
            if kept is not MISSING and record is not MISSING:
                cache.use(file.rel, indexed)
                present = record is not None if need_records else kept[1] is not None
                return _Step([*own.sorted(), *restore(file, kept[0])], (record, kept[1]) if present else None)
            if read is None:  # lost with a damaged chunk: read the file after all
                read = folder.read_bytes_and_stat(file)
                if read is None:
                    return _Step(own.sorted())
        return _Step(own.sorted(), read=read)
    finally:
        folder.problems = problems


def _parse_all(
    folder: ContentFolder, readers: Sequence[tuple[Reader[Any], bool, bool]], todo: list[tuple[ContentFile, bytes, int]]
) -> list[Any]:
    """(record, facts, sorted own problems, facts digest or None) of each (file, bytes, kind)
    in order, parsed by `readers[kind]`: (reader, keep, unpickle); in worker processes when
    many. The record is None when not `keep`.

    Workers send their results pickled as the load cache pickles records (fast to load), the
    record apart as `Pickled` bytes with the digest of its facts: the load cache saves those
    bytes as they are, so this process unpickles only the records something reads and pickles
    none again (unpickling every record here and pickling it again for the cache was 1.5 s of
    CPU at 5,000 incidents, while both cores' workers waited for it). With `unpickle`, each
    chunk's records are unpickled as soon as it comes back, while the workers parse the rest."""
    forked = workers(len(todo), MIN_FILES) > 1

    def parse(task: tuple[ContentFile, bytes, int]) -> Any:
        file, data, kind = task
        reader, keep, shown = readers[kind]
        problems = folder.problems
        own = Problems()
        folder.problems = own
        try:
            with published.recorded() as made:
                text = folder.decode(file, data)
                record = reader(own, file, text) if text is not None else None
        finally:
            folder.problems = problems
        facts = facts_of(record)
        if not forked:
            return record if keep else None, facts, own.sorted(), None
        # A post-mortem's facts are its record (checks.facts_of): sent once. The facts are pickled
        # once, for sending and for their digest (`facts_digest` pickled them a second time),
        # but a post-mortem's, whose digest leaves its body out (checks.digested).
        kept = dumps(record) if keep and record is not None and record is not facts else None
        pickled = dumps(facts) if facts is not None else None
        digest = facts_digest(facts) if isinstance(facts, Postmortem) else digest_of(pickled) if pickled else None
        sent = dumps(made) if shown and made else None  # the forms the checks made, for the pages to show
        return pickled, dumps(own.sorted()), digest, kept, kind, sent

    def unpack(result: Any) -> Any:
        if not forked:
            return result
        pickled, problems, digest, kept, kind, sent = result
        if sent is not None:
            published.adopt(pickle.loads(sent))
        _, keep, unpickle = readers[kind]
        facts, own = pickle.loads(pickled) if pickled is not None else None, pickle.loads(problems)
        record: Any = None
        if kept is not None:
            record = Pickled(kept)
            if unpickle:
                record.load()
        elif keep and isinstance(facts, Postmortem):
            record = facts
        return record, facts, own, digest

    return run_all_then(parse, unpack, todo, MIN_FILES, counted=True, release=True)


def _keep(file: ContentFile, problem: Problem) -> StoredProblem:
    path = _SELF if problem.path == file.shown else problem.path
    return path, problem.line, problem.message, problem.level is Level.ERROR


def restore(file: ContentFile, stored: list[StoredProblem]) -> list[Problem]:
    """The problems a file produced on its own, as stored by `_keep`."""
    return [
        Problem(path or file.shown, line, message, Level.ERROR if error else Level.WARNING)
        for path, line, message, error in stored
    ]
