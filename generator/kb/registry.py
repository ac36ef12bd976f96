"""The registry of knowledge-base pages: one row per page or producer, like the public
formats' table (`public/formats.py`). Add a page by appending a row::

    PAGES.append(Page("extra/index.md", "Extra", "Extra", produce_extra, order=65))
    DOCUMENTS.append(Documents(produce_images))   # yields Output("extra/chart.svg", svg_bytes), ...

The navigation, the home page's list of sections and the docs tree are all made from these two
lists (see pages.py for what a row means).
"""

from __future__ import annotations

import functools
import hashlib
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..model import Site
from ..public.digest import serialise
from ..workers import run_all
from . import followups, guides, incidents, metrics_pages, paths, reviews, rows, runbooks, services
from .pages import Documents, Kept, Keyed, Output, Page


class Made(Protocol):
    """Files made by earlier builds, by path and key (`get`); every file made is `put` back."""

    def get(self, path: str, key: bytes) -> Kept | None: ...

    def put(self, path: str, key: bytes, content: str | bytes | Kept) -> None: ...


def _code_salt() -> bytes:
    """What shapes a keyed page besides its inputs: the page code, the model and derive/."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for pattern in ("kb/*.py", "derive/**/*.py", "model.py", "public/digest.py"):
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


_SALT = _code_salt()


def _home(site: Site, now: datetime) -> str:
    return guides.home(site, now, [(p.title, p.path) for p in pages() if p.path != paths.HOME])


PAGES: list[Page] = [
    Page(paths.HOME, "Home", "", _home, order=0),
    Page(paths.INCIDENTS, "Incidents", "Incidents", incidents.incidents_index, order=10),
    Page(paths.REVIEWS, "Post-incident reviews", "Reviews", reviews.reviews_index, order=20),
    Page(paths.RUNBOOKS, "Runbooks", "Runbooks", runbooks.runbooks_index, order=30),
    Page(paths.ALERTS, "Alert index", "Runbooks", runbooks.alert_index, order=31),
    Page(paths.SERVICES, "Services", "Services", services.catalogue, order=40),
    Page(paths.FOLLOWUPS, "Follow-up tracker", "Follow-ups", followups.tracker, order=50),
    Page(metrics_pages.FOLLOWUP_FIGURES, "Follow-up figures", "Follow-ups", metrics_pages.followup_page, order=51),
    Page(metrics_pages.METRICS, "Metrics", "Metrics", metrics_pages.metrics_page, order=60),
    Page(metrics_pages.RELIABILITY, "Reliability per service", "Metrics", metrics_pages.reliability_page, order=61),
    Page(paths.SEVERITY, "Severity guidelines", "", guides.severity, order=70),
    Page(paths.TAGS, "Tags", "", guides.tags, order=80),
]

DOCUMENTS: list[Documents] = [
    Documents(incidents.incident_pages),
    Documents(reviews.review_pages),
    Documents(runbooks.runbook_pages),
    Documents(services.service_pages),
    Documents(metrics_pages.files),
]


def pages() -> list[Page]:
    """The navigation pages in navigation order (a later row at the same path replaces one)."""
    by_path = {page.path: page for page in PAGES}
    return sorted(by_path.values(), key=lambda p: (p.order, p.path))


def produce_all(site: Site, now: datetime, made: Made | None = None) -> list[Output]:
    """Every file of the docs tree, sorted by path; two producers writing one path is a bug.
    A `Keyed` file whose inputs are unchanged comes from `made` instead of being made again;
    the others, and the navigation pages, are made on every core when there are many (a cold
    build). The producers run here first, so what they share (the index of the site, the
    metrics report) is made once, before the workers are forked."""
    outputs: list[Output | None] = []
    todo: list[tuple[int, Keyed, bytes | None]] = []  # (index in outputs, entry, key)
    for page in pages():  # made with the keyed files, on every core on a cold build
        todo.append((len(outputs), Keyed(page.path, (), functools.partial(page.produce, site, now)), None))
        outputs.append(None)
    for producer in DOCUMENTS:
        for entry in producer.produce(site, now):
            if isinstance(entry, Output):
                outputs.append(entry)
                continue
            key = hashlib.sha256(_SALT + serialise(entry.inputs)).digest() if made is not None else None
            kept = made.get(entry.path, key) if made is not None and key is not None else None
            if kept is not None:
                assert made is not None and key is not None
                made.put(entry.path, key, kept)
                outputs.append(Output(entry.path, kept))
                continue
            todo.append((len(outputs), entry, key))
            outputs.append(None)
    todo.sort(key=lambda task: not task[1].slow)  # stable: the slow ones first, else in order
    for (index, entry, key), (content, used) in zip(todo, run_all(_make, [entry for _, entry, _ in todo], MIN_MADE),
                                                    strict=True):
        rows.add(used)
        if content is None:  # it failed in a worker: made here again, to fail here with its own message
            content = entry.make()
        if made is not None and key is not None:
            made.put(entry.path, key, content)
        outputs[index] = Output(entry.path, content)
    done = [output for output in outputs if output is not None]
    seen: set[str] = set()
    for output in done:
        if output.path in seen:
            raise ValueError(f"two knowledge-base producers write {output.path}")
        seen.add(output.path)
    return sorted(done, key=lambda o: o.path)


#: Below this many keyed files to make, starting worker processes costs more than it saves.
MIN_MADE = 400


def _make(entry: Keyed) -> tuple[str | bytes | None, dict[str, list[str]]]:
    """One keyed file's content, with the table rows it used (rows.py); None when making it
    failed (a worker sends back no exception)."""
    with rows.collecting() as used:
        try:
            content: str | bytes | None = entry.make()
        except Exception:
            content = None
    return content, used


def navigation() -> list[Any]:
    """The MkDocs `nav`: top-level pages and sections of registered pages, in `order`."""
    nav: list[Any] = []
    sections: dict[str, list[Any]] = {}
    for page in pages():
        if not page.section:
            nav.append({page.title: page.path})
            continue
        if page.section not in sections:
            sections[page.section] = []
            nav.append({page.section: sections[page.section]})
        entry: Any = page.path if page.path.endswith("index.md") else {page.title: page.path}
        sections[page.section].append(entry)
    return nav
