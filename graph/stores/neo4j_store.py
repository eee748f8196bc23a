"""The Neo4j store: constituencies in a Neo4j 5 database, for shared and larger deployments.

URLs: ``neo4j://HOST:PORT``, ``bolt://HOST:PORT``, ``neo4j+s://HOST`` (also ``+ssc`` and the
``bolt+`` forms). Credentials come from ``MOVEMAP_NEO4J_USER`` and ``MOVEMAP_NEO4J_PASSWORD``
(none: a server with authentication off), the database from ``MOVEMAP_NEO4J_DATABASE`` (none:
the server's default). ``neo4j://user:password@host:7687?database=maps`` overrides them, which
``movemap copy`` between two servers needs; the password never appears in ``store.url``.

The graph model (schema version 1), created on first use::

    (:Constituency {name, description, expected_segments: [str], next_key: int, revision: int})
    (:Person {constituency, id, key, name, group, other_groups: [str], organisation,
              segments: [str], formal_power, informal_power, lived_experience: bool,
              engagement, role?, joined?: date})
    (:Person)-[:TIE {relational, functional, flow_of_value, recruited: bool, since?: date}]
        ->(:Person)
    (:MovemapSchema {id: "movemap", version: int, revision: int})

* A person belongs to the constituency named by ``constituency``; ``(constituency, id)`` and
  ``(constituency, key)`` are unique (constraints, which also index them). ``key`` is a small
  integer given when the person is created (``Constituency.next_key`` hands them out); ties are
  written and read by key, so bulk work never compares strings.
* Codes are the code names of ``graph.model`` (``group: "people"``, ``engagement: "aware"``); a
  strength is 0-3; ``role`` and ``joined`` (``since``) are absent when not recorded.
* ``revision``: a constituency's goes up by one with every committed write to it (caches of
  analyses key on it). A transaction locks a constituency's node before its first write to
  it, and only the constituencies it writes: writers to different maps never wait for each
  other, and writers to one map queue there rather than deadlock.
  The schema node's is above every revision a deleted constituency had: a map made again
  starts above it, so a revision never repeats for a name.

Transactions: every public write is one Neo4j transaction; ``transaction()`` groups several.
Neo4j has no savepoints, so a nested ``transaction()`` block that fails after it wrote dooms
the outer one: everything is rolled back and the outer block ends with ``StoreError``. Writes
check what could fail (unknown people, constituencies, names) before they write, so the usual
errors leave the outer transaction usable, as the contract tests pin down.

Bulk imports compare in numpy: people and ties already stored are read by key, merged with the
input as the CSV import documents (``graph.stores.arrays``), and only rows that change are
written, in ``UNWIND`` batches of column lists. A whole import is one transaction, so the
Neo4j server's heap must hold it (a 4 GB heap for a million ties; see the README).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import neo4j
import numpy as np
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
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
from graph.model import Constituency, Person, Relationship, normalise_segment
from graph.stores import versions
from graph.stores.arrays import (
    I64,
    RECORD,
    Records,
    TieCounts,
    Ties,
    check_ends,
    collapse,
    compact_graph,
    named_relationships,
    node_lookup,
    people_attrs,
    python_order,
    relationship_records,
    relationships_in_order,
    rounds,
    ties_records,
    validation_message,
)
from graph.stores.base import (
    BulkResult,
    ConstituencySummary,
    ImportSummary,
    PeopleBatch,
    TiesBatch,
    redact_url,
)

__all__ = ["NEO4J_SCHEMES", "SCHEMA_VERSION", "WRITE_BATCH", "Neo4jStore"]

NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})

SCHEMA_VERSION = 3
"""Version of the graph model this movemap writes (see the module notes): 2 adds the history
(``Timeline``, ``ChangeSet`` and ``Change`` nodes), 3 its as-of index (``Versions`` nodes)."""

_RETIRE_REVISION = (
    "MATCH (c:Constituency {name: $name}) "
    "MERGE (m:MovemapSchema {id: 'movemap'}) "
    "ON CREATE SET m.version = $version, m.revision = 0 "
    "SET m.revision = CASE WHEN c.revision > m.revision THEN c.revision "
    "ELSE m.revision END + 1 "
)
"""The start of a query that takes the map ``$name`` (``c``) off its name: the schema node's
revision (``m``) moves above the map's, so whatever takes the name next starts above it."""

WRITE_BATCH = 20_000
"""Rows per ``UNWIND`` query."""

READ_PARTS = 3
"""A whole map's ties are read as this many key ranges at once (see ``_read_in_parts``)."""

SCHEMA_STATEMENTS = (
    "CREATE CONSTRAINT movemap_schema_id IF NOT EXISTS "
    "FOR (m:MovemapSchema) REQUIRE m.id IS UNIQUE",
    "CREATE CONSTRAINT movemap_constituency_name IF NOT EXISTS "
    "FOR (c:Constituency) REQUIRE c.name IS UNIQUE",
    "CREATE CONSTRAINT movemap_person_id IF NOT EXISTS "
    "FOR (p:Person) REQUIRE (p.constituency, p.id) IS UNIQUE",
    "CREATE CONSTRAINT movemap_person_key IF NOT EXISTS "
    "FOR (p:Person) REQUIRE (p.constituency, p.key) IS UNIQUE",
    "CREATE CONSTRAINT movemap_timeline_key IF NOT EXISTS "
    "FOR (t:Timeline) REQUIRE (t.constituency, t.kind, t.a, t.b) IS UNIQUE",
    "CREATE INDEX movemap_timeline_target IF NOT EXISTS "
    "FOR (t:Timeline) ON (t.constituency, t.kind, t.b)",
    "CREATE CONSTRAINT movemap_change_set_id IF NOT EXISTS "
    "FOR (s:ChangeSet) REQUIRE s.id IS UNIQUE",
    "CREATE INDEX movemap_change_set_map IF NOT EXISTS "
    "FOR (s:ChangeSet) ON (s.constituency, s.id)",
    "CREATE INDEX movemap_change_set_undoes IF NOT EXISTS FOR (s:ChangeSet) ON (s.undoes)",
    "CREATE INDEX movemap_change_set IF NOT EXISTS FOR (c:Change) ON (c.change_set)",
    "CREATE INDEX movemap_change_source IF NOT EXISTS FOR (c:Change) ON (c.constituency, c.a)",
    "CREATE INDEX movemap_change_target IF NOT EXISTS FOR (c:Change) ON (c.constituency, c.b)",
    "CREATE CONSTRAINT movemap_versions_key IF NOT EXISTS "
    "FOR (v:Versions) REQUIRE (v.constituency, v.kind, v.chunk) IS UNIQUE",
)
"""Constraints (each backed by an index) created on first use; ``IF NOT EXISTS`` makes them
safe to run from every process that opens the store."""

_P = ParamSpec("_P")
_T = TypeVar("_T")

# What a query returns of a person, in ``PeopleBatch`` field order (role and joined as "").
_PERSON_FIELDS = (
    "p.id, coalesce(p.name, ''), coalesce(p.group, ''), coalesce(p.other_groups, []), "
    "coalesce(p.organisation, ''), coalesce(p.segments, []), coalesce(p.formal_power, 0), "
    "coalesce(p.informal_power, 0), toInteger(coalesce(p.lived_experience, false)), "
    "coalesce(p.engagement, 'unengaged'), coalesce(p.role, ''), "
    "coalesce(toString(p.joined), '')"
)
_PERSON_COLUMNS = ("ids", "names", "groups", "other_groups", "organisations", "segments",
                   "formal_power", "informal_power", "lived_experience", "engagement", "roles",
                   "joined")
