"""Keeping the purpose honest: warnings in plain words, each with a fixed rule and its evidence.

Pure: the map (``CompactGraph``), the purpose (``PurposeState``), today and the review period
in; a list of ``Warning`` out (``{kind, message, evidence}``). The rules, exactly:

``group_imbalance``
    For contributions (not withdrawn) and for reviews, each by people in the map: a group's
    *representation* is its share of them divided by its share of the constituency (groups with
    nobody in the map aside). When the most represented group's representation is more than
    ``IMBALANCE_RATIO`` (2) times the least represented group's, it warns, from
    ``MIN_COUNTED`` (5) contributions or reviews. E.g. givers of service are 40% of the map and
    the people 40%: 8 contributions from givers of service and 2 from the people give 0.8/0.4 =
    2.0 and 0.2/0.4 = 0.5, a ratio of 4: a warning.
``missing_voices``
    Expected segments of the map held by no contributor (once there is a contribution); and
    lived experience: when the share of distinct contributors with lived experience is below
    half the map's share (from ``MIN_COUNTED`` contributors).
``hippo``
    For contributions, drafting (each drafter of each statement version: a version is an edit of
    the statement) and reviews: when the share by people with high formal power
    (``balance.HIGH_FORMAL_POWER``) is more than ``HIPPO_RATIO`` (2) times their share of the
    constituency and at least ``HIPPO_MIN_SHARE`` (25%), from ``MIN_COUNTED`` items (drafting:
    ``MIN_DRAFTING``, 3).
``reads_like_aim`` / ``service_role``
    The purpose of each statement's latest version that is not retired, read by
    ``graph.purpose.text_rules``: any match warns, naming the words.
``de_facto_purpose``
    Each aim that serves no statement with a good-enough or current version; and the current
    purpose when neither a version of its statement nor a review of one is dated within the
    map's ``purpose_review_days``.
``persona_unreflected``
    A persona when no contribution (not withdrawn) comes from a person of the group it stands
    for (primary or other group) who, when the persona has segments, holds one of them.

Example:
    >>> [w.kind for w in check_text("By 1 April 2021 we will provide beds within 24 hours")]
    ['reads_like_aim', 'service_role']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from graph.compact import CompactGraph
from graph.model import GROUPS, Group
from graph.purpose.balance import HIGH_FORMAL_POWER, Balance, GroupCounts, purpose_balance
from graph.purpose.model import StatementStatus
from graph.purpose.records import PurposeState
from graph.purpose.text_rules import aim_matches, service_role_matches
from graph.wording import segment_words

__all__ = [
    "HIPPO_MIN_SHARE",
    "HIPPO_RATIO",
    "IMBALANCE_RATIO",
    "MIN_COUNTED",
    "MIN_DRAFTING",
    "WARNING_KINDS",
    "Warning",
    "check_text",
    "purpose_warnings",
]

WARNING_KINDS: tuple[str, ...] = (
    "group_imbalance", "missing_voices", "hippo", "reads_like_aim", "service_role",
    "de_facto_purpose", "persona_unreflected",
)
IMBALANCE_RATIO = 2.0
HIPPO_RATIO = 2.0
HIPPO_MIN_SHARE = 0.25
MIN_COUNTED = 5
MIN_DRAFTING = 3

_AIM_ADVICE = (
    "A purpose says why we act and what we hope to achieve; an aim is a target with a date "
    "and a measure. Both are needed, purpose first. Keep the why here and move the target "
    "to an aim (what, for whom, how much, by when, measured how).")
_ROLE_ADVICE = (
    "It reads as what a service will do rather than what the people of the constituency "
    "share. Try asking why that matters to the people it is for, and what it would change in "
    "their lives: that is a higher level of purpose everyone can own.")


@dataclass(frozen=True)
class Warning:
    """One warning: its kind (a code name), a message in plain words, and the evidence."""

    kind: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "evidence": self.evidence}


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def check_text(text: str, *, version: str | None = None) -> list[Warning]:
    """The warnings the words of a purpose give on their own (``reads_like_aim``,
    ``service_role``), without a map."""
    found: list[Warning] = []
    where = {"version": version} if version else {}
    aim = aim_matches(text)
    if aim:
        words = ", ".join(f"“{m.words}”" for m in aim[:5])
        found.append(Warning("reads_like_aim", (
            f"This purpose reads like an aim: {words}. {_AIM_ADVICE}"), {
            **where, "text": text, "matches": [m.to_dict() for m in aim],
            "offer": "move_to_aim"}))
    role = service_role_matches(text)
    if role:
        words = ", ".join(f"“{m.words}”" for m in role[:5])
        found.append(Warning("service_role", (
            f"This purpose reads like a service role: {words}. {_ROLE_ADVICE}"), {
            **where, "text": text, "matches": [m.to_dict() for m in role]}))
    return found


def _representation(counted: GroupCounts, mix: GroupCounts) -> dict[str, float]:
    shares, base = counted.shares(), mix.shares()
    return {g: shares[g] / base[g] for g in shares if base[g] > 0}


def _group_imbalance(balance: Balance) -> list[Warning]:
    found: list[Warning] = []
    for what, counted in (("contributions", balance.contributions),
                          ("reviews", balance.reviews)):
        if counted.total < MIN_COUNTED:
            continue
        rep = _representation(counted, balance.constituency)
        if len(rep) < 2:
            continue
        over = max(rep, key=lambda g: (rep[g], -GROUPS.index(Group(g))))
        under = min(rep, key=lambda g: (rep[g], GROUPS.index(Group(g))))
        if rep[over] <= IMBALANCE_RATIO * rep[under]:
            continue
        shares, mix = counted.shares(), balance.constituency.shares()
        why = (" A purpose written mostly by givers of service tends to describe a service "
               "role rather than a shared purpose." if over == Group.GIVERS_OF_SERVICE else "")
        found.append(Warning("group_imbalance", (
            f"{Group(over).label.capitalize()} made {_percent(shares[over])} of the {what} but "
            f"are {_percent(mix[over])} of the constituency, while {Group(under).label} made "
            f"{_percent(shares[under])} and are {_percent(mix[under])}.{why} Invite "
            f"{Group(under).label} to add their voice."), {
            "counted": what, "over": over, "under": under,
            "ratio": None if rep[under] == 0 else round(rep[over] / rep[under], 3),
            "shares": {k: round(v, 4) for k, v in shares.items()},
            "constituency_shares": {k: round(v, 4) for k, v in mix.items()}}))
    return found


def _missing_voices(graph: CompactGraph, state: PurposeState, balance: Balance
                    ) -> list[Warning]:
    found: list[Warning] = []
    live = state.live_contributions()
    if live and graph.expected_segments:
        held: set[str] = set()
        for node in _contributor_nodes(graph, state):
            held.update(graph.segments_of(node))
        missing = [s for s in graph.expected_segments if s not in held]
        if missing:
            listed = ", ".join(segment_words(s) for s in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            found.append(Warning("missing_voices", (
                f"No contribution yet from {listed}{more}: voices you expected to be part of "
                "the movement. Invite them before the statement is drafted."), {
                "what": "segments", "segments": missing}))
    lived = balance.lived_experience
    mine, everyone = lived["contributors"], lived["constituency"]
    if mine.total >= MIN_COUNTED and everyone.share > 0 and mine.share < everyone.share / 2:
        found.append(Warning("missing_voices", (
            f"{_percent(mine.share)} of the people who contributed have lived experience, "
            f"against {_percent(everyone.share)} of the map. Purpose must be shaped with the "
            "people who live with the issue: ask them first."), {
            "what": "lived_experience", "contributors": mine.to_dict(),
            "constituency": everyone.to_dict()}))
    return found


def _node(graph: CompactGraph, person: str | None) -> int | None:
    """The node of a person in the map, or ``None`` (an account, or someone not in it)."""
    if person is None:
        return None
    try:
        return graph.index_of(person)
    except KeyError:
        return None


def _contributor_nodes(graph: CompactGraph, state: PurposeState) -> list[int]:
    """The distinct people in the map who made a contribution (not withdrawn)."""
    nodes = {_node(graph, c.contributor.person) for c in state.live_contributions().values()}
    return sorted(n for n in nodes if n is not None)


def _hippo(balance: Balance) -> list[Warning]:
    base = balance.power["constituency"].share
    found: list[Warning] = []
    words = {"contributions": "of the contributions", "drafting": "of the statement drafting",
             "reviews": "of the reviews"}
    for what, least in (("contributions", MIN_COUNTED), ("drafting", MIN_DRAFTING),
                        ("reviews", MIN_COUNTED)):
        counted = balance.power[what]
        if counted.total < least:
            continue
        if counted.share > HIPPO_RATIO * base and counted.share >= HIPPO_MIN_SHARE:
            found.append(Warning("hippo", (
                f"People with high formal power made {_percent(counted.share)} {words[what]}, "
                f"though they are {_percent(base)} of the constituency. No HIPPOs: the "
                "highest-paid person's opinion should not set the purpose; make room for "
                "other voices."), {
                "counted": what, "high_formal_power_from": HIGH_FORMAL_POWER,
                **counted.to_dict(), "constituency_share": round(base, 4)}))
    return found


def _statement_texts(state: PurposeState) -> list[tuple[str, str]]:
    """The purpose of each statement's latest version that is not retired."""
    found = []
    for sid in state.statements:
        versions = [(vid, v) for vid, v in state.versions_of(sid)
                    if v.status is not StatementStatus.RETIRED]
        if versions:
            vid, version = versions[-1]
            found.append((vid, version.purpose))
    return found


