"""Loader fuzzing, shared by the short CI run (tests/test_fuzz_loader.py) and the long one
(benchmarks/fuzz_loader.py).

A fuzz input replaces one file of a small valid content folder (a copy of the example
organisation's files): random text, YAML-shaped text made from the content model's keys and
awkward scalars, or an example file with bytes flipped, cut, duplicated or spliced. The promise
checked is the loader's: `load_site` never raises, it reports; and content it accepts builds in
every public format (HTML, feeds, calendars, JSON API, badges) and as the knowledge base's
Markdown tree, whose files parse (XML, JSON, iCalendar) and hold no character the loader refuses
(`check_outputs`).
Inputs are bounded in size, so time and memory are bounded by the loader's own limits (alias
budget, nesting depth, file size), which is what the fuzz exercises.
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from icalendar import Calendar

from generator.build import BuildRequest, build
from generator.kb.tree import generate
from generator.load import Loaded, load_site
from generator.problems import ContentError
from generator.published import FORBIDDEN_CHARACTERS
from tests.sitekit import EXAMPLE, now

#: Files of the example organisation that seed the fuzz (kept small: one of each kind).
SEED_FILES = (
    "site.yaml",
    "services.yaml",
    "incidents/2026-11-20-checkout-errors.yaml",
    "maintenance/2026-12-03-db-upgrade.yaml",
    "postmortems/INC-2026-036.md",
    "runbooks/checkout/error-rate-high.md",
)
MAX_INPUT_BYTES = 16 * 1024

KEYS = (
    "id", "title", "type", "severity", "started_at", "detected_at", "detection", "mitigated_at",
    "resolved_at", "regions", "impact", "component", "level", "from", "to", "roles", "oncall",
    "incident_manager", "root_cause", "service", "updates", "at", "status", "body", "timeline", "by",
    "text", "components", "scheduled_start", "scheduled_end", "name", "base_url", "timezone",
    "uptime_days", "groups", "services", "group", "public", "slo", "incident", "authors",
    "public_summary", "action_items", "owner", "priority", "due", "link", "alerts",
    "last_reviewed", "redaction_patterns", "severity_guidelines", "max_file_bytes", "feed_items",
    "history_page_size", "uptime_weights", "major_outage", "action_item_deadlines", "P0",
)
SCALARS = (
    "INC-1", "api", "web", "vpn", "checkout", "external", "internal", "major", "minor", "medium",
    "major_outage", "partial_outage", "under_maintenance", "investigating", "resolved", "scheduled",
    "published", "draft", "open", "P1", "2026-11-20T14:02:00Z", "2026-11-20T14:02:00+01:00",
    "2026-11-20", "2026-02-30T10:00:00Z", "2026-11-20T14:02:00", "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "-1", "0", "1e309", ".nan", "-.inf", "0x1F",
    "99.99", "100.0001", "true", "no", "~", "null", "''", '""', "[]", "{}", "|\n  block\n  text",
    ">-\n  folded", "!!str 12", "!!binary aGk=", "!!python/object:os.system x", "&a x", "*a",
    "'quoted: colon'", '"esc \\u00e9 \\t"', "https://status.example/", "javascript:alert(1)",
    "[a, b, [c]]", "{a: 1, b: [2]}", "Europe/Amsterdam", "Mars/Olympus", "(", "[unclosed",
    "<script>x</script>", "{{ 7*7 }}", "Pasted&#x1b;[0m", "&#xfdd0;", "&#12;", "&amp;#1;", "**10**.0.0.7", "x" * 300, "ü€😀", "- - -", "? key", ": x",
)
FRAGMENTS = (
    "&a ", "*a", "<<: *a\n", "? ", "--- \n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\t",
    "\ufeff", "{", "}", "[", "]", ": ", "- ", "|\n", ">-\n", "'", '"', "\\", "#", "!", "!!map ",
    "!!python/name:os.system ", "&#x1b;", "&#xffff;", "\n---\n", "\r\n", "\x00", "\x85", "\u2028", "\xff", "\n  ", ": &b [*b]\n",
)


#: Fields holding numbers, times and dates, whose extreme values once crashed the loader (an
#: OverflowError in date arithmetic at the ends of the calendar, a huge uptime window).
NUMBER_AND_TIME_KEYS = (
    "started_at", "detected_at", "mitigated_at", "resolved_at", "from", "to", "at", "scheduled_start",
    "scheduled_end", "due", "done_at", "review_date", "last_reviewed", "uptime_days", "review_deadline_days",
    "feed_items", "runbook_stale_days", "history_page_size", "max_file_bytes", "slo", "major_outage",
    "partial_outage", "P0", "P1", "P2", "P3",
)
_YEARS = (1, 2, 999, 1969, 1970, 2026, 2099, 2100, 2106, 2107, 9998, 9999)
_OFFSETS = ("Z", "+00:00", "+05:00", "-05:00", "+23:59", "-23:59", "+14:00", "")
#: Times whose UTC value leaves the calendar (year 0 or 10000) or sits on our range's ends.
_EDGE_TIMES = (
    "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+05:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2099-12-31T23:59:59Z", "2100-01-01T00:00:00Z",
)


def extreme_value(rng: random.Random) -> str:
    """A number, time or date near a limit: of the calendar, of C ints, of floats, or of ours."""
    roll = rng.random()
    if roll < 0.3:
        magnitude = rng.choice((0, 1, 2, 4, 6, 8, 9, 10, 12, 18, 19, 30, 60))
        return str(rng.choice((1, -1)) * 10**magnitude + rng.choice((0, 1, -1)))
    if roll < 0.4:
        return rng.choice(("0", "-0", "3650", "3651", "10000", "1024", "1073741825", "1e308", "1e309", "-1e-308",
                           ".inf", "-.inf", ".nan", "0.0", "99.999999", "100.0", "1_000", "0x7fffffff", "0o777"))
    if roll < 0.6:
        return rng.choice(_EDGE_TIMES)
    year = rng.choice(_YEARS) if rng.random() < 0.8 else rng.randint(1, 9999)
    day = f"{year:04d}-{rng.choice((1, 2, 12)):02d}-{rng.choice((1, 28, 29, 30, 31)):02d}"
    if roll < 0.7:
        return day
    clock = f"{rng.choice((0, 12, 23)):02d}:{rng.choice((0, 30, 59)):02d}:{rng.choice((0, 59)):02d}"
    return f"{day}T{clock}{rng.choice(_OFFSETS)}"


def with_extreme_values(data: bytes, rng: random.Random) -> bytes:
    """`data` (a seed file) with the values of 1-4 number, time or date fields set to extreme
    values, and sometimes one such field added at the top level."""
    lines = data.decode("utf-8").split("\n")
    pattern = re.compile(rf"^(\s*(?:- )?(?:{'|'.join(NUMBER_AND_TIME_KEYS)}):)[ \t]*\S.*$")
    found = [index for index, line in enumerate(lines) if pattern.match(line)]
    for index in rng.sample(found, min(len(found), rng.randint(1, 4))):
        lines[index] = pattern.sub(lambda m: f"{m.group(1)} {extreme_value(rng)}", lines[index])
    if rng.random() < 0.3 or not found:
        top = 0 if lines and lines[0] != "---" else 1
        lines.insert(top, f"{rng.choice(NUMBER_AND_TIME_KEYS)}: {extreme_value(rng)}")
    return "\n".join(lines).encode("utf-8")[:MAX_INPUT_BYTES]


@contextmanager
def guard(seconds: int) -> Iterator[None]:
    """Fail an input that runs longer than `seconds` (a hang guard, not a timing test)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"one fuzz input ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def make_base(root: Path) -> Path:
    """A small valid content folder: the seed files of the example organisation."""
    for rel in SEED_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLE / rel, root / rel)
    return root


