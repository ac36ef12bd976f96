"""Incident pages: the index of every incident and one page per incident (out of the nav)."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ..derive.durations import durations
from ..derive.followup import review_due
from ..derive.status import impact_end, impact_start
from ..failures import blamed
from ..model import Incident, Site
from . import paths, rows
from .content import admonition_block
from .index import Kb, build_index
from .md import admonition, cell, day, external_link, front_matter, label, link, nowrap, span, table, when
from .pages import Keyed
from .summary import whole

_BLOCK_START = re.compile(r"^(\s*)([#>*+=|-]|\d+[.)]|!!!|\?\?\?)")


def plain_block(text: str) -> str:
    """Plain text (internal notes) as Markdown paragraphs: no HTML, no link, no attribute list,
    no accidental headings."""
    lines = [
        html.escape(line, quote=False).replace("{", "&#123;").replace("[", "\\[").replace("]", "\\]")
        for line in text.strip().splitlines()
    ]
    return "\n".join(_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in lines)


def incident_tags(kb: Kb, incident: Incident) -> list[str]:
    """Material tags: severity, type, affected services, root cause type, year."""
    tags = [
        f"Severity: {incident.severity.value}",
        f"Type: {incident.type.value}",
        f"Root cause: {incident.root_cause.type.value}",
        f"Year: {incident.started_at.year}",
    ]
    tags.extend(f"Service: {kb.service_name(s)}" for s in kb.services_of(incident))
    return tags


def state(incident: Incident) -> str:
    if incident.resolved_at is not None:
        return "resolved"
    return "open (mitigated)" if incident.mitigated_at is not None else "open"


def review_state(kb: Kb, incident: Incident) -> str:
    """Short review state for tables: the review status, or when one is due."""
    postmortem = kb.reviews.get(incident.id)
    if postmortem is not None:
        return postmortem.status.value
    due = review_due(incident, kb.site.settings)
    if due is None:
        return "none"
    shown = nowrap(str(due.date()))
    return f"**overdue** (due {shown})" if due < kb.now else f"due {shown}"


def incident_row(kb: Kb, incident: Incident, source: str) -> list[str]:
    """The incident's row in the tables of incidents; made once per folder of the page showing
    it (its links are relative): the index of services repeats each incident on every service
    page it affected. Kept between builds while what it shows is unchanged (rows.py)."""
    made: dict[tuple[str, str], list[str]] = kb.__dict__.setdefault("_incident_rows", {})
    folder = source.rpartition("/")[0]
    row = made.get((incident.id, folder))
    if row is None:
        file_key = kb.file_keys.get(incident.id)
        if file_key is None:
            row = _incident_row(kb, incident, source)
        else:  # kept between builds (rows.py): what the row shows besides the record
            names = [kb.service_name(s) for s in kb.services_of(incident)]
            row = rows.row((file_key, folder, names, review_state(kb, incident)),
                           functools.partial(_incident_row, kb, incident, source))
        made[(incident.id, folder)] = row
    return row


def _incident_row(kb: Kb, incident: Incident, source: str) -> list[str]:
    services = ", ".join(link(kb.service_name(s), source, paths.service(s)) for s in kb.services_of(incident))
    return [
        link(incident.id, source, paths.incident(incident.id), nowrap=True),
        cell(incident.title),
        nowrap(day(incident.started_at.date())),
        str(incident.started_at.year),
        incident.severity.value,
        incident.type.value,
        services or "—",
        state(incident),
        review_state(kb, incident),
    ]


INCIDENT_HEADERS = ["Id", "Title", "Started", "Year", "Severity", "Type", "Services", "Status", "Review"]


def incidents_index(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    source = paths.INCIDENTS
    newest = sorted(site.incidents, key=lambda i: (i.started_at, i.id), reverse=True)
    years = sorted({i.started_at.year for i in site.incidents}, reverse=True)
    out = front_matter("Incidents", wide=True) + "# Incidents\n\n"
    out += (
        f"{len(site.incidents)} incidents, internal and external, newest first. "
        f"Filter by year, severity, type, service or root cause on the "
        f"{link('tags page', source, paths.TAGS)}, or type an incident id or a word into search.\n\n"
    )
    if years:
        counts = ", ".join(f"{y}: {sum(1 for i in site.incidents if i.started_at.year == y)}" for y in years)
        out += f"Per year: {counts}.\n\n"
    out += table(INCIDENT_HEADERS, (incident_row(kb, i, source) for i in newest)) if newest else "No incidents yet.\n"
    return out


def _facts(kb: Kb, incident: Incident, source: str) -> str:
    cause = incident.root_cause
    cause_text = label(cause.type.value)
    if cause.service:
        cause_text += " in " + link(kb.service_name(cause.service), source, paths.service(cause.service))
    rows = [
        ["Type", incident.type.value + (" (never public)" if not incident.is_public else " (on the status page)")],
        ["Severity", link(incident.severity.value, source, paths.SEVERITY, incident.severity.value)],
        ["Status", state(incident)],
        ["Detection", label(incident.detection.value)],
        ["Regions", cell(", ".join(incident.regions)) or "—"],
        ["Root cause", cause_text],
    ]
    return table(["Field", "Value"], rows)


def _times(incident: Incident) -> str:
    times = durations(incident)
    rows = [
        ["Started", when(incident.started_at), "—"],
        ["Detected", when(incident.detected_at), f"TTD {span(times.ttd)}"],
        ["Mitigated", when(incident.mitigated_at), f"TTM {span(times.ttm)}"],
        ["Resolved", when(incident.resolved_at), f"TTR {span(times.ttr)}"],
    ]
    return table(["", "Time (UTC)", "Since start"], rows)


def _roles(incident: Incident) -> str:
    roles = incident.roles
    rows = [
        ["Incident manager", cell(roles.incident_manager) or "—"],
        ["Communications lead", cell(roles.communications_lead) or "—"],
        ["On-call", cell(", ".join(roles.oncall)) or "—"],
        ["Customer escalation manager", cell(roles.customer_escalation_manager) or "—"],
        ["Executive", cell(roles.executive) or "—"],
    ]
    return table(["Role", "People"], rows)


def _impact(kb: Kb, incident: Incident, source: str) -> str:
    if not incident.impact:
        return "No affected services recorded.\n"
    rows = [
        [
            link(kb.service_name(i.component), source, paths.service(i.component)),
            label(i.level.value),
            when(impact_start(incident, i)),
            when(end) if (end := impact_end(incident, i)) else "ongoing",
            cell(", ".join(i.regions)) or "all",
        ]
        for i in incident.impact
    ]
    return table(["Service", "Level", "From", "To", "Regions"], rows)


def _timeline(incident: Incident) -> str:
    """Public updates and internal notes in one time-ordered list, each marked as which."""
    entries: list[tuple[datetime, int, str]] = []
    for entry in incident.timeline:
        title = f"{when(entry.at)} · Internal note" + (f" · {entry.by}" if entry.by else "")
        entries.append((entry.at, 0, admonition("note", title, plain_block(entry.text) or "—")))
    for update in incident.updates:
        title = f"{when(update.at)} · Public update · {update.status.value}"
        entries.append((update.at, 1, admonition_block("info", title, update.body)))
    if not entries:
        return "No updates or timeline entries recorded.\n"
    entries.sort(key=lambda e: (e[0], e[1]))
    intro = "Public updates (as customers saw them) and internal notes, in time order.\n\n"
    return intro + "".join(text for _, _, text in entries)


def _review(kb: Kb, incident: Incident, source: str) -> str:
    postmortem = kb.reviews.get(incident.id)
    if postmortem is not None:
        review = link("Read the post-incident review", source, paths.review(incident.id))
        return f"{review} ({postmortem.status.value}).\n"
    due = review_due(incident, kb.site.settings)
    if due is None:
        return admonition("note", "No review yet", "No review deadline applies (internal or still open).")
    if due < kb.now:
        return admonition("failure", "No review yet — overdue", f"The review was due on {due.date()}.")
    return admonition("warning", "No review yet", f"The review is due on {due.date()}.")


def _runbooks(kb: Kb, incident: Incident, source: str) -> str:
    services = kb.services_of(incident)
    if not services:
        return "No affected services, so no runbooks.\n"
    out = ""
    for service_id in services:
        items = []
        for runbook in kb.runbooks_by_service.get(service_id, ()):
            alerts = f" — alerts: {cell(', '.join(runbook.alerts))}" if runbook.alerts else ""
            items.append(f"- {link(runbook.title, source, kb.runbook_pages[runbook.path])}{alerts}")
        service = kb.services.get(service_id)
        for url in service.runbooks if service else ():
            items.append(f"- {external_link(url, url)} (external)")
        name = link(kb.service_name(service_id), source, paths.service(service_id))
        out += f"**{name}**\n\n" + ("\n".join(items) if items else "- no runbook yet") + "\n\n"
    return out


@blamed("incident", lambda kb, incident: incident.id)
def incident_page(kb: Kb, incident: Incident) -> str:
    source = paths.incident(incident.id)
    out = front_matter(f"{incident.id}: {incident.title}", incident_tags(kb, incident))
    out += f"# {incident.id}: {cell(incident.title)}\n\n"
    if incident.is_open:
        out += admonition("danger", "Open incident", f"Ongoing since {when(incident.started_at)}.")
    out += _facts(kb, incident, source) + "\n## Times\n\n" + _times(incident)
    out += "\n## Roles\n\n" + _roles(incident)
    out += "\n## Affected services\n\n" + _impact(kb, incident, source)
    out += "\n## Timeline\n\n" + _timeline(incident)
    out += "\n## Post-incident review\n\n" + _review(kb, incident, source)
    out += "\n## Runbooks\n\n" + _runbooks(kb, incident, source)
    return out


def incident_inputs(kb: Kb, incident: Incident, record: bytes | Incident) -> tuple[Any, ...]:
    """Everything `incident_page` reads besides the code: the incident (`record`: its file's
    key, else the whole record), the services it names (their names, external runbooks and
    runbooks: `Kb.service_key`, made once per service), its review's status or when one is due
    (and whether that is past)."""
    cause = incident.root_cause.service
    postmortem = kb.reviews.get(incident.id)
    due = review_due(incident, kb.site.settings)
    return (record, [kb.service_key(s) for s in kb.services_of(incident)],
            kb.service_key(cause) if cause else None, postmortem.status if postmortem else None, due,
            due is not None and due < kb.now)


def incident_pages(site: Site, now: datetime) -> Iterator[Keyed]:
    """Each incident's page, from its whole record (the site's incidents may be summaries)."""
    kb = build_index(site, now)
    for index, incident in enumerate(site.incidents):
        key = kb.file_keys.get(incident.id)
        record = key if key is not None else whole(site.incidents, index)
        yield Keyed(paths.incident(incident.id), incident_inputs(kb, incident, record),
                    functools.partial(_own_page, kb, site.incidents, index))


def _own_page(kb: Kb, incidents: Sequence[Incident], index: int) -> str:
    return incident_page(kb, whole(incidents, index))
