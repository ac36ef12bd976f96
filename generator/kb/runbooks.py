"""Runbook pages: the index grouped by service, the alert index, and each runbook's page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from ..failures import blamed
from ..model import Runbook, Site
from . import paths
from .content import document
from .index import Kb, build_index
from .md import admonition, cell, day, external_link, front_matter, link, table
from .pages import Output


def is_stale(runbook: Runbook, today: date, stale_days: int) -> bool:
    """Never reviewed, or last reviewed more than `runbook_stale_days` ago."""
    return runbook.last_reviewed is None or (today - runbook.last_reviewed).days > stale_days


def reviewed_cell(kb: Kb, runbook: Runbook) -> str:
    text = day(runbook.last_reviewed) if runbook.last_reviewed else "never"
    if is_stale(runbook, kb.today, kb.site.settings.runbook_stale_days):
        return f'{text} <span class="kb-stale">stale</span>'
    return text


def runbooks_index(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    source = paths.RUNBOOKS
    stale_days = site.settings.runbook_stale_days
    out = front_matter("Runbooks") + "# Runbooks\n\n"
    out += (
        f"Runbooks grouped by service. A runbook not reviewed for {stale_days} days is marked **stale**. "
        f"Looking for the runbook of an alert? Use the {link('alert index', source, paths.ALERTS)} "
        "or paste the alert name into search.\n\n"
    )
    for service in site.services:
        runbooks = kb.runbooks_by_service.get(service.id, ())
        out += f"## {cell(service.name)}\n\n"
        page = link(service.name, source, paths.service(service.id))
        out += f"Service: {page} · owner {cell(service.owner) or '—'}\n\n"
        rows = [
            [
                link(r.title, source, kb.runbook_pages[r.path]),
                cell(", ".join(r.alerts)) or "—",
                cell(r.owner) or "—",
                reviewed_cell(kb, r),
            ]
            for r in runbooks
        ]
        rows += [[f"{external_link(url, url)} (external)", "—", "—", "—"] for url in service.runbooks]
        out += table(["Runbook", "Alerts", "Owner", "Last reviewed"], rows) if rows else "No runbook yet.\n"
        out += "\n"
    return out


def alert_index(site: Site, now: datetime) -> str:
    kb = build_index(site, now)
    source = paths.ALERTS
    pairs = sorted((alert, r) for r in site.runbooks for alert in r.alerts)
    out = front_matter("Alert index") + "# Alert index\n\n"
    out += "Every alert name that leads to a runbook, A to Z.\n\n"
    rows = [
        [
            f"`{alert}`" if "`" not in alert else cell(alert),
            link(r.title, source, kb.runbook_pages[r.path]),
            ", ".join(link(kb.service_name(s), source, paths.service(s)) for s in r.services),
        ]
        for alert, r in pairs
    ]
    out += table(["Alert", "Runbook", "Services"], rows) if rows else "No runbook names an alert yet.\n"
    return out


@blamed("runbook", lambda kb, runbook: runbook.path)
def runbook_page(kb: Kb, runbook: Runbook) -> str:
    source = kb.runbook_pages[runbook.path]
    tags = [f"Service: {kb.service_name(s)}" for s in runbook.services] + ["Runbook"]
    out = front_matter(runbook.title, tags) + f"# {cell(runbook.title)}\n\n"
    if is_stale(runbook, kb.today, kb.site.settings.runbook_stale_days):
        when = f"last reviewed {runbook.last_reviewed}" if runbook.last_reviewed else "never reviewed"
        out += admonition(
            "warning", "Stale runbook", f"This runbook was {when}; check each step before you rely on it."
        )
    rows = [
        ["Services", ", ".join(link(kb.service_name(s), source, paths.service(s)) for s in runbook.services)],
        ["Alerts", ", ".join(f"`{a}`" for a in runbook.alerts if "`" not in a) or "—"],
        ["Owner", cell(runbook.owner) or "—"],
        ["Last reviewed", reviewed_cell(kb, runbook)],
        ["Source", f"`content/{runbook.source.path}`"],
    ]
    return out + table(["Field", "Value"], rows) + "\n" + document(runbook.body) + "\n"


def runbook_pages(site: Site, now: datetime) -> Iterator[Output]:
    kb = build_index(site, now)
    for runbook in site.runbooks:
        yield Output(kb.runbook_pages[runbook.path], runbook_page(kb, runbook))
