"""The public projection: current states, and time travel with --now."""

from __future__ import annotations

from pathlib import Path

from generator.derive.status import ComponentStatus, OverallStatus
from generator.public.projection import project
from tests.sitekit import load, make_content, now

OPEN_INCIDENT = """\
id: INC-7
title: API slow
type: external
severity: medium
started_at: 2026-11-28T10:00:00Z
detected_at: 2026-11-28T10:05:00Z
impact:
  - component: api
    level: partial_outage
  - component: vpn
    level: major_outage
updates:
  - at: 2026-11-28T10:10:00Z
    status: investigating
    body: Looking.
  - at: 2026-11-28T11:10:00Z
    status: identified
    body: Found it.
"""

MAINTENANCE = """\
id: MNT-1
title: Web upgrade
components: [web, vpn]
scheduled_start: 2026-11-28T09:00:00Z
scheduled_end: 2026-11-28T13:00:00Z
updates:
  - at: 2026-11-20T10:00:00Z
    status: scheduled
    body: Planned.
  - at: 2026-11-28T09:01:00Z
    status: in_progress
    body: Started.
  - at: 2026-11-28T12:30:00Z
    status: completed
    body: Done.
"""


def page_at(tmp_path: Path, at: str):  # type: ignore[no-untyped-def]
    root = make_content(tmp_path / "content", {"incidents/a.yaml": OPEN_INCIDENT, "maintenance/m.yaml": MAINTENANCE})
    loaded = load(root, at)
    assert loaded.problems.errors == []
    return project(loaded.site, now(at))


def test_current_states_and_banner(tmp_path: Path) -> None:
    page = page_at(tmp_path, "2026-11-28T12:00:00Z")
    assert [c.id for c in page.components] == ["api", "web"]  # vpn is internal
    assert page.component("api").status is ComponentStatus.PARTIAL_OUTAGE
    assert page.component("web").status is ComponentStatus.UNDER_MAINTENANCE
    assert page.status is OverallStatus.PARTIAL_OUTAGE
    [incident] = page.active_incidents
    assert [i.component_id for i in incident.impacts] == ["api"]
    assert [u.status.value for u in incident.updates] == ["identified", "investigating"]
    assert [m.id for m in page.active_maintenance] == ["MNT-1"]
    assert page.maintenance[0].component_ids == ("web",)


def test_the_past_does_not_know_the_future(tmp_path: Path) -> None:
    before_incident = page_at(tmp_path, "2026-11-28T09:30:00Z")
    assert before_incident.incidents == ()
    assert before_incident.component("web").status is ComponentStatus.UNDER_MAINTENANCE
    assert before_incident.status is OverallStatus.MAINTENANCE
    before_announcement = page_at(tmp_path / "b", "2026-11-19T00:00:00Z")
    assert before_announcement.maintenance == ()
    after = page_at(tmp_path / "c", "2026-11-28T12:45:00Z")
    assert after.component("web").status is ComponentStatus.OPERATIONAL
    assert after.maintenance[0].status.value == "completed"
    early = page_at(tmp_path / "d", "2026-11-28T10:30:00Z")
    assert [u.status.value for u in early.incidents[0].updates] == ["investigating"]
