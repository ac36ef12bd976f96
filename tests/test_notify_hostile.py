"""Hostile text in every field cannot break a payload: every JSON body parses and fits the
service's schema, Slack mrkdwn and Discord Markdown are escaped (no mention, no link but the
ones written as links, no `<!channel>`), and no title can add an e-mail header."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_site
from generator.load.files import FORBIDDEN_CHARACTERS
from generator.notify.config import Audience, Channel, ChannelType, EnvRef, NotifyConfig, Smtp
from generator.notify.ledger import State
from generator.notify.render.webhook import signature
from generator.notify.requests import Context, HttpRequest, MailRequest, build
from generator.notify.runner import plan
from generator.public.projection import project
from tests.notifykit import check_payload
from tests.sitekit import now

HOSTILE = [
    "<!channel> <!here> <@U123> <#C1|general>",
    "@everyone @here <@&123> <@!456>",
    "Title\r\nBcc: victim@example.org\r\n\r\nbody",
    "Line\nX-Injected: yes",
    "*bold* _it_ ~strike~ `code` ||spoiler|| > quote # head",
    "[click](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>",
    "<https://evil.example|https://bank.example>",
    "a & b < c > d &amp; &lt;",
    "\u202eevil\u202c \u2028sep\u2029 \ufeff zero\u200bwidth",
    "\"quotes\" 'single' \\backslash\\ {braces} ${ENV}",
    "\U0001f525" * 300,
    "x" * 5000,
]

TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map(" ".join),
).map(lambda t: FORBIDDEN_CHARACTERS.sub("", t)).filter(lambda t: t.strip() != "")

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "40"))
CHANNELS = tuple(
    Channel(f"{kind.value}-{audience.value}", kind, audience,
            smtp=Smtp(host="127.0.0.1") if kind is ChannelType.EMAIL else None,
            sender="Status <s@acme.example>" if kind is ChannelType.EMAIL else "",
            to=("a@acme.example",) if kind is ChannelType.EMAIL else (),
            url=None if kind is ChannelType.EMAIL else EnvRef("URL"),
            secret=EnvRef("SECRET") if kind is ChannelType.WEBHOOK else None)
    for kind in ChannelType for audience in Audience
)
CONFIG = NotifyConfig(channels=CHANNELS, kb_url="https://kb.acme.example/")
KIND = {ChannelType.SLACK: "slack", ChannelType.TEAMS: "teams", ChannelType.DISCORD: "discord",
        ChannelType.WEBHOOK: "webhook"}
EXPECTED_HEADERS = {
    "subject", "from", "to", "date", "message-id", "in-reply-to", "references", "list-id", "auto-submitted",
    "x-statuspress-message", "x-statuspress-idempotency-key", "mime-version", "content-type",
}


def folder(root: Path, title: str, body: str, note: str, name: str, component: str) -> None:
    files = {
        "site.yaml": {"name": name, "base_url": "https://status.acme.example/"},
        "services.yaml": {"groups": ["Core"], "services": [{"id": "api", "name": component, "group": "Core"}]},
        "incidents/i.yaml": {
            "id": "INC-1", "title": title, "type": "external", "severity": "major",
            "started_at": "2026-11-28T10:00:00Z", "impact": [{"component": "api", "level": "major_outage"}],
            "roles": {"incident_manager": note, "communications_lead": title},
            "updates": [{"at": "2026-11-28T10:10:00Z", "status": "investigating", "body": body}],
            "timeline": [{"at": "2026-11-28T10:20:00Z", "by": note, "text": body, "notify": True}],
        },
        "maintenance/m.yaml": {
            "id": "MNT-1", "title": title, "components": ["api"], "scheduled_start": "2026-11-28T11:00:00Z",
            "scheduled_end": "2026-11-28T13:00:00Z",
            "updates": [{"at": "2026-11-27T10:00:00Z", "status": "scheduled", "body": body}],
        },
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def check_slack_text(text: str) -> None:
    """Outside the links Statuspress wrote (`<http...|text>`), no raw `<` or `>`; every `&` an escape."""
    outside = re.sub(r"<(?:https?|mailto):[^|<>\s]*(?:\|[^<>]*)?>", "", text)
    assert "<" not in outside and ">" not in outside, text
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt);)*", outside, re.S), text


def walk_slack(payload: object) -> None:
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn":
            check_slack_text(payload["text"])
        for value in payload.values():
            walk_slack(value)
    elif isinstance(payload, list):
        for item in payload:
            walk_slack(item)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXT, TEXT, TEXT, TEXT, TEXT)
def test_hostile_text_cannot_break_any_payload(title: str, body: str, note: str, name: str, component: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        folder(root, title, body, note, name, component)
        loaded = load_site(root, now("2026-11-28T12:00:00Z"))
    assert loaded.problems.errors == [], loaded.problems.errors
    site = loaded.site
    page = project(site, now("2026-11-28T12:00:00Z"))
    due = plan(site, CONFIG, page, State(), CHANNELS)
    context = Context(site.settings.name, page, {"URL": "https://hooks.acme.example/x", "SECRET": "k"},
                      now("2026-11-28T12:00:05Z"))
    assert all(due[c.name] for c in CHANNELS)
    for channel in CHANNELS:
        for message in due[channel.name]:
            request = build(channel, message, context)
            if isinstance(request, MailRequest):
                raw = request.mail.as_bytes()
                mail = BytesParser(policy=policy.default).parsebytes(raw)
                assert {k.lower() for k in mail} == EXPECTED_HEADERS, list(mail)
                assert "\n" not in str(mail["Subject"]) and "\r" not in str(mail["Subject"])
                assert str(mail["X-Statuspress-Message"]) == message.id
                assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
                document = BeautifulSoup(mail.get_body(("html",)).get_content(), "html5lib")
                assert document.find_all(["script", "img", "iframe", "style"]) == []
                for tag in document.find_all(True):
                    assert not any(attribute.startswith("on") for attribute in tag.attrs), tag
                    assert not str(tag.get("href", "")).lower().startswith(("javascript:", "data:")), tag
                continue
            assert isinstance(request, HttpRequest)
            payload = json.loads(request.data)
            check_payload(KIND[channel.type], payload)
            if channel.type is ChannelType.SLACK:
                walk_slack(payload)
            if channel.type is ChannelType.DISCORD:
                assert payload["allowed_mentions"] == {"parse": []}
                description = payload["embeds"][0].get("description", "")
                assert re.search(r"(?<!\\)@", description) is None, description
            if channel.type is ChannelType.WEBHOOK:
                assert request.headers["X-Statuspress-Signature"] == signature("k", request.data)


def test_slack_escapes_mentions_and_keeps_only_written_links() -> None:
    from generator.notify.render.text import SLACK, convert

    text = convert("<!channel> hi & bye <https://evil.example|https://bank.example> [docs](https://d.example/a|b>c)", SLACK)
    # the disguised link is text (the sanitiser drops its impossible URL), the written one a real link
    assert text == "&lt;!channel&gt; hi &amp; bye https://evil.example|https://bank.example <https://d.example/a%7Cb%3Ec|docs>"


def test_a_teams_card_of_long_emoji_text_stays_within_28_kb() -> None:
    """8,000 characters fit Teams' text limits, but 8,000 emoji are 32,000 bytes of UTF-8: the
    card is cut further until the request is within 28 KB (found by the property test above)."""
    from datetime import UTC, datetime

    from generator.notify.messages import Kind, Message
    from generator.notify.render.chat import teams

    emoji = "\U0001f525"
    message = Message(
        id="incident/INC-1/update/20261128T120000Z", kind=Kind.INCIDENT_UPDATE, audience=Audience.INTERNAL,
        at=datetime(2026, 11, 28, 12, tzinfo=UTC), record="incident", record_id="INC-1", title=emoji * 500,
        headline=emoji * 500, body=emoji * 9000, link="https://kb.acme.example/incidents/INC-1.html",
        component_ids=("api",), facts=(("Affected", emoji * 3000), ("Manager", emoji * 3000)))
    payload = teams(message, "key", "Acme")
    check_payload("teams", payload)
    card = payload["attachments"][0]["content"]
    text = card["body"][1]["text"]
    assert text.startswith(emoji * 100) and text.endswith("\u2026")  # cut, not dropped
    assert card["actions"][0]["url"] == "https://kb.acme.example/incidents/INC-1.html"
    small = teams(dataclasses.replace(message, body="Short.", headline="Resolved", facts=()), "key", "Acme")
    assert small["attachments"][0]["content"]["body"][1]["text"] == "Short."  # nothing cut when it fits

