"""The build's notion of "now": `--now`, else `SOURCE_DATE_EPOCH`, else the clock.

This is the only module that reads the clock, so every computation downstream is reproducible.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

from .load.fields import EARLIEST, LATEST, TIME_RANGE, parse_time


def resolve_now(option: str | None, environ: dict[str, str] | None = None) -> datetime:
    """The time a build or check is done at, in UTC, to the second."""
    env = os.environ if environ is None else environ
    if option:
        return parse_time(option)
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970; got {epoch!r}") from None
        first, last = int(EARLIEST.timestamp()), int(LATEST.timestamp())
        if not first <= seconds <= last:  # the same range as every time in the content
            raise ValueError(f"SOURCE_DATE_EPOCH {epoch} is out of range (expected {first} to {last}, 1970 to 2099)")
        return datetime.fromtimestamp(seconds, tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_RELATIVE = re.compile(
    r"(?P<in>in\s+)?(?P<n>\d{1,6})\s*(?P<unit>s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|w|weeks?)"
    r"(?P<ago>\s+ago)?"
)


def parse_moment(text: str, now: datetime) -> datetime:
    """A time a responder types: ISO 8601 with an offset, `now`, `10 min ago` or `in 2 hours`
    (relative to `now`). Raises ValueError with the forms accepted."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "now":
        return now
    match = _RELATIVE.fullmatch(cleaned)
    if match is None:
        try:
            return parse_time(text)
        except ValueError as error:
            raise ValueError(f"{error}, or a relative time like '10 min ago' or 'in 2 hours'") from None
    if bool(match["in"]) == bool(match["ago"]):
        raise ValueError(f"say 'in {match['n']} {match['unit']}' or '{match['n']} {match['unit']} ago'; got {text!r}")
    offset = timedelta(seconds=int(match["n"]) * _UNITS[match["unit"][0]])
    try:
        moment: datetime | None = now + offset if match["in"] else now - offset
    except OverflowError:  # 999999 weeks from now is past year 9999
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise ValueError(f"{text!r} is out of range (expected {TIME_RANGE})")
    return moment
