"""The growth series of a large map with history, against one as-of analysis, in one run.

One seeded synthetic constituency (``graph.synthetic``: 100,000 people and 1,000,000 ties by
default) is imported into a fresh SQLite store and given two years of history
(``bench.history.write_history``: three dated changes per person, one per tie). Then, each the
median of ``--reps`` runs once the compiled kernels are loaded:

* the baseline, ONE as-of analysis: ``map_as_of`` + ``analyse`` of a past day, its clusters
  and brokers computed afresh (their memos emptied: a day nobody has asked for yet); the same
  with the memos holding that day's ties is shown beside it;
* the series: ``growth_of`` by month over the last 24 months (24 points, the current month
  cut at today), the index read once;
* the recruitment forest (``recruitment_forest``) of today's map.

and prints series ÷ baseline (target ≤ 3×) and recruitment forest ÷ baseline (target ≤ 0.5×).
The results go to ``bench/results/growth.json``.

Run:  make bench-growth   (or: .venv/bin/python -m bench.growth [--people 100000] [--reps 3])
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, one_map_main, timed, two_columns
from bench.history import NAME, write_history
from bench.synthetic import write_constituency
from graph.analysis import AnalysisOptions, analyse
from graph.analysis.brokers import SCORES_MEMO
from graph.analysis.clusters import LABELS_MEMO
from graph.analysis.growth import period_start
from graph.analysis.recruitment import recruitment_forest
from graph.importer import import_csv
from graph.stores.base import GraphStore, open_store
from graph.usecases import growth_of, map_as_of

__all__ = ["MONTHS", "SERIES_TARGET", "FOREST_TARGET", "run"]

DEFAULT_JSON = ROOT / "bench" / "results" / "growth.json"
MONTHS = 24
SERIES_TARGET = 3.0
"""The 24-month series may cost at most this many as-of analyses."""
FOREST_TARGET = 0.5
"""The recruitment forest may cost at most this share of one as-of analysis."""


def _months_back(today: date, months: int) -> date:
    """The first day of the month ``months`` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _as_of(store: GraphStore, day: date, *, forget: bool) -> None:
    if forget:
        LABELS_MEMO.clear()
        SCORES_MEMO.clear()
    analyse(map_as_of(store, NAME, day), AnalysisOptions(as_of=day))


def run(people: int, ties_per_person: float, reps: int, seed: int) -> dict[str, Any]:
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="movemap-bench-growth-") as folder:
        people_csv, ties_csv = write_constituency(Path(folder), people, ties_per_person, seed)
        store = open_store(f"sqlite:///{Path(folder) / 'growth.db'}")
        try:
            import_csv(store, NAME, people_csv, ties_csv)
            records, written_s = write_history(store, today)
            day = today - timedelta(days=365)
            since = _months_back(today, MONTHS - 1)
            _as_of(store, day, forget=False)  # loads the compiled kernels
            growth_of(store, NAME, "month", since=period_start(today, "month"))
            cold = timed(lambda: _as_of(store, day, forget=True), reps)
            warm = timed(lambda: _as_of(store, day, forget=False), reps)
            series = timed(lambda: growth_of(store, NAME, "month", since=since), reps)
            graph = map_as_of(store, NAME, today)
            forest = timed(lambda: recruitment_forest(graph), reps)
        finally:
            store.close()
    baseline = cold.median
    out: dict[str, Any] = {
        "people": graph.n, "ties": graph.m, "history_records": records,
        "history_write_s": written_s, "months": MONTHS,
        "points": len(series.result.points),
        "as_of_analysis": cold.to_dict(), "as_of_analysis_memo_hit": warm.to_dict(),
        "series": series.to_dict(), "recruitment_forest": forest.to_dict(),
        "series_ratio": series.median / baseline,
        "series_ratio_to_memo_hit": series.median / warm.median,
        "forest_ratio": forest.median / baseline,
        "series_target": SERIES_TARGET, "forest_target": FOREST_TARGET,
    }
    out["series_met"] = out["series_ratio"] <= SERIES_TARGET
    out["forest_met"] = out["forest_ratio"] <= FOREST_TARGET
    return out


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def table(result: dict[str, Any]) -> str:
    """The results as a small table a reader can paste."""
    base = result["as_of_analysis"]["median_s"]
    rows = [
        ("people / ties", f"{result['people']:,} / {result['ties']:,}"),
        ("history", f"{result['history_records']:,} records, written in "
                    f"{result['history_write_s']:.0f} s"),
        ("one as-of analysis (map_as_of + analyse)", f"{base:.3f} s"),
        ("  the same, clusters and brokers kept from before",
         f"{result['as_of_analysis_memo_hit']['median_s']:.3f} s"),
        (f"growth series, {result['months']} months ({result['points']} points)",
         f"{result['series']['median_s']:.3f} s"),
        ("series ÷ one as-of analysis", f"{result['series_ratio']:.2f}× (target ≤ "
         f"{result['series_target']:g}×: {_met(result['series_met'])}); "
         f"{result['series_ratio_to_memo_hit']:.2f}× the one with clusters kept"),
        ("recruitment forest", f"{result['recruitment_forest']['median_s']:.4f} s"),
        ("forest ÷ one as-of analysis", f"{result['forest_ratio']:.3f}× (target ≤ "
         f"{result['forest_target']:g}×: {_met(result['forest_met'])})"),
    ]
    return two_columns(rows)


def main(argv: list[str] | None = None) -> int:
    return one_map_main(argv, (__doc__ or "").splitlines()[0], DEFAULT_JSON, run, table)


if __name__ == "__main__":
    sys.exit(main())
