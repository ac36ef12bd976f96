"""Which public texts the redaction patterns read, and in which forms: every plain-text field as
written (the page escapes it, so `corp&#46;acme.example` is shown as those very characters), every
Markdown field also as published (there `&#46;` becomes a dot). Internal records are not public
and are not checked. Expected messages and lines by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import load, make_content, messages

SITE = """\
name: Acme at corp&#46;acme.example
description: Status of corp&#46;acme.example
base_url: https://status.acme.example/
redaction_patterns: ['corp\\.acme\\.example', '(q)w', '(x)\\1']
"""

SERVICES = """\
groups: [Core corp&#46;acme.example]
services:
  - id: api
    name: API on corp&#46;acme.example
    group: Core corp&#46;acme.example
    description: Runs on corp&#46;acme.example
  - id: vpn
    name: VPN on corp.acme.example
    group: Core corp&#46;acme.example
    description: Internal, on corp.acme.example
    public: false
"""

EXTERNAL = """\
id: INC-1
title: Errors on corp&#46;acme.example
type: external
severity: major
started_at: 2026-11-20T14:02:00Z
resolved_at: 2026-11-20T16:30:00Z
regions: [eu corp&#46;acme.example]
impact:
  - component: api
    level: major_outage
    regions: [us corp&#46;acme.example]
updates:
  - at: 2026-11-20T16:30:00Z
    status: resolved
    body: Fixed on corp&#46;acme.example.
"""

INTERNAL = """\
id: INC-2
title: VPN down on corp.acme.example
type: internal
severity: minor
started_at: 2026-11-21T09:00:00Z
resolved_at: 2026-11-21T10:00:00Z
impact:
  - component: vpn
    level: major_outage
updates:
  - at: 2026-11-21T10:00:00Z
    status: resolved
    body: Restarted corp.acme.example.
"""

WINDOW = """\
id: MNT-1
title: Upgrade of corp&#46;acme.example
components: [api]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: Moving corp&#46;acme.example.
"""


def review(incident: str, summary: str) -> str:
    return f"---\nincident: {incident}\nstatus: published\npublic_summary: {summary}\n---\nBody.\n"


FILES = {
    "site.yaml": SITE,
    "services.yaml": SERVICES,
    "incidents/a.yaml": EXTERNAL,
    "incidents/b.yaml": INTERNAL,
    "maintenance/m.yaml": WINDOW,
    "postmortems/INC-1.md": review("INC-1", "A fault on corp&#46;acme.example."),
    "postmortems/INC-2.md": review("INC-2", "A fault on corp.acme.example."),
}

PATTERN = "'corp\\\\.acme\\\\.example'"


def redaction_errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = make_content(tmp_path / "content", files)
    found = [m for m in messages(load(root), root) if "redaction pattern" in m]
    return [m.replace(" public text matches redaction pattern ", " ") for m in found]


def test_markdown_fields_are_checked_as_published_plain_fields_as_written(tmp_path: Path) -> None:
    assert redaction_errors(tmp_path, FILES) == [
        f"content/incidents/a.yaml:13: body: {PATTERN} ('corp.acme.example' as published)",
        f"content/maintenance/m.yaml:7: body: {PATTERN} ('corp.acme.example' as published)",
        f"content/postmortems/INC-1.md:2: public_summary: {PATTERN} ('corp.acme.example' as published)",
    ]


def test_every_public_text_is_checked(tmp_path: Path) -> None:
    literal = {name: text.replace("corp&#46;acme", "corp.acme") for name, text in FILES.items()}
    assert redaction_errors(tmp_path, literal) == [
        f"content/incidents/a.yaml:1: regions: {PATTERN} ('corp.acme.example')",
        f"content/incidents/a.yaml:1: title: {PATTERN} ('corp.acme.example')",
        f"content/incidents/a.yaml:9: regions: {PATTERN} ('corp.acme.example')",
        f"content/incidents/a.yaml:13: body: {PATTERN} ('corp.acme.example')",
        f"content/maintenance/m.yaml:1: title: {PATTERN} ('corp.acme.example')",
        f"content/maintenance/m.yaml:7: body: {PATTERN} ('corp.acme.example')",
        f"content/postmortems/INC-1.md:2: public_summary: {PATTERN} ('corp.acme.example')",
        f"content/services.yaml:3: description: {PATTERN} ('corp.acme.example')",
        f"content/services.yaml:3: group: {PATTERN} ('corp.acme.example')",
        f"content/services.yaml:3: name: {PATTERN} ('corp.acme.example')",
        f"content/site.yaml:1: description: {PATTERN} ('corp.acme.example')",
        f"content/site.yaml:1: name: {PATTERN} ('corp.acme.example')",
    ]


@pytest.mark.parametrize(("body", "matched"), [("Saw xx here", "'(x)\\\\1' ('xx')"), ("A qw", "'(q)w' ('qw')")])
def test_a_back_reference_keeps_its_meaning_among_other_patterns(tmp_path: Path, body: str, matched: str) -> None:
    # Joined into one pattern, `\1` would name the group of `(q)w`, and "xx" would not match it.
    files = {**FILES, "incidents/a.yaml": EXTERNAL.replace("Fixed on corp&#46;acme.example.", body)}
    assert f"content/incidents/a.yaml:13: body: {matched}" in redaction_errors(tmp_path, files)


def test_a_summary_is_checked_once_its_review_is_published(tmp_path: Path) -> None:
    # A draft's public_summary is not shown anywhere yet: it does not stop a build while it is
    # written; published, it is public text like any other.
    draft = {**FILES, "postmortems/INC-1.md": review("INC-1", "On corp.acme.example.").replace("published", "draft")}
    assert not [m for m in redaction_errors(tmp_path / "draft", draft) if "public_summary" in m]
    published = {**draft, "postmortems/INC-1.md": review("INC-1", "On corp.acme.example.")}
    assert [m for m in redaction_errors(tmp_path / "published", published) if "public_summary" in m] == [
        f"content/postmortems/INC-1.md:2: public_summary: {PATTERN} ('corp.acme.example')",
    ]
