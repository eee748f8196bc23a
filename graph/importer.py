"""The one import core: check, match and write a map's rows, whatever format they came in.

A reader (``graph.formats``: the CSV pair in ``csv_pair.py``, Excel workbooks in ``xlsx.py``)
turns a file into tables of rows, each row with where it is (``people.csv, line 12``,
``bay.xlsx, sheet people, row 12``) and its cells by column; this module judges the header,
every cell and every row, with the same rules, limits and wording for every format.

An import is all-or-nothing: every problem of both tables is collected (file, line or row,
column, reason in plain words), and only a clean map is written, in one store transaction.
Re-importing the same files changes nothing. ``import_csv`` streams: it reads the tables in
batches and hands each clean batch to the store's bulk import inside that transaction, so memory
does not grow with the files; the first problem stops the writing (the transaction is rolled
back) but not the reading, so that every problem is still reported. ``load_tables`` (and
``load_csv_pair``) read the same tables into model objects, with the same checks and the same
wording, for the use cases (``graph.usecases.UseCases.import_tables``), which write them.

The files (header names as in the README; the first line is the header; blank means default):

* ``people.csv``: ``id`` (required, unique), ``name``, ``group`` (required), ``other_groups``,
  ``organisation``, ``segments``, ``formal_power``, ``informal_power``, ``lived_experience``,
  ``engagement``, ``role``, ``joined``.
* ``relationships.csv``: ``source``, ``target`` (required, ids of people), ``relational``,
  ``functional``, ``flow_of_value``, ``recruited``, ``since``.

What is accepted, so that files typed by people or exported from spreadsheets work (how CSV
text is read is ``graph.formats.csv_pair``'s; how workbook cells are, ``graph.formats.xlsx``'s):

* Header names and enumerated values ignore case and treat spaces and hyphens as underscores:
  ``Givers of service`` is ``givers_of_service``, ``Lone wolf`` is ``lone_wolf``, a header
  ``Flow of value`` is ``flow_of_value``. ``mobilizer``/``organizer`` are accepted for the roles;
  a role of ``none`` is the same as blank.
* yes/no columns (``lived_experience``, ``recruited``) take yes/no, y/n, true/false or 1/0.
* ``formal_power`` and ``informal_power`` are levels 0–3; they also take none/low/medium/high
  (0/1/2/3) and yes/no (1/0).
* Trust strengths are whole numbers 0–3 (``2.0`` is read as 2).
* Dates are ISO ``YYYY-MM-DD``.
* ``other_groups`` and ``segments`` are ``;``-separated; blank parts are ignored. A segment is
  tidied as ``graph.model.normalise_segment`` does (``locality : Barrow`` → ``locality:Barrow``).
* Cells are stripped of surrounding spaces; person ids are otherwise kept exactly as written
  (``P1`` and ``p1`` are different people).
* Rows whose cells are all blank are skipped. Columns movemap does not know are ignored, with a
  warning naming them.
* The same (source, target) on several rows of relationships.csv is merged into one relationship:
  the maximum of each trust strength, ``recruited`` if any row says so, the earliest ``since``
  (a warning says how many rows were merged). A row with the target as source is a problem.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "people.csv").write_text("id,group\\np1,people\\np2,System leaders\\n")
    >>> _ = (folder / "ties.csv").write_text("source,target,relational\\np1,p2,3\\n")
    >>> people, ties, warnings = load_csv_pair(folder / "people.csv", folder / "ties.csv")
    >>> [p.group.value for p in people], ties[0].relational
    (['people', 'system_leaders'], 3)
"""

from __future__ import annotations

import csv
import operator
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from graph.compact import NO_DATE, date_to_day
from graph.dates import UnreadableDay, read_day
from graph.errors import ImportFailed, Problem, StoreError
from graph.formats.base import Batch, Block, Columns, MapTables, RowTable, Unreadable
from graph.formats.csv_pair import CsvTable
from graph.limits import LIMITS, setting_name
from graph.model import (
    HIDDEN,
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TRUST,
    Engagement,
    Group,
    Person,
    Relationship,
    Role,
    check_constituency_name,
    normalise_segment,
)
from graph.segments import AmbiguousSegment, SegmentMatcher
from graph.spelling import ENGAGEMENT_CHOICES, GROUP_CHOICES, ROLE_CHOICES, Choices, UnknownChoice
from graph.stores.base import BulkImport, GraphStore, ImportSummary, PeopleBatch, TiesBatch

__all__ = [
    "PEOPLE_COLUMNS",
    "PEOPLE_REQUIRED",
    "RELATIONSHIP_COLUMNS",
    "RELATIONSHIP_REQUIRED",
    "ParsedPeople",
    "ParsedRelationships",
    "PEOPLE_BATCH",
    "TIES_BATCH",
    "import_csv",
    "load_csv_pair",
    "load_tables",
    "read_people",
    "read_relationships",
]

PathLike = str | os.PathLike[str]
Source = RowTable | PathLike
"""A table as a reader gives it, or the path of a CSV file."""
_E = TypeVar("_E", bound=StrEnum)

PEOPLE_COLUMNS: tuple[str, ...] = (
    "id", "name", "group", "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role", "joined", "left",
)
PEOPLE_REQUIRED: tuple[str, ...] = ("id", "group")
RELATIONSHIP_COLUMNS: tuple[str, ...] = (
    "source", "target", "relational", "functional", "flow_of_value", "recruited", "since",
    "until",
)
RELATIONSHIP_REQUIRED: tuple[str, ...] = ("source", "target")

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_LEVELS = {"none": 0, "low": 1, "medium": 2, "high": 3, **dict.fromkeys(_YES, 1),
           **dict.fromkeys(_NO, 0)}
_WHOLE = re.compile(r"^\d+(?:\.0*)?$")
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass
class ParsedPeople:
    """What ``read_people`` found: valid people, every problem, and warnings.

    ``ids`` maps every id seen (also on rows with other problems) to the line it is first on;
    ``ids_complete`` is false when the file could not be read as a table at all, in which case
    the ids of people are unknown and relationships cannot be checked against them.
    """

    path: str
    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    ids_complete: bool = True


@dataclass
class ParsedRelationships:
    """What ``read_relationships`` found: valid (merged) relationships, problems and warnings."""

    path: str
    relationships: list[Relationship] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _CellError(ValueError):
    """A cell that cannot be read; the message is the plain reason."""


