"""Words, icons and time formats of the public pages.

Status is never shown by colour alone: every state has a text label and an icon whose *shape*
differs (check, triangle, diamond, cross, wrench), so the page reads the same in grey-scale, in a
high-contrast theme and to a screen reader (icons are aria-hidden; the label is the text).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from ...derive.status import ComponentStatus, OverallStatus
from ...model import ImpactLevel, MaintenanceStatus, Severity, UpdateStatus

#: Every status-like value shown on a page, by its string value: (label, icon, css tone).
_STATES: dict[str, tuple[str, str, str]] = {
    "operational": ("Operational", "\u2713", "ok"),
    "degraded_performance": ("Degraded performance", "\u25b2", "deg"),
    "degraded": ("Degraded performance", "\u25b2", "deg"),
    "partial_outage": ("Partial outage", "\u25c6", "part"),
    "major_outage": ("Major outage", "\u2716", "major"),
    "under_maintenance": ("Under maintenance", "\u2692", "maint"),
    "maintenance": ("Under maintenance", "\u2692", "maint"),
}

_BANNERS: dict[OverallStatus, str] = {
    OverallStatus.OPERATIONAL: "All systems operational",
    OverallStatus.DEGRADED: "Some systems have degraded performance",
    OverallStatus.PARTIAL_OUTAGE: "Partial outage",
    OverallStatus.MAJOR_OUTAGE: "Major outage",
    OverallStatus.MAINTENANCE: "Maintenance in progress",
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


def state_label(value: ComponentStatus | OverallStatus | ImpactLevel | str) -> str:
    return _STATES[str(value)][0]


def state_icon(value: ComponentStatus | OverallStatus | ImpactLevel | str) -> str:
    return _STATES[str(value)][1]


def state_tone(value: ComponentStatus | OverallStatus | ImpactLevel | str | None) -> str:
    """The CSS modifier of a state (`ok`, `deg`, `part`, `major`, `maint`); `ok` for None."""
    return "ok" if value is None else _STATES[str(value)][2]


def banner(status: OverallStatus) -> str:
    return _BANNERS[status]


def word(value: str) -> str:
    """The display word of an update status, maintenance status or severity."""
    return _WORDS.get(str(value), str(value).replace("_", " ").capitalize())


# The date labels below are called ~10 times per incident across pages, and strftime cost ~10 µs
# a call (profiled at 5,000 incidents): they are formatted by hand (same text as strftime in the C
# locale Python runs in) and remembered, since the same moments appear on several pages.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=1 << 16)
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
