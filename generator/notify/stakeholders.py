"""The messages internal channels receive: the stakeholder view of every incident.

Any incident declared (internal ones too) with its severity, roles and affected services; every
update; every timeline note marked `notify: true`; severity changes; the resolution with TTD,
TTM and TTR; the post-mortem once published; and the maintenance messages the public gets. Each
links the knowledge base.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time, timedelta

from ..derive.durations import durations
from ..model import Incident, ReviewStatus, Site, UpdateStatus, latest, newest_first
from ..public.feeds import INCIDENT_WORDS, update_keys
from ..public.pages.labels import duration, state_label
from ..public.projection import PublicPage
from .config import Audience
from .messages import Kind, Message, order
from .public_plan import RESOLVED_TEXT, keyed, public_messages


def internal_messages(site: Site, page: PublicPage, kb_url: str, reminder: timedelta) -> list[Message]:
    """Every internal message due as of `page.now`, oldest first (severity changes aside: they
    depend on what each channel was told, see `severity_messages`)."""
    now = page.now
    found = [m for i in site.incidents if i.started_at <= now for m in incident_messages(site, i, kb_url, now)]
    found += [m for m in postmortem_messages(site, kb_url, now)]
    windows = {w.id: w for w in site.maintenance}
    for message in public_messages(page, reminder):
        if message.record == "maintenance":  # with every component, internal ones too
            components = windows[message.record_id].components
            names = ", ".join(s.name if (s := site.service(c)) else c for c in components)
            facts = tuple((label, names if label == "Components" else value) for label, value in message.facts)
            found.append(dataclasses.replace(message, audience=Audience.INTERNAL, component_ids=components,
                                             facts=facts))
    return sorted(found, key=order)


#: Where the knowledge base puts an incident's and a review's page (as `kb.paths` does; a test
#: keeps them equal). Importing `generator.kb` would load MkDocs: seconds of start-up for a
#: command run during an outage that never builds the knowledge base.
KB_INCIDENT = "incidents/{}.md"
KB_REVIEW = "postmortems/{}.md"


def kb_link(kb_url: str, page_path: str) -> str:
    """The published URL of a knowledge-base page (`incidents/ID.md` -> `.../incidents/ID.html`)."""
    return kb_url + page_path.removesuffix(".md") + ".html"


def _title(incident: Incident) -> str:
    return incident.title.strip() or incident.id


def _services(site: Site, incident: Incident) -> str:
    names = []
    for impact in incident.impact:
        service = site.service(impact.component)
        names.append(f"{service.name if service else impact.component}: {state_label(impact.level)}")
    return ", ".join(dict.fromkeys(names)) or "none listed"


def _base(site: Site, incident: Incident, kb_url: str, kind: Kind, mid: str, at: datetime, headline: str,
          body: str, facts: tuple[tuple[str, str], ...], status: str, key: str = "") -> Message:
    return Message(
        id=f"incident/{incident.id}/{mid}", kind=kind, audience=Audience.INTERNAL, at=at, record="incident",
        record_id=incident.id, title=_title(incident), headline=headline, body=body,
        link=kb_link(kb_url, KB_INCIDENT.format(incident.id)),
        component_ids=tuple(dict.fromkeys(i.component for i in incident.impact)), facts=facts,
        severity=incident.severity, status=status, update_key=key, state=state_at(incident, at),
    )


def state_at(incident: Incident, at: datetime) -> str:
    """The status the incident's updates gave it at `at` (`resolved` once resolved)."""
    if incident.resolved_at is not None and incident.resolved_at <= at:
        return UpdateStatus.RESOLVED.value
    newest = latest(u for u in incident.updates if u.at <= at)
    return newest.status.value if newest is not None else UpdateStatus.INVESTIGATING.value


