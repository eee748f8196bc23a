"""Who may manage whom: the rules behind the access calls of the API (and, later, the pages).

- An **administrator** (``movemap user rights EMAIL --admin``) manages every account (disable,
  enable, remove, rights, tokens) and the roles of every map, but sees no map's data without a
  role in it.
- An **owner** of a map manages that map's roles, and may give the right to create maps to an
  account that holds a role in a map they own.
- Every account sees and revokes its own API tokens.
- Creating a map needs the right to (``MOVEMAP_WHO_MAY_CREATE=granted``, the default) unless
  the setting is ``everyone``; and nobody owns more than ``maps_per_account`` maps.
- A map always keeps an owner, and nobody disables, removes or demotes their own account
  through the API (so an administrator cannot lock everyone out by mistake).

Each rule raises ``Refused`` with the status it answers and a plain message; the API turns it
into its error answer. The functions read the accounts store and change nothing.
"""

from __future__ import annotations

from graph.errors import NotFound
from service.accounts import AccountStore, User
from service.config import Settings

__all__ = [
    "Refused",
    "check_account_change",
    "check_may_create",
    "check_role_change",
    "may_manage_roles",
    "visible_account",
]


class Refused(Exception):
    """The caller may not do this: ``status`` 403 (known, not allowed), 404 (not theirs to
    see), 409 (it would break a rule) or 422 (over a limit)."""

    def __init__(self, status: int, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.limit = limit


def may_manage_roles(caller: User, constituency: str) -> bool:
    return caller.admin or caller.role_in(constituency) == "owner"


def check_may_manage_roles(caller: User, constituency: str) -> None:
    """404 to an account with no role in the map (it is not theirs to know of), 403 to one
    whose role is not owner."""
    if may_manage_roles(caller, constituency):
        return
    if caller.role_in(constituency) is None:
        raise Refused(404, f"no constituency named {constituency!r}")
    raise Refused(403, f"only an owner of {constituency} or an administrator manages its roles")


def check_role_change(accounts: AccountStore, constituency: str, email: str,
                      role: str | None) -> None:
    """A map keeps at least one owner: ``role`` ``None`` (revoke) or weaker than owner may not
    take away its last one."""
    grants = accounts.grants_in(constituency)
    owners = [e for e, r in grants.items() if r == "owner"]
    current = next((r for e, r in grants.items() if e.casefold() == email.casefold()), None)
    if current == "owner" and role != "owner" and len(owners) == 1:
        raise Refused(409, f"{email} is the only owner of {constituency}; make someone else "
                           "owner first")


def check_may_create(caller: User, accounts: AccountStore, settings: Settings) -> None:
    if not (settings.who_may_create == "everyone" or caller.may_create or caller.admin):
        raise Refused(403, "your account may not create maps: ask an administrator, or the "
                           "owner of a map you work on, to give you the right")
    owned = sum(1 for role in caller.roles.values() if role == "owner")
    allowed = settings.limits.maps_per_account
    if owned >= allowed:
        raise Refused(422, f"an account owns at most {allowed:,} maps "
                           f"(MOVEMAP_LIMIT_MAPS_PER_ACCOUNT); you own {owned:,}",
                      limit="maps_per_account")


def visible_account(caller: User, accounts: AccountStore, email: str) -> User:
    """The account ``email`` as ``caller`` may know of it: any, to an administrator or to
    themselves; to an owner, one with a role in a map they own. Any other answers 404, the same
    for an account that does not exist, so nobody can probe which emails have accounts."""
    hidden = Refused(404, f"no account {email!r} among the people of your maps")
    try:
        target = accounts.user_by_email(email)
    except NotFound:
        raise hidden from None
    if caller.admin or target.id == caller.id:
        return target
    owned = {name for name, role in caller.roles.items() if role == "owner"}
    if not owned & set(target.roles):
        raise hidden
    return target


def check_account_change(caller: User, accounts: AccountStore, email: str, *,
                         disabled: bool | None = None, admin: bool | None = None,
                         may_create: bool | None = None, remove: bool = False) -> User:
    """Administrators change anything of other accounts; an owner may only give or take the
    right to create maps, of an account with a role in one of the maps they own. Returns the
    account to change."""
    target = visible_account(caller, accounts, email)
    if target.id == caller.id and (remove or disabled or admin is False):
        raise Refused(409, "you cannot remove, disable or demote your own account here; use "
                           "the command line (movemap user …)")
    if caller.admin:
        return target
    if remove or disabled is not None or admin is not None:
        raise Refused(403, "only an administrator disables, removes or makes administrators")
    if may_create is not None and target.id == caller.id and not caller.may_create:
        raise Refused(403, "only an administrator or an owner of a map you work on gives you "
                           "the right to create maps")
    return target
