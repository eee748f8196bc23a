"""Where each person (and each segment) sits in the network picture: computed once per map.

Two methods, both deterministic for a seed, so the picture does not jump between visits:

- ``force`` (maps up to ``FORCE_LIMIT`` people): a Fruchterman–Reingold spring layout compiled
  with numba (exact repulsion, O(n²) per iteration: about a second for 5,000 people) with a
  gentle pull to the centre so separate parts of the map stay in view. Each segment sits at the
  centre of its people.
- ``segments`` (larger maps): a spring layout of the segments themselves, weighted by the ties
  between them, and each person placed in a disc around their home segment (the largest segment
  they belong to) on a sunflower spiral, engaged core in the middle. O(people + ties).

Expected segments with nobody in them get places too, on a ring around the map, so the picture
can show them as marked empty places. The page caches a ``Layout`` per revision of a map.

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> g = CompactGraph.from_records("x", [Person(id="a", group="people"),
    ...     Person(id="b", group="people")], [Relationship(source="a", target="b")])
    >>> layout = compute_layout(g)
    >>> layout.method, layout.x.shape
    ('force', (2,))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from graph.compact import CompactGraph

__all__ = ["FORCE_LIMIT", "NO_SEGMENT", "PLACE_KIND", "Layout", "compute_layout", "ring",
           "segment_incidence", "segment_ties", "subset_positions"]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

FORCE_LIMIT = 5_000
"""Maps up to this many people get the force layout; larger ones the segment layout."""

PLACE_KIND = "locality:"
"""Segments of this kind are where people live: the home of a person in the segment layout."""

NO_SEGMENT = "(no segment)"
"""The place of people who belong to no segment in the segment layout and aggregated view."""


@dataclass(frozen=True)
class Layout:
    """Positions of every person, and of every segment for the picture with one per segment.

    ``x``/``y`` have one entry per person (graph node order). ``segments`` lists the segments on
    the map in ``graph.segment_names`` order, then ``NO_SEGMENT`` when someone has none;
    ``segment_x``/``segment_y`` are their places in the segments picture (a frame of its own).
    ``empty_segments`` are the expected segments with nobody in the map; ``ring`` places them
    around whichever picture is drawn.
    """

    method: str
    x: F32
    y: F32
    segments: list[str]
    segment_x: F32
    segment_y: F32
    empty_segments: list[str]
    home: I64  # per person: index into ``segments`` of their home segment


def ring(xs: npt.NDArray[np.floating], ys: npt.NDArray[np.floating],
         count: int) -> tuple[F32, F32]:
    """``count`` evenly spaced places on a ring just outside the points (xs, ys), from the top."""
    if count == 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
    if xs.size:
        cx, cy = float(np.median(xs)), float(np.median(ys))
        radius = float(np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2).max()) * 1.15 + 1.0
    else:
        cx = cy = 0.0
        radius = 1.0
    angles = np.linspace(0, 2 * math.pi, num=count, endpoint=False) + math.pi / 2
    return ((cx + radius * np.cos(angles)).astype(np.float32),
            (cy + radius * np.sin(angles)).astype(np.float32))


def compute_layout(graph: CompactGraph, *, seed: int = 1,
                   force_limit: int = FORCE_LIMIT) -> Layout:
    """The layout of ``graph``: ``force`` up to ``force_limit`` people, else ``segments``."""
    home, names = _homes(graph)
    incidence = _layout_incidence(graph, home, len(names))
    sizes = _home_sizes(home, len(names))
    seg_pos = _segment_positions(segment_ties(graph, incidence), sizes, seed)
    pos = _people_around(graph, home, seg_pos, sizes)
    method = "segments"
    if graph.n <= force_limit:
        # start from the segment picture, so people of one place begin together and the
        # springs only have to settle the ties between them
        pos = _force_layout(graph, pos, seed)
        method = "force"
    present = set(graph.segment_names)
    return Layout(
        method=method,
        x=pos[:, 0].astype(np.float32),
        y=pos[:, 1].astype(np.float32),
        segments=names,
        segment_x=seg_pos[:, 0].astype(np.float32),
        segment_y=seg_pos[:, 1].astype(np.float32),
        empty_segments=[s for s in graph.expected_segments if s not in present],
        home=home,
    )


def _homes(graph: CompactGraph) -> tuple[I64, list[str]]:
    """Each person's home segment and the segment names.

    The home is where someone lives when they have a ``locality:`` segment (the largest, if
    several), else the largest segment they belong to; people with no segment get
    ``NO_SEGMENT``, appended after ``graph.segment_names``.
    """
    n, s = graph.n, len(graph.segment_names)
    counts = np.bincount(graph.segment_indices, minlength=s).astype(np.int64)
    sizes = np.diff(graph.segment_indptr)
    home = np.full(n, s, dtype=np.int64)
    has = sizes > 0
    if s:
        owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
        seg = graph.segment_indices.astype(np.int64)
        # prefer a locality, then the largest segment; ties by segment index (sorted names)
        place = np.array([name.startswith(PLACE_KIND) for name in graph.segment_names])
        size = counts + place * (int(counts.max(initial=0)) + 1)
        score = size[seg] * (s + 1) + (s - seg)
        best = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best, owner, score)
        chosen = s - (best[has] % (s + 1))
        home[has] = chosen
    names = list(graph.segment_names)
    if not has.all():
        names.append(NO_SEGMENT)
    return home, names


SEGMENT_PAIRS_LIMIT = 5_000_000
"""Weighing segments by every pair of segments a tie joins costs, per tie, the product of its
two people's segment counts; past this many pairs (a map of people with dozens of segments
each) the layout weighs segments by the ties between people's home segments alone."""


