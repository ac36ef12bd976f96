"""Text that breaks formats: either the loader refuses it with file and line, or every output
stays valid — feeds are well-formed XML that feed readers accept, calendars parse, JSON parses,
and every HTML page parses without a single HTML5 parse error — and shows the text unchanged.

The content files are written with a UTF-8 BOM and CRLF line ends. Raw control characters, NUL,
lone surrogates and non-UTF-8 bytes are covered by tests/test_hostile.py; this file adds what a
YAML escape can smuggle past the byte check, C1 controls and non-characters.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import html5lib
import icalendar
import pytest
from bs4 import BeautifulSoup

from generator.public import urls
from tests.hostile.site import build_public, hostile_files, write_files
from tests.sitekit import load, make_content, messages

BREAKERS = [
    "\u200fRTL mark \u202eoverride\u202c, \u2067isolate\u2069 and \u200dZWJ \u200bzero width\u2060",
    "שלום עולם مرحبا بالعالم mixed with English",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 family \U0001f1f3\U0001f1f1 flag \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f525",
    "e\u0301 combining " + "Z\u0351\u0352\u0353\u0354" * 40,
    "W" * 10_000,
    "Very long title " * 700,
    "]]> </script> & < lone &amp; &#x26; &nbsp; <!-- --> --> ]]]]><![CDATA[",
    "line\u2028separator\u2029paragraph \u0085",  # U+0085 written raw is refused; see below
    "tab\there, NBSP\u00a0here, BOM\ufeffinside, soft\u00adhyphen",
    '"double" \'single\' `back` \\backslash\\ %s {0} $HOME',
    "private use \ue000 and \U0010fffd and \U0001d54f math",
]
# The C1 control in the list above would be refused: the format tests use the rest.
VALID = [text.replace("\u0085", "") for text in BREAKERS]


def crlf_with_bom(files: dict[str, str]) -> dict[str, str | bytes]:
    return {rel: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8") for rel, text in files.items()}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("breakers")
    content = write_files(root / "content", crlf_with_bom(hostile_files(VALID)))
    loaded = load(content)
    assert messages(loaded, content) == []
    return build_public(content, root / "site")


def test_every_html_page_parses_without_errors_and_shows_the_text(public: Path) -> None:
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes())
        assert parser.errors == [], (page, parser.errors[:3])
    for number, text in enumerate(VALID):
        soup = BeautifulSoup((public / urls.incident(f"INC-{number}")).read_bytes(), "html5lib")
        assert soup.h1 is not None and soup.h1.get_text() == text  # unchanged: no mangling, no truncation


def test_feeds_are_well_formed_and_accepted_by_a_feed_reader(public: Path) -> None:
    feeds = sorted(public.glob("feeds/**/*.rss")) + sorted(public.glob("feeds/**/*.atom"))
    assert len(feeds) > 40
    titles: set[str] = set()
    for path in [*feeds, public / urls.SITEMAP]:
        ET.parse(path)
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        titles.update(entry.title for entry in parsed.entries)
    assert any("\U0001f468\u200d\U0001f469\u200d\U0001f467" in title for title in titles)
    assert any("W" * 10_000 in title for title in titles)


def test_calendars_parse_and_keep_the_titles(public: Path) -> None:
    summaries = set()
    for path in sorted(public.glob("**/*.ics")):
        data = path.read_bytes()
        assert all(len(line) <= 75 for line in data.split(b"\r\n")), path  # folded as RFC 5545 asks
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            summaries.add(str(event["summary"]))
    assert "Maintenance: " + "W" * 10_000 in summaries
    assert any("\u200fRTL mark" in summary for summary in summaries)


def test_json_parses_and_keeps_the_text(public: Path) -> None:
    for path in sorted(public.glob("api/**/*.json")):
        json.loads(path.read_bytes())
    incidents = json.loads((public / "api/v2/incidents.json").read_bytes())["incidents"]
    assert {incident["name"] for incident in incidents} == set(VALID)


def test_badges_are_well_formed(public: Path) -> None:
    for path in [public / urls.BADGE, *sorted(public.glob("badges/*.svg"))]:
        ET.parse(path)


INCIDENT = """\
id: {id}
title: {title}
type: external
severity: minor
started_at: 2026-11-20T14:02:00Z
detected_at: 2026-11-20T14:03:00Z
regions: [{region}]
impact:
  - component: api
    level: major_outage
