"""Realistic synthetic constituencies at any size, seeded and vectorised, for benchmarks and tests.

``synthetic_constituency(people, ties_per_person)`` builds a ``CompactGraph`` shaped like a real
constituency for change, with numpy arrays only (no Python object per person or tie), so a
million people and ten million ties take seconds. ``write_csv_pair`` writes any compact graph as
the two CSV files of the importer (``people.csv``, ``relationships.csv``), which import back into
the same graph.

The shape, and why (docs/terms.md):

- **three groups**, about 40% people, 50% givers of service and 10% system leaders, the mix
  jittered per locality (each locality draws its own shares around those);
- **segments**: everyone lives in one ``locality:`` (localities of uneven size, about 2,500
  people each); some belong to a ``community:`` (mostly the people), givers of service and
  leaders mostly work in a ``service:``; so each person has 1–3 segments;
- **heavy-tailed degrees**: each person's activity is lognormal (σ = 1.1, capped), and both
  ends of a tie are drawn in proportion to it, so the median person has about 13 ties, a few
  percent have one or two (some none), and hubs have hundreds to a thousand;
- **clustering**: about three ties in four stay within a locality, most of them between close
  neighbours on a ring of the locality (many triangles, like households and streets), the rest
  with the locality's active people; some ties link people sharing a community or service
  across localities, a few anyone (system leaders mostly other system leaders); so there are
  parts of the map hanging on one person, and a few small parts on their own;
- **an engaged core** of about 2.5% (``leading``, or a declared role), drawn mostly from the
  most active people, on the ladder unengaged 50%, aware 24%, supporting 15%, contributing 9%,
  leading 2%; declared roles: mobilisers among hubs, lone wolves among the least connected and
  longest engaged, organisers otherwise;
- **recruitment chains**: about two in five people record who brought them in, always a
  neighbour who joined earlier and is at least ``supporting``, so recruitments form trees grown
  from engaged people; recruits of declared organisers are often engaged themselves;
- **trust**: the three strengths of a tie share one latent strength (so they are correlated);
  functional trust is higher between colleagues, and flow-of-value trust lower across the power
  gap to system leaders (and a little lower between the people and givers of service);
- **power and experience**: formal power among system leaders (and a few managers among the
  givers of service), informal power among a few (more among hubs and engaged people), lived
  experience mostly among the people; joined dates over the 15 years before
  ``REFERENCE_DATE`` (engaged people joined earlier), a few unknown.

The expected segments are every locality, community and service on the map and two communities
nobody on it belongs to (so ``segment_missing`` has something to say). The CSV pair cannot carry
them: set them on the store with ``set_expected_segments`` after an import.

Example:
    >>> g = synthetic_constituency(2_000, 10, seed=3)
    >>> g.n, g.m
    (2000, 20000)
    >>> bool(g.degree().max() > 5 * g.degree().mean())
    True
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.compact import NO_DATE, CompactGraph, date_to_day
from graph.model import GROUPS, TRUST_TYPES, Engagement, Group, Role

__all__ = [
    "COMMUNITIES",
    "MISSING_COMMUNITIES",
    "PEOPLE_HEADER",
    "REFERENCE_DATE",
    "RELATIONSHIPS_HEADER",
    "SERVICES",
    "locality_names",
    "synthetic_constituency",
    "write_csv_pair",
]

REFERENCE_DATE = date(2025, 1, 1)
"""The "today" of synthetic constituencies: every date falls before it (use it as ``as_of``)."""

PEOPLE_HEADER: tuple[str, ...] = (
    "id", "name", "group", "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role", "joined",
)
RELATIONSHIPS_HEADER: tuple[str, ...] = (
    "source", "target", "relational", "functional", "flow_of_value", "recruited", "since",
)

COMMUNITIES: tuple[str, ...] = (
    "Carers", "Young_people", "Older_people", "South_Asian", "Polish", "Deaf",
    "Black_African_Caribbean", "LGBTQ", "Learning_disability", "Veterans", "Refugees",
    "Farming", "Students", "Faith_groups",
)
"""Communities people may belong to (earlier ones are larger)."""
MISSING_COMMUNITIES: tuple[str, ...] = ("Gypsy_Traveller", "Homeless")
"""Expected communities nobody on a synthetic map belongs to."""
SERVICES: tuple[str, ...] = (
    "primary_care", "acute_hospital", "community_nursing", "social_care", "mental_health",
    "care_homes", "maternity", "pharmacy", "ambulance", "public_health", "hospice",
    "voluntary_sector",
)
"""Services givers of service (and some leaders and people) are part of (earlier ones larger)."""

GROUP_SHARES = (0.40, 0.50, 0.10)
"""Mean shares of people, givers of service and system leaders; each locality jitters them."""
PEOPLE_PER_LOCALITY = 2_500
ENGAGEMENT_SHARES = (0.50, 0.24, 0.15, 0.09, 0.02)
"""Shares on the ladder, unengaged first."""

_EPOCH = np.datetime64("1970-01-01", "D")
_YEARS = 15
_FIRST_NAMES = (
    "Aisha", "Alan", "Amara", "Ben", "Bridget", "Chen", "Chloe", "Darren", "Deepa", "Eilidh",
    "Emma", "Farah", "Gareth", "Grace", "Hannah", "Ibrahim", "Isla", "Jack", "Jan", "Joy",
    "Kamal", "Karen", "Liam", "Lucy", "Mark", "Maya", "Mohammed", "Niamh", "Olu", "Owen",
    "Priya", "Rachel", "Ravi", "Rosa", "Sam", "Sian", "Tariq", "Tom", "Vera", "Zofia",
)
_LAST_NAMES = (
    "Ahmed", "Armstrong", "Bell", "Brown", "Campbell", "Chowdhury", "Clarke", "Davies",
    "Dixon", "Evans", "Fletcher", "Graham", "Green", "Hall", "Harrison", "Hughes", "Jackson",
    "Jones", "Khan", "Kowalski", "Lee", "Martin", "Moore", "Nowak", "Okafor", "Patel",
    "Robinson", "Shaw", "Singh", "Smith", "Taylor", "Thompson", "Walker", "Watson", "Wilson",
    "Wood", "Wright", "Young", "Zhang", "Mensah",
)
_PLACE_HEADS = (
    "Bar", "Mil", "Ulver", "Kend", "Penr", "Kes", "Amble", "Work", "Cocker", "Whit", "Carn",
    "Wig", "Ask", "Dal", "Gras", "Sed", "Apple", "Brough", "Egre", "Harr", "Lang", "Thorn",
    "Ash", "Bram", "Cald", "Dent", "Elm", "Fern", "Gos", "Hol",
)
_PLACE_TAILS = (
    "row", "lom", "ston", "al", "ith", "wick", "side", "ington", "mouth", "haven", "by", "ton",
    "dale", "ham", "field", "ley", "bridge", "ford", "thwaite", "moor",
)
_SERVICE_ORGS = (
    "Medical Practice", "Hospital", "Community Health", "Council Care Team",
    "Mental Health Team", "Care Home", "Maternity Unit", "Pharmacy", "Ambulance Station",
    "Public Health Team", "Hospice", "Voluntary Action",
)
_LEADER_ORGS = ("Hospital Trust", "Council", "Integrated Care Board", "Primary Care Network")
_PEOPLE_ORGS = ("Carers Group", "Patient Forum", "Residents Association", "Food Bank")

# tie kinds: close neighbours in a locality, active people of the locality, a shared community
# or service anywhere, anyone (system leaders: mostly other system leaders)
_NEAR, _LOCAL, _SEGMENT, _ANY = 0, 1, 2, 3
_KIND_SHARES = (0.52, 0.30, 0.11, 0.07)
TICKETS_PER_ACTIVITY = 4
NEAR_STEP = 6
"""Mean distance, in tickets, of a tie to a close neighbour on the locality's ring."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BytesArray = npt.NDArray[np.bytes_]