def incident_messages(site: Site, incident: Incident, kb_url: str, now: datetime) -> Iterator[Message]:
    title = _title(incident)
    roles = incident.roles
    declared_at = incident.detected_at if incident.detected_at and incident.detected_at <= now else incident.started_at
    yield _base(
        site, incident, kb_url, Kind.INCIDENT_DECLARED, "declared", declared_at,
        f"{incident.severity.value.title()} {incident.type.value} incident declared: {title}", "",
        (
            ("Severity", incident.severity.value),
            ("Type", incident.type.value),
            ("Incident manager", roles.incident_manager or "not assigned"),
            ("Communications lead", roles.communications_lead or "not assigned"),
            ("Affected services", _services(site, incident)),
            ("Started", _utc(incident.started_at)),
            ("Detected", f"{_utc(incident.detected_at) if incident.detected_at else 'unknown'} "
                         f"({incident.detection.value.replace('_', ' ')})"),
        ),
        status=incident.severity.value,  # the ledger remembers the severity announced
    )
    posted = newest_first(u for u in incident.updates if u.at <= now)
    for update, key in zip(reversed(posted), keyed([u.at for u in posted]), strict=True):
        word = INCIDENT_WORDS[update.status.value]
        yield _base(site, incident, kb_url, Kind.INCIDENT_UPDATE, f"update/{key}", update.at, f"{word}: {title}",
                    update.body, (("Public update", "yes" if incident.is_public else "no (internal incident)"),),
                    status=update.status.value, key=key)
    notes = [e for e in incident.timeline if e.notify and e.at <= now]
    for entry, key in zip(notes, update_keys([e.at for e in notes]), strict=True):
        yield _base(site, incident, kb_url, Kind.NOTE, f"note/{key}", entry.at, f"Note: {title}", entry.text,
                    (("By", entry.by or "unknown"),), status="note", key=key)
    if incident.resolved_at is not None and incident.resolved_at <= now:
        measured = durations(incident)
        yield _base(
            site, incident, kb_url, Kind.INCIDENT_RESOLVED, "resolved", incident.resolved_at, f"Resolved: {title}",
            RESOLVED_TEXT,
            (
                ("TTD", _duration(measured.ttd)),
                ("TTM", _duration(measured.ttm)),
                ("TTR", _duration(measured.ttr)),
                ("Root cause", incident.root_cause.type.value
                 + (f" ({incident.root_cause.service})" if incident.root_cause.service else "")),
            ),
            status=UpdateStatus.RESOLVED.value,
        )


def severity_messages(
    site: Site, kb_url: str, now: datetime, announced: Mapping[str, tuple[int, str]]
) -> list[Message]:
    """A message for each incident whose severity differs from the one a channel was last told
    (`announced`: incident id -> (severity messages so far, severity), from the channel's ledger)."""
    found = []
    for incident in site.incidents:
        told = announced.get(incident.id)
        if told is None or incident.started_at > now or told[1] == incident.severity.value:
            continue
        count, before = told
        message = _base(
            site, incident, kb_url, Kind.SEVERITY_CHANGED, f"severity/{count + 1}-{incident.severity.value}", now,
            f"Severity {before} \u2192 {incident.severity.value}: {_title(incident)}", "",
            (("Severity", f"{before} \u2192 {incident.severity.value}"),),
            status=incident.severity.value,
        )
        found.append(dataclasses.replace(message, severity=None))  # a channel told of it hears every change
    return found


def postmortem_messages(site: Site, kb_url: str, now: datetime) -> Iterator[Message]:
    incidents = {i.id: i for i in site.incidents}
    for review in site.postmortems:
        incident = incidents.get(review.incident)
        if review.status is not ReviewStatus.PUBLISHED or incident is None or incident.started_at > now:
            continue
        at = datetime.combine(review.review_date, time(), UTC) if review.review_date else incident.resolved_at
        message = _base(
            site, incident, kb_url, Kind.POSTMORTEM_PUBLISHED, "postmortem", min(at or now, now),
            f"Post-incident review published: {_title(incident)}", review.public_summary,
            (("Authors", ", ".join(review.authors) or "not listed"),
             ("Action items", str(len(review.action_items)))),
            status="published",
        )
        yield dataclasses.replace(message, link=kb_link(kb_url, KB_REVIEW.format(incident.id)))


def _utc(at: datetime) -> str:
    return at.strftime("%d %b %Y %H:%M UTC")


def _duration(value: timedelta | None) -> str:
    return "unknown" if value is None else duration(value)


