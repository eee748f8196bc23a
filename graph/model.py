"""The domain model: constituency, person, relationship and the code names of docs/terms.md.

Everything a user can type (a CSV cell, a form field, an API body) is validated here, so the
stores, the importer and the API share one set of rules and one wording of every error.

Example:
    >>> p = Person(id="p1", group="people", engagement="leading")
    >>> p.engagement.rank > Engagement.CONTRIBUTING.rank
    True
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from graph.codes import GROUPS, TRUST_TYPES, Engagement, Group, Role, TrustType
from graph.limits import LIMITS, setting_name

__all__ = [
    "GROUPS",
    "TRUST_TYPES",
    "Constituency",
    "Engagement",
    "Group",
    "Person",
    "Relationship",
    "Role",
    "TrustType",
    "normalise_segment",
]


MAX_TRUST = 3
MAX_POWER = 3
MAX_ID_LENGTH = LIMITS.id_length
MAX_TEXT_LENGTH = LIMITS.text_length

def _integral(value: Any) -> Any:
    """``3.0`` is the whole number 3 (as JSON Schema reads it); anything else is left to the
    type's own check, so ``"3"`` stays text where a number is strict."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> Any:
    """A day written ``YYYY-MM-DD`` (or a ``date``): never a number taken for a timestamp, nor a
    date and time."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None


Day = Annotated[date, BeforeValidator(_iso_day), Field(json_schema_extra={
    "pattern": r"^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$"})]
"""A calendar day, written ``YYYY-MM-DD`` in text."""

Strength = Annotated[int, Field(ge=0, le=MAX_TRUST), BeforeValidator(_integral)]
Power = Annotated[int, Field(ge=0, le=MAX_POWER), BeforeValidator(_integral)]

_SEGMENT_RE = re.compile(r"\s*:\s*")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,99}$")


_HIDDEN_CLASS = (r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
                 r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
HIDDEN = re.compile(f"[{_HIDDEN_CLASS}\r]")
"""Characters a reader cannot see or that change how text around them is shown: control
characters (tab and newline aside), zero-width characters, bidirectional overrides and
isolates, the byte-order mark. ``p0001`` and ``p0001`` followed by a zero-width space would
otherwise look like one person."""
_LINE_BREAKS = re.compile("[\t\n\r]+")

VISIBLE_TEXT = f"^[^{_HIDDEN_CLASS}]*$"
"""``HIDDEN`` as a JSON Schema pattern (tab and line breaks allowed: they become spaces or
stay line breaks), written so that both Python and JavaScript regular expressions read it."""
ID_TEXT = f"^[^{_HIDDEN_CLASS}]*[^\\s{_HIDDEN_CLASS}][^{_HIDDEN_CLASS}]*$"
"""A pattern for ids and segments: visible text with at least one character that is not a
space."""


def _documented(pattern: str, **extra: Any) -> dict[str, Any]:
    """What the JSON Schema (and so the OpenAPI document) says of a text field beyond its type:
    the validators here check it, with a message in plain words."""
    return {"pattern": pattern, **extra}


def clean_text(value: str, what: str, *, lines: bool = False) -> str:
    """``value`` in Unicode NFC (so one word is stored one way), or ``ValueError`` naming the
    first hidden character (``HIDDEN``). Line breaks and tabs become one space, unless
    ``lines`` keeps them (as newlines and tabs).

    Example:
        >>> clean_text("Cafe\u0301", "name") == "Café"
        True
        >>> clean_text("ana\u202e", "name")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: name has a hidden character at position 4: U+202E RIGHT-TO-LEFT ...
    """
    text = unicodedata.normalize("NFC", value)
    text = (text.replace("\r\n", "\n").replace("\r", "\n") if lines
            else _LINE_BREAKS.sub(" ", text))
    found = HIDDEN.search(text)
    if found:
        ch = found.group()
        label = unicodedata.name(ch, "a control character")
        raise ValueError(f"{what} has a hidden character at position {found.start() + 1}: "
                         f"U+{ord(ch):04X} {label}; remove it")
    return text


def normalise_segment(value: str) -> str:
    """Tidy a segment such as ``" locality : Barrow "`` into ``"locality:Barrow"``.

    A segment is a place, community or service the constituency should include; the part before
    the colon is its kind (``locality``, ``community``, ``service``…), free text is allowed.
    """
    text = " ".join(clean_text(value, "a segment").split())
    if not text:
        raise ValueError("a segment cannot be empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"a segment is at most {MAX_TEXT_LENGTH} characters")
    return _SEGMENT_RE.sub(":", text, count=1)


Segment = Annotated[str, Field(json_schema_extra=_documented(ID_TEXT,
                                                            maxLength=MAX_TEXT_LENGTH))]
"""A segment as JSON Schema describes it; ``normalise_segment`` checks and tidies it."""


def _check_id(value: str, what: str) -> str:
    text = clean_text(value.strip(), what)
    if not text:
        raise ValueError(f"{what} is required")
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"{what} is at most {MAX_ID_LENGTH} characters")
    return text


def _check_count(count: int, allowed: int, limit: str, what: str) -> None:
    if count > allowed:
        raise ValueError(f"at most {allowed:,} {what} ({setting_name(limit)}), got {count:,}")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Person(_Model):
    """One member (or expected member) of a constituency."""

    id: str = Field(json_schema_extra=_documented(ID_TEXT, maxLength=MAX_ID_LENGTH))
    name: str = Field(default="", max_length=MAX_TEXT_LENGTH,
                      json_schema_extra=_documented(VISIBLE_TEXT))
    group: Group
    other_groups: tuple[Group, ...] = Field(default=(), json_schema_extra={
        "maxItems": 2 * len(Group)})
    organisation: str = Field(default="", max_length=MAX_TEXT_LENGTH,
                              json_schema_extra=_documented(VISIBLE_TEXT))
    segments: tuple[Segment, ...] = Field(default=(), json_schema_extra={
        "maxItems": LIMITS.segments_per_person})
    formal_power: Power = 0
    informal_power: Power = 0
    lived_experience: bool = False
    engagement: Engagement = Engagement.UNENGAGED
    role: Role | None = None
    joined: Day | None = None
    left: Day | None = None
    """The day they left the constituency (kept in the history; the current map leaves them
    out from that day)."""

    @field_validator("id", mode="before")
    @classmethod
    def _valid_id(cls, value: Any) -> Any:
        return _check_id(value, "id") if isinstance(value, str) else value

    @field_validator("name", "organisation", mode="before")
    @classmethod
    def _visible_text(cls, value: Any, info: Any) -> Any:
        return clean_text(value, info.field_name) if isinstance(value, str) else value

    @field_validator("other_groups", mode="before")
    @classmethod
    def _few_groups(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if len(value) > 2 * len(GROUPS):
                raise ValueError(f"other_groups lists at most the {len(GROUPS)} groups")
            return tuple(value)
        return value

    @field_validator("segments", mode="before")
    @classmethod
    def _valid_segments(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            _check_count(len(value), LIMITS.segments_per_person, "segments_per_person",
                         "segments of a person")
            seen: dict[str, None] = {}
            for item in value:
                if not isinstance(item, str):
                    raise ValueError("each segment must be text")
                seen[normalise_segment(item)] = None
            return tuple(seen)
        return value

    @model_validator(mode="after")
    def _other_groups_exclude_primary(self) -> Person:
        cleaned = tuple(dict.fromkeys(g for g in self.other_groups if g != self.group))
        if cleaned != self.other_groups:
            object.__setattr__(self, "other_groups", cleaned)
        return self

    @model_validator(mode="after")
    def _left_after_joined(self) -> Person:
        if self.left is not None and self.joined is not None and self.left <= self.joined:
            raise ValueError(f"left ({self.left}) must be after joined ({self.joined})")
        return self

    @property
    def groups(self) -> tuple[Group, ...]:
        """Primary group first, then the others."""
        return (self.group, *self.other_groups)

    @property
    def engaged(self) -> bool:
        """Engaged for the role analysis: ``contributing`` or above, or a declared role."""
        return self.engagement.rank >= Engagement.CONTRIBUTING.rank or self.role is not None

    @property
    def in_core(self) -> bool:
        """In the engaged core: ``leading`` or a declared role."""
        return self.engagement is Engagement.LEADING or self.role is not None


class Relationship(_Model):
    """A recorded tie from ``source`` to ``target``; the tie itself is undirected.

    ``recruited`` means the source brought the target into the movement.
    """

    source: str = Field(json_schema_extra=_documented(ID_TEXT, maxLength=MAX_ID_LENGTH))
    target: str = Field(json_schema_extra=_documented(ID_TEXT, maxLength=MAX_ID_LENGTH))
    relational: Strength = 0
    functional: Strength = 0
    flow_of_value: Strength = 0
    recruited: bool = False
    since: Day | None = None
    until: Day | None = None
    """The day the tie ended (kept in the history; the current map leaves it out from then)."""

    @field_validator("source", "target", mode="before")
    @classmethod
    def _valid_ids(cls, value: Any, info: Any) -> Any:
        return _check_id(value, info.field_name) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _no_self_tie(self) -> Relationship:
        if self.source == self.target:
            raise ValueError("a person cannot have a tie to themselves (source equals target)")
        if self.until is not None and self.since is not None and self.until <= self.since:
            raise ValueError(f"until ({self.until}) must be after since ({self.since})")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """The identity of a recorded relationship: an upsert replaces the same key."""
        return (self.source, self.target)

    def strength(self, trust: TrustType | str) -> int:
        return int(getattr(self, TrustType(trust).value))


class Constituency(_Model):
    """A named map; one store holds many."""

    name: str = Field(json_schema_extra=_documented(
        r"^\s*[A-Za-z0-9][A-Za-z0-9 _.\-]{0,99}\s*$"))
    description: str = Field(default="", max_length=MAX_TEXT_LENGTH,
                             json_schema_extra=_documented(VISIBLE_TEXT))
    expected_segments: tuple[Segment, ...] = Field(default=(), json_schema_extra={
        "maxItems": LIMITS.expected_segments})

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError(
                "a constituency name starts with a letter or digit and has at most 100 letters, "
                "digits, spaces, '.', '_' or '-'"
            )
        return value

    @field_validator("description", mode="before")
    @classmethod
    def _visible_description(cls, value: Any) -> Any:
        return clean_text(value, "description", lines=True) if isinstance(value, str) else value

    @field_validator("expected_segments", mode="before")
    @classmethod
    def _valid_expected(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            _check_count(len(value), LIMITS.expected_segments, "expected_segments",
                         "expected segments of a map")
            if not all(isinstance(v, str) for v in value):
                raise ValueError("each expected segment must be text")
            return tuple(dict.fromkeys(normalise_segment(v) for v in value))
        return value


def check_constituency_name(name: str) -> str:
    """Return ``name`` if it is a valid constituency name, else raise ``ValueError``."""
    return Constituency(name=name).name
