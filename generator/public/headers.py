"""`_headers`: HTTP security headers for hosts that read one (Netlify, Cloudflare Pages).

The pages carry the same Content-Security-Policy in a meta tag, but a meta policy cannot forbid
framing (`frame-ancestors` is ignored there) and cannot set the other headers, so hosts that
honour this file get the stronger, header-delivered version. The file is static text: it holds
nothing from the content.
"""

from __future__ import annotations

from pathlib import Path

from . import urls
from .html import CSP
from .projection import PublicPage

#: Header name -> value, for every path of the site.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", f"{CSP}; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)

#: Extra headers for the JSON API, so dashboards on other origins may poll it from a browser.
API_HEADERS: tuple[tuple[str, str], ...] = (("Access-Control-Allow-Origin", "*"),)


def headers_text() -> str:
    """The `_headers` file: a path pattern line, then its headers indented by two spaces."""
    lines = ["# Security headers for Netlify / Cloudflare Pages; written by Statuspress.", "/*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    lines += [f"/{urls.API_ROOT}*"]
    lines += [f"  {name}: {value}" for name, value in API_HEADERS]
    return "\n".join(lines) + "\n"


def render_headers(page: PublicPage, dest: Path) -> None:
    """Write `_headers` at the root of the public site."""
    (dest / urls.HEADERS).write_text(headers_text(), encoding="utf-8", newline="\n")
