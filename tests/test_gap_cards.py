"""Gaps grouped by kind for a change lead: one card per kind, people named (never by id) and
linked, numbers in plain words (``graph.analysis.gap_groups``, ``dashboards.gap_cards``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from dashboards.gap_cards import Card, evidence_lines, gap_cards, message_parts
from graph.analysis import AnalysisOptions, analyse
from graph.analysis.gap_groups import KIND_WORDS, group_gaps
from graph.analysis.gaps import GAP_KINDS
from graph.analysis.result import Gap
from graph.compact import CompactGraph
from graph.demo import demo_constituency
from graph.model import Group, Person

AS_OF = date(2026, 3, 1)
NAMES = ["Zoë Ward", "Ann Lee", "Bo Chan", "Cy Obi", "Dot Hale", "Eli Roy"]


def _card_text(card: Card) -> list[str]:
    """Every piece of text a card shows (not the links' targets)."""
    texts = [card.title, card.todo, *(p.text for p in card.summary)]
    for f in card.findings:
        texts += [f.subject, *(p.text for p in f.parts)]
        for e in f.evidence:
            texts += [e.label, e.text, *(name for _, name in e.people)]
    return texts


def _lone_wolves() -> CompactGraph:
    """Six people engaged for years with no tie to anyone engaged, and one other person."""
    long_ago = AS_OF - timedelta(days=365 * 6 + 150)
    people = [Person(id=f"w{i}", name=n, group="people", engagement="leading", joined=long_ago)
              for i, n in enumerate(NAMES)]
    people.append(Person(id="x", group="system_leaders"))
    return CompactGraph.from_records("t", people, [])


def test_six_lone_wolves_are_one_card_with_six_names_each_linked() -> None:
    graph = _lone_wolves()
    gaps = analyse(graph, AnalysisOptions(as_of=AS_OF)).gaps
    assert sum(g.kind == "lone_wolf_at_risk" for g in gaps) == 6
    cards = gap_cards(gaps, lambda pid: graph.names[graph.index_of(pid)])
    (card,) = [c for c in cards if c.kind == "lone_wolf_at_risk"]
    assert len([c for c in cards if c.kind == card.kind]) == 1
    assert card.count == 6 and len(card.findings) == 6
    summary = "".join(p.text for p in card.summary)
    assert summary == f"6 lone wolves at risk of exhaustion: {', '.join(NAMES[:5])} and Eli Roy."
    assert sorted(p.person for p in card.summary if p.person) == [f"w{i}" for i in range(6)]
    for i, finding in enumerate(card.findings):
        linked = [(p.text, p.person) for p in finding.parts if p.person]
        assert linked == [(NAMES[i], f"w{i}")]
        assert finding.person == (f"w{i}", NAMES[i])


def test_cards_are_ordered_by_their_most_serious_gap_then_by_kind() -> None:
    gaps = [Gap("lone_wolf_at_risk", "medium", "a", "A is alone.", {"name": "A"}),
            Gap("group_missing", "high", "system_leaders", "Nobody leads."),
            Gap("lone_wolf_at_risk", "high", "b", "B is alone.", {"name": "B"}),
            Gap("unreached_component", "low", "isolated", "2 people are alone.")]
    groups = group_gaps(gaps)
    assert [(g.kind, g.severity, g.count) for g in groups] == [
        ("group_missing", "high", 1), ("lone_wolf_at_risk", "high", 2),
        ("unreached_component", "low", 1)]
    assert [g.subject for g in groups[1].gaps] == ["a", "b"]  # kept in the given order
    assert groups[0].summary == "Nobody leads."  # one gap: its own message


def test_every_gap_kind_has_a_title_a_noun_and_what_to_do() -> None:
    for kind in GAP_KINDS:
        words = KIND_WORDS[kind]
        assert words.title and words.one and words.many and words.todo.endswith(".")
        assert "_" not in words.title + words.many + words.todo


@pytest.fixture(scope="module")
def demo() -> tuple[CompactGraph, list[Card]]:
    constituency, people, relationships = demo_constituency(size=400)
    graph = CompactGraph.from_records(constituency.name, people, relationships,
                                      constituency.expected_segments)
    gaps = analyse(graph, AnalysisOptions(as_of=date(2026, 1, 1))).gaps
    return graph, gap_cards(gaps, lambda pid: graph.names[graph.index_of(pid)] or pid)


def test_demo_cards_show_names_never_ids_or_code_names(
    demo: tuple[CompactGraph, list[Card]],
) -> None:
    graph, cards = demo
    assert len({c.kind for c in cards}) == len(cards) >= 5
    ids = set(graph.ids)
    codes = {*GAP_KINDS, *(g.value for g in Group if "_" in g.value), "lone_wolf", "flow_of_value"}
    linked = 0
    for card in cards:
        for text in _card_text(card):
            assert not ids & set(re.findall(r"[\w-]+", text)), (card.kind, text)
            assert not any(code in text for code in codes), (card.kind, text)
            assert "None" not in text and "True" not in text and "False" not in text
        linked += sum(1 for f in card.findings for p in f.parts if p.person)
    assert linked > 0


def test_evidence_reads_in_plain_words_with_years_rounded_and_thresholds_explained() -> None:
    evidence = {"name": "Ann", "declared": None, "inferred": "lone_wolf", "years_engaged": 6.43,
                "engaged_ties": 1, "max_engaged_ties": 1, "min_years": 2.0,
                "engaged_contacts": ["o1"], "organisers": [], "share": 0.004, "hops": 1}
    lines = {e.label: (e.text, e.people) for e in evidence_lines(evidence, {"o1": "Olu"}.get)}
    assert lines["Engaged for"] == ("6 years", ())
    assert lines["Counted as alone with at most"][0] == "1 tie to other engaged people"
    assert lines["Counted as long engaged after"][0] == "2 years"
    assert lines["Declared role"][0] == "none" and lines["Suggested role"][0] == "lone wolf"
    assert lines["Engaged people they are tied to"] == ("", (("o1", "Olu"),))
    assert lines["Share"][0] == "0.4%" and lines["Reached means"][0] == "a direct tie"
    assert "Organisers among them" not in lines  # nothing to say
    assert "name" not in lines and "Name" not in lines


def test_message_parts_link_each_name_once_as_whole_words_longest_first() -> None:
    parts = message_parts("Ann Lee asked Ann and Annabel; Ann Lee again.",
                          {"a": "Ann", "al": "Ann Lee", "x": "Annabel"})
    assert [(p.text, p.person) for p in parts] == [
        ("Ann Lee", "al"), (" asked ", None), ("Ann", "a"), (" and ", None),
        ("Annabel", "x"), ("; Ann Lee again.", None)]
    assert "".join(p.text for p in parts) == "Ann Lee asked Ann and Annabel; Ann Lee again."
