"""The people list's filters and sort, read from the query string so links and Back work.

Filters: ``q`` (name, organisation or id, accents and case aside), ``group`` (main group),
``segment``, ``engagement`` (a level), ``role`` (declared) and ``suggested`` (the role the map
suggests; ``none`` for nobody), ``core`` and ``reached`` (``yes`` or ``no``: reached means in
the engaged core or in conversation with it, as the analysis counts it), and ``sort``. Every
value is bounded: a choice from a fixed list (a segment must be one of the map's), ``q`` at
most ``MAX_QUERY`` characters; a value that does not fit is ignored and named, never an error.

Example:
    >>> filters, ignored = read_filters({"group": "people", "core": "maybe", "sort": "-ties"}, [])
    >>> filters.group, filters.core, filters.sort, ignored
    ('people', None, '-ties', ['core'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from graph.compact import CompactGraph
from graph.model import GROUPS, Engagement, Role
from graph.spelling import fold

__all__ = ["MAX_QUERY", "SORTS", "PeopleFilters", "read_filters", "select"]

MAX_QUERY = 200
"""The longest search text the list reads (longer is cut)."""

SORTS: dict[str, str] = {
    "name": "name, A to Z",
    "-name": "name, Z to A",
    "id": "id",
    "group": "group, then name",
    "-engagement": "most engaged first",
    "engagement": "least engaged first",
    "-ties": "most ties first",
    "ties": "fewest ties first",
}
"""Every sort the list offers, and how it reads."""

YES_NO = ("yes", "no")
_ROLES = tuple(r.value for r in Role)
_ENGAGEMENTS = tuple(e.value for e in Engagement)
_GROUPS = tuple(g.value for g in GROUPS)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PeopleFilters:
    """What the list shows: ``None`` (or ``""``) for a filter not applied."""

    q: str = ""
    group: str | None = None
    segment: str | None = None
    engagement: str | None = None
    role: str | None = None
    suggested: str | None = None
    core: str | None = None
    reached: str | None = None
    sort: str = "name"

    @property
    def active(self) -> bool:
        """Whether any filter (not the sort) is applied."""
        return any(v for k, v in asdict(self).items() if k != "sort")

    def params(self) -> dict[str, str]:
        """The query string that shows this list again (filters applied, and the sort when it
        is not the default)."""
        return {k: v for k, v in asdict(self).items() if v and not (k == "sort" and v == "name")}


    def export_params(self) -> dict[str, str]:
        """The filters a download carries (``graph.export_view``), as query parameters."""
        return {k: v for k, v in self.params().items() if k in EXPORTED}

    def not_exported(self) -> list[str]:
        """The filters applied that a download cannot carry (the search, the suggested role,
        reached by the core: they need the analysis or are free text)."""
        return [k for k in self.params() if k not in EXPORTED and k != "sort"]


EXPORTED = ("group", "segment", "engagement", "role", "core")
"""The list's filters that are also conditions of an export's view."""


def read_filters(args: Mapping[str, str], segments: Sequence[str]
                 ) -> tuple[PeopleFilters, list[str]]:
    """The filters of ``args``; the names of those given but not understood (ignored)."""
    ignored: list[str] = []
    choices: dict[str, Sequence[str]] = {
        "group": _GROUPS, "engagement": _ENGAGEMENTS, "role": (*_ROLES, "none"),
        "suggested": (*_ROLES, "none"), "core": YES_NO, "reached": YES_NO, "sort": tuple(SORTS),
    }
    values: dict[str, str | None] = {}
    for key, allowed in choices.items():
        given = str(args.get(key, "")).strip()
        values[key] = given if given in allowed else None
        if given and values[key] is None:
            ignored.append(key)
    segment = str(args.get("segment", "")).strip()
    if segment and segment not in set(segments):
        ignored.append("segment")
        segment = ""
    return PeopleFilters(
        q=str(args.get("q", "")).strip()[:MAX_QUERY],
        group=values["group"], segment=segment or None, engagement=values["engagement"],
        role=values["role"], suggested=values["suggested"], core=values["core"],
        reached=values["reached"], sort=values["sort"] or "name",
    ), ignored


def select(graph: CompactGraph, filters: PeopleFilters, *, text: Sequence[str],
           name_rank: IntArray, suggested: npt.NDArray[np.int8], reached: BoolArray
           ) -> IntArray:
    """The people ``filters`` keep, in its sort order.

    ``text``: each person's folded name, organisation and id (the search); ``name_rank``: each
    person's place in name order; ``suggested``: each person's suggested role as an index in
    ``Role`` (-1 for none); ``reached``: in the core or reached by it.
    """
    keep = np.ones(graph.n, dtype=bool)
    if filters.group:
        keep &= graph.group == _GROUPS.index(filters.group)
    if filters.engagement:
        keep &= graph.engagement == _ENGAGEMENTS.index(filters.engagement)
    if filters.role:
        keep &= graph.declared_role == _role_index(filters.role)
    if filters.suggested:
        keep &= suggested == _role_index(filters.suggested)
    if filters.core:
        keep &= graph.core_mask == (filters.core == "yes")
    if filters.reached:
        keep &= reached == (filters.reached == "yes")
    if filters.segment:
        in_segment = np.zeros(graph.n, dtype=bool)
        members = graph.segment_members()[graph.segment_names.index(filters.segment)]
        in_segment[members] = True
        keep &= in_segment
    needle = fold(filters.q)
    if needle:
        candidates = np.flatnonzero(keep).tolist()
        found = [v for v in candidates if needle in text[v]]
        keep[:] = False
        keep[found] = True
    chosen = np.flatnonzero(keep)
    return chosen[_order(graph, chosen, filters.sort, name_rank)]


def _role_index(value: str) -> int:
    return -1 if value == "none" else _ROLES.index(value)


def _order(graph: CompactGraph, chosen: IntArray, sort: str, rank: IntArray) -> IntArray:
    """Positions in ``chosen`` in the order of ``sort``; ties by name, then id."""
    if chosen.size == 0:
        return np.zeros(0, dtype=np.int64)
    key = sort.lstrip("-")
    if key == "id":  # ids are in ascending order already
        return np.arange(chosen.size, dtype=np.int64)
    name_rank = rank[chosen]
    if key == "name":
        primary = name_rank
    elif key == "group":
        primary = graph.group[chosen].astype(np.int64)
    elif key == "engagement":
        primary = graph.engagement[chosen].astype(np.int64)
    else:
        primary = (graph.indptr[chosen + 1] - graph.indptr[chosen]).astype(np.int64)
    if sort.startswith("-"):
        primary = -primary
    return np.lexsort((chosen, name_rank, primary)).astype(np.int64)
