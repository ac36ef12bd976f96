"""Checks across files: duplicate ids, dangling references, and the warnings that need `now`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..derive.followup import effective_due, is_overdue, review_overdue
from ..model import IncidentType, ReviewStatus, Site, Source
from ..problems import Problems


class Checker:
    """Reports cross-file problems against paths shown under the content folder `root`."""

    def __init__(self, problems: Problems, root: Path) -> None:
        self.problems = problems
        self.root = root

    def shown(self, source: Source) -> str:
        return str(self.root / source.path)

    def error(self, source: Source, message: str) -> None:
        self.problems.error(self.shown(source), source.line, message)

    def warning(self, source: Source, message: str) -> None:
        self.problems.warning(self.shown(source), source.line, message)

    # ------------------------------------------------------------------ errors

    def check_unique(self, kind: str, records: Iterable[tuple[str, Source]]) -> None:
        first: dict[str, Source] = {}
        for record_id, source in records:
            if record_id in first:
                where = f"{self.shown(first[record_id])}:{first[record_id].line}"
                self.error(source, f"duplicate {kind} id {record_id!r} (first defined at {where})")
            else:
                first[record_id] = source

    def check_site(self, site: Site) -> None:
        self.check_unique("service", ((s.id, s.source) for s in site.services))
        self.check_unique("incident", ((i.id, i.source) for i in site.incidents))
        self.check_unique("maintenance", ((m.id, m.source) for m in site.maintenance))
        self.check_unique(
            "action item", ((a.id, a.source) for p in site.postmortems for a in p.action_items)
        )
        incident_ids = {i.id for i in site.incidents}
        reviewed: dict[str, Source] = {}
        for postmortem in site.postmortems:
            if postmortem.incident not in incident_ids:
                self.error(postmortem.source, f"incident: unknown incident {postmortem.incident!r}")
            elif postmortem.incident in reviewed:
                first = reviewed[postmortem.incident]
                message = f"incident: {postmortem.incident!r} already has a post-mortem at {self.shown(first)}"
                self.error(postmortem.source, message)
            else:
                reviewed[postmortem.incident] = postmortem.source

    # ------------------------------------------------------------------ warnings

    def warn(self, site: Site, now: datetime) -> None:
        incidents = {i.id: i for i in site.incidents}
        today = now.date()
        for postmortem in site.postmortems:
            incident = incidents.get(postmortem.incident)
            for item in postmortem.action_items:
                due = effective_due(item, postmortem, incident, site.settings)
                if is_overdue(item, due, today):
                    owner = item.owner or "nobody"
                    self.warning(item.source, f"action item {item.id} is overdue (due {due}, owner {owner})")
        reviews = {p.incident: p for p in site.postmortems}
        for incident in site.incidents:
            review = reviews.get(incident.id)
            if review_overdue(incident, review, site.settings, now):
                state = "no post-mortem" if review is None else "its post-mortem is still a draft"
                days = site.settings.review_deadline_days
                self.warning(incident.source, f"resolved more than {days} days ago and {state}")
        self.warn_redactions(site)

    def warn_redactions(self, site: Site) -> None:
        patterns = [re.compile(p) for p in site.settings.redaction_patterns]
        if not patterns:
            return
        any_pattern = _any_of(patterns)
        for source, where, text in public_texts(site):
            if any_pattern is not None and any_pattern.search(text) is None:
                continue  # one search instead of one per pattern for the (usual) clean text
            for pattern in patterns:
                match = pattern.search(text)
                if match:
                    found = f"{pattern.pattern!r} ({match.group()!r})"
                    self.warning(source, f"{where}: public text matches redaction pattern {found}")


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `patterns` does, or None when they cannot be
    joined safely (back-references or group names would change meaning)."""
    if len(patterns) < 2 or any(re.search(r"\\\d|\(\?P[<=]", p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:
        return None


def public_texts(site: Site) -> Iterator[tuple[Source, str, str]]:
    """Every text the public site shows, with where it was written."""
    for service in site.services:
        if service.public:
            yield service.source, "name", service.name
            yield service.source, "description", service.description
    published = {p.incident: p for p in site.postmortems if p.status is ReviewStatus.PUBLISHED}
    for incident in site.incidents:
        if incident.type is not IncidentType.EXTERNAL:
            continue
        yield incident.source, "title", incident.title
        for update in incident.updates:
            yield update.source, "body", update.body
        postmortem = published.get(incident.id)
        if postmortem is not None:
            yield postmortem.source, "public_summary", postmortem.public_summary
    for window in site.maintenance:
        yield window.source, "title", window.title
        for maintenance_update in window.updates:
            yield maintenance_update.source, "body", maintenance_update.body

