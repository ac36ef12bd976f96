"""The public projection: the only data public outputs ever see.

These types carry publishable facts and nothing else: external incidents, public components and
their groups, public updates, published post-mortem summaries and maintenance. There is no field
for roles, timelines, action items, post-mortem bodies, runbooks, owners or internal services, so
no template, feed or JSON writer can reach them even by mistake. `project()` is the one place
that decides what crosses from the internal model to the public side.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..derive.maintenance import phases
from ..derive.maintenance import status as maintenance_status
from ..derive.status import (
    ComponentStatus,
    PageStatus,
    impact_bounds,
    impact_end,
    impact_start,
    known,
    level_of,
    maintenance_spans,
    page_status,
    status_at,
)
from ..derive.uptime import SEVERITY_RANK, DayUptime, Segment, Span, availability, daily, day_start, flatten
from ..load.makers import maker_of
from ..model import (
    ImpactLevel,
    Incident,
    IncidentType,
    MaintenanceStatus,
    Postmortem,
    ReviewStatus,
    Severity,
    Site,
    UpdateStatus,
    UptimeWeights,
    newest_first,
)

if TYPE_CHECKING:
    from .settled import SettledIncident


@dataclass(frozen=True, slots=True)
class PublicGroup:
    id: str
    name: str
    component_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicComponent:
    id: str
    name: str
    description: str
    group_id: str
    group_name: str
    position: int  # 1-based order on the page
    status: ComponentStatus
    segments: tuple[Segment, ...]  # impact and maintenance history, non-overlapping, in order
    uptime_days: tuple[DayUptime, ...]  # the last `uptime_days` UTC days, oldest first
    uptime: float  # 0..1 over those days


@dataclass(frozen=True, slots=True)
class PublicImpact:
    component_id: str
    level: ImpactLevel
    start: datetime
    end: datetime | None  # None while open
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicUpdate:
    at: datetime
    status: UpdateStatus
    body: str  # Markdown written by people: render, then sanitise


@dataclass(frozen=True, slots=True)
class PublicIncident:
    id: str
    title: str
    severity: Severity
    started_at: datetime
    resolved_at: datetime | None
    regions: tuple[str, ...]
    impacts: tuple[PublicImpact, ...]  # public components only
    updates: tuple[PublicUpdate, ...]  # newest first
    summary: str  # the published post-mortem's public_summary, Markdown; "" when none

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def status(self) -> UpdateStatus:
        """The latest update's status; `resolved` once resolved whatever the updates say."""
        if self.resolved_at is not None:
            return UpdateStatus.RESOLVED
        return self.updates[0].status if self.updates else UpdateStatus.INVESTIGATING

    @property
    def updated_at(self) -> datetime:
        """Its last public change: the newest update (the first) or its resolution, else its
        start. Read for every incident by several pages: no list made per call."""
        resolved, updates = self.resolved_at, self.updates
        if not updates:
            return self.started_at if resolved is None else resolved
        newest = updates[0].at
        return newest if resolved is None or resolved <= newest else resolved

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.component_id for i in self.impacts))

    @property
    def worst(self) -> ImpactLevel | None:
        """Its worst impact on a public component (None without one): what pages call its
        impact, in the words of the component states instead of the internal severity."""
        return max((i.level for i in self.impacts), key=SEVERITY_RANK.__getitem__, default=None)


@dataclass(frozen=True, slots=True)
class PublicMaintenanceUpdate:
    at: datetime
    status: MaintenanceStatus
    body: str
    automatic: bool = False  # a transition of the schedule (derive/maintenance.py), not posted


@dataclass(frozen=True, slots=True)
class PublicMaintenance:
    id: str
    title: str
    component_ids: tuple[str, ...]  # public components only
    scheduled_start: datetime
    scheduled_end: datetime
    updates: tuple[PublicMaintenanceUpdate, ...]  # newest first, with the schedule's transitions
    status: MaintenanceStatus  # by its updates and its schedule (derive/maintenance.py)
    updated_at: datetime  # its last public change up to `now` (EPOCH when it has none yet)


def _no_view(incident: SettledIncident) -> PublicIncident:
    raise LookupError(f"no view kept of {incident.id}")


def _newest(incident: PublicIncident | SettledIncident) -> tuple[datetime, str]:
    return incident.started_at, incident.id


