"""Reach of the engaged core, the recommended core and the plan to reach the target.

Every metric is cross-checked against the plain networkx/set computations of tests/reference.py
on networkx's four real social networks and on seeded random graphs, for 1, 2 and 3 hops.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from reference import (
    compact_from_networkx,
    random_graphs,
    real_networks,
    ref_brought,
    ref_core_reach,
    ref_recommended_core,
    ref_to_reach_target,
    ref_within_hops,
    seeded_core,
    seeded_groups,
)

import graph.analysis.reach as reach
from graph.analysis.options import AnalysisOptions
from graph.analysis.reach import (
    core_reach,
    core_size_target,
    greedy_plans,
    meets_target,
    recommended_core,
    to_reach_target,
    within_hops,
)
from graph.compact import CompactGraph

GRAPHS = {**real_networks(), **random_graphs(seed=7)}


# Ways of finding the best gain for more than one hop: the lazy greedy refining the top with
# the default mix, recomputing all gains at once at every stale step, or never doing so (one
# candidate at a time); and every gain kept exact. One hop has a single way (gains kept exact).
MODES = {
    "lazy": (1.0, 0.0),
    "bulk": (0.0, 0.0),
    "one_by_one": (float("inf"), 0.0),
    "exact": (1.0, float("inf")),
}


def greedy_modes(hops: list[int]) -> pytest.MarkDecorator:
    """Parametrise ``(hops, mode)``: every mode for more than one hop, one for one hop."""
    return pytest.mark.parametrize(
        ("hops", "mode"), [(h, m) for h in hops for m in MODES if h > 1 or m == "lazy"]
    )


@pytest.fixture
def greedy_mode(mode: str, monkeypatch: pytest.MonkeyPatch) -> str:
    refresh, exact = MODES[mode]
    monkeypatch.setattr(reach, "_REFRESH_AFTER", refresh)
    monkeypatch.setattr(reach, "_EXACT_BALLS_PER_TIE", exact)
    return mode


def _top_degree(G: nx.Graph, k: int) -> set[str]:
    return set(sorted(G.nodes, key=lambda v: (-G.degree(v), v))[:k])


def _cores(G: nx.Graph) -> dict[str, set[str]]:
    return {
        "empty": set(),
        "hub": _top_degree(G, 1),
        "seeded": seeded_core(G, 0.1, seed=3),
        "hubs": _top_degree(G, 3),
    }


CASES = [
    pytest.param(name, core_name, id=f"{name}-{core_name}")
    for name in GRAPHS
    for core_name in ("empty", "hub", "seeded", "hubs")
]


def _build(name: str, core_name: str) -> tuple[nx.Graph, set[str], dict, CompactGraph]:
    """The networkx graph, the core, the groups and the CompactGraph of one case.

    Half of a non-trivial core is made of declared roles rather than ``leading`` engagement,
    and some non-core people are ``contributing`` (engaged but not in the core).
    """
    G = GRAPHS[name]
    core = _cores(G)[core_name]
    groups = seeded_groups(G, seed=11)
    ordered = sorted(core)
    by_role = {v: {"role": "organiser", "engagement": "aware"} for v in ordered[::2]}
    others = [v for v in sorted(G.nodes) if v not in core][::5]
    contributing = {v: {"engagement": "contributing"} for v in others}
    graph = compact_from_networkx(
        G, core=ordered[1::2], groups=groups, people={**contributing, **by_role}
    )
    return G, core, groups, graph


def _ids(graph: CompactGraph, mask: np.ndarray) -> set[str]:
    return {graph.ids[i] for i in np.flatnonzero(mask)}


def test_compact_graph_of_case_has_the_intended_core() -> None:
    G, core, _, graph = _build("karate", "hubs")
    assert _ids(graph, graph.core_mask) == core
    assert graph.m == G.number_of_edges()
    assert (graph.declared_role >= 0).sum() == 2


@pytest.mark.parametrize(("name", "core_name"), CASES)
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
def test_within_hops_matches_shortest_path_distances(name: str, core_name: str, hops: int) -> None:
    G, core, _, graph = _build(name, core_name)
    got = within_hops(graph, graph.core_mask, hops)
    assert _ids(graph, got) == ref_within_hops(G, core, hops)


@pytest.mark.parametrize(("name", "core_name"), CASES)
@pytest.mark.parametrize("hops", [1, 2, 3])
def test_core_reach_matches_networkx(name: str, core_name: str, hops: int) -> None:
    G, core, groups, graph = _build(name, core_name)
    got = core_reach(graph, graph.core_mask, hops)
    want = ref_core_reach(G, core, hops, groups)
    assert got.members == want["members"]
    assert got.share == pytest.approx(want["share"])
    assert got.reach == pytest.approx(want["reach"])
    assert (got.reached, got.outside) == (want["reached"], want["outside"])
    assert got.reach_by_group.keys() == want["reach_by_group"].keys()
    for group, share in want["reach_by_group"].items():
        assert got.reach_by_group[group] == pytest.approx(share)
    assert sum(got.outside_by_group.values()) == got.outside
    assert sum(got.reached_by_group.values()) == got.reached
    for group in got.outside_by_group:
        outside = {v for v in set(G.nodes) - core if groups[v] == group}
        assert got.outside_by_group[group] == len(outside)
        assert got.reached_by_group[group] == len(outside & ref_within_hops(G, core, hops))


@pytest.mark.parametrize(("name", "core_name"), CASES)
@pytest.mark.parametrize("hops", [1, 5])
def test_the_reach_curve_is_the_share_within_1_2_and_3_steps_by_networkx(
        name: str, core_name: str, hops: int) -> None:
    G, core, groups, graph = _build(name, core_name)
    curve = core_reach(graph, graph.core_mask, hops).reach_by_steps
    outside = set(G.nodes) - core
    distance = nx.multi_source_dijkstra_path_length(G, core) if core else {}
    want = {str(k): (len({v for v in outside if distance.get(v, k + 1) <= k}) / len(outside)
                     if outside else 1.0) for k in (1, 2, 3)}
    assert curve.keys() == want.keys()
    for k, share in want.items():
        assert curve[k] == pytest.approx(share), k
    assert curve["1"] <= curve["2"] <= curve["3"]
    if hops == 1:  # the headline is the first point of the curve
        assert core_reach(graph, graph.core_mask, 1).reach == curve["1"]


@pytest.mark.parametrize(("name", "core_name"), CASES)
@greedy_modes([1, 2, 3])
@pytest.mark.parametrize("share", [0.03, 0.1, 0.3])
@pytest.mark.usefixtures("greedy_mode")
def test_recommended_core_matches_plain_greedy(
    name: str, core_name: str, hops: int, share: float
) -> None:
    G, core, _, graph = _build(name, core_name)
    options = AnalysisOptions(target_core_share=share, hops=hops)
    got = recommended_core(graph, graph.core_mask, options)
    want = ref_recommended_core(G, core, hops, share)
    assert [(a.id, a.gain) for a in got.added] == want
    assert got.members == sorted(core) + [v for v, _ in want]
    assert got.size == len(got.members)
    final = core | {v for v, _ in want}
    assert got.reach == pytest.approx(ref_core_reach(G, final, hops, seeded_groups(G, 11))["reach"])


@pytest.mark.parametrize(("name", "core_name"), CASES)
@greedy_modes([1, 2, 3])
@pytest.mark.parametrize("target", [0.5, 0.9, 1.0])
@pytest.mark.usefixtures("greedy_mode")
def test_to_reach_target_matches_plain_greedy(
    name: str, core_name: str, hops: int, target: float
) -> None:
    G, core, groups, graph = _build(name, core_name)
    options = AnalysisOptions(target_reach=target, hops=hops)
    got = to_reach_target(graph, graph.core_mask, options)
    want = ref_to_reach_target(G, core, hops, target)
    assert [(a.id, a.gain) for a in got.added] == want
    assert got.additions == len(want)
    assert got.members == sorted(core) + [v for v, _ in want]
    assert got.target == target
    final = ref_core_reach(G, core | {v for v, _ in want}, hops, groups)
    assert got.reach == pytest.approx(final["reach"])
    assert got.reach >= target - 1e-12


@pytest.mark.parametrize(("name", "core_name"), CASES)
@pytest.mark.parametrize("hops", [1, 2])
@pytest.mark.parametrize(("share", "target"), [(0.03, 0.9), (0.3, 0.5), (0.1, 1.0)])
def test_greedy_plans_from_one_run_equal_the_two_separate_plans(
    name: str, core_name: str, hops: int, share: float, target: float
) -> None:
    _, _, _, graph = _build(name, core_name)
    options = AnalysisOptions(target_core_share=share, target_reach=target, hops=hops)
    rec, plan = greedy_plans(graph, graph.core_mask, options)
    assert rec == recommended_core(graph, graph.core_mask, options)
    assert plan == to_reach_target(graph, graph.core_mask, options)


def test_to_reach_target_is_the_recommended_greedy_continued() -> None:
    G, core, _, graph = _build("les_miserables", "hub")
    options = AnalysisOptions(target_core_share=0.1, target_reach=1.0)
    rec = recommended_core(graph, graph.core_mask, options)
    plan = to_reach_target(graph, graph.core_mask, options)
    assert len(plan.added) > len(rec.added) > 0
    assert plan.added[: len(rec.added)] == rec.added


# -- sizing and stopping rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "n", "size"),
    [(0.03, 100, 3), (0.07, 100, 7), (0.03, 101, 4), (0.03, 0, 0), (0.1, 30, 3), (1.0, 5, 5),
     (0.03, 1, 1), (0.29, 100, 29), (0.57, 100, 57)],
)
def test_core_size_target_is_ceil_without_float_error(share: float, n: int, size: int) -> None:
    assert core_size_target(share, n) == size


@pytest.mark.parametrize(("share", "size"), [(0.03, 3), (0.07, 7), (0.14, 14)])
def test_recommended_core_of_100_people_has_ceil_share_people(share: float, size: int) -> None:
    # 0.07 * 100 and 0.14 * 100 are a hair above 7 and 14 in floats: the sizing must not round up
    G = string_ids_path(100)
    graph = compact_from_networkx(G)
    got = recommended_core(graph, graph.core_mask, AnalysisOptions(target_core_share=share))
    assert got.size == len(got.added) == size
    assert [(a.id, a.gain) for a in got.added] == ref_recommended_core(G, set(), 1, share)


def string_ids_path(n: int) -> nx.Graph:
    """A path of ``n`` people with zero-padded ids, so id order is path order."""
    return nx.relabel_nodes(nx.path_graph(n), {i: f"p{i:03d}" for i in range(n)})


def test_to_reach_target_stops_when_reach_equals_target_exactly() -> None:
    # 101 people: a core member tied to 7 others, 93 isolated people. Outside = 100, reached = 7:
    # reach 0.07 meets a 0.07 target, although 0.07 * 100 is 7.000000000000001 in floats.
    G = nx.star_graph(7)
    G.add_nodes_from(range(8, 101))
    G = nx.relabel_nodes(G, {i: f"p{i:03d}" for i in G.nodes})
    graph = compact_from_networkx(G, core=["p000"])
    assert 0.07 * 100 > 7
    plan = to_reach_target(graph, graph.core_mask, AnalysisOptions(target_reach=0.07))
    assert plan.additions == 0 == len(ref_to_reach_target(G, {"p000"}, 1, 0.07))
    assert plan.reach == pytest.approx(0.07)
    assert plan.members == ["p000"]


def test_meets_target_compares_shares_with_a_small_tolerance() -> None:
    assert meets_target(7, 100, 0.07)
    assert not meets_target(6, 100, 0.07)
    assert meets_target(0, 0, 0.9)
    assert meets_target(9, 10, 0.9) and not meets_target(8, 10, 0.9)


def test_recommended_core_keeps_adding_people_with_no_gain_in_id_order() -> None:
    # everyone is reached after the first addition; the rest are added by ascending id with gain 0
    G = nx.relabel_nodes(nx.star_graph(9), {i: f"p{i}" for i in range(10)})
    graph = compact_from_networkx(G)
    got = recommended_core(graph, graph.core_mask, AnalysisOptions(target_core_share=0.4))
    assert [(a.id, a.gain) for a in got.added] == [("p0", 10), ("p1", 0), ("p2", 0), ("p3", 0)]
    assert got.reach == 1.0


def test_greedy_ties_are_broken_by_ascending_id_not_by_number() -> None:
    # two identical stars centred on "10" and "9": as strings "10" < "9", so "10" comes first
    G = nx.Graph([("10", "a"), ("10", "b"), ("9", "c"), ("9", "d")])
    graph = compact_from_networkx(G)
    got = recommended_core(graph, graph.core_mask, AnalysisOptions(target_core_share=0.3))
    assert [(a.id, a.gain) for a in got.added] == [("10", 3), ("9", 3)]


def test_recommended_core_adds_nobody_when_the_core_is_large_enough() -> None:
    G = GRAPHS["florentine"]
    core = _top_degree(G, 3)  # 3 of 15 people = 20% > 3%
    graph = compact_from_networkx(G, core=core)
    got = recommended_core(graph, graph.core_mask, AnalysisOptions())
    assert got.added == [] and got.members == sorted(core) and got.size == 3
    assert got.reach == pytest.approx(ref_core_reach(G, core, 1, seeded_groups(G, 0))["reach"])


def test_empty_constituency_has_zero_share_and_reach() -> None:
    graph = compact_from_networkx(nx.Graph())
    empty = np.zeros(0, dtype=bool)
    reach = core_reach(graph, empty, 1)
    assert (reach.members, reach.share, reach.reach, reach.reached, reach.outside) == (
        [], 0.0, 0.0, 0, 0,
    )
    assert reach.reach_by_group == {
        "people": None, "givers_of_service": None, "system_leaders": None,
    }
    assert within_hops(graph, empty, 2).shape == (0,)
    rec = recommended_core(graph, empty, AnalysisOptions())
    assert (rec.members, rec.added, rec.size, rec.reach) == ([], [], 0, 0.0)
    for hops in (1, 2):
        plan = to_reach_target(graph, empty, AnalysisOptions(hops=hops))
        assert (plan.additions, plan.members, plan.reach) == (0, [], 0.0)
        assert recommended_core(graph, empty, AnalysisOptions(hops=hops)).size == 0


def test_everyone_in_the_core_has_full_reach_and_needs_nobody() -> None:
    G = GRAPHS["karate"]
    graph = compact_from_networkx(G, core=G.nodes)
    reach = core_reach(graph, graph.core_mask, 1)
    assert (reach.share, reach.reach, reach.outside) == (1.0, 1.0, 0)
    assert set(reach.reach_by_group.values()) == {None}
    plan = to_reach_target(graph, graph.core_mask, AnalysisOptions(target_reach=1.0))
    assert plan.additions == 0 and plan.reach == 1.0
    assert recommended_core(graph, graph.core_mask, AnalysisOptions()).added == []


def test_no_core_reaches_nobody_and_the_plan_starts_from_scratch() -> None:
    G = GRAPHS["davis"]
    graph = compact_from_networkx(G)
    reach = core_reach(graph, graph.core_mask, 1)
    assert (reach.members, reach.reach, reach.reached) == ([], 0.0, 0)
    plan = to_reach_target(graph, graph.core_mask, AnalysisOptions())
    assert [(a.id, a.gain) for a in plan.added] == ref_to_reach_target(G, set(), 1, 0.9)
    assert plan.additions > 0


def test_group_with_nobody_outside_the_core_has_no_reach_share() -> None:
    G = nx.Graph([("a", "b"), ("b", "c")])
    graph = compact_from_networkx(G, core=["a"], groups={"a": "system_leaders"})
    reach = core_reach(graph, graph.core_mask, 1)
    assert reach.reach_by_group == {"people": 0.5, "givers_of_service": None,
                                    "system_leaders": None}
    assert reach.outside_by_group == {"people": 2, "givers_of_service": 0, "system_leaders": 0}


def test_reach_functions_reject_a_mask_of_the_wrong_shape() -> None:
    graph = compact_from_networkx(GRAPHS["florentine"])
    with pytest.raises(ValueError, match="boolean array"):
        core_reach(graph, np.zeros(3, dtype=bool), 1)
    with pytest.raises(ValueError, match="boolean array"):
        within_hops(graph, np.zeros(graph.n, dtype=int), 1)


# -- the lazy greedy at a larger scale ---------------------------------------------------------


def _matrix_greedy(G: nx.Graph, core: set[str], hops: int, size: int) -> list[tuple[str, int]]:
    """A non-lazy greedy with sparse matrices: every gain recomputed at every step as
    B @ unreached, B the "within hops" indicator matrix; first maximum = smallest id."""
    nodes = sorted(G.nodes)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, format="csr", dtype=np.int64)
    step = A + sp.identity(len(nodes), dtype=np.int64, format="csr")
    B = step.copy()
    for _ in range(hops - 1):
        B = B @ step
    B = (B > 0).astype(np.int64)
    current = np.array([v in core for v in nodes])
    reached = (B @ current.astype(np.int64)) > 0
    added = []
    while current.sum() < size:
        gains = B @ (~reached).astype(np.int64)
        gains[current] = -1
        best = int(np.argmax(gains))
        added.append((nodes[best], int(gains[best])))
        current[best] = True
        reached |= B[[best]].toarray()[0] > 0
    return added


@greedy_modes([1, 2, 3])
@pytest.mark.usefixtures("greedy_mode")
def test_lazy_greedy_matches_a_full_greedy_on_a_larger_graph(hops: int) -> None:
    G = nx.relabel_nodes(
        nx.powerlaw_cluster_graph(1500, 2, 0.3, seed=5), lambda i: f"p{i:05d}"
    )
    G.add_nodes_from(f"q{i:03d}" for i in range(40))  # isolated people: gain 1 each
    core = seeded_core(G, 0.01, seed=2)
    graph = compact_from_networkx(G, core=core)
    options = AnalysisOptions(target_core_share=0.06, hops=hops)
    got = recommended_core(graph, graph.core_mask, options)
    size = core_size_target(0.06, G.number_of_nodes())
    assert [(a.id, a.gain) for a in got.added] == _matrix_greedy(G, core, hops, size)


@pytest.mark.parametrize("name", ["les_miserables", "disconnected", "barabasi_albert"])
@greedy_modes([7, 12])
@pytest.mark.usefixtures("greedy_mode")
def test_greedy_matches_plain_greedy_for_many_hops(name: str, hops: int) -> None:
    # beyond a few hops the first gain estimates are per-component counts, not walk counts
    G, core, _, graph = _build(name, "hub")
    options = AnalysisOptions(target_core_share=0.2, target_reach=1.0, hops=hops)
    got = recommended_core(graph, graph.core_mask, options)
    assert [(a.id, a.gain) for a in got.added] == ref_recommended_core(G, core, hops, 0.2)
    plan = to_reach_target(graph, graph.core_mask, options)
    assert [(a.id, a.gain) for a in plan.added] == ref_to_reach_target(G, core, hops, 1.0)


# -- readiness: whom to engage next among the ready only ----------------------------------------

_LEVELS = ("unengaged", "aware", "supporting", "contributing")


def _ready_case(name: str, seed: int = 5) -> tuple[nx.Graph, set[str], dict, dict, CompactGraph]:
    """A graph with a seeded core and a seeded engagement level below ``leading`` for everyone
    else: the graph, the core, the groups, the levels and the CompactGraph."""
    G = GRAPHS[name]
    core = seeded_core(G, 0.05, seed=seed)
    groups = seeded_groups(G, seed=seed + 1)
    rng = random.Random(seed + 2)
    levels = {v: rng.choice(_LEVELS) for v in sorted(G.nodes) if v not in core}
    graph = compact_from_networkx(G, core=core, groups=groups,
                                  people={v: {"engagement": e} for v, e in levels.items()})
    return G, core, groups, levels, graph


def _at_or_above(levels: dict, level: str) -> set[str]:
    order = (*_LEVELS, "leading")
    return {v for v, e in levels.items() if order.index(e) >= order.index(level)}


def _check_brought(G: nx.Graph, core: set[str], hops: int, groups: dict, levels: dict,
                   added: list) -> None:
    """Each addition's engagement and whom it brings by group, against the reference."""
    brought = ref_brought(G, core, hops, [a.id for a in added])
    for addition, people in zip(added, brought, strict=True):
        assert addition.engagement == levels.get(addition.id, "leading")
        want = {g: sum(1 for v in people if groups[v] == g) for g in
                ("people", "givers_of_service", "system_leaders")}
        assert addition.brings_by_group == want
        assert sum(addition.brings_by_group.values()) == addition.gain


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("level", ["aware", "contributing"])
@greedy_modes([1, 2, 3])
@pytest.mark.usefixtures("greedy_mode")
def test_ready_plans_match_the_reference_greedy_among_ready_people(
        name: str, level: str, hops: int) -> None:
    G, core, groups, levels, graph = _ready_case(name)
    ready = _at_or_above(levels, level)
    options = AnalysisOptions(target_core_share=0.15, target_reach=0.9, hops=hops,
                              min_engagement=level)
    plans = reach.ready_plans(graph, graph.core_mask, options)
    assert plans is not None
    assert (plans.min_engagement, plans.candidates) == (level, len(ready))
    rec = plans.recommended_core
    want_rec = ref_recommended_core(G, core, hops, 0.15, candidates=ready)
    assert [(a.id, a.gain) for a in rec.added] == want_rec
    assert rec.size == len(core) + len(want_rec)
    assert set(rec.members) == core | {v for v, _ in want_rec}
    plan = plans.to_reach_target
    want_plan = ref_to_reach_target(G, core, hops, 0.9, candidates=ready)
    assert [(a.id, a.gain) for a in plan.added] == want_plan
    grown = core | {v for v, _ in want_plan}
    outside = set(G.nodes) - grown
    reached = ref_within_hops(G, grown, hops) & outside
    want_reach = len(reached) / len(outside) if outside else 1.0
    assert plan.reach == pytest.approx(want_reach)
    assert plan.meets_target == (want_reach >= 0.9 - 1e-12)
    _check_brought(G, core, hops, groups, levels, plan.added)
    _check_brought(G, core, hops, groups, levels, rec.added)