# -- the generator -----------------------------------------------------------------------------


def locality_names(count: int) -> list[str]:
    """``count`` distinct, made-up place names (numbered once the combinations run out)."""
    base = [head + tail for head in _PLACE_HEADS for tail in _PLACE_TAILS]
    order = np.random.default_rng(0).permutation(len(base))
    names = [base[i] for i in order.tolist()]
    return [
        names[k % len(names)] + ("" if k < len(names) else f" {k // len(names) + 1}")
        for k in range(count)
    ]


def synthetic_constituency(
    people: int,
    ties_per_person: float = 10,
    *,
    seed: int = 1,
    localities: int | None = None,
    name: str = "synthetic",
) -> CompactGraph:
    """A seeded, realistic constituency of ``people`` people and about ``people × ties`` ties.

    The number of ties is exactly ``round(people * ties_per_person)`` whenever the graph can hold
    that many (every tie links two different people, at most one tie per pair). The same
    arguments always give the same graph. ``localities`` defaults to about one per 2,500 people
    (at least 3 from 30 people). See the module docstring for the shape.
    """
    if people < 0:
        raise ValueError("people cannot be negative")
    if ties_per_person < 0:
        raise ValueError("ties_per_person cannot be negative")
    n = int(people)
    rng = np.random.default_rng(seed)
    if localities is None:
        localities = max(3, round(n / PEOPLE_PER_LOCALITY)) if n >= 30 else 1
    n_loc = max(1, min(int(localities), max(n, 1)))
    places = locality_names(n_loc)

    # where people live, and the group mix of each locality
    loc_weights = rng.lognormal(0.0, 0.5, n_loc)
    loc = _draw(rng, loc_weights / loc_weights.sum(), n)
    mix = rng.dirichlet(np.asarray(GROUP_SHARES) * 200, n_loc)
    group = (rng.random(n)[:, None] > np.cumsum(mix, axis=1)[loc][:, :2]).sum(axis=1)
    group = group.astype(np.int8)
    people_g, givers_g, leaders_g = (g.index for g in GROUPS)

    # activity (heavy tailed), engagement on the ladder, declared roles, joined dates
    activity = np.minimum(rng.lognormal(0.0, 1.1, n), 250.0)
    activity *= np.where(group == leaders_g, 1.5, 1.0)
    score = 0.8 * np.log(activity) + rng.normal(0.0, 0.7, n) + 0.2 * (group == leaders_g)
    engagement = _ladder(score, ENGAGEMENT_SHARES)
    leading = Engagement.LEADING.rank
    contributing = Engagement.CONTRIBUTING.rank
    declare = ((engagement == leading) & (rng.random(n) < 0.3)) | (
        (engagement == contributing) & (rng.random(n) < 0.03)
    )
    years = rng.gamma(1.5, 2.0, n) + 0.8 * engagement
    rank_in_engaged = _quantile_rank(activity, engagement >= contributing)
    role = np.full(n, -1, dtype=np.int8)
    lone = declare & (rank_in_engaged < 0.25) & (rng.random(n) < 0.8)
    mobiliser = declare & ~lone & (rank_in_engaged > 0.7) & (rng.random(n) < 0.7)
    role[lone] = Role.LONE_WOLF.index
    role[mobiliser] = Role.MOBILISER.index
    role[declare & ~lone & ~mobiliser] = Role.ORGANISER.index
    years = np.where(lone, years + 3.0, years)
    reference_day = date_to_day(REFERENCE_DATE)
    joined_day = reference_day - np.round(np.minimum(years, _YEARS) * 365.25)
    joined = np.where(rng.random(n) < 0.04, NO_DATE, joined_day).astype(np.int32)
    activity *= np.where(lone, 0.3, 1.0)  # lone wolves: few ties

    # power, lived experience, other groups
    formal = np.where(group == leaders_g, _draw(rng, [0.0, 0.5, 0.35, 0.15], n), 0)
    formal = np.where((group == givers_g) & (rng.random(n) < 0.08), 1, formal).astype(np.int8)
    hub = activity > np.quantile(activity, 0.98) if n else np.zeros(0, dtype=bool)
    informal_p = 0.012 + 0.10 * hub + 0.04 * (engagement >= contributing)
    informal = np.where(rng.random(n) < informal_p, _draw(rng, [0.0, 0.6, 0.3, 0.1], n), 0)
    informal = informal.astype(np.int8)
    lived = rng.random(n) < np.array([0.62, 0.12, 0.06])[group]
    member_of = (1 << group.astype(np.int64)).astype(np.uint8)
    also = rng.random(n)
    member_of |= np.where((group == givers_g) & (also < 0.08), 1 << people_g, 0).astype(np.uint8)
    member_of |= np.where((group == people_g) & (also < 0.04), 1 << givers_g, 0).astype(np.uint8)
    member_of |= np.where((group == leaders_g) & (also < 0.10), 1 << givers_g, 0).astype(np.uint8)

    # segments: a locality each, a community (mostly the people), a service (mostly staff)
    community = np.where(
        rng.random(n) < np.array([0.30, 0.10, 0.05])[group],
        _draw(rng, _zipf_weights(len(COMMUNITIES)), n),
        -1,
    )
    service = np.where(
        rng.random(n) < np.array([0.20, 0.90, 0.60])[group],
        _draw(rng, _zipf_weights(len(SERVICES)), n),
        -1,
    )
    segment_names = sorted(
        [f"locality:{p}" for p in places]
        + [f"community:{c}" for c in COMMUNITIES]
        + [f"service:{s}" for s in SERVICES]
    )
    seg_index = {s: i for i, s in enumerate(segment_names)}
    loc_seg = np.array([seg_index[f"locality:{p}"] for p in places], dtype=np.int32)
    com_seg = np.array([seg_index[f"community:{c}"] for c in COMMUNITIES], dtype=np.int32)
    ser_seg = np.array([seg_index[f"service:{s}"] for s in SERVICES], dtype=np.int32)
    per_person = np.column_stack(
        [loc_seg[loc], np.where(community >= 0, com_seg[community], -1),
         np.where(service >= 0, ser_seg[service], -1)]
    ) if n else np.zeros((0, 3), dtype=np.int32)
    segment_indices = per_person[per_person >= 0].astype(np.int32)  # row-major: person order
    segment_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum((per_person >= 0).sum(axis=1), out=segment_indptr[1:])
    used = np.zeros(len(segment_names), dtype=bool)
    used[segment_indices] = True
    segment_names_used = [s for s, u in zip(segment_names, used.tolist(), strict=True) if u]
    renumber = np.cumsum(used) - 1
    segment_indices = renumber[segment_indices].astype(np.int32)
    expected = tuple(
        sorted([*segment_names_used, *(f"community:{c}" for c in MISSING_COMMUNITIES)])
    )

    # ties
    src, dst, kind = _ties(rng, n, ties_per_person, loc, group, activity, community, service)
    m = src.shape[0]
    gu, gv = group[src], group[dst]
    latent = rng.standard_normal(m, dtype=np.float32)
    colleague = (gu == gv) & (gu != people_g)
    leader_gap = (gu == leaders_g) != (gv == leaders_g)
    people_gap = ((gu == people_g) & (gv == givers_g)) | ((gu == givers_g) & (gv == people_g))
    near = kind == _NEAR

    def noise(scale: float) -> npt.NDArray[np.float32]:
        values = np.asarray(rng.standard_normal(m, dtype=np.float32), dtype=np.float32)
        values *= scale
        return values

    strength = {
        "relational": _level(1.4 + 0.9 * latent + noise(0.6) + 0.3 * near),
        "functional": _level(1.2 + 0.8 * latent + noise(0.7) + 0.6 * colleague),
        "flow_of_value": _level(
            1.1 + 0.8 * latent + noise(0.6) - 1.3 * leader_gap - 0.4 * people_gap
        ),
    }
    ju, jv = joined[src].astype(np.int64), joined[dst].astype(np.int64)
    known_u, known_v = ju != NO_DATE, jv != NO_DATE
    start = np.where(
        known_u & known_v, np.maximum(ju, jv), np.where(known_u, ju, np.where(known_v, jv, 0))
    )
    start = np.where(known_u | known_v, start, reference_day - 5 * 365)
    span = np.maximum(reference_day - start, 1)
    since = start + (rng.random(m, dtype=np.float32) * span).astype(np.int64)
    since = np.where(rng.random(m, dtype=np.float32) < 0.08, NO_DATE, since).astype(np.int32)

    # recruitment: each recruit records at most one recruiter, an engaged neighbour who joined
    # earlier, so recruitments form trees grown from engaged people
    recruited = np.zeros(m, dtype=bool)
    if m:
        earlier_u = known_u & known_v & (ju < jv)
        earlier_v = known_u & known_v & (jv < ju)
        recruiter = np.where(earlier_u, src, dst)
        recruit = np.where(earlier_u, dst, src)
        supporting = Engagement.SUPPORTING.rank
        able = (earlier_u | earlier_v) & (
            (engagement[recruiter] >= supporting) | (role[recruiter] >= 0)
        )
        able &= rng.random(m, dtype=np.float32) < 0.6
        candidates = np.flatnonzero(able)
        # one recruiter per recruit: candidates in a random order, the last one written wins
        shuffled = candidates[rng.permutation(candidates.shape[0])]
        winner = np.full(n, -1, dtype=np.int64)
        winner[recruit[shuffled]] = shuffled
        chosen = np.sort(winner[winner >= 0])
        chosen = chosen[rng.random(chosen.shape[0]) < 0.55]
        recruited[chosen] = True
        flip = chosen[earlier_v[chosen]]  # rows record the recruiter as source
        src[flip], dst[flip] = dst[flip], src[flip].copy()
        # organisers grow leaders: their recruits are often engaged themselves
        by_organiser = chosen[role[src[chosen]] == Role.ORGANISER.index]
        grown = dst[by_organiser][rng.random(by_organiser.shape[0]) < 0.6]
        engagement[grown] = np.maximum(engagement[grown], contributing)

    first_names = np.array(
        [f"{a} {b}" for a in _FIRST_NAMES for b in _LAST_NAMES], dtype=object
    )
    names = first_names[rng.integers(0, first_names.shape[0], n)].tolist()
    organisations = _organisations(rng, places, loc, group, service)
    return CompactGraph.from_arrays(
        name=name,
        ids=_ids(n),
        names=names,
        organisations=organisations,
        group=group,
        member_of=member_of,
        segment_names=segment_names_used,
        segment_indptr=segment_indptr,
        segment_indices=segment_indices,
        formal_power=formal,
        informal_power=informal,
        lived_experience=lived,
        engagement=engagement.astype(np.int8),
        declared_role=role,
        joined=joined,
        rel_source=src,
        rel_target=dst,
        rel_strength={t.value: strength[t.value] for t in TRUST_TYPES},
        rel_recruited=recruited,
        rel_since=since,
        expected_segments=expected,
    )


