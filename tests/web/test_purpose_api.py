"""The purpose through the API: viewers read the board, items and warnings; editors write;
a contribution is changed only by its contributor; nothing shows outside the map; no malformed
body gets a 500."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, bearer
from test_api import BAD_BODIES
from werkzeug.test import TestResponse

PURPOSE = f"/api/v1/constituencies/{MAP}/purpose"
SAID = {"element": "purpose", "text": "Nobody waits alone", "date": "2025-05-02",
        "contributor": {"person": "p0001"}}


def call(client: FlaskClient, web: Web, method: str, path: str, role: str = "editor",
         **kwargs: Any) -> TestResponse:
    return client.open(path, method=method, headers=bearer(web.tokens[role]), **kwargs)


def added(client: FlaskClient, web: Web, plural: str, body: dict[str, Any]) -> dict[str, Any]:
    response = call(client, web, "POST", f"{PURPOSE}/{plural}", json=body)
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def test_an_editor_builds_the_purpose_and_a_viewer_reads_the_board(client: FlaskClient,
                                                                   web: Web) -> None:
    rnd = added(client, web, "rounds", {"title": "Why?", "opens": "2025-05-01"})
    said = added(client, web, "contributions", {**SAID, "round": rnd["id"]})
    assert (said["id"], said["item_kind"], said["contributor"]) == ("c1", "contribution",
                                                              {"person": "p0001",
                                                               "account": None})
    statement = added(client, web, "statements", {"title": "Home first"})
    version = call(client, web, "POST", f"{PURPOSE}/statements/{statement['id']}/versions",
                   json={"purpose": "By 1 April 2026 we will provide beds within 24 hours",
                         "date": "2025-05-03", "from_contributions": ["c1"]})
    assert version.status_code == 201 and version.json["id"] == "s1-v1"
    current = call(client, web, "PUT", f"{PURPOSE}/versions/s1-v1/status",
                   json={"status": "current"})
    assert current.json["status"] == "current"
    added(client, web, "aims", {"what": "Fewer delays", "statement": "s1"})
    board = call(client, web, "GET", PURPOSE, "viewer")
    assert board.status_code == 200
    assert [c["id"] for c in board.json["purpose"]["contributions"]] == ["c1"]
    assert board.json["purpose"]["current"]["id"] == "s1-v1"
    kinds = [w["kind"] for w in call(client, web, "GET", f"{PURPOSE}/warnings", "viewer").json]
    assert "reads_like_aim" in kinds and "service_role" in kinds
    items = call(client, web, "GET", f"{PURPOSE}/items", "viewer").json
    assert [r["id"] for r in items["rounds"]] == ["r1"]
    exported = call(client, web, "GET", f"{PURPOSE}/board.csv", "viewer")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [r["id"] for r in rows if r["column"] == "purpose"] == ["c1"]
    closed = call(client, web, "POST", f"{PURPOSE}/rounds/r1/close")
    assert closed.json["status"] == "closed"
    history = call(client, web, "GET", f"/api/v1/constituencies/{MAP}/history?limit=1",
                   "viewer").json
    assert history["items"][0]["summary"] == "closed round r1"


def test_only_the_contributor_changes_or_withdraws_a_contribution(client: FlaskClient,
                                                                 web: Web) -> None:
    theirs = added(client, web, "contributions", SAID)
    edited = call(client, web, "PUT", f"{PURPOSE}/contributions/{theirs['id']}/mine",
                  json={**SAID, "text": "mine now"})
    assert edited.status_code == 403 and "only they" in edited.json["message"]
    mine = added(client, web, "contributions", {
        **SAID, "contributor": {"account": web.emails["editor"]}})
    ok = call(client, web, "PUT", f"{PURPOSE}/contributions/{mine['id']}/mine",
              json={**SAID, "text": "In my words"})
    assert ok.status_code == 200 and ok.json["text"] == "In my words"
    assert ok.json["contributor"]["account"] == web.emails["editor"]
    gone = call(client, web, "POST", f"{PURPOSE}/contributions/{mine['id']}/withdraw")
    assert gone.json["withdrawn"] is True
    owner = call(client, web, "POST", f"{PURPOSE}/contributions/{mine['id']}/withdraw",
                 "owner")
    assert owner.status_code == 403


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_viewers_cannot_write_and_outsiders_see_nothing(client: FlaskClient, web: Web,
                                                        role: str) -> None:
    item = added(client, web, "personas", {"name": "Esther", "group": "people"})
    one = f"{PURPOSE}/personas/{item['id']}"
    write = 403 if role == "viewer" else 404
    assert call(client, web, "POST", f"{PURPOSE}/personas", role,
                json={"name": "Ann", "group": "people"}).status_code == write
    assert call(client, web, "PUT", one, role,
                json={"name": "Ann", "group": "people"}).status_code == write
    assert call(client, web, "DELETE", one, role).status_code == write
    read = 200 if role == "viewer" else 404
    for path in (PURPOSE, f"{PURPOSE}/items", f"{PURPOSE}/warnings", one):
        assert call(client, web, "GET", path, role).status_code == read, path


def test_errors_name_the_field_and_unknown_items_answer_404(client: FlaskClient,
                                                            web: Web) -> None:
    response = call(client, web, "POST", f"{PURPOSE}/contributions",
                    json={**SAID, "contributor": {"person": "nobody"}})
    assert response.status_code == 422
    assert response.json["problems"][0]["field"] == "contributor"
    shared = call(client, web, "POST", f"{PURPOSE}/contributions",
                  json={**SAID, "element": "shared"})
    assert shared.status_code == 422 and "kind" in shared.get_data(as_text=True)
    assert call(client, web, "GET", f"{PURPOSE}/aims/a99", "viewer").status_code == 404
    assert call(client, web, "DELETE", f"{PURPOSE}/aims/a99").status_code == 404


def test_no_malformed_body_ever_gets_a_500_or_changes_anything(client: FlaskClient,
                                                               web: Web) -> None:
    before = call(client, web, "GET", f"{PURPOSE}/items", "viewer").json
    paths = [("POST", f"{PURPOSE}/{p}") for p in ("rounds", "contributions", "themes",
                                                  "statements", "reviews", "aims", "personas")]
    paths += [("PUT", f"{PURPOSE}/personas/pe1"), ("PUT", f"{PURPOSE}/versions/s1-v1/status"),
              ("PUT", f"{PURPOSE}/contributions/c1/mine"),
              ("POST", f"{PURPOSE}/statements/s1/versions")]
    for method, path in paths:
        for body in BAD_BODIES:
            response = call(client, web, method, path, "owner", data=body,
                            content_type="application/json")
            assert response.status_code in (400, 404, 422), (method, path, body[:60])
            assert response.is_json and response.json["message"]
    assert call(client, web, "GET", f"{PURPOSE}/items", "viewer").json == before
