"""Redaction patterns are checked against what is published, and a match is an error.

The patterns of `site.yaml` name what must never reach the public site (internal host names,
the organisation's e-mail domain, private addresses). Rendering decodes references and removes
markup, so a body written `ops&#64;larkspur.example` is published as `ops@larkspur.example`:
the check reads the published forms (plain text, HTML with its links) as well as the text as
written. A match fails `validate` and `build`, and the responder commands refuse it before
writing anything, naming what matched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from tests.sitekit import INCIDENT_WITH_BODY as INCIDENT
from tests.sitekit import NOW, SERVICES_YAML, load, make_content, messages

SITE = """\
name: Larkspur Status
base_url: https://status.larkspur.example/
redaction_patterns:
  - '\\.corp\\.larkspur\\.example'
  - '@larkspur\\.example'
  - '\\bip-10-\\d+'
  - '\\b10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b'
"""

PATTERNS = ["'@larkspur\\\\.example'", "'\\\\.corp\\\\.larkspur\\\\.example'", "'\\\\bip-10-\\\\d+'",
            "'\\\\b10\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\b'"]

ISSUE_BODY = "Contact ops&#64;larkspur.example or see db01&#46;corp.larkspur.example, host ip-1&#48;-2-3, **10**.0.0.7"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache", "--now", NOW], catch_exceptions=False)


def content(tmp_path: Path, body: str) -> Path:
    return make_content(tmp_path / "content", {
        "site.yaml": SITE, "services.yaml": SERVICES_YAML, "incidents/a.yaml": INCIDENT.format(body=body),
    })


def test_entities_and_markup_do_not_hide_a_match(tmp_path: Path) -> None:
    root = content(tmp_path, ISSUE_BODY)
    shown = "content/incidents/a.yaml:10: body: public text matches redaction pattern"  # the update's line
    assert messages(load(root), root) == [
        f"{shown} '@larkspur\\\\.example' ('@larkspur.example' as published)",
        f"{shown} '\\\\.corp\\\\.larkspur\\\\.example' ('.corp.larkspur.example' as published)",
        f"{shown} '\\\\b10\\\\.\\\\d{{1,3}}\\\\.\\\\d{{1,3}}\\\\.\\\\d{{1,3}}\\\\b' ('10.0.0.7' as published)",
        f"{shown} '\\\\bip-10-\\\\d+' ('ip-10-2' as published)",
    ]
    result = run("validate", "--content", str(root))
    assert result.exit_code == 1
    assert "4 errors" in result.output


@pytest.mark.parametrize(
    ("body", "matched"),
    [
        ("See [the dashboard](https://grafana.corp.larkspur.example/d/1).", ".corp.larkspur.example"),  # a link target
        ("Mail <ops@larkspur.example>", "@larkspur.example"),  # an autolink
        ("Host `ip-10-4-5` is fine", "ip-10-4"),  # code, as written
        ("Host ip\\\\-10-4-5", "ip-10-4"),  # in YAML's double quotes: ip\\-10  # a Markdown escape
        ("Reach 10<b></b>.1.2.3", "10.1.2.3"),  # raw HTML that the sanitiser removes
        ("db&#x30;1&period;corp&#x2e;larkspur.example", ".corp.larkspur.example"),  # named and hex references
    ],
)
def test_every_way_of_writing_it_is_found(tmp_path: Path, body: str, matched: str) -> None:
    root = content(tmp_path, body)
    errors = [str(p) for p in load(root).problems.errors]
    assert len(errors) == 1, errors
    assert f"({matched!r}" in errors[0]


def test_text_published_without_a_match_passes(tmp_path: Path) -> None:
    """Written `&amp;#64;`, the body is published as the text "ops&#64;..." (nothing is decoded
    twice), which no pattern matches; the same goes for addresses that only look alike."""
    root = content(tmp_path, "Write to ops&amp;#64;larkspur.example; see 110.0.0.7a and ip-100")
    assert load(root).problems.errors == []


def test_build_fails_and_publishes_nothing(tmp_path: Path) -> None:
    root = content(tmp_path, "fine")
    out = tmp_path / "site"
    assert run("build", "--content", str(root), "--out", str(out), "--public").exit_code == 0
    (root / "incidents" / "a.yaml").write_text(INCIDENT.format(body=ISSUE_BODY))
    result = run("build", "--content", str(root), "--out", str(out), "--public")
    assert result.exit_code == 1
    assert f"{root}/incidents/a.yaml:10: body: public text matches redaction pattern" in result.output
    assert "nothing was written" in result.output
    published = (out / "public" / "api" / "v2" / "incidents.json").read_text()
    assert json.loads(published)["incidents"][0]["incident_updates"][0]["body"] == "fine"


def test_titles_and_names_are_checked_as_written(tmp_path: Path) -> None:
    root = content(tmp_path, "fine")
    (root / "incidents" / "a.yaml").write_text(
        INCIDENT.format(body="fine").replace("title: Checkout errors", "title: Errors on 10.0.0.7")
    )
    assert messages(load(root), root) == [
        "content/incidents/a.yaml:1: title: public text matches redaction pattern "
        "'\\\\b10\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\b' ('10.0.0.7')"
    ]


@pytest.mark.parametrize("command", [["update", "INC-1"], ["resolve", "INC-1"]])
def test_responder_commands_refuse_before_writing_and_name_the_match(tmp_path: Path, command: list[str]) -> None:
    """Which line a refusal names (on disk, or the line it would write) is the responder
    commands' rule (tests/test_responder.py); here: the file, the field and what matched."""
    root = content(tmp_path, "We are looking into it.")
    before = (root / "incidents" / "a.yaml").read_bytes()
    result = run(*command, "Fixed on db01&#46;corp.larkspur.example", "--content", str(root))
    assert result.exit_code == 1
    expected = re.escape(f"{root}/incidents/a.yaml:") + r"\d+: " + re.escape(
        "body: public text matches redaction pattern "
        "'\\\\.corp\\\\.larkspur\\\\.example' ('.corp.larkspur.example' as published)"
    )
    assert any(re.match(expected, shown) for shown in result.output.splitlines()), result.output
    assert "Refused" in result.output
    assert (root / "incidents" / "a.yaml").read_bytes() == before


