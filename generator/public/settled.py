"""Settled incidents: what the site-wide pages need of an incident that nothing shows in full
any more, so a rebuild does not make its whole public view.

An incident is settled at a build's `now` when it is resolved and every one of its times (start,
resolution, each update, each impact's start and end: `projection.moments`) lies before
`settled_before(now, ...)`, the start of every window in which pages list incidents in full: the
component pages' last 12 months, the uptime bars' days, the home page's last 7 days (open
incidents are never settled). Such an incident appears only in lists of all incidents: history
pages and year archives (by the fields `views.listed` names), the sitemap, its components'
uptime (its impacts' spans), the page's last change and earliest time, and its own page, which is
kept from the last build by its page key. A `SettledIncident` holds exactly that; its full view
is read back (projcache.py) only for the rare reader that needs it: its page rendered again, a
feed or the API reaching back that far. At 20,000 incidents four fifths are settled, and making
their views from the kept month files was the largest part of a warm rebuild (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..derive.uptime import day_start
from ..model import ImpactLevel, UpdateStatus
from .pages.views import RECENT_DAYS, months_start
from .projection import PublicIncident

#: One impact of a settled incident: (component id, level, start, end).
SettledImpact = tuple[str, ImpactLevel, datetime, datetime]


@dataclass(frozen=True, slots=True)
class SettledIncident:
    """A settled incident as lists of all incidents show it (see the module)."""

    id: str
    title: str
    worst: ImpactLevel | None
    started_at: datetime
    resolved_at: datetime
    updated_at: datetime
    newest_update: datetime | None  # its newest public update's time: the feeds' order
    component_ids: tuple[str, ...]
    impacts: tuple[SettledImpact, ...]  # in the view's order: the uptime spans
    page_key: bytes  # the key of its page (reuse.py)
    listed_key: bytes  # reuse.listed_key of its view

    @property
    def is_open(self) -> bool:
        return False

    @property
    def status(self) -> UpdateStatus:
        return UpdateStatus.RESOLVED


def settled(view: PublicIncident, page_key: bytes | None, listed_key: bytes | None) -> SettledIncident | None:
    """The settled form of a closed view (None for an open one, or one without its keys)."""
    if view.resolved_at is None or page_key is None or listed_key is None:
        return None
    impacts = []
    for impact in view.impacts:
        if impact.end is None:
            return None
        impacts.append((impact.component_id, impact.level, impact.start, impact.end))
    return SettledIncident(view.id, view.title, view.worst, view.started_at, view.resolved_at, view.updated_at,
                           view.updates[0].at if view.updates else None, view.component_ids, tuple(impacts),
                           page_key, listed_key)


def settled_before(now: datetime, uptime_days: int) -> datetime:
    """The start of the earliest window in which a page lists incidents in full at `now`: an
    incident all of whose times are before it is settled."""
    bars = day_start(now.date() - timedelta(days=max(uptime_days, 1) - 1))
    return min(day_start(months_start(now)), bars, now - timedelta(days=RECENT_DAYS)) - timedelta(days=1)
