"""The makers that rebuild frozen slotted dataclasses from the cache's pickles
(generator/load/makers.py): every field comes back where it was, in this process and in a fresh
one, and only classes whose `__init__` does nothing but set fields get one."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.load import load_site
from generator.load.cache import dumps
from generator.load.checks import IncidentFacts, facts_of
from generator.load.makers import maker_of
from generator.model import Incident
from generator.public import reuse
from generator.public.projection import PublicImpact, PublicIncident, PublicUpdate, project
from tests.sitekit import EXAMPLE, REPO, now


@dataclass(frozen=True, slots=True)
class Sample:
    number: int
    text: str
    items: tuple[int, ...] = ()
    other: int = 5
    last: str | None = None


def test_a_maker_sets_every_field_in_its_place() -> None:
    value = Sample(1, "two", (3, 4), 6, "seven")
    back = pickle.loads(dumps([value, Sample(8, "nine")]))
    assert back == [value, Sample(8, "nine")]
    assert type(back[0]) is Sample
    assert [getattr(back[0], f.name) for f in dataclasses.fields(Sample)] == [1, "two", (3, 4), 6, "seven"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back[0].number = 2  # type: ignore[misc]


def test_records_facts_and_public_views_come_back_equal_through_their_makers() -> None:
    site = load_site(EXAMPLE, now()).site
    views = project(site, now()).incidents
    assert all(maker_of(cls) is not None
               for cls in (Incident, IncidentFacts, PublicIncident, PublicImpact, PublicUpdate))
    for value in (list(site.incidents), [facts_of(i) for i in site.incidents], list(views), site):
        assert pickle.loads(dumps(value)) == value


def test_a_pickle_naming_makers_loads_in_a_fresh_process() -> None:
    """There the makers do not exist yet: the module makes each one it is asked for by name."""
    site = load_site(EXAMPLE, now()).site
    value = (list(site.incidents), list(project(site, now()).incidents))
    code = "import pickle, sys; sys.stdout.write(repr(pickle.loads(sys.stdin.buffer.read())))"
    shown = subprocess.run([sys.executable, "-c", code], input=dumps(value), capture_output=True, check=True,
                           cwd=REPO).stdout.decode()
    assert shown == repr(value)


@dataclass(frozen=True, slots=True)
class Checked:
    number: int

    def __post_init__(self) -> None:
        if self.number < 0:
            raise ValueError("negative")


@dataclass(frozen=True, slots=True)
class Derived:
    number: int
    double: int = field(init=False, default=0)


@dataclass(frozen=True, slots=True, init=False)
class OwnInit:
    number: int

    def __init__(self, text: str) -> None:
        object.__setattr__(self, "number", int(text))


@dataclass(frozen=True)
class Unslotted:
    number: int


@dataclass(slots=True)
class Mutable:
    number: int


class Plain(Sample):
    __slots__ = ()


def test_only_classes_whose_init_just_sets_their_fields_get_a_maker() -> None:
    @dataclass(frozen=True, slots=True)
    class Local:  # not found by its name in its module
        number: int

    assert maker_of(Sample) is not None
    for cls in (Checked, Derived, OwnInit, Unslotted, Mutable, Plain, Local, int, tuple):
        assert maker_of(cls) is None, cls
    for value in (Checked(3), Unslotted(4), Mutable(5)):  # pickled as calls of the class, as before
        assert pickle.loads(dumps(value)) == value


def test_the_public_salt_changes_with_the_makers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept public views are rebuilt by the makers: changing how makes them new ones."""
    copy = tmp_path / "generator"
    shutil.copytree(REPO / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(reuse, "_ROOT", copy)
    before = reuse.code_salt()
    makers = copy / "load" / "makers.py"
    makers.write_text(makers.read_text() + "\n# another way of making them\n")
    assert reuse.code_salt() != before
