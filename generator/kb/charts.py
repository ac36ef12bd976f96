"""Static SVG charts for the metrics pages, drawn with matplotlib at build time.

Byte-identical across builds with the same input: a fixed `svg.hashsalt` (element ids), no date
in the metadata, text kept as text (`svg.fonttype: none`) in DejaVu Sans (shipped with
matplotlib, so nothing is fetched), and no global pyplot state. Every SVG carries a `<title>` and
a `<desc>` with the figures in words, and the pages repeat that text as the image's alt text:
the chart is never the only place a number lives. Series differ by hatch and marker as well as
colour, so nothing is conveyed by colour alone.

Drawing is the slow part of the knowledge base's Markdown (one to two seconds for the metrics
pages), so a `Chart` is only described when made (name, title, text alternative and `key`, a
hash of its kind, inputs, this module's source and matplotlib's version) and drawn when its
`svg` is asked for: the pages need only the description, and the chart files are keyed files
(pages.Keyed) that a rebuild takes from the kept tree while the key is unchanged and a cold
build draws in the worker processes with the incident pages. matplotlib is imported only when
a chart is drawn.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..versions import version

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STYLE: dict[Any, Any] = {
    "svg.hashsalt": "statuspress",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
}

#: Colour-blind-safe palette (Okabe-Ito) and hatches, paired per series.
COLOURS = ("#D55E00", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
HATCHES = ("///", "", "\\\\", "xx", "--", "||", "++", "//")
MARKERS = ("o", "s", "^", "D")


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its file name, title and text alternative, and how to draw its SVG text."""

    name: str
    title: str
    alt: str
    key: str  # what the SVG is drawn from: equal keys, equal bytes
    draw: Callable[[], str]

    @property
    def svg(self) -> str:
        return self.draw()


_SALT = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _described(kind: str, name: str, title: str, alt: str, inputs: Any, draw: Callable[[], str]) -> Chart:
    """The chart, drawn only when its SVG is asked for."""
    key = hashlib.sha256(json.dumps([_SALT, version("matplotlib"), kind, name, title, alt, inputs]).encode())
    return Chart(name, title, alt, key.hexdigest(), draw)


def _matplotlib() -> Any:
    """matplotlib with the non-interactive backend, imported on first use (it is slow to import)."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def _svg(figure: Figure, title: str, alt: str) -> str:
    """The figure as SVG text with `<title>`, `<desc>` and `role="img"`."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    label = f"<title>{html.escape(title)}</title><desc>{html.escape(alt)}</desc>"
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:  # pragma: no cover - matplotlib always writes an <svg> element
        return text
    opening = match.group(0).replace("<svg", '<svg role="img"', 1)
    return text[: match.start()] + opening + "\n " + label + text[match.end() :]


def _figure(width: float = 7.5, height: float = 3.4) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96)


def stacked_bars(
    name: str, title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[int]], ylabel: str
) -> Chart:
    """Stacked vertical bars (e.g. incidents per month by severity)."""
    inputs = [list(labels), [[k, list(v)] for k, v in series.items()], ylabel]
    return _described("stacked_bars", name, title, alt, inputs,
                   lambda: _stacked_bars(title, alt, labels, series, ylabel))


def _stacked_bars(title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[int]],
                  ylabel: str) -> str:
    from matplotlib.ticker import MaxNLocator

    with _matplotlib().rc_context(STYLE):
        figure = _figure()
        axes = figure.add_subplot()
        bottom = [0] * len(labels)
        for index, (key, values) in enumerate(series.items()):
            axes.bar(
                labels, values, bottom=bottom, label=key, color=COLOURS[index % len(COLOURS)],
                hatch=HATCHES[index % len(HATCHES)], edgecolor="#333333", linewidth=0.5,
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.set_title(title)
        axes.set_ylabel(ylabel)
        axes.set_xlabel("Month (UTC)")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="x", labelrotation=45)
        axes.legend(frameon=False, fontsize=8)
        figure.tight_layout()
        return _svg(figure, title, alt)


def lines(
    name: str, title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
    xlabel: str, ylabel: str,
) -> Chart:
    """Lines with markers over time; unknown points (None) are gaps, never zero."""
    inputs = [list(labels), [[k, list(v)] for k, v in series.items()], xlabel, ylabel]
    return _described("lines", name, title, alt, inputs, lambda: _lines(title, alt, labels, series, xlabel, ylabel))


def _lines(title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
           xlabel: str, ylabel: str) -> str:
    with _matplotlib().rc_context(STYLE):
        figure = _figure()
        axes = figure.add_subplot()
        for index, (key, values) in enumerate(series.items()):
            points = [math.nan if v is None else v for v in values]
            axes.plot(
                labels, points, label=key, color=COLOURS[(index + 2) % len(COLOURS)],
                marker=MARKERS[index % len(MARKERS)], linestyle="-" if index % 2 == 0 else "--",
            )
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.set_ylim(bottom=0)
        axes.tick_params(axis="x", labelrotation=45)
        axes.legend(frameon=False, fontsize=8)
        figure.tight_layout()
        return _svg(figure, title, alt)


def horizontal_bars(
    name: str, title: str, alt: str, values: Mapping[str, float], xlabel: str,
    reference: float | None = None, reference_label: str = "", value_format: str = "{:g}",
) -> Chart:
    """Horizontal bars with the value printed at each bar, optionally a reference line."""
    inputs = [[[k, v] for k, v in values.items()], xlabel, reference, reference_label, value_format]
    return _described("horizontal_bars", name, title, alt, inputs,
                   lambda: _horizontal_bars(title, alt, values, xlabel, reference, reference_label, value_format))


def _horizontal_bars(title: str, alt: str, values: Mapping[str, float], xlabel: str, reference: float | None,
                     reference_label: str, value_format: str) -> str:
    keys = list(values)
    height = max(2.0, 0.6 + 0.32 * len(keys))
    with _matplotlib().rc_context(STYLE):
        figure = _figure(7.5, height)
        axes = figure.add_subplot()
        positions = list(range(len(keys)))
        numbers = [values[k] for k in keys]
        axes.barh(positions, numbers, color=COLOURS[2], edgecolor="#333333", linewidth=0.5)
        axes.set_yticks(positions, keys)
        axes.invert_yaxis()
        for position, number in zip(positions, numbers, strict=True):
            axes.annotate(value_format.format(number), (number, position), xytext=(3, 0),
                          textcoords="offset points", va="center", fontsize=8)
        if reference is not None:
            axes.axvline(reference, color="#000000", linestyle="--", linewidth=1, label=reference_label)
            axes.legend(frameon=False, fontsize=8, loc="lower right")
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_xlim(left=0, right=max([*numbers, reference or 0, 1]) * 1.15)
        axes.grid(axis="y", visible=False)
        figure.tight_layout()
        return _svg(figure, title, alt)
