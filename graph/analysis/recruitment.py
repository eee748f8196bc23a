"""The recruitment forest: who brought whom into the movement, and who grows leaders.

A tie marked ``recruited`` says its source brought its target in. A person may have several
such ties into them (two people both say they brought her); the forest keeps one recruiter
per person, so every recruited person hangs under exactly one recruiter and chains can be
followed back to the people nobody recruited (the roots).

The rule, applied in this order:
    1. **Earliest tie.** Each person's recruiter is the one whose tie to them has the earliest
       ``since`` (the tie's earliest recorded start, ``CompactGraph.edge_since``). A dated tie
       comes before an undated one (an undated claim cannot be placed before a dated one);
       equal dates, or two undated ties, go to the recruiter with the smaller id.
    2. **Cycles are broken.** If following recruiters from a person comes back to them (A
       recruited B, B recruited C, C recruited A), the data says something impossible. Each
       such cycle is reported (``Recruitment.cycles``) and broken at its person with the
       smallest id: their recruiting tie is dropped and they become a root. Their own recruits
       stay under them, so everyone else in the cycle keeps their recruiter.
    3. **Roots.** Everyone without a recruiter is a root; a root who recruited nobody is
       outside every chain.

Measures (all on the forest, after the rule: a person counts for their one recruiter only):
    engaged: ``contributing`` or above, or a declared role, as the role analysis reads it
        (``CompactGraph.engaged_mask``), so "engaged recruits" here is the role analysis'
        "leaders grown".
    Per recruiter (someone who recruited at least one person): ``recruited`` (direct
        recruits), ``engaged`` (of those, the engaged), ``second_generation`` (engaged
        recruits who recruited at least one person themselves: leaders growing leaders),
        ``descendants`` (everyone grown through them, every generation) and ``depth`` (how
        many generations lie below them: 1 when their recruits recruited nobody).
    For the movement: ``effective_leader_growers``, the inverse Simpson index 1 / Σ pᵢ² over
        the engaged people who have a recruiter, pᵢ the share of them recruiter i grew
        directly: exactly 1 when one person grew them all, k when k people grew equal numbers
        (``None`` when no engaged person has a recruiter); ``top3_share``, the share grown by
        the three recruiters who grew the most (``None`` likewise); ``depth``, the longest
        chain (generations below a root); ``breadth``, the most people in one generation,
        counting only people in a chain (a root who recruited nobody is in none).

The three-step rule runs compiled (two passes over the people), so a map of 100,000 people
costs a few milliseconds once the kernels are compiled.

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> people = [Person(id=i, group="people", engagement="contributing") for i in "abcd"]
    >>> ties = [Relationship(source="a", target=x, recruited=True) for x in "bc"]
    >>> ties.append(Relationship(source="b", target="d", recruited=True))
    >>> r = recruitment_forest(CompactGraph.from_records("x", people, ties))
    >>> [(x.id, x.recruited, x.engaged, x.second_generation, x.descendants, x.depth)
    ...  for x in r.listed]
    [('a', 2, 2, 1, 3, 2), ('b', 1, 1, 0, 1, 1)]
    >>> r.effective_leader_growers, r.depth, r.breadth
    (1.8, 2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.compact import NO_DATE, CompactGraph, compiled

__all__ = [
    "CYCLE_PEOPLE_NAMED",
    "LISTED_CYCLES",
    "LISTED_RECRUITERS",
    "Recruiter",
    "Recruitment",
    "RecruitmentCycle",
    "recruiter_of",
    "recruitment_forest",
]

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

LISTED_RECRUITERS = 20
"""The forest lists at most this many recruiters, those who grew the most engaged people first."""
LISTED_CYCLES = 20
"""At most this many recruitment cycles are described (``cycle_count`` counts them all)."""
CYCLE_PEOPLE_NAMED = 20
"""At most this many people of one cycle are named (``size`` counts them all)."""
_TOP = 3
"""``top3_share``: the share grown by this many recruiters."""


@dataclass(frozen=True)
class Recruiter:
    """Someone who recruited at least one person, and what grew from them (see the module)."""

    id: str
    name: str
    recruited: int
    engaged: int
    second_generation: int
    descendants: int
    depth: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "recruited": self.recruited,
                "engaged": self.engaged, "second_generation": self.second_generation,
                "descendants": self.descendants, "depth": self.depth}


@dataclass(frozen=True)
class RecruitmentCycle:
    """Recruiting ties that go round in a circle: a data problem to correct.

    ``ids`` / ``names``: the people in recruiting order, starting with the smallest id (each
    recruited the next; the last recruited the first), at most ``CYCLE_PEOPLE_NAMED`` of them;
    ``size`` counts them all. ``dropped``: the recruiting tie the forest ignores to break the
    cycle, ``{"recruiter": id, "recruit": id}`` (the last person's tie into the first).
    """

    ids: list[str]
    names: list[str]
    size: int
    dropped: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"ids": self.ids, "names": self.names, "size": self.size,
                "dropped": self.dropped}


@dataclass(frozen=True)
class Recruitment:
    """The recruitment forest of a map and how distributed the growing of leaders is.

    ``recruiters`` counts everyone who recruited someone, ``recruiters_growing_leaders`` those
    with at least one engaged recruit and ``recruiters_with_second_generation`` those with at
    least one second-generation recruit; ``listed`` names the first ``LISTED_RECRUITERS`` (most
    engaged recruits, then most recruits, then id). ``engaged_recruited``: engaged people who
    have a recruiter (the people ``effective_leader_growers`` and ``top3_share`` share out);
    ``second_generation``: how many of them recruited someone themselves. ``recruiter``: each
    person's recruiter (node index, -1 for a root), after breaking cycles; not in the JSON.
    """

    recruiters: int = 0
    recruiters_growing_leaders: int = 0
    recruiters_with_second_generation: int = 0
    recruited_people: int = 0
    roots_with_recruits: int = 0
    engaged_recruited: int = 0
    second_generation: int = 0
    effective_leader_growers: float | None = None
    top3_share: float | None = None
    depth: int = 0
    breadth: int = 0
    listed: list[Recruiter] = field(default_factory=list)
    cycle_count: int = 0
    cycles: list[RecruitmentCycle] = field(default_factory=list)
    recruiter: IntArray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recruiters": self.recruiters,
            "recruiters_growing_leaders": self.recruiters_growing_leaders,
            "recruiters_with_second_generation": self.recruiters_with_second_generation,
            "recruited_people": self.recruited_people,
            "roots_with_recruits": self.roots_with_recruits,
            "engaged_recruited": self.engaged_recruited,
            "second_generation": self.second_generation,
            "effective_leader_growers": self.effective_leader_growers,
            "top3_share": self.top3_share,
            "depth": self.depth,
            "breadth": self.breadth,
            "listed": [r.to_dict() for r in self.listed],
            "cycle_count": self.cycle_count,
            "cycles": [c.to_dict() for c in self.cycles],
        }


# -- the rule --------------------------------------------------------------------------------


def _earliest_recruiter(graph: CompactGraph) -> IntArray:
    """Step 1: each person's earliest recruiter (node index, -1 for none), cycles kept."""
    n = graph.n
    parent = np.full(n, -1, dtype=np.int64)
    src = graph.recruit_source.astype(np.int64)
    dst = graph.recruit_target.astype(np.int64)
    if src.size == 0:
        return parent
    since = _tie_since(graph, src, dst)
    undated = since == NO_DATE
    order = np.lexsort((src, np.where(undated, np.iinfo(np.int64).max, since), dst))
    dst_sorted = dst[order]
    first = np.ones(order.size, dtype=bool)
    np.not_equal(dst_sorted[1:], dst_sorted[:-1], out=first[1:])
    parent[dst_sorted[first]] = src[order[first]]
    return parent


def _tie_since(graph: CompactGraph, a: IntArray, b: IntArray) -> IntArray:
    """The ``since`` of the tie between each pair (``NO_DATE`` when none: a recruitment whose
    tie was filtered out of a derived graph)."""
    n = max(graph.n, 1)
    keys = graph.edge_u.astype(np.int64) * n + graph.edge_v.astype(np.int64)
    wanted = np.minimum(a, b) * n + np.maximum(a, b)
    pos = np.searchsorted(keys, wanted)
    found = pos < keys.size
    found[found] = keys[pos[found]] == wanted[found]
    since = np.full(a.size, NO_DATE, dtype=np.int64)
    since[found] = graph.edge_since[pos[found]]
    return since


@compiled
def _break_cycles(parent: IntArray) -> tuple[IntArray, IntArray, IntArray]:  # pragma: no cover
    """Step 2: follow recruiters from everyone; each cycle found is cut at its smallest node.

    Returns the parents with the cycles cut, and the cycles as CSR (``indptr``, ``nodes``),
    each in recruiting order from its smallest node, in the order they were found.
    """
    n = parent.shape[0]
    out = parent.copy()
    state = np.zeros(n, dtype=np.int64)  # 0 unseen, s + 1 on the walk from s, -1 done
    nodes = np.empty(n, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    cycles = 0
    used = 0
    for s in range(n):
        if state[s] != 0:
            continue
        v = s
        while v >= 0 and state[v] == 0:
            state[v] = s + 1
            v = parent[v]
        if v >= 0 and state[v] == s + 1:  # came back to someone on this walk: a cycle
            low = v
            w = parent[v]
            while w != v:
                if w < low:
                    low = w
                w = parent[w]
            # recruiting order from the smallest: low, the one low recruited, ... i.e. the
            # walk up from low read backwards after low itself
            start = used
            w = low
            nodes[used] = w
            used += 1
            w = parent[w]
            while w != low:
                nodes[used] = w
                used += 1
                w = parent[w]
            nodes[start + 1:used] = nodes[start + 1:used][::-1].copy()
            cycles += 1
            indptr[cycles] = used
            out[low] = -1
        v = s
        while v >= 0 and state[v] == s + 1:
            state[v] = -1
            v = parent[v]
    return out, indptr[: cycles + 1].copy(), nodes[:used].copy()


@compiled
def _forest(parent: IntArray) -> tuple[IntArray, IntArray, IntArray]:  # pragma: no cover
    """Generation (0 for a root), descendants and depth below of everyone in a forest.

    Children are listed by a counting sort on the parent; a breadth-first pass from the roots
    gives every parent before its children, and the reverse of that order sums subtrees.
    """
    n = parent.shape[0]
    start = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        if parent[v] >= 0:
            start[parent[v] + 1] += 1
    for v in range(n):
        start[v + 1] += start[v]
    pos = start[:-1].copy()
    children = np.empty(start[n], dtype=np.int64)
    for v in range(n):
        p = parent[v]
        if p >= 0:
            children[pos[p]] = v
            pos[p] += 1
    order = np.empty(n, dtype=np.int64)
    generation = np.zeros(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        if parent[v] < 0:
            order[tail] = v
            tail += 1
    head = 0
    while head < tail:
        v = order[head]
        head += 1
        for slot in range(start[v], start[v + 1]):
            c = children[slot]
            generation[c] = generation[v] + 1
            order[tail] = c
            tail += 1
    descendants = np.zeros(n, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    for i in range(tail - 1, -1, -1):
        v = order[i]
        p = parent[v]
        if p >= 0:
            descendants[p] += descendants[v] + 1
            if depth[v] + 1 > depth[p]:
                depth[p] = depth[v] + 1
    return generation, descendants, depth


def _recruiters_and_cycles(graph: CompactGraph) -> tuple[IntArray, IntArray, IntArray]:
    """Steps 1 and 2: the parents after the rule, and the cycles found (CSR)."""
    parent, indptr, nodes = _break_cycles(_earliest_recruiter(graph))
    return parent, indptr, nodes


def recruiter_of(graph: CompactGraph) -> IntArray:
    """Each person's recruiter by the rule of this module: a node index, -1 for a root.

    Example:
        >>> from graph.model import Person, Relationship
        >>> people = [Person(id=i, group="people") for i in "abc"]
        >>> ties = [Relationship(source="a", target="b", recruited=True),
        ...         Relationship(source="b", target="c", recruited=True)]
        >>> recruiter_of(CompactGraph.from_records("x", people, ties)).tolist()
        [-1, 0, 1]
    """
    return _recruiters_and_cycles(graph)[0]


# -- the measures ----------------------------------------------------------------------------


def recruitment_forest(graph: CompactGraph, *, listed: int = LISTED_RECRUITERS) -> Recruitment:
    """The recruitment forest of ``graph`` (every recorded recruitment, whatever its trust)
    and its measures; ``listed``: how many recruiters to name (0 or more)."""
    if listed < 0:
        raise ValueError(f"listed must be 0 or more, got {listed}")
    n = graph.n
    parent, cycle_ptr, cycle_nodes = _recruiters_and_cycles(graph)
    generation, descendants, depth = _forest(parent)
    has = parent >= 0
    below = parent[has]
    engaged = graph.engaged_mask
    recruited = np.bincount(below, minlength=n)
    grown = np.bincount(parent[has & engaged], minlength=n)
    leaders_growing = has & engaged & (recruited > 0)
    second = np.bincount(parent[leaders_growing], minlength=n)
    recruiters = np.flatnonzero(recruited)
    in_chain = has | (recruited > 0)
    breadth = (int(np.bincount(generation[in_chain]).max()) if in_chain.any() else 0)
    total = int(grown.sum())
    effective: float | None = None
    top3: float | None = None
    if total:
        effective = total * total / float(np.square(grown[recruiters]).sum())
        top = np.sort(grown[recruiters])[::-1][:_TOP]
        top3 = float(top.sum()) / total
    best = recruiters[np.lexsort((recruiters, -recruited[recruiters], -grown[recruiters]))]
    ids, names = graph.ids, graph.names
    return Recruitment(
        recruiters=int(recruiters.size),
        recruiters_growing_leaders=int(np.count_nonzero(grown)),
        recruiters_with_second_generation=int(np.count_nonzero(second)),
        recruited_people=int(below.size),
        roots_with_recruits=int(np.count_nonzero(~has & (recruited > 0))),
        engaged_recruited=total,
        second_generation=int(np.count_nonzero(leaders_growing)),
        effective_leader_growers=effective,
        top3_share=top3,
        depth=int(depth.max()) if n else 0,
        breadth=breadth,
        listed=[
            Recruiter(id=ids[v], name=names[v], recruited=int(recruited[v]),
                      engaged=int(grown[v]), second_generation=int(second[v]),
                      descendants=int(descendants[v]), depth=int(depth[v]))
            for v in best[:listed].tolist()
        ],
        cycle_count=int(cycle_ptr.size - 1),
        cycles=_cycles(graph, cycle_ptr, cycle_nodes),
        recruiter=parent,
    )


def _cycles(graph: CompactGraph, indptr: IntArray, nodes: IntArray) -> list[RecruitmentCycle]:
    """The first ``LISTED_CYCLES`` cycles by their smallest id (each starts with it)."""
    firsts = nodes[indptr[:-1]]
    out = []
    for c in np.argsort(firsts, kind="stable")[:LISTED_CYCLES].tolist():
        people = nodes[indptr[c]:indptr[c + 1]].tolist()
        named = people[:CYCLE_PEOPLE_NAMED]
        out.append(RecruitmentCycle(
            ids=[graph.ids[v] for v in named],
            names=[graph.names[v] for v in named],
            size=len(people),
            dropped={"recruiter": graph.ids[people[-1]], "recruit": graph.ids[people[0]]},
        ))
    return out
