"""The public HTML pages: home, incidents, components, maintenance, history, 404, robots, sitemap.

Templates (generator/templates/public/) receive only the public projection and view data derived
from it (pages/views.py), so they cannot reach an internal field. One Jinja environment is made
once per process, with autoescape on and StrictUndefined so a typo fails the build instead of
printing nothing. Every path comes from urls.py; Markdown goes through markdown.render().
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .. import progress
from ..failures import TEXT, rendering
from . import reuse, urls
from .assets import STATIC, page_assets
from .markdown import render as render_markdown
from .pages import fragments, labels, views
from .parallel import write_pages
from .projection import PublicIncident, PublicMaintenance, PublicPage
from .reuse import PageCache
from .settled import SettledIncident

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "public"

#: Only the site itself: no inline script or style, no third-party host, no framing of forms.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
)


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the public pages."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates are the package's own files: checking each one's modification time on
        # every use (the default) was 8 % of rendering the pages of a large site.
        auto_reload=False,
    )
    env.filters.update(
        markdown=_markdown_filter,
        label=labels.state_label,
        icon=labels.state_icon,
        tone=labels.state_tone,
        word=labels.word,
        iso=labels.iso,
        utc=labels.utc,
        day=labels.day,
        duration=labels.duration,
        percent=labels.percent,
        status_title=labels.status_title,
    )
    env.filters["href"] = _href
    env.globals.update(urls=urls, banner=labels.banner, csp=CSP, views=views)
    env.globals.update(fragments.GLOBALS)  # when, status, pill, incident_tone, incident_items
    return env


@jinja2.pass_context
def _href(context: jinja2.runtime.Context, target: str) -> str:
    """A link from the page being rendered to `target` (a path from urls.py)."""
    here: str | None = context["here"]
    if here is None:  # 404.html is served at any path: link from the site root instead
        return str(context["root"]) + target
    return urls.relative(here, target)


def render_html(page: PublicPage, dest: Path, cache: PageCache | None = None) -> None:
    """Write every HTML page, the static assets, robots.txt and sitemap.xml into `dest`.

    With a `cache` (incremental builds), a page whose key is unchanged is taken from the
    previous build instead of being rendered.
    """
    every = list(jobs(page, cache.salt if cache is not None else b""))
    progress.stage("Rendering public pages", len(every))
    todo: list[Job] = []
    for path, page_key, make in every:
        if cache is not None and page_key is not None and cache.reuse(path, page_key, dest):
            progress.advance()
            continue
        todo.append((path, page_key, make))
    if todo:
        compile_templates()

    def written() -> None:
        if cache is not None:
            for path, page_key, _ in todo:
                cache.written(path, page_key, dest)

    # On every core for a large site; inside parallel.overlapping(), `written` is called once
    # the workers are done, while this process goes on with the other formats.
    write_pages([(path, make) for path, _, make in todo], dest, written)
    for asset in page_assets():
        (dest / asset.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC / asset.source, dest / asset.path)


def compile_templates() -> None:
    """Compile every public template here, before the page workers are forked: each worker
    compiled them again otherwise (0.07-0.18 s of CPU each, on every core), and with a cache
    folder only what this process compiles goes into the kept compiled code (compiled.py), so a
    cold build's file held none of them and the next build compiled them all again."""
    env = environment()
    for name in env.list_templates():
        env.get_template(name)


def pages(page: PublicPage) -> Iterator[tuple[str, str]]:
    """(path, text) of every generated page, in a fixed order."""
    for path, _, make in jobs(page, b""):
        yield path, make()


#: One page to write: its path, its key (None: always rendered) and how to render it.
Job = tuple[str, "bytes | None", Callable[[], str]]


