"""What a site's own URL (`base_url`, `kb_url`) may look like: a plain absolute http(s) URL.

The URL is pasted into robots.txt, the sitemap, feeds, the calendar and every page, mostly as
is. A line break in it adds lines to robots.txt (`Disallow: /`) and breaks the calendar, and a
path starting with `//` makes links relative to the scheme: `https://x.example//evil.example/`
has the 404 page load a script from `//evil.example`. So only a strict form passes.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

EXAMPLE = "https://status.example.com/"

_BLANK_OR_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]|\s")
_NETLOC = re.compile(r"(?P<host>\[[^\]]*\]|[^:\[\]]*)(?::(?P<port>.*))?")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")


def url_problem(url: str) -> str | None:
    """Why `url` is not a plain absolute http(s) URL, or None when it is one."""
    bad = _BLANK_OR_CONTROL.search(url)
    if bad is not None:
        return f"contains whitespace or a control character (U+{ord(bad.group()):04X})"
    generic = f"expected an absolute http(s) URL like {EXAMPLE}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return generic
    if parts.scheme.lower() not in ("http", "https") or not url[len(parts.scheme) :].startswith("://"):
        return generic
    if not parts.netloc:
        return generic
    if "@" in parts.netloc:
        return "has user information ('@')"
    if "?" in url or "#" in url:
        return "has a query or a fragment"
    return _netloc_problem(parts.netloc) or _path_problem(parts.path)


def _netloc_problem(netloc: str) -> str | None:
    match = _NETLOC.fullmatch(netloc)
    host = match["host"] if match else netloc
    if not host or not _is_host(host):
        return f"{host!r} is not a host name (ASCII letters, digits, '-' and '.'; IDNs in punycode)"
    port = match["port"] if match else None
    if port is not None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        return f"port {port} is out of range (1 to 65535)"
    return None


def _is_host(host: str) -> bool:
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    return _HOST_NAME.fullmatch(host) is not None


def _path_problem(path: str) -> str | None:
    if "//" in path:
        return "the path has an empty segment ('//')"
    segments = [s for s in path.split("/")[1:] if s]
    if any(s in (".", "..") for s in segments):
        return "the path has a '.' or '..' segment"
    if any(_SEGMENT.fullmatch(s) is None for s in segments):
        return "the path may hold only ASCII letters, digits, '-', '.', '_', '~', '%XX' and '/' (percent-encode others)"
    return None
