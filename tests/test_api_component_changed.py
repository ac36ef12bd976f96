"""A component's `updated_at` in the API is when its state last changed, also when the build
runs at the very second of the change (`SOURCE_DATE_EPOCH` of a commit made right after
`statuspress new incident` or `resolve`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sitekit import make_content
from tests.test_public_feeds import build_public

INCIDENT = """\
    id: INC-1
    title: API errors
    type: external
    severity: major
    started_at: 2026-11-28T10:00:00Z
    mitigated_at: 2026-11-28T11:00:00Z
    impact:
      - component: api
        level: major_outage
    updates:
      - at: 2026-11-28T10:00:00Z
        status: investigating
        body: Investigating.
    """

EARLIER = """\
    id: INC-0
    title: Slow website
    type: external
    severity: minor
    started_at: 2026-11-27T08:00:00Z
    resolved_at: 2026-11-27T09:00:00Z
    impact:
      - component: api
        level: degraded_performance
    updates:
      - at: 2026-11-27T09:00:00Z
        status: resolved
        body: Fixed.
    """


def _components(tmp_path: Path, now: str) -> dict[str, tuple[str, str]]:
    content = make_content(tmp_path / "content", {"incidents/inc-1.yaml": INCIDENT, "incidents/inc-0.yaml": EARLIER})
    public = build_public(content, tmp_path / "out", now)
    data = json.loads((public / "api/v2/components.json").read_text(encoding="utf-8"))
    return {c["id"]: (c["status"], c["updated_at"]) for c in data["components"]}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # the outage begins at the build's second: it is the latest change
        ("2026-11-28T10:00:00Z", ("major_outage", "2026-11-28T10:00:00.000Z")),
        ("2026-11-28T10:30:00Z", ("major_outage", "2026-11-28T10:00:00.000Z")),
        # mitigated at the build's second: operational since then
        ("2026-11-28T11:00:00Z", ("operational", "2026-11-28T11:00:00.000Z")),
        ("2026-11-28T11:30:00Z", ("operational", "2026-11-28T11:00:00.000Z")),
        # before the outage: the earlier incident's end
        ("2026-11-28T09:59:59Z", ("operational", "2026-11-27T09:00:00.000Z")),
    ],
)
def test_updated_at_is_the_last_change_of_state(tmp_path: Path, now: str, expected: tuple[str, str]) -> None:
    components = _components(tmp_path, now)
    assert components["api"] == expected
    assert components["core"] == expected  # the group: its one changed member
