"""Limits through the web app: a body over its limit gets 413 at once, naming the setting; CSV
uploads have their own, larger limit; a map at its size limit answers 422 and keeps its state."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from support import MAP, PASSWORD, bearer, make_settings, seed_store

from graph.limits import Limits
from service import create_app

PEOPLE = f"/api/v1/constituencies/{MAP}/people"


def _app(folder: Path, limits: Limits) -> Iterator[tuple[Flask, str]]:
    settings = replace(make_settings(folder), limits=limits)
    seed_store(settings, size=200)
    app = create_app(settings)
    app.config.update(TESTING=True)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user("editor@example.org", PASSWORD)
    accounts.grant("editor@example.org", MAP, "editor")
    yield app, accounts.create_token("editor@example.org")
    accounts.close()


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    yield from _app(tmp_path, Limits(body_bytes=4096, upload_bytes=64 * 1024,
                                     people_per_map=201))


@pytest.fixture
def default(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    yield from _app(tmp_path, Limits())


def test_a_56_mb_body_of_four_million_segments_is_refused_with_413(
    default: tuple[Flask, str],
) -> None:
    app, token = default
    body = json.dumps({"id": "x1", "group": "people",
                       "segments": ["locality:" + "x" * 4] * 4_000_000}).encode()
    assert len(body) > 56_000_000
    response = app.test_client().post(PEOPLE, data=body, headers={
        **bearer(token), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert "2 MiB (MOVEMAP_LIMIT_BODY_BYTES)" in response.get_json()["message"]
    assert app.test_client().get(f"{PEOPLE}/x1", headers=bearer(token)).status_code == 404


def test_a_person_with_too_many_segments_in_a_small_body_gets_422_naming_the_limit(
    default: tuple[Flask, str],
) -> None:
    app, token = default
    response = app.test_client().post(PEOPLE, headers=bearer(token), json={
        "id": "x1", "group": "people", "segments": [f"locality:{i}" for i in range(101)]})
    assert response.status_code == 422
    assert "MOVEMAP_LIMIT_SEGMENTS_PER_PERSON" in json.dumps(response.get_json())


def test_csv_uploads_have_their_own_larger_limit(small: tuple[Flask, str]) -> None:
    app, token = small
    rows = "".join(f"n{i:05d},Someone Newcomer {i},people\n" for i in range(1, 200))
    people = "id,name,group\n" + rows  # about 6 KB: over the body limit, under the upload one
    assert 4096 < len(people) < 64 * 1024

    def upload(text: str) -> tuple[int, dict[str, object]]:
        response = app.test_client().post(
            f"/api/v1/constituencies/{MAP}/import", headers=bearer(token), data={
                "people": (io.BytesIO(text.encode()), "people.csv"),
                "relationships": (io.BytesIO(b"source,target\n"), "relationships.csv")})
        return response.status_code, response.get_json()

    status, body = upload(people)
    assert status == 422, body  # read in full, then refused by the map's size limit
    assert body["error"] == "over_limit"
    assert "MOVEMAP_LIMIT_PEOPLE_PER_MAP" in str(body["message"])
    status, body = upload(people + "x" * 70 * 1024)
    assert status == 413
    assert "64 KiB (MOVEMAP_LIMIT_UPLOAD_BYTES)" in str(body["message"])


def test_a_map_at_its_size_limit_refuses_one_more_person_and_keeps_its_state(
    small: tuple[Flask, str],
) -> None:
    app, token = small
    client = app.test_client()
    total = client.get(PEOPLE, headers=bearer(token)).get_json()["total"]
    assert total == 200
    first = client.post(PEOPLE, headers=bearer(token), json={"id": "x1", "group": "people"})
    assert first.status_code == 201
    refused = client.post(PEOPLE, headers=bearer(token), json={"id": "x2", "group": "people"})
    assert refused.status_code == 422
    assert refused.get_json()["problems"][0]["field"] == "people_per_map"
    assert client.get(PEOPLE, headers=bearer(token)).get_json()["total"] == 201
