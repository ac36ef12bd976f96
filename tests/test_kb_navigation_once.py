"""mkdocs_shortcuts.navigation_once_per_folder: Material's navigation rendered once per folder
for the pages outside it gives every page the HTML MkDocs' own build gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.kb import mkdocs_shortcuts
from tests.sitekit import REPO
from tests.test_kb_incremental import START, Builds, Edits, clean_build
from tests.treediff import differences


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Pages outside the navigation in folders of several depths (incidents, reviews, services,
    runbooks by service), beside the navigation's own pages in the same folders."""
    return Edits(tmp_path / "content", seed=11).root


def test_every_page_gets_its_own_navigation(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = Builds(tmp_path, monkeypatch)
    phased = builds.run(content, START)
    assert builds.last.rendered and not builds.last.reused
    folders = {mkdocs_shortcuts.url_folder(path) for path in phased if path.endswith(".html")}
    assert {"incidents", "postmortems", "services"} <= folders and any(f.startswith("runbooks/") for f in folders)
    assert differences(clean_build(content, START, tmp_path / "clean"), phased) == []


def test_an_overridden_navigation_is_rendered_for_every_page(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme folder's own navigation partial may show anything of the page: not repeated."""
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "nav.html").write_text('<nav class="mine">{{ page.url }} {{ page.title }}</nav>\n')
    settings = (REPO / "mkdocs.yml").read_text()
    assert "\ntheme:\n  name: material\n" in settings
    settings = settings.replace("\ntheme:\n  name: material\n",
                                f"\ntheme:\n  name: material\n  custom_dir: {overrides.parent}\n")
    (content.parent / "mkdocs.yml").write_text(settings)
    builds = Builds(tmp_path, monkeypatch)
    phased = builds.run(content, START)
    assert differences(clean_build(content, START, tmp_path / "clean"), phased) == []
    incident = (builds.out / "internal" / "incidents" / "INC-2.html").read_text()
    assert '<nav class="mine">incidents/INC-2.html INC-2: ' in incident


def test_url_folder_is_what_links_are_made_relative_to() -> None:
    from mkdocs.utils import get_relative_url

    for url in ("incidents/INC-1.html", "index.html", "runbooks/api/restart.html", "a/b/", "a.b/c", ""):
        for target in ("index.html", "incidents/index.html", "runbooks/api/x.html", "assets/kb.css"):
            assert get_relative_url(target, mkdocs_shortcuts.url_folder(url)) == get_relative_url(target, url)
