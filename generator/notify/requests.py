"""A message made into the request its channel sends: an HTTP POST or an e-mail.

Secrets are read from the environment here, at send time, and only here; `preview` makes the
same request with the variable names in place of their values, for `--dry-run`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..public.feeds import host
from ..public.projection import PublicPage
from ..wording import counted
from .config import Audience, Channel, ChannelType, EnvRef, Value, resolve
from .ledger import idempotency_key
from .messages import Message
from .render import chat, email, webhook
from .transport import SmtpServer

_ADDRESS = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")


class RequestError(Exception):
    """The request cannot be made (a missing variable, an unreadable recipients file)."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    url: str
    data: bytes
    headers: dict[str, str]

    def preview(self) -> str:
        shown = "\n".join(f"{k}: {v}" for k, v in sorted(self.headers.items()))
        return f"POST {self.url}\n{shown}\n\n{json.dumps(json.loads(self.data), indent=2, ensure_ascii=False)}"


@dataclass(frozen=True, slots=True)
class MailRequest:
    server: SmtpServer
    mail: EmailMessage
    recipients: list[str]

    def preview(self) -> str:
        shown = "\n".join(f"{k}: {v}" for k, v in self.mail.items())
        text = self.mail.get_body(("plain",))
        body = text.get_content() if text is not None else ""
        to = counted(len(self.recipients), "recipient")
        return f"SMTP {self.server.host}:{self.server.port} to {to}\n{shown}\n\n{body}"


Request = HttpRequest | MailRequest


@dataclass(frozen=True, slots=True)
class Context:
    """What every request needs besides the message."""

    site_name: str
    page: PublicPage
    environ: Mapping[str, str]
    sent_at: datetime
    dry_run: bool = False

    def value(self, value: Value | EnvRef | None) -> str:
        if value is None:
            return ""
        if self.dry_run and isinstance(value, EnvRef):
            return str(value)
        return resolve(value, dict(self.environ))


def build(channel: Channel, message: Message, context: Context) -> Request:
    """The request that delivers `message` to `channel` (raises `MissingSecret`, `RequestError`)."""
    key = idempotency_key(channel.name, message.id)
    common = {"Idempotency-Key": key, "X-Statuspress-Message": message.id}
    if channel.type is ChannelType.EMAIL:
        return _mail(channel, message, key, context)
    url = context.value(channel.url)
    if channel.type is ChannelType.WEBHOOK:
        payload = webhook.body(message, key, context.page, context.sent_at)
        data = webhook.encode(payload)
        secret = context.value(channel.secret)
        headers = webhook.headers(secret, data, context.sent_at, message)
        if context.dry_run and isinstance(channel.secret, EnvRef):  # no secret read: say what signs it
            headers["X-Statuspress-Signature"] = f"sha256=<HMAC-SHA256 of the body with {channel.secret}>"
        return HttpRequest(url, data, common | headers)
    render = {ChannelType.SLACK: chat.slack, ChannelType.TEAMS: chat.teams, ChannelType.DISCORD: chat.discord}
    payload = render[channel.type](message, key, context.site_name)
    return HttpRequest(url, json.dumps(payload, ensure_ascii=False).encode("utf-8"), common)


def _mail(channel: Channel, message: Message, key: str, context: Context) -> MailRequest:
    smtp = channel.smtp
    assert smtp is not None  # checked when notify.yaml was read
    server = SmtpServer(
        host=context.value(smtp.host), port=smtp.port, security=smtp.security, user=context.value(smtp.user),
        password=context.value(smtp.password),
    )
    recipients = _recipients(channel, context)
    mail = email.compose(
        message, channel.name, key, context.value(channel.sender), recipients, context.site_name,
        host(context.page.base_url), channel.unsubscribe, undisclosed=channel.audience is Audience.PUBLIC,
    )
    return MailRequest(server, mail, recipients)


def _recipients(channel: Channel, context: Context) -> list[str]:
    found: list[str] = []
    for entry in channel.to:
        found += _split(context.value(entry), f"to ({entry})")
    if channel.recipients_file:
        name = context.value(channel.recipients_file)
        if context.dry_run and isinstance(channel.recipients_file, EnvRef):
            found.append(f"<addresses in {name}>")
        else:
            found += _read_file(Path(name))
    if not found:
        raise RequestError("no recipients")
    return list(dict.fromkeys(found))


def _split(text: str, where: str) -> list[str]:
    addresses = [a for a in re.split(r"[\s,;]+", text) if a]
    if not all(_ADDRESS.fullmatch(a) or a.startswith("${") for a in addresses):
        raise RequestError(f"{where}: not an e-mail address list")
    return addresses


def _read_file(path: Path) -> list[str]:
    """The addresses of a recipients file; a byte order mark (Notepad, a spreadsheet's "CSV
    UTF-8") is not part of the first address, which would otherwise be sent to a mailbox
    named with it."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RequestError(f"recipients_file {path}: {getattr(error, 'strerror', None) or error}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _ADDRESS.fullmatch(text):
            raise RequestError(f"{path}:{number}: not an e-mail address")
        found.append(text)
    return found
