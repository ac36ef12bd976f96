"""One `statuspress notify` run: work out what each channel is due, send what the ledger does
not have, record each delivery as it happens.

Channels are independent: each sends its messages in order on its own thread, so a receiver
that fails or hangs holds back only its own later messages (kept in order for the next run),
never another channel's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..model import Site
from ..public.projection import PublicPage, project
from ..wording import counted
from .config import Audience, Channel, MissingSecret, NotifyConfig
from .ledger import Ledger, Result, State
from .lock import notify_lock
from .messages import Message, wanted
from .public_plan import public_messages
from .requests import Context, HttpRequest, MailRequest, RequestError, build
from .stakeholders import internal_messages, severity_messages
from .transport import DeliveryError, post, send_mail


@dataclass(frozen=True)
class Options:
    """How to run: what the command line asked for, and the world (clock, environment)."""

    ledger: Path
    dry_run: bool = False
    mark_sent: bool = False
    channels: tuple[str, ...] = ()
    max_messages: int | None = None
    lock_wait: float = 30.0
    environ: Mapping[str, str] = field(default_factory=dict)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    sleep: Callable[[float], None] = time.sleep
    echo: Callable[[str], None] = print


def plan(site: Site, config: NotifyConfig, page: PublicPage, state: State,
         channels: tuple[Channel, ...]) -> dict[str, list[Message]]:
    """Pure: each channel's messages due as of `page.now` and not in the ledger, in order."""
    reminder = timedelta(minutes=config.reminder_minutes)
    public = public_messages(page, reminder)
    internal = internal_messages(site, page, config.kb_url, reminder) if any(
        c.audience is Audience.INTERNAL for c in channels) else []
    groups_of = {s.id: s.group for s in site.services}
    due: dict[str, list[Message]] = {}
    for channel in channels:
        pool = public if channel.audience is Audience.PUBLIC else internal + severity_messages(
            site, config.kb_url, page.now, state.severities.get(channel.name, {}))
        due[channel.name] = [m for m in pool if wanted(channel, m, groups_of) and not state.has(channel.name, m.id)]
    return due


def run(site: Site, config: NotifyConfig, now: datetime, options: Options) -> int:
    """Deliver everything due; the exit code (0 all delivered, 1 something failed or refused)."""
    channels = tuple(c for c in config.channels if not options.channels or c.name in options.channels)
    page = project(site, now)
    ledger = Ledger(options.ledger)
    if options.dry_run:
        return _dry_run(site, config, page, ledger.read(), channels, options)
    with notify_lock(options.ledger, options.lock_wait):
        state = ledger.read()
        due = plan(site, config, page, state, channels)
        due = _mark(ledger, state, due, channels, options)
        limit = options.max_messages or config.max_messages_per_run
        over = {name: len(messages) for name, messages in due.items() if len(messages) > limit}
        if over:
            _refuse(over, limit, options)
            return 1
        runner = _Delivery(site, config, page, ledger, options)
        with ThreadPoolExecutor(max_workers=max(1, len(channels))) as pool:
            results = list(pool.map(lambda c: runner.channel(c, due[c.name]), channels))
        sent = sum(r[0] for r in results)
        failed = sum(r[1] for r in results)
        options.echo(f"{sent} sent, {failed} not delivered (retried next run)" if failed else f"{sent} sent")
        return 1 if failed else 0


def _mark(ledger: Ledger, state: State, due: dict[str, list[Message]], channels: tuple[Channel, ...],
          options: Options) -> dict[str, list[Message]]:
    """Record instead of send: everything due with --mark-sent, and a new channel's history."""
    for channel in channels:
        new = channel.name not in state.started
        if not (new or options.mark_sent):
            continue
        entries = [(channel.name, "", Result.START, "")] if new else []
        entries += [(channel.name, m.id, Result.MARKED, m.status) for m in due[channel.name]]
        ledger.append_all(entries, options.clock())
        why = "first run of this channel" if new else "--mark-sent"
        marked = counted(len(due[channel.name]), "message")
        options.echo(f"{channel.name}: {marked} recorded as sent without sending ({why})")
        due[channel.name] = []
    return due


def _refuse(over: dict[str, int], limit: int, options: Options) -> None:
    for name, count in sorted(over.items()):
        options.echo(
            f"{name}: {count} messages are due, more than max_messages_per_run ({limit}); nothing was sent. "
            f"Send them with --max-messages {count}, or record them as sent with --mark-sent --channel {name}."
        )


def _dry_run(site: Site, config: NotifyConfig, page: PublicPage, state: State, channels: tuple[Channel, ...],
             options: Options) -> int:
    due = plan(site, config, page, state, channels)
    context = Context(site.settings.name, page, options.environ, options.clock(), dry_run=True)
    limit = options.max_messages or config.max_messages_per_run
    total = 0
    for channel in channels:
        messages = due[channel.name]
        if channel.name not in state.started or options.mark_sent:
            options.echo(f"{channel.name}: {counted(len(messages), 'message')} would be recorded as sent "
                         "without sending "
                         f"({'first run of this channel' if channel.name not in state.started else '--mark-sent'})")
            continue
        if len(messages) > limit:
            _refuse({channel.name: len(messages)}, limit, options)
            return 1
        for message in messages:
            total += 1
            options.echo(f"--- {channel.name}: {message.id} (would send)")
            options.echo(build(channel, message, context).preview())
    options.echo(f"dry run: {counted(total, 'message')} would be sent; nothing was sent or recorded")
    return 0


class _Delivery:
    """Sends one channel's messages in order, with retries, recording each in the ledger."""

    def __init__(self, site: Site, config: NotifyConfig, page: PublicPage, ledger: Ledger, options: Options) -> None:
        self.site, self.config, self.page, self.ledger, self.options = site, config, page, ledger, options
        self.lock = threading.Lock()

    def say(self, line: str) -> None:
        with self.lock:
            self.options.echo(line)

    def channel(self, channel: Channel, messages: list[Message]) -> tuple[int, int]:
        """(delivered, not delivered) for `channel`."""
        for index, message in enumerate(messages):
            if index and channel.pause_seconds:
                self.options.sleep(channel.pause_seconds)
            error = self.deliver(channel, message)
            if error is not None:
                self.say(f"{channel.name}: {message.id}: failed: {error}")
                for later in messages[index + 1:]:
                    self.say(f"{channel.name}: {later.id}: not sent: waits for the failed message before it")
                return index, len(messages) - index
            with self.lock:
                self.ledger.append(channel.name, message.id, Result.SENT, message.status, self.options.clock())
                self.options.echo(f"{channel.name}: {message.id}: sent")
        return len(messages), 0

    def deliver(self, channel: Channel, message: Message) -> str | None:
        """None once delivered, else why not (after the retries)."""
        attempts = self.config.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                context = Context(self.site.settings.name, self.page, self.options.environ, self.options.clock())
                request = build(channel, message, context)
                if isinstance(request, HttpRequest):
                    post(request.url, request.data, request.headers, self.config.timeout_seconds)
                elif isinstance(request, MailRequest):
                    send_mail(request.server, request.mail, request.recipients, self.config.timeout_seconds)
                return None
            except (MissingSecret, RequestError) as error:
                return str(error)
            except DeliveryError as error:
                if not error.retry or attempt == attempts:
                    return f"{error} ({attempt} attempt{'s' if attempt > 1 else ''})"
                pause = self.config.retry_backoff_seconds * 2 ** (attempt - 1)
                self.options.sleep(error.retry_after if error.retry_after is not None else pause)
        return "not attempted"  # pragma: no cover - attempts >= 1
