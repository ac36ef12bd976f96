"""`statuspress init`: a new status-page repository that validates and builds at once.

The files come from templates in `generator/templates/init/` (Jinja with `[[ ]]` delimiters,
since GitHub Actions and shell already use `${{ }}` and `$`), filled from the options and the
time of `init` (the example incident happened a few days before). Everything is decided first;
then each file is created exclusively, so an existing file is never overwritten, even one that
appeared meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .files import planned
from .hosts import HOSTS, Host
from .requirement import Requirement

#: What a folder may already hold: what `git init` and a new GitHub/GitLab repository bring.
ALLOWED = frozenset({".git", "README.md", "LICENSE", "LICENSE.md", "LICENSE.txt", ".gitignore", ".gitattributes"})


class InitRefused(Exception):
    """The folder cannot be scaffolded (it holds content, or is a file); nothing was written."""


@dataclass(frozen=True, slots=True)
class InitOptions:
    """What `statuspress init` was asked for."""

    folder: Path
    name: str
    base_url: str
    host: Host
    now: datetime
    requirement: Requirement  # the line of requirements.txt (requirement.py)


@dataclass(frozen=True, slots=True)
class InitResult:
    written: tuple[str, ...]  # relative paths, in the order written
    kept: tuple[str, ...]  # files that existed and were left as they were


def check_folder(folder: Path) -> None:
    """Refuse a folder that already holds anything but a fresh repository's files."""
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file, not a folder")
    if not folder.exists():
        return
    extra = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in folder.iterdir()
                   if entry.name not in ALLOWED)
    if extra:
        listed = ", ".join(extra[:5]) + (", …" if len(extra) > 5 else "")
        raise InitRefused(
            f"{folder} already holds content ({listed}); init writes only into a new or empty folder "
            "(a fresh git repository's README.md, LICENSE and .gitignore may be there)"
        )


def scaffold(options: InitOptions) -> InitResult:
    """Write the new repository into `options.folder`; raises InitRefused before writing anything."""
    check_folder(options.folder)
    files = planned(options.name, options.base_url, options.host, options.now, options.folder, options.requirement)
    written: list[str] = []
    kept: list[str] = []
    for rel, text, executable in files:
        target = options.folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            kept.append(rel)
            continue
        if executable:
            os.chmod(target, 0o755)
        written.append(rel)
    return InitResult(tuple(written), tuple(kept))


__all__ = ["HOSTS", "Host", "InitOptions", "InitRefused", "InitResult", "Requirement", "check_folder", "scaffold"]
