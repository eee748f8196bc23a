"""The board, the reflection questions, each person's part and the exports."""

from __future__ import annotations

import csv
import io
from datetime import date

from graph.analysis import analyse
from graph.compact import CompactGraph
from graph.model import GROUPS, Person
from graph.purpose.board import CSV_COLUMNS, board_csv, build_board
from graph.purpose.model import (
    Aim,
    Contribution,
    Review,
    Statement,
    StatementVersion,
    Theme,
)
from graph.purpose.parts import person_parts
from graph.purpose.records import PurposeState

TODAY = date(2026, 6, 1)


def small_map() -> CompactGraph:
    persons = [Person(id=f"p{i}", group=GROUPS[i % 3], segments=[f"locality:L{i % 2}"])
               for i in range(9)]
    graph = CompactGraph.from_records("bay", persons, [])
    graph.expected_segments = ("locality:L0", "locality:L1", "community:Deaf")
    return graph


def said(cid: str, who: str, element: str = "purpose", **values: object
         ) -> tuple[str, Contribution]:
    return cid, Contribution(**{"element": element, "text": f"words of {cid}",
                                "date": "2026-05-01", "contributor": {"person": who},
                                **values})


def purpose() -> PurposeState:
    return PurposeState(
        contributions=dict([
            said("c1", "p0", "our", text="We have left out young carers"),
            said("c2", "p1", "shared", kind="story", picture="photos/dad.jpg"),
            said("c3", "p2", "shared", kind="value"),
            said("c4", "p3", "purpose"),
            said("c5", "p4", "purpose", withdrawn=True),
            ("c6", Contribution(element="shared", kind="difference", text="=HYPERLINK()",
                                date="2026-05-01", contributor={"account": "x@y.org"})),
        ]),
        themes={"t1": Theme(title="Home", mark="unites", contributions=["c2", "c3"])},
        statements={"s1": Statement(title="Home first")},
        versions={"s1-v1": StatementVersion(purpose="Everyone home when ready",
                                            status="current", date="2026-05-10",
                                            drafted_by=[{"person": "p5"}])},
        reviews={"rv1": Review(version="s1-v1", reviewer={"person": "p6"},
                               answer="can_live_with", date="2026-05-11")},
        aims={"a1": Aim(what="Fewer delays", statement="s1")},
    )


def test_the_board_has_our_from_the_map_and_the_contributions_by_column() -> None:
    graph = small_map()
    gaps = analyse(graph).gaps
    board = build_board("bay", graph, gaps, purpose(), today=TODAY).to_dict()
    assert [(g["group"], g["people"]) for g in board["our"]["groups"]] == [
        (g.value, sum(1 for i in range(9) if i % 3 == k)) for k, g in enumerate(GROUPS)]
    assert "community:Deaf" in [m["subject"] for m in board["our"]["missing_voices"]]
    assert [c["id"] for c in board["our"]["left_out"]] == ["c1"]
    assert [c["id"] for c in board["shared"]["story"]] == ["c2"]
    assert board["shared"]["story"][0]["picture"] == "photos/dad.jpg"
    assert board["shared"]["story"][0]["group"] == "givers_of_service"
    assert [c["id"] for c in board["purpose"]["contributions"]] == ["c4"]  # c5 withdrawn
    assert board["purpose"]["current"]["id"] == "s1-v1"
    assert board["purpose"]["statements"][0]["versions"][0]["reviews"][0]["id"] == "rv1"
    assert board["shared"]["difference"][0]["group"] is None
    assert [q["key"] for q in board["checklist"]] == [
        "our_people", "what_unites", "purpose_beyond_aims", "inclusive_process"]


def test_the_reflection_questions_answer_from_the_data() -> None:
    graph = small_map()
    board = build_board("bay", graph, analyse(graph).gaps, purpose(), today=TODAY)
    answers = {q.key: q for q in board.checklist}
    assert answers["our_people"].status == "attention"
    assert "community:Deaf" in answers["our_people"].evidence["missing_voices"]
    assert answers["what_unites"].status == "answered"
    assert answers["purpose_beyond_aims"].status == "answered"
    empty = build_board("bay", graph, [], PurposeState(), today=TODAY)
    assert [q.status for q in empty.checklist] == ["answered", "not_yet", "not_yet",
                                                    "not_yet"]


def test_the_csv_has_one_row_per_card_and_no_formula() -> None:
    graph = small_map()
    board = build_board("bay", graph, analyse(graph).gaps, purpose(), today=TODAY)
    rows = list(csv.DictReader(io.StringIO(board_csv(board))))
    assert tuple(rows[0]) == CSV_COLUMNS
    cards = [r["id"] for r in rows if r["kind"] not in ("group", "missing_voice")]
    assert sorted(cards) == ["c1", "c2", "c3", "c4", "c6"]
    assert next(r for r in rows if r["id"] == "c6")["text"] == "'=HYPERLINK()"


def test_each_persons_part_is_their_strongest() -> None:
    parts = person_parts([f"p{i}" for i in range(9)], purpose(), invited={"p4", "p6", "p7"})
    assert parts == {"p0": "contributed", "p1": "contributed", "p2": "contributed",
                     "p3": "contributed", "p4": "invited_silent",  # withdrew their only one
                     "p5": "contributed",  # drafted
                     "p6": "reviewed", "p7": "invited_silent", "p8": "never_invited"}


def test_the_benchmark_runs_on_a_small_map() -> None:
    from bench.purpose import run

    result = run(300, 4, 1, contributions=200)
    assert result["board"]["median_s"] > 0 and "group_imbalance" in result["warnings"]
