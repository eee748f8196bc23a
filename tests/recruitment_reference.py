"""Plain networkx restatements of the recruitment forest and organiser teams (tests only).

Each function restates a rule of ``graph.analysis.recruitment`` or ``graph.analysis.teams``
from the model objects (``Person``, ``Relationship``) with networkx and Python sets, without
calling the code under test, plus a seeded random map with recruitment chains, competing
recruiters, undated and equal dates, and cycles.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import networkx as nx

from graph.analysis.result import RoleInference
from graph.model import GROUPS, Engagement, Person, Relationship

__all__ = ["RefForest", "random_map", "ref_forest", "ref_recruiters", "ref_teams"]


def ref_recruiters(ties: Iterable[Relationship]) -> tuple[dict[str, str], list[list[str]]]:
    """Each recruited person's recruiter (recruit id → recruiter id) after breaking cycles, and
    the cycles found, each in recruiting order from its smallest id, sorted by that id.

    A recruiting tie's date is the earliest ``since`` of any relationship between the two
    people (either direction, recruiting or not); the earliest dated claim wins, then undated,
    then the smaller recruiter id. Each cycle loses the tie into its smallest id.
    """
    ties = list(ties)
    since: dict[frozenset[str], date | None] = {}
    for r in ties:
        key = frozenset((r.source, r.target))
        known = since.get(key)
        if r.since is not None and (known is None or r.since < known):
            since[key] = r.since
        else:
            since.setdefault(key, known)
    claims: dict[str, list[tuple[bool, date, str]]] = defaultdict(list)
    for r in ties:
        if r.recruited:
            day = since[frozenset((r.source, r.target))]
            claims[r.target].append((day is None, day or date.min, r.source))
    chosen = {recruit: min(c)[2] for recruit, c in claims.items()}
    chains = nx.DiGraph((recruiter, recruit) for recruit, recruiter in chosen.items())
    cycles = []
    for cycle in nx.simple_cycles(chains):  # node order follows the edges: each recruited the next
        low = cycle.index(min(cycle))
        cycles.append(cycle[low:] + cycle[:low])
    for cycle in cycles:
        del chosen[cycle[0]]
    return chosen, sorted(cycles)


@dataclass
class RefForest:
    per_recruiter: dict[str, dict[str, int]]
    effective: Fraction | None
    top3: Fraction | None
    depth: int
    breadth: int
    roots_with_recruits: int
    recruited_people: int
    engaged_recruited: int
    second_generation: int


def ref_forest(people: list[Person], chosen: dict[str, str]) -> RefForest:
    """The measures of the forest ``chosen`` (recruit → recruiter) from its networkx DiGraph."""
    forest = nx.DiGraph()
    forest.add_nodes_from(p.id for p in people)
    forest.add_edges_from((recruiter, recruit) for recruit, recruiter in chosen.items())
    engaged = {p.id for p in people if p.engaged}
    per: dict[str, dict[str, int]] = {}
    for v in forest:
        kids = list(forest.successors(v))
        if not kids:
            continue
        grown = [k for k in kids if k in engaged]
        per[v] = {
            "recruited": len(kids),
            "engaged": len(grown),
            "second_generation": sum(1 for k in grown if forest.out_degree(k) > 0),
            "descendants": len(nx.descendants(forest, v)),
            "depth": max(nx.single_source_shortest_path_length(forest, v).values()),
        }
    chain_roots = [v for v in forest if forest.in_degree(v) == 0 and forest.out_degree(v) > 0]
    layers = list(nx.bfs_layers(forest, chain_roots)) if chain_roots else []
    counts = Counter(recruiter for recruit, recruiter in chosen.items() if recruit in engaged)
    total = sum(counts.values())
    return RefForest(
        per_recruiter=per,
        effective=Fraction(total * total, sum(c * c for c in counts.values())) if total else None,
        top3=Fraction(sum(sorted(counts.values(), reverse=True)[:3]), total) if total else None,
        depth=nx.dag_longest_path_length(forest),
        breadth=max((len(layer) for layer in layers), default=0),
        roots_with_recruits=len(chain_roots),
        recruited_people=len(chosen),
        engaged_recruited=total,
        second_generation=sum(1 for recruit in chosen
                              if recruit in engaged and forest.out_degree(recruit) > 0),
    )


def ref_teams(people: list[Person], ties: list[Relationship], chosen: dict[str, str],
              roles: list[RoleInference]) -> dict[str, dict[str, Any]]:
    """Each organiser's team measures, keyed by organiser id, from networkx subgraphs."""
    g = nx.Graph()
    g.add_nodes_from(p.id for p in people)
    g.add_edges_from((r.source, r.target) for r in ties)
    by_id = {p.id: p for p in people}
    inferred = {r.id for r in roles if r.inferred == "organiser"}
    engaged = {p.id for p in people if p.engaged}
    out: dict[str, dict[str, Any]] = {}
    for p in people:
        role = None if p.role is None else p.role.value
        if not (role == "organiser" or (role is None and p.id in inferred)):
            continue
        members = {v for v in g[p.id] if v in engaged}
        members |= {t for t, r in chosen.items() if r == p.id and t in engaged}
        members.discard(p.id)
        team = g.subgraph(members)
        k = len(members)
        parts = list(nx.connected_components(team))
        groups = {by_id[v].group.value for v in members} | {p.group.value}
        out[p.id] = {
            "source": "declared" if role == "organiser" else "inferred",
            "size": k,
            "members": sorted(members),
            "recruited": sum(1 for v in members if chosen.get(v) == p.id),
            "internal_ties": team.number_of_edges(),
            "internal_density": nx.density(team) if k >= 2 else None,
            "members_tied_to_each_other": (Fraction(sum(1 for v in team if team.degree(v)), k)
                                           if k else None),
            "groups": [x.value for x in GROUPS if x.value in groups],
            "missing_groups": [x.value for x in GROUPS if x.value not in groups],
            "parts": nx.number_connected_components(team),
            "largest_part": max((len(c) for c in parts), default=0),
            "hangs_on_organiser": len(parts) > 1,
        }
    return out


