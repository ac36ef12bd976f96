"""Writer and reader agree: every text the responder commands and the importers write reads back,
through the project's own YAML reader (`generator.load.yamlsafe`, YAML 1.1), as the same text.

The writer is ruamel (YAML 1.2), which leaves `12:30:00`, `1:30`, `Yes`, `Off`, `?x` in a flow
list and more unquoted although the reader turns them into 45000, 90, true, false or a syntax
error. The property tests run each writing path over arbitrary text and YAML-shaped text; the CLI
tests run the real commands on the forms a responder or a source page really sends.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.importers import cstate, statuspage
from generator.importers.plan import Plan, ServiceSpec, _merge_services
from generator.load.fields import parse_time
from generator.load.files import FORBIDDEN_CHARACTERS
from generator.load.yamlsafe import Node, parse
from generator.model import Detection, ImpactLevel, Incident, IncidentType, Severity, UpdateStatus
from generator.responder import incidents as edits
from generator.responder.ids import slugify
from generator.responder.maintenance import new_maintenance
from generator.responder.postmortem import front_matter
from generator.responder.yamlrt import dump_doc, load_doc
from tests.sitekit import SERVICES_YAML, load, make_content

AT = parse_time("2026-11-28T14:02:00Z")
LATER = parse_time("2026-11-28T15:00:00Z")
NOW = "2026-11-28T16:00:00Z"

OPEN_INCIDENT = """\
# written by hand
id: INC-1
title: "Errors"   # quoted on purpose
type: external
severity: major
started_at: 2026-11-28T13:55:00Z
detected_at: 2026-11-28T14:00:00Z
detection: monitoring
regions: [eu-west]
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T14:01:00Z
    status: investigating
    body: We are looking into it.
"""

#: Plain scalars YAML 1.1 reads as something other than the text (numbers in bases 60, 8, 16
#: and 2, booleans, nulls, times, the value key `=`, merge keys), and YAML syntax a plain scalar
#: must not start with or contain. Hand-written: not taken from any resolver.
TRICKY = [
    "12:30:00", "1:30", "-1:30", "190:20:30", "1:30.5", "Yes", "No", "yes", "NO", "On", "Off", "ON", "off",
    "y", "n", "Y", "N", "true", "False", "TRUE", "~", "null", "Null", "NULL", "0x1F", "0o17", "017", "0b101",
    "1_000", "+12", "-0", "1.10", ".5", "1e3", "6.8523015e+5", "+.inf", "-.Inf", ".NaN", "2026-01-01",
    "2026-11-20T14:02:00Z", "2001-12-14 21:59:43.10 -5", "=", "<<", "-", "?", ":", "- x", "? x", ": x", "?x",
    ":x", "x:", "x: y", "x #y", "#x", "&a", "*a", "!x", "!!int 3", "|", ">", "%x", "@x", "`x", "'x'", '"x"',
    "[x]", "{x: y}", "x, y", "x,y", "a?b", "a:b", "a[b]", "a{b}", "", " ", " x", "x ", "x\n", "\nx", "a\nb",
    "a \nb", "a\n\nb", "a\tb", "\tx", "a\u2028b", "a \u2028 b", "\u2029", "a\x85b", "\ufeffx", "x\ufeff",
    "Café ☕ 🚀", "\\", "\\n", "'", '"',
]
SAFE_ID_TRICKY = [t for t in TRICKY if t and all(c.isascii() and (c.isalnum() or c in "-_") for c in t)]

YAML_ALPHABET = "aZ09 _-.:?#,[]{}&*!|>'\"%@`~=+<\\\t\n\u2028\u2029\x85\ufeff"
tricky = st.sampled_from(TRICKY)
yaml_shaped = st.text(st.sampled_from(YAML_ALPHABET), max_size=12)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
texts = st.one_of(
    tricky, yaml_shaped, any_text,
    st.builds(lambda a, b, c: a + b + c, st.one_of(tricky, yaml_shaped), st.sampled_from(["", " ", "\n", ", "]),
              st.one_of(tricky, yaml_shaped)),
)
safe_ids = st.one_of(st.sampled_from(SAFE_ID_TRICKY), st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True))
#: Examples per property test: 150 in CI (about 25 s in all); set ROUNDTRIP_EXAMPLES for longer runs.
EXAMPLES = int(os.environ.get("ROUNDTRIP_EXAMPLES", "150"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_back(doc: Any) -> Node:
    """What the project's reader makes of the file the writer writes."""
    return parse(dump_doc(doc))


