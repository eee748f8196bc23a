"""The ``GraphStore`` protocol every store implements, and ``open_store`` that picks one by URL.

Services receive a store; they never import a driver. A store holds many constituencies, each
a set of people, recorded relationships and expected segments.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from graph.errors import StoreError
from graph.history import ChangeSetHeader, ChangeSetRecord, Key, StoredChange, TimelineRecord

if TYPE_CHECKING:  # only in annotations: naming a store imports neither numpy nor the model
    import numpy as np
    import numpy.typing as npt

    from graph.compact import CompactGraph
    from graph.model import Constituency, Person, Relationship

__all__ = [
    "DEFAULT_STORE_URL",
    "BulkImport",
    "BulkResult",
    "ConstituencySummary",
    "GraphStore",
    "ImportSummary",
    "PeopleBatch",
    "TiesBatch",
    "open_store",
    "redact_url",
    "store_url_from_env",
]

DEFAULT_STORE_URL = "sqlite:///movemap.db"


@dataclass(frozen=True)
class ConstituencySummary:
    name: str
    description: str
    people: int
    relationships: int
    expected_segments: int


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed: rows added, rows updated, rows identical to what was stored."""

    constituency: str
    people_added: int
    people_updated: int
    people_unchanged: int
    relationships_added: int
    relationships_updated: int
    relationships_unchanged: int

    @property
    def changed(self) -> bool:
        return bool(
            self.people_added + self.people_updated + self.relationships_added
            + self.relationships_updated
        )


@dataclass(frozen=True)
class PeopleBatch:
    """Validated people as columns of plain values, one entry per person (for bulk imports).

    Values are exactly what the model holds, as code names: ``groups``/``engagement`` are
    ``Group``/``Engagement`` values, ``other_groups`` excludes the primary group and has no
    repeats, ``segments`` are normalised and unique, ``roles`` is ``""`` for none and ``joined``
    an ISO date or ``""``. ``person_row`` gives the same values from a ``Person``.
    """

    ids: Sequence[str]
    names: Sequence[str]
    groups: Sequence[str]
    other_groups: Sequence[tuple[str, ...]]
    organisations: Sequence[str]
    segments: Sequence[tuple[str, ...]]
    formal_power: Sequence[int]
    informal_power: Sequence[int]
    lived_experience: Sequence[int]
    engagement: Sequence[str]
    roles: Sequence[str]
    joined: Sequence[str]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, people: Iterable[Person]) -> PeopleBatch:
        """The batch of some model objects (in the given order)."""
        rows = [person_row(p) for p in people]
        if not rows:
            return cls(*([] for _ in range(12)))
        columns = [list(column) for column in zip(*rows, strict=True)]
        return cls(*columns)


def person_row(p: Person) -> tuple[
    str, str, str, tuple[str, ...], str, tuple[str, ...], int, int, int, str, str, str
]:
    """One person as the plain values of a ``PeopleBatch`` row, in its field order."""
    return (
        p.id,
        p.name,
        p.group.value,
        tuple(g.value for g in p.other_groups),
        p.organisation,
        p.segments,
        p.formal_power,
        p.informal_power,
        int(p.lived_experience),
        p.engagement.value,
        "" if p.role is None else p.role.value,
        "" if p.joined is None else p.joined.isoformat(),
    )


@dataclass(frozen=True)
class TiesBatch:
    """Validated relationship rows as numpy columns (for bulk imports).

    ``source``/``target`` are person keys from ``BulkImport.person_keys``; ``seq`` numbers the
    rows in input order (the importer uses line numbers), so that rows repeating a (source,
    target) can be reported; ``since`` is days since 1970-01-01 or ``graph.compact.NO_DATE``.
    """

    seq: npt.NDArray[np.int64]
    source: npt.NDArray[np.int64]
    target: npt.NDArray[np.int64]
    relational: npt.NDArray[np.int8]
    functional: npt.NDArray[np.int8]
    flow_of_value: npt.NDArray[np.int8]
    recruited: npt.NDArray[np.bool_]
    since: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.seq.shape[0])


@dataclass(frozen=True)
class BulkResult:
    """What a bulk import did: the summary, and how many rows repeated an earlier (source,
    target) and were merged into it (``first_merged``: the ``seq`` of the first such row and of
    the row it repeats)."""

    summary: ImportSummary
    merged_rows: int = 0
    first_merged: tuple[int, int] | None = None


