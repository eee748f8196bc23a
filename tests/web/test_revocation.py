"""Access that can be taken away: sign-out, password change, disable, remove, revoked roles and
tokens, token expiry and idle sessions each cut off an open session or token at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from support import MAP, PASSWORD, Web, bearer, sign_in

from service.cli import main

NEW_PASSWORD = "a different long passphrase"
PAGE = f"/c/{MAP}/people"
API = f"/api/v1/constituencies/{MAP}/people"


def signed_in(web: Web, role: str = "editor") -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails[role])
    assert client.get(PAGE).status_code == 200
    return client


def copy_of(client: FlaskClient, web: Web) -> FlaskClient:
    """Another browser holding a copy of the session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = web.app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def cut_off(web: Web, client: FlaskClient, role: str = "editor") -> None:
    page = client.get(PAGE)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert web.app.test_client().get(API, headers=bearer(web.tokens[role])).status_code == 401


def test_a_cookie_copied_before_sign_out_is_refused_after_it(web: Web) -> None:
    client = signed_in(web)
    copy = copy_of(client, web)
    assert copy.get(PAGE).status_code == 200  # the copy works while the session lives
    client.post("/logout", data={"csrf_token": _csrf(client)})
    assert client.get(PAGE).status_code == 302
    assert copy.get(PAGE).status_code == 302


def _csrf(client: FlaskClient) -> str:
    from support import csrf_token

    return csrf_token(client, PAGE)


@pytest.mark.parametrize("change", [
    lambda a, e: a.set_password(e, NEW_PASSWORD),
    lambda a, e: a.set_disabled(e, True),
    lambda a, e: a.delete_user(e),
], ids=["password changed", "disabled", "removed"])
def test_each_change_to_an_account_ends_its_sessions_and_tokens_at_once(
    web: Web, change: Callable[..., None],
) -> None:
    client = signed_in(web)
    assert client.get(API, headers=bearer(web.tokens["editor"])).status_code == 200
    change(web.accounts, web.emails["editor"])
    cut_off(web, client)


def test_a_disabled_account_cannot_sign_in_until_enabled_and_its_tokens_stay_revoked(
    web: Web,
) -> None:
    email = web.emails["viewer"]
    web.accounts.set_disabled(email, True)
    client = web.app.test_client()
    from support import csrf_token

    refused = client.post("/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code == 400
    web.accounts.set_disabled(email, False)
    sign_in(client, email)
    assert client.get(API, headers=bearer(web.tokens["viewer"])).status_code == 401


def test_a_revoked_role_stops_the_next_request(web: Web) -> None:
    client = signed_in(web)
    web.accounts.revoke(web.emails["editor"], MAP)
    assert client.get(PAGE).status_code in (403, 404)
    assert client.get(API, headers=bearer(web.tokens["editor"])).status_code in (403, 404)


def _accounts_db(web: Web) -> sqlite3.Connection:
    path = web.app.extensions["movemap.settings"].accounts_url.removeprefix("sqlite:///")
    return sqlite3.connect(path)


def test_a_token_expires_and_records_when_it_was_last_used(web: Web) -> None:
    token = web.tokens["viewer"]
    assert web.app.test_client().get(API, headers=bearer(token)).status_code == 200
    (info,) = web.accounts.tokens(web.emails["viewer"])
    assert info.last_used is not None
    assert datetime.fromisoformat(info.expires or "") > datetime.now(UTC) + timedelta(days=89)
    db = _accounts_db(web)
    db.execute("UPDATE tokens SET expires = ? WHERE rowid = ?",
               ((datetime.now(UTC) - timedelta(seconds=1)).isoformat(), info.id))
    db.commit()
    db.close()
    assert web.app.test_client().get(API, headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("column, age", [("last_seen", timedelta(hours=3)),
                                         ("created", timedelta(hours=13))],
                         ids=["idle", "too old"])
def test_a_session_ends_when_idle_or_old(web: Web, column: str, age: timedelta) -> None:
    client = signed_in(web)
    db = _accounts_db(web)
    db.execute(f"UPDATE sessions SET {column} = ?",
               ((datetime.now(UTC) - age).isoformat(timespec="seconds"),))
    db.commit()
    db.close()
    assert client.get(PAGE).status_code == 302


def test_the_command_line_lists_and_revokes_tokens_and_disables_accounts(
    web: Web, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    settings = web.app.extensions["movemap.settings"]
    monkeypatch.setenv("MOVEMAP_ACCOUNTS", settings.accounts_url)
    monkeypatch.setenv("MOVEMAP_STORE", settings.store_url)
    runner = CliRunner()
    listed = runner.invoke(main, ["token", "list", web.emails["viewer"]])
    assert listed.exit_code == 0, listed.output
    assert web.tokens["viewer"] not in listed.output and "mm_" not in listed.output
    token_id = listed.output.split()[0]
    revoked = runner.invoke(main, ["token", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert web.app.test_client().get(API, headers=bearer(web.tokens["viewer"])
                                     ).status_code == 401
    client = signed_in(web, "owner")
    assert runner.invoke(main, ["user", "disable", web.emails["owner"]]).exit_code == 0
    assert client.get(PAGE).status_code == 302
    changed = runner.invoke(main, ["user", "passwd", web.emails["editor"], "--password-stdin"],
                            input=NEW_PASSWORD + "\n")
    assert changed.exit_code == 0, changed.output
    assert web.app.test_client().get(API, headers=bearer(web.tokens["editor"])
                                     ).status_code == 401
    gone = runner.invoke(main, ["revoke", web.emails["viewer"], MAP])
    assert gone.exit_code == 0, gone.output
    assert web.accounts.role_for(web.emails["viewer"], MAP) is None
    again = runner.invoke(main, ["revoke", web.emails["viewer"], MAP])
    assert again.exit_code != 0 and "has no role" in again.output + again.stderr
    fresh = runner.invoke(main, ["token", "create", web.emails["editor"], "--days", "7"])
    assert fresh.exit_code == 0 and fresh.output.strip().startswith("mm_")
