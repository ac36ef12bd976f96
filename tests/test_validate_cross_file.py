"""`statuspress validate` runs the checks across files on the facts each file gives (not on a
whole site), with and without the load cache: every cross-file message and the counts, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import make_content

# INC-1 resolved 2026-11-20T16:30Z, INC-2 resolved 2026-10-20T16:30Z (the same text, a month earlier).
INCIDENT = """\
id: INC-1
title: API errors
type: external
severity: major
started_at: 2026-11-20T14:02:00Z
resolved_at: 2026-11-20T16:30:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-20T16:30:00Z
    status: resolved
    body: Fixed.
"""

WINDOW = """\
id: MNT-1
title: Database upgrade
components: [api]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: Read-only for ten minutes.
"""


def review(incident: str, item: str, due: str, owner: str | None = "ops") -> str:
    # Line 5 is "  - id: <item>".
    owned = f"    owner: {owner}\n" if owner else ""
    return (f"---\nincident: {incident}\nstatus: draft\naction_items:\n  - id: {item}\n    title: Fix it\n"
            f"{owned}    priority: P2\n    due: {due}\n    status: open\n---\nBody.\n")


RUNBOOK = "---\ntitle: Disk full\nservices: [api]\n---\nSteps.\n"

FILES = {
    "incidents/a.yaml": INCIDENT,
    "incidents/b.yaml": INCIDENT.replace("INC-1", "INC-2").replace("2026-11-20", "2026-10-20"),
    "maintenance/a.yaml": WINDOW,
    "maintenance/b.yaml": WINDOW,
    "postmortems/INC-1.md": review("INC-1", "AI-1", "2026-12-01"),
    "postmortems/again.md": review("INC-1", "AI-2", "2026-12-02", owner=None),
    "runbooks/Disk.md": RUNBOOK,
    "runbooks/disk.md": RUNBOOK,
}

# At 2026-12-10T12:00Z: AI-1 (due 12-01) and AI-2 (due 12-02, no owner) are overdue; INC-1's review was
# due 14 days after 11-20 (12-04) and is a draft; INC-2 (10-20 + 14 = 11-03) has none.
# "again.md" sorts after "INC-1.md" by incident (both INC-1), so it is the second review.
EXPECTED = [
    "content/incidents/a.yaml:1: warning: resolved more than 14 days ago and its post-mortem is still a draft",
    "content/incidents/b.yaml:1: warning: resolved more than 14 days ago and no post-mortem",
    "content/maintenance/b.yaml:1: duplicate maintenance id 'MNT-1' (first defined at content/maintenance/a.yaml:1)",
    "content/postmortems/INC-1.md:5: warning: action item AI-1 is overdue (due 2026-12-01, owner ops)",
    "content/postmortems/again.md:2: incident: 'INC-1' already has a post-mortem at content/postmortems/INC-1.md",
    "content/postmortems/again.md:5: warning: action item AI-2 is overdue (due 2026-12-02, owner nobody)",
    "content/runbooks/disk.md:1: runbook path 'disk.md' differs only in case from 'Disk.md' "
    "(content/runbooks/Disk.md:1); ids name files and URLs, which are one on case-insensitive hosts",
    "2 incidents, 2 maintenance windows, 2 post-mortems, 2 runbooks, 3 services: 3 errors, 4 warnings",
]


def validate(*extra: str, at: str = "2026-12-10T12:00:00Z") -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--content", "content", "--now", at, *extra])
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_content(tmp_path / "content", FILES)


def test_cross_file_messages_and_counts_without_cache(site: Path) -> None:
    assert validate("--no-cache") == (1, EXPECTED)


def test_cross_file_messages_and_counts_from_a_cold_and_a_warm_cache(site: Path) -> None:
    cache = str(site.parent / "cache")
    assert validate("--cache-dir", cache) == (1, EXPECTED)
    assert validate("--cache-dir", cache) == (1, EXPECTED)


def test_timed_warnings_wait_for_their_moment(site: Path) -> None:
    # 2026-12-01 is AI-1's due day (not overdue yet), AI-2 is due the next day and INC-1's
    # review is not due before 12-04.
    code, lines = validate("--no-cache", at="2026-12-01T23:59:00Z")
    assert [line for line in lines if ": warning: " in line] == [
        "content/incidents/b.yaml:1: warning: resolved more than 14 days ago and no post-mortem",
    ]
    assert lines[-1].endswith(": 3 errors, 1 warning")


@pytest.mark.parametrize(("at", "draft_warned"), [("2026-12-04T16:30:00Z", False), ("2026-12-04T16:30:01Z", True)])
def test_review_is_overdue_only_after_its_deadline(site: Path, at: str, draft_warned: bool) -> None:
    # INC-1 was resolved at 2026-11-20T16:30Z: its review is due 14 days later to the second.
    warning = EXPECTED[0]
    assert (warning in validate("--no-cache", at=at)[1]) is draft_warned


def test_due_days_from_the_resolution_and_reviews_of_unknown_incidents(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # AI-9 has no `due` and its review no review_date: due = the day INC-2 was resolved (10-20)
    # + 30 days for P2 = 11-19. AI-7 (done) and AI-6 (won't fix) were due 11-01: closed, not overdue. AI-8's review names an incident that does not exist: an error,
    # and no due day to be overdue by (nor a crash looking for one).
    monkeypatch.chdir(tmp_path)
    item = "action_items:\n  - id: {id}\n    title: Fix it\n    owner: ops\n    priority: {p}\n    status: open\n"
    done = "  - id: {id}\n    title: Closed\n    priority: P1\n    due: 2026-11-01\n    status: {status}\n"
    make_content(tmp_path / "content", {
        "incidents/b.yaml": FILES["incidents/b.yaml"],
        "postmortems/INC-2.md": "---\nincident: INC-2\nstatus: reviewed\n" + item.format(id="AI-9", p="P2")
        + done.format(id="AI-7", status="done") + done.format(id="AI-6", status="wont_fix") + "---\n",
        "postmortems/INC-9.md": "---\nincident: INC-9\nstatus: draft\n" + item.format(id="AI-8", p="P1") + "---\n",
    })
    code, lines = validate("--no-cache")
    assert code == 1
    assert lines[:-1] == [
        "content/postmortems/INC-2.md:5: warning: action item AI-9 is overdue (due 2026-11-19, owner ops)",
        "content/postmortems/INC-9.md:2: incident: unknown incident 'INC-9'",
    ]
    assert lines[-1].endswith(": 1 error, 1 warning")
