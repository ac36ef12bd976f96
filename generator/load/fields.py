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
from ..published import find_forbidden, forbidden_message, forbidden_published
from .markdown_cost import FIELD_CHARACTERS, FIELD_COST, FILE_COST, FileBudget, cost_of, too_slow
from .secrets import masked, published_secret, secret_message
from .yamlsafe import Node

E = TypeVar("E", bound=StrEnum)

SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
#: Ids become file names (`incidents/<id>.html`); file systems refuse names over 255 bytes.
MAX_ID_LENGTH = 100
#: Characters in a title, a person's or team's name, a link, an internal timeline note
#: (`Fields.text(limit=...)`): the knowledge base puts them in headings, table cells and notes,
#: where Python-Markdown's time grows with the square of their length (a 200,000-character
#: title of `{: ` took 11 s, `[a ` 7 s; 20,000 characters 0.26 s and 0.14 s; a note of `{: ` 5.4 s
#: and 0.11 s). Titles of 11,200 characters are published as written (test_format_breakers).
TEXT_CHARACTERS = 20_000
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: What a flag written without a value is told to be instead (`Fields.boolean`).
_BLANK_FLAG = "write true or false, or leave the field out for its default"

#: Every time in the content, and the build time, is from 1970 (the Unix epoch, where
#: SOURCE_DATE_EPOCH starts) to the end of 2099: far from year 1 and 9999, so the days that
#: deadlines, uptime windows and calendars add never leave what a datetime holds (that was an
#: OverflowError), and before 2106, when 32-bit unsigned timestamps end (gzip headers, which
#: the knowledge base's MkDocs writes with the build time, refused a build in 2999).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
TIME_RANGE = f"{EARLIEST:%Y-%m-%dT%H:%M:%SZ} to {LATEST:%Y-%m-%dT%H:%M:%SZ}"
DATE_RANGE = f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"

#: Names Windows reserves for devices, with any extension (`con.html` too): a file of that name
#: cannot be created or checked out there, so they are no ids (ids name files and URLs).
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
)
RESERVED_HINT = "a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9)"


def is_reserved_name(name: str) -> bool:
    """Whether the file name `name` (`nul`, `COM1.md`, `aux.notes.md`) is a Windows device."""
    return name.split(".", 1)[0].casefold() in RESERVED_NAMES


def as_written(node: Node) -> str:
    """A scalar as text. A number keeps the text it was written with: YAML 1.1 reads `12:30:00`
    as 45000 and `0x1F` as 31, which no one who wrote them in a title or an update meant."""
    return node.written if node.written is not None else str(node.value)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with an offset, as UTC, from 1970 to 2099. Raises ValueError with a
    readable reason."""
    text = text.strip()
    if _DATE_ONLY.fullmatch(text):
        raise ValueError(f"expected a date and time with an offset, e.g. {text}T00:00:00Z; got {text!r}")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time like 2026-11-20T14:02:00Z; got {text!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"time {text!r} has no UTC offset; add Z or +HH:MM")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is in year 10000 in UTC
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise ValueError(f"time {text!r} is out of range (expected {TIME_RANGE})")
    return moment


def parse_day(text: str) -> date:
    """An ISO 8601 date from 1970 to 2099. Raises ValueError with a readable reason."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-12-15; got {text!r}") from None
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(f"date {text!r} is out of range (expected {DATE_RANGE})")
    return value


