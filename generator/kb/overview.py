"""The overview: the files made from the whole site rather than from one record (the
navigation pages, the service pages, the metrics files), kept whole while what they read is
unchanged.

They are made from the summarised site (summary.py), so after one more update to an incident
or a paragraph added to a review none of them can change; making them anyway (the metrics
report, the tables of every incident) was 0.8 s of CPU of such a rebuild at 5,000 incidents.
Their key hashes the summarised site but its incidents, the build time and the page code, and
one digest per incident's summary. Each summary is kept with its digest under the load cache's
key of the incident's file (`OverviewStore.summary`), so a rebuild reads only the records of
the incidents that changed (reading all 5,000 records was 0.3 s of every rebuild; unpickling
their summaries is a third of that). Without file keys (a site not loaded lazily) there is no
key: the overview is made every build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..digest import serialise
from ..load.cache import dumps
from ..model import Incident, Site
from ..publish import Status
from .index import file_keys
from .pages import Kept


@dataclass
class OverviewStore:
    """The overview of the last build (its key, its files) and the incidents' summaries."""

    salt: bytes  # the page code's hash: summaries made by other code are not used
    #: file key -> (digest, pickle) of the incident's summary, last build
    summaries: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)
    key: str = ""  # the last build's overview key (hex)
    files: dict[str, tuple[str, Status]] = field(default_factory=dict)  # path -> (SHA-256, status in the kept tree)
    used: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)  # this build's summaries
    made: dict[str, str] = field(default_factory=dict)  # this build's overview files: path -> SHA-256
    made_key: str = ""

    @classmethod
    def from_plain(cls, value: Any, salt: bytes) -> OverviewStore:
        """As `to_plain` wrote it (any other value: an empty store)."""
        try:
            stored_salt, summaries, key, files = value
        except (TypeError, ValueError):
            return cls(salt)
        if stored_salt != salt or not (isinstance(summaries, dict) and isinstance(files, dict)):
            return cls(salt)
        return cls(salt, summaries, key, files)

    def to_plain(self, status_of: Callable[[str], Status | None]) -> Any:
        """For the page cache (marshal): this build's summaries and overview, each file with its
        status in the kept tree (a file missing there is left out: the overview is made again)."""
        files = {path: (digest, found) for path, digest in self.made.items() if (found := status_of(path)) is not None}
        key = self.made_key if len(files) == len(self.made) else ""
        return (self.salt, self.used, key, files)

    def summary(self, file_key: bytes, make: Callable[[], Incident]) -> Incident:
        """An incident's summary by its file's key: the last build's, else `make()` (which reads
        the record)."""
        found = self.summaries.get(file_key)
        if found is not None:
            try:
                summary = pickle.loads(found[1])  # noqa: S301 - from the signed page cache
            except Exception:  # noqa: BLE001 - any doubt: made again
                summary = None
            if isinstance(summary, Incident):
                self.used[file_key] = found
                return summary
        summary = make()
        self._keep(file_key, summary)
        return summary

    def digest(self, file_key: bytes, summary: Incident) -> bytes:
        """The digest of an incident's summary, by its file's key."""
        found = self.used.get(file_key)
        return found[0] if found is not None else self._keep(file_key, summary)

    def _keep(self, file_key: bytes, summary: Incident) -> bytes:
        data = dumps(summary)
        digest = hashlib.sha256(data).digest()
        self.used[file_key] = (digest, data)
        return digest

    def kept(self, key: bytes, status_of: Callable[[str], Status | None]) -> dict[str, Kept] | None:
        """The last build's overview files, when it had this key and each is in the kept tree
        as written; then they are this build's too."""
        if not key or self.key != key.hex():
            return None
        if any(status_of(path) != found for path, (_, found) in self.files.items()):
            return None
        self.made, self.made_key = {path: digest for path, (digest, _) in self.files.items()}, self.key
        return {path: Kept(digest) for path, (digest, _) in self.files.items()}

    def keep(self, key: bytes, contents: dict[str, str | bytes | Kept]) -> None:
        """This build's overview files, made under `key`."""
        self.made_key = key.hex()
        self.made = {path: content.sha256 if isinstance(content, Kept) else hashlib.sha256(
            content.encode("utf-8") if isinstance(content, str) else content).hexdigest()
            for path, content in contents.items()}


def overview_key(site: Site, now: datetime, store: OverviewStore, table: bytes) -> bytes | None:
    """The key of the overview made from the summarised `site` at `now` by the page table
    `table` (registry._table); None without file keys."""
    keys = file_keys(site)
    if not keys:
        return None
    digests = b"".join(store.digest(keys[incident.id], incident) for incident in site.incidents)
    rest = dataclasses.replace(site, incidents=(), postmortems=tuple(site.postmortems))
    return hashlib.sha256(store.salt + table + serialise((now, rest)) + digests).digest()
