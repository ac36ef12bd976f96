"""What content text becomes when it is published: one definition for the loader's checks, the
public formats and the knowledge base.

Update bodies, post-mortem summaries and bodies, runbook bodies and severity guidelines are
Markdown. They are published as sanitised HTML (pages, feeds, the knowledge base) and as plain
text (JSON, calendars). Rendering decodes character references (`&#x1b;`, `&#64;`) into the
characters they name and removes markup (`**10**.0.0.7` is shown as `10.0.0.7`), so the rules on
characters and the redaction patterns are checked on these forms (`forms`), not only on the text
as written. Titles, names and other one-line fields are text: every format shows them as written
(escaped for its syntax), so nothing decodes them.

Sanitising uses nh3 (the Rust `ammonia` sanitiser) with one allow-list of tags, attributes and URL
schemes; the knowledge base allows a few more elements that Markdown itself writes for tables,
code blocks and admonitions (`KB_EXTRA_TAGS`), never a script, a style, an event handler or a
`javascript:` URL. Texts with markup are memoised: such a text is rendered once per process
although a page, several feeds, the API and the loader's checks all read it. A plain sentence
(`one_paragraph`, `renders_as_written`) is not: its forms are made without Python-Markdown or
nh3 in less time than a cache lookup saves, and keeping them cost memory (three quarters of the
update bodies of a large site are such sentences, each with a cache entry per function).
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

import nh3

from .linkify import linkify

if TYPE_CHECKING:
    import markdown as markdown_lib

#: Control characters (other than tab and newline; C1 too, mostly mis-decoded Windows-1252),
#: lone surrogates and non-characters: they break XML feeds and calendars or are HTML parse
#: errors, so they are refused, whether written raw, through a YAML escape or through a
#: character reference that rendering decodes.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)

#: Every forbidden character and more (all of U+1FFFE and above, one range where the pattern
#: above lists 32 code points): searching a whole file with it is about 7 times faster, and what
#: it finds is confirmed with `FORBIDDEN_CHARACTERS` (`find_forbidden`).
_MAYBE_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]"
)


def find_forbidden(text: str) -> re.Match[str] | None:
    """`FORBIDDEN_CHARACTERS.search(text)`, faster: the content files are searched whole as they
    are read, and the pattern's 32 non-characters above U+FFFF made that a tenth of a cold load."""
    if text.isprintable():  # every forbidden character is non-printable (a control, surrogate or non-character)
        return None
    position = 0
    while (candidate := _MAYBE_FORBIDDEN.search(text, position)) is not None:
        confirmed = FORBIDDEN_CHARACTERS.match(text, candidate.start())
        if confirmed is not None:
            return confirmed
        position = candidate.end()
    return None


ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "a", "blockquote", "hr", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

#: What the knowledge base allows besides `ALLOWED_TAGS`: what Markdown writes for headings,
#: tables, fenced code (`class="language-x"`) and admonitions (`class="admonition warning"`).
KB_EXTRA_TAGS = frozenset({"h1", "h2", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "div"})
KB_EXTENSIONS = ("tables", "fenced_code", "admonition")
_KB_CLASSES = re.compile(r"(language-[A-Za-z0-9_+-]{1,40}|admonition|admonition-title|[a-z]{1,20})")
_KB_CLASS_OWNERS = frozenset({"code", "div", "p"})

_local = threading.local()


def _converter(extensions: tuple[str, ...]) -> markdown_lib.Markdown:
    """A Markdown converter per thread and flavour (making one costs more than converting)."""
    key = "md_" + "_".join(extensions)
    converter = getattr(_local, key, None)
    if converter is None:
        import markdown as markdown_lib  # here: a responder's command, which renders nothing, starts 50 ms sooner

        converter = markdown_lib.Markdown(extensions=list(extensions), output_format="html")
        setattr(_local, key, converter)
    converter.reset()
    return converter


def _markdown_html(text: str) -> str:
    """The unsanitised HTML Python-Markdown makes of `text` (public flavour: no extensions).
    Most update bodies are one plain sentence, which it makes into one paragraph of the text
    escaped: made here without it (`one_paragraph`), as it would, seven times faster."""
    if one_paragraph(text):
        return _paragraph(text)
    return _converted(text)


def _paragraph(text: str) -> str:
    """What Python-Markdown makes of a `one_paragraph` text."""
    return f"<p>{html_lib.escape(text, quote=False)}</p>"


@lru_cache(maxsize=65536)
def _converted(text: str) -> str:
    return _converter(()).convert(text)


def one_paragraph(text: str) -> bool:
    """Whether Python-Markdown makes of `text` exactly `<p>` + `text` escaped + `</p>`: one line
    without markup (`renders_as_written`), no whitespace at its ends (it keeps trailing spaces
    and strips leading ones) and printable (it drops or changes some control characters). At
    5,000 incidents whose 27,500 update bodies are all different, converting them was a third
    of a cold public build's CPU time (3.7 of 11 s)."""
    return text.isprintable() and text == text.strip() and text != "" and renders_as_written(text)


#: (text, HTML, plain text) made by `forms` in a worker process while `recorded` runs, which its
#: parent `adopt`s. The loader's checks render every Markdown body in the workers that parse
#: the files; the pages are rendered later by other workers, forked from the parent, which
#: would otherwise convert every body again (a tenth of a cold build's CPU at 5,000).
Made = tuple[str, str, str]
_recording: list[Made] | None = None
#: Forms made in other processes: text -> (HTML, plain text).
_adopted: dict[str, tuple[str, str]] = {}


