"""The access calls of the API: owners manage their map's roles, administrators manage
accounts and every map's roles, everyone their own tokens; who may create maps, and how many."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, PASSWORD, Web, bearer, make_settings, seed_store
from werkzeug.test import TestResponse

from graph.limits import Limits
from service import create_app
from service.accounts import AccountStore

API = "/api/v1"
ROLES = f"{API}/constituencies/{MAP}/roles"
PEOPLE = f"{API}/constituencies/{MAP}/people"


def call(web: Web, method: str, path: str, token: str, **kwargs: Any) -> TestResponse:
    return web.app.test_client().open(path, method=method, headers=bearer(token), **kwargs)


def as_role(web: Web, method: str, path: str, role: str, **kwargs: Any) -> TestResponse:
    return call(web, method, path, web.tokens[role], **kwargs)


def admin(web: Web) -> str:
    """A new administrator's token (an administrator with no role in any map)."""
    web.accounts.add_user("admin@example.org", PASSWORD)
    web.accounts.set_rights("admin@example.org", admin=True)
    return web.accounts.create_token("admin@example.org")


# -- a map's roles ---------------------------------------------------------------------------


def test_an_owner_lists_gives_and_takes_away_roles_in_their_map(web: Web) -> None:
    listed = as_role(web, "GET", ROLES, "owner").json
    assert listed["items"] == [{"email": "editor@example.org", "role": "editor"},
                               {"email": "owner@example.org", "role": "owner"},
                               {"email": "viewer@example.org", "role": "viewer"}]
    outsider = web.emails["outsider"]
    assert as_role(web, "GET", PEOPLE, "outsider").status_code == 404
    given = as_role(web, "PUT", f"{ROLES}/{outsider}", "owner", json={"role": "viewer"})
    assert given.status_code == 200 and given.json == {"email": outsider, "role": "viewer"}
    assert as_role(web, "GET", PEOPLE, "outsider").status_code == 200
    assert as_role(web, "POST", PEOPLE, "outsider", json={"id": "x1", "group": "people"}
                   ).status_code == 403
    assert as_role(web, "DELETE", f"{ROLES}/{outsider}", "owner").status_code == 204
    assert as_role(web, "GET", PEOPLE, "outsider").status_code == 404  # at its next request
    assert as_role(web, "DELETE", f"{ROLES}/{outsider}", "owner").status_code == 404


def test_only_an_owner_manages_roles_and_others_learn_nothing_of_maps_they_cannot_see(
        web: Web) -> None:
    assert as_role(web, "GET", ROLES, "editor").status_code == 403
    assert as_role(web, "PUT", f"{ROLES}/viewer@example.org", "editor",
                   json={"role": "owner"}).status_code == 403
    assert as_role(web, "GET", ROLES, "outsider").status_code == 404
    assert as_role(web, "GET", f"{API}/constituencies/{OTHER_MAP}/roles", "owner"
                   ).status_code == 404
    assert web.accounts.role_for(web.emails["viewer"], MAP) == "viewer"


def test_roles_are_checked_an_unknown_account_is_404_and_a_map_keeps_its_last_owner(
        web: Web) -> None:
    response = as_role(web, "PUT", f"{ROLES}/viewer@example.org", "owner",
                       json={"role": "admin"})
    assert response.status_code == 422 and response.json["problems"][0]["field"] == "role"
    assert as_role(web, "PUT", f"{ROLES}/viewer@example.org", "owner",
                   json={"role": "viewer", "extra": 1}).status_code == 422
    assert as_role(web, "PUT", f"{ROLES}/nobody@example.org", "owner",
                   json={"role": "viewer"}).status_code == 404
    owner = web.emails["owner"]
    for attempt in (as_role(web, "DELETE", f"{ROLES}/{owner}", "owner"),
                    as_role(web, "PUT", f"{ROLES}/{owner}", "owner", json={"role": "editor"})):
        assert attempt.status_code == 409 and "only owner" in attempt.json["message"]
    assert as_role(web, "PUT", f"{ROLES}/editor@example.org", "owner",
                   json={"role": "owner"}).status_code == 200
    assert as_role(web, "DELETE", f"{ROLES}/{owner}", "owner").status_code == 204
    assert web.accounts.role_for(owner, MAP) is None


