"""Duration statistics and counts per group of incidents.

An incident belongs to the period when it *started* inside it. Groups: the whole organisation
(`all`), each service it impacts (an incident impacting two services is in both groups), its
severity, its type, and the month and quarter (UTC) it started in. Every possible group is listed,
empty ones too, so dashboards get stable rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...model import Detection, Incident, IncidentType, RootCauseType, Severity, Site
from ..durations import DURATION_NAMES, durations
from .period import Period, month_of, months, quarter_of, quarters
from .stats import Summary, summarise

#: The groupings `--by` accepts.
GROUPINGS = ("service", "severity", "type", "month", "quarter")

#: The breakdowns counted in every group, in output order.
COUNT_DIMENSIONS = ("severity", "type", "root_cause_type", "root_cause_service", "detection")

#: The label of incidents without a root cause service.
NO_SERVICE = "none"


@dataclass(frozen=True, slots=True)
class GroupMetrics:
    """One group: its incidents, TTD/TTM/TTR summaries and counts per breakdown."""

    by: str
    key: str
    incidents: tuple[str, ...]
    durations: dict[str, Summary]
    counts: dict[str, dict[str, int]]


def in_period(incidents: Sequence[Incident], period: Period) -> list[Incident]:
    """Incidents that started inside the period, in start order."""
    return sorted((i for i in incidents if period.contains(i.started_at)), key=lambda i: (i.started_at, i.id))


def keys_of(incident: Incident, by: str) -> list[str]:
    """The groups of `by` an incident belongs to."""
    if by == "all":
        return ["all"]
    if by == "service":
        return sorted({impact.component for impact in incident.impact})
    if by == "severity":
        return [incident.severity.value]
    if by == "type":
        return [incident.type.value]
    if by == "month":
        return [month_of(incident.started_at)]
    if by == "quarter":
        return [quarter_of(incident.started_at)]
    raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")


def all_keys(site: Site, period: Period, by: str) -> list[str]:
    """Every group of `by`, in display order (services as in services.yaml, time in order)."""
    if by == "all":
        return ["all"]
    if by == "service":
        return [s.id for s in site.services]
    if by == "severity":
        return [s.value for s in Severity]
    if by == "type":
        return [t.value for t in IncidentType]
    if by == "month":
        return months(period)
    if by == "quarter":
        return quarters(period)
    raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")


def counts(incidents: Sequence[Incident]) -> dict[str, dict[str, int]]:
    """Incidents per severity, type, root cause type, root cause service and detection method.

    Every enum value appears (zero included); root cause services appear when used.
    """
    out: dict[str, dict[str, int]] = {
        "severity": {s.value: 0 for s in Severity},
        "type": {t.value: 0 for t in IncidentType},
        "root_cause_type": {r.value: 0 for r in RootCauseType},
        "root_cause_service": {},
        "detection": {d.value: 0 for d in Detection},
    }
    for incident in incidents:
        out["severity"][incident.severity.value] += 1
        out["type"][incident.type.value] += 1
        out["root_cause_type"][incident.root_cause.type.value] += 1
        service = incident.root_cause.service or NO_SERVICE
        out["root_cause_service"][service] = out["root_cause_service"].get(service, 0) + 1
        out["detection"][incident.detection.value] += 1
    out["root_cause_service"] = dict(sorted(out["root_cause_service"].items()))
    return out


def summarise_incidents(incidents: Sequence[Incident]) -> dict[str, Summary]:
    """TTD, TTM and TTR summaries (seconds) of the incidents."""
    measured = [durations(i) for i in incidents]
    return {
        name: summarise(None if (d := m.get(name)) is None else d.total_seconds() for m in measured)
        for name in DURATION_NAMES
    }


def group(site: Site, period: Period, by: str) -> list[GroupMetrics]:
    """Metrics of every group of `by` over the incidents that started in the period."""
    members: dict[str, list[Incident]] = {key: [] for key in all_keys(site, period, by)}
    for incident in in_period(site.incidents, period):
        for key in keys_of(incident, by):
            members.setdefault(key, []).append(incident)
    return [
        GroupMetrics(
            by=by,
            key=key,
            incidents=tuple(i.id for i in found),
            durations=summarise_incidents(found),
            counts=counts(found),
        )
        for key, found in members.items()
    ]
