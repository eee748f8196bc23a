"""Kumu's elements and connections as movemap's people and ties (both Kumu formats share this).

Kumu keeps a map as *elements* and *connections*, each with fields. movemap reads and writes
its fields under reserved names (docs/formats.md lists them): an element's ``Label`` is the
name, ``Type`` the group, ``Tags`` the segments (``|`` between values), and custom fields
``Other groups``, ``Organisation``, ``Formal power``, ``Informal power``, ``Lived
experience``, ``Engagement``, ``Role``, ``Joined``, ``Left``; a connection's ``Type`` lists
its trust types (and ``recruited``), ``Strength`` their strength, and the custom fields
``Relational``, ``Functional``, ``Flow of value``, ``Since`` and ``Until`` say each exactly.

Matching follows Kumu's rules, so an updated Kumu file updates people instead of
duplicating them: an element with an ``ID`` is that person; one without is matched by
``Label`` and ``Type`` (name and group), else by ``Label`` alone when one person has it;
otherwise it is a new person whose id is its label. ``From`` and ``To`` name elements by ID or
label, or people already in the map by id or name.

Example:
    >>> kumu = KumuMap("bay.json", "bay.json, elements", "bay.json, connections", "element",
    ...     [(1, {"label": "Ann", "type": "People"}), (2, {"label": "Bo", "type": "People"})],
    ...     [(1, {"from": "Ann", "to": "Bo", "type": "relational", "strength": "3"})])
    >>> tables = kumu.tables([("p7", "Ann", "people")])
    >>> [r[0] for r in tables.people._rows[1:]], tables.relationships._rows[1][:3]
    (['p7', 'Bo'], ['p7', 'Bo', '3'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from graph.errors import Problem
from graph.formats.base import MapInfo, MapTables
from graph.formats.foreign import (
    PEOPLE_COLUMNS,
    RELATIONSHIP_COLUMNS,
    Record,
    person_fields,
    records_table,
    tie_fields,
)
from graph.model import Person, Relationship

__all__ = [
    "CONNECTION_FIELDS",
    "CONNECTION_HEADER",
    "ELEMENT_HEADER",
    "ELEMENT_FIELDS",
    "KumuMap",
    "connection_fields",
    "element_fields",
    "kumu_key",
]

ELEMENT_FIELDS: dict[str, str] = {
    "id": "ID", "name": "Label", "group": "Type", "other_groups": "Other groups",
    "organisation": "Organisation", "segments": "Tags", "formal_power": "Formal power",
    "informal_power": "Informal power", "lived_experience": "Lived experience",
    "engagement": "Engagement", "role": "Role", "joined": "Joined", "left": "Left",
}
"""movemap's person columns and the Kumu element field each is kept in."""

CONNECTION_FIELDS: dict[str, str] = {
    "source": "From", "target": "To", "relational": "Relational", "functional": "Functional",
    "flow_of_value": "Flow of value", "since": "Since", "until": "Until",
}
"""movemap's tie columns and the Kumu connection field each is kept in (besides ``Type``,
``Strength`` and ``Direction``, which say the trust types and recruitment too)."""

ELEMENT_HEADER = tuple(ELEMENT_FIELDS.values())
"""The element fields in the order movemap writes them (``ID`` first, as Kumu wants)."""
CONNECTION_HEADER = ("From", "To", "Type", "Direction", "Strength", "Relational",
                     "Functional", "Flow of value", "Since", "Until")
"""The connection fields in the order movemap writes them (``From``, ``To`` first)."""

TRUST = ("relational", "functional", "flow_of_value")
RECRUITED = "recruited"
DIRECTIONS = ("directed", "undirected", "mutual")
_ALIASES = {"organization": "organisation", "element type": "type",
            "connection type": "type", "_id": "id", "name": "label"}
_MULTI = "|"


def kumu_key(name: str) -> str:
    """A Kumu field name as this module looks it up: lower case, single spaces, Kumu's own
    export spellings read as their import ones (``element type`` is ``type``)."""
    key = " ".join(name.replace("_", " ").split()).lower()
    return _ALIASES.get(key, key)


def _label(value: str) -> str:
    """A code name as people read it: ``givers_of_service`` → ``Givers of service``."""
    return value.replace("_", " ").capitalize()


def _code(text: str) -> str:
    return "_".join(text.replace("-", " ").split()).lower()


def element_fields(person: Person) -> dict[str, str]:
    """A person as a Kumu element, by Kumu field name (``Label`` is the id when the person
    has no name, and is read back as no name when it equals the ``ID``)."""
    cells = person_fields(person)
    cells["name"] = person.name or person.id
    cells["group"] = _label(cells["group"])
    cells["other_groups"] = _MULTI.join(_label(g.value) for g in person.other_groups)
    cells["segments"] = _MULTI.join(person.segments)
    return {ELEMENT_FIELDS[k]: v for k, v in cells.items()}


def connection_fields(tie: Relationship) -> dict[str, str]:
    """A tie as a Kumu connection: ``Type`` its trust types with a strength (and
    ``recruited``), ``Strength`` the strongest, ``Direction`` directed (recruiter to
    recruited) when it records recruitment, and each strength exactly."""
    cells = tie_fields(tie)
    types = [t for t in TRUST if getattr(tie, t)] + ([RECRUITED] if tie.recruited else [])
    found = {CONNECTION_FIELDS[k]: v for k, v in cells.items() if k in CONNECTION_FIELDS}
    return {"From": found.pop("From"), "To": found.pop("To"), "Type": _MULTI.join(types),
            "Direction": DIRECTIONS[0] if tie.recruited else DIRECTIONS[1],
            "Strength": str(max(tie.relational, tie.functional, tie.flow_of_value)), **found}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(_MULTI) if part.strip()]


