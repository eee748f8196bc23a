"""Errors a user can cause, with plain messages; caught once at the edge (CLI, API, page)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImportFailed", "MovemapError", "NotFound", "Problem", "StoreError"]


class MovemapError(Exception):
    """Base of every error movemap shows to a user without a traceback."""


class NotFound(MovemapError):
    """A constituency, person or relationship that does not exist."""


class StoreError(MovemapError):
    """The store cannot be opened or used (bad URL, newer schema, locked file…)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one cell of an input file.

    ``line`` is the physical line number in the file (the header is line 1), or the row of a
    sheet; ``unit`` says which (``line`` or ``row``); ``column`` is the header name, or ``None``
    when the problem is about the whole row or file. ``file`` names the file, and the sheet
    of a workbook (``bay.xlsx, sheet people``).
    """

    file: str
    line: int | None
    column: str | None
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", {self.unit} {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


class ImportFailed(MovemapError):
    """An import found problems; nothing was written. Every problem is listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = f"import failed, nothing was written: {count} problem{'s' if count != 1 else ''}"
        super().__init__(head + "".join(f"\n  {p}" for p in problems[:200])
                         + (f"\n  … and {count - 200} more" if count > 200 else ""))
