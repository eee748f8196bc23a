"""Valid time: what was true in the movement, and from which day.

A *timeline* holds, for one person or one tie, every field's values over time: a sorted list of
``(from_day, value)`` entries, each value holding from its day until the next entry. ``from_day``
``None`` means *since always* (nobody said when). The field ``present`` says when the person was
in the constituency (joined, left, rejoined) or the tie existed (formed, ended).

Every edit is made on one day and sets a field *from that day until that field's next recorded
change*: telling movemap on 1 May that Ana has led since 1 March changes March and April, and
keeps a later recorded change (she stepped back in June) as it was. A late correction is
therefore one more edit, never a rewrite of what was recorded.

``state_at`` gives the map as it stood at the end of a day; ``merge_undo`` reverses one change
field by field and refuses when a later change touched the same field.

Example:
    >>> from datetime import date
    >>> from graph.model import Person
    >>> t = person_timeline(Person(id="ana", group="people", engagement="aware"),
    ...                     start=date(2024, 1, 10))
    >>> t = t.set({"engagement": "leading"}, on=date(2024, 6, 1))
    >>> person_at(t, "ana", date(2024, 3, 1)).engagement.value
    'aware'
    >>> person_at(t, "ana", date(2024, 7, 1)).engagement.value
    'leading'
    >>> person_at(t, "ana", date(2023, 12, 31)) is None   # not yet joined
    True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.errors import MovemapError
from graph.history import MAP_KEY, StoredChange, person_key, tie_key
from graph.model import Constituency, Person, Relationship

__all__ = [
    "PERSON_FIELDS",
    "PRESENT",
    "TIE_FIELDS",
    "Timeline",
    "UndoConflict",
    "changed_fields",
    "history_seed",
    "map_timeline",
    "merge_undo",
    "person_at",
    "person_timeline",
    "person_values",
    "tie_at",
    "tie_timeline",
    "tie_values",
]

Value = Any
"""A field's value as the model holds it in code names: text, a whole number, a bool, a tuple of
text (``other_groups``, ``segments``) or ``None`` (no role declared)."""

Entry = tuple[date | None, Value]

PRESENT = "present"
PERSON_FIELDS: tuple[str, ...] = (
    "name", "group", "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role",
)
"""The person's fields that have a timeline (``joined`` and ``left`` come from ``present``)."""
TIE_FIELDS: tuple[str, ...] = ("relational", "functional", "flow_of_value", "recruited")
"""The tie's fields that have a timeline (``since`` and ``until`` come from ``present``)."""


class UndoConflict(MovemapError):
    """A change cannot be undone: a later change touched the same fields."""

    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


def _order(day: date | None) -> int:
    return -1 if day is None else day.toordinal()


def _normalise(entries: Iterable[Entry], *, presence: bool = False) -> tuple[Entry, ...]:
    """Sorted by day, no two entries on one day (the later wins), no entry repeating the value
    before it; for ``present`` no leading ``False`` (absent is what comes before a start)."""
    by_day: dict[int, Entry] = {}
    for entry in entries:
        by_day[_order(entry[0])] = entry
    out: list[Entry] = []
    for key in sorted(by_day):
        entry = by_day[key]
        if out and out[-1][1] == entry[1]:
            continue
        if presence and not out and entry[1] is False:
            continue
        out.append(entry)
    return tuple(out)


def _value_at(entries: tuple[Entry, ...], day: date | None) -> Value:
    """The value holding at the end of ``day`` (``None`` day: since always): the last entry
    from on or before it, else the first entry (a value recorded later held before too)."""
    if not entries:
        return None
    key = _order(day)
    found = entries[0][1]
    for start, value in entries:
        if _order(start) > key:
            break
        found = value
    return found


