"""Rules on one record that need more than its own fields' types: chronology and references.

Each rule reports through `report(line, message)`, so it can point at the offending key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from ..model import Incident, IncidentType, Maintenance, Service, UpdateStatus, latest

Report = Callable[[int, str], None]

_CHRONOLOGY = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def check_incident(
    report: Report, incident: Incident, lines: Mapping[str, int], services: Mapping[str, Service]
) -> None:
    check_chronology(report, incident, lines)
    check_impacts(report, incident, services)
    cause = incident.root_cause.service
    if cause and cause not in services:
        report(lines.get("root_cause", 1), f"root_cause.service: unknown service {cause!r}")
    known = [services[i.component] for i in incident.impact if i.component in services]
    if incident.type is IncidentType.EXTERNAL and known and not any(s.public for s in known):
        report(
            lines.get("impact", 1),
            "external incident affects only internal services; make it internal or add a public one",
        )
    if incident.resolved_at is None and incident.updates:
        last = latest(incident.updates)
        if last is not None and last.status is UpdateStatus.RESOLVED:
            report(last.source.line, "last update says resolved but the incident has no resolved_at")


def check_chronology(report: Report, incident: Incident, lines: Mapping[str, int]) -> None:
    """started_at <= detected_at <= mitigated_at <= resolved_at, skipping absent times."""
    previous: tuple[str, datetime] | None = None
    for key in _CHRONOLOGY:
        value = getattr(incident, key)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            report(lines.get(key, 1), f"{key} is before {previous[0]}")
        previous = (key, value)


def check_impacts(report: Report, incident: Incident, services: Mapping[str, Service]) -> None:
    end_of_incident = incident.resolved_at
    for index, impact in enumerate(incident.impact):
        where = f"impact[{index}]"
        line = impact.source.line
        if impact.component not in services:
            report(line, f"{where}.component: unknown service {impact.component!r}")
        start = impact.start or incident.started_at
        if impact.start and impact.start < incident.started_at:
            report(line, f"{where}.from is before the incident's started_at")
        if impact.end and end_of_incident and impact.end > end_of_incident:
            report(line, f"{where}.to is after the incident's resolved_at")
        if impact.end and impact.end <= start:
            report(line, f"{where}.to is not after its start")
        elif impact.end is None and incident.mitigated_at and incident.mitigated_at < start:
            report(line, f"{where}.from is after the incident's mitigated_at, where an impact "
                         "without `to` ends: give this impact its own `to`")


def check_maintenance(
    report: Report, window: Maintenance, lines: Mapping[str, int], services: Mapping[str, Service]
) -> None:
    if window.scheduled_end <= window.scheduled_start:
        report(lines.get("scheduled_end", 1), "scheduled_end is not after scheduled_start")
    for component in window.components:
        if component not in services:
            report(lines.get("components", 1), f"components: unknown service {component!r}")
    known = [services[c] for c in window.components if c in services]
    if known and not any(s.public for s in known):
        report(lines.get("components", 1), "maintenance affects only internal services; it would be published")

