"""Statuspage times are compared as times, not as text: a page in America/Denver sends -06:00 in
summer time and -07:00 in winter time, so around the autumn change an earlier wall-clock text
can be the later moment. And a webhook notification's payload is imported like the API's."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main
from tests.sitekit import CORPORA, load, make_content

PAGE = {"id": "p1", "name": "Denver", "url": "https://status.d.example", "time_zone": "America/Denver"}
COMPONENTS = [{"id": "c1", "name": "Canvas", "status": "operational", "group": False, "group_id": None}]


def update(ident: str, status: str, at: str, new_status: str | None) -> dict[str, object]:
    changes = [{"code": "c1", "name": "Canvas", "old_status": "operational", "new_status": new_status}]
    return {"id": ident, "status": status, "body": f"{status} at {at}", "created_at": at, "display_at": at,
            "affected_components": changes if new_status else None}


#: 01:20 and 01:50 MDT (-06:00) are 07:20Z and 07:50Z; 01:30 MST (-07:00), an hour after the
#: clocks went back, is 08:30Z: the latest, though its text sorts between the other two.
INVESTIGATING = update("u1", "investigating", "2026-11-01T01:20:00.000-06:00", "major_outage")
IDENTIFIED = update("u2", "identified", "2026-11-01T01:50:00.000-06:00", None)
RESOLVED = update("u3", "resolved", "2026-11-01T01:30:00.000-07:00", "operational")


def incident(updated_at: str, updates: list[dict[str, object]], status: str) -> dict[str, object]:
    return {"id": "dst1", "name": "Fall back", "status": status, "impact": "major",
            "created_at": "2026-11-01T01:20:00.000-06:00", "started_at": "2026-11-01T01:20:00.000-06:00",
            "updated_at": updated_at, "monitoring_at": None,
            "resolved_at": "2026-11-01T01:30:00.000-07:00" if status == "resolved" else None,
            "incident_updates": updates, "components": [{"id": "c1", "name": "Canvas", "status": "operational"}]}


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content)], catch_exceptions=False)


def test_snapshots_and_updates_across_the_autumn_clock_change_are_in_time_order(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    early = incident("2026-11-01T01:50:00.000-06:00", [IDENTIFIED, INVESTIGATING], "identified")
    late = incident("2026-11-01T01:30:00.000-07:00", [RESOLVED, IDENTIFIED, INVESTIGATING], "resolved")
    (dump / "a-late.json").write_text(json.dumps({"page": PAGE, "components": COMPONENTS, "incidents": [late]}))
    (dump / "b-early.json").write_text(json.dumps({"page": PAGE, "components": COMPONENTS, "incidents": [early]}))
    content = make_content(tmp_path / "content")
    result = run(content, "import", "statuspage", str(dump), "--now", "2026-11-02T00:00:00Z")
    assert result.exit_code == 0, result.output

    loaded = load(content, "2026-11-02T00:00:00Z")
    assert loaded.problems.errors == []
    (imported,) = [i for i in loaded.site.incidents if i.id == "SP-dst1"]
    assert imported.resolved_at is not None and imported.resolved_at.isoformat() == "2026-11-01T08:30:00+00:00"
    assert [(u.at.strftime("%H:%M"), u.status.value) for u in imported.updates] == [
        ("07:20", "investigating"), ("07:50", "identified"), ("08:30", "resolved"),
    ]
    (impact,) = imported.impact
    assert impact.level.value == "major_outage"


def test_a_webhook_notification_is_imported_like_the_api(tmp_path: Path) -> None:
    """Statuspage's webhook payloads (kept by a receiver) hold one `incident`: the newest of the
    created and the resolved notification of the same incident wins."""
    content = make_content(tmp_path / "content")
    result = run(content, "import", "statuspage", str(CORPORA / "statuspage-webhooks"), "--now", "2026-11-28T12:00:00Z")
    assert result.exit_code == 0, result.output
    assert "1 record written" in result.output
    assert "component_status_update.json: holds no incidents" in result.output
    loaded = load(content)
    assert loaded.problems.errors == []
    imported = [i for i in loaded.site.incidents if i.id.startswith("SP-")]
    assert len(imported) == 1
    assert imported[0].resolved_at is not None
    assert imported[0].updates[-1].status.value == "resolved"


def test_a_resolved_cstate_issue_without_resolved_when_ends_at_its_last_update(tmp_path: Path) -> None:
    """`resolved: true` without `resolvedWhen` (cState asks for it; people forget): the outage
    lasted until its last tracked update, not zero minutes from its `date`."""
    site = tmp_path / "cstate"
    (site / "content" / "issues").mkdir(parents=True)
    (site / "config.yml").write_text("params:\n  systems:\n    - name: API\n      category: Core\n")
    (site / "content" / "issues" / "outage.md").write_text(
        "---\ntitle: API down\ndate: 2024-03-01T10:00:00Z\nresolved: true\nseverity: down\naffected: [API]\n---\n"
        '*Investigating* - The API fails. {{< track "2024-03-01T10:05:00Z" >}}\n\n'
        '*Resolved* - It works again. {{< track "2024-03-01T11:10:00Z" >}}\n'
    )
    content = make_content(tmp_path / "content")
    result = run(content, "import", "cstate", str(site), "--now", "2024-03-02T00:00:00Z")
    assert result.exit_code == 0, result.output
    loaded = load(content, "2024-03-02T00:00:00Z")
    assert loaded.problems.errors == []
    (imported,) = [i for i in loaded.site.incidents if i.id == "CS-outage"]
    assert imported.resolved_at is not None and imported.resolved_at.isoformat() == "2024-03-01T11:10:00+00:00"
    assert [(u.at.strftime("%H:%M"), u.status.value) for u in imported.updates] == [
        ("10:05", "investigating"), ("11:10", "resolved"),
    ]
