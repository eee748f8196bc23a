"""Formats a map comes in and goes out in, registered by name.

A *reader* turns a file into ``MapTables`` (``graph.formats.base``): tables of rows that the
one import core (``graph.importer``) checks, matches and writes, so every format gets the same
checks and the same wording. A *writer* writes a ``MapExport`` (``graph.formats.rows``). A new
format is one module and one line in ``FORMATS``.

| name | reads | writes | what |
| --- | --- | --- | --- |
| ``csv`` | yes | yes | the CSV pair (a folder or a ``.zip``; ``map.csv`` optional) |
| ``xlsx`` | yes | yes | one Excel workbook: sheets people, relationships, map |

``PLANNED`` names the formats to come (Kumu, GEXF, GraphML, node-link); asking for one says
that it is not available yet, and asking for an unknown one lists the known ones.

Example:
    >>> infer_format("bay.xlsx")
    'xlsx'
    >>> fmt("gexf")
    Traceback (most recent call last):
    ...
    graph.formats.UnknownFormat: the format 'gexf' is not available yet; known formats: csv, xlsx
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import MovemapError

if TYPE_CHECKING:  # the readers and writers are imported when a format is used
    from graph.formats.base import MapTables
    from graph.formats.rows import MapExport

__all__ = ["FORMATS", "PLANNED", "Format", "UnknownFormat", "fmt", "infer_format"]

PathLike = str | os.PathLike[str]


class UnknownFormat(MovemapError):
    """A format name movemap does not know (the message lists the known ones)."""


@dataclass(frozen=True)
class Format:
    """A format: its name, what it is, and its reader and writer (``None``: cannot)."""

    name: str
    what: str
    read: Callable[[PathLike], MapTables] | None
    write: Callable[[MapExport, PathLike], None] | None
    suffixes: tuple[str, ...]


def _read_csv(path: PathLike) -> MapTables:
    from graph.formats.csv_pair import read_csv_pair

    return read_csv_pair(path)


def _write_csv(export: MapExport, path: PathLike) -> None:
    from graph.formats.csv_out import write_csv

    write_csv(export, path)


def _read_xlsx(path: PathLike) -> MapTables:
    from graph.formats.xlsx import read_xlsx

    return read_xlsx(path)


def _write_xlsx(export: MapExport, path: PathLike) -> None:
    from graph.formats.xlsx import write_xlsx

    write_xlsx(export, path)


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "the CSV pair: people.csv and relationships.csv (a folder or a .zip, "
                  "with map.csv)", _read_csv, _write_csv, (".csv", ".zip", "")),
    "xlsx": Format("xlsx", "an Excel workbook with the sheets people, relationships and map",
                   _read_xlsx, _write_xlsx, (".xlsx", ".xlsm")),
}
"""Every format movemap reads or writes, by name."""

PLANNED: tuple[str, ...] = ("kumu-xlsx", "kumu-json", "gexf", "graphml", "node-link")
"""Formats to come: named so that asking for one says so rather than 'unknown'."""


def fmt(name: str, *, writing: bool = False) -> Format:
    """The format called ``name``; ``UnknownFormat`` lists the known ones."""
    found = FORMATS.get(name.strip().lower())
    known = ", ".join(n for n, f in FORMATS.items() if (f.write if writing else f.read))
    if found is None or (found.write if writing else found.read) is None:
        state = "is not available yet" if name in PLANNED else "is not one movemap knows"
        raise UnknownFormat(f"the format {name!r} {state}; known formats: {known}")
    return found


def infer_format(path: PathLike) -> str:
    """The format of a file from its magic bytes, then its name: a zip holding
    ``people.csv`` is ``csv``, any other zip (an .xlsx is one) or an old .xls is ``xlsx``;
    a folder is ``csv``; otherwise by suffix, ``csv`` when nothing says otherwise."""
    target = Path(path)
    if target.is_dir():
        return "csv"
    try:
        with open(target, "rb") as handle:
            start = handle.read(8)
    except OSError:
        start = b""
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    if start.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(target) as archive:
                names = {Path(n).name for n in archive.namelist()}
        except (zipfile.BadZipFile, OSError):
            names = set()
        return "csv" if "people.csv" in names else "xlsx"
    suffix = target.suffix.lower()
    for name, found in FORMATS.items():
        if suffix and suffix in found.suffixes:
            return name
    return "csv"
