"""The one write path: every change to a map, from the dashboard, the API, the CLI or an import.

Each use case validates, writes one change set (who, when, through what, every timeline before
and after: ``graph.history``) and the current map in one store transaction, then tells the
caches (``on_change``). Pages, API and CLI parse their input, call a use case and show its
result; none of them writes to a store itself.

Two times (``graph.timeline``): an edit is *valid* from a day (``on``, default today) and
*recorded* now. The current map in the store is the map as it stands at the end of ``today``:
people who have joined and not left, ties formed and not ended between them.

Writes are safe when two people edit at once: a change set reads and writes in one transaction,
and every person and tie has a version (the id of the change set that last wrote it) that an
editor can send back (``if_version``): a stale one is refused with ``StaleVersion``, never
overwritten.

Example:
    >>> from graph.stores.sqlite import SQLiteStore
    >>> from graph.model import Constituency, Person
    >>> store = SQLiteStore("sqlite:///:memory:")
    >>> maps = UseCases(store, Actor("lead@example.org", "cli"), today=date(2025, 6, 1))
    >>> _ = maps.create_constituency(Constituency(name="bay"))
    >>> saved = maps.save_person("bay", Person(id="ana", group="people", engagement="aware"))
    >>> _ = maps.save_person("bay", Person(id="ana", group="people", engagement="leading"))
    >>> [c.summary for c in maps.history("bay")][:2]
    ['changed ana: engagement', 'added ana']
    >>> _ = maps.undo("bay", maps.history("bay")[0].id)
    >>> store.get_person("bay", "ana").engagement.value
    'aware'
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as with_values
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.analysis import AnalysisOptions, analyse
from graph.analysis.changes import MapChanges, map_changes
from graph.analysis.event_effects import EventEffects, effect_window, event_effects
from graph.analysis.growth import (
    GrowthSeries,
    InvalidSeries,
    growth_series,
    period_ends,
    period_start,
)
from graph.compact import CompactGraph
from graph.errors import MovemapError, NotFound
from graph.events import (
    EVENT_FIELD,
    Event,
    RecordedEvent,
    event_field,
    is_event_id,
    new_event_id,
    recorded_events,
)
from graph.export_view import ExportView, select_view
from graph.formats.base import MapInfo, MapTables
from graph.formats.rows import MapExport
from graph.history import (
    MAP_KEY,
    Actor,
    ChangeSetHeader,
    ChangeSetRecord,
    Key,
    StoredChange,
    TimelineRecord,
    person_key,
    tie_key,
)
from graph.import_plan import ImportPlan, looks_like_duplicates
from graph.limits import LIMITS, Limits
from graph.map_settings import SETTING_FIELDS, MapSettings
from graph.model import Constituency, Person, Relationship, normalise_segment
from graph.purpose.pictures import pictures_of, released_pictures
from graph.purpose.records import PURPOSE
from graph.read_ahead import read_ahead
from graph.segments import AmbiguousSegment, SegmentMatcher
from graph.stores import versions
from graph.stores.base import GraphStore, ImportSummary
from graph.timeline import (
    PRESENT,
    Timeline,
    UndoConflict,
    changed_fields,
    map_timeline,
    merge_undo,
    person_at,
    person_timeline,
    person_values,
    tie_at,
    tie_timeline,
    tie_values,
)

if TYPE_CHECKING:
    from graph.purpose.usecases import PurposeCases

__all__ = [
    "Actor",
    "ChangeSet",
    "FieldChange",
    "InvalidChange",
    "Removal",
    "Saved",
    "StaleVersion",
    "UndoConflict",
    "UseCases",
    "changes_between",
    "events_with_effects",
    "growth_of",
    "map_as_of",
    "map_settings",
]

_UNDATED_FIELDS = frozenset({"name"})
"""Fields set since always by every edit: a display name is a label, not a fact in time."""


class InvalidChange(MovemapError):
    """A change that cannot be made as asked (a person leaving before they joined…)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleVersion(MovemapError):
    """The version an editor saw is no longer the latest: someone changed it since."""

    def __init__(self, what: str, expected: int, current: int | None,
                 since: Sequence[ChangeSet]) -> None:
        self.expected = expected
        self.current = current
        self.since = tuple(since)
        who = "; ".join(f"{c.by} ({c.via}, {c.recorded_at:%Y-%m-%d %H:%M} UTC): {c.summary}"
                        for c in self.since[:5]) or "it was removed"
        super().__init__(f"{what} was changed after you opened it: {who}")


class Removal(StrEnum):
    """Why a person or tie is removed."""

    LEFT = "left"
    """They left (the tie ended): kept in the history, gone from the map from that day."""
    MISTAKE = "mistake"
    """Entered by mistake: their whole record goes, as if never entered (undoable)."""


@dataclass(frozen=True)
class Saved:
    """What a use case wrote: its change set (``None`` when nothing changed) and the version
    of the record it was about afterwards (``None`` when it has no record any more)."""

    change_set: int | None
    version: int | None


