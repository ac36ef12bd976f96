"""On a phone (360 px, JavaScript off) no page scrolls sideways, whatever responders typed: a long
URL pasted in an update, an error name in backticks, a title or region without spaces, a table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browserkit import launched, serving
from tests.sitekit import make_content
from tests.test_public_feeds import build_public

LONG = "ErrorInTheCheckoutServiceNamespace" * 3
INCIDENT = f"""\
id: INC-1
title: {LONG}
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
regions: [eu-west-1-{LONG.lower()}]
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: |
      See https://status.acme.example/some/very/long/path/{LONG} for details, and `{LONG}`.

      | component | region | error | since | requests | share |
      |---|---|---|---|---|---|
      | checkout-service | eu-west-1 | upstream-timeout | 10:02 UTC | 1,204,332 | 12.5 % |
"""
MAINTENANCE = f"""\
id: MNT-1
title: {LONG}
components: [api]
scheduled_start: 2026-11-29T02:00:00Z
scheduled_end: 2026-11-29T04:00:00Z
updates:
  - at: 2026-11-28T09:00:00Z
    status: scheduled
    body: "`{LONG}`"
"""
PAGES = ["index.html", "incidents/INC-1.html", "maintenance/MNT-1.html", "history/index.html",
         "components/api.html", "embed/index.html", "404.html"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    content = make_content(tmp_path_factory.mktemp("content"),
                           {"incidents/inc-1.yaml": INCIDENT, "maintenance/mnt-1.yaml": MAINTENANCE})
    public = build_public(content, tmp_path_factory.mktemp("out"))
    with serving(public) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


def test_no_page_scrolls_sideways_on_a_phone_whatever_was_typed(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800}, is_mobile=True)
    tab = context.new_page()
    widths = {}
    for path in PAGES:
        tab.goto(server + path)
        assert LONG[:30] in tab.content() or path == "404.html"
        widths[path] = tab.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert widths == {path: 360 for path in PAGES}