def at(node: Node, *path: str | int) -> Any:
    for step in path:
        node = node.value[step]
    return node.value


# ---------------------------------------------------------------------- every writing path


@PROPERTY
@given(body=texts, note=texts, by=texts, message=texts)
def test_update_note_author_and_resolution_read_back_as_written(body: str, note: str, by: str, message: str) -> None:
    doc = load_doc(OPEN_INCIDENT)
    edits.add_update(doc, AT, UpdateStatus.IDENTIFIED, body)
    edits.add_note(doc, AT, by, note)
    edits.resolve(doc, LATER, None, message)
    node = read_back(doc)
    assert at(node, "updates", 1, "body") == body
    assert at(node, "timeline", 0, "text") == note
    if by:
        assert at(node, "timeline", 0, "by") == by
    assert at(node, "updates", 2, "body") == (message or edits.DEFAULT_RESOLVED_MESSAGE)
    assert at(node, "title") == "Errors" and at(node, "updates", 0, "body") == "We are looking into it."


@PROPERTY
@given(incident_id=safe_ids, title=texts, message=texts, component=safe_ids, changed=safe_ids)
def test_new_incident_and_impact_change_read_back_as_written(
    incident_id: str, title: str, message: str, component: str, changed: str
) -> None:
    doc = edits.new_incident(
        incident_id, title, IncidentType.EXTERNAL, Severity.MINOR, AT, AT, Detection.MONITORING,
        [edits.ComponentImpact(component, ImpactLevel.PARTIAL_OUTAGE)], message,
    )
    edits.change_impact(doc, edits.ComponentImpact(changed, ImpactLevel.MAJOR_OUTAGE), LATER)
    node = read_back(doc)
    assert (at(node, "id"), at(node, "title")) == (incident_id, title)
    assert at(node, "impact", 0, "component") == component
    assert at(node, "impact", len(node.value["impact"].value) - 1, "component") == changed
    if message:
        assert at(node, "updates", 0, "body") == message


@PROPERTY
@given(maintenance_id=safe_ids, title=texts, message=texts, components=st.lists(safe_ids, min_size=1, max_size=3))
def test_new_maintenance_reads_back_as_written(
    maintenance_id: str, title: str, message: str, components: list[str]
) -> None:
    doc = new_maintenance(maintenance_id, title, components, AT, LATER, message, AT)
    node = read_back(doc)
    assert (at(node, "id"), at(node, "title")) == (maintenance_id, title)
    assert [item.value for item in at(node, "components")] == components
    if message:
        assert at(node, "updates", 0, "body") == message


@PROPERTY
@given(name=texts, body=texts, component=texts, group=texts, description=texts)
def test_statuspage_import_reads_back_as_written(name: str, body: str, component: str, group: str, description: str) -> None:
    item = {
        "id": "x1", "name": name, "status": "resolved", "impact": "minor",
        "created_at": "2026-03-01T10:05:00Z", "resolved_at": "2026-03-01T10:40:00Z",
        "components": [{"id": "c1", "name": component, "status": "partial_outage"}],
        "incident_updates": [{"status": "resolved", "body": body, "created_at": "2026-03-01T10:40:00Z"}],
    }
    spec = ServiceSpec(slugify(component or "c1"), component or "c1", group, description)
    node = read_back(statuspage.incident_record(item, {"c1": spec}).doc)
    assert at(node, "title") == (name or "Untitled incident")
    assert at(node, "updates", 0, "body") == body
    assert at(node, "impact", 0, "component") == spec.id
    window = {"id": "m1", "name": name, "scheduled_for": "2026-03-02T10:00:00Z",
              "scheduled_until": "2026-03-02T11:00:00Z", "components": [{"id": "c1"}],
              "incident_updates": [{"status": "scheduled", "body": body, "created_at": "2026-03-01T10:00:00Z"}]}
    record = statuspage.maintenance_record(window, {"c1": spec})
    assert record is not None
    node = read_back(record.doc)
    assert at(node, "title") == (name or "Maintenance")
    assert at(node, "updates", 0, "body") == body
    assert [c.value for c in at(node, "components")] == [spec.id]
    services = load_doc(SERVICES_YAML)
    _merge_services(services, [spec])
    node = read_back(services)
    assert [g.value for g in at(node, "groups")] == ["Core", "Internal", *([group] if group not in ("Core", "Internal") else [])]
    added = at(node, "services", 3)
    assert (added["id"].value, added["name"].value, added["group"].value) == (spec.id, spec.name, group)
    if description:
        assert added["description"].value == description


