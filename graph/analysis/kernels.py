"""Compiled kernels of the analysis: one pass over the CSR arrays each, no Python per person.

The analysis modules call these through small wrappers that check and convert their inputs
(``indptr`` int64, ``indices`` int32, masks bool), so each kernel is compiled for one signature
only. Every kernel has a plain-Python twin in the tests (tests/test_kernels.py) and the metrics
built on them are cross-checked against networkx.

Compilation (``graph.compact.compiled``): numba compiles a kernel on its first call and keeps
the machine code on disk (``__pycache__`` next to this file, or numba's user-wide cache
directory when that is read-only), so the cost is paid once per install and source change:
10 to 15 s for all of them on a 2-core machine (``warm_up``), after which a new process loads
them in about half a second. Where no cache location is writable they are compiled in every
process instead (the same results, a slower first analysis).

Example:
    >>> import numpy as np
    >>> indptr = np.array([0, 1, 2, 2], dtype=np.int64)  # 0 - 1, 2 alone
    >>> indices = np.array([1, 0], dtype=np.int32)
    >>> labels, count = component_labels_csr(indptr, indices)
    >>> labels.tolist(), count
    ([0, 0, 1], 2)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from graph.compact import compiled

__all__ = [
    "ball_cover",
    "ball_cover_exact",
    "brought_by_group_csr",
    "bridging_csr",
    "component_labels_csr",
    "greedy_closed_cover",
    "neighbour_sums_csr",
    "role_counts_csr",
    "spof_cut_off_csr",
    "unique_reach_csr",
    "warm_up",
    "within_hops_csr",
]

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


# -- connected components --------------------------------------------------------------------


@compiled
def _component_labels(indptr: IntArray, indices: I32) -> tuple[IntArray, int]:
    n = indptr.shape[0] - 1
    labels = np.full(n, -1, dtype=np.int32)  # int32: half the memory of the random reads
    queue = np.empty(n, dtype=np.int32)
    count = 0
    for root in range(n):
        if labels[root] != -1:
            continue
        labels[root] = count
        queue[0] = root
        head, tail = 0, 1
        while head < tail:
            v = queue[head]
            head += 1
            for slot in range(indptr[v], indptr[v + 1]):
                w = indices[slot]
                if labels[w] == -1:
                    labels[w] = count
                    queue[tail] = w
                    tail += 1
        count += 1
    return labels.astype(np.int64), count


def component_labels_csr(indptr: IntArray, indices: I32) -> tuple[IntArray, int]:
    """Connected components of a symmetric CSR graph: a label per node and the count.

    A breadth-first search from every unlabelled node in ascending order, so components are
    numbered by their smallest node: node 0 is in component 0, and so on. O(nodes + slots).
    """
    labels, count = _component_labels(_i64(indptr), _i32(indices))
    return labels, int(count)


# -- people within h hops --------------------------------------------------------------------


@compiled
def _within_hops(indptr: IntArray, indices: I32, sources: BoolArray, hops: int) -> BoolArray:
    n = indptr.shape[0] - 1
    reached = sources.copy()
    queue = np.empty(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        if reached[v]:
            queue[tail] = v
            tail += 1
    head = 0
    for _ in range(hops):
        end = tail  # the current level is queue[head:end]
        if head == end:
            break
        while head < end:
            v = queue[head]
            head += 1
            for slot in range(indptr[v], indptr[v + 1]):
                w = indices[slot]
                if not reached[w]:
                    reached[w] = True
                    queue[tail] = w
                    tail += 1
    return reached


@compiled
def _hop_distances(indptr: IntArray, indices: I32, sources: BoolArray, hops: int) -> IntArray:
    n = indptr.shape[0] - 1
    distance = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        if sources[v]:
            distance[v] = 0
            queue[tail] = v
            tail += 1
    head = 0
    while head < tail:
        v = queue[head]
        head += 1
        if distance[v] >= hops:
            continue
        for slot in range(indptr[v], indptr[v + 1]):
            w = indices[slot]
            if distance[w] < 0:
                distance[w] = distance[v] + 1
                queue[tail] = w
                tail += 1
    return distance


def hop_distances_csr(indptr: IntArray, indices: I32, sources: BoolArray,
                      hops: int) -> IntArray:
    """Each node's distance from the nearest source, up to ``hops`` (-1: farther, or never
    reached): one breadth-first search. O(nodes + slots)."""
    return _hop_distances(_i64(indptr), _i32(indices), _bool(sources), int(hops))


def within_hops_csr(indptr: IntArray, indices: I32, sources: BoolArray, hops: int) -> BoolArray:
    """The nodes at distance at most ``hops`` from a source (the sources included): a
    breadth-first search level by level, each node entering the queue once. O(nodes + slots)."""
    return _within_hops(_i64(indptr), _i32(indices), _bool(sources), int(hops))


@compiled
def _neighbour_sums(indptr: IntArray, indices: I32, values: IntArray) -> IntArray:
    n = indptr.shape[0] - 1
    out = np.zeros(n, dtype=np.int64)
    for v in range(n):
        total = 0
        for slot in range(indptr[v], indptr[v + 1]):
            total += values[indices[slot]]
        out[v] = total
    return out


def neighbour_sums_csr(indptr: IntArray, indices: I32, values: IntArray) -> IntArray:
    """For every node, the sum of ``values`` over its neighbours (A @ values). O(slots)."""
    return _neighbour_sums(_i64(indptr), _i32(indices), _i64(values))


# -- unique reach ----------------------------------------------------------------------------


@compiled
def _unique_reach(indptr: IntArray, indices: I32, core: BoolArray, hops: int) -> IntArray:
    n = indptr.shape[0] - 1
    first = np.full(n, -1, dtype=np.int64)
    second = np.full(n, -1, dtype=np.int64)
    # (node, source) labels acquired at the previous level; each node acquires at most two
    cur_node = np.empty(2 * n, dtype=np.int64)
    cur_src = np.empty(2 * n, dtype=np.int64)
    nxt_node = np.empty(2 * n, dtype=np.int64)
    nxt_src = np.empty(2 * n, dtype=np.int64)
    size = 0
    for v in range(n):
        if core[v]:
            first[v] = v
            cur_node[size] = v
            cur_src[size] = v
            size += 1
    for _ in range(hops):
        if size == 0:
            break
        nxt = 0
        for i in range(size):
            x, src = cur_node[i], cur_src[i]
            for slot in range(indptr[x], indptr[x + 1]):
                y = indices[slot]
                if second[y] >= 0 or first[y] == src:
                    continue
                if first[y] < 0:
                    first[y] = src
                else:
                    second[y] = src
                nxt_node[nxt] = y
                nxt_src[nxt] = src
                nxt += 1
        cur_node, nxt_node = nxt_node, cur_node
        cur_src, nxt_src = nxt_src, cur_src
        size = nxt
    unique = np.zeros(n, dtype=np.int64)
    for v in range(n):
        if not core[v] and first[v] >= 0 and second[v] < 0:
            unique[first[v]] += 1
    return unique


def unique_reach_csr(indptr: IntArray, indices: I32, core: BoolArray, hops: int) -> IntArray:
    """For each core node, how many nodes outside the core only it reaches within ``hops``.

    A multi-source breadth-first search from the whole core in which every node keeps at most
    two distinct sources, the first two to arrive (see ``connectivity.unique_reach`` for why
    that is exact). Each node passes each kept source on once: O(nodes + slots) per search.
    """
    return _unique_reach(_i64(indptr), _i32(indices), _bool(core), int(hops))


# -- single points of failure ----------------------------------------------------------------


@compiled
def _spof_cut_off(
    indptr: IntArray, indices: I32, core: BoolArray
) -> tuple[IntArray, IntArray, int]:
    n = indptr.shape[0] - 1
    # int32 node arrays (people and counts below 2**31): half the memory traffic of int64
    disc = np.full(n, -1, dtype=np.int32)
    low = np.zeros(n, dtype=np.int32)
    parent = np.full(n, -1, dtype=np.int32)
    size = np.ones(n, dtype=np.int32)
    core_below = np.zeros(n, dtype=np.int32)  # core members in the DFS subtree
    sep_size = np.zeros(n, dtype=np.int32)  # people in the child subtrees that fall off
    sep_core = np.zeros(n, dtype=np.int32)  # core members in them
    sep_cut = np.zeros(n, dtype=np.int32)  # people in those of them with no core member
    label = np.empty(n, dtype=np.int32)  # component, numbered by its smallest node (its root)
    root_of_label = np.empty(n, dtype=np.int64)
    next_slot = indptr[:-1].copy()
    stack = np.empty(n, dtype=np.int64)
    for v in range(n):
        if core[v]:
            core_below[v] = 1
    timer = 0
    count = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = timer
        low[root] = timer
        timer += 1
        label[root] = count
        root_of_label[count] = root
        count += 1
        stack[0] = root
        top = 1
        while top > 0:
            v = stack[top - 1]
            slot, end, low_v, parent_v = next_slot[v], indptr[v + 1], low[v], parent[v]
            child = -1
            while slot < end:
                w = indices[slot]
                slot += 1
                d = disc[w]
                if d == -1:
                    child = w
                    break
                if d < low_v and w != parent_v:
                    low_v = d  # a back edge (simple graph: skipping the parent is exact)
            next_slot[v] = slot
            low[v] = low_v
            if child >= 0:
                parent[child] = v
                label[child] = count - 1
                disc[child] = timer
                low[child] = timer
                timer += 1
                stack[top] = child
                top += 1
                continue
            top -= 1
            p = parent_v
            if p == -1:
                continue
            size[p] += size[v]
            core_below[p] += core_below[v]
            if low_v < low[p]:
                low[p] = low_v
            if low_v >= disc[p]:  # v's subtree falls off when p is removed
                sep_size[p] += size[v]
                sep_core[p] += core_below[v]
                if core_below[v] == 0:
                    sep_cut[p] += size[v]
    cut = np.zeros(n, dtype=np.int64)
    for v in range(n):
        r = root_of_label[label[v]]
        rest_of_core = core_below[r] - (1 if core[v] else 0)
        if rest_of_core == 0:
            continue  # nobody here was connected to the rest of the core
        remainder_size = size[r] - 1 - sep_size[v]
        remainder_core = rest_of_core - sep_core[v]
        cut[v] = sep_cut[v] + (remainder_size if remainder_core == 0 else 0)
    return cut, label.astype(np.int64), count


def spof_cut_off_csr(
    indptr: IntArray, indices: I32, core: BoolArray
) -> tuple[IntArray, IntArray, int]:
    """For every node v, how many others lose their connection to the rest of the core
    without v (see ``connectivity.spof_cut_off`` for the definition).

    One iterative Tarjan depth-first search (an explicit stack, no recursion): a DFS child
    subtree c of v with ``low[c] >= disc[v]`` falls off when v is removed, and the rest of v's
    component (its ancestors' side) is one more piece; a piece without a core member is cut
    off, provided v's component holds a core member other than v. O(nodes + slots).

    Returns the cut-off counts and, found on the way, the components as
    ``component_labels_csr`` numbers them (labels and count).
    """
    cut, labels, count = _spof_cut_off(_i64(indptr), _i32(indices), _bool(core))
    return cut, labels, int(count)


# -- the greedy maximum coverage, one hop ----------------------------------------------------


@compiled
def _done(count: int, min_additions: int, use_target: bool, target: float, reached_count: int,
          core_size: int, n: int) -> bool:
    """The greedy's stop rule: at least ``min_additions`` added and, with a target, the grown
    core's reach of everyone outside it meets the target (``reach.meets_target``)."""
    if count < min_additions:
        return False
    if not use_target:
        return True
    outside = n - core_size
    return reached_count - core_size >= target * outside - 1e-9 * max(outside, 1)


@compiled
def _candidate_heap(candidate: BoolArray, gain: IntArray) -> tuple[IntArray, IntArray, int]:
    """A max-heap of the candidates (flagged in ``candidate``) keyed by a copy of their gain,
    ascending index first among equal keys; returns (key, heap, size)."""
    n = candidate.shape[0]
    key = gain.copy()
    heap = np.empty(n, dtype=np.int64)
    size = 0
    for v in range(n):
        if candidate[v]:
            heap[size] = v
            size += 1
    for pos in range(size // 2 - 1, -1, -1):
        _sift_down(heap, size, key, pos)
    return key, heap, size


@compiled
def _pop_fresh(heap: IntArray, size: int, key: IntArray, gain: IntArray) -> tuple[int, int]:
    """Take the candidate of highest current gain off the heap; returns (it, new size).

    Keys are upper bounds of the gains (gains only fall), so a stale top is refreshed and sunk
    until the top's key is its gain: then nobody below can beat it (lazy greedy).
    """
    while True:
        best = heap[0]
        if key[best] == gain[best]:
            break
        key[best] = gain[best]
        _sift_down(heap, size, key, 0)
    return best, _pop(heap, size, key)


@compiled
def _pop(heap: IntArray, size: int, key: IntArray) -> int:
    """Remove the top of the heap; returns the new size."""
    size -= 1
    heap[0] = heap[size]
    if size > 0:
        _sift_down(heap, size, key, 0)
    return size


@compiled
def _sift_down(heap: IntArray, size: int, key: IntArray, pos: int) -> None:
    """Restore the heap below ``pos``: the best is the largest key, then the smallest node."""
    v = heap[pos]
    kv = key[v]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        c = heap[child]
        right = child + 1
        if right < size:
            r = heap[right]
            if key[r] > key[c] or (key[r] == key[c] and r < c):
                child, c = right, r
        if key[c] > kv or (key[c] == kv and c < v):
            heap[pos] = c
            pos = child
        else:
            break
    heap[pos] = v


@compiled
def _greedy_closed_cover(
    indptr: IntArray,
    indices: I32,
    core: BoolArray,
    candidate: BoolArray,
    reached: BoolArray,
    min_additions: int,
    target: float,
    use_target: bool,
) -> tuple[IntArray, IntArray, IntArray]:
    n = indptr.shape[0] - 1
    # gain[v] = |closed neighbourhood of v ∩ unreached|, kept exact (int32: less memory traffic)
    gain = np.zeros(n, dtype=np.int32)
    reached_count = 0
    core_size = 0
    for v in range(n):
        g = 0
        if reached[v]:
            reached_count += 1
        else:
            g = 1
        if core[v]:
            core_size += 1
        if candidate[v]:  # only candidates need a gain
            for slot in range(indptr[v], indptr[v + 1]):
                if not reached[indices[slot]]:
                    g += 1
        gain[v] = g
    # a max-heap of the candidates keyed by a gain that is at least the current gain:
    # (key desc, node asc)
    key, heap, size = _candidate_heap(candidate, gain)
    limit = size
    added = np.empty(limit, dtype=np.int64)
    gains = np.empty(limit, dtype=np.int64)
    reached_after = np.empty(limit, dtype=np.int64)
    count = 0
    while count < limit:
        if _done(count, min_additions, use_target, target, reached_count, core_size, n):
            break
        best, size = _pop_fresh(heap, size, key, gain)
        added[count] = best
        gains[count] = gain[best]
        core_size += 1
        # reach the closed neighbourhood; every newly reached person lowers the gain of their
        # own closed neighbourhood by one
        for j in range(indptr[best] - 1, indptr[best + 1]):
            u = best if j < indptr[best] else indices[j]
            if reached[u]:
                continue
            reached[u] = True
            reached_count += 1
            gain[u] -= 1
            for slot in range(indptr[u], indptr[u + 1]):
                gain[indices[slot]] -= 1
        reached_after[count] = reached_count
        count += 1
    return added[:count], gains[:count], reached_after[:count]


def greedy_closed_cover(
    indptr: IntArray,
    indices: I32,
    core: BoolArray,
    reached: BoolArray,
    min_additions: int,
    target: float | None = None,
    candidates: BoolArray | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """The plain greedy maximum coverage by closed neighbourhoods (reach within one hop).

    From the core ``core`` whose reached set (core and neighbours) is ``reached`` (updated in
    place), repeatedly add the person outside the core (and among ``candidates``, when given)
    whose closed neighbourhood holds the most unreached people, ties broken by the smallest
    node. Stops once it has made ``min_additions`` and (with a ``target``) the reach of the
    grown core meets the target (``reach.meets_target``), or when no candidate is left.

    Every candidate's gain is kept exact: reaching a person lowers by one the gain of each
    person in their closed neighbourhood, so all updates together cost O(nodes + slots). A
    heap keyed by possibly stale gains (each at least the true gain) picks the best: a stale
    top is refreshed and sunk; an exact top beats every other gain, or equals it with a smaller
    node. Returns the added nodes, their gains, and the number of people reached after each.
    """
    core = _bool(core)
    return _greedy_closed_cover(
        _i64(indptr),
        _i32(indices),
        core,
        _candidates(core, candidates),
        reached,
        max(int(min_additions), 0),
        0.0 if target is None else float(target),
        target is not None,
    )


# -- the greedy maximum coverage, more hops ---------------------------------------------------


@compiled
def _inner_ball(
    indptr: IntArray, indices: I32, v: int, depth: int, mark: IntArray, stamp: int, ball: IntArray
) -> tuple[int, int]:
    """Write {v} ∪ the nodes within ``depth`` of v into ``ball`` (marking them ``stamp``);
    return their number and the slots scanned."""
    ball[0] = v
    mark[v] = stamp
    size, head, work = 1, 0, 0
    for _ in range(depth):
        end = size
        if head == end:
            break
        while head < end:
            x = ball[head]
            head += 1
            work += indptr[x + 1] - indptr[x]
            for slot in range(indptr[x], indptr[x + 1]):
                w = indices[slot]
                if mark[w] != stamp:
                    mark[w] = stamp
                    ball[size] = w
                    size += 1
    return size, work


@compiled
def _unreached_in_ball(
    indptr: IntArray,
    indices: I32,
    reached: BoolArray,
    unreached_near: IntArray,
    ball: IntArray,
    size: int,
    mark: IntArray,
    stamp: int,
    found: IntArray,
) -> tuple[int, int]:
    """Write the unreached people in {w} ∪ N(w) for the first ``size`` w of ``ball`` into
    ``found`` (each once, marked ``stamp``), visiting only the w with someone unreached near
    them; return their number and the slots scanned."""
    count, work = 0, 0
    for i in range(size):
        w = ball[i]
        if unreached_near[w] == 0:
            continue
        if not reached[w] and mark[w] != stamp:
            mark[w] = stamp
            found[count] = w
            count += 1
        work += indptr[w + 1] - indptr[w]
        for slot in range(indptr[w], indptr[w + 1]):
            u = indices[slot]
            if not reached[u] and mark[u] != stamp:
                mark[u] = stamp
                found[count] = u
                count += 1
    return count, work


@compiled
def _ball_cover(
    indptr: IntArray,
    indices: I32,
    hops: int,
    reached: BoolArray,
    unreached_near: IntArray,
    ball_size: IntArray,
    heap: IntArray,
    key: IntArray,
    version: IntArray,
    exact: BoolArray,
    state: IntArray,
    added: IntArray,
    gains: IntArray,
    reached_after: IntArray,
    min_additions: int,
    target: float,
    use_target: bool,
    refresh_after: float,
    refine_overhead: int,
) -> bool:
    n = indptr.shape[0] - 1
    size, count, core_size, reached_count, refresh_cost, stamp = (
        state[0], state[1], state[2], state[3], state[4], state[5]
    )
    mark_ball = np.zeros(n, dtype=np.int64)
    mark_found = np.zeros(n, dtype=np.int64)
    ball = np.empty(n, dtype=np.int64)
    found = np.empty(n, dtype=np.int64)
    for pos in range(size // 2 - 1, -1, -1):
        _sift_down(heap, size, key, pos)
    work = 0
    refresh = False
    while size > 0:
        if _done(count, min_additions, use_target, target, reached_count, core_size, n):
            break
        if reached_count == n:
            # every gain is 0: the rest come in ascending index
            rest = np.sort(heap[:size])
            i = 0
            while i < size:
                if _done(count, min_additions, use_target, target, reached_count, core_size, n):
                    break
                added[count] = rest[i]
                gains[count] = 0
                reached_after[count] = reached_count
                count += 1
                core_size += 1
                i += 1
            heap[: size - i] = rest[i:]
            size -= i
            break
        best = heap[0]
        if key[best] > 0 and not (exact[best] and version[best] == reached_count):
            if work >= refresh_cost * refresh_after:
                refresh = True
                break
            stamp += 1
            inner, scanned = _inner_ball(indptr, indices, best, hops - 1, mark_ball, stamp, ball)
            if version[best] == reached_count:  # the cheap bound is current: count exactly
                got, more = _unreached_in_ball(
                    indptr, indices, reached, unreached_near, ball, inner, mark_found, stamp, found
                )
                key[best] = got
                exact[best] = True
                work += refine_overhead + scanned + more
            else:  # a cheap bound first: the unreached near each person within hops - 1
                bound = 0
                for i in range(inner):
                    bound += unreached_near[ball[i]]
                key[best] = bound
                exact[best] = False
                work += refine_overhead + scanned
            version[best] = reached_count
            _sift_down(heap, size, key, 0)
            continue
        size = _pop(heap, size, key)
        gain = key[best]
        if gain > 0:
            stamp += 1
            inner, _ = _inner_ball(indptr, indices, best, hops - 1, mark_ball, stamp, ball)
            got, _ = _unreached_in_ball(
                indptr, indices, reached, unreached_near, ball, inner, mark_found, stamp, found
            )
            for i in range(got):
                u = found[i]
                reached[u] = True
                unreached_near[u] -= 1
                for slot in range(indptr[u], indptr[u + 1]):
                    unreached_near[indices[slot]] -= 1
                refresh_cost -= ball_size[u]
            reached_count += got
        added[count] = best
        gains[count] = gain
        reached_after[count] = reached_count
        count += 1
        core_size += 1
        work = 0
    state[0], state[1], state[2], state[3], state[4], state[5] = (
        size, count, core_size, reached_count, refresh_cost, stamp
    )
    return refresh


def ball_cover(
    indptr: IntArray,
    indices: I32,
    hops: int,
    reached: BoolArray,
    unreached_near: IntArray,
    ball_size: IntArray,
    heap: IntArray,
    key: IntArray,
    version: IntArray,
    exact: BoolArray,
    state: IntArray,
    out: tuple[IntArray, IntArray, IntArray],
    min_additions: int,
    target: float | None,
    refresh_after: float,
    refine_overhead: int,
) -> bool:
    """The lazy greedy maximum coverage by balls of radius ``hops`` (at least 2), compiled.

    The caller holds the state, all updated in place: ``reached`` (R), ``unreached_near[w]`` =
    |({w} ∪ N(w)) \\ R|, the candidates ``heap[:state[0]]`` with their ``key`` (a bound of the
    gain |ball(v) \\ R|, computed when |R| was ``version[v]``, ``exact`` or not), ``ball_size``
    (bounds of |ball(v)|), and ``state`` = (heap size, additions so far, core size, |R|, the
    cost of recomputing every gain at once, a scratch stamp). Additions go to ``out`` (nodes,
    gains, |R| after each).

    The top of the heap is refined until its key is its exact gain now, and then it is the
    plain greedy's choice (the other keys bound their gains, ties go to the smaller node): first
    to the cheap bound (the sum of ``unreached_near`` within ``hops - 1``), then, if that bound
    is still on top, to the exact gain (visiting only people with someone unreached near them).
    Stops as ``greedy_closed_cover`` does and returns False; or returns True, leaving the state
    consistent, when refining one by one within a step has cost ``refresh_after`` times as much
    as recomputing every gain at once: the caller then does that, and calls again.
    """
    return _ball_cover(
        _i64(indptr),
        _i32(indices),
        int(hops),
        reached,
        unreached_near,
        ball_size,
        heap,
        key,
        version,
        exact,
        state,
        out[0],
        out[1],
        out[2],
        max(int(min_additions), 0),
        0.0 if target is None else float(target),
        target is not None,
        float(refresh_after),
        int(refine_overhead),
    )


@compiled
def _ball(
    indptr: IntArray, indices: I32, v: int, hops: int, mark: IntArray, stamp: int, ball: IntArray
) -> int:
    """Write {v} ∪ the nodes within ``hops`` of v into ``ball``; return their number."""
    size, _ = _inner_ball(indptr, indices, v, hops, mark, stamp, ball)
    return size


@compiled
def _ball_cover_exact(
    indptr: IntArray,
    indices: I32,
    hops: int,
    core: BoolArray,
    candidate: BoolArray,
    reached: BoolArray,
    min_additions: int,
    target: float,
    use_target: bool,
) -> tuple[IntArray, IntArray, IntArray]:
    n = indptr.shape[0] - 1
    mark = np.zeros(n, dtype=np.int64)
    ball = np.empty(n, dtype=np.int64)
    stamp = 0
    # gain[v] = |({v} ∪ ball(v)) \ R|: each unreached u counts for everyone within hops of it
    gain = np.zeros(n, dtype=np.int32)
    reached_count = 0
    core_size = 0
    for u in range(n):
        if core[u]:
            core_size += 1
        if reached[u]:
            reached_count += 1
            continue
        stamp += 1
        size = _ball(indptr, indices, u, hops, mark, stamp, ball)
        for i in range(size):
            gain[ball[i]] += 1
    key, heap, size = _candidate_heap(candidate, gain)
    limit = size
    added = np.empty(limit, dtype=np.int64)
    gains = np.empty(limit, dtype=np.int64)
    reached_after = np.empty(limit, dtype=np.int64)
    found = np.empty(n, dtype=np.int64)
    count = 0
    while count < limit:
        if _done(count, min_additions, use_target, target, reached_count, core_size, n):
            break
        best, size = _pop_fresh(heap, size, key, gain)
        added[count] = best
        gains[count] = gain[best]
        core_size += 1
        stamp += 1
        got = 0
        for i in range(_ball(indptr, indices, best, hops, mark, stamp, ball)):
            if not reached[ball[i]]:
                found[got] = ball[i]
                got += 1
        for j in range(got):  # each newly reached person lowers the gain around them
            u = found[j]
            reached[u] = True
            stamp += 1
            for i in range(_ball(indptr, indices, u, hops, mark, stamp, ball)):
                gain[ball[i]] -= 1
        reached_count += got
        reached_after[count] = reached_count
        count += 1
    return added[:count], gains[:count], reached_after[:count]


def ball_cover_exact(
    indptr: IntArray,
    indices: I32,
    hops: int,
    core: BoolArray,
    reached: BoolArray,
    min_additions: int,
    target: float | None = None,
    candidates: BoolArray | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """``greedy_closed_cover`` for balls of radius ``hops``: every gain kept exact.

    Each unreached person u counts once in the gain of everyone within ``hops`` of u, so the
    first gains and all later updates together cost the sum of the balls' sizes: linear when the
    balls are small (sparse maps, few hops), and then faster than the lazy ``ball_cover``, which
    re-checks every candidate tied at the top after each addition. Same results.
    """
    core = _bool(core)
    return _ball_cover_exact(
        _i64(indptr),
        _i32(indices),
        int(hops),
        core,
        _candidates(core, candidates),
        reached,
        max(int(min_additions), 0),
        0.0 if target is None else float(target),
        target is not None,
    )


@compiled
def _brought_by_group(
    indptr: IntArray, indices: I32, hops: int, reached: BoolArray, nodes: IntArray,
    gains: IntArray, group: npt.NDArray[np.int8], groups: int,
) -> IntArray:
    n = indptr.shape[0] - 1
    mark = np.zeros(n, dtype=np.int64)
    ball = np.empty(n, dtype=np.int64)
    out = np.zeros((nodes.shape[0], groups), dtype=np.int64)
    for k in range(nodes.shape[0]):
        if gains[k] == 0:
            continue
        # a breadth-first search of {v} ∪ within hops of v, stopped once all it brings are found
        v = nodes[k]
        stamp = k + 1
        ball[0] = v
        mark[v] = stamp
        size, head, found = 1, 0, 0
        if not reached[v]:
            reached[v] = True
            out[k, group[v]] += 1
            found += 1
        for _ in range(hops):
            end = size
            if head == end or found == gains[k]:
                break
            while head < end and found < gains[k]:
                x = ball[head]
                head += 1
                for slot in range(indptr[x], indptr[x + 1]):
                    w = indices[slot]
                    if mark[w] != stamp:
                        mark[w] = stamp
                        ball[size] = w
                        size += 1
                        if not reached[w]:
                            reached[w] = True
                            out[k, group[w]] += 1
                            found += 1
    return out


def brought_by_group_csr(
    indptr: IntArray, indices: I32, hops: int, reached: BoolArray, nodes: IntArray,
    gains: IntArray, group: npt.NDArray[np.int8], groups: int,
) -> IntArray:
    """Whom each greedy addition brings, by group: adding ``nodes`` in order to a core whose
    reached set is ``reached`` (updated in place), row k counts the people (by ``group``)
    first reached by node k: itself and those within ``hops`` of it not reached before. Each
    row sums to that addition's gain (``gains``, from the greedy), which lets the search of
    each ball stop as soon as it has found them all."""
    return _brought_by_group(_i64(indptr), _i32(indices), int(hops), reached, _i64(nodes),
                             _i64(gains), np.ascontiguousarray(group, dtype=np.int8),
                             int(groups))


# -- roles -----------------------------------------------------------------------------------


@compiled
def _bridging(
    indptr: IntArray,
    indices: I32,
    group: npt.NDArray[np.int8],
    seg_indptr: IntArray,
    seg_indices: I32,
    n_seg: int,
) -> BoolArray:
    n = indptr.shape[0] - 1
    out = np.zeros(indices.shape[0], dtype=np.bool_)
    holder = np.full(max(n_seg, 1), -1, dtype=np.int64)  # holder[s] == v: v is in segment s
    for v in range(n):
        for k in range(seg_indptr[v], seg_indptr[v + 1]):
            holder[seg_indices[k]] = v
        for slot in range(indptr[v], indptr[v + 1]):
            w = indices[slot]
            if group[w] != group[v]:
                out[slot] = True
                continue
            for k in range(seg_indptr[w], seg_indptr[w + 1]):
                if holder[seg_indices[k]] != v:
                    out[slot] = True
                    break
    return out


def bridging_csr(
    indptr: IntArray,
    indices: I32,
    group: npt.NDArray[np.int8],
    seg_indptr: IntArray,
    seg_indices: I32,
    n_seg: int,
) -> BoolArray:
    """Per CSR slot (person → neighbour): the neighbour's primary group differs, or the
    neighbour is in a segment the person is not in. O(slots × segments per neighbour)."""
    return _bridging(
        _i64(indptr),
        _i32(indices),
        np.ascontiguousarray(group, dtype=np.int8),
        _i64(seg_indptr),
        _i32(seg_indices),
        int(n_seg),
    )


@compiled
def _role_counts(
    indptr: IntArray,
    indices: I32,
    engaged: BoolArray,
    group: npt.NDArray[np.int8],
    seg_indptr: IntArray,
    seg_indices: I32,
    n_seg: int,
) -> tuple[IntArray, IntArray, IntArray]:
    n = indptr.shape[0] - 1
    engaged_ties = np.zeros(n, dtype=np.int64)
    bridging_ties = np.zeros(n, dtype=np.int64)
    groups_reached = np.zeros(n, dtype=np.int64)
    # what a neighbour's tie needs, packed in one word per person so each slot reads one word:
    # the primary group (bits 0-1; three groups), engagement (bit 2) and the segments as bits
    # (segment s -> bit 3 + s mod 61: exact with at most 61 segments; otherwise a filter before
    # the exact test)
    word = np.zeros(n, dtype=np.int64)
    for v in range(n):
        x = np.int64(group[v]) | (np.int64(4) if engaged[v] else np.int64(0))
        for k in range(seg_indptr[v], seg_indptr[v + 1]):
            x |= np.int64(1) << (3 + seg_indices[k] % 61)
        word[v] = x
    exact_bits = n_seg <= 61
    segment_bits = ~np.int64(7)
    holder = np.full(max(n_seg, 1), -1, dtype=np.int64)  # holder[s] == v: v is in segment s
    for v in range(n):
        if not exact_bits:
            for k in range(seg_indptr[v], seg_indptr[v + 1]):
                holder[seg_indices[k]] = v
        gv = word[v] & 3
        not_v = ~word[v] & segment_bits  # segments v is not in
        bits = 0
        e = 0
        b = 0
        for slot in range(indptr[v], indptr[v + 1]):
            x = word[indices[slot]]
            gw = x & 3
            e += (x >> 2) & 1
            bits |= 1 << gw
            if gw != gv:
                b += 1
                continue
            if x & not_v:  # the neighbour is in a segment v is not in
                b += 1
                continue
            if exact_bits or (x & segment_bits) == 0:
                continue
            w = indices[slot]
            for k in range(seg_indptr[w], seg_indptr[w + 1]):
                if holder[seg_indices[k]] != v:
                    b += 1
                    break
        engaged_ties[v] = e
        bridging_ties[v] = b
        while bits:
            groups_reached[v] += bits & 1
            bits >>= 1
    return engaged_ties, bridging_ties, groups_reached


def role_counts_csr(
    indptr: IntArray,
    indices: I32,
    engaged: BoolArray,
    group: npt.NDArray[np.int8],
    seg_indptr: IntArray,
    seg_indices: I32,
    n_seg: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """Per person: ties to engaged people, bridging ties (as ``bridging_csr`` counts them) and
    how many primary groups their neighbours belong to. One pass over the slots."""
    return _role_counts(
        _i64(indptr),
        _i32(indices),
        _bool(engaged),
        np.ascontiguousarray(group, dtype=np.int8),
        _i64(seg_indptr),
        _i32(seg_indices),
        int(n_seg),
    )


# -- helpers ---------------------------------------------------------------------------------


def warm_up() -> None:
    """Compile (or load from the cache) every kernel on a tiny graph."""
    indptr = np.array([0, 1, 2, 2], dtype=np.int64)
    indices = np.array([1, 0], dtype=np.int32)
    core = np.array([True, False, False])
    component_labels_csr(indptr, indices)
    within_hops_csr(indptr, indices, core, 1)
    hop_distances_csr(indptr, indices, core, 3)
    neighbour_sums_csr(indptr, indices, np.ones(3, dtype=np.int64))
    unique_reach_csr(indptr, indices, core, 2)
    spof_cut_off_csr(indptr, indices, core)
    greedy_closed_cover(indptr, indices, core, core.copy(), 1, 0.5)
    ball_cover_exact(indptr, indices, 2, core, core.copy(), 1, 0.5)
    one = np.array([1], dtype=np.int64)
    brought_by_group_csr(indptr, indices, 1, core.copy(), one, one, np.zeros(3, dtype=np.int8),
                         3)
    ones = np.ones(3, dtype=np.int64)
    out = (np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64))
    state = np.array([2, 0, 1, 2, 5, 0], dtype=np.int64)
    ball_cover(indptr, indices, 2, core | np.array([False, True, False]), ones - 1, ones,
               np.array([1, 2], dtype=np.int64), ones.copy(), ones * 2, ~core, state, out, 1, 0.5,
               1.0, 32)
    group = np.zeros(3, dtype=np.int8)
    segments = (np.zeros(4, dtype=np.int64), np.zeros(0, dtype=np.int32), 0)
    bridging_csr(indptr, indices, group, *segments)
    role_counts_csr(indptr, indices, core, group, *segments)


def _i64(a: npt.ArrayLike) -> IntArray:
    return np.ascontiguousarray(a, dtype=np.int64)


def _i32(a: npt.ArrayLike) -> I32:
    return np.ascontiguousarray(a, dtype=np.int32)


def _bool(a: npt.ArrayLike) -> BoolArray:
    return np.ascontiguousarray(a, dtype=np.bool_)


def _candidates(core: BoolArray, candidates: BoolArray | None) -> BoolArray:
    """Who the greedy may add: everyone outside the core, among ``candidates`` when given."""
    outside = ~core
    return outside if candidates is None else outside & _bool(candidates)
