"""The embedded store: one SQLite file holds many constituencies (the default store).

URLs: ``sqlite:///relative/path.db`` (relative to the working directory),
``sqlite:////absolute/path.db`` or ``sqlite:///:memory:``.

Design notes:

* The schema is versioned: ``meta.schema_version`` records how many of ``MIGRATIONS`` have been
  applied; opening a store applies the missing ones in order, and a file written by a newer
  movemap is refused rather than damaged.
* People are rows with an integer key ``pk``. Upserts are one ``INSERT … ON CONFLICT DO UPDATE
  … WHERE <a column differs>`` per row, so an identical row is not written and ``changes()``
  counts exactly the added and updated rows. ``attrs`` packs what the analysis needs of the
  other columns into one integer, written with the row.
* Relationships are not a row per tie (schema version 2): a ``ties`` row holds every
  relationship recorded from the people of one chunk of keys (``pk >> CHUNK_BITS``, 1024
  keys) as packed arrays (source, target, one trust byte, ``since`` days), and ``ties_in``
  holds the same pairs by target, so removing a person finds every row to fix without a scan.
  A million people with ten million ties are then about two thousand rows: an import writes
  them in seconds and ``load_graph`` reads them straight into numpy arrays. Writes are set
  operations on the arrays of the chunks they touch; added, updated and unchanged are counted
  exactly as a row per tie would count them. Bulk imports sort the ties by chunk in buckets
  that spill to temporary files, so memory stays bounded.
* ``load_graph`` reads columns straight into numpy arrays (no ``Person`` or ``Relationship``
  per row) and builds the ``CompactGraph`` with ``from_arrays``.

Example:
    >>> from graph.model import Person, Relationship
    >>> store = SQLiteStore("sqlite:///:memory:")
    >>> summary = store.import_records("demo", [Person(id="a", group="people"),
    ...     Person(id="b", group="system_leaders")], [Relationship(source="a", target="b")])
    >>> (summary.people_added, summary.relationships_added)
    (2, 1)
    >>> store.load_graph("demo").m
    1
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from itertools import islice, repeat
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np
from pydantic import ValidationError

from graph.compact import NO_DATE, CompactGraph
from graph.errors import NotFound, StoreError
from graph.history import (
    ChangeSetHeader,
    ChangeSetRecord,
    Key,
    StoredChange,
    TimelineRecord,
)
from graph.model import (
    GROUPS,
    Constituency,
    Engagement,
    Person,
    Relationship,
    Role,
    normalise_segment,
)
from graph.stores import versions
from graph.stores.arrays import (
    I64,
    RECORD,
    Records,
    TieCounts,
    Ties,
    collapse,
    compact_graph,
    named_relationships,
    node_lookup,
    pair_keys,
    people_attrs,
    python_order,
    relationship_records,
    relationships_in_order,
    rounds,
    ties_records,
    unique_sorted,
    validation_message,
)
from graph.stores.base import (
    BulkResult,
    ConstituencySummary,
    ImportSummary,
    PeopleBatch,
    TiesBatch,
)
from graph.stores.private import private_file
from graph.timeline import history_seed

__all__ = ["BATCH_SIZE", "MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore"]

BATCH_SIZE = 10_000
"""Rows sent to SQLite per ``executemany`` call."""

TIES_PER_BUCKET = 250_000
"""Bulk imports sort ties by person in buckets of about this many rows."""

SPILL_BYTES = 64 * 2**20
"""Sorted buckets beyond this many bytes move to temporary files."""

_APPLICATION_ID = 0x6D6D6170  # "mmap": marks a SQLite file as a movemap store
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


_V1_SCHEMA = """
    CREATE TABLE constituencies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE BINARY UNIQUE,
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE people (
        pk INTEGER PRIMARY KEY,
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        id TEXT NOT NULL COLLATE BINARY,
        name TEXT NOT NULL DEFAULT '',
        "group" TEXT NOT NULL,
        other_groups TEXT NOT NULL DEFAULT '[]',   -- JSON list of group code names, in order
        organisation TEXT NOT NULL DEFAULT '',
        segments TEXT NOT NULL DEFAULT '[]',       -- JSON list of normalised segments, in order
        formal_power INTEGER NOT NULL DEFAULT 0 CHECK (formal_power BETWEEN 0 AND 3),
        informal_power INTEGER NOT NULL DEFAULT 0 CHECK (informal_power BETWEEN 0 AND 3),
        lived_experience INTEGER NOT NULL DEFAULT 0 CHECK (lived_experience IN (0, 1)),
        engagement TEXT NOT NULL DEFAULT 'unengaged',
        role TEXT,                                 -- NULL when none is declared
        joined TEXT,                               -- ISO date or NULL
        UNIQUE (constituency_id, id)
    );
    CREATE TABLE relationships (
        source_pk INTEGER NOT NULL REFERENCES people(pk) ON DELETE CASCADE,
        target_pk INTEGER NOT NULL REFERENCES people(pk) ON DELETE CASCADE,
        relational INTEGER NOT NULL DEFAULT 0 CHECK (relational BETWEEN 0 AND 3),
        functional INTEGER NOT NULL DEFAULT 0 CHECK (functional BETWEEN 0 AND 3),
        flow_of_value INTEGER NOT NULL DEFAULT 0 CHECK (flow_of_value BETWEEN 0 AND 3),
        recruited INTEGER NOT NULL DEFAULT 0 CHECK (recruited IN (0, 1)),
        since TEXT,                                -- ISO date or NULL
        PRIMARY KEY (source_pk, target_pk),
        CHECK (source_pk <> target_pk)
    ) WITHOUT ROWID;
    -- the primary key serves lookups by source; this one serves cascades and lookups by target
    CREATE INDEX relationships_by_target ON relationships(target_pk);
    CREATE TABLE expected_segments (
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        segment TEXT NOT NULL COLLATE BINARY,
        PRIMARY KEY (constituency_id, segment)
    ) WITHOUT ROWID;
"""

CHUNK_BITS = 10
"""Ties are stored in chunks: the ties of people whose keys share ``pk >> CHUNK_BITS``."""

_TIES_SCHEMA = """
    -- the relationships recorded from the people of one chunk of keys (source pk >> 10), as
    -- packed little-endian arrays of equal length ordered by (source, target): source and
    -- target int64 people.pk, trust one byte each (relational | functional << 2
    -- | flow_of_value << 4 | recruited << 6), since int32 days after 1970-01-01 (-2**31 for
    -- none; an empty blob when no tie of the chunk has a date)
    CREATE TABLE ties (
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        chunk INTEGER NOT NULL,
        source BLOB NOT NULL,
        target BLOB NOT NULL,
        trust BLOB NOT NULL,
        since BLOB NOT NULL,
        PRIMARY KEY (constituency_id, chunk)
    );
    -- the same ties seen from the other end (target pk >> 10): who has a relationship to the
    -- people of one chunk, ordered by (target, source)
    CREATE TABLE ties_in (
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        chunk INTEGER NOT NULL,
        target BLOB NOT NULL,
        source BLOB NOT NULL,
        PRIMARY KEY (constituency_id, chunk)
    );
