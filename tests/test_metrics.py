"""Metrics computed by hand: every expected figure below is worked out in the comments.

The dataset (`FILES`) is seven incidents in November 2026 plus one in October, on the sitekit
services api (SLO 99.9), web (99.5) and vpn (internal, 99.0). The period is November 1 to 27
inclusive: [2026-11-01 00:00, 2026-11-28 00:00) = 27 days = 2,332,800 s.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.derive.durations import durations
from generator.derive.metrics import Report, compute, make_period
from generator.derive.metrics.export import csv_rows, to_json
from generator.derive.metrics.groups import group, keys_of
from generator.derive.metrics.period import Period, months
from generator.derive.metrics.stats import percentile, summarise
from generator.model import Site
from tests.sitekit import SERVICES_YAML, load, make_content, now

NOW = "2026-11-28T12:00:00Z"
PERIOD_SECONDS = 27 * 86400  # 2,332,800


FILES = {
    # Impacts without `to` end at mitigated_at, else resolved_at (README, "Content reference").
    # A: api major outage 10:00 to its mitigation 10:30 (1800 s down). TTD 5 min, TTM 30 min, TTR 60 min.
    "incidents/a.yaml": """\
        id: INC-A
        title: API down
        type: external
        severity: major
        started_at: 2026-11-02T10:00:00Z
        detected_at: 2026-11-02T10:05:00Z
        detection: monitoring
        mitigated_at: 2026-11-02T10:30:00Z
        resolved_at: 2026-11-02T11:00:00Z
        impact:
          - component: api
            level: major_outage
        root_cause: {type: deploy, service: api}
        """,
    # B: api partial outage 00:00 to its mitigation 01:00 (0.3 x 3600 = 1080 s down). TTD 20 min, TTM 1 h, TTR 2 h.
    "incidents/b.yaml": """\
        id: INC-B
        title: API errors
        type: external
        severity: minor
        started_at: 2026-11-05T00:00:00Z
        detected_at: 2026-11-05T00:20:00Z
        detection: customer_report
        mitigated_at: 2026-11-05T01:00:00Z
        resolved_at: 2026-11-05T02:00:00Z
        impact:
          - component: api
            level: partial_outage
        root_cause: {type: config, service: web}
        """,
    # H: api degraded (no downtime). TTD 10 min, TTM 30 min, TTR 1 h.
    "incidents/h.yaml": """\
        id: INC-H
        title: API slow
        type: external
        severity: minor
        started_at: 2026-11-06T00:00:00Z
        detected_at: 2026-11-06T00:10:00Z
        detection: monitoring
        mitigated_at: 2026-11-06T00:30:00Z
        resolved_at: 2026-11-06T01:00:00Z
        impact:
          - component: api
            level: degraded_performance
        """,
    # C: vpn major outage 08:00-09:00 (3600 s). No detected_at: TTD unknown. TTM 1 h, TTR 4 h.
    "incidents/c.yaml": """\
        id: INC-C
        title: VPN down
        type: internal
        severity: medium
        started_at: 2026-11-10T08:00:00Z
        detection: employee
        mitigated_at: 2026-11-10T09:00:00Z
        resolved_at: 2026-11-10T12:00:00Z
        impact:
          - component: vpn
            level: major_outage
            to: 2026-11-10T09:00:00Z
        """,
    # D: web major outage 14:00-16:00 (no mitigated_at: to resolved_at), api degraded. TTM unknown.
    # TTD 10 min, TTR 2 h.
    "incidents/d.yaml": """\
        id: INC-D
        title: Website down
        type: external
        severity: major
        started_at: 2026-11-20T14:00:00Z
        detected_at: 2026-11-20T14:10:00Z
        detection: monitoring
        resolved_at: 2026-11-20T16:00:00Z
        impact:
          - component: web
            level: major_outage
          - component: api
            level: degraded_performance
        """,
    # E overlaps D on web: partial 15:00 to its mitigation 15:30, inside D's major 14:00-16:00, so
    # the worst state is major 14:00-16:00 throughout: web downtime 7200 s, not 7200 + 540.
    # TTD 1 min, TTM 30 min, TTR 2 h.
    "incidents/e.yaml": """\
        id: INC-E
        title: Website errors
        type: external
        severity: medium
        started_at: 2026-11-20T15:00:00Z
        detected_at: 2026-11-20T15:01:00Z
        detection: monitoring
        mitigated_at: 2026-11-20T15:30:00Z
        resolved_at: 2026-11-20T17:00:00Z
        impact:
          - component: web
            level: partial_outage
        """,
    # F: still open (no mitigated_at, no resolved_at): TTM and TTR unknown. TTD 30 min.
    "incidents/f.yaml": """\
        id: INC-F
        title: VPN slow
        type: internal
        severity: minor
        started_at: 2026-11-27T20:00:00Z
        detected_at: 2026-11-27T20:30:00Z
        impact:
          - component: vpn
            level: degraded_performance
        """,
    # G: before the period; never counted in November figures.
    "incidents/g.yaml": """\
        id: INC-G
        title: API down in October
        type: external
        severity: minor
        started_at: 2026-10-15T00:00:00Z
        detected_at: 2026-10-15T00:01:00Z
        mitigated_at: 2026-10-15T00:30:00Z
        resolved_at: 2026-10-15T01:00:00Z
        impact:
          - component: api
            level: major_outage
        """,
    "postmortems/INC-A.md": """\
        ---
        incident: INC-A
        status: reviewed
        review_date: 2026-11-03
        action_items:
          - {id: AI-1, title: Overdue by one day, owner: dana, priority: P1, due: 2026-11-27, status: open}
          - {id: AI-2, title: Due from priority, owner: li, priority: P2, status: open}
          - {id: AI-3, title: Done late, owner: dana, priority: P0, due: 2026-11-05, status: done,
             done_at: 2026-11-07}
          - {id: AI-4, title: Done in time, owner: li, priority: P1, due: 2026-11-20, status: done,
             done_at: 2026-11-10}
          - {id: AI-5, title: Not doing it, owner: li, priority: P3, due: 2026-11-01, status: wont_fix}
          - {id: AI-6, title: Due today, owner: dana, priority: P1, due: 2026-11-28, status: in_progress}
        ---
        ## Summary
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = make_content(tmp_path_factory.mktemp("metrics"), FILES)
    loaded = load(root, NOW)
    assert loaded.problems.errors == []
    return loaded.site


