"""The public status page: a projection of the site that holds only publishable facts, and the
output formats rendered from it (HTML, feeds, calendar, JSON API, badges)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Site
from . import reuse
from .formats import FORMATS
from .projection import project
from .reuse import PageCache

if TYPE_CHECKING:
    from ..build import BuildRequest


def render_public(site: Site, now: datetime, dest: Path, request: BuildRequest) -> None:
    """Render every registered public format from the projection into `dest`.

    With a cache folder, formats that can reuse the previous build's unchanged files do so
    (reuse.py); the output is the same bytes either way.
    """
    page = project(site, now)
    cache = None
    if request.cache_dir is not None:
        salt = reuse.key(reuse.code_salt(), (site.settings, site.groups, site.services))
        cache = PageCache(request.cache_dir, request.out / "public", salt)
    for output_format in FORMATS:
        if cache is not None and output_format.render_incremental is not None:
            output_format.render_incremental(page, dest, cache)
        else:
            output_format.render(page, dest)
    if cache is not None:
        cache.save()
