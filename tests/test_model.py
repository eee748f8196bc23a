"""The domain model accepts what DOMAIN.md allows and rejects the rest with plain messages."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pydantic import ValidationError

from graph.compact import NO_DATE, CompactGraph
from graph.model import (
    Constituency,
    Engagement,
    Group,
    Person,
    Relationship,
    Role,
    normalise_segment,
)


def test_engagement_ladder_is_ordered_from_unengaged_to_leading() -> None:
    ranks = [e.rank for e in Engagement]
    assert [e.value for e in Engagement] == [
        "unengaged", "aware", "supporting", "contributing", "leading"
    ]
    assert ranks == sorted(ranks) == list(range(5))


def test_person_defaults_and_core_membership() -> None:
    p = Person(id=" p1 ", group="people")
    assert p.id == "p1"
    assert p.engagement is Engagement.UNENGAGED
    assert not p.in_core and not p.engaged
    assert Person(id="p2", group="people", engagement="leading").in_core
    assert Person(id="p3", group="people", role="lone_wolf").in_core
    contributing = Person(id="p4", group="people", engagement="contributing")
    assert contributing.engaged and not contributing.in_core


def test_person_other_groups_drop_the_primary_group_and_duplicates() -> None:
    p = Person(id="n", group="givers_of_service",
               other_groups=["people", "givers_of_service", "people"])
    assert p.other_groups == (Group.PEOPLE,)
    assert p.groups == (Group.GIVERS_OF_SERVICE, Group.PEOPLE)


def test_segments_are_normalised_and_deduplicated() -> None:
    p = Person(id="x", group="people", segments=["locality : Barrow", "locality:Barrow", "a  b"])
    assert p.segments == ("locality:Barrow", "a b")
    with pytest.raises(ValueError, match="empty"):
        normalise_segment("   ")


@pytest.mark.parametrize(
    ("field", "value"),
    [("group", "patients"), ("engagement", "keen"), ("role", "hero"), ("formal_power", 4),
     ("informal_power", -1), ("joined", "2024-02-30"), ("id", "")],
)
def test_person_rejects_invalid_values(field: str, value: object) -> None:
    data: dict[str, object] = {"id": "p", "group": "people", field: value}
    with pytest.raises(ValidationError) as info:
        Person.model_validate(data)
    assert field in str(info.value)


def test_relationship_rejects_self_tie_and_out_of_range_strength() -> None:
    with pytest.raises(ValidationError, match="themselves"):
        Relationship(source="a", target="a")
    with pytest.raises(ValidationError):
        Relationship(source="a", target="b", flow_of_value=4)
    r = Relationship(source="a", target="b", relational=3)
    assert r.strength("relational") == 3 and r.key == ("a", "b")


def test_constituency_name_must_be_simple() -> None:
    assert Constituency(name="Bay ICS-2025").name == "Bay ICS-2025"
    for bad in ["", "../etc", "a/b", "-x"]:
        with pytest.raises(ValidationError):
            Constituency(name=bad)


def _people() -> list[Person]:
    return [
        Person(id="b", group="people", segments=["locality:Kendal"], lived_experience=True,
               joined=date(2020, 5, 1)),
        Person(id="a", group="system_leaders", other_groups=["people"], formal_power=3,
               role=Role.ORGANISER),
        Person(id="c", group="givers_of_service", engagement="contributing"),
    ]


def test_compact_graph_orders_nodes_by_id_and_merges_recorded_relationships() -> None:
    rels = [
        Relationship(source="a", target="b", relational=1, flow_of_value=2),
        Relationship(source="b", target="a", relational=3, recruited=True,
                     since=date(2021, 1, 1)),
        Relationship(source="c", target="b", functional=2, since=date(2019, 1, 1)),
    ]
    g = CompactGraph.from_records("t", reversed(_people()), rels, ["locality:Kendal"])
    assert g.ids == ["a", "b", "c"] and g.n == 3 and g.m == 2
    assert g.edge_u.tolist() == [0, 1] and g.edge_v.tolist() == [1, 2]
    assert g.strength["relational"].tolist() == [3, 0]
    assert g.strength["flow_of_value"].tolist() == [2, 0]
    assert g.recruit_source.tolist() == [1] and g.recruit_target.tolist() == [0]
    assert g.edge_since[0] == (date(2021, 1, 1) - date(1970, 1, 1)).days
    assert g.joined[0] == NO_DATE
    assert g.core_mask.tolist() == [True, False, False]
    assert g.engaged_mask.tolist() == [True, False, True]
    assert g.neighbours(1).tolist() == [0, 2]
    assert g.member_of.tolist() == [0b101, 0b001, 0b010]


def test_compact_graph_round_trips_people_through_networkx() -> None:
    people = _people()
    g = CompactGraph.from_records("t", people, [Relationship(source="a", target="c")])
    G = g.to_networkx()
    for p in people:
        assert g.person(g.index_of(p.id)) == p
        assert G.nodes[p.id]["group"] == p.group.value
    assert sorted(G.edges()) == [("a", "c")]


def test_channels_keep_only_ties_meeting_every_minimum() -> None:
    rels = [Relationship(source="a", target="b", relational=2, functional=1),
            Relationship(source="a", target="c", relational=3, functional=3)]
    g = CompactGraph.from_records("t", _people(), rels)
    assert g.channels({}) is g
    strong = g.channels({"relational": 2, "functional": 2})
    assert strong.m == 1 and strong.neighbours(0).tolist() == [2]
    assert np.array_equal(strong.degree(), [1, 0, 1])


def test_empty_graph_is_valid() -> None:
    g = CompactGraph.from_records("empty", [], [])
    assert g.n == 0 and g.m == 0 and g.indptr.tolist() == [0]
    assert g.to_networkx().number_of_nodes() == 0
