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

Layout of the cache file: a header pickle (format, context, index of rel -> (key, status, chunk)),
then the records in chunks of about 1,000 files, each a length-prefixed pickle. Saving copies the
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
from typing import Any, BinaryIO, TypeVar

from ..problems import Level, Problem, Problems
from .checks import CrossFile
from .files import ContentFile, ContentFolder

T = TypeVar("T")

#: A reader of one file: reports its own problems and returns its record (or None).
Reader = Callable[[Problems, ContentFile, str], T | None]

#: Default cache folder, relative to the current directory (like .pytest_cache or .mypy_cache).
DEFAULT_CACHE_DIR = Path(".statuspress-cache")
#: Files per chunk of records in the cache file.
_CHUNK = 1000
#: Bumped when the layout of a cache file changes.
FORMAT = 3
#: A file modified less than this long before it was read is not trusted by its status.
RACY_NS = 2_000_000_000
#: Source files whose code shapes the cached records: any change invalidates every entry.
_CODE = Path(__file__).resolve().parent
_CODE_FILES = (*sorted(_CODE.glob("*.py")), _CODE.parent / "model.py", _CODE.parent / "problems.py")
#: Stands for "this file's own path" in a stored problem, so the entry does not depend on how
#: the content folder was named on the command line.
_SELF = ""
_LENGTH = 8  # bytes of a chunk's length prefix

#: A stored problem: (path or _SELF, line, message, is it an error).
_Stored = tuple[str, int, str, bool]
#: What identifies a file's state without reading it: size, mtime, ctime (ns), inode.
Status = tuple[int, int, int, int]
#: Index entry of one file: its key, its status when read (None: not trusted), its chunk of
#: records (-1: not written yet) and the problems the file produced on its own.
_Indexed = tuple[bytes, Status | None, int, list[_Stored]]


def code_hash() -> bytes:
    """A hash of the loader's sources and the Python version (pickles and readers depend on both)."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in _CODE_FILES:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:  # pragma: no cover - a broken install: never trust the cache
            digest.update(os.urandom(16))
    return digest.digest()


def status_of(info: os.stat_result) -> Status | None:
    """The status to keep for a file just read, or None when it was modified too recently."""
    if info.st_mtime_ns > time.time_ns() - RACY_NS or info.st_ctime_ns > time.time_ns() - RACY_NS:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


class LoadCache:
    """The cache entries of one content folder, in one file under the cache directory.

    `begin` reads the index; the records are unpickled only when a load asks for one.
    `unchanged`, `lookup` and `store` are used per content file; `save` writes back only the
    entries this load used (so deleted and changed files do not pile up) with the outcome of the
    checks across files, and only if anything changed. `unchanged_folder` answers "is every file
    as it was?" without unpickling any record, which is all `statuspress validate` needs then.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.context = b""
        self.path: Path | None = None
        self.index: dict[str, _Indexed] = {}
        self.cross: CrossFile | None = None
        self.records: dict[str, Any] | None = None  # None: not unpickled yet
        self.chunks: list[tuple[int, int]] = []  # (offset, length) of each chunk in `handle`
        self.handle: BinaryIO | None = None  # the file read, kept open to copy unchanged chunks
        self.new: dict[str, _Indexed] = {}
        self.fresh: dict[str, Any] = {}  # records read by this load
        self.changed = False

    def begin(self, root: Path, context: Iterable[bytes]) -> None:
        digest = hashlib.sha256(code_hash())
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
        self.index, self.cross, self.records, self.chunks = {}, None, None, []
        try:
            handle = open(path, "rb")  # noqa: SIM115 - kept open until save() or close()
        except OSError:
            return
        try:
            with gc_paused():
                header = pickle.Unpickler(handle).load()
            if not (isinstance(header, tuple) and len(header) == 5 and header[:2] == (FORMAT, self.context)):
                raise TypeError("foreign cache")
            index, cross, count = header[2], header[3], int(header[4])
            if not (isinstance(index, dict) and (cross is None or isinstance(cross, CrossFile))):
                raise TypeError("foreign cache")
            chunks = []
            for _ in range(count):
                length = int.from_bytes(handle.read(_LENGTH), "little")
                chunks.append((handle.tell(), length))
                handle.seek(length, os.SEEK_CUR)
            if handle.tell() > os.fstat(handle.fileno()).st_size:
                raise EOFError("truncated cache")
        except Exception:
            handle.close()
            return
        self.index, self.cross, self.chunks, self.handle = index, cross, chunks, handle

    def _unpickle(self) -> dict[str, Any]:
        """Every record of the cache file (once); damaged chunks count as missing."""
        if self.records is None:
            self.records = {}
            if self.handle is not None:
                with gc_paused():
                    for offset, length in self.chunks:
                        try:
                            self.handle.seek(offset)
                            chunk = pickle.loads(self.handle.read(length))
                        except Exception:  # damaged: those files are read again
                            continue
                        if isinstance(chunk, dict):
                            self.records.update(chunk)
        return self.records

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def key(self, rel: str, data: bytes) -> bytes:
        return hashlib.sha256(self.context + rel.encode("utf-8", "surrogatepass") + b"\0" + data).digest()

    def _same_status(self, folder: ContentFolder, file: ContentFile) -> _Indexed | None:
        """The index entry of a file whose status is what it was when the entry was made,
        checked without reading it (as reading would: not a symlink, inside, under the limit)."""
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

    def unchanged(self, folder: ContentFolder, file: ContentFile) -> tuple[Any, list[_Stored]] | None:
        """The record and own problems of a file whose status has not changed, unread."""
        indexed = self._same_status(folder, file)
        return None if indexed is None else self._hit(file.rel, indexed)

    def unchanged_folder(self, folder: ContentFolder, files: list[ContentFile]) -> CrossFile | None:
        """The checks across files kept with the cache, when `files` are exactly the files it
        holds, each unchanged, and paths are shown the same way; else None."""
        cross = self.cross
        if cross is None or cross.prefix != folder.prefix or folder.overrides or len(files) != len(self.index):
            return None
        if not all(self._same_status(folder, file) is not None for file in files):
            return None
        return cross

    def own_problems(self, rel: str) -> list[_Stored]:
        return self.index[rel][3]

    def lookup(self, rel: str, key: bytes, info: os.stat_result | None) -> tuple[Any, list[_Stored]] | None:
        """The record and own problems of a file read again, if its bytes are the ones the entry
        was made from."""
        indexed = self.index.get(rel)
        if indexed is None or indexed[0] != key:
            return None
        status = status_of(info) if info is not None else None
        if status != indexed[1]:  # same bytes, new status (touched, copied): keep the new one
            indexed = (key, status, -1, indexed[3])
        return self._hit(rel, indexed)

    def _hit(self, rel: str, indexed: _Indexed) -> tuple[Any, list[_Stored]] | None:
        records = self._unpickle()
        if rel not in records:
            return None
        record = records[rel]
        if indexed[2] == -1:
            self.fresh[rel] = record
            self.changed = True
        self.new[rel] = indexed
        return record, indexed[3]

    def store(self, rel: str, key: bytes, info: os.stat_result | None, record: Any, stored: list[_Stored]) -> None:
        self.fresh[rel] = record
        self.new[rel] = (key, status_of(info) if info is not None else None, -1, stored)
        self.changed = True

    def save(self, cross: CrossFile) -> None:
        """Write the entries used by this load and `cross`, the outcome of its checks across
        files, atomically; a failure only costs speed next time."""
        unchanged = not self.changed and self.new.keys() == self.index.keys() and cross == self.cross
        if self.path is None or unchanged:
            self.close()
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Statuspress cache: safe to delete\n*\n")
            fd, tmp = tempfile.mkstemp(prefix=".load-", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    self._write(handle, cross)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError):
            return
        finally:
            self.close()

    def _write(self, handle: BinaryIO, cross: CrossFile) -> None:
        """The header, then each old chunk whose files all came back unchanged as its old bytes,
        then the other records in new chunks."""
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
        rest: list[str] = []
        for rel, (key, status, chunk, stored) in self.new.items():
            if chunk in renumber:
                index[rel] = (key, status, renumber[chunk], stored)
            else:
                rest.append(rel)
        fresh = [rest[i : i + _CHUNK] for i in range(0, len(rest), _CHUNK)]
        records = self.fresh if all(rel in self.fresh for rel in rest) else {**self._unpickle(), **self.fresh}
        for number, rels in enumerate(fresh, start=len(kept)):
            for rel in rels:
                key, status, _, stored = self.new[rel]
                index[rel] = (key, status, number, stored)
        _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(
            (FORMAT, self.context, index, cross, len(kept) + len(fresh))
        )
        for chunk in kept:
            offset, length = self.chunks[chunk]
            assert self.handle is not None  # kept chunks exist only when a cache file was read
            self.handle.seek(offset)
            _write_chunk(handle, self.handle.read(length))
        for rels in fresh:
            _write_chunk(handle, _dumps({rel: records[rel] for rel in rels}))


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


