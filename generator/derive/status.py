"""Current state of components and of the whole page, and the impact spans behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from ..model import Impact, ImpactLevel, Incident, Maintenance, MaintenanceStatus
from .uptime import SEVERITY_RANK, Span


class ComponentStatus(StrEnum):
    """A component's state now: operational, or the level of its worst active impact."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class OverallStatus(StrEnum):
    """The banner at the top of the page."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    MAINTENANCE = "maintenance"


_OVERALL = {
    ComponentStatus.OPERATIONAL: OverallStatus.OPERATIONAL,
    ComponentStatus.UNDER_MAINTENANCE: OverallStatus.MAINTENANCE,
    ComponentStatus.DEGRADED_PERFORMANCE: OverallStatus.DEGRADED,
    ComponentStatus.PARTIAL_OUTAGE: OverallStatus.PARTIAL_OUTAGE,
    ComponentStatus.MAJOR_OUTAGE: OverallStatus.MAJOR_OUTAGE,
}


def rank(status: ComponentStatus) -> int:
    if status is ComponentStatus.OPERATIONAL:
        return 0
    return SEVERITY_RANK[ImpactLevel(status.value)]


def known(moment: datetime | None, now: datetime) -> datetime | None:
    """`moment` if it has happened by `now`, else None: a build as of `now` knows nothing later."""
    return moment if moment is not None and moment <= now else None


def impact_start(incident: Incident, impact: Impact) -> datetime:
    """When `impact` began: its `from`, else the incident's `started_at`."""
    return impact.start or incident.started_at


def impact_end(incident: Incident, impact: Impact) -> datetime | None:
    """When `impact` ended: its `to`, else the incident's `resolved_at`; None while it goes on."""
    return impact.end or incident.resolved_at


def impact_bounds(incident: Incident, impact: Impact, now: datetime) -> tuple[datetime, datetime | None] | None:
    """(start, end) of `impact` as known at `now`: None if it has not begun by then, end None
    while it still goes on at `now` (an end after `now` is not known yet)."""
    start = impact_start(incident, impact)
    if start > now:
        return None
    return start, known(impact_end(incident, impact), now)


def impact_spans(incidents: Iterable[Incident], now: datetime) -> dict[str, list[Span]]:
    """Spans per component id, as known at `now` (`impact_bounds`): an impact that goes on at
    `now` is an open span up to `now`; one that begins later has no span yet."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for incident in incidents:
        for impact in incident.impact:
            bounds = impact_bounds(incident, impact, now)
            if bounds is None:
                continue
            start, end = bounds
            if end is None:
                spans[impact.component].append(Span(start, now, impact.level, open=True))
            else:
                spans[impact.component].append(Span(start, end, impact.level))
    return spans


def maintenance_spans(windows: Iterable[Maintenance], now: datetime) -> dict[str, list[Span]]:
    """Spans of maintenance that has actually started by `now`: from its first in_progress (or
    later) update to its completed update, open while not completed."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for window in windows:
        posted = sorted((u for u in window.updates if u.at <= now), key=lambda u: u.at)
        started = [u.at for u in posted if u.status is not MaintenanceStatus.SCHEDULED]
        if not started or posted[-1].status is MaintenanceStatus.CANCELLED:
            continue
        start = min(started)
        finished = [u.at for u in posted if u.status is MaintenanceStatus.COMPLETED]
        for component in window.components:
            if finished:
                spans[component].append(Span(start, max(finished), ImpactLevel.UNDER_MAINTENANCE))
            else:
                spans[component].append(
                    Span(start, max(now, start), ImpactLevel.UNDER_MAINTENANCE, open=True)
                )
    return spans


def status_at(spans: Iterable[Span], now: datetime) -> ComponentStatus:
    """The worst level among spans covering `now`, or operational."""
    active = [s.level for s in spans if s.start <= now and (s.open or now < s.end)]
    if not active:
        return ComponentStatus.OPERATIONAL
    return ComponentStatus(max(active, key=SEVERITY_RANK.__getitem__).value)


def overall(statuses: Iterable[ComponentStatus]) -> OverallStatus:
    """The page banner: the worst component state (maintenance shown as maintenance)."""
    worst = max(statuses, key=rank, default=ComponentStatus.OPERATIONAL)
    return _OVERALL[worst]
