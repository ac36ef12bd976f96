"""Status for other sites: the embed page, the widget script and the shields.io endpoint.

The files are checked as built; then, in headless Chromium, the embed page is framed by a page of
another origin (a second server on 127.0.0.1) and the script runs on such a page, with the site's
`_headers` rules sent by the test server as Netlify or Cloudflare Pages would send them.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup

from generator.public import urls
from tests import browserkit
from tests.headerskit import headers_for, parse_headers
from tests.sitekit import make_content
from tests.test_public_feeds import build_public

NOW = "2026-11-28T12:00:00Z"
HOSTILE = "<img src=x onerror=alert(1)> API & website down"

#: Every public component (api, web) in a major outage, an internal incident on the VPN.
OUTAGE = {
    "incidents/2026-11-28-down.yaml": f"""\
        id: INC-1
        title: "{HOSTILE}"
        type: external
        severity: major
        started_at: 2026-11-28T11:00:00Z
        impact:
          - component: api
            level: major_outage
          - component: web
            level: major_outage
        updates:
          - at: 2026-11-28T11:05:00Z
            status: identified
            body: We know why.
        """,
    "incidents/2026-11-28-vpn.yaml": """\
        id: INC-2
        title: Secret VPN trouble
        type: internal
        severity: minor
        started_at: 2026-11-28T10:00:00Z
        impact:
          - component: vpn
            level: major_outage
        """,
}

#: The shields.io endpoint format (https://shields.io/badges/endpoint-badge), written from its docs.
SHIELDS_SCHEMA = {
    "type": "object",
    "required": ["schemaVersion", "label", "message"],
    "additionalProperties": False,
    "properties": {
        "schemaVersion": {"const": 1},
        "label": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "color": {"type": "string"},
        "labelColor": {"type": "string"},
        "isError": {"type": "boolean"},
        "namedLogo": {"type": "string"},
        "logoSvg": {"type": "string"},
        "logoColor": {"type": "string"},
        "style": {"type": "string"},
        "cacheSeconds": {"type": "integer", "minimum": 300},
    },
}


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_public(make_content(tmp_path_factory.mktemp("content"), OUTAGE), tmp_path_factory.mktemp("out"), NOW)


@pytest.fixture(scope="module")
def calm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_public(make_content(tmp_path_factory.mktemp("calm")), tmp_path_factory.mktemp("calm-out"), NOW)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def banner(public: Path) -> str:
    """The home page's banner words: what the embed and the widget must say too."""
    heading = soup(public / urls.HOME).select_one(".banner h2")
    assert heading is not None
    return heading.get_text(" ", strip=True).lstrip("✓▲◆✖⚒ ")


def test_embed_page_shows_the_status_line_and_active_incidents_without_script(outage: Path) -> None:
    page = soup(outage / urls.EMBED)
    assert page.find("script") is None  # readable with JavaScript off: there is none
    line = page.select_one("p.line")
    assert line is not None
    assert banner(outage) == "Major System Outage"  # Statuspage's words when every component is down
    assert "Major System Outage" in line.get_text(" ", strip=True)
    items = [li.get_text(" ", strip=True) for li in page.select("ul li")]
    assert len(items) == 1 and items[0].startswith(HOSTILE) and "Identified" in items[0]
    assert page.select_one("ul li a")["href"] == "../incidents/INC-1.html"  # type: ignore[index]
    assert page.find("img") is None  # the title is text
    text = (outage / urls.EMBED).read_text(encoding="utf-8")
    assert "Secret VPN" not in text and "INC-2" not in text


def test_embed_heading_says_status_once(calm: Path, tmp_path: Path) -> None:
    heading = soup(calm / urls.EMBED).select_one("h1")
    assert heading is not None and heading.get_text() == "Acme status"
    named = make_content(tmp_path / "content")
    site = named / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("name: Acme", "name: Larkspur Status"), encoding="utf-8")
    heading = soup(build_public(named, tmp_path / "out", NOW) / urls.EMBED).select_one("h1")
    assert heading is not None and heading.get_text() == "Larkspur Status"  # not "Larkspur Status status"


def test_embed_page_when_all_is_well(calm: Path) -> None:
    page = soup(calm / urls.EMBED)
    assert banner(calm) == "All Systems Operational"
    line = page.select_one("p.line")
    assert line is not None and "All Systems Operational" in line.get_text(" ", strip=True)
    assert page.select("ul li") == []


def test_embed_links_and_stylesheet_resolve(outage: Path) -> None:
    page = soup(outage / urls.EMBED)
    for node in page.select("a[href], link[rel=stylesheet]"):
        target = (outage / "embed" / str(node["href"])).resolve()
        assert target.is_file(), node
    for link in page.select("a[href]"):  # in a frame, a link opens a new tab
        assert link["target"] == "_blank" and link["rel"] == ["noopener"]


@pytest.mark.parametrize(("fixture", "message", "colour"), [
    ("outage", "major system outage", "#b42318"),
    ("calm", "all systems operational", "#1a7f37"),
])
def test_shields_endpoint(request: pytest.FixtureRequest, fixture: str, message: str, colour: str) -> None:
    public: Path = request.getfixturevalue(fixture)
    document = json.loads((public / urls.SHIELDS).read_text(encoding="utf-8"))
    jsonschema.validate(document, SHIELDS_SCHEMA)
    assert document == {"schemaVersion": 1, "label": "status", "message": message, "color": colour,
                        "cacheSeconds": 300}


