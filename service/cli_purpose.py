"""Commands for a map's shared purpose: ``movemap purpose check|show|round|export``.

Registered on the ``movemap`` group by ``service.cli``; other commands of the purpose (such as
private contribution links) register on ``purpose_group``. Every change goes through the use
cases (``UseCases.purpose``), so ``movemap history`` shows it and ``movemap undo`` reverses it.

Example:
    $ movemap purpose check "By 1 April we will transfer every patient within 24 hours"
    $ movemap purpose show demo
"""

from __future__ import annotations

import json

import click

from service.cli import main
from service.terminal import echo

__all__ = ["purpose_group"]


@main.group("purpose")
def purpose_group() -> None:
    """Our shared purpose: the board, its rounds, exports, and a check of its words."""


@purpose_group.command("check")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True,
              help="Print a list of {kind, message, evidence}.")
def purpose_check(text: str, as_json: bool) -> None:
    """Check TEXT, a purpose's words: does it read like an aim (dates, deadlines,
    percentages) or a service role ("we will provide…")? Needs no store."""
    from graph.purpose.warnings import check_text

    found = check_text(text)
    if as_json:
        echo(json.dumps([w.to_dict() for w in found], indent=2, ensure_ascii=False))
        return
    if not found:
        echo("No warning: it reads as a purpose (why we act), not an aim or a service role.")
        return
    for warning in found:
        echo(f"{warning.kind}: {warning.message}")
