"""Is a Statuspage JSON document shaped the way the importer reads it? (pure)

The planner reads fixed paths of the document (`incidents[i].incident_updates[j].body`, ...).
A file in which one of them has the wrong type (`{"incidents": [1]}`, `{"incidents": "abc"}`, an
incident without a usable start) is skipped whole with a warning naming the first such path,
instead of ending the import with an AttributeError or an AssertionError.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..load.fields import MAX_ID_LENGTH, SAFE_ID
from ..load.yamlsafe import describe
from .plan import to_utc

#: Keys read as text (numbers are written as text too), per kind of object.
_TEXTS = {
    "page": ("name",),
    "component": ("name", "description", "status", "group_id"),
    "record": ("name", "status", "impact", "updated_at"),
    "update": ("body", "status"),
    "change": ("code", "new_status"),
}
Objects = list[tuple[str, dict[str, Any]]]


def json_kind(value: Any) -> str:
    """A word for a JSON value's type, for messages: YAML's words, in JSON's terms."""
    word = describe(value)
    return {"a mapping": "an object", "nothing": "null"}.get(word, word)


def shape_problem(payload: dict[str, Any]) -> str | None:
    """The first place where `payload` is not what the importer reads, or None."""
    return next(_problems(payload), None)


def _problems(payload: dict[str, Any]) -> Iterator[str]:
    page = payload.get("page")
    if page is not None and not isinstance(page, dict):
        yield f"page: expected an object; got {json_kind(page)}"
    elif page is not None:
        yield from _texts("page", page, "page")
    yield from _components(payload, "")
    for key in ("incidents", "scheduled_maintenances"):
        records = _objects(payload, key, "")
        if isinstance(records, str):
            yield records
            continue
        for where, record in records:
            yield from _record(where, record, needs_start=key == "incidents")


def _objects(parent: dict[str, Any], key: str, where: str) -> Objects | str:
    """(path, object) of each item of the list `parent[key]` (absent or null: none), or what is
    wrong when it is not a list of objects."""
    value = parent.get(key)
    path = f"{where}{key}"
    if value is None:
        return []
    if not isinstance(value, list):
        return f"{path}: expected a list; got {json_kind(value)}"
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            return f"{path}[{index}]: expected an object; got {json_kind(item)}"
    return [(f"{path}[{index}]", item) for index, item in enumerate(value)]


def _texts(kind: str, item: dict[str, Any], where: str) -> Iterator[str]:
    for key in _TEXTS[kind]:
        value = item.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
            yield f"{where}.{key}: expected text; got {json_kind(value)}"


def _components(parent: dict[str, Any], where: str) -> Iterator[str]:
    rows = _objects(parent, "components", where)
    if isinstance(rows, str):
        yield rows
        return
    for here, row in rows:
        yield from _texts("component", row, here)
        position = row.get("position")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int | float)):
            yield f"{here}.position: expected a number; got {json_kind(position)}"


def _record(where: str, record: dict[str, Any], needs_start: bool) -> Iterator[str]:
    """An incident or a maintenance window: its id (`SP-<id>` names a file and a URL), texts,
    components and updates; an incident also needs a time it started."""
    value = record.get("id")
    if value is not None and value != "":  # no id at all: the planner skips it with its own warning
        text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if text is None or not SAFE_ID.fullmatch(text) or len(text) > MAX_ID_LENGTH - len("SP-"):
            shown = repr(value) if text is not None else json_kind(value)
            yield f"{where}.id: expected letters, digits, '-' and '_'; got {shown}"
    yield from _texts("record", record, where)
    yield from _components(record, f"{where}.")
    updates = _objects(record, "incident_updates", f"{where}.")
    if isinstance(updates, str):
        yield updates
        return
    for here, update in updates:
        yield from _texts("update", update, here)
        changes = _objects(update, "affected_components", f"{here}.")
        if isinstance(changes, str):
            yield changes
            continue
        for there, change in changes:
            yield from _texts("change", change, there)
    if needs_start and value and to_utc(record.get("started_at")) is None and to_utc(record.get("created_at")) is None:
        yield f"{where}: no valid started_at or created_at (an ISO 8601 time from 1970 to 2099)"