def context_bytes(folder: ContentFolder, rels: Iterable[str]) -> list[bytes]:
    """The raw bytes of the files every reader depends on (empty when missing or unreadable)."""
    parts = []
    for rel in rels:
        if rel in folder.overrides:
            parts.append(b"o" + folder.overrides[rel].encode("utf-8", "surrogatepass"))
            continue
        try:
            parts.append(b"f" + (folder.root / rel).read_bytes())
        except OSError:
            parts.append(b"-")
    return parts


def read_files(
    folder: ContentFolder, files: Iterable[ContentFile], reader: Reader[T], cache: LoadCache | None
) -> list[T]:
    """Every file's record, from the cache when its bytes are known, else from `reader`.

    Reading and the checks before it (symlinks, size) always happen: only decoding, parsing and
    conversion are skipped on a hit.
    """
    with gc_paused():
        return _read_files(folder, files, reader, cache)


def _read_files(
    folder: ContentFolder, files: Iterable[ContentFile], reader: Reader[T], cache: LoadCache | None
) -> list[T]:
    problems = folder.problems
    records: list[T] = []
    for file in files:
        hit = cache.unchanged(folder, file) if cache is not None else None
        if hit is None:
            read = folder.read_bytes_and_stat(file)
            if read is None:
                continue
            data, info = read
            key = cache.key(file.rel, data) if cache is not None else b""
            hit = cache.lookup(file.rel, key, info) if cache is not None else None
        if hit is not None:
            record, stored = hit
            problems.extend(restore(file, stored))
        else:
            own = Problems()
            folder.problems = own
            try:
                text = folder.decode(file, data)
                record = reader(own, file, text) if text is not None else None
            finally:
                folder.problems = problems
            found = own.sorted()
            problems.extend(found)
            if cache is not None:
                cache.store(file.rel, key, info, record, [_keep(file, p) for p in found])
        if record is not None:
            records.append(record)
    return records


def _keep(file: ContentFile, problem: Problem) -> _Stored:
    path = _SELF if problem.path == file.shown else problem.path
    return path, problem.line, problem.message, problem.level is Level.ERROR


def restore(file: ContentFile, stored: list[_Stored]) -> list[Problem]:
    """The problems a file produced on its own, as stored by `_keep`."""
    return [
        Problem(path or file.shown, line, message, Level.ERROR if error else Level.WARNING)
        for path, line, message, error in stored
    ]
