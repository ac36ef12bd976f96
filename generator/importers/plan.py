"""What an import wants to add, and applying it: merge services, skip records that exist.

Importers turn a source into a `Plan` (pure); `apply_plan` merges the services into
`services.yaml` (by id or name, never duplicating, keeping comments), skips records whose id
already exists (so importing twice changes nothing), validates everything together and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..load.fields import EARLIEST, LATEST
from ..load.files import read_regular_bytes
from ..responder.ids import free_path
from ..responder.store import Refused, commit, record_ids
from ..responder.yamlrt import append_item, dump_doc, flow_list, load_doc, mapping

EMPTY_SERVICES = "groups: []\nservices: []\n"


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A component of the source page, as a service."""

    id: str
    name: str
    group: str
    description: str = ""


@dataclass(slots=True)
class Record:
    """One incident or maintenance window to write, under `folder` as `stem.yaml`."""

    folder: str  # "incidents" or "maintenance"
    id: str
    stem: str
    doc: CommentedMap


@dataclass(slots=True)
class Plan:
    services: list[ServiceSpec] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Outcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    services_added: list[str] = field(default_factory=list)


def to_utc(value: object) -> datetime | None:
    """A source time (ISO text with `Z`, an offset, or none = UTC; or a datetime) in UTC;
    None when it is none, or outside what the content may hold (1970 to 2099)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # 9999-12-31T23:00:00-05:00
        return None
    return moment if EARLIEST <= moment <= LATEST else None


def _merge_services(doc: CommentedMap, specs: list[ServiceSpec]) -> tuple[dict[str, str], list[str]]:
    """Add missing services (and groups); returns planned id -> actual id, and the added ids."""
    services = doc.get("services")
    if not isinstance(services, list):
        services = CommentedSeq()
        doc["services"] = services
    groups = doc.get("groups")
    if not isinstance(groups, list):
        groups = flow_list([])
        doc.insert(0, "groups", groups)
    by_id = {str(s.get("id")): str(s.get("id")) for s in services if isinstance(s, dict)}
    by_name = {str(s.get("name", "")).casefold(): str(s.get("id")) for s in services if isinstance(s, dict)}
    rename: dict[str, str] = {}
    added: list[str] = []
    for spec in specs:
        match = by_id.get(spec.id) or by_name.get(spec.name.casefold())
        if match:
            rename[spec.id] = match
            continue
        if spec.group not in groups:
            groups.append(spec.group)
        entry = mapping([("id", spec.id), ("name", spec.name), ("group", spec.group)])
        if spec.description:
            entry["description"] = spec.description
        entry["public"] = True
        append_item(services, entry)
        by_id[spec.id] = by_name[spec.name.casefold()] = rename[spec.id] = spec.id
        added.append(spec.id)
    return rename, added


def _rename_refs(record: Record, rename: dict[str, str]) -> None:
    for impact in record.doc.get("impact") or []:
        impact["component"] = rename.get(impact["component"], impact["component"])
    components = record.doc.get("components")
    if isinstance(components, list):
        components[:] = [rename.get(c, c) for c in components]


def apply_plan(content: Path, plan: Plan, now: datetime) -> Outcome:
    """Write what is new in `plan`; raises `Refused` (nothing written) if it would be invalid."""
    outcome = Outcome()
    services_path = content / "services.yaml"
    try:
        text = read_regular_bytes(services_path).decode("utf-8") if services_path.exists() else EMPTY_SERVICES
    except (OSError, UnicodeDecodeError) as error:  # a FIFO would block; validation says the rest
        raise Refused([f"{services_path}:1: cannot read it to add services: {error}"]) from None
    services_doc = load_doc(text)
    rename, outcome.services_added = _merge_services(services_doc, plan.services)
    changes: dict[Path, str] = {}
    if outcome.services_added:
        changes[services_path] = dump_doc(services_doc)
    new: list[Path] = []
    known = {folder: set(record_ids(content / folder)) for folder in ("incidents", "maintenance")}
    for record in sorted(plan.records, key=lambda r: (r.folder, r.stem, r.id)):
        if record.id in known[record.folder]:
            outcome.skipped.append(record.id)
            continue
        known[record.folder].add(record.id)
        _rename_refs(record, rename)
        path = free_path(content / record.folder, record.stem)
        number = 2
        while path in changes or path.exists():
            path = content / record.folder / f"{record.stem}-{number}.yaml"
            number += 1
        changes[path] = dump_doc(record.doc)
        new.append(path)
    if new or outcome.services_added:
        commit(content, changes, now, new=new)
    outcome.written = sorted(new)
    return outcome
