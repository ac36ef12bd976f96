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

Layout of the cache file: a header pickle (format, context, and an index of each file's key,
status and chunk), then chunks of about 1,000 files. A chunk is two length-prefixed pickles: the
files' own problems and the facts the checks across files need (checks.py), then their records,
unpickled only when a record is asked for: `validate` reads no record at all. Saving copies the
bytes of every chunk whose files all came back unchanged, so one changed file re-pickles one
chunk, not the whole folder (re-pickling 20,000 records took longer than the rest of the load).
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from .checks import Facts
from .files import ContentFile, ContentFolder

#: Default cache folder, relative to the current directory (like .pytest_cache or .mypy_cache).
DEFAULT_CACHE_DIR = Path(".statuspress-cache")
#: Files per chunk of records in the cache file.
_CHUNK = 1000
#: Bumped when the layout of a cache file changes.
FORMAT = 4
#: A file modified less than this long before it was read is not trusted by its status.
RACY_NS = 2_000_000_000
#: Source files whose code shapes the cached records: any change invalidates every entry.
_CODE = Path(__file__).resolve().parent
_CODE_FILES = (*sorted(_CODE.glob("*.py")), _CODE.parent / "model.py", _CODE.parent / "problems.py")
_LENGTH = 8  # bytes of a chunk's length prefix

#: A stored problem: (path or _SELF, line, message, is it an error).
StoredProblem = tuple[str, int, str, bool]
#: What identifies a file's state without reading it: size, mtime, ctime (ns), inode.
Status = tuple[int, int, int, int]
#: Index entry of one file: its key, its status when read (None: not trusted) and its chunk
#: (-1: parsed by this load, not written yet).
_Indexed = tuple[bytes, Status | None, int]
#: What a chunk keeps of each file besides its record: its own problems and its facts.
_Own = tuple[list[StoredProblem], Facts]
#: Something asked for that the cache does not hold (a damaged chunk): the file is read again.
MISSING: Any = object()


