"""The whole job in the browser: making, renaming and deleting maps, inviting colleagues,
their roles, one's own password and API tokens; each with who may do it (viewer, editor,
owner, administrator, an account with no role in the map)."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, PASSWORD, Web, bearer, csrf_token, make_settings, seed_store
from werkzeug.test import TestResponse

from graph.limits import Limits
from graph.stores.base import open_store
from service import create_app
from service.accounts import AccountStore

NEW_PASSWORD = "a different long passphrase"


def signed_in(web: Web, role: str) -> FlaskClient:
    """A browser signed in as the account of ``role`` (owner, editor, viewer, outsider)."""
    client = web.app.test_client()
    email = web.emails.get(role, f"{role}@example.org")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> TestResponse:
    """A form sent as the dashboard sends it, with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/account")})


def administrator(web: Web) -> FlaskClient:
    web.accounts.add_user("admin@example.org", PASSWORD)
    web.accounts.set_rights("admin@example.org", admin=True)
    return signed_in(web, "admin")


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def map_names(web: Web) -> list[str]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return [c.name for c in store.list_constituencies()]
    finally:
        store.close()


def invitation_link(response: TestResponse) -> str:
    """The path of the invitation link the page shows once."""
    page = text(response)
    start = page.index('id="invitation-link"')
    value = page[page.index('value="', start) + 7:]
    link = value[:value.index('"')]
    return link[link.index("/invitation/"):]


# -- making a map ------------------------------------------------------------------------------


def test_an_account_with_the_right_makes_a_map_and_becomes_its_owner(web: Web) -> None:
    client = signed_in(web, "owner")
    assert 'href="/maps/new"' in text(client.get("/"))
    assert client.get("/maps/new").status_code == 200
    made = post(client, "/maps/new", {"name": "Kendal pilot", "description": "Stroke care"})
    assert made.status_code == 302 and made.location.endswith("/c/Kendal%20pilot/people")
    assert "Kendal pilot" in map_names(web)
    assert web.accounts.role_for(web.emails["owner"], "Kendal pilot") == "owner"
    assert "Made the map Kendal pilot" in text(client.get(made.location))
    history = text(client.get("/c/Kendal%20pilot/history"))
    assert "created the map Kendal pilot" in history


@pytest.mark.parametrize("role", ["editor", "viewer", "outsider"])
def test_an_account_without_the_right_to_create_maps_is_refused(web: Web, role: str) -> None:
    client = signed_in(web, role)
    assert "/maps/new" not in text(client.get("/"))
    assert client.get("/maps/new").status_code == 403
    assert post(client, "/maps/new", {"name": "Sneaky"}).status_code == 403
    assert "Sneaky" not in map_names(web)


def test_everyone_may_create_maps_when_the_setting_says_so_up_to_the_limit(
        tmp_path: Path) -> None:
    settings = dataclasses.replace(make_settings(tmp_path), who_may_create="everyone",
                                   limits=Limits(maps_per_account=1))
    seed_store(settings)
    app = create_app(settings)
    accounts: AccountStore = app.extensions["movemap.accounts"]
    accounts.add_user("new@example.org", PASSWORD)
    web = Web(app, accounts, {}, {"new": "new@example.org"})
    client = signed_in(web, "new")
    assert post(client, "/maps/new", {"name": "mine"}).status_code == 302
    over = post(client, "/maps/new", {"name": "another"})
    assert over.status_code == 422 and "at most 1 maps" in text(over)
    assert sorted(map_names(web)) == sorted([MAP, OTHER_MAP, "mine"])
    accounts.close()


@pytest.mark.parametrize(("name", "says"), [
    (MAP, "There is already a map called"),
    ("/etc", "a constituency name starts with a letter or digit"),
    ("", "Give the map a name."),
])
def test_a_taken_or_bad_map_name_is_refused_next_to_the_field(web: Web, name: str,
                                                               says: str) -> None:
    client = signed_in(web, "owner")
    refused = post(client, "/maps/new", {"name": name})
    assert refused.status_code == 400
    assert says.lower() in text(refused).lower()
    assert sorted(map_names(web)) == sorted([MAP, OTHER_MAP])


