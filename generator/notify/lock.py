"""One `statuspress notify` at a time per ledger: a second run waits for the lock, then refuses.

The shared lock of locking.py (an advisory `flock`, released by the kernel when the holder exits
or is killed, so a crashed run never leaves a stale lock) on the ledger file itself (made empty
if missing), so no lock file is left beside the ledger to be committed by mistake. Appends go
through their own descriptor; the lock only keeps runs apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..locking import Busy, acquire


class Locked(Exception):
    """Another notify run holds the lock."""


@contextmanager
def notify_lock(ledger: Path, wait: float) -> Iterator[None]:
    """Hold the lock of `ledger`, waiting up to `wait` seconds for another run to finish."""
    ledger.parent.mkdir(parents=True, exist_ok=True)
    try:
        held = acquire(ledger, wait)
    except Busy:
        raise Locked(
            f"another `statuspress notify` is using {ledger} (waited {wait:g} s); try again when it has finished"
        ) from None
    try:
        yield
    finally:
        held.release()
