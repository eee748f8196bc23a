"""GraphML (``graphml``), read by Gephi, yEd and Cytoscape: typed keys for every field.

Each person is a node and each tie an edge of a directed graph (source to target), movemap's
fields as ``<data>`` of keys declared with their type (``attr.type`` ``string``, ``int``,
``boolean``; dates as ``YYYY-MM-DD`` strings), and the map's description, expected segments
(``;`` between them) and ``undated`` as data of the graph (``graph.formats.graph_doc``).
Reading accepts what networkx and other tools write: keys by ``attr.name``, their
``<default>``, a ``label`` key as the name. Problems name the file and the line of the node
or edge (``bay.graphml, line 40, column 'group'``).

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.graphml"
    >>> write_graphml(MapExport("bay", "Bay", (), [Person(id="p1", group="people")], []), path)
    >>> tables = read_graphml(path)
    >>> tables.people.label, tables.info.description
    ('bay.graphml', 'Bay')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from graph.formats.base import MapTables
from graph.formats.foreign import info_fields, person_fields, tie_fields, write_text
from graph.formats.graph_doc import GRAPH_KEYS, PERSON_TYPES, TIE_TYPES, GraphDoc, node_fields
from graph.formats.rows import MapExport
from graph.formats.safe_xml import XmlElement

__all__ = ["read_graphml", "write_graphml"]

PathLike = str | os.PathLike[str]
NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_TYPES = {"integer": "int", "boolean": "boolean", "string": "string", "date": "string"}
_GRAPH_TYPES = dict.fromkeys(GRAPH_KEYS, "string")
_PREFIX = {"graph": "g_", "node": "n_", "edge": "e_"}


def _keys() -> Iterable[str]:
    for kind, types in (("graph", _GRAPH_TYPES), ("node", PERSON_TYPES), ("edge", TIE_TYPES)):
        for name, type_ in types.items():
            yield (f' <key id="{_PREFIX[kind]}{name}" for="{kind}" attr.name="{name}" '
                   f'attr.type="{_TYPES[type_]}"/>')


def _data(kind: str, fields: Mapping[str, str], types: Mapping[str, str]) -> str:
    """The non-blank fields as ``<data>`` (booleans as true/false)."""
    return "".join(
        f'<data key="{_PREFIX[kind]}{k}">'
        f"{escape(str(v == 'yes').lower() if types[k] == 'boolean' else v)}</data>"
        for k, v in fields.items() if v and k in types)


def _write(handle: TextIO, export: MapExport) -> None:
    info = info_fields(export)
    graph = {"description": str(info["description"]), "undated": str(info["undated"]),
             "expected_segments": ";".join(export.expected_segments),
             "view": str(info.get("view", ""))}
    handle.write("\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', f'<graphml xmlns="{NAMESPACE}">', *_keys(),
        ' <graph id="G" edgedefault="directed">',
        "  " + _data("graph", graph, _GRAPH_TYPES)]) + "\n")
    for person in export.people:
        handle.write(f"  <node id={quoteattr(person.id)}>"
                     f"{_data('node', person_fields(person), PERSON_TYPES)}</node>\n")
    for tie in export.ties:
        handle.write(f"  <edge source={quoteattr(tie.source)} target={quoteattr(tie.target)}>"
                     f"{_data('edge', tie_fields(tie), TIE_TYPES)}</edge>\n")
    handle.write(" </graph>\n</graphml>\n")


def write_graphml(export: MapExport, path: PathLike) -> None:
    """Write the map as GraphML at ``path``, a new file private to its owner."""
    write_text(path, lambda handle: _write(handle, export))


def _values(element: XmlElement, keys: Mapping[str, str], defaults: Mapping[str, str]
            ) -> dict[str, str]:
    found = dict(defaults)
    for data in element.all("data"):
        key = data.attrib.get("key", "")
        found[keys.get(key, key)] = data.text.strip()
    return found


def read_graphml(path: PathLike) -> MapTables:
    """A GraphML file as movemap's tables."""
    name = Path(path).name
    doc = GraphDoc(name, name, name, "line", "line")
    root = doc.root(path, "graphml", "a GraphML")
    graph = None if root is None else root.find("graph")
    if root is None or graph is None:
        return doc.tables()
    keys: dict[str, dict[str, str]] = {"graph": {}, "node": {}, "edge": {}, "all": {}}
    defaults: dict[str, dict[str, str]] = {"graph": {}, "node": {}, "edge": {}, "all": {}}
    for key in root.all("key"):
        kind = key.attrib.get("for", "all")
        if kind in keys:
            title = key.attrib.get("attr.name", key.attrib.get("id", ""))
            keys[kind][key.attrib.get("id", "")] = title
            if (default := key.find("default")) is not None:
                defaults[kind][title] = default.text.strip()
    for kind in ("graph", "node", "edge"):
        keys[kind].update(keys["all"])
    values = _values(graph, keys["graph"], defaults["graph"])
    doc.graph = {k: values[k] for k in GRAPH_KEYS if k in values} or None
    for node in graph.all("node"):
        found = _values(node, keys["node"], defaults["node"])
        doc.nodes.append((node.line, node_fields(node.attrib.get("id", ""),
                                                 found.pop("label", None), found)))
    for edge in graph.all("edge"):
        found = _values(edge, keys["edge"], defaults["edge"])
        found.update(source=edge.attrib.get("source", ""), target=edge.attrib.get("target", ""))
        doc.edges.append((edge.line, found))
    return doc.tables()