_PURPOSEFUL = (StatementStatus.GOOD_ENOUGH, StatementStatus.CURRENT)


def _de_facto(state: PurposeState, today: date, review_days: int) -> list[Warning]:
    found: list[Warning] = []
    served = {vid.rpartition("-v")[0] for vid, v in state.versions.items()
              if v.status in _PURPOSEFUL}
    orphans = [aid for aid, aim in state.aims.items() if aim.statement not in served]
    if orphans:
        found.append(Warning("de_facto_purpose", (
            f"{len(orphans)} aim{'s' * (len(orphans) != 1)} serve{'s' * (len(orphans) == 1)} "
            "no good-enough purpose. Aims with no purpose leave a de facto purpose: targets "
            "and compliance. Link each aim to the purpose it serves, or agree that purpose "
            "first."), {"aims": orphans}))
    current = state.current()
    if current is not None:
        sid = current[0].rpartition("-v")[0]
        days = [v.date for _vid, v in state.versions_of(sid)]
        ids = {vid for vid, _v in state.versions_of(sid)}
        days += [r.date for r in state.reviews.values() if r.version in ids]
        last = max(days)
        if (today - last).days > review_days:
            found.append(Warning("de_facto_purpose", (
                f"The purpose has not been revisited since {last.isoformat()} "
                f"({(today - last).days} days, more than the {review_days} this map allows). "
                "A purpose left alone drifts into targets and compliance: open a round to "
                "revisit it."), {"statement": sid, "last_revisited": last.isoformat(),
                                 "review_days": review_days}))
    return found


