"""Only texts with markup are memoised: a plain sentence's forms are made without Python-Markdown
or nh3 each time, and remembering them (three quarters of a large site's update bodies) only
cost memory. Texts with markup are rendered once per process, as before."""

from __future__ import annotations

from generator import published

PLAIN = "We are investigating elevated error rates at checkout."
MARKED = "We are **investigating**; see https://help.example.com/status."
#: Memoised functions: what each holds after rendering.
CACHES = (published._converted, published._rendered, published._stripped, published._marked_forms)


def held() -> int:
    """Entries in every memoised function of published.py, whatever its name."""
    return sum(f.cache_info().currsize for f in vars(published).values() if hasattr(f, "cache_info"))


def test_a_plain_sentence_is_published_without_being_remembered() -> None:
    published.clear_caches()
    assert published.render(PLAIN) == f"<p>{PLAIN}</p>"
    assert published.plain(PLAIN) == PLAIN
    assert published.forms(PLAIN) == (PLAIN,)
    assert published.forms(PLAIN, knowledge_base=True) == (PLAIN,)
    assert held() == 0


def test_a_text_with_markup_is_rendered_once_and_remembered() -> None:
    published.clear_caches()
    html = (
        '<p>We are <strong>investigating</strong>; see <a href="https://help.example.com/status" '
        'rel="nofollow noopener noreferrer">https://help.example.com/status</a>.</p>'
    )
    assert published.render(MARKED) == html
    assert published.plain(MARKED) == "We are investigating; see https://help.example.com/status."
    published.forms(MARKED)
    # One conversion (_converted), one HTML (_rendered), one plain text (_stripped), one forms entry.
    assert [cache.cache_info().currsize for cache in CACHES] == [1, 1, 1, 1]
    published.render(MARKED)
    published.plain(MARKED)
    assert published._rendered.cache_info().hits == 2  # forms() asked once, then render() again
    assert held() == 4