@pytest.fixture(scope="module")
def report(site: Site) -> Report:
    moment = now(NOW)
    return compute(site, moment, make_period(moment, date(2026, 11, 1), date(2026, 11, 27)), "severity")


def test_percentile_is_linear_interpolation_between_closest_ranks() -> None:
    values = [60.0, 300.0, 600.0, 600.0, 1200.0, 1800.0]
    assert percentile(values, 0.5) == 600.0  # h = 5 x 0.5 = 2.5: x[2] + 0.5 (x[3] - x[2])
    assert percentile(values, 0.9) == 1500.0  # h = 4.5: 1200 + 0.5 x 600
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.5) is None


def test_percentile_takes_zero_to_one_inclusive_and_refuses_the_rest() -> None:
    values = [60.0, 300.0, 600.0]
    assert percentile(values, 0.0) == 60.0  # h = 0: x[0]
    assert percentile(values, 1.0) == 600.0  # h = 2: x[2]
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=rf"^percentile must be within 0\.\.1; got {p}$"):
            percentile(values, p)


def test_missing_values_are_counted_never_zero() -> None:
    s = summarise([None, 10.0, None, 30.0])
    assert (s.n, s.n_missing, s.median, s.mean, s.min, s.max) == (2, 2, 20.0, 20.0, 10.0, 30.0)
    empty = summarise([None])
    assert (empty.n, empty.n_missing, empty.median, empty.p90, empty.mean) == (0, 1, None, None, None)


def test_period_is_whole_utc_days_until_inclusive(report: Report) -> None:
    assert report.period.start.isoformat() == "2026-11-01T00:00:00+00:00"
    assert report.period.end.isoformat() == "2026-11-28T00:00:00+00:00"
    assert report.period.seconds == PERIOD_SECONDS
    with pytest.raises(ValueError, match="empty period"):
        make_period(now(NOW), date(2026, 11, 10), date(2026, 11, 9))


