"""No script: hostile Markdown and text in every public text field never becomes active content.

The corpus (tests/hostile/xss.txt) holds script and style tags, event handlers, `javascript:`,
`vbscript:` and `data:` URLs (plain, entity-encoded, with tabs, newlines, full-width letters),
SVG and MathML payloads, broken tags, attribute injection and template syntax. Every payload is
put in every public text field of one site (tests/hostile/site.py); the public site is built and
every HTML page, every feed item's HTML, the JSON API, the calendars and the badges are parsed
and checked as a browser or reader would see them.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup, Tag

from generator.public import urls
from tests.headerskit import headers_for, parse_headers
from tests.hostile import payloads
from tests.hostile.site import build_public, hostile_files, write_files

#: Elements the site's own templates and the Markdown allow-list produce; anything else came
#: from content and means the sanitiser let it through.
SITE_TAGS = frozenset(
    ["html", "head", "body", "meta", "title", "link", "script", "main", "header", "footer", "nav", "section"]
    + ["article", "div", "span", "p", "a", "ul", "ol", "li", "dl", "dt", "dd", "time", "table", "thead"]
    + ["tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre"]
    + ["blockquote", "hr", "br"]
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
OWN_ICON = "data:,"  # the page's empty favicon, so browsers request no /favicon.ico
#: What template syntax in content would turn into if it were evaluated.
EVALUATED = ("tmplevaluatedzq", "4949494949494949")
ATOM = "{http://www.w3.org/2005/Atom}"


def normalised_url(value: str) -> str:
    """The URL as a browser reads its scheme (WHATWG URL parsing): C0 controls and spaces
    trimmed from both ends, tabs and newlines removed anywhere, case ignored."""
    return re.sub(r"[\t\n\r]", "", value).strip(C0_AND_SPACE).lower()


def problems_in_html(html: str, where: str, own_script: str | None) -> Iterator[str]:
    """Everything active in `html`: foreign elements and scripts, handlers, dangerous URLs."""
    soup = BeautifulSoup(html, "html5lib")
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        if element.name not in SITE_TAGS:
            yield f"{where}: <{element.name}> element"
        if element.name == "script" and (own_script is None or element.get("src") != own_script or element.string):
            yield f"{where}: script {element}"
        if element.name == "meta" and element.get("http-equiv") not in (None, "Content-Security-Policy"):
            yield f"{where}: <meta http-equiv={element.get('http-equiv')}>"
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                yield f"{where}: {name}= on <{element.name}>"
            if name.lower() == "style":
                yield f"{where}: style= on <{element.name}>"
            if name.lower() in URL_ATTRIBUTES:
                url = normalised_url(text)
                own_icon = element.name == "link" and element.get("rel") == ["icon"] and text == OWN_ICON
                if url.startswith(DANGEROUS_SCHEMES) and not own_icon:
                    yield f"{where}: {name}={text!r} on <{element.name}>"


#: The site name and description of the big site (the small one carries every payload there).
SITE_TEXT = '"><img src=x onerror=alert(1)> {{ 7*7 }} <script>alert(1)</script> jav&#x09;ascript:'


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two public sites: every payload in every record field, and every payload in the site name
    (kept apart because the name is repeated on every page, feed and calendar)."""
    root = tmp_path_factory.mktemp("hostile")
    texts = payloads()
    built = []
    for name, files in (("records", hostile_files(texts, SITE_TEXT)), ("name", hostile_files(texts[:2], " ".join(texts)))):
        content = write_files(root / name / "content", dict(files))
        built.append(build_public(content, root / name / "site"))
    return built


@pytest.fixture(scope="module")
def public(sites: list[Path]) -> Path:
    return sites[0]


def html_pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def test_the_corpus_reaches_every_kind_of_output(public: Path) -> None:
    assert len(payloads()) >= 60
    assert len(html_pages(public)) > 200
    home = BeautifulSoup((public / urls.HOME).read_text(), "html5lib")
    # A payload survives as visible text (escaped), proving it was placed, not dropped.
    assert "<script>alert(1)</script>" in home.get_text()
    assert list(public.glob("feeds/**/*.atom")) and list(public.glob("api/v2/*.json"))


def test_no_page_runs_content_script_or_handler(sites: list[Path]) -> None:
    found: list[str] = []
    for path, rel in ((path, path.relative_to(site).as_posix()) for site in sites for path in html_pages(site)):
        own = urls.relative(rel, urls.SCRIPT) if rel != urls.NOT_FOUND else "/" + urls.SCRIPT
        found += problems_in_html(path.read_text(encoding="utf-8"), rel, own)
    assert found == []


def test_every_page_has_a_strict_content_security_policy(sites: list[Path]) -> None:
    for path in (path for public in sites for path in html_pages(public)):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")
        metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert len(metas) == 1, path
        assert soup.head is not None and soup.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        check_csp(str(metas[0]["content"]))


def check_csp(policy: str) -> dict[str, list[str]]:
    """Assert `policy` allows scripts only from the site itself and no third-party origin."""
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for sources in directives.values():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), f"{source} in {policy}"
    assert "data:" not in directives["script-src"] + directives["default-src"]
    return directives


