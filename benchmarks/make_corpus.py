"""Write a synthetic, valid content folder with N incidents, for benchmarks.

    python benchmarks/make_corpus.py 5000 /tmp/corpus-5000 [--seed 1] [--force]

The organisation has 12 services in 3 groups (2 of them internal), N incidents spread over the
five years ending 2026-11-28 (both types, all severities, 1-3 impacted components, 3-8 public
updates and a timeline each, about the size of the files in content/incidents/), about N/50
maintenance windows, post-mortems with action items for about 20% of the incidents and two
runbooks per service. The same N and seed always give byte-identical files: everything comes
from one `random.Random(seed)` and a fixed end date, never from the clock.

The text is assembled with f-strings, not a YAML dumper, because writing 20,000 files must be
quick: the corpus is the input of the benchmark, not what it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

#: The build time the corpus is made for: every incident starts before it.
NOW = datetime(2026, 11, 28, 12, 0, 0)
YEARS = 5
START = NOW - timedelta(days=365 * YEARS + 1)

REGIONS = ("eu-west", "eu-central", "us-east", "us-west", "ap-southeast")
LEVELS = ("degraded_performance", "partial_outage", "major_outage")
SEVERITIES = (("minor", 5), ("medium", 3), ("major", 1))
DETECTIONS = (("monitoring", 12), ("customer_report", 4), ("employee", 2), ("social_media", 1), ("other", 1))
CAUSES = ("deploy", "config", "capacity", "dependency", "hardware", "network", "security", "unknown")
PEOPLE = (
    "Dana Ruiz", "Li Wei", "Sam Okafor", "Priya Natarajan", "Ana Costa", "Mark Lee", "Bram Jansen",
    "Elif Yilmaz", "Olga Petrova", "Ruth Adebayo", "Saskia Verhoeven", "Tomas Novak", "Mei Tanaka",
    "Jonas Berg", "Fatima Zahra", "Lucas Moreau", "Ines Duarte", "Kofi Mensah", "Nadia Haddad",
)
TEAMS = ("storefront-team", "search-team", "payments-team", "identity-team", "platform-team", "infra-team")


@dataclass(frozen=True)
class ServiceSpec:
    id: str
    name: str
    group: str
    public: bool
    owner: str
    noun: str  # what customers notice, for titles and update text


SERVICES = (
    ServiceSpec("web", "Website and apps", "Storefront", True, "storefront-team", "the website and apps"),
    ServiceSpec("search", "Search", "Storefront", True, "search-team", "search"),
    ServiceSpec("checkout", "Checkout and payments", "Storefront", True, "payments-team", "checkout"),
    ServiceSpec("accounts", "Sign-in and accounts", "Storefront", True, "identity-team", "sign-in"),
    ServiceSpec("api", "Public API", "Platform", True, "platform-team", "the public API"),
    ServiceSpec("orders", "Order processing", "Platform", True, "platform-team", "order processing"),
    ServiceSpec("notifications", "Emails and notifications", "Platform", True, "platform-team", "emails"),
    ServiceSpec("images", "Product images", "Platform", True, "infra-team", "product images"),
    ServiceSpec("seller-portal", "Seller portal", "Partners", True, "storefront-team", "the seller portal"),
    ServiceSpec("webhooks", "Partner webhooks", "Partners", True, "platform-team", "partner webhooks"),
    ServiceSpec("vpn", "Staff VPN", "Partners", False, "infra-team", "the staff VPN"),
    ServiceSpec("ci-deploy", "CI and deploys", "Partners", False, "infra-team", "deploys"),
)
GROUPS = ("Storefront", "Platform", "Partners")
PUBLIC = tuple(s for s in SERVICES if s.public)

TITLES = (
    "Elevated errors in {noun}",
    "{Noun} slow for some customers",
    "Intermittent timeouts in {noun}",
    "{Noun} unavailable in {region}",
    "Degraded performance of {noun}",
    "Some requests to {noun} failing",
    "{Noun} returning stale results",
    "Delays in {noun} after a change",
)
INVESTIGATING = (
    "We are investigating reports of problems with {noun}. Some customers may see errors or slow pages.",
    "Our monitoring shows elevated error rates for {noun} in {region}. We are looking into it.",
    "We are aware that {noun} is slower than usual and are investigating the cause.",
)
IDENTIFIED = (
    "We have identified the cause: a recent change to {noun} overloaded one of our clusters. "
    "We are rolling it back now.",
    "The problem is caused by a failing dependency of {noun} in {region}. We are moving traffic "
    "to a healthy location.",
    "A configuration change made earlier today is the cause. We are reverting it and expect "
    "{noun} to recover within the next half hour.",
)
MONITORING = (
    "A fix has been applied and {noun} is recovering. We are monitoring the results.",
    "Error rates for {noun} are back to normal. We keep watching closely while queued work catches up.",
    "Traffic has been moved and {noun} works normally again for most customers. We are monitoring.",
)
RESOLVED = (
    "This incident is resolved. {Noun} has worked normally since the fix. Requests that failed "
    "during the incident can safely be retried.",
    "This incident has been resolved. We are sorry for the trouble and will publish a summary of "
    "what happened and what we are changing.",
    "All systems are operating normally again. Thank you for your patience while we fixed {noun}.",
)
NOTES = (
    "{Alert} fired for {region} ({pct}% 5xx over 5 minutes).",
    "Paged the {team} primary; acknowledged within two minutes.",
    "Dashboards show p99 latency at {ms} ms, normally under 300 ms. Error budget burn rate {pct}x.",
    "Checked recent deploys: release {rel} went out {mins} minutes before the first alert.",
    "Rolled back release {rel} on all nodes; canary looks healthy.",
    "Moved traffic away from {region}; remaining regions absorb the load fine.",
    "Connection pool saturated on the primary; raised max connections from 200 to 400 temporarily.",
    "Customer Care reports {count} tickets mentioning the problem so far.",
    "Posted a public update; next one due in 30 minutes.",
    "Error rate below 0.5% for 15 minutes. Declaring mitigated.",
    "Queue backlog of {count} messages draining at roughly 2,000 per minute.",
    "Opened a ticket with the upstream provider; they confirm a fault on their side.",
)
ACTIONS = (
    "Add a canary stage to {noun} deploys",
    "Alert on saturation of the connection pool before it is exhausted",
    "Document the rollback procedure for {noun} in its runbook",
    "Load-test {noun} at twice the peak of last year",
    "Add a synthetic check for {noun} from outside our network",
    "Review timeouts and retries between {noun} and its dependencies",
    "Make the failover of {noun} automatic",
)


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in table], [w for _, w in table])[0]


def fill(rng: random.Random, pattern: str, service: ServiceSpec, region: str) -> str:
    return pattern.format(
        noun=service.noun,
        Noun=service.noun[:1].upper() + service.noun[1:],
        region=region,
        team=service.owner,
        Alert=f"{service.id.title().replace('-', '')}ErrorRateHigh",
        pct=rng.randint(2, 60),
        ms=rng.randint(900, 9000),
        rel=f"{rng.randint(2020, 2026)}.{rng.randint(1, 52)}.{rng.randint(0, 9)}",
        mins=rng.randint(2, 40),
        count=f"{rng.randint(10, 4000):,}",
    )


#: A sentence with the figures of the moment, as responders write them: it makes every update
#: body distinct, as a real organisation's are (the same few sentences repeated would let the
#: build convert each one once and hide what converting real updates costs).
DETAILS = (
    "Next update by {next:%H:%M} UTC.",
    "About {pct}% of requests were affected at {at:%H:%M} UTC.",
    "{count} customers were affected at {at:%H:%M} UTC; next update within {mins} minutes.",
    "Tracked as case {case}. We will post again by {next:%H:%M} UTC.",
)
#: What about a quarter of real update bodies carry besides plain sentences (see the Statuspage
#: payloads in shared/corpora): a link, a line break, emphasis or a short list.
MARKUP = (
    "\n\nDetails for customers: https://help.example.com/status/{case}",
    "\nPlease retry requests that failed.",
    " **Workaround:** retry the request after {mins} minutes.",
    "\n\nAffected:\n\n- {region}\n- the {noun} API",
    " See [our help page](https://help.example.com/articles/{case}) for details.",
)


def update_body(rng: random.Random, sentence: str, at: datetime) -> str:
    """`sentence` and the figures of the moment, with markup in about one body in four."""
    values = {
        "at": at,
        "next": at + timedelta(minutes=rng.choice((15, 30, 60))),
        "pct": rng.randint(2, 60),
        "count": f"{rng.randint(10, 40000):,}",
        "mins": rng.randint(2, 40),
        "case": f"{rng.randint(100000, 999999)}",
        "region": rng.choice(REGIONS),
        "noun": rng.choice(SERVICES).id,
    }
    body = f"{sentence} {rng.choice(DETAILS).format(**values)}"
    if rng.random() < 0.25:
        body += rng.choice(MARKUP).format(**values)
    return body


def spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` sorted whole-minute times in [start, end]."""
    minutes = max(0, int((end - start).total_seconds() // 60))
    return sorted(start + timedelta(minutes=rng.randint(0, minutes)) for _ in range(count))


class Corpus:
    """Collects the files of one synthetic organisation: relative path -> text."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.files: dict[str, str] = {}
        self.action_seq = 0
        self.per_year: dict[int, int] = {}

    def make(self) -> dict[str, str]:
        self.files["site.yaml"] = SITE_YAML
        self.files["services.yaml"] = services_yaml()
        slot = (NOW - timedelta(hours=2) - START) / max(self.n, 1)
        for index in range(self.n):
            offset = timedelta(seconds=self.rng.uniform(0, slot.total_seconds()))
            started = (START + slot * index + offset).replace(second=0, microsecond=0)
            if index == self.n - 1:  # the newest one is still going on, as on a real status page
                started = NOW - timedelta(minutes=40)
            self.incident(started, still_open=index == self.n - 1)
        windows = max(2, self.n // 50)
        wslot = (NOW + timedelta(days=20) - START) / windows
        for index in range(windows):
            self.maintenance(index, START + wslot * index + timedelta(days=self.rng.uniform(0, 3)))
        for service in SERVICES:
            for kind in ("errors", "latency"):
                self.runbook(service, kind)
        return self.files

    # ------------------------------------------------------------------ incidents

    def incident(self, started: datetime, still_open: bool = False) -> None:
        rng = self.rng
        year = started.year
        self.per_year[year] = self.per_year.get(year, 0) + 1
        incident_id = f"INC-{year}-{self.per_year[year]:05d}"
        external = still_open or rng.random() < 0.7
        pool = PUBLIC if external else SERVICES
        first = rng.choice(pool)
        others = rng.sample([s for s in SERVICES if s is not first], rng.randint(0, 2))
        impacted = [first, *others]
        region = rng.choice(REGIONS)
        severity = weighted(rng, SEVERITIES)
        detected = started + timedelta(minutes=rng.randint(1, 25))
        mitigation = detected + timedelta(minutes=1 + int(rng.lognormvariate(3.6, 0.8)))
        resolution = mitigation + timedelta(minutes=rng.randint(5, 180))
        mitigated = mitigation if mitigation <= NOW and not still_open else None
        resolved = resolution if resolution <= NOW and not still_open else None
        title = fill(rng, rng.choice(TITLES), first, region)
        lines = [
            f"id: {incident_id}",
            f"title: {quote(title)}",
            f"type: {'external' if external else 'internal'}",
            f"severity: {severity}",
            f"started_at: {stamp(started)}",
            f"detected_at: {stamp(detected)}",
            f"detection: {weighted(rng, DETECTIONS)}",
        ]
        if mitigated is not None:
            lines.append(f"mitigated_at: {stamp(mitigated)}")
        if resolved is not None:
            lines.append(f"resolved_at: {stamp(resolved)}")
        lines.append(f"regions: [{region}]")
        lines.append("impact:")
        for service in impacted:
            lines += [f"  - component: {service.id}", f"    level: {rng.choice(LEVELS)}"]
            if rng.random() < 0.4:
                lines.append(f"    from: {stamp(detected)}")
            if mitigated is not None and resolved is not None and rng.random() < 0.5:
                lines.append(f"    to: {stamp(mitigated)}")
        oncall = rng.sample(PEOPLE, 2)
        lines += [
            "roles:",
            f"  incident_manager: {rng.choice(PEOPLE)}",
            f"  communications_lead: {rng.choice(PEOPLE)}",
            f"  oncall: [{oncall[0]}, {oncall[1]}]",
        ]
        if severity == "major":
            lines += [f"  customer_escalation_manager: {rng.choice(PEOPLE)}", f"  executive: {rng.choice(PEOPLE)}"]
        lines += ["root_cause:", f"  type: {rng.choice(CAUSES)}", f"  service: {rng.choice(SERVICES).id}"]
        lines += self.updates(first, region, detected, resolved)
        lines += self.timeline(first, region, detected, resolved or NOW)
        slug = incident_id.lower()
        self.files[f"incidents/{started:%Y-%m-%d}-{slug}.yaml"] = "\n".join(lines) + "\n"
        if resolved is not None and rng.random() < (0.27 if external else 0.05):
            self.postmortem(incident_id, first, resolved)

    def updates(
        self, service: ServiceSpec, region: str, detected: datetime, resolved: datetime | None
    ) -> list[str]:
        rng = self.rng
        count = rng.randint(3, 8)
        end = resolved or min(NOW, detected + timedelta(hours=6))
        times = spread(rng, detected + timedelta(minutes=2), end, count)
        if resolved is not None:
            times[-1] = resolved
        middle = sorted(rng.choice((1, 2)) for _ in range(count - 2))
        statuses = [0, *middle, 3 if resolved is not None else rng.choice((1, 2))]
        pools = (INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED)
        names = ("investigating", "identified", "monitoring", "resolved")
        lines = ["updates:"]
        for at, status in zip(times, statuses, strict=True):
            body = update_body(rng, fill(rng, rng.choice(pools[status]), service, region), at)
            lines += [f"  - at: {stamp(at)}", f"    status: {names[status]}", f"    body: {quote(body)}"]
        return lines

    def timeline(self, service: ServiceSpec, region: str, detected: datetime, end: datetime) -> list[str]:
        rng = self.rng
        lines = ["timeline:"]
        for at in spread(rng, detected, end, rng.randint(4, 10)):
            text = fill(rng, rng.choice(NOTES), service, region)
            lines += [f"  - at: {stamp(at)}", f"    by: {rng.choice(PEOPLE)}", f"    text: {quote(text)}"]
        return lines

    # ------------------------------------------------------------------ reviews

    def postmortem(self, incident_id: str, service: ServiceSpec, resolved: datetime) -> None:
        rng = self.rng
        review = (resolved + timedelta(days=rng.randint(2, 10))).date()
        reviewed = review <= NOW.date()
        status = rng.choice(("published", "published", "published", "reviewed", "draft")) if reviewed else "draft"
        authors = rng.sample(PEOPLE, 2)
        lines = ["---", f"incident: {incident_id}", f"authors: [{authors[0]}, {authors[1]}]", f"status: {status}"]
        if reviewed:
            lines.append(f"review_date: {review}")
        lines += [
            "public_summary: |",
            f"  For part of the day {service.noun} failed for some customers. A change to one of",
            "  its dependencies exhausted a shared resource; we rolled it back and added checks so",
            "  that the same change is caught before it reaches customers.",
            "action_items:",
        ]
        for _ in range(rng.randint(1, 5)):
            self.action_seq += 1
            done = reviewed and review < (NOW - timedelta(days=60)).date() and rng.random() < 0.9
            lines += [
                f"  - id: AI-{self.action_seq:06d}",
                f"    title: {quote(fill(rng, rng.choice(ACTIONS), service, ''))}",
                f"    owner: {service.owner}",
                f"    priority: P{rng.randint(0, 3)}",
            ]
            if rng.random() < 0.5:
                lines.append(f"    due: {review + timedelta(days=rng.randint(7, 60))}")
            if done:
                lines += ["    status: done", f"    done_at: {review + timedelta(days=rng.randint(3, 50))}"]
            else:
                lines.append(f"    status: {rng.choice(('open', 'in_progress', 'wont_fix'))}")
            if rng.random() < 0.5:
                lines.append(f"    link: https://tracker.example/OPS-{self.action_seq}")
        lines.append("---")
        lines.append(POSTMORTEM_BODY.format(noun=service.noun, id=incident_id, owner=service.owner))
        self.files[f"postmortems/{incident_id}.md"] = "\n".join(lines)

    # ------------------------------------------------------------------ maintenance and runbooks

    def maintenance(self, index: int, start: datetime) -> None:
        rng = self.rng
        start = start.replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=rng.choice((1, 2, 4)))
        components = [s.id for s in rng.sample(PUBLIC, rng.randint(1, 3))]
        window_id = f"MNT-{start.year}-{index + 1:04d}"
        body = (
            f"We will carry out planned maintenance on {', '.join(components)} between "
            f"{start:%H:%M} and {end:%H:%M} UTC. Some requests may fail for a few minutes; please retry."
        )
        lines = [
            f"id: {window_id}",
            f"title: Planned maintenance of {components[0]}",
            f"components: [{', '.join(components)}]",
            f"scheduled_start: {stamp(start)}",
            f"scheduled_end: {stamp(end)}",
            "updates:",
            f"  - at: {stamp(start - timedelta(days=7))}",
            "    status: scheduled",
            f"    body: {quote(body)}",
        ]
        if end < NOW:
            lines += [f"  - at: {stamp(start)}", "    status: in_progress", "    body: Maintenance has started."]
            lines += [f"  - at: {stamp(end)}", "    status: completed", "    body: Maintenance is complete."]
        self.files[f"maintenance/{start:%Y-%m-%d}-{window_id.lower()}.yaml"] = "\n".join(lines) + "\n"

    def runbook(self, service: ServiceSpec, kind: str) -> None:
        alert = f"{service.id.title().replace('-', '')}{'ErrorRateHigh' if kind == 'errors' else 'LatencyHigh'}"
        text = RUNBOOK.format(
            title=f"{service.name}: {'error rate' if kind == 'errors' else 'latency'} high",
            service=service.id,
            alert=alert,
            owner=service.owner,
            noun=service.noun,
        )
        self.files[f"runbooks/{service.id}/{kind}.md"] = text


def services_yaml() -> str:
    lines = [f"groups: [{', '.join(GROUPS)}]", "services:"]
    for index, s in enumerate(SERVICES):
        lines += [
            f"  - id: {s.id}",
            f"    name: {s.name}",
            f"    group: {s.group}",
            f"    description: {s.noun[:1].upper() + s.noun[1:]}, as customers use it.",
            f"    public: {'true' if s.public else 'false'}",
            f"    owner: {s.owner}",
            f"    oncall: {s.owner.removesuffix('-team')}-primary",
            f"    slo: {(99.9, 99.5, 99.95)[index % 3]}",
        ]
    return "\n".join(lines) + "\n"


SITE_YAML = """\
name: Benchmark Shop Status
base_url: https://status.bench.example/
timezone: Europe/Amsterdam
description: Synthetic organisation for performance benchmarks.
uptime_days: 90
review_deadline_days: 14
feed_items: 50
history_page_size: 50
severity_guidelines:
  major: Customers cannot do the thing they came for. Page everyone; update every 30 minutes.
  medium: A significant part is degraded but there is a workaround. Update every hour.
  minor: Small or short-lived impact. Resolve with one sentence.
redaction_patterns:
  - '\\.corp\\.bench\\.example'
  - '@bench\\.example'
  - '\\b10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b'
"""

POSTMORTEM_BODY = """\
## Summary

{noun} failed for part of the day ({id}). The owning team ({owner}) restored service by rolling
back the change that triggered the failure; queued work was processed afterwards.

## Impact

- Customers saw errors or slow responses from {noun} for the duration of the impact.
- Customer Care received tickets about it; no data was lost.

## Timeline

See the incident timeline. Detection was by monitoring within minutes of the first errors.

## Root cause

A change to a shared dependency removed headroom that {noun} relied on during peak traffic. The
change had been tested at average load only, so the regression was not visible before release.

## What went well

- The alert fired quickly and the on-call engineer had the right runbook at hand.
- The rollback was fast and safe.

## What went wrong

- The change was not load-tested at peak.
- The first public update took longer than our guideline.

## Lessons

Capacity assumptions belong in the design review of every change to a shared dependency.
"""

RUNBOOK = """\
---
title: "{title}"
services: [{service}]
alerts: [{alert}]
owner: {owner}
last_reviewed: 2026-09-01
---
## When this fires

{alert} fires when {noun} misbehaves for five minutes in a row.

## First steps

1. Open the service dashboard and check which region is affected.
2. Check the deploy log: roll back anything released in the last hour.
3. If a dependency is failing, move traffic to a healthy region.

## Escalation

Page the {owner} secondary if the first steps do not help within 15 minutes.
"""


def write_files(root: Path, files: dict[str, str]) -> int:
    """Write every file under `root`; returns the number of bytes written."""
    total = 0
    made: set[str] = set()
    for rel, text in files.items():
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(root / folder, exist_ok=True)
            made.add(folder)
        data = text.encode("utf-8")
        with open(root / rel, "wb") as handle:
            handle.write(data)
        total += len(data)
    return total


def make_corpus(n: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write the corpus into `out` (created); returns counts of what was written."""
    corpus = Corpus(n, seed)
    files = corpus.make()
    out.mkdir(parents=True, exist_ok=True)
    size = write_files(out, files)
    count = {kind: sum(1 for rel in files if rel.startswith(kind + "/")) for kind in
             ("incidents", "maintenance", "postmortems", "runbooks")}
    return {**count, "files": len(files), "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of incidents")
    parser.add_argument("out", type=Path, help="content folder to create")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it holds a corpus already")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (args.force and (out / "site.yaml").exists()):
            parser.error(f"{out} is not empty (use --force to replace a corpus made earlier)")
        shutil.rmtree(out)
    counts = make_corpus(args.n, out, args.seed)
    print(
        f"{out}: {counts['incidents']} incidents, {counts['maintenance']} maintenance windows, "
        f"{counts['postmortems']} post-mortems, {counts['runbooks']} runbooks; "
        f"{counts['files']} files, {counts['bytes'] / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
