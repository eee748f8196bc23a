"""Formats a map comes in and goes out in, registered by name.

A *reader* turns a file into ``MapTables`` (``graph.formats.base``): tables of rows that the
one import core (``graph.importer``) checks, matches and writes, so every format gets the same
checks and the same wording. A *writer* writes a ``MapExport`` (``graph.formats.rows``). A new
format is one module and one line in ``FORMATS``.

| name | reads | writes | what |
| --- | --- | --- | --- |
| ``csv`` | yes | yes | the CSV pair (a folder or a ``.zip``; ``map.csv`` optional) |
| ``xlsx`` | yes | yes | one Excel workbook: sheets people, relationships, map |
| ``kumu-xlsx`` | yes | yes | Kumu's spreadsheet layout: sheets Elements, Connections |
| ``kumu-json`` | yes | yes | Kumu's JSON: elements and connections with attributes |
| ``gexf`` | yes | yes | GEXF 1.3 (Gephi), the history as spells |
| ``graphml`` | yes | yes | GraphML (Gephi, yEd, Cytoscape) with typed keys |
| ``node-link`` | yes | yes | networkx's node-link JSON |
| ``action-network`` | yes | no | an Action Network activists export (CSV) |
| ``nationbuilder`` | yes | no | a NationBuilder people export (CSV) |

``PLANNED`` names formats to come; asking for one says that it is not available yet, and
asking for an unknown one lists the known ones.

Example:
    >>> infer_format("bay.xlsx")
    'xlsx'
    >>> fmt("pajek")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.formats.UnknownFormat: the format 'pajek' is not one movemap knows; known formats: csv...
"""

from __future__ import annotations

import importlib
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import MovemapError

if TYPE_CHECKING:  # the readers and writers are imported when a format is used
    from graph.formats.base import MapTables
    from graph.formats.rows import MapExport

__all__ = ["FORMATS", "PLANNED", "Format", "UnknownFormat", "fmt", "infer_format", "read_files"]

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


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """A reader or writer imported when it is first used (``graph.formats.<module>``)."""
    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(f"graph.formats.{module}"), function)(*args)
    return call


def _format(name: str, what: str, module: str, suffixes: tuple[str, ...],
            reader: str | None = None) -> Format:
    """A format of ``graph.formats.<module>``: ``read_<module>`` and ``write_<module>``, or
    only ``reader`` of it (an import-only format)."""
    if reader is not None:
        return Format(name, what, _lazy(module, reader), None, suffixes)
    return Format(name, what, _lazy(module, f"read_{module}"), _lazy(module, f"write_{module}"),
                  suffixes)


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "the CSV pair: people.csv and relationships.csv (a folder or a .zip, "
                  "with map.csv)", _read_csv, _write_csv, (".csv", ".zip", "")),
    "xlsx": Format("xlsx", "an Excel workbook with the sheets people, relationships and map",
                   _read_xlsx, _write_xlsx, (".xlsx", ".xlsm")),
    "kumu-xlsx": _format("kumu-xlsx", "Kumu's spreadsheet layout: sheets Elements and "
                         "Connections", "kumu_xlsx", ()),
    "kumu-json": _format("kumu-json", "Kumu's JSON: elements and connections",
                         "kumu_json", ()),
    "gexf": _format("gexf", "GEXF 1.3 for Gephi, the history as spells", "gexf", (".gexf",)),
    "graphml": _format("graphml", "GraphML for Gephi, yEd and Cytoscape", "graphml",
                       (".graphml",)),
    "node-link": _format("node-link", "networkx's node-link JSON", "node_link", (".json",)),
    "action-network": _format("action-network", "an Action Network activists export (CSV; "
                              "import only)", "crm", (), "read_action_network"),
    "nationbuilder": _format("nationbuilder", "a NationBuilder people export (CSV; import "
                             "only)", "crm", (), "read_nationbuilder"),
}
"""Every format movemap reads or writes, by name."""

PLANNED: tuple[str, ...] = ()
"""Formats to come: named so that asking for one says so rather than 'unknown'."""


def fmt(name: str, *, writing: bool = False) -> Format:
    """The format called ``name``; ``UnknownFormat`` lists the known ones."""
    found = FORMATS.get(name.strip().lower())
    known = ", ".join(n for n, f in FORMATS.items() if (f.write if writing else f.read))
    if found is None or (found.write if writing else found.read) is None:
        state = "is not available yet" if name in PLANNED else "is not one movemap knows"
        raise UnknownFormat(f"the format {name!r} {state}; known formats: {known}")
    return found


