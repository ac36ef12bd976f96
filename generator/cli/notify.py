"""`statuspress notify`: deliver every published update not yet sent to each channel."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from ..load import load_or_raise
from ..load.cache import LoadCache
from ..notify.ledger import DEFAULT_NAME
from ..notify.lock import Locked
from ..notify.runner import Options, run
from ..problems import ContentError
from .common import (
    build_cache,
    cache_options,
    check_content_folder,
    content_option,
    fail_on_content,
    now_option,
    parse_now,
)


def beside(content: Path) -> Path:
    """The default ledger, beside the content folder however it is spelled: `Path('.').parent`
    is `.` itself, which put a second ledger inside the folder for `--content .`."""
    return Path(os.path.abspath(content)).parent / DEFAULT_NAME


@click.command("notify")
@content_option
@now_option
@click.option("--dry-run", is_flag=True, help="Send nothing; print each message exactly as it would be sent.")
@click.option("--ledger", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"The ledger of sent messages (default: {DEFAULT_NAME} beside the content folder).")
@click.option("--channel", "channels", multiple=True, metavar="NAME", help="Only this channel (repeatable).")
@click.option("--mark-sent", is_flag=True, help="Record everything due as sent without sending it.")
@click.option("--max-messages", type=click.IntRange(min=1), default=None, metavar="N",
              help="Allow up to N messages per channel in this run (default: max_messages_per_run).")
@click.option("--wait", type=click.FloatRange(min=0), default=30.0, show_default=True, metavar="SECONDS",
              help="How long to wait for another notify run to finish.")
@cache_options
def notify_command(
    content: Path, now: str | None, dry_run: bool, ledger: Path | None, channels: tuple[str, ...],
    mark_sent: bool, max_messages: int | None, wait: float, cache_dir: Path | None, no_cache: bool,
) -> None:
    """Deliver every update the published site shows that a channel of notify.yaml has not had."""
    check_content_folder(content)
    moment = parse_now(now)
    try:
        folder = build_cache(content, cache_dir, no_cache)
        loaded = load_or_raise(content, moment, cache=LoadCache(folder) if folder is not None else None)
    except ContentError as error:
        fail_on_content(error)
    config = loaded.notify
    if config is None:
        raise click.UsageError(f"{content / 'notify.yaml'} not found: no channel to notify (see README, Notifications)")
    unknown = [name for name in channels if config.channel(name) is None]
    if unknown:
        known = ", ".join(c.name for c in config.channels) or "none"
        raise click.UsageError(f"--channel: unknown channel {', '.join(unknown)} (channels: {known})")
    options = Options(
        ledger=ledger or beside(content), dry_run=dry_run, mark_sent=mark_sent, channels=channels,
        max_messages=max_messages, lock_wait=wait, environ=dict(os.environ), clock=lambda: datetime.now(UTC),
        echo=click.echo,
    )
    try:
        code = run(loaded.site, config, moment, options)
    except Locked as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from None
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("The ledger cannot be read; nothing was sent.", err=True)
        raise SystemExit(1) from None
    raise SystemExit(code)
