"""The public status page: a projection of the site that holds only publishable facts, and the
output formats rendered from it (HTML, feeds, calendar, JSON API, badges)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from ..context import RenderContext
from ..load.cache import frozen_heap, gc_paused
from ..load.lazy import LazyIncidents
from ..model import Incident, Site
from . import reuse
from .compiled import kept_templates
from .formats import FORMATS
from .parallel import overlapping
from .projcache import ProjectionCache, project_cached
from .projection import PublicPage, project
from .reuse import PageCache


def render_public(site: Site, dest: Path, context: RenderContext) -> None:
    """Render every registered public format from the projection into `dest`.

    With a cache folder, formats that can reuse the previous build's unchanged files do so
    (reuse.py); the output is the same bytes either way.
    """
    cache = None
    kept: ProjectionCache | None = None
    incidents: Sequence[Incident] = site.incidents
    if context.cache_dir is not None:
        salt = reuse.key(reuse.code_salt(), (site.settings, site.groups, site.services))
        if isinstance(incidents, LazyIncidents):  # unchanged incidents' views from the last build
            with gc_paused():
                kept = ProjectionCache(context.cache_dir, context.published, salt)
                page = project_cached(site, incidents, context.now, kept)
        else:
            page = projected(site, context.now)
        cache = PageCache(context.cache_dir, context.published, salt)
        cache.prepare(dest)
    else:
        page = projected(site, context.now)
    # With a cache folder, the templates' compiled code too is kept between builds (compiled.py).
    templates = (kept_templates(context.cache_dir, cache.salt) if context.cache_dir is not None and cache is not None
                 else nullcontext())
    # The collector is kept off what exists now (the site and its projection) while rendering,
    # which makes short-lived objects: each full collection walked the whole loaded site again,
    # so the calendars (and any format) grew faster than the number of incidents. Young garbage
    # is still collected. It is load.cache's frozen heap: a `gc_paused()` block inside leaves it
    # frozen (one inside a freeze of this module's own undid it).
    with frozen_heap(), templates, overlapping():  # the HTML pages' workers run while the other formats are made
        for output_format in FORMATS:
            if cache is not None and output_format.render_incremental is not None:
                output_format.render_incremental(page, dest, cache)
            else:
                output_format.render(page, dest)
        if kept is not None:
            # Here, while the HTML pages' workers render, not in the line before them: pickling
            # a cold build's views was 0.17 s of CPU at 5,000 incidents with the other core idle.
            kept.save()
    if cache is not None:
        cache.finish(dest)
        cache.save()


def projected(site: Site, now: datetime) -> PublicPage:
    """`project()` with the cyclic collector paused: everything it makes lives on, and a full
    collection over the loaded site in the middle of it cost 1.1 s at 20,000 incidents."""
    with gc_paused():
        return project(site, now)