# -- renaming and deleting -----------------------------------------------------------------------


def test_an_owner_renames_a_map_and_its_history_and_colleagues_follow(web: Web) -> None:
    owner = signed_in(web, "owner")
    assert "created the map" in text(owner.get(f"/c/{MAP}/history"))
    renamed = post(owner, f"/c/{MAP}/rename", {"new_name": "Morecambe Bay"})
    assert renamed.status_code == 302
    assert renamed.location.endswith("/c/Morecambe%20Bay/colleagues")
    assert MAP not in map_names(web) and "Morecambe Bay" in map_names(web)
    for role in ("owner", "editor", "viewer"):
        assert web.accounts.role_for(web.emails[role], "Morecambe Bay") == role
        assert web.accounts.role_for(web.emails[role], MAP) is None
    viewer = signed_in(web, "viewer")
    assert viewer.get("/c/Morecambe%20Bay/").status_code == 200
    assert viewer.get(f"/c/{MAP}/").status_code == 404
    history = text(owner.get("/c/Morecambe%20Bay/history"))
    assert f"renamed the map {MAP} to Morecambe Bay" in history
    assert "created the map" in history  # the history before the rename came with it


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403),
                                              ("outsider", 404)])
def test_only_an_owner_renames_or_deletes_a_map(web: Web, role: str, status: int) -> None:
    client = signed_in(web, role)
    assert post(client, f"/c/{MAP}/rename", {"new_name": "taken over"}).status_code == status
    assert client.get(f"/c/{MAP}/delete").status_code == status
    assert post(client, f"/c/{MAP}/delete", {"confirm_name": MAP}).status_code == status
    assert MAP in map_names(web)


def test_an_administrator_without_a_role_may_not_rename_or_delete_a_map(web: Web) -> None:
    client = administrator(web)
    assert post(client, f"/c/{MAP}/rename", {"new_name": "taken over"}).status_code == 404
    assert post(client, f"/c/{MAP}/delete", {"confirm_name": MAP}).status_code == 404
    assert MAP in map_names(web)


def test_renaming_onto_a_taken_name_is_refused_and_changes_nothing(web: Web) -> None:
    web.accounts.grant(web.emails["owner"], OTHER_MAP, "owner")
    owner = signed_in(web, "owner")
    refused = post(owner, f"/c/{MAP}/rename", {"new_name": OTHER_MAP})
    assert refused.status_code == 400 and "already exists" in text(refused)
    assert sorted(map_names(web)) == sorted([MAP, OTHER_MAP])
    assert web.accounts.role_for(web.emails["viewer"], MAP) == "viewer"


def test_deleting_a_map_needs_its_name_typed_and_takes_every_role_with_it(web: Web) -> None:
    owner = signed_in(web, "owner")
    page = owner.get(f"/c/{MAP}/delete")
    assert page.status_code == 200 and "Type the map&#39;s name to confirm" in text(page)
    wrong = post(owner, f"/c/{MAP}/delete", {"confirm_name": MAP.upper()})
    assert wrong.status_code == 400 and "not the map&#39;s name" in text(wrong)
    assert MAP in map_names(web)
    deleted = post(owner, f"/c/{MAP}/delete", {"confirm_name": MAP})
    assert deleted.status_code == 302 and deleted.location.endswith("/")
    assert MAP not in map_names(web)
    assert web.accounts.grants_in(MAP) == {}
    assert owner.get(f"/c/{MAP}/").status_code == 404


# -- colleagues: invitations, roles, removal ---------------------------------------------------


