"""`statuspress validate --format github|gitlab`: the problems as CI systems show them on the
changed lines of a pull or merge request (GitHub workflow commands, a GitLab Code Quality report)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator.ci_report import github, gitlab
from generator.problems import Level, Problem
from tests.sitekit import make_content

BROKEN = {
    "incidents/a,b.yaml": """\
        id: INC-1
        title: API errors
        type: external
        severity: sev5
        started_at: 2026-11-27T10:00:00Z
        impact:
          - component: api
            level: major_outage
        """,
    "postmortems/INC-1.md": """\
        ---
        incident: INC-1
        status: published
        action_items:
          - id: AI-1
            title: Fix it
            owner: me
            priority: P1
            due: 2026-11-01
            status: open
        ---
        Body.
        """,
}


def validate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "generator", "validate", "--no-cache", "--now", "2026-11-28T12:00:00Z",
                           *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_github_annotations_name_the_file_and_line_from_the_repository_root(tmp_path: Path) -> None:
    make_content(tmp_path / "content", BROKEN)
    result = validate(tmp_path, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=content/incidents/a%2Cb.yaml,line=4,title=statuspress validate::"
        "severity: expected one of major, medium, minor; got 'sev5'",
        "::warning file=content/postmortems/INC-1.md,line=5,title=statuspress validate::"
        "action item AI-1 is overdue (due 2026-11-01, owner me)",
    ]
    assert result.stderr.strip().endswith("1 error, 1 warning")


def test_github_annotations_from_an_absolute_content_path(tmp_path: Path) -> None:
    make_content(tmp_path / "content", BROKEN)
    result = validate(tmp_path, "--format", "github", "--content", str(tmp_path / "content"))
    assert result.stdout.splitlines()[0].startswith("::error file=content/incidents/a%2Cb.yaml,line=4,")


def test_github_escapes_what_would_end_a_workflow_command() -> None:
    problem = Problem("content/x:y.yaml", 0, "50% done\nsecond line\r", Level.ERROR)
    assert github([problem]) == ["::error file=content/x%3Ay.yaml,title=statuspress validate::50%25 done%0Asecond line%0D"]


def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    make_content(tmp_path / "content", BROKEN)
    result = validate(tmp_path, "--format", "gitlab")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(i["severity"], i["location"], i["description"]) for i in report] == [
        ("major", {"path": "content/incidents/a,b.yaml", "lines": {"begin": 4}},
         "severity: expected one of major, medium, minor; got 'sev5'"),
        ("minor", {"path": "content/postmortems/INC-1.md", "lines": {"begin": 5}},  # the item
         "action item AI-1 is overdue (due 2026-11-01, owner me)"),
    ]
    assert len({i["fingerprint"] for i in report}) == 2 and all(i["check_name"] for i in report)
    assert "content/incidents/a,b.yaml:4: severity" in result.stderr  # the job log still reads as text
    assert json.loads(gitlab([])) == []


def test_text_stays_the_default(tmp_path: Path) -> None:
    make_content(tmp_path / "content", BROKEN)
    result = validate(tmp_path)
    assert result.stdout == ""
    assert "content/incidents/a,b.yaml:4: severity: expected one of major, medium, minor; got 'sev5'" in result.stderr
