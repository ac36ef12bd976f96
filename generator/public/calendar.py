"""`maintenance.ics` and one calendar per public component: every maintenance window as a VEVENT.

Calendar apps match events by UID, so the UID is the window id at the site's host and never
changes; DTSTAMP and LAST-MODIFIED are the window's latest update time and SEQUENCE its number of
updates, so a rebuild without new updates gives the same bytes and a new update is picked up.

A calendar shows only maintenance windows (never incidents or the build time), so in an
incremental build each file is keyed by its windows and reused while they are unchanged. Each
event is serialised once per build and spliced into every calendar that lists it: icalendar's
`to_ical` was most of the cost, and the bytes are the same as serialising the whole calendar.
icalendar itself is imported only when a calendar is made (50 ms of start-up that a rebuild
after an incident's update, which makes none, does not need).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..failures import blamed
from . import reuse, urls
from .feeds import host, versions
from .plaintext import text
from .projection import PublicMaintenance, PublicPage
from .reuse import PageCache

if TYPE_CHECKING:
    from icalendar import Calendar, Event, Timezone

WORDS = {
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
    "cancelled": "Cancelled",
}

_END = b"END:VCALENDAR\r\n"


@blamed("maintenance", lambda page, window: window.id)
def event(page: PublicPage, window: PublicMaintenance) -> Event:
    """One maintenance window as a VEVENT, all times in UTC."""
    names = ", ".join(page.component(c).name for c in window.component_ids) or "none listed"
    lines = [f"Status: {WORDS[window.status.value]}", f"Affected components: {names}"]
    if window.updates:
        lines += ["", text(window.updates[0].body)]
    from icalendar import Event

    stamp = window.updated_at.astimezone(UTC)
    item = Event()
    item.add("uid", f"{window.id}@{host(page.base_url)}")
    item.add("dtstamp", stamp)
    item.add("last-modified", stamp)
    item.add("sequence", len(window.updates))
    item.add("dtstart", window.scheduled_start.astimezone(UTC))
    item.add("dtend", window.scheduled_end.astimezone(UTC))
    item.add("summary", f"Maintenance: {window.title}")
    item.add("description", "\n".join(lines))
    item.add("url", urls.absolute(page.base_url, urls.maintenance(window.id)))
    item.add("status", "CANCELLED" if window.status.value == "cancelled" else "CONFIRMED")
    item.add("transp", "TRANSPARENT")
    if window.component_ids:  # one line, comma-separated: `ics` refuses several CATEGORIES lines
        item.add("categories", [page.component(c).name for c in dict.fromkeys(window.component_ids)])
    return item


def utc_zone() -> Timezone:
    """A VTIMEZONE for UTC, the zone of every time in the calendar.

    RFC 5545 (3.6) wants at least one component in a calendar, and a component with no
    maintenance planned has no event: this zone keeps every calendar valid, and calendar apps
    and the parsers tested (icalendar, ics, vobject, recurring-ical-events) read it as UTC.
    """
    from icalendar import Timezone, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", "UTC")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(0))
    standard.add("tzoffsetto", timedelta(0))
    standard.add("tzname", "UTC")
    zone.add_component(standard)
    return zone


def _head(page: PublicPage, title: str) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", f"-//Statuspress//{host(page.base_url)}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " ".join(title.split()))  # icalendar refuses a raw newline here
    cal.add_component(utc_zone())
    return cal


def _soonest_first(windows: Iterable[PublicMaintenance]) -> list[PublicMaintenance]:
    """Soonest first, ties broken by id for stable output."""
    return sorted(windows, key=lambda m: (m.scheduled_start, m.id))


def calendar(page: PublicPage, title: str, windows: Iterable[PublicMaintenance]) -> Calendar:
    """A calendar of `windows`, soonest first."""
    cal = _head(page, title)
    for window in _soonest_first(windows):
        cal.add_component(event(page, window))
    return cal


def calendar_bytes(page: PublicPage, title: str, events: Iterable[bytes]) -> bytes:
    """The bytes of `calendar()` from already serialised VEVENTs (in calendar order): a
    component's lines are its properties, then each subcomponent's lines, then END."""
    head: bytes = _head(page, title).to_ical()
    assert head.endswith(_END), head
    return head[: -len(_END)] + b"".join(events) + _END


#: One calendar file: its path, its title and its windows (soonest first).
CalendarFile = tuple[str, str, Sequence[PublicMaintenance]]


def calendar_files(page: PublicPage) -> list[CalendarFile]:
    """`maintenance.ics` and each component's calendar; windows grouped by component in one pass."""
    ordered = _soonest_first(page.maintenance)
    by_component: dict[str, list[PublicMaintenance]] = defaultdict(list)
    for window in ordered:
        for component_id in dict.fromkeys(window.component_ids):
            by_component[component_id].append(window)
    files: list[CalendarFile] = [(urls.CALENDAR, f"{page.name}: maintenance", ordered)]
    for component in page.components:
        files.append((
            urls.component_calendar(component.id),
            f"{page.name}: {component.name} maintenance",
            by_component.get(component.id, []),
        ))
    return files


def render_calendars(page: PublicPage, dest: Path, cache: PageCache | None = None) -> None:
    """Write `maintenance.ics` and `calendars/components/<id>.ics`.

    With a `cache`, a file is keyed by its windows (names, host and title come from the
    settings and components in the salt) and reused from the previous build when unchanged.
    """
    serialised: dict[str, bytes] = {}
    digests: dict[str, bytes] = {}

    def ical(window: PublicMaintenance) -> bytes:
        if window.id not in serialised:
            data: bytes = event(page, window).to_ical()
            serialised[window.id] = data
        return serialised[window.id]

    def digest(window: PublicMaintenance) -> bytes:
        if window.id not in digests:
            digests[window.id] = reuse.key(b"", (window,))
        return digests[window.id]

    for path, title, windows in calendar_files(page):
        file_key = None
        if cache is not None:
            file_key = reuse.key(cache.salt, ("calendar", versions(("icalendar",)), path, title,
                                              [digest(w) for w in windows]))
            if cache.reuse(path, file_key, dest):
                continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(calendar_bytes(page, title, (ical(w) for w in windows)))
        if cache is not None:
            cache.written(path, file_key, dest)
