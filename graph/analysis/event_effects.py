"""What went with an event: the map in the days before it compared with the days after.

For an event on day E and a window of W days (the map's ``event_window_days``), from the map as
it stood at the end of three days: the window's start S = E − W, the event day E and the
window's end F = E + W (today, when that has not come yet: ``complete`` is then false):

- joiners before: people in the map on E who were not on S; joiners after: on F, not on E
  (someone who joined and left inside a window is not counted);
- people at ``contributing`` or above, the engaged core and its reach (at the map's steps,
  ``reach.core_reach``) on S, E and F, and the change before (E − S) and after (F − E);
- participants who moved up: those who took part, were in the map on E and are on a higher
  rung of the ladder on F, as a share of those who took part and were in the map on E.

These are associations, not proof that the event caused anything: a movement that was growing
anyway grows after any day. ``effect_sentences`` says so in its words ("joiners in the 60 days
after were 3× those before").

Example:
    >>> from datetime import date
    >>> from graph.model import Person
    >>> def day_map(ids):
    ...     return CompactGraph.from_records("x", [Person(id=i, group="people") for i in ids], [])
    >>> effects = event_effects("launch", date(2025, 3, 1), (), day_map("a"), day_map("ab"),
    ...                         day_map("abcd"), window_days=30, steps=1,
    ...                         today=date(2025, 6, 1))
    >>> effects.joiners_before, effects.joiners_after, effects.joiner_ratio
    (1, 2, 2.0)
    >>> effect_sentences(effects)[0]
    'Joiners in the 30 days after were 2× those in the 30 days before (2 against 1).'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from graph.analysis.reach import core_reach
from graph.compact import CompactGraph
from graph.model import Engagement
from graph.wording import count, people, share_text

__all__ = ["EventEffects", "Standing", "effect_sentences", "effect_window", "event_effects"]


@dataclass(frozen=True)
class Standing:
    """The map at the end of one day, as the effects compare it."""

    day: date
    people: int
    contributing_or_above: int
    """People at ``contributing`` or a higher rung of the ladder."""
    core: int
    reach: float
    """The share of people outside the core within the map's steps of it."""

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "people": self.people,
                "contributing_or_above": self.contributing_or_above, "core": self.core,
                "reach": self.reach}


@dataclass(frozen=True)
class EventEffects:
    """What went with one event (see the module notes for each figure)."""

    event_id: str
    day: date
    window_days: int
    complete: bool
    """Whether the window after has ended (otherwise ``end`` is today)."""
    start: Standing
    on_day: Standing
    end: Standing
    joiners_before: int
    joiners_after: int
    participants: int
    participants_in_map: int
    """Those who took part and were in the map at the end of the event day."""
    participants_moved_up: int

    @property
    def joiner_ratio(self) -> float | None:
        """Joiners after over joiners before (``None`` when nobody joined before)."""
        return self.joiners_after / self.joiners_before if self.joiners_before else None

    @property
    def participants_moved_up_share(self) -> float | None:
        return (self.participants_moved_up / self.participants_in_map
                if self.participants_in_map else None)

    def change(self, name: str) -> tuple[Any, Any]:
        """The change of a ``Standing`` figure before the event and after it."""
        s, e, f = (getattr(x, name) for x in (self.start, self.on_day, self.end))
        return e - s, f - e

    def to_dict(self) -> dict[str, Any]:
        changes = {name: dict(zip(("before", "after"), self.change(name), strict=True))
                   for name in ("people", "contributing_or_above", "core", "reach")}
        return {
            "event_id": self.event_id, "day": self.day.isoformat(),
            "window_days": self.window_days, "complete": self.complete,
            "start": self.start.to_dict(), "on_day": self.on_day.to_dict(),
            "end": self.end.to_dict(), "changes": changes,
            "joiners_before": self.joiners_before, "joiners_after": self.joiners_after,
            "joiner_ratio": self.joiner_ratio, "participants": self.participants,
            "participants_in_map": self.participants_in_map,
            "participants_moved_up": self.participants_moved_up,
            "participants_moved_up_share": self.participants_moved_up_share,
            "sentences": effect_sentences(self),
        }


def effect_window(day: date, window: int, today: date) -> tuple[date, date, bool]:
    """The window's start and end around ``day`` (the end no later than ``today``), and
    whether the window after is complete."""
    end = day + timedelta(days=window)
    return day - timedelta(days=window), min(end, max(today, day)), end <= today


def _standing(graph: CompactGraph, day: date, steps: int) -> Standing:
    core = graph.core_mask
    return Standing(day, graph.n,
                    int(np.count_nonzero(graph.engagement >= Engagement.CONTRIBUTING.rank)),
                    int(np.count_nonzero(core)), core_reach(graph, core, steps).reach)


def _ranks(graph: CompactGraph) -> dict[str, int]:
    return dict(zip(graph.ids, graph.engagement.tolist(), strict=True))


def event_effects(event_id: str, day: date, participants: Sequence[str],
                  start_map: CompactGraph, day_map: CompactGraph, end_map: CompactGraph, *,
                  window_days: int, steps: int, today: date) -> EventEffects:
    """The effects of the event ``event_id`` on ``day`` from the map at the end of the
    window's start, the event day and the window's end (``window_days`` gives those days)."""
    start, end, complete = effect_window(day, window_days, today)
    before, on, after = set(start_map.ids), _ranks(day_map), _ranks(end_map)
    present = [p for p in dict.fromkeys(participants) if p in on]
    moved = sum(1 for p in present if after.get(p, -1) > on[p])
    return EventEffects(
        event_id, day, window_days, complete,
        _standing(start_map, start, steps), _standing(day_map, day, steps),
        _standing(end_map, end, steps),
        joiners_before=len(on.keys() - before), joiners_after=len(after.keys() - on.keys()),
        participants=len(set(participants)), participants_in_map=len(present),
        participants_moved_up=moved)


def _times(ratio: float) -> str:
    return f"{ratio:.1f}".removesuffix(".0") + "×"


NOT_A_CAUSE = "These go with the event; they do not show that it caused them."
"""The last of every event's sentences: what the figures around an event can and cannot say."""


def effect_sentences(effects: EventEffects) -> list[str]:
    """The effects in plain words, as associations ("after", never "because of")."""
    w = effects.window_days
    after = f"in the {w} days after" + ("" if effects.complete else " (so far)")
    joined = (effects.joiners_after, effects.joiners_before)
    if effects.joiner_ratio is not None:
        lines = [f"Joiners {after} were {_times(effects.joiner_ratio)} those in the {w} days "
                 f"before ({joined[0]:,} against {joined[1]:,})."]
    else:
        lines = [f"{people(joined[0])} joined {after}; nobody joined in the {w} days before."]
    up_before, up_after = effects.change("contributing_or_above")
    lines.append(f"People contributing or more: {up_before:+,} in the {w} days before, "
                 f"{up_after:+,} {after}.")
    reach = (effects.start.reach, effects.on_day.reach, effects.end.reach)
    lines.append(f"The core's reach went {share_text(reach[0])} → {share_text(reach[1])} "
                 f"(the day) → {share_text(reach[2])}.")
    if effects.participants:
        share = effects.participants_moved_up_share
        lines.append(
            f"Of the {count(effects.participants_in_map, 'person', 'people')} who took part "
            f"and were in the map that day, {effects.participants_moved_up:,}"
            + (f" ({share_text(share)})" if share is not None else "")
            + f" moved up the ladder {after}.")
    lines.append(NOT_A_CAUSE)
    return lines
