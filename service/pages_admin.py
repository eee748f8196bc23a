"""The dashboard's administration pages: making, renaming and deleting maps, and the colleagues
of a map (invitations, roles, removal).

The same rules as the API's access calls (``service.access``): a map is made by an account with
the right to (``MOVEMAP_WHO_MAY_CREATE``) and within ``maps_per_account``, and its maker becomes
its owner; owners rename and delete their map (deleting needs its name typed); owners and
administrators manage its colleagues, and a map always keeps an owner. Every change of a map
goes through the use cases (``graph.usecases``); roles and invitations live in the accounts
store and follow a rename.

An invitation is a link with a random secret (only its digest is kept) that works once, until
it expires (``MOVEMAP_INVITATION_HOURS``, default 72) or is withdrawn: the invitee sets a
password (or, with an account already, gives theirs) and is signed in with the role. The link is
shown once, to whoever made it, to pass on by any channel; no mail server is needed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from graph.errors import MovemapError, NotFound
from graph.limits import whole_setting
from graph.model import MAX_TEXT_LENGTH, Constituency
from graph.usecases import InvalidChange
from service.access import Refused, check_may_create, check_may_manage_roles, check_role_change
from service.accounts import (
    INVITATION_HOURS,
    MIN_PASSWORD_LENGTH,
    ROLES,
    InvitationEnded,
    User,
)
from service.auth import SessionUser, accounts, current_account, public, requires_role
from service.config import Settings
from service.notices import notify
from service.state import get_store, use_cases
from service.throttle import Throttle

__all__ = ["bp", "manages_colleagues", "may_create_maps"]

bp = Blueprint("admin", __name__)

F = TypeVar("F", bound=Callable[..., Any])

_ROLE_CHOICES = [
    SelectChoice(value="viewer", label="viewer: sees the map"),
    SelectChoice(value="editor", label="editor: sees and changes it"),
    SelectChoice(value="owner", label="owner: also manages its colleagues, renames or deletes it"),
]
_NAME_HINT = ("Letters, digits, spaces, '.', '_' or '-', at most 100, starting with a letter "
              "or digit.")


class MapForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the map a name."),
                                           Length(max=100)], description=_NAME_HINT)
    description = StringField("Description", validators=[Optional(),
                                                          Length(max=MAX_TEXT_LENGTH)],
                              description="A line saying what change the map is for.")


class RenameForm(FlaskForm):
    new_name = StringField("New name", validators=[DataRequired("Give the new name."),
                                                   Length(max=100)], description=_NAME_HINT)


class DeleteMapForm(FlaskForm):
    confirm_name = StringField("Type the map's name to confirm",
                               validators=[DataRequired("Type the map's name."),
                                           Length(max=100)])


class InviteForm(FlaskForm):
    email = EmailField("Their email", validators=[DataRequired("Give their email."),
                                                  Length(max=320)])
    role = SelectField("Role", choices=_ROLE_CHOICES, default="viewer")


class RoleForm(FlaskForm):
    email = HiddenField(validators=[DataRequired(), Length(max=320)])
    role = SelectField("Role", choices=[SelectChoice(value=r, label=r) for r in ROLES])


class ColleagueForm(FlaskForm):
    """Removing a colleague or withdrawing an invitation: only the CSRF token and who."""

    email = HiddenField(validators=[Optional(), Length(max=320)])


class AcceptForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Give a password."),
                                                     Length(max=1000)])
    confirm = PasswordField("The same password again (new accounts only)", validators=[
        Optional(), Length(max=1000)])


_NOT_JOINED = (f"That did not work. If you have a movemap account with this email, give its "
               f"password; if not, choose a password of at least {MIN_PASSWORD_LENGTH} "
               "characters and type it twice.")


# -- helpers ---------------------------------------------------------------------------------


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["movemap.settings"])


def _throttle() -> Throttle:
    return cast(Throttle, current_app.extensions["movemap.throttle"])


def _caller() -> User:
    account = current_account()
    if account is None:
        abort(401)
    return account


def _refused(error: Refused) -> ResponseReturnValue:
    message = str(error)
    return render_template("error.html", status=error.status,
                           message=message[0].upper() + message[1:] + "."), error.status


def manages_colleagues(view: F) -> F:
    """The caller is an owner of the map ``name`` or an administrator, and the map exists
    (404 to anyone with no role in it, as for every page of a map)."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        name = str(kwargs["name"])
        try:
            check_may_manage_roles(_caller(), name)
            get_store().get_constituency(name)
        except Refused as exc:
            return _refused(exc)
        except NotFound:
            abort(404, f"There is no constituency called {name!r}.")
        return view(*args, **kwargs)

    wrapper._movemap_role = "owner"  # type: ignore[attr-defined]  # or an administrator
    return cast(F, wrapper)