def test_a_period_of_part_of_a_second_and_the_months_it_touches() -> None:
    # Built half a second after midnight, --since that day: a period of 0.5 s.
    assert make_period(now("2026-11-28T00:00:00.500000Z"), date(2026, 11, 28)).seconds == 0.5
    # Ending one microsecond into December: it touches December.
    touching = Period(now("2026-11-15T00:00:00Z"), now("2026-12-01T00:00:00.000001Z"))
    assert months(touching) == ["2026-11", "2026-12"]


def test_period_never_reaches_past_now() -> None:
    assert make_period(now(NOW), None, date(2027, 1, 1)).end == now(NOW)
    assert (make_period(now(NOW)).end - make_period(now(NOW)).start).days == 365


def test_overall_durations_by_hand(report: Report) -> None:
    o = report.overall
    assert o.incidents == ("INC-A", "INC-B", "INC-H", "INC-C", "INC-D", "INC-E", "INC-F")  # not INC-G
    # TTD known: A 300, B 1200, H 600, D 600, E 60, F 1800 -> [60, 300, 600, 600, 1200, 1800]; C missing.
    # median h = 2.5 -> 600; p90 h = 4.5 -> 1200 + 0.5 x 600 = 1500; mean 4560 / 6 = 760.
    assert o.durations["ttd"].as_dict() == {
        "n": 6, "n_missing": 1, "median": 600, "p90": 1500, "mean": 760, "min": 60, "max": 1800,
    }
    # TTM known: A 1800, B 3600, H 1800, C 3600, E 1800 -> [1800, 1800, 1800, 3600, 3600]; D, F missing.
    # median 1800; p90 h = 3.6 -> 3600 + 0.6 x 0 = 3600; mean 12600 / 5 = 2520.
    assert o.durations["ttm"].as_dict() == {
        "n": 5, "n_missing": 2, "median": 1800, "p90": 3600, "mean": 2520, "min": 1800, "max": 3600,
    }
    # TTR known: A 3600, B 7200, H 3600, C 14400, D 7200, E 7200 -> [3600, 3600, 7200, 7200, 7200, 14400];
    # F open. median h = 2.5 -> 7200; p90 h = 4.5 -> 7200 + 0.5 x 7200 = 10800; mean 43200 / 6 = 7200.
    assert o.durations["ttr"].as_dict() == {
        "n": 6, "n_missing": 1, "median": 7200, "p90": 10800, "mean": 7200, "min": 3600, "max": 14400,
    }


def test_groups_by_severity_by_hand(report: Report) -> None:
    rows = {g.key: g for g in report.groups}
    assert list(rows) == ["major", "medium", "minor"]
    major = rows["major"]  # A and D: TTD [300, 600] -> median 450, p90 300 + 0.9 x 300 = 570
    assert major.incidents == ("INC-A", "INC-D")
    assert (major.durations["ttd"].median, major.durations["ttd"].p90) == (450, 570)
    # TTR [3600, 7200] -> median 5400, p90 3600 + 0.9 x 3600 = 6840; TTM: A 1800, D missing.
    assert (major.durations["ttr"].median, major.durations["ttr"].p90) == (5400, 6840)
    assert (major.durations["ttm"].n, major.durations["ttm"].n_missing) == (1, 1)
    minor = rows["minor"]  # B, H, F: TTD [600, 1200, 1800] -> median 1200, p90 h = 1.8 -> 1680
    assert (minor.durations["ttd"].median, minor.durations["ttd"].p90) == (1200, 1680)
    assert (minor.durations["ttr"].n, minor.durations["ttr"].n_missing) == (2, 1)  # F is open
    medium = rows["medium"]  # C (TTD missing) and E (60)
    assert medium.durations["ttd"].as_dict()["n"] == 1 and medium.durations["ttd"].n_missing == 1


def test_counts_by_hand(report: Report) -> None:
    c = report.overall.counts
    assert c["severity"] == {"major": 2, "medium": 2, "minor": 3}
    assert c["type"] == {"external": 5, "internal": 2}
    assert c["detection"] == {"monitoring": 4, "customer_report": 1, "employee": 1, "social_media": 0, "other": 1}
    assert c["root_cause_type"]["deploy"] == 1 and c["root_cause_type"]["config"] == 1
    assert c["root_cause_type"]["unknown"] == 5
    assert c["root_cause_service"] == {"api": 1, "none": 5, "web": 1}