def test_an_invited_colleague_sets_a_password_through_the_link_and_is_signed_in(
        web: Web) -> None:
    owner = signed_in(web, "owner")
    made = post(owner, f"/c/{MAP}/colleagues/invite", {"email": "nia@example.org",
                                                       "role": "editor"})
    assert made.status_code == 201
    link = invitation_link(made)
    assert "nia@example.org as editor" in text(owner.get(f"/c/{MAP}/colleagues"))
    guest = web.app.test_client()
    form = guest.get(link)
    assert form.status_code == 200 and "choose a password" in text(form)
    token = csrf_token(guest, link)
    differ = guest.post(link, data={"password": NEW_PASSWORD, "confirm": "something else",
                                    "csrf_token": token})
    assert differ.status_code == 400 and "That did not work" in text(differ)
    joined = guest.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                    "csrf_token": token})
    assert joined.status_code == 302 and joined.location.endswith(f"/c/{MAP}/")
    assert guest.get(f"/c/{MAP}/").status_code == 200
    assert web.accounts.role_for("nia@example.org", MAP) == "editor"
    assert web.accounts.authenticate("nia@example.org", NEW_PASSWORD) is not None
    again = web.app.test_client().get(link)
    assert again.status_code == 404 and "used already" in text(again)


def test_an_invitation_link_is_stored_only_as_a_digest(web: Web, tmp_path: Path) -> None:
    owner = signed_in(web, "owner")
    secret = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                  {"email": "nia@example.org", "role": "viewer"})
                             ).rsplit("/", 1)[1]
    path = web.app.extensions["movemap.settings"].accounts_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        stored = [str(v) for row in db.execute("SELECT * FROM invitations") for v in row]
    assert secret not in stored and len(secret) > 30
    assert any(len(v) == 64 for v in stored)  # the SHA-256 digest


def test_an_expired_or_withdrawn_invitation_link_does_not_work(web: Web) -> None:
    owner = signed_in(web, "owner")
    expired = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                   {"email": "old@example.org", "role": "viewer"}))
    path = web.app.extensions["movemap.settings"].accounts_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE invitations SET expires = '2000-01-01T00:00:00+00:00'")
    assert web.app.test_client().get(expired).status_code == 404
    withdrawn = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                     {"email": "gone@example.org", "role": "viewer"}))
    (waiting,) = web.accounts.invitations(MAP)
    assert post(owner, f"/c/{MAP}/invitations/{waiting.id}/withdraw").status_code == 302
    assert web.app.test_client().get(withdrawn).status_code == 404
    assert web.accounts.invitations(MAP) == []


def test_the_invitation_lifetime_is_a_setting(web: Web, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setenv("MOVEMAP_INVITATION_HOURS", "2")
    owner = signed_in(web, "owner")
    made = post(owner, f"/c/{MAP}/colleagues/invite", {"email": "nia@example.org",
                                                       "role": "viewer"})
    assert "expires in 2 hours" in text(made)
    (waiting,) = web.accounts.invitations(MAP)
    hours = (datetime.fromisoformat(waiting.expires)
             - datetime.fromisoformat(waiting.created)).total_seconds() / 3600
    assert 1.9 < hours <= 2.0


def test_a_colleague_with_an_account_joins_with_their_own_password(web: Web) -> None:
    owner = signed_in(web, "owner")
    link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                {"email": web.emails["outsider"], "role": "viewer"}))
    guest = web.app.test_client()
    token = csrf_token(guest, link)
    wrong = guest.post(link, data={"password": "not their password", "csrf_token": token})
    assert wrong.status_code == 400 and "That did not work" in text(wrong)
    assert web.accounts.role_for(web.emails["outsider"], MAP) is None
    right = guest.post(link, data={"password": PASSWORD, "csrf_token": token})
    assert right.status_code == 302
    assert web.accounts.role_for(web.emails["outsider"], MAP) == "viewer"


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403),
                                              ("outsider", 404)])
def test_only_owners_and_administrators_manage_colleagues(web: Web, role: str,
                                                          status: int) -> None:
    client = signed_in(web, role)
    assert client.get(f"/c/{MAP}/colleagues").status_code == status
    assert post(client, f"/c/{MAP}/colleagues/invite",
                {"email": "x@example.org", "role": "owner"}).status_code == status
    assert post(client, f"/c/{MAP}/colleagues/role",
                {"email": web.emails["viewer"], "role": "owner"}).status_code == status
    assert post(client, f"/c/{MAP}/colleagues/remove",
                {"email": web.emails["owner"]}).status_code == status
    assert web.accounts.invitations(MAP) == []
    assert web.accounts.role_for(web.emails["viewer"], MAP) == "viewer"
    assert web.accounts.role_for(web.emails["owner"], MAP) == "owner"


