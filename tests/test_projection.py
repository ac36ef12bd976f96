"""The public projection: current states, and time travel with --now."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildRequest, build
from generator.derive.status import ComponentStatus, Indicator
from generator.public.projection import project
from tests.sitekit import load, make_content, now

OPEN_INCIDENT = """\
id: INC-7
title: API slow
type: external
severity: medium
started_at: 2026-11-28T10:00:00Z
detected_at: 2026-11-28T10:05:00Z
impact:
  - component: api
    level: partial_outage
  - component: vpn
    level: major_outage
updates:
  - at: 2026-11-28T10:10:00Z
    status: investigating
    body: Looking.
  - at: 2026-11-28T11:10:00Z
    status: identified
    body: Found it.
"""

MAINTENANCE = """\
id: MNT-1
title: Web upgrade
components: [web, vpn]
scheduled_start: 2026-11-28T09:00:00Z
scheduled_end: 2026-11-28T13:00:00Z
updates:
  - at: 2026-11-20T10:00:00Z
    status: scheduled
    body: Planned.
  - at: 2026-11-28T09:01:00Z
    status: in_progress
    body: Started.
  - at: 2026-11-28T12:30:00Z
    status: completed
    body: Done.
"""


def page_at(tmp_path: Path, at: str):  # type: ignore[no-untyped-def]
    root = make_content(tmp_path / "content", {"incidents/a.yaml": OPEN_INCIDENT, "maintenance/m.yaml": MAINTENANCE})
    loaded = load(root, at)
    assert loaded.problems.errors == []
    return project(loaded.site, now(at))


def test_current_states_and_banner(tmp_path: Path) -> None:
    page = page_at(tmp_path, "2026-11-28T12:00:00Z")
    assert [c.id for c in page.components] == ["api", "web"]  # vpn is internal
    assert page.component("api").status is ComponentStatus.PARTIAL_OUTAGE
    assert page.component("web").status is ComponentStatus.UNDER_MAINTENANCE
    # api in partial outage, web under maintenance: some but not all in partial outage.
    assert (page.status.indicator, page.status.description) == (Indicator.MINOR, "Minor Service Outage")
    [incident] = page.active_incidents
    assert [i.component_id for i in incident.impacts] == ["api"]
    assert [u.status.value for u in incident.updates] == ["identified", "investigating"]
    assert [m.id for m in page.active_maintenance] == ["MNT-1"]
    assert page.maintenance[0].component_ids == ("web",)


def test_the_past_does_not_know_the_future(tmp_path: Path) -> None:
    before_incident = page_at(tmp_path, "2026-11-28T09:30:00Z")
    assert before_incident.incidents == ()
    assert before_incident.component("web").status is ComponentStatus.UNDER_MAINTENANCE
    assert before_incident.status.indicator is Indicator.MAINTENANCE
    before_announcement = page_at(tmp_path / "b", "2026-11-19T00:00:00Z")
    assert before_announcement.maintenance == ()
    after = page_at(tmp_path / "c", "2026-11-28T12:45:00Z")
    assert after.component("web").status is ComponentStatus.OPERATIONAL
    assert after.maintenance[0].status.value == "completed"
    early = page_at(tmp_path / "d", "2026-11-28T10:30:00Z")
    assert [u.status.value for u in early.incidents[0].updates] == ["investigating"]


# ---------------------------------------------------------------- nothing from after `now`

#: Started 11:00, impact on the API only from 12:31, on the website until 13:05, mitigated
#: 13:20, resolved 13:47; a review published afterwards. Maintenance of the API in progress
#: from 11:31, completed at 12:25. Built as of 12:00, none of these later facts exist yet.
LATER_FACTS = {
    "incidents/b.yaml": """\
        id: INC-9
        title: Checkout errors
        type: external
        severity: major
        started_at: 2026-11-28T11:00:00Z
        detected_at: 2026-11-28T11:05:00Z
        mitigated_at: 2026-11-28T13:20:00Z
        resolved_at: 2026-11-28T13:47:00Z
        impact:
          - component: api
            level: major_outage
            from: 2026-11-28T12:31:00Z
          - component: web
            level: degraded_performance
            to: 2026-11-28T13:05:00Z
        updates:
          - at: 2026-11-28T11:10:00Z
            status: investigating
            body: Looking into errors.
          - at: 2026-11-28T13:47:00Z
            status: resolved
            body: FutureFixCanary.
        """,
    "postmortems/INC-9.md": "---\nincident: INC-9\nstatus: published\n"
    "public_summary: FutureSummaryCanary.\n---\nBody.\n",
    "maintenance/m.yaml": """\
        id: MNT-9
        title: API patch
        components: [api]
        scheduled_start: 2026-11-28T11:30:00Z
        scheduled_end: 2026-11-28T12:40:00Z
        updates:
          - at: 2026-11-20T10:00:00Z
            status: scheduled
            body: Planned.
          - at: 2026-11-28T11:31:00Z
            status: in_progress
            body: Started.
          - at: 2026-11-28T12:25:00Z
            status: completed
            body: FutureDoneCanary.
        """,
}

#: Every later moment above, in each way an output writes times: pages ("12:31 UTC",
#: "T12:31:00Z"), API ("T12:31:00.000Z"), feed ids and calendars ("T123100Z"), RSS dates
#: ("12:31:00 +0000"). The plan (scheduled 11:30 to 12:40) may be shown: it is announced.
LATER_TIMES = ("12:31", "13:05", "13:20", "13:47", "12:25")
LATER_TEXTS = ("FutureFixCanary", "FutureSummaryCanary", "FutureDoneCanary")


def _datetimes(value: object, path: str = "page") -> list[tuple[str, datetime]]:
    """Every datetime reachable from a projection value, with where it was found."""
    if isinstance(value, datetime):
        return [(path, value)]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in _datetimes(v, f"{path}[{k!r}]")]
    if isinstance(value, (tuple, list)):
        return [hit for n, v in enumerate(value) for hit in _datetimes(v, f"{path}[{n}]")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [hit for f in dataclasses.fields(value) for hit in _datetimes(getattr(value, f.name), f"{path}.{f.name}")]
    return []


def test_no_time_in_the_projection_is_after_now(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", LATER_FACTS)
    loaded = load(root, "2026-11-28T12:00:00Z")
    assert loaded.problems.errors == []
    page = project(loaded.site, now("2026-11-28T12:00:00Z"))
    plans = {"scheduled_start", "scheduled_end"}
    late = [
        (where, at) for where, at in _datetimes(page)
        if at > page.now and where.rsplit(".", 1)[-1] not in plans
    ]
    assert late == []
    [incident] = page.incidents
    assert incident.resolved_at is None and incident.summary == ""
    # Only the website is affected at 12:00 (the API impact starts at 12:31), still ongoing.
    assert [(i.component_id, i.end) for i in incident.impacts] == [("web", None)]
    assert incident.component_ids == ("web",)
    assert page.component("api").status is ComponentStatus.UNDER_MAINTENANCE  # MNT-9, not INC-9
    assert page.component("web").status is ComponentStatus.DEGRADED_PERFORMANCE


def test_no_output_shows_a_time_or_text_from_after_now(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", LATER_FACTS)
    out = tmp_path / "out"
    build(BuildRequest(content, out, now("2026-11-28T12:00:00Z"), targets=("public",), progress=lambda _: None))
    public = out / "public"
    found = []
    for path in sorted(p for p in public.rglob("*") if p.is_file() and p.suffix != ".png"):
        data = path.read_text(encoding="utf-8", errors="replace")
        for needle in LATER_TIMES + tuple(t.replace(":", "") + "00Z" for t in LATER_TIMES) + LATER_TEXTS:
            if needle in data:
                found.append((str(path.relative_to(public)), needle))
    assert found == []
    # The incident page: ongoing for 1 h (11:00 to 12:00), only the website affected so far.
    html = BeautifulSoup((public / "incidents/INC-9.html").read_text(encoding="utf-8"), "html5lib")
    facts = " ".join(html.select_one("dl.facts").get_text(" ").split())  # type: ignore[union-attr]
    assert "Not yet: ongoing for 1 h" in facts
    impacts = [" ".join(li.get_text(" ").split()) for li in html.select("ul.impacts li")]
    assert impacts == ["Website : ▲ Degraded performance from 28 Nov 2026, 11:00 UTC , ongoing"]
    # The API's day tip for today and its feed know nothing of INC-9 yet; the website's do.
    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    api_today = home.select("#component-api ol.bars li")[-1].get_text(" ")
    web_today = home.select("#component-web ol.bars li")[-1].get_text(" ")
    assert "Checkout errors" not in api_today and "Checkout errors" in web_today
    assert "INC-9" not in (public / "feeds/components/api.rss").read_text(encoding="utf-8")
    assert "INC-9" in (public / "feeds/components/web.rss").read_text(encoding="utf-8")
    summary = json.loads((public / "api/v2/summary.json").read_text(encoding="utf-8"))
    [listed] = summary["incidents"]
    assert [c["id"] for c in listed["components"]] == ["web"] and listed["resolved_at"] is None
    assert _api_times_after(public, now("2026-11-28T12:00:00Z")) == []


def _is_api_time(value: object) -> bool:
    return isinstance(value, str) and len(value) == 24 and value.endswith("Z") and value[10] == "T"


def _api_times_after(public: Path, moment: datetime) -> list[tuple[str, str, str]]:
    """(file, key, value) of every time in the JSON API later than `moment`, except the plan of
    a maintenance window (`scheduled_for`, `scheduled_until`), which is announced ahead."""
    late = []

    def walk(name: str, value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(name, v, k)
        elif isinstance(value, list):
            for v in value:
                walk(name, v, key)
        elif _is_api_time(value) and key not in {"scheduled_for", "scheduled_until"} and now(str(value)) > moment:
            late.append((name, key, str(value)))

    for path in sorted((public / "api").rglob("*.json")):
        walk(str(path.relative_to(public)), json.loads(path.read_text(encoding="utf-8")))
    return late


def test_an_announced_window_does_not_date_the_components_in_the_future(tmp_path: Path) -> None:
    # The only records: a window announced at 10:00 for tomorrow and one without any update
    # for next week. Components have no time of their own, so their created_at falls back to
    # the earliest public time, which must be the announcement (10:00), not a plan; the window
    # without updates has no public change yet (1970 in the calendar, never its plan).
    window = """\
        id: MNT-5
        title: Upgrade
        components: [api]
        scheduled_start: 2026-11-29T02:00:00Z
        scheduled_end: 2026-11-29T03:00:00Z
        updates:
          - at: 2026-11-28T10:00:00Z
            status: scheduled
            body: Planned.
        """
    unannounced = """\
        id: MNT-6
        title: Later upgrade
        components: [web]
        scheduled_start: 2026-12-05T02:00:00Z
        scheduled_end: 2026-12-05T03:00:00Z
        """
    content = make_content(tmp_path / "content", {"maintenance/m.yaml": window, "maintenance/n.yaml": unannounced})
    build(BuildRequest(content, tmp_path / "out", now("2026-11-28T12:00:00Z"), targets=("public",),
                       progress=lambda _: None))
    public = tmp_path / "out" / "public"
    assert _api_times_after(public, now("2026-11-28T12:00:00Z")) == []
    components = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))["components"]
    assert {c["created_at"] for c in components} == {"2026-11-28T10:00:00.000Z"}
    calendar = (public / "maintenance.ics").read_text(encoding="utf-8")
    assert "DTSTAMP:19700101T000000Z" in calendar and "DTSTAMP:20261205" not in calendar


@pytest.mark.parametrize(
    ("at", "api", "web", "impacts", "resolved", "summary", "maintenance"),
    [
        # 12:20: MNT-9 in progress on the API (since 11:31); INC-9 affects only the website.
        ("12:20", ComponentStatus.UNDER_MAINTENANCE, ComponentStatus.DEGRADED_PERFORMANCE, [("web", None)], None, "",
         "in_progress"),
        # 12:28: MNT-9 completed at 12:25 (its end), the API impact not begun (12:31).
        ("12:28", ComponentStatus.OPERATIONAL, ComponentStatus.DEGRADED_PERFORMANCE, [("web", None)], None, "",
         "completed"),
        # 12:35: the API impact has begun at 12:31.
        ("12:35", ComponentStatus.MAJOR_OUTAGE, ComponentStatus.DEGRADED_PERFORMANCE,
         [("api", "open"), ("web", None)], None, "", "completed"),
        # 13:10: the website's impact ended at 13:05 (its `to`).
        ("13:10", ComponentStatus.MAJOR_OUTAGE, ComponentStatus.OPERATIONAL,
         [("api", "open"), ("web", "13:05")], None, "", "completed"),
        # 13:50: resolved at 13:47; the published review's summary is shown from then on.
        ("13:50", ComponentStatus.OPERATIONAL, ComponentStatus.OPERATIONAL,
         [("api", "ended"), ("web", "13:05")], "13:47", "FutureSummaryCanary.", "completed"),
    ],
)
def test_each_later_fact_appears_when_its_time_comes(
    tmp_path: Path, at: str, api: ComponentStatus, web: ComponentStatus, impacts: list[tuple[str, str | None]],
    resolved: str | None, summary: str, maintenance: str,
) -> None:
    moment = f"2026-11-28T{at}:00Z"
    root = make_content(tmp_path / "content", LATER_FACTS)
    page = project(load(root, moment).site, now(moment))
    assert (page.component("api").status, page.component("web").status) == (api, web)
    [incident] = page.incidents
    shown = []
    for impact in sorted(incident.impacts, key=lambda i: i.component_id):
        if impact.component_id == "api":
            # The API impact has no `to`: open until the incident's mitigation or resolution
            # (which of the two is the impact-end rule's business, not this test's).
            end = "open" if impact.end is None else "ended"
            assert impact.start == now("2026-11-28T12:31:00Z")
        else:
            end = None if impact.end is None else impact.end.strftime("%H:%M")
        shown.append((impact.component_id, end))
    assert shown == impacts
    assert incident.resolved_at == (None if resolved is None else now(f"2026-11-28T{resolved}:00Z"))
    assert incident.summary == summary
    [window] = page.maintenance
    assert window.status.value == maintenance
