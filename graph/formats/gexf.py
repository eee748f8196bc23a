"""GEXF 1.3 (``gexf``), Gephi's format: typed attributes, and the history as spells.

Each person is a node and each tie an edge (``defaultedgetype="directed"``: from the source
to the target, the recruiter to the recruited), movemap's fields as typed attributes
(``graph.formats.graph_doc``). Dates are not attributes but *spells*: a node's spell starts
the day the person joined and ends the day they left, an edge's runs from ``since`` to
``until``, so Gephi's timeline plays the movement's growth (``mode="dynamic"``,
``timeformat="date"``). As in Gephi, a node or edge without a start has been there since
always. The map's description and expected segments are the ``description`` and
``keywords`` (``;`` between segments) of ``<meta>``; which part of the map a file holds (an
export of a view) is a comment there.

Reading accepts what Gephi and networkx write: attributes by title, ``start``/``end`` on the
element or its spells (the first start and last end), ``label`` as the name. Problems name
the file and the line of the node or edge (``bay.gexf, line 34, column 'group'``).

Example:
    >>> import tempfile, pathlib
    >>> from graph.formats.rows import MapExport
    >>> from graph.model import Person
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bay.gexf"
    >>> write_gexf(MapExport("bay", "Bay", (), [Person(id="p1", group="people")], []), path)
    >>> tables = read_gexf(path)
    >>> tables.people.label, tables.info.description
    ('bay.gexf', 'Bay')
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from graph.formats.base import MapTables
from graph.formats.foreign import info_fields, person_fields, tie_fields, write_text
from graph.formats.graph_doc import PERSON_TYPES, TIE_TYPES, GraphDoc, node_fields, text
from graph.formats.rows import MapExport
from graph.formats.safe_xml import XmlElement

__all__ = ["read_gexf", "write_gexf"]

PathLike = str | os.PathLike[str]
NAMESPACE = "http://gexf.net/1.3"
_TYPES = {"integer": "integer", "boolean": "boolean", "string": "string"}
_SPELLS = {"joined": "left", "since": "until"}  # start field → end field


def _attributes(kind: str, types: dict[str, str]) -> Iterable[str]:
    yield f'   <attributes class="{kind}" mode="static">'
    for name, type_ in types.items():
        if type_ != "date":
            yield f'    <attribute id="{name}" title="{name}" type="{_TYPES[type_]}"/>'
    yield "   </attributes>"


def _content(fields: dict[str, str], types: dict[str, str], start: str) -> Iterable[str]:
    """A node's or edge's attribute values (booleans as true/false; blanks left out: the
    default) and its spell."""
    yield "<attvalues>" + "".join(
        f"<attvalue for={quoteattr(k)} value="
        f"{quoteattr(str(v == 'yes').lower() if types[k] == 'boolean' else v)}/>"
        for k, v in fields.items() if v and types.get(k) not in (None, "date")) + "</attvalues>"
    begin, end = fields.get(start, ""), fields.get(_SPELLS[start], "")
    if begin or end:
        yield ("<spells><spell" + (f' start="{begin}"' if begin else "")
               + (f' end="{end}"' if end else "") + "/></spells>")


def _view_comment(export: MapExport) -> list[str]:
    """GEXF's ``<meta>`` has no place for which part of a map a file holds, so it is a
    comment there (``--`` cannot appear in a comment and is spaced out)."""
    view = escape(export.view.describe())
    while "--" in view:
        view = view.replace("--", "- -")
    return [f"  <!-- view: {view} -->"] if view else []


def _write(handle: TextIO, export: MapExport) -> None:
    info = info_fields(export)
    modified = (export.as_of or date.today()).isoformat()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{NAMESPACE}" version="1.3">',
        f' <meta lastmodifieddate="{modified}">',
        "  <creator>movemap</creator>",
        f"  <description>{escape(str(info['description']))}</description>",
        f"  <keywords>{escape(';'.join(export.expected_segments))}</keywords>",
        *_view_comment(export),
        " </meta>",
        ' <graph defaultedgetype="directed" mode="dynamic" timeformat="date">',
        *_attributes("node", PERSON_TYPES),
        *_attributes("edge", TIE_TYPES),
        "  <nodes>",
    ]
    handle.write("\n".join(lines) + "\n")
    for person in export.people:
        fields = person_fields(person)
        handle.write(f"   <node id={quoteattr(person.id)} "
                     f"label={quoteattr(person.name or person.id)}>"
                     + "".join(_content(fields, PERSON_TYPES, "joined")) + "</node>\n")
    handle.write("  </nodes>\n  <edges>\n")
    for number, tie in enumerate(export.ties):
        fields = tie_fields(tie)
        handle.write(f'   <edge id="{number}" source={quoteattr(tie.source)} '
                     f"target={quoteattr(tie.target)}>"
                     + "".join(_content(fields, TIE_TYPES, "since")) + "</edge>\n")
    handle.write("  </edges>\n </graph>\n</gexf>\n")


def write_gexf(export: MapExport, path: PathLike) -> None:
    """Write the map as GEXF 1.3 at ``path``, a new file private to its owner."""
    write_text(path, lambda handle: _write(handle, export))


def _period(element: XmlElement) -> tuple[str, str]:
    """The first start and the last end of an element's own period or its spells."""
    spells = [element] + [s for group in element.all("spells") for s in group.all("spell")]
    starts = [s.attrib["start"] for s in spells if s.attrib.get("start")]
    ends = [s.attrib["end"] for s in spells if s.attrib.get("end")]
    return (min(starts) if starts else "", max(ends) if ends else "")


def _values(element: XmlElement, titles: dict[str, str]) -> dict[str, str]:
    found = {}
    for group in element.all("attvalues"):
        for value in group.all("attvalue"):
            key = value.attrib.get("for", value.attrib.get("id", ""))
            found[titles.get(key, key)] = value.attrib.get("value", "")
    return found


def read_gexf(path: PathLike) -> MapTables:
    """A GEXF file (1.1 to 1.3) as movemap's tables."""
    name = Path(path).name
    doc = GraphDoc(name, name, name, "line", "line")
    root = doc.root(path, "gexf", "a GEXF")
    graph = None if root is None else root.find("graph")
    if root is None or graph is None:
        return doc.tables()
    titles = {kind: {a.attrib.get("id", ""): a.attrib.get("title", a.attrib.get("id", ""))
                     for group in graph.all("attributes") if group.attrib.get("class") == kind
                     for a in group.all("attribute")} for kind in ("node", "edge")}
    meta = {m.tag: m.text.strip() for m in getattr(root.find("meta"), "children", [])}
    doc.graph = {"undated": "since always"}  # as in Gephi, no start means since always
    if meta.get("creator") == "movemap":  # what movemap wrote says the map's own values
        doc.graph.update(description=meta.get("description", ""),
                         expected_segments=meta.get("keywords", ""))
    for group in graph.all("nodes"):
        for node in group.all("node"):
            fields = node_fields(node.attrib.get("id", ""), node.attrib.get("label"),
                                 _values(node, titles["node"]))
            fields["joined"], fields["left"] = _period(node)
            doc.nodes.append((node.line, fields))
    for group in graph.all("edges"):
        for edge in group.all("edge"):
            fields = {k: text(v) for k, v in _values(edge, titles["edge"]).items()}
            fields.update(source=edge.attrib.get("source", ""),
                          target=edge.attrib.get("target", ""))
            fields["since"], fields["until"] = _period(edge)
            doc.edges.append((edge.line, fields))
    return doc.tables()
