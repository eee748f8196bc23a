"""Write a map as the CSV pair (and ``map.csv``), into a folder or a ``.zip`` archive.

A path ending in ``.zip`` gets one archive holding ``people.csv``, ``relationships.csv`` and
``map.csv``; any other path is a folder (made if missing) that gets the three files. Files
are UTF-8 with a byte-order mark and Windows line ends, as spreadsheets write "CSV UTF-8",
so they open in Excel as they are and import back as the same map. A cell a spreadsheet
would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) is written with a leading apostrophe,
which the reader takes off again (``graph.formats.formula_guard``). Every file (and a folder
made here) is private to its owner (``graph.stores.private``); a file already there is never
overwritten (``FileExistsError`` names it).

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "bay"
    >>> write_csv(MapExport("bay", "", (), [], []), folder)
    >>> sorted(p.name for p in folder.iterdir())
    ['map.csv', 'people.csv', 'relationships.csv']
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from graph.formats.csv_pair import MAP_FILE, PEOPLE_FILE, RELATIONSHIPS_FILE
from graph.formats.formula_guard import guard_row
from graph.formats.map_sheet import map_rows
from graph.formats.rows import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    MapExport,
    person_cells,
    tie_cells,
)
from graph.stores.private import new_private_file, private_folder

__all__ = ["write_csv"]

PathLike = str | os.PathLike[str]


def _tables(export: MapExport) -> list[tuple[str, Iterable[Sequence[str]]]]:
    return [
        (PEOPLE_FILE, [list(PEOPLE_COLUMNS), *map(person_cells, export.people)]),
        (RELATIONSHIPS_FILE, [list(RELATIONSHIP_COLUMNS), *map(tie_cells, export.ties)]),
        (MAP_FILE, map_rows(export.description, export.expected_segments,
                                    export.view.describe())),
    ]


def _write_rows(handle: io.TextIOBase, rows: Iterable[Sequence[str]]) -> None:
    """The rows as CSV, each cell a spreadsheet could run as a formula written as text
    (``graph.formats.formula_guard``)."""
    csv.writer(handle, lineterminator="\r\n").writerows(map(guard_row, rows))


def write_csv(export: MapExport, path: PathLike) -> None:
    """Write the map's CSV files at ``path``: a ``.zip`` archive, or a folder."""
    target = Path(path)
    if target.suffix.lower() == ".zip":
        new_private_file(target)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, rows in _tables(export):
                with archive.open(name, "w") as member, io.TextIOWrapper(
                        member, encoding="utf-8-sig", newline="") as text:
                    _write_rows(text, rows)
        return
    if not target.exists():
        private_folder(target)
    tables = _tables(export)
    for name, _rows in tables:
        if (target / name).exists():
            raise FileExistsError(target / name)
    for name, rows in tables:
        new_private_file(target / name)
        with open(target / name, "w", encoding="utf-8-sig", newline="") as handle:
            _write_rows(handle, rows)
