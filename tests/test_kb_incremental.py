"""The incremental knowledge base: byte for byte what MkDocs' own `mkdocs build` makes of the
same Markdown, search index and sitemap included, after any sequence of edits; pages are
reused only while nothing they show changed (generator/kb/mkdocs_run.py, page_cache.py)."""

from __future__ import annotations

import dataclasses
import os
import random
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from generator.build import BuildRequest, build
from generator.context import RenderContext
from generator.kb import engine, mkdocs_run, page_cache, paths, registry, render_internal
from generator.kb.page_cache import KbCache
from generator.kb.pages import Page
from generator.kb.tree import generate, sync_tree
from generator.load import load_site
from generator.model import Site
from generator.problems import ContentError
from tests.sitekit import REPO, make_content, now, write_tree
from tests.treediff import differences, snapshot

START = now("2026-11-28T12:00:00Z")


def clean_build(content: Path, at: object, dest: Path) -> dict[str, str]:
    """The reference: the generated Markdown tree built by MkDocs' own build, nothing reused."""
    loaded = load_site(content, at)  # type: ignore[arg-type]
    assert not loaded.problems.errors, loaded.problems.errors
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        sync_tree(generate(loaded.site, at), docs)  # type: ignore[arg-type]
        config = engine.load(loaded.site, content, docs, dest)
        warnings, result = engine.run_build(config, at)  # type: ignore[arg-type]
        assert result is None  # MkDocs' own build ran
    return snapshot(dest)


