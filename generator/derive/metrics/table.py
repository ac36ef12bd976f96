"""The metrics report as plain-text tables for a terminal (`statuspress metrics`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...wording import counted
from .groups import GroupMetrics
from .stats import Summary

if TYPE_CHECKING:
    from . import Report

DURATION_LABELS = {"ttd": "TTD", "ttm": "TTM", "ttr": "TTR"}


def human(seconds: float | None) -> str:
    """`45 s`, `14 min`, `1 h 06 min`, `3 d 4 h`; `—` when unknown."""
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"


def pct(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, right-aligned others, two spaces apart."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        parts = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in pairs]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def summary_cells(s: Summary) -> list[str]:
    return [str(s.n), str(s.n_missing), human(s.median), human(s.p90), human(s.mean), human(s.min), human(s.max)]


def durations_table(g: GroupMetrics) -> str:
    header = ["duration", "n", "missing", "median", "p90", "mean", "min", "max"]
    rows = [[DURATION_LABELS[name], *summary_cells(s)] for name, s in g.durations.items()]
    return render_table(header, rows)


def group_duration_headers() -> list[str]:
    """Column titles of the per-group duration columns: median, p90 and n of each duration."""
    return [f"{label} {stat}" for label in DURATION_LABELS.values() for stat in ("median", "p90", "n")]


def group_duration_cells(g: GroupMetrics, counted: str = "/") -> list[str]:
    """Median, p90 and "n`counted`total" of each duration of one group, as `group_duration_headers`."""
    cells = []
    for name in DURATION_LABELS:
        s = g.durations[name]
        cells += [human(s.median), human(s.p90), f"{s.n}{counted}{s.n + s.n_missing}"]
    return cells


def groups_table(by: str, groups: Sequence[GroupMetrics]) -> str:
    header = [by, "incidents", *group_duration_headers()]
    rows = [[g.key, str(len(g.incidents)), *group_duration_cells(g)] for g in groups]
    return render_table(header, rows)


def counts_table(g: GroupMetrics) -> str:
    rows = [[dimension, key, str(n)] for dimension, table in g.counts.items() for key, n in table.items() if n]
    return render_table(["breakdown", "value", "incidents"], rows)


def reliability_table(report: Report) -> str:
    header = ["service", "SLO", "availability", "SLO met", "budget used", "downtime", "incidents", "TBF median",
              "TBF mean", "TBF n"]
    rows = []
    for r in report.reliability:
        met = "—" if r.slo_met is None else ("met" if r.slo_met else "MISSED")
        rows.append([
            r.service, pct(r.slo, 2) if r.slo is not None else "—", pct(r.availability * 100.0), met,
            pct(r.error_budget_used_percent, 1), human(r.downtime_seconds), str(len(r.incidents)),
            human(r.tbf_median), human(r.tbf_mean), str(r.tbf_n),
        ])
    return render_table(header, rows)


def followup_table(report: Report) -> str:
    header = ["priority", "items", "open", "overdue", "done", "done late", "won't fix", "completion",
              "median days to close"]
    rows = [
        [p.priority, str(p.total), str(p.open), str(p.overdue), str(p.done), str(p.done_late), str(p.wont_fix),
         pct(None if p.completion_rate is None else p.completion_rate * 100.0, 0),
         "—" if p.median_days_to_close is None else f"{p.median_days_to_close:g}"]
        for p in report.followup.by_priority
    ]
    return render_table(header, rows)


def overdue_lines(report: Report) -> list[str]:
    lines = []
    for i in report.followup.items:
        if i.state == "overdue" and i.days_overdue is not None:  # always known when overdue
            lines.append(f"  {i.item.id} ({i.incident}, {i.item.priority.value}, owner {i.item.owner or '—'}): "
                         f"due {i.due}, {counted(i.days_overdue, 'day')} overdue — {i.item.title}")
    for r in report.followup.reviews_overdue:
        lines.append(f"  review of {r.incident} overdue since {r.due:%Y-%m-%d %H:%M} UTC — {r.title}")
    return lines


def render(report: Report) -> str:
    """The whole report as text."""
    p = report.period
    days = p.seconds / 86400
    parts = [
        f"Incident metrics {p.start:%Y-%m-%d %H:%M} to {p.end:%Y-%m-%d %H:%M} UTC ({days:g} days): "
        f"{len(report.overall.incidents)} incidents started in the period.",
        "Durations run from started_at; a missing timestamp is counted as missing, never as zero.",
        "Median and p90 by linear interpolation between closest ranks (numpy's default).",
        "",
        durations_table(report.overall),
        "",
        f"By {report.by}",
        groups_table(report.by, report.groups),
        "",
        "Incidents by breakdown",
        counts_table(report.overall),
        "",
        "Reliability per service (all incidents, internal ones too)",
        reliability_table(report),
        "",
        f"Follow-up as of {report.followup.today}",
        followup_table(report),
    ]
    overdue = overdue_lines(report)
    if overdue:
        parts += ["", "Overdue", *overdue]
    return "\n".join(parts) + "\n"
