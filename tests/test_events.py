"""Events: what is valid, how they are kept in the map's history (undoable, who and through
what), their bounds, and their effects against a plain reference on a hand-made history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
import pytest
from pydantic import ValidationError

import graph.events
from graph.errors import NotFound
from graph.events import Event, new_event_id
from graph.history import Actor
from graph.limits import LIMITS, LimitExceeded, Limits
from graph.map_settings import MapSettings
from graph.model import Constituency, Engagement, Person, Relationship
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from graph.usecases import InvalidChange, Removal, StaleVersion, UseCases, events_with_effects

TODAY = date(2026, 6, 1)


def _maps(store: GraphStore | None = None, limits: Limits = LIMITS) -> UseCases:
    maps = UseCases(store or SQLiteStore("sqlite:///:memory:"),
                    Actor("lead@example.org", "test"), today=TODAY, limits=limits)
    maps.create_constituency(Constituency(name="bay"))
    for pid in ("ana", "ben", "cat"):
        maps.save_person("bay", Person(id=pid, group="people"), on=date(2025, 1, 1))
    return maps


# -- what an event is ------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "field"), [
    ({"date": "2025-02-30", "name": "x"}, "date"), ({"date": 20250101, "name": "x"}, "date"),
    ({"date": "2025-01-01", "name": " "}, "name"),
    ({"date": "2025-01-01", "name": "x" * 201}, "name"),
    ({"date": "2025-01-01", "name": "a\u202eb"}, "name"),
    ({"date": "2025-01-01", "name": "x", "description": "d" * 2001}, "description"),
    ({"date": "2025-01-01", "name": "x", "kind": "k" * 101}, "kind"),
    ({"date": "2025-01-01", "name": "x", "people": [1]}, "people"),
    ({"date": "2025-01-01", "name": "x", "people": ["  "]}, "people"),
    ({"date": "2025-01-01", "name": "x", "colour": "red"}, "colour"),
])
def test_a_bad_event_is_refused_naming_its_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(values)
    assert [e["loc"][0] for e in caught.value.errors()] == [field]


def test_the_people_of_an_event_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.events, "LIMITS", Limits(people_per_event=2))
    assert Event(date="2025-01-01", name="x", people=["a", "a"]).people == ("a",)
    with pytest.raises(ValidationError, match="MOVEMAP_LIMIT_PEOPLE_PER_EVENT"):
        Event(date="2025-01-01", name="x", people=["a", "b", "c"])


def test_an_id_is_the_day_and_the_name_and_never_repeats_one_taken() -> None:
    event = Event(date="2025-09-29", name="  Café & Chat: Listening!  ")
    assert new_event_id(event, ()) == "2025-09-29-cafe-chat-listening"
    assert new_event_id(event, {"2025-09-29-cafe-chat-listening",
                                "2025-09-29-cafe-chat-listening-2"}).endswith("-3")
    assert len(new_event_id(Event(date="2025-01-01", name="w" * 200), ())) <= 60
    assert new_event_id(Event(date="2025-01-01", name="会议"), ()) == "2025-01-01"


# -- kept in the map's history ---------------------------------------------------------------


def test_events_are_added_changed_and_removed_as_undoable_change_sets(store: GraphStore
                                                                      ) -> None:
    maps = _maps(store)
    workshop = Event(date="2025-03-01", name="Workshop", kind="workshop", people=["ana", "ben"])
    added, saved = maps.add_event("bay", workshop)
    launch, _ = maps.add_event("bay", Event(date="2025-02-01", name="Launch"))
    events, version = maps.events("bay")
    assert [e.id for e in events] == [launch.id, added.id]  # oldest day first
    assert events[1].event == workshop and version is not None
    latest = maps.history("bay")[0]
    assert (latest.by, latest.via) == ("lead@example.org", "test")
    assert latest.summary == f"added the event {launch.id}: Launch"
    assert [c.field for c in latest.changes] == [f"event:{launch.id}"]

    renamed = workshop.model_copy(update={"name": "Community workshop"})
    maps.update_event("bay", added.id, renamed)
    assert maps.events("bay")[0][1].event.name == "Community workshop"  # the same id
    maps.delete_event("bay", launch.id)
    assert [e.id for e in maps.events("bay")[0]] == [added.id]

    maps.undo("bay", maps.history("bay")[0].id)  # the removal, undone
    assert [e.id for e in maps.events("bay")[0]] == [launch.id, added.id]
    assert saved.change_set is not None
    with pytest.raises(Exception, match="changed again"):  # renamed since it was added
        maps.undo("bay", saved.change_set)


def test_undoing_one_event_leaves_the_others() -> None:
    maps = _maps()
    _, first = maps.add_event("bay", Event(date="2025-03-01", name="One"))
    second, _ = maps.add_event("bay", Event(date="2025-03-02", name="Two"))
    assert first.change_set is not None
    maps.undo("bay", first.change_set)
    assert [e.id for e in maps.events("bay")[0]] == [second.id]


def test_settings_and_events_share_the_record_without_touching_each_other() -> None:
    maps = _maps()
    added, _ = maps.add_event("bay", Event(date="2025-03-01", name="One"))
    maps.set_settings("bay", MapSettings(event_window_days=30, steps=2))
    assert maps.settings("bay")[0].event_window_days == 30
    assert [e.id for e in maps.events("bay")[0]] == [added.id]


def test_unknown_people_a_day_to_come_and_unknown_events_are_refused() -> None:
    maps = _maps()
    with pytest.raises(InvalidChange, match="'zed', 'yan'") as caught:
        maps.add_event("bay", Event(date="2025-03-01", name="x", people=["ana", "zed", "yan"]))
    assert caught.value.field == "people"
    with pytest.raises(InvalidChange, match="after today") as caught:
        maps.add_event("bay", Event(date=TODAY + timedelta(days=1), name="x"))
    assert caught.value.field == "date"
    for missing in ("2025-03-01-x", "NOT AN ID", "x" * 500):
        with pytest.raises(NotFound, match="no event"):
            maps.delete_event("bay", missing)
    with pytest.raises(NotFound):
        maps.add_event("elsewhere", Event(date="2025-03-01", name="x"))
    assert maps.events("bay")[0] == []


def test_a_stale_version_is_refused_and_the_events_per_map_are_bounded() -> None:
    maps = _maps(limits=Limits(events_per_map=2))
    _, version = maps.events("bay")
    maps.add_event("bay", Event(date="2025-03-01", name="One"), if_version=version)
    with pytest.raises(StaleVersion):
        maps.add_event("bay", Event(date="2025-03-01", name="Two"), if_version=version)
    maps.add_event("bay", Event(date="2025-03-01", name="Two"))
    with pytest.raises(LimitExceeded, match="MOVEMAP_LIMIT_EVENTS_PER_MAP"):
        maps.add_event("bay", Event(date="2025-03-01", name="Three"))
    assert len(maps.events("bay")[0]) == 2


# -- effects against a plain reference -------------------------------------------------------


@dataclass
class _History:
    """A made-up history, kept here as plain lists to compute the reference from."""

    joined: dict[str, date]
    left: dict[str, date]
    ladder: dict[str, list[tuple[date, int]]]  # (from day, rank), ascending
    ties: list[tuple[str, str, date]]

    def present(self, pid: str, day: date) -> bool:
        return self.joined[pid] <= day and not (pid in self.left and self.left[pid] <= day)

    def rank(self, pid: str, day: date) -> int:
        return max((r for d, r in self.ladder[pid] if d <= day), default=self.ladder[pid][0][1])


_LEVELS = tuple(Engagement)


def _history(seed: int, maps: UseCases) -> _History:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    h = _History({}, {}, {}, [])
    for pid in ("ana", "ben", "cat"):  # as _maps made them
        h.joined[pid], h.ladder[pid] = start, [(start, 0)]
    for k in range(40):
        pid = f"q{k:02d}"
        joined = start + timedelta(days=rng.randint(0, 400))
        first = rng.choice((0, 0, 1, 2, 3))
        h.joined[pid], h.ladder[pid] = joined, [(joined, first)]
        maps.save_person("bay", Person(id=pid, group=rng.choice(("people", "system_leaders")),
                                       engagement=_LEVELS[first], joined=joined), on=joined)
        rank, day = first, joined
        for _ in range(rng.randint(0, 2)):
            day += timedelta(days=rng.randint(10, 120))
            if day > TODAY or rank == 4:
                break
            rank += 1
            h.ladder[pid].append((day, rank))
            maps.save_person("bay", Person(id=pid, group="people", engagement=_LEVELS[rank]),
                             on=day)
        if rng.random() < 0.1 and day + timedelta(days=30) < TODAY:
            h.left[pid] = day + timedelta(days=30)
            maps.remove_person("bay", pid, Removal.LEFT, on=h.left[pid])
    ids = sorted(h.joined)
    for _ in range(70):
        a, b = rng.sample(ids, 2)
        if any({a, b} == {x, y} for x, y, _d in h.ties):
            continue
        since = max(h.joined[a], h.joined[b]) + timedelta(days=rng.randint(0, 60))
        if since > TODAY or any(h.left.get(p, TODAY) <= since for p in (a, b)):
            continue
        h.ties.append((a, b, since))
        maps.save_tie("bay", Relationship(source=a, target=b, since=since), on=since)
    return h


def _reference(h: _History, day: date, steps: int) -> tuple[set[str], int, int, float]:
    """Present, contributing or above, core size and reach on ``day``, by networkx."""
    present = {p for p in h.joined if h.present(p, day)}
    g = nx.Graph()
    g.add_nodes_from(present)
    g.add_edges_from((a, b) for a, b, since in h.ties if since <= day and a in present
                     and b in present)
    core = {p for p in present if h.rank(p, day) == 4}
    outside = present - core
    reached = {n for c in core for n, d in
               nx.single_source_shortest_path_length(g, c, cutoff=steps).items()} & outside
    reach = len(reached) / len(outside) if outside else (1.0 if present else 0.0)
    return present, sum(1 for p in present if h.rank(p, day) >= 3), len(core), reach


@pytest.mark.parametrize(("seed", "steps", "window"), [(1, 1, 60), (2, 2, 30), (3, 3, 90)])
def test_effects_match_a_plain_reference_on_a_made_up_history(seed: int, steps: int,
                                                               window: int) -> None:
    maps = _maps()
    h = _history(seed, maps)
    maps.set_settings("bay", MapSettings(steps=steps, event_window_days=window))
    rng = random.Random(seed)
    days = [date(2025, 1, 1) + timedelta(days=rng.randint(0, 500)) for _ in range(4)]
    days.append(TODAY - timedelta(days=5))  # a window after that has not ended yet
    for k, day in enumerate(days):
        there = sorted(p for p in h.joined if h.present(p, day))
        taking_part = rng.sample(there, min(6, len(there))) + ["ana"]
        maps.add_event("bay", Event(date=day, name=f"Event {k}", people=taking_part))

    found = events_with_effects(maps.store, "bay", TODAY)
    assert sorted(e.event.date for e, _ in found) == sorted(days)
    for event, effects in found:
        day = event.event.date
        start, end = day - timedelta(days=window), min(day + timedelta(days=window), TODAY)
        ref = {d: _reference(h, d, steps) for d in (start, day, end)}
        assert effects.joiners_before == len(ref[day][0] - ref[start][0])
        assert effects.joiners_after == len(ref[end][0] - ref[day][0])
        for standing, d in ((effects.start, start), (effects.on_day, day), (effects.end, end)):
            assert (standing.day, standing.people, standing.contributing_or_above,
                    standing.core) == (d, len(ref[d][0]), ref[d][1], ref[d][2])
            assert standing.reach == pytest.approx(ref[d][3])
        assert effects.complete == (day + timedelta(days=window) <= TODAY)
        in_map = [p for p in event.event.people if p in ref[day][0]]
        moved = [p for p in in_map if h.present(p, end)
                 and h.rank(p, end) > h.rank(p, day)]
        assert (effects.participants, effects.participants_in_map,
                effects.participants_moved_up) == (len(event.event.people), len(in_map),
                                                   len(moved))


def test_effects_are_worded_as_an_association_never_a_cause() -> None:
    maps = _maps()
    maps.save_person("bay", Person(id="dee", group="people"), on=date(2025, 4, 10))
    maps.save_person("bay", Person(id="eve", group="people"), on=date(2025, 4, 20))
    maps.save_person("bay", Person(id="fay", group="people"), on=date(2025, 2, 20))
    maps.add_event("bay", Event(date="2025-04-01", name="Workshop", people=["ana"]))
    (_, effects), = events_with_effects(maps.store, "bay", TODAY)
    sentences = effects.to_dict()["sentences"]
    assert sentences[0] == ("Joiners in the 60 days after were 2× those in the 60 days before "
                            "(2 against 1).")
    assert "do not show that it caused" in sentences[-1]
    assert not any("because" in s or "caused by" in s for s in sentences)


def test_a_copy_of_the_map_takes_its_events_along() -> None:
    from graph.stores.copy import copy_constituencies

    maps = _maps()
    added, _ = maps.add_event("bay", Event(date="2025-03-01", name="One", people=["ana"]))
    target = SQLiteStore("sqlite:///:memory:")
    copy_constituencies(maps.store, target)
    copied = UseCases(target, Actor("lead@example.org", "test"), today=TODAY)
    assert copied.events("bay")[0] == [added]