def test_headers_file_sets_the_security_headers_for_every_path(public: Path) -> None:
    """The `_headers` file (Netlify, Cloudflare Pages) repeats the policy and adds framing,
    sniffing and referrer rules, which a meta tag cannot set, for every file of the site."""
    rules = parse_headers((public / urls.HEADERS).read_text(encoding="utf-8"))
    files = [p.relative_to(public).as_posix() for p in sorted(public.rglob("*")) if p.is_file()]
    assert len(files) > 200
    for rel in files:
        if rel == urls.HEADERS:
            continue
        every = headers_for(rules, "/" + rel)
        framed = rel.startswith("embed/")  # the one folder any site may frame
        policy = every["content-security-policy"]
        directives = check_csp(policy.replace("; frame-ancestors *", "") if framed else policy)
        assert directives.get("frame-ancestors") == (None if framed else ["'none'"]), rel
        assert policy.endswith("; frame-ancestors *") == framed, rel
        assert every["x-content-type-options"] == "nosniff"
        assert every.get("x-frame-options") == (None if framed else "DENY"), rel
        assert every["referrer-policy"] == "no-referrer"
        cors = every.get("access-control-allow-origin")
        assert cors == ("*" if rel.startswith("api/") else None), rel  # dashboards may poll the API


def feed_html(path: Path) -> Iterator[tuple[str, str]]:
    """(where, HTML) of every item of an RSS or Atom feed."""
    root = ET.parse(path).getroot()
    for n, item in enumerate(root.iter("item")):
        yield f"{path.name} item {n}", item.findtext("description") or ""
    for n, entry in enumerate(root.iter(f"{ATOM}entry")):
        for tag in ("content", "summary"):
            node = entry.find(f"{ATOM}{tag}")
            if node is not None:
                assert node.get("type") in ("html", "xhtml", None, "text")
                yield f"{path.name} entry {n} {tag}", node.text or ""


def test_no_feed_item_carries_script_or_handler(sites: list[Path]) -> None:
    found: list[str] = []
    feeds = [(p, f) for p in sites for f in sorted(p.glob("feeds/**/*.rss")) + sorted(p.glob("feeds/**/*.atom"))]
    assert len(feeds) > 100
    for public, path in feeds:
        for where, html in feed_html(path):
            found += problems_in_html(html, f"{path.relative_to(public)}: {where}", own_script=None)
        # Links a reader follows from the feed point at the site, never at a script.
        for link in ET.parse(path).getroot().iter():
            href = link.get("href") or (link.text if link.tag in ("link", "guid") else None)
            if href:
                assert not normalised_url(href).startswith(DANGEROUS_SCHEMES), (path, href)
    assert found == []


def test_json_is_valid_bodies_are_plain_text_and_links_are_the_sites(sites: list[Path]) -> None:
    """JSON carries text, not HTML: names as written and update bodies as the plain text of their
    Markdown, as in the status API clients know (a client that shows them must escape them,
    SECURITY.md). Every URL points into the site."""
    files = [f for public in sites for f in sorted(public.glob("api/**/*.json"))]
    assert len(files) >= 16
    bodies = 0
    for path in files:
        for key, value in strings(json.loads(path.read_text(encoding="utf-8"))):
            if key == "body":
                bodies += 1
                assert "</a>" not in value and "<p>" not in value, (path, value)  # Markdown reduced to text
            if key in ("url", "shortlink") or key.endswith("_url"):
                assert value.startswith("https://status.hostile.example"), (path, key, value)
    assert bodies > 100


def strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, string) of every string in a JSON value."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)


def test_badges_are_inert_svg(sites: list[Path]) -> None:
    badges = [b for p in sites for b in sorted(p.glob("*.svg")) + sorted(p.glob("badges/*.svg"))]
    assert len(badges) > 60
    for path in badges:
        root = ET.parse(path).getroot()
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            assert local in {"svg", "title", "desc", "g", "rect", "text", "linearGradient", "stop", "mask", "path"}, (
                path,
                local,
            )
            for name, value in element.attrib.items():
                assert not name.rsplit("}", 1)[-1].lower().startswith("on"), (path, name)
                assert not normalised_url(value).startswith(DANGEROUS_SCHEMES), (path, name, value)


def test_calendars_parse_and_link_only_to_the_site(sites: list[Path]) -> None:
    """Calendars are plain text (names as written); what a calendar app opens is the site."""
    events = 0
    for path in (path for public in sites for path in sorted(public.glob("**/*.ics"))):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for event in calendar.walk("VEVENT"):
            events += 1
            assert str(event.get("url")).startswith("https://status.hostile.example/"), path
    assert events > 100


def test_template_syntax_in_content_is_never_evaluated(sites: list[Path], public: Path) -> None:
    for path in (path for site in sites for path in sorted(site.rglob("*"))):
        if path.is_file():
            data = path.read_text(encoding="utf-8")
            for marker in EVALUATED:
                assert marker not in data, (path, marker)
    literal = "{{ 7*7 }}"
    number = payloads().index(literal)
    page = BeautifulSoup((public / urls.incident(f"INC-{number}")).read_text(), "html5lib")
    assert page.h1 is not None and page.h1.get_text() == literal
    bodies = [p.get_text() for p in page.select("main p") if literal in p.get_text()]
    assert bodies and all("49" not in body for body in bodies)


def test_sanitiser_keeps_safe_links() -> None:
    """Sanitising keeps what readers need: an https link survives, with a safe rel."""
    from generator.public.markdown import render

    soup = BeautifulSoup(render("[status](https://ok.example/x) and <a href='JAVA\tSCRIPT:x'>bad</a>"), "html5lib")
    links = soup.find_all("a")
    assert links[0].get("href") == "https://ok.example/x"
    assert not normalised_url(str(links[1].get("href", ""))).startswith("javascript:")
    assert "noopener" in links[0]["rel"]
