"""Incremental public builds: after one incident changes, only the pages that depend on it are
rendered again, and the site is byte-identical to a clean build."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.public import urls
from generator.public.pages import views
from generator.public.projection import project
from tests.sitekit import EXAMPLE, load, now
from tests.treediff import differences, snapshot

#: An update appended to a resolved incident (after its resolution, still before NOW).
EXTRA = '  - at: 2026-11-27T10:00:00Z\n    status: resolved\n    body: "Incremental: one more note."\n'


def run(content: Path, out: Path, cache: Path | None, when: timedelta = timedelta()) -> Path:
    build(BuildRequest(content=content, out=out, now=now() + when, targets=("public",),
                       progress=lambda _: None, cache_dir=cache))
    return out / "public"


def resolved_incident(content: Path) -> tuple[Path, str]:
    """A resolved incident file of the example and its id."""
    page = project(load(content).site, now())
    incident = next(i for i in page.incidents if not i.is_open and i.resolved_at
                    and i.resolved_at < now() - timedelta(days=2) and i.updates)
    for path in sorted((content / "incidents").glob("*.yaml")):
        if f"id: {incident.id}\n" in path.read_text():
            return path, incident.id
    raise AssertionError(incident.id)


def add_update(path: Path) -> None:
    head, sep, tail = path.read_text().partition("\nupdates:\n")
    assert sep, path
    path.write_text(head + sep + EXTRA + tail)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def test_one_changed_incident_rerenders_only_its_dependents(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    cache = tmp_path / "cache"
    run(example, tmp_path / "out", cache)
    first = list(rendered)
    assert urls.incident(resolved_incident(example)[1]) in first
    path, incident_id = resolved_incident(example)
    add_update(path)
    rendered.clear()
    public = run(example, tmp_path / "out", cache, timedelta(minutes=5))
    clean = run(example, tmp_path / "clean", None, timedelta(minutes=5))
    assert differences(snapshot(public), snapshot(clean)) == []

    page = project(load(example).site, now() + timedelta(minutes=5))
    history = [h.path for h in views.history_pages(page)
               if any(e.id == incident_id for m in h.months for e in m.entries)]
    expected = {urls.HOME, urls.NOT_FOUND, urls.ROBOTS, urls.SITEMAP, urls.incident(incident_id), *history}
    expected |= {urls.component(c.id) for c in page.components}
    expected |= {urls.incident(i.id) for i in page.incidents if i.is_open}
    expected |= {urls.maintenance(m.id) for m in page.maintenance if not m.updates}
    expected |= {a.path for r in views.component_records(page).values() for a in r.archive
                 if any(i.id == incident_id for i in a.incidents)}  # its year, on each of its components
    pages = {p for p in rendered if not p.startswith(("feeds/", "calendars/")) and p != urls.CALENDAR}
    assert pages == expected  # feeds and calendars: tests/test_incremental_formats.py
    assert len(first) > len(rendered) + 20  # the example has many more pages than that


def test_nothing_changed_same_now_reuses_every_keyed_page(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    cache = tmp_path / "cache"
    run(example, tmp_path / "out", cache)
    rendered.clear()
    public = run(example, tmp_path / "out", cache)
    assert not any(p.startswith(("incidents/", "maintenance/", "history/")) and p.endswith(".html")
                   and p in rendered for p in rendered
                   if p not in {urls.incident(i.id) for i in project(load(example).site, now()).incidents
                                if i.is_open})
    assert differences(snapshot(public), snapshot(run(example, tmp_path / "clean", None))) == []


@pytest.mark.parametrize("edit", ["site.yaml", "services.yaml", "template"])
def test_settings_services_or_templates_invalidate_everything(
    example: Path, tmp_path: Path, rendered: list[str], edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    run(example, tmp_path / "out", cache)
    first = set(rendered)
    if edit == "template":
        import generator.public.reuse as reuse

        original = reuse.code_salt
        monkeypatch.setattr(reuse, "code_salt", lambda: original() + b"changed template")
    elif edit == "services.yaml":
        with open(example / edit, "a") as handle:
            handle.write("\n# edited\n")
    else:
        text = (example / edit).read_text()
        assert "\nname: " in text
        (example / edit).write_text(text.replace("\nname: ", "\nname: Edited ", 1))
    rendered.clear()
    public = run(example, tmp_path / "out", cache)
    if edit == "services.yaml":  # a comment changes no record: everything may be reused
        assert set(rendered) < first
    else:
        assert set(rendered) == first
    assert differences(snapshot(public), snapshot(run(example, tmp_path / "clean", None))) == []


def test_service_rename_invalidates_every_page(example: Path, tmp_path: Path, rendered: list[str]) -> None:
    cache = tmp_path / "cache"
    run(example, tmp_path / "out", cache)
    first = set(rendered)
    text = (example / "services.yaml").read_text()
    name = next(line.split("name:", 1)[1].strip() for line in text.splitlines() if "name:" in line)
    (example / "services.yaml").write_text(text.replace(f"name: {name}", f"name: {name} Renamed", 1))
    rendered.clear()
    public = run(example, tmp_path / "out", cache)
    assert set(rendered) == first
    assert differences(snapshot(public), snapshot(run(example, tmp_path / "clean", None))) == []


def test_published_page_edited_by_hand_is_rendered_again(
    example: Path, tmp_path: Path, rendered: list[str]
) -> None:
    cache = tmp_path / "cache"
    public = run(example, tmp_path / "out", cache)
    _, incident_id = resolved_incident(example)
    page = public / urls.incident(incident_id)
    page.write_text(page.read_text() + "<!-- defaced -->")
    rendered.clear()
    public = run(example, tmp_path / "out", cache)
    assert urls.incident(incident_id) in rendered
    assert "defaced" not in (public / urls.incident(incident_id)).read_text()


def test_footer_shows_the_pages_own_last_change(example: Path, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    public = run(example, tmp_path / "out", None)
    site = project(load(example).site, now())
    resolved = next(i for i in site.incidents if not i.is_open)
    soup = BeautifulSoup((public / urls.incident(resolved.id)).read_text(), "html.parser")
    stamp = soup.select_one("footer p.updated time")
    assert stamp is not None and stamp["datetime"] == resolved.updated_at.isoformat().replace("+00:00", "Z")
    home = BeautifulSoup((public / urls.HOME).read_text(), "html.parser").select_one("footer p.updated time")
    assert home is not None and home["datetime"] == "2026-11-28T12:00:00Z"


def _variants(value: object) -> list[object]:
    """`value` changed in one place each, down to every field of every nested dataclass."""
    import dataclasses
    import enum
    from datetime import date as date_type
    from datetime import datetime as datetime_type

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found: list[object] = []
        for field in dataclasses.fields(value):
            if field.compare:
                for changed in _variants(getattr(value, field.name)):
                    found.append(dataclasses.replace(value, **{field.name: changed}))  # type: ignore[type-var]
        return found
    if isinstance(value, enum.Enum):
        return [next(m for m in type(value) if m is not value)]
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, str):
        return [value + "x", value.upper() if value != value.upper() else value.lower() + "y"]
    if isinstance(value, (int, float)):
        return [value + 1]
    if isinstance(value, datetime_type):
        return [value + timedelta(microseconds=1)]
    if isinstance(value, date_type):
        return [value + timedelta(days=1)]
    if isinstance(value, tuple):
        found = [value[:-1]] if value else [("x",)]
        if value:
            found += [value[:-1] + (changed,) for changed in _variants(value[-1])]
        return found
    return []


def test_page_keys_change_with_every_field_a_page_shows(example: Path) -> None:
    """Keys are a fast encoding, not repr(): it must still cover every field, nested ones too."""
    from generator.public.reuse import key

    page = project(load(example).site, now())
    closed = next(i for i in page.incidents if i.resolved_at and i.summary and len(i.updates) > 1)
    window = next(m for m in page.maintenance if m.updates)
    archive = next(a for r in views.component_records(page).values() for a in r.archive if a.maintenance)
    samples: list[object] = [closed, window, views.history_pages(page)[0], archive]
    for sample in samples:
        base = key(b"salt", ("page", sample))
        variants = _variants(sample)
        assert len(variants) > 5, sample
        for variant in variants:
            assert variant != sample
            assert key(b"salt", ("page", variant)) != base, variant
        assert key(b"salt", ("page", sample)) == base
    assert key(b"salt", ("page", closed)) != key(b"other", ("page", closed))
