"""The store contract: what every ``GraphStore`` must do, run against each store kind.

The SQLite-only part (URLs, schema versions, files) is at the end.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from stores import sqlite_url

import graph.stores.sqlite as sqlite_module
from graph.compact import CompactGraph, date_to_day
from graph.errors import NotFound, StoreError
from graph.history import Actor
from graph.map_settings import MapSettings
from graph.model import Constituency, Person, Relationship
from graph.stores.base import GraphStore, PeopleBatch, TiesBatch, open_store
from graph.stores.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore
from graph.usecases import InvalidChange, StaleVersion, UseCases, map_settings

# -- sample records --------------------------------------------------------------------------


def sample_people() -> list[Person]:
    """People using every attribute, ids chosen so that naive orders would differ."""
    return [
        Person(id="b", name="Bea", group="people", other_groups=("system_leaders",
               "givers_of_service"), segments=("locality:Barrow", "community:Deaf"),
               lived_experience=True, engagement="leading", joined=date(2019, 3, 1)),
        Person(id="a", name="Ade", group="givers_of_service", organisation="Bay Hospital",
               formal_power=1, informal_power=3, engagement="contributing", role="mobiliser"),
        Person(id="Z", name="Zed", group="system_leaders", formal_power=3,
               segments=("locality:Kendal",), joined=date(1965, 12, 31)),
        Person(id="é1", name="Émile", group="people", segments=("community:Deaf",
               "locality:Barrow"), role="lone_wolf", engagement="supporting"),
        Person(id="10", name="Ten", group="people", other_groups=("givers_of_service",),
               engagement="aware", role="organiser"),
        Person(id="9", name="Nine", group="givers_of_service", segments=("service:Stroke",)),
        Person(id="p-1", group="system_leaders", informal_power=2, lived_experience=True),
    ]


def sample_relationships() -> list[Relationship]:
    """Ties in both directions, recruitments and dates."""
    return [
        Relationship(source="b", target="a", relational=3, functional=1, recruited=True,
                     since=date(2020, 1, 2)),
        Relationship(source="a", target="b", relational=1, flow_of_value=2,
                     since=date(2018, 5, 6)),
        Relationship(source="Z", target="é1", functional=2),
        Relationship(source="10", target="9", flow_of_value=3, recruited=True),
        Relationship(source="9", target="p-1"),
        Relationship(source="b", target="Z", relational=2, since=date(1969, 7, 20)),
    ]


def assert_same_graph(a: CompactGraph, b: CompactGraph) -> None:
    """Every array and list of two compact graphs is equal."""
    assert a.name == b.name
    assert a.ids == b.ids
    assert a.names == b.names
    assert a.organisations == b.organisations
    assert a.segment_names == b.segment_names
    assert a.expected_segments == b.expected_segments
    for attr in ("group", "member_of", "segment_indptr", "segment_indices", "formal_power",
                 "informal_power", "lived_experience", "engagement", "declared_role", "joined",
                 "edge_u", "edge_v", "edge_since", "recruit_source", "recruit_target", "indptr",
                 "indices", "slot_edge"):
        x, y = getattr(a, attr), getattr(b, attr)
        assert x.dtype == y.dtype, attr
        np.testing.assert_array_equal(x, y, err_msg=attr)
    assert sorted(a.strength) == sorted(b.strength)
    for trust in a.strength:
        np.testing.assert_array_equal(a.strength[trust], b.strength[trust], err_msg=trust)


def by_id(people: list[Person]) -> list[Person]:
    return sorted(people, key=lambda p: p.id)


def by_key(relationships: list[Relationship]) -> list[Relationship]:
    return sorted(relationships, key=lambda r: r.key)


def snapshot(store: GraphStore, name: str) -> tuple[object, ...]:
    """Everything a constituency holds, to compare before and after a failed write."""
    return (
        store.get_constituency(name),
        list(store.iter_people(name)),
        list(store.iter_relationships(name)),
        store.list_constituencies(),
    )


# -- constituencies --------------------------------------------------------------------------


def test_create_list_get_and_delete_constituency(store: GraphStore) -> None:
    assert store.list_constituencies() == []
    store.create_constituency(Constituency(name="bay", description="Morecambe Bay",
                                           expected_segments=("locality:Barrow",)))
    store.create_constituency(Constituency(name="alpha"))
    assert [c.name for c in store.list_constituencies()] == ["alpha", "bay"]
    got = store.get_constituency("bay")
    assert got == Constituency(name="bay", description="Morecambe Bay",
                               expected_segments=("locality:Barrow",))
    store.delete_constituency("bay")
    assert [c.name for c in store.list_constituencies()] == ["alpha"]
    with pytest.raises(NotFound, match="no constituency named 'bay'"):
        store.get_constituency("bay")


def test_list_constituencies_counts_people_ties_and_expected_segments(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.add_expected_segments("bay", ["locality:Barrow", "community:Roma"])
    (summary,) = store.list_constituencies()
    assert (summary.name, summary.people, summary.relationships, summary.expected_segments) == (
        "bay", len(sample_people()), len(sample_relationships()), 2
    )


def test_segment_count_is_the_distinct_segments_people_hold_in_that_map(
        store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    expected = {s for p in sample_people() for s in p.segments}
    assert len(expected) > 1 and store.segment_count("bay") == len(expected)
    store.create_constituency(Constituency(name="other"))
    assert store.segment_count("other") == 0
    store.add_expected_segments("other", ["locality:Nowhere"])  # expected ones do not count
    assert store.segment_count("other") == 0


def test_creating_an_existing_constituency_is_refused_unless_exist_ok(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay", description="first"))
    with pytest.raises(StoreError, match="already exists"):
        store.create_constituency(Constituency(name="bay"))
    store.create_constituency(Constituency(name="bay", description="second"), exist_ok=True)
    assert store.get_constituency("bay").description == "first"


def test_constituencies_are_kept_apart(store: GraphStore) -> None:
    store.import_records("one", [Person(id="p1", group="people", name="In one")], [])
    store.import_records("two", [Person(id="p1", group="system_leaders", name="In two"),
                                 Person(id="p2", group="people")],
                         [Relationship(source="p1", target="p2")])
    assert store.get_person("one", "p1").name == "In one"
    assert store.get_person("two", "p1").name == "In two"
    assert list(store.iter_relationships("one")) == []
    store.delete_constituency("two")
    assert store.person_ids("one") == {"p1"}


def test_deleting_a_constituency_removes_its_people_and_ties(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.delete_constituency("bay")
    store.create_constituency(Constituency(name="bay"))
    assert store.person_ids("bay") == set()
    assert list(store.iter_relationships("bay")) == []


def test_renaming_a_constituency_keeps_its_people_ties_and_expected_segments(
        store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.add_expected_segments("bay", ["locality:Barrow"])
    store.set_description("bay", "Morecambe Bay")
    store.create_constituency(Constituency(name="other"))
    before = store.load_graph("bay")
    store.rename_constituency("bay", "Morecambe Bay 2")
    assert [c.name for c in store.list_constituencies()] == ["Morecambe Bay 2", "other"]
    assert store.get_constituency("Morecambe Bay 2") == Constituency(
        name="Morecambe Bay 2", description="Morecambe Bay", expected_segments=("locality:Barrow",))
    assert by_id(list(store.iter_people("Morecambe Bay 2"))) == by_id(sample_people())
    assert by_key(list(store.iter_relationships("Morecambe Bay 2"))) == by_key(
        sample_relationships())
    after = store.load_graph("Morecambe Bay 2")
    assert after.ids == before.ids and after.m == before.m
    with pytest.raises(NotFound, match="no constituency named 'bay'"):
        store.get_constituency("bay")
    store.create_constituency(Constituency(name="bay"))  # the old name is free, and empty
    assert store.person_ids("bay") == set()


def test_renaming_onto_a_taken_or_invalid_name_is_refused_and_changes_nothing(
        store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.create_constituency(Constituency(name="kendal"))
    kept = snapshot(store, "bay")
    with pytest.raises(StoreError, match="'kendal' already exists"):
        store.rename_constituency("bay", "kendal")
    with pytest.raises(ValueError, match="constituency name"):
        store.rename_constituency("bay", "/bad")
    assert snapshot(store, "bay") == kept
    assert store.person_ids("kendal") == set()


def test_a_renamed_map_keeps_its_history_and_never_repeats_a_revision(
        store: GraphStore) -> None:
    cases = UseCases(store, Actor("lead@example.org", "test"), today=date(2025, 6, 1))
    cases.create_constituency(Constituency(name="bay"))
    cases.set_settings("bay", MapSettings(steps=2))
    cases.save_person("bay", Person(id="ana", group="people", engagement="aware"),
                      on=date(2025, 1, 1))
    cases.save_person("bay", Person(id="ana", group="people", engagement="leading"))
    store.create_constituency(Constituency(name="kendal"))
    seen = {store.revision("kendal"), store.revision("bay")}
    store.delete_constituency("kendal")
    seen.add(store.revision("kendal"))
    history = [c.summary for c in cases.history("bay")]
    cases.rename_constituency("bay", "kendal")
    assert store.revision("kendal") not in seen
    assert store.revision("bay") not in seen
    after = [c.summary for c in cases.history("kendal")]
    assert after == ["renamed the map bay to kendal", *history]
    assert cases.person("kendal", "ana", as_of=date(2025, 3, 1))[0].engagement.value == "aware"
    assert cases.graph_as_of("kendal", date(2025, 3, 1)).ids == ["ana"]
    assert cases.settings("kendal")[0].steps == 2  # the map's settings came with it
    undone = cases.undo("kendal", cases.history("kendal")[1].id)  # an edit before the rename
    assert undone.change_set is not None
    assert store.get_person("kendal", "ana").engagement.value == "aware"
    with pytest.raises(NotFound):
        cases.history("bay")


def test_renaming_through_the_use_cases_refuses_a_taken_name_with_the_field(
        store: GraphStore) -> None:
    cases = UseCases(store, Actor("lead@example.org", "test"))
    cases.create_constituency(Constituency(name="bay"))
    cases.create_constituency(Constituency(name="kendal"))
    with pytest.raises(InvalidChange, match="'kendal' already exists") as caught:
        cases.rename_constituency("bay", "kendal")
    assert caught.value.field == "name"
    assert len(cases.history("bay")) == 1


UNKNOWN_CONSTITUENCY_CALLS: dict[str, Callable[[GraphStore], object]] = {
    "get_constituency": lambda s: s.get_constituency("nope"),
    "delete_constituency": lambda s: s.delete_constituency("nope"),
    "rename_constituency": lambda s: s.rename_constituency("nope", "fresh"),
    "set_expected_segments": lambda s: s.set_expected_segments("nope", ["a:b"]),
    "add_expected_segments": lambda s: s.add_expected_segments("nope", ["a:b"]),
    "upsert_people": lambda s: s.upsert_people("nope", [Person(id="p", group="people")]),
    "upsert_relationships": lambda s: s.upsert_relationships("nope", []),
    "get_person": lambda s: s.get_person("nope", "p"),
    "iter_people": lambda s: list(s.iter_people("nope")),
    "iter_relationships": lambda s: list(s.iter_relationships("nope")),
    "person_ids": lambda s: s.person_ids("nope"),
    "segment_count": lambda s: s.segment_count("nope"),
    "delete_person": lambda s: s.delete_person("nope", "p"),
    "delete_relationship": lambda s: s.delete_relationship("nope", "a", "b"),
    "load_graph": lambda s: s.load_graph("nope"),
}


@pytest.mark.parametrize("call", UNKNOWN_CONSTITUENCY_CALLS, ids=str)
def test_unknown_constituency_raises_not_found(store: GraphStore, call: str) -> None:
    store.create_constituency(Constituency(name="other"))
    with pytest.raises(NotFound, match="there is no constituency named 'nope'"):
        UNKNOWN_CONSTITUENCY_CALLS[call](store)


# -- people and relationships ----------------------------------------------------------------


def test_people_and_relationships_round_trip_exactly(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    assert list(store.iter_people("bay")) == by_id(sample_people())
    assert list(store.iter_relationships("bay")) == by_key(sample_relationships())
    bea = store.get_person("bay", "b")
    assert bea.other_groups == ("system_leaders", "givers_of_service")
    assert bea.segments == ("locality:Barrow", "community:Deaf")
    assert store.person_ids("bay") == {p.id for p in sample_people()}


def test_upsert_people_counts_added_updated_and_unchanged(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    people = sample_people()
    assert store.upsert_people("bay", people) == (len(people), 0, 0)
    assert store.upsert_people("bay", people) == (0, 0, len(people))
    changed = [
        people[0].model_copy(update={"name": "Bea Renamed"}),
        people[1].model_copy(update={"role": None}),
        people[2],
        Person(id="new", group="people"),
    ]
    assert store.upsert_people("bay", changed) == (1, 2, 1)
    assert store.get_person("bay", "b").name == "Bea Renamed"
    assert store.get_person("bay", "a").role is None
    assert len(store.person_ids("bay")) == len(people) + 1


def test_upsert_relationships_counts_added_updated_and_unchanged(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    store.upsert_people("bay", sample_people())
    ties = sample_relationships()
    assert store.upsert_relationships("bay", ties) == (len(ties), 0, 0)
    assert store.upsert_relationships("bay", ties) == (0, 0, len(ties))
    changed = [
        ties[0].model_copy(update={"since": None}),
        ties[1],
        Relationship(source="a", target="Z", functional=3),
    ]
    assert store.upsert_relationships("bay", changed) == (1, 1, 1)
    stored = {r.key: r for r in store.iter_relationships("bay")}
    assert stored[("b", "a")].since is None
    assert stored[("a", "Z")].functional == 3


def test_upsert_repeating_a_key_in_one_call_keeps_the_last(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    people = [Person(id="a", group="people", name="first"), Person(id="b", group="people"),
              Person(id="a", group="people", name="last")]
    assert store.upsert_people("bay", people) == (2, 1, 0)
    assert store.get_person("bay", "a").name == "last"
    ties = [Relationship(source="a", target="b", relational=1),
            Relationship(source="a", target="b", relational=2),
            Relationship(source="a", target="b", relational=2)]
    assert store.upsert_relationships("bay", ties) == (1, 1, 1)
    assert [r.relational for r in store.iter_relationships("bay")] == [2]


def test_relationship_direction_is_kept(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    stored = {r.key: r for r in store.iter_relationships("bay")}
    assert stored[("b", "a")].recruited and not stored[("a", "b")].recruited
    assert stored[("b", "a")].relational == 3 and stored[("a", "b")].relational == 1


def test_reimporting_the_same_records_changes_nothing(store: GraphStore) -> None:
    first = store.import_records("bay", sample_people(), sample_relationships())
    assert first.changed
    before = snapshot(store, "bay")
    graph_before = store.load_graph("bay")
    again = store.import_records("bay", sample_people(), sample_relationships())
    assert (again.people_added, again.people_updated, again.people_unchanged) == (
        0, 0, len(sample_people())
    )
    assert (again.relationships_added, again.relationships_updated,
            again.relationships_unchanged) == (0, 0, len(sample_relationships()))
    assert not again.changed
    assert snapshot(store, "bay") == before
    assert_same_graph(store.load_graph("bay"), graph_before)


def test_delete_person_removes_their_relationships(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.delete_person("bay", "b")
    assert "b" not in store.person_ids("bay")
    remaining = [r for r in sample_relationships() if "b" not in r.key]
    assert list(store.iter_relationships("bay")) == by_key(remaining)
    with pytest.raises(NotFound, match="no person 'b' in constituency 'bay'"):
        store.get_person("bay", "b")


def test_delete_relationship_removes_only_that_direction(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.delete_relationship("bay", "a", "b")
    keys = {r.key for r in store.iter_relationships("bay")}
    assert ("a", "b") not in keys and ("b", "a") in keys
    with pytest.raises(NotFound, match="no relationship 'a' → 'b'"):
        store.delete_relationship("bay", "a", "b")
    with pytest.raises(NotFound, match="no relationship 'a' → 'ghost'"):
        store.delete_relationship("bay", "a", "ghost")


def test_relationships_of_a_person_are_their_ties_either_way(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.import_records("other", [Person(id="b", group="people"),
                                   Person(id="a", group="people")],
                         [Relationship(source="a", target="b", relational=2)])
    for person in sample_people():
        assert store.relationships_of("bay", person.id) == by_key(
            [r for r in sample_relationships() if person.id in r.key])
    assert store.relationships_of("bay", "p-1") == [
        Relationship(source="9", target="p-1")]
    for relationship in sample_relationships():
        assert store.get_relationship("bay", relationship.source,
                                      relationship.target) == relationship
    with pytest.raises(NotFound, match="no relationship 'é1' → 'Z'"):
        store.get_relationship("bay", "é1", "Z")  # only the other way round is recorded
    with pytest.raises(NotFound, match="no relationship 'ghost' → 'a'"):
        store.get_relationship("bay", "ghost", "a")
    with pytest.raises(NotFound, match="no person 'ghost'"):
        store.relationships_of("bay", "ghost")
    with pytest.raises(NotFound, match="no constituency named 'nowhere'"):
        store.relationships_of("nowhere", "a")


def test_unknown_person_raises_not_found(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), [])
    with pytest.raises(NotFound, match="no person 'ghost' in constituency 'bay'"):
        store.get_person("bay", "ghost")
    with pytest.raises(NotFound, match="no person 'ghost' in constituency 'bay'"):
        store.delete_person("bay", "ghost")


def test_upsert_relationship_to_unknown_person_raises_not_found_and_writes_nothing(
    store: GraphStore,
) -> None:
    store.import_records("bay", sample_people(), sample_relationships()[:2])
    before = snapshot(store, "bay")
    with pytest.raises(NotFound, match="no person 'ghost'"):
        store.upsert_relationships("bay", [
            Relationship(source="a", target="Z"),
            Relationship(source="a", target="b", relational=0),
            Relationship(source="a", target="ghost"),
        ])
    assert snapshot(store, "bay") == before


# -- transactions and imports ----------------------------------------------------------------


def test_transaction_rollback_leaves_nothing(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="keep"))
    with pytest.raises(RuntimeError), store.transaction():
        store.create_constituency(Constituency(name="bay"))
        store.upsert_people("bay", sample_people())
        store.upsert_people("keep", [Person(id="x", group="people")])
        raise RuntimeError("boom")
    assert [c.name for c in store.list_constituencies()] == ["keep"]
    assert store.person_ids("keep") == set()


def test_nested_transaction_joins_the_outer_one(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.upsert_people("bay", [Person(id="inner", group="people")])
        store.upsert_people("bay", [Person(id="outer", group="people")])
        raise RuntimeError("boom")
    assert store.person_ids("bay") == set()
    with store.transaction():
        with store.transaction():
            store.upsert_people("bay", [Person(id="inner", group="people")])
        store.upsert_people("bay", [Person(id="outer", group="people")])
    assert store.person_ids("bay") == {"inner", "outer"}


def test_failed_import_inside_a_caller_transaction_leaves_no_half_import(
    store: GraphStore,
) -> None:
    store.create_constituency(Constituency(name="bay"))
    with store.transaction():
        store.upsert_people("bay", [Person(id="kept", group="people")])
        with pytest.raises(NotFound):
            store.import_records("bay", sample_people(),
                                 [Relationship(source="a", target="ghost")])
    assert store.person_ids("bay") == {"kept"}


def test_import_records_is_all_or_nothing_when_a_relationship_dangles(
    store: GraphStore,
) -> None:
    dangling = [*sample_relationships(), Relationship(source="a", target="ghost")]
    with pytest.raises(NotFound, match="no person 'ghost'"):
        store.import_records("fresh", sample_people(), dangling)
    assert store.list_constituencies() == []

    store.import_records("bay", sample_people()[:3], sample_relationships()[:2])
    before = snapshot(store, "bay")
    changed_people = [p.model_copy(update={"name": "changed"}) for p in sample_people()]
    with pytest.raises(NotFound, match="no person 'ghost'"):
        store.import_records("bay", changed_people, dangling)
    assert snapshot(store, "bay") == before
    with pytest.raises(NotFound, match="no person 'ghost'"):
        store.import_records("bay", changed_people, dangling, replace=True)
    assert snapshot(store, "bay") == before


def test_import_records_may_refer_to_people_already_stored(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), [])
    summary = store.import_records("bay", [], sample_relationships())
    assert summary.relationships_added == len(sample_relationships())
    assert summary.people_added == summary.people_updated == summary.people_unchanged == 0


def test_import_records_with_replace_leaves_exactly_the_input(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.add_expected_segments("bay", ["locality:Barrow"])
    kept_people = [p for p in sample_people() if p.id not in {"Z", "9"}]
    kept_ids = {p.id for p in kept_people}
    kept_ties = [r for r in sample_relationships()
                 if set(r.key) <= kept_ids and r.key != ("b", "a")]
    new_tie = Relationship(source="p-1", target="10", functional=1)
    summary = store.import_records("bay", kept_people, [*kept_ties, new_tie], replace=True)
    assert (summary.people_added, summary.people_updated, summary.people_unchanged) == (
        0, 0, len(kept_people)
    )
    assert (summary.relationships_added, summary.relationships_updated,
            summary.relationships_unchanged) == (1, 0, len(kept_ties))
    assert list(store.iter_people("bay")) == by_id(kept_people)
    assert list(store.iter_relationships("bay")) == by_key([*kept_ties, new_tie])
    assert store.get_constituency("bay").expected_segments == ("locality:Barrow",)


def test_import_records_with_replace_refuses_ties_to_people_left_out(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), [])
    before = snapshot(store, "bay")
    with pytest.raises(NotFound, match="no person 'Z'"):
        store.import_records("bay", [Person(id="a", group="people")],
                             [Relationship(source="a", target="Z")], replace=True)
    assert snapshot(store, "bay") == before


# -- the compact graph -----------------------------------------------------------------------


def test_load_graph_equals_the_graph_built_from_the_same_records(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.set_expected_segments("bay", ["locality:Barrow", "community:Roma"])
    expected = CompactGraph.from_records(
        "bay", sample_people(), sample_relationships(), ("locality:Barrow", "community:Roma")
    )
    loaded = store.load_graph("bay")
    assert_same_graph(loaded, expected)
    # spot checks written from the records by hand, so a shared mistake cannot hide
    assert loaded.ids == ["10", "9", "Z", "a", "b", "p-1", "é1"]
    b, a = loaded.index_of("b"), loaded.index_of("a")
    edge = int(np.flatnonzero((loaded.edge_u == min(a, b)) & (loaded.edge_v == max(a, b)))[0])
    assert loaded.strength["relational"][edge] == 3
    assert loaded.strength["flow_of_value"][edge] == 2
    assert loaded.edge_since[edge] == (date(2018, 5, 6) - date(1970, 1, 1)).days
    assert loaded.member_of[b] == 0b111
    assert loaded.joined[loaded.index_of("Z")] == (date(1965, 12, 31) - date(1970, 1, 1)).days


def test_load_graph_of_an_empty_constituency(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="empty"))
    graph = store.load_graph("empty")
    assert (graph.n, graph.m, graph.ids, graph.segment_names) == (0, 0, [], [])
    assert_same_graph(graph, CompactGraph.from_records("empty", [], []))


def test_load_graph_orders_ids_as_python_sorts_them(store: GraphStore) -> None:
    import unicodedata

    # "é" typed as one character and as e + combining accent is one id (stored as NFC)
    given = ["b", "B", "ä", "a", "Z", "10", "9", "z-1", "z_1", "日本", "😀", "a b", "é", "e\u0301"]
    store.import_records("ids", [Person(id=i, group="people") for i in given], [])
    ids = list(dict.fromkeys(unicodedata.normalize("NFC", i) for i in given))
    assert len(ids) == len(given) - 1
    assert store.load_graph("ids").ids == sorted(ids)
    assert [p.id for p in store.iter_people("ids")] == sorted(ids)


def test_load_graph_after_updates_and_deletes(store: GraphStore) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    store.delete_person("bay", "Z")
    store.upsert_people("bay", [Person(id="a", group="people", engagement="leading")])
    store.upsert_relationships("bay", [Relationship(source="a", target="b", relational=0)])
    people = [p for p in sample_people() if p.id not in {"Z", "a"}]
    people.append(Person(id="a", group="people", engagement="leading"))
    ties = [r for r in sample_relationships() if "Z" not in r.key and r.key != ("a", "b")]
    ties.append(Relationship(source="a", target="b", relational=0))
    assert_same_graph(store.load_graph("bay"), CompactGraph.from_records("bay", people, ties))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_load_graph_equals_from_records_on_random_constituencies(
    store: GraphStore, seed: int
) -> None:
    rng = random.Random(seed)
    groups = ["people", "givers_of_service", "system_leaders"]
    segments = ["locality:Barrow", "locality:Kendal", "community:Deaf", "service:Stroke"]
    people = [
        Person(
            id=f"p{i}",
            name=f"Person {i}",
            group=rng.choice(groups),
            other_groups=tuple(rng.sample(groups, rng.randint(0, 2))),
            segments=tuple(rng.sample(segments, rng.randint(0, 3))),
            formal_power=rng.randint(0, 3),
            informal_power=rng.randint(0, 3),
            lived_experience=rng.random() < 0.3,
            engagement=rng.choice(["unengaged", "aware", "supporting", "contributing",
                                   "leading"]),
            role=rng.choice([None, None, None, "lone_wolf", "mobiliser", "organiser"]),
            joined=rng.choice([None, date(2020, 1, 1) + (date(2020, 2, 1) - date(2020, 1, 1))
                               * rng.randint(0, 40)]),
        )
        for i in range(150)
    ]
    ties: dict[tuple[str, str], Relationship] = {}
    for _ in range(600):
        s, t = rng.sample(range(150), 2)
        ties[(f"p{s}", f"p{t}")] = Relationship(
            source=f"p{s}", target=f"p{t}", relational=rng.randint(0, 3),
            functional=rng.randint(0, 3), flow_of_value=rng.randint(0, 3),
            recruited=rng.random() < 0.1,
            since=rng.choice([None, date(2015 + rng.randint(0, 8), rng.randint(1, 12), 1)]),
        )
    store.import_records("random", people, ties.values())
    assert_same_graph(store.load_graph("random"),
                      CompactGraph.from_records("random", people, ties.values()))


# -- expected segments -----------------------------------------------------------------------


def test_expected_segments_are_normalised_deduplicated_and_kept_in_order(
    store: GraphStore,
) -> None:
    store.create_constituency(Constituency(name="bay"))
    store.set_expected_segments("bay", [" locality : Barrow ", "community:Deaf",
                                        "locality:Barrow"])
    assert store.get_constituency("bay").expected_segments == ("locality:Barrow",
                                                               "community:Deaf")
    store.add_expected_segments("bay", ["service:Stroke", "community:Deaf", "community:Roma"])
    assert store.get_constituency("bay").expected_segments == (
        "locality:Barrow", "community:Deaf", "service:Stroke", "community:Roma"
    )
    store.set_expected_segments("bay", ["community:Roma"])
    assert store.get_constituency("bay").expected_segments == ("community:Roma",)
    assert store.load_graph("bay").expected_segments == ("community:Roma",)


def test_an_empty_expected_segment_is_refused(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay", expected_segments=("a:b",)))
    with pytest.raises(StoreError, match="cannot be empty"):
        store.add_expected_segments("bay", ["c:d", "  "])
    assert store.get_constituency("bay").expected_segments == ("a:b",)


# -- SQLite only: URLs, files and schema versions --------------------------------------------


def test_sqlite_data_persists_after_closing_and_reopening(tmp_store_url: str) -> None:
    first = open_store(tmp_store_url)
    first.import_records("bay", sample_people(), sample_relationships())
    first.set_expected_segments("bay", ["locality:Barrow"])
    graph = first.load_graph("bay")
    first.close()
    second = open_store(tmp_store_url)
    try:
        assert list(second.iter_people("bay")) == by_id(sample_people())
        assert_same_graph(second.load_graph("bay"), graph)
    finally:
        second.close()


def test_sqlite_schema_version_is_stored(tmp_store_url: str) -> None:
    store = SQLiteStore(tmp_store_url)
    store.close()
    path = tmp_store_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        (version,) = conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
    assert int(version) == SCHEMA_VERSION >= 1
    reopened = SQLiteStore(tmp_store_url)
    assert reopened.schema_version() == SCHEMA_VERSION
    reopened.close()


def test_sqlite_store_from_a_newer_movemap_is_refused(tmp_store_url: str) -> None:
    SQLiteStore(tmp_store_url).close()
    path = tmp_store_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    conn.close()
    with pytest.raises(StoreError, match="newer movemap"):
        SQLiteStore(tmp_store_url)


def test_sqlite_relative_url_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    store = open_store("sqlite:///data/map.db")
    store.create_constituency(Constituency(name="bay"))
    store.close()
    assert (tmp_path / "data" / "map.db").is_file()


def test_sqlite_in_memory_store_works() -> None:
    store = SQLiteStore("sqlite:///:memory:")
    store.import_records("bay", sample_people(), sample_relationships())
    assert store.load_graph("bay").n == len(sample_people())
    store.close()


@pytest.mark.parametrize("url", ["movemap.db", "sqlite://movemap.db", "sqlite:///",
                                 "postgres:///x", "sqlite:///folder/", "sqlite:///a.db?mode=ro"])
def test_sqlite_bad_url_raises_store_error(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url) if not url.startswith("sqlite") else SQLiteStore(url)


def test_sqlite_file_in_a_missing_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(f"sqlite:///{tmp_path}/missing/movemap.db")


def test_sqlite_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a movemap store"):
        SQLiteStore(f"sqlite:///{path}")


def test_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match="did not create"):
        SQLiteStore(f"sqlite:///{path}")


# -- bulk imports ----------------------------------------------------------------------------


def ties_batch(keys: Mapping[str, int], rows: Sequence[tuple[Any, ...]]) -> TiesBatch:
    """A ``TiesBatch`` of (seq, source, target, relational, functional, flow, recruited, since)."""
    def column(i: int, dtype: type) -> np.ndarray:
        return np.array([r[i] for r in rows], dtype=dtype)

    return TiesBatch(
        seq=column(0, np.int64),
        source=np.array([keys[r[1]] for r in rows], dtype=np.int64),
        target=np.array([keys[r[2]] for r in rows], dtype=np.int64),
        relational=column(3, np.int8),
        functional=column(4, np.int8),
        flow_of_value=column(5, np.int8),
        recruited=column(6, np.bool_),
        since=np.array([date_to_day(r[7]) for r in rows], dtype=np.int32),
    )


def test_bulk_import_merges_repeated_rows_and_counts_like_an_upsert(store: GraphStore) -> None:
    store.import_records("bay", sample_people()[:3], [])
    with store.bulk_import("bay") as bulk:
        assert bulk.existing_people == 3
        bulk.add_people(PeopleBatch.of(sample_people()[2:]))
        keys = bulk.person_keys()
        assert set(keys) == {p.id for p in sample_people()}
        bulk.add_ties(ties_batch(keys, [
            (2, "b", "a", 1, 0, 0, False, date(2021, 1, 1)),
            (3, "a", "b", 0, 1, 0, False, None),
        ]))
        bulk.add_ties(ties_batch(keys, [
            (5, "b", "a", 0, 3, 1, True, date(2020, 6, 1)),
            (7, "b", "a", 2, 0, 0, False, None),
            (9, "a", "b", 0, 0, 0, False, date(2019, 1, 1)),
            (11, "Z", "9", 0, 0, 0, False, None),
        ]))
        result = bulk.finish()
    assert result.merged_rows == 3
    assert result.first_merged == (5, 2)
    summary = result.summary
    assert (summary.people_added, summary.people_updated, summary.people_unchanged) == (4, 0, 1)
    assert (summary.relationships_added, summary.relationships_updated,
            summary.relationships_unchanged) == (3, 0, 0)
    assert list(store.iter_relationships("bay")) == by_key([
        Relationship(source="b", target="a", relational=2, functional=3, flow_of_value=1,
                     recruited=True, since=date(2020, 6, 1)),
        Relationship(source="a", target="b", functional=1, since=date(2019, 1, 1)),
        Relationship(source="Z", target="9"),
    ])


def test_bulk_import_again_changes_nothing_and_replace_removes_the_rest(
    store: GraphStore,
) -> None:
    store.import_records("bay", sample_people(), sample_relationships())
    before = snapshot(store, "bay")
    with store.bulk_import("bay") as bulk:
        bulk.add_people(PeopleBatch.of(sample_people()))
        keys = bulk.person_keys()
        bulk.add_ties(ties_batch(keys, [
            (i, r.source, r.target, r.relational, r.functional, r.flow_of_value, r.recruited,
             r.since) for i, r in enumerate(sample_relationships())
        ]))
        summary = bulk.finish().summary
    assert not summary.changed
    assert snapshot(store, "bay") == before
    kept = [p for p in sample_people() if p.id != "Z"]
    with store.bulk_import("bay", replace=True) as bulk:
        assert bulk.existing_people == 0
        bulk.add_people(PeopleBatch.of(kept))
        keys = bulk.person_keys()
        assert set(keys) == {p.id for p in kept}
        bulk.add_ties(ties_batch(keys, [(1, "a", "b", 1, 0, 2, False, date(2018, 5, 6)),
                                        (2, "9", "10", 0, 0, 0, False, None)]))
        summary = bulk.finish().summary
    assert (summary.relationships_added, summary.relationships_updated,
            summary.relationships_unchanged) == (1, 0, 1)
    assert store.person_ids("bay") == {p.id for p in kept}
    ties = [Relationship(source="a", target="b", relational=1, flow_of_value=2,
                         since=date(2018, 5, 6)), Relationship(source="9", target="10")]
    assert list(store.iter_relationships("bay")) == by_key(ties)
    assert_same_graph(store.load_graph("bay"), CompactGraph.from_records("bay", kept, ties))


def test_bulk_import_writes_nothing_when_the_block_fails(store: GraphStore) -> None:
    with pytest.raises(RuntimeError, match="bad row"), store.bulk_import("fresh") as bulk:
        bulk.add_people(PeopleBatch.of(sample_people()))
        bulk.person_keys()
        raise RuntimeError("bad row")
    assert store.list_constituencies() == []
    store.import_records("bay", sample_people(), sample_relationships())
    before = snapshot(store, "bay")
    for replace in (False, True):
        with pytest.raises(RuntimeError, match="bad row"), store.bulk_import(
            "bay", replace=replace
        ) as bulk:
            bulk.add_people(PeopleBatch.of(sample_people()[:2]))
            keys = bulk.person_keys()
            bulk.add_ties(ties_batch(keys, [(1, "a", "b", 3, 3, 3, True, None)]))
            bulk.finish()
            raise RuntimeError("bad row")
        assert snapshot(store, "bay") == before


# -- every kind of write keeps the stored graph equal to the records --------------------------


class Model:
    """What a constituency should hold, kept by plain dictionaries next to the store."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.ties: dict[tuple[str, str], Relationship] = {}

    def check(self, store: GraphStore, name: str) -> None:
        assert list(store.iter_people(name)) == by_id(list(self.people.values()))
        assert list(store.iter_relationships(name)) == by_key(list(self.ties.values()))
        assert_same_graph(
            store.load_graph(name),
            CompactGraph.from_records(name, self.people.values(), self.ties.values(),
                                      store.get_constituency(name).expected_segments),
        )
        summary = {c.name: c for c in store.list_constituencies()}[name]
        assert (summary.people, summary.relationships) == (len(self.people), len(self.ties))
        # a sample of the single-person and single-tie reads (all of them would be slow)
        pick = random.Random(len(self.people) * 1000 + len(self.ties))
        for pid in pick.sample(sorted(self.people), min(6, len(self.people))):
            assert store.relationships_of(name, pid) == by_key(
                [r for r in self.ties.values() if pid in r.key])
        for key in pick.sample(sorted(self.ties), min(6, len(self.ties))):
            assert store.get_relationship(name, *key) == self.ties[key]


