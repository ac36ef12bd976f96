"""Markdown written in content files, made safe for the knowledge base's pages.

Update bodies, internal summaries, post-mortem and runbook bodies and severity guidelines are
rendered by us with `published.render_kb` (Python-Markdown, then the public allow-list of
tags, attributes and URL schemes, plus what Markdown writes for tables, code and admonitions),
and placed into the page as one raw HTML block. So MkDocs (or any Markdown engine the tree is
handed to) only ever passes through sanitised HTML: a `<script>` or `<img onerror>` pasted from
a customer's e-mail, a `javascript:` link or an `{onclick=...}` attribute list never reaches an
engineer's browser. Headings of a document stay Markdown headings (their text escaped), so the
page's table of contents, permalinks and search sections keep them.

A document's chunk that cannot hold anything the allow-list would remove — no `<` (raw HTML,
autolinks), no `{` (attribute lists, fence options), no `&` (references) and only link targets
that are http(s), mailto or plain relative paths — is kept as Markdown (`is_plain_markdown`), so
MkDocs still turns its links to other pages into `.html` and reports broken ones in `--strict`.
In a sanitised block, links to `x.md` are rewritten to `x.html` here (not checked by MkDocs).

The block has no blank line (newlines inside `<pre>` become `&#10;`), because CommonMark ends
an HTML block at a blank line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..published import render_kb

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
#: A relative link to another page of the tree, which MkDocs would have rewritten to `.html`.
_PAGE_LINK = re.compile(r'href="([^":]*?)\.md(#[^"]*)?"')


def inline_text(text: str) -> str:
    """Text for a Markdown heading or table cell: no HTML, no link, no attribute list."""
    flat = " ".join(text.split())
    escaped = html.escape(flat, quote=False)
    return escaped.replace("[", "\\[").replace("]", "\\]").replace("{", "&#123;").replace("|", "\\|")


def html_block(text: str, css_class: str = "kb-content") -> str:
    """Markdown `text` as one sanitised raw HTML block (empty text: an empty string)."""
    made = render_kb(text).strip()
    if not made:
        return ""
    made = _PAGE_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', made)
    made = _PRE.sub(lambda m: m.group().replace("\n", "&#10;"), made)
    made = re.sub(r"\n\s*\n", "\n", made)
    return f'<div class="{css_class}">\n{made}\n</div>\n'


def admonition_block(kind: str, title: str, text: str) -> str:
    """An admonition (`note`, `info`, ...) whose body is content Markdown, as HTML throughout:
    a Markdown admonition would indent the body, and indented HTML is read as Markdown again."""
    body = html_block(text or "—", "kb-content").strip()
    title_html = html.escape(title, quote=False)
    return (
        f'<div class="admonition {kind}">\n<p class="admonition-title">{title_html}</p>\n{body}\n</div>\n\n'
    )


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """(heading level, heading text) or (0, Markdown chunk), in order; fences are not split."""
    chunk: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            chunk.append(line)
            continue
        if opening:
            fence = opening.group(1)
            chunk.append(line)
            continue
        heading = _HEADING.fullmatch(line)
        if heading:
            if chunk:
                yield 0, "\n".join(chunk)
                chunk = []
            yield len(heading.group(1)), heading.group(2)
            continue
        chunk.append(line)
    if chunk:
        yield 0, "\n".join(chunk)


_TARGET = re.compile(r"\]\(\s*([^)\s]*)|^\s{0,3}\[[^\]]*\]:\s*(\S*)", re.MULTILINE)
_SAFE_TARGET = re.compile(r"(?:https?://|mailto:)[^\s\\\"'`]*|[A-Za-z0-9_./#%?=+~-]*")


def is_plain_markdown(text: str) -> bool:
    """Whether Markdown `text` renders to nothing but Markdown's own elements with safe links,
    with any engine: no raw HTML, attribute list, reference, or link with another scheme."""
    if any(mark in text for mark in "<{&"):
        return False
    return all(_SAFE_TARGET.fullmatch(a or b) for a, b in _TARGET.findall(text))


def document(text: str) -> str:
    """A content document (post-mortem or runbook body, a guideline) as page Markdown: escaped
    Markdown headings between sanitised HTML blocks."""
    out = []
    for level, piece in _pieces(text):
        if level:
            out.append(f"{'#' * level} {inline_text(piece)}\n")
        elif is_plain_markdown(piece):
            out.append(piece.strip("\n") + "\n")
        elif piece.strip():
            out.append(html_block(piece))
    return "\n".join(out)
