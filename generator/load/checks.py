"""Checks across files: duplicate ids, dangling references, redaction matches, and the
warnings that depend on `now` (overdue action items and reviews).

They read `SiteFacts`, not the site: the few fields of each record the checks need, which the
load cache keeps beside each file's entry. So `validate` checks a folder of 20,000 incidents
without unpickling their records. `CrossFile` holds the problems and, for each warning that
depends on `now`, the moment after which it applies; `at(now)` gives the problems as of `now`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..derive.followup import effective_due, overdue_after, review_overdue_after
from ..model import (
    Incident,
    IncidentType,
    Maintenance,
    Postmortem,
    ReviewStatus,
    Runbook,
    Service,
    Settings,
    Site,
    Source,
)
from ..problems import Level, Problem, Problems
from ..published import forms
from .secrets import masked

#: How far ahead of the build time an incident may start before `validate` asks whether its date
#: is right: clocks of responders and CI differ by seconds, not hours.
FUTURE_SLACK = timedelta(hours=1)
_OPEN_UNTIL = "the public page shows this incident as open until then"


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the checks read of an incident (ordering, uniqueness, review deadlines)."""

    id: str
    source: Source
    type: IncidentType
    started_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, incident: Incident) -> IncidentFacts:
        return cls(incident.id, incident.source, incident.type, incident.started_at, incident.resolved_at)


@dataclass(frozen=True, slots=True)
class MaintenanceFacts:
    """What the checks read of a maintenance window (ordering, uniqueness)."""

    id: str
    source: Source
    scheduled_start: datetime

    @classmethod
    def of(cls, window: Maintenance) -> MaintenanceFacts:
        return cls(window.id, window.source, window.scheduled_start)


@dataclass(frozen=True, slots=True)
class RunbookFacts:
    """A runbook, which the checks only count."""

    path: str


#: What the load cache keeps of one file for the checks: post-mortems are kept whole (their
#: action items are what most checks read); None for a file that gave no record.
Facts = IncidentFacts | MaintenanceFacts | Postmortem | RunbookFacts | None


def checked_view(postmortem: Postmortem) -> Postmortem:
    """A post-mortem as the checks across files see it: all but its body, which no check reads
    (they read its incident, status, public summary and action items). The checks are given
    this view, and the digest of a file's facts is taken of it (`digested`), so fixing a typo in
    a review's text keeps the checks' result of the last load (crosscache.py): checking again
    was a fifth of a knowledge-base rebuild at 5,000 incidents."""
    return dataclasses.replace(postmortem, body="", body_line=1)


def digested(facts: Facts) -> Facts:
    """What the digest of a file's facts is taken of: what the checks see of them."""
    return checked_view(facts) if isinstance(facts, Postmortem) else facts


def facts_of(record: object) -> Facts:
    """The facts the checks need of one record (None: no record)."""
    if isinstance(record, Incident):
        return IncidentFacts.of(record)
    if isinstance(record, Maintenance):
        return MaintenanceFacts.of(record)
    if isinstance(record, Postmortem):
        return record
    if isinstance(record, Runbook):
        return RunbookFacts(record.path)
    return None


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """Everything the checks across files read, in the order the site lists its records."""

    settings: Settings
    services: tuple[Service, ...]
    incidents: tuple[IncidentFacts, ...]
    maintenance: tuple[MaintenanceFacts, ...]
    postmortems: tuple[Postmortem, ...]
    runbooks: tuple[str, ...]  # their paths under runbooks/

    @classmethod
    def of(cls, site: Site) -> SiteFacts:
        return cls(
            site.settings,
            site.services,
            tuple(IncidentFacts.of(i) for i in site.incidents),
            tuple(MaintenanceFacts.of(m) for m in site.maintenance),
            tuple(checked_view(p) for p in site.postmortems),
            tuple(r.path for r in site.runbooks),
        )

    @classmethod
    def gather(cls, settings: Settings, services: tuple[Service, ...], facts: Iterable[Facts]) -> SiteFacts:
        """From the facts of each file, sorted as `load_site` sorts the records."""
        incidents, windows, postmortems, runbooks = [], [], [], []
        for fact in facts:
            if isinstance(fact, IncidentFacts):
                incidents.append(fact)
            elif isinstance(fact, MaintenanceFacts):
                windows.append(fact)
            elif isinstance(fact, Postmortem):
                postmortems.append(checked_view(fact))
            elif isinstance(fact, RunbookFacts):
                runbooks.append(fact.path)
        return cls(
            settings,
            services,
            tuple(sorted(incidents, key=lambda i: (i.started_at, i.id))),
            tuple(sorted(windows, key=lambda m: (m.scheduled_start, m.id))),
            tuple(sorted(postmortems, key=lambda p: p.incident)),
            tuple(sorted(runbooks)),
        )


