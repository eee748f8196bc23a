"""Keeping the purpose honest: each warning rule on hand-made maps and purposes, and the
balance figures against a plain reference computation."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from graph.compact import CompactGraph
from graph.model import GROUPS, Person
from graph.purpose.balance import HIGH_FORMAL_POWER, purpose_balance
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Statement,
    StatementVersion,
    Who,
)
from graph.purpose.records import PurposeState
from graph.purpose.warnings import purpose_warnings

TODAY = date(2026, 6, 1)


def people(spec: dict[str, int], **values: Any) -> list[Person]:
    """``{"people": 4, "givers_of_service": 4}`` → p0…, g0…, s0… of those groups."""
    found = []
    for group, k in spec.items():
        found += [Person(id=f"{group[0]}{i}", group=group, **values) for i in range(k)]
    return found


def graph_of(persons: list[Person], expected: tuple[str, ...] = ()) -> CompactGraph:
    g = CompactGraph.from_records("x", persons, [])
    g.expected_segments = expected
    return g


def said(who: str, element: str = "purpose", **values: Any) -> Contribution:
    return Contribution(**{"element": element, "text": "why it matters", "date": "2026-05-01",
                           "contributor": {"person": who}, **values})


def state_with(contributions: list[Contribution], **items: Any) -> PurposeState:
    return PurposeState(contributions={f"c{i + 1}": c for i, c in enumerate(contributions)},
                        **items)


def warned(graph: CompactGraph, state: PurposeState, kind: str, **kwargs: Any) -> list[Any]:
    return [w for w in purpose_warnings(graph, state, today=TODAY, **kwargs) if w.kind == kind]


# -- group_imbalance --------------------------------------------------------------------------

def test_givers_of_service_over_twice_the_peoples_representation_warn() -> None:
    g = graph_of(people({"people": 4, "givers_of_service": 4, "system_leaders": 2}))
    state = state_with([said(f"g{i % 4}") for i in range(7)] + [said("p0"), said("s0"),
                                                                 said("s1")])
    found = warned(g, state, "group_imbalance")
    assert [w.evidence["over"] for w in found] == ["givers_of_service"]
    assert found[0].evidence["under"] == "people"
    assert "service role" in found[0].message


def test_contributions_in_the_constituencys_mix_do_not_warn() -> None:
    g = graph_of(people({"people": 4, "givers_of_service": 4, "system_leaders": 2}))
    state = state_with([said("p0"), said("p1"), said("g0"), said("g1"), said("s0")])
    assert warned(g, state, "group_imbalance") == []


def test_exactly_twice_does_not_warn_and_just_over_does() -> None:
    g = graph_of(people({"people": 5, "givers_of_service": 5}))
    at_twice = state_with([said("g0")] * 4 + [said("p0")] * 2)  # 2/3 vs 1/3: ratio 2
    assert warned(g, at_twice, "group_imbalance") == []
    over = state_with([said("g0")] * 5 + [said("p0")] * 2)
    assert len(warned(g, over, "group_imbalance")) == 1


def test_too_few_contributions_and_accounts_outside_the_map_do_not_count() -> None:
    g = graph_of(people({"people": 5, "givers_of_service": 5}))
    few = state_with([said("g0")] * 4)
    assert warned(g, few, "group_imbalance") == []
    outside = [Contribution(element="our", text="t", date="2026-05-01",
                            contributor={"account": f"a{i}@x.org"}) for i in range(9)]
    assert warned(g, state_with(outside + [said("g0")]), "group_imbalance") == []


def test_reviews_lopsided_to_one_group_warn_on_their_own() -> None:
    g = graph_of(people({"people": 5, "givers_of_service": 5}))
    reviews = {f"rv{i}": Review(version="s1-v1", reviewer={"person": f"g{i}"},
                                answer="can_live_with", date="2026-05-02") for i in range(5)}
    found = warned(g, PurposeState(reviews=reviews), "group_imbalance")
    assert [w.evidence["counted"] for w in found] == ["reviews"]


# -- missing_voices ---------------------------------------------------------------------------

def test_an_expected_segment_with_no_contribution_is_a_missing_voice() -> None:
    persons = [Person(id="a", group="people", segments=["locality:Barrow"]),
               Person(id="b", group="people", segments=["locality:Ulverston"])]
    g = graph_of(persons, ("locality:Barrow", "locality:Ulverston", "community:Deaf"))
    found = warned(g, state_with([said("a")]), "missing_voices")
    assert found[0].evidence == {"what": "segments",
                                 "segments": ["locality:Ulverston", "community:Deaf"]}
    assert warned(g, PurposeState(), "missing_voices") == []  # nothing contributed yet


def test_contributors_with_half_the_maps_lived_experience_share_or_less_warn() -> None:
    persons = people({"people": 10}) + [Person(id=f"l{i}", group="people",
                                               lived_experience=True) for i in range(10)]
    g = graph_of(persons)  # half the map has lived experience
    lopsided = state_with([said(f"p{i}") for i in range(8)] + [said("l0")])  # 1 of 9
    found = warned(g, lopsided, "missing_voices")
    assert [w.evidence["what"] for w in found] == ["lived_experience"]
    balanced = state_with([said(f"p{i}") for i in range(5)] + [said("l0"), said("l1"),
                                                               said("l2")])  # 3 of 8
    assert warned(g, balanced, "missing_voices") == []


# -- hippo ------------------------------------------------------------------------------------

def test_high_formal_power_dominating_contributions_and_drafting_warns() -> None:
    persons = people({"people": 18}) + [Person(id=f"boss{i}", group="system_leaders",
                                               formal_power=3) for i in range(2)]
    g = graph_of(persons)  # 10% have high formal power
    state = state_with([said("boss0")] * 3 + [said("p0")] * 2, versions={
        "s1-v1": StatementVersion(purpose="p", date="2026-05-01", drafted_by=[
            Who(person="boss0"), Who(person="boss1"), Who(person="p1")])},
        statements={"s1": Statement(title="s")})
    found = warned(g, state, "hippo")
    assert [w.evidence["counted"] for w in found] == ["contributions", "drafting"]
    assert found[0].evidence["share"] == 0.6


def test_a_power_share_near_the_maps_does_not_warn() -> None:
    persons = people({"people": 6}) + [Person(id=f"boss{i}", group="system_leaders",
                                              formal_power=HIGH_FORMAL_POWER) for i in range(4)]
    g = graph_of(persons)  # 40%: twice is 80%
    state = state_with([said("boss0")] * 3 + [said("p0")] * 2)  # 60%
    assert warned(g, state, "hippo") == []


# -- reads_like_aim, service_role -------------------------------------------------------------

def versions(*texts: str, status: str = "draft") -> dict[str, Any]:
    return {"statements": {"s1": Statement(title="s")},
            "versions": {f"s1-v{i + 1}": StatementVersion(purpose=t, date="2026-05-01",
                                                          status=status)
                         for i, t in enumerate(texts)}}


def test_only_the_latest_version_not_retired_is_read() -> None:
    g = graph_of(people({"people": 2}))
    aim_then_purpose = PurposeState(**versions(
        "By 1st April 2021, we will transfer every patient within 24 hours",
        "every person in a hospital bed gets mobilised when they are ready"))
    assert warned(g, aim_then_purpose, "reads_like_aim") == []
    purpose_then_aim = PurposeState(**versions(
        "every person in a hospital bed gets mobilised when they are ready",
        "By 1st April 2021, we will transfer every patient within 24 hours"))
    found = warned(g, purpose_then_aim, "reads_like_aim")
    assert [w.evidence["version"] for w in found] == ["s1-v2"]
    service = PurposeState(**versions("We will provide a discharge service"))
    assert [w.evidence["version"] for w in warned(g, service, "service_role")] == ["s1-v1"]


# -- de_facto_purpose -------------------------------------------------------------------------

def test_aims_with_no_good_enough_purpose_leave_a_de_facto_purpose() -> None:
    g = graph_of(people({"people": 2}))
    drafts = PurposeState(aims={"a1": Aim(what="Fewer delays", statement="s1"),
                                "a2": Aim(what="Fewer falls")}, **versions("why"))
    assert warned(g, drafts, "de_facto_purpose")[0].evidence == {"aims": ["a1", "a2"]}
    agreed = PurposeState(aims={"a1": Aim(what="Fewer delays", statement="s1")},
                          **versions("why", status="current"))
    assert warned(g, agreed, "de_facto_purpose") == []


def test_a_purpose_not_revisited_within_the_maps_period_warns() -> None:
    g = graph_of(people({"people": 2}))
    old = PurposeState(**versions("why", status="current"))  # 2026-05-01, 31 days ago
    assert warned(g, old, "de_facto_purpose", review_days=31) == []
    found = warned(g, old, "de_facto_purpose", review_days=30)
    assert found[0].evidence["last_revisited"] == "2026-05-01"
    reviewed = PurposeState(reviews={"rv1": Review(
        version="s1-v1", reviewer={"account": "a@b.org"}, answer="can_live_with",
        date="2026-05-20")}, **versions("why", status="current"))
    assert warned(g, reviewed, "de_facto_purpose", review_days=30) == []


# -- persona_unreflected ----------------------------------------------------------------------

def test_a_persona_needs_a_contribution_from_its_group_and_segments() -> None:
    persons = [Person(id="carer", group="givers_of_service", other_groups=["people"],
                      segments=["locality:Barrow"]),
               Person(id="nurse", group="givers_of_service")]
    g = graph_of(persons)
    esther = {"pe1": Persona(name="Esther", group="people", segments=["locality:Barrow"])}
    only_nurse = state_with([said("nurse")], personas=esther)
    assert warned(g, only_nurse, "persona_unreflected")[0].evidence["persona"] == "pe1"
    carer = state_with([said("carer")], personas=esther)  # people as another group counts
    assert warned(g, carer, "persona_unreflected") == []
    elsewhere = {"pe1": Persona(name="Esther", group="people", segments=["locality:Kendal"])}
    assert len(warned(g, state_with([said("carer")], personas=elsewhere),
                      "persona_unreflected")) == 1
    withdrawn = state_with([said("carer", withdrawn=True)], personas=esther)
    assert len(warned(g, withdrawn, "persona_unreflected")) == 1


# -- the balance figures against a plain reference ----------------------------------------------

def test_balance_figures_match_a_plain_count() -> None:
    rng = random.Random(7)
    persons = [Person(id=f"x{i}", group=rng.choice(GROUPS), formal_power=rng.randint(0, 3),
                      lived_experience=rng.random() < 0.3) for i in range(200)]
    g = graph_of(persons)
    by_id = {p.id: p for p in persons}
    contributions = [said(rng.choice(persons).id, withdrawn=rng.random() < 0.1)
                     for _ in range(300)]
    contributions += [Contribution(element="our", text="t", date="2026-05-01",
                                   contributor={"account": "a@b.org"})]
    state = state_with(contributions, reviews={f"rv{i}": Review(
        version="s1-v1", reviewer={"person": rng.choice(persons).id}, answer="can_live_with",
        date="2026-05-01") for i in range(40)})
    figures = purpose_balance(g, state)
    live = [c for c in contributions if not c.withdrawn and c.contributor.person]
    for i, group in enumerate(GROUPS):
        assert figures.contributions.counts[i] == sum(
            by_id[c.contributor.person].group == group for c in live)  # type: ignore[index]
        assert figures.constituency.counts[i] == sum(p.group == group for p in persons)
        assert figures.reviews.counts[i] == sum(by_id[r.reviewer.person].group == group
                                                for r in state.reviews.values()
                                                if r.reviewer.person)
    assert figures.contributions.not_in_map == 1
    assert figures.power["contributions"].high == sum(
        by_id[c.contributor.person].formal_power >= 2 for c in live)  # type: ignore[index]
    assert figures.power["constituency"].high == sum(p.formal_power >= 2 for p in persons)
    distinct = {c.contributor.person for c in live}
    assert figures.lived_experience["contributors"].high == sum(
        by_id[p].lived_experience for p in distinct if p)
    assert figures.lived_experience["contributors"].total == len(distinct)


@pytest.mark.parametrize("kind", ["group_imbalance", "missing_voices", "hippo",
                                  "reads_like_aim", "service_role", "de_facto_purpose",
                                  "persona_unreflected"])
def test_an_empty_purpose_gives_no_warning_of_any_kind(kind: str) -> None:
    g = graph_of(people({"people": 3, "givers_of_service": 3}), ("locality:Barrow",))
    assert warned(g, PurposeState(), kind) == []
