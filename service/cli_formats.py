"""``movemap import`` and ``movemap export``: maps in and out, in the formats of ``graph.formats``.

Registered on the ``movemap`` group by ``service.cli``. The format of a file to import is
inferred from the file (``--format`` forces it); ``--dry-run`` lists what the import would do
and writes nothing. An export is written private to its owner.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from graph.errors import MovemapError
from graph.export_view import AROUND_CORE_MAX, ENGAGEMENTS, GROUP_NAMES, ROLES
from service.cli import _IsoDate, _name_argument, _quote, _state, main
from service.terminal import echo

__all__: list[str] = []

_FILE = click.Path(exists=True, readable=True, path_type=Path)
_SHOWN = 10  # entries of each dry-run list printed (the JSON has up to graph.import_plan.LISTED)


def _format_names(writing: bool) -> str:
    from graph.formats import FORMATS

    return ", ".join(n for n, f in FORMATS.items() if (f.write if writing else f.read))


@main.command("import")
@click.argument("name", callback=_name_argument)
@click.argument("files", type=_FILE, nargs=-1, required=True)
@click.option("--format", "format_name", default=None, metavar="FORMAT",
              help="The format of the file: csv, xlsx, kumu-xlsx, kumu-json, gexf, graphml, "
              "node-link, action-network or nationbuilder.  [default: from the file]")
@click.option("--on", "on", type=_IsoDate(), default=None,
              help="The files are the map as it stood on this date: what differs from the map "
              "then is recorded as changed on that date.  [default: today, with the files' "
              "joined and since dates]")
@click.option("--replace", is_flag=True,
              help="The files are the whole map: people and relationships not in them are "
              "recorded as having left (ended) on the --on date, or today.")
@click.option("--dry-run", is_flag=True,
              help="Check the files and list what would be created, updated, left alone and "
              "ended, and who looks like a duplicate; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: the listing as JSON.")
@click.pass_context
def import_command(ctx: click.Context, name: str, files: tuple[Path, ...],
                   format_name: str | None, on: date | None, replace: bool, dry_run: bool,
                   as_json: bool) -> None:
    """Import NAME from FILES, all or nothing.

    FILES is people.csv and relationships.csv; or one Excel workbook (.xlsx, sheets people,
    relationships and map); or a folder or .zip holding the CSV files (what 'movemap export'
    writes); or one file of another tool: Kumu (.xlsx, .json), GEXF, GraphML, node-link
    JSON, an Action Network or NationBuilder people export (.csv). Every problem is listed
    with its file (and sheet), line or row, and column, and nothing is written until the
    whole map is clean. Re-importing the same files changes nothing. Import a spreadsheet
    kept per quarter in order, each with --on, to build a true history.
    """
    from graph.formats import UnknownFormat, read_files
    from graph.import_plan import ImportPlan

    try:
        tables = read_files(files, format_name)
    except UnknownFormat:
        raise
    except MovemapError as exc:
        raise click.UsageError(str(exc), ctx) from None
    shown = " and ".join(f.name for f in files)
    state = _state(ctx)
    warnings: list[str] = []
    plan = ImportPlan(name) if dry_run else None
    with state.step(("Checking " if dry_run else "Importing ") + shown) as step:
        summary, change_set = state.cases(f"cli import {tables.files}").import_tables(
            name, tables, on=on, replace=replace, on_warning=warnings.append, plan=plan)
        step.result = "done"
    if plan is not None and as_json:
        echo(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
        return
    for warning in warnings:
        echo(f"warning: {warning}", err=True)
    if plan is not None:
        _show_plan(plan, shown, on)
        return
    rows = [
        ("people", summary.people_added, summary.people_updated, summary.people_unchanged),
        ("relationships", summary.relationships_added, summary.relationships_updated,
         summary.relationships_unchanged),
    ]
    echo(f"Imported {shown} into {name!r}"
         + (f" as the map on {on.isoformat()}" if on else "") + ":")
    for label, added, updated, unchanged in rows:
        echo(f"  {label + ':':<15}{added:>7,} added  {updated:>7,} updated  "
             f"{unchanged:>7,} unchanged")
    if change_set is None:
        echo("Nothing changed: the store already held exactly these rows.")
    else:
        echo(f"Recorded as change set {change_set} (undo with "
             f"{state.hint(f'undo {_quote(name)} {change_set}')}).")
    echo(f"Next: {state.hint(f'analyse {_quote(name)}')}")


def _item(entry: object) -> str:
    if isinstance(entry, list) and entry and isinstance(entry[-1], list):
        return f"{' → '.join(map(str, entry[:-1]))} ({', '.join(entry[-1])})"
    return " → ".join(map(str, entry)) if isinstance(entry, list) else str(entry)


def _show_plan(plan: object, shown: str, on: date | None) -> None:
    from graph.import_plan import ImportPlan, Listing

    assert isinstance(plan, ImportPlan)
    echo(f"Dry run: importing {shown} into {plan.constituency!r}"
         + (" (a new map)" if plan.new_map else "")
         + (f" as the map on {on.isoformat()}" if on else "") + " would change:")
    sections: list[tuple[str, Listing]] = [
        ("people created", plan.people_created), ("people updated", plan.people_updated),
        ("people left alone", plan.people_unchanged), ("people leaving", plan.people_leaving),
        ("ties created", plan.ties_created), ("ties updated", plan.ties_updated),
        ("ties left alone", plan.ties_unchanged), ("ties ending", plan.ties_ending),
    ]
    for label, listing in sections:
        echo(f"  {label + ':':<19}{listing.count:>7,}")
        if label.endswith("left alone"):
            continue
        for entry in listing.items[:_SHOWN]:
            echo(f"      {_item(entry)}")
        if listing.count > _SHOWN:
            echo(f"      … and {listing.count - _SHOWN:,} more (--json lists more)")
    if plan.map_fields:
        echo(f"  the map: {', '.join(plan.map_fields)}")
    echo(f"  look like duplicates (same name and organisation, another id): "
         f"{len(plan.duplicates):,}")
    for duplicate in plan.duplicates[:_SHOWN]:
        where = "in the map" if duplicate.where == "map" else "earlier in the file"
        echo(f"      {duplicate.id} is like {duplicate.other} ({where}): {duplicate.name}"
             + (f", {duplicate.organisation}" if duplicate.organisation else ""))
    echo("Nothing was written." if plan.changes else "Nothing would change.")


@main.command("export")
@click.argument("name", callback=_name_argument)
@click.option("--format", "format_name", required=True, metavar="FORMAT",
              help="csv (a folder, or a .zip when the path ends in .zip), xlsx, kumu-xlsx, "
              "kumu-json, gexf, graphml or node-link.")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(path_type=Path), help="Where to write the map.")
@click.option("--as-of", "as_of", type=_IsoDate(), default=None,
              help="The map as it stood at the end of this day.  [default: today]")
@click.option("--pseudonymise", is_flag=True,
              help="Codes instead of names (new ones each export), no free text, and no "
              "group or segment of fewer than --k people.")
@click.option("--k", "k", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="With --pseudonymise: the fewest people a group or segment may have.")
@click.option("--group", type=click.Choice(GROUP_NAMES), default=None,
              help="Only people whose main group this is.")
@click.option("--segment", default=None, metavar="SEGMENT",
              help="Only people who hold this segment, e.g. locality:Millom.")
@click.option("--engagement", type=click.Choice(ENGAGEMENTS), default=None,
              help="Only people at this engagement level.")
@click.option("--role", type=click.Choice(ROLES), default=None,
              help="Only people with this declared role (none: with no declared role).")
@click.option("--core/--not-core", "core", default=None,
              help="Only the engaged core (leading or a declared role), or only those outside.")
@click.option("--around-core", "around_core", type=click.IntRange(1, AROUND_CORE_MAX),
              default=None, metavar="N",
              help="Only the engaged core and everyone within N ties of it.")
@click.pass_context
def export_command(ctx: click.Context, name: str, format_name: str, output: Path,
                   as_of: date | None, pseudonymise: bool, k: int, **view: object) -> None:
    """Write NAME in FORMAT to OUTPUT, private to you: a file that imports back as the same map.

    csv writes people.csv, relationships.csv and map.csv into a folder (or one .zip archive);
    xlsx writes one workbook with the sheets people, relationships and map; kumu-xlsx and
    kumu-json write Kumu's layouts, gexf (Gephi, the history as spells), graphml and
    node-link the graph formats (docs/formats.md). An existing file is never overwritten.

    With --group, --segment, --engagement, --role, --core or --around-core, only the people
    who match all of them and the ties between them (the file says which view it holds).
    """
    from graph.export_view import ExportView
    from graph.formats import fmt

    chosen = fmt(format_name, writing=True)
    assert chosen.write is not None
    state = _state(ctx)
    chosen_view = ExportView.of(view)
    with state.step(f"Exporting {name}" + (f" as of {as_of}" if as_of else "")) as step:
        export = state.cases("cli export").export_map(
            name, as_of=as_of, pseudonymise_k=k if pseudonymise else None, view=chosen_view)
        try:
            chosen.write(export, output)
        except FileExistsError as exc:
            raise MovemapError(f"{exc} already exists; movemap never overwrites a file: "
                               "choose another path") from None
        except OSError as exc:
            raise MovemapError(f"cannot write {output}: {exc.strerror or exc}") from None
        step.result = f"{len(export.people):,} people, {len(export.ties):,} ties"
    echo(f"Wrote {name!r}" + (f" as of {as_of.isoformat()}" if as_of else "")
         + (f" ({chosen_view.describe()})" if not chosen_view.whole_map else "")
         + f" to {output} ({chosen.name}): {len(export.people):,} people, "
         f"{len(export.ties):,} ties.")
