"""Bad input gets `path:line: field: message`, never a crash, a hang or silence (issue 13, item 8):
times at the ends of the calendar, numbers out of range, a hostile `base_url`, duplicate groups,
malformed import sources, FIFOs in the content folder, ids that differ only in case and device
names as ids. Cross-file checks are run with and without the load cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load import check_folder, load_site
from generator.load.cache import LoadCache
from tests.sitekit import EXAMPLE, NOW, SERVICES_YAML, SITE_YAML, load, make_content, messages, now

INCIDENT = """\
id: INC-1
title: API errors
type: external
severity: major
started_at: 2026-11-20T14:02:00Z
resolved_at: 2026-11-20T16:30:00Z
impact:
  - component: api
    level: major_outage
"""

POSTMORTEM = """\
---
incident: INC-1
status: draft
action_items:
  - id: AI-1
    title: Add a canary
    owner: payments-team
    priority: P1
    status: open
---
Body.
"""


def problems(tmp_path: Path, files: dict[str, str], at: str = NOW) -> list[str]:
    root = make_content(tmp_path / "content", files)
    return messages(load(root, at), root)


def errors(tmp_path: Path, files: dict[str, str], at: str = NOW) -> list[str]:
    return [m for m in problems(tmp_path, files, at) if ": warning: " not in m]


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# ---------------------------------------------------------------------- times and dates


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("9999-12-31T23:00:00-05:00", "'9999-12-31T23:00:00-05:00'"),
        ("0001-01-01T00:30:00+05:00", "'0001-01-01T00:30:00+05:00'"),
        ("9999-12-31T23:59:59Z", "'9999-12-31T23:59:59Z'"),
        ("1969-12-31T23:59:59Z", "'1969-12-31T23:59:59Z'"),
        ("2100-01-01T00:00:00Z", "'2100-01-01T00:00:00Z'"),
    ],
)
def test_times_out_of_range_are_errors(tmp_path: Path, value: str, shown: str) -> None:
    incident = INCIDENT.replace("started_at: 2026-11-20T14:02:00Z", f"started_at: {value}")
    assert errors(tmp_path, {"incidents/a.yaml": incident}) == [
        f"content/incidents/a.yaml:5: started_at: time {shown} is out of range "
        "(expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)",
    ]


def test_times_at_the_ends_of_the_range_are_accepted(tmp_path: Path) -> None:
    incident = INCIDENT.replace("2026-11-20T14:02:00Z", "1970-01-01T00:00:00Z").replace(
        "resolved_at: 2026-11-20T16:30:00Z", "resolved_at: 2099-12-31T23:59:59Z")
    assert errors(tmp_path, {"incidents/a.yaml": incident}, at="2099-12-31T23:59:59Z") == []


def test_every_time_field_is_bounded(tmp_path: Path) -> None:
    far = "9999-12-31T23:00:00-05:00"
    incident = (
        INCIDENT.replace("resolved_at: 2026-11-20T16:30:00Z", f"resolved_at: {far}\ndetected_at: {far}\nmitigated_at: {far}")
        .replace("    level: major_outage\n", f"    level: major_outage\n    from: {far}\n    to: {far}\n")
        + f"updates:\n  - at: {far}\n    status: investigating\n    body: x\ntimeline:\n  - at: {far}\n    text: y\n"
    )
    window = f"id: MNT-1\ntitle: W\ncomponents: [api]\nscheduled_start: {far}\nscheduled_end: {far}\n"
    found = errors(tmp_path, {"incidents/a.yaml": incident, "maintenance/m.yaml": window})
    fields = [m.split(": ")[1] for m in found if "is out of range" in m]
    assert sorted(fields) == sorted(
        ["resolved_at", "detected_at", "mitigated_at", "impact[0].from", "impact[0].to", "updates[0].at",
         "timeline[0].at", "scheduled_start", "scheduled_end"]
    )


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1969-12-31", "2100-01-01"])
def test_dates_out_of_range_are_errors(tmp_path: Path, value: str) -> None:
    review = POSTMORTEM.replace("status: open", f"status: open\n    due: {value}")
    runbook = f"---\ntitle: R\nservices: [api]\nlast_reviewed: {value}\n---\nBody.\n"
    found = errors(tmp_path, {"incidents/a.yaml": INCIDENT, "postmortems/INC-1.md": review, "runbooks/r.md": runbook})
    assert found == [
        f"content/postmortems/INC-1.md:10: action_items[0].due: date '{value}' is out of range (expected 1970-01-01 to 2099-12-31)",
        f"content/runbooks/r.md:4: last_reviewed: date '{value}' is out of range (expected 1970-01-01 to 2099-12-31)",
    ]


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_now_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    root = make_content(tmp_path / "content")
    result = cli("validate", "--content", str(root), "--now", value)
    assert result.exit_code == 2
    assert f"--now: time '{value}' is out of range (expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)" in result.output


@pytest.mark.parametrize("epoch", ["99999999999999999999", "-99999999999", "4102444800"])
def test_source_date_epoch_out_of_range_is_a_usage_error(tmp_path: Path, epoch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_content(tmp_path / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 2
    assert f"--now: SOURCE_DATE_EPOCH {epoch} is out of range (expected 0 to 4102444799, 1970 to 2099)" in result.output


# ---------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("uptime_days: 100000000", "uptime_days: expected a whole number from 1 to 3650; got 100000000"),
        ("uptime_days: 0", "uptime_days: expected a whole number from 1 to 3650; got 0"),
        ("review_deadline_days: 10000000000", "review_deadline_days: expected a whole number from 0 to 3650; got 10000000000"),
        ("review_deadline_days: -1", "review_deadline_days: expected a whole number from 0 to 3650; got -1"),
        ("feed_items: 10001", "feed_items: expected a whole number from 1 to 10000; got 10001"),
        ("runbook_stale_days: 3651", "runbook_stale_days: expected a whole number from 1 to 3650; got 3651"),
        ("history_page_size: 1001", "history_page_size: expected a whole number from 1 to 1000; got 1001"),
        ("max_file_bytes: 1073741825", "max_file_bytes: expected a whole number from 1024 to 1073741824; got 1073741825"),
        ("action_item_deadlines: {P1: -1000000000}", "action_item_deadlines.P1: expected a whole number of days from 0 to 3650; got -1000000000"),
        ("action_item_deadlines: {P0: 3651}", "action_item_deadlines.P0: expected a whole number of days from 0 to 3650; got 3651"),
        ("uptime_weights: {major_outage: .nan}", "uptime_weights.major_outage: expected a number from 0 to 1; got nan"),
    ],
)
def test_numbers_out_of_range_are_errors(tmp_path: Path, line: str, expected: str) -> None:
    assert errors(tmp_path, {"site.yaml": SITE_YAML + line + "\n"}) == [f"content/site.yaml:5: {expected}"]


def test_the_largest_numbers_accepted_do_not_crash_validate_or_build(tmp_path: Path) -> None:
    site = SITE_YAML + "uptime_days: 3650\nreview_deadline_days: 3650\naction_item_deadlines: {P0: 3650, P1: 0}\n"
    late = INCIDENT.replace("2026-11-20T14:02:00Z", "2099-12-30T14:02:00Z").replace("2026-11-20T16:30:00Z", "2099-12-30T16:30:00Z")
    root = make_content(tmp_path / "content", {"site.yaml": site, "incidents/a.yaml": late, "postmortems/INC-1.md": POSTMORTEM})
    for moment, public in (("2099-12-31T23:59:59Z", True), ("1970-01-01T00:00:00Z", False)):  # both ends, both sites
        result = cli("build", "--content", str(root), "--out", str(tmp_path / "site"), "--now", moment, "--no-cache")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "site/public/incidents/INC-1.html").is_file() is public  # in 1970 it is in the future
        assert (tmp_path / "site/internal/incidents/INC-1.html").is_file()


@pytest.mark.parametrize("value", ["100", "1073741825"])
def test_max_file_bytes_option_is_bounded(tmp_path: Path, value: str) -> None:
    root = make_content(tmp_path / "content")
    result = cli("validate", "--content", str(root), "--max-file-bytes", value)
    assert result.exit_code == 2
    assert f"{value} is not in the range 1024<=x<=1073741824" in result.output


# ---------------------------------------------------------------------- base_url


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('"https://x.example/\\nDisallow: /\\nx/"', "contains whitespace or a control character (U+000A)"),
        ('"https://x.example/a b/"', "contains whitespace or a control character (U+0020)"),
        ('"https://x.example/\\u00a0/"', "contains whitespace or a control character (U+00A0)"),
        ("https://x.example//evil.example/", "the path has an empty segment ('//')"),
        ("https://x.example/a/../b/", "the path has a '.' or '..' segment"),
        ("https://x.example/a?b=1", "has a query or a fragment"),
        ("https://x.example/#top", "has a query or a fragment"),
        ("https://user@x.example/", "has user information ('@')"),
        ("https://x_y.example/", "'x_y.example' is not a host name (ASCII letters, digits, '-' and '.'; IDNs in punycode)"),
        ("https://st\u00e4tus.example/", "'st\u00e4tus.example' is not a host name (ASCII letters, digits, '-' and '.'; IDNs in punycode)"),
        ("https://x.example:99999/", "port 99999 is out of range (1 to 65535)"),
        ("https://x.example/<script>/", "the path may hold only ASCII letters, digits, '-', '.', '_', '~', '%XX' and '/' (percent-encode others)"),
        ("https://x.example/st\u00e4tus/", "the path may hold only ASCII letters, digits, '-', '.', '_', '~', '%XX' and '/' (percent-encode others)"),
        ("ftp://x.example/", "expected an absolute http(s) URL like https://status.example.com/"),
        ("//x.example/", "expected an absolute http(s) URL like https://status.example.com/"),
        ("https:///", "expected an absolute http(s) URL like https://status.example.com/"),
    ],
)
def test_base_url_must_be_a_plain_absolute_url(tmp_path: Path, value: str, reason: str) -> None:
    site = SITE_YAML.replace("base_url: https://status.acme.example/", f"base_url: {value}")
    found = errors(tmp_path, {"site.yaml": site})
    assert len(found) == 1 and found[0].startswith(f"content/site.yaml:2: base_url: {reason}; got "), found


@pytest.mark.parametrize(
    "value", ["https://status.acme.example/", "http://localhost:8000/status/", "https://x.example/a-b/c_d/~e/%C3%A4/",
              "https://[2001:db8::1]/", "https://127.0.0.1:8443"],
)
def test_ordinary_base_urls_are_accepted(tmp_path: Path, value: str) -> None:
    site = SITE_YAML.replace("base_url: https://status.acme.example/", f"base_url: {value}")
    assert errors(tmp_path, {"site.yaml": site}) == []


def test_hostile_base_url_stops_the_build_and_keeps_the_previous_site(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content")
    out = tmp_path / "site"
    assert cli("build", "--content", str(root), "--out", str(out), "--now", NOW, "--public").exit_code == 0
    robots = (out / "public/robots.txt").read_bytes()
    (root / "site.yaml").write_text(SITE_YAML.replace("https://status.acme.example/", '"https://x.example/\\nDisallow: /\\nx/"'))
    result = cli("build", "--content", str(root), "--out", str(out), "--now", NOW, "--public")
    assert result.exit_code == 1
    assert "site.yaml:2: base_url: contains whitespace or a control character (U+000A)" in result.output
    assert (out / "public/robots.txt").read_bytes() == robots


# ---------------------------------------------------------------------- groups


def test_a_group_listed_twice_is_an_error(tmp_path: Path) -> None:
    services = SERVICES_YAML.replace("groups: [Core, Internal]", "groups: [Core, Internal, Core]")
    assert errors(tmp_path, {"services.yaml": services}) == ["content/services.yaml:1: groups: 'Core' is listed twice"]


@pytest.mark.parametrize("cached", [False, True])
def test_duplicate_groups_are_reported_on_every_load_and_build(tmp_path: Path, cached: bool) -> None:
    services = SERVICES_YAML.replace("groups: [Core, Internal]", "groups: [Core, Internal, Core]")
    root = make_content(tmp_path / "content", {"services.yaml": services})
    cache = ["--cache-dir", str(tmp_path / "cache")] if cached else ["--no-cache"]
    for _ in range(2):  # cold, then warm
        result = cli("build", "--content", str(root), "--out", str(tmp_path / "site"), "--now", NOW, "--public", *cache)
        assert result.exit_code == 1
        assert "services.yaml:1: groups: 'Core' is listed twice" in result.output
        result = cli("validate", "--content", str(root), "--now", NOW, *cache)
        assert result.exit_code == 1 and "groups: 'Core' is listed twice" in result.output


# ---------------------------------------------------------------------- ids


@pytest.mark.parametrize("cached", [False, True])
def test_ids_that_differ_only_in_case_are_errors_with_and_without_the_cache(tmp_path: Path, cached: bool) -> None:
    services = SERVICES_YAML + "  - id: API\n    name: Other API\n    group: Core\n"
    other = INCIDENT.replace("id: INC-1", "id: inc-1")
    windows = {f"maintenance/{n}.yaml": f"id: {i}\ntitle: W\ncomponents: [api]\nscheduled_start: 2026-12-01T00:00:00Z\n"
               f"scheduled_end: 2026-12-01T01:00:00Z\n" for n, i in (("a", "MNT-1"), ("b", "Mnt-1"))}
    review = POSTMORTEM.replace("status: open\n", "status: open\n  - id: ai-1\n    title: Again\n    priority: P2\n    status: open\n")
    runbook = "---\ntitle: R\nservices: [api]\n---\nBody.\n"
    root = make_content(tmp_path / "content", {
        "services.yaml": services, "incidents/a.yaml": INCIDENT, "incidents/b.yaml": other, **windows,
        "postmortems/INC-1.md": review, "runbooks/Disk.md": runbook, "runbooks/disk.md": runbook,
    })
    expected = [
        "content/incidents/b.yaml:1: incident id 'inc-1' differs only in case from 'INC-1' (content/incidents/a.yaml:1); "
        "ids name files and URLs, which are one on case-insensitive hosts",
        "content/maintenance/b.yaml:1: maintenance id 'Mnt-1' differs only in case from 'MNT-1' (content/maintenance/a.yaml:1); "
        "ids name files and URLs, which are one on case-insensitive hosts",
        "content/postmortems/INC-1.md:10: action item id 'ai-1' differs only in case from 'AI-1' (content/postmortems/INC-1.md:5); "
        "ids name files and URLs, which are one on case-insensitive hosts",
        "content/runbooks/disk.md:1: runbook path 'disk.md' differs only in case from 'Disk.md' (content/runbooks/Disk.md:1); "
        "ids name files and URLs, which are one on case-insensitive hosts",
        "content/services.yaml:17: service id 'API' differs only in case from 'api' (content/services.yaml:3); "
        "ids name files and URLs, which are one on case-insensitive hosts",
    ]
    cache_dir = tmp_path / "cache"
    for _ in range(2 if cached else 1):  # cold, then warm
        cache = LoadCache(cache_dir) if cached else None
        checked = check_folder(root, now(), cache=cache)
        assert [e for e in messages(checked, root) if "differs only in case" in e] == expected  # type: ignore[arg-type]
        cache = LoadCache(cache_dir) if cached else None
        loaded = load_site(root, now(), cache=cache)
        assert [e for e in messages(loaded, root) if "differs only in case" in e] == expected


def test_update_refuses_to_guess_between_ids_that_differ_only_in_case(tmp_path: Path) -> None:
    open_incident = INCIDENT.replace("resolved_at: 2026-11-20T16:30:00Z\n", "")
    root = make_content(tmp_path / "content", {
        "incidents/a.yaml": open_incident, "incidents/b.yaml": open_incident.replace("INC-1", "inc-1"),
    })
    before = {p.name: p.read_bytes() for p in (root / "incidents").iterdir()}
    result = cli("update", "Inc-1", "Still looking.", "--content", str(root), "--now", NOW, "--no-cache")
    assert result.exit_code == 2
    assert ("'Inc-1' matches incidents whose ids differ only in case: INC-1 (" in result.output
            and "inc-1 (" in result.output and "give the exact id" in result.output)
    assert {p.name: p.read_bytes() for p in (root / "incidents").iterdir()} == before
    exact = cli("update", "INC-1", "Still looking.", "--content", str(root), "--now", NOW, "--no-cache")
    assert exact.exit_code == 0, exact.output  # the exact id is not a guess
    assert "Still looking." in (root / "incidents/a.yaml").read_text()


def test_new_incident_with_an_id_that_differs_only_in_case_is_refused(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT})
    result = cli("new", "incident", "--title", "T", "--severity", "minor", "--component", "api", "--id", "inc-1",
                 "--message", "Looking.", "--content", str(root), "--now", NOW, "--no-cache")
    assert result.exit_code != 0
    assert "inc-1" in result.output and "differs only in case from 'INC-1'" in result.output
    assert sorted(p.name for p in (root / "incidents").iterdir()) == ["a.yaml"]


@pytest.mark.parametrize("name", ["CON", "prn", "Aux", "NUL", "COM1", "com9", "LPT1", "lpt9"])
def test_windows_device_names_are_not_ids(tmp_path: Path, name: str) -> None:
    reason = f"{name!r} is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9); choose another id"
    services = SERVICES_YAML.replace("id: web", f"id: {name}")
    incident = INCIDENT.replace("id: INC-1", f"id: {name}").replace("component: api", "component: api")
    window = f"id: {name}\ntitle: W\ncomponents: [api]\nscheduled_start: 2026-12-01T00:00:00Z\nscheduled_end: 2026-12-01T01:00:00Z\n"
    review = POSTMORTEM.replace("incident: INC-1", "incident: INC-1").replace("id: AI-1", f"id: {name}")
    found = errors(tmp_path, {"services.yaml": services, "incidents/a.yaml": incident, "incidents/b.yaml": INCIDENT.replace(
        "INC-1", "INC-2"), "maintenance/m.yaml": window, "postmortems/INC-2.md": review.replace("INC-1", "INC-2")})
    assert f"content/services.yaml:8: services[1].id: {reason}" in found
    assert f"content/incidents/a.yaml:1: id: {reason}" in found
    assert f"content/maintenance/m.yaml:1: id: {reason}" in found
    assert f"content/postmortems/INC-2.md:5: action_items[0].id: {reason}" in found


@pytest.mark.parametrize("name", ["COM10", "CONSOLE", "NULL", "LPT0x", "AUXILIARY"])
def test_names_that_only_start_like_a_device_are_ids(tmp_path: Path, name: str) -> None:
    assert errors(tmp_path, {"incidents/a.yaml": INCIDENT.replace("id: INC-1", f"id: '{name}'")}) == []


@pytest.mark.parametrize("rel", ["runbooks/nul.md", "runbooks/COM1/disk.md", "runbooks/aux.notes.md"])
def test_windows_device_names_are_not_runbook_paths(tmp_path: Path, rel: str) -> None:
    runbook = "---\ntitle: R\nservices: [api]\n---\nBody.\n"
    found = errors(tmp_path, {rel: runbook})
    assert len(found) == 1 and "is a reserved device name on Windows" in found[0] and found[0].startswith(f"content/{rel}:1: ")


def test_a_group_named_like_a_device_is_an_error(tmp_path: Path) -> None:
    services = SERVICES_YAML.replace("groups: [Core, Internal]", "groups: [Core, Internal, Con]")
    assert errors(tmp_path, {"services.yaml": services}) == [
        "content/services.yaml:1: groups: 'Con' has the id 'con' in URLs, a reserved device name on Windows "
        "(CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9); rename it"
    ]


# ---------------------------------------------------------------------- files that are not regular


#: The command line in a process of its own.
STATUSPRESS = [sys.executable, "-c", "from generator.cli import main; main()"]


def _validate_in_a_process(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so a hang is a timeout here and not a stuck suite."""
    command = [*STATUSPRESS, "validate", "--content", str(root), "--now", NOW, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
@pytest.mark.parametrize("rel", ["incidents/fifo.yaml", "site.yaml", "services.yaml", "postmortems/INC-1.md", "runbooks/r.md"])
@pytest.mark.parametrize("cached", [False, True])
def test_a_fifo_in_the_content_folder_is_an_error_not_a_hang(tmp_path: Path, rel: str, cached: bool) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    cache = ("--cache-dir", str(tmp_path / "cache")) if cached else ("--no-cache",)
    result = _validate_in_a_process(root, *cache)
    assert result.returncode == 1, result.stderr
    assert f"{root}/{rel}:1: not a regular file (a FIFO); refusing to read it" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_symlink_to_a_fifo_inside_the_folder_is_refused_and_one_to_a_file_is_read(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT})
    os.mkfifo(root / "pipe")
    (root / "incidents/link.yaml").symlink_to(root / "pipe")
    (root / "incidents/copy.yaml").symlink_to(root / "incidents/a.yaml")
    result = _validate_in_a_process(root, "--no-cache")
    assert f"{root}/incidents/link.yaml:1: not a regular file (a FIFO); refusing to read it" in result.stderr
    assert "copy.yaml:1: duplicate incident id 'INC-1'" in result.stderr  # read like any file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_among_incidents_does_not_hang_a_responder_command(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"incidents/a.yaml": INCIDENT.replace("resolved_at: 2026-11-20T16:30:00Z\n", "")})
    os.mkfifo(root / "incidents/fifo.yaml")
    command = [*STATUSPRESS, "update", "INC-1", "Looking.", "--content", str(root), "--now", NOW, "--no-cache"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr  # the FIFO's error was there before: it does not block the update
    assert "Looking." in (root / "incidents/a.yaml").read_text()


# ---------------------------------------------------------------------- importers


def _import(kind: str, source: Path, content: Path) -> Result:
    return CliRunner().invoke(main, ["import", kind, str(source), "--content", str(content), "--now", NOW])


GOOD_INCIDENT = {"id": "ok1", "name": "Fine", "status": "resolved", "impact": "minor",
                 "created_at": "2026-03-01T10:05:00Z", "resolved_at": "2026-03-01T10:40:00Z"}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"incidents": [1]}, "incidents[0]: expected an object; got a number"),
        ({"incidents": "abc"}, "incidents: expected a list; got text"),
        ({"incidents": [{**GOOD_INCIDENT, "created_at": "yesterday"}]},
         "incidents[0]: no valid started_at or created_at (an ISO 8601 time from 1970 to 2099)"),
        ({"incidents": [{**GOOD_INCIDENT, "created_at": "9999-12-31T23:00:00-05:00"}]},
         "incidents[0]: no valid started_at or created_at (an ISO 8601 time from 1970 to 2099)"),
        ({"incidents": [{**GOOD_INCIDENT, "incident_updates": {"a": 1}}]}, "incidents[0].incident_updates: expected a list; got an object"),
        ({"incidents": [{**GOOD_INCIDENT, "incident_updates": [{"affected_components": [7]}]}]},
         "incidents[0].incident_updates[0].affected_components[0]: expected an object; got a number"),
        ({"incidents": [{**GOOD_INCIDENT, "components": ["c1"]}]}, "incidents[0].components[0]: expected an object; got text"),
        ({"incidents": [{**GOOD_INCIDENT, "id": {"x": 1}}]}, "incidents[0].id: expected letters, digits, '-' and '_'; got an object"),
        ({"incidents": [{**GOOD_INCIDENT, "id": "../x"}]}, "incidents[0].id: expected letters, digits, '-' and '_'; got '../x'"),
        ({"page": "p", "incidents": []}, "page: expected an object; got text"),
        ({"components": {"a": 1}}, "components: expected a list; got an object"),
        ({"scheduled_maintenances": [None]}, "scheduled_maintenances[0]: expected an object; got null"),
    ],
)
def test_statuspage_files_of_the_wrong_shape_are_skipped_with_a_warning(tmp_path: Path, payload: object, reason: str) -> None:
    content = make_content(tmp_path / "content")
    source = tmp_path / "dump"
    source.mkdir()
    (source / "bad.json").write_text(json.dumps(payload))
    (source / "good.json").write_text(json.dumps({"incidents": [GOOD_INCIDENT]}))
    result = _import("statuspage", source, content)
    assert result.exit_code == 0, result.output
    assert f"warning: {source}/bad.json: {reason}; file skipped" in result.output
    assert [i.id for i in load(content).site.incidents] == ["SP-ok1"]


