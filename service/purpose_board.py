"""What a link holder's page needs of the shared purpose: a small port, so the page stays thin
and every change goes through the purpose use cases (``graph.purpose``), never to a store.

``PurposeBoard`` is the interface; ``board_for`` gives the one the app is wired to: the
adapter over ``graph.purpose``'s use cases (``service.purpose_adapter``); tests may put their
own factory in ``app.extensions["movemap.purpose_board"]``.

The parts of the board a contribution goes to (``ELEMENTS``): *our* (who are our people),
*shared* (a story, a value, a commonality, a difference) and *purpose* (a wording).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from flask import current_app

from graph.history import Actor
from graph.model import Group
from graph.stores.base import GraphStore

__all__ = ["ELEMENTS", "ELEMENT_WORDS", "VERDICTS", "BoardFactory", "ContributionView",
           "PurposeBoard", "RoundView", "StatementView", "board_for"]

ELEMENTS = ("our", "shared_story", "shared_value", "shared_commonality", "shared_difference",
            "purpose")
ELEMENT_WORDS = {
    "our": ("Our", "Who are our people? Who is affected, who needs to be part of this?"),
    "shared_story": ("Shared: a story", "Why does this change matter to you?"),
    "shared_value": ("Shared: a value", "What do we care about?"),
    "shared_commonality": ("Shared: what we have in common", "What unites us?"),
    "shared_difference": ("Shared: a difference", "Where do we differ, and need to work it "
                                                  "through?"),
    "purpose": ("Purpose", "Why do we act? Put the purpose in your own words."),
}
"""Each element's heading and the question it asks, in plain words."""
VERDICTS = ("can_live_with", "cannot_yet")
"""A review of a statement: "I can live with it" or "I can't yet, because …"."""


@dataclass(frozen=True)
class RoundView:
    id: str
    title: str
    prompt: str
    open: bool


@dataclass(frozen=True)
class ContributionView:
    id: str
    element: str
    text: str
    person_id: str
    group: Group | None
    """The contributor's primary group, so others read "someone from <group>"."""
    has_picture: bool = False


@dataclass(frozen=True)
class StatementView:
    """A version of the purpose statement sent for review, with this person's review."""

    id: str
    version: int
    text: str
    verdict: str | None = None
    reason: str = ""


class PurposeBoard(Protocol):
    """The shared purpose as a link holder meets it: one round of one map."""

    def round(self, name: str, round_id: str) -> RoundView | None: ...
    def contributions(self, name: str, round_id: str) -> list[ContributionView]: ...
    def picture(self, name: str, round_id: str, contribution_id: str) -> bytes | None: ...
    def statements_for_review(self, name: str, round_id: str, person_id: str
                              ) -> list[StatementView]: ...
    def add(self, name: str, round_id: str, person_id: str, element: str, text: str,
            picture: bytes | None) -> str: ...
    def edit(self, name: str, round_id: str, person_id: str, contribution_id: str,
             text: str) -> None: ...
    def withdraw(self, name: str, round_id: str, person_id: str,
                 contribution_id: str) -> None: ...
    def review(self, name: str, round_id: str, person_id: str, statement_id: str,
               version: int, verdict: str, reason: str) -> None: ...


BoardFactory = Callable[[GraphStore, Actor], PurposeBoard]


def board_for(store: GraphStore, actor: Actor) -> PurposeBoard:
    """The board the app is wired to, acting as ``actor``: the shared purpose's use cases
    (``service.purpose_adapter``) unless the app was given another factory."""
    from service.purpose_adapter import UseCaseBoard

    factory = cast(BoardFactory | None, current_app.extensions.get("movemap.purpose_board"))
    return (factory or UseCaseBoard)(store, actor)
