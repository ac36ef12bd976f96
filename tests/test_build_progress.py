"""What a build shows: live progress with counts (one rewritten line on a terminal, plain lines in
a log), warnings summarised by kind, and a last line saying what was built and how long it took."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli.report import LineMeter, PlainMeter, Warned, kind, summary
from tests.sitekit import REPO, make_content

EXTERNAL = """\
id: INC-1
title: API errors
type: external
severity: major
started_at: 2026-11-01T10:00:00Z
detected_at: 2026-11-01T10:05:00Z
detection: monitoring
mitigated_at: 2026-11-01T10:30:00Z
resolved_at: 2026-11-01T11:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-01T10:10:00Z
    status: investigating
    body: Looking.
  - at: 2026-11-01T11:00:00Z
    status: resolved
    body: Fixed.
"""

INTERNAL = """\
id: INC-2
title: VPN drops
type: internal
severity: minor
started_at: 2026-11-10T08:00:00Z
resolved_at: 2026-11-10T09:00:00Z
impact:
  - component: vpn
    level: partial_outage
"""

ITEM = """\
  - id: AI-{n}
    title: Item {n}
    owner: sre
    priority: P2
    due: 2026-11-0{n}
    status: open
"""

# A draft review (a warning: resolved 27 days before the build without a reviewed post-mortem),
# four overdue action items (four warnings of one kind) and a link MkDocs cannot resolve.
REVIEW = "---\nincident: INC-1\nauthors: [Dana]\nstatus: draft\naction_items:\n" + "".join(
    ITEM.format(n=n) for n in range(1, 5)) + "---\nSee [the notes](missing.md).\n"

NOW = "2026-11-28T12:00:00Z"

# Counted by hand. Public HTML: index, incidents/INC-1 (INC-2 is internal), components/api,
# components/api/2026 (its archive year), components/web, history/index, 404 = 7, with robots.txt
# and sitemap.xml 9 pages rendered as pages, and the embeddable status embed/index.html: 8 HTML. Feeds: all, groups/core, components/api and web, each
# RSS and Atom = 8. Calendars: maintenance.ics and one per public component = 3. Knowledge base:
# home, incidents index + 2, reviews index + 1, runbooks index, alert index, services index + 3,
# follow-ups, follow-up figures, metrics, reliability, severity, tags = 18 Markdown pages, which
# MkDocs renders, and its 404 page: 19 HTML pages.
SUMMARY = re.compile(r"Built 2 incidents into (.+): public site 8 pages, 8 feeds, 3 calendars; "
                     r"knowledge base 19 pages; in \d+\.\d s")
STAGES = ["Reading content files: 3/3", "Rendering public pages: 9/9", "Rendering knowledge-base pages: 18/18"]
WARNINGS = [
    "6 warnings of 3 kinds; `statuspress validate` lists them all:",
    "  4 × action item … is overdue",
    "    CONTENT/postmortems/INC-1.md:6: warning: action item AI-1 is overdue (due 2026-11-01, owner sre)",
    "    CONTENT/postmortems/INC-1.md:12: warning: action item AI-2 is overdue (due 2026-11-02, owner sre)",
    "    CONTENT/postmortems/INC-1.md:18: warning: action item AI-3 is overdue (due 2026-11-03, owner sre)",
    "    … and 1 more",
]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(tmp_path / "content", {
        "incidents/inc-1.yaml": EXTERNAL, "incidents/inc-2.yaml": INTERNAL, "postmortems/INC-1.md": REVIEW,
    })


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_meter_prints_a_line_at_the_start_every_interval_and_at_the_end() -> None:
    out, clock = io.StringIO(), Clock()
    meter = PlainMeter(out, interval=5.0, clock=clock)
    meter.stage("Reading content files", 3000)
    for _ in range(3000):
        clock.now += 1 / 256  # exact in binary; 11.7 s in all: a line after 5 s (1,280 files) and after 10 s
        meter.advance()
    meter.say("Rendering the public site")
    meter.stage("Rendering public pages", 2)
    meter.advance(2)
    meter.finish()
    assert out.getvalue().splitlines() == [
        "Reading content files: 0/3,000", "Reading content files: 1,280/3,000", "Reading content files: 2,560/3,000",
        "Reading content files: 3,000/3,000", "Rendering the public site", "Rendering public pages: 0/2",
        "Rendering public pages: 2/2",
    ]
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_line_meter_rewrites_one_line_at_most_ten_times_a_second() -> None:
    out, clock = io.StringIO(), Clock()
    meter = LineMeter(out, clock=clock)
    meter.stage("Rendering public pages", 1000)
    for _ in range(1000):
        clock.now += 1 / 1024  # about a second in all: about ten redraws, not a thousand
        meter.advance()
    meter.finish()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\r\x1b[KRendering public pages: 1,000/1,000\n")
    draws = text.split("\r\x1b[K")[1:]
    assert 10 <= len(draws) <= 13, draws
    assert draws[0] == "Rendering public pages: 0/1,000"


def test_warning_kinds_drop_the_particulars() -> None:
    assert kind("action item AI-7 is overdue (due 2026-11-15, owner sre)") == "action item … is overdue"
    assert kind("resolved more than 14 days ago and no post-mortem") == "resolved more than … days ago and no post-mortem"
    assert (kind("updates[2].body: public text matches redaction pattern '\\.corp' ('.corp')")
            == "public text matches redaction pattern")


def test_summary_counts_each_kind_and_shows_the_first_few() -> None:
    warnings = [Warned(f"a.yaml:{n}: warning: item {n} late", "item … late") for n in range(1, 6)]
    warnings.append(Warned("b.yaml:1: warning: odd", "odd"))
    assert summary(warnings, examples=2) == [
        "6 warnings of 2 kinds; `statuspress validate` lists them all:",
        "  5 × item … late", "    a.yaml:1: warning: item 1 late", "    a.yaml:2: warning: item 2 late", "    … and 3 more",
        "  1 × odd", "    b.yaml:1: warning: odd",
    ]
    assert summary([]) == []


def _lines(output: str, content: Path) -> list[str]:
    """Lines as a terminal shows them apart: split at newlines only (a carriage return redraws)."""
    return output.replace(str(content), "CONTENT").rstrip("\n").split("\n")


def test_build_in_a_log_shows_counts_the_warning_summary_and_what_was_built(content: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "site"),
                                       "--now", NOW, "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = _lines(result.output, content)
    assert "\r" not in result.output
    for stage in STAGES:
        assert stage in lines, lines
    start = lines.index(WARNINGS[0])
    assert lines[start : start + len(WARNINGS)] == WARNINGS
    assert "  1 × resolved more than … days ago and its post-mortem is still a draft" in lines
    assert any(line.startswith("  1 × knowledge base: Doc file … contains a link") for line in lines), lines
    assert "AI-4 is overdue" not in result.output  # summarised, not listed
    match = SUMMARY.fullmatch(lines[-1])
    assert match is not None and match.group(1) == str(tmp_path / "site"), lines[-1]
    validate = CliRunner().invoke(main, ["validate", "--content", str(content), "--now", NOW, "--no-cache"])
    assert "AI-4 is overdue" in validate.output  # validate lists every warning


def test_quiet_build_shows_only_the_problems(content: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--quiet", "--content", str(content), "--out", str(tmp_path / "site"),
                                       "--now", NOW, "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = _lines(result.output, content)
    assert lines[: len(WARNINGS)] == WARNINGS
    assert not [line for line in lines if ": " in line and line.split(": ")[-1].replace("/", "").isdigit()]
    assert not any(line.startswith(("Built", "Loading", "Rendering")) for line in lines), lines


def test_build_on_a_terminal_rewrites_one_progress_line(content: Path, tmp_path: Path) -> None:
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(tmp_path / "site"),
               "--now", NOW, "--no-cache"]
    child = subprocess.Popen(command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
                             env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert child.wait(timeout=600) == 0
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")  # the terminal's own newline translation
    lines = _lines(text, content)
    # every stage ends as one line, drawn in place: its last drawing is its final count
    for stage in STAGES:
        (line,) = [line for line in lines if stage.split(":")[0] + ":" in line]
        assert line.startswith("\r\x1b[K") and line.split("\r\x1b[K")[-1] == stage, line
    assert SUMMARY.fullmatch(lines[-1]), lines[-1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cached_rebuild_counts_reused_pages_and_summarises_their_warnings(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """The knowledge base built in phases (generator/kb/mkdocs_run.py), pages rendered in worker
    processes or not, and rebuilt with nothing changed: every page is counted in this process,
    reused ones too, and MkDocs' warnings (replayed for reused pages) are summarised, not printed."""
    monkeypatch.setenv("STATUSPRESS_WORKERS", workers)  # workers even for 18 pages on one core
    command = ["build", "--content", str(content), "--out", str(tmp_path / "site"), "--now", NOW,
               "--cache-dir", str(tmp_path / "cache")]
    for reused in (0, 18):  # nothing changed the second time: all 18 Markdown pages are reused
        result = CliRunner().invoke(main, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        lines = _lines(result.output, content)
        for stage in STAGES:
            assert stage in lines, lines
        assert f"knowledge base: {18 - reused} pages rendered, {reused} reused" in lines
        assert any(line.startswith("  1 × knowledge base: Doc file … contains a link") for line in lines), lines
        assert not any("warning: Doc file" in line and not line.startswith("    ") for line in lines), lines
        assert SUMMARY.fullmatch(lines[-1]), lines[-1]