# A person's properties from the column lists of a batch, row ``i``.
_PERSON_PROPS = (
    "p.name = $names[i], p.group = $groups[i], p.other_groups = $other_groups[i], "
    "p.organisation = $organisations[i], p.segments = $segments[i], "
    "p.formal_power = $formal_power[i], p.informal_power = $informal_power[i], "
    "p.lived_experience = $lived_experience[i], p.engagement = $engagement[i], "
    "p.role = $roles[i], p.joined = $joined[i]"
)
# A tie's packed trust byte and its date as days after 1970-01-01, as ``Ties`` holds them.
_TRUST_CYPHER = (
    "coalesce(t.relational, 0) + 4 * coalesce(t.functional, 0) "
    "+ 16 * coalesce(t.flow_of_value, 0) + CASE WHEN t.recruited THEN 64 ELSE 0 END"
)
_SINCE_CYPHER = (
    f"CASE WHEN t.since IS NULL THEN {NO_DATE} "
    "ELSE duration.inDays(date('1970-01-01'), t.since).days END"
)
# A tie's properties from the column lists ``trust`` and ``since`` (days), row ``i``.
_TIE_PROPS = (
    "t.relational = $trust[i] % 4, t.functional = ($trust[i] / 4) % 4, "
    "t.flow_of_value = ($trust[i] / 16) % 4, t.recruited = $trust[i] >= 64, "
    f"t.since = CASE WHEN $since[i] = {NO_DATE} THEN null "
    "ELSE date('1970-01-01') + duration({days: $since[i]}) END"
)
_GROUP_BY = 4096
"""Reads collect rows in lists per this many person keys: a few big records decode far faster
than a record per row."""


def _guard(method: Callable[Concatenate[Neo4jStore, _P], _T]) -> Callable[
    Concatenate[Neo4jStore, _P], _T
]:
    """Turn the driver's errors (server down, credentials, memory…) into ``StoreError``."""

    @wraps(method)
    def wrapper(self: Neo4jStore, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(self, *args, **kwargs)
        except (Neo4jError, DriverError) as exc:
            raise StoreError(_describe(self.url, exc)) from exc

    return wrapper


def _describe(url: str, exc: Exception) -> str:
    """A plain sentence for a driver error, naming the store and what to do."""
    if isinstance(exc, AuthError):
        return (f"the Neo4j server at {url!r} refused the credentials; set "
                "MOVEMAP_NEO4J_USER and MOVEMAP_NEO4J_PASSWORD")
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return (f"cannot reach the Neo4j server at {url!r}: is it running, and is the "
                f"address right? ({exc})")
    code = str(getattr(exc, "code", "") or "")
    message = str(getattr(exc, "message", "") or exc)
    if "MemoryPoolOutOfMemoryError" in code or "OutOfMemory" in code:
        return (f"the Neo4j server at {url!r} ran out of memory for this transaction; nothing "
                "was written. Give it a bigger heap (server.memory.heap.max_size, see the "
                f"README) or import in smaller parts. ({message})")
    if "DatabaseNotFound" in code:
        return (f"the Neo4j server at {url!r} has no such database; check "
                f"MOVEMAP_NEO4J_DATABASE ({message})")
    if "Transient" in code:
        return (f"the Neo4j store {url!r} is busy (another writer holds what this write "
                f"needs); try again in a moment ({message})")
    return f"the Neo4j store {url!r} failed: {message}"


# -- connections ---------------------------------------------------------------------------------


class _Target:
    """Where and as whom to connect, parsed from a store URL and the environment."""

    def __init__(self, url: str) -> None:
        if not isinstance(url, str):
            raise StoreError(f"store URL {type(url).__name__} is not a text")
        shown = redact_url(url)  # messages never show a password
        parts = urlsplit(url)
        if parts.scheme not in NEO4J_SCHEMES:
            raise StoreError(f"store URL {shown!r} is not a Neo4j URL; use e.g. "
                             "neo4j://localhost:7687")
        try:
            port = parts.port
        except ValueError as exc:
            raise StoreError(f"store URL {shown!r} has a port that is not a number") from exc
        host = parts.hostname or ""
        if not host:
            raise StoreError(f"store URL {shown!r} names no server; use e.g. "
                             "neo4j://localhost:7687")
        if parts.path not in ("", "/"):
            raise StoreError(f"store URL {shown!r} has a path; name the database with "
                             "?database=NAME or MOVEMAP_NEO4J_DATABASE")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"database"})
        if unknown:
            raise StoreError(f"store URL {shown!r} has unknown settings: {', '.join(unknown)} "
                             "(only ?database=NAME is understood)")
        self.user = unquote(parts.username) if parts.username else (
            os.environ.get("MOVEMAP_NEO4J_USER", "").strip())
        self.password = unquote(parts.password) if parts.password is not None else (
            os.environ.get("MOVEMAP_NEO4J_PASSWORD", ""))
        if self.password and not self.user:
            raise StoreError("a Neo4j password is set but no user: set MOVEMAP_NEO4J_USER")
        if self.user and not self.password:
            raise StoreError(f"no password for the Neo4j user {self.user!r}: set "
                             "MOVEMAP_NEO4J_PASSWORD")
        database = (query.get("database") or [""])[-1].strip() or os.environ.get(
            "MOVEMAP_NEO4J_DATABASE", "").strip()
        self.database = database or None
        netloc = host if ":" not in host else f"[{host}]"
        if port is not None:
            netloc += f":{port}"
        self.uri = f"{parts.scheme}://{netloc}"
        user = f"{self.user}@" if self.user else ""
        suffix = f"?database={self.database}" if self.database else ""
        self.display = f"{parts.scheme}://{user}{netloc}{suffix}"
        """The URL without the password (what ``store.url`` shows)."""

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return self.uri, self.user, self.password, self.database


_DRIVERS: dict[tuple[str, str, str, str | None], Any] = {}
_DRIVERS_LOCK = threading.Lock()


def _driver(target: _Target) -> Any:
    """One driver (a connection pool) per server, user and database, shared by every store
    opened in this process: the web app opens a store per request. The first use checks that
    the server answers and creates the schema."""
    with _DRIVERS_LOCK:
        driver = _DRIVERS.get(target.key)
        if driver is not None:
            return driver
        auth = neo4j.basic_auth(target.user, target.password) if target.user else None
        driver = neo4j.GraphDatabase.driver(
            target.uri, auth=auth, connection_timeout=10.0,
            notifications_min_severity="OFF", user_agent="movemap",
        )
        try:
            driver.verify_connectivity()
            _create_schema(driver, target)
        except BaseException:
            driver.close()
            raise
        _DRIVERS[target.key] = driver
        return driver


def _create_schema(driver: Any, target: _Target) -> None:
    """Constraints, and the schema node with its version; a newer schema is refused."""
    with driver.session(database=target.database) as session:
        for statement in SCHEMA_STATEMENTS:
            session.run(statement).consume()
        record = session.run(
            "MERGE (m:MovemapSchema {id: 'movemap'}) "
            "ON CREATE SET m.version = $version, m.revision = 0 RETURN m.version AS version",
            version=SCHEMA_VERSION,
        ).single()
    version = int(record["version"]) if record else 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the Neo4j store {target.display!r} was written by a newer movemap (schema "
            f"version {version}; this version knows up to {SCHEMA_VERSION}); upgrade movemap"
        )
    if version < 2:
        _migrate_to_history(driver, target)
    if version < 3:
        _migrate_to_versions(driver, target)


@contextmanager
def _migrating(driver: Any, target: _Target, version: int) -> Iterator[Neo4jStore | None]:
    """A store in one transaction that holds the schema node, so two processes opening the
    store at once migrate it once; ``None`` when another process already took it to
    ``version``. The schema node is set to ``version`` when the block ends."""
    store = Neo4jStore.__new__(Neo4jStore)
    store._target = target
    store.url = target.display
    store._session = driver.session(database=target.database)
    store._tx = None
    try:
        with store.transaction():
            store._tx.run("MATCH (m:MovemapSchema {id: 'movemap'}) SET m.version = m.version"
                          ).consume()
            current = store._read("MATCH (m:MovemapSchema {id: 'movemap'}) "
                                  "RETURN m.version AS v")[0]["v"]
            if int(current) >= version:
                yield None
                return
            yield store
            store._tx.run("MATCH (m:MovemapSchema {id: 'movemap'}) SET m.version = $v",
                          v=version).consume()
    finally:
        store.close()


