"""Summary statistics over durations that may be unknown.

The percentile method, used for the median (p50) and p90 alike, is **linear interpolation between
closest ranks** (Hyndman & Fan type 7, the default of numpy's `percentile` and of R's
`quantile`): sort the n known values x[0] <= … <= x[n−1], take h = (n − 1) × p; the result is
x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋ + 1] − x[⌊h⌋]). With one value, every percentile is that value; with
none, every statistic is unknown (None). Unknown inputs (None) are counted in `n_missing` and
left out of every other figure: they never count as zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """n known values, n_missing unknown ones, and the statistics of the known ones (seconds)."""

    n: int
    n_missing: int
    median: float | None
    p90: float | None
    mean: float | None
    min: float | None
    max: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "n": self.n,
            "n_missing": self.n_missing,
            "median": self.median,
            "p90": self.p90,
            "mean": self.mean,
            "min": self.min,
            "max": self.max,
        }


#: The statistic names of a `Summary`, in output order.
SUMMARY_FIELDS = ("n", "n_missing", "median", "p90", "mean", "min", "max")


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The p-th quantile (0 <= p <= 1) of sorted values by linear interpolation (type 7)."""
    if not ordered:
        return None
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"percentile must be within 0..1; got {p}")
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def median(values: Iterable[float]) -> float | None:
    """The median of the values (None when there are none)."""
    return percentile(sorted(values), 0.5)


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def summarise(values: Iterable[float | None]) -> Summary:
    """n, n_missing, median, p90, mean, min and max; None inputs are missing, not zero."""
    known: list[float] = []
    missing = 0
    for value in values:
        if value is None:
            missing += 1
        else:
            known.append(float(value))
    known.sort()
    return Summary(
        n=len(known),
        n_missing=missing,
        median=percentile(known, 0.5),
        p90=percentile(known, 0.9),
        mean=mean(known),
        min=known[0] if known else None,
        max=known[-1] if known else None,
    )