@pytest.mark.parametrize("hops", [1, 2])
def test_every_addition_says_whom_it_brings_by_group_in_the_plans_from_anyone(
        hops: int) -> None:
    G, core, groups, levels, graph = _ready_case("les_miserables")
    options = AnalysisOptions(target_core_share=0.2, hops=hops)
    rec, plan = greedy_plans(graph, graph.core_mask, options)
    _check_brought(G, core, hops, groups, levels, rec.added)
    _check_brought(G, core, hops, groups, levels, plan.added)


def test_readiness_leaves_the_plans_from_anyone_as_they_were() -> None:
    _, _, _, _, graph = _ready_case("karate")
    anyone = greedy_plans(graph, graph.core_mask, AnalysisOptions())
    ready = AnalysisOptions(min_engagement="contributing")
    assert greedy_plans(graph, graph.core_mask, ready) == anyone
    assert reach.ready_plans(graph, graph.core_mask, AnalysisOptions()) is None


def test_the_lowest_readiness_gives_the_plans_from_anyone() -> None:
    _, _, _, _, graph = _ready_case("florentine")
    rec, plan = greedy_plans(graph, graph.core_mask, AnalysisOptions())
    ready = reach.ready_plans(graph, graph.core_mask,
                              AnalysisOptions(min_engagement="unengaged"))
    assert ready is not None
    assert (ready.recommended_core, ready.to_reach_target) == (rec, plan)


def test_with_nobody_ready_the_ready_plans_add_nobody_and_say_the_target_is_not_met() -> None:
    G = nx.path_graph(6)
    graph = compact_from_networkx(G, core=[0])
    plans = reach.ready_plans(graph, graph.core_mask, AnalysisOptions(
        target_core_share=0.5, min_engagement="supporting"))
    assert plans is not None and plans.candidates == 0
    assert plans.recommended_core.added == [] and plans.recommended_core.size == 1
    assert plans.to_reach_target.added == [] and not plans.to_reach_target.meets_target
    assert plans.to_reach_target.reach == pytest.approx(1 / 5)
