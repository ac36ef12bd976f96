"""`statuspress import statuspage|cstate`: real samples import, validate, build; importing twice
changes nothing; services merge without duplicates and keep comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result

from generator.build import BuildRequest, build
from generator.cli import main
from generator.load.fields import parse_time
from tests.sitekit import CORPORA, NOW, load, make_content, now

STATUSPAGE = CORPORA / "statuspage-v2"
CSTATE = CORPORA / "cstate"
needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content), "--now", NOW], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_valid_and_builds(content: Path, tmp_path: Path) -> BeautifulSoup:
    loaded = load(content)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    build(BuildRequest(content=content, out=tmp_path / "site", now=now(), targets=("public",), progress=lambda _: None))
    index = tmp_path / "site/public/index.html"
    assert index.is_file()
    return BeautifulSoup(index.read_text(), "html.parser")


@needs_corpora
def test_statuspage_samples_import_validate_build_and_are_idempotent(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    empty = tmp_path / "dump"
    empty.mkdir()
    for source in sorted(STATUSPAGE.glob("*/*.json")):
        (empty / f"{source.parent.name}-{source.name}").write_bytes(source.read_bytes())
    (empty / "zero-byte.json").write_bytes(b"")  # curl failures leave these in git-scraped dumps
    first = run(content, "import", "statuspage", str(empty))
    assert first.exit_code == 0, first.output
    assert "zero-byte.json: empty file, skipped" in first.output
    site = load(content).site
    ids = {i.id for i in site.incidents}
    assert "SP-lc8s9rtyjmgq" in ids and len(ids) >= 6
    assert len(site.maintenance) >= 4
    # the newest snapshot of an incident wins; updates oldest first, times in UTC
    actions = next(i for i in site.incidents if i.id == "SP-lc8s9rtyjmgq")
    assert actions.severity.value == "medium"  # Statuspage impact "major"
    assert [u.status.value for u in sorted(actions.updates, key=lambda u: u.at)][-1] == "monitoring"
    assert actions.mitigated_at == parse_time("2021-08-10T22:37:02Z")  # monitoring_at
    levels = [(i.component, i.level.value) for i in actions.impact]
    assert ("github-actions", "major_outage") in levels and ("github-actions", "partial_outage") in levels
    # Instructure sends -07:00 offsets: stored in UTC
    text = "".join(p.read_text() for p in (content / "incidents").iterdir())
    assert "-07:00" not in text and "+00:00" not in text
    names = [s.name for s in site.services]
    assert len(names) == len(set(names))
    soup = assert_valid_and_builds(content, tmp_path)
    assert "Git Operations" in soup.get_text()

    before = snapshot(content)
    second = run(content, "import", "statuspage", str(empty))
    assert second.exit_code == 0, second.output
    assert "0 records written" in second.output and "0 services added" in second.output
    assert snapshot(content) == before


@needs_corpora
def test_cstate_samples_import_validate_build_and_are_idempotent(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    result = run(content, "import", "cstate", str(CSTATE / "cstate-exampleSite"))
    assert result.exit_code == 0, result.output
    melon = run(content, "import", "cstate", str(CSTATE / "melon-status"))
    assert melon.exit_code == 0, melon.output
    assert "affected system 'Documentation Website' is not in config.yml" in melon.output
    site = load(content).site
    guilds = next(i for i in site.incidents if i.id == "CS-2018-04-13-unavailable-guilds-connection-issues")
    assert guilds.severity.value == "major"
    assert guilds.started_at == parse_time("2018-04-13T15:54:00Z")
    assert guilds.resolved_at == parse_time("2018-04-13T17:30:00Z")
    assert {(i.component, i.level.value) for i in guilds.impact} == {("api", "major_outage"), ("media-proxy", "major_outage")}
    statuses = [u.status.value for u in sorted(guilds.updates, key=lambda u: u.at)]
    assert statuses[0] == "investigating" and statuses[-1] == "resolved"
    assert all("{{<" not in u.body for u in guilds.updates)
    assert any(u.body.startswith("*Post-mortem*") and u.status.value == "resolved" for u in guilds.updates)
    # "API" and "Website" merged by name into the existing services; no duplicates
    assert [s.id for s in site.services].count("api") == 1
    assert "website" not in {s.id for s in site.services}
    dns = next(i for i in site.incidents if i.id == "CS-dns-resolution-api")
    assert dns.is_open
    soup = assert_valid_and_builds(content, tmp_path)
    assert "API DNS resolution error!" in soup.get_text()

    before = snapshot(content)
    again = run(content, "import", "cstate", str(CSTATE / "cstate-exampleSite"))
    assert again.exit_code == 0 and "0 records written" in again.output
    assert snapshot(content) == before


INCIDENTS_JSON = {
    "page": {"id": "p1", "name": "Example"},
    "incidents": [
        {
            "id": "abc123", "name": "Login failures", "status": "resolved", "impact": "critical",
            "created_at": "2026-03-01T10:05:00.123+01:00", "started_at": "2026-03-01T10:00:00+01:00",
            "monitoring_at": None, "resolved_at": "2026-03-01T10:40:00+01:00",
            "components": [{"id": "c1", "name": "Login", "status": "operational", "group_id": None}],
            "incident_updates": [
                {"id": "u2", "status": "resolved", "body": "Fixed.", "created_at": "2026-03-01T10:40:00+01:00",
                 "display_at": "2026-03-01T10:40:00+01:00",
                 "affected_components": [{"code": "c1", "name": "Login", "old_status": "major_outage", "new_status": "operational"}]},
                {"id": "u1", "status": "investigating", "body": "Logins fail.", "created_at": "2026-03-01T10:05:00+01:00",
                 "display_at": "2026-03-01T10:05:00+01:00",
                 "affected_components": [{"code": "c1", "name": "Login", "old_status": "operational", "new_status": "major_outage"}]},
            ],
        }
    ],
}


def test_statuspage_incidents_json_mapping_and_services_keep_comments(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    services = content / "services.yaml"
    services.write_text("# our catalogue\n" + services.read_text().replace("  - id: api\n", "  - id: api   # the API\n"))
    source = tmp_path / "incidents.json"
    source.write_text(json.dumps(INCIDENTS_JSON))
    result = run(content, "import", "statuspage", str(source))
    assert result.exit_code == 0, result.output
    text = services.read_text()
    assert text.startswith("# our catalogue\n") and "  - id: api   # the API\n" in text
    assert "groups: [Core, Internal, Example]" in text and "  - id: login\n    name: Login\n    group: Example\n" in text
    (incident,) = load(content).site.incidents
    assert incident.id == "SP-abc123" and incident.severity.value == "major"
    assert incident.started_at == parse_time("2026-03-01T09:00:00Z")
    assert incident.detected_at == parse_time("2026-03-01T09:05:00Z")
    assert incident.resolved_at == parse_time("2026-03-01T09:40:00Z")
    (impact,) = incident.impact
    assert (impact.component, impact.level.value, impact.start, impact.end) == (
        "login", "major_outage", parse_time("2026-03-01T09:05:00Z"), None)
    assert [u.status.value for u in incident.updates] == ["investigating", "resolved"]


def test_import_that_would_be_invalid_writes_nothing(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/x.yaml": "id: SP-other\ntitle: T\ntype: external\nseverity: minor\nstarted_at: 2026-01-01T00:00:00Z\n"})
    bad = json.loads(json.dumps(INCIDENTS_JSON))
    bad["incidents"][0]["components"][0]["name"] = "VPN"  # an internal service: an external incident on it is invalid
    bad["incidents"][0]["incident_updates"] = []
    bad["incidents"][0]["components"][0]["status"] = "major_outage"
    source = tmp_path / "incidents.json"
    source.write_text(json.dumps(bad))
    before = snapshot(content)
    result = run(content, "import", "statuspage", str(source))
    assert result.exit_code == 1
    assert "external incident affects only internal services" in result.output
    assert snapshot(content) == before
