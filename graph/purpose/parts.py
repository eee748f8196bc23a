"""Each person's part in the purpose, for colouring the network: who contributed, who only
reviewed, who was invited and has not answered, and who was never invited.

``invited`` is the people (ids) who were asked to contribute: the private contribution links
give it (each link names the person it was made for). Pure: ids in, parts out.

Example:
    >>> from graph.purpose.model import Contribution
    >>> from graph.purpose.records import PurposeState
    >>> state = PurposeState(contributions={"c1": Contribution(
    ...     element="our", text="t", date="2025-01-01", contributor={"person": "ana"})})
    >>> person_parts(["ana", "ben", "cy"], state, invited={"ben"})
    {'ana': 'contributed', 'ben': 'invited_silent', 'cy': 'never_invited'}
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import StrEnum

from graph.purpose.records import PurposeState

__all__ = ["Part", "person_parts"]


class Part(StrEnum):
    """A person's part, strongest first: one who contributed and reviewed *contributed*."""

    CONTRIBUTED = "contributed"
    """made a contribution (not withdrawn) or drafted a statement version"""
    REVIEWED = "reviewed"
    """reviewed a statement version, and contributed nothing"""
    INVITED_SILENT = "invited_silent"
    """was invited, and has neither contributed nor reviewed"""
    NEVER_INVITED = "never_invited"


def person_parts(ids: Sequence[str], state: PurposeState, invited: Collection[str] = ()
                 ) -> dict[str, str]:
    """The part (``Part`` code name) of each person of ``ids`` (the map's people)."""
    contributed = {c.contributor.person for c in state.live_contributions().values()}
    contributed |= {w.person for v in state.versions.values() for w in v.drafted_by}
    reviewed = {r.reviewer.person for r in state.reviews.values()}
    asked = set(invited)
    parts: dict[str, str] = {}
    for pid in ids:
        part = (Part.CONTRIBUTED if pid in contributed else Part.REVIEWED if pid in reviewed
                else Part.INVITED_SILENT if pid in asked else Part.NEVER_INVITED)
        parts[pid] = part.value
    return parts
