"""Fixtures shared by the test suite: fresh temporary stores of every kind.

``store`` is parametrised over ``STORE_KINDS`` (SQLite and Neo4j), so a test that takes it runs
once per store and the stores cannot drift apart (the store contract suite, the importer, the
CLI…). The Neo4j store is the real server ``scripts/test`` starts, wiped before each test.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from stores import STORE_KINDS, make_store, sqlite_url

from graph.stores.base import GraphStore

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def tmp_store_url(tmp_path: Path) -> str:
    """The URL of a fresh SQLite store file in the test's temporary folder (not yet created)."""
    return sqlite_url(tmp_path)


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh, empty store, once for every store kind; closed after the test."""
    opened = make_store(str(request.param), tmp_path / f"store-{request.param}")
    try:
        yield opened
    finally:
        opened.close()
