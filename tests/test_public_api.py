"""The status JSON API as clients read it: valid against our schemas, shaped like the real
Statuspage v2 payloads in ../shared/corpora, and stable across rebuilds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from generator.public.api import FILES
from tests.sitekit import CORPORA, REPO, make_content
from tests.test_public_feeds import SUBSCRIPTIONS, build_public

SCHEMAS = REPO / "generator" / "schemas"
API = Path("api") / "v2"


def _registry() -> Registry:  # type: ignore[type-arg]
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(schema_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=REGISTRY)


def read(public: Path, name: str) -> Any:
    return json.loads((public / API / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), SUBSCRIPTIONS)
    return build_public(content, tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.sitekit import EXAMPLE

    return build_public(EXAMPLE, tmp_path_factory.mktemp("example"))


@pytest.mark.parametrize("site", ["small", "example"])
def test_every_api_file_validates_against_its_schema(site: str, request: pytest.FixtureRequest) -> None:
    public: Path = request.getfixturevalue(site)
    written = {p.relative_to(public / API).as_posix() for p in (public / API).rglob("*.json")}
    assert written == set(FILES)
    for name, schema_name in FILES.items():
        errors = [e.message for e in validator(schema_name).iter_errors(read(public, name))]
        assert errors == [], f"{name}: {errors[:3]}"


def test_schemas_reject_wrong_vocabulary(small: Path) -> None:
    summary = read(small, "summary.json")
    summary["status"]["indicator"] = "red"
    summary["components"][1]["status"] = "down"
    assert len(list(validator("summary.schema.json").iter_errors(summary))) == 2
    with_resolved = read(small, "incidents.json")  # holds a resolved incident
    assert validator("incidents.schema.json").is_valid(with_resolved)
    assert not validator("incidents-unresolved.schema.json").is_valid(with_resolved)


def test_a_client_reads_status_components_and_unresolved_incidents(small: Path) -> None:
    """What monitors and status widgets read: the indicator, each component's state, open incidents."""
    status = read(small, "status.json")
    # The API in major outage, the website operational: one of two components in major
    # outage is Statuspage's "Partial System Outage" (major), not "Major System Outage".
    assert status["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert status["page"]["url"] == "https://status.acme.example"
    assert status["page"]["updated_at"] == "2026-11-27T10:30:00.000Z"

    components = {c["name"]: c for c in read(small, "components.json")["components"]}
    assert components["API"]["status"] == "major_outage"
    assert components["Website"]["status"] == "operational"
    assert "VPN" not in components and "Internal" not in components
    core = components["Core"]
    assert core["group"] is True and core["status"] == "major_outage"
    assert core["components"] == ["api", "web"]
    assert components["API"]["group_id"] == core["id"] and components["API"]["group"] is False

    unresolved = read(small, "incidents/unresolved.json")["incidents"]
    assert [i["id"] for i in unresolved] == ["INC-1"]
    incident = unresolved[0]
    assert incident["impact"] == "critical"  # severity major
    assert incident["status"] == "identified"
    assert incident["shortlink"] == "https://status.acme.example/incidents/INC-1.html"
    assert [u["status"] for u in incident["incident_updates"]] == ["identified", "investigating"]
    first = incident["incident_updates"][-1]
    assert first["affected_components"] == [
        {"code": "api", "name": "API", "old_status": "operational", "new_status": "major_outage"}
    ]
    assert "<script" not in first["body"] and "**" not in first["body"]
    assert [c["id"] for c in incident["components"]] == ["api"]

    summary = read(small, "summary.json")
    assert summary["status"] == status["status"]
    assert summary["incidents"] == unresolved


def test_incident_list_and_severity_mapping(small: Path) -> None:
    incidents = read(small, "incidents.json")["incidents"]
    assert [(i["id"], i["impact"], i["status"]) for i in incidents] == [
        ("INC-1", "critical", "identified"),
        ("INC-2", "minor", "resolved"),
    ]
    resolved = incidents[1]
    assert resolved["resolved_at"] == "2026-11-20T09:00:00.000Z"
    assert resolved["incident_updates"][0]["affected_components"][0] == {
        "code": "web",
        "name": "Website",
        "old_status": "degraded_performance",
        "new_status": "operational",
    }


def test_scheduled_maintenance_lists(small: Path) -> None:
    everything = read(small, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [(m["id"], m["status"]) for m in everything] == [("MNT-1", "scheduled"), ("MNT-2", "completed")]
    upcoming = read(small, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert [m["id"] for m in upcoming] == ["MNT-1"]
    assert upcoming[0]["scheduled_for"] == "2026-12-01T02:00:00.000Z"
    assert upcoming[0]["scheduled_until"] == "2026-12-01T04:00:00.000Z"
    assert upcoming[0]["impact"] == "maintenance"
    assert read(small, "scheduled-maintenances/active.json")["scheduled_maintenances"] == []
    assert read(small, "summary.json")["scheduled_maintenances"] == upcoming


def test_maintenance_only_gives_the_maintenance_indicator(tmp_path: Path) -> None:
    window = """\
        id: MNT-9
        title: Website move
        components: [web]
        scheduled_start: 2026-11-28T11:00:00Z
        scheduled_end: 2026-11-28T13:00:00Z
        updates:
          - at: 2026-11-20T09:00:00Z
            status: scheduled
            body: Planned.
          - at: 2026-11-28T11:00:00Z
            status: in_progress
            body: Started.
        """
    public = build_public(make_content(tmp_path / "c", {"maintenance/m.yaml": window}), tmp_path / "o")
    assert read(public, "status.json")["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    active = read(public, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["id"], m["status"]) for m in active] == [("MNT-9", "in_progress")]
    components = {c["id"]: c["status"] for c in read(public, "components.json")["components"]}
    assert components["web"] == "under_maintenance"
    quiet = build_public(make_content(tmp_path / "q"), tmp_path / "qo")
    assert read(quiet, "status.json")["status"]["indicator"] == "none"


def test_json_is_stable_text(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", SUBSCRIPTIONS)
    first = build_public(content, tmp_path / "a", "2026-11-28T12:00:00Z")
    second = build_public(content, tmp_path / "b", "2026-11-28T12:00:00Z")
    for name in FILES:
        text = (first / API / name).read_text(encoding="utf-8")
        assert text == (second / API / name).read_text(encoding="utf-8")
        assert text.endswith("}\n") and text.startswith('{\n  "')
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


REAL_SUMMARIES = sorted((CORPORA / "statuspage-v2").rglob("*summary*.json")) if CORPORA.is_dir() else []
REAL_STATUS = sorted((CORPORA / "statuspage-v2").rglob("status-*.json")) if CORPORA.is_dir() else []
REAL_COMPONENTS = sorted((CORPORA / "statuspage-v2").rglob("*components*.json")) if CORPORA.is_dir() else []


@pytest.mark.skipif(not REAL_SUMMARIES, reason="../shared/corpora is absent")
@pytest.mark.parametrize("path", REAL_SUMMARIES, ids=lambda p: p.name)
def test_our_summary_schema_accepts_real_statuspage_summaries(path: Path) -> None:
    """Our schema describes the real shape, so writing to it means matching the real API."""
    real = json.loads(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator("summary.schema.json").iter_errors(real)]
    assert errors == []


@pytest.mark.skipif(not REAL_STATUS, reason="../shared/corpora is absent")
@pytest.mark.parametrize("path", REAL_STATUS, ids=lambda p: p.name)
def test_our_status_schema_accepts_real_status_files(path: Path) -> None:
    real = json.loads(path.read_text(encoding="utf-8"))
    assert list(validator("status.schema.json").iter_errors(real)) == []


@pytest.mark.skipif(not REAL_COMPONENTS, reason="../shared/corpora is absent")
@pytest.mark.parametrize("path", REAL_COMPONENTS, ids=lambda p: p.name)
def test_our_components_schema_accepts_real_components_files(path: Path) -> None:
    real = json.loads(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator("components.schema.json").iter_errors(real)]
    assert errors == []


def _keys(summaries: list[Any], kind: str) -> tuple[set[str], set[str]]:
    """(keys of the records, keys of their updates) of `kind` (`incidents` or
    `scheduled_maintenances`) over `summaries`."""
    records = [r for s in summaries for r in s.get(kind, [])]
    return {k for r in records for k in r}, {k for r in records for u in r["incident_updates"] for k in u}


@pytest.mark.skipif(not REAL_SUMMARIES, reason="../shared/corpora is absent")
def test_our_objects_carry_every_key_real_ones_do(small: Path) -> None:
    """Strict clients (typed structs, schema checks) expect every key a real payload has."""
    real = [json.loads(p.read_text(encoding="utf-8")) for p in REAL_SUMMARIES]
    ours = [read(small, "summary.json"), read(small, "incidents.json"), read(small, "scheduled-maintenances.json")]
    for kind in ("incidents", "scheduled_maintenances"):
        real_records, real_updates = _keys(real, kind)
        our_records, our_updates = _keys(ours, kind)
        assert real_records - our_records == set(), kind
        assert real_updates - our_updates == set(), kind
    # Neutral values, as a real update posted without a tweet has them.
    for document in ours:
        for record in document.get("incidents", []) + document.get("scheduled_maintenances", []):
            for update in record["incident_updates"]:
                assert (update["deliver_notifications"], update["custom_tweet"], update["tweet_id"]) == (True, None, None)
    assert {i["reminder_intervals"] for i in read(small, "incidents.json")["incidents"]} == {None}


def test_the_schema_requires_the_update_keys_strict_clients_read(small: Path) -> None:
    incidents = read(small, "incidents.json")
    assert validator("incidents.schema.json").is_valid(incidents)
    for key in ("deliver_notifications", "custom_tweet", "tweet_id"):
        broken = json.loads(json.dumps(incidents))
        del broken["incidents"][0]["incident_updates"][0][key]
        assert not validator("incidents.schema.json").is_valid(broken), key
