"""Commands for the web service: accounts, roles, API tokens and ``movemap serve``.

Registered on the ``movemap`` group by ``service.cli``; kept apart so the map commands and the
account commands each stay small.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.demo_limits import DEMO_NAME
from graph.errors import MovemapError, NotFound
from graph.limits import whole_setting
from service.accounts import ROLES, TOKEN_DAYS, AccountStore, accounts_path_from_url
from service.cli import _name_argument, _state, main, make_demo
from service.config import Settings, accounts_url_from_env
from service.terminal import echo

if TYPE_CHECKING:  # imported by the commands that use them: the others start without them
    from service.pictures import PictureFolder

__all__ = ["DEMO_EMAIL"]

DEMO_EMAIL = "demo@movemap.example"


def _accounts() -> AccountStore:
    return AccountStore(accounts_path_from_url(accounts_url_from_env()))


def _accounts_here() -> str | None:
    """The accounts file the commands use, or ``None`` when there is none here (none is made
    for a command line used without the web service)."""
    path = accounts_path_from_url(accounts_url_from_env())
    return None if path == ":memory:" or not Path(path).exists() else path


def pictures_here() -> PictureFolder | None:
    """The picture folder beside the accounts file the commands use (``None`` without one),
    so a contribution withdrawn or a map deleted from the command line takes its pictures."""
    from service.links import links_path_for
    from service.pictures import PictureFolder, pictures_path_for

    path = _accounts_here()
    return None if path is None else PictureFolder(pictures_path_for(links_path_for(path)))


def forget_roles(constituency: str) -> str | None:
    """Take away every role, invitation and private link of a deleted map; returns the
    accounts file it changed, or ``None`` when there is none here (a command line used without
    the web service has none, and none is made for it). A map made later under the same name
    starts with no roles either way: the dashboard and the API clear them when they make it."""
    from service.links import LinkStore, links_path_for

    path = _accounts_here()
    if path is None:
        return None
    accounts = AccountStore(path)
    links = LinkStore(links_path_for(path))
    accounts.followers.append(links)  # its private links go too
    try:
        accounts.forget_constituency(constituency)
    finally:
        accounts.close()
        links.close()
    return path


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise MovemapError("no password on standard input")
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@main.group("user")
def user_group() -> None:
    """Accounts that can sign in to the dashboard and the API."""


_PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.")


_ADMIN = click.option("--admin/--no-admin", default=None,
                      help="An administrator manages every account and every map's roles "
                           "(through the API), not the maps' data.")
_CREATE_MAPS = click.option("--create-maps/--no-create-maps", default=None,
                            help="May create maps of their own (MOVEMAP_WHO_MAY_CREATE=granted, "
                                 "the default, lets only such accounts).")


@user_group.command("add")
@click.argument("email")
@_PASSWORD_STDIN
@_ADMIN
@_CREATE_MAPS
def user_add(email: str, password_stdin: bool, admin: bool | None,
             create_maps: bool | None) -> None:
    """Add an account (the password is asked for, never given as an argument)."""
    password = _read_password(password_stdin)

    def change(accounts: AccountStore) -> None:
        accounts.add_user(email, password)
        accounts.set_rights(email, admin=admin, may_create=create_maps)

    _account_change(email, change, f"Added {email}. Give them a role with: movemap grant "
                    f"{email} CONSTITUENCY viewer")


@user_group.command("rights")
@click.argument("email")
@_ADMIN
@_CREATE_MAPS
def user_rights(email: str, admin: bool | None, create_maps: bool | None) -> None:
    """Make EMAIL an administrator (or not) and let them create maps (or not)."""
    accounts = _accounts()
    try:
        accounts.set_rights(email, admin=admin, may_create=create_maps)
        user = accounts.user_by_email(email)
    finally:
        accounts.close()
    echo(f"{email}: {_rights(user.admin, user.may_create)}.")


def _rights(admin: bool, may_create: bool) -> str:
    return ", ".join([*(["administrator"] if admin else []),
                      "may create maps" if may_create or admin else "may not create maps"])


@user_group.command("list")
def user_list() -> None:
    """The accounts, their rights and their roles."""
    accounts = _accounts()
    try:
        for info in accounts.accounts():
            user = accounts.user_by_email(info.email)
            shown = ", ".join(f"{name} ({role})" for name, role in sorted(user.roles.items()))
            state = "  DISABLED" if info.disabled else ""
            echo(f"{info.email}  {shown or 'no constituencies'}  "
                 f"[{_rights(info.admin, info.may_create)}]{state}")
    finally:
        accounts.close()


def _account_change(email: str, change: Callable[[AccountStore], None], said: str) -> None:
    accounts = _accounts()
    try:
        change(accounts)
    finally:
        accounts.close()
    echo(said)


@user_group.command("disable")
@click.argument("email")
def user_disable(email: str) -> None:
    """Stop EMAIL signing in; their open sessions and API tokens end at once."""
    _account_change(email, lambda a: a.set_disabled(email, True),
                    f"{email} is disabled: signed out everywhere, every token revoked.")


@user_group.command("enable")
@click.argument("email")
def user_enable(email: str) -> None:
    """Let a disabled EMAIL sign in again (their old tokens stay revoked)."""
    _account_change(email, lambda a: a.set_disabled(email, False),
                    f"{email} may sign in again.")


@user_group.command("remove")
@click.argument("email")
def user_remove(email: str) -> None:
    """Remove EMAIL with their roles, sessions and tokens."""
    _account_change(email, lambda a: a.delete_user(email), f"{email} is removed.")


@user_group.command("passwd")
@click.argument("email")
@_PASSWORD_STDIN
def user_passwd(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL; their sessions and API tokens end at once."""
    password = _read_password(password_stdin)
    _account_change(email, lambda a: a.set_password(email, password),
                    f"The password of {email} is changed: signed out everywhere, every "
                    "token revoked.")


