"""The small pieces of markup every public page repeats (a time, a status, a pill), as functions.

They were Jinja macros; a macro call costs about 10 µs (a new frame, a context, a Markup of its
output) and an incident page calls them some twenty times, which made them a quarter of
rendering the pages of a large site. Each value is escaped here exactly as the template's
autoescape escaped it, so the pages are the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from markupsafe import Markup, escape

from ...model import ImpactLevel, UpdateStatus
from .. import urls
from .labels import State, iso, state_icon, state_label, state_tone, utc, word


def when(moment: datetime) -> Markup:
    """A moment as `<time>`: machine-readable in its attribute, `20 Nov 2026, 14:02 UTC` shown."""
    return Markup(f'<time datetime="{escape(iso(moment))}">{escape(utc(moment))}</time>')


def status(value: State, extra: str = "") -> Markup:
    """A state by its tone, its icon (whose shape differs per state) and its words."""
    return Markup(
        f'<span class="status tone-{escape(state_tone(value))}{escape(extra)}"><span class="icon" aria-hidden="true">'
        f"{escape(state_icon(value))}</span> {escape(state_label(value))}</span>"
    )


def pill(text: str, tone: str) -> Markup:
    """A word in a coloured pill (`Resolved`, `Scheduled`)."""
    return Markup(f'<span class="pill tone-{escape(tone)}">{escape(text)}</span>')


class _Incident(Protocol):
    @property
    def is_open(self) -> bool: ...

    @property
    def worst(self) -> ImpactLevel | None: ...


def incident_tone(incident: _Incident) -> str:
    """The tone of an incident's pill: `ok` once it is over, else its worst impact's."""
    if not incident.is_open:
        return "ok"
    return state_tone(incident.worst or "degraded_performance")


class _Listed(_Incident, Protocol):
    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def status(self) -> UpdateStatus: ...

    @property
    def started_at(self) -> datetime: ...


def incident_items(incidents: Iterable[_Listed], here: str) -> Markup:
    """One `<li>` line per incident, as the page at `here` lists them (a component's last 12
    months): its linked title, its status pill and its start, as `pill()` and `when()` write
    them. As a loop in the template this was most of rendering a component page (6,000 lines
    over the ten component pages that every rebuild renders, at 20,000 incidents)."""
    return Markup("".join(
        f'<li><a href="{_escaped(urls.relative(here, urls.incident(i.id)))}">{_escaped(i.title)}</a> '
        f'<span class="pill tone-{_escaped(incident_tone(i))}">{_escaped(word(i.status))}</span> '
        f'<time datetime="{_escaped(iso(i.started_at))}">{_escaped(utc(i.started_at))}</time></li>\n'
        for i in incidents
    ))


def _escaped(text: str) -> str:
    """`str(escape(text))` of a plain string, without making a Markup object: the same five
    characters replaced with the same entities."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


GLOBALS = {"when": when, "status": status, "pill": pill, "incident_tone": incident_tone,
           "incident_items": incident_items}
