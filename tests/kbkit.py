"""Helpers for the knowledge-base tests: build a KB with real MkDocs and read its HTML."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from tests.sitekit import now


def build_kb(content: Path, out: Path, at: str = "2026-11-28T12:00:00Z", strict: bool = False) -> Path:
    """Validate and build only the knowledge base; returns `out/internal`."""
    request = BuildRequest(
        content=content, out=out, now=now(at), targets=("internal",), strict=strict, progress=lambda _: None
    )
    build(request)
    return out / "internal"


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def article(site: Path, rel: str) -> BeautifulSoup:
    """The page's main content (without navigation and footer)."""
    found = page(site, rel).select_one("article")
    assert found is not None, rel
    return found


def resolve(site: Path, from_rel: str, href: str) -> Path | None:
    """The file an internal href points to, or None for external/other-scheme links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    if not parts.path:
        return site / from_rel
    if parts.path.startswith("/"):  # root-relative (MkDocs' 404 page): the site is served at its root
        target = posixpath.normpath(unquote(parts.path).lstrip("/"))
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), unquote(parts.path)))
    path = site / target
    return path / "index.html" if path.is_dir() else path


def search_docs(site: Path) -> list[dict[str, str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs: list[dict[str, str]] = data["docs"]
    return docs
