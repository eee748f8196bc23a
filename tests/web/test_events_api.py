"""Events through the API: read by viewers with their effects, written by editors (CSRF for
sessions, If-Match), validated field by field, undoable, and invisible outside the map."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, bearer, csrf_token, sign_in
from werkzeug.test import TestResponse

EVENTS = f"/api/v1/constituencies/{MAP}/events"
WORKSHOP = {"date": "2025-09-29", "name": "Community workshop", "kind": "workshop",
            "description": "Stories of why the change matters, then a plan.",
            "people": ["p0001", "p0002"]}


def call(client: FlaskClient, web: Web, method: str, path: str, role: str = "editor",
         **kwargs: Any) -> TestResponse:
    headers = {**bearer(web.tokens[role]), **kwargs.pop("headers", {})}
    return client.open(path, method=method, headers=headers, **kwargs)


def _add(client: FlaskClient, web: Web, body: dict[str, Any] = WORKSHOP) -> dict[str, Any]:
    response = call(client, web, "POST", EVENTS, json=body)
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def test_an_editor_adds_an_event_and_a_viewer_reads_it_with_its_effects(
        client: FlaskClient, web: Web) -> None:
    empty = call(client, web, "GET", EVENTS, "viewer")
    assert empty.status_code == 200 and empty.json["items"] == []
    assert empty.json["window_days"] == 60 and empty.headers["ETag"]
    added = call(client, web, "POST", EVENTS, json=WORKSHOP)
    assert added.status_code == 201, added.json
    event = added.json
    assert event["id"] == "2025-09-29-community-workshop"
    assert added.headers["Location"].endswith(f"{EVENTS}/{event['id']}")
    assert {k: event[k] for k in WORKSHOP} == WORKSHOP
    effects = event["effects"]
    assert effects["event_id"] == event["id"] and effects["window_days"] == 60
    assert effects["participants"] == 2 and effects["complete"] is True
    assert set(effects["changes"]) == {"people", "contributing_or_above", "core", "reach"}
    assert effects["sentences"][-1].startswith("These go with the event")
    listed = call(client, web, "GET", EVENTS, "viewer").json
    assert listed["items"] == [event] and listed["total"] == 1
    assert call(client, web, "GET", f"{EVENTS}/{event['id']}", "viewer").json == event


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_only_editors_and_owners_add_change_or_remove_events(client: FlaskClient, web: Web,
                                                             role: str) -> None:
    event = _add(client, web)
    one = f"{EVENTS}/{event['id']}"
    expected = 403 if role == "viewer" else 404
    assert call(client, web, "POST", EVENTS, role, json=WORKSHOP).status_code == expected
    assert call(client, web, "PUT", one, role, json=WORKSHOP).status_code == expected
    assert call(client, web, "DELETE", one, role).status_code == expected
    assert call(client, web, "GET", EVENTS, "owner").json["total"] == 1


def test_another_maps_users_see_nothing_of_its_events(client: FlaskClient, web: Web) -> None:
    event = _add(client, web)
    for path in (EVENTS, f"{EVENTS}/{event['id']}"):
        response = call(client, web, "GET", path, "outsider")
        assert response.status_code == 404 and "Community" not in response.get_data(True)
    other = f"/api/v1/constituencies/{OTHER_MAP}/events"
    assert call(client, web, "GET", other, "owner").status_code == 404
    assert call(client, web, "POST", other, "owner", json=WORKSHOP).status_code == 404


def test_a_bad_event_is_refused_naming_the_field(client: FlaskClient, web: Web) -> None:
    for body, field in (({**WORKSHOP, "people": ["p0001", "nobody"]}, "people"),
                        ({**WORKSHOP, "name": "x" * 201}, "name"),
                        ({**WORKSHOP, "date": "2999-01-01"}, "date"),
                        ({**WORKSHOP, "date": "29/09/2025"}, "date"),
                        ({**WORKSHOP, "people": "p0001"}, "people"),
                        ({**WORKSHOP, "colour": "red"}, "colour")):
        response = call(client, web, "POST", EVENTS, json=body)
        assert response.status_code == 422, (body, response.json)
        problems = {p["field"]: p["reason"] for p in response.json["problems"]}
        assert field in problems, (field, problems)
    assert "'nobody'" in call(client, web, "POST", EVENTS, json={
        **WORKSHOP, "people": ["nobody"]}).json["message"]
    assert call(client, web, "GET", EVENTS, "viewer").json["total"] == 0


def test_an_event_is_replaced_keeping_its_id_and_removed_then_undone(
        client: FlaskClient, web: Web) -> None:
    event = _add(client, web)
    one = f"{EVENTS}/{event['id']}"
    version = call(client, web, "GET", EVENTS).headers["ETag"]
    renamed = call(client, web, "PUT", one, json={**WORKSHOP, "name": "Listening workshop"},
                   headers={"If-Match": version})
    assert renamed.status_code == 200 and renamed.json["id"] == event["id"]
    stale = call(client, web, "DELETE", one, headers={"If-Match": version})
    assert stale.status_code == 409 and stale.json["error"] == "stale"
    assert call(client, web, "DELETE", one).status_code == 204
    assert call(client, web, "GET", one, "viewer").status_code == 404
    assert call(client, web, "DELETE", one).status_code == 404
    history = call(client, web, "GET", f"/api/v1/constituencies/{MAP}/history?limit=1").json
    removal = history["items"][0]
    assert removal["summary"] == f"removed the event {event['id']}"
    assert removal["by"] == web.emails["editor"] and removal["via"] == "api"
    undo = f"/api/v1/constituencies/{MAP}/history/{removal['id']}/undo"
    assert call(client, web, "POST", undo).status_code == 201
    assert call(client, web, "GET", one, "viewer").json["name"] == "Listening workshop"


def test_a_signed_in_session_needs_the_csrf_header_to_add_an_event(client: FlaskClient,
                                                                    web: Web) -> None:
    sign_in(client, web.emails["editor"])
    assert client.post(EVENTS, json=WORKSHOP).status_code == 400
    token = csrf_token(client, "/")
    assert client.post(EVENTS, json=WORKSHOP, headers={"X-CSRFToken": token}).status_code == 201
    assert client.get(EVENTS).json["total"] == 1
