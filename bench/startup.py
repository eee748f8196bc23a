"""How fast the command line starts: ``movemap --help``, ``movemap list``, and what ``movemap
analyse`` of a 100,000-person map spends beyond its load and analysis.

Each command runs as a user runs it: the ``movemap`` script in a fresh process, ``--reps`` times
(median wall time). The baseline, in the same run, is the interpreter starting and doing
nothing (``python -c pass``), so each figure is also a ratio to it (the machine's speed and load
cancel out). For ``analyse``, the load and the analysis are timed on their own in a fresh
process that does only that (import the store and the analysis, open the store,
``load_graph``, ``analyse``; numba and the compiled kernels load at their first use in both),
and what the command spends beyond them is its wall time minus theirs: the interpreter, the
command line, the report and its printing. The table also gives the figure with the imports
the load and analysis need counted as overhead, the strictest reading.

Targets: ``--help`` and ``list`` at most 0.3 s; ``analyse`` at most 0.3 s beyond its load and
analysis.

Run:  make bench-startup   (or: .venv/bin/python -m bench.startup [--people 100000] [--quick])
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, commit_info, machine_info
from graph.stores.base import open_store

__all__ = ["TARGET_S", "main", "measure"]

NAME = "startup"
TARGET_S = 0.3
"""The most each command may take (for ``analyse``: beyond its load and analysis)."""
DEFAULT_JSON = ROOT / "bench" / "results" / "startup.json"

_LOAD_AND_ANALYSE = """
import json, sys, time
started = time.perf_counter()
from graph.analysis import analyse
from graph.stores.base import open_store
import graph.stores.sqlite
imported = time.perf_counter()
store = open_store(sys.argv[1])
graph = store.load_graph(sys.argv[2])
loaded = time.perf_counter()
analyse(graph)
done = time.perf_counter()
print(json.dumps({"imports_s": imported - started, "load_s": loaded - imported,
                  "analyse_s": done - loaded}))
"""
"""The load and the analysis alone, in a fresh process: the modules they need (numpy, the
store, the analysis) imported, the store opened, the map loaded, analysed (numba imported and
the kernels loaded at their first use, inside the analysis)."""


def _movemap() -> list[str]:
    """The ``movemap`` script of this interpreter's environment (as users start it)."""
    script = Path(sys.executable).with_name("movemap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def _env(store_url: str) -> dict[str, str]:
    env = dict(os.environ, MOVEMAP_STORE=store_url, MOVEMAP_DEBUG="")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(command: list[str], env: dict[str, str], reps: int) -> dict[str, Any]:
    """Median wall seconds of ``command`` in a fresh process, output thrown away, and the
    median processor seconds it used (user + system: less disturbed by a busy machine)."""
    runs, cpu = [], []
    for _ in range(reps):
        used = _children_cpu()
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - used)
    return {"median_s": statistics.median(runs), "runs_s": runs,
            "cpu_median_s": statistics.median(cpu)}


