"""View data of the public pages, derived from the public projection and nothing else.

Why a separate module: templates should only lay out; everything computed (which incidents
touched a day, monthly uptime, how history splits into pages) is a pure function here, testable
without HTML.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, TypeAlias

from ...derive.status import level_of
from ...derive.uptime import Segment, at_instant, availability, day_start
from ...model import ImpactLevel, MaintenanceStatus, UpdateStatus
from .. import urls
from ..projection import PublicComponent, PublicIncident, PublicMaintenance, PublicPage
from .labels import day, percent, state_label

if TYPE_CHECKING:
    from ..settled import SettledIncident


@dataclass(frozen=True, slots=True)
class BarDay:
    """One day of a component's uptime bar, with its text alternative."""

    day: date
    uptime: float
    worst: ImpactLevel | None
    incidents: tuple[PublicIncident, ...]  # newest first

    @property
    def text(self) -> str:
        """What a screen reader (or a focused/hovered bar) says: date, uptime, state, incidents."""
        state = "no incidents" if self.worst is None else state_label(self.worst).lower()
        if self.worst in _NOT_DOWNTIME:  # else a 100 % day next to an amber bar reads as a contradiction
            state += " (not counted as downtime)"
        words = f"{day(day_start(self.day))}: {percent(self.uptime)} uptime, {state}"
        if self.incidents:
            words += ". " + "; ".join(i.title for i in self.incidents)
        return words + "."


#: Levels that colour a day but are no downtime (their uptime weight is 0).
_NOT_DOWNTIME = frozenset({ImpactLevel.DEGRADED_PERFORMANCE, ImpactLevel.UNDER_MAINTENANCE})


def uptime_rule(page: PublicPage) -> str:
    """The uptime rule in one sentence, with the site's weights, shown under the bars."""
    weights = page.uptime_weights

    def counted(weight: float, what: str) -> str:
        return f"{what} in full" if weight >= 1 else f"{what} at {weight * 100:g}%"

    return (
        f"Uptime counts {counted(weights.major_outage, 'major outages')} and "
        f"{counted(weights.partial_outage, 'partial outages')}; degraded performance and maintenance "
        "do not count as downtime."
    )


@dataclass(frozen=True, slots=True)
class MonthUptime:
    start: date
    uptime: float
    until: datetime | None = None  # the build time, for the current month (counted up to it)

    @property
    def label(self) -> str:
        if self.until is None:
            return f"{self.start:%B %Y}"
        m = self.until.astimezone(UTC)
        return f"{self.start:%B %Y} (partial: to {m.day} {m:%b}, {m:%H:%M} UTC)"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """An incident or a completed maintenance window in the archive."""

    kind: str  # "incident" | "maintenance"
    id: str
    title: str
    start: datetime
    end: datetime | None
    status: str
    path: str
    updated: datetime  # its last public change: the history page's "Last updated" time


@dataclass(frozen=True, slots=True)
class HistoryMonth:
    start: date
    entries: tuple[HistoryEntry, ...]

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y}"


@dataclass(frozen=True, slots=True)
class HistoryPage:
    number: int  # 1 = newest
    count: int  # number of pages
    months: tuple[HistoryMonth, ...]

    @property
    def path(self) -> str:
        return urls.history(self.number)

    @property
    def updated(self) -> datetime | None:
        """The newest change among its entries; None for the empty page of an empty site."""
        return max((e.updated for m in self.months for e in m.entries), default=None)


def bar_days(page: PublicPage, component: PublicComponent) -> tuple[BarDay, ...]:
    """The uptime bar of `component`: its `uptime_days`, each with the incidents that touched it."""
    touching = _touching(page).get(component.id, {})
    return tuple(
        BarDay(d.day, d.uptime, d.worst, tuple(touching.get(d.day, ()))) for d in component.uptime_days
    )


#: The last page indexed by _touching() and its index: the home page and every component page
#: draw bars, and scanning all incidents for each bar cost ~0.5 s per build at 20,000 incidents.
_TOUCHING: list[tuple[PublicPage, dict[str, dict[date, list[PublicIncident]]]]] = []


def _touching(page: PublicPage) -> dict[str, dict[date, list[PublicIncident]]]:
    """Per component and UTC day of the uptime bars, the incidents that touched it, newest first."""
    if _TOUCHING and _TOUCHING[0][0] is page:
        return _TOUCHING[0][1]
    first = min((c.uptime_days[0].day for c in page.components if c.uptime_days), default=page.now.date())
    since = day_start(first)
    index: dict[str, dict[date, list[PublicIncident]]] = {}
    for incident in page.incidents:
        for impact in incident.impacts:
            end = impact.end or page.now
            if end < since:
                continue  # over before the first bar
            if impact.end is None:  # open: it holds at `now`, so it touches today even at 00:00:00
                last = page.now.astimezone(UTC).date()
            else:  # [start, end): one ending at midnight does not touch the day that begins then
                last = (end - timedelta(microseconds=1) if end > impact.start else impact.start).astimezone(UTC).date()
            current = max(impact.start.astimezone(UTC).date(), first)
            days = index.setdefault(impact.component_id, {})
            while current <= last:
                bucket = days.setdefault(current, [])
                if incident not in bucket:
                    bucket.append(incident)
                current += timedelta(days=1)
    _TOUCHING[:] = [(page, index)]
    return index


