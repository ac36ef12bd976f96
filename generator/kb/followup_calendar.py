"""iCalendar feeds of action-item due dates, for engineers to subscribe to.

One feed for the whole team (`follow-ups/action-items.ics`) and one per owner
(`follow-ups/calendars/<owner>.ics`). Each open or in-progress item with a due date is an
all-day event on its due day; its UID is stable (`<item>.<incident>@statuspress`), so calendar
apps update events instead of duplicating them. DTSTAMP is the build time, so the same content
and `now` give byte-identical files. Pure: returns bytes, writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from ..derive.metrics.followup import ItemFigures, followup
from ..model import ActionStatus, Site

TEAM_FEED = "follow-ups/action-items.ics"
OWNER_FOLDER = "follow-ups/calendars"


def owner_slug(owner: str) -> str:
    """A file-name-safe slug of an owner (`Dana Ruiz` -> `dana-ruiz`); `unowned` when empty."""
    slug = re.sub(r"[^a-z0-9]+", "-", owner.lower())[:100].strip("-")  # a file name: 255 bytes at most
    return slug or "unowned"


def owner_feed(owner: str) -> str:
    return f"{OWNER_FOLDER}/{owner_slug(owner)}.ics"


def _event(figures: ItemFigures, now: datetime) -> Event:
    item = figures.item
    assert figures.due is not None
    event = Event()
    event.add("uid", f"{item.id}.{figures.incident}@statuspress")
    event.add("dtstamp", now)
    event.add("dtstart", figures.due)
    event.add("dtend", figures.due + timedelta(days=1))
    state = " (overdue)" if figures.state == "overdue" else ""
    event.add("summary", f"[{item.priority.value}] {item.id}: {item.title}{state}")
    lines = [
        f"Action item {item.id} from the review of {figures.incident}.",
        f"Owner: {item.owner or '(no owner)'}. Priority: {item.priority.value}. Status: {item.status.value}.",
    ]
    if item.link:
        lines.append(f"Ticket: {item.link}")
        event.add("url", item.link)
    event.add("description", "\n".join(lines))
    event.add("categories", [item.priority.value])
    event.add("transp", "TRANSPARENT")
    return event


def calendar(name: str, items: Iterable[ItemFigures], now: datetime) -> bytes:
    """A VCALENDAR of the open items' due days, sorted by due day and id."""
    cal = Calendar()
    cal.add("prodid", "-//Statuspress//Action items//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    due = [
        f for f in items
        if f.due is not None and f.item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    ]
    for figures in sorted(due, key=lambda f: (f.due, f.item.id, f.incident)):
        cal.add_component(_event(figures, now))
    return bytes(cal.to_ical())


def owners(items: Sequence[ItemFigures]) -> list[str]:
    """Every owner with at least one item, sorted."""
    return sorted({f.item.owner for f in items})


def calendars(site: Site, now: datetime) -> list[tuple[str, bytes]]:
    """(path, bytes) of the team feed and one feed per owner, sorted by path.

    Owners whose names give the same slug share a feed (their items are merged)."""
    items = followup(site, now).items
    out: dict[str, bytes] = {TEAM_FEED: calendar(f"{site.settings.name}: action items", items, now)}
    by_slug: dict[str, list[str]] = {}
    for owner in owners(items):
        by_slug.setdefault(owner_feed(owner), []).append(owner)
    for path, names in by_slug.items():
        mine = [f for f in items if f.item.owner in names]
        out[path] = calendar(f"{site.settings.name}: action items of {', '.join(n or '(no owner)' for n in names)}",
                             mine, now)
    return sorted(out.items())