class BulkImport(Protocol):
    """A streaming import into one constituency in one transaction (``GraphStore.bulk_import``).

    Call ``add_people`` for every batch of people, then ``person_keys`` once, then ``add_ties``
    for every batch of relationships, then ``finish``. Memory stays bounded by a batch (plus
    one key per person): a store spills what it has to sort to temporary files. Rows repeating a
    (source, target) are merged as the CSV import documents: the highest of each strength,
    recruited if any row says so, the earliest ``since``.
    """

    existing_people: int
    """People the constituency held before the import (0 with ``replace``: they do not count)."""

    def add_people(self, batch: PeopleBatch) -> None:
        """Upsert people by id (ids are unique across all batches of one import)."""
        ...

    def person_keys(self) -> Mapping[str, int]:
        """End the people: with ``replace`` remove the people not imported; return id → key of
        every person ties may refer to."""
        ...

    def add_ties(self, batch: TiesBatch) -> None: ...

    def finish(self) -> BulkResult:
        """Write the ties (replacing all the constituency's ties with ``replace``); returns what
        changed. The transaction commits when the ``bulk_import`` block ends without error."""
        ...


@runtime_checkable
class GraphStore(Protocol):
    """Where constituencies live. Every write is atomic: it all happens or none of it does."""

    url: str

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Group several writes into one all-or-nothing unit (nesting joins the outer one)."""
        ...

    # constituencies
    def list_constituencies(self) -> list[ConstituencySummary]: ...
    def get_constituency(self, name: str) -> Constituency:
        """``NotFound`` when absent."""
        ...
    def create_constituency(
        self, constituency: Constituency, *, exist_ok: bool = False
    ) -> None: ...
    def delete_constituency(self, name: str) -> None: ...
    def rename_constituency(self, name: str, new_name: str) -> None:
        """Rename a map, keeping everything it holds and its history (``NotFound`` when
        absent; ``StoreError`` when ``new_name`` is taken)."""
        ...
    def set_expected_segments(self, name: str, segments: Sequence[str]) -> None: ...
    def set_description(self, name: str, description: str) -> None: ...
    def revision(self, name: str) -> int:
        """Changes whenever ``name`` (or, coarser, anything in the store) is written, from any
        process; caches of analyses key on it."""
        ...
    def add_expected_segments(self, name: str, segments: Sequence[str]) -> None: ...

    # people and relationships (upserts by id / by (source, target))
    def upsert_people(self, name: str, people: Iterable[Person]) -> tuple[int, int, int]:
        """Insert or replace people by id; returns (added, updated, unchanged)."""
        ...
    def upsert_relationships(
        self, name: str, relationships: Iterable[Relationship]
    ) -> tuple[int, int, int]:
        """Insert or replace by (source, target); both people must exist (``NotFound``)."""
        ...
    def get_person(self, name: str, person_id: str) -> Person: ...
    def iter_people(self, name: str) -> Iterator[Person]: ...
    def iter_relationships(self, name: str) -> Iterator[Relationship]: ...
    def person_ids(self, name: str) -> set[str]: ...
    def segment_count(self, name: str) -> int:
        """How many distinct segments the people of the current map hold (``segments_per_map``
        bounds it)."""
        ...
    def delete_person(self, name: str, person_id: str) -> None:
        """Remove a person and every relationship they are part of."""
        ...
    def get_relationship(self, name: str, source: str, target: str) -> Relationship:
        """The tie recorded from ``source`` to ``target`` (``NotFound`` when there is none)."""
        ...
    def relationships_of(self, name: str, person_id: str) -> list[Relationship]:
        """Every tie ``person_id`` is part of, either way, by ascending (source, target);
        read without reading the whole map (``NotFound`` for an unknown person)."""
        ...
    def delete_relationship(self, name: str, source: str, target: str) -> None: ...

    # bulk
    def import_records(
        self,
        name: str,
        people: Iterable[Person],
        relationships: Iterable[Relationship],
        *,
        replace: bool = False,
    ) -> ImportSummary:
        """Create the constituency if needed and upsert everything in one transaction.

        With ``replace`` the constituency's people and relationships not in the input are
        removed, so the store then holds exactly the input.
        """
        ...
    def bulk_import(
        self, name: str, *, replace: bool = False, expected_ties: int = 0
    ) -> AbstractContextManager[BulkImport]:
        """A streaming import into ``name`` (created if needed) in one transaction: everything
        is written when the block ends without an exception and finish() was called, nothing
        otherwise. ``expected_ties`` (a rough count) sizes the sorting."""
        ...
    def load_graph(self, name: str) -> CompactGraph:
        """The whole constituency as a compact analysis graph."""
        ...

    # history (graph.history): written only by the use cases of graph.usecases
    def lock(self, name: str) -> None:
        """Inside a transaction, take ``name``'s write lock now: what is read after it cannot
        be changed by another writer before this transaction ends (``NotFound`` when absent).
        """
        ...
    def timeline_records(self, name: str, keys: Iterable[Key]) -> dict[Key, TimelineRecord]:
        """The latest records of those ``keys`` that have one."""
        ...
    def tie_records_of(self, name: str, person_ids: Iterable[str]) -> dict[Key, TimelineRecord]:
        """The records of every tie from or to one of ``person_ids``."""
        ...
    def iter_timeline_records(self, name: str, kind: str | None = None
                              ) -> Iterator[TimelineRecord]:
        """Every record of the map (of one kind: ``person``, ``tie``, ``map``), by key."""
        ...
    def append_change_set(
        self, name: str, header: ChangeSetHeader, changes: Sequence[StoredChange]
    ) -> int:
        """Record a change set (in the open transaction, if any); each change's ``after``
        becomes its key's latest record (``None`` removes it), versioned with the change set's
        id, which is returned: ids ascend in recorded order and are never given twice.
        In the same transaction it rewrites the as-of index chunks the change touches
        (``graph.stores.versions.updated_chunks``)."""
        ...
    def version_chunks(self, name: str, kind: str, chunks: Iterable[int]) -> dict[int, bytes]:
        """The as-of index blobs (``graph.stores.versions``) of those ``chunks`` of ``kind``
        (``person`` or ``tie``) that exist."""
        ...
    def change_sets(
        self, name: str, *, person: str | None = None, limit: int = 50,
        before: int | None = None, max_changes: int = 1000,
    ) -> list[ChangeSetRecord]:
        """Newest first; with ``person`` only those about them or a tie of theirs (and only
        those changes); ``before`` pages back; at most ``max_changes`` changes each."""
        ...
    def get_change_set(self, name: str, change_set_id: int) -> ChangeSetRecord:
        """One change set with every change (``NotFound`` when the map has none so numbered)."""
        ...


def store_url_from_env() -> str:
    """``MOVEMAP_STORE`` or the default ``sqlite:///movemap.db`` (in the working directory)."""
    return os.environ.get("MOVEMAP_STORE", "").strip() or DEFAULT_STORE_URL


