"""Organiser teams: who counts as an organiser, who is in their team, and how the team holds
together, on hand-made teams and on seeded random maps checked against networkx subgraphs
(tests/recruitment_reference.py)."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from graph.analysis.options import AnalysisOptions
from graph.analysis.recruitment import recruiter_of
from graph.analysis.result import RoleInference
from graph.analysis.roles import infer_roles
from graph.analysis.teams import MEMBERS_NAMED, OrganiserTeams, organiser_teams
from graph.compact import CompactGraph
from graph.model import Person, Relationship
from tests.recruitment_reference import random_map, ref_recruiters, ref_teams

OPTIONS = AnalysisOptions(as_of=date(2025, 1, 1))


def person(pid: str, engagement: str = "contributing", group: str = "people",
           **kw: Any) -> Person:
    return Person(id=pid, name=f"Name {pid}", group=group, engagement=engagement, **kw)


def tie(a: str, b: str, **kw: Any) -> Relationship:
    return Relationship(source=a, target=b, relational=2, **kw)


def inferred(pid: str, role: str | None) -> RoleInference:
    return RoleInference(id=pid, declared=None, inferred=role, evidence={})


def build(people: list[Person], ties: list[Relationship]) -> CompactGraph:
    return CompactGraph.from_records("t", people, ties)


def check_against_reference(people: list[Person], ties: list[Relationship],
                            roles: list[RoleInference]) -> OrganiserTeams:
    """Every team's measures equal those of networkx subgraphs, for every organiser."""
    graph = build(people, ties)
    chosen, _ = ref_recruiters(ties)
    result = organiser_teams(graph, roles, listed=graph.n)
    want = ref_teams(people, ties, chosen, roles)
    assert result.organisers == len(want) == len(result.listed)
    got = {t.id: t for t in result.listed}
    assert set(got) == set(want)
    for oid, ref in want.items():
        team = got[oid]
        assert team.name == f"Name {oid}"
        assert team.members == ref["members"][:MEMBERS_NAMED]
        density = team.internal_density
        if ref["internal_density"] is None:
            assert density is None
        else:
            assert density == pytest.approx(ref["internal_density"], rel=1e-12)
        share = team.members_tied_to_each_other
        assert share == (None if ref["members_tied_to_each_other"] is None
                         else float(ref["members_tied_to_each_other"]))
        for key in ("source", "size", "recruited", "internal_ties", "groups", "missing_groups",
                    "parts", "largest_part", "hangs_on_organiser"):
            assert getattr(team, key) == ref[key], (oid, key)
    assert [t.id for t in result.listed] == sorted(want, key=lambda o: (-want[o]["size"], o))
    assert result.hanging_on_organiser == sum(1 for t in want.values() if t["hangs_on_organiser"])
    assert result.empty == sum(1 for t in want.values() if t["size"] == 0)
    assert result.declared == sum(1 for t in want.values() if t["source"] == "declared")
    assert result.inferred == sum(1 for t in want.values() if t["source"] == "inferred")
    return result


# -- who is an organiser --------------------------------------------------------------------


def test_a_declared_organiser_counts_and_a_declared_other_role_overrides_the_inferred() -> None:
    people = [person("a", role="organiser"), person("b", role="mobiliser"), person("c"),
              person("d")]
    roles = [inferred("a", None), RoleInference(id="b", declared="mobiliser",
                                                inferred="organiser", evidence={}),
             inferred("c", "organiser"), inferred("d", "mobiliser")]
    result = check_against_reference(people, [tie("a", "b"), tie("c", "d")], roles)
    assert sorted((t.id, t.source) for t in result.listed) == [("a", "declared"),
                                                              ("c", "inferred")]
    assert (result.organisers, result.declared, result.inferred) == (2, 1, 1)


def test_roles_are_inferred_when_not_given() -> None:
    people = [person("o", "leading")] + [person(f"m{i}", "leading") for i in range(3)]
    ties = [tie("o", f"m{i}", recruited=True) for i in range(3)]
    graph = build(people, ties)
    result = organiser_teams(graph)
    assert [(t.id, t.source, t.size) for t in result.listed] == [("o", "inferred", 3)]
    assert result == organiser_teams(graph, infer_roles(graph, OPTIONS))


def test_roles_naming_someone_outside_the_map_are_refused() -> None:
    graph = build([person("a")], [])
    with pytest.raises(ValueError, match="'zz' is not a person of this map"):
        organiser_teams(graph, [inferred("zz", "organiser")])


# -- who is in the team ----------------------------------------------------------------------


def test_the_team_is_the_engaged_people_the_organiser_recruited_or_is_tied_to() -> None:
    people = [person("o", role="organiser"), person("tied"), person("aware", "aware"),
              person("far"), person("led", role="lone_wolf", engagement="aware"),
              person("x", "leading")]
    ties = [tie("o", "tied"), tie("o", "aware"), tie("tied", "far"), tie("led", "o"),
            tie("x", "far", recruited=True)]
    result = check_against_reference(people, ties, [])
    (team,) = result.listed
    assert team.members == ["led", "tied"]  # not the unengaged, not people two ties away


def test_a_recruit_counts_even_where_the_recruiting_tie_is_filtered_out() -> None:
    people = [person("o", role="organiser"), person("r")]
    graph = build(people, [tie("o", "r", recruited=True)])
    no_ties = graph.subgraph_edges(graph.edge_u < 0)  # the recruitment is kept
    (team,) = organiser_teams(no_ties, []).listed
    assert (team.members, team.recruited) == (["r"], 1)


