"""The knowledge base of the example organisation (content/), built with real MkDocs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.kb.engine import config_file
from tests.kbkit import article, build_kb, resolve, search_docs
from tests.sitekit import EXAMPLE, REPO, load
from tests.test_kb import check_links, check_offline


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_kb(EXAMPLE, tmp_path_factory.mktemp("example") / "site")


def test_every_incident_has_a_page_and_an_index_row(kb: Path) -> None:
    site = load(EXAMPLE).site
    index = article(kb, "incidents/index.html").get_text(" ", strip=True)
    assert site.incidents
    for incident in site.incidents:
        assert (kb / "incidents" / f"{incident.id}.html").is_file()
        assert incident.id in index
    assert any(not i.is_public for i in site.incidents), "the example should hold an internal incident"
    for incident in (i for i in site.incidents if not i.is_public):
        assert "never public" in article(kb, f"incidents/{incident.id}.html").get_text()


def test_incident_pages_link_every_runbook_of_affected_services(kb: Path) -> None:
    site = load(EXAMPLE).site
    for incident in site.incidents:
        rel = f"incidents/{incident.id}.html"
        linked = {resolve(kb, rel, a["href"]) for a in article(kb, rel).find_all("a", href=True)}
        affected = {impact.component for impact in incident.impact}
        for runbook in site.runbooks:
            if affected & set(runbook.services):
                assert kb / "runbooks" / runbook.path.replace(".md", ".html") in linked, (incident.id, runbook.path)


def test_roles_and_ttd_on_an_example_incident(kb: Path) -> None:
    # content/incidents/2026-11-20-checkout-errors.yaml (INC-2026-036): started 14:02, detected 14:09,
    # mitigated 14:51, resolved 16:30 -> TTD 7 min, TTM 49 min, TTR 2 h 28 min; incident
    # manager Dana Ruiz, communications lead Li Wei.
    text = article(kb, "incidents/INC-2026-036.html").get_text(" ", strip=True)
    assert "Dana Ruiz" in text and "Li Wei" in text
    assert re.search(r"\bTTD 7 min\b", text), text[:2000]
    assert re.search(r"\bTTM 49 min\b", text), text[:2000]
    assert re.search(r"\bTTR 2 h 28 min\b", text), text[:2000]


def test_alert_index_lists_every_alert(kb: Path) -> None:
    site = load(EXAMPLE).site
    text = article(kb, "runbooks/alerts.html").get_text(" ", strip=True)
    for runbook in site.runbooks:
        for alert in runbook.alerts:
            assert alert in text


def test_search_finds_review_text(kb: Path) -> None:
    site = load(EXAMPLE).site
    assert site.postmortems, "the example organisation has post-mortems (content/postmortems/)"
    review = site.postmortems[0]
    words = next(line for line in review.body.splitlines() if len(line.split()) > 6).split()[:4]
    phrase = " ".join(w.strip("*_`") for w in words)
    docs = [d for d in search_docs(kb) if d["location"].startswith(f"postmortems/{review.incident}.html")]
    assert any(phrase in re.sub(r"<[^>]+>", "", d["text"]) for d in docs), phrase


def test_no_broken_internal_links(kb: Path) -> None:
    check_links(kb)


def test_no_request_to_other_hosts(kb: Path) -> None:
    check_offline(kb)


def test_repository_config_is_used_and_matches_the_packaged_default() -> None:
    assert config_file(EXAMPLE) == REPO / "mkdocs.yml"
    packaged = REPO / "generator" / "kb" / "mkdocs.yml"
    assert (REPO / "mkdocs.yml").read_text(encoding="utf-8") == packaged.read_text(encoding="utf-8")
