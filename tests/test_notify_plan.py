"""Planning is pure: site + now -> the messages due, with stable ids. Maintenance messages follow
the schedule when nobody wrote an update; channel filters pick what each channel hears."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from generator.notify.ledger import State
from generator.notify.runner import plan
from generator.public.projection import project
from tests.notifykit import SERVICES, SITE
from tests.sitekit import load, now, write_tree

WINDOW = """\
id: MNT-1
title: Database upgrade
components: [api, vpn]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: We will upgrade the database.
{more}
"""

NOTIFY = """\
kb_url: https://kb.acme.example/
reminder_minutes: 30
channels:
  - {name: all, type: slack, audience: public, url: "${X}"}
  - {name: web-only, type: slack, audience: public, url: "${X}", components: [web]}
  - {name: core, type: slack, audience: public, url: "${X}", groups: [Core], events: [maintenance]}
  - {name: incidents-only, type: slack, audience: public, url: "${X}", events: [incidents]}
  - {name: staff-major, type: slack, audience: internal, url: "${X}", min_severity: major}
  - {name: backstage, type: slack, audience: internal, url: "${X}", groups: [Backstage]}
"""

INCIDENT = """\
id: INC-7
title: VPN down
type: internal
severity: {severity}
started_at: 2026-12-01T08:00:00Z
impact:
  - component: vpn
    level: major_outage
"""


def due(tmp_path: Path, at: str, more: str = "", severity: str = "minor",
        state: State | None = None) -> dict[str, list[str]]:
    root = write_tree(tmp_path / "content", {
        "site.yaml": SITE, "services.yaml": SERVICES, "notify.yaml": NOTIFY,
        "maintenance/m.yaml": WINDOW.format(more=more), "incidents/i.yaml": INCIDENT.format(severity=severity),
    })
    loaded = load(root, at)
    assert loaded.problems.errors == [] and loaded.notify is not None
    page = project(loaded.site, now(at))
    found = plan(loaded.site, loaded.notify, page, state or State(), loaded.notify.channels)
    return {name: [m.id for m in messages] for name, messages in found.items()}


def test_maintenance_follows_its_schedule_without_updates(tmp_path: Path) -> None:
    scheduled = "maintenance/MNT-1/update/20261126T100000Z"
    assert due(tmp_path, "2026-12-03T01:00:00Z")["all"] == [scheduled]
    assert due(tmp_path, "2026-12-03T01:30:00Z")["all"] == [scheduled, "maintenance/MNT-1/reminder"]
    assert due(tmp_path, "2026-12-03T02:00:00Z")["all"] == [scheduled, "maintenance/MNT-1/started"]
    assert due(tmp_path, "2026-12-03T03:59:59Z")["all"] == [scheduled, "maintenance/MNT-1/started"]
    assert due(tmp_path, "2026-12-03T04:00:00Z")["all"] == [scheduled, "maintenance/MNT-1/completed"]


def test_written_updates_replace_the_schedule_messages(tmp_path: Path) -> None:
    started = "  - at: 2026-12-03T02:05:00Z\n    status: in_progress\n    body: Started."
    done = started + "\n  - at: 2026-12-03T03:10:00Z\n    status: completed\n    body: Done early."
    assert due(tmp_path, "2026-12-03T03:00:00Z", started)["all"] == [
        "maintenance/MNT-1/update/20261126T100000Z", "maintenance/MNT-1/update/20261203T020500Z",
    ]
    assert due(tmp_path, "2026-12-03T05:00:00Z", done)["all"] == [
        "maintenance/MNT-1/update/20261126T100000Z", "maintenance/MNT-1/update/20261203T020500Z",
        "maintenance/MNT-1/update/20261203T031000Z",
    ]
    cancelled = "  - at: 2026-12-02T09:00:00Z\n    status: cancelled\n    body: Postponed."
    assert due(tmp_path, "2026-12-03T05:00:00Z", cancelled)["all"] == [
        "maintenance/MNT-1/update/20261126T100000Z", "maintenance/MNT-1/update/20261202T090000Z",
    ]


def test_an_overrun_posted_after_the_end_is_announced_as_written(tmp_path: Path) -> None:
    # The schedule ends at 04:00 (automatic completion); at 04:30 someone posts `in_progress`
    # (an overrun). At 05:00 the course is: the announcement, the automatic start at 02:00 and
    # completion at 04:00 (each followed by another change: not announced late), the overrun.
    # The overrun is a written update: announced under its own key, not as the schedule's start.
    overrun = "  - at: 2026-12-03T04:30:00Z\n    status: in_progress\n    body: Still migrating."
    assert due(tmp_path, "2026-12-03T05:00:00Z", overrun)["all"] == [
        "maintenance/MNT-1/update/20261126T100000Z", "maintenance/MNT-1/update/20261203T043000Z",
    ]


def test_channel_filters(tmp_path: Path) -> None:
    found = due(tmp_path, "2026-12-01T09:00:00Z", severity="minor")
    assert found["web-only"] == []  # the window is on api and vpn
    assert found["core"] == ["maintenance/MNT-1/update/20261126T100000Z"]
    assert found["incidents-only"] == []  # the internal incident never reaches a public channel
    assert found["staff-major"] == ["maintenance/MNT-1/update/20261126T100000Z"]  # minor incident filtered
    assert found["backstage"] == ["maintenance/MNT-1/update/20261126T100000Z", "incident/INC-7/declared"]
    major = due(tmp_path, "2026-12-01T09:00:00Z", severity="major")
    assert major["staff-major"] == ["maintenance/MNT-1/update/20261126T100000Z", "incident/INC-7/declared"]


def test_severity_changes_follow_what_each_channel_was_told(tmp_path: Path) -> None:
    state = State()
    state.add({"channel": "backstage", "message": "incident/INC-7/declared", "status": "minor"})
    assert due(tmp_path, "2026-12-01T09:00:00Z", severity="minor", state=state)["backstage"] == [
        "maintenance/MNT-1/update/20261126T100000Z",
    ]
    assert due(tmp_path, "2026-12-01T09:00:00Z", severity="major", state=state)["backstage"][-1] == (
        "incident/INC-7/severity/1-major"
    )
    state.add({"channel": "backstage", "message": "incident/INC-7/severity/1-major", "status": "major"})
    state.add({"channel": "backstage", "message": "incident/INC-7/severity/2-minor", "status": "minor"})
    assert due(tmp_path, "2026-12-01T09:00:00Z", severity="major", state=state)["backstage"][-1] == (
        "incident/INC-7/severity/3-major"
    )




def test_internal_links_point_at_the_knowledge_base_pages() -> None:
    from generator.kb import paths
    from generator.notify.stakeholders import KB_INCIDENT, KB_REVIEW

    assert KB_INCIDENT.format("INC-1") == paths.incident("INC-1")
    assert KB_REVIEW.format("INC-1") == paths.review("INC-1")


REVIEW = """\
---
incident: INC-7
authors: [CanaryAuthor]
status: {status}
review_date: 2026-12-02
public_summary: A VPN certificate expired.
action_items:
  - {{id: AI-1, title: Alert on expiry, owner: it, priority: P1, status: open}}
