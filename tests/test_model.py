"""The domain model accepts what docs/terms.md allows and rejects the rest with plain messages."""

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


# -- building the compact graph at scale: counting sorts equal the plain numpy construction -----


def _reference_ties(
    n: int, src: np.ndarray, dst: np.ndarray, strength: dict[str, np.ndarray], since: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Relationships merged with np.unique and ufunc.at, as the first version of from_arrays."""
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    uniq, inverse = np.unique(lo * max(n, 1) + hi, return_inverse=True)
    merged = {}
    for trust, values in strength.items():
        out = np.zeros(uniq.size, dtype=np.int8)
        np.maximum.at(out, inverse, values)
        merged[trust] = out
    big = np.iinfo(np.int64).max
    first = np.full(uniq.size, big, dtype=np.int64)
    since = since.astype(np.int64)
    np.minimum.at(first, inverse, np.where(since == NO_DATE, big, since))
    return uniq // max(n, 1), uniq % max(n, 1), merged, np.where(first == big, NO_DATE, first)


def _reference_csr(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
    heads = np.concatenate([u, v]).astype(np.int64)
    tails = np.concatenate([v, u])
    edges = np.concatenate([np.arange(u.size)] * 2)
    order = np.lexsort((tails, heads))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(heads, minlength=n))))
    return indptr, tails[order], edges[order]


def _random_arrays(seed: int, n: int, k: int) -> dict:
    rng = np.random.default_rng(seed)
    # a hub with many ties (buckets sorted by argsort) among small buckets (insertion sort)
    src = np.where(rng.random(k) < 0.2, 0, rng.integers(0, n, k)) if n else np.zeros(0, int)
    dst = rng.integers(0, n, k) if n else np.zeros(0, int)
    src, dst = src[src != dst], dst[src != dst]
    k = src.size
    if k > 4:  # repeats in both directions
        src = np.concatenate([src, dst[: k // 4]])
        dst = np.concatenate([dst, src[: k // 4]])
        k = src.size
    return {
        "name": "r",
        "ids": [f"p{i:05d}" for i in range(n)],
        "names": [""] * n,
        "organisations": [""] * n,
        "group": np.zeros(n, np.int8),
        "member_of": np.ones(n, np.uint8),
        "segment_names": [],
        "formal_power": np.zeros(n, np.int8),
        "informal_power": np.zeros(n, np.int8),
        "lived_experience": np.zeros(n, bool),
        "engagement": np.zeros(n, np.int8),
        "declared_role": np.full(n, -1, np.int8),
        "joined": np.full(n, NO_DATE, np.int32),
        "rel_source": src,
        "rel_target": dst,
        "rel_strength": {
            t: rng.integers(0, 4, k).astype(np.int8)
            for t in ("relational", "functional", "flow_of_value")
        },
        "rel_recruited": rng.random(k) < 0.1,
        "rel_since": np.where(rng.random(k) < 0.5, rng.integers(-500, 20000, k), NO_DATE).astype(
            np.int32
        ),
    }


@pytest.mark.parametrize(("seed", "n", "k"), [(0, 0, 0), (1, 1, 0), (2, 5, 40), (3, 60, 300),
                                              (4, 500, 4000), (5, 2000, 3000), (6, 300, 30000)])
def test_from_arrays_merges_ties_as_the_plain_numpy_construction(seed: int, n: int, k: int) -> None:
    kw = _random_arrays(seed, n, k)
    g = CompactGraph.from_arrays(**kw)
    u, v, strength, since = _reference_ties(
        n, kw["rel_source"], kw["rel_target"], kw["rel_strength"], kw["rel_since"]
    )
    assert g.edge_u.tolist() == u.tolist() and g.edge_v.tolist() == v.tolist()
    assert g.edge_u.dtype == g.edge_v.dtype == g.edge_since.dtype == np.int32
    for trust, values in strength.items():
        assert g.strength[trust].tolist() == values.tolist()
        assert g.strength[trust].dtype == np.int8
    assert g.edge_since.tolist() == since.tolist()
    indptr, indices, slot_edge = _reference_csr(n, g.edge_u, g.edge_v)
    assert g.indptr.tolist() == indptr.tolist()
    assert g.indices.tolist() == indices.tolist() and g.slot_edge.tolist() == slot_edge.tolist()
    rec = kw["rel_recruited"]
    sources, targets = kw["rel_source"][rec].tolist(), kw["rel_target"][rec].tolist()
    pairs = sorted(set(zip(sources, targets, strict=True)))
    assert list(zip(g.recruit_source.tolist(), g.recruit_target.tolist(), strict=True)) == pairs


def test_channels_keep_the_neighbour_order_and_the_tie_of_every_slot() -> None:
    kw = _random_arrays(9, 400, 5000)
    g = CompactGraph.from_arrays(**kw)
    strong = g.channels({"relational": 2, "flow_of_value": 1})
    keep = (g.strength["relational"] >= 2) & (g.strength["flow_of_value"] >= 1)
    assert strong.m == int(keep.sum())
    indptr, indices, slot_edge = _reference_csr(g.n, g.edge_u[keep], g.edge_v[keep])
    assert strong.indptr.tolist() == indptr.tolist()
    assert strong.indices.tolist() == indices.tolist()
    assert strong.slot_edge.tolist() == slot_edge.tolist()


def test_csr_of_an_unsorted_edge_list_is_sorted_first() -> None:
    from graph.compact import _csr

    u = np.array([3, 0, 1], dtype=np.int32)
    v = np.array([1, 2, 0], dtype=np.int32)  # not sorted, and (3, 1) has u > v
    got = _csr(4, u, v)
    want = _reference_csr(4, u, v)
    assert [a.tolist() for a in got] == [a.tolist() for a in want]


def test_from_arrays_rejects_a_relationship_to_nobody() -> None:
    kw = _random_arrays(2, 5, 40)
    kw["rel_target"] = kw["rel_target"].copy()
    kw["rel_target"][0] = 5
    with pytest.raises(ValueError, match="out of range"):
        CompactGraph.from_arrays(**kw)


def test_sorted_unique_equals_numpy_unique() -> None:
    from graph.compact import sorted_unique

    values = np.random.default_rng(3).integers(-50, 50, 1000)
    assert sorted_unique(values).tolist() == np.unique(values).tolist()
    assert sorted_unique(np.zeros(0, dtype=np.int32)).tolist() == []


# -- clean input: nothing hidden, one spelling per id ----------------------------------------

HIDDEN_CHARACTERS = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b", "\x7f",
                     "\x85", "\u00ad"]


@pytest.mark.parametrize("hidden", HIDDEN_CHARACTERS)
def test_ids_names_and_segments_with_a_hidden_character_are_refused_naming_it(
    hidden: str,
) -> None:
    import unicodedata

    for values in ({"id": f"p00{hidden}01"}, {"id": "p1", "name": f"Ann{hidden} Shaw"},
                   {"id": "p1", "organisation": f"Bay{hidden}"},
                   {"id": "p1", "segments": [f"locality:{hidden}Barrow"]}):
        with pytest.raises(ValidationError, match=f"U\\+{ord(hidden):04X}"):
            Person(group="people", **values)
    with pytest.raises(ValidationError, match="hidden character"):
        Relationship(source=f"a{hidden}z", target="b")
    with pytest.raises(ValidationError, match="hidden character"):
        Constituency(name="bay", description=f"our {hidden}map")
    assert unicodedata.category(hidden) in {"Cc", "Cf"}


def test_ids_are_stored_in_one_unicode_spelling_so_look_alikes_are_one_person() -> None:
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    assert composed != decomposed
    assert Person(id=decomposed, group="people").id == composed
    assert Relationship(source=decomposed, target="x").source == composed


def test_line_breaks_in_a_name_become_spaces_and_a_description_keeps_them() -> None:
    assert Person(id="p1", group="people", name="Ann\r\nShaw\tJones").name == "Ann Shaw Jones"
    assert Constituency(name="bay", description="one\r\ntwo\tthree").description == (
        "one\ntwo\tthree")