#: What cState bodies may hold for the body to be kept whole: no `---` line, no track shortcode,
#: no leading `*Label*`, no carriage return (reading the source file turns it into a newline).
def _whole_cstate_body(text: str) -> bool:
    body = text.strip()
    return bool(body) and "\r" not in text and not cstate.SEPARATOR.search(text) and "{{<" not in text \
        and cstate.LABEL.match(body) is None


@PROPERTY
@given(title=texts.filter(bool), body=texts.filter(_whole_cstate_body))
def test_cstate_import_reads_back_as_written(title: str, body: str) -> None:
    matter = yaml.safe_dump({"title": title, "date": "2026-03-01T10:00:00Z"}, default_style='"', width=10**9)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "issue.md")
        source.write_text(f"---\n{matter}---\n{body}\n", encoding="utf-8", newline="")
        record = cstate.issue_record(source, {}, Plan())
    assert record is not None
    node = read_back(record.doc)
    assert at(node, "title") == title
    assert at(node, "updates", 0, "body") == body.strip()


@pytest.fixture(scope="module")
def an_incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    return load(make_content(tmp_path_factory.mktemp("pm"), {"incidents/i.yaml": OPEN_INCIDENT})).site.incidents[0]


@settings(PROPERTY, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incident_id=safe_ids)
def test_postmortem_scaffold_names_the_incident_as_written(an_incident: Incident, incident_id: str) -> None:
    matter = front_matter(dataclasses.replace(an_incident, id=incident_id)).removeprefix("---\n").split("\n---\n")[0]
    assert at(parse(matter), "incident") == incident_id


# ---------------------------------------------------------------------- the real commands


def run(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content), "--now", NOW, "--no-cache"])


