"""The purpose's use cases: rounds, contributions, themes, statements, reviews, aims, personas.

They go through the map's one write path (``graph.usecases.UseCases``): each validates, then
writes one change set (who, when, through what; one record per item, ``graph.purpose.records``)
in one transaction and tells the caches. Reach them as ``UseCases(...).purpose``.

A contribution is its contributor's: only they (the ``who`` the caller passes: the person or
account acting) may change or withdraw it; anything else is refused with ``NotYours``.

Example:
    >>> from datetime import date
    >>> from graph.stores.sqlite import SQLiteStore
    >>> from graph.model import Constituency, Person
    >>> from graph.usecases import Actor, UseCases
    >>> from graph.purpose.model import Contribution, Round
    >>> maps = UseCases(SQLiteStore("sqlite:///:memory:"), Actor("lead@example.org", "cli"),
    ...                 today=date(2025, 6, 1))
    >>> _ = maps.create_constituency(Constituency(name="bay"))
    >>> _ = maps.save_person("bay", Person(id="ana", group="people"))
    >>> maps.purpose.open_round("bay", Round(title="Why does it matter?", opens="2025-05-01"))
    'r1'
    >>> maps.purpose.add_contribution("bay", Contribution(
    ...     element="purpose", text="So that nobody waits alone", date="2025-05-02",
    ...     contributor={"person": "ana"}, round="r1"))
    'c1'
    >>> maps.history("bay")[0].summary
    'contribution c1 (purpose) by person:ana'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel

from graph.errors import MovemapError, NotFound
from graph.history import Key, TimelineRecord, person_key
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Round,
    RoundStatus,
    Statement,
    StatementStatus,
    StatementVersion,
    Theme,
    Who,
)
from graph.purpose.records import (
    ITEM_KINDS,
    PURPOSE,
    PurposeState,
    item_timeline,
    new_id,
    purpose_key,
    state_from_records,
    version_id,
)
from graph.timeline import Timeline

if TYPE_CHECKING:
    from graph.analysis.result import Gap
    from graph.compact import CompactGraph
    from graph.purpose.board import Board
    from graph.usecases import UseCases

__all__ = ["NotYours", "PurposeCases"]

_Changes = dict[Key, tuple[TimelineRecord | None, Timeline | None]]


class NotYours(MovemapError):
    """Someone tried to change or withdraw a contribution that is not theirs."""


@dataclass
class PurposeCases:
    """The purpose's use cases over one map's ``UseCases`` (its store, actor and day)."""

    cases: UseCases

    # -- reading -------------------------------------------------------------------------------

    def state(self, name: str) -> PurposeState:
        """Every purpose item of the map (``NotFound`` for an unknown map)."""
        self.cases.store.get_constituency(name)
        return state_from_records(self.cases.store.iter_timeline_records(name, PURPOSE))

    def board(self, name: str, graph: CompactGraph, gaps: Sequence[Gap]) -> Board:
        """The board of the map's purpose (``graph.purpose.board``) from the map and its gaps
        (the caller's, often cached), with the map's ``purpose_review_days``."""
        from graph.purpose.board import build_board
        from graph.usecases import map_settings

        settings = map_settings(self.cases.store, name)
        return build_board(name, graph, gaps, self.state(name), today=self.cases.today,
                           review_days=settings.purpose_review_days)

    def item(self, name: str, kind: str, item_id: str) -> BaseModel:
        """One item (``NotFound`` naming it when there is none)."""
        found = self.state(name).items(kind).get(item_id)
        if found is None:
            raise NotFound(f"there is no {kind} {item_id!r} in constituency {name!r}")
        return found

    # -- the write path ------------------------------------------------------------------------

    def _write(self, name: str, summary: str,
               build: Callable[[PurposeState, Mapping[Key, TimelineRecord]], _Changes],
               made: list[str] | None = None) -> int:
        """One change set: ``build`` sees the state and records under the map's lock and
        returns the changes (and puts a new item's id in ``made``, which fills ``{id}`` in
        the summary); returns the change set's id (0 when nothing changed)."""
        cases = self.cases
        with cases.store.transaction():
            cases.store.lock(name)
            records = {r.key: r for r in cases.store.iter_timeline_records(name, PURPOSE)}
            changes = build(state_from_records(records.values()), records)
            if made:
                summary = summary.replace("{id}", made[0])
            change_set = cases._commit(name, changes, summary=summary)
        cases._done(name, change_set)
        return change_set or 0

    def _add(self, name: str, kind: str, item: BaseModel, summary: str,
             check: Callable[[PurposeState], None] | None = None) -> str:
        """Record a new item under a new id (``{id}`` in ``summary`` names it)."""
        self.cases.store.get_constituency(name)
        made: list[str] = []

        def build(state: PurposeState, _records: Mapping[Key, TimelineRecord]) -> _Changes:
            self._check_count(kind, state)
            if check is not None:
                check(state)
            made.append(new_id(kind, state.items(kind)))
            return {purpose_key(kind, made[0]): (None, item_timeline(item))}

        self._write(name, summary, build, made)
        return made[0]

    def _replace(self, name: str, kind: str, item_id: str, summary: str,
                 change: Callable[[PurposeState, BaseModel], BaseModel | None]) -> int:
        """Change one item: ``change`` gets the state and the item as stored and returns it
        as it should be (``None``: remove the record)."""
        key = purpose_key(kind, item_id)

        def build(state: PurposeState, records: Mapping[Key, TimelineRecord]) -> _Changes:
            current = state.items(kind).get(item_id)
            if current is None:
                raise NotFound(f"there is no {kind} {item_id!r} in constituency {name!r}")
            after = change(state, current)
            return {key: (records[key], None if after is None else item_timeline(after))}

        return self._write(name, summary, build)

    def _check_count(self, kind: str, state: PurposeState) -> None:
        limits = self.cases.limits
        if kind == "contribution":
            limits.check("contributions_per_map", len(state.contributions) + 1,
                         "contributions to the purpose of the map")
        else:
            limits.check("purpose_items_per_map", len(state.items(kind)) + 1,
                         f"{kind}s of the purpose of the map")

    def _check_day(self, day: date, what: str) -> None:
        if day > self.cases.today:
            from graph.usecases import InvalidChange
            raise InvalidChange(f"{what}: dated {day.isoformat()}, after today "
                                f"({self.cases.today.isoformat()}); record it once it has "
                                "happened", what)

    def _check_people(self, name: str, who: Iterable[Who], what: str) -> None:
        """Each person named is in the map (accounts need not be)."""
        from graph.usecases import InvalidChange
        ids = [w.person for w in who if w.person is not None]
        if not ids:
            return
        known = self.cases.store.timeline_records(name, [person_key(p) for p in ids])
        unknown = [p for p in ids if person_key(p) not in known]
        if unknown:
            raise InvalidChange(f"{what}: there is no person {unknown[0]!r} in constituency "
                                f"{name!r}; add them to the map first", what)

    @staticmethod
    def _check_ids(state: PurposeState, kind: str, ids: Iterable[str], what: str) -> None:
        from graph.usecases import InvalidChange
        items = state.items(kind)
        missing = [i for i in ids if i not in items]
        if missing:
            raise InvalidChange(f"{what}: there is no {kind} {missing[0]!r}", what)

    # -- rounds --------------------------------------------------------------------------------

    def open_round(self, name: str, round_: Round) -> str:
        """Open a round of contributions (a new id, ``r1``, ``r2``…)."""
        self.cases.store.get_constituency(name)
        self._check_day(round_.opens, "opens")
        return self._add(name, "round", round_.model_copy(update={"status": RoundStatus.OPEN}),
                         f"opened round {{id}}: {round_.title}")

    def close_round(self, name: str, round_id: str, *, on: date | None = None) -> int:
        """Close a round on ``on`` (default today); closing a closed round changes nothing."""
        day = on or self.cases.today
        self._check_day(day, "closes")

        def change(_state: PurposeState, item: BaseModel) -> BaseModel:
            assert isinstance(item, Round)
            if item.status is RoundStatus.CLOSED:
                return item
            from graph.usecases import InvalidChange
            if day < item.opens:
                raise InvalidChange(f"closes: {day} is before the round opened ({item.opens})",
                                    "closes")
            return item.model_copy(update={"status": RoundStatus.CLOSED, "closes": day})

        return self._replace(name, "round", round_id, f"closed round {round_id}", change)

    # -- contributions -------------------------------------------------------------------------

    def _check_contribution(self, name: str, c: Contribution, state: PurposeState,
                            *, new: bool) -> None:
        from graph.usecases import InvalidChange
        self._check_day(c.date, "date")
        self._check_people(name, [c.contributor], "contributor")
        if c.round is not None:
            self._check_ids(state, "round", [c.round], "round")
            if new and state.rounds[c.round].status is RoundStatus.CLOSED:
                raise InvalidChange(f"round: round {c.round} is closed; contribute to an "
                                    "open round", "round")

    def add_contribution(self, name: str, contribution: Contribution) -> str:
        """Record what someone offers to our, shared or purpose."""
        return self._add(
            name, "contribution", contribution,
            f"contribution {{id}} ({contribution.element.value}) by "
            f"{contribution.contributor.ref}",
            check=lambda state: self._check_contribution(name, contribution, state, new=True))

    def _own(self, item: BaseModel, who: Who, item_id: str) -> Contribution:
        assert isinstance(item, Contribution)
        if item.contributor.ref != who.ref:
            raise NotYours(f"contribution {item_id} is {item.contributor.ref}'s; only they can "
                           "change or withdraw it")
        return item

    def edit_contribution(self, name: str, contribution_id: str, contribution: Contribution,
                          who: Who) -> int:
        """The contributor changes their own words (the contributor stays theirs)."""
        def change(state: PurposeState, item: BaseModel) -> BaseModel:
            current = self._own(item, who, contribution_id)
            edited = contribution.model_copy(update={"contributor": current.contributor})
            self._check_contribution(name, edited, state, new=False)
            return edited

        return self._replace(name, "contribution", contribution_id,
                             f"contribution {contribution_id} changed by {who.ref}", change)

    def withdraw_contribution(self, name: str, contribution_id: str, who: Who, *,
                              withdrawn: bool = True) -> int:
        """The contributor takes back (or, with ``withdrawn=False``, restores) their own."""
        def change(_state: PurposeState, item: BaseModel) -> BaseModel:
            return self._own(item, who, contribution_id).model_copy(
                update={"withdrawn": withdrawn})

        verb = "withdrawn" if withdrawn else "restored"
        return self._replace(name, "contribution", contribution_id,
                             f"contribution {contribution_id} {verb} by {who.ref}", change)

    # -- themes, statements, versions ----------------------------------------------------------

    def add_theme(self, name: str, theme: Theme) -> str:
        """Group contributions into a theme that unites us or differs."""
        return self._add(name, "theme", theme, f"theme {{id}}: {theme.title}", check=lambda s:
                         self._check_ids(s, "contribution", theme.contributions,
                                         "contributions"))

    def update_theme(self, name: str, theme_id: str, theme: Theme) -> int:
        def change(state: PurposeState, _item: BaseModel) -> BaseModel:
            self._check_ids(state, "contribution", theme.contributions, "contributions")
            return theme

        return self._replace(name, "theme", theme_id, f"changed theme {theme_id}", change)

    def add_statement(self, name: str, statement: Statement,
                      first: StatementVersion | None = None) -> str:
        """A new purpose statement (with its first version, when given)."""
        sid = self._add(name, "statement", statement, f"statement {{id}}: {statement.title}")
        if first is not None:
            self.add_version(name, sid, first)
        return sid

    def _check_version(self, name: str, version: StatementVersion, state: PurposeState) -> None:
        self._check_day(version.date, "date")
        self._check_people(name, version.drafted_by, "drafted_by")
        self._check_ids(state, "contribution", version.from_contributions,
                        "from_contributions")
        if version.round is not None:
            self._check_ids(state, "round", [version.round], "round")

    def _statuses(self, state: PurposeState, records: Mapping[Key, TimelineRecord],
                  vid: str, status: StatementStatus) -> _Changes:
        """A version made current retires the version that was current: one at a time."""
        if status is not StatementStatus.CURRENT:
            return {}
        return {purpose_key("version", other): (
            records[purpose_key("version", other)],
            item_timeline(v.model_copy(update={"status": StatementStatus.RETIRED})))
            for other, v in state.versions.items()
            if other != vid and v.status is StatementStatus.CURRENT}

    def add_version(self, name: str, statement_id: str, version: StatementVersion) -> str:
        """A new version of a statement (``s1-v1``, ``s1-v2``…)."""
        made: list[str] = []

        def build(state: PurposeState, records: Mapping[Key, TimelineRecord]) -> _Changes:
            self._check_ids(state, "statement", [statement_id], "statement")
            self._check_count("version", state)
            self._check_version(name, version, state)
            vid = version_id(statement_id, len(state.versions_of(statement_id)) + 1)
            made.append(vid)
            return {purpose_key("version", vid): (None, item_timeline(version)),
                    **self._statuses(state, records, vid, version.status)}

        self.cases.store.get_constituency(name)
        self._write(name, f"statement version {{id}} ({version.status.value})", build,
                          made)
        return made[0]

    def set_version_status(self, name: str, version_id_: str, status: StatementStatus) -> int:
        """Move a version on (prototype, good enough, current, retired); making one current
        retires the one that was current, in the same change set."""
        key = purpose_key("version", version_id_)

        def build(state: PurposeState, records: Mapping[Key, TimelineRecord]) -> _Changes:
            current = state.versions.get(version_id_)
            if current is None:
                raise NotFound(f"there is no statement version {version_id_!r} in "
                               f"constituency {name!r}")
            after = current.model_copy(update={"status": status})
            return {key: (records[key], item_timeline(after)),
                    **self._statuses(state, records, version_id_, status)}

        return self._write(name, f"statement version {version_id_} is now {status.value}",
                           build)

    # -- reviews, aims, personas ---------------------------------------------------------------

    def review(self, name: str, review: Review) -> str:
        """A reviewer's answer to a version; a second answer by the same reviewer to the same
        version replaces their first (the first stays in the history)."""
        self.cases.store.get_constituency(name)
        self._check_day(review.date, "date")
        self._check_people(name, [review.reviewer], "reviewer")
        made: list[str] = []

        def build(state: PurposeState, records: Mapping[Key, TimelineRecord]) -> _Changes:
            self._check_ids(state, "version", [review.version], "version")
            earlier = next((rid for rid, r in state.reviews.items()
                            if r.version == review.version
                            and r.reviewer.ref == review.reviewer.ref), None)
            if earlier is None:
                self._check_count("review", state)
            rid = earlier or new_id("review", state.reviews)
            made.append(rid)
            key = purpose_key("review", rid)
            return {key: (records.get(key), item_timeline(review))}

        self._write(name, f"review {{id}} of {review.version} by {review.reviewer.ref}: "
                          f"{review.answer.value}", build, made)
        return made[0]

    def add_aim(self, name: str, aim: Aim) -> str:
        """An aim under a purpose statement (or, flagged, under none)."""
        return self._add(name, "aim", aim, f"aim {{id}}: {aim.what}", check=lambda s:
                         self._check_ids(s, "statement", [aim.statement] if aim.statement
                                         else [], "statement"))

    def update_aim(self, name: str, aim_id: str, aim: Aim) -> int:
        def change(state: PurposeState, _item: BaseModel) -> BaseModel:
            self._check_ids(state, "statement", [aim.statement] if aim.statement else [],
                            "statement")
            return aim

        return self._replace(name, "aim", aim_id, f"changed aim {aim_id}", change)

    def add_persona(self, name: str, persona: Persona) -> str:
        return self._add(name, "persona", persona, f"persona {{id}}: {persona.name}")

    def update_persona(self, name: str, persona_id: str, persona: Persona) -> int:
        return self._replace(name, "persona", persona_id, f"changed persona {persona_id}",
                             lambda _state, _item: persona)

    def remove(self, name: str, kind: str, item_id: str) -> int:
        """Remove an item entered by mistake (undoable from the history). A contribution is
        withdrawn by its contributor instead; a round or statement still referred to stays."""
        from graph.usecases import InvalidChange
        if kind not in ITEM_KINDS:
            raise InvalidChange(f"kind: {kind!r} is not one of {', '.join(ITEM_KINDS)}", "kind")

        def change(state: PurposeState, _item: BaseModel) -> BaseModel | None:
            if kind == "statement" and state.versions_of(item_id):
                raise InvalidChange(f"statement {item_id} has versions; retire them instead",
                                    "statement")
            return None

        return self._replace(name, kind, item_id, f"removed {kind} {item_id}", change)
