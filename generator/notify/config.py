"""The channels of `content/notify.yaml`, as typed, frozen records.

Secrets (webhook URLs, passwords, signing keys) are never values here: they are `EnvRef`s,
names of environment variables read when a message is sent, so the file can live in git.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum

from ..model import Severity, doc


class ChannelType(StrEnum):
    """Where a channel delivers."""

    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    DISCORD = "discord"
    WEBHOOK = "webhook"


class Audience(StrEnum):
    """Who reads a channel: `public` gets only what the public site shows."""

    PUBLIC = "public"
    INTERNAL = "internal"


class Events(StrEnum):
    """Which records a channel hears of."""

    INCIDENTS = "incidents"
    MAINTENANCE = "maintenance"


class Security(StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class MissingSecret(Exception):
    """An environment variable a channel needs is not set."""


@dataclass(frozen=True, slots=True)
class EnvRef:
    """`${NAME}` in notify.yaml: the value of environment variable NAME, read at send time."""

    name: str

    def resolve(self, environ: dict[str, str] | None = None) -> str:
        env = os.environ if environ is None else environ
        value = env.get(self.name)
        if not value:
            raise MissingSecret(f"environment variable {self.name} is not set")
        return value

    def __str__(self) -> str:
        return "${" + self.name + "}"


#: A setting written either literally or as `${ENV_VAR}`.
Value = str | EnvRef


def resolve(value: Value, environ: dict[str, str] | None = None) -> str:
    return value.resolve(environ) if isinstance(value, EnvRef) else value


@dataclass(frozen=True, slots=True)
class Smtp:
    """How an e-mail channel reaches its mail server."""

    host: Value = field(metadata=doc("SMTP server host name."))
    port: int = field(default=587, metadata=doc("SMTP port."))
    security: Security = field(default=Security.STARTTLS, metadata=doc("`starttls`, `tls` or `none`."))
    user: Value = field(default="", metadata=doc("Login name (none: no login)."))
    password: EnvRef | None = field(default=None, metadata=doc("Password, as `${ENV_VAR}`."))


@dataclass(frozen=True, slots=True)
class Channel:
    """One destination of notifications."""

    name: str = field(metadata=doc("Unique name, used in the ledger and with `--channel`."))
    type: ChannelType = field(metadata=doc("`email`, `slack`, `teams`, `discord` or `webhook`."))
    audience: Audience = field(metadata=doc("`public` or `internal`."))
    components: tuple[str, ...] = field(default=(), metadata=doc("Only records affecting these service ids."))
    groups: tuple[str, ...] = field(default=(), metadata=doc("Only records affecting services of these groups."))
    min_severity: Severity | None = field(default=None, metadata=doc("Internal channels: only incidents this severe."))
    events: tuple[Events, ...] = field(
        default=(Events.INCIDENTS, Events.MAINTENANCE), metadata=doc("`incidents` and/or `maintenance`.")
    )
    url: EnvRef | None = field(default=None, metadata=doc("Webhook URL, as `${ENV_VAR}` (chat and webhook)."))
    secret: EnvRef | None = field(default=None, metadata=doc("Webhook signing key, as `${ENV_VAR}`."))
    pause_seconds: float = field(default=0.0, metadata=doc("Pause between two messages to this channel."))
    smtp: Smtp | None = field(default=None, metadata=doc("E-mail: the mail server."))
    sender: Value = field(default="", metadata=doc("E-mail: the From address.", yaml="from"))
    to: tuple[Value, ...] = field(default=(), metadata=doc("E-mail: recipient addresses."))
    recipients_file: Value = field(default="", metadata=doc("E-mail: a file of addresses, one a line."))
    unsubscribe: tuple[str, ...] = field(default=(), metadata=doc("E-mail: List-Unsubscribe links."))
    line: int = field(default=1, metadata=doc("internal"))


#: Pause between messages to one chat webhook when the channel sets none: Slack and Discord
#: rate-limit incoming webhooks to about one message a second.
DEFAULT_PAUSE = {ChannelType.SLACK: 1.0, ChannelType.DISCORD: 1.0, ChannelType.TEAMS: 1.0}


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    """`content/notify.yaml`."""

    channels: tuple[Channel, ...] = field(default=(), metadata=doc("The channels."))
    kb_url: str = field(default="", metadata=doc("Where the knowledge base is published (internal links)."))
    max_messages_per_run: int = field(default=20, metadata=doc("A run refuses to send more to one channel."))
    reminder_minutes: int = field(default=60, metadata=doc("Maintenance reminder this long before the start."))
    timeout_seconds: float = field(default=10.0, metadata=doc("Per-request timeout."))
    retries: int = field(default=3, metadata=doc("Retries of a failed request within one run."))
    retry_backoff_seconds: float = field(default=1.0, metadata=doc("First pause before a retry; doubles each time."))
    path: str = field(default="notify.yaml", metadata=doc("internal"))

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)
