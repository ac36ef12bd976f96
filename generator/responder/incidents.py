"""Edits of an incident document (a round-trip mapping): pure, no clock, no files.

Each function takes the time explicitly and raises `EditError` with a reason the responder can
act on; validation of the whole result happens afterwards in `store.commit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..load.fields import format_time
from ..model import Detection, ImpactLevel, IncidentType, Severity, UpdateStatus
from .yamlrt import Time, append_item, as_time, mapping, put

#: The level `--component checkout` gets when no `:level` is given.
DEFAULT_LEVEL = ImpactLevel.MAJOR_OUTAGE
DEFAULT_RESOLVED_MESSAGE = "This incident has been resolved."

_TIME_KEYS = ("id", "title", "type", "severity", "started_at", "detected_at", "detection", "mitigated_at")


class EditError(Exception):
    """An edit that makes no sense for this incident (e.g. resolving it twice)."""


@dataclass(frozen=True, slots=True)
class ComponentImpact:
    """A `--component id[:level]` argument."""

    component: str
    level: ImpactLevel


def parse_component(text: str, default: ImpactLevel | None = DEFAULT_LEVEL) -> ComponentImpact:
    """`checkout` or `checkout:partial_outage`; raises ValueError naming the allowed levels."""
    name, _, level = text.partition(":")
    allowed = ", ".join(member.value for member in ImpactLevel)
    if not name.strip():
        raise ValueError(f"expected COMPONENT[:LEVEL]; got {text!r}")
    if not level:
        if default is None:
            raise ValueError(f"{text!r}: give the new level, e.g. {name}:partial_outage ({allowed})")
        return ComponentImpact(name.strip(), default)
    try:
        return ComponentImpact(name.strip(), ImpactLevel(level.strip()))
    except ValueError:
        raise ValueError(f"{text!r}: level must be one of {allowed}") from None


def new_incident(
    incident_id: str,
    title: str,
    kind: IncidentType,
    severity: Severity,
    started_at: datetime,
    detected_at: datetime,
    detection: Detection,
    components: list[ComponentImpact],
    message: str | None,
) -> CommentedMap:
    """A new open incident, with the first `investigating` update when there is a message."""
    impacts = CommentedSeq(mapping([("component", c.component), ("level", c.level.value)]) for c in components)
    doc = mapping(
        [
            ("id", incident_id),
            ("title", title),
            ("type", kind.value),
            ("severity", severity.value),
            ("started_at", Time.of(started_at)),
            ("detected_at", Time.of(detected_at)),
            ("detection", detection.value),
            ("impact", impacts),
        ]
    )
    if message:
        doc["updates"] = CommentedSeq([_update(detected_at, UpdateStatus.INVESTIGATING, message)])
    return doc


def _update(at: datetime, status: UpdateStatus, body: str) -> CommentedMap:
    return mapping([("at", Time.of(at)), ("status", status.value), ("body", body)])


def _list(doc: CommentedMap, key: str, after: tuple[str, ...]) -> CommentedSeq:
    value = doc.get(key)
    if isinstance(value, CommentedSeq):
        return value
    seq = CommentedSeq(value if isinstance(value, list) else [])
    put(doc, key, seq, after)
    return seq


def require_open(doc: CommentedMap) -> None:
    if doc.get("resolved_at") is not None:
        resolved = as_time(doc["resolved_at"])
        shown = format_time(resolved) if resolved else doc["resolved_at"]
        raise EditError(f"incident {doc.get('id')} is already resolved (resolved_at: {shown})")


def latest_status(doc: CommentedMap) -> UpdateStatus:
    """The status of the newest public update, `investigating` when there is none."""
    updates = [u for u in doc.get("updates") or [] if isinstance(u, dict) and u.get("at") is not None]
    if not updates:
        return UpdateStatus.INVESTIGATING
    newest = max(updates, key=lambda u: as_time(u["at"]) or datetime.min)
    try:
        return UpdateStatus(str(newest.get("status")))
    except ValueError:
        return UpdateStatus.INVESTIGATING


def add_update(doc: CommentedMap, at: datetime, status: UpdateStatus, body: str) -> None:
    """Append a public update."""
    if status is UpdateStatus.RESOLVED:
        raise EditError("use `statuspress resolve` to resolve an incident")
    require_open(doc)
    append_item(_list(doc, "updates", ("impact", "roles", "root_cause")), _update(at, status, body))


def add_note(doc: CommentedMap, at: datetime, by: str, text: str) -> None:
    """Append an internal timeline note."""
    entry = mapping([("at", Time.of(at)), ("by", by or None), ("text", text)])
    append_item(_list(doc, "timeline", ("updates", "impact", "roles", "root_cause")), entry)


def _open_spans(doc: CommentedMap, component: str) -> list[CommentedMap]:
    return [
        item
        for item in doc.get("impact") or []
        if isinstance(item, CommentedMap) and item.get("component") == component and item.get("to") is None
    ]


def change_impact(doc: CommentedMap, change: ComponentImpact, at: datetime) -> None:
    """From `at` on, `change.component` is at `change.level`: close its open span, open a new one."""
    require_open(doc)
    impacts = _list(doc, "impact", ("regions", "resolved_at", "mitigated_at", "detection"))
    started = as_time(doc.get("started_at"))
    regions = None
    for span in _open_spans(doc, change.component):
        start = as_time(span.get("from")) or started
        if start is not None and start >= at:  # the span began just now: change it in place
            span["level"] = change.level.value
            return
        span["to"] = Time.of(at)
        regions = span.get("regions", regions)
    entry = mapping([("component", change.component), ("level", change.level.value), ("from", Time.of(at))])
    if regions is not None:
        entry["regions"] = regions
    append_item(impacts, entry)


def resolve(doc: CommentedMap, at: datetime, mitigated_at: datetime | None, message: str | None) -> None:
    """Set resolved_at (and mitigated_at when absent), close open spans, post `resolved`."""
    require_open(doc)
    if doc.get("mitigated_at") is None:
        put(doc, "mitigated_at", Time.of(mitigated_at or at), _TIME_KEYS)
    elif mitigated_at is not None:
        doc["mitigated_at"] = Time.of(mitigated_at)
    put(doc, "resolved_at", Time.of(at), (*_TIME_KEYS, "mitigated_at"))
    for span in doc.get("impact") or []:
        if isinstance(span, dict) and span.get("to") is None:
            start = as_time(span.get("from"))
            if start is None or start < at:
                span["to"] = Time.of(at)
    updates = _list(doc, "updates", ("impact", "roles", "root_cause"))
    append_item(updates, _update(at, UpdateStatus.RESOLVED, message or DEFAULT_RESOLVED_MESSAGE))
