"""The build: atomic publish, nothing written on bad content, locks (reproducibility: test_reproducible.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build as build_module
from generator.build import BuildRequest, build
from generator.cli import main
from generator.context import RenderContext
from generator.model import Site
from generator.problems import ContentError
from generator.publish import build_lock
from tests.sitekit import make_content, now
from tests.treediff import snapshot


def fake_renderer(fail_after: int | None = None):  # type: ignore[no-untyped-def]
    """A renderer writing one file per incident; raises after `fail_after` files when set."""

    def render(site: Site, dest: Path, context: RenderContext) -> None:
        at = context.now
        for count, incident in enumerate(site.incidents):
            if fail_after is not None and count >= fail_after:
                raise RuntimeError("renderer crashed half way")
            (dest / f"{incident.id}.html").write_text(f"{incident.title} as of {at.isoformat()}")

    return render


INCIDENT = """\
id: {id}
title: Incident {id}
type: internal
severity: minor
started_at: 2026-11-20T14:02:00Z
detected_at: 2026-11-20T14:03:00Z
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return make_content(
        tmp_path / "content", {f"incidents/{n}.yaml": INCIDENT.format(id=f"INC-{n}") for n in range(1, 6)}
    )


def request(content: Path, out: Path) -> BuildRequest:
    return BuildRequest(content=content, out=out, now=now(), targets=("fake",), progress=lambda _: None)


def test_failed_build_leaves_previous_site_byte_for_byte(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    monkeypatch.setattr(build_module, "renderers", lambda: {"fake": fake_renderer()})
    build(request(content, out))
    before = snapshot(out / "fake")
    assert len(before) == 5

    # The failing build writes different bytes (a later build time, a new title) for the files
    # it gets to before it crashes, so a build that wrote into the live folder would show.
    (content / "incidents" / "6.yaml").write_text(INCIDENT.format(id="INC-6"))
    (content / "incidents" / "1.yaml").write_text(INCIDENT.format(id="INC-1").replace("title: Incident", "title: Renamed"))
    monkeypatch.setattr(build_module, "renderers", lambda: {"fake": fake_renderer(fail_after=3)})
    later = BuildRequest(content=content, out=out, now=now("2026-11-29T08:00:00Z"), targets=("fake",),
                         progress=lambda _: None)
    with pytest.raises(ContentError, match="cannot render the fake site: RuntimeError"):
        build(later)

    assert snapshot(out / "fake") == before
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock", "fake"]


def test_successful_rebuild_replaces_the_site(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    monkeypatch.setattr(build_module, "renderers", lambda: {"fake": fake_renderer()})
    build(request(content, out))
    (content / "incidents" / "1.yaml").unlink()
    build(request(content, out))
    assert sorted(snapshot(out / "fake")) == [f"INC-{n}.html" for n in range(2, 6)]


def test_content_errors_exit_1_and_write_nothing(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "public").mkdir(parents=True)
    (out / "public" / "index.html").write_text("previous site")
    (content / "incidents" / "1.yaml").write_text(INCIDENT.format(id="INC-1").replace("minor", "tiny"))
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--now", "2026-11-28T12:00:00Z"])
    assert result.exit_code == 1
    assert "1.yaml:4: severity: expected one of major, medium, minor; got 'tiny'" in result.output
    assert "nothing was written" in result.output
    assert (out / "public" / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in out.iterdir()) == [".statuspress.lock", "public"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--content", "{tmp}/nowhere"], "Error: content folder not found: {tmp}/nowhere"),
        (["build", "--content", "{content}", "--now", "yesterday"],
         "Error: --now: expected an ISO 8601 time like 2026-11-20T14:02:00Z; got 'yesterday'"),
        (["build", "--public", "--internal", "--content", "{content}"],
         "Error: --public and --internal exclude each other; give neither to build both"),
        (["frobnicate"], "Error: No such command 'frobnicate'."),
    ],
)
def test_usage_errors_exit_2(content: Path, tmp_path: Path, args: list[str], message: str) -> None:
    def fill(text: str) -> str:
        return text.format(tmp=tmp_path, content=content)

    result = CliRunner().invoke(main, [fill(a) for a in args])
    assert result.exit_code == 2
    assert fill(message) in result.output
    assert "Traceback" not in result.output


def test_second_concurrent_build_is_refused(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with build_lock(out):
        result = CliRunner().invoke(main, ["build", "--public", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: another build is writing to {out}; try again when it has finished"
    assert "Usage:" not in result.output and "--help" not in result.output


def test_validate_exit_codes(content: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", "--content", str(content), "--now", "2026-11-28T12:00:00Z"])
    assert ok.exit_code == 0, ok.output
    assert "5 incidents" in ok.output
    (content / "incidents" / "2.yaml").write_text(INCIDENT.format(id="INC-1"))
    bad = runner.invoke(main, ["validate", "--content", str(content)])
    assert bad.exit_code == 1
    assert "2.yaml:1: duplicate incident id 'INC-1'" in bad.output


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    postmortem = (
        "---\nincident: INC-1\naction_items:\n  - id: AI-1\n    title: t\n    due: 2026-01-01\n---\nBody\n"
    )
    root = make_content(tmp_path / "c", {"incidents/1.yaml": INCIDENT.format(id="INC-1"), "postmortems/INC-1.md": postmortem})
    runner = CliRunner()
    args = ["validate", "--content", str(root), "--now", "2026-11-28T12:00:00Z"]
    # AI-1 (line 4: "  - id: AI-1") was due 2026-01-01 and is still open: a warning, and with --strict an error.
    warning = "INC-1.md:4: warning: action item AI-1 is overdue (due 2026-01-01, owner nobody)"
    lenient = runner.invoke(main, args)
    assert lenient.exit_code == 0, lenient.output
    assert warning in lenient.output
    strict = runner.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
    assert warning in strict.output and "Failed: --strict counts the 1 warning as errors." in strict.output


def test_source_date_epoch_fixes_the_build_time() -> None:
    from generator.clock import resolve_now

    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "1795000000"}).isoformat() == "2026-11-18T11:06:40+00:00"
    assert resolve_now("2026-11-28T13:00:00+01:00", {"SOURCE_DATE_EPOCH": "1"}).isoformat() == "2026-11-28T12:00:00+00:00"
