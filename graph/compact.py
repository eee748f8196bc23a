"""The compact analysis graph: a constituency as numpy arrays (CSR adjacency + attribute arrays).

Analysis runs on this, never on a store or on Python objects per tie, so the same code is fast
at a million people. Nodes are numbered 0..n-1 in ascending id order, so "ties broken by
ascending id" is "ties broken by ascending index". ``to_networkx()`` gives the convenient view
and is the independent reference in the tests.

Example:
    >>> from graph.model import Person, Relationship
    >>> g = CompactGraph.from_records("x", [Person(id="b", group="people"),
    ...     Person(id="a", group="system_leaders")], [Relationship(source="b", target="a")])
    >>> g.ids, g.n, g.m
    (['a', 'b'], 2, 1)
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from graph.model import (
    GROUPS,
    TRUST_TYPES,
    Engagement,
    Person,
    Relationship,
    Role,
    TrustType,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NO_DATE", "CompactGraph", "compiled", "date_to_day", "day_to_date", "dispatcher",
           "sorted_unique"]

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

NO_DATE = np.iinfo(np.int32).min
"""Value of a missing date in the day arrays."""

_EPOCH = date(1970, 1, 1).toordinal()
_ENGAGEMENT = tuple(Engagement)
_ROLES = tuple(Role)
LEADING = Engagement.LEADING.rank
CONTRIBUTING = Engagement.CONTRIBUTING.rank


def date_to_day(value: date | None) -> int:
    """Days since 1970-01-01, or ``NO_DATE``."""
    return NO_DATE if value is None else value.toordinal() - _EPOCH


def day_to_date(day: int) -> date | None:
    return None if day == NO_DATE else date.fromordinal(int(day) + _EPOCH)


@dataclass(eq=False)
class CompactGraph:
    """An undirected constituency graph held in arrays.

    Node arrays have length ``n``; edge arrays (``edge_u < edge_v``, one entry per tie, sorted)
    have length ``m``; the CSR arrays ``indptr``/``indices``/``slot_edge`` list each node's
    neighbours in ascending index order, ``slot_edge`` giving the tie of each slot.
    """

    name: str
    ids: list[str]
    names: list[str]
    organisations: list[str]
    group: I8  # primary group index (graph.model.GROUPS order)
    member_of: npt.NDArray[np.uint8]  # bit g set when the person belongs to group g (any)
    segment_names: list[str]  # sorted
    segment_indptr: IntArray
    segment_indices: I32  # person -> segment indices, CSR
    formal_power: I8
    informal_power: I8
    lived_experience: BoolArray
    engagement: I8  # Engagement.rank
    declared_role: I8  # Role index or -1
    joined: I32  # days since epoch or NO_DATE
    edge_u: I32
    edge_v: I32
    strength: Mapping[str, I8]  # trust type -> per-tie strength (max recorded)
    edge_since: I32  # earliest recorded since, NO_DATE when none
    recruit_source: I32  # one entry per distinct (recruiter, recruit) pair
    recruit_target: I32
    expected_segments: tuple[str, ...] = ()
    indptr: IntArray = field(init=False)
    indices: I32 = field(init=False)
    slot_edge: I32 = field(init=False)
    _index: dict[str, int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.indptr, self.indices, self.slot_edge = _csr(self.n, self.edge_u, self.edge_v)

    # -- sizes and lookups -------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return int(self.edge_u.shape[0])

    def index_of(self, person_id: str) -> int:
        """Node index of a person id; ``KeyError`` when absent."""
        if self._index is None:
            self._index = {pid: i for i, pid in enumerate(self.ids)}
        return self._index[person_id]

    def neighbours(self, node: int) -> I32:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def degree(self) -> IntArray:
        return np.diff(self.indptr)

    @property
    def core_mask(self) -> BoolArray:
        """The engaged core C: engagement ``leading`` or a declared role."""
        return (self.engagement == LEADING) | (self.declared_role >= 0)

    @property
    def engaged_mask(self) -> BoolArray:
        """Engaged for roles: ``contributing`` or above, or a declared role."""
        return (self.engagement >= CONTRIBUTING) | (self.declared_role >= 0)

    def segments_of(self, node: int) -> list[str]:
        lo, hi = self.segment_indptr[node], self.segment_indptr[node + 1]
        return [self.segment_names[s] for s in self.segment_indices[lo:hi]]

    def segment_members(self) -> list[I32]:
        """For each segment (``segment_names`` order), the node indices in it."""
        owner = np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.segment_indptr))
        order = np.argsort(self.segment_indices, kind="stable")
        bounds = np.searchsorted(
            self.segment_indices[order], np.arange(len(self.segment_names) + 1)
        )
        return [owner[order[bounds[s] : bounds[s + 1]]] for s in range(len(self.segment_names))]

    # -- derived graphs ----------------------------------------------------------------------

    def channels(self, min_trust: Mapping[str, int] | None = None) -> CompactGraph:
        """The graph of ties that count as conversation channels.

        A tie counts when, for every trust type named in ``min_trust``, its strength is at
        least the minimum. With no minimum (the default) every tie counts and ``self`` is
        returned unchanged.
        """
        if not min_trust or all(v <= 0 for v in min_trust.values()):
            return self
        keep = np.ones(self.m, dtype=bool)
        for trust, minimum in min_trust.items():
            keep &= self.strength[TrustType(trust).value] >= minimum
        return self.subgraph_edges(keep)

    def subgraph_edges(self, keep: BoolArray) -> CompactGraph:
        """The same people with only the ties where ``keep`` is true."""
        return CompactGraph(
            name=self.name,
            ids=self.ids,
            names=self.names,
            organisations=self.organisations,
            group=self.group,
            member_of=self.member_of,
            segment_names=self.segment_names,
            segment_indptr=self.segment_indptr,
            segment_indices=self.segment_indices,
            formal_power=self.formal_power,
            informal_power=self.informal_power,
            lived_experience=self.lived_experience,
            engagement=self.engagement,
            declared_role=self.declared_role,
            joined=self.joined,
            edge_u=self.edge_u[keep],
            edge_v=self.edge_v[keep],
            strength={k: v[keep] for k, v in self.strength.items()},
            edge_since=self.edge_since[keep],
            recruit_source=self.recruit_source,
            recruit_target=self.recruit_target,
            expected_segments=self.expected_segments,
        )

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        name: str,
        people: Iterable[Person],
        relationships: Iterable[Relationship],
        expected_segments: Sequence[str] = (),
    ) -> CompactGraph:
        """Build from validated model objects (ties to unknown ids raise ``KeyError``)."""
        people = sorted(people, key=lambda p: p.id)
        ids = [p.id for p in people]
        index = {pid: i for i, pid in enumerate(ids)}
        if len(index) != len(ids):
            raise ValueError("duplicate person id")
        seg_names = sorted({s for p in people for s in p.segments})
        seg_index = {s: i for i, s in enumerate(seg_names)}
        seg_lists = [[seg_index[s] for s in p.segments] for p in people]
        rels = list(relationships)
        src = np.fromiter((index[r.source] for r in rels), dtype=np.int64, count=len(rels))
        dst = np.fromiter((index[r.target] for r in rels), dtype=np.int64, count=len(rels))
        return cls.from_arrays(
            name=name,
            ids=ids,
            names=[p.name for p in people],
            organisations=[p.organisation for p in people],
            group=np.array([p.group.index for p in people], dtype=np.int8),
            member_of=np.array(
                [sum(1 << g.index for g in p.groups) for p in people], dtype=np.uint8
            ),
            segment_names=seg_names,
            segment_lists=seg_lists,
            formal_power=np.array([p.formal_power for p in people], dtype=np.int8),
            informal_power=np.array([p.informal_power for p in people], dtype=np.int8),
            lived_experience=np.array([p.lived_experience for p in people], dtype=bool),
            engagement=np.array([p.engagement.rank for p in people], dtype=np.int8),
            declared_role=np.array(
                [-1 if p.role is None else p.role.index for p in people], dtype=np.int8
            ),
            joined=np.array([date_to_day(p.joined) for p in people], dtype=np.int32),
            rel_source=src,
            rel_target=dst,
            rel_strength={
                t.value: np.array([r.strength(t) for r in rels], dtype=np.int8)
                for t in TRUST_TYPES
            },
            rel_recruited=np.array([r.recruited for r in rels], dtype=bool),
            rel_since=np.array([date_to_day(r.since) for r in rels], dtype=np.int32),
            expected_segments=tuple(expected_segments),
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        name: str,
        ids: list[str],
        names: list[str],
        organisations: list[str],
        group: I8,
        member_of: npt.NDArray[np.uint8],
        segment_names: list[str],
        segment_lists: Sequence[Sequence[int]] | None = None,
        segment_indptr: IntArray | None = None,
        segment_indices: I32 | None = None,
        formal_power: I8,
        informal_power: I8,
        lived_experience: BoolArray,
        engagement: I8,
        declared_role: I8,
        joined: I32,
        rel_source: npt.NDArray[np.integer[Any]],
        rel_target: npt.NDArray[np.integer[Any]],
        rel_strength: Mapping[str, I8],
        rel_recruited: BoolArray,
        rel_since: I32,
        expected_segments: tuple[str, ...] = (),
    ) -> CompactGraph:
        """Build from per-person arrays (``ids`` ascending) and per-relationship arrays.

        Relationships are merged into undirected ties: strength per trust type is the maximum
        recorded, ``since`` the earliest. Recruitments keep their direction.
        """
        if any(map(operator.ge, ids, itertools.islice(ids, 1, None))):
            raise ValueError("ids must be unique and ascending")
        n = len(ids)
        if segment_indptr is None or segment_indices is None:
            lists = segment_lists or [[] for _ in range(n)]
            lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=n)
            segment_indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(lengths, out=segment_indptr[1:])
            segment_indices = np.fromiter(
                (s for x in lists for s in x), dtype=np.int32, count=int(segment_indptr[-1])
            )
        src = np.asarray(rel_source, dtype=np.int64)
        dst = np.asarray(rel_target, dtype=np.int64)
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise ValueError("relationship endpoint out of range")
        edge_u, edge_v, merged, edge_since = _merge_ties(
            n,
            src,
            dst,
            np.stack([np.asarray(rel_strength[t.value], dtype=np.int8) for t in TRUST_TYPES]),
            np.asarray(rel_since, dtype=np.int32),
        )
        strength = {t.value: merged[i] for i, t in enumerate(TRUST_TYPES)}
        rec = np.asarray(rel_recruited, dtype=bool)
        rec_key = sorted_unique(src[rec] * max(n, 1) + dst[rec])
        return cls(
            name=name,
            ids=ids,
            names=names,
            organisations=organisations,
            group=np.asarray(group, dtype=np.int8),
            member_of=np.asarray(member_of, dtype=np.uint8),
            segment_names=segment_names,
            segment_indptr=segment_indptr,
            segment_indices=segment_indices,
            formal_power=np.asarray(formal_power, dtype=np.int8),
            informal_power=np.asarray(informal_power, dtype=np.int8),
            lived_experience=np.asarray(lived_experience, dtype=bool),
            engagement=np.asarray(engagement, dtype=np.int8),
            declared_role=np.asarray(declared_role, dtype=np.int8),
            joined=np.asarray(joined, dtype=np.int32),
            edge_u=edge_u,
            edge_v=edge_v,
            strength=strength,
            edge_since=edge_since,
            recruit_source=(rec_key // max(n, 1)).astype(np.int32),
            recruit_target=(rec_key % max(n, 1)).astype(np.int32),
            expected_segments=tuple(expected_segments),
        )

    # -- views -------------------------------------------------------------------------------

    def person(self, node: int) -> Person:
        """The model object of one node (for reports and reference computations)."""
        return Person(
            id=self.ids[node],
            name=self.names[node],
            group=GROUPS[self.group[node]],
            other_groups=tuple(
                g
                for g in GROUPS
                if self.member_of[node] >> g.index & 1 and g.index != self.group[node]
            ),
            organisation=self.organisations[node],
            segments=tuple(self.segments_of(node)),
            formal_power=int(self.formal_power[node]),
            informal_power=int(self.informal_power[node]),
            lived_experience=bool(self.lived_experience[node]),
            engagement=_ENGAGEMENT[self.engagement[node]],
            role=None if self.declared_role[node] < 0 else _ROLES[self.declared_role[node]],
            joined=day_to_date(int(self.joined[node])),
        )

    def to_networkx(self) -> nx.Graph:
        """An ``nx.Graph`` keyed by person id with every attribute as a plain value.

        Node attributes are those of ``Person`` (enums as strings); edge attributes are the three
        trust strengths and ``since``; ``graph["recruitments"]`` lists (recruiter, recruit) ids.
        """
        import networkx as nx  # only tests and exports need it: not imported to analyse

        g = nx.Graph(
            name=self.name,
            expected_segments=list(self.expected_segments),
            recruitments=[
                (self.ids[s], self.ids[t])
                for s, t in zip(
                    self.recruit_source.tolist(), self.recruit_target.tolist(), strict=True
                )
            ],
        )
        for node in range(self.n):
            p = self.person(node)
            attrs = p.model_dump(mode="json")
            pid = attrs.pop("id")
            g.add_node(pid, **attrs)
        for e in range(self.m):
            g.add_edge(
                self.ids[self.edge_u[e]],
                self.ids[self.edge_v[e]],
                since=day_to_date(int(self.edge_since[e])),
                **{t: int(self.strength[t][e]) for t in self.strength},
            )
        return g


F = TypeVar("F", bound=Callable[..., Any])


def sorted_unique(values: npt.NDArray[np.integer[Any]]) -> IntArray:
    """The distinct values, ascending (as ``np.unique``, whose hashing is slower on large
    integer arrays than one sort)."""
    ordered = np.sort(np.asarray(values, dtype=np.int64), kind="stable")
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def compiled(func: F) -> F:
    """``numba.njit(cache=True)``, done when the function is first called: until then numba is
    not even imported, so a command that runs no kernel starts without it (numba and its
    compiler take longer to import than the rest of movemap).

    The machine code is kept on disk: in ``__pycache__`` next to the source, or numba's
    user-wide cache directory when that is read-only. Where no cache location can be written
    numba refuses ``cache=True``; then it is compiled in every process instead (slower to
    start, same results). ``dispatcher(f)`` gives the compiled function itself.
    """
    return cast(F, _Kernel(func))


class _Kernel:
    """A function compiled by numba on its first call (see ``compiled``).

    A kernel that calls other kernels is compiled after them, and the module's names of the
    kernels it calls are bound to their compiled functions first, since compiled code can only
    call compiled code.
    """

    _lock = threading.RLock()

    def __init__(self, func: Callable[..., Any]) -> None:
        functools.update_wrapper(self, func)
        self.py_func = func
        self._compiled: Any = None

    def __call__(self, *args: Any) -> Any:
        return (self._compiled or self.compile())(*args)

    def compile(self) -> Any:
        """The numba dispatcher of this kernel, made (or loaded from the cache) once."""
        with _Kernel._lock:
            if self._compiled is None:
                func = self.py_func
                names = func.__globals__
                for name in func.__code__.co_names:
                    inner = names.get(name)
                    if isinstance(inner, _Kernel):
                        names[name] = inner.compile()
                self._compiled = _njit(func)
                if names.get(func.__name__) is self:
                    names[func.__name__] = self._compiled
            return self._compiled


def dispatcher(kernel: Callable[..., Any]) -> Any:
    """The numba dispatcher behind a ``compiled`` function (compiling it if need be)."""
    return kernel.compile() if isinstance(kernel, _Kernel) else kernel


def _njit(func: Callable[..., Any]) -> Any:
    import numba

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", numba.NumbaWarning)
            return numba.njit(cache=True, nogil=True)(func)
    except (RuntimeError, OSError, numba.NumbaWarning):
        return numba.njit(cache=False, nogil=True)(func)


@compiled
def _merge_ties_kernel(
    n: int,
    src: IntArray,
    dst: IntArray,
    strength_in: I8,
    since_in: I32,
) -> tuple[I32, I32, I8, I32]:
    k = src.shape[0]
    types = strength_in.shape[0]
    # bucket the relationships by their smaller end (a counting sort), each carrying its larger
    # end and a payload: since in the high 32 bits, one byte per trust type's strength below
    start = np.zeros(n + 1, dtype=np.int64)
    for r in range(k):
        start[min(src[r], dst[r]) + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    pos = start[:-1].copy()
    his = np.empty(k, dtype=np.int64)
    payload = np.empty(k, dtype=np.int64)
    for r in range(k):
        lo = min(src[r], dst[r])
        p = pos[lo]
        pos[lo] = p + 1
        his[p] = max(src[r], dst[r])
        pay = np.int64(since_in[r]) << 32
        for t in range(types):
            pay |= np.int64(strength_in[t, r]) << (8 * t)
        payload[p] = pay
    # sort each bucket by the larger end, then merge equal pairs: per trust type the maximum
    # strength, the earliest since recorded
    edge_u = np.empty(k, dtype=np.int32)
    edge_v = np.empty(k, dtype=np.int32)
    strength = np.zeros((types, k), dtype=np.int8)
    since = np.empty(k, dtype=np.int32)
    m = 0
    for x in range(n):
        s0, s1 = start[x], start[x + 1]
        if s1 - s0 > 24:
            order = np.argsort(his[s0:s1])
            his[s0:s1] = his[s0:s1][order]
            payload[s0:s1] = payload[s0:s1][order]
        else:  # insertion sort: most buckets are small
            for i in range(s0 + 1, s1):
                h, pay = his[i], payload[i]
                j = i - 1
                while j >= s0 and his[j] > h:
                    his[j + 1] = his[j]
                    payload[j + 1] = payload[j]
                    j -= 1
                his[j + 1] = h
                payload[j + 1] = pay
        previous = -1
        for i in range(s0, s1):
            h, pay = his[i], payload[i]
            if h != previous:
                previous = h
                edge_u[m] = x
                edge_v[m] = h
                since[m] = NO_DATE
                for t in range(types):
                    strength[t, m] = (pay >> (8 * t)) & 255
                m += 1
            else:
                for t in range(types):
                    value = (pay >> (8 * t)) & 255
                    if value > strength[t, m - 1]:
                        strength[t, m - 1] = value
            day = np.int32(pay >> 32)
            if day != NO_DATE and (since[m - 1] == NO_DATE or day < since[m - 1]):
                since[m - 1] = day
    return edge_u[:m].copy(), edge_v[:m].copy(), strength[:, :m].copy(), since[:m].copy()


def _merge_ties(
    n: int, src: IntArray, dst: IntArray, strength: I8, since: I32
) -> tuple[I32, I32, I8, I32]:
    """Relationships (any order, either direction, repeats) merged into undirected ties sorted
    by (u, v) with u < v: per trust type the maximum strength (at least 0), the earliest
    ``since`` (``NO_DATE`` when none). A counting sort by the smaller end, each bucket sorted
    by the larger end (small buckets by insertion), one merging pass: about linear.
    """
    return _merge_ties_kernel(
        int(n),
        np.ascontiguousarray(src, dtype=np.int64),
        np.ascontiguousarray(dst, dtype=np.int64),
        np.ascontiguousarray(np.maximum(strength, 0), dtype=np.int8),
        np.ascontiguousarray(since, dtype=np.int32),
    )


@compiled
def _csr_kernel(n: int, u: I32, v: I32) -> tuple[IntArray, I32, I32]:
    m = u.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        indptr[u[e] + 1] += 1
        indptr[v[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    pos = indptr[:-1].copy()
    indices = np.empty(2 * m, dtype=np.int32)
    slot_edge = np.empty(2 * m, dtype=np.int32)
    # ties sorted by (u, v), u < v: for a person x, the ties (w, x) come first in the order of
    # w (all below x), then the ties (x, w) in the order of w (all above x)
    for e in range(m):
        x = v[e]
        indices[pos[x]] = u[e]
        slot_edge[pos[x]] = e
        pos[x] += 1
    for e in range(m):
        x = u[e]
        indices[pos[x]] = v[e]
        slot_edge[pos[x]] = e
        pos[x] += 1
    return indptr, indices, slot_edge


def _csr(n: int, u: I32, v: I32) -> tuple[IntArray, I32, I32]:
    """Symmetric CSR of an undirected edge list, neighbours ascending, with edge ids per slot.

    For ties sorted by (u, v) with u < v (as ``from_arrays`` makes them) two counting passes
    suffice; any other edge list is sorted first.
    """
    u = np.ascontiguousarray(u, dtype=np.int32)
    v = np.ascontiguousarray(v, dtype=np.int32)
    if u.size and not (
        np.all(u < v)
        and np.all((u[1:] > u[:-1]) | ((u[1:] == u[:-1]) & (v[1:] > v[:-1])))
    ):
        return _csr_sorting(n, u, v)
    return _csr_kernel(int(n), u, v)


def _csr_sorting(n: int, u: I32, v: I32) -> tuple[IntArray, I32, I32]:
    m = u.shape[0]
    heads = np.concatenate([u, v]).astype(np.int64)
    tails = np.concatenate([v, u]).astype(np.int32)
    edge_ids = np.concatenate([np.arange(m, dtype=np.int32)] * 2)
    order = np.lexsort((tails, heads))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(heads, minlength=n), out=indptr[1:])
    return indptr, tails[order], edge_ids[order]