def _load_and_analyse(env: dict[str, str], store_url: str, reps: int) -> dict[str, Any]:
    """Median seconds of load + analysis, each time in a fresh process: with the imports they
    need (``median_s``) and without them (``without_imports_median_s``)."""
    runs, bare, cpu = [], [], []
    for _ in range(reps):
        used = _children_cpu()
        out = subprocess.run([sys.executable, "-c", _LOAD_AND_ANALYSE, store_url, NAME],
                             env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        cpu.append(_children_cpu() - used)
        found = json.loads(out.stdout)
        bare.append(found["load_s"] + found["analyse_s"])
        runs.append(found["imports_s"] + bare[-1])
    return {"median_s": statistics.median(runs), "runs_s": runs,
            "without_imports_median_s": statistics.median(bare), "without_imports_s": bare,
            "process_cpu_median_s": statistics.median(cpu)}


def _make_map(folder: Path, people: int) -> str:
    from bench.synthetic import write_constituency
    from graph.importer import import_csv

    people_csv, ties_csv = write_constituency(folder, people, 10)
    url = f"sqlite:///{folder / 'startup.db'}"
    store = open_store(url)
    try:
        import_csv(store, NAME, people_csv, ties_csv)
    finally:
        store.close()
    return url


def measure(folder: Path, people: int, reps: int, store_url: str | None = None
            ) -> dict[str, Any]:
    """Every figure of the table, from one run (on the map ``startup`` of ``store_url``, made
    in ``folder`` when none is given)."""
    url = store_url or _make_map(folder, people)
    env = _env(url)
    movemap = _movemap()
    # untimed: compile the kernels into numba's cache if need be, and warm the file cache
    subprocess.run([*movemap, "analyse", NAME], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    baseline = _wall([sys.executable, "-c", "pass"], env, reps)
    results: dict[str, Any] = {
        "people": people, "reps": reps, "baseline_python_s": baseline,
        "help": _wall([*movemap, "--help"], env, reps),
        "list": _wall([*movemap, "list"], env, reps),
        "analyse": _wall([*movemap, "analyse", NAME], env, reps),
        "load_and_analyse": _load_and_analyse(env, url, reps),
    }
    results["analyse_beyond_load_and_analysis_s"] = (
        results["analyse"]["median_s"] - results["load_and_analyse"]["median_s"])
    # in processor time: the command's process against the load-and-analyse process, both
    # from the interpreter's start (so this counts the interpreter's start as the command's)
    results["analyse_beyond_cpu_s"] = (
        results["analyse"]["cpu_median_s"] - results["load_and_analyse"]["process_cpu_median_s"]
        + results["baseline_python_s"]["cpu_median_s"])
    results["analyse_beyond_load_and_analysis_without_their_imports_s"] = (
        results["analyse"]["median_s"]
        - results["load_and_analyse"]["without_imports_median_s"])
    base = baseline["median_s"]
    results["ratios_to_python"] = {
        key: results[key]["median_s"] / base for key in ("help", "list", "analyse")}
    results["ratios_to_python"]["analyse_beyond"] = (
        results["analyse_beyond_load_and_analysis_s"] / base)
    results["targets_met"] = {
        "help": results["help"]["median_s"] <= TARGET_S,
        "list": results["list"]["median_s"] <= TARGET_S,
        "analyse_beyond": results["analyse_beyond_load_and_analysis_s"] <= TARGET_S,
    }
    results["targets_met_in_processor_time"] = {  # what a busy machine disturbs least
        "help": results["help"]["cpu_median_s"] <= TARGET_S,
        "list": results["list"]["cpu_median_s"] <= TARGET_S,
        "analyse_beyond": results["analyse_beyond_cpu_s"] <= TARGET_S,
    }
    return results


def table(results: dict[str, Any]) -> str:
    ratios = results["ratios_to_python"]
    by_cpu = results["targets_met_in_processor_time"]
    met = {key: f"{'met' if ok else 'NOT met'} / {'met' if by_cpu[key] else 'NOT met'}"
           for key, ok in results["targets_met"].items()}
    def cpu(key: str) -> float | None:
        return results[key].get("cpu_median_s")

    rows = [
        ("python -c pass (baseline)", results["baseline_python_s"]["median_s"],
         cpu("baseline_python_s"), 1.0, ""),
        ("movemap --help", results["help"]["median_s"], cpu("help"), ratios["help"],
         met["help"]),
        ("movemap list", results["list"]["median_s"], cpu("list"), ratios["list"],
         met["list"]),
        (f"movemap analyse ({results['people']:,} people)", results["analyse"]["median_s"],
         cpu("analyse"), ratios["analyse"], ""),
        ("  of which load + analysis", results["load_and_analyse"]["median_s"], None, None,
         ""),
        ("    (their imports not counted)",
         results["load_and_analyse"]["without_imports_median_s"], None, None, ""),
        ("  of which everything else", results["analyse_beyond_load_and_analysis_s"],
         results["analyse_beyond_cpu_s"], ratios["analyse_beyond"], met["analyse_beyond"]),
        ("    (counting their imports as overhead)",
         results["analyse_beyond_load_and_analysis_without_their_imports_s"], None, None, ""),
    ]
    lines = [f"{'command':<44}{'wall s':>9}{'cpu s':>8}{'× python':>10}  "
             f"≤ {TARGET_S} s: wall / cpu"]
    for label, seconds, used, ratio, verdict in rows:
        shown = "" if ratio is None else f"{ratio:.1f}"
        used_shown = "" if used is None else f"{used:.3f}"
        lines.append(f"{label:<44}{seconds:>9.3f}{used_shown:>8}{shown:>10}  {verdict}")
    lines.append(f"(median of {results['reps']} runs each, each run a fresh process; cpu: "
                 "user + system seconds of the process)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000,
                        help="people in the map analysed (10 ties each)")
    parser.add_argument("--reps", type=int, default=7, help="runs of each command")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 2,000 people, 2 runs each")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write it")
    parser.add_argument("--store", default=None, metavar="URL",
                        help=f"use the map {NAME!r} of this store (made by an earlier run's "
                             "--keep) instead of making one")
    parser.add_argument("--keep", action="store_true",
                        help="keep the store made for the run (its URL is printed)")
    args = parser.parse_args(argv)
    people, reps = (2_000, 2) if args.quick else (args.people, args.reps)
    folder = Path(tempfile.mkdtemp(prefix="movemap-startup-"))
    try:
        results = measure(folder, people, max(1, reps), args.store)
        if args.store:
            store = open_store(args.store)
            try:
                results["people"] = len(store.person_ids(NAME))
            finally:
                store.close()
    finally:
        if args.keep and not args.store:
            print(f"kept: --store sqlite:///{folder / 'startup.db'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    results = {"machine": machine_info(), "commit": commit_info(), **results}
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str))
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
