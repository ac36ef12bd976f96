"""RSS 2.0 and Atom feeds: the whole page, each group and each public component.

Every public update of an external incident or a maintenance window is one item, so a subscriber
hears of each update. Item ids are tag URIs made from the record id and the update time, never
from build order, and a feed's own "updated" time is its newest item's time, not the build time:
rebuilding with a different `--now` and the same content gives the same bytes, and a reader never
sees an old update as new.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from ..failures import blamed
from ..versions import version
from . import reuse, urls
from .markdown import render
from .projection import EPOCH, PublicIncident, PublicMaintenance, PublicPage
from .reuse import PageCache
from .settled import SettledIncident

#: Libraries whose versions shape a feed file's bytes (feedgen serialises with lxml).
LIBRARIES = ("feedgen", "lxml")


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


@lru_cache(maxsize=4)
def versions(names: tuple[str, ...]) -> tuple[str, ...]:
    """The installed versions of `names`, for keys of files those libraries write (the page
    salt covers only the libraries of the HTML pages)."""
    return tuple(f"{name}={version(name)}" for name in names)


@lru_cache(maxsize=16)
def host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def utc_stamp(at: datetime) -> str:
    """Compact UTC time for ids: `20261120T141200Z`."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def update_keys(times: Sequence[datetime]) -> list[str]:
    """A key per update of one record, `times` oldest first: its UTC time, plus `-2`, `-3`...
    for later updates posted at the same second (in file order), so two updates never share an
    id."""
    seen: dict[datetime, int] = {}
    keys = []
    for at in times:
        seen[at] = seen.get(at, 0) + 1
        keys.append(utc_stamp(at) + (f"-{seen[at]}" if seen[at] > 1 else ""))
    return keys


def newest_first_keys(times: Sequence[datetime]) -> list[str]:
    """`update_keys` for times newest first (as the projection lists updates): the suffixes
    still count in posting order, so an update keeps its id whichever way it is listed."""
    return list(reversed(update_keys(list(reversed(times)))))


def tag_uri(base_url: str, kind: str, record_id: str, at: datetime, key: str) -> str:
    """A stable RFC 4151 tag URI for one update (`key`, from `update_keys`) of one record."""
    day = at.astimezone(UTC).strftime("%Y-%m-%d")
    return f"tag:{host(base_url)},{day}:{kind}/{record_id}/update/{key}"


def _names(page: PublicPage, component_ids: Iterable[str]) -> str:
    return ", ".join(page.component(c).name for c in component_ids) or "none listed"


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


@blamed("incident", lambda page, incident: incident.id)
def incident_items(page: PublicPage, incident: PublicIncident) -> list[FeedItem]:
    return _update_items(
        page, "incident", incident.id, incident.title, incident.component_ids,
        [(u.at, INCIDENT_WORDS[u.status.value], u.body) for u in incident.updates],
        link=urls.absolute(page.base_url, urls.incident(incident.id)),
        context="",
    )


