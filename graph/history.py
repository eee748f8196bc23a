"""Recorded time: the change sets a store keeps, and the timelines they wrote.

Every write to a map is one *change set*: when movemap was told (``recorded_at``, UTC), by whom
(``by``: an account's email, or ``cli:USER``), through what (``via``: ``dashboard``, ``api``,
``cli``, ``import people.csv relationships.csv``…), a summary in plain words, and for each
person, tie or the map itself the timeline before and after (``graph.timeline``). Change sets are
only ever added: an undo is a new change set that reverses an earlier one, so an undo can be
undone too.

A store keeps, beside its current map, one *record* per person, tie and map: the latest
timeline (as JSON) and a version that goes up with every change to it (the ``ETag`` of the API).
This module holds those plain values; ``graph.usecases`` makes and reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "MAP_KEY",
    "Actor",
    "ChangeSetHeader",
    "ChangeSetRecord",
    "Key",
    "StoredChange",
    "TimelineRecord",
    "person_key",
    "tie_key",
]

Key = tuple[str, str, str]
"""What a record is about: ``("person", id, "")``, ``("tie", source, target)`` or
``("map", "", "")``."""

MAP_KEY: Key = ("map", "", "")


def person_key(person_id: str) -> Key:
    return ("person", person_id, "")


def tie_key(source: str, target: str) -> Key:
    return ("tie", source, target)


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through what: recorded with every change set.

    >>> Actor("lead@example.org", "dashboard").by
    'lead@example.org'
    """

    by: str
    via: str


@dataclass(frozen=True)
class TimelineRecord:
    """The latest timeline of one person, tie or map, and its version: the id of the change set
    that last wrote it (so a version never repeats, even for a record removed and made again).
    """

    key: Key
    version: int
    timeline: str


@dataclass(frozen=True)
class StoredChange:
    """One record's timeline before and after a change set (``None``: no record)."""

    key: Key
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ChangeSetHeader:
    """What a store records about a change set besides its changes."""

    recorded_at: datetime
    by: str
    via: str
    summary: str
    undoes: int | None = None


@dataclass(frozen=True)
class ChangeSetRecord:
    """A change set as a store returns it: its id (ascending in recorded order), the header and
    its changes (empty when they were not asked for)."""

    id: int
    header: ChangeSetHeader
    changes: tuple[StoredChange, ...]
    change_count: int
    """How many changes it holds (``changes`` may list fewer: see ``max_changes``)."""
    undone_by: int | None = None
    """The latest change set that undid this one, if any."""
