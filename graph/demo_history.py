"""Two believable years of history for the demo map, as dated snapshots and a few edits.

Pure: the demo's final map in, ``DemoHistory`` out; ``movemap demo`` records it through the use
cases, so every page has something to show: the story the demo's dates tell
(``graph.demo_story``: a slow start, a celebrity recruiter, organisers whose recruits recruit),
people moving up the ladder, a workshop (recorded as an event, with the people who took part)
after which a wave joins and most of those who took part move up, a few people leaving, ties
forming and some ending, a late correction and an edit made by mistake and undone. The last
snapshot is the demo map itself, so the map today is exactly ``demo_constituency``'s.

Example:
    >>> from graph.demo import demo_constituency
    >>> _, people, ties = demo_constituency(size=200)
    >>> history = demo_history(people, ties, as_of=date(2026, 6, 30))
    >>> len(history.snapshots), history.workshop, history.workshop_event.name
    (10, datetime.date(2025, 9, 29), 'Community workshop: what matters to us')
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph.demo_story import WAVE_DAYS, workshop_day
from graph.events import Event
from graph.model import Engagement, Person, Relationship, Role

__all__ = ["DemoHistory", "Snapshot", "demo_history"]

QUARTERS = 8
"""Snapshots a quarter apart before today's map: two years (and one after the workshop)."""

_LADDER = tuple(Engagement)
AFTER_WORKSHOP = WAVE_DAYS * 3 // 4
"""A snapshot this many days after the workshop records who moved up in the weeks after it
(the quarter's end comes after the event's window)."""


@dataclass(frozen=True)
class Snapshot:
    """The map as it stood on ``on``: who was in it and the ties between them."""

    on: date
    people: list[Person]
    ties: list[Relationship]


@dataclass(frozen=True)
class DemoHistory:
    """The snapshots, oldest first (the last is today's map), and the edits made after them:
    a late correction (``correction``: a person and the day they really moved up) and an edit
    made by mistake (``mistake``: the wrong person as saved, then undone); the workshop as
    the event to record (``workshop_event``)."""

    snapshots: list[Snapshot]
    workshop: date
    workshop_event: Event
    correction: tuple[Person, date] | None = None
    mistake: Person | None = None
    leavers: list[str] = field(default_factory=list)


def _quarter_ends(as_of: date) -> list[date]:
    return [as_of - timedelta(days=round(91.3 * k)) for k in range(QUARTERS, 0, -1)]


