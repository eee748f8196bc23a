"""The compiled kernels equal plain-Python references on random graphs.

Each kernel of graph/analysis/kernels.py is compared with a deliberately simple restatement
(adjacency sets, breadth-first searches, brute force removal, a greedy that recomputes every gain
at every step) on seeded random graphs: dense and sparse, disconnected, with isolated people,
with no ties at all, and a path of 30,000 people (deep searches must not recurse).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt
import pytest

from graph.analysis.kernels import (
    ball_cover_exact,
    bridging_csr,
    component_labels_csr,
    greedy_closed_cover,
    neighbour_sums_csr,
    role_counts_csr,
    spof_cut_off_csr,
    unique_reach_csr,
    warm_up,
    within_hops_csr,
)
from graph.analysis.reach import meets_target

Adjacency = list[list[int]]


# -- graphs ------------------------------------------------------------------------------------


def csr(adj: Adjacency) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """The CSR arrays of an adjacency list (neighbours ascending)."""
    indptr = np.zeros(len(adj) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in adj], out=indptr[1:])
    indices = np.array([w for a in adj for w in a], dtype=np.int32)
    return indptr, indices


def from_edges(n: int, edges: list[tuple[int, int]]) -> Adjacency:
    nbrs: list[set[int]] = [set() for _ in range(n)]
    for u, v in edges:
        if u != v:
            nbrs[u].add(v)
            nbrs[v].add(u)
    return [sorted(a) for a in nbrs]


def random_graph(seed: int) -> Adjacency:
    """A seeded random graph: its size, density, and number of parts vary with the seed."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 90))
    kind = seed % 4
    if kind == 0:  # sparse: trees, bridges, small parts, isolated people
        m = int(rng.integers(0, n + 1))
    elif kind == 1:  # dense
        m = int(rng.integers(n, 4 * n + 1))
    elif kind == 2:  # no ties at all
        m = 0
    else:  # a few dense clusters joined by single ties, plus isolated people
        m = 0
    edges = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2))]
    if kind == 3:
        size = max(n // 4, 1)
        for start in range(0, n - size, size):
            block = range(start, start + size)
            edges += [(a, b) for a in block for b in block if a < b and rng.random() < 0.4]
            edges.append((start, start + size))  # a bridge to the next cluster
    return from_edges(n, edges)


def path(n: int) -> Adjacency:
    return from_edges(n, [(i, i + 1) for i in range(n - 1)])


SEEDS = range(40)


def random_mask(n: int, share: float, seed: int) -> npt.NDArray[np.bool_]:
    return np.random.default_rng(seed + 1000).random(n) < share


# -- plain references --------------------------------------------------------------------------


def ref_components(adj: Adjacency) -> list[int]:
    labels = [-1] * len(adj)
    count = 0
    for root in range(len(adj)):
        if labels[root] >= 0:
            continue
        labels[root] = count
        queue = deque([root])
        while queue:
            v = queue.popleft()
            for w in adj[v]:
                if labels[w] < 0:
                    labels[w] = count
                    queue.append(w)
        count += 1
    return labels


def ref_within(adj: Adjacency, sources: set[int], hops: int) -> set[int]:
    dist = {s: 0 for s in sources}
    queue = deque(sources)
    while queue:
        v = queue.popleft()
        if dist[v] == hops:
            continue
        for w in adj[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                queue.append(w)
    return set(dist)


def ref_spof_brute_force(adj: Adjacency, core: set[int]) -> list[int]:
    """Remove each person in turn and count who loses the rest of the core."""

    def connected_to(removed: int, targets: set[int]) -> set[int]:
        seen = set(targets) - {removed}
        queue = deque(seen)
        while queue:
            v = queue.popleft()
            for w in adj[v]:
                if w != removed and w not in seen:
                    seen.add(w)
                    queue.append(w)
        return seen

    cut = []
    for v in range(len(adj)):
        rest = core - {v}
        before = ref_within(adj, rest, len(adj)) - {v}
        after = connected_to(v, rest)
        cut.append(len(before - after))
    return cut


def ref_spof_tarjan(adj: Adjacency, core: set[int]) -> list[int]:
    """The pure-Python Tarjan the kernel replaced (iterative, lists only)."""
    n = len(adj)
    labels = ref_components(adj)
    comp_size: dict[int, int] = {}
    comp_core: dict[int, int] = {}
    for v, c in enumerate(labels):
        comp_size[c] = comp_size.get(c, 0) + 1
        comp_core[c] = comp_core.get(c, 0) + (v in core)
    disc, low, parent = [-1] * n, [0] * n, [-1] * n
    size = [1] * n
    core_below = [int(v in core) for v in range(n)]
    sep_size, sep_core, sep_cut = [0] * n, [0] * n, [0] * n
    next_i = [0] * n
    timer = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = timer
        timer += 1
        stack = [root]
        while stack:
            v = stack[-1]
            if next_i[v] < len(adj[v]):
                w = adj[v][next_i[v]]
                next_i[v] += 1
                if disc[w] == -1:
                    parent[w] = v
                    disc[w] = low[w] = timer
                    timer += 1
                    stack.append(w)
                elif w != parent[v]:
                    low[v] = min(low[v], disc[w])
                continue
            stack.pop()
            p = parent[v]
            if p == -1:
                continue
            size[p] += size[v]
            core_below[p] += core_below[v]
            low[p] = min(low[p], low[v])
            if low[v] >= disc[p]:
                sep_size[p] += size[v]
                sep_core[p] += core_below[v]
                if core_below[v] == 0:
                    sep_cut[p] += size[v]
    cut = []
    for v in range(n):
        rest = comp_core[labels[v]] - (v in core)
        if rest == 0:
            cut.append(0)
            continue
        remainder = comp_size[labels[v]] - 1 - sep_size[v]
        cut.append(sep_cut[v] + (remainder if rest - sep_core[v] == 0 else 0))
    return cut


def ref_greedy(
    adj: Adjacency, core: set[int], min_additions: int, target: float | None, hops: int = 1
) -> list[tuple[int, int, int]]:
    """Recompute every candidate's gain at every step; (node, gain, reached after) each."""
    n = len(adj)
    reached = ref_within(adj, core, hops)
    balls = [ref_within(adj, {v}, hops) for v in range(n)]
    chosen = set(core)
    out = []
    while len(chosen) < n:
        if len(out) >= min_additions:
            outside = n - len(chosen)
            if target is None or meets_target(len(reached) - len(chosen), outside, target):
                break
        gains = {v: len(balls[v] - reached) for v in range(n) if v not in chosen}
        best = min(gains, key=lambda v: (-gains[v], v))
        chosen.add(best)
        reached |= balls[best]
        out.append((best, gains[best], len(reached)))
    return out


def ref_role_counts(
    adj: Adjacency, engaged: list[bool], group: list[int], segments: list[set[int]]
) -> tuple[list[int], list[int], list[int], list[bool]]:
    engaged_ties, bridging_ties, groups_reached, slots = [], [], [], []
    for v, nbrs in enumerate(adj):
        bridging = [group[w] != group[v] or bool(segments[w] - segments[v]) for w in nbrs]
        slots += bridging
        engaged_ties.append(sum(engaged[w] for w in nbrs))
        bridging_ties.append(sum(bridging))
        groups_reached.append(len({group[w] for w in nbrs}))
    return engaged_ties, bridging_ties, groups_reached, slots


# -- components and reach ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_component_labels_equal_a_plain_breadth_first_search(seed: int) -> None:
    adj = random_graph(seed)
    labels, count = component_labels_csr(*csr(adj))
    want = ref_components(adj)
    assert labels.tolist() == want
    assert count == max(want) + 1
    assert labels.dtype == np.int64


def test_component_labels_of_a_long_path_and_of_nobody() -> None:
    labels, count = component_labels_csr(*csr(path(30_000)))
    assert count == 1 and not labels.any()
    labels, count = component_labels_csr(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    assert labels.shape == (0,) and count == 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("hops", [0, 1, 2, 5])
def test_within_hops_equals_a_plain_breadth_first_search(seed: int, hops: int) -> None:
    adj = random_graph(seed)
    sources = random_mask(len(adj), 0.1, seed)
    got = within_hops_csr(*csr(adj), sources, hops)
    assert set(np.flatnonzero(got).tolist()) == ref_within(adj, set(np.flatnonzero(sources)), hops)
    assert not np.shares_memory(got, sources)


def test_within_hops_along_a_long_path() -> None:
    n = 30_000
    sources = np.zeros(n, dtype=bool)
    sources[0] = True
    got = within_hops_csr(*csr(path(n)), sources, 12_345)
    assert np.flatnonzero(got).tolist() == list(range(12_346))


@pytest.mark.parametrize("seed", SEEDS)
def test_neighbour_sums_equal_a_plain_sum(seed: int) -> None:
    adj = random_graph(seed)
    values = np.random.default_rng(seed).integers(-5, 100, len(adj))
    got = neighbour_sums_csr(*csr(adj), values)
    assert got.tolist() == [sum(int(values[w]) for w in nbrs) for nbrs in adj]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
def test_unique_reach_equals_counting_the_core_members_within_reach(seed: int, hops: int) -> None:
    adj = random_graph(seed)
    core = random_mask(len(adj), 0.15, seed)
    members = set(np.flatnonzero(core).tolist())
    want = [0] * len(adj)
    for v in range(len(adj)):
        near = ref_within(adj, {v}, hops) & members
        if v not in members and len(near) == 1:
            want[near.pop()] += 1
    assert unique_reach_csr(*csr(adj), core, hops).tolist() == want


def test_unique_reach_along_a_long_path_with_a_member_at_each_end() -> None:
    n = 30_000
    core = np.zeros(n, dtype=bool)
    core[[0, n - 1]] = True
    got = unique_reach_csr(*csr(path(n)), core, n)
    assert not got.any()  # within n hops both ends reach everyone
    got = unique_reach_csr(*csr(path(n)), core, 100)
    assert got[0] == got[-1] == 100 and got.sum() == 200  # within 100, each end alone


# -- single points of failure ------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("share", [0.0, 0.05, 0.3, 1.0])
def test_spof_cut_off_equals_brute_force_removal(seed: int, share: float) -> None:
    adj = random_graph(seed)
    core = random_mask(len(adj), share, seed)
    got, labels, count = spof_cut_off_csr(*csr(adj), core)
    core_set = set(np.flatnonzero(core).tolist())
    assert got.tolist() == ref_spof_brute_force(adj, core_set)
    assert labels.tolist() == ref_components(adj) and count == max(labels, default=-1) + 1


@pytest.mark.parametrize("seed", range(6))
def test_spof_cut_off_equals_the_python_tarjan_on_larger_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    edges = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(int(n * (0.6 + seed / 4)), 2))]
    adj = from_edges(n, edges)
    core = random_mask(n, 0.02, seed)
    got, labels, _ = spof_cut_off_csr(*csr(adj), core)
    assert got.tolist() == ref_spof_tarjan(adj, set(np.flatnonzero(core).tolist()))
    assert labels.tolist() == ref_components(adj)


def test_spof_cut_off_of_a_path_of_30000_with_the_core_at_one_end() -> None:
    n = 30_000
    core = np.zeros(n, dtype=bool)
    core[0] = True
    got, labels, count = spof_cut_off_csr(*csr(path(n)), core)
    assert np.array_equal(got, np.concatenate(([0], np.arange(n - 2, -1, -1))))
    assert count == 1 and not labels.any()
    core[-1] = True  # a core member at each end: each inner person cuts nobody off
    assert not spof_cut_off_csr(*csr(path(n)), core)[0].any()


# -- greedy maximum coverage -------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("min_additions", "target"), [(3, None), (0, 0.9), (5, 0.5), (0, 1.0), (1000, None)]
)
def test_greedy_closed_cover_equals_a_greedy_that_recomputes_every_gain(
    seed: int, min_additions: int, target: float | None
) -> None:
    adj = random_graph(seed)
    core = random_mask(len(adj), 0.05, seed)
    core_set = set(np.flatnonzero(core).tolist())
    reached = within_hops_csr(*csr(adj), core, 1)
    nodes, gains, after = greedy_closed_cover(*csr(adj), core, reached, min_additions, target)
    want = ref_greedy(adj, core_set, min_additions, target)
    assert list(zip(nodes.tolist(), gains.tolist(), after.tolist(), strict=True)) == want
    assert int(np.count_nonzero(reached)) == (after[-1] if after.size else len(
        ref_within(adj, core_set, 1)
    ))


