"""Current state of components and of the whole page, and the impact spans behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from ..model import ImpactLevel, Incident, Maintenance, MaintenanceStatus
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


def impact_spans(incidents: Iterable[Incident], now: datetime) -> dict[str, list[Span]]:
    """Spans per component id. An impact runs from `from` (default `started_at`) to `to`
    (default `resolved_at`, and `now` while the incident is open)."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for incident in incidents:
        for impact in incident.impact:
            start = impact.start or incident.started_at
            end = impact.end or incident.resolved_at
            if end is None:
                spans[impact.component].append(Span(start, max(now, start), impact.level, open=True))
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