def seed_bytes(rel: str) -> bytes:
    return (EXAMPLE / rel).read_bytes()


def yaml_text(rng: random.Random, depth: int = 0) -> str:
    """YAML-shaped text from the model's keys and awkward scalars, block and flow, with anchors,
    aliases, tags and bad indentation mixed in."""
    lines = []
    for _ in range(rng.randint(1, 8)):
        indent = " " * rng.choice((0, 0, 0, 2, 2, 4, 1, 3)) if depth else ""
        key = rng.choice(KEYS)
        roll = rng.random()
        if roll < 0.5 or depth > 3:
            lines.append(f"{indent}{key}: {rng.choice(SCALARS)}")
        elif roll < 0.75:
            lines.append(f"{indent}{key}:")
            for _ in range(rng.randint(0, 3)):
                lines.append(f"{indent}  - " + yaml_text(rng, depth + 1).replace("\n", f"\n{indent}    "))
        else:
            lines.append(f"{indent}{key}:")
            lines.append(yaml_text(rng, depth + 1).replace("\n", f"\n{indent}  ").join((f"{indent}  ", "")))
        if rng.random() < 0.1:
            lines.append(rng.choice(FRAGMENTS))
    text = "\n".join(lines)
    return text[:MAX_INPUT_BYTES]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` after 1-6 random byte-level edits."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a bit
            buf[min(at, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncate
            del buf[at:]
        elif op == 2 and buf:  # duplicate a slice somewhere
            start = rng.randrange(len(buf))
            piece = buf[start : start + rng.randint(1, 400)]
            buf[at:at] = piece * rng.randint(1, 4)
        elif op == 3:  # delete a slice
            del buf[at : at + rng.randint(1, 80)]
        elif op == 4:  # insert a YAML fragment
            buf[at:at] = rng.choice(FRAGMENTS).encode("utf-8", "surrogatepass")
        elif op == 5:  # swap two lines
            lines = bytes(buf).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                buf = bytearray(b"\n".join(lines))
        else:  # splice in a line of another seed file
            other = seed_bytes(rng.choice(SEED_FILES)).split(b"\n")
            buf[at:at] = rng.choice(other) + b"\n"
    return bytes(buf[:MAX_INPUT_BYTES])


def check_outputs(public: Path, tree: list[Any]) -> None:
    """Every public file parses as its format and, like every file of the knowledge base's
    Markdown tree, holds no character the loader refuses (checked on the decoded text)."""
    for path in sorted(public.rglob("*")):
        if not path.is_file() or path.suffix in {".css", ".js", ".png", ".woff2"} or path.name == "_headers":
            continue
        text = path.read_text("utf-8")
        decoded = html.unescape(text) if path.suffix in {".html", ".xml", ".rss", ".atom", ".svg"} else text
        bad = FORBIDDEN_CHARACTERS.search(decoded)
        assert bad is None, f"{path}: U+{ord(bad.group()):04X} in the published file"
        if path.suffix in {".xml", ".rss", ".atom", ".svg"}:
            ET.fromstring(path.read_bytes())
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".ics":
            Calendar.from_ical(text)
    for output in tree:
        if isinstance(output.content, str):
            bad = FORBIDDEN_CHARACTERS.search(html.unescape(output.content))
            assert bad is None, f"knowledge base {output.path}: U+{ord(bad.group()):04X}"


def check_input(base: Path, out: Path, rel: str, data: bytes, seconds: int = 60) -> Loaded:
    """Load `base` with `rel` replaced by `data` (then restore it). Raises only on a broken
    promise: an exception from `load_site`, or a build failing on content it accepted."""
    target = base / rel
    original = target.read_bytes() if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    try:
        with guard(seconds):
            loaded = load_site(base, now())
            if not loaded.problems.errors:
                try:
                    build(BuildRequest(content=base, out=out, now=now(), targets=("public",), progress=lambda _: None))
                except ContentError as error:
                    raise AssertionError(f"load_site accepted content that build() refused: {error}") from None
                check_outputs(out / "public", generate(loaded.site, now()))
        return loaded
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)
