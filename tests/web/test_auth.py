"""Signing in and out, sessions, tokens and the request gate."""

from __future__ import annotations

from flask.testing import FlaskClient
from support import MAP, PASSWORD, Web, bearer, csrf_token, sign_in


def test_pages_redirect_to_sign_in_and_back_after_it(client: FlaskClient, web: Web) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login?next=/" in response.headers["Location"]
    response = client.post("/login?next=/", data={
        "email": web.emails["viewer"], "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert MAP in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: FlaskClient, web: Web
) -> None:
    for email in (web.emails["viewer"], "nobody@example.org"):
        response = client.post("/login", data={"email": email, "password": "wrong password",
                                               "csrf_token": csrf_token(client)})
        assert response.status_code == 400
        assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_in_needs_the_csrf_token(client: FlaskClient, web: Web) -> None:
    response = client.post("/login", data={"email": web.emails["viewer"], "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_in_never_redirects_to_another_site(client: FlaskClient, web: Web) -> None:
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)",
                   "/%5Cevil.example", "/%5C%5Cevil.example/", "/%09/evil.example"):
        response = client.post(f"/login?next={target}", data={
            "email": web.emails["viewer"], "password": PASSWORD,
            "csrf_token": csrf_token(client)})
        assert response.headers["Location"] == "/"


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(client: FlaskClient,
                                                             web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert client.get("/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(web: Web) -> None:
    client = web.app.test_client()
    sign_in(client, web.emails["viewer"])
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_api_tokens_authenticate_and_bad_ones_answer_401(client: FlaskClient, web: Web) -> None:
    assert client.get("/", headers=bearer(web.tokens["viewer"])).status_code == 200
    for header in ({"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                   {"Authorization": "Bearer "}):
        response = client.get("/api/v1/constituencies", headers=header)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_health_needs_no_sign_in_and_pages_send_security_headers(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_and_answers_with_personal_data_are_never_cached(web: Web,
                                                               client: FlaskClient) -> None:
    sign_in(client, web.emails["viewer"])
    for path in (f"/c/{MAP}/", f"/c/{MAP}/people", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    for path in (f"/api/v1/constituencies/{MAP}/people", f"/api/v1/constituencies/{MAP}/gaps",
                 "/api/v1/constituencies/nowhere"):
        response = client.get(path, headers=bearer(web.tokens["viewer"]))
        assert response.headers["Cache-Control"] == "no-store", path
    static = client.get("/static/movemap.css")
    assert static.status_code == 200  # the app's own files may be cached: they hold no data
    assert static.headers.get("Cache-Control") != "no-store"


def test_a_method_not_allowed_says_which_are(web: Web, client: FlaskClient) -> None:
    for path, headers in ((f"/api/v1/constituencies/{MAP}/gaps", bearer(web.tokens["owner"])),
                          (f"/api/v1/constituencies/{MAP}/analysis",
                           bearer(web.tokens["viewer"]))):
        response = client.delete(path, headers=headers)
        assert response.status_code == 405, path
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "GET" in allowed and "DELETE" not in allowed, path
