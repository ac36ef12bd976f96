"""The messages public channels receive, made from the public projection and nothing else.

`PublicPage` has no field for roles, timelines, action items or internal services, so no public
message can carry them, whatever a renderer does. Ids follow the feeds' item ids (record id and
update time), so a rebuild never makes an old update look new.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from ..model import MaintenanceStatus, UpdateStatus
from ..public import urls
from ..public.api.objects import incident_state
from ..public.feeds import INCIDENT_WORDS, MAINTENANCE_WORDS, update_keys
from ..public.pages.labels import state_label
from ..public.projection import PublicIncident, PublicMaintenance, PublicPage
from .config import Audience
from .messages import Kind, Message, order
from .schedule import Phase, phase

RESOLVED_TEXT = "This incident has been resolved."
STARTED_TEXT = "The scheduled maintenance has started."
COMPLETED_TEXT = "The scheduled maintenance has been completed."


def public_messages(page: PublicPage, reminder: timedelta) -> list[Message]:
    """Every public message due as of `page.now`, oldest first."""
    found = [m for i in page.incidents for m in incident_messages(page, i)]
    found += [m for w in page.maintenance for m in maintenance_messages(page, w, reminder)]
    return sorted(found, key=order)


def keyed(times_newest_first: list[datetime]) -> list[str]:
    """The update keys (as the feeds and API make them), oldest first."""
    return update_keys(list(reversed(times_newest_first)))


def _names(page: PublicPage, component_ids: tuple[str, ...]) -> str:
    return ", ".join(page.component(c).name for c in component_ids) or "none listed"


def incident_messages(page: PublicPage, incident: PublicIncident) -> Iterator[Message]:
    link = urls.absolute(page.base_url, urls.incident(incident.id))
    title = incident.title.strip() or incident.id
    oldest = list(reversed(incident.updates))
    keys = keyed([u.at for u in incident.updates])

    def message(kind: Kind, mid: str, at: datetime, status: str, body: str, key: str = "") -> Message:
        state = {} if status == UpdateStatus.RESOLVED else incident_state(incident, at)
        impact = ", ".join(f"{page.component(c).name}: {state_label(state.get(c, 'operational'))}"
                           for c in incident.component_ids)
        return Message(
            id=f"incident/{incident.id}/{mid}", kind=kind, audience=Audience.PUBLIC, at=at, record="incident",
            record_id=incident.id, title=title, headline=f"{INCIDENT_WORDS[status]}: {title}", body=body,
            link=link, component_ids=incident.component_ids,
            facts=(("Affected components", impact or "none listed"),), severity=incident.severity,
            status=status, update_key=key,
        )

    if not oldest:
        yield message(Kind.INCIDENT_CREATED, "created", incident.started_at, UpdateStatus.INVESTIGATING, "")
    for index, (update, key) in enumerate(zip(oldest, keys, strict=True)):
        kind = Kind.INCIDENT_CREATED if index == 0 else Kind.INCIDENT_UPDATE
        if update.status is UpdateStatus.RESOLVED:
            kind = Kind.INCIDENT_RESOLVED
        yield message(kind, f"update/{key}", update.at, update.status, update.body, key)
    resolved_update = any(u.status is UpdateStatus.RESOLVED for u in oldest)
    if incident.resolved_at is not None and not resolved_update:
        yield message(Kind.INCIDENT_RESOLVED, "resolved", incident.resolved_at, UpdateStatus.RESOLVED, RESOLVED_TEXT)


def maintenance_messages(page: PublicPage, window: PublicMaintenance, reminder: timedelta) -> Iterator[Message]:
    link = urls.absolute(page.base_url, urls.maintenance(window.id))
    title = window.title.strip() or window.id
    oldest = list(reversed(window.updates))
    keys = keyed([u.at for u in window.updates])
    span = f"{_utc(window.scheduled_start)} to {_utc(window.scheduled_end)}"
    facts = (("Scheduled", span), ("Components", _names(page, window.component_ids)))

    def message(kind: Kind, mid: str, at: datetime, status: MaintenanceStatus, body: str, key: str = "",
                word: str = "") -> Message:
        return Message(
            id=f"maintenance/{window.id}/{mid}", kind=kind, audience=Audience.PUBLIC, at=at, record="maintenance",
            record_id=window.id, title=title, headline=f"{word or MAINTENANCE_WORDS[status]}: {title}", body=body,
            link=link, component_ids=window.component_ids, facts=facts, status=status.value, update_key=key,
        )

    if not oldest:  # announced by the window itself
        yield message(Kind.MAINTENANCE_SCHEDULED, "scheduled", min(page.now, window.scheduled_start),
                      MaintenanceStatus.SCHEDULED, "")
    for index, (update, key) in enumerate(zip(oldest, keys, strict=True)):
        kind = _MAINTENANCE_KINDS.get(update.status, Kind.MAINTENANCE_UPDATE)
        if index == 0 and update.status is MaintenanceStatus.SCHEDULED:
            kind = Kind.MAINTENANCE_SCHEDULED
        if getattr(update, "automatic", False) and update.status in _AUTOMATIC:
            # a transition of the schedule that the projection shows as an update: the same
            # message (and id) as the one made from the schedule below when it does not; one
            # already followed by another change is not announced late
            if index == len(oldest) - 1:
                yield message(kind, _AUTOMATIC[update.status], update.at, update.status,
                              update.body or _TEXTS[kind])
            continue
        yield message(kind, f"update/{key}", update.at, update.status, update.body, key)
    now = phase(window, page.now)
    written = {u.status for u in oldest}
    reminder_at = window.scheduled_start - reminder
    if reminder and now is Phase.UPCOMING and reminder_at <= page.now:
        # a window posted within the reminder time is announced first, then reminded of
        announced = oldest[0].at if oldest else min(page.now, window.scheduled_start)
        starts = f"Starts {_utc(window.scheduled_start)}, in {_minutes(window.scheduled_start - page.now)}."
        yield message(Kind.MAINTENANCE_REMINDER, "reminder", max(reminder_at, announced), MaintenanceStatus.SCHEDULED,
                      starts, word="Maintenance reminder")
    if now is Phase.IN_PROGRESS and not written & _STARTED:
        yield message(Kind.MAINTENANCE_STARTED, "started", window.scheduled_start, MaintenanceStatus.IN_PROGRESS,
                      STARTED_TEXT)
    if now is Phase.COMPLETED and not written & _FINISHED:
        yield message(Kind.MAINTENANCE_COMPLETED, "completed", window.scheduled_end, MaintenanceStatus.COMPLETED,
                      COMPLETED_TEXT)


_MAINTENANCE_KINDS = {
    MaintenanceStatus.IN_PROGRESS: Kind.MAINTENANCE_STARTED,
    MaintenanceStatus.COMPLETED: Kind.MAINTENANCE_COMPLETED,
}
_AUTOMATIC = {MaintenanceStatus.IN_PROGRESS: "started", MaintenanceStatus.COMPLETED: "completed"}
_TEXTS = {Kind.MAINTENANCE_STARTED: STARTED_TEXT, Kind.MAINTENANCE_COMPLETED: COMPLETED_TEXT}
_STARTED = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING, MaintenanceStatus.COMPLETED})
_FINISHED = frozenset({MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED})


def _utc(at: datetime) -> str:
    return at.strftime("%d %b %Y %H:%M UTC")


def _minutes(delta: timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
