"""Signing in and out, API tokens, and the role checks every constituency route carries.

Every request except sign-in, health and static files needs a signed-in user (session cookie)
or an API token (``Authorization: Bearer …``); every route with a ``<name>`` of a constituency
declares the role it needs with ``@requires_role`` and the app refuses to start a route that
forgets it (see ``check_routes``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from dashboards.words import plural
from graph.limits import whole_setting
from service.accounts import (
    ROLES,
    SESSION_HOURS,
    SESSION_IDLE_MINUTES,
    AccountStore,
    User,
)
from service.throttle import Throttle

__all__ = [
    "PUBLIC_ENDPOINTS",
    "SessionUser",
    "bp",
    "check_routes",
    "current_account",
    "init_auth",
    "link_holder",
    "public",
    "requires_role",
]

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {"auth.login", "admin.accept", "health", "static"}
"""Endpoints reachable without signing in (``admin.accept``: an invitation link, which carries
its own secret). Nothing else is."""

F = TypeVar("F", bound=Callable[..., Any])


class SessionUser(UserMixin):
    """Flask-Login's view of an account signed in through one server-side session: the cookie
    carries only the session's id, so signing out, a password change or disabling the account
    ends it for every copy of the cookie."""

    def __init__(self, account: User, session_id: str) -> None:
        self.account = account
        self.id = session_id


def accounts() -> AccountStore:
    return cast(AccountStore, current_app.extensions["movemap.accounts"])


def current_account() -> User | None:
    """The account behind this request (token or session), or None."""
    account = g.get("token_account")
    if account is not None:
        return cast(User, account)
    if current_user.is_authenticated:
        return cast(SessionUser, current_user).account
    return None


def public(view: F) -> F:
    """Mark a view as reachable without signing in (health checks and the sign-in page)."""
    view._movemap_public = True  # type: ignore[attr-defined]
    return view


def link_holder(view: F) -> F:
    """Mark a view as a private link holder's (``service.pages_contribute``): no account signs
    in there, so the sign-in gate lets it through, and the view itself checks the link's own
    credential on every request and answers the plain "this link no longer works" page
    without it. Only paths under ``/l/`` may carry this mark (the access tests check)."""
    view._movemap_link = True  # type: ignore[attr-defined]
    return public(view)


def requires_role(role: str) -> Callable[[F], F]:
    """The signed-in account needs at least ``role`` in the constituency ``name`` of the URL.

    Unknown constituencies and ones the account may not see both answer 404, so a URL does not
    tell whether a map exists; a role too weak for the action answers 403.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            name = kwargs.get("name")
            if account is None:
                abort(401)
            if name is None or account.role_in(str(name)) is None:
                abort(404)
            if not account.may(str(name), role):
                abort(403)
            return view(*args, **kwargs)

        wrapper._movemap_role = role  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def check_routes(app: Flask) -> None:
    """Refuse to run an app where a constituency route does not check the role."""
    for rule in app.url_map.iter_rules():
        if "name" in rule.arguments:
            view = app.view_functions[rule.endpoint]
            if not hasattr(view, "_movemap_role"):
                raise RuntimeError(f"route {rule.rule} has <name> but no @requires_role")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _gate() -> ResponseReturnValue | None:
    """Runs before every request: find the account (token or session) or refuse."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorised("use 'Authorization: Bearer <token>'")
        address = request.remote_addr or "unknown"
        wait = _throttle().retry_after("bad_token", address)
        if wait is not None:
            return _too_many(wait, "too many bad API tokens from this address")
        account = accounts().user_for_token(token.strip())
        if account is None:
            _throttle().failed("bad_token", address)
            return _unauthorised("the token is not valid")
        g.token_account = account
        g.csrf_exempt = True
        return None
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    if endpoint in PUBLIC_ENDPOINTS or getattr(view, "_movemap_public", False):
        return None
    if current_user.is_authenticated:
        return None
    if _wants_json() or request.endpoint is None and request.path.startswith("/api"):
        return _unauthorised("sign in or send an API token")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _throttle() -> Throttle:
    return cast(Throttle, current_app.extensions["movemap.throttle"])


def _too_many(wait: int, reason: str) -> ResponseReturnValue:
    minutes = max(1, math.ceil(wait / 60))
    message = f"{reason}; try again in {plural(minutes, 'minute')}"
    if _wants_json():
        response = jsonify({"error": "too_many_requests", "message": message})
    else:
        response = current_app.make_response(
            (render_template("error.html", status=429, message=message[0].upper()
                             + message[1:] + "."), 429))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def _unauthorised(reason: str) -> ResponseReturnValue:
    response = jsonify({"error": "unauthorised", "message": reason})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="movemap"'
    return response


def init_auth(app: Flask, account_store: AccountStore) -> None:
    """Wire Flask-Login, the request gate and the sign-in blueprint into ``app``."""
    app.extensions["movemap.accounts"] = account_store
    app.extensions["movemap.throttle"] = Throttle.from_env()
    idle = whole_setting("MOVEMAP_SESSION_IDLE_MINUTES", SESSION_IDLE_MINUTES)
    hours = whole_setting("MOVEMAP_SESSION_HOURS", SESSION_HOURS)
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(session_id: str) -> SessionUser | None:
        account = account_store.session_user(session_id, idle_minutes=idle, hours=hours)
        return None if account is None else SessionUser(account, session_id)

    manager.init_app(app)
    app.before_request(_gate)
    app.register_blueprint(bp)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after signing in."""
    if not target:
        return url_for("pages.home")
    # browsers read a backslash as a slash ("/\\evil.example" is another site) and drop tabs
    # and line breaks, so none of those may appear; what is left must be a path of this site
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        address = request.remote_addr or "unknown"
        throttle = _throttle()
        waits = [w for w in (throttle.retry_after("sign_in_account", email),
                             throttle.retry_after("sign_in_address", address)) if w]
        if waits:
            return _too_many(max(waits), "too many failed sign-ins")
        account = accounts().authenticate(form.email.data or "", form.password.data or "")
        if account is not None:
            login_user(SessionUser(account, accounts().start_session(account.id)))
            return redirect(_safe_next(request.args.get("next")))
        throttle.failed("sign_in_account", email)
        throttle.failed("sign_in_address", address)
        flash("That email and password do not match an account.", "error")
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        accounts().end_session(current_user.id)  # every copy of the cookie ends with it
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
