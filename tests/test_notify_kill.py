"""SIGKILL at random points of `statuspress notify` runs loses no message and re-sends at most
the one in flight, always with the same idempotency key.

The receiver answers each request after a short delay so kills land while messages are in
flight; each run is killed a random number of requests and a random moment later (seeded:
NOTIFY_KILL_SEED), until one finishes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.notifykit import HttpReceiver, environ
from tests.sitekit import REPO, write_tree

SEED = int(os.environ.get("NOTIFY_KILL_SEED", "15"))
UPDATES = 5

NOTIFY = """\
kb_url: https://kb.acme.example/
retries: 0
timeout_seconds: 5
channels:
  - {name: slack, type: slack, audience: internal, url: "${SLACK_URL}", pause_seconds: 0.02}
  - {name: discord, type: discord, audience: public, url: "${DISCORD_URL}", pause_seconds: 0.02}
  - {name: hook, type: webhook, audience: public, url: "${HOOK_URL}", secret: "${HOOK_SECRET}"}
"""


def incident() -> str:
    updates = "".join(
        f"  - at: 2026-11-28T10:{10 + n:02d}:00Z\n    status: {'investigating' if n < 4 else 'identified'}\n"
        f"    body: Update number {n}.\n"
        for n in range(UPDATES)
    )
    return (
        "id: INC-9\ntitle: Checkout errors\ntype: external\nseverity: major\nstarted_at: 2026-11-28T10:00:00Z\n"
        "impact:\n  - component: api\n    level: major_outage\nupdates:\n" + updates
    )


def test_sigkill_loses_nothing_and_duplicates_at_most_the_message_in_flight(tmp_path: Path) -> None:
    http = HttpReceiver().start()
    try:
        for path in ("/slack", "/discord", "/hook"):
            http.script[path] = [("hang", 0.08)] * 100
        content = write_tree(tmp_path / "content", {
            "site.yaml": "name: Acme\nbase_url: https://status.acme.example/\n",
            "services.yaml": "groups: [Core]\nservices:\n  - {id: api, name: API, group: Core}\n",
            "notify.yaml": NOTIFY,
        })
        env = {**os.environ, **environ(http), "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "generator", "notify", "--content", str(content), "--no-cache",
                   "--now", "2026-11-28T12:00:00Z"]
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr  # no incident yet: the channels start empty
        write_tree(content, {"incidents/i.yaml": incident()})
        chance = random.Random(SEED)
        kills = 0
        for _ in range(40):
            process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            target = len(http.requests) + chance.randint(2, 6)  # kill once this many more arrived...
            while process.poll() is None and len(http.requests) < target:
                time.sleep(0.005)
            time.sleep(chance.uniform(0, 0.1))  # ...and a moment later: before, during or after a write
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.communicate(timeout=60)
            if process.returncode == 0:
                break
        else:
            raise AssertionError("no run finished in 40 tries")
        expected_public = [f"incident/INC-9/update/20261128T10{10 + n:02d}00Z" for n in range(UPDATES)]
        expected = {
            "/discord": expected_public,
            "/hook": expected_public,
            "/slack": ["incident/INC-9/declared", *expected_public],
        }
        assert kills >= 3, f"only {kills} runs were killed; the test did not test much (seed {SEED})"
        for path, ids in expected.items():
            received = [(r.message_id, r.headers["Idempotency-Key"]) for r in http.to(path)]
            order = [mid for n, (mid, _) in enumerate(received) if n == 0 or received[n - 1][0] != mid]
            assert order == ids, f"{path}: lost or reordered (seed {SEED})"  # a re-send follows its first try
            assert len(received) - len(ids) <= kills, f"{path}: more duplicates than runs killed (seed {SEED})"
            keys: dict[str, set[str]] = {}
            for mid, key in received:
                keys.setdefault(mid, set()).add(key)
            assert all(len(k) == 1 for k in keys.values()), f"{path}: a re-send had another idempotency key"
        ledger = [json.loads(line) for line in (tmp_path / "notify-ledger.jsonl").read_text().splitlines()]
        recorded = Counter((e["channel"], e["message"]) for e in ledger if e["result"] == "sent")
        assert set(recorded.values()) == {1}  # each message recorded once
        assert len(recorded) == 2 * UPDATES + UPDATES + 1
        print(f"seed {SEED}: {kills} runs killed; duplicates: "
              + ", ".join(f"{p} {len(http.to(p)) - len(ids)}" for p, ids in expected.items()))
    finally:
        http.stop()