def random_map(seed: int, n: int = 60, forced_cycles: int = 0
               ) -> tuple[list[Person], list[Relationship], list[list[str]]]:
    """A seeded map: random engagement, groups and declared roles; most people claimed as a
    recruit by one to three others, dated within one month (so equal dates are common) or
    undated; plain ties, some on recruiting pairs with another date. ``forced_cycles`` disjoint
    circles of 2–5 people recruit each other with the earliest date of all, so they are
    certainly chosen: returned as the cycles the forest must report."""
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(n)]
    levels = [e.value for e in Engagement]
    people = [
        Person(id=i, name=f"Name {i}", group=rng.choice([g.value for g in GROUPS]),
               engagement=rng.choice(levels),
               role=rng.choice([None] * 6 + ["organiser", "mobiliser", "lone_wolf"]))
        for i in ids
    ]
    start = date(2020, 1, 1)
    seen: set[tuple[str, str]] = set()
    ties: list[Relationship] = []

    def add(a: str, b: str, **fields: Any) -> None:
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            ties.append(Relationship(source=a, target=b, **fields))

    def day() -> date | None:
        return None if rng.random() < 0.3 else start + timedelta(days=rng.randint(0, 30))

    cycles: list[list[str]] = []
    pool = ids.copy()
    rng.shuffle(pool)
    for _ in range(forced_cycles):
        size = rng.randint(2, 5)
        circle, pool = pool[:size], pool[size:]
        for a, b in zip(circle, circle[1:] + circle[:1], strict=True):
            add(a, b, recruited=True, since=date(2000, 1, 1))
        low = circle.index(min(circle))
        cycles.append(circle[low:] + circle[:low])
    for target in ids:
        if rng.random() < 0.7:
            for source in rng.sample(ids, rng.randint(1, 3)):
                add(source, target, recruited=True, since=day())
    for _ in range(2 * n):
        a, b = rng.sample(ids, 2)
        add(a, b, since=day(), relational=rng.randint(0, 3))
    return people, ties, sorted(cycles)