def test_deeply_nested_json_is_skipped_with_a_warning(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    source = tmp_path / "deep.json"
    source.write_text("{\"incidents\": " + "[" * 100_000 + "]" * 100_000 + "}")
    result = _import("statuspage", source, content)
    assert result.exit_code == 0, result.output
    assert f"warning: {source}: not valid JSON (nested too deeply), skipped" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_import_skips_a_fifo_instead_of_hanging(tmp_path: Path) -> None:
    content = make_content(tmp_path / "content")
    source = tmp_path / "dump"
    source.mkdir()
    os.mkfifo(source / "pipe.json")
    command = [*STATUSPRESS, "import", "statuspage", str(source), "--content", str(content), "--now", NOW]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert f"warning: {source}/pipe.json: not a regular file (a FIFO), skipped" in result.stderr


def _cstate_site(root: Path, config: str, issues: dict[str, bytes]) -> Path:
    (root / "content/issues").mkdir(parents=True)
    (root / "config.yml").write_text(config)
    for name, data in issues.items():
        (root / "content/issues" / name).write_bytes(data)
    return root


GOOD_ISSUE = b"---\ntitle: Fine\ndate: 2026-03-01T10:00:00Z\n---\nAll good.\n"


@pytest.mark.parametrize(
    ("issue", "reason"),
    [
        (b"---\ntitle: x\ndate: 2026-03-01T10:00:00Z\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n", "no readable front matter (nested deeper than 64 levels), skipped"),
        (b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
         b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
         b"title: x\ndate: 2026-03-01T10:00:00Z\n---\n", "no readable front matter (too many values after expanding aliases (alias bomb?)), skipped"),
        (b"---\ntitle: x\ndate: 9999-12-31T23:00:00-05:00\n---\nbody\n", "no valid date, skipped"),
        (b"---\ntitle: x\ndate: 2026-03-01T10:00:00Z\n---\n\xff\xfe\n", "not valid UTF-8, skipped"),
        (b"---\n- a list\n---\n", "no readable front matter (not a mapping), skipped"),
    ],
)
def test_cstate_issues_that_cannot_be_read_are_skipped_with_a_warning(tmp_path: Path, issue: bytes, reason: str) -> None:
    site = _cstate_site(tmp_path / "cstate", "params:\n  systems: [{name: API}]\n", {"bad.md": issue, "good.md": GOOD_ISSUE})
    content = make_content(tmp_path / "content")
    result = _import("cstate", site, content)
    assert result.exit_code == 0, result.output
    assert f"warning: {site}/content/issues/bad.md: {reason}" in result.output
    assert [i.id for i in load(content).site.incidents] == ["CS-good"]


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ("params: [\n", "not valid YAML"),
        ("- a\n- b\n", "expected a mapping with params.systems"),
        ("params: {systems: abc}\n", "params.systems: expected a list"),
        ("params: {systems: [1, {name: API}]}\n", "params.systems[0]: expected a mapping with a name"),
    ],
)
def test_a_cstate_config_that_cannot_be_read_is_a_warning(tmp_path: Path, config: str, reason: str) -> None:
    site = _cstate_site(tmp_path / "cstate", config, {"good.md": GOOD_ISSUE})
    content = make_content(tmp_path / "content")
    result = _import("cstate", site, content)
    assert result.exit_code == 0, result.output
    assert f"warning: {site}/config.yml: {reason}" in result.output
    assert [i.id for i in load(content).site.incidents] == ["CS-good"]


