"""A per-file cache of what the readers made of each content file, so an unchanged folder
is validated by reading, hashing and unpickling instead of parsing YAML again.

Each file's entry is keyed by the SHA-256 of its bytes, its path, and a context: the bytes of
`site.yaml` and `services.yaml` (readers check service ids) and a hash of the loader's own source
(so a new version never trusts an old entry). The entry holds the record and the problems that
file produced on its own. Checks across files (`checks.py`) are never cached: they run on every
load. The cache is an optimisation only: an unreadable, corrupt or foreign cache is ignored, a
cache that cannot be written is skipped, and messages and records are the same either way.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from ..problems import Level, Problem, Problems
from .files import ContentFile, ContentFolder

T = TypeVar("T")

#: A reader of one file: reports its own problems and returns its record (or None).
Reader = Callable[[Problems, ContentFile, str], T | None]

#: Default cache folder, relative to the current directory (like .pytest_cache or .mypy_cache).
DEFAULT_CACHE_DIR = Path(".statuspress-cache")
#: Entries per pickle in the cache file.
_CHUNK = 1000
#: Bumped when the layout of a cache file changes.
FORMAT = 2
#: Source files whose code shapes the cached records: any change invalidates every entry.
_CODE = Path(__file__).resolve().parent
_CODE_FILES = (*sorted(_CODE.glob("*.py")), _CODE.parent / "model.py", _CODE.parent / "problems.py")
#: Stands for "this file's own path" in a stored problem, so the entry does not depend on how
#: the content folder was named on the command line.
_SELF = ""

#: A stored problem: (path or _SELF, line, message, is it an error).
_Stored = tuple[str, int, str, bool]


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


class LoadCache:
    """The cache entries of one content folder, in one pickle under the cache directory.

    One pickle for the whole folder, not one per file: unpickling 20,000 small pickles costs
    twice as much as one large one (classes are looked up again for each). `begin` loads it;
    `lookup`/`store` are used per content file; `save` writes back only the entries this load
    used (so deleted and changed files do not pile up), and only if anything changed.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.context = b""
        self.path: Path | None = None
        self.old: dict[str, Any] = {}
        self.new: dict[str, tuple[bytes, Any, list[_Stored]]] = {}
        self.changed = False

    def begin(self, root: Path, context: Iterable[bytes]) -> None:
        digest = hashlib.sha256(code_hash())
        for part in context:
            digest.update(hashlib.sha256(part).digest())
        self.context = digest.digest()
        name = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.path = self.directory / f"load-{name}.pickle"
        self.old, self.new, self.changed = self._read(self.path), {}, False

    def _write(self, handle: BinaryIO) -> None:
        """A header, then the entries in chunks: one pickler for all keeps class lookups few on
        load; clearing its memo between chunks keeps its memory small (it remembers every object)."""
        pickler = _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
        items = list(self.new.items())
        chunks = [dict(items[i : i + _CHUNK]) for i in range(0, len(items), _CHUNK)]
        pickler.dump((FORMAT, self.context, len(chunks)))
        for chunk in chunks:
            pickler.clear_memo()
            pickler.dump(chunk)

    def _read(self, path: Path) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        try:
            with open(path, "rb") as handle, gc_paused():
                header = pickle.Unpickler(handle).load()
                if not (isinstance(header, tuple) and len(header) == 3 and header[:2] == (FORMAT, self.context)):
                    return {}
                for _ in range(int(header[2])):
                    chunk = pickle.Unpickler(handle).load()  # a fresh memo, as when it was written
                    if not isinstance(chunk, dict):
                        return {}
                    entries.update(chunk)
        except Exception:  # missing, truncated or damaged: start empty
            return {}
        return entries

    def key(self, rel: str, data: bytes) -> bytes:
        return hashlib.sha256(self.context + rel.encode("utf-8", "surrogatepass") + b"\0" + data).digest()

    def lookup(self, rel: str, key: bytes) -> tuple[Any, list[_Stored]] | None:
        entry = self.old.get(rel)
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == key):
            return None
        self.new[rel] = entry
        return entry[1], entry[2]

    def store(self, rel: str, key: bytes, record: Any, stored: list[_Stored]) -> None:
        self.new[rel] = (key, record, stored)
        self.changed = True

    def save(self) -> None:
        """Write the entries used by this load, atomically; a failure only costs speed next time."""
        if self.path is None or not (self.changed or self.new.keys() != self.old.keys()):
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Statuspress cache: safe to delete\n*\n")
            fd, tmp = tempfile.mkstemp(prefix=".load-", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    self._write(handle)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError):
            return


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
        data = folder.read_bytes(file)
        if data is None:
            continue
        key = cache.key(file.rel, data) if cache is not None else b""
        hit = cache.lookup(file.rel, key) if cache is not None else None
        if hit is not None:
            record, stored = hit
            problems.extend(_restore(file, stored))
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
                cache.store(file.rel, key, record, [_keep(file, p) for p in found])
        if record is not None:
            records.append(record)
    return records


def _keep(file: ContentFile, problem: Problem) -> _Stored:
    path = _SELF if problem.path == file.shown else problem.path
    return path, problem.line, problem.message, problem.level is Level.ERROR


def _restore(file: ContentFile, stored: list[_Stored]) -> list[Problem]:
    return [
        Problem(path or file.shown, line, message, Level.ERROR if error else Level.WARNING)
        for path, line, message, error in stored
    ]
