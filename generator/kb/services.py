"""The service catalogue and one page per service (out of the nav).

A service's page lists its newest incidents (`SERVICE_ROWS`) and links to a page of all of
them (`paths.service_incidents`). The service's page shows its availability as of the build
time, which changes with every build while an incident on it is open; with every incident on
it (1,000 rows, 300 KB of Markdown at 5,000 incidents) Python-Markdown converted the whole
table again each time, 0.6 s of CPU a service. The page of all of them shows nothing that
moves with the clock but a review falling due, so a rebuild reuses its HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from ..derive.status import impact_spans
from ..derive.uptime import availability, flatten
from ..failures import blamed
from ..model import Incident, Service, Site
from . import paths
from .incidents import INCIDENT_HEADERS, incident_row
from .index import Action, Kb, build_index
from .md import cell, external_link, front_matter, link, table
from .pages import Output
from .reviews import ACTION_HEADERS, action_rows, more
from .runbooks import reviewed_cell

#: Incidents listed on a service's page (the newest first); all of them are a link away.
SERVICE_ROWS = 20


def measured(kb: Kb, service: Service) -> float:
    """Availability in percent over the last `uptime_days`, counting every incident; worked
    out once per build (the catalogue and the service's page both show it)."""
    known: dict[str, float] = kb.__dict__.setdefault("_measured", {})
    if service.id not in known:
        spans = impact_spans(kb.incidents_by_service.get(service.id, ()), kb.now).get(service.id, [])
        start = kb.now - timedelta(days=kb.site.settings.uptime_days)
        known[service.id] = 100.0 * availability(flatten(spans), start, kb.now, kb.site.settings.uptime_weights)
    return known[service.id]


def availability_cell(kb: Kb, service: Service) -> str:
    value = measured(kb, service)
    text = f"{value:.3f}%"
    if service.slo is not None and value < service.slo:
        text += ' <span class="kb-overdue">below SLO</span>'
    return text


def open_actions(kb: Kb, service_id: str) -> list[Action]:
    """Open action items from reviews of incidents that affected the service."""
    hit = {i.id for i in kb.incidents_by_service.get(service_id, ())}
    return [a for a in kb.actions if a.is_open and a.postmortem.incident in hit]


def catalogue(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    source = paths.SERVICES
    days = site.settings.uptime_days
    out = front_matter("Services", wide=True) + "# Services\n\n"
    out += f"The service catalogue. Availability is measured over the last {days} days from every incident.\n\n"
    headers = [
        "Service",
        "Owner",
        "On-call",
        "SLO",
        f"Availability ({days} d)",
        "Visibility",
        "Incidents",
        "Runbooks",
        "Open items",
    ]
    for group in site.groups:
        members = [s for s in site.services if s.group == group.name]
        if not members:
            continue
        rows = [
            [
                link(s.name, source, paths.service(s.id)),
                cell(s.owner) or "—",
                cell(s.oncall) or "—",
                f"{s.slo}%" if s.slo is not None else "—",
                availability_cell(kb, s),
                "public" if s.public else "internal",
                str(len(kb.incidents_by_service.get(s.id, ()))),
                str(len(kb.runbooks_by_service.get(s.id, ())) + len(s.runbooks)),
                str(len(open_actions(kb, s.id))),
            ]
            for s in members
        ]
        out += f"## {cell(group.name)}\n\n" + table(headers, rows) + "\n"
    return out


@blamed("service", lambda kb, service: service.id)
def service_page(kb: Kb, service: Service) -> str:
    source = paths.service(service.id)
    out = front_matter(service.name, [f"Service: {service.name}"]) + f"# {cell(service.name)}\n\n"
    if service.description:
        out += cell(service.description) + "\n\n"
    rows = [
        ["Id", f"`{service.id}`"],
        ["Group", cell(service.group)],
        ["Owner", cell(service.owner) or "—"],
        ["On-call", cell(service.oncall) or "—"],
        ["SLO", f"{service.slo}%" if service.slo is not None else "—"],
        [f"Availability ({kb.site.settings.uptime_days} d)", availability_cell(kb, service)],
        ["Visibility", "public (on the status page)" if service.public else "internal (never public)"],
    ]
    out += table(["Field", "Value"], rows)
    out += "\n## Runbooks\n\n"
    runbooks = kb.runbooks_by_service.get(service.id, ())
    items = [
        f"- {link(r.title, source, kb.runbook_pages[r.path])} — last reviewed {reviewed_cell(kb, r)}" for r in runbooks
    ]
    items += [f"- {external_link(url, url)} (external)" for url in service.runbooks]
    out += ("\n".join(items) if items else "No runbook yet.") + "\n"
    out += "\n## Incidents\n\n"
    hit = incidents_of(kb, service)
    shown = (incident_row(kb, i, source) for i in hit[:SERVICE_ROWS])
    out += table(INCIDENT_HEADERS, shown) if hit else "No incidents.\n"
    if len(hit) > SERVICE_ROWS:
        every = link(f"every incident of {service.name}", source, paths.service_incidents(service.id))
        out += f"\n{more(len(hit) - SERVICE_ROWS, 'incident', every)}\n"
    out += "\n## Open action items\n\n"
    actions = open_actions(kb, service.id)
    out += table([*ACTION_HEADERS, "Review"], action_rows(actions, source, True)) if actions else "None.\n"
    return out


def incidents_of(kb: Kb, service: Service) -> list[Incident]:
    """The incidents that impacted the service, the newest first."""
    return sorted(kb.incidents_by_service.get(service.id, ()), key=lambda i: (i.started_at, i.id), reverse=True)


@blamed("service", lambda kb, service: service.id)
def service_incidents_page(kb: Kb, service: Service) -> str:
    """Every incident that impacted the service, for its page to link to when it has more
    than it lists."""
    source = paths.service_incidents(service.id)
    title = f"Incidents of {service.name}"
    out = front_matter(title, wide=True) + f"# {cell(title)}\n\n"
    out += f"Every incident that impacted {link(service.name, source, paths.service(service.id))}, newest first.\n\n"
    return out + table(INCIDENT_HEADERS, (incident_row(kb, i, source) for i in incidents_of(kb, service)))


def service_pages(site: Site, now: datetime) -> Iterator[Output]:
    kb = build_index(site, now)
    for service in site.services:
        yield Output(paths.service(service.id), service_page(kb, service))


def incident_lists(site: Site, now: datetime) -> Iterator[Output]:
    """The page of every incident of each service with more than its page lists. Of the build
    time they read only which review deadlines passed (registry: `by_day`)."""
    kb = build_index(site, now)
    for service in site.services:
        if len(kb.incidents_by_service.get(service.id, ())) > SERVICE_ROWS:
            yield Output(paths.service_incidents(service.id), service_incidents_page(kb, service))
