"""The content model: frozen, typed records of everything in `content/`.

Every field here is a field of the content files (see README "Content reference"). The YAML name
of a field is its Python name, except where `yaml_name()` says otherwise (`from`/`to` are Python
keywords). All datetimes are timezone-aware and in UTC; dates are plain `datetime.date`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar


def yaml_name(f: dataclasses.Field[Any]) -> str:
    """The key a model field has in the content files."""
    return str(f.metadata.get("yaml", f.name))


def doc(text: str, yaml: str | None = None) -> dict[str, str]:
    """Field metadata: a one-line description (shown in docs) and an optional YAML key name."""
    meta = {"doc": text}
    if yaml:
        meta["yaml"] = yaml
    return meta


class IncidentType(StrEnum):
    """Who is told: external incidents reach the public page, internal ones never do."""

    EXTERNAL = "external"
    INTERNAL = "internal"


class Severity(StrEnum):
    """How bad it is, from the severity guidelines in `site.yaml`."""

    MAJOR = "major"
    MEDIUM = "medium"
    MINOR = "minor"


class Detection(StrEnum):
    """How the organisation learnt of the incident."""

    MONITORING = "monitoring"
    CUSTOMER_REPORT = "customer_report"
    EMPLOYEE = "employee"
    SOCIAL_MEDIA = "social_media"
    OTHER = "other"


class ImpactLevel(StrEnum):
    """The state of a component while an incident affects it, mildest first."""

    DEGRADED_PERFORMANCE = "degraded_performance"
    UNDER_MAINTENANCE = "under_maintenance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"


class UpdateStatus(StrEnum):
    """The status a public incident update announces."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class RootCauseType(StrEnum):
    """The class of cause, for the metrics breakdowns."""

    DEPLOY = "deploy"
    CONFIG = "config"
    CAPACITY = "capacity"
    DEPENDENCY = "dependency"
    HARDWARE = "hardware"
    NETWORK = "network"
    SECURITY = "security"
    UNKNOWN = "unknown"


class MaintenanceStatus(StrEnum):
    """The status a maintenance update announces."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReviewStatus(StrEnum):
    """Where a post-incident review stands; only `published` ones show a public summary."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PUBLISHED = "published"


class Priority(StrEnum):
    """Action item priority; each has a default deadline in `site.yaml`."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class ActionStatus(StrEnum):
    """Where an action item stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_FIX = "wont_fix"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was written: the file (relative to `content/`) and the line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# --------------------------------------------------------------------------- site and services