def _personas(graph: CompactGraph, state: PurposeState) -> list[Warning]:
    found: list[Warning] = []
    nodes = np.asarray(_contributor_nodes(graph, state), dtype=np.int64)
    for pid, persona in state.personas.items():
        bit = 1 << persona.group.index
        ok = nodes[(graph.member_of[nodes].astype(np.int64) & bit) != 0] if len(nodes) else nodes
        if persona.segments and len(ok):
            wanted = set(persona.segments)
            ok = np.asarray([n for n in ok.tolist() if wanted & set(graph.segments_of(n))],
                            dtype=np.int64)
        if len(ok) == 0:
            among = (" from " + ", ".join(segment_words(s) for s in persona.segments[:3])
                     if persona.segments else "")
            found.append(Warning("persona_unreflected", (
                f"{persona.name} stands for {persona.group.label}{among}, but none of them has "
                f"contributed yet. Ask them: would {persona.name}'s story ring true?"), {
                "persona": pid, "group": persona.group.value,
                "segments": list(persona.segments)}))
    return found


def purpose_warnings(graph: CompactGraph, state: PurposeState, *, today: date,
                     review_days: int = 365, balance: Balance | None = None
                     ) -> list[Warning]:
    """Every warning about the map's purpose, in ``WARNING_KINDS`` order."""
    figures = balance or purpose_balance(graph, state)
    found = _group_imbalance(figures)
    found += _missing_voices(graph, state, figures)
    found += _hippo(figures)
    texts: list[Warning] = []
    for vid, text in _statement_texts(state):
        texts += check_text(text, version=vid)
    found += sorted(texts, key=lambda w: WARNING_KINDS.index(w.kind))
    found += _de_facto(state, today, review_days)
    found += _personas(graph, state)
    return found


def kinds(warnings: Sequence[Warning]) -> list[str]:
    """The kinds of ``warnings``, in order (a short view for tests and the checklist)."""
    return [w.kind for w in warnings]