@dataclass(frozen=True)
class FieldChange:
    """One field of one person, tie or map, before and after a change set."""

    kind: str
    subject: str
    field: str
    before: tuple[tuple[date | None, Any], ...]
    after: tuple[tuple[date | None, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        def entries(values: tuple[tuple[date | None, Any], ...]) -> list[dict[str, Any]]:
            return [{"from": None if d is None else d.isoformat(),
                     "value": list(v) if isinstance(v, tuple) else v} for d, v in values]

        return {"kind": self.kind, "subject": self.subject, "field": self.field,
                "before": entries(self.before), "after": entries(self.after)}


@dataclass(frozen=True)
class ChangeSet:
    """A change set as people read it: who, when, through what, and what changed."""

    id: int
    recorded_at: datetime
    by: str
    via: str
    summary: str
    undoes: int | None
    undone_by: int | None
    changes: tuple[FieldChange, ...]
    change_count: int
    """How many people, ties or maps it changed (``changes`` may be cut short)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "recorded_at": self.recorded_at.isoformat(), "by": self.by,
            "via": self.via, "summary": self.summary, "undoes": self.undoes,
            "undone_by": self.undone_by, "change_count": self.change_count,
            "changes": [c.to_dict() for c in self.changes],
        }


def _subject(key: Key) -> str:
    kind, a, b = key
    if kind == "purpose":  # ("purpose", "contribution", "c12"): graph.purpose.records
        return f"{a} {b}"
    return f"{a} → {b}" if kind == "tie" else a


_START_END = {"person": ("joined", "left"), "tie": ("since", "until")}


def _check_not_after(key: Key, before: Timeline | None, after: Timeline | None, today: date
                     ) -> None:
    """``InvalidChange`` when the change dates something after ``today``: movemap records what
    has happened (and brings the current map up to date when something changes, so a fact
    dated later would not reach it on its day)."""
    if after is None:
        return
    for name in sorted(after.fields, key=lambda n: n != PRESENT):  # joined/left named first
        entries = after.fields[name]
        old = list(before.fields.get(name, ())) if before else []  # values may be dicts
        for day, value in entries:
            if day is not None and day > today and (day, value) not in old:
                field = name
                if name == PRESENT:
                    field = _START_END.get(key[0], ("start", "end"))[0 if value else 1]
                raise InvalidChange(
                    f"{_subject(key)}: {field} is dated {day.isoformat()}, after today "
                    f"({today.isoformat()}); movemap records what has happened, so give a "
                    "day that has come", field)


def _field_changes(change: StoredChange) -> list[FieldChange]:
    before = None if change.before is None else Timeline.from_json(change.before)
    after = None if change.after is None else Timeline.from_json(change.after)
    return [
        FieldChange(change.key[0], _subject(change.key), name,
                    tuple(before.fields.get(name, ())) if before else (),
                    tuple(after.fields.get(name, ())) if after else ())
        for name in changed_fields(before, after)
    ]


def _change_set(record: ChangeSetRecord) -> ChangeSet:
    h = record.header
    changes = tuple(fc for c in record.changes for fc in _field_changes(c))
    return ChangeSet(record.id, h.recorded_at, h.by, h.via, h.summary, h.undoes,
                     record.undone_by, changes, record.change_count)


def _parse(record: TimelineRecord | None) -> Timeline | None:
    return None if record is None else Timeline.from_json(record.timeline)


def _plain(person: Person) -> Person:
    """The person as the current map holds them (the leave date lives in the history)."""
    return person.model_copy(update={"left": None}) if person.left is not None else person


def _plain_tie(tie: Relationship) -> Relationship:
    return tie.model_copy(update={"until": None}) if tie.until is not None else tie


def _describe(changes: Mapping[Key, tuple[Timeline | None, Timeline | None]]) -> str:
    """A short summary in plain words: ``changed ana: engagement``, ``import: 3 people…``."""
    if len(changes) == 1:
        (key, (before, after)), = changes.items()
        what = {"person": key[1], "tie": f"the tie {key[1]} → {key[2]}",
                "map": "the map"}.get(key[0], _subject(key))
        if before is None:
            return f"added {what}"
        if after is None:
            return f"removed {what}"
        fields = [f for f in changed_fields(before, after)]
        if fields == [PRESENT]:
            return (f"{what} left" if key[0] == "person" else f"{what} ended") if (
                after.ended and not before.ended) else f"{what}: dates changed"
        return f"changed {what}: {', '.join(f for f in fields if f != PRESENT)}"
    people = sum(1 for k in changes if k[0] == "person")
    ties = sum(1 for k in changes if k[0] == "tie")
    return f"{people} {'person' if people == 1 else 'people'}, {ties} tie{'s' * (ties != 1)}"


def _ended(before: Timeline, day: date, start_name: str, end_name: str, missing: str
           ) -> Timeline | None:
    """A record that ends (leaves) on ``day``; ``None`` when it started that same day, as it
    never stood at the end of a day. ``NotFound`` (``missing``) when not there on ``day``."""
    if before.start is not None and day < before.start:
        raise InvalidChange(f"{end_name} ({day}) must be after {start_name} ({before.start})",
                            end_name)
    if not before.present_at(day) and day != before.start:
        raise NotFound(missing)
    if day == before.start and before.ended is None:
        return None
    return before.set({PRESENT: False}, on=day)


@dataclass
class UseCases:
    """The use cases over one store, for one actor.

    ``today`` is the day the current map stands at (tests pin it); ``on_change(name)`` is
    called after every committed change set (the web app drops its cached analysis);
    ``on_pictures_released(references)`` after one that let go of pictures no live contribution
    of any map still holds (withdrawn, removed, undone, their map deleted: the service deletes
    the files, ``graph.purpose.pictures``); ``limits`` bounds the people and ties of a map
    (``graph.limits``).
    """

    store: GraphStore
    actor: Actor
    today: date = field(default_factory=date.today)
    on_change: Callable[[str], None] | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    limits: Limits = LIMITS
    on_pictures_released: Callable[[frozenset[str]], None] | None = None
    _released: set[str] = field(default_factory=set, init=False, repr=False)
    """Picture references let go by change sets not yet told to ``on_pictures_released``."""

    @property
    def purpose(self) -> PurposeCases:
        """The shared purpose's use cases (``graph.purpose.usecases``), on this write path."""
        from graph.purpose.usecases import PurposeCases
        return PurposeCases(self)

    # -- the machinery every use case shares ---------------------------------------------------

    def _records(self, name: str, keys: Iterable[Key]) -> dict[Key, TimelineRecord]:
        return self.store.timeline_records(name, keys)

    def _check_version(self, name: str, key: Key, record: TimelineRecord | None,
                       if_version: int | None) -> None:
        if if_version is None:
            return
        current = None if record is None else record.version
        if current == if_version:
            return
        since = [
            _change_set(c) for c in self.store.change_sets(
                name, person=key[1] if key[0] == "person" else None, limit=20, max_changes=0)
            if c.id > if_version
        ]
        raise StaleVersion({"person": f"person {key[1]!r}",
                            "tie": f"the tie {key[1]!r} → {key[2]!r}",
                            "map": "the map"}.get(key[0], _subject(key)), if_version, current,
                           since)

    def _commit(
        self,
        name: str,
        changes: Mapping[Key, tuple[TimelineRecord | None, Timeline | None]],
        *,
        summary: str | None = None,
        undoes: int | None = None,
        after_state: Mapping[Key, Timeline | None] | None = None,
    ) -> int | None:
        """Write the change set of those changes that change something, and bring the current
        map up to date; returns its id, or ``None`` when nothing changed. Call inside a
        transaction. ``after_state`` (every record after the change) spares reading them back.
        """
        real: dict[Key, tuple[Timeline | None, Timeline | None]] = {}
        stored: list[StoredChange] = []
        for key, (record, after) in changes.items():
            before = _parse(record)
            if before == after:
                continue
            real[key] = (before, after)
            stored.append(StoredChange(key, None if record is None else record.timeline,
                                       None if after is None else after.to_json()))
        if not stored:
            return None
        for key, (before, after) in real.items():
            _check_not_after(key, before, after, self.today)
        self._check_size(name, real)
        header = ChangeSetHeader(self.clock(), self.actor.by, self.actor.via,
                                 summary or _describe(real), undoes)
        change_set = self.store.append_change_set(name, header, stored)
        self._released |= released_pictures(real)
        self._project(name, {k: after for k, (_b, after) in real.items()}, after_state)
        if self._adds_segments(real):  # counted as written: the transaction undoes it if over
            self.limits.check("segments_per_map", self.store.segment_count(name),
                              "distinct segments among the people of the map")
        return change_set

    def _adds_segments(self, real: Mapping[Key, tuple[Timeline | None, Timeline | None]]
                       ) -> bool:
        """Whether a person now holds a segment they did not hold before the change."""
        day = self.today
        for (kind, _a, _b), (before, after) in real.items():
            if kind != "person" or after is None or not after.present_at(day):
                continue
            now = set(after.value_at("segments", day) or ())
            then = (set(before.value_at("segments", day) or ())
                    if before is not None and before.present_at(day) else set())
            if now - then:
                return True
        return False

    def _check_size(self, name: str,
                    real: Mapping[Key, tuple[Timeline | None, Timeline | None]]) -> None:
        """``LimitExceeded`` when the change would take the map over its people or ties."""
        grown = {"person": 0, "tie": 0}
        for (kind, _a, _b), (before, after) in real.items():
            if kind in grown:
                now = after is not None and after.present_at(self.today)
                then = before is not None and before.present_at(self.today)
                grown[kind] += int(now) - int(then)
        if grown["person"] <= 0 and grown["tie"] <= 0:
            return
        summary = next((c for c in self.store.list_constituencies() if c.name == name), None)
        people, ties = (summary.people, summary.relationships) if summary else (0, 0)
        self.limits.check("people_per_map", people + grown["person"], "people in the map")
        self.limits.check("ties_per_map", ties + grown["tie"], "ties in the map")

    def _project(self, name: str, changed: Mapping[Key, Timeline | None],
                 after_state: Mapping[Key, Timeline | None] | None) -> None:
        """Make the current map hold what the changed records say for ``today``."""
        day = self.today
        store = self.store
        people = {k[1] for k in changed if k[0] == "person"}
        ties = {k for k in changed if k[0] == "tie"}
        if MAP_KEY in changed and changed[MAP_KEY] is not None:
            timeline = changed[MAP_KEY]
            assert timeline is not None
            store.set_description(name, timeline.value_at("description", day) or "")
            store.set_expected_segments(
                name, list(timeline.value_at("expected_segments", day) or ()))
        if after_state is None:
            tie_records = store.tie_records_of(name, people) if people else {}
            ties |= set(tie_records)
            ends = people | {k[1] for k in ties} | {k[2] for k in ties}
            known: dict[Key, Timeline | None] = {
                k: _parse(r) for k, r in self._records(
                    name, [person_key(p) for p in ends] + list(ties)).items()}
        else:
            known = dict(after_state)
            if people:
                ties |= {k for k in known if k[0] == "tie" and (k[1] in people or k[2] in people)}

        seen: dict[str, Person | None] = {}

        def person_now(pid: str) -> Person | None:  # once per person, however many ties
            if pid not in seen:
                timeline = known.get(person_key(pid))
                seen[pid] = None if timeline is None else person_at(timeline, pid, day)
            return seen[pid]

        current_people = {pid: person_now(pid) for pid in people}
        for key in ties:
            timeline = known.get(key)
            ends_now = person_now(key[1]) is not None and person_now(key[2]) is not None
            if timeline is None or not ends_now or not timeline.present_at(day):
                with contextlib.suppress(NotFound):
                    store.delete_relationship(name, key[1], key[2])
        many = len(people) > 1000
        existing = store.person_ids(name) if many else None
        for pid, person in current_people.items():
            if person is None and (existing is None or pid in existing):
                with contextlib.suppress(NotFound):
                    store.delete_person(name, pid)
        upserts = [_plain(p) for p in current_people.values() if p is not None]
        if upserts:
            store.upsert_people(name, upserts)
        tie_upserts = []
        for key in sorted(ties):
            timeline = known.get(key)
            if timeline is None or person_now(key[1]) is None or person_now(key[2]) is None:
                continue
            tie = tie_at(timeline, key[1], key[2], day)
            if tie is not None:
                tie_upserts.append(_plain_tie(tie))
        if tie_upserts:
            store.upsert_relationships(name, tie_upserts)

    def _done(self, name: str, change_set: int | None) -> None:
        if change_set is not None and self.on_change is not None:
            self.on_change(name)
        self._release_pictures()

    def _release_pictures(self) -> None:
        """Tell ``on_pictures_released`` the pictures let go that no live contribution of any
        map holds now (after the transaction: a change that failed lets nothing go)."""
        released, self._released = self._released, set()
        if not released or self.on_pictures_released is None:
            return
        for summary in self.store.list_constituencies():
            released -= pictures_of(self.store.iter_timeline_records(summary.name, PURPOSE))
            if not released:
                return
        self.on_pictures_released(frozenset(released))

    # -- maps ----------------------------------------------------------------------------------

    def create_constituency(self, constituency: Constituency, *, exist_ok: bool = False
                            ) -> Saved:
        """A new, empty map (its description and expected segments recorded)."""
        with self.store.transaction():
            exists = any(c.name == constituency.name
                         for c in self.store.list_constituencies())
            self.store.create_constituency(constituency, exist_ok=exist_ok)
            if exists:
                return Saved(None, None)
            change_set = self._commit(constituency.name,
                                      {MAP_KEY: (None, map_timeline(constituency))},
                                      summary=f"created the map {constituency.name}")
        self._done(constituency.name, change_set)
        return Saved(change_set, change_set)

    def delete_constituency(self, name: str) -> None:
        """Remove a map with its whole history (nothing of it is kept: its pictures go too,
        unless a contribution of another map holds the same one)."""
        with self.store.transaction():
            self.store.get_constituency(name)
            pictures = pictures_of(self.store.iter_timeline_records(name, PURPOSE),
                                   withdrawn=True)
            self.store.delete_constituency(name)
        self._released |= pictures
        if self.on_change is not None:
            self.on_change(name)
        self._release_pictures()

    def rename_constituency(self, name: str, new_name: str) -> Saved:
        """Give a map a new name, keeping its people, ties and whole history; the rename is
        recorded as a change set of its own (it changes no person, tie or field, so undoing
        it changes nothing: rename it back instead). Both names' caches are dropped."""
        checked = Constituency(name=new_name).name  # validates
        if checked == name:
            raise InvalidChange(f"the map is already called {name!r}", "name")
        with self.store.transaction():
            self.store.lock(name)
            if any(c.name == checked for c in self.store.list_constituencies()):
                raise InvalidChange(f"a map named {checked!r} already exists; choose another "
                                    "name", "name")
            self.store.rename_constituency(name, checked)
            header = ChangeSetHeader(self.clock(), self.actor.by, self.actor.via,
                                     f"renamed the map {name} to {checked}", None)
            change_set = self.store.append_change_set(checked, header, [])
        if self.on_change is not None:
            self.on_change(name)
            self.on_change(checked)
        return Saved(change_set, None)

    def _map_change(self, name: str, values: Mapping[str, Any],
                    if_version: int | None = None, *, summary: str | None = None,
                    check: Callable[[Timeline], None] | None = None,
                    remove: Sequence[str] = ()) -> Saved:
        """Set ``values`` (and drop the fields ``remove``) in the map's own record: one change
        set; ``check`` sees the record as it stands, inside the transaction, before."""
        with self.store.transaction():
            self.store.lock(name)
            constituency = self.store.get_constituency(name)
            record = self._records(name, [MAP_KEY]).get(MAP_KEY)
            self._check_version(name, MAP_KEY, record, if_version)
            before = _parse(record) or map_timeline(constituency)
            if check is not None:
                check(before)
            after = before.set(values, on=None)
            if remove:
                after = Timeline({k: v for k, v in after.fields.items() if k not in remove})
            change_set = self._commit(name, {MAP_KEY: (record, after)}, summary=summary)
        self._done(name, change_set)
        return Saved(change_set, change_set or (record.version if record else None))

    def set_description(self, name: str, description: str, *, if_version: int | None = None
                        ) -> Saved:
        Constituency(name=name, description=description)  # validates
        return self._map_change(name, {"description": description}, if_version)

    def held_segments(self, name: str) -> list[str]:
        """The segments people in the map hold today."""
        return list(self.store.load_graph(name).segment_names)

    def read_segments(self, name: str, segments: Sequence[str]) -> list[tuple[str, str]]:
        """Each segment as written (tidied) and as the segment of the map it means (``Barrow`` →
        ``locality:Barrow``, see ``graph.segments``); ``InvalidChange`` when one could mean
        several."""
        matcher = SegmentMatcher(self.held_segments(name))
        read: list[tuple[str, str]] = []
        for segment in segments:
            written = normalise_segment(str(segment))
            try:
                read.append((written, matcher.resolve(written)))
            except AmbiguousSegment as exc:
                raise InvalidChange(str(exc), "expected_segments") from None
        return read

    def set_expected_segments(self, name: str, segments: Sequence[str], *,
                              replace: bool = True, if_version: int | None = None) -> Saved:
        """Expected places, communities and services: replace the list, or add to it. Each is
        read as the segment of the map it means (``read_segments``)."""
        cleaned = tuple(dict.fromkeys(meant for _, meant in self.read_segments(name, segments)))
        if not replace:
            current = self.store.get_constituency(name).expected_segments
            cleaned = tuple(dict.fromkeys((*current, *cleaned)))
        Constituency(name=name, expected_segments=cleaned)  # validates
        return self._map_change(name, {"expected_segments": cleaned}, if_version)

    def settings(self, name: str) -> tuple[MapSettings, int | None]:
        """The map's settings (``graph.map_settings``) with the version of the map's record
        (send it back as ``if_version`` so that a change made since is not overwritten)."""
        self.store.get_constituency(name)  # an unknown map says so
        record = self._records(name, [MAP_KEY]).get(MAP_KEY)
        return _settings_of(record), None if record is None else record.version

    def set_settings(self, name: str, settings: MapSettings, *,
                     if_version: int | None = None) -> Saved:
        """Change the map's settings: one change set naming the settings that changed (none
        when nothing did), undoable like any other change of the map."""
        current, version = self.settings(name)
        new, old = settings.stored(), current.stored()
        changed = {k: v for k, v in new.items() if v != old[k]}
        if not changed:
            self._check_version(name, MAP_KEY, self._records(name, [MAP_KEY]).get(MAP_KEY),
                                if_version)
            return Saved(None, version)
        return self._map_change(name, changed, if_version)

    # -- events --------------------------------------------------------------------------------

    def events(self, name: str) -> tuple[list[RecordedEvent], int | None]:
        """The map's events, oldest day first (``graph.events``), with the version of the
        map's record (send it back as ``if_version``)."""
        self.store.get_constituency(name)  # an unknown map says so
        record = self._records(name, [MAP_KEY]).get(MAP_KEY)
        return _events_of(_parse(record)), None if record is None else record.version

    def _check_event(self, name: str, event: Event) -> None:
        """``InvalidChange`` for a day still to come or people who are not in the map."""
        if event.date > self.today:
            raise InvalidChange(
                f"date: the event is dated {event.date.isoformat()}, after today "
                f"({self.today.isoformat()}); record an event once it has happened", "date")
        known = self._records(name, [person_key(p) for p in event.people])
        unknown = [p for p in event.people if person_key(p) not in known]
        if unknown:
            shown = ", ".join(repr(p) for p in unknown[:10])
            more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
            raise InvalidChange(f"people: there is no person {shown}{more} in constituency "
                                f"{name!r}; add them to the map first", "people")

    def add_event(self, name: str, event: Event, *, if_version: int | None = None
                  ) -> tuple[RecordedEvent, Saved]:
        """Record an event with the map under a new id (``graph.events.new_event_id``): one
        change set, undoable."""
        self._check_event(name, event)
        with self.store.transaction():  # the id is chosen and written under one lock
            self.store.lock(name)
            events = _events_of(_parse(self._records(name, [MAP_KEY]).get(MAP_KEY)))
            self.limits.check("events_per_map", len(events) + 1, "events of the map")
            found = RecordedEvent(new_event_id(event, {e.id for e in events}), event)
            saved = self._map_change(
                name, {event_field(found.id): event.stored()}, if_version,
                summary=f"added the event {found.id}: {event.name}")
        return found, saved

    def _event_record(self, name: str, event_id: str) -> Callable[[Timeline], None]:
        def check(record: Timeline) -> None:
            if event_field(event_id) not in record.fields:
                raise NotFound(f"there is no event {event_id!r} in constituency {name!r}")
        if not is_event_id(event_id):
            self.store.get_constituency(name)  # an unknown map says so first
            check(Timeline({}))
        return check

    def update_event(self, name: str, event_id: str, event: Event, *,
                     if_version: int | None = None) -> Saved:
        """Change what is recorded of an event (its id stays)."""
        check = self._event_record(name, event_id)
        self._check_event(name, event)
        return self._map_change(name, {event_field(event_id): event.stored()}, if_version,
                                summary=f"changed the event {event_id}", check=check)

    def delete_event(self, name: str, event_id: str, *, if_version: int | None = None
                     ) -> Saved:
        """Remove an event from the map (undoable, like any change)."""
        check = self._event_record(name, event_id)
        return self._map_change(name, {}, if_version, summary=f"removed the event {event_id}",
                                check=check, remove=[event_field(event_id)])

    # -- people --------------------------------------------------------------------------------

    def _person_after(self, before: Timeline | None, person: Person, on: date | None
                      ) -> Timeline:
        return self._snapshot(before, person_values(person), person.joined, person.left,
                              on or self.today, "joined", "left",
                              partial(person_timeline, person), clear_end=True)

    def _edit(self, before: Timeline, values: Mapping[str, Any], day: date,
              start: date | None, end: date | None, start_name: str, end_name: str,
              *, clear_end: bool) -> Timeline:
        """An existing record after an edit made on ``day`` (see ``graph.timeline``): someone
        not there on ``day`` comes (back) then, the values change from ``day``, a given start
        or end corrects the recorded one; ``clear_end`` drops a recorded end still to come
        when ``end`` is ``None``."""
        timeline = before
        if not timeline.present_at(day) and end is None:
            if timeline.start is not None and day < timeline.start:
                timeline = timeline.with_start(start if start and start <= day else day)
            else:
                timeline = timeline.set({PRESENT: True}, on=day)
        dated = {k: v for k, v in values.items() if k not in _UNDATED_FIELDS
                 and v != timeline.value_at(k, day)}
        undated = {k: ((None, v),) for k, v in values.items() if k in _UNDATED_FIELDS
                   and v != timeline.value_at(k, day)}
        if undated:
            timeline = Timeline({**timeline.fields, **undated})
        if dated:
            timeline = timeline.set(dated, on=day)
        if start is not None and start != timeline.start:
            try:
                timeline = timeline.with_start(start)
            except ValueError as exc:
                raise InvalidChange(f"{start_name}: {exc}", start_name) from None
        ended = timeline.ended
        if end is not None and end != ended:
            if ended is not None:  # the recorded end moves
                timeline = timeline.set({PRESENT: True}, on=ended)
            if timeline.start is not None and end <= timeline.start:
                raise InvalidChange(
                    f"{end_name} ({end}) must be after {start_name} ({timeline.start})",
                    end_name)
            timeline = timeline.set({PRESENT: False}, on=end)
        elif end is None and clear_end and ended is not None and ended > day:
            timeline = timeline.set({PRESENT: True}, on=ended)
        return timeline

    def save_person(self, name: str, person: Person, *, on: date | None = None,
                    if_version: int | None = None) -> Saved:
        """Add a person, or record what changed about them from ``on`` (default today).

        A new person joins on ``joined``, else ``on``; ``joined`` or ``left`` different from
        what is recorded correct those dates; saving someone who has left brings them back
        from ``on``.
        """
        key = person_key(person.id)
        with self.store.transaction():
            self.store.lock(name)
            record = self._records(name, [key]).get(key)
            self._check_version(name, key, record, if_version)
            after = self._person_after(_parse(record), person, on)
            change_set = self._commit(name, {key: (record, after)})
        self._done(name, change_set)
        return Saved(change_set, change_set or (record.version if record else None))

    def remove_person(self, name: str, person_id: str, how: Removal, *,
                      on: date | None = None, if_version: int | None = None) -> Saved:
        """They left on ``on`` (kept in history), or were entered by mistake (their record
        and their ties' records go, in one change set that can be undone)."""
        key = person_key(person_id)
        with self.store.transaction():
            self.store.lock(name)
            record = self._records(name, [key]).get(key)
            if record is None:
                raise NotFound(f"there is no person {person_id!r} in constituency {name!r}")
            self._check_version(name, key, record, if_version)
            after: Timeline | None = None
            summary = f"removed {person_id} (entered by mistake)"
            if how is Removal.LEFT:
                day = on or self.today
                after = _ended(Timeline.from_json(record.timeline), day, "joined", "left",
                               f"there is no person {person_id!r} in constituency {name!r} "
                               f"on {day}")
                summary = f"{person_id} left on {day.isoformat()}"
            changes: dict[Key, tuple[TimelineRecord | None, Timeline | None]] = {
                key: (record, after)}
            if after is None:  # their whole record goes, and their ties' with it
                changes.update({k: (r, None) for k, r in
                                self.store.tie_records_of(name, [person_id]).items()})
            change_set = self._commit(name, changes, summary=summary)
        self._done(name, change_set)
        return Saved(change_set, change_set if changes[key][1] is not None else None)

    def person(self, name: str, person_id: str, *, as_of: date | None = None
               ) -> tuple[Person, int]:
        """A person as at the end of ``as_of`` (default today) with their version."""
        key = person_key(person_id)
        record = self._records(name, [key]).get(key)
        found = None if record is None else person_at(Timeline.from_json(record.timeline),
                                                      person_id, as_of or self.today)
        if record is None or found is None:
            raise NotFound(f"there is no person {person_id!r} in constituency {name!r}"
                           + (f" on {as_of}" if as_of else ""))
        return found, record.version

    def people_as_of(self, name: str, day: date) -> Iterator[Person]:
        """Everyone in the map at the end of ``day``, by ascending id."""
        found = []
        for record in self.store.iter_timeline_records(name, "person"):
            person = person_at(Timeline.from_json(record.timeline), record.key[1], day)
            if person is not None:
                found.append(person)
        return iter(sorted(found, key=lambda p: p.id))

    # -- ties ----------------------------------------------------------------------------------

    def _tie_after(self, before: Timeline | None, tie: Relationship, on: date | None
                   ) -> Timeline:
        return self._snapshot(before, tie_values(tie), tie.since, tie.until, on or self.today,
                              "since", "until", partial(tie_timeline, tie), clear_end=True)

    def save_tie(self, name: str, tie: Relationship, *, on: date | None = None,
                 if_version: int | None = None) -> Saved:
        """Add a tie, or record a change of trust from ``on`` (default today)."""
        key = tie_key(tie.source, tie.target)
        with self.store.transaction():
            self.store.lock(name)
            ends = self._records(name, [person_key(tie.source), person_key(tie.target), key])
            for end in (tie.source, tie.target):
                if person_key(end) not in ends:
                    raise NotFound(f"there is no person {end!r} in constituency {name!r}")
            record = ends.get(key)
            self._check_version(name, key, record, if_version)
            after = self._tie_after(_parse(record), tie, on)
            change_set = self._commit(name, {key: (record, after)})
        self._done(name, change_set)
        return Saved(change_set, change_set or (record.version if record else None))

    def remove_tie(self, name: str, source: str, target: str, how: Removal, *,
                   on: date | None = None, if_version: int | None = None) -> Saved:
        """The tie ended on ``on`` (kept in history), or was entered by mistake."""
        key = tie_key(source, target)
        with self.store.transaction():
            self.store.lock(name)
            record = self._records(name, [key]).get(key)
            if record is None:
                raise NotFound(
                    f"there is no relationship {source!r} → {target!r} in constituency {name!r}")
            self._check_version(name, key, record, if_version)
            after: Timeline | None = None
            summary = f"removed the tie {source} → {target} (entered by mistake)"
            if how is Removal.LEFT:
                day = on or self.today
                after = _ended(Timeline.from_json(record.timeline), day, "since", "until",
                               f"there is no relationship {source!r} → {target!r} in "
                               f"constituency {name!r} on {day}")
                summary = f"the tie {source} → {target} ended on {day.isoformat()}"
            change_set = self._commit(name, {key: (record, after)}, summary=summary)
        self._done(name, change_set)
        return Saved(change_set, None if after is None else change_set)

    def end_tie(self, name: str, source: str, target: str, *, on: date | None = None,
                if_version: int | None = None) -> Saved:
        return self.remove_tie(name, source, target, Removal.LEFT, on=on,
                               if_version=if_version)

    def tie(self, name: str, source: str, target: str, *, as_of: date | None = None
            ) -> tuple[Relationship, int]:
        key = tie_key(source, target)
        record = self._records(name, [key]).get(key)
        found = None if record is None else tie_at(Timeline.from_json(record.timeline),
                                                    source, target, as_of or self.today)
        if record is None or found is None:
            raise NotFound(
                f"there is no relationship {source!r} → {target!r} in constituency {name!r}")
        return found, record.version

    # -- imports -------------------------------------------------------------------------------

    def import_records(
        self,
        name: str,
        people: Iterable[Person],
        ties: Iterable[Relationship],
        *,
        on: date | None = None,
        replace: bool = False,
        summary: str | None = None,
        undated_since_always: bool = False,
        map_values: Mapping[str, Any] | None = None,
        plan: ImportPlan | None = None,
    ) -> tuple[ImportSummary, int | None]:
        """Record validated rows as the state of the map on ``on`` (default: today, with the
        rows' ``joined``/``since`` as their start). What differs from the map as it stood on
        that day becomes changes dated that day; with ``replace`` the people and ties left out
        leave (end) on that day. One change set; re-importing the same rows changes nothing.
        ``undated_since_always``: new rows without ``joined``/``since`` have been there since
        always, not from that day (for the first import of a map kept elsewhere).
        ``map_values`` (description, expected segments) change the map in the same change set.

        With ``plan`` (the dry run) nothing is written: ``plan`` is filled with what would be
        created, updated, left alone and ended, and who looks like a duplicate
        (``graph.import_plan``); the summary's counts are the same as a real import's.
        """
        day = on or self.today
        people = list(people)
        ties = list(ties)
        with self.store.transaction():
            exists = any(c.name == name for c in self.store.list_constituencies())
            if not exists and plan is None:
                self.create_constituency(Constituency(name=name))
            if exists or plan is None:
                self.store.lock(name)
            records = ({r.key: r for r in self.store.iter_timeline_records(name)} if exists
                       else {})
            state: dict[Key, Timeline | None] = {}
            changes: dict[Key, tuple[TimelineRecord | None, Timeline | None]] = {}
            counts = [0] * 6

            def timeline_of(key: Key) -> Timeline | None:
                if key not in state:
                    state[key] = _parse(records.get(key))
                return state[key]

            def sort(kind: int, key: Key, before: Timeline | None, after: Timeline) -> None:
                at = 0 if before is None else 1 if after != before else 2
                counts[kind + at] += 1
                if plan is None:
                    return
                subject: Any = key[1] if kind == 0 else [key[1], key[2]]
                lists = ((plan.people_created, plan.people_updated, plan.people_unchanged)
                         if kind == 0 else
                         (plan.ties_created, plan.ties_updated, plan.ties_unchanged))
                fields = list(changed_fields(before, after))
                lists[at].add(subject if at != 1 else [subject, fields] if kind == 0
                              else [*subject, fields])

            for person in people:
                key = person_key(person.id)
                before = timeline_of(key)
                after = self._snapshot(before, person_values(person), person.joined,
                                       person.left, day, "joined", "left",
                                       partial(person_timeline, person), undated_since_always)
                sort(0, key, before, after)
                state[key] = after
                changes[key] = (records.get(key), after)
            for tie in ties:
                key = tie_key(tie.source, tie.target)
                for end in (tie.source, tie.target):
                    if timeline_of(person_key(end)) is None:
                        raise NotFound(f"there is no person {end!r} in constituency {name!r}")
                before = timeline_of(key)
                after = self._snapshot(before, tie_values(tie), tie.since, tie.until, day,
                                       "since", "until",
                                       partial(tie_timeline, tie), undated_since_always)
                sort(3, key, before, after)
                state[key] = after
                changes[key] = (records.get(key), after)
            if map_values:
                record = records.get(MAP_KEY)
                before_map = _parse(record) or map_timeline(
                    self.store.get_constituency(name) if exists else Constituency(name=name))
                after_map = before_map.set(map_values, on=None)
                state[MAP_KEY] = after_map
                changes[MAP_KEY] = (record, after_map)
                if plan is not None:
                    plan.map_fields = changed_fields(_parse(record), after_map) if record \
                        else tuple(map_values)
            if replace:
                for key in list(records):
                    if key in changes or key[0] not in ("person", "tie"):
                        continue  # the map's own record and the purpose's stay
                    timeline = timeline_of(key)
                    if timeline is not None and timeline.present_at(day):
                        ended: Timeline | None = None  # it had not started yet: never there
                        if timeline.start is None or timeline.start < day:
                            ended = timeline.set({PRESENT: False}, on=day)
                        state[key] = ended
                        changes[key] = (records[key], ended)
                        if plan is not None:
                            (plan.people_leaving.add(key[1]) if key[0] == "person"
                             else plan.ties_ending.add([key[1], key[2]]))
            if plan is not None:
                plan.new_map = not exists
                present = (person_at(t, k[1], day) for k, r in records.items()
                           if k[0] == "person" and (t := _parse(r)) is not None)
                plan.duplicates = looks_like_duplicates(
                    people, (p for p in present if p is not None))
                for key, (before_t, after_t) in changes.items():  # refused as a real one is
                    _check_not_after(key, _parse(before_t), after_t, self.today)
                return ImportSummary(name, *counts), None
            for key, record in records.items():
                state.setdefault(key, _parse(record))
            change_set = self._commit(name, changes, summary=summary, after_state=state)
        self._done(name, change_set)
        return ImportSummary(name, *counts), change_set

    def _snapshot(
        self, before: Timeline | None, values: Mapping[str, Any], start: date | None,
        end: date | None, day: date, start_name: str, end_name: str,
        new: Callable[[date | None], Timeline], undated_since_always: bool = False,
        *, clear_end: bool = False,
    ) -> Timeline:
        """A new record (from ``start``, else ``day``), or the dated changes a row or an edit
        brings to an existing one (see ``_edit``)."""
        if before is None:
            begin = start if start or undated_since_always else day
            if end is not None and begin is not None and end <= begin:
                raise InvalidChange(f"{end_name} ({end}) must be after {start_name} ({begin})",
                                    end_name)
            return new(begin)
        return self._edit(before, values, day, start, end, start_name, end_name,
                          clear_end=clear_end)

    def import_files(
        self,
        name: str,
        people_path: str | Path,
        relationships_path: str | Path,
        *,
        on: date | None = None,
        replace: bool = False,
        on_warning: Callable[[str], None] | None = None,
        plan: ImportPlan | None = None,
    ) -> tuple[ImportSummary, int | None]:
        """Import the CSV pair, all or nothing (``ImportFailed`` lists every problem); see
        ``import_records`` for ``on``, ``replace`` and ``plan``."""
        from graph.formats.csv_pair import read_csv_pair

        return self.import_tables(name, read_csv_pair((people_path, relationships_path)),
                                  on=on, replace=replace, on_warning=on_warning, plan=plan)

    def import_tables(
        self,
        name: str,
        tables: MapTables,
        *,
        on: date | None = None,
        replace: bool = False,
        on_warning: Callable[[str], None] | None = None,
        plan: ImportPlan | None = None,
    ) -> tuple[ImportSummary, int | None]:
        """Import a map as a reader found it (``graph.formats``: the CSV pair, a workbook…),
        all or nothing: the one import core checks every row (``ImportFailed`` lists every
        problem), then ``import_records`` writes it, or with ``plan`` only lists what it would
        do. The map's description and expected segments, when the file says them, change in
        the same change set."""
        from graph.importer import load_tables  # the core's checks; the writing is here

        known: set[str] = set()
        segments: list[str] = []
        if any(c.name == name for c in self.store.list_constituencies()):
            segments = self.held_segments(name)
            if tables.rematch is not None:  # people without ids matched by name (Kumu)
                tables = tables.rematch([(p.id, p.name, p.group.value)
                                         for p in self.export_map(name).people])
            if not replace:
                known = {k[1] for k in (r.key for r in self.store.iter_timeline_records(
                    name, "person"))}
        people, ties, warnings = load_tables(tables, known, segments)
        if on_warning is not None:
            for warning in warnings:
                on_warning(warning)
        if plan is not None:
            plan.warnings.extend(warnings)
        summary = (f"import of {tables.files}" + (f" as of {on.isoformat()}" if on else "")
                   + (" (replacing the map)" if replace else ""))
        return self.import_records(
            name, people, ties, on=on, replace=replace, summary=summary,
            undated_since_always=tables.info.undated_since_always,
            map_values=self._map_values(name, tables.info, people), plan=plan)

    @staticmethod
    def _map_values(name: str, info: MapInfo, people: Sequence[Person]) -> dict[str, Any]:
        """The description and expected segments a file says, validated, each expected
        segment read as the segment the file's people hold (``Barrow`` → ``locality:Barrow``)."""
        values: dict[str, Any] = {}
        if info.description is not None:
            Constituency(name=name, description=info.description)  # validates
            values["description"] = info.description
        if info.expected_segments is not None:
            matcher = SegmentMatcher(s for p in people for s in p.segments)
            try:
                expected = tuple(dict.fromkeys(matcher.resolve(normalise_segment(s))
                                               for s in info.expected_segments))
            except (AmbiguousSegment, ValueError) as exc:
                raise InvalidChange(str(exc), "expected_segments") from None
            Constituency(name=name, expected_segments=expected)  # validates
            values["expected_segments"] = expected
        return values

    def export_map(self, name: str, *, as_of: date | None = None,
                   pseudonymise_k: int | None = None, view: ExportView | None = None
                   ) -> MapExport:
        """The map as it stands today, or as it stood at the end of ``as_of``, for a writer
        (``graph.formats``): everyone present then and the ties between them, with the values
        valid then, by id; its description and expected segments. An export as of a past day
        leaves out what happened after it (a later ``left`` or ``until``). With ``view``, only
        the people it keeps on that day and the ties between them (``graph.export_view``).
        With ``pseudonymise_k``, a pseudonymised copy (of the view) with no group or segment
        of fewer people (``graph.formats.pseudonymise``)."""
        constituency = self.store.get_constituency(name)
        day = as_of or self.today
        people: list[Person] = []
        ties: list[Relationship] = []
        description, expected = constituency.description, constituency.expected_segments
        for record in self.store.iter_timeline_records(name):
            kind, a, b = record.key
            timeline = Timeline.from_json(record.timeline)
            if kind == "map":
                description = timeline.value_at("description", day) or ""
                expected = tuple(timeline.value_at("expected_segments", day) or ())
            elif kind == "person" and (person := person_at(timeline, a, day)) is not None:
                people.append(person if as_of is None else
                              person.model_copy(update={"left": None}))
            elif kind == "tie" and (tie := tie_at(timeline, a, b, day)) is not None:
                ties.append(tie if as_of is None else tie.model_copy(update={"until": None}))
        present = {p.id for p in people}
        ties = [t for t in ties if t.source in present and t.target in present]
        people.sort(key=lambda p: p.id)
        ties.sort(key=lambda t: (t.source, t.target))
        view = view or ExportView()
        people, ties = select_view(people, ties, expected, view)
        export = MapExport(name, description, tuple(expected), people, ties, as_of, view)
        if pseudonymise_k is None:
            return export
        from graph.formats.pseudonymise import pseudonymise

        try:
            return pseudonymise(export, pseudonymise_k)
        except ValueError as exc:
            raise InvalidChange(str(exc), "k") from None

    # -- history and undo ----------------------------------------------------------------------

    def history(self, name: str, *, person: str | None = None, limit: int = 50,
                before: int | None = None, max_changes: int = 200) -> list[ChangeSet]:
        """Change sets, newest first (those about ``person`` only, when given)."""
        self.store.get_constituency(name)
        return [_change_set(c) for c in self.store.change_sets(
            name, person=person, limit=limit, before=before, max_changes=max_changes)]

    def change_set(self, name: str, change_set_id: int) -> ChangeSet:
        return _change_set(self._stored_change_set(name, change_set_id))

    def _stored_change_set(self, name: str, change_set_id: int) -> ChangeSetRecord:
        """The change set from the store; an id no store can hold (above 2**63 - 1, or below
        1) is not found, rather than an overflow inside the store."""
        if not 1 <= change_set_id < 2**63:
            self.store.get_constituency(name)  # an unknown map says so first
            raise NotFound(f"there is no change set {change_set_id} in constituency {name!r}")
        return self.store.get_change_set(name, change_set_id)

    def undo(self, name: str, change_set_id: int) -> Saved:
        """Reverse a change set with a new one; ``UndoConflict`` (nothing changed) when a later
        change touched the same fields of the same person, tie or map."""
        with self.store.transaction():
            self.store.lock(name)
            target = self._stored_change_set(name, change_set_id)
            keys = [c.key for c in target.changes]
            current = self._records(name, keys)
            changes: dict[Key, tuple[TimelineRecord | None, Timeline | None]] = {}
            conflicts: list[str] = []
            for change in target.changes:
                record = current.get(change.key)
                try:
                    restored = merge_undo(
                        None if change.before is None else Timeline.from_json(change.before),
                        None if change.after is None else Timeline.from_json(change.after),
                        _parse(record))
                except UndoConflict as exc:
                    conflicts.append(f"{_subject(change.key)}: {exc}")
                    continue
                changes[change.key] = (record, restored)
            if conflicts:
                raise UndoConflict(
                    f"change set {change_set_id} cannot be undone, nothing was changed: "
                    + "; ".join(conflicts[:10])
                    + (f"; and {len(conflicts) - 10} more" if len(conflicts) > 10 else ""))
            for key, (_record, restored) in changes.items():
                if key[0] == "tie" and restored is not None:
                    for end in (key[1], key[2]):
                        end_key = person_key(end)
                        if end_key not in changes and end_key not in current and not \
                                self._records(name, [end_key]):
                            raise UndoConflict(
                                f"change set {change_set_id} cannot be undone: {end} has "
                                "been removed since")
            change_set = self._commit(
                name, changes, undoes=change_set_id,
                summary=f"undid change set {change_set_id}: {target.header.summary}")
        self._done(name, change_set)
        return Saved(change_set, change_set)

    # -- the map as of a day -------------------------------------------------------------------

    def graph_as_of(self, name: str, day: date) -> CompactGraph:
        """The map as it stood at the end of ``day`` (see ``map_as_of``)."""
        return map_as_of(self.store, name, day)

    def growth(self, name: str, interval: str = "month", *, since: date | None = None
               ) -> GrowthSeries:
        """Is the movement growing: the growth series of the map up to ``today`` (see
        ``growth_of``)."""
        return growth_of(self.store, name, interval, today=self.today, since=since)


def _expected_segments(store: GraphStore, name: str) -> Callable[[date], Sequence[str]]:
    """The segments map ``name`` expected on a day (``NotFound`` when there is no such map)."""
    constituency = store.get_constituency(name)
    record = store.timeline_records(name, [MAP_KEY]).get(MAP_KEY)
    if record is None:
        return lambda day: constituency.expected_segments
    timeline = Timeline.from_json(record.timeline)
    return lambda day: tuple(timeline.value_at("expected_segments", day) or ())


def _chunk_reader(store: GraphStore, name: str) -> versions.ChunkReader:
    return lambda kind, chunks: store.version_chunks(name, kind, chunks)


def map_as_of(store: GraphStore, name: str, day: date) -> CompactGraph:
    """The compact graph of the map at the end of ``day``: people who had joined and not left,
    ties formed and not ended between them, each with the values valid then. Read from the
    store's as-of index (``graph.stores.versions``), not from the timelines one by one."""
    expected = _expected_segments(store, name)
    return versions.map_of_day(name, expected(day), _chunk_reader(store, name), day)


def growth_of(store: GraphStore, name: str, interval: str = "month", *,
              today: date | None = None, since: date | None = None,
              options: AnalysisOptions | None = None) -> GrowthSeries:
    """The growth series of map ``name`` (``graph.analysis.growth``) by ``interval``, from the
    period holding its first record (or ``since``, when given) to today's, with ``options``
    (default: the map's settings). The as-of index is read once for the whole series."""
    today = today or date.today()
    if since is not None and since > today:
        raise InvalidSeries(f"since ({since}) is after today ({today})", "since")
    expected = _expected_segments(store, name)
    base = options or map_settings(store, name).options()
    every = versions.all_versions(_chunk_reader(store, name))
    first = every.first_day()
    ends = period_ends(since or first, today, interval)
    before = period_start(ends[0], interval) - timedelta(days=1)
    # each day's map is built beside the measuring of the one before (graph.read_ahead)
    days = read_ahead(versions.maps_of_days(name, expected, every, [before, *ends]))
    return growth_series(next(days), days, interval=interval, options=base, first_record=first)


def _settings_of(record: TimelineRecord | None) -> MapSettings:
    if record is None:
        return MapSettings()
    timeline = Timeline.from_json(record.timeline)
    return MapSettings.from_stored({k: timeline.value_at(k, None) for k in SETTING_FIELDS
                                    if k in timeline.fields})


def _events_of(record: Timeline | None) -> list[RecordedEvent]:
    if record is None:
        return []
    return recorded_events({k: record.value_at(k, None) for k in record.fields
                            if k.startswith(EVENT_FIELD)})


def map_settings(store: GraphStore, name: str) -> MapSettings:
    """The settings of map ``name`` as stored with it (defaults for those never set)."""
    store.get_constituency(name)
    return _settings_of(store.timeline_records(name, [MAP_KEY]).get(MAP_KEY))


def changes_between(store: GraphStore, name: str, since: date, until: date,
                    options: AnalysisOptions | None = None) -> MapChanges:
    """What changed in the map from the end of ``since`` to the end of ``until``: the map and
    its whole analysis on each day, compared (``graph.analysis.changes``), with ``options``
    (default: the map's settings)."""
    if until < since:
        raise InvalidChange(f"--until ({until}) is before --since ({since})", "until")
    base = options or map_settings(store, name).options()
    then, now = map_as_of(store, name, since), map_as_of(store, name, until)
    then_analysis = analyse(then, with_values(base, as_of=since))
    now_analysis = analyse(now, with_values(base, as_of=until))
    return map_changes(then, then_analysis, now, now_analysis, since, until)


def events_with_effects(store: GraphStore, name: str, today: date, *,
                        latest: int | None = None) -> list[tuple[RecordedEvent, EventEffects]]:
    """The map's events, oldest first, each with what went with it
    (``graph.analysis.event_effects``) over the map's ``event_window_days`` at its steps,
    from the map as of each day needed (each day read once). ``latest``: only the latest
    this many events (a page bounds its reads: at most three maps per event)."""
    store.get_constituency(name)
    stored = store.timeline_records(name, [MAP_KEY]).get(MAP_KEY)
    record, settings = _parse(stored), _settings_of(stored)
    window = settings.event_window_days
    maps: dict[date, CompactGraph] = {}

    def as_of(day: date) -> CompactGraph:
        if day not in maps:
            maps[day] = map_as_of(store, name, day)
        return maps[day]

    found = []
    chosen = _events_of(record)
    if latest is not None:
        chosen = chosen[max(len(chosen) - latest, 0):]
    for event in chosen:
        day = event.event.date
        start, end, _complete = effect_window(day, window, today)
        found.append((event, event_effects(
            event.id, day, event.event.people, as_of(start), as_of(day), as_of(end),
            window_days=window, steps=settings.steps, today=today)))
    return found
