"""Typed field access on a YAML mapping that reports every problem with its file and line.

A `Fields` wraps one mapping. Each getter returns a typed value or a fallback and records a
problem when the value is missing or wrong; `finish()` reports keys nobody asked for. Readers of
the content files are therefore straight-line code that never raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

from ..problems import Problems
from ..published import FORBIDDEN_CHARACTERS, forbidden_message, forbidden_published
from .yamlsafe import Node

E = TypeVar("E", bound=StrEnum)

SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
#: Ids become file names (`incidents/<id>.html`); file systems refuse names over 255 bytes.
MAX_ID_LENGTH = 100
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with an offset, as UTC. Raises ValueError with a readable reason."""
    text = text.strip()
    if _DATE_ONLY.fullmatch(text):
        raise ValueError(f"expected a date and time with an offset, e.g. {text}T00:00:00Z; got {text!r}")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time like 2026-11-20T14:02:00Z; got {text!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"time {text!r} has no UTC offset; add Z or +HH:MM")
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """The one way times are written back: UTC, seconds, `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Fields:
    """The fields of one mapping in one file."""

    def __init__(self, problems: Problems, path: str, node: Node, where: str = "") -> None:
        self.problems = problems
        self.path = path
        self.line = node.line
        self.where = where
        self.used: set[str] = set()
        if isinstance(node.value, dict):
            self.values: dict[str, Node] = node.value
        else:
            self.values = {}
            self.error(node.line, f"{where.rstrip('.') or 'file'}: expected a mapping; got {node.kind}")

    # ------------------------------------------------------------------ reporting

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.path, line, message)

    def bad(self, key: str, message: str) -> None:
        node = self.values.get(key)
        self.error(node.line if node else self.line, f"{self.where}{key}: {message}")

    def key_line(self, key: str) -> int:
        """The line of `key`, or of the mapping when the key is absent."""
        node = self.values.get(key)
        return node.line if node else self.line

    def lines(self) -> dict[str, int]:
        return {key: node.line for key, node in self.values.items()}

    def node(self, key: str, required: bool = False) -> Node | None:
        """The raw node of `key`, or None; `null` counts as absent."""
        self.used.add(key)
        node = self.values.get(key)
        if node is None or node.value is None:
            if required:
                self.error(self.line, f"{self.where}{key}: required field is missing")
            return None
        return node

    def finish(self, allowed_extra: tuple[str, ...] = ()) -> None:
        """Report keys that are not fields of this record."""
        known = self.used | set(allowed_extra)
        for key, node in self.values.items():
            if key not in known:
                expected = ", ".join(sorted(known))
                self.error(node.line, f"{self.where}{key}: unknown field (expected one of {expected})")

    # ------------------------------------------------------------------ scalars

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        node = self.node(key, required)
        if node is None:
            return default
        if isinstance(node.value, bool) or not isinstance(node.value, str | int | float):
            self.bad(key, f"expected text; got {node.kind}")
            return default
        return self.checked(node.line, key, str(node.value), default)

    def checked(self, line: int, key: str, value: str, default: str) -> str:
        """`value`, or `default` after reporting a control character that a YAML escape such as
        `"\\0"` or `"\\x1b"` wrote (raw ones are refused when the file is read)."""
        bad = FORBIDDEN_CHARACTERS.search(value)
        if bad is None:
            return value
        self.error(line, f"{self.where}{key}: control character U+{ord(bad.group()):04X} in text")
        return default

    def markdown(self, key: str, required: bool = False, knowledge_base: bool = False) -> str:
        """Markdown text: `text()`, and the rule on characters holds for what it renders to (a
        character reference such as `&#x1b;` must not publish a control character)."""
        value = self.text(key, required)
        bad = forbidden_published(value, knowledge_base)
        if bad is None:
            return value
        self.bad(key, forbidden_message(*bad))
        return ""

    def ident(self, key: str, required: bool = True) -> str:
        """An id that becomes part of URLs and file names: `[A-Za-z0-9_-]+`."""
        value = self.text(key, required)
        if value and not SAFE_ID.fullmatch(value):
            self.bad(key, f"{value!r} is not a safe id (use letters, digits, '-' and '_' only)")
            return ""
        if len(value) > MAX_ID_LENGTH:
            self.bad(key, f"id is {len(value):,} characters long; the limit is {MAX_ID_LENGTH}")
            return ""
        return value

    def integer(self, key: str, default: int, minimum: int = 0) -> int:
        node = self.node(key)
        if node is None:
            return default
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            self.bad(key, f"expected a whole number; got {node.kind}")
            return default
        if node.value < minimum:
            self.bad(key, f"expected a number of at least {minimum}; got {node.value}")
            return default
        return int(node.value)

    def number(self, key: str, default: float | None, low: float, high: float) -> float | None:
        node = self.node(key)
        if node is None:
            return default
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            self.bad(key, f"expected a number; got {node.kind}")
            return default
        if not low <= node.value <= high:
            self.bad(key, f"expected a number from {low:g} to {high:g}; got {node.value}")
            return default
        return float(node.value)

    def boolean(self, key: str, default: bool) -> bool:
        node = self.node(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            self.bad(key, f"expected true or false; got {node.kind}")
            return default
        return node.value

    def enum(self, key: str, kind: type[E], default: E | None = None, required: bool = False) -> E | None:
        node = self.node(key, required)
        if node is None:
            return default
        try:
            return kind(node.value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            self.bad(key, f"expected one of {allowed}; got {node.value!r}")
            return default

    def time(self, key: str, required: bool = False) -> datetime | None:
        node = self.node(key, required)
        if node is None:
            return None
        if not isinstance(node.value, str):
            self.bad(key, f"expected a time like 2026-11-20T14:02:00Z; got {node.kind}")
            return None
        try:
            return parse_time(node.value)
        except ValueError as exc:
            self.bad(key, str(exc))
            return None

    def day(self, key: str) -> date | None:
        node = self.node(key)
        if node is None:
            return None
        try:
            return date.fromisoformat(str(node.value).strip())
        except ValueError:
            self.bad(key, f"expected a date like 2026-12-15; got {node.value!r}")
            return None

    # ------------------------------------------------------------------ collections

    def text_list(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        node = self.node(key, required)
        if node is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        result = []
        for index, item in enumerate(items):
            if isinstance(item.value, bool) or not isinstance(item.value, str | int | float):
                self.error(item.line, f"{self.where}{key}[{index}]: expected text; got {item.kind}")
                continue
            text = self.checked(item.line, f"{key}[{index}]", str(item.value), "")
            if text:
                result.append(text)
        return tuple(result)

    def mapping(self, key: str, required: bool = False) -> Fields | None:
        node = self.node(key, required)
        if node is None:
            return None
        return Fields(self.problems, self.path, node, f"{self.where}{key}.")

    def items(self, key: str, required: bool = False) -> Iterator[Fields]:
        """Each mapping in the list under `key`, as `Fields` named `key[i].`."""
        node = self.node(key, required)
        if node is None:
            return
        if not isinstance(node.value, list):
            self.bad(key, f"expected a list; got {node.kind}")
            return
        for index, item in enumerate(node.value):
            yield Fields(self.problems, self.path, item, f"{self.where}{key}[{index}].")

    def raw(self, key: str) -> dict[str, Node]:
        """A mapping's entries, for keyed tables like `severity_guidelines`."""
        node = self.node(key)
        if node is None:
            return {}
        if not isinstance(node.value, dict):
            self.bad(key, f"expected a mapping; got {node.kind}")
            return {}
        return dict(node.value)
