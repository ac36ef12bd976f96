"""Markdown written by people, rendered and then sanitised before it reaches a public page.

Rendering uses Python-Markdown; sanitising uses nh3 (the Rust `ammonia` sanitiser), which keeps a
short allow-list of tags and attributes and drops every script, style, event handler, iframe and
`javascript:`/`data:` URL. Results are memoised: the same text is rendered once per process
even though a page, several feeds and the API all show it.
"""

from __future__ import annotations

import html as html_lib
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "a", "blockquote", "hr", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@lru_cache(maxsize=65536)
def render(text: str) -> str:
    """Sanitised HTML for Markdown `text`. Raw HTML in the input passes the allow-list or goes."""
    html = markdown_lib.markdown(text, extensions=[], output_format="html")
    return sanitise(html)


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """The text of the Markdown without any markup (not HTML-escaped), for JSON and feed titles."""
    return html_lib.unescape(nh3.clean(markdown_lib.markdown(text), tags=set())).strip()
