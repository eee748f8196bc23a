"""Store helpers shared by the tests (a module, not conftest, so importing it is unambiguous).

The Neo4j store runs against the real server the test script starts
(``tools/neo4j-test-server/start``, see ``scripts/test``): its address comes in
``MOVEMAP_TEST_NEO4J_URL``. Without it, a test that takes a Neo4j store is skipped with the
reason, so ``pytest`` alone still runs everything else; ``scripts/test`` always sets it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.stores.base import GraphStore, open_store

STORE_KINDS: tuple[str, ...] = ("sqlite", "neo4j")

NEO4J_URL_VARIABLE = "MOVEMAP_TEST_NEO4J_URL"


def sqlite_url(folder: Path, name: str = "movemap.db") -> str:
    """A ``sqlite:///`` URL for a file in ``folder`` (absolute, so it has four slashes)."""
    return f"sqlite:///{(folder / name).absolute()}"


def neo4j_url() -> str:
    """The test server's Bolt URL; skips the test when the test script did not start one."""
    url = os.environ.get(NEO4J_URL_VARIABLE, "").strip()
    if not url:
        pytest.skip(f"no Neo4j test server: {NEO4J_URL_VARIABLE} is not set (scripts/test "
                    "starts one)")
    return url


def wipe_neo4j(url: str) -> None:
    """Remove every constituency, person and tie from the test server (the schema stays)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(url, auth=None) as driver:
        driver.execute_query("MATCH (n) WHERE NOT n:MovemapSchema DETACH DELETE n")


def store_url(kind: str, folder: Path) -> str:
    """The URL of a fresh, empty store of ``kind`` (a Neo4j store is wiped first)."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        return sqlite_url(folder)
    if kind == "neo4j":
        url = neo4j_url()
        wipe_neo4j(url)
        return url
    raise ValueError(f"unknown store kind {kind!r}")


def make_store(kind: str, folder: Path) -> GraphStore:
    """A fresh, empty store of ``kind`` whose files (if any) live in ``folder``."""
    return open_store(store_url(kind, folder))
