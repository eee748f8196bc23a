"""The synthetic constituency generator and its CSV pair (graph/synthetic.py)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graph.compact import NO_DATE, CompactGraph, date_to_day
from graph.importer import import_csv
from graph.model import Engagement, Group, Person, Relationship
from graph.stores.base import GraphStore
from graph.synthetic import (
    MISSING_COMMUNITIES,
    PEOPLE_HEADER,
    REFERENCE_DATE,
    RELATIONSHIPS_HEADER,
    synthetic_constituency,
    write_csv_pair,
)

ARRAYS = (
    "group", "member_of", "segment_indptr", "segment_indices", "formal_power", "informal_power",
    "lived_experience", "engagement", "declared_role", "joined", "edge_u", "edge_v",
    "edge_since", "recruit_source", "recruit_target", "indptr", "indices", "slot_edge",
)
LISTS = ("ids", "names", "organisations", "segment_names", "expected_segments")


@pytest.fixture(scope="module")
def graph() -> CompactGraph:
    return synthetic_constituency(5_000, 10, seed=11)


def assert_same_graph(a: CompactGraph, b: CompactGraph) -> None:
    assert a.name == b.name
    for name in LISTS:
        assert list(getattr(a, name)) == list(getattr(b, name)), name
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert a.strength.keys() == b.strength.keys()
    for trust in a.strength:
        np.testing.assert_array_equal(a.strength[trust], b.strength[trust], err_msg=trust)


def locality_of(g: CompactGraph) -> np.ndarray:
    """Everyone's first segment is their locality."""
    first = g.segment_indices[g.segment_indptr[:-1]]
    assert all(g.segment_names[s].startswith("locality:") for s in np.unique(first).tolist())
    return first


# -- determinism and sizes -------------------------------------------------------------------


def test_same_seed_gives_the_same_graph() -> None:
    assert_same_graph(synthetic_constituency(3_000, 8, seed=4),
                      synthetic_constituency(3_000, 8, seed=4))


def test_another_seed_gives_another_graph() -> None:
    a = synthetic_constituency(3_000, 8, seed=4)
    b = synthetic_constituency(3_000, 8, seed=5)
    assert not np.array_equal(a.edge_u, b.edge_u) or not np.array_equal(a.edge_v, b.edge_v)


@pytest.mark.parametrize(("people", "ties_per_person"), [(1_000, 10), (2_345, 7.5), (4_000, 2)])
def test_tie_count_is_people_times_ties_per_person(people: int, ties_per_person: float) -> None:
    g = synthetic_constituency(people, ties_per_person, seed=2)
    assert (g.n, g.m) == (people, round(people * ties_per_person))


@pytest.mark.parametrize(("people", "ties"), [(0, 0), (1, 0), (2, 1), (5, 10), (30, 300)])
def test_tiny_constituencies_hold_at_most_every_pair(people: int, ties: int) -> None:
    g = synthetic_constituency(people, 10, seed=1)
    assert (g.n, g.m) == (people, ties)
    assert np.all(g.edge_u < g.edge_v)


def test_ids_ascend_like_their_numbers(graph: CompactGraph) -> None:
    assert graph.ids[:2] == ["p0000", "p0001"]
    assert graph.ids == sorted(graph.ids)


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="people"):
        synthetic_constituency(-1)
    with pytest.raises(ValueError, match="ties_per_person"):
        synthetic_constituency(10, -1)


# -- the shape of a real constituency -----------------------------------------------------------


def test_groups_are_about_forty_fifty_ten(graph: CompactGraph) -> None:
    shares = np.bincount(graph.group, minlength=3) / graph.n
    np.testing.assert_allclose(shares, [0.40, 0.50, 0.10], atol=0.04)


def test_everyone_has_one_locality_and_one_to_three_segments(graph: CompactGraph) -> None:
    counts = np.diff(graph.segment_indptr)
    assert counts.min() == 1 and counts.max() == 3
    locality_of(graph)
    kinds = {name.split(":")[0] for name in graph.segment_names}
    assert kinds == {"locality", "community", "service"}
    # several localities, each a real place on the map
    assert len([s for s in graph.segment_names if s.startswith("locality:")]) >= 3