def _layout_incidence(graph: CompactGraph, home: I64, k: int) -> sparse.csr_matrix:
    counts = np.maximum(np.diff(graph.segment_indptr), 1)
    pairs = int((counts[graph.edge_u] * counts[graph.edge_v]).sum()) if graph.n else 0
    if pairs <= SEGMENT_PAIRS_LIMIT:
        return segment_incidence(graph)[0]
    return sparse.csr_matrix((np.ones(graph.n, dtype=np.int64),
                              (np.arange(graph.n, dtype=np.int64), home)), shape=(graph.n, k))


def _home_sizes(home: I64, k: int) -> I64:
    return np.bincount(home, minlength=k).astype(np.int64)


def segment_incidence(graph: CompactGraph) -> tuple[sparse.csr_matrix, list[str]]:
    """Person × segment membership (n × k, 0/1) and the segment names.

    The names are ``graph.segment_names``, then ``NO_SEGMENT`` when someone belongs to none
    (those people are its members).
    """
    n, s = graph.n, len(graph.segment_names)
    sizes = np.diff(graph.segment_indptr)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    cols = graph.segment_indices.astype(np.int64)
    names = list(graph.segment_names)
    none = np.flatnonzero(sizes == 0)
    if none.size:
        owner = np.concatenate([owner, none])
        cols = np.concatenate([cols, np.full(none.size, s, dtype=np.int64)])
        names.append(NO_SEGMENT)
    matrix = sparse.csr_matrix((np.ones(owner.size, dtype=np.int64), (owner, cols)),
                               shape=(n, len(names)))
    return matrix, names


def segment_ties(graph: CompactGraph, incidence: sparse.csr_matrix,
                 keep: npt.NDArray[np.bool_] | None = None) -> sparse.csr_matrix:
    """Ties between segments as a symmetric k×k sparse matrix.

    Entry [a, b] (a ≠ b) counts the ties between a member of ``a`` and a member of ``b``
    (a tie between people in several segments counts for every pair); the diagonal counts the
    ties within a segment. ``keep`` selects the ties to count (default: all).
    """
    u = graph.edge_u if keep is None else graph.edge_u[keep]
    v = graph.edge_v if keep is None else graph.edge_v[keep]
    adjacency = sparse.csr_matrix((np.ones(u.size, dtype=np.int64), (u, v)),
                                  shape=(graph.n, graph.n))
    upper = (incidence.T @ (adjacency @ incidence)).tocsr()
    both = (upper + upper.T).tolil()
    both.setdiag(upper.diagonal())
    return both.tocsr()


def _force_layout(graph: CompactGraph, start: F64, seed: int) -> F64:
    n = graph.n
    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    pos = _normalise(start) + rng.normal(0.0, 0.5, size=(n, 2))
    weights = np.ones(graph.indices.shape[0], dtype=np.float64)
    iterations = 120 if n <= 1000 else 80 if n <= 2500 else 50
    _spring(pos, graph.indptr.astype(np.int64), graph.indices.astype(np.int64), weights,
            iterations, 1.0, 0.08)
    return _normalise(pos)


