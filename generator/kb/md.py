"""Small, safe builders of Markdown text: escaped table cells, relative links, front matter.

Everything user-written that lands in a table cell or a link label goes through `cell()`, so a
pipe, a newline or a stray `<` in a title never breaks the page structure.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from ..derive.metrics.table import human


def cell(text: str) -> str:
    """One-line, table-safe text: HTML special characters escaped, pipes escaped, newlines folded,
    no link (`[`) and no attribute list (`{onclick=...}`, which `attr_list` would apply)."""
    flat = " ".join(str(text).split())
    escaped = html.escape(flat, quote=False).replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
    return escaped.replace("{", "&#123;")


_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"'`\\]+", re.IGNORECASE)


def external_link(label: str, url: str) -> str:
    """A Markdown link to an http(s) or mailto URL written in content; any other URL (a
    `javascript:` one, one with spaces or quotes) is shown as text, not linked."""
    if _SAFE_URL.fullmatch(url):
        target = url.replace("(", "%28").replace(")", "%29")
        return f"[{cell(label)}]({target})"
    return f"{cell(label)} (`{cell(url).replace('`', '')}`, not linked)"


def link(label: str, source: str, target: str, anchor: str = "", nowrap: bool = False) -> str:
    """A Markdown link from the page `source` to the page `target` (both docs-relative paths);
    `nowrap` keeps its label on one line (ids: `INC-2026-039`, never `INC-2026-` / `039`)."""
    markdown = f"[{cell(label)}]({relative(target, source)}{'#' + anchor if anchor else ''})"
    return markdown + "{ .kb-nowrap }" if nowrap else markdown


def nowrap(text: str) -> str:
    """Table-safe text kept on one line (ids and dates break at their hyphens otherwise)."""
    return f'<span class="kb-nowrap">{cell(text)}</span>'


def relative(target: str, source: str) -> str:
    """`posixpath.relpath(target, dirname(source) or ".")`, without its two `abspath` calls
    per link (a third of generating the Markdown): plain relative paths are compared by
    their folders; anything else (`.`, `..`, empty parts) goes through `relpath`."""
    folder = source.rpartition("/")[0]
    if _plain_path(target) and _plain_path(source):
        if not folder:
            return target
        if target.startswith(folder + "/"):
            return target[len(folder) + 1 :]
        here, there = folder.split("/"), target.split("/")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        return "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return posixpath.relpath(target, folder or ".")


def _plain_path(path: str) -> bool:
    wrapped = f"/{path}/"
    return bool(path) and "//" not in wrapped and "/./" not in wrapped and "/../" not in wrapped


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped (use `cell()` / `link()`)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def front_matter(title: str, tags: Sequence[str] = (), wide: bool = False, **extra: str | bool) -> str:
    """YAML front matter written as JSON values, which YAML reads verbatim (no quoting traps).

    `wide`: a page of wide tables hides Material's table of contents, which gives the tables
    its column (and kb.css widens such pages' grid on large screens).
    """
    lines = ["---", f"title: {json.dumps(html.escape(title, quote=False))}"]
    if wide:
        lines.append('hide: ["toc"]')
    if tags:
        lines.append("tags:")
        lines.extend(f"  - {json.dumps(html.escape(tag, quote=False))}" for tag in tags)
    lines.extend(f"{key}: {json.dumps(value)}" for key, value in sorted(extra.items()))
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def indent(text: str, prefix: str = "    ") -> str:
    """Indent a block (for admonition and tab bodies); blank lines stay blank."""
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip("\n").splitlines())


def admonition(kind: str, title: str, body: str, collapsible: bool = False) -> str:
    """`!!! kind "title"` (or `??? ` when collapsible) with the body indented under it."""
    marker = "???" if collapsible else "!!!"
    safe_title = cell(title).replace('"', "'")
    return f'{marker} {kind} "{safe_title}"\n\n{indent(body)}\n\n'


def tabs(items: Sequence[tuple[str, str]]) -> str:
    """Material content tabs (`=== "Label"`)."""
    return "".join(f'=== "{label}"\n\n{indent(body)}\n\n' for label, body in items)


def when(moment: datetime | None) -> str:
    """A UTC time as shown everywhere in the knowledge base."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


def label(value: str) -> str:
    """An enum value as words: `major_outage` -> `major outage`."""
    return str(value).replace("_", " ")


def span(value: timedelta | None) -> str:
    """A duration in the metrics' short form (`7 min`, `1 h 07 min`); `unknown` for None."""
    if value is None or value < timedelta(0):
        return "unknown"
    return human(value.total_seconds())
