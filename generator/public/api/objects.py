"""The objects of the status API (page, component, incident, scheduled maintenance), as plain
JSON-ready dicts with the field names and value vocabularies of the de-facto v2 API.

Every time is derived from content (update times, impact spans), never from the build clock
alone, so the API only changes when something a client would notice changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...derive.status import ComponentStatus, rank
from ...failures import blamed
from ...model import MaintenanceStatus, UpdateStatus
from .. import urls
from ..feeds import host, update_keys
from ..markdown import plain
from ..projection import EPOCH, PublicComponent, PublicGroup, PublicIncident, PublicMaintenance, PublicPage
from .vocab import IMPACT, MAINTENANCE_STATUS, UNDER_MAINTENANCE

Json = dict[str, Any]

OPERATIONAL = ComponentStatus.OPERATIONAL.value


def ts(at: datetime | None) -> str | None:
    """`2026-11-20T14:02:00.000Z`: UTC with milliseconds, as the real API writes times."""
    if at is None:
        return None
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def page_id(page: PublicPage) -> str:
    return host(page.base_url)


#: `since()` of the last page asked about: components ask again and again, each a full scan.
_since: list[tuple[PublicPage, datetime]] = []


def since(page: PublicPage) -> datetime:
    """The earliest public time on the page: `created_at` of components, which have none."""
    if _since and _since[0][0] is page:
        return _since[0][1]
    value = _earliest(page)
    _since[:] = [(page, value)]
    return value


def _earliest(page: PublicPage) -> datetime:
    times = [i.started_at for i in page.listed]
    times += [m.scheduled_start for m in page.maintenance if m.scheduled_start <= page.now]  # not a plan
    times += [u.at for m in page.maintenance for u in m.updates]
    return min(times, default=EPOCH)


def page_object(page: PublicPage) -> Json:
    return {
        "id": page_id(page),
        "name": page.name,
        "url": page.base_url.rstrip("/"),
        "time_zone": page.timezone,
        "updated_at": ts(page.last_change or EPOCH),
    }


def component_updated(page: PublicPage, component: PublicComponent) -> datetime:
    """When the component last changed state: the latest segment boundary up to now, or now
    itself when its state at now is not the one just before (an impact that begins or ends at
    the build's very second, as when the build's time is the commit's right after `new incident`
    or `resolve`: the begun span lasts no time, and the ended one's end is not before now)."""
    now = page.now
    times = [s.start for s in component.segments if s.start <= now]
    times += [s.end for s in component.segments if s.end < now]
    before = next((s.level.value for s in reversed(component.segments) if s.start < now <= s.end), "operational")
    if component.status.value != before:
        times.append(now)
    return max(times, default=since(page))


def group_key(page: PublicPage, group: PublicGroup) -> str:
    """The group's id in the API; prefixed only if a component has the same id."""
    return f"group-{group.id}" if group.id in page.by_id else group.id


def component_object(page: PublicPage, component: PublicComponent) -> Json:
    return _component_object(page, component, component_updated(page, component))


def _component_object(page: PublicPage, component: PublicComponent, updated: datetime) -> Json:
    group = next(g for g in page.groups if g.id == component.group_id)
    return {
        "id": component.id,
        "name": component.name,
        "status": component.status.value,
        "created_at": ts(since(page)),
        "updated_at": ts(updated),
        "position": group.component_ids.index(component.id) + 1,
        "description": component.description or None,
        "showcase": True,
        "start_date": None,
        "group_id": group_key(page, group),
        "page_id": page_id(page),
        "group": False,
        "only_show_if_degraded": False,
    }


#: Component objects by id: incidents and maintenance windows embed those of their components.
Components = dict[str, Json]


def component_times(page: PublicPage) -> dict[str, datetime]:
    """Each component's `component_updated`, worked out once per build: it is a scan of the
    component's whole history, which once ran again for every incident listing the component."""
    return {c.id: component_updated(page, c) for c in page.components}


def component_objects(page: PublicPage, times: dict[str, datetime]) -> Components:
    """Every component's object, by id (`times` from `component_times`)."""
    return {c.id: _component_object(page, c, times[c.id]) for c in page.components}


def group_object(page: PublicPage, group: PublicGroup, position: int, times: dict[str, datetime]) -> Json:
    members = [page.component(c) for c in group.component_ids]
    worst = max((m.status for m in members), key=rank, default=ComponentStatus.OPERATIONAL)
    return {
        "id": group_key(page, group),
        "name": group.name,
        "status": worst.value,
        "created_at": ts(since(page)),
        "updated_at": ts(max((times[c] for c in group.component_ids), default=since(page))),
        "position": position,
        "description": None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": page_id(page),
        "group": True,
        "only_show_if_degraded": False,
        "components": list(group.component_ids),
    }


def components_list(page: PublicPage, times: dict[str, datetime], components: Components) -> list[Json]:
    """Each group followed by its components, in page order."""
    result = []
    for position, group in enumerate(page.groups, start=1):
        result.append(group_object(page, group, position, times))
        result += [components[c] for c in group.component_ids]
    return result


def _affected(page: PublicPage, ids: tuple[str, ...], before: dict[str, str], after: dict[str, str]) -> list[Json]:
    return [
        {
            "code": c,
            "name": page.component(c).name,
            "old_status": before.get(c, OPERATIONAL),
            "new_status": after.get(c, OPERATIONAL),
        }
        for c in ids
    ]


def incident_state(incident: PublicIncident, at: datetime) -> dict[str, str]:
    """Each affected component's state under this incident at `at`."""
    state: dict[str, str] = {}
    for impact in incident.impacts:
        covers = impact.start <= at and (impact.end is None or at < impact.end)
        level = impact.level.value if covers else OPERATIONAL
        current = ComponentStatus(state.get(impact.component_id, OPERATIONAL))
        if rank(ComponentStatus(level)) >= rank(current):
            state[impact.component_id] = level
    return state


@blamed("incident", lambda page, incident, *_: incident.id)
def incident_object(page: PublicPage, incident: PublicIncident, components: Components) -> Json:
    oldest_first = list(reversed(incident.updates))
    keys = update_keys([u.at for u in oldest_first])
    updates = []
    before: dict[str, str] = {}
    for update, key in zip(oldest_first, keys, strict=True):
        after = incident_state(incident, update.at)
        if update.status is UpdateStatus.RESOLVED:
            after = {}
        updates.append(
            _update(incident.id, key, update.at, update.status.value, update.body)
            | {"affected_components": _affected(page, incident.component_ids, before, after)}
        )
        before = after
    monitoring = [u.at for u in oldest_first if u.status is UpdateStatus.MONITORING]
    return {
        "id": incident.id,
        "name": incident.title,
        "status": incident.status.value,
        "impact": IMPACT[incident.severity],
        "created_at": ts(min([u.at for u in incident.updates], default=incident.started_at)),
        "updated_at": ts(incident.updated_at),
        "started_at": ts(incident.started_at),
        "monitoring_at": ts(monitoring[0] if monitoring else None),
        "resolved_at": ts(incident.resolved_at),
        "shortlink": urls.absolute(page.base_url, urls.incident(incident.id)),
        "page_id": page_id(page),
        "incident_updates": list(reversed(updates)),
        "components": [components[c] for c in incident.component_ids],
        "reminder_intervals": None,  # as real incidents without reminders (maintenance has none)
    }


def _update(record_id: str, key: str, at: datetime, status: str, body: str) -> Json:
    return {
        "id": f"{record_id}-{key}",
        "incident_id": record_id,
        "status": status,
        "body": plain(body),
        "created_at": ts(at),
        "updated_at": ts(at),
        "display_at": ts(at),
        # Neutral values, as real payloads send them for an update posted without a tweet:
        # strict clients expect the keys. Subscribers were told (statuspress notify).
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


@blamed("maintenance", lambda page, window, *_: window.id)
def maintenance_object(page: PublicPage, window: PublicMaintenance, components: Components) -> Json:
    oldest_first = list(reversed(window.updates))
    keys = update_keys([u.at for u in oldest_first])
    updates = []
    before: dict[str, str] = {}
    for update, key in zip(oldest_first, keys, strict=True):
        level = "under_maintenance" if update.status in UNDER_MAINTENANCE else OPERATIONAL
        after = {c: level for c in window.component_ids}
        updates.append(
            _update(window.id, key, update.at, MAINTENANCE_STATUS[update.status], update.body)
            | {"affected_components": _affected(page, window.component_ids, before, after)}
        )
        before = after
    finished = [u.at for u in oldest_first if u.status in _FINISHED]
    created = ts(announced(page, window))
    return {
        "id": window.id,
        "name": window.title,
        "status": MAINTENANCE_STATUS[window.status],
        "impact": "maintenance",
        "created_at": created,
        "updated_at": ts(window.updated_at),
        "started_at": created,  # as the real API: when the window was announced, not its plan
        "monitoring_at": None,
        "resolved_at": ts(finished[-1] if finished else None),
        "shortlink": urls.absolute(page.base_url, urls.maintenance(window.id)),
        "page_id": page_id(page),
        "incident_updates": list(reversed(updates)),
        "components": [components[c] for c in window.component_ids],
        "scheduled_for": ts(window.scheduled_start),
        "scheduled_until": ts(window.scheduled_end),
    }


def announced(page: PublicPage, window: PublicMaintenance) -> datetime:
    """When the window was made public: its first update; without one, its planned start once
    that has passed, else the page's earliest public time (never a time after `now`)."""
    if window.updates:
        return window.updates[-1].at
    return window.scheduled_start if window.scheduled_start <= page.now else since(page)


_FINISHED = frozenset({MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED})
