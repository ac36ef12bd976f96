"""Maintenance follows its schedule unless an update says otherwise: built at several `--now`
values, every output (home, maintenance page, component state, banner, API, feeds, calendar)
shows the status worked out by hand below."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from tests.sitekit import make_content
from tests.test_public_feeds import build_public

#: Planned for 2 Dec, 02:00 to 04:00 UTC, on the API; announced on 25 Nov; nothing else posted.
WINDOW = """\
id: MNT-7
title: Database upgrade
components: [api]
scheduled_start: 2026-12-02T02:00:00Z
scheduled_end: 2026-12-02T04:00:00Z
updates:
  - at: 2026-11-25T09:00:00Z
    status: scheduled
    body: We will upgrade the database.
"""

IN_PROGRESS_WORDS = "Scheduled maintenance is currently in progress. We will provide updates as necessary."
COMPLETED_WORDS = "The scheduled maintenance has been completed."


def built(tmp_path: Path, at: str, extra: str = "") -> Path:
    content = make_content(tmp_path / "content", {"maintenance/m.yaml": WINDOW + extra})
    return build_public(content, tmp_path / "out", at)


def api(public: Path, name: str) -> Any:
    return json.loads((public / "api/v2" / name).read_text(encoding="utf-8"))


def soup(public: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((public / path).read_text(encoding="utf-8"), "html5lib")


def words(node: object) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def seen(public: Path) -> dict[str, Any]:
    """What each output says about MNT-7 and the API component."""
    [window] = api(public, "scheduled-maintenances.json")["scheduled_maintenances"]
    components = {c["id"]: c["status"] for c in api(public, "components.json")["components"]}
    home = soup(public, "index.html")
    page = soup(public, "maintenance/MNT-7.html")
    feed = feedparser.parse((public / "feeds/components/api.atom").read_bytes())
    [event] = Calendar.from_ical((public / "maintenance.ics").read_bytes()).walk("VEVENT")
    return {
        "status": window["status"],
        "resolved_at": window["resolved_at"],
        "updates": [(u["status"], u["created_at"][11:16]) for u in window["incident_updates"]],
        "api": components["api"],
        "indicator": api(public, "status.json")["status"]["indicator"],
        "upcoming": [m["id"] for m in api(public, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]],
        "active": [m["id"] for m in api(public, "scheduled-maintenances/active.json")["scheduled_maintenances"]],
        "summary": [m["status"] for m in api(public, "summary.json")["scheduled_maintenances"]],
        "banner": words(home.select_one(".banner h2"))[2:],
        "home_api": words(home.select_one("#component-api .status"))[2:],
        "pill": words(page.select_one("p.meta .pill")),
        "feed": [e.title for e in feed.entries],
        "calendar": str(event["DESCRIPTION"]).splitlines()[0],
    }


# By hand. Before 02:00 the window is as announced. From 02:00 (the start counts) it is in
# progress: an automatic update at 02:00 with Statuspage's words, the API under maintenance,
# the page "Service Under Maintenance" (API under maintenance, website operational). From 04:00
# (the end) it is completed: a second automatic update at 04:00, resolved_at 04:00, everything
# operational, out of the upcoming and active lists. Feeds list newest first.
SCHEDULED = {
    "status": "scheduled", "resolved_at": None, "updates": [("scheduled", "09:00")], "api": "operational",
    "indicator": "none", "upcoming": ["MNT-7"], "active": [], "summary": ["scheduled"],
    "banner": "All Systems Operational", "home_api": "Operational", "pill": "Scheduled",
    "feed": ["Maintenance scheduled: Database upgrade"], "calendar": "Status: Scheduled",
}
IN_PROGRESS = SCHEDULED | {
    "status": "in_progress", "updates": [("in_progress", "02:00"), ("scheduled", "09:00")],
    "api": "under_maintenance", "indicator": "maintenance", "upcoming": [], "active": ["MNT-7"],
    "summary": ["in_progress"], "banner": "Service Under Maintenance", "home_api": "Under maintenance",
    "pill": "In progress", "calendar": "Status: In progress",
    "feed": ["Maintenance in progress: Database upgrade", "Maintenance scheduled: Database upgrade"],
}
COMPLETED = SCHEDULED | {
    "status": "completed", "resolved_at": "2026-12-02T04:00:00.000Z",
    "updates": [("completed", "04:00"), ("in_progress", "02:00"), ("scheduled", "09:00")],
    "upcoming": [], "summary": [], "pill": "Completed", "calendar": "Status: Completed",
    "feed": ["Maintenance completed: Database upgrade", "Maintenance in progress: Database upgrade",
             "Maintenance scheduled: Database upgrade"],
}


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-12-02T01:59:00Z", SCHEDULED),
        ("2026-12-02T02:00:00Z", IN_PROGRESS),
        ("2026-12-02T03:00:00Z", IN_PROGRESS),
        ("2026-12-02T04:00:00Z", COMPLETED),
        ("2026-12-10T00:00:00Z", COMPLETED),
    ],
)
def test_the_window_follows_its_schedule(tmp_path: Path, at: str, expected: dict[str, Any]) -> None:
    assert seen(built(tmp_path, at)) == expected


def test_the_automatic_updates_say_what_statuspage_says(tmp_path: Path) -> None:
    public = built(tmp_path, "2026-12-02T05:00:00Z")
    bodies = [u["body"] for u in api(public, "scheduled-maintenances.json")["scheduled_maintenances"][0]["incident_updates"]]
    assert bodies == [COMPLETED_WORDS, IN_PROGRESS_WORDS, "We will upgrade the database."]
    page = soup(public, "maintenance/MNT-7.html")
    assert [words(li.select_one(".body")) for li in page.select("ol.updates > li")] == [
        COMPLETED_WORDS, IN_PROGRESS_WORDS, "We will upgrade the database."
    ]
    # It appears in the history once completed, like any completed window.
    assert "Database upgrade" in words(soup(public, "history/index.html").select_one("main"))


def update(at: str, status: str, body: str) -> str:
    return f"  - at: {at}\n    status: {status}\n    body: {body}\n"


@pytest.mark.parametrize(
    ("extra", "at", "status", "pill", "api_state", "updates"),
    [
        # Verifying at 03:50 holds past the end (04:00) until someone completes it.
        (update("2026-12-02T03:50:00Z", "verifying", "Checking."), "2026-12-02T05:00:00Z", "verifying", "Verifying",
         "under_maintenance", [("verifying", "03:50"), ("in_progress", "02:00"), ("scheduled", "09:00")]),
        # Cancelled on 30 Nov: nothing happens at 02:00 or 04:00; the API has no "cancelled".
        (update("2026-11-30T10:00:00Z", "cancelled", "Called off."), "2026-12-02T03:00:00Z", "completed", "Cancelled",
         "operational", [("completed", "10:00"), ("scheduled", "09:00")]),
        # Completed early at 03:00: no automatic completion at 04:00.
        (update("2026-12-02T03:00:00Z", "completed", "Done early."), "2026-12-02T05:00:00Z", "completed", "Completed",
         "operational", [("completed", "03:00"), ("in_progress", "02:00"), ("scheduled", "09:00")]),
        # Started early at 01:30: no automatic start at 02:00, automatic completion at 04:00.
        (update("2026-12-02T01:30:00Z", "in_progress", "Starting early."), "2026-12-02T04:30:00Z", "completed", "Completed",
         "operational", [("completed", "04:00"), ("in_progress", "01:30"), ("scheduled", "09:00")]),
        # An overrun posted at 04:30 after the automatic completion: in progress again.
        (update("2026-12-02T04:30:00Z", "in_progress", "Taking longer."), "2026-12-02T05:00:00Z", "in_progress", "In progress",
         "under_maintenance",
         [("in_progress", "04:30"), ("completed", "04:00"), ("in_progress", "02:00"), ("scheduled", "09:00")]),
    ],
)
def test_an_update_that_says_otherwise_wins(
    tmp_path: Path, extra: str, at: str, status: str, pill: str, api_state: str, updates: list[tuple[str, str]]
) -> None:
    got = seen(built(tmp_path, at, extra))
    assert (got["status"], got["pill"], got["api"], got["updates"]) == (status, pill, api_state, updates)
    assert got["calendar"] == f"Status: {pill}"
