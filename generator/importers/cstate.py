"""Import a cState (Hugo) status site: `config.yml` systems and `content/issues/*.md`.

Mapping (documented in the README, "Importing"):
- systems (`params.systems`: name, category, description) -> services, grouped by category;
- severity down / disrupted / notice -> impact major_outage / partial_outage /
  degraded_performance on every `affected` system, severity major / medium / minor; informational
  issues (no severity) become minor incidents without impact;
- `date` -> started_at and detected_at, `resolvedWhen` -> resolved_at (times without a zone are
  UTC, cState's default);
- the body is split at `{{< track "DATE" >}}` shortcodes: the text before each one is an update
  at DATE, its `*Label* -` (Investigating, Identified, Monitoring, Resolved) gives the status;
  untracked text is an update at the start, except a `*Post-mortem*` block, which becomes the
  final `resolved` update; a resolved issue without a resolved update gets one;
- ids are stable: `CS-` + the issue's `id` or file name.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedSeq

from ..load.files import NotRegularFile, read_regular_bytes
from ..load.yamlsafe import YamlError, parse, plain
from ..responder.ids import service_slug, slugify
from ..responder.yamlrt import Time, mapping
from .plan import Plan, Record, ServiceSpec, to_utc

IMPACT = {"down": ("major", "major_outage"), "disrupted": ("medium", "partial_outage"),
          "notice": ("minor", "degraded_performance")}
STATUS = {"investigating": "investigating", "identified": "identified", "monitoring": "monitoring",
          "resolved": "resolved", "fixed": "resolved"}
#: Labels that carry no status: the update keeps the previous one.
UNLABELLED = {"update", "updated"}
RESOLVED_MESSAGE = "This incident has been resolved."
DEFAULT_GROUP = "Systems"

TRACK = re.compile(r"\{\{<\s*track\s+\"([^\"]*)\"\s*>\}\}")
SEPARATOR = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)
LABEL = re.compile(r"^\*{1,2}([A-Za-z][A-Za-z -]*?)\*{1,2}[ \t]*(?:[-–—:][ \t]*)?")


def _front_matter(text: str) -> tuple[dict[str, Any], str] | str:
    """(front matter, body), or why there is none, read with the loader's limits (nesting,
    alias expansion, plain tags only)."""
    if not text.startswith("---"):
        return "it does not start with '---'"
    parts = SEPARATOR.split(text, maxsplit=2)
    if len(parts) < 3:
        return "not closed by '---'"
    _, matter, body = parts
    try:
        data = plain(parse(matter))
    except YamlError as error:
        return error.message
    return (data, body) if isinstance(data, dict) else "not a mapping"


def _read_text(path: Path) -> str:
    """A source file's text with newlines as in Python's text mode; OSError (`NotRegularFile`
    for a FIFO...) or UnicodeDecodeError."""
    return read_regular_bytes(path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _unreadable(path: Path, error: Exception) -> str:
    if isinstance(error, NotRegularFile):
        return f"{path}: not a regular file ({error.kind})"
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: not valid UTF-8"
    return f"{path}: cannot read it ({getattr(error, 'strerror', None) or error})"


def read_systems(folder: Path, plan: Plan) -> list[ServiceSpec]:
    """The systems in `config.yml` (or `config.yaml`), as services; what cannot be read is a
    warning in `plan` (the issues are imported all the same, without those systems)."""
    for name in ("config.yml", "config.yaml"):
        path = folder / name
        if path.exists():
            break
    else:
        plan.warnings.append(f"{folder / 'config.yml'}: not found (nor config.yaml); no systems imported")
        return []
    try:
        config = plain(parse(_read_text(path)))
    except (OSError, UnicodeDecodeError) as error:
        plan.warnings.append(f"{_unreadable(path, error)}; no systems imported")
        return []
    except YamlError as error:
        plan.warnings.append(f"{path}: not valid YAML (line {error.line}: {error.message}); no systems imported")
        return []
    params = config.get("params") if isinstance(config, dict) else None
    if config is not None and not (isinstance(config, dict) and isinstance(params, dict | None)):
        plan.warnings.append(f"{path}: expected a mapping with params.systems; no systems imported")
        return []
    systems = (params or {}).get("systems") or []
    if not isinstance(systems, list):
        plan.warnings.append(f"{path}: params.systems: expected a list; no systems imported")
        return []
    specs = []
    for index, system in enumerate(systems):
        title = system.get("name") if isinstance(system, dict) else None
        if isinstance(title, bool) or not isinstance(title, str | int | float) or not str(title).strip():
            plan.warnings.append(f"{path}: params.systems[{index}]: expected a mapping with a name; skipped")
            continue
        specs.append(ServiceSpec(service_slug(str(title)), str(title), str(system.get("category") or DEFAULT_GROUP),
                                 " ".join(str(system.get("description") or "").split())))
    return specs


def _pieces(body: str) -> list[tuple[datetime | None, str]]:
    """(time or None when untracked, text) for each part of the body."""
    pieces: list[tuple[datetime | None, str]] = []
    position = 0
    for match in TRACK.finditer(body):
        *untracked, tracked = SEPARATOR.split(body[position : match.start()])
        pieces += [(None, text) for text in untracked]
        pieces.append((to_utc(match.group(1)), tracked))
        position = match.end()
    pieces += [(None, text) for text in SEPARATOR.split(body[position:])]
    return [(at, text.strip()) for at, text in pieces if text.strip()]


def _updates(body: str, started: datetime, resolved: datetime | None) -> CommentedSeq:
    entries: list[tuple[datetime, int, str, str]] = []
    for at, text in _pieces(body):
        label = LABEL.match(text)
        word = label.group(1).strip().lower() if label else ""
        status = STATUS.get(word)
        if label is not None and (status is not None or word in UNLABELLED):
            text = text[label.end() :].strip()
        if at is None and word.replace("-", "") == "postmortem" and resolved is not None:
            entries.append((resolved, 2, "resolved", text))
        else:
            entries.append((at or started, 1, status or "", text))
    entries.sort(key=lambda e: (e[0], e[1]))
    seq = CommentedSeq()
    previous = "investigating"
    for at, _, status, text in entries:
        status = status or previous
        if status == "resolved" and resolved is None:
            status = "monitoring"
        previous = status
        seq.append(mapping([("at", Time.of(at)), ("status", status), ("body", text)]))
    if resolved is not None and not any(u["status"] == "resolved" for u in seq):
        if seq and seq[-1]["at"] == Time.of(resolved):
            seq[-1]["status"] = "resolved"
        else:
            seq.append(mapping([("at", Time.of(resolved)), ("status", "resolved"), ("body", RESOLVED_MESSAGE)]))
    return seq


def issue_record(path: Path, services: dict[str, str], plan: Plan) -> Record | None:
    try:
        parts = _front_matter(_read_text(path))
    except (OSError, UnicodeDecodeError) as error:
        plan.warnings.append(f"{_unreadable(path, error)}, skipped")
        return None
    if isinstance(parts, str):
        plan.warnings.append(f"{path}: no readable front matter ({parts}), skipped")
        return None
    meta, body = parts
    started = to_utc(meta.get("date"))
    if started is None:
        plan.warnings.append(f"{path}: no valid date, skipped")
        return None
    resolved = to_utc(meta.get("resolvedWhen")) if meta.get("resolved") else None
    if meta.get("resolved") and resolved is None:  # no resolvedWhen: resolved by its last tracked update
        resolved = max((at for at, _ in _pieces(body) if at is not None), default=started)
    if resolved is not None:
        resolved = max(resolved, started)
    severity, level = IMPACT.get(str(meta.get("severity") or "").strip().lower(), ("minor", ""))
    affected = meta.get("affected") or []
    impacts = CommentedSeq()
    for name in affected if isinstance(affected, list) else [affected]:
        service = services.get(str(name).casefold())
        if service is None:
            plan.warnings.append(f"{path}: affected system {name!r} is not in config.yml; impact skipped")
        elif level:
            impacts.append(mapping([("component", service), ("level", level)]))
    source_id = str(meta.get("id") or path.stem)
    updates = _updates(body, started, resolved)
    doc = mapping(
        [
            ("id", f"CS-{slugify(source_id, limit=80)}"),
            ("title", str(meta.get("title") or path.stem)),
            ("type", "external"),
            ("severity", severity),
            ("started_at", Time.of(started)),
            ("detected_at", Time.of(started)),
            ("resolved_at", Time.of(resolved) if resolved else None),
            ("impact", impacts if impacts else None),
            ("updates", updates if updates else None),
        ]
    )
    return Record("incidents", doc["id"], f"{started.date().isoformat()}-{slugify(doc['title'])}", doc)


def plan_cstate(folder: Path) -> Plan:
    """Everything in a cState site folder (the one holding `config.yml` and `content/`)."""
    plan = Plan()
    specs = plan.services = read_systems(folder, plan)
    services = {spec.name.casefold(): spec.id for spec in specs}
    issues = folder / "content" / "issues"
    if not issues.is_dir():
        plan.warnings.append(f"{issues}: not found; no issues imported")
        return plan
    for path in sorted(issues.glob("*.md")):
        if path.name.startswith("_"):
            continue
        record = issue_record(path, services, plan)
        if record is not None:
            plan.records.append(record)
    return plan
