"""The knowledge base, built with real MkDocs + Material, read back as HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.problems import ContentError
from tests.kbkit import article, build_kb, page, resolve, search_docs
from tests.sitekit import make_content

INCIDENT = """\
id: INC-1
title: API errors | partial
type: external
severity: major
started_at: 2026-11-01T10:00:00Z
detected_at: 2026-11-01T10:07:00Z
detection: monitoring
mitigated_at: 2026-11-01T10:50:00Z
resolved_at: 2026-11-01T12:30:00Z
impact:
  - component: api
    level: major_outage
roles:
  incident_manager: Dana Ruiz
  communications_lead: Li Wei
  oncall: [Sam Okafor, Priya Natarajan]
  customer_escalation_manager: Ana Costa
  executive: Mark Lee
root_cause:
  type: deploy
  service: api
updates:
  - at: 2026-11-01T10:12:00Z
    status: investigating
    body: We are looking into API errors.
  - at: 2026-11-01T12:30:00Z
    status: resolved
    body: Fixed.
timeline:
  - at: 2026-11-01T10:07:00Z
    by: alertmanager
    text: ApiErrorRateHigh fired.
"""

INTERNAL = """\
id: INC-2
title: VPN drops every hour
type: internal
severity: minor
started_at: 2026-11-10T08:00:00Z
resolved_at: 2026-11-10T09:00:00Z
impact:
  - component: vpn
    level: partial_outage
"""

UNREVIEWED = """\
id: INC-3
title: Website slow
type: external
severity: medium
started_at: 2026-10-01T08:00:00Z
resolved_at: 2026-10-01T09:00:00Z
impact:
  - component: web
    level: degraded_performance
"""

POSTMORTEM = """\
---
incident: INC-1
authors: [Dana Ruiz]
status: reviewed
review_date: 2026-11-03
action_items:
  - id: AI-1
    title: Add a canary stage
    owner: api-team
    priority: P1
    due: 2026-11-15
    status: open
  - id: AI-2
    title: Write the rollback guide
    owner: api-team
    priority: P2
    due: 2026-11-10
    status: done
  - id: AI-3
    title: Alert on error budget burn
    owner: sre
    priority: P0
    due: 2026-12-20
    status: in_progress
---
## Summary

The zebrafishrollback of the API was too slow.
"""

RUNBOOK_API = """\
---
title: API error rate high
services: [api]
alerts: [ApiErrorRateHigh, ApiLatencyHigh]
owner: api-team
last_reviewed: 2026-10-01
---
## Steps

Check the deploys.
"""

RUNBOOK_API_OLD = """\
---
title: API certificates
services: [api, web]
owner: sre
last_reviewed: 2025-01-01
---
Renew them.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb")
    content = make_content(
        root / "content",
        {
            "incidents/inc-1.yaml": INCIDENT,
            "incidents/inc-2.yaml": INTERNAL,
            "incidents/inc-3.yaml": UNREVIEWED,
            "postmortems/INC-1.md": POSTMORTEM,
            "runbooks/api/errors.md": RUNBOOK_API,
            "runbooks/certs.md": RUNBOOK_API_OLD,
        },
    )
    return build_kb(content, root / "site")


def cells(row: object) -> list[str]:
    """Each cell's text as a reader sees it (markup inside a cell adds no space)."""
    return [" ".join(c.get_text().split()) for c in row.find_all(["td", "th"])]  # type: ignore[attr-defined]


def row_with(soup: object, text: str) -> list[str]:
    for row in soup.find_all("tr"):  # type: ignore[attr-defined]
        if any(c == text for c in cells(row)):
            return cells(row)
    raise AssertionError(f"no table row with a cell {text!r}")


def test_incident_page_shows_roles_times_and_durations(kb: Path) -> None:
    body = article(kb, "incidents/INC-1.html")
    assert row_with(body, "Incident manager") == ["Incident manager", "Dana Ruiz"]
    assert row_with(body, "On-call") == ["On-call", "Sam Okafor, Priya Natarajan"]
    assert row_with(body, "Executive") == ["Executive", "Mark Lee"]
    assert row_with(body, "Detected") == ["Detected", "2026-11-01 10:07 UTC", "TTD 7 min"]
    assert row_with(body, "Mitigated")[2] == "TTM 50 min"
    assert row_with(body, "Resolved")[2] == "TTR 2 h 30 min"
    assert row_with(body, "Detection") == ["Detection", "monitoring"]
    assert "deploy" in row_with(body, "Root cause")[1]


