"""The period metrics are computed over: a half-open UTC interval [start, end).

`--since DATE` starts it at 00:00 UTC of that day; `--until DATE` ends it at the end of that day
(inclusive), and never later than `now`, because the future has no uptime. Without `--until` the
period ends at `now`; without `--since` it starts `DEFAULT_DAYS` days before its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

DEFAULT_DAYS = 365


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def make_period(now: datetime, since: date | None = None, until: date | None = None) -> Period:
    """The period for `--since`/`--until` as of `now`; raises ValueError when it is empty."""
    end = now if until is None else min(now, midnight(until + timedelta(days=1)))
    start = end - timedelta(days=DEFAULT_DAYS) if since is None else midnight(since)
    if start >= end:
        raise ValueError(f"empty period: {start:%Y-%m-%d %H:%M} is not before {end:%Y-%m-%d %H:%M} UTC")
    return Period(start, end)


def months(period: Period) -> list[str]:
    """Every month (`YYYY-MM`) the period touches, in order."""
    out: list[str] = []
    year, month = period.start.year, period.start.month
    last = period.end - timedelta(microseconds=1)
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def quarter_of(moment: datetime) -> str:
    return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"


def quarters(period: Period) -> list[str]:
    """Every quarter (`YYYY-Qn`) the period touches, in order."""
    out: list[str] = []
    for month in months(period):
        year, number = int(month[:4]), int(month[5:])
        label = f"{year:04d}-Q{(number - 1) // 3 + 1}"
        if label not in out:
            out.append(label)
    return out
