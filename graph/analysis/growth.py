"""The growth series: is the movement growing, period by period?

For each period (week, month or quarter) from the one holding the map's first record to the
current one, the map as it stood at the end of the period's last day, measured as the analysis
of that day measures it, and what changed since the end of the period before. The current
period is cut at today (its point is dated today and marked ``partial``).

Each point is exact: its numbers are those ``analyse`` gives for the map as of its date (same
options, ``as_of`` that date), for the measures it shares: size, groups, the core and its
reach (overall, per group, at the map's steps), declared and suggested roles, and the open
gaps by kind. Two things are left out to keep a point cheap (a series costs a few as-of
analyses, not one per point):

* the gap kind ``cluster_unreached``: it needs a community detection per point (about a second
  on a large map) and clusters are numbered afresh each day, so a count per period would not
  follow the same clusters through time;
* the greedy plans (recommended core, target plan, ready plans), clusters and brokers.

Between two points (``before`` → ``after``, people matched by the ``people`` numbers each
snapshot carries):

* ``joined`` / ``left``: people present now and not at the previous point, and the reverse
  (overall and by primary group: the group they have now for joiners, had then for leavers);
* ``ties_formed`` / ``ties_ended``: pairs tied now and not at the previous point (and the
  reverse); a tie counts under ``all`` and under each trust type it has at strength 1 or more
  (so a tie with relational and flow-of-value trust counts under both); a tie whose ends were
  not both present at the previous point counts as formed;
* ``ladder_moves``: people present at both points whose engagement changed, counted per
  (before, after) pair; ``role_moves``: the same for suggested (``inferred``) and ``declared``
  roles, ``none`` for no role (a lone wolf who found engaged ties moves ``lone_wolf → none``);
* ``leaders_developed``: people at ``leading`` now who were not at the previous point (or not
  in the map): their count and the first ``LISTED`` of them by id, each with who recruited
  them (``recruited_by``: their recruiter in the recruitment forest of that day,
  ``graph.analysis.recruitment``; ``None`` when nobody did).

Each point also carries ``recruitment``: how distributed the growing of leaders is on its day
(``effective_leader_growers`` and ``top3_share`` of ``recruitment_forest``); the series'
own ``recruitment`` is today's (the last point's).

Example:
    >>> from datetime import date
    >>> period_ends(date(2024, 1, 20), date(2024, 4, 10), "month")
    [datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 31), \
datetime.date(2024, 4, 10)]
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from graph.analysis.gaps import GAP_KINDS, find_gaps
from graph.analysis.options import AnalysisOptions
from graph.analysis.reach import core_reach
from graph.analysis.recruitment import Recruitment, recruitment_forest
from graph.analysis.result import Clusters, CoreReach, gc_paused
from graph.analysis.roles import infer_roles, role_matches
from graph.compact import LEADING, CompactGraph, compiled
from graph.errors import MovemapError
from graph.model import GROUPS, TRUST_TYPES, Engagement, Role

__all__ = [
    "INTERVALS",
    "LISTED",
    "MAX_POINTS",
    "SERIES_GAP_KINDS",
    "DaySnapshot",
    "GrowthPoint",
    "GrowthSeries",
    "InvalidSeries",
    "growth_series",
    "period_ends",
    "period_start",
]

INTERVALS: tuple[str, ...] = ("week", "month", "quarter")
"""The lengths of a period; weeks run Monday to Sunday, quarters end in March, June, September
and December."""
MAX_POINTS = 520
"""At most this many points (ten years of weeks): a longer series asks for a longer interval."""
LISTED = 50
"""``leaders_developed`` lists at most this many ids (its ``count`` has them all)."""
SERIES_GAP_KINDS: tuple[str, ...] = tuple(k for k in GAP_KINDS if k != "cluster_unreached")
"""The gap kinds a point counts: every kind but ``cluster_unreached`` (see the module text)."""

_LADDER: tuple[str, ...] = tuple(e.value for e in Engagement)
_ROLE_NAMES: tuple[str, ...] = (*(r.value for r in Role), "none")
"""Role code names by index, ``none`` last (index -1 wraps to it)."""
_NO_CLUSTERS = Clusters()
"""Clusters of no one: ``find_gaps`` then reports no ``cluster_unreached`` and detects none."""

IntArray = npt.NDArray[np.int64]


class InvalidSeries(MovemapError):
    """A growth series that cannot be made as asked (a bad interval, too many points)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class DaySnapshot(Protocol):
    """The map at the end of ``day`` and, per node of ``graph``, a whole number naming the
    person the same way on every day of a series (``graph.stores.versions.DayMap``)."""

    @property
    def day(self) -> date: ...
    @property
    def graph(self) -> CompactGraph: ...
    @property
    def people(self) -> IntArray: ...


