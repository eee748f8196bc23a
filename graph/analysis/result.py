"""Result dataclasses of the analysis, and their JSON form (a contract other tools rely on)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from graph.analysis.options import AnalysisOptions

__all__ = [
    "Addition",
    "Analysis",
    "Broker",
    "Brokers",
    "Cluster",
    "Clusters",
    "CoreReach",
    "Gap",
    "ReadyPlans",
    "RecommendedCore",
    "RoleInference",
    "SEVERITIES",
    "TargetPlan",
    "gc_paused",
]

@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many result objects.

    Results hold no reference cycles, but creating a few hundred thousand dicts and dataclasses
    (the roles and gaps of a large map) triggers full collections that walk every object alive,
    results of earlier analyses included: seconds in a long-running process. Nested uses are
    fine; the collector is switched back on only by the outermost one, if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")


@dataclass(frozen=True)
class CoreReach:
    """A core and how much of the rest of the constituency it is in conversation with.

    ``reach`` = reached / outside, where outside is everyone not in the core and reached is
    those of them within ``hops`` ties of a core member (1.0 when nobody is outside, 0.0 for an
    empty constituency). ``reach_by_group`` is the same share per primary group (``None`` for a
    group with nobody outside the core).
    """

    members: list[str]
    share: float
    reach: float
    reached: int
    outside: int
    reach_by_group: dict[str, float | None]
    reached_by_group: dict[str, int]
    outside_by_group: dict[str, int]
    reach_by_steps: dict[str, float] = field(default_factory=dict)
    """The reach curve: ``{"1": share, "2": share, "3": share}`` of the people outside the core
    within 1, 2 and 3 ties of it (``REACH_STEPS``), whatever ``hops`` the headline uses."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "size": len(self.members),
            "share": self.share,
            "reach": self.reach,
            "reached": self.reached,
            "outside": self.outside,
            "reach_by_group": self.reach_by_group,
            "reached_by_group": self.reached_by_group,
            "outside_by_group": self.outside_by_group,
            "reach_by_steps": self.reach_by_steps,
        }


@dataclass(frozen=True)
class Addition:
    """A person added to the core by the greedy selection and how many people they bring.

    ``gain`` counts the people not reached before who are reached once they are engaged
    (themselves included when not reached yet); ``brings_by_group`` splits it by primary group
    (why they were chosen); ``engagement`` is where they stand on the ladder now.
    """

    id: str
    gain: int
    engagement: str = ""
    brings_by_group: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "gain": self.gain, "engagement": self.engagement,
                "brings_by_group": self.brings_by_group}


@dataclass(frozen=True)
class RecommendedCore:
    """The engaged core grown greedily to ceil(target_core_share · N) people.

    ``members`` is the current core (ascending id) followed by the additions in the order
    chosen; ``reach`` is the reach of that whole recommended core.
    """

    members: list[str]
    reach: float
    added: list[Addition]
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "size": self.size,
            "reach": self.reach,
            "added": [a.to_dict() for a in self.added],
        }


@dataclass(frozen=True)
class TargetPlan:
    """How many greedy additions the current core needs before its reach meets the target.

    ``members`` is the whole core that meets it (current core, then additions in order);
    ``additions`` == len(added); ``reach`` is that core's reach. ``meets_target`` is false
    only when the candidates ran out first (the ready plan, among few ready people): then
    ``added`` is every candidate, in the order chosen.
    """

    additions: int
    members: list[str]
    added: list[Addition]
    reach: float
    target: float
    meets_target: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "additions": self.additions,
            "members": self.members,
            "added": [a.to_dict() for a in self.added],
            "reach": self.reach,
            "target": self.target,
            "meets_target": self.meets_target,
        }


@dataclass(frozen=True)
class ReadyPlans:
    """Whom to engage next among the ready only: people outside the core at or above
    ``min_engagement`` (the map's readiness setting). The same greedy as the plans from
    anyone, with fewer candidates: ``recommended_core`` may add fewer people than the target
    size asks (``recommended_core.size`` says how many the core would then have), and
    ``to_reach_target`` may not meet the target (``meets_target``)."""

    min_engagement: str
    candidates: int
    """How many people outside the core are ready."""
    recommended_core: RecommendedCore
    to_reach_target: TargetPlan

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_engagement": self.min_engagement,
            "candidates": self.candidates,
            "recommended_core": self.recommended_core.to_dict(),
            "to_reach_target": self.to_reach_target.to_dict(),
        }


