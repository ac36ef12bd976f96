"""The public site's static files, published under names that carry a hash of their bytes.

A fingerprinted file (`assets/style.<hash>.css`) never changes under its name, so CDNs and
browsers may keep it for a year (`immutable`, see headers.py), and a new stylesheet reaches
readers with the first page that names it, not when a cache expires. Files other sites link to
by a fixed address (the embed script) keep their name and are cached briefly instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "public"
#: Hex digits of the SHA-256 of the bytes in a fingerprinted name.
FINGERPRINT_LENGTH = 10
#: The folder of fingerprinted files: everything in it is immutable.
ASSETS = "assets/"


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file: its name in `generator/static/public/` and its path on the site."""

    source: str
    path: str


def fingerprinted(name: str, data: bytes) -> str:
    """`assets/style.<first hex digits of SHA-256>.css` for `style.css` holding `data`."""
    stem, _, extension = name.rpartition(".")
    return f"{ASSETS}{stem}.{hashlib.sha256(data).hexdigest()[:FINGERPRINT_LENGTH]}.{extension}"


@cache
def published(name: str) -> str:
    """Where the static file `name` is published, fingerprinted."""
    return fingerprinted(name, (STATIC / name).read_bytes())


def page_assets() -> tuple[Asset, ...]:
    """The stylesheet and script of the HTML pages, fingerprinted."""
    return tuple(Asset(name, published(name)) for name in ("style.css", "localtime.js"))