def _ids(n: int) -> list[str]:
    """``p0``… zero-padded to one width, so ascending ids are ascending numbers."""
    width = len(str(max(n - 1, 0)))
    digits = (np.arange(n, dtype=np.int64)[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10
    chars = np.empty((n, width + 1), dtype=np.uint8)
    chars[:, 0] = ord("p")
    chars[:, 1:] = digits + ord("0")
    return chars.view(f"S{width + 1}").ravel().astype(f"U{width + 1}").tolist()


def _draw(rng: np.random.Generator, weights: Sequence[float] | FloatArray, size: int) -> IntArray:
    """``size`` indices drawn with probabilities ``weights`` (normalised here)."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"),
                      len(cum) - 1).astype(np.int64)


def _zipf_weights(k: int) -> FloatArray:
    return np.asarray(1.0 / np.arange(1, k + 1) ** 0.8, dtype=np.float64)


def _ladder(score: FloatArray, shares: Sequence[float]) -> IntArray:
    """Ranks on the ladder by quantile of ``score``: the lowest ``shares[0]`` get 0, and so on."""
    n = score.shape[0]
    order = np.argsort(score, kind="stable")
    bounds = np.round(np.cumsum(shares) * n).astype(np.int64)
    level = np.searchsorted(bounds, np.arange(n), side="right")
    out = np.empty(n, dtype=np.int64)
    out[order] = np.minimum(level, len(shares) - 1)
    return out


def _quantile_rank(values: FloatArray, mask: npt.NDArray[np.bool_]) -> FloatArray:
    """Each masked value's rank among the masked values, in [0, 1) (0.5 elsewhere)."""
    out = np.full(values.shape[0], 0.5)
    chosen = np.flatnonzero(mask)
    if chosen.size:
        ranks = np.empty(chosen.size)
        ranks[np.argsort(values[chosen], kind="stable")] = np.arange(chosen.size) / chosen.size
        out[chosen] = ranks
    return out


def _level(x: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.int8]:
    return np.clip(np.rint(x), 0, 3).astype(np.int8)


def _organisations(
    rng: np.random.Generator, places: list[str], loc: IntArray, group: npt.NDArray[np.int8],
    service: IntArray,
) -> list[str]:
    """Where people work (or the group they are part of): a table of names indexed per person."""
    n = loc.shape[0]
    kinds = ("", *_SERVICE_ORGS, *_LEADER_ORGS, *_PEOPLE_ORGS)
    table = np.array(
        [""] + [f"{p} {k}" for p in places for k in kinds[1:]], dtype=object
    )
    people_g, givers_g, _ = (g.index for g in GROUPS)
    n_service = len(_SERVICE_ORGS)
    staff_kind = 1 + np.where(service >= 0, service % n_service, rng.integers(0, n_service, n))
    leader_kind = 1 + n_service + rng.integers(0, len(_LEADER_ORGS), n)
    people_kind = np.where(
        rng.random(n) < 0.15,
        1 + n_service + len(_LEADER_ORGS) + rng.integers(0, len(_PEOPLE_ORGS), n),
        0,
    )
    kind = np.where(group == givers_g, staff_kind, np.where(group == people_g, people_kind,
                                                             leader_kind))
    index = np.where(kind > 0, 1 + loc * (len(kinds) - 1) + kind - 1, 0)
    return list(table[index])


def _ties(
    rng: np.random.Generator,
    n: int,
    ties_per_person: float,
    loc: IntArray,
    group: npt.NDArray[np.int8],
    activity: FloatArray,
    community: IntArray,
    service: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Distinct ties (source, target, kind), exactly round(n · ties_per_person) when possible.

    Candidate ties are drawn in batches, each from a source chosen in proportion to activity
    and a target chosen by the tie's kind; repeated pairs are dropped and, of the distinct
    pairs, a random subset of the wanted size is kept. Weighted choices use "tickets" (each
    person holds activity × 2 of them, rounded) so that a draw is one random index, not a
    binary search.
    """
    wanted = min(round(n * ties_per_person), n * (n - 1) // 2)
    empty = np.zeros(0, dtype=np.int64)
    if wanted <= 0:
        return empty, empty, empty
    if n >= 1 << 29:
        raise ValueError("at most 2**29 people")
    tickets = np.maximum(np.rint(activity * TICKETS_PER_ACTIVITY), 1).astype(np.int64)
    # people ordered by locality, in a random order within it; each person's tickets in a row:
    # the locality's ring of tickets (a uniform ticket is a person in proportion to activity)
    ring = np.lexsort((rng.random(n), loc)).astype(np.int32)
    ring_tickets = np.repeat(ring, tickets[ring])
    first_ticket = np.empty(n, dtype=np.int64)  # where each person's tickets start and end
    first_ticket[ring] = np.concatenate(([0], np.cumsum(tickets[ring])[:-1]))
    last_ticket = first_ticket + tickets - 1
    loc_size = np.bincount(loc, minlength=int(loc.max()) + 1)
    loc_tickets = np.bincount(loc, weights=tickets, minlength=loc_size.shape[0]).astype(np.int64)
    loc_ticket_start = np.concatenate(([0], np.cumsum(loc_tickets)[:-1]))
    ring_lo, ring_size = loc_ticket_start[loc], loc_tickets[loc]  # each person's locality ring
    # steps to a close neighbour: 1, 2, 3… tickets (geometric), either way, drawn from a table
    quantiles = (np.arange(4096) + 0.5) / 4096
    steps = np.ceil(np.log1p(-quantiles) / np.log1p(-1 / NEAR_STEP)).astype(np.int64)
    steps = np.concatenate([steps, -steps])
    leaders = np.flatnonzero(group == Group.SYSTEM_LEADERS.index).astype(np.int32)
    leader_tickets = np.repeat(leaders, tickets[leaders])
    # the tickets of the members of each shared segment (community or service), by segment
    seg_of = np.concatenate([community, np.where(service >= 0, service + len(COMMUNITIES), -1)])
    owner = np.concatenate([np.arange(n, dtype=np.int32), np.arange(n, dtype=np.int32)])
    has = seg_of >= 0
    seg_of, owner = seg_of[has], owner[has]
    by_segment = np.argsort(seg_of, kind="stable")
    seg_tickets = np.repeat(owner[by_segment], tickets[owner[by_segment]])
    seg_count = np.bincount(seg_of, weights=tickets[owner],
                            minlength=len(COMMUNITIES) + len(SERVICES)).astype(np.int64)
    seg_start = np.concatenate(([0], np.cumsum(seg_count)[:-1]))

    shares = np.cumsum(_KIND_SHARES)[:-1].astype(np.float32)
    total_tickets = ring_tickets.shape[0]
    drawn: list[IntArray] = []
    batch = int(wanted * 1.9) + 64  # about 55-60% of the candidates are distinct ties
    for _ in range(8):
        ticket = rng.integers(0, total_tickets, batch)
        s = ring_tickets[ticket]
        u = rng.random(batch, dtype=np.float32)
        k = (u >= shares[0]).astype(np.int8)
        for share in shares[1:]:
            k += u >= share
        com_s, ser_s = community[s], service[s]
        k[(k == _SEGMENT) & (com_s < 0) & (ser_s < 0)] = _NEAR
        t = np.empty(batch, dtype=ring_tickets.dtype)
        # close neighbours on the locality's ring of tickets: a few tickets past the end of the
        # source's own tickets, or before their start
        rows = np.flatnonzero(k == _NEAR)
        near = s[rows]
        step = steps[rng.integers(0, steps.shape[0], rows.size)]  # ± geometric, from a table
        at = np.where(step > 0, last_ticket[near], first_ticket[near]) + step
        lo = ring_lo[near]
        t[rows] = ring_tickets[lo + (at - lo) % ring_size[near]]
        # the locality's active people
        rows = np.flatnonzero(k == _LOCAL)
        ls = loc[s[rows]]
        t[rows] = ring_tickets[loc_ticket_start[ls] + rng.integers(0, loc_tickets[ls])]
        # someone sharing one of the source's communities or services
        rows = np.flatnonzero(k == _SEGMENT)
        com, ser = com_s[rows], ser_s[rows]
        pick_service = (ser >= 0) & ((com < 0) | (rng.random(rows.size, dtype=np.float32) < 0.6))
        seg = np.where(pick_service, ser + len(COMMUNITIES), com)
        t[rows] = seg_tickets[seg_start[seg] + rng.integers(0, seg_count[seg])]
        # anyone, in proportion to activity; system leaders mostly reach other leaders
        rows = np.flatnonzero(k == _ANY)
        t[rows] = ring_tickets[rng.integers(0, total_tickets, rows.size)]
        if leaders.size:
            rows = rows[(group[s[rows]] == Group.SYSTEM_LEADERS.index)
                        & (rng.random(rows.size, dtype=np.float32) < 0.6)]
            t[rows] = leader_tickets[rng.integers(0, leader_tickets.shape[0], rows.size)]
        keep = s != t
        s, t, k = s[keep], t[keep], k[keep]
        # one sortable key per candidate: the pair, then its kind and orientation
        pair = np.minimum(s, t).astype(np.int64) * n + np.maximum(s, t)
        pair <<= 3
        pair |= k.astype(np.int64) << 1
        pair |= s > t
        drawn.append(pair)
        keys = np.sort(np.concatenate(drawn)) if len(drawn) > 1 else np.sort(drawn[0])
        first = np.ones(keys.shape[0], dtype=bool)
        first[1:] = (keys[1:] >> 3) != (keys[:-1] >> 3)
        distinct = int(np.count_nonzero(first))
        if distinct >= wanted:
            break
        drawn = [keys[first]]
        # later batches meet more repeats: draw the shortfall over the yield so far, and more
        batch = max(64, int((wanted - distinct) / max(distinct / keys.shape[0], 0.05) * 1.5))
    keys = keys[first]
    if keys.shape[0] < wanted:  # dense: fill up with pairs chosen uniformly among the rest
        lo_all, hi_all = np.triu_indices(n, 1)
        rest = np.setdiff1d(lo_all * n + hi_all, keys >> 3)
        extra = rng.choice(rest, wanted - keys.shape[0], replace=False)
        keys = np.sort(np.concatenate([keys, extra * 8 + _ANY * 2]))
    if keys.shape[0] > wanted:  # drop a random excess: candidates are exchangeable
        keep_mask = np.ones(keys.shape[0], dtype=bool)
        keep_mask[_distinct_sample(rng, keys.shape[0], keys.shape[0] - wanted)] = False
        keys = keys[keep_mask]
    pair = keys >> 3
    lo_end, hi_end = pair // n, pair % n
    flipped = (keys & 1).astype(bool)
    return (np.where(flipped, hi_end, lo_end), np.where(flipped, lo_end, hi_end),
            (keys >> 1) & 3)


def _distinct_sample(rng: np.random.Generator, population: int, size: int) -> IntArray:
    """``size`` distinct integers drawn uniformly from ``range(population)``.

    Draws with replacement until enough are distinct, then keeps a random ``size`` of them:
    O(size) work when ``size`` is a small part of the population (the usual case here),
    where ``Generator.choice(replace=False)`` would shuffle the whole population.
    """
    if size * 4 > population:
        return rng.permutation(population)[:size]
    found = np.zeros(0, dtype=np.int64)
    while found.shape[0] < size:
        more = rng.integers(0, population, int((size - found.shape[0]) * 1.1) + 16)
        found = np.unique(np.concatenate([found, more]))
    return rng.permutation(found)[:size]


# -- the CSV pair ------------------------------------------------------------------------------


def write_csv_pair(
    graph_or_params: CompactGraph | Mapping[str, Any],
    folder: str | os.PathLike[str],
    *,
    chunk_rows: int = 500_000,
) -> tuple[Path, Path]:
    """Write ``people.csv`` and ``relationships.csv`` of a compact graph into ``folder``.

    ``graph_or_params`` is a ``CompactGraph`` or the keyword arguments of
    ``synthetic_constituency``. Importing the pair gives back the same graph (expected segments
    aside, which the files cannot hold). One relationship row per tie, from the lower id to the
    higher, except that a recorded recruitment puts the recruiter first (a tie recruited both
    ways gets a second row). Rows are assembled as byte arrays, a chunk at a time, so ten
    million ties take seconds; values that CSV must quote fall back to the csv module.
    """
    graph = (
        graph_or_params
        if isinstance(graph_or_params, CompactGraph)
        else synthetic_constituency(**dict(graph_or_params))
    )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    people_path = out / "people.csv"
    relationships_path = out / "relationships.csv"
    ids = _encode(graph.ids)
    _write_table(people_path, PEOPLE_HEADER, _people_columns(graph, ids), graph.n, chunk_rows)
    columns, rows = _relationship_columns(graph, ids)
    _write_table(relationships_path, RELATIONSHIPS_HEADER, columns, rows, chunk_rows)
    return people_path, relationships_path


@dataclass(frozen=True)
class _Column:
    """Cells ``table[index]``; ``glued``: part of the previous cell (no comma before it)."""

    table: BytesArray
    index: IntArray
    glued: bool = False


def _encode(values: Sequence[str] | npt.NDArray[Any]) -> BytesArray:
    """UTF-8 bytes of each value, as a fixed-width bytes array (at least one byte wide)."""
    text = np.asarray(values, dtype=str) if len(values) else np.zeros(0, dtype="U1")
    encoded = np.strings.encode(text, "utf-8")
    return encoded if encoded.dtype.itemsize else encoded.astype("S1")


def _people_columns(graph: CompactGraph, ids: BytesArray) -> list[_Column]:
    n = graph.n
    rows = np.arange(n, dtype=np.int64)
    # other groups: a table over every (member_of, primary group) combination
    other = [
        ";".join(g.value for g in GROUPS if bits >> g.index & 1 and g.index != primary)
        for bits in range(256)
        for primary in range(len(GROUPS))
    ]
    # the segments cell: one glued part per position, blank where a person has fewer
    counts = np.diff(graph.segment_indptr)
    names = list(graph.segment_names)
    segments: list[_Column] = []
    for j in range(max(int(counts.max()) if n else 0, 1)):
        table = _encode([("" if j == 0 else ";") + s for s in names] + [""])
        pick = np.full(n, len(names), dtype=np.int64)
        has = counts > j
        pick[has] = graph.segment_indices[graph.segment_indptr[:-1][has] + j]
        segments.append(_Column(table, pick, glued=j > 0))
    levels = _encode(["0", "1", "2", "3"])
    return [
        _Column(ids, rows),
        _Column(_encode(graph.names), rows),
        _Column(_encode([g.value for g in GROUPS]), graph.group.astype(np.int64)),
        _Column(
            _encode(other), graph.member_of.astype(np.int64) * len(GROUPS) + graph.group
        ),
        _Column(_encode(graph.organisations), rows),
        *segments,
        _Column(levels, graph.formal_power.astype(np.int64)),
        _Column(levels, graph.informal_power.astype(np.int64)),
        _Column(_encode(["no", "yes"]), graph.lived_experience.astype(np.int64)),
        _Column(_encode([e.value for e in Engagement]), graph.engagement.astype(np.int64)),
        _Column(_encode(["", *(r.value for r in Role)]), graph.declared_role.astype(np.int64) + 1),
        _dates(graph.joined),
    ]


def _dates(days: npt.NDArray[np.int32]) -> _Column:
    """ISO dates of day numbers (``NO_DATE`` blank) through a table over the days used."""
    values = days.astype(np.int64)
    known = values != NO_DATE
    if not known.any():
        return _Column(_encode([""]), np.zeros(values.shape[0], dtype=np.int64))
    lo, hi = int(values[known].min()), int(values[known].max())
    span = (_EPOCH + np.arange(lo, hi + 1)).astype("S10")
    table = np.concatenate([np.array([b""], dtype="S10"), span])
    return _Column(table, np.where(known, values - lo + 1, 0))


def _relationship_columns(graph: CompactGraph, ids: BytesArray) -> tuple[list[_Column], int]:
    n, m = max(graph.n, 1), graph.m
    u = graph.edge_u.astype(np.int64)
    v = graph.edge_v.astype(np.int64)
    tie_keys = u * n + v  # ascending: ties are sorted
    rs = graph.recruit_source.astype(np.int64)
    rt = graph.recruit_target.astype(np.int64)
    rec_tie = np.searchsorted(tie_keys, np.minimum(rs, rt) * n + np.maximum(rs, rt))
    # the first recruitment of a tie orients its row; a second (the other way) gets a new row
    _, first = np.unique(rec_tie, return_index=True)
    second = np.setdiff1d(np.arange(rec_tie.shape[0]), first)
    source, target = u.copy(), v.copy()
    recruited = np.zeros(m, dtype=np.int64)
    source[rec_tie[first]] = rs[first]
    target[rec_tie[first]] = rt[first]
    recruited[rec_tie[first]] = 1
    tie = np.concatenate([np.arange(m, dtype=np.int64), rec_tie[second]])
    source = np.concatenate([source, rs[second]])
    target = np.concatenate([target, rt[second]])
    recruited = np.concatenate([recruited, np.ones(second.shape[0], dtype=np.int64)])
    levels = _encode(["0", "1", "2", "3"])
    since = _dates(graph.edge_since)
    return [
        _Column(ids, source),
        _Column(ids, target),
        *[_Column(levels, graph.strength[t.value].astype(np.int64)[tie]) for t in TRUST_TYPES],
        _Column(_encode(["no", "yes"]), recruited),
        _Column(since.table, since.index[tie]),
    ], int(tie.shape[0])


def _needs_quotes(table: BytesArray) -> bool:
    """Whether any value would need CSV quoting (or holds a NUL, which the writer drops)."""
    blob = b"".join(table.tolist())  # one C-speed pass; tolist keeps interior NULs
    return any(char in blob for char in (b",", b'"', b"\n", b"\r", b"\x00"))


def _write_table(
    path: Path, header: Sequence[str], columns: list[_Column], rows: int, chunk_rows: int
) -> None:
    """Write a CSV table whose cells are ``table[index]`` per column, fast.

    Each chunk of rows becomes a byte matrix, one fixed-width block per column (NUL padded),
    with the commas and newlines in between; dropping the NULs leaves exactly the CSV text.
    """
    if any(_needs_quotes(c.table) for c in columns):
        _write_table_csv(path, header, columns)
        return
    # each column's place in a row: a comma before it (unless glued), then its fixed width
    offsets: list[int] = []
    width = 0
    for i, column in enumerate(columns):
        width += 1 if i > 0 and not column.glued else 0
        offsets.append(width)
        width += column.table.dtype.itemsize
    width += 1  # the newline
    commas = [offsets[i] - 1 for i, c in enumerate(columns) if i > 0 and not c.glued]
    step = max(chunk_rows, 1)
    matrix = np.empty((min(rows, step), width), dtype=np.uint8)
    with path.open("wb") as handle:
        handle.write((",".join(header) + "\n").encode())
        for start in range(0, rows, step):
            count = min(rows, start + step) - start
            block = matrix[:count]
            block[:, commas] = ord(",")
            block[:, -1] = ord("\n")
            for column, offset in zip(columns, offsets, strict=True):
                cells = column.table[column.index[start:start + count]]
                size = column.table.dtype.itemsize
                block[:, offset:offset + size] = cells.view(np.uint8).reshape(count, size)
            handle.write(block[block != 0].tobytes())


def _write_table_csv(path: Path, header: Sequence[str], columns: list[_Column]) -> None:
    """The same table through the csv module, for values that need quoting."""
    cells: list[list[str]] = []
    for column in columns:
        values = [b.decode() for b in column.table[column.index].tolist()]
        if column.glued and cells:
            cells[-1] = [a + b for a, b in zip(cells[-1], values, strict=True)]
        else:
            cells.append(values)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*cells, strict=True))
