"""Small inline sites: exact uptime text, sanitising, banners, pagination, determinism."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from generator.build import BuildRequest, build
from generator.public import urls
from tests.sitekit import SITE_YAML, make_content, now


def build_site(tmp_path: Path, files: dict[str, str], at: str = "2026-11-28T12:00:00Z") -> Path:
    content = make_content(tmp_path / "content", files)
    build(BuildRequest(content, tmp_path / "out", now(at), targets=("public",), progress=lambda _: None))
    return tmp_path / "out" / "public"


def page(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / path).read_text(encoding="utf-8"), "html5lib")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def incident(
    number: int,
    start: str,
    end: str | None,
    level: str = "major_outage",
    title: str = "API errors",
    body: str = "We are investigating.",
    component: str = "api",
) -> dict[str, str]:
    resolved = f"resolved_at: {end}\n" if end else ""
    last = "resolved" if end else "investigating"
    return {
        f"incidents/inc-{number}.yaml": f"""\
id: INC-{number}
title: "{title}"
type: external
severity: major
started_at: {start}
{resolved}impact:
  - component: {component}
    level: {level}
updates:
  - at: {start}
    status: investigating
    body: |
      {body}
  - at: {end or start}
    status: {last}
    body: Update {number}.
"""
    }


def test_an_operational_site_says_so(tmp_path: Path) -> None:
    root = build_site(tmp_path, {})
    home = page(root, urls.HOME)
    assert text(home.select_one(".banner h2")).endswith("All Systems Operational")
    assert home.select_one("section[aria-labelledby=active-title]") is None
    assert "VPN" not in home.get_text()  # the internal service
    assert text(home.select_one("#uptime-api")) == "90-day uptime of API: 100.00%"


def test_day_text_gives_date_uptime_state_and_incident(tmp_path: Path) -> None:
    # Two hours of major outage on 20 November: 1 - 7200/86400 = 91.666...% shown as 91.66%.
    root = build_site(tmp_path, incident(1, "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", title="Checkout down"))
    days = page(root, urls.HOME).select("#component-api ol.bars > li")
    assert text(days[-9]) == "20 Nov 2026: 91.66% uptime, major outage. Checkout down."
    assert days[-9]["class"] == ["tone-major"]
    link = days[-9].find("a")
    assert isinstance(link, Tag) and link["href"] == urls.incident("INC-1")
    assert text(days[-8]) == "21 Nov 2026: 100.00% uptime, no incidents."
    assert not days[-8].get("class")


def test_open_incident_makes_the_banner_and_is_active(tmp_path: Path) -> None:
    root = build_site(tmp_path, incident(2, "2026-11-28T09:00:00Z", None, level="partial_outage"))
    home = page(root, urls.HOME)
    # The API in partial outage, the website operational: Statuspage's "Minor Service Outage".
    assert text(home.select_one(".banner h2")).endswith("Minor Service Outage")
    assert "API errors" in text(home.select_one("section[aria-labelledby=active-title]"))
    assert text(home.select_one("#component-api .status")).endswith("Partial outage")
    detail = page(root, urls.incident("INC-2"))
    assert "ongoing for 3 h" in text(detail.select_one("dl.facts"))


def test_maintenance_in_progress_is_shown_as_maintenance(tmp_path: Path) -> None:
    files = {
        "maintenance/m.yaml": """\
id: MNT-1
title: Database upgrade
components: [web]
scheduled_start: 2026-11-28T11:00:00Z
scheduled_end: 2026-11-28T13:00:00Z
updates:
  - at: 2026-11-28T11:00:00Z
    status: in_progress
    body: Started.
"""
    }
    root = build_site(tmp_path, files)
    home = page(root, urls.HOME)
    assert text(home.select_one(".banner h2")).endswith("Service Under Maintenance")
    assert "Database upgrade" in text(home.select_one("section[aria-labelledby=maint-now-title]"))
    assert text(home.select_one("#component-web .status")).endswith("Under maintenance")
    assert (root / urls.maintenance("MNT-1")).is_file()


def test_markdown_is_rendered_and_hostile_markup_removed(tmp_path: Path) -> None:
    body = (
        "**Bold** <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "<iframe src=https://evil.example></iframe> <span style='color:red'>red</span> "
        "[click](javascript:alert(3))"
    )
    root = build_site(tmp_path, incident(3, "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z",
                                         title="<b>Not bold</b>", body=body))
    raw = (root / urls.incident("INC-3")).read_text(encoding="utf-8")
    doc = BeautifulSoup(raw, "html5lib")
    assert text(doc.select_one("h1")) == "<b>Not bold</b>"
    update = doc.select("ol.updates .body")[-1]
    assert update.find("strong") is not None
    for bad in ("<script>alert", "onerror", "<iframe", "style=", "javascript:"):
        assert bad not in raw


def test_published_summary_is_shown_and_draft_is_not(tmp_path: Path) -> None:
    files = {
        **incident(4, "2026-11-10T10:00:00Z", "2026-11-10T11:00:00Z"),
        **incident(5, "2026-11-12T10:00:00Z", "2026-11-12T11:00:00Z"),
        "postmortems/INC-4.md": "---\nincident: INC-4\nstatus: published\npublic_summary: A *bad* deploy.\n---\nBody.\n",
        "postmortems/INC-5.md": "---\nincident: INC-5\nstatus: draft\npublic_summary: Not yet public.\n---\nSecret body.\n",
    }
    root = build_site(tmp_path, files)
    published = page(root, urls.incident("INC-4")).select_one(".summary")
    assert published is not None and published.find("em") is not None
    assert "A bad deploy." in text(published)
    assert "Secret body" not in (root / urls.incident("INC-4")).read_text()
    assert page(root, urls.incident("INC-5")).select_one(".summary") is None
    assert "Not yet public" not in (root / urls.incident("INC-5")).read_text()


def test_history_is_paginated_newest_first_by_month(tmp_path: Path) -> None:
    files = {"site.yaml": SITE_YAML + "history_page_size: 2\n"}
    for n, day in enumerate(["2026-09-03", "2026-10-05", "2026-10-20", "2026-11-02", "2026-11-09"], start=1):
        files.update(incident(n, f"{day}T10:00:00Z", f"{day}T11:00:00Z", title=f"Incident {n}"))
    root = build_site(tmp_path, files)
    first, second, third = (page(root, urls.history(n)) for n in (1, 2, 3))
    assert not (root / urls.history(4)).exists()
    assert [text(a) for a in first.select("main ul.list > li > a")] == ["Incident 5", "Incident 4"]
    assert [text(h) for h in first.select("main section > h2")] == ["November 2026"]
    assert [text(a) for a in second.select("main ul.list > li > a")] == ["Incident 3", "Incident 2"]
    assert [text(a) for a in third.select("main ul.list > li > a")] == ["Incident 1"]
    older = first.select_one("nav.pager a[rel=next]")
    assert older is not None and older["href"] == "2.html"
    newer = third.select_one("nav.pager a[rel=prev]")
    assert newer is not None and newer["href"] == "2.html"
    assert second.select_one("nav.pager a[rel=prev]")["href"] == "index.html"  # type: ignore[index]


def test_same_input_gives_byte_identical_pages(tmp_path: Path) -> None:
    files = incident(6, "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z")
    one = build_site(tmp_path / "a", files)
    two = build_site(tmp_path / "b", files)
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert all((one / n).read_bytes() == (two / n).read_bytes() for n in names)
