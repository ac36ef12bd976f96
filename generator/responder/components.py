"""What to tell a responder who named a component that does not exist: the close matches, and
the id to use when they typed a component's display name."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..model import Service


def unknown_component(given: str, services: Sequence[Service]) -> str | None:
    """None when `given` is a component id; otherwise why not, with the ids it may have meant."""
    ids = [s.id for s in services]
    if given in ids:
        return None
    folded = given.casefold()
    named = [s for s in services if s.name.casefold() == folded]
    if named:
        return f"{given!r} is the name of a component; use its id: {named[0].id}"
    matches = _close(folded, services)
    if matches:
        return f"no component {given!r}; did you mean {_either(matches)}?"
    return f"no component {given!r}; the components are {', '.join(sorted(ids))}"


def _close(folded: str, services: Sequence[Service]) -> list[Service]:
    """Components whose id or name matches `folded` in any case, starts with it, or is close to it."""
    by_key: dict[str, Service] = {}
    for service in services:
        by_key.setdefault(service.id.casefold(), service)
        by_key.setdefault(service.name.casefold(), service)
    if folded in by_key:  # the id in another case
        return [by_key[folded]]
    keys = [k for k in by_key if k.startswith(folded)] or difflib.get_close_matches(folded, list(by_key), n=3)
    found: list[Service] = []
    for key in keys:
        if by_key[key] not in found:
            found.append(by_key[key])
    return found[:3]


def _either(matches: list[Service]) -> str:
    shown = [s.id if s.name.casefold() == s.id.casefold() else f"{s.id} ({s.name})" for s in matches]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