def run_import(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--content", str(content), "--now", NOW])


#: Texts a responder types: none of the characters the loader refuses, no `&` (entities are
#: checked as rendered text, not by this test), and not empty.
def _typable(text: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(text) is None and "&" not in text and text.strip() != ""


typed = st.one_of(st.sampled_from([t for t in TRICKY if _typable(t)]), texts.filter(_typable))
CLI = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _incident(content: Path, incident_id: str = "INC-1"):  # type: ignore[no-untyped-def]
    loaded = load(content, NOW)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    return next(i for i in loaded.site.incidents if i.id == incident_id)


def _check_update(content: Path, message: str, note: str, by: str) -> None:
    result = CliRunner().invoke(main, [
        "update", "--content", str(content), "--now", NOW, "--no-cache", "--internal", note, "--by", by,
        "INC-1", "--", message,  # `--`: a message may start with `-`
    ])
    assert result.exit_code == 0, result.output
    found = _incident(content)
    assert found.updates[-1].body == message
    assert (found.timeline[-1].text, found.timeline[-1].by) == (note, by)


@pytest.mark.parametrize("text", ["12:30:00", "1:30", "Yes", "No", "On", "Off", "~", "0x1F", "1_000", "=", "?x"])
def test_update_posts_the_text_typed(tmp_path: Path, text: str) -> None:
    content = make_content(tmp_path / "content", {"incidents/i.yaml": OPEN_INCIDENT})
    _check_update(content, text, text, text)


@CLI
@given(message=typed, note=typed, by=typed)
def test_update_posts_any_text_typed(message: str, note: str, by: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _check_update(make_content(Path(folder), {"incidents/i.yaml": OPEN_INCIDENT}), message, note, by)


def _check_new(content: Path, title: str, message: str, ident: str) -> None:
    result = run(content, "new", "incident", "--title", title, "--message", message, "--severity", "minor",
                 "--component", f"{ident}:partial_outage", "--id", ident)
    assert result.exit_code == 0, result.output
    found = _incident(content, ident)
    assert (found.title, found.updates[0].body, found.impact[0].component) == (title, message, ident)
    result = run(content, "new", "maintenance", "--title", title, "--message", message, "--component", ident,
                 "--start", "2026-12-01T00:00:00Z", "--end", "2026-12-01T01:00:00Z", "--id", ident)
    assert result.exit_code == 0, result.output
    (window,) = load(content, NOW).site.maintenance
    assert (window.id, window.title, window.updates[0].body, window.components) == (ident, title, message, (ident,))


@pytest.mark.parametrize(("text", "ident"), [("12:30:00", "Yes"), ("Off", "0x1F"), ("1:30", "1_000"), ("No", "Off")])
def test_new_incident_and_maintenance_keep_the_text_typed(tmp_path: Path, text: str, ident: str) -> None:
    services = SERVICES_YAML + f"  - id: '{ident}'\n    name: Tricky\n    group: Core\n"
    content = make_content(tmp_path / "content", {"services.yaml": services})
    _check_new(content, text, text, ident)


@CLI
@given(title=typed, message=typed)
def test_new_incident_and_maintenance_keep_any_text_typed(title: str, message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _check_new(make_content(Path(folder)), title, message, "api")


def test_postmortem_of_an_incident_whose_id_yaml_reads_as_a_number(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content", {"incidents/i.yaml": OPEN_INCIDENT.replace("INC-1", "'0x1F'")})
    result = run(content, "postmortem", "0x1F")
    assert result.exit_code == 0, result.output
    (review,) = load(content, NOW).site.postmortems
    assert review.incident == "0x1F"


def _check_statuspage(content: Path, source: Path, title: str, body: str, group: str) -> None:
    payload = {"page": {"name": group}, "incidents": [{
        "id": "t1", "name": title, "status": "resolved", "impact": "minor", "created_at": "2026-03-01T10:05:00Z",
        "resolved_at": "2026-03-01T10:40:00Z", "components": [{"id": "c1", "name": "Yes", "status": "partial_outage"}],
        "incident_updates": [{"status": "resolved", "body": body, "created_at": "2026-03-01T10:40:00Z"}]}]}
    source.write_text(json.dumps(payload))
    result = run_import(content, "import", "statuspage", str(source))
    assert result.exit_code == 0, result.output
    loaded = load(content, NOW)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    (incident,) = loaded.site.incidents
    assert (incident.title, incident.updates[0].body) == (title, body)
    assert incident.impact[0].component == "yes"  # the slug of the component's name
    assert any(g.name == group for g in loaded.site.groups)


@pytest.mark.parametrize("text", ["12:30:00", "Off", "1:30", "No", "?x"])
def test_statuspage_import_keeps_titles_and_bodies(tmp_path: Path, text: str) -> None:
    content = make_content(tmp_path / "content")
    _check_statuspage(content, tmp_path / "incidents.json", text, text, text)


@CLI
@given(title=typed, body=typed, group=typed)
def test_statuspage_import_keeps_any_text(title: str, body: str, group: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = make_content(Path(folder, "content"))
        _check_statuspage(content, Path(folder, "incidents.json"), title, body, group.strip() or "G")


def test_cstate_import_keeps_titles_and_bodies(tmp_path: Path) -> None:
    site = tmp_path / "cstate"
    (site / "content" / "issues").mkdir(parents=True)
    (site / "config.yml").write_text("params:\n  systems:\n    - name: 'On'\n      category: 'Off'\n")
    (site / "content" / "issues" / "a.md").write_text(
        "---\ntitle: '12:30:00'\ndate: 2026-03-01T10:00:00Z\nseverity: down\naffected: ['On']\n---\nOff\n"
    )
    content = make_content(tmp_path / "content")
    result = run_import(content, "import", "cstate", str(site))
    assert result.exit_code == 0, result.output
    loaded = load(content, NOW)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    (incident,) = loaded.site.incidents
    assert (incident.title, incident.updates[0].body, incident.impact[0].component) == ("12:30:00", "Off", "on")
    assert any(g.name == "Off" for g in loaded.site.groups)


def test_the_public_page_shows_the_update_as_typed(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    from generator.build import BuildRequest, build

    content = make_content(tmp_path / "content", {"incidents/i.yaml": OPEN_INCIDENT})
    assert run(content, "update", "INC-1", "12:30:00").exit_code == 0
    build(BuildRequest(content=content, out=tmp_path / "site", now=parse_time(NOW), targets=("public",),
                       progress=lambda _: None))
    page = BeautifulSoup((tmp_path / "site/public/incidents/INC-1.html").read_text(), "html.parser")
    assert "12:30:00" in page.get_text() and "45000" not in page.get_text()
    api = json.loads((tmp_path / "site/public/api/v2/incidents.json").read_text())
    bodies = [u["body"] for u in api["incidents"][0]["incident_updates"]]
    assert "12:30:00" in bodies


def test_untouched_plain_values_are_written_back_unchanged() -> None:
    """Quoting is for new text only: a value already in the file keeps its spelling, even one
    YAML 1.1 reads as a boolean (`public: yes` in services.yaml means true)."""
    original = "groups: [Core]\nservices:\n  - id: api\n    name: API\n    group: Core\n    public: yes\n    note: 1:30\n"
    assert dump_doc(load_doc(original)) == original


def test_written_text_is_plain_where_that_is_safe() -> None:
    doc = load_doc(OPEN_INCIDENT)
    edits.add_update(doc, AT, UpdateStatus.IDENTIFIED, "We found the cause; a fix is rolling out.")
    edits.add_update(doc, AT, UpdateStatus.MONITORING, "12:30:00")
    edits.add_note(doc, AT, "Dana Ruiz", "line one\nline two")
    text = dump_doc(doc)
    assert "    body: We found the cause; a fix is rolling out.\n" in text
    assert "    body: '12:30:00'\n" in text
    assert "    by: Dana Ruiz\n" in text


@pytest.mark.parametrize("written", ["12:30:00", "1:30", "0x1F", "0o17", "1_000", "1.10", "1e3", "017"])
def test_a_number_typed_by_hand_in_text_is_shown_as_typed(tmp_path: Path, written: str) -> None:
    """YAML 1.1 reads an unquoted `12:30:00` as 45000 and `0x1F` as 31: a responder who typed
    either as a title or an update meant the text."""
    from bs4 import BeautifulSoup

    from generator.build import BuildRequest, build

    incident = OPEN_INCIDENT.replace('title: "Errors"   # quoted on purpose', f"title: {written}")
    incident = incident.replace("body: We are looking into it.", f"body: {written}")
    content = make_content(tmp_path / "content", {"incidents/i.yaml": incident})
    loaded = load(content, NOW)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    (record,) = loaded.site.incidents
    assert (record.title, record.updates[0].body) == (written, written)
    build(BuildRequest(content=content, out=tmp_path / "site", now=parse_time(NOW), targets=("public",),
                       progress=lambda _: None))
    api = json.loads((tmp_path / "site/public/api/v2/incidents.json").read_text())
    assert api["incidents"][0]["name"] == written
    assert [u["body"] for u in api["incidents"][0]["incident_updates"]] == [written]
    page = BeautifulSoup((tmp_path / "site/public/incidents/INC-1.html").read_text(), "html.parser")
    assert page.h1 is not None and page.h1.get_text(strip=True) == written
