"""Forbidden characters are found wherever they are, by the fast search the loader uses.

`find_forbidden` searches with a wider pattern first (every character from U+1FFFE up) and
confirms what it finds, so text above U+FFFF that is allowed (CJK extension B, emoji) must
pass and a non-character after it must still be found, at its own line.
"""

from __future__ import annotations

from pathlib import Path

from generator.published import find_forbidden
from tests.sitekit import load, make_content, messages

#: Allowed characters next to the forbidden ones, by hand: tab, newline, the first printable
#: ones, the last before C1 and after it, the ends of the non-character block, the last
#: character before each plane's two non-characters, emoji, CJK extension B, the last plane.
ALLOWED = [0x09, 0x0A, 0x20, 0x7E, 0xA0, 0xD7FF, 0xE000, 0xFDCF, 0xFDF0, 0xFFFD, 0x1F600, 0x1FFFD, 0x20000,
           0x2A6DF, 0x2FFFD, 0x10FFFD]
#: Forbidden ones, by hand: C0 but tab and newline, DEL, C1, surrogates, U+FDD0-U+FDEF and the
#: last two code points of every plane.
FORBIDDEN = [0x00, 0x08, 0x0B, 0x0D, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0xD800, 0xDFFF, 0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF,
             0x1FFFE, 0x1FFFF, 0x2FFFE, 0x5FFFF, 0xEFFFE, 0x10FFFE, 0x10FFFF]


def test_each_character_is_found_or_not() -> None:
    for code in ALLOWED:
        assert find_forbidden(f"a{chr(code)}b") is None, hex(code)
    for code in FORBIDDEN:
        found = find_forbidden(f"ab\n{chr(code)}c")
        assert found is not None and (found.start(), found.group()) == (3, chr(code)), hex(code)


def test_the_first_forbidden_character_after_allowed_ones_above_the_basic_plane() -> None:
    text = "\U00020000 \U0002fffd \U0001f600 x \U0002fffe y \x01"
    found = find_forbidden(text)
    assert found is not None and found.group() == "\U0002fffe" and found.start() == 8


def test_a_file_with_a_non_character_after_cjk_text_names_its_line(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": "id: INC-1\ntitle: \U00020000\U0002a6df fine\nregions: [\U0001f600]\nnotes: x\U0003fffey\n",
        "incidents/b.yaml": 'id: INC-2\ntitle: "escaped \\U0004FFFF"\n',
    })
    lines = messages(load(root), root)
    assert "content/incidents/a.yaml:4: control character U+3FFFE in text" in lines
    assert "content/incidents/b.yaml:2: title: control character U+4FFFF in text" in lines
    assert not any("a.yaml:2" in line or "a.yaml:3" in line for line in lines)
