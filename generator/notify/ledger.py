"""The ledger: an append-only file of what each channel was sent, one JSON line per message.

A line is written and flushed to disk (fsync) right after each delivery, so a run killed at any
point has recorded everything it delivered except, at most, the message in flight. The ledger
is kept in git beside `content/`: a line that does not parse (a merge conflict, an edit) stops
the run with `path:line`, because a guess could send history again.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..problems import ContentError, Problem

DEFAULT_NAME = "notify-ledger.jsonl"
_BAD_LINE = "not a ledger entry (a merge conflict?); fix or remove the line"
_NAMESPACE = uuid.UUID("6f1d3c2e-8a8b-5d0e-9a51-2c64a1f4b7d3")


class Result:
    SENT = "sent"
    MARKED = "marked-sent"  # recorded without sending: history, --mark-sent, a new channel
    START = "channel-start"  # the channel's first run: what was due then was marked, not sent


def idempotency_key(channel: str, message_id: str) -> str:
    """The same key for the same message to the same channel, on every attempt of every run."""
    return str(uuid.uuid5(_NAMESPACE, f"{channel}\n{message_id}"))


@dataclass
class State:
    """What the ledger says: per channel, the messages recorded and what severity it was told."""

    started: set[str] = field(default_factory=set)
    recorded: dict[str, set[str]] = field(default_factory=dict)
    severities: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)  # channel -> incident -> (n, sev)
    lines: int = 0

    def has(self, channel: str, message_id: str) -> bool:
        return message_id in self.recorded.get(channel, set())

    def add(self, entry: dict[str, str]) -> None:
        channel, message = entry["channel"], entry.get("message", "")
        if entry.get("result") == Result.START:
            self.started.add(channel)
            return
        self.started.add(channel)
        self.recorded.setdefault(channel, set()).add(message)
        parts = message.split("/")
        if len(parts) >= 3 and parts[0] == "incident" and parts[2] in ("declared", "severity") and entry.get("status"):
            told = self.severities.setdefault(channel, {})
            count = told.get(parts[1], (0, ""))[0] + (parts[2] == "severity")
            told[parts[1]] = (count, entry["status"])


class Ledger:
    """The ledger file; the caller holds the notify lock while it reads and appends."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> State:
        """Every line; an unterminated last line (a write cut short) is ignored and repaired by
        the next append. Raises `ContentError` for a line that is not a ledger entry."""
        state = State()
        if not self.path.exists():
            return state
        try:
            data = self.path.read_bytes()
        except OSError as error:  # a folder in its place, no permission: say so, never a traceback
            problem = Problem(str(self.path), 1, f"cannot read the ledger: {error.strerror or error}")
            raise ContentError([problem]) from None
        lines = data.split(b"\n")
        complete = lines[:-1]  # the part after the last newline is empty, or a cut-short write
        problems = []
        for number, raw in enumerate(complete, start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
                if not isinstance(entry, dict) or not isinstance(entry.get("channel"), str):
                    raise ValueError
                state.add({k: str(v) for k, v in entry.items()})
            except ValueError:
                problems.append(Problem(str(self.path), number, _BAD_LINE))
        if problems:
            raise ContentError(problems)
        state.lines = len(complete)
        return state

    def append(self, channel: str, message_id: str, result: str, status: str, at: datetime) -> None:
        """Add one line and flush it to disk before returning."""
        self.append_all([(channel, message_id, result, status)], at)

    def append_all(self, entries: list[tuple[str, str, str, str]], at: datetime) -> None:
        """Add a line per (channel, message id, result, status), with one write and one flush."""
        data = b"".join(_line(channel, message, result, status, at) for channel, message, result, status in entries)
        if not data:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            _repair(fd)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def _line(channel: str, message_id: str, result: str, status: str, at: datetime) -> bytes:
    entry = {
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "channel": channel,
        "message": message_id,
        "result": result,
    }
    if status:
        entry["status"] = status
    if result != Result.START:
        entry["key"] = idempotency_key(channel, message_id)
    return json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def _repair(fd: int) -> None:
    """Drop a cut-short last line, so the next line starts on a line of its own."""
    size = os.fstat(fd).st_size
    if size == 0:
        return
    last = os.pread(fd, 1, size - 1)
    if last == b"\n":
        return
    start = max(0, size - 65536)
    tail = os.pread(fd, size - start, start)
    cut = tail.rfind(b"\n")
    os.ftruncate(fd, start + cut + 1 if cut >= 0 else 0)
