"""The map's settings through the API: read by viewers, written by editors with If-Match,
validated field by field, and used by the analysis the API answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, bearer
from werkzeug.test import TestResponse

import service.state

SETTINGS = f"/api/v1/constituencies/{MAP}/settings"
ANALYSIS = f"/api/v1/constituencies/{MAP}/analysis"
DEFAULTS = {"target_core_share": 0.03, "target_reach": 0.9, "steps": 1, "min_engagement": None,
            "event_window_days": 60, "purpose_review_days": 365}


def call(client: FlaskClient, web: Web, method: str, path: str, role: str = "editor",
         **kwargs: Any) -> TestResponse:
    headers = {**bearer(web.tokens[role]), **kwargs.pop("headers", {})}
    return client.open(path, method=method, headers=headers, **kwargs)


def test_a_viewer_reads_the_default_settings_with_a_version(client: FlaskClient, web: Web
                                                            ) -> None:
    response = call(client, web, "GET", SETTINGS, "viewer")
    assert response.status_code == 200
    assert response.json == DEFAULTS
    assert response.headers["ETag"].strip('"').isdigit()


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_only_editors_and_owners_change_the_settings(client: FlaskClient, web: Web, role: str
                                                     ) -> None:
    response = call(client, web, "PUT", SETTINGS, role, json={"steps": 2})
    assert response.status_code in (403, 404)
    assert call(client, web, "GET", SETTINGS, "owner").json == DEFAULTS
    assert call(client, web, "PATCH", SETTINGS, "owner", json={"steps": 2}).status_code == 200


def test_put_sets_every_setting_and_patch_only_those_given(client: FlaskClient, web: Web
                                                          ) -> None:
    put = call(client, web, "PUT", SETTINGS, json={"steps": 2, "target_reach": 0.8,
                                                   "min_engagement": "contributing"})
    assert put.status_code == 200, put.json
    assert put.json == {**DEFAULTS, "steps": 2, "target_reach": 0.8,
                        "min_engagement": "contributing"}
    patched = call(client, web, "PATCH", SETTINGS, json={"target_core_share": 0.05})
    assert patched.json == {**put.json, "target_core_share": 0.05}
    assert call(client, web, "PUT", SETTINGS, json={}).json == DEFAULTS


def test_a_stale_if_match_is_refused_naming_the_change_since(client: FlaskClient, web: Web
                                                           ) -> None:
    seen = call(client, web, "GET", SETTINGS).headers["ETag"]
    call(client, web, "PATCH", SETTINGS, json={"steps": 3})
    stale = call(client, web, "PATCH", SETTINGS, json={"steps": 2}, headers={"If-Match": seen})
    assert stale.status_code == 409 and stale.json["error"] == "stale"
    assert "changed the map: steps" in stale.json["message"]
    assert call(client, web, "GET", SETTINGS).json["steps"] == 3
    fresh = call(client, web, "GET", SETTINGS).headers["ETag"]
    ok = call(client, web, "PATCH", SETTINGS, json={"steps": 2}, headers={"If-Match": fresh})
    assert ok.status_code == 200 and ok.headers["ETag"] != fresh


@pytest.mark.parametrize(("body", "field"), [
    ({"steps": 4}, "steps"), ({"steps": 0}, "steps"), ({"steps": "2"}, "steps"),
    ({"target_reach": 1.2}, "target_reach"), ({"target_core_share": 0}, "target_core_share"),
    ({"min_engagement": "keen"}, "min_engagement"), ({"colour": "red"}, "colour"),
])
def test_a_bad_setting_is_refused_with_its_field_and_nothing_changes(
        client: FlaskClient, web: Web, body: dict[str, Any], field: str) -> None:
    for method in ("PUT", "PATCH"):
        response = call(client, web, method, SETTINGS, json=body)
        assert response.status_code == 422, response.json
        assert [p["field"] for p in response.json["problems"]] == [field]
    assert call(client, web, "GET", SETTINGS).json == DEFAULTS


def test_the_analysis_uses_the_settings_and_a_change_refreshes_it(
        client: FlaskClient, web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = service.state.invalidate
    monkeypatch.setattr(service.state, "invalidate",
                        lambda name: (calls.append(name), real(name)))
    before = call(client, web, "GET", ANALYSIS).json
    assert (before["options"]["hops"], before["ready"]) == (1, None)
    call(client, web, "PUT", SETTINGS, json={"steps": 2, "min_engagement": "supporting"})
    assert calls == [MAP]
    after = call(client, web, "GET", ANALYSIS).json
    assert after["options"]["hops"] == 2
    assert after["core"]["reach"] == after["core"]["reach_by_steps"]["2"]
    assert after["ready"]["min_engagement"] == "supporting"
    query = call(client, web, "GET", f"{ANALYSIS}?hops=1&min_engagement=anyone").json
    assert (query["options"]["hops"], query["ready"]) == (1, None)
    assert call(client, web, "GET", f"{ANALYSIS}?min_engagement=keen").status_code == 400
