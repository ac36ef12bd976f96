"""Details customers noticed: the impact in their words (not the internal severity), why a
degraded day still shows 100 %, bare web addresses as links, and the partial current month."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from generator.public import urls
from generator.public.markdown import render
from tests.test_public_html_inline import build_site, incident, page, text


def test_customer_pages_say_the_impact_not_the_internal_severity(tmp_path: Path) -> None:
    files = {
        **incident(1, "2026-11-28T09:00:00Z", None, level="partial_outage"),
        **incident(2, "2026-11-27T09:00:00Z", "2026-11-27T10:00:00Z", level="degraded_performance", component="web"),
    }
    files["incidents/inc-1.yaml"] = files["incidents/inc-1.yaml"].replace("severity: major", "severity: medium")
    root = build_site(tmp_path, files)
    pages = [urls.HOME, urls.incident("INC-1"), urls.incident("INC-2"), urls.component("api"), urls.history(1)]
    for path in pages:
        words = text(page(root, path).select_one("main"))
        for internal in ("severity", "Medium", "Major severity", "Minor severity"):
            assert internal not in words, (path, internal)
    # The worst level among its public impacts, as the component states name it.
    assert "Impact: Partial outage" in text(page(root, urls.incident("INC-1")).select_one("main p.meta"))
    assert "Impact: Degraded performance" in text(page(root, urls.incident("INC-2")).select_one("main p.meta"))
    active = page(root, urls.HOME).select_one("section[aria-labelledby=active-title] .card .meta")
    assert "Impact: Partial outage" in text(active)


def test_an_incident_without_public_impact_names_no_impact(tmp_path: Path) -> None:
    # No component impact recorded: the public page shows no impact line at all.
    files = incident(3, "2026-11-28T09:00:00Z", None)
    files["incidents/inc-3.yaml"] = files["incidents/inc-3.yaml"].replace(
        "impact:\n  - component: api\n    level: major_outage\n", "")
    root = build_site(tmp_path, files)
    meta = text(page(root, urls.incident("INC-3")).select_one("main p.meta"))
    assert "Impact" not in meta and "severity" not in meta.lower()


def test_a_degraded_day_says_it_is_not_downtime(tmp_path: Path) -> None:
    # Three hours of degraded performance on 20 Nov: no downtime (weight 0), so 100.00 %.
    root = build_site(tmp_path, incident(4, "2026-11-20T10:00:00Z", "2026-11-20T13:00:00Z",
                                         level="degraded_performance", title="Slow API"))
    home = page(root, urls.HOME)
    day = home.select("#component-api ol.bars > li")[-9]
    assert text(day) == "20 Nov 2026: 100.00% uptime, degraded performance (not counted as downtime). Slow API."
    # Under the bars, once on the home page and on the component page: the rule in one sentence,
    # with the weights of site.yaml (defaults: major outage 1.0, partial outage 0.3).
    rule = ("Uptime counts major outages in full and partial outages at 30%; degraded performance and "
            "maintenance do not count as downtime.")
    assert [text(p) for p in home.select("p.uptime-rule")] == [rule]
    assert [text(p) for p in page(root, urls.component("api")).select("p.uptime-rule")] == [rule]


@pytest.mark.parametrize(
    ("markdown", "links"),
    [
        ("Details at https://status.example/notes.", [("https://status.example/notes", "https://status.example/notes")]),
        ("See (https://a.example/x) and https://b.example/?q=1&b=2, then stop",
         [("https://a.example/x", "https://a.example/x"), ("https://b.example/?q=1&b=2", "https://b.example/?q=1&b=2")]),
        ("Wiki: https://w.example/Foo_(bar)!", [("https://w.example/Foo_(bar)", "https://w.example/Foo_(bar)")]),
        ("HTTP://UPPER.example/A works", [("HTTP://UPPER.example/A", "HTTP://UPPER.example/A")]),
        ("A [written link](https://c.example/) stays one link", [("https://c.example/", "written link")]),
    ],
)
def test_bare_addresses_become_links(markdown: str, links: list[tuple[str, str]]) -> None:
    html = BeautifulSoup(render(markdown), "html5lib")
    found = [(a["href"], a.get_text()) for a in html.find_all("a")]
    assert found == links
    for a in html.find_all("a"):
        assert a["rel"] == ["nofollow", "noopener", "noreferrer"]


@pytest.mark.parametrize(
    "markdown",
    [
        "javascript:alert(1)",
        "javascript://example.com/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript://x",
        "`https://code.example/` in code",
        "    https://pre.example/ in a code block",
        "ftp://files.example/ and mailto:ops@x.example",
        "xhttps://glued.example/",
        "https:// nothing",
        'https://q.example/"onmouseover="alert(1)',
        "https://lt.example/<script>alert(1)</script>",
        "https://amp.example/&lt;img src=x onerror=alert(1)&gt;",
    ],
)
def test_hostile_or_non_web_addresses_do_not_become_dangerous_links(markdown: str) -> None:
    html = BeautifulSoup(render(markdown), "html5lib")
    for a in html.find_all("a"):
        assert isinstance(a, Tag)
        href = str(a["href"])
        assert href.lower().startswith(("http://", "https://")), href
        assert set(a.attrs) <= {"href", "rel", "title"}, a.attrs
        for bad in ('"', "<", ">", " "):
            assert bad not in href, href
    assert html.find("script") is None and html.find("img") is None
    assert not [t for t in html.find_all(True) if any(k.startswith("on") for k in t.attrs)]
    if markdown.startswith(("`", "    ", "ftp", "xhttps", "https:// ", "javascript", "data", "vbscript")):
        assert html.find("a") is None, markdown
    if markdown.startswith('https://q.example/"'):
        assert [a["href"] for a in html.find_all("a")] == ["https://q.example/"]


def test_the_current_month_is_labelled_partial(tmp_path: Path) -> None:
    root = build_site(tmp_path, {}, at="2026-11-28T12:00:00Z")
    rows = page(root, urls.component("api")).select("table.months tbody tr th")
    # Built on 28 Nov 2026: November counts 1 Nov to 28 Nov 12:00 UTC; the 11 months before are full.
    assert text(rows[0]) == "November 2026 (partial: to 28 Nov, 12:00 UTC)"
    assert text(rows[1]) == "October 2026"
    assert len(rows) == 12 and text(rows[-1]) == "December 2025"
