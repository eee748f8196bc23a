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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.errors import MovemapError
from service.cli import _IsoDate, _name_argument, _quote, _state, main
from service.terminal import echo

if TYPE_CHECKING:
    from graph.purpose.board import Board

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


def _board(ctx: click.Context, name: str) -> Board:
    """The board of NAME, from the map as it stands and its analysis with its settings."""
    from graph.analysis import analyse
    from graph.usecases import map_settings

    state = _state(ctx)
    store = state.store()
    graph = store.load_graph(name)
    gaps = analyse(graph, map_settings(store, name).options()).gaps
    return state.cases().purpose.board(name, graph, gaps)


def _text_board(board: Board) -> list[str]:
    data = board.to_dict()
    lines = [f"Our shared purpose: {board.name}", "", "OUR (who are our people)"]
    lines += [f"  {g['people']:,} {g['label']}" for g in data["our"]["groups"]]
    lines += [f"  {m['kind'].replace('_', ' ')}: {m['subject'].replace('_', ' ')}"
              for m in data["our"]["missing_voices"][:10]]
    lines += [f"  we have left out: {c['text']}  [{c['id']}]" for c in data["our"]["left_out"]]
    lines += ["", "SHARED (what unites us)"]
    for kind in ("story", "value", "commonality", "difference"):
        lines += [f"  {kind}: {c['text']}  [{c['id']}]" for c in data["shared"][kind]]
    lines += [f"  theme ({t['mark']}): {t['title']}" for t in data["shared"]["themes"]]
    lines += ["", "PURPOSE (why we act)"]
    current = data["purpose"]["current"]
    lines.append(f"  current [{current['id']}]: {current['purpose']}" if current
                 else "  no good-enough statement yet")
    lines += [f"  {c['text']}  [{c['id']}]" for c in data["purpose"]["contributions"]]
    lines += [f"  aim: {a['what']}" + (f" by {a['by_when']}" if a["by_when"] else "")
              for a in data["purpose"]["aims"]]
    lines += ["", "WARNINGS"] + ([f"  {w.kind}: {w.message}" for w in board.warnings]
                                 or ["  none"])
    lines += ["", "QUESTIONS"] + [f"  {q.question} ({q.status.replace('_', ' ')}) {q.answer}"
                                  for q in board.checklist]
    return lines


@purpose_group.command("show")
@click.argument("name", callback=_name_argument)
@click.option("--json", "as_json", is_flag=True, help="Print the whole board as JSON.")
@click.pass_context
def purpose_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """The board of NAME's shared purpose: our, shared and purpose, with its warnings and the
    reflection questions."""
    board = _board(ctx, name)
    if as_json:
        echo(json.dumps(board.to_dict(), indent=2, ensure_ascii=False))
        return
    echo("\n".join(_text_board(board)))


@purpose_group.command("round")
@click.argument("name", callback=_name_argument)
@click.argument("action", type=click.Choice(["open", "close"]))
@click.option("--title", help="open: what the round asks, e.g. 'Why does this matter to you?'")
@click.option("--opens", type=_IsoDate(), help="open: the day it opens (default today).")
@click.option("--closes", type=_IsoDate(), help="open: the day it is planned to close.")
@click.option("--id", "round_id", help="close: the round's id (e.g. r2).")
@click.pass_context
def purpose_round(ctx: click.Context, name: str, action: str, title: str | None,
                  opens: date | None, closes: date | None, round_id: str | None) -> None:
    """Open a round of contributions of NAME (--title), or close one (--id)."""
    from pydantic import ValidationError

    from graph.purpose.model import Round

    state = _state(ctx)
    cases = state.cases()
    if action == "open":
        if not title:
            raise click.UsageError("open needs --title")
        try:
            new = Round(title=title, opens=opens or cases.today, closes=closes)
        except ValidationError as exc:
            problems = "; ".join(f"--{e['loc'][0] if e['loc'] else 'title'}: "
                                 + str(e["msg"]).removeprefix("Value error, ")
                                 for e in exc.errors())
            raise MovemapError(f"the round was not opened: {problems}") from None
        found = cases.purpose.open_round(name, new)
        echo(f"Opened round {found} of {name!r}: {new.title}.")
        return
    if not round_id:
        raise click.UsageError("close needs --id (see 'movemap purpose show NAME --json')")
    change_set = cases.purpose.close_round(name, round_id)
    echo(f"Closed round {round_id} of {name!r}"
         + (f" as change set {change_set} (undo it with "
            f"{state.hint(f'undo {_quote(name)} {change_set}')})." if change_set
            else " (it was closed already)."))


@purpose_group.command("export")
@click.argument("name", callback=_name_argument)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True,
              help="csv: one row per group, missing voice and contribution; json: the board.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The file to write.")
@click.pass_context
def purpose_export(ctx: click.Context, name: str, fmt: str, output: Path) -> None:
    """Write NAME's purpose board to a file, as CSV or JSON."""
    from graph.purpose.board import board_csv

    board = _board(ctx, name)
    text = board_csv(board) if fmt == "csv" else json.dumps(board.to_dict(), indent=2,
                                                            ensure_ascii=False) + "\n"
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MovemapError(f"cannot write {output}: {exc.strerror or exc}") from None
    echo(f"Wrote the purpose board of {name!r} to {output} ({fmt}).")
