"""The signed-in person's own account: their password and their API tokens.

A new password needs the current one (failures count like failed sign-ins, so the form cannot be
used to guess it) and, as ``movemap user passwd`` does, ends every other session and every API
token of the account; this browser stays signed in with a fresh session. A new API token is
shown once, on the page that made it (only its digest is kept); any token can be revoked here.
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, abort, current_app, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from graph.errors import MovemapError
from graph.limits import whole_setting
from service.accounts import MIN_PASSWORD_LENGTH, TOKEN_DAYS, User
from service.auth import SessionUser, accounts, current_account
from service.notices import notify
from service.throttle import Throttle

__all__ = ["bp"]

bp = Blueprint("account", __name__)


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired("Give your current password."), Length(max=1000)])
    new = PasswordField("New password", validators=[
        DataRequired("Give a new password."),
        Length(min=MIN_PASSWORD_LENGTH, max=1000,
               message=f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.")
    confirm = PasswordField("The new password again", validators=[
        DataRequired("Give the new password again."),
        EqualTo("new", "The two new passwords differ.")])


class TokenForm(FlaskForm):
    days = IntegerField("Days it lasts", validators=[
        DataRequired("Say how many days."), NumberRange(1, 3650, "From 1 to 3,650 days.")])


class RevokeForm(FlaskForm):
    """Revoking a token: only the CSRF token (the token's number is in the address)."""


def _caller() -> User:
    """The signed-in account; an API token may not change its own account's password or mint
    tokens (a leaked token must not be able to outlive its revocation)."""
    account = current_account()
    if account is None:
        abort(401)
    if g.get("token_account") is not None:
        abort(403, "Your account's password and tokens are changed in the dashboard, signed "
                   "in, not with an API token.")
    return account


def _throttle() -> Throttle:
    return cast(Throttle, current_app.extensions["movemap.throttle"])


MAX_TOKEN_DAYS = 3660
"""An API token lasts at most ten years, whatever MOVEMAP_TOKEN_DAYS says."""


def token_days() -> int:
    """How long a new API token lasts (``create_app`` checks it once at start)."""
    return whole_setting("MOVEMAP_TOKEN_DAYS", TOKEN_DAYS, maximum=MAX_TOKEN_DAYS)


def _page(*, password_form: PasswordForm | None = None, token_form: TokenForm | None = None,
          token: str | None = None, status: int = 200) -> ResponseReturnValue:
    caller = _caller()
    if token_form is None:
        token_form = TokenForm(formdata=None, days=token_days())
    return render_template(
        "account.html", me=caller, password_form=password_form or PasswordForm(formdata=None),
        token_form=token_form, tokens=accounts().tokens(caller.email), token=token,
        revoke_form=RevokeForm(formdata=None)), status


@bp.get("/account")
def account() -> ResponseReturnValue:
    return _page()


@bp.post("/account/password")
def change_password() -> ResponseReturnValue:
    caller = _caller()
    form = PasswordForm()
    key = caller.email.lower()
    wait = _throttle().retry_after("sign_in_account", key)
    if wait is not None:
        abort(429, "Too many wrong passwords for this account; try again later.")
    if form.validate_on_submit():
        if accounts().authenticate(caller.email, form.current.data or "") is None:
            _throttle().failed("sign_in_account", key)
            form.current.errors = [*form.current.errors, "That is not your current password."]
        else:
            accounts().set_password(caller.email, form.new.data or "")  # ends every session
            fresh = accounts().user_by_email(caller.email)
            if isinstance(current_user._get_current_object(), SessionUser):
                login_user(SessionUser(fresh, accounts().start_session(fresh.id)))
            notify("Your password is changed: you are signed out everywhere else, and your "
                   "API tokens are revoked.", "success")
            return redirect(url_for("account.account"))
    notify("The password was not changed: see what is wrong next to the fields.", "error")
    return _page(password_form=form, status=400)


@bp.post("/account/tokens")
def create_token() -> ResponseReturnValue:
    caller = _caller()
    form = TokenForm()
    if not form.validate_on_submit():
        notify("No token was made: see what is wrong next to the field.", "error")
        return _page(token_form=form, status=400)
    try:
        token = accounts().create_token(caller.email, int(form.days.data or token_days()))
    except MovemapError as exc:
        notify(f"No token was made: {exc}.", "error")
        return _page(token_form=form, status=422)
    return _page(token=token, status=201)


@bp.post("/account/tokens/<int(max=9223372036854775807):token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    caller = _caller()
    if not RevokeForm().validate_on_submit():
        abort(400)
    if not any(t.id == token_id for t in accounts().tokens(caller.email)):
        abort(404, f"You have no API token {token_id}.")
    accounts().revoke_token(token_id)
    notify(f"Token {token_id} is revoked: it stopped working at once.", "success")
    return redirect(url_for("account.account") + "#tokens-heading")
