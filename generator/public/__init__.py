"""The public status page: a projection of the site that holds only publishable facts, and the
output formats rendered from it (HTML, feeds, calendar, JSON API, badges)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Site
from .formats import FORMATS
from .projection import project

if TYPE_CHECKING:
    from ..build import BuildRequest


def render_public(site: Site, now: datetime, dest: Path, request: BuildRequest) -> None:
    """Render every registered public format from the projection into `dest`."""
    page = project(site, now)
    for output_format in FORMATS:
        output_format.render(page, dest)
