"""`statuspress notify` against real receivers on 127.0.0.1: an SMTP server (aiosmtpd) and an
HTTP server standing in for Slack, Teams, Discord and a webhook receiver. Every payload is
checked against the JSON Schema of what that service accepts; e-mails are parsed with `email`."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.locking import hold
from tests.notifykit import (
    HOOK_SECRET,
    KINDS,
    PATHS,
    SERVICES,
    SITE,
    HttpReceiver,
    SmtpReceiver,
    check_payload,
    environ,
    free_port,
    notify_yaml,
)
from tests.sitekit import write_tree
from tests.test_docs import README

INCIDENT = """\
id: INC-1
title: API errors
type: external
severity: {severity}
started_at: 2026-11-28T10:00:00Z
detected_at: 2026-11-28T10:05:00Z
detection: monitoring
{resolution}
impact:
  - component: api
    level: major_outage
  - component: vpn
    level: partial_outage
roles:
  incident_manager: CanaryManagerName
  communications_lead: CanaryCommsName
root_cause:
  type: deploy
  service: vpn
updates:
  - at: 2026-11-28T10:10:00Z
    status: investigating
    body: We are investigating **errors** on the API.
  - at: 2026-11-28T10:30:00Z
    status: identified
    body: A bad deploy; we are rolling it back.
  - at: 2026-11-28T11:00:00Z
    status: monitoring
    body: The rollback is done; error rates are normal.
{resolved_update}
timeline:
  - at: 2026-11-28T10:20:00Z
    by: CanaryAuthorName
    text: Failover to the standby started; customers of eu-west see errors.
    notify: true
  - at: 2026-11-28T10:25:00Z
    by: sam
    text: CanaryPrivateNote not for stakeholders
"""

RESOLVED = "mitigated_at: 2026-11-28T11:00:00Z\nresolved_at: 2026-11-28T11:30:00Z"
RESOLVED_UPDATE = "  - at: 2026-11-28T11:30:00Z\n    status: resolved\n    body: This incident has been resolved."

PUBLIC_IDS = [
    "incident/INC-1/update/20261128T101000Z",
    "incident/INC-1/update/20261128T103000Z",
    "incident/INC-1/update/20261128T110000Z",
    "incident/INC-1/update/20261128T113000Z",
]
INTERNAL_IDS = [
    "incident/INC-1/declared",
    "incident/INC-1/update/20261128T101000Z",
    "incident/INC-1/note/20261128T102000Z",
    "incident/INC-1/update/20261128T103000Z",
    "incident/INC-1/update/20261128T110000Z",
    "incident/INC-1/severity/1-medium",
    "incident/INC-1/update/20261128T113000Z",
    "incident/INC-1/resolved",
]
CANARIES = ["CanaryManagerName", "CanaryCommsName", "CanaryAuthorName", "CanaryPrivateNote", "CanaryVpnName",
            "Failover to the standby", "kb.acme.example"]


def organisation(tmp_path: Path, smtp_port: int, severity: str = "major", resolved: bool = False,
                 extra: str = "", retries: int = 1, timeout: float = 2.0) -> Path:
    return write_tree(tmp_path / "content", {
        "site.yaml": SITE,
        "services.yaml": SERVICES,
        "notify.yaml": notify_yaml(smtp_port, extra, retries, timeout),
        "incidents/inc-1.yaml": INCIDENT.format(
            severity=severity, resolution=RESOLVED if resolved else "", resolved_update=RESOLVED_UPDATE if resolved else ""
        ),
    })


def notify(content: Path, env: dict[str, str], at: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["notify", "--content", str(content), "--now", at, "--no-cache", *args], env=env)


def readme_verify() -> Callable[..., dict[str, Any]]:
    """The receiver's verification snippet of the README, as written there."""
    section = README.split("\n## Notifications\n", 1)[1].split("\n## ", 1)[0]
    code = next(block for block in section.split("```python\n")[1:] if "def verify" in block).split("```")[0]
    namespace: dict[str, Any] = {}
    exec(textwrap.dedent(code), namespace)
    return namespace["verify"]  # type: ignore[no-any-return]


