"""Exclusive locks between Statuspress processes: flock, a bounded wait, then a clear refusal.

Two responders posting at the same moment is normal during a major incident. Every command that
reads, changes, validates and writes content holds `content_lock` across all four steps, so
concurrent updates are applied one after another and none is lost; one that waits longer than
`STATUSPRESS_LOCK_WAIT` seconds (default 10) gives up with `Busy`, having written nothing.
The build takes `acquire(OUT/.statuspress.lock, wait=0)`. Anything else that read-modify-writes
a file of its own (a ledger, say) holds `hold(path, lock_wait())` across the whole cycle.

flock locks belong to the open file, so a process that dies releases its locks at once: there
is never a stale lock to remove by hand. A forked child shares that open file, so the worker
processes let go of their copies first (`let_go_in_child`): a worker outliving a killed build
would otherwise hold its lock for good.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: Seconds a command waits for another one holding the same lock (a number; default 10).
LOCK_WAIT_ENV = "STATUSPRESS_LOCK_WAIT"
DEFAULT_WAIT = 10.0
_POLL = 0.05
#: The descriptors of the locks this process holds (see `let_go_in_child`).
_HELD: set[int] = set()


class Busy(Exception):
    """Another process held the lock for longer than the wait; nothing was done."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(f"{path} is held by another statuspress command (waited {waited:g} s)")
        self.path, self.waited = path, waited


def lock_wait() -> float:
    """The wait from STATUSPRESS_LOCK_WAIT, else the default (a bad value is the default too)."""
    try:
        wait = float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT
    return wait if 0 <= wait < float("inf") else DEFAULT_WAIT


class Held:
    """A lock this process holds until `release()` (or until it exits)."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd
        _HELD.add(fd)

    def release(self) -> None:
        if self.fd is not None and self.fd in _HELD:  # not in a child that let go of it
            _HELD.discard(self.fd)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
        self.fd = None


def let_go_in_child() -> None:
    """In a forked child: close the inherited descriptors of the parent's locks, without
    unlocking (the parent still holds them), so the locks end with the parent whatever becomes
    of the child."""
    for fd in _HELD:
        with suppress(OSError):
            os.close(fd)
    _HELD.clear()


def acquire(path: Path, wait: float) -> Held:
    """An exclusive lock on `path` (a folder, or a file made if it is missing), waiting up to
    `wait` seconds while another process holds it, then raising Busy."""
    flags = os.O_RDONLY | os.O_CLOEXEC | (0 if path.is_dir() else os.O_CREAT)
    fd = os.open(path, flags, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return Held(fd)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise Busy(path, wait) from None
            time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            raise


@contextmanager
def hold(path: Path, wait: float) -> Iterator[None]:
    """Hold `acquire(path, wait)` while the block runs."""
    held = acquire(path, wait)
    try:
        yield
    finally:
        held.release()


def content_lock(content: Path, wait: float | None = None) -> Held:
    """The lock of a content folder, held until released. The folder itself is locked, so no
    lock file appears in the repository. NotADirectoryError if `content` is not a folder, Busy
    after `wait` seconds (default: `lock_wait()`)."""
    if not content.is_dir():
        raise NotADirectoryError(str(content))
    return acquire(content, lock_wait() if wait is None else wait)
