"""Component pages list the last 12 months; older incidents live on per-year archive pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from generator.public import urls
from generator.public.pages import views
from generator.public.projection import project
from generator.public.reuse import PageCache
from tests.sitekit import load, make_content, now
from tests.treediff import differences, snapshot

NOW = "2026-11-28T12:00:00Z"  # the "Last 12 months" table starts on 1 December 2025


def incident(number: int, start: str, end: str, components: tuple[str, ...] = ("api",)) -> dict[str, str]:
    impact = "".join(f"  - component: {c}\n    level: partial_outage\n" for c in components)
    return {f"incidents/inc-{number}.yaml": f"""\
id: INC-{number}
title: "Incident {number}"
type: external
severity: minor
started_at: {start}
resolved_at: {end}
impact:
{impact}updates:
  - at: {start}
    status: investigating
    body: Looking into it.
  - at: {end}
    status: resolved
    body: Fixed.
"""}


MAINTENANCE = {"maintenance/mnt-1.yaml": """\
id: MNT-1
title: Database upgrade
components: [api]
scheduled_start: 2024-05-01T01:00:00Z
scheduled_end: 2024-05-01T02:00:00Z
updates:
  - at: 2024-04-20T09:00:00Z
    status: scheduled
    body: Planned.
  - at: 2024-05-01T02:00:00Z
    status: completed
    body: Done.
"""}

FILES = {
    **incident(1, "2024-03-10T10:00:00Z", "2024-03-10T11:00:00Z"),
    **incident(2, "2024-07-01T10:00:00Z", "2024-07-01T12:00:00Z", ("api", "web")),
    **incident(3, "2025-06-15T10:00:00Z", "2025-06-15T10:30:00Z"),
    **incident(4, "2025-12-05T10:00:00Z", "2025-12-05T10:30:00Z"),  # recent, yet in the 2025 archive
    **incident(5, "2025-11-30T23:00:00Z", "2025-12-01T01:00:00Z"),  # started before the period
    **incident(6, "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z"),
    **incident(7, "2023-05-01T10:00:00Z", "2023-05-01T11:00:00Z", ("web",)),
    **MAINTENANCE,
}


def run(content: Path, out: Path, cache: Path | None = None, at: str = NOW) -> Path:
    build(BuildRequest(content, out, now(at), targets=("public",), progress=lambda _: None, cache_dir=cache))
    return out / "public"


def soup(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / path).read_text(encoding="utf-8"), "html5lib")


def listed(doc: BeautifulSoup, section: str) -> list[str]:
    """The incident or maintenance ids linked from the list of a section, in order."""
    block = doc.select_one(f"section[aria-labelledby={section}]")
    assert block is not None, section
    return [str(a["href"]).rsplit("/", 1)[1].removesuffix(".html") for a in block.select("ul.list > li > a")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    return run(make_content(root / "content", FILES), root / "out")


def test_period_starts_where_the_twelve_month_table_does(tmp_path: Path) -> None:
    page = project(load(make_content(tmp_path / "content", FILES), NOW).site, now(NOW))
    assert views.months_start(now(NOW)) == date(2025, 12, 1)
    assert views.monthly_uptime(page, page.components[0])[-1].start == date(2025, 12, 1)
    assert views.component_records(page)["api"].since == date(2025, 12, 1)


def test_component_page_lists_the_last_twelve_months_and_links_every_year(site: Path) -> None:
    doc = soup(site, urls.component("api"))
    assert listed(doc, "incidents-title") == ["INC-6", "INC-4"]  # INC-5 started in November 2025
    nav = doc.select_one("section[aria-labelledby=archive-title] nav")
    assert nav is not None and doc.select_one("h2#archive-title") is not None
    assert [a.get_text() for a in nav.select("li > a")] == ["2026", "2025", "2024"]
    assert [a["href"] for a in nav.select("li > a")] == ["api/2026.html", "api/2025.html", "api/2024.html"]
    maintenance = doc.select("h2#maintenance-title")
    assert not maintenance  # the only window was in 2024: on the archive, not here


def test_archive_pages_list_exactly_the_incidents_of_their_year(site: Path) -> None:
    expected = {
        ("api", 2026): ["INC-6"],
        ("api", 2025): ["INC-4", "INC-5", "INC-3"],
        ("api", 2024): ["INC-2", "INC-1"],
        ("web", 2024): ["INC-2"],
        ("web", 2023): ["INC-7"],
    }
    pages = {p.relative_to(site).as_posix() for p in (site / "components").rglob("*/*.html")}
    assert pages == {urls.component_year(c, y) for c, y in expected}  # years without incidents: no page
    for (component, year), ids in expected.items():
        path = urls.component_year(component, year)
        doc = soup(site, path)
        assert doc.select_one("h1") is not None and str(year) in doc.select_one("h1").get_text()
        assert listed(doc, "incidents-title") == ids
        for item in doc.select("section[aria-labelledby=incidents-title] li"):
            assert item.select_one(".pill") is not None and item.select_one("time[datetime]") is not None
        current = doc.select("nav.pager a[aria-current=page]")
        assert [a.get_text() for a in current] == [str(year)]
        crumbs = doc.select_one("p.crumbs")
        assert crumbs is not None and crumbs.select("a")[-1]["href"] == urls.relative(path, urls.component(component))
        footer = doc.select_one("footer p.updated time")
        assert footer is not None and footer["datetime"] != "2026-11-28T12:00:00Z"  # no build time
    assert listed(soup(site, urls.component_year("api", 2024)), "maintenance-title") == ["MNT-1"]


def test_archive_links_resolve_and_are_in_the_sitemap(site: Path) -> None:
    for page in sorted((site / "components").rglob("*.html")):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        for node in doc.select("a[href], link[href], script[src]"):
            target = str(node.get("href") or node.get("src"))
            if target.startswith(("#", "https:", "data:")):
                continue
            assert (page.parent / target).resolve().is_file(), f"{page}: {target}"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {e.text for e in ET.parse(site / urls.SITEMAP).getroot().findall("s:url/s:loc", ns)}
    assert "https://status.acme.example/components/api/2025.html" in locations
    assert "https://status.acme.example/components/web/2023.html" in locations


def test_past_years_are_reused_when_a_current_incident_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = PageCache.written

    def spy(self: PageCache, path: str, page_key: bytes | None, dest: Path) -> None:
        rendered.append(path)
        original(self, path, page_key, dest)

    monkeypatch.setattr(PageCache, "written", spy)
    content = make_content(tmp_path / "content", FILES)
    cache = tmp_path / "cache"
    run(content, tmp_path / "out", cache)
    assert urls.component_year("api", 2024) in rendered
    changed = content / "incidents" / "inc-6.yaml"
    changed.write_text(changed.read_text().replace('title: "Incident 6"', 'title: "Incident 6, renamed"'))
    rendered.clear()
    public = run(content, tmp_path / "out", cache, "2026-11-28T12:05:00Z")
    assert urls.component_year("api", 2026) in rendered  # shows the new title
    assert not {urls.component_year("api", y) for y in (2024, 2025)} & set(rendered)
    assert not {urls.component_year("web", y) for y in (2023, 2024)} & set(rendered)
    assert "Incident 6, renamed" in (public / urls.component_year("api", 2026)).read_text()
    clean = run(content, tmp_path / "clean", None, "2026-11-28T12:05:00Z")
    assert differences(snapshot(public), snapshot(clean)) == []
