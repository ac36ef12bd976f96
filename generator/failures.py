"""Failures while rendering, traced to the record being rendered, so a build never ends in a
traceback: the CLI reports `path:line: message` for the record's file and keeps the old site.

Each output format renders its records inside `rendering(kind, id)`. An exception there becomes
a `RenderFailure` naming the record; it is picklable, so it also crosses the pool of workers that
render HTML pages. `build` turns it into a content problem at the record's file and line
(`problem`). Errors of the file system (`OSError`, e.g. a full disk) pass unchanged: they are not
the record's fault, and the CLI reports them as such.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from .model import Site, Source
from .problems import Problem

P = ParamSpec("P")
R = TypeVar("R")


#: The `kind` of a failure blamed on a text rather than a record: the build finds the record
#: holding that text (for pages that show many records, like the home page).
TEXT = "text"


class RenderFailure(Exception):
    """Rendering one record (`kind` incident, maintenance, postmortem, runbook or service) failed."""

    def __init__(self, kind: str, record_id: str, reason: str) -> None:
        super().__init__(kind, record_id, reason)
        self.kind = kind
        self.record_id = record_id
        self.reason = reason


def describe(error: BaseException) -> str:
    """`ValueError: message`, on one line."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@contextmanager
def rendering(kind: str, record_id: str) -> Iterator[None]:
    """Blame any failure inside on the record `kind` `record_id` (the innermost record wins)."""
    try:
        yield
    except (RenderFailure, OSError):
        raise
    except Exception as error:
        raise RenderFailure(kind, record_id, describe(error)) from error


def blamed(kind: str, record: Callable[..., str]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function that renders one record: `record(*args)` gives the record's id."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with rendering(kind, record(*args, **kwargs)):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def holder_of(site: Site, text: str) -> tuple[str, str] | None:
    """(kind, id) of the first record that shows `text` (a title or a body), or None."""
    for incident in site.incidents:
        if text == incident.title or any(text == u.body for u in incident.updates):
            return "incident", incident.id
    for window in site.maintenance:
        if text == window.title or any(text == u.body for u in window.updates):
            return "maintenance", window.id
    for postmortem in site.postmortems:
        if text in (postmortem.public_summary, postmortem.body):
            return "postmortem", postmortem.incident
    return None


def source_of(site: Site, kind: str, record_id: str) -> Source | None:
    """Where the record was read from, or None when the site has no such record."""
    records: dict[str, tuple[tuple[str, Source], ...]] = {
        "incident": tuple((i.id, i.source) for i in site.incidents),
        "maintenance": tuple((m.id, m.source) for m in site.maintenance),
        "postmortem": tuple((p.incident, p.source) for p in site.postmortems),
        "runbook": tuple((r.path, r.source) for r in site.runbooks),
        "service": tuple((s.id, s.source) for s in site.services),
    }
    return next((source for found, source in records.get(kind, ()) if found == record_id), None)


def problem(failure: RenderFailure, site: Site, prefix: str, target: str) -> Problem:
    """The failure as a content problem at the record's file and line (`prefix` + its path)."""
    kind, record_id = failure.kind, failure.record_id
    if kind == TEXT:
        kind, record_id = holder_of(site, record_id) or ("text", repr(record_id[:40]))
    source = source_of(site, kind, record_id) or Source("site.yaml", 1)
    message = f"cannot render {kind} {record_id} for the {target} site: {failure.reason}"
    return Problem(prefix + source.path, source.line, message)
