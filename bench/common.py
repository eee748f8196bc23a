"""Small helpers of the benchmark: timing, memory, the machine and the commit measured."""

from __future__ import annotations

import contextlib
import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = [
    "ROOT",
    "Timing",
    "commit_info",
    "current_rss_mib",
    "machine_info",
    "peak_rss_mib",
    "reset_peak_rss",
    "timed",
]

ROOT = Path(__file__).resolve().parents[1]
"""The repository root (the benchmark runs its workers from here)."""

_T = TypeVar("_T")


@dataclass
class Timing(Generic[_T]):
    """Wall-clock seconds of each run of one operation, and the result of the first run."""

    runs: list[float]
    result: _T = field(repr=False)

    @property
    def first(self) -> float:
        return self.runs[0]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def to_dict(self) -> dict[str, Any]:
        return {"median_s": self.median, "first_s": self.first, "runs_s": self.runs}


def timed(fn: Callable[[], _T], reps: int = 3, cheap_s: float = 15.0) -> Timing[_T]:
    """Run ``fn`` once, and up to ``reps`` times in all while a run takes under ``cheap_s``.

    The young generations of the garbage collector are collected before each run (not
    timed), so one run's garbage is not collected in the next one's time (a full collection
    would cost more than the small runs themselves once numba's objects are loaded).
    """
    runs: list[float] = []
    result: _T | None = None
    for i in range(max(reps, 1)):
        gc.collect(1)
        start = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - start)
        if i == 0:
            result = value
        del value
        if runs[0] >= cheap_s:
            break
    return Timing(runs, result)  # type: ignore[arg-type]


def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mib() -> float:
    """The most resident memory this process has used (since the last ``reset_peak_rss``)."""
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 1024


def current_rss_mib() -> float:
    kib = _status_kib("VmRSS")
    return (kib or 0) / 1024


def reset_peak_rss() -> bool:
    """Start measuring the peak afresh (Linux ``clear_refs``); False where that is impossible."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _git(*args: str) -> str:
    """Git's output without its trailing newline (leading spaces matter: status columns)."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.rstrip()


def commit_info() -> dict[str, Any]:
    """The commit measured, and the tracked files that differ from it (the code measured)."""
    changed = [line[3:] for line in _git("status", "--porcelain", "--untracked-files=no")
               .splitlines() if line]
    return {
        "commit": _git("rev-parse", "HEAD"),
        "short": _git("rev-parse", "--short", "HEAD"),
        "subject": _git("log", "-1", "--format=%s"),
        "uncommitted_changes": changed,
    }


def machine_info() -> dict[str, Any]:
    import numpy
    import scipy

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }
    for name in ("networkx", "igraph", "numba"):
        try:
            module = __import__(name)
            info[name] = getattr(module, "__version__", "?")
        except ImportError:
            info[name] = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            total_kib = int(handle.readline().split()[1])
        info["memory_gib"] = round(total_kib / 1024**2, 1)
    except (OSError, ValueError, IndexError):
        pass
    with contextlib.suppress(OSError):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def two_columns(rows: list[tuple[str, str]]) -> str:
    """Label and value rows as a small table a reader can paste, the labels padded alike."""
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def one_map_main(argv: list[str] | None, description: str, default_out: Path,
                 run: Callable[[int, float, int, int], dict[str, Any]],
                 table: Callable[[dict[str, Any]], str]) -> int:
    """The command line of a benchmark on one synthetic map (``--people``,
    ``--ties-per-person``, ``--reps``, ``--seed``, ``--out``): run it, print its table and write
    its results, with the commit and the machine, as JSON."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties-per-person", type=float, default=10)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    result = run(args.people, args.ties_per_person, args.reps, args.seed)
    result["commit"] = commit_info()
    result["machine"] = machine_info()
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {args.out}")
    return 0