def test_colleagues_link_shows_only_to_those_who_manage_them(web: Web) -> None:
    assert f'href="/c/{MAP}/colleagues"' in text(signed_in(web, "owner").get(f"/c/{MAP}/"))
    assert "/colleagues" not in text(signed_in(web, "editor").get(f"/c/{MAP}/"))


def test_an_administrator_manages_the_colleagues_of_any_map(web: Web) -> None:
    client = administrator(web)
    assert client.get(f"/c/{OTHER_MAP}/colleagues").status_code == 200
    assert post(client, f"/c/{OTHER_MAP}/colleagues/invite",
                {"email": "x@example.org", "role": "owner"}).status_code == 201
    assert client.get("/c/nowhere/colleagues").status_code == 404


def test_an_owner_changes_a_role_and_removes_a_colleague(web: Web) -> None:
    owner = signed_in(web, "owner")
    changed = post(owner, f"/c/{MAP}/colleagues/role",
                   {"email": web.emails["viewer"], "role": "editor"})
    assert changed.status_code == 302
    assert web.accounts.role_for(web.emails["viewer"], MAP) == "editor"
    removed = post(owner, f"/c/{MAP}/colleagues/remove", {"email": web.emails["editor"]})
    assert removed.status_code == 302
    assert web.accounts.role_for(web.emails["editor"], MAP) is None
    assert signed_in(web, "editor").get(f"/c/{MAP}/").status_code == 404
    unknown = post(owner, f"/c/{MAP}/colleagues/remove", {"email": "nobody@example.org"})
    assert unknown.status_code == 404
    assert post(owner, f"/c/{MAP}/colleagues/role",
                {"email": web.emails["viewer"], "role": "boss"}).status_code == 400


def test_the_last_owner_cannot_be_demoted_or_removed(web: Web) -> None:
    owner = signed_in(web, "owner")
    for path, data in ((f"/c/{MAP}/colleagues/role", {"email": web.emails["owner"],
                                                      "role": "viewer"}),
                       (f"/c/{MAP}/colleagues/remove", {"email": web.emails["owner"]})):
        refused = post(owner, path, data)
        assert refused.status_code == 302
        assert "only owner" in text(owner.get(refused.location))
        assert web.accounts.role_for(web.emails["owner"], MAP) == "owner"


def test_an_invitation_to_someone_already_on_the_map_is_refused(web: Web) -> None:
    owner = signed_in(web, "owner")
    refused = post(owner, f"/c/{MAP}/colleagues/invite",
                   {"email": web.emails["viewer"].upper(), "role": "owner"})
    assert refused.status_code == 400 and "already works on this map" in text(refused)
    assert web.accounts.invitations(MAP) == []


def test_a_form_without_its_csrf_token_changes_nothing(web: Web) -> None:
    owner = signed_in(web, "owner")
    assert owner.post(f"/c/{MAP}/delete", data={"confirm_name": MAP}).status_code == 400
    assert owner.post(f"/c/{MAP}/colleagues/invite",
                      data={"email": "x@example.org", "role": "viewer"}).status_code == 400
    assert MAP in map_names(web) and web.accounts.invitations(MAP) == []


