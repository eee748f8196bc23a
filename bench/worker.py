"""One phase of the benchmark for one size, in a fresh process (``python -m bench.worker``).

Each phase runs in its own process so that its peak memory is its own:

- ``prepare``: generate the synthetic constituency, write its CSV pair, import the pair into a
  fresh SQLite store;
- ``analyse``: load the graph from the store, run our analysis (every metric on its own, then
  ``analyse()``), then the limit (one compiled breadth-first pass) and igraph on the same
  arrays;
- ``networkx``: load the graph again and time the straightforward networkx implementation.

Each phase writes a JSON object to ``--out``; ``python -m bench`` runs them and reports.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Timing, current_rss_mib, peak_rss_mib, reset_peak_rss, timed

NAME = "bench"
METRICS = ("core_reach", "recommended_core", "target_plan", "roles", "gaps")
"""Our metrics, timed one by one as ``analyse()`` calls them."""


def _store_url(work: Path) -> str:
    return f"sqlite:///{(work / 'store.db').absolute()}"


def prepare(people: int, ties_per_person: float, seed: int, work: Path) -> dict[str, Any]:
    from graph.importer import import_csv
    from graph.stores.base import open_store
    from graph.synthetic import synthetic_constituency, write_csv_pair

    out: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person, "seed": seed}
    start = time.perf_counter()
    synthetic_constituency(30)  # compiled kernels of the compact graph: compile or load once
    out["warm_up_s"] = time.perf_counter() - start
    start = time.perf_counter()
    graph = synthetic_constituency(people, ties_per_person, seed=seed, name=NAME)
    out["generate_s"] = time.perf_counter() - start
    out["ties"] = graph.m
    out["generate_peak_rss_mib"] = peak_rss_mib()
    start = time.perf_counter()
    people_path, relationships_path = write_csv_pair(graph, work / "csv")
    out["write_csv_s"] = time.perf_counter() - start
    out["csv_mib"] = (people_path.stat().st_size + relationships_path.stat().st_size) / 2**20
    with relationships_path.open("rb") as handle:
        out["relationship_rows"] = sum(chunk.count(b"\n") for chunk in iter(
            lambda: handle.read(1 << 24), b"")) - 1
    expected = list(graph.expected_segments)
    del graph
    database = work / "store.db"
    if database.exists():
        database.unlink()
    out["import_peak_is_own"] = reset_peak_rss()
    store = open_store(_store_url(work))
    try:
        start = time.perf_counter()
        import_csv(store, NAME, people_path, relationships_path)
        out["import_s"] = time.perf_counter() - start
        store.set_expected_segments(NAME, expected)
    finally:
        store.close()
    out["import_peak_rss_mib"] = peak_rss_mib()
    out["import_rows_per_s"] = (people + out["relationship_rows"]) / out["import_s"]
    out["store_mib"] = database.stat().st_size / 2**20
    return out


def analyse_phase(work: Path, reps: int, freeze: bool = True) -> dict[str, Any]:
    from graph.analysis import AnalysisOptions, analyse
    from graph.analysis import reach as reach_module
    from graph.analysis.connectivity import component_labels, spof_cut_off, unique_reach
    from graph.analysis.gaps import find_gaps
    from graph.analysis.reach import core_reach, recommended_core, to_reach_target, within_hops
    from graph.analysis.roles import infer_roles
    from graph.stores.base import open_store
    from graph.synthetic import REFERENCE_DATE, synthetic_constituency

    with contextlib.suppress(ImportError):
        import igraph  # noqa: F401  (imported before the clock starts)
    if freeze:
        gc.freeze()  # what is loaded so far stays: later collections need not walk it
    out: dict[str, Any] = {"rss_before_load_mib": current_rss_mib()}
    # compiled kernels (numba): compiled, or loaded from numba's cache, once per process
    start = time.perf_counter()
    warm_up = _kernel_warm_up()
    if warm_up is not None:
        warm_up()
    analyse(synthetic_constituency(30), AnalysisOptions(as_of=REFERENCE_DATE))
    out["kernel_warm_up_s"] = time.perf_counter() - start
    store = open_store(_store_url(work))
    try:
        start = time.perf_counter()
        graph = store.load_graph(NAME)
        out["load_s"] = time.perf_counter() - start
    finally:
        store.close()
    out["people"], out["ties"] = graph.n, graph.m
    options = AnalysisOptions(as_of=REFERENCE_DATE)

    # the first analysis of a freshly loaded graph: what a user waits for
    start = time.perf_counter()
    result = analyse(graph, options)
    out["analyse_cold_s"] = time.perf_counter() - start
    out["load_plus_analyse_s"] = out["load_s"] + out["analyse_cold_s"]
    out["peak_rss_mib"] = peak_rss_mib()  # load + one full analysis, this process only

    channels = graph.channels(options.min_trust)
    core = graph.core_mask
    timings: dict[str, Timing[Any]] = {}
    timings["core_reach"] = timed(lambda: core_reach(channels, core, options.hops), reps)
    reach = timings["core_reach"].result
    timings["recommended_core"] = timed(lambda: recommended_core(channels, core, options), reps)
    timings["target_plan"] = timed(lambda: to_reach_target(channels, core, options), reps)
    # analyse() may grow both plans in one greedy run: time that too where it exists
    greedy_plans = getattr(reach_module, "greedy_plans", None)
    if greedy_plans is not None:
        timings["greedy_plans"] = timed(lambda: greedy_plans(channels, core, options), reps)
    timings["roles"] = timed(lambda: infer_roles(graph, options), reps)
    roles = timings["roles"].result
    gap_args: dict[str, Any] = {"reach": reach, "roles": roles}
    if "channels" in inspect.signature(find_gaps).parameters:
        gap_args["channels"] = channels  # as analyse() passes it
    timings["gaps"] = timed(lambda: find_gaps(graph, options, **gap_args), reps)
    timings["analyse"] = timed(lambda: analyse(graph, options), reps)
    out["analysis"] = {k: t.to_dict() for k, t in timings.items()}

    kernels: dict[str, Timing[Any]] = {
        "degree": timed(graph.degree, max(reps, 5)),
        "components": timed(lambda: component_labels(channels), max(reps, 5)),
        "spof_cut_off": timed(lambda: spof_cut_off(channels, core), max(reps, 5)),
        "within_1_hop": timed(lambda: within_hops(channels, core, 1), max(reps, 5)),
        "within_2_hops": timed(lambda: within_hops(channels, core, 2), max(reps, 5)),
        "unique_reach": timed(lambda: unique_reach(channels, core, options.hops), reps),
    }
    out["kernels"] = {k: t.to_dict() for k, t in kernels.items()}
    out["analysis_peak_rss_mib"] = peak_rss_mib()

    data = result.to_dict()
    out["result"] = {
        "core_size": len(data["core"]["members"]),
        "core_share": data["core"]["share"],
        "reach": data["core"]["reach"],
        "recommended_additions": len(data["recommended_core"]["added"]),
        "recommended_first": [(a["id"], a["gain"]) for a in data["recommended_core"]["added"][:50]],
        "target_additions": data["to_reach_target"]["additions"],
        "target_first": [(a["id"], a["gain"])
                         for a in data["to_reach_target"].get("added", [])[:50]],
        "roles": len(data["roles"]),
        "gaps": _count(g["kind"] for g in data["gaps"]),
        "components": int(kernels["components"].result[1]),
        "articulation_people": int(np.count_nonzero(kernels["spof_cut_off"].result)),
    }
    out["bfs"] = bfs_limit(graph, reps=max(reps, 5))
    out["igraph"] = igraph_baseline(graph, core, kernels, reps=max(reps, 5))
    return out


def _kernel_warm_up() -> Any:
    """``graph.analysis.kernels.warm_up`` where the compiled kernels exist, else None."""
    try:
        from graph.analysis import kernels
    except ImportError:
        return None
    return getattr(kernels, "warm_up", None)


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def bfs_limit(graph: Any, reps: int) -> dict[str, Any]:
    """One compiled breadth-first pass over the same CSR adjacency: the memory-bound limit."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import breadth_first_order

    n = graph.n
    index_type = np.int32 if graph.indices.shape[0] < 2**31 else np.int64
    adjacency = csr_array(
        (np.ones(graph.indices.shape[0], dtype=np.float64),
         graph.indices.astype(index_type), graph.indptr.astype(index_type)),
        shape=(n, n),
    )
    start = int(np.argmax(graph.degree())) if n else 0
    timing = timed(lambda: breadth_first_order(adjacency, start, directed=True,
                                               return_predecessors=False), reps)
    return {**timing.to_dict(), "visited": int(timing.result.shape[0]), "start": start}