def test_widget_script_is_small_and_self_contained(outage: Path) -> None:
    data = (outage / urls.EMBED_SCRIPT).read_bytes()
    assert len(gzip.compress(data, 9)) < 3 * 1024  # what the CDN sends, gzipped
    text = data.decode("utf-8")
    assert "__WORDS__" not in text and '"Major outage"' in text  # the site's own words, filled in
    assert '"critical":["\\u2716","#b42318"]' in text  # the major-outage icon and badge colour
    words = json.loads(re.search(r"var WORDS = (\{.*?\});", text).group(1))
    # A cancelled window is `completed` in the API, but a completed one is not "Cancelled".
    assert words["update"]["completed"] == "Completed"
    assert words["update"]["in_progress"] == "In progress"
    assert "innerHTML" not in text and "document.cookie" not in text and "eval(" not in text
    node = shutil.which("node")
    if node is not None:
        subprocess.run([node, "--check", str(outage / urls.EMBED_SCRIPT)], check=True, timeout=60)


def test_headers_let_only_embed_be_framed(outage: Path) -> None:
    rules = parse_headers((outage / urls.HEADERS).read_text(encoding="utf-8"))
    for path in ("/" + urls.EMBED, "/" + urls.EMBED_SCRIPT):
        assert "frame-ancestors *" in headers_for(rules, path)["content-security-policy"]
    assert "frame-ancestors 'none'" in headers_for(rules, "/" + urls.HOME)["content-security-policy"]
    assert headers_for(rules, "/" + urls.SHIELDS)["access-control-allow-origin"] == "*"


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def origins(outage: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(status site, another site): two servers on 127.0.0.1, so two origins. The status site is
    served with its `_headers` rules applied."""
    rules = parse_headers((outage / urls.HEADERS).read_text(encoding="utf-8"))
    other = tmp_path_factory.mktemp("other-site")
    with browserkit.serving(outage, lambda path: headers_for(rules, path)) as status:
        (other / "frame.html").write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Help centre</title></head>'
            f'<body><main><h1>Help centre</h1><iframe src="{status}{urls.EMBED}" title="Service status"></iframe>'
            f'<iframe src="{status}{urls.HOME}" title="Status page"></iframe></main></body></html>',
            encoding="utf-8")
        # A strict policy of its own: the widget needs only its script and the API from the status site.
        policy = f"default-src 'none'; script-src {status[:-1]}; connect-src {status[:-1]}; style-src 'none'"
        (other / "widget.html").write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}"><title>Shop</title></head>'
            '<body><main><h1>Shop</h1><p>Footer:</p><div data-statuspress></div>'
            f'<script src="{status}{urls.EMBED_SCRIPT}" async></script></main></body></html>',
            encoding="utf-8")
        with browserkit.serving(other) as host:
            yield status, host


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with browserkit.launched() as chromium:
        yield chromium


def _record(context: Any) -> list[Any]:
    requests: list[Any] = []
    context.on("request", lambda request: requests.append(request))
    return requests


def test_embed_page_in_a_frame_of_another_site_without_javascript(browser: Any, origins: tuple[str, str]) -> None:
    status, host = origins
    context = browser.new_context(java_script_enabled=False)
    requests = _record(context)
    tab = context.new_page()
    tab.goto(host + "frame.html")
    framed = tab.frame_locator("iframe[title='Service status']")
    line = framed.locator("p.line")
    line.wait_for()
    assert "Major System Outage" in line.inner_text()
    assert framed.locator("ul li a").inner_text() == HOSTILE
    # The status page itself refuses to be framed (frame-ancestors 'none').
    home = tab.locator("iframe[title='Status page']").element_handle().content_frame()
    assert home is not None and not home.url.startswith(status)
    context.close()
    assert requests and all(r.url.startswith((status, host)) for r in requests), [r.url for r in requests]


def test_widget_renders_the_status_on_another_site(browser: Any, origins: tuple[str, str]) -> None:
    status, host = origins
    context = browser.new_context()
    context.add_cookies([{"name": "session", "value": "secret", "url": status}])
    requests = _record(context)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.goto(host + "widget.html")
    widget = tab.locator("[data-statuspress]")
    link = widget.locator("ul li a")  # Playwright's locators enter the open shadow root
    link.wait_for()
    assert tab.evaluate("document.querySelector('[data-statuspress]').shadowRoot !== null")
    assert widget.locator("p.line").inner_text().endswith("Major System Outage")
    assert link.inner_text() == HOSTILE  # set as text: no element made from it
    assert link.get_attribute("href") == "https://status.acme.example/incidents/INC-1.html"
    assert tab.evaluate("document.querySelector('[data-statuspress]').shadowRoot.querySelector('img')") is None
    listed = widget.locator("ul").inner_text()
    assert "API: Major outage" in listed and "Website: Major outage" in listed and "VPN" not in listed
    api = [r for r in requests if r.url == status + urls.SUMMARY]
    assert len(api) == 1 and "cookie" not in api[0].all_headers()  # no cookies sent
    assert [c["name"] for c in context.cookies()] == ["session"]  # and none set
    assert all(r.url.startswith((status, host)) for r in requests), [r.url for r in requests]
    assert errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_widget_and_embed_page_have_no_serious_accessibility_violations(
    browser: Any, origins: tuple[str, str], scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    status, host = origins
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    tab = context.new_page()
    found: list[str] = []
    tab.goto(host + "widget.html")
    tab.locator("[data-statuspress] ul li a").wait_for()
    found += browserkit.serious_violations(Axe().run(tab), f"{scheme} widget")
    tab.goto(status + urls.EMBED)
    found += browserkit.serious_violations(Axe().run(tab), f"{scheme} embed page")
    context.close()
    assert found == []
