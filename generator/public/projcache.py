"""The public view of each incident, kept from the last public build, so a rebuild after one
changed incident neither unpickles nor projects the other 19,999 (issue 16, item 3).

What an incident shows publicly (`projection.public_incident`) is a function of its record, the
public components, its published summary and `now`. An entry is therefore kept with the load
cache's key of the incident's file (its bytes and path, `site.yaml`, `services.yaml`, the
loader's code: load/lazy.py), the summary it was made with, and the window of `now` in which it
holds: `public_incident` compares `now` only with the incident's own times (`projection.moments`:
start, resolution, each impact's start and end, each update), so between the last of them at or
before the `now` it was made for and the first after, it is the same at any `now`, earlier or
later. The salt of the page cache (code, templates, libraries, `site.yaml` settings, groups and
services: reuse.py) covers the rest. Any difference means projecting that incident again, from
its record. A closed incident's page key (reuse.py) is kept with it, so unchanged pages are not
keyed again either, and so is every incident's listed key (what the history and year archive
pages show of it, reuse.listed_key), by which those pages are keyed without making their entries.

Entries are kept in signed files (generator/cachefile.py): an index, `project-<hash>.pickle`,
and a file per month of incidents (by start) named after its nonce, as the load cache keeps its
chunks (load/chunks.py). Saving leaves the file of every month whose entries all came back
unchanged as it is and writes the others and the index: after one changed incident, one month
and the index, where rewriting every month's bytes into one file was 0.15 s at 20,000.
Only one build at a time writes into a published folder (its lock), so saves never overlap.

Each month file holds a second section: the settled form of each of its closed incidents
(settled.py; None for one with no public view). A month whose every incident is kept and
settled at this build's `now` is taken from that section alone: its views are neither
unpickled nor made, and are read back only for the rare reader that needs one (`view`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..cachefile import CacheFile, path_name, write_cache_file
from ..derive.status import known
from ..load.cache import dumps, first_section, gc_paused
from ..load.chunks import chunk_path, open_chunk, remove_unnamed, write_chunk
from ..load.lazy import IncidentRef, LazyIncidents
from ..model import Site
from . import reuse
from .projection import PublicIncident, PublicPage, assemble, moments, public_ids_of, public_incident, summaries
from .settled import SettledIncident, settled, settled_before

#: Bumped when what is stored changes.
FORMAT = 5
#: Index entry of one incident: its file's key, its summary, the window of `now` in which its
#: entry holds, in microseconds since 1970 (`micros`; None: unbounded), and its month. Integers,
#: not datetimes: the index of 20,000 entries is written every build, and pickling it with two
#: datetimes an entry took 0.075 s against 0.023 s (reading it 0.028 against 0.021 s).
_Indexed = tuple[bytes, str, "int | None", "int | None", str]
#: What a month's section keeps of each incident: its public view (None: not public at that
#: `now`), when closed its page key, and its listed key (reuse.listed_key; None with no view).
_Kept = tuple["PublicIncident | None", "bytes | None", "bytes | None"]
#: What a month's second section keeps of each incident with a closed or no public view.
_Settled = dict[str, "SettledIncident | None"]


def window(times: Iterable[datetime], now: datetime) -> tuple[datetime | None, datetime | None]:
    """(the last of `times` at or before `now`, the first after it); None where there is none."""
    ordered = sorted(set(times))
    at = bisect_right(ordered, now)
    return (ordered[at - 1] if at else None), (ordered[at] if at < len(ordered) else None)


def micros(moment: datetime) -> int:
    """`moment` (aware) as whole microseconds since 1970: exact, and ordered as the datetimes are."""
    return (moment - _EPOCH) // _MICROSECOND


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def holds(lo: datetime | None, hi: datetime | None, now: datetime) -> bool:
    """Whether an entry made for a `now` in [lo, hi) holds at `now`."""
    return (lo is None or lo <= now) and (hi is None or now < hi)


class ProjectionCache:
    """The kept public views of one published site's incidents (see the module)."""

    def __init__(self, directory: Path, published: Path, salt: bytes) -> None:
        self.directory = directory
        self.salt = salt
        name = path_name(published)
        self.path = directory / "render" / f"project-{name}.pickle"
        self.index: dict[str, _Indexed] = {}
        self.months: dict[str, str] = {}  # month -> the name of its file
        self.loaded: dict[str, dict[str, _Kept]] = {}
        self.new: dict[str, _Indexed] = {}
        self.made: dict[str, _Kept] = {}  # entries this build made (not taken from the file)
        self.settled: dict[str, _Settled] = {}  # the months taken from their settled forms
        self.settled_rels: dict[str, str] = {}  # a settled incident's id -> its file
        self._now: tuple[datetime, int] | None = None  # the `now` of `get()` and its `micros`
        self._read()

    def _read(self) -> None:
        file = CacheFile.open(self.path)
        if file is None:
            return
        header = first_section(file)
        if (isinstance(header, tuple) and len(header) == 4 and header[:2] == (FORMAT, self.salt)
                and isinstance(header[2], dict) and isinstance(header[3], dict)):
            self.index, self.months = header[2], header[3]

    def _month(self, month: str) -> dict[str, _Kept]:
        if month not in self.loaded:
            file = open_chunk(self.path, self.months[month], 2) if month in self.months else None
            found = first_section(file) if file is not None else None
            self.loaded[month] = found if isinstance(found, dict) else {}
        return self.loaded[month]

    def settle(
        self, refs: Sequence[IncidentRef], found: Mapping[str, str], before: datetime
    ) -> dict[str, SettledIncident | None]:
        """Find the months whose every incident is kept with a window that holds and ends
        nowhere (no time of it after `now`) before `before` (settled.py), read their settled
        forms, and take them: each such incident's form (None: not public), by its file."""
        limit = micros(before)
        months: dict[str, bool] = {}
        for ref in refs:
            entry = self.index.get(ref.rel)
            if entry is None:
                months[_month_of(ref)] = False
                continue
            lo = entry[2]
            months[entry[4]] = months.get(entry[4], True) and (
                entry[0] == ref.key and entry[1] == found.get(ref.facts.id, "") and entry[3] is None
                and lo is not None and lo < limit)
        for month, ok in months.items():
            if ok and month in self.months:
                file = open_chunk(self.path, self.months[month], 2)
                if file is None:
                    continue
                try:
                    with gc_paused():
                        forms = file.unpickle(1)
                finally:
                    file.close()
                if isinstance(forms, dict) and all(f is None or isinstance(f, SettledIncident) for f in forms.values()):
                    self.settled[month] = forms
        taken: dict[str, SettledIncident | None] = {}
        if not self.settled:
            return taken
        for ref in refs:  # an open incident of such a month has no form: it is looked up with `get`
            entry = self.index.get(ref.rel)
            forms = self.settled.get(entry[4]) if entry is not None else None
            if entry is not None and forms is not None and ref.rel in forms:
                form = taken[ref.rel] = forms[ref.rel]
                self.new[ref.rel] = entry
                if form is not None:
                    self.settled_rels[form.id] = ref.rel
        return taken

    def view(self, incident: SettledIncident) -> PublicIncident:
        """The kept view of a settled incident this build took (its month file read now)."""
        rel = self.settled_rels[incident.id]
        kept = self._month(self.index[rel][4]).get(rel)
        if not (isinstance(kept, tuple) and isinstance(kept[0], PublicIncident)):
            raise LookupError(f"the kept view of {incident.id} is gone")
        return kept[0]

    def get(self, ref: IncidentRef, summary: str, now: datetime) -> _Kept | None:
        """The kept view and page key of `ref` if they hold for this build, else None."""
        entry = self.index.get(ref.rel)
        if entry is None or entry[0] != ref.key or entry[1] != summary:
            return None
        known = self._now
        if known is None or known[0] is not now:
            known = self._now = (now, micros(now))
        at, lo, hi = known[1], entry[2], entry[3]  # holds(lo, hi, now), inline: called for every incident
        if (lo is not None and at < lo) or (hi is not None and at >= hi):
            return None
        month = self.loaded.get(entry[4])
        kept = (month if month is not None else self._month(entry[4])).get(ref.rel)
        if not (isinstance(kept, tuple) and len(kept) == 3):
            return None
        if kept[0] is not None and not (isinstance(kept[0], PublicIncident) and isinstance(kept[2], bytes)):
            return None
        self.new[ref.rel] = entry
        return kept

    def put(self, ref: IncidentRef, summary: str, lo: datetime | None, hi: datetime | None, kept: _Kept) -> None:
        self.new[ref.rel] = (ref.key, summary, None if lo is None else micros(lo), None if hi is None else micros(hi),
                             _month_of(ref))
        self.made[ref.rel] = kept

    def save(self) -> None:
        """Keep this build's entries: the file of a month whose entries all came back as they
        were stays, the other months are written, then the index; a failure only costs speed."""
        if self.new == self.index and not self.made:
            return
        members: dict[str, list[str]] = {}
        for rel, entry in self.new.items():
            members.setdefault(entry[4], []).append(rel)
        old: dict[str, set[str]] = {}
        for rel, entry in self.index.items():
            old.setdefault(entry[4], set()).add(rel)
        names: dict[str, str] = {}
        for month, rels in sorted(members.items()):
            name = self.months.get(month)
            if (name is None or old.get(month) != set(rels) or any(rel in self.made for rel in rels)
                    or not chunk_path(self.path, name).exists()):
                kept = self._month(month) if month in old else {}
                try:
                    entries = {rel: self.made[rel] if rel in self.made else kept[rel] for rel in rels}
                except KeyError:  # a month file lost meanwhile: its views are made again next time
                    return
                name = write_chunk(self.directory, self.path, dumps(entries), dumps(_settled_forms(entries)))
                if name is None:
                    return
            names[month] = name
        index = (FORMAT, self.salt, self.new, names)
        if write_cache_file(self.directory, self.path, lambda writer: writer.flat(index)):
            remove_unnamed(self.path, names.values())


