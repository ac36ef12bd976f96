"""Per-incident durations: TTD, TTM and TTR, each measured from when impact started.

* TTD (time to detect)   = `detected_at`  − `started_at`
* TTM (time to mitigate) = `mitigated_at` − `started_at`
* TTR (time to resolve)  = `resolved_at`  − `started_at`

A missing timestamp makes that duration unknown (`None`), never zero: an open incident has no
TTR yet, an incident nobody recorded a detection time for has no TTD. Callers count `None` as
missing. Pure: no clock, the incident alone decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..model import Incident

#: The duration names, in display order, with what they measure.
DURATION_NAMES: dict[str, str] = {
    "ttd": "time to detect (detected_at − started_at)",
    "ttm": "time to mitigate (mitigated_at − started_at)",
    "ttr": "time to resolve (resolved_at − started_at)",
}


@dataclass(frozen=True, slots=True)
class Durations:
    """One incident's TTD, TTM and TTR; `None` when the end timestamp is missing."""

    ttd: timedelta | None
    ttm: timedelta | None
    ttr: timedelta | None

    def get(self, name: str) -> timedelta | None:
        """The duration called `name` (`ttd`, `ttm` or `ttr`)."""
        if name not in DURATION_NAMES:
            raise KeyError(name)
        value: timedelta | None = getattr(self, name)
        return value


def since_start(incident: Incident, moment: datetime | None) -> timedelta | None:
    """`moment − started_at`, or None when `moment` is missing."""
    return None if moment is None else moment - incident.started_at


def durations(incident: Incident) -> Durations:
    """TTD, TTM and TTR of one incident."""
    return Durations(
        ttd=since_start(incident, incident.detected_at),
        ttm=since_start(incident, incident.mitigated_at),
        ttr=since_start(incident, incident.resolved_at),
    )
