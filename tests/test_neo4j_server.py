"""The Neo4j test server starts, answers Cypher through the official driver and stops cleanly.

Runs only with MOVEMAP_NEO4J_TESTS=1: the first run builds the server (Maven, Java 17).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j_server import start_server, stop

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        os.environ.get("MOVEMAP_NEO4J_TESTS") != "1",
        reason="set MOVEMAP_NEO4J_TESTS=1 to run against a real Neo4j (needs Java 17 and Maven)",
    ),
]


@pytest.fixture(scope="module")
def neo4j_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, process = start_server(Path(tmp_path_factory.mktemp("neo4j")))
    try:
        yield url
    finally:
        stop(process)
        assert process.returncode is not None


def test_server_prints_a_loopback_bolt_address(neo4j_url: str) -> None:
    assert neo4j_url.startswith("bolt://127.0.0.1:")
    assert int(neo4j_url.rsplit(":", 1)[1]) > 0


def test_server_runs_cypher_through_the_driver(neo4j_url: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_url, auth=None) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        driver.execute_query("CREATE (:Person {id: $id, name: $name})", id="p1", name="Ada")
        records, _, _ = driver.execute_query(
            "MATCH (p:Person {id: $id}) RETURN p.name AS name", id="p1"
        )
        assert [r["name"] for r in records] == ["Ada"]


def test_server_stops_when_asked(tmp_path: Path) -> None:
    url, process = start_server(tmp_path / "neo4j")
    assert url.startswith("bolt://")
    stop(process)
    assert process.returncode is not None
