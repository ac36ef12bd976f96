"""Incident metrics over a period: pure functions of (site, now, period), no clock and no I/O.

The formulas live in the submodules' docstrings, each in one place:
`..durations` (TTD/TTM/TTR), `stats` (median, p90 and the percentile method), `groups` (which
incidents and groups), `reliability` (downtime, availability, SLO, error budget, time between
failures), `followup` (due dates, overdue, completion). `export` turns a report into the stable
JSON and CSV shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...model import Site
from .followup import FollowUp, followup
from .groups import GROUPINGS, GroupMetrics, group
from .period import Period, make_period
from .reliability import ServiceReliability, reliability

__all__ = [
    "GROUPINGS",
    "FollowUp",
    "GroupMetrics",
    "Period",
    "Report",
    "ServiceReliability",
    "compute",
    "make_period",
]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `statuspress metrics` and the knowledge-base metrics pages show."""

    now: datetime
    period: Period
    overall: GroupMetrics
    by: str
    groups: tuple[GroupMetrics, ...]
    reliability: tuple[ServiceReliability, ...]
    followup: FollowUp


def compute(site: Site, now: datetime, period: Period, by: str = "service") -> Report:
    """The metrics of the incidents that started in `period`, grouped by `by`, as of `now`."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")
    return Report(
        now=now,
        period=period,
        overall=group(site, period, "all")[0],
        by=by,
        groups=tuple(group(site, period, by)),
        reliability=tuple(reliability(site, period, now)),
        followup=followup(site, now),
    )
