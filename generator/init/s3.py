"""Uploading the public site to S3 (or S3-compatible storage) with the headers S3 can store.

S3 keeps a Content-Type and a Cache-Control with each object, set at upload, so the site goes up
in one pass per kind of file, each with its type and the cache rule `_headers` gives that kind
(public/headers.py): fingerprinted assets first, so no page ever names an asset not yet
uploaded, then the rest, then a pass that deletes what the new site no longer holds. `_headers`
itself is never uploaded (S3 does not read it).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..public.assets import ASSETS
from ..public.headers import IMMUTABLE, SHORT_LIVED
from ..public.urls import HEADERS

#: The Content-Type of every kind of file the public site holds, by extension.
CONTENT_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "json": "application/json",
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "ics": "text/calendar; charset=utf-8",
    "svg": "image/svg+xml",
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
}
#: What the fingerprinted folder holds.
ASSET_EXTENSIONS = ("css", "js")


#: The shell variables the commands use for the two cache rules, and their values.
CACHE_VARIABLES: dict[str, str] = {"short": SHORT_LIVED, "immutable": IMMUTABLE}


@dataclass(frozen=True, slots=True)
class Upload:
    """One pass: the files of `extension` under `folder` ("" for the whole site but assets)."""

    folder: str
    extension: str
    cache: str  # a name in CACHE_VARIABLES

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def uploads() -> list[Upload]:
    """Every pass, in order: assets first."""
    folder = ASSETS.rstrip("/")
    passes = [Upload(folder, extension, "immutable") for extension in ASSET_EXTENSIONS]
    passes += [Upload("", extension, "short") for extension in CONTENT_TYPES]
    return passes


def variables() -> list[str]:
    """`short='…'` and `immutable='…'`: the lines that define the cache rules for the commands."""
    return [f"{name}='{value}'" for name, value in CACHE_VARIABLES.items()]


def _placed() -> list[tuple[Upload, str, str]]:
    """Each pass with its folder as a path suffix ("" or "/assets") and, for the passes over the
    whole site, the fingerprinted folder to leave out."""
    return [(upload, f"/{upload.folder}" if upload.folder else "", "" if upload.folder else ASSETS)
            for upload in uploads()]


def aws_commands() -> list[str]:
    """`aws s3 sync` commands from "$site" to "$bucket" (AWS CLI: later filters win; patterns are
    relative to the source folder)."""
    lines = [
        f'aws s3 sync "$site{where}" "$bucket{where}" --exclude \'*\' --include \'*.{upload.extension}\''
        + (f" --exclude '{skip}*'" if skip else "")
        + f' --content-type \'{upload.content_type}\' --cache-control "${upload.cache}"'
        for upload, where, skip in _placed()
    ]
    return [*lines, f'aws s3 sync "$site" "$bucket" --delete --exclude \'{HEADERS}\'']


def rclone_commands() -> list[str]:
    """The same with rclone from "$site" to "$remote" (`remote:bucket`): `copy` per kind (the first
    filter that matches wins), then `sync` to delete what is gone."""
    lines = [
        f'rclone copy "$site{where}" "$remote{where}"' + (f" --filter '- /{skip}**'" if skip else "")
        + f" --filter '+ *.{upload.extension}' --filter '- **'"
        + f' --header-upload \'Content-Type: {upload.content_type}\' --header-upload "Cache-Control: ${upload.cache}"'
        for upload, where, skip in _placed()
    ]
    return [*lines, f'rclone sync "$site" "$remote" --filter \'- /{HEADERS}\'']