@dataclass(frozen=True, slots=True)
class CrossFile:
    """The outcome of the checks across files of one site, as of any time.

    `counts` are the numbers of incidents, maintenance windows, post-mortems, runbooks and services.
    """

    problems: tuple[Problem, ...]
    timed: tuple[tuple[datetime, Problem], ...]
    counts: tuple[int, int, int, int, int]
    #: Warnings that hold until their moment (an incident that starts in the future).
    ahead: tuple[tuple[datetime, Problem], ...] = ()

    def at(self, now: datetime) -> list[Problem]:
        """The problems as of `now`: every timed warning whose moment has passed, and every
        warning ahead whose moment has not come."""
        return [*self.problems, *(problem for after, problem in self.timed if now > after),
                *(problem for until, problem in self.ahead if now < until)]


def check(site: SiteFacts, prefix: str) -> CrossFile:
    """Every check across the files of `site`; shown paths are `prefix` + the file's path."""
    checker = Checker(Problems(), prefix)
    checker.check_site(site)
    Redactions(site.settings.redaction_patterns).report(checker.problems, prefix, cross_file_texts(site))
    counts = (len(site.incidents), len(site.maintenance), len(site.postmortems), len(site.runbooks), len(site.services))
    timed, ahead = tuple(checker.timed_warnings(site)), tuple(checker.ahead_warnings(site))
    return CrossFile(tuple(checker.problems.sorted()), timed, counts, ahead)


class Checker:
    """Reports cross-file problems; shown paths are `prefix` + the path under the content folder."""

    def __init__(self, problems: Problems, prefix: str) -> None:
        self.problems = problems
        self.prefix = prefix

    def shown(self, source: Source) -> str:
        return self.prefix + source.path

    def error(self, source: Source, message: str) -> None:
        """An error about `source`; ids it quotes are shown with any secret masked (fields.py)."""
        self.problems.error(self.shown(source), source.line, masked(message))

    def warning(self, source: Source, message: str) -> None:
        self.problems.warning(self.shown(source), source.line, message)

    # ------------------------------------------------------------------ errors

    def check_unique(self, kind: str, records: Iterable[tuple[str, Source]], what: str = "id") -> None:
        """Each id once, and no two that differ only in case: ids name files and URLs, and
        `INC-1.html` and `inc-1.html` are one file where the site is checked out or served
        from a case-insensitive file system (macOS, Windows, some object stores)."""
        first: dict[str, tuple[str, Source]] = {}
        for record_id, source in records:
            seen = first.get(record_id.casefold())
            if seen is None:
                first[record_id.casefold()] = (record_id, source)
                continue
            where = f"{self.shown(seen[1])}:{seen[1].line}"
            if seen[0] == record_id:
                self.error(source, f"duplicate {kind} {what} {record_id!r} (first defined at {where})")
            else:
                self.error(
                    source,
                    f"{kind} {what} {record_id!r} differs only in case from {seen[0]!r} ({where}); "
                    "ids name files and URLs, which are one on case-insensitive hosts",
                )

    def check_site(self, site: SiteFacts) -> None:
        self.check_unique("service", ((s.id, s.source) for s in site.services))
        self.check_unique("incident", ((i.id, i.source) for i in site.incidents))
        self.check_unique("maintenance", ((m.id, m.source) for m in site.maintenance))
        self.check_unique(
            "action item", ((a.id, a.source) for p in site.postmortems for a in p.action_items)
        )
        self.check_unique("runbook", ((path, Source(f"runbooks/{path}", 1)) for path in site.runbooks), "path")
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

    def timed_warnings(self, site: SiteFacts) -> Iterator[tuple[datetime, Problem]]:
        """Each warning that depends on `now`, with the moment after which it applies: an open
        action item once its due day has passed (due today is not overdue), an external incident's
        review once its deadline has passed while it has no reviewed or published post-mortem."""
        incidents = {i.id: i for i in site.incidents}
        for postmortem in site.postmortems:
            incident = incidents.get(postmortem.incident)
            for item in postmortem.action_items:
                due = effective_due(item, postmortem, incident, site.settings)
                after = overdue_after(item, due)
                if after is not None:
                    owner = item.owner or "nobody"
                    yield after, self.timed(item.source, f"action item {item.id} is overdue (due {due}, owner {owner})")
        reviews = {p.incident: p for p in site.postmortems}
        days = site.settings.review_deadline_days
        for incident in site.incidents:
            review = reviews.get(incident.id)
            after = review_overdue_after(incident, review, site.settings)
            if after is not None:
                state = "no post-mortem" if review is None else "its post-mortem is still a draft"
                yield after, self.timed(incident.source, f"resolved more than {days} days ago and {state}")

    def ahead_warnings(self, site: SiteFacts) -> Iterator[tuple[datetime, Problem]]:
        """Each warning that holds until a moment: an external incident that starts or is
        resolved more than FUTURE_SLACK after `now`, which the public page leaves out, or shows
        as open, until then (a year typed wrong in a file written by hand would otherwise hide
        an outage, or keep a finished one on the page, without a word)."""
        for incident in site.incidents:
            if incident.type is IncidentType.EXTERNAL:
                shown = incident.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                message = f"started_at {shown} is in the future: the public page shows this incident only from then on"
                yield incident.started_at - FUTURE_SLACK, self.timed(incident.source, message)
                if incident.resolved_at is not None:
                    shown = incident.resolved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                    message = f"resolved_at {shown} is in the future: {_OPEN_UNTIL}"
                    yield incident.resolved_at - FUTURE_SLACK, self.timed(incident.source, message)

    def timed(self, source: Source, message: str) -> Problem:
        return Problem(self.shown(source), source.line, message, Level.WARNING)



