"""What only the Neo4j store has: URLs and credentials, its schema, its revisions, and what a
transaction without savepoints does. The shared contract is in ``test_store_contract.py``.

Runs against the real test server (``MOVEMAP_TEST_NEO4J_URL``, set by ``scripts/test``); the
URL checks need no server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from stores import make_store, neo4j_url, wipe_neo4j
from test_store_contract import assert_same_graph, by_key
from test_store_copy import random_map

import graph.stores.neo4j_store as neo4j_module
from graph.compact import CompactGraph
from graph.errors import NotFound, StoreError
from graph.model import Constituency, Person, Relationship
from graph.stores.base import open_store, redact_url
from graph.stores.neo4j_store import SCHEMA_VERSION, Neo4jStore, close_drivers
from service.config import Settings


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Neo4jStore]:
    opened = make_store("neo4j", tmp_path)
    assert isinstance(opened, Neo4jStore)
    yield opened
    opened.close()


@pytest.mark.parametrize(("url", "problem"), [
    ("neo4j://", "names no server"),
    ("neo4j://db:port", "port that is not a number"),
    ("neo4j://db:7687/maps", "has a path"),
    ("neo4j://db:7687?timeout=3", "unknown settings: timeout"),
    ("neo4j://:secret@db:7687", "password is set but no user"),
])
def test_bad_neo4j_urls_raise_a_plain_store_error(url: str, problem: str) -> None:
    with pytest.raises(StoreError, match=problem) as raised:
        open_store(url)
    assert "secret" not in str(raised.value)


def test_a_user_without_a_password_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEMAP_NEO4J_USER", "neo4j")
    monkeypatch.delenv("MOVEMAP_NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreError, match="no password for the Neo4j user 'neo4j'"):
        open_store("neo4j://db:7687")


def test_an_unreachable_server_is_a_store_error_naming_it() -> None:
    with pytest.raises(StoreError, match="cannot reach the Neo4j server at 'bolt://127.0.0.1:9'"):
        open_store("bolt://127.0.0.1:9")


def test_passwords_never_show_in_urls_messages_or_settings() -> None:
    url = "neo4j://ana:s3cret@db.example.org:7687?database=maps"
    assert redact_url(url) == "neo4j://ana:***@db.example.org:7687?database=maps"
    assert redact_url("sqlite:///movemap.db") == "sqlite:///movemap.db"
    settings = Settings(store_url=url, accounts_url="sqlite:///a.db", secret_key="k" * 40)
    assert "s3cret" not in str(settings.redacted())
    with pytest.raises(StoreError) as raised:
        open_store("neo4j://ana:s3cret@db.example.org:notaport")
    assert "s3cret" not in str(raised.value)


def test_credentials_and_database_in_the_url_reach_the_server() -> None:
    # the test server has authentication off, so any credentials are accepted; the database
    # named must exist ("neo4j" is the default one)
    host = neo4j_url().removeprefix("bolt://")
    store = open_store(f"bolt://tester:pw@{host}?database=neo4j")
    try:
        assert store.url == f"bolt://tester@{host}?database=neo4j"
        store.list_constituencies()
    finally:
        store.close()
    with pytest.raises(StoreError, match="no such database"):
        open_store(f"bolt://{host}?database=nosuchdb").list_constituencies()


def test_the_schema_is_created_with_its_constraints(store: Neo4jStore) -> None:
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name, labelsOrTypes, "
                                             "properties, type")
        schema, _, _ = driver.execute_query("MATCH (m:MovemapSchema) RETURN m.version AS v")
    constraints = {r["name"]: (r["labelsOrTypes"], r["properties"], r["type"]) for r in records}
    assert constraints["movemap_person_id"] == (["Person"], ["constituency", "id"], "UNIQUENESS")
    assert constraints["movemap_person_key"] == (["Person"], ["constituency", "key"],
                                                 "UNIQUENESS")
    assert constraints["movemap_constituency_name"] == (["Constituency"], ["name"],
                                                        "UNIQUENESS")
    assert [r["v"] for r in schema] == [SCHEMA_VERSION]


def test_the_graph_model_is_what_the_readme_documents(store: Neo4jStore) -> None:
    store.import_records("bay", [
        Person(id="a", group="people", segments=("locality:Barrow",), role="mobiliser"),
        Person(id="b", group="system_leaders", formal_power=3),
    ], [Relationship(source="a", target="b", flow_of_value=2, recruited=True)])
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (a:Person {constituency: 'bay'})-[t:TIE]->(b:Person {constituency: 'bay'}) "
            "RETURN a.id AS a, a.segments AS seg, a.role AS role, b.formal_power AS power, "
            "t.flow_of_value AS flow, t.recruited AS recruited, t.since AS since")
    assert [dict(r) for r in records] == [{"a": "a", "seg": ["locality:Barrow"],
                                           "role": "mobiliser", "power": 3, "flow": 2,
                                           "recruited": True, "since": None}]


def test_a_store_written_by_a_newer_movemap_is_refused(store: Neo4jStore) -> None:
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        driver.execute_query("MATCH (m:MovemapSchema) SET m.version = $v",
                             v=SCHEMA_VERSION + 1)
        close_drivers()  # the next open checks the schema again
        try:
            with pytest.raises(StoreError, match="written by a newer movemap"):
                open_store(neo4j_url())
        finally:
            driver.execute_query("MATCH (m:MovemapSchema) SET m.version = $v",
                                 v=SCHEMA_VERSION)
            close_drivers()


def test_data_persists_across_reconnecting(store: Neo4jStore) -> None:
    store.import_records("bay", [Person(id="a", group="people")], [])
    store.close()
    close_drivers()
    again = open_store(neo4j_url())
    try:
        assert again.person_ids("bay") == {"a"}
    finally:
        again.close()


def test_a_failed_nested_block_that_wrote_rolls_back_the_whole_transaction(
    store: Neo4jStore,
) -> None:
    store.create_constituency(Constituency(name="bay"))
    with pytest.raises(StoreError, match="rolled back"), store.transaction():
        store.upsert_people("bay", [Person(id="kept?", group="people")])
        try:
            with store.transaction():
                store.upsert_people("bay", [Person(id="inner", group="people")])
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert store.person_ids("bay") == set()


def test_a_refused_write_in_a_transaction_leaves_it_usable(store: Neo4jStore) -> None:
    store.create_constituency(Constituency(name="bay"))
    with store.transaction():
        store.upsert_people("bay", [Person(id="a", group="people")])
        with pytest.raises(NotFound):
            store.upsert_relationships("bay", [Relationship(source="a", target="ghost")])
        with pytest.raises(NotFound):
            store.delete_person("bay", "ghost")
    assert store.person_ids("bay") == {"a"}


def test_people_made_by_other_tools_without_optional_properties_load(
    store: Neo4jStore,
) -> None:
    store.create_constituency(Constituency(name="bay"))
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        driver.execute_query(
            "MATCH (c:Constituency {name: 'bay'}) SET c.next_key = 2 "
            "CREATE (:Person {constituency: 'bay', id: 'x', key: 0, group: 'people'})"
            "-[:TIE {relational: 2}]->"
            "(:Person {constituency: 'bay', id: 'y', key: 1, group: 'system_leaders'})")
    assert store.get_person("bay", "x") == Person(id="x", group="people")
    assert list(store.iter_relationships("bay")) == [
        Relationship(source="x", target="y", relational=2)]
    assert store.load_graph("bay").m == 1


def test_wipe_keeps_the_schema() -> None:
    wipe_neo4j(neo4j_url())
    store = open_store(neo4j_url())
    try:
        store.create_constituency(Constituency(name="bay"))
        assert store.revision("bay") > 0
    finally:
        store.close()


@pytest.mark.parametrize("group_by", [4, 4096])
def test_a_map_read_in_parallel_parts_loads_exactly(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, group_by: int
) -> None:
    """With small key groups even this map is read as several key ranges at once."""
    monkeypatch.setattr(neo4j_module, "_GROUP_BY", group_by)
    people, ties = random_map(4, n=150, m=600)
    store.import_records("bay", people, ties)
    assert_same_graph(store.load_graph("bay"), CompactGraph.from_records("bay", people, ties))
    assert list(store.iter_relationships("bay")) == by_key(ties)
    with store.transaction():  # inside a transaction: one read, in the transaction
        assert_same_graph(store.load_graph("bay"),
                          CompactGraph.from_records("bay", people, ties))


def test_two_writers_to_one_map_both_commit(store: Neo4jStore) -> None:
    """One transaction adds a person (so it holds the map's key counter) while another edits an
    existing person and commits: the second waits for the first, and neither fails (no
    deadlock between the map and the store-wide revision)."""
    store.import_records("bay", [Person(id="old", group="people")], [])
    other = open_store(neo4j_url())
    errors: list[BaseException] = []

    def edit() -> None:
        try:
            other.upsert_people("bay", [Person(id="old", group="system_leaders")])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        with store.transaction():
            store.upsert_people("bay", [Person(id="new", group="people")])
            editor = threading.Thread(target=edit)
            editor.start()
            editor.join(1.5)  # it reaches its commit and waits there for this transaction
        editor.join(30)
        assert not editor.is_alive()
        assert errors == []
        assert store.get_person("bay", "old").group.value == "system_leaders"
        assert store.person_ids("bay") == {"old", "new"}
    finally:
        other.close()


def test_a_store_from_before_history_gets_its_maps_state_as_the_first_change_set(
    store: Neo4jStore,
) -> None:
    """Schema 1 → 2: the current map (and so its analysis) stays exactly as it was."""
    import json

    from graph.analysis import analyse
    from graph.history import Actor
    from graph.usecases import UseCases, map_as_of

    people, ties = random_map(11, 60, 150)
    store.import_records("bay", people, ties)  # as movemap wrote maps before the history
    before = json.dumps(analyse(store.load_graph("bay")).to_dict(), default=str)
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        driver.execute_query("MATCH (n) WHERE n:Timeline OR n:ChangeSet OR n:Change DELETE n")
        driver.execute_query("MATCH (m:MovemapSchema) SET m.version = 1")
    close_drivers()  # the next open checks the schema again
    migrated = open_store(neo4j_url())
    try:
        (first,) = UseCases(migrated, Actor("tests", "test")).history("bay")
        assert (first.by, first.via) == ("movemap", "migration")
        assert json.dumps(analyse(migrated.load_graph("bay")).to_dict(), default=str) == before
        today = max(d for d in [*(p.joined for p in people), *(t.since for t in ties)]
                    if d is not None)
        assert sorted(map_as_of(migrated, "bay", today).ids) == sorted(p.id for p in people)
    finally:
        migrated.close()


def test_a_store_with_history_but_no_index_gets_one_that_agrees_with_its_timelines(
    store: Neo4jStore,
) -> None:
    """Schema 2 → 3: the as-of index is built from the timelines already kept."""
    import random
    from datetime import date

    from history_reference import assert_index_agrees, random_history

    from graph.history import Actor
    from graph.usecases import UseCases

    maps = UseCases(store, Actor("tests", "test"), today=date(2024, 1, 1))
    maps.create_constituency(Constituency(name="bay"))
    snapshots = random_history(maps, random.Random(5), "bay", date(2024, 1, 1), 40)
    with GraphDatabase.driver(neo4j_url(), auth=None) as driver:
        driver.execute_query("MATCH (v:Versions) DELETE v")
        driver.execute_query("MATCH (m:MovemapSchema) SET m.version = 2")
    close_drivers()  # the next open checks the schema again
    migrated = open_store(neo4j_url())
    try:
        assert migrated.version_chunks("bay", "person", range(256))
        assert_index_agrees(migrated, "bay", snapshots)
    finally:
        migrated.close()
