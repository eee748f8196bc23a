"""Commands for private links: ``movemap purpose invite`` and ``movemap purpose links``.

Registered on ``movemap purpose`` (``service.cli_purpose.purpose_group``) beside the other
purpose commands. The links live in the file beside the accounts file
(``MOVEMAP_ACCOUNTS``), the same one the web service uses; the CSV written by ``invite`` is the
only place the links are shown, so it is written readable by its owner alone.

Example:
    $ movemap purpose invite demo r1 --group people --expires-days 14 -o links.csv \\
          --base-url https://movemap.example.org
    $ movemap purpose links demo r1 --revoke 12
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.codes import Group
from graph.errors import MovemapError
from service.cli import _login, _name_argument, _state
from service.cli_purpose import purpose_group
from service.terminal import echo

if TYPE_CHECKING:
    from service.links import LinkStore

__all__: list[str] = []

KIND = "purpose_round"
DEFAULT_BASE_URL = "http://localhost:8000"


# The links, accounts and pictures modules are imported by the commands that use them, so the
# other commands start without them (and the validation library they load).
MAX_LINK_DAYS = 90
"""The most days a link may last (``service.links.MAX_LINK_DAYS``; a test keeps them equal)."""


def _links() -> LinkStore:
    from service.accounts import accounts_path_from_url
    from service.config import accounts_url_from_env
    from service.links import LinkStore, links_path_for

    path = accounts_path_from_url(accounts_url_from_env())
    if path == ":memory:":
        raise MovemapError("private links need an accounts file (MOVEMAP_ACCOUNTS), not one "
                           "in memory")
    return LinkStore(links_path_for(path))


def _round_argument(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from service.links import check_subject

    check_subject(KIND, value)
    return value




@purpose_group.command("invite")
@click.argument("name", callback=_name_argument)
@click.argument("round_id", metavar="ROUND", callback=_round_argument)
@click.option("--group", type=click.Choice([g.value for g in Group]),
              help="Everyone whose primary group this is.")
@click.option("--segment", help="Everyone who holds this segment.")
@click.option("--person", "people", multiple=True, metavar="ID",
              help="Someone picked by id or exact name (repeat for each).")
@click.option("--expires-days", type=click.IntRange(1, MAX_LINK_DAYS), default=None,
              help="Days the links work.  [default: MOVEMAP_LINK_DAYS, else 30]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              required=True, help="Where to write the CSV of the links (mode 0600).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="The address of the movemap the links open.")
@click.pass_context
def invite_command(ctx: click.Context, name: str, round_id: str, group: str | None,
                   segment: str | None, people: tuple[str, ...], expires_days: int | None,
                   output: str, base_url: str) -> None:
    """Give each chosen person of NAME a private link to purpose round ROUND, and write the
    links as a CSV for a mail merge (the only time they are shown). Inviting someone again
    replaces their old link."""
    from graph.stores.private import private_file
    from service.links import invite_from_map, links_csv

    if not base_url.startswith(("http://", "https://")):
        raise MovemapError(f"--base-url: {base_url!r} is not an http:// or https:// address")
    store = _state(ctx).store()
    links = _links()
    try:
        issued, chosen = invite_from_map(
            links, store.iter_people(name), KIND, name, round_id,
            invited_by=f"cli:{_login()}", group=group, segment=segment, picked=people,
            days=expires_days)
    finally:
        links.close()
    target = Path(output)
    if target.exists():
        os.chmod(target, 0o600)
    private_file(target)
    target.write_text(links_csv(issued, chosen, base_url), encoding="utf-8")
    replaced = sum(1 for i in issued if i.replaced)
    echo(f"Wrote {len(issued):,} links to round {round_id} of {name!r} to {output}"
         + (f"; {replaced:,} replaced older links of the same people, which no longer work"
            if replaced else "") + ".")
    if base_url == DEFAULT_BASE_URL:
        echo(f"The links start with {DEFAULT_BASE_URL}; give --base-url for a server others "
             "can reach.")


@purpose_group.command("links")
@click.argument("name", callback=_name_argument)
@click.argument("round_id", metavar="ROUND", callback=_round_argument)
@click.option("--revoke", "revoke_id", type=click.IntRange(1), metavar="ID",
              help="Revoke the link ID at once.")
@click.option("--revoke-all", is_flag=True, help="Revoke every working link of the round.")
@click.pass_context
def links_command(ctx: click.Context, name: str, round_id: str, revoke_id: int | None,
                  revoke_all: bool) -> None:
    """The private links of round ROUND of NAME (never the links themselves), or revoke."""
    if revoke_id is not None and revoke_all:
        raise MovemapError("--revoke and --revoke-all: give one of them")
    _state(ctx).store().get_constituency(name)
    links = _links()
    try:
        if revoke_id is not None:
            link = links.revoke(revoke_id, name)
            echo(f"Revoked link {link.id} (person {link.person_id}): it no longer works.")
            return
        if revoke_all:
            echo(f"Revoked {links.revoke_all(KIND, name, round_id):,} links of round "
                 f"{round_id}.")
            return
        found = links.links(KIND, name, round_id)
        now = links.clock()
    finally:
        links.close()
    if not found:
        echo(f"Round {round_id} of {name!r} has no links; make them with 'movemap purpose "
             f"invite'.")
        return
    echo(f"{'id':>6}  {'person':<20} {'created':<17} {'expires':<17} {'uses':>5}  state")
    for link in found:
        state = "revoked" if link.revoked else "works" if link.works_at(now) else "expired"
        echo(f"{link.id:>6}  {link.person_id[:20]:<20} {link.created[:16]:<17} "
             f"{link.expires[:16]:<17} {link.uses:>5}  {state}")
