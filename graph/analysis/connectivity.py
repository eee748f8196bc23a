"""How the constituency hangs together around its engaged core.

Four questions behind the gaps (docs/terms.md), each answered for everyone at once in time linear in
the size of the map (people + ties), so they stay fast at a million people:

- ``component_labels``: the separate parts of the map (connected components);
- ``unreached_components``: the parts with no core member in them (``unreached_component``);
- ``spof_cut_off``: for every person, how many others would lose their connection to the rest
  of the core if that person left (``single_point_of_failure``);
- ``unique_reach``: for every core member, how many people only they reach
  (``core_centralised``).

The graph is undirected and used as given: the caller applies ``channels(min_trust)`` first.
Masks are boolean arrays of length ``graph.n`` indexed by node (ascending id order).

Example:
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id=i, group="people") for i in "abcd"]
    >>> ties = [Relationship(source="a", target="b"), Relationship(source="b", target="c")]
    >>> g = CompactGraph.from_records("x", people, ties)
    >>> component_labels(g)
    (array([0, 0, 0, 1]), 2)
    >>> spof_cut_off(g, np.array([True, False, False, False])).tolist()
    [0, 1, 0, 0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from graph.analysis.kernels import component_labels_csr, spof_cut_off_csr, unique_reach_csr
from graph.compact import CompactGraph

__all__ = [
    "check_mask",
    "component_labels",
    "neighbours_of",
    "spof_cut_off",
    "spof_cut_off_and_components",
    "unique_reach",
    "unreached_components",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def check_mask(graph: CompactGraph, mask: npt.ArrayLike, what: str = "core") -> BoolArray:
    """``mask`` as a boolean array of length ``graph.n``; ``ValueError`` if it is not one."""
    arr = np.asarray(mask)
    if arr.dtype != np.bool_ or arr.shape != (graph.n,):
        raise ValueError(f"{what} must be a boolean array of length {graph.n}")
    return arr


def neighbours_of(graph: CompactGraph, nodes: npt.NDArray[np.integer]) -> tuple[IntArray, IntArray]:
    """Every tie of ``nodes`` as two aligned arrays ``(owner, neighbour)``, vectorised.

    ``owner[i]`` is the node of ``nodes`` the i-th tie belongs to, ``neighbour[i]`` the person
    at its other end; ties are listed node by node in the order of ``nodes``. One gather over
    the CSR arrays, no per-node Python loop.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    starts = graph.indptr[nodes]
    lengths = graph.indptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # slot of the j-th tie of the i-th node = starts[i] + j: shift a global arange per node
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    slots = np.arange(total, dtype=np.int64) + shift
    return np.repeat(nodes, lengths), graph.indices[slots].astype(np.int64)


def component_labels(graph: CompactGraph) -> tuple[IntArray, int]:
    """The connected components: a label per node (0..count-1) and the count.

    Labels are numbered in order of each component's smallest node index (smallest id), so
    they are deterministic: node 0 is in component 0, and so on.
    """
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64), 0
    return component_labels_csr(graph.indptr, graph.indices)


def unreached_components(
    graph: CompactGraph, core: BoolArray, limit: int | None = None
) -> list[IntArray]:
    """The parts of the map with no core member in them, largest first.

    Each part is a connected component without a core member, given as its node indices
    ascending. Parts are ordered by size descending, then by smallest id; ``limit`` keeps only
    the first ``limit`` of them (the total is ``len`` of the unlimited list). An isolated person
    outside the core is a part of size 1. With no core at all every component is unreached.
    """
    core = check_mask(graph, core)
    labels, count = component_labels(graph)
    if count == 0:
        return []
    sizes = np.bincount(labels, minlength=count)
    core_counts = np.bincount(labels, weights=core, minlength=count)
    unreached = np.flatnonzero(core_counts == 0)
    # labels follow smallest node index, so sorting by label breaks size ties by smallest id
    chosen = unreached[np.lexsort((unreached, -sizes[unreached]))]
    if limit is not None:
        chosen = chosen[: max(limit, 0)]
    if chosen.size == 0:
        return []
    order = np.argsort(labels, kind="stable")  # node indices grouped by label, ascending
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    return [order[bounds[c] : bounds[c + 1]].astype(np.int64) for c in chosen.tolist()]


def spof_cut_off(graph: CompactGraph, core: BoolArray) -> IntArray:
    """For every person v, how many others would be cut off from the rest of the core without v.

    ``cut_off[v]`` counts the people u != v who are connected (by a path of any length) to the
    rest of the core, C without v, in the graph, and are not connected to it once v is removed.
    For v outside the core the rest of the core is C itself. A core member u != v is always
    connected to the rest of the core (it is part of it), so only people outside the core are
    ever counted.

    One iterative Tarjan depth-first search over the CSR arrays, compiled
    (``kernels.spof_cut_off_csr``: O(people + ties), no recursion), gives, for each person v,
    the pieces their component falls into without them: every DFS child subtree c with
    ``low[c] >= disc[v]`` is a separate piece, and the rest of the component (v's ancestors'
    side) is one more piece. A piece with no core member is cut off, provided v's component
    holds a core member other than v (otherwise nobody there was connected to the rest of the
    core before).
    """
    core = check_mask(graph, core)
    if graph.n == 0 or not core.any():
        return np.zeros(graph.n, dtype=np.int64)
    return spof_cut_off_csr(graph.indptr, graph.indices, core)[0]


def spof_cut_off_and_components(
    graph: CompactGraph, core: BoolArray
) -> tuple[IntArray, tuple[IntArray, int]]:
    """``spof_cut_off`` and ``component_labels`` from the one depth-first search."""
    core = check_mask(graph, core)
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64), (np.zeros(0, dtype=np.int64), 0)
    cut, labels, count = spof_cut_off_csr(graph.indptr, graph.indices, core)
    return cut, (labels, count)


def unique_reach(graph: CompactGraph, core: BoolArray, hops: int) -> IntArray:
    """For each core member, how many people outside the core only they reach within ``hops``.

    ``unique[m]`` counts the people outside C within ``hops`` ties of core member m and of no
    other core member (0 for people outside the core). A core whose reach rests on one member
    is fragile (``core_centralised``).

    Computed by one multi-source breadth-first search from the whole core in which every
    person keeps at most two distinct sources, the first two to arrive, level by level. That is
    exact: a person y who does not keep a source s already keeps two other sources at most as
    far as s, and passes them on no later than s would have been; so every person keeps sources
    at the two smallest distinct-source distances, and keeps the nearest source itself whenever
    it is strictly nearer than any other. Someone is reached by exactly one member within
    ``hops`` when they keep exactly one source within ``hops`` levels, and then it is the right
    one. Each person keeps at most two sources and passes each on once, so the search is linear
    (compiled: ``kernels.unique_reach_csr``).
    """
    core = check_mask(graph, core)
    if hops < 0:
        raise ValueError("hops cannot be negative")
    return unique_reach_csr(graph.indptr, graph.indices, core, hops)
