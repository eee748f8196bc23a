"""What an import would do, listed before anything is written: the dry run.

The import core (``graph.usecases.UseCases.import_records``) compares each row of the file with
the map as it stands and sorts it: *created* (new), *updated* (which fields change),
*left alone* (the same), and with ``--replace`` *leaving* (in the map but not in the file). It
also flags rows that *look like duplicates*: a person with the same name and organisation as
someone else of another id (in the map, or earlier in the file), whatever the case or accents,
the usual sign of one person entered twice under two ids.

Lists are long on big maps, so each keeps its first ``LISTED`` entries beside its full count.

Example:
    >>> from graph.model import Person
    >>> looks_like_duplicates([Person(id="p9", name="Ana Lee", organisation="Bay", group="people")],
    ...                       [Person(id="p1", name="ana lée", organisation="BAY", group="people")])
    [Duplicate(id='p9', other='p1', name='Ana Lee', organisation='Bay', where='map')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.model import Person
from graph.spelling import fold_text

__all__ = ["LISTED", "Duplicate", "ImportPlan", "Listing", "looks_like_duplicates"]

LISTED = 1000
"""Entries kept in each list of a plan (the counts are always whole)."""


@dataclass
class Listing:
    """A count and its first ``LISTED`` entries."""

    count: int = 0
    items: list[Any] = field(default_factory=list)

    def add(self, item: Any) -> None:
        self.count += 1
        if len(self.items) < LISTED:
            self.items.append(item)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "listed": self.items,
                "more": self.count - len(self.items)}


@dataclass(frozen=True)
class Duplicate:
    """``id`` has the same name and organisation as ``other`` (``where``: the map, or the
    file)."""

    id: str
    other: str
    name: str
    organisation: str
    where: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "other": self.other, "name": self.name,
                "organisation": self.organisation, "where": self.where}


@dataclass
class ImportPlan:
    """What an import would create, update, leave alone and (with replace) end, and which
    people look like duplicates. People are listed by id; ties as ``[source, target]``; an
    update as ``[id, [fields]]`` (a tie's as ``[source, target, [fields]]``)."""

    constituency: str
    new_map: bool = False
    people_created: Listing = field(default_factory=Listing)
    people_updated: Listing = field(default_factory=Listing)
    people_unchanged: Listing = field(default_factory=Listing)
    people_leaving: Listing = field(default_factory=Listing)
    ties_created: Listing = field(default_factory=Listing)
    ties_updated: Listing = field(default_factory=Listing)
    ties_unchanged: Listing = field(default_factory=Listing)
    ties_ending: Listing = field(default_factory=Listing)
    map_fields: tuple[str, ...] = ()
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.people_created.count or self.people_updated.count
                    or self.people_leaving.count or self.ties_created.count
                    or self.ties_updated.count or self.ties_ending.count or self.map_fields)

    def to_dict(self) -> dict[str, Any]:
        return {
            "constituency": self.constituency,
            "new_map": self.new_map,
            "people": {"created": self.people_created.to_dict(),
                       "updated": self.people_updated.to_dict(),
                       "unchanged": self.people_unchanged.to_dict(),
                       "leaving": self.people_leaving.to_dict()},
            "relationships": {"created": self.ties_created.to_dict(),
                              "updated": self.ties_updated.to_dict(),
                              "unchanged": self.ties_unchanged.to_dict(),
                              "ending": self.ties_ending.to_dict()},
            "map": list(self.map_fields),
            "duplicates": [d.to_dict() for d in self.duplicates[:LISTED]],
            "duplicates_count": len(self.duplicates),
            "warnings": self.warnings,
        }


def _key(person: Person) -> tuple[str, str] | None:
    name = fold_text(person.name)
    return (name, fold_text(person.organisation)) if name else None


def looks_like_duplicates(people: Sequence[Person], existing: Iterable[Person]
                          ) -> list[Duplicate]:
    """People of the file with the name and organisation (case and accents aside) of someone
    of another id: in ``existing`` (the map), or earlier in the file. Someone without a name
    is never a duplicate."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for person in existing:
        key = _key(person)
        if key is not None:
            seen.setdefault(key, (person.id, "map"))
    found: list[Duplicate] = []
    for person in people:
        key = _key(person)
        if key is None:
            continue
        other = seen.setdefault(key, (person.id, "file"))
        if other[0] != person.id:
            found.append(Duplicate(person.id, other[0], person.name, person.organisation,
                                   other[1]))
    return found
