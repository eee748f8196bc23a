"""Limits (graph.limits): every list and text, a map's people and ties, a request's body; each
refused at once, naming the limit and its setting, with nothing written."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.errors import ImportFailed
from graph.history import Actor
from graph.importer import import_csv, load_csv_pair
from graph.limits import LIMITS, LimitExceeded, Limits
from graph.model import Constituency, Person, Relationship
from graph.stores.base import open_store
from graph.usecases import Removal, UseCases

TODAY = date(2026, 6, 1)


def test_limits_come_from_the_environment_and_a_bad_value_is_refused() -> None:
    limits = Limits.from_env({"MOVEMAP_LIMIT_PEOPLE_PER_MAP": "1_000",
                              "MOVEMAP_LIMIT_BODY_BYTES": " 4096 "})
    assert (limits.people_per_map, limits.body_bytes) == (1000, 4096)
    assert limits.ties_per_map == Limits().ties_per_map
    for bad in ("0", "-5", "lots", "1.5"):
        with pytest.raises(ValueError, match="MOVEMAP_LIMIT_TIES_PER_MAP"):
            Limits.from_env({"MOVEMAP_LIMIT_TIES_PER_MAP": bad})


def test_a_person_with_too_many_segments_is_refused_naming_the_setting() -> None:
    allowed = [f"locality:L{i}" for i in range(LIMITS.segments_per_person)]
    assert len(Person(id="a", group="people", segments=allowed).segments) == len(allowed)
    with pytest.raises(ValidationError, match="MOVEMAP_LIMIT_SEGMENTS_PER_PERSON"):
        Person(id="a", group="people", segments=[*allowed, "locality:one more"])


def test_four_million_segments_are_refused_before_any_is_read() -> None:
    huge = ["x"] * 4_000_000
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="got 4,000,000"):
        Person(id="a", group="people", segments=huge)
    with pytest.raises(ValidationError, match="other_groups"):
        Person(id="a", group="people", other_groups=["people"] * 4_000_000)
    with pytest.raises(ValidationError, match="MOVEMAP_LIMIT_EXPECTED_SEGMENTS"):
        Constituency(name="bay", expected_segments=huge)
    assert time.perf_counter() - started < 5  # refused at the count, not item by item


def test_a_file_row_with_too_many_segments_names_its_line_and_column(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    ties = tmp_path / "relationships.csv"
    many = ";".join(f"locality:L{i}" for i in range(LIMITS.segments_per_person + 1))
    people.write_text(f"id,group,segments\na,people,locality:A\nb,people,{many}\n")
    ties.write_text("source,target\n")
    with pytest.raises(ImportFailed) as failed:
        load_csv_pair(people, ties)
    (problem,) = failed.value.problems
    assert (problem.line, problem.column) == (3, "segments")
    assert "MOVEMAP_LIMIT_SEGMENTS_PER_PERSON" in problem.reason
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")  # the streaming import says the same
    try:
        with pytest.raises(ImportFailed) as streamed:
            import_csv(store, "bay", people, ties)
        assert [(p.line, p.column) for p in streamed.value.problems] == [(3, "segments")]
    finally:
        store.close()


@pytest.fixture
def small(tmp_path: Path) -> UseCases:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    maps = UseCases(store, Actor("lead", "test"), today=TODAY,
                    limits=Limits(people_per_map=3, ties_per_map=2))
    maps.create_constituency(Constituency(name="bay"))
    return maps


def test_a_map_at_its_people_limit_refuses_one_more_and_writes_nothing(small: UseCases) -> None:
    for pid in ("a", "b", "c"):
        small.save_person("bay", Person(id=pid, group="people"))
    count = len(small.history("bay"))
    with pytest.raises(LimitExceeded, match=r"people in the map: 4 is over the limit of 3 "
                       r"\(MOVEMAP_LIMIT_PEOPLE_PER_MAP\)"):
        small.save_person("bay", Person(id="d", group="people"))
    with pytest.raises(LimitExceeded, match="MOVEMAP_LIMIT_PEOPLE_PER_MAP"):
        small.import_records("bay", [Person(id="e", group="people")], [])
    assert len(small.history("bay")) == count
    assert small.store.person_ids("bay") == {"a", "b", "c"}
    small.save_person("bay", Person(id="a", group="people", engagement="leading"))  # an edit
    small.remove_person("bay", "c", Removal.LEFT)
    small.save_person("bay", Person(id="d", group="people"))  # room again after a leaver


def test_a_map_at_its_tie_limit_refuses_one_more(small: UseCases) -> None:
    for pid in ("a", "b", "c"):
        small.save_person("bay", Person(id=pid, group="people"))
    small.save_tie("bay", Relationship(source="a", target="b"))
    small.save_tie("bay", Relationship(source="b", target="c"))
    with pytest.raises(LimitExceeded, match="MOVEMAP_LIMIT_TIES_PER_MAP"):
        small.save_tie("bay", Relationship(source="a", target="c"))
    assert len(list(small.store.iter_relationships("bay"))) == 2


def test_a_map_at_its_segment_limit_refuses_a_new_segment_and_writes_nothing(
        tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    maps = UseCases(store, Actor("lead", "test"), today=TODAY,
                    limits=Limits(segments_per_map=3))
    maps.create_constituency(Constituency(name="bay"))
    maps.save_person("bay", Person(id="a", group="people", segments=["locality:A", "service:x"]))
    maps.save_person("bay", Person(id="b", group="people", segments=["locality:B", "service:x"]))
    count = len(maps.history("bay"))
    with pytest.raises(LimitExceeded, match=r"distinct segments among the people of the map: 4 "
                       r"is over the limit of 3 \(MOVEMAP_LIMIT_SEGMENTS_PER_MAP\)"):
        maps.save_person("bay", Person(id="c", group="people", segments=["locality:C"]))
    with pytest.raises(LimitExceeded, match="MOVEMAP_LIMIT_SEGMENTS_PER_MAP"):
        maps.import_records("bay", [Person(id="a", group="people",
                                           segments=["locality:A", "locality:D"])], [])
    assert len(maps.history("bay")) == count
    assert store.person_ids("bay") == {"a", "b"} and store.segment_count("bay") == 3
    assert store.get_person("bay", "a").segments == ("locality:A", "service:x")
    maps.save_person("bay", Person(id="c", group="people", segments=["service:x"]))  # known
    maps.save_person("bay", Person(id="b", group="people", segments=["locality:C"]))  # a swap
    assert store.segment_count("bay") == 3
    store.close()


def test_an_import_over_the_limit_into_a_new_map_leaves_no_map(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        maps = UseCases(store, Actor("lead", "test"), today=TODAY,
                        limits=Limits(people_per_map=2))
        people = [Person(id=p, group="people") for p in ("a", "b", "c")]
        with pytest.raises(LimitExceeded):
            maps.import_records("new", people, [])
        assert "new" not in {c.name for c in store.list_constituencies()}
        assert json.dumps([c.name for c in store.list_constituencies()]) == "[]"
    finally:
        store.close()
