"""Concurrent responder commands: every command that says it wrote has its change in the file.

Real processes, started together, as two responders posting during the same incident would.
A command that cannot get the content folder's lock in time says so and exits 1, writing nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sitekit import CORPORA, REPO, load, make_content

OPEN = """\
id: INC-2026-001
title: Checkout errors
type: external
severity: major
started_at: 2026-11-28T13:00:00Z
detected_at: 2026-11-28T13:05:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T13:10:00Z
    status: investigating
    body: First update.
"""

STATUSPAGE = {
    "page": {"id": "p1", "name": "Example"},
    "incidents": [{
        "id": "abc123", "name": "Login failures", "status": "resolved", "impact": "major",
        "created_at": "2026-03-01T09:05:00Z", "started_at": "2026-03-01T09:00:00Z",
        "resolved_at": "2026-03-01T09:40:00Z",
        "components": [{"id": "c1", "name": "API", "status": "major_outage"}],
        "incident_updates": [{"id": "u1", "status": "investigating", "body": "Looking.",
                              "created_at": "2026-03-01T09:05:00Z"}],
    }],
}


def command(content: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args, "--content", str(content)]


def environment(wait: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "STATUSPRESS_LOCK_WAIT": wait}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(tmp_path / "content", {"incidents/2026-11-28-checkout.yaml": OPEN})


def test_eight_concurrent_updates_all_reach_the_file(content: Path, tmp_path: Path) -> None:
    messages = [f"concurrent update {i}" for i in range(8)]
    processes = [
        subprocess.Popen(command(content, "update", "INC-2026-001", message), cwd=tmp_path, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment("600"))
        for message in messages
    ]
    outputs = [(process.communicate(timeout=900), process.returncode) for process in processes]
    path = content / "incidents" / "2026-11-28-checkout.yaml"
    for (stdout, stderr), code in outputs:
        assert code == 0, stderr
        assert stdout == f"Updated {path}\n"
    (incident,) = load(content).site.incidents
    bodies = [update.body for update in incident.updates]
    assert sorted(bodies) == sorted(["First update.", *messages])


@pytest.fixture
def held(content: Path) -> Iterator[Path]:
    """The content folder's lock, held by this test process as another command would hold it."""
    fd = os.open(content, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield content
    finally:
        os.close(fd)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def commands(tmp_path: Path) -> dict[str, list[str]]:
    source = tmp_path / "incidents.json"
    source.write_text(json.dumps(STATUSPAGE), encoding="utf-8")
    return {
        "update": ["update", "INC-2026-001", "Still looking."],
        "update --internal": ["update", "INC-2026-001", "--internal", "a note"],
        "resolve": ["resolve", "INC-2026-001", "Fixed."],
        "reopen": ["reopen", "INC-2026-001", "It is back."],
        "new incident": ["new", "incident", "--title", "API slow", "--severity", "minor", "--component", "api"],
        "new maintenance": ["new", "maintenance", "--title", "DB upgrade", "--component", "api",
                            "--start", "2026-12-20T02:00:00Z", "--end", "2026-12-20T03:00:00Z"],
        "postmortem": ["postmortem", "INC-2026-001"],
        "import statuspage": ["import", "statuspage", str(source)],
        "import cstate": ["import", "cstate", str(CORPORA / "cstate" / "cstate-exampleSite")],
    }


@pytest.mark.parametrize("name", ["update", "update --internal", "resolve", "reopen", "new incident",
                                  "new maintenance", "postmortem", "import statuspage", "import cstate"])
def test_a_command_that_cannot_get_the_lock_says_so_exits_1_and_writes_nothing(
    held: Path, tmp_path: Path, name: str
) -> None:
    if name == "import cstate" and not (CORPORA / "cstate").is_dir():
        pytest.skip("the cState corpus is not here")
    before = tree(held)
    result = subprocess.run(command(held, *commands(tmp_path)[name]), cwd=tmp_path, capture_output=True, text=True,
                            timeout=600, env=environment("1"))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"{held}: another statuspress command is changing this content folder (waited 1 s); "
        "nothing was written, try again in a moment.\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert tree(held) == before
