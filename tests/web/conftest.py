"""Fixtures for the web app: a fresh store and accounts per test, a small demo map, and users
with each role (and one without any). Helpers live in ``support.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from support import MAP, PASSWORD, Web, make_settings, seed_store

from service import create_app
from service.accounts import AccountStore


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
        emails[role] = email
        tokens[role] = accounts.create_token(email)
    yield Web(app, accounts, tokens, emails)
    accounts.close()


@pytest.fixture
def client(web: Web) -> FlaskClient:
    return web.app.test_client()
