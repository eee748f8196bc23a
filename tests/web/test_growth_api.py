"""The growth series through the API: the same object as ``growth_of``, viewers may read it,
outsiders may not, and a bad interval or date is a 400 naming the parameter."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from support import MAP, Web, bearer

from graph.stores.base import open_store
from graph.usecases import growth_of

GROWTH = f"/api/v1/constituencies/{MAP}/growth"


def _get(web: Web, query: str = "", role: str | None = "viewer") -> Any:
    headers = bearer(web.tokens[role]) if role else {}
    return web.app.test_client().get(GROWTH + query, headers=headers)


def test_growth_is_the_series_of_the_use_case_for_a_viewer(web: Web) -> None:
    answer = _get(web, "?interval=quarter")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"interval", "points", "recruitment"}
    assert body["interval"] == "quarter"
    point = body["points"][-1]
    assert point["partial"] is True and point["date"] == date.today().isoformat()
    assert {"size", "share", "reach", "reach_by_group"} <= set(point["core"])
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        expected = growth_of(store, MAP, "quarter").to_dict()
    finally:
        store.close()
    assert body == json.loads(json.dumps(expected, default=str))


def test_growth_by_month_is_the_default_and_since_starts_it_later(web: Web) -> None:
    body = _get(web).get_json()
    assert body["interval"] == "month"
    since = date.today() - timedelta(days=40)
    later = _get(web, f"?since={since.isoformat()}&interval=week").get_json()
    assert later["interval"] == "week"
    assert date.fromisoformat(later["points"][0]["date"]) >= since
    assert len(later["points"]) <= 8


def test_a_bad_interval_or_date_is_refused_naming_the_parameter(web: Web) -> None:
    for query, field in (("?interval=fortnight", "interval"), ("?since=soon", "since"),
                         ("?interval=month&interval=week", "interval")):
        answer = _get(web, query)
        assert answer.status_code == 400, query
        assert answer.get_json()["problems"][0]["field"] == field, query
    later = (date.today() + timedelta(days=3)).isoformat()
    answer = _get(web, f"?since={later}")  # a well-formed date the series cannot start at
    assert answer.status_code == 422
    assert answer.get_json()["problems"][0]["field"] == "since"


def test_growth_needs_a_role_in_the_map(web: Web) -> None:
    assert _get(web, role=None).status_code == 401
    assert _get(web, role="outsider").status_code in (403, 404)
    unknown = web.app.test_client().get("/api/v1/constituencies/nowhere/growth",
                                        headers=bearer(web.tokens["owner"]))
    assert unknown.status_code in (403, 404)


# -- who grows leaders: the recruitment forest and the organiser teams ----------------------

RECRUITMENT = f"/api/v1/constituencies/{MAP}/recruitment"


def test_recruitment_is_the_forest_and_the_teams_of_the_map_for_a_viewer(web: Web) -> None:
    from graph.analysis import analyse
    from graph.analysis.recruitment import recruitment_forest
    from graph.analysis.teams import organiser_teams
    from graph.usecases import map_settings

    client = web.app.test_client()
    answer = client.get(RECRUITMENT, headers=bearer(web.tokens["viewer"]))
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"constituency", "as_of", "recruitment", "teams"}
    assert body["recruitment"]["recruited_people"] > 0 and body["teams"]["organisers"] > 0
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        graph = store.load_graph(MAP)
        roles = analyse(graph, map_settings(store, MAP).options()).roles
    finally:
        store.close()
    forest = recruitment_forest(graph)
    assert body["recruitment"] == json.loads(json.dumps(forest.to_dict()))
    teams = organiser_teams(graph, roles, recruiter=forest.recruiter)
    assert body["teams"] == json.loads(json.dumps(teams.to_dict()))
    assert body["as_of"] == date.today().isoformat()
    assert client.get(RECRUITMENT, headers=bearer(web.tokens["outsider"])).status_code == 404
    assert client.get(RECRUITMENT).status_code == 401


def test_recruitment_as_of_a_date_is_of_the_map_then_and_a_bad_date_is_a_400(web: Web) -> None:
    from graph.analysis.recruitment import recruitment_forest
    from graph.usecases import map_as_of

    day = date.today() - timedelta(days=1)
    client = web.app.test_client()
    body = client.get(f"{RECRUITMENT}?as_of={day.isoformat()}",
                      headers=bearer(web.tokens["viewer"])).get_json()
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        then = map_as_of(store, MAP, day)
    finally:
        store.close()
    assert body["as_of"] == day.isoformat()
    assert body["recruitment"] == json.loads(json.dumps(recruitment_forest(then).to_dict()))
    answer = client.get(f"{RECRUITMENT}?as_of=someday", headers=bearer(web.tokens["viewer"]))
    assert answer.status_code == 400
    assert answer.get_json()["problems"][0]["field"] == "as_of"