def _code(text: str) -> str:
    """The code-name form of what a person typed: ``Givers of service`` → ``givers_of_service``."""
    return _SEPARATORS.sub("_", text.strip().lower())


# -- reading the file ------------------------------------------------------------------------


def _table_of(source: Source) -> RowTable:
    """The table of ``source``: itself, or the CSV file at that path."""
    return source if isinstance(source, RowTable) else CsvTable(source)


def _label(source: Source) -> str:
    return _table_of(source).label


class _Table:
    """One table of a map (``graph.formats.base.RowTable``) with its header checked.

    The reader finds the header and the records; this judges the header (``judge_header``)
    and cuts each record to its known columns (``cells``). Problems of the table as a whole
    (missing file, encoding, header) go to ``problems``; the caller checks the cells.
    """

    def __init__(
        self,
        source: Source,
        columns: tuple[str, ...],
        required: tuple[str, ...],
        problems: list[Problem],
        warnings: list[str],
    ) -> None:
        self.source = _table_of(source)
        self.label = self.source.label
        self.unit = self.source.unit
        self.columns = columns
        self.required = required
        self.problems = problems
        self.warnings = warnings
        self.index: dict[str, int] = {}  # known column -> position in the header
        self.width = 0
        self.readable = False  # the header was found and names at least one known column

    def problem(self, line: int | None, column: str | None, reason: str) -> None:
        if column is not None:  # as the file calls it (a Kumu 'Type' is movemap's 'group')
            column = getattr(self.source, "column_labels", {}).get(column, column)
        self.problems.append(Problem(self.label, line, column, reason, self.unit))

    def empty(self) -> None:
        self.problem(
            None, None,
            f"the file is empty; its first {self.unit} must be the header naming the columns "
            f"({', '.join(self.columns)})",
        )

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Every data record that is not blank, after the header, with its line or row."""
        return self.source.records(self)

    def batches(self, size: int) -> Iterator[Batch]:
        """Records in batches (blank ones included); ``Unreadable`` on a record the reader
        cannot read, which ``records()`` then reports exactly."""
        return self.source.batches(self, size)

    def blocks(self, size: int) -> Iterator[Block]:
        """Like ``batches``, but CSV lines without quotes may come as text (see
        ``graph.formats.csv_pair.CsvTable.blocks``)."""
        return self.source.blocks(self, size)

    def judge_header(self, line: int, header: list[str]) -> bool:
        self.width = len(header)
        unknown: list[str] = []
        for position, raw in enumerate(header):
            name = _code(raw)
            if name in self.columns:
                if name in self.index:
                    self.problem(
                        line, name,
                        f"column '{name}' appears twice in the header (columns "
                        f"{self.index[name] + 1} and {position + 1})",
                    )
                else:
                    self.index[name] = position
            elif raw.strip():
                unknown.append(f"'{raw.strip()}'")
            else:
                unknown.append(f"(unnamed column {position + 1})")
        if not self.index:
            hint = ""
            if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
                hint = "; the columns look separated by semicolons or tabs, movemap needs commas"
            self.problem(
                line, None,
                f"the first {self.unit} must be the header naming the columns "
                f"({', '.join(self.columns)}); it names none of them{hint}",
            )
            return False
        self.readable = True
        for name in self.required:
            if name not in self.index:
                self.problem(line, name, f"required column '{name}' is missing from the header")
        if unknown:
            self.warnings.append(
                f"{self.label}: ignored column{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(unknown)} (not one movemap reads)"
            )
        return True

    def cells(self, line: int, cells: list[str]) -> dict[str, str] | None:
        """The known columns of a record, stripped; ``None`` (and a problem) on a bad width."""
        if len(cells) != self.width:
            self.problem(
                line, None, f"the row has {len(cells)} fields; the header has {self.width}"
            )
            return None
        # NFC: one spelling of each text, so two spellings of one id are one id
        return {name: unicodedata.normalize("NFC", cells[pos].strip())
                for name, pos in self.index.items()}


# -- reading cells ---------------------------------------------------------------------------


def _enum(value: str, enum: type[_E], choices: Choices) -> _E:
    """A choice as people type it (``graph.spelling``): code name or label, any case, accents
    or not; an unknown one lists the choices and, for a near miss, the one it is closest to."""
    try:
        return enum(choices.read(value))
    except UnknownChoice as exc:
        expected = ", ".join(e.value for e in enum)
        hint = "" if exc.suggestion is None else str(exc)[str(exc).index("; did you mean"):]
        raise _CellError(f"unknown {choices.what} {value!r}; expected one of {expected}"
                         f"{hint}") from None


def _group(value: str) -> Group:
    return _enum(value, Group, GROUP_CHOICES)


def _groups(value: str) -> tuple[Group, ...]:
    return tuple(_group(part) for part in value.split(";") if part.strip())


def _segments(value: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in value.split(";") if part.strip())
    if len(parts) > LIMITS.segments_per_person:
        raise _CellError(f"at most {LIMITS.segments_per_person:,} segments of a person "
                         f"({setting_name('segments_per_person')}), got {len(parts):,}")
    return parts


def _level(value: str, column: str) -> int:
    code = _code(value)
    if _WHOLE.match(code) and int(float(code)) <= 3:
        return int(float(code))
    if code in _LEVELS:
        return _LEVELS[code]
    raise _CellError(
        f"{column} must be a level 0–3 (or none, low, medium, high; yes = 1, no = 0), "
        f"got {value!r}"
    )


def _yes_no(value: str, column: str) -> bool:
    code = _code(value)
    if code in _YES:
        return True
    if code in _NO:
        return False
    raise _CellError(f"{column} must be yes or no, got {value!r}")


def _strength(value: str) -> int:
    if _WHOLE.match(value) and int(float(value)) <= MAX_TRUST:
        return int(float(value))
    raise _CellError(f"trust strength must be a whole number 0–{MAX_TRUST}, got {value!r}")


def _date(value: str) -> date:
    """A date cell: ``YYYY-MM-DD``, ``DD/MM/YYYY`` (UK order) or ``3 April 2025``
    (``graph.dates``); not after today."""
    try:
        day = read_day(value)
    except UnreadableDay as exc:
        raise _CellError(str(exc)) from None
    if day > date.today():
        raise _CellError(f"the date {value} has not come yet; movemap records what "
                         "has happened, so give today or an earlier day")
    return day


def _engagement(value: str) -> Engagement:
    return _enum(value, Engagement, ENGAGEMENT_CHOICES)


def _role(value: str) -> Role | None:
    if _code(value) == "none":
        return None
    try:
        return Role(ROLE_CHOICES.read(value))
    except UnknownChoice as exc:
        hint = "" if exc.suggestion is None else str(exc)[str(exc).index("; did you mean"):]
        raise _CellError(
            f"unknown role {value!r}; expected lone_wolf, mobiliser, organiser or blank{hint}"
        ) from None


_PEOPLE_READERS: dict[str, Callable[[str], Any]] = {
    "name": str,
    "group": _group,
    "other_groups": _groups,
    "organisation": str,
    "segments": _segments,
    "formal_power": lambda v: _level(v, "formal_power"),
    "informal_power": lambda v: _level(v, "informal_power"),
    "lived_experience": lambda v: _yes_no(v, "lived_experience"),
    "engagement": _engagement,
    "role": _role,
    "joined": _date,
    "left": _date,
}

_RELATIONSHIP_READERS: dict[str, Callable[[str], Any]] = {
    "relational": _strength,
    "functional": _strength,
    "flow_of_value": _strength,
    "recruited": lambda v: _yes_no(v, "recruited"),
    "since": _date,
    "until": _date,
}


def _validation_reasons(
    exc: ValidationError, columns: tuple[str, ...]
) -> list[tuple[str | None, str]]:
    """Pydantic's errors as (column, plain reason), never pydantic's own wording."""
    out: list[tuple[str | None, str]] = []
    for error in exc.errors():
        loc = error.get("loc") or ()
        column = str(loc[0]) if loc and str(loc[0]) in columns else None
        kind = error.get("type", "")
        ctx = error.get("ctx") or {}
        if kind == "value_error":
            reason = str(error.get("msg", "")).removeprefix("Value error, ")
        elif kind == "string_too_long":
            reason = f"{column} is at most {ctx.get('max_length')} characters"
        else:
            reason = f"{column or 'the row'} has a value movemap cannot use"
        out.append((column, reason))
    return out


def _read_cells(
    table: _Table, line: int, row: dict[str, str], readers: dict[str, Callable[[str], Any]]
) -> tuple[dict[str, Any], bool]:
    """Read every non-blank known cell; returns the values and whether all were good."""
    values: dict[str, Any] = {}
    ok = True
    for column in table.columns:
        reader = readers.get(column)
        text = row.get(column, "")
        if reader is None or not text:
            continue
        try:
            values[column] = reader(text)
        except _CellError as exc:
            table.problem(line, column, str(exc))
            ok = False
    return values, ok


# -- the two files, row by row ---------------------------------------------------------------


class _PeopleChecker:
    """Check people.csv one record at a time, exactly: the reference the fast path must match.

    ``ids`` maps every id seen (also on rows with other problems) to the line it is first on.
    """

    def __init__(self, table: _Table, ids: dict[str, int]) -> None:
        self.table = table
        self.ids = ids

    def row(self, line: int, cells: list[str]) -> Person | None:
        """The person of one record, or ``None`` with its problems added to the table."""
        table = self.table
        if "id" in table.index and table.index["id"] < len(cells):
            # even on a row too broken to read, its id keeps ties to it from looking dangling
            self.ids.setdefault(unicodedata.normalize("NFC", cells[table.index["id"]].strip()),
                                line)
        row = table.cells(line, cells)
        if row is None:
            return None
        ok = True
        pid = row.get("id", "")
        if "id" in table.index:
            if not pid:
                table.problem(line, "id", "id is required; every person needs an id")
                ok = False
            elif self.ids.get(pid, line) != line:
                table.problem(line, "id", f"duplicate id {pid!r} (first on line {self.ids[pid]})")
                ok = False
        if "group" in table.index and not row.get("group"):
            table.problem(
                line, "group",
                "group is required; expected one of "
                + ", ".join(g.value for g in Group),
            )
            ok = False
        values, cells_ok = _read_cells(table, line, row, _PEOPLE_READERS)
        if not (ok and cells_ok and table.index.keys() >= set(PEOPLE_REQUIRED)):
            return None
        try:
            return Person(id=pid, **values)
        except ValidationError as exc:
            for where, reason in _validation_reasons(exc, PEOPLE_COLUMNS):
                table.problem(line, where, reason)
        return None


class _RelationshipChecker:
    """Check relationships.csv one record at a time, exactly (repeated keys are not merged)."""

    def __init__(self, table: _Table, known_ids: Collection[str] | None, known_label: str) -> None:
        self.table = table
        self.known_ids = known_ids
        self.known_label = known_label

    def row(self, line: int, cells: list[str]) -> Relationship | None:
        """The relationship of one record, or ``None`` with its problems added to the table."""
        table = self.table
        row = table.cells(line, cells)
        if row is None:
            return None
        ok = table.index.keys() >= set(RELATIONSHIP_REQUIRED)
        ends: dict[str, str] = {}
        for column in RELATIONSHIP_REQUIRED:
            if column not in table.index:
                continue
            value = row.get(column, "")
            if not value:
                table.problem(line, column, f"{column} is required; give the id of a person")
                ok = False
            elif self.known_ids is not None and value not in self.known_ids:
                table.problem(
                    line, column, f"{column} {value!r} is not a person in {self.known_label}"
                )
                ok = False
            ends[column] = value
        if ends.get("source") and ends.get("source") == ends.get("target"):
            table.problem(
                line, "target",
                f"source and target are the same person ({ends['source']!r}); "
                "a person cannot have a tie to themselves",
            )
            ok = False
        values, cells_ok = _read_cells(table, line, row, _RELATIONSHIP_READERS)
        if not (ok and cells_ok):
            return None
        try:
            return Relationship(source=ends["source"], target=ends["target"], **values)
        except ValidationError as exc:
            for where, reason in _validation_reasons(exc, RELATIONSHIP_COLUMNS):
                table.problem(line, where, reason)
        return None


def _check_someone(table: _Table, ids: Mapping[str, int], problems: list[Problem]) -> None:
    """A people file with a header and nobody under it is a problem, not an empty map: it is
    almost always the wrong file, or one saved before the rows were filled in."""
    if table.readable and not ids and not problems:
        table.problem(None, None, "the file has its header but nobody under it; add a row for "
                      "each person (a map is emptied by removing its people, never by an empty "
                      "file)")


def read_people(path: Source, known_segments: Iterable[str] = ()) -> ParsedPeople:
    """Read ``people.csv``: every valid person, and every problem of every row.

    Segments are read as the segments they match (``graph.segments``): those of
    ``known_segments`` (the map's) and those written with their kind elsewhere in the file.
    """
    result = ParsedPeople(path=_label(path))
    table = _Table(path, PEOPLE_COLUMNS, PEOPLE_REQUIRED, result.problems, result.warnings)
    checker = _PeopleChecker(table, result.ids)
    for line, cells in table.records():
        person = checker.row(line, cells)
        if person is not None:
            result.people.append(person)
    result.ids.pop("", None)
    result.ids_complete = table.readable and "id" in table.index
    _check_someone(table, result.ids, result.problems)
    _match_segments(result, known_segments)
    return result


def _match_segments(result: ParsedPeople, known_segments: Iterable[str]) -> None:
    """Each person's segments as the map's or the file's segments they match; a segment
    without a kind that could be several is a problem of its row."""
    matcher = SegmentMatcher(known_segments)
    for person in result.people:
        for segment in person.segments:
            if ":" in segment:
                matcher.add(segment)
    for i, person in enumerate(result.people):
        try:
            segments = tuple(dict.fromkeys(matcher.resolve(s) for s in person.segments))
        except AmbiguousSegment as exc:
            result.problems.append(Problem(result.path, result.ids.get(person.id), "segments",
                                           str(exc)))
            continue
        if segments != person.segments:
            result.people[i] = person.model_copy(update={"segments": segments})


def read_relationships(
    path: Source,
    known_ids: Collection[str] | None,
    *,
    known_label: str = "people.csv",
) -> ParsedRelationships:
    """Read ``relationships.csv``; every source and target must be in ``known_ids``.

    ``known_ids=None`` skips that check (used when the people file itself could not be read, so
    that every tie is not reported as dangling). ``known_label`` names where ids come from in
    the reason: ``source 'x9' is not a person in people.csv``.
    """
    result = ParsedRelationships(path=_label(path))
    table = _Table(
        path, RELATIONSHIP_COLUMNS, RELATIONSHIP_REQUIRED, result.problems, result.warnings
    )
    checker = _RelationshipChecker(table, known_ids, known_label)
    merged: dict[tuple[str, str], Relationship] = {}
    duplicates = 0
    first_duplicate: tuple[int, int] | None = None
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in table.records():
        relationship = checker.row(line, cells)
        if relationship is None:
            continue
        key = relationship.key
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = relationship
            first_line[key] = line
            continue
        duplicates += 1
        first_duplicate = first_duplicate or (line, first_line[key])
        merged[key] = _merge(earlier, relationship)
    result.relationships = list(merged.values())
    if first_duplicate is not None:
        result.warnings.append(_merged_warning(result.path, duplicates, first_duplicate))
    return result


def _merged_warning(path: str, duplicates: int, first: tuple[int, int]) -> str:
    return (
        f"{path}: {duplicates} row{'s' if duplicates > 1 else ''} repeated a source "
        f"and target of an earlier row and {'were' if duplicates > 1 else 'was'} merged into "
        f"it (highest strengths, recruited if any row says so, earliest since); the first "
        f"is line {first[0]}, repeating line {first[1]}"
    )


def _merge(a: Relationship, b: Relationship) -> Relationship:
    """One relationship from two rows for the same (source, target)."""
    dates = [d for d in (a.since, b.since) if d is not None]
    ends = [a.until, b.until]
    return Relationship(
        source=a.source,
        target=a.target,
        relational=max(a.relational, b.relational),
        functional=max(a.functional, b.functional),
        flow_of_value=max(a.flow_of_value, b.flow_of_value),
        recruited=a.recruited or b.recruited,
        since=min(dates) if dates else None,
        until=None if None in ends else max(d for d in ends if d is not None),
    )


def load_csv_pair(
    people_path: Source,
    relationships_path: Source,
    known_ids: Collection[str] = (),
    known_segments: Iterable[str] = (),
) -> tuple[list[Person], list[Relationship], list[str]]:
    """Read both files; returns (people, relationships, warnings).

    Relationships may refer to people of ``people_path`` or to ``known_ids`` (people already in
    the store); segments are read as the ``known_segments`` (the map's) they match. Raises
    ``ImportFailed`` listing every problem of both files. This holds every row in memory as
    model objects; ``import_csv`` streams instead, with the same checks.
    """
    return load_tables(MapTables(_table_of(people_path), _table_of(relationships_path), ""),
                       known_ids, known_segments)


def load_tables(
    tables: MapTables,
    known_ids: Collection[str] = (),
    known_segments: Iterable[str] = (),
) -> tuple[list[Person], list[Relationship], list[str]]:
    """Read a map's two tables, whatever their format (``graph.formats``); returns (people,
    relationships, warnings) or raises ``ImportFailed`` listing every problem, the map
    sheet's included. See ``load_csv_pair``."""
    people_path, relationships_path = tables.people, tables.relationships
    people = read_people(people_path, known_segments)
    label = Path(_label(people_path)).name
    known: Collection[str] | None = None
    if people.ids_complete:
        if known_ids:
            known = set(people.ids).union(known_ids)
            label += " nor already in the constituency"
        else:
            known = people.ids.keys()
    relationships = read_relationships(relationships_path, known, known_label=label)
    problems = tables.problems + people.problems + relationships.problems
    if problems:
        raise ImportFailed(problems)
    return people.people, relationships.relationships, people.warnings + relationships.warnings


# -- the streaming import: a fast path that the exact checks above back up ---------------------
#
# ``import_csv`` reads each file in batches. A batch is checked column by column with the exact
# cell readers above memoised per distinct cell text (a file repeats its values: strengths,
# groups, dates, segments), and with vectorised checks of what the model adds (ids, lengths,
# duplicates, self ties). A batch that passes goes straight to the store; any batch with
# anything unusual is halved until the odd records are alone, and those go through the exact
# per-record checks (``_PeopleChecker``/``_RelationshipChecker``). So every problem is found
# and worded by the same code as before, and the fast path only ever accepts what the exact one
# accepts, with the same values (tests/test_importer.py checks both on generated files).

PEOPLE_BATCH = 20_000
TIES_BATCH = 50_000
_SMALL = 8  # a failing batch this small is checked record by record
_BAD: Any = object()  # a cell the exact reader would report
_CONTROL = re.compile(f"{HIDDEN.pattern}|[\\t\\n\\r]")
"""What the model refuses in an id or a name (``graph.model.clean_text``): the fast path
leaves any batch that has one to the exact checks, which name the cell."""
_MEMO_LIMIT = 100_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class _Memo:
    """An exact cell reader, memoised by cell text: blank cells give ``default``, cells the
    reader refuses give ``_BAD``."""

    def __init__(self, read: Callable[[str], Any], default: Any) -> None:
        self._read = read
        self._default = default
        self._values: dict[str, Any] = {}
        self._table: tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]] | None = None

    def value(self, cell: str) -> Any:
        text = cell.strip()
        if not text:
            return self._default
        try:
            return self._read(text)
        except _CellError:
            return _BAD

    def ascii_table(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
        """For the cells of at most one ASCII character (code 0: blank): good, and value."""
        if self._table is None:
            cells = [""] + [chr(c) for c in range(1, 128)]
            found = [self.value(c) for c in cells]
            good = np.array([v is not _BAD and isinstance(v, int) for v in found])
            self._table = good, np.array([v if g else 0 for v, g in zip(found, good,
                                                                        strict=True)])
        return self._table

    def column(self, cells: Sequence[str]) -> list[Any] | None:
        """The values of a column of cells, or ``None`` when any cell is not good."""
        values = self._values
        out = list(map(values.get, cells))
        if None in out:
            if len(values) > _MEMO_LIMIT:
                values.clear()
            for cell in set(cells).difference(values):
                values[cell] = self.value(cell)
            out = list(map(values.__getitem__, cells))
        return None if _BAD in out else out


def _read_segment_list(text: str) -> tuple[str, ...]:
    """Segments as ``Person`` holds them: normalised, repeats dropped (``_BAD`` if invalid)."""
    seen: dict[str, None] = {}
    try:
        parts = _segments(text)
    except _CellError:
        return cast(tuple[str, ...], _BAD)
    for part in parts:
        try:
            seen[normalise_segment(part)] = None
        except ValueError:
            return cast(tuple[str, ...], _BAD)
    return tuple(seen)


def _good_ids(ids: Sequence[str]) -> bool:
    """Whether every (stripped) id passes ``graph.model``'s id checks."""
    return (
        "" not in ids
        and max(map(len, ids), default=0) <= MAX_ID_LENGTH
        and _CONTROL.search("".join(ids)) is None
        and unicodedata.is_normalized("NFC", "".join(ids))
    )


def _texts(column: Sequence[str]) -> list[str] | None:
    """Stripped free-text cells, or ``None`` when one is longer than the model allows."""
    texts = list(map(str.strip, column))
    joined = "".join(texts)
    if _CONTROL.search(joined) or not unicodedata.is_normalized("NFC", joined):
        return None  # the exact checks normalise it or name the hidden character
    return texts if max(map(len, texts), default=0) <= MAX_TEXT_LENGTH else None


def _day(text: str) -> int:
    return _date(text).toordinal() - _EPOCH_ORDINAL


def _role_code(text: str) -> str:
    role = _role(text)
    return "" if role is None else role.value


class _FastPeople:
    """People records to ``PeopleBatch`` columns, when nothing in them needs a closer look."""

    def __init__(self, table: _Table, ids: dict[str, int]) -> None:
        self.table = table
        self.ids = ids
        self.index = table.index
        self.group = _Memo(lambda v: _group(v).value, _BAD)
        self.other_groups = _Memo(
            lambda v: tuple(dict.fromkeys(g.value for g in _groups(v))), ()
        )
        self.segments = _Memo(_read_segment_list, ())
        self.formal_power = _Memo(lambda v: _level(v, "formal_power"), 0)
        self.informal_power = _Memo(lambda v: _level(v, "informal_power"), 0)
        self.lived_experience = _Memo(lambda v: int(_yes_no(v, "lived_experience")), 0)
        self.engagement = _Memo(lambda v: _engagement(v).value, Engagement.UNENGAGED.value)
        self.role = _Memo(_role_code, "")
        self.joined = _Memo(lambda v: _date(v).isoformat(), "")

    def convert(
        self, lines: Sequence[int], rows: list[list[str]]
    ) -> tuple[PeopleBatch, dict[str, int]] | None:
        """The batch and its ids (id → line), or ``None``; changes nothing itself."""
        n = len(rows)
        if set(map(len, rows)) != {self.table.width}:
            return None
        index = self.index
        blank = [""] * n

        def cells(column: str) -> Sequence[str]:
            at = index.get(column)
            return blank if at is None else [row[at] for row in rows]

        ids = list(map(str.strip, cells("id")))
        if not _good_ids(ids):
            return None
        first_lines = dict(zip(ids, lines, strict=True))
        if len(first_lines) != n or not self.ids.keys().isdisjoint(first_lines):
            return None
        names = _texts(cells("name"))
        organisations = _texts(cells("organisation"))
        group = self.group.column(cells("group"))
        other = self.other_groups.column(cells("other_groups"))
        segments = self.segments.column(cells("segments"))
        formal = self.formal_power.column(cells("formal_power"))
        informal = self.informal_power.column(cells("informal_power"))
        lived = self.lived_experience.column(cells("lived_experience"))
        engagement = self.engagement.column(cells("engagement"))
        role = self.role.column(cells("role"))
        joined = self.joined.column(cells("joined"))
        if (names is None or organisations is None or group is None or other is None
                or segments is None or formal is None or informal is None or lived is None
                or engagement is None or role is None or joined is None):
            return None
        if any(other):  # the primary group is not also an other group
            other = [tuple(g for g in o if g != p) if p in o else o
                     for o, p in zip(other, group, strict=True)]
        batch = PeopleBatch(ids, names, group, other, organisations, segments, formal,
                            informal, lived, engagement, role, joined)
        return batch, first_lines


class _IdIndex:
    """Person ids in a numpy hash table, to look up a column of ids without a Python object
    per id: a hash of each id's characters picks a slot, and the id found there is compared
    with the cell character by character, so a lookup is exact whatever the hash does."""

    MAX_CHARS = 64  # longer ids would make the arrays too big: the dict does those

    def __init__(self, ids: npt.NDArray[np.str_], keys: npt.NDArray[np.int64]) -> None:
        self.chars = max(1, ids.dtype.itemsize // 4)
        self.codes = ids.astype(f"U{self.chars}").view(np.uint32).reshape(-1, self.chars)
        self.keys_of = keys
        size = 1 << max(4, int(2 * ids.shape[0]).bit_length())
        self.mask = np.uint64(size - 1)
        self.table = np.zeros(size, dtype=np.int64)  # id position + 1; 0 is an empty slot
        slot = self._hash(self.codes) & self.mask
        pending = np.arange(ids.shape[0])
        while pending.shape[0]:  # linear probing, all pending ids at once
            free = self.table[slot[pending]] == 0
            claim, first = np.unique(slot[pending[free]], return_index=True)
            self.table[claim] = pending[free][first] + 1
            placed = np.zeros(pending.shape[0], dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            pending = pending[~placed]
            slot[pending] = (slot[pending] + np.uint64(1)) & self.mask

    @staticmethod
    def _hash(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
        h = np.full(codes.shape[0], 1469598103934665603, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(codes.shape[1]):
                h = (h ^ codes[:, j].astype(np.uint64)) * np.uint64(1099511628211)
                h ^= h >> np.uint64(29)
        return h

    @classmethod
    def of(cls, keys: Mapping[str, int]) -> _IdIndex | None:
        if not keys or max(map(len, keys)) > cls.MAX_CHARS:
            return None
        return cls(np.array(list(keys)), np.fromiter(keys.values(), np.int64, len(keys)))

    def keys(self, column: npt.NDArray[np.str_] | None) -> npt.NDArray[np.int64] | None:
        """The key of every id of ``column``, or ``None`` if one is not exactly an id."""
        if column is None or column.shape[0] == 0:
            return None
        column = np.ascontiguousarray(column)
        width = max(1, column.dtype.itemsize // 4)
        codes = column.view(np.uint32).reshape(-1, width)
        if width > self.chars:
            if codes[:, self.chars:].any():
                return None  # longer than every id
            codes = codes[:, :self.chars]
        elif width < self.chars:
            codes = column.astype(f"U{self.chars}").view(np.uint32).reshape(-1, self.chars)
        slot = self._hash(codes) & self.mask
        found = np.empty(codes.shape[0], dtype=np.int64)
        active = np.arange(codes.shape[0])
        while active.shape[0]:
            at = self.table[slot[active]] - 1
            if (at < 0).any():
                return None  # an empty slot: not an id
            match = (self.codes[at] == codes[active]).all(axis=1)
            found[active[match]] = at[match]
            active = active[~match]
            slot[active] = (slot[active] + np.uint64(1)) & self.mask
        return self.keys_of[found]


_COMMON_CELLS = ("yes", "no", "Yes", "No", "true", "false")


def _column_values(
    memo: _Memo, column: npt.NDArray[np.str_] | None, n: int, dtype: type[Any]
) -> npt.NDArray[Any] | None:
    """``memo``'s values of a numpy text column (blank when absent), or ``None`` if a cell is
    not good: cells of at most one ASCII character by a table, a few common words by numpy
    comparisons, the rest one distinct cell at a time."""
    if column is None:
        return np.full(n, memo.value(""), dtype=dtype)
    good, values = memo.ascii_table()
    column = np.ascontiguousarray(column)
    width = max(1, column.dtype.itemsize // 4)
    codes = column.view(np.uint32).reshape(-1, width)
    first = np.minimum(codes[:, 0], 127)
    known = good[first] & (codes[:, 0] < 128)
    if width > 1:
        known &= ~codes[:, 1:].any(axis=1)
    out = values[first].astype(dtype)
    if bool(known.all()):
        return out
    left = ~known
    for cell in _COMMON_CELLS:
        value = memo.value(cell)
        if value is not _BAD:
            match = left & (column == cell)
            out[match] = value
            left &= ~match
    if left.any():
        distinct, where = np.unique(column[left], return_inverse=True)
        found = memo.column([str(cell) for cell in distinct])
        if found is None:
            return None
        out[left] = np.array(found, dtype=dtype)[where.reshape(-1)]
    return out


class _FastTies:
    """Relationship records to ``TiesBatch`` columns, when nothing needs a closer look.

    ``keys`` (id → person key) is given when writing; when only checking, ``known`` is the set
    of ids ties may refer to (``None``: not checked, as ``read_relationships`` does).
    """

    def __init__(
        self, table: _Table, keys: Mapping[str, int] | None, known: Collection[str] | None
    ) -> None:
        self.table = table
        self.keys = keys
        self.known = known
        self.index = table.index
        self.strength = _Memo(_strength, 0)
        self.recruited = _Memo(lambda v: int(_yes_no(v, "recruited")), 0)
        self.since = _Memo(_day, NO_DATE)
        self.ids = _IdIndex.of(keys) if keys is not None else None

    def convert_text(self, lines: range, text: list[str]) -> TiesBatch | None:
        """Like ``convert`` for lines without quotes, parsed by numpy (no Python object per
        cell); ``None`` when anything needs a closer look (blank lines included)."""
        width = self.table.width
        if self.ids is None or "\x00" in "".join(text):  # numpy's text arrays drop NULs
            return None
        chars = max(map(len, text))
        dtype = np.dtype([(f"c{i}", f"U{chars}") for i in range(width)])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = np.loadtxt(text, dtype=dtype, delimiter=",", comments=None,
                                   quotechar=None, encoding=None, ndmin=1)
        except ValueError:  # a row of another width
            return None
        if table.shape[0] != len(text):  # loadtxt skips blank lines
            return None
        return self.convert_columns(lines, [table[f"c{i}"] for i in range(width)])

    def convert_columns(self, lines: range, columns: Sequence[npt.NDArray[np.str_]]
                        ) -> TiesBatch | None:
        """The batch from numpy text columns (one per header position, cells as written,
        none holding a NUL), or ``None`` when anything needs a closer look."""
        ids = self.ids
        index = self.index
        n = len(lines)
        if ids is None or len(columns) != self.table.width:
            return None

        def cells(column: str) -> npt.NDArray[np.str_] | None:
            at = index.get(column)
            return None if at is None else columns[at]

        source = ids.keys(cells("source"))
        target = ids.keys(cells("target"))
        if source is None or target is None or bool((source == target).any()):
            return None
        values = []
        for memo, column, dtype_ in (
            (self.strength, "relational", np.int8), (self.strength, "functional", np.int8),
            (self.strength, "flow_of_value", np.int8), (self.recruited, "recruited", np.bool_),
            (self.since, "since", np.int32),
        ):
            found = _column_values(memo, cells(column), n, dtype_)
            if found is None:
                return None
            values.append(found)
        return TiesBatch(np.arange(lines.start, lines.stop, dtype=np.int64), source, target,
                         *values)

    def _ends(self, column: Sequence[str]) -> tuple[list[str], list[int]] | None:
        """Stripped ids and their keys (zeros when only checking), or ``None``."""
        if self.keys is not None:
            found = list(map(self.keys.get, column))
            if None in found:
                column = list(map(str.strip, column))
                found = list(map(self.keys.get, column))
                if None in found:
                    return None
            return list(column), cast(list[int], found)
        ids = list(map(str.strip, column))
        if not _good_ids(ids):
            return None
        if self.known is not None and not all(map(self.known.__contains__, ids)):
            return None
        return ids, [0] * len(ids)

    def convert(self, lines: Sequence[int], rows: list[list[str]]) -> TiesBatch | None:
        n = len(rows)
        if set(map(len, rows)) != {self.table.width}:
            return None
        index = self.index
        blank = [""] * n

        def cells(column: str) -> Sequence[str]:
            at = index.get(column)
            return blank if at is None else [row[at] for row in rows]

        source = self._ends(cells("source"))
        target = self._ends(cells("target"))
        if source is None or target is None or any(map(operator.eq, source[0], target[0])):
            return None
        relational = self.strength.column(cells("relational"))
        functional = self.strength.column(cells("functional"))
        flow_of_value = self.strength.column(cells("flow_of_value"))
        recruited = self.recruited.column(cells("recruited"))
        since = self.since.column(cells("since"))
        if (relational is None or functional is None or flow_of_value is None
                or recruited is None or since is None):
            return None
        return TiesBatch(
            seq=(np.arange(lines.start, lines.stop, dtype=np.int64) if isinstance(lines, range)
                 else np.asarray(lines, dtype=np.int64)),
            source=np.array(source[1], dtype=np.int64),
            target=np.array(target[1], dtype=np.int64),
            relational=np.array(relational, dtype=np.int8),
            functional=np.array(functional, dtype=np.int8),
            flow_of_value=np.array(flow_of_value, dtype=np.int8),
            recruited=np.array(recruited, dtype=np.bool_),
            since=np.array(since, dtype=np.int32),
        )


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


@dataclass
class _StreamedPeople:
    path: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    ids_complete: bool = True


def _stream_people(
    path: Source,
    bulk: BulkImport | None,
    on_progress: Callable[[int, str], None] | None,
) -> _StreamedPeople:
    """Check people.csv and, while it has no problem, upsert its people through ``bulk``."""
    result = _StreamedPeople(path=_label(path))
    table = _Table(path, PEOPLE_COLUMNS, PEOPLE_REQUIRED, result.problems, result.warnings)
    checker = _PeopleChecker(table, result.ids)
    fast = _FastPeople(table, result.ids)
    pending: list[PeopleBatch] = []
    exact_people: list[Person] = []

    def flush() -> None:
        if exact_people:
            pending.append(PeopleBatch.of(exact_people))
            exact_people.clear()

    def exact(line: int, cells: list[str]) -> None:
        if _is_blank(cells):
            return
        person = checker.row(line, cells)
        if person is not None:
            exact_people.append(person)

    def check(lines: Sequence[int], rows: list[list[str]]) -> None:
        converted = fast.convert(lines, rows)
        if converted is not None:
            flush()
            pending.append(converted[0])
            result.ids.update(converted[1])
        elif len(rows) <= _SMALL:
            for line, cells in zip(lines, rows, strict=True):
                if len(rows) > 1 and (single := fast.convert([line], [cells])) is not None:
                    flush()
                    pending.append(single[0])
                    result.ids.update(single[1])
                else:
                    exact(line, cells)
        else:
            half = len(rows) // 2
            check(lines[:half], rows[:half])
            check(lines[half:], rows[half:])

    done = 0
    try:
        batches = table.batches(PEOPLE_BATCH)
        for lines, rows in batches:
            if table.index.keys() >= set(PEOPLE_REQUIRED):
                check(lines, rows)
            else:  # a broken header: every row is checked (and reported) the exact way
                for line, cells in zip(lines, rows, strict=True):
                    exact(line, cells)
            flush()
            if bulk is not None and not result.problems:
                for batch in pending:
                    bulk.add_people(batch)
            pending.clear()
            done += len(rows)
            if on_progress is not None:
                on_progress(done, result.path)
    except Unreadable:
        # a record the csv module cannot read: a problem, so nothing more is written
        result = _StreamedPeople(path=result.path)
        table = _Table(path, PEOPLE_COLUMNS, PEOPLE_REQUIRED, result.problems, result.warnings)
        checker = _PeopleChecker(table, result.ids)
        for line, cells in table.records():
            checker.row(line, cells)
    result.ids.pop("", None)
    result.ids_complete = table.readable and "id" in table.index
    _check_someone(table, result.ids, result.problems)
    return result


@dataclass
class _StreamedTies:
    path: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _stream_ties(
    path: Source,
    bulk: BulkImport | None,
    keys: Mapping[str, int] | None,
    known: Collection[str] | None,
    known_label: str,
    on_progress: Callable[[int, str], None] | None,
) -> _StreamedTies:
    """Check relationships.csv and, while it has no problem, add its rows to ``bulk``.

    Writing needs ``keys`` (every id ties may refer to → person key); without ``bulk`` the file
    is only checked, against ``known`` as ``read_relationships`` does.
    """
    result = _StreamedTies(path=_label(path))
    table = _Table(
        path, RELATIONSHIP_COLUMNS, RELATIONSHIP_REQUIRED, result.problems, result.warnings
    )
    checker = _RelationshipChecker(table, keys if keys is not None else known, known_label)
    fast = _FastTies(table, keys, known)
    pending: list[TiesBatch] = []
    exact_rows: list[tuple[int, Relationship]] = []

    def flush() -> None:
        if exact_rows and keys is not None:
            pending.append(_ties_batch(exact_rows, keys))
        exact_rows.clear()

    def exact(line: int, cells: list[str]) -> None:
        if _is_blank(cells):
            return
        relationship = checker.row(line, cells)
        if relationship is not None:
            exact_rows.append((line, relationship))

    def check(lines: Sequence[int], rows: list[list[str]]) -> None:
        converted = fast.convert(lines, rows)
        if converted is not None:
            flush()
            pending.append(converted)
        elif len(rows) <= _SMALL:
            for line, cells in zip(lines, rows, strict=True):
                if len(rows) > 1 and (single := fast.convert([line], [cells])) is not None:
                    flush()
                    pending.append(single)
                else:
                    exact(line, cells)
        else:
            half = len(rows) // 2
            check(lines[:half], rows[:half])
            check(lines[half:], rows[half:])

    done = 0
    try:
        for lines, records, text in table.blocks(TIES_BATCH):
            if table.index.keys() >= set(RELATIONSHIP_REQUIRED):
                if text is not None:
                    assert isinstance(lines, range)
                    converted = (fast.convert_text(lines, text) if isinstance(text, list)
                                 else fast.convert_columns(lines, text.arrays))
                    if converted is not None:
                        pending.append(converted)
                        text = None
                    else:
                        records = _records_of(text)
                if records is not None:
                    check(lines, records)
            else:
                for line, cells in zip(lines, records or _records_of(text), strict=True):
                    exact(line, cells)
            flush()
            if bulk is not None and not result.problems:
                for batch in pending:
                    bulk.add_ties(batch)
            pending.clear()
            done += len(lines)
            if on_progress is not None:
                on_progress(done, result.path)
    except Unreadable:
        result = _StreamedTies(path=result.path)
        table = _Table(
            path, RELATIONSHIP_COLUMNS, RELATIONSHIP_REQUIRED, result.problems, result.warnings
        )
        checker = _RelationshipChecker(table, keys if keys is not None else known, known_label)
        for line, cells in table.records():
            checker.row(line, cells)
    return result


def _records_of(text: list[str] | Columns | None) -> list[list[str]]:
    """The records of a block that came as text lines or as columns."""
    if text is None:
        return []
    return _csv_records(text) if isinstance(text, list) else text.rows()


def _csv_records(text: list[str]) -> list[list[str]]:
    """The records of lines without quotes (one per line); ``Unreadable`` if one is."""
    try:
        return list(csv.reader(text, strict=True))
    except csv.Error as exc:
        raise Unreadable from exc


def _ties_batch(rows: list[tuple[int, Relationship]], keys: Mapping[str, int]) -> TiesBatch:
    """The ``TiesBatch`` of relationships the exact checks accepted."""
    return TiesBatch(
        seq=np.array([line for line, _ in rows], dtype=np.int64),
        source=np.array([keys[r.source] for _, r in rows], dtype=np.int64),
        target=np.array([keys[r.target] for _, r in rows], dtype=np.int64),
        relational=np.array([r.relational for _, r in rows], dtype=np.int8),
        functional=np.array([r.functional for _, r in rows], dtype=np.int8),
        flow_of_value=np.array([r.flow_of_value for _, r in rows], dtype=np.int8),
        recruited=np.array([r.recruited for _, r in rows], dtype=np.bool_),
        since=np.array([date_to_day(r.since) for _, r in rows], dtype=np.int32),
    )


def import_csv(
    store: GraphStore,
    name: str,
    people_path: Source,
    relationships_path: Source,
    *,
    replace: bool = False,
    on_warning: Callable[[str], None] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
) -> ImportSummary:
    """Import the two files into constituency ``name`` (created if needed), all or nothing.

    The files are read in batches and streamed into one ``store.bulk_import`` transaction, so
    memory does not grow with the files (beyond one key per person). The first problem stops
    the writing but not the reading: ``ImportFailed`` lists every problem of both files, worded
    as ``load_csv_pair`` words them, and nothing is written. Ties may refer to people already
    in the constituency, except with ``replace``, where the constituency afterwards holds
    exactly the files' contents. Warnings (ignored columns, merged rows) go to ``on_warning``;
    ``on_progress(rows_done, file)`` is called after each batch of rows.
    """
    try:
        check_constituency_name(name)
    except ValueError as exc:
        reason = str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else str(exc)
        raise StoreError(
            f"constituency name {name!r} is not valid: {reason.removeprefix('Value error, ')}"
        ) from None
    try:
        expected_ties = os.stat(cast(PathLike, relationships_path)).st_size // 20
    except (OSError, TypeError):
        expected_ties = 0
    label = Path(_label(people_path)).name
    with store.bulk_import(name, replace=replace, expected_ties=expected_ties) as bulk:
        if bulk.existing_people:
            label += " nor already in the constituency"
        people = _stream_people(people_path, bulk, on_progress)
        if people.problems:
            known: Collection[str] | None = None
            if people.ids_complete:
                known = set(people.ids)
                if bulk.existing_people:
                    known.update(store.person_ids(name))
            ties = _stream_ties(relationships_path, None, None, known, label, on_progress)
            raise ImportFailed(people.problems + ties.problems)
        keys = bulk.person_keys()
        people.ids.clear()  # the keys know every id now
        ties = _stream_ties(relationships_path, bulk, keys, None, label, on_progress)
        if ties.problems:
            raise ImportFailed(ties.problems)
        result = bulk.finish()
    warnings = people.warnings + ties.warnings
    if result.first_merged is not None:
        warnings.append(_merged_warning(ties.path, result.merged_rows, result.first_merged))
    if on_warning is not None:
        for warning in warnings:
            on_warning(warning)
    return result.summary
