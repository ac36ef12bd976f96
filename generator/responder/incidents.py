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
#: The first public update of an external incident opened without `--message`.
DEFAULT_FIRST_MESSAGE = "We are investigating this issue."
#: The public update that reopens an incident when no message is given.
DEFAULT_REOPENED_MESSAGE = "This incident has been reopened; we are investigating again."

_TIME_KEYS = ("id", "title", "type", "severity", "started_at", "detected_at", "detection", "mitigated_at")


class EditError(Exception):
    """An edit that makes no sense for this incident (e.g. resolving it twice)."""


class BadArgument(EditError):
    """An edit refused because of one argument the responder gave (`option`), e.g. a mitigation
    time in the future: the message says what is wrong with it in the responder's terms."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True, slots=True)
class ComponentImpact:
    """A `--component id[:level]` argument."""

    component: str
    level: ImpactLevel


@dataclass(frozen=True, slots=True)
class ComponentRecovered:
    """`update --component id:operational`: the component's impact ends."""

    component: str


#: The level that ends a component's impact.
OPERATIONAL = "operational"


def parse_change(text: str) -> ComponentImpact | ComponentRecovered:
    """`update --component`: `checkout:partial_outage`, or `checkout:operational` (recovered)."""
    name, _, level = text.partition(":")
    if name.strip() and level.strip() == OPERATIONAL:
        return ComponentRecovered(name.strip())
    try:
        return parse_component(text, default=None)
    except ValueError as error:
        raise ValueError(str(error).replace("level must be one of ", f"level must be one of {OPERATIONAL}, ")) from None


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


def _shown(value: object) -> str:
    moment = as_time(value)
    return format_time(moment) if moment else str(value)


def require_open(doc: CommentedMap, reopen_hint: bool = False) -> None:
    """Refuse an edit of a resolved incident; with `reopen_hint`, say how to reopen it."""
    if doc.get("resolved_at") is not None:
        message = f"incident {doc.get('id')} is already resolved (resolved_at: {_shown(doc['resolved_at'])})"
        if reopen_hint:
            message += (
                f"; to post a public update or change its impact, reopen it first: "
                f'statuspress reopen {doc.get("id")} "MESSAGE" (internal notes need no reopening: --internal NOTE)'
            )
        raise EditError(message)


def latest_status(doc: CommentedMap) -> UpdateStatus:
    """The status of the newest public update, `investigating` when there is none."""
    updates = [u for u in doc.get("updates") or [] if isinstance(u, dict) and u.get("at") is not None]
    if not updates:
        return UpdateStatus.INVESTIGATING
    # The last of the newest: of two in the same second the later in the file (model.newest_first).
    newest = max(reversed(updates), key=lambda u: as_time(u["at"]) or datetime.min)
    try:
        return UpdateStatus(str(newest.get("status")))
    except ValueError:
        return UpdateStatus.INVESTIGATING


def add_update(doc: CommentedMap, at: datetime, status: UpdateStatus, body: str) -> None:
    """Append a public update."""
    require_open(doc, reopen_hint=True)
    if status is UpdateStatus.RESOLVED:
        raise EditError("use `statuspress resolve` to resolve an incident")
    append_item(_list(doc, "updates", ("impact", "roles", "root_cause")), _update(at, status, body))


def add_note(doc: CommentedMap, at: datetime, by: str, text: str, notify: bool = False) -> None:
    """Append an internal timeline note; allowed after resolution too (people add what they
    learned afterwards). `notify` marks it for the stakeholders' channels."""
    pairs: list[tuple[str, object]] = [("at", Time.of(at)), ("by", by or None), ("text", text)]
    if notify:
        pairs.append(("notify", True))
    entry = mapping(pairs)
    append_item(_list(doc, "timeline", ("updates", "impact", "roles", "root_cause")), entry)


def _unmitigate(doc: CommentedMap, end: datetime) -> None:
    """The incident is no longer mitigated at `end`: spans without `to` that began before it
    keep `end` as theirs (their impact did end then), and `mitigated_at` goes."""
    started = as_time(doc.get("started_at"))
    for span in doc.get("impact") or []:
        if isinstance(span, dict) and span.get("to") is None:
            start = as_time(span.get("from")) or started
            if start is None or start < end:
                span["to"] = Time.of(end)
    del doc["mitigated_at"]


def _open_spans(doc: CommentedMap, component: str) -> list[CommentedMap]:
    return [
        item
        for item in doc.get("impact") or []
        if isinstance(item, CommentedMap) and item.get("component") == component and item.get("to") is None
    ]


