"""Cells that a spreadsheet would run as a formula, kept as text (CSV and formula injection).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is run as a formula when a CSV file is opened in a
spreadsheet, so a name such as ``=HYPERLINK(…)`` typed into a map could act on the computer
of whoever opens an export. movemap's CSV files write such a cell with a leading apostrophe
(``'=HYPERLINK(…)``), which spreadsheets read as "this is text" and do not show; reading
the file back takes exactly one apostrophe off a cell that starts with apostrophes followed
by one of those characters, so the round trip is exact (a value that itself starts with
``'=`` is written ``''=`` and read back as ``'=``). In a workbook the cell is a text cell
marked with Excel's quote prefix (the same "this is text"), so no apostrophe is added.

Example:
    >>> guard("=1+1"), guard("'=x"), guard("O'Brien"), guard("-")
    ("'=1+1", "''=x", "O'Brien", "'-")
    >>> [unguard(guard(v)) for v in ("=1+1", "'=x", "O'Brien", "'plain")]
    ['=1+1', "'=x", "O'Brien", "'plain"]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["guard", "guard_row", "guarded_text", "needs_guard", "risky_positions", "unguard",
           "unguard_rows"]

_RISKY = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
# a fast scan (it starts with a plain character): any text holding a guarded cell holds this
_ANY_GUARDED = re.compile(r"'[=+\-@\t\r]")
_ANY_RISKY = re.compile(r"(?:^|\x00)'*[=+\-@\t\r]")


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (or it starts with apostrophes
    before such a character, so the guard must be added to read it back exactly)."""
    return _RISKY.match(text) is not None


def guard(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows as text."""
    return "'" + text if _RISKY.match(text) else text


def unguard(text: str) -> str:
    """A cell as movemap wrote it, back to its value (``guard`` undone)."""
    return text[1:] if _GUARDED.match(text) else text


def guarded_text(text: str) -> bool:
    """Whether CSV ``text`` (lines or joined cells) may hold a guarded cell: a fast test
    before the exact one, cell by cell."""
    return _ANY_GUARDED.search(text) is not None


def unguard_rows(rows: list[list[str]]) -> list[list[str]]:
    """The rows with every guarded cell read back (the same list when none is)."""
    if not guarded_text("\n".join(map(",".join, rows))):
        return rows
    return [[unguard(cell) for cell in row] for row in rows]


def guard_row(cells: Sequence[str]) -> list[str]:
    """A row of CSV cells, each guarded."""
    return [guard(cell) for cell in cells]


def risky_positions(cells: Sequence[object]) -> list[int]:
    """The positions of the text cells of a workbook row that need Excel's quote prefix."""
    joined = "\x00".join(c if type(c) is str else "" for c in cells)
    if _ANY_RISKY.search(joined) is None:
        return []
    return [at for at, c in enumerate(cells) if type(c) is str and _RISKY.match(c)]