"""


def test_escapes_that_write_control_characters_are_refused_with_file_and_line(tmp_path: Path) -> None:
    files = {
        "incidents/nul.yaml": INCIDENT.format(id="INC-1", title='"a\\0b"', region="eu"),
        "incidents/esc.yaml": INCIDENT.format(id="INC-2", title="ok", region='"eu\\x1b[31m"'),
        "incidents/nel.yaml": INCIDENT.format(id="INC-3", title='"next\\Nline"', region="eu"),
        "incidents/nonchar.yaml": INCIDENT.format(id="INC-4", title='"a\\uFFFEb"', region="eu"),
    }
    root = make_content(tmp_path / "content", files)
    assert messages(load(root), root) == [
        "content/incidents/esc.yaml:7: regions[0]: control character U+001B in text",
        "content/incidents/nel.yaml:2: title: control character U+0085 in text",
        "content/incidents/nonchar.yaml:2: title: control character U+FFFE in text",
        "content/incidents/nul.yaml:2: title: control character U+0000 in text",
    ]


def test_c1_controls_and_non_characters_are_refused_with_file_and_line(tmp_path: Path) -> None:
    """C1 controls (U+0080-U+009F) are legal in XML 1.0 but HTML parse errors, and in practice
    Windows-1252 text decoded wrongly: refused, like the other controls."""
    root = make_content(tmp_path / "content")
    (root / "incidents").mkdir()
    for name, text in {"c1": "it\u0092s", "fdd0": "x\ufdd0", "plane1": "x\U0001fffe"}.items():
        data = INCIDENT.format(id=f"INC-{name}", title="t", region="eu").replace("title: t", f"title: {text}")
        (root / "incidents" / f"{name}.yaml").write_text(data, encoding="utf-8")
    assert messages(load(root), root) == [
        "content/incidents/c1.yaml:2: control character U+0092 in text",
        "content/incidents/fdd0.yaml:2: control character U+FDD0 in text",
        "content/incidents/plane1.yaml:2: control character U+1FFFE in text",
    ]


def test_ids_too_long_for_a_file_name_are_refused(tmp_path: Path) -> None:
    long_id = "INC-" + "9" * 300
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.format(id=long_id, title="t", region="eu")})
    assert messages(load(root), root) == ["content/incidents/a.yaml:1: id: id is 304 characters long; the limit is 100"]


def test_group_names_give_distinct_short_ids(tmp_path: Path) -> None:
    services = """\
        groups: [Ядро, Сеть, {long}]
        services:
          - {{id: api, name: API, group: Ядро}}
          - {{id: web, name: Web, group: Сеть}}
          - {{id: db, name: DB, group: {long}}}
        """.format(long="G" * 5000)
    root = make_content(tmp_path / "content", {"services.yaml": services})
    loaded = load(root)
    assert messages(loaded, root) == []
    ids = [group.id for group in loaded.site.groups]
    assert len(set(ids)) == 3 and all(0 < len(i) <= 100 for i in ids)
    public = build_public(root, tmp_path / "site")
    assert len(list(public.glob("feeds/groups/*.atom"))) == 3


def test_group_names_with_the_same_id_are_refused(tmp_path: Path) -> None:
    services = "groups: [Core, core!]\nservices:\n  - {id: api, name: API, group: Core}\n"
    root = make_content(tmp_path / "content", {"services.yaml": services})
    assert messages(load(root), root) == [
        "content/services.yaml:1: groups: 'Core' and 'core!' have the same id 'core' in URLs; rename one"
    ]