@contextmanager
def recorded() -> Iterator[list[Made]]:
    """The forms that `forms` makes inside the block, for a parent process to `adopt`."""
    global _recording
    made: list[Made] = []
    _recording = made
    try:
        yield made
    finally:
        _recording = None


def adopt(made: Iterable[Made]) -> None:
    """Take the forms another process made (`recorded`): `render` and `plain` return them."""
    for text, html, text_plain in made:
        _adopted[text] = html, text_plain


def render(text: str) -> str:
    """Sanitised HTML for Markdown `text`. Raw HTML in the input passes the allow-list or goes;
    bare web addresses in the sanitised text become links, and the result is sanitised again.
    A plain sentence without a web address is its paragraph, escaped: it holds no tag to clean
    and no address to link, and cleaning it took 0.7 of 1.0 CPU s at 5,000 incidents."""
    if one_paragraph(text) and "://" not in text:
        return _paragraph(text)
    return _rendered(text)


@lru_cache(maxsize=65536)
def _rendered(text: str) -> str:
    if text in _adopted:
        return _adopted[text][0]
    return sanitise(linkify(sanitise(_markdown_html(text))))


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain(text: str) -> str:
    """The text of the Markdown without any markup, references decoded (not HTML-escaped): what
    JSON and calendars publish of a Markdown field. A plain sentence is its own text."""
    if one_paragraph(text):
        return text
    return _stripped(text)


@lru_cache(maxsize=65536)
def _stripped(text: str) -> str:
    if text in _adopted:
        return _adopted[text][1]
    return html_lib.unescape(nh3.clean(_markdown_html(text), tags=set())).strip()


def clear_caches() -> None:
    """Forget every memoised form (tests that count conversions, or compare with the full path)."""
    for memoised in (_converted, _rendered, _stripped, _marked_forms, render_kb):
        memoised.cache_clear()


def _kb_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [name for name in value.split() if _KB_CLASSES.fullmatch(name)]
    return " ".join(kept) or None


@lru_cache(maxsize=16384)
def render_kb(text: str) -> str:
    """Sanitised HTML for Markdown `text` as the knowledge base shows it: tables, fenced code
    and admonitions too; raw HTML passes the same allow-list (plus `KB_EXTRA_TAGS`) or goes."""
    made = _converter(KB_EXTENSIONS).convert(text)
    attributes = {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}
    for owner in _KB_CLASS_OWNERS:
        attributes.setdefault(owner, set()).add("class")
    return nh3.clean(
        made,
        tags=set(ALLOWED_TAGS | KB_EXTRA_TAGS),
        attributes=attributes,
        attribute_filter=_kb_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


# ---------------------------------------------------------------------- checks on published text

#: Characters that can make a one-line text render differently from how it is written: a tab,
#: a character reference, a backslash escape, emphasis, code, raw HTML or an autolink, a link.
_INLINE_MARKUP = frozenset("&\\*_`<[\t")
#: A line that Markdown reads as a block (heading, quote, list, rule, code) rather than a paragraph.
_BLOCK_START = re.compile(r"\s*([#>=+*-]|\d+[.)])|\s{4}")


def renders_as_written(text: str) -> bool:
    """Whether `text` is published exactly as written (stripped): one line, no markup. Such text
    needs no rendering to be checked, which keeps the loader's checks fast."""
    stripped = text.strip()
    return "\n" not in stripped and _INLINE_MARKUP.isdisjoint(text) and not _BLOCK_START.match(text)


def forms(text: str, knowledge_base: bool = False) -> tuple[str, ...]:
    """Every form in which Markdown `text` is published: as written, as plain text, and as
    HTML with its references decoded (link targets included); `knowledge_base`: as the
    knowledge base renders it too."""
    if renders_as_written(text):
        return (text,)
    return _marked_forms(text, knowledge_base)


@lru_cache(maxsize=65536)
def _marked_forms(text: str, knowledge_base: bool) -> tuple[str, ...]:
    made = render(text), plain(text)
    if _recording is not None:
        _recording.append((text, *made))
    found = [text, made[1], html_lib.unescape(made[0])]
    if knowledge_base:
        found.append(html_lib.unescape(render_kb(text)))
    return tuple(found)


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def forbidden_published(text: str, knowledge_base: bool = False) -> tuple[str, str] | None:
    """(character, how it was written) for the first forbidden character that publishing Markdown
    `text` makes, or None. Only a character reference makes a character the text does not hold
    (Markdown escapes make ASCII punctuation), so text without `&` is not rendered."""
    if "&" not in text:
        return None
    for form in forms(text, knowledge_base):
        bad = find_forbidden(form)
        if bad is not None:
            return bad.group(), written_as(text, bad.group())
    return None


def written_as(text: str, character: str) -> str:
    """The character reference in `text` that names `character` (else the character's code)."""
    for match in _REFERENCE.finditer(text):
        digits, decimal = match.groups()
        try:
            code = int(digits, 16) if digits else int(decimal)
        except ValueError:
            continue
        if code == ord(character):
            return match.group()
    return f"U+{ord(character):04X}"


def forbidden_message(character: str, written: str) -> str:
    """The problem message for a forbidden character that rendering made."""
    return f"control character U+{ord(character):04X} in the published text (written as {written!r})"
