"""The overview: the files made from the whole site rather than from one record (the
navigation pages, the service pages, the metrics files), kept while what they read is
unchanged.

They are made from the summarised site (summary.py), so after one more update to an incident
or a paragraph added to a review none of them can change; making them anyway (the metrics
report, the tables of every incident) was 0.8 s of CPU of such a rebuild at 5,000 incidents.
The overview is kept in two groups, each whole under its own key (`overview_keys`), which
hashes the summarised site but its incidents, the page code, and one digest per incident's
summary, and of the build time what the group reads of it:

* `CLOCK`: the files that show the build time or figures that move with it (the home page's
  "Built" line, availability, the metrics period): the build time itself;
* `DAY`: the others (`Page.by_day`, `Documents.by_day`: the indexes of incidents and reviews,
  the follow-up tracker, the runbooks), which read of it only the day and which review
  deadlines have passed (`clock_view`). A rebuild with the clock moved on by minutes (what
  `serve --internal` and CI do) keeps them: making them again was half a second of CPU at
  5,000 incidents, for 6 MB of Markdown that came out the same.

Each summary is kept with its digest under the load cache's key of the incident's file
(`OverviewStore.summary`), so a rebuild reads only the records of the incidents that changed
(reading all 5,000 records was 0.3 s of every rebuild; unpickling their summaries is a third of
that). Without file keys (a site not loaded lazily) there is no key: the overview is made every
build.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..derive.followup import review_due
from ..digest import serialise
from ..load.cache import dumps
from ..model import Incident, Site
from ..publish import Status
from .index import file_keys
from .pages import Kept

#: The groups of overview files, by what they read of the build time (see the module's text).
CLOCK, DAY = "clock", "day"
GROUPS = (CLOCK, DAY)

#: One group's files, as kept: path -> (SHA-256, status in the kept tree).
Files = dict[str, tuple[str, Status]]


@dataclass
class OverviewStore:
    """The overview of the last build (each group's key and files) and the incidents' summaries."""

    salt: bytes  # the page code's hash: summaries made by other code are not used
    #: file key -> (digest, pickle) of the incident's summary, last build
    summaries: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)
    groups: dict[str, tuple[str, Files]] = field(default_factory=dict)  # group -> (its key (hex), its files)
    used: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)  # this build's summaries
    #: this build's overview files: group -> (its key (hex), path -> SHA-256)
    made: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def from_plain(cls, value: Any, salt: bytes) -> OverviewStore:
        """As `to_plain` wrote it (any other value: an empty store)."""
        try:
            stored_salt, summaries, groups = value
        except (TypeError, ValueError):
            return cls(salt)
        if stored_salt != salt or not (isinstance(summaries, dict) and isinstance(groups, dict)):
            return cls(salt)
        return cls(salt, summaries, groups)

    def to_plain(self, status_of: Callable[[str], Status | None]) -> Any:
        """For the page cache (marshal): this build's summaries and overview, each file with its
        status in the kept tree (a group with a file missing there is left out: made again)."""
        groups = {}
        for group, (key, made) in self.made.items():
            files = {path: (digest, found) for path, digest in made.items() if (found := status_of(path)) is not None}
            if len(files) == len(made):
                groups[group] = (key, files)
        return (self.salt, self.used, groups)

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

    def kept(self, group: str, key: bytes, status_of: Callable[[str], Status | None]) -> dict[str, Kept] | None:
        """The last build's files of the group, when it had this key and each is in the kept
        tree as written; then they are this build's too."""
        found = self.groups.get(group)
        if not key or found is None or found[0] != key.hex():
            return None
        if any(status_of(path) != status for path, (_, status) in found[1].items()):
            return None
        self.made[group] = (found[0], {path: digest for path, (digest, _) in found[1].items()})
        return {path: Kept(digest) for path, (digest, _) in found[1].items()}

    def keep(self, group: str, key: bytes, contents: dict[str, str | bytes | Kept]) -> None:
        """This build's files of the group, made under `key`."""
        self.made[group] = (key.hex(), {path: content.sha256 if isinstance(content, Kept) else hashlib.sha256(
            content.encode("utf-8") if isinstance(content, str) else content).hexdigest()
            for path, content in contents.items()})


def clock_view(site: Site, now: datetime) -> tuple[date, int]:
    """What the `DAY` group reads of the build time: the day (overdue action items, stale
    runbooks, "as of" dates) and how many review deadlines have passed (`review_due`: an
    incident's review is overdue, on the indexes and the tracker, once the build time is past
    it). The deadlines come from the summaries, which the key holds, so their count says which."""
    deadlines = sorted(due for incident in site.incidents if (due := review_due(incident, site.settings)) is not None)
    return now.date(), bisect.bisect_left(deadlines, now)


def overview_keys(site: Site, now: datetime, store: OverviewStore, table: bytes) -> dict[str, bytes] | None:
    """The key of each group of the overview made from the summarised `site` at `now` by the page
    table `table` (registry._table); None without file keys."""
    keys = file_keys(site)
    if not keys:
        return None
    digests = b"".join(store.digest(keys[incident.id], incident) for incident in site.incidents)
    rest = serialise(dataclasses.replace(site, incidents=(), postmortems=tuple(site.postmortems)))
    shown = {CLOCK: now, DAY: clock_view(site, now)}
    return {group: hashlib.sha256(store.salt + table + serialise((group, shown[group])) + rest + digests).digest()
            for group in GROUPS}