MAX_INVITATION_HOURS = 24 * 31
"""An invitation link lasts at most a month, whatever MOVEMAP_INVITATION_HOURS says."""


def invitation_hours() -> int:
    """How long a new invitation link works (``create_app`` checks it once at start)."""
    return whole_setting("MOVEMAP_INVITATION_HOURS", INVITATION_HOURS,
                         maximum=MAX_INVITATION_HOURS)


# -- a new map -------------------------------------------------------------------------------


def may_create_maps() -> bool:
    """Whether the signed-in account has the right to make maps (the home page offers it)."""
    account = current_account()
    if account is None:
        return False
    return _settings().who_may_create == "everyone" or account.may_create or account.admin


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"may_create_maps": may_create_maps}



@bp.route("/maps/new", methods=["GET", "POST"])
def new_map() -> ResponseReturnValue:
    """Make a map; its maker becomes its owner."""
    account = _caller()
    try:
        check_may_create(account, accounts(), _settings())
    except Refused as exc:
        return _refused(exc)
    form = MapForm()
    if form.validate_on_submit():
        try:
            constituency = Constituency(name=(form.name.data or "").strip(),
                                        description=form.description.data or "")
        except ValueError as exc:
            form.name.errors = [*form.name.errors, _first_reason(exc)]
        else:
            if _exists(constituency.name):
                form.name.errors = [*form.name.errors,
                                    f"There is already a map called {constituency.name!r}."]
            else:
                use_cases(account.email, "dashboard").create_constituency(constituency)
                accounts().forget_constituency(constituency.name)  # a new map: nobody's yet
                accounts().grant(account.email, constituency.name, "owner")
                notify(f"Made the map {constituency.name}: import its people and ties, or add "
                       "them one by one.", "success")
                return redirect(url_for("pages.people", name=constituency.name))
    status = 400 if request.method == "POST" else 200
    return render_template("map_new.html", form=form), status


