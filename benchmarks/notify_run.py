"""Deliver one incident's whole lifecycle to a channel of every type, on this machine.

    python benchmarks/notify_run.py [--pause SECONDS]

Real receivers on 127.0.0.1 (aiosmtpd for e-mail, http.server standing in for Slack, Teams,
Discord and a webhook receiver, from tests/notifykit.py) and the example organisation's
services; one new incident (declared, four public updates, a note for stakeholders, resolved)
is planned by a first run, which records the history as sent, then delivered by one
`statuspress notify` process. Prints the messages per channel and the wall time of that run.
Chat channels keep their default pause of 1 s between messages unless --pause says otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.notifykit import PATHS, HttpReceiver, SmtpReceiver, environ  # noqa: E402

INCIDENT = """\
id: INC-2026-900
title: Checkout errors for card payments
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
detected_at: 2026-11-28T10:04:00Z
detection: monitoring
mitigated_at: 2026-11-28T11:00:00Z
resolved_at: 2026-11-28T11:30:00Z
impact:
  - component: checkout
    level: major_outage
roles:
  incident_manager: Dana Ruiz
  communications_lead: Li Wei
updates:
  - {at: 2026-11-28T10:10:00Z, status: investigating, body: We are investigating failing card payments.}
  - {at: 2026-11-28T10:30:00Z, status: identified, body: A configuration change; we are rolling it back.}
  - {at: 2026-11-28T11:00:00Z, status: monitoring, body: The rollback is done; payments succeed again.}
  - {at: 2026-11-28T11:30:00Z, status: resolved, body: This incident has been resolved.}
timeline:
  - {at: 2026-11-28T10:20:00Z, by: dana, text: Rolling back the payments-db pool change., notify: true}
"""


def notify_yaml(port: int, pause: float | None) -> str:
    wait = "" if pause is None else f"\n    pause_seconds: {pause}"
    return f"""\
kb_url: https://kb.larkspur.example/
channels:
  - name: mail
    type: email
    audience: public
    smtp: {{host: "${{SMTP_HOST}}", port: {port}, security: none}}
    from: Larkspur Status <status@larkspur.example>
    to: [subscriber@example.org]
  - name: slack
    type: slack
    audience: internal
    url: ${{SLACK_URL}}{wait}
  - name: teams
    type: teams
    audience: internal
    url: ${{TEAMS_URL}}{wait}
  - name: discord
    type: discord
    audience: public
    url: ${{DISCORD_URL}}{wait}
  - name: hook
    type: webhook
    audience: public
    url: ${{HOOK_URL}}
    secret: ${{HOOK_SECRET}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pause", type=float, default=None, help="pause_seconds of the chat channels")
    args = parser.parse_args()
    http, smtp = HttpReceiver().start(), SmtpReceiver().start()
    try:
        with tempfile.TemporaryDirectory() as temp:
            content = Path(temp) / "content"
            content.mkdir()
            for name in ("site.yaml", "services.yaml"):
                shutil.copy(REPO / "content" / name, content / name)
            (content / "notify.yaml").write_text(notify_yaml(smtp.port, args.pause))
            env = {**os.environ, **environ(http), "PYTHONPATH": str(REPO)}
            command = [sys.executable, "-m", "generator", "notify", "--content", str(content), "--no-cache",
                       "--now", "2026-11-28T12:00:00Z"]
            subprocess.run(command, env=env, check=True, capture_output=True)  # the channels start empty
            (content / "incidents").mkdir()
            (content / "incidents" / "inc.yaml").write_text(INCIDENT)
            start = time.perf_counter()
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
        counts = {name: len(http.to(path)) for name, path in PATHS.items()} | {"mail": len(smtp.raw)}
        print(result.stdout.strip().splitlines()[-1])
        for name, count in sorted(counts.items()):
            print(f"{name:8} {count} messages")
        print(f"total    {sum(counts.values())} messages in {seconds:.2f} s (one process, exit {result.returncode})")
    finally:
        http.stop()
        smtp.stop()


if __name__ == "__main__":
    main()
