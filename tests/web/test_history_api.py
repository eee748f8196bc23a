"""The history through the API: versions (ETag, If-Match), 409 for stale writes, the map as of a
day, what changed, the history and undo; and concurrent editors against the real server."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from support import MAP, Web, bearer
from waitress.server import create_server

Api = Any


def _call(web: Web, method: str, path: str, role: str = "editor", **kw: Any) -> Any:
    client = web.app.test_client()
    headers = {**bearer(web.tokens[role]), **kw.pop("headers", {})}
    return client.open(f"/api/v1{path}", method=method, headers=headers, **kw)


PEOPLE = f"/constituencies/{MAP}/people"


def test_a_person_answers_with_an_etag_that_changes_with_every_change(web: Web) -> None:
    first = _call(web, "GET", f"{PEOPLE}/p0001")
    assert first.status_code == 200 and first.headers["ETag"]
    changed = _call(web, "PATCH", f"{PEOPLE}/p0001", json={"formal_power": 3},
                    headers={"If-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["formal_power"] == 3


def test_a_stale_if_match_gets_409_naming_who_changed_it(web: Web) -> None:
    seen = _call(web, "GET", f"{PEOPLE}/p0001").headers["ETag"]
    assert _call(web, "PATCH", f"{PEOPLE}/p0001", role="owner", json={"informal_power": 2},
                 headers={"If-Match": seen}).status_code == 200
    for method, body in (("PATCH", {"formal_power": 1}), ("PUT", {"group": "people"}),
                         ("DELETE", None)):
        stale = _call(web, method, f"{PEOPLE}/p0001", json=body, headers={"If-Match": seen})
        assert stale.status_code == 409, method
        answer = stale.get_json()
        assert answer["error"] == "stale"
        assert web.emails["owner"] in answer["message"]
    assert _call(web, "GET", f"{PEOPLE}/p0001").get_json()["formal_power"] != 1


def test_bad_if_match_is_400(web: Web) -> None:
    answer = _call(web, "PATCH", f"{PEOPLE}/p0001", json={"formal_power": 1},
                   headers={"If-Match": "not a version"})
    assert answer.status_code == 400


def test_a_person_who_left_is_gone_today_and_there_as_of_before(web: Web) -> None:
    today = date.today()
    gone = _call(web, "DELETE", f"{PEOPLE}/p0002?reason=left&on={today.isoformat()}")
    assert gone.status_code == 204
    assert _call(web, "GET", f"{PEOPLE}/p0002").status_code == 404
    before = date.fromordinal(today.toordinal() - 1).isoformat()
    then = _call(web, "GET", f"{PEOPLE}/p0002?as_of={before}")
    assert then.status_code == 200 and then.get_json()["left"] == today.isoformat()
    listed = _call(web, "GET", f"{PEOPLE}?as_of={before}&limit=1000").get_json()
    assert "p0002" in {p["id"] for p in listed["items"]}
    analysis = _call(web, "GET", f"/constituencies/{MAP}/analysis?as_of={before}").get_json()
    assert analysis["size"] == listed["total"]
    now = _call(web, "GET", f"/constituencies/{MAP}/analysis").get_json()
    assert now["size"] == _call(web, "GET", PEOPLE).get_json()["total"]


def test_history_lists_the_edit_and_undo_brings_it_back(web: Web) -> None:
    before = _call(web, "GET", f"{PEOPLE}/p0003").get_json()
    _call(web, "PATCH", f"{PEOPLE}/p0003", json={"engagement": "leading"})
    history = _call(web, "GET", f"/constituencies/{MAP}/history?person=p0003").get_json()
    newest = history["items"][0]
    assert newest["by"] == web.emails["editor"] and newest["via"] == "api"
    assert {"engagement"} <= {c["field"] for c in newest["changes"]}
    undo = _call(web, "POST", f"/constituencies/{MAP}/history/{newest['id']}/undo")
    assert undo.status_code == 201
    assert _call(web, "GET", f"{PEOPLE}/p0003").get_json() == before
    again = _call(web, "POST", f"/constituencies/{MAP}/history/{newest['id']}/undo")
    assert again.status_code == 409
    assert _call(web, "POST", f"/constituencies/{MAP}/history/{newest['id']}/undo",
                 role="viewer").status_code == 403


def test_changes_since_a_day_name_who_joined_and_moved(web: Web) -> None:
    today = date.today().isoformat()
    _call(web, "POST", PEOPLE, json={"id": "new1", "group": "people"})
    _call(web, "PATCH", f"{PEOPLE}/p0004", json={"engagement": "leading"})
    yesterday = date.fromordinal(date.today().toordinal() - 1).isoformat()
    found = _call(web, "GET", f"/constituencies/{MAP}/changes?since={yesterday}&until={today}")
    body = found.get_json()
    assert "new1" in body["joined"]
    assert "p0004" in {m["id"] for m in body["moved_up"]}
    assert _call(web, "GET", f"/constituencies/{MAP}/changes?since=soon").status_code == 400


# -- concurrent editors against the production server ----------------------------------------


def _http(method: str, url: str, token: str, body: Any = None,
          headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    """One call over HTTP: status, headers (names in any case) and the JSON or text body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        **bearer(token), **({"Content-Type": "application/json"} if data else {}),
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def server(web: Web) -> Iterator[str]:
    served = create_server(web.app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{served.effective_port}/api/v1"
    finally:
        served.close()
        thread.join(timeout=5)


def test_two_editors_patching_one_person_at_once_never_lose_a_change(web: Web,
                                                                     server: str) -> None:
    url = f"{server}{PEOPLE}/p0005"
    fields = ("formal_power", "informal_power", "lived_experience", "organisation")
    values: dict[str, Any] = {"formal_power": 3, "informal_power": 3,
                              "lived_experience": True, "organisation": "Bay Trust"}
    rounds = 10
    errors: list[str] = []

    def editor(field: str, token: str) -> None:
        try:
            edit(field, token)
        except Exception as exc:  # a thread's failure must fail the test
            errors.append(f"{field}: {exc!r}")

    def edit(field: str, token: str) -> None:
        for i in range(rounds):
            value = values[field] if i == rounds - 1 else (
                f"org {i}" if field == "organisation" else
                bool(i % 2) if field == "lived_experience" else i % 3)
            for _attempt in range(50):
                _status, seen, _body = _http("GET", url, token)
                status, _headers, text = _http("PATCH", url, token, {field: value},
                                               {"If-Match": seen["ETag"]})
                if status == 200:
                    break
                if status != 409:
                    errors.append(f"{field}: {status} {text}")
                    return
            else:
                errors.append(f"{field}: never saved")

    tokens = [web.tokens["editor"], web.tokens["owner"]] * 2
    threads = [threading.Thread(target=editor, args=(f, t)) for f, t in zip(fields, tokens,
                                                                           strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    final = _http("GET", url, web.tokens["viewer"])[2]
    assert {f: final[f] for f in fields} == values
