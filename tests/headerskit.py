"""Reading a `_headers` file (Netlify, Cloudflare Pages) the way those hosts do, for tests."""

from __future__ import annotations

import re

Rules = dict[str, list[tuple[str, str]]]


def parse_headers(text: str) -> Rules:
    """A path line, then indented `Name: value` lines; `#` starts a comment line."""
    rules: Rules = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.startswith("/"), line
            assert line.strip() not in rules, f"{line} twice"
            current = rules.setdefault(line.strip(), [])
            continue
        assert current is not None, line
        name, _, value = line.strip().partition(":")
        assert name and value.strip(), line
        current.append((name.strip(), value.strip()))
    return rules


def matches(pattern: str, path: str) -> bool:
    """A rule's pattern against a request path: `*` (a splat) matches any rest of the path."""
    assert "*" not in pattern[:-1], f"{pattern}: Netlify allows a splat only at the end"
    regex = re.escape(pattern[:-1]) + ".*" if pattern.endswith("*") else re.escape(pattern)
    return re.fullmatch(regex, path) is not None


def headers_for(rules: Rules, path: str) -> dict[str, str]:
    """Every header a request for `path` gets, by lower-case name.

    Fails if two matching rules set the same header: Netlify would keep one and Cloudflare Pages
    join both with a comma, so such a file means different things on the two hosts.
    """
    found: dict[str, str] = {}
    for pattern, headers in rules.items():
        if matches(pattern, path):
            for name, value in headers:
                assert name.lower() not in found, f"{path}: {name} set by two rules (second: {pattern})"
                found[name.lower()] = value
    return found


def directives(value: str) -> dict[str, str]:
    """Cache-Control: `public, max-age=60` -> {"public": "", "max-age": "60"}."""
    parts = (part.strip().partition("=") for part in value.split(",") if part.strip())
    return {name.strip(): rest.strip() for name, _, rest in parts}


def policy(value: str) -> dict[str, str]:
    """Content-Security-Policy: `default-src 'self'; …` -> {"default-src": "'self'", …}."""
    parts = (part.strip().partition(" ") for part in value.split(";") if part.strip())
    return {name: rest.strip() for name, _, rest in parts}
