"""The published forms of Markdown bodies that the loader's checks make in the parsing workers
come back to the parent (published.recorded / adopt), so the pages, rendered later by workers
forked from it, do not convert any body again; and what they show is what converting makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import published
from generator.load import load_site, reading
from generator.load.cache import LoadCache
from generator.workers import workers
from tests.sitekit import make_content, now

INCIDENT = """\
id: INC-{n}
title: Slow checkout {n}
type: external
severity: minor
started_at: 2026-11-{day:02d}T10:00:00Z
resolved_at: 2026-11-{day:02d}T12:00:00Z
impact:
  - component: api
    level: degraded_performance
updates:
  - at: 2026-11-{day:02d}T10:05:00Z
    status: investigating
    body: "Looking at case {n}."
  - at: 2026-11-{day:02d}T11:05:00Z
    status: resolved
    body: "**Fixed** for case {n}, see https://help.example.com/{n}\\n\\n- retry"
"""

SITE = """\
name: Example
base_url: https://status.example.com/
redaction_patterns: ['\\.corp\\.example\\b']
"""


def bodies(n: int) -> tuple[str, str]:
    """The two update bodies of INC-n, as YAML reads them."""
    return f"Looking at case {n}.", f"**Fixed** for case {n}, see https://help.example.com/{n}\n\n- retry"


def forget() -> None:
    published.clear_caches()


def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts Python-Markdown converts in this process from now on."""
    seen: list[str] = []
    real = published._converter

    def counted(extensions: Any) -> Any:
        converter = real(extensions)

        class Spy:
            def convert(self, text: str) -> str:
                seen.append(text)
                return str(converter.convert(text))

        return Spy()

    monkeypatch.setattr(published, "_converter", counted)
    return seen


def test_pages_reuse_the_forms_the_parsing_workers_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"incidents/i{n:02d}.yaml": INCIDENT.format(n=n, day=1 + n) for n in range(24)}
    root = make_content(tmp_path / "content", files)
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    marked = [bodies(n)[1] for n in range(24)]
    # What the full path makes of each body, in this process, before anything is adopted.
    monkeypatch.setattr(published, "_adopted", {})
    forget()
    expected = {text: (published.render(text), published.plain(text)) for text in marked}
    assert all("<strong>Fixed</strong>" in html and "<li>retry</li>" in html for html, _ in expected.values())

    counts: list[int] = []

    def counted(tasks: int, minimum: int) -> int:
        counts.append(workers(tasks, minimum))
        return counts[-1]

    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    monkeypatch.setattr(reading, "workers", counted)
    forget()
    loaded = load_site(root, now(), cache=LoadCache(tmp_path / "cache"), lazy=True)
    assert 2 in counts  # parsed in workers
    assert loaded.problems.errors == []
    # Every Markdown body came back with its forms; the plain sentences need none.
    assert published._adopted == expected
    made = conversions(monkeypatch)
    for incident in loaded.site.incidents:
        for update in incident.updates:
            assert (published.render(update.body), published.plain(update.body)) == (
                expected.get(update.body) or (f"<p>{update.body}</p>", update.body))
    assert made == []  # nothing converted again in this process
    loaded.site.incidents.close()  # type: ignore[attr-defined]


def test_a_check_alone_sends_no_forms_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.load import check_folder

    files = {f"incidents/i{n:02d}.yaml": INCIDENT.format(n=n, day=1 + n) for n in range(24)}
    root = make_content(tmp_path / "content", files)
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    monkeypatch.setattr(published, "_adopted", {})
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    monkeypatch.setattr(reading, "workers", lambda tasks, minimum: 2)
    forget()
    checked = check_folder(root, now(), cache=LoadCache(tmp_path / "cache"))
    assert checked.problems.errors == []
    assert published._adopted == {}  # validate shows no page: nothing to keep
