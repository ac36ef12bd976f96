"""Status badges: readable text, an accessible name, and colours that pass WCAG AA contrast."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.public.badge import LABEL_BACKGROUND, STATES, TEXT
from tests.sitekit import make_content
from tests.test_public_feeds import SUBSCRIPTIONS, build_public

SVG = "{http://www.w3.org/2000/svg}"


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of `#rrggbb`."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_badge_text_and_label_colours_have_the_contrast_worked_out_by_hand() -> None:
    # The product's colours: white text on the #444444 label. By hand: 0x44 = 68/255 = 0.2667;
    # ((0.2667 + 0.055) / 1.055) ** 2.4 = 0.0578 = L (grey: the same in every channel);
    # (1.0 + 0.05) / (0.0578 + 0.05) = 9.74. The helper agrees with that and with two
    # published values (white on black 21:1; #767676 on white 4.54:1, WebAIM's checker).
    assert (TEXT, LABEL_BACKGROUND) == ("#ffffff", "#444444")
    assert contrast(TEXT, LABEL_BACKGROUND) == pytest.approx(9.74, abs=0.01)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("state", sorted(STATES))
def test_every_state_colour_passes_aa_for_small_text(state: str) -> None:
    assert contrast(TEXT, STATES[state][1]) >= 4.5
    assert contrast(TEXT, LABEL_BACKGROUND) >= 4.5


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = make_content(tmp_path_factory.mktemp("content"), SUBSCRIPTIONS)
    return build_public(content, tmp_path_factory.mktemp("small"))


def read(path: Path) -> tuple[ElementTree.Element, list[str], list[str]]:
    """The SVG root, its texts and the fills of its rectangles."""
    root = ElementTree.fromstring(path.read_bytes())
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    fills = [r.get("fill", "") for r in root.iter(f"{SVG}rect")]
    return root, texts, fills


def test_overall_badge_is_accessible_text(small: Path) -> None:
    root, texts, fills = read(small / "badge.svg")
    assert root.get("role") == "img"
    # One of two components in major outage: the page status is "Partial System Outage".
    assert root.get("aria-label") == "Acme: partial system outage"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Acme: partial system outage"
    assert texts == ["status", "partial system outage"]
    group = root.find(f"{SVG}g")
    assert group is not None
    for fill in fills:
        assert contrast(group.get("fill", ""), fill) >= 4.5


def test_component_badges_say_their_state(small: Path) -> None:
    _, texts, _ = read(small / "badges" / "api.svg")
    assert texts == ["API", "major outage"]
    root, texts, _ = read(small / "badges" / "web.svg")
    assert texts == ["Website", "operational"]
    assert root.get("aria-label") == "Acme, Website: operational"
    assert not (small / "badges" / "vpn.svg").exists()


def test_badges_fetch_nothing_and_fit_their_text(small: Path) -> None:
    for path in [small / "badge.svg", *sorted((small / "badges").glob("*.svg"))]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import|@font-face|url\(|href=|https?://(?!www\.w3\.org/2000/svg)", text), path
        root, texts, _ = read(path)
        width = float(root.get("width", "0"))
        assert width >= 7 * sum(len(t) for t in texts) * 0.9
