"""Reading `content/` into a validated `Site`, collecting every problem on the way.

`load_site` never raises on bad content: it returns the site it could read and the problems.
`load_or_raise` is what builds call: it raises `ContentError` with every error at once.
`check_folder` is what `validate` calls: only the problems and counts, which a load cache can
give for an unchanged folder without unpickling a single record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from .. import progress
from ..model import Group, Incident, Maintenance, Runbook, Service, Settings, Site
from ..notify.config import NotifyConfig
from ..problems import ContentError, Problems
from ..workers import workers
from .cache import LoadCache, Pickled, gc_paused
from .catalogue import read_services, read_settings
from .checks import (
    Facts,
    IncidentFacts,
    MaintenanceFacts,
    Redactions,
    SiteFacts,
    checked_view,
    incident_texts,
    maintenance_texts,
)
from .crosscache import checked
from .documents import read_postmortem, read_runbook
from .files import ContentFile, ContentFolder
from .lazy import IncidentRef, LazyIncidents
from .makers import maker_of
from .notify import read_notify
from .reading import MIN_FILES, Kind, Later, Lost, Reader, context_bytes, facts_now, read_files, read_kinds
from .records import read_incident, read_maintenance
from .yamlsafe import Node, YamlError, parse

T = TypeVar("T")

DEFAULT_MAX_BYTES = Settings(name="", base_url="").max_file_bytes


@dataclass(frozen=True, slots=True)
class Loaded:
    """The outcome of loading: the site (as far as it could be read) and every problem."""

    site: Site
    problems: Problems
    notify: NotifyConfig | None = None  # notify.yaml, when the folder has one


@dataclass(frozen=True, slots=True)
class Checked:
    """What `validate` reports: every problem, and how many of each record were read."""

    problems: Problems
    counts: tuple[int, int, int, int, int]  # incidents, maintenance, post-mortems, runbooks, services


def load_site(
    root: Path,
    now: datetime,
    max_bytes: int | None = None,
    overrides: Mapping[str, str] | None = None,
    cache: LoadCache | None = None,
    lazy: bool = False,
) -> Loaded:
    """Read and check everything under `root`; `now` dates the warnings (overdue items).

    `overrides` maps paths relative to `root` to text that replaces (or adds) those files, so a
    change can be validated before it is written. With a `cache`, files whose bytes are
    unchanged since the last load are not parsed again (the result is the same). With a cache
    and `lazy`, the incidents are a `LazyIncidents` (lazy.py): unpickled when first read, their
    files, keys and facts known at once; `site.incidents.close()` when done with them.
    """
    with gc_paused():  # everything loaded lives on: collecting as it grows was 1/3 of the time
        loaded = _load(root, now, max_bytes, overrides, cache, need_site=True, lazy=lazy)
    assert isinstance(loaded, Loaded)
    return loaded


def check_folder(
    root: Path,
    now: datetime,
    max_bytes: int | None = None,
    overrides: Mapping[str, str] | None = None,
    cache: LoadCache | None = None,
    errors_only: bool = False,
) -> Checked:
    """The problems of the folder as of `now` (the same as `load_site`'s) and its counts,
    without building the site: with a cache, unchanged files are not even unpickled, but for
    their own problems (their facts only when the checks across files must run again).

    With `errors_only` (a responder's check for the errors a change brings), the problems hold
    every error but not every warning: a file the cache's index knows as clean reports none,
    and nothing of it is unpickled unless the checks across files must run again (at 20,000
    incidents its chunks' problems and facts were a quarter of an `update`)."""
    with gc_paused():
        try:
            checked = _load(root, now, max_bytes, overrides, cache, need_site=False, later=True,
                            errors_only=errors_only)
        except Lost:  # a damaged chunk lost some file's facts: every file is looked up again, facts first
            checked = _load(root, now, max_bytes, overrides, cache, need_site=False)
    assert isinstance(checked, Checked)
    return checked


def _load(
    root: Path,
    now: datetime,
    max_bytes: int | None,
    overrides: Mapping[str, str] | None,
    cache: LoadCache | None,
    need_site: bool,
    lazy: bool = False,
    later: bool = False,
    errors_only: bool = False,
) -> Loaded | Checked:
    problems = Problems()
    folder = ContentFolder(root, problems, max_bytes or DEFAULT_MAX_BYTES, overrides)
    if cache is not None:
        cache.begin(root, context_bytes(folder, ("site.yaml", "services.yaml")))
    settings = Settings(name="Status", base_url="https://status.example.com/")
    site_file = folder.file("site.yaml")
    if not site_file.path.exists() and site_file.rel not in folder.overrides:
        problems.error(site_file.shown, 1, "missing: every content folder needs a site.yaml")
    else:
        node = folder.read_yaml(site_file)
        if node is not None:
            settings = read_settings(problems, site_file, node)
            if max_bytes is None:
                folder.max_bytes = settings.max_file_bytes

    groups: tuple[Group, ...] = ()
    services: tuple[Service, ...] = ()
    services_file = folder.file("services.yaml")
    if not services_file.path.exists() and services_file.rel not in folder.overrides:
        problems.error(services_file.shown, 1, "missing: every content folder needs a services.yaml")
    else:
        node = folder.read_yaml(services_file)
        if node is not None:
            groups, services = read_services(problems, services_file, node)
    by_id = {s.id: s for s in services}
    notify = _notify(folder, problems, services, groups)

    redactions = Redactions(settings.redaction_patterns)  # site.yaml is in the cache's context

    def incident(p: Problems, file: ContentFile, text: str) -> Incident | None:
        node = _parse(p, file, text)
        record = read_incident(p, file, node, by_id) if node is not None else None
        if record is not None:
            redactions.report(p, folder.prefix, incident_texts(record))
        return record

    def window(p: Problems, file: ContentFile, text: str) -> Maintenance | None:
        node = _parse(p, file, text)
        record = read_maintenance(p, file, node, by_id) if node is not None else None
        if record is not None:
            redactions.report(p, folder.prefix, maintenance_texts(record))
        return record

    def runbook(p: Problems, file: ContentFile, text: str) -> Runbook | None:
        return read_runbook(p, file, text, by_id)

    incident_files = folder.find("incidents", (".yaml", ".yml"))
    window_files = folder.find("maintenance", (".yaml", ".yml"))
    postmortem_files = folder.find("postmortems", (".md",))
    runbook_files = folder.find("runbooks", (".md",), recursive=True)
    progress.stage("Reading content files", len(incident_files) + len(window_files) + len(postmortem_files)
                   + len(runbook_files))
    lazily = need_site and lazy and cache is not None and not folder.overrides
    # The files of every kind parsed by one pool of workers (reading.read_kinds). The checks
    # read only facts, which the cache keeps beside each file; a lazy load's records of files
    # parsed now are read soon: a file new to the load cache is new to the kept public views
    # too (projcache.py), so it is projected from its record.
    read = read_kinds(folder, [
        Kind(incident_files, incident, need_site and not lazily, lazily, later, errors_only),
        Kind(window_files, window, need_site, False, later, errors_only),
        Kind(postmortem_files, read_postmortem, need_site, False, later, errors_only),
        Kind(runbook_files, runbook, need_site, False, later, errors_only),
    ], cache)
    if not need_site:
        facts = [f for found in read for _, f in found]
        cross = checked(cache, folder.prefix, lambda: SiteFacts.gather(settings, services, facts_now(cache, facts)),
                        now)
        if cache is not None:
            _keep(cache, folder)
        problems.extend(cross.at(now))
        return Checked(problems, cross.counts)

    found, windows, postmortems, runbooks = ([record for record, _ in kind if record is not None] for kind in read)
    if lazily:
        assert cache is not None
        incidents: Sequence[Incident] = _lazy(cache, folder, incident, read[0])
    else:
        incidents = tuple(sorted(found, key=lambda i: (i.started_at, i.id)))
    if cache is not None:
        if lazily:
            # The records of LazyIncidents are read from it; after a cold load (many files
            # parsed, on every core), it is written by a process of its own meanwhile.
            cache.save(keep_open=True, background=workers(len(cache.fresh), MIN_FILES) > 1)
        else:
            _keep(cache, folder)
    site = Site(
        settings=settings,
        groups=groups,
        services=services,
        incidents=cast(tuple[Incident, ...], incidents),  # a LazyIncidents reads as one
        maintenance=tuple(sorted(windows, key=lambda m: (m.scheduled_start, m.id))),
        postmortems=tuple(sorted(postmortems, key=lambda p: p.incident)),
        runbooks=tuple(sorted(runbooks, key=lambda r: r.path)),
    )
    problems.extend(checked(cache, folder.prefix, lambda: _facts(site), now).at(now))
    return Loaded(site, problems, notify)


#: `IncidentRef(rel, key, facts)` by its slots' own setters (load/makers.py): 20,000 a warm build.
_ref = maker_of(IncidentRef) or IncidentRef


def _lazy(
    cache: LoadCache, folder: ContentFolder, reader: Reader[Incident],
    found: list[tuple[Incident | None, Facts | Later]],
) -> LazyIncidents:
    """The incidents read with `need_records=False` as a `LazyIncidents`: a file parsed by this
    load keeps its record; any other's is unpickled from the cache when asked for (and parsed
    again if the cache lost it)."""
    refs: list[IncidentRef] = []
    parsed: dict[str, Incident | Pickled] = {}  # Pickled: parsed in a worker, not unpickled yet
    new = cache.new
    for record, facts in found:
        assert isinstance(facts, IncidentFacts)
        rel = facts.source.path
        refs.append(_ref(rel, new[rel][0], facts))
        if record is not None:  # unpickled already as it came from a worker: the record, not its bytes
            parsed[rel] = record.load() if isinstance(record, Pickled) and record.loaded() else record
    refs.sort(key=lambda r: (r.facts.started_at, r.facts.id))

    def fetch(ref: IncidentRef) -> Incident:
        record: Any = parsed.get(ref.rel)
        if isinstance(record, Pickled):
            record = record.load()
        elif record is None:
            record = cache.record(ref.rel, cache.new[ref.rel])
        if not isinstance(record, Incident):  # a damaged chunk: read the file again
            reported, folder.problems = folder.problems, Problems()  # reported by the load already
            try:
                again = read_files(folder, [folder.file(ref.rel)], reader, None)
            finally:
                folder.problems = reported
            record = again[0][0] if again else None
            if record is None or IncidentFacts.of(record) != ref.facts:
                raise RuntimeError(f"{ref.rel} changed while building; build again")
        parsed[ref.rel] = record
        return cast(Incident, record)

    return LazyIncidents(tuple(refs), fetch, cache.close)


def _facts(site: Site) -> SiteFacts:
    """`SiteFacts.of(site)`, taking a lazy site's incident facts without unpickling a record."""
    incidents: Sequence[Incident] = site.incidents
    if not isinstance(incidents, LazyIncidents):
        return SiteFacts.of(site)
    return SiteFacts(
        site.settings, site.services, tuple(ref.facts for ref in incidents.refs),
        tuple(MaintenanceFacts.of(m) for m in site.maintenance), tuple(map(checked_view, site.postmortems)),
        tuple(r.path for r in site.runbooks),
    )


def _keep(cache: LoadCache, folder: ContentFolder) -> None:
    """Save what this load read. A load that validated changes laid over the folder saves only
    if it parsed other files too: a responder waits for it, and the changed files' text is read
    from the written files next time anyway; but after an upgrade (or a cache lost) every file
    is parsed, and not saving that made each later `update` parse them all again (29 s at
    20,000 incidents instead of one second)."""
    if folder.overrides and all(rel in folder.overrides for rel in cache.fresh):
        cache.close()
    else:
        cache.save()


def _notify(
    folder: ContentFolder, problems: Problems, services: tuple[Service, ...], groups: tuple[Group, ...]
) -> NotifyConfig | None:
    """`notify.yaml`, optional: checked by every load, so `validate` reports its problems too."""
    file = folder.file("notify.yaml")
    if not file.path.exists() and file.rel not in folder.overrides:
        return None
    node = folder.read_yaml(file)
    return read_notify(problems, file, node, services, groups) if node is not None else None


def _parse(problems: Problems, file: ContentFile, text: str) -> Node | None:
    try:
        return parse(text)
    except YamlError as exc:
        problems.error(file.shown, exc.line, exc.message)
        return None


def load_or_raise(
    root: Path, now: datetime, strict: bool = False, max_bytes: int | None = None, cache: LoadCache | None = None,
    lazy: bool = False,
) -> Loaded:
    """Load, then raise `ContentError` listing every error (and warning, when `strict`)."""
    loaded = load_site(root, now, max_bytes, cache=cache, lazy=lazy)
    failing = loaded.problems.sorted() if strict else loaded.problems.errors
    if failing:
        incidents: Sequence[Incident] = loaded.site.incidents
        if isinstance(incidents, LazyIncidents):
            incidents.close()
        raise ContentError(failing)
    return loaded
