"""Finding a person by name as well as id, accents aside: the search-as-you-type answer
(``/c/<name>/person-search``), and the forms that take a name (the tie form, the network's
person finder, the people search)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, csrf_token, sign_in

from graph.history import Actor
from graph.model import Person
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.person_search import MAX_QUERY, MAX_RESULTS

SEARCH = f"/c/{MAP}/person-search"


@pytest.fixture
def web_with_names(web: Web) -> Web:
    """The demo map plus Zoë Ward (z1), two people called Sam Smith, and Ann with no ties."""
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        cases = UseCases(store, Actor("tests", "seed"))
        for person in (
            Person(id="z1", name="Zoë Ward", group="people", organisation="Bay Carers"),
            Person(id="s1", name="Sam Smith", group="people", organisation="Bay Trust"),
            Person(id="s2", name="Sam Smith", group="system_leaders", organisation="Council"),
            Person(id="a1", name="Ann Tie", group="givers_of_service"),
        ):
            cases.save_person(MAP, person)
    finally:
        store.close()
    return web


def _client(web: Web, role: str) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails[role])
    return client


@pytest.mark.parametrize("query", ["zoe", "ZOË", "Zoe W", "zoë ward", "z1"])
def test_search_finds_a_person_by_name_accents_and_case_aside(
    web_with_names: Web, query: str
) -> None:
    body = _client(web_with_names, "viewer").get(SEARCH, query_string={"q": query}).json
    assert body["people"][0] == {"id": "z1", "name": "Zoë Ward", "organisation": "Bay Carers",
                                 "group": "people", "label": "Zoë Ward (Bay Carers, z1)"}


def test_search_finds_by_organisation_too(web_with_names: Web) -> None:
    body = _client(web_with_names, "viewer").get(SEARCH, query_string={"q": "bay carers"}).json
    assert "z1" in [p["id"] for p in body["people"]]


def test_search_tells_two_people_of_the_same_name_apart(web_with_names: Web) -> None:
    people = _client(web_with_names, "viewer").get(SEARCH, query_string={"q": "sam smith"}).json
    labels = [p["label"] for p in people["people"]]
    assert labels[:2] == ["Sam Smith (Bay Trust, s1)", "Sam Smith (Council, s2)"]


def test_search_is_bounded_in_query_length_and_results(web_with_names: Web) -> None:
    client = _client(web_with_names, "viewer")
    assert client.get(SEARCH, query_string={"q": "x" * (MAX_QUERY + 1)}).status_code == 400
    assert client.get(SEARCH, query_string={"q": "x" * MAX_QUERY}).status_code == 200
    many = client.get(SEARCH, query_string={"q": "a", "limit": "100000"}).json["people"]
    assert len(many) == MAX_RESULTS
    assert len(client.get(SEARCH, query_string={"q": "a", "limit": "2"}).json["people"]) == 2
    assert client.get(SEARCH, query_string={"q": "a", "limit": "nope"}).status_code == 200
    assert client.get(SEARCH).json["people"] == []


def test_search_is_for_signed_in_people_with_a_role_on_the_map(web_with_names: Web) -> None:
    anonymous = web_with_names.app.test_client()
    assert anonymous.get(SEARCH, query_string={"q": "zoe"}).status_code in (302, 401)
    outsider = _client(web_with_names, "outsider")
    assert outsider.get(SEARCH, query_string={"q": "zoe"}).status_code == 404
    viewer = _client(web_with_names, "viewer")
    other = viewer.get(f"/c/{OTHER_MAP}/person-search", query_string={"q": "a"})
    assert other.status_code == 404


def test_a_tie_is_added_by_a_name_only_one_person_has(web_with_names: Web) -> None:
    editor = _client(web_with_names, "editor")
    token = csrf_token(editor, f"/c/{MAP}/people/a1")
    form = {"tie-csrf_token": token, "tie-person": "a1", "tie-other": "zoe ward",
            "tie-relational": "2", "tie-functional": "0", "tie-flow_of_value": "0",
            "tie-recruited": "no"}
    assert editor.post(f"/c/{MAP}/ties", data=form).status_code == 302
    page = editor.get(f"/c/{MAP}/people/a1").get_data(as_text=True)
    assert f'href="/c/{MAP}/people/z1"' in page

    # a name two people share is refused, naming both with their ids
    form["tie-other"] = "Sam Smith"
    refused = editor.post(f"/c/{MAP}/ties", data=form)
    assert refused.status_code == 400
    error = re.search(r'id="tie-other-error">([^<]+)<', refused.get_data(as_text=True))
    assert error and "2 people are called Sam Smith" in error.group(1)
    assert "s1" in error.group(1) and "s2" in error.group(1)

    # as the list shows it: the name with the organisation and id
    form["tie-other"] = "Sam Smith (Council, s2)"
    assert editor.post(f"/c/{MAP}/ties", data=form).status_code == 302


def test_the_network_finder_and_the_people_search_take_an_accented_name(
    web_with_names: Web,
) -> None:
    viewer = _client(web_with_names, "viewer")
    network = viewer.get(f"/c/{MAP}/network", query_string={"person": "ZOE WARD"})
    html = network.get_data(as_text=True)
    assert network.status_code == 200 and "<h3>Zoë Ward</h3>" in html
    assert 'value="z1"' in html  # the finder now holds the id
    people = viewer.get(f"/c/{MAP}/people", query_string={"q": "zoe"}).get_data(as_text=True)
    assert "Zoë Ward" in people and "1 person matching" in people


def test_pickers_carry_the_search_address_and_a_datalist(web_with_names: Web) -> None:
    editor = _client(web_with_names, "editor")
    for path, datalist in ((f"/c/{MAP}/people", "search-people"),
                           (f"/c/{MAP}/network", "network-people"),
                           (f"/c/{MAP}/people/a1", "tie-people")):
        html = editor.get(path).get_data(as_text=True)
        assert f'list="{datalist}"' in html and f'<datalist id="{datalist}">' in html, path
        assert f'data-person-search="{SEARCH}"' in html, path
