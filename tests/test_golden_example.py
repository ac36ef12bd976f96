"""Figures of the example organisation (content/) worked out by hand from the content files, and
checked against what a reader sees (issue 18, item 2). Nothing here is read back from
project() or load() as an expected value; the arithmetic is in the comments.

As of 2026-11-28T15:00:00Z. The only open incident is INC-2026-039 (search partial_outage since
13:20, no `to`); every other incident is resolved and its impacts ended before 28 November;
maintenance: MNT-2026-007 is scheduled for 3 December, the event-bus upgrade completed 14 October.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.derive.durations import durations
from tests.sitekit import EXAMPLE, load
from tests.test_public_feeds import build_public

NOW = "2026-11-28T15:00:00Z"
#: The public components of content/services.yaml (public: true), in their order.
PUBLIC = ("web", "search", "checkout", "accounts", "images", "api", "orders", "notifications")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_public(EXAMPLE, tmp_path_factory.mktemp("golden"), NOW)


def test_status_indicator_and_banner(public: Path) -> None:
    # One of eight components in partial_outage, none worse: minor "Minor Service Outage".
    status = json.loads((public / "api/v2/status.json").read_text(encoding="utf-8"))["status"]
    assert status == {"indicator": "minor", "description": "Minor Service Outage"}
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    banner = home.select_one(".banner h2")
    assert banner is not None and " ".join(banner.get_text(" ").split()).endswith("Minor Service Outage")


def test_each_component_state(public: Path) -> None:
    components = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    states = {c["id"]: c["status"] for c in components if not c.get("group")}
    assert states == {c: ("partial_outage" if c == "search" else "operational") for c in PUBLIC}


def test_search_uptime_over_90_days(public: Path) -> None:
    # Window: 2026-08-31T00:00Z (89 days before 28 November) to 15:00 on 28 November
    #   = 89 × 86,400 + 15 × 3,600 = 7,689,600 + 54,000 = 7,743,600 s.
    # Search downtime in it (weights: major 1.0, partial 0.3; degraded is not downtime):
    #   INC-2026-030 major_outage 27 Oct 19:05-20:05 (its `to`) = 3,600 s × 1.0 = 3,600 s
    #   INC-2026-039 partial_outage 28 Nov 13:20-15:00 (open)   = 6,000 s × 0.3 = 1,800 s
    #   (INC-2026-022, 11 August, is before the window.)        total           = 5,400 s
    # Uptime = 1 − 5,400 / 7,743,600 = 1 − 0.00069735 = 99.930 %.
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    item = home.select_one("#component-search")
    assert item is not None
    shown = " ".join(item.get_text(" ").split())
    assert re.search(r"99\.93\d* ?%", shown), shown


@pytest.mark.parametrize(
    ("incident", "ttd", "ttm", "ttr"),
    [
        # 2026-11-20-checkout-errors.yaml: started 14:02, detected 14:09, mitigated 14:51,
        # resolved 16:30 -> 7 min, 49 min, 2 h 28 min.
        ("INC-2026-036", 7 * 60, 49 * 60, (2 * 60 + 28) * 60),
        # 2026-11-10-saved-card-failures.yaml: started 10 Nov 07:30, detected 11:20 (3 h 50 min),
        # mitigated 11 Nov 08:45 (24 h + 1 h 15 min), resolved 11 Nov 10:15 (24 h + 2 h 45 min).
        ("INC-2026-033", (3 * 60 + 50) * 60, (25 * 60 + 15) * 60, (26 * 60 + 45) * 60),
        # 2026-11-16-failover-test-errors.yaml: started 03:05, detected 03:06, mitigated 03:17,
        # resolved 03:30 -> 1 min, 12 min, 25 min.
        ("INC-2026-035", 60, 12 * 60, 25 * 60),
    ],
)
def test_ttd_ttm_ttr_of_three_incidents(incident: str, ttd: int, ttm: int, ttr: int) -> None:
    [record] = [i for i in load(EXAMPLE, NOW).site.incidents if i.id == incident]
    figures = durations(record)
    assert [None if d is None else d.total_seconds() for d in (figures.ttd, figures.ttm, figures.ttr)] == [ttd, ttm, ttr]


def test_overdue_action_items() -> None:
    # Open or in progress and due before 2026-11-28 (a missing `due` is the review day plus
    # site.yaml's action_item_deadlines: P0 7, P1 15, P2 30, P3 90 days):
    #   P1: AI-112 (due 04-30), AI-116 (04-15), AI-146 (11-20), AI-149 (11-24)               = 4
    #   P2: AI-104 (10-31), AI-117 (review 03-17 + 30 = 04-16), AI-123 (08-31), AI-127 (09-30),
    #       AI-131 (11-15), AI-140 (11-20)                                                   = 6
    #   P3: AI-110 (review 02-03 + 90 = 05-04), AI-168 (review 06-24 + 90 = 09-22)            = 2
    #   Not yet: AI-136 (11-30), AI-137 (review 09-08 + 90 = 12-07), AI-144 (2027-01-25), and
    #   every item due in December or later.
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["metrics", "--content", str(EXAMPLE), "--now", NOW, "--format", "json"])
    assert result.exit_code == 0, result.output
    followup = json.loads(result.output)["followup"]
    overdue = {p["priority"]: p["overdue"] for p in followup["by_priority"]}
    assert overdue == {"P0": 0, "P1": 4, "P2": 6, "P3": 2}
    assert sorted(i["id"] for i in followup["items"] if i["state"] == "overdue") == sorted(
        ["AI-112", "AI-116", "AI-146", "AI-149", "AI-104", "AI-117", "AI-123", "AI-127", "AI-131", "AI-140",
         "AI-110", "AI-168"]
    )