def test_expected_segments_include_two_communities_nobody_is_in(graph: CompactGraph) -> None:
    missing = {f"community:{c}" for c in MISSING_COMMUNITIES}
    assert missing <= set(graph.expected_segments)
    assert set(graph.expected_segments) - missing == set(graph.segment_names)


def test_degrees_are_heavy_tailed(graph: CompactGraph) -> None:
    degree = graph.degree()
    assert degree.mean() == pytest.approx(20.0)
    assert degree.max() > 8 * degree.mean()
    assert np.quantile(degree, 0.99) > 2.5 * np.median(degree)


def test_most_ties_stay_within_a_locality(graph: CompactGraph) -> None:
    locality = locality_of(graph)
    within = np.mean(locality[graph.edge_u] == locality[graph.edge_v])
    assert 0.6 < within < 0.95  # most, not all: some ties cross localities


def test_ties_cluster_far_more_than_at_random(graph: CompactGraph) -> None:
    G = nx.Graph(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True))
    density = 2 * graph.m / (graph.n * (graph.n - 1))
    assert nx.average_clustering(G) > 10 * density


def test_engaged_core_is_two_to_three_percent(graph: CompactGraph) -> None:
    assert 0.02 <= graph.core_mask.mean() <= 0.03
    ladder = np.bincount(graph.engagement, minlength=5) / graph.n
    assert ladder[Engagement.UNENGAGED.rank] == pytest.approx(0.5, abs=0.03)
    assert ladder[Engagement.LEADING.rank] == pytest.approx(0.02, abs=0.005)
    assert np.all(np.diff(ladder) < 0)  # fewer people on each rung up the ladder
    assert set(graph.declared_role.tolist()) == {-1, 0, 1, 2}


def test_core_members_have_more_ties(graph: CompactGraph) -> None:
    degree = graph.degree()
    assert np.median(degree[graph.core_mask]) > np.median(degree[~graph.core_mask])


def test_recruitments_form_trees_grown_from_engaged_people(graph: CompactGraph) -> None:
    source, target = graph.recruit_source, graph.recruit_target
    assert 0.25 * graph.n < source.size < 0.6 * graph.n
    assert np.unique(target).size == target.size  # one recruiter per recruit
    assert np.all(graph.joined[source] < graph.joined[target])  # so no cycles
    assert np.all(graph.joined[source] != NO_DATE)
    engaged = (graph.engagement >= Engagement.SUPPORTING.rank) | (graph.declared_role >= 0)
    assert np.all(engaged[source])
    ties = set(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True))
    assert all((min(s, t), max(s, t)) in ties
               for s, t in zip(source.tolist(), target.tolist(), strict=True))
    # chains: some recruits recruited others in turn
    assert np.intersect1d(source, target).size > 0


def test_trust_types_are_correlated(graph: CompactGraph) -> None:
    s = graph.strength
    corr = np.corrcoef([s["relational"], s["functional"], s["flow_of_value"]])
    assert np.all(corr[np.triu_indices(3, 1)] > 0.3)
    assert {int(v) for v in np.unique(s["relational"])} == {0, 1, 2, 3}


def test_flow_of_value_is_weaker_across_the_gap_to_system_leaders(graph: CompactGraph) -> None:
    leaders = graph.group == Group.SYSTEM_LEADERS.index
    across = leaders[graph.edge_u] != leaders[graph.edge_v]
    with_flow = graph.strength["flow_of_value"] >= 1
    assert with_flow[across].mean() < 0.5 < with_flow[~across].mean()


