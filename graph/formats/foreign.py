"""Shared by the readers and writers of other tools' formats (Kumu, GEXF, GraphML, node-link).

A foreign format names movemap's fields its own way; its module maps them to and from the
columns of the CSV templates, and this module turns the records it found (each with where it
is: a row, an XML element's line, a JSON object's place) into the ``ListTable``s the one
import core checks, so every format gets the same checks and wording. It also gives the
writers each person and tie as named text fields, and reads a file whole within the upload
limit.

Example:
    >>> table = records_table("bay.json, elements", "element", PEOPLE_COLUMNS,
    ...                       [(1, {"id": "p1", "group": "people"})], {"group": "type"})
    >>> table.label, table.column_labels["group"]
    ('bay.json, elements', 'type')
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from graph.errors import Problem
from graph.formats.base import ListTable, MapInfo
from graph.formats.map_sheet import read_map_rows
from graph.formats.rows import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    MapExport,
    person_cells,
    tie_cells,
)
from graph.limits import LIMITS, setting_name
from graph.model import Person, Relationship
from graph.stores.private import new_private_file

__all__ = [
    "PEOPLE_COLUMNS",
    "RELATIONSHIP_COLUMNS",
    "TooBig",
    "info_fields",
    "person_fields",
    "read_bytes",
    "read_info",
    "read_json",
    "records_table",
    "tie_fields",
    "write_text",
]

PathLike = str | os.PathLike[str]
Record = tuple[int, Mapping[str, str]]
"""Where a record is (its row, line or place) and its cells by movemap column."""


class TooBig(ValueError):
    """A file over the upload limit (the message says the limit and its setting)."""


def person_fields(person: Person) -> dict[str, str]:
    """A person as text by movemap column (as the CSV pair writes them)."""
    return dict(zip(PEOPLE_COLUMNS, person_cells(person), strict=True))


def tie_fields(tie: Relationship) -> dict[str, str]:
    """A tie as text by movemap column (as the CSV pair writes them)."""
    return dict(zip(RELATIONSHIP_COLUMNS, tie_cells(tie), strict=True))


def info_fields(export: MapExport) -> dict[str, object]:
    """What a map says about itself, for formats that carry it as named values:
    ``description``, ``expected_segments`` (a list), ``undated`` (``since always``) and, for
    part of a map, ``view`` (``graph.export_view``)."""
    view = export.view.describe()
    return {"description": export.description,
            "expected_segments": list(export.expected_segments), "undated": "since always",
            **({"view": view} if view else {})}


def read_info(values: Mapping[str, object] | None, label: str, problems: list[Problem]
              ) -> MapInfo:
    """``info_fields`` read back, with the checks and wording of the map sheet."""
    if values is None:
        return MapInfo()
    rows: list[list[str]] = [["field", "value"]]
    for key, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            rows.append([str(key), "" if one is None else str(one)])
    return read_map_rows(rows, label, problems)


def records_table(label: str, unit: str, columns: Sequence[str], records: Sequence[Record],
                  column_labels: dict[str, str] | None = None, header_at: int = 0
                  ) -> ListTable:
    """The records as a table of movemap columns for the import core; problems name each
    record by its number and each column as the file calls it (``column_labels``)."""
    rows = [list(columns), *([fields.get(c, "") for c in columns] for _, fields in records)]
    return ListTable(label, rows, unit=unit, numbers=[header_at, *(n for n, _ in records)],
                     column_labels=column_labels)


def read_bytes(path: PathLike) -> bytes:
    """The whole file, refused (``TooBig``) over the upload limit: a document format is read
    whole, so its size is bounded before it is read."""
    size = Path(path).stat().st_size
    if size > LIMITS.upload_bytes:
        raise TooBig(f"the file is {size:,} bytes; at most {LIMITS.upload_bytes:,} "
                     f"({setting_name('upload_bytes')})")
    return Path(path).read_bytes()


def read_json(path: PathLike, problems: list[Problem]) -> Any:
    """The JSON document at ``path`` (within the upload limit), or ``None`` with a problem
    naming the file, and the line where the JSON breaks."""
    name = Path(path).name
    try:
        return json.loads(read_bytes(path))
    except FileNotFoundError:
        problems.append(Problem(name, None, None, "the file does not exist"))
    except (TooBig, UnicodeDecodeError, RecursionError) as exc:
        problems.append(Problem(name, None, None, f"this is not JSON movemap can read "
                                f"({exc})"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(name, exc.lineno, None, f"this is not JSON: {exc.msg} "
                                f"(column {exc.colno})"))
    return None


def write_text(path: PathLike, write: Callable[[TextIO], None]) -> None:
    """A new UTF-8 text file at ``path``, private to its owner (one already there is never
    overwritten: ``FileExistsError``), filled by ``write``; no half-written file is left."""
    new_private_file(path)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            write(handle)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
