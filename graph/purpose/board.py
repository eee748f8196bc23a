"""The board of *our shared purpose*: one column per part, built from the map and the purpose.

Pure: the map (``CompactGraph``), its gaps (``graph.analysis.gaps``) and the purpose
(``PurposeState``) in; a ``Board`` out, which the API and the CLI show as JSON or CSV.

- **Our** (who are our people) is generated from the map: the three groups and how many people
  each has, the expected voices the gaps say are still missing (``MISSING_VOICE_GAPS``), and the
  contributions to *our* ("we have left out …").
- **Shared** (what unites us) holds the contributions by kind (story, value, commonality,
  difference) and the lead's themes.
- **Purpose** holds the contributions to *purpose*, the statements with their versions and
  reviews, the current statement and the aims under it.

Withdrawn contributions are left off. Beside the columns: the balance figures
(``graph.purpose.balance``), the warnings (``graph.purpose.warnings``) and the reflection
questions (``graph.purpose.checklist``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analysis.result import Gap
from graph.compact import CompactGraph
from graph.model import GROUPS
from graph.purpose.balance import Balance, purpose_balance
from graph.purpose.checklist import Question, reflection_questions
from graph.purpose.model import Contribution, Element, SharedKind
from graph.purpose.records import PurposeState
from graph.purpose.warnings import Warning, purpose_warnings

__all__ = ["CSV_COLUMNS", "MISSING_VOICE_GAPS", "Board", "board_csv", "build_board"]

MISSING_VOICE_GAPS: tuple[str, ...] = ("group_missing", "segment_missing", "group_unreached",
                                       "segment_unreached")
"""The gap kinds that name an expected voice still missing from the movement."""


@dataclass(frozen=True)
class Board:
    """The board of one map's purpose, as JSON values by column."""

    name: str
    our: dict[str, Any]
    shared: dict[str, Any]
    purpose: dict[str, Any]
    rounds: list[dict[str, Any]]
    personas: list[dict[str, Any]]
    balance: Balance
    warnings: list[Warning]
    checklist: list[Question]

    def to_dict(self) -> dict[str, Any]:
        return {"constituency": self.name, "our": self.our, "shared": self.shared,
                "purpose": self.purpose, "rounds": self.rounds, "personas": self.personas,
                "balance": self.balance.to_dict(),
                "warnings": [w.to_dict() for w in self.warnings],
                "checklist": [q.to_dict() for q in self.checklist]}


def _card(cid: str, c: Contribution, groups: dict[str, str]) -> dict[str, Any]:
    card: dict[str, Any] = {"id": cid, "text": c.text, "date": c.date.isoformat(),
                            "contributor": c.contributor.ref,
                            "group": groups.get(c.contributor.ref)}
    if c.kind is not None:
        card["kind"] = c.kind.value
    if c.round:
        card["round"] = c.round
    if c.picture:
        card["picture"] = c.picture
    return card


def _groups_of(graph: CompactGraph, state: PurposeState) -> dict[str, str]:
    """Each contributor in the map (as ``person:ID``) and their primary group's code name."""
    found: dict[str, str] = {}
    for c in state.contributions.values():
        pid = c.contributor.person
        ref = c.contributor.ref
        if pid is None or ref in found:
            continue
        try:
            found[ref] = GROUPS[int(graph.group[graph.index_of(pid)])].value
        except KeyError:
            continue
    return found


def _items(items: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": item_id, **item.model_dump(mode="json")} for item_id, item in items.items()]


def build_board(name: str, graph: CompactGraph, gaps: Sequence[Gap], state: PurposeState, *,
                today: date, review_days: int = 365) -> Board:
    """The board of map ``name`` (``gaps``: the map's gaps, most severe first)."""
    groups = _groups_of(graph, state)
    live = state.live_contributions()
    by_element: dict[Element, list[dict[str, Any]]] = {e: [] for e in Element}
    for cid, c in live.items():
        by_element[c.element].append(_card(cid, c, groups))
    balance = purpose_balance(graph, state)
    warnings = purpose_warnings(graph, state, today=today, review_days=review_days,
                                balance=balance)
    sizes = balance.constituency.counts
    our = {
        "groups": [{"group": g.value, "label": g.label, "people": sizes[i]}
                   for i, g in enumerate(GROUPS)],
        "people": graph.n,
        "missing_voices": [{"kind": g.kind, "subject": g.subject, "message": g.message}
                           for g in gaps if g.kind in MISSING_VOICE_GAPS],
        "left_out": by_element[Element.OUR],
    }
    shared = {
        kind.value: [card for card in by_element[Element.SHARED] if card["kind"] == kind.value]
        for kind in SharedKind}
    shared["themes"] = _items(state.themes)
    current = state.current()
    statements = []
    for sid, statement in state.statements.items():
        versions = []
        for vid, version in state.versions_of(sid):
            reviews = [{"id": rid, **r.model_dump(mode="json")}
                       for rid, r in state.reviews.items() if r.version == vid]
            versions.append({"id": vid, **version.model_dump(mode="json"), "reviews": reviews})
        statements.append({"id": sid, "title": statement.title, "versions": versions})
    purpose = {
        "contributions": by_element[Element.PURPOSE],
        "current": None if current is None else {"id": current[0],
                                                 **current[1].model_dump(mode="json")},
        "statements": statements,
        "aims": _items(state.aims),
    }
    checklist = reflection_questions(graph, state, balance, warnings,
                                     [g for g in gaps if g.kind in MISSING_VOICE_GAPS])
    return Board(name, our, shared, purpose, _items(state.rounds), _items(state.personas),
                 balance, warnings, checklist)


CSV_COLUMNS: tuple[str, ...] = ("column", "kind", "id", "text", "contributor", "group", "date",
                                "round", "picture")
"""The board as CSV: one row per contribution, group size and missing voice."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def board_csv(board: Board) -> str:
    """The board as CSV (``CSV_COLUMNS``): the groups and missing voices of *our*, then every
    contribution by column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in board.our["groups"]:
        writer.writerow(["our", "group", g["group"], f"{g['people']} people", "", g["group"],
                         "", "", ""])
    for m in board.our["missing_voices"]:
        writer.writerow(["our", "missing_voice", m["subject"], m["message"], "", "", "", "",
                         ""])
    cards = [("our", c) for c in board.our["left_out"]]
    cards += [("shared", c) for kind in SharedKind for c in board.shared[kind.value]]
    cards += [("purpose", c) for c in board.purpose["contributions"]]
    for column, c in cards:
        writer.writerow([_cell(v) for v in (
            column, c.get("kind", "contribution"), c["id"], c["text"], c["contributor"],
            c["group"], c["date"], c.get("round", ""), c.get("picture", ""))])
    return out.getvalue()
