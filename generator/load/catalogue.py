"""Readers of `site.yaml` and `services.yaml`."""

from __future__ import annotations

import hashlib
import re
import zoneinfo

from ..model import Group, Priority, Service, Settings, Severity, Source, UptimeWeights
from ..problems import Problems
from ..published import forbidden_message, forbidden_published
from .fields import MAX_ID_LENGTH, RESERVED_HINT, Fields, is_reserved_name, whole_number
from .files import ContentFile
from .markdown_cost import FIELD_COST
from .markdown_cost import problem as too_slow_problem
from .weburl import url_problem
from .yamlsafe import Node

#: The longest span in days any setting may give (uptime window, deadlines): ten years.
MAX_DAYS = 3650
#: Bounds of `max_file_bytes` (and `--max-file-bytes`): 1 KiB to 1 GiB.
MIN_FILE_BYTES, MAX_FILE_BYTES = 1024, 1 << 30


def slug(text: str) -> str:
    """A URL-safe id for a display name (groups have names, not ids), short enough for a file name.
    A name without ASCII letters or digits gets `group-` and a hash of the name, so two such
    names still get two ids."""
    found = re.sub(r"[^a-z0-9]+", "-", text.lower())[:MAX_ID_LENGTH].strip("-")
    return found or "group-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def read_settings(problems: Problems, file: ContentFile, node: Node) -> Settings:
    f = Fields(problems, file.shown, node)
    name = f.text("name", required=True, default="Status", published=True)
    base_url = f.text("base_url", required=True, default="https://status.example.com/")
    problem = url_problem(base_url) if base_url else None
    if problem is not None:
        f.bad("base_url", f"{problem}; got {base_url!r}")
        base_url = "https://status.example.com/"  # nothing is built from it: the error stops the build
    if not base_url.endswith("/"):
        base_url += "/"
    timezone = f.text("timezone", default="UTC")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: e.g. a name too long for a path
        f.bad("timezone", f"unknown time zone {timezone!r} (expected an IANA name like Europe/Amsterdam)")
        timezone = "UTC"
    guidelines = {}
    for key, value in f.raw("severity_guidelines").items():
        if key not in set(Severity):
            allowed = ", ".join(s.value for s in Severity)
            f.error(value.line, f"severity_guidelines.{key}: expected one of {allowed}")
        elif not isinstance(value.value, str):
            f.error(value.line, f"severity_guidelines.{key}: expected text")
        elif (slow := too_slow_problem(value.value, FIELD_COST, public=False)) is not None:  # before rendering
            f.error(value.line, f"severity_guidelines.{key}: {slow[1]}")
        elif (bad := forbidden_published(value.value, knowledge_base=True)) is not None:
            f.error(value.line, f"severity_guidelines.{key}: {forbidden_message(*bad)}")
        elif text := f.checked(value.line, f"severity_guidelines.{key}", value.value, ""):
            guidelines[Severity(key)] = text
    patterns = f.text_list("redaction_patterns")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            f.bad("redaction_patterns", f"invalid regular expression {pattern!r}: {exc}")
            patterns = tuple(p for p in patterns if p != pattern)  # the checks compile the rest
    defaults = Settings(name="", base_url="")
    deadlines = dict(defaults.action_item_deadlines)
    for key, value in f.raw("action_item_deadlines").items():
        days = whole_number(value, 0, MAX_DAYS, " of days")
        if key not in set(Priority):
            f.error(value.line, f"action_item_deadlines.{key}: expected P0..P3 with a number of days")
        elif isinstance(days, str):
            f.error(value.line, f"action_item_deadlines.{key}: {days}")
        else:
            deadlines[Priority(key)] = days
    settings = Settings(
        name=name,
        base_url=base_url,
        timezone=timezone,
        description=f.text("description", published=True),
        uptime_days=f.integer("uptime_days", defaults.uptime_days, 1, MAX_DAYS),
        review_deadline_days=f.integer("review_deadline_days", defaults.review_deadline_days, 0, MAX_DAYS),
        severity_guidelines=guidelines,
        redaction_patterns=patterns,
        uptime_weights=read_weights(f),
        feed_items=f.integer("feed_items", defaults.feed_items, 1, 10_000),
        action_item_deadlines=deadlines,
        runbook_stale_days=f.integer("runbook_stale_days", defaults.runbook_stale_days, 1, MAX_DAYS),
        history_page_size=f.integer("history_page_size", defaults.history_page_size, 1, 1000),
        max_file_bytes=f.integer("max_file_bytes", defaults.max_file_bytes, MIN_FILE_BYTES, MAX_FILE_BYTES),
    )
    f.finish()
    return settings


def read_weights(parent: Fields) -> UptimeWeights:
    f = parent.mapping("uptime_weights")
    if f is None:
        return UptimeWeights()
    defaults = UptimeWeights()
    weights = UptimeWeights(
        major_outage=f.number("major_outage", defaults.major_outage, 0, 1) or 0.0,
        partial_outage=f.number("partial_outage", defaults.partial_outage, 0, 1) or 0.0,
    )
    f.finish()
    return weights


def read_services(
    problems: Problems, file: ContentFile, node: Node
) -> tuple[tuple[Group, ...], tuple[Service, ...]]:
    f = Fields(problems, file.shown, node)
    group_names = f.text_list("groups", required=True, published=True)
    groups = tuple(Group(slug(name), name) for name in dict.fromkeys(group_names))
    for entry in groups:  # listed twice: the API would list it twice, and later cached builds failed
        if group_names.count(entry.name) > 1:
            f.bad("groups", f"{entry.name!r} is listed twice")
    named: dict[str, str] = {}
    for entry in groups:
        if named.setdefault(entry.id, entry.name) != entry.name:  # their feeds would overwrite each other
            f.bad("groups", f"{named[entry.id]!r} and {entry.name!r} have the same id {entry.id!r} in URLs; rename one")
        if is_reserved_name(entry.id):
            f.bad("groups", f"{entry.name!r} has the id {entry.id!r} in URLs, {RESERVED_HINT}; rename it")
    services = []
    for item in f.items("services", required=True):
        group = item.text("group", required=True, published=True)
        if group and group not in group_names:
            item.bad("group", f"unknown group {group!r} (groups: {', '.join(group_names)})")
        service = Service(
            id=item.ident("id"),
            name=item.text("name", required=True, published=True),
            group=group,
            description=item.text("description", published=True),
            public=item.boolean("public", True),
            owner=item.text("owner"),
            oncall=item.text("oncall"),
            slo=item.number("slo", None, 0, 100),
            runbooks=item.text_list("runbooks"),
            source=Source(file.rel, item.line),
        )
        item.finish()
        if service.id:
            services.append(service)
    f.finish()
    return groups, tuple(services)
