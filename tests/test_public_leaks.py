"""Bad data stays out: canary strings planted in every internal field of a site must not appear in
any byte, or any file name, of the public output (pages, feeds, calendars, API, badges)."""

from __future__ import annotations

from pathlib import Path

from tests.sitekit import load, make_content
from tests.test_public_feeds import build_public

#: Every canary holds this marker; the public site must hold it nowhere (any case).
MARKER = "cnry"

CANARY_SITE = {
    "site.yaml": """\
        name: Acme
        base_url: https://status.acme.example/
        redaction_patterns: ['cnryredaction\\.example']
        severity_guidelines:
          major: Page cnryguidelines at once.
        """,
    "services.yaml": """\
        groups: [Core, CnryGroupName]
        services:
          - id: api
            name: API
            group: Core
            description: Public REST API
            owner: cnryowner-team
            oncall: cnryoncall-rotation
            slo: 99.9
            runbooks: [https://wiki.cnryrunbooklink.example/api]
          - id: web
            name: Website
            group: Core
          - id: cnrysvcid
            name: CnrySvcName
            group: CnryGroupName
            description: cnrysvcdescription
            public: false
            owner: cnrysvcowner
            oncall: cnrysvconcall
            slo: 99.0
            runbooks: [https://wiki.cnrysvcrunbook.example/]
        """,
    "incidents/2026-11-27-internal.yaml": """\
        id: CNRYINCID
        title: cnryinternaltitle
        type: internal
        severity: major
        started_at: 2026-11-27T08:00:00Z
        detected_at: 2026-11-27T08:05:00Z
        detection: employee
        regions: [cnryinternalregion]
        impact:
          - component: cnrysvcid
            level: major_outage
            regions: [cnryimpactregion]
          - component: api
            level: partial_outage
        roles:
          incident_manager: Cnry Manager
          communications_lead: Cnry Comms
          oncall: [Cnry Oncall One]
          customer_escalation_manager: Cnry Escalation
          executive: Cnry Executive
        root_cause:
          type: config
          service: cnrysvcid
        updates:
          - at: 2026-11-27T08:10:00Z
            status: investigating
            body: cnryinternalupdate
        timeline:
          - at: 2026-11-27T08:05:00Z
            by: cnrytimelineauthor
            text: cnrytimelinetext
        """,
    "incidents/2026-11-26-external.yaml": """\
        id: INC-PUB
        title: API errors
        type: external
        severity: medium
        started_at: 2026-11-26T10:00:00Z
        detected_at: 2026-11-26T10:04:00Z
        detection: monitoring
        mitigated_at: 2026-11-26T10:40:00Z
        resolved_at: 2026-11-26T11:00:00Z
        impact:
          - component: api
            level: partial_outage
          - component: cnrysvcid
            level: major_outage
        roles:
          incident_manager: Cnry Public Manager
          communications_lead: Cnry Public Comms
          oncall: [Cnry Public Oncall]
          customer_escalation_manager: Cnry Public Escalation
          executive: Cnry Public Executive
        root_cause:
          type: deploy
          service: cnrysvcid
        updates:
          - at: 2026-11-26T10:10:00Z
            status: investigating
            body: Some API requests fail.
          - at: 2026-11-26T11:00:00Z
            status: resolved
            body: Fixed.
        timeline:
          - at: 2026-11-26T10:04:00Z
            by: cnrypublictimelineauthor
            text: cnrypublictimelinetext
        """,
    "incidents/2026-11-25-external-draft.yaml": """\
        id: INC-DRAFT
        title: Website slow
        type: external
        severity: minor
        started_at: 2026-11-25T10:00:00Z
        resolved_at: 2026-11-25T10:30:00Z
        impact:
          - component: web
            level: degraded_performance
        updates:
          - at: 2026-11-25T10:30:00Z
            status: resolved
            body: The website was slow for 30 minutes.
        """,
    "incidents/2026-11-24-external-reviewed.yaml": """\
        id: INC-REVIEWED
        title: Search errors
        type: external
        severity: medium
        started_at: 2026-11-24T10:00:00Z
        mitigated_at: 2026-11-24T10:20:00Z
        resolved_at: 2026-11-24T10:45:00Z
        impact:
          - component: api
            level: partial_outage
        updates:
          - at: 2026-11-24T10:45:00Z
            status: resolved
            body: Search works again.
        """,
    "maintenance/2026-12-01-upgrade.yaml": """\
        id: MNT-1
        title: Database upgrade
        components: [api, cnrysvcid]
        scheduled_start: 2026-12-01T02:00:00Z
        scheduled_end: 2026-12-01T04:00:00Z
        updates:
          - at: 2026-11-25T09:00:00Z
            status: scheduled
            body: We will upgrade the database.
        """,
    "postmortems/INC-PUB.md": """\
        ---
        incident: INC-PUB
        authors: [Cnry Author]
        status: published
        public_summary: A bad deploy broke some API requests; it was rolled back.
        action_items:
          - id: CNRYAI1
            title: cnryactiontitle
            owner: cnryactionowner
            priority: P1
            due: 2026-12-15
            status: open
            link: https://tracker.cnrytracker.example/1
        ---
        ## Summary

        cnrypostmortembody
        """,
    "postmortems/CNRYINCID.md": """\
        ---
        incident: CNRYINCID
        authors: [Cnry Internal Author]
        status: published
        public_summary: cnryinternalsummary
        ---
        cnryinternalpostmortembody
        """,
    "postmortems/INC-DRAFT.md": """\
        ---
        incident: INC-DRAFT
        status: draft
        public_summary: cnrydraftsummary
        ---
        cnrydraftbody
        """,
    "postmortems/INC-REVIEWED.md": """\
        ---
        incident: INC-REVIEWED
        authors: [Cnry Reviewed Author]
        status: reviewed
        review_date: 2026-11-25
        public_summary: cnryreviewedsummary
        ---
        cnryreviewedbody
        """,
    "runbooks/api/errors.md": """\
        ---
        title: cnryrunbooktitle
        services: [api, cnrysvcid]
        alerts: [CnryAlertName]
        owner: cnryrunbookowner
        last_reviewed: 2026-10-01
        ---
        cnryrunbookbody
        """,
}


