"""Finding a person by name as well as id, accents aside: the search-as-you-type answer
(``/c/<name>/person-search``), and the forms that take a name (the tie form, the network's
person finder, the people search)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, csrf_token, sign_in
from werkzeug.test import TestResponse

from graph.history import Actor
from graph.model import Person
from graph.spelling import fold
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.person_search import MAX_QUERY, MAX_RESULTS, fold_all

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


def ask(client: FlaskClient, path: str = SEARCH, **fields: str) -> TestResponse:
    """The search as the page's script sends it: a POST with the CSRF token every page of a
    signed-in session carries in its ``csrf-token`` meta tag."""
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    headers = {"X-CSRFToken": token.group(1)} if token else {}
    return client.post(path, data=fields, headers=headers)


def _client(web: Web, role: str) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails[role])
    return client


@pytest.mark.parametrize("query", ["zoe", "ZOË", "Zoe W", "zoë ward", "z1"])
def test_search_finds_a_person_by_name_accents_and_case_aside(
    web_with_names: Web, query: str
) -> None:
    body = ask(_client(web_with_names, "viewer"), q=query).json
    assert body["people"][0] == {"id": "z1", "name": "Zoë Ward", "organisation": "Bay Carers",
                                 "group": "people", "label": "Zoë Ward (Bay Carers, z1)"}


def test_search_finds_by_organisation_too(web_with_names: Web) -> None:
    body = ask(_client(web_with_names, "viewer"), q="bay carers").json
    assert "z1" in [p["id"] for p in body["people"]]


def test_search_tells_two_people_of_the_same_name_apart(web_with_names: Web) -> None:
    people = ask(_client(web_with_names, "viewer"), q="sam smith").json
    labels = [p["label"] for p in people["people"]]
    assert labels[:2] == ["Sam Smith (Bay Trust, s1)", "Sam Smith (Council, s2)"]


def test_search_is_bounded_in_query_length_and_results(web_with_names: Web) -> None:
    client = _client(web_with_names, "viewer")
    assert ask(client, q="x" * (MAX_QUERY + 1)).status_code == 400
    assert ask(client, q="x" * MAX_QUERY).status_code == 200
    many = ask(client, q="a", limit="100000").json["people"]
    assert len(many) == MAX_RESULTS
    assert len(ask(client, q="a", limit="2").json["people"]) == 2
    assert ask(client, q="a", limit="nope").status_code == 200
    assert ask(client).json["people"] == []
    assert client.get(SEARCH, query_string={"q": "zoe"}).status_code == 405  # never in an address
    assert client.post(SEARCH, data={"q": "zoe"}).status_code == 400  # no CSRF token


def test_search_is_for_signed_in_people_with_a_role_on_the_map(web_with_names: Web) -> None:
    anonymous = web_with_names.app.test_client()
    assert ask(anonymous, q="zoe").status_code in (302, 401)
    outsider = _client(web_with_names, "outsider")
    assert ask(outsider, q="zoe").status_code == 404
    viewer = _client(web_with_names, "viewer")
    other = ask(viewer, f"/c/{OTHER_MAP}/person-search", q="a")
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
    typed = viewer.get(f"/c/{MAP}/network", query_string={"person": "ZOE WARD", "steps": "2"})
    # the name leaves the address at once: the page is shown under the person's id
    assert typed.status_code == 302 and "ZOE" not in typed.location.upper()
    assert "person=z1" in typed.location and "steps=2" in typed.location
    network = viewer.get(typed.location)
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


def test_folding_everyone_at_once_reads_each_name_as_folding_it_alone_does() -> None:
    samples = ["Zoë Ward", "  The Smiths ", "the", "The_", "Mary-Jane  O’Neil", "\u0301lead",
               "Åsa–Öberg", "ﬁne", "İstanbul", "Straße", "", "  ", "Ω\u0308", "p-001",
               "the-the", "THE People", "Renée\tDupont", "a\x01b"]
    assert fold_all(samples) == [fold(text) for text in samples]
    assert fold_all([]) == [] and fold_all(["plain ascii"]) == ["plain_ascii"]
