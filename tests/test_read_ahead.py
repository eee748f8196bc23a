"""``graph.read_ahead``: the same items in the same order, made in a worker thread ahead of
the caller, errors raised where the item would have come, and the worker stopped when the
caller stops early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from graph.read_ahead import read_ahead


def test_the_items_come_in_order_and_are_made_in_another_thread() -> None:
    made_in: list[str] = []

    def items() -> Iterator[int]:
        for i in range(50):
            made_in.append(threading.current_thread().name)
            yield i

    assert list(read_ahead(items(), depth=3)) == list(range(50))
    assert set(made_in) == {"movemap-read-ahead"}


def test_at_most_depth_items_are_made_before_the_caller_takes_one() -> None:
    made = 0
    taken = threading.Event()

    def items() -> Iterator[int]:
        nonlocal made
        for i in range(100):
            made += 1
            yield i

    ahead = read_ahead(items(), depth=2)
    assert next(ahead) == 0
    taken.wait(0.5)  # let the worker run as far as it may
    # the one taken, ``depth`` waiting, and one made and waiting for room
    assert made <= 1 + 2 + 1
    ahead.close()


def test_an_error_in_the_items_is_raised_where_its_item_would_have_come() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise LookupError("day 3 is missing")

    ahead = read_ahead(items())
    assert next(ahead) == 1
    assert next(ahead) == 2
    with pytest.raises(LookupError, match="day 3"):
        next(ahead)


def test_stopping_early_stops_the_worker() -> None:
    def items() -> Iterator[int]:
        i = 0
        while True:  # endless: only stopping the worker ends it
            yield i
            i += 1

    ahead = read_ahead(items())
    assert [next(ahead) for _ in range(3)] == [0, 1, 2]
    ahead.close()
    assert not any(t.name == "movemap-read-ahead" and t.is_alive()
                   for t in threading.enumerate())


def test_a_depth_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="depth"):
        list(read_ahead(iter([1]), depth=0))
