"""The stable machine-readable shapes of a metrics report, for dashboards.

JSON (`to_json`): one object, documented field by field in the README ("Metrics").
CSV (`csv_rows`): a long ("tidy") table, one figure per row, with the header
`section,group_by,group,metric,stat,value`, so new figures add rows, never columns.
Durations are in seconds, availability and rates in percent; unknown figures are `null` in JSON
and empty in CSV. Rows and keys come in a fixed order. A CSV cell that a spreadsheet would read
as a formula gets a leading `'` (`spreadsheet_safe`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .followup import FollowUp
from .groups import GroupMetrics
from .reliability import ServiceReliability
from .stats import SUMMARY_FIELDS

SCHEMA = "statuspress.metrics/1"
PERCENTILE_METHOD = "linear interpolation between closest ranks (Hyndman-Fan type 7, numpy default)"
CSV_HEADER = ("section", "group_by", "group", "metric", "stat", "value")

Number = float | int | None


def _round(value: Number, digits: int = 3) -> Number:
    """Round floats for stable output; ints and None pass."""
    if isinstance(value, float):
        rounded = round(value, digits)
        return int(rounded) if rounded.is_integer() else rounded
    return value


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def percent(fraction: float | None) -> Number:
    return None if fraction is None else _round(fraction * 100.0, 4)


def group_json(g: GroupMetrics) -> dict[str, Any]:
    return {
        "group": g.key,
        "incidents": len(g.incidents),
        "incident_ids": list(g.incidents),
        "durations": {
            name: {k: _round(v) for k, v in summary.as_dict().items()} for name, summary in g.durations.items()
        },
        "counts": g.counts,
    }


def reliability_json(r: ServiceReliability) -> dict[str, Any]:
    return {
        "service": r.service,
        "name": r.name,
        "public": r.public,
        "slo_percent": r.slo,
        "incidents": len(r.incidents),
        "downtime_seconds": _round(r.downtime_seconds),
        "availability_percent": percent(r.availability),
        "slo_met": r.slo_met,
        "error_budget_used_percent": _round(r.error_budget_used_percent, 2),
        "time_between_failures": {"n": r.tbf_n, "median": _round(r.tbf_median), "mean": _round(r.tbf_mean)},
    }


def followup_json(f: FollowUp) -> dict[str, Any]:
    return {
        "today": f.today.isoformat(),
        "by_priority": [
            {
                "priority": p.priority,
                "total": p.total,
                "open": p.open,
                "overdue": p.overdue,
                "done": p.done,
                "done_late": p.done_late,
                "wont_fix": p.wont_fix,
                "completion_rate_percent": percent(p.completion_rate),
                "median_days_to_close": _round(p.median_days_to_close),
            }
            for p in f.by_priority
        ],
        "items": [
            {
                "id": i.item.id,
                "incident": i.incident,
                "title": i.item.title,
                "owner": i.item.owner,
                "priority": i.item.priority.value,
                "status": i.item.status.value,
                "due": i.due.isoformat() if i.due else None,
                "state": i.state,
                "days_overdue": i.days_overdue,
                "done_at": i.item.done_at.isoformat() if i.item.done_at else None,
                "done_late": i.done_late,
                "days_to_close": i.days_to_close,
            }
            for i in f.items
        ],
        "reviews_overdue": [
            {"incident": r.incident, "title": r.title, "due": _time(r.due)} for r in f.reviews_overdue
        ],
    }


def to_json(report: Any) -> dict[str, Any]:
    """The report as a JSON-ready dict (`report` is a `metrics.Report`)."""
    return {
        "schema": SCHEMA,
        "generated_at": _time(report.now),
        "period": {
            "start": _time(report.period.start),
            "end": _time(report.period.end),
            "seconds": _round(report.period.seconds),
        },
        "units": {"durations": "seconds", "availability": "percent", "rates": "percent"},
        "percentile_method": PERCENTILE_METHOD,
        "overall": group_json(report.overall),
        "groups": {"by": report.by, "rows": [group_json(g) for g in report.groups]},
        "reliability": [reliability_json(r) for r in report.reliability],
        "followup": followup_json(report.followup),
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_round(value) if isinstance(value, float) else value)


def _group_rows(g: GroupMetrics, by: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("durations", by, g.key, "incidents", "count", str(len(g.incidents)))]
    for name, summary in g.durations.items():
        values = summary.as_dict()
        rows.extend(("durations", by, g.key, name, stat, _cell(values[stat])) for stat in SUMMARY_FIELDS)
    for dimension, table in g.counts.items():
        rows.extend(("counts", by, g.key, dimension, key, str(n)) for key, n in table.items())
    return rows


#: What makes a spreadsheet read a cell as a formula (or hide where it starts).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """`cell`, with a leading `'` when a spreadsheet would evaluate it (`=1+1`, `@SUM(A1)`,
    `-2-1`, `+x`, a leading tab or CR): Excel, LibreOffice and Google Sheets show such a cell
    as text. A plain number such as `-12.5` is left alone, so it stays a number."""
    if not cell.startswith(_FORMULA_START) or _NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def csv_rows(report: Any) -> list[tuple[str, ...]]:
    """The report as rows of the long CSV table, header first, every cell spreadsheet-safe."""
    return [tuple(spreadsheet_safe(cell) for cell in row) for row in _csv_rows(report)]


def _csv_rows(report: Any) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [CSV_HEADER]
    rows.append(("period", "all", "all", "period", "start", _time(report.period.start)))
    rows.append(("period", "all", "all", "period", "end", _time(report.period.end)))
    rows.extend(_group_rows(report.overall, "all"))
    for g in report.groups:
        rows.extend(_group_rows(g, report.by))
    for r in report.reliability:
        data = reliability_json(r)
        tbf = data.pop("time_between_failures")
        for stat in ("slo_percent", "incidents", "downtime_seconds", "availability_percent", "slo_met",
                     "error_budget_used_percent"):
            rows.append(("reliability", "service", r.service, "availability", stat, _cell(data[stat])))
        rows.extend(("reliability", "service", r.service, "tbf", k, _cell(v)) for k, v in tbf.items())
    for p in followup_json(report.followup)["by_priority"]:
        priority = p.pop("priority")
        rows.extend(("followup", "priority", priority, "action_items", k, _cell(v)) for k, v in p.items())
    rows.append(("followup", "all", "all", "reviews", "overdue", str(len(report.followup.reviews_overdue))))
    return rows