def test_missing_times_read_unknown(kb: Path) -> None:
    body = article(kb, "incidents/INC-2.html")
    assert row_with(body, "Detected")[2] == "TTD unknown"
    assert row_with(body, "Mitigated")[2] == "TTM unknown"


def test_timeline_merges_public_updates_and_internal_notes_in_time_order(kb: Path) -> None:
    body = article(kb, "incidents/INC-1.html")
    titles = [t.get_text(strip=True) for t in body.select(".admonition-title")]
    timeline = [t for t in titles if " · " in t]
    assert timeline == [
        "2026-11-01 10:07 UTC · Internal note · alertmanager",
        "2026-11-01 10:12 UTC · Public update · investigating",
        "2026-11-01 12:30 UTC · Public update · resolved",
    ]


def test_internal_incident_is_present(kb: Path) -> None:
    index = article(kb, "incidents/index.html")
    row = row_with(index, "INC-2")
    assert row[1] == "VPN drops every hour" and row[5] == "internal"
    assert "never public" in article(kb, "incidents/INC-2.html").get_text()


def test_pipes_in_titles_stay_inside_their_cell(kb: Path) -> None:
    row = row_with(article(kb, "incidents/index.html"), "INC-1")
    assert len(row) == 9 and row[1] == "API errors | partial"


def test_review_link_or_due_date(kb: Path) -> None:
    reviewed = article(kb, "incidents/INC-1.html")
    hrefs = [a["href"] for a in reviewed.find_all("a")]
    assert "../postmortems/INC-1.html" in hrefs
    missing = article(kb, "incidents/INC-3.html").get_text(" ", strip=True)
    assert "No review yet — overdue" in missing and "2026-10-15" in missing


def test_overdue_action_item_is_marked(kb: Path) -> None:
    review = article(kb, "postmortems/INC-1.html")
    assert "overdue" in " ".join(row_with(review, "AI-1"))
    assert "overdue" not in " ".join(row_with(review, "AI-2"))  # done, though past due
    assert "overdue" not in " ".join(row_with(review, "AI-3"))  # not due yet
    tracker = article(kb, "follow-ups/index.html")
    first = tracker.select_one("table tbody tr")
    assert first is not None and cells(first)[0] == "AI-1"  # overdue first
    home = article(kb, "index.html")
    assert row_with(home, "AI-1")[0] == "AI-1"


def test_review_page_has_incident_metadata(kb: Path) -> None:
    review = article(kb, "postmortems/INC-1.html")
    assert row_with(review, "Severity") == ["Severity", "major"]
    assert row_with(review, "Duration") == ["Duration", "2 h 30 min"]
    assert row_with(review, "Authors") == ["Authors", "Dana Ruiz"]
    assert row_with(review, "Review status") == ["Review status", "reviewed"]
    assert "zebrafishrollback" in review.get_text()


def test_runbooks_of_affected_services_are_linked(kb: Path) -> None:
    hrefs = {a["href"] for a in article(kb, "incidents/INC-1.html").find_all("a")}
    assert "../runbooks/api/errors.html" in hrefs
    assert "../runbooks/certs.html" in hrefs


def test_stale_runbook_is_marked(kb: Path) -> None:
    assert "stale" not in " ".join(row_with(article(kb, "runbooks/index.html"), "API error rate high"))
    assert "Stale runbook" in article(kb, "runbooks/certs.html").get_text()
    assert "stale" in " ".join(row_with(article(kb, "runbooks/index.html"), "API certificates"))


def test_alert_index_finds_the_runbook(kb: Path) -> None:
    index = article(kb, "runbooks/alerts.html")
    for row in index.select("tbody tr"):
        if row.find("td").get_text(strip=True) == "ApiLatencyHigh":
            target = resolve(kb, "runbooks/alerts.html", row.find("a")["href"])
            assert target is not None and target.is_file()
            assert (
                article(kb, str(target.relative_to(kb))).find("h1").get_text(strip=True).rstrip("¶")
                == "API error rate high"
            )
            return
    raise AssertionError("ApiLatencyHigh not in the alert index")