def igraph_baseline(graph: Any, core: Any, ours: dict[str, Timing[Any]],
                    reps: int) -> dict[str, Any]:
    """python-igraph's own operations on the same graph, against our equivalents."""
    try:
        import igraph as ig
    except ImportError:
        return {"skipped": "python-igraph is not installed"}
    n = graph.n
    edges = list(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True))
    start = time.perf_counter()
    g = ig.Graph(n=n, edges=edges)
    build_s = time.perf_counter() - start
    # for the reach of the core within h hops: one extra vertex tied to every core member, so
    # igraph answers with one neighbourhood query (within h + 1 of it)
    core_nodes = np.flatnonzero(core).tolist()
    with_source = ig.Graph(n=n + 1, edges=edges + [(n, c) for c in core_nodes])
    del edges
    ops: dict[str, Timing[Any]] = {
        "degree": timed(g.degree, reps),
        "components": timed(g.connected_components, reps),
        "spof_cut_off": timed(g.articulation_points, reps),
        "within_1_hop": timed(lambda: with_source.neighborhood(n, order=2), reps),
        "within_2_hops": timed(lambda: with_source.neighborhood(n, order=3), reps),
    }
    ours_within = {1: ours["within_1_hop"].result, 2: ours["within_2_hops"].result}
    agrees = {
        "degree": ops["degree"].result == ours["degree"].result.tolist(),
        "components": len(ops["components"].result) == ours["components"].result[1],
        "within_1_hop": sorted(ops["within_1_hop"].result)[:-1]
        == np.flatnonzero(ours_within[1]).tolist(),
        "within_2_hops": sorted(ops["within_2_hops"].result)[:-1]
        == np.flatnonzero(ours_within[2]).tolist(),
    }
    names = {
        "degree": "degree() / Graph.degree()",
        "components": "component_labels / connected_components()",
        "spof_cut_off": "spof_cut_off (cut-off counts for everyone) / articulation_points()",
        "within_1_hop": "within_hops(core, 1) / neighborhood(order=1) from the core",
        "within_2_hops": "within_hops(core, 2) / neighborhood(order=2) from the core",
    }
    return {
        "build_s": build_s,
        "articulation_points": len(ops["spof_cut_off"].result),
        "ops": {
            k: {
                "what": names[k],
                "ours_s": ours[k].median,
                "igraph_s": t.median,
                "ratio": ours[k].median / t.median if t.median > 0 else None,
                "igraph_runs_s": t.runs,
            }
            for k, t in ops.items()
        },
        "agrees": agrees,
    }


