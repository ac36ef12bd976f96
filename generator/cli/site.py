"""`statuspress validate` and `statuspress build`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .. import ci_report
from ..build import BuildRequest, build
from ..load import check_folder
from ..load.cache import LoadCache, gc_paused
from ..load.catalogue import MAX_FILE_BYTES, MIN_FILE_BYTES
from ..problems import ContentError, Level
from ..progress import Meter, metering
from ..publish import BuildLocked
from ..wording import counted
from .common import (
    build_cache,
    cache_options,
    check_content_folder,
    content_option,
    fail_on_content,
    now_option,
    parse_now,
    print_problems,
)
from .report import Warned, built, content_warning, kb_warning, meter_for, summary

#: Files larger than this are errors; bounded like `max_file_bytes` in site.yaml.
max_file_bytes_option = click.option(
    "--max-file-bytes", type=click.IntRange(MIN_FILE_BYTES, MAX_FILE_BYTES), default=None,
    help="Reject larger files (default from site.yaml, 1 MiB).",
)

@click.command("validate")
@content_option
@now_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@max_file_bytes_option
@click.option("--format", "output_format", type=click.Choice(ci_report.FORMATS), default="text", show_default=True,
              help="text: path:line: message; github: GitHub Actions annotations; gitlab: a Code Quality report.")
@cache_options
def validate_command(
    content: Path, now: str | None, strict: bool, max_file_bytes: int | None, output_format: str,
    cache_dir: Path | None, no_cache: bool,
) -> None:
    """Check every content file and report every problem as path:line: message."""
    check_content_folder(content)
    folder = build_cache(content, cache_dir, no_cache)
    cache = LoadCache(folder) if folder is not None else None
    checked = check_folder(content, parse_now(now), max_file_bytes, cache=cache)
    problems = checked.problems.sorted()
    if output_format == "github":  # workflow commands are read from standard output
        for line in ci_report.github(problems):
            click.echo(line)
    elif output_format == "gitlab":  # the report on standard output, the problems in the job log
        click.echo(ci_report.gitlab(problems), nl=False)
        print_problems(problems)
    else:
        print_problems(problems)
    errors = sum(1 for p in problems if p.level is Level.ERROR)
    warnings = len(problems) - errors
    incidents, windows, postmortems, runbooks, services = checked.counts
    summary = (
        f"{counted(incidents, 'incident')}, {counted(windows, 'maintenance window')}, "
        f"{counted(postmortems, 'post-mortem')}, {counted(runbooks, 'runbook')}, "
        f"{counted(services, 'service')}: {counted(errors, 'error')}, {counted(warnings, 'warning')}"
    )
    click.echo(summary, err=True)
    if strict and warnings:
        click.echo(f"Failed: --strict counts the {counted(warnings, 'warning')} as errors.", err=True)
    if errors or (strict and warnings):
        raise SystemExit(1)


@click.command("build")
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Output folder: the sites go to OUT/public and OUT/internal.",
)
@now_option
@click.option("--public", "only_public", is_flag=True, help="Build only the public status page.")
@click.option("--internal", "only_internal", is_flag=True, help="Build only the knowledge base.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@max_file_bytes_option
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@cache_options
def build_command(
    content: Path,
    out: Path,
    now: str | None,
    only_public: bool,
    only_internal: bool,
    strict: bool,
    max_file_bytes: int | None,
    quiet: bool,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Validate, then build both sites atomically into OUT/public and OUT/internal."""
    check_content_folder(content)
    if only_public and only_internal:
        raise click.UsageError("--public and --internal exclude each other; give neither to build both")
    targets = ("public",) if only_public else ("internal",) if only_internal else ("public", "internal")
    started = time.monotonic()
    meter = Meter() if quiet else meter_for(sys.stderr)
    kb_warnings: list[Warned] = []
    request = BuildRequest(
        content=content,
        out=out,
        now=parse_now(now),
        targets=targets,
        strict=strict,
        max_bytes=max_file_bytes,
        progress=meter.say,
        warn=lambda message: kb_warnings.append(kb_warning(message)),
        cache_dir=build_cache(content, cache_dir, no_cache),
    )
    try:
        with metering(meter):
            loaded = build(request)
    except ContentError as error:
        fail_on_content(error, strict)
    except BuildLocked as error:  # not a usage mistake: no "Usage:" lines, the same exit code
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from None
    except OSError as error:
        click.echo(f"build failed: {error}; the published site is unchanged", err=True)
        raise SystemExit(1) from None
    # The collector paused: the whole loaded site lives until the process ends, and the first
    # full collection after the build (made by the warnings' 12,000 lines at 20,000 incidents, or
    # the folder walk counting the pages) walked all of it for nothing: 0.27 s of a rebuild.
    with gc_paused():
        for line in summary([*map(content_warning, loaded.problems.warnings), *kb_warnings]):
            click.echo(line, err=True)
        if not quiet:
            click.echo(built(out, targets, len(loaded.site.incidents), time.monotonic() - started), err=True)