def code_hash() -> bytes:
    """A hash of the loader's sources and the Python version (pickles and readers depend on both).

    Taken once, when this module is imported: a long-running process must describe the code it
    runs, not files edited on disk since (an upgrade mid-build would otherwise write entries in
    the old layout under the new code's name)."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in _CODE_FILES:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:  # pragma: no cover - a broken install: never trust the cache
            digest.update(os.urandom(16))
    return digest.digest()


_CODE_HASH = code_hash()


def status_of(info: os.stat_result) -> Status | None:
    """The status to keep for a file just read, or None when it was modified too recently."""
    if info.st_mtime_ns > time.time_ns() - RACY_NS or info.st_ctime_ns > time.time_ns() - RACY_NS:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


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
        self.index: dict[str, _Indexed] = {}
        self.chunks: list[tuple[tuple[int, int], tuple[int, int]]] = []  # (offset, length) of both halves
        self.loaded: dict[tuple[int, int], dict[str, Any]] = {}  # (chunk, half) -> unpickled
        self.handle: BinaryIO | None = None  # the file read, kept open until saved
        self.new: dict[str, _Indexed] = {}
        self.fresh: dict[str, tuple[Any, _Own]] = {}  # record and own of files parsed by this load
        self.changed = False

    def begin(self, root: Path, context: Iterable[bytes]) -> None:
        digest = hashlib.sha256(_CODE_HASH)
        for part in context:
            digest.update(hashlib.sha256(part).digest())
        self.context = digest.digest()
        name = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.path = self.directory / f"load-{name}.pickle"
        self.new, self.fresh, self.changed = {}, {}, False
        self._read(self.path)

    def _read(self, path: Path) -> None:
        """The header and where each chunk is; a missing, damaged or foreign file: nothing."""
        self.close()
        self.index, self.chunks, self.loaded = {}, [], {}
        try:
            handle = open(path, "rb")  # noqa: SIM115 - kept open until save() or close()
        except OSError:
            return
        try:
            with gc_paused():
                header = pickle.Unpickler(handle).load()
            if not (isinstance(header, tuple) and len(header) == 4 and header[:2] == (FORMAT, self.context)):
                raise TypeError("foreign cache")
            index, count = header[2], int(header[3])
            if not isinstance(index, dict):
                raise TypeError("foreign cache")
            chunks = []
            for _ in range(count):
                halves = []
                for _half in range(2):
                    length = int.from_bytes(handle.read(_LENGTH), "little")
                    halves.append((handle.tell(), length))
                    handle.seek(length, os.SEEK_CUR)
                chunks.append((halves[0], halves[1]))
            if handle.tell() > os.fstat(handle.fileno()).st_size:
                raise EOFError("truncated cache")
        except Exception:
            handle.close()
            return
        self.index, self.chunks, self.handle = index, chunks, handle

    def _half(self, chunk: int, half: int) -> dict[str, Any]:
        """One half of a chunk, 0: own problems and facts, 1: records (unpickled once; a damaged
        one holds nothing)."""
        if (chunk, half) not in self.loaded:
            entries: dict[str, Any] = {}
            if self.handle is not None and 0 <= chunk < len(self.chunks):
                offset, length = self.chunks[chunk][half]
                try:
                    with gc_paused():
                        self.handle.seek(offset)
                        found = pickle.loads(self.handle.read(length))
                    if isinstance(found, dict):
                        entries = found
                except Exception:  # damaged: those files are read again
                    pass
            self.loaded[chunk, half] = entries
        return self.loaded[chunk, half]

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def key(self, rel: str, data: bytes) -> bytes:
        return hashlib.sha256(self.context + rel.encode("utf-8", "surrogatepass") + b"\0" + data).digest()

    def unchanged(self, folder: ContentFolder, file: ContentFile) -> _Indexed | None:
        """The entry of a file whose status is what it was when the entry was made, checked
        without reading it (as reading would: not a symlink, inside, under the limit)."""
        indexed = self.index.get(file.rel)
        if indexed is None or indexed[1] is None or file.rel in folder.overrides:
            return None
        try:
            info = os.lstat(file.shown)
        except OSError:
            return None
        status = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        if status != indexed[1] or not stat.S_ISREG(info.st_mode) or info.st_size > folder.max_bytes:
            return None
        return indexed if folder.folder_inside(file.shown) else None

    def lookup(self, rel: str, key: bytes, info: os.stat_result | None) -> _Indexed | None:
        """The entry of a file read again, if its bytes are the ones the entry was made from
        (with the file's new status: touched or copied files are trusted again next time)."""
        indexed = self.index.get(rel)
        if indexed is None or indexed[0] != key:
            return None
        status = status_of(info) if info is not None else None
        return indexed if status == indexed[1] else (key, status, indexed[2])

    def own(self, rel: str, indexed: _Indexed) -> _Own:
        """The own problems and facts of an entry found by `unchanged` or `lookup`, or MISSING."""
        if indexed[2] < 0:
            return self.fresh[rel][1] if rel in self.fresh else MISSING
        found = self._half(indexed[2], 0).get(rel, MISSING)
        return found if isinstance(found, tuple) and len(found) == 2 else MISSING

    def record(self, rel: str, indexed: _Indexed) -> Any:
        """The record of an entry found by `unchanged` or `lookup`, or MISSING."""
        if indexed[2] < 0:
            return self.fresh[rel][0] if rel in self.fresh else MISSING
        return self._half(indexed[2], 1).get(rel, MISSING)

    def use(self, rel: str, indexed: _Indexed) -> None:
        """Keep an entry found by `unchanged` or `lookup` for the next load."""
        if indexed != self.index.get(rel):
            self.changed = True
        self.new[rel] = indexed

    def store(
        self, rel: str, key: bytes, info: os.stat_result | None, record: Any, stored: list[StoredProblem], facts: Facts
    ) -> None:
        self.fresh[rel] = (record, (stored, facts))
        self.new[rel] = (key, status_of(info) if info is not None else None, -1)
        self.changed = True

    def save(self) -> None:
        """Write the entries used by this load, atomically; a failure only costs speed next time."""
        if self.path is None or not (self.changed or self.new.keys() != self.index.keys()):
            self.close()
            return
        try:
            write_cache_file(self.directory, self.path, self._write)
        finally:
            self.close()

    def _write(self, handle: BinaryIO) -> None:
        """The header, then each old chunk whose files all came back unchanged as its old bytes,
        then the other entries in new chunks."""
        members: dict[int, list[str]] = {}
        for rel, indexed in self.index.items():
            members.setdefault(indexed[2], []).append(rel)
        kept = [
            chunk
            for chunk, rels in sorted(members.items())
            if 0 <= chunk < len(self.chunks) and all(r in self.new and self.new[r][2] == chunk for r in rels)
        ]
        renumber = {old: number for number, old in enumerate(kept)}
        index: dict[str, _Indexed] = {}
        rest: list[tuple[str, Any, _Own]] = []
        for rel, indexed in self.new.items():
            if indexed[2] in renumber:
                index[rel] = (indexed[0], indexed[1], renumber[indexed[2]])
                continue
            own, record = self.own(rel, indexed), self.record(rel, indexed)
            if own is not MISSING and record is not MISSING:
                rest.append((rel, record, own))
        fresh = [rest[i : i + _CHUNK] for i in range(0, len(rest), _CHUNK)]
        for number, entries in enumerate(fresh, start=len(kept)):
            for rel, _, _ in entries:
                index[rel] = (self.new[rel][0], self.new[rel][1], number)
        pickle.dump((FORMAT, self.context, index, len(kept) + len(fresh)), handle, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.handle is not None or not kept  # kept chunks exist only when a cache file was read
        for chunk in kept:
            for offset, length in self.chunks[chunk]:
                assert self.handle is not None
                self.handle.seek(offset)
                _write_chunk(handle, self.handle.read(length))
        for entries in fresh:
            _write_chunk(handle, _dumps({rel: own for rel, _, own in entries}))
            _write_chunk(handle, _dumps({rel: record for rel, record, _ in entries}))


def write_cache_file(cache_dir: Path, path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Replace `path` (inside `cache_dir`) with what `write` writes, atomically, the folder made
    with its own .gitignore. A cache that cannot be written only costs speed next time, so
    failures are swallowed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = cache_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Statuspress cache: safe to delete\n*\n")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, pickle.PicklingError):
        return


def _write_chunk(handle: BinaryIO, blob: bytes) -> None:
    handle.write(len(blob).to_bytes(_LENGTH, "little"))
    handle.write(blob)


def _dumps(entries: dict[str, Any]) -> bytes:
    buffer = _Buffer()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(entries)
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


class _Pickler(pickle.Pickler):
    """Pickles frozen slotted dataclasses as `cls(*fields)`: the standard way for slotted
    dataclasses calls `dataclasses.fields()` per object on load, which made unpickling slower
    than parsing the YAML again."""

    names: dict[type, tuple[str, ...] | None] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if isinstance(obj, enum.Enum):  # getattr is cheaper on load than Enum.__call__
            return getattr, (cls, obj.name)
        names = self.names.get(cls, ())
        if names == ():
            names = self.names[cls] = _init_fields(cls)
        if names is None:
            return NotImplemented
        return cls, tuple([getattr(obj, name) for name in names])


def _init_fields(cls: type) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(cls):
        return None
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        return None
    return tuple(f.name for f in fields)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while records pile up: they all live on, and collecting again
    and again as the heap grows made loading 20,000 files take four times as long as 5,000."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Move what was made into the oldest generation without a collection: the
            # first young collection would otherwise walk the whole new heap once more.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
