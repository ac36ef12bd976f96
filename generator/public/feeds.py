"""RSS 2.0 and Atom feeds: the whole page, each group and each public component.

Every public update of an external incident or a maintenance window is one item, so a subscriber
hears of each update. Item ids are tag URIs made from the record id and the update time, never
from build order, and a feed's own "updated" time is its newest item's time, not the build time:
rebuilding with a different `--now` and the same content gives the same bytes, and a reader never
sees an old update as new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from . import urls
from .markdown import plain, render
from .projection import PublicIncident, PublicMaintenance, PublicPage

#: The feed time of a page that has no public update at all (keeps feeds free of the build time).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

INCIDENT_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}
MAINTENANCE_WORDS = {
    "scheduled": "Maintenance scheduled",
    "in_progress": "Maintenance in progress",
    "verifying": "Maintenance verifying",
    "completed": "Maintenance completed",
    "cancelled": "Maintenance cancelled",
}


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One public update as a feed entry."""

    guid: str
    at: datetime
    title: str
    link: str
    html: str
    component_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed, written once as RSS and once as Atom."""

    rss_path: str
    atom_path: str
    title: str
    subtitle: str
    page_path: str  # the HTML page the feed belongs to
    items: tuple[FeedItem, ...]


def host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def utc_stamp(at: datetime) -> str:
    """Compact UTC time for ids: `20261120T141200Z`."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def update_keys(times: Sequence[datetime]) -> list[str]:
    """A key per update of one record: its UTC time, plus `-2`, `-3`... for later updates posted
    at the same second (in file order), so two updates never share an id."""
    seen: dict[datetime, int] = {}
    keys = []
    for at in times:
        seen[at] = seen.get(at, 0) + 1
        keys.append(utc_stamp(at) + (f"-{seen[at]}" if seen[at] > 1 else ""))
    return keys


def tag_uri(base_url: str, kind: str, record_id: str, at: datetime, key: str) -> str:
    """A stable RFC 4151 tag URI for one update (`key`, from `update_keys`) of one record."""
    day = at.astimezone(UTC).strftime("%Y-%m-%d")
    return f"tag:{host(base_url)},{day}:{kind}/{record_id}/update/{key}"


def _names(page: PublicPage, component_ids: Iterable[str]) -> str:
    return ", ".join(page.component(c).name for c in component_ids) or "none listed"


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def incident_items(page: PublicPage, incident: PublicIncident) -> list[FeedItem]:
    return _update_items(
        page, "incident", incident.id, incident.title, incident.component_ids,
        [(u.at, INCIDENT_WORDS[u.status.value], u.body) for u in incident.updates],
        link=urls.absolute(page.base_url, urls.incident(incident.id)),
        context="",
    )


def maintenance_items(page: PublicPage, window: PublicMaintenance) -> list[FeedItem]:
    span = f"{_utc(window.scheduled_start)} to {_utc(window.scheduled_end)}"
    return _update_items(
        page, "maintenance", window.id, window.title, window.component_ids,
        [(u.at, MAINTENANCE_WORDS[u.status.value], u.body) for u in window.updates],
        link=urls.absolute(page.base_url, urls.maintenance(window.id)),
        context=f"<p>Scheduled: {escape(span)}</p>",
    )


def _update_items(
    page: PublicPage,
    kind: str,
    record_id: str,
    title: str,
    component_ids: tuple[str, ...],
    updates: Sequence[tuple[datetime, str, str]],
    link: str,
    context: str,
) -> list[FeedItem]:
    """One item per (time, status word, Markdown body) update of one incident or window."""
    names = escape(_names(page, component_ids))
    keys = update_keys([at for at, _, _ in updates])
    return [
        FeedItem(
            guid=tag_uri(page.base_url, kind, record_id, at, key),
            at=at,
            title=f"{word}: {plain(title)}",
            link=link,
            html=(
                f"<p><strong>{escape(word)}</strong> \u2014 {escape(title)}</p>"
                f"{context}<p>Affected components: {names}</p>{render(body)}"
            ),
            component_ids=component_ids,
        )
        for (at, word, body), key in zip(updates, keys, strict=True)
    ]


def all_items(page: PublicPage) -> list[FeedItem]:
    """Every public update on the page, newest first (ties broken by id, for stable output)."""
    items = [item for i in page.incidents for item in incident_items(page, i)]
    items += [item for m in page.maintenance for item in maintenance_items(page, m)]
    return sorted(items, key=lambda item: (item.at, item.guid), reverse=True)


