"""The embedded store: one SQLite file holds many constituencies (the default store).

URLs: ``sqlite:///relative/path.db`` (relative to the working directory),
``sqlite:////absolute/path.db`` or ``sqlite:///:memory:``.

Design notes:

* The schema is versioned: ``meta.schema_version`` records how many of ``MIGRATIONS`` have been
  applied; opening a store applies the missing ones in order, and a file written by a newer
  movemap is refused rather than damaged.
* People get an integer key ``pk``; relationships refer to people by it, so a tie costs two
  integers and removing a person removes their ties by ``ON DELETE CASCADE``. The direction of a
  relationship is kept (``recruited`` means the source brought the target in).
* Upserts are one ``INSERT … ON CONFLICT DO UPDATE … WHERE <a column differs>`` per row, so an
  identical row is not written and ``changes()`` counts exactly the added and updated rows; no
  table is loaded into Python to compare.
* ``load_graph`` reads columns straight into numpy arrays (no ``Person`` per row) and builds the
  ``CompactGraph`` with ``from_arrays``.

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

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import wraps
from itertools import islice
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np
from pydantic import ValidationError

from graph.compact import NO_DATE, CompactGraph
from graph.errors import NotFound, StoreError
from graph.model import (
    GROUPS,
    TRUST_TYPES,
    Constituency,
    Engagement,
    Person,
    Relationship,
    Role,
    normalise_segment,
)
from graph.stores.base import ConstituencySummary, ImportSummary

__all__ = ["BATCH_SIZE", "MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore"]

BATCH_SIZE = 10_000
"""Rows sent to SQLite per ``executemany`` call."""

_APPLICATION_ID = 0x6D6D6170  # "mmap": marks a SQLite file as a movemap store

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
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
    """,
)
"""Schema migrations in order; migration ``i`` takes the schema from version ``i`` to ``i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)

_P = ParamSpec("_P")
_T = TypeVar("_T")

_PERSON_COLUMNS = (
    "id", "name", '"group"', "other_groups", "organisation", "segments", "formal_power",
    "informal_power", "lived_experience", "engagement", "role", "joined",
)
_REL_VALUE_COLUMNS = ("relational", "functional", "flow_of_value", "recruited", "since")


def _sql_case(column: str, mapping: Sequence[tuple[str, int]], default: int) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {value}" for code, value in mapping)
    return f"(CASE {column} {whens} ELSE {default} END)"


_GROUP_INDEX_SQL = _sql_case('"group"', [(g.value, g.index) for g in GROUPS], -1)
_MEMBER_OF_SQL = " | ".join(
    [f"(1 << {_GROUP_INDEX_SQL})"]
    + [f"(CASE WHEN instr(other_groups, '\"{g.value}\"') THEN {1 << g.index} ELSE 0 END)"
       for g in GROUPS]
)
_ENGAGEMENT_SQL = _sql_case("engagement", [(e.value, e.rank) for e in Engagement], 0)
_ROLE_SQL = _sql_case("role", [(r.value, r.index) for r in Role], -1)


def _day_sql(column: str) -> str:
    """Days since 1970-01-01 of an ISO date column, ``NO_DATE`` when NULL."""
    return f"COALESCE(CAST(julianday({column}) - 2440587.5 AS INTEGER), {NO_DATE})"


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


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _person_row(p: Person) -> tuple[Any, ...]:
    return (
        p.id,
        p.name,
        p.group.value,
        json.dumps([g.value for g in p.other_groups]) if p.other_groups else "[]",
        p.organisation,
        json.dumps(list(p.segments), ensure_ascii=False) if p.segments else "[]",
        p.formal_power,
        p.informal_power,
        int(p.lived_experience),
        p.engagement.value,
        None if p.role is None else p.role.value,
        _iso(p.joined),
    )


def _relationship_row(r: Relationship) -> tuple[Any, ...]:
    return (
        r.source,
        r.target,
        r.relational,
        r.functional,
        r.flow_of_value,
        int(r.recruited),
        _iso(r.since),
    )


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


def _relationship_from_row(row: Sequence[Any]) -> Relationship:
    return Relationship(
        source=row[0],
        target=row[1],
        relational=row[2],
        functional=row[3],
        flow_of_value=row[4],
        recruited=bool(row[5]),
        since=None if row[6] is None else date.fromisoformat(row[6]),
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


class SQLiteStore:
    """A ``GraphStore`` in one SQLite file (or in memory).

    Every public write runs in a transaction; ``transaction()`` groups several of them.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        path = _parse_url(url)
        self.path = path if path == ":memory:" else str(Path(path).absolute())
        self._depth = 0
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
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see ``transaction``).
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.url!r}: {exc}") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
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
                for statement in _statements(MIGRATIONS[target - 1]):
                    self._conn.execute(statement)
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
            conn.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            if depth == 0 and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(self._describe(exc)) from exc

    # -- constituencies ----------------------------------------------------------------------

    def _constituency_id(self, name: str) -> int:
        row = self._conn.execute("SELECT id FROM constituencies WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"there is no constituency named {name!r}")
        return int(row[0])

    @_guard
    def list_constituencies(self) -> list[ConstituencySummary]:
        rows = self._conn.execute(
            """
            SELECT c.name, c.description,
                   (SELECT count(*) FROM people p WHERE p.constituency_id = c.id),
                   (SELECT count(*) FROM people p JOIN relationships r ON r.source_pk = p.pk
                     WHERE p.constituency_id = c.id),
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
            cid = self._conn.execute(
                "INSERT INTO constituencies (name, description) VALUES (?, ?)",
                (constituency.name, constituency.description),
            ).lastrowid
            assert cid is not None
            self._write_expected(cid, constituency.expected_segments, replace=True)

    @_guard
    def delete_constituency(self, name: str) -> None:
        with self.transaction():
            cid = self._constituency_id(name)
            # people first, so relationships go by cascade per person rather than one by one
            self._conn.execute(
                "DELETE FROM relationships WHERE source_pk IN "
                "(SELECT pk FROM people WHERE constituency_id = ?)",
                (cid,),
            )
            self._conn.execute("DELETE FROM constituencies WHERE id = ?", (cid,))

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

    # -- people and relationships ------------------------------------------------------------

    @_guard
    def upsert_people(self, name: str, people: Iterable[Person]) -> tuple[int, int, int]:
        """Insert or replace people by id; returns (added, updated, unchanged).

        When the input repeats an id, each repetition counts as one row and the last one wins.
        """
        with self.transaction():
            return self._upsert_people(self._constituency_id(name), people)

    @_guard
    def upsert_relationships(
        self, name: str, relationships: Iterable[Relationship]
    ) -> tuple[int, int, int]:
        """Insert or replace by (source, target); both people must exist (``NotFound``)."""
        with self.transaction():
            return self._upsert_relationships(self._constituency_id(name), relationships)

    def _count_people(self, cid: int) -> int:
        return int(self._conn.execute(
            "SELECT count(*) FROM people WHERE constituency_id = ?", (cid,)
        ).fetchone()[0])

    def _count_relationships(self, cid: int) -> int:
        return int(self._conn.execute(
            "SELECT count(*) FROM people p JOIN relationships r ON r.source_pk = p.pk "
            "WHERE p.constituency_id = ?",
            (cid,),
        ).fetchone()[0])

    def _upsert_people(self, cid: int, people: Iterable[Person]) -> tuple[int, int, int]:
        before = self._count_people(cid)
        columns = ", ".join(_PERSON_COLUMNS)
        marks = ", ".join("?" * len(_PERSON_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in _PERSON_COLUMNS[1:])
        differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in _PERSON_COLUMNS[1:])
        sql = (
            f"INSERT INTO people (constituency_id, {columns}) VALUES (?, {marks}) "
            f"ON CONFLICT (constituency_id, id) DO UPDATE SET {updates} WHERE {differs}"
        )
        total = changed = 0
        for batch in _batches(people):
            cursor = self._conn.executemany(sql, [(cid, *_person_row(p)) for p in batch])
            changed += max(cursor.rowcount, 0)
            total += len(batch)
        added = self._count_people(cid) - before
        return added, changed - added, total - changed

    def _stage_relationships(self, relationships: Iterable[Relationship]) -> int:
        """Put the input into a temporary table (ids as text); returns the row count."""
        self._conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stage_relationships (seq INTEGER PRIMARY KEY, "
            "source TEXT, target TEXT, relational INT, functional INT, flow_of_value INT, "
            "recruited INT, since TEXT)"
        )
        self._conn.execute("DELETE FROM temp.stage_relationships")
        sql = (
            "INSERT INTO temp.stage_relationships (source, target, relational, functional, "
            "flow_of_value, recruited, since) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        total = 0
        for batch in _batches(relationships):
            self._conn.executemany(sql, [_relationship_row(r) for r in batch])
            total += len(batch)
        return total

    def _upsert_relationships(
        self, cid: int, relationships: Iterable[Relationship], *, replace: bool = False
    ) -> tuple[int, int, int]:
        total = self._stage_relationships(relationships)
        try:
            dangling = self._conn.execute(
                """
                SELECT s.source, s.target, ps.pk IS NULL FROM temp.stage_relationships s
                LEFT JOIN people ps ON ps.constituency_id = ?1 AND ps.id = s.source
                LEFT JOIN people pt ON pt.constituency_id = ?1 AND pt.id = s.target
                WHERE ps.pk IS NULL OR pt.pk IS NULL ORDER BY s.seq LIMIT 1
                """,
                (cid,),
            ).fetchone()
            if dangling is not None:
                source, target, source_missing = dangling
                missing = source if source_missing else target
                raise NotFound(
                    f"relationship {source!r} → {target!r}: there is no person {missing!r} "
                    "in the constituency"
                )
            if replace:
                self._conn.execute(
                    """
                    DELETE FROM relationships
                    WHERE source_pk IN (SELECT pk FROM people WHERE constituency_id = ?1)
                      AND (source_pk, target_pk) NOT IN (
                          SELECT ps.pk, pt.pk FROM temp.stage_relationships s
                          JOIN people ps ON ps.constituency_id = ?1 AND ps.id = s.source
                          JOIN people pt ON pt.constituency_id = ?1 AND pt.id = s.target)
                    """,
                    (cid,),
                )
            before = self._count_relationships(cid)
            values = ", ".join(_REL_VALUE_COLUMNS)
            updates = ", ".join(f"{c} = excluded.{c}" for c in _REL_VALUE_COLUMNS)
            differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in _REL_VALUE_COLUMNS)
            cursor = self._conn.execute(
                f"""
                INSERT INTO relationships (source_pk, target_pk, {values})
                SELECT ps.pk, pt.pk, {", ".join(f"s.{c}" for c in _REL_VALUE_COLUMNS)}
                FROM temp.stage_relationships s
                JOIN people ps ON ps.constituency_id = ?1 AND ps.id = s.source
                JOIN people pt ON pt.constituency_id = ?1 AND pt.id = s.target
                WHERE true ORDER BY ps.pk, pt.pk, s.seq
                ON CONFLICT (source_pk, target_pk) DO UPDATE SET {updates} WHERE {differs}
                """,
                (cid,),
            )
            changed = max(cursor.rowcount, 0)
            added = self._count_relationships(cid) - before
            return added, changed - added, total - changed
        finally:
            self._conn.execute("DELETE FROM temp.stage_relationships")

    def _delete_people_not_in(self, cid: int, people: Sequence[Person]) -> None:
        """Remove the constituency's people (and so their ties) whose ids are not in ``people``."""
        self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_ids (id TEXT PRIMARY KEY)")
        self._conn.execute("DELETE FROM temp.stage_ids")
        try:
            for batch in _batches(people):
                self._conn.executemany(
                    "INSERT OR IGNORE INTO temp.stage_ids (id) VALUES (?)", [(p.id,) for p in batch]
                )
            self._conn.execute(
                "DELETE FROM people WHERE constituency_id = ? "
                "AND id NOT IN (SELECT id FROM temp.stage_ids)",
                (cid,),
            )
        finally:
            self._conn.execute("DELETE FROM temp.stage_ids")

    def _person_pk(self, cid: int, name: str, person_id: str) -> int:
        row = self._conn.execute(
            "SELECT pk FROM people WHERE constituency_id = ? AND id = ?", (cid, person_id)
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no person {person_id!r} in constituency {name!r}")
        return int(row[0])

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

    @_guard
    def iter_relationships(self, name: str) -> Iterator[Relationship]:
        """Every recorded relationship, by ascending (source, target)."""
        cid = self._constituency_id(name)
        cursor = self._conn.execute(
            f"""
            SELECT ps.id, pt.id, {", ".join(f"r.{c}" for c in _REL_VALUE_COLUMNS)}
            FROM people ps JOIN relationships r ON r.source_pk = ps.pk
            JOIN people pt ON pt.pk = r.target_pk
            WHERE ps.constituency_id = ? ORDER BY ps.id, pt.id
            """,
            (cid,),
        )
        return self._rows(cursor, _relationship_from_row)

    def _rows(
        self, cursor: sqlite3.Cursor, make: Callable[[Sequence[Any]], _T]
    ) -> Iterator[_T]:
        try:
            while rows := cursor.fetchmany(BATCH_SIZE):
                yield from (make(row) for row in rows)
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc

    @_guard
    def person_ids(self, name: str) -> set[str]:
        cid = self._constituency_id(name)
        return {
            pid for (pid,) in self._conn.execute(
                "SELECT id FROM people WHERE constituency_id = ?", (cid,)
            )
        }

    @_guard
    def delete_person(self, name: str, person_id: str) -> None:
        """Remove a person and every relationship they are part of (by cascade)."""
        with self.transaction():
            pk = self._person_pk(self._constituency_id(name), name, person_id)
            self._conn.execute("DELETE FROM people WHERE pk = ?", (pk,))

    @_guard
    def delete_relationship(self, name: str, source: str, target: str) -> None:
        with self.transaction():
            cid = self._constituency_id(name)
            cursor = self._conn.execute(
                """
                DELETE FROM relationships
                WHERE source_pk = (SELECT pk FROM people WHERE constituency_id = ?1 AND id = ?2)
                  AND target_pk = (SELECT pk FROM people WHERE constituency_id = ?1 AND id = ?3)
                """,
                (cid, source, target),
            )
            if cursor.rowcount == 0:
                raise NotFound(
                    f"there is no relationship {source!r} → {target!r} in constituency {name!r}"
                )

    # -- bulk --------------------------------------------------------------------------------

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
        only to people of this import). Any error leaves the store as it was.
        """
        people = list(people)
        with self.transaction():
            row = self._conn.execute(
                "SELECT id FROM constituencies WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                try:
                    constituency = Constituency(name=name)
                except ValidationError as exc:
                    raise StoreError(_validation_message("constituency name", name, exc)) from exc
                cid = self._conn.execute(
                    "INSERT INTO constituencies (name, description) VALUES (?, ?)",
                    (constituency.name, constituency.description),
                ).lastrowid
                assert cid is not None
            else:
                cid = int(row[0])
            if replace:
                self._delete_people_not_in(cid, people)
            p_added, p_updated, p_unchanged = self._upsert_people(cid, people)
            r_added, r_updated, r_unchanged = self._upsert_relationships(
                cid, relationships, replace=replace
            )
        return ImportSummary(
            constituency=name,
            people_added=p_added,
            people_updated=p_updated,
            people_unchanged=p_unchanged,
            relationships_added=r_added,
            relationships_updated=r_updated,
            relationships_unchanged=r_unchanged,
        )

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
        numeric: list[np.ndarray[Any, Any]] = []
        cursor = conn.execute(
            f"""
            SELECT id, name, organisation, pk, {_GROUP_INDEX_SQL}, {_MEMBER_OF_SQL},
                   formal_power, informal_power, lived_experience, {_ENGAGEMENT_SQL},
                   {_ROLE_SQL}, {_day_sql("joined")}
            FROM people WHERE constituency_id = ? ORDER BY id COLLATE BINARY
            """,
            (cid,),
        )
        while rows := cursor.fetchmany(BATCH_SIZE):
            columns = list(zip(*rows, strict=True))
            ids.extend(columns[0])
            names.extend(columns[1])
            organisations.extend(columns[2])
            numeric.append(np.array(columns[3:], dtype=np.int64).T)
        n = len(ids)
        people = np.concatenate(numeric) if numeric else np.zeros((0, 9), dtype=np.int64)
        order = _python_order(ids)
        if order is not None:
            ids = [ids[i] for i in order]
            names = [names[i] for i in order]
            organisations = [organisations[i] for i in order]
            people = people[order]
        pks = people[:, 0]
        pk_order = np.argsort(pks, kind="stable")
        sorted_pks = pks[pk_order]

        def node_of(pk_values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            return pk_order[np.searchsorted(sorted_pks, pk_values)]

        # segments: (person, segment) pairs in each person's stored order
        seg_pk: list[int] = []
        seg_text: list[str] = []
        for pk, segment in conn.execute(
            """
            SELECT p.pk, j.value FROM people p, json_each(p.segments) j
            WHERE p.constituency_id = ? AND p.segments <> '[]' ORDER BY p.pk, j.key
            """,
            (cid,),
        ):
            seg_pk.append(pk)
            seg_text.append(segment)
        segment_names = sorted(set(seg_text))
        seg_index = {s: i for i, s in enumerate(segment_names)}
        seg_node = node_of(np.array(seg_pk, dtype=np.int64)) if seg_pk else np.zeros(0, np.int64)
        seg_ids = np.fromiter((seg_index[s] for s in seg_text), dtype=np.int32, count=len(seg_text))
        by_node = np.argsort(seg_node, kind="stable")
        segment_indices = seg_ids[by_node]
        segment_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(seg_node, minlength=n), out=segment_indptr[1:])

        # relationships, any order (from_arrays merges them into ties)
        chunks: list[np.ndarray[Any, Any]] = []
        cursor = conn.execute(
            f"""
            SELECT r.source_pk, r.target_pk, r.relational, r.functional, r.flow_of_value,
                   r.recruited, {_day_sql("r.since")}
            FROM people p JOIN relationships r ON r.source_pk = p.pk
            WHERE p.constituency_id = ?
            """,
            (cid,),
        )
        while rows := cursor.fetchmany(BATCH_SIZE * 10):
            chunks.append(np.array(rows, dtype=np.int64))
        rels = np.concatenate(chunks) if chunks else np.zeros((0, 7), dtype=np.int64)

        return CompactGraph.from_arrays(
            name=name,
            ids=ids,
            names=names,
            organisations=organisations,
            group=people[:, 1].astype(np.int8),
            member_of=people[:, 2].astype(np.uint8),
            segment_names=segment_names,
            segment_indptr=segment_indptr,
            segment_indices=segment_indices,
            formal_power=people[:, 3].astype(np.int8),
            informal_power=people[:, 4].astype(np.int8),
            lived_experience=people[:, 5].astype(bool),
            engagement=people[:, 6].astype(np.int8),
            declared_role=people[:, 7].astype(np.int8),
            joined=people[:, 8].astype(np.int32),
            rel_source=node_of(rels[:, 0]),
            rel_target=node_of(rels[:, 1]),
            rel_strength={
                t.value: rels[:, 2 + i].astype(np.int8) for i, t in enumerate(TRUST_TYPES)
            },
            rel_recruited=rels[:, 5].astype(bool),
            rel_since=rels[:, 6].astype(np.int32),
            expected_segments=expected,
        )


def _python_order(ids: list[str]) -> list[int] | None:
    """``None`` when ``ids`` is already in Python's ascending order, else the sorting order.

    SQLite's BINARY order of UTF-8 equals Python's code point order, so this is a safety net
    (e.g. for ids holding characters that UTF-8 cannot encode the usual way).
    """
    if all(a < b for a, b in zip(ids, ids[1:], strict=False)):
        return None
    return sorted(range(len(ids)), key=ids.__getitem__)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (none of ours has ';' inside a literal)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _validation_message(what: str, value: str, exc: ValidationError) -> str:
    reasons = "; ".join(
        str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors()
    )
    return f"{what} {value!r} is not valid: {reasons}"

