"""`statuspress metrics` through click's runner: table, JSON, CSV, --by, --since/--until."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import EXAMPLE, REPO, SERVICES_YAML, make_content
from tests.test_metrics import FILES, NOW


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_content(tmp_path_factory.mktemp("metrics-cli"), FILES)


def run(*args: str) -> str:
    result = CliRunner().invoke(main, ["metrics", *args])
    assert result.exit_code == 0, result.output
    return result.output


NOVEMBER = ("--since", "2026-11-01", "--until", "2026-11-27")


def test_json_figures_and_schema(content: Path) -> None:
    data = json.loads(run("--content", str(content), "--now", NOW, *NOVEMBER, "--format", "json"))
    assert data["schema"] == "statuspress.metrics/1"
    assert data["period"] == {"start": "2026-11-01T00:00:00Z", "end": "2026-11-28T00:00:00Z", "seconds": 2332800}
    assert data["overall"]["incidents"] == 7
    assert data["overall"]["durations"]["ttd"] == {
        "n": 6, "n_missing": 1, "median": 600, "p90": 1500, "mean": 760, "min": 60, "max": 1800,
    }
    assert data["groups"]["by"] == "service"
    assert [row["group"] for row in data["groups"]["rows"]] == ["api", "web", "vpn"]
    api = data["reliability"][0]
    # By hand in tests/test_metrics.py: A 1800 s + B 1080 s (impacts end at mitigation).
    assert api["service"] == "api" and api["downtime_seconds"] == 2880
    assert api["availability_percent"] == 99.8765 and api["slo_met"] is False
    assert api["error_budget_used_percent"] == 123.46
    assert api["time_between_failures"] == {"n": 3, "median": 223200, "mean": 523200}
    overdue = [i for i in data["followup"]["items"] if i["state"] == "overdue"]
    assert [(i["id"], i["due"], i["days_overdue"]) for i in overdue] == [("AI-1", "2026-11-27", 1)]


def test_json_is_stable(content: Path) -> None:
    """The same bytes from two processes with different hash seeds (set and dict order of
    strings changes with the seed, so an unsorted output would differ)."""
    args = ["metrics", "--content", str(content), "--now", NOW, "--format", "json"]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env,
                              cwd=REPO, timeout=300, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["overall"]["incidents"] == 8


def test_by_month_lists_every_month_of_the_period(content: Path) -> None:
    data = json.loads(run("--content", str(content), "--now", NOW, "--since", "2026-10-01", "--until",
                          "2026-11-27", "--by", "month", "--format", "json"))
    rows = {row["group"]: row["incidents"] for row in data["groups"]["rows"]}
    assert rows == {"2026-10": 1, "2026-11": 7}


def test_by_quarter_and_type(content: Path) -> None:
    data = json.loads(run("--content", str(content), "--now", NOW, "--since", "2026-09-01", "--by", "quarter",
                          "--format", "json"))
    assert {row["group"]: row["incidents"] for row in data["groups"]["rows"]} == {"2026-Q3": 0, "2026-Q4": 8}
    data = json.loads(run("--content", str(content), "--now", NOW, *NOVEMBER, "--by", "type", "--format", "json"))
    assert {row["group"]: row["incidents"] for row in data["groups"]["rows"]} == {"external": 5, "internal": 2}


def test_csv_parses_with_the_documented_header(content: Path) -> None:
    text = run("--content", str(content), "--now", NOW, *NOVEMBER, "--by", "severity", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["section", "group_by", "group", "metric", "stat", "value"]

    def value(**match: str) -> str:
        found = [r["value"] for r in rows if all(r[k] == v for k, v in match.items())]
        assert len(found) == 1, match
        return found[0]

    assert value(section="durations", group_by="all", metric="ttr", stat="p90") == "10800"
    assert value(section="durations", group_by="severity", group="major", metric="ttd", stat="median") == "450"
    # medium: C 3600 and E 1800 -> [1800, 3600], p90 h = 0.9 -> 1800 + 0.9 x 1800 = 3420
    assert value(section="durations", group_by="severity", group="medium", metric="ttm", stat="p90") == "3420"
    assert value(section="reliability", group="web", stat="availability_percent") == "99.691"  # 1 - 7200/2332800
    assert value(section="followup", group="P1", stat="overdue") == "1"
    assert value(section="reliability", group="api", metric="tbf", stat="n") == "3"
    # api: 99.8765 % < 99.9, budget 2880 / 2332.8 = 123.46 %; web: 99.691 % >= 99.5 (test_metrics.py).
    assert value(section="reliability", group="api", stat="slo_met") == "false"
    assert value(section="reliability", group="web", stat="slo_met") == "true"
    assert value(section="reliability", group="api", stat="error_budget_used_percent") == "123.46"
    # Breakdowns: 2 major incidents (A, D); of the minor ones (B, H, F) H was found by monitoring.
    assert value(section="counts", group_by="all", group="all", metric="severity", stat="major") == "2"
    assert value(section="counts", group_by="severity", group="minor", metric="detection", stat="monitoring") == "1"
    # Reviews overdue: G, B and H (test_metrics.py).
    assert value(section="followup", group_by="all", group="all", metric="reviews", stat="overdue") == "3"


def test_csv_unknown_figures_are_empty_cells(content: Path) -> None:
    text = run("--content", str(content), "--now", NOW, "--since", "2026-09-01", "--by", "quarter", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    q3 = {r["stat"]: r["value"] for r in rows if r["group"] == "2026-Q3" and r["metric"] == "ttr"}
    assert q3 == {"n": "0", "n_missing": "0", "median": "", "p90": "", "mean": "", "min": "", "max": ""}


def test_table_shows_median_p90_and_missing(content: Path) -> None:
    text = run("--content", str(content), "--now", NOW, *NOVEMBER, "--by", "severity")
    assert "2026-11-01 00:00 to 2026-11-28 00:00 UTC (27 days): 7 incidents" in text
    ttd_line = next(line for line in text.splitlines() if line.startswith("TTD"))
    assert ttd_line.split()[:5] == ["TTD", "6", "1", "10", "min"]  # n 6, missing 1, median 10 min
    assert "25 min" in ttd_line  # p90 1500 s
    api_line = next(line for line in text.splitlines() if line.startswith("api "))
    assert "99.877%" in api_line and "MISSED" in api_line  # 1 - 2880/2332800 = 99.8765 %
    assert "AI-1 (INC-A, P1, owner dana): due 2026-11-27, 1 day overdue" in text


def test_since_after_until_is_a_usage_error(content: Path) -> None:
    result = CliRunner().invoke(main, ["metrics", "--content", str(content), "--now", NOW,
                                       "--since", "2026-11-10", "--until", "2026-11-01"])
    # --until 11-01 is inclusive: the period would end at 11-02 00:00, before it starts.
    assert result.exit_code == 2
    assert "--since/--until: empty period: 2026-11-10 00:00 is not before 2026-11-02 00:00 UTC" in result.output


def test_months_and_quarters_across_a_new_year(content: Path) -> None:
    # 2026-11-15 to 2027-01-31 (built on 2027-02-10): D and E (11-20) and F (11-27) in November,
    # nothing in December or January; the quarters are 2026-Q4 (3) and 2027-Q1 (0).
    later = ("--content", str(content), "--now", "2027-02-10T12:00:00Z", "--since", "2026-11-15", "--format", "json")

    def groups(*args: str) -> dict[str, int]:
        data = json.loads(run(*later, *args))
        return {row["group"]: row["incidents"] for row in data["groups"]["rows"]}

    assert groups("--until", "2027-01-31", "--by", "month") == {"2026-11": 3, "2026-12": 0, "2027-01": 0}
    assert groups("--until", "2027-01-31", "--by", "quarter") == {"2026-Q4": 3, "2027-Q1": 0}
    # Ending with November (at 12-01 00:00): December is not touched.
    assert groups("--until", "2026-11-30", "--by", "month") == {"2026-11": 3}


def test_an_incident_at_the_period_start_counts_and_one_at_its_end_does_not(tmp_path: Path) -> None:
    # The period 11-01 to 11-27 is [11-01 00:00, 11-28 00:00): INC-1 starts at its first instant,
    # INC-2 at the first instant after it.
    incident = "id: {id}\ntitle: T\ntype: internal\nseverity: minor\nstarted_at: {at}\n"
    root = make_content(tmp_path, {"incidents/1.yaml": incident.format(id="INC-1", at="2026-11-01T00:00:00Z"),
                                   "incidents/2.yaml": incident.format(id="INC-2", at="2026-11-28T00:00:00Z")})
    data = json.loads(run("--content", str(root), "--now", NOW, *NOVEMBER, "--format", "json"))
    assert data["overall"]["incidents"] == 1


def test_bad_content_exits_1(tmp_path: Path) -> None:
    root = make_content(tmp_path, {"incidents/x.yaml": "id: X\ntitle: t\ntype: external\nseverity: sev5\n"})
    result = CliRunner().invoke(main, ["metrics", "--content", str(root), "--now", NOW])
    assert result.exit_code == 1
    shown = result.output.replace(str(root), "content").splitlines()
    assert shown == [
        "content/incidents/x.yaml:1: started_at: required field is missing",
        "content/incidents/x.yaml:4: severity: expected one of major, medium, minor; got 'sev5'",
        "2 problems found; nothing was written.",
    ]


def test_example_organisation() -> None:
    data = json.loads(run("--content", str(EXAMPLE), "--now", NOW, "--format", "json"))
    assert data["overall"]["incidents"] > 0
    assert {r["service"] for r in data["reliability"]} >= {"checkout", "api"}


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=HYPERLINK(\"http://x.example\",\"y\")", "'=HYPERLINK(\"http://x.example\",\"y\")"),
        ("+1+1", "'+1+1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-2-1", "'-2-1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),  # a number stays a number
        ("-3", "-3"),
        ("checkout", "checkout"),
        ("a=b", "a=b"),  # only the first character counts
        ("", ""),
    ],
)
def test_csv_cells_a_spreadsheet_would_evaluate_are_text(cell: str, shown: str) -> None:
    from generator.derive.metrics.export import spreadsheet_safe

    assert spreadsheet_safe(cell) == shown


def test_csv_escapes_a_formula_in_a_service_id(tmp_path: Path) -> None:
    """Ids may start with `-`: `-2-1` would be computed as -3 by a spreadsheet."""
    files = {k: v.replace("id: api", "id: -2-1").replace("component: api", "component: -2-1")
             .replace("service: api", "service: -2-1") for k, v in FILES.items()}
    files["services.yaml"] = SERVICES_YAML.replace("id: api", "id: -2-1")
    root = make_content(tmp_path / "content", files)
    result = CliRunner().invoke(main, ["metrics", "--content", str(root), "--now", NOW, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    groups = {row[2] for row in rows[1:]}
    assert "'-2-1" in groups and "-2-1" not in groups
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def _paths(value: object, prefix: str = "") -> set[str]:
    """Every field path of a JSON value (`a.b`, `a[].b`); the tables under `counts.<dimension>`
    are keyed by data (severity words and so on), so they end the path."""
    if isinstance(value, dict) and not (prefix.count(".") and prefix.rsplit(".", 2)[-2] == "counts"):
        return {p for key, item in value.items() for p in _paths(item, f"{prefix}.{key}" if prefix else key)}
    if isinstance(value, list) and value:
        return set().union(*(_paths(item, prefix + "[]") for item in value))
    return {prefix}


_ROW = ["group", "incidents", "incident_ids[]",
        *(f"durations.{d}.{s}" for d in ("ttd", "ttm", "ttr") for s in ("n", "n_missing", "median", "p90", "mean", "min", "max")),
        *(f"counts.{c}" for c in ("severity", "type", "root_cause_type", "root_cause_service", "detection"))]


def test_json_has_exactly_the_documented_fields(content: Path) -> None:
    """The README's table of fields ("Metrics", "JSON"), written out: a renamed or missing key
    breaks every dashboard that reads it."""
    data = json.loads(run("--content", str(content), "--now", NOW, "--format", "json"))
    assert _paths(data) == {
        "schema", "generated_at", "period.start", "period.end", "period.seconds",
        "units.durations", "units.availability", "units.rates", "percentile_method",
        *(f"overall.{p}" for p in _ROW), "groups.by", *(f"groups.rows[].{p}" for p in _ROW),
        *(f"reliability[].{k}" for k in ("service", "name", "public", "slo_percent", "incidents", "downtime_seconds",
                                         "availability_percent", "slo_met", "error_budget_used_percent",
                                         "time_between_failures.n", "time_between_failures.median",
                                         "time_between_failures.mean")),
        "followup.today",
        *(f"followup.by_priority[].{k}" for k in ("priority", "total", "open", "overdue", "done", "done_late",
                                                  "wont_fix", "completion_rate_percent", "median_days_to_close")),
        *(f"followup.items[].{k}" for k in ("id", "incident", "title", "owner", "priority", "status", "due", "state",
                                            "days_overdue", "done_at", "done_late", "days_to_close")),
        "followup.reviews_overdue[].incident", "followup.reviews_overdue[].title", "followup.reviews_overdue[].due",
    }
    assert data["units"] == {"durations": "seconds", "availability": "percent", "rates": "percent"}
    assert data["percentile_method"].startswith("linear interpolation between closest ranks (Hyndman")
    assert data["generated_at"] == "2026-11-28T12:00:00Z" and data["followup"]["today"] == "2026-11-28"
    # External incidents resolved 14 days before 11-28 12:00 without a reviewed review: G (resolved
    # 10-15 01:00), B (11-05 02:00), H (11-06 01:00); A has a reviewed one. Earliest due first.
    assert data["followup"]["reviews_overdue"] == [
        {"incident": "INC-G", "title": "API down in October", "due": "2026-10-29T01:00:00Z"},
        {"incident": "INC-B", "title": "API errors", "due": "2026-11-19T02:00:00Z"},
        {"incident": "INC-H", "title": "API slow", "due": "2026-11-20T01:00:00Z"},
    ]


def test_a_review_is_overdue_only_after_its_deadline(content: Path) -> None:
    # INC-H was resolved 2026-11-06T01:00Z: its review is due 14 days later, to the second.
    for at, overdue in [("2026-11-20T01:00:00Z", ["INC-G", "INC-B"]), ("2026-11-20T01:00:01Z", ["INC-G", "INC-B", "INC-H"])]:
        data = json.loads(run("--content", str(content), "--now", at, "--format", "json"))
        assert [r["incident"] for r in data["followup"]["reviews_overdue"]] == overdue


#: Follow-up by hand at 2026-11-28 12:00 UTC (today 11-28). Two external incidents without a
#: review, resolved in the other order than they started; an internal one whose reviewed review
#: (11-10) holds four items, written in an order that is not the report's.
FOLLOWUP_FILES = {
    # Resolved 11-05 00:00: review due 14 days later, 11-19 00:00.
    "incidents/one.yaml": """\
        id: INC-1
        title: Started first
        type: external
        severity: minor
        started_at: 2026-11-01T00:00:00Z
        resolved_at: 2026-11-05T00:00:00Z
        """,
    # Started later but resolved 11-03 00:00: review due 11-17 00:00, before INC-1's.
    "incidents/two.yaml": """\
        id: INC-2
        title: Started second
        type: external
        severity: minor
        started_at: 2026-11-02T00:00:00Z
        resolved_at: 2026-11-03T00:00:00Z
        """,
    "incidents/three.yaml": """\
        id: INC-3
        title: Internal
        type: internal
        severity: minor
        started_at: 2026-11-09T00:00:00Z
        resolved_at: 2026-11-09T06:00:00Z
        """,
    "postmortems/INC-3.md": """\
        ---
        incident: INC-3
        status: reviewed
        review_date: 2026-11-10
        action_items:
          - {id: AI-1, title: Open due 11-30, owner: li, priority: P2, due: 2026-11-30, status: open}
          - {id: AI-2, title: Done on its due day, owner: li, priority: P1, due: 2026-11-15, status: done,
             done_at: 2026-11-15}
          - {id: AI-3, title: Overdue, owner: dana, priority: P1, due: 2026-11-20, status: open}
          - {id: AI-4, title: Open due 11-29, owner: dana, priority: P2, due: 2026-11-29, status: in_progress}
        ---
        ## Summary
        """,
}


def test_followup_items_and_reviews_in_order_by_hand(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", FOLLOWUP_FILES)
    data = json.loads(run("--content", str(content), "--now", NOW, "--format", "json"))["followup"]
    # Overdue first (AI-3, due 11-20: 28 - 20 = 8 days), then open by due date (AI-4 11-29 before
    # AI-1 11-30, though AI-1 sorts first by id), then done (AI-2). Only an overdue item has days
    # overdue; AI-2 was done on its due day, which is not late; it closed 11-15 - 11-10 = 5 days
    # after the review.
    assert [(i["id"], i["state"], i["due"], i["days_overdue"], i["done_late"], i["days_to_close"])
            for i in data["items"]] == [
        ("AI-3", "overdue", "2026-11-20", 8, False, None),
        ("AI-4", "open", "2026-11-29", None, False, None),
        ("AI-1", "open", "2026-11-30", None, False, None),
        ("AI-2", "done", "2026-11-15", None, False, 5),
    ]
    # P1: AI-2 done (in time, 5 days), AI-3 overdue -> completion 1 / 2; P2: AI-1, AI-4 open.
    priorities = {p["priority"]: p for p in data["by_priority"]}
    assert priorities["P1"] == {"priority": "P1", "total": 2, "open": 1, "overdue": 1, "done": 1, "done_late": 0,
                                "wont_fix": 0, "completion_rate_percent": 50.0, "median_days_to_close": 5}
    assert (priorities["P2"]["total"], priorities["P2"]["open"], priorities["P2"]["done"]) == (2, 2, 0)
    # Earliest due first: INC-2 (11-17), then INC-1 (11-19), though INC-1 started first.
    assert data["reviews_overdue"] == [
        {"incident": "INC-2", "title": "Started second", "due": "2026-11-17T00:00:00Z"},
        {"incident": "INC-1", "title": "Started first", "due": "2026-11-19T00:00:00Z"},
    ]
