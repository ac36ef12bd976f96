"""mkdocs_shortcuts.inline_patterns_listed: Python-Markdown's inline processor reading its
patterns from a list makes the same HTML as reading them from the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown
import pytest
from markdown.inlinepatterns import SimpleTagInlineProcessor
from mkdocs.config import load_config

from generator.kb import mkdocs_shortcuts
from tests.sitekit import REPO

#: Text for most inline patterns (escapes, code, links of every kind, images, emphasis in its
#: forms, autolinks, entities, raw HTML, line breaks, attribute lists), nested in blocks.
TEXT = r"""# A *title* with `code` {#custom}

Some **strong**, *em*, ***both***, __under__ and _under_, `code with *stars*`, \*escaped\*,
a [link](other.md "title"), a [reference][ref], an ![image](pic.png){ width="10" }, an
<https://example.com> and <mail@example.com>, &amp; &copy; 3 < 4, <span>raw *html*</span>.
A line ending in two spaces{break}
breaks. `a` *b* **c** [d](e.md) x*y*z snake_case_word 2*3*4.

| A | *B* | `C` |
|---|-----|-----|
| [x](y.md) | **z** \| pipe | <b>b</b> |

!!! note "Admonition *title*"
    Inside: **strong** and [link](#anchor).

- item *one*
- item `two` with __three__

[ref]: https://example.com/ref
""".replace("{break}", "  ")  # two spaces: a line break


@pytest.fixture
def converter(tmp_path: Path) -> Any:
    """A converter with the repository's `mkdocs.yml` Markdown extensions, as MkDocs makes one a page."""
    config = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(tmp_path))
    return lambda: markdown.Markdown(extensions=config["markdown_extensions"],
                                     extension_configs=config["mdx_configs"] or {})


def test_inline_patterns_from_a_list_make_the_same_html(converter: Any) -> None:
    expected = converter().convert(TEXT)
    assert all(tag in expected for tag in ("<strong>", "<em>", "<code>", "href=", "<br />", "<img"))
    with mkdocs_shortcuts.inline_patterns_listed():
        assert converter().convert(TEXT) == expected


def test_the_processor_gets_its_registry_back(converter: Any) -> None:
    """A converter used inside the block converts with its own registry afterwards, an inline
    pattern registered since included."""
    used = converter()
    with mkdocs_shortcuts.inline_patterns_listed():
        used.convert("*a*")
    used.inlinePatterns.register(SimpleTagInlineProcessor(r"()@@(.+?)@@", "mark"), "mark", 1)
    assert used.reset().convert("x @@y@@") == "<p>x <mark>y</mark></p>"
