"""A maintenance window's course as known at `now`: its posted updates and its schedule.

A window follows its schedule unless an update says otherwise, as Statuspage's automatic
transitions do: at `scheduled_start` a window still `scheduled` goes `in_progress`, and at
`scheduled_end` a window still `scheduled` or `in_progress` is `completed`. Each such transition
is a phase of its own, at that moment, with the words Statuspage posts for it, so every output
(pages, feeds, API, calendar) shows it like an update. An update decides instead when it says
something else first: an early `in_progress` or `completed`, `verifying` (held until an update
completes it), `cancelled`, or any status posted after a transition (an overrun posted as
`in_progress` after the end keeps the window in progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..model import Maintenance, MaintenanceStatus

#: What Statuspage's automatic transitions say (captured in ../shared/corpora).
AUTOMATIC_WORDS: dict[MaintenanceStatus, str] = {
    MaintenanceStatus.IN_PROGRESS: (
        "Scheduled maintenance is currently in progress. We will provide updates as necessary."
    ),
    MaintenanceStatus.COMPLETED: "The scheduled maintenance has been completed.",
}

#: Statuses during which the window's components are under maintenance.
UNDER_WAY = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})


@dataclass(frozen=True, slots=True)
class Phase:
    """One change of a window's status: a posted update, or a transition of its schedule."""

    at: datetime
    status: MaintenanceStatus
    body: str  # Markdown
    automatic: bool  # True: from the schedule, not posted by anyone


def phases(window: Maintenance, now: datetime) -> list[Phase]:
    """The window's updates posted by `now` and the schedule's transitions that applied by
    then, oldest first (an update at the very moment of a transition replaces it)."""
    posted = sorted((u for u in window.updates if u.at <= now), key=lambda u: u.at)
    moments = {u.at for u in posted}
    marks = [
        (window.scheduled_start, MaintenanceStatus.IN_PROGRESS),
        (window.scheduled_end, MaintenanceStatus.COMPLETED),
    ]
    result: list[Phase] = []
    state = MaintenanceStatus.SCHEDULED
    index = 0
    for moment, target in marks:
        while index < len(posted) and posted[index].at <= moment:
            update = posted[index]
            result.append(Phase(update.at, update.status, update.body, automatic=False))
            state = update.status
            index += 1
        applies = state is MaintenanceStatus.SCHEDULED or (
            target is MaintenanceStatus.COMPLETED and state is MaintenanceStatus.IN_PROGRESS
        )
        if moment <= now and applies and moment not in moments:
            result.append(Phase(moment, target, AUTOMATIC_WORDS[target], automatic=True))
            state = target
    result += [Phase(u.at, u.status, u.body, automatic=False) for u in posted[index:]]
    return result


def status(course: list[Phase]) -> MaintenanceStatus:
    """The status after `course` (from `phases`): its last phase's, `scheduled` before any."""
    return course[-1].status if course else MaintenanceStatus.SCHEDULED


def under_way(course: list[Phase]) -> list[tuple[datetime, datetime | None]]:
    """The stretches of `course` during which the window was in progress or verifying, oldest
    first; the last one's end is None while it still is."""
    stretches: list[tuple[datetime, datetime | None]] = []
    began: datetime | None = None
    for phase in course:
        if phase.status in UNDER_WAY and began is None:
            began = phase.at
        elif phase.status not in UNDER_WAY and began is not None:
            stretches.append((began, phase.at))
            began = None
    if began is not None:
        stretches.append((began, None))
    return stretches
