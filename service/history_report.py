"""Plain words for ``movemap changes`` and ``movemap history``.

The JSON (``MapChanges.to_dict()``, ``ChangeSet.to_dict()``) is the contract for tools; these
texts are for people and may change wording.

Example:
    >>> print(format_changes(changes, names))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from graph.analysis.changes import MapChanges, Move
from graph.usecases import ChangeSet, FieldChange
from graph.wording import count, people, share_text

__all__ = ["MAX_LISTED", "format_changes", "format_history"]

MAX_LISTED = 15
"""List at most this many people or ties per line; the JSON has them all."""

_WORDS = {"lone_wolf": "lone wolf", "mobiliser": "mobiliser", "organiser": "organiser",
          None: "none"}


def _who(pid: str, names: Mapping[str, str]) -> str:
    name = names.get(pid, "")
    return f"{name} ({pid})" if name and name != pid else pid


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED:,} more" if len(items) > MAX_LISTED else "")


def _moves(moves: Sequence[Move], names: Mapping[str, str], words: Mapping[Any, str] | None
           = None) -> str:
    def word(value: str | None) -> str:
        return (words or {}).get(value, value or "none")
    return _listed([f"{_who(m.id, names)}: {word(m.before)} → {word(m.after)}" for m in moves])


def format_changes(changes: MapChanges, names: Mapping[str, str] | None = None, *,
                   target_reach: float | None = None) -> str:
    """What changed between the two days, section by section, with the numbers; reach is
    rounded as everywhere else (``share_text``: a share just below ``target_reach`` keeps a
    decimal)."""

    def _pct(share: float) -> str:
        return share_text(share, below=target_reach)

    names = names or {}
    c = changes
    title = f"What changed from {c.since.isoformat()} to {c.until.isoformat()}"
    lines = [title, "=" * len(title), ""]
    lines.append(f"The map grew from {people(c.size[0])} to {people(c.size[1])} and from "
                 f"{count(c.ties[0], 'tie')} to {count(c.ties[1], 'tie')}.")
    lines.append(f"The engaged core went from {c.core_size[0]:,} to {c.core_size[1]:,} "
                 f"and its reach from {_pct(c.core_reach[0])} to {_pct(c.core_reach[1])}.")
    sections: list[tuple[str, str]] = [
        (f"Joined ({len(c.joined):,})", _listed([_who(p, names) for p in c.joined])),
        (f"Left ({len(c.left):,})", _listed([_who(p, names) for p in c.left])),
        (f"Moved up the ladder ({len(c.moved_up):,})", _moves(c.moved_up, names)),
        (f"Moved down the ladder ({len(c.moved_down):,})", _moves(c.moved_down, names)),
        (f"Declared roles changed ({len(c.declared_roles):,})",
         _moves(c.declared_roles, names, _WORDS)),
        (f"Suggested roles changed ({len(c.inferred_roles):,})",
         _moves(c.inferred_roles, names, _WORDS)),
        (f"Ties formed ({len(c.ties_formed):,})",
         _listed([f"{_who(a, names)} – {_who(b, names)}" for a, b in c.ties_formed])),
        (f"Ties ended ({len(c.ties_ended):,})",
         _listed([f"{_who(a, names)} – {_who(b, names)}" for a, b in c.ties_ended])),
        (f"Trust changed ({len(c.trust_changes):,})",
         _listed([f"{_who(t.source, names)} – {_who(t.target, names)} "
                  f"{t.trust.replace('_', ' ')} {t.before} → {t.after}"
                  for t in c.trust_changes])),
        (f"Gaps opened ({len(c.gaps_opened):,})", _listed([g.message for g in c.gaps_opened])),
        (f"Gaps closed ({len(c.gaps_closed):,})", _listed([g.message for g in c.gaps_closed])),
    ]
    for heading, body in sections:
        empty = "nobody" if heading.startswith(("Joined", "Left", "Moved")) else "none"
        lines += ["", heading + ":", f"  {body or empty}"]
    return "\n".join(lines) + "\n"


def _entries(values: Sequence[tuple[date | None, Any]]) -> str:
    if not values:
        return "nothing"
    return "; ".join(
        f"{_value(v)} {'since always' if d is None else 'from ' + d.isoformat()}"
        for d, v in values)


def _value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == "":
        return "blank"
    return "none" if value is None else str(value)


def _field_line(change: FieldChange) -> str:
    what = {"present": "in the map"}.get(change.field, change.field.replace("_", " "))
    return (f"    {change.subject}, {what}: {_entries(change.before)} → "
            f"{_entries(change.after)}")


def _record_lines(changes: Sequence[FieldChange]) -> list[str]:
    """One line for a record added or removed whole, else a line per field."""
    if all(not c.before for c in changes) or all(not c.after for c in changes):
        added = all(not c.before for c in changes)
        present = next((c.after if added else c.before for c in changes
                        if c.field == "present"), ())
        start = next((d for d, v in present if v), None)
        when = f" (from {start.isoformat()})" if start else ""
        return [f"    {'added' if added else 'removed'} {changes[0].subject}{when}"]
    return [_field_line(c) for c in changes]


def format_history(change_sets: Sequence[ChangeSet]) -> str:
    """Change sets, newest first: who, when, through what, and each field changed."""
    if not change_sets:
        return "No changes recorded.\n"
    lines: list[str] = []
    for cs in change_sets:
        undone = f" (undone by {cs.undone_by})" if cs.undone_by else ""
        lines.append(f"#{cs.id}  {cs.recorded_at:%Y-%m-%d %H:%M} UTC  {cs.by} via {cs.via}: "
                     f"{cs.summary}{undone}")
        records: dict[tuple[str, str], list[FieldChange]] = {}
        for change in cs.changes:
            records.setdefault((change.kind, change.subject), []).append(change)
        for changes in list(records.values())[:MAX_LISTED]:
            lines += _record_lines(changes)
        if cs.change_count > min(len(records), MAX_LISTED):
            lines.append(f"    … {cs.change_count:,} records (people, ties, the map) "
                         "changed in all (--json lists them)")
    return "\n".join(lines) + "\n"
