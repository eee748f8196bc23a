"""Clusters: the parts of the map whose people are tied mostly to each other.

A cluster is a community of the conversation channels found by the **Leiden** algorithm
(Traag, van Eck and Waltman), optimising modularity, as implemented in C by python-igraph
(``Graph.community_leiden``, ``objective_function="modularity"``, resolution 1, ``beta``
0.01, one iteration), with igraph's random numbers drawn from ``random.Random(SEED)`` so the
same map always gives the same clusters. One iteration, not igraph's default of two: every
iteration already leaves each cluster connected, and on a synthetic map of 100,000 people the
second took a third of the time for a modularity 0.2% higher. Why Leiden rather than
Louvain (igraph's ``community_multilevel``): Louvain can return a cluster whose people are not
even connected to each other, which reads as nonsense on a map; Leiden guarantees connected
clusters and is at least as fast. Both run in C, where networkx's Louvain runs in Python.

Clusters are numbered 1, 2, … from the largest (ties: the cluster holding the smallest id).
Each cluster of at least ``MIN_CLUSTER_SIZE`` people is summarised (``Cluster``): its people
per primary group, its engaged core members, and the share of its people outside the core
within ``hops`` ties of the core (the map's steps, as the headline reach). Smaller clusters
(people alone, pairs, …) are only counted.

Example:
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id=f"p{i}", group="people") for i in range(8)]
    >>> ties = [Relationship(source=f"p{a}", target=f"p{b}")
    ...         for a, b in [(0, 1), (0, 2), (1, 2), (2, 3), (4, 5), (4, 6), (5, 6), (6, 7),
    ...                      (3, 4)]]
    >>> g = CompactGraph.from_records("x", people, ties)
    >>> result = find_clusters(g, g.core_mask, hops=1, min_size=2)
    >>> [(c.id, c.size) for c in result.listed]
    [(1, 4), (2, 4)]
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from graph.analysis.connectivity import check_mask
from graph.analysis.reach import within_hops
from graph.analysis.result import Cluster, Clusters
from graph.analysis.topology_memo import TopologyMemo
from graph.compact import CompactGraph
from graph.model import GROUPS

if TYPE_CHECKING:
    import igraph

__all__ = [
    "CLUSTER_METHOD",
    "LISTED_CLUSTERS",
    "MIN_CLUSTER_SIZE",
    "SEED",
    "cluster_labels",
    "find_clusters",
    "igraph_graph",
    "leiden",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SEED = 1
"""The seed of igraph's random numbers: the same map always gives the same clusters."""
MIN_CLUSTER_SIZE = 5
"""Clusters of at least this many people are summarised (and can be a ``cluster_unreached``
gap); smaller ones, people on their own or in pairs, are only counted."""
LISTED_CLUSTERS = 50
"""At most this many clusters are summarised, the largest first."""
CORE_LISTED = 20
"""At most this many core members are named per cluster (``core_size`` counts them all)."""
SAMPLE_PEOPLE = 10
"""How many of a cluster's people its summary names (the first by id)."""
CLUSTER_METHOD = "leiden"
"""What ``Clusters.method`` says: Leiden optimising modularity, igraph's implementation."""

# igraph draws its random numbers from one global generator: one clustering at a time.
_RNG_LOCK = threading.Lock()


def igraph_graph(graph: CompactGraph) -> igraph.Graph:
    """``graph`` as an undirected igraph graph with the same node numbers and tie order."""
    import igraph  # imported here: only the analysis needs it, not every command

    # a list of tuples converts fastest (a numpy array goes through Python objects too)
    edges = list(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True))
    return igraph.Graph(n=graph.n, edges=edges, directed=False)


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph's random numbers from ``random.Random(seed)`` inside; its default after."""
    import igraph

    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


def leiden(g: igraph.Graph, seed: int = SEED) -> list[int]:
    """igraph's Leiden membership of ``g`` (modularity, resolution 1, one iteration), seeded:
    a list with the community of each node, numbered as igraph numbers them."""
    with _seeded(seed):
        parts = g.community_leiden(objective_function="modularity", resolution=1.0,
                                   beta=0.01, n_iterations=1)
    return list(parts.membership)


LABELS_MEMO = TopologyMemo("clusters")
"""Clusters of the last few tie structures: an edit that leaves the ties alone reuses them."""


