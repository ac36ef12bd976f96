"""Reader of `notify.yaml`: the notification channels, checked like every other content file.

Secrets never live in the file: webhook URLs, passwords and signing keys must be written as
`${ENV_VAR}`, and any value that looks like a secret (a Slack or Discord webhook URL, a token,
a URL with a password in it) is an error wherever it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..model import Group, Service, Severity
from ..notify.config import (
    DEFAULT_PAUSE,
    Audience,
    Channel,
    ChannelType,
    EnvRef,
    Events,
    NotifyConfig,
    Security,
    Smtp,
    Value,
)
from ..problems import Problems
from .fields import SAFE_ID, Fields
from .files import ContentFile
from .secrets import NOTIFY, kind_of
from .weburl import url_problem
from .yamlsafe import Node

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ADDRESS = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")
_SENDER = re.compile(r"(?:[^<>\"\n]*<(" + _ADDRESS.pattern + r")>|(" + _ADDRESS.pattern + r"))")
#: An unsubscribe link: schemes are case-insensitive (RFC 3986), so `HTTPS://` is one too.
_UNSUBSCRIBE = re.compile(r"(?:https?://[^\s<>]+|mailto:[^\s<>]+)", re.IGNORECASE)

_TOP = ("channels", "kb_url", "max_messages_per_run", "reminder_minutes", "timeout_seconds", "retries",
        "retry_backoff_seconds")
_CHAT = (ChannelType.SLACK, ChannelType.TEAMS, ChannelType.DISCORD, ChannelType.WEBHOOK)
_EMAIL_ONLY = ("smtp", "from", "to", "recipients_file", "unsubscribe")


def read_notify(
    problems: Problems, file: ContentFile, node: Node, services: Iterable[Service], groups: Iterable[Group]
) -> NotifyConfig:
    """The channels of `notify.yaml`; every problem is reported with its line."""
    for line, kind in _secret_looking(node):
        problems.error(file.shown, line, f"this looks like {kind}; write secrets as ${{ENV_VAR}}, never in the file")
    f = Fields(problems, file.shown, node)
    by_id = {s.id: s for s in services}
    group_names = {g.name for g in groups}
    defaults = NotifyConfig()
    kb_url = f.text("kb_url")
    problem = url_problem(kb_url) if kb_url else None
    if problem is not None:
        f.bad("kb_url", f"{problem}; got {kb_url!r}")
    if kb_url and not kb_url.endswith("/"):
        kb_url += "/"
    channels: list[Channel] = []
    seen: dict[str, int] = {}
    for item in f.items("channels", required=True):
        channel = _channel(item, by_id, group_names)
        if channel is None:
            continue
        if channel.name in seen:
            item.bad("name", f"channel {channel.name!r} is already defined on line {seen[channel.name]}")
            continue
        seen[channel.name] = channel.line
        channels.append(channel)
    if any(c.audience is Audience.INTERNAL for c in channels) and not kb_url:
        f.error(f.line, "kb_url: required when a channel is internal (its messages link the knowledge base)")
    config = NotifyConfig(
        channels=tuple(channels),
        kb_url=kb_url,
        max_messages_per_run=f.integer("max_messages_per_run", defaults.max_messages_per_run, 1, 10_000),
        reminder_minutes=f.integer("reminder_minutes", defaults.reminder_minutes, 0, 7 * 24 * 60),
        timeout_seconds=f.number("timeout_seconds", defaults.timeout_seconds, 0.01, 600) or defaults.timeout_seconds,
        retries=f.integer("retries", defaults.retries, 0, 10),
        retry_backoff_seconds=_number(f, "retry_backoff_seconds", defaults.retry_backoff_seconds, 0, 600),
        path=file.shown,
    )
    f.finish()
    return config


def _number(f: Fields, key: str, default: float, low: float, high: float) -> float:
    value = f.number(key, default, low, high)
    return default if value is None else value


def _channel(f: Fields, services: Mapping[str, Service], group_names: set[str]) -> Channel | None:
    name = f.text("name", required=True)
    if name and not SAFE_ID.fullmatch(name):
        f.bad("name", f"{name!r} is not a safe name (use letters, digits, '-' and '_' only)")
        name = ""
    kind = f.enum("type", ChannelType, required=True)
    audience = f.enum("audience", Audience, required=True)
    components = _components(f, services, audience)
    groups = f.text_list("groups")
    for group in groups:
        if group not in group_names:
            f.bad("groups", f"unknown group {group!r} (groups: {', '.join(sorted(group_names))})")
    min_severity = f.enum("min_severity", Severity)
    if min_severity is not None and audience is Audience.PUBLIC:
        f.bad("min_severity", "only internal channels filter by severity (the public page shows every incident)")
    events = _events(f)
    pause = _number(f, "pause_seconds", -1.0, 0, 3600)
    url = secret = None
    smtp = None
    sender: Value = ""
    to: tuple[Value, ...] = ()
    recipients_file: Value = ""
    unsubscribe: tuple[str, ...] = ()
    if kind in _CHAT:
        for key in _EMAIL_ONLY:
            if key in f.values:
                f.bad(key, f"not a setting of a {kind} channel (only of email channels)")
                f.used.add(key)
        url = _secret(f, "url", required=True)
        if kind is ChannelType.WEBHOOK:
            secret = _secret(f, "secret", required=True)
        elif "secret" in f.values:
            f.bad("secret", f"not a setting of a {kind} channel (only webhooks are signed)")
            f.used.add("secret")
    elif kind is ChannelType.EMAIL:
        for key in ("url", "secret"):
            if key in f.values:
                f.bad(key, "not a setting of an email channel")
                f.used.add(key)
        smtp = _smtp(f)
        sender = _value(f, "from", required=True)
        if isinstance(sender, str) and sender and not _SENDER.fullmatch(sender.strip()):
            f.bad("from", f"expected an address like 'Status <status@example.com>'; got {sender!r}")
        to = _addresses(f)
        recipients_file = _value(f, "recipients_file")
        if isinstance(recipients_file, str) and recipients_file and not recipients_file.startswith("/"):
            f.bad("recipients_file", "give an absolute path or ${ENV_VAR}: keep addresses out of the repository")
        if not to and not recipients_file and "to" not in f.values:
            f.error(f.line, f"{f.where}to: an email channel needs `to` or `recipients_file`")
        unsubscribe = f.text_list("unsubscribe")
        for entry in unsubscribe:
            if not _UNSUBSCRIBE.fullmatch(entry):
                f.bad("unsubscribe", f"expected an http(s) URL or a mailto: address; got {entry!r}")
        unsubscribe = tuple(u for u in unsubscribe if _UNSUBSCRIBE.fullmatch(u))
    f.finish()
    if not name or kind is None or audience is None:
        return None
    if pause < 0:
        pause = DEFAULT_PAUSE.get(kind, 0.0)
    return Channel(
        name=name, type=kind, audience=audience, components=components, groups=groups,
        min_severity=min_severity, events=events, url=url, secret=secret, pause_seconds=pause, smtp=smtp,
        sender=sender, to=to, recipients_file=recipients_file, unsubscribe=unsubscribe, line=f.line,
    )


def _components(f: Fields, services: Mapping[str, Service], audience: Audience | None) -> tuple[str, ...]:
    found = []
    for component in f.text_list("components"):
        service = services.get(component)
        if service is None:
            f.bad("components", f"unknown service {component!r}")
        elif audience is Audience.PUBLIC and not service.public:
            f.bad("components", f"{component!r} is an internal service; a public channel never hears of it")
        else:
            found.append(component)
    return tuple(found)


def _events(f: Fields) -> tuple[Events, ...]:
    if "events" not in f.values:
        f.used.add("events")
        return (Events.INCIDENTS, Events.MAINTENANCE)
    chosen = []
    for event in f.text_list("events"):
        try:
            chosen.append(Events(event))
        except ValueError:
            f.bad("events", f"expected incidents and/or maintenance; got {event!r}")
    return tuple(dict.fromkeys(chosen))


def _smtp(parent: Fields) -> Smtp | None:
    f = parent.mapping("smtp", required=True)
    if f is None:
        return None
    host = _value(f, "host", required=True)
    port = f.integer("port", 587, 1, 65535)
    security = f.enum("security", Security, default=Security.STARTTLS) or Security.STARTTLS
    user = _value(f, "user")
    password = _secret(f, "password")
    if password is not None and not user:
        f.bad("password", "a password needs a `user`")
    f.finish()
    return Smtp(host=host, port=port, security=security, user=user, password=password)


def _addresses(f: Fields) -> tuple[Value, ...]:
    node = f.node("to")
    if node is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    found: list[Value] = []
    for index, item in enumerate(items):
        text = item.value if isinstance(item.value, str) else None
        if text is None:
            f.error(item.line, f"{f.where}to[{index}]: expected an e-mail address; got {item.kind}")
            continue
        reference = _reference(text)
        if reference is not None:
            found.append(reference)
        elif _ADDRESS.fullmatch(text.strip()):
            found.append(text.strip())
        else:
            f.error(item.line, f"{f.where}to[{index}]: expected an e-mail address or ${{ENV_VAR}}; got {text!r}")
    return tuple(found)


def _reference(text: str) -> EnvRef | None:
    match = _ENV.fullmatch(text.strip())
    return EnvRef(match.group(1)) if match else None


def _value(f: Fields, key: str, required: bool = False) -> Value:
    """A setting written literally or as `${ENV_VAR}`."""
    text = f.text(key, required)
    if "${" in text or text.startswith("$"):
        reference = _reference(text)
        if reference is None:
            f.bad(key, f"expected ${{ENV_VAR}} (letters, digits and _); got {text!r}")
            return ""
        return reference
    return text


def _secret(f: Fields, key: str, required: bool = False) -> EnvRef | None:
    """A secret: only ever `${ENV_VAR}`, so the file can be read by anyone with the repository."""
    text = f.text(key, required)
    if not text:
        return None
    reference = _reference(text)
    if reference is None:
        f.bad(key, f"write it as ${{ENV_VAR}} and set the variable where notify runs; "
              f"a {key} in the file is readable by everyone with the repository")
    return reference


#: Keys whose value must be `${ENV_VAR}`; `_secret` reports a literal one itself.
_SECRET_KEYS = frozenset({"url", "secret", "password"})


def _secret_looking(node: Node) -> Iterable[tuple[int, str]]:
    """(line, what it looks like) for every text value shaped like a literal secret."""
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            if key not in _SECRET_KEYS:
                yield from _secret_looking(child)
    elif isinstance(node.value, list):
        for child in node.value:
            yield from _secret_looking(child)
    elif isinstance(node.value, str) and _reference(node.value) is None:
        kind = kind_of(node.value, NOTIFY)
        if kind is not None:
            yield node.line, kind