def delivered(http: HttpReceiver, smtp: SmtpReceiver) -> dict[str, list[str]]:
    """Message ids each channel received, in order of arrival."""
    found = {name: [r.message_id for r in http.to(path)] for name, path in PATHS.items()}
    found["mail"] = [str(mail["X-Statuspress-Message"]) for _, _, mail in smtp.mails]
    return found


def test_a_whole_incident_reaches_every_channel_once_in_order(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port)
    first = notify(content, env, "2026-11-28T09:00:00Z")  # before the incident: the channels start empty
    assert first.exit_code == 0, first.output
    assert "mail: 0 messages recorded as sent without sending (first run of this channel)" in first.output
    started = datetime.now(UTC).timestamp()
    runs = [("2026-11-28T10:15:00Z", "major", False), ("2026-11-28T10:45:00Z", "major", False),
            ("2026-11-28T11:10:00Z", "medium", False), ("2026-11-28T12:00:00Z", "medium", True)]
    for at, severity, resolved in runs:
        organisation(tmp_path, smtp.port, severity, resolved)
        result = notify(content, env, at)
        assert result.exit_code == 0, result.output
    finished = datetime.now(UTC).timestamp() + 1
    expected = {"mail": PUBLIC_IDS, "discord": PUBLIC_IDS, "hook": PUBLIC_IDS, "slack": INTERNAL_IDS, "teams": INTERNAL_IDS}
    assert delivered(http, smtp) == expected
    # the last run printed one line per message and channel
    assert "hook: incident/INC-1/update/20261128T113000Z: sent" in result.output
    assert "slack: incident/INC-1/resolved: sent" in result.output
    assert result.output.rstrip().endswith("\n7 sent")  # the resolution to 3 public channels, update + summary to 2
    # a second run sends nothing
    again = notify(content, env, "2026-11-28T12:00:00Z")
    assert again.exit_code == 0 and again.output.strip() == "0 sent"
    assert delivered(http, smtp) == expected
    for request in http.requests:
        kind = KINDS[next(name for name, path in PATHS.items() if path == request.path)]
        check_payload(kind, request.json)
        assert re.fullmatch(r"[0-9a-f-]{36}", request.headers["Idempotency-Key"])
    for request in http.to("/hook"):
        body = request.json
        expected_sig = "sha256=" + hmac.new(HOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-Statuspress-Signature"] == expected_sig
        stamp = int(request.headers["X-Statuspress-Timestamp"])
        assert started - 1 <= stamp <= finished
        assert datetime.strptime(body["meta"]["generated_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp() // 1 == stamp
        assert body["meta"]["idempotency_key"] == request.headers["Idempotency-Key"]
        assert body["meta"]["message_id"] == request.message_id
    verify = readme_verify()
    for request in http.to("/hook"):
        assert verify(HOOK_SECRET.encode(), request.body, request.headers, 3600)["meta"]["message_id"] == request.message_id
        with pytest.raises(ValueError, match="bad signature"):
            verify(HOOK_SECRET.encode(), request.body.replace(b"API", b"APX"), request.headers, 3600)
    hooks = [r.json["incident"] for r in http.to("/hook")]
    assert [(h["status"], h["incident_updates"][0]["body"]) for h in hooks] == [
        ("investigating", "We are investigating errors on the API."),
        ("identified", "A bad deploy; we are rolling it back."),
        ("monitoring", "The rollback is done; error rates are normal."),
        ("resolved", "This incident has been resolved."),
    ]
    assert hooks[0]["shortlink"] == "https://status.acme.example/incidents/INC-1.html"
    for request in [*http.to("/hook"), *http.to("/discord")]:
        for canary in CANARIES:
            assert canary.encode() not in request.body, (canary, request.path)
    slack = [r.json for r in http.to("/slack")]
    declared = slack[0]["blocks"]
    assert declared[0]["text"]["text"] == "Major external incident declared: API errors"
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in declared[1]["fields"]}
    assert fields["*Incident manager*"] == "CanaryManagerName"
    assert fields["*Affected services*"] == "Public API: Major outage, CanaryVpnName: Partial outage"
    assert declared[2]["elements"][0]["url"] == "https://kb.acme.example/incidents/INC-1.html"
    note = slack[2]["blocks"]
    assert note[1]["text"]["text"] == "Failover to the standby started; customers of eu-west see errors."
    assert "CanaryPrivateNote" not in json.dumps(slack)
    assert slack[5]["blocks"][0]["text"]["text"] == "Severity major \u2192 medium: API errors"
    resolved_fields = [f["text"] for f in slack[7]["blocks"][2]["fields"]]
    assert resolved_fields[:3] == ["*TTD*\n5 min", "*TTM*\n1 h", "*TTR*\n1 h 30 min"]


def test_emails_are_threaded_in_two_parts_and_hold_nothing_internal(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port, resolved=True)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    result = notify(content, env, "2026-11-28T12:00:00Z", "--channel", "mail")
    assert result.exit_code == 0, result.output
    mails = smtp.mails
    assert [m["Subject"] for _, _, m in mails] == [
        "[Acme] Investigating: API errors", "[Acme] Identified: API errors",
        "[Acme] Monitoring: API errors", "[Acme] Resolved: API errors",
    ]
    thread = "<incident.INC-1.mail@status.acme.example>"
    for (sender, recipients, mail), mid in zip(mails, PUBLIC_IDS, strict=True):
        assert sender == "status@acme.example"
        assert recipients == ["ann@example.org", "bob@example.org"]
        assert mail["To"] == "undisclosed-recipients:;"  # subscribers never see each other
        assert mail["Message-ID"] == f"<{mid.replace('/', '.')}.mail@status.acme.example>"
        assert mail["In-Reply-To"] == thread and mail["References"] == thread
        assert mail["List-Unsubscribe"].strip() == "<https://status.acme.example/unsubscribe>, <mailto:unsubscribe@acme.example>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058: an https link is there
        assert mail.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    text = mails[0][2].get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mails[0][2].get_body(("html",)).get_content()
    assert text.startswith("Investigating: API errors\n\nWe are investigating errors on the API.\n")
    assert "https://status.acme.example/incidents/INC-1.html" in text
    assert "<p>We are investigating <strong>errors</strong> on the API.</p>" in html
    for raw in smtp.raw:
        for canary in CANARIES:
            assert canary.encode() not in raw
    assert http.requests == []  # --channel mail: nothing else was sent


#: E-mail channels by recipient: their `unsubscribe` links (None: no such setting).
ONE_CLICK_CHANNELS = {
    "carol@example.org": '["mailto:unsubscribe@acme.example"]',
    "dave@example.org": "[http://status.acme.example/unsubscribe]",
    "erin@example.org": None,
    "frank@example.org": '["mailto:unsubscribe@acme.example", "https://status.acme.example/u?list=status"]',
}


def email_channels(port: int) -> str:
    """One public e-mail channel per recipient of ONE_CLICK_CHANNELS, named mail-0, mail-1, …"""
    return "".join(
        f"  - name: mail-{index}\n    type: email\n    audience: public\n"
        f'    smtp: {{host: "${{SMTP_HOST}}", port: {port}, security: none}}\n'
        f"    from: status@acme.example\n    to: [{recipient}]\n"
        + (f"    unsubscribe: {links}\n" if links is not None else "")
        for index, (recipient, links) in enumerate(ONE_CLICK_CHANNELS.items())
    )


def test_one_click_unsubscribe_only_with_an_https_link(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    """RFC 8058: `List-Unsubscribe-Post: List-Unsubscribe=One-Click` tells mail clients they may
    POST to the https link of List-Unsubscribe; mailto: and plain http links do not allow it."""
    env = environ(http)
    content = organisation(tmp_path, smtp.port, extra=email_channels(smtp.port))
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    result = notify(content, env, "2026-11-28T10:15:00Z", *(f"--channel=mail-{i}" for i in range(4)))
    assert result.exit_code == 0, result.output
    by_recipient = {recipients[0]: mail for _, recipients, mail in smtp.mails}
    assert sorted(by_recipient) == ["carol@example.org", "dave@example.org", "erin@example.org", "frank@example.org"]
    assert by_recipient["carol@example.org"]["List-Unsubscribe"] == "<mailto:unsubscribe@acme.example>"
    assert by_recipient["dave@example.org"]["List-Unsubscribe"] == "<http://status.acme.example/unsubscribe>"
    assert by_recipient["erin@example.org"]["List-Unsubscribe"] is None
    for recipient in ("carol@example.org", "dave@example.org", "erin@example.org"):
        assert by_recipient[recipient]["List-Unsubscribe-Post"] is None, recipient
    frank = by_recipient["frank@example.org"]
    assert frank["List-Unsubscribe"] == "<mailto:unsubscribe@acme.example>, <https://status.acme.example/u?list=status>"
    assert frank.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]


def test_failing_receivers_get_their_messages_next_run_and_hold_back_nobody(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    dead = f"http://127.0.0.1:{free_port()}/gone"  # nothing listens: connection refused
    env = environ(http) | {"DISCORD_URL": dead}
    content = organisation(tmp_path, smtp.port, retries=1, timeout=0.5)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    http.script["/slack"] = [500, 500]  # two attempts (retries: 1), both fail
    http.script["/teams"] = [("hang", 1.5), ("hang", 1.5)]  # longer than timeout_seconds
    result = notify(content, env, "2026-11-28T10:45:00Z")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "slack: incident/INC-1/declared: failed: HTTP 500 (2 attempts)" in lines
    assert "slack: incident/INC-1/update/20261128T101000Z: not sent: waits for the failed message before it" in lines
    assert "teams: incident/INC-1/declared: failed: timed out after 0.5 s (2 attempts)" in lines
    assert any(line.startswith("discord: incident/INC-1/update/20261128T101000Z: failed: cannot connect:") for line in lines)
    assert lines[-1] == "4 sent, 10 not delivered (retried next run)"
    got = delivered(http, smtp)
    assert got["mail"] == PUBLIC_IDS[:2] and got["hook"] == PUBLIC_IDS[:2]
    assert got["slack"] == ["incident/INC-1/declared"] * 2 and got["discord"] == []
    first_keys = {r.headers["Idempotency-Key"] for r in http.to("/slack")}
    assert len(first_keys) == 1
    # the receivers recover: the next run delivers what failed, in order, and nothing twice
    http.requests.clear()
    smtp.mailbox.messages.clear()
    fixed = notify(content, environ(http), "2026-11-28T10:45:00Z")
    assert fixed.exit_code == 0, fixed.output
    got = delivered(http, smtp)
    assert got["mail"] == [] and got["hook"] == []
    assert got["discord"] == PUBLIC_IDS[:2]
    assert got["slack"] == got["teams"] == INTERNAL_IDS[:4]
    assert http.to("/slack")[0].headers["Idempotency-Key"] in first_keys  # the same key as before


def test_first_run_and_mark_sent_record_history_without_sending_it(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port, resolved=True)
    result = notify(content, env, "2026-11-28T12:00:00Z")
    assert result.exit_code == 0
    assert "slack: 7 messages recorded as sent without sending (first run of this channel)" in result.output
    assert "mail: 4 messages recorded as sent without sending (first run of this channel)" in result.output
    assert delivered(http, smtp) == {"mail": [], "discord": [], "hook": [], "slack": [], "teams": []}
    ledger = [json.loads(line) for line in (tmp_path / "notify-ledger.jsonl").read_text().splitlines()]
    assert {e["result"] for e in ledger} == {"channel-start", "marked-sent"}
    assert len(ledger) == 5 + 4 * 3 + 7 * 2
    # an incident added afterwards is sent; --mark-sent records it instead
    write_tree(content, {"incidents/inc-2.yaml": INCIDENT.replace("INC-1", "INC-2").format(
        severity="minor", resolution=RESOLVED, resolved_update=RESOLVED_UPDATE)})
    marked = notify(content, env, "2026-11-28T12:00:00Z", "--mark-sent", "--channel", "hook")
    assert "hook: 4 messages recorded as sent without sending (--mark-sent)" in marked.output
    sent = notify(content, env, "2026-11-28T12:00:00Z", "--channel", "discord")
    assert sent.exit_code == 0 and sent.output.strip().endswith("4 sent")
    assert delivered(http, smtp)["discord"] == [i.replace("INC-1", "INC-2") for i in PUBLIC_IDS]
    assert delivered(http, smtp)["hook"] == []


def test_a_run_refuses_to_send_more_than_the_limit(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port, resolved=True)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    refused = notify(content, env, "2026-11-28T12:00:00Z", "--max-messages", "5")
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "slack: 7 messages are due, more than max_messages_per_run (5); nothing was sent. "
        "Send them with --max-messages 7, or record them as sent with --mark-sent --channel slack.",
        "teams: 7 messages are due, more than max_messages_per_run (5); nothing was sent. "
        "Send them with --max-messages 7, or record them as sent with --mark-sent --channel teams.",
    ]
    assert http.requests == [] and smtp.raw == []
    allowed = notify(content, env, "2026-11-28T12:00:00Z", "--max-messages", "7")
    assert allowed.exit_code == 0 and allowed.output.strip().endswith("\n26 sent")  # 4 x 3 public, 7 x 2 internal


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    ledger = (tmp_path / "notify-ledger.jsonl").read_bytes()
    result = notify(content, {}, "2026-11-28T10:15:00Z", "--dry-run")  # no secrets needed
    assert result.exit_code == 0, result.output
    assert "--- hook: incident/INC-1/update/20261128T101000Z (would send)\nPOST ${HOOK_URL}\n" in result.output
    assert "Subject: [Acme] Investigating: API errors\n" in result.output
    assert "X-Statuspress-Signature: sha256=<HMAC-SHA256 of the body with ${HOOK_SECRET}>\n" in result.output
    assert '"text": "Major external incident declared: API errors"' in result.output
    assert result.output.rstrip().endswith("dry run: 7 messages would be sent; nothing was sent or recorded")
    assert http.requests == [] and smtp.raw == []
    assert (tmp_path / "notify-ledger.jsonl").read_bytes() == ledger


def test_a_missing_secret_fails_its_channel_only(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    env = environ(http)
    content = organisation(tmp_path, smtp.port)
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    del env["HOOK_SECRET"]
    result = notify(content, env, "2026-11-28T10:15:00Z")
    assert result.exit_code == 1
    assert "hook: incident/INC-1/update/20261128T101000Z: failed: environment variable HOOK_SECRET is not set" in result.output
    assert len(http.to("/slack")) == 2 and http.to("/hook") == []


def test_a_second_run_waits_for_the_lock_then_refuses(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    content = organisation(tmp_path, smtp.port)
    with hold(tmp_path / "notify-ledger.jsonl", 0):  # locking.py's lock on the ledger, as notify takes it
        result = notify(content, environ(http), "2026-11-28T10:15:00Z", "--wait", "0.3")
    assert result.exit_code == 2
    assert f"another `statuspress notify` is using {tmp_path / 'notify-ledger.jsonl'} (waited 0.3 s)" in result.output
    assert http.requests == []


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_folder_where_the_ledger_goes_is_a_clean_error(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver,
                                                         dry_run: bool) -> None:
    content = organisation(tmp_path, smtp.port)
    (tmp_path / "notify-ledger.jsonl").mkdir()
    result = notify(content, environ(http), "2026-11-28T10:15:00Z", *(["--dry-run"] if dry_run else []))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exception
    assert result.output.splitlines()[-2:] == [
        f"{tmp_path / 'notify-ledger.jsonl'}:1: cannot read the ledger: Is a directory",
        "The ledger cannot be read; nothing was sent.",
    ]
    assert http.requests == [] and smtp.mails == []


def test_a_ledger_that_cannot_be_opened_is_a_clean_error(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    content = organisation(tmp_path, smtp.port)
    (tmp_path / "records").write_text("a file where the ledger's folder should be\n")
    ledger = tmp_path / "records" / "notify-ledger.jsonl"
    result = notify(content, environ(http), "2026-11-28T10:15:00Z", "--ledger", str(ledger))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exception
    assert result.output.splitlines()[-2:] == [
        f"{ledger}:1: cannot open the ledger: {tmp_path / 'records'} is not a folder",
        "The ledger cannot be read; nothing was sent.",
    ]
    assert http.requests == [] and smtp.mails == []


def test_a_damaged_ledger_stops_the_run_with_its_line(tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver) -> None:
    content = organisation(tmp_path, smtp.port)
    assert notify(content, environ(http), "2026-11-28T09:00:00Z").exit_code == 0
    ledger = tmp_path / "notify-ledger.jsonl"
    ledger.write_text(ledger.read_text() + "<<<<<<< HEAD\n")
    result = notify(content, environ(http), "2026-11-28T10:15:00Z")
    assert result.exit_code == 1
    assert f"{ledger}:6: not a ledger entry (a merge conflict?); fix or remove the line" in result.output
    assert http.requests == []


def test_the_ledger_beside_the_content_folder_is_the_same_from_inside_it(
    tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`cd content && statuspress notify --content .` uses the ledger beside the folder, the one
    a run from the repository uses: before, it started a second ledger inside the content folder,
    whose first run recorded the new incident as sent without sending it (and a run from the
    repository afterwards sent what that one had already sent)."""
    env = environ(http)
    content = organisation(tmp_path, smtp.port, resolved=True)
    assert notify(content, env, "2026-11-28T12:00:00Z").exit_code == 0  # first run: history marked
    write_tree(content, {"incidents/inc-2.yaml": INCIDENT.replace("INC-1", "INC-2").format(
        severity="minor", resolution=RESOLVED, resolved_update=RESOLVED_UPDATE)})
    monkeypatch.chdir(content / "incidents")
    for spelled in ("..", "../."):
        sent = notify(Path(spelled), env, "2026-11-28T12:00:00Z", "--channel", "discord")
        assert sent.exit_code == 0 and sent.output.strip().splitlines()[-1] == ("4 sent" if spelled == ".." else "0 sent")
    monkeypatch.chdir(content)
    assert notify(Path("."), env, "2026-11-28T12:00:00Z", "--channel", "discord").output.strip() == "0 sent"
    assert delivered(http, smtp)["discord"] == [i.replace("INC-1", "INC-2") for i in PUBLIC_IDS]
    assert sorted(p.name for p in content.iterdir()) == ["incidents", "notify.yaml", "services.yaml", "site.yaml"]


@pytest.mark.parametrize("name", ['Acme <b>Ops</b>, Inc. "EU"', "Ærø Status", "Acme"])
def test_the_list_id_names_the_list_whatever_the_site_is_called(
    tmp_path: Path, http: HttpReceiver, smtp: SmtpReceiver, name: str,
) -> None:
    """RFC 2919: `List-Id: phrase <id>`, which mail filters read: a name with `<`, `,` or quotes
    is a quoted phrase, so the id is still the one in angle brackets."""
    from email.utils import parseaddr

    env = environ(http)
    content = organisation(tmp_path, smtp.port)
    (content / "site.yaml").write_text(SITE.replace("name: Acme", f"name: {json.dumps(name)}"))
    assert notify(content, env, "2026-11-28T09:00:00Z").exit_code == 0
    assert notify(content, env, "2026-11-28T10:15:00Z", "--channel=mail").exit_code == 0
    (mail,) = [mail for _, _, mail in smtp.mails]
    assert parseaddr(str(mail["List-Id"])) == (name, "mail.status.acme.example")