def test_members_named_are_bounded_and_all_counted() -> None:
    people = [person("o", role="organiser")] + [person(f"m{i:03d}") for i in range(45)]
    ties = [tie("o", p.id) for p in people[1:]]
    (team,) = organiser_teams(build(people, ties), []).listed
    assert team.size == 45 and len(team.members) == MEMBERS_NAMED
    assert team.members == [f"m{i:03d}" for i in range(MEMBERS_NAMED)]


# -- how the team holds together -------------------------------------------------------------


def test_a_team_that_hangs_on_its_organiser() -> None:
    # two pairs tied to each other, and to the organiser, but not across
    people = [person("o", role="organiser")] + [person(i) for i in "abcd"]
    ties = [tie("o", i, recruited=True) for i in "abcd"] + [tie("a", "b"), tie("c", "d")]
    (team,) = check_against_reference(people, ties, []).listed
    assert (team.parts, team.largest_part, team.hangs_on_organiser) == (2, 2, True)
    assert team.internal_density == pytest.approx(2 / 6)
    assert team.members_tied_to_each_other == 1.0
    assert team.recruited == 4


def test_a_team_tied_together_does_not_hang_on_its_organiser() -> None:
    people = [person("o", role="organiser")] + [person(i) for i in "abcd"]
    ties = [tie("o", i) for i in "abcd"] + [tie("a", "b"), tie("b", "c"), tie("c", "d")]
    (team,) = check_against_reference(people, ties, []).listed
    assert (team.parts, team.hangs_on_organiser) == (1, False)
    assert team.internal_density == pytest.approx(3 / 6)


def test_a_member_on_their_own_is_a_part_of_their_own() -> None:
    people = [person("o", role="organiser")] + [person(i) for i in "abc"]
    ties = [tie("o", i) for i in "abc"] + [tie("a", "b")]
    (team,) = check_against_reference(people, ties, []).listed
    assert (team.parts, team.largest_part, team.hangs_on_organiser) == (2, 2, True)
    assert team.members_tied_to_each_other == pytest.approx(2 / 3)


def test_small_teams_have_no_density_and_an_empty_team_no_share() -> None:
    people = [person("o", role="organiser"), person("p", role="organiser"), person("a")]
    result = check_against_reference(people, [tie("o", "a")], [])
    one, empty = result.listed
    assert (one.id, one.size, one.internal_density, one.parts, one.hangs_on_organiser) == (
        "o", 1, None, 1, False)
    assert (empty.id, empty.size, empty.members_tied_to_each_other, empty.parts) == (
        "p", 0, None, 0)
    assert result.empty == 1


def test_groups_covered_include_the_organiser_and_the_missing_are_named() -> None:
    people = [person("o", role="organiser", group="givers_of_service"),
              person("a", group="people"), person("b", group="people")]
    (team,) = check_against_reference(people, [tie("o", "a"), tie("o", "b")], []).listed
    assert team.groups == ["people", "givers_of_service"]
    assert team.missing_groups == ["system_leaders"]


def test_teams_listed_are_bounded_largest_first_then_by_id() -> None:
    people = [person(f"o{i}", role="organiser") for i in range(4)]
    people += [person(f"m{i}") for i in range(6)]
    ties = [tie("o0", "m0"), tie("o1", "m1"), tie("o1", "m2"), tie("o2", "m3"), tie("o2", "m4"),
            tie("o3", "m5")]
    result = organiser_teams(build(people, ties), [], listed=2)
    assert [t.id for t in result.listed] == ["o1", "o2"] and result.organisers == 4
    with pytest.raises(ValueError, match="listed must be 0 or more"):
        organiser_teams(build(people, ties), [], listed=-1)


def test_a_recruiter_array_of_the_wrong_length_is_refused() -> None:
    graph = build([person("a"), person("b")], [])
    with pytest.raises(ValueError, match="recruiter must hold one entry per person"):
        organiser_teams(graph, [], recruiter=recruiter_of(graph)[:1])


def test_the_json_form_has_every_key_and_is_plain_json() -> None:
    people = [person("o", role="organiser")] + [person(i) for i in "ab"]
    data = organiser_teams(build(people, [tie("o", "a"), tie("o", "b")]), []).to_dict()
    assert list(data) == ["organisers", "declared", "inferred", "empty",
                          "hanging_on_organiser", "listed"]
    assert list(data["listed"][0]) == [
        "id", "name", "source", "size", "members", "recruited", "internal_ties",
        "internal_density", "members_tied_to_each_other", "groups", "missing_groups", "parts",
        "largest_part", "hangs_on_organiser"]
    assert json.loads(json.dumps(data)) == data


# -- random maps against the reference --------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_random_maps_match_the_networkx_reference(seed: int) -> None:
    people, ties, _ = random_map(seed, n=80, forced_cycles=2)
    graph = build(people, ties)
    roles = infer_roles(graph, OPTIONS)
    result = check_against_reference(people, ties, roles)
    assert result.organisers > 0


def test_random_maps_have_teams_that_hang_and_teams_that_hold() -> None:
    hangs = holds = 0
    for seed in range(8):
        people, ties, _ = random_map(seed, n=80)
        graph = build(people, ties)
        for team in organiser_teams(graph, infer_roles(graph, OPTIONS)).listed:
            if team.size >= 2:
                hangs += team.hangs_on_organiser
                holds += not team.hangs_on_organiser
    assert hangs and holds  # the random maps exercise both answers


def test_members_tied_share_is_a_fraction_of_members() -> None:
    people = [person("o", role="organiser")] + [person(i) for i in "abcdefg"]
    ties = [tie("o", i) for i in "abcdefg"] + [tie("a", "b"), tie("c", "d"), tie("d", "e")]
    (team,) = check_against_reference(people, ties, []).listed
    assert team.members_tied_to_each_other == float(Fraction(5, 7))
    assert team.parts == 4  # {a, b}, {c, d, e}, {f}, {g}
