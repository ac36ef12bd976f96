"""Responder commands: `new incident`, `new maintenance`, `update`, `resolve`, `reopen`, `postmortem`.

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

from ..clock import parse_moment
from ..load import load_site
from ..load.cache import LoadCache
from ..load.fields import format_time
from ..model import Detection, IncidentType, Severity, UpdateStatus
from ..responder import incidents as edits
from ..responder.components import unknown_component
from ..responder.ids import free_path, next_id, slugify
from ..responder.maintenance import new_maintenance
from ..responder.store import Refused, catalogue, commit, find_incident, record_ids
from ..responder.textfile import read_spelled
from ..responder.yamlrt import dump_doc, load_doc
from .common import (
    MessageCommand,
    build_cache,
    cache_options,
    check_content_folder,
    content_locked,
    content_option,
    now_option,
    parse_now,
)


def _choice(kind: type[Severity] | type[IncidentType] | type[Detection]) -> click.Choice[str]:
    return click.Choice([member.value for member in kind])


def _written(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Text to publish or note: an empty one (`"$MSG"` with MSG unset) would reach every
    subscriber as a blank update, so it is refused before anything is read or written."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; nothing was written (is a shell variable unset?)")
    return _utf8(ctx, param, value)


def _utf8(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Text typed in a terminal that does not send UTF-8 (a Latin-1 'é' is the byte 0xE9):
    Python keeps such bytes as lone surrogates, which no file may hold, so it is refused here,
    saying why, rather than as invalid YAML in a line the command would have written."""
    bad = next((ch for ch in value or "" if "\udc80" <= ch <= "\udcff"), None)
    if bad is not None:
        raise click.BadParameter(
            f"is not UTF-8 text (it holds the byte 0x{ord(bad) - 0xDC00:02X}); set the terminal to "
            "UTF-8 (e.g. LANG=en_US.UTF-8) and type it again; nothing was written"
        )
    return value


def _time(option: str, value: str | None, now: datetime) -> datetime | None:
    """A time option: ISO 8601, `now`, `10 min ago` or `in 2 hours`."""
    if value is None:
        return None
    try:
        return parse_moment(value, now)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _check_components(content: Path, names: list[str], option: str = "--component") -> None:
    """Refuse a component that services.yaml does not list, naming the close matches."""
    known = catalogue(content)
    if not known:
        return  # services.yaml is missing or broken: validation says why
    for name in names:
        problem = unknown_component(name, known)
        if problem is not None:
            raise click.BadParameter(problem, param_hint=option)


def _refused(error: Refused) -> None:
    for problem in error.problems:
        click.echo(problem, err=True)
    click.echo("Refused: the content would be invalid; nothing was written.", err=True)
    raise SystemExit(1)


def _author(by: str | None) -> str:
    return by or os.environ.get("USER") or getpass.getuser()


def _write(
    content: Path, path: Path, text: str, now: datetime, new: bool, cache_dir: Path | None,
    cache: LoadCache | None = None,
) -> None:
    try:
        commit(content, {path: text}, now, new=[path] if new else [], cache_dir=cache_dir, cache=cache)
    except Refused as error:
        _refused(error)


def _edit(
    content: Path, incident: str, now: datetime, change: Callable[[CommentedMap], None], cache_dir: Path | None
) -> Path:
    """Load incident `incident`, apply `change`, validate and write it back, all under the
    content folder's lock (two responders at once: one after the other, both kept)."""
    cache = LoadCache(cache_dir) if cache_dir is not None else None  # its index read once for both
    with content_locked(content):
        try:
            path = find_incident(content, incident, cache_dir, cache)
            text, spelling = read_spelled(path.read_bytes())
            doc = load_doc(text)
            change(doc)
        except LookupError as error:
            raise click.UsageError(str(error.args[0])) from None
        except edits.BadArgument as error:
            raise click.BadParameter(str(error), param_hint=error.option) from None
        except (ValueError, edits.EditError) as error:
            raise click.ClickException(str(error)) from None
        _write(content, path, spelling.apply(dump_doc(doc)), now, new=False, cache_dir=cache_dir, cache=cache)
    return path


def _new_id(folder: Path, prefix: str, year: int, given: str | None, kind: str) -> str:
    """The id of a new record in `folder`: the next free PREFIX-YEAR-NNN, or `given`, refused
    when a record already has it."""
    ids = record_ids(folder)
    if given is None:
        return next_id(prefix, year, ids)
    if given in ids:
        raise click.UsageError(f"--id: {kind} {given} already exists in {ids[given]}")
    for other, path in sorted(ids.items()):
        if other.casefold() == given.casefold():
            raise click.UsageError(
                f"--id: {given} differs only in case from {other!r} ({path}); ids must differ in more than case"
            )
    return given


@click.group("new")
def new_group() -> None:
    """Create a new incident or maintenance window."""


@new_group.command("incident")
@click.option("--title", required=True, callback=_written, help="Short title, shown publicly for external incidents.")
@click.option("--severity", type=_choice(Severity), required=True, help="From the severity guidelines.")
@click.option("--type", "kind", type=_choice(IncidentType), default="external", show_default=True)
@click.option("--component", "components", multiple=True, metavar="ID[:LEVEL]",
              help=f"Affected component (repeatable); LEVEL defaults to {edits.DEFAULT_LEVEL.value}.")
