"""Organiser teams (Marshall Ganz's snowflake): the engaged people around each organiser, and
whether they hold together without them.

Who is an organiser: a person whose *declared* role is ``organiser``, or, when no role is
declared, whose *inferred* role is (``graph.analysis.roles``). The change lead's declaration
wins because they know things the map does not (someone declared a mobiliser is not counted
as an organiser even if the data looks like one); the inferred role fills in for people with no
declaration, so a map where nobody has declared roles still shows its teams.

An organiser's team: the engaged people (``contributing`` or above, or a declared role, as the
role analysis reads it) whom the organiser recruited (their recruiter by
``graph.analysis.recruitment.recruiter_of``) or is tied to; the organiser is not a member.

For each team (every tie counts, whatever its trust):
    internal_density: ties among the members themselves (not counting the organiser) ÷ the
        possible pairs of members; ``None`` with fewer than two members.
    members_tied_to_each_other: the share of members with at least one tie to another member;
        ``None`` with no members.
    groups / missing_groups: the primary groups of the team (members and organiser) and those
        of the three it lacks.
    parts: how many connected parts the members form among themselves, and largest_part the
        members in the biggest of them (one member left on their own reads differently from a
        team in pieces);
    hangs_on_organiser: more than one part: take the organiser away and the team falls apart,
        a single point of failure inside the team. A healthy snowflake is tied together, not
        only to its organiser.

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> people = [Person(id="o", group="people", role="organiser")] + [
    ...     Person(id=i, group="givers_of_service", engagement="leading") for i in "abc"]
    >>> ties = [Relationship(source="o", target=i, recruited=True) for i in "abc"]
    >>> ties.append(Relationship(source="a", target="b"))
    >>> team = organiser_teams(CompactGraph.from_records("x", people, ties), []).listed[0]
    >>> team.members, team.internal_density, team.parts, team.hangs_on_organiser
    (['a', 'b', 'c'], 0.3333333333333333, 2, True)
    >>> team.missing_groups
    ['system_leaders']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.analysis.options import AnalysisOptions
from graph.analysis.recruitment import recruiter_of
from graph.analysis.result import RoleInference
from graph.analysis.roles import infer_roles
from graph.compact import CompactGraph, compiled, sorted_unique
from graph.model import GROUPS, Role

__all__ = [
    "LISTED_TEAMS",
    "MEMBERS_NAMED",
    "OrganiserTeam",
    "OrganiserTeams",
    "organiser_teams",
    "organisers",
]

IntArray = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

LISTED_TEAMS = 50
"""At most this many teams are described, the largest first (``organisers`` counts them all)."""
MEMBERS_NAMED = 20
"""At most this many members of a team are named, by id (``size`` counts them all)."""


@dataclass(frozen=True)
class OrganiserTeam:
    """One organiser's team and how it holds together (see the module for each measure).

    ``source``: why they count as an organiser (``declared`` or ``inferred``); ``members``: the
    first ``MEMBERS_NAMED`` members by id, of ``size``; ``recruited``: how many members the
    organiser recruited; ``internal_ties``: ties among the members.
    """

    id: str
    name: str
    source: str
    size: int
    members: list[str]
    recruited: int
    internal_ties: int
    internal_density: float | None
    members_tied_to_each_other: float | None
    groups: list[str]
    missing_groups: list[str]
    parts: int
    largest_part: int
    hangs_on_organiser: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "size": self.size,
            "members": self.members,
            "recruited": self.recruited,
            "internal_ties": self.internal_ties,
            "internal_density": self.internal_density,
            "members_tied_to_each_other": self.members_tied_to_each_other,
            "groups": self.groups,
            "missing_groups": self.missing_groups,
            "parts": self.parts,
            "largest_part": self.largest_part,
            "hangs_on_organiser": self.hangs_on_organiser,
        }


@dataclass(frozen=True)
class OrganiserTeams:
    """Every organiser's team, counted, and the largest described.

    ``organisers``: how many organisers (``declared`` + ``inferred``); ``empty``: organisers
    with no engaged person around them; ``hanging_on_organiser``: teams that fall apart
    without their organiser; ``listed``: the first ``LISTED_TEAMS`` teams, the largest first,
    ties by the organiser's id.
    """

    organisers: int = 0
    declared: int = 0
    inferred: int = 0
    empty: int = 0
    hanging_on_organiser: int = 0
    listed: list[OrganiserTeam] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisers": self.organisers,
            "declared": self.declared,
            "inferred": self.inferred,
            "empty": self.empty,
            "hanging_on_organiser": self.hanging_on_organiser,
            "listed": [t.to_dict() for t in self.listed],
        }


def organisers(graph: CompactGraph, roles: list[RoleInference]) -> tuple[BoolArray, BoolArray]:
    """Who counts as an organiser: (declared organisers, inferred organisers with no declared
    role), as masks over the people. ``roles``: ``infer_roles`` of this graph."""
    declared = graph.declared_role == Role.ORGANISER.index
    inferred = np.zeros(graph.n, dtype=bool)
    for r in roles:
        if r.declared is None and r.inferred == Role.ORGANISER.value:
            try:
                inferred[graph.index_of(r.id)] = True
            except KeyError:
                raise ValueError(f"roles: {r.id!r} is not a person of this map") from None
    return declared, inferred & (graph.declared_role < 0)


def organiser_teams(
    graph: CompactGraph,
    roles: list[RoleInference] | None = None,
    *,
    listed: int = LISTED_TEAMS,
    recruiter: IntArray | None = None,
) -> OrganiserTeams:
    """The team of every organiser of ``graph``.

    Parameters:
        roles: ``infer_roles(graph, options)`` when the caller has it (computed with the
            default options when ``None``).
        listed: how many teams to describe (0 or more).
        recruiter: ``recruiter_of(graph)`` when the caller has it.
    """
    if listed < 0:
        raise ValueError(f"listed must be 0 or more, got {listed}")
    n = graph.n
    if recruiter is None:
        recruiter = recruiter_of(graph)
    elif recruiter.shape != (n,):
        raise ValueError(f"recruiter must hold one entry per person ({n}), got {recruiter.shape}")
    if roles is None:
        roles = infer_roles(graph, AnalysisOptions())
    declared, inferred = organisers(graph, roles)
    organiser = declared | inferred
    engaged = graph.engaged_mask

    # (organiser, member) pairs: engaged neighbours and engaged recruits, once each
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.indptr))
    other = graph.indices.astype(np.int64)
    tied = organiser[owner] & engaged[other]
    recruit = np.flatnonzero((recruiter >= 0) & engaged)
    recruit = recruit[organiser[recruiter[recruit]]]
    size = max(n, 1)
    keys = sorted_unique(np.concatenate([owner[tied] * size + other[tied],
                                         recruiter[recruit] * size + recruit]))
    heads = np.flatnonzero(organiser)
    team_ptr = np.searchsorted(keys // size, np.append(heads, n)).astype(np.int64)
    members = keys % size
    internal, tied_members, parts, largest = _team_measures(
        graph.indptr.astype(np.int64), graph.indices.astype(np.int32), team_ptr, members)
    sizes = np.diff(team_ptr)
    recruited_by = np.zeros(members.size, dtype=bool)
    if members.size:
        recruited_by = recruiter[members] == np.repeat(heads, sizes)

    order = np.lexsort((heads, -sizes))[:listed]
    teams = [
        _team(graph, int(heads[t]), bool(declared[heads[t]]),
              members[team_ptr[t]:team_ptr[t + 1]],
              int(np.count_nonzero(recruited_by[team_ptr[t]:team_ptr[t + 1]])),
              int(internal[t]), int(tied_members[t]), int(parts[t]), int(largest[t]))
        for t in order.tolist()
    ]
    return OrganiserTeams(
        organisers=int(heads.size),
        declared=int(np.count_nonzero(declared)),
        inferred=int(np.count_nonzero(inferred)),
        empty=int(np.count_nonzero(sizes == 0)),
        hanging_on_organiser=int(np.count_nonzero(parts > 1)),
        listed=teams,
    )


@compiled
def _team_measures(indptr: IntArray, indices: I32, team_ptr: IntArray,
                   members: IntArray,
                   ) -> tuple[IntArray, IntArray, IntArray, IntArray]:  # pragma: no cover
    """Per team: ties among its members, members tied to another member, the connected parts
    the members form among themselves (a breadth-first search kept inside the team) and the
    members in the largest part."""
    n = indptr.shape[0] - 1
    teams = team_ptr.shape[0] - 1
    mark = np.full(n, -1, dtype=np.int64)  # team t: t in the team, teams + t already searched
    queue = np.empty(max(members.shape[0], 1), dtype=np.int64)
    internal = np.zeros(teams, dtype=np.int64)
    tied = np.zeros(teams, dtype=np.int64)
    parts = np.zeros(teams, dtype=np.int64)
    largest = np.zeros(teams, dtype=np.int64)
    for t in range(teams):
        lo, hi = team_ptr[t], team_ptr[t + 1]
        for i in range(lo, hi):
            mark[members[i]] = t
        ends = 0
        for i in range(lo, hi):
            v = members[i]
            own = 0
            for slot in range(indptr[v], indptr[v + 1]):
                w = indices[slot]
                if mark[w] == t:
                    own += 1
            ends += own
            if own:
                tied[t] += 1
        internal[t] = ends // 2
        for i in range(lo, hi):
            root = members[i]
            if mark[root] != t:
                continue
            parts[t] += 1
            mark[root] = teams + t
            queue[0] = root
            head, tail = 0, 1
            while head < tail:
                v = queue[head]
                head += 1
                for slot in range(indptr[v], indptr[v + 1]):
                    w = indices[slot]
                    if mark[w] == t:
                        mark[w] = teams + t
                        queue[tail] = w
                        tail += 1
            if tail > largest[t]:
                largest[t] = tail
    return internal, tied, parts, largest


def _team(graph: CompactGraph, head: int, declared: bool, members: IntArray, recruited: int,
          internal: int, tied: int, parts: int, largest: int) -> OrganiserTeam:
    k = int(members.size)
    pairs = k * (k - 1) // 2
    present = np.zeros(len(GROUPS), dtype=bool)
    present[graph.group[members].astype(np.int64)] = True
    present[int(graph.group[head])] = True
    return OrganiserTeam(
        id=graph.ids[head],
        name=graph.names[head],
        source="declared" if declared else "inferred",
        size=k,
        members=[graph.ids[v] for v in members[:MEMBERS_NAMED].tolist()],
        recruited=recruited,
        internal_ties=internal,
        internal_density=internal / pairs if pairs else None,
        members_tied_to_each_other=tied / k if k else None,
        groups=[g.value for g in GROUPS if present[g.index]],
        missing_groups=[g.value for g in GROUPS if not present[g.index]],
        parts=parts,
        largest_part=largest,
        hangs_on_organiser=parts > 1,
    )
