"""Helpers for tests: tiny content folders declared inline, and the example organisation."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

from generator.load import Loaded, load_site
from generator.load.fields import parse_time

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
CORPORA = REPO.parent / "shared" / "corpora"
NOW = "2026-11-28T12:00:00Z"

SITE_YAML = """\
name: Acme
base_url: https://status.acme.example/
timezone: Europe/Amsterdam
redaction_patterns: ['corp\\.acme\\.example']
"""

SERVICES_YAML = """\
groups: [Core, Internal]
services:
  - id: api
    name: API
    group: Core
    description: Public REST API
    slo: 99.9
  - id: web
    name: Website
    group: Core
    slo: 99.5
  - id: vpn
    name: VPN
    group: Internal
    public: false
    slo: 99.0
"""


#: An open external incident whose one public update is `{body}` (format it; the body is on
#: line 12, inside double quotes).
INCIDENT_WITH_BODY = """\
id: INC-1
title: Checkout errors
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: "{body}"
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text, dedented) under `root`; returns `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def make_content(root: Path, files: dict[str, str] | None = None) -> Path:
    """A minimal valid content folder (site.yaml + services.yaml) plus `files`."""
    base = {"site.yaml": SITE_YAML, "services.yaml": SERVICES_YAML}
    base.update(files or {})
    return write_tree(root, base)


def now(text: str = NOW) -> datetime:
    return parse_time(text)


def load(root: Path, at: str = NOW) -> Loaded:
    return load_site(root, now(at))


def messages(loaded: Loaded, root: Path) -> list[str]:
    """Problems as printed, with the content root shown as `content`."""
    return [str(p).replace(str(root), "content") for p in loaded.problems.sorted()]
