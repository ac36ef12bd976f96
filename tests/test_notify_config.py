"""notify.yaml is checked like every other content file: every problem as path:line, secrets only
as ${ENV_VAR}, literal secret-looking values refused wherever they are written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.load import check_folder
from generator.notify.config import Audience, ChannelType, EnvRef
from tests.sitekit import EXAMPLE, load, make_content, messages, now

GOOD = """\
kb_url: https://kb.acme.example
channels:
  - name: mail
    type: email
    audience: public
    smtp: {host: smtp.acme.example, port: 25, security: none}
    from: Acme Status <status@acme.example>
    to: [a@acme.example, "${MORE_ADDRESSES}"]
  - name: chat
    type: slack
    audience: internal
    url: ${SLACK_URL}
    min_severity: medium
    components: [vpn]
  - name: hook
    type: webhook
    audience: public
    url: ${HOOK_URL}
    secret: ${HOOK_SECRET}
    events: [incidents]
"""

BAD = """\
max_messages_per_run: 0
channels:
  - name: chat
    type: slack
    audience: public
    url: https://hooks.slack.com/services/T000/B000/XXXX
    min_severity: major
    components: [vpn, nope]
  - name: chat
    type: discord
    audience: internal
    url: ${DISCORD_URL}
  - name: mail
    type: email
    audience: public
    smtp:
      host: smtp.acme.example
      user: status
      password: hunter2
    from: not an address
    to: [someone]
    url: ${X}
    note: see https://discord.com/api/webhooks/1/abc
  - name: hook
    type: webhook
    audience: public
    url: $HOOK
    groups: [Nowhere]
    events: [incidents, tweets]
  - name: pager
    type: pager
    audience: everyone
