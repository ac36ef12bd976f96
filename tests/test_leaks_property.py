"""No leak, by test: random valid content with a canary in every internal field, built, then
every byte and file name of the public site is searched for every canary.

Hypothesis draws the shape of the organisation (services, incidents of both types, reviews in
every status, runbooks, maintenance over mixed components); each internal text is a unique
canary. Examples run: `LEAK_EXAMPLES` (default 200).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildRequest, build
from tests.sitekit import now

EXAMPLES = int(os.environ.get("LEAK_EXAMPLES", "200"))
LEVELS = ["degraded_performance", "partial_outage", "major_outage", "under_maintenance"]
STATUSES = ["investigating", "identified", "monitoring"]


@dataclass
class Canaries:
    """Hands out unique canary strings and remembers them."""

    issued: list[str] = field(default_factory=list)

    def __call__(self, kind: str) -> str:
        canary = f"Canary{kind.title()}{len(self.issued):04d}Zq"
        self.issued.append(canary)
        return canary


@st.composite
def organisations(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    """(files of a valid content folder, canaries that must never be public)."""
    canary = Canaries()
    public = [f"svc{n}" for n in range(draw(st.integers(1, 3)))]
    internal = [canary("svc") for _ in range(draw(st.integers(1, 3)))]
    services = [
        {"id": s, "name": f"Service {n}", "group": "Product", "public": True, "owner": canary("owner"), "oncall": canary("oncall"), "slo": 99.9}
        for n, s in enumerate(public)
    ] + [
        {"id": s, "name": canary("name"), "group": "Backstage", "description": canary("desc"), "public": False, "owner": canary("owner")}
        for s in internal
    ]
    files: dict[str, str] = {
        "site.yaml": yaml.safe_dump(
            {"name": "Prop", "base_url": "https://status.prop.example/", "severity_guidelines": {"major": canary("guide")}, "redaction_patterns": [canary("redact")]}
        ),
        "services.yaml": yaml.safe_dump({"groups": ["Product", "Backstage"], "services": services}),
    }
    incident_ids = []
    for n in range(draw(st.integers(0, 6))):
        external = draw(st.booleans())
        start_day = draw(st.integers(1, 120))
        minutes = draw(st.integers(5, 3000))
        started = f"2026-{(start_day // 28) % 12 + 7:02d}-{start_day % 28 + 1:02d}T10:00:00Z"
        resolved = draw(st.booleans()) or not external
        pool = public + internal if external else internal + public[:1]
        components = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        if external and not set(components) & set(public):
            components.append(public[0])
        incident_id = f"INC-{n}" if external else canary("id")
        incident_ids.append((incident_id, external))
        record: dict[str, object] = {
            "id": incident_id,
            "title": f"Public incident {n}" if external else canary("title"),
            "type": "external" if external else "internal",
            "severity": draw(st.sampled_from(["major", "medium", "minor"])),
            "started_at": started,
            "detected_at": started,
            "detection": "monitoring",
            "impact": [
                {"component": c, "level": draw(st.sampled_from(LEVELS)), "regions": [canary("region")] if c in internal or not external else []}
                for c in components
            ],
            "roles": {
                "incident_manager": canary("im"),
                "communications_lead": canary("cl"),
                "oncall": [canary("oncall"), canary("oncall")],
                "customer_escalation_manager": canary("cem"),
                "executive": canary("exec"),
            },
            "root_cause": {"type": "deploy", "service": draw(st.sampled_from(internal))},
            "updates": [
                {"at": started, "status": draw(st.sampled_from(STATUSES)), "body": f"Update {k} of {n}." if external else canary("body")}
                for k in range(draw(st.integers(0, 3)))
            ],
            "timeline": [{"at": started, "by": canary("by"), "text": canary("timeline")}],
        }
        if resolved:
            end = f"{started[:10]}T{10 + minutes // 600:02d}:{minutes % 60:02d}:00Z"
            record["resolved_at"] = end
            record["mitigated_at"] = end
            if external:
                record["updates"].append({"at": end, "status": "resolved", "body": "Resolved."})  # type: ignore[union-attr]
        files[f"incidents/{n}.yaml"] = yaml.safe_dump(record)
        if draw(st.booleans()):
            status = draw(st.sampled_from(["draft", "reviewed", "published"]))
            summary = "We fixed the public thing." if status == "published" and external else canary("summary")
            front = {
                "incident": incident_id,
                "authors": [canary("author")],
                "status": status,
                "public_summary": summary,
                "action_items": [{"id": canary("ai"), "title": canary("aititle"), "owner": canary("aiowner"), "priority": "P1", "status": "open", "link": f"https://tracker.example/{canary('link')}"}],
            }
            files[f"postmortems/{n}.md"] = f"---\n{yaml.safe_dump(front)}---\n## Summary\n{canary('pmbody')}\n"
    target = draw(st.sampled_from(public + internal))
    files["runbooks/a/r.md"] = (
        f"---\ntitle: {canary('rbtitle')}\nservices: [{target}]\nalerts: [{canary('alert')}]\nowner: {canary('rbowner')}\n---\n{canary('rbbody')}\n"
    )
    if draw(st.booleans()):
        files["maintenance/m.yaml"] = yaml.safe_dump(
            {
                "id": "MNT-1",
                "title": "Database upgrade",
                "components": [public[0], draw(st.sampled_from(internal))],
                "scheduled_start": "2026-12-03T02:00:00Z",
                "scheduled_end": "2026-12-03T04:00:00Z",
                "updates": [{"at": "2026-11-26T10:00:00Z", "status": "scheduled", "body": "Planned."}],
            }
        )
    return files, canary.issued


def leaks(public: Path, canaries: list[str]) -> list[str]:
    """Canaries found in any file's bytes or name (case-insensitive), with where."""
    found = []
    wanted = [(c, c.lower().encode()) for c in canaries]
    for path in sorted(public.rglob("*")):
        name = path.relative_to(public).as_posix().lower().encode()
        data = path.read_bytes().lower() if path.is_file() else b""
        for canary, needle in wanted:
            if needle in name or needle in data:
                found.append(f"{canary} in {path.relative_to(public)}")
    return found


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(organisations())
def test_no_internal_canary_reaches_any_public_byte(organisation: tuple[dict[str, str], list[str]]) -> None:
    files, canaries = organisation
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "content"
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        out = Path(temp) / "site"
        build(BuildRequest(content=root, out=out, now=now("2026-11-28T12:00:00Z"), targets=("public",), progress=lambda _: None))
        assert leaks(out / "public", canaries) == []
        # The search above searched the public records: every external incident has its page
        # and every public service is on the home page (an empty site would pass the search).
        public = out / "public"
        home = (public / "index.html").read_text(encoding="utf-8")
        for rel, text in files.items():
            record = yaml.safe_load(text) if rel.startswith("incidents/") else None
            if record and record["type"] == "external":
                assert (public / "incidents" / f"{record['id']}.html").is_file(), record["id"]
        for service in yaml.safe_load(files["services.yaml"])["services"]:
            if service["public"]:
                assert f'id="component-{service["id"]}"' in home, service["id"]
