"""History and year archive pages keyed by what they list of each record (html.py, reuse.listed_key):
whenever such a page would come out different, its key differs; and a rebuild takes the listed
keys of unchanged incidents from the kept views (projcache.py) instead of making them again."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from generator.load import cache as cache_module
from generator.public import html, reuse
from generator.public.projection import PublicIncident, PublicPage, project
from tests.sitekit import EXAMPLE, load, now
from tests.test_incremental import _variants, add_update, resolved_incident, run
from tests.treediff import differences, snapshot


def listing_pages(page: PublicPage) -> dict[str, tuple[bytes, html.Job]]:
    """The history and year archive pages of `page`: path -> (key, job)."""
    found = {}
    for job in html.jobs(page, b"salt"):
        path, page_key, _ = job
        if path.startswith("history/") or "/components/" in f"/{path}" and path.count("/") > 1:
            assert page_key is not None, path
            found[path] = (page_key, job)
    return found


def changed_pages(page: PublicPage, other: PublicPage) -> tuple[int, list[str]]:
    """(how many listing pages of `other` differ from `page`'s, the paths whose page differs
    but whose key is the same)."""
    before, after = listing_pages(page), listing_pages(other)
    differing, same_key = 0, []
    for path, (page_key, job) in after.items():
        if path not in before:
            continue
        old_key, old_job = before[path]
        if old_job[2]() != job[2]():
            differing += 1
            if old_key == page_key:
                same_key.append(path)
    return differing, same_key


def test_a_history_or_year_page_that_changes_has_another_key() -> None:
    page = project(load(EXAMPLE).site, now())
    listed = [i for i in page.incidents if i.impacts and i.resolved_at is not None][:3]
    assert listed, "the example has resolved incidents on components"
    differing = 0
    for incident in listed:
        at = page.incidents.index(incident)
        for variant in _variants(incident):
            assert isinstance(variant, PublicIncident)
            other = dataclasses.replace(page, incidents=page.incidents[:at] + (variant,) + page.incidents[at + 1:])
            count, same_key = changed_pages(page, other)
            assert same_key == [], (variant, same_key)
            differing += count
    assert differing > 20, "titles, times, statuses and impacts change history and archive pages"


def test_a_maintenance_window_that_changes_a_listing_page_changes_its_key() -> None:
    page = project(load(EXAMPLE).site, now())
    windows = [m for m in page.maintenance if m.component_ids and m.updates][:2]
    assert windows
    differing = 0
    for window in windows:
        at = page.maintenance.index(window)
        for variant in _variants(window):
            other = dataclasses.replace(page, maintenance=page.maintenance[:at] + (variant,) + page.maintenance[at + 1:])
            count, same_key = changed_pages(page, other)
            assert same_key == [], (variant, same_key)
            differing += count
    assert differing > 5


def test_a_rebuild_makes_the_listed_key_of_the_changed_incident_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    cache = tmp_path / "cache"
    run(content, tmp_path / "out", cache)
    made: list[str] = []
    real = reuse.listed

    def spy(incident: PublicIncident) -> tuple[object, ...]:
        made.append(incident.id)
        return real(incident)

    monkeypatch.setattr(reuse, "listed", spy)
    path, incident_id = resolved_incident(content)
    add_update(path)
    site = run(content, tmp_path / "out", cache, timedelta(minutes=5))
    assert made == [incident_id]
    made.clear()
    assert not differences(snapshot(site), snapshot(run(content, tmp_path / "clean", None, timedelta(minutes=5))))
    assert len(made) > 20, "a build without the cache makes every listed key"
