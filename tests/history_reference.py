"""Plain reference computations for the history tests (a module, so both the contract tests
and the store-specific ones use the same): a random history replayed in a plain model, and the
map of a day rebuilt record by record from the timelines.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import date, timedelta

from graph.analysis import AnalysisOptions, analyse
from graph.compact import CompactGraph
from graph.model import Person, Relationship
from graph.stores.base import GraphStore
from graph.timeline import Timeline, person_at, tie_at
from graph.usecases import Removal, UseCases, map_as_of


def as_of_from_timelines(store: GraphStore, name: str, day: date) -> CompactGraph:
    """The map of ``day`` rebuilt record by record from the timelines (``person_at``,
    ``tie_at``): the plain computation the as-of index must agree with."""
    people: list[Person] = []
    ties: list[Relationship] = []
    expected = store.get_constituency(name).expected_segments
    for record in store.iter_timeline_records(name):
        kind, a, b = record.key
        timeline = Timeline.from_json(record.timeline)
        if kind == "person" and (p := person_at(timeline, a, day)) is not None:
            people.append(p)
        elif kind == "tie" and (t := tie_at(timeline, a, b, day)) is not None:
            ties.append(t)
        elif kind == "map":
            expected = tuple(timeline.value_at("expected_segments", day) or ())
    present = {p.id for p in people}
    return CompactGraph.from_records(
        name, people, [t for t in ties if t.source in present and t.target in present],
        expected)


def random_history(maps: UseCases, rng: random.Random, name: str, start: date,
                   steps: int) -> dict[date, tuple[list[Person], list[Relationship]]]:
    """Apply random changes day by day (and some late corrections); returns what was valid at
    the end of some days, as computed by a plain replay of the same operations."""
    valid_people: dict[str, Person] = {}
    valid_ties: dict[tuple[str, str], Relationship] = {}
    first_joined: dict[str, date] = {}
    snapshots: dict[date, tuple[list[Person], list[Relationship]]] = {}
    ids = [f"p{i}" for i in range(30)]
    engagement = ["unengaged", "aware", "supporting", "contributing", "leading"]
    groups = ["people", "givers_of_service", "system_leaders"]
    day = start
    for step in range(steps):
        day += timedelta(days=rng.randint(1, 20))
        maps.today = day
        action = rng.random()
        if action < 0.35 or len(valid_people) < 3:
            pid = rng.choice(ids)
            old = valid_people.get(pid)
            new = Person(id=pid, group=old.group.value if old else rng.choice(groups),
                         engagement=rng.choice(engagement), formal_power=rng.randint(0, 3),
                         role=rng.choice([None, None, "organiser", "lone_wolf"]),
                         segments=tuple(rng.sample(["locality:A", "locality:B", "community:C"],
                                                   rng.randint(0, 2))))
            maps.save_person(name, new)
            joined = first_joined.setdefault(pid, day)  # coming back keeps the first join
            valid_people[pid] = new.model_copy(update={"joined": joined})
        elif action < 0.45:
            pid = rng.choice(sorted(valid_people))
            maps.remove_person(name, pid, Removal.LEFT)
            del valid_people[pid]
        elif action < 0.8:
            a, b = rng.sample(sorted(valid_people), 2)
            tie = Relationship(source=a, target=b, relational=rng.randint(0, 3),
                               flow_of_value=rng.randint(0, 3), recruited=rng.random() < 0.3)
            maps.save_tie(name, tie)
            old_tie = valid_ties.get((a, b))
            valid_ties[(a, b)] = tie.model_copy(
                update={"since": old_tie.since if old_tie else day})
        elif valid_ties:
            key = rng.choice(sorted(valid_ties))
            if key[0] in valid_people and key[1] in valid_people:
                maps.end_tie(name, *key)
                del valid_ties[key]
        if step % 5 == 4:
            people = sorted(valid_people.values(), key=lambda p: p.id)
            present = {p.id for p in people}
            ties = [t for k, t in sorted(valid_ties.items())
                    if k[0] in present and k[1] in present]
            snapshots[day] = people, ties
    return snapshots


def analysis_json(graph: CompactGraph, day: date) -> str:
    return json.dumps(analyse(graph, AnalysisOptions(as_of=day)).to_dict(), sort_keys=True,
                      default=str)


def assert_index_agrees(store: GraphStore, name: str, days: Iterable[date]) -> None:
    """The map as of each day and the day before, from the as-of index, analyses exactly as
    the map rebuilt from the timelines."""
    for day in days:
        for d in (day, day - timedelta(days=1)):
            assert analysis_json(map_as_of(store, name, d), d) == analysis_json(
                as_of_from_timelines(store, name, d), d), d
