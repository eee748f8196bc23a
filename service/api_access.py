"""The API's access calls: a map's roles, accounts and their rights, API tokens.

The same operations as ``movemap grant``/``revoke``, ``movemap user disable|enable|remove|
rights`` and ``movemap token list|revoke``, for owners of a map (its roles) and administrators
(everything); who may do what is ``service.access``. Every change takes effect at the next
request of the account concerned: roles are read per request, and disabling or removing an
account ends its sessions and tokens at once.

Example:
    $ curl -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
          -d '{"role": "viewer"}' \\
          http://localhost:8000/api/v1/constituencies/demo/roles/colleague@example.org
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app
from flask.typing import ResponseReturnValue

from graph.errors import NotFound
from service.access import (
    Refused,
    check_account_change,
    check_may_manage_roles,
    check_role_change,
    visible_account,
)
from service.accounts import AccountInfo, TokenInfo, User
from service.api import (
    ApiError,
    _json,
    _no_content,
    _query,
    _store,
    bp,
    json_object,
    validated,
)
from service.api_requests import AccountChanges, RoleChange, TokensQuery
from service.auth import accounts, current_account
from service.config import Settings

__all__ = ["manages_roles"]

F = TypeVar("F", bound=Callable[..., Any])


@bp.errorhandler(Refused)
def _refused(error: Refused) -> ResponseReturnValue:
    problems = None if error.limit is None else [{"field": error.limit, "reason": str(error)}]
    return ApiError(error.status, str(error), problems,
                    error="over_limit" if error.limit else None).response()


def _caller() -> User:
    account = current_account()
    assert account is not None  # the gate lets nobody else in
    return account


def settings() -> Settings:
    return cast(Settings, current_app.extensions["movemap.settings"])


def manages_roles(view: F) -> F:
    """The caller is an owner of the map ``name`` or an administrator (the map must exist)."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        name = str(kwargs["name"])
        check_may_manage_roles(_caller(), name)
        _store().get_constituency(name)  # an administrator asking for a map that is not there
        return view(*args, **kwargs)

    wrapper._movemap_role = "owner"  # type: ignore[attr-defined]  # or an administrator
    return cast(F, wrapper)


# -- a map's roles ---------------------------------------------------------------------------


@bp.get("/constituencies/<name>/roles")
@manages_roles
def list_roles(name: str) -> ResponseReturnValue:
    """Who has which role in the map, by email."""
    items = [{"email": email, "role": role}
             for email, role in accounts().grants_in(name).items()]
    return _json({"constituency": name, "items": items, "total": len(items)})


@bp.put("/constituencies/<name>/roles/<email>")
@manages_roles
def set_role(name: str, email: str) -> ResponseReturnValue:
    """Give ``email`` a role in the map (replacing the one they had)."""
    change = validated(RoleChange, json_object())
    store = accounts()
    try:
        target = store.user_by_email(email)
    except NotFound:
        raise ApiError(404, f"no account {email!r}; an administrator adds accounts "
                       "(movemap user add)") from None
    check_role_change(store, name, target.email, change.role)
    store.grant(target.email, name, change.role)
    return _json({"email": target.email, "role": change.role})


@bp.delete("/constituencies/<name>/roles/<email>")
@manages_roles
def revoke_role(name: str, email: str) -> ResponseReturnValue:
    """Take away ``email``'s role in the map, from their next request on."""
    store = accounts()
    grants = {e.casefold(): e for e in store.grants_in(name)}
    if email.casefold() not in grants:
        raise ApiError(404, f"{email} has no role in {name}")
    check_role_change(store, name, grants[email.casefold()], None)
    store.revoke(grants[email.casefold()], name)
    return _no_content()


# -- accounts --------------------------------------------------------------------------------


def _account_json(info: AccountInfo, roles: dict[str, str] | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {"email": info.email, "created": info.created,
                             "disabled": info.disabled, "admin": info.admin,
                             "may_create_maps": info.may_create, "owns": info.owns}
    if roles is not None:
        shown["roles"] = roles
    return shown


def _infos(caller: User) -> list[AccountInfo]:
    """The accounts the caller may know of (``service.access.visible_account``)."""
    found = []
    for info in accounts().accounts():
        try:
            visible_account(caller, accounts(), info.email)
        except Refused:
            continue
        found.append(info)
    return found


@bp.get("/accounts")
def list_accounts() -> ResponseReturnValue:
    """Every account to an administrator; to anyone else, themselves and the people with a
    role in the maps they own."""
    items = [_account_json(info) for info in _infos(_caller())]
    return _json({"items": items, "total": len(items)})


def _info(email: str) -> AccountInfo:
    wanted = email.casefold()
    return next(i for i in accounts().accounts() if i.email.casefold() == wanted)


@bp.get("/accounts/<email>")
def get_account(email: str) -> ResponseReturnValue:
    """One account with its rights and roles (roles only in the maps the caller owns, unless
    the caller is an administrator or the account itself)."""
    caller = _caller()
    target = visible_account(caller, accounts(), email)
    roles = dict(target.roles)
    if not (caller.admin or caller.id == target.id):
        roles = {n: r for n, r in roles.items() if caller.role_in(n) == "owner"}
    return _json(_account_json(_info(target.email), roles))


@bp.patch("/accounts/<email>")
def update_account(email: str) -> ResponseReturnValue:
    """Disable or enable an account, make it an administrator, or let it create maps."""
    change = validated(AccountChanges, json_object())
    store = accounts()
    target = check_account_change(_caller(), store, email, disabled=change.disabled,
                                  admin=change.admin, may_create=change.may_create_maps)
    if change.disabled is not None:
        store.set_disabled(target.email, change.disabled)
    store.set_rights(target.email, admin=change.admin, may_create=change.may_create_maps)
    updated = store.user_by_email(target.email)
    return _json(_account_json(_info(updated.email), dict(updated.roles)))


@bp.delete("/accounts/<email>")
def remove_account(email: str) -> ResponseReturnValue:
    """Remove an account with its roles, sessions and tokens (administrators only)."""
    store = accounts()
    target = check_account_change(_caller(), store, email, remove=True)
    store.delete_user(target.email)
    return _no_content()


# -- API tokens ------------------------------------------------------------------------------


def _token_json(token: TokenInfo) -> dict[str, Any]:
    return {"id": token.id, "email": token.email, "created": token.created,
            "expires": token.expires, "last_used": token.last_used}


@bp.get("/tokens")
def list_tokens() -> ResponseReturnValue:
    """The caller's API tokens (an administrator: everyone's, or ``email``'s); never the
    tokens themselves."""
    caller = _caller()
    wanted = _query(TokensQuery).email
    if not caller.admin:
        if wanted is not None and wanted.casefold() != caller.email.casefold():
            raise ApiError(403, "only an administrator sees another account's tokens")
        wanted = caller.email
    found = accounts().tokens(wanted) if wanted is None or _known(wanted) else []
    items = [_token_json(t) for t in found]
    return _json({"items": items, "total": len(items)})


def _known(email: str) -> bool:
    return accounts().has_account(email)


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke a token at once: the caller's own, or any (administrators)."""
    caller = _caller()
    token = next((t for t in accounts().tokens(None if caller.admin else caller.email)
                  if t.id == token_id), None)
    if token is None:
        raise ApiError(404, f"no token {token_id} of yours")
    accounts().revoke_token(token_id)
    return _no_content()
