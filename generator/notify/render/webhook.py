"""Webhook bodies shaped like Statuspage's webhook notifications (`meta`, `page`, `incident`),
so receivers written for Statuspage work unchanged, and the headers that sign them.

For a public channel the `incident` object is the public JSON API's own (`incident_object` or
`maintenance_object` of the projection), cut to the updates posted by the message's time, with
the message's own update first as Statuspage sends it (a synthesised one for reminders and for
starts and ends that follow the schedule). An internal channel gets the same field names filled
from the stakeholder message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from ...model import MaintenanceStatus
from ...public.api.objects import (
    component_objects,
    component_times,
    incident_object,
    maintenance_object,
    page_id,
    ts,
)
from ...public.api.vocab import IMPACT, MAINTENANCE_STATUS
from ...public.markdown import plain
from ...public.projection import PublicPage
from ..config import Audience
from ..messages import Message

Json = dict[str, Any]


def body(message: Message, key: str, page: PublicPage, sent_at: datetime) -> Json:
    """The JSON body for `message`; `sent_at` is also in the signed body (see `headers`)."""
    indicator, description = page.status.indicator.value, page.status.description
    meta = {
        "unsubscribe": None,
        "documentation": None,
        "generated_at": ts(sent_at),
        "message_id": message.id,
        "idempotency_key": key,
        "event": message.kind.value,
    }
    page_json = {"id": page_id(page), "status_indicator": indicator, "status_description": description}
    record = _public(message, page) if message.audience is Audience.PUBLIC else _internal(message, page)
    return {"meta": meta, "page": page_json, "incident": record}


def _update(message: Message, record_id: str, status: str) -> Json:
    return {
        "id": f"{record_id}-{message.update_key or message.id.rsplit('/', 1)[-1]}",
        "incident_id": record_id,
        "status": status,
        "body": plain(message.body) or message.headline,
        "created_at": ts(message.at),
        "updated_at": ts(message.at),
        "display_at": ts(message.at),
        "affected_components": [],
        "custom_tweet": None,
        "deliver_notifications": True,
    }


def _public(message: Message, page: PublicPage) -> Json:
    components = component_objects(page, component_times(page))
    if message.record == "incident":
        incident = next(i for i in page.incidents if i.id == message.record_id)
        record = incident_object(page, incident, components)
        status = message.status
    else:
        window = next(w for w in page.maintenance if w.id == message.record_id)
        record = maintenance_object(page, window, components)
        status = MAINTENANCE_STATUS[MaintenanceStatus(message.status)]
    cutoff = ts(message.at) or ""
    updates = [u for u in record["incident_updates"] if u["created_at"] <= cutoff]
    own = f"{message.record_id}-{message.update_key}" if message.update_key else None
    if own is None or not updates or updates[0]["id"] != own:
        updates = [_update(message, message.record_id, status), *updates]
    return record | {"status": status, "incident_updates": updates}


def _internal(message: Message, page: PublicPage) -> Json:
    status = message.state or message.status  # maintenance messages carry the window's status
    if message.record == "maintenance":
        status = MAINTENANCE_STATUS[MaintenanceStatus(message.status)]
    return {
        "id": message.record_id,
        "name": message.title,
        "status": status,
        "impact": IMPACT[message.severity] if message.severity else "maintenance",
        "shortlink": message.link,
        "page_id": page_id(page),
        "incident_updates": [_update(message, message.record_id, status)],
        "components": [{"id": c, "name": c} for c in message.component_ids],
        "stakeholder_facts": {label: value for label, value in message.facts},
    }


def encode(payload: Json) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, data: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the body>`, the value of `X-Statuspress-Signature`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def headers(secret: str, data: bytes, sent_at: datetime, message: Message) -> dict[str, str]:
    """The signature, the time (also `meta.generated_at` in the signed body, so a receiver can
    refuse a replayed old request) and the event."""
    return {
        "X-Statuspress-Signature": signature(secret, data),
        "X-Statuspress-Timestamp": str(int(sent_at.timestamp())),
        "X-Statuspress-Event": message.kind.value,
    }
