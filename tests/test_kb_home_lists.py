"""The knowledge base's home page lists the 20 reviews and action items due first, and links to
the rest: an organisation with thousands overdue gets a home page one can read, and every item
is still listed in full on its own page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kbkit import article, build_kb, resolve
from tests.sitekit import make_content

INCIDENT = """\
id: INC-{n}
title: Slow checkout {n}
type: external
severity: minor
started_at: 2026-09-{day:02d}T08:00:00Z
resolved_at: 2026-09-{day:02d}T09:00:00Z
impact:
  - component: web
    level: degraded_performance
"""
ITEM = """\
  - id: AI-{n}
    title: Fix thing {n}
    owner: web-team
    priority: P2
    due: 2026-10-{day:02d}
    status: open
"""


def _site(root: Path, reviews_due: int, items_overdue: int) -> Path:
    files = {f"incidents/inc-{n}.yaml": INCIDENT.format(n=n, day=n) for n in range(1, reviews_due + 1)}
    # INC-0 is reviewed; its items are overdue on 2026-11-28
    files["incidents/inc-0.yaml"] = INCIDENT.format(n=0, day=30)
    items = "".join(ITEM.format(n=n, day=n) for n in range(1, items_overdue + 1))
    files["postmortems/INC-0.md"] = (f"---\nincident: INC-0\nauthors: [Dana Ruiz]\nstatus: reviewed\n"
                                     f"review_date: 2026-10-01\naction_items:\n{items}---\n## Summary\n\nFine.\n")
    return make_content(root / "content", files)


def _ids(table: object, prefix: str) -> list[str]:
    rows = table.select("tbody tr")  # type: ignore[attr-defined]
    return [r.select_one("td").get_text(strip=True) for r in rows if r.select_one("td").get_text().startswith(prefix)]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home")
    return build_kb(_site(root, reviews_due=23, items_overdue=21), root / "out")


def test_the_home_page_shows_the_twenty_due_first_and_links_to_the_rest(kb: Path) -> None:
    home = article(kb, "index.html")
    reviews, items = (t for t in home.select("table") if _ids(t, "INC-") or _ids(t, "AI-"))
    assert _ids(reviews, "INC-") == [f"INC-{n}" for n in range(1, 21)]  # earliest due first
    assert _ids(items, "AI-") == [f"AI-{n}" for n in range(1, 21)]
    text = home.get_text(" ", strip=True)
    assert "And 3 more reviews: see all reviews due ." in text  # (the link, then its full stop)
    assert "And 1 more overdue action item: see the follow-up tracker ." in text
    links = {a.get_text(): a["href"] for a in home.select("a")}
    assert links["all reviews due"].endswith("#reviews-due")
    assert resolve(kb, "index.html", links["all reviews due"]) == kb / "postmortems/index.html"
    assert resolve(kb, "index.html", links["the follow-up tracker"]) == kb / "follow-ups/index.html"
    # every one of them is on the pages the home page links to
    full = article(kb, "postmortems/index.html")
    assert full.select_one("#reviews-due") is not None
    assert sorted(i for t in full.select("table") for i in _ids(t, "INC-")) == sorted(
        f"INC-{n}" for n in range(0, 24))  # INC-0 in the reviews table, 1-23 due
    tracker = article(kb, "follow-ups/index.html")
    assert {f"AI-{n}" for n in range(1, 22)} <= {i for t in tracker.select("table") for i in _ids(t, "AI-")}


def test_a_short_list_is_shown_whole(tmp_path: Path) -> None:
    kb = build_kb(_site(tmp_path, reviews_due=20, items_overdue=2), tmp_path / "out")
    home = article(kb, "index.html")
    assert "more review" not in home.get_text() and "more overdue" not in home.get_text()
    reviews = next(t for t in home.select("table") if _ids(t, "INC-"))
    assert len(_ids(reviews, "INC-")) == 20