@dataclass(frozen=True)
class RoleInference:
    """For one engaged person: the declared role, the inferred one (or None) and why."""

    id: str
    declared: str | None
    inferred: str | None
    evidence: dict[str, Any]

    @property
    def agrees(self) -> bool:
        return self.declared == self.inferred

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "declared": self.declared,
            "inferred": self.inferred,
            "agrees": self.agrees,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Gap:
    """Something missing or fragile, in plain words, with the numbers behind it."""

    kind: str
    severity: Severity
    subject: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Cluster:
    """One cluster of the map (``graph.analysis.clusters``), numbered from 1, the largest.

    ``groups``: its people per primary group; ``core_members``: the first of its engaged core
    members by id (``core_size`` counts them all); ``reached`` / ``outside``: its people outside
    the core within the analysis' hops of the core, of all its people outside the core, and
    ``reach`` their share (``None`` when everyone in it is in the core); ``segment``: the segment
    most of its people share and that share (``None`` when none has a segment); ``people``: the
    first of its people by id.
    """

    id: int
    size: int
    groups: dict[str, int]
    core_members: list[str]
    core_size: int
    reached: int
    outside: int
    reach: float | None
    segment: dict[str, Any] | None
    people: list[str]

    @property
    def untouched(self) -> bool:
        """No core member in it and nobody in it reached by the core."""
        return self.core_size == 0 and self.reached == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "groups": self.groups,
            "core_members": self.core_members,
            "core_size": self.core_size,
            "reached": self.reached,
            "outside": self.outside,
            "reach": self.reach,
            "segment": self.segment,
            "people": self.people,
        }


@dataclass(frozen=True)
class Clusters:
    """The clusters of the map: how they were found and a summary of the largest.

    ``count`` clusters in all, ``large`` of them with at least ``min_size`` people, of which
    ``listed`` summarises the largest; ``small`` clusters below ``min_size`` hold
    ``small_people`` people. ``labels`` gives each person's cluster (graph node order, 0 for
    cluster 1); it is not part of the JSON.
    """

    method: str = "leiden"
    seed: int = 0
    modularity: float = 0.0
    count: int = 0
    min_size: int = 0
    large: int = 0
    listed: list[Cluster] = field(default_factory=list)
    small: int = 0
    small_people: int = 0
    hops: int = 1
    labels: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "seed": self.seed,
            "modularity": self.modularity,
            "count": self.count,
            "min_size": self.min_size,
            "large": self.large,
            "hops": self.hops,
            "small": self.small,
            "small_people": self.small_people,
            "listed": [c.to_dict() for c in self.listed],
        }


@dataclass(frozen=True)
class Broker:
    """A person whose ties bridge clusters or groups (``graph.analysis.brokers``).

    ``score``: their betweenness (exact or estimated, normalised as networkx does: the share of
    shortest paths between two other people that pass through them); ``clusters``: the numbers
    of the clusters their ties reach, their own first; ``groups``: the primary groups of the
    people they are tied to, their own first.
    """

    id: str
    name: str
    score: float
    clusters: list[int]
    groups: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": self.score,
                "clusters": self.clusters, "groups": self.groups}


@dataclass(frozen=True)
class Brokers:
    """The people who bridge the most, and how their scores were found.

    ``sources``: the people the shortest paths were counted from (everyone when ``exact``,
    else a sample drawn with ``seed``); ``listed``: the highest scores first.
    """

    method: str = "betweenness"
    exact: bool = True
    sources: int = 0
    seed: int = 0
    listed: list[Broker] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "exact": self.exact, "sources": self.sources,
                "seed": self.seed, "listed": [b.to_dict() for b in self.listed]}


@dataclass(frozen=True)
class Analysis:
    """Everything ``movemap analyse`` reports about one constituency."""

    constituency: str
    size: int
    ties: int
    groups: dict[str, int]
    core: CoreReach
    recommended_core: RecommendedCore
    to_reach_target: TargetPlan
    roles: list[RoleInference]
    gaps: list[Gap]
    options: AnalysisOptions
    ready: ReadyPlans | None = None
    """The plans among the ready only (``options.min_engagement``); ``None`` when anyone."""
    clusters: Clusters = field(default_factory=Clusters)
    brokers: Brokers = field(default_factory=Brokers)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``movemap analyse NAME --json`` and of the API."""
        return {
            "constituency": self.constituency,
            "size": self.size,
            "ties": self.ties,
            "groups": self.groups,
            "core": self.core.to_dict(),
            "recommended_core": self.recommended_core.to_dict(),
            "to_reach_target": self.to_reach_target.to_dict(),
            "roles": [r.to_dict() for r in self.roles],
            "gaps": [g.to_dict() for g in self.gaps],
            "options": self.options.to_dict(),
            "ready": None if self.ready is None else self.ready.to_dict(),
            "clusters": self.clusters.to_dict(),
            "brokers": self.brokers.to_dict(),
        }
