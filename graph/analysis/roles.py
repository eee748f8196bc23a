"""Movement roles (after Hahrie Han): a suggested role for every engaged person, and why.

A change lead *declares* roles; this module *infers* one from the map so the two can be
compared. Every engaged person (engagement ``contributing`` or above, or a declared role) gets a
``RoleInference`` whose evidence holds the numbers behind it and the thresholds applied, so the
suggestion can be explained in plain words and checked by hand.

Definitions (all counts on the full graph: every tie, whatever its trust):
    ties: the person's number of ties (degree).
    engaged_ties: ties to other engaged people; engaged_share = engaged_ties / ties (0.0 with no
        ties).
    bridging_ties: ties that reach outside the person's own cluster: the other person's primary
        group differs from theirs, or the other person belongs to a segment they are not in.
        bridging_share = bridging_ties / ties (0.0 with no ties).
    groups_reached: how many of the three groups the people they are tied to belong to (primary
        group).
    recruited: people they brought in (recorded recruitments, each recruit counted once);
        leaders_grown: those recruits who are now engaged themselves.
    days_engaged / years_engaged: from ``joined`` to ``options.as_of`` (a year is 365 days, so
        any n calendar years count as n years; a joined date after ``as_of`` counts as 0);
        ``None`` when ``joined`` is unknown.

Roles (``matches`` lists every role whose conditions hold, in ``Role`` order):
    lone_wolf: days_engaged >= lone_wolf_min_years × 365 and
        engaged_ties <= lone_wolf_max_engaged_ties (never with an unknown joined date);
    mobiliser: ties >= max(mobiliser_min_ties, mobiliser_degree_factor × mean ties of the
        constituency) and bridging_share >= mobiliser_min_bridging;
    organiser: leaders_grown >= organiser_min_grown, or engaged_ties >=
        organiser_min_engaged_ties and engaged_share >= organiser_min_engaged_share.
The inferred role is lone_wolf if it matches (the risk of exhaustion matters most), else
organiser, else mobiliser, else ``None``. ``declared_supported`` says whether the declared role's
own conditions hold (``None`` without a declared role).

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> people = [Person(id="a", group="people", role="organiser"),
    ...           Person(id="b", group="people", engagement="leading"),
    ...           Person(id="c", group="people", engagement="contributing")]
    >>> ties = [Relationship(source="a", target="b", recruited=True),
    ...         Relationship(source="a", target="c", recruited=True)]
    >>> g = CompactGraph.from_records("x", people, ties)
    >>> [(r.id, r.inferred, r.evidence["leaders_grown"]) for r in infer_roles(g,
    ...     AnalysisOptions())]
    [('a', 'organiser', 2), ('b', None, 0), ('c', None, 0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.analysis.kernels import bridging_csr, role_counts_csr
from graph.analysis.options import AnalysisOptions
from graph.analysis.result import RoleInference, gc_paused
from graph.compact import NO_DATE, CompactGraph, date_to_day
from graph.model import Role

__all__ = ["DAYS_PER_YEAR", "RoleMatches", "bridging_slots", "infer_roles", "role_counts",
           "role_matches"]

DAYS_PER_YEAR = 365
"""A year of engagement, in days (365 so that n calendar years always count as n years)."""

_ROLES: tuple[Role, ...] = tuple(Role)
_PRIORITY: tuple[Role, ...] = (Role.LONE_WOLF, Role.ORGANISER, Role.MOBILISER)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RoleMatches:
    """The numbers behind everyone's suggested role, as arrays (no object per person).

    ``counts``: ``role_counts``; ``bits``: per person, bit ``i`` set when the conditions of
    role ``i`` (``Role`` order) hold; ``engaged_share`` and ``bridging_share`` per person;
    ``thresholds``: the thresholds applied (the evidence shows them).
    """

    counts: dict[str, IntArray]
    bits: IntArray
    engaged_share: npt.NDArray[np.float64]
    bridging_share: npt.NDArray[np.float64]
    thresholds: dict[str, Any]

    def suggested(self, graph: CompactGraph) -> npt.NDArray[np.int8]:
        """Per person, the index in ``Role`` of their suggested role: -1 for none, and for
        everyone not engaged (``graph.engaged_mask``)."""
        out = _SUGGESTED[self.bits]
        out[~graph.engaged_mask] = -1
        return out


def role_matches(graph: CompactGraph, options: AnalysisOptions) -> RoleMatches:
    """Which roles' conditions hold for each person (see the module text), as arrays."""
    counts = role_counts(graph, options)
    ties = counts["ties"]
    mean_ties = 2 * graph.m / graph.n if graph.n else 0.0
    min_ties = max(float(options.mobiliser_min_ties), options.mobiliser_degree_factor * mean_ties)
    with np.errstate(divide="ignore", invalid="ignore"):
        engaged_share = np.where(ties > 0, counts["engaged_ties"] / np.maximum(ties, 1), 0.0)
        bridging_share = np.where(ties > 0, counts["bridging_ties"] / np.maximum(ties, 1), 0.0)
    days = counts["days_engaged"]
    known = days >= 0

    lone_wolf = (
        known
        & (days >= options.lone_wolf_min_years * DAYS_PER_YEAR)
        & (counts["engaged_ties"] <= options.lone_wolf_max_engaged_ties)
    )
    mobiliser = (ties >= min_ties) & (bridging_share >= options.mobiliser_min_bridging)
    organiser = (counts["leaders_grown"] >= options.organiser_min_grown) | (
        (counts["engaged_ties"] >= options.organiser_min_engaged_ties)
        & (engaged_share >= options.organiser_min_engaged_share)
    )
    match = {Role.LONE_WOLF: lone_wolf, Role.MOBILISER: mobiliser, Role.ORGANISER: organiser}

    thresholds: dict[str, Any] = {
        "mean_ties": mean_ties,
        "mobiliser_min_ties": min_ties,
        "mobiliser_min_bridging": options.mobiliser_min_bridging,
        "organiser_min_grown": options.organiser_min_grown,
        "organiser_min_engaged_ties": options.organiser_min_engaged_ties,
        "organiser_min_engaged_share": options.organiser_min_engaged_share,
        "lone_wolf_min_years": options.lone_wolf_min_years,
        "lone_wolf_max_engaged_ties": options.lone_wolf_max_engaged_ties,
    }
    bits = np.zeros(graph.n, dtype=np.int64)
    for role, holds in match.items():
        bits |= holds.astype(np.int64) << _ROLES.index(role)
    return RoleMatches(counts, bits, engaged_share, bridging_share, thresholds)


