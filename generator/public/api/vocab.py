"""How Statuspress words map onto the vocabulary of the de-facto status page API (v2).

Clients, widgets and monitors written for that API switch on these exact strings, so every
value written by the API comes from one of these tables (see README "Subscribe"); the page's
`status.indicator` and description come from `derive.status.page_status`, which the banner and
the badge show too.
"""

from __future__ import annotations

from ...model import MaintenanceStatus, Severity

#: Incident severity -> incident `impact`.
IMPACT: dict[Severity, str] = {
    Severity.MAJOR: "critical",
    Severity.MEDIUM: "major",
    Severity.MINOR: "minor",
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
