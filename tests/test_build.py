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

    (content / "incidents" / "6.yaml").write_text(INCIDENT.format(id="INC-6"))
    monkeypatch.setattr(build_module, "renderers", lambda: {"fake": fake_renderer(fail_after=3)})
    with pytest.raises(ContentError, match="cannot render the fake site: RuntimeError"):
        build(request(content, out))

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


def test_usage_errors_exit_2(content: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--content", str(tmp_path / "nowhere")]).exit_code == 2
    assert runner.invoke(main, ["build", "--content", str(content), "--now", "yesterday"]).exit_code == 2
    assert runner.invoke(main, ["build", "--public", "--internal", "--content", str(content)]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_second_concurrent_build_is_refused(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with build_lock(out):
        result = CliRunner().invoke(main, ["build", "--public", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 2
    assert "another build is writing to" in result.output


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
    assert runner.invoke(main, ["validate", "--content", str(root)]).exit_code == 0
    assert runner.invoke(main, ["validate", "--strict", "--content", str(root)]).exit_code == 1


def test_source_date_epoch_fixes_the_build_time() -> None:
    from generator.clock import resolve_now

    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "1795000000"}).isoformat() == "2026-11-18T11:06:40+00:00"
    assert resolve_now("2026-11-28T13:00:00+01:00", {"SOURCE_DATE_EPOCH": "1"}).isoformat() == "2026-11-28T12:00:00+00:00"
