"""Facts the public projection derives, as the built site shows them: an incident's "updated"
time (its resolution counts, not only its updates), its impact word (the worst public impact,
internal services left out), the order of upcoming maintenance, the page's last change.
A tiny site declared here; every expected value worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.sitekit import SERVICES_YAML, make_content
from tests.test_public_feeds import build_public

# Resolved at 16:30, later than its last update (15:00); the worst public impact is api's
# partial outage: web is only degraded, and the major outage is on vpn, an internal service.
RESOLVED = """\
id: INC-1
title: Checkout errors
type: external
severity: medium
started_at: 2026-11-20T14:00:00Z
resolved_at: 2026-11-20T16:30:00Z
impact:
  - component: web
    level: degraded_performance
  - component: api
    level: partial_outage
  - component: vpn
    level: major_outage
updates:
  - at: 2026-11-20T15:00:00Z
    status: identified
    body: Found.
  - at: 2026-11-20T14:10:00Z
    status: investigating
    body: Looking.
"""

OPEN = """\
id: INC-2
title: Slow pages
type: external
severity: minor
started_at: 2026-11-28T10:00:00Z
impact:
  - component: web
    level: degraded_performance
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: Looking.
"""


def window(ident: str, start: str, end: str, announced: str, status: str = "scheduled") -> str:
    return (f"id: {ident}\ntitle: Work {ident}\ncomponents: [api]\nscheduled_start: {start}\n"
            f"scheduled_end: {end}\nupdates:\n  - at: {announced}\n    status: {status}\n    body: Planned.\n")


# Edge lists an operational component before one under maintenance (MNT-3 is on api and dns).
SERVICES = SERVICES_YAML.replace("groups: [Core, Internal]", "groups: [Core, Internal, Edge]") + """\
  - id: app
    name: App
    group: Core
  - id: cdn
    name: CDN
    group: Edge
  - id: dns
    name: DNS
    group: Edge
  - id: mail
    name: Mail
    group: Edge
