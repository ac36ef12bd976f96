"""Uptime from impact spans, checked against figures computed by hand."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from generator.derive.uptime import Segment, Span, availability, daily, downtime, flatten
from generator.model import ImpactLevel, UptimeWeights

MAJOR = ImpactLevel.MAJOR_OUTAGE
PARTIAL = ImpactLevel.PARTIAL_OUTAGE
DEGRADED = ImpactLevel.DEGRADED_PERFORMANCE
MAINT = ImpactLevel.UNDER_MAINTENANCE
W = UptimeWeights()
DAY = 86400.0


def t(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026 (UTC)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def span(start: datetime, end: datetime, level: ImpactLevel, open: bool = False) -> Span:
    return Span(start, end, level, open)


def one_day(spans: list[Span], day: int = 20, now: datetime | None = None, weights: UptimeWeights = W):
    segments = flatten(spans)
    return daily(segments, date(2026, 11, day), 1, weights, now or t(28, 12))[0]


def test_one_hour_of_major_outage_is_one_hour_down() -> None:
    d = one_day([span(t(20, 10), t(20, 11), MAJOR)])
    assert d.downtime_seconds == 3600
    assert d.uptime == pytest.approx(1 - 3600 / DAY)  # 95.833...%
    assert d.worst is MAJOR


def test_partial_outage_counts_three_tenths() -> None:
    d = one_day([span(t(20, 10), t(20, 12), PARTIAL)])
    assert d.downtime_seconds == pytest.approx(0.3 * 7200)  # 2160 s
    assert d.uptime == pytest.approx(1 - 2160 / DAY)


def test_overlapping_incidents_do_not_double_count() -> None:
    # 10:00-12:00 and 11:00-13:00 on the same component: three hours down, not four.
    d = one_day([span(t(20, 10), t(20, 12), MAJOR), span(t(20, 11), t(20, 13), MAJOR)])
    assert d.downtime_seconds == 3 * 3600


def test_overlap_of_levels_takes_the_worst_at_each_instant() -> None:
    # partial 10-14 with a major 11-12 inside: 1 h major + 3 h partial = 3600 + 0.3 * 10800 = 6840 s.
    d = one_day([span(t(20, 10), t(20, 14), PARTIAL), span(t(20, 11), t(20, 12), MAJOR)])
    assert d.downtime_seconds == pytest.approx(6840)
    assert d.seconds_by_level == {PARTIAL: 3 * 3600, MAJOR: 3600}


def test_span_across_midnight_is_split_between_days() -> None:
    segments = flatten([span(t(20, 23), t(21, 1, 30), MAJOR)])
    first, second, third = daily(segments, date(2026, 11, 20), 3, W, t(28, 0))
    assert first.downtime_seconds == 3600
    assert second.downtime_seconds == 5400
    assert third.downtime_seconds == 0 and third.worst is None and third.uptime == 1.0


def test_segment_ending_exactly_at_midnight_does_not_touch_the_next_day() -> None:
    segments = flatten([span(t(20, 22), t(21, 0), MAJOR)])
    first, second = daily(segments, date(2026, 11, 20), 2, W, t(28, 0))
    assert first.downtime_seconds == 7200
    assert second.worst is None


def test_today_counts_only_up_to_now_and_open_spans_end_at_now() -> None:
    # Open since 06:00, now is 12:00: six of the twelve elapsed hours are down.
    now = t(28, 12)
    d = one_day([span(t(28, 6), now, MAJOR, open=True)], day=28, now=now)
    assert d.downtime_seconds == 6 * 3600
    assert d.uptime == pytest.approx(0.5)


def test_days_after_now_are_fully_up() -> None:
    days = daily(flatten([span(t(28, 6), t(28, 12), MAJOR, open=True)]), date(2026, 11, 29), 2, W, t(28, 12))
    assert [d.uptime for d in days] == [1.0, 1.0]


def test_degraded_performance_and_maintenance_are_not_downtime_but_colour_the_day() -> None:
    d = one_day([span(t(20, 1), t(20, 3), MAINT), span(t(20, 8), t(20, 9), DEGRADED)])
    assert d.downtime_seconds == 0 and d.uptime == 1.0
    assert d.worst is DEGRADED  # degradation outranks maintenance
    assert d.seconds_by_level == {MAINT: 7200, DEGRADED: 3600}


def test_weights_come_from_settings() -> None:
    weights = UptimeWeights(major_outage=0.5, partial_outage=0.0)
    d = one_day([span(t(20, 0), t(20, 2), MAJOR), span(t(20, 4), t(20, 10), PARTIAL)], weights=weights)
    assert d.downtime_seconds == pytest.approx(3600)  # 0.5 * 2 h; partial counts nothing


def test_flatten_merges_touching_spans_of_one_level_and_orders_them() -> None:
    segments = flatten([span(t(20, 11), t(20, 12), MAJOR), span(t(20, 10), t(20, 11), MAJOR)])
    assert segments == [Segment(t(20, 10), t(20, 12), MAJOR)]


def test_flatten_drops_empty_spans() -> None:
    assert flatten([span(t(20, 10), t(20, 10), MAJOR)]) == []


def test_availability_over_a_window() -> None:
    # A 30-day window with 3 h of major outage and 10 h of partial outage:
    # downtime = 10800 + 0.3 * 36000 = 21600 s = 6 h; uptime = 1 - 6 / 720.
    segments = flatten([span(t(5, 0), t(5, 3), MAJOR), span(t(9, 0), t(9, 10), PARTIAL)])
    start = datetime(2026, 11, 1, tzinfo=UTC)
    end = start + timedelta(days=30)
    assert downtime(segments, start, end, W) == pytest.approx(21600)
    assert availability(segments, start, end, W) == pytest.approx(1 - 6 / 720)


def test_availability_clips_segments_to_the_window() -> None:
    segments = flatten([span(t(4, 22), t(5, 2), MAJOR)])  # two hours inside 5 November
    start, end = t(5, 0), t(6, 0)
    assert availability(segments, start, end, W) == pytest.approx(1 - 7200 / DAY)


def test_empty_window_is_fully_available() -> None:
    assert availability([], t(5, 0), t(5, 0), W) == 1.0


def test_a_one_second_outage_counts_and_colours_its_day() -> None:
    second = timedelta(seconds=1)
    d = one_day([span(t(20, 10), t(20, 10) + second, MAJOR)])
    assert (d.downtime_seconds, d.worst) == (1.0, MAJOR)
    assert d.uptime == pytest.approx(1 - 1 / DAY)


def test_the_first_second_of_today_is_measured() -> None:
    # Built one second after midnight, in a major outage since the day before: today so far is
    # one second long and all of it down (uptime 0), not taken as fully up.
    now = t(28, 0) + timedelta(seconds=1)
    d = one_day([span(t(27, 23), now, MAJOR, open=True)], day=28, now=now)
    assert (d.downtime_seconds, d.uptime, d.worst) == (1.0, 0.0, MAJOR)


def test_today_at_midnight_is_the_state_holding_then_and_later_days_stay_fully_up() -> None:
    # Built at 00:00:00 in a major outage since the day before: none of today has elapsed; it
    # takes the state at that instant (1 - 1.0 = 0), as its first second will; tomorrow is
    # after `now`, fully up and uncoloured whatever holds now.
    now = t(28, 0)
    segments = flatten([span(t(27, 23), now, MAJOR, open=True)])
    yesterday, today, tomorrow = daily(segments, date(2026, 11, 27), 3, W, now, holding=MAJOR)
    assert (yesterday.downtime_seconds, yesterday.uptime) == (3600.0, pytest.approx(1 - 3600 / DAY))
    assert (today.downtime_seconds, today.uptime, today.worst, today.seconds_by_level) == (0.0, 0.0, MAJOR, {})
    assert (tomorrow.uptime, tomorrow.worst) == (1.0, None)
    # Partial outage holding at midnight: 1 - 0.3; maintenance: not downtime, but it colours the day.
    assert daily(segments, date(2026, 11, 28), 1, W, now, holding=PARTIAL)[0].uptime == pytest.approx(0.7)
    assert daily([], date(2026, 11, 28), 1, W, now, holding=MAINT)[0].uptime == 1.0
    assert daily([], date(2026, 11, 28), 1, W, now, holding=MAINT)[0].worst is MAINT
    # Operational at midnight: nothing to show.
    assert daily([], date(2026, 11, 28), 1, W, now)[0].uptime == 1.0


def test_the_state_holding_at_now_colours_today_even_if_it_has_just_begun() -> None:
    # An outage that begins at `now` (12:00) has lasted no time: no downtime yet, but today shows it.
    d = daily([], date(2026, 11, 28), 1, W, t(28, 12), holding=MAJOR)[0]
    assert (d.downtime_seconds, d.uptime, d.worst) == (0.0, 1.0, MAJOR)


def _worst_by_brute_force(spans: list[Span]) -> list[Segment]:
    """The rule itself, one elementary interval at a time: between two consecutive span ends,
    the worst level of the spans covering it; touching intervals of one level merged."""
    rank = {MAINT: 1, DEGRADED: 2, PARTIAL: 3, MAJOR: 4}
    moments = sorted({moment for s in spans if s.end > s.start for moment in (s.start, s.end)})
    segments: list[Segment] = []
    for start, end in zip(moments, moments[1:], strict=False):
        levels = [s.level for s in spans if s.start <= start < s.end]
        if not levels:
            continue
        worst = max(levels, key=rank.__getitem__)
        if segments and segments[-1].end == start and segments[-1].level is worst:
            segments[-1] = Segment(segments[-1].start, end, worst)
        else:
            segments.append(Segment(start, end, worst))
    return segments


@pytest.mark.parametrize("seed", range(40))
def test_flatten_is_the_worst_state_at_every_instant_whatever_the_order_of_events_at_one_moment(seed: int) -> None:
    """Spans on a coarse grid, so many start and end at the same moments, in every level and in
    any order: flatten sorts its events whole, and must not depend on their order at one moment."""
    rng = random.Random(seed)
    spans = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randint(0, 12)
        spans.append(span(t(20, start), t(20, start + rng.randint(0, 6)), rng.choice([MAJOR, PARTIAL, DEGRADED, MAINT])))
    rng.shuffle(spans)
    assert flatten(spans) == _worst_by_brute_force(spans), spans


def test_only_the_segments_inside_a_window_count_however_much_history_surrounds_it() -> None:
    """downtime() and daily() skip the history before the window (by bisection) and stop after
    it: the segments that touch it still count in full, those that merely meet its edges not."""
    history = [Segment(t(d, 0), t(d, 1), MAJOR) for d in range(1, 10)]  # an hour down each day
    history += [Segment(t(10, 23), t(11, 2), PARTIAL), Segment(t(11, 5), t(11, 6), MAJOR)]
    history += [Segment(t(d, 0), t(d, 1), MAJOR) for d in range(12, 20)]
    # Day 11: 2 h partial (weight 0.3) from the segment that began the day before, 1 h major.
    assert downtime(history, t(11, 0), t(12, 0), W) == pytest.approx(2 * 3600 * 0.3 + 3600)
    day = daily(history, date(2026, 11, 11), 1, W, t(28, 0))[0]
    assert day.downtime_seconds == pytest.approx(2 * 3600 * 0.3 + 3600)
    assert day.worst is MAJOR
    assert downtime(history, t(9, 1), t(10, 23), W) == 0.0  # between two segments, touching both