"""


def _migrate_to_ties(conn: sqlite3.Connection) -> None:
    """Version 2: relationships move from a row per tie to the chunked ``ties`` arrays, and
    people get ``attrs`` (see ``_ATTRS_SQL``)."""
    for statement in _statements(_TIES_SCHEMA):
        conn.execute(statement)
    conn.execute("ALTER TABLE people ADD COLUMN attrs INTEGER NOT NULL DEFAULT 0")
    conn.execute(f"UPDATE people SET attrs = {_ATTRS_SQL}")
    for (cid,) in conn.execute("SELECT id FROM constituencies").fetchall():
        cursor = conn.execute(
            f"""
            SELECT r.source_pk >> {CHUNK_BITS}, r.source_pk, r.target_pk,
                   r.relational | (r.functional << 2) | (r.flow_of_value << 4)
                   | (r.recruited << 6), {_day_sql("r.since")}
            FROM people p JOIN relationships r ON r.source_pk = p.pk
            WHERE p.constituency_id = ? ORDER BY r.source_pk, r.target_pk
            """,
            (cid,),
        )
        for chunk in _grouped_chunks(cursor, 5):
            ties = Ties(chunk[:, 1], chunk[:, 2], chunk[:, 3].astype(np.uint8),
                         chunk[:, 4].astype(np.int32))
            conn.executemany(_TIES_UPSERT, _encode_ties(cid, ties))
        cursor = conn.execute(
            f"""
            SELECT r.target_pk >> {CHUNK_BITS}, r.target_pk, r.source_pk
            FROM people p JOIN relationships r ON r.target_pk = p.pk
            WHERE p.constituency_id = ? ORDER BY r.target_pk, r.source_pk
            """,
            (cid,),
        )
        for chunk in _grouped_chunks(cursor, 3):
            conn.executemany(_INCOMING_UPSERT, _encode_incoming(cid, chunk[:, 1], chunk[:, 2]))
    conn.execute("DROP TABLE relationships")


_HISTORY_SCHEMA = """
    -- the latest timeline of every person (kind 'person', a = id), tie ('tie', a = source,
    -- b = target) and map ('map'), as JSON (graph.timeline), and its version
    CREATE TABLE timelines (
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        a TEXT NOT NULL COLLATE BINARY,
        b TEXT NOT NULL COLLATE BINARY,
        version INTEGER NOT NULL,
        timeline TEXT NOT NULL,
        PRIMARY KEY (constituency_id, kind, a, b)
    ) WITHOUT ROWID;
    CREATE INDEX timelines_by_target ON timelines (constituency_id, kind, b);
    -- every change set, in recorded order (AUTOINCREMENT: an id is never given twice)
    CREATE TABLE change_sets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        recorded_at TEXT NOT NULL,
        by TEXT NOT NULL,
        via TEXT NOT NULL,
        summary TEXT NOT NULL,
        undoes INTEGER
    );
    CREATE INDEX change_sets_by_map ON change_sets (constituency_id, id);
    CREATE INDEX change_sets_by_undoes ON change_sets (undoes) WHERE undoes IS NOT NULL;
    -- the timelines a change set replaced (before) and wrote (after); NULL: no record
    CREATE TABLE changes (
        change_set_id INTEGER NOT NULL REFERENCES change_sets(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        constituency_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        a TEXT NOT NULL COLLATE BINARY,
        b TEXT NOT NULL COLLATE BINARY,
        before TEXT,
        after TEXT,
        PRIMARY KEY (change_set_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX changes_by_source ON changes (constituency_id, a, change_set_id);
    CREATE INDEX changes_by_target ON changes (constituency_id, b, change_set_id);
"""


def _migrate_to_history(conn: sqlite3.Connection) -> None:
    """Version 4: the history tables; every map's current state becomes its first change set,
    each person present from ``joined`` and each tie from ``since`` (since always when blank)."""
    for statement in _statements(_HISTORY_SCHEMA):
        conn.execute(statement)
    constituencies = conn.execute(
        "SELECT id, name, description FROM constituencies ORDER BY id").fetchall()
    for cid, name, description in constituencies:
        expected = [s for (s,) in conn.execute(
            "SELECT segment FROM expected_segments WHERE constituency_id = ? ORDER BY position",
            (cid,))]
        people = [
            (_person_from_row(row[1:]), row[0]) for row in conn.execute(
                f"SELECT pk, {', '.join(_PERSON_COLUMNS)} FROM people "
                "WHERE constituency_id = ?", (cid,))
        ]
        id_of = {pk: person.id for person, pk in people}
        ties = _decode_ties(conn.execute(
            "SELECT source, target, trust, since FROM ties WHERE constituency_id = ? "
            "ORDER BY chunk", (cid,)).fetchall())
        records = history_seed(
            Constituency(name=name, description=description, expected_segments=tuple(expected)),
            [person for person, _pk in people],
            named_relationships(ties, id_of),
        )
        _append_change_set(conn, cid, ChangeSetHeader(
            recorded_at=datetime.now(UTC), by="movemap", via="migration",
            summary="history begins: the map as it stood when movemap started keeping it",
        ), records, index=False)


_VERSIONS_SCHEMA = """
    -- the as-of index (graph.stores.versions): every version of the people ('person') and ties
    -- ('tie') whose key hashes to one chunk, as one blob
    CREATE TABLE versions (
        constituency_id INTEGER NOT NULL REFERENCES constituencies(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (constituency_id, kind, chunk)
    );
"""


def _read_versions(conn: sqlite3.Connection, cid: int, kind: str, chunks: Sequence[int]
                   ) -> dict[int, bytes]:
    wanted = list(chunks)
    if len(wanted) == versions.CHUNKS:
        rows = conn.execute("SELECT chunk, data FROM versions WHERE constituency_id = ? "
                            "AND kind = ?", (cid, kind))
        return {chunk: data for chunk, data in rows}
    found: dict[int, bytes] = {}
    for batch in _batches(wanted, 300):
        marks = ", ".join("?" * len(batch))
        found.update(conn.execute(
            f"SELECT chunk, data FROM versions WHERE constituency_id = ? AND kind = ? "
            f"AND chunk IN ({marks})", (cid, kind, *batch)).fetchall())
    return found


def _update_versions(conn: sqlite3.Connection, cid: int, changes: Sequence[StoredChange]
                     ) -> None:
    """Rewrite the as-of index chunks that ``changes`` touch (same transaction)."""
    written = versions.updated_chunks(
        changes, lambda kind, chunks: _read_versions(conn, cid, kind, chunks))
    conn.executemany(
        "DELETE FROM versions WHERE constituency_id = ? AND kind = ? AND chunk = ?",
        [(cid, kind, chunk) for (kind, chunk), data in written.items() if data is None])
    conn.executemany(
        "INSERT INTO versions (constituency_id, kind, chunk, data) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (constituency_id, kind, chunk) DO UPDATE SET data = excluded.data",
        [(cid, kind, chunk, data) for (kind, chunk), data in written.items()
         if data is not None])


def _migrate_to_versions(conn: sqlite3.Connection) -> None:
    """Version 5: the as-of index, built from every map's timelines."""
    for statement in _statements(_VERSIONS_SCHEMA):
        conn.execute(statement)
    for (cid,) in conn.execute("SELECT id FROM constituencies ORDER BY id").fetchall():
        records = [StoredChange((kind, a, b), None, timeline) for kind, a, b, timeline in
                   conn.execute("SELECT kind, a, b, timeline FROM timelines "
                                "WHERE constituency_id = ?", (cid,))]
        _update_versions(conn, cid, records)


def _append_change_set(
    conn: sqlite3.Connection, cid: int, header: ChangeSetHeader,
    changes: Sequence[StoredChange], *, index: bool = True,
) -> int:
    """Record a change set and make each change's ``after`` the latest timeline of its key
    (and, with ``index``, update the as-of index; the migration to version 4 has none yet)."""
    change_set = conn.execute(
        "INSERT INTO change_sets (constituency_id, recorded_at, by, via, summary, undoes) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (cid, header.recorded_at.isoformat(), header.by, header.via, header.summary,
         header.undoes),
    ).lastrowid
    for batch in _batches(enumerate(changes)):
        conn.executemany(
            "INSERT INTO changes (change_set_id, seq, constituency_id, kind, a, b, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(change_set, i, cid, *c.key, c.before, c.after) for i, c in batch],
        )
        conn.executemany(
            "DELETE FROM timelines WHERE constituency_id = ? AND kind = ? AND a = ? AND b = ?",
            [(cid, *c.key) for _i, c in batch if c.after is None],
        )
        conn.executemany(
            "INSERT INTO timelines (constituency_id, kind, a, b, version, timeline) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (constituency_id, kind, a, b) DO UPDATE SET "
            "version = excluded.version, timeline = excluded.timeline",
            [(cid, *c.key, change_set, c.after) for _i, c in batch if c.after is not None],
        )
    if index:
        _update_versions(conn, cid, changes)
    assert change_set is not None
    return change_set


Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: the first schema.
    _V1_SCHEMA,
    # 2: relationships stored in chunks of arrays and people.attrs (see the module notes).
    _migrate_to_ties,
    # 3: a revision per constituency: the store's revision at the last write to it.
    "ALTER TABLE constituencies ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    # 4: the history: timelines, change sets and their changes (graph.history).
    _migrate_to_history,
    # 5: the as-of index of the history (graph.stores.versions).
    _migrate_to_versions,
)
"""Schema migrations in order; migration ``i`` takes the schema from version ``i`` to ``i + 1``.
A migration is a SQL script or a function of the connection (run inside the transaction)."""

SCHEMA_VERSION = len(MIGRATIONS)

_P = ParamSpec("_P")
_T = TypeVar("_T")

_PERSON_COLUMNS = (
    "id", "name", '"group"', "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role", "joined",
)

_TIES_UPSERT = (
    "INSERT INTO ties (constituency_id, chunk, source, target, trust, since) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (constituency_id, chunk) DO UPDATE SET "
    "source = excluded.source, target = excluded.target, trust = excluded.trust, "
    "since = excluded.since"
)
_INCOMING_UPSERT = (
    "INSERT INTO ties_in (constituency_id, chunk, target, source) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (constituency_id, chunk) DO UPDATE SET target = excluded.target, "
    "source = excluded.source"
)

_PAIR = np.dtype([("target", "<i8"), ("source", "<i8")])
"""A (target, source) pair on its way into ``ties_in``."""

_NO_DATE_BYTES = np.array([NO_DATE], dtype="<i4").tobytes()
_MAX_PK = 2**31 - 1


def _day_sql(column: str) -> str:
    """Days since 1970-01-01 of an ISO date column, ``NO_DATE`` when NULL."""
    return f"COALESCE(CAST(julianday({column}) - 2440587.5 AS INTEGER), {NO_DATE})"



def _sql_case(column: str, mapping: Sequence[tuple[str, int]], default: int) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {value}" for code, value in mapping)
    return f"(CASE {column} {whens} ELSE {default} END)"


_GROUP_INDEX_SQL = _sql_case('"group"', [(g.value, g.index) for g in GROUPS], -1)
_MEMBER_OF_SQL = "(" + " | ".join(
    [f"(1 << {_GROUP_INDEX_SQL})"]
    + [f"(CASE WHEN instr(other_groups, '\"{g.value}\"') THEN {1 << g.index} ELSE 0 END)"
       for g in GROUPS]
) + ")"
_ENGAGEMENT_SQL = _sql_case("engagement", [(e.value, e.rank) for e in Engagement], 0)
_ROLE_SQL = _sql_case("role", [(r.value, r.index) for r in Role], -1)
# ``people.attrs``: what the analysis needs of a person's columns in one integer, written
# with the row (``graph.stores.arrays.people_attrs``), so that loading reads one number per
# person and computes nothing per row (the bits are listed there). This SQL computes the
# same from the columns (used by the migration that adds the column).
_ATTRS_SQL = (
    f"(({_GROUP_INDEX_SQL} + 1) | ({_MEMBER_OF_SQL} << 2) | (formal_power << 5) "
    f"| (informal_power << 7) | (lived_experience << 9) | ({_ENGAGEMENT_SQL} << 10) "
    f"| (({_ROLE_SQL} + 1) << 13) | (({_day_sql('joined')} - ({NO_DATE})) << 16))"
)




def _guard(method: Callable[Concatenate[SQLiteStore, _P], _T]) -> Callable[
    Concatenate[SQLiteStore, _P], _T
]:
    """Turn SQLite's own errors (locked, disk full, corrupt file…) into ``StoreError``."""

    @wraps(method)
    def wrapper(self: SQLiteStore, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc

    return wrapper


def _batches(rows: Iterable[_T], size: int = BATCH_SIZE) -> Iterator[list[_T]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


@lru_cache(maxsize=4096)
def _groups_json(groups: tuple[str, ...]) -> str:
    return json.dumps(list(groups)) if groups else "[]"


@lru_cache(maxsize=65536)
def _segments_json(segments: tuple[str, ...]) -> str:
    return json.dumps(list(segments), ensure_ascii=False) if segments else "[]"


def _people_rows(cid: int, batch: PeopleBatch) -> Iterator[tuple[Any, ...]]:
    """The rows ``_PEOPLE_UPSERT`` takes (``role`` and ``joined`` ``''`` become NULL in SQL)."""
    return zip(
        repeat(cid, len(batch)), batch.ids, batch.names, batch.groups,
        map(_groups_json, batch.other_groups), batch.organisations,
        map(_segments_json, batch.segments), batch.formal_power, batch.informal_power,
        batch.lived_experience, batch.engagement, batch.roles, batch.joined,
        people_attrs(batch),
        strict=False,
    )


def _people_upsert_sql() -> str:
    columns = ", ".join(_PERSON_COLUMNS)
    marks = ", ".join(["?"] * (len(_PERSON_COLUMNS) - 2) + ["NULLIF(?, '')"] * 2)
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*_PERSON_COLUMNS[1:], "attrs"))
    differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in _PERSON_COLUMNS[1:])
    return (
        f"INSERT INTO people (constituency_id, {columns}, attrs) VALUES (?, {marks}, ?) "
        f"ON CONFLICT (constituency_id, id) DO UPDATE SET {updates} WHERE {differs}"
    )


_PEOPLE_UPSERT = _people_upsert_sql()


def _person_from_row(row: Sequence[Any]) -> Person:
    return Person(
        id=row[0],
        name=row[1],
        group=row[2],
        other_groups=tuple(json.loads(row[3])),
        organisation=row[4],
        segments=tuple(json.loads(row[5])),
        formal_power=row[6],
        informal_power=row[7],
        lived_experience=bool(row[8]),
        engagement=row[9],
        role=row[10],
        joined=None if row[11] is None else date.fromisoformat(row[11]),
    )


def _parse_url(url: str) -> str:
    """The file path (or ``:memory:``) that a ``sqlite:///…`` URL names."""
    prefix = "sqlite:///"
    if not isinstance(url, str) or not url.startswith(prefix):
        raise StoreError(
            f"store URL {url!r} is not a SQLite URL; use sqlite:///relative/path.db, "
            "sqlite:////absolute/path.db or sqlite:///:memory:"
        )
    path = url[len(prefix):]
    if not path or path.endswith("/"):
        raise StoreError(f"store URL {url!r} names no file; use e.g. sqlite:///movemap.db")
    if "?" in path or "\x00" in path:
        raise StoreError(f"store URL {url!r} has characters a file name cannot have ('?')")
    return path


# -- ties as arrays ------------------------------------------------------------------------------


def _decode_ties(rows: Sequence[tuple[bytes, bytes, bytes, bytes]]) -> Ties:
    """The ties of some ``ties`` rows (source, target, trust, since), in row order."""
    if not rows:
        return Ties.empty()
    return Ties(
        np.frombuffer(b"".join([r[0] for r in rows]), dtype="<i8").astype(np.int64),
        np.frombuffer(b"".join([r[1] for r in rows]), dtype="<i8").astype(np.int64),
        np.frombuffer(b"".join([r[2] for r in rows]), dtype=np.uint8).copy(),
        np.frombuffer(
            b"".join([r[3] or _NO_DATE_BYTES * len(r[2]) for r in rows]), dtype="<i4"
        ).astype(np.int32),
    )


def _decode_pairs(rows: Sequence[tuple[bytes, bytes]]) -> tuple[I64, I64]:
    """The (first, second) pairs of some ``ties_in`` rows (target, source), in row order."""
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return (np.frombuffer(b"".join([r[0] for r in rows]), dtype="<i8").astype(np.int64),
            np.frombuffer(b"".join([r[1] for r in rows]), dtype="<i8").astype(np.int64))


def _group_bounds(values: I64) -> tuple[list[int], list[int]]:
    """Start and end of each run of equal values in a sorted array."""
    cuts = (np.flatnonzero(values[1:] != values[:-1]) + 1).tolist()
    return [0, *cuts], [*cuts, int(values.shape[0])]


def _encode_ties(cid: int, ties: Ties) -> Iterator[tuple[Any, ...]]:
    """``ties`` rows of sorted ties, one per chunk of sources."""
    if not len(ties):
        return
    chunks = ties.source >> CHUNK_BITS
    starts, ends = _group_bounds(chunks)
    source = ties.source.astype("<i8")
    target = ties.target.astype("<i8")
    since = ties.since.astype("<i4")
    dated = np.logical_or.reduceat(since != NO_DATE, starts).tolist()
    for chunk, start, end, has_date in zip(
        chunks[starts].tolist(), starts, ends, dated, strict=True
    ):
        yield (cid, chunk, source[start:end].tobytes(), target[start:end].tobytes(),
               ties.trust[start:end].tobytes(), since[start:end].tobytes() if has_date else b"")


def _encode_incoming(cid: int, target: I64, source: I64) -> Iterator[tuple[Any, ...]]:
    """``ties_in`` rows of pairs sorted by (target, source), one per chunk of targets."""
    if not target.shape[0]:
        return
    chunks = target >> CHUNK_BITS
    starts, ends = _group_bounds(chunks)
    target = target.astype("<i8")
    source = source.astype("<i8")
    for chunk, start, end in zip(chunks[starts].tolist(), starts, ends, strict=True):
        yield cid, chunk, target[start:end].tobytes(), source[start:end].tobytes()


def _grouped_chunks(cursor: sqlite3.Cursor, width: int, size: int = 200_000) -> Iterator[I64]:
    """Integer rows of a cursor ordered by column 0, in chunks that never split a group."""
    carry = np.zeros((0, width), dtype=np.int64)
    while rows := cursor.fetchmany(size):
        chunk = np.concatenate([carry, np.array(rows, dtype=np.int64).reshape(-1, width)])
        last = np.flatnonzero(chunk[:, 0] != chunk[-1, 0])
        cut = int(last[-1]) + 1 if last.shape[0] else 0
        carry = chunk[cut:]
        if cut:
            yield chunk[:cut]
    if carry.shape[0]:
        yield carry


class _Buckets:
    """Records partitioned by ranges of chunks (a key column ``>> CHUNK_BITS``), each bucket
    in the order the records were added.

    Up to ``SPILL_BYTES`` stay in memory; beyond that every bucket moves to its own temporary
    file, so a bulk import holds one bucket at a time, not the whole input.
    """

    def __init__(
        self, dtype: np.dtype[Any], field: str, chunks: tuple[int, int], count: int
    ) -> None:
        self.dtype = dtype
        self.field = field
        self.chunks = chunks
        self.lo = chunks[0]
        self.span = max(1, chunks[1] - chunks[0] + 1)
        self.count = max(1, min(count, self.span))
        self.memory: list[list[Records]] = [[] for _ in range(self.count)]
        self.in_memory = 0
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def bucket_range(self, bucket: int) -> tuple[int, int]:
        """The first and last chunk that go to ``bucket``."""
        first = self.lo + -(-bucket * self.span // self.count)
        last = self.lo + -(-(bucket + 1) * self.span // self.count) - 1
        return first, last

    def add(self, records: Records) -> None:
        if not records.shape[0]:
            return
        if self.count == 1:
            self.memory[0].append(records)
        else:
            chunk = records[self.field] >> CHUNK_BITS
            bucket = ((chunk - self.lo) * self.count) // self.span
            order = np.argsort(bucket, kind="stable")
            ordered = records[order]
            bounds = np.searchsorted(bucket[order], np.arange(self.count + 1)).tolist()
            for b in range(self.count):
                if bounds[b] < bounds[b + 1]:
                    self.memory[b].append(ordered[bounds[b]:bounds[b + 1]])
        self.in_memory += records.nbytes
        if self.in_memory > SPILL_BYTES:
            self._spill()

    def _path(self, bucket: int) -> str:
        assert self.folder is not None
        return os.path.join(self.folder.name, f"{bucket}.bin")

    def _spill(self) -> None:
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="movemap-import-")
        for bucket, parts in enumerate(self.memory):
            if parts:
                with open(self._path(bucket), "ab") as handle:
                    for part in parts:
                        handle.write(part.tobytes())
                parts.clear()
        self.in_memory = 0

    def take(self, bucket: int) -> Records:
        """All records of ``bucket`` in the order added (the bucket is emptied)."""
        pieces: list[Records] = []
        if self.folder is not None and os.path.exists(self._path(bucket)):
            pieces.append(np.fromfile(self._path(bucket), dtype=self.dtype))
            os.remove(self._path(bucket))
        pieces.extend(self.memory[bucket])
        self.memory[bucket] = []
        if not pieces:
            return np.zeros(0, dtype=self.dtype)
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def close(self) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None
        self.memory = [[] for _ in range(self.count)]


class SQLiteStore:
    """A ``GraphStore`` in one SQLite file (or in memory).

    Every public write runs in a transaction; ``transaction()`` groups several of them.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        path = _parse_url(url)
        self.path = path if path == ":memory:" else str(Path(path).absolute())
        self._depth = 0
        self._erased = False  # people were deleted in this transaction (see ``transaction``)
        self._touched: set[str] = set()
        """Constituencies the open transaction may have written (``_bump_revision``)."""
        self._conn = self._connect()
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- opening -----------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            folder = Path(self.path).parent
            if not folder.is_dir():
                raise StoreError(
                    f"cannot open the store {self.url!r}: the folder {str(folder)!r} does not exist"
                )
            if Path(self.path).is_dir():
                raise StoreError(f"cannot open the store {self.url!r}: it is a folder, not a file")
            with contextlib.suppress(OSError):  # a missing folder or no access: connect says
                private_file(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see ``transaction``).
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.url!r}: {exc}") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten with zeros
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: big imports touch many pages
            conn.execute("PRAGMA temp_store = FILE")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(self._describe(exc)) from exc
        return conn

    def _describe(self, exc: sqlite3.Error) -> str:
        text = str(exc)
        if "not a database" in text:
            return f"the store {self.url!r} is not a movemap store (the file is not SQLite)"
        if "locked" in text or "busy" in text:
            return (
                f"the store {self.url!r} is busy: another movemap is writing to it; "
                "try again in a moment"
            )
        if "readonly" in text or "read-only" in text:
            return f"the store {self.url!r} is read-only; check the file's permissions"
        if "disk" in text and "full" in text:
            return f"the disk holding the store {self.url!r} is full"
        return f"the store {self.url!r} failed: {text}"

    @_guard
    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.url!r} was written by a newer movemap (schema version "
                f"{version}; this version knows up to {SCHEMA_VERSION}); upgrade movemap"
            )
        if version == 0:
            tables = self._conn.execute(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
            ).fetchone()[0]
            if tables:
                raise StoreError(
                    f"the store {self.url!r} is a SQLite file that movemap did not create; "
                    "choose another file"
                )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                if target == 1:
                    self._conn.execute(
                        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                    )
                    self._conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                migration = MIGRATIONS[target - 1]
                if isinstance(migration, str):
                    for statement in _statements(migration):
                        self._conn.execute(statement)
                else:
                    migration(self._conn)
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(target),),
                )

    def schema_version(self) -> int:
        """The schema version of the file: 0 for a new, empty one."""
        has_meta = self._conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not has_meta:
            return 0
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(row[0]) if row else 0
        except ValueError as exc:
            raise StoreError(f"the store {self.url!r} has an unreadable schema version") from exc

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.url!r})"

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing unit of work; an exception rolls back everything in it.

        A nested ``transaction()`` joins the outer one as a savepoint: if an exception leaves the
        inner block its writes are undone even when the outer block catches it, so a failed
        ``import_records`` inside a caller's transaction never leaves half an import behind.
        """
        conn = self._conn
        depth = self._depth
        savepoint = f"movemap_{depth}"
        try:
            conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}")
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc
        changes_before = conn.total_changes
        if depth == 0:
            self._touched = set()
            self._erased = False
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            try:
                if depth == 0:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
            except sqlite3.Error:
                pass  # the original error matters more; SQLite may have rolled back already
            raise
        self._depth -= 1
        try:
            if depth == 0 and conn.total_changes != changes_before:
                self._bump_revision()
            conn.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            if depth == 0 and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(self._describe(exc)) from exc
        if depth == 0 and self._erased:
            self._erased = False
            with contextlib.suppress(sqlite3.Error):  # a reader holding the WAL: done later
                # the WAL still holds the deleted rows' pages: copy them back and empty it
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _bump_revision(self) -> None:
        """Count a committed write: the store's revision goes up by one, and every
        constituency the transaction touched takes it as its own."""
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES ('revision', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        if not self._touched:
            return
        self._conn.executemany(
            "UPDATE constituencies SET revision = (SELECT CAST(value AS INTEGER) FROM meta "
            "WHERE key = 'revision') WHERE name = ?",
            [(name,) for name in sorted(self._touched)],
        )

    @_guard
    def revision(self, name: str) -> int:
        """The number of the last committed write to ``name`` (for a name with no
        constituency, the store's count of writes), from any process.

        Caches key on it (the web app's analysis cache): a write through the CLI is seen by a
        running server, and a write to one constituency leaves the others' caches alone. It
        never comes back to an earlier value, even when a constituency is deleted and made
        again. A transaction that also read another constituency counts as writing it too
        (a recomputation at worst, never a stale answer).
        """
        row = self._conn.execute(
            "SELECT coalesce((SELECT revision FROM constituencies WHERE name = ?), "
            "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'), 0)",
            (name,),
        ).fetchone()
        return int(row[0])

    # -- constituencies ----------------------------------------------------------------------

    def _constituency_id(self, name: str) -> int:
        row = self._conn.execute("SELECT id FROM constituencies WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"there is no constituency named {name!r}")
        if self._depth:
            self._touched.add(name)  # a write may follow: the revision moves if one does
        return int(row[0])

    @_guard
    def list_constituencies(self) -> list[ConstituencySummary]:
        rows = self._conn.execute(
            """
            SELECT c.name, c.description,
                   (SELECT count(*) FROM people p WHERE p.constituency_id = c.id),
                   (SELECT coalesce(sum(length(t.trust)), 0) FROM ties t
                     WHERE t.constituency_id = c.id),
                   (SELECT count(*) FROM expected_segments e WHERE e.constituency_id = c.id)
            FROM constituencies c ORDER BY c.name
            """
        ).fetchall()
        return [ConstituencySummary(*row) for row in rows]

    @_guard
    def get_constituency(self, name: str) -> Constituency:
        row = self._conn.execute(
            "SELECT id, name, description FROM constituencies WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no constituency named {name!r}")
        segments = [
            s for (s,) in self._conn.execute(
                "SELECT segment FROM expected_segments WHERE constituency_id = ? ORDER BY position",
                (row[0],),
            )
        ]
        return Constituency(name=row[1], description=row[2], expected_segments=tuple(segments))

    @_guard
    def create_constituency(self, constituency: Constituency, *, exist_ok: bool = False) -> None:
        """Create an empty constituency; an existing one is an error unless ``exist_ok``.

        With ``exist_ok`` an existing constituency is left exactly as it is.
        """
        with self.transaction():
            row = self._conn.execute(
                "SELECT id FROM constituencies WHERE name = ?", (constituency.name,)
            ).fetchone()
            if row is not None:
                if exist_ok:
                    return
                raise StoreError(f"a constituency named {constituency.name!r} already exists")
            self._touched.add(constituency.name)
            cid = self._conn.execute(
                "INSERT INTO constituencies (name, description) VALUES (?, ?)",
                (constituency.name, constituency.description),
            ).lastrowid
            assert cid is not None
            self._write_expected(cid, constituency.expected_segments, replace=True)

    @_guard
    def set_description(self, name: str, description: str) -> None:
        """Change a constituency's description (validated like ``Constituency``)."""
        checked = Constituency(name=name, description=description)
        with self.transaction():
            self._conn.execute(
                "UPDATE constituencies SET description = ? WHERE id = ?",
                (checked.description, self._constituency_id(name)),
            )

    @_guard
    def delete_constituency(self, name: str) -> None:
        with self.transaction():
            cid = self._constituency_id(name)
            # its people, expected segments and ties go by cascade
            self._erased = True
            self._conn.execute("DELETE FROM constituencies WHERE id = ?", (cid,))

    @_guard
    def rename_constituency(self, name: str, new_name: str) -> None:
        """Give the map ``name`` the name ``new_name``: its people, ties, history and as-of
        index stay with it (they hang on its row id, not its name)."""
        checked = Constituency(name=new_name)
        with self.transaction():
            cid = self._constituency_id(name)
            if self._conn.execute("SELECT 1 FROM constituencies WHERE name = ?",
                                  (checked.name,)).fetchone() is not None:
                raise StoreError(f"a constituency named {checked.name!r} already exists")
            self._touched.add(checked.name)  # both names take the new revision
            self._conn.execute("UPDATE constituencies SET name = ? WHERE id = ?",
                               (checked.name, cid))

    @_guard
    def set_expected_segments(self, name: str, segments: Sequence[str]) -> None:
        """Replace the expected segments (normalised, duplicates dropped, order kept)."""
        with self.transaction():
            self._write_expected(self._constituency_id(name), segments, replace=True)

    @_guard
    def add_expected_segments(self, name: str, segments: Sequence[str]) -> None:
        """Add expected segments after those already there; ones already expected are skipped."""
        with self.transaction():
            self._write_expected(self._constituency_id(name), segments, replace=False)

    def _write_expected(self, cid: int, segments: Sequence[str], *, replace: bool) -> None:
        if isinstance(segments, str):
            segments = [segments]
        cleaned: list[str] = []
        for segment in segments:
            try:
                cleaned.append(normalise_segment(str(segment)))
            except ValueError as exc:
                raise StoreError(f"segment {segment!r} is not valid: {exc}") from exc
        if replace:
            self._conn.execute("DELETE FROM expected_segments WHERE constituency_id = ?", (cid,))
        start = self._conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM expected_segments "
            "WHERE constituency_id = ?",
            (cid,),
        ).fetchone()[0]
        self._conn.executemany(
            "INSERT INTO expected_segments (constituency_id, position, segment) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(cid, start + i, s) for i, s in enumerate(dict.fromkeys(cleaned))],
        )


    # -- people ------------------------------------------------------------------------------

    @_guard
    def upsert_people(self, name: str, people: Iterable[Person]) -> tuple[int, int, int]:
        """Insert or replace people by id; returns (added, updated, unchanged).

        When the input repeats an id, each repetition counts as one row and the last one wins.
        """
        with self.transaction():
            return self._upsert_people(self._constituency_id(name), PeopleBatch.of(people))

    def _count_people(self, cid: int) -> int:
        return int(self._conn.execute(
            "SELECT count(*) FROM people WHERE constituency_id = ?", (cid,)
        ).fetchone()[0])

    def _upsert_people(self, cid: int, batch: PeopleBatch) -> tuple[int, int, int]:
        before = self._count_people(cid)
        changed = self._write_people(cid, batch)
        added = self._count_people(cid) - before
        return added, changed - added, len(batch) - changed

    def _write_people(self, cid: int, batch: PeopleBatch) -> int:
        """Upsert a batch; returns how many rows were inserted or changed."""
        if not len(batch):
            return 0
        cursor = self._conn.executemany(_PEOPLE_UPSERT, _people_rows(cid, batch))
        return max(cursor.rowcount, 0)

    def _delete_people(self, pks: Sequence[int]) -> None:
        """Remove people by key (the caller removes their ties)."""
        self._erased = True
        for batch in _batches(pks):
            self._conn.executemany("DELETE FROM people WHERE pk = ?", [(pk,) for pk in batch])

    def _person_pk(self, cid: int, name: str, person_id: str) -> int:
        row = self._conn.execute(
            "SELECT pk FROM people WHERE constituency_id = ? AND id = ?", (cid, person_id)
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no person {person_id!r} in constituency {name!r}")
        return int(row[0])

    def _person_keys(self, cid: int, ids: Iterable[str]) -> dict[str, int]:
        """id → pk of those of ``ids`` that are people of the constituency."""
        wanted = list(dict.fromkeys(ids))
        if len(wanted) > 2000:
            everyone = dict(self._conn.execute(
                "SELECT id, pk FROM people WHERE constituency_id = ?", (cid,)
            ))
            return {i: everyone[i] for i in wanted if i in everyone}
        keys: dict[str, int] = {}
        for batch in _batches(wanted, 500):
            marks = ", ".join("?" * len(batch))
            keys.update(self._conn.execute(
                f"SELECT id, pk FROM people WHERE constituency_id = ? AND id IN ({marks})",
                (cid, *batch),
            ))
        return keys

    def _chunk_range(self, cid: int) -> tuple[int, int]:
        """The first and last chunk of the constituency's people keys."""
        lo, hi = self._conn.execute(
            "SELECT min(pk), max(pk) FROM people WHERE constituency_id = ?", (cid,)
        ).fetchone()
        if lo is None:
            return 0, 0
        if hi > _MAX_PK:
            raise StoreError(f"the store {self.url!r} has more people keys than movemap supports")
        return int(lo) >> CHUNK_BITS, int(hi) >> CHUNK_BITS

    @_guard
    def get_person(self, name: str, person_id: str) -> Person:
        cid = self._constituency_id(name)
        row = self._conn.execute(
            f"SELECT {', '.join(_PERSON_COLUMNS)} FROM people WHERE constituency_id = ? AND id = ?",
            (cid, person_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no person {person_id!r} in constituency {name!r}")
        return _person_from_row(row)

    @_guard
    def iter_people(self, name: str) -> Iterator[Person]:
        """Every person of the constituency, by ascending id."""
        cid = self._constituency_id(name)
        cursor = self._conn.execute(
            f"SELECT {', '.join(_PERSON_COLUMNS)} FROM people WHERE constituency_id = ? "
            "ORDER BY id",
            (cid,),
        )
        return self._rows(cursor, _person_from_row)

    def _rows(
        self, cursor: sqlite3.Cursor, make: Callable[[Sequence[Any]], _T]
    ) -> Iterator[_T]:
        try:
            while rows := cursor.fetchmany(BATCH_SIZE):
                yield from (make(row) for row in rows)
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc

    @_guard
    def segment_count(self, name: str) -> int:
        cid = self._constituency_id(name)
        row = self._conn.execute(
            "SELECT count(DISTINCT j.value) FROM people p, json_each(p.segments) j "
            "WHERE p.constituency_id = ?", (cid,)).fetchone()
        return int(row[0])

    @_guard
    def person_ids(self, name: str) -> set[str]:
        cid = self._constituency_id(name)
        return {
            pid for (pid,) in self._conn.execute(
                "SELECT id FROM people WHERE constituency_id = ?", (cid,)
            )
        }

    def _ties_at(self, cid: int, pk: int) -> tuple[I64, Ties]:
        """Who has a tie to person ``pk`` (their keys, from ``ties_in``) and the ties ``pk``
        has to others (from ``ties``): two chunk rows, whatever the size of the map."""
        chunk = np.array([pk >> CHUNK_BITS])
        target, source = _decode_pairs(self._fetch_chunks("ties_in", cid, chunk))
        own = _decode_ties(self._fetch_chunks("ties", cid, chunk))
        return source[target == pk], own.take(own.source == pk)

    @_guard
    def delete_person(self, name: str, person_id: str) -> None:
        """Remove a person and every relationship they are part of."""
        with self.transaction():
            cid = self._constituency_id(name)
            pk = self._person_pk(cid, name, person_id)
            incoming, own = self._ties_at(cid, pk)
            outgoing = own.target
            self._remove_pairs(
                cid,
                np.concatenate([incoming, np.full(outgoing.shape[0], pk, dtype=np.int64)]),
                np.concatenate([np.full(incoming.shape[0], pk, dtype=np.int64), outgoing]),
            )
            self._erased = True
            self._conn.execute("DELETE FROM people WHERE pk = ?", (pk,))

    # -- relationships -----------------------------------------------------------------------

    @_guard
    def upsert_relationships(
        self, name: str, relationships: Iterable[Relationship]
    ) -> tuple[int, int, int]:
        """Insert or replace by (source, target); both people must exist (``NotFound``).

        When the input repeats a (source, target), each repetition counts as one row and the
        last one wins.
        """
        with self.transaction():
            counts = self._upsert_ties(self._constituency_id(name), relationships)
        return counts.added, counts.updated, counts.unchanged

    def _upsert_ties(
        self, cid: int, relationships: Iterable[Relationship], *, replace: bool = False
    ) -> TieCounts:
        """Write model relationships row by row in effect (``NotFound`` on a dangling one)."""
        relationships = list(relationships)
        keys = self._person_keys(
            cid, (i for r in relationships for i in (r.source, r.target))
        )
        records = relationship_records(relationships, keys)
        chunks = self._chunk_range(cid)
        total = TieCounts()
        for i, part in enumerate(rounds(records)):
            buckets = _Buckets(RECORD, "source", chunks, 1)
            buckets.add(part)
            total += self._write_ties(cid, buckets, replace=replace and i == 0)
        return total

    def _write_ties(self, cid: int, buckets: _Buckets, *, replace: bool) -> TieCounts:
        """Write the ties of ``buckets`` (bucketed by chunk of source over the constituency's).

        With ``replace`` the constituency's ties become exactly these. Rows repeating a
        (source, target) are merged (see ``collapse``).
        """
        counts = TieCounts()
        incoming = _Buckets(_PAIR, "target", buckets.chunks, buckets.count)
        try:
            if replace:
                # rebuilt from the new ties below; ties of chunks beyond the people left go
                self._conn.execute("DELETE FROM ties_in WHERE constituency_id = ?", (cid,))
                self._conn.execute(
                    "DELETE FROM ties WHERE constituency_id = ? AND chunk NOT BETWEEN ? AND ?",
                    (cid, *buckets.chunks),
                )
            for bucket in range(buckets.count):
                records = buckets.take(bucket)
                if records.shape[0] or replace:
                    self._merge_ties(cid, records, buckets.bucket_range(bucket), counts,
                                     incoming, replace=replace)
            for bucket in range(incoming.count):
                pairs = incoming.take(bucket)
                if pairs.shape[0]:
                    self._merge_incoming(cid, pairs, incoming.bucket_range(bucket),
                                         rebuilt=replace)
        finally:
            incoming.close()
            buckets.close()
        return counts

    def _merge_ties(
        self,
        cid: int,
        records: Records,
        chunks: tuple[int, int],
        counts: TieCounts,
        incoming: _Buckets,
        *,
        replace: bool,
    ) -> None:
        """Merge one bucket of input rows into the ``ties`` chunks of its sources."""
        new = collapse(records, counts) if records.shape[0] else Ties.empty()
        wanted = None if replace else unique_sorted(new.source >> CHUNK_BITS, ordered=True)
        existing = _decode_ties(self._fetch_chunks("ties", cid, wanted, chunks))
        new_key, old_key = new.key, existing.key
        found = np.zeros(len(new), dtype=bool)
        at = np.zeros(len(new), dtype=np.int64)
        if len(existing):
            at = np.minimum(np.searchsorted(old_key, new_key), len(existing) - 1)
            found = old_key[at] == new_key
        same = found & (existing.trust[at] == new.trust) & (existing.since[at] == new.since) \
            if len(existing) else found
        counts.added += int((~found).sum())
        counts.unchanged += int(same.sum())
        counts.updated += int((found & ~same).sum())
        kept = np.ones(len(existing), dtype=bool)
        kept[at[found]] = False
        dirty = new.source[~same]
        if replace:
            result = new
            dirty = np.concatenate([dirty, existing.source[kept]])
            fresh = np.ones(len(new), dtype=bool)  # ties_in is rebuilt from every tie
        else:
            result = Ties.concat([existing.take(kept), new])
            result = result.take(np.argsort(result.key, kind="stable"))
            fresh = ~found
        pairs = np.zeros(int(fresh.sum()), dtype=_PAIR)
        pairs["target"] = new.target[fresh]
        pairs["source"] = new.source[fresh]
        incoming.add(pairs)
        self._rewrite_ties(cid, result, unique_sorted(dirty >> CHUNK_BITS))

    def _rewrite_ties(self, cid: int, ties: Ties, chunks: I64) -> None:
        """Store ``ties`` (sorted) as the whole content of ``chunks`` (of sources)."""
        if not chunks.shape[0]:
            return
        rewritten = ties.take(np.isin(ties.source >> CHUNK_BITS, chunks))
        self._conn.executemany(_TIES_UPSERT, _encode_ties(cid, rewritten))
        emptied = chunks[~np.isin(chunks, rewritten.source >> CHUNK_BITS)]
        self._conn.executemany(
            "DELETE FROM ties WHERE constituency_id = ? AND chunk = ?",
            [(cid, chunk) for chunk in emptied.tolist()],
        )

    def _rewrite_incoming(self, cid: int, key: I64, chunks: I64) -> None:
        """Store (target, source) pair keys (sorted) as the whole content of ``chunks``."""
        if not chunks.shape[0]:
            return
        target = key >> 32
        rewritten = key[np.isin(target >> CHUNK_BITS, chunks)]
        self._conn.executemany(
            _INCOMING_UPSERT, _encode_incoming(cid, rewritten >> 32, rewritten & 0xFFFFFFFF)
        )
        emptied = chunks[~np.isin(chunks, (rewritten >> 32) >> CHUNK_BITS)]
        self._conn.executemany(
            "DELETE FROM ties_in WHERE constituency_id = ? AND chunk = ?",
            [(cid, chunk) for chunk in emptied.tolist()],
        )

    def _merge_incoming(
        self, cid: int, pairs: Records, chunks: tuple[int, int], *, rebuilt: bool
    ) -> None:
        """Add (target, source) pairs to the ``ties_in`` chunks of their targets."""
        key = unique_sorted(pair_keys(pairs["target"], pairs["source"]))
        touched = unique_sorted(key >> (32 + CHUNK_BITS), ordered=True)
        if not rebuilt:
            target, source = _decode_pairs(self._fetch_chunks("ties_in", cid, touched, chunks))
            key = unique_sorted(np.concatenate([key, pair_keys(target, source)]))
        self._rewrite_incoming(cid, key, touched)

    def _fetch_chunks(
        self, table: str, cid: int, wanted: I64 | None, chunks: tuple[int, int] | None = None
    ) -> list[Any]:
        """The rows of ``ties`` or ``ties_in`` for the ``wanted`` chunks (all of ``chunks``
        when ``None``), in chunk order: (source, target, trust, since) or (target, source)."""
        columns = "source, target, trust, since" if table == "ties" else "target, source"
        if wanted is not None:
            if not wanted.shape[0]:
                return []
            chunks = int(wanted[0]), int(wanted[-1])
            if wanted.shape[0] * 4 < chunks[1] - chunks[0] + 1:
                rows: list[Any] = []
                for batch in _batches(wanted.tolist(), 500):
                    marks = ", ".join("?" * len(batch))
                    rows.extend(self._conn.execute(
                        f"SELECT {columns} FROM {table} WHERE constituency_id = ? "
                        f"AND chunk IN ({marks}) ORDER BY chunk",
                        (cid, *batch),
                    ))
                return rows
        if chunks is None:
            return self._conn.execute(
                f"SELECT {columns} FROM {table} WHERE constituency_id = ? ORDER BY chunk", (cid,)
            ).fetchall()
        return self._conn.execute(
            f"SELECT {columns} FROM {table} WHERE constituency_id = ? AND chunk BETWEEN ? AND ? "
            "ORDER BY chunk",
            (cid, *chunks),
        ).fetchall()

    def _remove_pairs(self, cid: int, source: I64, target: I64) -> int:
        """Remove these (source, target) ties where they are recorded; returns how many were."""
        if not source.shape[0]:
            return 0
        gone = unique_sorted(pair_keys(source, target))
        chunks = unique_sorted(source >> CHUNK_BITS)
        ties = _decode_ties(self._fetch_chunks("ties", cid, chunks))
        removed = np.isin(ties.key, gone)
        if not removed.any():
            return 0
        self._rewrite_ties(cid, ties.take(~removed),
                           unique_sorted(ties.source[removed] >> CHUNK_BITS))
        chunks = unique_sorted(target >> CHUNK_BITS)
        pair_target, pair_source = _decode_pairs(self._fetch_chunks("ties_in", cid, chunks))
        key = pair_keys(pair_target, pair_source)
        dropped = np.isin(key, pair_keys(target, source))
        self._rewrite_incoming(cid, key[~dropped],
                               unique_sorted(pair_target[dropped] >> CHUNK_BITS))
        return int(removed.sum())

    @_guard
    def iter_relationships(self, name: str) -> Iterator[Relationship]:
        """Every recorded relationship, by ascending (source, target)."""
        cid = self._constituency_id(name)
        rows = self._conn.execute(
            "SELECT id, pk FROM people WHERE constituency_id = ? ORDER BY id COLLATE BINARY",
            (cid,),
        ).fetchall()
        ids = [r[0] for r in rows]
        pks = np.array([r[1] for r in rows], dtype=np.int64)
        order = python_order(ids)
        if order is not None:
            ids = [ids[i] for i in order]
            pks = pks[order]
        ties = _decode_ties(self._fetch_chunks("ties", cid, None))
        return relationships_in_order(ties, ids, node_lookup(pks))

    @_guard
    def get_relationship(self, name: str, source: str, target: str) -> Relationship:
        """The tie from ``source`` to ``target``, read from the one chunk row holding it."""
        cid = self._constituency_id(name)
        keys = self._person_keys(cid, [source, target])
        if source in keys and target in keys:
            ties = _decode_ties(self._fetch_chunks(
                "ties", cid, np.array([keys[source] >> CHUNK_BITS])))
            which = np.flatnonzero((ties.source == keys[source]) & (ties.target == keys[target]))
            if which.shape[0]:
                return named_relationships(ties.take(which), {keys[source]: source,
                                                              keys[target]: target})[0]
        raise NotFound(
            f"there is no relationship {source!r} → {target!r} in constituency {name!r}")

    @_guard
    def relationships_of(self, name: str, person_id: str) -> list[Relationship]:
        """The ties of one person: their chunk row of ``ties`` (outgoing) and of ``ties_in``
        (who has a tie to them), then the chunk rows of those people for the incoming ties."""
        cid = self._constituency_id(name)
        pk = self._person_pk(cid, name, person_id)
        incoming, own = self._ties_at(cid, pk)
        parts = [own]
        if incoming.shape[0]:
            theirs = _decode_ties(self._fetch_chunks(
                "ties", cid, unique_sorted(incoming >> CHUNK_BITS)))
            parts.append(theirs.take((theirs.target == pk) & np.isin(theirs.source, incoming)))
        ties = Ties.concat(parts)
        pks = unique_sorted(np.concatenate([ties.source, ties.target, [pk]]).astype(np.int64))
        id_of: dict[int, str] = {}
        for batch in _batches(pks.tolist(), 500):
            id_of.update(self._conn.execute(
                f"SELECT pk, id FROM people WHERE pk IN ({', '.join('?' * len(batch))})", batch))
        return named_relationships(ties, id_of)

    @_guard
    def delete_relationship(self, name: str, source: str, target: str) -> None:
        with self.transaction():
            cid = self._constituency_id(name)
            keys = self._person_keys(cid, [source, target])
            if source not in keys or target not in keys or not self._remove_pairs(
                cid, np.array([keys[source]]), np.array([keys[target]])
            ):
                raise NotFound(
                    f"there is no relationship {source!r} → {target!r} in constituency {name!r}"
                )

    # -- bulk --------------------------------------------------------------------------------

    def _ensure_constituency(self, name: str) -> int:
        self._touched.add(name)
        row = self._conn.execute(
            "SELECT id FROM constituencies WHERE name = ?", (name,)
        ).fetchone()
        if row is not None:
            return int(row[0])
        try:
            constituency = Constituency(name=name)
        except ValidationError as exc:
            raise StoreError(validation_message("constituency name", name, exc)) from exc
        cid = self._conn.execute(
            "INSERT INTO constituencies (name, description) VALUES (?, ?)",
            (constituency.name, constituency.description),
        ).lastrowid
        assert cid is not None
        return cid

    @_guard
    def import_records(
        self,
        name: str,
        people: Iterable[Person],
        relationships: Iterable[Relationship],
        *,
        replace: bool = False,
    ) -> ImportSummary:
        """Create the constituency if needed and upsert everything in one transaction.

        Relationships may refer to people of this import or already stored (with ``replace``,
        only to people of this import). Any error leaves the store as it was. Repeated ids or
        (source, target) keys count as one row each and the last one wins, as with the upserts.
        """
        batch = PeopleBatch.of(people)
        with self.transaction():
            cid = self._ensure_constituency(name)
            session = _SQLiteBulkImport(self, cid, replace=replace)
            session.add_people(batch)
            session.person_keys()
            ties = self._upsert_ties(cid, relationships, replace=replace)
            people_counts = session.people_counts
        return ImportSummary(name, *people_counts, ties.added, ties.updated, ties.unchanged)

    @contextmanager
    def bulk_import(
        self, name: str, *, replace: bool = False, expected_ties: int = 0
    ) -> Iterator[_SQLiteBulkImport]:
        """A streaming import in one transaction (see ``graph.stores.base.BulkImport``)."""
        session: _SQLiteBulkImport | None = None
        try:
            with self.transaction():
                session = _SQLiteBulkImport(
                    self, self._ensure_constituency(name), replace=replace,
                    expected_ties=expected_ties,
                )
                yield session
                if not session.finished:
                    raise RuntimeError("a bulk import must end with finish()")
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc
        finally:
            if session is not None:
                session.close()

    # -- the compact graph -------------------------------------------------------------------

    @_guard
    def load_graph(self, name: str) -> CompactGraph:
        """The whole constituency as a compact analysis graph, read column-wise."""
        cid = self._constituency_id(name)
        expected = self.get_constituency(name).expected_segments
        conn = self._conn

        # people, ascending id: BINARY collation compares UTF-8 bytes, the same order as
        # Python's code point comparison of str
        ids: list[str] = []
        names: list[str] = []
        organisations: list[str] = []
        segment_lists: list[str] = []
        numeric: list[I64] = []
        cursor = conn.execute(
            "SELECT id, name, organisation, segments, pk, attrs FROM people "
            "WHERE constituency_id = ? ORDER BY id COLLATE BINARY",
            (cid,),
        )
        while rows := cursor.fetchmany(BATCH_SIZE * 5):
            table = np.array(rows, dtype=object)  # transposes in C, unlike zip(*rows)
            ids.extend(table[:, 0].tolist())
            names.extend(table[:, 1].tolist())
            organisations.extend(table[:, 2].tolist())
            segment_lists.extend(table[:, 3].tolist())
            numeric.append(table[:, 4:].astype(np.int64))
        people = np.concatenate(numeric) if numeric else np.zeros((0, 2), dtype=np.int64)
        # relationships: every ties chunk of the constituency, straight into arrays
        ties = _decode_ties(self._fetch_chunks("ties", cid, None))
        return compact_graph(
            name, expected, ids=ids, names=names, organisations=organisations,
            segments=segment_lists, keys=people[:, 0], attrs=people[:, 1], ties=ties,
            parse_segments=json.loads,
        )


    # -- history (graph.history) -------------------------------------------------------------

    def lock(self, name: str) -> None:
        """Inside a transaction: nothing to do, as ``BEGIN IMMEDIATE`` took the file's write
        lock when the transaction began (``NotFound`` for an unknown map)."""
        assert self._depth, "lock() runs inside transaction()"
        self._constituency_id(name)

    @_guard
    def timeline_records(self, name: str, keys: Iterable[Key]) -> dict[Key, TimelineRecord]:
        """The records of those ``keys`` that have one."""
        cid = self._constituency_id(name)
        found: dict[Key, TimelineRecord] = {}
        for batch in _batches(dict.fromkeys(keys), 300):
            where = " OR ".join(["(kind = ? AND a = ? AND b = ?)"] * len(batch))
            rows = self._conn.execute(
                f"SELECT kind, a, b, version, timeline FROM timelines "
                f"WHERE constituency_id = ? AND ({where})",
                (cid, *(part for key in batch for part in key)),
            )
            for kind, a, b, version, timeline in rows:
                found[(kind, a, b)] = TimelineRecord((kind, a, b), version, timeline)
        return found

    @_guard
    def tie_records_of(self, name: str, person_ids: Iterable[str]) -> dict[Key, TimelineRecord]:
        """The records of every tie from or to one of ``person_ids``."""
        cid = self._constituency_id(name)
        found: dict[Key, TimelineRecord] = {}
        for batch in _batches(dict.fromkeys(person_ids), 500):
            marks = ", ".join("?" * len(batch))
            rows = self._conn.execute(
                f"SELECT kind, a, b, version, timeline FROM timelines WHERE constituency_id = ? "
                f"AND kind = 'tie' AND a IN ({marks}) UNION ALL "
                f"SELECT kind, a, b, version, timeline FROM timelines WHERE constituency_id = ? "
                f"AND kind = 'tie' AND b IN ({marks})",
                (cid, *batch, cid, *batch),
            )
            for kind, a, b, version, timeline in rows:
                found[(kind, a, b)] = TimelineRecord((kind, a, b), version, timeline)
        return found

    @_guard
    def iter_timeline_records(self, name: str, kind: str | None = None
                              ) -> Iterator[TimelineRecord]:
        """Every record of the map (of one ``kind``), by ascending key."""
        cid = self._constituency_id(name)
        cursor = self._conn.execute(
            "SELECT kind, a, b, version, timeline FROM timelines WHERE constituency_id = ?"
            + (" AND kind = ?" if kind else "") + " ORDER BY kind, a, b",
            (cid, kind) if kind else (cid,),
        )
        return self._rows(cursor, lambda r: TimelineRecord((r[0], r[1], r[2]), r[3], r[4]))

    @_guard
    def version_chunks(self, name: str, kind: str, chunks: Iterable[int]) -> dict[int, bytes]:
        """The as-of index blobs of those ``chunks`` of ``kind`` that exist."""
        cid = self._constituency_id(name)
        return _read_versions(self._conn, cid, kind, list(chunks))

    @_guard
    def append_change_set(
        self, name: str, header: ChangeSetHeader, changes: Sequence[StoredChange]
    ) -> int:
        """Record a change set; each change's ``after`` becomes its key's latest timeline
        (``None`` removes the record) with the change set's id as version. Returns that id."""
        with self.transaction():
            cid = self._constituency_id(name)
            return _append_change_set(self._conn, cid, header, changes)

    @_guard
    def change_sets(
        self, name: str, *, person: str | None = None, limit: int = 50,
        before: int | None = None, max_changes: int = 1000,
    ) -> list[ChangeSetRecord]:
        """Change sets, newest first: all of them, or those about ``person`` (them or a tie of
        theirs, and then only those changes); ``before`` an id pages back."""
        cid = self._constituency_id(name)
        where = ["s.constituency_id = ?"]
        params: list[Any] = [cid]
        if before is not None:
            where.append("s.id < ?")
            params.append(before)
        if person is not None:
            where.append(
                "s.id IN (SELECT change_set_id FROM changes WHERE constituency_id = ? AND a = ? "
                "AND kind IN ('person', 'tie') UNION SELECT change_set_id FROM changes "
                "WHERE constituency_id = ? AND b = ? AND kind = 'tie')")
            params += [cid, person, cid, person]
        rows = self._conn.execute(
            "SELECT s.id, s.recorded_at, s.by, s.via, s.summary, s.undoes, "
            "(SELECT max(u.id) FROM change_sets u WHERE u.undoes = s.id) "
            f"FROM change_sets s WHERE {' AND '.join(where)} ORDER BY s.id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [self._change_set(cid, row, person, max_changes) for row in rows]

    def _change_set(self, cid: int, row: Sequence[Any], person: str | None,
                    max_changes: int | None) -> ChangeSetRecord:
        about = ""
        params: list[Any] = [row[0]]
        if person is not None:
            about = (" AND ((a = ? AND kind IN ('person', 'tie')) OR (b = ? AND kind = 'tie'))")
            params += [person, person]
        count = self._conn.execute(
            f"SELECT count(*) FROM changes WHERE change_set_id = ?{about}", params
        ).fetchone()[0]
        limit = "" if max_changes is None else f" LIMIT {int(max_changes)}"
        changes = tuple(
            StoredChange((kind, a, b), before, after)
            for kind, a, b, before, after in self._conn.execute(
                f"SELECT kind, a, b, before, after FROM changes WHERE change_set_id = ?{about} "
                f"ORDER BY seq{limit}", params)
        )
        header = ChangeSetHeader(datetime.fromisoformat(row[1]), row[2], row[3], row[4], row[5])
        return ChangeSetRecord(row[0], header, changes, int(count), row[6])

    @_guard
    def get_change_set(self, name: str, change_set_id: int) -> ChangeSetRecord:
        """One change set with all its changes (``NotFound`` when the map has no such one)."""
        cid = self._constituency_id(name)
        row = self._conn.execute(
            "SELECT s.id, s.recorded_at, s.by, s.via, s.summary, s.undoes, "
            "(SELECT max(u.id) FROM change_sets u WHERE u.undoes = s.id) "
            "FROM change_sets s WHERE s.constituency_id = ? AND s.id = ?",
            (cid, change_set_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no change set {change_set_id} in constituency {name!r}")
        return self._change_set(cid, row, None, None)


class _SQLiteBulkImport:
    """``BulkImport`` for ``SQLiteStore`` (see ``graph.stores.base.BulkImport``)."""

    def __init__(
        self, store: SQLiteStore, cid: int, *, replace: bool, expected_ties: int = 0
    ) -> None:
        self._store = store
        self._cid = cid
        self._replace = replace
        self._buckets_wanted = max(1, min(expected_ties // TIES_PER_BUCKET, 4096))
        self._people_before = store._count_people(cid)
        self.existing_people = 0 if replace else self._people_before
        self._people_total = 0
        self._people_changed = 0
        self._imported_ids: set[str] | None = set() if replace else None
        self.people_counts = (0, 0, 0)
        self._ties: _Buckets | None = None
        self.finished = False

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store._conn

    def add_people(self, batch: PeopleBatch) -> None:
        if self._ties is not None:
            raise RuntimeError("people come before person_keys()")
        self._people_changed += self._store._write_people(self._cid, batch)
        self._people_total += len(batch)
        if self._imported_ids is not None:
            self._imported_ids.update(batch.ids)

    def person_keys(self) -> dict[str, int]:
        if self._ties is not None:
            raise RuntimeError("person_keys() is called once")
        added = self._store._count_people(self._cid) - self._people_before
        self.people_counts = (added, self._people_changed - added,
                              self._people_total - self._people_changed)
        keys: dict[str, int] = dict(self._conn.execute(
            "SELECT id, pk FROM people WHERE constituency_id = ?", (self._cid,)
        ))
        if self._imported_ids is not None:
            imported = self._imported_ids
            self._store._delete_people([pk for i, pk in keys.items() if i not in imported])
            keys = {i: pk for i, pk in keys.items() if i in imported}
            self._imported_ids = None
        self._ties = _Buckets(RECORD, "source", self._store._chunk_range(self._cid),
                              self._buckets_wanted)
        return keys

    def add_ties(self, batch: TiesBatch) -> None:
        if self._ties is None:
            raise RuntimeError("call person_keys() before add_ties()")
        records = ties_records(batch)
        self._ties.add(records)

    def finish(self) -> BulkResult:
        if self._ties is None:
            self.person_keys()
        assert self._ties is not None
        ties = self._store._write_ties(self._cid, self._ties, replace=self._replace)
        self.finished = True
        name = self._conn.execute(
            "SELECT name FROM constituencies WHERE id = ?", (self._cid,)
        ).fetchone()[0]
        summary = ImportSummary(name, *self.people_counts, ties.added, ties.updated,
                                ties.unchanged)
        return BulkResult(summary, ties.merged, ties.first_merged)

    def close(self) -> None:
        if self._ties is not None:
            self._ties.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (none of ours has ';' inside a literal)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
