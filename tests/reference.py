"""Independent, deliberately plain networkx computations of the analysis definitions (tests only).

Each function restates one definition of docs/terms.md with networkx and Python sets,
without calling the code under test, so the tests can cross-check the fast array code against
it. Graphs here are ``nx.Graph`` objects whose nodes are person ids (strings); "ties broken by
ascending id" is ``sorted`` order of those strings, as in ``CompactGraph``.

Also here: ``compact_from_networkx`` (a ``CompactGraph`` from any networkx graph), the four real
social networks of networkx keyed by string ids, seeded random graphs and seeded attributes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from fractions import Fraction
from typing import Any

import networkx as nx

from graph.compact import CompactGraph
from graph.model import GROUPS, Person, Relationship

__all__ = [
    "compact_from_networkx",
    "random_graphs",
    "real_networks",
    "ref_components",
    "ref_core_reach",
    "ref_greedy",
    "ref_recommended_core",
    "ref_spof_cut_off",
    "ref_to_reach_target",
    "ref_unique_reach",
    "ref_unreached_components",
    "ref_within_hops",
    "seeded_core",
    "seeded_groups",
    "string_ids",
]

_PERSON_FIELDS = frozenset(Person.model_fields) - {"id"}
_RELATIONSHIP_FIELDS = frozenset(Relationship.model_fields) - {"source", "target"}


# -- building graphs -----------------------------------------------------------------------------


def compact_from_networkx(
    G: nx.Graph,
    *,
    name: str = "test",
    core: Iterable[Hashable] = (),
    groups: Mapping[Any, str] | None = None,
    people: Mapping[Any, Mapping[str, Any]] | None = None,
    ties: Mapping[tuple[Any, Any], Mapping[str, Any]] | None = None,
    id_of: Callable[[Hashable], str] = str,
    expected_segments: Iterable[str] = (),
) -> CompactGraph:
    """A ``CompactGraph`` with one person per node and one relationship per edge of ``G``.

    Person fields come, later ones winning, from: defaults (group ``people``), node attributes
    of ``G`` named like a ``Person`` field (others, such as ``club`` or ``bipartite``, are
    ignored), ``groups[node]``, ``people[node]`` (any ``Person`` fields), and ``core``: nodes
    listed there get ``engagement="leading"``. Relationship fields (trust strengths,
    ``recruited``, ``since``) come from edge attributes of the same name, then ``ties[(u, v)]``
    (either orientation); the source is ``u`` as ``G.edges()`` lists it. Person ids are
    ``id_of(node)`` (``str`` by default).

    Example:
        >>> g = compact_from_networkx(nx.path_graph(3), core=[1], groups={2: "system_leaders"})
        >>> g.ids, g.core_mask.tolist(), g.group.tolist()
        (['0', '1', '2'], [False, True, False], [0, 0, 2])
    """
    in_core = set(core)
    persons = []
    for node, data in G.nodes(data=True):
        fields: dict[str, Any] = {"group": "people"}
        fields.update({k: v for k, v in data.items() if k in _PERSON_FIELDS})
        if groups is not None and node in groups:
            fields["group"] = groups[node]
        if people is not None and node in people:
            fields.update(people[node])
        if node in in_core:
            fields["engagement"] = "leading"
        persons.append(Person(id=id_of(node), **fields))
    relationships = []
    for u, v, data in G.edges(data=True):
        fields = {k: val for k, val in data.items() if k in _RELATIONSHIP_FIELDS}
        if ties is not None:
            fields.update(ties.get((u, v), ties.get((v, u), {})))
        relationships.append(Relationship(source=id_of(u), target=id_of(v), **fields))
    return CompactGraph.from_records(name, persons, relationships, tuple(expected_segments))


def string_ids(G: nx.Graph) -> nx.Graph:
    """A plain copy of ``G`` (no attributes) with every node renamed ``str(node)``."""
    H = nx.Graph()
    H.add_nodes_from(str(v) for v in G.nodes)
    H.add_edges_from((str(u), str(v)) for u, v in G.edges if u != v)
    return H


def real_networks() -> dict[str, nx.Graph]:
    """networkx's four real social networks, nodes renamed to string ids, no attributes."""
    return {
        "karate": string_ids(nx.karate_club_graph()),
        "florentine": string_ids(nx.florentine_families_graph()),
        "les_miserables": string_ids(nx.les_miserables_graph()),
        "davis": string_ids(nx.davis_southern_women_graph()),
    }


