"""The knowledge base's view of a site: every incident and review summarised.

Only an incident's own page shows its public updates, internal timeline and roles, and only a
review's own page shows its body; every other page (the navigation pages, the service pages,
the metrics files, and each incident's or review's page for the others it names) reads the
rest. So the pages are made from the site with those fields left out (`summarised`), and an
incident's or review's own page takes its record whole (`whole`). What the summary holds is
then all that those pages can show, so they can be kept while it is unchanged (overview.py):
posting an update or editing a review's text changes no summary. The summaries are kept
between builds (overview.OverviewStore), so a rebuild reads the records of changed incidents
only, and one more for each incident's page it makes.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from ..load.cache import gc_paused
from ..load.lazy import LazyIncidents
from ..model import Incident, Postmortem, Roles, Site

T = TypeVar("T", Incident, Postmortem)


class Summarised(tuple[T, ...]):
    """Summaries of a site's records, in its order, with the records themselves (`whole`)."""

    records: Sequence[T]


class Kept(Protocol):
    """Summaries kept by earlier builds, by the load cache's key of the incident's file."""

    def summary(self, file_key: bytes, make: Callable[[], Incident]) -> Incident: ...


def summarise(incident: Incident) -> Incident:
    """The incident as every page but its own shows it: no updates, timeline or roles."""
    return dataclasses.replace(incident, updates=(), timeline=(), roles=Roles())


def summarise_review(postmortem: Postmortem) -> Postmortem:
    """The review as every page but its own shows it: no body."""
    return dataclasses.replace(postmortem, body="", body_line=1)


def summarised(site: Site, kept: Kept | None = None) -> Site:
    """The site with its incidents and reviews summarised; an incident's summary from `kept`
    by its file's key when it has it (a lazy load), so that record is not even read."""
    incidents = site.incidents
    if kept is not None and isinstance(incidents, LazyIncidents):
        with gc_paused():  # they all live to the end of the build
            shown = [kept.summary(ref.key, functools.partial(_summary_at, incidents, index))
                     for index, ref in enumerate(incidents.refs)]
    else:
        shown = [summarise(incident) for incident in incidents]
    summaries: Summarised[Incident] = Summarised(shown)
    summaries.records = incidents
    reviews: Summarised[Postmortem] = Summarised(summarise_review(p) for p in site.postmortems)
    reviews.records = site.postmortems
    return dataclasses.replace(site, incidents=summaries, postmortems=reviews)


def _summary_at(incidents: LazyIncidents, index: int) -> Incident:
    return summarise(incidents.at(index))


def whole(records: Sequence[T], index: int) -> T:
    """The record itself at `index` of a site's incidents or reviews, summarised or not (a
    lazily loaded one is read alone)."""
    found = records.records if isinstance(records, Summarised) else records
    return found.at(index) if isinstance(found, LazyIncidents) else found[index]  # type: ignore[return-value]


def read_all(site: Site) -> None:
    """Read every record of a lazily loaded site now: before worker processes are forked, which
    would otherwise read them through one shared file position."""
    found = site.incidents.records if isinstance(site.incidents, Summarised) else site.incidents
    if isinstance(found, LazyIncidents):
        found.records()
