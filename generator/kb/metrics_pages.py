"""The knowledge-base metrics pages: headline figures, reliability per service, follow-up figures,
their SVG charts, the JSON/CSV downloads and the action-item calendars.

Listed in the page registry (`registry.py`). Every producer is a pure
function of (site, now); the report is computed once per (site, now) and shared. The period is
the default of `statuspress metrics`: the 365 days before the build time.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import pickle
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from ..derive.durations import DURATION_NAMES
from ..derive.metrics import Report, compute, make_period
from ..derive.metrics.export import csv_rows, to_json
from ..derive.metrics.groups import GroupMetrics, group
from ..derive.metrics.table import DURATION_LABELS, group_duration_cells, group_duration_headers, human
from ..model import Severity, Site
from . import paths
from .charts import Chart, horizontal_bars, lines, stacked_bars
from .followup_calendar import TEAM_FEED, calendar_files, owner_feed, owners
from .md import cell, front_matter, link, nowrap, table
from .pages import Keyed, Output

T = TypeVar("T")

METRICS = "metrics/index.md"
RELIABILITY = "metrics/reliability.md"
FOLLOWUP_FIGURES = "follow-ups/figures.md"
CHARTS = "metrics/charts"
JSON_FILE = "metrics/metrics.json"
CSV_FILE = "metrics/metrics.csv"

FORMULAS = """\
* **TTD** (time to detect) = `detected_at − started_at`; **TTM** (time to mitigate) =
  `mitigated_at − started_at`; **TTR** (time to resolve) = `resolved_at − started_at`. All three
  start when impact started. A missing timestamp makes the figure *unknown*: it is counted under
  "missing" and left out of every statistic, never counted as zero (an open incident has no TTR).
* An incident belongs to the period when it **started** in it. By service, an incident counts for
  every service it impacts.
* **Median** and **p90** use linear interpolation between closest ranks (Hyndman–Fan type 7,
  numpy's default): sort the n known values x₀ ≤ … ≤ xₙ₋₁, h = (n − 1) × p, result =
  x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). Means are shown too, but durations are skewed: read the median
  and p90 first.
* **Downtime** of a service: the impact spans of every incident (internal ones too) merged into
  the worst state at each instant (overlaps count once), then seconds in `major_outage` × its
  weight + seconds in `partial_outage` × its weight (`uptime_weights`, default 1.0 and 0.3),
  clipped to the period; open impacts last until the build time. The public uptime uses the same
  rule over external incidents only.
* **Availability** = 1 − downtime / period length. **SLO met** when availability ≥ `slo`.
  **Error budget** = (1 − slo/100) × period length; **budget used** = downtime / budget (over
  100 % means the budget is spent).
* **Time between failures** (per service): gaps between the starts of consecutive incidents
  impacting the service (the earliest start of their impacts on it) in the period; n = incidents − 1.