def test_power_and_lived_experience_sit_where_they_do_in_real_systems(
    graph: CompactGraph,
) -> None:
    leaders = graph.group == Group.SYSTEM_LEADERS.index
    people = graph.group == Group.PEOPLE.index
    assert np.all(graph.formal_power[leaders] >= 1)
    assert np.all(graph.formal_power[people] == 0)
    assert 0.005 < np.mean(graph.informal_power > 0) < 0.05
    assert graph.lived_experience[people].mean() > 0.5
    assert graph.lived_experience[~people].mean() < 0.2


def test_joined_dates_fall_before_the_reference_date(graph: CompactGraph) -> None:
    known = graph.joined[graph.joined != NO_DATE]
    reference = date_to_day(REFERENCE_DATE)
    assert 0.9 * graph.n < known.size < graph.n
    assert known.max() <= reference and known.min() >= reference - 15 * 366
    since = graph.edge_since[graph.edge_since != NO_DATE]
    assert since.max() <= reference


# -- the CSV pair ------------------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_csv_pair_has_the_headers_of_the_importer(tmp_path: Path) -> None:
    people, relationships = write_csv_pair({"people": 50, "ties_per_person": 3}, tmp_path)
    assert (people.name, relationships.name) == ("people.csv", "relationships.csv")
    p_rows, r_rows = read_rows(people), read_rows(relationships)
    assert tuple(p_rows[0]) == PEOPLE_HEADER == (
        "id", "name", "group", "other_groups", "organisation", "segments", "formal_power",
        "informal_power", "lived_experience", "engagement", "role", "joined",
    )
    assert tuple(r_rows[0]) == RELATIONSHIPS_HEADER == (
        "source", "target", "relational", "functional", "flow_of_value", "recruited", "since",
    )
    assert len(p_rows) == 51 and len(r_rows) == 151
    assert {len(row) for row in p_rows} == {12} and {len(row) for row in r_rows} == {7}


def test_csv_pair_imports_back_into_the_same_graph(tmp_path: Path, store: GraphStore) -> None:
    g = synthetic_constituency(2_000, 10, seed=5, name="synth")
    people, relationships = write_csv_pair(g, tmp_path / "csv", chunk_rows=777)
    warnings: list[str] = []
    summary = import_csv(store, "synth", people, relationships, on_warning=warnings.append)
    assert warnings == []
    assert (summary.people_added, summary.relationships_added) == (2_000, 20_000)
    store.set_expected_segments("synth", list(g.expected_segments))
    assert_same_graph(store.load_graph("synth"), g)


def test_csv_pair_of_any_graph_imports_back(tmp_path: Path, store: GraphStore) -> None:
    """Quoting, several segments, recruitment both ways, missing dates, a person with no tie."""
    people = [
        Person(id="a", name='Ann "Nan" Lee, MBE', group="people", other_groups=["system_leaders"],
               segments=["locality:Kendal", "community:Deaf", "service:x", "service:y"],
               engagement="leading", role="organiser", joined=date(2020, 1, 2),
               organisation="Kendal, Carers"),
        Person(id="b", group="givers_of_service", formal_power=2, lived_experience=True),
        Person(id="c", group="system_leaders", informal_power=3, joined=date(1969, 12, 31)),
        Person(id="d", group="people"),
    ]
    ties = [
        Relationship(source="a", target="b", relational=3, recruited=True),
        Relationship(source="b", target="a", functional=2, recruited=True,
                     since=date(2021, 5, 6)),
        Relationship(source="c", target="a", flow_of_value=1, recruited=True),
        Relationship(source="b", target="c"),
    ]
    g = CompactGraph.from_records("odd", people, ties)
    p_path, r_path = write_csv_pair(g, tmp_path)
    import_csv(store, "odd", p_path, r_path)
    assert_same_graph(store.load_graph("odd"), g)


def test_csv_pair_of_an_empty_graph(tmp_path: Path) -> None:
    people, relationships = write_csv_pair(synthetic_constituency(0), tmp_path)
    assert read_rows(people) == [list(PEOPLE_HEADER)]
    assert read_rows(relationships) == [list(RELATIONSHIPS_HEADER)]
