"""An in-memory purpose board for the link holder's page tests (``service.purpose_board``'s
port), standing in for the shared-purpose use cases: it records who acted through what, so
tests can check the page passes the link's person and actor along."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.history import Actor
from graph.model import Group
from graph.stores.base import GraphStore
from service.purpose_board import ContributionView, RoundView, StatementView


@dataclass
class _Contribution:
    id: str
    round_id: str
    element: str
    text: str
    person_id: str
    group: Group | None
    picture: bytes | None
    withdrawn: bool = False


@dataclass
class FakeBoardState:
    """Everything the fake board holds, shared by every request of one app."""

    rounds: dict[tuple[str, str], RoundView] = field(default_factory=dict)
    contributions: list[_Contribution] = field(default_factory=list)
    statements: dict[tuple[str, str], list[StatementView]] = field(default_factory=dict)
    reviews: dict[tuple[str, str, int], tuple[str, str]] = field(default_factory=dict)
    actions: list[tuple[str, str, str]] = field(default_factory=list)
    """``(by, via, what)`` of every change, as a history would record them."""

    def open_round(self, name: str, round_id: str, title: str = "Why this matters") -> None:
        self.rounds[(name, round_id)] = RoundView(round_id, title, "Tell us.", True)

    def close_round(self, name: str, round_id: str) -> None:
        old = self.rounds[(name, round_id)]
        self.rounds[(name, round_id)] = RoundView(old.id, old.title, old.prompt, False)

    def factory(self, store: GraphStore, actor: Actor) -> FakeBoard:
        return FakeBoard(self, store, actor)


class FakeBoard:
    def __init__(self, state: FakeBoardState, store: GraphStore, actor: Actor) -> None:
        self.state, self.store, self.actor = state, store, actor

    def _note(self, what: str) -> None:
        self.state.actions.append((self.actor.by, self.actor.via, what))

    def round(self, name: str, round_id: str) -> RoundView | None:
        return self.state.rounds.get((name, round_id))

    def contributions(self, name: str, round_id: str) -> list[ContributionView]:
        return [ContributionView(c.id, c.element, c.text, c.person_id, c.group,
                                 c.picture is not None)
                for c in self.state.contributions
                if c.round_id == f"{name}/{round_id}" and not c.withdrawn]

    def picture(self, name: str, round_id: str, contribution_id: str) -> bytes | None:
        found = self._find(name, round_id, contribution_id)
        return None if found is None else found.picture

    def statements_for_review(self, name: str, round_id: str, person_id: str
                              ) -> list[StatementView]:
        out = []
        for s in self.state.statements.get((name, round_id), []):
            verdict, reason = self.state.reviews.get((person_id, s.id, s.version), (None, ""))
            out.append(StatementView(s.id, s.version, s.text, verdict, reason))
        return out

    def add(self, name: str, round_id: str, person_id: str, element: str, text: str,
            picture: bytes | None) -> str:
        group = self.store.get_person(name, person_id).group
        cid = f"c{len(self.state.contributions) + 1}"
        self.state.contributions.append(_Contribution(cid, f"{name}/{round_id}", element, text,
                                                      person_id, group, picture))
        self._note(f"add {cid}")
        return cid

    def _find(self, name: str, round_id: str, cid: str) -> _Contribution | None:
        return next((c for c in self.state.contributions
                     if c.id == cid and c.round_id == f"{name}/{round_id}" and not c.withdrawn),
                    None)

    def _own(self, name: str, round_id: str, person_id: str, cid: str) -> _Contribution:
        found = self._find(name, round_id, cid)
        if found is None or found.person_id != person_id:
            raise LookupError(f"contribution: there is no contribution {cid!r} of yours")
        return found

    def edit(self, name: str, round_id: str, person_id: str, contribution_id: str,
             text: str) -> None:
        self._own(name, round_id, person_id, contribution_id).text = text
        self._note(f"edit {contribution_id}")

    def withdraw(self, name: str, round_id: str, person_id: str, contribution_id: str) -> None:
        self._own(name, round_id, person_id, contribution_id).withdrawn = True
        self._note(f"withdraw {contribution_id}")

    def review(self, name: str, round_id: str, person_id: str, statement_id: str,
               version: int, verdict: str, reason: str) -> None:
        self.state.reviews[(person_id, statement_id, version)] = (verdict, reason)
        self._note(f"review {statement_id} {version} {verdict}")
