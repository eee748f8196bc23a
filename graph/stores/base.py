"""The ``GraphStore`` protocol every store implements, and ``open_store`` that picks one by URL.

Services receive a store; they never import a driver. A store holds many constituencies, each
a set of people, recorded relationships and expected segments.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from graph.compact import CompactGraph
from graph.errors import StoreError
from graph.model import Constituency, Person, Relationship

__all__ = [
    "DEFAULT_STORE_URL",
    "ConstituencySummary",
    "GraphStore",
    "ImportSummary",
    "open_store",
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
    def set_expected_segments(self, name: str, segments: Sequence[str]) -> None: ...
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
    def delete_person(self, name: str, person_id: str) -> None:
        """Remove a person and every relationship they are part of."""
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
    def load_graph(self, name: str) -> CompactGraph:
        """The whole constituency as a compact analysis graph."""
        ...


def store_url_from_env() -> str:
    """``MOVEMAP_STORE`` or the default ``sqlite:///movemap.db`` (in the working directory)."""
    return os.environ.get("MOVEMAP_STORE", "").strip() or DEFAULT_STORE_URL


def open_store(url: str | None = None) -> GraphStore:
    """Open the store a URL names: ``sqlite:///relative/path.db`` or ``sqlite:////abs/path.db``."""
    url = url or store_url_from_env()
    scheme, sep, _rest = url.partition("://")
    if not sep:
        raise StoreError(
            f"store URL {url!r} is not a URL; use e.g. sqlite:///movemap.db (see README)"
        )
    if scheme == "sqlite":
        from graph.stores.sqlite import SQLiteStore

        return SQLiteStore(url)
    if scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        raise StoreError("the Neo4j store is not available yet in this version")
    raise StoreError(f"unknown store scheme {scheme!r} in {url!r}; supported: sqlite")
