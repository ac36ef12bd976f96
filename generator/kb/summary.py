"""The knowledge base's view of a site: every incident and review summarised.

Only an incident's own page shows its public updates, internal timeline and roles, and only a
review's own page shows its body; every other page (the navigation pages, the service pages,
the metrics files, and each incident's or review's page for the others it names) reads the
rest. So the pages are made from the site with those fields left out (`summarised`), and an
incident's or review's own page takes its record whole (`whole`). What the summary holds is
then all that those pages can show, so they can be kept while it is unchanged (overview.py):
posting an update or editing a review's text changes no summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TypeVar

from ..model import Incident, Postmortem, Roles, Site

T = TypeVar("T", Incident, Postmortem)


class Summarised(tuple[T, ...]):
    """Summaries of a site's records, in its order, with the records themselves (`whole`)."""

    records: Sequence[T]


def summarise(incident: Incident) -> Incident:
    """The incident as every page but its own shows it: no updates, timeline or roles."""
    return dataclasses.replace(incident, updates=(), timeline=(), roles=Roles())


def summarise_review(postmortem: Postmortem) -> Postmortem:
    """The review as every page but its own shows it: no body."""
    return dataclasses.replace(postmortem, body="", body_line=1)


def summarised(site: Site) -> Site:
    """The site with its incidents and reviews summarised."""
    incidents: Summarised[Incident] = Summarised(summarise(i) for i in site.incidents)
    incidents.records = site.incidents
    reviews: Summarised[Postmortem] = Summarised(summarise_review(p) for p in site.postmortems)
    reviews.records = site.postmortems
    return dataclasses.replace(site, incidents=incidents, postmortems=reviews)


def whole(records: Sequence[T], index: int) -> T:
    """The record itself at `index` of a site's incidents or reviews, summarised or not."""
    return records.records[index] if isinstance(records, Summarised) else records[index]
