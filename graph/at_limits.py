"""A map with every record at its limits: the most text and the most gaps ``graph.limits``
allows per person, for the tests and the benchmark of what the limits bound.

Each person has a name and an organisation of ``text_length`` characters and
``segments_per_person`` segments of ``text_length`` characters, drawn from exactly
``segments_per_map`` distinct segments; the map expects ``expected_segments`` segments, half of
them held by nobody; five ties each. ``plain=True`` gives the same people and ties with short
texts and one segment each, to compare against.
"""

from __future__ import annotations

import random

from graph.history import Actor
from graph.limits import LIMITS, Limits
from graph.model import Constituency, Engagement, Group, Person, Relationship
from graph.stores.base import GraphStore
from graph.usecases import UseCases

__all__ = ["at_record_limits", "record_limit_people"]

_GROUPS = tuple(Group)


def _text(prefix: str, i: int, length: int) -> str:
    head = f"{prefix}{i}-"
    return head + "x" * (length - len(head))


def record_limit_people(people: int, limits: Limits = LIMITS, *, plain: bool = False,
                        seed: int = 1) -> tuple[list[Person], list[Relationship]]:
    """``people`` people with every list and text at its limit (``plain``: the same people
    and ties with short names and one segment), and five ties each."""
    rng = random.Random(seed)
    pool = [_text(f"community:c{k % 7}", k, limits.text_length)
            for k in range(limits.segments_per_map)]
    found: list[Person] = []
    for i in range(people):
        start = (i * limits.segments_per_person) % len(pool)
        segments = ([f"community:c{i % 7}"] if plain else
                    [pool[(start + j) % len(pool)] for j in range(limits.segments_per_person)])
        found.append(Person(
            id=f"p{i:06d}",
            name=f"Person {i}" if plain else _text("Name ", i, limits.text_length),
            organisation="" if plain else _text("Org ", i, limits.text_length),
            group=_GROUPS[i % 3], segments=tuple(segments),
            engagement=(Engagement.LEADING if i % 40 == 0 else Engagement.CONTRIBUTING
                        if i % 7 == 0 else Engagement.AWARE),
        ))
    ties: dict[tuple[int, int], Relationship] = {}
    for i in range(people):
        for _ in range(5):
            j = rng.randrange(people)
            if j != i:
                a, b = min(i, j), max(i, j)
                ties[(a, b)] = Relationship(source=f"p{a:06d}", target=f"p{b:06d}",
                                            relational=1 + (a + b) % 3, flow_of_value=(a * b) % 2)
    return found, list(ties.values())


def at_record_limits(store: GraphStore, name: str, people: int, limits: Limits = LIMITS, *,
                     plain: bool = False) -> None:
    """Create ``name`` with ``record_limit_people`` and its expected segments at their limit
    (half of them held by nobody), through the one write path."""
    cases = UseCases(store, Actor("bench", "bench"), limits=limits)
    held = [_text(f"community:c{k % 7}", k, limits.text_length)
            for k in range(limits.expected_segments // 2)]
    missing = [_text("locality:nowhere", k, limits.text_length)
               for k in range(limits.expected_segments - len(held))]
    expected = () if plain else (*held, *missing)
    cases.create_constituency(Constituency(name=name, expected_segments=expected))
    found, ties = record_limit_people(people, limits, plain=plain)
    cases.import_records(name, found, ties)
