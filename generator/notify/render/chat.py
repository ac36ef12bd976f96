"""Slack (Block Kit), Microsoft Teams (Adaptive Card 1.4 through a Workflows webhook) and
Discord (an embed) messages, within each service's documented limits.

Titles go where the service shows plain text (Slack's header, Teams' TextBlock, Discord's embed
title, which no service parses for mentions); bodies are converted from the sanitised Markdown
with the dialect's markup escaped. Each payload names its message id, the idempotency key the
receiver (or a person) can use to spot a duplicate.
"""

from __future__ import annotations

import json
from typing import Any

from ..messages import Kind, Message
from .text import DISCORD, PLAIN, SLACK, clip, convert, one_line

Json = dict[str, Any]

#: Colours (Discord: decimal RGB) by what a message announces.
_COLOURS = {"resolved": 0x2E7D32, "completed": 0x2E7D32, "in_progress": 0x1565C0, "scheduled": 0x1565C0}
_DEFAULT_COLOUR = 0xC62828


def _colour(message: Message) -> int:
    if message.record == "maintenance":
        return _COLOURS.get(message.status, 0x1565C0)
    return _COLOURS.get(message.status, _DEFAULT_COLOUR if message.kind is not Kind.NOTE else 0x6A1B9A)


def _ref(message: Message, key: str) -> str:
    return f"{message.id} \u00b7 {key}"


# --------------------------------------------------------------------------- Slack


def slack(message: Message, key: str, site_name: str) -> Json:
    """A Block Kit message: header, body, facts as fields, a button to the page, a context
    line with the message id. Limits: header 150, section text 3,000, 10 fields of 2,000."""
    headline = one_line(message.headline)
    blocks: list[Json] = [{"type": "header", "text": {"type": "plain_text", "text": clip(headline, 150)}}]
    body = convert(message.body, SLACK)
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(body, 3000)}})
    fields = [
        {"type": "mrkdwn", "text": clip(f"*{SLACK.escape(one_line(label))}*\n{SLACK.escape(one_line(value))}", 2000)}
        for label, value in message.facts[:10]
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    blocks.append({
        "type": "actions",
        "elements": [{
            "type": "button",
            "text": {"type": "plain_text", "text": "Open the incident page" if message.record == "incident"
                     else "Open the maintenance page"},
            "url": message.link,
            "action_id": "open",
        }],
    })
    blocks.append({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(SLACK.escape(f"{one_line(site_name)} \u00b7 "
                                                                  + _ref(message, key)), 3000)}],
    })
    return {"text": clip(SLACK.escape(headline), 3000), "blocks": blocks, "unfurl_links": False}


# --------------------------------------------------------------------------- Teams


#: What a Teams Workflows webhook accepts in one request, in bytes of UTF-8 JSON.
TEAMS_MAX_BYTES = 28 * 1024


def teams(message: Message, key: str, site_name: str) -> Json:
    """An Adaptive Card 1.4 in the message envelope a Teams Workflows webhook accepts, within
    its 28 KB: the character limits below are cut further (by a fifth at a time) while the
    encoded message is larger, which long text of 3- and 4-byte characters (CJK, emoji) makes."""
    scale = 1.0
    while True:
        payload = _teams_card(message, key, site_name, scale)
        if len(json.dumps(payload, ensure_ascii=False).encode("utf-8")) <= TEAMS_MAX_BYTES or scale < 0.01:
            return payload
        scale *= 0.8


def _teams_card(message: Message, key: str, site_name: str, scale: float) -> Json:
    def cut(text: str, limit: int) -> str:
        return clip(text, max(16, int(limit * scale)))

    body: list[Json] = [
        {"type": "TextBlock", "text": cut(one_line(message.headline), 400), "size": "large",
         "weight": "bolder", "wrap": True},
    ]
    text = convert(message.body, PLAIN)
    if text:
        body.append({"type": "TextBlock", "text": cut(text, 8000), "wrap": True})
    if message.facts:
        body.append({"type": "FactSet", "facts": [
            {"title": cut(one_line(label), 200), "value": cut(one_line(value), 2000)}
            for label, value in message.facts
        ]})
    body.append({"type": "TextBlock", "text": cut(one_line(f"{site_name} \u00b7 {_ref(message, key)}"), 400),
                 "isSubtle": True, "size": "small", "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open the page", "url": message.link}],
        "fallbackText": cut(one_line(message.headline), 400),
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


# --------------------------------------------------------------------------- Discord


def discord(message: Message, key: str, site_name: str) -> Json:
    """One embed (title 256, description 4,096, 25 fields of 256/1,024, footer 2,048, 6,000 in
    all), no mentions allowed whatever the text says."""
    pairs = [
        (clip(one_line(label), 256), clip(DISCORD.escape(one_line(value)) or "\u2014", 1024))
        for label, value in message.facts[:25]
    ]
    fields: list[Json] = [{"name": name, "value": value, "inline": False} for name, value in pairs]
    title = clip(one_line(message.headline), 256)
    footer = clip(one_line(f"{site_name} \u00b7 {_ref(message, key)}"), 2048)
    embed: Json = {
        "title": title,
        "url": message.link,
        "color": _colour(message),
        "timestamp": message.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "footer": {"text": footer},
    }
    body = convert(message.body, DISCORD)
    budget = 6000 - len(title) - len(footer) - sum(len(name) + len(value) for name, value in pairs)
    if body:
        embed["description"] = clip(body, max(1, min(4096, budget)))
    if fields:
        embed["fields"] = fields
    return {  # no `username`: the webhook's own name, which Discord checks (no "discord", "@"...)
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    }
