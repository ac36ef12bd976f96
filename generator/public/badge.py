"""Status badges: `badge.svg` for the whole page and `badges/<component>.svg` for each component.

A badge is two boxes of text ("status" | "operational"), so the state is read, not guessed from
a colour; it has `role="img"`, an `aria-label` and a `<title>` for screen readers, and white text
on colours with a contrast ratio of at least 4.5:1 (WCAG 2.1 AA for small text). The font is a
generic system stack: no web font is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..derive.status import Indicator
from . import urls
from .projection import PublicPage

TEXT = "#ffffff"
LABEL_BACKGROUND = "#444444"
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"

#: Every state: (words on the badge, background colour behind white text).
STATES: dict[str, tuple[str, str]] = {
    "operational": ("operational", "#1a7f37"),
    "degraded_performance": ("degraded performance", "#8a5a00"),
    "partial_outage": ("partial outage", "#a04a00"),
    "major_outage": ("major outage", "#b42318"),
    "under_maintenance": ("under maintenance", "#1f5fa8"),
}

#: The page badge's colour by indicator (its words are the page status's description).
INDICATOR_COLOURS: dict[Indicator, str] = {
    Indicator.NONE: STATES["operational"][1],
    Indicator.MINOR: STATES["degraded_performance"][1],
    Indicator.MAJOR: STATES["partial_outage"][1],
    Indicator.CRITICAL: STATES["major_outage"][1],
    Indicator.MAINTENANCE: STATES["under_maintenance"][1],
}

_NARROW = set("fijlrtI1.,:;!|' ()-")
_WIDE = set("mwMW@%")


def text_width(text: str) -> int:
    """An estimate of `text`'s width in 11 px Verdana (generous, so text never overflows)."""
    width = sum(4.0 if c in _NARROW else 10.5 if c in _WIDE else 7.5 if c.isupper() else 6.8 for c in text)
    return int(width + 0.5)


@dataclass(frozen=True, slots=True)
class Badge:
    label: str
    message: str
    colour: str
    description: str  # the accessible name: the page (and component) and the state


def svg(badge: Badge) -> str:
    """The badge as a standalone SVG document."""
    pad = 6
    left = text_width(badge.label) + 2 * pad
    right = text_width(badge.message) + 2 * pad
    total = left + right
    label = escape(badge.label)
    message = escape(badge.message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" '
        f'viewBox="0 0 {total} 20" role="img" aria-label="{escape(badge.description)}">\n'
        f"  <title>{escape(badge.description)}</title>\n"
        f'  <rect width="{left}" height="20" fill="{LABEL_BACKGROUND}"/>\n'
        f'  <rect x="{left}" width="{right}" height="20" fill="{badge.colour}"/>\n'
        f'  <g fill="{TEXT}" font-family="{FONT}" font-size="11" text-anchor="middle" aria-hidden="true">\n'
        f'    <text x="{left / 2:g}" y="14">{label}</text>\n'
        f'    <text x="{left + right / 2:g}" y="14">{message}</text>\n'
        "  </g>\n"
        "</svg>\n"
    )


def page_words(page: PublicPage) -> tuple[str, str]:
    """The page badge's words and colour (also `api/shields.json`'s): the page status."""
    return page.status.description.lower(), INDICATOR_COLOURS[page.status.indicator]


def badges(page: PublicPage) -> dict[str, Badge]:
    """Every badge by its path."""
    words, colour = page_words(page)
    result = {urls.BADGE: Badge("status", words, colour, f"{page.name}: {words}")}
    for component in page.components:
        words, colour = STATES[component.status.value]
        result[urls.component_badge(component.id)] = Badge(
            component.name, words, colour, f"{page.name}, {component.name}: {words}"
        )
    return result


def render_badges(page: PublicPage, dest: Path) -> None:
    for path, badge in badges(page).items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(svg(badge), encoding="utf-8")