_KUMU_SHEET = re.compile(rb'<sheet [^>]*name="elements"', re.IGNORECASE)
_XML_ROOT = re.compile(rb"<(?:\w+:)?(gexf|graphml)\b")
_SNIFF = 4096


def _zip_format(target: Path) -> str:
    """A zip holding ``people.csv`` is ``csv``; a workbook with a sheet ``Elements`` is
    ``kumu-xlsx``; any other is ``xlsx``."""
    try:
        with zipfile.ZipFile(target) as archive:
            names = {Path(n).name for n in archive.namelist()}
            book = (archive.read("xl/workbook.xml")[:1_000_000]
                    if "xl/workbook.xml" in archive.namelist() else b"")
    except (zipfile.BadZipFile, OSError, KeyError):
        return "xlsx"
    if "people.csv" in names:
        return "csv"
    return "kumu-xlsx" if _KUMU_SHEET.search(book) else "xlsx"


def _json_format(start: bytes) -> str | None:
    """Kumu's JSON has ``elements``; node-link JSON has ``nodes``: whichever comes first."""
    kumu, nodes = start.find(b'"elements"'), start.find(b'"nodes"')
    if kumu < 0 and nodes < 0:
        return None
    return "kumu-json" if nodes < 0 or 0 <= kumu < nodes else "node-link"


def _crm_format(start: bytes) -> str | None:
    """A CRM's people export, by its header (``graph.formats.crm``)."""
    from graph.formats.crm import sniff_crm

    return sniff_crm(start.decode("utf-8-sig", "replace").splitlines()[0] if start else "")


def infer_format(path: PathLike) -> str:
    """The format of a file from its first bytes, then its name: a zip holding
    ``people.csv`` is ``csv``, a workbook with an ``Elements`` sheet ``kumu-xlsx``, any
    other zip (an .xlsx is one) or an old .xls ``xlsx``; XML whose root is ``gexf`` or
    ``graphml`` that format; JSON with ``elements`` ``kumu-json``, with ``nodes``
    ``node-link``; a ``.csv`` whose header is a CRM's export that CRM; a folder is
    ``csv``; otherwise by suffix, ``csv`` when nothing says
    otherwise."""
    target = Path(path)
    if target.is_dir():
        return "csv"
    try:
        with open(target, "rb") as handle:
            start = handle.read(_SNIFF)
    except OSError:
        start = b""
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    if start.startswith(b"PK\x03\x04"):
        return _zip_format(target)
    if (root := _XML_ROOT.search(start)) and start.lstrip().startswith(b"<"):
        return root.group(1).decode()
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and (
            sniffed := _json_format(start)):
        return sniffed
    if target.suffix.lower() == ".csv" and (crm := _crm_format(start)):
        return crm
    suffix = target.suffix.lower()
    for name, found in FORMATS.items():
        if suffix and suffix in found.suffixes:
            return name
    return "csv"


def read_files(paths: Sequence[PathLike], format_name: str | None = None) -> MapTables:
    """The tables of the files a user gave (the command line, the API, the dashboard): two
    files are the CSV pair; one file is read in ``format_name``, or the format found from it.
    ``MovemapError`` says what is wrong with the choice (a lone ``.csv`` of the pair, two
    files of a format that is one file, a format movemap does not read)."""
    from graph.formats.csv_pair import read_csv_pair

    if not 1 <= len(paths) <= 2:
        raise MovemapError("give one file (a workbook, a folder, a .zip or another tool's "
                           "file) or two (people.csv relationships.csv)")
    if len(paths) == 2:  # the CSV pair (whose reader explains a workbook given as one)
        if format_name not in (None, "csv"):
            raise MovemapError(f"two files are the CSV pair; a {format_name} map is one file")
        return read_csv_pair((paths[0], paths[1]))
    chosen = fmt(format_name or infer_format(paths[0]))
    if chosen.name == "csv" and Path(paths[0]).is_file() and \
            Path(paths[0]).suffix.lower() == ".csv":
        raise MovemapError("a CSV map is two files: people.csv relationships.csv (or a "
                           "folder or .zip holding them)")
    assert chosen.read is not None
    return chosen.read(paths[0])
