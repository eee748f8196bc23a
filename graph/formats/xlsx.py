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

import gc
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from graph.errors import Problem
from graph.formats.base import Batch, Block, Columns, HeaderJudge, MapTables
from graph.formats.formula_guard import risky_positions
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


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet's cells become Python rows and
    columns: millions of new lists and texts, none of them in a cycle, would otherwise set off
    collections that walk them all again and again (they take longer than the work itself)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _unreadable(exc: Exception) -> str:
    return _NOT_A_WORKBOOK.format(reason=(str(exc).splitlines() or ["unreadable"])[0][:200])


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


def _text_column(column: Sequence[Any]) -> Sequence[str]:
    """A column of cells as text: a column of text stays as it is, and the few distinct
    values of any other column (strengths, dates, TRUE/FALSE) are each read once. A column
    mixing TRUE/FALSE with numbers is read cell by cell (``True == 1`` as keys)."""
    kinds = set(map(type, column))
    if kinds == {str}:
        return column
    if bool in kinds and len(kinds - {str}) > 1:
        return tuple(map(_text, column))
    texts = {value: _text(value) for value in set(column)}
    return tuple(map(texts.__getitem__, column))


def _array(column: Sequence[Any]) -> np.ndarray[Any, Any] | None:
    """A column of cells as a numpy text array, the cells as ``_text`` reads them (a column
    of whole numbers converted at once); ``None`` when a cell holds a NUL, which numpy's text
    arrays would drop."""
    kinds = set(map(type, column))
    if kinds == {float}:
        values = np.array(column, dtype=np.float64)
        if bool((values == np.trunc(values)).all()) and bool((np.abs(values) < 2**53).all()):
            return values.astype(np.int64).astype(str)
    texts = _text_column(column)
    if "\x00" in "".join(texts):
        return None
    return np.array(texts, dtype=str)


def _as_text(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Rows of cells as rows of text, a column at a time (``_text_column``)."""
    if not rows:
        return []
    columns = [_text_column(column) for column in zip(*rows, strict=True)]
    return list(map(list, zip(*columns, strict=True)))


def _blank(cells: Sequence[str]) -> bool:
    return not "".join(cells).strip()


class _Sheet:
    """One sheet of the workbook as a ``RowTable``: rows numbered as Excel numbers them."""

    unit = "row"

    def __init__(self, label: str, sheet: Future[Any] | None, missing: str | None) -> None:
        self.label = label
        self._sheet = sheet
        self._missing = missing

    def _data(self, judge: HeaderJudge) -> tuple[int, list[list[Any]]] | None:
        """(number of the first row after the header, the cells of the rows after it)."""
        if self._sheet is None:
            if self._missing:
                judge.problem(None, None, self._missing)
            return None
        try:
            sheet = self._sheet.result()
        except Exception as exc:  # noqa: BLE001 - calamine's errors: the sheet is unreadable
            judge.problem(None, None, _unreadable(exc))
            return None
        first = sheet.start[0] + 1 if sheet.start else 1
        with _no_collection():
            raw = sheet.to_python()
        at = next((i for i, cells in enumerate(raw) if not _blank(_row(cells))), None)
        if at is None:
            judge.empty()
            return None
        if not judge.judge_header(first + at, _row(raw[at])):
            return None
        return first + at + 1, raw[at + 1:]

    def _slices(self, judge: HeaderJudge, size: int
                ) -> Iterator[tuple[range, list[list[Any]]]]:
        data = self._data(judge)
        if data is not None:
            first, raw = data
            for i in range(0, len(raw), size):
                part = raw[i:i + size]
                yield range(first + i, first + i + len(part)), part

    def records(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]]:
        for numbers, raw in self._slices(judge, 20_000):
            yield from ((n, cells) for n, cells in zip(numbers, _as_text(raw), strict=True)
                        if not _blank(cells))

    def batches(self, judge: HeaderJudge, size: int) -> Iterator[Batch]:
        for numbers, raw in self._slices(judge, size):
            with _no_collection():
                rows = _as_text(raw)
            yield numbers, rows

    def blocks(self, judge: HeaderJudge, size: int) -> Iterator[Block]:
        """Batches as numpy text columns, for the core's vectorised checks (a batch with a
        NUL in a cell comes as rows: numpy's text arrays would drop it)."""
        for numbers, raw in self._slices(judge, size):
            with _no_collection():
                arrays = [_array(column) for column in zip(*raw, strict=True)]
            if any(array is None for array in arrays):
                yield numbers, _as_text(raw), None
                continue
            yield numbers, None, Columns(arrays, partial(_as_text, raw))


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
        return MapTables(_Sheet(name, None, reason), _Sheet(name, None, None), files)
    except Exception as exc:  # noqa: BLE001 - calamine's errors: any means "cannot read it"
        return MapTables(_Sheet(name, None, _unreadable(exc)), _Sheet(name, None, None), files)
    names = list(workbook.sheet_names)
    sheets = {s.strip().lower(): s for s in names}
    # calamine parses a sheet without holding the GIL, so a thread parses the sheets (one at a
    # time: a workbook is not shared between threads) while the people are checked and written
    parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="movemap-xlsx")
    map_sheet = (parser.submit(workbook.get_sheet_by_name, sheets[MAP_SHEET])
                 if MAP_SHEET in sheets else None)
    has = ", ".join(repr(s) for s in names) or "none"

    def sheet(wanted: str) -> _Sheet:
        found = sheets.get(wanted)
        parsed = None if found is None else parser.submit(workbook.get_sheet_by_name, found)
        return _Sheet(label[wanted], parsed,
                      None if found else f"the workbook has no sheet '{wanted}' (its sheets: "
                      f"{has}); movemap reads the sheets {PEOPLE_SHEET}, "
                      f"{RELATIONSHIPS_SHEET} and, optionally, {MAP_SHEET}")

    tables = MapTables(sheet(PEOPLE_SHEET), sheet(RELATIONSHIPS_SHEET), files)
    parser.shutdown(wait=False)  # the thread ends once the sheets asked for are parsed
    if map_sheet is not None:
        problems: list[Problem] = []
        try:
            rows = _as_text(map_sheet.result().to_python())
        except Exception as exc:  # noqa: BLE001 - calamine's errors: the sheet is unreadable
            problems.append(Problem(label[MAP_SHEET], None, None, _unreadable(exc), "row"))
        else:
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
        text = workbook.add_format({"quote_prefix": True})
        for title, header, rows in (
            (PEOPLE_SHEET, PEOPLE_COLUMNS, map(person_cells, export.people)),
            (RELATIONSHIPS_SHEET, RELATIONSHIP_COLUMNS, map(tie_cells, export.ties)),
            (MAP_SHEET, None, iter(map_rows(export.description, export.expected_segments,
                          export.view.describe()))),
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
                for at in risky_positions(cells):  # text, never a formula, even once edited
                    sheet.write_string(number, at, cells[at], text)
        workbook.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written file is left behind
        raise
