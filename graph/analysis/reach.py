"""The engaged core's reach, and whom to engage next to reach the most people.

Definitions (docs/terms.md, "the engaged 3%"), on the undirected graph of conversation
channels (the caller applies ``channels(min_trust)``):

- the engaged core C is ``graph.core_mask``; core share = |C| / N;
- reach = the share of people outside C within ``hops`` ties of someone in C (1.0 when nobody
  is outside, 0.0 for an empty constituency), also per primary group;
- recommended core: from C, greedily add the person who brings the most people not yet reached
  (a person counts as reached once engaged), ties broken by ascending id, until the core has
  ceil(target_core_share · N) people;
- to reach the target: the same greedy, until the core's reach meets ``target_reach``;
- ready plans (``min_engagement``): both, with only people at or above that engagement level
  as candidates (``ready_plans``).

The greedy is a maximum-coverage selection. Coverage is submodular (a person's gain can only
shrink as the core grows), so a lazy greedy (CELF) that re-evaluates only the candidate on top
of a queue of stale gains picks exactly what the plain greedy picks, at a fraction of the cost.
For one hop every gain is even kept exact, at O(people + ties) for the whole run
(``kernels.greedy_closed_cover``); for more hops the lazy greedy runs compiled
(``kernels.ball_cover``). ``greedy_plans`` gives both plans from one run.

Example:
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id="a", group="people", engagement="leading")] + [
    ...     Person(id=i, group="people") for i in "bcde"]
    >>> ties = [Relationship(source="a", target="b"), Relationship(source="c", target="d"),
    ...     Relationship(source="c", target="e")]
    >>> g = CompactGraph.from_records("x", people, ties)
    >>> core_reach(g, g.core_mask, hops=1).reach
    0.25
    >>> added = recommended_core(g, g.core_mask, AnalysisOptions(target_core_share=0.4)).added
    >>> [(a.id, a.gain, a.engagement, a.brings_by_group["people"]) for a in added]
    [('c', 3, 'unengaged', 3)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from graph.analysis.connectivity import check_mask, component_labels
from graph.analysis.kernels import (
    ball_cover,
    ball_cover_exact,
    brought_by_group_csr,
    greedy_closed_cover,
    hop_distances_csr,
    neighbour_sums_csr,
    within_hops_csr,
)
from graph.analysis.options import AnalysisOptions
from graph.analysis.result import Addition, CoreReach, ReadyPlans, RecommendedCore, TargetPlan
from graph.compact import CompactGraph
from graph.model import GROUPS, Engagement

_ENGAGEMENT: tuple[str, ...] = tuple(e.value for e in Engagement)
"""Engagement code names by rank (``CompactGraph.engagement``)."""

if TYPE_CHECKING:
    from scipy.sparse import csr_array

__all__ = [
    "REACH_STEPS",
    "core_reach",
    "core_size_target",
    "greedy_plans",
    "meets_target",
    "ready_mask",
    "ready_plans",
    "recommended_core",
    "to_reach_target",
    "within_hops",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

REACH_STEPS = 3
"""``CoreReach.reach_by_steps`` gives the reach within 1, 2, … this many ties of the core."""

# Up to this many hops the greedy's first gain estimates are walk counts (h sparse products);
# beyond it, the number of unreached people in the candidate's component.
_WALK_BOUND_MAX_HOPS = 6
# The cost of refining one candidate's gain, in units of array elements handled, beyond the
# elements themselves (the compiled loop's own overhead per refinement).
_REFINE_OVERHEAD = 32
# Compute every gain at once when refining one by one in a step has cost this many times as
# much (1: "rent until you have paid the price of buying"; tests also use 0 and infinity).
_REFRESH_AFTER = 1.0
# Keep every gain exact for more than one hop when the balls of everyone together hold at most
# this many people per person and tie end (tests also use 0 and infinity).
_EXACT_BALLS_PER_TIE = 20.0
# Entries per sparse batch when every gain is computed at once (bounds memory).
_BATCH_ENTRIES = 4_000_000


def within_hops(graph: CompactGraph, sources: BoolArray, hops: int) -> BoolArray:
    """The people at distance at most ``hops`` from any source (the sources included).

    A breadth-first search over the CSR arrays, compiled (``kernels.within_hops_csr``): each
    person enters the queue once, so the cost is O(people + ties) whatever ``hops`` is.
    """
    sources = check_mask(graph, sources, "sources")
    if hops < 0:
        raise ValueError("hops cannot be negative")
    return within_hops_csr(graph.indptr, graph.indices, sources, hops)


def core_reach(graph: CompactGraph, core: BoolArray, hops: int) -> CoreReach:
    """The core's members, share and reach, overall and per primary group.

    ``reach`` = reached / outside, outside being everyone not in ``core`` and reached those of
    them within ``hops`` ties of a core member; 1.0 when nobody is outside (N > 0) and 0.0 for
    an empty constituency. Per group (every group of ``GROUPS``, by primary group) the share is
    ``None`` when the group has nobody outside the core.
    """
    core = check_mask(graph, core)
    n = graph.n
    outside_mask = ~core
    if hops < 0:
        raise ValueError("hops cannot be negative")
    farthest = max(hops, REACH_STEPS)
    distance = hop_distances_csr(graph.indptr, graph.indices, core, farthest)
    reached_mask = outside_mask & (distance >= 0) & (distance <= hops)
    outside_distance = distance[outside_mask]
    outside = int(np.count_nonzero(outside_mask))
    reached = int(np.count_nonzero(reached_mask))
    groups = len(GROUPS)
    outside_by = np.bincount(graph.group[outside_mask], minlength=groups)
    reached_by = np.bincount(graph.group[reached_mask], minlength=groups)
    return CoreReach(
        members=[graph.ids[i] for i in np.flatnonzero(core).tolist()],
        share=(n - outside) / n if n else 0.0,
        reach=_share(reached, outside, n),
        reached=reached,
        outside=outside,
        reach_by_group={
            g.value: (int(reached_by[g.index]) / int(outside_by[g.index]))
            if outside_by[g.index]
            else None
            for g in GROUPS
        },
        reached_by_group={g.value: int(reached_by[g.index]) for g in GROUPS},
        outside_by_group={g.value: int(outside_by[g.index]) for g in GROUPS},
        reach_by_steps={
            str(k): _share(int(np.count_nonzero((outside_distance >= 1)
                                                & (outside_distance <= k))), outside, n)
            for k in range(1, REACH_STEPS + 1)
        },
    )


def core_size_target(share: float, n: int) -> int:
    """ceil(share · n), robust to float error: ``core_size_target(0.03, 100) == 3``, not 4."""
    return math.ceil(round(share * n, 9))


def meets_target(reached: int, outside: int, target: float) -> bool:
    """Whether reached / outside >= target (true when nobody is outside), float-error safe."""
    return reached >= target * outside - 1e-9 * max(outside, 1)


def recommended_core(
    graph: CompactGraph, core: BoolArray, options: AnalysisOptions
) -> RecommendedCore:
    """The current core grown greedily to ceil(target_core_share · N) people.

    Each step adds the person outside the core who brings the most people not yet reached (a
    person counts as reached once engaged, so they count themselves if not yet reached), ties
    broken by ascending id; it keeps adding when the best gain is 0. No additions when the core
    already has that many people.
    """
    core = check_mask(graph, core)
    wanted = _additions_wanted(graph, core, options)
    return _recommended(graph, core, _run(graph, core, options.hops, wanted, None), wanted)


def to_reach_target(graph: CompactGraph, core: BoolArray, options: AnalysisOptions) -> TargetPlan:
    """The greedy additions the current core needs before its reach meets ``target_reach``.

    The same greedy as ``recommended_core`` without its size cap; after each addition the reach
    is that of the grown core (people outside it within ``hops`` ties of it). Always ends:
    with everyone in the core nobody is outside and the reach is 1.0.
    """
    core = check_mask(graph, core)
    target = options.target_reach
    return _target_plan(graph, core, _run(graph, core, options.hops, 0, target), target)


def greedy_plans(
    graph: CompactGraph, core: BoolArray, options: AnalysisOptions
) -> tuple[RecommendedCore, TargetPlan]:
    """``recommended_core`` and ``to_reach_target`` from one run of the greedy.

    Both follow the same greedy order, so each is a prefix of the run that goes on until both
    are complete: the same results as the two calls, for the price of the longer one.
    """
    core = check_mask(graph, core)
    wanted = _additions_wanted(graph, core, options)
    target = options.target_reach
    run = _run(graph, core, options.hops, wanted, target)
    return _recommended(graph, core, run, wanted), _target_plan(graph, core, run, target)


def ready_mask(graph: CompactGraph, min_engagement: Engagement) -> BoolArray:
    """The people at or above ``min_engagement`` on the engagement ladder."""
    return np.asarray(graph.engagement >= min_engagement.rank, dtype=np.bool_)


def ready_plans(
    graph: CompactGraph, core: BoolArray, options: AnalysisOptions
) -> ReadyPlans | None:
    """``greedy_plans`` among the ready only: the greedy may add only people outside the core
    at or above ``options.min_engagement``; ``None`` when that is not set (anyone).

    With few ready people the recommended core may stay below its target size and the plan
    may not meet the target reach (``TargetPlan.meets_target``): it then adds every one of
    them, in the greedy's order.
    """
    level = options.min_engagement
    if level is None:
        return None
    core = check_mask(graph, core)
    ready = ready_mask(graph, level)
    wanted = _additions_wanted(graph, core, options)
    target = options.target_reach
    run = _run(graph, core, options.hops, wanted, target, ready)
    return ReadyPlans(
        min_engagement=level.value,
        candidates=int(np.count_nonzero(ready & ~core)),
        recommended_core=_recommended(graph, core, run, wanted),
        to_reach_target=_target_plan(graph, core, run, target),
    )


def _additions_wanted(graph: CompactGraph, core: BoolArray, options: AnalysisOptions) -> int:
    """How many people the recommended core adds to ``core`` (0 when it is large enough)."""
    size = core_size_target(options.target_core_share, graph.n)
    return max(size - int(np.count_nonzero(core)), 0)


@dataclass(frozen=True)
class _GreedyRun:
    """The greedy additions in order, their gains, and the number of people reached (core
    included) before any addition and after each."""

    nodes: IntArray
    gains: IntArray
    reached_after: IntArray  # length len(nodes) + 1: before any addition, then after each
    core_size: int
    n: int
    brought: IntArray | None = None  # per addition, the people it first reaches by group

    def reach(self, k: int) -> float:
        """The reach of the core grown by the first ``k`` additions."""
        size = self.core_size + k
        return _share(int(self.reached_after[k]) - size, self.n - size, self.n)

    def meeting(self, target: float) -> int | None:
        """The fewest additions after which the reach meets ``target`` (``meets_target``);
        ``None`` when the candidates ran out first (never with everyone a candidate)."""
        k = np.arange(self.nodes.size + 1, dtype=np.int64)
        outside = self.n - (self.core_size + k)
        meets = self.reached_after - (self.core_size + k) >= target * outside - 1e-9 * np.maximum(
            outside, 1
        )
        if not meets.any():
            return None
        return int(np.argmax(meets))

    def additions(self, graph: CompactGraph, k: int) -> list[Addition]:
        brought = self.brought
        return [
            Addition(graph.ids[v], g, _ENGAGEMENT[graph.engagement[v]],
                     {} if brought is None else {
                         group.value: int(brought[i, group.index]) for group in GROUPS})
            for i, (v, g) in enumerate(zip(self.nodes[:k].tolist(), self.gains[:k].tolist(),
                                           strict=True))
        ]


def _recommended(
    graph: CompactGraph, core: BoolArray, run: _GreedyRun, wanted: int
) -> RecommendedCore:
    k = min(wanted, int(run.nodes.size))  # fewer only when the candidates ran out
    return RecommendedCore(
        members=_members(graph, core, run.nodes[:k]),
        reach=run.reach(k),
        added=run.additions(graph, k),
        size=run.core_size + k,
    )


def _target_plan(
    graph: CompactGraph, core: BoolArray, run: _GreedyRun, target: float
) -> TargetPlan:
    k = run.meeting(target)
    met = k is not None
    if k is None:
        k = int(run.nodes.size)
    return TargetPlan(
        additions=k,
        members=_members(graph, core, run.nodes[:k]),
        added=run.additions(graph, k),
        reach=run.reach(k),
        target=target,
        meets_target=met,
    )


def _run(
    graph: CompactGraph, core: BoolArray, hops: int, min_additions: int, target: float | None,
    candidates: BoolArray | None = None,
) -> _GreedyRun:
    """``_greedy``, with whom each addition brings by group (``kernels.brought_by_group_csr``:
    the additions replayed in order, each search stopping once it has found its gain)."""
    run = _greedy(graph, core, hops, min_additions, target, candidates)
    brought = brought_by_group_csr(graph.indptr, graph.indices, hops,
                                   within_hops(graph, core, hops), run.nodes, run.gains,
                                   graph.group, len(GROUPS))
    return replace(run, brought=brought)


def _greedy(
    graph: CompactGraph, core: BoolArray, hops: int, min_additions: int, target: float | None,
    candidates: BoolArray | None = None,
) -> _GreedyRun:
    """The greedy run from ``core``: it stops once it has made ``min_additions`` and, with a
    ``target``, the reach of the grown core meets it (or when nobody is left to add). Only
    ``candidates`` (when given) may be added.

    One hop: the compiled exact-gain greedy (``kernels.greedy_closed_cover``, linear overall).
    More hops: the same with balls (``kernels.ball_cover_exact``) when the balls of everyone
    together are small, else the compiled lazy greedy of ``_BallGreedy``.
    """
    core_size = int(np.count_nonzero(core))
    if hops == 1:
        reached = within_hops(graph, core, 1)
        before = int(np.count_nonzero(reached))
        nodes, gains, after = greedy_closed_cover(
            graph.indptr, graph.indices, core, reached, min_additions, target, candidates
        )
        return _GreedyRun(
            nodes, gains, np.concatenate(([before], after)).astype(np.int64), core_size, graph.n
        )
    components = component_labels(graph)
    ball_size = _ball_sizes(graph, hops, components)
    if float(ball_size.sum()) <= _EXACT_BALLS_PER_TIE * (graph.n + graph.indices.shape[0]):
        reached = within_hops(graph, core, hops)
        before = int(np.count_nonzero(reached))
        nodes, gains, after = ball_cover_exact(
            graph.indptr, graph.indices, hops, core, reached, min_additions, target, candidates
        )
        return _GreedyRun(
            nodes, gains, np.concatenate(([before], after)).astype(np.int64), core_size, graph.n
        )
    return _BallGreedy(graph, core, hops, ball_size, components, candidates).run(
        min_additions, target)


def _share(part: int, whole: int, n: int) -> float:
    if whole:
        return part / whole
    return 1.0 if n else 0.0


def _members(graph: CompactGraph, core: BoolArray, added: IntArray) -> list[str]:
    """Current core ids ascending, then the additions in the order chosen."""
    ids = graph.ids
    return [ids[i] for i in np.flatnonzero(core).tolist()] + [ids[v] for v in added.tolist()]


class _BallGreedy:
    """The lazy greedy maximum coverage for more than one hop, from a starting core.

    State: the reached set R (the core and everyone within ``hops`` of it) and, per person,
    ``unreached_near`` = |({w} ∪ N(w)) \\ R|; the candidates (everyone outside the core) in a
    heap keyed by bounds of their gains |({v} ∪ ball(v)) \\ R|. The first keys are cheap walk
    counts (``_first_bounds``); R only grows, so every key stays a bound. The compiled loop
    (``kernels.ball_cover``) refines the top until it is exact now, and then it is the plain
    greedy's choice (ascending id among equal gains). When refining one by one within a step
    has cost as much as computing every exact gain at once (vectorised, ``_all_gains``), the
    loop hands back and the gains are recomputed all at once (so a step never costs more than
    about twice the cheaper of the two). Once everybody is reached every gain is 0 and the rest
    follow in ascending id.
    """

    def __init__(
        self,
        graph: CompactGraph,
        core: BoolArray,
        hops: int,
        ball_size: IntArray,
        components: tuple[IntArray, int],
        candidates: BoolArray | None = None,
    ) -> None:
        if hops < 2:
            raise ValueError("the ball greedy is for two hops or more")
        self.graph = graph
        self.hops = hops
        self.reached = within_hops(graph, core, hops)
        self.core_size = int(np.count_nonzero(core))
        self.reached_before = int(np.count_nonzero(self.reached))
        unreached = (~self.reached).astype(np.int64)
        self.unreached_near = unreached + _neighbour_sums(graph, unreached)
        self._ball_size = ball_size  # bounds of |{v} ∪ ball(v)| (``_ball_sizes``)
        self._closed_hops: csr_array | None = None  # adjacency plus identity, built when needed
        allowed = ~core if candidates is None else ~core & candidates
        self.heap = np.flatnonzero(allowed).astype(np.int64)
        self.key = np.ascontiguousarray(self._first_bounds(unreached, components), dtype=np.int64)
        self.version = np.full(graph.n, self.reached_before, dtype=np.int64)
        self.exact = np.zeros(graph.n, dtype=bool)
        refresh_cost = graph.n + int(self._ball_size[~self.reached].sum())
        self.state = np.array(
            [self.heap.size, 0, self.core_size, self.reached_before, refresh_cost, 0],
            dtype=np.int64,
        )

    def run(self, min_additions: int, target: float | None) -> _GreedyRun:
        """Greedy additions until ``min_additions`` are made and, with a ``target``, the reach
        meets it (or nobody is left to add)."""
        graph = self.graph
        out = tuple(np.empty(self.heap.size, dtype=np.int64) for _ in range(3))
        while ball_cover(
            graph.indptr,
            graph.indices,
            self.hops,
            self.reached,
            self.unreached_near,
            self._ball_size,
            self.heap,
            self.key,
            self.version,
            self.exact,
            self.state,
            (out[0], out[1], out[2]),
            min_additions,
            target,
            _REFRESH_AFTER,
            _REFINE_OVERHEAD,
        ):
            self._refresh()
        count = int(self.state[1])
        return _GreedyRun(
            out[0][:count],
            out[1][:count],
            np.concatenate(([self.reached_before], out[2][:count])).astype(np.int64),
            self.core_size,
            graph.n,
        )

    def _refresh(self) -> None:
        """Key every waiting candidate by its exact gain now, computed all at once."""
        self.key[:] = self._all_gains()
        self.version[:] = self.state[3]
        self.exact[:] = True

    def _all_gains(self) -> IntArray:
        """Every person's exact gain now, vectorised.

        For each unreached person u, the indicator of {u} ∪ ball(u) is (A + I)^hops e_u > 0; a
        person's gain is the number of such u whose indicator covers them. Sparse products over
        batches of u.
        """
        graph = self.graph
        unreached = np.flatnonzero(~self.reached)
        if unreached.size == 0:
            flags = (~self.reached).astype(np.int64)
            return flags + _neighbour_sums(graph, flags)
        from scipy.sparse import csr_array  # only this several-step estimate needs scipy

        if self._closed_hops is None:
            # A + I: each row gets its own node in front (rows need not be sorted for products)
            n = graph.n
            rows = np.arange(n, dtype=np.int64)
            self._closed_hops = csr_array(
                (
                    np.ones(graph.indices.shape[0] + n, dtype=np.float32),
                    np.insert(graph.indices, graph.indptr[:-1], rows.astype(np.int32)),
                    graph.indptr + np.arange(n + 1, dtype=np.int64),
                ),
                shape=(n, n),
            )
        step = self._closed_hops
        gains = np.zeros(graph.n, dtype=np.int64)
        sizes = np.cumsum(self._ball_size[unreached])
        batch = np.searchsorted(sizes, np.arange(_BATCH_ENTRIES, sizes[-1], _BATCH_ENTRIES))
        for sources in np.split(unreached, batch):
            if sources.size == 0:
                continue
            columns = np.arange(sources.size)
            cover = csr_array(
                (np.ones(sources.size, dtype=np.float32), (sources, columns)),
                shape=(graph.n, sources.size),
            )
            for _ in range(self.hops):
                cover = step @ cover
                cover.data[:] = 1.0
            gains += np.diff(cover.indptr)
        return gains

    def _first_bounds(self, unreached: IntArray, components: tuple[IntArray, int]) -> IntArray:
        """Upper bounds of every person's gain from the start, for more than one hop.

        The number of walks of length <= hops from v ending at an unreached person, each level
        capped at the number unreached (a person at distance d ends at least one walk of
        length d), and at most the number of unreached people in v's component.
        """
        graph = self.graph
        labels, count = components
        bound = np.bincount(labels, weights=unreached, minlength=count).astype(np.int64)[labels]
        if self.hops > _WALK_BOUND_MAX_HOPS:
            return bound
        return np.minimum(bound, _walks(graph, unreached, self.hops))


def _ball_sizes(graph: CompactGraph, hops: int, components: tuple[IntArray, int]) -> IntArray:
    """An upper bound of |{v} ∪ ball(v)| for every person: walks of length <= hops, capped
    at the size of their component (``components``: labels and count; the size alone beyond a
    few hops)."""
    labels, count = components
    size = np.bincount(labels, minlength=count).astype(np.int64)[labels]
    if hops > _WALK_BOUND_MAX_HOPS:
        return size
    return np.minimum(size, _walks(graph, np.ones(graph.n, dtype=np.int64), hops))


def _walks(graph: CompactGraph, ends: IntArray, hops: int) -> IntArray:
    """Per person, the number of walks of length <= hops ending at a flagged person (``ends``
    is 0/1), each length's count capped at the number flagged: still at least the number of
    flagged people within ``hops``."""
    total = int(ends.sum())
    level = ends
    walks = ends.copy()
    for _ in range(hops):
        level = np.minimum(_neighbour_sums(graph, level), total)
        walks += level
    return walks


def _neighbour_sums(graph: CompactGraph, values: IntArray) -> IntArray:
    """For every person, the sum of ``values`` over their neighbours (compiled, O(ties))."""
    return neighbour_sums_csr(graph.indptr, graph.indices, values)
