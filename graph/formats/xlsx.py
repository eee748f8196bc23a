"""An Excel workbook (``.xlsx``): sheets ``people``, ``relationships`` and ``map``.

The ``people`` and ``relationships`` sheets have the columns of the CSV templates
(``graph.csv_templates``), header in their first non-blank row; the ``map`` sheet (optional on
import) says the map's description and expected segments (``graph.formats.map_sheet``). Sheet
names are matched whatever their case. Problems name the workbook, the sheet, the row as
Excel numbers it and the column: ``bay.xlsx, sheet people, row 12, column 'group': …``.

Cells are read as text the way the CSV reader sees them: a whole number typed as a number
(``2``, stored as ``2.0``) is ``2``, a date cell is its ISO day, TRUE/FALSE are yes/no; so
a workbook and the CSV pair saved from it give the same map.

Reading uses python-calamine (Rust: the whole sheet is parsed outside Python); writing uses
XlsxWriter in its constant-memory mode (rows go to the file as they are written).

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.xlsx"
    >>> write_xlsx(MapExport("bay", "", (), [Person(id="p1", group="people")], []), path)
    >>> tables = read_xlsx(path)
    >>> tables.people.label
    'bay.xlsx, sheet people'
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from graph.errors import Problem
from graph.formats.base import Batch, Block, HeaderJudge, MapTables
from graph.formats.map_sheet import map_rows, read_map_rows
from graph.formats.rows import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    MapExport,
    person_cells,
    tie_cells,
)
from graph.stores.private import new_private_file

__all__ = ["MAP_SHEET", "PEOPLE_SHEET", "RELATIONSHIPS_SHEET", "read_xlsx", "write_xlsx"]

PathLike = str | os.PathLike[str]
PEOPLE_SHEET = "people"
RELATIONSHIPS_SHEET = "relationships"
MAP_SHEET = "map"
_NOT_A_WORKBOOK = ("this is not an Excel workbook (.xlsx) that movemap can read ({reason}); "
                   "save it from your spreadsheet as 'Excel Workbook (.xlsx)', or import the "
                   "CSV pair")


_NUMBERS = {
    PEOPLE_SHEET: tuple(PEOPLE_COLUMNS.index(c) for c in ("formal_power", "informal_power")),
    RELATIONSHIPS_SHEET: tuple(RELATIONSHIP_COLUMNS.index(c)
                               for c in ("relational", "functional", "flow_of_value")),
}


def _text(cell: Any) -> str:
    """A cell as the text the CSV reader would see."""
    if type(cell) is str:
        return cell
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(" ")
    if isinstance(cell, (date, int)):
        return str(cell) if isinstance(cell, int) else cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return "" if cell is None else str(cell)


def _row(cells: Sequence[Any]) -> list[str]:
    return [c if type(c) is str else _text(c) for c in cells]


def _as_text(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Rows of cells as text, a column at a time: a column of text stays as it is, and the
    few distinct values of any other column (strengths, dates, TRUE/FALSE) are each read once.
    A column mixing TRUE/FALSE with numbers is read cell by cell (``True == 1`` as keys)."""
    if not rows:
        return []
    columns: list[Sequence[str]] = []
    for column in zip(*rows, strict=True):
        kinds = set(map(type, column))
        if kinds == {str}:
            columns.append(column)
        elif bool in kinds and len(kinds - {str}) > 1:
            columns.append(tuple(map(_text, column)))
        else:
            texts = {value: _text(value) for value in set(column)}
            columns.append(tuple(map(texts.__getitem__, column)))
    return list(map(list, zip(*columns, strict=True)))


def _blank(cells: Sequence[str]) -> bool:
    return not "".join(cells).strip()


_CHUNK = 20_000  # rows read as text at a time