#: A public text to check: where it was written, its field, the text, and whether it is Markdown
#: (then its published forms are checked too: references decoded, markup removed, links).
PublicText = tuple[Source, str, str, bool]


class Redactions:
    """The redaction patterns of `site.yaml`, compiled once, and the errors for public texts
    that match one, as written or as published (`published.forms`: `ops&#64;larkspur.example`
    is published as `ops@larkspur.example`, `**10**.0.0.7` as `10.0.0.7`). An error, not a
    warning: such a build would publish an internal name to the world. Texts of one file are
    checked as the file is read (their errors are kept with the file in the load cache);
    `cross_file_texts` are checked with the whole site. Case is ignored: host names and e-mail
    addresses do not depend on it, so `DB7.CORP.LARKSPUR.EXAMPLE` is the host a pattern names
    (`(?-i:...)` asks for the case written)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = [re.compile(p, re.IGNORECASE) for p in patterns]
        self.any = _any_of(self.patterns)

    def report(self, problems: Problems, prefix: str, texts: Iterable[PublicText]) -> None:
        """An error per pattern matching each text; paths are `prefix` + file."""
        if not self.patterns:
            return
        for source, where, text, markdown in texts:
            for found in self.matches(forms(text) if markdown else (text,)):
                message = f"{where}: public text matches redaction pattern {found}"
                problems.error(prefix + source.path, source.line, message)

    def matches(self, shown: tuple[str, ...]) -> Iterator[str]:
        """`'pattern' ('what matched')` for each pattern matching one of the forms `shown`
        (the first is the text as written; a match only in a later one says "as published")."""
        if self.any is not None and not any(self.any.search(form) for form in shown):
            return  # one search instead of one per pattern for the (usual) clean text
        for pattern in self.patterns:
            for index, form in enumerate(shown):
                match = pattern.search(form)
                if match:
                    published = " as published" if index else ""
                    yield f"{pattern.pattern!r} ({match.group()!r}{published})"
                    break


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `patterns` does, or None when they cannot be
    joined safely (back-references or group names would change meaning)."""
    if len(patterns) < 2 or any(re.search(r"\\\d|\(\?P[<=]", p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


def incident_texts(incident: Incident) -> Iterator[PublicText]:
    """The texts of one incident the public site shows (none for internal incidents)."""
    if incident.type is not IncidentType.EXTERNAL:
        return
    yield incident.source, "title", incident.title, False
    for region in incident.regions:
        yield incident.source, "regions", region, False
    for impact in incident.impact:
        for region in impact.regions:
            yield impact.source, "regions", region, False
    for update in incident.updates:
        yield update.source, "body", update.body, True


def maintenance_texts(window: Maintenance) -> Iterator[PublicText]:
    """The texts of one maintenance window the public site shows."""
    yield window.source, "title", window.title, False
    for update in window.updates:
        yield update.source, "body", update.body, True


def cross_file_texts(site: SiteFacts) -> Iterator[PublicText]:
    """Public texts that are not an incident's or a window's own: the page's name and
    description, public services' names, descriptions and group names, and the summary of a
    published post-mortem of an external incident."""
    page = Source("site.yaml", 1)
    yield page, "name", site.settings.name, False
    yield page, "description", site.settings.description, False
    for service in site.services:
        if service.public:
            yield service.source, "name", service.name, False
            yield service.source, "description", service.description, False
            yield service.source, "group", service.group, False
    external = {i.id for i in site.incidents if i.type is IncidentType.EXTERNAL}
    for postmortem in site.postmortems:
        if postmortem.status is ReviewStatus.PUBLISHED and postmortem.incident in external:
            yield postmortem.source, "public_summary", postmortem.public_summary, True