def demo_history(people: list[Person], ties: list[Relationship], *, as_of: date,
                 seed: int = 7) -> DemoHistory:
    """The history leading to the demo map ``people``/``ties`` on ``as_of``."""
    rng = random.Random(seed * 7919 + len(people))
    workshop = workshop_day(as_of)
    days = sorted({*_quarter_ends(as_of), workshop + timedelta(days=AFTER_WORKSHOP)})
    start = days[0]
    span = (as_of - start).days

    # when each person reached each rung of the ladder: engaged people climbed to where they
    # are now, most of the core right after the workshop
    climbs: dict[str, list[tuple[date, int]]] = {}
    for p in people:
        top = p.engagement.rank
        first = max(0, top - rng.randint(0, 2))
        joined = max(p.joined or start, start)
        steps = [(joined, first)]
        for rank in range(first + 1, top + 1):
            if p.in_core and rank == top and rng.random() < 0.7:
                when = workshop + timedelta(days=rng.randint(1, 40))
            else:
                when = joined + timedelta(days=rng.randint(1, max(1, (as_of - joined).days)))
            steps.append((min(max(when, steps[-1][0]), as_of), rank))
        climbs[p.id] = steps

    taking_part = _workshop_people(people, climbs, workshop, rng)

    def rank_on(pid: str, day: date) -> int:
        rank = climbs[pid][0][1]
        for when, value in climbs[pid]:
            if when <= day:
                rank = value
        return rank

    # a few people who came and went, each tied to someone who stayed
    stayers = [p for p in people if p.joined is None or p.joined <= start]
    leavers: list[tuple[Person, date, date]] = []
    gone_ties: list[tuple[Relationship, date]] = []
    for k in range(max(2, len(people) // 60)):
        base = rng.choice(stayers)
        came = start + timedelta(days=rng.randint(0, span // 2))
        went = came + timedelta(days=rng.randint(60, span // 2))
        leaver = Person(id=f"x{k + 1:03d}", name=f"{base.name.split(' ')[0]} (moved away)",
                        group=base.group, segments=base.segments[:1],
                        engagement=Engagement.SUPPORTING,
                        joined=came)
        leavers.append((leaver, came, went))
        gone_ties.append((Relationship(source=base.id, target=leaver.id, relational=2,
                                       since=came), went))
    # and some ties between people who stayed that ended along the way
    for _ in range(max(3, len(ties) // 50)):
        a, b = rng.sample(stayers, 2)
        formed = start + timedelta(days=rng.randint(0, span // 2))
        gone_ties.append((Relationship(source=a.id, target=b.id, functional=1, since=formed),
                          formed + timedelta(days=rng.randint(45, span // 2))))
    known = {t.key for t in ties}
    gone_ties = [(t, end) for t, end in gone_ties if t.key not in known and
                 (t.target, t.source) not in known]

    snapshots: list[Snapshot] = []
    for day in days:
        present = {p.id for p in people if p.joined is None or p.joined <= day}
        now = [
            p.model_copy(update={
                "engagement": _LADDER[rank_on(p.id, day)],
                "role": p.role if rank_on(p.id, day) == p.engagement.rank else None,
            }) for p in people if p.id in present
        ]
        now += [leaver for leaver, came, went in leavers if came <= day < went]
        present |= {leaver.id for leaver, came, went in leavers if came <= day < went}
        links = [t for t in ties if (t.since is None or t.since <= day)
                 and t.source in present and t.target in present]
        links += [t for t, end in gone_ties if (t.since is None or t.since <= day) and day < end
                  and t.source in present and t.target in present]
        snapshots.append(Snapshot(day, now, links))
    snapshots.append(Snapshot(as_of, list(people), list(ties)))

    climbers = [p for p in people if len(climbs[p.id]) > 1 and not p.in_core]
    correction = None
    if climbers:
        who = climbers[0]
        when = max(climbs[who.id][-1][0] - timedelta(days=30), climbs[who.id][0][0])
        correction = (who, when)
    mistake = next((p.model_copy(update={"formal_power": 3}) for p in people
                    if p.formal_power == 0 and p.group.value == "people"), None)
    event = Event(date=workshop, name="Community workshop: what matters to us",
                  kind="workshop", people=tuple(taking_part),
                  description="Patients, carers, staff and leaders told each other why the "
                              "change matters to them, then planned what to do next together.")
    return DemoHistory(snapshots, workshop, event, correction, mistake,
                       [leaver.id for leaver, _c, _w in leavers])


def _workshop_people(people: list[Person], climbs: dict[str, list[tuple[date, int]]],
                     workshop: date, rng: random.Random) -> list[str]:
    """Who took part in the workshop: the organisers and people in the map that day, most of
    whom move up the ladder in the weeks after (their next climb is moved there)."""
    there = [p for p in people if (p.joined or workshop) <= workshop]
    organisers = [p.id for p in there if p.role is Role.ORGANISER]
    climbing = [p.id for p in there if p.id not in organisers
                and any(when > workshop for when, _rank in climbs[p.id])]
    staying = [p.id for p in there if p.id not in organisers and p.id not in climbing]
    wanted = max(8, round(len(people) * 0.03))
    chosen = rng.sample(climbing, min(len(climbing), wanted * 3 // 4))
    chosen += rng.sample(staying, min(len(staying), wanted - len(chosen)))
    for pid in chosen:
        steps = climbs[pid]
        k = next((k for k, (when, _r) in enumerate(steps) if when > workshop), None)
        if k is not None:
            when = workshop + timedelta(days=rng.randint(3, AFTER_WORKSHOP - 5))
            if k + 1 < len(steps):
                when = min(when, steps[k + 1][0])
            steps[k] = (when, steps[k][1])
    return sorted([*organisers, *chosen])
