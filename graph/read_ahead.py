"""Make the next item of an iterator while the caller works on this one.

The growth series builds the map of each period end (``graph.stores.versions.maps_of_days``)
and then measures it. Both are mostly compiled kernels and numpy, which let go of Python's
lock, so on a machine with two cores building the next day's map beside the measuring of this
one takes about a third off the series. ``read_ahead`` runs the iterator in one worker thread,
at most ``depth`` items ahead (so a large map's days are not all held at once), hands each item
over in order, raises the worker's exception in the caller, and stops the worker when the
caller stops early.

Example:
    >>> list(read_ahead(iter(range(5))))
    [0, 1, 2, 3, 4]
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

__all__ = ["read_ahead"]

T = TypeVar("T")

_POLL_S = 0.1
"""How often a worker waiting to hand over an item checks whether the caller has gone."""


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def read_ahead(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """``items`` in order, each made in a worker thread while the caller uses the previous
    one; at most ``depth`` items wait made. An exception in ``items`` is raised here, where
    the item would have come."""
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    handed: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not hand(item):
                    return
        except BaseException as error:  # noqa: BLE001  (handed to the caller, raised there)
            hand(_Failed(error))
            return
        hand(_END)

    worker = threading.Thread(target=work, name="movemap-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = handed.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
