"""`statuspress import statuspage` and `statuspress import cstate`: bring history in, idempotently."""

from __future__ import annotations

from pathlib import Path

import click

from ..importers.cstate import plan_cstate
from ..importers.plan import Plan, apply_plan
from ..importers.statuspage import plan_statuspage, read_payloads
from ..responder.store import Refused
from ..wording import counted
from .common import check_content_folder, content_locked, content_option, now_option, parse_now


def _apply(content: Path, plan: Plan, now: str | None) -> None:
    check_content_folder(content)
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    try:
        with content_locked(content):  # the records and services.yaml are read and written under it
            outcome = apply_plan(content, plan, parse_now(now))
    except Refused as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo("Refused: the imported content would be invalid; nothing was written.", err=True)
        raise SystemExit(1) from None
    for path in outcome.written:
        click.echo(f"wrote {path}")
    if outcome.services_added:
        added = ", ".join(outcome.services_added)
        click.echo(f"added {counted(len(outcome.services_added), 'service')} to services.yaml: {added}")
    click.echo(
        f"{counted(len(outcome.written), 'record')} written, {len(outcome.skipped):,} already present, "
        f"{counted(len(outcome.services_added), 'service')} added",
        err=True,
    )


@click.group("import")
def import_group() -> None:
    """Import incidents, maintenance and components from another status page."""


@import_group.command("statuspage")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@content_option
@now_option
def statuspage_command(source: Path, content: Path, now: str | None) -> None:
    """Import Statuspage v2 JSON: a summary.json / incidents.json file, or a folder of *.json."""
    payloads, warnings = read_payloads(source)
    plan = plan_statuspage(payloads)
    plan.warnings[:0] = warnings
    _apply(content, plan, now)


@import_group.command("cstate")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@content_option
@now_option
def cstate_command(source: Path, content: Path, now: str | None) -> None:
    """Import a cState site folder (config.yml and content/issues/*.md)."""
    _apply(content, plan_cstate(source), now)
