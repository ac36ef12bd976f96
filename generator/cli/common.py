"""Options and error handling shared by the commands."""

from __future__ import annotations

import re
import shlex
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


#: What an option looks like on a command line: a dash or two, a letter, then letters, digits
#: and dashes (an `=VALUE` may follow). A token read as an unknown option that is not shaped
#: so ("-5% error rate", "--> fixed") is the text of a message, not a mistyped option.
_OPTION_SHAPED = re.compile(r"--?[A-Za-z][A-Za-z0-9-]*(=.*)?", re.ASCII | re.DOTALL)


class MessageCommand(click.Command):
    """A command whose MESSAGE argument is text to publish (`update`, `resolve`, `reopen`).

    Click reads every token that begins with '-' as an option, so `update INC "-5% error rate"`
    failed with "No such option '-5'", and `--message TEXT` (an option of `new incident` and
    `new maintenance`, not of these) with "No such option '--message'". Either way the error now
    gives the command line that works: the other arguments as typed, then `--` (after which
    nothing is an option) and the message. An option's value may begin with '-' as it is
    (`--internal "-5% error rate"`), so only the MESSAGE needs this."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        typed = list(args)  # the parser consumes `args`
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            found = _message_read_as_option(typed, error.option_name)
            if found is None:
                raise
            start, end, text = found
            line = shlex.join(["statuspress", ctx.info_name or "", *typed[:start], *typed[end:], "--", text])
            if error.option_name == "--message":
                why = f"{ctx.info_name} takes its message as the MESSAGE argument, not --message."
            else:
                why = (
                    f"{text!r} begins with '-', so it was taken for an option "
                    f"(there is no option {error.option_name})."
                )
            raise click.UsageError(
                f"{why} Give the message after --, after which nothing is read as an option:\n  {line}", ctx
            ) from None


def _message_read_as_option(typed: list[str], name: str) -> tuple[int, int, str] | None:
    """Where in `typed` the message is that the parser took for the unknown option `name`:
    (first index, index after, the message). It is `--message TEXT` or `--message=TEXT`, or a
    token holding `name` that is not shaped like an option (a long option is named up to its
    '=', a short one by its first letter). None for a mistyped option, which click's own error
    (with its "Did you mean") fits."""
    for index, token in enumerate(typed):
        if token == "--":
            return None  # after it, nothing was read as an option
        if name == "--message":
            if token == name and index + 1 < len(typed):
                return index, index + 2, typed[index + 1]
            if token.startswith(name + "="):
                return index, index + 1, token[len(name) + 1 :]
        elif token == name or token.startswith(name + "=") or (
            not name.startswith("--") and not token.startswith("--") and token.startswith(name)
        ):
            return None if _OPTION_SHAPED.fullmatch(token) else (index, index + 1, token)
    return None
