"""`statuspress metrics` as a reader sees it in the terminal: every table of the report for the
hand-computed dataset of tests/test_metrics.py (November 1 to 27, by severity), cell by cell,
and the formatting helpers on their own. Each figure is worked out in the comments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.derive.metrics.table import human, pct, render_table
from tests.sitekit import SERVICES_YAML, make_content
from tests.test_metrics import FILES, NOW
from tests.test_metrics_cli import FOLLOWUP_FILES


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, "—"), (0, "0 s"), (59.4, "59 s"), (59.6, "1 min"), (60, "1 min"), (3599, "59 min"), (3600, "1 h 00 min"),
     (3960, "1 h 06 min"), (86399, "23 h 59 min"), (86400, "1 d"), (86400 + 4 * 3600 + 59, "1 d 4 h"),
     (90061, "1 d 1 h")],
)
def test_human_durations(seconds: float | None, shown: str) -> None:
    assert human(seconds) == shown


def test_percentages() -> None:
    assert pct(None) == "—"
    assert pct(99.87654) == "99.877%"
    assert pct(12.34, 1) == "12.3%"
    assert pct(100.0, 0) == "100%"


def test_tables_align_the_first_column_left_and_the_others_right() -> None:
    # Widths 3 and 2; cells two spaces apart; trailing spaces cut (the empty last row is empty).
    assert render_table(["a", "bb"], [["xyz", "1"], ["q", "22"], ["", ""]]) == "a    bb\n---  --\nxyz   1\nq    22\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    content = make_content(tmp_path_factory.mktemp("metrics-table"), FILES)
    args = ["metrics", "--content", str(content), "--now", NOW, "--since", "2026-11-01", "--until", "2026-11-27",
            "--by", "severity"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def table(report: str, title: str) -> list[list[str]]:
    """The cells of the table under the line `title` (header and rows; the dashes dropped)."""
    lines = report.splitlines()
    start = lines.index(title) + 1
    end = next((n for n in range(start, len(lines)) if not lines[n]), len(lines))
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[start:end]]
    assert set("".join(rows[1])) == {"-"}
    return [rows[0], *rows[2:]]


def test_the_report_begins_with_the_period_and_what_it_counts(report: str) -> None:
    assert report.splitlines()[:4] == [
        "Incident metrics 2026-11-01 00:00 to 2026-11-28 00:00 UTC (27 days): 7 incidents started in the period.",
        "Durations run from started_at; a missing timestamp is counted as missing, never as zero.",
        "Median and p90 by linear interpolation between closest ranks (numpy's default).",
        "",
    ]


def test_durations_table(report: str) -> None:
    # TTD: A 300, B 1200, H 600, D 600, E 60, F 1800 s, C unknown. Sorted 60 300 600 600 1200 1800:
    #   median 600, p90 (h = 4.5) 1200 + 0.5 x 600 = 1500, mean 4560 / 6 = 760 (12 min 40 s).
    # TTM: A 1800, B 3600, H 1800, C 3600, E 1800; D, F unknown: median 1800, p90 (h = 3.6) 3600,
    #   mean 12600 / 5 = 2520.
    # TTR: A 3600, B 7200, H 3600, C 14400, D 7200, E 7200; F open: median (h = 2.5) 7200,
    #   p90 (h = 4.5) 7200 + 0.5 x 7200 = 10800, mean 43200 / 6 = 7200.
    lines = report.splitlines()
    assert table(report, lines[3]) == [
        ["duration", "n", "missing", "median", "p90", "mean", "min", "max"],
        ["TTD", "6", "1", "10 min", "25 min", "12 min", "1 min", "30 min"],
        ["TTM", "5", "2", "30 min", "1 h 00 min", "42 min", "30 min", "1 h 00 min"],
        ["TTR", "6", "1", "2 h 00 min", "3 h 00 min", "2 h 00 min", "1 h 00 min", "4 h 00 min"],
    ]


def test_groups_table(report: str) -> None:
    # major A, D: TTD 300 600 -> median 450 (7 min 30 s), p90 300 + 0.9 x 300 = 570; TTM 1800 of 2;
    #   TTR 3600 7200 -> 5400, p90 3600 + 0.9 x 3600 = 6840 (1 h 54 min).
    # medium C, E: TTD 60 of 2; TTM 1800 3600 -> 2700, p90 1800 + 0.9 x 1800 = 3420 (57 min);
    #   TTR 7200 14400 -> 10800, p90 7200 + 0.9 x 7200 = 13680 (3 h 48 min).
    # minor B, H, F: TTD 600 1200 1800 -> 1200, p90 (h = 1.8) 1200 + 0.8 x 600 = 1680 (28 min);
    #   TTM 1800 3600 of 3 -> 2700, 3420; TTR 3600 7200 of 3 -> 5400, 6840.
    assert table(report, "By severity") == [
        ["severity", "incidents", "TTD median", "TTD p90", "TTD n", "TTM median", "TTM p90", "TTM n",
         "TTR median", "TTR p90", "TTR n"],
        ["major", "2", "7 min", "9 min", "2/2", "30 min", "30 min", "1/2", "1 h 30 min", "1 h 54 min", "2/2"],
        ["medium", "2", "1 min", "1 min", "1/2", "45 min", "57 min", "2/2", "3 h 00 min", "3 h 48 min", "2/2"],
        ["minor", "3", "20 min", "28 min", "3/3", "45 min", "57 min", "2/3", "1 h 30 min", "1 h 54 min", "2/3"],
    ]


def test_breakdown_table(report: str) -> None:
    rows = table(report, "Incidents by breakdown")
    assert rows[0] == ["breakdown", "value", "incidents"]
    assert {tuple(r) for r in rows[1:] if r[0] in ("severity", "type", "root_cause_service")} == {
        ("severity", "major", "2"), ("severity", "medium", "2"), ("severity", "minor", "3"),
        ("type", "external", "5"), ("type", "internal", "2"),
        ("root_cause_service", "api", "1"), ("root_cause_service", "web", "1"), ("root_cause_service", "none", "5"),
    }
    assert ["root_cause_type", "deploy", "1"] in rows and ["root_cause_type", "config", "1"] in rows
    assert all(r[2] != "0" for r in rows[1:])  # empty values are left out


def test_reliability_table(report: str) -> None:
    # Period 2,332,800 s. api: A 1800 + B 0.3 x 3600 = 2880 s down -> 99.8765 %, SLO 99.9 missed,
    #   budget 2880 / 2332.8 = 123.46 %; starts A 11-02 10:00, B 11-05 00:00, H 11-06 00:00,
    #   D 11-20 14:00: gaps 223200, 86400, 1260000 -> median 2 d 14 h, mean 523200 (6 d 1 h 20 min).
    # web: D's major 14:00-16:00 (E's partial inside it) 7200 s -> 99.6914 %, met, budget 61.73 %;
    #   D 14:00 to E 15:00: one gap of 1 h.
    # vpn: C 08:00-09:00 = 3600 s -> 99.8457 %, met, budget 15.43 %; C 11-10 08:00 to F 11-27 20:00:
    #   17 d 12 h.
    assert table(report, "Reliability per service (all incidents, internal ones too)") == [
        ["service", "SLO", "availability", "SLO met", "budget used", "downtime", "incidents", "TBF median",
         "TBF mean", "TBF n"],
        ["api", "99.90%", "99.877%", "MISSED", "123.5%", "48 min", "4", "2 d 14 h", "6 d 1 h", "3"],
        ["web", "99.50%", "99.691%", "met", "61.7%", "2 h 00 min", "2", "1 h 00 min", "1 h 00 min", "1"],
        ["vpn", "99.00%", "99.846%", "met", "15.4%", "1 h 00 min", "2", "17 d 12 h", "17 d 12 h", "1"],
    ]


def test_a_service_without_an_slo_has_no_verdict_and_no_budget(tmp_path: Path) -> None:
    # vpn without `slo`, no incidents: nothing to meet, no budget; 100 % available, 0 s down.
    content = make_content(tmp_path, {"services.yaml": SERVICES_YAML.replace("    slo: 99.0\n", "")})
    result = CliRunner().invoke(main, ["metrics", "--content", str(content), "--now", NOW])
    assert result.exit_code == 0, result.output
    rows = table(result.output, "Reliability per service (all incidents, internal ones too)")
    assert rows[3] == ["vpn", "—", "100.000%", "—", "—", "0 s", "0", "—", "—", "0"]


def test_followup_table_and_overdue_lines(report: str) -> None:
    # Review day 11-03 (INC-A). P0: AI-3 done 11-07, due 11-05: late, 4 days to close. P1: AI-1
    # overdue (due 11-27), AI-4 done 11-10 (7 days), AI-6 due today (open): 1 done of 3 = 33 %.
    # P2: AI-2 open (not overdue on 11-28). P3: AI-5 won't fix: no completion rate.
    assert table(report, "Follow-up as of 2026-11-28") == [
        ["priority", "items", "open", "overdue", "done", "done late", "won't fix", "completion",
         "median days to close"],
        ["P0", "1", "0", "0", "1", "1", "0", "100%", "4"],
        ["P1", "3", "2", "1", "1", "0", "0", "33%", "7"],
        ["P2", "1", "1", "0", "0", "0", "0", "0%", "—"],
        ["P3", "1", "0", "0", "0", "0", "1", "—", "—"],
    ]
    lines = report.splitlines()
    assert lines[lines.index("Overdue"):] == [
        "Overdue",
        "  AI-1 (INC-A, P1, owner dana): due 2026-11-27, 1 day overdue — Overdue by one day",
        "  review of INC-G overdue since 2026-10-29 01:00 UTC — API down in October",
        "  review of INC-B overdue since 2026-11-19 02:00 UTC — API errors",
        "  review of INC-H overdue since 2026-11-20 01:00 UTC — API slow",
    ]


def test_an_overdue_item_without_an_owner_says_so(tmp_path: Path) -> None:
    # The follow-up site of test_metrics_cli.py with AI-3 (overdue since its due day 11-20: 8 days
    # on 11-28) left without an owner.
    files = dict(FOLLOWUP_FILES)
    files["postmortems/INC-3.md"] = files["postmortems/INC-3.md"].replace("owner: dana, priority: P1", "priority: P1")
    content = make_content(tmp_path, files)
    result = CliRunner().invoke(main, ["metrics", "--content", str(content), "--now", NOW])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[lines.index("Overdue"):] == [
        "Overdue",
        "  AI-3 (INC-3, P1, owner —): due 2026-11-20, 8 days overdue — Overdue",
        "  review of INC-2 overdue since 2026-11-17 00:00 UTC — Started second",
        "  review of INC-1 overdue since 2026-11-19 00:00 UTC — Started first",
    ]
