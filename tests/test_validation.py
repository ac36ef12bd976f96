"""Each validation rule, on a tiny inline content folder, with the exact message users see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import SERVICES_YAML, SITE_YAML, load, make_content, messages

INCIDENT = """\
id: INC-1
title: API errors
type: external
severity: major
started_at: 2026-11-20T14:02:00Z
detected_at: 2026-11-20T14:09:00Z
mitigated_at: 2026-11-20T14:51:00Z
resolved_at: 2026-11-20T16:30:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-20T14:12:00Z
    status: investigating
    body: We are looking into it.
  - at: 2026-11-20T16:30:00Z
    status: resolved
    body: Fixed.
"""


def problems_for(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = make_content(tmp_path / "content", files)
    return messages(load(root), root)


def test_minimal_valid_content_has_no_problems(tmp_path: Path) -> None:
    assert problems_for(tmp_path, {"incidents/a.yaml": INCIDENT}) == []


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("severity: major", "severity: sev5", "content/incidents/a.yaml:4: severity: expected one of major, medium, minor; got 'sev5'"),
        ("type: external", "type: public", "content/incidents/a.yaml:3: type: expected one of external, internal; got 'public'"),
        ("title: API errors\n", "", "content/incidents/a.yaml:1: title: required field is missing"),
        ("started_at: 2026-11-20T14:02:00Z", "started_at: 2026-11-20T14:02:00", "content/incidents/a.yaml:5: started_at: time '2026-11-20T14:02:00' has no UTC offset; add Z or +HH:MM"),
        ("started_at: 2026-11-20T14:02:00Z", "started_at: 2026-11-20", "content/incidents/a.yaml:5: started_at: expected a date and time with an offset, e.g. 2026-11-20T00:00:00Z; got '2026-11-20'"),
        ("detected_at: 2026-11-20T14:09:00Z", "detected_at: 2026-11-20T13:00:00Z", "content/incidents/a.yaml:6: detected_at is before started_at"),
        ("resolved_at: 2026-11-20T16:30:00Z", "resolved_at: 2026-11-20T14:30:00Z", "content/incidents/a.yaml:8: resolved_at is before mitigated_at"),
        ("id: INC-1", "id: ../../etc/passwd", "content/incidents/a.yaml:1: id: '../../etc/passwd' is not a safe id (use letters, digits, '-' and '_' only)"),
        ("  - component: api", "  - component: apx", "content/incidents/a.yaml:10: impact[0].component: unknown service 'apx'"),
        ("    level: major_outage", "    level: down", "content/incidents/a.yaml:11: impact[0].level: expected one of degraded_performance, under_maintenance, partial_outage, major_outage; got 'down'"),
        ("title: API errors", "title: API errors\ncolour: red", "content/incidents/a.yaml:3: colour: unknown field (expected one of detected_at, detection, id, impact, mitigated_at, regions, resolved_at, roles, root_cause, severity, started_at, timeline, title, type, updates)"),
        ("title: API errors", "title: [oops", "content/incidents/a.yaml:3: invalid YAML: did not find expected ',' or ']'"),
        ("title: API errors", "title: 12", None),
        ("title: API errors", "title: yes", "content/incidents/a.yaml:2: title: expected text; got true/false"),
        ("  - component: api", "  - component: vpn", "content/incidents/a.yaml:9: external incident affects only internal services; make it internal or add a public one"),
        ("    level: major_outage", "    level: major_outage\n    from: 2026-11-20T13:00:00Z", "content/incidents/a.yaml:10: impact[0].from is before the incident's started_at"),
        ("    level: major_outage", "    level: major_outage\n    to: 2026-11-21T13:00:00Z", "content/incidents/a.yaml:10: impact[0].to is after the incident's resolved_at"),
    ],
)
def test_incident_rules(tmp_path: Path, replace: str, by: str, expected: str | None) -> None:
    assert replace in INCIDENT
    found = problems_for(tmp_path, {"incidents/a.yaml": INCIDENT.replace(replace, by, 1)})
    assert found == ([expected] if expected else [])


def test_open_incident_whose_last_update_says_resolved(tmp_path: Path) -> None:
    text = INCIDENT.replace("mitigated_at: 2026-11-20T14:51:00Z\n", "").replace("resolved_at: 2026-11-20T16:30:00Z\n", "")
    assert problems_for(tmp_path, {"incidents/a.yaml": text}) == [
        "content/incidents/a.yaml:14: last update says resolved but the incident has no resolved_at"
    ]


def test_every_problem_of_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    bad = INCIDENT.replace("severity: major", "severity: huge").replace("component: api", "component: nope")
    found = problems_for(tmp_path, {"incidents/a.yaml": bad, "incidents/b.yaml": "id: [", "maintenance/m.yaml": "id: M1\n"})
    assert found == [
        "content/incidents/a.yaml:4: severity: expected one of major, medium, minor; got 'huge'",
        "content/incidents/a.yaml:10: impact[0].component: unknown service 'nope'",
        "content/incidents/b.yaml:2: invalid YAML: did not find expected node content",
        "content/maintenance/m.yaml:1: components: required field is missing",
        "content/maintenance/m.yaml:1: scheduled_end: required field is missing",
        "content/maintenance/m.yaml:1: scheduled_start: required field is missing",
        "content/maintenance/m.yaml:1: title: required field is missing",
    ]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    found = problems_for(tmp_path, {"incidents/a.yaml": INCIDENT, "incidents/b.yaml": INCIDENT})
    assert found == [
        "content/incidents/b.yaml:1: duplicate incident id 'INC-1' (first defined at content/incidents/a.yaml:1)"
    ]


MAINTENANCE = """\
id: MNT-1
title: Database upgrade
components: [api]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: Read-only for ten minutes.
"""


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("scheduled_end: 2026-12-03T04:00:00Z", "scheduled_end: 2026-12-03T01:00:00Z", "content/maintenance/m.yaml:5: scheduled_end is not after scheduled_start"),
        ("components: [api]", "components: [api, nope]", "content/maintenance/m.yaml:3: components: unknown service 'nope'"),
        ("components: [api]", "components: [vpn]", "content/maintenance/m.yaml:3: maintenance affects only internal services; it would be published"),
        ("status: scheduled", "status: planned", "content/maintenance/m.yaml:8: updates[0].status: expected one of scheduled, in_progress, verifying, completed, cancelled; got 'planned'"),
    ],
)
def test_maintenance_rules(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    found = problems_for(tmp_path, {"maintenance/m.yaml": MAINTENANCE.replace(replace, by, 1)})
    assert found == [expected]


POSTMORTEM = """\
---
incident: INC-1
authors: [Dana Ruiz]
status: reviewed
action_items:
  - id: AI-1
    title: Add a canary stage
    owner: payments-team
    priority: P1
    due: 2026-12-15
    status: open
