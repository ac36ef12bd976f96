"""Responder commands under stress: what they say when the responder is wrong, or the incident
is in a state the command does not expect. Each message names the argument and says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load.fields import parse_time
from tests.sitekit import SITE_YAML, load, make_content

SERVICES = """\
groups: [Shop]
services:
  - id: checkout
    name: Checkout
    group: Shop
  - id: web
    name: Website and apps
    group: Shop
  - id: search
    name: Search
    group: Shop
  - id: api
    name: Public API
    group: Shop
"""

OPEN = """\
id: INC-2026-007
title: Elevated errors
type: external
severity: major
started_at: 2026-11-28T13:00:00Z
detected_at: 2026-11-28T13:05:00Z
detection: monitoring
impact:
  - component: checkout
    level: major_outage
updates:
  - at: 2026-11-28T13:06:00Z
    status: investigating
    body: We are looking into it.
"""

RESOLVED = OPEN.replace("detection: monitoring\n", "detection: monitoring\nmitigated_at: 2026-11-28T13:40:00Z\n"
                        "resolved_at: 2026-11-28T14:00:00Z\n").replace(
    "    level: major_outage\n", "    level: major_outage\n    to: 2026-11-28T13:40:00Z\n") + """\
  - at: 2026-11-28T14:00:00Z
    status: resolved
    body: Fixed.
