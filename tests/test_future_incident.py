"""An external incident that starts in the future is left off the public page until then; a
year typed wrong in a file written by hand (2027 for 2026) hid an outage without a word."""

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
started_at: 2027-11-28T10:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2027-11-28T10:05:00Z
    status: investigating
    body: We are investigating.
"""
WARNING = ("content/incidents/a.yaml:1: warning: started_at 2027-11-28T10:00:00Z is in the future: "
           "the public page shows this incident only from then on")


def validate(root: Path, now: str) -> str:
    result = CliRunner().invoke(main, ["validate", "--content", "content", "--no-cache", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_incident_starting_in_the_future_is_a_warning_until_it_starts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(kind="external")})
    monkeypatch.chdir(tmp_path)
    assert WARNING in validate(tmp_path, "2026-11-28T10:00:00Z")
    assert "in the future" not in validate(tmp_path, "2027-11-28T09:30:00Z")  # within the hour: clocks differ
    assert "in the future" not in validate(tmp_path, "2027-11-28T10:30:00Z")
    strict = CliRunner().invoke(main, ["build", "--strict", "--public", "--content", "content", "--out", "site",
                                       "--no-cache", "--now", "2026-11-28T10:00:00Z"])
    assert strict.exit_code == 1, strict.output


def test_an_internal_incident_in_the_future_is_not_warned_of(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(kind="internal")})
    monkeypatch.chdir(tmp_path)
    assert "in the future" not in validate(tmp_path, "2026-11-28T10:00:00Z")


def test_the_kept_checks_warn_of_an_incident_ahead_at_any_build_time(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The checks across files are kept in the cache with their warnings ahead apart (read only
    for a build dated before them): whichever time the cache was made at, each time gets its own."""
    from generator.load import crosscache

    make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(kind="external")})
    monkeypatch.chdir(tmp_path)
    runs = []
    real = crosscache.check
    monkeypatch.setattr(crosscache, "check", lambda *args: runs.append(1) or real(*args))

    def cached(command: str, now: str) -> str:
        args = [command, "--content", "content", "--cache-dir", "cache", "--now", now]
        if command == "build":
            args += ["--public", "--out", "site"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return result.output

    assert "in the future" not in cached("validate", "2027-11-28T10:30:00Z")
    assert WARNING in cached("validate", "2026-11-28T10:00:00Z")
    assert "in the future" not in cached("build", "2027-11-28T10:30:00Z")
    assert "a.yaml:1: warning: started_at 2027-11-28T10:00:00Z is in the future" in cached("build", "2026-11-28T10:00:00Z")
    assert "in the future" not in cached("validate", "2027-11-28T09:00:01Z")
    assert WARNING in cached("validate", "2027-11-28T08:59:59Z")
    assert len(runs) == 1  # checked once; every other time from the cache
