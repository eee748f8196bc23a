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
from datetime import date
from pathlib import Path

from graph.formats import fmt
from graph.usecases import UseCases

__all__ = ["MIMETYPES", "download_name", "export_bytes"]

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
                  pseudonymised: bool = False) -> str:
    """The file name offered for the download: the map's name, its day, its format."""
    day = "" if as_of is None else f"-{as_of.isoformat()}"
    return f"{name}{day}{'-pseudonymised' if pseudonymised else ''}{_SUFFIX[format_name]}"


def export_bytes(cases: UseCases, name: str, format_name: str, as_of: date | None,
                 pseudonymise_k: int | None = None) -> bytes:
    """The map (as of ``as_of``; pseudonymised with ``pseudonymise_k``) written in
    ``format_name``, as bytes."""
    chosen = fmt(format_name, writing=True)
    assert chosen.write is not None
    export = cases.export_map(name, as_of=as_of, pseudonymise_k=pseudonymise_k)
    with tempfile.TemporaryDirectory(prefix="movemap-export-") as folder:
        path = Path(folder) / download_name("map", format_name, None)
        chosen.write(export, path)
        return path.read_bytes()
