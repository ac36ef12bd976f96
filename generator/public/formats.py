"""The registry of public output formats: one row per format, rendered from the projection.

Each format writes its files under the public output folder. Add a format by appending a row;
the HTML pages find the feeds and API files to link through this same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .api import render_api
from .badge import render_badges
from .calendar import render_calendars
from .embed import render_embed
from .feeds import render_feeds
from .headers import render_headers
from .html import render_html
from .projection import PublicPage
from .reuse import PageCache
from .shields import render_shields


@dataclass(frozen=True)
class OutputFormat:
    """A public output format: a name and a function that writes its files into `dest`."""

    name: str
    render: Callable[[PublicPage, Path], None]
    #: The same, reusing unchanged files of the previous build (see reuse.py); None: not incremental.
    render_incremental: Callable[[PublicPage, Path, PageCache], None] | None = None


FORMATS: list[OutputFormat] = []
FORMATS.append(OutputFormat("html", render_html, render_html))
FORMATS.append(OutputFormat("feeds", render_feeds, render_feeds))
FORMATS.append(OutputFormat("calendar", render_calendars, render_calendars))
FORMATS.append(OutputFormat("api", render_api))
FORMATS.append(OutputFormat("badge", render_badges))
FORMATS.append(OutputFormat("shields", render_shields))
FORMATS.append(OutputFormat("embed", render_embed))
FORMATS.append(OutputFormat("headers", render_headers))
