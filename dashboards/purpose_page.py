"""What the purpose page and its printable sheet show, from the board: pure, no Flask, no store.

``board_view`` turns a ``graph.purpose.board.Board`` (and the ``PurposeState`` it was built
from) into the page's columns: *our*, *shared* and *purpose* with each contribution's author in
words, filtered by round when the reader picks one, long lists cut to ``limit`` cards (the
whole list on request, the CSV always has everything); the warnings with their evidence in
words; the figures of who made the purpose, by group, with a table of the same numbers.
``sheet_view`` is the current statement and how it was made, for one sheet of A4.

The warnings, balance and questions are about the whole purpose, whatever round is picked: a
round filter narrows the cards, never the judgement.

Example:
    >>> evidence_lines({"counted": "contributions", "shares": {"people": 0.2}})
    [('counted', 'contributions'), ('shares', 'the people 20%')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dashboards.purpose_figures import ANSWER_WORDS, mix_rows, review_counts
from dashboards.words import group_label, percent, segment_label
from graph.compact import CompactGraph
from graph.model import GROUPS
from graph.purpose.board import Board
from graph.purpose.model import Answer, Element, SharedKind, StatementStatus
from graph.purpose.records import PurposeState

__all__ = [
    "KIND_WORDS",
    "STATUS_WORDS",
    "WARNING_TITLES",
    "BoardView",
    "board_view",
    "evidence_lines",
    "sheet_view",
]

KIND_WORDS: dict[str, tuple[str, str]] = {
    "left_out": ("We have left out…", "Who is missing from our people, in contributors' words"),
    SharedKind.STORY.value: ("Stories", "Why this change matters to them"),
    SharedKind.VALUE.value: ("Values", "What we care about"),
    SharedKind.COMMONALITY.value: ("What we have in common", "What unites us"),
    SharedKind.DIFFERENCE.value: ("Differences", "Where we differ: to work through, not hide"),
    Element.PURPOSE.value: ("Draft wordings", "Why we act, in contributors' own words"),
}
"""Each list of contribution cards: its heading and what it holds."""
STATUS_WORDS: dict[str, str] = {
    StatementStatus.DRAFT.value: "draft", StatementStatus.PROTOTYPE.value: "prototype",
    StatementStatus.GOOD_ENOUGH.value: "good enough", StatementStatus.CURRENT.value: "current",
    StatementStatus.RETIRED.value: "retired"}
WARNING_TITLES: dict[str, str] = {
    "group_imbalance": "Group balance", "missing_voices": "Missing voices",
    "hippo": "No HIPPOs", "reads_like_aim": "Reads like an aim",
    "service_role": "Reads like a service role", "de_facto_purpose": "De facto purpose",
    "persona_unreflected": "A persona not reflected"}
_STATUS_ICON = {"attention": "needs attention", "answered": "answered", "not_yet": "not yet"}


@dataclass(frozen=True)
class BoardView:
    """Everything the purpose page shows, as plain values for the template."""

    rounds: list[dict[str, Any]]
    round: str | None
    our: dict[str, Any]
    lists: dict[str, dict[str, Any]]
    themes: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    current: dict[str, Any] | None
    aims: list[dict[str, Any]]
    personas: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    checklist: list[dict[str, Any]]
    mix: list[dict[str, Any]]
    reviews: dict[str, dict[str, int]]
    contributions: int


def _words(value: Any) -> str:
    if isinstance(value, float):
        return percent(value) if 0 <= value <= 1 else f"{value:g}"
    if isinstance(value, dict):
        if set(value) <= {g.value for g in GROUPS} | {"not_in_map"} and value:
            return ", ".join(f"{group_label(k, title=False)} {_words(v)}" for k, v in value.items())
        return ", ".join(f"{k.replace('_', ' ')} {_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) and "words" in v for v in value):
            return "; ".join(f"“{v['words']}” ({str(v.get('rule', '')).replace('_', ' ')})"
                             for v in value)
        return ", ".join(segment_label(v) if isinstance(v, str) and ":" in v else _words(v)
                         for v in value) or "none"
    if value is None:
        return "none"
    return str(value).replace("_", " ") if isinstance(value, str) and " " not in str(value) \
        else str(value)


def evidence_lines(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A warning's evidence as ``(what, in words)`` lines; the wording itself and the offer are
    shown elsewhere on the page."""
    return [(key.replace("_", " "), _words(value)) for key, value in evidence.items()
            if key not in ("text", "offer")]


def _who(ref: str, name_of: Callable[[str], str]) -> str:
    kind, _, value = ref.partition(":")
    return name_of(value) if kind == "person" else value


def _card(card: Mapping[str, Any], name_of: Callable[[str], str]) -> dict[str, Any]:
    group = card.get("group")
    return {**card, "who": _who(str(card["contributor"]), name_of),
            "group_label": group_label(group) if group else "not a person in the map"}


def _listed(cards: Sequence[Mapping[str, Any]], key: str, round_id: str | None,
            name_of: Callable[[str], str], limit: int, everything: bool) -> dict[str, Any]:
    """One list of cards: the round's (or all), newest first, cut to ``limit``."""
    kept = [c for c in cards if round_id is None or c.get("round") == round_id]
    kept.reverse()
    shown = kept if everything else kept[:limit]
    title, hint = KIND_WORDS[key]
    return {"key": key, "title": title, "hint": hint, "total": len(kept),
            "cards": [_card(c, name_of) for c in shown]}


