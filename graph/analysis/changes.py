"""What changed in the movement between two days: people, ties, roles, the core and the gaps.

Pure: two compact graphs (the map as of each day) and their analyses in, ``MapChanges`` out.
Ties are the undirected ties of the analysis (a pair of people), so a tie recorded both ways
counts once, with the highest strength of each trust type.

Example:
    >>> from datetime import date
    >>> from graph.analysis import analyse
    >>> from graph.compact import CompactGraph
    >>> from graph.model import Person
    >>> then = CompactGraph.from_records("bay", [Person(id="a", group="people")], [])
    >>> now = CompactGraph.from_records("bay", [Person(id="a", group="people",
    ...     engagement="leading"), Person(id="b", group="people")], [])
    >>> changes = map_changes(then, analyse(then), now, analyse(now),
    ...                       date(2025, 1, 1), date(2025, 6, 30))
    >>> changes.joined, [(m.id, m.before, m.after) for m in changes.moved_up]
    (['b'], [('a', 'unengaged', 'leading')])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analysis.result import Analysis, Gap
from graph.compact import CompactGraph
from graph.model import TRUST_TYPES, Engagement, Role

__all__ = ["MapChanges", "Move", "TrustChange", "map_changes"]

_LADDER = tuple(Engagement)
_ROLES = tuple(Role)


@dataclass(frozen=True)
class Move:
    """One person's value before and after (engagement, or a declared or inferred role)."""

    id: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class TrustChange:
    """One tie whose strength of one trust type changed."""

    source: str
    target: str
    trust: str
    before: int
    after: int

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "trust": self.trust,
                "before": self.before, "after": self.after}


@dataclass(frozen=True)
class MapChanges:
    """The differences between the map on ``since`` and on ``until`` (ends of those days)."""

    since: date
    until: date
    size: tuple[int, int]
    ties: tuple[int, int]
    joined: list[str]
    left: list[str]
    moved_up: list[Move]
    moved_down: list[Move]
    declared_roles: list[Move]
    inferred_roles: list[Move]
    ties_formed: list[tuple[str, str]]
    ties_ended: list[tuple[str, str]]
    trust_changes: list[TrustChange]
    core_size: tuple[int, int]
    core_reach: tuple[float, float]
    gaps_opened: list[Gap]
    gaps_closed: list[Gap]

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "size": {"then": self.size[0], "now": self.size[1]},
            "ties": {"then": self.ties[0], "now": self.ties[1]},
            "joined": self.joined,
            "left": self.left,
            "moved_up": [m.to_dict() for m in self.moved_up],
            "moved_down": [m.to_dict() for m in self.moved_down],
            "declared_roles": [m.to_dict() for m in self.declared_roles],
            "inferred_roles": [m.to_dict() for m in self.inferred_roles],
            "ties_formed": [{"source": a, "target": b} for a, b in self.ties_formed],
            "ties_ended": [{"source": a, "target": b} for a, b in self.ties_ended],
            "trust_changes": [t.to_dict() for t in self.trust_changes],
            "core": {"size": {"then": self.core_size[0], "now": self.core_size[1]},
                     "reach": {"then": self.core_reach[0], "now": self.core_reach[1]}},
            "gaps_opened": [g.to_dict() for g in self.gaps_opened],
            "gaps_closed": [g.to_dict() for g in self.gaps_closed],
        }


def _people(graph: CompactGraph) -> dict[str, int]:
    return {pid: i for i, pid in enumerate(graph.ids)}


def _ties(graph: CompactGraph) -> dict[tuple[str, str], tuple[int, ...]]:
    """Each undirected tie as (smaller id, larger id) → its strengths in TRUST_TYPES order."""
    ids = graph.ids
    strengths = [graph.strength[t.value].tolist() for t in TRUST_TYPES]
    out: dict[tuple[str, str], tuple[int, ...]] = {}
    for e, (u, v) in enumerate(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True)):
        a, b = sorted((ids[u], ids[v]))
        out[(a, b)] = tuple(s[e] for s in strengths)
    return out


def _role_name(index: int) -> str | None:
    return None if index < 0 else _ROLES[index].value


def map_changes(then: CompactGraph, then_analysis: Analysis, now: CompactGraph,
                now_analysis: Analysis, since: date, until: date) -> MapChanges:
    """Compare the map on ``since`` (``then``) with the map on ``until`` (``now``)."""
    before, after = _people(then), _people(now)
    both = sorted(before.keys() & after.keys())
    up: list[Move] = []
    down: list[Move] = []
    declared: list[Move] = []
    for pid in both:
        i, j = before[pid], after[pid]
        e0, e1 = int(then.engagement[i]), int(now.engagement[j])
        if e1 != e0:
            (up if e1 > e0 else down).append(Move(pid, _LADDER[e0].value, _LADDER[e1].value))
        r0, r1 = int(then.declared_role[i]), int(now.declared_role[j])
        if r0 != r1:
            declared.append(Move(pid, _role_name(r0), _role_name(r1)))
    inferred_then = {r.id: r.inferred for r in then_analysis.roles}
    inferred_now = {r.id: r.inferred for r in now_analysis.roles}
    inferred = [Move(pid, inferred_then.get(pid), inferred_now.get(pid))
                for pid in sorted(inferred_then.keys() | inferred_now.keys())
                if inferred_then.get(pid) != inferred_now.get(pid)]
    ties0, ties1 = _ties(then), _ties(now)
    trust: list[TrustChange] = []
    for pair in sorted(ties0.keys() & ties1.keys()):
        for k, t in enumerate(TRUST_TYPES):
            if ties0[pair][k] != ties1[pair][k]:
                trust.append(TrustChange(*pair, t.value, ties0[pair][k], ties1[pair][k]))
    gaps0 = {(g.kind, g.subject): g for g in then_analysis.gaps}
    gaps1 = {(g.kind, g.subject): g for g in now_analysis.gaps}
    return MapChanges(
        since=since,
        until=until,
        size=(then.n, now.n),
        ties=(then.m, now.m),
        joined=sorted(after.keys() - before.keys()),
        left=sorted(before.keys() - after.keys()),
        moved_up=up,
        moved_down=down,
        declared_roles=declared,
        inferred_roles=inferred,
        ties_formed=sorted(ties1.keys() - ties0.keys()),
        ties_ended=sorted(ties0.keys() - ties1.keys()),
        trust_changes=trust,
        core_size=(len(then_analysis.core.members), len(now_analysis.core.members)),
        core_reach=(then_analysis.core.reach, now_analysis.core.reach),
        gaps_opened=[g for k, g in gaps1.items() if k not in gaps0],
        gaps_closed=[g for k, g in gaps0.items() if k not in gaps1],
    )
