"""`api/shields.json`: the page's status in the shields.io endpoint format, so a README can show
`https://img.shields.io/endpoint?url=<base_url>api/shields.json`.

The words and colour are the status badge's (badge.py): the projection's `page.status`, the
same the banner shows.
"""

from __future__ import annotations

from pathlib import Path

from . import urls
from .api import dumps
from .badge import page_words
from .projection import PublicPage

#: shields.io's smallest cache time for endpoint badges, in seconds.
CACHE_SECONDS = 300


def shields_document(page: PublicPage) -> dict[str, object]:
    """The endpoint document: schemaVersion 1, label, message, colour and cache time."""
    words, colour = page_words(page)
    return {"schemaVersion": 1, "label": "status", "message": words, "color": colour, "cacheSeconds": CACHE_SECONDS}


def render_shields(page: PublicPage, dest: Path) -> None:
    target = dest / urls.SHIELDS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(shields_document(page)), encoding="utf-8")
