"""iCalendar feeds of action-item due dates, for engineers to subscribe to.

One feed for the whole team (`follow-ups/action-items.ics`) and one per owner
(`follow-ups/calendars/<owner>.ics`). Each open or in-progress item with a due date is an
all-day event on its due day; its UID is stable (`<item>.<incident>@statuspress`), so calendar
apps update events instead of duplicating them. DTSTAMP is the build time, so the same content
and `now` give byte-identical files. Pure: returns bytes, writes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..derive.metrics.followup import ItemFigures, followup
from ..model import ActionStatus, Site
from .pages import Keyed

if TYPE_CHECKING:
    from icalendar import Event

TEAM_FEED = "follow-ups/action-items.ics"
OWNER_FOLDER = "follow-ups/calendars"


def owner_slug(owner: str) -> str:
    """A file-name-safe slug of an owner (`Dana Ruiz` -> `dana-ruiz`); `unowned` when empty."""
    slug = re.sub(r"[^a-z0-9]+", "-", owner.lower())[:100].strip("-")  # a file name: 255 bytes at most
    return slug or "unowned"


def owner_feed(owner: str) -> str:
    return f"{OWNER_FOLDER}/{owner_slug(owner)}.ics"


def _event(figures: ItemFigures, now: datetime) -> Event:
    from icalendar import Event

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
    return _calendar(name, _due(items), now)


def _due(items: Iterable[ItemFigures]) -> list[ItemFigures]:
    """The open items with a due day, in the calendar's order: by due day and id."""
    due = [
        f for f in items
        if f.due is not None and f.item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    ]
    return sorted(due, key=lambda f: (f.due, f.item.id, f.incident))


def _calendar(name: str, due: list[ItemFigures], now: datetime) -> bytes:
    """Imports icalendar only here (a twentieth of a second): a rebuild that keeps every feed
    (`calendar_files`) never needs it."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//Statuspress//Action items//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for figures in due:
        cal.add_component(_event(figures, now))
    return bytes(cal.to_ical())


def owners(items: Sequence[ItemFigures]) -> list[str]:
    """Every owner with at least one item, sorted."""
    return sorted({f.item.owner for f in items})


def _feeds(site: Site, now: datetime) -> list[tuple[str, str, list[ItemFigures]]]:
    """(path, calendar name, items) of the team feed and one feed per owner, sorted by path.

    Owners whose names give the same slug share a feed (their items are merged)."""
    items = followup(site, now).items
    out = {TEAM_FEED: (f"{site.settings.name}: action items", list(items))}
    by_slug: dict[str, list[str]] = {}
    for owner in owners(items):
        by_slug.setdefault(owner_feed(owner), []).append(owner)
    for path, names in by_slug.items():
        mine = [f for f in items if f.item.owner in names]
        out[path] = (f"{site.settings.name}: action items of {', '.join(n or '(no owner)' for n in names)}", mine)
    return [(path, name, mine) for path, (name, mine) in sorted(out.items())]


def calendars(site: Site, now: datetime) -> list[tuple[str, bytes]]:
    """(path, bytes) of the team feed and one feed per owner, sorted by path."""
    return [(path, calendar(name, mine, now)) for path, name, mine in _feeds(site, now)]


def calendar_files(site: Site, now: datetime) -> list[Keyed]:
    """The feeds as keyed files (pages.Keyed): a rebuild keeps a feed whose events are as they
    were (serialising them with icalendar was a tenth of a second of every rebuild). The inputs
    are what `_event` reads of each item, and the build time (each event's DTSTAMP)."""
    files = []
    for path, name, mine in _feeds(site, now):
        due = _due(mine)
        inputs = (name, [(f.item, f.incident, f.due, f.state) for f in due], now)
        files.append(Keyed(path, inputs, functools.partial(_calendar, name, due, now)))
    return files