def test_greedy_closed_cover_along_a_path_takes_every_third_person() -> None:
    n = 3000
    core = np.zeros(n, dtype=bool)
    reached = core.copy()
    nodes, gains, after = greedy_closed_cover(*csr(path(n)), core, reached, 0, 1.0)
    want = ref_greedy(path(n), set(), 0, 1.0)
    assert list(zip(nodes.tolist(), gains.tolist(), after.tolist(), strict=True)) == want
    assert gains[:5].tolist() == [3] * 5 and nodes[:3].tolist() == [1, 4, 7]
    assert reached.all()


def test_greedy_closed_cover_adds_people_with_no_gain_in_index_order() -> None:
    # a star: the centre reaches everyone, then the rest follow in ascending index, gain 0
    adj = from_edges(6, [(3, i) for i in range(6) if i != 3])
    core = np.zeros(6, dtype=bool)
    nodes, gains, after = greedy_closed_cover(*csr(adj), core, core.copy(), 4)
    assert nodes.tolist() == [3, 0, 1, 2] and gains.tolist() == [6, 0, 0, 0]
    assert after.tolist() == [6, 6, 6, 6]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("hops", [2, 3])
@pytest.mark.parametrize(("min_additions", "target"), [(4, None), (0, 0.9), (2, 1.0)])
def test_ball_cover_exact_equals_a_greedy_that_recomputes_every_gain(
    seed: int, hops: int, min_additions: int, target: float | None
) -> None:
    adj = random_graph(seed)
    core = random_mask(len(adj), 0.05, seed)
    reached = within_hops_csr(*csr(adj), core, hops)
    nodes, gains, after = ball_cover_exact(*csr(adj), hops, core, reached, min_additions, target)
    want = ref_greedy(adj, set(np.flatnonzero(core).tolist()), min_additions, target, hops)
    assert list(zip(nodes.tolist(), gains.tolist(), after.tolist(), strict=True)) == want


