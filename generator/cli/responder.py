"""Responder commands: `new incident`, `new maintenance`, `update`, `resolve`, `postmortem`.

They write YAML for the responder with correct UTC timestamps, keep everything else in the file
as written, and refuse (leaving files untouched) any change that would make the content invalid.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from ruamel.yaml.comments import CommentedMap

from ..load import load_site
from ..load.cache import LoadCache
from ..load.fields import parse_time
from ..model import Detection, IncidentType, Severity, UpdateStatus
from ..responder import incidents as edits
from ..responder.ids import free_path, next_id, slugify
from ..responder.maintenance import new_maintenance
from ..responder.postmortem import scaffold
from ..responder.store import Refused, commit, find_incident, record_ids
from ..responder.yamlrt import dump_doc, load_doc
from .common import cache_options, check_content_folder, content_option, now_option, parse_now


def _choice(kind: type[Severity] | type[IncidentType] | type[Detection]) -> click.Choice[str]:
    return click.Choice([member.value for member in kind])


def _time(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as error:
        raise click.UsageError(f"{option}: {error}") from None


def _refused(error: Refused) -> None:
    for problem in error.problems:
        click.echo(problem, err=True)
    click.echo("Refused: the content would be invalid; nothing was written.", err=True)
    raise SystemExit(1)


def _cache(cache_dir: Path, no_cache: bool) -> Path | None:
    return None if no_cache else cache_dir


def _write(content: Path, path: Path, text: str, now: datetime, new: bool, cache_dir: Path | None) -> None:
    try:
        commit(content, {path: text}, now, new=[path] if new else [], cache_dir=cache_dir)
    except Refused as error:
        _refused(error)


def _edit(
    content: Path, incident: str, now: datetime, change: Callable[[CommentedMap], None], cache_dir: Path | None
) -> Path:
    """Load incident `incident`, apply `change`, validate and write it back."""
    check_content_folder(content)
    try:
        path = find_incident(content, incident)
        doc = load_doc(path.read_text(encoding="utf-8"))
        change(doc)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    except (ValueError, edits.EditError) as error:
        raise click.ClickException(str(error)) from None
    _write(content, path, dump_doc(doc), now, new=False, cache_dir=cache_dir)
    return path


def _new_id(folder: Path, prefix: str, year: int, given: str | None, kind: str) -> str:
    """The id of a new record in `folder`: the next free PREFIX-YEAR-NNN, or `given`, refused
    when a record already has it."""
    ids = record_ids(folder)
    if given is None:
        return next_id(prefix, year, ids)
    if given in ids:
        raise click.UsageError(f"--id: {kind} {given} already exists in {ids[given]}")
    return given


@click.group("new")
def new_group() -> None:
    """Create a new incident or maintenance window."""


@new_group.command("incident")
@click.option("--title", required=True, help="Short title, shown publicly for external incidents.")
@click.option("--severity", type=_choice(Severity), required=True, help="From the severity guidelines.")
@click.option("--type", "kind", type=_choice(IncidentType), default="external", show_default=True)
@click.option("--component", "components", multiple=True, metavar="ID[:LEVEL]",
              help=f"Affected component (repeatable); LEVEL defaults to {edits.DEFAULT_LEVEL.value}.")
@click.option("--detected-by", type=_choice(Detection), default="monitoring", show_default=True)
@click.option("--message", default=None, help="First public update (status investigating).")
@click.option("--id", "incident_id", default=None, help="Incident id (default INC-YEAR-NNN, the next free one).")
@click.option("--started-at", default=None, metavar="TIME", help="When impact started (default: now).")
@content_option
@now_option
@cache_options
def new_incident_command(
    title: str, severity: str, kind: str, components: tuple[str, ...], detected_by: str,
    message: str | None, incident_id: str | None, started_at: str | None, content: Path, now: str | None,
    cache_dir: Path, no_cache: bool,
) -> None:
    """Open a new incident: writes incidents/DATE-SLUG.yaml and prints its path and id."""
    check_content_folder(content)
    moment = parse_now(now)
    start = _time("--started-at", started_at) or moment
    try:
        impacts = [edits.parse_component(text) for text in components]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--component") from None
    folder = content / "incidents"
    incident_id = _new_id(folder, "INC", start.year, incident_id, "incident")
    doc = edits.new_incident(
        incident_id, title, IncidentType(kind), Severity(severity), start, max(start, moment),
        Detection(detected_by), impacts, message,
    )
    path = free_path(folder, f"{start.date().isoformat()}-{slugify(title)}")
    _write(content, path, dump_doc(doc), moment, new=True, cache_dir=_cache(cache_dir, no_cache))
    click.echo(f"{path}\n{incident_id}")


@new_group.command("maintenance")
@click.option("--title", required=True, help="Short public title.")
@click.option("--component", "components", multiple=True, required=True, metavar="ID", help="Component (repeatable).")
@click.option("--start", required=True, metavar="TIME", help="Scheduled start.")
@click.option("--end", required=True, metavar="TIME", help="Scheduled end.")
@click.option("--message", default=None, help="First public update (status scheduled).")
@click.option("--id", "maintenance_id", default=None, help="Id (default MNT-YEAR-NNN, the next free one).")
@content_option
@now_option
@cache_options
def new_maintenance_command(
    title: str, components: tuple[str, ...], start: str, end: str, message: str | None,
    maintenance_id: str | None, content: Path, now: str | None, cache_dir: Path, no_cache: bool,
) -> None:
    """Schedule a maintenance window: writes maintenance/DATE-SLUG.yaml."""
    check_content_folder(content)
    moment = parse_now(now)
    begin, finish = _time("--start", start), _time("--end", end)
    assert begin is not None and finish is not None
    folder = content / "maintenance"
    maintenance_id = _new_id(folder, "MNT", begin.year, maintenance_id, "maintenance")
    doc = new_maintenance(maintenance_id, title, list(components), begin, finish, message, moment)
    path = free_path(folder, f"{begin.date().isoformat()}-{slugify(title)}")
    _write(content, path, dump_doc(doc), moment, new=True, cache_dir=_cache(cache_dir, no_cache))
    click.echo(f"{path}\n{maintenance_id}")


@click.command("update")
@click.argument("incident")
@click.argument("message", required=False)
@click.option("--status", type=click.Choice(["investigating", "identified", "monitoring"]), default=None,
              help="Status of the public update (default: the latest one's).")
@click.option("--internal", "note", default=None, metavar="NOTE", help="Add a note to the internal timeline.")
@click.option("--by", default=None, help="Author of the internal note (default: $USER).")
@click.option("--component", "components", multiple=True, metavar="ID:LEVEL",
              help="Change a component's impact level from now on (repeatable).")
@content_option
@now_option
@cache_options
def update_command(
    incident: str, message: str | None, status: str | None, note: str | None, by: str | None,
    components: tuple[str, ...], content: Path, now: str | None, cache_dir: Path, no_cache: bool,
) -> None:
    """Post a public update, an internal note and/or an impact change to INCIDENT (id or file)."""
    if message is None and note is None and not components:
        raise click.UsageError('nothing to do: give a MESSAGE, --internal "note" or --component ID:LEVEL')
    if status is not None and message is None:
        raise click.UsageError("--status needs a MESSAGE for the public update")
    moment = parse_now(now)
    try:
        changes = [edits.parse_component(text, default=None) for text in components]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--component") from None
    author = by or os.environ.get("USER") or getpass.getuser()

    def change(doc: CommentedMap) -> None:
        for impact in changes:
            edits.change_impact(doc, impact, moment)
        if message is not None:
            edits.add_update(doc, moment, UpdateStatus(status) if status else edits.latest_status(doc), message)
        if note is not None:
            edits.add_note(doc, moment, author, note)

    path = _edit(content, incident, moment, change, _cache(cache_dir, no_cache))
    click.echo(f"Updated {path}")


@click.command("resolve")
@click.argument("incident")
@click.argument("message", required=False)
@click.option("--mitigated-at", default=None, metavar="TIME", help="When impact was mitigated (default: now).")
@content_option
@now_option
@cache_options
def resolve_command(
    incident: str, message: str | None, mitigated_at: str | None, content: Path, now: str | None,
    cache_dir: Path, no_cache: bool,
) -> None:
    """Resolve INCIDENT: set resolved_at, close open impacts, post the `resolved` update."""
    moment = parse_now(now)
    mitigated = _time("--mitigated-at", mitigated_at)

    def change(doc: CommentedMap) -> None:
        edits.resolve(doc, moment, mitigated, message)

    path = _edit(content, incident, moment, change, _cache(cache_dir, no_cache))
    click.echo(f"Resolved {path}")


@click.command("postmortem")
@click.argument("incident")
@content_option
@now_option
@cache_options
def postmortem_command(incident: str, content: Path, now: str | None, cache_dir: Path, no_cache: bool) -> None:
    """Scaffold postmortems/ID.md from INCIDENT (never overwrites an existing review)."""
    check_content_folder(content)
    moment = parse_now(now)
    try:
        source = find_incident(content, incident)
    except LookupError as error:
        raise click.UsageError(str(error.args[0])) from None
    cache = _cache(cache_dir, no_cache)
    site = load_site(content, moment, cache=LoadCache(cache) if cache is not None else None).site
    found = next((i for i in site.incidents if (content / i.source.path).resolve() == source.resolve()), None)
    if found is None:
        raise click.ClickException(f"{source}: the incident has errors; run `statuspress validate` first")
    target = content / "postmortems" / f"{found.id}.md"
    if target.exists():
        raise click.ClickException(f"{target} already exists; not overwriting it")
    _write(content, target, scaffold(found, site, moment), moment, new=True, cache_dir=cache)
    click.echo(str(target))
