"""Incremental builds of the non-HTML formats: feeds and calendars are keyed by exactly what they
list and reused when that did not change, and the site stays byte-identical to a clean build."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from generator.public import calendar, feeds, urls
from generator.public.projection import PublicPage, project
from tests.sitekit import EXAMPLE, load, make_content, now
from tests.test_incremental import add_update, resolved_incident, run
from tests.test_public_feeds import SUBSCRIPTIONS
from tests.treediff import differences, snapshot

LATER = timedelta(minutes=5)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def feed_files(paths: list[str]) -> set[str]:
    return {p for p in paths if p.startswith("feeds/")}


def calendar_files(paths: list[str]) -> set[str]:
    return {p for p in paths if p.endswith(".ics")}


def rebuild_and_compare(content: Path, tmp_path: Path) -> Path:
    """An incremental rebuild a few minutes later, checked identical to a clean build."""
    public = run(content, tmp_path / "out", tmp_path / "cache", LATER)
    clean = run(content, tmp_path / "clean", None, LATER)
    assert differences(snapshot(public), snapshot(clean)) == []
    return public


def feeds_about(page: PublicPage, component_ids: tuple[str, ...]) -> set[str]:
    """Every feed file that may list an update of a record on `component_ids`."""
    paths = {urls.FEED_RSS, urls.FEED_ATOM}
    for group in page.groups:
        if set(group.component_ids) & set(component_ids):
            paths |= {urls.group_feed(group.id, kind) for kind in ("rss", "atom")}
    for component_id in component_ids:
        paths |= {urls.component_feed(component_id, kind) for kind in ("rss", "atom")}
    return paths


def test_changed_incident_rerenders_only_its_feeds_and_no_calendar(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    run(example, tmp_path / "out", tmp_path / "cache")
    every_feed, every_calendar = feed_files(rendered), calendar_files(rendered)
    first = project(load(example).site, now())
    assert every_calendar and len(every_feed) == 2 * (1 + len(first.groups) + len(first.components))
    path, incident_id = resolved_incident(example)
    add_update(path)
    rendered.clear()
    rebuild_and_compare(example, tmp_path)

    page = project(load(example).site, now() + LATER)
    incident = next(i for i in page.incidents if i.id == incident_id)
    assert calendar_files(rendered) == set()  # calendars show maintenance only
    assert urls.FEED_ATOM in feed_files(rendered)  # the new update is among the newest
    assert feed_files(rendered) <= feeds_about(page, incident.component_ids)
    assert len(feed_files(rendered)) < len(every_feed)


def test_changed_maintenance_rerenders_only_its_calendars(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    run(example, tmp_path / "out", tmp_path / "cache")
    every_calendar = calendar_files(rendered)
    path = example / "maintenance" / "2026-10-14-event-bus-upgrade.yaml"
    text = path.read_text()
    assert "delayed by at most four minutes" in text
    path.write_text(text.replace("delayed by at most four minutes", "delayed by at most five minutes"))
    rendered.clear()
    rebuild_and_compare(example, tmp_path)

    expected = {urls.CALENDAR, urls.component_calendar("orders"), urls.component_calendar("notifications")}
    assert calendar_files(rendered) == expected
    assert expected < every_calendar
    page = project(load(example).site, now() + LATER)
    assert feed_files(rendered) <= feeds_about(page, ("orders", "notifications"))


def test_nothing_changed_reuses_every_feed_and_calendar(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    run(example, tmp_path / "out", tmp_path / "cache")
    rendered.clear()
    public = run(example, tmp_path / "out", tmp_path / "cache", LATER)
    assert feed_files(rendered) == set() and calendar_files(rendered) == set()
    assert differences(snapshot(public), snapshot(run(example, tmp_path / "clean", None, LATER))) == []


OLD_INCIDENT = """\
    id: INC-0
    title: API slow long ago
    type: external
    severity: minor
    started_at: 2026-10-01T08:00:00Z
    resolved_at: 2026-10-01T09:00:00Z
    impact:
      - component: api
        level: degraded_performance
    updates:
      - at: 2026-10-01T08:10:00Z
        status: investigating
        body: Slow.
      - at: 2026-10-01T09:00:00Z
        status: resolved
        body: Fixed.
    """


def test_feeds_are_keyed_by_their_items_only(tmp_path: Path, rendered: list[str]) -> None:
    """An edit to an incident older than a feed's newest `feed_items` updates leaves it alone."""
    site = "name: Acme\nbase_url: https://status.acme.example/\nfeed_items: 3\n"
    content = make_content(tmp_path / "content", {**SUBSCRIPTIONS, "site.yaml": site,
                                                  "incidents/old.yaml": OLD_INCIDENT})
    run(content, tmp_path / "out", tmp_path / "cache")
    rendered.clear()
    old = content / "incidents" / "old.yaml"
    old.write_text(old.read_text().replace("body: Fixed.", "body: Fixed for good."))
    rebuild_and_compare(content, tmp_path)
    assert urls.incident("INC-0") in rendered
    assert feed_files(rendered) == set()


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 7, 50])
def test_newest_items_match_sorting_every_update(limit: int) -> None:
    """The early-stopping selection gives exactly the newest `limit` of every update."""
    page = dataclasses.replace(project(load(EXAMPLE).site, now()), feed_items=limit)
    about: dict[str, set[str] | None] = {urls.FEED_RSS: None}
    about |= {urls.group_feed(g.id, "rss"): set(g.component_ids) for g in page.groups}
    about |= {urls.component_feed(c.id, "rss"): {c.id} for c in page.components}
    everything = feeds.all_items(page)
    made = feeds.feeds(page)
    assert [f.rss_path for f in made] == list(about)
    for feed in made:
        wanted = about[feed.rss_path]
        expected = [i for i in everything if wanted is None or wanted & set(i.component_ids)][:limit]
        assert feed.items == tuple(expected), feed.rss_path


def test_spliced_calendar_is_the_serialised_calendar() -> None:
    page = project(load(EXAMPLE).site, now())
    assert page.maintenance
    for _path, title, windows in calendar.calendar_files(page):
        events = [calendar.event(page, w).to_ical() for w in windows]
        assert calendar.calendar_bytes(page, title, events) == calendar.calendar(page, title, windows).to_ical()


def test_another_feedgen_or_icalendar_version_renders_them_again(
    example: Path, tmp_path: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page salt covers the HTML libraries only: feed and calendar keys add their own."""
    run(example, tmp_path / "out", tmp_path / "cache")
    first = feed_files(rendered) | calendar_files(rendered)
    rendered.clear()
    newer = lambda names: tuple(f"{name}=99" for name in names)  # noqa: E731
    monkeypatch.setattr(feeds, "versions", newer)
    monkeypatch.setattr(calendar, "versions", newer)
    rebuild_and_compare(example, tmp_path)
    assert feed_files(rendered) | calendar_files(rendered) == first
