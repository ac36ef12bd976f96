"""The knowledge-base metrics pages, charts and calendars, from the hand-computed dataset.

The KB period is the 365 days before the build time, so it also holds INC-G (October): the
headline figures below include it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from generator.kb import metrics_pages
from generator.kb.followup_calendar import calendars, owner_slug
from generator.kb.registry import produce_all
from generator.model import Site
from tests.sitekit import load, make_content, now
from tests.test_metrics import FILES, NOW

SVG = "{http://www.w3.org/2000/svg}"


def fresh_site(root: Path) -> Site:
    loaded = load(root, NOW)
    assert loaded.problems.errors == []
    return loaded.site


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_content(tmp_path_factory.mktemp("metrics-kb"), FILES)


@pytest.fixture(scope="module")
def outputs(root: Path) -> dict[str, str | bytes]:
    return {o.path: o.content for o in produce_all(fresh_site(root), now(NOW))}


def md_table(text: str, first_header: str) -> dict[str, list[str]]:
    """The Markdown table whose first header cell is `first_header`, keyed by its first column;
    cells as read (inline HTML such as the one-line spans of ids and dates left out)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.strip("|").split(" | ")]
        rows[cells[0]] = cells[1:]
    return rows


def test_metrics_page_headline_by_hand(outputs: dict[str, str | bytes]) -> None:
    page = outputs["metrics/index.md"]
    assert isinstance(page, str)
    assert "Period: 2025-11-28 12:00 to 2026-11-28 12:00 UTC (365 days), 8 incidents" in page
    rows = md_table(page, "Measure")
    # TTD known: G 60, E 60, A 300, H 600, D 600, B 1200, F 1800 (C missing): median x[3] = 600 s;
    # p90 h = 6 x 0.9 = 5.4 -> 1200 + 0.4 x 600 = 1440 s = 24 min. Columns: median, p90, n, missing.
    assert rows["**TTD**"][:4] == ["10 min", "24 min", "7", "1"]
    # TTR known: G 3600, A 3600, H 3600, B 7200, D 7200, E 7200, C 14400 (F open): median 7200;
    # p90 h = 5.4 -> 7200 + 0.4 x 7200 = 10080 s = 2 h 48 min.
    assert rows["**TTR**"][:4] == ["2 h 00 min", "2 h 48 min", "7", "1"]
    assert "## Formulas" in page and "Hyndman" in page and "never counted as zero" in page
    assert "![Incidents per month by severity: " in page and "(charts/incidents-by-severity.svg)" in page


def test_metrics_page_breakdowns(outputs: dict[str, str | bytes]) -> None:
    page = outputs["metrics/index.md"]
    assert isinstance(page, str)
    assert md_table(page, "Severity")["major"][0] == "2"  # A and D
    assert md_table(page, "Detection method")["monitoring"] == ["4", "50%"]  # A, D, E, H of 8
    assert md_table(page, "Month")["2026-10"][0] == "1"  # G
    assert md_table(page, "Quarter")["2026-Q4"][0] == "8"


def test_reliability_page_by_hand(outputs: dict[str, str | bytes]) -> None:
    page = outputs["metrics/reliability.md"]
    assert isinstance(page, str)
    rows = md_table(page, "Service")
    api = rows["[API](../services/api.md)"]
    # 365 days = 31,536,000 s; impacts end at their mitigation: api down 1800 (G, 00:00-00:30)
    # + 1800 (A) + 1080 (B) = 4680 s; availability 1 - 4680 / 31536000 = 99.985 %;
    # budget 0.001 x 31536000 = 31536 s; used 4680 / 31536 = 14.8 %
    assert api[:4] == ["99.9%", "99.985%", "met", "14.8%"]
    # TBF: G 10-15 00:00 -> A 11-02 10:00 = 442 h, A -> B 62 h, B -> H 24 h, H -> D 350 h: sorted
    # [86400, 223200, 1260000, 1591200] s; median (223200 + 1260000) / 2 = 741600 s = 8 d 14 h;
    # mean 3160800 / 4 = 790200 s = 9 d 3 h
    assert api[4:] == ["1 h 18 min", "5", "8 d 14 h", "9 d 3 h", "4"]  # 4680 s down
    web = rows["[Website](../services/web.md)"]
    assert web[4] == "2 h 00 min"  # overlapping D and E merged: E lies inside D, 7200 s


