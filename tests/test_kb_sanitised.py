"""The knowledge base sanitises every piece of content Markdown it renders, with the public
allow-list: text pasted from customers and chat reaches engineers' browsers too.

A tiny site with hostile text in update bodies, titles, internal notes, authors of notes, a
post-mortem body and summary, a runbook body, ticket links, runbook URLs and severity guidelines
is built with real MkDocs + Material; every page is parsed as a browser would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.kbkit import article, build_kb
from tests.sitekit import SERVICES_YAML, make_content

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">j</a>'
ATTR = "**bold**{onclick=alert(4)} and [x](javascript:alert(5)){onmouseover=alert(6)}"

SITE = """\
name: Acme
base_url: https://status.acme.example/
severity_guidelines:
  major: "Guideline <script>alert(7)</script> **kept**"
"""

INCIDENT = f"""\
id: INC-1
title: "<img src=x onerror=alert(8)> Checkout {{onclick=alert(9)}}"
type: external
severity: major
started_at: 2026-11-01T10:00:00Z
resolved_at: 2026-11-01T12:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-01T10:12:00Z
    status: investigating
    body: '{XSS} and {ATTR}'
  - at: 2026-11-01T12:00:00Z
    status: resolved
    body: "Fixed **for real**, see [the notes](https://notes.acme.example/1)."
timeline:
  - at: 2026-11-01T10:05:00Z
    by: "<img src=x onerror=alert(10)>"
    text: "{ATTR}"
"""

POSTMORTEM = f"""\
---
incident: INC-1
status: published
public_summary: '{XSS}'
action_items:
  - id: AI-1
    title: "Fix it <svg onload=alert(11)>"
    link: "javascript:alert(12)"
  - id: AI-2
    title: Real ticket
    link: https://tracker.acme.example/T-2
---
## Summary <img src=x onerror=alert(13)>

{XSS}

| When | What |
|---|---|
| 10:00 | <b onmouseover=alert(14)>started</b> |

```bash
echo "<script>kept as code</script>"
```
"""

RUNBOOK = f"""\
---
title: "Runbook <script>alert(15)</script>"
services: [api]
---
## Steps

1. Check {XSS}
2. <iframe src="https://evil.example/"></iframe>Done.

!!! warning "Careful"
    Really careful.
"""

SERVICES = SERVICES_YAML.replace(
    "    description: Public REST API\n",
    "    description: Public REST API\n    runbooks: ['javascript:alert(16)', 'x><img src=x onerror=alert(17)>', 'https://wiki.acme.example/api']\n",
)

#: What Material and MkDocs themselves put in pages: no content may add to it.
THEME_SCRIPTS = ("assets/javascripts/", "search/")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb-hostile")
    content = make_content(root / "content", {
        "site.yaml": SITE, "services.yaml": SERVICES, "incidents/a.yaml": INCIDENT,
        "postmortems/INC-1.md": POSTMORTEM, "runbooks/api/errors.md": RUNBOOK,
    })
    return build_kb(content, root / "site")


def pages(kb: Path) -> list[tuple[str, BeautifulSoup]]:
    return [(p.relative_to(kb).as_posix(), BeautifulSoup(p.read_text(), "html.parser")) for p in sorted(kb.rglob("*.html"))]


def test_no_page_carries_a_content_script_handler_or_dangerous_url(kb: Path) -> None:
    found = pages(kb)
    assert len(found) > 10
    for rel, soup in found:
        for script in soup.find_all("script"):
            src = script.get("src") or ""
            assert src and any(part in src for part in THEME_SCRIPTS) or "alert(" not in script.text, (rel, script)
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), (rel, element)
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not text.strip().lower().startswith(("javascript:", "vbscript:", "data:")), (rel, element)
            assert element.name not in {"iframe", "object", "embed", "svg"} or "alert" not in str(element), rel
            assert not (element.name == "img" and "onerror" in str(element)), rel
        assert "alert(" not in "".join(str(s) for s in soup.find_all("script")), rel


def test_hostile_text_is_shown_as_text_where_it_is_a_title(kb: Path) -> None:
    page = article(kb, "incidents/INC-1.html")
    heading = page.find("h1")
    assert heading is not None
    assert heading.get_text().rstrip("¶") == "INC-1: <img src=x onerror=alert(8)> Checkout {onclick=alert(9)}"
    tags = BeautifulSoup((kb / "tags.html").read_text(), "html.parser")
    assert "<img src=x onerror=alert(8)>" in tags.get_text()
    assert tags.find("img", onerror=True) is None
    title = BeautifulSoup((kb / "incidents" / "INC-1.html").read_text(), "html.parser").title
    assert title is not None and "<img src=x onerror=alert(8)>" in title.get_text()


def test_markdown_still_renders_in_bodies(kb: Path) -> None:
    review = article(kb, "postmortems/INC-1.html")
    assert [h.get_text().strip("¶ ") for h in review.find_all("h2")][:1] == ["Summary <img src=x onerror=alert(13)>"]
    assert review.find("h2", id="summary-img-srcx-onerroralert13") or review.find("h2", id=True)
    cells = [td.get_text() for td in review.find_all("td")]
    assert "started" in cells
    code = review.find("code", class_="language-bash")
    assert code is not None and 'echo "<script>kept as code</script>"' in code.get_text()
    links = {a.get_text(): a.get("href") for a in review.find_all("a")}
    assert links["ticket"] == "https://tracker.acme.example/T-2"
    assert "javascript:alert(12)" in review.get_text()  # shown, not linked
    incident = article(kb, "incidents/INC-1.html")
    assert incident.find("strong", string="for real") is not None
    assert incident.find("a", href="https://notes.acme.example/1") is not None
    runbook = article(kb, "runbooks/api/errors.html")
    assert runbook.find("div", class_="admonition") is not None
    assert "Really careful." in runbook.get_text()
    severity = article(kb, "severity.html")
    assert severity.find("strong", string="kept") is not None