def test_search_index_holds_review_text(kb: Path) -> None:
    hits = [d["location"] for d in search_docs(kb) if "zebrafishrollback" in d["text"]]
    assert hits and all(h.startswith("postmortems/INC-1.html") for h in hits)


def test_tags_group_incidents(kb: Path) -> None:
    tags = article(kb, "tags.html").get_text(" ", strip=True)
    for tag in ("Severity: major", "Type: internal", "Service: API", "Root cause: deploy", "Year: 2026"):
        assert tag in tags


def test_navigation_lists_only_section_pages(kb: Path) -> None:
    nav = page(kb, "incidents/INC-1.html").select("nav.md-nav--primary a[href]")
    # From incidents/INC-1.html: each section's index page and nothing else (no incident page).
    links = {" ".join(a.get_text().split()): a["href"].split("#")[0] for a in nav if a.get_text().strip()}
    assert links == {
        "Home": "../index.html",
        "Incidents": "index.html",
        "Reviews": "../postmortems/index.html",
        "Runbooks": "../runbooks/index.html",
        "Alert index": "../runbooks/alerts.html",
        "Services": "../services/index.html",
        "Follow-ups": "../follow-ups/index.html",
        "Follow-up figures": "../follow-ups/figures.html",
        "Metrics": "../metrics/index.html",
        "Reliability per service": "../metrics/reliability.html",
        "Severity guidelines": "../severity.html",
        "Tags": "../tags.html",
    }
    assert not any(re.search(r"INC-\d", t) for t in links.values())


def test_service_catalogue(kb: Path) -> None:
    row = row_with(article(kb, "services/index.html"), "VPN")
    assert row[5] == "internal" and row[6] == "1"
    service = article(kb, "services/api.html").get_text(" ", strip=True)
    assert "API error rate high" in service and "AI-1" in service


def test_severity_guidelines_page(kb: Path) -> None:
    headings = [h.get_text(strip=True) for h in article(kb, "severity.html").find_all("h2")]
    assert [h.rstrip("¶") for h in headings] == ["Major", "Medium", "Minor"]


def test_no_broken_internal_links(kb: Path) -> None:
    check_links(kb)


def test_no_request_to_other_hosts(kb: Path) -> None:
    check_offline(kb)


