"""`_headers`: cache and security headers for hosts that read one (Netlify, Cloudflare Pages).

**Caching for the outage spike.** During an outage the page gets many times its usual traffic,
all of it from a CDN. Pages, feeds, calendars, the JSON API and badges are cached for a minute
(`max-age=60`), then served stale while the CDN fetches the new version
(`stale-while-revalidate`), and served stale for a day if the origin fails (`stale-if-error`), so
the last good page stays up. Fingerprinted assets (assets.py) are `immutable` for a year.

**Security.** The pages carry the same Content-Security-Policy in a meta tag, but a meta policy
cannot forbid framing (`frame-ancestors` is ignored there) and cannot set the other headers, so
hosts that honour this file get the stronger, header-delivered version. Only `embed/` may be
framed, by any site (`frame-ancestors *`); every other path sends `frame-ancestors 'none'`.

**One rule per header per path.** When two rules match a path, Netlify keeps the later rule's
value of a header and Cloudflare Pages joins both values with a comma (two policies, both
enforced). So every header that differs between paths is set by exactly one rule for any path,
and only the headers that are the same everywhere are set for `/*`. The rules are one table,
which the README's recipes for other servers repeat (tests keep them in step). The file is static
text: it holds nothing from the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import urls
from .assets import ASSETS
from .html import CSP
from .projection import PublicPage

#: Pages, feeds, calendars, API, badges: fresh within a minute, the last good copy if the origin fails.
SHORT_LIVED = "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400"
#: Fingerprinted files: their name changes when their bytes do.
IMMUTABLE = "public, max-age=31536000, immutable"

#: Headers that are the same for every path (set once, for `/*`).
EVERYWHERE: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A path pattern (`*` matches any rest of the path) and how its files are served."""

    pattern: str
    what: str  # what it covers, for the file's comments and the docs
    cache: str = SHORT_LIVED
    framed: bool = False  # True: any site may show it in a frame
    cors: bool = False  # True: scripts on any origin may read it

    def headers(self) -> tuple[tuple[str, str], ...]:
        """This rule's headers, in the order they are written."""
        ancestors = "*" if self.framed else "'none'"
        found = [("Cache-Control", self.cache), ("Content-Security-Policy", f"{CSP}; frame-ancestors {ancestors}")]
        if not self.framed:
            found.append(("X-Frame-Options", "DENY"))
        if self.cors:
            found.append(("Access-Control-Allow-Origin", "*"))
        return tuple(found)


def _folder(path: str) -> str:
    """`/incidents/*` for `incidents/x.html`."""
    return "/" + path.partition("/")[0] + "/*"


#: Every path of the public site matches exactly one of these (tests check each file).
RULES: tuple[Rule, ...] = (
    Rule("/", "the home page"),
    Rule("/" + urls.HOME, "the home page"),
    Rule(_folder(urls.incident("x")), "incident pages"),
    Rule(_folder(urls.component("x")), "component pages and their archive years"),
    Rule(_folder(urls.maintenance("x")), "maintenance pages"),
    Rule(_folder(urls.history(1)), "history pages"),
    Rule("/" + urls.NOT_FOUND, "the 404 page"),
    Rule("/" + urls.SITEMAP, "the sitemap"),
    Rule("/" + urls.ROBOTS, "robots.txt"),
    Rule(_folder(urls.FEED_RSS), "RSS and Atom feeds"),
    Rule("/" + urls.CALENDAR, "the maintenance calendar"),
    Rule(_folder(urls.component_calendar("x")), "component calendars"),
    Rule(_folder(urls.API_ROOT), "the JSON API", cors=True),
    Rule("/" + urls.BADGE, "the status badge"),
    Rule(_folder(urls.component_badge("x")), "component badges"),
    Rule("/" + ASSETS + "*", "fingerprinted stylesheets and scripts", cache=IMMUTABLE),
    Rule(_folder(urls.EMBED), "the status for other sites: a page any site may frame, the widget script",
         framed=True),
)


def _matches(pattern: str, path: str) -> bool:
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


def preview_headers(path: str) -> tuple[tuple[str, str], ...]:
    """What `statuspress serve` sends for a request `path`: the security headers the hosts send
    for it (so a policy problem shows before publishing), but `no-store` instead of their caching,
    so a preview never shows a page from before the last rebuild."""
    found = list(EVERYWHERE)
    for rule in RULES:
        if _matches(rule.pattern, path):
            found += [(name, value) for name, value in rule.headers() if name != "Cache-Control"]
            break
    return (*found, ("Cache-Control", "no-store"))


def headers_text() -> str:
    """The `_headers` file: a path pattern line, then its headers indented by two spaces."""
    lines = [
        "# Cache and security headers for Netlify / Cloudflare Pages; written by Statuspress.",
        "# Each header is set by one rule per path: the hosts disagree on how two rules combine.",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in EVERYWHERE]
    for rule in RULES:
        lines += [f"# {rule.what}", rule.pattern]
        lines += [f"  {name}: {value}" for name, value in rule.headers()]
    return "\n".join(lines) + "\n"


def render_headers(page: PublicPage, dest: Path) -> None:
    """Write `_headers` at the root of the public site."""
    (dest / urls.HEADERS).write_text(headers_text(), encoding="utf-8", newline="\n")