@blamed("maintenance", lambda page, window: window.id)
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
    keys = newest_first_keys([at for at, _, _ in updates])
    return [
        FeedItem(
            guid=tag_uri(page.base_url, kind, record_id, at, key),
            at=at,
            title=f"{word}: {title}",
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


def _newest_first(page: PublicPage) -> list[tuple[datetime, PublicIncident | SettledIncident | PublicMaintenance]]:
    """Every record with a public update and its newest update's time, newest first (updates
    are newest first in the projection, so the first is the newest; a settled incident keeps
    that time, and its view is read back only if a feed lists it)."""
    records: list[tuple[datetime, PublicIncident | SettledIncident | PublicMaintenance]] = []
    for i in page.listed:
        newest = i.newest_update if isinstance(i, SettledIncident) else i.updates[0].at if i.updates else None
        if newest is not None:
            records.append((newest, i))
    records += [(m.updates[0].at, m) for m in page.maintenance if m.updates]
    records.sort(key=lambda record: record[0], reverse=True)
    return records


def _record_stubs(page: PublicPage, record: PublicIncident | PublicMaintenance) -> list[_Stub]:
    kind = "incident" if isinstance(record, PublicIncident) else "maintenance"
    times = [u.at for u in record.updates]
    ids = record.component_ids
    return [
        (at, tag_uri(page.base_url, kind, record.id, at, key), ids, record)
        for at, key in zip(times, newest_first_keys(times), strict=True)
    ]


def _newest_stubs(page: PublicPage, wanted: Sequence[frozenset[str] | None]) -> list[list[_Stub]]:
    """For each filter (None: every record; else component ids), its newest `feed_items`
    updates, newest first with ties broken by guid, as `all_items` orders them.

    One pass over the records, newest record first, that stops as soon as every feed holds
    `feed_items` updates newer than the next record's newest: nothing later can displace
    them. Ids are made only for the records read, so a feed costs about its length, not the
    size of the history.
    """
    limit = page.feed_items
    if limit <= 0:
        return [[] for _ in wanted]
    found: list[list[_Stub]] = [[] for _ in wanted]
    best: list[list[datetime]] = [[] for _ in wanted]  # min-heaps of the `limit` newest times
    pending = list(range(len(wanted)))
    for newest, record in _newest_first(page):
        pending = [f for f in pending if len(best[f]) < limit or best[f][0] <= newest]
        if not pending:
            break
        ids = record.component_ids
        stubs: list[_Stub] | None = None
        for f in pending:
            chosen = wanted[f]
            if chosen is not None and chosen.isdisjoint(ids):
                continue
            if stubs is None:
                stubs = _record_stubs(page, record if isinstance(record, PublicMaintenance) else page.view(record))
            found[f].extend(stubs)
            for stub in stubs:
                if len(best[f]) < limit:
                    heapq.heappush(best[f], stub[0])
                elif stub[0] > best[f][0]:
                    heapq.heapreplace(best[f], stub[0])
    for stubs in found:
        stubs.sort(key=lambda stub: (stub[0], stub[1]), reverse=True)
        del stubs[limit:]
    return found


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """One feed before its items are made: what `Feed` holds, with stubs for items."""

    rss_path: str
    atom_path: str
    title: str
    subtitle: str
    page_path: str
    stubs: tuple[_Stub, ...]


def plans(page: PublicPage) -> list[FeedPlan]:
    """The whole-page feed, one per group and one per public component, without their text."""
    heads: list[tuple[str, str, str, str, str, frozenset[str] | None]] = [
        (urls.FEED_RSS, urls.FEED_ATOM, page.name, f"Incidents and maintenance on {page.name}", urls.HOME, None)
    ]
    for group in page.groups:
        heads.append((
            urls.group_feed(group.id, "rss"),
            urls.group_feed(group.id, "atom"),
            f"{page.name}: {group.name}",
            f"Incidents and maintenance affecting {group.name} on {page.name}",
            urls.HOME,
            frozenset(group.component_ids),
        ))
    for component in page.components:
        heads.append((
            urls.component_feed(component.id, "rss"),
            urls.component_feed(component.id, "atom"),
            f"{page.name}: {component.name}",
            f"Incidents and maintenance affecting {component.name} on {page.name}",
            urls.component(component.id),
            frozenset([component.id]),
        ))
    chosen = _newest_stubs(page, [head[5] for head in heads])
    return [FeedPlan(*head[:5], tuple(stubs)) for head, stubs in zip(heads, chosen, strict=True)]


class _Items:
    """Feed items made on demand, each record's Markdown rendered once per build: only the
    records shown in a feed that is rendered get their items made."""

    def __init__(self, page: PublicPage) -> None:
        self.page = page
        self.made: dict[str, FeedItem] = {}

    def __call__(self, stubs: Iterable[_Stub]) -> tuple[FeedItem, ...]:
        return tuple(self.item(stub) for stub in stubs)

    def item(self, stub: _Stub) -> FeedItem:
        if stub[1] not in self.made:
            record = stub[3]
            if isinstance(record, PublicIncident):
                new = incident_items(self.page, record)
            else:
                new = maintenance_items(self.page, record)
            self.made.update((i.guid, i) for i in new)
        return self.made[stub[1]]


def feeds(page: PublicPage) -> list[Feed]:
    """The whole-page feed, one per group and one per public component."""
    items = _Items(page)
    return [
        Feed(plan.rss_path, plan.atom_path, plan.title, plan.subtitle, plan.page_path, items(plan.stubs))
        for plan in plans(page)
    ]


def rss_text(text: str) -> str:
    """Text for an RSS element a reader may take for HTML (RSS 2.0 does not say which): escaped
    once more, so `<script>` in a name is shown, never parsed. Atom says text, so it is not."""
    return escape(text, quote=False)


def _generator(
    page: PublicPage, feed: Feed, self_path: str, items: Sequence[FeedItem], updated: datetime, atom: bool
) -> FeedGenerator:
    text = (lambda value: value) if atom else rss_text
    fg = FeedGenerator()
    fg.id(urls.absolute(page.base_url, self_path))
    fg.title(text(feed.title))
    fg.subtitle(text(feed.subtitle))
    fg.description(text(feed.subtitle))
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
        entry.title(text(item.title))
        entry.link(href=item.link, rel="alternate")
        entry.updated(item.at)
        entry.published(item.at)
        entry.pubDate(item.at)
        entry.content(item.html, type="html")
        for component_id in item.component_ids:
            entry.category(term=component_id, label=text(page.component(component_id).name))
    return fg


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data.endswith(b"\n") else data + b"\n")


def _updated(page: PublicPage, stubs: Sequence[_Stub]) -> datetime:
    """The feed's own time: its newest item's, or the page's last change when it has none."""
    return stubs[0][0] if stubs else (page.last_change or EPOCH)


def render_feeds(page: PublicPage, dest: Path, cache: PageCache | None = None) -> None:
    """Write every feed in both formats under `dest`.

    With a `cache`, each file is keyed by exactly the records of the items it lists (the
    newest `feed_items` updates) and its own time; titles, host and component names come from
    the settings and components in the salt. A feed none of whose items changed is reused.
    """
    items = _Items(page)
    digests: dict[int, bytes] = {}

    def digest(record: PublicIncident | PublicMaintenance) -> bytes:
        if id(record) not in digests:
            digests[id(record)] = reuse.key(b"", (record,))
        return digests[id(record)]

    for plan in plans(page):
        updated = _updated(page, plan.stubs)
        for path, atom in ((plan.rss_path, False), (plan.atom_path, True)):
            file_key = None
            if cache is not None:
                shown = [(stub[1], digest(stub[3])) for stub in plan.stubs]
                file_key = reuse.key(cache.salt, ("feed", versions(LIBRARIES), path, plan.title,
                                                  plan.subtitle, plan.page_path, updated, shown))
                if cache.reuse(path, file_key, dest):
                    continue
            feed = Feed(plan.rss_path, plan.atom_path, plan.title, plan.subtitle, plan.page_path,
                        items(plan.stubs))
            fg = _generator(page, feed, path, feed.items, updated, atom)
            _write(dest / path, fg.atom_str(pretty=True) if atom else fg.rss_str(pretty=True))
            if cache is not None:
                cache.written(path, file_key, dest)
