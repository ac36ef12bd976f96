"""`maintenance.ics` and one calendar per public component: every maintenance window as a VEVENT.

Calendar apps match events by UID, so the UID is the window id at the site's host and never
changes; DTSTAMP and LAST-MODIFIED are the window's latest update time and SEQUENCE its number of
updates, so a rebuild without new updates gives the same bytes and a new update is picked up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

from icalendar import Calendar, Event

from . import urls
from .feeds import host
from .markdown import plain
from .projection import PublicMaintenance, PublicPage

WORDS = {
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


def event(page: PublicPage, window: PublicMaintenance) -> Event:
    """One maintenance window as a VEVENT, all times in UTC."""
    names = ", ".join(page.component(c).name for c in window.component_ids) or "none listed"
    lines = [f"Status: {WORDS[window.status.value]}", f"Affected components: {names}"]
    if window.updates:
        lines += ["", plain(window.updates[0].body)]
    stamp = window.updated_at.astimezone(UTC)
    item = Event()
    item.add("uid", f"{window.id}@{host(page.base_url)}")
    item.add("dtstamp", stamp)
    item.add("last-modified", stamp)
    item.add("sequence", len(window.updates))
    item.add("dtstart", window.scheduled_start.astimezone(UTC))
    item.add("dtend", window.scheduled_end.astimezone(UTC))
    item.add("summary", f"Maintenance: {plain(window.title)}")
    item.add("description", "\n".join(lines))
    item.add("url", urls.absolute(page.base_url, urls.maintenance(window.id)))
    item.add("status", "CANCELLED" if window.status.value == "cancelled" else "CONFIRMED")
    item.add("transp", "TRANSPARENT")
    for component_id in window.component_ids:
        item.add("categories", [page.component(component_id).name])
    return item


def calendar(page: PublicPage, title: str, windows: Iterable[PublicMaintenance]) -> Calendar:
    """A calendar of `windows`, soonest first, with ties broken by id for stable output."""
    cal = Calendar()
    cal.add("prodid", f"-//Statuspress//{host(page.base_url)}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " ".join(title.split()))  # icalendar refuses a raw newline here
    for window in sorted(windows, key=lambda m: (m.scheduled_start, m.id)):
        cal.add_component(event(page, window))
    return cal


def render_calendars(page: PublicPage, dest: Path) -> None:
    """Write `maintenance.ics` and `calendars/components/<id>.ics`."""
    files = {urls.CALENDAR: calendar(page, f"{page.name}: maintenance", page.maintenance)}
    for component in page.components:
        windows = [m for m in page.maintenance if component.id in m.component_ids]
        files[urls.component_calendar(component.id)] = calendar(
            page, f"{page.name}: {component.name} maintenance", windows
        )
    for path, cal in files.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cal.to_ical())
