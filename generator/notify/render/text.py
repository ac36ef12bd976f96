"""People's Markdown, rendered and sanitised once (the public pages' own sanitiser), then
written out in each service's dialect with everything that dialect treats as markup escaped.

Nothing a person writes can become a mention, a link to another address than the one written,
or a broken payload: text is escaped for the dialect, links keep only http(s) and mailto URLs
(the sanitiser drops the rest), and every length limit is applied after escaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

from ...public.markdown import render


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one service writes escaped text, emphasis, code and links."""

    escape: Callable[[str], str]
    strong: str  # the marker around bold text ("" for none)
    em: str
    code: str
    link: Callable[[str, str], str]  # (escaped text, url) -> markup
    bullet: str


def _slack_escape(text: str) -> str:
    """Slack's three control characters (its docs: escape &, < and >, nothing else)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(text: str, url: str) -> str:
    safe = quote(url, safe="/:?=&#%@+,;~!$'*._-")  # no |, < or > can end the link early
    return f"<{safe}|{text}>" if text and text != _slack_escape(url) else f"<{safe}>"


_DISCORD_SPECIAL = re.compile(r"([\\*_~`|>#\[\]()<:@-])")


def _discord_escape(text: str) -> str:
    """Backslash before every character Discord's Markdown (or its mention syntax) reads."""
    return _DISCORD_SPECIAL.sub(r"\\\1", text)


def _discord_link(text: str, url: str) -> str:
    safe = quote(url, safe="/:?=&#%@+,;~!$'*._-")
    return f"[{text}]({safe})" if text else safe


def _plain_link(text: str, url: str) -> str:
    return url if not text or text == url else f"{text} ({url})"


PLAIN = Dialect(escape=lambda t: t, strong="", em="", code="", link=_plain_link, bullet="- ")
SLACK = Dialect(escape=_slack_escape, strong="*", em="_", code="`", link=_slack_link, bullet="\u2022 ")
DISCORD = Dialect(escape=_discord_escape, strong="**", em="*", code="", link=_discord_link, bullet="\u2022 ")


class _Writer(HTMLParser):
    """Sanitised HTML (a short allow-list of tags) to text in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        super().__init__(convert_charrefs=True)
        self.d = dialect
        self.out: list[str] = []
        self.links: list[tuple[str, list[str]]] = []  # (href, text so far) of open links
        self.lists: list[int] = []  # per open list: 0 for ul, else the next number

    def emit(self, text: str) -> None:
        (self.links[-1][1] if self.links else self.out).append(text)

    def block(self) -> None:
        if self.out and not "".join(self.out[-2:]).endswith("\n\n"):
            self.out.append("\n\n" if not self.lists else "\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "h3", "h4", "blockquote", "pre", "ul", "ol", "hr"):
            self.block()
        if tag in ("ul", "ol"):
            self.lists.append(0 if tag == "ul" else 1)
        elif tag == "li":
            if self.out and not self.out[-1].endswith("\n"):
                self.out.append("\n")
            number = self.lists[-1] if self.lists else 0
            self.emit(self.d.bullet if number == 0 else f"{number}. ")
            if self.lists and number:
                self.lists[-1] += 1
        elif tag in ("strong", "b", "h3", "h4"):
            self.emit(self.d.strong)
        elif tag in ("em", "i"):
            self.emit(self.d.em)
        elif tag == "code":
            self.emit(self.d.code)
        elif tag == "br":
            self.emit("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b", "h3", "h4"):
            self.emit(self.d.strong)
        elif tag in ("em", "i"):
            self.emit(self.d.em)
        elif tag == "code":
            self.emit(self.d.code)
        elif tag == "a" and self.links:
            href, parts = self.links.pop()
            text = "".join(parts).strip()
            self.emit(self.d.link(text, href) if href else text)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.block()
        elif tag in ("p", "h3", "h4", "blockquote", "pre"):
            self.block()

    def handle_data(self, data: str) -> None:
        self.emit(self.d.escape(data))

    def text(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self.out)).strip()


def convert(markdown: str, dialect: Dialect) -> str:
    """`markdown` as text in `dialect`, from the same sanitised HTML the public pages show."""
    writer = _Writer(dialect)
    writer.feed(render(markdown))
    writer.close()
    return writer.text()


def html(markdown: str) -> str:
    """Sanitised HTML of `markdown` (the public pages' renderer)."""
    return render(markdown)


def one_line(text: str) -> str:
    """`text` on one line: every run of whitespace (newlines, U+2028...) becomes one space, so a
    title can never start a new e-mail header or a new line of a chat message."""
    return " ".join(text.split())


_PARTIAL = re.compile(r"(&[A-Za-z#0-9]*|<[^>]*|\\)\Z")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters with an ellipsis, never inside an escape
    (`&amp;`), a Slack link (`<url|text>`) or after a lone backslash."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    while True:
        partial = _PARTIAL.search(cut)
        if partial is None or (partial.group().startswith("\\") and _even_backslashes(cut)):
            break
        cut = cut[: partial.start()]
    return cut + "\u2026"


def _even_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 0