def test_new_incident_refuses_a_leaking_first_message(tmp_path: Path) -> None:
    root = make_content(tmp_path / "content", {"site.yaml": SITE})
    result = run(
        "new", "incident", "--title", "API down", "--severity", "major", "--component", "api",
        "--message", "Paged ops&#64;larkspur.example", "--content", str(root),
    )
    assert result.exit_code == 1
    assert "public text matches redaction pattern '@larkspur\\\\.example' ('@larkspur.example' as published)" in (
        result.output
    )
    assert not (root / "incidents").exists() or not any((root / "incidents").iterdir())


def test_the_load_cache_keeps_the_errors(tmp_path: Path) -> None:
    root = content(tmp_path, ISSUE_BODY)
    cache = tmp_path / "cache"
    first = CliRunner().invoke(main, ["validate", "--content", str(root), "--cache-dir", str(cache), "--now", NOW])
    second = CliRunner().invoke(main, ["validate", "--content", str(root), "--cache-dir", str(cache), "--now", NOW])
    assert first.exit_code == second.exit_code == 1
    assert first.output == second.output
    assert first.output.count("redaction pattern") == 4


@pytest.mark.parametrize(
    ("body", "matched"),
    [
        ("Mail OPS@LARKSPUR.EXAMPLE for help", "@LARKSPUR.EXAMPLE"),  # host names and e-mail domains
        ("db01.Corp.Larkspur.Example is failing over", ".Corp.Larkspur.Example"),  # ignore case
        ("Host IP-10-4-5 was replaced", "IP-10-4"),
    ],
)
def test_a_match_in_other_letter_case_is_found(tmp_path: Path, body: str, matched: str) -> None:
    """Host names and e-mail addresses do not depend on case, so neither do the patterns: a
    responder who types the internal host in capitals must not publish it."""
    root = content(tmp_path, body)
    errors = [str(p) for p in load(root).problems.errors]
    assert len(errors) == 1, errors
    assert f"({matched!r})" in errors[0]
    update = run("update", "INC-1", "--content", str(root), body.replace("is", "still is"))
    assert update.exit_code == 1
