"""Work handed to worker processes comes back complete and in task order, in chunks that
shrink towards the end so no core waits long for the other."""

from __future__ import annotations

import os

import pytest

from generator.workers import chunk_sizes, meanwhile, run_all, run_all_then


def test_chunks_shrink_to_a_quarter_of_what_is_left() -> None:
    # By hand, one worker, 10 tasks: a quarter of 10 rounded up is 3, then of 7 is 2, of 5 is
    # 2, of 3, 2 and 1 is 1 (never under one task).
    assert chunk_sizes(10, 1) == [3, 2, 2, 1, 1, 1]


@pytest.mark.parametrize(("tasks", "count"), [(1, 2), (7, 2), (500, 2), (3780, 2), (6165, 4)])
def test_chunks_cover_every_task_once_and_end_small(tasks: int, count: int) -> None:
    sizes = chunk_sizes(tasks, count)
    assert sum(sizes) == tasks and all(size >= 1 for size in sizes)
    assert all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))
    share = tasks / count
    assert sizes[-1] <= max(1, share / 16)
    assert sizes[0] <= max(1, -(-tasks // (count * 4)))


def test_results_come_back_in_task_order_from_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATUSPRESS_WORKERS", "2")
    parent = os.getpid()
    results = run_all(lambda task: (task * task, os.getpid()), list(range(1000)), minimum=2)
    assert [value for value, _ in results] == [task * task for task in range(1000)]
    assert {pid for _, pid in results} - {parent}, "the tasks ran in worker processes"


@pytest.mark.parametrize("count", ["1", "2"])
def test_released_tasks_are_let_go_of_once_the_workers_have_them(count: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # What only the workers read (a cold load's file bytes) is not held here while they work.
    monkeypatch.setenv("STATUSPRESS_WORKERS", count)
    tasks = [bytes([n]) * 100 for n in range(200)]
    held: list[int] = []

    def then(result: int) -> int:
        held.append(len(tasks))
        return result

    results = run_all_then(len, then, tasks, minimum=2, release=True)
    assert results == [100] * 200
    if count == "2":  # forked: gone before the first result came back
        assert tasks == [] and held and max(held) == 0


def test_work_done_meanwhile_comes_back_from_its_own_process() -> None:
    """workers.meanwhile: what `run` returned, made in another process (a rebuild's charts)."""
    parent = os.getpid()
    result = meanwhile(lambda: ("drawn", os.getpid()))
    value, pid = result() or ("", parent)
    assert value == "drawn" and pid != parent


def test_work_that_fails_meanwhile_gives_none_and_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    def failing() -> str:
        raise ValueError("a chart that cannot be drawn")

    assert meanwhile(failing)() is None  # the caller makes it itself then, and fails there with its message
    assert "Traceback" not in capfd.readouterr().err