def _first_reason(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    reason = str(errors()[0]["msg"]) if callable(errors) else str(exc)
    reason = reason.removeprefix("Value error, ")
    return reason[0].upper() + reason[1:] + "."


def _exists(name: str) -> bool:
    try:
        get_store().get_constituency(name)
    except NotFound:
        return False
    return True


# -- a map's colleagues, its name, deleting it -------------------------------------------------


def _colleagues_page(name: str, *, invite_form: InviteForm | None = None,
                     rename_form: RenameForm | None = None, link: str | None = None,
                     status: int = 200) -> ResponseReturnValue:
    caller = _caller()
    store = accounts()
    grants = store.grants_in(name)
    return render_template(
        "map_colleagues.html", name=name, active="colleagues", as_of=None,
        grants=grants, invitations=store.invitations(name),
        owners=sum(1 for r in grants.values() if r == "owner"),
        invite_form=invite_form or InviteForm(), rename_form=rename_form or RenameForm(),
        role_form=RoleForm(), remove_form=ColleagueForm(), link=link,
        is_owner=caller.role_in(name) == "owner", me=caller.email,
        hours=invitation_hours(), settings_endpoint=_settings_endpoint()), status


def _settings_endpoint() -> str | None:
    """The endpoint of a map's settings page (``/c/<name>/settings``), when the app has one."""
    return next((rule.endpoint for rule in current_app.url_map.iter_rules()
                 if rule.rule == "/c/<name>/settings" and "GET" in (rule.methods or ())), None)


@bp.get("/c/<name>/colleagues")
@manages_colleagues
def colleagues(name: str) -> ResponseReturnValue:
    return _colleagues_page(name)


@bp.post("/c/<name>/colleagues/invite")
@manages_colleagues
def invite(name: str) -> ResponseReturnValue:
    form = InviteForm()
    if not form.validate_on_submit():
        notify("Nobody was invited: see what is wrong next to the fields.", "error")
        return _colleagues_page(name, invite_form=form, status=400)
    email = (form.email.data or "").strip()
    if email.casefold() in {e.casefold() for e in accounts().grants_in(name)}:
        form.email.errors = [*form.email.errors, f"{email} already works on this map; change "
                             "their role below."]
        return _colleagues_page(name, invite_form=form, status=400)
    try:
        secret = accounts().invite(email, name, form.role.data or "viewer", _caller().email,
                                   hours=invitation_hours())
    except MovemapError as exc:
        form.email.errors = [*form.email.errors, str(exc)[0].upper() + str(exc)[1:] + "."]
        return _colleagues_page(name, invite_form=form, status=400)
    link = url_for("admin.accept", secret=secret, _external=True)
    return _colleagues_page(name, link=link, status=201)


@bp.post("/c/<name>/invitations/<int(max=9223372036854775807):invitation_id>/withdraw")
@manages_colleagues
def withdraw(name: str, invitation_id: int) -> ResponseReturnValue:
    form = ColleagueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts().withdraw_invitation(invitation_id, name)
    except NotFound:  # used, expired or withdrawn a moment ago (a second click)
        notify("That invitation is no longer waiting: it was used, withdrawn or has expired.",
               "info")
    else:
        notify("The invitation is withdrawn: its link no longer works.", "success")
    return redirect(url_for("admin.colleagues", name=name))


@bp.post("/c/<name>/colleagues/role")
@manages_colleagues
def change_role(name: str) -> ResponseReturnValue:
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, "Choose a role: viewer, editor or owner.")
    email = _colleague(name, form.email.data or "")
    role = form.role.data or "viewer"
    try:
        check_role_change(accounts(), name, email, role)
    except Refused as exc:
        notify(f"Nothing changed: {exc}.", "error")
        return redirect(url_for("admin.colleagues", name=name))
    accounts().grant(email, name, role)
    notify(f"{email} is now {role} of {name}.", "success")
    return _after_change(name, email)


def _after_change(name: str, email: str) -> ResponseReturnValue:
    """Back to the colleagues page, or, for someone who just gave up managing them, to the map
    (or to their maps when they left it)."""
    caller = _caller()
    if email.casefold() != caller.email.casefold() or caller.admin:
        return redirect(url_for("admin.colleagues", name=name))
    role = accounts().role_for(caller.email, name)
    if role == "owner":
        return redirect(url_for("admin.colleagues", name=name))
    return redirect(url_for("pages.overview", name=name) if role else url_for("pages.home"))


@bp.post("/c/<name>/colleagues/remove")
@manages_colleagues
def remove_colleague(name: str) -> ResponseReturnValue:
    form = ColleagueForm()
    if not form.validate_on_submit():
        abort(400)
    email = _colleague(name, form.email.data or "")
    try:
        check_role_change(accounts(), name, email, None)
    except Refused as exc:
        notify(f"Nothing changed: {exc}.", "error")
        return redirect(url_for("admin.colleagues", name=name))
    accounts().revoke(email, name)
    notify(f"{email} no longer works on {name}.", "success")
    return _after_change(name, email)


def _colleague(name: str, email: str) -> str:
    """The email as the map's roles spell it; 404 for someone with no role in the map."""
    found = {e.casefold(): e for e in accounts().grants_in(name)}
    if email.strip().casefold() not in found:
        abort(404, f"{email} has no role in {name}.")
    return found[email.strip().casefold()]


