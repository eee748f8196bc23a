"""Access control, proved by walking the app's URL map: every route, every method.

* without credentials every route except sign-in, health and static files answers 401 (API) or
  a redirect to the sign-in page (pages);
* every route with a ``<name>`` answers 404 to an account without a role there, and for a
  constituency that does not exist, and 403 to a role too weak for it;
* the accounts of one map never see another map, with a token or with a session.

New routes are covered as they are added: URL arguments are filled in generically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, bearer, csrf_token, sign_in
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from graph.demo_purpose import record_demo_purpose
from graph.events import Event
from graph.history import Actor
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.accounts import ROLES
from service.api_purpose import PLURAL
from service.auth import PUBLIC_ENDPOINTS

PUBLIC = {"auth.login", "admin.accept", "health", "static"}
ROLE_ACCOUNTS = ("owner", "editor", "viewer")
UNKNOWN = "no-such-map"


@dataclass(frozen=True)
class Route:
    rule: Rule
    method: str

    @property
    def api(self) -> bool:
        return self.rule.rule.startswith("/api/")

    def role(self, app: Flask) -> str | None:
        return getattr(app.view_functions[self.rule.endpoint], "_movemap_role", None)

    def __str__(self) -> str:
        return f"{self.method} {self.rule.rule}"


def static_file(app: Flask, rule: Rule) -> bool:
    """A public view serving a static file (e.g. plotly.js from its package) under /static/."""
    view = app.view_functions[rule.endpoint]
    return rule.rule.startswith("/static/") and getattr(view, "_movemap_public", False)


def routes(app: Flask, *, with_options: bool = True) -> Iterator[Route]:
    """Every non-public rule with every method it allows (HEAD is GET's twin)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or static_file(app, rule) or link_route(app, rule):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD"}):
            if method != "OPTIONS" or with_options:
                yield Route(rule, method)


def link_route(app: Flask, rule: Rule) -> bool:
    """A private link holder's page: no account signs in there (``service.auth.link_holder``)."""
    return bool(getattr(app.view_functions[rule.endpoint], "_movemap_link", False))


def arguments(web: Web) -> dict[str, str]:
    """Real values for the URL arguments routes use: a person with a tie, and the tie; an
    event; a purpose (the demo's, recorded on this map) with an item of every kind, under
    ``item_id:PLURAL`` for the routes of that kind."""
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        tie = next(iter(store.iter_relationships(MAP)))
        cases = UseCases(store, Actor("test", "access test"))
        day = min(cases.today, date.today())
        event, _ = cases.add_event(MAP, Event(date=day, name="Listening day",
                                              people=[tie.source]))
        record_demo_purpose(cases, MAP, list(store.iter_people(MAP)), seed=1)
        state = cases.purpose.state(MAP)
    finally:
        store.close()
    values = {"person_id": tie.source, "person": tie.source, "id": tie.source,
              "source": tie.source, "target": tie.target, "change_set_id": "1",
              "email": "viewer@example.org", "token_id": "1", "invitation_id": "1",
              "link_id": "1", "event_id": event.id, "format_name": "csv",
              "file_name": "people.csv", "round_id": next(iter(state.rounds))}
    for kind, plural in PLURAL.items():
        values[f"item_id:{plural}"] = next(iter(state.items(kind)))
    return values


def url(route: Route, name: str | None, values: dict[str, str]) -> str:
    path = route.rule.rule
    filled = {arg: values.get(arg, "x") for arg in route.rule.arguments}
    if "item_id" in filled:  # /purpose/PLURAL/<item_id>: an item of that kind
        plural = path[:path.index("<item_id>")].rstrip("/").rsplit("/", 1)[-1]
        filled["item_id"] = values.get(f"item_id:{plural}", "x")
    if name is not None:
        filled["name"] = name
    built = route.rule.build(filled, append_unknown=False)
    assert built is not None, route
    return built[1]


class Caller:
    """Requests as one account, with its API token or its signed-in session (+ CSRF header)."""

    def __init__(self, web: Web, role: str) -> None:
        self.token = web.tokens[role]
        self.session = web.app.test_client()
        sign_in(self.session, web.emails[role])
        self.csrf = {"X-CSRFToken": csrf_token(self.session, "/")}
        self.plain = web.app.test_client()

    def by_token(self, method: str, path: str) -> TestResponse:
        return self.plain.open(path, method=method, headers=bearer(self.token))

    def by_session(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        return self.session.open(path, method=method, headers=self.csrf, **kwargs)

    def both(self, route: Route, path: str, **kwargs: Any) -> list[tuple[str, TestResponse]]:
        """Pages are for browsers (sessions); the API is called both ways."""
        answers = [("session", self.by_session(route.method, path, **kwargs))]
        if route.api:
            answers.append(("token", self.plain.open(path, method=route.method,
                                                     headers=bearer(self.token), **kwargs)))
        return answers


@pytest.fixture
def callers(web: Web) -> dict[str, Caller]:
    web.accounts.grant(web.emails["outsider"], OTHER_MAP, "owner")  # their own map
    return {role: Caller(web, role) for role in (*ROLE_ACCOUNTS, "outsider")}


def test_only_sign_in_health_and_static_are_public(web: Web) -> None:
    assert PUBLIC_ENDPOINTS == PUBLIC
    marked = {endpoint for endpoint, view in web.app.view_functions.items()
              if getattr(view, "_movemap_public", False)}
    static = {rule.endpoint for rule in web.app.url_map.iter_rules()
              if static_file(web.app, rule)}
    linked = {rule.endpoint for rule in web.app.url_map.iter_rules()
              if link_route(web.app, rule)}
    assert marked <= PUBLIC | static | linked
    for rule in web.app.url_map.iter_rules():
        if rule.endpoint in linked:
            assert rule.rule.startswith("/l/"), rule
    for rule in web.app.url_map.iter_rules():
        if rule.endpoint in static - PUBLIC:
            assert rule.rule.startswith("/static/") and not rule.arguments, rule
            assert (rule.methods or set()) <= {"GET", "HEAD", "OPTIONS"}, rule
    assert {rule.endpoint for rule in web.app.url_map.iter_rules()} >= PUBLIC


def test_a_link_holders_page_without_a_working_link_is_the_plain_ended_page(
    web: Web, client: FlaskClient,
) -> None:
    """Signed in or not, with an account's token or none: a link holder's route answers the
    same 404 "no longer works" page (a form sent without its CSRF token: 400) unless the
    browser holds a working link of its own."""
    from service.throttle import Throttle

    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_BAD_TOKEN": "10000 per minute"})
    owner = web.app.test_client()
    sign_in(owner, web.emails["owner"])
    checked = 0
    for rule in web.app.url_map.iter_rules():
        if not link_route(web.app, rule):
            continue
        path = rule.rule.replace("<token>", "x" * 32).replace("<digest>", "0" * 64)
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for caller, headers in ((client, {}), (owner, {}),
                                    (client, bearer(web.tokens["owner"]))):
                answer = caller.open(path, method=method, headers=headers)
                if method == "GET":
                    assert answer.status_code == 404, (path, method, answer.status_code)
                    assert b"no longer works" in answer.data, (path, method)
                else:  # a form without the link's page's CSRF token stops even earlier
                    assert answer.status_code in (400, 404), (path, method, answer.status_code)
            checked += 1
    assert checked >= 5


def test_every_route_refuses_requests_without_credentials(web: Web, client: FlaskClient) -> None:
    from service.throttle import Throttle

    # one bad token per route: more than the rate limit allows (tests/web/test_rate_limits.py)
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_BAD_TOKEN": "10000 per minute"})
    values = arguments(web)
    checked = 0
    for route in routes(web.app):
        path = url(route, MAP, values)
        response = client.open(path, method=route.method)
        if route.api:
            assert response.status_code == 401, route
            assert response.is_json and response.json["error"] == "unauthorised", route
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), route
        else:
            assert response.status_code == 302, (str(route), response.status_code)
            assert response.headers["Location"].startswith("/login?next="), route
        for header in ({"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}):
            assert client.open(path, method=route.method, headers=header).status_code == 401
        checked += 1
    assert checked >= 20  # the pages and the whole API


def test_a_stale_session_cookie_is_no_credential(web: Web) -> None:
    client = web.app.test_client()
    sign_in(client, web.emails["owner"])
    assert client.get(f"/api/v1/constituencies/{MAP}").status_code == 200
    web.accounts.delete_user(web.emails["owner"])
    assert client.get(f"/api/v1/constituencies/{MAP}").status_code == 401
    assert client.get("/").status_code == 302


def test_every_constituency_route_declares_a_role(web: Web) -> None:
    with_name = [r for r in routes(web.app, with_options=False) if "name" in r.rule.arguments]
    assert with_name, "no constituency routes at all?"
    for route in with_name:
        assert route.role(web.app) in ROLES, route


READS_BY_POST = frozenset({"/c/<name>/person-search"})
"""Reads sent as a POST so what is typed (part of a name) stays out of addresses and logs."""


def test_reads_need_a_viewer_and_writes_an_editor_or_owner(web: Web) -> None:
    owner_only = set()
    for route in routes(web.app, with_options=False):
        role = route.role(web.app)
        if role is None:
            continue
        if route.method == "GET" and route.rule.rule.startswith("/api/") and \
                route.rule.rule.endswith("/roles"):
            assert role == "owner", route  # who has access is the owners' business
        elif route.method == "GET" and route.rule.rule.endswith(("/colleagues", "/delete")):
            assert role == "owner", route  # the colleagues page; confirming a deletion
        elif route.method == "GET" and "/purpose/links" in route.rule.rule or \
                route.rule.rule.endswith("/purpose/rounds/<round_id>/links"):
            assert role == "editor", route  # who got a private link: for who invites them
        elif route.method == "GET" or route.rule.rule in READS_BY_POST:
            assert role == "viewer", route
        else:
            assert role in ("editor", "owner"), route
            if role == "owner":
                owner_only.add(str(route))
    assert "DELETE /api/v1/constituencies/<name>" in owner_only


def test_constituency_routes_hide_maps_without_a_role_and_unknown_maps(
    web: Web, callers: dict[str, Caller]
) -> None:
    values = arguments(web)
    for route in routes(web.app, with_options=False):
        if "name" not in route.rule.arguments:
            continue
        for how, response in callers["outsider"].both(route, url(route, MAP, values)):
            assert response.status_code == 404, (how, str(route))
        for role in ROLE_ACCOUNTS:
            for name in (OTHER_MAP, UNKNOWN):
                for how, response in callers[role].both(route, url(route, name, values)):
                    assert response.status_code == 404, (role, how, name, str(route))


def test_constituency_routes_refuse_roles_too_weak_with_403(
    web: Web, callers: dict[str, Caller]
) -> None:
    values = arguments(web)
    seen: set[str] = set()
    for route in routes(web.app, with_options=False):
        needed = route.role(web.app)
        if needed is None:
            continue
        seen.add(needed)
        for role in ROLES[: ROLES.index(needed)]:
            for how, response in callers[role].both(route, url(route, MAP, values)):
                assert response.status_code == 403, (role, how, str(route))
    assert seen == set(ROLES)  # viewer reads, editor writes, owner deletes a map


def test_the_role_needed_lets_reads_through(web: Web, callers: dict[str, Caller]) -> None:
    values = arguments(web)
    for route in routes(web.app, with_options=False):
        needed = route.role(web.app)
        if needed is None or route.method != "GET":
            continue
        # views that pick a person from the query get one that exists
        query = {"id": values["person_id"], "person": values["person_id"]}
        for how, response in callers[needed].both(route, url(route, MAP, values),
                                                  query_string=query):
            assert response.status_code in (200, 302, 303), (how, str(route),
                                                             response.status_code)


def test_accounts_list_only_their_own_maps(web: Web, callers: dict[str, Caller]) -> None:
    for role in ROLE_ACCOUNTS:
        listed = callers[role].by_token("GET", "/api/v1/constituencies").json
        assert [c["name"] for c in listed["items"]] == [MAP]
        listed = callers[role].by_session("GET", "/api/v1/constituencies").json
        assert [c["name"] for c in listed["items"]] == [MAP]
    listed = callers["outsider"].by_token("GET", "/api/v1/constituencies").json
    assert [c["name"] for c in listed["items"]] == [OTHER_MAP]
    assert callers["outsider"].by_token("GET", f"/api/v1/constituencies/{OTHER_MAP}"
                                        ).status_code == 200
