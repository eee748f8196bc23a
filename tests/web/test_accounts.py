"""The account store: Argon2 password hashes, API tokens kept only as digests, roles per map."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import service.accounts
from graph.errors import MovemapError, NotFound, StoreError
from service.accounts import ROLES, AccountStore, User, accounts_path_from_url

PASSWORD = "a long enough passphrase"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "accounts.db"


@pytest.fixture
def store(path: Path) -> AccountStore:
    accounts = AccountStore(str(path))
    accounts.add_user("lead@example.org", PASSWORD)
    return accounts


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_passwords_are_stored_as_argon2id_hashes_never_as_text(store: AccountStore,
                                                               path: Path) -> None:
    [(stored,)] = rows(path, "SELECT password_hash FROM users")
    assert isinstance(stored, str) and stored.startswith("$argon2id$")
    assert PASSWORD not in path.read_bytes().decode("latin-1")
    assert PasswordHasher().verify(stored, PASSWORD)


def test_the_same_password_hashes_differently_each_time(store: AccountStore, path: Path) -> None:
    store.add_user("other@example.org", PASSWORD)
    hashes = [h for (h,) in rows(path, "SELECT password_hash FROM users")]
    assert len(set(hashes)) == 2  # salted


def test_sign_in_needs_the_right_password(store: AccountStore) -> None:
    user = store.authenticate("lead@example.org", PASSWORD)
    assert isinstance(user, User) and user.email == "lead@example.org"
    assert store.authenticate("lead@example.org", PASSWORD + "!") is None
    assert store.authenticate("lead@example.org", "") is None
    assert store.authenticate("nobody@example.org", PASSWORD) is None


def test_emails_ignore_case_and_surrounding_spaces(store: AccountStore) -> None:
    assert store.authenticate(" LEAD@Example.org ", PASSWORD) is not None
    with pytest.raises(MovemapError, match="already exists"):
        store.add_user("Lead@Example.ORG", PASSWORD)


@pytest.mark.parametrize(("email", "password", "message"), [
    ("not-an-email", PASSWORD, "not an email address"),
    ("two@@example.org", PASSWORD, "not an email address"),
    ("new@example.org", "short", "at least 10 characters"),
])
def test_add_user_refuses_bad_emails_and_short_passwords(store: AccountStore, email: str,
                                                         password: str, message: str) -> None:
    with pytest.raises(MovemapError, match=message):
        store.add_user(email, password)
    assert store.emails() == ["lead@example.org"]


def test_set_password_replaces_the_old_one(store: AccountStore) -> None:
    store.set_password("lead@example.org", "a new passphrase here")
    assert store.authenticate("lead@example.org", PASSWORD) is None
    assert store.authenticate("lead@example.org", "a new passphrase here") is not None
    with pytest.raises(NotFound):
        store.set_password("nobody@example.org", "a new passphrase here")


def test_a_hash_with_weaker_parameters_is_upgraded_on_sign_in(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weak = AccountStore(str(path))  # the tests' quick hasher
    weak.add_user("lead@example.org", PASSWORD)
    weak.close()
    [(before,)] = rows(path, "SELECT password_hash FROM users")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(service.accounts, "PasswordHasher", lambda: stronger)
    store = AccountStore(str(path))
    assert store.authenticate("lead@example.org", PASSWORD) is not None
    [(after,)] = rows(path, "SELECT password_hash FROM users")
    assert after != before and not stronger.check_needs_rehash(str(after))
    assert store.authenticate("lead@example.org", PASSWORD) is not None


def test_api_tokens_are_random_and_only_their_digest_is_kept(store: AccountStore,
                                                             path: Path) -> None:
    first, second = store.create_token("lead@example.org"), store.create_token("lead@example.org")
    assert first != second and first.startswith("mm_") and len(first) > 40
    digests = {d for (d,) in rows(path, "SELECT digest FROM tokens")}
    assert digests == {hashlib.sha256(t.encode()).hexdigest() for t in (first, second)}
    text = path.read_bytes().decode("latin-1")
    assert first not in text and second not in text
    user = store.user_for_token(first)
    assert user is not None and user.email == "lead@example.org"
    assert store.user_for_token(first + "x") is None
    assert store.user_for_token("") is None


def test_revoking_tokens_ends_them_all(store: AccountStore) -> None:
    tokens = [store.create_token("lead@example.org") for _ in range(3)]
    assert store.revoke_tokens("lead@example.org") == 3
    assert all(store.user_for_token(t) is None for t in tokens)
    with pytest.raises(NotFound):
        store.create_token("nobody@example.org")


def test_roles_are_ordered_viewer_editor_owner(store: AccountStore) -> None:
    assert ROLES == ("viewer", "editor", "owner")
    for granted in ROLES:
        store.grant("lead@example.org", "bay", granted)
        user = store.user_by_email("lead@example.org")
        assert user.role_in("bay") == granted
        for needed in ROLES:
            assert user.may("bay", needed) == (ROLES.index(granted) >= ROLES.index(needed))
        assert not user.may("elsewhere", "viewer") and user.role_in("elsewhere") is None


def test_a_grant_replaces_the_earlier_role_and_roles_are_per_map(store: AccountStore) -> None:
    store.grant("lead@example.org", "bay", "owner")
    store.grant("lead@example.org", "bay", "viewer")
    store.grant("lead@example.org", "harbour", "editor")
    assert store.user_by_email("lead@example.org").roles == {"bay": "viewer",
                                                              "harbour": "editor"}
    assert store.role_for("lead@example.org", "bay") == "viewer"
    store.revoke("lead@example.org", "bay")
    assert store.role_for("lead@example.org", "bay") is None


def test_grant_refuses_unknown_roles_and_users(store: AccountStore) -> None:
    with pytest.raises(MovemapError, match="unknown role 'admin'"):
        store.grant("lead@example.org", "bay", "admin")
    with pytest.raises(NotFound, match="movemap user add"):
        store.grant("nobody@example.org", "bay", "viewer")


def test_forgetting_a_map_removes_every_role_in_it(store: AccountStore) -> None:
    store.add_user("other@example.org", PASSWORD)
    for email in ("lead@example.org", "other@example.org"):
        store.grant(email, "bay", "editor")
        store.grant(email, "harbour", "viewer")
    store.forget_constituency("bay")
    for email in ("lead@example.org", "other@example.org"):
        assert store.user_by_email(email).roles == {"harbour": "viewer"}


def test_deleting_a_user_removes_their_roles_and_tokens(store: AccountStore, path: Path) -> None:
    store.grant("lead@example.org", "bay", "owner")
    token = store.create_token("lead@example.org")
    store.delete_user("lead@example.org")
    assert store.emails() == [] and store.user_for_token(token) is None
    assert rows(path, "SELECT count(*) FROM grants") == [(0,)]
    assert rows(path, "SELECT count(*) FROM tokens") == [(0,)]


def test_accounts_survive_reopening_the_file(store: AccountStore, path: Path) -> None:
    store.grant("lead@example.org", "bay", "editor")
    token = store.create_token("lead@example.org")
    store.close()
    again = AccountStore(str(path))
    user = again.user_for_token(token)
    assert user is not None and user.roles == {"bay": "editor"}
    assert again.authenticate("lead@example.org", PASSWORD) is not None


def test_a_file_from_a_newer_movemap_or_a_missing_folder_is_refused(path: Path,
                                                                    tmp_path: Path) -> None:
    AccountStore(str(path)).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer movemap"):
        AccountStore(str(path))
    with pytest.raises(StoreError, match="does not exist"):
        AccountStore(str(tmp_path / "missing" / "accounts.db"))
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        AccountStore(str(tmp_path / "junk.db"))


def test_accounts_url_must_be_sqlite() -> None:
    assert accounts_path_from_url("sqlite:///accounts.db") == "accounts.db"
    assert accounts_path_from_url("sqlite:////srv/movemap/a.db") == "/srv/movemap/a.db"
    assert accounts_path_from_url("sqlite:///") == ":memory:"
    for url in ("accounts.db", "postgres://x/y", "sqlite:accounts.db"):
        with pytest.raises(StoreError, match="sqlite:///"):
            accounts_path_from_url(url)
