"""What a file says about the map itself: its description and its expected segments.

A workbook's ``map`` sheet and a CSV folder's ``map.csv`` hold the same two columns, ``field``
and ``value``: one ``description`` row, one ``expected_segment`` row per expected segment, and
(in what movemap exports) ``undated`` = ``since always``: a blank ``joined`` or ``since`` in
this file means the person or tie has been there since always, not since the day of the import,
so an exported map imports back as the same map. An export of part of the map has a ``view``
row saying which part (``graph.export_view``); it tells whoever opens the file and is not
imported.
Blank rows are skipped; an unknown field, a second description, or more values than the limits
allow are problems naming the row.

Example:
    >>> problems = []
    >>> info = read_map_rows([["field", "value"], ["description", "Bay"],
    ...                       ["expected_segment", "locality:Barrow"]], "map.csv", problems)
    >>> info.description, info.expected_segments, info.undated_since_always, problems
    ('Bay', ('locality:Barrow',), False, [])
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.errors import Problem
from graph.formats.base import MapInfo
from graph.limits import LIMITS, setting_name

__all__ = ["MAP_COLUMNS", "SINCE_ALWAYS", "map_rows", "read_map_rows"]

MAP_COLUMNS = ("field", "value")
_DESCRIPTION = "description"
_EXPECTED = "expected_segment"
_UNDATED = "undated"
_VIEW = "view"
SINCE_ALWAYS = "since always"


def map_rows(description: str, expected_segments: Sequence[str], view: str = ""
             ) -> list[list[str]]:
    """The rows (header first) that say a map's description and expected segments, that its
    blank dates mean since always, and (when the file holds part of the map) which view."""
    return [list(MAP_COLUMNS), [_DESCRIPTION, description], [_UNDATED, SINCE_ALWAYS],
            *([[_VIEW, view]] if view else []),
            *([_EXPECTED, segment] for segment in expected_segments)]


def read_map_rows(rows: Sequence[Sequence[str]], label: str, problems: list[Problem]
                  ) -> MapInfo:
    """The description and expected segments of ``rows`` (header first); problems named by
    ``label`` and row number are added to ``problems``."""
    description: str | None = None
    since_always = False
    expected: list[str] = []
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(rows, start=1)
                if "".join(row).strip()]
    if not numbered or [c.lower() for c in numbered[0][1][:2]] != list(MAP_COLUMNS):
        problems.append(Problem(label, numbered[0][0] if numbered else None, None,
                                "the first row must be the header 'field', 'value'", "row"))
        return MapInfo()
    for number, cells in numbered[1:]:
        name, value = (cells + ["", ""])[:2]
        key = name.lower().replace(" ", "_")
        if len(value) > LIMITS.text_length:
            problems.append(Problem(label, number, "value", f"value is at most "
                                    f"{LIMITS.text_length:,} characters "
                                    f"({setting_name('text_length')})", "row"))
        elif key == _DESCRIPTION and description is None:
            description = value
        elif key == _DESCRIPTION:
            problems.append(Problem(label, number, "field", "the description is given twice",
                                    "row"))
        elif key == _UNDATED and value.lower() in (SINCE_ALWAYS, ""):
            since_always = value.lower() == SINCE_ALWAYS
        elif key == _UNDATED:
            problems.append(Problem(label, number, "value", f"undated must be "
                                    f"'{SINCE_ALWAYS}' or blank, got {value!r}", "row"))
        elif key == _VIEW:
            continue  # says which part of a map the file holds; nothing to import
        elif key in (_EXPECTED, "expected_segments"):
            if value:
                expected.append(value)
        else:
            problems.append(Problem(label, number, "field", f"unknown field {name!r}; expected "
                                    f"{_DESCRIPTION}, {_EXPECTED}, {_UNDATED} or {_VIEW}", "row"))
    if len(expected) > LIMITS.expected_segments:
        problems.append(Problem(label, None, "value", f"at most {LIMITS.expected_segments:,} "
                                f"expected segments ({setting_name('expected_segments')}), "
                                f"got {len(expected):,}", "row"))
    return MapInfo(description, tuple(dict.fromkeys(expected)) if expected or description
                   is not None else None, since_always)