def subset_positions(graph: CompactGraph, layout: Layout, nodes: npt.NDArray[np.integer],
                     edges: npt.NDArray[np.integer], seed: int = 1) -> tuple[F32, F32]:
    """A spring layout of some people and ties of a large map, for drawing them one by one.

    The segment layout of a large map places people in discs, which reads poorly once a filter
    leaves only a few thousand of them; this lays out just ``nodes`` (indices) with the ``edges``
    between them (tie indices), starting from their places in ``layout``. Returns arrays of
    length ``graph.n`` (NaN for everyone else).
    """
    x = np.full(graph.n, np.nan, dtype=np.float32)
    y = np.full(graph.n, np.nan, dtype=np.float32)
    k = int(nodes.size)
    if k == 0:
        return x, y
    local = np.full(graph.n, -1, dtype=np.int64)
    local[nodes] = np.arange(k)
    u, v = local[graph.edge_u[edges]], local[graph.edge_v[edges]]
    adjacency = sparse.csr_matrix((np.ones(u.size), (u, v)), shape=(k, k))
    adjacency = (adjacency + adjacency.T).tocsr()
    adjacency.sort_indices()
    start = np.column_stack([layout.x[nodes], layout.y[nodes]]).astype(np.float64)
    rng = np.random.default_rng(seed)
    pos = _normalise(start) + rng.normal(0.0, 0.5, size=(k, 2)) if k > 1 else np.zeros((k, 2))
    if k > 1:
        iterations = 120 if k <= 1000 else 80 if k <= 2500 else 50
        _spring(pos, adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64),
                np.ones(adjacency.indices.size), iterations, 1.0, 0.08)
        pos = _normalise(pos)
    x[nodes] = pos[:, 0]
    y[nodes] = pos[:, 1]
    return x, y


SPRING_SEGMENTS = 400
"""At most this many segments (the largest) are laid out by springs, which cost the square of
their number; any others, small ones of a map with thousands, go round them on a spiral."""


def _segment_positions(weights: sparse.csr_matrix, sizes: I64, seed: int) -> F64:
    """Segments laid out by springs weighted by the ties between them, spaced by their size;
    past ``SPRING_SEGMENTS``, the smaller ones on a spiral around the rest."""
    k = weights.shape[0]
    if k == 0:
        return np.zeros((0, 2))
    if k == 1:
        return np.zeros((1, 2))
    if k > SPRING_SEGMENTS:
        return _large_segment_positions(weights, sizes, seed)
    off = weights.tocoo()
    mask = off.row != off.col
    strength = np.log1p(off.data[mask].astype(np.float64))
    graph = sparse.csr_matrix((strength, (off.row[mask], off.col[mask])), shape=(k, k))
    rng = np.random.default_rng(seed)
    side = math.sqrt(k)
    pos = rng.uniform(-side / 2, side / 2, size=(k, 2))
    scale = float(strength.mean()) if strength.size else 1.0
    _spring(pos, graph.indptr.astype(np.int64), graph.indices.astype(np.int64),
            graph.data / max(scale, 1e-9), 200, 1.0, 0.08)
    pos = _normalise(pos)
    # spread so that the discs of neighbouring segments do not overlap much
    disc = _disc_radius(sizes)
    spacing = 2.2 * float(disc.max()) if disc.size else 1.0
    nearest = _nearest_distance(pos)
    return pos * (spacing / max(nearest, 1e-6))


def _large_segment_positions(weights: sparse.csr_matrix, sizes: I64, seed: int) -> F64:
    order = np.lexsort((np.arange(sizes.size), -sizes))
    big, rest = order[:SPRING_SEGMENTS], order[SPRING_SEGMENTS:]
    pos = np.empty((sizes.size, 2))
    pos[big] = _segment_positions(weights[big][:, big], sizes[big], seed)
    spacing = 2.2 * float(_disc_radius(sizes[rest]).max())
    inner = float(np.sqrt((pos[big] ** 2).sum(axis=1)).max()) + spacing
    # a sunflower spiral from the rim outwards, largest first, one disc apart
    rank = np.arange(rest.size, dtype=np.float64)
    radius = np.sqrt(inner * inner + rank * spacing * spacing * 1.3)
    theta = rank * math.pi * (3 - math.sqrt(5))
    pos[rest, 0] = radius * np.cos(theta)
    pos[rest, 1] = radius * np.sin(theta)
    return pos


