"""Per-service reliability over a period: downtime, availability against the SLO, time between
failures.

* Downtime and availability use the public uptime rule (`derive.uptime`): the impact spans of
  **every** incident (internal ones too) are flattened into the worst state at each instant, so
  overlapping incidents never count twice; downtime = seconds in `major_outage` × its weight +
  seconds in `partial_outage` × its weight (`uptime_weights`), clipped to the period; open impacts
  last until `now`. Availability = 1 − downtime / period length.
* SLO met when availability × 100 >= `slo`. Error budget = (1 − slo/100) × period length; budget
  used % = downtime / budget × 100 (over 100 means the budget is spent; unknown without an SLO or
  with an SLO of 100 %).
* Time between failures: for the incidents impacting the service that started it in the period,
  sorted by the start of their impact on it (earliest `from` of that service's impacts), the gaps
  between consecutive starts; n is the number of gaps (incidents − 1), with their median and mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...model import Incident, Service, Site
from ..status import impact_spans, impact_start
from ..uptime import Span, availability, downtime, flatten
from .period import Period
from .stats import mean, median


@dataclass(frozen=True, slots=True)
class ServiceReliability:
    """One service over the period."""

    service: str
    name: str
    public: bool
    slo: float | None
    incidents: tuple[str, ...]
    downtime_seconds: float
    availability: float  # 0..1
    slo_met: bool | None
    error_budget_used_percent: float | None
    tbf_n: int
    tbf_median: float | None  # seconds
    tbf_mean: float | None  # seconds


def failure_start(incident: Incident, service: str) -> datetime | None:
    """When the incident started impacting `service` (None when it never did)."""
    starts = [impact_start(incident, impact) for impact in incident.impact if impact.component == service]
    return min(starts) if starts else None


def between_failures(incidents: tuple[Incident, ...], service: str, period: Period) -> tuple[list[float], list[str]]:
    """Gaps in seconds between consecutive failure starts of `service` in the period, and the ids."""
    starts: list[tuple[datetime, str]] = []
    for incident in incidents:
        start = failure_start(incident, service)
        if start is not None and period.contains(start):
            starts.append((start, incident.id))
    starts.sort()
    gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    return gaps, [incident_id for _, incident_id in starts]


def budget_used(down: float, slo: float | None, period: Period) -> float | None:
    """Downtime as a percentage of the error budget (1 − slo/100) × period length."""
    if slo is None:
        return None
    budget = (1.0 - slo / 100.0) * period.seconds
    if budget <= 0:
        return None
    return down / budget * 100.0


def service_reliability(site: Site, service: Service, period: Period, spans: list[Span]) -> ServiceReliability:
    """Downtime, availability vs SLO and time between failures of one service, from its spans."""
    segments = flatten(spans)
    weights = site.settings.uptime_weights
    down = downtime(segments, period.start, period.end, weights)
    avail = availability(segments, period.start, period.end, weights)
    gaps, ids = between_failures(site.incidents, service.id, period)
    return ServiceReliability(
        service=service.id,
        name=service.name,
        public=service.public,
        slo=service.slo,
        incidents=tuple(ids),
        downtime_seconds=down,
        availability=avail,
        slo_met=None if service.slo is None else avail * 100.0 >= service.slo,
        error_budget_used_percent=budget_used(down, service.slo, period),
        tbf_n=len(gaps),
        tbf_median=median(gaps),
        tbf_mean=mean(gaps),
    )


def reliability(site: Site, period: Period, now: datetime) -> list[ServiceReliability]:
    """Every service, in services.yaml order."""
    spans = impact_spans(site.incidents, now)
    return [service_reliability(site, service, period, spans.get(service.id, [])) for service in site.services]