def jobs(page: PublicPage, salt: bytes) -> Iterator[Job]:
    """Every page as a job, in a fixed order.

    A page's key covers exactly what its template reads besides the page-wide settings in the
    salt; pages that show the build time (home, components, open incidents, the 404 page) or
    read many records (sitemap) have none and are always rendered.
    """
    env = environment()
    common: dict[str, Any] = {"page": page, "root": urlsplit(page.base_url).path or "/"}
    site_feeds = _feeds(page.name, urls.FEED_RSS, urls.FEED_ATOM)

    def render(template: str, here: str | None, **context: Any) -> Callable[[], str]:
        def make() -> str:  # the context is completed here: most jobs' pages are reused, not made
            context.setdefault("feeds", site_feeds)
            context.setdefault("calendars", ())
            context.setdefault("updated", page.now)
            blame = _record_of(context)
            with rendering(*blame) if blame else nullcontext():
                return env.get_template(template).render(common, here=here, **context)

        return make

    def render_later(template: str, here: str, name: str, made: Callable[[], Any], **context: Any) -> Callable[[], str]:
        """`render()` of a page (history, year archive) whose view data is made by `made`, only
        when the page is rendered, with its own last change as the page's time."""

        def make() -> str:
            value = made()
            return render(template, here, **{name: value, "updated": value.updated or page.now}, **context)()

        return make

    def render_settled(path: str, incident: SettledIncident) -> Callable[[], str]:
        """The page of a settled incident, from its view read back only if it is rendered."""

        def make() -> str:
            view = page.view(incident)
            return render("incident.html", path, incident=view, updated=view.updated_at)()

        return make

    yield urls.HOME, None, render("home.html", urls.HOME)
    for listed in page.listed:
        path = urls.incident(listed.id)
        if not isinstance(listed, PublicIncident):
            yield path, listed.page_key, render_settled(path, listed)
            continue
        incident = listed
        if incident.is_open:  # "ongoing for" depends on the build time
            yield path, reuse.key(salt, ("incident", incident, page.now)), render("incident.html", path,
                                                                                 incident=incident)
        else:
            yield path, reuse.incident_key(salt, incident), render(
                "incident.html", path, incident=incident, updated=incident.updated_at)
    records = views.component_records(page)
    for component in page.components:
        path = urls.component(component.id)
        feeds = _feeds(
            component.name,
            urls.component_feed(component.id, "rss"),
            urls.component_feed(component.id, "atom"),
        )
        calendar = (("text/calendar", f"{component.name} maintenance calendar (iCalendar)",
                     urls.component_calendar(component.id)),)
        mine = records[component.id]
        yield path, None, render("component.html", path, component=component, records=mine, feeds=feeds,
                                 calendars=calendar)
        for year in mine.archive:  # no build time: reused until its own entries change
            yield year.path, _year_key(salt, year), render_later(
                "component_year.html", year.path, "archive", year.page, feeds=feeds, calendars=calendar)
    for window in page.maintenance:
        path = urls.maintenance(window.id)
        if window.updates:
            yield path, reuse.key(salt, ("maintenance", window)), render(
                "maintenance.html", path, window=window, updated=window.updated_at)
        else:  # nothing posted yet: no time of its own to show
            yield path, reuse.key(salt, ("maintenance", window, page.now)), render("maintenance.html", path,
                                                                                   window=window)
    history_pages = views.history_slices(page)
    for piece in history_pages:
        yield piece.path, _history_key(salt, piece, page.now), render_later(
            "history.html", piece.path, "history", piece.page)
    yield urls.NOT_FOUND, None, render("404.html", None)
    robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(page.base_url, urls.SITEMAP)}\n"
    yield urls.ROBOTS, None, lambda: robots
    yield urls.SITEMAP, None, render("sitemap.xml", urls.SITEMAP, locations=_sitemap(page, history_pages, records))


def _year_key(salt: bytes, year: views.ArchiveYear) -> bytes:
    """The key of a year archive page: its component, its year and the component's years, and
    what it lists of each record (`views.archived`, `views.archived_window`), read from the
    incidents' listed keys."""
    return reuse.key(salt, ("component-year", year.component_id, year.component_name, year.year, year.years,
                            tuple(map(reuse.listed_key, year.incidents)),
                            tuple(map(views.archived_window, year.maintenance))))


def _history_key(salt: bytes, piece: views.HistorySlice, now: datetime) -> bytes:
    """The key of a history page: its number, the number of pages and what it lists of each
    record (`views.history_entry`: incidents by their listed keys); the build time for the empty
    page, which shows it."""
    records = tuple(views.history_entry(item) if isinstance(item, PublicMaintenance) else reuse.listed_key(item)
                    for item in piece.items)
    return reuse.key(salt, ("history", piece.number, piece.count, records, now if not records else None))


def _markdown_filter(text: str) -> Markup:
    """The `markdown` filter: a failure is blamed on the record that holds `text` (pages like
    the home page show many records)."""
    with rendering(TEXT, text):
        return Markup(render_markdown(text))


def _record_of(context: dict[str, Any]) -> tuple[str, str] | None:
    """The record a page shows, to blame a failure on (see failures.py)."""
    for key, kind in (("incident", "incident"), ("window", "maintenance"), ("component", "service")):
        if key in context:
            return kind, context[key].id
    return None


def _feeds(name: str, rss: str, atom: str) -> tuple[tuple[str, str, str], ...]:
    """(MIME type, title, path) of the feeds a page announces in its head."""
    return (
        ("application/rss+xml", f"{name} (RSS)", rss),
        ("application/atom+xml", f"{name} (Atom)", atom),
    )


def _sitemap(
    page: PublicPage, history_pages: tuple[views.HistorySlice, ...], records: dict[str, views.ComponentRecords]
) -> list[str]:
    paths = [urls.HOME]
    paths += [h.path for h in history_pages]
    for component in page.components:
        paths.append(urls.component(component.id))
        paths += [archive.path for archive in records[component.id].archive]
    paths += [urls.incident(i.id) for i in page.listed]
    paths += [urls.maintenance(m.id) for m in page.maintenance]
    return [urls.absolute(page.base_url, p) for p in paths]