@bp.post("/c/<name>/rename")
@requires_role("owner")
def rename(name: str) -> ResponseReturnValue:
    form = RenameForm()
    if form.validate_on_submit():
        new_name = (form.new_name.data or "").strip()
        try:
            use_cases(_caller().email, "dashboard").rename_constituency(name, new_name)
        except InvalidChange as exc:
            form.new_name.errors = [*form.new_name.errors, str(exc)[0].upper() + str(exc)[1:]
                                    + "."]
        except ValueError as exc:
            form.new_name.errors = [*form.new_name.errors, _first_reason(exc)]
        else:
            accounts().rename_constituency(name, new_name)
            notify(f"The map {name} is now called {new_name}; its history and colleagues "
                   "came with it.", "success")
            return redirect(url_for("admin.colleagues", name=new_name))
    notify("The map was not renamed: see what is wrong next to the field.", "error")
    return _colleagues_page(name, rename_form=form, status=400)


@bp.route("/c/<name>/delete", methods=["GET", "POST"])
@requires_role("owner")
def delete_map(name: str) -> ResponseReturnValue:
    """Delete a map with everyone in it and its whole history, once its name is typed."""
    if not _exists(name):
        abort(404, f"There is no constituency called {name!r}.")
    form = DeleteMapForm()
    if form.validate_on_submit():
        if (form.confirm_name.data or "").strip() != name:
            form.confirm_name.errors = [*form.confirm_name.errors,
                                        f"That is not the map's name; type {name} exactly."]
        else:
            use_cases(_caller().email, "dashboard").delete_constituency(name)
            accounts().forget_constituency(name)
            notify(f"The map {name} is deleted, with its history and everyone's roles in it.",
                   "success")
            return redirect(url_for("pages.home"))
    summary = next((s for s in get_store().list_constituencies() if s.name == name), None)
    status = 400 if request.method == "POST" else 200
    return render_template("map_delete.html", name=name, form=form, summary=summary,
                           active="colleagues", as_of=None), status


# -- accepting an invitation (no account needed yet) -------------------------------------------


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
@public
def accept(secret: str) -> ResponseReturnValue:
    """Set a password (or give one's own) and join the map the link invites to."""
    address = request.remote_addr or "unknown"
    wait = _throttle().retry_after("bad_token", address)
    if wait is not None:
        abort(429, "Too many links that do not work from this address; try again later.")
    store = accounts()
    invitation = store.invitation(secret) if len(secret) <= 100 else None
    if invitation is None:
        _throttle().failed("bad_token", address)
        return render_template("error.html", status=404, message=(
            "This invitation link does not work: it was used already, withdrawn, or it "
            "expired. Ask whoever invited you for a new one.")), 404
    has_account = store.has_account(invitation.email)
    form = AcceptForm()
    if form.validate_on_submit():
        password = form.password.data or ""
        key = invitation.email.lower()
        if _throttle().retry_after("sign_in_account", key) or _throttle().retry_after(
                "sign_in_address", address):
            abort(429, "Too many failed sign-ins; try again later.")
        # one answer whether or not the email has an account, so the page tells nobody
        # (an owner inviting any address, say) which emails have one
        if not has_account and (len(password) < MIN_PASSWORD_LENGTH
                                or password != (form.confirm.data or "")):
            form.password.errors = [*form.password.errors, _NOT_JOINED]
        else:
            try:
                account = store.accept_invitation(secret, password)
            except InvitationEnded as exc:
                return render_template("error.html", status=404, message=str(exc)), 404
            if account is not None:
                login_user(SessionUser(account, store.start_session(account.id)))
                notify(f"Welcome: you are {invitation.role} of {invitation.constituency}.",
                       "success")
                return redirect(url_for("pages.overview", name=invitation.constituency))
            if has_account:  # counted as a failed sign-in, as on the sign-in page
                _throttle().failed("sign_in_account", key)
                _throttle().failed("sign_in_address", address)
                form.password.errors = [*form.password.errors, _NOT_JOINED]
            else:
                abort(409, "This invitation link was used a moment ago, or an account of its "
                           "email was made meanwhile: open the link again.")
    status = 400 if request.method == "POST" else 200
    return render_template("invitation.html", invitation=invitation, form=form,
                           min_length=MIN_PASSWORD_LENGTH), status
