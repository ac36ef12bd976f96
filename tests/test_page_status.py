"""The page status (banner, `status.json`, badge) follows Statuspage's rule: checked by hand on
small pages, and against every summary.json captured from real Statuspage pages in
../shared/corpora: our rule applied to their component states gives their indicator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.derive.status import ComponentStatus, Indicator, PageStatus, page_status
from tests.sitekit import CORPORA, make_content, write_tree
from tests.test_public_feeds import build_public

OP = ComponentStatus.OPERATIONAL
DEG = ComponentStatus.DEGRADED_PERFORMANCE
PART = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE
MAINT = ComponentStatus.UNDER_MAINTENANCE


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        # No component, or all operational.
        ((), PageStatus(Indicator.NONE, "All Systems Operational")),
        ((OP, OP), PageStatus(Indicator.NONE, "All Systems Operational")),
        # One component: its state alone (Statuspage's table for one-component pages).
        ((DEG,), PageStatus(Indicator.MINOR, "Partially Degraded Service")),
        ((PART,), PageStatus(Indicator.MAJOR, "Partial System Outage")),
        ((MAJOR,), PageStatus(Indicator.CRITICAL, "Major System Outage")),
        ((MAINT,), PageStatus(Indicator.MAINTENANCE, "Service Under Maintenance")),
        # Some but not all in the worst state: one level milder than "all".
        ((PART, OP, OP), PageStatus(Indicator.MINOR, "Minor Service Outage")),
        ((MAJOR, OP, OP), PageStatus(Indicator.MAJOR, "Partial System Outage")),
        ((MAJOR, MAJOR, PART, OP), PageStatus(Indicator.MAJOR, "Partial System Outage")),
        ((DEG, OP), PageStatus(Indicator.MINOR, "Partially Degraded Service")),
        # Every component in it.
        ((MAJOR, MAJOR), PageStatus(Indicator.CRITICAL, "Major System Outage")),
        ((PART, PART), PageStatus(Indicator.MAJOR, "Partial System Outage")),
        ((DEG, DEG, DEG), PageStatus(Indicator.MINOR, "Degraded System Service")),
        # Maintenance is milder than any degradation.
        ((MAINT, DEG), PageStatus(Indicator.MINOR, "Partially Degraded Service")),
        ((MAINT, OP), PageStatus(Indicator.MAINTENANCE, "Service Under Maintenance")),
    ],
)
def test_the_rule_by_hand(states: tuple[ComponentStatus, ...], expected: PageStatus) -> None:
    assert page_status(states) == expected


def content_for(states: list[str], incident_without_components: bool = False) -> dict[str, str]:
    """A content folder whose public components are in `states` at 2026-11-28T12:00Z: an open
    incident per degraded or failing component, a maintenance window in progress per component
    under maintenance."""
    services = [{"id": f"c{n}", "name": f"Component {n}", "group": "Core"} for n in range(len(states))]
    files = {"services.yaml": yaml.safe_dump({"groups": ["Core"], "services": services})}
    for n, state in enumerate(states):
        if state == "under_maintenance":
            files[f"maintenance/m{n}.yaml"] = yaml.safe_dump({
                "id": f"MNT-{n}", "title": f"Work {n}", "components": [f"c{n}"],
                "scheduled_start": "2026-11-28T11:00:00Z", "scheduled_end": "2026-11-28T14:00:00Z",
                "updates": [{"at": "2026-11-28T11:00:00Z", "status": "in_progress", "body": "Started."}],
            })
        elif state != "operational":
            files[f"incidents/i{n}.yaml"] = yaml.safe_dump({
                "id": f"INC-{n}", "title": f"Trouble {n}", "type": "external", "severity": "minor",
                "started_at": "2026-11-28T11:00:00Z",
                "impact": [{"component": f"c{n}", "level": state}],
                "updates": [{"at": "2026-11-28T11:05:00Z", "status": "investigating", "body": "Looking."}],
            })
    if incident_without_components:
        files["incidents/none.yaml"] = yaml.safe_dump({
            "id": "INC-X", "title": "Trouble without components", "type": "external", "severity": "major",
            "started_at": "2026-11-28T11:00:00Z",
            "updates": [{"at": "2026-11-28T11:05:00Z", "status": "investigating", "body": "Looking."}],
        })
    return files


def shown(public: Path) -> tuple[dict[str, str], str, str]:
    """(status.json's status, the banner's words, the badge's message) of a built site."""
    status = json.loads((public / "api/v2/status.json").read_text(encoding="utf-8"))["status"]
    summary = json.loads((public / "api/v2/summary.json").read_text(encoding="utf-8"))["status"]
    assert summary == status
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    banner = home.select_one(".banner h2")
    assert banner is not None
    badge = re.findall(r"<text [^>]*>([^<]*)</text>", (public / "badge.svg").read_text(encoding="utf-8"))
    return status, " ".join(banner.get_text(" ").split()), badge[-1]


def check_built(tmp_path: Path, states: list[str], expected: dict[str, str], **options: Any) -> None:
    content = make_content(tmp_path / "content")
    write_tree(content, content_for(states, **options))
    status, banner, badge = shown(build_public(content, tmp_path / "out"))
    assert status == expected
    assert banner.endswith(expected["description"])
    assert badge == expected["description"].lower()


def test_one_partial_outage_among_several_is_a_minor_service_outage(tmp_path: Path) -> None:
    # Issue 14's example: one component of three in partial_outage -> minor, not major.
    check_built(tmp_path, ["partial_outage", "operational", "operational"],
                {"indicator": "minor", "description": "Minor Service Outage"})


def test_one_major_outage_among_several_is_a_partial_system_outage(tmp_path: Path) -> None:
    check_built(tmp_path, ["major_outage", "operational"], {"indicator": "major", "description": "Partial System Outage"})


def test_an_open_incident_without_components_does_not_raise_the_status(tmp_path: Path) -> None:
    # Decision, from the 2025-05-30 GitHub capture (a `major` incident with `components: []`
    # and a page indicator of `maintenance`): the indicator follows component states only.
    check_built(tmp_path, ["operational", "operational"], {"indicator": "none", "description": "All Systems Operational"},
                incident_without_components=True)


def test_a_component_is_in_its_worst_active_impact(tmp_path: Path) -> None:
    # c0 has two open incidents at 12:00: degraded since 11:00 (INC-1) and a major outage since
    # 11:30 (INC-2). Its state is the worse, major_outage; one of two components in a major
    # outage is "Partial System Outage" (indicator major).
    content = make_content(tmp_path / "content")
    files = content_for(["degraded_performance", "operational"])
    files["incidents/worse.yaml"] = yaml.safe_dump({
        "id": "INC-9", "title": "Worse", "type": "external", "severity": "major",
        "started_at": "2026-11-28T11:30:00Z", "impact": [{"component": "c0", "level": "major_outage"}],
        "updates": [{"at": "2026-11-28T11:35:00Z", "status": "identified", "body": "Down."}],
    })
    write_tree(content, files)
    public = build_public(content, tmp_path / "out")
    components = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    assert {c["id"]: c["status"] for c in components if not c.get("group")} == {
        "c0": "major_outage", "c1": "operational",
    }
    status, banner, badge = shown(public)
    assert status == {"indicator": "major", "description": "Partial System Outage"}
    assert banner.endswith("Partial System Outage") and badge == "partial system outage"


def test_a_component_changed_when_its_state_did_not_when_one_outage_follows_another(tmp_path: Path) -> None:
    # api at 12:00: partial outage since 09:00 (INC-1, open); a major outage 10:00-11:00 (INC-2,
    # resolved at 11:00) and another from 11:00 on (INC-3, open). Its state: partial 09:00-10:00,
    # then major without a break from 10:00: it last changed at 10:00, though outages ended and
    # began at 11:00.
    def incident(ident: str, level: str, started: str, resolved: str | None = None) -> str:
        return yaml.safe_dump({
            "id": ident, "title": f"Trouble {ident}", "type": "external", "severity": "minor",
            "started_at": started, **({"resolved_at": resolved} if resolved else {}),
            "impact": [{"component": "api", "level": level}],
            "updates": [{"at": started, "status": "investigating", "body": "Looking."}],
        })

    content = make_content(tmp_path / "content")
    write_tree(content, {
        "incidents/1.yaml": incident("INC-1", "partial_outage", "2026-11-28T09:00:00Z"),
        "incidents/2.yaml": incident("INC-2", "major_outage", "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z"),
        "incidents/3.yaml": incident("INC-3", "major_outage", "2026-11-28T11:00:00Z"),
    })
    public = build_public(content, tmp_path / "out")
    components = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    api = next(c for c in components if c["id"] == "api")
    assert (api["status"], api["updated_at"]) == ("major_outage", "2026-11-28T10:00:00.000Z")


REAL_SUMMARIES = sorted((CORPORA / "statuspage-v2").rglob("*summary*.json")) if CORPORA.is_dir() else []


@pytest.mark.skipif(not REAL_SUMMARIES, reason="../shared/corpora is absent")
@pytest.mark.parametrize("path", REAL_SUMMARIES, ids=lambda p: p.name)
def test_every_real_summary_gets_its_own_indicator_back(path: Path, tmp_path: Path) -> None:
    """Their component states (group rows are roll-ups, not components) rebuilt as our content:
    our banner, status.json and badge say what their page said."""
    real = json.loads(path.read_text(encoding="utf-8"))
    states = [c["status"] for c in real["components"] if not c.get("group")]
    assert page_status([ComponentStatus(s) for s in states]) == PageStatus(
        Indicator(real["status"]["indicator"]), real["status"]["description"]
    )
    check_built(tmp_path, states, real["status"])


def test_the_captures_cover_every_indicator_they_can() -> None:
    """The corpus test above means something only if the captures disagree with the old rule
    (worst component state alone): at least one must be `minor` with a partial outage."""
    if not REAL_SUMMARIES:
        pytest.skip("../shared/corpora is absent")
    pairs = set()
    for path in REAL_SUMMARIES:
        real = json.loads(path.read_text(encoding="utf-8"))
        pairs.add((real["status"]["indicator"], real["status"]["description"]))
    assert ("minor", "Minor Service Outage") in pairs and ("major", "Partial System Outage") in pairs