# the roles that match are a bit set (bit = index in ``Role``), looked up in tables of the 8
# combinations: every matching role, and the suggested one by priority
_MATCHES_OF = [[r.value for i, r in enumerate(_ROLES) if k >> i & 1] for k in range(8)]
_INFERRED_OF = [
    next((r.value for r in _PRIORITY if k >> _ROLES.index(r) & 1), None) for k in range(8)
]
_SUGGESTED = np.array([-1 if r is None else _ROLES.index(Role(r)) for r in _INFERRED_OF],
                      dtype=np.int8)


def infer_roles(graph: CompactGraph, options: AnalysisOptions, *,
                matches: RoleMatches | None = None, only: BoolArray | None = None
                ) -> list[RoleInference]:
    """The inferred role of every engaged person, in ascending id order, with its evidence.

    Parameters:
        graph: the full constituency graph (all ties count, whatever ``options.min_trust``).
        options: the role thresholds and ``as_of``.
        matches: ``role_matches(graph, options)`` when the caller has it already.
        only: when given, only the engaged people for whom it is true (a caller that needs
            a few people's evidence, not an object for everyone).
    Returns:
        one ``RoleInference`` per engaged person (``graph.engaged_mask``).
    """
    found = matches or role_matches(graph, options)
    counts, thresholds = found.counts, found.thresholds
    wanted = graph.engaged_mask if only is None else graph.engaged_mask & only
    engaged = np.flatnonzero(wanted)
    declared = graph.declared_role[engaged].astype(np.int64)
    code = found.bits[engaged]
    supported = (code >> np.maximum(declared, 0) & 1).astype(bool)

    def column(values: npt.NDArray[Any]) -> list[Any]:
        return values[engaged].tolist()

    ids = graph.ids
    results: list[RoleInference] = []
    with gc_paused():
        for node, c, dec, sup, t, et, es, bt, bs, gr, rc, lg, d in zip(
            engaged.tolist(),
            code.tolist(),
            declared.tolist(),
            supported.tolist(),
            column(counts["ties"]),
            column(counts["engaged_ties"]),
            column(found.engaged_share),
            column(counts["bridging_ties"]),
            column(found.bridging_share),
            column(counts["groups_reached"]),
            column(counts["recruited"]),
            column(counts["leaders_grown"]),
            column(counts["days_engaged"]),
            strict=True,
        ):
            evidence: dict[str, Any] = {
                "ties": t,
                "engaged_ties": et,
                "engaged_share": es,
                "bridging_ties": bt,
                "bridging_share": bs,
                "groups_reached": gr,
                "recruited": rc,
                "leaders_grown": lg,
                "days_engaged": None if d < 0 else d,
                "years_engaged": None if d < 0 else round(d / DAYS_PER_YEAR, 2),
                "thresholds": thresholds.copy(),
                "matches": _MATCHES_OF[c].copy(),
                "declared_supported": None if dec < 0 else sup,
            }
            results.append(
                RoleInference(
                    id=ids[node],
                    declared=None if dec < 0 else _ROLES[dec].value,
                    inferred=_INFERRED_OF[c],
                    evidence=evidence,
                )
            )
    return results


