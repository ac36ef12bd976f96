"""A per-file cache of what the readers made of each content file, so an unchanged folder
is validated without parsing YAML again, and mostly without even reading the files.

Each file's entry is keyed by the SHA-256 of its bytes, its path, and a context: the bytes of
`site.yaml` and `services.yaml` (readers check service ids) and a hash of the loader's own source
(so a new version never trusts an old entry). The entry holds the record and the problems that
file produced on its own. Checks across files (`checks.py`) are never cached: they run on every
load. The cache is an optimisation only: an unreadable, corrupt or foreign cache is ignored, a
cache that cannot be written is skipped, and messages and records are the same either way.

Like git's index, an entry also keeps the file's status when it was read (size, modification and
change times in ns, inode). A file whose status is the same is not read or hashed again; any
write changes its change time, which no tool can set back. A file modified within two seconds of
being read is never trusted this way (a second write in the same clock tick could keep its
status), so it is read and hashed next time.

Layout: signed cache files (generator/cachefile.py: a section is unpickled only if its HMAC
verifies under the user's key, so a file someone else wrote never runs). The index file
`load-<hash>.pickle` holds the format, context, each file's key, status, chunk, facts digest,
record id and flags (it gave facts; it has an error of its own: see `check_folder`), and the
names of the chunk files (chunks.py), one per chunk of about 1,000 files, each with three
sections, each unpickled only when asked for: the files' own problems, their records (but a
post-mortem's, which is its facts), and the facts the checks across files need (checks.py).
`validate` reads no record at all, and the facts only when those checks must run again
(unpickling the facts of 24,000 files was 0.1 s).
Saving keeps every chunk file whose files all came back unchanged (or three quarters of a
full one's) as it is, and writes only the other entries into new chunk files, then the index:
one changed file costs one small chunk file, not a copy of the whole cache.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import operator
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from ..cachefile import CacheFile, ensure_gitignore, path_name, write_cache_file
from ..locking import Busy, acquire
from ..model import Postmortem
from ..versions import version
from ..workers import in_background
from .checks import Facts, IncidentFacts, MaintenanceFacts, RunbookFacts, digested
from .chunks import chunk_path, open_chunk, remove_unnamed, write_chunk
from .files import ContentFile, ContentFolder
from .makers import maker_of

#: Files per chunk of records in the cache file.
_CHUNK = 1000
#: More kept chunks than this of under a quarter of `_CHUNK` files each are merged into one.
_SMALL_CHUNKS = 8
#: Seconds a save waits for another process saving the same cache (then it skips saving).
_SAVE_WAIT = 5.0
#: Bumped when the layout of a cache file changes.
FORMAT = 10
#: Libraries whose output the readers keep (the Markdown checks' problems and forms), besides
#: PyYAML, which parses every file.
_LIBRARIES = ("markdown", "nh3")
#: A file modified less than this long before it was read is not trusted by its status.
RACY_NS = 2_000_000_000
#: Source files whose code shapes the cached records and problems: any change invalidates
#: every entry. Besides the loader: the records' classes, the problems, the Markdown checks
#: (published.py and the linkifier it calls) and the follow-up rules the readers date items by;
#: tests/test_load_cache_code.py fails when the loader imports a module missing here.
_CODE = Path(__file__).resolve().parent
_CODE_FILES = (*sorted(_CODE.glob("*.py")), *(_CODE.parent / name for name in (
    "model.py", "problems.py", "published.py", "linkify.py", "derive/followup.py")))

#: A stored problem: (path or _SELF, line, message, is it an error).
StoredProblem = tuple[str, int, str, bool]
#: What identifies a file's state without reading it: size, mtime, ctime (ns), inode.
Status = tuple[int, int, int, int]
#: Index entry of one file: its key, its status when read (None: not trusted), its chunk (-1:
#: parsed by this load, not written yet), a digest of its facts (so the checks across files can
#: be reused when no file's facts changed, see crosscache.py) and its record's id ("" when it
#: has none), which responders look incidents up by without reading every file, and its flags:
#: `FACTS` (it gave facts) and `ERRORS` (one of its own problems is an error). A file that is
#: `CLEAN` needs nothing from its chunk in a responder's check for new errors (`check_folder`).
Indexed = tuple[bytes, Status | None, int, bytes, str, int]
FACTS, ERRORS = 1, 2
CLEAN = FACTS
#: What a chunk keeps of each file besides its record: its own problems and its facts.
_Own = tuple[list[StoredProblem], Facts]
#: Something asked for that the cache does not hold (a damaged chunk): the file is read again.
MISSING: Any = object()
#: What a file's facts can be (checks.Facts, besides None).
_FACT_TYPES = (IncidentFacts, MaintenanceFacts, Postmortem, RunbookFacts)


def code_hash() -> bytes:
    """A hash of the loader's sources, the Python version (pickles and readers depend on both)
    and the libraries whose output the readers keep: PyYAML parses every file, and the
    Markdown checks' problems and forms come from Python-Markdown and nh3.

    Taken once, when this module is imported: a long-running process must describe the code it
    runs, not files edited on disk since (an upgrade mid-build would otherwise write entries in
    the old layout under the new code's name)."""
    libraries = " ".join(f"{name}={version(name)}" for name in _LIBRARIES)
    return sources_hash(f"{FORMAT} {sys.version_info[:2]} yaml={yaml.__version__} {libraries}".encode(), _CODE_FILES)


def sources_hash(seed: bytes, paths: Iterable[Path]) -> bytes:
    """A hash of `seed` and the names and bytes of `paths`: what a cache's entries were made by.
    An unreadable file makes it random, so a broken install never trusts a cache."""
    digest = hashlib.sha256(seed)
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:  # pragma: no cover - a broken install: never trust the cache
            digest.update(os.urandom(16))
    return digest.digest()


_CODE_HASH = code_hash()


def _status(file: Path | int) -> Status | None:
    """The status of a file (a path or an open descriptor), None if it cannot be taken."""
    try:
        return _fields(os.stat(file))
    except OSError:
        return None


def _fields(info: os.stat_result) -> Status:
    """What a status is made of: size, modification and change times, inode."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def status_of(info: os.stat_result) -> Status | None:
    """The status to keep for a file just read, or None when it was modified too recently."""
    if info.st_mtime_ns > time.time_ns() - RACY_NS or info.st_ctime_ns > time.time_ns() - RACY_NS:
        return None
    return _fields(info)


class LoadCache:
    """The cache entries of one content folder, in one file under the cache directory.

    `begin` reads the index. Per content file, `unchanged` (by status, unread) or `lookup` (by
    the key of its bytes) find its entry, `own` its problems and facts, `record` its record (the
    two halves of a chunk are unpickled when first asked for), `store` keeps a file just parsed.
    `save` writes back only the entries this load used (so deleted and changed files do not
    pile up), if anything changed.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.context = b""
        self.path: Path | None = None
        self.index: dict[str, Indexed] = {}
        self.chunks: list[str] = []  # the chunk files' names, by number
        self.loaded: dict[tuple[int, int], dict[str, Any]] = {}  # (chunk, half) -> unpickled
        self.files: dict[int, CacheFile | None] = {}  # the chunk files opened, kept open until saved
        self.new: dict[str, Indexed] = {}
        self.fresh: dict[str, tuple[Any, _Own]] = {}  # record and own of files parsed by this load
        self.changed = False
        self._saving: Callable[[], None] | None = None  # waits for a save in the background
        self.source: Status | None = None  # the status of the index file `index` was read from

    def begin(self, root: Path, context: Iterable[bytes]) -> None:
        """Start a load of the folder `root`: its index is read, unless this cache read that very
        file under the same context before (a responder finds the incident, then checks the
        change: at 20,000 incidents the index takes 0.03 s to read)."""
        digest = hashlib.sha256(_CODE_HASH)
        for part in context:
            digest.update(hashlib.sha256(part).digest())
        name = path_name(root)
        path = self.directory / f"load-{name}.pickle"
        same = path == self.path and digest.digest() == self.context and self.source is not None
        self.context, self.path = digest.digest(), path
        self.new, self.fresh, self.changed = {}, {}, False
        self.close()  # a save in the background first: it replaces the index
        if not (same and self.source == _status(path)):
            self._read(path)

    def _read(self, path: Path) -> None:
        """The index and the chunks' names; a missing, unsigned, damaged or foreign file:
        nothing. Chunk files are opened when first needed."""
        self.close()
        self.index, self.chunks, self.loaded, self.source = {}, [], {}, None
        file = CacheFile.open(path)
        if file is None:
            return
        source = _status(file.handle.fileno())
        header = first_section(file)
        if not (isinstance(header, tuple) and len(header) == 4 and header[:2] == (FORMAT, self.context)
                and isinstance(header[2], dict) and isinstance(header[3], list) and len(file) == 1):
            return
        self.index, self.chunks, self.source = header[2], header[3], source

    def _file(self, chunk: int) -> CacheFile | None:
        """The chunk file of that number, opened once (None: gone, foreign or damaged)."""
        if chunk not in self.files:
            found = None
            if self.path is not None and 0 <= chunk < len(self.chunks):
                found = open_chunk(self.path, self.chunks[chunk], 3)
            self.files[chunk] = found
        return self.files[chunk]

    def _half(self, chunk: int, half: int) -> dict[str, Any]:
        """One section of a chunk, 0: own problems, 1: records, 2: facts (unpickled once; an
        unsigned or damaged one holds nothing)."""
        if (chunk, half) not in self.loaded:
            entries: dict[str, Any] = {}
            file = self._file(chunk)
            if file is not None:
                with gc_paused():
                    found = file.unpickle(half)
                if isinstance(found, dict):  # unsigned or damaged: those files are read again
                    entries = found
            self.loaded[chunk, half] = entries
        return self.loaded[chunk, half]

    def close(self) -> None:
        """Wait for a save in the background, then close the chunk files."""
        if self._saving is not None:
            self._saving()
            self._saving = None
        for file in self.files.values():
            if file is not None:
                file.close()
        self.files = {}

    def key(self, rel: str, data: bytes) -> bytes:
        return hashlib.sha256(self.context + rel.encode("utf-8", "surrogatepass") + b"\0" + data).digest()

    def unchanged(self, folder: ContentFolder, file: ContentFile) -> Indexed | None:
        """The entry of a file whose status is what it was when the entry was made, checked
        without reading it (as reading would: not a symlink, inside, under the limit)."""
        indexed = self.index.get(file.rel)
        if indexed is None or indexed[1] is None or file.rel in folder.overrides:
            return None
        try:
            info = os.lstat(file.shown)
        except OSError:
            return None
        if _fields(info) != indexed[1] or not stat.S_ISREG(info.st_mode) or info.st_size > folder.max_bytes:
            return None
        return indexed if folder.folder_inside(file.shown) else None

    def kept(self, folder: ContentFolder, files: Sequence[ContentFile]) -> list[tuple[Indexed, _Own] | None]:
        """For each of `files`, its entry with its own problems and facts when `unchanged` finds
        it and its chunk holds both (as `unchanged`, `problems` and `facts` one after another
        would), else None (look it up in full). One loop over a warm build's 20,000 incidents:
        each call of those took the entry, its chunk's sections and the folder's settings again,
        about a fifth of the load."""
        index, overrides, max_bytes, inside = self.index, folder.overrides, folder.max_bytes, folder.folder_inside
        lstat, regular, fact_types = os.lstat, stat.S_ISREG, _FACT_TYPES
        halves: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        found: list[tuple[Indexed, _Own] | None] = []
        for file in files:
            rel, shown = file.rel, file.shown
            indexed = index.get(rel)
            if indexed is None or indexed[1] is None or indexed[2] < 0 or rel in overrides:
                found.append(None)
                continue
            try:
                info = lstat(shown)
            except OSError:
                found.append(None)
                continue
            if ((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) != indexed[1]  # _fields(info)
                    or not regular(info.st_mode) or info.st_size > max_bytes or not inside(shown)):
                found.append(None)
                continue
            pair = halves.get(indexed[2])
            if pair is None:
                pair = halves[indexed[2]] = (self._half(indexed[2], 0), self._half(indexed[2], 2))
            problems, facts = pair[0].get(rel, MISSING), pair[1].get(rel, MISSING)
            if isinstance(problems, list) and (facts is None or isinstance(facts, fact_types)):
                found.append((indexed, (problems, facts)))
            else:
                found.append(None)
        return found

    def lookup(self, rel: str, key: bytes, info: os.stat_result | None) -> Indexed | None:
        """The entry of a file read again, if its bytes are the ones the entry was made from
        (with the file's new status: touched or copied files are trusted again next time)."""
        indexed = self.index.get(rel)
        if indexed is None or indexed[0] != key:
            return None
        status = status_of(info) if info is not None else None
        return indexed if status == indexed[1] else (key, status, *indexed[2:])

    def own(self, rel: str, indexed: Indexed) -> _Own:
        """The own problems and facts of an entry found by `unchanged` or `lookup`, or MISSING."""
        problems: Any = self.problems(rel, indexed)
        facts: Any = MISSING if problems is MISSING else self.facts(rel, indexed)
        return MISSING if facts is MISSING else (problems, facts)

    def problems(self, rel: str, indexed: Indexed) -> list[StoredProblem]:
        """The own problems of an entry found by `unchanged` or `lookup`, or MISSING."""
        if indexed[2] < 0:
            return self.fresh[rel][1][0] if rel in self.fresh else MISSING
        found = self._half(indexed[2], 0).get(rel, MISSING)
        return found if isinstance(found, list) else MISSING

    def facts(self, rel: str, indexed: Indexed) -> Facts:
        """The facts of an entry found by `unchanged` or `lookup` (None: it gave no record), or
        MISSING."""
        if indexed[2] < 0:
            return self.fresh[rel][1][1] if rel in self.fresh else MISSING
        found = self._half(indexed[2], 2).get(rel, MISSING)
        return found if found is MISSING or found is None or isinstance(found, _FACT_TYPES) else MISSING

    def record(self, rel: str, indexed: Indexed) -> Any:
        """The record of an entry found by `unchanged` or `lookup`, or MISSING. A post-mortem's
        record is its facts (checks.facts_of), kept once, in the facts' section."""
        if indexed[2] < 0:
            found = self.fresh[rel][0] if rel in self.fresh else MISSING
            return found.load() if isinstance(found, Pickled) else found
        record = self._half(indexed[2], 1).get(rel, MISSING)
        if record is MISSING and indexed[5] & FACTS:
            facts = self.facts(rel, indexed)
            return facts if isinstance(facts, Postmortem) else MISSING
        return record

    def use(self, rel: str, indexed: Indexed) -> None:
        """Keep an entry found by `unchanged` or `lookup` for the next load."""
        if indexed != self.index.get(rel):
            self.changed = True
        self.new[rel] = indexed

    def store(
        self, rel: str, key: bytes, info: os.stat_result | None, record: Any, stored: list[StoredProblem], facts: Facts,
        digest: bytes | None = None,
    ) -> None:
        """Keep a file just parsed: `record` may be `Pickled` (a worker's bytes, saved as they
        are); `digest` is `facts_digest(facts)` when the caller has it already."""
        self.fresh[rel] = (record, (stored, facts))
        record_id = getattr(facts, "id", "")
        self.new[rel] = (key, status_of(info) if info is not None else None, -1,
                         digest if digest is not None else facts_digest(facts),
                         record_id if isinstance(record_id, str) else "",
                         (FACTS if facts is not None else 0) | (ERRORS if any(error for *_, error in stored) else 0))
        self.changed = True

    def record_id(self, rel: str, path: str) -> str | None:
        """The id of the record of the file `rel` (at `path`) if its status is the one it had
        when it was cached ("" when it gave no record), else None: read it. Only its id is
        vouched for (its bytes are those the id was read from); loading checks the rest."""
        indexed = self.index.get(rel)
        if indexed is None or indexed[1] is None:
            return None
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if _fields(info) != indexed[1]:
            return None
        return indexed[4]

    def rels_with_id(self, record_id: str, under: str) -> list[str]:
        """The files directly under the folder `under` whose record had the id `record_id`
        when cached, from the index alone: a responder finds one incident among 20,000 without
        checking the status of every file (`record_id` then vouches for each one found)."""
        prefix = f"{under}/"
        return sorted(rel for rel, indexed in self.index.items()
                      if indexed[4] == record_id and rel.startswith(prefix) and "/" not in rel[len(prefix):])

    def save(self, keep_open: bool = False, background: bool = False) -> None:
        """Write the entries used by this load; a failure only costs speed next time. With
        `keep_open`, the chunk files read stay open (a chunk the new index no longer names is
        opened before it is removed), so `record()` still gives the records of entries this
        load used (see lazy.py); `close()` when done. With `background` too, the files are
        written by a forked process while this one goes on (a cold build's save was 0.16 s of
        CPU at 5,000 incidents and 0.47 s at 20,000 with the other core idle); `close()` waits
        for it, so the cache is whole once the load is closed."""
        if self.path is None or not (self.changed or self.new.keys() != self.index.keys()):
            if not keep_open:
                self.close()
            return
        if background and keep_open:
            self._open_used()  # before the forked save removes the chunk files it no longer names
            self._saving = in_background(lambda: self._write(False))
            self._settle()
            return
        try:
            self._write(keep_open)
        finally:
            if not keep_open:
                self.close()

    def _write(self, keep_open: bool) -> None:
        """`save()`'s writing, under the cache's lock."""
        assert self.path is not None
        try:  # the folder's .gitignore first: nothing may be in it without one
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ensure_gitignore(self.directory)
            held = acquire(self.path.with_suffix(".lock"), _SAVE_WAIT)
        except (Busy, OSError):
            held = None  # another process is saving this cache: its entries will do
        try:
            if held is not None:
                self._save(keep_open)
        finally:
            if held is not None:
                held.release()
            self._settle()

    def _open_used(self) -> None:
        """Open the chunk files of the entries this load used, so their records stay readable
        once a save has removed their files."""
        for chunk in {indexed[2] for indexed in self.new.values()}:
            if chunk >= 0:
                self._file(chunk)

    def _settle(self) -> None:
        """Let go of the bytes of the fresh records already unpickled: once saved, the record
        is what is read (holding both was 50 MB more at 20,000 incidents)."""
        for rel, (record, own) in self.fresh.items():
            if isinstance(record, Pickled) and record.loaded():
                self.fresh[rel] = (record.load(), own)

    def _save(self, keep_open: bool) -> None:
        """With the lock held: the new chunk files, then the index naming them, then the old
        chunk files it no longer names are removed."""
        assert self.path is not None
        kept = self._kept()
        renumber = {old: number for number, old in enumerate(kept)}
        names = [self.chunks[chunk] for chunk in kept]
        index: dict[str, Indexed] = {}
        rest: list[tuple[str, Any, _Own]] = []
        for rel, indexed in self.new.items():
            if indexed[2] in renumber:
                index[rel] = (indexed[0], indexed[1], renumber[indexed[2]], *indexed[3:])
                continue
            own = self.own(rel, indexed)
            # A fresh record stays as it came (a worker's `Pickled` bytes are not pickled again).
            record = self.fresh[rel][0] if indexed[2] < 0 and rel in self.fresh else self.record(rel, indexed)
            if own is not MISSING and record is not MISSING:
                rest.append((rel, record, own))
        for start in range(0, len(rest), _CHUNK):
            entries = rest[start : start + _CHUNK]
            # A record that is its facts (a post-mortem's) is kept with the facts only: twice,
            # it was 4,086 records pickled twice at 20,000 incidents, and unpickled with the
            # records of the maintenance windows beside them by every public build.
            name = write_chunk(self.directory, self.path, _dumps({rel: own[0] for rel, _, own in entries}),
                               _dumps({rel: record for rel, record, own in entries
                                       if record is None or record is not own[1]}),
                               _dumps({rel: own[1] for rel, _, own in entries}))
            if name is None:
                return  # nothing is lost: the old index still names the old chunks
            for rel, _, _ in entries:
                index[rel] = (self.new[rel][0], self.new[rel][1], len(names), *self.new[rel][3:])
            names.append(name)
        if not write_cache_file(self.directory, self.path,
                                lambda writer: writer.flat((FORMAT, self.context, index, names))):
            return
        if keep_open:  # records of the entries this load used stay readable once their file is gone
            self._open_used()
        remove_unnamed(self.path, names)

    def _kept(self) -> list[int]:
        """The old chunks the new index keeps as they are: those whose files all came back
        unchanged, or at least three quarters of a full chunk's (the entries of changed files
        stay in it unused: re-pickling the chunk of one changed file was most of a save), and
        whose file is still there (another save may have removed it since this load read it:
        its entries are then written again, from the file this load holds open). Small ones
        are merged once there are many (one is left by every save that changed a few files)."""
        assert self.path is not None
        members: dict[int, int] = {}
        for indexed in self.index.values():
            members[indexed[2]] = members.get(indexed[2], 0) + 1
        used: dict[int, int] = {}  # an entry used with an old chunk number is still in that chunk
        for indexed in self.new.values():
            if indexed[2] >= 0:
                used[indexed[2]] = used.get(indexed[2], 0) + 1
        kept = [chunk for chunk, count in sorted(used.items())
                if (count == members.get(chunk) or 4 * count >= 3 * _CHUNK) and self._file(chunk) is not None
                and chunk_path(self.path, self.chunks[chunk]).exists()]
        small = [chunk for chunk in kept if 4 * used[chunk] < _CHUNK]
        if len(small) > _SMALL_CHUNKS:
            kept = [chunk for chunk in kept if 4 * used[chunk] >= _CHUNK]
        return kept


def facts_digest(facts: Facts) -> bytes:
    """A digest of one file's facts as the checks see them (`checks.digested`: a post-mortem
    without its body): equal facts, equal digests (pickles of the same values are the same
    bytes: dataclasses are pickled field by field, in order)."""
    return digest_of(_pickled(digested(facts)))


def digest_of(pickled: bytes) -> bytes:
    """`facts_digest` of the facts whose `dumps` is `pickled`."""
    return hashlib.sha256(pickled).digest()


def dumps(entries: Any) -> bytes:
    """`entries` pickled as the cache pickles records (dataclasses as calls, fast to load)."""
    return _dumps(entries)


def _dumps(entries: Any) -> bytes:
    return _pickled(entries)


class Pickled:
    """A record pickled by `dumps` in a worker process, kept as bytes until read: pickled again
    (in a chunk of the cache), it is written as `pickle.loads(data)`, so the chunk unpickles to
    the record itself (the same entries as if this process had pickled the record), and the
    parent of the workers neither unpickles nor re-pickles records it never reads (that was
    1.5 s of CPU in the parent of a cold build of 5,000 incidents)."""

    __slots__ = ("data", "_value")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._value: Any = MISSING

    def loaded(self) -> bool:
        return self._value is not MISSING

    def load(self) -> Any:
        """The record (unpickled once)."""
        if self._value is MISSING:
            self._value = pickle.loads(self.data)
        return self._value

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return _LOADS, (self.data,)


#: What a `Pickled` record is written as a call of (the C unpickler's own function).
_LOADS = pickle.loads


def _pickled(value: Any) -> bytes:
    buffer = _Buffer()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.value()


class _Buffer:
    """A minimal writable for the pickler (io.BytesIO's getvalue copies once more)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


class _Reducers(dict[type, Callable[[Any], Any]]):
    """How each type is pickled, found once per type: dataclasses as `cls(*fields)` (the
    standard way for slotted dataclasses calls `dataclasses.fields()` per object on load, which
    made unpickling slower than parsing the YAML again), frozen slotted ones as a call of their
    maker with the same fields (makers.py: a third faster than their `__init__`), enum members
    as `getattr(cls, name)` (cheaper on load than `Enum.__call__`), everything else as pickle
    would anyway. A table the C pickler looks up, rather than a `reducer_override` it calls
    back for every object, pickles records 26 % faster into the same bytes."""

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        reducer = _reducer(cls)
        self[cls] = reducer
        return reducer


def _reducer(cls: type) -> Callable[[Any], Any]:
    if issubclass(cls, type):  # a class with a metaclass (an enum's): by name, as pickle does
        return _by_name
    if issubclass(cls, enum.Enum):
        return lambda member: (getattr, (cls, member.name))
    names = _init_fields(cls)
    if names is None:
        return _as_pickle_would
    made = maker_of(cls) or cls  # a frozen slotted one: by its faster maker (makers.py)
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (made, (one(obj),))
    if not names:
        return lambda obj: (made, ())
    values = operator.attrgetter(*names)
    return lambda obj: (made, values(obj))


def _by_name(obj: type) -> str:
    return obj.__qualname__


def _as_pickle_would(obj: Any) -> Any:
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


class _Pickler(pickle.Pickler):
    dispatch_table = _Reducers()


def _init_fields(cls: type) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(cls):
        return None
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        return None
    return tuple(f.name for f in fields)


#: How many `frozen_heap()` blocks are running.
_frozen = 0


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The collector kept off the heap as it is while the block runs, and off what
    `gc_paused()` blocks and `refreeze()` add to it meanwhile; all back to it afterwards."""
    global _frozen
    gc.freeze()
    _frozen += 1
    try:
        yield
    finally:
        _frozen -= 1
        if not _frozen:
            gc.unfreeze()


def refreeze() -> None:
    """Inside `frozen_heap()`, freeze what exists now too (outside, nothing)."""
    if _frozen:
        gc.freeze()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while records pile up: they all live on, and collecting again
    and again as the heap grows made loading 20,000 files take four times as long as 5,000."""
    enabled = gc.isenabled()
    frozen = _frozen > 0  # inside frozen_heap() (not gc.get_freeze_count(): it walks the frozen heap)
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Move what was made into the oldest generation without a collection: the
            # first young collection would otherwise walk the whole new heap once more.
            # Inside frozen_heap() it stays frozen with the rest, and the frozen heap too:
            # unfreezing it made every later full collection of the knowledge base's build
            # walk the whole site (0.25 s of a rebuild at 5,000 incidents in the metrics JSON).
            gc.freeze()
            if not frozen:
                gc.unfreeze()
            gc.enable()


def first_section(file: CacheFile) -> Any:
    """Section 0 of `file` unpickled with the collector paused (MISSING if unsigned or
    damaged), then the file closed: how the caches read a header or a one-section file."""
    try:
        with gc_paused():
            return file.unpickle(0)
    finally:
        file.close()
