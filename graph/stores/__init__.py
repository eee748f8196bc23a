"""Stores that hold constituencies: SQLite (embedded default) and, later, Neo4j."""

from graph.stores.base import GraphStore, open_store

__all__ = ["GraphStore", "open_store"]
