"""How Statuspress words map onto the vocabulary of the de-facto status page API (v2).

Clients, widgets and monitors written for that API switch on these exact strings, so every
value written by the API comes from one of these tables (see README "Subscribe").
"""

from __future__ import annotations

from ...derive.status import OverallStatus
from ...model import MaintenanceStatus, Severity

#: Incident severity -> incident `impact`.
IMPACT: dict[Severity, str] = {
    Severity.MAJOR: "critical",
    Severity.MEDIUM: "major",
    Severity.MINOR: "minor",
}

#: The page banner (worst current component state) -> `status.indicator` and `description`.
#: The descriptions are the ones the real API sends with each indicator.
INDICATOR: dict[OverallStatus, tuple[str, str]] = {
    OverallStatus.OPERATIONAL: ("none", "All Systems Operational"),
    OverallStatus.DEGRADED: ("minor", "Partially Degraded Service"),
    OverallStatus.PARTIAL_OUTAGE: ("major", "Partial System Outage"),
    OverallStatus.MAJOR_OUTAGE: ("critical", "Major System Outage"),
    OverallStatus.MAINTENANCE: ("maintenance", "Service Under Maintenance"),
}

#: Maintenance status -> scheduled maintenance `status`. The API has no "cancelled": a cancelled
#: window is reported as `completed` (its last update's body says it was cancelled).
MAINTENANCE_STATUS: dict[MaintenanceStatus, str] = {
    MaintenanceStatus.SCHEDULED: "scheduled",
    MaintenanceStatus.IN_PROGRESS: "in_progress",
    MaintenanceStatus.VERIFYING: "verifying",
    MaintenanceStatus.COMPLETED: "completed",
    MaintenanceStatus.CANCELLED: "completed",
}

#: Maintenance statuses during which its components are `under_maintenance`.
UNDER_MAINTENANCE = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})
