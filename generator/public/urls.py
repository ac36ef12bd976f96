"""Where every public file lives: one table of paths, shared by pages, feeds, API and sitemap.

Paths are relative to the public root and end in a file name (no reliance on directory index
files), so the site works on any static host and from `file://`.
"""

from __future__ import annotations

from .assets import published

HOME = "index.html"
STYLESHEET = published("style.css")  # assets/style.<hash>.css
SCRIPT = published("localtime.js")  # optional: shows times in the reader's zone; pages work without it
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
HEADERS = "_headers"

FEED_RSS = "feeds/all.rss"
FEED_ATOM = "feeds/all.atom"
CALENDAR = "maintenance.ics"
BADGE = "badge.svg"
API_ROOT = "api/v2/"
SUMMARY = API_ROOT + "summary.json"
SHIELDS = "api/shields.json"  # the shields.io endpoint format
EMBED = "embed/index.html"  # the status for other sites' frames
EMBED_SCRIPT = "embed/status.js"  # other sites name it: a fixed address, not fingerprinted
EMBED_STYLESHEET = published("embed.css")


def incident(incident_id: str) -> str:
    return f"incidents/{incident_id}.html"


def component(component_id: str) -> str:
    return f"components/{component_id}.html"


def component_year(component_id: str, year: int) -> str:
    """A component's archive of one year: its incidents and maintenance of that year."""
    return f"components/{component_id}/{year}.html"


def maintenance(maintenance_id: str) -> str:
    return f"maintenance/{maintenance_id}.html"


def history(page: int) -> str:
    """History pages: page 1 is the newest."""
    return "history/index.html" if page == 1 else f"history/{page}.html"


def component_feed(component_id: str, kind: str) -> str:
    """kind: "rss" or "atom"."""
    return f"feeds/components/{component_id}.{kind}"


def group_feed(group_id: str, kind: str) -> str:
    return f"feeds/groups/{group_id}.{kind}"


def component_calendar(component_id: str) -> str:
    return f"calendars/components/{component_id}.ics"


def component_badge(component_id: str) -> str:
    return f"badges/{component_id}.svg"


def absolute(base_url: str, path: str) -> str:
    """An absolute URL under the site's `base_url` (which ends in `/`)."""
    return base_url + ("" if path == HOME else path)


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at `from_path` to `to_path`, both relative to the public root."""
    from_dir = from_path.rpartition("/")[0]
    if from_dir and to_path.startswith(from_dir + "/"):
        return to_path[len(from_dir) + 1 :]  # same folder: history/2.html from history/index.html
    depth = from_path.count("/")
    return "../" * depth + to_path