* **Action items**: due = `due`, else review day (`review_date`, else the resolution day) +
  `action_item_deadlines[priority]` days. *Overdue*: open or in progress and due before today
  (UTC). *Done late*: `done_at` after due. *Completion rate* = done / (items − won't fix).
  *Time to close* = `done_at` − review day. *Review overdue*: an external incident resolved more
  than `review_deadline_days` ago without a reviewed or published post-mortem.
"""

_cache: dict[str, tuple[Site, datetime, Any]] = {}


def _memo(key: str, site: Site, now: datetime, make: Callable[[], T]) -> T:
    """One cached value per key for the latest (site, now): the pages and files share it."""
    hit = _cache.get(key)
    if hit is not None and hit[0] is site and hit[1] == now:
        value: T = hit[2]
        return value
    value = make()
    _cache[key] = (site, now, value)
    return value


def forget() -> None:
    """Drop the latest values (and their site): once a build has made its pages, nothing asks."""
    _cache.clear()


def report_for(site: Site, now: datetime) -> Report:
    """The metrics report of the KB period, grouped by month, computed once per (site, now)."""
    return _memo("report", site, now, lambda: compute(site, now, make_period(now), "month"))


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def image(chart: Chart, source: str) -> str:
    """Markdown image of a chart with its text alternative as alt text."""
    alt = cell(chart.alt).replace("(", "\\(").replace(")", "\\)")
    return f"![{alt}]({link_target(source, f'{CHARTS}/{chart.name}.svg')})\n"


def link_target(source: str, target: str) -> str:
    return link("x", source, target)[len("[x](") : -1]


# --------------------------------------------------------------------------- charts


def charts(site: Site, now: datetime) -> list[Chart]:
    """Every metrics chart, in page order (rendered once per (site, now))."""
    return _memo("charts", site, now, lambda: _charts(site, now))


def _charts(site: Site, now: datetime) -> list[Chart]:
    report = report_for(site, now)
    months = [g.key for g in report.groups]
    by_severity = {s.value: [g.counts["severity"][s.value] for g in report.groups] for s in Severity}
    alt = "Incidents per month by severity: " + "; ".join(
        f"{g.key}: " + ", ".join(f"{g.counts['severity'][s.value]} {s.value}" for s in Severity)
        for g in report.groups
    ) + "."
    out = [stacked_bars("incidents-by-severity", "Incidents per month by severity", alt, months, by_severity,
                        "Incidents started")]
    for name in DURATION_NAMES:
        label = DURATION_LABELS[name]
        medians = [_minutes(g.durations[name].median) for g in report.groups]
        p90s = [_minutes(g.durations[name].p90) for g in report.groups]
        text = f"{label} per month, median and p90: " + "; ".join(
            f"{g.key}: " + (
                "no data" if g.durations[name].n == 0
                else f"median {human(g.durations[name].median)}, p90 {human(g.durations[name].p90)}, "
                f"n {g.durations[name].n}"
            )
            for g in report.groups
        ) + "."
        out.append(lines(f"{name}-by-month", f"{label} per month (median and p90)", text, months,
                         {"median": medians, "p90": p90s}, "Month (UTC)", "Minutes"))
    for dimension, title in (("root_cause_type", "Incidents by root cause type"),
                             ("detection", "Incidents by detection method")):
        counts = {k.replace("_", " "): float(v) for k, v in report.overall.counts[dimension].items()}
        text = f"{title}: " + ", ".join(f"{k} {int(v)}" for k, v in counts.items()) + "."
        out.append(horizontal_bars(dimension.replace("_", "-"), title, text, counts, "Incidents"))
    budgets = {r.service: r.error_budget_used_percent for r in report.reliability}
    known = {k: round(v, 1) for k, v in budgets.items() if v is not None}
    text = "Error budget used per service, percent: " + ", ".join(f"{k} {v:g}%" for k, v in known.items()) + "."
    out.append(horizontal_bars("error-budget", "Error budget used per service", text, known,
                               "Error budget used (%)", 100.0, "whole budget", "{:g}%"))
    return out


def chart_by_name(site: Site, now: datetime) -> dict[str, Chart]:
    return {c.name: c for c in charts(site, now)}


# --------------------------------------------------------------------------- pages


def _period_line(report: Report) -> str:
    p = report.period
    return (
        f"Period: {p.start:%Y-%m-%d %H:%M} to {p.end:%Y-%m-%d %H:%M} UTC ({p.seconds / 86400:g} days), "
        f"{len(report.overall.incidents)} incidents started in it, internal ones included. "
        f"Computed at the build time, {now_text(report.now)}.\n\n"
    )


def now_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def headline(g: GroupMetrics) -> str:
    """The TTD/TTM/TTR table: median, p90, n first; mean, min, max after."""
    headers = ["Measure", "Median", "p90", "n", "Missing", "Mean", "Min", "Max"]
    rows = []
    for name, summary in g.durations.items():
        rows.append([
            f"**{DURATION_LABELS[name]}**", human(summary.median), human(summary.p90), str(summary.n),
            str(summary.n_missing), human(summary.mean), human(summary.min), human(summary.max),
        ])
    return table(headers, rows)


def group_table(title: str, groups: list[GroupMetrics]) -> str:
    headers = [title, "Incidents", *group_duration_headers()]
    rows = [[cell(g.key.replace("_", " ")), str(len(g.incidents)), *group_duration_cells(g, " of ")] for g in groups]
    return table(headers, rows)


def counts_table(title: str, counts: dict[str, int]) -> str:
    total = sum(counts.values())
    rows = [[cell(k.replace("_", " ")), str(v), f"{100.0 * v / total:.0f}%" if total else "—"]
            for k, v in counts.items()]
    return table([title, "Incidents", "Share"], rows)


def metrics_page(site: Site, now: datetime) -> str:
    report = report_for(site, now)
    chart = chart_by_name(site, now)
    src = METRICS
    out = front_matter("Metrics", tags=["metrics"], wide=True) + "# Incident metrics\n\n" + _period_line(report)
    out += "## Headline figures\n\n" + headline(report.overall) + "\n"
    out += (
        "Durations are skewed: a few long incidents pull the mean up, so read the **median** (the "
        "typical incident) and the **p90** (the bad ones) first, with **n** (how many incidents had the "
        "timestamp) and **missing** (how many did not). See [the formulas](#formulas).\n\n"
        f"Also: {link('reliability per service', src, RELIABILITY)}, "
        f"{link('follow-up figures', src, FOLLOWUP_FIGURES)}; machine-readable: "
        f"[metrics.json]({link_target(src, JSON_FILE)}), [metrics.csv]({link_target(src, CSV_FILE)}) "
        "(the formats of `statuspress metrics --format json|csv`).\n\n"
    )
    out += "## Incidents over time\n\n" + image(chart["incidents-by-severity"], src) + "\n"
    out += "## TTD, TTM and TTR over time\n\n"
    for name in DURATION_NAMES:
        out += image(chart[f"{name}-by-month"], src) + "\n"
    out += group_table("Month", list(report.groups)) + "\n"
    period = report.period
    out += "## By severity\n\n" + group_table("Severity", group(site, period, "severity")) + "\n"
    out += "## By type\n\n" + group_table("Type", group(site, period, "type")) + "\n"
    out += "## By quarter\n\n" + group_table("Quarter", group(site, period, "quarter")) + "\n"
    out += "## Root causes\n\n" + image(chart["root-cause-type"], src) + "\n"
    out += counts_table("Root cause type", report.overall.counts["root_cause_type"]) + "\n"
    out += counts_table("Root cause service", report.overall.counts["root_cause_service"]) + "\n"
    out += "## Detection\n\n" + image(chart["detection"], src) + "\n"
    out += counts_table("Detection method", report.overall.counts["detection"]) + "\n"
    out += "## Formulas\n\n" + FORMULAS
    return out


def reliability_page(site: Site, now: datetime) -> str:
    report = report_for(site, now)
    src = RELIABILITY
    out = front_matter("Reliability per service", tags=["metrics"], wide=True) + "# Reliability per service\n\n"
    out += _period_line(report)
    out += (
        "Availability counts every incident, internal ones too, with the public uptime rule (overlaps "
        "merged, `uptime_weights`). Budget used over 100% means the SLO is missed. Time between "
        "failures (TBF) is the gap between the starts of consecutive incidents on the service.\n\n"
    )
    out += image(chart_by_name(site, now)["error-budget"], src) + "\n"
    headers = ["Service", "SLO", "Availability", "SLO", "Budget used", "Downtime", "Incidents", "TBF median",
               "TBF mean", "TBF n"]
    rows = []
    for r in report.reliability:
        met = "—" if r.slo_met is None else ("met" if r.slo_met else '<span class="kb-overdue">missed</span>')
        rows.append([
            link(r.name, src, paths.service(r.service)), f"{r.slo:g}%" if r.slo is not None else "—",
            f"{r.availability * 100:.3f}%", met,
            "—" if r.error_budget_used_percent is None else f"{r.error_budget_used_percent:.1f}%",
            human(r.downtime_seconds), str(len(r.incidents)), human(r.tbf_median), human(r.tbf_mean), str(r.tbf_n),
        ])
    out += table(headers, rows) + "\n## Formulas\n\n" + FORMULAS
    return out


def followup_figures(site: Site, now: datetime, source: str = FOLLOWUP_FIGURES) -> str:
    """Overdue and completion figures per priority, overdue items and reviews, calendar links.

    Markdown without a title, so the follow-up tracker can embed it too."""
    f = report_for(site, now).followup
    headers = ["Priority", "Items", "Open", "Overdue", "Done", "Done late", "Won't fix", "Completion",
               "Median days to close"]
    rows = [
        [p.priority, str(p.total), str(p.open), f"**{p.overdue}**" if p.overdue else "0", str(p.done),
         str(p.done_late), str(p.wont_fix),
         "—" if p.completion_rate is None else f"{p.completion_rate * 100:.0f}%",
         "—" if p.median_days_to_close is None else f"{p.median_days_to_close:g}"]
        for p in f.by_priority
    ]
    out = table(headers, rows) + "\n"
    overdue = [i for i in f.items if i.state == "overdue"]
    if overdue:
        out += "**Overdue action items**\n\n" + table(
            ["Item", "Title", "Owner", "Priority", "Due", "Days overdue", "Review"],
            [[nowrap(i.item.id), cell(i.item.title), cell(i.item.owner) or "—", i.item.priority.value,
              nowrap(str(i.due)), str(i.days_overdue), link(i.incident, source, paths.review(i.incident), nowrap=True)]
             for i in overdue],
        ) + "\n"
    if f.reviews_overdue:
        out += "**Reviews overdue**\n\n" + table(
            ["Incident", "Title", "Review due"],
            [[link(r.incident, source, paths.incident(r.incident), nowrap=True), cell(r.title), now_text(r.due)]
             for r in f.reviews_overdue],
        ) + "\n"
    feeds = [f"[whole team]({link_target(source, TEAM_FEED)})"] + [
        f"[{cell(o or '(no owner)')}]({link_target(source, owner_feed(o))})" for o in owners(list(f.items))
    ]
    out += "Subscribe to due dates (iCalendar): " + ", ".join(feeds) + ".\n"
    return out


def followup_page(site: Site, now: datetime) -> str:
    out = front_matter("Follow-up figures", tags=["follow-up"], wide=True) + "# Follow-up figures\n\n"
    out += f"As of {now.date()}, every review.\n\n" + followup_figures(site, now)
    return out + "\n## Formulas\n\n" + FORMULAS


# --------------------------------------------------------------------------- files


def files(site: Site, now: datetime) -> Iterator[Output | Keyed]:
    """Charts, the JSON and CSV downloads and the calendars. Charts and calendars are keyed
    files: drawn (in a worker, first, being the slowest) only when what they show changed."""
    for chart in charts(site, now):
        yield Keyed(f"{CHARTS}/{chart.name}.svg", (chart.key,), functools.partial(_svg_bytes, chart), slow=True)
    report = report_for(site, now)
    data = to_json(report)  # encoding it with indent runs Python's JSON encoder: kept while unchanged
    yield Keyed(JSON_FILE, (pickle.dumps(data, protocol=5),), functools.partial(_json_bytes, data))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
    yield Output(CSV_FILE, buffer.getvalue().encode("utf-8"))
    yield from calendar_files(site, now)


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _svg_bytes(chart: Chart) -> bytes:
    return chart.svg.encode("utf-8")