class Builds:
    """Incremental builds of one content folder into one output folder, noting what each rendered."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.out, self.cache = tmp / "site", tmp / "cache"
        self.results: list[mkdocs_run.Result] = []
        self.said: list[str] = []
        original = mkdocs_run.build

        def spy(*args: object, **kwargs: object) -> mkdocs_run.Result:
            result = original(*args, **kwargs)  # type: ignore[arg-type]
            self.results.append(result)
            return result

        monkeypatch.setattr(mkdocs_run, "build", spy)

    def run(self, content: Path, at: object, strict: bool = False) -> dict[str, str]:
        self.said.clear()
        build(BuildRequest(content, self.out, at, targets=("internal",), strict=strict,  # type: ignore[arg-type]
                           progress=self.said.append, cache_dir=self.cache))
        return snapshot(self.out / "internal")

    @property
    def last(self) -> mkdocs_run.Result:
        return self.results[-1]


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    return Builds(tmp_path, monkeypatch)


# --------------------------------------------------------------------------- random content


SERVICES = ["api", "web", "vpn"]


def incident(rng: random.Random, number: int, at: object) -> str:
    start = START - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1000))
    kind = rng.choice(["external", "internal"])
    services = rng.sample(["api", "web"] if kind == "external" else SERVICES, rng.randint(1, 2))
    resolved = rng.random() < 0.85
    lines = [
        f"id: INC-{number}",
        f"title: Incident {number} {rng.choice(['errors', 'slow pages', 'timeouts', 'a | pipe'])}",
        f"type: {kind}",
        f"severity: {rng.choice(['major', 'medium', 'minor'])}",
        f"started_at: {start:%Y-%m-%dT%H:%M:%SZ}",
        f"detected_at: {start + timedelta(minutes=5):%Y-%m-%dT%H:%M:%SZ}",
        f"detection: {rng.choice(['monitoring', 'customer_report', 'employee'])}",
    ]
    if resolved:
        lines.append(f"mitigated_at: {start + timedelta(minutes=30):%Y-%m-%dT%H:%M:%SZ}")
        lines.append(f"resolved_at: {start + timedelta(minutes=90):%Y-%m-%dT%H:%M:%SZ}")
    lines.append("impact:")
    for service in services:
        lines += [f"  - component: {service}", f"    level: {rng.choice(['major_outage', 'partial_outage'])}"]
    lines += ["root_cause:", f"  type: {rng.choice(['deploy', 'config', 'capacity'])}", f"  service: {services[0]}"]
    lines += ["updates:", f"  - at: {start + timedelta(minutes=10):%Y-%m-%dT%H:%M:%SZ}",
              "    status: investigating", f"    body: We are looking into it ({rng.randint(1, 99)})."]
    if resolved:
        lines += [f"  - at: {start + timedelta(minutes=90):%Y-%m-%dT%H:%M:%SZ}", "    status: resolved",
                  "    body: Fixed."]
    lines += ["timeline:", f"  - at: {start + timedelta(minutes=6):%Y-%m-%dT%H:%M:%SZ}", "    by: pager",
              f"    text: Alert {rng.randint(1, 9)} fired."]
    return "\n".join(lines) + "\n"


def postmortem(rng: random.Random, number: int, others: list[int], runbooks: list[str], linked: dict[int, int]) -> str:
    """A review linking to other incidents (noted in `linked`), runbooks and service anchors:
    pages whose links the incremental build must follow when their targets come and go."""
    links = [f"See [the API page](../services/api.md#runbooks) and [a missing page](../incidents/INC-{999}.md)."]
    if others:
        other = rng.choice(others)
        linked[number] = other
        links.append(f"Like [an earlier one](../incidents/INC-{other}.md#times).")
    if runbooks:
        links.append(f"Runbook: [steps](../runbooks/{rng.choice(runbooks)}).")
    status = rng.choice(["draft", "reviewed", "published"])
    return textwrap.dedent(f"""\
        ---
        incident: INC-{number}
        authors: [Dana Ruiz]
        status: {status}
        public_summary: Summary {rng.randint(1, 99)}.
        action_items:
          - id: AI-{number}
            title: Fix thing {rng.randint(1, 99)}
            owner: {rng.choice(['api-team', 'sre'])}
            priority: {rng.choice(['P1', 'P2'])}
            due: 2026-{rng.randint(10, 12):02d}-15
            status: {rng.choice(['open', 'done'])}
        ---
        ## Summary

        {" ".join(links)}

        ## Details {{#details}}

        Text {rng.randint(1, 999)}.
        """)


def runbook(rng: random.Random, name: str) -> str:
    return textwrap.dedent(f"""\
        ---
        title: Runbook {name} {rng.randint(1, 9)}
        services: [{rng.choice(SERVICES)}]
        alerts: [Alert{rng.randint(1, 5)}]
        owner: sre
        last_reviewed: 2026-{rng.randint(1, 11):02d}-01
        ---
        ## Steps

        Restart it. Then read [the API page](../../services/api.md).
        """)


def services_yaml(rng: random.Random) -> str:
    name = rng.choice(["API", "Public API", "REST API"])
    return textwrap.dedent(f"""\
        groups: [Core, Internal]
        services:
          - id: api
            name: {name}
            group: Core
            slo: {rng.choice(['99.9', '99.5'])}
          - id: web
            name: Website
            group: Core
            slo: 99.5
          - id: vpn
            name: VPN
            group: Internal
            public: false
            slo: 99.0
        """)


class Edits:
    """A content folder and random valid edits to it: add, change and delete incidents,
    post-mortems and runbooks, change services, and let time pass."""

    def __init__(self, root: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        self.root = make_content(root)
        self.at = START
        self.incidents: list[int] = []
        self.reviews: list[int] = []
        self.runbooks: list[str] = []
        self.linked: dict[int, int] = {}  # review -> the incident it links to (its Markdown does not change when
        # that incident is deleted, only where its link leads)
        self.next = 1
        for _ in range(4):
            self.add_incident()
        self.add_review()
        self.add_runbook()

    def write(self, rel: str, text: str) -> None:
        write_tree(self.root, {rel: text})

    def add_incident(self) -> str:
        number, self.next = self.next, self.next + 1
        self.incidents.append(number)
        self.write(f"incidents/inc-{number}.yaml", incident(self.rng, number, self.at))
        return f"add incident {number}"

    def change_incident(self) -> str:
        number = self.rng.choice(self.incidents)
        self.write(f"incidents/inc-{number}.yaml", incident(self.rng, number, self.at))
        return f"change incident {number}"

    def delete_incident(self) -> str:
        if len(self.incidents) < 2:
            return self.add_incident()
        targets = sorted({self.linked[r] for r in self.reviews if r in self.linked} & set(self.incidents))
        number = self.rng.choice(targets if targets and self.rng.random() < 0.7 else self.incidents)
        self.incidents.remove(number)
        (self.root / f"incidents/inc-{number}.yaml").unlink()
        if number in self.reviews:
            self.reviews.remove(number)
            (self.root / f"postmortems/INC-{number}.md").unlink()
        return f"delete incident {number}"

    def add_review(self) -> str:
        free = [n for n in self.incidents if n not in self.reviews]
        if not free:
            return self.add_incident()
        number = self.rng.choice(free)
        self.reviews.append(number)
        others = [n for n in self.incidents if n != number]
        self.write(f"postmortems/INC-{number}.md", postmortem(self.rng, number, others, self.runbooks, self.linked))
        return f"add review {number}"

    def change_review(self) -> str:
        if not self.reviews:
            return self.add_review()
        number = self.rng.choice(self.reviews)
        others = [n for n in self.incidents if n != number]
        self.write(f"postmortems/INC-{number}.md", postmortem(self.rng, number, others, self.runbooks, self.linked))
        return f"change review {number}"

    def delete_review(self) -> str:
        if not self.reviews:
            return self.add_review()
        number = self.rng.choice(self.reviews)
        self.reviews.remove(number)
        (self.root / f"postmortems/INC-{number}.md").unlink()
        return f"delete review {number}"

    def add_runbook(self) -> str:
        name = f"{self.rng.choice(SERVICES)}/rb-{self.next}.md"
        self.next += 1
        self.runbooks.append(name)
        self.write(f"runbooks/{name}", runbook(self.rng, name))
        return f"add runbook {name}"

    def change_runbook(self) -> str:
        if not self.runbooks:
            return self.add_runbook()
        name = self.rng.choice(self.runbooks)
        self.write(f"runbooks/{name}", runbook(self.rng, name))
        return f"change runbook {name}"

    def delete_runbook(self) -> str:
        if not self.runbooks:
            return self.add_runbook()
        name = self.rng.choice(self.runbooks)
        self.runbooks.remove(name)
        (self.root / f"runbooks/{name}").unlink()
        return f"delete runbook {name}"

    def change_services(self) -> str:
        self.write("services.yaml", services_yaml(self.rng))
        return "change services"

    def pass_time(self) -> str:
        self.at += timedelta(days=self.rng.choice([0, 1, 20]), minutes=self.rng.randint(1, 300))
        return f"time passes to {self.at}"

    def random(self) -> str:
        edits = [self.add_incident, self.change_incident, self.delete_incident, self.delete_incident, self.add_review,
                 self.add_review, self.change_review, self.delete_review, self.add_runbook, self.change_runbook,
                 self.delete_runbook, self.change_services, self.pass_time]
        return self.rng.choice(edits)()


@pytest.mark.parametrize("seed", [9, 18])  # seeds that delete an incident a review links to, among others
def test_random_edit_sequences_give_the_clean_build_byte_for_byte(seed: int, tmp_path: Path, builds: Builds) -> None:
    edits = Edits(tmp_path / "content", seed)
    history = ["start"]
    builds.run(edits.root, edits.at)
    reused = 0
    for step in range(6):
        history.append(edits.random())
        if step % 2:  # sometimes two edits between builds
            history.append(edits.random())
        incremental = builds.run(edits.root, edits.at)
        clean = clean_build(edits.root, edits.at, tmp_path / f"clean-{step}")
        assert differences(clean, incremental) == [], history
        assert "search/search_index.json" in incremental and "sitemap.xml" in incremental
        reused += len(builds.last.reused)
    assert reused > 0, "no page was ever reused: the incremental build is not incremental"


# --------------------------------------------------------------------------- what is rendered


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Edits(tmp_path / "content", seed=7).root


def test_a_changed_incident_renders_its_page_not_the_others(content: Path, tmp_path: Path, builds: Builds) -> None:
    builds.run(content, START)
    assert builds.last.reused == []
    everything = set(builds.last.rendered)
    path = content / "incidents" / "inc-2.yaml"
    path.write_text(path.read_text().replace("title: Incident 2", "title: Renamed incident 2"))
    incremental = builds.run(content, START)
    rendered = set(builds.last.rendered)
    assert "incidents/INC-2.md" in rendered and "incidents/index.md" in rendered and "tags.md" in rendered
    assert "incidents/INC-1.md" not in rendered and "incidents/INC-3.md" in everything
    assert "incidents/INC-3.md" not in rendered and "severity.md" not in rendered
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    assert "Renamed incident 2" in (builds.out / "internal" / "incidents" / "INC-2.html").read_text()
    again = builds.run(content, START)  # the records kept are this build's, the reused ones as they were read
    assert builds.last.rendered == [] and differences(incremental, again) == []


def test_pages_made_from_unchanged_inputs_follow_what_they_show(content: Path, tmp_path: Path, builds: Builds) -> None:
    """Incident and review pages are generated again only when their inputs changed (pages.Keyed):
    a review's new status must still reach its incident's page, a service's new name every page
    naming it, and the build time the review of an open incident."""
    review = "---\nincident: INC-1\nstatus: draft\n---\nBody.\n"
    write_tree(content, {"postmortems/INC-1.md": review})
    builds.run(content, START)
    write_tree(content, {"postmortems/INC-1.md": review.replace("draft", "reviewed")})
    incremental = builds.run(content, START)
    assert "(reviewed)" in (builds.out / "internal" / "incidents" / "INC-1.html").read_text()
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    write_tree(content, {"services.yaml": services_yaml(random.Random(3)).replace("name: ", "name: Renamed ", 1)})
    incremental = builds.run(content, START + timedelta(hours=2))
    assert differences(clean_build(content, START + timedelta(hours=2), tmp_path / "clean2"), incremental) == []


def test_kept_calendars_and_charts_follow_what_they_show(content: Path, tmp_path: Path, builds: Builds) -> None:
    """The follow-up calendars and the metrics charts are keyed files, kept from the last build
    while their inputs are unchanged (metrics_pages.files): an hour later every event carries the
    new build time (DTSTAMP), and an incident's new severity reaches the chart of severities."""
    review = textwrap.dedent("""\
        ---
        incident: INC-1
        status: draft
        action_items:
          - id: AI-9
            title: Add an alert
            owner: sre
            priority: P1
            due: 2026-12-15
            status: open
        ---
        Body.
        """)
    write_tree(content, {"postmortems/INC-1.md": review})
    builds.run(content, START)
    chart = builds.out / "internal" / "metrics" / "charts" / "incidents-by-severity.svg"
    before = chart.read_bytes()
    later = START + timedelta(hours=1)
    incremental = builds.run(content, later)
    feed = (builds.out / "internal" / "follow-ups" / "action-items.ics").read_text()
    assert "DTSTAMP:20261128T130000Z" in feed and "AI-9" in feed
    assert differences(clean_build(content, later, tmp_path / "clean"), incremental) == []
    assert chart.read_bytes() == before
    path = content / "incidents" / "inc-2.yaml"
    text = path.read_text()
    severity = "minor" if "severity: minor" not in text else "major"
    path.write_text(re.sub(r"severity: \w+", f"severity: {severity}", text))
    incremental = builds.run(content, later)
    assert chart.read_bytes() != before
    assert differences(clean_build(content, later, tmp_path / "clean2"), incremental) == []


