"""SQLite and Neo4j side by side: CSV import rate and load-for-analysis time.

For each size (10,000 and 100,000 people with 10 ties each by default) the same synthetic
constituency (``graph.synthetic``) is written as the two CSV files and imported with
``movemap import``'s code (``graph.importer.import_csv``) into a fresh SQLite store and into a
wiped Neo4j database; then ``load_graph`` (what every analysis starts with) is timed on both,
and the two loaded graphs are checked to be equal. An untimed 2,000-person round first warms
both up. Ratios compare the stores in the same run,
so a busy machine slows both.

Neo4j is the server named by ``MOVEMAP_TEST_NEO4J_URL``; ``make bench-stores`` starts the test
server (``scripts/with-neo4j``, heap 6 GB: a 100,000-person import is one transaction; page
cache 2 GB).
The Neo4j database is wiped before each size: never point this at a database you want to keep.

Run:  make bench-stores     (or: .venv/bin/python -m bench.stores [--people 10000,100000])
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ROOT, commit_info, machine_info, timed
from bench.synthetic import write_constituency
from graph.compact import CompactGraph
from graph.importer import import_csv
from graph.stores.base import GraphStore, open_store

NAME = "bench"
DEFAULT_JSON = ROOT / "bench" / "results" / "stores.json"


def _wipe_neo4j(url: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(url, auth=None) as driver, driver.session() as session:
        # in batches: a whole 100,000-person map is too big to delete in one transaction
        session.run("MATCH (p:Person) CALL (p) { DETACH DELETE p } "
                    "IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) WHERE NOT n:MovemapSchema DETACH DELETE n").consume()


def _same(a: CompactGraph, b: CompactGraph) -> bool:
    """Whether two loaded graphs hold the same people, ties and attributes."""
    arrays = ("group", "member_of", "segment_indptr", "segment_indices", "formal_power",
              "informal_power", "lived_experience", "engagement", "declared_role", "joined",
              "edge_u", "edge_v", "edge_since", "indptr", "indices")
    return (a.ids == b.ids and a.names == b.names and a.segment_names == b.segment_names
            and all(np.array_equal(getattr(a, k), getattr(b, k)) for k in arrays)
            and all(np.array_equal(a.strength[t], b.strength[t]) for t in a.strength))


def measure(store: GraphStore, people_csv: Path, ties_csv: Path, reps: int) -> dict[str, Any]:
    """Import the pair once (timed), then time ``load_graph``."""
    start = time.perf_counter()
    summary = import_csv(store, NAME, people_csv, ties_csv)
    import_s = time.perf_counter() - start
    rows = summary.people_added + summary.relationships_added
    load = timed(lambda: store.load_graph(NAME), reps=reps)
    return {
        "import_s": round(import_s, 3),
        "rows": rows,
        "rows_per_s": round(rows / import_s),
        "load_median_s": round(load.median, 4),
        "load_runs_s": [round(x, 4) for x in load.runs],
        "graph": load.result,
    }


def run_size(people: int, ties_per_person: float, neo4j_url: str, reps: int,
             folder: Path) -> dict[str, Any]:
    people_csv, ties_csv = write_constituency(folder / "csv", people, ties_per_person)
    result: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person}
    graphs = {}
    for kind, url in (("sqlite", f"sqlite:///{(folder / 'store.db').absolute()}"),
                      ("neo4j", neo4j_url)):
        if kind == "neo4j":
            _wipe_neo4j(url)
        print(f"  {people:,} people → {kind}…", file=sys.stderr, flush=True)
        store = open_store(url)
        try:
            measured = measure(store, people_csv, ties_csv, reps)
        finally:
            store.close()
        graphs[kind] = measured.pop("graph")
        result[kind] = measured
    result["ties"] = graphs["sqlite"].m
    result["same_graph"] = _same(graphs["sqlite"], graphs["neo4j"])
    result["import_ratio"] = round(result["neo4j"]["import_s"] / result["sqlite"]["import_s"], 2)
    result["load_ratio"] = round(
        result["neo4j"]["load_median_s"] / result["sqlite"]["load_median_s"], 2)
    return result


def render(results: dict[str, Any]) -> str:
    lines = [
        "| people / ties | store | import | rows/s | load for analysis | same graph |",
        "|---|---|---|---|---|---|",
    ]
    for size in results["sizes"]:
        label = f"{size['people']:,} / {size['ties']:,}"
        for kind in ("sqlite", "neo4j"):
            s = size[kind]
            lines.append(f"| {label} | {kind} | {s['import_s']:.2f} s | {s['rows_per_s']:,} | "
                         f"{s['load_median_s'] * 1000:,.0f} ms | {size['same_graph']} |")
        lines.append(f"| {label} | Neo4j ÷ SQLite | {size['import_ratio']:.2f}× | | "
                     f"{size['load_ratio']:.2f}× | |")
    for size in results["sizes"]:
        if size["people"] == 100_000:
            verdict = "met" if size["neo4j"]["import_s"] < 60 else "NOT MET"
            lines.append(f"\nAim: 100,000 people into Neo4j in under a minute: "
                         f"{size['neo4j']['import_s']:.1f} s ({verdict}).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="10000,100000",
                        help="comma-separated sizes (default 10000,100000)")
    parser.add_argument("--ties-per-person", type=float, default=10)
    parser.add_argument("--reps", type=int, default=3, help="load_graph runs per store")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    url = os.environ.get("MOVEMAP_TEST_NEO4J_URL", "").strip()
    if not url:
        print("bench.stores: set MOVEMAP_TEST_NEO4J_URL, or run `make bench-stores`, which "
              "starts a Neo4j test server", file=sys.stderr)
        return 2
    sizes = [int(x.replace("_", "")) for x in args.people.split(",") if x.strip()]
    results: dict[str, Any] = {"commit": commit_info(), "machine": machine_info(),
                               "neo4j_url": url, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="movemap-bench-stores-") as folder:
        # a first, untimed import warms up both sides (Neo4j's JIT and query plans, numba), so
        # the figures are those of a server that has been running, as in production
        print("  warming up…", file=sys.stderr, flush=True)
        run_size(2_000, args.ties_per_person, url, 1, Path(folder) / "warm-up")
        for people in sizes:
            results["sizes"].append(run_size(people, args.ties_per_person, url, args.reps,
                                             Path(folder) / str(people)))
    print(render(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