# -- periods ---------------------------------------------------------------------------------


def _check_interval(interval: str) -> None:
    if interval not in INTERVALS:
        raise InvalidSeries(f"interval {interval!r} is not one of {', '.join(INTERVALS)}",
                            "interval")


def period_start(day: date, interval: str) -> date:
    """The first day of the period of ``interval`` that holds ``day``."""
    _check_interval(interval)
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _period_end(day: date, interval: str) -> date:
    if interval == "week":
        return day + timedelta(days=6 - day.weekday())
    month = day.month if interval == "month" else (day.month - 1) // 3 * 3 + 3
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


def period_ends(first: date | None, today: date, interval: str) -> list[date]:
    """The date of every point: the last day of each period from the one holding ``first``
    (the map's first record; ``None`` or a later day: today's period only) to the one before
    today's, then today (the current period, cut at today).

    ``InvalidSeries`` for an unknown interval or more than ``MAX_POINTS`` points.
    """
    _check_interval(interval)
    ends: list[date] = []
    end = _period_end(first, interval) if first is not None and first <= today else today
    while end < today:
        ends.append(end)
        if len(ends) >= MAX_POINTS:
            raise InvalidSeries(
                f"a series by {interval} from {first} to {today} has more than {MAX_POINTS} "
                "points; choose a longer interval or a later start", "interval")
        end = _period_end(end + timedelta(days=1), interval)
    ends.append(today)
    return ends


# -- one point -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measured:
    """A snapshot with what the series reads of its analysis."""

    snapshot: DaySnapshot
    reach: CoreReach
    inferred: npt.NDArray[np.int8]  # per node: Role index, -1 for none
    recruitment: Recruitment

    @property
    def graph(self) -> CompactGraph:
        return self.snapshot.graph


def _measure(snapshot: DaySnapshot, options: AnalysisOptions, *, gaps: bool
             ) -> tuple[_Measured, dict[str, int]]:
    """Reach and roles of one day as ``analyse`` computes them, and with ``gaps`` (a point
    shown, not the day before the first period) the open gaps by kind and the recruitment
    forest."""
    graph = snapshot.graph
    day_options = replace(options, as_of=snapshot.day)
    channels = graph.channels(day_options.min_trust)
    reach = core_reach(channels, graph.core_mask, day_options.hops)
    matches = role_matches(graph, day_options)
    inferred = matches.suggested(graph)
    # the gaps read the roles of lone wolves and organisers only (``_lone_wolves``): an
    # object for each of them, not for everyone engaged
    wanted = (Role.LONE_WOLF.index, Role.ORGANISER.index)
    roles = infer_roles(graph, day_options, matches=matches,
                        only=np.isin(inferred, wanted) | np.isin(graph.declared_role, wanted))
    counts: dict[str, int] = {}
    if gaps:
        found = Counter(g.kind for g in find_gaps(graph, day_options, reach=reach, roles=roles,
                                                  channels=channels, clusters=_NO_CLUSTERS))
        counts = {kind: found.get(kind, 0) for kind in SERIES_GAP_KINDS}
    # the day before the first period is only compared with: its forest is not shown
    forest = recruitment_forest(graph, listed=0) if gaps else Recruitment()
    return _Measured(snapshot, reach, inferred, forest), counts


def _by_group(graph: CompactGraph, nodes: IntArray) -> dict[str, int]:
    counts = np.bincount(graph.group[nodes].astype(np.int64), minlength=len(GROUPS))
    return {g.value: int(counts[g.index]) for g in GROUPS}


