"""Fixtures for the web app: a fresh store and accounts per test, a small demo map, and users
with each role (and one without any). Helpers live in ``support.py``."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from support import MAP, PASSWORD, Web, make_settings, seed_store

import service.accounts
from service import create_app
from service.accounts import AccountStore


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost in tests: the same algorithm, milliseconds not ~0.5 s."""
    quick = functools.partial(PasswordHasher, time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(service.accounts, "PasswordHasher", quick)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    settings = make_settings(tmp_path)
    seed_store(settings)
    app = create_app(settings)
    app.config.update(TESTING=True)
    accounts: AccountStore = app.extensions["movemap.accounts"]
    emails, tokens = {}, {}
    for role in ("owner", "editor", "viewer", "outsider"):
        email = f"{role}@example.org"
        accounts.add_user(email, PASSWORD)
        if role != "outsider":
            accounts.grant(email, MAP, role)
        if role == "owner":
            accounts.set_rights(email, may_create=True)
        emails[role] = email
        tokens[role] = accounts.create_token(email)
    yield Web(app, accounts, tokens, emails)
    accounts.close()


@pytest.fixture
def client(web: Web) -> FlaskClient:
    return web.app.test_client()
