"""Helpers for the web tests: settings for a fresh store, the seeded maps, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from graph.demo import demo_constituency
from graph.history import Actor
from graph.stores.base import open_store
from graph.usecases import UseCases
from service import Settings
from service.accounts import AccountStore

PASSWORD = "correct horse battery staple"
MAP = "bay"
OTHER_MAP = "elsewhere"


@dataclass(frozen=True)
class Web:
    """The app under test and what was set up for it."""

    app: Flask
    accounts: AccountStore
    tokens: dict[str, str]  # role name (owner, editor, viewer, outsider) -> API token
    emails: dict[str, str]  # role name -> email


def make_settings(folder: Path) -> Settings:
    return Settings(
        store_url=f"sqlite:///{folder / 'store.db'}",
        accounts_url=f"sqlite:///{folder / 'accounts.db'}",
        secret_key="test-secret-" + "x" * 40,
        cookie_secure=False,
    )


def seed_store(settings: Settings, size: int = 200) -> None:
    """The demo map as ``bay`` and a second map ``elsewhere`` nobody in the tests may see."""
    store = open_store(settings.store_url)
    try:
        cases = UseCases(store, Actor("tests", "seed"))
        for name, seed in ((MAP, 7), (OTHER_MAP, 8)):
            constituency, people, relationships = demo_constituency(seed=seed, size=size)
            cases.create_constituency(constituency.model_copy(update={"name": name}))
            cases.import_records(name, people, relationships)
    finally:
        store.close()




def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form at ``path`` (tokens are per session)."""
    page = client.get(path)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
