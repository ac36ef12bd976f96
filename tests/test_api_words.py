"""The exact words of the status API for every state and severity (issue 18): the JSON Schemas
accept any allowed word, so these tests check which one. Expected words are Statuspage's, written
out by hand (README "Poll the JSON API"), never read from generator/public/api/vocab.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sitekit import make_content, write_tree
from tests.test_page_status import check_built
from tests.test_public_feeds import build_public

#: Component c<n> is in STATES[n] at 2026-11-28T12:00Z; incident INC-<severity> is open on it.
STATES = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]
#: Severity -> the incident's `impact` in the API.
IMPACT_WORDS = {"major": "critical", "medium": "major", "minor": "minor"}


def _files() -> dict[str, str]:
    services = [{"id": f"c{n}", "name": f"Component {n}", "group": "Core"} for n in range(len(STATES))]
    files = {"services.yaml": yaml.safe_dump({"groups": ["Core"], "services": services})}
    severities = iter(["major", "medium", "minor"])
    for n, state in enumerate(STATES):
        if state == "under_maintenance":
            files["maintenance/m.yaml"] = yaml.safe_dump({
                "id": "MNT-1", "title": "Work", "components": [f"c{n}"],
                "scheduled_start": "2026-11-28T11:00:00Z", "scheduled_end": "2026-11-28T14:00:00Z",
                "updates": [{"at": "2026-11-28T11:00:00Z", "status": "in_progress", "body": "Started."}],
            })
        elif state != "operational":
            severity = next(severities)
            files[f"incidents/{severity}.yaml"] = yaml.safe_dump({
                "id": f"INC-{severity}", "title": f"Trouble {n}", "type": "external", "severity": severity,
                "started_at": "2026-11-28T11:00:00Z",
                "impact": [{"component": f"c{n}", "level": state}],
                "updates": [{"at": "2026-11-28T11:05:00Z", "status": "identified", "body": "Found."}],
            })
    return files


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"))
    write_tree(content, _files())
    return build_public(content, tmp_path_factory.mktemp("out"))


def read(public: Path, name: str) -> Any:
    return json.loads((public / "api" / "v2" / name).read_text(encoding="utf-8"))


def test_every_component_state_has_its_word(public: Path) -> None:
    components = {c["id"]: c["status"] for c in read(public, "components.json")["components"]}
    # The group "Core" is listed too (Statuspage lists groups as components): its worst member's state.
    assert components == {"core": "major_outage", **{f"c{n}": state for n, state in enumerate(STATES)}}
    summary = {c["id"]: c["status"] for c in read(public, "summary.json")["components"]}
    assert summary == components


def test_every_severity_has_its_impact_word(public: Path) -> None:
    incidents = {i["id"]: (i["impact"], i["status"]) for i in read(public, "incidents.json")["incidents"]}
    assert incidents == {f"INC-{s}": (word, "identified") for s, word in IMPACT_WORDS.items()}
    unresolved = {i["id"]: i["impact"] for i in read(public, "incidents/unresolved.json")["incidents"]}
    assert unresolved == {f"INC-{s}": word for s, word in IMPACT_WORDS.items()}


def test_the_mixed_page_is_a_partial_system_outage(public: Path) -> None:
    # One of five components in major outage (not all): major "Partial System Outage".
    assert read(public, "status.json")["status"] == {"indicator": "major", "description": "Partial System Outage"}


@pytest.mark.parametrize(
    ("states", "indicator", "description"),
    [
        (["operational", "operational"], "none", "All Systems Operational"),
        (["degraded_performance", "operational"], "minor", "Partially Degraded Service"),
        (["degraded_performance", "degraded_performance"], "minor", "Degraded System Service"),
        (["partial_outage", "operational"], "minor", "Minor Service Outage"),
        (["partial_outage", "partial_outage"], "major", "Partial System Outage"),
        (["major_outage", "operational"], "major", "Partial System Outage"),
        (["major_outage", "major_outage"], "critical", "Major System Outage"),
        (["under_maintenance", "operational"], "maintenance", "Service Under Maintenance"),
    ],
)
def test_every_indicator_in_status_json_banner_and_badge(
    tmp_path: Path, states: list[str], indicator: str, description: str
) -> None:
    check_built(tmp_path, states, {"indicator": indicator, "description": description})
