"""A cheap estimate of the time Python-Markdown takes on a text, to refuse pathological Markdown.

Python-Markdown is fast on what people write, but a few constructs cost it time that grows with
the square of their number: every `[` scans forward for its `]` (to the end of the paragraph
when there is none, in Python, once per link pattern), every `](` for its `)`, every start of an
HTML tag for its `>` (to the end of the text when there is none), and every heading or rule line
inside a block splits it and has the rest of the block tested again by each block processor. A
20,000-character update body of `[a ` took 16 s to render; a paragraph of 5,000 headings in the
knowledge base 0.7 s. `estimate` counts those scans in one pass over the markup characters
(linear in the text), in steps of about 30 ns of rendering on the machine it was measured on,
and `problem` says what is wrong when a text costs more than its bound.

What Python-Markdown does not parse is not counted: fenced code blocks (the knowledge base's
flavour; the public one has no fences, but a fence without a blank line in it is one code span
there), indented code blocks, and code spans (matching runs of backticks, which Python-Markdown
takes out before any other inline pattern). So a long log pasted in a code fence is fine.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

#: Characters in one Markdown field of an incident or maintenance record (an update's body), and
#: of a post-mortem's `public_summary`: about 3,000 words, far more than an update needs.
FIELD_CHARACTERS = 20_000
#: Estimated steps (~30 ns each) for one Markdown field: ~0.3 s. A careful update body of 20,000
#: characters with a link every 100 costs about 0.7 million.
FIELD_COST = 10_000_000
#: Estimated steps for all the Markdown fields of one file together (so many fields just under
#: `FIELD_COST` cannot add up to minutes): ~2 s.
FILE_COST = 60_000_000
#: Estimated steps for a post-mortem's or runbook's body, which can be much longer: ~2 s, about
#: 2 million characters of ordinary Markdown (twice the default `max_file_bytes`).
DOCUMENT_COST = 60_000_000

#: Weights of each kind of scan, in steps per character scanned (measured: `[` 240 ns, `](` 100 ns,
#: `<tag` 31 ns, heading splits 58 ns per line and split).
_BRACKET, _PAREN, _TAG, _SPLIT = 8, 3, 1, 2
#: Every character also costs (parsing, escaping, sanitising): about 0.9 us of rendering each
#: (a 1 MB post-mortem of ordinary Markdown took 0.93 s in the knowledge base's flavour).
_CHARACTER = 30

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INDENTED = re.compile(r"(?: {4}|\t)")
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d+\.)[ \t]")
#: A line that Python-Markdown splits a block at: a hash heading, a rule, an admonition.
_SPLITTER = re.compile(r" {0,3}(?:#|(?:[-*_][ \t]*){3,}$|!!! |\?\?\?)")
_INLINE = re.compile(r"`+|[\[\]()]")
_TAG_START = re.compile(r"<[A-Za-z/!?]|>")

_WHAT = {
    "brackets": "'[' without a matching ']' (or nested deeply)",
    "parentheses": "link targets '](' without a closing ')'",
    "tags": "HTML tags '<' without a closing '>'",
    "splits": "headings or rules on consecutive lines without a blank line between them",
    "length": "its length",
}

_HINT = "fence code and logs with ``` lines, close brackets and tags, or split the text"


@dataclass(frozen=True, slots=True)
class Estimate:
    """The estimated rendering cost of a text, in steps of ~30 ns, and where it is worst."""

    cost: int
    #: Line (counted from 0 in the text) where what costs most starts: the block, or the tag.
    line: int
    #: What costs most: a key of `_WHAT`.
    what: str
    #: Whether `cost` is only the cheap upper bound (`cost_of`), not the estimate.
    rough: bool = False


@lru_cache(maxsize=64)
def _closing(run: int) -> re.Pattern[str]:
    """A run of exactly `run` backticks: what closes a code span opened by one."""
    return re.compile(rf"(?<!`)`{{{run}}}(?!`)")


def _blocks(text: str, fences: bool) -> list[tuple[int, list[str]]]:
    """(first line, lines) of each block Python-Markdown parses, code blocks left out: blocks are
    separated by blank lines; with `fences`, fenced code goes; an indented block goes unless it
    continues a list (then it is the list item's Markdown)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    fence = ""
    in_list = False
    for number, line in enumerate(text.split("\n")):
        if fence:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = ""
            continue
        opened = _FENCE.match(line) if fences else None
        if opened is not None or not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            if opened is not None:
                fence = opened.group(1)
            continue
        if not current:
            start = number
            if _INDENTED.match(line):
                if not in_list:  # an indented code block: copied as written
                    continue
            else:
                in_list = bool(_LIST_ITEM.match(line))
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def _inline(block: str) -> tuple[int, int]:
    """(bracket steps, parenthesis steps) of the inline patterns' scans over one block."""
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []
    bracket_cost = paren_cost = 0
    position = 0
    while (found := _INLINE.search(block, position)) is not None:
        token, at = found.group(), found.start()
        position = found.end()
        if token[0] == "`":
            closing = _closing(len(token)).search(block, position)
            if closing is not None:  # a code span: nothing in it is parsed
                position = closing.end()
        elif token == "[":
            brackets.append(at)
        elif token == "]":
            if brackets:
                bracket_cost += at - brackets.pop()
        elif token == "(":
            parens.append((at, at > 0 and block[at - 1] == "]"))
        elif parens:
            opened, link = parens.pop()
            if link:
                paren_cost += at - opened
    end = len(block)
    bracket_cost += sum(end - at for at in brackets)
    paren_cost += sum(end - at for at, link in parens if link)
    return bracket_cost, paren_cost


def _tags(text: str) -> tuple[int, int]:
    """(steps of the HTML parser's scans: each start of a tag to the next `>` or the end, where
    the longest scan starts)."""
    cost = longest = longest_at = 0
    pending: list[int] = []
    for found in _TAG_START.finditer(text):
        if found.group() == ">":
            end = found.start()
        elif pending or found.end() < len(text):
            pending.append(found.start())
            continue
        else:
            pending.append(found.start())
            end = len(text)
        if pending:
            cost += sum(end - at for at in pending)
            if end - pending[0] > longest:
                longest, longest_at = end - pending[0], pending[0]
            pending.clear()
    if pending:
        cost += sum(len(text) - at for at in pending)
        if len(text) - pending[0] > longest:
            longest_at = pending[0]
    return cost, longest_at


def estimate(text: str, fences: bool) -> Estimate:
    """The estimated cost of rendering Markdown `text`; `fences`: as the knowledge base does
    (fenced code blocks), else as the public site does (no fences: they are code spans there
    only when nothing splits them)."""
    totals = {"brackets": 0, "parentheses": 0, "splits": 0}
    lines_of = {"brackets": 0, "parentheses": 0, "splits": 0}
    worst = {"brackets": -1, "parentheses": -1, "splits": -1}
    kept: list[str] = []
    starts: list[tuple[int, int]] = []  # (offset in the kept text, first line) of each block
    offset = 0
    for start, lines in _blocks(text, fences):
        block = "\n".join(lines)
        kept.append(block)
        starts.append((offset, start))
        offset += len(block) + 2
        brackets, parens = _inline(block)
        splits = sum(1 for line in lines if _SPLITTER.match(line))
        for what, cost in (("brackets", brackets * _BRACKET), ("parentheses", parens * _PAREN),
                           ("splits", splits * len(lines) * _SPLIT if splits else 0)):
            totals[what] += cost
            if cost > worst[what]:
                worst[what], lines_of[what] = cost, start
    joined = "\n\n".join(kept)
    tags, at = _tags(joined)
    totals["tags"] = tags * _TAG
    index = bisect.bisect_right(starts, (at, 1 << 62)) - 1
    if index >= 0:
        block_at, first = starts[index]
        lines_of["tags"] = first + joined.count("\n", block_at, at)
    totals["length"] = len(text) * _CHARACTER
    lines_of["length"] = 0
    what = max(totals, key=lambda key: totals[key])
    return Estimate(sum(totals.values()), lines_of[what], what)


def costliest(text: str, public: bool) -> Estimate:
    """The estimate of the costlier flavour `text` is rendered in: the knowledge base's always,
    the public site's too when `public`."""
    found = estimate(text, fences=True)
    if public and ("```" in text or "~~~" in text):  # without a fence both flavours are the same
        other = estimate(text, fences=False)
        if other.cost > found.cost:
            found = other
    return found


def _at_most(text: str) -> int:
    """An upper bound of `estimate` that needs no parsing: every scan is at most the whole text
    long, and a block has at most every line. For the usual text (a few links) it is far below
    any bound, and counting is 20 times faster than estimating."""
    size = len(text)
    lines = text.count("\n") + 1
    scans = text.count("[") * _BRACKET + text.count("(") * _PAREN + text.count("<") * _TAG
    return size * _CHARACTER + size * scans + lines * lines * _SPLIT


def cost_of(text: str, public: bool, bound: int) -> Estimate:
    """`costliest(text, public)`, or a cheaper upper bound of it when that is within `bound`."""
    at_most = _at_most(text)
    return Estimate(at_most, 0, "length", rough=True) if at_most <= bound else costliest(text, public)


class FileBudget:
    """The estimated cost of the Markdown fields of one file so far, against `FILE_COST`.

    A field within its own bound is often counted by `cost_of`'s upper bound, which can be
    thirty times its estimate (a 5,000-character body with 80 links: 4.6 million against
    0.17 million), so fifteen such updates would have refused a file that renders in a tenth of a
    second. When the total goes over, the fields counted by their upper bound are estimated after
    all, so a file is refused only for what its fields are estimated to cost."""

    def __init__(self, public: bool = True) -> None:
        self.public = public
        self.spent = 0
        self._rough: list[tuple[str, int]] = []  # (text, the upper bound it was counted by)

    def within(self, text: str, found: Estimate) -> bool:
        """Count `text`, whose field estimate is `found`; whether the file is still within `FILE_COST`."""
        self.spent += found.cost
        if found.rough:
            self._rough.append((text, found.cost))
        if self.spent > FILE_COST and self._rough:
            self.spent += sum(costliest(rough, self.public).cost - counted for rough, counted in self._rough)
            self._rough.clear()
        return self.spent <= FILE_COST


def too_slow(found: Estimate, bound: int) -> str:
    """The problem message for Markdown estimated to cost more than `bound`."""
    return (
        f"this Markdown would take too long to render (estimated cost {found.cost:,}; the limit is {bound:,}), "
        f"mostly for {_WHAT[found.what]}; {_HINT}"
    )


def problem(text: str, bound: int, public: bool) -> tuple[int, str] | None:
    """(line in the text counted from 0, message) when rendering `text` is estimated to cost more
    than `bound`, else None."""
    found = cost_of(text, public, bound)
    return None if found.cost <= bound else (found.line, too_slow(found, bound))