def _pair_counts(before: npt.NDArray[Any], after: npt.NDArray[Any], names: Sequence[str]
                 ) -> list[dict[str, Any]]:
    """How many people moved from each value to each other one (indices into ``names``;
    -1 is the last name), most first, then in the order of ``names``."""
    k = len(names)
    moved = before != after
    code = (before[moved].astype(np.int64) % k) * k + after[moved].astype(np.int64) % k
    counts = np.bincount(code, minlength=k * k)
    rows = [{"before": names[c // k], "after": names[c % k], "count": int(counts[c])}
            for c in np.flatnonzero(counts).tolist()]
    return sorted(rows, key=lambda r: -r["count"])


def _positions(before: IntArray, after: IntArray) -> IntArray:
    """For each of ``after``'s people, their node at the previous point, or -1."""
    if before.size < 2 or bool(np.all(before[1:] > before[:-1])):
        return _find_sorted(before, after)
    order = np.argsort(before, kind="stable")
    found = _find_sorted(before[order], after)
    return np.where(found >= 0, order[found], -1)


@compiled
def _merge_find(ordered: IntArray, keys: IntArray) -> IntArray:
    """For each of ``keys`` (ascending), its position in ``ordered`` (ascending, distinct) or
    -1: one pass over both."""
    out = np.full(keys.shape[0], -1, dtype=np.int64)
    i = 0
    for j in range(keys.shape[0]):
        key = keys[j]
        while i < ordered.shape[0] and ordered[i] < key:
            i += 1
        if i < ordered.shape[0] and ordered[i] == key:
            out[j] = i
    return out


def _find_sorted(ordered: IntArray, keys: IntArray) -> IntArray:
    """``_merge_find`` for keys in any order (sorted first unless they already are: from
    ``maps_of_days`` they are, as a day's people keep the order of the day before)."""
    if keys.size < 2 or bool(np.all(keys[1:] >= keys[:-1])):
        return _merge_find(ordered, keys)
    order = np.argsort(keys, kind="stable")
    out = np.empty(keys.size, dtype=np.int64)
    out[order] = _merge_find(ordered, keys[order])
    return out


def _tie_changes(before: CompactGraph, after: CompactGraph, position: IntArray
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Ties formed and ended between two points, overall and per trust type they have."""
    n = max(before.n, 1)
    pu, pv = position[after.edge_u], position[after.edge_v]
    both = np.flatnonzero((pu >= 0) & (pv >= 0))
    lo, hi = np.minimum(pu[both], pv[both]), np.maximum(pu[both], pv[both])
    keys_before = before.edge_u.astype(np.int64) * n + before.edge_v  # ascending
    at = _find_sorted(keys_before, lo * n + hi)
    existed = np.zeros(after.m, dtype=bool)
    existed[both[at >= 0]] = True
    still = np.zeros(before.m, dtype=bool)
    still[at[at >= 0]] = True

    def counted(graph: CompactGraph, ties: IntArray) -> dict[str, int]:
        out = {"all": int(ties.size)}
        for t in TRUST_TYPES:
            out[t.value] = int(np.count_nonzero(graph.strength[t.value][ties] >= 1))
        return out

    return counted(after, np.flatnonzero(~existed)), counted(before, np.flatnonzero(~still))


@dataclass(frozen=True)
class GrowthPoint:
    """The map at the end of one period and what changed in it (see the module text)."""

    date: date
    partial: bool
    size: int
    ties: int
    groups: dict[str, int]
    engagement: dict[str, int]
    core: dict[str, Any]
    roles: dict[str, dict[str, int]]
    gaps: dict[str, int]
    joined: dict[str, Any]
    left: dict[str, Any]
    ties_formed: dict[str, int]
    ties_ended: dict[str, int]
    ladder_moves: list[dict[str, Any]]
    role_moves: dict[str, list[dict[str, Any]]]
    leaders_developed: dict[str, Any]
    recruitment: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "partial": self.partial, "size": self.size,
            "ties": self.ties, "groups": self.groups, "engagement": self.engagement,
            "core": self.core, "roles": self.roles, "gaps": self.gaps,
            "joined": self.joined, "left": self.left, "ties_formed": self.ties_formed,
            "ties_ended": self.ties_ended, "ladder_moves": self.ladder_moves,
            "role_moves": self.role_moves, "leaders_developed": self.leaders_developed,
            "recruitment": self.recruitment,
        }


@dataclass(frozen=True)
class GrowthSeries:
    """The points of a series, oldest first; ``first_record``: the day of the map's first
    record (``None`` when nothing is dated), which the first point's period holds unless the
    series was asked to start later; ``recruitment``: today's (the last point's)."""

    interval: str
    first_record: date | None
    points: list[GrowthPoint] = field(default_factory=list)
    recruitment: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "points": [p.to_dict() for p in self.points],
            "recruitment": self.recruitment,
        }


def _point(then: _Measured, now: _Measured, gaps: dict[str, int], options: AnalysisOptions,
           partial: bool) -> GrowthPoint:
    before, after = then.graph, now.graph
    position = _positions(then.snapshot.people, now.snapshot.people)
    stayed = position >= 0
    kept = np.zeros(before.n, dtype=bool)
    kept[position[stayed]] = True
    joined, left = np.flatnonzero(~stayed), np.flatnonzero(~kept)
    formed, ended = _tie_changes(before, after, position)
    engagement = np.bincount(after.engagement.astype(np.int64), minlength=len(_LADDER))
    declared = np.bincount(after.declared_role[after.declared_role >= 0].astype(np.int64),
                           minlength=len(Role))
    inferred = np.bincount(now.inferred[now.inferred >= 0].astype(np.int64),
                           minlength=len(Role))
    was = position[stayed]
    leading = after.engagement == LEADING
    reached = leading.copy()
    reached[stayed] &= before.engagement[was] != LEADING
    developed = np.flatnonzero(reached)
    recruiter = now.recruitment.recruiter
    reach = now.reach
    counts = np.bincount(after.group.astype(np.int64), minlength=len(GROUPS))
    return GrowthPoint(
        date=now.snapshot.day,
        partial=partial,
        size=after.n,
        ties=after.m,
        groups={g.value: int(counts[g.index]) for g in GROUPS},
        engagement={name: int(engagement[i]) for i, name in enumerate(_LADDER)},
        core={
            "size": len(reach.members), "share": reach.share,
            "target": options.target_core_share, "reach": reach.reach,
            "target_reach": options.target_reach, "steps": options.hops,
            "reached": reach.reached, "outside": reach.outside,
            "reach_by_group": reach.reach_by_group,
        },
        roles={"declared": {r.value: int(declared[r.index]) for r in Role},
               "inferred": {r.value: int(inferred[r.index]) for r in Role}},
        gaps=gaps,
        joined={"count": int(joined.size), "by_group": _by_group(after, joined)},
        left={"count": int(left.size), "by_group": _by_group(before, left)},
        ties_formed=formed,
        ties_ended=ended,
        ladder_moves=_pair_counts(before.engagement[was], after.engagement[stayed], _LADDER),
        role_moves={
            "inferred": _pair_counts(then.inferred[was], now.inferred[stayed], _ROLE_NAMES),
            "declared": _pair_counts(before.declared_role[was], after.declared_role[stayed],
                                     _ROLE_NAMES),
        },
        leaders_developed={"count": int(developed.size), "people": [
            {"id": after.ids[i], "recruited_by": None if recruiter[i] < 0
             else after.ids[recruiter[i]]} for i in developed[:LISTED].tolist()]},
        recruitment=_distribution(now.recruitment),
    )


def _distribution(forest: Recruitment) -> dict[str, Any]:
    return {"effective_leader_growers": forest.effective_leader_growers,
            "top3_share": forest.top3_share}


def growth_series(before: DaySnapshot, points: Iterable[DaySnapshot], *, interval: str,
                  options: AnalysisOptions, first_record: date | None = None) -> GrowthSeries:
    """The series of ``points`` (the map at the end of each period, oldest first; the last is
    the current, partial period), each compared with the one before it and the first with
    ``before`` (the map at the end of the day before the first period).

    ``options`` are the map's (targets, steps); each point is measured ``as_of`` its day.
    """
    _check_interval(interval)
    with gc_paused():
        then, _ = _measure(before, options, gaps=False)
        out: list[GrowthPoint] = []
        for snapshot in points:  # one map at a time: a large map's days are not all kept
            now, gaps = _measure(snapshot, options, gaps=True)
            out.append(_point(then, now, gaps, options, partial=False))
            then = now
    if not out:
        return GrowthSeries(interval, first_record, out)
    out[-1] = replace(out[-1], partial=True)
    return GrowthSeries(interval, first_record, out, recruitment=out[-1].recruitment)