@dataclass(frozen=True, slots=True)
class PublicPage:
    """Everything the public outputs may show, as of `now`."""

    name: str
    description: str
    base_url: str
    timezone: str
    now: datetime
    uptime_day_count: int
    uptime_weights: UptimeWeights
    feed_items: int
    history_page_size: int
    groups: tuple[PublicGroup, ...]
    components: tuple[PublicComponent, ...]  # in page order
    incidents: tuple[PublicIncident, ...]  # newest first; without the settled ones (settled.py)
    maintenance: tuple[PublicMaintenance, ...]  # newest first
    status: PageStatus  # the banner, `status.json` and the badge
    by_id: dict[str, PublicComponent] = field(repr=False, compare=False, default_factory=dict)
    #: The settled incidents, newest first, that a rebuild did not make views of (settled.py);
    #: `view_of` reads one's view back. A clean build has none.
    settled: tuple[SettledIncident, ...] = ()
    view_of: Callable[[SettledIncident], PublicIncident] = field(repr=False, compare=False, default=_no_view)

    def component(self, component_id: str) -> PublicComponent:
        return self.by_id[component_id]

    @property
    def listed(self) -> Sequence[PublicIncident | SettledIncident]:
        """Every incident, newest first: `incidents` with the settled ones among them, for the
        readers of all incidents (history, archives, sitemap, incident pages, feeds, API)."""
        if not self.settled:
            return self.incidents
        if _LISTED and _LISTED[0][0] is self:
            return _LISTED[0][1]
        views: Sequence[PublicIncident | SettledIncident] = self.incidents
        merged = tuple(heapq.merge(views, self.settled, key=_newest, reverse=True))
        _LISTED[:] = [(self, merged)]
        return merged

    def view(self, incident: PublicIncident | SettledIncident) -> PublicIncident:
        """The full view of any listed incident."""
        return incident if isinstance(incident, PublicIncident) else self.view_of(incident)

    @property
    def active_incidents(self) -> tuple[PublicIncident, ...]:
        return tuple(i for i in self.incidents if i.is_open)

    @property
    def active_maintenance(self) -> tuple[PublicMaintenance, ...]:
        return tuple(m for m in self.maintenance if m.status in _ACTIVE_MAINTENANCE)

    @property
    def upcoming_maintenance(self) -> tuple[PublicMaintenance, ...]:
        """Scheduled windows that have not started, soonest first."""
        upcoming = [
            m for m in self.maintenance
            if m.status is MaintenanceStatus.SCHEDULED and m.scheduled_end > self.now
        ]
        return tuple(sorted(upcoming, key=lambda m: (m.scheduled_start, m.id)))

    @property
    def last_change(self) -> datetime | None:
        """The newest public update or resolution on the page (None when there is none): the
        "updated" time of feeds and API, so they do not change when only the build time does."""
        times = [i.updated_at for i in self.listed]
        times += [u.at for m in self.maintenance for u in m.updates]
        return max(times, default=None)


#: The last page `listed` merged, and its merge (read by several formats a build).
_LISTED: list[tuple[PublicPage, tuple[PublicIncident | SettledIncident, ...]]] = []

#: `Span(start, end, level, open)`, by the slots' own setters: 26,000 spans a build at 20,000
#: incidents, where the frozen class's `__init__` looks up `object.__setattr__` for each field.
_span = maker_of(Span) or Span

#: The time of a record with no public change yet (keeps outputs free of the build time).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_ACTIVE_MAINTENANCE = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})


def _reviewed_by(review: Postmortem, resolved: Mapping[str, datetime | None], now: datetime) -> bool:
    """Whether a published review exists as of `now`: its incident is resolved by then and its
    review day (if given) has come, so an earlier build never shows a later summary."""
    if resolved.get(review.incident) is None:
        return False
    return review.review_date is None or review.review_date <= now.date()


def summaries(site: Site, resolved: Mapping[str, datetime | None], now: datetime) -> dict[str, str]:
    """The published post-mortem summary of each incident that has one as of `now`, by id;
    `resolved`: each incident's resolution as known at `now` (None while open), by id."""
    return {
        p.incident: p.public_summary
        for p in site.postmortems
        if p.status is ReviewStatus.PUBLISHED and p.public_summary and _reviewed_by(p, resolved, now)
    }


def public_ids_of(site: Site) -> frozenset[str]:
    return frozenset(s.id for s in site.services if s.public)


def public_incident(i: Incident, now: datetime, public_ids: frozenset[str], summary: str) -> PublicIncident | None:
    """The public view of one incident at `now`; None for an internal one or one not begun."""
    if i.type is not IncidentType.EXTERNAL or i.started_at > now:
        return None
    return PublicIncident(
        id=i.id,
        title=i.title,
        severity=i.severity,
        started_at=i.started_at,
        resolved_at=known(i.resolved_at, now),
        regions=i.regions,
        impacts=tuple(
            PublicImpact(component_id=x.component, level=x.level, start=bounds[0], end=bounds[1],
                         regions=x.regions)
            for x in i.impact
            if x.component in public_ids and (bounds := impact_bounds(i, x, now)) is not None
        ),
        updates=tuple(
            PublicUpdate(u.at, u.status, u.body)
            for u in newest_first(i.updates)
            if u.at <= now
        ),
        summary=summary,
    )


