"""Commands for a map's events: ``movemap events``, ``movemap event add|delete``.

Registered on the ``movemap`` group by ``service.cli``. Each change is one change set of the
map's history, through the use cases (``UseCases.add_event``, ``delete_event``), so
``movemap history`` shows it and ``movemap undo`` reverses it.

Example:
    $ movemap event add demo --date 2025-09-29 --name "Community workshop" \\
          --person p0012 --person p0140
    $ movemap events demo
"""

from __future__ import annotations

import json
from datetime import date

import click

from graph.errors import MovemapError
from service.cli import _IsoDate, _name_argument, _quote, _state, main
from service.terminal import echo

__all__: list[str] = []

_OPTION_OF = {"date": "--date", "name": "--name", "description": "--description",
              "kind": "--kind", "people": "--person"}


@main.command("events")
@click.argument("name", callback=_name_argument)
@click.option("--json", "as_json", is_flag=True,
              help="Print the events as JSON, each with its id and effects.")
@click.pass_context
def events_command(ctx: click.Context, name: str, as_json: bool) -> None:
    """The events of NAME, oldest first, each with what went with it: joiners and people
    moving up in the days before and after (the map's event window)."""
    from graph.usecases import events_with_effects

    found = events_with_effects(_state(ctx).store(), name, date.today())
    if as_json:
        echo(json.dumps([e.with_effects(f) for e, f in found], indent=2, ensure_ascii=False))
        return
    if not found:
        echo(f"{name} has no events yet; add one with "
             f"'movemap event add {_quote(name)} --date YYYY-MM-DD --name NAME'.")
        return
    for event, effects in found:
        e = event.event
        echo(f"{e.date.isoformat()}  {e.name}" + (f" ({e.kind})" if e.kind else "")
             + f"  [{event.id}]")
        if e.people:
            echo(f"  {len(e.people):,} took part")
        for sentence in effects.to_dict()["sentences"]:
            echo(f"  {sentence}")
        echo("")


@main.group("event")
def event_group() -> None:
    """Add or remove an event of a map (each change undoable with 'movemap undo')."""


@event_group.command("add")
@click.argument("name", callback=_name_argument)
@click.option("--date", "day", type=_IsoDate(), required=True, help="The day it happened.")
@click.option("--name", "event_name", required=True,
              help="What it was called (at most 200 characters).")
@click.option("--kind", default="", help="e.g. workshop, listening campaign, launch.")
@click.option("--description", default="", help="What happened, in a few lines.")
@click.option("--person", "people", multiple=True, metavar="ID",
              help="Someone who took part (repeat for each).")
@click.pass_context
def event_add(ctx: click.Context, name: str, day: date, event_name: str, kind: str,
              description: str, people: tuple[str, ...]) -> None:
    """Record an event of NAME: what the movement did and who took part."""
    from pydantic import ValidationError

    from graph.events import Event

    try:
        event = Event(date=day, name=event_name, kind=kind, description=description,
                      people=people)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_OPTION_OF.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'event'}: "
            + str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise MovemapError(f"the event was not added: {problems}") from None
    state = _state(ctx)
    added, saved = state.cases().add_event(name, event)
    echo(f"Added the event {added.id!r} to {name!r} as change set {saved.change_set} "
         f"(undo it with {state.hint(f'undo {_quote(name)} {saved.change_set}')}).")


@event_group.command("delete")
@click.argument("name", callback=_name_argument)
@click.argument("event_id", metavar="ID")
@click.pass_context
def event_delete(ctx: click.Context, name: str, event_id: str) -> None:
    """Remove event ID from NAME ('movemap events NAME' lists the ids)."""
    state = _state(ctx)
    saved = state.cases().delete_event(name, event_id)
    echo(f"Removed the event {event_id!r} from {name!r} as change set {saved.change_set} "
         f"(undo it with {state.hint(f'undo {_quote(name)} {saved.change_set}')}).")
