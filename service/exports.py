"""A map as a file to download (the API's export and the dashboard's download link).

The writer (``graph.formats``) writes into a private temporary folder (0700, the file 0600),
the bytes are read back and the folder goes when the request ends, so nothing of the map stays
on the server's disk. A CSV export is one ``.zip`` (people.csv, relationships.csv, map.csv).

Example:
    >>> download_name("bay", "xlsx", None)
    'bay.xlsx'
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from graph.export_view import ExportView, InvalidView
from graph.formats import fmt
from graph.usecases import UseCases

__all__ = ["MIMETYPES", "download_name", "export_bytes", "view_from_args"]

_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {
    "xlsx": _WORKBOOK, "csv": "application/zip", "kumu-xlsx": _WORKBOOK,
    "kumu-json": "application/json", "gexf": "application/xml",
    "graphml": "application/xml", "node-link": "application/json",
}
"""Every format a map downloads in, and the media type of its file."""
_SUFFIX = {"xlsx": ".xlsx", "csv": "-csv.zip", "kumu-xlsx": "-kumu.xlsx",
           "kumu-json": "-kumu.json", "gexf": ".gexf", "graphml": ".graphml",
           "node-link": "-node-link.json"}


def download_name(name: str, format_name: str, as_of: date | None,
                  pseudonymised: bool = False, view: ExportView | None = None) -> str:
    """The file name offered for the download: the map's name, its day, ``-view`` for part
    of the map (the file says which), its format."""
    day = "" if as_of is None else f"-{as_of.isoformat()}"
    part = "" if view is None or view.whole_map else "-view"
    return (f"{name}{day}{part}{'-pseudonymised' if pseudonymised else ''}"
            f"{_SUFFIX[format_name]}")


def view_from_args(args: Mapping[str, str]) -> ExportView:
    """The view of a download link's query (``core=yes``, ``around_core=2``…); ``InvalidView``
    names the parameter that does not fit."""
    values: dict[str, object] = {k: args.get(k) for k in ("group", "segment", "engagement",
                                                          "role")}
    core = args.get("core") or None
    if core not in (None, "yes", "no"):
        raise InvalidView(f"must be yes or no, got {core[:20]!r}", "core")
    values["core"] = None if core is None else core == "yes"
    around = args.get("around_core") or None
    if around is not None and not (around.isdigit() and len(around) <= 2):
        raise InvalidView(f"must be a whole number, got {around[:20]!r}", "around_core")
    values["around_core"] = None if around is None else int(around)
    return ExportView.of(values)


def export_bytes(cases: UseCases, name: str, format_name: str, as_of: date | None,
                 pseudonymise_k: int | None = None, view: ExportView | None = None) -> bytes:
    """The map (as of ``as_of``; only ``view``; pseudonymised with ``pseudonymise_k``)
    written in ``format_name``, as bytes."""
    chosen = fmt(format_name, writing=True)
    assert chosen.write is not None
    export = cases.export_map(name, as_of=as_of, pseudonymise_k=pseudonymise_k, view=view)
    with tempfile.TemporaryDirectory(prefix="movemap-export-") as folder:
        path = Path(folder) / download_name("map", format_name, None)
        chosen.write(export, path)
        return path.read_bytes()