def _disc_radius(sizes: I64) -> F64:
    return np.sqrt(np.maximum(sizes, 1).astype(np.float64)) * 0.5


def _nearest_distance(pos: F64) -> float:
    """The median distance from a segment to its nearest other (a k-d tree: no k² table)."""
    if pos.shape[0] < 2:
        return 1.0
    distances, _ = cKDTree(pos).query(pos, k=2)
    return float(np.median(distances[:, 1]))


def _people_around(graph: CompactGraph, home: I64, seg_pos: F64, sizes: I64) -> F64:
    """Each person on a sunflower spiral in the disc of their home segment, core innermost."""
    n = graph.n
    if n == 0:
        return np.zeros((0, 2))
    # order within a segment: core first, then by engagement (highest first), then by group
    order = np.lexsort((graph.group, -graph.engagement.astype(np.int64),
                        ~graph.core_mask, home))
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[home[order]]
    golden = math.pi * (3 - math.sqrt(5))
    radius = 0.5 * np.sqrt(rank + 0.5)
    theta = rank * golden
    out = np.empty((n, 2))
    out[:, 0] = seg_pos[home, 0] + radius * np.cos(theta)
    out[:, 1] = seg_pos[home, 1] + radius * np.sin(theta)
    return out


def _normalise(pos: F64) -> F64:
    """Centre on the median, scale so that the median distance to the centre is sqrt(n)/2,
    and bring far-flung people (isolated ones pushed away) in to the rim of the picture."""
    pos = pos - np.median(pos, axis=0)
    dist = np.sqrt((pos * pos).sum(axis=1))
    median = float(np.median(dist)) if dist.size else 0.0
    if median <= 0:
        return pos
    pos = pos * (math.sqrt(pos.shape[0]) / 2 / median)
    dist = dist * (math.sqrt(pos.shape[0]) / 2 / median)
    rim = float(np.quantile(dist, 0.95)) * 1.15
    far = dist > rim
    pos[far] *= (rim / dist[far])[:, None]
    return pos


@numba.njit(cache=True)
def _spring(pos: F64, indptr: I64, indices: I64, weights: F64, iterations: int, k: float,
            gravity: float) -> None:  # pragma: no cover - compiled
    """Fruchterman–Reingold in place: repulsion k²/d between all pairs, attraction w·d²/k along
    ties, a linear pull to the centre; the step shrinks linearly to zero (cooling)."""
    n = pos.shape[0]
    disp = np.zeros((n, 2))
    t0 = max(1.0, math.sqrt(n) / 8.0)
    for it in range(iterations):
        t = t0 * (1.0 - it / iterations) + 1e-3
        for i in range(n):
            disp[i, 0] = -gravity * pos[i, 0]
            disp[i, 1] = -gravity * pos[i, 1]
        for i in range(n):
            xi = pos[i, 0]
            yi = pos[i, 1]
            for j in range(i + 1, n):
                dx = xi - pos[j, 0]
                dy = yi - pos[j, 1]
                d2 = dx * dx + dy * dy + 1e-6
                f = k * k / d2
                disp[i, 0] += dx * f
                disp[i, 1] += dy * f
                disp[j, 0] -= dx * f
                disp[j, 1] -= dy * f
        for i in range(n):
            for s in range(indptr[i], indptr[i + 1]):
                j = indices[s]
                if j <= i:
                    continue
                dx = pos[i, 0] - pos[j, 0]
                dy = pos[i, 1] - pos[j, 1]
                d = math.sqrt(dx * dx + dy * dy) + 1e-9
                f = weights[s] * d / k
                disp[i, 0] -= dx * f
                disp[i, 1] -= dy * f
                disp[j, 0] += dx * f
                disp[j, 1] += dy * f
        for i in range(n):
            length = math.sqrt(disp[i, 0] ** 2 + disp[i, 1] ** 2) + 1e-9
            step = min(length, t) / length
            pos[i, 0] += disp[i, 0] * step
            pos[i, 1] += disp[i, 1] * step
