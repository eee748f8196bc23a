"""Import a constituency from two CSV files, ``people.csv`` and ``relationships.csv``.

An import is all-or-nothing: both files are read completely first, every problem of both files
is collected (file, line, column, reason in plain words), and only a clean pair is written, in one
store transaction. Re-importing the same files changes nothing.

The files (header names as in the issue; the first line is the header; blank means default):

* ``people.csv``: ``id`` (required, unique), ``name``, ``group`` (required), ``other_groups``,
  ``organisation``, ``segments``, ``formal_power``, ``informal_power``, ``lived_experience``,
  ``engagement``, ``role``, ``joined``.
* ``relationships.csv``: ``source``, ``target`` (required, ids of people), ``relational``,
  ``functional``, ``flow_of_value``, ``recruited``, ``since``.

What is accepted, so that files typed by people or exported from spreadsheets work:

* UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8"), comma-separated, fields
  quoted the usual CSV way (a quoted field may hold commas and line breaks). Line numbers are
  physical lines of the file; a record spanning lines is reported at the line where it starts.
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

import codecs
import csv
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from pydantic import ValidationError

from graph.errors import ImportFailed, NotFound, Problem, StoreError
from graph.model import (
    MAX_TRUST,
    Engagement,
    Group,
    Person,
    Relationship,
    Role,
    check_constituency_name,
)
from graph.stores.base import GraphStore, ImportSummary

__all__ = [
    "PEOPLE_COLUMNS",
    "PEOPLE_REQUIRED",
    "RELATIONSHIP_COLUMNS",
    "RELATIONSHIP_REQUIRED",
    "ParsedPeople",
    "ParsedRelationships",
    "import_csv",
    "load_csv_pair",
    "read_people",
    "read_relationships",
]

PathLike = str | os.PathLike[str]
_E = TypeVar("_E", bound=StrEnum)

PEOPLE_COLUMNS: tuple[str, ...] = (
    "id", "name", "group", "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role", "joined",
)
PEOPLE_REQUIRED: tuple[str, ...] = ("id", "group")
RELATIONSHIP_COLUMNS: tuple[str, ...] = (
    "source", "target", "relational", "functional", "flow_of_value", "recruited", "since",
)
RELATIONSHIP_REQUIRED: tuple[str, ...] = ("source", "target")

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_LEVELS = {"none": 0, "low": 1, "medium": 2, "high": 3, **dict.fromkeys(_YES, 1),
           **dict.fromkeys(_NO, 0)}
_ROLE_ALIASES = {"mobilizer": "mobiliser", "organizer": "organiser"}
_WHOLE = re.compile(r"^\d+(?:\.0*)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEPARATORS = re.compile(r"[\s\-]+")
_CSV_UTF8_HINT = "save it from your spreadsheet as 'CSV UTF-8'"


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


class _Table:
    """A CSV file read record by record, with physical line numbers and header checks.

    Problems of the file as a whole (missing file, encoding, header) go to ``problems``; the
    caller checks the cells.
    """

    def __init__(
        self,
        path: PathLike,
        columns: tuple[str, ...],
        required: tuple[str, ...],
        problems: list[Problem],
        warnings: list[str],
    ) -> None:
        self.label = os.fspath(path)
        self.path = path
        self.columns = columns
        self.required = required
        self.problems = problems
        self.warnings = warnings
        self.index: dict[str, int] = {}  # known column -> position in the header
        self.width = 0
        self.readable = False  # the header was found and names at least one known column
        self._bad_encoding = False

    def problem(self, line: int | None, column: str | None, reason: str) -> None:
        self.problems.append(Problem(self.label, line, column, reason))

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line, cells) for every data record that is not blank, after the header."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below, also on early exit
        except FileNotFoundError:
            self.problem(None, None, "the file does not exist")
            return
        except IsADirectoryError:
            self.problem(None, None, "this is a folder, not a CSV file")
            return
        except OSError as exc:
            self.problem(None, None, f"the file cannot be read ({exc.strerror or exc})")
            return
        with handle:
            # strict: an unclosed quote is reported rather than swallowing the rest of the file
            reader = csv.reader(self._lines(handle), strict=True)
            header: list[str] | None = None
            previous = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    self.problem(previous + 1, None, _csv_reason(exc))
                    previous = reader.line_num
                    continue
                line, previous = previous + 1, reader.line_num
                if not "".join(cells).strip():
                    continue  # a blank line or a row of blank cells
                if header is None:
                    header = cells
                    if not self._read_header(line, header):
                        return
                    continue
                yield line, cells
            if header is None and not self._bad_encoding:
                self.problem(
                    None, None,
                    "the file is empty; its first line must be the header naming the columns "
                    f"({', '.join(self.columns)})",
                )

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        """Physical lines decoded as UTF-8 (a leading BOM dropped); bad bytes are one problem.

        Lines are split at ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac files), keeping the
        endings so the csv module sees quoted line breaks as they are.
        """
        number = 0
        for chunk in handle:
            pieces = chunk.splitlines(keepends=True) if b"\r" in chunk[:-2] else [chunk]
            for raw in pieces:
                number += 1
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if not self._bad_encoding:
                        self._bad_encoding = True
                        self.problem(
                            number, None,
                            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be "
                            f"read); {_CSV_UTF8_HINT}",
                        )
                    text = raw.decode("utf-8", errors="replace")
                yield text

    def _read_header(self, line: int, header: list[str]) -> bool:
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
                "the first line must be the header naming the columns "
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
        return {name: cells[pos].strip() for name, pos in self.index.items()}


def _csv_reason(exc: csv.Error) -> str:
    """Plain words for what the csv module could not read."""
    text = str(exc)
    if "end of data" in text:
        return "a quoted cell that starts on this line is never closed; check its \" marks"
    if "expected after" in text:
        return ("text follows the closing \" of a quoted cell; quote the whole cell and double "
                "any \" inside it")
    if "field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return "the line cannot be read as CSV; check its commas and \" marks"


# -- reading cells ---------------------------------------------------------------------------


def _enum(value: str, enum: type[_E], what: str, aliases: dict[str, str] | None = None) -> _E:
    code = _code(value)
    code = (aliases or {}).get(code, code)
    try:
        return enum(code)
    except ValueError:
        expected = ", ".join(e.value for e in enum)
        raise _CellError(f"unknown {what} {value!r}; expected one of {expected}") from None


def _group(value: str) -> Group:
    return _enum(value, Group, "group")


def _groups(value: str) -> tuple[Group, ...]:
    return tuple(_group(part) for part in value.split(";") if part.strip())


def _segments(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


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
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _CellError(f"bad date {value!r}; expected YYYY-MM-DD")


def _engagement(value: str) -> Engagement:
    return _enum(value, Engagement, "engagement")


def _role(value: str) -> Role | None:
    if _code(value) == "none":
        return None
    code = _code(value)
    try:
        return Role(_ROLE_ALIASES.get(code, code))
    except ValueError:
        raise _CellError(
            f"unknown role {value!r}; expected lone_wolf, mobiliser, organiser or blank"
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
}

_RELATIONSHIP_READERS: dict[str, Callable[[str], Any]] = {
    "relational": _strength,
    "functional": _strength,
    "flow_of_value": _strength,
    "recruited": lambda v: _yes_no(v, "recruited"),
    "since": _date,
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


# -- the two files ---------------------------------------------------------------------------


def read_people(path: PathLike) -> ParsedPeople:
    """Read ``people.csv``: every valid person, and every problem of every row."""
    result = ParsedPeople(path=os.fspath(path))
    table = _Table(path, PEOPLE_COLUMNS, PEOPLE_REQUIRED, result.problems, result.warnings)
    for line, cells in table.records():
        if "id" in table.index and table.index["id"] < len(cells):
            # even on a row too broken to read, its id keeps ties to it from looking dangling
            result.ids.setdefault(cells[table.index["id"]].strip(), line)
        row = table.cells(line, cells)
        if row is None:
            continue
        ok = True
        pid = row.get("id", "")
        if "id" in table.index:
            if not pid:
                table.problem(line, "id", "id is required; every person needs an id")
                ok = False
            elif result.ids.get(pid, line) != line:
                table.problem(line, "id", f"duplicate id {pid!r} (first on line {result.ids[pid]})")
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
            continue
        try:
            result.people.append(Person(id=pid, **values))
        except ValidationError as exc:
            for where, reason in _validation_reasons(exc, PEOPLE_COLUMNS):
                table.problem(line, where, reason)
    result.ids.pop("", None)
    result.ids_complete = table.readable and "id" in table.index
    return result


def read_relationships(
    path: PathLike,
    known_ids: Collection[str] | None,
    *,
    known_label: str = "people.csv",
) -> ParsedRelationships:
    """Read ``relationships.csv``; every source and target must be in ``known_ids``.

    ``known_ids=None`` skips that check (used when the people file itself could not be read, so
    that every tie is not reported as dangling). ``known_label`` names where ids come from in
    the reason: ``source 'x9' is not a person in people.csv``.
    """
    result = ParsedRelationships(path=os.fspath(path))
    table = _Table(
        path, RELATIONSHIP_COLUMNS, RELATIONSHIP_REQUIRED, result.problems, result.warnings
    )
    merged: dict[tuple[str, str], Relationship] = {}
    duplicates = 0
    first_duplicate: tuple[int, int] | None = None
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in table.records():
        row = table.cells(line, cells)
        if row is None:
            continue
        ok = table.index.keys() >= set(RELATIONSHIP_REQUIRED)
        ends: dict[str, str] = {}
        for column in RELATIONSHIP_REQUIRED:
            if column not in table.index:
                continue
            value = row.get(column, "")
            if not value:
                table.problem(line, column, f"{column} is required; give the id of a person")
                ok = False
            elif known_ids is not None and value not in known_ids:
                table.problem(line, column, f"{column} {value!r} is not a person in {known_label}")
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
            continue
        try:
            relationship = Relationship(source=ends["source"], target=ends["target"], **values)
        except ValidationError as exc:
            for where, reason in _validation_reasons(exc, RELATIONSHIP_COLUMNS):
                table.problem(line, where, reason)
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
        result.warnings.append(
            f"{result.path}: {duplicates} row{'s' if duplicates > 1 else ''} repeated a source "
            f"and target of an earlier row and {'were' if duplicates > 1 else 'was'} merged into "
            f"it (highest strengths, recruited if any row says so, earliest since); the first "
            f"is line {first_duplicate[0]}, repeating line {first_duplicate[1]}"
        )
    return result


def _merge(a: Relationship, b: Relationship) -> Relationship:
    """One relationship from two rows for the same (source, target)."""
    dates = [d for d in (a.since, b.since) if d is not None]
    return Relationship(
        source=a.source,
        target=a.target,
        relational=max(a.relational, b.relational),
        functional=max(a.functional, b.functional),
        flow_of_value=max(a.flow_of_value, b.flow_of_value),
        recruited=a.recruited or b.recruited,
        since=min(dates) if dates else None,
    )


def load_csv_pair(
    people_path: PathLike,
    relationships_path: PathLike,
    known_ids: Collection[str] = (),
) -> tuple[list[Person], list[Relationship], list[str]]:
    """Read both files; returns (people, relationships, warnings).

    Relationships may refer to people of ``people_path`` or to ``known_ids`` (people already in
    the store). Raises ``ImportFailed`` listing every problem of both files.
    """
    people = read_people(people_path)
    label = Path(people_path).name
    known: Collection[str] | None = None
    if people.ids_complete:
        if known_ids:
            known = set(people.ids).union(known_ids)
            label += " nor already in the constituency"
        else:
            known = people.ids.keys()
    relationships = read_relationships(relationships_path, known, known_label=label)
    problems = people.problems + relationships.problems
    if problems:
        raise ImportFailed(problems)
    return people.people, relationships.relationships, people.warnings + relationships.warnings


def import_csv(
    store: GraphStore,
    name: str,
    people_path: PathLike,
    relationships_path: PathLike,
    *,
    replace: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import the two files into constituency ``name`` (created if needed), all or nothing.

    Both files are parsed completely before anything is written (``ImportFailed`` lists every
    problem); then one ``store.import_records`` writes everything in one transaction. Ties may
    refer to people already in the constituency, except with ``replace``, where the constituency
    afterwards holds exactly the files' contents. Warnings (ignored columns, merged rows) go to
    ``on_warning``.
    """
    try:
        check_constituency_name(name)
    except ValueError as exc:
        reason = str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else str(exc)
        raise StoreError(
            f"constituency name {name!r} is not valid: {reason.removeprefix('Value error, ')}"
        ) from None
    known: Collection[str] = ()
    if not replace:
        try:
            known = store.person_ids(name)
        except NotFound:
            known = ()
    people, relationships, warnings = load_csv_pair(people_path, relationships_path, known)
    if on_warning is not None:
        for warning in warnings:
            on_warning(warning)
    return store.import_records(name, people, relationships, replace=replace)
