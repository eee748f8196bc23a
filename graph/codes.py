"""The code names of the domain: the three groups, the three trust types, the engagement
ladder and the movement roles, as plain enumerations.

Kept apart from ``graph.model`` (which validates records with pydantic) so that what only needs
the names — the command line's choices, above all — starts without loading the validation
library. ``graph.model`` re-exports every name here; use either.

Example:
    >>> Engagement.CONTRIBUTING.rank, Group.GIVERS_OF_SERVICE.label
    (3, 'givers of service')
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["GROUPS", "TRUST_TYPES", "Engagement", "Group", "Role", "TrustType"]


class Group(StrEnum):
    """The three groups a constituency for change is drawn from."""

    PEOPLE = "people"
    GIVERS_OF_SERVICE = "givers_of_service"
    SYSTEM_LEADERS = "system_leaders"

    @property
    def index(self) -> int:  # type: ignore[override]  # deliberate: enum position, not str.index
        """Position in the canonical order (people, givers_of_service, system_leaders)."""
        return GROUPS.index(self)

    @property
    def label(self) -> str:
        """Plain words for a change lead."""
        return _GROUP_LABELS[self]


GROUPS: tuple[Group, ...] = tuple(Group)
_GROUP_LABELS = {
    Group.PEOPLE: "the people",
    Group.GIVERS_OF_SERVICE: "givers of service",
    Group.SYSTEM_LEADERS: "system leaders",
}


class TrustType(StrEnum):
    """The three types of trust, each a separate 0–3 strength on a tie."""

    RELATIONAL = "relational"
    FUNCTIONAL = "functional"
    FLOW_OF_VALUE = "flow_of_value"


TRUST_TYPES: tuple[TrustType, ...] = tuple(TrustType)


class Engagement(StrEnum):
    """The engagement ladder, lowest first: compare with ``rank``."""

    UNENGAGED = "unengaged"
    AWARE = "aware"
    SUPPORTING = "supporting"
    CONTRIBUTING = "contributing"
    LEADING = "leading"

    @property
    def rank(self) -> int:
        """0 for ``unengaged`` up to 4 for ``leading``."""
        return _ENGAGEMENT_ORDER.index(self)


_ENGAGEMENT_ORDER: tuple[Engagement, ...] = tuple(Engagement)


class Role(StrEnum):
    """Movement roles after Hahrie Han."""

    LONE_WOLF = "lone_wolf"
    MOBILISER = "mobiliser"
    ORGANISER = "organiser"

    @property
    def index(self) -> int:  # type: ignore[override]  # deliberate: enum position, not str.index
        """Position in the canonical order (lone_wolf, mobiliser, organiser)."""
        return _ROLE_ORDER.index(self)


_ROLE_ORDER: tuple[Role, ...] = tuple(Role)
