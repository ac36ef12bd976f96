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
from ..problems import ContentError, Problem


class Locked(Exception):
    """Another notify run holds the lock."""


@contextmanager
def notify_lock(ledger: Path, wait: float) -> Iterator[None]:
    """Hold the lock of `ledger`, waiting up to `wait` seconds for another run to finish."""
    try:
        ledger.parent.mkdir(parents=True, exist_ok=True)
        held = acquire(ledger, wait)
    except OSError as error:  # a file where its folder goes, no permission: say so, never a traceback
        reason = (f"{ledger.parent} is not a folder" if isinstance(error, FileExistsError | NotADirectoryError)
                  else error.strerror or str(error))
        problem = Problem(str(ledger), 1, f"cannot open the ledger: {reason}")
        raise ContentError([problem]) from None
    except Busy:
        raise Locked(
            f"another `statuspress notify` is using {ledger} (waited {wait:g} s); try again when it has finished"
        ) from None
    try:
        yield
    finally:
        held.release()