def random_person(rng: random.Random, pid: str) -> Person:
    return Person(id=pid, group=rng.choice(["people", "givers_of_service", "system_leaders"]),
                  engagement=rng.choice(["aware", "leading"]), segments=rng.choice(
                      [(), ("locality:A",), ("locality:B", "community:C")]))


def random_tie(rng: random.Random, ids: list[str]) -> Relationship:
    source, target = rng.sample(ids, 2)
    return Relationship(source=source, target=target, relational=rng.randint(0, 3),
                        functional=rng.randint(0, 3), recruited=rng.random() < 0.2,
                        since=rng.choice([None, date(2020, 1, rng.randint(1, 28))]))


@pytest.fixture(params=[10, 1], ids=["chunks-of-1024", "chunks-of-2"])
def chunk_bits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The SQLite store's chunk size, also tiny, so that ties cross many chunk rows."""
    monkeypatch.setattr(sqlite_module, "CHUNK_BITS", request.param)
    return int(request.param)


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_keep_the_stored_graph_equal_to_the_records(
    store: GraphStore, seed: int, chunk_bits: int
) -> None:
    # SQLite runs the same writes with both chunk sizes; for another store the chunk size means
    # nothing, so its second run draws other writes instead of repeating the first
    rng = random.Random(seed if isinstance(store, SQLiteStore) else seed + 1000 * chunk_bits)
    model = Model()
    store.create_constituency(Constituency(name="bay"))
    store.create_constituency(Constituency(name="other"))
    store.import_records("other", [Person(id="x", group="people"),
                                   Person(id="y", group="people")],
                         [Relationship(source="x", target="y")])
    pool = [f"p{i}" for i in range(25)]
    for _ in range(40):
        ids = list(model.people)
        action = rng.choice(["people", "ties", "ties", "delete person", "delete tie",
                             "import", "replace", "bulk"])
        if action == "people" or len(ids) < 3:
            people = [random_person(rng, pid) for pid in rng.sample(pool, 5)]
            store.upsert_people("bay", people)
            model.people.update((p.id, p) for p in people)
        elif action == "ties":
            ties = [random_tie(rng, ids) for _ in range(rng.randint(1, 12))]
            store.upsert_relationships("bay", ties)
            model.ties.update((r.key, r) for r in ties)
        elif action == "delete person":
            gone = rng.choice(ids)
            store.delete_person("bay", gone)
            del model.people[gone]
            model.ties = {k: r for k, r in model.ties.items() if gone not in k}
        elif action == "delete tie" and model.ties:
            key = rng.choice(sorted(model.ties))
            store.delete_relationship("bay", *key)
            del model.ties[key]
        elif action in ("import", "replace"):
            people = [random_person(rng, pid) for pid in rng.sample(pool, 12)]
            known = sorted({p.id for p in people}.union([] if action == "replace" else ids))
            ties = [random_tie(rng, known) for _ in range(15)]
            store.import_records("bay", people, ties, replace=action == "replace")
            if action == "replace":
                model.people, model.ties = {}, {}
            model.people.update((p.id, p) for p in people)
            model.ties.update((r.key, r) for r in ties)
        elif action == "bulk":
            replace = rng.random() < 0.3
            people = [random_person(rng, pid) for pid in rng.sample(pool, 10)]
            with store.bulk_import("bay", replace=replace) as bulk:
                bulk.add_people(PeopleBatch.of(people))
                keys = bulk.person_keys()
                ties = [random_tie(rng, sorted(keys)) for _ in range(20)]
                bulk.add_ties(ties_batch(keys, [
                    (i, r.source, r.target, r.relational, r.functional, r.flow_of_value,
                     r.recruited, r.since) for i, r in enumerate(ties)
                ]))
                bulk.finish()
            if replace:
                model.people, model.ties = {}, {}
            model.people.update((p.id, p) for p in people)
            merged: dict[tuple[str, str], Relationship] = {}
            for r in ties:
                merged[r.key] = merge_rows(merged[r.key], r) if r.key in merged else r
            model.ties.update(merged)
        model.check(store, "bay")
        if isinstance(store, SQLiteStore):
            assert_incoming_rows_mirror_the_ties(store)
    assert list(store.iter_relationships("other")) == [Relationship(source="x", target="y")]


