"""A build never ends in a traceback: a failure while rendering is reported as `path:line:
message` at the record being rendered, the exit code is 1 and the published site stays.

The failures are injected: one function that a format calls for each record is replaced by one
that raises on the record whose body says BOOM, as a bug or an unforeseen input would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator import build as build_module
from generator.cli import main
from tests.sitekit import NOW, make_content
from tests.treediff import snapshot

GOOD = """\
id: INC-1
title: Fine
type: external
severity: minor
started_at: 2026-11-27T10:00:00Z
resolved_at: 2026-11-27T11:00:00Z
impact:
  - component: api
    level: degraded_performance
updates:
  - at: 2026-11-27T10:05:00Z
    status: resolved
    body: All good.
"""

BAD = """\
id: INC-2
title: Broken
type: external
severity: major
started_at: 2026-11-28T10:00:00Z
impact:
  - component: api
    level: major_outage
updates:
  - at: 2026-11-28T10:05:00Z
    status: investigating
    body: BOOM
"""

MAINTENANCE = """\
id: MNT-1
title: Upgrade
components: [api]
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
updates:
  - at: 2026-11-26T10:00:00Z
    status: scheduled
    body: BOOM
"""


def failing(original: Callable[..., Any]) -> Callable[..., Any]:
    def replacement(*args: Any, **kwargs: Any) -> Any:
        if any("BOOM" in str(a) for a in args):
            raise ValueError("All strings must be XML compatible")
        return original(*args, **kwargs)

    return replacement


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache", "--now", NOW], catch_exceptions=False)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A content folder whose public site was built once, and that site's snapshot."""
    content = make_content(tmp_path / "content", {"incidents/1.yaml": GOOD})
    out = tmp_path / "site"
    result = run("build", "--content", str(content), "--out", str(out), "--public")
    assert result.exit_code == 0, result.output
    return content, out, snapshot(out / "public")


@pytest.mark.parametrize(
    ("module", "name", "record", "line"),
    [
        ("generator.public.feeds", "render", "incidents/2.yaml", 1),  # feeds: the item HTML
        ("generator.public.html", "render_markdown", "incidents/2.yaml", 1),  # pages: the body filter
        ("generator.public.api.objects", "plain", "incidents/2.yaml", 1),  # JSON: the body text
        ("generator.public.calendar", "text", "maintenance/m.yaml", 1),  # calendars: the description
        ("generator.public.feeds", "render", "maintenance/m.yaml", 1),
    ],
)
def test_a_failing_record_is_reported_at_its_file_and_the_site_stays(
    built: tuple[Path, Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
    module: str, name: str, record: str, line: int,
) -> None:
    content, out, before = built
    text = BAD if record.startswith("incidents") else MAINTENANCE
    (content / record).parent.mkdir(exist_ok=True)
    (content / record).write_text(text)
    target = __import__(module, fromlist=[name])
    monkeypatch.setattr(target, name, failing(getattr(target, name)))
    result = run("build", "--content", str(content), "--out", str(out), "--public")
    assert result.exit_code == 1
    kind, record_id = ("incident", "INC-2") if record.startswith("incidents") else ("maintenance", "MNT-1")
    progress = re.compile(r"[A-Z][\w -]+: [\d,]+/[\d,]+")  # "Rendering public pages: 3/10"
    assert [line for line in result.output.splitlines() if not progress.fullmatch(line)] == [
        f"Loading {content}",
        "Rendering the public site",
        f"{content}/{record}:{line}: cannot render {kind} {record_id} for the public site: "
        "ValueError: All strings must be XML compatible",
        "1 problem found; nothing was written.",
    ]
    assert "Traceback" not in result.output
    assert snapshot(out / "public") == before
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock", "public"]


def test_a_failing_knowledge_base_page_names_its_record(
    built: tuple[Path, Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out, before = built
    (content / "incidents" / "2.yaml").write_text(BAD)
    from generator.kb import incidents

    def broken(kind: str, title: str, body: str) -> str:
        if "BOOM" in body:
            raise KeyError("timeline")
        return original(kind, title, body)

    original = incidents.admonition_block
    monkeypatch.setattr(incidents, "admonition_block", broken)
    result = run("build", "--content", str(content), "--out", str(out))
    assert result.exit_code == 1
    assert f"{content}/incidents/2.yaml:1: cannot render incident INC-2 for the internal site: KeyError: 'timeline'" in (
        result.output.splitlines()
    )
    assert snapshot(out / "public") == before
    assert not (out / "internal").exists()


def test_a_failure_no_record_explains_is_reported_at_the_content_folder(
    built: tuple[Path, Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out, before = built

    def broken(*args: Any) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(build_module, "renderers", lambda: {"public": broken})
    result = run("build", "--content", str(content), "--out", str(out), "--public")
    assert result.exit_code == 1
    assert f"{content}:1: cannot render the public site: RecursionError: maximum recursion depth exceeded" in (
        result.output.splitlines()
    )
    assert snapshot(out / "public") == before


def test_an_invalid_mkdocs_yml_is_reported_at_that_file_and_the_site_stays(tmp_path: Path) -> None:
    """A plugin MkDocs cannot find: before, `content:1: cannot render the internal site: Abort:
    Aborted with a configuration error!`, with MkDocs' reason printed apart, naming no file."""
    content = make_content(tmp_path / "repo" / "content", {"incidents/a.yaml": GOOD})
    settings = tmp_path / "repo" / "mkdocs.yml"
    settings.write_text("site_name: Acme\nplugins:\n  - search\n  - nosuchplugin\n")
    out = tmp_path / "site"
    (out / "public").mkdir(parents=True)
    (out / "public" / "index.html").write_text("previous site")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--now", NOW, "--quiet"])
    assert result.exit_code == 1, result.output
    assert f'{settings}:1: invalid MkDocs configuration: Config value \'plugins\': The "nosuchplugin" plugin is not installed' \
        in result.output.splitlines()
    assert "Traceback" not in result.output and "Abort" not in result.output
    assert (out / "public" / "index.html").read_text() == "previous site"


def test_a_mkdocs_yml_syntax_error_names_its_line_and_says_the_status_page_can_go_alone(tmp_path: Path) -> None:
    """A broken `mkdocs.yml` was reported at line 1 (the line only inside MkDocs' text), and a
    responder running the combined build was not told the status page could still be published."""
    content = make_content(tmp_path / "repo" / "content", {"incidents/a.yaml": GOOD})
    settings = tmp_path / "repo" / "mkdocs.yml"
    settings.write_text("site_name: Acme\nplugins:\n  - search\ntheme: [material\n")
    out = tmp_path / "site"
    both = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--now", NOW, "--quiet"])
    assert both.exit_code == 1, both.output
    lines = both.output.splitlines()
    assert any(line.startswith(f"{settings}:4: invalid MkDocs configuration: ") for line in lines), lines
    assert lines[-1] == "Meanwhile, the status page can be published without the knowledge base: statuspress build --public"
    assert not (out / "public").exists()
    alone = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--now", NOW, "--quiet",
                                      "--internal"])
    assert alone.exit_code == 1 and "Meanwhile" not in alone.output
    public = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--now", NOW, "--quiet",
                                       "--public"])
    assert public.exit_code == 0, public.output
    assert (out / "public" / "index.html").is_file()