def test_availability_and_error_budget_by_hand(report: Report) -> None:
    rel = {r.service: r for r in report.reliability}
    api = rel["api"]  # A 1800 s major + B 0.3 x 3600 s partial = 2880 s; D and H degraded: 0
    assert api.downtime_seconds == 2880
    assert api.availability == pytest.approx(1 - 2880 / 2_332_800)  # 99.8765 %
    assert api.slo_met is False  # < 99.9
    # budget (1 - 0.999) x 2,332,800 = 2332.8 s; 2880 / 2332.8 = 123.46 %
    assert api.error_budget_used_percent == pytest.approx(123.4568, abs=1e-3)
    web = rel["web"]  # overlapping D and E merged: E lies inside D's major outage, 7200 s
    assert web.downtime_seconds == pytest.approx(7200)
    assert web.slo_met is True  # 1 - 7200 / 2332800 = 99.691 % >= 99.5
    assert web.error_budget_used_percent == pytest.approx(7200 / 11664 * 100)  # 61.73 %
    vpn = rel["vpn"]  # internal incidents count in the knowledge base: C 3600 s
    assert vpn.downtime_seconds == 3600 and vpn.availability == pytest.approx(1 - 3600 / 2_332_800)
    assert to_json(report)["reliability"][0]["availability_percent"] == 99.8765


def test_time_between_failures_by_hand(report: Report) -> None:
    rel = {r.service: r for r in report.reliability}
    api = rel["api"]  # A 11-02 10:00, B 11-05 00:00, H 11-06 00:00, D 11-20 14:00 (G is October)
    assert api.incidents == ("INC-A", "INC-B", "INC-H", "INC-D")
    # gaps 62 h = 223200, 24 h = 86400, 350 h = 1260000 -> median 223200, mean 1569600 / 3 = 523200
    assert (api.tbf_n, api.tbf_median, api.tbf_mean) == (3, 223200, 523200)
    web = rel["web"]  # overlapping D 14:00 and E 15:00: one gap of an hour
    assert (web.tbf_n, web.tbf_median) == (1, 3600)
    assert (rel["vpn"].tbf_n, rel["vpn"].tbf_median) == (1, 420 * 3600)  # 11-10 08:00 -> 11-27 20:00


def test_followup_by_hand(report: Report) -> None:
    f = report.followup
    items = {i.item.id: i for i in f.items}
    assert f.items[0].item.id == "AI-1"  # overdue first
    assert (items["AI-1"].state, items["AI-1"].days_overdue) == ("overdue", 1)
    assert items["AI-6"].state == "open"  # due today is not overdue
    assert items["AI-2"].due == date(2026, 12, 3)  # review 11-03 + 30 days (P2)
    assert items["AI-3"].done_late and items["AI-3"].days_to_close == 4  # 11-07 - 11-03
    assert not items["AI-4"].done_late and items["AI-4"].days_to_close == 7
    assert items["AI-5"].state == "wont_fix"
    p = {x.priority: x for x in f.by_priority}
    # P1: AI-1 overdue, AI-4 done, AI-6 open -> completion 1/3, median days to close 7
    assert (p["P1"].total, p["P1"].open, p["P1"].overdue, p["P1"].done) == (3, 2, 1, 1)
    assert p["P1"].completion_rate == pytest.approx(1 / 3) and p["P1"].median_days_to_close == 7
    assert (p["P0"].done_late, p["P0"].completion_rate) == (1, 1.0)
    assert p["P3"].completion_rate is None  # only a won't-fix item
    # External incidents resolved before 11-14 12:00 without a reviewed post-mortem: G, B, H (A is reviewed)
    assert [r.incident for r in f.reviews_overdue] == ["INC-G", "INC-B", "INC-H"]


