"""Options and error handling shared by the commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..cachefile import default_cache_dir, refusal
from ..clock import resolve_now
from ..locking import Busy, content_lock
from ..problems import ContentError, Level, Problem
from ..wording import counted

F = TypeVar("F", bound=Callable[..., Any])

content_option = click.option(
    "--content",
    "content",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="The content folder.",
)
now_option = click.option(
    "--now",
    "now",
    metavar="TIME",
    default=None,
    help="Build as of this ISO 8601 time (default: SOURCE_DATE_EPOCH, else the clock).",
)


def parse_now(value: str | None) -> datetime:
    try:
        return resolve_now(value)
    except ValueError as exc:
        raise click.UsageError(f"--now: {exc}") from None


def check_content_folder(content: Path) -> None:
    if not content.is_dir():
        raise click.UsageError(f"content folder not found: {content}")


@contextmanager
def content_locked(content: Path) -> Iterator[None]:
    """Hold the content folder's lock (locking.py) across a command's read, change, validation
    and write, so concurrent commands never lose each other's changes; one that cannot get it
    in time says so and exits 1, having written nothing."""
    check_content_folder(content)
    try:
        held = content_lock(content)
    except Busy as error:
        click.echo(
            f"{content}: another statuspress command is changing this content folder (waited {error.waited:g} s); "
            "nothing was written, try again in a moment.",
            err=True,
        )
        raise SystemExit(1) from None
    try:
        yield
    finally:
        held.release()


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def fail_on_content(error: ContentError, strict: bool = False) -> None:
    """Print every problem and exit 1 (saying so when only --strict made warnings fail)."""
    print_problems(error.problems)
    warnings = sum(1 for p in error.problems if p.level is Level.WARNING)
    because = f" (--strict counts the {counted(warnings, 'warning')} as errors)" if strict and warnings else ""
    click.echo(f"{counted(len(error.problems), 'problem')} found{because}; nothing was written.", err=True)
    if error.hint:
        click.echo(f"Meanwhile, {error.hint}", err=True)
    raise SystemExit(1)


def cache_options(command: F) -> F:
    """--cache-dir and --no-cache: what was read (and rendered) before is reused when unchanged."""
    command = click.option(
        "--no-cache", is_flag=True, help="Read every file again and do not write the cache."
    )(command)
    return click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Where to keep the build cache (default: $STATUSPRESS_CACHE_DIR, else a folder per content "
        "folder in ~/.cache/statuspress; safe to delete).",
    )(command)


def build_cache(content: Path, cache_dir: Path | None, no_cache: bool) -> Path | None:
    """The cache folder to use, or None: with --no-cache, or when the folder must not be used
    (tracked by git, or the signing key is refused), which a warning says."""
    if no_cache:
        return None
    folder = cache_dir if cache_dir is not None else default_cache_dir(content)
    reason = refusal(folder)
    if reason is not None:
        click.echo(f"warning: not using the build cache: {reason}. Continuing without it.", err=True)
        return None
    return folder
