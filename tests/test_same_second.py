"""Updates posted in the same second, as monitoring automation posts them: the one written later
in the file is the newer everywhere (page, API, feeds, notifications, the responder commands),
and every update keeps the id it had (`-2` for the later one, in file order)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result

from generator.cli import main
from tests.sitekit import make_content
from tests.test_public_feeds import build_public

T = "2026-11-28T10:00:00Z"
LATER = "2026-11-28T10:30:00Z"


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content)], catch_exceptions=False)


def text(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def opened_and_resolved_at_once(content: Path) -> None:
    """A monitor's hook: open and resolve within one second."""
    opened = run(content, "new", "incident", "--title", "API flap", "--severity", "minor",
                 "--component", "api", "--message", "Auto: the API is down.", "--id", "INC-9", "--now", T)
    assert opened.exit_code == 0, opened.output
    resolved = run(content, "resolve", "INC-9", "Auto: the API is back.", "--now", T)
    assert resolved.exit_code == 0, resolved.output


def test_an_incident_opened_and_resolved_in_one_second_reads_as_resolved(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    opened_and_resolved_at_once(content)
    public = build_public(content, tmp_path / "out", LATER)

    home = BeautifulSoup((public / "index.html").read_text(encoding="utf-8"), "html5lib")
    card = next(a for a in home.select("article.incident") if "API flap" in text(a))
    latest = card.select_one(".latest")
    assert latest is not None
    assert text(latest).startswith("Latest update: Resolved")
    assert "Auto: the API is back." in text(latest)

    page = BeautifulSoup((public / "incidents" / "INC-9.html").read_text(encoding="utf-8"), "html5lib")
    listed = [text(li.select_one("p.meta strong")) for li in page.select("ol.updates > li")]  # type: ignore[arg-type]
    assert listed == ["Resolved", "Investigating"]  # newest first

    api = json.loads((public / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    (incident,) = [i for i in api["incidents"] if i["id"] == "INC-9"]
    assert [(u["status"], u["id"]) for u in incident["incident_updates"]] == [
        ("resolved", "INC-9-20261128T100000Z-2"),
        ("investigating", "INC-9-20261128T100000Z"),
    ]

    feed = feedparser.parse((public / "feeds" / "all.atom").read_bytes())
    assert [(e.title, e.id.rsplit("/", 1)[-1]) for e in feed.entries] == [
        ("Resolved: API flap", "20261128T100000Z-2"),
        ("Investigating: API flap", "20261128T100000Z"),
    ]


def test_reopen_and_update_in_the_same_second_as_the_last_update(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    opened = run(content, "new", "incident", "--title", "API flap", "--severity", "minor",
                 "--component", "api", "--message", "Auto: the API is down.", "--id", "INC-9",
                 "--now", "2026-11-28T09:50:00Z")
    assert opened.exit_code == 0, opened.output
    resolved = run(content, "resolve", "INC-9", "Auto: the API is back.", "--now", T)
    assert resolved.exit_code == 0, resolved.output
    reopened = run(content, "reopen", "INC-9", "It is down again.", "--now", T)
    assert reopened.exit_code == 0, reopened.output
    identified = run(content, "update", "INC-9", "--status", "identified", "A bad node.", "--now", T)
    assert identified.exit_code == 0, identified.output
    followed = run(content, "update", "INC-9", "Draining it.", "--now", T)  # status: the latest's
    assert followed.exit_code == 0, followed.output
    public = build_public(content, tmp_path / "out", LATER)

    api = json.loads((public / "api" / "v2" / "incidents" / "unresolved.json").read_text(encoding="utf-8"))
    (incident,) = api["incidents"]
    assert incident["status"] == "identified"
    assert [(u["status"], u["body"]) for u in incident["incident_updates"]] == [
        ("identified", "Draining it."),
        ("identified", "A bad node."),
        ("investigating", "It is down again."),
        ("resolved", "Auto: the API is back."),
        ("investigating", "Auto: the API is down."),
    ]


MAINTENANCE = """\
id: MNT-1
title: Database upgrade
components: [api]
scheduled_start: 2026-11-29T02:00:00Z
scheduled_end: 2026-11-29T04:00:00Z
updates:
  - at: 2026-11-28T09:00:00Z
    status: scheduled
    body: We will upgrade the database.
  - at: 2026-11-28T09:00:00Z
    status: cancelled
    body: Posted by mistake; cancelled.
"""


def test_maintenance_updates_in_one_second_are_newest_last_in_the_file(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"maintenance/mnt-1.yaml": MAINTENANCE})
    public = build_public(content, tmp_path / "out", LATER)
    api = json.loads((public / "api" / "v2" / "scheduled-maintenances.json").read_text(encoding="utf-8"))
    (window,) = api["scheduled_maintenances"]
    assert [(u["body"], u["id"]) for u in window["incident_updates"]] == [
        ("Posted by mistake; cancelled.", "MNT-1-20261128T090000Z-2"),
        ("We will upgrade the database.", "MNT-1-20261128T090000Z"),
    ]
    feed = feedparser.parse((public / "feeds" / "all.atom").read_bytes())
    assert [e.id.rsplit("/", 1)[-1] for e in feed.entries if "Database upgrade" in e.title] == [
        "20261128T090000Z-2", "20261128T090000Z",
    ]
