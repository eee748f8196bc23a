"""What whom-to-engage-next costs with its reasons and its ready plan, against the plans alone.

On a seeded synthetic constituency (``graph.synthetic``, 10 ties per person), for 1, 2 and 3
steps, in one run (so the ratios hold on a shared, noisy machine):

* **plans**: the greedy run of the two plans from anyone, as before (``reach._greedy``);
* **plans + why**: the same with whom each person brings by group (``reach._run``: the
  additions replayed, ``kernels.brought_by_group_csr``), as ``analyse()`` now does;
* **ready plans**: the plans among people ``contributing`` or above (``reach.ready_plans``),
  the extra work when a map sets a readiness level;
* **analyse()**: the whole analysis without and with the readiness level.

Each is the median of ``--reps`` runs, after one warm-up run that loads the compiled kernels.
Prints a table, writes JSON (``bench/results/readiness.json`` by default).

Run:  .venv/bin/python -m bench.readiness [--people 100000] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.common import ROOT, commit_info, machine_info, timed
from graph.analysis import AnalysisOptions, analyse, reach
from graph.analysis.kernels import warm_up
from graph.model import Engagement
from graph.synthetic import synthetic_constituency

__all__ = ["main", "measure"]

DEFAULT_JSON = ROOT / "bench" / "results" / "readiness.json"
LEVEL = Engagement.CONTRIBUTING


def measure(people: int, steps: int, reps: int) -> dict[str, Any]:
    """Seconds (median) of each phase for one map and one number of steps."""
    graph = synthetic_constituency(people, 10, seed=1)
    channels, core = graph.channels({}), graph.core_mask
    options = AnalysisOptions(hops=steps)
    ready = AnalysisOptions(hops=steps, min_engagement=LEVEL)
    wanted = reach._additions_wanted(channels, core, options)

    def plans() -> Any:
        return reach._greedy(channels, core, steps, wanted, options.target_reach)

    def plans_why() -> Any:
        return reach._run(channels, core, steps, wanted, options.target_reach)

    phases = {
        "plans": timed(plans, reps),
        "plans + why": timed(plans_why, reps),
        "ready plans": timed(lambda: reach.ready_plans(channels, core, ready), reps),
        "analyse()": timed(lambda: analyse(graph, options), reps),
        "analyse() with readiness": timed(lambda: analyse(graph, ready), reps),
    }
    additions = int(phases["plans"].result.nodes.size)
    return {
        "people": graph.n, "ties": graph.m, "steps": steps, "additions": additions,
        "seconds": {k: v.median for k, v in phases.items()},
    }


def _table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'people':>9} {'steps':>5} {'added':>6} {'plans':>8} {'+why':>8} {'ratio':>6} "
            f"{'ready':>8} {'analyse':>8} {'+ready':>8} {'ratio':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        s = r["seconds"]
        lines.append(
            f"{r['people']:>9,} {r['steps']:>5} {r['additions']:>6,} {s['plans']:>7.3f}s "
            f"{s['plans + why']:>7.3f}s {s['plans + why'] / s['plans']:>5.2f}× "
            f"{s['ready plans']:>7.3f}s {s['analyse()']:>7.3f}s "
            f"{s['analyse() with readiness']:>7.3f}s "
            f"{s['analyse() with readiness'] / s['analyse()']:>5.2f}×")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readiness", description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--steps", default="1,2,3", help="comma-separated, e.g. 1,2")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    warm_up()
    rows = [measure(args.people, int(k), args.reps) for k in args.steps.split(",")]
    print(_table(rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine_info(), "commit": commit_info(),
                                    "rows": rows}, indent=2), encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