def _statement(statement: Mapping[str, Any], name_of: Callable[[str], str]
               ) -> dict[str, Any]:
    versions = []
    for v in statement["versions"]:
        answers = {a.value: [r for r in v["reviews"] if r["answer"] == a.value] for a in Answer}
        versions.append({
            **v, "status_words": STATUS_WORDS[v["status"]],
            "drafters": [_who(_ref(w), name_of) for w in v["drafted_by"]],
            "can_live_with": len(answers[Answer.CAN_LIVE_WITH.value]),
            "cannot_yet": [{"who": _who(_ref(r["reviewer"]), name_of), "reason": r["reason"],
                            "date": r["date"]} for r in answers[Answer.CANNOT_YET.value]]})
    versions.reverse()  # the latest first
    return {"id": statement["id"], "title": statement["title"], "versions": versions}


def _ref(who: Mapping[str, Any]) -> str:
    return f"person:{who['person']}" if who.get("person") else f"account:{who.get('account')}"


def board_view(board: Board, state: PurposeState, graph: CompactGraph,
               name_of: Callable[[str], str], *, round_id: str | None = None,
               limit: int = 30, everything: str | None = None) -> BoardView:
    """The page's view of ``board``: ``round_id`` filters the cards to one round, ``limit``
    cuts each list (``everything``: the key of one list shown whole)."""
    if round_id is not None and round_id not in state.rounds:
        round_id = None
    counts: dict[str, int] = {}
    for c in state.live_contributions().values():
        if c.round:
            counts[c.round] = counts.get(c.round, 0) + 1
    rounds = [{**r, "contributions": counts.get(r["id"], 0)} for r in board.rounds]
    sources: dict[str, list[dict[str, Any]]] = {"left_out": board.our["left_out"],
                                                **{k.value: board.shared[k.value]
                                                   for k in SharedKind},
                                                "purpose": board.purpose["contributions"]}
    lists = {key: _listed(cards, key, round_id, name_of, limit, everything == key)
             for key, cards in sources.items()}
    texts = {cid: c.text for cid, c in state.contributions.items()}
    themes = [{**t, "items": [{"id": cid, "text": texts.get(cid, "")}
                              for cid in t["contributions"][:5]],
               "more": max(0, len(t["contributions"]) - 5)} for t in board.shared["themes"]]
    statements = [_statement(s, name_of) for s in board.purpose["statements"]]
    titles = {s["id"]: s["title"] for s in statements}
    current = board.purpose["current"]
    if current is not None:
        current = {**current, "statement": titles.get(current["id"].rpartition("-v")[0], ""),
                   "status_words": STATUS_WORDS[current["status"]]}
    aims = [{**a, "statement_title": titles.get(a["statement"] or "", "")}
            for a in board.purpose["aims"]]
    personas = [{**p, "group_label": group_label(p["group"]),
                 "segment_words": [segment_label(s) for s in p["segments"]]}
                for p in board.personas]
    warnings = [{"kind": w.kind, "title": WARNING_TITLES.get(w.kind, w.kind),
                 "message": w.message, "evidence": evidence_lines(w.evidence),
                 "text": w.evidence.get("text"), "version": w.evidence.get("version"),
                 "offer": w.evidence.get("offer")} for w in board.warnings]
    checklist = [{**q.to_dict(), "status_words": _STATUS_ICON[q.status]}
                 for q in board.checklist]
    balance = board.balance
    groups = [{**g, "label": group_label(g["group"]),
               "contributors": balance.contributors.counts[i]}
              for i, g in enumerate(board.our["groups"])]
    our = {**board.our, "groups": groups}
    return BoardView(
        rounds=rounds, round=round_id, our=our, lists=lists, themes=themes,
        statements=statements, current=current, aims=aims, personas=personas,
        warnings=warnings, checklist=checklist,
        mix=mix_rows(balance.constituency, balance.contributions, balance.reviews),
        reviews=review_counts(graph, state),
        contributions=len(state.live_contributions()))


def sheet_view(board: Board, state: PurposeState, graph: CompactGraph,
               name_of: Callable[[str], str]) -> dict[str, Any]:
    """The current statement and its story, for the printable sheet: its parts, the rounds,
    the contributions by group, and the reviews of the current version by group and answer."""
    view = board_view(board, state, graph, name_of, limit=0)
    current = view.current
    version_reviews: dict[str, dict[str, int]] = {}
    drafters: list[str] = []
    if current is not None:
        version_reviews = review_counts(graph, state, [current["id"]])
        drafters = [_who(_ref(w), name_of) for w in current["drafted_by"]]
    reviewed = [{"label": group_label(k) if k != "not_in_map" else "Not in the map",
                 **{a: n for a, n in counts.items()}} for k, counts in version_reviews.items()
                if k != "not_in_map" or any(counts.values())]
    return {"current": current, "drafters": drafters, "rounds": view.rounds,
            "mix": view.mix, "reviews": reviewed, "answers": ANSWER_WORDS,
            "contributions": view.contributions, "aims": view.aims,
            "from_contributions": len(current["from_contributions"]) if current else 0,
            "warnings": [w["title"] for w in view.warnings]}
