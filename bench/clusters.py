"""What clusters and brokers add to the analysis of a large map, measured in one run.

On one seeded synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default) it times, each the median of ``--reps`` runs once the compiled kernels are loaded:

* ``analyse()`` as a whole, clusters and brokers included (the brokers' compiled searches run
  in a thread beside the rest, so on a machine with a spare core part of their time hides);
* the rest of the analysis on its own: every part ``analyse()`` runs but the clusters and the
  brokers (reach, whom to engage next, roles, gaps): what the analysis cost before them;
* the clusters (``find_clusters``: building igraph's graph, Leiden, the summaries) and the
  brokers (``broker_scores`` and ``find_brokers``) each on their own, for the table;
* ``analyse()`` again after an edit that leaves the ties as they were (someone moves up the
  ladder): clusters and brokers depend on the ties alone and are reused
  (``graph.analysis.topology_memo``), so this is what most edits cost.

Every timing but the last starts with those memos emptied, so it measures the work itself.

and prints the ratio (the whole − the rest) ÷ the rest: what clusters and brokers add to the
analysis's time, as a multiple of the rest; the target is at most 1. The results go to
``bench/results/clusters.json``.

Run:  make bench-clusters   (or: .venv/bin/python -m bench.clusters [--people 100000] [--reps 3])
"""

from __future__ import annotations

import dataclasses
import sys
import time
from typing import Any

from bench.common import ROOT, one_map_main, timed, two_columns
from graph.analysis import AnalysisOptions, analyse
from graph.analysis.brokers import SCORES_MEMO as broker_memo
from graph.analysis.brokers import betweenness, find_brokers, source_count
from graph.analysis.clusters import LABELS_MEMO as cluster_memo
from graph.analysis.clusters import find_clusters
from graph.analysis.gaps import find_gaps
from graph.analysis.kernels import warm_up
from graph.analysis.reach import core_reach, greedy_plans, within_hops
from graph.analysis.result import Clusters
from graph.analysis.roles import infer_roles
from graph.compact import CompactGraph
from graph.synthetic import synthetic_constituency

__all__ = ["TARGET", "run"]

DEFAULT_JSON = ROOT / "bench" / "results" / "clusters.json"
TARGET = 1.0
"""Clusters and brokers may add at most this many times the rest of the analysis."""


def _forgotten(graph: CompactGraph) -> CompactGraph:
    """``graph``, with the clusters and broker scores kept for tie structures forgotten."""
    cluster_memo.clear()
    broker_memo.clear()
    return graph


def _promoted(graph: CompactGraph) -> CompactGraph:
    """The same map after an edit that keeps the ties: its first person one rung up."""
    engagement = graph.engagement.copy()
    engagement[0] = min(int(engagement[0]) + 1, 4)
    return dataclasses.replace(graph, engagement=engagement)


def _rest(graph: CompactGraph, clusters: Clusters) -> None:
    """Every part of ``analyse()`` but finding the clusters and the brokers, as it runs them."""
    options = AnalysisOptions()
    channels = graph.channels(options.min_trust)
    core = graph.core_mask
    reach = core_reach(channels, core, options.hops)
    greedy_plans(channels, core, options)
    roles = infer_roles(graph, options)
    within_hops(channels, core, options.hops)
    find_gaps(graph, options, reach=reach, roles=roles, channels=channels, clusters=clusters)


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
    full = timed(lambda: analyse(_forgotten(graph)), reps)
    clusters = timed(lambda: find_clusters(_forgotten(graph), core, 1, reached=reached), reps)
    labels = clusters.result.labels
    brokers = timed(lambda: find_brokers(_forgotten(graph), labels), reps)
    rest_timing = timed(lambda: _rest(graph, clusters.result), reps)
    analyse(graph)  # the memos now hold this map's ties
    edited = _promoted(graph)
    after_edit = timed(lambda: analyse(edited), reps)
    rest = rest_timing.median
    added = full.median - rest
    out.update({
        "rest": rest_timing.to_dict(),
        "analyse": full.to_dict(),
        "clusters": clusters.to_dict(),
        "brokers": brokers.to_dict(),
        "clusters_found": clusters.result.count,
        "clusters_of_min_size": clusters.result.large,
        "modularity": clusters.result.modularity,
        "broker_sources": source_count(graph.n, graph.m),
        "rest_of_analysis_s": rest,
        "added_s": added,
        "after_an_edit": after_edit.to_dict(),
        "after_an_edit_ratio": after_edit.median / rest if rest > 0 else None,
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
        ("the rest on its own (the analysis before them)",
         f"{result['rest_of_analysis_s']:.3f} s"),
        ("added by clusters and brokers (all − the rest)", f"{result['added_s']:.3f} s"),
        ("added ÷ the rest", "–" if ratio is None else
         f"{ratio:.2f}× (target ≤ {result['target']:g}×: {'met' if result['met'] else 'NOT met'})"),
        ("analyse() after an edit that keeps the ties",
         f"{result['after_an_edit']['median_s']:.3f} s"
         + ("" if result["after_an_edit_ratio"] is None else
            f" ({result['after_an_edit_ratio']:.2f}× the rest)")),
    ]
    return two_columns(rows)


def main(argv: list[str] | None = None) -> int:
    return one_map_main(argv, (__doc__ or "").splitlines()[0], DEFAULT_JSON, run, table)


if __name__ == "__main__":
    sys.exit(main())