def _migrate_to_history(driver: Any, target: _Target) -> None:
    """Version 2: every map without a history gets its current state as its first change set
    (people present from ``joined``, ties from ``since``)."""
    from graph.history import ChangeSetHeader
    from graph.timeline import history_seed

    with _migrating(driver, target, 2) as store:
        if store is None:
            return
        names = [r["name"] for r in store._read(
            "MATCH (c:Constituency) WHERE NOT EXISTS { MATCH (:ChangeSet "
            "{constituency: c.name}) } RETURN c.name AS name ORDER BY name")]
        for name in names:
            store.append_change_set(name, ChangeSetHeader(
                recorded_at=datetime.now(UTC), by="movemap", via="migration",
                summary="history begins: the map as it stood when movemap started "
                "keeping it"), history_seed(store.get_constituency(name),
                                            list(store.iter_people(name)),
                                            list(store.iter_relationships(name))))


def _migrate_to_versions(driver: Any, target: _Target) -> None:
    """Version 3: every map's as-of index, built afresh from its timelines."""
    with _migrating(driver, target, 3) as store:
        if store is None:
            return
        for r in store._read("MATCH (c:Constituency) RETURN c.name AS name ORDER BY name"):
            name = r["name"]
            store._write(name, "MATCH (v:Versions {constituency: $name}) DELETE v", name=name)
            store._write_versions(name, [
                StoredChange(record.key, None, record.timeline)
                for record in store.iter_timeline_records(name)])


@atexit.register
def close_drivers() -> None:
    """Close every shared driver (at exit, and in tests that restart the server)."""
    with _DRIVERS_LOCK:
        for driver in _DRIVERS.values():
            with suppress(Exception):  # closing at exit must not raise
                driver.close()
        _DRIVERS.clear()


# -- helpers ---------------------------------------------------------------------------------------


def _columns(batch: PeopleBatch, rows: Sequence[int] | None = None) -> dict[str, list[Any]]:
    """The column lists of a batch (or of some of its rows) as query parameters."""
    picked = range(len(batch)) if rows is None else rows
    columns: dict[str, list[Any]] = {}
    for field in _PERSON_COLUMNS:
        values = getattr(batch, field)
        columns[field] = [values[i] for i in picked]
    columns["other_groups"] = [list(v) for v in columns["other_groups"]]
    columns["segments"] = [list(v) for v in columns["segments"]]
    columns["lived_experience"] = [bool(v) for v in columns["lived_experience"]]
    columns["roles"] = [v or None for v in columns["roles"]]
    columns["joined"] = [date.fromisoformat(v) if v else None for v in columns["joined"]]
    return columns


def _person_rounds(ids: Sequence[str]) -> list[list[int]]:
    """Row numbers split so that no id repeats within a part: the k-th row of an id goes to
    part k, so writing the parts in turn is writing the rows in turn (the last one wins)."""
    seen: dict[str, int] = {}
    parts: list[list[int]] = []
    for i, pid in enumerate(ids):
        k = seen.get(pid, 0)
        seen[pid] = k + 1
        if k == len(parts):
            parts.append([])
        parts[k].append(i)
    return parts


def _row_tuple(values: Sequence[Any]) -> tuple[Any, ...]:
    """A person's values as ``person_row`` gives them (lists become tuples)."""
    return tuple(tuple(v) if isinstance(v, list) else v for v in values)


def _batches(n: int, size: int = WRITE_BATCH) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _cleaned_segments(segments: Sequence[str]) -> list[str]:
    if isinstance(segments, str):
        segments = [segments]
    cleaned: list[str] = []
    for segment in segments:
        try:
            cleaned.append(normalise_segment(str(segment)))
        except ValueError as exc:
            raise StoreError(f"segment {segment!r} is not valid: {exc}") from exc
    return list(dict.fromkeys(cleaned))


