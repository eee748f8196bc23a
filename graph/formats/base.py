"""What a reader hands the import core: tables of rows, each row with where it is and its cells.

A *reader* turns a file (or a pair of files) into a ``MapTables``: a people table, a
relationships table and, where the format has one, what the map says about itself (its
description and expected segments). A table finds its header and its data records; the import
core (``graph.importer``) judges the header, every cell and every row, matches and writes, so
every format gets the same checks, the same limits and the same wording. Only *where* differs:
``people.csv, line 12`` for a CSV file, ``bay.xlsx, sheet people, row 12`` for a workbook.

Example:
    >>> table = ListTable("demo", [["id", "group"], ["p1", "people"]], unit="row")
    >>> table.label, table.unit
    ('demo', 'row')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol, runtime_checkable

from graph.errors import Problem

__all__ = [
    "Batch",
    "Block",
    "Columns",
    "HeaderJudge",
    "ListTable",
    "MapInfo",
    "MapTables",
    "RowTable",
    "Unreadable",
]

Batch = tuple[Sequence[int], list[list[str]]]
"""The locations (line or row numbers) of a batch of records and their cells."""


class Columns:
    """A batch of records as numpy text columns, one per header position (cells as written,
    none holding a NUL), for the core's vectorised checks; ``rows()`` gives the same records
    as lists when a batch needs a closer look."""

    def __init__(self, arrays: Sequence[Any], rows: Callable[[], list[list[str]]]) -> None:
        self.arrays = arrays
        self.rows = rows


Block = tuple[Sequence[int], list[list[str]] | None, list[str] | Columns | None]
"""Like ``Batch``, or (locations, ``None``, text) where text is CSV lines without quotes or
``Columns``: the fast ways through a big table."""


class Unreadable(Exception):  # noqa: N818 - a signal between reader and core, never shown
    """A fast read met a record it cannot read: the core reads again with ``records()``,
    which reports it exactly (it is always a problem)."""


class HeaderJudge(Protocol):
    """The core's side of a table: it judges the header and records problems of the file."""

    def problem(self, line: int | None, column: str | None, reason: str) -> None: ...

    def judge_header(self, line: int, header: list[str]) -> bool:
        """Whether the header names columns movemap reads (problems recorded otherwise)."""
        ...

    def empty(self) -> None:
        """Record that the table has no header at all."""
        ...


@runtime_checkable
class RowTable(Protocol):
    """One table of a map (people or relationships) as its reader finds it.

    ``label`` names it in problems (``people.csv``, ``bay.xlsx, sheet people``) and ``unit``
    is what its numbers count (``line`` or ``row``). ``records`` yields every data record that
    is not blank after the header, reporting what cannot be read to ``judge``; ``batches`` and
    ``blocks`` are the fast ways through it, which raise ``Unreadable`` on such a record.
    """

    label: str
    unit: str

    def records(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]]: ...

    def batches(self, judge: HeaderJudge, size: int) -> Iterator[Batch]: ...

    def blocks(self, judge: HeaderJudge, size: int) -> Iterator[Block]: ...


@dataclass(frozen=True)
class MapInfo:
    """What a file says about the map itself (a workbook's ``map`` sheet)."""

    description: str | None = None
    expected_segments: tuple[str, ...] | None = None
    undated_since_always: bool = False
    """A blank ``joined``/``since`` means since always (what movemap exports say)."""


@dataclass
class MapTables:
    """A map as a reader found it: its two tables, what it says about itself, and a name for
    the history (``import of people.csv relationships.csv``)."""

    people: RowTable
    relationships: RowTable
    files: str
    info: MapInfo = field(default_factory=MapInfo)
    problems: list[Problem] = field(default_factory=list)
    rematch: Callable[[Sequence[tuple[str, str, str]]], MapTables] | None = None
    """Formats whose people may come without movemap ids (Kumu): given the people the map
    has now as (id, name, group), the same tables with each person matched to one of them
    where the format's rules say so, so a re-import updates people instead of duplicating."""


def _blank(cells: Sequence[str]) -> bool:
    return not "".join(cells).strip()


class ListTable:
    """A table already in memory as rows of text (the first non-blank row is the header);
    row numbers count from ``first``, or are ``numbers`` (one per row: the line of an XML
    element, the place of a JSON object). Readers of formats whose library returns whole
    sheets (workbooks) or whole documents build one of these. ``column_labels`` names a
    column in problems as the file calls it (``Type`` for movemap's ``group``)."""

    def __init__(self, label: str, rows: Sequence[list[str]], *, unit: str = "row",
                 first: int = 1, numbers: Sequence[int] | None = None,
                 column_labels: dict[str, str] | None = None) -> None:
        self.label = label
        self.unit = unit
        self._rows = rows
        self._first = first
        self._numbers = numbers
        self.column_labels = column_labels or {}

    def _after_header(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]] | None:
        numbered: Iterator[tuple[int, list[str]]] = (
            enumerate(self._rows, start=self._first) if self._numbers is None
            else zip(self._numbers, self._rows, strict=True))
        for number, cells in numbered:
            if not _blank(cells):
                return numbered if judge.judge_header(number, cells) else None
        judge.empty()
        return None

    def records(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]]:
        rest = self._after_header(judge)
        if rest is not None:
            yield from ((n, cells) for n, cells in rest if not _blank(cells))

    def batches(self, judge: HeaderJudge, size: int) -> Iterator[Batch]:
        rest = self._after_header(judge)
        if rest is None:
            return
        while chunk := list(islice(rest, size)):
            yield range(chunk[0][0], chunk[-1][0] + 1), [cells for _, cells in chunk]

    def blocks(self, judge: HeaderJudge, size: int) -> Iterator[Block]:
        for numbers, rows in self.batches(judge, size):
            yield numbers, rows, None