def cluster_labels(graph: CompactGraph, seed: int = SEED) -> tuple[IntArray, int, float]:
    """Each person's cluster (0 = the largest), the number of clusters and the modularity.

    Clusters are renumbered by size, largest first, ties by the smallest node in them, so the
    numbers do not depend on igraph's own numbering. They depend on the ties alone, so the
    answer for a tie structure seen lately is reused (``graph.analysis.topology_memo``).
    """
    return LABELS_MEMO.get(graph, seed, lambda: _cluster_labels(graph, seed))


def _cluster_labels(graph: CompactGraph, seed: int) -> tuple[IntArray, int, float]:
    n = graph.n
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0, 0.0
    g = igraph_graph(graph)
    membership = leiden(g, seed)
    modularity = float(g.modularity(membership)) if graph.m else 0.0
    raw = np.asarray(membership, dtype=np.int64)
    labels, count = _by_size(raw)
    return labels, count, modularity


def _by_size(raw: IntArray) -> tuple[IntArray, int]:
    """Relabel communities 0, 1, … by size descending, ties by their smallest node."""
    count = int(raw.max()) + 1
    sizes = np.bincount(raw, minlength=count)
    first = np.full(count, raw.size, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(raw.size, dtype=np.int64))
    present = np.flatnonzero(sizes)
    order = present[np.lexsort((first[present], -sizes[present]))]
    rank = np.full(count, -1, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[raw], int(order.size)


def find_clusters(
    graph: CompactGraph,
    core: BoolArray,
    hops: int,
    *,
    reached: BoolArray | None = None,
    seed: int = SEED,
    min_size: int = MIN_CLUSTER_SIZE,
    listed: int = LISTED_CLUSTERS,
) -> Clusters:
    """The clusters of ``graph`` (the conversation channels) and a summary of each.

    ``reached`` is the core and everyone within ``hops`` ties of it (computed when not given).
    """
    core = check_mask(graph, core)
    if reached is None:
        reached = within_hops(graph, core, hops)
    labels, count, modularity = cluster_labels(graph, seed)
    sizes = np.bincount(labels, minlength=count)
    big = int(np.count_nonzero(sizes >= min_size))
    order = np.argsort(labels, kind="stable")  # each cluster's people in ascending id order
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    summaries = [_summary(graph, order[bounds[c]:bounds[c + 1]], c, core, reached)
                 for c in range(min(big, listed))]
    small = sizes < min_size
    return Clusters(
        method=CLUSTER_METHOD,
        seed=seed,
        modularity=modularity,
        count=count,
        min_size=min_size,
        large=big,
        listed=summaries,
        small=int(np.count_nonzero(small)),
        small_people=int(sizes[small].sum()),
        hops=hops,
        labels=labels,
    )


def _summary(graph: CompactGraph, members: IntArray, c: int, core: BoolArray,
             reached: BoolArray) -> Cluster:
    in_core = members[core[members]]
    outside = members[~core[members]]
    got = int(np.count_nonzero(reached[outside]))
    groups = np.bincount(graph.group[members].astype(np.int64), minlength=len(GROUPS))
    return Cluster(
        id=c + 1,
        size=int(members.size),
        groups={g.value: int(groups[g.index]) for g in GROUPS},
        core_members=[graph.ids[v] for v in in_core[:CORE_LISTED].tolist()],
        core_size=int(in_core.size),
        reached=got,
        outside=int(outside.size),
        reach=got / outside.size if outside.size else None,
        segment=_main_segment(graph, members),
        people=[graph.ids[v] for v in members[:SAMPLE_PEOPLE].tolist()],
    )


def _main_segment(graph: CompactGraph, members: IntArray) -> dict[str, Any] | None:
    """The segment most of the cluster's people share (ties: the first by name), with its
    share of them: a name a change lead can tell the cluster by."""
    lo, hi = graph.segment_indptr[members], graph.segment_indptr[members + 1]
    lengths = hi - lo
    if not lengths.any():
        return None
    slots = np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    counts = np.bincount(graph.segment_indices[slots], minlength=len(graph.segment_names))
    best = int(np.argmax(counts))
    return {"segment": graph.segment_names[best],
            "share": float(counts[best] / members.size)}