def merge_rows(a: Relationship, b: Relationship) -> Relationship:
    """Two rows of one (source, target) as a bulk import merges them."""
    dates = [d for d in (a.since, b.since) if d is not None]
    return Relationship(source=a.source, target=a.target,
                        relational=max(a.relational, b.relational),
                        functional=max(a.functional, b.functional),
                        flow_of_value=max(a.flow_of_value, b.flow_of_value),
                        recruited=a.recruited or b.recruited,
                        since=min(dates) if dates else None)


def assert_incoming_rows_mirror_the_ties(store: SQLiteStore) -> None:
    """``ties_in`` holds exactly the ties of ``ties`` seen from the target; every chunk row
    holds only keys of its chunk and of its constituency, sorted, and no row is empty."""
    conn = store._conn
    bits = sqlite_module.CHUNK_BITS
    owner = dict(conn.execute("SELECT pk, constituency_id FROM people"))
    forward: set[tuple[int, int, int]] = set()
    for cid, chunk, source, target, trust, since in conn.execute(
        "SELECT constituency_id, chunk, source, target, trust, since FROM ties"
    ):
        sources = np.frombuffer(source, dtype="<i8")
        targets = np.frombuffer(target, dtype="<i8")
        assert len(source) == len(target) == 8 * len(trust) > 0
        assert since == b"" or len(since) == 4 * len(trust)
        assert (sources >> bits == chunk).all()
        keys = (sources << 32) | targets
        assert (np.diff(keys) > 0).all()
        pairs = [(int(s), int(t)) for s, t in zip(sources, targets, strict=True)]
        assert all(owner[s] == owner[t] == cid for s, t in pairs)
        forward.update((cid, s, t) for s, t in pairs)
    backward: set[tuple[int, int, int]] = set()
    for cid, chunk, target, source in conn.execute(
        "SELECT constituency_id, chunk, target, source FROM ties_in"
    ):
        targets = np.frombuffer(target, dtype="<i8")
        sources = np.frombuffer(source, dtype="<i8")
        assert targets.shape[0] == sources.shape[0] > 0
        assert (targets >> bits == chunk).all()
        assert (np.diff((targets << 32) | sources) > 0).all()
        backward.update((cid, int(s), int(t)) for t, s in zip(targets, sources, strict=True))
    assert forward == backward


