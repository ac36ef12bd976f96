"""maintenance.ics as a calendar app reads it: parsed with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.sitekit import EXAMPLE, make_content
from tests.test_public_feeds import SUBSCRIPTIONS, build_public


def events(path: Path) -> dict[str, Calendar]:
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["VERSION"]) == "2.0" and "Statuspress" in str(calendar["PRODID"])
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), SUBSCRIPTIONS)
    return build_public(content, tmp_path_factory.mktemp("small"))


def test_every_window_is_an_event_with_utc_times_and_status(small: Path) -> None:
    found = events(small / "maintenance.ics")
    assert set(found) == {"MNT-1@status.acme.example", "MNT-2@status.acme.example"}
    upgrade = found["MNT-1@status.acme.example"]
    assert upgrade.decoded("DTSTART") == datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert upgrade.decoded("DTEND") == datetime(2026, 12, 1, 4, tzinfo=UTC)
    assert upgrade.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert str(upgrade["SUMMARY"]) == "Maintenance: API database upgrade"
    assert str(upgrade["URL"]) == "https://status.acme.example/maintenance/MNT-1.html"
    assert str(upgrade["STATUS"]) == "CONFIRMED"
    description = str(upgrade["DESCRIPTION"])
    assert "Affected components: API" in description and "We will upgrade the database." in description
    assert upgrade.decoded("DTSTAMP") == datetime(2026, 11, 25, 9, tzinfo=UTC)
    cancelled = found["MNT-2@status.acme.example"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 2


def test_component_calendars_hold_only_their_windows(small: Path) -> None:
    assert set(events(small / "calendars" / "components" / "api.ics")) == {"MNT-1@status.acme.example"}
    assert set(events(small / "calendars" / "components" / "web.ics")) == {"MNT-2@status.acme.example"}
    assert not (small / "calendars" / "components" / "vpn.ics").exists()


def test_calendars_do_not_change_with_the_build_time(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", SUBSCRIPTIONS)
    first = build_public(content, tmp_path / "a", "2026-11-28T12:00:00Z")
    second = build_public(content, tmp_path / "b", "2026-12-02T08:00:00Z")
    paths = [Path("maintenance.ics"), *sorted(p.relative_to(first) for p in (first / "calendars").rglob("*.ics"))]
    for path in paths:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


def test_example_calendar_parses(tmp_path: Path) -> None:
    public = build_public(EXAMPLE, tmp_path / "out")
    found = events(public / "maintenance.ics")
    assert found, "the example has maintenance windows"
    for event in found.values():
        assert event.decoded("DTSTART") < event.decoded("DTEND")
        assert str(event["URL"]).startswith("https://status.larkspur.example/maintenance/")