@click.option("--detected-by", type=_choice(Detection), default="monitoring", show_default=True)
@click.option("--message", default=None, callback=_written,
              help=f'First public update, status investigating (external default: "{edits.DEFAULT_FIRST_MESSAGE}").')
@click.option("--id", "incident_id", default=None, help="Incident id (default INC-YEAR-NNN, the next free one).")
@click.option("--started-at", default=None, metavar="TIME",
              help="When impact started, e.g. '20 min ago' (default: now).")
@content_option
@now_option
@cache_options
def new_incident_command(
    title: str, severity: str, kind: str, components: tuple[str, ...], detected_by: str,
    message: str | None, incident_id: str | None, started_at: str | None, content: Path, now: str | None,
    cache_dir: Path | None, no_cache: bool,
) -> None:
    """Open a new incident: writes incidents/DATE-SLUG.yaml and prints its path and id."""
    check_content_folder(content)
    moment = parse_now(now)
    start = _time("--started-at", started_at, moment) or moment
    if start > moment:
        raise click.BadParameter(
            f"{format_time(start)} is in the future (now: {format_time(moment)})", param_hint="--started-at"
        )
    try:
        impacts = [edits.parse_component(text) for text in components]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--component") from None
    _check_components(content, [impact.component for impact in impacts])
    defaulted = not message and IncidentType(kind) is IncidentType.EXTERNAL
    if defaulted:
        message = edits.DEFAULT_FIRST_MESSAGE
    folder = content / "incidents"
    cache = build_cache(content, cache_dir, no_cache)
    with content_locked(content):  # the next free id and file name stay free until written
        incident_id = _new_id(folder, "INC", start.year, incident_id, "incident")
        doc = edits.new_incident(
            incident_id, title, IncidentType(kind), Severity(severity), start, max(start, moment),
            Detection(detected_by), impacts, message,
        )
        path = free_path(folder, f"{start.date().isoformat()}-{slugify(title)}")
        _write(content, path, dump_doc(doc), moment, new=True, cache_dir=cache)
    click.echo(f"{path}\n{incident_id}")
    if defaulted:
        click.echo(
            f'No --message given, so the first public update says: {message} '
            f'Tell customers more with: statuspress update {incident_id} "MESSAGE"',
            err=True,
        )


@new_group.command("maintenance")
@click.option("--title", required=True, callback=_written, help="Short public title.")
@click.option("--component", "components", multiple=True, required=True, metavar="ID", help="Component (repeatable).")
@click.option("--start", required=True, metavar="TIME", help="Scheduled start, e.g. 'in 3 days'.")
@click.option("--end", required=True, metavar="TIME", help="Scheduled end.")
@click.option("--message", default=None, callback=_written, help="First public update (status scheduled).")
@click.option("--id", "maintenance_id", default=None, help="Id (default MNT-YEAR-NNN, the next free one).")
@content_option
@now_option
@cache_options
def new_maintenance_command(
    title: str, components: tuple[str, ...], start: str, end: str, message: str | None,
    maintenance_id: str | None, content: Path, now: str | None, cache_dir: Path | None, no_cache: bool,
) -> None:
    """Schedule a maintenance window: writes maintenance/DATE-SLUG.yaml."""
    check_content_folder(content)
    moment = parse_now(now)
    begin, finish = _time("--start", start, moment), _time("--end", end, moment)
    assert begin is not None and finish is not None
    if finish <= moment:
        raise click.BadParameter(
            f"{format_time(finish)} is already past (now: {format_time(moment)}): the window would be "
            "over before it is announced. Check the date; to record past maintenance, give --now TIME "
            "from before the window",
            param_hint="--end",
        )
    _check_components(content, list(components))
    folder = content / "maintenance"
    cache = build_cache(content, cache_dir, no_cache)
    with content_locked(content):
        maintenance_id = _new_id(folder, "MNT", begin.year, maintenance_id, "maintenance")
        doc = new_maintenance(maintenance_id, title, list(components), begin, finish, message, moment)
        path = free_path(folder, f"{begin.date().isoformat()}-{slugify(title)}")
        _write(content, path, dump_doc(doc), moment, new=True, cache_dir=cache)
    click.echo(f"{path}\n{maintenance_id}")


@click.command("update", cls=MessageCommand)
@click.argument("incident")
@click.argument("message", required=False, callback=_written)
@click.option("--status", type=click.Choice(["investigating", "identified", "monitoring"]), default=None,
              help="Status of the public update (default: the latest one's).")
@click.option("--internal", "note", default=None, metavar="NOTE", callback=_written,
              help="Add a note to the internal timeline.")
@click.option("--by", default=None, callback=_utf8, help="Author of the internal note (default: $USER).")
@click.option("--notify", "for_stakeholders", is_flag=True,
              help="Mark the internal note for the internal notification channels (stakeholders).")
