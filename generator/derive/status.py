"""Current state of components and of the whole page, and the impact spans behind them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..model import Impact, ImpactLevel, Incident, Maintenance
from .maintenance import phases, under_way
from .uptime import SEVERITY_RANK, Span


class ComponentStatus(StrEnum):
    """A component's state now: operational, or the level of its worst active impact."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class Indicator(StrEnum):
    """The page's `status.indicator` in the status API."""

    NONE = "none"
    MAINTENANCE = "maintenance"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class PageStatus:
    """The status of the whole page: the banner, `status.json` and the badge all show this."""

    indicator: Indicator
    description: str  # the words Statuspage sends with it, e.g. "Minor Service Outage"


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
    """When `impact` ended: its `to`, else the incident's `mitigated_at` (mitigation is when
    user impact stopped), else its `resolved_at`; None while it goes on."""
    return impact.end or incident.mitigated_at or incident.resolved_at


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
    """Spans of maintenance under way by `now` (in progress or verifying, by its updates and its
    schedule: `maintenance.phases`); open while it still is."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for window in windows:
        for start, end in under_way(phases(window, now)):
            for component in window.components:
                if end is None:
                    spans[component].append(Span(start, max(now, start), ImpactLevel.UNDER_MAINTENANCE, open=True))
                else:
                    spans[component].append(Span(start, end, ImpactLevel.UNDER_MAINTENANCE))
    return spans


def status_at(spans: Iterable[Span], now: datetime) -> ComponentStatus:
    """The worst level among spans covering `now`, or operational."""
    active = [s.level for s in spans if s.start <= now and (s.open or now < s.end)]
    if not active:
        return ComponentStatus.OPERATIONAL
    return ComponentStatus(max(active, key=SEVERITY_RANK.__getitem__).value)


def level_of(status: ComponentStatus) -> ImpactLevel | None:
    """The impact level a component's status is, None for operational."""
    return None if status is ComponentStatus.OPERATIONAL else ImpactLevel(status.value)


def page_status(statuses: Sequence[ComponentStatus]) -> PageStatus:
    """The page's status from its components' states, by Statuspage's rule (README, "How the
    page status is worked out"): the worst state decides, and whether *every* component is in
    it decides between two wordings. Open incidents do not raise it; their components do.

    * any `major_outage`: all of them -> critical "Major System Outage", else major "Partial
      System Outage";
    * else any `partial_outage`: all -> major "Partial System Outage", else minor "Minor
      Service Outage";
    * else any `degraded_performance`: all of two or more -> minor "Degraded System Service",
      else minor "Partially Degraded Service";
    * else any `under_maintenance`: maintenance "Service Under Maintenance";
    * else none "All Systems Operational" (also for a page without components).
    """
    counts = Counter(statuses)
    every = len(statuses)

    def only(state: ComponentStatus) -> bool:
        return counts[state] == every

    if counts[ComponentStatus.MAJOR_OUTAGE]:
        if only(ComponentStatus.MAJOR_OUTAGE):
            return PageStatus(Indicator.CRITICAL, "Major System Outage")
        return PageStatus(Indicator.MAJOR, "Partial System Outage")
    if counts[ComponentStatus.PARTIAL_OUTAGE]:
        if only(ComponentStatus.PARTIAL_OUTAGE):
            return PageStatus(Indicator.MAJOR, "Partial System Outage")
        return PageStatus(Indicator.MINOR, "Minor Service Outage")
    if counts[ComponentStatus.DEGRADED_PERFORMANCE]:
        if every > 1 and only(ComponentStatus.DEGRADED_PERFORMANCE):
            return PageStatus(Indicator.MINOR, "Degraded System Service")
        return PageStatus(Indicator.MINOR, "Partially Degraded Service")
    if counts[ComponentStatus.UNDER_MAINTENANCE]:
        return PageStatus(Indicator.MAINTENANCE, "Service Under Maintenance")
    return PageStatus(Indicator.NONE, "All Systems Operational")