def test_a_folder_without_a_cstate_config_is_a_warning(tmp_path: Path) -> None:
    site = _cstate_site(tmp_path / "cstate", "", {"good.md": GOOD_ISSUE})
    (site / "config.yml").unlink()
    content = make_content(tmp_path / "content")
    result = _import("cstate", site, content)
    assert result.exit_code == 0, result.output
    assert f"warning: {site}/config.yml: not found (nor config.yaml); no systems imported" in result.output
    assert [i.id for i in load(content).site.incidents] == ["CS-good"]


def test_the_example_still_validates(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(EXAMPLE, root)
    assert [str(p) for p in load(root).problems.errors] == []


@pytest.mark.parametrize("name", ["index", "Index", "INDEX"])
def test_index_is_no_id(tmp_path: Path, name: str) -> None:
    """An incident or service `index` wrote the same knowledge-base page as the list of them
    (the build ended in a traceback: two producers write incidents/index.md)."""
    reason = f"{name!r} names the index pages (incidents/index, services/index); choose another id"
    services = SERVICES_YAML.replace("id: web", f"id: {name}")
    found = errors(tmp_path, {"services.yaml": services, "incidents/a.yaml": INCIDENT.replace("id: INC-1", f"id: {name}")})
    assert f"content/services.yaml:8: services[1].id: {reason}" in found
    assert f"content/incidents/a.yaml:1: id: {reason}" in found


@pytest.mark.parametrize("when", ["in 999999 weeks", "999999 weeks ago"])
def test_relative_times_out_of_range_are_usage_errors(tmp_path: Path, when: str) -> None:
    """`999999 weeks ago` is in year -17000: the responder command ended in an OverflowError."""
    root = make_content(tmp_path / "content")
    result = cli("new", "maintenance", "--title", "T", "--component", "api", "--start", when, "--end", "in 2 hours",
                 "--content", str(root), "--now", NOW, "--no-cache")
    assert result.exit_code == 2
    assert f"'{when}' is out of range (expected 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z)" in result.output
    assert not (root / "maintenance").exists()


def test_notify_kb_url_is_a_plain_absolute_url(tmp_path: Path) -> None:
    notify = ("kb_url: \"https://kb.example/\\nx\"\nchannels:\n  - name: chat\n    type: slack\n    audience: internal\n"
              "    url: ${SLACK_URL}\n")
    assert "content/notify.yaml:1: kb_url: contains whitespace or a control character (U+000A); got 'https://kb.example/\\nx'" in errors(
        tmp_path, {"notify.yaml": notify})
