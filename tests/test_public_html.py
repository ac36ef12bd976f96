"""The public HTML pages of the example organisation, parsed and checked as a reader sees them."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from bs4 import BeautifulSoup, Tag

from generator.build import BuildRequest, build
from generator.derive.status import ComponentStatus
from generator.model import IncidentType, ReviewStatus, Site
from generator.public import urls
from generator.public.projection import PublicPage, project
from tests.sitekit import EXAMPLE, now

NOW = "2026-11-28T15:00:00Z"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site, PublicPage]:
    out = tmp_path_factory.mktemp("example")
    loaded = build(BuildRequest(EXAMPLE, out, now(NOW), targets=("public",), progress=lambda _: None))
    return out / "public", loaded.site, project(loaded.site, now(NOW))


def soup(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / path).read_text(encoding="utf-8"), "html5lib")


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def test_home_shows_banner_components_and_the_active_incident(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    home = soup(root, urls.HOME)
    banner = home.select_one(".banner h2")
    assert banner is not None
    assert page.active_incidents, "the example has an open incident at 15:00 on 28 November"
    assert "All Systems Operational" not in text(banner)
    names = [text(a) for a in home.select(".component h4 a")]
    assert names == [c.name for c in page.components]
    active = home.select_one("section[aria-labelledby=active-title]")
    assert active is not None
    incident = page.active_incidents[0]
    assert incident.title in text(active)
    latest = active.select_one(".latest")
    assert latest is not None and incident.updates[0].status.value.capitalize() in text(latest)


def test_every_component_has_a_label_and_an_icon_not_only_colour(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    home = soup(root, urls.HOME)
    for component in page.components:
        item = home.select_one(f"#component-{component.id}")
        assert item is not None
        status = item.select_one(".status")
        assert status is not None
        icon = status.select_one(".icon")
        assert icon is not None and icon["aria-hidden"] == "true" and icon.get_text().strip()
        words = text(status).replace(icon.get_text(), "").strip()
        expected = component.status.value.replace("_", " ")
        assert words.lower() == ("operational" if component.status is ComponentStatus.OPERATIONAL else expected)


def test_uptime_bars_have_a_text_alternative_per_day(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    home = soup(root, urls.HOME)
    for component in page.components:
        bars = home.select_one(f"#component-{component.id} ol.bars")
        assert bars is not None
        label = home.select_one(f"#{bars['aria-labelledby']}")
        assert label is not None and "%" in text(label)
        days = bars.find_all("li", recursive=False)
        assert len(days) == page.uptime_day_count
        last = text(days[-1])
        assert last.startswith("28 Nov 2026: ") and "uptime" in last
        for item in days:
            assert re.match(r"\d{1,2} \w{3} \d{4}: \d{1,3}\.\d\d% uptime, ", text(item))
    search = page.component("search")
    bar_text = text(home.select("#component-search ol.bars > li")[-1])
    assert "partial outage" in bar_text and page.active_incidents[0].title in bar_text
    assert search.status is ComponentStatus.PARTIAL_OUTAGE


def test_no_internal_fact_reaches_any_page(built: tuple[Path, Site, PublicPage]) -> None:
    root, site, _ = built
    pages = "\n".join(p.read_text(encoding="utf-8") for p in html_files(root))
    secrets: set[str] = set()
    for incident in site.incidents:
        roles = incident.roles
        secrets.update(n for n in (roles.incident_manager, roles.communications_lead, roles.executive) if n)
        secrets.update(roles.oncall)
        secrets.update(e.text for e in incident.timeline if len(e.text) > 12)
        if incident.type is IncidentType.INTERNAL:
            secrets.add(incident.id)
    secrets.update(s.name for s in site.services if not s.public)
    for postmortem in site.postmortems:
        secrets.update(a.title for a in postmortem.action_items)
        if postmortem.status is not ReviewStatus.PUBLISHED and postmortem.public_summary:
            secrets.add(postmortem.public_summary.strip().splitlines()[0])
    leaked = sorted(s for s in secrets if s in pages)
    assert leaked == []


def test_incident_page_lists_updates_newest_first_with_impact_and_summary(
    built: tuple[Path, Site, PublicPage],
) -> None:
    root, _, page = built
    with_summary = [i for i in page.incidents if i.summary]
    assert with_summary, "the example has published post-mortems"
    for incident in page.incidents:
        doc = soup(root, urls.incident(incident.id))
        h1 = doc.select_one("h1")
        assert h1 is not None and text(h1) == incident.title
        times = [t["datetime"] for t in doc.select("ol.updates > li .meta time")]
        assert times == sorted(times, reverse=True) and len(times) == len(incident.updates)
        affected = [a["href"] for a in doc.select("ul.impacts a")]
        assert affected == [f"../{urls.component(i.component_id)}" for i in incident.impacts]
        facts = text(doc.select_one("dl.facts"))  # type: ignore[arg-type]
        assert ("Duration" in facts) is (incident.resolved_at is not None)
        assert (doc.select_one(".summary") is not None) is bool(incident.summary)


def test_component_page_shows_ninety_days_twelve_months_and_its_feeds(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    for component in page.components:
        path = urls.component(component.id)
        doc = soup(root, path)
        assert len(doc.select("ol.bars > li")) == page.uptime_day_count
        months = doc.select("table.months tbody tr")
        assert len(months) == 12
        assert text(months[0]).startswith("November 2026")
        assert all(re.search(r"\d+\.\d\d%$", text(m)) for m in months)
        alternates = {a["type"]: a["href"] for a in doc.select("head link[rel=alternate]")}
        assert alternates == {
            "application/rss+xml": urls.relative(path, urls.component_feed(component.id, "rss")),
            "application/atom+xml": urls.relative(path, urls.component_feed(component.id, "atom")),
        }
        listed = {a["href"] for a in doc.select("section[aria-labelledby=incidents-title] li > a[href*=incidents]")}
        expected = {urls.relative(path, urls.incident(i.id)) for i in page.incidents if component.id in i.component_ids}
        assert listed == expected
        subscribe = {a["href"] for a in doc.select("#subscribe a")}
        assert urls.relative(path, urls.component_calendar(component.id)) in subscribe


def test_heads_announce_feeds_csp_and_subscribe_links(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    for path in [urls.HOME, urls.incident(page.incidents[0].id), urls.history(1)]:
        doc = soup(root, path)
        alternates = {a["type"]: a["href"] for a in doc.select("head link[rel=alternate]")}
        assert alternates["application/rss+xml"] == urls.relative(path, urls.FEED_RSS)
        assert alternates["application/atom+xml"] == urls.relative(path, urls.FEED_ATOM)
        subscribe = {a["href"] for a in doc.select("#subscribe a")}
        assert urls.relative(path, urls.CALENDAR) in subscribe
        assert urls.relative(path, urls.API_ROOT + "summary.json") in subscribe
        assert urls.relative(path, urls.FEED_RSS) in subscribe


def test_pages_are_self_contained_valid_html(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, _ = built
    for path in html_files(root):
        raw = path.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(raw)  # raises on any parse error
        doc = BeautifulSoup(raw, "html5lib")
        csp = doc.select_one("meta[http-equiv=Content-Security-Policy]")
        assert csp is not None and "script-src 'self'" in csp["content"] and "style-src 'self'" in csp["content"]
        assert all(s.get("src") and not s.get_text().strip() for s in doc.find_all("script"))
        assert not doc.find_all("style") and not doc.select("[style]")
        assert not [a for a in doc.find_all(True) if any(k.startswith("on") for k in a.attrs)]
        for node in doc.select("link[rel=stylesheet], script, img"):
            assert not re.match(r"(https?:)?//", node.get("href") or node.get("src") or "")
        ids = [n["id"] for n in doc.select("[id]")]
        assert len(ids) == len(set(ids)), path
        for time in doc.find_all("time"):
            assert time["datetime"].endswith("Z") and text(time).endswith("UTC")


def test_local_links_resolve(built: tuple[Path, Site, PublicPage]) -> None:
    """Every link from a page lands on a file: pages, style, script, and the feeds, calendars and
    API written by the other output formats of the same build."""
    root, _, _ = built
    for path in html_files(root):
        if path.name == urls.NOT_FOUND:
            continue
        doc = soup(root, str(path.relative_to(root)))
        for node in doc.select("a[href], link[href], script[src]"):
            target = str(node.get("href") or node.get("src"))
            if re.match(r"[a-z]+:|#", target):
                continue
            resolved = (path.parent / target.split("#")[0]).resolve()
            assert resolved.is_file(), f"{path}: {target}"


def test_not_found_page_links_from_the_site_root(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, _ = built
    doc = soup(root, urls.NOT_FOUND)
    assert doc.select_one("h1") is not None
    assert doc.select_one("link[rel=stylesheet]")["href"] == "/" + urls.STYLESHEET  # type: ignore[index]
    assert all(str(a["href"]).startswith(("/", "#")) for a in doc.select("a[href]"))


def test_history_lists_every_incident_and_completed_maintenance(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    doc = soup(root, urls.history(1))
    links = [a["href"] for a in doc.select("main ul.list a")]
    assert len(page.incidents) + 1 <= page.history_page_size  # one page in the example
    assert {f"../{urls.incident(i.id)}" for i in page.incidents} <= set(links)
    assert "../maintenance/MNT-2026-006.html" in links  # completed
    assert "../maintenance/MNT-2026-007.html" not in links  # still scheduled
    months = [text(h) for h in doc.select("main section > h2")]
    assert months[0] == "November 2026" and len(months) == len(set(months))


def test_upcoming_maintenance_is_on_the_home_page(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    home = soup(root, urls.HOME)
    section = home.select_one("section[aria-labelledby=maint-next-title]")
    assert section is not None
    assert [a["href"] for a in section.select("h3 a")] == [urls.maintenance(m.id) for m in page.upcoming_maintenance]


def test_sitemap_and_robots(built: tuple[Path, Site, PublicPage]) -> None:
    root, _, page = built
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in ET.parse(root / urls.SITEMAP).getroot().findall("s:url/s:loc", ns)]
    assert locations[0] == page.base_url
    assert all(loc and loc.startswith(page.base_url) for loc in locations)
    assert {urls.absolute(page.base_url, urls.incident(i.id)) for i in page.incidents} <= set(locations)
    robots = (root / urls.ROBOTS).read_text()
    assert f"Sitemap: {page.base_url}sitemap.xml" in robots


def test_home_page_weight_stays_small(built: tuple[Path, Site, PublicPage]) -> None:
    """HTML + CSS of the home page, gzipped as a CDN serves it: what a phone on a slow network pays."""
    root, _, _ = built
    payload = (root / urls.HOME).read_bytes() + (root / urls.STYLESHEET).read_bytes()
    assert len(gzip.compress(payload)) < 30_000
    # ... and the page weighed is the whole home page: the banner, the 8 public components of
    # content/services.yaml with 90 days of bars each, and the stylesheet's rules.
    home = soup(root, urls.HOME)
    assert home.select_one(".banner h2") is not None
    ids = [str(li["id"]) for li in home.select("[id^=component-]") if li.select_one("ol.bars")]
    assert ids == [f"component-{c}" for c in
                   ("web", "search", "checkout", "accounts", "images", "api", "orders", "notifications")]
    assert all(len(home.select(f"#{i} ol.bars li")) == 90 for i in ids)
    assert len((root / urls.STYLESHEET).read_bytes()) > 2_000
