"""A new maintenance window document."""

from __future__ import annotations

from datetime import datetime

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..model import MaintenanceStatus
from .yamlrt import Time, flow_list, mapping


def new_maintenance(
    maintenance_id: str,
    title: str,
    components: list[str],
    start: datetime,
    end: datetime,
    message: str | None,
    now: datetime,
) -> CommentedMap:
    """A `scheduled` window; the message, if any, is its first public update, posted `now`."""
    doc = mapping(
        [
            ("id", maintenance_id),
            ("title", title),
            ("components", flow_list(components)),
            ("scheduled_start", Time.of(start)),
            ("scheduled_end", Time.of(end)),
        ]
    )
    if message:
        update = mapping([("at", Time.of(now)), ("status", MaintenanceStatus.SCHEDULED.value), ("body", message)])
        doc["updates"] = CommentedSeq([update])
    return doc
