"""A content folder with given text in every public text field, for the hostile-output tests.

Each text lands in: the site name and description (all texts joined, or `site_text`), a group name, a public
service's name and description, an incident's title, regions, update bodies and published
post-mortem `public_summary`, and a maintenance window's title and update bodies. Half the
incidents are open and some maintenance is in progress, so home, feeds, API and calendar all
carry the text too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.build import BuildRequest, build
from tests.sitekit import now

NOW = "2026-11-28T12:00:00Z"


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20)


def hostile_files(texts: list[str], site_text: str | None = None) -> dict[str, str]:
    """relative path -> file text of a valid content folder carrying every one of `texts`.

    `site_text` (default: all texts joined) is the site name and description, which every page,
    feed and calendar repeats.
    """
    joined = " ".join(texts) if site_text is None else site_text
    files = {
        "site.yaml": _dump(
            {"name": f"Hostile {joined}", "base_url": "https://status.hostile.example/", "description": joined}
        ),
        "services.yaml": _dump(
            {
                "groups": [f"G{n} {text}" for n, text in enumerate(texts)],
                "services": [
                    {"id": f"s{n}", "name": text, "group": f"G{n} {text}", "description": text, "slo": 99.9}
                    for n, text in enumerate(texts)
                ],
            }
        ),
    }
    for n, text in enumerate(texts):
        day = 1 + n % 27
        started = f"2026-11-{day:02d}T{n % 20:02d}:00:00Z"
        record: dict[str, object] = {
            "id": f"INC-{n}",
            "title": text,
            "type": "external",
            "severity": ["major", "medium", "minor"][n % 3],
            "started_at": started,
            "detected_at": started,
            "regions": [text],
            "impact": [{"component": f"s{n}", "level": "partial_outage", "regions": [text]}],
            "updates": [{"at": started, "status": "investigating", "body": text}],
        }
        if n % 2:
            resolved = f"2026-11-{day:02d}T{n % 20 + 1:02d}:00:00Z"
            record["resolved_at"] = resolved
            record["updates"].append({"at": resolved, "status": "resolved", "body": text})  # type: ignore[attr-defined]
            front = {"incident": f"INC-{n}", "authors": ["Someone"], "status": "published", "public_summary": text}
            files[f"postmortems/INC-{n}.md"] = f"---\n{_dump(front)}---\n## Summary\nInternal.\n"
        files[f"incidents/{n}.yaml"] = _dump(record)
        active = n % 4 == 0
        files[f"maintenance/{n}.yaml"] = _dump(
            {
                "id": f"MNT-{n}",
                "title": text,
                "components": [f"s{n}"],
                "scheduled_start": "2026-11-28T11:00:00Z" if active else f"2026-12-{day:02d}T02:00:00Z",
                "scheduled_end": "2026-11-28T13:00:00Z" if active else f"2026-12-{day:02d}T04:00:00Z",
                "updates": [
                    {"at": "2026-11-26T10:00:00Z", "status": "scheduled", "body": text},
                    *([{"at": "2026-11-28T11:00:00Z", "status": "in_progress", "body": text}] if active else []),
                ],
            }
        )
    return files


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (text or bytes) under `root`; returns `root`."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_bytes(data.encode("utf-8"))
    return root


def build_public(content: Path, out: Path) -> Path:
    """Build only the public site; returns its folder."""
    build(BuildRequest(content=content, out=out, now=now(NOW), targets=("public",), progress=lambda _: None))
    return out / "public"
