"""One `statuspress notify` at a time per ledger: a second run waits for the lock, then refuses.

An advisory `flock` on the ledger file itself (made empty if missing): released by the kernel
when the holder exits or is killed, so a crashed run never leaves a stale lock behind, and no
lock file is left beside the ledger to be committed by mistake. Appends go through their own
descriptor; the lock only keeps runs apart.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Locked(Exception):
    """Another notify run holds the lock."""


@contextmanager
def notify_lock(ledger: Path, wait: float) -> Iterator[None]:
    """Hold the lock of `ledger`, waiting up to `wait` seconds for another run to finish."""
    path = ledger
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with open(path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Locked(
                        f"another `statuspress notify` is using {ledger} (waited {wait:g} s); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