def format_time(value: datetime) -> str:
    """The one way times are written back: UTC, seconds, `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def whole_number(node: Node, minimum: int, maximum: int, unit: str = "") -> int | str:
    """The whole number of `node` from `minimum` to `maximum`, or what is wrong with it."""
    if isinstance(node.value, bool) or not isinstance(node.value, int):
        return f"expected a whole number{unit}; got {node.kind}"
    if not minimum <= node.value <= maximum:
        return f"expected a whole number{unit} from {minimum} to {maximum}; got {node.value}"
    return int(node.value)


class Fields:
    """The fields of one mapping in one file."""

    def __init__(
        self, problems: Problems, path: str, node: Node, where: str = "", budget: FileBudget | None = None
    ) -> None:
        self.problems = problems
        #: The estimated rendering cost of the Markdown fields read so far in this file (shared
        #: with the `Fields` of its mappings and lists).
        self.budget = FileBudget() if budget is None else budget
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
        """An error at `line`; a value it quotes is shown with any secret in it masked (a key
        pasted into the wrong field would otherwise be printed in the CI log)."""
        self.problems.error(self.path, line, masked(message))

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

    def text(
        self, key: str, required: bool = False, default: str = "", allow_blank: bool = False, limit: int = 0,
        published: bool = False,
    ) -> str:
        """Text; required text must not be empty or blank (a title shown as nothing) unless
        `allow_blank` (an update's body: imports keep updates that only changed the status); with
        a `limit`, at most that many characters; `published` (it may reach the public site or a
        notification): holding no secret (secrets.py)."""
        node = self.node(key, required)
        if node is None:
            return default
        if isinstance(node.value, bool) or not isinstance(node.value, str | int | float):
            self.bad(key, f"expected text; got {node.kind}")
            return default
        value = as_written(node)
        if required and not allow_blank and not value.strip():
            self.bad(key, "required text is empty")
            return default
        if limit and len(value) > limit:
            self.bad(key, f"text is {len(value):,} characters long; the limit is {limit:,}")
            return default
        if published and not self.secretless(key, value, markdown=False):
            return default
        return self.checked(node.line, key, value, default)

    def secretless(self, key: str, value: str, markdown: bool, line: int | None = None) -> bool:
        """Whether `value` holds no secret as published; else the problem is reported at `line`
        (by default `key`'s), naming the kind of secret, never the value."""
        kind = published_secret(value, markdown)
        if kind is None:
            return True
        self.error(self.key_line(key) if line is None else line, f"{self.where}{key}: {secret_message(kind)}")
        return False

    def checked(self, line: int, key: str, value: str, default: str) -> str:
        """`value`, or `default` after reporting a control character that a YAML escape such as
        `"\\0"` or `"\\x1b"` wrote (raw ones are refused when the file is read)."""
        bad = find_forbidden(value)
        if bad is None:
            return value
        self.error(line, f"{self.where}{key}: control character U+{ord(bad.group()):04X} in text")
        return default

    def markdown(
        self, key: str, required: bool = False, knowledge_base: bool = False, allow_blank: bool = False
    ) -> str:
        """Markdown text: `text()`, at most `FIELD_CHARACTERS` long and not pathological for
        Python-Markdown (markdown_cost.py, checked before anything renders it: each field within
        `FIELD_COST`, the file's fields together within `FILE_COST`), and the rule on characters
        holds for what it renders to (a character reference such as `&#x1b;` must not publish a
        control character)."""
        value = self.text(key, required, allow_blank=allow_blank)
        if len(value) > FIELD_CHARACTERS:
            self.bad(key, f"Markdown text is {len(value):,} characters long; the limit is {FIELD_CHARACTERS:,}")
            return ""
        found = cost_of(value, True, FIELD_COST)
        if found.cost > FIELD_COST:
            self.bad(key, too_slow(found, FIELD_COST))
            return ""
        if not self.budget.within(value, found):
            self.bad(key, f"the Markdown fields of this file would take too long to render together (estimated "
                          f"cost {self.budget.spent:,} up to here; the limit for one file is {FILE_COST:,}); "
                          "shorten them")
            return ""
        if not self.secretless(key, value, markdown=True):
            return ""
        bad = forbidden_published(value, knowledge_base)
        if bad is None:
            return value
        self.bad(key, forbidden_message(*bad))
        return ""

    def ident(self, key: str, required: bool = True) -> str:
        """An id that becomes part of URLs and file names: `[A-Za-z0-9_-]+`, not a device name."""
        value = self.text(key, required)
        if value and not SAFE_ID.fullmatch(value):
            self.bad(key, f"{value!r} is not a safe id (use letters, digits, '-' and '_' only)")
            return ""
        if len(value) > MAX_ID_LENGTH:
            self.bad(key, f"id is {len(value):,} characters long; the limit is {MAX_ID_LENGTH}")
            return ""
        if is_reserved_name(value):
            self.bad(key, f"{value!r} is {RESERVED_HINT}; choose another id")
            return ""
        if value.casefold() == "index":  # `incidents/index.md` is the list of incidents, and so on
            self.bad(key, f"{value!r} names the index pages (incidents/index, services/index); choose another id")
            return ""
        return value

    def integer(self, key: str, default: int, minimum: int, maximum: int) -> int:
        """A whole number from `minimum` to `maximum`: every number is bounded, since days and
        counts end up in date arithmetic and loops (a huge one was an OverflowError or a hang)."""
        node = self.node(key)
        if node is None:
            return default
        value = whole_number(node, minimum, maximum)
        if isinstance(value, str):
            self.bad(key, value)
            return default
        return value

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
        """A flag; written without a value (`public:`, `~`) it is an error, not its default: a
        blanked `public:` read as `true` would publish an internal service."""
        written = self.values.get(key)
        if written is not None and written.value is None:
            self.used.add(key)
            self.bad(key, f"expected true or false; got nothing ({_BLANK_FLAG})")
            return default
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
        if not isinstance(node.value, str):
            self.bad(key, f"expected a date like 2026-12-15; got {node.value!r}")
            return None
        try:
            return parse_day(node.value)
        except ValueError as exc:
            self.bad(key, str(exc))
            return None

    # ------------------------------------------------------------------ collections

    def text_list(self, key: str, required: bool = False, published: bool = False) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one; `published`: as `text`."""
        node = self.node(key, required)
        if node is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        result = []
        for index, item in enumerate(items):
            if isinstance(item.value, bool) or not isinstance(item.value, str | int | float):
                self.error(item.line, f"{self.where}{key}[{index}]: expected text; got {item.kind}")
                continue
            text = self.checked(item.line, f"{key}[{index}]", as_written(item), "")
            if published and text and not self.secretless(f"{key}[{index}]", text, markdown=False, line=item.line):
                continue
            if text:
                result.append(text)
        return tuple(result)

    def mapping(self, key: str, required: bool = False) -> Fields | None:
        node = self.node(key, required)
        if node is None:
            return None
        return Fields(self.problems, self.path, node, f"{self.where}{key}.", self.budget)

    def items(self, key: str, required: bool = False) -> Iterator[Fields]:
        """Each mapping in the list under `key`, as `Fields` named `key[i].`."""
        node = self.node(key, required)
        if node is None:
            return
        if not isinstance(node.value, list):
            self.bad(key, f"expected a list; got {node.kind}")
            return
        for index, item in enumerate(node.value):
            yield Fields(self.problems, self.path, item, f"{self.where}{key}[{index}].", self.budget)

    def raw(self, key: str) -> dict[str, Node]:
        """A mapping's entries, for keyed tables like `severity_guidelines`."""
        node = self.node(key)
        if node is None:
            return {}
        if not isinstance(node.value, dict):
            self.bad(key, f"expected a mapping; got {node.kind}")
            return {}
        return dict(node.value)