def change_impact(doc: CommentedMap, change: ComponentImpact | ComponentRecovered, at: datetime) -> None:
    """From `at` on, `change.component` is at `change.level`: close its open span, open a new one
    (after `mitigated_at`, the impact is back: the mitigation is removed, the spans it ended keep
    that end). Recovered: close its open span, and that is all (one that began at `at` is removed)."""
    require_open(doc, reopen_hint=True)
    impacts = _list(doc, "impact", ("regions", "resolved_at", "mitigated_at", "detection"))
    started = as_time(doc.get("started_at"))
    regions = None
    mitigation = as_time(doc.get("mitigated_at"))
    if isinstance(change, ComponentImpact) and mitigation is not None and mitigation <= at:
        # The impact is back after the mitigation, which did not hold (as `reopen --component`).
        _unmitigate(doc, mitigation)
    spans = _open_spans(doc, change.component)
    if isinstance(change, ComponentRecovered):
        if mitigation is not None and mitigation <= at:  # a span without `to` ended at the mitigation
            spans = [s for s in spans if (as_time(s.get("from")) or started or at) >= mitigation]
        if not spans:
            raise BadArgument("--component", f"{change.component} has no open impact in this incident to end")
    for span in spans:
        start = as_time(span.get("from")) or started
        if start is not None and start >= at:  # the span began just now: change it in place
            if isinstance(change, ComponentRecovered):
                impacts.remove(span)
            else:
                span["level"] = change.level.value
            return
        span["to"] = Time.of(at)
        regions = span.get("regions", regions)
    if isinstance(change, ComponentRecovered):
        return
    entry = mapping([("component", change.component), ("level", change.level.value), ("from", Time.of(at))])
    if regions is not None:
        entry["regions"] = regions
    append_item(impacts, entry)


def check_mitigation(doc: CommentedMap, mitigated_at: datetime, at: datetime) -> None:
    """`--mitigated-at` must lie between the incident's detection and now."""
    shown = format_time(mitigated_at)
    if mitigated_at > at:
        raise BadArgument(
            "--mitigated-at",
            f"{shown} is in the future (now: {format_time(at)}); give the time user impact stopped",
        )
    for key, what in (("started_at", "started"), ("detected_at", "was detected")):
        moment = as_time(doc.get(key))
        if moment is not None and mitigated_at < moment:
            raise BadArgument(
                "--mitigated-at", f"{shown} is before the incident {what} ({key}: {format_time(moment)})"
            )


def resolve(doc: CommentedMap, at: datetime, mitigated_at: datetime | None, message: str | None) -> None:
    """Set resolved_at (and mitigated_at when absent), post `resolved`.

    Open spans are left without `to`: they end at mitigated_at by default (README, "Content
    reference"). Only a span that began after the mitigation gets `to: at`, since the default
    would end it before it began. A span that started at the resolve time itself (an incident
    opened and resolved within the same second, as monitoring automation does) lasts no time,
    rather than being refused as ending where it starts.
    """
    require_open(doc)
    if mitigated_at is not None:
        check_mitigation(doc, mitigated_at, at)
    if doc.get("mitigated_at") is None:
        put(doc, "mitigated_at", Time.of(mitigated_at or at), _TIME_KEYS)
    elif mitigated_at is not None:
        doc["mitigated_at"] = Time.of(mitigated_at)
    put(doc, "resolved_at", Time.of(at), (*_TIME_KEYS, "mitigated_at"))
    started = as_time(doc.get("started_at"))
    mitigated = as_time(doc.get("mitigated_at"))
    for span in doc.get("impact") or []:
        if isinstance(span, dict) and span.get("to") is None:
            start = as_time(span.get("from")) or started
            if start is not None and mitigated is not None and mitigated < start < at:
                span["to"] = Time.of(at)
    updates = _list(doc, "updates", ("impact", "roles", "root_cause"))
    append_item(updates, _update(at, UpdateStatus.RESOLVED, message or DEFAULT_RESOLVED_MESSAGE))


def reopen(
    doc: CommentedMap, at: datetime, status: UpdateStatus, message: str, by: str, impacts: list[ComponentImpact]
) -> None:
    """Undo a resolution that came too early: drop `resolved_at`, post `message` as a public
    update, and note the old resolution time in the internal timeline.

    With `impacts` the impact is back, so the mitigation did not hold: `mitigated_at` is dropped
    too (spans that ended with it keep that end, so the past stays as it was) and each component
    gets its level from `at` on.
    """
    resolved = doc.get("resolved_at")
    if resolved is None:
        raise EditError(f"incident {doc.get('id')} is not resolved; nothing to reopen")
    if status is UpdateStatus.RESOLVED:
        raise EditError("a reopened incident needs a status other than resolved")
    mitigated = doc.get("mitigated_at")
    note = f"Reopened; it had been resolved at {_shown(resolved)}"
    del doc["resolved_at"]
    if impacts and mitigated is not None:
        _unmitigate(doc, as_time(mitigated) or at)
        note += f" (mitigated at {_shown(mitigated)})"
    for impact in impacts:
        change_impact(doc, impact, at)
    append_item(_list(doc, "updates", ("impact", "roles", "root_cause")), _update(at, status, message))
    add_note(doc, at, by, note + ".")