def random_graphs(seed: int = 0) -> dict[str, nx.Graph]:
    """Seeded random graphs with string ids: dense and sparse G(n, p), Barabási–Albert, and a
    disconnected union with isolated people, a path and a star (articulation points)."""
    union = nx.disjoint_union_all(
        [
            nx.gnp_random_graph(30, 0.08, seed=seed),
            nx.barabasi_albert_graph(25, 1, seed=seed + 1),  # a tree: every inner node cuts
            nx.path_graph(6),
            nx.star_graph(5),
            nx.empty_graph(4),  # isolated people
        ]
    )
    return {
        "gnp_dense": string_ids(nx.gnp_random_graph(60, 0.1, seed=seed)),
        "gnp_sparse": string_ids(nx.gnp_random_graph(80, 0.025, seed=seed + 2)),
        "barabasi_albert": string_ids(nx.barabasi_albert_graph(70, 2, seed=seed + 3)),
        "disconnected": string_ids(union),
    }


def seeded_groups(G: nx.Graph, seed: int) -> dict[Any, str]:
    """A primary group for every node, drawn with a seeded generator over sorted nodes."""
    rng = random.Random(seed)
    names = [g.value for g in GROUPS]
    return {v: rng.choice(names) for v in sorted(G.nodes, key=str)}


def seeded_core(G: nx.Graph, share: float, seed: int) -> set[Any]:
    """A random core of about ``share`` of the nodes (seeded; at least one node if any)."""
    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return set()
    size = max(1, round(share * len(nodes)))
    return set(random.Random(seed).sample(nodes, size))


# -- reach ---------------------------------------------------------------------------------------


def ref_within_hops(G: nx.Graph, sources: Iterable[Hashable], hops: int) -> set[Hashable]:
    """Nodes at shortest-path distance <= hops from some source (sources included)."""
    found: set[Hashable] = set()
    for s in sources:
        found.update(nx.single_source_shortest_path_length(G, s, cutoff=hops))
    return found


def ref_core_reach(
    G: nx.Graph, core: AbstractSet[Hashable], hops: int, group_of: Mapping[Hashable, str]
) -> dict[str, Any]:
    """Share of the core, and reach = reached / outside overall and per primary group.

    Outside = nodes not in the core; reached = outside nodes within ``hops`` of the core. Reach
    is 1.0 with nobody outside (0.0 for an empty graph); a group's reach is None with nobody of
    it outside.
    """
    n = G.number_of_nodes()
    outside = set(G.nodes) - core
    reached = outside & ref_within_hops(G, core, hops)
    by_group: dict[str, float | None] = {}
    for g in GROUPS:
        out_g = {v for v in outside if group_of[v] == g.value}
        by_group[g.value] = len(reached & out_g) / len(out_g) if out_g else None
    return {
        "members": sorted(core, key=str),
        "share": len(core) / n if n else 0.0,
        "reach": len(reached) / len(outside) if outside else (1.0 if n else 0.0),
        "reached": len(reached),
        "outside": len(outside),
        "reach_by_group": by_group,
    }


def ref_greedy(
    G: nx.Graph,
    core: AbstractSet[Hashable],
    hops: int,
    done: Callable[[set[Hashable], set[Hashable]], bool],
    candidates: AbstractSet[Hashable] | None = None,
) -> list[tuple[Hashable, int]]:
    """The plain greedy maximum coverage, re-evaluating every candidate at every step.

    Reached R = core and everyone within ``hops`` of it. While ``done(core, R)`` is false, add
    the person outside the core (and among ``candidates``, when given) with the largest gain
    |({v} ∪ ball(v)) \\ R| (ball: within ``hops``), ties broken by ascending id; stops when
    no candidate is left; returns the (node, gain) additions in order.
    """
    balls = {v: set(nx.ego_graph(G, v, radius=hops).nodes) for v in G.nodes}
    current = set(core)
    reached = ref_within_hops(G, current, hops)
    added: list[tuple[Hashable, int]] = []
    allowed = set(G.nodes) if candidates is None else set(candidates)
    while not done(current, reached):
        best: Hashable | None = None
        best_gain = -1
        for v in sorted(allowed - current, key=str):
            gain = len(balls[v] - reached)
            if gain > best_gain:
                best, best_gain = v, gain
        if best is None:
            break
        current.add(best)
        reached |= balls[best]
        added.append((best, best_gain))
    return added


