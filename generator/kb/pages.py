"""The page registry: every page of the knowledge base and where it sits in the navigation.

Two kinds of producers:

* `Page(path, title, section, produce, order)` — one navigation page. `produce(site, now)`
  returns its Markdown. Pages sharing a `section` title form one navigation section (the page
  whose path ends in `index.md` becomes the section's index page); `section=""` puts the page at
  the top level. `order` sorts the navigation (Home 0, Incidents 10, Reviews 20, Runbooks 30,
  Services 40, Follow-ups 50, Metrics 60, Severity 70, Tags 80).
* `Documents(produce)` — any number of files kept OUT of the navigation (one page per incident,
  review, runbook, service; images). `produce(site, now)` yields `Output(path, content)`, with
  content as `str` (Markdown) or `bytes` (assets such as charts). Search, tags and the index
  pages reach them; keeping them out of the navigation keeps the build linear in the number of
  incidents (Material renders the whole navigation into every page).

Other modules add pages by calling `register()` at import time. Modules named in
`PLUGIN_MODULES` are imported when present, so the metrics pages plug in by existing::

    # generator/kb/metrics_pages.py
    from .pages import Documents, Output, Page, register

    register(Page("metrics/index.md", "Metrics", "Metrics", produce_metrics, order=60))
    register(Documents(produce_charts))   # yields Output("metrics/ttr.svg", svg_bytes), ...

Paths are POSIX, relative to the docs folder; link between pages with `md.link()`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..model import Site

#: Optional modules that register pages when imported.
PLUGIN_MODULES = ("generator.kb.metrics_pages",)


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the docs tree."""

    path: str
    content: str | bytes


@dataclass(frozen=True, slots=True)
class Page:
    """A page listed in the navigation."""

    path: str
    title: str
    section: str
    produce: Callable[[Site, datetime], str]
    order: int = 100


@dataclass(frozen=True, slots=True)
class Documents:
    """Files outside the navigation (per-record pages, assets)."""

    produce: Callable[[Site, datetime], Iterable[Output]]


_PAGES: dict[str, Page] = {}
_DOCUMENTS: list[Documents] = []


def register(entry: Page | Documents) -> None:
    """Add a page (replacing one registered at the same path) or a documents producer."""
    if isinstance(entry, Page):
        _PAGES[entry.path] = entry
    elif entry not in _DOCUMENTS:
        _DOCUMENTS.append(entry)


def registered() -> tuple[list[Page], list[Documents]]:
    """Every page and documents producer, after importing the built-in and plugin modules."""
    from . import followups, guides, incidents, reviews, runbooks, services  # noqa: F401  (register on import)

    for name in PLUGIN_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return sorted(_PAGES.values(), key=lambda p: (p.order, p.path)), list(_DOCUMENTS)


def produce_all(site: Site, now: datetime) -> list[Output]:
    """Every file of the docs tree, sorted by path; two producers writing one path is a bug."""
    pages, documents = registered()
    outputs = [Output(page.path, page.produce(site, now)) for page in pages]
    for producer in documents:
        outputs.extend(producer.produce(site, now))
    seen: set[str] = set()
    for output in outputs:
        if output.path in seen:
            raise ValueError(f"two knowledge-base producers write {output.path}")
        seen.add(output.path)
    return sorted(outputs, key=lambda o: o.path)


def navigation() -> list[Any]:
    """The MkDocs `nav`: top-level pages and sections of registered pages, in `order`."""
    pages, _ = registered()
    nav: list[Any] = []
    sections: dict[str, list[Any]] = {}
    for page in pages:
        if not page.section:
            nav.append({page.title: page.path})
            continue
        if page.section not in sections:
            sections[page.section] = []
            nav.append({page.section: sections[page.section]})
        entry: Any = page.path if page.path.endswith("index.md") else {page.title: page.path}
        sections[page.section].append(entry)
    return nav
