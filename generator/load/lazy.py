"""The incidents of a warm load, left pickled in the load cache until something reads them.

A public rebuild after one changed incident needs the records of only the incidents whose
projection it cannot take from its own cache (generator/public/projcache.py); unpickling all
20,000 records took a second of it. `load_site(..., lazy=True)` therefore gives the site's
incidents as a `LazyIncidents`: a sequence that knows each incident's file, the key of its bytes
in the load cache and its facts (id, type, times) without its record, and unpickles every record
the first time anything iterates or indexes it, so code that reads `site.incidents` as usual gets
the same records, only later. `record(ref)` unpickles one (with the 1,000 of its cache chunk).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from ..model import Incident
from .checks import IncidentFacts


@dataclass(frozen=True, slots=True)
class IncidentRef:
    """One incident of a lazy load: its file, the load cache's key of its bytes, its facts."""

    rel: str  # its path under the content folder
    key: bytes  # changes whenever its bytes, its path, site.yaml, services.yaml or the loader change
    facts: IncidentFacts


class LazyIncidents(Sequence[Incident]):
    """The incidents of a site in its order, unpickled when first read (see the module)."""

    def __init__(self, refs: tuple[IncidentRef, ...], fetch: Callable[[IncidentRef], Incident],
                 close: Callable[[], None]) -> None:
        self.refs = refs
        self._fetch = fetch
        self._close = close
        self._records: tuple[Incident, ...] | None = None

    def record(self, ref: IncidentRef) -> Incident:
        """The record of one incident."""
        return self._fetch(ref)

    def at(self, index: int) -> Incident:
        """The record at `index`, unpickled alone (with its cache chunk) unless all were read."""
        return self._records[index] if self._records is not None else self._fetch(self.refs[index])

    def records(self) -> tuple[Incident, ...]:
        if self._records is None:
            self._records = tuple(self._fetch(ref) for ref in self.refs)
        return self._records

    def close(self) -> None:
        """Let go of the load cache's file (records not read by then are read again from it
        if asked for)."""
        self._close()

    def __len__(self) -> int:
        return len(self.refs)

    @overload
    def __getitem__(self, index: int) -> Incident: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Incident]: ...

    def __getitem__(self, index: int | slice) -> Incident | Sequence[Incident]:
        return self.records()[index]

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.records())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyIncidents):
            other = other.records()
        return isinstance(other, tuple) and self.records() == other

    def __hash__(self) -> int:
        return hash(self.records())

    def __repr__(self) -> str:
        return f"LazyIncidents({len(self.refs)} incidents)"
