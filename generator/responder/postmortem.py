"""The post-incident review scaffold: a draft pre-filled from the incident, headings to fill in.

The sections follow the Google SRE book template (Summary, Impact, Timeline, Root cause,
Trigger, Resolution, Detection, lessons and action items). TTD/TTM/TTR are measured from
`started_at`, the same definition as `derive.durations` (computed here so the scaffold does
not depend on that module's evolving API).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ..derive.status import impact_end, impact_start
from ..model import Incident, Site
from .yamlrt import dump_doc, mapping


def _hint(text: str) -> str:
    """`text` as an HTML comment that ends where we end it: a title with `-->`, `--!>` or
    `<!--` in it would otherwise close the comment and publish the rest into the review."""
    return "<!-- " + re.sub(r"-(?=-)", "- ", text).replace("<!-", "< !-") + " -->"


def _since_start(incident: Incident, moment: datetime | None) -> timedelta | None:
    return None if moment is None else moment - incident.started_at


def format_duration(value: timedelta | None) -> str:
    """`7 min`, `1 h 07 min`, `2 d 3 h`; `unknown` when missing."""
    if value is None or value < timedelta(0):
        return "unknown"
    days, rest = divmod(int(value.total_seconds() // 60), 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _clock(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def front_matter(incident: Incident) -> str:
    example = incident.id
    return "\n".join(
        [
            "---",
            dump_doc(mapping([("incident", incident.id)])).rstrip("\n"),  # `0x1F` and `Yes` need quotes
            "authors: []",
            "status: draft               # draft | reviewed | published",
            "# review_date: YYYY-MM-DD",
            "# public_summary: |         # shown on the public incident page once published",
            "#   One paragraph for customers: what happened and what we changed.",
            "action_items: []",
            "# action_items:",
            f"#   - id: AI-{example}-1",
            "#     title: Add a canary stage to deploys",
            "#     owner: team-name",
            "#     priority: P1          # P0 | P1 | P2 | P3",
            "#     due: YYYY-MM-DD       # default: from the priority (site.yaml)",
            "#     status: open          # open | in_progress | done | wont_fix",
            "#     link: https://tracker.example/TICKET-1",
            "---",
            "",
        ]
    )


def impact_section(incident: Incident, site: Site, now: datetime) -> list[str]:
    lines = ["## Impact", ""]
    if incident.impact:
        lines += ["| Component | Impact | From | To |", "|---|---|---|---|"]
        for impact in incident.impact:
            service = site.service(impact.component)
            name = service.name if service else impact.component
            start = impact_start(incident, impact)
            end = impact_end(incident, impact)
            level = impact.level.value.replace("_", " ")
            lines.append(f"| {name} | {level} | {_clock(start)} | {_clock(end)} |")
        lines.append("")
    lines += [
        f"- Type: {incident.type.value}, severity: {incident.severity.value}, detected by: "
        f"{incident.detection.value.replace('_', ' ')}",
        f"- Duration: {format_duration((incident.resolved_at or now) - incident.started_at)}"
        + ("" if incident.resolved_at else " so far (still open)"),
        f"- Time to detect (TTD): {format_duration(_since_start(incident, incident.detected_at))}",
        f"- Time to mitigate (TTM): {format_duration(_since_start(incident, incident.mitigated_at))}",
        f"- Time to resolve (TTR): {format_duration(_since_start(incident, incident.resolved_at))}",
        "",
        _hint("Who was affected and how: customers, requests, revenue, support tickets."),
        "",
    ]
    return lines


def timeline_section(incident: Incident) -> list[str]:
    """Milestones, public updates and internal notes, merged in time order (UTC)."""
    events: list[tuple[datetime, int, str]] = []
    milestones = (
        ("started_at", "Impact started"),
        ("detected_at", f"Detected ({incident.detection.value.replace('_', ' ')})"),
        ("mitigated_at", "Mitigated"),
        ("resolved_at", "Resolved"),
    )
    for key, label in milestones:
        moment = getattr(incident, key)
        if moment is not None:
            events.append((moment, 0, f"**{label}**"))
    for entry in incident.timeline:
        who = f" ({entry.by})" if entry.by else ""
        events.append((entry.at, 1, f"Internal{who}: {_one_line(entry.text)}"))
    for update in incident.updates:
        events.append((update.at, 2, f"Public update, *{update.status.value}*: {_one_line(update.body)}"))
    lines = ["## Timeline", "", "All times UTC.", ""]
    lines += [f"- {_clock(at)} — {text}" for at, _, text in sorted(events, key=lambda e: (e[0], e[1]))]
    return [*lines, ""]


def scaffold(incident: Incident, site: Site, now: datetime) -> str:
    """The whole draft review as Markdown with front matter."""

    def section(title: str, hint: str) -> list[str]:
        return [f"## {title}", "", _hint(hint), ""] if hint else [f"## {title}", "", ""]

    lines = [front_matter(incident)]
    lines += section("Summary", f"{incident.title}: two or three sentences on what happened and why.")
    lines += impact_section(incident, site, now)
    lines += timeline_section(incident)
    cause = incident.root_cause
    cause_hint = f"Recorded root cause: {cause.type.value}" + (f" in {cause.service}" if cause.service else "")
    lines += section("Root cause", f"{cause_hint}. Blameless: systems and conditions, not people.")
    lines += section("Trigger", "The change or event that set it off.")
    lines += section("Resolution", "What mitigated the impact, and what fixed it for good.")
    lines += section("Detection", "How we found out, and how we could have found out sooner.")
    lines += section("What went well", "")
    lines += section("What went wrong", "")
    lines += section("Where we got lucky", "")
    lines += section("Action items", "List them in the front matter (action_items) so they are tracked.")
    lines += section("Lessons", "")
    return "\n".join(lines).rstrip("\n") + "\n"
