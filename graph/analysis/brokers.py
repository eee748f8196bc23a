"""Brokers: the people whose ties bridge clusters or groups, and how much of the map's
conversation would pass through them.

The measure is **betweenness**: for a person v, the share of shortest paths between two other
people that pass through v (Brandes' algorithm: one breadth-first search from each source,
then the dependencies summed back along the search), normalised as networkx's
``betweenness_centrality`` does, by (n − 1)(n − 2). On maps of up to ``BROKER_SOURCES`` people
every person is a source and the score is exact; on larger maps the searches start from
``BROKER_SOURCES`` people drawn with a fixed seed and the sum is scaled by n / sources, an
unbiased estimate (the people who bridge the most stand out with far fewer sources than it
takes to rank everyone). Each search costs one pass over the ties, so a map of 100,000 people
and a million ties costs ``BROKER_SOURCES`` such passes, compiled (``_betweenness``).

A broker is someone whose ties reach another cluster (``graph.analysis.clusters``) or another
primary group than their own; the ``LISTED_BROKERS`` with the highest betweenness are listed,
each with the clusters and groups their ties reach.

Example:
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id=i, group="people") for i in "abc"]
    >>> g = CompactGraph.from_records("x", people, [Relationship(source="a", target="b"),
    ...     Relationship(source="b", target="c")])
    >>> betweenness(g).tolist()
    [0.0, 1.0, 0.0]
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from graph.analysis.result import Broker, Brokers
from graph.analysis.topology_memo import TopologyMemo
from graph.compact import CompactGraph, compiled
from graph.model import GROUPS

__all__ = [
    "BROKER_SOURCES",
    "LISTED_BROKERS",
    "SEARCH_BUDGET",
    "SEED",
    "betweenness",
    "betweenness_from",
    "broker_scores",
    "find_brokers",
    "sample_sources",
    "source_count",
]

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]

BROKER_SOURCES = 32
"""Shortest paths are counted from at least this many people (everyone on smaller maps)."""
SEARCH_BUDGET = 10_000_000
"""Steps (people + 2 × ties per breadth-first search) the sources may cost in all, when that
affords more than ``BROKER_SOURCES``: everyone on a map of 800 people and 3,000 ties."""
LISTED_BROKERS = 10
"""The analysis lists this many brokers, the highest betweenness first."""
SEED = 1
"""The seed of the sample of sources on large maps."""
_CHUNKS = 4
"""Sources are split into this many fixed chunks, searched by as many threads as there are
processors (at most this many) and summed in order: the same result on any machine."""


@compiled
def _betweenness(indptr: IntArray, indices: I32, sources: IntArray) -> F64:  # pragma: no cover
    """Brandes' dependencies summed over ``sources`` (unweighted, undirected CSR): for each
    node, Σ over sources s of δ_s(v), each pair of other people counted in both directions
    when every node is a source."""
    n = indptr.shape[0] - 1
    total = np.zeros(n)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    dist = np.full(n, -1, dtype=np.int32)
    order = np.empty(n, dtype=np.int32)
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        order[0] = s
        head, tail = 0, 1
        while head < tail:
            v = order[head]
            head += 1
            dv = dist[v] + 1
            for slot in range(indptr[v], indptr[v + 1]):
                w = indices[slot]
                if dist[w] < 0:
                    dist[w] = dv
                    order[tail] = w
                    tail += 1
                if dist[w] == dv:
                    sigma[w] += sigma[v]
        for i in range(tail - 1, 0, -1):
            w = order[i]
            coeff = (1.0 + delta[w]) / sigma[w]
            dw = dist[w] - 1
            for slot in range(indptr[w], indptr[w + 1]):
                v = indices[slot]
                if dist[v] == dw:
                    delta[v] += sigma[v] * coeff
            total[w] += delta[w]
        for i in range(tail):
            w = order[i]
            sigma[w] = 0.0
            delta[w] = 0.0
            dist[w] = -1
    return total


def source_count(n: int, m: int) -> int:
    """How many sources a map of ``n`` people and ``m`` ties gets: what ``SEARCH_BUDGET``
    affords, at least ``BROKER_SOURCES``, at most everyone."""
    return min(n, max(BROKER_SOURCES, SEARCH_BUDGET // max(n + 2 * m, 1)))


def sample_sources(n: int, sources: int = BROKER_SOURCES, seed: int = SEED) -> IntArray:
    """The sources of the shortest paths: everyone when ``n <= sources``, else ``sources``
    people drawn without replacement by ``numpy.random.default_rng(seed)``, ascending."""
    if n <= sources:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=sources, replace=False)).astype(np.int64)


def betweenness_from(graph: CompactGraph, sources: IntArray) -> F64:
    """Betweenness estimated from shortest paths out of ``sources`` (node indices).

    Σ over the sources of Brandes' dependency, × n / len(sources), normalised by
    (n − 1)(n − 2) as networkx does (0 everywhere on maps of fewer than 3 people). With every
    person as a source this is exactly ``networkx.betweenness_centrality``.
    """
    n = graph.n
    if n < 3 or sources.size == 0:
        return np.zeros(n)
    indptr = graph.indptr.astype(np.int64)
    indices = graph.indices.astype(np.int32)
    chunks = [c for c in np.array_split(sources.astype(np.int64), _CHUNKS) if c.size]
    if len(chunks) == 1:
        parts = [_betweenness(indptr, indices, chunks[0])]
    else:  # the kernel releases the GIL: threads search chunks of sources side by side
        with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1)) as pool:
            parts = list(pool.map(lambda c: _betweenness(indptr, indices, c), chunks))
    total = np.sum(parts, axis=0)
    return total * (n / sources.size) / ((n - 1) * (n - 2))


def betweenness(graph: CompactGraph, sources: int | None = None, seed: int = SEED) -> F64:
    """Every person's betweenness, from ``sample_sources(graph.n, sources, seed)``
    (``sources`` defaults to ``source_count``)."""
    if sources is None:
        sources = source_count(graph.n, graph.m)
    return betweenness_from(graph, sample_sources(graph.n, sources, seed))


SCORES_MEMO = TopologyMemo("brokers")
"""Betweenness of the last few tie structures: an edit that leaves the ties alone reuses it."""


def broker_scores(graph: CompactGraph, sources: int | None = None,
                  seed: int = SEED) -> tuple[F64, IntArray]:
    """Everyone's betweenness and the sources it was counted from (``sources`` defaults to
    ``source_count``). The searches run compiled without Python's lock, so the analysis runs
    this beside its other parts (``find_brokers(..., scores=...)``). The scores depend on the
    ties alone, so those of a tie structure seen lately are reused."""
    if sources is None:
        sources = source_count(graph.n, graph.m)
    count = sources

    def compute() -> tuple[F64, IntArray]:
        chosen = sample_sources(graph.n, count, seed)
        return betweenness_from(graph, chosen), chosen

    return SCORES_MEMO.get(graph, (count, seed), compute)


def find_brokers(
    graph: CompactGraph,
    labels: IntArray,
    *,
    sources: int | None = None,
    seed: int = SEED,
    listed: int = LISTED_BROKERS,
    scores: tuple[F64, IntArray] | None = None,
) -> Brokers:
    """The ``listed`` people with the highest betweenness whose ties reach another cluster
    (``labels``: each person's cluster, 0 for cluster 1) or another primary group; ties by
    ascending id. People with a betweenness of 0 bridge nothing and are never listed.
    ``scores``: ``broker_scores(graph, sources, seed)`` when the caller has it already."""
    score, chosen = scores if scores is not None else broker_scores(graph, sources, seed)
    owner = np.repeat(np.arange(graph.n, dtype=np.int64), np.diff(graph.indptr))
    other = graph.indices.astype(np.int64)
    crossing = (labels[owner] != labels[other]) | (graph.group[owner] != graph.group[other])
    bridges = np.zeros(graph.n, dtype=bool)
    bridges[owner[crossing]] = True
    candidates = np.flatnonzero(bridges & (score > 0))
    top = candidates[np.lexsort((candidates, -score[candidates]))][:listed]
    return Brokers(
        method="betweenness",
        exact=bool(chosen.size == graph.n),
        sources=int(chosen.size),
        seed=seed,
        listed=[_broker(graph, labels, int(v), float(score[v])) for v in top.tolist()],
    )


def _broker(graph: CompactGraph, labels: IntArray, v: int, score: float) -> Broker:
    around = graph.neighbours(v).astype(np.int64)
    own_cluster = int(labels[v])
    clusters = [own_cluster + 1] + [int(c) + 1 for c in np.unique(labels[around]).tolist()
                                    if c != own_cluster]
    own_group = int(graph.group[v])
    groups = [GROUPS[own_group].value] + [GROUPS[int(x)].value
                                          for x in np.unique(graph.group[around]).tolist()
                                          if x != own_group]
    return Broker(id=graph.ids[v], name=graph.names[v], score=score, clusters=clusters,
                  groups=groups)
