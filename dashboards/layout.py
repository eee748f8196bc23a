"""Where each person (and each segment) sits in the network picture: computed once per map.

Two methods, both deterministic for a seed, so the picture does not jump between visits:

- ``force`` (maps up to ``FORCE_LIMIT`` people): a Fruchterman–Reingold spring layout compiled
  with numba (exact repulsion, O(n²) per iteration: about a second for 5,000 people) with a
  gentle pull to the centre so separate parts of the map stay in view. Each segment sits at the
  centre of its people.
- ``segments`` (larger maps): a spring layout of the segments themselves, weighted by the ties
  between them, and each person placed in a disc around their home segment (the largest segment
  they belong to) on a sunflower spiral, engaged core in the middle. O(people + ties).

Given the map's clusters (``graph.analysis.clusters``: a label per person), people are laid out
in **cluster regions** instead: the clusters are laid out first as a graph of their own (one
node per cluster, weighted by the ties between clusters, spaced by their size), then each
person in the disc of their cluster: by springs among the cluster's own people on a small map,
on a sunflower spiral (core in the middle) on a large one. Clusters below
``REGION_MIN_SIZE`` people (people alone, pairs) share one region. Segments keep their own
places for the picture with one circle per segment.

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
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from graph.compact import CompactGraph

__all__ = ["FORCE_LIMIT", "NO_SEGMENT", "PLACE_KIND", "REGION_MIN_SIZE", "Layout",
           "compute_layout", "ring", "segment_incidence", "segment_ties", "subset_positions"]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

FORCE_LIMIT = 5_000
"""Maps up to this many people get the force layout; larger ones the segment layout."""

PLACE_KIND = "locality:"
"""Segments of this kind are where people live: the home of a person in the segment layout."""

NO_SEGMENT = "(no segment)"
"""The place of people who belong to no segment in the segment layout and aggregated view."""

REGION_MIN_SIZE = 5
"""Clusters of at least this many people get a region of their own; smaller ones share one."""
MAX_REGIONS = 400
"""At most this many clusters (the largest) get a region of their own; the rest share one."""


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
    region: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per person, their cluster region (the cluster's label; one shared region, numbered
    after the others, for the small clusters); empty when laid out without clusters."""
    region_x: F32 = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    region_y: F32 = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    region_r: F32 = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    """Centre and radius of each region, in the people's picture."""


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


def compute_layout(graph: CompactGraph, *, seed: int = 1, force_limit: int = FORCE_LIMIT,
                   clusters: I64 | None = None) -> Layout:
    """The layout of ``graph``: ``force`` up to ``force_limit`` people, else ``segments``;
    in cluster regions when ``clusters`` (each person's cluster, 0 the largest) is given."""
    home, names = _homes(graph)
    incidence = _layout_incidence(graph, home, len(names))
    sizes = _home_sizes(home, len(names))
    seg_pos = _segment_positions(segment_ties(graph, incidence), sizes, seed)
    small = graph.n <= force_limit
    method = "force" if small else "segments"
    if clusters is not None and clusters.size == graph.n and graph.n:
        region = _regions(clusters)
        pos, centres, radii = _region_layout(graph, region, seed, springs=small)
    else:
        region = np.zeros(0, dtype=np.int64)
        centres, radii = np.zeros((0, 2)), np.zeros(0)
        pos = _people_around(graph, home, seg_pos, sizes)
        if small:
            # start from the segment picture, so people of one place begin together and the
            # springs only have to settle the ties between them
            pos = _force_layout(graph, pos, seed)
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
        region=region,
        region_x=centres[:, 0].astype(np.float32),
        region_y=centres[:, 1].astype(np.float32),
        region_r=radii.astype(np.float32),
    )


def _packed(start: F64, radii: F64) -> F64:
    """Discs of ``radii`` from their places in ``start``, pulled together and pushed apart
    until none overlaps: the regions keep their neighbours but the picture has no far-flung
    region and no region on top of another."""
    k = start.shape[0]
    if k <= 1:
        return np.zeros((k, 2))
    pos = start - np.average(start, axis=0, weights=radii ** 2)
    reach = float(np.sqrt((pos ** 2).sum(axis=1)).max()) or 1.0
    pos = pos * (2.0 * math.sqrt(float((radii ** 2).sum())) / reach)
    _separate(pos, radii.astype(np.float64), 0.15 * float(np.median(radii)), 300)
    return pos


