"""The history contract, on every store: change sets, the map as of a day, undo, versions.

The central check: the analysis of the map as of a day equals the analysis of a fresh map
imported with exactly what was valid that day, over random histories with joining, leaving,
ending ties and trust changes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from history_reference import analysis_json, assert_index_agrees, random_history
from stores import make_store

from graph.errors import ImportFailed, NotFound
from graph.history import Actor
from graph.model import Constituency, Person, Relationship
from graph.stores.base import GraphStore
from graph.usecases import (
    InvalidChange,
    Removal,
    StaleVersion,
    UndoConflict,
    UseCases,
    map_as_of,
)

TODAY = date(2026, 6, 1)
LEAD = Actor("lead@example.org", "test")


def cases(store: GraphStore, today: date = TODAY) -> UseCases:
    return UseCases(store, LEAD, today=today)


def current_state(store: GraphStore, name: str) -> tuple[list[Person], list[Relationship]]:
    return list(store.iter_people(name)), list(store.iter_relationships(name))


def person(pid: str, **values: object) -> Person:
    return Person(**{"id": pid, "group": "people", **values})


@pytest.fixture
def bay(store: GraphStore) -> UseCases:
    maps = cases(store)
    maps.create_constituency(Constituency(name="bay"))
    return maps


def test_every_write_is_one_change_set_with_who_when_and_through_what(bay: UseCases) -> None:
    bay.save_person("bay", person("ana", joined=date(2025, 1, 1)))
    bay.save_person("bay", person("ben"))
    bay.save_tie("bay", Relationship(source="ana", target="ben", relational=2))
    history = bay.history("bay")
    assert [c.summary for c in history] == [
        "added the tie ana → ben", "added ben", "added ana", "created the map bay"]
    newest = history[0]
    assert (newest.by, newest.via) == ("lead@example.org", "test")
    assert newest.recorded_at.tzinfo is not None
    assert newest.recorded_at <= datetime.now(UTC)
    assert [c.id for c in history] == sorted((c.id for c in history), reverse=True)
    fields = {c.field for c in newest.changes}
    assert {"relational", "present"} <= fields


def test_saving_the_same_person_again_writes_nothing(bay: UseCases) -> None:
    first = bay.save_person("bay", person("ana", engagement="aware"))
    again = bay.save_person("bay", person("ana", engagement="aware"))
    assert again.change_set is None and again.version == first.version
    assert len(bay.history("bay")) == 2


def test_an_edit_is_valid_from_its_day_and_the_past_keeps_the_old_value(
    store: GraphStore,
) -> None:
    maps = cases(store, today=date(2026, 6, 1))
    maps.create_constituency(Constituency(name="bay"))
    maps.save_person("bay", person("ana", engagement="aware", joined=date(2025, 1, 1)))
    maps.save_person("bay", person("ana", engagement="leading"), on=date(2026, 3, 1))
    assert maps.person("bay", "ana", as_of=date(2026, 2, 28))[0].engagement.value == "aware"
    assert maps.person("bay", "ana")[0].engagement.value == "leading"
    assert store.get_person("bay", "ana").engagement.value == "leading"
    # a late correction: she led from January; the March change stays as recorded
    maps.save_person("bay", person("ana", engagement="contributing"), on=date(2026, 1, 10))
    assert maps.person("bay", "ana", as_of=date(2026, 2, 1))[0].engagement.value == (
        "contributing")
    assert maps.person("bay", "ana", as_of=date(2026, 4, 1))[0].engagement.value == "leading"


def test_a_person_who_left_is_gone_from_the_map_and_kept_in_history(
    bay: UseCases, store: GraphStore,
) -> None:
    bay.save_person("bay", person("ana", joined=date(2024, 1, 1)))
    bay.save_person("bay", person("ben", joined=date(2024, 1, 1)))
    bay.save_tie("bay", Relationship(source="ana", target="ben", since=date(2024, 2, 1)))
    bay.remove_person("bay", "ben", Removal.LEFT, on=date(2025, 5, 1))
    assert store.person_ids("bay") == {"ana"}
    assert list(store.iter_relationships("bay")) == []
    then = map_as_of(store, "bay", date(2025, 4, 30))
    assert sorted(then.ids) == ["ana", "ben"] and then.m == 1
    assert bay.person("bay", "ben", as_of=date(2025, 4, 30))[0].left == date(2025, 5, 1)
    with pytest.raises(NotFound):
        bay.person("bay", "ben")
    # coming back: saving them again brings them (and their tie) back from today
    bay.save_person("bay", person("ben"))
    assert store.person_ids("bay") == {"ana", "ben"}
    assert len(list(store.iter_relationships("bay"))) == 1
    assert map_as_of(store, "bay", date(2025, 12, 1)).n == 1


def test_a_person_entered_by_mistake_goes_with_their_ties_and_can_come_back(
    bay: UseCases, store: GraphStore,
) -> None:
    bay.save_person("bay", person("ana"))
    bay.save_person("bay", person("ben"))
    bay.save_tie("bay", Relationship(source="ana", target="ben"))
    before = current_state(store, "bay")
    removed = bay.remove_person("bay", "ben", Removal.MISTAKE)
    assert store.person_ids("bay") == {"ana"}
    assert map_as_of(store, "bay", date(2000, 1, 1)).n == 0
    assert removed.change_set is not None
    bay.undo("bay", removed.change_set)
    assert current_state(store, "bay") == before


def test_undo_restores_the_exact_prior_state_and_can_itself_be_undone(
    bay: UseCases, store: GraphStore,
) -> None:
    bay.save_person("bay", person("ana", engagement="aware", segments=("locality:Barrow",)))
    bay.save_person("bay", person("ben"))
    bay.save_tie("bay", Relationship(source="ana", target="ben", functional=1))
    before = current_state(store, "bay"), sorted(
        (r.key, r.timeline) for r in store.iter_timeline_records("bay"))
    edit = bay.save_person("bay", person("ana", engagement="leading", role="organiser",
                                         segments=("locality:Kendal",)))
    tie = bay.save_tie("bay", Relationship(source="ana", target="ben", functional=3))
    assert edit.change_set is not None and tie.change_set is not None
    bay.undo("bay", tie.change_set)
    undone = bay.undo("bay", edit.change_set)
    after = current_state(store, "bay"), sorted(
        (r.key, r.timeline) for r in store.iter_timeline_records("bay"))
    assert after == before
    assert undone.change_set is not None
    bay.undo("bay", undone.change_set)  # the undo of an undo
    assert store.get_person("bay", "ana").role is not None
    history = bay.history("bay")
    assert history[0].undoes == undone.change_set
    assert bay.change_set("bay", edit.change_set).undone_by == undone.change_set


def test_undo_conflicting_with_a_later_change_says_so_and_changes_nothing(
    bay: UseCases, store: GraphStore,
) -> None:
    bay.save_person("bay", person("ana"))
    edit = bay.save_person("bay", person("ana", engagement="leading"))
    bay.save_person("bay", person("ana", engagement="aware"))
    state = current_state(store, "bay"), len(bay.history("bay"))
    assert edit.change_set is not None
    with pytest.raises(UndoConflict, match="engagement"):
        bay.undo("bay", edit.change_set)
    assert (current_state(store, "bay"), len(bay.history("bay"))) == state


def test_undo_of_one_field_keeps_a_later_change_to_another(bay: UseCases,
                                                           store: GraphStore) -> None:
    bay.save_person("bay", person("ana"))
    edit = bay.save_person("bay", person("ana", engagement="leading"))
    bay.save_person("bay", person("ana", engagement="leading", formal_power=3))
    assert edit.change_set is not None
    bay.undo("bay", edit.change_set)
    ana = store.get_person("bay", "ana")
    assert (ana.engagement.value, ana.formal_power) == ("unengaged", 3)


def test_a_stale_version_is_refused_and_names_who_changed_it(bay: UseCases,
                                                            store: GraphStore) -> None:
    first = bay.save_person("bay", person("ana"))
    other = UseCases(store, Actor("colleague@example.org", "dashboard"), today=TODAY)
    other.save_person("bay", person("ana", formal_power=2), if_version=first.version)
    with pytest.raises(StaleVersion, match="colleague@example.org") as caught:
        bay.save_person("bay", person("ana", informal_power=2), if_version=first.version)
    assert caught.value.expected == first.version
    assert store.get_person("bay", "ana").informal_power == 0


def test_bad_changes_are_refused_before_anything_is_written(bay: UseCases,
                                                           store: GraphStore) -> None:
    bay.save_person("bay", person("ana", joined=date(2025, 1, 1)))
    count = len(bay.history("bay"))
    with pytest.raises(InvalidChange, match="left"):
        bay.remove_person("bay", "ana", Removal.LEFT, on=date(2024, 12, 1))
    with pytest.raises(NotFound):
        bay.save_tie("bay", Relationship(source="ana", target="nobody"))
    assert len(bay.history("bay")) == count


def test_a_day_that_has_not_come_is_refused_for_every_kind_of_change(
    bay: UseCases, store: GraphStore,
) -> None:
    """Valid time is what has happened: nothing may be dated after today, so the current map
    (brought up to date at each change) can never miss a change that comes due later."""
    later = TODAY + timedelta(days=1)
    bay.save_person("bay", person("ana", joined=date(2025, 1, 1)))
    bay.save_person("bay", person("ben"))
    count = len(bay.history("bay"))
    refused = [
        ("joined", lambda: bay.save_person("bay", person("cat", joined=later))),
        ("left", lambda: bay.save_person("bay", person("ana", left=later))),
        ("left", lambda: bay.remove_person("bay", "ana", Removal.LEFT, on=later)),
        ("engagement", lambda: bay.save_person("bay", person("ana", engagement="leading"),
                                               on=later)),
        ("since", lambda: bay.save_tie("bay", Relationship(source="ana", target="ben",
                                                           since=later))),
        ("joined", lambda: bay.import_records("bay", [person("dan")], [], on=later)),
    ]
    for field, change in refused:
        with pytest.raises(InvalidChange, match=f"{field} is dated {later}, after today"):
            change()
    assert len(bay.history("bay")) == count
    assert store.person_ids("bay") == {"ana", "ben"}
    bay.save_person("bay", person("ana", engagement="leading"), on=TODAY)  # today is fine
    assert bay.person("bay", "ana")[0].engagement.value == "leading"


def test_an_import_is_one_change_set_and_a_failed_one_writes_nothing(
    bay: UseCases, store: GraphStore, tmp_path: Path,
) -> None:
    people = tmp_path / "people.csv"
    ties = tmp_path / "relationships.csv"
    people.write_text("id,group,engagement\nana,people,aware\nben,people,leading\n")
    ties.write_text("source,target,relational\nana,ben,2\n")
    summary, change_set = bay.import_files("bay", people, ties)
    assert (summary.people_added, summary.relationships_added) == (2, 1)
    assert bay.history("bay")[0].summary == "import of people.csv relationships.csv"
    again, none = bay.import_files("bay", people, ties)
    assert none is None and not again.changed
    people.write_text("id,group,engagement\nana,people,aware\ncat,patients,leading\n")
    with pytest.raises(ImportFailed):
        bay.import_files("bay", people, ties)
    assert bay.history("bay")[0].id == change_set
    assert store.person_ids("bay") == {"ana", "ben"}


def test_dated_imports_in_order_give_a_true_history(store: GraphStore, tmp_path: Path) -> None:
    maps = cases(store)
    people = tmp_path / "people.csv"
    ties = tmp_path / "relationships.csv"
    people.write_text("id,group,engagement\nana,people,aware\nben,people,aware\n")
    ties.write_text("source,target,relational\nana,ben,1\n")
    maps.import_files("bay", people, ties, on=date(2025, 3, 31))
    people.write_text("id,group,engagement\nana,people,leading\ncat,people,aware\n")
    ties.write_text("source,target,relational\nana,cat,2\n")
    maps.import_files("bay", people, ties, on=date(2025, 6, 30), replace=True)
    q1 = map_as_of(store, "bay", date(2025, 4, 1))
    q2 = map_as_of(store, "bay", date(2025, 7, 1))
    assert sorted(q1.ids) == ["ana", "ben"] and q1.m == 1
    assert sorted(q2.ids) == ["ana", "cat"] and q2.m == 1
    assert maps.person("bay", "ana", as_of=date(2025, 4, 1))[0].engagement.value == "aware"
    assert maps.person("bay", "ana", as_of=date(2025, 7, 1))[0].engagement.value == "leading"
    assert maps.person("bay", "ben", as_of=date(2025, 4, 1))[0].left == date(2025, 6, 30)
    assert store.person_ids("bay") == {"ana", "cat"}


def test_a_snapshot_imported_after_a_later_one_fills_in_the_past_and_keeps_the_later(
    store: GraphStore, tmp_path: Path,
) -> None:
    """Quarterly files imported out of order: the earlier one changes only the days before
    the later one's changes."""
    maps = cases(store)
    people = tmp_path / "people.csv"
    ties = tmp_path / "relationships.csv"
    people.write_text("id,group,engagement\nana,people,leading\nben,people,aware\n"
                      "cat,people,aware\n")
    ties.write_text("source,target,relational\nana,ben,3\nana,cat,1\n")
    maps.import_files("bay", people, ties, on=date(2025, 9, 30))
    people.write_text("id,group,engagement\nana,people,aware\nben,people,supporting\n")
    ties.write_text("source,target,relational\nana,ben,1\n")
    maps.import_files("bay", people, ties, on=date(2025, 3, 31))

    def state(day: date) -> tuple[dict[str, str], dict[tuple[str, str], int]]:
        graph = map_as_of(store, "bay", day)
        people = {p.id: p.engagement.value for p in map(graph.person, range(graph.n))}
        strengths = {(graph.ids[u], graph.ids[v]): int(graph.strength["relational"][e])
                     for e, (u, v) in enumerate(zip(graph.edge_u, graph.edge_v, strict=True))}
        return people, strengths

    assert state(date(2025, 3, 31)) == ({"ana": "aware", "ben": "supporting"},
                                        {("ana", "ben"): 1})
    assert state(date(2025, 6, 30)) == ({"ana": "aware", "ben": "supporting"},
                                        {("ana", "ben"): 1})
    assert state(date(2025, 9, 30)) == ({"ana": "leading", "ben": "aware", "cat": "aware"},
                                        {("ana", "ben"): 3, ("ana", "cat"): 1})
    assert state(TODAY) == state(date(2025, 9, 30))
    assert state(date(2025, 3, 30)) == ({}, {})
    assert maps.person("bay", "ana")[0].joined == date(2025, 3, 31)


