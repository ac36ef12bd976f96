"""The status JSON API under `api/v2/`, shaped like the de-facto public status page API (v2), so
existing clients, widgets and monitors read a Statuspress site unchanged.

Static files stand in for the endpoints: `api/v2/summary.json`, `status.json`,
`components.json`, `incidents.json`, `incidents/unresolved.json`,
`scheduled-maintenances.json`, `scheduled-maintenances/upcoming.json` and
`scheduled-maintenances/active.json`. Each has a JSON Schema in `generator/schemas/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import urls
from ..projection import PublicPage
from . import jsontext
from .objects import (
    Json,
    component_objects,
    component_times,
    components_list,
    incident_object,
    maintenance_object,
    page_object,
)

#: How many incidents and maintenance windows the list endpoints carry, as the real API does.
LIST_LENGTH = 50

#: Every API file (relative to `api/v2/`) and the name of its schema in `generator/schemas/`.
FILES: dict[str, str] = {
    "summary.json": "summary.schema.json",
    "status.json": "status.schema.json",
    "components.json": "components.schema.json",
    "incidents.json": "incidents.schema.json",
    "incidents/unresolved.json": "incidents-unresolved.schema.json",
    "scheduled-maintenances.json": "scheduled-maintenances.schema.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.schema.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active.schema.json",
}


def status_object(page: PublicPage) -> Json:
    return {"indicator": page.status.indicator.value, "description": page.status.description}


def documents(page: PublicPage) -> dict[str, Json]:
    """Every API document by its path relative to `api/v2/`."""
    head = page_object(page)
    times = component_times(page)
    by_id = component_objects(page, times)
    open_incidents = page.active_incidents
    unresolved = [incident_object(page, i, by_id) for i in open_incidents]
    recent = [page.view(i) for i in page.listed[:LIST_LENGTH]]
    listed = {i.id for i in recent}
    recent += [i for i in open_incidents if i.id not in listed]
    active = [maintenance_object(page, m, by_id) for m in page.active_maintenance]
    upcoming = [maintenance_object(page, m, by_id) for m in page.upcoming_maintenance]
    components = components_list(page, times, by_id)
    return {
        "summary.json": {
            "page": head,
            "status": status_object(page),
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": active + upcoming,
        },
        "status.json": {"page": head, "status": status_object(page)},
        "components.json": {"page": head, "components": components},
        "incidents.json": {"page": head, "incidents": [incident_object(page, i, by_id) for i in recent]},
        "incidents/unresolved.json": {"page": head, "incidents": unresolved},
        "scheduled-maintenances.json": {
            "page": head,
            "scheduled_maintenances": [maintenance_object(page, m, by_id) for m in page.maintenance[:LIST_LENGTH]],
        },
        "scheduled-maintenances/upcoming.json": {"page": head, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": head, "scheduled_maintenances": active},
    }


def dumps(document: Any) -> str:
    """Stable JSON: sorted keys, 2-space indent, UTF-8 text, trailing newline (jsontext.py)."""
    return jsontext.dumps(document) + "\n"


def render_api(page: PublicPage, dest: Path) -> None:
    """Write every API document under `dest/api/v2/`."""
    root = dest / urls.API_ROOT
    for path, document in documents(page).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(document), encoding="utf-8")