@main.command("revoke")
@click.argument("email")
@click.argument("constituency", callback=_name_argument)
def revoke_command(email: str, constituency: str) -> None:
    """Take away EMAIL's role in CONSTITUENCY, from their next request on."""
    def change(accounts: AccountStore) -> None:
        if accounts.role_for(email, constituency) is None:
            accounts.user_by_email(email)  # NotFound for an unknown email
            raise MovemapError(f"{email} has no role in {constituency}")
        accounts.revoke(email, constituency)

    _account_change(email, change, f"{email} has no role in {constituency} any more.")


@main.command("grant")
@click.argument("email")
@click.argument("constituency", callback=_name_argument)
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
def grant_command(ctx: click.Context, email: str, constituency: str, role: str) -> None:
    """Give EMAIL a ROLE (owner, editor or viewer) in CONSTITUENCY."""
    _state(ctx).store().get_constituency(constituency)  # NotFound: a plain message
    accounts = _accounts()
    try:
        accounts.grant(email, constituency, role)
    finally:
        accounts.close()
    echo(f"{email} is now {role} of {constituency}.")


@main.group("token")
def token_group() -> None:
    """API tokens for scripts (sent as 'Authorization: Bearer TOKEN')."""


@token_group.command("create")
@click.argument("email")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="How long it lasts (default: MOVEMAP_TOKEN_DAYS, else 90).")
def token_create(email: str, days: int | None) -> None:
    """Create an API token for EMAIL and print only the token (it is not shown again)."""
    accounts = _accounts()
    try:
        echo(accounts.create_token(email, days or _token_days()))
    finally:
        accounts.close()


def _token_days() -> int:
    try:
        return whole_setting("MOVEMAP_TOKEN_DAYS", TOKEN_DAYS)
    except ValueError as exc:
        raise MovemapError(str(exc)) from None