def role_counts(graph: CompactGraph, options: AnalysisOptions) -> dict[str, IntArray]:
    """Per-person counts behind the roles, for everyone (arrays of length ``graph.n``).

    Keys: ``ties``, ``engaged_ties``, ``bridging_ties``, ``groups_reached``, ``recruited``,
    ``leaders_grown`` and ``days_engaged`` (-1 when the joined date is unknown).
    """
    n = graph.n
    ties = graph.degree().astype(np.int64)
    engaged = graph.engaged_mask
    engaged_ties, bridging_ties, groups_reached = role_counts_csr(
        graph.indptr,
        graph.indices,
        engaged,
        graph.group,
        graph.segment_indptr,
        graph.segment_indices,
        len(graph.segment_names),
    )

    src = graph.recruit_source.astype(np.int64)
    dst = graph.recruit_target.astype(np.int64)
    recruited = np.bincount(src, minlength=n).astype(np.int64)
    leaders_grown = np.bincount(src[engaged[dst]], minlength=n).astype(np.int64)

    joined = graph.joined.astype(np.int64)
    days = np.maximum(date_to_day(options.as_of) - joined, 0)
    days = np.where(joined == NO_DATE, -1, days)

    return {
        "ties": ties,
        "engaged_ties": engaged_ties,
        "bridging_ties": bridging_ties,
        "groups_reached": groups_reached,
        "recruited": recruited,
        "leaders_grown": leaders_grown,
        "days_engaged": days,
    }


def bridging_slots(graph: CompactGraph) -> BoolArray:
    """For each CSR slot (person → neighbour), whether that tie reaches outside their cluster.

    A tie bridges when the neighbour's primary group differs from the person's, or the neighbour
    belongs to a segment the person is not in.
    """
    return bridging_csr(
        graph.indptr,
        graph.indices,
        graph.group,
        graph.segment_indptr,
        graph.segment_indices,
        len(graph.segment_names),
    )