def test_ball_cover_exact_along_a_path() -> None:
    n = 2000
    core = np.zeros(n, dtype=bool)
    nodes, gains, _ = ball_cover_exact(*csr(path(n)), 2, core, core.copy(), 0, 1.0)
    assert nodes[:3].tolist() == [2, 7, 12] and gains[:3].tolist() == [5, 5, 5]
    assert [(v, g) for v, g, _ in ref_greedy(path(n), set(), 0, 1.0, 2)] == list(
        zip(nodes.tolist(), gains.tolist(), strict=True)
    )


# -- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_seg", [0, 5, 61, 62, 200])
def test_role_counts_and_bridging_equal_a_plain_count(seed: int, n_seg: int) -> None:
    # up to 61 segments the kernel's segment bits are exact; beyond, a filter then a check
    adj = random_graph(seed)
    n = len(adj)
    rng = np.random.default_rng(seed + 7)
    group = rng.integers(0, 3, n).astype(np.int8)
    if seed % 3 == 0:
        group[:] = 1  # same group everywhere: only segments bridge
    engaged = rng.random(n) < 0.3
    segments = [
        set(rng.choice(n_seg, int(rng.integers(0, 4)), replace=False).tolist()) if n_seg else set()
        for _ in range(n)
    ]
    if n_seg > 61:  # segments 61 apart share a bit: the exact check must tell them apart
        for v in range(0, n, 3):
            segments[v] = {1, 62} if v % 2 else {62}
    seg_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(s) for s in segments], out=seg_indptr[1:])
    seg_indices = np.array([x for s in segments for x in sorted(s)], dtype=np.int32)
    indptr, indices = csr(adj)
    want = ref_role_counts(adj, engaged.tolist(), group.tolist(), segments)
    slots = bridging_csr(indptr, indices, group, seg_indptr, seg_indices, n_seg)
    assert slots.tolist() == want[3]
    got = role_counts_csr(indptr, indices, engaged, group, seg_indptr, seg_indices, n_seg)
    assert [g.tolist() for g in got] == list(want[:3])


