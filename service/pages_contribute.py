"""The page of someone who holds a private link (``service.links``): the board of one purpose
round, where they add to *our*, *shared* and *purpose*, change or withdraw what they added, see
what others shared, and review statement versions sent for review.

How the link travels: ``/l/<token>`` is opened once. The token is checked, exchanged for a
cookie that names only this link (signed, ``Path=/l/``, ``HttpOnly``, ``SameSite=Lax``, two
hours), and the browser is sent on to ``/l/board``; from then on the token is in no address,
history entry or ``Referer``. Every answer under ``/l/`` carries ``Referrer-Policy:
no-referrer``, and the server's request log shows ``/l/…`` in place of a token. Each request
checks the link again, so revoking it or its expiry ends the cookie's use at once.

What a link holder sees: the round's title and question, the contributions of the round (their
text, and "someone from <group>" in place of a name: contributors are never named to one
another, as a story may tell of a health condition), their own contributions marked "you", and
the statements sent to them for review. Nothing else of the map: no people, no network, no
analysis, no other round. The cookie grants nothing outside ``/l/``: every dashboard and API
address answers a link holder as it answers someone signed out.

A link that does not work (altered, unknown, expired, revoked, replaced, its round closed or
gone, its person removed from the map) answers one plain page with status 404, the same for
all, and counts as a bad token from that address (``service.throttle``).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer

from graph.errors import MovemapError, NotFound
from graph.history import Actor
from graph.model import Person
from service.accounts import AccountStore, accounts_path_from_url
from service.auth import link_holder
from service.config import Settings
from service.links import MAX_TOKEN_LENGTH, Link, LinkStore, links_path_for
from service.pictures import MAX_PICTURE_BYTES, PictureFolder, clean_picture, pictures_path_for
from service.purpose_board import (
    ELEMENT_WORDS,
    ELEMENTS,
    VERDICTS,
    PurposeBoard,
    RoundView,
    board_for,
)
from service.state import get_store
from service.throttle import Throttle

__all__ = ["COOKIE", "MAX_CONTRIBUTION_LENGTH", "bp", "init_links", "link_store"]

bp = Blueprint("contribute", __name__)

COOKIE = "movemap_link"
COOKIE_MINUTES = 120
"""How long the cookie a link is exchanged for lasts; the link itself is opened again after."""
MAX_CONTRIBUTION_LENGTH = 2000
"""Characters of one contribution, and of the reason given in a review."""
_ENDED = ("This link no longer works. If you were asked to take part, ask whoever sent it to "
          "you for a new one.")


def init_links(app: Flask, settings: Settings) -> None:
    """Open the links file beside the accounts file and add the link holder's pages."""
    path = links_path_for(accounts_path_from_url(settings.accounts_url))
    links = LinkStore(path)
    app.extensions["movemap.links"] = links
    app.extensions["movemap.pictures"] = PictureFolder(
        Path(tempfile.mkdtemp(prefix="movemap-pictures-")) if path == ":memory:"
        else pictures_path_for(path))
    # a deleted or renamed map takes its links along, wherever its roles are forgotten
    cast(AccountStore, app.extensions["movemap.accounts"]).followers.append(links)
    app.register_blueprint(bp)
    logging.getLogger("werkzeug").addFilter(_hide_tokens)


_TOKEN_IN_LOG = re.compile(r"/l/(?!board\b)[A-Za-z0-9_-]{8,}")


def _hide_tokens(record: logging.LogRecord) -> bool:
    """The request log shows ``/l/…`` in place of a link's token."""
    if record.args:
        record.args = tuple(_TOKEN_IN_LOG.sub("/l/…", a) if isinstance(a, str) else a
                            for a in cast(tuple[Any, ...], record.args))
    return True


def link_store() -> LinkStore:
    return cast(LinkStore, current_app.extensions["movemap.links"])