@dataclass(frozen=True, slots=True)
class UptimeWeights:
    """How much of each impact level's time counts as downtime."""

    major_outage: float = field(default=1.0, metadata=doc("Share of major outage time counted as downtime."))
    partial_outage: float = field(
        default=0.3, metadata=doc("Share of partial outage time counted as downtime.")
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """`site.yaml`: the organisation and the knobs of both sites."""

    name: str = field(metadata=doc("Organisation or page name shown in titles."))
    base_url: str = field(metadata=doc("Public URL of the status page, ending in `/`."))
    timezone: str = field(default="UTC", metadata=doc("IANA time zone of the organisation."))
    description: str = field(default="", metadata=doc("One sentence about the page."))
    uptime_days: int = field(default=90, metadata=doc("Days of uptime history on the public page."))
    review_deadline_days: int = field(
        default=14, metadata=doc("Days after resolution by which an external incident needs a review.")
    )
    severity_guidelines: dict[Severity, str] = field(
        default_factory=dict, metadata=doc("Markdown text per severity, shown in the knowledge base.")
    )
    redaction_patterns: tuple[str, ...] = field(
        default=(), metadata=doc("Regular expressions that must never match public text.")
    )
    uptime_weights: UptimeWeights = field(
        default_factory=UptimeWeights, metadata=doc("Downtime weights per impact level.")
    )
    feed_items: int = field(default=50, metadata=doc("Maximum number of items per feed."))
    action_item_deadlines: dict[Priority, int] = field(
        default_factory=lambda: {Priority.P0: 7, Priority.P1: 15, Priority.P2: 30, Priority.P3: 90},
        metadata=doc("Days after the review an action item without `due` is due, per priority."),
    )
    runbook_stale_days: int = field(
        default=180, metadata=doc("A runbook not reviewed for this many days is marked stale.")
    )
    history_page_size: int = field(default=50, metadata=doc("Entries per public history page."))
    max_file_bytes: int = field(
        default=1024 * 1024, metadata=doc("Content files larger than this are rejected.")
    )


@dataclass(frozen=True, slots=True)
class Service:
    """A component of the product or an internal system, from `services.yaml`."""

    id: str = field(metadata=doc("Unique id, used in URLs and references."))
    name: str = field(metadata=doc("Display name."))
    group: str = field(metadata=doc("Name of its group, one of `groups`."))
    description: str = field(default="", metadata=doc("One line about what it does."))
    public: bool = field(default=True, metadata=doc("false: never shown on the public site."))
    owner: str = field(default="", metadata=doc("Owning team."))
    oncall: str = field(default="", metadata=doc("On-call rotation."))
    slo: float | None = field(default=None, metadata=doc("Availability target in percent."))
    runbooks: tuple[str, ...] = field(
        default=(), metadata=doc("Extra runbook links (URLs) besides the runbooks in `runbooks/`.")
    )
    source: Source = field(default=Source("services.yaml", 1), metadata=doc("internal"))


@dataclass(frozen=True, slots=True)
class Group:
    """A group of services, in the order `services.yaml` lists the groups."""

    id: str
    name: str


# --------------------------------------------------------------------------- incidents


@dataclass(frozen=True, slots=True)
class Impact:
    """How one component was affected by an incident, and when."""

    component: str = field(metadata=doc("Service id."))
    level: ImpactLevel = field(metadata=doc("Impact level."))
    start: datetime | None = field(
        default=None, metadata=doc("Start of this impact (default: `started_at`).", yaml="from")
    )
    end: datetime | None = field(
        default=None,
        metadata=doc("End of this impact (default: `mitigated_at`, else `resolved_at`).", yaml="to"),
    )
    regions: tuple[str, ...] = field(default=(), metadata=doc("Regions affected, if not all."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


@dataclass(frozen=True, slots=True)
class Roles:
    """The people in the incident's roles. Internal: never public."""

    incident_manager: str = field(default="", metadata=doc("Incident manager."))
    communications_lead: str = field(default="", metadata=doc("Communications lead."))
    oncall: tuple[str, ...] = field(default=(), metadata=doc("On-call engineers."))
    customer_escalation_manager: str = field(default="", metadata=doc("Customer escalation manager."))
    executive: str = field(default="", metadata=doc("Executive sponsor."))


@dataclass(frozen=True, slots=True)
class RootCause:
    """The class and place of the cause."""

    type: RootCauseType = field(default=RootCauseType.UNKNOWN, metadata=doc("Root cause type."))
    service: str = field(default="", metadata=doc("Service id where the cause lay."))


@dataclass(frozen=True, slots=True)
class Update:
    """A public status update of an incident."""

    at: datetime = field(metadata=doc("When it was posted."))
    status: UpdateStatus = field(metadata=doc("Status it announces."))
    body: str = field(metadata=doc("Markdown text for customers."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


class _Posted(Protocol):
    @property
    def at(self) -> datetime: ...


PostedT = TypeVar("PostedT", bound=_Posted)


def newest_first(updates: Iterable[PostedT]) -> list[PostedT]:
    """Updates newest first. Of two posted in the same second the one later in the file is the
    newer: the responder commands append, so `new incident` and `resolve` run by automation in
    one second must read as resolved (the feeds' `-2` ids count in file order too)."""
    return sorted(reversed(list(updates)), key=lambda u: u.at, reverse=True)


def latest(updates: Iterable[PostedT]) -> PostedT | None:
    """The newest update as `newest_first` orders them; None when there is none."""
    found = newest_first(updates)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An internal timeline note. Never public."""

    at: datetime = field(metadata=doc("When it happened."))
    by: str = field(default="", metadata=doc("Who or what wrote it."))
    text: str = field(default="", metadata=doc("What happened."))
    notify: bool = field(default=False, metadata=doc("true: also sent to internal notification channels."))


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident, from `incidents/*.yaml`."""

    id: str = field(metadata=doc("Unique id: letters, digits, `-`, `_`."))
    title: str = field(metadata=doc("Short title."))
    type: IncidentType = field(metadata=doc("`external` or `internal`."))
    severity: Severity = field(metadata=doc("`major`, `medium` or `minor`."))
    started_at: datetime = field(metadata=doc("When impact started."))
    detected_at: datetime | None = field(default=None, metadata=doc("When it was detected."))
    detection: Detection = field(default=Detection.OTHER, metadata=doc("How it was detected."))
    mitigated_at: datetime | None = field(default=None, metadata=doc("When impact was mitigated."))
    resolved_at: datetime | None = field(default=None, metadata=doc("When it was resolved."))
    regions: tuple[str, ...] = field(default=(), metadata=doc("Regions affected."))
    impact: tuple[Impact, ...] = field(default=(), metadata=doc("Affected components."))
    roles: Roles = field(default_factory=Roles, metadata=doc("Incident roles (internal)."))
    root_cause: RootCause = field(default_factory=RootCause, metadata=doc("Root cause."))
    updates: tuple[Update, ...] = field(default=(), metadata=doc("Public updates, any order."))
    timeline: tuple[TimelineEntry, ...] = field(default=(), metadata=doc("Internal timeline."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_public(self) -> bool:
        return self.type is IncidentType.EXTERNAL


# --------------------------------------------------------------------------- maintenance


@dataclass(frozen=True, slots=True)
class MaintenanceUpdate:
    """A public update of a maintenance window."""

    at: datetime = field(metadata=doc("When it was posted."))
    status: MaintenanceStatus = field(metadata=doc("Status it announces."))
    body: str = field(default="", metadata=doc("Markdown text for customers."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


@dataclass(frozen=True, slots=True)
class Maintenance:
    """A scheduled maintenance window, from `maintenance/*.yaml`."""

    id: str = field(metadata=doc("Unique id."))
    title: str = field(metadata=doc("Short title."))
    components: tuple[str, ...] = field(metadata=doc("Service ids under maintenance."))
    scheduled_start: datetime = field(metadata=doc("Planned start."))
    scheduled_end: datetime = field(metadata=doc("Planned end."))
    updates: tuple[MaintenanceUpdate, ...] = field(default=(), metadata=doc("Public updates."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))

    @property
    def status(self) -> MaintenanceStatus:
        """The status of the latest update (`scheduled` when there is none)."""
        newest = latest(self.updates)
        return newest.status if newest is not None else MaintenanceStatus.SCHEDULED


# --------------------------------------------------------------------------- reviews and runbooks


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A follow-up from a post-incident review. Internal."""

    id: str = field(metadata=doc("Unique id."))
    title: str = field(metadata=doc("What is to be done."))
    owner: str = field(default="", metadata=doc("Owning person or team."))
    priority: Priority = field(default=Priority.P2, metadata=doc("`P0` to `P3`."))
    due: date | None = field(default=None, metadata=doc("Due date (default from priority)."))
    status: ActionStatus = field(default=ActionStatus.OPEN, metadata=doc("Where it stands."))
    link: str = field(default="", metadata=doc("Link to the ticket."))
    done_at: date | None = field(default=None, metadata=doc("When it was closed."))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


@dataclass(frozen=True, slots=True)
class Postmortem:
    """A post-incident review, from `postmortems/*.md`."""

    incident: str = field(metadata=doc("Id of the incident it reviews."))
    authors: tuple[str, ...] = field(default=(), metadata=doc("Authors (internal)."))
    status: ReviewStatus = field(default=ReviewStatus.DRAFT, metadata=doc("Review status."))
    review_date: date | None = field(default=None, metadata=doc("Date of the review meeting."))
    public_summary: str = field(
        default="", metadata=doc("Markdown shown on the public incident page once published.")
    )
    action_items: tuple[ActionItem, ...] = field(default=(), metadata=doc("Follow-ups."))
    body: str = field(default="", metadata=doc("internal"))
    body_line: int = field(default=1, metadata=doc("internal"))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


@dataclass(frozen=True, slots=True)
class Runbook:
    """An operational runbook, from `runbooks/**/*.md`."""

    path: str = field(metadata=doc("internal"))
    title: str = field(metadata=doc("Title."))
    services: tuple[str, ...] = field(default=(), metadata=doc("Service ids it covers."))
    alerts: tuple[str, ...] = field(default=(), metadata=doc("Alert names that lead here."))
    owner: str = field(default="", metadata=doc("Owning team."))
    last_reviewed: date | None = field(default=None, metadata=doc("When it was last checked."))
    body: str = field(default="", metadata=doc("internal"))
    source: Source = field(default=Source("", 0), metadata=doc("internal"))


# --------------------------------------------------------------------------- the whole site


@dataclass(frozen=True, slots=True)
class Site:
    """Everything loaded from one content folder, validated and sorted."""

    settings: Settings
    groups: tuple[Group, ...]
    services: tuple[Service, ...]
    incidents: tuple[Incident, ...]
    maintenance: tuple[Maintenance, ...]
    postmortems: tuple[Postmortem, ...]
    runbooks: tuple[Runbook, ...]

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)