def test_an_administrator_manages_any_maps_roles_without_seeing_its_data(web: Web) -> None:
    token = admin(web)
    assert call(web, "GET", PEOPLE, token).status_code == 404
    assert call(web, "GET", f"{API}/constituencies/{OTHER_MAP}/roles", token).json["total"] == 0
    given = call(web, "PUT", f"{API}/constituencies/{OTHER_MAP}/roles/viewer@example.org",
                 token, json={"role": "owner"})
    assert given.status_code == 200
    assert web.accounts.role_for(web.emails["viewer"], OTHER_MAP) == "owner"
    assert call(web, "GET", f"{API}/constituencies/nowhere/roles", token).status_code == 404


# -- accounts --------------------------------------------------------------------------------


def test_an_administrator_disables_enables_and_removes_accounts_cutting_access_at_once(
        web: Web) -> None:
    token = admin(web)
    editor = web.emails["editor"]
    client = web.app.test_client()
    from support import sign_in
    sign_in(client, editor)
    assert client.get(f"/c/{MAP}/people").status_code == 200
    changed = call(web, "PATCH", f"{API}/accounts/{editor}", token, json={"disabled": True})
    assert changed.status_code == 200 and changed.json["disabled"] is True
    assert as_role(web, "GET", PEOPLE, "editor").status_code == 401
    assert client.get(f"/c/{MAP}/people").status_code == 302  # the open session ended too
    assert call(web, "PATCH", f"{API}/accounts/{editor}", token,
                json={"disabled": False}).json["disabled"] is False
    assert call(web, "DELETE", f"{API}/accounts/{editor}", token).status_code == 204
    assert editor not in web.accounts.emails()
    assert call(web, "GET", f"{API}/accounts/{editor}", token).status_code == 404


def test_an_administrator_cannot_lock_themselves_out(web: Web) -> None:
    token = admin(web)
    for method, body in (("PATCH", {"disabled": True}), ("PATCH", {"admin": False}),
                         ("DELETE", None)):
        response = call(web, method, f"{API}/accounts/admin@example.org", token, json=body)
        assert response.status_code == 409, (method, body)
    assert web.accounts.user_by_email("admin@example.org").admin


def test_accounts_are_hidden_from_those_who_may_not_manage_them(web: Web) -> None:
    listed = as_role(web, "GET", f"{API}/accounts", "outsider").json
    assert [a["email"] for a in listed["items"]] == [web.emails["outsider"]]
    owner_sees = as_role(web, "GET", f"{API}/accounts", "owner").json["items"]
    assert {a["email"] for a in owner_sees} == {web.emails[r] for r in ("owner", "editor",
                                                                       "viewer")}
    # an account that exists and one that does not answer alike
    for email in (web.emails["owner"], "nobody@example.org"):
        assert as_role(web, "GET", f"{API}/accounts/{email}", "outsider").status_code == 404
    for body in ({"disabled": True}, {"admin": True}):
        assert as_role(web, "PATCH", f"{API}/accounts/{web.emails['viewer']}", "owner",
                       json=body).status_code == 403
    assert as_role(web, "DELETE", f"{API}/accounts/{web.emails['viewer']}", "owner"
                   ).status_code == 403
    assert as_role(web, "PATCH", f"{API}/accounts/{web.emails['outsider']}", "outsider",
                   json={"may_create_maps": True}).status_code == 403
    assert as_role(web, "PATCH", f"{API}/accounts/{web.emails['owner']}", "owner",
                   json={"disabled": "yes"}).status_code == 422


# -- creating maps ---------------------------------------------------------------------------


def test_creating_a_map_needs_the_right_which_an_owner_gives_to_someone_in_their_map(
        web: Web) -> None:
    body = {"name": "harbour"}
    refused = as_role(web, "POST", f"{API}/constituencies", "viewer", json=body)
    assert refused.status_code == 403 and "may not create maps" in refused.json["message"]
    given = as_role(web, "PATCH", f"{API}/accounts/{web.emails['viewer']}", "owner",
                    json={"may_create_maps": True})
    assert given.status_code == 200 and given.json["may_create_maps"] is True
    assert as_role(web, "POST", f"{API}/constituencies", "viewer", json=body).status_code == 201
    # the outsider has no role in any map the owner owns: not the owner's to give
    assert as_role(web, "PATCH", f"{API}/accounts/{web.emails['outsider']}", "owner",
                   json={"may_create_maps": True}).status_code == 404


