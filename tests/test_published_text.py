"""The rule on characters holds for the text as published, not only as written.

A character reference (`&#x1b;`) in Markdown is decoded by rendering into the character it names,
so a body that passes the raw-character check could still put an escape character into a feed
(which XML refuses: every build failed) or a non-character into a page. These tests write such
references into every Markdown field, and expect `path:line` errors from `validate` and refusals
from the responder commands; titles and names are text, published as written everywhere.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.published import FORBIDDEN_CHARACTERS, plain, render, renders_as_written
from tests.sitekit import INCIDENT_WITH_BODY as INCIDENT
from tests.sitekit import NOW, load, make_content, messages

#: References to characters that XML, calendars or HTML refuse, as a tired responder pastes them.
REFERENCES = ["&#x1b;", "&#12;", "&#1;", "&#xffff;", "&#x7f;", "&#xfdd0;", "&#X1B;", "&#27"]

MAINTENANCE = """\
id: MNT-1
title: Database upgrade
components: [api]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: "{body}"
"""

POSTMORTEM = """\
---
incident: INC-1
status: published
public_summary: "{body}"
---
## Summary

All fine.
Then {body} on line 9.
"""

RUNBOOK = """\
---
title: Checkout errors
services: [api]
---
Step one.

Step {body} on line 7.
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache"], catch_exceptions=False)


@pytest.mark.parametrize("reference", REFERENCES)
def test_references_to_forbidden_characters_are_errors_in_every_markdown_field(
    tmp_path: Path, reference: str
) -> None:
    body = f"Pasted{reference}[0m"
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": INCIDENT.format(body=body),
        "maintenance/m.yaml": MAINTENANCE.format(body=body),
        "postmortems/INC-1.md": POSTMORTEM.format(body=body),
        "runbooks/api/errors.md": RUNBOOK.format(body=body),
    })
    code = int(reference.strip("&#;xX"), 16 if "x" in reference.lower() else 10)
    what = f"control character U+{code:04X} in the published text (written as {reference!r})"
    errors = [m for m in messages(load(root), root) if "warning" not in m]
    assert errors == [
        f"content/incidents/a.yaml:12: updates[0].body: {what}",
        f"content/maintenance/m.yaml:9: updates[0].body: {what}",
        f"content/postmortems/INC-1.md:4: public_summary: {what}",
        f"content/postmortems/INC-1.md:9: {what}",
        f"content/runbooks/api/errors.md:7: {what}",
    ]
    result = run("validate", "--content", str(root), "--now", NOW)
    assert result.exit_code == 1
    assert f"{root}/incidents/a.yaml:12: updates[0].body: {what}" in result.output


def test_severity_guidelines_are_checked_as_rendered(tmp_path: Path) -> None:
    site = 'name: Acme\nbase_url: https://status.acme.example/\nseverity_guidelines:\n  major: "Down&#x7f;"\n'
    root = make_content(tmp_path / "content", {"site.yaml": site})
    assert messages(load(root), root) == [
        "content/site.yaml:4: severity_guidelines.major: control character U+007F in the published "
        "text (written as '&#x7f;')"
    ]


def test_escaped_references_and_harmless_ones_are_published(tmp_path: Path) -> None:
    """`&amp;#x1b;` is the text "&#x1b;" (nothing is decoded twice), `&#233;` is é, `&#x80;` is the
    euro sign as browsers read it: all fine, and the build carries them into feeds and JSON."""
    body = "Shown as text: &amp;#x1b; and caf&#233; for 10&#x80;"
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(body=body)})
    assert [m for m in messages(load(root), root) if "warning" not in m] == []
    out = tmp_path / "site"
    result = run("build", "--content", str(root), "--out", str(out), "--public", "--now", NOW)
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((out / "public" / "feeds" / "all.rss").read_bytes())
    assert feed.bozo == 0
    assert "Shown as text: &amp;#x1b; and café for 10€" in feed.entries[0].summary
    incidents = json.loads((out / "public" / "api" / "v2" / "incidents.json").read_text())
    assert incidents["incidents"][0]["incident_updates"][0]["body"] == "Shown as text: &#x1b; and café for 10€"


def test_a_title_is_text_published_as_written_in_every_format(tmp_path: Path) -> None:
    """Titles are not Markdown: `&#x1b;` in a title is shown as those six characters."""
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": INCIDENT.format(body="ok").replace("Checkout errors", "Errors &#x1b; *now*"),
    })
    out = tmp_path / "site"
    result = run("build", "--content", str(root), "--out", str(out), "--public", "--now", NOW)
    assert result.exit_code == 0, result.output
    public = out / "public"
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".rss", ".xml", ".json", ".ics", ".svg"}:
            assert FORBIDDEN_CHARACTERS.search(path.read_text()) is None, path
    rss = feedparser.parse((public / "feeds" / "all.rss").read_bytes())
    atom = feedparser.parse((public / "feeds" / "all.atom").read_bytes())
    assert rss.entries[0].title_detail.type == "text/html"  # RSS: shown as HTML, so escaped once more
    assert html.unescape(rss.entries[0].title) == atom.entries[0].title == "Investigating: Errors &#x1b; *now*"
    incidents = json.loads((public / "api" / "v2" / "incidents.json").read_text())
    assert incidents["incidents"][0]["name"] == "Errors &#x1b; *now*"
    ET.fromstring((public / "feeds" / "all.rss").read_bytes())


INCIDENT_FILE = "incidents/2026-11-28-errors.yaml"


@pytest.fixture
def responder_content(tmp_path: Path) -> Path:
    incident = INCIDENT.format(body="We are looking into it.")
    return make_content(tmp_path / "content", {INCIDENT_FILE: incident})


@pytest.mark.parametrize(
    "command",
    [
        ["update", "INC-1", "Pasted&#x1b;[0m"],
        ["update", "INC-1", "--internal", "fine", "Pasted&#xfdd0;"],
        ["resolve", "INC-1", "Fixed&#12;"],
    ],
)
def test_responder_commands_refuse_what_would_publish_a_forbidden_character(
    responder_content: Path, command: list[str]
) -> None:
    before = (responder_content / INCIDENT_FILE).read_bytes()
    result = run(*command, "--content", str(responder_content), "--now", "2026-11-28T11:00:00Z")
    assert result.exit_code == 1
    assert "in the published text (written as '&#" in result.output
    assert f"{responder_content}/{INCIDENT_FILE}:" in result.output
    assert "Refused" in result.output
    assert (responder_content / INCIDENT_FILE).read_bytes() == before


def test_new_incident_refuses_a_first_message_that_would_publish_a_forbidden_character(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    result = run(
        "new", "incident", "--title", "API down", "--severity", "major", "--component", "api",
        "--message", "Investigating&#1;", "--content", str(root), "--now", NOW,
    )
    assert result.exit_code == 1
    assert "control character U+0001 in the published text (written as '&#1;')" in result.output
    assert not (root / "incidents").exists() or not any((root / "incidents").iterdir())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_text_that_renders_as_written_is_published_unchanged(text: str) -> None:
    """The loader's fast path (no rendering) is only taken where rendering would change nothing."""
    if FORBIDDEN_CHARACTERS.search(text) or not renders_as_written(text):
        return
    assert plain(text) == text.strip()
    assert "\n" not in text.strip()
    if text.strip():
        assert html.unescape(render(text)).removeprefix("<p>").removesuffix("</p>").strip() == text.strip()
