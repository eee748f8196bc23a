"""The recruitment forest: the earliest-recruiter rule, cycles, per-recruiter growth and the
effective number of leader-growers, on hand-made forests and on seeded random maps checked
against a networkx reference (tests/recruitment_reference.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from graph.analysis.recruitment import (
    CYCLE_PEOPLE_NAMED,
    LISTED_CYCLES,
    Recruitment,
    recruiter_of,
    recruitment_forest,
)
from graph.compact import CompactGraph
from graph.model import Person, Relationship
from tests.recruitment_reference import random_map, ref_forest, ref_recruiters


def person(pid: str, engagement: str = "contributing", **kw: Any) -> Person:
    return Person(id=pid, name=f"Name {pid}", group="people", engagement=engagement, **kw)


def recruits(source: str, target: str, since: date | None = None) -> Relationship:
    return Relationship(source=source, target=target, recruited=True, since=since)


def build(people: list[Person], ties: list[Relationship]) -> CompactGraph:
    return CompactGraph.from_records("t", people, ties)


def recruiters_by_id(graph: CompactGraph) -> dict[str, str]:
    parent = recruiter_of(graph).tolist()
    return {graph.ids[v]: graph.ids[p] for v, p in enumerate(parent) if p >= 0}


def check_against_reference(people: list[Person], ties: list[Relationship]) -> Recruitment:
    """Every figure of the forest equals the networkx reference's."""
    graph = build(people, ties)
    chosen, cycles = ref_recruiters(ties)
    assert recruiters_by_id(graph) == chosen
    result = recruitment_forest(graph, listed=graph.n)
    assert result.cycle_count == len(cycles)
    assert [c.ids for c in result.cycles] == [c[:CYCLE_PEOPLE_NAMED]
                                              for c in cycles[:LISTED_CYCLES]]
    assert [c.dropped for c in result.cycles] == [{"recruiter": c[-1], "recruit": c[0]}
                                                  for c in cycles[:LISTED_CYCLES]]
    ref = ref_forest(people, chosen)
    got = {r.id: {"recruited": r.recruited, "engaged": r.engaged,
                  "second_generation": r.second_generation, "descendants": r.descendants,
                  "depth": r.depth} for r in result.listed}
    assert got == ref.per_recruiter
    assert [r.id for r in result.listed] == sorted(
        ref.per_recruiter, key=lambda v: (-ref.per_recruiter[v]["engaged"],
                                          -ref.per_recruiter[v]["recruited"], v))
    assert result.recruiters == len(ref.per_recruiter)
    assert result.recruiters_growing_leaders == sum(
        1 for r in ref.per_recruiter.values() if r["engaged"])
    assert result.recruiters_with_second_generation == sum(
        1 for r in ref.per_recruiter.values() if r["second_generation"])
    assert result.effective_leader_growers == (None if ref.effective is None
                                               else float(ref.effective))
    assert result.top3_share == (None if ref.top3 is None else float(ref.top3))
    assert (result.depth, result.breadth) == (ref.depth, ref.breadth)
    assert result.roots_with_recruits == ref.roots_with_recruits
    assert result.recruited_people == ref.recruited_people
    assert result.engaged_recruited == ref.engaged_recruited
    assert result.second_generation == ref.second_generation
    return result


# -- whose recruit: the earliest tie ---------------------------------------------------------


def test_the_earliest_dated_recruiting_tie_wins() -> None:
    people = [person(i) for i in ["a", "b", "z"]]
    ties = [recruits("a", "b", date(2021, 5, 1)), recruits("z", "b", date(2020, 5, 1))]
    assert recruiters_by_id(build(people, ties)) == {"b": "z"}


def test_a_dated_recruiting_tie_comes_before_an_undated_one() -> None:
    people = [person(i) for i in ["a", "b", "z"]]
    ties = [recruits("a", "b"), recruits("z", "b", date(2024, 1, 1))]
    assert recruiters_by_id(build(people, ties)) == {"b": "z"}


def test_equal_dates_and_undated_ties_go_to_the_smaller_recruiter_id() -> None:
    people = [person(i) for i in ["a", "b", "c", "m", "z"]]
    day = date(2022, 3, 3)
    ties = [recruits("z", "b", day), recruits("m", "b", day),
            recruits("z", "c"), recruits("a", "c")]
    assert recruiters_by_id(build(people, ties)) == {"b": "m", "c": "a"}


def test_a_tie_dates_from_its_earliest_recorded_start_whichever_way_recorded() -> None:
    # the recruiting claim a -> c is undated, but a and c have a tie recorded (c -> a) since
    # 2019: the tie between them is older than z's
    people = [person(i) for i in ["a", "c", "z"]]
    ties = [recruits("a", "c"), Relationship(source="c", target="a", since=date(2019, 1, 1)),
            recruits("z", "c", date(2020, 1, 1))]
    assert recruiters_by_id(build(people, ties)) == {"c": "a"}
    check_against_reference(people, ties)


