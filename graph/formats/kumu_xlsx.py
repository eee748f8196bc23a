"""Kumu's spreadsheet layout (``kumu-xlsx``): sheets ``Elements`` and ``Connections``.

The ``Elements`` sheet has ``Label`` (or ``ID``) in its first column and the fields of
``graph.formats.kumu`` as columns; the ``Connections`` sheet has ``From`` and ``To`` first.
What the map says about itself (description, expected segments) is on a sheet ``Map
(ignore)``: Kumu skips a sheet whose name says ``(ignore)``, movemap reads it as the ``map``
sheet of its own workbook. Sheet and field names are matched whatever their case; problems
name the workbook, the sheet and the row as Excel numbers it.

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.xlsx"
    >>> write_kumu_xlsx(MapExport("bay", "", (), [Person(id="p1", group="people")], []), path)
    >>> read_kumu_xlsx(path).people.label
    'bay.xlsx, sheet Elements'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from graph.errors import Problem
from graph.formats.base import MapInfo, MapTables
from graph.formats.foreign import Record
from graph.formats.formula_guard import risky_positions
from graph.formats.kumu import (
    CONNECTION_HEADER,
    ELEMENT_HEADER,
    KumuMap,
    connection_fields,
    element_fields,
    kumu_key,
)
from graph.formats.map_sheet import map_rows, read_map_rows
from graph.formats.rows import MapExport
from graph.formats.xlsx import _as_text, _unreadable
from graph.stores.private import new_private_file

__all__ = ["CONNECTIONS_SHEET", "ELEMENTS_SHEET", "MAP_SHEET", "read_kumu_xlsx",
           "write_kumu_xlsx"]

PathLike = str | os.PathLike[str]
ELEMENTS_SHEET = "Elements"
CONNECTIONS_SHEET = "Connections"
MAP_SHEET = "Map (ignore)"
_NUMBERS = ("Formal power", "Informal power", "Strength", "Relational", "Functional",
            "Flow of value")


def _records(sheet: Any) -> tuple[list[Record], int]:
    """The sheet's data rows as (row, fields by ``kumu_key``), and its header's row."""
    first = sheet.start[0] + 1 if sheet.start else 1
    rows = _as_text(sheet.to_python())
    numbered = [(first + i, row) for i, row in enumerate(rows) if "".join(row).strip()]
    if not numbered:
        return [], first
    at, header = numbered[0]
    keys = [kumu_key(h) for h in header]
    return [(n, {k: c.strip() for k, c in zip(keys, row, strict=True) if k})
            for n, row in numbered[1:]], at


def read_kumu_xlsx(path: PathLike) -> MapTables:
    """A Kumu workbook as movemap's tables (see ``graph.formats.kumu`` for the fields)."""
    from python_calamine import CalamineWorkbook  # imported by the commands that read one

    name = Path(path).name
    label = {s: f"{name}, sheet {s}" for s in (ELEMENTS_SHEET, CONNECTIONS_SHEET, MAP_SHEET)}
    problems: list[Problem] = []
    found: dict[str, list[Record]] = {ELEMENTS_SHEET: [], CONNECTIONS_SHEET: []}
    info = MapInfo()
    try:
        workbook = CalamineWorkbook.from_path(os.fspath(path))
        sheets = {s.strip().lower(): s for s in workbook.sheet_names}
        for wanted in found:
            if wanted.lower() in sheets:
                found[wanted] = _records(workbook.get_sheet_by_name(sheets[wanted.lower()]))[0]
            elif wanted == ELEMENTS_SHEET:
                problems.append(Problem(label[wanted], None, None, (
                    f"the workbook has no sheet '{wanted}' (its sheets: "
                    f"{', '.join(map(repr, workbook.sheet_names)) or 'none'}); a Kumu "
                    f"workbook has the sheets {ELEMENTS_SHEET} and {CONNECTIONS_SHEET}"), "row"))
        if MAP_SHEET.lower() in sheets:
            rows = _as_text(workbook.get_sheet_by_name(sheets[MAP_SHEET.lower()]).to_python())
            info = read_map_rows(rows, label[MAP_SHEET], problems)
    except FileNotFoundError:
        problems.append(Problem(name, None, None, "the file does not exist", "row"))
    except Exception as exc:  # noqa: BLE001 - calamine's errors: any means "cannot read it"
        problems.append(Problem(name, None, None, _unreadable(exc), "row"))
    return KumuMap(name, label[ELEMENTS_SHEET], label[CONNECTIONS_SHEET], "row",
                   found[ELEMENTS_SHEET], found[CONNECTIONS_SHEET], info, problems).tables()


def write_kumu_xlsx(export: MapExport, path: PathLike) -> None:
    """Write the map as a Kumu workbook at ``path``, a new file private to its owner."""
    import xlsxwriter  # imported by the commands that write one

    new_private_file(path)
    workbook = xlsxwriter.Workbook(os.fspath(path), {
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = workbook.add_format({"bold": True})
        text = workbook.add_format({"quote_prefix": True})
        for title, records in ((ELEMENTS_SHEET, [element_fields(p) for p in export.people]),
                               (CONNECTIONS_SHEET, [connection_fields(t) for t in export.ties])):
            header = ELEMENT_HEADER if title == ELEMENTS_SHEET else CONNECTION_HEADER
            sheet = workbook.add_worksheet(title)
            sheet.write_row(0, 0, header, bold)
            for number, fields in enumerate(records, start=1):
                cells = [int(fields[k]) if k in _NUMBERS and fields[k] else fields[k]
                         for k in header]
                sheet.write_row(number, 0, cells)
                for at in risky_positions(cells):  # text, never a formula
                    sheet.write_string(number, at, cells[at], text)
        sheet = workbook.add_worksheet(MAP_SHEET)
        for number, row in enumerate(map_rows(export.description, export.expected_segments,
                          export.view.describe())):
            sheet.write_row(number, 0, row, bold if number == 0 else None)
            for at in risky_positions(row) if number else ():
                sheet.write_string(number, at, row[at], text)
        workbook.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written file is left behind
        raise
