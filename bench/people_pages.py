"""What the gap cards, the people list and the person search cost on a large map, in one run.

On one seeded synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default) it times, each the median of ``--reps`` runs once the compiled kernels are loaded:

* ``analyse()`` as a whole: the yardstick every other figure is a ratio of;
* once per revision of a map (the pages keep the result until the map changes): the search
  index (everyone's folded name, organisation and id, and the name order), and who would cut
  fewer people off than the gaps report (the gaps page's single-point-of-failure sentence);
* per request: the gap cards of the gaps page, one search as you type, and the people list
  filtered by a group and a search and sorted by ties, and unfiltered in name order.

Targets: at most 0.10 × the analysis for each once-per-revision part, at most 0.02 × for each
per-request part. The results go to ``bench/results/people_pages.json``.

Run:  .venv/bin/python -m bench.people_pages [--people 100000] [--reps 3]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from bench.common import ROOT, Timing, one_map_main, timed, two_columns
from dashboards.gap_cards import gap_cards
from graph.analysis import analyse
from graph.analysis.connectivity import spof_cut_off_and_components
from graph.analysis.gap_groups import name_lookup
from graph.analysis.kernels import warm_up
from graph.analysis.reach import within_hops
from graph.synthetic import synthetic_constituency
from service.people_list import read_filters, select
from service.person_search import SearchIndex, fold_all

__all__ = ["PER_REQUEST", "PER_REVISION", "run"]

DEFAULT_JSON = ROOT / "bench" / "results" / "people_pages.json"
PER_REVISION = 0.10
"""A part computed once per revision may cost at most this share of the analysis."""
PER_REQUEST = 0.02
"""A part computed on every request may cost at most this share of the analysis."""


def run(people: int, ties_per_person: float, reps: int, seed: int = 1) -> dict[str, Any]:
    """Time the analysis and each part on one synthetic map."""
    out: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person, "seed": seed}
    start = time.perf_counter()
    graph = synthetic_constituency(people, ties_per_person, seed=seed)
    out["generate_s"] = round(time.perf_counter() - start, 2)
    out["ties"] = graph.m
    warm_up()
    fold_all(["é"])  # its table of marks and spaces, built once per process

    full = timed(lambda: analyse(graph), reps)
    analysis = full.result
    core = graph.core_mask
    reached = within_hops(graph, core, 1)
    suggested = np.full(graph.n, -1, dtype=np.int8)
    index = timed(lambda: SearchIndex(graph), reps)
    search = index.result
    some_name = next((name for name in graph.names if name), "a")[:3]

    def people_list(args: dict[str, str]) -> Any:
        filters, _ = read_filters(args, graph.segment_names)
        return select(graph, filters, text=search.text, name_rank=search.name_rank,
                      suggested=suggested, reached=reached)

    parts: dict[str, tuple[str, Timing[Any]]] = {
        "search index": ("revision", index),
        "cut off below the minimum": ("revision", timed(
            lambda: spof_cut_off_and_components(graph.channels({}), core), reps)),
        "gap cards": ("request", timed(
            lambda: gap_cards(analysis.gaps, name_lookup(graph), limit=25), reps)),
        f"search as you type ({some_name!r})": ("request", timed(
            lambda: search.find(some_name), reps)),
        "people list: group, search, by ties": ("request", timed(
            lambda: people_list({"group": "people", "q": some_name, "sort": "-ties"}), reps)),
        "people list: everyone by name": ("request", timed(lambda: people_list({}), reps)),
    }
    out["analyse"] = full.to_dict()
    out["gaps"] = len(analysis.gaps)
    out["parts"] = {}
    for label, (when, timing) in parts.items():
        limit = PER_REVISION if when == "revision" else PER_REQUEST
        ratio = timing.median / full.median
        out["parts"][label] = {**timing.to_dict(), "when": when, "ratio": ratio,
                               "target": limit, "met": ratio <= limit}
    out["met"] = all(p["met"] for p in out["parts"].values())
    return out


def table(result: dict[str, Any]) -> str:
    """The results as a small table a reader can paste."""
    rows = [("people / ties", f"{result['people']:,} / {result['ties']:,}"),
            ("analyse(), all of it", f"{result['analyse']['median_s']:.3f} s "
             f"({result['gaps']:,} gaps)")]
    for label, part in result["parts"].items():
        rows.append((f"  {label} (per {part['when']})",
                     f"{part['median_s']:.3f} s = {part['ratio']:.3f}× the analysis "
                     f"(target ≤ {part['target']:g}×: {'met' if part['met'] else 'NOT met'})"))
    return two_columns(rows)


def main(argv: list[str] | None = None) -> int:
    return one_map_main(argv, (__doc__ or "").splitlines()[0], DEFAULT_JSON, run, table)


if __name__ == "__main__":
    sys.exit(main())
