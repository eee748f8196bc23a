"""The purpose in the map's history, on every store: records, who/when/through what, undo,
copy, rename, delete, the as-of index and imports leave it alone; the use cases' rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from stores import make_store

from graph.errors import NotFound
from graph.history import Actor
from graph.limits import LimitExceeded, Limits
from graph.model import Constituency, Person
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Round,
    Statement,
    StatementStatus,
    StatementVersion,
    Theme,
    Who,
)
from graph.purpose.usecases import NotYours
from graph.stores.base import GraphStore
from graph.usecases import InvalidChange, UseCases, map_as_of

TODAY = date(2026, 6, 1)
LEAD = Actor("lead@example.org", "test")
ANA = Who(person="ana")


def contribution(text: str = "So nobody waits alone", who: Who = ANA, **values: object
                 ) -> Contribution:
    return Contribution(**{"element": "purpose", "text": text, "date": "2026-05-01",
                           "contributor": who, **values})


@pytest.fixture
def bay(store: GraphStore) -> UseCases:
    maps = UseCases(store, LEAD, today=TODAY)
    maps.create_constituency(Constituency(name="bay"))
    maps.save_person("bay", Person(id="ana", group="people", joined=date(2025, 1, 1)))
    maps.save_person("bay", Person(id="ben", group="givers_of_service",
                                   joined=date(2025, 1, 1)))
    return maps


def test_each_item_is_one_record_under_its_own_kind_with_who_and_through_what(
        bay: UseCases, store: GraphStore) -> None:
    rid = bay.purpose.open_round("bay", Round(title="Why?", opens="2026-05-01"))
    cid = bay.purpose.add_contribution("bay", contribution(round=rid))
    keys = [r.key for r in store.iter_timeline_records("bay", "purpose")]
    assert keys == [("purpose", "contribution", cid), ("purpose", "round", rid)]
    latest = bay.history("bay")[0]
    assert (latest.by, latest.via) == ("lead@example.org", "test")
    assert latest.summary == f"contribution {cid} (purpose) by person:ana"
    assert {c.kind for c in latest.changes} == {"purpose"}
    assert bay.purpose.state("bay").contributions[cid].text == "So nobody waits alone"


def test_the_as_of_map_and_the_current_map_ignore_purpose_records(
        bay: UseCases, store: GraphStore) -> None:
    before = map_as_of(store, "bay", TODAY)
    bay.purpose.add_contribution("bay", contribution())
    bay.purpose.add_persona("bay", Persona(name="Esther", group="people"))
    after = map_as_of(store, "bay", TODAY)
    assert (after.ids, after.m) == (before.ids, before.m)
    assert sorted(p.id for p in store.iter_people("bay")) == ["ana", "ben"]


def test_an_edit_and_a_withdrawal_are_undoable_and_the_undo_is_undoable(
        bay: UseCases) -> None:
    cid = bay.purpose.add_contribution("bay", contribution())
    edit = bay.purpose.edit_contribution("bay", cid, contribution("Nobody alone"), ANA)
    assert bay.purpose.state("bay").contributions[cid].text == "Nobody alone"
    undo = bay.undo("bay", edit)
    assert bay.purpose.state("bay").contributions[cid].text == "So nobody waits alone"
    assert undo.change_set is not None
    bay.undo("bay", undo.change_set)
    assert bay.purpose.state("bay").contributions[cid].text == "Nobody alone"
    gone = bay.purpose.withdraw_contribution("bay", cid, ANA)
    assert bay.purpose.state("bay").contributions[cid].withdrawn
    bay.undo("bay", gone)
    assert not bay.purpose.state("bay").contributions[cid].withdrawn


def test_only_the_contributor_may_change_or_withdraw_their_contribution(bay: UseCases) -> None:
    cid = bay.purpose.add_contribution("bay", contribution())
    with pytest.raises(NotYours, match="only they"):
        bay.purpose.edit_contribution("bay", cid, contribution("mine now"), Who(person="ben"))
    with pytest.raises(NotYours):
        bay.purpose.withdraw_contribution("bay", cid, Who(account="lead@example.org"))
    edited = contribution("still ana's", who=Who(person="ben"))
    bay.purpose.edit_contribution("bay", cid, edited, ANA)
    assert bay.purpose.state("bay").contributions[cid].contributor == ANA


def test_a_contribution_names_a_person_in_the_map_and_an_open_round(bay: UseCases) -> None:
    with pytest.raises(InvalidChange, match="contributor: there is no person 'zoe'"):
        bay.purpose.add_contribution("bay", contribution(who=Who(person="zoe")))
    rid = bay.purpose.open_round("bay", Round(title="Why?", opens="2026-05-01"))
    bay.purpose.close_round("bay", rid)
    with pytest.raises(InvalidChange, match="round r1 is closed"):
        bay.purpose.add_contribution("bay", contribution(round=rid))
    with pytest.raises(InvalidChange, match="after today"):
        bay.purpose.add_contribution("bay", contribution(date="2026-07-01"))
    assert bay.purpose.add_contribution("bay", contribution(who=Who(account="x@y.org")))


def test_making_a_version_current_retires_the_one_that_was(bay: UseCases) -> None:
    cid = bay.purpose.add_contribution("bay", contribution())
    sid = bay.purpose.add_statement("bay", Statement(title="Home first"), StatementVersion(
        purpose="Home is where we get better", date="2026-05-02", status="current",
        drafted_by=[ANA, Who(person="ben")], from_contributions=[cid]))
    second = bay.purpose.add_version("bay", sid, StatementVersion(
        purpose="Everyone home when ready", date="2026-05-03"))
    assert second == f"{sid}-v2"
    change = bay.purpose.set_version_status("bay", second, StatementStatus.CURRENT)
    state = bay.purpose.state("bay")
    assert [(v, s.status.value) for v, s in state.versions.items()] == [
        (f"{sid}-v1", "retired"), (f"{sid}-v2", "current")]
    assert len(bay.change_set("bay", change).changes) == 2  # one change set, both versions
    with pytest.raises(InvalidChange, match="from_contributions: there is no contribution"):
        bay.purpose.add_version("bay", sid, StatementVersion(
            purpose="x", date="2026-05-03", from_contributions=["c99"]))


def test_a_second_review_by_the_same_reviewer_replaces_the_first(bay: UseCases) -> None:
    sid = bay.purpose.add_statement("bay", Statement(title="Home first"), StatementVersion(
        purpose="Home is where we get better", date="2026-05-02"))
    first = bay.purpose.review("bay", Review(version=f"{sid}-v1", reviewer=ANA,
                                             answer="cannot_yet", reason="too vague",
                                             date="2026-05-03"))
    again = bay.purpose.review("bay", Review(version=f"{sid}-v1", reviewer=ANA,
                                             answer="can_live_with", date="2026-05-04"))
    assert first == again
    assert [r.answer.value for r in bay.purpose.state("bay").reviews.values()] == [
        "can_live_with"]


def test_themes_aims_and_personas_check_what_they_refer_to(bay: UseCases) -> None:
    with pytest.raises(InvalidChange, match="contributions: there is no contribution 'c7'"):
        bay.purpose.add_theme("bay", Theme(title="Home", contributions=["c7"]))
    with pytest.raises(InvalidChange, match="statement: there is no statement 's3'"):
        bay.purpose.add_aim("bay", Aim(what="Fewer delays", statement="s3"))
    aim = bay.purpose.add_aim("bay", Aim(what="Fewer delays"))
    bay.purpose.remove("bay", "aim", aim)
    assert not bay.purpose.state("bay").aims
    with pytest.raises(NotFound, match="there is no aim"):
        bay.purpose.remove("bay", "aim", aim)


def test_the_number_of_contributions_is_bounded_with_a_clear_error(store: GraphStore) -> None:
    maps = UseCases(store, LEAD, today=TODAY, limits=Limits(contributions_per_map=1))
    maps.create_constituency(Constituency(name="bay"))
    maps.save_person("bay", Person(id="ana", group="people"))
    maps.purpose.add_contribution("bay", contribution())
    with pytest.raises(LimitExceeded, match="contributions to the purpose of the map: 2 is "
                                            "over the limit of 1"):
        maps.purpose.add_contribution("bay", contribution())


def test_an_import_replacing_the_map_keeps_the_purpose(bay: UseCases) -> None:
    cid = bay.purpose.add_contribution("bay", contribution())
    bay.import_records("bay", [Person(id="ana", group="people")], [], replace=True)
    assert cid in bay.purpose.state("bay").contributions


def test_copy_rename_and_delete_take_the_purpose_along(bay: UseCases, store: GraphStore,
                                                      tmp_path: Path) -> None:
    from graph.stores.copy import copy_constituencies

    cid = bay.purpose.add_contribution("bay", contribution())
    target = make_store("sqlite", tmp_path / "copy")
    try:
        copy_constituencies(store, target, ["bay"])
        copied = UseCases(target, LEAD, today=TODAY)
        assert copied.purpose.state("bay").to_dict() == bay.purpose.state("bay").to_dict()
    finally:
        target.close()
    bay.rename_constituency("bay", "cove")
    assert cid in bay.purpose.state("cove").contributions
    bay.delete_constituency("cove")
    bay.create_constituency(Constituency(name="cove"))
    assert not bay.purpose.state("cove").contributions


def test_the_history_report_shows_purpose_changes(bay: UseCases) -> None:
    from service.history_report import format_history

    cid = bay.purpose.add_contribution("bay", contribution())
    bay.purpose.edit_contribution("bay", cid, contribution("Nobody alone"), ANA)
    text = format_history(bay.history("bay")[:2])
    assert (f"contribution {cid}, text: So nobody waits alone since always → Nobody alone "
            "since always") in text
    assert f"added contribution {cid}" in text
