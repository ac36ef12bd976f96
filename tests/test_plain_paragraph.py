"""A plain one-line body is made into its paragraph without Python-Markdown (published.py's
`one_paragraph`): the HTML must be exactly what Python-Markdown makes of it, for any text the
shortcut takes, so pages, feeds and the API are the same bytes."""

from __future__ import annotations

import html

import markdown
import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.linkify import linkify
from generator.published import _markdown_html, clear_caches, one_paragraph, plain, render, sanitise


def converted(text: str) -> str:
    """What Python-Markdown itself makes of `text`, as the public pages configure it."""
    return markdown.Markdown(extensions=[], output_format="html").convert(text)


def cleaned(text: str) -> str:
    """The sanitised HTML and the plain text as made for any Markdown, without the shortcuts."""
    return sanitise(linkify(sanitise(converted(text))))


def stripped(text: str) -> str:
    return html.unescape(nh3.clean(converted(text), tags=set())).strip()


def test_a_plain_sentence_is_its_paragraph_escaped() -> None:
    text = 'Error rates are back to normal ("below 0.5 %") for > 99 % of requests.'
    assert one_paragraph(text)
    assert render(text) == '<p>Error rates are back to normal ("below 0.5 %") for &gt; 99 % of requests.</p>'
    assert plain(text) == text


def test_text_with_markup_or_untrimmed_goes_through_markdown() -> None:
    for text in ("**Fixed**.", "We moved traffic.  ", " We moved traffic.", "1. First", "# Done", "a\nb",
                 "", "Rate\u00a0limited", "x\x03y"):
        assert not one_paragraph(text), text
    assert render("We are *monitoring*.") == "<p>We are <em>monitoring</em>.</p>"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)),
                                  st.sampled_from(list(" .,:;!?'\"()/%$@+-=#>|{}~^\u00a0\u2028\u3000\r\x02\x03"))),
               min_size=1, max_size=60))
@example("a > b")
@example("x  y")
@example("Ünïcödé 😀 done")
@example("http://status.example.com/ is back")
def test_the_shortcut_makes_what_python_markdown_makes(text: str) -> None:
    clear_caches()
    assert _markdown_html(text) == converted(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)),
                                  st.sampled_from(list(" .,:;!?'\"()/%$@+-=#>|{}~^\u00a0\u2028\u3000\r\x02\x03"))),
               min_size=1, max_size=60))
@example("a > b")
@example("Ünïcödé 😀 done")
@example("see https://status.example.com/ now")
@example("The API is back (99.9 %) -- thanks")
def test_the_published_forms_are_what_sanitising_makes(text: str) -> None:
    """render() and plain() of a text the shortcut takes equal the full path's output: nh3 and
    the linker would have changed nothing."""
    clear_caches()
    assert render(text) == cleaned(text)
    assert plain(text) == stripped(text)
