"""The responder commands, driven through the CLI against temporary content folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load.fields import parse_time
from tests.sitekit import load, make_content

T0 = "2026-11-28T14:02:00Z"

COMMENTED = """\
# Checkout incident, written by hand
id: INC-2026-007
title: "Elevated errors"   # quoted on purpose
type: external
severity: major
started_at: 2026-11-28T13:55:00+01:00
detected_at: 2026-11-28T13:09:00Z
detection: monitoring
impact:
  - component: api
    level: major_outage   # whole API
    regions: [eu-west]
updates:
  - at: 2026-11-28T13:12:00Z
    status: investigating
    body: 'We are looking into it.'
"""


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content)], catch_exceptions=False)


def incident(content: Path, incident_id: str):  # type: ignore[no-untyped-def]
    loaded = load(content)
    assert not loaded.problems.errors, loaded.problems.errors
    return next(i for i in loaded.site.incidents if i.id == incident_id)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(tmp_path / "content", {"incidents/2026-11-28-errors.yaml": COMMENTED})


def test_new_incident_writes_a_valid_file_with_the_next_id(content: Path) -> None:
    result = run(
        content, "new", "incident", "--title", "API down", "--severity", "major", "--component", "api",
        "--component", "web:degraded_performance", "--message", "We are investigating.", "--now", T0,
    )
    assert result.exit_code == 0, result.output
    path_line, id_line = result.output.strip().splitlines()
    assert id_line == "INC-2026-008"
    path = Path(path_line)
    assert path.name == "2026-11-28-api-down.yaml"
    text = path.read_text()
    assert "started_at: 2026-11-28T14:02:00Z\n" in text  # plain, not quoted
    found = incident(content, "INC-2026-008")
    assert found.started_at == found.detected_at == parse_time(T0)
    assert [(i.component, i.level.value) for i in found.impact] == [("api", "major_outage"), ("web", "degraded_performance")]
    assert [(u.status.value, u.body) for u in found.updates] == [("investigating", "We are investigating.")]


def test_new_incident_with_id_and_start_time(content: Path) -> None:
    result = run(
        content, "new", "incident", "--title", "VPN flaps", "--severity", "minor", "--type", "internal",
        "--component", "vpn:partial_outage", "--id", "INC-X-1", "--started-at", "2026-11-28T13:00:00+01:00",
        "--detected-by", "employee", "--now", T0,
    )
    assert result.exit_code == 0, result.output
    found = incident(content, "INC-X-1")
    assert found.started_at == parse_time("2026-11-28T12:00:00Z")
    assert found.detection.value == "employee" and found.updates == ()


def test_new_incident_unknown_component_is_refused_and_nothing_written(content: Path) -> None:
    before = sorted(p.name for p in (content / "incidents").iterdir())
    result = run(content, "new", "incident", "--title", "X", "--severity", "minor", "--component", "nope", "--now", T0)
    assert result.exit_code == 2
    assert "Invalid value for --component: no component 'nope'; the components are api, vpn, web" in result.output
    assert sorted(p.name for p in (content / "incidents").iterdir()) == before


def test_update_keeps_comments_order_and_quoting(content: Path) -> None:
    result = run(content, "update", "INC-2026-007", "--status", "identified", "Found it.", "--now", T0)
    assert result.exit_code == 0, result.output
    text = (content / "incidents/2026-11-28-errors.yaml").read_text()
    assert text.startswith(COMMENTED)  # everything before is byte-identical
    assert text[len(COMMENTED):] == "  - at: 2026-11-28T14:02:00Z\n    status: identified\n    body: Found it.\n"
    found = incident(content, "INC-2026-007")
    assert [u.status.value for u in found.updates] == ["investigating", "identified"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["crlf", "crlf-and-bom"])
def test_update_keeps_a_windows_files_line_ends_and_byte_order_mark(content: Path, bom: bytes) -> None:
    path = content / "incidents/2026-11-28-errors.yaml"
    path.write_bytes(bom + COMMENTED.replace("\n", "\r\n").encode())
    result = run(content, "update", "INC-2026-007", "--status", "identified", "Found it.", "--now", T0)
    assert result.exit_code == 0, result.output
    added = "  - at: 2026-11-28T14:02:00Z\r\n    status: identified\r\n    body: Found it.\r\n"
    assert path.read_bytes() == bom + (COMMENTED.replace("\n", "\r\n") + added).encode()
    assert [u.status.value for u in incident(content, "INC-2026-007").updates] == ["investigating", "identified"]


def test_comment_lines_at_the_end_stay_at_the_end(content: Path) -> None:
    path = content / "incidents/2026-11-28-errors.yaml"
    path.write_text(COMMENTED + "# TODO: add roles\n")
    result = run(content, "update", "INC-2026-007", "Still looking.", "--now", T0)
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith(COMMENTED) and text.endswith("    body: Still looking.\n# TODO: add roles\n")
    assert incident(content, "INC-2026-007").updates[-1].status.value == "investigating"


def test_internal_note_and_impact_change(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "dana")
    result = run(content, "update", "INC-2026-007", "--internal", "Rolled back.", "--component", "api:partial_outage", "--now", T0)
    assert result.exit_code == 0, result.output
    found = incident(content, "INC-2026-007")
    assert [(t.by, t.text) for t in found.timeline] == [("dana", "Rolled back.")]
    assert len(found.updates) == 1  # no public update without a message
    old, new = found.impact
    assert (old.level.value, old.end) == ("major_outage", parse_time(T0))
    assert (new.level.value, new.start, new.end, new.regions) == ("partial_outage", parse_time(T0), None, ("eu-west",))
    assert "level: major_outage   # whole API" in (content / "incidents/2026-11-28-errors.yaml").read_text()


def test_refused_update_leaves_the_file_byte_identical(content: Path) -> None:
    path = content / "incidents/2026-11-28-errors.yaml"
    before = path.read_bytes()
    # an impact starting before the incident started is invalid
    result = run(content, "update", "INC-2026-007", "--component", "web:degraded_performance", "--now", "2026-11-28T12:00:00Z")
    assert result.exit_code == 1
    assert "impact[1].from is before the incident's started_at" in result.output
    assert "Refused" in result.output
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_resolve_sets_times_closes_spans_and_posts_resolved(content: Path) -> None:
    result = run(content, "resolve", "INC-2026-007", "--mitigated-at", "2026-11-28T13:50:00Z", "--now", T0)
    assert result.exit_code == 0, result.output
    found = incident(content, "INC-2026-007")
    assert found.mitigated_at == parse_time("2026-11-28T13:50:00Z")
    assert found.resolved_at == parse_time(T0)
    # The open span keeps no `to`: it ends at the mitigation by default (tests/test_mitigation.py).
    assert all(i.end is None for i in found.impact)
    last = max(found.updates, key=lambda u: u.at)
    assert (last.status.value, last.body) == ("resolved", "This incident has been resolved.")
    again = run(content, "resolve", "INC-2026-007", "--now", T0)
    assert again.exit_code != 0 and "already resolved" in again.output


def test_unknown_incident_is_a_usage_error(content: Path) -> None:
    result = run(content, "update", "INC-NOPE", "hello", "--now", T0)
    assert result.exit_code == 2 and "no incident with id 'INC-NOPE'" in result.output


def test_full_incident_from_the_terminal_then_postmortem(content: Path) -> None:
    steps = [
        ("new", "incident", "--title", "Checkout errors", "--severity", "major", "--component", "web", "--id", "INC-2026-042",
         "--message", "Investigating errors.", "--now", "2026-11-28T10:00:00Z"),
        ("update", "INC-2026-042", "--status", "identified", "Bad deploy.", "--internal", "Rolling back", "--by", "sam",
         "--now", "2026-11-28T10:10:00Z"),
        ("update", "INC-2026-042", "--status", "monitoring", "Rolled back.", "--now", "2026-11-28T10:20:00Z"),
        ("resolve", "INC-2026-042", "All good now.", "--now", "2026-11-28T10:45:00Z"),
        ("postmortem", "INC-2026-042", "--now", "2026-11-28T11:00:00Z"),
    ]
    for step in steps:
        result = run(content, *step)
        assert result.exit_code == 0, (step, result.output)
    review = content / "postmortems/INC-2026-042.md"
    text = review.read_text()
    loaded = load(content)
    assert not loaded.problems.errors
    (postmortem,) = loaded.site.postmortems
    assert postmortem.incident == "INC-2026-042" and postmortem.status.value == "draft"
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["Summary", "Impact", "Timeline", "Root cause", "Trigger", "Resolution", "Detection",
                        "What went well", "What went wrong", "Where we got lucky", "Action items", "Lessons"]
    assert "- 2026-11-28 10:10 UTC — Internal (sam): Rolling back" in text
    assert "- 2026-11-28 10:45 UTC — Public update, *resolved*: All good now." in text
    assert "Time to resolve (TTR): 45 min" in text
    assert "#   - id: AI-INC-2026-042-1" in text
    # never overwrites
    review.write_text(text + "edited\n")
    again = run(content, "postmortem", "INC-2026-042", "--now", "2026-11-28T11:00:00Z")
    assert again.exit_code != 0 and "already exists" in again.output
    assert review.read_text().endswith("edited\n")


def test_new_maintenance(content: Path) -> None:
    result = run(
        content, "new", "maintenance", "--title", "DB upgrade", "--component", "api", "--component", "web",
        "--start", "2026-12-03T02:00:00Z", "--end", "2026-12-03T04:00:00Z", "--message", "Read-only for 10 min.", "--now", T0,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[1] == "MNT-2026-001"
    (window,) = load(content).site.maintenance
    assert window.components == ("api", "web")
    assert [(u.status.value, u.at) for u in window.updates] == [("scheduled", parse_time(T0))]
    assert "components: [api, web]" in Path(result.output.splitlines()[0]).read_text()
    bad = run(content, "new", "maintenance", "--title", "Bad", "--component", "api",
              "--start", "2026-12-03T04:00:00Z", "--end", "2026-12-03T02:00:00Z", "--now", T0)
    assert bad.exit_code == 1 and "scheduled_end is not after scheduled_start" in bad.output
    assert len(list((content / "maintenance").iterdir())) == 1


def test_record_ids_read_the_id_line_and_parse_unusual_files_whole(tmp_path: Path) -> None:
    from generator.responder.store import record_ids

    folder = tmp_path / "incidents"
    folder.mkdir()
    files = {
        "plain.yaml": "id: INC-1\ntitle: A\n",
        "quoted.yaml": "# note\ntitle: B\nid: 'INC-2'   # quoted, with a comment\n",
        "flow.yaml": "{id: INC-3, title: C}\n",
        "block.yaml": "id: >-\n  INC-4\ntitle: D\n",
        "number.yaml": "id: 5\n",
        "nested.yaml": "title: E\nroot_cause:\n  id: not-top-level\n",
        "broken.yaml": "id: [unclosed\n",
        "notes.txt": "id: INC-9\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    found = {record_id: path.name for record_id, path in record_ids(folder).items()}
    assert found == {"INC-1": "plain.yaml", "INC-2": "quoted.yaml", "INC-3": "flow.yaml",
                     "INC-4": "block.yaml", "5": "number.yaml"}


def test_responders_with_the_load_cache_write_what_they_write_without_it(tmp_path: Path) -> None:
    runs = {}
    for name, cache in (("cached", ["--cache-dir", str(tmp_path / "cache")]), ("plain", ["--no-cache"])):
        content = make_content(tmp_path / name, {"incidents/2026-11-28-errors.yaml": COMMENTED})
        outputs = [
            run(content, "update", "INC-2026-007", "Still looking.", "--now", T0, *cache).output,
            run(content, "update", "INC-2026-007", "--component", "web:major_outage", "--now", "2026-11-28T12:00:00Z",
                *cache).output,
            run(content, "resolve", "INC-2026-007", "Fixed.", "--now", "2026-11-28T15:00:00Z", *cache).output,
        ]
        runs[name] = ([o.replace(str(content), "CONTENT") for o in outputs],
                      (content / "incidents" / "2026-11-28-errors.yaml").read_text())
    assert runs["cached"] == runs["plain"]
    outputs, text = runs["cached"]
    assert "Refused" in outputs[1] and "impact[1].from is before the incident's started_at" in outputs[1]
    assert "Still looking." in text and "resolved_at: 2026-11-28T15:00:00Z" in text
    assert list((tmp_path / "cache").glob("load-*.pickle")), "the cached run used the cache folder"


def test_incident_found_by_an_id_written_with_yaml_escapes(tmp_path: Path) -> None:
    from generator.responder.store import find_incident

    escaped = COMMENTED.replace("id: INC-2026-007", 'id: "INC\\x2d2026\\x2d007"')
    content = make_content(tmp_path / "content", {"incidents/escaped.yaml": escaped})
    assert find_incident(content, "inc-2026-007").name == "escaped.yaml"


@pytest.mark.parametrize("trusted", [True, False], ids=["status-trusted", "just-written"])
def test_with_the_cache_an_incident_is_found_by_the_id_its_file_has_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: bool
) -> None:
    """The cache's index names the file an id was in; a file renamed or given another id since
    is never taken for it (whether its status is trusted, or it was written too recently)."""
    import generator.load.cache

    if trusted:  # files written a moment ago are trusted by their status, as after two seconds
        monkeypatch.setattr(generator.load.cache, "RACY_NS", 0)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    content = make_content(tmp_path / "content", {
        "incidents/2026-11-28-errors.yaml": COMMENTED,
        "incidents/2026-11-28-other.yaml": COMMENTED.replace("INC-2026-007", "INC-2026-008"),
        "incidents/2026-11-28-same.yaml": COMMENTED.replace("INC-2026-007", "INC-2026-010"),
    })
    assert run(content, "validate", "--now", T0, *cache).exit_code == 0  # fills the cache's index
    errors, other = content / "incidents" / "2026-11-28-errors.yaml", content / "incidents" / "2026-11-28-other.yaml"
    errors.write_text(COMMENTED.replace("id: INC-2026-007", "id: INC-2026-009"))
    other.rename(content / "incidents" / "2026-11-28-renamed.yaml")

    gone = run(content, "update", "INC-2026-007", "Still looking.", "--now", T0, *cache)
    assert gone.exit_code == 2 and "no incident with id 'INC-2026-007'" in gone.output
    assert "Still looking." not in errors.read_text()
    moved = run(content, "update", "INC-2026-008", "Found it.", "--now", T0, *cache)
    assert moved.exit_code == 0, moved.output
    assert "Found it." in (content / "incidents" / "2026-11-28-renamed.yaml").read_text()
    renumbered = run(content, "update", "INC-2026-009", "Renumbered.", "--now", T0, *cache)
    assert renumbered.exit_code == 0, renumbered.output
    assert "Renumbered." in errors.read_text()
    unchanged = run(content, "update", "INC-2026-010", "Untouched file.", "--now", T0, *cache)
    assert unchanged.exit_code == 0, unchanged.output
    assert "Untouched file." in (content / "incidents" / "2026-11-28-same.yaml").read_text()


@pytest.mark.parametrize("command", ["update", "resolve", "reopen", "postmortem"])
def test_an_incident_file_outside_the_folders_incidents_is_a_usage_error(
    content: Path, tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """INCIDENT given as a path must be a file of `CONTENT/incidents`: a copy in another clone
    (before: a traceback from the validation of the change) or a maintenance file (before:
    treated as an incident) is refused before anything is read or written."""
    other = make_content(tmp_path / "other" / "content", {"incidents/2026-11-28-errors.yaml": COMMENTED})
    window = content / "maintenance" / "2026-12-03-db.yaml"
    window.parent.mkdir(exist_ok=True)
    window.write_text("id: MNT-1\ntitle: Upgrade\ncomponents: [api]\nscheduled_start: 2026-12-03T02:00:00Z\n"
                      "scheduled_end: 2026-12-03T04:00:00Z\n")
    before = {p: p.read_bytes() for p in (*content.rglob("*.yaml"), *other.rglob("*.yaml"))}
    message = ["Still looking."] if command == "update" else []
    monkeypatch.chdir(tmp_path)
    for given in (other / "incidents" / "2026-11-28-errors.yaml", Path("content/maintenance/2026-12-03-db.yaml")):
        result = run(Path("content"), command, str(given), *message, "--now", T0)
        assert result.exit_code == 2, result.output
        assert f"{given} is not a file of content/incidents; give the incident's id or its file there" in result.output
    assert {p: p.read_bytes() for p in before} == before
    assert not (content / "postmortems").exists() or not list((content / "postmortems").iterdir())
    # a path into the folder's own incidents is the incident, however it is spelled
    monkeypatch.chdir(content / "incidents")
    result = CliRunner().invoke(main, [command, "./2026-11-28-errors.yaml", *message, "--content", "..", "--now", T0],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output  # reopen of an open incident is refused (1), not a usage error



def test_an_empty_message_title_or_note_is_a_usage_error_and_nothing_is_written(content: Path) -> None:
    """`statuspress update INC "$MSG"` with MSG unset posted a blank update to every subscriber."""
    path = content / "incidents/2026-11-28-errors.yaml"
    before = sorted(p.name for p in path.parent.iterdir()), path.read_bytes()
    for args, name in (
        (["update", "INC-2026-007", ""], "'[MESSAGE]'"),
        (["update", "INC-2026-007", "  ", "--status", "identified"], "'[MESSAGE]'"),
        (["update", "INC-2026-007", "--internal", " "], "'--internal'"),
        (["resolve", "INC-2026-007", " "], "'[MESSAGE]'"),
        (["new", "incident", "--title", "", "--severity", "minor", "--component", "api"], "'--title'"),
        (["new", "incident", "--title", "API slow", "--severity", "minor", "--component", "api", "--message", " "], "'--message'"),
        (["new", "maintenance", "--title", " ", "--component", "api", "--start", "in 1 hour", "--end", "in 2 hours"], "'--title'"),
    ):
        result = CliRunner().invoke(main, [*args, "--content", str(content), "--now", T0])
        assert result.exit_code == 2, (args, result.output)
        assert f"Invalid value for {name}: is empty; nothing was written" in result.output, result.output
    assert (sorted(p.name for p in path.parent.iterdir()), path.read_bytes()) == before
    assert not (content / "maintenance").exists() or not list((content / "maintenance").iterdir())


TWO_COMPONENTS = """\
id: INC-2026-010
title: API and website errors
type: external
severity: major
started_at: 2026-11-28T13:00:00Z
impact:
  - component: api
    level: major_outage
  - component: web
    level: partial_outage
