"""Read an XML file safely, keeping the line of every element, for the GEXF and GraphML readers.

Parsing goes through defusedxml: a document type declaration (DTD), an entity declaration or
an external reference is refused, so no file can make movemap read another file (XXE) or
expand entities without end ("billion laughs"); the file's size is bounded by the upload
limit before it is read. Each element keeps the line it starts on, so a problem names it
(``bay.gexf, line 34``). Namespaces are dropped from tag and attribute names.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.xml"
    >>> _ = path.write_text('<g xmlns="urn:x">\\n <node id="a"/>\\n</g>')
    >>> root = read_xml(path)
    >>> root.tag, root.children[0].attrib, root.children[0].line
    ('g', {'id': 'a'}, 2)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from graph.formats.foreign import read_bytes

__all__ = ["UnsafeOrBadXml", "XmlElement", "read_xml"]

PathLike = str | os.PathLike[str]


class UnsafeOrBadXml(ValueError):
    """The file is not well-formed XML, or declares what movemap never reads (a DTD, an
    entity); ``line`` says where, when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


@dataclass
class XmlElement:
    """An element: its local tag, attributes, children, text and the line it starts on."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[XmlElement] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> XmlElement | None:
        """The first child with this tag."""
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[XmlElement]:
        """The children with this tag."""
        return [c for c in self.children if c.tag == tag]


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class _Builder:
    """The parser's target: builds ``XmlElement``s with their lines."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.stack: list[XmlElement] = []
        self.root: XmlElement | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        element = XmlElement(_local(tag), {_local(k): v for k, v in attrib.items()},
                             self.parser.parser.CurrentLineNumber)
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].text += text

    def close(self) -> XmlElement | None:
        return self.root


def read_xml(path: PathLike) -> XmlElement:
    """The root element of the XML file at ``path``; ``UnsafeOrBadXml`` says what is wrong
    (``FileNotFoundError`` and ``graph.formats.foreign.TooBig`` pass through)."""
    content = read_bytes(path)
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(content)
        root = parser.close()
    except DefusedXmlException as exc:
        raise UnsafeOrBadXml(f"the file declares a DTD or entities ({type(exc).__name__}), "
                             "which movemap never reads") from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise UnsafeOrBadXml(f"this is not well-formed XML ({exc})", line) from None
    if root is None:
        raise UnsafeOrBadXml("the file holds no XML element")
    return root
