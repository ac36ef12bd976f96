"""Lookups every knowledge-base page needs, computed once per build from (site, now).

Pages are pure functions of `Kb`; nothing here touches the disk or the clock.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from ..derive.followup import OPEN_STATUSES, effective_due, is_overdue
from ..digest import serialise
from ..load.lazy import LazyIncidents
from ..model import ActionItem, Incident, Postmortem, Runbook, Service, Site
from . import paths
from .summary import Summarised


@dataclass(frozen=True, slots=True)
class Action:
    """An action item with what the tracker shows about it: its review, due day and state."""

    item: ActionItem
    postmortem: Postmortem
    incident: Incident | None
    due: date | None
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.item.status in OPEN_STATUSES

    def sort_key(self) -> tuple[int, int, str, str]:
        """Overdue first, then other open items, then closed ones; earliest due first."""
        state = 0 if self.overdue else 1 if self.is_open else 2
        return (state, self.due.toordinal() if self.due else 10**7, self.item.priority.value, self.item.id)


@dataclass(frozen=True)
class Kb:
    """The site plus its cross references (incident <-> review <-> runbooks <-> services)."""

    site: Site
    now: datetime
    incidents: dict[str, Incident]
    reviews: dict[str, Postmortem]
    actions: tuple[Action, ...]
    runbooks_by_service: dict[str, tuple[Runbook, ...]]
    incidents_by_service: dict[str, tuple[Incident, ...]]
    runbook_pages: dict[str, str]
    #: Incident id -> the load cache's key of its file, when the site was loaded lazily with the
    #: cache (load/lazy.py): the key changes whenever anything the record is made of changes.
    file_keys: dict[str, bytes]

    @property
    def today(self) -> date:
        return self.now.date()

    def services_of(self, incident: Incident) -> tuple[str, ...]:
        """Affected service ids, in impact order, without repeats."""
        return tuple(dict.fromkeys(impact.component for impact in incident.impact))

    def record_key(self, incident: Incident) -> bytes | Incident:
        """What stands for the incident in another page's inputs (pages.Keyed): its file's key,
        so the page is keyed without serialising the record, else the record as shown there."""
        return self.file_keys.get(incident.id, incident)

    def service_name(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.name if service else service_id

    @property
    def services(self) -> dict[str, Service]:
        """The services by id (`Site.service` looks through the list: thousands of times a build)."""
        found: dict[str, Service] | None = self.__dict__.get("_services")
        if found is None:
            found = self.__dict__["_services"] = {}
            for service in self.site.services:
                found.setdefault(service.id, service)
        return found

    def service_key(self, service_id: str) -> bytes:
        """What a page shows of a service it names: its name, external runbooks and the runbooks
        of the knowledge base for it (title, alerts, page), as one digest made once a build, so
        the inputs of every incident's page (pages.Keyed) hold 32 bytes per service instead."""
        keys: dict[str, bytes] = self.__dict__.setdefault("_service_keys", {})
        found = keys.get(service_id)
        if found is None:
            service = self.services.get(service_id)
            runbooks = [(r.title, r.alerts, self.runbook_pages[r.path])
                        for r in self.runbooks_by_service.get(service_id, ())]
            shown = (service_id, self.service_name(service_id), service.runbooks if service else (), runbooks)
            found = keys[service_id] = hashlib.sha256(serialise(shown)).digest()
        return found

    def actions_of(self, incident_id: str) -> tuple[Action, ...]:
        return self.actions_by_incident.get(incident_id, ())

    @property
    def actions_by_incident(self) -> dict[str, tuple[Action, ...]]:
        """The actions of each incident's review, in tracker order (made on first use)."""
        found: dict[str, tuple[Action, ...]] | None = self.__dict__.get("_by_incident")
        if found is None:
            grouped: dict[str, list[Action]] = defaultdict(list)
            for action in self.actions:
                grouped[action.postmortem.incident].append(action)
            found = self.__dict__["_by_incident"] = {k: tuple(v) for k, v in grouped.items()}
        return found


#: The index of the latest (site, now): every page producer asks for it.
_LATEST: list[tuple[Site, datetime, Kb]] = []


def build_index(site: Site, now: datetime) -> Kb:
    """The cross references of `site` at `now`, made once per (site, now)."""
    if _LATEST and _LATEST[0][0] is site and _LATEST[0][1] == now:
        return _LATEST[0][2]
    kb = _make_index(site, now)
    _LATEST[:] = [(site, now, kb)]
    return kb


def forget() -> None:
    """Drop the latest index (and its site): once a build has made its pages, nothing asks."""
    _LATEST.clear()


def _make_index(site: Site, now: datetime) -> Kb:
    incidents = {i.id: i for i in site.incidents}
    reviews = {p.incident: p for p in site.postmortems}
    actions: list[Action] = []
    for postmortem in site.postmortems:
        incident = incidents.get(postmortem.incident)
        for item in postmortem.action_items:
            due = effective_due(item, postmortem, incident, site.settings)
            actions.append(Action(item, postmortem, incident, due, is_overdue(item, due, now.date())))
    by_service: dict[str, list[Runbook]] = defaultdict(list)
    for runbook in site.runbooks:
        for service_id in runbook.services:
            by_service[service_id].append(runbook)
    hit: dict[str, list[Incident]] = defaultdict(list)
    for incident in site.incidents:
        for service_id in dict.fromkeys(impact.component for impact in incident.impact):
            hit[service_id].append(incident)
    return Kb(
        site=site,
        now=now,
        incidents=incidents,
        reviews=reviews,
        actions=tuple(sorted(actions, key=Action.sort_key)),
        runbooks_by_service={k: tuple(v) for k, v in sorted(by_service.items())},
        incidents_by_service={k: tuple(v) for k, v in sorted(hit.items())},
        runbook_pages=paths.runbook_pages(site.runbooks),
        file_keys=file_keys(site),
    )


def file_keys(site: Site) -> dict[str, bytes]:
    """Each incident's file key from a lazy load (summarised or not); none when an id is not unique (never in a
    site that validated) or the load was not lazy."""
    incidents = site.incidents.records if isinstance(site.incidents, Summarised) else site.incidents
    if not isinstance(incidents, LazyIncidents):
        return {}
    keys = {ref.facts.id: ref.key for ref in incidents.refs}
    return keys if len(keys) == len(incidents.refs) else {}
