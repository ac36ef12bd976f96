"""Post-incident review pages: an index, and each review with its incident's metadata above it."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from ..derive.durations import durations
from ..derive.followup import review_due, review_overdue
from ..failures import blamed
from ..model import Incident, Postmortem, Site
from . import paths
from .content import admonition_block, document
from .index import Action, Kb, build_index
from .md import cell, day, external_link, front_matter, label, link, nowrap, span, table
from .pages import Keyed
from .summary import whole

OVERDUE = '<span class="kb-overdue">overdue</span>'


def action_rows(actions: Iterable[Action], source: str, with_review: bool = False) -> list[list[str]]:
    """Table rows of action items; overdue ones say so in words (not by colour alone), once: in
    the status, with the due date in bold."""
    rows = []
    for action in actions:
        item = action.item
        due = nowrap(day(action.due))
        status = label(item.status.value)
        if action.overdue:
            due = f"**{due}**"
            status = f"{status}, {OVERDUE}"
        title = cell(item.title)
        if item.link:
            title += f" ({external_link('ticket', item.link)})"
        row = [nowrap(item.id), title, cell(item.owner) or "—", item.priority.value, due, status]
        if with_review:
            incident_id = action.postmortem.incident
            row.append(link(incident_id, source, paths.review(incident_id), "kb-action-items", nowrap=True))
        rows.append(row)
    return rows


ACTION_HEADERS = ["Id", "Title", "Owner", "Priority", "Due", "Status"]


def needing_review(kb: Kb) -> list[tuple[Incident, datetime, bool]]:
    """External incidents whose review is due (no reviewed review yet): (incident, due, overdue)."""
    out = []
    for incident in kb.site.incidents:
        due = review_due(incident, kb.site.settings)
        postmortem = kb.reviews.get(incident.id)
        if due is None or (postmortem is not None and postmortem.status.value != "draft"):
            continue
        out.append((incident, due, review_overdue(incident, postmortem, kb.site.settings, kb.now)))
    return sorted(out, key=lambda t: (t[1], t[0].id))


def due_reviews_table(kb: Kb, source: str, most: int | None = None) -> str:
    """The reviews due, earliest due first; with `most`, only that many and a link to them all
    (the home page: an organisation with thousands overdue gets a page one can read)."""
    rows = [
        [
            link(incident.id, source, paths.incident(incident.id), nowrap=True),
            cell(incident.title),
            incident.severity.value,
            f"**{nowrap(str(due.date()))}** {OVERDUE}" if overdue else nowrap(str(due.date())),
            kb.reviews[incident.id].status.value if incident.id in kb.reviews else "not started",
        ]
        for incident, due, overdue in needing_review(kb)
    ]
    if not rows:
        return "No review is due.\n"
    shown = table(["Incident", "Title", "Severity", "Review due", "Review"], rows[:most])
    if most is not None and len(rows) > most:
        everything = link("all reviews due", source, paths.REVIEWS, "reviews-due")
        shown += f"\n{more(len(rows) - most, 'review', everything)}\n"
    return shown


def more(hidden: int, noun: str, where: str) -> str:
    """The line under a table cut short: `And 12 more reviews: see ...`."""
    return f"And {hidden:,} more {noun}{'' if hidden == 1 else 's'}: see {where}."


def reviews_index(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    source = paths.REVIEWS
    out = front_matter("Post-incident reviews", wide=True) + "# Post-incident reviews\n\n"
    out += "Blameless reviews of incidents, newest incident first.\n\n"
    rows = []
    ordered = sorted(
        site.postmortems,
        key=lambda p: (kb.incidents[p.incident].started_at if p.incident in kb.incidents else now, p.incident),
        reverse=True,
    )
    for postmortem in ordered:
        incident = kb.incidents.get(postmortem.incident)
        open_items = sum(1 for a in kb.actions_of(postmortem.incident) if a.is_open)
        rows.append(
            [
                link(postmortem.incident, source, paths.review(postmortem.incident), nowrap=True),
                cell(incident.title) if incident else "—",
                incident.severity.value if incident else "—",
                postmortem.status.value,
                nowrap(day(postmortem.review_date)),
                cell(", ".join(postmortem.authors)) or "—",
                str(open_items),
            ]
        )
    headers = ["Incident", "Title", "Severity", "Status", "Review date", "Authors", "Open items"]
    out += table(headers, rows) if rows else "No reviews yet.\n"
    out += "\n## Reviews due\n\n" + due_reviews_table(kb, source)
    return out


def _header(kb: Kb, postmortem: Postmortem, incident: Incident | None, source: str) -> str:
    rows = [["Incident", link(postmortem.incident, source, paths.incident(postmortem.incident))]]
    if incident is not None:
        times = durations(incident)
        services = ", ".join(link(kb.service_name(s), source, paths.service(s)) for s in kb.services_of(incident))
        rows += [
            ["Severity", incident.severity.value],
            ["Type", incident.type.value],
            [
                "Duration",
                span((incident.resolved_at or kb.now) - incident.started_at) + (" so far" if incident.is_open else ""),
            ],
            ["TTD / TTM / TTR", " / ".join(span(times.get(name)) for name in ("ttd", "ttm", "ttr"))],
            ["Services", services or "—"],
        ]
    rows += [
        ["Authors", cell(", ".join(postmortem.authors)) or "—"],
        ["Review status", postmortem.status.value],
        ["Review date", day(postmortem.review_date)],
    ]
    return table(["Field", "Value"], rows)


@blamed("postmortem", lambda kb, postmortem: postmortem.incident)
def review_page(kb: Kb, postmortem: Postmortem) -> str:
    source = paths.review(postmortem.incident)
    incident = kb.incidents.get(postmortem.incident)
    title = f"Review of {postmortem.incident}" + (f": {incident.title}" if incident else "")
    tags = [f"Review: {postmortem.status.value}"]
    if incident is not None:
        tags += [f"Severity: {incident.severity.value}", f"Root cause: {incident.root_cause.type.value}"]
    out = front_matter(title, tags) + f"# {cell(title)}\n\n" + _header(kb, postmortem, incident, source) + "\n"
    if postmortem.public_summary.strip():
        shown = "shown on the status page" if postmortem.status.value == "published" else "not published yet"
        out += admonition_block("abstract", f"Public summary ({shown})", postmortem.public_summary)
    out += document(postmortem.body) + "\n\n## Action items {#kb-action-items}\n\n"
    actions = kb.actions_of(postmortem.incident)
    out += table(ACTION_HEADERS, action_rows(actions, source)) if actions else "No action items.\n"
    return out


def review_inputs(kb: Kb, postmortem: Postmortem) -> tuple[Any, ...]:
    """Everything `review_page` reads besides the code: the review, its incident (its file's key)
    and the names of the services it affected, its action items as the tracker shows them (the
    item, due, overdue: action_rows), and
    the build time while the incident is open (its duration says "so far")."""
    incident = kb.incidents.get(postmortem.incident)
    names = [(s, kb.service_name(s)) for s in kb.services_of(incident)] if incident is not None else []
    open_now = kb.now if incident is not None and incident.resolved_at is None else None
    actions = [(action.item, action.due, action.overdue) for action in kb.actions_of(postmortem.incident)]
    return (postmortem, kb.record_key(incident) if incident is not None else None, names, actions, open_now)


def review_pages(site: Site, now: datetime) -> Iterator[Keyed]:
    """Each review's page, from its whole record (the site's reviews may be summaries)."""
    kb = build_index(site, now)
    for index in range(len(site.postmortems)):
        postmortem = whole(site.postmortems, index)
        yield Keyed(paths.review(postmortem.incident), review_inputs(kb, postmortem),
                    functools.partial(review_page, kb, postmortem))
