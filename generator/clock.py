"""The build's notion of "now": `--now`, else `SOURCE_DATE_EPOCH`, else the clock.

This is the only module that reads the clock, so every computation downstream is reproducible.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .load.fields import parse_time


def resolve_now(option: str | None, environ: dict[str, str] | None = None) -> datetime:
    """The time a build or check is done at, in UTC, to the second."""
    env = os.environ if environ is None else environ
    if option:
        return parse_time(option)
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970; got {epoch!r}") from None
    return datetime.now(UTC).replace(microsecond=0)
