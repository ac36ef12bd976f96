"""Follow-up figures: where every action item stands as of `now`, per priority, and the reviews
that are overdue.

* Due date: the item's `due`, else the review day (`review_date`, else the incident's resolution
  day) plus `action_item_deadlines[priority]` days (`derive.followup.effective_due`).
* State: `done`, `wont_fix`, `overdue` (open or in progress and due before today, UTC) or `open`
  (open or in progress, not overdue; also when no due date can be computed).
* Done late: done with `done_at` after the due date.
* Completion rate per priority = done / (items − wont_fix); unknown when that is zero.
* Time to close = `done_at` − review day, in days; median over done items with both dates.
* Review overdue: an external incident resolved more than `review_deadline_days` ago without a
  reviewed or published post-mortem (`derive.followup.review_overdue`).

Follow-up is a snapshot of today: it covers every review, whatever the metrics period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ...model import ActionItem, ActionStatus, Incident, Postmortem, Priority, Site
from ..followup import effective_due, is_overdue, review_day, review_due, review_overdue
from .stats import median

STATES = ("overdue", "open", "done", "wont_fix")


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """One action item with its computed due date and state."""

    incident: str
    item: ActionItem
    due: date | None
    state: str
    days_overdue: int | None  # overdue items only
    done_late: bool
    days_to_close: int | None  # done items with done_at and a review day


@dataclass(frozen=True, slots=True)
class PriorityFigures:
    """Counts and rates for one priority."""

    priority: str
    total: int
    open: int  # open or in progress, overdue ones included
    overdue: int
    done: int
    done_late: int
    wont_fix: int
    completion_rate: float | None  # 0..1
    median_days_to_close: float | None


@dataclass(frozen=True, slots=True)
class OverdueReview:
    incident: str
    title: str
    due: datetime


@dataclass(frozen=True, slots=True)
class FollowUp:
    today: date
    items: tuple[ItemFigures, ...]
    by_priority: tuple[PriorityFigures, ...]
    reviews_overdue: tuple[OverdueReview, ...]


def item_figures(
    item: ActionItem, postmortem: Postmortem, incident: Incident | None, site: Site, today: date
) -> ItemFigures:
    due = effective_due(item, postmortem, incident, site.settings)
    reviewed = review_day(postmortem, incident)
    if item.status is ActionStatus.DONE:
        state = "done"
    elif item.status is ActionStatus.WONT_FIX:
        state = "wont_fix"
    else:
        state = "overdue" if is_overdue(item, due, today) else "open"
    done = item.status is ActionStatus.DONE
    return ItemFigures(
        incident=postmortem.incident,
        item=item,
        due=due,
        state=state,
        days_overdue=(today - due).days if state == "overdue" and due is not None else None,
        done_late=done and item.done_at is not None and due is not None and item.done_at > due,
        days_to_close=(item.done_at - reviewed).days
        if done and item.done_at is not None and reviewed is not None
        else None,
    )


def priority_figures(priority: Priority, items: list[ItemFigures]) -> PriorityFigures:
    mine = [f for f in items if f.item.priority is priority]
    done = sum(f.state == "done" for f in mine)
    wont = sum(f.state == "wont_fix" for f in mine)
    countable = len(mine) - wont
    return PriorityFigures(
        priority=priority.value,
        total=len(mine),
        open=sum(f.state in ("open", "overdue") for f in mine),
        overdue=sum(f.state == "overdue" for f in mine),
        done=done,
        done_late=sum(f.done_late for f in mine),
        wont_fix=wont,
        completion_rate=done / countable if countable else None,
        median_days_to_close=median(float(f.days_to_close) for f in mine if f.days_to_close is not None),
    )


def _order(figures: ItemFigures) -> tuple[int, str, str, str]:
    """Overdue first, then open, done, won't fix; then by due date and id."""
    return (STATES.index(figures.state), (figures.due or date.max).isoformat(), figures.item.id, figures.incident)


def followup(site: Site, now: datetime) -> FollowUp:
    """Every action item's state, the figures per priority, and the overdue reviews, as of `now`."""
    today = now.date()
    incidents = {i.id: i for i in site.incidents}
    items = [
        item_figures(item, pm, incidents.get(pm.incident), site, today)
        for pm in site.postmortems
        for item in pm.action_items
    ]
    items.sort(key=_order)
    reviews = {pm.incident: pm for pm in site.postmortems}
    overdue_reviews = []
    for incident in site.incidents:
        if review_overdue(incident, reviews.get(incident.id), site.settings, now):
            due = review_due(incident, site.settings)
            assert due is not None  # review_overdue implies a due time
            overdue_reviews.append(OverdueReview(incident.id, incident.title, due))
    overdue_reviews.sort(key=lambda r: (r.due, r.incident))
    return FollowUp(
        today=today,
        items=tuple(items),
        by_priority=tuple(priority_figures(p, items) for p in Priority),
        reviews_overdue=tuple(overdue_reviews),
    )
