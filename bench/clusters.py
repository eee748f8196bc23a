"""What clusters and brokers add to the analysis of a large map, measured in one run.

On one seeded synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default) it times, each the median of ``--reps`` runs once the compiled kernels are loaded:

* ``analyse()`` as a whole, clusters and brokers included;
* the clusters (``find_clusters``: building igraph's graph, Leiden, the summaries) and the
  brokers (``find_brokers``: betweenness from the sources, the listing), called as ``analyse()``
  calls them;
* the rest of the analysis: the whole less those two (what the analysis cost before them).

and prints the ratio (clusters + brokers) ÷ the rest: the target is at most 1. The results go to
``bench/results/clusters.json``.

Run:  make bench-clusters   (or: .venv/bin/python -m bench.clusters [--people 100000] [--reps 3])
"""

from __future__ import annotations

import sys
import time
from typing import Any

from bench.common import ROOT, one_map_main, timed
from graph.analysis import analyse
from graph.analysis.brokers import betweenness, find_brokers, source_count
from graph.analysis.clusters import find_clusters
from graph.analysis.kernels import warm_up
from graph.analysis.reach import within_hops
from graph.synthetic import synthetic_constituency

__all__ = ["TARGET", "run"]

DEFAULT_JSON = ROOT / "bench" / "results" / "clusters.json"
TARGET = 1.0
"""Clusters and brokers may add at most this many times the rest of the analysis."""


def run(people: int, ties_per_person: float, reps: int, seed: int = 1) -> dict[str, Any]:
    """Time the analysis, its clusters and its brokers on one synthetic map."""
    out: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person, "seed": seed}
    start = time.perf_counter()
    graph = synthetic_constituency(people, ties_per_person, seed=seed)
    out["generate_s"] = round(time.perf_counter() - start, 2)
    out["ties"] = graph.m
    start = time.perf_counter()
    warm_up()
    betweenness(synthetic_constituency(50, 3, seed=seed))  # compiles the betweenness kernel
    import igraph  # noqa: F401  (imported before the clock starts)

    out["warm_up_s"] = round(time.perf_counter() - start, 2)

    core = graph.core_mask
    reached = within_hops(graph, core, 1)
    full = timed(lambda: analyse(graph), reps)
    clusters = timed(lambda: find_clusters(graph, core, 1, reached=reached), reps)
    labels = clusters.result.labels
    brokers = timed(lambda: find_brokers(graph, labels), reps)
    added = clusters.median + brokers.median
    rest = full.median - added
    out.update({
        "analyse": full.to_dict(),
        "clusters": clusters.to_dict(),
        "brokers": brokers.to_dict(),
        "clusters_found": clusters.result.count,
        "clusters_of_min_size": clusters.result.large,
        "modularity": clusters.result.modularity,
        "broker_sources": source_count(graph.n, graph.m),
        "rest_of_analysis_s": rest,
        "added_s": added,
        "ratio": added / rest if rest > 0 else None,
        "target": TARGET,
    })
    out["met"] = out["ratio"] is not None and out["ratio"] <= TARGET
    return out


def table(result: dict[str, Any]) -> str:
    """The results as a small table a reader can paste."""
    ratio = result["ratio"]
    rows = [
        ("people / ties", f"{result['people']:,} / {result['ties']:,}"),
        ("analyse(), all of it", f"{result['analyse']['median_s']:.3f} s"),
        ("  clusters (igraph Leiden + summaries)", f"{result['clusters']['median_s']:.3f} s"
         f" ({result['clusters_found']:,} clusters, {result['clusters_of_min_size']:,} of 5+;"
         f" modularity {result['modularity']:.3f})"),
        ("  brokers (betweenness)", f"{result['brokers']['median_s']:.3f} s"
         f" ({result['broker_sources']} sources)"),
        ("  the rest (the analysis before them)", f"{result['rest_of_analysis_s']:.3f} s"),
        ("clusters + brokers ÷ the rest", "–" if ratio is None else
         f"{ratio:.2f}× (target ≤ {result['target']:g}×: {'met' if result['met'] else 'NOT met'})"),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    return one_map_main(argv, (__doc__ or "").splitlines()[0], DEFAULT_JSON, run, table)


if __name__ == "__main__":
    sys.exit(main())