def test_everyone_without_a_recruiter_is_a_root() -> None:
    graph = build([person(i) for i in "abcd"], [recruits("a", "b"), recruits("b", "c")])
    assert recruiter_of(graph).tolist() == [-1, 0, 1, -1]


# -- cycles ------------------------------------------------------------------------------------


def test_a_cycle_is_reported_in_recruiting_order_and_broken_at_its_smallest_id() -> None:
    people = [person(i) for i in "abcd"]
    ties = [recruits("b", "c"), recruits("c", "a"), recruits("a", "b"), recruits("c", "d")]
    graph = build(people, ties)
    result = check_against_reference(people, ties)
    assert result.cycle_count == 1
    (cycle,) = result.cycles
    assert cycle.ids == ["a", "b", "c"] and cycle.size == 3
    assert cycle.names == ["Name a", "Name b", "Name c"]
    assert cycle.dropped == {"recruiter": "c", "recruit": "a"}
    assert recruiters_by_id(graph) == {"b": "a", "c": "b", "d": "c"}


def test_two_people_who_each_say_they_recruited_the_other_are_a_cycle() -> None:
    people = [person(i) for i in "ab"]
    result = check_against_reference(people, [recruits("a", "b"), recruits("b", "a")])
    assert [c.ids for c in result.cycles] == [["a", "b"]]
    assert result.recruiter.tolist() == [-1, 0]


def test_cycles_listed_and_named_are_bounded_and_all_counted() -> None:
    people = [person(f"p{i:03d}") for i in range(2 * LISTED_CYCLES + 10 + 30)]
    ids = [p.id for p in people]
    ties = [recruits(ids[2 * k], ids[2 * k + 1]) for k in range(LISTED_CYCLES + 5)]
    ties += [recruits(ids[2 * k + 1], ids[2 * k]) for k in range(LISTED_CYCLES + 5)]
    ring = ids[-30:]
    ties += [recruits(a, b) for a, b in zip(ring, ring[1:] + ring[:1], strict=True)]
    result = check_against_reference(people, ties)
    assert result.cycle_count == LISTED_CYCLES + 6
    assert len(result.cycles) == LISTED_CYCLES
    big = recruitment_forest(build(people, ties[-30:])).cycles[0]
    assert big.size == 30 and len(big.ids) == len(big.names) == CYCLE_PEOPLE_NAMED


# -- hand-made forests ---------------------------------------------------------------------------


def star(leaves: int) -> tuple[list[Person], list[Relationship]]:
    people = [person("hub")] + [person(f"r{i:02d}") for i in range(leaves)]
    return people, [recruits("hub", p.id) for p in people[1:]]


def snowflake(organisers: int, fan: int) -> tuple[list[Person], list[Relationship]]:
    """``organisers`` roots; each recruits ``fan`` engaged people who each recruit ``fan``."""
    people: list[Person] = []
    ties: list[Relationship] = []
    for o in range(organisers):
        people.append(person(f"o{o}"))
        for i in range(fan):
            leader = f"o{o}l{i}"
            people.append(person(leader))
            ties.append(recruits(f"o{o}", leader))
            for j in range(fan):
                people.append(person(f"{leader}m{j}"))
                ties.append(recruits(leader, f"{leader}m{j}"))
    return people, ties


def test_a_lone_heroic_recruiter_is_one_leader_grower() -> None:
    result = check_against_reference(*star(12))
    assert result.effective_leader_growers == 1.0
    assert result.top3_share == 1.0
    assert result.second_generation == 0
    assert (result.depth, result.breadth, result.roots_with_recruits) == (1, 12, 1)
    assert [(r.id, r.recruited, r.engaged, r.descendants) for r in result.listed] == [
        ("hub", 12, 12, 12)]


def test_a_snowflake_of_organisers_has_many_leader_growers_and_a_low_top_three_share() -> None:
    people, ties = snowflake(5, 3)
    result = check_against_reference(people, ties)
    # 15 + 45 engaged recruits, 20 recruiters growing 3 each: 20 equal leader-growers
    assert result.effective_leader_growers == pytest.approx(20.0)
    assert result.top3_share == pytest.approx(9 / 60)
    assert result.second_generation == 15
    assert result.recruiters_with_second_generation == 5
    assert (result.depth, result.breadth, result.roots_with_recruits) == (2, 45, 5)
    assert result.listed[0].second_generation == 3
    assert result.listed[0].descendants == 12


