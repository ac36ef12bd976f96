"""Cache files that hold only what this user's Statuspress wrote: signed, checked, then unpickled.

The build caches are pickles, and unpickling runs code, so a cache file someone else could have
written (committed to the content repository, restored from a shared folder) must never be
unpickled. Every cache file is signed with HMAC-SHA256 under a key kept outside any repository,
in the user's cache directory (`$XDG_CACHE_HOME/statuspress/key`, else `~/.cache/statuspress/key`),
made on first use with mode 0600 and refused when it is a symlink, not the user's, or readable or
writable by others. A file or part of a file whose signature does not verify is a miss.

Layout: MAGIC, a random nonce drawn for each write, then sections, each `length (8 bytes) | tag
(32) | payload` with tag = HMAC(key, nonce | index | payload). A reader verifies a section's bytes
in memory and unpickles exactly those bytes; a section cannot be moved to another position or
another file (or another version of the same file). Readers that need one part read one section,
so `validate` verifies only what it unpickles.

Writing goes through `write_cache_file`, which also keeps the folder's `.gitignore` correct, and
every failure there only costs speed next time. Any new cache file should use this module too.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"SPCACHE\x01"
_NONCE = 16
_LENGTH = 8
_TAG = 32
_KEY_BYTES = 32
#: Point the build cache at this folder instead of the user cache directory (CI: a kept folder).
CACHE_DIR_ENV = "STATUSPRESS_CACHE_DIR"
#: What a cache folder's .gitignore holds (it is rewritten whenever it holds anything else).
GITIGNORE = "# Statuspress cache: safe to delete\n*\n"
#: Something asked for that the file does not hold, or holds unsigned: the caller computes it again.
MISSING: Any = object()


class KeyRefused(Exception):
    """The signing key cannot be trusted or made; the message says why and what to do."""


def user_cache_root() -> Path:
    """`$XDG_CACHE_HOME/statuspress`, else `~/.cache/statuspress`: outside any repository."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "statuspress"


def default_cache_dir(content: Path) -> Path:
    """The cache folder of one content folder: `$STATUSPRESS_CACHE_DIR` when set, else a
    folder of the user cache directory named after the resolved content path."""
    chosen = os.environ.get(CACHE_DIR_ENV, "")
    if chosen:
        return Path(chosen)
    return user_cache_root() / f"{content.resolve().name or 'content'}-{path_name(content)}"


def path_name(path: Path) -> str:
    """16 hex digits naming `path` (resolved) in the names of cache files and folders: one
    cache folder may hold those of several content folders, or of several outputs."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]


_KEYS: dict[str, bytes] = {}


def signing_key() -> bytes:
    """The user's cache key, made on first use; raises KeyRefused for a key file others could
    have written or read."""
    path = user_cache_root() / "key"
    found = _KEYS.get(str(path))
    if found is None:
        found = _read_key(path)
        if found is None:
            found = _make_key(path)
        _KEYS[str(path)] = found
    return found


def _read_key(path: Path) -> bytes | None:
    """The key in `path`, None if there is none; KeyRefused if it cannot be trusted."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise KeyRefused(f"cache key {path} cannot be read ({error.strerror}); delete it to make a new one") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise KeyRefused(f"cache key {path} is not a regular file; delete it to make a new one")
        if info.st_uid != os.geteuid():
            raise KeyRefused(
                f"cache key {path} belongs to user id {info.st_uid}, not to you; delete it to make a new one"
            )
        if info.st_mode & 0o077:
            raise KeyRefused(
                f"cache key {path} has mode {stat.S_IMODE(info.st_mode):04o}: others could read or replace it; "
                "delete it to make a new one"
            )
        key = handle.read(_KEY_BYTES + 1)
    if len(key) != _KEY_BYTES:
        raise KeyRefused(f"cache key {path} is damaged ({len(key)} bytes); delete it to make a new one")
    return key


def _make_key(path: Path) -> bytes:
    """A new random key in `path` (mode 0600), or the one another process made meanwhile."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".key-", dir=path.parent)  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(_KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)  # appears whole or not at all; never replaces a key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    except OSError as error:
        raise KeyRefused(f"cache key {path} cannot be made ({error.strerror})") from None
    key = _read_key(path)
    if key is None:  # pragma: no cover - deleted between link and read
        raise KeyRefused(f"cache key {path} vanished while it was made")
    return key


def tracked_by_git(directory: Path) -> str | None:
    """A file inside `directory` that git tracks (it came from a repository), or None."""
    if not directory.is_dir():
        return None
    try:
        result = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-C", str(directory), "ls-files", "-z", "--", "."],
            capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.SubprocessError):  # no git, or it hung: not a work tree we can ask
        return None
    first = result.stdout.split(b"\0", 1)[0] if result.returncode == 0 else b""
    return os.fsdecode(first) if first else None


def refusal(directory: Path) -> str | None:
    """Why the cache in `directory` must not be used at all, or None when it may."""
    tracked = tracked_by_git(directory)
    if tracked is not None:
        return (f"{directory} holds files tracked by git (such as {tracked}); a cache must never come "
                "from a repository: remove it from git or choose another --cache-dir")
    try:
        signing_key()
    except KeyRefused as error:
        return str(error)
    return None


def _tag(key: bytes, nonce: bytes, index: int, payload: bytes | memoryview) -> bytes:
    mac = hmac.new(key, nonce + index.to_bytes(_LENGTH, "little"), hashlib.sha256)
    mac.update(payload)
    return mac.digest()


class SectionWriter:
    """Writes the signed sections of one cache file, in order."""

    def __init__(self, handle: BinaryIO, key: bytes, nonce: bytes | None = None) -> None:
        self.handle, self.key = handle, key
        self.nonce = os.urandom(_NONCE) if nonce is None else nonce
        self.count = 0
        handle.write(MAGIC + self.nonce)

    def section(self, payload: bytes) -> None:
        self.handle.write(len(payload).to_bytes(_LENGTH, "little"))
        self.handle.write(_tag(self.key, self.nonce, self.count, payload))
        self.handle.write(payload)
        self.count += 1

    def pickled(self, value: Any) -> None:
        self.section(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def flat(self, value: Any) -> None:
        """`pickled()` without pickle's memo, for an index of plain values rewritten every
        build: the memo only notes objects shared between entries, which an index has none of
        (equal values come back equal, not shared; a cycle is refused). The load cache's index
        of 20,000 entries pickled in 5.0 ms instead of 18.7 and unpickled in 14.0 instead of 20.9."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo (documented as deprecated, kept by CPython's C pickler)
        pickler.dump(value)
        self.section(buffer.getvalue())


