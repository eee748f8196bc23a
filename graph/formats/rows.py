"""A map as rows of text, the columns of the CSV templates: what every writer writes.

``MapExport`` is the map (or the map as it stood on a day) read through the use cases; the
cells are written the way the importer reads them back (code names, ISO dates, ``yes``/``no``),
so an exported file imports as the same map.

Example:
    >>> from graph.model import Person
    >>> person_cells(Person(id="p1", group="people", segments=("locality:Barrow",)))[:3]
    ['p1', '', 'people']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graph.export_view import ExportView
from graph.importer import PEOPLE_COLUMNS, RELATIONSHIP_COLUMNS
from graph.model import Person, Relationship

__all__ = ["PEOPLE_COLUMNS", "RELATIONSHIP_COLUMNS", "MapExport", "person_cells", "tie_cells"]


@dataclass(frozen=True)
class MapExport:
    """What an export holds: the map's people and ties (by id), its description and
    expected segments, the day it stood at (``as_of``; ``None``: today) and the part of the
    map it holds (``view``; the whole map when no condition is set)."""

    name: str
    description: str
    expected_segments: tuple[str, ...]
    people: Sequence[Person]
    ties: Sequence[Relationship]
    as_of: date | None = None
    view: ExportView = ExportView()


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def person_cells(p: Person) -> list[str]:
    """One person as text, in ``PEOPLE_COLUMNS`` order."""
    return [p.id, p.name, p.group.value, ";".join(g.value for g in p.other_groups),
            p.organisation, ";".join(p.segments), str(p.formal_power), str(p.informal_power),
            _yes(p.lived_experience), p.engagement.value, "" if p.role is None else p.role.value,
            _day(p.joined), _day(p.left)]


def tie_cells(t: Relationship) -> list[str]:
    """One tie as text, in ``RELATIONSHIP_COLUMNS`` order."""
    return [t.source, t.target, str(t.relational), str(t.functional), str(t.flow_of_value),
            _yes(t.recruited), _day(t.since), _day(t.until)]