def test_k_recruiters_who_grew_equal_numbers_are_k_leader_growers() -> None:
    for k in (1, 2, 3, 4, 7):
        people = [person(f"r{i}") for i in range(k)]
        people += [person(f"r{i}x{j}") for i in range(k) for j in range(3)]
        ties = [recruits(f"r{i}", f"r{i}x{j}") for i in range(k) for j in range(3)]
        result = check_against_reference(people, ties)
        assert result.effective_leader_growers == pytest.approx(k)
        assert result.top3_share == pytest.approx(min(3, k) / k)


def test_only_engaged_recruits_count_towards_leader_growers() -> None:
    people = [person("a"), person("b"), person("b1", "aware"), person("b2", "supporting"),
              person("a1"), person("b3", "aware", role="organiser")]
    ties = [recruits("a", "a1"), recruits("b", "b1"), recruits("b", "b2"), recruits("b", "b3")]
    result = check_against_reference(people, ties)
    # a grew a1; b grew b3 (a declared role counts as engaged) but not b1, b2
    assert result.effective_leader_growers == 2.0
    assert [(r.id, r.recruited, r.engaged) for r in result.listed] == [("b", 3, 1), ("a", 1, 1)]


def test_a_map_without_recruitment_has_no_leader_growers() -> None:
    people = [person(i) for i in "abc"]
    result = recruitment_forest(build(people, [Relationship(source="a", target="b")]))
    assert result.effective_leader_growers is None and result.top3_share is None
    assert (result.depth, result.breadth, result.recruiters, result.listed) == (0, 0, 0, [])
    empty = recruitment_forest(build([], []))
    assert empty.to_dict()["recruiters"] == 0 and empty.recruiter.size == 0


def test_recruiters_listed_are_bounded_and_ordered_by_engaged_then_recruited_then_id() -> None:
    people, ties = snowflake(4, 2)
    people += [person("zz"), person("zz1", "aware"), person("zz2", "aware"), person("zz3")]
    ties += [recruits("zz", "zz1"), recruits("zz", "zz2"), recruits("zz", "zz3")]
    result = recruitment_forest(build(people, ties), listed=3)
    assert [r.id for r in result.listed] == ["o0", "o0l0", "o0l1"]
    everyone = recruitment_forest(build(people, ties), listed=100).listed
    assert [r.id for r in everyone][:4] == ["o0", "o0l0", "o0l1", "o1"]
    assert everyone[-1].id == "zz"  # one engaged recruit of three: after those with two
    assert recruitment_forest(build(people, ties), listed=0).listed == []
    with pytest.raises(ValueError, match="listed must be 0 or more"):
        recruitment_forest(build(people, ties), listed=-1)


def test_the_json_form_has_every_key_and_is_plain_json() -> None:
    people = [person(i) for i in "abcd"]
    ties = [recruits("a", "b"), recruits("b", "c"), recruits("c", "a"), recruits("a", "d")]
    data = recruitment_forest(build(people, ties)).to_dict()
    assert list(data) == [
        "recruiters", "recruiters_growing_leaders", "recruiters_with_second_generation",
        "recruited_people", "roots_with_recruits", "engaged_recruited", "second_generation",
        "effective_leader_growers", "top3_share", "depth", "breadth", "listed", "cycle_count",
        "cycles"]
    assert list(data["listed"][0]) == ["id", "name", "recruited", "engaged",
                                       "second_generation", "descendants", "depth"]
    assert list(data["cycles"][0]) == ["ids", "names", "size", "dropped"]
    assert json.loads(json.dumps(data)) == data


# -- random maps against the reference --------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_random_maps_match_the_networkx_reference(seed: int) -> None:
    people, ties, _ = random_map(seed)
    check_against_reference(people, ties)


@pytest.mark.parametrize("seed", range(6))
def test_random_cycles_are_all_reported_and_broken_at_their_smallest_id(seed: int) -> None:
    people, ties, circles = random_map(100 + seed, n=120, forced_cycles=4)
    result = check_against_reference(people, ties)
    assert result.cycle_count >= len(circles)
    for circle in circles:  # each circle holds exactly one reported cycle
        inside = [c for c in result.cycles if set(c.ids) <= set(circle)]
        assert len(inside) == 1
        assert inside[0].ids[0] == min(inside[0].ids)
        assert result.recruiter[build(people, ties).index_of(inside[0].ids[0])] == -1
    # after the breaks, following recruiters from anyone ends at a root
    parent = result.recruiter.tolist()
    for v in range(len(parent)):
        steps = 0
        while parent[v] >= 0:
            v = parent[v]
            steps += 1
            assert steps <= len(parent)


@pytest.mark.parametrize("seed", range(3))
def test_larger_random_maps_with_second_generation_recruiting_match_the_reference(
        seed: int) -> None:
    people, ties, _ = random_map(200 + seed, n=400, forced_cycles=10)
    result = check_against_reference(people, ties)
    assert result.second_generation > 0 and result.depth >= 2
