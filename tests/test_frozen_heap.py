"""The collector kept off what lives through a build (load.cache.frozen_heap, gc_paused,
refreeze; kb/heap.py): objects made inside a frozen heap by a paused block stay frozen, so
later full collections of the build do not walk them, and everything is given back after."""

from __future__ import annotations

import gc

from generator.load.cache import frozen_heap, gc_paused, refreeze


class Record:
    """Stands for a loaded record: an object the collector tracks."""


def test_what_a_paused_block_makes_inside_a_frozen_heap_stays_frozen() -> None:
    with frozen_heap():
        before = gc.get_freeze_count()
        with gc_paused():
            made = [Record() for _ in range(1000)]
        assert gc.get_freeze_count() >= before + len(made)  # not given back to the collector
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # all of it back afterwards


def test_a_paused_block_alone_leaves_nothing_frozen() -> None:
    with gc_paused():
        made = [Record() for _ in range(1000)]
    assert gc.get_freeze_count() == 0 and len(made) == 1000 and gc.isenabled()


def test_refreeze_freezes_only_inside_a_frozen_heap() -> None:
    refreeze()
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        before = gc.get_freeze_count()
        made = [Record() for _ in range(1000)]
        refreeze()
        assert gc.get_freeze_count() >= before + len(made)
        with frozen_heap():  # nested: the outer one still holds the heap when this one ends
            pass
        assert gc.get_freeze_count() >= before + len(made)
    assert gc.get_freeze_count() == 0
