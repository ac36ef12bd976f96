"""The line of `requirements.txt` that tells a new repository's CI where to install Statuspress.

Statuspress is not on PyPI, so `statuspress==VERSION` alone fails in a fresh pipeline. The default
is worked out from how the running Statuspress was installed: pip records a direct install in the
distribution's `direct_url.json` (PEP 610), and the line is the one `pip freeze` would write for it.
An install from a local folder or file cannot be reached from CI: the line stays a version pin and
the user is warned (and the file says so) to write where CI can get it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from .files import version

#: The distribution whose installation is looked at, and the only name a requirement may give.
DISTRIBUTION = "statuspress"
#: What a user could write instead, in messages and in the file.
EXAMPLE = "statuspress @ git+https://github.com/YOUR-ORG/statuspress@v{version}"


class Source(StrEnum):
    """Where the requirement line came from."""

    GIVEN = "given"  # --requirement
    VCS = "vcs"  # pip installed it from a repository: pinned to the commit
    ARCHIVE = "archive"  # from a wheel or sdist URL
    INDEX = "index"  # from a package index (no direct_url.json)
    LOCAL = "local"  # from somewhere CI cannot reach: the line needs editing


@dataclass(frozen=True, slots=True)
class Requirement:
    """The requirement line, where it came from, and (for LOCAL) what was installed, in words."""

    line: str
    source: Source
    version: str
    origin: str = ""  # e.g. "a local folder (file:///home/me/statuspress)", for the warning

    @property
    def reachable(self) -> bool:
        """Whether CI can install it as written (a LOCAL line is only a placeholder)."""
        return self.source is not Source.LOCAL

    @property
    def needs_git(self) -> bool:
        """Whether pip needs a VCS client to install it (a LOCAL line is likely to become a git URL)."""
        if self.source is Source.LOCAL:
            return True
        url = Pep508(self.line).url or ""
        return "+" in urlsplit(url).scheme

    @property
    def example(self) -> str:
        return EXAMPLE.format(version=self.version)

    def warning(self) -> str:
        """What `init` prints when CI cannot install the line as written."""
        return (
            f"statuspress init: warning: requirements.txt says {self.line}, but this Statuspress was "
            f"installed from {self.origin}, which CI cannot reach, and Statuspress is not on PyPI, so the "
            "first pipeline would fail to install it. Edit requirements.txt to say where CI gets Statuspress, "
            f"or pass --requirement to init, e.g. --requirement '{self.example}'."
        )


def given(spec: str, version: str) -> Requirement:
    """The `--requirement` SPEC, checked: one PEP 508 requirement of statuspress, on one line
    (a line break would add lines, such as `--index-url`, to requirements.txt)."""
    text = spec.strip()
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85" for c in text):
        raise ValueError(f"expected one requirement on one line; got {spec!r}")
    try:
        parsed = Pep508(text)
    except InvalidRequirement as error:
        cause = str(error).splitlines()[0]
        raise ValueError(
            f"expected a PEP 508 requirement such as '{EXAMPLE.format(version='0.1.0')}' or "
            f"'statuspress==0.1.0'; got {text!r} ({cause})"
        ) from None
    if canonicalize_name(parsed.name) != DISTRIBUTION:
        raise ValueError(f"expected a requirement of statuspress; got one of {parsed.name!r}")
    return Requirement(text, Source.GIVEN, version)


def from_direct_url(version: str, direct_url: str | None) -> Requirement:
    """The line for an installed Statuspress of `version`, given its `direct_url.json` text
    (None: installed from an index). Like pip freeze: a VCS install is pinned to its commit,
    an archive keeps its hash; `file:` URLs are local."""
    pin = f"{DISTRIBUTION}=={version}"
    if direct_url is None:
        return Requirement(pin, Source.INDEX, version)
    try:
        record: Any = json.loads(direct_url)
        url = record["url"]
        if not isinstance(url, str) or not url:
            raise TypeError("url")
    except (ValueError, KeyError, TypeError):
        return Requirement(pin, Source.LOCAL, version, "somewhere its direct_url.json does not say")
    local = urlsplit(url).scheme.lower() == "file"
    fragments = []
    vcs, archive = record.get("vcs_info"), record.get("archive_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        if local:
            return Requirement(pin, Source.LOCAL, version, f"a local {vcs['vcs']} repository ({url})")
        reference, source = f"{vcs['vcs']}+{url}@{vcs['commit_id']}", Source.VCS
    elif isinstance(archive, dict):
        if local:
            return Requirement(pin, Source.LOCAL, version, f"a local file ({url})")
        reference, source = url, Source.ARCHIVE
        fragments += _archive_hash(archive)
    else:
        return Requirement(pin, Source.LOCAL, version, f"a local folder ({url})")
    subdirectory = record.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        fragments.append(f"subdirectory={subdirectory}")
    line = f"{DISTRIBUTION} @ {reference}" + ("#" + "&".join(fragments) if fragments else "")
    return Requirement(line, source, version)


def _archive_hash(archive: dict[str, Any]) -> list[str]:
    """`sha256=…` of an archive (PEP 610's `hashes`, or the older `hash`), so pip checks it."""
    hashes = archive.get("hashes")
    if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
        return [f"sha256={hashes['sha256']}"]
    legacy = archive.get("hash")
    return [legacy] if isinstance(legacy, str) and "=" in legacy else []


def installed(distribution: metadata.Distribution | None = None) -> Requirement:
    """The default line, from the installed Statuspress (or `distribution`, in tests)."""
    try:
        found = distribution if distribution is not None else metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree
        return Requirement(f"{DISTRIBUTION}=={version()}", Source.LOCAL, version(), "a source tree")
    return from_direct_url(found.version, found.read_text("direct_url.json"))
