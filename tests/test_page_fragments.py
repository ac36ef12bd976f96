"""The pieces of markup every public page repeats, written by hand as the pages show them: a
time, a status, a pill, an incident's tone (public/pages/fragments.py, once Jinja macros whose
autoescape escaped every value: the functions must escape alike)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from markupsafe import Markup

from generator.model import ImpactLevel, UpdateStatus
from generator.public.pages.fragments import incident_items, incident_tone, pill, status, when
from generator.public.pages.views import ArchivedIncident


def test_a_moment_is_shown_in_utc_with_its_machine_readable_form() -> None:
    moment = datetime(2026, 11, 20, 15, 2, 9, tzinfo=timezone(timedelta(hours=1)))
    assert when(moment) == '<time datetime="2026-11-20T14:02:09Z">20 Nov 2026, 14:02 UTC</time>'
    assert isinstance(when(moment), Markup)


def test_a_status_has_its_tone_icon_and_words() -> None:
    assert status(ImpactLevel.MAJOR_OUTAGE) == (
        '<span class="status tone-major"><span class="icon" aria-hidden="true">\u2716</span> Major outage</span>'
    )
    assert status("operational", " small") == (
        '<span class="status tone-ok small"><span class="icon" aria-hidden="true">\u2713</span> Operational</span>'
    )


def test_pill_text_and_tone_are_escaped() -> None:
    assert pill("Resolved", "ok") == '<span class="pill tone-ok">Resolved</span>'
    assert pill('<b>"x" & y</b>', 'a"b') == (
        '<span class="pill tone-a&#34;b">&lt;b&gt;&#34;x&#34; &amp; y&lt;/b&gt;</span>'
    )
    assert pill(Markup("<em>kept</em>"), "ok") == '<span class="pill tone-ok"><em>kept</em></span>'


def test_an_incident_is_ok_once_over_else_the_tone_of_its_worst_impact() -> None:
    start = datetime(2026, 11, 20, tzinfo=UTC)

    def incident(is_open: bool, worst: ImpactLevel | None) -> ArchivedIncident:
        return ArchivedIncident("INC-1", "t", UpdateStatus.INVESTIGATING, worst, is_open, start, start)

    assert incident_tone(incident(False, ImpactLevel.MAJOR_OUTAGE)) == "ok"
    assert incident_tone(incident(True, ImpactLevel.PARTIAL_OUTAGE)) == "part"
    assert incident_tone(incident(True, None)) == "deg"  # open with no public impact: degraded


def test_a_component_pages_incident_lines_link_escape_and_show_status_and_start() -> None:
    start = datetime(2026, 11, 20, 15, 2, 9, tzinfo=timezone(timedelta(hours=1)))
    hostile = ArchivedIncident("INC-1", '<b>"Tom\'s" & co</b>', UpdateStatus.IDENTIFIED, ImpactLevel.MAJOR_OUTAGE,
                               True, start, start)
    closed = ArchivedIncident("INC-2", "Slow search", UpdateStatus.RESOLVED, None, False, start, start)
    lines = incident_items([hostile, closed], "components/api.html")
    assert isinstance(lines, Markup)
    assert lines == (
        '<li><a href="../incidents/INC-1.html">&lt;b&gt;&#34;Tom&#39;s&#34; &amp; co&lt;/b&gt;</a> '
        '<span class="pill tone-major">Identified</span> '
        '<time datetime="2026-11-20T14:02:09Z">20 Nov 2026, 14:02 UTC</time></li>\n'
        '<li><a href="../incidents/INC-2.html">Slow search</a> <span class="pill tone-ok">Resolved</span> '
        '<time datetime="2026-11-20T14:02:09Z">20 Nov 2026, 14:02 UTC</time></li>\n'
    )
    assert incident_items([], "components/api.html") == ""