def test_warm_up_compiles_every_kernel() -> None:
    warm_up()


def test_kernels_compile_without_an_on_disk_cache_where_none_is_writable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # numba raises when a cached function has nowhere to keep its cache; compile without it
    import numba

    import graph.compact as compact

    real_njit = numba.njit

    def njit(**options: object) -> object:
        if options.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real_njit(**options)

    monkeypatch.setattr(numba, "njit", njit)

    def add_one(x: int) -> int:
        return x + 1

    kernel = compact.compiled(add_one)
    assert kernel(41) == 42
    made = compact.dispatcher(kernel)
    assert isinstance(made, numba.core.registry.CPUDispatcher)
    assert made._cache.__class__.__name__ != "FunctionCache"  # NullCache: nothing on disk


def test_kernels_are_compiled_when_first_called_and_may_call_each_other() -> None:
    import graph.compact as compact

    def inner(x: int) -> int:
        return x * 2

    kernel = compact.compiled(inner)
    assert not isinstance(kernel, numba_dispatcher_type())
    assert kernel(21) == 42
    assert isinstance(compact.dispatcher(kernel), numba_dispatcher_type())
    assert compact.dispatcher(kernel) is compact.dispatcher(kernel)  # compiled once


def numba_dispatcher_type() -> type:
    import numba

    return numba.core.registry.CPUDispatcher