"""

FILES = {
    "services.yaml": SERVICES,
    # Resolved at the very moment of the build: resolved, and cdn is operational again.
    "incidents/d.yaml": OPEN.replace("INC-2", "INC-4").replace("2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z")
    .replace("component: web", "component: cdn").replace("degraded_performance", "partial_outage")
    .replace("updates:", "resolved_at: 2026-11-28T12:00:00Z\nupdates:")
    .replace("2026-11-28T10:05:00Z", "2026-11-28T12:00:00Z").replace("investigating", "resolved"),
    # Announced at the very moment of the build: public, and upcoming.
    "maintenance/new.yaml": window("MNT-5", "2026-12-05T02:00:00Z", "2026-12-05T03:00:00Z", "2026-11-28T12:00:00Z"),
    "incidents/a.yaml": RESOLVED,
    # Starts at the very moment of the build (12:00), on app: it is on the page, app is degraded.
    "incidents/c.yaml": OPEN.replace("INC-2", "INC-3").replace("2026-11-28T10:00:00Z", "2026-11-28T12:00:00Z")
    .replace("2026-11-28T10:05:00Z", "2026-11-28T12:00:00Z").replace("component: web", "component: app"),
    # Reviewed on the day of the build: its summary is public from that day on.
    "postmortems/INC-1.md": "---\nincident: INC-1\nstatus: published\nreview_date: 2026-11-28\n"
                            "public_summary: A bad deploy; we added a canary stage.\n---\nBody.\n",
    "incidents/b.yaml": OPEN,
    # Announced first but later in time: upcoming windows are listed soonest first.
    "maintenance/late.yaml": window("MNT-1", "2026-12-03T02:00:00Z", "2026-12-03T04:00:00Z", "2026-11-26T10:00:00Z"),
    "maintenance/soon.yaml": window("MNT-2", "2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z", "2026-11-27T09:00:00Z"),
    # Under way at 12:00 (started 09:00, before INC-2's last update): active, not upcoming.
    "maintenance/now.yaml": window("MNT-3", "2026-11-28T09:00:00Z", "2026-11-28T14:00:00Z", "2026-11-28T09:00:00Z",
                                   "in_progress").replace("components: [api]", "components: [api, dns]"),
    # Its schedule ends at 12:00, the build time, when an update put it back to `scheduled`
    # (postponed): an end that has come is not upcoming. Mail was under maintenance 11:00-12:00.
    "maintenance/ended.yaml": window("MNT-4", "2026-11-28T11:00:00Z", "2026-11-28T12:00:00Z", "2026-11-27T08:00:00Z")
    .replace("components: [api]", "components: [mail]")
    + "  - at: 2026-11-28T12:00:00Z\n    status: scheduled\n    body: Postponed; a new date follows.\n",
}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), FILES)
    return build_public(content, tmp_path_factory.mktemp("out"))  # at 2026-11-28T12:00:00Z


def api(public: Path, name: str) -> Any:
    return json.loads((public / "api" / "v2" / name).read_text(encoding="utf-8"))


def test_an_incident_was_last_updated_when_it_was_resolved(public: Path) -> None:
    updated = {i["id"]: i["updated_at"] for i in api(public, "incidents.json")["incidents"]}
    assert updated == {"INC-4": "2026-11-28T12:00:00.000Z", "INC-3": "2026-11-28T12:00:00.000Z",
                       "INC-2": "2026-11-28T10:05:00.000Z", "INC-1": "2026-11-20T16:30:00.000Z"}


def test_what_happens_at_the_build_moment_is_known(public: Path) -> None:
    incidents = {i["id"]: i for i in api(public, "incidents.json")["incidents"]}
    assert [u["body"] for u in incidents["INC-3"]["incident_updates"]] == ["Looking."]  # posted at 12:00
    assert [c["id"] for c in incidents["INC-3"]["components"]] == ["app"]  # its impact began at 12:00
    assert (incidents["INC-4"]["status"], incidents["INC-4"]["resolved_at"]) == ("resolved", "2026-11-28T12:00:00.000Z")


def test_the_page_changed_last_with_the_newest_update(public: Path) -> None:
    # Newest of 11-20 16:30 (resolution), 11-28 10:05 (INC-2), 12:00 (INC-3), and the windows' 11-26 10:00,
    # 11-27 09:00, 11-28 09:00, 11-27 08:00, 11-28 11:00 (MNT-4's automatic start) and 12:00.
    assert api(public, "summary.json")["page"]["updated_at"] == "2026-11-28T12:00:00.000Z"


def meta(public: Path, incident: str) -> str:
    soup = BeautifulSoup((public / "incidents" / f"{incident}.html").read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("main .meta") or soup.select_one(".meta")
    assert found is not None
    return " ".join(found.get_text(" ").split())


def test_an_incident_is_called_by_its_worst_public_impact(public: Path) -> None:
    assert "Impact: Partial outage ·" in meta(public, "INC-1")
    assert "Impact: Degraded performance ·" in meta(public, "INC-2")


def test_upcoming_maintenance_soonest_first_and_active_apart(public: Path) -> None:
    active = api(public, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["id"], m["status"]) for m in active] == [("MNT-3", "in_progress")]
    upcoming = api(public, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert [(m["id"], m["scheduled_for"]) for m in upcoming] == [
        ("MNT-2", "2026-12-01T02:00:00.000Z"), ("MNT-1", "2026-12-03T02:00:00.000Z"),
        ("MNT-5", "2026-12-05T02:00:00.000Z"),
    ]


def test_a_summary_reviewed_today_is_shown(public: Path) -> None:
    page = BeautifulSoup((public / "incidents" / "INC-1.html").read_text(encoding="utf-8"), "html.parser")
    summary = page.select_one("section.summary .body")
    assert summary is not None and summary.get_text(" ", strip=True) == "A bad deploy; we added a canary stage."


def test_a_group_is_in_the_worst_state_of_its_components(public: Path) -> None:
    # Core: api under maintenance, web degraded (INC-2), app degraded since 12:00 (INC-3) ->
    # degraded; Edge: cdn operational again, dns under maintenance, mail's maintenance over at
    # 12:00 -> under maintenance (maintenance ranks above operational).
    states = {c["id"]: c["status"] for c in api(public, "components.json")["components"]}
    assert states == {"core": "degraded_performance", "api": "under_maintenance", "web": "degraded_performance",
                      "app": "degraded_performance", "edge": "under_maintenance", "cdn": "operational",
                      "dns": "under_maintenance", "mail": "operational"}


def test_newest_first(public: Path) -> None:
    # Incidents by start: INC-3 12:00, INC-4 11:00, INC-2 10:00 (11-28), INC-1 (11-20). Windows by
    # scheduled start: MNT-5 12-05, MNT-1 12-03, MNT-2 12-01, MNT-4 11-28 11:00, MNT-3 11-28 09:00.
    assert [i["id"] for i in api(public, "incidents.json")["incidents"]] == ["INC-3", "INC-4", "INC-2", "INC-1"]
    windows = api(public, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["id"] for m in windows] == ["MNT-5", "MNT-1", "MNT-2", "MNT-4", "MNT-3"]
    # MNT-4: in progress from its start (11:00), then put back to scheduled by the update posted
    # at 12:00, the build's moment, which also stands in for the automatic completion at its end.
    assert {m["id"]: m["status"] for m in windows} == {
        "MNT-5": "scheduled", "MNT-1": "scheduled", "MNT-2": "scheduled", "MNT-4": "scheduled", "MNT-3": "in_progress",
    }


def test_todays_bars_show_maintenance_and_outages(public: Path) -> None:
    # On 11-28 up to 12:00: api and dns under maintenance since 09:00 (MNT-3, still open); cdn in
    # a partial outage 11:00-12:00 (INC-4, resolved at 12:00); mail under maintenance 11:00-12:00.
    page = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html.parser")

    def today(component: str) -> list[str]:
        bars = page.select_one(f'ol.bars[aria-labelledby="uptime-{component}"]')
        assert bars is not None
        return list(bars.select("li")[-1].get("class") or [])

    assert [today(c) for c in ("api", "cdn", "dns", "mail")] == [["tone-maint"], ["tone-part"], ["tone-maint"],
                                                                 ["tone-maint"]]