class CacheFile:
    """A cache file open for reading: `section(i)` gives the bytes of section i only if their
    signature verifies, `unpickle(i)` their value; anything else is MISSING."""

    def __init__(self, handle: BinaryIO, key: bytes, nonce: bytes, sections: list[tuple[int, int, bytes]]) -> None:
        self.handle, self.key, self.nonce = handle, key, nonce
        self.sections = sections  # (offset, length, tag)

    @classmethod
    def open(cls, path: Path) -> CacheFile | None:
        """The file's sections, or None when it is missing, foreign, truncated or the key is refused."""
        try:
            key = signing_key()
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not hang us
        except (OSError, KeyRefused):
            return None
        handle = os.fdopen(fd, "rb")
        try:
            info = os.fstat(handle.fileno())
            head = handle.read(len(MAGIC) + _NONCE) if stat.S_ISREG(info.st_mode) else b""
            size = info.st_size
            if len(head) != len(MAGIC) + _NONCE or not head.startswith(MAGIC):
                raise ValueError("not a signed cache file")
            sections = []
            while handle.tell() < size:
                length = int.from_bytes(handle.read(_LENGTH), "little")
                tag = handle.read(_TAG)
                sections.append((handle.tell(), length, tag))
                handle.seek(length, os.SEEK_CUR)
            if handle.tell() != size or any(len(tag) != _TAG for _, _, tag in sections):
                raise ValueError("truncated cache file")
        except (OSError, ValueError):
            handle.close()
            return None
        return cls(handle, key, head[len(MAGIC):], sections)

    def __len__(self) -> int:
        return len(self.sections)

    def section(self, index: int) -> bytes | None:
        """The bytes of section `index` if they are what this user's Statuspress signed, else None."""
        if not 0 <= index < len(self.sections):
            return None
        offset, length, tag = self.sections[index]
        try:
            self.handle.seek(offset)
            payload = self.handle.read(length)
        except (OSError, ValueError):
            return None
        if len(payload) != length or not hmac.compare_digest(_tag(self.key, self.nonce, index, payload), tag):
            return None
        return payload

    def unpickle(self, index: int) -> Any:
        """The value pickled in section `index`, or MISSING (never unpickled unless signed)."""
        payload = self.section(index)
        if payload is None:
            return MISSING
        try:
            return pickle.loads(payload)
        except Exception:  # signed by us but unreadable (another Python): a miss
            return MISSING

    def close(self) -> None:
        self.handle.close()


def read_cache_file(path: Path) -> list[Any]:
    """Every section of a small cache file, unpickled; [] when any is missing or unsigned."""
    cache = CacheFile.open(path)
    if cache is None:
        return []
    try:
        values = [cache.unpickle(i) for i in range(len(cache))]
    finally:
        cache.close()
    return [] if any(v is MISSING for v in values) else values


def new_nonce() -> bytes:
    """A fresh random nonce for `write_cache_file(..., nonce=)`, for a file named after it."""
    return os.urandom(_NONCE)


def write_cache_file(
    cache_dir: Path, path: Path, write: Callable[[SectionWriter], None], nonce: bytes | None = None
) -> bool:
    """Replace `path` (inside `cache_dir`) with the sections `write` writes, signed, atomically,
    the folder made with its own .gitignore; whether it was written. A cache that cannot be
    written only costs speed next time, so failures are swallowed. `nonce` (from `new_nonce`):
    the file's nonce, so that a reader can tell this very file from any other version."""
    try:
        key = signing_key()
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_gitignore(cache_dir)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(SectionWriter(handle, key, nonce))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, pickle.PicklingError, KeyRefused):
        return False
    return True


def ensure_gitignore(cache_dir: Path) -> None:
    """Make `cache_dir/.gitignore` ignore everything, checked on every write and written
    atomically, so a full disk cannot leave an empty one that stays."""
    ignore = cache_dir / ".gitignore"
    try:
        if ignore.read_text(encoding="utf-8") == GITIGNORE:
            return
    except (OSError, UnicodeDecodeError):
        pass
    fd, tmp = tempfile.mkstemp(prefix=".gitignore-", dir=cache_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(GITIGNORE)
        os.chmod(tmp, 0o644)
        os.replace(tmp, ignore)
    except BaseException:
        os.unlink(tmp)
        raise