def test_nothing_changed_renders_nothing(content: Path, builds: Builds) -> None:
    first = builds.run(content, START)
    again = builds.run(content, START)
    assert builds.last.rendered == []
    assert differences(first, again) == []


def test_the_tag_listing_is_rendered_only_when_what_it_lists_changes(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    builds.run(content, START)
    path = content / "incidents" / "inc-2.yaml"
    path.write_text(path.read_text().replace("status: investigating", "status: identified"))  # not listed
    incremental = builds.run(content, START)
    assert "incidents/INC-2.md" in builds.last.rendered and "tags.md" in builds.last.reused
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    text = path.read_text()
    severity = "minor" if "severity: minor" not in text else "major"
    path.write_text(re.sub(r"severity: \w+", f"severity: {severity}", text))  # a new tag: `Severity: ...`
    incremental = builds.run(content, START)
    assert "tags.md" in builds.last.rendered
    assert differences(clean_build(content, START, tmp_path / "clean2"), incremental) == []
    listing = (builds.out / "internal" / "tags.html").read_text()
    assert f"Severity: {severity}" in listing


def test_a_page_edited_by_hand_in_the_published_site_is_rendered_again(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    builds.run(content, START)
    (builds.out / "internal" / "incidents" / "INC-1.html").write_text("defaced")
    incremental = builds.run(content, START)
    assert "incidents/INC-1.md" in builds.last.rendered
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_pages_reused_twice_are_reused_again_and_rendered_once_edited_by_hand(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    """A reused page's file status is kept without looking at it (page_cache.KbCache.placed:
    kept in the reserve, or a hard link to the published file): rebuilds that reuse every page
    go on reusing them, and a page edited by hand in the published site is still rendered."""
    builds.run(content, START)
    for _ in range(3):
        unchanged = builds.run(content, START)
        assert builds.last.rendered == [] and len(builds.last.reused) > 10
    (builds.out / "internal" / "incidents" / "INC-1.html").write_text("defaced")
    incremental = builds.run(content, START)
    assert builds.last.rendered == ["incidents/INC-1.md"]
    assert differences(unchanged, incremental) == []
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_a_deleted_link_target_renders_the_pages_linking_to_it(content: Path, tmp_path: Path, builds: Builds) -> None:
    review = "---\nincident: INC-1\nstatus: draft\n---\nSee [INC-2](../incidents/INC-2.md#times).\n"
    write_tree(content, {"postmortems/INC-1.md": review})
    builds.run(content, START)
    (content / "incidents" / "inc-2.yaml").unlink()
    for left in (content / "postmortems").glob("INC-2.md"):
        left.unlink()
    incremental = builds.run(content, START)
    assert "postmortems/INC-1.md" in builds.last.rendered  # its link now points nowhere
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    html = (builds.out / "internal" / "postmortems" / "INC-1.html").read_text()
    assert 'href="../incidents/INC-2.md#times"' in html  # left as written, as MkDocs does


def test_mkdocs_yml_change_renders_everything(content: Path, tmp_path: Path, builds: Builds) -> None:
    builds.run(content, START)
    settings = (REPO / "generator" / "kb" / "mkdocs.yml").read_text()
    (content.parent / "mkdocs.yml").write_text(settings.replace("navigation.top", "navigation.tracking"))
    incremental = builds.run(content, START)
    assert builds.last.reused == []
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_a_file_added_to_the_themes_own_folder_is_published(content: Path, tmp_path: Path, builds: Builds) -> None:
    """The theme's list of static files is kept from the last build (mkdocs_run._add_theme_files)
    only while the theme's folders are as they were: a script added to `custom_dir` between two
    builds is published, as a clean build publishes it."""
    overrides = content.parent / "overrides"
    write_tree(overrides, {"assets/first.js": "// first\n"})
    settings = (REPO / "generator" / "kb" / "mkdocs.yml").read_text()
    (content.parent / "mkdocs.yml").write_text(settings.replace("  name: material\n",
                                                                "  name: material\n  custom_dir: overrides\n", 1))
    first = builds.run(content, START)
    assert "assets/first.js" in first
    write_tree(overrides, {"assets/added.js": "// added\n"})
    incremental = builds.run(content, START)
    assert (builds.out / "internal" / "assets" / "added.js").read_text() == "// added\n"
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_a_new_theme_or_plugin_version_renders_everything(
    content: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds.run(content, START)
    real = mkdocs_run.version
    monkeypatch.setattr(mkdocs_run, "version", lambda name: "9.99.0" if name == "mkdocs-material" else real(name))
    builds.run(content, START)
    assert builds.last.reused == []


def test_a_navigation_change_renders_everything(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds.run(content, START)
    extra = Page("extra/index.md", "Extra", "Extra", lambda site, at: "# Extra\n", order=65)
    monkeypatch.setattr(registry, "PAGES", [*registry.PAGES, extra])
    incremental = builds.run(content, START)
    assert builds.last.reused == []
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_a_new_navigation_title_renders_everything(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A navigation page's title comes from its front matter and shows in its neighbours' footers."""
    builds.run(content, START)
    rows = [Page(p.path, p.title, p.section, _retitled(p.produce), p.order) if p.path == "runbooks/index.md" else p
            for p in registry.PAGES]
    monkeypatch.setattr(registry, "PAGES", rows)
    incremental = builds.run(content, START)
    assert builds.last.reused == []
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    footer = (builds.out / "internal" / "runbooks" / "alerts.html").read_text()
    assert "Playbooks" in footer


def _retitled(produce: Callable[[Site, datetime], str]) -> Callable[[Site, datetime], str]:
    return lambda site, at: produce(site, at).replace('title: "Runbooks"', 'title: "Playbooks"', 1)


def test_warnings_of_reused_pages_are_reported_again_and_fail_strict_builds(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    review = "---\nincident: INC-1\nstatus: draft\n---\nSee [the runbook](../runbooks/missing.md).\n"
    write_tree(content, {"postmortems/INC-1.md": review})
    warning = ("knowledge base: warning: Doc file 'postmortems/INC-1.md' contains a link '../runbooks/missing.md', "
               "but the target 'runbooks/missing.md' is not found among documentation files.")
    builds.run(content, START)
    assert "postmortems/INC-1.md" not in builds.last.reused and warning in builds.said
    builds.run(content, START)
    assert "postmortems/INC-1.md" in builds.last.reused and warning in builds.said
    context = RenderContext(START, content, builds.out / "internal", builds.cache, strict=True)
    site = load_site(content, START).site  # its content warnings are not MkDocs' business here
    with pytest.raises(ContentError, match="missing.md"):
        render_internal(site, tmp_path / "strict", context)
    assert "postmortems/INC-1.md" in builds.last.reused


# --------------------------------------------------------------------------- workers


def test_pages_rendered_in_workers_give_the_same_site(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")  # even for a small site on one core
    forked = builds.run(content, START)
    assert differences(clean_build(content, START, tmp_path / "clean"), forked) == []
    # the incidents index was made in a worker: its rows (links relative to incidents/) came back to be kept
    kept = KbCache(builds.cache, builds.out / "internal").rows.known.values()
    assert any(row[0].startswith("[INC-2](INC-2.md)") for row in kept), list(kept)[:3]
    path = content / "incidents" / "inc-3.yaml"
    path.write_text(path.read_text().replace("title: Incident 3", "title: Other"))
    incremental = builds.run(content, START + timedelta(minutes=5))
    assert builds.last.reused
    assert differences(clean_build(content, START + timedelta(minutes=5), tmp_path / "clean2"), incremental) == []


def test_charts_a_rebuild_draws_meanwhile_give_the_clean_build(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild draws the charts to draw in a process of its own while it makes the rest
    (registry.produce_all, workers.meanwhile): a new severity redraws the chart of severities
    there, and the site is the clean build's."""
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")  # even for a small site on one core
    builds.run(content, START)
    drawn: list[list[str]] = []
    original = registry.meanwhile

    def spy(run: Callable[[], object]) -> Callable[[], object]:
        drawn.append([entry.path for entry in run.args[0]])  # type: ignore[attr-defined]
        return original(run)

    monkeypatch.setattr(registry, "meanwhile", spy)
    path = content / "incidents" / "inc-2.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"severity: \w+", "severity: minor" if "severity: minor" not in text else "severity: major",
                           text))
    incremental = builds.run(content, START)
    assert drawn and "metrics/charts/incidents-by-severity.svg" in drawn[0]
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


# --------------------------------------------------------------------------- the internals relied on


def test_the_mkdocs_internals_relied_on_are_still_there() -> None:
    """If this fails, MkDocs or Material changed inside: read generator/kb/mkdocs_run.py again
    before trusting incremental or parallel knowledge-base builds."""
    assert mkdocs_run.assumptions() == []


def test_the_configuration_salt_is_the_same_in_every_process(content: Path) -> None:
    code = textwrap.dedent(f"""\
        from pathlib import Path
        from generator.kb import engine, mkdocs_run
        from generator.load import load_site
        from generator.load.fields import parse_time
        content = Path({str(content)!r})
        site = load_site(content, parse_time("2026-11-28T12:00:00Z")).site
        config = engine.load(site, content, content, None)
        config.plugins.on_startup(command="build", dirty=False)
        print(mkdocs_run.config_salt(config.plugins.on_config(config)))
        """)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}) for seed in (1, 2)]
    assert all(run.returncode == 0 for run in runs), [run.stderr[-2000:] for run in runs]
    salts = {run.stdout for run in runs}
    assert len(salts) == 1 and len(next(iter(salts)).strip()) == 64


# --------------------------------------------------------------------------- what a rebuild leaves alone


def test_a_rebuild_never_writes_into_the_published_knowledge_base(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reused pages are hard links to the published ones: the staging folder (the reserve
    generation, swapped in afterwards) holds links to them, so writing a page there in place
    would change the site being served, mid-build. Each build must leave it as it was."""
    published = builds.out / "internal"
    seen: list[list[str]] = []
    original = mkdocs_run.build

    def checked(*args: object, **kwargs: object) -> mkdocs_run.Result:
        before = snapshot(published) if published.is_dir() else {}
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(differences(before, snapshot(published) if published.is_dir() else {}))
        return result

    monkeypatch.setattr(mkdocs_run, "build", checked)
    builds.run(content, START)
    for number in (2, 3, 2, 3):  # each page rendered in turn into a reserve that links to the published one
        path = content / "incidents" / f"inc-{number}.yaml"
        path.write_text(path.read_text().replace(f"title: Incident {number}", f"title: Incident {number} again"))
        incremental = builds.run(content, START)
        assert f"incidents/INC-{number}.md" in builds.last.rendered and builds.last.reused
        assert differences(clean_build(content, START, tmp_path / f"clean-{len(seen)}"), incremental) == []
    assert seen == [[]] * 5


def test_a_cold_build_leaves_its_pages_as_the_reserve_so_the_next_build_links_none(
    content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first rebuild after a cold build finds every unchanged page in the reserve
    generation, as every later rebuild does: the cold build links its pages into the folder
    that becomes the reserve (KbCache.mirror), instead of the next build linking each from the
    published site into an empty folder."""
    builds.run(content, START)
    published, reserve = builds.out / "internal", builds.out / ".internal.reserve"
    pages = sorted(builds.last.destinations.values())
    assert sorted(p.relative_to(reserve).as_posix() for p in reserve.rglob("*") if p.is_file()) == pages
    assert all((reserve / page).stat().st_ino == (published / page).stat().st_ino for page in pages)
    linked: list[str] = []
    original = page_cache._link
    monkeypatch.setattr(page_cache, "_link", lambda source, destination: linked.append(destination)
                        or original(source, destination))
    rendered: set[str] = set()  # the second rebuild links what the first rendered, as every later one does
    for number in (2, 3):
        path = content / "incidents" / f"inc-{number}.yaml"
        path.write_text(path.read_text().replace(f"title: Incident {number}", f"title: Incident {number} again"))
        incremental = builds.run(content, START)
        assert f"incidents/INC-{number}.md" in builds.last.rendered and len(builds.last.reused) > 10
        expected = sorted(builds.last.destinations[uri] for uri in rendered & set(builds.last.reused))
        assert sorted("/".join(Path(d).relative_to(builds.out).parts[1:]) for d in linked) == expected
        rendered, linked[:] = set(builds.last.rendered), []
        assert differences(clean_build(content, START, tmp_path / f"clean-{number}"), incremental) == []


@pytest.mark.parametrize(("page", "heading"), [("incidents/INC-1", "## Times"),  # a keyed page
                                               ("incidents/index", "# Incidents")])  # the overview's
def test_a_kept_markdown_file_changed_by_hand_is_made_again(
        page: str, heading: str, content: Path, tmp_path: Path, builds: Builds) -> None:
    """The kept Markdown tree is trusted unread only while each file is as the build wrote it."""
    builds.run(content, START)
    kept = next(builds.cache.glob("render/internal-*-docs")) / f"{page}.md"
    kept.write_text(kept.read_text().replace(heading, "## Tampered"))
    settings = (REPO / "generator" / "kb" / "mkdocs.yml").read_text()
    (content.parent / "mkdocs.yml").write_text(settings.replace("navigation.top", "navigation.tracking"))
    incremental = builds.run(content, START)  # renders every page, this one from its Markdown
    assert "Tampered" not in (builds.out / "internal" / f"{page}.html").read_text()
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []


def test_time_passing_a_review_deadline_reaches_every_page_showing_it(tmp_path: Path, builds: Builds) -> None:
    """An external incident resolved 2026-11-14 10:00 has its review due 14 days later
    (review_deadline_days): the same files built an hour before and an hour after show it due,
    then overdue, on its own page as on the index pages."""
    rng = random.Random(5)
    text = incident(rng, 1, START).replace("type: internal", "type: external")
    text = re.sub(r"started_at: .*", "started_at: 2026-11-14T08:00:00Z", text)
    text = re.sub(r"resolved_at: .*", "resolved_at: 2026-11-14T10:00:00Z", text)
    if "resolved_at" not in text:
        text = text.replace("impact:", "mitigated_at: 2026-11-14T09:00:00Z\nresolved_at: 2026-11-14T10:00:00Z\nimpact:")
    text = re.sub(r"(detected_at|mitigated_at): .*", r"\1: 2026-11-14T09:00:00Z", text)
    text = re.sub(r"  - at: .*", "  - at: 2026-11-14T08:30:00Z", text)
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": text})
    before, after = now("2026-11-28T09:00:00Z"), now("2026-11-28T11:00:00Z")
    builds.run(content, before)
    page = (builds.out / "internal" / "incidents" / "INC-1.html").read_text()
    assert "The review is due on 2026-11-28" in page and "overdue" not in page
    incremental = builds.run(content, after)
    assert "incidents/INC-1.md" in builds.last.rendered
    page = (builds.out / "internal" / "incidents" / "INC-1.html").read_text()
    assert "No review yet — overdue" in page
    assert "overdue" in (builds.out / "internal" / "incidents" / "index.html").read_text()
    assert differences(clean_build(content, after, tmp_path / "clean"), incremental) == []


# --------------------------------------------------------------------------- search entries and tags


def test_search_entries_of_reused_pages_come_from_the_published_index_as_written(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    """Reused pages' search entries are taken from the published search index (page_cache.py),
    by where the last build wrote each page's: a changed page's new entries reach the index in
    its place while the others' stay, and an index edited or replaced by hand is never taken
    from (every page with entries is rendered again)."""
    builds.run(content, START)
    path = content / "incidents" / "inc-2.yaml"
    path.write_text(path.read_text().replace("title: Incident 2", "title: Searchable renamed incident 2"))
    incremental = builds.run(content, START)
    assert builds.last.rendered and len(builds.last.reused) > 10
    index = builds.out / "internal" / "search" / "search_index.json"
    assert "Searchable renamed incident 2" in index.read_text()
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    again = builds.run(content, START)  # every page reused, each one's entries where this build wrote them
    assert builds.last.rendered == [] and differences(incremental, again) == []
    text = index.read_text()
    index.unlink()  # replaced by hand, the same size: not the file written
    index.write_text(text.replace("Searchable renamed", "Searchable defaced"))
    incremental = builds.run(content, START)
    assert "incidents/INC-2.md" in builds.last.rendered and "incidents/INC-1.md" in builds.last.rendered
    assert differences(again, incremental) == []


def test_pages_sharing_a_tag_list_keep_their_own_tags_when_one_list_changes(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    """The tags plugin's validation is made once per distinct tag list (mkdocs_shortcuts.
    tags_configured_once): incidents alike in every tag share one list, and a list edited on
    one of them (a new severity, a service more) reaches its page, the tags page and the
    search index as a clean build makes them, the others' tags left as they were."""
    for number in (1, 2, 3):
        path = content / "incidents" / f"inc-{number}.yaml"
        text = re.sub(r"severity: \w+", "severity: minor", path.read_text())
        text = re.sub(r"type: \w+", "type: external", text)
        text = re.sub(r"started_at: 20\d\d", "started_at: 2026", text)
        text = re.sub(r"impact:\n(  - .*\n    level: .*\n)+", "impact:\n  - component: api\n    level: partial_outage\n",
                      text)
        text = re.sub(r"root_cause:\n  type: \w+\n  service: \w+", "root_cause:\n  type: deploy\n  service: api", text)
        path.write_text(text)
    builds.run(content, START)
    kept = next(builds.cache.glob("render/internal-*-docs"))
    lists = {(kept / "incidents" / f"INC-{n}.md").read_text().split("\n---\n")[0].split("tags:")[1] for n in (1, 2, 3)}
    assert len(lists) == 1  # one list, shared
    path = content / "incidents" / "inc-2.yaml"
    path.write_text(path.read_text().replace("severity: minor", "severity: major"))
    incremental = builds.run(content, START)
    assert "tags.md" in builds.last.rendered
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    page = (builds.out / "internal" / "incidents" / "INC-2.html").read_text()
    assert "Severity: major" in page and "Severity: minor" not in page
    assert "Severity: minor" in (builds.out / "internal" / "incidents" / "INC-3.html").read_text()


def test_tags_configured_once_per_name_keep_hierarchies_and_shadow_tags(
    content: Path, tmp_path: Path, builds: Builds
) -> None:
    """Each distinct tag is configured once and shared by every list holding it (mkdocs_shortcuts.
    tags_configured_once): with hierarchical tags (`Severity: minor` under `Severity`) and shadow
    tags (the years, hidden), pages, the tags page and the search index are what MkDocs' own
    build makes, before and after a tag list changes."""
    settings = (REPO / "generator" / "kb" / "mkdocs.yml").read_text()
    tags = '  - tags:\n      tags_hierarchy: true\n      tags_hierarchy_separator: ": "\n      shadow_tags_prefix: "Year"\n'
    assert "  - tags\n" in settings
    (content.parent / "mkdocs.yml").write_text(settings.replace("  - tags\n", tags))
    first = builds.run(content, START)
    assert differences(clean_build(content, START, tmp_path / "clean"), first) == []
    path = content / "incidents" / "inc-2.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"severity: \w+", "severity: major" if "severity: minor" in text else "severity: minor", text))
    incremental = builds.run(content, START)
    assert builds.last.reused
    assert differences(clean_build(content, START, tmp_path / "clean-2"), incremental) == []


# --------------------------------------------------------------------------- the overview (overview.py)


def test_an_update_or_a_review_paragraph_keeps_the_overview_and_reaches_its_own_page(
        content: Path, tmp_path: Path, builds: Builds) -> None:
    """One more update on an incident, or a paragraph added to a review, changes no summary
    (summary.py): the index, service and metrics pages are kept whole, and the incident's or
    review's own page still shows the new text; then a changed severity (in the summary)
    reaches the index again."""
    builds.run(content, START)
    incident_file, review_file = content / "incidents" / "inc-2.yaml", next((content / "postmortems").glob("*.md"))
    review_page = builds.out / "internal" / "postmortems" / f"{review_file.stem}.html"
    text = incident_file.read_text()
    incident_file.write_text(text.replace("updates:\n", "updates:\n  - at: 2026-11-28T11:59:00Z\n"
                                          "    status: identified\n    body: One more update.\n", 1))
    incremental = builds.run(content, START)
    assert "One more update." in (builds.out / "internal" / "incidents" / "INC-2.html").read_text()
    assert differences(clean_build(content, START, tmp_path / "clean"), incremental) == []
    review_file.write_text(review_file.read_text() + "\nA paragraph added to the review.\n")
    incremental = builds.run(content, START)
    assert "A paragraph added to the review." in review_page.read_text()
    assert differences(clean_build(content, START, tmp_path / "clean2"), incremental) == []
    severity = re.search(r"severity: (\w+)", text)
    assert severity is not None
    other = "minor" if severity.group(1) != "minor" else "major"
    incident_file.write_text(incident_file.read_text().replace(f"severity: {severity.group(1)}", f"severity: {other}"))
    incremental = builds.run(content, START)
    assert differences(clean_build(content, START, tmp_path / "clean3"), incremental) == []
    index = (builds.out / "internal" / "incidents" / "index.html").read_text()
    row = next(r for r in re.findall(r"<tr>.*?</tr>", index, re.S) if "INC-2.html" in r)
    assert f"<td>{other}</td>" in row



# --------------------------------------------------------------------------- the clock moved on (overview.py)


OPEN_INCIDENT = """\
id: INC-90
title: The API failing
type: external
severity: major
started_at: 2026-11-28T06:00:00Z
detected_at: 2026-11-28T06:05:00Z
impact:
  - component: api
    level: major_outage
root_cause:
  type: deploy
  service: api
"""


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each navigation page is made, from now on."""
    made: dict[str, int] = {}

    def counted(page: Page) -> Page:
        def produce(site: Site, at: datetime) -> str:
            made[page.path] = made.get(page.path, 0) + 1
            return page.produce(site, at)

        return dataclasses.replace(page, produce=produce)

    monkeypatch.setattr(registry, "PAGES", [counted(p) for p in registry.PAGES])
    return made


def test_a_rebuild_with_the_clock_moved_on_is_the_clean_build_and_keeps_the_pages_of_the_day(
        content: Path, tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `serve --internal` and CI do: the same content, `--now` 40 minutes on, an incident
    open. The pages showing the time or the API's availability are made again and show it; the
    pages that read of the clock only the day and the review deadlines passed (overview.DAY)
    are not made again; the site is a clean build's at that time, search index and sitemap
    included."""
    write_tree(content, {"incidents/inc-90.yaml": OPEN_INCIDENT})
    made = _counting(monkeypatch)
    first = builds.run(content, START)
    assert made[paths.INCIDENTS] == 1 and made[paths.HOME] == 1
    made.clear()
    later = START + timedelta(minutes=40)
    incremental = builds.run(content, later)
    assert made == {paths.HOME: 1, paths.SERVICES: 1, "metrics/index.md": 1, "metrics/reliability.md": 1}
    assert differences(clean_build(content, later, tmp_path / "clean"), incremental) == []
    assert "search/search_index.json" in incremental and "sitemap.xml" in incremental
    changed = differences(first, incremental)
    assert {"index.html", "services/api.html", "services/index.html", "metrics/index.html"} <= set(changed)
    assert "Built 2026-11-28 12:40 UTC" in (builds.out / "internal" / "index.html").read_text()
    assert "incidents/index.md" in builds.last.reused and "follow-ups/index.md" in builds.last.reused


def test_a_review_deadline_or_a_new_day_passing_makes_the_pages_of_the_day_again(
        tmp_path: Path, builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages kept while the clock moves on (overview.DAY) read of it the day and which
    review deadlines passed: an external incident resolved 2026-11-14 10:00 is due for review at
    2026-11-28 10:00, so at 10:01 the incidents index says overdue; an action item due
    2026-11-28 is overdue on the tracker from 2026-11-29 00:00. Each time the site is a clean
    build's."""
    resolved = OPEN_INCIDENT.replace("2026-11-28T06", "2026-11-14T08").replace("INC-90", "INC-91") + (
        "mitigated_at: 2026-11-14T09:00:00Z\nresolved_at: 2026-11-14T10:00:00Z\n")
    review = ("---\nincident: INC-90\nstatus: draft\naction_items:\n  - id: AI-7\n    title: Add an alert\n"
              "    owner: sre\n    priority: P1\n    due: 2026-11-28\n    status: open\n---\nBody.\n")
    content = make_content(tmp_path / "content", {"incidents/inc-90.yaml": OPEN_INCIDENT,
                                                  "incidents/inc-91.yaml": resolved, "postmortems/INC-90.md": review})
    made = _counting(monkeypatch)
    steps = [("2026-11-28T09:59:00Z", 'due <span class="kb-nowrap">2026-11-28</span>', "**0 overdue**"),
             ("2026-11-28T10:01:00Z", "**overdue** (due", "**0 overdue**"),
             ("2026-11-28T23:59:00Z", "**overdue** (due", "**0 overdue**"),
             ("2026-11-29T00:01:00Z", "**overdue** (due", "**1 overdue**")]
    for number, (at, review_state, items) in enumerate(steps):
        made.clear()
        incremental = builds.run(content, now(at))
        assert made.get(paths.INCIDENTS) == (None if number == 2 else 1), at  # 23:59: nothing passed since 10:01
        assert differences(clean_build(content, now(at), tmp_path / f"clean-{number}"), incremental) == []
        kept = next(builds.cache.glob("render/internal-*-docs"))
        row = next(line for line in (kept / "incidents/index.md").read_text().splitlines() if "INC-91" in line)
        assert review_state in row, (at, row)
        assert items in (kept / "follow-ups/index.md").read_text(), at
