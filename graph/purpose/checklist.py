"""The reflection questions of a map's purpose, each answered from the data where it can be.

1. ``our_people``: who are your people? (the groups, and the missing voices)
2. ``what_unites``: what unites everyone? (stories, values, commonalities; themes that unite)
3. ``purpose_beyond_aims``: what is your purpose beyond your aims? (a good-enough statement,
   and whether it reads like an aim)
4. ``inclusive_process``: what inclusive process are you using? (rounds, contributors from
   every group, reviews, and the balance warnings)

Each answer is ``attention`` when the data shows something to work on, ``answered`` when it
gives an answer with nothing flagged, ``not_yet`` when there is nothing to answer from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.analysis.result import Gap
from graph.compact import CompactGraph
from graph.model import GROUPS
from graph.purpose.balance import Balance
from graph.purpose.model import Element, SharedKind, ThemeMark
from graph.purpose.records import PurposeState
from graph.purpose.warnings import Warning

__all__ = ["QUESTIONS", "Question", "reflection_questions"]

QUESTIONS: dict[str, str] = {
    "our_people": "Who are your people?",
    "what_unites": "What unites everyone?",
    "purpose_beyond_aims": "What is your purpose beyond your aims?",
    "inclusive_process": "What inclusive process are you using?",
}


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    status: str
    answer: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "question": self.question, "status": self.status,
                "answer": self.answer, "evidence": self.evidence}


_NOUNS = {GROUPS[0]: "people", GROUPS[1]: "givers of service", GROUPS[2]: "system leaders"}


def _voice(gap: Gap) -> str:
    """A missing voice in words: a segment as written, a group by its label."""
    groups = {g.value: g for g in GROUPS}
    if gap.subject in groups:
        return f"{groups[gap.subject].label} ({gap.kind.replace('_', ' ')})"
    return gap.subject


def _kinds(warnings: Sequence[Warning], *kinds: str) -> list[str]:
    return [w.message for w in warnings if w.kind in kinds]


def reflection_questions(graph: CompactGraph, state: PurposeState, balance: Balance,
                         warnings: Sequence[Warning], missing: Sequence[Gap]
                         ) -> list[Question]:
    """The four questions, answered from the map, the purpose and its warnings."""
    sizes = ", ".join(f"{c:,} {_NOUNS[g]}" for g, c in zip(GROUPS, balance.constituency.counts,
                                                           strict=True))
    voices = [_voice(g) for g in missing] + [
        s for w in warnings if w.kind == "missing_voices" for s in w.evidence.get("segments",
                                                                                  [])]
    our = Question("our_people", QUESTIONS["our_people"],
                   "not_yet" if graph.n == 0 else "attention" if voices else "answered",
                   f"The map holds {sizes}." + (
                       f" Still missing: {', '.join(dict.fromkeys(voices[:8]))}."
                       if voices else " No expected voice is missing."),
                   {"missing_voices": list(dict.fromkeys(voices))})

    live = state.live_contributions().values()
    shared = {k.value: sum(1 for c in live if c.kind is k) for k in SharedKind}
    unites = [t.title for t in state.themes.values() if t.mark is ThemeMark.UNITES]
    differs = [t.title for t in state.themes.values() if t.mark is ThemeMark.DIFFERS]
    unite_status = ("not_yet" if not any(shared.values()) else
                    "answered" if unites else "attention")
    unite = Question("what_unites", QUESTIONS["what_unites"], unite_status, (
        f"{sum(shared.values())} contributions to shared ({shared['story']} stories, "
        f"{shared['value']} values, {shared['commonality']} commonalities, "
        f"{shared['difference']} differences); themes that unite: "
        f"{', '.join(unites) or 'none yet'}; differences to work through: "
        f"{', '.join(differs) or 'none named'}."), {"shared": shared, "unites": unites,
                                                     "differs": differs})

    current = state.current()
    flagged = _kinds(warnings, "reads_like_aim", "de_facto_purpose")
    purpose_status = ("not_yet" if current is None and not state.aims else
                      "attention" if current is None or flagged else "answered")
    purpose = Question("purpose_beyond_aims", QUESTIONS["purpose_beyond_aims"],
                       purpose_status, (
                           f"Our purpose ({current[0]}): {current[1].purpose}"
                           if current else "No good-enough purpose statement yet.")
                       + f" {len(state.aims)} aim{'s' * (len(state.aims) != 1)} under it."
                       + "".join(f" {m}" for m in flagged[:2]),
                       {"current": None if current is None else current[0],
                        "aims": len(state.aims), "warnings": len(flagged)})

    contributors = balance.contributors
    absent = [g.label for g, c in zip(GROUPS, contributors.counts, strict=True) if c == 0]
    lopsided = _kinds(warnings, "group_imbalance", "hippo")
    purposeful = sum(1 for c in live if c.element is Element.PURPOSE)
    process_status = ("not_yet" if not state.rounds and not state.contributions else
                      "attention" if absent or lopsided else "answered")
    process = Question("inclusive_process", QUESTIONS["inclusive_process"], process_status, (
        f"{len(state.rounds)} round{'s' * (len(state.rounds) != 1)}, "
        f"{contributors.total + contributors.not_in_map} contributors, "
        f"{len(state.reviews)} reviews, {purposeful} contributions to purpose."
        + (f" No contribution yet from {', '.join(absent)}." if absent else "")
        + "".join(f" {m}" for m in lopsided[:2])),
        {"rounds": len(state.rounds), "groups_without_contributors": absent,
         "warnings": len(lopsided)})
    return [our, unite, purpose, process]
