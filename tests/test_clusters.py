"""Clusters (igraph's Leiden, seeded), brokers (betweenness) and the ``cluster_unreached`` gap,
each checked against the library run directly or against networkx."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import numpy as np
import pytest
from test_gaps import check_plain

from graph.analysis import analyse
from graph.analysis.brokers import (
    BROKER_SOURCES,
    SEARCH_BUDGET,
    betweenness,
    betweenness_from,
    find_brokers,
    sample_sources,
    source_count,
)
from graph.analysis.clusters import SEED, cluster_labels, find_clusters
from graph.analysis.gaps import find_gaps
from graph.analysis.options import AnalysisOptions
from graph.analysis.reach import core_reach, within_hops
from graph.analysis.roles import infer_roles
from graph.compact import CompactGraph
from graph.model import GROUPS, Person, Relationship
from graph.synthetic import synthetic_constituency

GROUP_NAMES = [g.value for g in GROUPS]


def from_networkx(G: nx.Graph, core: set[int] = frozenset(),  # type: ignore[assignment]
                  groups: dict[int, str] | None = None) -> CompactGraph:
    """A compact graph of ``G`` (nodes named n000, n001, …), the ``core`` leading."""
    people = [Person(id=f"n{v:03d}", name=f"Person {v}",
                     group=(groups or {}).get(v, "people"),
                     engagement="leading" if v in core else "unengaged") for v in G]
    ties = [Relationship(source=f"n{a:03d}", target=f"n{b:03d}") for a, b in G.edges]
    return CompactGraph.from_records("t", people, ties)


def partition(graph: CompactGraph, labels: np.ndarray) -> set[frozenset[str]]:
    parts: dict[int, set[str]] = {}
    for pid, label in zip(graph.ids, labels.tolist(), strict=True):
        parts.setdefault(label, set()).add(pid)
    return {frozenset(p) for p in parts.values()}


def library_partition(G: nx.Graph, seed: int) -> set[frozenset[str]]:
    """igraph's Leiden run directly on ``G``: nodes numbered by sorted name, ties sorted."""
    names = sorted(f"n{v:03d}" for v in G)
    index = {name: i for i, name in enumerate(names)}
    edges = sorted(tuple(sorted((index[f"n{a:03d}"], index[f"n{b:03d}"]))) for a, b in G.edges)
    g = igraph.Graph(n=len(names), edges=edges)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = g.community_leiden(objective_function="modularity", resolution=1.0, beta=0.01,
                                   n_iterations=1)
    finally:
        igraph.set_random_number_generator(random)
    return {frozenset(names[v] for v in part) for part in found}


