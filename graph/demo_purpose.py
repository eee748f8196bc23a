"""The demo's shared purpose: three versions made over three rounds, recorded through the use
cases like any real one (so it is all in the history, undoable).

The story: a first round heard mostly from givers of service, and its prototype read like a
service's target ("we will provide … by April … within 24 hours"); people who use the service
could not live with it yet. A second round brought more of them in, and a second version spoke
of what people share; a third round made it good enough and current. Two aims sit under it, and
two personas (Esther, who lives alone, and Sam, a ward nurse) help ask "what would they want?".
The contributions stay lopsided towards givers of service, as real ones often are, so the
board's ``group_imbalance`` warning shows.

Example:
    >>> from datetime import date
    >>> plan = demo_purpose_plan(["g1", "g2", "g3", "g4"], ["p1", "p2"], ["s1"],
    ...                          as_of=date(2026, 6, 1), seed=1)
    >>> len(plan.rounds), len(plan.versions), len(plan.aims)
    (3, 3, 2)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from graph.model import Group, Person
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Round,
    SharedKind,
    Statement,
    StatementStatus,
    StatementVersion,
    Theme,
)

if TYPE_CHECKING:
    from graph.usecases import UseCases

__all__ = ["DemoPurpose", "demo_purpose_plan", "record_demo_purpose"]

_GIVERS = [
    ("purpose", None, "So that nobody stays in a hospital bed a day longer than they need to."),
    ("shared", "story", "I nursed a man who lost his legs' strength waiting three weeks for a "
                        "care package. He never walked again."),
    ("shared", "value", "Everyone deserves to be treated as a person, not a bed number."),
    ("shared", "commonality", "We all want people home with the people they love."),
    ("purpose", None, "We will provide a seamless discharge service for every patient."),
    ("shared", "difference", "Wards want beds freed; therapists want people ready first."),
    ("our", None, "We have left out the care homes and the home care agencies."),
    ("shared", "story", "My mum was in hospital last winter; getting her home took ten days."),
    ("purpose", None, "Getting people moving when they are ready keeps them well."),
    ("shared", "value", "Dignity: dressed, up and moving, not in a gown in bed."),
    ("shared", "commonality", "Nobody wants people to lose their independence in hospital."),
    ("purpose", None, "So that staff have time to care, not to chase paperwork."),
    ("shared", "story", "A porter told me he knows which patients never get visitors."),
    ("shared", "commonality", "Every organisation here says home first; we rarely act as one."),
    ("our", None, "We have left out the voluntary sector that holds people up at home."),
    ("purpose", None, "We will deliver an integrated discharge pathway across the system."),
]
_PEOPLE = [
    ("shared", "story", "After my fall I was in bed for twelve days; I came out unable to "
                        "climb my own stairs."),
    ("purpose", None, "I want to be asked what matters to me before anyone plans my going "
                      "home."),
    ("our", None, "We have left out young carers, who do so much of the looking after."),
    ("shared", "value", "Being listened to, not talked about."),
    ("shared", "difference", "Going home fast matters less to me than going home safely."),
]
_LEADERS = [
    ("purpose", None, "A system where hospital is the exception, home is the rule."),
]
_VERSIONS = [
    (StatementStatus.PROTOTYPE,
     "We will provide a seamless discharge service so that, by 1 April, every patient is "
     "transferred within 24 hours of being fit to leave."),
    (StatementStatus.PROTOTYPE,
     "Every person in a hospital bed gets up, dressed and moving when they are ready, and "
     "goes home to the people they love."),
    (StatementStatus.CURRENT,
     "Everyone in our towns lives well at home with the people they love; when they need a "
     "hospital, they keep moving and go home as soon as they are ready, as they choose."),
]
_OUR = ("People who live with frailty and their carers, the staff and volunteers who look "
        "after them at home and in hospital, and the leaders who resource it.")
_SHARED = ("Dignity and independence; being listened to; home with the people we love; and a "
           "difference we keep working on: going home fast, or going home safely.")


@dataclass
class DemoPurpose:
    """What the demo records, in order: rounds with their contributions, versions, reviews."""

    rounds: list[tuple[Round, list[Contribution]]] = field(default_factory=list)
    versions: list[StatementVersion] = field(default_factory=list)
    reviews: list[list[Review]] = field(default_factory=list)
    aims: list[Aim] = field(default_factory=list)
    personas: list[Persona] = field(default_factory=list)


def _said(item: tuple[str, str | None, str], who: str, day: date, round_id: str
          ) -> Contribution:
    element, kind, text = item
    return Contribution.model_validate({"element": element, "kind": kind, "text": text,
                                        "date": day, "contributor": {"person": who},
                                        "round": round_id})


def demo_purpose_plan(givers: Sequence[str], people: Sequence[str], leaders: Sequence[str],
                      *, as_of: date, seed: int) -> DemoPurpose:
    """The demo's purpose made by people of the three groups (their ids), ending ``as_of``."""
    rng = random.Random(seed)
    plan = DemoPurpose()
    starts = [as_of - timedelta(days=d) for d in (300, 200, 90)]
    said: list[list[tuple[tuple[str, str | None, str], str]]] = [[], [], []]
    for i, item in enumerate(_GIVERS):  # most of them in the first round
        said[0 if i < 9 else 1 if i < 13 else 2].append((item, rng.choice(givers)))
    for i, item in enumerate(_PEOPLE):
        said[0 if i == 0 else 1 if i < 4 else 2].append((item, rng.choice(people)))
    for item in _LEADERS:
        said[1].append((item, rng.choice(leaders)))
    titles = ["Why does getting home matter to you?", "What would make it right for you?",
              "Can you live with this?"]
    for k, start in enumerate(starts):
        rid = f"r{k + 1}"
        rnd = Round(title=titles[k], opens=start,
                    closes=start + timedelta(days=21) if k < 2 else None)
        plan.rounds.append((rnd, [_said(item, who, start + timedelta(days=1 + j % 14), rid)
                                  for j, (item, who) in enumerate(said[k])]))
    drafters = [[*givers[:3], leaders[0]], [givers[0], givers[3 % len(givers)], people[0],
                                            leaders[0]],
                [givers[0], people[0], people[1 % len(people)], leaders[0]]]
    for k, (status, purpose) in enumerate(_VERSIONS):
        plan.versions.append(StatementVersion.model_validate({
            "status": status, "our": _OUR if k else "", "shared": _SHARED if k else "",
            "purpose": purpose, "round": f"r{k + 1}", "date": starts[k] + timedelta(days=25),
            "drafted_by": [{"person": p} for p in dict.fromkeys(drafters[k])]}))
    reviewers = [*people[:4], *givers[4:7], *leaders[1:2]]
    answers: list[list[tuple[str, str]]] = [
        [("cannot_yet", "It is about the service's targets, not about us.")] * 4
        + [("can_live_with", "")] * 4,
        [("can_live_with", "")] * 6 + [("cannot_yet", "It says nothing about carers.")] * 2,
        [("can_live_with", "")] * 8,
    ]
    for k in range(3):
        day = starts[k] + timedelta(days=30)
        plan.reviews.append([Review.model_validate({
            "version": f"s1-v{k + 1}", "reviewer": {"person": who}, "answer": answer,
            "reason": reason, "date": day}) for who, (answer, reason) in zip(
                reviewers, answers[k], strict=False)])
    plan.aims = [
        Aim(what="People fit to leave hospital go home the same day", for_whom="people in "
            "our hospital beds", how_much="9 in 10", by_when=as_of + timedelta(days=180),
            how_measured="the daily discharge log", statement="s1"),
        Aim.model_validate({"what": "Everyone in a bed is up, dressed and moving each day",
                            "for_whom": "people staying more than two days",
                            "how_much": "every ward", "by_when": as_of + timedelta(days=120),
                            "how_measured": "a weekly ward audit", "statement": "s1"}),
    ]
    plan.personas = [
        Persona.model_validate({
            "name": "Esther", "group": Group.PEOPLE,
            "story": "88, lives alone above the shop she ran for forty years; a fall last "
                     "winter kept her in hospital for three weeks.",
            "what_matters": "Her own stairs, her cat, and being asked rather than told."}),
        Persona.model_validate({
            "name": "Sam", "group": Group.GIVERS_OF_SERVICE,
            "story": "A ward nurse for twelve years who spends more time chasing care "
                     "packages than caring.",
            "what_matters": "Time with patients, and seeing them leave stronger."}),
    ]
    return plan


