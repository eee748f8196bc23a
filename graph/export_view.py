"""Which part of a map an export holds: the whole map, or a view of it.

A view keeps the people who match every condition given and only the ties between them:

- ``group``: people whose main group it is (as the People page's group filter);
- ``segment``: people who hold that segment;
- ``engagement``: people at that level of the ladder;
- ``role``: people with that declared role (``none``: with no declared role);
- ``core``: people in the engaged core (``leading`` or a declared role), or not;
- ``around_core``: the engaged core and everyone within that many ties of it (1 is the core
  and the people it is in conversation with), counted over every tie of the map on that day,
  so someone reached through a person the other conditions leave out still counts.

The conditions are those of the People page (so a download holds what the page shows) plus the
core's neighbourhood. The map's description and expected segments stay whole: a view of one
segment still shows which segments the map expects. ``describe`` is the view in words, written
into the file so that it says which part of the map it holds.

Example:
    >>> from graph.model import Person, Relationship
    >>> people = [Person(id="a", group="people", engagement="leading"),
    ...           Person(id="b", group="people"), Person(id="c", group="people")]
    >>> ties = [Relationship(source="a", target="b"), Relationship(source="b", target="c")]
    >>> view = ExportView(around_core=1)
    >>> kept, kept_ties = select_view(people, ties, (), view)
    >>> [p.id for p in kept], len(kept_ties), view.describe()
    (['a', 'b'], 1, 'the engaged core and everyone within 1 tie of it')
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from graph.codes import GROUPS, Engagement, Role
from graph.errors import MovemapError
from graph.limits import LIMITS

if TYPE_CHECKING:  # the command line reads this module's names: no validation library
    from graph.model import Person, Relationship

MAX_TEXT_LENGTH = LIMITS.text_length

__all__ = ["AROUND_CORE_MAX", "ENGAGEMENTS", "GROUP_NAMES", "ROLES", "ExportView", "InvalidView",
           "around_core", "select_view"]

AROUND_CORE_MAX = 6
"""The most ties ``around_core`` reaches (six steps reach almost everyone in most maps)."""
GROUP_NAMES = tuple(g.value for g in GROUPS)
ENGAGEMENTS = tuple(e.value for e in Engagement)
ROLES = (*(r.value for r in Role), "none")


class InvalidView(MovemapError):
    """A view that cannot be made as asked; ``field`` names the parameter. ``of_the_map``: the
    value is well formed but this map cannot take it (a segment nobody holds), as opposed to
    a value no map could take."""

    def __init__(self, message: str, field: str, *, of_the_map: bool = False) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.of_the_map = of_the_map


@dataclass(frozen=True)
class ExportView:
    """The conditions of a view (``None``: not applied); no condition is the whole map."""

    group: str | None = None
    segment: str | None = None
    engagement: str | None = None
    role: str | None = None
    core: bool | None = None
    around_core: int | None = None

    def __post_init__(self) -> None:
        choices = {"group": GROUP_NAMES, "engagement": ENGAGEMENTS, "role": ROLES}
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise InvalidView(f"unknown value {value!r}; expected one of "
                                  f"{', '.join(allowed)}", name)
        if self.segment is not None and not 0 < len(self.segment) <= MAX_TEXT_LENGTH:
            raise InvalidView(f"a segment is 1 to {MAX_TEXT_LENGTH:,} characters", "segment")
        if self.around_core is not None and not 1 <= self.around_core <= AROUND_CORE_MAX:
            raise InvalidView(f"must be 1 to {AROUND_CORE_MAX}, got {self.around_core}",
                              "around_core")

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> ExportView:
        """The view of the conditions in ``values`` that are set (others ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names and v not in (None, "")})

    @property
    def whole_map(self) -> bool:
        """Whether no condition is applied."""
        return all(getattr(self, f.name) is None for f in fields(self))

    def renamed_segment(self, segment: str) -> ExportView:
        """The same view with its segment called ``segment`` (a pseudonymised copy's name)."""
        return replace(self, segment=segment)

    def params(self) -> dict[str, str]:
        """The view as query parameters (``around_core=2``, ``core=yes``)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return out

    def describe(self) -> str:
        """The view in words; ``""`` for the whole map."""
        parts = []
        if self.around_core is not None:
            ties = "tie" if self.around_core == 1 else "ties"
            parts.append(f"the engaged core and everyone within {self.around_core} {ties} of it")
        if self.core is not None:
            parts.append("in the engaged core" if self.core else "not in the engaged core")
        if self.group is not None:
            parts.append(f"main group {self.group}")
        if self.segment is not None:
            parts.append(f"segment {self.segment}")
        if self.engagement is not None:
            parts.append(f"engagement {self.engagement}")
        if self.role is not None:
            parts.append("no declared role" if self.role == "none" else f"role {self.role}")
        return "; ".join(parts)


def around_core(people: Sequence[Person], ties: Sequence[Relationship], hops: int
                ) -> set[str]:
    """The ids of the engaged core and of everyone within ``hops`` ties of it (ties are
    undirected; a breadth-first search from every core member at once)."""
    neighbours: dict[str, list[str]] = {p.id: [] for p in people}
    for tie in ties:
        if tie.source in neighbours and tie.target in neighbours:
            neighbours[tie.source].append(tie.target)
            neighbours[tie.target].append(tie.source)
    distance = {p.id: 0 for p in people if p.in_core}
    queue = deque(distance)
    while queue:
        person = queue.popleft()
        if distance[person] == hops:
            continue
        for other in neighbours[person]:
            if other not in distance:
                distance[other] = distance[person] + 1
                queue.append(other)
    return set(distance)


def _keeps(person: Person, view: ExportView) -> bool:
    role = "none" if person.role is None else person.role.value
    return ((view.group is None or person.group.value == view.group)
            and (view.segment is None or view.segment in person.segments)
            and (view.engagement is None or person.engagement.value == view.engagement)
            and (view.role is None or role == view.role)
            and (view.core is None or person.in_core == view.core))


def select_view(people: Sequence[Person], ties: Sequence[Relationship],
                expected_segments: Sequence[str], view: ExportView
                ) -> tuple[list[Person], list[Relationship]]:
    """The people ``view`` keeps and the ties between them, in the order given.

    ``InvalidView`` (naming ``segment``) when the view asks for a segment that nobody holds
    and the map does not expect: almost always a typing slip, which would give an empty file.
    """
    if view.segment is not None and view.segment not in expected_segments and not any(
            view.segment in p.segments for p in people):
        raise InvalidView(f"nobody in the map holds {view.segment!r} and the map does not "
                          "expect it", "segment", of_the_map=True)
    if view.whole_map:
        return list(people), list(ties)
    near = None if view.around_core is None else around_core(people, ties, view.around_core)
    kept = [p for p in people if _keeps(p, view) and (near is None or p.id in near)]
    ids = {p.id for p in kept}
    return kept, [t for t in ties if t.source in ids and t.target in ids]