#: A feed item before its text is made: (time, guid, component ids, record).
_Stub = tuple[datetime, str, tuple[str, ...], "PublicIncident | PublicMaintenance"]


def _stubs(page: PublicPage) -> list[_Stub]:
    """Every public update as a stub, in the order of `all_items` (newest first, ties by guid)."""
    stubs: list[_Stub] = []
    records: list[tuple[str, PublicIncident | PublicMaintenance, Sequence[datetime]]] = [
        ("incident", i, [u.at for u in i.updates]) for i in page.incidents
    ]
    records += [("maintenance", m, [u.at for u in m.updates]) for m in page.maintenance]
    for kind, record, times in records:
        for at, key in zip(times, update_keys(times), strict=True):
            stubs.append((at, tag_uri(page.base_url, kind, record.id, at, key), record.component_ids, record))
    stubs.sort(key=lambda stub: (stub[0], stub[1]), reverse=True)
    return stubs


def feeds(page: PublicPage) -> list[Feed]:
    """The whole-page feed, one per group and one per public component.

    Only the records whose updates make it into some feed get their items made (Markdown
    rendered): at 20,000 incidents making every item cost more than all feeds together.
    """
    stubs = _stubs(page)
    limit = max(page.feed_items, 0)
    made: dict[str, FeedItem] = {}

    def item(stub: _Stub) -> FeedItem:
        if stub[1] not in made:
            record = stub[3]
            if isinstance(record, PublicIncident):
                new = incident_items(page, record)
            else:
                new = maintenance_items(page, record)
            made.update((i.guid, i) for i in new)
        return made[stub[1]]

    def about(ids: Iterable[str] | None) -> tuple[FeedItem, ...]:
        wanted = None if ids is None else set(ids)
        chosen: list[FeedItem] = []
        for stub in stubs:
            if len(chosen) >= limit:
                break
            if wanted is None or wanted.intersection(stub[2]):
                chosen.append(item(stub))
        return tuple(chosen)

    items = about(None)

    result = [
        Feed(
            urls.FEED_RSS,
            urls.FEED_ATOM,
            page.name,
            f"Incidents and maintenance on {page.name}",
            urls.HOME,
            items,
        )
    ]
    for group in page.groups:
        result.append(
            Feed(
                urls.group_feed(group.id, "rss"),
                urls.group_feed(group.id, "atom"),
                f"{page.name}: {group.name}",
                f"Incidents and maintenance affecting {group.name} on {page.name}",
                urls.HOME,
                about(group.component_ids),
            )
        )
    for component in page.components:
        result.append(
            Feed(
                urls.component_feed(component.id, "rss"),
                urls.component_feed(component.id, "atom"),
                f"{page.name}: {component.name}",
                f"Incidents and maintenance affecting {component.name} on {page.name}",
                urls.component(component.id),
                about([component.id]),
            )
        )
    return result


def _generator(page: PublicPage, feed: Feed, self_path: str, items: Sequence[FeedItem]) -> FeedGenerator:
    updated = items[0].at if items else (page.last_change or EPOCH)
    fg = FeedGenerator()
    fg.id(urls.absolute(page.base_url, self_path))
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)
    fg.description(feed.subtitle)
    fg.author({"name": page.name})
    fg.link(href=urls.absolute(page.base_url, self_path), rel="self")
    fg.link(href=urls.absolute(page.base_url, feed.page_path), rel="alternate")  # last: RSS <link>
    fg.language("en")
    fg.generator("Statuspress")
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for item in items:
        entry = fg.add_entry(order="append")
        entry.id(item.guid)
        entry.guid(item.guid, permalink=False)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate")
        entry.updated(item.at)
        entry.published(item.at)
        entry.pubDate(item.at)
        entry.content(item.html, type="html")
        for component_id in item.component_ids:
            entry.category(term=component_id, label=page.component(component_id).name)
    return fg


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data.endswith(b"\n") else data + b"\n")


def render_feeds(page: PublicPage, dest: Path) -> None:
    """Write every feed in both formats under `dest`."""
    for feed in feeds(page):
        rss = _generator(page, feed, feed.rss_path, feed.items)
        _write(dest / feed.rss_path, rss.rss_str(pretty=True))
        atom = _generator(page, feed, feed.atom_path, feed.items)
        _write(dest / feed.atom_path, atom.atom_str(pretty=True))
