"""Names and titles are text in every feed: no element or markup where a reader expects text.

RSS 2.0 does not say whether a title or description is text or HTML, and readers (feedparser
among them) take the channel description, and anything that looks like markup, for HTML. So the
RSS channel title and description, item titles and category labels are escaped once more; Atom
marks them as text. Before, `<script>` in a site or component name reached the RSS description
as markup, and `plain()` turned a title written `&lt;script&gt;` into `<script>`.
"""

from __future__ import annotations

import html
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from tests.sitekit import NOW, make_content

NAME = "<script>alert(1)</script> Acme & Co"
GROUP = "<b>Core</b>"
COMPONENT = "<img src=x onerror=alert(2)> API"
TITLE = "&lt;script&gt;alert(3)&lt;/script&gt; <i>errors</i>"

SITE = f"""\
name: "{NAME}"
base_url: https://status.acme.example/
"""

SERVICES = f"""\
groups: ["{GROUP}"]
services:
  - id: api
    name: "{COMPONENT}"
    group: "{GROUP}"
"""

INCIDENT = f"""\
id: INC-1
title: "{TITLE}"
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: Looking into it.
"""


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feed-text")
    content = make_content(root / "content", {"site.yaml": SITE, "services.yaml": SERVICES, "incidents/a.yaml": INCIDENT})
    out = root / "site"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--public",
                                       "--no-cache", "--now", NOW], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "public" / "feeds"


def shown(detail: dict[str, str], value: str, rss: bool) -> str:
    """The text a reader shows for a feed field. In RSS, which never says text or HTML, the
    value must hold no element (a reader may parse it as HTML), and is shown decoded; Atom
    says text, so its markup characters are text."""
    if rss:
        assert BeautifulSoup(value, "html.parser").find(True) is None, value
        return html.unescape(value)
    assert detail["type"] == "text/plain"
    return value


@pytest.mark.parametrize("name", ["all", "components/api"])
def test_rss_and_atom_show_names_and_titles_as_written(feeds: Path, name: str) -> None:
    files = sorted(feeds.glob(f"{name}.*"))
    assert {p.suffix for p in files} == {".rss", ".atom"}
    for path in files:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, path
        rss = path.suffix == ".rss"
        title = shown(feed.feed.title_detail, feed.feed.title, rss)
        assert title == (NAME if name == "all" else f"{NAME}: {COMPONENT}")
        subtitle = shown(feed.feed.subtitle_detail, feed.feed.subtitle, rss)
        assert subtitle.startswith("Incidents and maintenance") and NAME in subtitle
        entry = feed.entries[0]
        assert shown(entry.title_detail, entry.title, rss) == f"Investigating: {TITLE}"
        labels = [tag.get("label") or tag.get("term") for tag in entry.tags]
        if rss:
            labels = [html.unescape(label) for label in labels]
            assert all(BeautifulSoup(tag.term, "html.parser").find(True) is None for tag in entry.tags)
        assert labels == [COMPONENT]


def test_a_group_feed_title_is_text(feeds: Path) -> None:
    for path in sorted(feeds.glob("groups/*")):
        feed = feedparser.parse(path.read_bytes())
        assert shown(feed.feed.title_detail, feed.feed.title, path.suffix == ".rss") == f"{NAME}: {GROUP}"
