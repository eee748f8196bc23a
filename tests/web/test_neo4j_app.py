"""The web app on the Neo4j store: the same pages, API answers and access rules as on SQLite.

Two apps are seeded with the same maps, one on SQLite and one on the real Neo4j test server;
their API answers must be identical, and a write through the API must show in the next
analysis (the cache follows the Neo4j store's revision).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from stores import store_url
from support import MAP, OTHER_MAP, PASSWORD, bearer, make_settings, seed_store, sign_in

from service import Settings, create_app
from service.accounts import AccountStore

API = "/api/v1"


def make_app(settings: Settings) -> tuple[FlaskClient, AccountStore, str]:
    """An app on ``settings`` with the maps seeded and a viewer of MAP; its client and token."""
    seed_store(settings)
    app = create_app(settings)
    app.config.update(TESTING=True)
    accounts: AccountStore = app.extensions["movemap.accounts"]
    accounts.add_user("viewer@example.org", PASSWORD)
    accounts.grant("viewer@example.org", MAP, "viewer")
    accounts.add_user("owner@example.org", PASSWORD)
    accounts.grant("owner@example.org", MAP, "owner")
    return app.test_client(), accounts, accounts.create_token("owner@example.org")


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[dict[str, tuple[FlaskClient, AccountStore, str]]]:
    made = {}
    for kind in ("sqlite", "neo4j"):
        settings = replace(make_settings(tmp_path / kind),
                           store_url=store_url(kind, tmp_path / kind))
        (tmp_path / kind).mkdir(exist_ok=True)
        made[kind] = make_app(settings)
    yield made
    for _client, accounts, _token in made.values():
        accounts.close()


def test_api_answers_are_identical_on_both_stores(
    apps: dict[str, tuple[FlaskClient, AccountStore, str]],
) -> None:
    for path in ("/constituencies", f"/constituencies/{MAP}", f"/constituencies/{MAP}/analysis",
                 f"/constituencies/{MAP}/gaps", f"/constituencies/{MAP}/people?limit=50",
                 f"/constituencies/{MAP}/relationships?limit=50",
                 f"/constituencies/{MAP}/relationships?person=p0001"):
        answers = []
        for client, _accounts, token in apps.values():
            response = client.get(API + path, headers=bearer(token))
            assert response.status_code == 200, (path, response.get_data(as_text=True))
            answers.append(response.json)
        assert answers[0] == answers[1], path


def test_pages_render_on_neo4j_and_other_maps_stay_hidden(
    apps: dict[str, tuple[FlaskClient, AccountStore, str]],
) -> None:
    client, _accounts, _token = apps["neo4j"]
    sign_in(client, "viewer@example.org")
    for page in ("", "network", "gaps", "roles", "people"):
        response = client.get(f"/c/{MAP}/{page}")
        assert response.status_code == 200, page
    assert client.get(f"/c/{OTHER_MAP}/").status_code == 404


def test_a_write_through_the_api_shows_in_the_next_analysis_on_neo4j(
    apps: dict[str, tuple[FlaskClient, AccountStore, str]],
) -> None:
    client, _accounts, token = apps["neo4j"]
    before = client.get(f"{API}/constituencies/{MAP}/analysis", headers=bearer(token)).json
    created = client.post(f"{API}/constituencies/{MAP}/people", headers=bearer(token),
                          json={"id": "newcomer", "group": "people"})
    assert created.status_code in (200, 201), created.get_data(as_text=True)
    after = client.get(f"{API}/constituencies/{MAP}/analysis", headers=bearer(token)).json
    assert after["size"] == before["size"] + 1