def test_google_sre_example_outage(tmp_path: Path) -> None:
    """The Shakespeare search outage of the SRE book: impact 14:54, detected 14:55, mitigated 15:36,
    ends 16:00. The impact has no `to`, so it ends at the mitigation: 42 min down."""
    root = make_content(tmp_path, {"incidents/sre.yaml": """\
        id: INC-465
        title: Shakespeare search down
        type: external
        severity: major
        started_at: 2015-10-21T14:54:00Z
        detected_at: 2015-10-21T14:55:00Z
        detection: monitoring
        mitigated_at: 2015-10-21T15:36:00Z
        resolved_at: 2015-10-21T16:00:00Z
        impact:
          - component: api
            level: major_outage
        root_cause: {type: capacity, service: api}
        """})
    site = load(root, NOW).site
    sre = durations(site.incidents[0])
    assert sre.ttd == timedelta(minutes=1)
    assert sre.ttm == timedelta(minutes=42)
    assert sre.ttr == timedelta(minutes=66)
    moment = now(NOW)
    day = compute(site, moment, make_period(moment, date(2015, 10, 21), date(2015, 10, 21)))
    api = next(r for r in day.reliability if r.service == "api")
    assert api.downtime_seconds == 42 * 60
    assert api.availability == pytest.approx(1 - 2520 / 86400)  # 97.0833 %


def test_csv_is_long_and_stable(report: Report) -> None:
    rows = csv_rows(report)
    assert rows[0] == ("section", "group_by", "group", "metric", "stat", "value")
    assert ("durations", "all", "all", "ttd", "p90", "1500") in rows
    assert ("durations", "all", "all", "ttm", "n_missing", "2") in rows
    assert ("durations", "severity", "major", "ttd", "median", "450") in rows
    assert ("reliability", "service", "api", "availability", "slo_met", "false") in rows
    assert ("reliability", "service", "api", "tbf", "median", "223200") in rows
    assert ("followup", "priority", "P1", "action_items", "overdue", "1") in rows
    # Fixed order: header, period, then the overall durations figure by figure (the TTD
    # figures are the ones test_metrics_cli checks in JSON: 6 known, 1 missing, 60..1800 s).
    assert rows[:12] == [
        ("section", "group_by", "group", "metric", "stat", "value"),
        ("period", "all", "all", "period", "start", "2026-11-01T00:00:00Z"),
        ("period", "all", "all", "period", "end", "2026-11-28T00:00:00Z"),
        ("durations", "all", "all", "incidents", "count", "7"),
        ("durations", "all", "all", "ttd", "n", "6"),
        ("durations", "all", "all", "ttd", "n_missing", "1"),
        ("durations", "all", "all", "ttd", "median", "600"),
        ("durations", "all", "all", "ttd", "p90", "1500"),
        ("durations", "all", "all", "ttd", "mean", "760"),
        ("durations", "all", "all", "ttd", "min", "60"),
        ("durations", "all", "all", "ttd", "max", "1800"),
        ("durations", "all", "all", "ttm", "n", "5"),  # 7 incidents, 2 without mitigated_at
    ]
    assert len(rows) == len(set(rows)), "a figure is written twice"


def _incident(ident: str, started: str, impacts: str, resolved: str | None = None) -> str:
    end = f"resolved_at: {resolved}\n" if resolved else ""
    return (f"id: {ident}\ntitle: Trouble {ident}\ntype: internal\nseverity: minor\nstarted_at: {started}\n{end}"
            f"impact:\n{impacts}")


def test_time_between_failures_counts_from_each_failure_start(tmp_path: Path) -> None:
    """A failure starts at the earliest `from` of the incident's impacts on the service (not at
    `started_at`), and the gaps are between those starts in time order, whatever order the
    incidents started in."""
    impact = "  - component: api\n    level: major_outage\n    from: {at}\n"
    root = make_content(tmp_path, {
        # INC-1 started 11-02 00:00; its impacts on api begin 06:00 and 01:00: it fails api at 01:00.
        "incidents/1.yaml": _incident("INC-1", "2026-11-02T00:00:00Z", impact.format(at="2026-11-02T06:00:00Z")
                                      + impact.format(at="2026-11-02T01:00:00Z"), "2026-11-02T08:00:00Z"),
        "incidents/2.yaml": _incident("INC-2", "2026-11-02T03:00:00Z", impact.format(at="2026-11-02T03:00:00Z"),
                                      "2026-11-02T04:00:00Z"),
        # INC-3 started before INC-4 on 11-10 but fails api later (05:00 against 01:00).
        "incidents/3.yaml": _incident("INC-3", "2026-11-10T00:00:00Z", impact.format(at="2026-11-10T05:00:00Z"),
                                      "2026-11-10T06:00:00Z"),
        "incidents/4.yaml": _incident("INC-4", "2026-11-10T01:00:00Z", impact.format(at="2026-11-10T01:00:00Z"),
                                      "2026-11-10T02:00:00Z"),
    })
    loaded = load(root, NOW)
    assert loaded.problems.errors == []
    moment = now(NOW)
    report = compute(loaded.site, moment, make_period(moment, date(2026, 11, 1), date(2026, 11, 27)))
    api = next(r for r in report.reliability if r.service == "api")
    # Starts: INC-1 11-02 01:00, INC-2 11-02 03:00, INC-4 11-10 01:00, INC-3 11-10 05:00.
    # Gaps: 2 h = 7200; 11-02 03:00 -> 11-10 01:00 = 190 h = 684000; 4 h = 14400.
    # Median 14400; mean (7200 + 684000 + 14400) / 3 = 235200.
    assert api.incidents == ("INC-1", "INC-2", "INC-4", "INC-3")
    assert (api.tbf_n, api.tbf_median, api.tbf_mean) == (3, 14400, 235200)