def ref_recommended_core(
    G: nx.Graph, core: AbstractSet[Hashable], hops: int, share: float,
    candidates: AbstractSet[Hashable] | None = None,
) -> list[tuple[Hashable, int]]:
    """Greedy additions until the core has ceil(share · N) people, with ``share`` read as the
    decimal it is written as (exact rational arithmetic, so 0.03 · 100 is exactly 3), or
    until no candidate is left."""
    size = math.ceil(Fraction(repr(share)) * G.number_of_nodes())
    return ref_greedy(G, core, hops, lambda current, _: len(current) >= size, candidates)


def ref_to_reach_target(
    G: nx.Graph, core: AbstractSet[Hashable], hops: int, target: float,
    candidates: AbstractSet[Hashable] | None = None,
) -> list[tuple[Hashable, int]]:
    """Greedy additions until reached / outside >= target (exact rationals; true when nobody is
    outside), reached being the people outside the grown core within ``hops`` of it; or until
    no candidate is left."""
    goal = Fraction(repr(target))
    n = G.number_of_nodes()

    def done(current: set[Hashable], reached: set[Hashable]) -> bool:
        outside = n - len(current)
        return outside == 0 or Fraction(len(reached - current), outside) >= goal

    return ref_greedy(G, core, hops, done, candidates)


def ref_brought(
    G: nx.Graph, core: AbstractSet[Hashable], hops: int, added: Iterable[Hashable]
) -> list[set[Hashable]]:
    """Whom each addition brings, in order: the people within ``hops`` of it (itself included)
    not within ``hops`` of the core or of an earlier addition."""
    reached = ref_within_hops(G, core, hops)
    found = []
    for v in added:
        ball = set(nx.single_source_shortest_path_length(G, v, cutoff=hops))
        found.append(ball - reached)
        reached |= ball
    return found


# -- connectivity --------------------------------------------------------------------------------


def ref_components(G: nx.Graph) -> list[set[Hashable]]:
    """Connected components, in order of their smallest id."""
    return sorted((set(c) for c in nx.connected_components(G)), key=lambda c: min(c, key=str))


def ref_spof_cut_off(G: nx.Graph, core: AbstractSet[Hashable]) -> dict[Hashable, int]:
    """Brute force: for each v, remove it and count the others no longer connected to C \\ {v}.

    A node u is connected to a set S when its component contains a member of S (u itself
    included). cut_off[v] = #{u != v : connected to C \\ {v} in G, not in G - v}.
    """
    result: dict[Hashable, int] = {}
    for v in G.nodes:
        rest = core - {v}
        before = _connected_to(G, rest)
        H = G.copy()
        H.remove_node(v)
        after = _connected_to(H, rest)
        result[v] = len((before - {v}) - after)
    return result


def _connected_to(G: nx.Graph, targets: AbstractSet[Hashable]) -> set[Hashable]:
    found: set[Hashable] = set()
    for component in nx.connected_components(G):
        if component & targets:
            found |= component
    return found


def ref_unique_reach(G: nx.Graph, core: AbstractSet[Hashable], hops: int) -> dict[Hashable, int]:
    """For each node: if in the core, the number of people outside the core within ``hops`` of
    it (its ego graph) and of no other core member; 0 outside the core."""
    balls = {m: set(nx.ego_graph(G, m, radius=hops).nodes) - core for m in core}
    result = {v: 0 for v in G.nodes}
    for m, ball in balls.items():
        others: set[Hashable] = set()
        for other, other_ball in balls.items():
            if other != m:
                others |= other_ball
        result[m] = len(ball - others)
    return result


def ref_unreached_components(G: nx.Graph, core: AbstractSet[Hashable]) -> list[list[Hashable]]:
    """Components with no core member, each as sorted ids, largest first then smallest id."""
    parts = [sorted(c, key=str) for c in nx.connected_components(G) if not c & core]
    return sorted(parts, key=lambda c: (-len(c), str(c[0])))
