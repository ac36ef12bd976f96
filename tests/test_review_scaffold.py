"""The draft review `statuspress postmortem` writes: its hints stay hints whatever the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment
from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import make_content

INCIDENT = """\
id: INC-1
title: {title}
type: external
severity: major
started_at: 2026-11-28T11:00:00Z
detected_at: 2026-11-28T11:05:00Z
resolved_at: 2026-11-28T12:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T11:06:00Z
    status: investigating
    body: We are looking into it.
"""


def summary_section(review: str) -> str:
    return review.split("## Summary", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("title", ["Ouch --> **Published** <b>text</b>", "a --!> b", "b ---> **c**", "<!-- nested -->", "x-"])
def test_the_summary_hint_stays_one_comment_whatever_the_title(tmp_path: Path, title: str) -> None:
    quoted = "'" + title.replace("'", "''") + "'"
    content = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(title=quoted)})
    result = CliRunner().invoke(main, ["postmortem", "INC-1", "--content", str(content), "--now", "2026-11-29T00:00:00Z"])
    assert result.exit_code == 0, result.output
    section = summary_section((content / "postmortems" / "INC-1.md").read_text(encoding="utf-8"))
    fragment = BeautifulSoup(f"<!DOCTYPE html><title>t</title><body>{section}", "html5lib").body
    assert fragment is not None
    comments = fragment.find_all(string=lambda s: isinstance(s, Comment))
    assert len(comments) == 1, section
    assert "two or three sentences" in comments[0]
    outside = [s for s in fragment.find_all(string=True) if not isinstance(s, Comment) and s.strip()]
    assert outside == [], section
    assert fragment.find(True) is None, section  # no element: nothing of the title renders
