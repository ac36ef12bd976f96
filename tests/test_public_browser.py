"""The public pages in a real browser (Debian's headless Chromium driven by Playwright).

With JavaScript off a reader must see the banner, the components and the active incident; axe-core
must find no serious or critical violation (light and dark schemes); no request may leave the local
server; screenshots at 360 and 1280 px go to test-artifacts/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildRequest, build
from generator.public import urls
from generator.public.projection import PublicPage, project
from tests.browserkit import launched, serious_violations, serving
from tests.sitekit import EXAMPLE, REPO, now

NOW = "2026-11-28T15:00:00Z"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PublicPage]:
    out = tmp_path_factory.mktemp("browser")
    loaded = build(BuildRequest(EXAMPLE, out, now(NOW), targets=("public",), progress=lambda _: None))
    return out / "public", project(loaded.site, now(NOW))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def server(browser: Any, site: tuple[Path, PublicPage]) -> Iterator[str]:
    with serving(site[0]) as url:
        yield url


def _pages(page: PublicPage) -> dict[str, str]:
    active = page.active_incidents[0]
    return {
        "home": urls.HOME,
        "incident": urls.incident(active.id),
        "component": urls.component(active.component_ids[0]),
    }


def _watch(tab: Any, server: str, requests: list[str]) -> None:
    tab.on("request", lambda request: requests.append(request.url))


def test_readable_without_javascript(browser: Any, server: str, site: tuple[Path, PublicPage]) -> None:
    _, page = site
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    tab = context.new_page()
    requests: list[str] = []
    _watch(tab, server, requests)
    tab.goto(server + urls.HOME)
    banner = tab.locator(".banner h2")
    assert banner.is_visible() and "outage" in banner.inner_text().lower()
    for component in page.components:
        assert tab.locator(f"#component-{component.id} h4").is_visible()
        assert tab.locator(f"#component-{component.id} .status").is_visible()
        assert tab.locator(f"#component-{component.id} ol.bars").is_visible()
    active = page.active_incidents[0]
    assert tab.get_by_role("link", name=active.title).first.is_visible()
    tab.goto(server + urls.incident(active.id))
    assert tab.get_by_role("heading", level=1).inner_text() == active.title
    assert tab.locator("ol.updates > li").first.is_visible()
    context.close()
    assert requests and all(url.startswith(server) for url in requests), requests


def test_no_serious_accessibility_violations(browser: Any, server: str, site: tuple[Path, PublicPage]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    requests: list[str] = []
    found: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900}, bypass_csp=True)
        tab = context.new_page()
        _watch(tab, server, requests)
        for name, path in _pages(site[1]).items():
            tab.goto(server + path)
            found += serious_violations(axe.run(tab), f"{scheme} {name}")
        context.close()
    assert found == []
    assert all(url.startswith(server) for url in requests), requests


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots(browser: Any, server: str, site: tuple[Path, PublicPage], width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    _watch(tab, server, requests)
    for name, path in _pages(site[1]).items():
        tab.goto(server + path)
        # Nothing sideways: the page fits the viewport at 360 px.
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    context.close()
    assert all(url.startswith(server) for url in requests), requests


def test_keyboard_focus_on_a_bar_shows_its_text(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    tab = context.new_page()
    tab.goto(server + urls.HOME)
    link = tab.locator("ol.bars a").first
    tip = link.locator(".tip")
    assert tip.bounding_box()["width"] <= 1  # hidden until focused or hovered
    link.focus()
    box = tip.bounding_box()
    assert box["width"] > 100 and "uptime" in tip.inner_text()
    context.close()


def test_optional_script_shows_the_readers_time_and_keeps_utc(browser: Any, server: str) -> None:
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server + urls.HOME)
    stamp = tab.locator("footer time")
    assert stamp.get_attribute("title") == "28 Nov 2026, 15:00 UTC"
    assert stamp.inner_text() == "Nov 28, 2026, 10:00 AM EST"
    assert errors == []
    context.close()