def redact_url(url: str) -> str:
    """A store URL safe to show: a password in it (``neo4j://user:secret@host``) becomes ``***``.

    >>> redact_url("neo4j://ana:s3cret@db:7687")
    'neo4j://ana:***@db:7687'
    """
    scheme, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}{slash}{path}"


def open_store(url: str | None = None) -> GraphStore:
    """Open the store a URL names: ``sqlite:///relative/path.db``, ``sqlite:////abs/path.db``,
    or a Neo4j server, ``neo4j://host:7687`` (also ``bolt://``, ``neo4j+s://``; credentials from
    ``MOVEMAP_NEO4J_USER``/``MOVEMAP_NEO4J_PASSWORD``, see ``graph.stores.neo4j_store``)."""
    url = url or store_url_from_env()
    scheme, sep, _rest = url.partition("://")
    if not sep:
        raise StoreError(
            f"store URL {redact_url(url)!r} is not a URL; use e.g. sqlite:///movemap.db "
            "(see README)"
        )
    if scheme == "sqlite":
        from graph.stores.sqlite import SQLiteStore

        return SQLiteStore(url)
    if scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        from graph.stores.neo4j_store import Neo4jStore

        return Neo4jStore(url)
    raise StoreError(
        f"unknown store scheme {scheme!r} in {redact_url(url)!r}; supported: sqlite, neo4j, "
        "neo4j+s, bolt"
    )