def test_sqlite_bulk_import_spilled_to_files_equals_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bits: int
) -> None:
    rng = random.Random(7)
    people = [random_person(rng, f"p{i}") for i in range(300)]
    rows = [(line, *rng.sample([p.id for p in people], 2), rng.randint(0, 3), 0,
             rng.randint(0, 3), rng.random() < 0.1,
             rng.choice([None, date(2021, 1, rng.randint(1, 28))]))
            for line in range(2, 5000)]
    results = []
    for spill in (False, True):
        if spill:
            monkeypatch.setattr(sqlite_module, "SPILL_BYTES", 2000)
            monkeypatch.setattr(sqlite_module, "TIES_PER_BUCKET", 100)
        store = SQLiteStore(sqlite_url(tmp_path, f"spill-{spill}.db"))
        with store.bulk_import("bay", expected_ties=len(rows)) as bulk:
            bulk.add_people(PeopleBatch.of(people))
            keys = bulk.person_keys()
            for start in range(0, len(rows), 700):
                bulk.add_ties(ties_batch(keys, rows[start:start + 700]))
            result = bulk.finish()
        results.append((result, list(store.iter_relationships("bay"))))
        assert_incoming_rows_mirror_the_ties(store)
        store.close()
    assert results[0] == results[1]
    assert results[0][0].merged_rows > 0