def test_followup_figures_page(outputs: dict[str, str | bytes]) -> None:
    page = outputs["follow-ups/figures.md"]
    assert isinstance(page, str)
    priorities = md_table(page, "Priority")
    assert priorities["P1"] == ["3", "2", "**1**", "1", "0", "0", "33%", "7"]
    assert priorities["P0"] == ["1", "0", "0", "1", "1", "0", "100%", "4"]
    overdue = md_table(page, "Item")
    assert overdue["AI-1"][:5] == ["Overdue by one day", "dana", "P1", "2026-11-27", "1"]
    assert list(overdue) == ["AI-1"]
    assert "(action-items.ics)" in page and "(calendars/dana.ics)" in page


def test_calendars_hold_open_due_dates(outputs: dict[str, str | bytes]) -> None:
    team = Calendar.from_ical(outputs["follow-ups/action-items.ics"])
    events = {str(e["uid"]): e for e in team.walk("VEVENT")}
    assert sorted(events) == ["AI-1.INC-A@statuspress", "AI-2.INC-A@statuspress", "AI-6.INC-A@statuspress"]
    ai1 = events["AI-1.INC-A@statuspress"]
    assert ai1.decoded("dtstart") == date(2026, 11, 27)
    assert "(overdue)" in str(ai1["summary"]) and "[P1]" in str(ai1["summary"])
    assert events["AI-2.INC-A@statuspress"].decoded("dtstart") == date(2026, 12, 3)  # review + 30 days
    dana = Calendar.from_ical(outputs["follow-ups/calendars/dana.ics"])
    assert sorted(str(e["uid"]).split(".")[0] for e in dana.walk("VEVENT")) == ["AI-1", "AI-6"]
    li = Calendar.from_ical(outputs["follow-ups/calendars/li.ics"])
    assert [str(e["uid"]).split(".")[0] for e in li.walk("VEVENT")] == ["AI-2"]


def test_owner_slug() -> None:
    assert owner_slug("Dana Ruiz") == "dana-ruiz"
    assert owner_slug("../../etc") == "etc"
    assert owner_slug("") == "unowned"


def test_charts_are_byte_identical_across_renders(root: Path) -> None:
    first = metrics_pages.charts(fresh_site(root), now(NOW))
    second = metrics_pages.charts(fresh_site(root), now(NOW))  # a new Site: no cache hit
    assert first is not second
    assert [c.svg for c in first] == [c.svg for c in second]
    assert calendars(fresh_site(root), now(NOW)) == calendars(fresh_site(root), now(NOW))


def test_charts_have_titles_labels_and_text_alternatives(outputs: dict[str, str | bytes]) -> None:
    charts = {path: data for path, data in outputs.items() if path.endswith(".svg")}
    assert sorted(charts) == [
        f"metrics/charts/{name}.svg"
        for name in ("detection", "error-budget", "incidents-by-severity", "root-cause-type", "ttd-by-month",
                     "ttm-by-month", "ttr-by-month")
    ]
    for path, data in charts.items():
        assert isinstance(data, bytes)
        svg = ElementTree.fromstring(data)
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "img", path
        assert svg[0].tag == f"{SVG}title" and svg[0].text, path
        assert svg[1].tag == f"{SVG}desc" and svg[1].text, path
        assert "<script" not in data.decode() and not re.search(r'href="https?:', data.decode()), path
        assert "Date" not in data.decode().split("<metadata>")[1].split("</metadata>")[0]
    desc = ElementTree.fromstring(charts["metrics/charts/incidents-by-severity.svg"])[1].text or ""
    assert "2026-11: 2 major, 2 medium, 3 minor" in desc
    # axis labels are text in the SVG (svg.fonttype none)
    assert b"Incidents started" in charts["metrics/charts/incidents-by-severity.svg"]
    assert b"Minutes" in charts["metrics/charts/ttr-by-month.svg"]