def _settled_forms(entries: Mapping[str, _Kept]) -> _Settled:
    """The second section of a month file: each closed (or not public) incident's settled form."""
    forms: _Settled = {}
    for rel, (view, page_key, listed_key) in entries.items():
        form = settled(view, page_key, listed_key) if view is not None else None
        if view is None or form is not None:
            forms[rel] = form
    return forms


def _month_of(ref: IncidentRef) -> str:
    return ref.facts.started_at.astimezone(UTC).strftime("%Y-%m")


def project_cached(site: Site, incidents: LazyIncidents, now: datetime, cache: ProjectionCache) -> PublicPage:
    """`projection.project(site, now)`, each incident's view from `cache` when it holds, else
    projected from its record (unpickled only then); the caller saves the cache. Page keys of
    closed incidents are handed to reuse.py."""
    public_ids = public_ids_of(site)
    resolved = {r.facts.id: known(r.facts.resolved_at, now) for r in incidents.refs}
    found = summaries(site, resolved, now)
    taken = cache.settle(incidents.refs, found, settled_before(now, site.settings.uptime_days))
    shown: list[PublicIncident | SettledIncident] = []
    reuse.forget_keys()
    for ref in incidents.refs:
        if ref.rel in taken:
            form = taken[ref.rel]
            if form is not None:
                shown.append(form)
            continue
        summary = found.get(ref.facts.id, "")
        kept = cache.get(ref, summary, now)
        if kept is None:
            record = incidents.record(ref)
            view = public_incident(record, now, public_ids, summary)
            page_key = reuse.key(cache.salt, ("incident", view)) if view is not None and not view.is_open else None
            kept = (view, page_key, reuse.listed_key(view) if view is not None else None)
            cache.put(ref, summary, *window(moments(record), now), kept)
        view, page_key, listed = kept
        if view is None:
            continue
        shown.append(view)
        reuse.remember_key(cache.salt, view, page_key, listed if listed is not None else reuse.listed_key(view))
    return assemble(site, now, shown, cache.view)
