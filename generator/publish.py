"""Atomic publishing: render into a staging folder beside the target, then swap it in.

A build that fails or is killed half way leaves the published folders exactly as they were:
nothing is written into them, ever. On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call,
so readers see either the old site or the new one; elsewhere two renames, and a leftover from a
crash between them is repaired by the next build. A lock file keeps two builds apart.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .locking import Busy, acquire

LOCK_NAME = ".statuspress.lock"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class BuildLocked(Exception):
    """Another build holds the lock on the output folder."""


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out` for one build; fail at once if another build has it."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        held = acquire(out / LOCK_NAME, wait=0)
    except Busy:
        raise BuildLocked(f"another build is writing to {out}; try again when it has finished") from None
    try:
        yield
    finally:
        held.release()


class Staging:
    """Staging folders for one build, swapped into `out` together by `publish()`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folders: dict[str, Path] = {}
        remove_leftovers(out)

    def folder(self, name: str) -> Path:
        """A new, empty staging folder for the output `out/name`."""
        path = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=self.out))
        path.chmod(0o777 & ~_umask())
        self.folders[name] = path
        return path

    def publish(self) -> None:
        """Swap every staged folder into place; the old versions are removed afterwards."""
        for name, staged in sorted(self.folders.items()):
            swap_in(staged, self.out / name)
        for staged in self.folders.values():
            shutil.rmtree(staged, ignore_errors=True)  # now holds the previous version
        self.folders.clear()

    def discard(self) -> None:
        for staged in self.folders.values():
            shutil.rmtree(staged, ignore_errors=True)
        self.folders.clear()


def stage_and_publish(out: Path, render: Callable[[Staging], None]) -> None:
    """Let `render` fill staging folders, and publish them only if it returns.

    The caller holds `build_lock(out)`.
    """
    staging = Staging(out)
    try:
        render(staging)
        staging.publish()
    finally:
        staging.discard()


def swap_in(staged: Path, target: Path) -> None:
    """Put `staged` at `target`; afterwards `staged` holds the previous target (if any)."""
    if not target.exists():
        os.rename(staged, target)
        staged.mkdir()
        return
    if _exchange(staged, target):
        return
    parked = target.with_name(f".{target.name}.previous")
    shutil.rmtree(parked, ignore_errors=True)
    os.rename(target, parked)
    os.rename(staged, target)
    os.rename(parked, staged)


def remove_leftovers(out: Path) -> None:
    """Repair what a killed build left: a parked previous site, stale staging folders."""
    for parked in out.glob(".*.previous"):
        target = out / parked.name[1 : -len(".previous")]
        if not target.exists():
            os.rename(parked, target)
        else:
            shutil.rmtree(parked, ignore_errors=True)
    for stale in out.glob(".*.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