def moments(i: Incident) -> set[datetime]:
    """Every time of `i` that `public_incident` compares with `now`: between two of them (and
    with the same summary) its public view is the same at any `now` (see projcache.py)."""
    found = {i.started_at, *(u.at for u in i.updates)}
    if i.resolved_at is not None:
        found.add(i.resolved_at)
    for x in i.impact:
        found.add(impact_start(i, x))
        end = impact_end(i, x)
        if end is not None:
            found.add(end)
    return found


def project(site: Site, now: datetime) -> PublicPage:
    """The public view of `site` at `now`. Internal records are dropped here, once."""
    public_ids = public_ids_of(site)
    resolved = {i.id: known(i.resolved_at, now) for i in site.incidents}
    found = summaries(site, resolved, now)
    incidents = [public_incident(i, now, public_ids, found.get(i.id, "")) for i in site.incidents]
    return assemble(site, now, [i for i in incidents if i is not None])


def assemble(
    site: Site, now: datetime, incidents: Sequence[PublicIncident | SettledIncident],
    view_of: Callable[[SettledIncident], PublicIncident] = _no_view,
) -> PublicPage:
    """The public page at `now` from the public views of its incidents, or their settled forms
    (in the site's order: by start, then id; `view_of` reads a settled one's view back), and
    the rest of `site`."""
    settings = site.settings
    public_ids = public_ids_of(site)
    windows = []
    for m in site.maintenance:
        if m.updates and all(u.at > now for u in m.updates):
            continue  # announced after `now`: not public yet
        course = phases(m, now)
        shown = tuple(PublicMaintenanceUpdate(p.at, p.status, p.body, p.automatic) for p in reversed(course))
        windows.append(
            PublicMaintenance(
                id=m.id,
                title=m.title,
                component_ids=tuple(c for c in m.components if c in public_ids),
                scheduled_start=m.scheduled_start,
                scheduled_end=m.scheduled_end,
                updates=shown,
                status=maintenance_status(course),
                updated_at=shown[0].at if shown else EPOCH,
            )
        )
    spans: dict[str, list[Span]] = defaultdict(list)
    views: list[PublicIncident] = []
    settled: list[SettledIncident] = []
    for incident in incidents:  # as `impact_spans` makes them, for the public components
        if isinstance(incident, PublicIncident):
            views.append(incident)
            for impact in incident.impacts:
                start, end, level = impact.start, impact.end, impact.level
                spans[impact.component_id].append(
                    _span(start, now, level, True) if end is None else _span(start, end, level, False)
                )
        else:
            settled.append(incident)
            for component_id, level, start, end in incident.impacts:
                spans[component_id].append(_span(start, end, level, False))
    for component_id, extra in maintenance_spans(site.maintenance, now).items():
        spans[component_id].extend(extra)
    first_day = now.date() - timedelta(days=settings.uptime_days - 1)
    group_members: dict[str, list[str]] = defaultdict(list)
    components = []
    group_order = {g.name: index for index, g in enumerate(site.groups)}
    public_services = sorted(
        (s for s in site.services if s.public), key=lambda s: group_order.get(s.group, len(group_order))
    )
    groups_by_name = {g.name: g for g in site.groups}
    for position, service in enumerate(public_services, start=1):
        segments = tuple(flatten(spans.get(service.id, ())))
        status = status_at(spans.get(service.id, ()), now)
        days = tuple(daily(segments, first_day, settings.uptime_days, settings.uptime_weights, now, level_of(status)))
        group = groups_by_name[service.group]
        group_members[group.id].append(service.id)
        components.append(
            PublicComponent(
                id=service.id,
                name=service.name,
                description=service.description,
                group_id=group.id,
                group_name=group.name,
                position=position,
                status=status,
                segments=segments,
                uptime_days=days,
                uptime=availability(segments, day_start(first_day), now, settings.uptime_weights),
            )
        )
    groups = tuple(
        PublicGroup(g.id, g.name, tuple(group_members[g.id])) for g in site.groups if group_members[g.id]
    )
    return PublicPage(
        name=settings.name,
        description=settings.description,
        base_url=settings.base_url,
        timezone=settings.timezone,
        now=now,
        uptime_day_count=settings.uptime_days,
        uptime_weights=settings.uptime_weights,
        feed_items=settings.feed_items,
        history_page_size=settings.history_page_size,
        groups=groups,
        components=tuple(components),
        incidents=tuple(sorted(views, key=_newest, reverse=True)),
        maintenance=tuple(sorted(windows, key=lambda m: (m.scheduled_start, m.id), reverse=True)),
        status=page_status([c.status for c in components]),
        by_id={c.id: c for c in components},
        settled=tuple(sorted(settled, key=_newest, reverse=True)),
        view_of=view_of,
    )


