"""The store contract: what every ``GraphStore`` must do, run against each store kind.

The SQLite-only part (URLs, schema versions, files) is at the end.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from graph.compact import CompactGraph
from graph.errors import NotFound, StoreError
from graph.model import Constituency, Person, Relationship
from graph.stores.base import GraphStore, open_store
from graph.stores.sqlite import SCHEMA_VERSION, SQLiteStore

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


UNKNOWN_CONSTITUENCY_CALLS: dict[str, Callable[[GraphStore], object]] = {
    "get_constituency": lambda s: s.get_constituency("nope"),
    "delete_constituency": lambda s: s.delete_constituency("nope"),
    "set_expected_segments": lambda s: s.set_expected_segments("nope", ["a:b"]),
    "add_expected_segments": lambda s: s.add_expected_segments("nope", ["a:b"]),
    "upsert_people": lambda s: s.upsert_people("nope", [Person(id="p", group="people")]),
    "upsert_relationships": lambda s: s.upsert_relationships("nope", []),
    "get_person": lambda s: s.get_person("nope", "p"),
    "iter_people": lambda s: list(s.iter_people("nope")),
    "iter_relationships": lambda s: list(s.iter_relationships("nope")),
    "person_ids": lambda s: s.person_ids("nope"),
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
    ids = ["b", "B", "ä", "a", "Z", "10", "9", "z-1", "z_1", "日本", "😀", "a b", "é", "e\u0301"]
    store.import_records("ids", [Person(id=i, group="people") for i in ids], [])
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
