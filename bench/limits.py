"""The analysis, the pages and the API on maps at their limits: time, peak memory, answer size.

Two maps, each measured in the same run against a plain map of the same people and ties (the
ratios say what the limits cost, on a shared and noisy machine):

* **every record at its limits** (``graph.at_limits``): ``--record-people`` people (default
  2,000), each with a 500-character name and organisation and 100 segments of 500 characters,
  drawn from exactly ``segments_per_map`` (5,000) distinct segments, 1,000 expected segments of
  500 characters (half of them nobody holds), 5 ties each. Before the limits, one such request
  could hold millions of segments; now each list and text stops at its limit, the map stops at
  5,000 distinct segments, and the pages list at most 25 gaps of a kind.
* **the map at its size limits**: ``--people`` people (default 250,000, the limit) and 10 ties
  each (2,500,000, the limit), synthetic records (``graph.synthetic``).

For each: the analysis (load + analyse) and each page and API answer, once warm: seconds,
the peak resident memory above the process's memory before it (MiB), and the answer's size.

Run:  make bench-limits   (or: .venv/bin/python -m bench.limits [--people 250000] [--quick])
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    commit_info,
    current_rss_mib,
    machine_info,
    peak_rss_mib,
    reset_peak_rss,
)
from bench.synthetic import write_constituency
from graph.analysis import analyse
from graph.at_limits import at_record_limits
from graph.importer import import_csv
from graph.limits import LIMITS
from graph.stores.base import open_store

__all__ = ["PAGES", "measure_app"]

NAME = "limits"
DEFAULT_JSON = ROOT / "bench" / "results" / "limits.json"
PAGES = ("/c/{name}/", "/c/{name}/gaps", "/c/{name}/network", "/c/{name}/roles",
         "/c/{name}/people", "/c/{name}/history", "/api/v1/constituencies/{name}/analysis",
         "/api/v1/constituencies/{name}/gaps", "/api/v1/constituencies/{name}/people")


def _peak(fn: Any) -> tuple[Any, float, float]:
    """(result, seconds, MiB of resident memory above the level before)."""
    before = current_rss_mib()
    reset_peak_rss()
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started, max(0.0, peak_rss_mib() - before)


def measure_analysis(store_url: str, name: str) -> dict[str, float]:
    store = open_store(store_url)
    try:
        store.load_graph(name)  # warm: caches and compiled kernels
        analysis, seconds, mib = _peak(lambda: analyse(store.load_graph(name)))
    finally:
        store.close()
    return {"seconds": seconds, "peak_mib": mib, "gaps": len(analysis.gaps),
            "json_mib": len(json.dumps(analysis.to_dict())) / 2**20}


def measure_app(store_url: str, accounts_url: str, name: str) -> Iterator[dict[str, Any]]:
    """Each of ``PAGES`` asked twice by a signed-in owner: the first (the first page also
    computes the analysis) and the second (cached analysis): status, seconds, peak MiB, size."""
    from service import Settings, create_app

    app = create_app(Settings(store_url=store_url, accounts_url=accounts_url,
                              secret_key="bench-" + "x" * 40, cookie_secure=False))
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user("bench@example.org", "a long bench passphrase")
    accounts.grant("bench@example.org", name, "owner")
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org",
                                "password": "a long bench passphrase"})
    for page in PAGES:
        path = page.format(name=name)
        _, first, first_mib = _peak(lambda p=path: client.get(p))
        response, seconds, mib = _peak(lambda p=path: client.get(p))
        yield {"path": page, "status": response.status_code, "first_seconds": first,
               "first_peak_mib": first_mib, "seconds": seconds, "peak_mib": mib,
               "kib": len(response.data) / 1024}
    accounts.close()


def _record_case(folder: Path, people: int, plain: bool) -> dict[str, Any]:
    url = f"sqlite:///{folder / ('plain.db' if plain else 'limits.db')}"
    store = open_store(url)
    try:
        started = time.perf_counter()
        at_record_limits(store, NAME, people, plain=plain)
        built = time.perf_counter() - started
    finally:
        store.close()
    accounts = f"sqlite:///{folder / ('plain-accounts.db' if plain else 'accounts.db')}"
    return {"import_seconds": built, "analysis": measure_analysis(url, NAME),
            "pages": list(measure_app(url, accounts, NAME))}


def _size_case(folder: Path, people: int) -> dict[str, Any]:
    csvs = folder / "csv"
    csvs.mkdir()
    people_csv, ties_csv = write_constituency(csvs, people, 10)
    url = f"sqlite:///{folder / 'size.db'}"
    store = open_store(url)
    try:
        started = time.perf_counter()
        import_csv(store, NAME, people_csv, ties_csv)
        built = time.perf_counter() - started
    finally:
        store.close()
    return {"people": people, "import_seconds": built,
            "analysis": measure_analysis(url, NAME),
            "pages": list(measure_app(url, f"sqlite:///{folder / 'size-accounts.db'}", NAME))}


def _table(results: dict[str, Any]) -> str:
    rows = [f"{'case':<28}{'what':<44}{'first s':>8}{'s':>8}{'peak MiB':>10}{'KiB':>10}"]
    for case in ("records_plain", "records_at_limits", "map_at_size_limits"):
        found = results.get(case)
        if not found:
            continue
        a = found["analysis"]
        rows.append(f"{case:<28}{'analysis (' + str(a['gaps']) + ' gaps)':<44}{'':>8}"
                    f"{a['seconds']:>8.2f}{a['peak_mib']:>10.0f}{a['json_mib'] * 1024:>10.0f}")
        for p in found["pages"]:
            rows.append(f"{'':<28}{p['path'] + ' ' + str(p['status']):<44}"
                        f"{p['first_seconds']:>8.2f}{p['seconds']:>8.2f}"
                        f"{max(p['peak_mib'], p['first_peak_mib']):>10.0f}{p['kib']:>10.0f}")
    ratios = results.get("ratios", {})
    if ratios:
        rows.append("ratios, records at limits ÷ plain: " + ", ".join(
            f"{k} {v:.2f}×" for k, v in ratios.items()))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=LIMITS.people_per_map,
                        help="people in the map at its size limits (10 ties each)")
    parser.add_argument("--record-people", type=int, default=2000,
                        help="people in the map with every record at its limits")
    parser.add_argument("--quick", action="store_true", help="small maps: a smoke run")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.record_people = 5000, 200
    results: dict[str, Any] = {"machine": machine_info(), "commit": commit_info(),
                               "limits": LIMITS.__dict__}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results["records_plain"] = _record_case(folder, args.record_people, plain=True)
        results["records_at_limits"] = _record_case(folder, args.record_people, plain=False)
        plain, full = results["records_plain"], results["records_at_limits"]
        results["ratios"] = {
            "analysis time": full["analysis"]["seconds"] / plain["analysis"]["seconds"],
            "gaps page time": (next(p for p in full["pages"] if p["path"].endswith("/gaps"))
                               ["seconds"] / next(p for p in plain["pages"]
                                                  if p["path"].endswith("/gaps"))["seconds"]),
        }
        reset_peak_rss()
        size = folder / "size"
        size.mkdir()
        results["map_at_size_limits"] = _size_case(size, args.people)
    results["process_peak_rss_mib"] = peak_rss_mib()
    print(_table(results))
    peak = results["process_peak_rss_mib"]
    print(f"peak resident memory, the map at its size limits: {peak:.0f} MiB")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
