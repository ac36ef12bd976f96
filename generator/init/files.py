"""What `statuspress init` writes: every file's path and text, decided before anything is written."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml

from ..model import Settings
from ..public.pages.labels import status_title
from .hosts import HOSTS, Host
from .s3 import aws_commands, variables

if TYPE_CHECKING:
    from .requirement import Requirement

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "init"

#: (template, path in the new repository, executable) of the files every host gets.
COMMON: tuple[tuple[str, str, bool], ...] = (
    ("content/services.yaml", "content/services.yaml", False),
    ("content/incident.yaml", "content/incidents/{incident_file}", False),
    ("content/postmortem.md", "content/postmortems/{incident_id}.md", False),
    ("content/runbook.md", "content/runbooks/api/latency-high.md", False),
    ("content/gitkeep", "content/maintenance/.gitkeep", False),
    ("gitignore", ".gitignore", False),
    ("requirements.txt", "requirements.txt", False),
    ("README.md", "README.md", False),
)


@cache
def environment() -> jinja2.Environment:
    """Templates of text files (YAML, Markdown, shell, CI): no HTML escaping; `[[ ]]` and `[% %]`
    delimiters because the files themselves use `${{ }}`, `{{ }}` and `$`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
    )
    env.filters["status_title"] = status_title  # as the embed page heads itself
    return env


def quoted(value: str) -> str:
    """A YAML scalar that reads back as `value`, whatever it holds (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def slug(text: str) -> str:
    """Lower-case letters, digits and `-`: a project name hosts accept."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:58] or "status"


def zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00Z")


def example_times(now: datetime) -> dict[str, str]:
    """The example incident: six days before `init`, mitigated in 38 minutes, resolved in 65."""
    start = (now - timedelta(days=6)).replace(hour=9, minute=12, second=0, microsecond=0)
    at = {
        "started": start,
        "detected": start + timedelta(minutes=4),
        "identified": start + timedelta(minutes=21),
        "mitigated": start + timedelta(minutes=38),
        "monitoring": start + timedelta(minutes=40),
        "resolved": start + timedelta(minutes=65),
    }
    times = {name: zulu(moment) for name, moment in at.items()}
    times["day"] = start.date().isoformat()
    times["review_day"] = (start + timedelta(days=2)).date().isoformat()
    times["done_day"] = (start + timedelta(days=3)).date().isoformat()
    times["today"] = now.date().isoformat()
    return times


def settings_defaults() -> list[tuple[str, str, Any]]:
    """(key, description, default) of every `site.yaml` setting, from the model itself, so a
    setting added to Settings appears in every new repository."""
    found = []
    for field in dataclasses.fields(Settings):
        if field.default is not dataclasses.MISSING:
            default: Any = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = None
        found.append((field.metadata.get("yaml", field.name), field.metadata["doc"], _plain(default)))
    return found


def _plain(value: Any) -> Any:
    """A default as YAML-ready data: dataclasses as mappings, enum keys and tuples as plain."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.metadata.get("yaml", f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(getattr(k, "value", k)): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def yaml_value(key: str, value: Any) -> str:
    """`key: value` as block YAML (nested mappings indented under the key)."""
    return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=100).rstrip("\n")


#: Example values for a new repository, where the default is empty or must be chosen.
EXAMPLES: dict[str, Any] = {
    "description": "Current status of our services, incident history and planned maintenance.",
    "severity_guidelines": {
        "major": "Customers cannot use a core feature (sign-in, the API, payments). Page the on-call "
                 "engineer and an incident manager at once; first public update within 15 minutes.",
        "medium": "A feature is degraded or failing for part of the customers, with a workaround. "
                  "The on-call engineer declares the incident; public updates every hour.",
        "minor": "Small or short-lived impact most customers will not notice. Handle it during the "
                 "shift; post a public update only if customers can see the problem.",
    },
    "redaction_patterns": ["\\.internal\\.example\\b"],
}
#: Extra words for a setting, besides its description.
NOTES: dict[str, str] = {
    "base_url": "Change it to where the page is published; feeds and the sitemap use it.",
    "redaction_patterns": "For example your internal domain, in any letter case: public text that matches is an error.",
}


def site_yaml(name: str, base_url: str) -> str:
    """`site.yaml` with every setting: its description, then its value (the default unless an
    example or the options say otherwise)."""
    values = {**EXAMPLES, "name": name, "base_url": base_url}
    lines = [
        "# The settings of the status page and the knowledge base, written by `statuspress init`.",
        "# Every setting is here with its default; the Statuspress README (\"site.yaml\") says more.",
    ]
    for key, description, default in settings_defaults():
        lines.append("")
        lines.append(f"# {description}" + (f" {NOTES[key]}" if key in NOTES else ""))
        lines.append(yaml_value(key, values.get(key, default)))
    return "\n".join(lines) + "\n"


def version() -> str:
    try:
        return metadata.version("statuspress")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0.1.0"


def planned(name: str, base_url: str, host: Host, now: datetime, folder: Path,
            requirement: Requirement) -> list[tuple[str, str, bool]]:
    """(relative path, text, executable) of every file, in the order they are written."""
    times = example_times(now)
    incident_id = f"INC-{times['day'][:4]}-001"
    context: dict[str, Any] = {
        "name": name,
        "base_url": base_url,
        "host": host.value,
        "host_label": HOSTS[host].label,
        "slug": slug(folder.resolve().name),
        "times": times,
        "incident_id": incident_id,
        "version": version(),
        "requirement": requirement,
        "settings": settings_defaults(),
        "aws_commands": aws_commands(),
        "cache_variables": variables(),
        "quoted": quoted,
        "yaml_value": yaml_value,
    }
    names = {"incident_file": f"{times['day']}-slow-api.yaml", "incident_id": incident_id}
    env = environment()
    files = [(dest.format(**names), env.get_template(template).render(context), executable)
             for template, dest, executable in COMMON]
    files.insert(0, ("content/site.yaml", site_yaml(name, base_url), False))
    files.append(("mkdocs.yml", (resources.files("generator.kb") / "mkdocs.yml").read_text(encoding="utf-8"), False))
    files += [(dest, env.get_template(template).render(context), executable)
              for template, dest, executable in HOSTS[host].files]
    return files
