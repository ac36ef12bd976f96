"""The kinds of knowledge-base page producers; the table of them is `registry.py`.

* `Page(path, title, section, produce, order)` — one navigation page. `produce(site, now)`
  returns its Markdown. Pages sharing a `section` title form one navigation section (the page
  whose path ends in `index.md` becomes the section's index page); `section=""` puts the page at
  the top level. `order` sorts the navigation (Home 0, Incidents 10, Reviews 20, Runbooks 30,
  Services 40, Follow-ups 50, Metrics 60, Severity 70, Tags 80).
* `Documents(produce)` — any number of files kept OUT of the navigation (one page per incident,
  review, runbook, service; images). `produce(site, now)` yields `Output(path, content)`, with
  content as `str` (Markdown) or `bytes` (assets such as charts), or `Keyed(path, inputs, make)`
  for a page made only when `inputs` (everything `make` reads) changed since the last build.
  Search, tags and the index pages reach them; keeping them out of the navigation keeps the
  build linear in the number of incidents (Material renders the whole navigation into every page).
  `Documents(produce, overview=True)` — files made from the whole site (the service pages, the
  metrics files), kept with the navigation pages while the site's summary is unchanged.
* `by_day=True` on a `Page` or an overview `Documents`: it reads of the build time (`now`) only
  its day and which review deadlines have passed (overview.clock_view), so a rebuild with the
  clock moved on keeps it. Leave it False for anything that shows the time or a figure that
  moves with it (availability, durations "so far", the metrics period): such files are made
  again whenever `now` changes.

Every producer is given the summarised site (summary.py): an incident's or a review's own page
takes its whole record with `summary.whole`.

Page modules import only this module (never the registry), so the registry can import them all.
Paths are POSIX, relative to the docs folder; link between pages with `md.link()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..model import Site


@dataclass(frozen=True, slots=True)
class Kept:
    """A file the last build made from the same inputs, still in the kept docs tree as it was
    written (page_cache.KbCache.get): not read again; MkDocs reads it only to render it."""

    sha256: str  # of its bytes, which is also its Markdown's key (mkdocs_run.markdown_key)


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the docs tree."""

    path: str
    content: str | bytes | Kept


@dataclass(frozen=True, slots=True)
class Keyed:
    """One file of the docs tree, made by `make` only when `inputs` differ from the last build's:
    `inputs` must hold every value `make` reads (records, derived values, `now` if it shows it)."""

    path: str
    inputs: tuple[Any, ...]
    make: Callable[[], str | bytes]
    #: Much slower to make than a page (a chart): made first, so a worker does not end last; in
    #: a rebuild, in a process of its own while the rest is made (registry.produce_all), so
    #: `make` must not read incident records (a lazily loaded site reads them through one file).
    slow: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """A page listed in the navigation."""

    path: str
    title: str
    section: str
    produce: Callable[[Site, datetime], str]
    order: int = 100
    #: Reads of `now` only its day and which review deadlines passed (overview.DAY).
    by_day: bool = False


@dataclass(frozen=True, slots=True)
class Documents:
    """Files outside the navigation (per-record pages, assets)."""

    produce: Callable[[Site, datetime], Iterable[Output | Keyed]]
    #: Made from the whole (summarised) site, like the navigation pages: kept with them while
    #: the site's summary and the build time are unchanged (overview.py).
    overview: bool = False
    #: An overview producer that reads of `now` only its day and which review deadlines passed.
    by_day: bool = False