---
## Summary
Text.
"""


def test_postmortem_rules(tmp_path: Path) -> None:
    files = {
        "incidents/a.yaml": INCIDENT,
        "postmortems/INC-1.md": POSTMORTEM.replace("priority: P1", "priority: P9"),
        "postmortems/INC-9.md": POSTMORTEM.replace("INC-1", "INC-9").replace("AI-1", "AI-2"),
        "postmortems/nofm.md": "## just text\n",
    }
    assert problems_for(tmp_path, files) == [
        "content/postmortems/INC-1.md:9: action_items[0].priority: expected one of P0, P1, P2, P3; got 'P9'",
        "content/postmortems/INC-9.md:2: incident: unknown incident 'INC-9'",
        "content/postmortems/nofm.md:1: expected YAML front matter starting with '---' on the first line",
    ]


def test_runbook_with_unknown_service(tmp_path: Path) -> None:
    runbook = "---\ntitle: API down\nservices: [api, nope]\nalerts: [ApiDown]\n---\nSteps.\n"
    assert problems_for(tmp_path, {"runbooks/api/down.md": runbook}) == [
        "content/runbooks/api/down.md:3: services: unknown service 'nope'"
    ]


def test_warnings_overdue_items_missing_review_and_redaction_errors(tmp_path: Path) -> None:
    leaky = INCIDENT.replace("body: Fixed.", "body: Fixed on db-1.corp.acme.example.")
    overdue = POSTMORTEM.replace("due: 2026-12-15", "due: 2026-11-27")
    root = make_content(tmp_path / "content", {"incidents/a.yaml": leaky, "incidents/b.yaml": INCIDENT.replace("INC-1", "INC-2").replace("2026-11-20", "2026-10-20")})
    (root / "postmortems").mkdir()
    (root / "postmortems/INC-1.md").write_text(overdue)
    loaded = load(root, "2026-11-28T12:00:00Z")
    assert [str(p) for p in loaded.problems.errors] == [
        f"{root}/incidents/a.yaml:16: body: public text matches redaction pattern 'corp\\\\.acme\\\\.example' ('corp.acme.example')"
    ]
    assert messages(loaded, root) == [
        "content/incidents/a.yaml:16: body: public text matches redaction pattern 'corp\\\\.acme\\\\.example' ('corp.acme.example')",
        "content/incidents/b.yaml:1: warning: resolved more than 14 days ago and no post-mortem",
        "content/postmortems/INC-1.md:6: warning: action item AI-1 is overdue (due 2026-11-27, owner payments-team)",
    ]


def test_action_item_due_today_is_not_overdue(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT, "postmortems/INC-1.md": POSTMORTEM.replace("due: 2026-12-15", "due: 2026-11-28")})
    assert messages(load(root, "2026-11-28T23:59:00Z"), root) == []


def test_services_and_site_rules(tmp_path: Path) -> None:
    services = "groups: [Core]\nservices:\n  - id: api\n    name: API\n    group: Nope\n    slo: 120\n  - id: api\n    name: Again\n    group: Core\n"
    site = "name: Acme\nbase_url: ftp://x\ntimezone: Mars/Base\nuptime_days: ninety\n"
    root = make_content(tmp_path / "content", {"services.yaml": services, "site.yaml": site})
    assert messages(load(root), root) == [
        "content/services.yaml:5: services[0].group: unknown group 'Nope' (groups: Core)",
        "content/services.yaml:6: services[0].slo: expected a number from 0 to 100; got 120",
        "content/services.yaml:7: duplicate service id 'api' (first defined at content/services.yaml:3)",
        "content/site.yaml:2: base_url: expected an absolute http(s) URL like https://status.example.com/; got 'ftp://x'",
        "content/site.yaml:3: timezone: unknown time zone 'Mars/Base' (expected an IANA name like Europe/Amsterdam)",
        "content/site.yaml:4: uptime_days: expected a whole number; got text",
    ]


def test_missing_site_and_services_files(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    assert messages(load(root), root) == [
        "content/services.yaml:1: missing: every content folder needs a services.yaml",
        "content/site.yaml:1: missing: every content folder needs a site.yaml",
    ]


def test_redaction_covers_every_public_text_not_only_updates(tmp_path: Path) -> None:
    """The page's name and description, group names and regions are public too."""
    site = SITE_YAML.replace("name: Acme", "name: Acme corp.acme.example") + "description: Status of corp.acme.example\n"
    services = SERVICES_YAML.replace("Core", "corp.acme.example")
    incident = INCIDENT.replace("level: major_outage", "level: major_outage\n    regions: [corp.acme.example]")
    root = make_content(tmp_path / "content", {"site.yaml": site, "services.yaml": services, "incidents/a.yaml": incident})
    found = [m for m in messages(load(root), root) if "redaction pattern" in m]
    assert [m.split(": public text")[0] for m in found] == [
        "content/incidents/a.yaml:10: regions",
        "content/services.yaml:3: group",
        "content/services.yaml:8: group",
        "content/site.yaml:1: description",
        "content/site.yaml:1: name",
    ]


