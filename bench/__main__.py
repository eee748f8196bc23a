"""``python -m bench``: measure movemap at 10k, 100k and 1M people against its peers.

For each size (10 ties per person by default), in fresh processes (bench/worker.py): generate a
synthetic constituency (graph/synthetic.py), write its CSV pair, import it into a fresh SQLite
store, load it back, run every metric of our analysis and ``analyse()``, and on the same graph
the three baselines: the straightforward networkx implementation (bench/baseline_networkx.py),
python-igraph for the operations it has, and one compiled breadth-first pass
(``scipy.sparse.csgraph.breadth_first_order``) as the limit. Prints a table with the ratios and
writes everything to ``bench/results/latest.json`` (``--out``).

Examples:
    python -m bench                      # 10k, 100k, 1M (several minutes)
    python -m bench --sizes 10000,100000
    python -m bench --quick              # 2k and 5k: a smoke run of a few seconds
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import ROOT, commit_info, machine_info
from bench.report import derive, extrapolate_networkx, render

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 5_000)
DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"


def _parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers: {text!r}") from None
    if not sizes or min(sizes) < 10:
        raise argparse.ArgumentTypeError("give at least one size of 10 people or more")
    return sorted(set(sizes))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark movemap (import, load, analysis, memory) against networkx, "
        "igraph and one breadth-first pass, on synthetic constituencies.",
    )
    parser.add_argument("--sizes", type=_parse_sizes, default=None,
                        help="people per size, comma-separated (default 10000,100000,1000000)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: sizes 2000,5000, one run each, short samples")
    parser.add_argument("--ties-per-person", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=None,
                        help="runs of each cheap measurement, median reported (default 3)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where the JSON goes (default {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the CSV files and stores (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the CSV files and stores")
    parser.add_argument("--nx-limit", type=float, default=None, metavar="SECONDS",
                        help="run the networkx baseline in full only when it would take at "
                        "most this long; otherwise estimate it from samples (default 600)")
    parser.add_argument("--nx-sample", type=float, default=None, metavar="SECONDS",
                        help="time spent sampling each slow networkx operation (default 20)")
    parser.add_argument("--nx-max-ties", type=int, default=2_000_000,
                        help="above this many ties networkx is not built (memory); its times "
                        "are extrapolated from the largest size it ran on")
    parser.add_argument("--no-networkx", action="store_true", help="skip the networkx baseline")
    parser.add_argument("--in-process", action="store_true",
                        help="run every phase in this process (faster start; the peak memory "
                        "figures are then this process's, not each phase's)")
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.reps is None:
        args.reps = 1 if args.quick else 3
    if args.nx_limit is None:
        args.nx_limit = 1.0 if args.quick else 600.0
    if args.nx_sample is None:
        args.nx_sample = 0.5 if args.quick else 20.0
    return args


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _worker(phase: str, work: Path, out: Path, *extra: str, timeout: float,
            in_process: bool = False) -> dict[str, Any]:
    """Run one phase in a fresh Python process; its JSON, or ``{"error": …}``."""
    if in_process:
        from bench import worker

        start = time.perf_counter()
        try:
            worker.main([phase, "--work", str(work), "--out", str(out), "--no-freeze", *extra])
        except Exception as exc:  # noqa: BLE001  (reported in the table, the run goes on)
            return {"error": f"{phase} failed: {type(exc).__name__}: {exc}"}
        data: dict[str, Any] = json.loads(out.read_text())
        data["process_wall_s"] = time.perf_counter() - start
        return data
    command = [sys.executable, "-m", "bench.worker", phase, "--work", str(work),
               "--out", str(out), *extra]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{phase} took longer than {timeout:.0f} s and was stopped"}
    wall = time.perf_counter() - start
    if done.returncode != 0 or not out.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-8:]
        return {"error": f"{phase} failed (exit {done.returncode}): " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(out.read_text())
    result["process_wall_s"] = wall
    return result


def run_size(people: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    label = f"{people:,} people"
    _say(f"{label}: generating, writing the CSV pair, importing into SQLite …")
    entry = _worker("prepare", work, work / "prepare.json", "--people", str(people),
                    "--ties-per-person", str(args.ties_per_person), "--seed", str(args.seed),
                    timeout=3 * 3600, in_process=args.in_process)
    if "error" in entry:
        _say(f"{label}: {entry['error']}")
        return {"people": people, "ties": 0, "error": entry["error"]}
    _say(f"{label}: {entry['ties']:,} ties; generated in {entry['generate_s']:.1f} s, CSV in "
         f"{entry['write_csv_s']:.1f} s, imported in {entry['import_s']:.1f} s")
    _say(f"{label}: loading and analysing (ours, one BFS pass, igraph) …")
    ours = _worker("analyse", work, work / "analyse.json", "--reps", str(args.reps),
                   timeout=3 * 3600, in_process=args.in_process)
    if "error" in ours:
        _say(f"{label}: {ours['error']}")
        entry["error"] = ours["error"]
        return entry
    entry["ours"] = ours
    _say(f"{label}: loaded in {ours['load_s']:.2f} s, analysed in "
         f"{ours['analysis']['analyse']['median_s']:.2f} s")
    if args.no_networkx:
        entry["networkx"] = None
    elif entry["ties"] > args.nx_max_ties:
        _say(f"{label}: networkx not built above {args.nx_max_ties:,} ties (extrapolated)")
        entry["networkx"] = None
    else:
        _say(f"{label}: the networkx baseline (sampled; in full only if under "
             f"{args.nx_limit:.0f} s) …")
        nx: dict[str, Any] | None = _worker("networkx", work, work / "networkx.json", "--ours",
                     str(work / "analyse.json"), "--limit", str(args.nx_limit), "--sample",
                     str(args.nx_sample), timeout=args.nx_limit * 2 + 3600,
                     in_process=args.in_process)
        if nx is not None and "error" in nx:
            _say(f"{label}: {nx['error']}")
            entry["networkx_error"] = nx["error"]
            nx = None
        entry["networkx"] = nx
    return entry


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {
        "schema": 1,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": commit_info(),
        "machine": machine_info(),
        "options": {
            "sizes": args.sizes, "ties_per_person": args.ties_per_person, "seed": args.seed,
            "reps": args.reps, "nx_limit_s": args.nx_limit, "nx_sample_s": args.nx_sample,
            "nx_max_ties": args.nx_max_ties, "networkx": not args.no_networkx,
            "quick": args.quick, "in_process": args.in_process,
        },
        "sizes": [],
    }
    root = args.work or Path(tempfile.mkdtemp(prefix="movemap-bench-"))
    start = time.perf_counter()
    try:
        for people in args.sizes:
            work = root / f"people-{people}"
            results["sizes"].append(run_size(people, args, work))
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    results["wall_s"] = time.perf_counter() - start
    if not args.no_networkx:
        extrapolate_networkx([s for s in results["sizes"] if "error" not in s])
    derive(results)
    try:
        table = render(results)
    except Exception as exc:  # noqa: BLE001  (the measurements are still written)
        table = f"(the table could not be drawn: {type(exc).__name__}: {exc})"
    results["table"] = table
    print(table)
    errors = [f"{s['people']:,} people: {s['error']}" for s in results["sizes"] if "error" in s]
    for error in errors:
        print(f"error: {error}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    _say(f"wrote {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
