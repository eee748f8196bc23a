"""Our shared purpose, as a change lead and the constituency record it: the items and their rules.

The purpose is made together, asynchronously, in *rounds*: people *contribute* to its three
parts (**our**: who are our people; **shared**: what unites us, as a story, a value, a
commonality or a difference; **purpose**: why we act), the lead groups contributions into
*themes*, a small group drafts *statement versions* (draft, prototype, good enough, current,
retired), others *review* them (can live with it, or cannot yet and why), *aims* sit under the
purpose (what, for whom, how much, by when, measured how) and *personas* ask "what would this
person want?".

Every text and list here is bounded (``graph.limits``); a bad value gives a message naming the
field. Ids are given by the use cases (``graph.purpose.records``), never by the caller.

Example:
    >>> c = Contribution(element="shared", kind="story", text="My dad waited three days",
    ...                  date="2025-03-01", contributor={"person": "p1"})
    >>> c.contributor.ref
    'person:p1'
    >>> Contribution(element="our", text="x", date="2025-03-01",
    ...              contributor={"account": "a@b.org"}, kind="story")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Contribution
    ...
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from graph.limits import LIMITS
from graph.model import (
    ID_TEXT,
    MAX_ID_LENGTH,
    VISIBLE_TEXT,
    Day,
    Group,
    Segment,
    _check_count,
    _check_id,
    _documented,
    _Model,
    clean_text,
    normalise_segment,
)

__all__ = [
    "MAX_EMAIL",
    "MAX_TITLE",
    "Aim",
    "Answer",
    "Contribution",
    "Element",
    "Persona",
    "Review",
    "Round",
    "RoundStatus",
    "SharedKind",
    "Statement",
    "StatementStatus",
    "StatementVersion",
    "Theme",
    "ThemeMark",
    "Who",
]

MAX_TITLE = 200
"""Characters of a title, a name or a short answer (what, for whom, how much)."""
MAX_EMAIL = 254
MAX_TEXT = LIMITS.purpose_text_length
MAX_LIST = LIMITS.purpose_list_items
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Element(StrEnum):
    """The three parts of *our shared purpose*."""

    OUR = "our"
    SHARED = "shared"
    PURPOSE = "purpose"


class SharedKind(StrEnum):
    """What a contribution to *shared* is."""

    STORY = "story"
    VALUE = "value"
    COMMONALITY = "commonality"
    DIFFERENCE = "difference"


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ThemeMark(StrEnum):
    """Whether a theme is something that unites us or a difference to work through."""

    UNITES = "unites"
    DIFFERS = "differs"


class StatementStatus(StrEnum):
    """Where a statement version stands; at most one version of a map is ``current``."""

    DRAFT = "draft"
    PROTOTYPE = "prototype"
    GOOD_ENOUGH = "good_enough"
    CURRENT = "current"
    RETIRED = "retired"


class Answer(StrEnum):
    """A reviewer's answer: everyone should be able to live with a good-enough statement."""

    CAN_LIVE_WITH = "can_live_with"
    CANNOT_YET = "cannot_yet"


PersonId = Annotated[str, Field(json_schema_extra=_documented(ID_TEXT,
                                                            maxLength=MAX_ID_LENGTH))]
ItemId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9\-]*$")]
"""An id the use cases gave (``c12``, ``s1-v2``)."""


def _visible(*fields: str, lines: bool = False) -> Any:
    """The validator that makes ``fields`` visible text (``clean_text``); ``lines`` keeps
    line breaks (a story, a statement's part)."""
    def check(cls: Any, value: Any, info: Any) -> Any:
        return clean_text(value, info.field_name, lines=lines) if isinstance(value, str) \
            else value

    return field_validator(*fields, mode="before")(classmethod(check))


