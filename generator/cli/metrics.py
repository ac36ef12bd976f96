"""`statuspress metrics`: the incident metrics as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import click

from ..derive.metrics import GROUPINGS, compute, make_period
from ..derive.metrics.export import csv_rows, to_json
from ..derive.metrics.table import render
from ..load import load_or_raise
from ..problems import ContentError
from .common import check_content_folder, content_option, fail_on_content, now_option, parse_now

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@click.command("metrics")
@content_option
@now_option
@click.option("--since", type=DATE, default=None, help="First day of the period (default: 365 days before its end).")
@click.option("--until", type=DATE, default=None, help="Last day of the period, inclusive (default: now).")
@click.option("--by", type=click.Choice(GROUPINGS), default="service", show_default=True, help="Grouping.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format; json and csv are stable for dashboards (see README, Metrics).",
)
def metrics_command(
    content: Path, now: str | None, since: datetime | None, until: datetime | None, by: str, fmt: str
) -> None:
    """Print TTD/TTM/TTR, availability against SLO, time between failures and follow-up."""
    check_content_folder(content)
    moment = parse_now(now)
    try:
        period = make_period(moment, _day(since), _day(until))
    except ValueError as exc:
        raise click.UsageError(f"--since/--until: {exc}") from None
    try:
        loaded = load_or_raise(content, moment)
    except ContentError as error:
        fail_on_content(error)
    report = compute(loaded.site, moment, period, by)
    if fmt == "json":
        click.echo(json.dumps(to_json(report), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(render(report), nl=False)
