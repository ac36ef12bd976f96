"""What `statuspress build` shows while it runs and when it is done: live progress (one line
rewritten in place on a terminal, plain lines in a log), warnings summarised by kind, and a
last line saying what was built and how long it took."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from ..problems import Problem
from ..progress import Meter
from ..wording import counted

#: Examples shown of each kind of warning; `statuspress validate` lists them all.
EXAMPLES = 3


class LineMeter(Meter):
    """Progress on a terminal: the current stage on one line of stderr, rewritten in place at
    most ten times a second; messages are printed above it."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.label, self.total, self.done, self.shown, self.shown_at = "", 0, 0, -1, -1.0

    def stage(self, label: str, total: int) -> None:
        self.finish()
        self.label, self.total, self.done = label, total, 0
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.label and (self.done >= self.total or self.clock() - self.shown_at >= 0.1):
            self._draw()

    def say(self, message: str) -> None:
        """A message ends the current stage (the build has moved on) and gets its own line."""
        self.finish()
        self.stream.write(message + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.label:
            if self.shown != self.done:
                self._draw()
            self.stream.write("\n")
            self.label = ""

    def _draw(self) -> None:
        self.shown_at, self.shown = self.clock(), self.done
        self.stream.write(f"\r\x1b[K{self.label}: {self.done:,}/{self.total:,}")
        self.stream.flush()


class PlainMeter(Meter):
    """Progress in a log (CI, a pipe): a line when a stage starts, then at most one every
    `interval` seconds, and one when it ends; never a control character."""

    def __init__(self, stream: TextIO, interval: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.interval, self.clock = stream, interval, clock
        self.label, self.total, self.done, self.shown_at = "", 0, 0, 0.0

    def stage(self, label: str, total: int) -> None:
        self.finish()
        self.label, self.total, self.done = label, total, 0
        self._line()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.label and self.done < self.total and self.clock() - self.shown_at >= self.interval:
            self._line()

    def say(self, message: str) -> None:
        """A message ends the current stage (the build has moved on) and gets its own line."""
        self.finish()
        self._write(message)

    def finish(self) -> None:
        if self.label:
            if self.total:
                self._line()
            self.label = ""

    def _line(self) -> None:
        self.shown_at = self.clock()
        self._write(f"{self.label}: {self.done:,}/{self.total:,}")

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def meter_for(stream: TextIO) -> LineMeter | PlainMeter:
    """The live line on a terminal, plain lines anywhere else."""
    return LineMeter(stream) if stream.isatty() else PlainMeter(stream)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)")
_NUMBERED = re.compile(r"\S*\d\S*")
_FIELD = re.compile(r"^[\w.\[\]-]+: ")


@lru_cache(maxsize=4096)  # thousands of warnings share a message ("resolved more than 14 days ago and ...")
def kind(message: str) -> str:
    """What a warning is about, without its particulars: `action item AI-7 is overdue (due
    2026-11-15, owner sre)` is of the kind `action item … is overdue`."""
    text = _FIELD.sub("", message)
    text = _NUMBERED.sub("…", _QUOTED.sub("…", text))
    return re.sub(r"…(?:[\s,]*…)+", "…", " ".join(text.split())).removesuffix(" …").strip()


@dataclass(frozen=True, slots=True)
class Warned:
    """One warning as printed, and what kind it is."""

    text: str
    kind: str


def summary(warnings: Sequence[Warned], examples: int = EXAMPLES) -> list[str]:
    """Lines summarising `warnings`: their number, then each kind (most frequent first) with its
    count and its first few, so a thousand overdue items do not bury everything else."""
    if not warnings:
        return []
    kinds: dict[str, list[str]] = defaultdict(list)
    for warning in warnings:
        kinds[warning.kind].append(warning.text)
    of_kinds = f"{counted(len(warnings), 'warning')} of {counted(len(kinds), 'kind')}"
    lines = [f"{of_kinds}; `statuspress validate` lists them all:"]
    for name, texts in sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(f"  {len(texts):,} × {name}")
        lines += [f"    {text}" for text in texts[:examples]]
        if len(texts) > examples:
            lines.append(f"    … and {len(texts) - examples:,} more")
    return lines


def content_warning(problem: Problem) -> Warned:
    return Warned(str(problem), kind(problem.message))


def kb_warning(message: str) -> Warned:
    return Warned(f"knowledge base: warning: {message}", "knowledge base: " + kind(message))


def built(out: Path, targets: Sequence[str], incidents: int, seconds: float) -> str:
    """The last line: what was built, counted in the published folders, and how long it took."""
    parts = []
    for target in targets:
        counts = _counts(out / target)
        if target == "public":
            parts.append(f"public site {counts['.html']:,} pages, {counts['.rss'] + counts['.atom']:,} feeds, "
                         f"{counts['.ics']:,} calendars")
        else:
            parts.append(f"knowledge base {counts['.html']:,} pages")
    return f"Built {counted(incidents, 'incident')} into {out}: {'; '.join(parts)}; in {seconds:.1f} s"


def _counts(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for path in folder.rglob("*"):
        if path.is_file():
            counts[path.suffix] += 1
    return counts
