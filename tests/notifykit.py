"""Real receivers for the notification tests, all on 127.0.0.1: an HTTP server that records
every request (and can be told to fail, hang or vanish) and an SMTP server (aiosmtpd) that
keeps every message; the JSON Schemas of what each service accepts; a small organisation."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
from aiosmtpd.controller import Controller

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "notify"


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


VALIDATORS = {
    kind: jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())
    for kind, name in {
        "slack": "slack-message", "teams": "teams-adaptive-card", "discord": "discord-webhook",
        "webhook": "statuspage-webhook",
    }.items()
}


def check_payload(kind: str, payload: dict[str, Any]) -> None:
    """Raise if `payload` is not what the service accepts (its schema, plus limits a schema
    cannot say: Discord's 6,000 characters over all embeds, Teams' 28 KB message)."""
    VALIDATORS[kind].validate(payload)
    if kind == "discord":
        total = 0
        for embed in payload.get("embeds", []):
            total += len(embed.get("title", "")) + len(embed.get("description", ""))
            total += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
            total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        assert total <= 6000, f"embeds hold {total} characters; Discord allows 6,000"
    if kind == "teams":
        size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))  # as it is sent
        assert size <= 28 * 1024, f"Teams refuses messages over 28 KB; this one is {size:,} bytes"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def message_id(self) -> str:
        return self.headers["X-Statuspress-Message"]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that timed out and left: expected in the tests, not worth a traceback."""


@dataclass
class HttpReceiver:
    """Records every POST. `script[path]` lists what to do with the next requests to that path:
    an HTTP status to answer, or ("hang", seconds) to answer 200 only after that long."""

    requests: list[Received] = field(default_factory=list)
    script: dict[str, list[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body, time.time()))
                    steps = receiver.script.get(self.path) or []
                    step = steps.pop(0) if steps else 200
                if isinstance(step, tuple) and step[0] == "hang":
                    time.sleep(step[1])
                    step = 200
                self.send_response(int(step))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


class SmtpReceiver:
    """An aiosmtpd server on 127.0.0.1 keeping every message it is given."""

    def __init__(self) -> None:
        self.mailbox = _Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def mails(self) -> list[tuple[str, list[str], EmailMessage]]:
        return [
            (sender, rcpts, BytesParser(policy=policy.default).parsebytes(data))  # type: ignore[misc]
            for sender, rcpts, data in self.mailbox.messages
        ]

    @property
    def raw(self) -> list[bytes]:
        return [data for _, _, data in self.mailbox.messages]


SITE = """\
name: Acme
base_url: https://status.acme.example/
"""

SERVICES = """\
groups: [Core, Backstage]
services:
  - id: api
    name: Public API
    group: Core
  - id: web
    name: Website
    group: Core
  - id: vpn
    name: CanaryVpnName
    group: Backstage
    public: false
"""


def notify_yaml(smtp_port: int, extra: str = "", retries: int = 1, timeout: float = 2.0) -> str:
    """One channel of each type (e-mail public, Slack and Teams internal, Discord and webhook public)."""
    return f"""\
kb_url: https://kb.acme.example/
retries: {retries}
retry_backoff_seconds: 0.01
timeout_seconds: {timeout}
channels:
  - name: mail
    type: email
    audience: public
    smtp: {{host: "${{SMTP_HOST}}", port: {smtp_port}, security: none}}
    from: Acme Status <status@acme.example>
    to: [ann@example.org, bob@example.org]
    unsubscribe: [https://status.acme.example/unsubscribe, "mailto:unsubscribe@acme.example"]
  - name: slack
    type: slack
    audience: internal
    url: ${{SLACK_URL}}
    pause_seconds: 0
  - name: teams
    type: teams
    audience: internal
    url: ${{TEAMS_URL}}
    pause_seconds: 0
  - name: discord
    type: discord
    audience: public
    url: ${{DISCORD_URL}}
    pause_seconds: 0
  - name: hook
    type: webhook
    audience: public
    url: ${{HOOK_URL}}
    secret: ${{HOOK_SECRET}}
{extra}"""


HOOK_SECRET = "test-signing-key-1234567890"


def environ(http: HttpReceiver) -> dict[str, str]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SLACK_URL": http.url("/slack"),
        "TEAMS_URL": http.url("/teams"),
        "DISCORD_URL": http.url("/discord"),
        "HOOK_URL": http.url("/hook"),
        "HOOK_SECRET": HOOK_SECRET,
    }


#: Which receiver path (or "mail") each channel of `notify_yaml` posts to, and its schema.
PATHS = {"slack": "/slack", "teams": "/teams", "discord": "/discord", "hook": "/hook"}
KINDS = {"slack": "slack", "teams": "teams", "discord": "discord", "hook": "webhook"}
