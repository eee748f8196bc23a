"""Guessing is slow: failed sign-ins per account and per address, and bad API tokens per
address, are refused past their limits with 429 and Retry-After; successes never count."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from support import PASSWORD, Web, bearer, csrf_token
from werkzeug.test import TestResponse

from service.throttle import Throttle


def attempt(client: FlaskClient, email: str, password: str) -> TestResponse:
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(client)})
    return response


def test_thirty_wrong_passwords_do_not_let_the_right_one_in_at_once(
    web: Web, client: FlaskClient,
) -> None:
    email = web.emails["viewer"]
    codes = [attempt(client, email, f"guess {i}").status_code for i in range(30)]
    assert codes[:5] == [400] * 5  # wrong, and said so
    assert set(codes[5:]) == {429}  # then refused before the password is checked
    refused = attempt(client, email, PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert "too many failed sign-ins" in refused.get_data(as_text=True).lower()
    other = attempt(web.app.test_client(), web.emails["editor"], PASSWORD)
    assert other.status_code == 302  # another account is not locked by this one's guesses


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(
    web: Web, client: FlaskClient,
) -> None:
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_SIGN_IN_ADDRESS": "3 per minute"})
    for i in range(3):
        assert attempt(client, f"nobody{i}@example.org", "x").status_code == 400
    assert attempt(client, "nobody9@example.org", "x").status_code == 429
    assert attempt(client, web.emails["owner"], PASSWORD).status_code == 429


def test_successful_sign_ins_never_count(web: Web) -> None:
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_SIGN_IN_ACCOUNT": "2 per minute"})
    for _ in range(5):
        assert attempt(web.app.test_client(), web.emails["owner"], PASSWORD).status_code == 302


def test_bad_api_tokens_are_limited_with_retry_after(web: Web, client: FlaskClient) -> None:
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_BAD_TOKEN": "10 per minute"})
    assert client.get("/api/v1/constituencies", headers=bearer(web.tokens["viewer"])
                      ).status_code == 200
    codes = [client.get("/api/v1/constituencies", headers=bearer(f"guess-{i}")).status_code
             for i in range(200)]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    refused = client.get("/api/v1/constituencies", headers=bearer("guess-x"))
    assert refused.get_json()["error"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1


def test_a_rate_setting_that_is_not_a_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="MOVEMAP_RATE_BAD_TOKEN"):
        Throttle.from_env({"MOVEMAP_RATE_BAD_TOKEN": "lots"})