def _ids(value: Any, what: str, limit: str = "purpose_list_items") -> Any:
    """A list of ids: each once, in the order given, at most ``purpose_list_items``."""
    if isinstance(value, list | tuple):
        _check_count(len(value), getattr(LIMITS, limit), limit, what)
        if not all(isinstance(v, str) for v in value):
            raise ValueError(f"each of {what} must be given by its id, as text")
        return tuple(dict.fromkeys(_check_id(v, what) for v in value))
    return value


def _bounded(description: str, longest: int, required: bool) -> Any:
    """A text field: required (at least one character) or empty by default."""
    return Field(... if required else "", min_length=1 if required else 0,
                 max_length=longest, description=description,
                 json_schema_extra=_documented(VISIBLE_TEXT))


def _title(description: str, *, required: bool = True) -> Any:
    return _bounded(description, MAX_TITLE, required)


def _long(description: str, *, required: bool = False) -> Any:
    return _bounded(description, MAX_TEXT, required)


class Who(_Model):
    """Who did something: a person in the map (so their group, segments, power and lived
    experience are known) or an account (an email) that is not a person in the map."""

    person: PersonId | None = Field(default=None, description="a person's id in the map")
    account: str | None = Field(default=None, max_length=MAX_EMAIL,
                                description="an account's email, for someone not in the map",
                                json_schema_extra={"pattern": _EMAIL.pattern})

    @field_validator("person", mode="before")
    @classmethod
    def _person(cls, value: Any) -> Any:
        return _check_id(value, "person") if isinstance(value, str) else value

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            if not _EMAIL.fullmatch(value):
                raise ValueError("account must be an email address, e.g. lead@example.org")
        return value

    @model_validator(mode="after")
    def _one(self) -> Who:
        if (self.person is None) == (self.account is None):
            raise ValueError("give either person (an id in the map) or account (an email)")
        return self

    @property
    def ref(self) -> str:
        """``person:ana`` or ``account:lead@example.org``: one text per contributor."""
        return f"person:{self.person}" if self.person is not None else f"account:{self.account}"


class Round(_Model):
    """A round of contributions, open from one day until it is closed."""

    title: str = _title("what this round asks, e.g. Why does this matter to you?")
    opens: Day = Field(description="the day it opens, YYYY-MM-DD")
    closes: Day | None = Field(default=None, description="the day it closes (planned or done)")
    status: RoundStatus = RoundStatus.OPEN

    _clean = _visible("title")

    @model_validator(mode="after")
    def _order(self) -> Round:
        if self.closes is not None and self.closes < self.opens:
            raise ValueError(f"closes ({self.closes}) must not be before opens ({self.opens})")
        return self


class Contribution(_Model):
    """What one person (or account) offers to one part of the purpose."""

    element: Element = Field(description="our, shared or purpose")
    kind: SharedKind | None = Field(
        default=None, description="for shared only: story, value, commonality or difference")
    text: str = _long("what they say, in their words", required=True)
    date: Day = Field(description="the day it was contributed")
    contributor: Who
    round: ItemId | None = Field(default=None, description="the round it answers (its id)")
    picture: str = Field(default="", max_length=500,
                         description="a reference to a picture that goes with a story",
                         json_schema_extra=_documented(VISIBLE_TEXT))
    withdrawn: bool = Field(default=False, description="taken back by the contributor")

    _clean_text = _visible("text", lines=True)
    _clean_picture = _visible("picture")

    @model_validator(mode="after")
    def _kind_for_shared(self) -> Contribution:
        if self.element is Element.SHARED and self.kind is None:
            raise ValueError("kind: a contribution to shared is a story, value, commonality "
                             "or difference")
        if self.element is not Element.SHARED and self.kind is not None:
            raise ValueError(f"kind: only a contribution to shared has a kind, not one to "
                             f"{self.element.value}")
        return self


class Theme(_Model):
    """Contributions a lead grouped together, marked as uniting us or a difference."""

    title: str = _title("the theme in a few words")
    mark: ThemeMark = ThemeMark.UNITES
    contributions: tuple[ItemId, ...] = Field(default=(), json_schema_extra={
        "maxItems": MAX_LIST}, description="the ids of the contributions in it")

    _clean = _visible("title")
    _list = field_validator("contributions", mode="before")(
        classmethod(lambda cls, v: _ids(v, "contributions")))


