"""Who made the purpose: contributions, reviews and drafting by group, power and lived
experience, beside the constituency's own mix. Pure: the map and the purpose in, counts out.

A contributor who is a person in the map counts in their *primary* group (the group the map
gives them first); an account that is not a person in the map, or a person no longer in it,
counts as ``not_in_map`` and in no share. *High formal power* is a formal power of
``HIGH_FORMAL_POWER`` (2) or more on the map's 0–3 scale.

Example:
    >>> from graph.compact import CompactGraph
    >>> from graph.model import Person
    >>> from graph.purpose.model import Contribution
    >>> from graph.purpose.records import PurposeState
    >>> g = CompactGraph.from_records("x", [Person(id="a", group="people"),
    ...                                     Person(id="b", group="givers_of_service")], [])
    >>> state = PurposeState(contributions={"c1": Contribution(
    ...     element="our", text="t", date="2025-01-01", contributor={"person": "b"})})
    >>> purpose_balance(g, state).contributions.shares()["givers_of_service"]
    1.0
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from graph.compact import CompactGraph
from graph.model import GROUPS
from graph.purpose.model import Who
from graph.purpose.records import PurposeState

__all__ = ["HIGH_FORMAL_POWER", "Balance", "GroupCounts", "PowerCounts", "purpose_balance"]

HIGH_FORMAL_POWER = 2
"""Formal power at or above this (0–3) is *high*: positional authority over resources."""


@dataclass(frozen=True)
class GroupCounts:
    """How many of something came from each group (primary groups; ``GROUPS`` order)."""

    counts: tuple[int, ...]
    not_in_map: int = 0

    @property
    def total(self) -> int:
        """Counted in a group (``not_in_map`` aside)."""
        return sum(self.counts)

    def shares(self) -> dict[str, float]:
        """Each group's share of what was counted in a group (0 when nothing was)."""
        total = self.total
        return {g.value: (c / total if total else 0.0) for g, c in zip(GROUPS, self.counts,
                                                                        strict=True)}

    def to_dict(self) -> dict[str, object]:
        return {"counts": {g.value: c for g, c in zip(GROUPS, self.counts, strict=True)},
                "shares": {k: round(v, 4) for k, v in self.shares().items()},
                "not_in_map": self.not_in_map, "total": self.total}


@dataclass(frozen=True)
class PowerCounts:
    """How many of something came from people with high formal power, of those in the map."""

    high: int
    total: int

    @property
    def share(self) -> float:
        return self.high / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"high": self.high, "total": self.total, "share": round(self.share, 4)}


@dataclass(frozen=True)
class Balance:
    """The constituency's mix and the purpose's, side by side."""

    constituency: GroupCounts
    contributions: GroupCounts
    contributors: GroupCounts
    reviews: GroupCounts
    power: dict[str, PowerCounts]
    """``constituency``, ``contributions``, ``drafting`` (each drafter of each version) and
    ``reviews``."""
    lived_experience: dict[str, PowerCounts]
    """``constituency`` and ``contributors`` (distinct people): how many have lived
    experience (``high``) of how many (``total``)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "groups": {"constituency": self.constituency.to_dict(),
                       "contributions": self.contributions.to_dict(),
                       "contributors": self.contributors.to_dict(),
                       "reviews": self.reviews.to_dict()},
            "high_formal_power": {k: v.to_dict() for k, v in self.power.items()},
            "lived_experience": {k: v.to_dict() for k, v in self.lived_experience.items()},
        }


def _indices(graph: CompactGraph, who: Iterable[Who]) -> tuple[list[int], int]:
    """The node of each person in the map, and how many were not in it."""
    found: list[int] = []
    missing = 0
    for w in who:
        if w.person is None:
            missing += 1
            continue
        try:
            found.append(graph.index_of(w.person))
        except (KeyError, ValueError):
            missing += 1
    return found, missing


def _groups(graph: CompactGraph, nodes: list[int], missing: int) -> GroupCounts:
    counts = np.bincount(graph.group[np.asarray(nodes, dtype=np.int64)].astype(np.int64),
                         minlength=len(GROUPS)) if nodes else np.zeros(len(GROUPS), np.int64)
    return GroupCounts(tuple(int(c) for c in counts), missing)


def _high(graph: CompactGraph, nodes: list[int]) -> PowerCounts:
    if not nodes:
        return PowerCounts(0, 0)
    power = graph.formal_power[np.asarray(nodes, dtype=np.int64)]
    return PowerCounts(int(np.count_nonzero(power >= HIGH_FORMAL_POWER)), len(nodes))


def purpose_balance(graph: CompactGraph, state: PurposeState) -> Balance:
    """The balance figures of the map's purpose (withdrawn contributions left out)."""
    live = state.live_contributions().values()
    contributed, outside = _indices(graph, (c.contributor for c in live))
    distinct = sorted(set(contributed))
    outside_people = {c.contributor.ref for c in live} - {
        f"person:{graph.ids[i]}" for i in distinct}
    reviewed, reviews_outside = _indices(graph, (r.reviewer for r in state.reviews.values()))
    drafted, _ = _indices(graph, (w for v in state.versions.values() for w in v.drafted_by))
    everyone = list(range(graph.n))
    lived = graph.lived_experience
    return Balance(
        constituency=_groups(graph, everyone, 0),
        contributions=_groups(graph, contributed, outside),
        contributors=_groups(graph, distinct, len(outside_people)),
        reviews=_groups(graph, reviewed, reviews_outside),
        power={"constituency": _high(graph, everyone), "contributions": _high(graph, contributed),
               "drafting": _high(graph, drafted), "reviews": _high(graph, reviewed)},
        lived_experience={
            "constituency": PowerCounts(int(np.count_nonzero(lived)), graph.n),
            "contributors": PowerCounts(int(np.count_nonzero(lived[distinct])) if distinct
                                        else 0, len(distinct))},
    )
