"""Plain words for ``movemap growth``: the growth series as a table, one row per period.

The JSON (``GrowthSeries.to_dict()``) is the contract for tools; this table is for people and
may change wording.

Example:
    >>> print(format_growth(series))  # doctest: +SKIP
"""

from __future__ import annotations

from graph.analysis.growth import GrowthPoint, GrowthSeries
from graph.wording import share_text

__all__ = ["format_growth"]

_COLUMNS = ("date", "people", "joined", "left", "ties", "formed", "ended", "core",
            "core share", "reach", "new leaders", "gaps")


def _row(point: GrowthPoint) -> tuple[str, ...]:
    core = point.core
    share = f"{share_text(core['share'], below=core['target'])} / " \
            f"{share_text(core['target'])}"
    reach = f"{share_text(core['reach'], below=core['target_reach'])} / " \
            f"{share_text(core['target_reach'])}"
    day = point.date.isoformat() + (" (so far)" if point.partial else "")
    return (day, f"{point.size:,}", f"+{point.joined['count']:,}", f"-{point.left['count']:,}",
            f"{point.ties:,}", f"+{point.ties_formed['all']:,}",
            f"-{point.ties_ended['all']:,}", f"{core['size']:,}", share, reach,
            f"{point.leaders_developed['count']:,}", f"{sum(point.gaps.values()):,}")


def format_growth(series: GrowthSeries, name: str) -> str:
    """The series oldest first: size, who joined and left, ties formed and ended, the core's
    size and share against its target, its reach against the target, new leaders and open
    gaps, one row per period."""
    title = f"Growth of {name}, by {series.interval}"
    rows = [_COLUMNS, *(_row(p) for p in series.points)]
    widths = [max(len(r[c]) for r in rows) for c in range(len(_COLUMNS))]
    lines = [title, "=" * len(title), ""]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                               for c, (cell, w) in enumerate(zip(row, widths, strict=True)))
                     .rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    if series.first_record is None:
        lines += ["", "Nothing in the map is dated yet, so the series is today alone."]
    lines += ["", "core share and reach: now / target. Gaps: open gaps of every kind but "
              "unreached clusters. --json has every measure (groups, ladder, roles, trust)."]
    return "\n".join(lines) + "\n"
