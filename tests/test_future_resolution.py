"""An external incident resolved in the future stays open on the public page until then; a
year typed wrong in a file written by hand (2027 for 2026) kept a finished outage on the page,
in `incidents/unresolved.json` and on its component, without a word."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import make_content

INCIDENT = """\
id: INC-1
title: Checkout errors
type: {kind}
severity: major
started_at: 2026-11-28T10:00:00Z
mitigated_at: {resolved}
resolved_at: {resolved}
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: resolved
    body: Fixed.
"""
WARNING = ("content/incidents/a.yaml:1: warning: resolved_at 2027-11-28T11:00:00Z is in the future: "
           "the public page shows this incident as open until then")


def validate(now: str) -> str:
    result = CliRunner().invoke(main, ["validate", "--content", "content", "--no-cache", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_incident_resolved_in_the_future_is_a_warning_until_then(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    files = {"incidents/a.yaml": INCIDENT.format(kind="external", resolved="2027-11-28T11:00:00Z")}
    make_content(tmp_path / "content", files)
    monkeypatch.chdir(tmp_path)
    assert WARNING in validate("2026-11-28T12:00:00Z")
    assert "in the future" not in validate("2027-11-28T10:30:00Z")  # within the hour: clocks differ
    assert "in the future" not in validate("2027-11-28T11:30:00Z")
    strict = CliRunner().invoke(main, ["build", "--strict", "--public", "--content", "content", "--out", "site",
                                       "--no-cache", "--now", "2026-11-28T12:00:00Z"])
    assert strict.exit_code == 1, strict.output


def test_a_resolution_in_the_past_or_of_an_internal_incident_is_not_warned_of(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for kind, resolved in (("external", "2026-11-28T11:00:00Z"), ("internal", "2027-11-28T11:00:00Z")):
        make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(kind=kind, resolved=resolved)})
        assert "in the future" not in validate("2026-11-28T12:00:00Z")