@dataclass(frozen=True)
class Timeline:
    """Every field's values over time, for one person or one tie.

    ``fields`` maps each field name (``PERSON_FIELDS`` or ``TIE_FIELDS``, and ``present``) to its
    normalised entries. Timelines are values: equal when their entries are.
    """

    fields: Mapping[str, tuple[Entry, ...]]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeline) and dict(self.fields) == dict(other.fields)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.fields.items())))

    def present_at(self, day: date) -> bool:
        """In the map (or, for a tie, existing) at the end of ``day``."""
        entries = self.fields.get(PRESENT, ())
        key = _order(day)
        present = False
        for start, value in entries:
            if _order(start) > key:
                break
            present = bool(value)
        return present

    def value_at(self, name: str, day: date | None) -> Value:
        return _value_at(self.fields.get(name, ()), day)

    @property
    def start(self) -> date | None:
        """The day of the first start (joined, formed); ``None`` when since always."""
        for start, value in self.fields.get(PRESENT, ()):
            if value:
                return start
        return None

    def end_after(self, day: date) -> date | None:
        """The first day after ``day`` on which it is no longer present (left, ended), if any."""
        key = _order(day)
        for start, value in self.fields.get(PRESENT, ()):
            if not value and _order(start) > key:
                return start
        return None

    @property
    def ended(self) -> date | None:
        """The day it left or ended, when its last entry is an end."""
        entries = self.fields.get(PRESENT, ())
        if entries and entries[-1][1] is False:
            return entries[-1][0]
        return None

    @property
    def days(self) -> tuple[date, ...]:
        """Every day on which some field changed, ascending."""
        found = {start for entries in self.fields.values() for start, _ in entries if start}
        return tuple(sorted(found))

    def set(self, values: Mapping[str, Value], on: date | None) -> Timeline:
        """Set fields from ``on`` (``None``: since always) until each field's next change."""
        fields = dict(self.fields)
        for name, value in values.items():
            key = _order(on)
            entries = fields.get(name, ())
            kept = [e for e in entries if _order(e[0]) != key]
            fields[name] = _normalise([*kept, (on, _freeze(name, value))],
                                      presence=name == PRESENT)
        return Timeline(fields)

    def with_start(self, start: date | None) -> Timeline:
        """The same timeline with its first start moved to ``start`` (a correction of when a
        person joined or a tie formed). ``ValueError`` when that is not before the next change
        of presence (it would start after they left)."""
        entries = list(self.fields.get(PRESENT, ()))
        if not entries:
            raise ValueError("it has never been present")
        if len(entries) > 1 and _order(start) >= _order(entries[1][0]):
            raise ValueError(
                f"the start {_text(start)} is not before the end on {_text(entries[1][0])}"
            )
        entries[0] = (start, True)
        fields = dict(self.fields)
        fields[PRESENT] = _normalise(entries, presence=True)
        return Timeline(fields)

    def to_json(self) -> str:
        """Compact JSON: ``{"field": [[ISO day or null, value], …], …}``."""
        return json.dumps(
            {
                name: [[None if d is None else d.isoformat(), _thaw(v)] for d, v in entries]
                for name, entries in sorted(self.fields.items())
            },
            ensure_ascii=False, separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Timeline:
        data = json.loads(text)
        return cls({
            name: tuple(
                (None if d is None else date.fromisoformat(d), _freeze(name, v))
                for d, v in entries
            )
            for name, entries in data.items()
        })


def _freeze(name: str, value: Value) -> Value:
    if isinstance(value, list | tuple):  # lists of text: other_groups, segments, expected
        return tuple(value)
    if hasattr(value, "value") and not isinstance(value, bool | int):  # an enum member
        return value.value
    return value


def _thaw(value: Value) -> Value:
    return list(value) if isinstance(value, tuple) else value


def _text(day: date | None) -> str:
    return "always" if day is None else day.isoformat()


def _person_values(person: Person) -> dict[str, Value]:
    return {
        "name": person.name,
        "group": person.group.value,
        "other_groups": tuple(g.value for g in person.other_groups),
        "organisation": person.organisation,
        "segments": person.segments,
        "formal_power": person.formal_power,
        "informal_power": person.informal_power,
        "lived_experience": person.lived_experience,
        "engagement": person.engagement.value,
        "role": None if person.role is None else person.role.value,
    }


def _tie_values(tie: Relationship) -> dict[str, Value]:
    return {
        "relational": tie.relational,
        "functional": tie.functional,
        "flow_of_value": tie.flow_of_value,
        "recruited": tie.recruited,
    }


def person_values(person: Person) -> dict[str, Value]:
    """A person's fields that have a timeline, as plain values."""
    return _person_values(person)


def tie_values(tie: Relationship) -> dict[str, Value]:
    """A tie's fields that have a timeline, as plain values."""
    return _tie_values(tie)


def _new(values: Mapping[str, Value], start: date | None, end: date | None) -> Timeline:
    fields: dict[str, tuple[Entry, ...]] = {
        name: ((start, _freeze(name, value)),) for name, value in values.items()}
    present: list[Entry] = [(start, True)]
    if end is not None:
        if _order(end) <= _order(start):
            raise ValueError(f"it cannot end on {end} before it started on {_text(start)}")
        present.append((end, False))
    fields[PRESENT] = tuple(present)
    return Timeline(fields)


def person_timeline(person: Person, start: date | None) -> Timeline:
    """A new person's timeline: its fields and presence from ``start`` (and until
    ``person.left`` when given)."""
    return _new(_person_values(person), start, person.left)


def tie_timeline(tie: Relationship, start: date | None) -> Timeline:
    """A new tie's timeline: its strengths and existence from ``start`` (until
    ``tie.until`` when given)."""
    return _new(_tie_values(tie), start, tie.until)


def person_at(timeline: Timeline, person_id: str, day: date) -> Person | None:
    """The person as at the end of ``day``, or ``None`` when not in the map then."""
    if not timeline.present_at(day):
        return None
    values = {name: timeline.value_at(name, day) for name in PERSON_FIELDS}
    return Person(id=person_id, joined=timeline.start, left=timeline.end_after(day), **values)


def tie_at(timeline: Timeline, source: str, target: str, day: date) -> Relationship | None:
    """The tie as at the end of ``day``, or ``None`` when it did not exist then."""
    if not timeline.present_at(day):
        return None
    values = {name: timeline.value_at(name, day) for name in TIE_FIELDS}
    return Relationship(source=source, target=target, since=timeline.start,
                        until=timeline.end_after(day), **values)


def changed_fields(before: Timeline | None, after: Timeline | None) -> tuple[str, ...]:
    """The fields whose timelines differ (every field of the one side when the other is
    ``None``), in a stable order."""
    old = before.fields if before else {}
    new = after.fields if after else {}
    names = set(old) | set(new)
    return tuple(sorted(n for n in names if old.get(n, ()) != new.get(n, ())))


def merge_undo(
    before: Timeline | None, after: Timeline | None, current: Timeline | None
) -> Timeline | None:
    """What undoing a change from ``before`` to ``after`` leaves, given the ``current`` timeline.

    Field by field: a field the change did not touch keeps its current value; a touched field
    that nobody changed since goes back; a touched field changed since is a conflict
    (``UndoConflict`` naming the fields). ``None`` is "no record" (created or removed).
    """
    if current == after:
        return before
    if before is None or after is None or current is None:
        # created and since changed, or removed and since re-created: the whole record conflicts
        raise UndoConflict("it was changed again after this change", changed_fields(after,
                                                                                    current))
    merged = dict(current.fields)
    conflicts: list[str] = []
    for name in changed_fields(before, after):
        if current.fields.get(name, ()) == after.fields.get(name, ()):
            if name in before.fields:
                merged[name] = before.fields[name]
            else:
                merged.pop(name, None)
        else:
            conflicts.append(name)
    if conflicts:
        raise UndoConflict(
            f"{', '.join(conflicts)} changed again after this change", tuple(conflicts)
        )
    return Timeline(merged)


def map_timeline(constituency: Constituency) -> Timeline:
    """The map's own record: its description and expected segments (not dated)."""
    return Timeline({
        "description": ((None, constituency.description),),
        "expected_segments": ((None, tuple(constituency.expected_segments)),),
        PRESENT: ((None, True),),
    })


def history_seed(
    constituency: Constituency, people: Iterable[Person], ties: Iterable[Relationship]
) -> list[StoredChange]:
    """The first change set of a map that had no history: every person present from
    ``joined`` and every tie from ``since`` (since always when not recorded)."""
    changes = [StoredChange(MAP_KEY, None, map_timeline(constituency).to_json())]
    changes.extend(
        StoredChange(person_key(p.id), None, person_timeline(p, p.joined).to_json())
        for p in people
    )
    changes.extend(
        StoredChange(tie_key(t.source, t.target), None, tie_timeline(t, t.since).to_json())
        for t in ties
    )
    return changes