# -- one's own password and tokens ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "viewer", "outsider"])
def test_everyone_changes_their_own_password_and_other_sessions_end(web: Web,
                                                                    role: str) -> None:
    here, elsewhere = signed_in(web, role), signed_in(web, role)
    email = web.emails[role]
    wrong = post(here, "/account/password", {"current": "not it at all",
                                             "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "not your current password" in text(wrong)
    changed = post(here, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert here.get("/account").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/account").status_code == 302  # the other session ended
    assert web.accounts.authenticate(email, NEW_PASSWORD) is not None
    assert web.app.test_client().get("/api/v1/constituencies",
                                     headers=bearer(web.tokens[role])).status_code == 401


def test_a_short_or_mismatched_new_password_is_refused(web: Web) -> None:
    client = signed_in(web, "viewer")
    short = post(client, "/account/password", {"current": PASSWORD, "new": "short",
                                               "confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in text(short)
    differ = post(client, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD + "!"})
    assert differ.status_code == 400 and "differ" in text(differ)
    assert web.accounts.authenticate(web.emails["viewer"], PASSWORD) is not None


def test_guessing_the_current_password_is_slowed_down(web: Web) -> None:
    client = signed_in(web, "viewer")
    statuses = [post(client, "/account/password", {"current": f"guess number {i}",
                                                   "new": NEW_PASSWORD,
                                                   "confirm": NEW_PASSWORD}).status_code
                for i in range(7)]
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429


def test_everyone_makes_and_revokes_their_own_api_tokens(web: Web) -> None:
    client = signed_in(web, "viewer")
    made = post(client, "/account/tokens", {"days": "30"})
    assert made.status_code == 201
    page = text(made)
    token = page[page.index('id="new-token"'):].split('value="', 1)[1].split('"', 1)[0]
    assert token.startswith("mm_")
    api = web.app.test_client()
    assert api.get("/api/v1/constituencies", headers=bearer(token)).status_code == 200
    assert token not in text(client.get("/account"))  # shown once
    newest = web.accounts.tokens(web.emails["viewer"])[-1]
    assert newest.expires is not None
    revoked = post(client, f"/account/tokens/{newest.id}/revoke")
    assert revoked.status_code == 302
    assert api.get("/api/v1/constituencies", headers=bearer(token)).status_code == 401
    (owners,) = web.accounts.tokens(web.emails["owner"])
    assert post(client, f"/account/tokens/{owners.id}/revoke").status_code == 404
    assert web.accounts.tokens(web.emails["owner"]) == [owners]
    assert post(client, "/account/tokens", {"days": "0"}).status_code == 400


def test_an_api_token_cannot_change_the_password_or_make_tokens(web: Web) -> None:
    api = web.app.test_client()
    headers = bearer(web.tokens["viewer"])
    # refused: by the form check (a token sends no CSRF token) or, with one, by the page
    assert api.post("/account/tokens", data={"days": "30"}, headers=headers).status_code in (
        400, 403)
    assert api.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD},
                    headers=headers).status_code in (400, 403)
    assert api.get("/account", headers=headers).status_code == 403
    assert web.accounts.authenticate(web.emails["viewer"], PASSWORD) is not None
    assert len(web.accounts.tokens(web.emails["viewer"])) == 1


def test_the_account_pages_need_signing_in(web: Web) -> None:
    anonymous = web.app.test_client()
    for path in ("/account", "/maps/new", f"/c/{MAP}/colleagues", f"/c/{MAP}/delete"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.location, path


def test_an_account_made_while_an_invitation_waits_must_give_its_own_password(
        web: Web) -> None:
    secret = web.accounts.invite("late@example.org", MAP, "editor", web.emails["owner"])
    web.accounts.add_user("late@example.org", PASSWORD)  # made meanwhile, by someone else
    assert web.accounts.accept_invitation(secret, NEW_PASSWORD) is None
    assert web.accounts.role_for("late@example.org", MAP) is None
    assert web.accounts.authenticate("late@example.org", NEW_PASSWORD) is None
    assert web.accounts.invitation(secret) is not None  # still waiting, for the right password
    joined = web.accounts.accept_invitation(secret, PASSWORD)
    assert joined is not None and joined.role_in(MAP) == "editor"


def test_an_owner_who_steps_down_is_taken_to_the_map_not_to_a_page_they_may_not_see(
        web: Web) -> None:
    web.accounts.grant(web.emails["editor"], MAP, "owner")
    owner = signed_in(web, "owner")
    stepped = post(owner, f"/c/{MAP}/colleagues/role", {"email": web.emails["owner"],
                                                       "role": "viewer"})
    assert stepped.status_code == 302 and stepped.location.endswith(f"/c/{MAP}/")
    assert owner.get(stepped.location).status_code == 200


def test_the_colleagues_page_links_the_maps_settings_page(web: Web) -> None:
    page = text(signed_in(web, "owner").get(f"/c/{MAP}/colleagues"))
    assert f'<a href="/c/{MAP}/settings">Settings of {MAP}</a>' in page


def test_guessing_invitation_links_is_slowed_down(web: Web) -> None:
    owner = signed_in(web, "owner")
    link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                {"email": "nia@example.org", "role": "viewer"}))
    guesser = web.app.test_client()
    statuses = [guesser.get(f"/invitation/guess-{i}").status_code for i in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    assert guesser.get(link).status_code == 429  # even the right link waits now
    assert web.accounts.invitations(MAP) != []


# -- what an invitation, a removal or a reused name must never do ------------------------------


def _accept(web: Web, link: str, email: str, password: str = NEW_PASSWORD) -> TestResponse:
    guest = web.app.test_client()
    token = csrf_token(guest, link)
    data = {"password": password, "confirm": password, "csrf_token": token}
    if web.accounts.has_account(email):
        data = {"password": password, "csrf_token": token}
    return guest.post(link, data=data)


def test_an_old_invitation_never_lowers_a_role_so_a_map_keeps_its_owner(web: Web) -> None:
    owner = signed_in(web, "owner")
    link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                {"email": "nia@example.org", "role": "viewer"}))
    web.accounts.add_user("nia@example.org", PASSWORD)
    web.accounts.grant("nia@example.org", MAP, "owner")  # made owner some other way meanwhile
    web.accounts.revoke(web.emails["owner"], MAP)         # the first owner leaves
    # the link's maker left, so the link ended with them; and even a link that still worked
    # would not have made Nia a viewer
    assert _accept(web, link, "nia@example.org", PASSWORD).status_code != 302
    assert web.accounts.role_for("nia@example.org", MAP) == "owner"
    admin = administrator(web)
    link = invitation_link(post(admin, f"/c/{MAP}/colleagues/invite",
                                {"email": "lee@example.org", "role": "viewer"}))
    web.accounts.add_user("lee@example.org", PASSWORD)
    web.accounts.grant("lee@example.org", MAP, "editor")  # given more meanwhile
    assert _accept(web, link, "lee@example.org", PASSWORD).status_code == 302
    assert web.accounts.role_for("lee@example.org", MAP) == "editor"  # kept, not lowered