# -- random histories: as of a day equals a fresh import of what was valid that day ----------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_map_as_of_a_day_equals_a_map_of_what_was_valid_that_day(
    store: GraphStore, tmp_path: Path, seed: int,
) -> None:
    rng = random.Random(seed)
    maps = cases(store, today=date(2024, 1, 1))
    maps.create_constituency(Constituency(name="bay"))
    snapshots = random_history(maps, rng, "bay", date(2024, 1, 1), 120)
    reference = make_store("sqlite", tmp_path / "reference")
    try:
        for day, (people, ties) in snapshots.items():
            reference.import_records("then", [p.model_copy(update={"left": None})
                                              for p in people], ties, replace=True)
            expected = reference.load_graph("then")
            expected.name = "bay"
            got = map_as_of(store, "bay", day)
            assert analysis_json(got, day) == analysis_json(expected, day), day
    finally:
        reference.close()
    assert_index_agrees(store, "bay", snapshots)  # and between changes, by the timelines
    # and the current map is the map as of the day of the last change
    assert analysis_json(store.load_graph("bay"), maps.today) == analysis_json(
        map_as_of(store, "bay", maps.today), maps.today)


# -- migration and copy ----------------------------------------------------------------------


def test_a_store_from_before_history_keeps_its_analysis_byte_for_byte(tmp_path: Path) -> None:
    """Schema 3 → now: every map's state becomes its first change set, nothing else moves."""
    import sqlite3

    from graph.demo import demo_constituency
    from graph.stores import sqlite as sqlite_store

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    real = sqlite_store.MIGRATIONS
    try:  # a store written by the version before the history
        sqlite_store.MIGRATIONS = real[:3]
        sqlite_store.SCHEMA_VERSION = 3
        old = sqlite_store.SQLiteStore(url)
        constituency, people, ties = demo_constituency(seed=3, size=300)
        old.create_constituency(constituency)
        old.import_records(constituency.name, people, ties)
        before = analysis_json(old.load_graph(constituency.name), TODAY)
        old.close()
    finally:
        sqlite_store.MIGRATIONS = real
        sqlite_store.SCHEMA_VERSION = len(real)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        "3",)
    conn.close()
    store = sqlite_store.SQLiteStore(url)
    try:
        assert store.schema_version() == sqlite_store.SCHEMA_VERSION
        name = constituency.name
        assert analysis_json(store.load_graph(name), TODAY) == before
        today = date.today()  # the demo's dates are all before it
        assert analysis_json(map_as_of(store, name, today), TODAY) == before
        (first,) = cases(store).history(name)
        assert (first.by, first.via) == ("movemap", "migration")
        joined = {p.id: p.joined for p in people}
        then = map_as_of(store, name, date(2022, 1, 1))
        assert sorted(then.ids) == sorted(
            p for p, d in joined.items() if d is None or d <= date(2022, 1, 1))
    finally:
        store.close()


