"""A notification before it is rendered for a channel: what happened, to which record, and the
stable id that the ledger keeps, so the same update is never announced twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..model import Severity
from .config import Audience, Channel, Events


class Kind(StrEnum):
    """What a message announces."""

    INCIDENT_CREATED = "incident_created"  # a new incident on the public page: its first update
    INCIDENT_DECLARED = "incident_declared"  # internal: any incident, with roles and severity
    INCIDENT_UPDATE = "incident_update"
    SEVERITY_CHANGED = "severity_changed"
    NOTE = "note"  # internal: a timeline entry marked `notify: true`
    INCIDENT_RESOLVED = "incident_resolved"
    POSTMORTEM_PUBLISHED = "postmortem_published"
    MAINTENANCE_SCHEDULED = "maintenance_scheduled"
    MAINTENANCE_UPDATE = "maintenance_update"
    MAINTENANCE_REMINDER = "maintenance_reminder"
    MAINTENANCE_STARTED = "maintenance_started"
    MAINTENANCE_COMPLETED = "maintenance_completed"


@dataclass(frozen=True, slots=True)
class Message:
    """One notification, the same for every channel of its audience until rendered."""

    id: str  # stable: `incident/INC-1/update/20261120T141200Z`; the ledger's key with the channel
    kind: Kind
    audience: Audience
    at: datetime  # when it happened: messages go out in this order
    record: str  # `incident` or `maintenance`
    record_id: str
    title: str  # the record's title (plain text)
    headline: str  # `Identified: Elevated errors at checkout`
    body: str  # Markdown written by people: rendered and sanitised by each renderer
    link: str  # the public page (public) or the knowledge-base page (internal)
    component_ids: tuple[str, ...]  # for the channel filters
    facts: tuple[tuple[str, str], ...]  # label, value: affected components, roles, durations...
    severity: Severity | None = None  # incidents only
    status: str = ""  # the record's status word after this message (`identified`, `in_progress`)
    update_key: str = ""  # the update's key (`20261120T141200Z`) when it announces an update
    state: str = ""  # internal messages: the incident's update status at `at` (webhook bodies)

    @property
    def thread(self) -> str:
        """Messages of one record form one e-mail thread."""
        return f"{self.record}/{self.record_id}"


#: Within one instant: the declaration first, then what people wrote, then the summaries.
_KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind)}


def order(message: Message) -> tuple[datetime, int, str]:
    """The order messages go out in: by time, then kind, then id."""
    return message.at, _KIND_ORDER[message.kind], message.id


_SEVERITY_RANK = {Severity.MINOR: 0, Severity.MEDIUM: 1, Severity.MAJOR: 2}


def severity_rank(severity: Severity) -> int:
    return _SEVERITY_RANK[severity]


def wanted(channel: Channel, message: Message, groups_of: dict[str, str]) -> bool:
    """Whether `channel`'s filters let `message` through (`groups_of`: service id -> group)."""
    if message.audience is not channel.audience:
        return False
    event = Events.INCIDENTS if message.record == "incident" else Events.MAINTENANCE
    if event not in channel.events:
        return False
    if channel.components or channel.groups:
        hit = any(c in channel.components or groups_of.get(c) in channel.groups for c in message.component_ids)
        if not hit:
            return False
    if channel.min_severity is not None and message.severity is not None:
        return severity_rank(message.severity) >= severity_rank(channel.min_severity)
    return True
