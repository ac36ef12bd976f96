"""`public:` written without a value is an error, not the default `true`: a service whose flag
was blanked (`public:   # internal`, a value deleted to be retyped) must not be published."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import load, make_content, messages

SERVICES = """\
groups: [Core, Internal]
services:
  - id: api
    name: API
    group: Core
  - id: vpn
    name: Staff VPN
    group: Internal
    public: {value}   # internal: never on the public site
"""


@pytest.mark.parametrize("value", ["", "null", "~"])
def test_a_public_flag_without_a_value_is_an_error(tmp_path: Path, value: str) -> None:
    content = make_content(tmp_path, {"services.yaml": SERVICES.format(value=value)})
    loaded = load(content)
    assert messages(loaded, content) == [
        "content/services.yaml:9: services[1].public: expected true or false; got nothing"
        " (write true or false, or leave the field out for its default)"
    ]


def test_a_blank_notify_flag_is_an_error_too(tmp_path: Path) -> None:
    incident = """\
        id: INC-1
        title: Errors
        type: internal
        severity: minor
        started_at: 2026-11-28T10:00:00Z
        timeline:
          - at: 2026-11-28T10:05:00Z
            by: sam
            text: Failover started.
            notify:
        """
    content = make_content(tmp_path, {"incidents/inc-1.yaml": incident})
    assert messages(load(content), content) == [
        "content/incidents/inc-1.yaml:10: timeline[0].notify: expected true or false; got nothing"
        " (write true or false, or leave the field out for its default)"
    ]


@pytest.mark.parametrize(("value", "public"), [("true", True), ("false", False)])
def test_a_written_flag_is_read(tmp_path: Path, value: str, public: bool) -> None:
    content = make_content(tmp_path, {"services.yaml": SERVICES.format(value=value)})
    loaded = load(content)
    assert messages(loaded, content) == []
    assert {s.id: s.public for s in loaded.site.services} == {"api": True, "vpn": public}