class Neo4jStore:
    """A ``GraphStore`` in a Neo4j 5 database (see the module notes for the graph model).

    A store object holds one session and is not shared between threads; open one per thread
    or request (they share the process's connection pool).
    """

    def __init__(self, url: str) -> None:
        self._target = _Target(url)
        self.url = self._target.display
        with self._translated():
            driver = _driver(self._target)
            self._session = driver.session(database=self._target.database)
        self._tx: Any = None
        self._writes = 0
        self._touched: set[str] = set()
        self._locked: set[str] = set()
        self._doomed = False

    def close(self) -> None:
        with suppress(Exception):  # a session to a server gone away closes anyway
            self._session.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r})"

    # -- queries and transactions ------------------------------------------------------------

    def _read(self, query: str, /, **params: Any) -> list[Any]:
        """The records of a read query (inside the open transaction, if any)."""
        runner = self._tx if self._tx is not None else self._session
        return list(runner.run(query, params))

    def _write(self, touched: str, query: str, /, **params: Any) -> list[Any]:
        """Run a write query in the open transaction; remember that constituency ``touched``
        changed if the query changed anything."""
        assert self._tx is not None, "writes run inside transaction()"
        if touched not in self._locked:
            # the map's own lock first, before any other: two writers to one map then queue
            # here, holding nothing the other needs (no deadlock at the revision bump)
            self._tx.run("MATCH (c:Constituency {name: $name}) SET c.revision = c.revision",
                         name=touched).consume()
            self._locked.add(touched)
        result = self._tx.run(query, params)
        records = list(result)
        if result.consume().counters.contains_updates:
            self._writes += 1
            self._touched.add(touched)
        return records

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing unit of work; an exception rolls back everything in it.

        A nested ``transaction()`` joins the outer one. Neo4j has no savepoints: when an
        exception leaves a nested block that had written, the whole transaction is doomed and
        the outer block ends with ``StoreError`` after rolling back (writes check their input
        before writing, so a refused write has written nothing and dooms nothing).
        """
        if self._tx is not None:
            before = self._writes
            try:
                yield
            except BaseException:
                if self._writes != before:
                    self._doomed = True
                raise
            return
        self._begin()
        try:
            yield
            if self._doomed:
                raise StoreError(
                    "a write inside this transaction failed after it had written; Neo4j cannot "
                    "undo part of a transaction, so all of it was rolled back"
                )
            self._commit()
        except BaseException:
            self._rollback()
            raise
        finally:
            self._tx = None

    @_guard
    def _begin(self) -> None:
        self._tx = self._session.begin_transaction()
        self._writes = 0
        self._touched = set()
        self._locked = set()
        self._doomed = False

    @_guard
    def _commit(self) -> None:
        if self._writes:
            # in name order, so two transactions lock the same maps in the same order
            self._tx.run(
                "UNWIND $names AS name MATCH (c:Constituency {name: name}) "
                "SET c.revision = c.revision + 1",
                names=sorted(self._touched),
            ).consume()
        self._tx.commit()

    def _rollback(self) -> None:
        tx, self._tx = self._tx, None
        if tx is None:
            return
        with suppress(Exception):  # the original error matters more
            tx.rollback()

    @_guard
    def revision(self, name: str) -> int:
        """A number that changes with every committed write to ``name``, from any process,
        and never comes back to an earlier value (for a name with no constituency: the
        schema node's, above every revision a deleted map had)."""
        records = self._read(
            "OPTIONAL MATCH (m:MovemapSchema {id: 'movemap'}) "
            "OPTIONAL MATCH (c:Constituency {name: $name}) "
            "RETURN coalesce(c.revision, m.revision, 0) AS revision",
            name=name,
        )
        return int(records[0]["revision"]) if records else 0

    # -- constituencies ----------------------------------------------------------------------

    def _require(self, name: str) -> None:
        if not self._read("MATCH (c:Constituency {name: $name}) RETURN 1", name=name):
            raise NotFound(f"there is no constituency named {name!r}")

    @_guard
    def list_constituencies(self) -> list[ConstituencySummary]:
        records = self._read(
            "MATCH (c:Constituency) "
            "CALL (c) { MATCH (p:Person {constituency: c.name}) "
            "  RETURN count(p) AS people, sum(COUNT { (p)-[:TIE]->() }) AS ties } "
            "RETURN c.name AS name, coalesce(c.description, '') AS description, people, "
            "coalesce(ties, 0) AS ties, size(coalesce(c.expected_segments, [])) AS expected"
        )
        summaries = [ConstituencySummary(r["name"], r["description"], int(r["people"]),
                                         int(r["ties"]), int(r["expected"])) for r in records]
        return sorted(summaries, key=lambda s: s.name)

    @_guard
    def get_constituency(self, name: str) -> Constituency:
        records = self._read(
            "MATCH (c:Constituency {name: $name}) RETURN coalesce(c.description, '') AS d, "
            "coalesce(c.expected_segments, []) AS e",
            name=name,
        )
        if not records:
            raise NotFound(f"there is no constituency named {name!r}")
        return Constituency(name=name, description=records[0]["d"],
                            expected_segments=tuple(records[0]["e"]))

    @_guard
    def create_constituency(self, constituency: Constituency, *, exist_ok: bool = False) -> None:
        """Create an empty constituency; an existing one is an error unless ``exist_ok``.

        With ``exist_ok`` an existing constituency is left exactly as it is.
        """
        with self.transaction():
            if self._read("MATCH (c:Constituency {name: $name}) RETURN 1",
                          name=constituency.name):
                if exist_ok:
                    return
                raise StoreError(f"a constituency named {constituency.name!r} already exists")
            self._create(constituency.name, constituency.description,
                         _cleaned_segments(constituency.expected_segments))

    def _ensure_constituency(self, name: str) -> bool:
        """Create ``name`` if absent (inside a transaction); whether it existed."""
        if self._read("MATCH (c:Constituency {name: $name}) RETURN 1", name=name):
            return True
        try:
            checked = Constituency(name=name)
        except ValidationError as exc:
            raise StoreError(validation_message("constituency name", name, exc)) from exc
        self._create(checked.name, checked.description, [])
        return False

    def _create(self, name: str, description: str, segments: list[str]) -> None:
        """A new constituency node, its revision above any a deleted one of the name had."""
        self._write(
            name,
            "MERGE (m:MovemapSchema {id: 'movemap'}) "
            "ON CREATE SET m.version = $version, m.revision = 0 "
            "CREATE (:Constituency {name: $name, description: $description, "
            "expected_segments: $segments, next_key: 0, revision: m.revision + 1})",
            name=name, description=description, segments=segments, version=SCHEMA_VERSION,
        )

    @_guard
    def set_description(self, name: str, description: str) -> None:
        """Change a constituency's description (validated like ``Constituency``)."""
        checked = Constituency(name=name, description=description)
        with self.transaction():
            self._require(name)
            self._write(name, "MATCH (c:Constituency {name: $name}) "
                        "WHERE c.description IS NULL OR c.description <> $description "
                        "SET c.description = $description",
                        name=name, description=checked.description)

    @_guard
    def delete_constituency(self, name: str) -> None:
        with self.transaction():
            self._require(name)
            self._write(name, "MATCH (p:Person {constituency: $name}) DETACH DELETE p",
                        name=name)
            for label in ("Timeline", "ChangeSet", "Change", "Versions"):
                self._write(name, f"MATCH (n:{label} {{constituency: $name}}) DELETE n",
                            name=name)
            self._write(
                name,
                _RETIRE_REVISION + "DELETE c",
                name=name, version=SCHEMA_VERSION,
            )

    @_guard
    def rename_constituency(self, name: str, new_name: str) -> None:
        """Give the map ``name`` the name ``new_name``: every node that names it (people,
        history, as-of index) is renamed in the same transaction. Its revision moves above
        any the new name (or the old) ever had, so no cache mistakes it for another map."""
        checked = Constituency(name=new_name)
        with self.transaction():
            self._require(name)
            if self._read("MATCH (c:Constituency {name: $name}) RETURN 1", name=checked.name):
                raise StoreError(f"a constituency named {checked.name!r} already exists")
            self._write(
                name,
                _RETIRE_REVISION + "SET c.name = $new_name, c.revision = m.revision",
                name=name, new_name=checked.name, version=SCHEMA_VERSION)
            for label in ("Person", "Timeline", "ChangeSet", "Change", "Versions"):
                self._write(checked.name, f"MATCH (n:{label} {{constituency: $name}}) "
                            "SET n.constituency = $new_name", name=name, new_name=checked.name)

    @_guard
    def set_expected_segments(self, name: str, segments: Sequence[str]) -> None:
        """Replace the expected segments (normalised, duplicates dropped, order kept)."""
        cleaned = _cleaned_segments(segments)
        with self.transaction():
            self._set_expected(name, cleaned)

    @_guard
    def add_expected_segments(self, name: str, segments: Sequence[str]) -> None:
        """Add expected segments after those already there; ones already expected are skipped."""
        cleaned = _cleaned_segments(segments)
        with self.transaction():
            current = list(self.get_constituency(name).expected_segments)
            self._set_expected(name, list(dict.fromkeys([*current, *cleaned])))

    def _set_expected(self, name: str, segments: list[str]) -> None:
        self._require(name)
        self._write(name, "MATCH (c:Constituency {name: $name}) "
                    "WHERE coalesce(c.expected_segments, []) <> $segments "
                    "SET c.expected_segments = $segments", name=name, segments=segments)

    # -- people ------------------------------------------------------------------------------

    def _people_columns(self, name: str, ids: Sequence[str] | None = None) -> list[list[Any]]:
        """Stored people as columns (``PeopleBatch`` order, then ``key``): everyone, or those
        of ``ids`` that exist. Read in groups of keys, so a big map comes in a few records."""
        fields = [f"collect({f.strip()})" for f in _split_fields(_PERSON_FIELDS)]
        returned = ", ".join(f"{f} AS c{i}" for i, f in enumerate(fields))
        if ids is None:
            match = "MATCH (p:Person {constituency: $name})"
            params: dict[str, Any] = {}
        else:
            match = "UNWIND $ids AS pid MATCH (p:Person {constituency: $name, id: pid})"
            params = {"ids": list(ids)}
        records = self._read(
            f"{match} WITH p.key / {_GROUP_BY} AS g, p "
            f"WITH g, {returned}, collect(p.key) AS k RETURN *",
            name=name, **params,
        )
        columns: list[list[Any]] = [[] for _ in range(len(fields) + 1)]
        for record in records:
            for i in range(len(fields)):
                columns[i].extend(record[f"c{i}"])
            columns[-1].extend(record["k"])
        return columns

    def _write_people(self, name: str, batch: PeopleBatch) -> tuple[int, int, int]:
        """Upsert a batch by id (rows repeating an id apply in turn); (added, updated,
        unchanged). Only rows that differ from what is stored are written."""
        added = updated = unchanged = 0
        parts = _person_rounds(batch.ids) if len(set(batch.ids)) != len(batch) else [
            list(range(len(batch)))]
        for rows in parts:
            ids = [batch.ids[i] for i in rows]
            stored = self._people_columns(name, ids)
            existing = {row[0]: _row_tuple(row) for row in zip(*stored[:-1], strict=True)}
            fresh: list[int] = []
            changed: list[int] = []
            for i in rows:
                old = existing.get(batch.ids[i])
                if old is None:
                    fresh.append(i)
                elif old != _row_tuple([getattr(batch, f)[i] for f in _PERSON_COLUMNS]):
                    changed.append(i)
            added += len(fresh)
            updated += len(changed)
            unchanged += len(rows) - len(fresh) - len(changed)
            if fresh:
                base = self._write(
                    name,
                    "MATCH (c:Constituency {name: $name}) SET c.next_key = c.next_key + $n "
                    "RETURN c.next_key - $n AS base",
                    name=name, n=len(fresh),
                )[0]["base"]
                for part in _batches(len(fresh)):
                    chosen = fresh[part]
                    self._write(
                        name,
                        "UNWIND range(0, size($ids) - 1) AS i "
                        "CREATE (p:Person {constituency: $name, id: $ids[i], key: $keys[i]}) "
                        f"SET {_PERSON_PROPS}",
                        name=name, keys=list(range(base + part.start, base + part.stop)),
                        **_columns(batch, chosen),
                    )
            for part in _batches(len(changed)):
                self._write(
                    name,
                    "UNWIND range(0, size($ids) - 1) AS i "
                    "MATCH (p:Person {constituency: $name, id: $ids[i]}) "
                    f"SET {_PERSON_PROPS}",
                    name=name, **_columns(batch, changed[part]),
                )
        return added, updated, unchanged

    @_guard
    def upsert_people(self, name: str, people: Iterable[Person]) -> tuple[int, int, int]:
        """Insert or replace people by id; returns (added, updated, unchanged).

        When the input repeats an id, each repetition counts as one row and the last one wins.
        """
        batch = PeopleBatch.of(people)
        with self.transaction():
            self._require(name)
            return self._write_people(name, batch)

    @_guard
    def get_person(self, name: str, person_id: str) -> Person:
        records = self._read(
            f"MATCH (p:Person {{constituency: $name, id: $id}}) RETURN {_PERSON_FIELDS}",
            name=name, id=person_id,
        )
        if not records:
            raise self._no_person(name, person_id)
        return _person(records[0].values())

    def _no_person(self, name: str, person_id: str) -> NotFound:
        """The error for a person not found: the constituency's own when it is missing too
        (read only on this failure path)."""
        self._require(name)
        return NotFound(f"there is no person {person_id!r} in constituency {name!r}")

    @_guard
    def iter_people(self, name: str) -> Iterator[Person]:
        """Every person of the constituency, by ascending id."""
        self._require(name)
        columns = self._people_columns(name)
        rows = list(zip(*columns[:-1], strict=True))
        order = python_order([r[0] for r in rows])
        if order is not None:
            rows = [rows[i] for i in order]
        return (_person(row) for row in rows)  # model objects only for what is read

    @_guard
    def person_ids(self, name: str) -> set[str]:
        self._require(name)
        return set(self._id_keys(name))

    @_guard
    def segment_count(self, name: str) -> int:
        self._require(name)
        records = self._read(
            "MATCH (p:Person {constituency: $name}) UNWIND coalesce(p.segments, []) AS s "
            "RETURN count(DISTINCT s) AS n", name=name)
        return int(records[0]["n"]) if records else 0

    def _id_keys(self, name: str) -> dict[str, int]:
        """id → key of every person of the constituency."""
        records = self._read(
            f"MATCH (p:Person {{constituency: $name}}) WITH p.key / {_GROUP_BY} AS g, p "
            "RETURN collect(p.id) AS ids, collect(p.key) AS keys",
            name=name,
        )
        keys: dict[str, int] = {}
        for record in records:
            keys.update(zip(record["ids"], record["keys"], strict=True))
        return keys

    def _keys_of(self, name: str, ids: Iterable[str]) -> dict[str, int]:
        """id → key of those of ``ids`` that are people of the constituency."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        records = self._read(
            "UNWIND $ids AS pid MATCH (p:Person {constituency: $name, id: pid}) "
            "RETURN collect(p.id) AS ids, collect(p.key) AS keys",
            name=name, ids=wanted,
        )
        return dict(zip(records[0]["ids"], records[0]["keys"], strict=True)) if records else {}

    @_guard
    def delete_person(self, name: str, person_id: str) -> None:
        """Remove a person and every relationship they are part of."""
        with self.transaction():
            if not self._keys_of(name, [person_id]):
                raise self._no_person(name, person_id)
            self._write(name, "MATCH (p:Person {constituency: $name, id: $id}) DETACH DELETE p",
                        name=name, id=person_id)

    # -- relationships -----------------------------------------------------------------------

    def _stored_ties(self, name: str, pairs: Ties | None = None, end: int | None = None) -> Ties:
        """Stored ties, sorted by (source, target) key: all of them, or those of ``pairs``
        (``end``: the key end when the caller has read it, see ``_read_in_parts``)."""
        fields = (f"collect(s.key) AS s, collect(o.key) AS o, collect({_TRUST_CYPHER}) AS trust, "
                  f"collect({_SINCE_CYPHER}) AS since")
        if pairs is None:
            query = ("MATCH (s:Person {constituency: $name}) WHERE $lo <= s.key < $hi "
                     "MATCH (s)-[t:TIE]->(o:Person) "
                     f"WITH s.key / {_GROUP_BY} AS g, s, t, o RETURN g, {fields}")
            records = self._read_in_parts(
                name, query, self._key_end(name) if end is None else end)
        else:
            if not len(pairs):
                return Ties.empty()
            records = []
            for part in _batches(len(pairs)):
                records.extend(self._read(
                    "UNWIND range(0, size($s) - 1) AS i "
                    "MATCH (s:Person {constituency: $name, key: $s[i]})-[t:TIE]->"
                    "(o:Person {constituency: $name, key: $o[i]}) "
                    f"RETURN {fields}",
                    name=name, s=pairs.source[part].tolist(), o=pairs.target[part].tolist(),
                ))
        ties = Ties(
            np.array([k for r in records for k in r["s"]], dtype=np.int64),
            np.array([k for r in records for k in r["o"]], dtype=np.int64),
            np.array([v for r in records for v in r["trust"]], dtype=np.uint8),
            np.array([v for r in records for v in r["since"]], dtype=np.int32),
        )
        return ties.take(np.argsort(ties.key, kind="stable"))

    def _key_end(self, name: str) -> int:
        """One more than the highest person key the constituency has given out."""
        found = self._read("MATCH (c:Constituency {name: $name}) RETURN c.next_key AS n",
                           name=name)
        return int(found[0]["n"] or 0) if found else 0

    def _read_in_parts(self, name: str, query: str, end: int) -> list[Any]:
        """The records of ``query`` over every person key, ``$lo <= key < $hi``.

        Outside a transaction the key range is split into ``READ_PARTS`` parts read at once
        in sessions of their own, so the server reads with several threads (a million ties
        load about 1.5 times faster on two cores); inside one, it is read in the transaction,
        which alone sees its own writes. Outside a transaction it never uses this store's
        own session, so it may run beside another read (``load_graph``).
        """
        if self._tx is not None:
            return self._read(query, name=name, lo=0, hi=2**62)
        parts = READ_PARTS if end >= READ_PARTS * _GROUP_BY else 1
        bounds = [end * i // parts for i in range(parts)] + [2**62]
        driver = _driver(self._target)

        def part(i: int) -> list[Any]:
            with driver.session(database=self._target.database) as session:
                return list(session.run(query, name=name, lo=bounds[i], hi=bounds[i + 1]))

        with ThreadPoolExecutor(parts) as pool:
            return [record for records in pool.map(part, range(parts)) for record in records]

    def _write_ties(self, name: str, new: Ties, *, replace: bool, everything: bool,
                    leaving: I64 | None = None) -> TieCounts:
        """Write distinct ties (sorted by key) and count them like a row per tie would.

        With ``replace`` the constituency's ties become exactly ``new``, but for those of the
        people ``leaving`` (keys), whom the caller removes with all their ties afterwards.
        ``everything`` reads all stored ties to compare with (fast for big inputs) rather than
        those of ``new``.
        """
        counts = TieCounts()
        existing = self._stored_ties(name, None if replace or everything else new)
        if leaving is not None and leaving.shape[0] and len(existing):
            existing = existing.take(~(np.isin(existing.source, leaving)
                                       | np.isin(existing.target, leaving)))
        new_key, old_key = new.key, existing.key
        found = np.zeros(len(new), dtype=bool)
        at = np.zeros(len(new), dtype=np.int64)
        if len(existing):
            at = np.minimum(np.searchsorted(old_key, new_key), len(existing) - 1)
            found = old_key[at] == new_key
        same = found & (existing.trust[at] == new.trust) & (existing.since[at] == new.since) \
            if len(existing) else found
        counts.added = int((~found).sum())
        counts.unchanged = int(same.sum())
        counts.updated = int((found & ~same).sum())
        if replace and len(existing):
            kept = np.ones(len(existing), dtype=bool)
            kept[at[found]] = False
            self._tie_query(name, "DELETE t", existing.take(kept), match=True)
        self._tie_query(name, f"SET {_TIE_PROPS}", new.take(found & ~same), match=True)
        self._tie_query(name, f"CREATE (s)-[t:TIE]->(o) SET {_TIE_PROPS}", new.take(~found),
                        match=False)
        return counts

    def _tie_query(self, name: str, action: str, ties: Ties, *, match: bool) -> None:
        """Run ``action`` on each tie (``match``: the stored ``t``; else on its ends ``s``,
        ``o``), in batches."""
        pattern = ("MATCH (s:Person {constituency: $name, key: $s[i]})-[t:TIE]->"
                   "(o:Person {constituency: $name, key: $o[i]})" if match else
                   "MATCH (s:Person {constituency: $name, key: $s[i]}) "
                   "MATCH (o:Person {constituency: $name, key: $o[i]})")
        for part in _batches(len(ties)):
            self._write(
                name, f"UNWIND range(0, size($s) - 1) AS i {pattern} {action}",
                name=name, s=ties.source[part].tolist(), o=ties.target[part].tolist(),
                trust=ties.trust[part].tolist(), since=ties.since[part].tolist(),
            )

    def _upsert_ties(self, name: str, records: Records, *, replace: bool,
                     leaving: I64 | None = None) -> TieCounts:
        """Write rows in turn (repeats of a key apply one after the other, the last wins)."""
        total = TieCounts()
        for i, part in enumerate(rounds(records)):
            total += self._write_ties(name, collapse(part, TieCounts()),
                                      replace=replace and i == 0, everything=False,
                                      leaving=leaving)
        return total

    @_guard
    def upsert_relationships(
        self, name: str, relationships: Iterable[Relationship]
    ) -> tuple[int, int, int]:
        """Insert or replace by (source, target); both people must exist (``NotFound``).

        When the input repeats a (source, target), each repetition counts as one row and the
        last one wins.
        """
        relationships = list(relationships)
        with self.transaction():
            self._require(name)
            keys = self._keys_of(name, (i for r in relationships for i in (r.source, r.target)))
            records = relationship_records(relationships, keys)
            counts = self._upsert_ties(name, records, replace=False)
        return counts.added, counts.updated, counts.unchanged

    @_guard
    def iter_relationships(self, name: str) -> Iterator[Relationship]:
        """Every recorded relationship, by ascending (source, target)."""
        self._require(name)
        keys = self._id_keys(name)
        ids = sorted(keys)
        ties = self._stored_ties(name)
        return relationships_in_order(ties, ids, node_lookup(
            np.array([keys[i] for i in ids], dtype=np.int64)))

    def _ties_where(self, name: str, pattern: str, **params: Any) -> list[Relationship]:
        """The ties a ``MATCH`` pattern binding ``s``, ``t`` and ``o`` of ``(s)-[t:TIE]->(o)``
        finds, as model objects by ascending (source, target)."""
        records = self._read(
            f"MATCH {pattern} RETURN s.key AS s, s.id AS sid, o.key AS o, o.id AS oid, "
            f"{_TRUST_CYPHER} AS trust, {_SINCE_CYPHER} AS since",
            name=name, **params,
        )
        ties = Ties(np.array([r["s"] for r in records], dtype=np.int64),
                    np.array([r["o"] for r in records], dtype=np.int64),
                    np.array([r["trust"] for r in records], dtype=np.uint8),
                    np.array([r["since"] for r in records], dtype=np.int32))
        id_of = {r["s"]: r["sid"] for r in records} | {r["o"]: r["oid"] for r in records}
        return named_relationships(ties, id_of)

    @_guard
    def get_relationship(self, name: str, source: str, target: str) -> Relationship:
        found = self._ties_where(
            name, "(s:Person {constituency: $name, id: $source})-[t:TIE]->"
            "(o:Person {constituency: $name, id: $target})", source=source, target=target)
        if not found:
            self._require(name)
            raise NotFound(
                f"there is no relationship {source!r} → {target!r} in constituency {name!r}")
        return found[0]

    @_guard
    def relationships_of(self, name: str, person_id: str) -> list[Relationship]:
        found = self._ties_where(
            name, "(:Person {constituency: $name, id: $id})-[t:TIE]-() "
            "WITH t, startNode(t) AS s, endNode(t) AS o", id=person_id)
        if not found and not self._keys_of(name, [person_id]):
            raise self._no_person(name, person_id)
        return found

    @_guard
    def delete_relationship(self, name: str, source: str, target: str) -> None:
        with self.transaction():
            self._require(name)
            gone = self._read(
                "MATCH (:Person {constituency: $name, id: $source})-[t:TIE]->"
                "(:Person {constituency: $name, id: $target}) RETURN count(t) AS n",
                name=name, source=source, target=target,
            )
            if not gone or not gone[0]["n"]:
                raise NotFound(
                    f"there is no relationship {source!r} → {target!r} in constituency {name!r}"
                )
            self._write(name, "MATCH (:Person {constituency: $name, id: $source})-[t:TIE]->"
                        "(:Person {constituency: $name, id: $target}) DELETE t",
                        name=name, source=source, target=target)

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
        only to people of this import). Any error leaves the store as it was; dangling
        relationships are found before anything is written.
        """
        batch = PeopleBatch.of(people)
        relationships = list(relationships)
        with self.transaction():
            existed = self._read("MATCH (c:Constituency {name: $name}) RETURN 1", name=name)
            if not existed:
                try:
                    Constituency(name=name)
                except ValidationError as exc:
                    raise StoreError(validation_message("constituency name", name, exc)) from exc
            imported = set(batch.ids)
            others = {i for r in relationships for i in (r.source, r.target)} - imported
            stored = self._keys_of(name, others) if others and existed and not replace else {}
            check_ends(relationships, imported | stored.keys())  # before anything is written
            self._ensure_constituency(name)
            session = _Neo4jBulkImport(self, name, replace=replace)
            session.add_people(batch)
            keys = session.person_keys()
            ties = self._upsert_ties(name, relationship_records(relationships, keys),
                                     replace=replace, leaving=session.leaving)
            session.remove_leaving()
        return ImportSummary(name, *session.people_counts, ties.added, ties.updated,
                             ties.unchanged)

    @contextmanager
    def bulk_import(
        self, name: str, *, replace: bool = False, expected_ties: int = 0
    ) -> Iterator[_Neo4jBulkImport]:
        """A streaming import in one transaction (see ``graph.stores.base.BulkImport``)."""
        with self._translated(), self.transaction():
            self._ensure_constituency(name)
            session = _Neo4jBulkImport(self, name, replace=replace)
            yield session
            if not session.finished:
                raise RuntimeError("a bulk import must end with finish()")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver errors raised in the block become ``StoreError``."""
        try:
            yield
        except (Neo4jError, DriverError) as exc:
            raise StoreError(_describe(self.url, exc)) from exc

    # -- the compact graph -------------------------------------------------------------------

    @_guard
    def load_graph(self, name: str) -> CompactGraph:
        """The whole constituency as a compact analysis graph: people and ties are streamed
        as a few records of column lists each, not a query per person."""
        expected = self.get_constituency(name).expected_segments
        if self._tx is None:  # the ties are read by other sessions while this one reads people
            with ThreadPoolExecutor(1) as pool:
                ties_read = pool.submit(self._stored_ties, name, None, self._key_end(name))
                columns = self._people_columns(name)
                ties = ties_read.result()
        else:
            columns = self._people_columns(name)
            ties = self._stored_ties(name)
        columns[3] = [tuple(groups) for groups in columns[3]]
        batch = PeopleBatch(*columns[:-1])
        attrs = np.array(people_attrs(batch), dtype=np.int64) if len(batch) else np.zeros(
            0, dtype=np.int64)
        return compact_graph(
            name, expected, ids=list(batch.ids), names=list(batch.names),
            organisations=list(batch.organisations),
            segments=[tuple(s) for s in batch.segments],
            keys=np.array(columns[-1], dtype=np.int64), attrs=attrs,
            ties=ties, parse_segments=list,
        )


    # -- history (graph.history) -------------------------------------------------------------

    def lock(self, name: str) -> None:
        """Take the map's write lock now (inside a transaction), so that what is read next
        cannot change before this transaction commits."""
        assert self._tx is not None, "lock() runs inside transaction()"
        self._require(name)
        if name not in self._locked:
            self._tx.run("MATCH (c:Constituency {name: $name}) SET c.revision = c.revision",
                         name=name).consume()
            self._locked.add(name)

    @staticmethod
    def _records(rows: Iterable[Any]) -> dict[Key, TimelineRecord]:
        found: dict[Key, TimelineRecord] = {}
        for r in rows:
            key = (r["kind"], r["a"], r["b"])
            found[key] = TimelineRecord(key, int(r["version"]), r["timeline"])
        return found

    _TIMELINE_FIELDS = ("t.kind AS kind, t.a AS a, t.b AS b, t.version AS version, "
                        "t.timeline AS timeline")

    def _records_by(self, name: str, query: str, param: str, values: list[Any]
                    ) -> dict[Key, TimelineRecord]:
        """The records a query finds for ``values`` (as ``$param``), in batches; ``NotFound``
        for an unknown map (checked only when nothing was found)."""
        found: dict[Key, TimelineRecord] = {}
        for part in _batches(len(values)):
            found.update(self._records(self._read(query, name=name,
                                                  **{param: values[part]})))
        if not found:
            self._require(name)
        return found

    @_guard
    def timeline_records(self, name: str, keys: Iterable[Key]) -> dict[Key, TimelineRecord]:
        return self._records_by(
            name, "UNWIND $keys AS k MATCH (t:Timeline {constituency: $name, kind: k[0], "
            f"a: k[1], b: k[2]}}) RETURN {self._TIMELINE_FIELDS}", "keys",
            [list(k) for k in dict.fromkeys(keys)])

    @_guard
    def tie_records_of(self, name: str, person_ids: Iterable[str]) -> dict[Key, TimelineRecord]:
        return self._records_by(
            name, "UNWIND $ids AS pid MATCH (t:Timeline {constituency: $name, kind: 'tie', "
            f"a: pid}}) RETURN {self._TIMELINE_FIELDS} UNION "
            "UNWIND $ids AS pid MATCH (t:Timeline {constituency: $name, kind: 'tie', "
            f"b: pid}}) RETURN {self._TIMELINE_FIELDS}", "ids", list(dict.fromkeys(person_ids)))

    @_guard
    def iter_timeline_records(self, name: str, kind: str | None = None
                              ) -> Iterator[TimelineRecord]:
        """Every record of the map (of one ``kind``), by ascending key."""
        self._require(name)
        where = "" if kind is None else " WHERE t.kind = $kind"
        found = self._records(self._read(
            f"MATCH (t:Timeline {{constituency: $name}}){where} RETURN {self._TIMELINE_FIELDS}",
            name=name, kind=kind))
        return iter([found[k] for k in sorted(found)])

    @_guard
    def append_change_set(
        self, name: str, header: ChangeSetHeader, changes: Sequence[StoredChange]
    ) -> int:
        with self.transaction():
            self.lock(name)
            change_set = int(self._write(
                name,
                "MERGE (m:MovemapSchema {id: 'movemap'}) "
                "ON CREATE SET m.version = $version, m.revision = 0 "
                "SET m.change_sets = coalesce(m.change_sets, 0) + 1 "
                "CREATE (s:ChangeSet {constituency: $name, id: m.change_sets, "
                "recorded_at: $recorded_at, by: $by, via: $via, summary: $summary, "
                "undoes: $undoes}) RETURN s.id AS id",
                name=name, version=SCHEMA_VERSION, recorded_at=header.recorded_at.isoformat(),
                by=header.by, via=header.via, summary=header.summary, undoes=header.undoes,
            )[0]["id"])
            rows = [[i, *c.key, c.before, c.after] for i, c in enumerate(changes)]
            for part in _batches(len(rows)):
                batch = rows[part]
                self._write(
                    name,
                    "UNWIND $rows AS r CREATE (:Change {constituency: $name, change_set: $id, "
                    "seq: r[0], kind: r[1], a: r[2], b: r[3], before: r[4], after: r[5]})",
                    name=name, id=change_set, rows=batch)
                gone = [r[1:4] for r in batch if r[5] is None]
                if gone:
                    self._write(
                        name,
                        "UNWIND $keys AS k MATCH (t:Timeline {constituency: $name, kind: k[0], "
                        "a: k[1], b: k[2]}) DELETE t", name=name, keys=gone)
                kept = [[*r[1:4], r[5]] for r in batch if r[5] is not None]
                if kept:
                    self._write(
                        name,
                        "UNWIND $rows AS r MERGE (t:Timeline {constituency: $name, kind: r[0], "
                        "a: r[1], b: r[2]}) SET t.version = $id, t.timeline = r[3]",
                        name=name, id=change_set, rows=kept)
            self._write_versions(name, changes)
            return change_set

    def _read_versions(self, name: str, kind: str, chunks: Sequence[int]) -> dict[int, bytes]:
        return {int(r["chunk"]): bytes(r["data"]) for r in self._read(
            "MATCH (v:Versions {constituency: $name, kind: $kind}) WHERE v.chunk IN $chunks "
            "RETURN v.chunk AS chunk, v.data AS data", name=name, kind=kind,
            chunks=list(chunks))}

    def _write_versions(self, name: str, changes: Sequence[StoredChange]) -> None:
        """Rewrite the as-of index chunks that ``changes`` touch (in the open transaction)."""
        written = versions.updated_chunks(
            changes, lambda kind, chunks: self._read_versions(name, kind, chunks))
        gone = [[kind, chunk] for (kind, chunk), data in written.items() if data is None]
        if gone:
            self._write(name, "UNWIND $keys AS k MATCH (v:Versions {constituency: $name, "
                        "kind: k[0], chunk: k[1]}) DELETE v", name=name, keys=gone)
        rows = [[kind, chunk, data] for (kind, chunk), data in written.items()
                if data is not None]
        for start in range(0, len(rows), 16):  # a few MB per statement
            self._write(name, "UNWIND $rows AS r MERGE (v:Versions {constituency: $name, "
                        "kind: r[0], chunk: r[1]}) SET v.data = r[2]",
                        name=name, rows=rows[start:start + 16])

    @_guard
    def version_chunks(self, name: str, kind: str, chunks: Iterable[int]) -> dict[int, bytes]:
        found = self._read_versions(name, kind, list(chunks))
        if not found:
            self._require(name)
        return found

    _CHANGE_SET_FIELDS = (
        "s.id AS id, s.recorded_at AS recorded_at, s.by AS by, s.via AS via, "
        "s.summary AS summary, s.undoes AS undoes, "
        "COLLECT { MATCH (u:ChangeSet {undoes: s.id}) WHERE u.constituency = $name "
        "RETURN u.id } AS undone_by")

    def _change_set(self, name: str, r: Any, person: str | None,
                    max_changes: int | None) -> ChangeSetRecord:
        about = ("" if person is None else
                 " AND ((c.a = $person AND c.kind IN ['person', 'tie']) OR "
                 "(c.b = $person AND c.kind = 'tie'))")
        count = self._read(
            f"MATCH (c:Change {{change_set: $id}}) WHERE c.constituency = $name{about} "
            "RETURN count(c) AS n", id=r["id"], name=name, person=person)[0]["n"]
        limit = "" if max_changes is None else f" LIMIT {int(max_changes)}"
        changes = tuple(
            StoredChange((c["kind"], c["a"], c["b"]), c["before"], c["after"])
            for c in self._read(
                f"MATCH (c:Change {{change_set: $id}}) WHERE c.constituency = $name{about} "
                f"RETURN c.kind AS kind, c.a AS a, c.b AS b, c.before AS before, "
                f"c.after AS after ORDER BY c.seq{limit}",
                id=r["id"], name=name, person=person))
        header = ChangeSetHeader(datetime.fromisoformat(r["recorded_at"]), r["by"], r["via"],
                                 r["summary"], r["undoes"])
        undone = r["undone_by"]
        return ChangeSetRecord(int(r["id"]), header, changes, int(count),
                               max(undone) if undone else None)

    @_guard
    def change_sets(
        self, name: str, *, person: str | None = None, limit: int = 50,
        before: int | None = None, max_changes: int = 1000,
    ) -> list[ChangeSetRecord]:
        self._require(name)
        if person is None:
            rows = self._read(
                "MATCH (s:ChangeSet {constituency: $name}) "
                "WHERE $before IS NULL OR s.id < $before "
                f"WITH s ORDER BY s.id DESC LIMIT $limit RETURN {self._CHANGE_SET_FIELDS}",
                name=name, before=before, limit=limit)
        else:
            ids = sorted({r["id"] for r in self._read(
                "MATCH (c:Change {constituency: $name, a: $person}) "
                "WHERE c.kind IN ['person', 'tie'] RETURN DISTINCT c.change_set AS id UNION "
                "MATCH (c:Change {constituency: $name, b: $person}) WHERE c.kind = 'tie' "
                "RETURN DISTINCT c.change_set AS id", name=name, person=person)
                if before is None or r["id"] < before}, reverse=True)[:limit]
            rows = self._read(
                "UNWIND $ids AS csid MATCH (s:ChangeSet {id: csid}) "
                f"WITH s ORDER BY s.id DESC RETURN {self._CHANGE_SET_FIELDS}",
                name=name, ids=ids)
        return [self._change_set(name, r, person, max_changes) for r in rows]

    @_guard
    def get_change_set(self, name: str, change_set_id: int) -> ChangeSetRecord:
        rows = self._read(
            f"MATCH (s:ChangeSet {{constituency: $name, id: $id}}) "
            f"RETURN {self._CHANGE_SET_FIELDS}", name=name, id=change_set_id)
        if not rows:
            self._require(name)
            raise NotFound(f"there is no change set {change_set_id} in constituency {name!r}")
        return self._change_set(name, rows[0], None, None)


class _Neo4jBulkImport:
    """``BulkImport`` for ``Neo4jStore`` (see ``graph.stores.base.BulkImport``).

    People are written batch by batch; ties are kept as packed records (29 bytes each) until
    ``finish``, which merges repeated rows and writes only what changed.
    """

    def __init__(self, store: Neo4jStore, name: str, *, replace: bool) -> None:
        self._store = store
        self._name = name
        self._replace = replace
        stored = store._read(
            "MATCH (p:Person {constituency: $name}) RETURN count(p) AS n", name=name)
        self._people_before = int(stored[0]["n"]) if stored else 0
        self.existing_people = 0 if replace else self._people_before
        self._counts = [0, 0, 0]
        self._imported: set[str] | None = set() if replace else None
        self.people_counts = (0, 0, 0)
        self._ties: list[Records] | None = None
        self.leaving = np.zeros(0, dtype=np.int64)
        """Keys of the people a replacing import leaves out (removed at the end)."""
        self.finished = False

    def add_people(self, batch: PeopleBatch) -> None:
        if self._ties is not None:
            raise RuntimeError("people come before person_keys()")
        counts = self._store._write_people(self._name, batch)
        self._counts = [a + b for a, b in zip(self._counts, counts, strict=True)]
        if self._imported is not None:
            self._imported.update(batch.ids)

    def person_keys(self) -> dict[str, int]:
        if self._ties is not None:
            raise RuntimeError("person_keys() is called once")
        self.people_counts = (self._counts[0], self._counts[1], self._counts[2])
        keys = self._store._id_keys(self._name)
        if self._imported is not None:
            # the people not imported leave after the ties are written: Neo4j looks people
            # up by key far more slowly in a transaction that has already deleted many
            imported = self._imported
            self.leaving = np.array([k for i, k in keys.items() if i not in imported],
                                    dtype=np.int64)
            keys = {i: k for i, k in keys.items() if i in imported}
            self._imported = None
        self._ties = []
        return keys

    def remove_leaving(self) -> None:
        """Remove the people a replacing import left out, with all their ties."""
        gone = self.leaving.tolist()
        for part in _batches(len(gone)):
            self._store._write(
                self._name,
                "UNWIND $keys AS k MATCH (p:Person {constituency: $name, key: k}) "
                "DETACH DELETE p",
                name=self._name, keys=gone[part],
            )
        self.leaving = np.zeros(0, dtype=np.int64)

    def add_ties(self, batch: TiesBatch) -> None:
        if self._ties is None:
            raise RuntimeError("call person_keys() before add_ties()")
        records = ties_records(batch)
        self._ties.append(records)

    def finish(self) -> BulkResult:
        if self._ties is None:
            self.person_keys()
        assert self._ties is not None
        records = np.concatenate(self._ties) if self._ties else np.zeros(0, dtype=RECORD)
        self._ties = []
        records = records[np.argsort(records["seq"], kind="stable")]
        counts = TieCounts()
        new = collapse(records, counts) if records.shape[0] else Ties.empty()
        written = self._store._write_ties(self._name, new, replace=self._replace,
                                          everything=len(new) > WRITE_BATCH,
                                          leaving=self.leaving)
        self.remove_leaving()
        self.finished = True
        summary = ImportSummary(self._name, *self.people_counts, written.added,
                                written.updated, written.unchanged)
        return BulkResult(summary, counts.merged, counts.first_merged)


def _split_fields(fields: str) -> list[str]:
    """The comma-separated expressions of ``_PERSON_FIELDS`` (commas inside brackets kept)."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in fields:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts]


def _person(values: Sequence[Any]) -> Person:
    """A model person from the values of ``_PERSON_FIELDS``."""
    return Person(
        id=values[0], name=values[1], group=values[2], other_groups=tuple(values[3]),
        organisation=values[4], segments=tuple(values[5]), formal_power=values[6],
        informal_power=values[7], lived_experience=bool(values[8]), engagement=values[9],
        role=values[10] or None,
        joined=date.fromisoformat(values[11]) if values[11] else None,
    )