def test_a_one_second_period_is_measured_and_a_100_percent_slo_has_no_budget(tmp_path: Path) -> None:
    """`--since` today with `now` one second after midnight: a period of one second, all of it in
    a major outage (open since the day before) on api and web."""
    outage = "  - component: api\n    level: major_outage\n  - component: web\n    level: major_outage\n"
    root = make_content(tmp_path, {
        "services.yaml": SERVICES_YAML.replace("slo: 99.5", "slo: 100"),
        "incidents/1.yaml": _incident("INC-1", "2026-11-27T23:00:00Z", outage),
    })
    at = "2026-11-28T00:00:01Z"
    loaded = load(root, at)
    assert loaded.problems.errors == []
    report = compute(loaded.site, now(at), make_period(now(at), date(2026, 11, 28)))
    assert report.period.seconds == 1
    rel = {r.service: r for r in report.reliability}
    # api: 1 s down of 1 s -> availability 0; budget (1 - 0.999) x 1 s = 0.001 s, used 1 / 0.001 = 100000 %.
    assert (rel["api"].downtime_seconds, rel["api"].availability, rel["api"].slo_met) == (1.0, 0.0, False)
    assert rel["api"].error_budget_used_percent == pytest.approx(100000)
    # web: an SLO of 100 % leaves no budget at all: its use is unknown, not a division by zero.
    assert (rel["web"].availability, rel["web"].slo_met, rel["web"].error_budget_used_percent) == (0.0, False, None)


def test_an_unknown_grouping_is_refused_with_the_accepted_ones(site: Site) -> None:
    """`--by` is a click.Choice, so the CLI never gets this far; compute(), group() and
    keys_of() are called by the knowledge base too, and refuse a grouping they do not know."""
    moment = now(NOW)
    period = make_period(moment, date(2026, 11, 1), date(2026, 11, 27))
    message = r"^unknown grouping 'colour'; expected one of service, severity, type, month, quarter$"
    with pytest.raises(ValueError, match=message):
        compute(site, moment, period, "colour")
    with pytest.raises(ValueError, match=message):
        group(site, period, "colour")
    with pytest.raises(ValueError, match=message):
        keys_of(site.incidents[0], "colour")


def test_availability_exactly_at_the_slo_meets_it(tmp_path: Path) -> None:
    # 27 November alone (86400 s); vpn (SLO 99.0) in a major outage 10:00:00-10:14:24, 864 s:
    # availability 1 - 864 / 86400 = 99.0 % exactly, which meets the SLO; the budget is all used.
    outage = "  - component: vpn\n    level: major_outage\n    to: 2026-11-27T10:14:24Z\n"
    root = make_content(tmp_path, {"incidents/1.yaml": _incident("INC-1", "2026-11-27T10:00:00Z", outage,
                                                                 "2026-11-27T11:00:00Z")})
    loaded = load(root, NOW)
    assert loaded.problems.errors == []
    report = compute(loaded.site, now(NOW), make_period(now(NOW), date(2026, 11, 27), date(2026, 11, 27)))
    vpn = next(r for r in report.reliability if r.service == "vpn")
    assert (vpn.downtime_seconds, vpn.availability, vpn.slo_met) == (864, 0.99, True)
    assert vpn.error_budget_used_percent == pytest.approx(100.0)  # budget 1 % of 86400 s = 864 s