@dataclass
class KumuMap:
    """A Kumu file as its reader found it: elements and connections as (place, fields by
    ``kumu_key``), what the map says about itself, and problems found while reading."""

    files: str
    elements_label: str
    connections_label: str
    unit: str
    elements: Sequence[Record]
    connections: Sequence[Record]
    info: MapInfo = field(default_factory=MapInfo)
    problems: list[Problem] = field(default_factory=list)
    column_case: str = "title"
    """How the file spells its field names in problems: ``title`` (``Type``) or ``lower``."""

    @property
    def _tie_unit(self) -> str:
        return "connection" if self.unit == "element" else self.unit

    def _names(self, fields: Mapping[str, str]) -> dict[str, str]:
        return {k: v if self.column_case == "title" else v.lower() for k, v in fields.items()}

    def tables(self, existing: Sequence[tuple[str, str, str]] = ()) -> MapTables:
        """The map's tables, each element matched to a person of ``existing`` (id, name,
        group) by Kumu's rules; ``rematch`` gives them again for another map."""
        problems = list(self.problems)
        by_name: dict[str, list[tuple[str, str]]] = {}
        for pid, name, group in existing:
            by_name.setdefault(name, []).append((pid, group))
        labels = Counter(f.get("label", "") for _, f in self.elements if not f.get("id"))
        ids: dict[str, str] = {}
        by_label: dict[str, list[str]] = {}
        people: list[Record] = []
        for number, fields in self.elements:
            label, given, kind = (fields.get(k, "") for k in ("label", "id", "type"))
            if not label and not given:
                problems.append(Problem(self.elements_label, number, self._names(
                    {"name": "Label"})["name"], "an element needs a Label (or an ID)",
                    self.unit))
                continue
            pid = given or _match(by_name.get(label, []), kind) or (
                label if labels[label] == 1 or not kind else f"{label} ({kind})")
            if given:
                ids.setdefault(given, pid)
            by_label.setdefault(label, []).append(pid)
            cells = {"id": pid, "name": "" if given and label == given else label,
                     "group": kind, **{c: fields.get(kumu_key(ELEMENT_FIELDS[c]), "")
                                       for c in PEOPLE_COLUMNS[3:]}}
            for multi in ("other_groups", "segments"):
                cells[multi] = ";".join(_split(cells[multi]))
            people.append((number, cells))
        known = {n: [pid for pid, _ in found] for n, found in by_name.items()}

        def person(ref: str) -> str:
            for lookup in (ids, by_label, known):
                found = lookup.get(ref)
                if isinstance(found, str):
                    return found
                if found and len(found) == 1:
                    return found[0]
            return ref

        ties = [(number, cells) for number, fields in self.connections
                for cells in self._ties(number, fields, person, problems)]
        return MapTables(
            records_table(self.elements_label, self.unit, PEOPLE_COLUMNS, people,
                          self._names(ELEMENT_FIELDS)),
            records_table(self.connections_label, self._tie_unit, RELATIONSHIP_COLUMNS, ties,
                          self._names(CONNECTION_FIELDS)),
            self.files, self.info, problems, rematch=self.tables)

    def _ties(self, number: int, fields: Mapping[str, str], person: Callable[[str], str],
              problems: list[Problem]) -> list[dict[str, str]]:
        def problem(column: str, reason: str) -> None:
            problems.append(Problem(self.connections_label, number,
                                    column if self.column_case == "title" else column.lower(),
                                    reason, self._tie_unit))

        types = {_code(t) for t in _split(fields.get("type", ""))}
        unknown = sorted(types - {*TRUST, RECRUITED})
        if unknown:
            problem("Type", f"unknown connection type {', '.join(map(repr, unknown))}; "
                    f"expected any of {', '.join((*TRUST, RECRUITED))} separated by |")
        direction = fields.get("direction", "").lower()
        if direction and direction not in DIRECTIONS:
            problem("Direction", f"unknown direction {direction!r}; expected one of "
                    f"{', '.join(DIRECTIONS)}")
        strength = fields.get("strength", "") or "1"
        tags = {_code(t) for t in _split(fields.get("tags", ""))}
        cells = {c: fields.get(kumu_key(CONNECTION_FIELDS[c]), "") for c in
                 ("since", "until")}
        for trust in TRUST:
            cells[trust] = (fields.get(kumu_key(CONNECTION_FIELDS[trust]), "")
                            or (strength if trust in types else "0"))
        cells["recruited"] = "yes" if RECRUITED in types | tags else "no"
        source = person(fields.get("from", "").strip())
        return [{**cells, "source": source, "target": person(target)}
                for target in _split(fields.get("to", "")) or [""]]


def _match(found: list[tuple[str, str]], kind: str) -> str | None:
    """The one person of ``found`` (same name) with this group, else the only one."""
    typed = [pid for pid, group in found if kind and group == _code(kind)]
    if len(typed) == 1:
        return typed[0]
    return found[0][0] if len(found) == 1 else None
