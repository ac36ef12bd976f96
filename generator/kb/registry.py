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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..digest import serialise
from ..model import Site
from ..workers import meanwhile, run_all, workers
from . import followups, guides, incidents, metrics_pages, paths, reviews, rows, runbooks, services
from .overview import CLOCK, DAY, OverviewStore, overview_keys
from .pages import Documents, Kept, Keyed, Output, Page
from .summary import read_all, summarised


class Made(Protocol):
    """Files made by earlier builds, by path and key (`get`); every file made is `put` back.
    The overview files (overview.py) are kept whole, each group apart: `overview` holds them."""

    overview: OverviewStore

    def get(self, path: str, key: bytes) -> Kept | None: ...

    def put(self, path: str, key: bytes, content: str | bytes | Kept) -> None: ...

    def kept_overview(self, group: str, key: bytes) -> dict[str, Kept] | None: ...


_PACKAGE = Path(__file__).resolve().parent.parent


def _code_salt(root: Path = _PACKAGE) -> bytes:
    """What shapes a keyed page besides its inputs: the page code, the model, derive/ and the
    serialisation of the keys (`root`: the package folder)."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for pattern in ("kb/*.py", "derive/**/*.py", "model.py", "digest.py"):
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


#: The page code's hash, in every key of a generated file (and of the overview: overview.py).
SALT = _code_salt()


def _home(site: Site, now: datetime) -> str:
    return guides.home(site, now, [(p.title, p.path) for p in pages() if p.path != paths.HOME])


PAGES: list[Page] = [
    Page(paths.HOME, "Home", "", _home, order=0),
    Page(paths.INCIDENTS, "Incidents", "Incidents", incidents.incidents_index, order=10, by_day=True),
    Page(paths.REVIEWS, "Post-incident reviews", "Reviews", reviews.reviews_index, order=20, by_day=True),
    Page(paths.RUNBOOKS, "Runbooks", "Runbooks", runbooks.runbooks_index, order=30, by_day=True),
    Page(paths.ALERTS, "Alert index", "Runbooks", runbooks.alert_index, order=31, by_day=True),
    Page(paths.SERVICES, "Services", "Services", services.catalogue, order=40),
    Page(paths.FOLLOWUPS, "Follow-up tracker", "Follow-ups", followups.tracker, order=50, by_day=True),
    Page(metrics_pages.FOLLOWUP_FIGURES, "Follow-up figures", "Follow-ups", metrics_pages.followup_page, order=51,
         by_day=True),
    Page(metrics_pages.METRICS, "Metrics", "Metrics", metrics_pages.metrics_page, order=60),
    Page(metrics_pages.RELIABILITY, "Reliability per service", "Metrics", metrics_pages.reliability_page, order=61),
    Page(paths.SEVERITY, "Severity guidelines", "", guides.severity, order=70, by_day=True),
    Page(paths.TAGS, "Tags", "", guides.tags, order=80, by_day=True),
]

DOCUMENTS: list[Documents] = [
    Documents(metrics_pages.files, overview=True),  # first: a rebuild draws its charts meanwhile (produce_all)
    Documents(incidents.incident_pages),
    Documents(reviews.review_pages),
    Documents(runbooks.runbook_pages),
    Documents(services.service_pages, overview=True),
    Documents(services.incident_lists, overview=True, by_day=True),
]


def pages() -> list[Page]:
    """The navigation pages in navigation order (a later row at the same path replaces one)."""
    by_path = {page.path: page for page in PAGES}
    return sorted(by_path.values(), key=lambda p: (p.order, p.path))


def produce_all(site: Site, now: datetime, made: Made | None = None) -> list[Output]:
    """Every file of the docs tree, sorted by path; two producers writing one path is a bug.
    Every producer is given the summarised site (summary.py). Each group of overview files
    comes from `made` while its key is unchanged (overview.py); a `Keyed` file whose inputs are unchanged
    comes from `made` instead of being made again; the others, and the navigation pages, are
    made on every core when there are many (a cold build). The producers run here first, so
    what they share (the index of the site, the metrics report) is made once, before the
    workers are forked."""
    shown = summarised(site, made.overview if made is not None else None)
    keys = overview_keys(shown, now, made.overview, _table()) if made is not None else None
    kept = {group: made.kept_overview(group, key) for group, key in keys.items()} if made is not None and keys else {}
    outputs: list[Output | None] = [Output(path, content) for files in kept.values() if files
                                    for path, content in files.items()]
    overview: dict[str, str] = {}  # the paths of the overview files made here -> their group
    todo: list[tuple[int, Keyed, bytes | None]] = []  # (index in outputs, entry, key)
    #: A rebuild draws the charts to draw in a process of their own, started as soon as they are
    #: known, while this one goes on (importing matplotlib and drawing the error budget chart,
    #: which moves with the clock while an incident is open, was 0.8 s of such a rebuild).
    early = made is not None and bool(made.overview.groups) and workers(len(shown.incidents), MIN_MADE) > 1
    drawing: list[tuple[list[tuple[int, Keyed, bytes | None]], Callable[[], Any]]] = []  # (tasks, results)
    for page in pages():  # made with the keyed files, on every core on a cold build
        group = DAY if page.by_day else CLOCK
        if kept.get(group) is not None:
            continue
        overview[page.path] = group
        todo.append((len(outputs), Keyed(page.path, (), functools.partial(page.produce, shown, now)), None))
        outputs.append(None)
    for producer in DOCUMENTS:
        group = DAY if producer.by_day else CLOCK
        if producer.overview and kept.get(group) is not None:
            continue
        for entry in producer.produce(shown, now):
            if producer.overview:
                overview[entry.path] = group
            if isinstance(entry, Output):
                outputs.append(entry)
                continue
            entry_key = hashlib.sha256(SALT + serialise(entry.inputs)).digest() if made is not None else None
            found = made.get(entry.path, entry_key) if made is not None and entry_key is not None else None
            if found is not None:
                assert made is not None and entry_key is not None
                made.put(entry.path, entry_key, found)
                outputs.append(Output(entry.path, found))
                continue
            todo.append((len(outputs), entry, entry_key))
            outputs.append(None)
        if early and (slow := [task for task in todo if task[1].slow]):
            todo = [task for task in todo if not task[1].slow]
            drawing.append((slow, meanwhile(functools.partial(_make_all, [entry for _, entry, _ in slow]))))
    todo.sort(key=lambda task: not task[1].slow)  # stable: the slow ones first, else in order
    if workers(len(todo), MIN_MADE) > 1:  # the records workers make pages of are read here first
        read_all(shown)
    finished = list(zip(todo, run_all(_make, [entry for _, entry, _ in todo], MIN_MADE), strict=True))
    for tasks, results in drawing:
        finished += zip(tasks, results() or [(None, {})] * len(tasks), strict=True)
    for (index, entry, entry_key), (content, used) in finished:
        rows.add(used)
        if content is None:  # it failed in a worker: made here again, to fail here with its own message
            content = entry.make()
        if made is not None and entry_key is not None:
            made.put(entry.path, entry_key, content)
        outputs[index] = Output(entry.path, content)
    done = [output for output in outputs if output is not None]
    seen: set[str] = set()
    for output in done:
        if output.path in seen:
            raise ValueError(f"two knowledge-base producers write {output.path}")
        seen.add(output.path)
    for group, key in (keys or {}).items():
        if made is not None and kept.get(group) is None:
            made.overview.keep(group, key, {o.path: o.content for o in done if overview.get(o.path) == group})
    return sorted(done, key=lambda o: o.path)


def _table() -> bytes:
    """The page table as far as the overview depends on it: each navigation page's row, and
    the producers of it and of the overview files, with the code of their modules."""
    rows: list[Any] = [(p.path, p.title, p.section, p.order, p.by_day, _code_of(p.produce)) for p in pages()]
    rows += [(d.by_day, _code_of(d.produce)) for d in DOCUMENTS if d.overview]
    return serialise(rows)


def _code_of(function: Callable[..., Any]) -> tuple[str, str, str]:
    module = getattr(function, "__module__", None) or ""
    return module, getattr(function, "__qualname__", repr(function)), _module_code(module)


@functools.cache
def _module_code(name: str) -> str:
    """The SHA-256 of a module's source file (read once a process)."""
    path = getattr(sys.modules.get(name), "__file__", None)
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""


#: Below this many keyed files to make, starting worker processes costs more than it saves.
MIN_MADE = 400


def _make_all(entries: list[Keyed]) -> list[tuple[str | bytes | None, dict[str, list[str]]]]:
    return [_make(entry) for entry in entries]


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
