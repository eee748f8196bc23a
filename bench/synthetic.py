"""Seeded synthetic constituencies as the two CSV files (a wrapper of graph/synthetic.py)."""

from __future__ import annotations

from pathlib import Path

from graph.synthetic import synthetic_constituency, write_csv_pair

__all__ = ["write_constituency"]


def write_constituency(folder: Path, people: int, ties_per_person: float = 10,
                       seed: int = 1) -> tuple[Path, Path]:
    """Write people.csv and relationships.csv of ``synthetic_constituency(people, …)``."""
    graph = synthetic_constituency(people, ties_per_person, seed=seed)
    return write_csv_pair(graph, folder)