# -- SQLite schema migrations ----------------------------------------------------------------


def test_sqlite_version_1_store_is_migrated_with_its_relationships(
    tmp_path: Path, chunk_bits: int
) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("PRAGMA application_id = 1835888992")
    assert isinstance(MIGRATIONS[0], str)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO constituencies (id, name) VALUES (1, 'bay'), (2, 'other')")
    pk = {}
    for i, p in enumerate(sample_people(), start=10):
        pk[p.id] = i * 3
        conn.execute(
            "INSERT INTO people (pk, constituency_id, id, name, \"group\", other_groups, "
            "organisation, segments, formal_power, informal_power, lived_experience, "
            "engagement, role, joined) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (pk[p.id], p.id, p.name, p.group.value, json.dumps([g.value for g in p.other_groups]),
             p.organisation, json.dumps(list(p.segments), ensure_ascii=False), p.formal_power,
             p.informal_power, int(p.lived_experience), p.engagement.value,
             None if p.role is None else p.role.value,
             None if p.joined is None else p.joined.isoformat()),
        )
    conn.execute("INSERT INTO people (pk, constituency_id, id, \"group\") VALUES "
                 "(1, 2, 'x', 'people'), (2, 2, 'y', 'people')")
    conn.execute("INSERT INTO relationships (source_pk, target_pk) VALUES (2, 1)")
    for r in sample_relationships():
        conn.execute(
            "INSERT INTO relationships VALUES (?, ?, ?, ?, ?, ?, ?)",
            (pk[r.source], pk[r.target], r.relational, r.functional, r.flow_of_value,
             int(r.recruited), None if r.since is None else r.since.isoformat()),
        )
    conn.close()
    store = SQLiteStore(f"sqlite:///{path}")
    try:
        assert store.schema_version() == SCHEMA_VERSION == 5
        assert list(store.iter_people("bay")) == by_id(sample_people())
        assert list(store.iter_relationships("bay")) == by_key(sample_relationships())
        assert list(store.iter_relationships("other")) == [Relationship(source="y", target="x")]
        assert_same_graph(store.load_graph("bay"), CompactGraph.from_records(
            "bay", sample_people(), sample_relationships()))
        assert_incoming_rows_mirror_the_ties(store)
        tables = {name for (name,) in store._conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert "relationships" not in tables
        store.delete_person("bay", "b")
        assert_incoming_rows_mirror_the_ties(store)
    finally:
        store.close()


def test_sqlite_attrs_written_with_a_person_equal_what_the_migration_computes(
    tmp_store_url: str,
) -> None:
    rng = random.Random(5)
    store = SQLiteStore(tmp_store_url)
    try:
        people = [Person(**{**random_person(rng, f"p{i}").model_dump(),
            "other_groups": tuple(rng.sample(["people", "givers_of_service",
                                              "system_leaders"], rng.randint(0, 3))),
            "formal_power": rng.randint(0, 3), "informal_power": rng.randint(0, 3),
            "lived_experience": rng.random() < 0.5,
            "engagement": rng.choice(["unengaged", "aware", "supporting", "contributing",
                                      "leading"]),
            "role": rng.choice([None, "lone_wolf", "mobiliser", "organiser"]),
            "joined": rng.choice([None, date(1900, 1, 1), date(1969, 12, 31), date(2024, 2, 29),
                                  date(9999, 12, 31), date(1, 1, 1)]),
        }) for i in range(300)]  # built anew so that the model checks the values
        store.import_records("bay", people, [])
        rows = store._conn.execute(f"SELECT attrs, {sqlite_module._ATTRS_SQL} FROM people")
        pairs = rows.fetchall()
        assert len(pairs) == 300
        assert all(stored == computed for stored, computed in pairs)
    finally:
        store.close()


def test_a_write_to_one_map_leaves_the_others_revision(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    store.create_constituency(Constituency(name="kendal"))
    bay, kendal = store.revision("bay"), store.revision("kendal")
    store.upsert_people("bay", [Person(id="a", group="people")])
    store.import_records("bay", [Person(id="b", group="people")],
                         [Relationship(source="a", target="b")])
    assert store.revision("bay") != bay
    assert store.revision("kendal") == kendal


def test_a_deleted_and_recreated_map_never_repeats_a_revision(store: GraphStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    seen = {store.revision("bay")}
    store.delete_constituency("bay")
    seen.add(store.revision("bay"))
    store.import_records("bay", [Person(id="a", group="people")], [])
    assert store.revision("bay") not in seen
    assert len(seen) == 2


def test_every_write_changes_the_revision_and_reads_do_not(store: GraphStore) -> None:
    seen = [store.revision("x")]

    def changed() -> None:
        now = store.revision("x")
        assert now != seen[-1]
        seen.append(now)

    store.create_constituency(Constituency(name="x"))
    changed()
    store.import_records("x", sample_people(), sample_relationships())
    changed()
    store.set_expected_segments("x", ["locality:Millom"])
    changed()
    store.set_description("x", "a new description")
    changed()
    store.upsert_people("x", [sample_people()[0].model_copy(update={"name": "Renamed"})])
    changed()
    rel = sample_relationships()[0]
    store.delete_relationship("x", rel.source, rel.target)
    changed()
    store.delete_person("x", sample_people()[0].id)
    changed()
    store.list_constituencies()
    store.load_graph("x")
    list(store.iter_people("x"))
    assert store.revision("x") == seen[-1]
    store.upsert_people("x", [sample_people()[1]])  # identical: nothing written
    assert store.revision("x") == seen[-1]
    assert store.get_constituency("x").description == "a new description"


# -- a map's settings, kept with the map (through the use cases) ------------------------------


def _settings_cases(store: GraphStore) -> UseCases:
    maps = UseCases(store, Actor("lead@example.org", "test"), today=date(2026, 6, 1))
    maps.create_constituency(Constituency(name="bay", description="the bay",
                                          expected_segments=("locality:Barrow",)))
    return maps


def test_a_new_map_has_the_default_settings(store: GraphStore) -> None:
    maps = _settings_cases(store)
    assert map_settings(store, "bay") == MapSettings()
    assert maps.settings("bay")[0] == MapSettings()


def test_map_settings_are_stored_with_the_map_recorded_and_undoable(store: GraphStore) -> None:
    maps = _settings_cases(store)
    wanted = MapSettings(target_core_share=0.05, target_reach=0.8, steps=2,
                         min_engagement="supporting")
    before = store.revision("bay")
    saved = maps.set_settings("bay", wanted)
    assert store.revision("bay") != before  # a cached analysis of the map is stale
    assert map_settings(store, "bay") == wanted
    assert maps.settings("bay") == (wanted, saved.version)
    change = maps.history("bay")[0]
    assert change.summary == "changed the map: min_engagement, steps, target_core_share, " \
                             "target_reach"
    assert {c.field for c in change.changes} == {"min_engagement", "steps",
                                                 "target_core_share", "target_reach"}
    constituency = store.get_constituency("bay")  # the rest of the map is untouched
    assert (constituency.description, constituency.expected_segments) == (
        "the bay", ("locality:Barrow",))
    maps.set_expected_segments("bay", ["locality:Kendal"])
    assert map_settings(store, "bay") == wanted  # and other map changes keep the settings
    maps.undo("bay", change.id)
    assert map_settings(store, "bay") == MapSettings()
    assert store.get_constituency("bay").expected_segments == ("locality:Kendal",)


def test_changing_one_setting_records_only_that_one(store: GraphStore) -> None:
    maps = _settings_cases(store)
    maps.set_settings("bay", MapSettings(steps=3))
    maps.set_settings("bay", MapSettings(steps=3, min_engagement="leading"))
    assert [c.summary for c in maps.history("bay")][:2] == [
        "changed the map: min_engagement", "changed the map: steps"]
    maps.set_settings("bay", MapSettings(steps=3))  # back to anyone
    assert map_settings(store, "bay").min_engagement is None
    assert map_settings(store, "bay").steps == 3


def test_saving_the_same_settings_records_nothing(store: GraphStore) -> None:
    maps = _settings_cases(store)
    count = len(maps.history("bay"))
    assert maps.set_settings("bay", MapSettings()).change_set is None
    maps.set_settings("bay", MapSettings(target_reach=0.75))
    assert maps.set_settings("bay", MapSettings(target_reach=0.75)).change_set is None
    assert len(maps.history("bay")) == count + 1


def test_settings_from_a_stale_version_are_refused_and_nothing_is_written(
        store: GraphStore) -> None:
    maps = _settings_cases(store)
    _, seen = maps.settings("bay")
    assert seen is not None
    maps.set_description("bay", "changed by someone else")
    with pytest.raises(StaleVersion):
        maps.set_settings("bay", MapSettings(steps=2), if_version=seen)
    assert map_settings(store, "bay") == MapSettings()


def test_settings_of_an_unknown_map_are_not_found(store: GraphStore) -> None:
    maps = UseCases(store, Actor("lead@example.org", "test"))
    with pytest.raises(NotFound):
        maps.set_settings("nope", MapSettings(steps=2))
    with pytest.raises(NotFound):
        map_settings(store, "nope")