@click.option("--component", "components", multiple=True, metavar="ID:LEVEL",
              help="Change a component's impact level from now on (repeatable); ID:operational ends its impact.")
@content_option
@now_option
@cache_options
def update_command(
    incident: str, message: str | None, status: str | None, note: str | None, by: str | None,
    for_stakeholders: bool, components: tuple[str, ...], content: Path, now: str | None, cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Post a public update, an internal note and/or an impact change to INCIDENT (id or file)."""
    if message is None and note is None and not components:
        raise click.UsageError('nothing to do: give a MESSAGE, --internal "note" or --component ID:LEVEL')
    if status is not None and message is None:
        raise click.UsageError("--status needs a MESSAGE for the public update")
    if for_stakeholders and note is None:
        raise click.UsageError('--notify marks an internal note: give it with --internal "note"')
    moment = parse_now(now)
    try:
        changes = [edits.parse_change(text) for text in components]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--component") from None
    _check_components(content, [impact.component for impact in changes])
    author = _author(by)

    def change(doc: CommentedMap) -> None:
        for impact in changes:
            edits.change_impact(doc, impact, moment)
        if message is not None:
            edits.add_update(doc, moment, UpdateStatus(status) if status else edits.latest_status(doc), message)
        if note is not None:
            edits.add_note(doc, moment, author, note, notify=for_stakeholders)

    path = _edit(content, incident, moment, change, build_cache(content, cache_dir, no_cache))
    click.echo(f"Updated {path}")


@click.command("resolve", cls=MessageCommand)
@click.argument("incident")
@click.argument("message", required=False, callback=_written)
@click.option("--mitigated-at", default=None, metavar="TIME",
              help="When user impact stopped, e.g. '10 min ago' (default: now).")
@content_option
@now_option
@cache_options
def resolve_command(
    incident: str, message: str | None, mitigated_at: str | None, content: Path, now: str | None,
    cache_dir: Path | None, no_cache: bool,
) -> None:
    """Resolve INCIDENT: set resolved_at (open impacts end at mitigated_at), post the `resolved` update."""
    moment = parse_now(now)
    mitigated = _time("--mitigated-at", mitigated_at, moment)

    def change(doc: CommentedMap) -> None:
        edits.resolve(doc, moment, mitigated, message)

    path = _edit(content, incident, moment, change, build_cache(content, cache_dir, no_cache))
    click.echo(f"Resolved {path}")


@click.command("reopen", cls=MessageCommand)
@click.argument("incident")
@click.argument("message", required=False, callback=_written)
@click.option("--status", type=click.Choice(["investigating", "identified", "monitoring"]), default="investigating",
              show_default=True, help="Status of the public update that reopens it.")
@click.option("--component", "components", multiple=True, metavar="ID:LEVEL",
              help="The impact is back: this component's level from now on (repeatable); clears mitigated_at.")
@click.option("--by", default=None, callback=_utf8,
              help="Author of the internal note recording the reopening (default: $USER).")
@content_option
@now_option
@cache_options
def reopen_command(
    incident: str, message: str | None, status: str, components: tuple[str, ...], by: str | None, content: Path,
    now: str | None, cache_dir: Path | None, no_cache: bool,
) -> None:
    """Reopen INCIDENT, resolved too early: clear resolved_at and post a public update."""
    moment = parse_now(now)
    try:
        changes = [edits.parse_component(text, default=None) for text in components]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--component") from None
    _check_components(content, [impact.component for impact in changes])
    body = message or edits.DEFAULT_REOPENED_MESSAGE

    def change(doc: CommentedMap) -> None:
        edits.reopen(doc, moment, UpdateStatus(status), body, _author(by), changes)

    path = _edit(content, incident, moment, change, build_cache(content, cache_dir, no_cache))
    click.echo(f"Reopened {path}")
    if not message:
        click.echo(f"No MESSAGE given, so the public update says: {body}", err=True)


@click.command("postmortem")
@click.argument("incident")
@content_option
@now_option
@cache_options
def postmortem_command(incident: str, content: Path, now: str | None, cache_dir: Path | None, no_cache: bool) -> None:
    """Scaffold postmortems/ID.md from INCIDENT (never overwrites an existing review)."""
    from ..responder.postmortem import scaffold  # the timeline's derivations: only this command needs them

    check_content_folder(content)
    moment = parse_now(now)
    cache = build_cache(content, cache_dir, no_cache)
    with content_locked(content):
        try:
            source = find_incident(content, incident, cache)
        except LookupError as error:
            raise click.UsageError(str(error.args[0])) from None
        site = load_site(content, moment, cache=LoadCache(cache) if cache is not None else None).site
        found = next((i for i in site.incidents if (content / i.source.path).resolve() == source.resolve()), None)
        if found is None:
            raise click.ClickException(f"{source}: the incident has errors; run `statuspress validate` first")
        target = content / "postmortems" / f"{found.id}.md"
        if target.exists():
            raise click.ClickException(f"{target} already exists; not overwriting it")
        _write(content, target, scaffold(found, site, moment), moment, new=True, cache_dir=cache)
    click.echo(str(target))