def _throttle() -> Throttle:
    return cast(Throttle, current_app.extensions["movemap.throttle"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="movemap-link")


def _ended() -> ResponseReturnValue:
    return render_template("contribute_ended.html", heading="This link no longer works",
                           message=_ENDED), 404


def _slow_down(wait: int) -> ResponseReturnValue:
    response = make_response(render_template(
        "contribute_ended.html", heading="Please wait a little",
        message="Too many requests from here just now; please try again in a few minutes."),
        429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.after_request
def _no_referrer(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _check_rate(link_id: int | None) -> int | None:
    """Seconds to wait when this address (or this link) is over its rate, else ``None``;
    counts this use."""
    address = request.remote_addr or "unknown"
    throttle = _throttle()
    wait = throttle.retry_after("bad_token", address) or throttle.count("link_address", address)
    if wait is None and link_id is not None:
        wait = throttle.count("link_use", str(link_id))
    return wait


def _usable(link: Link) -> tuple[Person, RoundView] | None:
    """The person and the open round of a working link, else ``None``."""
    if link.kind != "purpose_round":
        return None
    try:
        person = get_store().get_person(link.constituency, link.person_id)
    except NotFound:
        return None
    found = _board(link).round(link.constituency, link.subject)
    return None if found is None or not found.open else (person, found)


def _board(link: Link) -> PurposeBoard:
    actor = Actor(f"person:{link.person_id}", f"private link {link.id}")
    return board_for(get_store(), actor)


@bp.get("/l/<token>")
@link_holder
def open_link(token: str) -> ResponseReturnValue:
    """Check the link, exchange it for this link's cookie, and go on to the board."""
    wait = _check_rate(None)
    if wait is not None:
        return _slow_down(wait)
    link = link_store().resolve(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if link is None or _usable(link) is None:
        _throttle().failed("bad_token", request.remote_addr or "unknown")
        return _ended()
    value = _serializer().dumps([link.id, link_store().digest_start(link.id)])
    response = redirect(url_for("contribute.board"), 303)
    settings = cast(Settings, current_app.extensions["movemap.settings"])
    response.set_cookie(COOKIE, value, max_age=COOKIE_MINUTES * 60, path="/l/",
                        secure=settings.cookie_secure, httponly=True, samesite="Lax")
    return response


def _holder() -> tuple[Link, Person, RoundView] | None:
    """The link of this browser's cookie, its person and round, when all still work."""
    raw = request.cookies.get(COOKIE, "")
    try:
        link_id, start = _serializer().loads(raw, max_age=COOKIE_MINUTES * 60)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(link_id, int) or not isinstance(start, str):
        return None
    link = link_store().by_id(link_id, start)
    usable = None if link is None else _usable(link)
    return None if link is None or usable is None else (link, *usable)


def _guarded(view: Any) -> Any:
    """Run ``view(link, person, round)`` for a working link's cookie; otherwise the plain
    "no longer works" page (or 429 past a rate)."""
    def wrapper(**kwargs: Any) -> ResponseReturnValue:
        held = _holder()
        wait = _check_rate(held[0].id if held else None)
        if wait is not None:
            return _slow_down(wait)
        if held is None:
            if request.cookies.get(COOKIE):
                _throttle().failed("bad_token", request.remote_addr or "unknown")
            return _ended()
        g.link = held[0]
        return cast(ResponseReturnValue, view(*held, **kwargs))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return link_holder(wrapper)


def _render(link: Link, person: Person, found: RoundView, *, problem: str = "",
            status: int = 200, notice: str = "") -> ResponseReturnValue:
    board = _board(link)
    contributions = board.contributions(link.constituency, link.subject)
    by_element = {e: [c for c in contributions if c.element == e] for e in ELEMENTS}
    statements = board.statements_for_review(link.constituency, link.subject, person.id)
    return render_template(
        "contribute.html", round=found, person=person, by_element=by_element,
        words=ELEMENT_WORDS, statements=statements, problem=problem, notice=notice,
        max_length=MAX_CONTRIBUTION_LENGTH, max_picture_mib=MAX_PICTURE_BYTES // (1 << 20),
        editing=request.args.get("edit", "")), status


@bp.get("/l/board")
@_guarded
def board(link: Link, person: Person, found: RoundView) -> ResponseReturnValue:
    """The board of the link's round."""
    notice = {"added": "Thank you: your contribution is on the board.",
              "changed": "Your contribution is changed.",
              "withdrawn": "Your contribution is withdrawn.",
              "reviewed": "Thank you: your review is saved."}.get(request.args.get("done", ""),
                                                                   "")
    return _render(link, person, found, notice=notice)


def _text(field: str, *, required: bool = True) -> str:
    text = request.form.get(field, "").strip()
    if required and not text:
        raise MovemapError(f"{field}: write something first")
    if len(text) > MAX_CONTRIBUTION_LENGTH:
        raise MovemapError(f"{field}: at most {MAX_CONTRIBUTION_LENGTH:,} characters, not "
                           f"{len(text):,}")
    return text


def _act(link: Link, person: Person, found: RoundView, action: Any,
         done: str) -> ResponseReturnValue:
    """Do ``action()``; back to the board with ``done``, or the board with the problem."""
    try:
        action()
    except (MovemapError, LookupError) as exc:
        return _render(link, person, found, problem=str(exc).strip("'\""), status=422)
    return redirect(url_for("contribute.board", done=done) + "#added", 303)


@bp.post("/l/board/add")
@_guarded
def add(link: Link, person: Person, found: RoundView) -> ResponseReturnValue:
    """Add a contribution to one element of the board (with a picture, optionally)."""
    element = request.form.get("element", "")
    if element not in ELEMENTS:
        return _render(link, person, found, status=422,
                       problem=f"element: choose one of {', '.join(ELEMENTS)}")

    def action() -> None:
        text = _text("text")
        upload = request.files.get("picture")
        picture = None
        if upload is not None and upload.filename:
            picture = clean_picture(upload.read(MAX_PICTURE_BYTES + 1))
        _board(link).add(link.constituency, link.subject, person.id, element, text, picture)

    return _act(link, person, found, action, "added")


@bp.post("/l/board/<contribution_id>/edit")
@_guarded
def edit(link: Link, person: Person, found: RoundView,
         contribution_id: str) -> ResponseReturnValue:
    """Change the text of one's own contribution."""
    return _act(link, person, found, lambda: _board(link).edit(
        link.constituency, link.subject, person.id, contribution_id, _text("text")),
        "changed")


@bp.post("/l/board/<contribution_id>/withdraw")
@_guarded
def withdraw(link: Link, person: Person, found: RoundView,
             contribution_id: str) -> ResponseReturnValue:
    """Withdraw one's own contribution."""
    return _act(link, person, found, lambda: _board(link).withdraw(
        link.constituency, link.subject, person.id, contribution_id), "withdrawn")


@bp.post("/l/board/review/<statement_id>")
@_guarded
def review(link: Link, person: Person, found: RoundView,
           statement_id: str) -> ResponseReturnValue:
    """"I can live with it", or "I can't yet, because …" (the reason is needed then)."""
    verdict = request.form.get("verdict", "")
    version = request.form.get("version", "")

    def action() -> None:
        if verdict not in VERDICTS:
            raise MovemapError("verdict: choose \"I can live with it\" or \"I can't yet\"")
        if not (version.isascii() and version.isdigit()) or len(version) > 9:
            raise MovemapError("version: not a version of this statement")
        reason = _text("reason", required=verdict == "cannot_yet")
        _board(link).review(link.constituency, link.subject, person.id, statement_id,
                            int(version), verdict, reason)

    return _act(link, person, found, action, "reviewed")


@bp.get("/l/board/picture/<contribution_id>")
@_guarded
def picture(link: Link, person: Person, found: RoundView,
            contribution_id: str) -> ResponseReturnValue:
    """A contribution's picture (JPEG, re-encoded when it was sent)."""
    data = _board(link).picture(link.constituency, link.subject, contribution_id)
    if data is None:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.before_request
def _picture_limit() -> None:
    if request.endpoint == "contribute.add":  # a phone's photo is larger than a form
        request.max_content_length = MAX_PICTURE_BYTES + 64 * 1024
