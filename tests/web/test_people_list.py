"""The people list filters and sorts by group, segment, engagement, roles (declared and
suggested), core and reach, all from the query string, paged, with every value bounded; each
filter checked against the people and analysis of the store, computed independently."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, sign_in

from graph.analysis import analyse
from graph.compact import CompactGraph
from graph.model import Person
from graph.stores.base import open_store
from service.pages import PAGE_SIZE

ROW = re.compile(r'<tr><th scope="row"><a href="/c/[^/]+/people/([^"]+)">')


@pytest.fixture
def viewer(web: Web) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails["viewer"])
    return client


@pytest.fixture
def demo(web: Web) -> tuple[dict[str, Person], dict[str, Any]]:
    """The people of the map, and per person what the analysis says (suggested role, ties,
    reached), computed here from the store without the app."""
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        people = {p.id: p for p in store.iter_people(MAP)}
        ties = list(store.iter_relationships(MAP))
        constituency = store.get_constituency(MAP)
    finally:
        store.close()
    graph = CompactGraph.from_records(MAP, list(people.values()), ties,
                                      constituency.expected_segments)
    analysis = analyse(graph)
    core = set(analysis.core.members)
    tied: dict[str, set[str]] = {pid: set() for pid in people}
    for t in ties:
        tied[t.source].add(t.target)
        tied[t.target].add(t.source)
    facts = {
        "suggested": {r.id: r.inferred for r in analysis.roles},
        "ties": {pid: len(others) for pid, others in tied.items()},
        "reached": {pid: pid in core or bool(tied[pid] & core) for pid in people},
    }
    return people, facts


def listed(client: FlaskClient, **query: str) -> list[str]:
    """Every id the list shows for ``query``, page after page."""
    ids: list[str] = []
    page = 1
    while True:
        html = client.get(f"/c/{MAP}/people", query_string={**query, "page": str(page)})
        assert html.status_code == 200
        text = html.get_data(as_text=True)
        ids += ROW.findall(text)
        if 'rel="next"' not in text:
            return ids
        page += 1


FILTERS: list[tuple[dict[str, str], Callable[[Person, dict[str, Any]], bool]]] = [
    ({"group": "system_leaders"}, lambda p, f: p.group.value == "system_leaders"),
    ({"segment": "locality:Barrow"}, lambda p, f: "locality:Barrow" in p.segments),
    ({"engagement": "contributing"}, lambda p, f: p.engagement.value == "contributing"),
    ({"role": "organiser"}, lambda p, f: p.role is not None and p.role.value == "organiser"),
    ({"role": "none"}, lambda p, f: p.role is None),
    ({"suggested": "lone_wolf"}, lambda p, f: f["suggested"].get(p.id) == "lone_wolf"),
    ({"core": "yes"}, lambda p, f: p.in_core),
    ({"reached": "no"}, lambda p, f: not f["reached"][p.id]),
    ({"group": "people", "core": "no", "reached": "yes"},
     lambda p, f: p.group.value == "people" and not p.in_core and f["reached"][p.id]),
]


@pytest.mark.parametrize(("query", "keep"), FILTERS,
                         ids=["&".join(f"{k}={v}" for k, v in q.items()) for q, _ in FILTERS])
def test_each_filter_keeps_exactly_the_people_it_names(
    viewer: FlaskClient, demo: tuple[dict[str, Person], dict[str, Any]],
    query: dict[str, str], keep: Callable[[Person, dict[str, Any]], bool],
) -> None:
    people, facts = demo
    expected = sorted(pid for pid, p in people.items() if keep(p, facts))
    assert expected, query  # each filter keeps somebody in the demo map
    assert sorted(listed(viewer, **query)) == expected


def test_sorts_order_the_list_with_ties_broken_by_name(
    viewer: FlaskClient, demo: tuple[dict[str, Person], dict[str, Any]],
) -> None:
    people, facts = demo
    by_ties = listed(viewer, sort="-ties", group="givers_of_service")
    ties = [facts["ties"][pid] for pid in by_ties]
    assert ties == sorted(ties, reverse=True) and len(set(ties)) > 1
    by_id = listed(viewer, sort="id", engagement="leading")
    assert by_id == sorted(by_id)
    first = viewer.get(f"/c/{MAP}/people", query_string={"sort": "-engagement"})
    top = ROW.findall(first.get_data(as_text=True))[:PAGE_SIZE]
    assert {people[pid].engagement.value for pid in top[:1]} == {"leading"}


def test_filters_travel_with_the_pages_and_the_clear_link(viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/people", query_string={"group": "people", "sort": "-ties"})
    text = html.get_data(as_text=True)
    nxt = re.search(r'href="([^"]*)" rel="next"', text)
    assert nxt and "group=people" in nxt.group(1) and "sort=-ties" in nxt.group(1)
    assert f'<a href="/c/{MAP}/people">Clear</a>' in text
    assert '<option value="people" selected>' in text


def test_values_that_do_not_fit_are_ignored_and_named(viewer: FlaskClient) -> None:
    everyone = listed(viewer)
    odd = {"group": "wizards", "core": "maybe", "segment": "nowhere:" + "x" * 5000,
           "sort": "shoe size", "engagement": "", "page": "-3"}
    response = viewer.get(f"/c/{MAP}/people", query_string=odd)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ignored what the list cannot use: group, core, sort, segment." in text
    assert sorted(listed(viewer, **{k: v for k, v in odd.items() if k != "page"})) == \
        sorted(everyone)
    long = viewer.get(f"/c/{MAP}/people", query_string={"q": "a" * 10_000})
    assert long.status_code == 200
