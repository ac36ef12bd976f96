"""Follow-up deadlines: when an action item or a review is due. Pure functions of (site, now)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from ..model import ActionItem, ActionStatus, Incident, IncidentType, Postmortem, ReviewStatus, Settings

OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


class Resolvable(Protocol):
    """What deadlines read of an incident: an `Incident`, or the checks' `IncidentFacts`."""

    @property
    def type(self) -> IncidentType: ...

    @property
    def resolved_at(self) -> datetime | None: ...


def review_day(postmortem: Postmortem, incident: Resolvable | None) -> date | None:
    """The day a review took place: its `review_date`, else the day its incident was resolved."""
    if postmortem.review_date is not None:
        return postmortem.review_date
    if incident is not None and incident.resolved_at is not None:
        return incident.resolved_at.date()
    return None


def effective_due(
    item: ActionItem, postmortem: Postmortem, incident: Resolvable | None, settings: Settings
) -> date | None:
    """The item's `due`, else the review day plus the priority's deadline from `site.yaml`."""
    if item.due is not None:
        return item.due
    start = review_day(postmortem, incident)
    if start is None:
        return None
    return start + timedelta(days=settings.action_item_deadlines[item.priority])


def overdue_after(item: ActionItem, due: date | None) -> datetime | None:
    """The moment after which an item is overdue: the end of its due day (UTC), while it is open."""
    if item.status not in OPEN_STATUSES or due is None:
        return None
    return datetime.combine(due, time.max, UTC)


def is_overdue(item: ActionItem, due: date | None, today: date) -> bool:
    """Still open and past its due day (due today is not overdue)."""
    after = overdue_after(item, due)
    return after is not None and today > after.date()


def review_due(incident: Resolvable, settings: Settings) -> datetime | None:
    """When an external incident's review is due: `review_deadline_days` after resolution."""
    if incident.type is not IncidentType.EXTERNAL or incident.resolved_at is None:
        return None
    return incident.resolved_at + timedelta(days=settings.review_deadline_days)


def review_overdue_after(
    incident: Resolvable, postmortem: Postmortem | None, settings: Settings
) -> datetime | None:
    """The moment after which an external incident's review is overdue: its deadline, while it
    has no reviewed or published post-mortem."""
    due = review_due(incident, settings)
    if due is None or not (postmortem is None or postmortem.status is ReviewStatus.DRAFT):
        return None
    return due


def review_overdue(
    incident: Incident, postmortem: Postmortem | None, settings: Settings, now: datetime
) -> bool:
    """An external incident past its review deadline without a reviewed or published review."""
    after = review_overdue_after(incident, postmortem, settings)
    return after is not None and now > after
