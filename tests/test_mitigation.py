"""An impact without `to` ends at the incident's mitigation (when user impact stopped), else at
its resolution: on the pages, in uptime, the API, the knowledge base, validation and `resolve`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import load, make_content
from tests.test_public_feeds import build_public

#: Major outage of the API from 11:00, mitigated 13:20, resolved 13:47, no `to` on the impact.
MITIGATED = """\
id: INC-4
title: Checkout errors
type: external
severity: major
started_at: 2026-11-28T11:00:00Z
mitigated_at: 2026-11-28T13:20:00Z
resolved_at: 2026-11-28T13:47:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T11:10:00Z
    status: investigating
    body: Looking.
  - at: 2026-11-28T13:30:00Z
    status: monitoring
    body: Errors are back to normal.
  - at: 2026-11-28T13:47:00Z
    status: resolved
    body: Fixed.
"""


def soup(public: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((public / path).read_text(encoding="utf-8"), "html5lib")


def words(node: object) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def test_the_impact_ends_at_mitigation_in_bars_uptime_and_pages(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": MITIGATED})
    public = build_public(content, tmp_path / "out", "2026-11-29T12:00:00Z")
    # 28 Nov: 11:00 to 13:20 of major outage = 8,400 s; 1 - 8400/86400 = 90.277...% -> 90.27%
    # (to the resolution, 13:47, it would be 10,020 s: 88.40%).
    home = soup(public, "index.html")
    day = home.select("#component-api ol.bars > li")[-2]
    assert words(day) == "28 Nov 2026: 90.27% uptime, major outage. Checkout errors."
    detail = soup(public, "incidents/INC-4.html")
    [impact] = [words(li) for li in detail.select("ul.impacts li")]
    assert impact.endswith("from 28 Nov 2026, 11:00 UTC to 28 Nov 2026, 13:20 UTC")
    # The monitoring update (13:30) comes after the mitigation: the API is operational again.
    incidents = json.loads((public / "api/v2/incidents.json").read_text(encoding="utf-8"))["incidents"]
    updates = {u["status"]: u["affected_components"][0] for u in incidents[0]["incident_updates"]}
    assert (updates["investigating"]["new_status"], updates["monitoring"]["new_status"]) == ("major_outage", "operational")


def test_a_mitigated_open_incident_no_longer_holds_its_components_down(tmp_path: Path) -> None:
    # At 13:30 the incident is open (resolved at 13:47 is later) but mitigated at 13:20.
    content = make_content(tmp_path / "content", {"incidents/a.yaml": MITIGATED})
    public = build_public(content, tmp_path / "out", "2026-11-28T13:30:00Z")
    status = json.loads((public / "api/v2/status.json").read_text(encoding="utf-8"))["status"]
    assert status == {"indicator": "none", "description": "All Systems Operational"}
    home = soup(public, "index.html")
    assert words(home.select_one("#component-api .status")).endswith("Operational")
    assert "Checkout errors" in words(home.select_one("section[aria-labelledby=active-title]"))


def test_a_span_that_begins_after_the_mitigation_needs_its_own_end(tmp_path: Path) -> None:
    late = MITIGATED.replace("    level: major_outage\n", "    level: major_outage\n    from: 2026-11-28T13:25:00Z\n")
    content = make_content(tmp_path / "content", {"incidents/a.yaml": late})
    result = CliRunner().invoke(main, ["validate", "--content", str(content), "--now", "2026-11-29T00:00:00Z"])
    assert result.exit_code == 1
    # The impact entry starts on line 9 of the file (`  - component: api`).
    assert (f"{content}/incidents/a.yaml:9: impact[0].from is after the incident's mitigated_at, where an "
            "impact without `to` ends: give this impact its own `to`") in result.output


def test_the_knowledge_base_and_the_review_scaffold_end_it_at_mitigation(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": MITIGATED})
    result = CliRunner().invoke(main, ["postmortem", "INC-4", "--content", str(content), "--now", "2026-11-29T00:00:00Z"])
    assert result.exit_code == 0, result.output
    review = (content / "postmortems" / "INC-4.md").read_text(encoding="utf-8")
    assert "| API | major outage | 2026-11-28 11:00 UTC | 2026-11-28 13:20 UTC |" in review


OPEN = """\
id: INC-5
title: Checkout errors
type: external
severity: major
started_at: 2026-11-28T11:00:00Z
mitigated_at: 2026-11-28T13:20:00Z
impact:
  - component: api
    level: major_outage
  - component: web
    level: degraded_performance
    from: 2026-11-28T13:40:00Z
updates:
  - at: 2026-11-28T11:10:00Z
    status: investigating
    body: Looking.
"""


def test_resolve_leaves_spans_to_end_at_the_mitigation(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/a.yaml": OPEN})
    result = CliRunner().invoke(main, ["resolve", "INC-5", "--content", str(content), "--now", "2026-11-28T14:00:00Z"])
    assert result.exit_code == 0, result.output
    written = yaml.load((content / "incidents" / "a.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    # The API span keeps no `to` (it ends at the mitigation, 13:20, not at 14:00); the website
    # span began after the mitigation (13:40), so it is closed at the resolution.
    assert [s.get("to") for s in written["impact"]] == [None, "2026-11-28T14:00:00Z"]
    [found] = load(content, "2026-11-28T14:00:00Z").site.incidents
    assert str(found.mitigated_at) == "2026-11-28 13:20:00+00:00"
    public = build_public(content, tmp_path / "out", "2026-11-28T15:00:00Z")
    impacts = [words(li) for li in soup(public, "incidents/INC-5.html").select("ul.impacts li")]
    assert impacts[0].endswith("to 28 Nov 2026, 13:20 UTC") and impacts[1].endswith("to 28 Nov 2026, 14:00 UTC")