def check_links(site: Path) -> None:
    """Every internal href resolves to a file, and every #fragment to an element id there."""
    pages = {html: page(site, str(html.relative_to(site))) for html in sorted(site.rglob("*.html"))}
    ids = {html: {tag["id"] for tag in soup.find_all(id=True)} for html, soup in pages.items()}
    broken = []
    for html, soup in pages.items():
        rel = str(html.relative_to(site))
        for a in soup.find_all("a", href=True):
            target = resolve(site, rel, a["href"])
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{rel}: {a['href']}")
            fragment = a["href"].partition("#")[2]
            if fragment and target in ids and fragment not in ids[target]:
                broken.append(f"{rel}: {a['href']} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def check_offline(site: Path) -> None:
    remote = re.compile(r"^(https?:)?//", re.I)
    found = []
    for html in sorted(site.rglob("*.html")):
        soup = page(site, str(html.relative_to(site)))
        for tag in soup.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
            for attr in ("href", "src"):
                if remote.match(tag.get(attr) or ""):
                    found.append(f"{html.name}: <{tag.name} {attr}={tag.get(attr)}>")
        for style in soup.find_all("style"):
            if re.search(r"url\(\s*['\"]?(https?:)?//|@import", style.get_text()):
                found.append(f"{html.name}: remote <style>")
    for css in site.rglob("*.css"):
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+url\(['\"]?https?:", css.read_text(encoding="utf-8")):
            found.append(f"{css.name}: remote url()")
    assert not found, "\n".join(found[:20])


def test_broken_review_front_matter_fails_with_path_and_line(tmp_path: Path) -> None:
    content = make_content(
        tmp_path / "content",
        {
            "incidents/inc-1.yaml": INCIDENT,
            "postmortems/INC-1.md": "---\nincident: INC-1\nauthors: [Dana\nstatus: draft\n---\nBody\n",
        },
    )
    with pytest.raises(ContentError) as failure:
        build_kb(content, tmp_path / "site")
    lines = str(failure.value).splitlines()
    assert any(re.match(r"^.*postmortems/INC-1\.md:\d+: \S", line) for line in lines), lines
    assert not (tmp_path / "site" / "internal").exists()


def test_same_input_gives_identical_output(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": INCIDENT, "postmortems/INC-1.md": POSTMORTEM})
    first = build_kb(content, tmp_path / "a")
    second = build_kb(content, tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert not different


def test_strict_build_fails_on_a_broken_link_in_a_review(tmp_path: Path) -> None:
    review = "---\nincident: INC-1\nstatus: reviewed\n---\nSee [the runbook](../runbooks/missing.md).\n"
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": INCIDENT, "postmortems/INC-1.md": review})
    build_kb(content, tmp_path / "lenient")  # not strict: a warning only
    with pytest.raises(ContentError) as failure:
        build_kb(content, tmp_path / "strict", strict=True)
    assert re.search(r"mkdocs\.yml:1: knowledge base build failed", str(failure.value))
    assert "missing.md" in str(failure.value)
    assert not (tmp_path / "strict" / "internal").exists()


def test_registered_pages_join_the_navigation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.kb import pages, registry

    extra = pages.Page("extra/index.md", "Extra", "Extra", lambda site, now: "# Extra\n\nplugged in\n", order=65)
    chart = pages.Documents(
        lambda site, now: [pages.Output("extra/chart.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")]
    )
    monkeypatch.setattr(registry, "PAGES", [*registry.PAGES, extra])
    monkeypatch.setattr(registry, "DOCUMENTS", [*registry.DOCUMENTS, chart])
    site = build_kb(make_content(tmp_path / "content"), tmp_path / "site")
    assert "plugged in" in article(site, "extra/index.html").get_text()
    assert (site / "extra" / "chart.svg").is_file()
    nav = [a.get_text(strip=True) for a in page(site, "index.html").select("nav.md-nav--primary a")]
    assert nav.index("Extra") > nav.index("Follow-ups")
    assert "Extra" in [a.get_text(strip=True) for a in article(site, "index.html").select("a")]  # home's sections
    assert nav.index("Extra") > nav.index("Follow-ups")


@pytest.mark.parametrize(
    ("rel", "key", "expected"),
    [
        # INC-3 resolved 2026-10-01 09:00 without a review; due 14 days later (the default
        # review_deadline_days), so on 2026-11-28 it is overdue since 2026-10-15.
        ("incidents/index.html", "INC-3", ["INC-3", "Website slow", "2026-10-01", "2026", "medium", "external",
                                           "Website", "resolved", "overdue (due 2026-10-15)"]),
        ("index.html", "INC-3", ["INC-3", "Website slow", "medium", "2026-10-15 overdue", "not started"]),
        ("postmortems/index.html", "INC-3", ["INC-3", "Website slow", "medium", "2026-10-15 overdue", "not started"]),
        # AI-1 is open and was due 2026-11-15: overdue, 13 days on 2026-11-28 (said once, in the status).
        ("index.html", "AI-1", ["AI-1", "Add a canary stage", "api-team", "P1", "2026-11-15", "open, overdue",
                                "INC-1"]),
        ("follow-ups/index.html", "AI-1", ["AI-1", "Add a canary stage", "api-team", "P1", "2026-11-15",
                                           "open, overdue", "INC-1"]),
        ("services/api.html", "AI-1", ["AI-1", "Add a canary stage", "api-team", "P1", "2026-11-15",
                                       "open, overdue", "INC-1"]),
        ("follow-ups/figures.html", "AI-1", ["AI-1", "Add a canary stage", "api-team", "P1", "2026-11-15", "13", "INC-1"]),
        # The reviewed INC-1 is not overdue in the incidents index.
        ("incidents/index.html", "INC-1", ["INC-1", "API errors | partial", "2026-11-01", "2026", "major", "external",
                                           "API", "resolved", "reviewed"]),
    ],
)
def test_the_overdue_marker_in_every_place_it_is_shown(kb: Path, rel: str, key: str, expected: list[str]) -> None:
    assert row_with(article(kb, rel), key) == expected
