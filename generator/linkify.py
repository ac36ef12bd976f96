"""Bare web addresses in sanitised HTML become links, as readers expect from update text.

Runs on HTML that the sanitiser already produced, so the only markup is the allow-list's: text
outside tags is escaped (`<` is `&lt;`, `&` is `&amp;`). Only `http://` and `https://` addresses
are linked, never inside an existing link, `code` or `pre`; an address stops at whitespace,
quotes, `<`, `>` or any character reference other than `&amp;`, and loses trailing punctuation
(and a closing parenthesis it did not open). The caller sanitises the result once more, so the
links get the same `rel` and scheme rules as written ones.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z0-9]+)")
_URL = re.compile(r"\b[Hh][Tt][Tt][Pp][Ss]?://(?:[^\s<>\"'&]|&amp;)+")
_SKIP = frozenset({"a", "code", "pre"})
_TRAILING = ".,;:!?*_~"


def _split_tail(url: str) -> tuple[str, str]:
    """(the address, the punctuation after it that belongs to the sentence)."""
    tail = ""
    while url:
        if url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        elif url.endswith("&amp;"):
            url, tail = url[: -len("&amp;")], "&amp;" + tail
        elif url.endswith(")") and url.count(")") > url.count("("):
            url, tail = url[:-1], ")" + tail
        else:
            break
    return url, tail


def _link(match: re.Match[str]) -> str:
    url, tail = _split_tail(match.group(0))
    if url.lower().rstrip("/") in ("http:", "https:") or url.lower().endswith("://"):
        return match.group(0)
    return f'<a href="{url}">{url}</a>{tail}'


def linkify(html: str) -> str:
    """`html` with each bare http(s) address in its text made a link to itself."""
    parts = _TAG.split(html)
    depth = 0  # inside a, code or pre
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            found = _TAG_NAME.match(part)
            if found and found.group(2).lower() in _SKIP and not part.endswith("/>"):
                depth += -1 if found.group(1) else 1
        elif depth <= 0 and "://" in part:
            parts[index] = _URL.sub(_link, part)
    return "".join(parts)
