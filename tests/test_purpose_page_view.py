"""What the purpose page shows, without a browser: its view of the board, its small figures and
the network coloured by each person's part, each checked against a plain recount of the items."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from dashboards.layout import compute_layout
from dashboards.network import NetworkFilters, network_view
from dashboards.purpose_figures import (
    PART_SYMBOLS,
    PART_WORDS,
    mix_figure,
    mix_rows,
    part_codes,
    review_counts,
    reviews_figure,
)
from dashboards.purpose_page import board_view, evidence_lines, sheet_view
from graph.compact import CompactGraph
from graph.model import GROUPS, Person, Relationship
from graph.purpose.board import build_board
from graph.purpose.model import (
    Contribution,
    Review,
    Round,
    Statement,
    StatementVersion,
)
from graph.purpose.parts import person_parts
from graph.purpose.records import PurposeState

TODAY = date(2026, 6, 1)


def _map(n: int = 60, seed: int = 4) -> tuple[CompactGraph, dict[str, str]]:
    rng = random.Random(seed)
    people = [Person(id=f"p{i}", name=f"Person {i}", group=rng.choice(GROUPS))
              for i in range(n)]
    ties = [Relationship(source=f"p{i}", target=f"p{(i + 1 + rng.randrange(n - 1)) % n}",
                         relational=1) for i in range(n)]
    ties = [t for t in ties if t.source != t.target]
    unique = list({tuple(sorted((t.source, t.target))): t for t in ties}.values())
    return (CompactGraph.from_records("m", people, unique),
            {p.id: p.group.value for p in people})


def _purpose(groups: dict[str, str], seed: int = 5) -> PurposeState:
    rng = random.Random(seed)
    ids = sorted(groups)
    state = PurposeState()
    state.rounds = {"r1": Round(title="One", opens="2026-01-01"),
                    "r2": Round(title="Two", opens="2026-02-01")}
    for i in range(40):
        element = rng.choice(["our", "shared", "purpose"])
        state.contributions[f"c{i + 1}"] = Contribution.model_validate({
            "element": element, "kind": rng.choice(["story", "value", "commonality",
                                                    "difference"])
            if element == "shared" else None, "text": f"said {i}", "date": "2026-03-01",
            "round": rng.choice(["r1", "r2", None]), "withdrawn": i % 9 == 0,
            "contributor": {"person": rng.choice(ids)} if i % 7 else {"account": "a@b.org"}})
    state.statements = {"s1": Statement(title="First")}
    state.versions = {"s1-v1": StatementVersion.model_validate({
        "purpose": "Everyone home", "date": "2026-04-01", "status": "current",
        "drafted_by": [{"person": ids[0]}]})}
    for i in range(12):
        state.reviews[f"rv{i + 1}"] = Review.model_validate({
            "version": "s1-v1", "reviewer": {"person": rng.choice(ids)} if i % 5 else
            {"account": "r@b.org"}, "answer": "can_live_with" if i % 3 else "cannot_yet",
            "reason": "" if i % 3 else "not yet", "date": "2026-04-02"})
    return state


def test_each_persons_part_code_is_the_part_person_parts_gives() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    parts = person_parts(graph.ids, state, invited={"p5", "p6"})
    codes = part_codes(graph.ids, parts)
    names = list(PART_WORDS)
    assert [names[c] for c in codes.tolist()] == [parts[pid] for pid in graph.ids]


def test_the_mix_rows_are_each_groups_share_recounted() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    board = build_board("m", graph, [], state, today=TODAY)
    rows = mix_rows(board.balance.constituency, board.balance.contributions,
                    board.balance.reviews)
    live = [c for c in state.contributions.values() if not c.withdrawn
            and c.contributor.person is not None]
    by_group = Counter(groups[c.contributor.person] for c in live if c.contributor.person)
    everyone = Counter(groups.values())
    for row in rows:
        assert row["contributions"] == pytest.approx(by_group[row["group"]] / len(live))
        assert row["constituency"] == pytest.approx(everyone[row["group"]] / len(groups))
    assert len(mix_figure(rows).data) == 3


def test_reviews_are_counted_by_group_and_answer() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    counts = review_counts(graph, state)
    plain: Counter[tuple[str, str]] = Counter()
    for r in state.reviews.values():
        key = groups[r.reviewer.person] if r.reviewer.person else "not_in_map"
        plain[(key, r.answer.value)] += 1
    assert {(g, a): n for g, answers in counts.items() for a, n in answers.items() if n} \
        == dict(plain)
    fig = reviews_figure(counts)
    assert sum(sum(t.y) for t in fig.data) == len(state.reviews)


def test_a_round_filter_keeps_that_rounds_cards_and_every_warning() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    board = build_board("m", graph, [], state, today=TODAY)
    everything = board_view(board, state, graph, lambda pid: pid, limit=1000)
    one = board_view(board, state, graph, lambda pid: pid, round_id="r2", limit=1000)
    shown = {c["id"] for lst in one.lists.values() for c in lst["cards"]}
    assert shown == {cid for cid, c in state.contributions.items()
                     if c.round == "r2" and not c.withdrawn}
    assert one.warnings == everything.warnings
    assert board_view(board, state, graph, str, round_id="r9").round is None


def test_long_lists_are_cut_newest_first_unless_shown_whole() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    board = build_board("m", graph, [], state, today=TODAY)
    view = board_view(board, state, graph, str, limit=2)
    purpose = [cid for cid, c in state.contributions.items()
               if c.element.value == "purpose" and not c.withdrawn]
    listed = view.lists["purpose"]
    assert listed["total"] == len(purpose)
    assert [c["id"] for c in listed["cards"]] == purpose[::-1][:2]
    whole = board_view(board, state, graph, str, limit=2, everything="purpose")
    assert len(whole.lists["purpose"]["cards"]) == len(purpose)


def test_the_sheet_counts_the_current_versions_reviews() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    board = build_board("m", graph, [], state, today=TODAY)
    sheet = sheet_view(board, state, graph, str)
    assert sheet["current"]["id"] == "s1-v1"
    assert sum(r["can_live_with"] + r["cannot_yet"] for r in sheet["reviews"]) == len(
        state.reviews)


def test_evidence_reads_in_words() -> None:
    lines = dict(evidence_lines({"counted": "reviews", "shares": {"people": 0.5,
                                                                  "givers_of_service": 0.5},
                                 "matches": [{"rule": "date", "words": "by April"}],
                                 "text": "left out", "offer": "move_to_aim"}))
    assert lines == {"counted": "reviews", "shares": "the people 50%, givers of service 50%",
                     "matches": "“by April” (date)"}


def test_the_network_coloured_by_part_draws_each_person_once_with_their_parts_mark() -> None:
    graph, groups = _map()
    state = _purpose(groups)
    parts = person_parts(graph.ids, state, invited={"p1", "p2", "p3"})
    view = network_view(graph, compute_layout(graph), NetworkFilters(colour="purpose"),
                        parts=part_codes(graph.ids, parts))
    drawn: dict[str, str] = {}
    for trace in view.figure.data:
        for key, words in PART_WORDS.items():
            if trace.name and trace.name.startswith(words + " ("):
                assert trace.marker.symbol == PART_SYMBOLS[key]
                for pid in trace.customdata:
                    assert pid not in drawn
                    drawn[pid.removeprefix("p:")] = key
    assert drawn == parts
    by_group = network_view(graph, compute_layout(graph), NetworkFilters(),
                            parts=part_codes(graph.ids, parts))
    assert not any(t.name and t.name.startswith("Contributed") for t in by_group.figure.data)


def test_an_unknown_colouring_is_refused() -> None:
    with pytest.raises(ValueError, match="colouring"):
        NetworkFilters(colour="rainbow")
