"""Results that depend only on who is tied to whom, kept while the ties stay the same.

Clusters (Leiden) and brokers (betweenness) cost far more than the rest of the analysis on a
large map, yet most edits do not touch them: a person moving up the ladder, a new role, a
corrected name or a changed setting leave the ties as they were. ``TopologyMemo`` keeps the last
few results per tie structure, keyed by a digest of the graph's nodes and ties, so the analysis
after such an edit reuses them; a new or ended tie changes the digest and they are computed
afresh. The functions stay pure: a memo only ever answers what the function would have, and
its arrays are read-only so no caller can change a shared answer.

Example:
    >>> from graph.compact import CompactGraph
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id=i, group="people") for i in "abc"]
    >>> g = CompactGraph.from_records("x", people, [Relationship(source="a", target="b")])
    >>> memo = TopologyMemo("example", size=2)
    >>> calls = []
    >>> first = memo.get(g, ("k",), lambda: calls.append(1) or 42)
    >>> again = memo.get(g, ("k",), lambda: calls.append(1) or 42)
    >>> (first, again, len(calls))
    (42, 42, 1)
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np

from graph.compact import CompactGraph

__all__ = ["TopologyMemo", "topology_key"]

_T = TypeVar("_T")


def topology_key(graph: CompactGraph) -> bytes:
    """A digest of ``graph``'s people count and ties (node numbers and order), nothing else."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.int64(graph.n).tobytes())
    digest.update(np.ascontiguousarray(graph.edge_u).tobytes())
    digest.update(np.ascontiguousarray(graph.edge_v).tobytes())
    return digest.digest()


def _read_only(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple):
        for part in value:
            _read_only(part)
    return value


class TopologyMemo:
    """The last ``size`` results of one computation, per tie structure and extra key."""

    def __init__(self, name: str, size: int = 4) -> None:
        self.name = name
        self.size = size
        self._kept: OrderedDict[tuple[bytes, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, graph: CompactGraph, extra: Hashable, compute: Callable[[], _T]) -> _T:
        """The kept result for ``graph``'s ties and ``extra``, or ``compute()`` kept."""
        key = (topology_key(graph), extra)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = _read_only(compute())
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
