"""The knowledge base in a real browser (Debian's headless Chromium driven by Playwright).

axe-core must find no serious or critical violation on the home page, an incident page, the
follow-up tracker and the metrics page (light and dark schemes); at 1280 and 1920 px no table may
be wider than the area that shows it, on any tab, and no id may wrap onto a second line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildRequest, build
from generator.model import Site
from tests.browserkit import launched, serious_violations, serving
from tests.sitekit import EXAMPLE, now

NOW = "2026-11-28T15:00:00Z"
WIDE = ["index.html", "incidents/index.html", "postmortems/index.html", "services/index.html",
        "follow-ups/index.html", "follow-ups/figures.html", "metrics/index.html", "metrics/reliability.html"]

#: Every visible table whose content is wider than what shows it: the table itself (Material
#: makes it an inline-block that scrolls) or the scrolling wrapper Material's script puts around it.
OVERFLOWING = """() => Array.from(document.querySelectorAll('article table'))
  .filter(table => table.offsetParent !== null)
  .map(table => [table, table.closest('.md-typeset__scrollwrap') || table.parentElement])
  .filter(([table, box]) => table.scrollWidth > table.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1)
  .map(([table, box]) => `${table.querySelector('th').textContent}...: ${table.scrollWidth} px in ${box.clientWidth} px`)"""

#: Ids (INC-..., AI-..., MNT-...) whose text is laid out on more than one line.
WRAPPED_IDS = """() => {
  const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  const wrapped = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (!/^(INC|AI|MNT)-[A-Za-z0-9_-]+$/.test(text)) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    const lines = new Set(Array.from(range.getClientRects(), rect => Math.round(rect.top)));
    if (lines.size > 1) wrapped.push(text);
  }
  return wrapped;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def kb(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    out = tmp_path_factory.mktemp("kb-browser")
    loaded = build(BuildRequest(EXAMPLE, out, now(NOW), targets=("internal",), progress=lambda _: None))
    return out / "internal", loaded.site


@pytest.fixture(scope="module")
def server(kb: tuple[Path, Site]) -> Iterator[str]:
    with serving(kb[0]) as url:
        yield url


def _reviewed_incident(site: Site) -> str:
    """The newest incident with a review: its page has every section."""
    reviewed = {p.incident for p in site.postmortems}
    return next(i.id for i in reversed(site.incidents) if i.id in reviewed)


def test_no_serious_accessibility_violations(browser: Any, server: str, kb: tuple[Path, Site]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    pages = {"home": "index.html", "incident": f"incidents/{_reviewed_incident(kb[1])}.html",
             "follow-ups": "follow-ups/index.html", "metrics": "metrics/index.html"}
    axe = Axe()
    found: list[str] = []
    requests: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900}, bypass_csp=True)
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        for name, path in pages.items():
            tab.goto(server + path)
            found += serious_violations(axe.run(tab), f"{scheme} {name}")
        context.close()
    assert found == []
    assert requests and all(url.startswith(server) for url in requests), requests


@pytest.mark.parametrize("width", [1280, 1920])
def test_wide_tables_fit_and_ids_stay_on_one_line(browser: Any, server: str, kb: tuple[Path, Site], width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    for path in [*WIDE, f"incidents/{_reviewed_incident(kb[1])}.html"]:
        tab.goto(server + path)
        labels = tab.locator("article .tabbed-labels > label")
        for index in range(max(labels.count(), 1)):  # every tab of the follow-up tracker
            if labels.count():
                labels.nth(index).click()
            shown = f"{path} tab {index + 1}" if labels.count() else path
            problems += [f"{shown}: table {t}" for t in tab.evaluate(OVERFLOWING)]
            problems += [f"{shown}: id {i} wraps" for i in tab.evaluate(WRAPPED_IDS)]
    context.close()
    assert problems == []
