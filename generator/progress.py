"""Live progress of a long build: stages with counts ("Reading content files 1,200/3,000"),
reported by the loops that do the work to the meter the command line installed.

A context variable rather than a parameter threaded through every layer: the loaders and
renderers only say what they are doing, and where nobody installed a meter (validate, `serve`,
the tests, library callers) nothing is shown and nothing is slower than a function call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Meter:
    """Where progress goes; this base class shows nothing (see cli/report.py for displays)."""

    def stage(self, label: str, total: int) -> None:
        """A new stage of `total` steps begins (the previous one, if any, is complete)."""

    def advance(self, count: int = 1) -> None:
        """`count` more steps of the current stage are done."""

    def say(self, message: str) -> None:
        """Show a message line (what the build is doing)."""

    def finish(self) -> None:
        """The build is over: close the current stage."""


_SILENT = Meter()
_METER: ContextVar[Meter | None] = ContextVar("statuspress_meter", default=None)


def stage(label: str, total: int) -> None:
    (_METER.get() or _SILENT).stage(label, total)


def advance(count: int = 1) -> None:
    (_METER.get() or _SILENT).advance(count)


@contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Send the progress of everything run inside to `meter`."""
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        meter.finish()
        _METER.reset(token)


@contextmanager
def silenced() -> Iterator[None]:
    """Show nothing of the progress of what runs inside (a forked worker: the parent counts)."""
    token = _METER.set(_SILENT)
    try:
        yield
    finally:
        _METER.reset(token)