class Statement(_Model):
    """A purpose statement: its versions (``StatementVersion``) carry the words."""

    title: str = _title("a name for the statement, e.g. Home first")

    _clean = _visible("title")


class StatementVersion(_Model):
    """One version of a statement, with its three parts and who drafted it from what."""

    status: StatementStatus = StatementStatus.DRAFT
    our: str = _long("who are our people")
    shared: str = _long("what unites us")
    purpose: str = _long("why we act and what we hope to achieve", required=True)
    drafted_by: tuple[Who, ...] = Field(default=(), json_schema_extra={"maxItems": MAX_LIST},
                                        description="the small group that drafted it")
    from_contributions: tuple[ItemId, ...] = Field(
        default=(), json_schema_extra={"maxItems": MAX_LIST},
        description="the ids of the contributions it was drafted from")
    round: ItemId | None = None
    date: Day = Field(description="the day this version was drafted")

    _clean = _visible("our", "shared", "purpose", lines=True)

    @field_validator("drafted_by", mode="before")
    @classmethod
    def _drafters(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            _check_count(len(value), MAX_LIST, "purpose_list_items", "drafters of a version")
        return value

    _list = field_validator("from_contributions", mode="before")(
        classmethod(lambda cls, v: _ids(v, "from_contributions")))

    @model_validator(mode="after")
    def _each_drafter_once(self) -> StatementVersion:
        unique = tuple({w.ref: w for w in self.drafted_by}.values())
        if unique != self.drafted_by:
            object.__setattr__(self, "drafted_by", unique)
        return self


class Review(_Model):
    """A reviewer's answer to one statement version."""

    version: ItemId = Field(description="the statement version reviewed (its id, e.g. s1-v2)")
    reviewer: Who
    answer: Answer
    reason: str = _long("why not yet (required when cannot_yet)")
    date: Day

    _clean = _visible("reason", lines=True)

    @model_validator(mode="after")
    def _reason_when_not_yet(self) -> Review:
        if self.answer is Answer.CANNOT_YET and not self.reason:
            raise ValueError("reason: say why you cannot live with it yet")
        return self


class Aim(_Model):
    """A target under the purpose: what, for whom, how much, by when, measured how."""

    what: str = _title("what we will change")
    for_whom: str = _title("for whom", required=False)
    how_much: str = _title("how much, e.g. 90% of patients", required=False)
    by_when: Day | None = Field(default=None, description="by when, YYYY-MM-DD")
    how_measured: str = _title("how it is measured", required=False)
    statement: ItemId | None = Field(
        default=None, description="the purpose statement it serves (its id); an aim with "
                                  "none leaves a de facto purpose")

    _clean = _visible("what", "for_whom", "how_much", "how_measured")


class Persona(_Model):
    """A fictional person built from real experiences: "what would Esther want?"."""

    name: str = _title("the persona's name, e.g. Esther")
    story: str = _long("their story")
    what_matters: str = _long("what matters to them")
    group: Group = Field(description="the group they stand for")
    segments: tuple[Segment, ...] = Field(default=(), json_schema_extra={"maxItems": 100},
                                          description="the segments they stand for")

    _clean_name = _visible("name")
    _clean = _visible("story", "what_matters", lines=True)

    @field_validator("segments", mode="before")
    @classmethod
    def _segments(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            _check_count(len(value), 100, "segments_per_person", "segments of a persona")
            if not all(isinstance(v, str) for v in value):
                raise ValueError("each segment must be text")
            return tuple(dict.fromkeys(normalise_segment(v) for v in value))
        return value


def not_after(day: date, today: date, what: str) -> None:
    """``ValueError`` for a day still to come: the purpose records what has happened."""
    if day > today:
        raise ValueError(f"{what} is dated {day.isoformat()}, after today ({today.isoformat()})")
