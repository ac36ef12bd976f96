"""Bounded: the loader never raises on any input, only reports, and content it accepts builds.

A short fuzz run for CI (`FUZZ_EXAMPLES` per test, default 250, about 40 s in all): random text,
random bytes, YAML-shaped text built from the model's keys, mutated example files and example
files with extreme numbers, times and dates in their number and time fields, each
replacing one file of a small copy of the example organisation (tests/hostile/fuzz.py). Inputs
are at most 16 KiB and each runs under a hang guard. `python benchmarks/fuzz_loader.py` runs
the same checks for minutes outside CI. The regression tests at the end are inputs the fuzz
found that once crashed the loader.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.fuzz import (
    SEED_FILES,
    check_input,
    make_base,
    mutate,
    seed_bytes,
    with_extreme_values,
    yaml_text,
)
from tests.sitekit import messages

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
files = st.sampled_from(SEED_FILES)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("fuzz") / "content")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-out") / "site"


def test_the_seed_folder_is_valid_and_builds(base: Path, out: Path) -> None:
    loaded = check_input(base, out, "site.yaml", seed_bytes("site.yaml"))
    assert loaded.problems.errors == []
    assert (out / "public" / "index.html").is_file()


@FUZZ
@given(rel=files, text=st.text(max_size=3000))
def test_random_text(base: Path, out: Path, rel: str, text: str) -> None:
    check_input(base, out, rel, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(rel=files, data=st.binary(max_size=3000))
def test_random_bytes(base: Path, out: Path, rel: str, data: bytes) -> None:
    check_input(base, out, rel, data)


@FUZZ
@given(rel=files, rng=st.randoms(use_true_random=False))
def test_yaml_shaped_text(base: Path, out: Path, rel: str, rng: random.Random) -> None:
    data = yaml_text(rng).encode("utf-8", "surrogatepass")
    loaded = check_input(base, out, rel, data)
    # Every problem names a file of the folder and a line of that file (the replaced file
    # as it was given; another file can be refused too, e.g. an incident whose component the
    # replaced services.yaml no longer lists).
    for problem in loaded.problems.errors:
        path = Path(problem.path)
        assert path.is_relative_to(base), problem
        given = data if path == base / rel else path.read_bytes()
        # (YAML errors at the end of the text name the line after the last one)
        assert 1 <= problem.line <= given.count(b"\n") + 2, problem


def test_the_fuzz_inputs_are_not_all_refused(base: Path, out: Path) -> None:
    """The property "accepted content builds" says nothing if the loader refuses everything:
    small edits of the example files (seeded, 10 per file) are often still valid, so a good
    share of them must be accepted, built and checked. Measured: 10 of 60 accepted."""
    accepted = 0
    for rel in SEED_FILES:
        for seed in range(10):
            loaded = check_input(base, out, rel, mutate(seed_bytes(rel), random.Random(seed)))
            accepted += not loaded.problems.errors
    assert accepted >= 5, accepted


@FUZZ
@given(rel=files, rng=st.randoms(use_true_random=False))
def test_mutated_example_files(base: Path, out: Path, rel: str, rng: random.Random) -> None:
    check_input(base, out, rel, mutate(seed_bytes(rel), rng))


@pytest.mark.parametrize("reference", ["&#x1b;", "&#12;", "&#1;", "&#xffff;", "&#x7f;", "&#xfdd0;"])
def test_bodies_that_once_crashed_every_build(base: Path, out: Path, reference: str) -> None:
    """An update body with a reference to a control character passed validation, then every
    build died in the feeds (lxml: "All strings must be XML compatible"); now it is an error."""
    rel = "incidents/2026-11-20-checkout-errors.yaml"
    lines = seed_bytes(rel).decode().splitlines(keepends=True)
    first = next(n for n, line in enumerate(lines) if line.startswith("    body: "))
    lines[first] = f'    body: "Pasted{reference}[0m"\n'
    loaded = check_input(base, out, rel, "".join(lines).encode())
    shown = [m for m in messages(loaded, base) if "warning" not in m]
    assert len(shown) == 1 and f"in the published text (written as '{reference}')" in shown[0], shown


@FUZZ
@given(rel=files, rng=st.randoms(use_true_random=False))
def test_extreme_numbers_times_and_dates(base: Path, out: Path, rel: str, rng: random.Random) -> None:
    check_input(base, out, rel, with_extreme_values(seed_bytes(rel), rng))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("timezone: Europe", "timezone: unknown time zone 'Europe' (expected an IANA name like Europe/Amsterdam)"),
        ("timezone: " + "x" * 300, "timezone: unknown time zone"),
        ("redaction_patterns: ['a**']", "redaction_patterns: invalid regular expression 'a**': multiple repeat"),
    ],
)
def test_inputs_that_once_crashed_the_loader(base: Path, out: Path, line: str, expected: str) -> None:
    site = f"name: Larkspur Status\nbase_url: https://status.larkspur.example/\n{line}\n"
    loaded = check_input(base, out, "site.yaml", site.encode())
    shown = [m.split(": ", 1)[1] for m in messages(loaded, base) if "warning" not in m]
    assert any(m.startswith(expected) for m in shown), shown