def networkx_phase(work: Path, ours: dict[str, Any], limit_s: float,
                   sample_s: float, freeze: bool = True) -> dict[str, Any]:
    from bench.baseline_networkx import run
    from graph.analysis import AnalysisOptions
    from graph.stores.base import open_store
    from graph.synthetic import REFERENCE_DATE

    store = open_store(_store_url(work))
    try:
        graph = store.load_graph(NAME)
    finally:
        store.close()
    if freeze:
        gc.freeze()
    reset_peak_rss()
    result = ours["result"]
    first = result["target_first"] or result["recommended_first"]
    out = run(
        graph,
        AnalysisOptions(as_of=REFERENCE_DATE),
        recommended_steps=result["recommended_additions"],
        target_steps=result["target_additions"],
        limit_s=limit_s,
        sample_s=sample_s,
        ours_first_additions=[(str(i), int(g)) for i, g in first],
        ours_reach=result["reach"],
    )
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("phase", choices=["prepare", "analyse", "networkx"])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--people", type=int, default=0)
    parser.add_argument("--ties-per-person", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--ours", type=Path, help="the analyse phase's JSON (networkx phase)")
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--sample", type=float, default=20.0)
    parser.add_argument("--no-freeze", action="store_true",
                        help="do not gc.freeze() (when run inside another program)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.phase == "prepare":
        out = prepare(args.people, args.ties_per_person, args.seed, args.work)
    elif args.phase == "analyse":
        out = analyse_phase(args.work, args.reps, freeze=not args.no_freeze)
    else:
        ours = json.loads(args.ours.read_text())
        out = networkx_phase(args.work, ours, args.limit, args.sample,
                             freeze=not args.no_freeze)
    out["pid"] = os.getpid()
    args.out.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