updates:
  - at: 2026-11-28T13:05:00Z
    status: investigating
    body: The API and the website fail.
"""


def test_one_component_recovers_while_the_incident_goes_on(tmp_path: Path) -> None:
    """`--component api:operational` ends the API's impact from now on; the website's stays, and
    so does the incident. Before, 'operational' was refused and the only way was editing YAML."""
    from tests.test_public_feeds import build_public

    content = make_content(tmp_path / "content", {"incidents/2026-11-28-errors.yaml": TWO_COMPONENTS})
    result = run(content, "update", "INC-2026-010", "The API works again; the website is still slow.",
                 "--component", "api:operational", "--now", T0)
    assert result.exit_code == 0, result.output
    updated = incident(content, "INC-2026-010")
    assert [(i.component, i.level.value, i.end) for i in updated.impact] == [
        ("api", "major_outage", parse_time(T0)), ("web", "partial_outage", None),
    ]
    public = build_public(content, tmp_path / "out", "2026-11-28T14:30:00Z")
    import json

    components = json.loads((public / "api" / "v2" / "components.json").read_text(encoding="utf-8"))
    assert {c["id"]: c["status"] for c in components["components"] if not c["group"]} == {
        "api": "operational", "web": "partial_outage",
    }

    again = run(content, "update", "INC-2026-010", "--component", "api:operational", "--now", "2026-11-28T14:10:00Z")
    assert again.exit_code == 2
    assert "api has no open impact in this incident to end" in again.output
    wrong = run(content, "update", "INC-2026-010", "--component", "api:fine", "--now", "2026-11-28T14:10:00Z")
    assert wrong.exit_code == 2
    assert "level must be one of operational, degraded_performance" in wrong.output

    mitigated = TWO_COMPONENTS.replace("INC-2026-010", "INC-2026-011").replace(
        "impact:", "mitigated_at: 2026-11-28T13:30:00Z\nimpact:")
    (content / "incidents" / "2026-11-28-mitigated.yaml").write_text(mitigated, encoding="utf-8")
    late = run(content, "update", "INC-2026-011", "--component", "web:operational", "--now", "2026-11-28T14:10:00Z")
    assert late.exit_code == 2  # its impact ended at the mitigation: not stretched to now
    assert "web has no open impact in this incident to end" in late.output


@pytest.mark.parametrize("args", [
    [b"update", b"INC-2026-007", b"Caf\xe9 checkout is back"],  # 'Café' typed in a Latin-1 terminal
    [b"update", b"INC-2026-007", b"--internal", b"note", b"--by", b"Ren\xe9e"],
    [b"new", b"incident", b"--title", b"Caf\xe9", b"--severity", b"minor", b"--component", b"api"],
])
def test_text_from_a_terminal_that_does_not_send_utf8_is_a_usage_error(content: Path, args: list[bytes]) -> None:
    import subprocess
    import sys

    before = {p.name: p.read_bytes() for p in (content / "incidents").iterdir()}
    result = subprocess.run([sys.executable.encode(), b"-m", b"generator", *args, b"--content", bytes(content),
                             b"--now", T0.encode()], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 2, result.stderr
    assert "is not UTF-8 text (it holds the byte 0xE9); set the terminal to UTF-8" in result.stderr
    assert {p.name: p.read_bytes() for p in (content / "incidents").iterdir()} == before


def test_impact_back_after_the_mitigation_is_recorded_by_update(tmp_path: Path) -> None:
    """A mitigated incident, being monitored, flares up: `update --component` records the new
    impact. Before, the command was refused with 'give this impact its own `to`' (a span from now
    without `to` ends at mitigated_at), which no command could write."""
    mitigated = TWO_COMPONENTS.replace("impact:", "mitigated_at: 2026-11-28T13:30:00Z\nimpact:")
    content = make_content(tmp_path / "content", {"incidents/2026-11-28-errors.yaml": mitigated})
    result = run(content, "update", "INC-2026-010", "Checkout fails again.", "--component", "api:partial_outage",
                 "--now", T0)
    assert result.exit_code == 0, result.output
    updated = incident(content, "INC-2026-010")
    assert updated.mitigated_at is None
    end = parse_time("2026-11-28T13:30:00Z")
    assert [(i.component, i.level.value, i.start, i.end) for i in updated.impact] == [
        ("api", "major_outage", None, end),  # the past stays as it was
        ("web", "partial_outage", None, end),
        ("api", "partial_outage", parse_time(T0), None),
    ]
