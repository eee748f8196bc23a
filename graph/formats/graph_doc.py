"""Shared by the graph formats (GEXF, GraphML, node-link): typed attributes in, tables out.

A graph file keeps each person as a node and each tie as an edge, movemap's fields as typed
attributes named as its columns (``group``, ``formal_power`` …; ``PERSON_TYPES`` and
``TIE_TYPES`` say each type), and what the map says about itself as graph attributes
(``description``, ``expected_segments``, ``undated``; ``view`` for part of a map). A node's
``label`` is the person's name (the id when there is none) and is read as the name when the
file has no ``name`` attribute. A reader collects nodes and edges as (place, fields) records;
``GraphDoc.tables`` gives the import core its tables.

Example:
    >>> typed({"formal_power": "2", "lived_experience": "yes", "role": ""}, PERSON_TYPES)
    {'formal_power': 2, 'lived_experience': True}
    >>> text(True), text(2.0), text(["a", "b"])
    ('yes', '2', 'a;b')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.errors import Problem
from graph.formats.base import MapTables
from graph.formats.foreign import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    Record,
    TooBig,
    read_info,
    records_table,
)
from graph.formats.safe_xml import UnsafeOrBadXml, XmlElement, read_xml

__all__ = ["GRAPH_KEYS", "PERSON_TYPES", "TIE_TYPES", "GraphDoc", "node_fields", "text",
           "typed"]

PERSON_TYPES: dict[str, str] = {
    "name": "string", "group": "string", "other_groups": "string", "organisation": "string",
    "segments": "string", "formal_power": "integer", "informal_power": "integer",
    "lived_experience": "boolean", "engagement": "string", "role": "string",
    "joined": "date", "left": "date",
}
"""Each person column (but ``id``) and its type; lists (``segments``) are ``;``-separated."""
TIE_TYPES: dict[str, str] = {
    "relational": "integer", "functional": "integer", "flow_of_value": "integer",
    "recruited": "boolean", "since": "date", "until": "date",
}
"""Each tie column (but ``source`` and ``target``) and its type."""
PathLike = str | os.PathLike[str]
GRAPH_KEYS = ("description", "expected_segments", "undated", "view")
"""The graph attributes that say what the map says about itself (as the map sheet)."""


def typed(fields: Mapping[str, str], types: Mapping[str, str]) -> dict[str, Any]:
    """The non-blank fields as typed values (``integer`` → int, ``boolean`` → bool)."""
    values: dict[str, Any] = {}
    for name, kind in types.items():
        value = fields.get(name, "")
        if value == "":
            continue
        values[name] = (int(value) if kind == "integer" else value == "yes"
                        if kind == "boolean" else value)
    return values


def text(value: Any) -> str:
    """A typed value as the text the import core reads (true → yes, 2.0 → 2, a list → a;b)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(text(v) for v in value)
    return "" if value is None else str(value).strip()


def node_fields(node_id: str, label: str | None, values: Mapping[str, Any]) -> dict[str, str]:
    """A node's fields by movemap column: its id, its name (``name``, else a ``label`` that
    is not the id) and its attributes as text."""
    fields = {k: text(v) for k, v in values.items()}
    if "name" not in fields:
        fields["name"] = "" if label is None or label == node_id else label
    fields["id"] = node_id
    return fields


@dataclass
class GraphDoc:
    """A graph file as its reader found it: nodes and edges as (place, fields by movemap
    column), graph attributes, and problems found while reading; ``unit`` is what a place
    counts (``line`` of an XML element, or ``node``/``edge`` in a JSON list)."""

    files: str
    node_label: str
    edge_label: str
    node_unit: str
    edge_unit: str
    nodes: list[Record] = field(default_factory=list)
    edges: list[Record] = field(default_factory=list)
    graph: dict[str, object] | None = None
    problems: list[Problem] = field(default_factory=list)

    def root(self, path: PathLike, tag: str, what: str) -> XmlElement | None:
        """The ``<graph>`` of the XML file at ``path`` whose root is ``tag``, or ``None``
        with a problem (missing, unsafe or not well-formed XML, or another kind of file)."""
        try:
            root = read_xml(path)
        except FileNotFoundError:
            self.problems.append(Problem(self.files, None, None, "the file does not exist"))
            return None
        except (UnsafeOrBadXml, TooBig) as exc:
            self.problems.append(Problem(self.files, getattr(exc, "line", None), None,
                                         str(exc)))
            return None
        if root.tag != tag or root.find("graph") is None:
            self.problems.append(Problem(self.files, root.line, None, f"this is not {what} "
                                         f"file: its root must be <{tag}> holding a <graph>"))
            return None
        return root

    def tables(self) -> MapTables:
        """The tables for the import core."""
        graph = None if self.graph is None else {
            k: [s for s in v.split(";") if s.strip()] if k == "expected_segments" and
            isinstance(v, str) else v for k, v in self.graph.items() if k in GRAPH_KEYS}
        info = read_info(graph,
                         f"{self.files}, graph attributes", self.problems)
        return MapTables(
            records_table(self.node_label, self.node_unit, PEOPLE_COLUMNS, self.nodes),
            records_table(self.edge_label, self.edge_unit, RELATIONSHIP_COLUMNS, self.edges),
            self.files, info, self.problems)
