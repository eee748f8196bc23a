"""The write path lets go of a contribution's picture when no live contribution of any map holds
it any more (withdrawn, removed, undone, its map deleted), on every store, and only then."""

from __future__ import annotations

from datetime import date

import pytest

from graph.history import Actor
from graph.model import Constituency, Person
from graph.purpose.model import Contribution, Who
from graph.purpose.usecases import NotYours
from graph.stores.base import GraphStore
from graph.usecases import UseCases

TODAY = date(2026, 6, 1)
DAD = "picture:" + "d" * 64
MUM = "picture:" + "e" * 64


class Released(list[frozenset[str]]):
    """What the write path told its hook, one entry per telling."""

    def all(self) -> set[str]:
        return set().union(*self)


@pytest.fixture
def released() -> Released:
    return Released()


@pytest.fixture
def maps(store: GraphStore, released: Released) -> UseCases:
    cases = UseCases(store, Actor("lead@example.org", "test"), today=TODAY,
                     on_pictures_released=released.append)
    for name in ("bay", "fell"):
        cases.create_constituency(Constituency(name=name))
        for pid in ("ana", "ben"):
            cases.save_person(name, Person(id=pid, group="people", joined=date(2025, 1, 1)))
    return cases


def story(who: str, picture: str) -> Contribution:
    return Contribution(element="shared", kind="story", text="My dad waited nine hours.",
                        date="2026-05-01", contributor=Who(person=who), picture=picture)


def test_withdrawing_lets_go_of_its_picture_and_restoring_lets_go_of_nothing(
        maps: UseCases, released: Released) -> None:
    cid = maps.purpose.add_contribution("bay", story("ana", DAD))
    assert released == []
    maps.purpose.withdraw_contribution("bay", cid, Who(person="ana"))
    assert released == [frozenset({DAD})]
    maps.purpose.withdraw_contribution("bay", cid, Who(person="ana"), withdrawn=False)
    assert released == [frozenset({DAD})]


def test_a_picture_held_by_another_live_contribution_is_kept_until_both_are_gone(
        maps: UseCases, released: Released) -> None:
    first = maps.purpose.add_contribution("bay", story("ana", DAD))
    second = maps.purpose.add_contribution("bay", story("ben", DAD))
    maps.purpose.withdraw_contribution("bay", first, Who(person="ana"))
    assert released.all() == set()
    maps.purpose.remove("bay", "contribution", second)
    assert released == [frozenset({DAD})]


def test_a_picture_held_in_another_map_is_kept_when_its_map_is_deleted(
        maps: UseCases, released: Released) -> None:
    maps.purpose.add_contribution("bay", story("ana", DAD))
    withdrawn = maps.purpose.add_contribution("bay", story("ben", MUM))
    maps.purpose.withdraw_contribution("bay", withdrawn, Who(person="ben"))
    released.clear()
    maps.purpose.add_contribution("fell", story("ana", DAD))
    maps.delete_constituency("bay")
    assert released == [frozenset({MUM})]  # DAD is still fell's
    maps.delete_constituency("fell")
    assert released == [frozenset({MUM}), frozenset({DAD})]


def test_undoing_the_contribution_lets_go_of_its_picture(
        maps: UseCases, released: Released) -> None:
    maps.purpose.add_contribution("bay", story("ana", DAD))
    maps.undo("bay", maps.history("bay")[0].id)
    assert released == [frozenset({DAD})]


def test_a_refused_change_lets_go_of_nothing_and_renaming_keeps_every_picture(
        maps: UseCases, released: Released) -> None:
    cid = maps.purpose.add_contribution("bay", story("ana", DAD))
    with pytest.raises(NotYours):
        maps.purpose.withdraw_contribution("bay", cid, Who(person="ben"))
    maps.rename_constituency("bay", "the bay")
    maps.purpose.edit_contribution("the bay", cid, story("ana", DAD), Who(person="ana"))
    assert released == []
    assert maps.purpose.state("the bay").contributions[cid].picture == DAD