class _Sheet:
    """One sheet of the workbook as a ``RowTable``: rows numbered as Excel numbers them."""

    unit = "row"

    def __init__(self, workbook: Any, label: str, sheet: str | None,
                 missing: str | None) -> None:
        self.label = label
        self._workbook = workbook
        self._sheet = sheet
        self._missing = missing

    def _chunks(self, judge: HeaderJudge) -> Iterator[tuple[int, list[list[str]]]]:
        """(number of the first row, rows as text) after the header, in chunks."""
        if self._sheet is None:
            if self._missing:
                judge.problem(None, None, self._missing)
            return
        sheet = self._workbook.get_sheet_by_name(self._sheet)
        first = sheet.start[0] + 1 if sheet.start else 1
        raw = sheet.to_python()
        at = next((i for i, cells in enumerate(raw) if not _blank(_row(cells))), None)
        if at is None:
            judge.empty()
            return
        if not judge.judge_header(first + at, _row(raw[at])):
            return
        for start in range(at + 1, len(raw), _CHUNK):
            yield first + start, _as_text(raw[start:start + _CHUNK])

    def records(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]]:
        for number, rows in self._chunks(judge):
            yield from ((number + i, cells) for i, cells in enumerate(rows) if not _blank(cells))

    def batches(self, judge: HeaderJudge, size: int) -> Iterator[Batch]:
        for number, rows in self._chunks(judge):
            for i in range(0, len(rows), size):
                part = rows[i:i + size]
                yield range(number + i, number + i + len(part)), part

    def blocks(self, judge: HeaderJudge, size: int) -> Iterator[Block]:
        for numbers, rows in self.batches(judge, size):
            yield numbers, rows, None


def read_xlsx(path: PathLike) -> MapTables:
    """The tables of a workbook. A file that is not a workbook, or one without a ``people`` or
    ``relationships`` sheet, is a problem of that table, named with the sheets it has."""
    from python_calamine import CalamineWorkbook  # imported by the commands that read one

    name = Path(path).name
    label = {s: f"{name}, sheet {s}" for s in (PEOPLE_SHEET, RELATIONSHIPS_SHEET, MAP_SHEET)}
    files = name
    try:
        workbook = CalamineWorkbook.from_path(os.fspath(path))
    except FileNotFoundError:
        reason = "the file does not exist"
        return MapTables(_Sheet(None, name, None, reason), _Sheet(None, name, None, None),
                         files)
    except Exception as exc:  # noqa: BLE001 - calamine's errors: any means "cannot read it"
        reason = _NOT_A_WORKBOOK.format(reason=str(exc).splitlines()[0][:200] or "unreadable")
        return MapTables(_Sheet(None, name, None, reason), _Sheet(None, name, None, None),
                         files)
    sheets = {s.strip().lower(): s for s in workbook.sheet_names}
    has = ", ".join(repr(s) for s in workbook.sheet_names) or "none"

    def sheet(wanted: str) -> _Sheet:
        found = sheets.get(wanted)
        return _Sheet(workbook, label[wanted], found,
                      None if found else f"the workbook has no sheet '{wanted}' (its sheets: "
                      f"{has}); movemap reads the sheets {PEOPLE_SHEET}, "
                      f"{RELATIONSHIPS_SHEET} and, optionally, {MAP_SHEET}")

    tables = MapTables(sheet(PEOPLE_SHEET), sheet(RELATIONSHIPS_SHEET), files)
    if MAP_SHEET in sheets:
        rows = _as_text(workbook.get_sheet_by_name(sheets[MAP_SHEET]).to_python())
        problems: list[Problem] = []
        tables.info = read_map_rows(rows, label[MAP_SHEET], problems)
        tables.problems = problems
    return tables


def write_xlsx(export: MapExport, path: PathLike) -> None:
    """Write the map as a workbook at ``path``, a new file private to its owner (one already
    there is never overwritten: ``FileExistsError``)."""
    import xlsxwriter  # imported by the commands that write one

    new_private_file(path)
    workbook = xlsxwriter.Workbook(os.fspath(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False})
    try:
        bold = workbook.add_format({"bold": True})
        for title, header, rows in (
            (PEOPLE_SHEET, PEOPLE_COLUMNS, map(person_cells, export.people)),
            (RELATIONSHIPS_SHEET, RELATIONSHIP_COLUMNS, map(tie_cells, export.ties)),
            (MAP_SHEET, None, iter(map_rows(export.description, export.expected_segments))),
        ):
            sheet = workbook.add_worksheet(title)
            if header is not None:
                sheet.write_row(0, 0, header, bold)
                first = 1
            else:
                sheet.write_row(0, 0, next(rows), bold)
                first = 1
            numbers = _NUMBERS.get(title, ())
            for number, cells in enumerate(rows, start=first):
                for at in numbers:  # levels and strengths as numbers, as people type them
                    cells[at] = int(cells[at])  # type: ignore[call-overload]
                sheet.write_row(number, 0, cells)
        workbook.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written file is left behind
        raise
