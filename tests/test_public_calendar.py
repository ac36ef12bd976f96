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
    # Nothing starts or ends between these two times (MNT-1 starts on 1 Dec at 02:00, MNT-2 was
    # cancelled): the same bytes.
    second = build_public(content, tmp_path / "b", "2026-11-30T23:00:00Z")
    paths = [Path("maintenance.ics"), *sorted(p.relative_to(first) for p in (first / "calendars").rglob("*.ics"))]
    for path in paths:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    # Once MNT-1's start has passed, its event says so, with a new SEQUENCE and DTSTAMP (the
    # automatic "in progress" update at 02:00) so calendar apps pick up the change.
    started = events(build_public(content, tmp_path / "c", "2026-12-01T03:00:00Z") / "maintenance.ics")
    upgrade = started["MNT-1@status.acme.example"]
    assert str(upgrade["DESCRIPTION"]).startswith("Status: In progress\n")
    assert (int(upgrade["SEQUENCE"]), upgrade.decoded("DTSTAMP")) == (2, datetime(2026, 12, 1, 2, tzinfo=UTC))


def test_example_calendar_parses(tmp_path: Path) -> None:
    public = build_public(EXAMPLE, tmp_path / "out")
    found = events(public / "maintenance.ics")
    assert found, "the example has maintenance windows"
    for event in found.values():
        assert event.decoded("DTSTART") < event.decoded("DTEND")
        assert str(event["URL"]).startswith("https://status.larkspur.example/maintenance/")


# ------------------------------------------------------------ every calendar library reads them

#: A window over two components, its body hard-wrapped as YAML block text often is.
TWO_COMPONENTS = {
    "maintenance/2026-12-02-both.yaml": """\
        id: MNT-3
        title: Network change
        components: [api, web]
        scheduled_start: 2026-12-02T01:00:00Z
        scheduled_end: 2026-12-02T02:00:00Z
        updates:
          - at: 2026-11-26T10:00:00Z
            status: scheduled
            body: |
              We will replace the load
              balancers in front of the API
              and the website.

              Expect two short
              interruptions:

              - one at 01:10
              - one at 01:40
        """,
}


@pytest.fixture(scope="module")
def wrapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), TWO_COMPONENTS)
    return build_public(content, tmp_path_factory.mktemp("wrapped"))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_public(EXAMPLE, tmp_path_factory.mktemp("example"))


def every_calendar(request: pytest.FixtureRequest) -> list[Path]:
    paths = []
    for site in ("small", "wrapped", "example"):
        public: Path = request.getfixturevalue(site)
        paths += sorted(public.rglob("*.ics"))
    return paths


def test_every_calendar_reads_in_icalendar_ics_vobject_and_recurring_ical_events(
    request: pytest.FixtureRequest,
) -> None:
    import ics
    import recurring_ical_events
    import vobject

    calendars = every_calendar(request)
    assert len(calendars) > 10  # 3 sites: the whole-page calendar and one per public component
    empty = 0
    for path in calendars:
        text = path.read_text(encoding="utf-8")
        parsed = Calendar.from_ical(text)
        uids = sorted(str(e["UID"]) for e in parsed.walk("VEVENT"))
        empty += not uids
        # RFC 5545 3.6: a calendar holds at least one component, also when it has no event.
        assert parsed.subcomponents, f"{path}: no component"
        assert sorted(e.uid for e in ics.Calendar(text).events) == uids, path
        [card] = list(vobject.readComponents(text))
        assert sorted(e.uid.value for e in getattr(card, "vevent_list", [])) == uids, path
        window = recurring_ical_events.of(parsed).between(datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
        assert sorted(str(e["UID"]) for e in window) == uids, path
    assert empty, "some component has no maintenance: the empty calendar is checked too"


def test_categories_are_one_line_with_every_component(wrapped: Path) -> None:
    import ics

    text = (wrapped / "maintenance.ics").read_bytes().decode("utf-8")
    assert text.count("CATEGORIES") == 1 and "CATEGORIES:API,Website\r\n" in text
    [event] = ics.Calendar(text).events
    assert event.categories == {"API", "Website"}


def test_descriptions_unfold_the_hard_line_breaks_of_paragraphs(wrapped: Path) -> None:
    # Lines of one paragraph are joined by a space; paragraphs stay apart; list items stay
    # one per line with their marker.
    [event] = Calendar.from_ical((wrapped / "maintenance.ics").read_bytes()).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == (
        "Status: Scheduled\n"
        "Affected components: API, Website\n"
        "\n"
        "We will replace the load balancers in front of the API and the website.\n"
        "\n"
        "Expect two short interruptions:\n"
        "\n"
        "- one at 01:10\n"
        "- one at 01:40"
    )
