"""Valid time, field by field: edits, corrections, presence and undo merges (graph.timeline).

The property tests compare a timeline with a plain model of the same written rule: each field
is a dict from day to the value recorded for that day, a day whose value repeats the one before
it is not kept (it changes nothing), and the value at a day is the one of the latest recorded
day on or before it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import Person, Relationship
from graph.timeline import (
    PRESENT,
    Timeline,
    UndoConflict,
    merge_undo,
    person_at,
    person_timeline,
    tie_at,
    tie_timeline,
)

D0 = date(2024, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def ana(**values: object) -> Person:
    return Person(**{"id": "ana", "group": "people", **values})


def test_an_edit_holds_from_its_day_until_that_fields_next_change() -> None:
    t = person_timeline(ana(engagement="aware"), start=day(0))
    t = t.set({"engagement": "supporting"}, on=day(100))
    t = t.set({"engagement": "leading"}, on=day(50))  # a late correction, recorded after
    assert [t.value_at("engagement", day(n)) for n in (10, 60, 120)] == [
        "aware", "leading", "supporting"]


def test_a_person_is_absent_before_joining_and_after_leaving() -> None:
    t = person_timeline(ana(left=day(30)), start=day(10))
    assert [person_at(t, "ana", day(n)) is None for n in (9, 10, 29, 30)] == [
        True, False, False, True]
    assert person_at(t, "ana", day(20)) == ana(joined=day(10), left=day(30))


def test_moving_the_start_is_refused_past_the_end() -> None:
    t = person_timeline(ana(left=day(30)), start=day(10))
    assert t.with_start(day(2)).start == day(2)
    with pytest.raises(ValueError, match="before the end"):
        t.with_start(day(31))


def test_a_tie_reads_back_with_its_dates() -> None:
    tie = Relationship(source="a", target="b", relational=2, until=day(40))
    t = tie_timeline(tie, start=day(5))
    assert tie_at(t, "a", "b", day(20)) == tie.model_copy(update={"since": day(5)})
    assert tie_at(t, "a", "b", day(40)) is None


def test_json_round_trip_keeps_every_value() -> None:
    t = person_timeline(ana(segments=("locality:Barrow",), other_groups=("system_leaders",),
                            role="organiser"), start=None)
    t = t.set({"segments": ("locality:Kendal", "community:Deaf")}, on=day(3))
    assert Timeline.from_json(t.to_json()) == t


def test_undo_reverts_only_the_fields_it_changed() -> None:
    before = person_timeline(ana(), start=day(0))
    after = before.set({"engagement": "leading"}, on=day(10))
    later = after.set({"formal_power": 2}, on=day(20))  # another field, changed since
    merged = merge_undo(before, after, later)
    assert merged is not None
    assert merged.value_at("engagement", day(30)) == "unengaged"
    assert merged.value_at("formal_power", day(30)) == 2


def test_undo_refuses_when_the_same_field_changed_since() -> None:
    before = person_timeline(ana(), start=day(0))
    after = before.set({"engagement": "leading"}, on=day(10))
    later = after.set({"engagement": "aware"}, on=day(20))
    with pytest.raises(UndoConflict) as caught:
        merge_undo(before, after, later)
    assert caught.value.fields == ("engagement",)


def test_undo_of_a_creation_removes_the_record_unless_changed_since() -> None:
    created = person_timeline(ana(), start=day(0))
    assert merge_undo(None, created, created) is None
    with pytest.raises(UndoConflict):
        merge_undo(None, created, created.set({"name": "Ana"}, on=None))


# -- property: a timeline is the plain "latest recorded day on or before" model -------------

FIELDS = ("engagement", "formal_power", PRESENT)
VALUES = {"engagement": st.sampled_from(["unengaged", "aware", "leading"]),
          "formal_power": st.integers(0, 3), PRESENT: st.booleans()}
edit = st.sampled_from(FIELDS).flatmap(
    lambda f: st.tuples(st.just(f), st.one_of(st.none(), st.integers(0, 40).map(day)),
                        VALUES[f]))


@settings(max_examples=300, deadline=None)
@given(st.lists(edit, max_size=25))
def test_random_edits_match_the_plain_model(edits: list[tuple[str, date | None, object]]) -> None:
    t = person_timeline(ana(), start=None)
    plain: dict[str, dict[date | None, object]] = {
        "engagement": {None: "unengaged"}, "formal_power": {None: 0}, PRESENT: {None: True}}
    for name, on, value in edits:
        t = t.set({name: value}, on=on)
        plain[name][on] = value
        ordered = sorted(plain[name].items(), key=lambda kv: (kv[0] is not None, kv[0]))
        plain[name] = dict(kv for i, kv in enumerate(ordered)
                           if i == 0 or kv[1] != ordered[i - 1][1])
    assert Timeline.from_json(t.to_json()) == t
    for n in range(-1, 42):
        d = day(n)
        for name in ("engagement", "formal_power"):
            days = [k for k in plain[name] if k is None or k <= d]
            key = max(days, key=lambda k: (k is not None, k))
            assert t.value_at(name, d) == plain[name][key]
        days = [k for k in plain[PRESENT] if k is None or k <= d]
        key = max(days, key=lambda k: (k is not None, k))
        assert t.present_at(d) == plain[PRESENT][key]


@settings(max_examples=200, deadline=None)
@given(st.lists(edit, min_size=1, max_size=12), st.lists(edit, max_size=12))
def test_undo_of_the_last_change_restores_the_state_before(
    history: list[tuple[str, date | None, object]], change: list[tuple[str, date | None, object]]
) -> None:
    t = person_timeline(ana(), start=None)
    for name, on, value in history:
        t = t.set({name: value}, on=on)
    after = t
    for name, on, value in change:
        after = after.set({name: value}, on=on)
    assert merge_undo(t, after, after) == t


# -- property: the as-of index reads every timeline as person_at and tie_at do ---------------


@settings(max_examples=200, deadline=None)
@given(st.lists(edit, max_size=20), st.one_of(st.none(), st.integers(0, 40).map(day)),
       st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 40).map(day)),
                          st.integers(0, 3), st.booleans()), max_size=8))
def test_the_as_of_index_agrees_with_the_timeline_on_every_day(
    edits: list[tuple[str, date | None, object]], start: date | None,
    tie_edits: list[tuple[date | None, int, bool]],
) -> None:
    from graph.compact import CompactGraph
    from graph.history import StoredChange, person_key, tie_key
    from graph.stores.versions import map_of_day, updated_chunks

    person = person_timeline(ana(segments=("locality:A",)), start=start)
    for name, on, value in edits:
        person = person.set({name: value}, on=on)
    ben = person_timeline(Person(id="ben", group="system_leaders"), start=None)
    tie = tie_timeline(Relationship(source="ana", target="ben", relational=1), start=start)
    for on, strength, present in tie_edits:
        tie = tie.set({"functional": strength, PRESENT: present}, on=on)
    blobs = updated_chunks([
        StoredChange(person_key("ana"), None, person.to_json()),
        StoredChange(person_key("ben"), None, ben.to_json()),
        StoredChange(tie_key("ana", "ben"), None, tie.to_json()),
    ], lambda kind, chunks: {})

    def read(kind: str, chunks: object) -> dict[int, bytes]:
        return {c: b for (k, c), b in blobs.items() if k == kind and b is not None}

    for n in range(-2, 43):
        d = day(n)
        people = [p for p in (person_at(person, "ana", d), person_at(ben, "ben", d)) if p]
        ties = [t for t in [tie_at(tie, "ana", "ben", d)] if t and len(people) == 2]
        expected = CompactGraph.from_records("x", people, ties)
        got = map_of_day("x", (), read, d)
        assert got.ids == expected.ids, d
        assert [got.person(i) for i in range(got.n)] == [
            expected.person(i) for i in range(expected.n)], d
        assert (got.edge_u.tolist(), got.edge_v.tolist()) == (
            expected.edge_u.tolist(), expected.edge_v.tolist()), d
        for trust in ("relational", "functional", "flow_of_value"):
            assert got.strength[trust].tolist() == expected.strength[trust].tolist(), d
        assert got.edge_since.tolist() == expected.edge_since.tolist(), d
