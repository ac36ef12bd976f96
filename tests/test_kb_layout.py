"""Knowledge-base pages that fit: wide pages give their tables the table of contents' room, ids
stay on one line, "overdue" is said once per row, and Material's search dialog has a name.
(How it looks in a browser: tests/test_kb_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kbkit import build_kb, page
from tests.sitekit import make_content
from tests.test_kb import INCIDENT, POSTMORTEM, UNREVIEWED

WIDE = ["index.html", "incidents/index.html", "postmortems/index.html", "services/index.html",
        "follow-ups/index.html", "follow-ups/figures.html", "metrics/index.html", "metrics/reliability.html"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb-layout")
    content = make_content(root / "content", {
        "incidents/inc-1.yaml": INCIDENT, "incidents/inc-3.yaml": UNREVIEWED, "postmortems/INC-1.md": POSTMORTEM,
    })
    return build_kb(content, root / "site")


def _toc_hidden(kb: Path, rel: str) -> bool:
    sidebar = page(kb, rel).select_one("div.md-sidebar--secondary")
    assert sidebar is not None, rel
    return sidebar.has_attr("hidden")


@pytest.mark.parametrize("rel", WIDE)
def test_pages_of_wide_tables_hide_the_table_of_contents(kb: Path, rel: str) -> None:
    assert _toc_hidden(kb, rel)


def test_record_pages_keep_their_table_of_contents(kb: Path) -> None:
    assert not _toc_hidden(kb, "incidents/INC-1.html")
    assert not _toc_hidden(kb, "postmortems/INC-1.html")


@pytest.mark.parametrize("rel", ["index.html", "follow-ups/index.html", "postmortems/INC-1.html"])
def test_overdue_is_said_once_per_row(kb: Path, rel: str) -> None:
    tables = [t for t in page(kb, rel).select("article table") if "Status" in [th.get_text() for th in t.select("th")]]
    rows = [row for table in tables for row in table.select("tr") if "AI-1" in row.get_text(" ")]
    assert rows, rel
    for row in rows:
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert row.get_text(" ").casefold().count("overdue") == 1, cells
        assert "open, overdue" in cells  # in the status; the due date is in bold
        due = row.find_all("td")[4]
        assert due.get_text(strip=True) == "2026-11-15" and due.find("strong") is not None


def test_ids_and_dates_in_tables_are_kept_on_one_line(kb: Path) -> None:
    home = page(kb, "index.html")
    (overdue,) = [row for row in home.select("article tr") if "AI-1" in row.get_text(" ")]
    marked = [e.get_text() for e in overdue.select(".kb-nowrap")]
    assert marked == ["AI-1", "2026-11-15", "INC-1"]
    incidents = page(kb, "incidents/index.html")
    (row,) = [r for r in incidents.select("article tbody tr") if r.find("a", string="INC-1")]
    assert row.find("a", string="INC-1")["class"] == ["kb-nowrap"]
    css = (kb / "assets" / "kb.css").read_text()
    assert ".kb-nowrap {\n  white-space: nowrap;" in css


def test_search_dialog_has_an_accessible_name(kb: Path) -> None:
    dialog = page(kb, "index.html").select_one("div.md-search")
    assert dialog is not None and dialog["role"] == "dialog" and dialog["aria-label"] == "Search"


def test_a_users_custom_dir_still_comes_first(tmp_path: Path) -> None:
    """Statuspress's template overrides sit below the user's own `custom_dir`, above Material."""
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": INCIDENT})
    mine = tmp_path / "my-overrides" / "partials"
    mine.mkdir(parents=True)
    (mine / "search.html").write_text('<div class="md-search my-search" role="dialog" aria-label="Find"></div>\n')
    default = (Path(__file__).resolve().parent.parent / "generator" / "kb" / "mkdocs.yml").read_text()
    (tmp_path / "mkdocs.yml").write_text(default.replace("  name: material\n", "  name: material\n  custom_dir: my-overrides\n"))
    site = build_kb(content, tmp_path / "site")
    dialog = page(site, "index.html").select_one("div.md-search")
    assert dialog is not None and dialog["class"] == ["md-search", "my-search"] and dialog["aria-label"] == "Find"