@pytest.mark.parametrize("takes_away", ["revoke", "demote", "disable", "remove"])
def test_an_invitation_ends_when_its_maker_no_longer_manages_the_map(
        web: Web, takes_away: str) -> None:
    web.accounts.add_user("second@example.org", PASSWORD)
    web.accounts.grant("second@example.org", MAP, "owner")
    second = signed_in(web, "second")
    link = invitation_link(post(second, f"/c/{MAP}/colleagues/invite",
                                {"email": "ally@example.org", "role": "owner"}))
    {"revoke": lambda: web.accounts.revoke("second@example.org", MAP),
     "demote": lambda: web.accounts.grant("second@example.org", MAP, "viewer"),
     "disable": lambda: web.accounts.set_disabled("second@example.org", True),
     "remove": lambda: web.accounts.delete_user("second@example.org")}[takes_away]()
    answer = _accept(web, link, "ally@example.org")
    assert answer.status_code == 404
    assert "whoever made it no longer manages" in text(answer)
    assert web.accounts.role_for("ally@example.org", MAP) is None
    assert not web.accounts.has_account("ally@example.org")  # nothing was made either
    assert web.app.test_client().get(link).status_code == 404  # and the link is gone


def test_removing_an_account_ends_the_invitations_to_its_email(web: Web) -> None:
    owner = signed_in(web, "owner")
    link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                {"email": web.emails["outsider"], "role": "editor"}))
    web.accounts.delete_user(web.emails["outsider"])
    assert web.app.test_client().get(link).status_code == 404
    assert web.accounts.invitations(MAP) == []


