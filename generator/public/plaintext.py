"""Markdown as plain text laid out by its blocks, for calendar descriptions.

Why not `markdown.plain()`: it keeps the line breaks the writer typed inside a paragraph (YAML
block text is hard-wrapped), so calendar apps showed sentences broken mid-line, and it drops
list markers. Here each paragraph is one line, blocks are separated by a blank line, list items
keep a `- ` (or `1. `) marker one per line, and preformatted text is kept as written.
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser

from .markdown import render

_BLOCKS = frozenset({"p", "h3", "h4", "blockquote", "pre", "ul", "ol", "li", "hr"})
_BREAK = "\x00"  # stands for <br> until whitespace is collapsed


def _unfold(raw: str) -> str:
    """One paragraph's text on one line (runs of whitespace as one space), `<br>` kept."""
    return "\n".join(" ".join(part.split()) for part in raw.split(_BREAK)).strip()


class _Blocks(HTMLParser):
    """The text blocks of sanitised HTML (only the allow-listed tags occur): (is a list item, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[bool, str]] = []
        self.current: list[str] = []
        self.marker = ""
        self.lists: list[int] = []  # per open list: the next number, 0 for a bullet list
        self.pre = 0

    def finish(self) -> None:
        """Keep the text after the last block (inline text outside any block)."""
        self._flush()

    def _flush(self) -> None:
        raw = "".join(self.current)
        self.current = []
        body = raw.strip("\n") if self.pre else _unfold(raw)
        if body:  # a list item's marker waits for its first text (`<li><p>` in loose lists)
            self.blocks.append((bool(self.marker), self.marker + body))
            self.marker = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append(1 if tag == "ol" else 0)
        elif tag == "li":
            indent = "  " * max(0, len(self.lists) - 1)
            number = self.lists[-1] if self.lists else 0
            if number:
                self.lists[-1] += 1
            self.marker = indent + (f"{number}. " if number else "- ")
        elif tag == "br":
            self.current.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag == "pre":
            self.pre -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.current.append(data)


@lru_cache(maxsize=4096)
def text(markdown: str) -> str:
    """`markdown` as plain text: paragraphs unfolded, blocks apart, list items one per line."""
    parser = _Blocks()
    parser.feed(render(markdown))
    parser.close()
    parser.finish()
    lines: list[str] = []
    previous_item = False
    for item, body in parser.blocks:
        if lines and not (item and previous_item):
            lines.append("")
        lines.append(body)
        previous_item = item
    return "\n".join(lines)
