"""Store helpers shared by the tests (a module, not conftest, so importing it is unambiguous)."""

from __future__ import annotations

from pathlib import Path

from graph.stores.base import GraphStore, open_store

STORE_KINDS: tuple[str, ...] = ("sqlite",)


def sqlite_url(folder: Path, name: str = "movemap.db") -> str:
    """A ``sqlite:///`` URL for a file in ``folder`` (absolute, so it has four slashes)."""
    return f"sqlite:///{(folder / name).absolute()}"


def make_store(kind: str, folder: Path) -> GraphStore:
    """A fresh, empty store of ``kind`` whose files (if any) live in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        return open_store(sqlite_url(folder))
    raise ValueError(f"unknown store kind {kind!r}")
