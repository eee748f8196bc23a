"""The gaps a change lead can act on, on the pages: one card per kind with the people inside as
links, names instead of ids, and a single-point-of-failure sentence that is true at any size."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, sign_in

from graph.history import Actor
from graph.model import Constituency, Person, Relationship
from graph.stores.base import open_store
from graph.usecases import UseCases

TINY = "tiny"


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _tiny_map(web: Web, ties: Iterable[tuple[str, str]], people: Iterable[str]) -> FlaskClient:
    """A small map ``tiny``: ``core`` leads, everyone else named after their id, the viewer
    signed in."""
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        cases = UseCases(store, Actor("tests", "seed"))
        cases.create_constituency(Constituency(name=TINY))
        cases.import_records(
            TINY,
            [Person(id="core", name="Cora Lead", group="people", engagement="leading"),
             *(Person(id=p, name=f"Name {p.upper()}", group="givers_of_service")
               for p in people)],
            [Relationship(source=a, target=b) for a, b in ties])
    finally:
        store.close()
    web.accounts.grant(web.emails["viewer"], TINY, "viewer")
    client = web.app.test_client()
    sign_in(client, web.emails["viewer"])
    return client


@pytest.fixture
def viewer(web: Web) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails["viewer"])
    return client


def test_gaps_page_has_one_card_per_kind_with_every_person_linked(viewer: FlaskClient) -> None:
    html = _html(viewer, f"/c/{MAP}/gaps")
    cards = re.findall(r'<article class="gap sev-\w+" aria-labelledby="gap-(\w+)"', html)
    assert len(cards) == len(set(cards)) >= 5
    every = html[html.index('id="all-heading"'):]
    # the headings name no ids and no code words
    for heading in re.findall(r"<h3[^>]*>(.*?)</h3>", every, re.S):
        text = _plain(heading)
        assert not re.search(r"\bp\d{4}\b", text) and "_" not in text, text
    # names in the text, ids only inside links to the person pages
    assert not re.search(r"\bp\d{4}\b", _plain(every))
    assert re.search(rf'<a href="/c/{MAP}/people/p\d{{4}}">[^<]+</a>', every)


def test_overview_lists_the_most_serious_kinds_of_gap_with_people_linked(
    viewer: FlaskClient,
) -> None:
    html = _html(viewer, f"/c/{MAP}/")
    part = html[html.index('id="gaps-heading"'):html.index('id="next-heading"')]
    kinds = re.findall(r'aria-labelledby="gap-(\w+)"', part)
    assert 1 <= len(kinds) <= 5 and len(kinds) == len(set(kinds))
    assert "What to do:" in part and not re.search(r"\bp\d{4}\b", _plain(part))


def test_single_point_of_failure_below_the_minimum_is_mentioned_not_denied(web: Web) -> None:
    # core - a - b: without a, b is cut off (1 person, below the minimum of 2)
    client = _tiny_map(web, [("core", "a"), ("a", "b")], ["a", "b"])
    text = _plain(_html(client, f"/c/{TINY}/gaps"))
    assert "would cut anyone off" not in text
    assert "Nobody's departure alone would cut 2 people or more off" in text
    assert "1 person would each cut someone off from the core by stepping away" in text
    html = _html(client, f"/c/{TINY}/gaps")
    assert f'<a href="/c/{TINY}/people/a">Name A</a> (1)' in html


def test_single_points_of_failure_listed_and_the_smaller_ones_after_them(web: Web) -> None:
    # without a, b and c are cut off (listed); without b, c is and without d, e is (mentioned
    # after them)
    client = _tiny_map(web, [("core", "a"), ("a", "b"), ("b", "c"), ("core", "d"), ("d", "e")],
                       ["a", "b", "c", "d", "e"])
    text = _plain(_html(client, f"/c/{TINY}/gaps"))
    assert "Name A 2 no" in text  # the table: person, people cut off, in the core
    assert "Besides them, 2 people would each cut someone off" in text
    assert "(2 people in all)" in text and "Name B (1), Name D (1)." in text


def test_a_map_where_nobody_can_be_cut_off_says_so(web: Web) -> None:
    client = _tiny_map(web, [("core", "a"), ("core", "b"), ("a", "b")], ["a", "b"])
    text = _plain(_html(client, f"/c/{TINY}/gaps"))
    assert "Nobody's departure alone would cut anyone off from the engaged core." in text
