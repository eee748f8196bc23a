"""The JSON API: every endpoint's success, validation errors, 401, 403 and 404, the analysis
contract, cache invalidation, the import, the OpenAPI document, and a fuzz loop of bad bodies."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from support import MAP, OTHER_MAP, Web, bearer, csrf_token, sign_in
from werkzeug.test import TestResponse

import service.api
import service.state
from graph.analysis import AnalysisOptions, analyse
from graph.model import Person
from graph.stores.base import GraphStore, open_store
from graph.usecases import map_as_of
from service.cli import main as movemap
from service.openapi import build_document

API = "/api/v1"
BAY = f"{API}/constituencies/{MAP}"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class Api:
    """Calls with the token of a role (owner, editor, viewer, outsider) or none."""

    def __init__(self, client: FlaskClient, web: Web) -> None:
        self.client = client
        self.web = web

    def call(self, method: str, path: str, role: str | None = "owner",
             **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers.update(bearer(self.web.tokens[role]))
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, role: str | None = "viewer", **kwargs: Any) -> TestResponse:
        return self.call("GET", path, role, **kwargs)

    def store(self) -> GraphStore:
        return open_store(self.web.app.extensions["movemap.settings"].store_url)


@pytest.fixture
def api(client: FlaskClient, web: Web) -> Api:
    return Api(client, web)


def problems(response: TestResponse) -> dict[str, str]:
    body = response.json
    assert body is not None and body["error"] in {"invalid", "bad_request"}, body
    return {p["field"]: p["reason"] for p in body.get("problems", [])}


def count_people(api: Api, name: str = MAP) -> int:
    store = api.store()
    try:
        return sum(1 for _ in store.iter_people(name))
    finally:
        store.close()


def first_tie(api: Api) -> tuple[str, str]:
    store = api.store()
    try:
        tie = next(iter(store.iter_relationships(MAP)))
    finally:
        store.close()
    return tie.source, tie.target


def plain(data: Any) -> Any:
    """As the API sends it: JSON text (dates as text) read back."""
    return json.loads(json.dumps(data, default=str))


# -- constituencies ----------------------------------------------------------------------------


def test_list_shows_only_the_maps_the_caller_has_a_role_in_with_counts_and_role(api: Api) -> None:
    for role in ("owner", "editor", "viewer"):
        body = api.get(f"{API}/constituencies", role).json
        assert [c["name"] for c in body["items"]] == [MAP] and body["total"] == 1
        bay = body["items"][0]
        assert bay["role"] == role and bay["people"] == 200 and bay["relationships"] == 710
        assert "community:Deaf" in bay["expected_segments"]
    assert api.get(f"{API}/constituencies", "outsider").json == {"items": [], "total": 0}


def test_create_makes_the_caller_owner_of_the_new_map(api: Api, web: Web) -> None:
    web.accounts.set_rights(web.emails["outsider"], may_create=True)
    response = api.call("POST", f"{API}/constituencies", "outsider", json={
        "name": "harbour", "description": "A new map", "expected_segments": [" locality : Hull "]})
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"{API}/constituencies/harbour"
    assert response.json == {"name": "harbour", "description": "A new map",
                             "expected_segments": ["locality:Hull"], "people": 0,
                             "relationships": 0, "role": "owner"}
    assert web.accounts.role_for(web.emails["outsider"], "harbour") == "owner"
    assert api.get(f"{API}/constituencies/harbour", "outsider").json["role"] == "owner"
    assert api.get(f"{API}/constituencies/harbour", "viewer").status_code == 404


def test_create_refuses_a_taken_name_a_bad_name_and_a_missing_one(api: Api) -> None:
    # taken, even by a map the caller cannot see: names are unique in the store
    assert api.call("POST", f"{API}/constituencies", json={"name": OTHER_MAP}).status_code == 409
    response = api.call("POST", f"{API}/constituencies", json={"name": "no/slashes!"})
    assert response.status_code == 422 and "name" in problems(response)
    response = api.call("POST", f"{API}/constituencies", json={"description": "no name"})
    assert response.status_code == 422 and problems(response) == {"name": "is required"}
    assert api.call("POST", f"{API}/constituencies", data="name=x").status_code == 400


def test_get_a_constituency_needs_a_role_and_unknown_ones_are_404(api: Api) -> None:
    body = api.get(BAY, "viewer").json
    assert body["name"] == MAP and body["role"] == "viewer" and body["people"] == 200
    assert api.get(BAY, None).status_code == 401
    assert api.get(BAY, "outsider").status_code == 404
    assert api.get(f"{API}/constituencies/nowhere", "owner").status_code == 404
    assert api.get(f"{API}/constituencies/{OTHER_MAP}", "owner").status_code == 404


def test_patch_changes_description_and_expected_segments_for_editors(api: Api) -> None:
    response = api.call("PATCH", BAY, "editor", json={
        "description": "Our bay", "expected_segments": ["community:Nobody here"]})
    assert response.status_code == 200, response.json
    assert response.json["description"] == "Our bay"
    assert response.json["expected_segments"] == ["community:Nobody here"]
    assert response.json["people"] == 200 and response.json["relationships"] == 710
    assert api.get(BAY).json["description"] == "Our bay"
    kinds = {(g["kind"], g["subject"]) for g in api.get(f"{BAY}/gaps").json["gaps"]}
    assert ("segment_missing", "community:Nobody here") in kinds
    assert api.call("PATCH", BAY, "viewer", json={"description": "x"}).status_code == 403


def test_patch_refuses_fields_it_cannot_change_and_bad_values(api: Api) -> None:
    response = api.call("PATCH", BAY, "editor", json={"name": "renamed"})
    assert response.status_code == 422 and list(problems(response)) == ["name"]
    response = api.call("PATCH", BAY, "editor", json={"description": "x" * 501})
    assert response.status_code == 422
    assert problems(response) == {"description": "must be at most 500 characters"}
    response = api.call("PATCH", BAY, "editor", json={"expected_segments": "locality:A"})
    assert problems(response) == {"expected_segments": "must be a list"}
    assert api.get(BAY).json["description"] != "x"


def test_delete_needs_the_owner_and_forgets_every_role_in_the_map(api: Api, web: Web) -> None:
    assert api.call("DELETE", BAY, "editor").status_code == 403
    response = api.call("DELETE", BAY, "owner")
    assert response.status_code == 204 and response.data == b""
    for role in ("owner", "editor", "viewer"):
        assert web.accounts.role_for(web.emails[role], MAP) is None
        assert api.get(BAY, role).status_code == 404
    store = api.store()
    assert [s.name for s in store.list_constituencies()] == [OTHER_MAP]
    store.close()


# -- people ------------------------------------------------------------------------------------


def test_people_are_listed_by_id_in_pages(api: Api) -> None:
    body = api.get(f"{BAY}/people?limit=5&offset=10").json
    assert body["total"] == 200 and body["limit"] == 5 and body["offset"] == 10
    assert [p["id"] for p in body["items"]] == [f"p{i:04d}" for i in range(11, 16)]
    assert len(api.get(f"{BAY}/people").json["items"]) == 100
    assert api.get(f"{BAY}/people?offset=1000").json["items"] == []


def test_people_search_finds_text_in_the_id_or_the_name(api: Api) -> None:
    person = api.get(f"{BAY}/people/p0001").json
    surname = person["name"].split()[-1]
    found = api.get(f"{BAY}/people", query_string={"q": surname.upper(), "limit": 1000}).json
    assert "p0001" in {p["id"] for p in found["items"]}
    assert all(surname.lower() in (p["name"] + p["id"]).lower() for p in found["items"])
    assert api.get(f"{BAY}/people?q=p019").json["total"] == 10


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=1e2",
                                   "offset=-1", "offset=x", "limit=%D9%A3"])
def test_people_paging_refuses_bad_values_with_400(api: Api, query: str) -> None:
    response = api.get(f"{BAY}/people?{query}")
    assert response.status_code == 400
    assert set(problems(response)) == {query.split("=")[0]}


def test_a_person_is_added_then_replaced_by_post(api: Api) -> None:
    person = {"id": "p9001", "name": "Ada Lovelace", "group": "people",
              "other_groups": ["givers_of_service", "people"], "segments": ["locality : Barrow"],
              "formal_power": 1, "lived_experience": True, "engagement": "aware",
              "joined": "2024-02-29"}
    response = api.call("POST", f"{BAY}/people", "editor", json=person)
    assert response.status_code == 201
    assert response.headers["Location"] == f"{BAY}/people/p9001"
    assert response.json == {**person, "other_groups": ["givers_of_service"],
                             "segments": ["locality:Barrow"], "organisation": "",
                             "informal_power": 0, "role": None, "left": None}
    assert api.get(f"{BAY}/people/p9001").json == response.json
    response = api.call("POST", f"{BAY}/people", "editor", json={"id": "p9001", "group": "people"})
    assert response.status_code == 200 and response.json["name"] == ""
    assert count_people(api) == 201


def test_adding_a_person_reports_every_problem_by_field(api: Api) -> None:
    response = api.call("POST", f"{BAY}/people", "editor", json={
        "id": " ", "group": "nurses", "formal_power": 7, "joined": "2024-13-01",
        "lived_experience": "perhaps", "segments": [3], "favourite": "tea"})
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    found = problems(response)
    assert found["id"] == "id is required"
    assert found["group"].startswith("must be one of") and "givers_of_service" in found["group"]
    assert found["formal_power"] == "must be at most 3"
    assert found["joined"] == "must be a date written YYYY-MM-DD"
    assert found["lived_experience"] == "must be true or false"
    assert found["segments"] == "each segment must be text"
    assert found["favourite"].startswith("is not a known field")
    assert not any("Input should" in reason for reason in found.values())  # no pydantic text
    assert api.call("POST", f"{BAY}/people", "viewer", json={"id": "x", "group": "people"}
                    ).status_code == 403
    assert count_people(api) == 200


def test_get_person_answers_404_for_unknown_ids(api: Api) -> None:
    assert api.get(f"{BAY}/people/p0001").json["id"] == "p0001"
    for path in ("people/nobody", "people/P0001", "people/p0001/extra", "people/%00"):
        response = api.get(f"{BAY}/{path}")
        assert response.status_code == 404 and response.json["error"] == "not_found"


def test_ids_with_a_slash_can_be_addressed(api: Api) -> None:
    api.call("POST", f"{BAY}/people", "editor", json={"id": "team/a", "group": "people"})
    assert api.get(f"{BAY}/people/team/a").json["id"] == "team/a"
    assert api.call("DELETE", f"{BAY}/people/team/a", "editor").status_code == 204


def test_put_replaces_every_field_of_a_person(api: Api) -> None:
    before = api.get(f"{BAY}/people/p0001").json
    assert before["organisation"]
    response = api.call("PUT", f"{BAY}/people/p0001", "editor",
                        json={"group": "system_leaders", "name": "Renamed"})
    assert response.status_code == 200
    # joined is when their history starts: left out, it keeps what is recorded
    assert response.json == {**Person(id="p0001", group="system_leaders").model_dump(mode="json"),
                             "name": "Renamed", "joined": before["joined"]}
    assert api.get(f"{BAY}/people/p0001").json == response.json
    assert api.call("PUT", f"{BAY}/people/nobody", "editor",
                    json={"group": "people"}).status_code == 404
    response = api.call("PUT", f"{BAY}/people/p0001", "editor", json={"id": "p0002",
                                                                       "group": "people"})
    assert response.status_code == 422 and set(problems(response)) == {"id"}
    assert api.call("PUT", f"{BAY}/people/p0001", "viewer",
                    json={"group": "people"}).status_code == 403


def test_patch_changes_only_the_fields_given(api: Api) -> None:
    before = api.get(f"{BAY}/people/p0002").json
    response = api.call("PATCH", f"{BAY}/people/p0002", "editor",
                        json={"engagement": "leading", "role": "organiser", "id": "p0002"})
    assert response.status_code == 200
    assert response.json == {**before, "engagement": "leading", "role": "organiser"}
    response = api.call("PATCH", f"{BAY}/people/p0002", "editor", json={"informal_power": -1})
    assert problems(response) == {"informal_power": "must be at least 0"}
    assert api.get(f"{BAY}/people/p0002").json["informal_power"] == before["informal_power"]
    assert api.call("PATCH", f"{BAY}/people/nobody", "editor", json={}).status_code == 404


def test_deleting_a_person_removes_their_ties(api: Api) -> None:
    source, _target = first_tie(api)
    assert api.get(f"{BAY}/relationships?person={source}").json["total"] > 0
    assert api.call("DELETE", f"{BAY}/people/{source}", "viewer").status_code == 403
    assert api.call("DELETE", f"{BAY}/people/{source}", "editor").status_code == 204
    assert api.get(f"{BAY}/people/{source}").status_code == 404
    assert api.get(f"{BAY}/relationships?person={source}").status_code == 404
    ties = api.get(f"{BAY}/relationships?limit=1000").json["items"]
    assert all(source not in (t["source"], t["target"]) for t in ties)
    assert api.call("DELETE", f"{BAY}/people/{source}", "editor").status_code == 404


# -- relationships -----------------------------------------------------------------------------


def test_relationships_are_listed_in_pages_and_filtered_by_person(api: Api) -> None:
    body = api.get(f"{BAY}/relationships?limit=3").json
    assert body["total"] == 710 and len(body["items"]) == 3
    keys = [(t["source"], t["target"]) for t in body["items"]]
    assert keys == sorted(keys)
    mine = api.get(f"{BAY}/relationships?person=p0001&limit=1000").json
    assert mine["total"] == len(mine["items"]) > 0
    assert all("p0001" in (t["source"], t["target"]) for t in mine["items"])
    assert api.get(f"{BAY}/relationships?person=nobody").status_code == 404
    assert api.get(f"{BAY}/relationships?limit=5000").status_code == 400


def test_a_tie_is_recorded_and_replaced_by_post(api: Api) -> None:
    tie = {"source": "p0001", "target": "p0200", "relational": 3, "flow_of_value": 2,
           "recruited": True, "since": "2023-05-01"}
    response = api.call("POST", f"{BAY}/relationships", "editor", json=tie)
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"{BAY}/relationships/p0001/p0200"
    assert response.json == {**tie, "functional": 0, "until": None}
    assert api.get(f"{BAY}/relationships/p0001/p0200").json == response.json
    again = api.call("POST", f"{BAY}/relationships", "editor",
                     json={"source": "p0001", "target": "p0200"})
    assert again.status_code == 200 and again.json["relational"] == 0


def test_recording_a_tie_reports_unknown_people_self_ties_and_bad_strengths(api: Api) -> None:
    response = api.call("POST", f"{BAY}/relationships", "editor",
                        json={"source": "nobody", "target": "ghost"})
    assert response.status_code == 422 and set(problems(response)) == {"source", "target"}
    response = api.call("POST", f"{BAY}/relationships", "editor",
                        json={"source": "p0001", "target": "p0001"})
    assert response.status_code == 422
    assert "themselves" in problems(response)["body"]
    response = api.call("POST", f"{BAY}/relationships", "editor",
                        json={"source": "p0001", "target": "p0002", "functional": 4,
                              "relational": 1.5, "recruited": "sometimes"})
    assert problems(response) == {"functional": "must be at most 3",
                                  "relational": "must be a whole number",
                                  "recruited": "must be true or false"}
    assert api.call("POST", f"{BAY}/relationships", "viewer",
                    json={"source": "p0001", "target": "p0002"}).status_code == 403


def test_put_replaces_a_tie_and_delete_removes_it(api: Api) -> None:
    source, target = first_tie(api)
    path = f"{BAY}/relationships/{source}/{target}"
    response = api.call("PUT", path, "editor", json={"functional": 1})
    assert response.status_code == 200
    before = api.get(path).json  # since is when the tie's history starts: it is kept
    assert response.json == {"source": source, "target": target, "relational": 0,
                             "functional": 1, "flow_of_value": 0, "recruited": False,
                             "since": before["since"], "until": None}
    assert api.get(path).json == response.json
    response = api.call("PUT", path, "editor", json={"source": "p0199"})
    assert response.status_code == 422 and set(problems(response)) == {"source"}
    assert api.call("PUT", path, "viewer", json={}).status_code == 403
    assert api.call("DELETE", path, "viewer").status_code == 403
    assert api.call("DELETE", path, "editor").status_code == 204
    assert api.get(path).status_code == 404
    assert api.call("PUT", path, "editor", json={}).status_code == 404
    assert api.call("DELETE", path, "editor").status_code == 404
    assert api.get(f"{BAY}/relationships/{target}/nobody").status_code == 404


# -- analysis and gaps -------------------------------------------------------------------------


def expected_analysis(api: Api, options: AnalysisOptions | None = None) -> Any:
    store = api.store()
    try:
        day = options.as_of if options else date.today()
        graph = map_as_of(store, MAP, day) if day < date.today() else store.load_graph(MAP)
        return plain(analyse(graph, options).to_dict())
    finally:
        store.close()


def test_analysis_is_the_object_of_the_cli_json(api: Api, web: Web) -> None:
    body = api.get(f"{BAY}/analysis").json
    assert body == expected_analysis(api)
    assert body["options"]["as_of"] == date.today().isoformat()
    store_url = web.app.extensions["movemap.settings"].store_url
    result = CliRunner().invoke(movemap, ["--store", store_url, "analyse", MAP, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == body


def test_analysis_takes_the_options_of_the_cli(api: Api) -> None:
    response = api.get(f"{BAY}/analysis", query_string=[
        ("hops", "2"), ("min_trust", "flow_of_value:1"), ("min_trust", "relational=2"),
        ("target_core", "5%"), ("target_reach", "0.8"), ("as_of", "2024-01-31")])
    assert response.status_code == 200
    options = AnalysisOptions(hops=2, min_trust={"flow_of_value": 1, "relational": 2},
                              target_core_share=0.05, target_reach=0.8,
                              as_of=date(2024, 1, 31))
    assert response.json == expected_analysis(api, options)
    comma = api.get(f"{BAY}/analysis?min_trust=flow_of_value:1,relational:2&hops=2"
                    "&target_core=0.05&target_reach=80%25&as_of=2024-01-31")
    assert comma.json == response.json


@pytest.mark.parametrize("query", [
    "hops=0", "hops=two", "hops=99", "hops=1.5", "min_trust=flow_of_value", "min_trust=trust:1",
    "min_trust=relational:4", "min_trust=relational:-1", "min_trust=functional:x",
    "target_core=0", "target_core=1.5", "target_core=abc", "target_reach=nan",
    "target_reach=inf", "target_reach=-5%25", "as_of=2024-13-01", "as_of=yesterday",
    "as_of=20240101",
])
def test_analysis_refuses_bad_options_with_400_naming_the_option(api: Api, query: str) -> None:
    response = api.get(f"{BAY}/analysis?{query}")
    assert response.status_code == 400, response.json
    assert set(problems(response)) == {query.split("=")[0]}


def test_gaps_are_those_of_the_analysis_and_can_be_filtered(api: Api) -> None:
    gaps = expected_analysis(api)["gaps"]
    body = api.get(f"{BAY}/gaps").json
    kinds = body.pop("kinds")
    assert body == {"constituency": MAP, "gaps": gaps, "total": len(gaps), "limit": 100,
                    "offset": 0}
    assert len(gaps) > 3
    # the grouped view: one entry per kind, most serious first, counting every gap
    assert sorted(k["kind"] for k in kinds) == sorted({g["kind"] for g in gaps})
    assert sum(k["count"] for k in kinds) == len(gaps)
    order = ["high", "medium", "low"]
    assert [order.index(k["severity"]) for k in kinds] == sorted(
        order.index(k["severity"]) for k in kinds)
    assert all(k["summary"] and k["what_to_do"] and k["title"] for k in kinds)
    paged = api.get(f"{BAY}/gaps?limit=2&offset=1").json
    assert paged["gaps"] == gaps[1:3] and paged["total"] == len(gaps)
    high = api.get(f"{BAY}/gaps?severity=high").json["gaps"]
    assert high == [g for g in gaps if g["severity"] == "high"]
    kinds = api.get(f"{BAY}/gaps?kind=segment_missing,group_imbalance&severity=high,medium")
    assert kinds.json["gaps"] == [
        g for g in gaps if g["kind"] in {"segment_missing", "group_imbalance"}
        and g["severity"] in {"high", "medium"}]
    assert any(g["kind"] == "segment_missing" for g in kinds.json["gaps"])
    for query in ("severity=urgent", "kind=everything", "kind=segment_missing,nope", "kind=",
                  "severity=high,"):
        response = api.get(f"{BAY}/gaps?{query}")
        assert response.status_code == 400 and set(problems(response)) == {query.split("=")[0]}


def test_analysis_changes_after_a_write_through_the_api(api: Api,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # a store revision that never moves: only the app's own invalidate() can refresh the cache
    monkeypatch.setattr(service.state, "_revision", lambda store, name: "fixed")
    before = api.get(f"{BAY}/analysis").json
    assert api.get(f"{BAY}/analysis").json == before
    outsider = next(p for p in api.get(f"{BAY}/people?limit=1000").json["items"]
                    if p["id"] not in before["core"]["members"])
    api.call("PATCH", f"{BAY}/people/{outsider['id']}", "editor", json={"engagement": "leading"})
    after = api.get(f"{BAY}/analysis").json
    assert outsider["id"] in after["core"]["members"]
    assert after == expected_analysis(api)


WRITES: dict[str, Callable[[Api], TestResponse]] = {
    "patch constituency": lambda a: a.call("PATCH", BAY, json={"description": "changed"}),
    "post person": lambda a: a.call("POST", f"{BAY}/people", json={"id": "n1",
                                                                    "group": "people"}),
    "put person": lambda a: a.call("PUT", f"{BAY}/people/p0003", json={"group": "people"}),
    "patch person": lambda a: a.call("PATCH", f"{BAY}/people/p0003", json={"name": "N"}),
    "delete person": lambda a: a.call("DELETE", f"{BAY}/people/p0003"),
    "post tie": lambda a: a.call("POST", f"{BAY}/relationships",
                                 json={"source": "p0001", "target": "p0199"}),
    "put tie": lambda a: a.call("PUT", f"{BAY}/relationships/{'/'.join(first_tie(a))}",
                                json={"relational": 3}),
    "delete tie": lambda a: a.call("DELETE", f"{BAY}/relationships/{'/'.join(first_tie(a))}"),
    "import": lambda a: a.call("POST", f"{BAY}/import", data=csv_files(
        "id,group\nn2,people\n", "source,target\nn2,p0001\n")),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_refreshes_the_cached_analysis(api: Api, write: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = service.state.invalidate
    monkeypatch.setattr(service.state, "invalidate",
                        lambda name: (calls.append(name), real(name)))
    response = WRITES[write](api)
    assert response.status_code in (200, 201, 204), response.json
    assert calls and set(calls) == {MAP}


# -- import ------------------------------------------------------------------------------------


def csv_files(people: str, relationships: str,
              people_name: str = "people.csv") -> dict[str, Any]:
    return {
        "people": (io.BytesIO(people.encode()), people_name),
        "relationships": (io.BytesIO(relationships.encode()), "relationships.csv"),
    }


def test_import_adds_and_updates_people_and_ties_like_the_cli(api: Api) -> None:
    data = csv_files("id,name,group,engagement\nn1,New One,people,leading\np0001,,people,\n",
                     "source,target,relational,colour\nn1,p0001,2,red\n")
    response = api.call("POST", f"{BAY}/import", "editor", data=data)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["people"] == {"added": 1, "updated": 1, "unchanged": 0}
    assert body["relationships"] == {"added": 1, "updated": 0, "unchanged": 0}
    assert body["changed"] is True
    assert any("colour" in w for w in body["warnings"])
    assert all("movemap-import-" not in w for w in body["warnings"])
    assert api.get(f"{BAY}/relationships/n1/p0001").json["relational"] == 2
    assert "n1" in api.get(f"{BAY}/analysis").json["core"]["members"]


def test_import_is_all_or_nothing_and_lists_every_problem_by_line(api: Api) -> None:
    data = csv_files("id,group,joined\nn1,people,2024-01-01\nn2,nurses,\nn3,people,soon\n",
                     "source,target,functional\nn1,nobody,1\nn1,p0001,9\n",
                     people_name="my people.csv")
    response = api.call("POST", f"{BAY}/import", "editor", data=data)
    assert response.status_code == 422
    body = response.json
    assert body["error"] == "invalid" and body["message"].startswith("import failed")
    found = {(p["file"], p["line"], p["column"]) for p in body["problems"]}
    assert {("my people.csv", 3, "group"), ("my people.csv", 4, "joined"),
            ("relationships.csv", 2, "target"), ("relationships.csv", 3, "functional")} <= found
    assert all(p["reason"] for p in body["problems"])
    assert count_people(api) == 200
    assert api.get(f"{BAY}/people/n1").status_code == 404


def test_import_needs_two_files_in_a_multipart_form_and_an_editor(api: Api) -> None:
    path = f"{BAY}/import"

    def files() -> dict[str, Any]:
        return csv_files("id,group\nn1,people\n", "source,target\n")

    assert api.call("POST", path, "viewer", data=files()).status_code == 403
    assert api.call("POST", path, "outsider", data=files()).status_code == 404
    assert api.call("POST", path, None, data=files()).status_code == 401
    assert api.call("POST", path, "editor", json={"people": "id,group"}).status_code == 400
    only = {"people": (io.BytesIO(b"id,group\n"), "people.csv")}
    response = api.call("POST", path, "editor", data=only)
    assert response.status_code == 400 and set(problems(response)) == {"relationships"}
    response = api.call("POST", path, "editor", data={**files(), "replace": "maybe"})
    assert response.status_code == 400
    assert api.get(f"{API}/constituencies/nowhere/import").status_code == 405


def test_import_with_replace_leaves_exactly_the_files(api: Api) -> None:
    files = csv_files("id,group\na,people\nb,system_leaders\n", "source,target\na,b\n")
    response = api.call("POST", f"{BAY}/import", "editor", data={**files, "replace": "yes"})
    assert response.status_code == 200, response.json
    assert api.get(f"{BAY}/people").json["total"] == 2
    assert api.get(f"{BAY}/relationships").json["total"] == 1


# -- requests that cannot be read ---------------------------------------------------------------


def json_endpoints(api: Api) -> list[tuple[str, str]]:
    source, target = first_tie(api)
    return [("POST", f"{API}/constituencies"), ("PATCH", BAY), ("POST", f"{BAY}/people"),
            ("PUT", f"{BAY}/people/p0001"), ("PATCH", f"{BAY}/people/p0001"),
            ("POST", f"{BAY}/relationships"), ("PUT", f"{BAY}/relationships/{source}/{target}"),
            ("POST", f"{BAY}/events"), ("PUT", f"{BAY}/events/2025-01-01-x")]


BAD_BODIES: list[bytes] = [
    b"", b"not json", b"{", b'{"id": "p1",}', b"[]", b"[1, 2]", b"null", b"1", b'"text"', b"true",
    b"\xff\xfe\x00{", b'{"id": "caf\xe9"}', b'{"id": NaN}', b'{"relational": Infinity}',
    b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"id": ' + b"9" * 10_000 + b"}", b'{"id": 1e400, "group": "people"}',
    json.dumps({"id": 123, "group": ["people"], "source": 1, "description": 5}).encode(),
    json.dumps({"name": 5, "expected_segments": "x", "target": [], "group": None}).encode(),
    json.dumps({"source": None, "target": {}, "id": {}, "description": []}).encode(),
    json.dumps({"formal_power": 10**30, "relational": 10**30, "description": "x" * 10_000,
                "group": "people"}).encode(),
    json.dumps({"unknown_field": 1}).encode(),
    json.dumps({"id": "\u0000", "group": "people", "source": "\u0000"}).encode(),
    json.dumps({"id": "x" * 100_000, "group": "people", "source": "x" * 100_000}).encode(),
    json.dumps({"id": "p1", "group": "people", "joined": "2024-02-30", "since": "x",
                "expected_segments": [""], "relational": True}).encode(),
    json.dumps({"segments": [[[[["deep"]]]]], "other_groups": {"a": 1}, "group": "people",
                "id": "p0001", "expected_segments": [" "], "flow_of_value": "3 "}).encode(),
]


def test_no_malformed_body_ever_gets_a_500_or_changes_anything(api: Api) -> None:
    before = api.get(f"{BAY}/people?limit=1000").json
    for method, path in json_endpoints(api):
        for body in BAD_BODIES:
            response = api.call(method, path, "owner", data=body,
                                content_type="application/json")
            assert response.status_code in (400, 422), (method, path, body[:60], response.json)
            assert response.is_json and response.json["message"], (method, path, body[:60])
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            response = api.call(method, path, "owner", data=b'{"id": "x", "group": "people"}',
                                content_type=content_type)
            assert response.status_code == 400, (method, path, content_type)
    assert api.get(f"{BAY}/people?limit=1000").json == before
    assert api.get(f"{API}/constituencies", "owner").json["total"] == 1


def test_no_malformed_query_ever_gets_a_500(api: Api) -> None:
    values = ["", "-1", "0", "1e9", "99999999999999999999", "%00", "%FF", "nan", "1,2",
              "flow_of_value:1:2", "relational:%E2%82%AC", "%D9%A3", "x" * 5000]
    fields = ["limit", "offset", "q", "person", "hops", "min_trust", "target_core",
              "target_reach", "as_of", "severity", "kind"]
    for path in ("people", "relationships", "analysis", "gaps"):
        for field in fields:
            for value in values:
                response = api.get(f"{BAY}/{path}?{field}={value}")
                assert response.status_code in (200, 400, 404), (path, field, value)
                assert response.is_json


def test_wrong_methods_answer_405_and_unknown_addresses_404_as_json(api: Api) -> None:
    for method, path in (("PUT", f"{API}/constituencies"), ("POST", f"{BAY}/analysis"),
                         ("DELETE", f"{BAY}/gaps"), ("PATCH", f"{BAY}/relationships"),
                         ("POST", f"{BAY}/people/p0001")):
        response = api.call(method, path, "owner")
        assert response.status_code == 405 and response.json["error"] == "method_not_allowed"
    response = api.get(f"{API}/nothing-here")
    assert response.status_code == 404 and response.json["error"] == "not_found"


# -- sessions and CSRF -------------------------------------------------------------------------


def test_a_signed_in_session_works_but_needs_the_csrf_header_to_write(client: FlaskClient,
                                                                      web: Web) -> None:
    sign_in(client, web.emails["editor"])
    assert client.get(f"{BAY}/people/p0001").status_code == 200
    person = {"id": "s1", "group": "people"}
    refused = client.post(f"{BAY}/people", json=person)
    assert refused.status_code == 400 and refused.json["error"] == "bad_request"
    assert client.get(f"{BAY}/people/s1").status_code == 404
    token = csrf_token(client, "/")
    assert client.post(f"{BAY}/people", json=person,
                       headers={"X-CSRFToken": token}).status_code == 201
    assert client.delete(f"{BAY}/people/s1").status_code == 400
    assert client.delete(f"{BAY}/people/s1", headers={"X-CSRFToken": token}).status_code == 204


def test_token_calls_need_no_csrf_token(api: Api) -> None:
    response = api.call("POST", f"{BAY}/people", "editor", json={"id": "t1", "group": "people"})
    assert response.status_code == 201


# -- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_is_valid_openapi_3_1(api: Api) -> None:
    response = api.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert document == plain(build_document())


def test_openapi_document_needs_credentials_too(api: Api) -> None:
    assert api.get(f"{API}/openapi.json", None).status_code == 401


def _documented_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_describes_every_api_route_and_nothing_else(web: Web) -> None:
    routes = {
        (_documented_path(rule.rule), method.lower())
        for rule in web.app.url_map.iter_rules() if rule.endpoint.startswith("api.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    document = build_document()
    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item}
    assert routes == documented
    for path, item in document["paths"].items():
        names = set(_placeholders(path))
        for method, operation in item.items():
            assert "401" in operation["responses"], (path, method)
            params = {p["$ref"].rsplit("/", 1)[1] for p in operation.get("parameters", [])
                      if "$ref" in p}
            assert names <= params, (path, method)
            if "{name}" in path:
                assert {"403", "404"} <= set(operation["responses"]), (path, method)
            if method in ("post", "put", "patch") and not path.endswith(("/import", "/undo")):
                assert {"400", "422"} <= set(operation["responses"]), (path, method)


def _placeholders(path: str) -> list[str]:
    return re.findall(r"{([a-z_]+)}", path)


def test_openapi_bodies_are_the_domain_models_schemas() -> None:
    schemas = build_document()["components"]["schemas"]
    person = Person.model_json_schema(ref_template="#/components/schemas/{model}")
    person.pop("$defs")
    assert schemas["Person"] == person
    assert schemas["Group"]["enum"] == ["people", "givers_of_service", "system_leaders"]
    assert schemas["PersonChanges"]["required"] == []


def test_every_documented_operation_answers_401_without_credentials(api: Api) -> None:
    source, target = first_tie(api)
    values = {"name": MAP, "person_id": "p0001", "source": source, "target": target,
              "change_set_id": "1", "email": "viewer@example.org", "token_id": "1",
              "event_id": "2025-01-01-x", "round_id": "r1", "link_id": "1",
              "item_id": "c1"}
    for path, item in build_document()["paths"].items():
        url = path.format(**{k: values[k] for k in _placeholders(path)})
        for method in item:
            response = api.call(method.upper(), url, None)
            assert response.status_code == 401, (method, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_json_answers_never_hold_nan_or_infinity() -> None:
    data = {"a": float("nan"), "b": [float("inf"), 1.5, {"c": -float("inf")}], "d": "x"}
    assert json.loads(service.api._json(data).get_data(as_text=True)) == {
        "a": None, "b": [None, 1.5, {"c": None}], "d": "x"}