@numba.njit(cache=True)
def _separate(pos: F64, radii: F64, gap: float, iterations: int) -> None:  # pragma: no cover
    """In place: each round pulls every disc 2% towards the centre, then pushes apart each
    pair closer than their radii and ``gap``; the last rounds only push."""
    k = pos.shape[0]
    for it in range(iterations):
        if it < iterations - 50:
            for i in range(k):
                pos[i, 0] *= 0.98
                pos[i, 1] *= 0.98
        for i in range(k):
            for j in range(i + 1, k):
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                d = math.sqrt(dx * dx + dy * dy) + 1e-9
                need = radii[i] + radii[j] + gap
                if d < need:
                    push = (need - d) / d
                    # the smaller disc moves more, so large regions stay put
                    wi = radii[j] / (radii[i] + radii[j])
                    pos[i, 0] -= dx * push * wi
                    pos[i, 1] -= dy * push * wi
                    pos[j, 0] += dx * push * (1.0 - wi)
                    pos[j, 1] += dy * push * (1.0 - wi)


def _regions(clusters: I64) -> I64:
    """Each person's region: their cluster when it has ``REGION_MIN_SIZE`` people or more,
    else one region shared by all the small clusters, numbered after the others."""
    sizes = np.bincount(clusters)
    own = sizes >= REGION_MIN_SIZE  # labels run largest first, so these come first
    own[MAX_REGIONS:] = False
    shared = int(np.count_nonzero(own))
    return np.where(own[clusters], clusters, shared).astype(np.int64)


def _region_layout(graph: CompactGraph, region: I64, seed: int,
                   springs: bool) -> tuple[F64, F64, F64]:
    """People in the discs of their regions, the regions laid out by the ties between them.

    Returns each person's position, each region's centre and its radius. With ``springs`` the
    people of each region are laid out by springs among themselves (their ties within it),
    scaled into the disc; otherwise on a sunflower spiral, core in the middle.
    """
    k = int(region.max()) + 1
    sizes = _home_sizes(region, k)
    member = sparse.csr_matrix((np.ones(graph.n, dtype=np.int64),
                                (np.arange(graph.n, dtype=np.int64), region)),
                               shape=(graph.n, k))
    radii = _disc_radius(sizes) + 0.3  # the spiral reaches out to the disc radius
    centres = _packed(_segment_positions(segment_ties(graph, member), sizes, seed), radii)
    pos = _people_around(graph, region, centres, sizes)
    if springs:
        inside = region[graph.edge_u] == region[graph.edge_v]
        order = np.argsort(region, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        for r in range(k):
            nodes = order[bounds[r]:bounds[r + 1]]
            if nodes.size < 3:
                continue
            local = _spring_subset(graph, pos, nodes, inside & (region[graph.edge_u] == r), seed)
            reach = float(np.sqrt((local ** 2).sum(axis=1)).max()) or 1.0
            pos[nodes] = centres[r] + local * (radii[r] * 0.9 / reach)
    return pos, centres, radii


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
    if nodes.size == 0:
        return x, y
    start = np.column_stack([layout.x, layout.y]).astype(np.float64)
    keep = np.zeros(graph.m, dtype=bool)
    keep[edges] = True
    pos = _spring_subset(graph, start, nodes, keep, seed)
    x[nodes] = pos[:, 0]
    y[nodes] = pos[:, 1]
    return x, y


def _spring_subset(graph: CompactGraph, start: F64, nodes: npt.NDArray[np.integer],
                   keep: npt.NDArray[np.bool_], seed: int) -> F64:
    """Springs among ``nodes`` (indices) along the ties of ``keep`` (a mask over ties, both
    ends among ``nodes``), from their places in ``start`` (one row per person); normalised,
    one row per node of ``nodes``."""
    k = int(nodes.size)
    if k <= 1:
        return np.zeros((k, 2))
    local = np.full(graph.n, -1, dtype=np.int64)
    local[nodes] = np.arange(k)
    u, v = local[graph.edge_u[keep]], local[graph.edge_v[keep]]
    adjacency = sparse.csr_matrix((np.ones(u.size), (u, v)), shape=(k, k))
    adjacency = (adjacency + adjacency.T).tocsr()
    adjacency.sort_indices()
    rng = np.random.default_rng(seed)
    pos = _normalise(start[nodes]) + rng.normal(0.0, 0.5, size=(k, 2))
    iterations = 120 if k <= 1000 else 80 if k <= 2500 else 50
    _spring(pos, adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64),
            np.ones(adjacency.indices.size), iterations, 1.0, 0.08)
    return _normalise(pos)


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