def _postmortem(incident: str, item: str) -> str:
    return (f"---\nincident: {incident}\nstatus: draft\naction_items:\n  - id: {item}\n    title: Fix it\n"
            "    priority: P2\n    status: open\n---\nBody.\n")


def test_duplicate_maintenance_ids(tmp_path: Path) -> None:
    found = problems_for(tmp_path, {"maintenance/a.yaml": MAINTENANCE, "maintenance/b.yaml": MAINTENANCE})
    assert found == [
        "content/maintenance/b.yaml:1: duplicate maintenance id 'MNT-1' (first defined at content/maintenance/a.yaml:1)"
    ]


def test_duplicate_action_item_ids_across_reviews(tmp_path: Path) -> None:
    # Two incidents, each with its review; both reviews name an item AI-7 (line 5: "  - id: AI-7").
    files = {
        "incidents/a.yaml": INCIDENT,
        "incidents/b.yaml": INCIDENT.replace("id: INC-1", "id: INC-2"),
        "postmortems/INC-1.md": _postmortem("INC-1", "AI-7"),
        "postmortems/INC-2.md": _postmortem("INC-2", "AI-7"),
    }
    found = [m for m in problems_for(tmp_path, files) if "warning" not in m]
    assert found == [
        "content/postmortems/INC-2.md:5: duplicate action item id 'AI-7' (first defined at content/postmortems/INC-1.md:5)"
    ]


def test_duplicate_service_ids(tmp_path: Path) -> None:
    # SERVICES_YAML lists api (line 3), web (line 8) and vpn; a second api at the end.
    services = SERVICES_YAML + "  - id: api\n    name: API again\n    group: Core\n"
    line = services.splitlines().index("  - id: api", 3) + 1
    found = problems_for(tmp_path, {"services.yaml": services})
    assert f"content/services.yaml:{line}: duplicate service id 'api' (first defined at content/services.yaml:3)" in found


@pytest.mark.parametrize(
    ("file", "replace", "by", "expected"),
    [
        ("incidents/a.yaml", "title: API errors", "title: ''", "content/incidents/a.yaml:2: title: required text is empty"),
        ("incidents/a.yaml", "title: API errors", 'title: " \\t "', "content/incidents/a.yaml:2: title: required text is empty"),
        ("incidents/a.yaml", "    body: Fixed.", "    body: Fixed.\ntimeline:\n  - at: 2026-11-20T14:20:00Z\n    by: dana\n    text: ''",
         "content/incidents/a.yaml:22: timeline[0].text: required text is empty"),
        ("maintenance/m.yaml", "title: Database upgrade", "title: '   '", "content/maintenance/m.yaml:2: title: required text is empty"),
        # an update that only changed the status (imported history) may have no text
        ("incidents/a.yaml", "body: Fixed.", "body: ''", None),
    ],
)
def test_required_text_that_is_empty_or_blank_is_an_error(tmp_path: Path, file: str, replace: str, by: str,
                                                          expected: str | None) -> None:
    """A title customers would read as nothing: on the page, in feeds, calendars and e-mails."""
    template = INCIDENT if file.startswith("incidents") else MAINTENANCE
    assert replace in template
    assert problems_for(tmp_path, {file: template.replace(replace, by, 1)}) == ([expected] if expected else [])
