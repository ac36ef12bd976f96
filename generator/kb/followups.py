"""The follow-up tracker: every action item, open and overdue first, by owner and by priority."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from ..model import Priority, Site
from . import paths
from .index import Action, build_index
from .md import cell, front_matter, table, tabs
from .metrics_pages import followup_figures
from .reviews import ACTION_HEADERS, action_rows

HEADERS = [*ACTION_HEADERS, "Review"]


def _grouped(actions: Sequence[Action], rows: Sequence[list[str]], key: str) -> str:
    """The items grouped by owner or priority; `rows` are their table rows, in the same order
    (made once for the three tables that show each item)."""
    groups: dict[str, list[tuple[Action, list[str]]]] = defaultdict(list)
    for action, row in zip(actions, rows, strict=True):
        name = action.item.owner or "(no owner)" if key == "owner" else action.item.priority.value
        groups[name].append((action, row))
    order = sorted(groups) if key == "owner" else [p.value for p in Priority if p.value in groups]
    out = ""
    for name in order:
        members = groups[name]
        open_count = sum(1 for a, _ in members if a.is_open)
        overdue = sum(1 for a, _ in members if a.overdue)
        out += f"**{cell(name)}** — {open_count} open, {overdue} overdue\n\n"
        out += table(HEADERS, [row for _, row in members]) + "\n"
    return out


def tracker(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    actions = kb.actions  # overdue first, then open, then closed; earliest due first
    open_count = sum(1 for a in actions if a.is_open)
    overdue = sum(1 for a in actions if a.overdue)
    out = front_matter("Follow-up tracker", wide=True) + "# Follow-up tracker\n\n"
    out += (
        f"{len(actions)} action items from {len(site.postmortems)} reviews: {open_count} open, "
        f"**{overdue} overdue** (as of {now.date()}). Items without a `due` date are due "
        "`action_item_deadlines` days after their review.\n\n"
    )
    if not actions:
        return out + "No action items yet.\n"
    rows = action_rows(actions, paths.FOLLOWUPS, True)
    return out + tabs(
        [
            ("Open and overdue first", table(HEADERS, rows)),
            ("By owner", _grouped(actions, rows, "owner")),
            ("By priority", _grouped(actions, rows, "priority")),
            ("Completion and overdue figures", followup_figures(site, now, source=paths.FOLLOWUPS)),
        ]
    )