def _themes(cases: UseCases, name: str) -> int:
    """A theme that unites (the commonalities and values) and one that differs."""
    said = cases.purpose.state(name).contributions
    unites = [cid for cid, c in said.items() if c.kind in (SharedKind.COMMONALITY,
                                                          SharedKind.VALUE)]
    differs = [cid for cid, c in said.items() if c.kind is SharedKind.DIFFERENCE]
    cases.purpose.add_theme(name, Theme.model_validate({
        "title": "Home, with dignity, with the people we love", "mark": "unites",
        "contributions": unites}))
    cases.purpose.add_theme(name, Theme.model_validate({
        "title": "Going home fast, or going home safely", "mark": "differs",
        "contributions": differs}))
    return 2


def record_demo_purpose(cases: UseCases, name: str, people: Sequence[Person], *,
                        seed: int) -> int:
    """Record the demo's purpose for the map ``name`` through the use cases (as of
    ``cases.today``), from the people in it today; returns how many items were recorded."""
    by_group: dict[Group, list[str]] = {g: [] for g in Group}
    for person in sorted(people, key=lambda p: p.id):
        if person.left is None or person.left > cases.today:
            by_group[person.group].append(person.id)
    plan = demo_purpose_plan(by_group[Group.GIVERS_OF_SERVICE], by_group[Group.PEOPLE],
                             by_group[Group.SYSTEM_LEADERS], as_of=cases.today, seed=seed)
    purpose = cases.purpose
    count = 0
    sid = purpose.add_statement(name, Statement(title="Home first"))
    previous: str | None = None
    for k, (rnd, contributions) in enumerate(plan.rounds):
        rid = purpose.open_round(name, rnd)
        made = [purpose.add_contribution(name, c) for c in contributions]
        if previous is not None:  # the new version replaces the last prototype
            purpose.set_version_status(name, previous, StatementStatus.RETIRED)
        previous = purpose.add_version(name, sid, plan.versions[k].model_copy(
            update={"from_contributions": tuple(made)}))
        for review in plan.reviews[k]:
            purpose.review(name, review)
        if rnd.closes is not None:
            purpose.close_round(name, rid, on=rnd.closes)
        count += 2 + len(contributions) + len(plan.reviews[k])
        if k == 1:  # the lead groups what the first two rounds said
            count += _themes(cases, name)
    for aim in plan.aims:
        purpose.add_aim(name, aim)
    for persona in plan.personas:
        purpose.add_persona(name, persona)
    return count + 1 + len(plan.aims) + len(plan.personas)
