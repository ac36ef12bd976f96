"""Fuzz the loader for minutes, outside CI, and report what broke.

    python benchmarks/fuzz_loader.py                    # 180 s, seed 0
    python benchmarks/fuzz_loader.py --seconds 600 --seed 7 --findings /tmp/fuzz-findings

Each input replaces one file of a small copy of the example organisation (tests/hostile/fuzz.py):
a mutated example file (bit flips, cuts, duplicated and spliced slices, YAML fragments), YAML-shaped
text from the model's keys, or random Unicode text. The promise checked: `load_site` never raises,
it reports problems with file and line; content it accepts builds; every input finishes (a
60 s hang guard) within a memory cap (RLIMIT_AS, default 2 GiB). A crashing input is saved under
`--findings` with its traceback, to turn into a regression test in tests/test_fuzz_loader.py.
The same seed gives the same inputs. Prints a summary: inputs, accepted, problems by message
kind, crashes, slowest input, peak memory.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hostile.fuzz import SEED_FILES, check_input, make_base, mutate, seed_bytes, yaml_text  # noqa: E402


def random_text(rng: random.Random) -> bytes:
    """Random Unicode text, biased to YAML punctuation, newlines and non-ASCII."""
    alphabet = ":-[]{}#&*!|>'\"\n\n  \tabcxyz0129.@%`\\,?\u00e9\u200f\U0001f600\u0085\ufeff"
    size = rng.randint(0, 2000)
    chars = [rng.choice(alphabet) if rng.random() < 0.8 else chr(rng.randint(1, 0x2FFFF)) for _ in range(size)]
    return "".join(chars).encode("utf-8", "surrogatepass")


def next_input(rng: random.Random) -> tuple[str, str, bytes]:
    rel = rng.choice(SEED_FILES)
    roll = rng.random()
    if roll < 0.6:
        return rel, "mutated", mutate(seed_bytes(rel), rng)
    if roll < 0.9:
        return rel, "yaml-shaped", yaml_text(rng).encode("utf-8", "surrogatepass")
    return rel, "random-text", random_text(rng)


def kind_of(message: str) -> str:
    """A problem message without its specifics, to count problems by kind."""
    message = message.split(": ", 1)[-1]
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    return re.sub(r"\d+", "N", message)[:70]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-mib", type=int, default=2048)
    parser.add_argument("--findings", type=Path, default=Path(tempfile.gettempdir()) / "statuspress-fuzz-findings")
    args = parser.parse_args(argv)
    cap = args.memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="statuspress-fuzz-"))
    base = make_base(work / "content")
    out = work / "site"
    counts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    crashes = 0
    slowest = (0.0, "")
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        rel, how, data = next_input(rng)
        counts[how] += 1
        began = time.monotonic()
        try:
            loaded = check_input(base, out, rel, data)
        except (Exception, MemoryError) as exc:  # a broken promise: save the input
            crashes += 1
            args.findings.mkdir(parents=True, exist_ok=True)
            stem = args.findings / f"crash-{args.seed}-{sum(counts.values())}"
            stem.with_suffix(".input").write_bytes(data)
            stem.with_suffix(".txt").write_text(f"{rel} ({how})\n{traceback.format_exc()}")
            print(f"CRASH on {rel} ({how}): {type(exc).__name__}: {exc} -> {stem}.input", file=sys.stderr)
            continue
        elapsed = time.monotonic() - began
        if elapsed > slowest[0]:
            slowest = (elapsed, f"{rel} ({how}, {len(data):,} bytes)")
        if loaded.problems.errors:
            kinds.update({kind_of(p.message) for p in loaded.problems.errors})
        else:
            counts["accepted and built"] += 1

    total = sum(v for k, v in counts.items() if k != "accepted and built")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs: {total:,} in {time.monotonic() - started:.0f} s (seed {args.seed})")
    for how in ("mutated", "yaml-shaped", "random-text", "accepted and built"):
        print(f"  {how}: {counts[how]:,}")
    print(f"crashes: {crashes}" + (f" (inputs in {args.findings})" if crashes else ""))
    print(f"slowest input: {slowest[0]:.2f} s: {slowest[1]}")
    print(f"peak memory: {peak:.0f} MiB (cap {args.memory_mib} MiB)")
    print("most common problems reported:")
    for kind, count in kinds.most_common(12):
        print(f"  {count:6,}  {kind}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