def _start(segment: Segment) -> datetime:
    return segment.start


def _end(segment: Segment) -> datetime:
    return segment.end


def months_start(now: datetime, months: int = 12) -> date:
    """The first day of the oldest of the last `months` calendar months, the current one included:
    where the "Last 12 months" uptime table begins, and the component page's incident list with it."""
    start = now.date().replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start


def monthly_uptime(page: PublicPage, component: PublicComponent, months: int = 12) -> tuple[MonthUptime, ...]:
    """Availability per calendar month (UTC) for the last `months` months, newest first."""
    result = []
    start = page.now.date().replace(day=1)
    for _ in range(months):
        following = (start + timedelta(days=32)).replace(day=1)
        begin, end = day_start(start), min(day_start(following), page.now)
        segments = component.segments  # in order and disjoint: only those overlapping the month count
        inside = segments[bisect_right(segments, begin, key=_end) : bisect_left(segments, end, key=_start)]
        if end > begin:
            value = availability(inside, begin, end, page.uptime_weights)
        else:  # built at 00:00:00 on the 1st: none of the month has elapsed, its state at `now` is its uptime
            value = at_instant(level_of(component.status), page.uptime_weights)
        result.append(MonthUptime(start, value, page.now if end < day_start(following) else None))
        start = (start - timedelta(days=1)).replace(day=1)
    return tuple(result)


#: The home page's "recent" window: resolved incidents of the last 7 days.
RECENT_DAYS = 7


def recent_incidents(page: PublicPage, days: int = RECENT_DAYS) -> tuple[PublicIncident, ...]:
    """Resolved incidents active at some point in the last `days` days, newest first (never a
    settled one: settled.py)."""
    since = page.now - timedelta(days=days)
    return tuple(i for i in page.incidents if not i.is_open and i.resolved_at is not None and i.resolved_at >= since)


#: An incident as the lists of all incidents take it: its view, or its settled form (settled.py).
AnyIncident: TypeAlias = "PublicIncident | SettledIncident"
#: A record a history page lists: an incident or a completed maintenance window.
Listed: TypeAlias = "AnyIncident | PublicMaintenance"


@dataclass(frozen=True, slots=True)
class HistorySlice:
    """The records of one history page, newest first, before their entries are made: a rebuild
    keys every history page by these (html.py) and makes the entries of the pages it renders."""

    number: int  # 1 = newest
    count: int  # number of pages
    items: tuple[Listed, ...]

    @property
    def path(self) -> str:
        return urls.history(self.number)

    @property
    def updated(self) -> datetime | None:
        """`HistoryPage.updated` of this page, read from the records themselves."""
        return max((item.updated_at for item in self.items), default=None)

    def page(self) -> HistoryPage:
        return HistoryPage(self.number, self.count, _by_month([history_entry(item) for item in self.items]))


def history_entry(item: Listed) -> HistoryEntry:
    """How a history page lists an incident or a completed maintenance window."""
    if not isinstance(item, PublicMaintenance):
        return HistoryEntry("incident", item.id, item.title, item.started_at, item.resolved_at, item.status.value,
                            urls.incident(item.id), item.updated_at)
    return HistoryEntry("maintenance", item.id, item.title, item.scheduled_start, item.scheduled_end,
                        item.status.value, urls.maintenance(item.id), item.updated_at)


def listed(incident: AnyIncident) -> tuple[object, ...]:
    """Every field of an incident that its history entry and its year archive entries are made
    of (`history_entry`, `archived`): what keys those pages for it (reuse.listed_key)."""
    return (incident.id, incident.title, incident.status, incident.worst, incident.started_at, incident.resolved_at,
            incident.updated_at)


def history_slices(page: PublicPage) -> tuple[HistorySlice, ...]:
    """All incidents and completed maintenance, newest first (by start, then kind, then id),
    `history_page_size` per page. There is always at least one (possibly empty) page."""
    ordered: list[tuple[datetime, str, str, Listed]] = [(i.started_at, "incident", i.id, i) for i in page.listed]
    ordered += [(m.scheduled_start, "maintenance", m.id, m) for m in page.maintenance
                if m.status is MaintenanceStatus.COMPLETED]
    ordered.sort(key=_order, reverse=True)  # (start, kind, id): never the record itself
    items = [entry[3] for entry in ordered]
    size = max(1, page.history_page_size)
    chunks = [tuple(items[k : k + size]) for k in range(0, len(items), size)] or [()]
    return tuple(HistorySlice(number, len(chunks), chunk) for number, chunk in enumerate(chunks, start=1))


_order = itemgetter(0, 1, 2)


def history_pages(page: PublicPage) -> tuple[HistoryPage, ...]:
    """Every history page with its entries (`history_slices`, made whole)."""
    return tuple(piece.page() for piece in history_slices(page))


