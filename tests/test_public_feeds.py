"""Feeds as a feed reader sees them: parsed with feedparser, linked from the pages, stable ids."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from tests.sitekit import EXAMPLE, make_content, now

BASE = "https://status.acme.example/"
LARKSPUR = "https://status.larkspur.example/"

#: A small site with every kind of public update: an open and a resolved incident, a scheduled
#: and a cancelled maintenance window. Also used by the calendar, API and badge tests.
SUBSCRIPTIONS = {
    "incidents/2026-11-27-api-down.yaml": """\
        id: INC-1
        title: API unavailable
        type: external
        severity: major
        started_at: 2026-11-27T10:00:00Z
        impact:
          - component: api
            level: major_outage
        updates:
          - at: 2026-11-27T10:05:00Z
            status: investigating
            body: We are **investigating** errors. <script>alert(1)</script><a href="javascript:x()" onclick="y()">more</a>
          - at: 2026-11-27T10:30:00Z
            status: identified
            body: We found the cause.
        """,
    "incidents/2026-11-20-web-slow.yaml": """\
        id: INC-2
        title: Website slow
        type: external
        severity: minor
        started_at: 2026-11-20T08:00:00Z
        resolved_at: 2026-11-20T09:00:00Z
        impact:
          - component: web
            level: degraded_performance
        updates:
          - at: 2026-11-20T08:10:00Z
            status: investigating
            body: The website is slow.
          - at: 2026-11-20T09:00:00Z
            status: resolved
            body: Fixed.
        """,
    "maintenance/2026-12-01-api.yaml": """\
        id: MNT-1
        title: API database upgrade
        components: [api]
        scheduled_start: 2026-12-01T02:00:00Z
        scheduled_end: 2026-12-01T04:00:00Z
        updates:
          - at: 2026-11-25T09:00:00Z
            status: scheduled
            body: We will upgrade the database.
        """,
    "maintenance/2026-11-30-web.yaml": """\
        id: MNT-2
        title: Website move
        components: [web]
        scheduled_start: 2026-11-30T02:00:00Z
        scheduled_end: 2026-11-30T03:00:00Z
        updates:
          - at: 2026-11-24T09:00:00Z
            status: scheduled
            body: We will move the website.
          - at: 2026-11-26T09:00:00Z
            status: cancelled
            body: The move is cancelled.
        """,
}


def build_public(content: Path, out: Path, at: str = "2026-11-28T12:00:00Z") -> Path:
    """Build only the public site and return `OUT/public`."""
    build(BuildRequest(content, out, now(at), targets=("public",), progress=lambda _: None))
    return out / "public"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_public(EXAMPLE, tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), SUBSCRIPTIONS)
    return build_public(content, tmp_path_factory.mktemp("small"))


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def local(public: Path, url: str) -> Path:
    """The file an absolute URL of the small site names."""
    assert url.startswith(BASE), url
    return public / (url[len(BASE):] or "index.html")


def test_every_feed_of_the_example_parses_without_errors(example: Path) -> None:
    feeds = sorted((example / "feeds").rglob("*.rss")) + sorted((example / "feeds").rglob("*.atom"))
    components = {p.stem for p in (example / "components").glob("*.html")}
    assert components, "the example has public component pages"
    assert {p.stem for p in (example / "feeds" / "components").glob("*.atom")} == components
    assert {p.stem for p in (example / "feeds" / "components").glob("*.rss")} == components
    assert list((example / "feeds" / "groups").glob("*.rss"))
    for path in feeds:
        parsed = parse(path)
        assert parsed.version == ("rss20" if path.suffix == ".rss" else "atom10")
        assert parsed.feed.title.startswith("Larkspur Status")


def test_one_item_per_public_update_newest_first(small: Path) -> None:
    for name in ("all.rss", "all.atom"):
        entries = parse(small / "feeds" / name).entries
        # INC-1: 2 updates, INC-2: 2, MNT-1: 1, MNT-2: 2
        assert len(entries) == 7
        times = [e.published_parsed for e in entries]
        assert times == sorted(times, reverse=True)
        assert len({e.id for e in entries}) == 7
        assert entries[0].title == "Identified: API unavailable"
        assert entries[0].link == BASE + "incidents/INC-1.html"
        assert entries[0].id == "tag:status.acme.example,2026-11-27:incident/INC-1/update/20261127T103000Z"


def test_rss_guids_are_not_permalinks(small: Path) -> None:
    soup = BeautifulSoup((small / "feeds" / "all.rss").read_bytes(), "xml")
    guids = soup.find_all("guid")
    assert len(guids) == 7
    assert {g["isPermaLink"] for g in guids} == {"false"}


def test_items_name_status_components_and_sanitised_text(small: Path) -> None:
    entries = parse(small / "feeds" / "all.atom").entries
    first_update = next(e for e in entries if e.id.endswith("INC-1/update/20261127T100500Z"))
    html = first_update.content[0].value
    assert first_update.title == "Investigating: API unavailable"
    assert "Affected components: API" in html
    assert "<strong>investigating</strong>" in html
    assert "<script" not in html and "alert(1)" not in html
    assert "javascript:" not in html and "onclick" not in html
    cancelled = next(e for e in entries if e.id.endswith("MNT-2/update/20261126T090000Z"))
    assert cancelled.title == "Maintenance cancelled: Website move"
    assert cancelled.link == BASE + "maintenance/MNT-2.html"
    assert [t.term for t in cancelled.tags] == ["web"]


def test_item_links_point_at_built_pages(small: Path) -> None:
    assert sorted(p.name for p in small.glob("incidents/*.html")) == ["INC-1.html", "INC-2.html"]
    for entry in parse(small / "feeds" / "all.rss").entries:
        assert local(small, entry.link).is_file(), entry.link


def test_component_and_group_feeds_hold_only_their_updates(small: Path) -> None:
    api = parse(small / "feeds" / "components" / "api.atom")
    assert {e.link for e in api.entries} == {BASE + "incidents/INC-1.html", BASE + "maintenance/MNT-1.html"}
    assert api.feed.link == BASE + "components/api.html"
    web = parse(small / "feeds" / "components" / "web.rss")
    assert {e.link for e in web.entries} == {BASE + "incidents/INC-2.html", BASE + "maintenance/MNT-2.html"}
    group = parse(small / "feeds" / "groups" / "core.rss")
    assert len(group.entries) == 7
    assert not (small / "feeds" / "components" / "vpn.rss").exists()
    assert not (small / "feeds" / "groups" / "internal.rss").exists()


def test_feed_time_is_the_newest_update_not_the_build_time(small: Path) -> None:
    atom = parse(small / "feeds" / "all.atom")
    assert atom.feed.updated == "2026-11-27T10:30:00+00:00"
    rss = parse(small / "feeds" / "all.rss")
    assert rss.feed.updated == "Fri, 27 Nov 2026 10:30:00 +0000"


def test_feeds_identical_across_build_times_and_ids_stable_when_an_incident_is_added(
    tmp_path: Path,
) -> None:
    content = make_content(tmp_path / "content", SUBSCRIPTIONS)
    first = build_public(content, tmp_path / "a", "2026-11-28T12:00:00Z")
    second = build_public(content, tmp_path / "b", "2026-11-29T18:30:00Z")
    for path in sorted((first / "feeds").rglob("*.*")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
    before = {e.id: e.title for e in parse(first / "feeds" / "all.atom").entries}

    (content / "incidents" / "2026-11-28-web-errors.yaml").write_text(
        "id: INC-3\ntitle: Website errors\ntype: external\nseverity: medium\n"
        "started_at: 2026-11-28T09:00:00Z\nimpact:\n  - component: web\n    level: partial_outage\n"
        "updates:\n  - at: 2026-11-28T09:10:00Z\n    status: investigating\n    body: Errors.\n",
        encoding="utf-8",
    )
    third = build_public(content, tmp_path / "c", "2026-11-28T12:00:00Z")
    after = parse(third / "feeds" / "all.atom").entries
    assert after[0].id == "tag:status.acme.example,2026-11-28:incident/INC-3/update/20261128T091000Z"
    assert {e.id: e.title for e in after[1:]} == before


def test_feed_length_is_bounded_by_feed_items(tmp_path: Path) -> None:
    site = "name: Acme\nbase_url: https://status.acme.example/\nfeed_items: 3\n"
    content = make_content(tmp_path / "content", {**SUBSCRIPTIONS, "site.yaml": site})
    public = build_public(content, tmp_path / "out")
    entries = parse(public / "feeds" / "all.rss").entries
    assert [e.title for e in entries] == [
        "Identified: API unavailable",
        "Investigating: API unavailable",
        "Maintenance cancelled: Website move",
    ]


def test_every_alternate_link_of_every_page_resolves_to_a_file(example: Path) -> None:
    pages = sorted(example.rglob("*.html"))
    assert (example / "index.html") in pages and len(pages) > 50, len(pages)
    seen = 0
    for page in pages:
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        for link in soup.find_all("link", rel="alternate"):
            href = str(link["href"])
            # relative, root-relative (404.html) and absolute links, all as the browser resolves them
            url = urljoin(LARKSPUR + page.relative_to(example).as_posix(), href)
            assert url.startswith(LARKSPUR), f"{page.relative_to(example)}: {href}"
            target = example / (url.removeprefix(LARKSPUR).split("#")[0] or "index.html")
            assert target.is_file(), f"{page.relative_to(example)}: {href}"
            seen += 1
    assert seen >= len(pages)


def test_two_updates_posted_in_the_same_second_get_distinct_ids(tmp_path: Path) -> None:
    incident = """\
        id: INC-7
        title: API slow
        type: external
        severity: minor
        started_at: 2026-11-27T10:00:00Z
        impact:
          - component: api
            level: degraded_performance
        updates:
          - at: 2026-11-27T10:05:00Z
            status: investigating
            body: Slow.
          - at: 2026-11-27T10:05:00Z
            status: identified
            body: Found it.
        """
    public = build_public(make_content(tmp_path / "c", {"incidents/i.yaml": incident}), tmp_path / "o")
    ids = [e.id for e in parse(public / "feeds" / "all.atom").entries]
    stem = "tag:status.acme.example,2026-11-27:incident/INC-7/update/20261127T100500Z"
    assert sorted(ids) == [stem, stem + "-2"]
