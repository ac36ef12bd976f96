"""The files of every kind (incidents, maintenance, post-mortems, runbooks) are parsed by one
pool of worker processes (load/reading.py `read_kinds`): the site, the records and every
message, each named by its file and line, are what one process makes, with and without the
load cache, for builds and for `validate`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import check_folder, load_site
from generator.load.cache import LoadCache
from generator.load.lazy import LazyIncidents
from generator.problems import Problem
from tests.sitekit import make_content, now
from tests.test_load_worker_records import INCIDENT, POSTMORTEM
from tests.test_load_worker_records import forked as parsed_in_two_workers

BAD_POSTMORTEM = """\
---
incident: INC-8
status: [unclosed
---
What happened.
"""


def folder(root: Path) -> Path:
    """24 incidents (INC-7 with a bad severity), five post-mortems (one whose front matter is
    not YAML, one with none), a maintenance window that is not YAML."""
    files = {
        f"incidents/i{n:02d}.yaml": INCIDENT.format(n=n, day=1 + n, kind="external",
                                                    severity="sev5" if n == 7 else "minor")
        for n in range(24)
    }
    for n in (2, 3, 4):
        files[f"postmortems/INC-{n}.md"] = POSTMORTEM.format(n=n)
    files["postmortems/INC-8.md"] = BAD_POSTMORTEM
    files["postmortems/INC-9.md"] = "No front matter.\n"
    files["maintenance/broken.yaml"] = "id: [unclosed\n"
    return make_content(root, files)


def at(problems: list[Problem], name: str) -> list[tuple[str, int, str]]:
    return [(Path(p.path).name, p.line, p.message) for p in problems if Path(p.path).name == name]


def test_every_kind_parsed_in_one_pool_reads_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = folder(tmp_path / "content")
    monkeypatch.setenv("STATUSPRESS_WORKERS", "1")
    alone = load_site(root, now())
    checked_alone = check_folder(root, now())
    expected = alone.problems.sorted()
    bad = at(expected, "INC-8.md")
    assert bad and all(line > 1 for _, line, _ in bad), "the post-mortem's YAML error is at its line"
    assert at(expected, "INC-9.md") and at(expected, "broken.yaml") and at(expected, "i07.yaml")
    assert len(alone.site.postmortems) == 3 and len(alone.site.incidents) == 24
    counts = parsed_in_two_workers(monkeypatch)  # each pool's count
    for cache in (None, LoadCache(tmp_path / "cache")):  # no cache, then a cold one
        counts.clear()
        forked = load_site(root, now(), cache=cache)
        assert counts == [2], "every kind's files in one pool of two workers"
        assert forked.site == alone.site
        assert forked.problems.sorted() == expected
    counts.clear()
    lazy = load_site(root, now(), cache=LoadCache(tmp_path / "lazy"), lazy=True)
    assert counts == [2]
    assert isinstance(lazy.site.incidents, LazyIncidents)
    assert tuple(lazy.site.incidents) == alone.site.incidents
    assert lazy.site.postmortems == alone.site.postmortems and lazy.site.maintenance == alone.site.maintenance
    assert lazy.problems.sorted() == expected
    lazy.site.incidents.close()
    counts.clear()
    checked = check_folder(root, now())
    assert counts == [2]
    assert checked.problems.sorted() == checked_alone.problems.sorted() and checked.counts == checked_alone.counts