def _app(tmp_path: Path, **changes: Any) -> tuple[FlaskClient, AccountStore, str]:
    settings = dataclasses.replace(make_settings(tmp_path), **changes)
    seed_store(settings, size=200)
    app = create_app(settings)
    accounts: AccountStore = app.extensions["movemap.accounts"]
    accounts.add_user("lead@example.org", PASSWORD)
    return app.test_client(), accounts, accounts.create_token("lead@example.org")


def test_everyone_may_create_maps_when_the_setting_says_so(tmp_path: Path) -> None:
    client, accounts, token = _app(tmp_path, who_may_create="everyone")
    response = client.post(f"{API}/constituencies", json={"name": "harbour"},
                           headers=bearer(token))
    assert response.status_code == 201
    accounts.close()


def test_an_account_owns_at_most_maps_per_account_maps(tmp_path: Path) -> None:
    client, accounts, token = _app(tmp_path, limits=Limits(maps_per_account=2))
    accounts.set_rights("lead@example.org", may_create=True)
    for name in ("one", "two"):
        assert client.post(f"{API}/constituencies", json={"name": name},
                           headers=bearer(token)).status_code == 201
    over = client.post(f"{API}/constituencies", json={"name": "three"}, headers=bearer(token))
    assert over.status_code == 422 and over.json["error"] == "over_limit"
    assert "MOVEMAP_LIMIT_MAPS_PER_ACCOUNT" in over.json["message"]
    assert over.json["problems"] == [{"field": "maps_per_account",
                                      "reason": over.json["message"]}]
    accounts.close()


def test_an_upgraded_accounts_store_lets_owners_keep_creating_maps(tmp_path: Path) -> None:
    path = tmp_path / "accounts.db"
    accounts = AccountStore(str(path))
    accounts.add_user("lead@example.org", PASSWORD)
    accounts.add_user("viewer@example.org", PASSWORD)
    accounts.grant("lead@example.org", MAP, "owner")
    accounts.grant("viewer@example.org", MAP, "viewer")
    accounts.close()
    db = sqlite3.connect(path)  # as a version 2 store was: without the rights columns
    db.execute("ALTER TABLE users DROP COLUMN admin")
    db.execute("ALTER TABLE users DROP COLUMN may_create")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    upgraded = AccountStore(str(path))
    assert upgraded.user_by_email("lead@example.org").may_create
    assert not upgraded.user_by_email("viewer@example.org").may_create
    upgraded.close()


# -- tokens ----------------------------------------------------------------------------------


def test_everyone_sees_and_revokes_their_own_tokens_and_only_theirs(web: Web) -> None:
    mine = as_role(web, "GET", f"{API}/tokens", "viewer").json["items"]
    assert [t["email"] for t in mine] == [web.emails["viewer"]]
    assert set(mine[0]) == {"id", "email", "created", "expires", "last_used"}
    assert as_role(web, "GET", f"{API}/tokens?email={web.emails['owner']}", "viewer"
                   ).status_code == 403
    owners = [t for t in web.accounts.tokens(web.emails["owner"])]
    assert as_role(web, "DELETE", f"{API}/tokens/{owners[0].id}", "viewer").status_code == 404
    assert as_role(web, "GET", PEOPLE, "owner").status_code == 200
    second = web.accounts.create_token(web.emails["viewer"])
    assert as_role(web, "DELETE", f"{API}/tokens/{mine[0]['id']}", "viewer").status_code == 204
    assert as_role(web, "GET", PEOPLE, "viewer").status_code == 401  # revoked at once
    assert call(web, "GET", PEOPLE, second).status_code == 200


def test_an_administrator_sees_and_revokes_anyones_tokens(web: Web) -> None:
    token = admin(web)
    everyone = call(web, "GET", f"{API}/tokens", token).json
    assert everyone["total"] == 5
    owners = call(web, "GET", f"{API}/tokens?email={web.emails['owner']}", token).json["items"]
    assert len(owners) == 1
    assert call(web, "DELETE", f"{API}/tokens/{owners[0]['id']}", token).status_code == 204
    assert as_role(web, "GET", PEOPLE, "owner").status_code == 401
    assert call(web, "GET", f"{API}/tokens?email=nobody@example.org", token).json["total"] == 0


@pytest.mark.parametrize("path", ["/accounts", "/tokens", f"/constituencies/{MAP}/roles"])
def test_the_access_calls_need_a_token_or_session(client: FlaskClient, path: str) -> None:
    assert client.get(f"{API}{path}").status_code == 401
