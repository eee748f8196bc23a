"""Excel workbook import against the CSV pair import of the same map, in the same run.

Builds a synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default), writes its CSV pair, then writes the same rows as one workbook (sheets ``people``
and ``relationships``, XlsxWriter in constant-memory mode; timed as the export's cost), and
imports each into a fresh SQLite store through the one import core (``graph.importer``'s
streaming import, the code ``bench`` and ``bench.stores`` time for the CSV pair). The Excel
import includes opening the workbook (python-calamine). The target: the workbook imports in at
most 3× the CSV pair's time. Both stores must load the same graph.

Run:  .venv/bin/python -m bench.formats [--people 100000] [--ties-per-person 10] [--reps 1]
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, one_map_main, peak_rss_mib, two_columns

NAME = "bench"
TARGET_RATIO = 3.0


def _write_workbook(people_csv: Path, ties_csv: Path, path: Path) -> None:
    """The CSV pair's rows, cell for cell, as a workbook (whole numbers as numbers)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(os.fspath(path), {"constant_memory": True,
                                                 "strings_to_numbers": True})
    for title, source in (("people", people_csv), ("relationships", ties_csv)):
        sheet = book.add_worksheet(title)
        with open(source, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle)):
                sheet.write_row(number, 0, row)
    book.close()


def _import(url: str, people: Any, ties: Any) -> tuple[float, tuple[int, int]]:
    from graph.importer import import_csv
    from graph.stores.base import open_store

    store = open_store(url)
    try:
        start = time.perf_counter()
        import_csv(store, NAME, people, ties)
        elapsed = time.perf_counter() - start
        graph = store.load_graph(NAME)
        return elapsed, (graph.n, graph.m)
    finally:
        store.close()


def run(people: int, ties_per_person: float, reps: int, seed: int) -> dict[str, Any]:
    from graph.formats.xlsx import read_xlsx
    from graph.synthetic import synthetic_constituency, write_csv_pair

    out: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person, "seed": seed}
    with tempfile.TemporaryDirectory(prefix="movemap-bench-formats-") as folder:
        work = Path(folder)
        graph = synthetic_constituency(people, ties_per_person, seed=seed, name=NAME)
        out["ties"] = graph.m
        people_csv, ties_csv = write_csv_pair(graph, work / "csv")
        del graph
        start = time.perf_counter()
        workbook = work / "map.xlsx"
        _write_workbook(people_csv, ties_csv, workbook)
        out["write_xlsx_s"] = time.perf_counter() - start
        out["csv_mib"] = (people_csv.stat().st_size + ties_csv.stat().st_size) / 2**20
        out["xlsx_mib"] = workbook.stat().st_size / 2**20
        csv_runs, xlsx_runs = [], []
        for rep in range(reps):  # alternated, so a busy moment of the machine hits both
            csv_s, csv_graph = _import(f"sqlite:///{work / f'csv-{rep}.db'}", people_csv,
                                       ties_csv)
            tables = None

            def xlsx_tables() -> Any:
                return read_xlsx(workbook)

            start = time.perf_counter()
            tables = xlsx_tables()
            open_s = time.perf_counter() - start
            xlsx_s, xlsx_graph = _import(f"sqlite:///{work / f'xlsx-{rep}.db'}",
                                         tables.people, tables.relationships)
            csv_runs.append(csv_s)
            xlsx_runs.append(open_s + xlsx_s)
            if csv_graph != xlsx_graph:
                raise AssertionError(f"the imports differ: CSV {csv_graph}, Excel {xlsx_graph}")
        out["csv_import_s"] = min(csv_runs)
        out["xlsx_import_s"] = min(xlsx_runs)
        out["csv_runs_s"], out["xlsx_runs_s"] = csv_runs, xlsx_runs
        out["ratio"] = out["xlsx_import_s"] / out["csv_import_s"]
        rows = people + out["ties"]
        out["csv_rows_per_s"] = rows / out["csv_import_s"]
        out["xlsx_rows_per_s"] = rows / out["xlsx_import_s"]
        out["target_ratio"] = TARGET_RATIO
        out["meets_target"] = out["ratio"] <= TARGET_RATIO
        out["peak_rss_mib"] = peak_rss_mib()
    return out


def table(result: dict[str, Any]) -> str:
    verdict = "met" if result["meets_target"] else "NOT met"
    return two_columns([
        ("map", f"{result['people']:,} people, {result['ties']:,} ties"),
        ("files", f"CSV pair {result['csv_mib']:.1f} MiB, workbook {result['xlsx_mib']:.1f} MiB"),
        ("CSV pair import", f"{result['csv_import_s']:.2f} s "
                            f"({result['csv_rows_per_s']:,.0f} rows/s)"),
        ("Excel import", f"{result['xlsx_import_s']:.2f} s "
                         f"({result['xlsx_rows_per_s']:,.0f} rows/s)"),
        ("Excel ÷ CSV", f"{result['ratio']:.2f}× (target ≤ {TARGET_RATIO:g}×: {verdict})"),
        ("workbook written in", f"{result['write_xlsx_s']:.1f} s (XlsxWriter, constant memory)"),
        ("peak memory", f"{result['peak_rss_mib']:,.0f} MiB"),
    ])


def main(argv: list[str] | None = None) -> int:
    return one_map_main(argv, "Excel workbook import against the CSV pair import",
                        ROOT / "bench" / "results" / "formats.json", run, table)


if __name__ == "__main__":
    sys.exit(main())