---
## Summary
Internal text.
"""


def test_a_published_review_is_announced_to_internal_channels_only(tmp_path: Path) -> None:
    resolved = INCIDENT.format(severity="major") + "mitigated_at: 2026-12-01T09:00:00Z\nresolved_at: 2026-12-01T09:30:00Z\n"
    for status, expected in (("draft", []), ("published", ["incident/INC-7/postmortem"])):
        root = write_tree(tmp_path / status / "content", {
            "site.yaml": SITE, "services.yaml": SERVICES, "notify.yaml": NOTIFY,
            "incidents/i.yaml": resolved, "postmortems/INC-7.md": REVIEW.format(status=status),
        })
        loaded = load(root, "2026-12-03T12:00:00Z")
        assert loaded.problems.errors == [] and loaded.notify is not None
        page = project(loaded.site, now("2026-12-03T12:00:00Z"))
        found = plan(loaded.site, loaded.notify, page, State(), loaded.notify.channels)
        reviews = [m for m in found["backstage"] if m.kind.value == "postmortem_published"]
        assert [m.id for m in reviews] == expected
        assert all(not [m for m in found[c] if m.kind.value == "postmortem_published"] for c in ("all", "core"))
        if reviews:
            (review,) = reviews
            assert review.link == "https://kb.acme.example/postmortems/INC-7.html"
            assert dict(review.facts) == {"Authors": "CanaryAuthor", "Action items": "1"}
            assert review.at == datetime(2026, 12, 2, tzinfo=UTC)


def test_titles_are_text_as_the_public_site_shows_them(tmp_path: Path) -> None:
    """A title is text, not Markdown: references stay as written (`&lt;script&gt;` must not become a
    tag in a mail client or chat), Markdown characters are kept, as on the page and in the feeds."""
    title = "Errors &lt;script&gt; at *checkout* & more"
    root = write_tree(tmp_path / "content", {
        "site.yaml": SITE, "services.yaml": SERVICES, "notify.yaml": NOTIFY,
        "maintenance/m.yaml": WINDOW.format(more="").replace("Database upgrade", title),
        "incidents/i.yaml": INCIDENT.format(severity="major").replace("VPN down", title),
    })
    loaded = load(root, "2026-12-01T09:00:00Z")
    assert loaded.problems.errors == [] and loaded.notify is not None
    page = project(loaded.site, now("2026-12-01T09:00:00Z"))
    found = plan(loaded.site, loaded.notify, page, State(), loaded.notify.channels)
    titles = {m.title for messages in found.values() for m in messages}
    assert titles == {title}


def test_a_window_announced_within_the_reminder_time_is_announced_before_its_reminder(tmp_path: Path) -> None:
    """Posted 20 minutes before it starts (reminder_minutes 30): subscribers hear of the window
    first and of the reminder then, never a reminder of a window they were not told of."""
    late = WINDOW.replace("2026-11-26T10:00:00Z", "2026-12-03T01:40:00Z")
    root = write_tree(tmp_path / "content", {
        "site.yaml": SITE, "services.yaml": SERVICES, "notify.yaml": NOTIFY, "maintenance/m.yaml": late.format(more=""),
    })
    at = "2026-12-03T01:45:00Z"
    loaded = load(root, at)
    assert loaded.problems.errors == [] and loaded.notify is not None
    page = project(loaded.site, now(at))
    found = plan(loaded.site, loaded.notify, page, State(), loaded.notify.channels)
    assert [m.id for m in found["all"]] == ["maintenance/MNT-1/update/20261203T014000Z", "maintenance/MNT-1/reminder"]
    assert [m.id for m in found["staff-major"]] == [
        "maintenance/MNT-1/update/20261203T014000Z", "maintenance/MNT-1/reminder"
    ]
    reminder = found["all"][1]
    assert reminder.at == datetime(2026, 12, 3, 1, 40, tzinfo=UTC)  # not 01:30, before the window was posted
