"""The demo's last two years as a story a growth page can tell: when people joined, and who
brought them in.

``demo_constituency`` makes the people and ties, then dates them here so that the two years
before ``as_of`` read as a movement growing:

1. a slow start: few people join in the first quarters, more each quarter after;
2. a celebrity recruiter early on: one mobiliser brings many people in during the first year,
   and most of them go no further up the ladder;
3. a workshop (``workshop_day``, an event of the demo's history) after which a wave of people
   joins;
4. organisers spreading leadership: the people organisers grew join in the first year, and
   their own recruits, the second generation, join in the second.

Only dates change here, and which of the celebrity's existing ties record that they brought
the other in; a recruiting tie's ``since`` is the day the recruit joined, and a recruit never
joins before their recruiter. Draws come from their own random stream, so the people and ties
are those the seed always made.

Example:
    >>> from datetime import date
    >>> workshop_day(date(2026, 6, 30)), story_start(date(2026, 6, 30))
    (datetime.date(2025, 9, 29), datetime.date(2024, 6, 30))
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.demo import _Builder

__all__ = ["STORY_DAYS", "WORKSHOP_DAYS_AGO", "WAVE_DAYS", "story_start", "tell_story",
           "workshop_day"]

STORY_DAYS = 730
"""The story covers the two years before the demo's today."""
WORKSHOP_DAYS_AGO = 274
"""The workshop was about nine months before today, early in the second year."""
WAVE_DAYS = 60
"""The wave of joiners comes in this many days after the workshop."""


def story_start(as_of: date) -> date:
    return as_of - timedelta(days=STORY_DAYS)


def workshop_day(as_of: date) -> date:
    return as_of - timedelta(days=WORKSHOP_DAYS_AGO)


def _day(start: date, low: int, high: int, rng: random.Random, last: date) -> date:
    return min(start + timedelta(days=rng.randint(low, high)), last)


def _generations(recruits: dict[int, list[int]]) -> dict[int, int]:
    """How many recruitments from a first recruiter (one nobody recruited) each recruit is."""
    recruited = {r for rs in recruits.values() for r in rs}
    depth: dict[int, int] = {}
    frontier = [(root, 0) for root in sorted(recruits) if root not in recruited]
    while frontier:
        person, d = frontier.pop()
        for r in recruits.get(person, ()):
            if r not in depth:
                depth[r] = d + 1
                frontier.append((r, d + 1))
    return depth


def tell_story(b: _Builder, celebrity: int, seed: int) -> None:
    """Date the people and ties of ``b`` so that its last two years tell the story."""
    rng = random.Random(seed * 7919 + b.size * 31 + 1)
    start, workshop, today = story_start(b.as_of), workshop_day(b.as_of), b.as_of
    specs, ties = b.specs, b.ties
    recruits: dict[int, list[int]] = {}
    for t in ties.values():
        if t.recruited:
            recruits.setdefault(t.source, []).append(t.target)
    in_chains = set(recruits) | {r for rs in recruits.values() for r in rs}
    depth = _generations(recruits)

    # organisers' recruits: the first generation joins in the first year, the next later
    for person in sorted(depth, key=lambda p: (depth[p], p)):
        s = specs[person]
        s.joined = (_day(start, 20, 330, rng, today) if depth[person] == 1
                    else _day(start, 390, STORY_DAYS - 20, rng, today))

    # the celebrity brings many people in during the first year
    neighbours = sorted(x for key in ties if celebrity in key for x in key
                        if x != celebrity and x not in in_chains and not specs[x].in_core
                        and specs[x].kind == "general" and specs[x].joined is not None)
    wanted = max(6, round(b.size * 0.04))
    engaged = [x for x in neighbours if specs[x].engaged]
    followers = rng.sample(engaged, min(len(engaged), b.size // 800))  # one goes further
    rest = [x for x in neighbours if not specs[x].engaged]
    followers += rng.sample(rest, min(len(rest), wanted - len(followers)))
    for person in followers:
        specs[person].joined = _day(start, 60, 330, rng, today)
        key = (celebrity, person) if celebrity < person else (person, celebrity)
        tie = ties[key]
        tie.source, tie.target, tie.recruited = celebrity, person, True
        recruits.setdefault(celebrity, []).append(person)
    placed = in_chains | set(followers) | {celebrity}

    # everyone else who joined in the two years: a slow start, then more each quarter
    free = {i: s.joined for i, s in enumerate(specs)
            if i not in placed and s.joined is not None and s.joined > start}
    for i, joined in free.items():
        share = (joined - start).days / STORY_DAYS
        specs[i].joined = start + timedelta(days=max(1, round(STORY_DAYS * math.sqrt(share))))
    # and a wave after the workshop: some who would have come later came then
    later = [i for i in free if specs[i].kind == "general" and not specs[i].in_core
             and (specs[i].joined or start) > workshop + timedelta(days=WAVE_DAYS)]
    for i in rng.sample(later, min(len(later), max(6, round(b.size * 0.05)))):
        specs[i].joined = _day(workshop, 1, WAVE_DAYS, rng, today)

    _keep_order(b, recruits)


def _keep_order(b: _Builder, recruits: dict[int, list[int]]) -> None:
    """No recruit joins before their recruiter; every tie starts once both ends are there,
    a recruiting tie on the day the recruit joined."""
    specs = b.specs
    for recruiter in _top_down(recruits):
        for r in recruits.get(recruiter, ()):
            mine, theirs = specs[r].joined, specs[recruiter].joined
            if mine is not None and theirs is not None and mine < theirs:
                specs[r].joined = theirs
    for t in b.ties.values():
        ends = [d for d in (specs[t.source].joined, specs[t.target].joined) if d is not None]
        if t.recruited and specs[t.target].joined is not None:
            t.since = specs[t.target].joined
        elif t.since is not None and ends:
            t.since = max(t.since, *ends)


def _top_down(recruits: dict[int, list[int]]) -> Iterable[int]:
    """Recruiters, each after whoever recruited them."""
    depth = _generations(recruits)
    return sorted(recruits, key=lambda p: (depth.get(p, 0), p))