@token_group.command("list")
@click.argument("email", required=False)
def token_list(email: str | None) -> None:
    """The API tokens (of EMAIL): id, account, created, expires, last used; never the token."""
    accounts = _accounts()
    try:
        found = accounts.tokens(email)
    finally:
        accounts.close()
    if not found:
        echo("No tokens.")
    for t in found:
        echo(f"{t.id:>5}  {t.email}  created {t.created}  expires {t.expires or 'expired'}  "
             f"last used {t.last_used or 'never'}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID (see 'movemap token list'); it stops working at once."""
    accounts = _accounts()
    try:
        accounts.revoke_token(token_id)
    finally:
        accounts.close()
    echo(f"Token {token_id} is revoked.")


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel before the first page needs it."""
    import numpy as np

    from graph.analysis import AnalysisOptions, analyse
    from graph.compact import CompactGraph
    from graph.demo import MIN_SIZE, demo_constituency
    from graph.stores.arrays import key_positions

    _, people, relationships = demo_constituency(size=MIN_SIZE)
    graph = CompactGraph.from_records("warm-up", people, relationships)
    for hops in (1, 2):  # one hop and several take different kernels
        analyse(graph, AnalysisOptions(hops=hops))
    key_positions(np.array([1, 1 << 40], dtype=np.int64))(np.array([1], dtype=np.int64))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port_free(host: str, port: int) -> None:
    """``MovemapError`` saying which option to use when ``host:port`` cannot be listened on
    (most often: something listens there already), with a port that is free to suggest."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise MovemapError(f"cannot listen on {host!r}: {exc.strerror}; give another address "
                           "with --host") from None
    family, kind, proto, _name, address = found[0]
    error = _bind_error(family, kind, proto, address)
    if error is None:
        return
    free = next((p for p in range(port + 1, min(port + 50, 65535) + 1)
                 if _bind_error(family, kind, proto, (address[0], p, *address[2:])) is None),
                None)
    other = f", e.g. --port {free}" if free else ""
    if error.errno == errno.EADDRINUSE:
        raise MovemapError(f"port {port} on {host} is in use (another movemap or another "
                           f"program listens there); pick another with --port{other}")
    raise MovemapError(f"cannot listen on {host} port {port}: {error.strerror}; pick another "
                       f"with --port{other}")


def _bind_error(family: int, kind: int, proto: int, address: tuple[object, ...]
                ) -> OSError | None:
    """Why a server could not listen at ``address``, or ``None``. Bound the way the server
    binds (address reuse on), so a port a stopped server left in TIME_WAIT counts as free."""
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc
    return None


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface; put HTTPS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--demo", is_flag=True,
              help="Create the demo constituency if missing and a demo account, then serve.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int, demo: bool) -> None:
    """Run the dashboard and the API with a production WSGI server (waitress)."""
    _check_port_free(host, port)  # before anything is opened, made or changed
    import waitress

    from service import create_app

    state = _state(ctx)
    overrides: dict[str, object] = {"store_url": state.store_url}
    if "MOVEMAP_COOKIE_SECURE" not in os.environ and _is_loopback(host):
        overrides["cookie_secure"] = False  # plain http on this machine only
    # a store that cannot be opened (server down, wrong password, missing folder) stops the
    # server here with its message, not at the first page someone asks for
    with state.step("Opening the store"):
        state.store().list_constituencies()
    password = None
    if demo:
        try:
            state.store().get_constituency(DEMO_NAME)
        except NotFound:
            echo(make_demo(state, DEMO_NAME, seed=7, size=800, replace=False))
        password = secrets.token_urlsafe(12)
        accounts = _accounts()
        try:
            if DEMO_EMAIL in accounts.emails():
                accounts.set_password(DEMO_EMAIL, password)
            else:
                accounts.add_user(DEMO_EMAIL, password)
            accounts.grant(DEMO_EMAIL, DEMO_NAME, "owner")
            accounts.set_rights(DEMO_EMAIL, may_create=True)  # to try making a map
        finally:
            accounts.close()
    with state.step("Preparing the analysis engine (compiled on first run, then cached)"):
        warm_up()
    app = create_app(Settings.from_env(**overrides))
    shown_host = "localhost" if host in {"127.0.0.1", "::1"} else host
    echo(f"movemap is running at http://{shown_host}:{port}/  (Ctrl+C to stop)")
    if password:
        echo(f"Sign in as {DEMO_EMAIL} with the password {password}")
    sys.stdout.flush()
    waitress.serve(app, host=host, port=port, threads=threads, ident="movemap")
