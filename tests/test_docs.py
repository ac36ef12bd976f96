"""The README keeps up with the code: every content field and every command is documented."""

from __future__ import annotations

import dataclasses
import re
import shlex
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator import model
from generator.cli import main
from generator.load import load_site
from tests.sitekit import REPO

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


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else len(README)]


def console_steps(text: str) -> list[tuple[list[str], list[str]]]:
    """The `$ command` lines of every console block in `text` (continuations joined), each with
    the output lines shown under it."""
    steps: list[tuple[list[str], list[str]]] = []
    for block in text.split("```console\n")[1:]:
        lines = iter(block.split("\n```", 1)[0].splitlines())
        for line in lines:
            if line.startswith("$ "):
                command = line[2:]
                while command.endswith("\\"):
                    command = command[:-1] + next(lines).strip()
                steps.append((shlex.split(command), []))
            elif line.strip():
                steps[-1][1].append(line)
    return steps


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"(?:INC|MNT)-\d{4}-\d+")


def _pattern(shown: str, seen: dict[str, str]) -> re.Pattern[str]:
    """An output line as the README shows it, with its dates and new ids left open (ids seen
    already must be the ones the commands printed)."""
    parts, last = [], 0
    for match in re.finditer(f"{_DATE.pattern}|{_ID.pattern}", shown):
        token = match.group()
        parts.append(re.escape(shown[last : match.start()]))
        if _DATE.fullmatch(token):
            parts.append(_DATE.pattern)
        else:
            parts.append(re.escape(seen[token]) if token in seen else _ID.pattern)
        last = match.end()
    parts.append(re.escape(shown[last:]))
    return re.compile("".join(parts))


@pytest.mark.parametrize("day", ["today", "2027-12-31T23:50:00Z"])
def test_the_responder_walkthrough_works_on_any_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """Every console example of 'Responding to an incident', run in order in a copy of the example
    content, as of today (and a New Year's Eve), with the clock moved on ten minutes per command
    (incidents take time)."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    steps = console_steps(_section("Responding to an incident"))
    assert [args[:2] for args, _ in steps][:4] == [["statuspress", "new"], ["statuspress", "update"],
                                                  ["statuspress", "update"], ["statuspress", "resolve"]]
    assert any(args[1] == "reopen" for args, _ in steps) and any("--internal" in args for args, _ in steps)
    start = int(time.time()) if day == "today" else int(datetime.fromisoformat(day).timestamp())
    seen: dict[str, str] = {}  # ids the README shows -> ids the commands printed
    for number, (args, shown) in enumerate(steps):
        assert args[0] == "statuspress"
        argv = [seen.get(arg, arg) for arg in args[1:]]
        env = {"SOURCE_DATE_EPOCH": str(start + number * 600)}
        result = CliRunner().invoke(main, [*argv, "--no-cache"], env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        printed = result.output.splitlines()
        assert len(printed) == len(shown), (args, result.output)
        for expected, actual in zip(shown, printed, strict=True):
            assert _pattern(expected, seen).fullmatch(actual), (args, expected, actual)
            for token, got in zip(_ID.findall(expected), _ID.findall(actual), strict=True):
                seen.setdefault(token, got)
    incident = next(i for i in load_site(Path("content"), datetime.fromtimestamp(start + 7200, UTC)).site.incidents
                    if i.id == seen["INC-2026-040"])
    last_resolve = max(number for number, (args, _) in enumerate(steps) if args[1] == "resolve")
    assert incident.resolved_at == datetime.fromtimestamp(start + last_resolve * 600, UTC)
    assert [u.status.value for u in incident.updates] == ["investigating", "identified", "monitoring", "resolved",
                                                          "investigating", "resolved"]


SECURITY = (REPO / "SECURITY.md").read_text(encoding="utf-8")
#: `tests/x.py::test_name`, `tests/x.py` or `::test_name` (a test of the last module named).
_TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def security_tests() -> list[tuple[str, str | None]]:
    """Every (module, test or None) that SECURITY.md names as the proof of a promise."""
    found: list[tuple[str, str | None]] = []
    module: str | None = None
    for match in _TEST_REFERENCE.finditer(SECURITY):
        path, name = match.groups()
        if path is None and name is None:
            continue
        module = path or module
        assert module is not None, f"`::{name}` in SECURITY.md names no module before it"
        found.append((module, name))
    return found


def test_security_md_names_tests_for_the_cache_lock_and_confinement_promises() -> None:
    named = {name for _, name in security_tests()}
    for promise in ("test_a_crafted_pickle_where_the_cache_is_never_runs",
                    "test_a_cache_folder_that_git_tracks_is_refused_with_a_warning",
                    "test_the_key_is_made_0600_and_a_key_others_could_touch_is_refused",
                    "test_eight_concurrent_updates_all_reach_the_file",
                    "test_relative_paths_from_another_folder_write_only_into_out"):
        assert promise in named, promise
    assert "never read\nfrom git" not in SECURITY and "is never read from" not in SECURITY


@pytest.mark.parametrize(("module", "name"), security_tests())
def test_every_test_security_md_names_exists(module: str, name: str | None) -> None:
    path = REPO / module
    assert path.is_file(), f"SECURITY.md names {module}, which does not exist"
    if name is not None:
        assert re.search(rf"^def {name}\(", path.read_text(encoding="utf-8"), re.MULTILINE), (
            f"SECURITY.md names {module}::{name}, which is not a test there"
        )


@pytest.mark.parametrize("name", ["README.md", "docs/benchmark-history.md"])
def test_relative_links_in_the_docs_point_at_files_in_the_repository(name: str) -> None:
    page = REPO / name
    text = re.sub(r"`[^`\n]*`", "", page.read_text(encoding="utf-8"))  # examples in code are not links
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    files = [t.partition("#")[0] for t in targets if not re.match(r"[a-z]+:|#", t)]
    assert files, name
    assert [f for f in files if not (page.parent / f).exists()] == []
