"""networkx's node-link JSON (``node-link``): ``nodes`` and ``edges`` with typed attributes.

The shape of ``networkx.node_link_data`` (``directed``, ``multigraph``, ``graph``, ``nodes``,
``edges``; ``links`` is read too, as older networkx writes it): each node has ``id`` and
movemap's person fields, each edge ``source``, ``target`` and the tie fields, typed as JSON
(numbers, true/false, lists for ``segments`` and ``other_groups``); ``graph`` holds the
map's ``description``, ``expected_segments`` (a list) and ``undated``
(``graph.formats.graph_doc``). Problems name the file, ``nodes`` or ``edges`` and the place
of the object in its list (``bay.json, nodes, node 3``).

Example:
    >>> import tempfile, pathlib, networkx as nx
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.json"
    >>> write_node_link(MapExport("bay", "Bay", (), [Person(id="p1", group="people")], []),
    ...                 path)
    >>> graph = nx.node_link_graph(__import__("json").loads(path.read_text()), edges="edges")
    >>> graph.nodes["p1"]["group"], graph.graph["description"]
    ('people', 'Bay')
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from graph.errors import Problem
from graph.formats.base import MapTables
from graph.formats.foreign import info_fields, person_fields, read_json, tie_fields, write_text
from graph.formats.graph_doc import PERSON_TYPES, TIE_TYPES, GraphDoc, node_fields, text, typed
from graph.formats.rows import MapExport

__all__ = ["read_node_link", "write_node_link"]

PathLike = str | os.PathLike[str]
_LISTS = ("segments", "other_groups")


def _listed(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.split(";") if k in _LISTS else v for k, v in values.items()}


def write_node_link(export: MapExport, path: PathLike) -> None:
    """Write the map as node-link JSON at ``path``, a new file private to its owner."""
    document = {
        "directed": True, "multigraph": False, "graph": info_fields(export),
        "nodes": [{"id": p.id, **_listed(typed(person_fields(p), PERSON_TYPES))}
                  for p in export.people],
        "edges": [{"source": t.source, "target": t.target, **typed(tie_fields(t), TIE_TYPES)}
                  for t in export.ties],
    }
    write_text(path, lambda handle: json.dump(document, handle, ensure_ascii=False))


def _objects(doc: GraphDoc, items: Any, kind: str) -> list[tuple[int, dict[str, Any]]]:
    label = doc.node_label if kind == "node" else doc.edge_label
    if not isinstance(items, list):
        doc.problems.append(Problem(label, None, None, f"'{kind}s' must be a list", kind))
        return []
    found = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            found.append((number, item))
        else:
            doc.problems.append(Problem(label, number, None, f"each {kind} must be an object",
                                        kind))
    return found


def read_node_link(path: PathLike) -> MapTables:
    """A node-link JSON file as movemap's tables."""
    name = Path(path).name
    doc = GraphDoc(name, f"{name}, nodes", f"{name}, edges", "node", "edge")
    document = read_json(path, doc.problems)
    if document is None:
        return doc.tables()
    if not isinstance(document, dict) or "nodes" not in document:
        doc.problems.append(Problem(name, None, None, "the file must be a JSON object with "
                                    "'nodes' and 'edges' (networkx's node-link data)"))
        return doc.tables()
    graph = document.get("graph")
    doc.graph = graph if isinstance(graph, dict) else None
    for number, node in _objects(doc, document["nodes"], "node"):
        values = {k: v for k, v in node.items() if k not in ("id", "label")}
        label = None if node.get("label") is None else text(node["label"])
        doc.nodes.append((number, node_fields(text(node.get("id")), label, values)))
    for number, edge in _objects(doc, document.get("edges", document.get("links", [])), "edge"):
        doc.edges.append((number, {k: text(v) for k, v in edge.items()}))
    return doc.tables()
