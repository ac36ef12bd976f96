"""The README keeps up with the code: every content field and every command is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

from generator import model
from generator.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

RECORDS = [
    model.Settings,
    model.UptimeWeights,
    model.Service,
    model.Incident,
    model.Impact,
    model.Roles,
    model.RootCause,
    model.Update,
    model.TimelineEntry,
    model.Maintenance,
    model.MaintenanceUpdate,
    model.Postmortem,
    model.ActionItem,
    model.Runbook,
]


def content_fields() -> list[tuple[str, str]]:
    return [
        (record.__name__, model.yaml_name(f))
        for record in RECORDS
        for f in dataclasses.fields(record)
        if f.metadata.get("doc") != "internal"
    ]


@pytest.mark.parametrize(("record", "name"), content_fields())
def test_every_content_field_is_documented(record: str, name: str) -> None:
    assert f"`{name}`" in README, f"{record}.{name} is not documented in README.md"


def test_every_field_has_a_docstring() -> None:
    for record in RECORDS:
        for f in dataclasses.fields(record):
            assert f.metadata.get("doc"), f"{record.__name__}.{f.name} has no doc metadata"


def commands(group: click.Group, prefix: str = "statuspress") -> list[str]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # the top-level group loads its commands lazily
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
        else:
            found.append(f"{prefix} {name}")
    return found


@pytest.mark.parametrize("command", commands(main))
def test_every_command_is_documented(command: str) -> None:
    assert command in README, f"`{command}` is not documented in README.md"


def test_readme_starts_with_install_and_test_commands() -> None:
    block = README.split("```sh", 1)[1].split("```", 1)[0]
    lines = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert lines[0] == "pip install -e . && statuspress build"
    assert lines[1] == "pip install -e '.[test]' && python -m pytest"
