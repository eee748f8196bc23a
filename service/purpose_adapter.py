"""The link holder's board (``service.purpose_board.PurposeBoard``) over the shared purpose's
use cases (``graph.purpose``): every change is one change set of the map's history, made as
``person:ID`` through ``private link N``, on the map's one write path.

How the page's words map onto the purpose: *our* and *purpose* are elements of their own;
*shared* is a story, a value, a commonality or a difference. A round is open to a link holder
while its status is open and its day has come. The statement versions a link holder is asked to
review are the prototypes of their round (or of no round): the versions a small group drafted
and sent out for review. A picture is kept in the picture folder (``service.pictures``) and the
contribution holds only its reference.
"""

from __future__ import annotations

import contextlib
from typing import cast

from flask import current_app
from pydantic import ValidationError

from graph.errors import MovemapError, NotFound
from graph.history import Actor
from graph.model import Group
from graph.purpose.model import (
    Answer,
    Contribution,
    Element,
    Review,
    RoundStatus,
    SharedKind,
    StatementStatus,
    Who,
)
from graph.purpose.records import PurposeState, split_version_id
from graph.stores.base import GraphStore
from service.pictures import PictureFolder
from service.purpose_board import ContributionView, RoundView, StatementView
from service.state import use_cases

__all__ = ["UseCaseBoard"]

_ELEMENTS: dict[str, tuple[Element, SharedKind | None]] = {
    "our": (Element.OUR, None),
    "shared_story": (Element.SHARED, SharedKind.STORY),
    "shared_value": (Element.SHARED, SharedKind.VALUE),
    "shared_commonality": (Element.SHARED, SharedKind.COMMONALITY),
    "shared_difference": (Element.SHARED, SharedKind.DIFFERENCE),
    "purpose": (Element.PURPOSE, None),
}
_WORDS = {parts: words for words, parts in _ELEMENTS.items()}


def _plain(exc: ValidationError) -> MovemapError:
    """A model's first complaint in plain words, naming the field."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "text"
    message = str(first["msg"]).removeprefix("Value error, ")
    return MovemapError(message if ":" in message else f"{field}: {message}")


class UseCaseBoard:
    """One request's board over ``graph.purpose``'s use cases, acting as ``actor``."""

    def __init__(self, store: GraphStore, actor: Actor) -> None:
        self.store = store
        self.cases = use_cases(actor.by, actor.via)
        self.pictures = cast(PictureFolder, current_app.extensions["movemap.pictures"])

    def _state(self, name: str) -> PurposeState:
        return self.cases.purpose.state(name)

    def _in_round(self, name: str, round_id: str, contribution_id: str) -> Contribution:
        found = self._state(name).contributions.get(contribution_id)
        if found is None or found.round != round_id or found.withdrawn:
            raise MovemapError(f"contribution: there is no contribution {contribution_id!r} "
                               "in this round")
        return found

    def round(self, name: str, round_id: str) -> RoundView | None:
        try:
            found = self._state(name).rounds.get(round_id)
        except NotFound:
            return None
        if found is None:
            return None
        is_open = found.status is RoundStatus.OPEN and found.opens <= self.cases.today
        return RoundView(round_id, found.title, "", is_open)

    def contributions(self, name: str, round_id: str) -> list[ContributionView]:
        live = [(cid, c) for cid, c in self._state(name).live_contributions().items()
                if c.round == round_id]
        groups: dict[str, Group] = {}
        for pid in {c.contributor.person for _cid, c in live if c.contributor.person}:
            with contextlib.suppress(NotFound):  # removed from the map since: "someone"
                groups[pid] = self.store.get_person(name, pid).group
        return [ContributionView(cid, _WORDS[(c.element, c.kind)], c.text,
                                 c.contributor.person or "",
                                 groups.get(c.contributor.person or ""), bool(c.picture))
                for cid, c in live]

    def picture(self, name: str, round_id: str, contribution_id: str) -> bytes | None:
        try:
            found = self._in_round(name, round_id, contribution_id)
        except MovemapError:
            return None
        return self.pictures.load(found.picture)

    def statements_for_review(self, name: str, round_id: str, person_id: str
                              ) -> list[StatementView]:
        state = self._state(name)
        me = Who(person=person_id).ref
        mine = {r.version: r for r in state.reviews.values() if r.reviewer.ref == me}
        out = []
        for vid, version in state.versions.items():
            if version.status is not StatementStatus.PROTOTYPE or version.round not in (
                    None, round_id):
                continue
            text = "\n".join(f"{label}: {words}" for label, words in (
                ("Our", version.our), ("Shared", version.shared),
                ("Purpose", version.purpose)) if words)
            review = mine.get(vid)
            out.append(StatementView(vid, split_version_id(vid)[1], text,
                                     review.answer.value if review else None,
                                     review.reason if review else ""))
        return out

    def add(self, name: str, round_id: str, person_id: str, element: str, text: str,
            picture: bytes | None) -> str:
        part, kind = _ELEMENTS[element]
        reference = self.pictures.save(picture) if picture is not None else ""
        try:
            contribution = Contribution(element=part, kind=kind, text=text,
                                        date=self.cases.today, round=round_id,
                                        contributor=Who(person=person_id), picture=reference)
        except ValidationError as exc:
            raise _plain(exc) from None
        made = self.cases.purpose.add_contribution(name, contribution)
        if picture is not None:  # again: another contribution with the same picture, let go
            self.pictures.save(picture)  # meanwhile, may have taken the file before this one
        return made

    def _own(self, name: str, round_id: str, person_id: str,
             contribution_id: str) -> Contribution:
        """The holder's own contribution; someone else's is refused without naming them (the
        use cases' own refusal names the contributor)."""
        found = self._in_round(name, round_id, contribution_id)
        if found.contributor.person != person_id:
            raise MovemapError("contribution: you can change or withdraw only your own")
        return found

    def edit(self, name: str, round_id: str, person_id: str, contribution_id: str,
             text: str) -> None:
        current = self._own(name, round_id, person_id, contribution_id)
        try:
            edited = Contribution.model_validate({**current.model_dump(), "text": text})
        except ValidationError as exc:
            raise _plain(exc) from None
        self.cases.purpose.edit_contribution(name, contribution_id, edited,
                                             Who(person=person_id))

    def withdraw(self, name: str, round_id: str, person_id: str, contribution_id: str) -> None:
        self._own(name, round_id, person_id, contribution_id)
        self.cases.purpose.withdraw_contribution(name, contribution_id, Who(person=person_id))

    def review(self, name: str, round_id: str, person_id: str, statement_id: str,
               version: int, verdict: str, reason: str) -> None:
        sent = {s.id: s.version for s in self.statements_for_review(name, round_id, person_id)}
        if sent.get(statement_id) != version:
            raise MovemapError("version: that statement is no longer out for review")
        try:
            review = Review(version=statement_id, reviewer=Who(person=person_id),
                            answer=Answer(verdict), reason=reason, date=self.cases.today)
        except ValidationError as exc:
            raise _plain(exc) from None
        self.cases.purpose.review(name, review)
