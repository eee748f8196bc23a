"""The two CSV files of a map, ready to fill in: each column of the importer with an example.

A change lead starts from a template rather than from a blank spreadsheet: the header names every
column the importer reads, and the example rows show each kind of value in the form people type it
(labels such as "The people", day-first dates). The files import as they are, so a lead can try
the round trip before typing a single real name.

Example:
    >>> TEMPLATES["people.csv"].splitlines()[0].split(",")[:3]
    ['id', 'name', 'group']
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from graph.importer import PEOPLE_COLUMNS, RELATIONSHIP_COLUMNS

__all__ = ["TEMPLATES", "write_templates"]

_PEOPLE_EXAMPLE: tuple[dict[str, str], ...] = (
    {"id": "p1", "name": "Ann Example", "group": "The people",
     "other_groups": "Givers of service", "organisation": "",
     "segments": "locality:Barrow;community:Deaf", "formal_power": "none",
     "informal_power": "high", "lived_experience": "yes", "engagement": "Contributing",
     "role": "Organiser", "joined": "15/01/2025", "left": ""},
    {"id": "p2", "name": "Ben Example", "group": "Givers of service", "other_groups": "",
     "organisation": "Bay Hospital", "segments": "locality:Barrow;service:maternity",
     "formal_power": "low", "informal_power": "medium", "lived_experience": "no",
     "engagement": "Supporting", "role": "", "joined": "3 February 2025", "left": ""},
)
_RELATIONSHIP_EXAMPLE: tuple[dict[str, str], ...] = (
    {"source": "p1", "target": "p2", "relational": "3", "functional": "2",
     "flow_of_value": "1", "recruited": "yes", "since": "03/02/2025", "until": ""},
)


def _csv(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


TEMPLATES: dict[str, str] = {
    "people.csv": _csv(PEOPLE_COLUMNS, _PEOPLE_EXAMPLE),
    "relationships.csv": _csv(RELATIONSHIP_COLUMNS, _RELATIONSHIP_EXAMPLE),
}
"""Each file's name and its text (CSV with Windows line ends, as spreadsheets write it)."""


def write_templates(folder: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write ``people.csv`` and ``relationships.csv`` into ``folder`` (made if missing).

    A file already there is kept unless ``overwrite``: ``FileExistsError`` names it, and
    nothing is written, so a lead's filled-in file is never replaced by a blank one.
    """
    target = Path(folder)
    paths = [target / name for name in TEMPLATES]
    existing = [path for path in paths if path.exists()]
    if existing and not overwrite:
        raise FileExistsError(existing[0])
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        path.write_text(TEMPLATES[path.name], encoding="utf-8", newline="")
    return paths