def test_a_store_with_history_but_no_index_gets_one_that_agrees_with_its_timelines(
    tmp_path: Path,
) -> None:
    """Schema 4 → 5: the as-of index is built from the timelines already kept."""
    import sqlite3

    from graph.stores import sqlite as sqlite_store

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    old = sqlite_store.SQLiteStore(url)
    maps = cases(old, today=date(2024, 1, 1))
    maps.create_constituency(Constituency(name="bay"))
    snapshots = random_history(maps, random.Random(7), "bay", date(2024, 1, 1), 60)
    old.close()
    conn = sqlite3.connect(path)  # what a version 4 file holds: the same, without the index
    conn.execute("DROP TABLE versions")
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    real = sqlite_store.MIGRATIONS
    store = sqlite_store.SQLiteStore(url)
    try:
        assert store.schema_version() == len(real)
        assert_index_agrees(store, "bay", snapshots)
    finally:
        store.close()


def test_a_copy_takes_the_history_along(store: GraphStore, tmp_path: Path) -> None:
    from graph.stores.copy import copy_constituencies

    maps = cases(store)
    maps.create_constituency(Constituency(name="bay"))
    maps.save_person("bay", person("ana", joined=date(2025, 1, 1)))
    edit = maps.save_person("bay", person("ana", engagement="leading"), on=date(2026, 2, 1))
    assert edit.change_set is not None
    maps.undo("bay", edit.change_set)
    target = make_store("sqlite", tmp_path / "copy")
    try:
        copy_constituencies(store, target, ["bay"])
        source_history = [(c.summary, c.by, c.via, c.changes) for c in maps.history("bay")]
        copied = cases(target).history("bay")
        assert [(c.summary, c.by, c.via, c.changes) for c in copied] == source_history
        assert copied[0].undoes == copied[1].id
        assert sorted((r.key, r.timeline) for r in target.iter_timeline_records("bay")) == (
            sorted((r.key, r.timeline) for r in store.iter_timeline_records("bay")))
        copy_constituencies(store, target, ["bay"], replace=True)
        assert len(cases(target).history("bay")) == len(source_history)
    finally:
        target.close()
