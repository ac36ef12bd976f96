"""What a secret looks like: credentials pasted into text that would be published or sent.

Responders paste from terminals, alerts and chat, so an update body can carry an access key, a
token or a connection string with its password. The public site, its feeds and API, and the
notifications are read by the world (or by every stakeholder), so such text is an error wherever
it would be published (`PUBLIC`: `Fields.text(published=True)` and every `Fields.markdown`
check it as the file is read, so the message names the field's line); `notify.yaml`, where
secrets must be `${ENV_VAR}`, is checked for these and a few more shapes of webhook URL and key
(`NOTIFY`).

A message names the kind of secret, never its value: the output of `validate` is shown in CI
logs and pull requests, where the secret must not be copied once more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..published import forms, renders_as_written

#: A kind of secret: how it is written, and what a message calls it.
Shape = tuple[re.Pattern[str], str]

AWS_KEY: Shape = (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "an AWS access key id")
SLACK_WEBHOOK: Shape = (re.compile(r"hooks\.slack\.com/", re.I), "a Slack webhook URL")
SLACK_TOKEN: Shape = (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}", re.I), "a Slack token")
GITHUB_TOKEN: Shape = (re.compile(r"\b(?:gh[po]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})"), "a GitHub token")
PRIVATE_KEY: Shape = (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"), "a PEM private key")
STRIPE_KEY: Shape = (re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"), "a Stripe live key")
GOOGLE_KEY: Shape = (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), "a Google API key")
#: `scheme://user:password@host`; a password written as a placeholder (`****`, `xxx`,
#: `${DB_PASSWORD}`, `<password>`) is no secret.
URL_PASSWORD: Shape = (
    re.compile(r"://[^/\s:@]+:(?![*xX.•]+@|\$\{[^}]*\}@|<[^>]*>@|\{[^}]*\}@)[^/\s@]+@"),
    "a URL with a password in it",
)
DISCORD_WEBHOOK: Shape = (re.compile(r"discord(?:app)?\.com/api/webhooks/", re.I), "a Discord webhook URL")
TEAMS_WEBHOOK: Shape = (re.compile(r"webhook\.office\.com/", re.I), "a Microsoft Teams webhook URL")
#: notify.yaml only: public text may well name these services or carry such a query.
POWER_AUTOMATE: Shape = (
    re.compile(r"webhook\.office\.com/|\.logic\.azure\.com|powerautomate\.com/|powerplatform\.com/", re.I),
    "a Microsoft Teams or Power Automate webhook URL",
)
URL_KEY: Shape = (
    re.compile(r"[?&](?:sig|signature|token|key|secret|password|api[-_]?key)=", re.I), "a URL with a key in it"
)
ACCESS_TOKEN: Shape = (re.compile(r"\b(?:ghp|gho|github_pat|glpat|sk)[-_][A-Za-z0-9_]{16,}"), "an access token")

#: Secrets that must never be published: checked on every text that reaches the public site or
#: a notification.
PUBLIC: tuple[Shape, ...] = (
    AWS_KEY, SLACK_WEBHOOK, SLACK_TOKEN, GITHUB_TOKEN, PRIVATE_KEY, STRIPE_KEY, GOOGLE_KEY, URL_PASSWORD,
    DISCORD_WEBHOOK, TEAMS_WEBHOOK,
)
#: What a literal secret in `notify.yaml` looks like (the first shape found names it).
NOTIFY: tuple[Shape, ...] = (
    SLACK_WEBHOOK, SLACK_TOKEN, DISCORD_WEBHOOK, POWER_AUTOMATE, URL_PASSWORD, URL_KEY, ACCESS_TOKEN,
    AWS_KEY, PRIVATE_KEY, STRIPE_KEY, GOOGLE_KEY,
)

_ANY_PUBLIC = re.compile(
    "|".join(f"(?{'i' if pattern.flags & re.I else ''}:{pattern.pattern})" for pattern, _ in PUBLIC)
)
#: What `masked` hides: any `PUBLIC` shape with the rest of the word or URL it starts (a
#: webhook's shape is only its host and path: the token after it is the secret), up to a space
#: or a quote.
_MASKED = re.compile(f"(?:{_ANY_PUBLIC.pattern})[^\\s'\"<>]*")
#: Pieces (in lower case) of each `PUBLIC` shape, one of which every text of that shape holds:
#: looking for them first (2-3 us a text) is much faster than searching for the patterns (9-45 us).
_PIECES: tuple[tuple[tuple[str, ...], Shape], ...] = (
    (("akia", "asia"), AWS_KEY), (("hooks.slack.com",), SLACK_WEBHOOK), (("xox",), SLACK_TOKEN),
    (("ghp_", "gho_", "github_pat_"), GITHUB_TOKEN), (("private key",), PRIVATE_KEY), (("k_live_",), STRIPE_KEY),
    (("aiza",), GOOGLE_KEY), (("://",), URL_PASSWORD), (("discord",), DISCORD_WEBHOOK),
    (("webhook.office.com",), TEAMS_WEBHOOK),
)
assert [shape for _, shape in _PIECES] == list(PUBLIC)
#: What Markdown removes between two pieces of text, which then read as one (`AKIA**...**`).
_MARKUP = re.compile(r"<[^>]*>|[*_`~\\]")


def kind_of(text: str, shapes: Iterable[Shape] = PUBLIC) -> str | None:
    """What secret `text` holds (the first of `shapes` found), or None."""
    for pattern, kind in shapes:
        if pattern.search(text):
            return kind
    return None


def published_secret(text: str, markdown: bool) -> str | None:
    """The kind of secret in text as it is published, or None: as written, and for Markdown as
    its markup would leave it (emphasis, tags and escapes removed) and, when it holds a
    character reference, in each of its published forms (`published.forms`)."""
    shown = [text]
    if markdown and not renders_as_written(text):
        shown.append(_MARKUP.sub("", text))
        if "&" in text:
            shown += forms(text)[1:]
    for form in shown:
        lowered = form.lower()
        for pieces, (pattern, kind) in _PIECES:
            for piece in pieces:
                if piece in lowered:
                    if pattern.search(form):
                        return kind
                    break
    return None


#: How every message about a secret in published text ends (`is_about_a_secret`).
SECRET_HINT = "; it would be published: remove it (and revoke it: it is in the repository's history)"


def secret_message(kind: str) -> str:
    """The problem message for a secret in a text that would be published (never the value)."""
    return f"this looks like {kind}{SECRET_HINT}"


def is_about_a_secret(message: str) -> bool:
    """Whether a problem message is `secret_message`'s: the text it is about must not be shown."""
    return message.endswith(SECRET_HINT)


def masked(text: str) -> str:
    """`text` with every secret of a `PUBLIC` shape as written replaced by `[secret]` (searched
    for only when the text holds one of their pieces: most problem messages hold none)."""
    lowered = text.lower()
    if not any(piece in lowered for pieces, _ in _PIECES for piece in pieces):
        return text
    return _MASKED.sub("[secret]", text)
