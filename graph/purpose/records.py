"""How the purpose lives in a map's history: one record per item, under its own key.

Each round, contribution, theme, statement, version, review, aim and persona is a record of the
map's history with the key ``("purpose", KIND, ID)`` (``("purpose", "contribution", "c12")``),
whose timeline holds one undated entry per field. So every version of every item, who wrote it,
when and through what, is the map's history: it shows on the history page, can be undone like
any other change and travels with a copy of the map; the stores need nothing new, and the as-of
index (``graph.stores.versions``) skips records that are not people or ties.

``PurposeState`` is every item of one map, read from those records; it is what the board, the
warnings and the exports are built from.

Example:
    >>> from graph.purpose.model import Round
    >>> t = item_timeline(Round(title="Why?", opens="2025-01-01"))
    >>> item_from(ITEM_MODELS["round"], t).title
    'Why?'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from graph.history import Key, TimelineRecord
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Round,
    Statement,
    StatementStatus,
    StatementVersion,
    Theme,
)
from graph.timeline import Timeline

__all__ = [
    "ITEM_KINDS",
    "ITEM_MODELS",
    "PURPOSE",
    "PurposeState",
    "item_from",
    "item_timeline",
    "new_id",
    "purpose_key",
    "state_from_records",
    "version_id",
]

PURPOSE = "purpose"
"""The kind of a purpose record's key (beside ``person``, ``tie`` and ``map``)."""

ITEM_MODELS: dict[str, type[BaseModel]] = {
    "round": Round, "contribution": Contribution, "theme": Theme, "statement": Statement,
    "version": StatementVersion, "review": Review, "aim": Aim, "persona": Persona,
}
ITEM_KINDS: tuple[str, ...] = tuple(ITEM_MODELS)
PREFIX = {"round": "r", "contribution": "c", "theme": "t", "statement": "s", "review": "rv",
          "aim": "a", "persona": "pe"}
"""The letters of a new item's id: ``c`` then a number for a contribution (``c12``)."""

_M = TypeVar("_M", bound=BaseModel)


def purpose_key(kind: str, item_id: str) -> Key:
    """The key of an item's record: ``("purpose", "contribution", "c12")``."""
    return (PURPOSE, kind, item_id)


def item_timeline(item: BaseModel) -> Timeline:
    """An item as a record: each field one entry since always (the purpose is not dated
    in valid time; its history is recorded time)."""
    return Timeline({name: ((None, value),) for name, value in
                     item.model_dump(mode="json").items()})


def item_from(model: type[_M], timeline: Timeline) -> _M:
    """The item a record holds (each field's latest value)."""
    values = {name: timeline.value_at(name, None) for name in timeline.fields}
    return model.model_validate(values)


def new_id(kind: str, taken: Iterable[str]) -> str:
    """The next id of a kind: one more than the highest number taken (``c1``, ``c2``…)."""
    prefix = PREFIX[kind]
    pattern = re.compile(rf"^{prefix}(\d+)$")
    numbers = [int(m.group(1)) for t in taken if (m := pattern.match(t))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def version_id(statement_id: str, number: int) -> str:
    """``s1-v2``: the second version of statement ``s1``."""
    return f"{statement_id}-v{number}"


def split_version_id(item_id: str) -> tuple[str, int]:
    """``s1-v2`` → ``("s1", 2)``."""
    statement, _, number = item_id.rpartition("-v")
    return statement, int(number)


@dataclass
class PurposeState:
    """Every purpose item of one map, by kind then id (ids in the order they were made)."""

    rounds: dict[str, Round] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    versions: dict[str, StatementVersion] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    aims: dict[str, Aim] = field(default_factory=dict)
    personas: dict[str, Persona] = field(default_factory=dict)

    def items(self, kind: str) -> dict[str, Any]:
        """The items of one kind (``ITEM_KINDS``)."""
        found: dict[str, Any] = getattr(self, _ATTRIBUTE[kind])
        return found

    def versions_of(self, statement_id: str) -> list[tuple[str, StatementVersion]]:
        """A statement's versions, first to latest."""
        found = [(vid, v) for vid, v in self.versions.items()
                 if split_version_id(vid)[0] == statement_id]
        return sorted(found, key=lambda item: split_version_id(item[0])[1])

    def current(self) -> tuple[str, StatementVersion] | None:
        """The current statement version (at most one), else the latest good-enough one."""
        for status in (StatementStatus.CURRENT, StatementStatus.GOOD_ENOUGH):
            found = [(vid, v) for vid, v in self.versions.items() if v.status is status]
            if found:
                return max(found, key=lambda item: (item[1].date, item[0]))
        return None

    def live_contributions(self) -> dict[str, Contribution]:
        """Contributions not withdrawn."""
        return {cid: c for cid, c in self.contributions.items() if not c.withdrawn}

    def to_dict(self) -> dict[str, Any]:
        """Every item as JSON values, by kind (``{"rounds": [{"id": "r1", …}], …}``)."""
        return {_ATTRIBUTE[kind]: [{"id": item_id, **item.model_dump(mode="json")}
                                   for item_id, item in self.items(kind).items()]
                for kind in ITEM_KINDS}


_ATTRIBUTE = {"round": "rounds", "contribution": "contributions", "theme": "themes",
              "statement": "statements", "version": "versions", "review": "reviews",
              "aim": "aims", "persona": "personas"}


def _order(item_id: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", item_id))


def state_from_records(records: Iterable[TimelineRecord]) -> PurposeState:
    """The items among a map's records (others are skipped)."""
    state = PurposeState()
    parsed: dict[str, list[tuple[str, BaseModel]]] = {kind: [] for kind in ITEM_KINDS}
    for record in records:
        kind, item_kind, item_id = record.key
        if kind != PURPOSE or item_kind not in ITEM_MODELS:
            continue
        parsed[item_kind].append((item_id, item_from(ITEM_MODELS[item_kind],
                                                     Timeline.from_json(record.timeline))))
    for item_kind, items in parsed.items():
        state.items(item_kind).update(sorted(items, key=lambda item: _order(item[0])))
    return state


def state_from_items(items: Mapping[str, Mapping[str, BaseModel]]) -> PurposeState:
    """A state from items given by kind (tests and the benchmark)."""
    state = PurposeState()
    for kind, found in items.items():
        state.items(kind).update(found)
    return state