def test_a_new_map_under_the_name_of_a_deleted_one_has_none_of_its_old_roles(web: Web) -> None:
    web.accounts.grant(web.emails["viewer"], "Reused", "owner")  # left from an old map
    client = signed_in(web, "owner")
    assert post(client, "/maps/new", {"name": "Reused"}).status_code == 302
    assert web.accounts.role_for(web.emails["viewer"], "Reused") is None
    assert web.accounts.role_for(web.emails["owner"], "Reused") == "owner"


def test_renaming_onto_a_name_with_stale_roles_keeps_only_the_maps_own(web: Web) -> None:
    web.accounts.grant(web.emails["viewer"], "Fresh name", "owner")  # left from an old map
    owner = signed_in(web, "owner")
    renamed = post(owner, f"/c/{MAP}/rename", {"new_name": "Fresh name"})
    assert renamed.status_code == 302, text(renamed)
    assert web.accounts.role_for(web.emails["owner"], "Fresh name") == "owner"
    assert web.accounts.role_for(web.emails["viewer"], "Fresh name") == "viewer"  # its own


def test_withdrawing_an_invitation_twice_or_an_unknown_one_is_not_an_error(web: Web) -> None:
    owner = signed_in(web, "owner")
    post(owner, f"/c/{MAP}/colleagues/invite", {"email": "nia@example.org", "role": "viewer"})
    (waiting,) = web.accounts.invitations(MAP)
    path = f"/c/{MAP}/invitations/{waiting.id}/withdraw"
    assert post(owner, path).status_code == 302
    again = post(owner, path)
    assert again.status_code == 302
    assert "no longer waiting" in text(owner.get(again.location))
    assert post(owner, f"/c/{MAP}/invitations/{10**30}/withdraw").status_code == 404
    assert post(owner, f"/account/tokens/{10**30}/revoke").status_code == 404


@pytest.mark.parametrize(("variable", "value"), [
    ("MOVEMAP_INVITATION_HOURS", "soon"), ("MOVEMAP_INVITATION_HOURS", "99999999999999"),
    ("MOVEMAP_TOKEN_DAYS", "0"), ("MOVEMAP_TOKEN_DAYS", "10000000000000000000000")])
def test_a_bad_lifetime_setting_stops_the_start_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        create_app(make_settings(tmp_path))


def test_the_invitation_page_does_not_tell_whether_the_email_has_an_account(web: Web) -> None:
    owner = signed_in(web, "owner")
    pages, answers = [], []
    for email in (web.emails["outsider"], "nobody-yet@example.org"):  # an account; none
        link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                    {"email": email, "role": "viewer"}))
        guest = web.app.test_client()
        pages.append(text(guest.get(link)).replace(email, "EMAIL").replace(link, "LINK"))
        wrong = guest.post(link, data={"password": "short", "csrf_token": csrf_token(guest, link)})
        answers.append((wrong.status_code, re.sub(r"<input[^>]*>", "", text(wrong))
                        .replace(email, "EMAIL").replace(link, "LINK")))
    strip = re.compile(r'name="csrf_token"[^>]*>|until [\d-]+ [\d:]+ UTC')
    assert strip.sub("", pages[0]) == strip.sub("", pages[1])
    assert answers[0][0] == answers[1][0] == 400
    assert strip.sub("", answers[0][1]) == strip.sub("", answers[1][1])


def test_accounts_are_bounded_whether_made_directly_or_through_an_invitation(
        web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.accounts as accounts_module

    owner = signed_in(web, "owner")
    link = invitation_link(post(owner, f"/c/{MAP}/colleagues/invite",
                                {"email": "one-too-many@example.org", "role": "viewer"}))
    held = len(web.accounts.accounts())
    monkeypatch.setattr(accounts_module, "MAX_ACCOUNTS", held)
    with pytest.raises(accounts_module.MovemapError, match="limit"):
        web.accounts.add_user("another@example.org", PASSWORD)
    refused = _accept(web, link, "one-too-many@example.org")
    assert refused.status_code == 400 and "its limit" in text(refused)
    assert not web.accounts.has_account("one-too-many@example.org")
    monkeypatch.setattr(accounts_module, "MAX_ACCOUNTS", held + 1)
    web.accounts.add_user("another@example.org", PASSWORD)  # room for one more
