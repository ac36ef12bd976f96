"""Words, icons and time formats of the public pages.

Status is never shown by colour alone: every state has a text label and an icon whose *shape*
differs (check, triangle, diamond, cross, wrench), so the page reads the same in grey-scale, in a
high-contrast theme and to a screen reader (icons are aria-hidden; the label is the text).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from ...derive.status import ComponentStatus, Indicator, PageStatus
from ...model import ImpactLevel, MaintenanceStatus, Severity, UpdateStatus

#: Every status-like value shown on a page, by its string value: (label, icon, css tone).
_STATES: dict[str, tuple[str, str, str]] = {
    "operational": ("Operational", "\u2713", "ok"),
    "degraded_performance": ("Degraded performance", "\u25b2", "deg"),
    "partial_outage": ("Partial outage", "\u25c6", "part"),
    "major_outage": ("Major outage", "\u2716", "major"),
    "under_maintenance": ("Under maintenance", "\u2692", "maint"),
}

#: The page status's look, by indicator: the state whose icon and tone it borrows (its words
#: are the description, "Minor Service Outage" and so on).
_INDICATOR_LOOK: dict[Indicator, str] = {
    Indicator.NONE: "operational",
    Indicator.MINOR: "degraded_performance",
    Indicator.MAJOR: "partial_outage",
    Indicator.CRITICAL: "major_outage",
    Indicator.MAINTENANCE: "under_maintenance",
}

_WORDS: dict[str, str] = {
    UpdateStatus.INVESTIGATING.value: "Investigating",
    UpdateStatus.IDENTIFIED.value: "Identified",
    UpdateStatus.MONITORING.value: "Monitoring",
    UpdateStatus.RESOLVED.value: "Resolved",
    MaintenanceStatus.SCHEDULED.value: "Scheduled",
    MaintenanceStatus.IN_PROGRESS.value: "In progress",
    MaintenanceStatus.VERIFYING.value: "Verifying",
    MaintenanceStatus.COMPLETED.value: "Completed",
    MaintenanceStatus.CANCELLED.value: "Cancelled",
    Severity.MAJOR.value: "Major",
    Severity.MEDIUM.value: "Medium",
    Severity.MINOR.value: "Minor",
}


#: A component state, an impact level, or the page status (shown by its indicator's look).
State = ComponentStatus | ImpactLevel | PageStatus | str


def _state(value: State) -> tuple[str, str, str]:
    if isinstance(value, PageStatus):
        return _STATES[_INDICATOR_LOOK[value.indicator]]
    return _STATES[str(value)]


def state_label(value: State) -> str:
    return _state(value)[0]


def state_icon(value: State) -> str:
    return _state(value)[1]


def state_tone(value: State | None) -> str:
    """The CSS modifier of a state (`ok`, `deg`, `part`, `major`, `maint`); `ok` for None."""
    return "ok" if value is None else _state(value)[2]


def banner(status: PageStatus) -> str:
    """The banner's words: the description Statuspage shows for the same state."""
    return status.description


def word(value: str) -> str:
    """The display word of an update status, maintenance status or severity."""
    return _WORDS.get(str(value), str(value).replace("_", " ").capitalize())


# The date labels below are called ~10 times per incident across pages, and strftime cost ~10 µs
# a call (profiled at 5,000 incidents): they are formatted by hand (same text as strftime in the C
# locale Python runs in) and remembered, since the same moments appear on several pages.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=1 << 16)
def status_title(name: str) -> str:
    """The site's name as a status heading: "Acme status", but "Larkspur Status" alone (a
    name that already ends in "status" is not followed by it again)."""
    return name if name.lower().endswith("status") else f"{name} status"


def iso(moment: datetime) -> str:
    """Machine-readable UTC time for `<time datetime>`."""
    m = moment.astimezone(UTC)
    return f"{m.year}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


@lru_cache(maxsize=1 << 16)
def utc(moment: datetime) -> str:
    """Human-readable UTC time with the zone named: `20 Nov 2026, 14:02 UTC`."""
    m = moment.astimezone(UTC)
    return f"{m.day} {_MONTHS[m.month - 1]} {m.year}, {m.hour:02d}:{m.minute:02d} UTC"


@lru_cache(maxsize=1 << 16)
def day(moment: datetime) -> str:
    m = moment.astimezone(UTC)
    return f"{m.day} {_MONTHS[m.month - 1]} {m.year}"


def duration(delta: timedelta) -> str:
    """`2 h 28 min`, `3 d 4 h`, `45 min`: short and unambiguous."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def percent(fraction: float) -> str:
    """Uptime as a percentage with two decimals, never rounding a loss up to 100%."""
    hundredths = math.floor(round(fraction * 10000, 6))
    return f"{hundredths / 100:.2f}%"
