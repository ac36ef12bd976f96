"""Problems in the formats CI systems show on the changed lines of a pull or merge request.

`github`: GitHub Actions workflow commands (`::error file=…,line=…::message`), which GitHub turns
into annotations on the pull request's diff. `gitlab`: a GitLab Code Quality report (JSON), which
GitLab shows in the merge request. Both are pure functions of the problems.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable

from .problems import Level, Problem

#: The `--format` values of `statuspress validate`.
FORMATS = ("text", "github", "gitlab")


def _data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own toolkit escapes these three)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value: the message escapes plus `:` and `,`."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(path: str, root: str | None = None) -> str:
    """`path` relative to the repository root (the working directory), with `/`: how GitHub and
    GitLab name a changed file. A path outside the root is kept as given."""
    base = os.path.abspath(root or os.getcwd())
    absolute = os.path.abspath(path)
    if absolute == base or absolute.startswith(base + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return path


def github(problems: Iterable[Problem]) -> list[str]:
    """One workflow command per problem: `::error` for errors, `::warning` for warnings."""
    lines = []
    for problem in problems:
        command = "error" if problem.level is Level.ERROR else "warning"
        properties = [f"file={_property(repository_path(problem.path))}"]
        if problem.line > 0:
            properties.append(f"line={problem.line}")
        properties.append("title=statuspress validate")
        lines.append(f"::{command} {','.join(properties)}::{_data(problem.message)}")
    return lines


def gitlab(problems: Iterable[Problem]) -> str:
    """A GitLab Code Quality report: a JSON array with one issue per problem."""
    issues = []
    for problem in problems:
        path = repository_path(problem.path)
        fingerprint = hashlib.sha256(f"{path}\0{problem.line}\0{problem.message}".encode()).hexdigest()
        issues.append({
            "description": problem.message,
            "check_name": "statuspress-validate",
            "fingerprint": fingerprint,
            "severity": "major" if problem.level is Level.ERROR else "minor",
            "location": {"path": path, "lines": {"begin": max(problem.line, 1)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
