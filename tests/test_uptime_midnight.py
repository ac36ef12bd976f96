"""Built at exactly 00:00:00 UTC, nothing of the current day (or, on the 1st, of the current
month) has elapsed. The bars and the month table still show the state the component is in at
that instant, as they do one second later, never 100 % beside an ongoing outage; figures
worked out by hand in each test."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from generator.public import urls
from tests.sitekit import make_content
from tests.test_public_feeds import build_public

#: The API in partial outage since 28 Nov 18:00, still open; the website in partial outage from
#: 28 Nov 23:00 to exactly midnight, when it was resolved.
FILES = {
    "incidents/open.yaml": """\
id: INC-1
title: API errors
type: external
severity: medium
started_at: 2026-11-28T18:00:00Z
impact:
  - component: api
    level: partial_outage
updates:
  - at: 2026-11-28T18:05:00Z
    status: investigating
    body: We are investigating.
""",
    "incidents/closed.yaml": """\
id: INC-2
title: Website slow
type: external
severity: minor
started_at: 2026-11-28T23:00:00Z
resolved_at: 2026-11-29T00:00:00Z
impact:
  - component: web
    level: partial_outage
updates:
  - at: 2026-11-28T23:05:00Z
    status: investigating
    body: Looking.
  - at: 2026-11-29T00:00:00Z
    status: resolved
    body: Fixed.
""",
}


def build(tmp_path: Path, at: str) -> Path:
    content = make_content(tmp_path / "content", FILES)
    return build_public(content, tmp_path / f"out-{at}", at)


def soup(public: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((public / path).read_text(encoding="utf-8"), "html5lib")


def words(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def bars(public: Path, component: str) -> list[Tag]:
    return soup(public, urls.HOME).select(f"#component-{component} ol.bars > li")


def test_at_midnight_today_shows_the_outage_that_holds_and_no_day_is_lost(tmp_path: Path) -> None:
    public = build(tmp_path, "2026-11-29T00:00:00Z")
    api = bars(public, "api")
    # 90 days: 29 Nov back 89 days is 1 Sep (28 days of November, 31 of October, 30 of September).
    assert len(api) == 90
    assert words(api[0]).startswith("1 Sep 2026: ")
    # 28 Nov: 18:00-24:00 partial, 6 h x 0.3 = 6,480 s; 1 - 6480/86400 = 92.50 %.
    assert words(api[-2]) == "28 Nov 2026: 92.50% uptime, partial outage. API errors."
    # 29 Nov has not begun to elapse; the API is in partial outage at this instant: 1 - 0.3.
    assert words(api[-1]) == "29 Nov 2026: 70.00% uptime, partial outage. API errors."
    assert api[-1]["class"] == ["tone-part"]
    link = api[-1].find("a")
    assert isinstance(link, Tag) and link["href"] == urls.incident("INC-1")
    # Resolved at midnight: [23:00, 00:00) touches 28 Nov only; 1 h x 0.3 = 1,080 s -> 98.75 %.
    web = bars(public, "web")
    assert words(web[-2]) == "28 Nov 2026: 98.75% uptime, partial outage. Website slow."
    assert words(web[-1]) == "29 Nov 2026: 100.00% uptime, no incidents."
    assert not web[-1].get("class")
    # The headline covers 1 Sep 00:00 to now, 89 days = 7,689,600 s: 1 - 6480/7689600 = 99.9157 %.
    home = soup(public, urls.HOME)
    assert words(home.select_one("#uptime-api")) == "90-day uptime of API: 99.91%"


def test_the_bars_at_midnight_and_one_second_later_agree_with_the_json(tmp_path: Path) -> None:
    midnight = build(tmp_path, "2026-11-29T00:00:00Z")
    second = build(tmp_path, "2026-11-29T00:00:01Z")
    for component in ("api", "web"):
        # One second later, 29 Nov is 1 s long: 1 s partial for the API (70.00 %), none for the website.
        assert [words(d) for d in bars(midnight, component)] == [words(d) for d in bars(second, component)]
    for public in (midnight, second):
        api = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))
        status = {c["id"]: c["status"] for c in api["components"]}
        assert (status["api"], status["web"]) == ("partial_outage", "operational")
        assert bars(public, "api")[-1]["class"] == ["tone-part"] and not bars(public, "web")[-1].get("class")


def test_on_the_first_of_the_month_at_midnight_the_month_is_the_state_at_that_instant(tmp_path: Path) -> None:
    public = build(tmp_path, "2026-12-01T00:00:00Z")
    rows = [words(row) for row in soup(public, urls.component("api")).select("table.months tbody tr")]
    assert rows[0] == "December 2026 (partial: to 1 Dec, 00:00 UTC) 70.00%"
    # November: 28 Nov 18:00 to 1 Dec 00:00 = 6 + 24 + 24 = 54 h partial, x 0.3 = 16.2 h of 720 h:
    # 1 - 16.2/720 = 97.75 %.
    assert rows[1] == "November 2026 97.75%"
    assert words(bars(public, "api")[-1]) == "1 Dec 2026: 70.00% uptime, partial outage. API errors."
