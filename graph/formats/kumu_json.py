"""Kumu's JSON (``kumu-json``, a "blueprint"): ``elements`` and ``connections``.

Each element and connection is an object; its fields are its own keys and those of its
``attributes`` object, as Kumu exports them (``_id``, ``from``, ``to``, ``direction`` on the
object; ``label``, ``element type``/``connection type``, ``tags`` … in ``attributes``).
Field names are read as ``graph.formats.kumu`` reads them (any case; ``type`` or Kumu's
``element type``); a list (``tags``) is its values, ``true``/``false`` are yes/no, numbers
are numbers. What the map says about itself is the top-level object ``movemap``
(``description``, ``expected_segments``, ``undated``). Problems name the file, ``elements``
or ``connections``, and the place of the object in its list (``element 3``: the third).

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.json"
    >>> write_kumu_json(MapExport("bay", "", (), [Person(id="p1", group="people")], []), path)
    >>> read_kumu_json(path).people.label
    'bay.json, elements'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from graph.errors import Problem
from graph.formats.base import MapTables
from graph.formats.foreign import Record, info_fields, read_info, read_json, write_text
from graph.formats.kumu import KumuMap, connection_fields, element_fields, kumu_key
from graph.formats.rows import MapExport

__all__ = ["read_kumu_json", "write_kumu_json"]

PathLike = str | os.PathLike[str]
INFO_KEY = "movemap"
_TOP = ("ID", "From", "To", "Direction")
_NUMBERS = ("Formal power", "Informal power", "Strength", "Relational", "Functional",
            "Flow of value")
_LISTS = ("Tags", "Other groups")
_YES_NO = ("Lived experience",)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "|".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _records(items: Any, kind: str, label: str, problems: list[Problem]) -> list[Record]:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(Problem(label, None, None, f"'{kind}s' must be a list of objects",
                                kind))
        return []
    records: list[Record] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(label, number, None, f"each {kind} must be an object",
                                    kind))
            continue
        attributes = item.get("attributes") or {}
        if not isinstance(attributes, dict):
            problems.append(Problem(label, number, "attributes", "must be an object", kind))
            attributes = {}
        fields = {kumu_key(k): _text(v).strip() for k, v in item.items() if k != "attributes"}
        fields.update({kumu_key(k): _text(v).strip() for k, v in attributes.items()})
        records.append((number, fields))
    return records


def read_kumu_json(path: PathLike) -> MapTables:
    """A Kumu blueprint as movemap's tables (see ``graph.formats.kumu`` for the fields)."""
    name = Path(path).name
    labels = (f"{name}, elements", f"{name}, connections")
    problems: list[Problem] = []
    document = read_json(path, problems)
    if document is None:
        document = {}
    elif not isinstance(document, dict):
        problems.append(Problem(name, None, None, "the file must be a JSON object with "
                                "'elements' and 'connections'"))
        document = {}
    info = document.get(INFO_KEY)
    return KumuMap(
        name, *labels, "element",
        _records(document.get("elements"), "element", labels[0], problems),
        _records(document.get("connections"), "connection", labels[1], problems),
        read_info(info if isinstance(info, dict) else None, f"{name}, {INFO_KEY}", problems),
        problems, column_case="lower").tables()


def _typed(fields: dict[str, str]) -> dict[str, Any]:
    """Kumu's attributes typed as Kumu keeps them: numbers, yes/no as true/false, lists."""
    typed: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _TOP:
            continue
        name = {"Type": "element type"}.get(key, key.lower())
        typed[name] = (int(value) if key in _NUMBERS and value else
                       value.split("|") if key in _LISTS and value else
                       [] if key in _LISTS else value == "yes" if key in _YES_NO else value)
    return typed


def write_kumu_json(export: MapExport, path: PathLike) -> None:
    """Write the map as a Kumu blueprint at ``path``, a new file private to its owner."""
    elements = []
    for person in export.people:
        fields = element_fields(person)
        elements.append({"_id": fields["ID"], "attributes": _typed(fields)})
    connections = []
    for tie in export.ties:
        fields = connection_fields(tie)
        typed = _typed(fields)
        typed["connection type"] = typed.pop("element type")
        connections.append({"from": fields["From"], "to": fields["To"],
                            "direction": fields["Direction"], "attributes": typed})
    document = {"elements": elements, "connections": connections,
                INFO_KEY: info_fields(export)}
    write_text(path, lambda handle: json.dump(document, handle, ensure_ascii=False, indent=1))