"""


def test_valid_channels_are_read_with_env_references(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"notify.yaml": GOOD})
    loaded = load(root)
    assert messages(loaded, root) == []
    config = loaded.notify
    assert config is not None
    assert [(c.name, c.type, c.audience) for c in config.channels] == [
        ("mail", ChannelType.EMAIL, Audience.PUBLIC),
        ("chat", ChannelType.SLACK, Audience.INTERNAL),
        ("hook", ChannelType.WEBHOOK, Audience.PUBLIC),
    ]
    mail, chat, hook = config.channels
    assert mail.to == ("a@acme.example", EnvRef("MORE_ADDRESSES"))
    assert chat.url == EnvRef("SLACK_URL") and chat.pause_seconds == 1.0  # Slack: one a second
    assert hook.secret == EnvRef("HOOK_SECRET") and hook.pause_seconds == 0.0
    assert config.kb_url == "https://kb.acme.example/"


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"notify.yaml": BAD})
    expected = [
        "content/notify.yaml:1: max_messages_per_run: expected a whole number from 1 to 10000; got 0",
        "content/notify.yaml:6: channels[0].url: write it as ${ENV_VAR} and set the variable where notify runs; "
        "a url in the file is readable by everyone with the repository",
        "content/notify.yaml:7: channels[0].min_severity: only internal channels filter by severity "
        "(the public page shows every incident)",
        "content/notify.yaml:8: channels[0].components: 'vpn' is an internal service; a public channel never hears of it",
        "content/notify.yaml:8: channels[0].components: unknown service 'nope'",
        "content/notify.yaml:9: channels[1].name: channel 'chat' is already defined on line 3",
        "content/notify.yaml:19: channels[2].smtp.password: write it as ${ENV_VAR} and set the variable where notify "
        "runs; a password in the file is readable by everyone with the repository",
        "content/notify.yaml:20: channels[2].from: expected an address like 'Status <status@example.com>'; got 'not an address'",
        "content/notify.yaml:21: channels[2].to[0]: expected an e-mail address or ${ENV_VAR}; got 'someone'",
        "content/notify.yaml:22: channels[2].url: not a setting of an email channel",
        "content/notify.yaml:23: this looks like a Discord webhook URL; write secrets as ${ENV_VAR}, never in the file",
        "content/notify.yaml:23: channels[2].note: unknown field (expected one of audience, components, events, from, "
        "groups, min_severity, name, pause_seconds, recipients_file, smtp, to, type, unsubscribe, url)",
        "content/notify.yaml:24: channels[3].secret: required field is missing",
        "content/notify.yaml:27: channels[3].url: write it as ${ENV_VAR} and set the variable where notify runs; "
        "a url in the file is readable by everyone with the repository",
        "content/notify.yaml:28: channels[3].groups: unknown group 'Nowhere' (groups: Core, Internal)",
        "content/notify.yaml:29: channels[3].events: expected incidents and/or maintenance; got 'tweets'",
        "content/notify.yaml:31: channels[4].type: expected one of email, slack, teams, discord, webhook; got 'pager'",
        "content/notify.yaml:32: channels[4].audience: expected one of public, internal; got 'everyone'",
    ]
    assert messages(load(root), root) == sorted(expected, key=_order)
    # `validate` (which may answer from the load cache) reports the same, and fails
    checked = check_folder(root, now())
    assert [str(p).replace(str(root), "content") for p in checked.problems.sorted()] == sorted(expected, key=_order)


def test_unsubscribe_links_accept_schemes_in_any_case(tmp_path: Path) -> None:
    """URI schemes are case-insensitive (RFC 3986 §3.1): `HTTPS://` and `MAILTO:` are links like
    their lower-case forms; a scheme that is no link is still refused, with its line."""
    mail = GOOD.split("  - name: chat")[0]
    links = (
        "    unsubscribe: [HTTPS://status.acme.example/unsubscribe, MAILTO:leave@acme.example,"
        " Ftp://acme.example/x]\n"
    )
    root = make_content(tmp_path / "content", {"notify.yaml": mail + links})
    loaded = load(root)
    assert messages(loaded, root) == [
        "content/notify.yaml:9: channels[0].unsubscribe: expected an http(s) URL or a mailto: address; "
        "got 'Ftp://acme.example/x'"
    ]
    assert loaded.notify is not None
    assert loaded.notify.channels[0].unsubscribe == ("HTTPS://status.acme.example/unsubscribe", "MAILTO:leave@acme.example")


def _order(message: str) -> tuple[int, str]:
    return int(message.split(":")[1]), message.split(":", 2)[2]


def test_an_internal_channel_needs_the_knowledge_base_url(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"notify.yaml": "channels:\n  - name: x\n    type: teams\n    audience: internal\n    url: ${TEAMS}\n"})
    assert messages(load(root), root) == [
        "content/notify.yaml:1: kb_url: required when a channel is internal (its messages link the knowledge base)"
    ]


def test_validate_prints_notify_problems_and_exits_1(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"notify.yaml": "channels:\n  - name: x\n    type: slack\n    audience: public\n    url: xoxb-123\n"})
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 1
    assert f"{root}/notify.yaml:5: channels[0].url: write it as ${{ENV_VAR}}" in result.output


def test_the_example_organisation_has_one_channel_of_each_type() -> None:
    loaded = load(EXAMPLE)
    assert [p for p in loaded.problems.errors if "notify.yaml" in p.path] == []
    assert loaded.notify is not None
    assert sorted(c.type.value for c in loaded.notify.channels) == ["discord", "email", "slack", "teams", "webhook"]
    text = (EXAMPLE / "notify.yaml").read_text()
    assert "hooks.slack.com" not in text and "discord.com/api" not in text


INCIDENT = """\
id: INC-1
title: API errors
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
impact:
  - component: api
    level: major_outage
"""


def test_update_notify_marks_the_internal_note_for_stakeholders(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/inc-1.yaml": INCIDENT})
    result = CliRunner().invoke(main, [
        "update", "INC-1", "--internal", "Failover started", "--by", "dana", "--notify",
        "--content", str(root), "--now", "2026-11-28T10:30:00Z", "--no-cache",
    ])
    assert result.exit_code == 0, result.output
    assert (root / "incidents/inc-1.yaml").read_text().endswith(
        "timeline:\n  - at: 2026-11-28T10:30:00Z\n    by: dana\n    text: Failover started\n    notify: true\n"
    )
    (entry,) = load(root).site.incidents[0].timeline
    assert entry.notify is True
    refused = CliRunner().invoke(main, ["update", "INC-1", "more", "--notify", "--content", str(root), "--no-cache"])
    assert refused.exit_code == 2
    assert "--notify marks an internal note: give it with --internal" in refused.output


def test_every_notify_setting_is_documented() -> None:
    import dataclasses

    from generator.model import yaml_name
    from generator.notify.config import Channel, NotifyConfig, Smtp
    from tests.test_docs import README

    for record in (NotifyConfig, Channel, Smtp):
        for f in dataclasses.fields(record):
            if f.metadata.get("doc") != "internal":
                assert f"`{yaml_name(f)}`" in README, f"{record.__name__}.{f.name} is not documented"