"""

FILE = "incidents/2026-11-28-errors.yaml"
T1 = "2026-11-28T15:00:00Z"


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content), "--no-cache"], catch_exceptions=False)


def one(content: Path, incident_id: str = "INC-2026-007", at: str = T1):  # type: ignore[no-untyped-def]
    loaded = load(content, at)
    assert not loaded.problems.errors, loaded.problems.errors
    return next(i for i in loaded.site.incidents if i.id == incident_id)


def folder(tmp_path: Path, incident: str | None = OPEN) -> Path:
    files = {"site.yaml": SITE_YAML, "services.yaml": SERVICES}
    if incident is not None:
        files[FILE] = incident
    return make_content(tmp_path / "content", files)


def test_public_update_on_a_resolved_incident_says_it_is_resolved_and_how_to_reopen(tmp_path: Path) -> None:
    content = folder(tmp_path, RESOLVED)
    before = (content / FILE).read_bytes()
    for args in (("more",), ("--status", "monitoring", "more"), ("--component", "checkout:partial_outage")):
        result = run(content, "update", "INC-2026-007", *args, "--now", T1)
        assert result.exit_code == 1, (args, result.output)
        assert "Error: incident INC-2026-007 is already resolved (resolved_at: 2026-11-28T14:00:00Z)" in result.output
        assert 'reopen it first: statuspress reopen INC-2026-007 "MESSAGE"' in result.output
        assert "use `statuspress resolve`" not in result.output
    assert (content / FILE).read_bytes() == before


def test_internal_note_after_resolution_is_accepted(tmp_path: Path) -> None:
    content = folder(tmp_path, RESOLVED)
    result = run(content, "update", "INC-2026-007", "--internal", "Root cause: pool size", "--by", "dana", "--now", T1)
    assert result.exit_code == 0, result.output
    found = one(content)
    assert [(t.by, t.text, t.at) for t in found.timeline] == [("dana", "Root cause: pool size", parse_time(T1))]
    assert found.resolved_at == parse_time("2026-11-28T14:00:00Z")
    assert [u.status.value for u in found.updates] == ["investigating", "resolved"]


def test_reopen_clears_resolved_at_posts_an_update_and_notes_the_old_resolution(tmp_path: Path) -> None:
    content = folder(tmp_path, RESOLVED)
    result = run(content, "reopen", "INC-2026-007", "--by", "sam", "--now", T1)
    assert result.exit_code == 0, result.output
    assert "No MESSAGE given, so the public update says: This incident has been reopened; we are investigating again." in result.output
    found = one(content)
    assert found.resolved_at is None
    assert found.mitigated_at == parse_time("2026-11-28T13:40:00Z")  # no impact back: the mitigation held
    last = found.updates[-1]
    assert (last.at, last.status.value, last.body) == (
        parse_time(T1), "investigating", "This incident has been reopened; we are investigating again.")
    assert [(t.by, t.text) for t in found.timeline] == [("sam", "Reopened; it had been resolved at 2026-11-28T14:00:00Z.")]
    # open again: public updates go through, and reopening twice is refused
    assert run(content, "update", "INC-2026-007", "Still checking.", "--now", "2026-11-28T15:10:00Z").exit_code == 0
    again = run(content, "reopen", "INC-2026-007", "--now", "2026-11-28T15:20:00Z")
    assert again.exit_code == 1 and "incident INC-2026-007 is not resolved; nothing to reopen" in again.output


def test_reopen_with_impact_back_drops_the_mitigation_and_keeps_the_past(tmp_path: Path) -> None:
    content = folder(tmp_path, RESOLVED.replace("    to: 2026-11-28T13:40:00Z\n", ""))
    result = run(content, "reopen", "INC-2026-007", "Errors are back.", "--status", "identified",
                 "--component", "checkout:partial_outage", "--by", "sam", "--now", T1)
    assert result.exit_code == 0, result.output
    assert "No MESSAGE" not in result.output
    found = one(content)
    assert found.resolved_at is None and found.mitigated_at is None
    old, new = found.impact
    # the first span ended when it was mitigated, as before; the new one runs from the reopening
    assert (old.level.value, old.end) == ("major_outage", parse_time("2026-11-28T13:40:00Z"))
    assert (new.level.value, new.start, new.end) == ("partial_outage", parse_time(T1), None)
    assert (found.updates[-1].status.value, found.updates[-1].body) == ("identified", "Errors are back.")
    assert found.timeline[-1].text == ("Reopened; it had been resolved at 2026-11-28T14:00:00Z "
                                       "(mitigated at 2026-11-28T13:40:00Z).")


@pytest.mark.parametrize(("mitigated", "expected"), [
    ("2026-11-28T16:00:00Z", "2026-11-28T16:00:00Z is in the future (now: 2026-11-28T15:00:00Z); give the time user impact stopped"),
    ("in 10 min", "2026-11-28T15:10:00Z is in the future (now: 2026-11-28T15:00:00Z)"),
    ("2026-11-28T12:00:00Z", "2026-11-28T12:00:00Z is before the incident started (started_at: 2026-11-28T13:00:00Z)"),
    ("2026-11-28T13:02:00Z", "2026-11-28T13:02:00Z is before the incident was detected (detected_at: 2026-11-28T13:05:00Z)"),
])
def test_a_wrong_mitigation_time_is_reported_as_that_argument(tmp_path: Path, mitigated: str, expected: str) -> None:
    content = folder(tmp_path)
    before = (content / FILE).read_bytes()
    result = run(content, "resolve", "INC-2026-007", "--mitigated-at", mitigated, "--now", T1)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for --mitigated-at: {expected}" in result.output
    assert "resolved_at is before mitigated_at" not in result.output
    assert (content / FILE).read_bytes() == before


def test_relative_mitigation_time(tmp_path: Path) -> None:
    content = folder(tmp_path)
    result = run(content, "resolve", "INC-2026-007", "--mitigated-at", "25 min ago", "--now", T1)
    assert result.exit_code == 0, result.output
    assert one(content).mitigated_at == parse_time("2026-11-28T14:35:00Z")


@pytest.mark.parametrize(("command", "given", "expected"), [
    (("new", "incident", "--title", "X", "--severity", "minor"), "chekout", "no component 'chekout'; did you mean checkout?"),
    (("new", "incident", "--title", "X", "--severity", "minor"), "Checkout", "'Checkout' is the name of a component; use its id: checkout"),
    (("new", "incident", "--title", "X", "--severity", "minor"), "website and apps", "'website and apps' is the name of a component; use its id: web"),
    (("new", "incident", "--title", "X", "--severity", "minor"), "Website", "no component 'Website'; did you mean web (Website and apps)?"),
    (("new", "incident", "--title", "X", "--severity", "minor"), "API", "no component 'API'; did you mean api (Public API)?"),
    (("new", "incident", "--title", "X", "--severity", "minor"), "zzz", "no component 'zzz'; the components are api, checkout, search, web"),
    (("update", "INC-2026-007"), "chekout:partial_outage", "no component 'chekout'; did you mean checkout?"),
    (("new", "maintenance", "--title", "M", "--start", "in 1 day", "--end", "in 2 days"), "serch", "no component 'serch'; did you mean search?"),
])
def test_unknown_component_lists_close_matches(tmp_path: Path, command: tuple[str, ...], given: str, expected: str) -> None:
    content = folder(tmp_path)
    files = sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file())
    result = run(content, *command, "--component", given, "--now", T1)
    assert result.exit_code == 2, result.output
    assert f"Error: Invalid value for --component: {expected}\n" in result.output
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()) == files


def test_a_refused_edit_points_at_the_line_on_disk(tmp_path: Path) -> None:
    # The impact span (line 9 of the file) ends at 14:30; resolving at 14:20 inserts mitigated_at
    # and resolved_at above it, so the text validated has that span two lines further down.
    text = OPEN.replace("    level: major_outage\n", "    level: major_outage\n    to: 2026-11-28T14:30:00Z\n")
    content = folder(tmp_path, text)
    assert text.splitlines()[9 - 1] == "  - component: checkout"
    result = run(content, "resolve", "INC-2026-007", "--now", "2026-11-28T14:20:00Z")
    assert result.exit_code == 1
    assert f"{content / FILE}:9: impact[0].to is after the incident's resolved_at\n" in result.output
    assert (content / FILE).read_text() == text


def test_a_refused_edit_quotes_the_line_it_would_have_written(tmp_path: Path) -> None:
    content = folder(tmp_path)
    # an impact change dated before the incident started: the new span's line does not exist yet
    result = run(content, "update", "INC-2026-007", "--component", "web:degraded_performance", "--now", "2026-11-28T12:00:00Z")
    assert result.exit_code == 1
    assert (f"{content / FILE}:11: impact[1].from is before the incident's started_at "
            "(in the line this command would write: - component: web)") in result.output


def test_new_external_incident_without_message_gets_a_default_first_update_and_says_so(tmp_path: Path) -> None:
    content = folder(tmp_path, None)
    result = run(content, "new", "incident", "--title", "Checkout down", "--severity", "major", "--component", "checkout",
                 "--now", T1)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "INC-2026-001"  # scripts read the path and the id from stdout
    assert ("No --message given, so the first public update says: We are investigating this issue. "
            'Tell customers more with: statuspress update INC-2026-001 "MESSAGE"') in result.stderr
    found = one(content, "INC-2026-001")
    assert [(u.at, u.status.value, u.body) for u in found.updates] == [
        (parse_time(T1), "investigating", "We are investigating this issue.")]
    internal = run(content, "new", "incident", "--title", "VPN", "--severity", "minor", "--type", "internal",
                   "--component", "search", "--now", T1)
    assert internal.exit_code == 0 and "No --message" not in internal.output
    assert one(content, "INC-2026-002").updates == ()


def test_started_at_in_the_future_is_refused(tmp_path: Path) -> None:
    content = folder(tmp_path, None)
    result = run(content, "new", "incident", "--title", "X", "--severity", "minor", "--started-at", "in 1 hour", "--now", T1)
    assert result.exit_code == 2
    assert "Invalid value for --started-at: 2026-11-28T16:00:00Z is in the future (now: 2026-11-28T15:00:00Z)" in result.output


def test_new_maintenance_wholly_in_the_past_is_refused(tmp_path: Path) -> None:
    content = folder(tmp_path, None)
    result = run(content, "new", "maintenance", "--title", "DB", "--component", "web",
                 "--start", "2026-11-27T02:00:00Z", "--end", "2026-11-27T04:00:00Z", "--now", T1)
    assert result.exit_code == 2
    assert ("Invalid value for --end: 2026-11-27T04:00:00Z is already past (now: 2026-11-28T15:00:00Z): the window "
            "would be over before it is announced") in result.output
    assert not (content / "maintenance").exists()
    ok = run(content, "new", "maintenance", "--title", "DB", "--component", "web", "--start", "1 hour ago",
             "--end", "in 1 hour", "--now", T1)
    assert ok.exit_code == 0, ok.output
    (window,) = load(content, T1).site.maintenance
    assert (window.scheduled_start, window.scheduled_end) == (parse_time("2026-11-28T14:00:00Z"), parse_time("2026-11-28T16:00:00Z"))


@pytest.mark.parametrize("started", [None, "2026-11-28T15:00:00Z"])
def test_open_and_resolve_within_the_same_second(tmp_path: Path, started: str | None) -> None:
    content = folder(tmp_path, None)
    back = ["--started-at", started] if started else []
    opened = run(content, "new", "incident", "--title", "Blip", "--severity", "minor", "--component", "web",
                 "--message", "Checking.", *back, "--now", T1)
    assert opened.exit_code == 0, opened.output
    result = run(content, "resolve", "INC-2026-001", "--now", T1)
    assert result.exit_code == 0, result.output
    assert "is not after its start" not in result.output
    found = one(content, "INC-2026-001")
    assert found.started_at == found.mitigated_at == found.resolved_at == parse_time(T1)
    (impact,) = found.impact
    assert impact.component == "web" and impact.end in (None, parse_time(T1))


def test_strict_validate_says_warnings_count_as_errors(tmp_path: Path) -> None:
    content = folder(tmp_path, RESOLVED)  # resolved on 28 Nov without a review: a warning by 28 Dec
    relaxed = run(content, "validate", "--now", "2026-12-28T00:00:00Z")
    assert relaxed.exit_code == 0 and "0 errors, 1 warning" in relaxed.output
    assert "--strict" not in relaxed.output
    strict = run(content, "validate", "--strict", "--now", "2026-12-28T00:00:00Z")
    assert strict.exit_code == 1
    assert strict.output.rstrip().endswith("0 errors, 1 warning\nFailed: --strict counts the 1 warning as errors.")
    build = run(content, "build", "--strict", "--out", str(tmp_path / "site"), "--now", "2026-12-28T00:00:00Z")
    assert build.exit_code == 1
    assert "1 problem found (--strict counts the 1 warning as errors); nothing was written." in build.output
