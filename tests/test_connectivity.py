"""Components, single points of failure, unique reach and unreached parts of the map.

Cross-checked against brute force networkx computations (tests/reference.py) on the four real
social networks and seeded random graphs with several core choices: none, one hub, random,
core members that are articulation points, a core spread over several components, everyone.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from reference import (
    compact_from_networkx,
    random_graphs,
    real_networks,
    ref_components,
    ref_spof_cut_off,
    ref_unique_reach,
    ref_unreached_components,
    seeded_core,
)

from graph.analysis.connectivity import (
    component_labels,
    neighbours_of,
    spof_cut_off,
    unique_reach,
    unreached_components,
)
from graph.compact import CompactGraph

GRAPHS = {**real_networks(), **random_graphs(seed=21)}


def _cores(G: nx.Graph) -> dict[str, set[str]]:
    """Core choices that exercise every branch of the cut-off rule."""
    cuts = sorted(nx.articulation_points(G))
    per_component = {min(c) for c in nx.connected_components(G) if len(c) > 2}
    return {
        "none": set(),
        "hub": {max(sorted(G.nodes), key=G.degree)},
        "seeded": seeded_core(G, 0.1, seed=5),
        "articulation": set(cuts[:3]),
        "one_per_component": per_component,
        "mixed": set(cuts[::4]) | seeded_core(G, 0.05, seed=9),
        "everyone": set(G.nodes),
    }


CASES = [
    pytest.param(name, core_name, id=f"{name}-{core_name}")
    for name in GRAPHS
    for core_name in _cores(GRAPHS[name])
]


def _build(name: str, core_name: str) -> tuple[nx.Graph, set[str], CompactGraph]:
    G = GRAPHS[name]
    core = _cores(G)[core_name]
    return G, core, compact_from_networkx(G, core=core)


def _by_id(graph: CompactGraph, values: np.ndarray) -> dict[str, int]:
    return dict(zip(graph.ids, values.tolist(), strict=True))


def test_cases_include_core_members_that_are_articulation_points() -> None:
    G, core, _ = _build("disconnected", "articulation")
    assert core and core <= set(nx.articulation_points(G))
    assert nx.number_connected_components(G) > 3


@pytest.mark.parametrize("name", GRAPHS)
def test_component_labels_match_networkx_numbered_by_smallest_id(name: str) -> None:
    G = GRAPHS[name]
    graph = compact_from_networkx(G)
    labels, count = component_labels(graph)
    want = ref_components(G)
    assert count == len(want)
    got = [{graph.ids[i] for i in np.flatnonzero(labels == c)} for c in range(count)]
    assert got == want


@pytest.mark.parametrize(("name", "core_name"), CASES)
def test_spof_cut_off_matches_brute_force_removal(name: str, core_name: str) -> None:
    G, core, graph = _build(name, core_name)
    got = spof_cut_off(graph, graph.core_mask)
    assert got.shape == (graph.n,)
    assert _by_id(graph, got) == ref_spof_cut_off(G, core)


@pytest.mark.parametrize("seed", range(12))
def test_spof_cut_off_matches_brute_force_on_random_sparse_graphs(seed: int) -> None:
    # sparse random graphs are full of bridges, trees and small components
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    G = nx.relabel_nodes(nx.gnm_random_graph(n, int(rng.integers(0, 2 * n)), seed=seed), str)
    core = {str(v) for v in rng.choice(n, int(rng.integers(0, max(2, n // 4))), replace=False)}
    graph = compact_from_networkx(G, core=core)
    assert _by_id(graph, spof_cut_off(graph, graph.core_mask)) == ref_spof_cut_off(G, core)


def test_spof_cut_off_of_a_small_example_by_hand() -> None:
    # c1 - a - b - c2 - d - e    f - g (no core)    h (isolated)
    G = nx.Graph([("c1", "a"), ("a", "b"), ("b", "c2"), ("c2", "d"), ("d", "e"), ("f", "g")])
    G.add_node("h")
    graph = compact_from_networkx(G, core=["c1", "c2"])
    got = _by_id(graph, spof_cut_off(graph, graph.core_mask))
    # without c2, d and e lose the rest of the core (c1); without d, e does; a and b cut nobody
    # (each side keeps a core member); f, g, h were never connected to the core
    assert got == {"a": 0, "b": 0, "c1": 0, "c2": 2, "d": 1, "e": 0, "f": 0, "g": 0, "h": 0}


def test_spof_cut_off_is_zero_where_nobody_else_is_in_the_core() -> None:
    # the only core member is the centre of a star: nobody is connected to C without it
    G = nx.relabel_nodes(nx.star_graph(5), str)
    graph = compact_from_networkx(G, core=["0"])
    assert spof_cut_off(graph, graph.core_mask).tolist() == [0] * 6


def test_spof_cut_off_handles_a_long_path_without_recursion() -> None:
    # a path of 30,000 people with the core at one end: removing person i cuts off all beyond i
    n = 30_000
    G = nx.relabel_nodes(nx.path_graph(n), {i: f"p{i:05d}" for i in range(n)})
    graph = compact_from_networkx(G, core=["p00000"])
    got = spof_cut_off(graph, graph.core_mask)
    want = np.concatenate(([0], np.arange(n - 2, -1, -1)))
    assert np.array_equal(got, want)


@pytest.mark.parametrize(("name", "core_name"), CASES)
@pytest.mark.parametrize("hops", [1, 2, 3])
def test_unique_reach_matches_ego_graphs(name: str, core_name: str, hops: int) -> None:
    G, core, graph = _build(name, core_name)
    got = unique_reach(graph, graph.core_mask, hops)
    assert _by_id(graph, got) == ref_unique_reach(G, core, hops)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("hops", [1, 2, 3, 4])
def test_unique_reach_matches_ego_graphs_on_random_graphs(seed: int, hops: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(20, 80))
    G = nx.relabel_nodes(nx.gnm_random_graph(n, int(rng.integers(n // 2, 2 * n)), seed=seed), str)
    core = {str(v) for v in rng.choice(n, int(rng.integers(1, n // 3)), replace=False)}
    graph = compact_from_networkx(G, core=core)
    got = unique_reach(graph, graph.core_mask, hops)
    assert _by_id(graph, got) == ref_unique_reach(G, core, hops)


def test_unique_reach_of_two_members_sharing_a_neighbour() -> None:
    # x is reached by both members, y only by m1 (in 1 hop), z only by m2 in 2 hops
    G = nx.Graph([("m1", "x"), ("m2", "x"), ("m1", "y"), ("m2", "w"), ("w", "z")])
    graph = compact_from_networkx(G, core=["m1", "m2"])
    assert _by_id(graph, unique_reach(graph, graph.core_mask, 1)) == {
        "m1": 1, "m2": 1, "w": 0, "x": 0, "y": 0, "z": 0,
    }
    assert _by_id(graph, unique_reach(graph, graph.core_mask, 2)) == {
        "m1": 1, "m2": 2, "w": 0, "x": 0, "y": 0, "z": 0,
    }


@pytest.mark.parametrize(("name", "core_name"), CASES)
def test_unreached_components_match_networkx(name: str, core_name: str) -> None:
    G, core, graph = _build(name, core_name)
    got = [[graph.ids[i] for i in part] for part in unreached_components(graph, graph.core_mask)]
    assert got == ref_unreached_components(G, core)
    for part in unreached_components(graph, graph.core_mask):
        assert np.all(np.diff(part) > 0)


def test_unreached_components_limit_keeps_the_largest() -> None:
    G = GRAPHS["disconnected"]
    graph = compact_from_networkx(G, core=[])
    everything = unreached_components(graph, graph.core_mask)
    top = unreached_components(graph, graph.core_mask, limit=2)
    assert len(everything) == nx.number_connected_components(G)
    assert [p.tolist() for p in top] == [p.tolist() for p in everything[:2]]
    assert len(top[0]) >= len(top[1]) >= max(len(p) for p in everything[2:])
    assert unreached_components(graph, graph.core_mask, limit=0) == []


def test_connectivity_of_an_empty_constituency() -> None:
    graph = compact_from_networkx(nx.Graph())
    empty = np.zeros(0, dtype=bool)
    labels, count = component_labels(graph)
    assert labels.shape == (0,) and count == 0
    assert spof_cut_off(graph, empty).shape == (0,)
    assert unique_reach(graph, empty, 2).shape == (0,)
    assert unreached_components(graph, empty) == []


def test_neighbours_of_lists_every_tie_of_the_given_people() -> None:
    G = GRAPHS["karate"]
    graph = compact_from_networkx(G)
    nodes = np.array([5, 0, 5, 33])
    owner, neighbour = neighbours_of(graph, nodes)
    want = [(int(v), graph.index_of(u)) for v in nodes for u in sorted(G[graph.ids[v]])]
    assert sorted(zip(owner.tolist(), neighbour.tolist(), strict=True)) == sorted(want)
    assert owner.tolist() == [int(v) for v in nodes for _ in G[graph.ids[v]]]
