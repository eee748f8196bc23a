"""Events: what the movement did (a workshop, a listening campaign, a launch) and who took part.

An event has a day, a name (at most 200 characters), optionally a description and a kind, and
the people who took part (ids of people in the map). It is kept in the map's own record, one
field per event (``event:<id>``) beside the settings, so adding, changing or removing an event
is one change set that says who, when and through what, and can be undone like any other;
the stores need nothing new. ``UseCases.add_event``, ``update_event`` and ``delete_event`` are
the one way to change them.

An event's id is made once, when it is added, from its day and name
(``2025-09-29-community-workshop``), and never changes: editing the name keeps the id.

Example:
    >>> event = Event(date="2025-09-29", name="Community workshop", people=["p1", "p2", "p1"])
    >>> event.people
    ('p1', 'p2')
    >>> new_event_id(event, taken={"2025-09-29-community-workshop"})
    '2025-09-29-community-workshop-2'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, field_validator

from graph.limits import LIMITS
from graph.model import (
    ID_TEXT,
    MAX_ID_LENGTH,
    VISIBLE_TEXT,
    Day,
    _check_count,
    _check_id,
    _documented,
    _Model,
    clean_text,
)

if TYPE_CHECKING:
    from graph.analysis.event_effects import EventEffects

__all__ = [
    "EVENT_FIELD",
    "EVENT_ID_PATTERN",
    "MAX_EVENT_DESCRIPTION",
    "MAX_EVENT_KIND",
    "MAX_EVENT_NAME",
    "Event",
    "RecordedEvent",
    "event_field",
    "is_event_id",
    "new_event_id",
    "recorded_events",
]

EVENT_FIELD = "event:"
"""The prefix of an event's field in the map's record: ``event:<id>``."""
MAX_EVENT_NAME = 200
MAX_EVENT_DESCRIPTION = 2_000
MAX_EVENT_KIND = 100
EVENT_ID_PATTERN = r"^[a-z0-9][a-z0-9\-]{0,79}$"
"""What an event id looks like (the day, then the name in small letters and dashes)."""
_ID_RE = re.compile(EVENT_ID_PATTERN)
_SLUG_LENGTH = 60


PersonId = Annotated[str, Field(json_schema_extra=_documented(ID_TEXT,
                                                            maxLength=MAX_ID_LENGTH))]
"""A person's id as JSON Schema describes it (``Event`` checks it as ``Person`` does)."""


class Event(_Model):
    """What the movement did on a day, and who took part (as a user gives it)."""

    date: Day = Field(description="the day it happened, YYYY-MM-DD")
    name: str = Field(min_length=1, max_length=MAX_EVENT_NAME,
                      description="what it was called, e.g. Community workshop",
                      json_schema_extra=_documented(VISIBLE_TEXT))
    description: str = Field(default="", max_length=MAX_EVENT_DESCRIPTION,
                             description="what happened, in a few lines",
                             json_schema_extra=_documented(VISIBLE_TEXT))
    kind: str = Field(default="", max_length=MAX_EVENT_KIND,
                      description="e.g. workshop, listening campaign, launch",
                      json_schema_extra=_documented(VISIBLE_TEXT))
    people: tuple[PersonId, ...] = Field(
        default=(), description="the ids of the people who took part (each once)",
        json_schema_extra={"maxItems": LIMITS.people_per_event})

    @field_validator("name", "kind", "description", mode="before")
    @classmethod
    def _visible(cls, value: Any, info: Any) -> Any:
        """Visible text (``clean_text``); a description keeps its line breaks."""
        if not isinstance(value, str):
            return value
        return clean_text(value, info.field_name, lines=info.field_name == "description")

    @field_validator("people", mode="before")
    @classmethod
    def _people(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            _check_count(len(value), LIMITS.people_per_event, "people_per_event",
                         "people taking part in one event")
            if not all(isinstance(v, str) for v in value):
                raise ValueError("each person must be given by their id, as text")
            return tuple(dict.fromkeys(_check_id(v, "a person's id") for v in value))
        return value

    def stored(self) -> dict[str, Any]:
        """The event as the map's record keeps it: plain JSON values."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class RecordedEvent:
    """An event as recorded with a map: its id and what was given."""

    id: str
    event: Event

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.event.stored()}

    def with_effects(self, effects: EventEffects) -> dict[str, Any]:
        """The event with what went with it, as the API and ``movemap events --json`` show
        it."""
        return {**self.to_dict(), "effects": effects.to_dict()}


def event_field(event_id: str) -> str:
    """The field of the map's record that holds event ``event_id``."""
    return f"{EVENT_FIELD}{event_id}"


def _slug(text: str) -> str:
    """``Café & Chat!`` → ``cafe-chat``: small ASCII letters and digits joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def new_event_id(event: Event, taken: Collection[str]) -> str:
    """A new id for ``event``: its day and its name as a slug, with ``-2``, ``-3``… when
    another event of the map has it already."""
    base = f"{event.date.isoformat()}-{_slug(event.name)}"[:_SLUG_LENGTH].rstrip("-")
    found, k = base, 1
    while found in taken:
        k += 1
        found = f"{base}-{k}"
    return found


def is_event_id(text: str) -> bool:
    """Whether ``text`` could be an event id (so a bad one is refused before any search)."""
    return bool(_ID_RE.fullmatch(text))


def recorded_events(fields: Mapping[str, Any]) -> list[RecordedEvent]:
    """The events among the map record's current values (``field -> value``), oldest day
    first (then by id)."""
    found = [RecordedEvent(name[len(EVENT_FIELD):], Event.model_validate(value))
             for name, value in fields.items()
             if name.startswith(EVENT_FIELD) and isinstance(value, dict)]
    return sorted(found, key=lambda e: (e.event.date, e.id))