def test_the_canary_site_is_valid_and_holds_every_canary(tmp_path: Path) -> None:
    content = make_content(tmp_path, CANARY_SITE)
    loaded = load(content)
    assert [p for p in loaded.problems.sorted() if p.level.value == "error"] == []
    site = loaded.site
    assert {i.id for i in site.incidents} == {"CNRYINCID", "INC-PUB", "INC-DRAFT", "INC-REVIEWED"}
    assert len(site.runbooks) == 1 and len(site.postmortems) == 4
    statuses = {p.incident: p.status.value for p in site.postmortems}
    assert statuses == {"INC-PUB": "published", "CNRYINCID": "published", "INC-DRAFT": "draft",
                        "INC-REVIEWED": "reviewed"}


def test_no_canary_reaches_any_public_file(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", CANARY_SITE)
    public = build_public(content, tmp_path / "out")
    files = sorted(p for p in public.rglob("*") if p.is_file())
    # the public outputs exist, so the search below searched something
    for expected in ("feeds/all.rss", "feeds/all.atom", "maintenance.ics", "api/v2/summary.json", "badge.svg"):
        assert (public / expected).is_file(), expected
    assert b"API errors" in (public / "feeds" / "all.atom").read_bytes()
    # The public records are there: each external incident has its page, and only the
    # published review's summary is shown (the reviewed and draft ones are not yet public).
    for incident in ("INC-PUB", "INC-DRAFT", "INC-REVIEWED"):
        assert (public / "incidents" / f"{incident}.html").is_file(), incident
    assert "it was rolled back" in (public / "incidents" / "INC-PUB.html").read_text(encoding="utf-8")
    assert "Search works again." in (public / "incidents" / "INC-REVIEWED.html").read_text(encoding="utf-8")
    leaks = []
    for path in files:
        name = path.relative_to(public).as_posix()
        if MARKER in name.lower():
            leaks.append(f"file name {name}")
        data = path.read_bytes().lower()
        at = data.find(MARKER.encode())
        if at >= 0:
            leaks.append(f"{name}: ...{data[max(0, at - 60) : at + 40].decode('utf-8', 'replace')}...")
    for directory in (p for p in public.rglob("*") if p.is_dir()):
        if MARKER in directory.name.lower():
            leaks.append(f"folder {directory.relative_to(public)}")
    assert leaks == []
