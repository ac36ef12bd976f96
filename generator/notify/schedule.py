"""Where a maintenance window stands at `now`: its updates first, else its schedule.

Between `scheduled_start` and `scheduled_end` a window is in progress and after the end it is
completed, even when nobody wrote an update saying so; a cancellation, or a `verifying` update
after the end, says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ..model import MaintenanceStatus
from ..public.projection import PublicMaintenance


class Phase(StrEnum):
    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def phase(window: PublicMaintenance, now: datetime) -> Phase:
    """The window's phase at `now` (its `updates` are those posted by `now`, newest first)."""
    latest = window.updates[0].status if window.updates else MaintenanceStatus.SCHEDULED
    if latest is MaintenanceStatus.CANCELLED:
        return Phase.CANCELLED
    if latest is MaintenanceStatus.COMPLETED:
        return Phase.COMPLETED
    if now >= window.scheduled_end and latest is not MaintenanceStatus.VERIFYING:
        return Phase.COMPLETED
    if now >= window.scheduled_start or latest in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING):
        return Phase.IN_PROGRESS
    return Phase.UPCOMING
