"""Files only their owner can read, and deleted people gone from the SQLite files' bytes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graph.model import Constituency, Person
from graph.stores.sqlite import SQLiteStore
from service.accounts import AccountStore
from service.config import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask() -> object:
    """The most permissive usual umask, so only movemap's own care makes the files private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_store_and_its_wal_are_readable_by_their_owner_alone(tmp_path: Path) -> None:
    path = tmp_path / "movemap.db"
    store = SQLiteStore(f"sqlite:///{path}")
    try:
        store.create_constituency(Constituency(name="bay"))
        store.upsert_people("bay", [Person(id="ana", group="people")])
        files = [p for p in tmp_path.iterdir() if p.name.startswith("movemap.db")]
        assert {p.name for p in files} >= {"movemap.db", "movemap.db-wal", "movemap.db-shm"}
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        store.close()


def test_an_existing_world_readable_store_is_made_private_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "movemap.db"
    SQLiteStore(f"sqlite:///{path}").close()
    path.chmod(0o644)
    SQLiteStore(f"sqlite:///{path}").close()
    assert mode(path) == 0o600


def test_the_accounts_file_with_its_password_hashes_is_private(tmp_path: Path) -> None:
    path = tmp_path / "accounts.db"
    accounts = AccountStore(str(path))
    try:
        accounts.add_user("lead@example.org", "correct horse battery staple")
    finally:
        accounts.close()
    assert mode(path) == 0o600


def test_the_generated_secret_and_its_folder_are_private(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data" / "movemap"
    monkeypatch.setenv("MOVEMAP_DATA_DIR", str(folder))
    monkeypatch.delenv("MOVEMAP_SECRET_KEY", raising=False)
    Settings.from_env(store_url="sqlite:///x.db", accounts_url="sqlite:///a.db")
    assert mode(folder) == 0o700
    assert mode(folder / "secret_key") == 0o600


def _bytes_of(folder: Path, prefix: str) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith(prefix))


@pytest.mark.parametrize("how", ["person", "map"])
def test_a_deleted_persons_name_is_gone_from_the_database_and_its_wal(
    tmp_path: Path, how: str,
) -> None:
    """``secure_delete`` overwrites the deleted rows and the WAL is emptied after a deletion.
    (The store's current map; what the history keeps is another matter, see docs/history.md.)"""
    store = SQLiteStore(f"sqlite:///{tmp_path / 'movemap.db'}")
    try:
        store.create_constituency(Constituency(name="bay"))
        store.upsert_people("bay", [Person(id="p1", name="Zebedee Quixotewright",
                                           group="people"),
                                    Person(id="p2", name="Ann Other", group="people")])
        assert store._conn.execute("PRAGMA secure_delete").fetchone() == (1,)
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the name now in the main file
        assert b"Zebedee Quixotewright" in _bytes_of(tmp_path, "movemap.db")
        if how == "person":
            store.delete_person("bay", "p1")
        else:
            store.delete_constituency("bay")
        data = _bytes_of(tmp_path, "movemap.db")
        assert b"Zebedee Quixotewright" not in data
        assert (b"Ann Other" in data) == (how == "person")
    finally:
        store.close()
