"""Home, severity guidelines and the tags page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..model import Severity, Site
from . import paths
from .content import document
from .incidents import INCIDENT_HEADERS, incident_row
from .index import build_index
from .md import cell, front_matter, link, table
from .reviews import ACTION_HEADERS, action_rows, due_reviews_table, more

#: Rows of each list on the home page (the earliest due first); the rest are a link away.
HOME_ROWS = 20


def home(site: Site, now: datetime, sections: Sequence[tuple[str, str]]) -> str:
    """The home page; `sections` are the (title, path) of the other navigation pages."""
    kb = build_index(site, now)
    source = paths.HOME
    out = front_matter(f"{site.settings.name} knowledge base", wide=True)
    out += f"# {cell(site.settings.name)} knowledge base\n\n"
    out += f"Built {now.strftime('%Y-%m-%d %H:%M UTC')} from the content folder.\n\n"
    opened = [i for i in reversed(site.incidents) if i.is_open]
    out += "## Open incidents\n\n"
    out += table(INCIDENT_HEADERS, (incident_row(kb, i, source) for i in opened)) if opened else "No open incidents.\n"
    out += "\n## Reviews due or overdue\n\n" + due_reviews_table(kb, source, HOME_ROWS)
    overdue = [a for a in kb.actions if a.overdue]
    out += "\n## Overdue action items\n\n"
    out += table([*ACTION_HEADERS, "Review"], action_rows(overdue[:HOME_ROWS], source, True)) if overdue else "None.\n"
    if len(overdue) > HOME_ROWS:
        tracker = link("the follow-up tracker", source, paths.FOLLOWUPS)
        out += f"\n{more(len(overdue) - HOME_ROWS, 'overdue action item', tracker)}\n"
    out += "\n## Sections\n\n"
    out += "".join(f"- {link(title, source, path)}\n" for title, path in sections)
    return out


def severity(site: Site, now: datetime) -> str:
    guidelines = site.settings.severity_guidelines
    out = front_matter("Severity guidelines") + "# Severity guidelines\n\n"
    out += "How to classify an incident, from `site.yaml` (`severity_guidelines`).\n\n"
    for level in Severity:
        count = sum(1 for i in site.incidents if i.severity is level)
        out += f"## {level.value.capitalize()} {{#{level.value}}}\n\n"
        out += document(guidelines.get(level) or "No guideline written yet.") + "\n\n"
        out += f"*{count} incidents so far.*\n\n"
    return out


def tags(site: Site, now: datetime) -> str:
    return (
        front_matter("Tags")
        + "# Tags\n\nIncidents, reviews, runbooks and services by severity, type, service, root cause and year.\n\n"
        + "<!-- material/tags -->\n"
    )
