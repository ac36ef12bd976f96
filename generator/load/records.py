"""Readers of `incidents/*.yaml` and `maintenance/*.yaml`: one file, one record."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import (
    Detection,
    Impact,
    ImpactLevel,
    Incident,
    IncidentType,
    Maintenance,
    MaintenanceStatus,
    MaintenanceUpdate,
    Roles,
    RootCause,
    RootCauseType,
    Service,
    Severity,
    Source,
    TimelineEntry,
    Update,
    UpdateStatus,
)
from ..problems import Problems
from .fields import TEXT_CHARACTERS, Fields
from .files import ContentFile
from .rules import check_incident, check_maintenance
from .yamlsafe import Node


def read_incident(
    problems: Problems, file: ContentFile, node: Node, services: Mapping[str, Service]
) -> Incident | None:
    f = Fields(problems, file.shown, node)
    if not f.values:
        return None
    incident_id = f.ident("id")
    title = f.text("title", required=True, limit=TEXT_CHARACTERS, published=True)
    kind = f.enum("type", IncidentType, required=True)
    severity = f.enum("severity", Severity, required=True)
    started_at = f.time("started_at", required=True)
    incident = Incident(
        id=incident_id,
        title=title,
        type=kind or IncidentType.INTERNAL,
        severity=severity or Severity.MINOR,
        started_at=started_at,  # type: ignore[arg-type]  # checked below
        detected_at=f.time("detected_at"),
        detection=f.enum("detection", Detection, default=Detection.OTHER) or Detection.OTHER,
        mitigated_at=f.time("mitigated_at"),
        resolved_at=f.time("resolved_at"),
        regions=f.text_list("regions", published=True),
        impact=tuple(read_impacts(f, file)),
        roles=read_roles(f),
        root_cause=read_root_cause(f),
        updates=tuple(read_updates(f, file)),
        timeline=tuple(read_timeline(f)),
        source=Source(file.rel, f.key_line("id")),
    )
    f.finish()
    if not incident_id or started_at is None:
        return None
    check_incident(f.error, incident, f.lines(), services)
    return incident


def read_impacts(parent: Fields, file: ContentFile) -> list[Impact]:
    impacts = []
    for f in parent.items("impact"):
        level = f.enum("level", ImpactLevel, required=True)
        impact = Impact(
            component=f.ident("component"),
            level=level or ImpactLevel.DEGRADED_PERFORMANCE,
            start=f.time("from"),
            end=f.time("to"),
            regions=f.text_list("regions", published=True),
            source=Source(file.rel, f.line),
        )
        f.finish()
        if impact.component:
            impacts.append(impact)
    return impacts


def read_roles(parent: Fields) -> Roles:
    f = parent.mapping("roles")
    if f is None:
        return Roles()
    roles = Roles(
        incident_manager=f.text("incident_manager", limit=TEXT_CHARACTERS, published=True),
        communications_lead=f.text("communications_lead", limit=TEXT_CHARACTERS, published=True),
        oncall=f.text_list("oncall"),
        customer_escalation_manager=f.text("customer_escalation_manager", limit=TEXT_CHARACTERS, published=True),
        executive=f.text("executive", limit=TEXT_CHARACTERS, published=True),
    )
    f.finish()
    return roles


def read_root_cause(parent: Fields) -> RootCause:
    f = parent.mapping("root_cause")
    if f is None:
        return RootCause()
    cause = RootCause(
        type=f.enum("type", RootCauseType, default=RootCauseType.UNKNOWN) or RootCauseType.UNKNOWN,
        service=f.ident("service", required=False),
    )
    f.finish()
    return cause


def read_updates(parent: Fields, file: ContentFile) -> list[Update]:
    updates = []
    for f in parent.items("updates"):
        at = f.time("at", required=True)
        status = f.enum("status", UpdateStatus, required=True)
        body = f.markdown("body", required=True, knowledge_base=True, allow_blank=True)
        f.finish()
        if at is not None and status is not None:
            updates.append(Update(at, status, body, Source(file.rel, f.line)))
    return updates


def read_timeline(parent: Fields) -> list[TimelineEntry]:
    entries = []
    for f in parent.items("timeline"):
        at = f.time("at", required=True)
        notify = f.boolean("notify", False)  # a note marked notify is sent: it must hold no secret
        entry = TimelineEntry(
            at=at,  # type: ignore[arg-type]  # checked below
            by=f.text("by", limit=TEXT_CHARACTERS, published=notify),
            text=f.text("text", required=True, limit=TEXT_CHARACTERS, published=notify),
            notify=notify,
        )
        f.finish()
        if at is not None:
            entries.append(entry)
    return entries


def read_maintenance(
    problems: Problems, file: ContentFile, node: Node, services: Mapping[str, Service]
) -> Maintenance | None:
    f = Fields(problems, file.shown, node)
    if not f.values:
        return None
    maintenance_id = f.ident("id")
    start = f.time("scheduled_start", required=True)
    end = f.time("scheduled_end", required=True)
    components = f.text_list("components", required=True)
    updates = []
    for item in f.items("updates"):
        at = item.time("at", required=True)
        status = item.enum("status", MaintenanceStatus, required=True)
        body = item.markdown("body", knowledge_base=True)
        item.finish()
        if at is not None and status is not None:
            updates.append(MaintenanceUpdate(at, status, body, Source(file.rel, item.line)))
    window = Maintenance(
        id=maintenance_id,
        title=f.text("title", required=True, limit=TEXT_CHARACTERS, published=True),
        components=components,
        scheduled_start=start,  # type: ignore[arg-type]  # None is dropped below
        scheduled_end=end,  # type: ignore[arg-type]
        updates=tuple(updates),
        source=Source(file.rel, f.key_line("id")),
    )
    f.finish()
    if not maintenance_id or start is None or end is None:
        return None
    check_maintenance(f.error, window, f.lines(), services)
    return window
