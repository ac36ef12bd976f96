"""Import from the common status page JSON API (Statuspage v2: summary.json, incidents.json,
components.json, scheduled-maintenances.json).

Mapping (documented in the README, "Importing"):
- incident impact critical/major/minor/none -> severity major/medium/minor/minor
  (and back, for our JSON API: major -> critical, medium -> major, minor -> minor);
- update statuses investigating/identified/monitoring/resolved keep their names, postmortem ->
  resolved; the incident's monitoring_at becomes mitigated_at;
- component status (or an update's affected_components new_status) -> impact level with the
  same name; operational ends a span;
- ids are stable: `SP-<source id>` for incidents and maintenance, slug of the name for services.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedSeq

from ..load.files import NotRegularFile, read_regular_bytes
from ..model import ImpactLevel, MaintenanceStatus
from ..responder.ids import service_slug, slugify
from ..responder.yamlrt import Time, flow_list, mapping
from .plan import Plan, Record, ServiceSpec, to_utc
from .shape import shape_problem

SEVERITY = {"critical": "major", "major": "medium", "minor": "minor", "none": "minor"}
FALLBACK_LEVEL = {"critical": "major_outage", "major": "partial_outage"}
STATUS = {"investigating": "investigating", "identified": "identified", "monitoring": "monitoring",
          "resolved": "resolved", "postmortem": "resolved"}
LEVELS = {level.value for level in ImpactLevel}
MAINTENANCE_STATUS = {status.value for status in MaintenanceStatus}
DEFAULT_GROUP = "Imported"
#: The lists of the API the importer reads; a document with none of them (nor `status`, which
#: status.json holds and which has no history) is skipped with a warning.
READ = ("components", "incidents", "scheduled_maintenances")
_UNKNOWN_TIME = datetime.min.replace(tzinfo=UTC)


def read_payloads(source: Path) -> tuple[list[tuple[Path, dict[str, Any]]], list[str]]:
    """The JSON documents at `source` (a file, or every *.json in a folder), and warnings."""
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    payloads: list[tuple[Path, dict[str, Any]]] = []
    warnings: list[str] = []
    for path in files:
        try:
            data = read_regular_bytes(path)
        except NotRegularFile as error:
            warnings.append(f"{path}: not a regular file ({error.kind}), skipped")
            continue
        except OSError as error:
            warnings.append(f"{path}: cannot read it ({error.strerror or error}), skipped")
            continue
        if not data.strip():
            warnings.append(f"{path}: empty file, skipped")
            continue
        try:
            value = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            warnings.append(f"{path}: not valid JSON ({error}), skipped")
            continue
        except RecursionError:
            warnings.append(f"{path}: not valid JSON (nested too deeply), skipped")
            continue
        if not isinstance(value, dict):
            warnings.append(f"{path}: expected a JSON object, skipped")
            continue
        value = api_shaped(value)
        if not any(key in value for key in (*READ, "status")):
            warnings.append(f"{path}: holds no incidents, components or scheduled maintenances; file skipped")
        elif (problem := shape_problem(value)) is not None:
            warnings.append(f"{path}: {problem}; file skipped")
        else:
            payloads.append((path, value))
    return payloads, warnings


def api_shaped(payload: dict[str, Any]) -> dict[str, Any]:
    """A webhook notification's payload (`meta`, `page`, one `incident`) as the API would hold
    it: the incident in `incidents`, or in `scheduled_maintenances` when it is one (Statuspage
    sends maintenance through the same webhook, with `scheduled_for` set). Others as they are."""
    record = payload.get("incident")
    if not isinstance(record, dict) or any(key in payload for key in READ):
        return payload
    key = "scheduled_maintenances" if record.get("scheduled_for") else "incidents"
    return {"page": payload.get("page"), key: [record]}


def moment(value: object) -> datetime:
    """A source time, for ordering: to the microsecond, in UTC (text compares wrongly across
    offsets: a page's -06:00 and -07:00 either side of a clock change); unknown: earliest."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, str) and value.strip():
        try:
            found = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            return _UNKNOWN_TIME
    else:
        return _UNKNOWN_TIME
    try:
        return (found if found.tzinfo else found.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return _UNKNOWN_TIME


def oldest_first(updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record's updates in time order. Statuspage lists them newest first, so of two at the
    same moment the one listed later is the older."""
    return sorted(reversed(updates), key=lambda u: moment(u.get("display_at") or u.get("created_at")))


def _components(payloads: Iterable[dict[str, Any]]) -> tuple[dict[str, ServiceSpec], list[ServiceSpec]]:
    """Source component id -> service, and the services in first-seen order (groups skipped)."""
    rows: dict[str, dict[str, Any]] = {}
    page_name = DEFAULT_GROUP
    for payload in payloads:
        page_name = str((payload.get("page") or {}).get("name") or page_name)
        for row in payload.get("components") or []:
            rows.setdefault(str(row.get("id")), row)
        for key in ("incidents", "scheduled_maintenances"):
            for item in payload.get(key) or []:
                for row in item.get("components") or []:
                    if isinstance(row, dict):
                        rows.setdefault(str(row.get("id")), row)
    group_names = {cid: str(row.get("name")) for cid, row in rows.items() if row.get("group")}
    by_source: dict[str, ServiceSpec] = {}
    specs: list[ServiceSpec] = []
    used: set[str] = set()
    for cid, row in sorted(rows.items(), key=lambda kv: (kv[1].get("position") or 0, kv[0])):
        if row.get("group"):
            continue
        service_id = service_slug(str(row.get("name") or cid))
        if service_id in used:
            service_id = service_slug(f"{row.get('name')}-{cid}")
        used.add(service_id)
        group = group_names.get(str(row.get("group_id")), page_name)
        spec = ServiceSpec(service_id, str(row.get("name") or cid), group, str(row.get("description") or ""))
        by_source[cid] = spec
        specs.append(spec)
    return by_source, specs


Span = tuple[str, str, datetime | None, datetime | None]


def _spans(incident: dict[str, Any], updates: list[dict[str, Any]]) -> list[Span]:
    """(component id, level, from, to) from the updates' component changes, else the components."""
    spans: list[Span] = []
    current: dict[str, tuple[str, datetime | None]] = {}
    for update in updates:
        at = to_utc(update.get("display_at") or update.get("created_at"))
        for change in update.get("affected_components") or []:
            code, status = str(change.get("code")), str(change.get("new_status"))
            level = status if status in LEVELS else None
            if code in current and current[code][0] == level:
                continue
            if code in current:
                previous, start = current.pop(code)
                spans.append((code, previous, start, at))
            if level:
                current[code] = (level, at)
    spans += [(code, level, start, None) for code, (level, start) in current.items()]
    if not spans:
        fallback = FALLBACK_LEVEL.get(str(incident.get("impact")), "degraded_performance")
        for row in incident.get("components") or []:
            status = str(row.get("status"))
            spans.append((str(row.get("id")), status if status in LEVELS else fallback, None, None))
    return spans


def incident_record(item: dict[str, Any], components: dict[str, ServiceSpec]) -> Record:
    updates = oldest_first(item.get("incident_updates") or [])
    created = to_utc(item.get("created_at"))
    started = to_utc(item.get("started_at")) or created
    assert started is not None
    detected = max(created or started, started)
    resolved = to_utc(item.get("resolved_at")) if item.get("status") in ("resolved", "postmortem") else None
    public = CommentedSeq()
    for update in updates:
        at = to_utc(update.get("display_at") or update.get("created_at")) or started
        status = STATUS.get(str(update.get("status")), "monitoring" if public else "investigating")
        public.append(mapping([("at", Time.of(at)), ("status", status), ("body", str(update.get("body") or ""))]))
    if resolved is None and public and public[-1]["status"] == "resolved":
        resolved = to_utc(str(public[-1]["at"]))
    if resolved is not None and item.get("status") in ("resolved", "postmortem"):
        resolved = max(resolved, detected, *(to_utc(str(u["at"])) or started for u in public))
    mitigated = to_utc(item.get("monitoring_at"))
    if mitigated is not None and (mitigated < detected or (resolved is not None and mitigated > resolved)):
        mitigated = None
    impacts = CommentedSeq()
    for code, level, start, end in _spans(item, updates):
        spec = components.get(code)
        if spec is None:
            continue
        begin = max(start, started) if start else started
        finish = min(end, resolved) if end and resolved else end
        if finish is not None and finish <= begin:
            continue
        entry = mapping([("component", spec.id), ("level", level)])
        if begin > started:
            entry["from"] = Time.of(begin)
        if finish is not None and finish != resolved:
            entry["to"] = Time.of(finish)
        impacts.append(entry)
    doc = mapping(
        [
            ("id", f"SP-{item['id']}"),
            ("title", str(item.get("name") or "Untitled incident")),
            ("type", "external"),
            ("severity", SEVERITY.get(str(item.get("impact")), "minor")),
            ("started_at", Time.of(started)),
            ("detected_at", Time.of(detected)),
            ("mitigated_at", Time.of(mitigated) if mitigated else None),
            ("resolved_at", Time.of(resolved) if resolved else None),
            ("impact", impacts if impacts else None),
            ("updates", public if public else None),
        ]
    )
    return Record("incidents", doc["id"], f"{started.date().isoformat()}-{slugify(doc['title'])}", doc)


def maintenance_record(item: dict[str, Any], components: dict[str, ServiceSpec]) -> Record | None:
    start, end = to_utc(item.get("scheduled_for")), to_utc(item.get("scheduled_until"))
    if start is None or end is None or end <= start:
        return None
    updates = oldest_first(item.get("incident_updates") or [])
    public = CommentedSeq()
    for update in updates:
        at = to_utc(update.get("display_at") or update.get("created_at")) or start
        status = str(update.get("status"))
        status = status if status in MAINTENANCE_STATUS else "scheduled"
        public.append(mapping([("at", Time.of(at)), ("status", status), ("body", str(update.get("body") or ""))]))
    ids = [components[str(c.get("id"))].id for c in item.get("components") or [] if str(c.get("id")) in components]
    doc = mapping(
        [
            ("id", f"SP-{item['id']}"),
            ("title", str(item.get("name") or "Maintenance")),
            ("components", flow_list(ids)),
            ("scheduled_start", Time.of(start)),
            ("scheduled_end", Time.of(end)),
            ("updates", public if public else None),
        ]
    )
    return Record("maintenance", doc["id"], f"{start.date().isoformat()}-{slugify(doc['title'])}", doc)


def plan_statuspage(payloads: list[tuple[Path, dict[str, Any]]]) -> Plan:
    """Everything in the payloads; the same incident in several snapshots: the newest wins."""
    components, specs = _components(p for _, p in payloads)
    plan = Plan(services=specs)
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for path, payload in payloads:
        for key in ("incidents", "scheduled_maintenances"):
            for item in payload.get(key) or []:
                if not item.get("id"):
                    plan.warnings.append(f"{path}: {key} entry without an id, skipped")
                    continue
                ident = (key, str(item["id"]))
                if ident not in newest or moment(item.get("updated_at")) >= moment(newest[ident].get("updated_at")):
                    newest[ident] = item
    for (key, _), item in sorted(newest.items()):
        if key == "incidents":
            plan.records.append(incident_record(item, components))
        else:
            record = maintenance_record(item, components)
            if record is None:
                plan.warnings.append(f"maintenance {item['id']}: no valid scheduled_for/scheduled_until, skipped")
            else:
                plan.records.append(record)
    return plan
