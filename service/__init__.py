"""movemap's edge: the web app (``create_app``), the command line (``service.cli``) and the text
report (``service.report``).

This is the only layer that picks a store and wires things together; ``graph`` never imports it.

Example:
    >>> app = create_app(Settings(store_url="sqlite:///:memory:",  # doctest: +SKIP
    ...                           accounts_url="sqlite:///:memory:", secret_key="test"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.config import Settings

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Settings", "create_app"]

_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-eval'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
"""Only our own origin: plotly.js is served by the app (no CDN). Plotly needs inline styles and
eval for some chart types; scripts still come from our origin only."""


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the Flask app. ``config`` overrides settings read from the environment."""
    # imported here, not with the package: the command line starts without Flask
    from flask import Flask, Response, jsonify
    from flask_wtf.csrf import CSRFError, CSRFProtect
    from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

    from graph.errors import MovemapError, NotFound, StoreError
    from graph.limits import LimitExceeded, setting_name
    from service.accounts import AccountStore, accounts_path_from_url
    from service.auth import check_routes, init_auth, public
    from service.notices import init_notices
    from service.state import init_state

    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=settings.limits.body_bytes,
        WTF_CSRF_TIME_LIMIT=None,
        MOVEMAP_SETTINGS=settings,
    )
    app.extensions["movemap.settings"] = settings
    # the gate first: a request without credentials is refused (401 or sign-in) before CSRF
    init_auth(app, AccountStore(accounts_path_from_url(settings.accounts_url)))
    init_notices(app)
    csrf = CSRFProtect()
    csrf.init_app(app)
    init_state(app, settings)

    @app.route("/health")
    @public
    def health() -> Response:
        return jsonify({"status": "ok"})

    from service.pages import bp as pages_bp

    app.register_blueprint(pages_bp)
    from service.pages_account import bp as account_bp
    from service.pages_admin import bp as admin_bp
    from service.pages_growth import bp as growth_bp
    from service.pages_settings import bp as settings_bp
    from service.pages_summary import bp as summary_bp

    app.register_blueprint(admin_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(summary_bp)
    app.register_blueprint(growth_bp)
    from service.pages_account import token_days
    from service.pages_admin import invitation_hours

    invitation_hours(), token_days()  # a bad setting stops the start, not a page later
    from service.links import link_days
    from service.pages_contribute import init_links
    from service.pages_links import bp as links_bp

    link_days()
    init_links(app, settings)  # private links for people without accounts (/l/…)
    app.register_blueprint(links_bp)
    from service.api import init_api

    init_api(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        from flask import request

        if request.endpoint != "static":  # pages and answers may hold personal data
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return _error(400, "The form expired or was sent from elsewhere; please try again.")

    @app.before_request
    def upload_limit() -> None:
        from flask import request

        if request.endpoint in _UPLOADS:  # CSV files may be larger than any other body
            request.max_content_length = settings.limits.upload_bytes

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Any:
        from flask import request

        limit = "upload_bytes" if request.endpoint in _UPLOADS else "body_bytes"
        size = _size(getattr(settings.limits, limit))
        return _error(413, f"The request is over the limit of {size} "
                      f"({setting_name(limit)}); nothing was read or written.")

    @app.errorhandler(LimitExceeded)
    def over_limit(error: LimitExceeded) -> Any:
        return _error(422, f"{error} Nothing was written.")

    @app.errorhandler(MovemapError)
    def movemap_error(error: MovemapError) -> Any:
        """An error of ours on any page (a map removed meanwhile, a name taken a moment
        ago…): a plain answer, never a traceback."""
        status = 404 if isinstance(error, NotFound) else 503 if isinstance(
            error, StoreError) else 400
        return _error(status, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        body, status = _error(error.code or 500, error.description or error.name)
        allowed = [v for k, v in error.get_headers() if k.lower() == "allow"]
        return body, status, {"Allow": allowed[0]} if allowed else {}

    check_routes(app)
    return app


_UPLOADS = frozenset({"api.import_files", "pages.import_files"})
"""The endpoints that take CSV files, under ``upload_bytes`` instead of ``body_bytes``."""


def _size(n: int) -> str:
    """Bytes in words: ``2 MiB``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


def _error(status: int, message: str) -> Any:
    from flask import jsonify, render_template, request

    if request.path.startswith("/api/"):
        return jsonify({"error": _ERROR_NAMES.get(status, "error"), "message": message}), status
    return render_template("error.html", status=status, message=message), status


_ERROR_NAMES = {400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 422: "invalid"}