def _by_month(entries: list[HistoryEntry]) -> tuple[HistoryMonth, ...]:
    months: dict[date, list[HistoryEntry]] = {}
    for entry in entries:
        months.setdefault(entry.start.astimezone(UTC).date().replace(day=1), []).append(entry)
    return tuple(HistoryMonth(start, tuple(items)) for start, items in months.items())


@dataclass(frozen=True, slots=True)
class ArchivedIncident:
    """An incident as a year archive lists it: only what the list shows (and the footer's time),
    so the archive page's key is small and changes exactly when the list does."""

    id: str
    title: str
    status: UpdateStatus
    worst: ImpactLevel | None  # its worst public impact: the list's colour, in customer terms
    is_open: bool
    started_at: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class ArchivedWindow:
    """A maintenance window as a year archive lists it."""

    id: str
    title: str
    status: MaintenanceStatus
    scheduled_start: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class ComponentYear:
    """One year of a component's incidents and maintenance: a page of its archive."""

    component_id: str
    component_name: str
    year: int
    years: tuple[int, ...]  # every archive year of the component, newest first: the year navigation
    incidents: tuple[ArchivedIncident, ...]  # newest first
    maintenance: tuple[ArchivedWindow, ...]  # newest first

    @property
    def path(self) -> str:
        return urls.component_year(self.component_id, self.year)

    @property
    def updated(self) -> datetime:
        """The newest change among its entries (an archive page has at least one)."""
        return max([i.updated for i in self.incidents] + [m.updated for m in self.maintenance])


@dataclass(frozen=True, slots=True)
class ArchiveYear:
    """One year of a component's archive as the component page links it, with its records: a
    rebuild keys each year page by them (html.py) and makes the entries of the pages it renders."""

    component_id: str
    component_name: str
    year: int
    years: tuple[int, ...]  # every archive year of the component, newest first
    incidents: tuple[AnyIncident, ...]  # newest first
    maintenance: tuple[PublicMaintenance, ...]  # newest first

    @property
    def path(self) -> str:
        return urls.component_year(self.component_id, self.year)

    def page(self) -> ComponentYear:
        return ComponentYear(self.component_id, self.component_name, self.year, self.years,
                             tuple(map(archived, self.incidents)), tuple(map(archived_window, self.maintenance)))


def archived(i: AnyIncident) -> ArchivedIncident:
    return ArchivedIncident(i.id, i.title, i.status, i.worst, i.is_open, i.started_at, i.updated_at)


def archived_window(m: PublicMaintenance) -> ArchivedWindow:
    return ArchivedWindow(m.id, m.title, m.status, m.scheduled_start, m.updated_at)


@dataclass(frozen=True, slots=True)
class ComponentRecords:
    """What a component page lists: the last 12 months in full, older years as archive links."""

    since: date  # first day of the period, as in the "Last 12 months" table
    incidents: tuple[PublicIncident, ...]  # started since then, or still open; newest first
    maintenance: tuple[PublicMaintenance, ...]  # scheduled to start since then, or not over; newest first
    archive: tuple[ArchiveYear, ...]  # every year with an incident or window, newest first


_UNFINISHED = frozenset({MaintenanceStatus.SCHEDULED, MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})


def component_records(page: PublicPage) -> dict[str, ComponentRecords]:
    """The records of every public component, by id: one pass over incidents and maintenance,
    instead of a scan of all of them per component page."""
    since = months_start(page.now)
    boundary = day_start(since)
    recent: dict[str, list[PublicIncident]] = {c.id: [] for c in page.components}
    for incident in page.incidents:  # a settled incident started before the boundary (settled.py)
        if incident.is_open or incident.started_at >= boundary:
            for component_id in incident.component_ids:
                recent.setdefault(component_id, []).append(incident)
    years: dict[str, _Years] = {c.id: {} for c in page.components}
    for listed in page.listed:
        year = listed.started_at.astimezone(UTC).year  # once per incident, not per component
        for component_id in listed.component_ids:
            years.setdefault(component_id, {}).setdefault(year, ([], []))[0].append(listed)
    windows: dict[str, list[PublicMaintenance]] = {c.id: [] for c in page.components}
    for window in page.maintenance:
        year = window.scheduled_start.astimezone(UTC).year
        for component_id in window.component_ids:
            windows.setdefault(component_id, []).append(window)
            years.setdefault(component_id, {}).setdefault(year, ([], []))[1].append(window)
    return {
        c.id: ComponentRecords(
            since,
            tuple(recent[c.id]),
            tuple(m for m in windows[c.id] if m.status in _UNFINISHED or m.scheduled_start >= boundary),
            _archive(c, years[c.id]),
        )
        for c in page.components
    }


#: A component's incidents and maintenance windows by the UTC year they start in, newest first.
_Years = dict[int, tuple[list[AnyIncident], list[PublicMaintenance]]]


def _archive(component: PublicComponent, by_year: _Years) -> tuple[ArchiveYear, ...]:
    years = tuple(sorted(by_year, reverse=True))
    return tuple(
        ArchiveYear(component.id, component.name, year, years, tuple(by_year[year][0]), tuple(by_year[year][1]))
        for year in years
    )