GRAPHS = {
    "karate": lambda: nx.karate_club_graph(),
    "les_miserables": lambda: nx.convert_node_labels_to_integers(nx.les_miserables_graph()),
    "caveman": lambda: nx.connected_caveman_graph(6, 7),
    "random": lambda: nx.gnm_random_graph(120, 300, seed=4),
    "with_isolated": lambda: nx.disjoint_union(nx.karate_club_graph(), nx.empty_graph(5)),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("seed", [1, 7])
def test_clusters_are_the_library_run_directly_with_the_same_seed(name: str, seed: int) -> None:
    G = nx.Graph(GRAPHS[name]())
    graph = from_networkx(G)
    labels, count, modularity = cluster_labels(graph, seed)
    assert partition(graph, labels) == library_partition(G, seed)
    assert count == len(library_partition(G, seed))
    communities = [{graph.index_of(pid) for pid in part} for part in partition(graph, labels)]
    H = nx.convert_node_labels_to_integers(nx.relabel_nodes(G, lambda v: f"n{v:03d}"),
                                           ordering="sorted")
    assert modularity == pytest.approx(nx.community.modularity(H, communities, weight=None))


def test_clusters_are_numbered_largest_first_and_the_same_every_run() -> None:
    graph = from_networkx(nx.connected_caveman_graph(5, 6))
    first, _, _ = cluster_labels(graph)
    again, _, _ = cluster_labels(graph)
    assert first.tolist() == again.tolist()
    sizes = np.bincount(first)
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True)
    # ties between equal sizes: the cluster with the smaller first person comes first
    firsts = [int(np.flatnonzero(first == c)[0]) for c in range(sizes.size)]
    assert firsts == sorted(firsts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_partitions_are_found(seed: int) -> None:
    sizes = [30, 25, 20, 15]
    G = nx.random_partition_graph(sizes, 0.5, 0.01, seed=seed)
    graph = from_networkx(G)
    labels, count, modularity = cluster_labels(graph)
    planted = {frozenset(f"n{v:03d}" for v in block) for block in G.graph["partition"]}
    found = partition(graph, labels)
    assert count == len(sizes)
    assert found == planted
    assert modularity > 0.5


def test_cluster_summary_counts_groups_core_and_reach() -> None:
    # two cliques of six joined through a path of two; the core is one person of clique A
    G = nx.Graph()
    G.add_edges_from((a, b) for a in range(6) for b in range(a + 1, 6))
    G.add_edges_from((a, b) for a in range(10, 16) for b in range(a + 1, 16))
    G.add_edges_from([(5, 6), (6, 7), (7, 10)])
    groups = {v: GROUP_NAMES[v % 3] for v in G}
    graph = from_networkx(G, core={0}, groups=groups)
    result = find_clusters(graph, graph.core_mask, hops=1, min_size=5)
    reached = within_hops(graph, graph.core_mask, 1)
    assert result.count == len(set(result.labels.tolist()))
    assert sum(c.size for c in result.listed) + result.small_people == graph.n
    for cluster in result.listed:
        members = np.flatnonzero(result.labels == cluster.id - 1)
        assert cluster.size == members.size
        assert cluster.groups == {g: sum(groups[int(graph.ids[v][1:])] == g for v in members)
                                  for g in GROUP_NAMES}
        in_core = [graph.ids[v] for v in members if graph.core_mask[v]]
        assert cluster.core_members == in_core and cluster.core_size == len(in_core)
        outside = [v for v in members if not graph.core_mask[v]]
        assert cluster.outside == len(outside)
        assert cluster.reached == sum(bool(reached[v]) for v in outside)
        assert cluster.people == [graph.ids[v] for v in members[:10]]
    a = next(c for c in result.listed if "n000" in c.people)
    b = next(c for c in result.listed if "n010" in c.people)
    assert a.core_size == 1 and a.reach == 1.0
    assert b.untouched and b.reach == 0.0
    json.dumps(result.to_dict())
    # four steps out the core reaches into clique B, which is no longer untouched
    three = find_clusters(graph, graph.core_mask, hops=4, min_size=5)
    assert not next(c for c in three.listed if "n010" in c.people).untouched


def test_a_cluster_the_core_does_not_touch_is_a_gap_in_plain_words() -> None:
    G = nx.Graph()
    G.add_edges_from((a, b) for a in range(6) for b in range(a + 1, 6))
    G.add_edges_from((a, b) for a in range(10, 16) for b in range(a + 1, 16))
    G.add_edges_from([(5, 6), (6, 7), (7, 10)])
    graph = from_networkx(G, core={0})
    options = AnalysisOptions()
    reach = core_reach(graph, graph.core_mask, 1)
    gaps = [g for g in find_gaps(graph, options, reach=reach, roles=infer_roles(graph, options))
            if g.kind == "cluster_unreached"]
    clusters = find_clusters(graph, graph.core_mask, 1)
    untouched = [c for c in clusters.listed if c.untouched]
    assert [g.subject for g in gaps] == [f"cluster {c.id}" for c in untouched]
    (gap,) = gaps
    assert set(gap.evidence["people"]) >= {f"n{v:03d}" for v in range(10, 16)}
    # 6 of 14 people: at least 5% of everyone, so high
    assert gap.evidence["size"] == untouched[0].size and gap.severity == "high"
    check_plain(gap)
    # reached four steps out, or a core member inside: no gap
    two = AnalysisOptions(hops=4)
    reach3 = core_reach(graph, graph.core_mask, 4)
    assert not [g for g in find_gaps(graph, two, reach=reach3, roles=[])
                if g.kind == "cluster_unreached"]
    inside = from_networkx(G, core={0, 12})
    assert not [g for g in find_gaps(inside, options,
                                     reach=core_reach(inside, inside.core_mask, 1), roles=[])
                if g.kind == "cluster_unreached"]


def test_small_clusters_and_parts_without_core_are_not_cluster_gaps() -> None:
    # clique B is cut off from the core entirely (an unreached part of the map, its own gap);
    # a cluster below the minimum size is never a cluster gap
    G = nx.Graph()
    G.add_edges_from((a, b) for a in range(6) for b in range(a + 1, 6))
    G.add_edges_from((a, b) for a in range(10, 16) for b in range(a + 1, 16))
    G.add_edges_from([(20, 21), (21, 22), (5, 20)])
    graph = from_networkx(G, core={0})
    options = AnalysisOptions()
    gaps = find_gaps(graph, options, reach=core_reach(graph, graph.core_mask, 1), roles=[])
    assert [g.kind for g in gaps if g.kind == "cluster_unreached"] == []
    assert any(g.kind == "unreached_component" for g in gaps)


# -- brokers -----------------------------------------------------------------------------------

BROKER_GRAPHS = {
    "karate": lambda: nx.karate_club_graph(),
    "barbell": lambda: nx.barbell_graph(6, 3),
    "random": lambda: nx.gnm_random_graph(80, 200, seed=9),
    "disconnected": lambda: nx.disjoint_union(nx.path_graph(7), nx.star_graph(5)),
    "les_miserables": lambda: nx.convert_node_labels_to_integers(nx.les_miserables_graph()),
}


@pytest.mark.parametrize("name", sorted(BROKER_GRAPHS))
def test_exact_betweenness_matches_networkx(name: str) -> None:
    G = nx.Graph(BROKER_GRAPHS[name]())
    graph = from_networkx(G)
    expected = nx.betweenness_centrality(G)
    got = betweenness(graph, sources=graph.n)
    assert got == pytest.approx([expected[int(pid[1:])] for pid in graph.ids], abs=1e-12)


@pytest.mark.parametrize("name", sorted(BROKER_GRAPHS))
def test_sampled_betweenness_is_networkx_from_the_same_sources_scaled(name: str) -> None:
    G = nx.Graph(BROKER_GRAPHS[name]())
    graph = from_networkx(G)
    n = graph.n
    sources = sample_sources(n, sources=9, seed=3)
    assert sources.size == 9 and sources.tolist() == sorted(set(sources.tolist()))
    nodes = [int(graph.ids[i][1:]) for i in sources.tolist()]
    subset = nx.betweenness_centrality_subset(G, sources=nodes, targets=list(G), normalized=False)
    # networkx halves an undirected sum; ours scales it by n / sources and (n-1)(n-2)
    scale = 2 * (n / sources.size) / ((n - 1) * (n - 2))
    got = betweenness_from(graph, sources)
    assert got == pytest.approx([subset[int(pid[1:])] * scale for pid in graph.ids], abs=1e-12)


def test_sources_are_everyone_on_small_maps_and_a_fixed_sample_on_large_ones() -> None:
    assert source_count(800, 3_000) == 800
    assert source_count(2_000, 20_000) == SEARCH_BUDGET // 42_000
    assert source_count(100_000, 1_000_000) == BROKER_SOURCES
    assert source_count(10, 0) == 10
    assert sample_sources(10, 32).tolist() == list(range(10))
    assert sample_sources(1000, 32, seed=1).tolist() == sample_sources(1000, 32, seed=1).tolist()
    assert sample_sources(1000, 32, seed=1).tolist() != sample_sources(1000, 32, seed=2).tolist()


def test_brokers_bridge_clusters_or_groups_highest_betweenness_first() -> None:
    G = nx.barbell_graph(6, 3)  # two cliques joined by a path of three
    groups = {v: "people" if v <= 7 else "system_leaders" for v in G}
    graph = from_networkx(G, groups=groups)
    labels, _, _ = cluster_labels(graph)
    brokers = find_brokers(graph, labels)
    expected = nx.betweenness_centrality(G)
    assert brokers.exact and brokers.sources == graph.n
    scores = [b.score for b in brokers.listed]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    for broker in brokers.listed:
        v = graph.index_of(broker.id)
        assert broker.score == pytest.approx(expected[int(broker.id[1:])])
        around = {int(labels[w]) + 1 for w in graph.neighbours(v)}
        assert broker.clusters[0] == labels[v] + 1 and set(broker.clusters) == around | {
            broker.clusters[0]}
        assert broker.groups[0] == groups[int(broker.id[1:])]
        assert len(broker.clusters) > 1 or len(broker.groups) > 1
    # the middle of the path carries every path between the cliques
    assert brokers.listed[0].id == "n007"
    json.dumps(brokers.to_dict())


def test_someone_inside_one_cluster_and_group_is_never_a_broker() -> None:
    G = nx.star_graph(6)  # everyone in one cluster and one group: the hub bridges nothing
    graph = from_networkx(G)
    labels, _, _ = cluster_labels(graph)
    assert set(labels.tolist()) == {0}
    assert find_brokers(graph, labels).listed == []


# -- in the analysis -------------------------------------------------------------------------


def test_the_analysis_carries_clusters_brokers_and_their_json() -> None:
    graph = synthetic_constituency(4_000, 6, seed=5)
    result = analyse(graph)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["clusters"]["method"] == "leiden" and data["clusters"]["seed"] == SEED
    assert data["clusters"]["count"] == result.clusters.count > 1
    assert data["clusters"]["listed"][0]["id"] == 1
    sources = source_count(graph.n, graph.m)
    assert BROKER_SOURCES <= sources < graph.n
    assert data["brokers"]["exact"] is False and data["brokers"]["sources"] == sources
    assert 0 < len(data["brokers"]["listed"]) <= 10
    labels, _, _ = cluster_labels(graph)
    assert result.clusters.labels.tolist() == labels.tolist()
    listed = data["clusters"]["listed"]
    assert sum(c["size"] for c in listed) <= graph.n
    assert sum(c["reached"] for c in listed) <= result.core.reached
    exact = analyse(synthetic_constituency(300, 4, seed=5))
    assert exact.brokers.exact and exact.brokers.sources == 300


def test_the_report_lists_clusters_and_brokers_by_name() -> None:
    from service.report import format_report

    G = nx.barbell_graph(6, 3)
    graph = from_networkx(G, core={0}, groups={v: "people" if v <= 7 else "system_leaders"
                                               for v in G})
    text = format_report(analyse(graph), graph)
    section = text[text.index("Clusters and brokers"):text.index("Gaps and missing voices")]
    assert "2 clusters of 5 or more people" in section
    assert "Person 7 (n007)" in section and "every shortest chain of ties counted" in section


def test_the_benchmark_states_clusters_and_brokers_as_a_ratio_to_the_rest(tmp_path: Path) -> None:
    from bench.clusters import main, run, table

    result = run(people=400, ties_per_person=4, reps=1)
    rest = result["rest"]["median_s"]
    assert result["rest_of_analysis_s"] == rest
    assert result["added_s"] == pytest.approx(result["analyse"]["median_s"] - rest)
    ratio = result["ratio"]  # None when the rest measures 0 or less (noise on a tiny map)
    assert result["met"] == (ratio is not None and ratio <= 1.0)
    assert "added ÷ the rest" in table(result)
    out = tmp_path / "clusters.json"
    assert main(["--people", "300", "--reps", "1", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["people"] == 300


def test_small_clusters_are_counted_and_the_listing_stops_at_its_limit() -> None:
    # four groups of seven, a pair and three people alone
    G = nx.disjoint_union_all([nx.complete_graph(7) for _ in range(4)]
                              + [nx.path_graph(2), nx.empty_graph(3)])
    graph = from_networkx(G)
    result = find_clusters(graph, graph.core_mask, hops=1, min_size=5, listed=2)
    assert result.count == 8 and result.large == 4
    assert [c.id for c in result.listed] == [1, 2] and all(c.size == 7 for c in result.listed)
    assert (result.small, result.small_people) == (4, 5)
    assert all(c.reach == 0.0 and c.core_size == 0 for c in result.listed)


def test_clusters_and_broker_scores_are_reused_while_the_ties_stay_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.analysis.brokers as brokers_module
    import graph.analysis.clusters as clusters_module

    runs = {"leiden": 0, "betweenness": 0}
    real_leiden, real_between = clusters_module.leiden, brokers_module.betweenness_from

    def counted_leiden(*args: Any) -> list[int]:
        runs["leiden"] += 1
        return real_leiden(*args)

    def counted_between(*args: Any) -> Any:
        runs["betweenness"] += 1
        return real_between(*args)

    monkeypatch.setattr(clusters_module, "leiden", counted_leiden)
    monkeypatch.setattr(brokers_module, "betweenness_from", counted_between)
    clusters_module.LABELS_MEMO.clear()
    brokers_module.SCORES_MEMO.clear()
    network = nx.gnm_random_graph(60, 150, seed=3)
    ties = [Relationship(source=f"p{a}", target=f"p{b}") for a, b in network.edges]

    def people(leading: int) -> list[Person]:
        return [Person(id=f"p{i}", group=GROUPS[i % 3],
                       engagement="leading" if i < leading else "aware") for i in range(60)]

    first = analyse(CompactGraph.from_records("x", people(2), ties))
    # the same ties, other facts about the people: nothing recomputed, the same clusters
    again = analyse(CompactGraph.from_records("x", people(6), ties))
    assert runs == {"leiden": 1, "betweenness": 1}
    assert again.clusters.labels.tolist() == first.clusters.labels.tolist()
    assert again.brokers.to_dict() == first.brokers.to_dict()
    assert not first.clusters.labels.flags.writeable  # a shared answer cannot be changed
    # one tie more: computed afresh, and what a run with no memo gives
    more = CompactGraph.from_records("x", people(2), [
        *ties, Relationship(source="p0", target="p59")])
    labels, _, _ = cluster_labels(more)
    assert runs["leiden"] == 2
    assert labels.tolist() == clusters_module._cluster_labels(more, SEED)[0].tolist()
