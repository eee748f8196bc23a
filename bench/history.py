"""The cost of the history: loading the current map, and analysing the map as of a past day.

For each size, one synthetic constituency (``graph.synthetic``, 10 ties per person) is loaded
*plain*, the map alone, as a store without history holds it; and *with history*, the same
current map plus two years of valid-time history (three dated changes per person: two
engagement moves and a power change; one dated trust change per tie), each record ending at the
current values, written as change sets of ``CHANGE_SET_SIZE`` records. SQLite keeps the two in
two files; Neo4j (one server) loads the same map before its history is written and after. Then,
in the same run:

* load ratio = ``load_graph`` with history ÷ ``load_graph`` of the plain map (target ≤ 1.2);
* as-of ratio = (load the map as of a day a year ago + analyse) ÷ (``load_graph`` + analyse)
  (target ≤ 1.5).

Neo4j is used when ``MOVEMAP_TEST_NEO4J_URL`` names a server (it is wiped: never point this at
a database you want to keep).

Run:  make bench-history   (or: .venv/bin/python -m bench.history [--people 10000,100000])
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, commit_info, machine_info, timed
from bench.stores import _wipe_neo4j
from bench.synthetic import write_constituency
from graph.analysis import AnalysisOptions, analyse
from graph.history import ChangeSetHeader, StoredChange, person_key, tie_key
from graph.importer import import_csv
from graph.model import Engagement, Person, Relationship
from graph.stores.base import GraphStore, open_store
from graph.timeline import Timeline, person_timeline, tie_timeline
from graph.usecases import map_as_of

NAME = "bench"
CHANGE_SET_SIZE = 100_000
"""The history is written as change sets of this many records: as it grows in real use, a
change set at a time, and so that one Neo4j transaction stays within a test server's heap."""
DEFAULT_JSON = ROOT / "bench" / "results" / "history.json"
_LADDER = tuple(Engagement)


def _person_history(p: Person, today: date, i: int) -> Timeline:
    """Three dated changes ending at ``p``'s values: two ladder moves and a power change."""
    base = person_timeline(p, p.joined or today - timedelta(days=900))
    top = p.engagement.rank
    d1, d2, d3 = (today - timedelta(days=700 - i % 90), today - timedelta(days=400 - i % 90),
                  today - timedelta(days=200 - i % 90))
    first, middle = _LADDER[(top + 2) % 5].value, _LADDER[(top + 1) % 5].value
    fields = dict(base.fields)
    fields["engagement"] = ((None, first), (d1, middle), (d2, p.engagement.value))
    fields["formal_power"] = ((None, (p.formal_power + 1) % 4), (d3, p.formal_power))
    return Timeline(fields)


def _tie_history(t: Relationship, today: date, i: int) -> Timeline:
    base = tie_timeline(t, t.since or today - timedelta(days=800))
    fields = dict(base.fields)
    fields["relational"] = ((None, (t.relational + 1) % 4),
                            (today - timedelta(days=300 + i % 200), t.relational))
    return Timeline(fields)


def _fresh(kind: str, folder: Path, label: str) -> GraphStore:
    if kind == "sqlite":
        return open_store(f"sqlite:///{folder / (label + '.db')}")
    url = os.environ["MOVEMAP_TEST_NEO4J_URL"]
    _wipe_neo4j(url)
    return open_store(url)


def write_history(store: GraphStore, today: date) -> tuple[int, float]:
    """Give map ``NAME`` (imported, no history yet) its two years of history, ending at its
    current values; the records written and the seconds it took."""
    changes = [StoredChange(person_key(p.id), None, _person_history(p, today, i).to_json())
               for i, p in enumerate(store.iter_people(NAME))]
    changes += [StoredChange(tie_key(t.source, t.target), None,
                             _tie_history(t, today, i).to_json())
                for i, t in enumerate(store.iter_relationships(NAME))]
    started = time.perf_counter()
    for part in range(0, len(changes), CHANGE_SET_SIZE):
        with store.transaction():
            store.append_change_set(NAME, ChangeSetHeader(
                datetime.now(UTC), "bench", "bench", "two years of history"),
                changes[part:part + CHANGE_SET_SIZE])
    seconds = time.perf_counter() - started
    records = len(changes)
    del changes  # its million objects would slow every garbage collection measured after
    gc.collect()
    return records, seconds


def measure(kind: str, people: int, folder: Path) -> dict[str, Any]:
    today = date.today()
    people_csv, ties_csv = write_constituency(folder, people)
    options = AnalysisOptions(as_of=today)
    result: dict[str, Any] = {"store": kind, "people": people}

    # SQLite: two files, loaded one after the other once both are written. Neo4j: one server,
    # so the same map is loaded before its history is written and after
    plain = _fresh(kind, folder, "plain") if kind == "sqlite" else None
    if plain is not None:
        import_csv(plain, NAME, people_csv, ties_csv)
    store = _fresh(kind, folder, "history")
    try:
        import_csv(store, NAME, people_csv, ties_csv)
        before = None if plain is not None else timed(lambda: store.load_graph(NAME), reps=5)
        result["records"], result["history_write_s"] = write_history(store, today)
        result["dated_changes"] = 3 * people + (result["records"] - people)
        # plain and history loads measured one after the other, in the same state of the
        # process (SQLite); Neo4j's plain load was measured on the same server before
        load_plain = before or timed(lambda: plain.load_graph(NAME), reps=5)  # type: ignore[union-attr]
        load = timed(lambda: store.load_graph(NAME), reps=5)
        graph = load.result
        current = timed(lambda: analyse(store.load_graph(NAME), options), reps=5)
        day = today - timedelta(days=365)
        then = timed(lambda: analyse(map_as_of(store, NAME, day),
                                     AnalysisOptions(as_of=day)), reps=5)
        check = map_as_of(store, NAME, today)
        assert check.ids == graph.ids and check.m == graph.m, "as of today ≠ the current map"
    finally:
        store.close()
        if plain is not None:
            plain.close()
    result.update({
        "ties": graph.m,
        "load_plain_s": load_plain.median, "load_history_s": load.median,
        "load_ratio": load.median / load_plain.median,
        "history_write_s": result["history_write_s"],
        "current_load_analyse_s": current.median, "as_of_load_analyse_s": then.median,
        "as_of_ratio": then.median / current.median,
    })
    result["load_target_met"] = result["load_ratio"] <= 1.2
    result["as_of_target_met"] = result["as_of_ratio"] <= 1.5
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__)
    parser.add_argument("--people", default="10000,100000",
                        help="comma-separated sizes (10 ties each)")
    parser.add_argument("--neo4j-people", default="10000",
                        help="sizes for Neo4j, when MOVEMAP_TEST_NEO4J_URL is set")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    runs: list[tuple[str, int]] = [("sqlite", int(n)) for n in args.people.split(",") if n]
    if os.environ.get("MOVEMAP_TEST_NEO4J_URL"):
        runs += [("neo4j", int(n)) for n in args.neo4j_people.split(",") if n]
    rows = []
    for kind, n in runs:
        with tempfile.TemporaryDirectory(prefix="movemap-bench-history-") as folder:
            rows.append(measure(kind, n, Path(folder)))
        r = rows[-1]
        print(f"{kind:7} {n:>9,} people {r['ties']:>10,} ties  load {r['load_plain_s']:.3f} s"
              f" → {r['load_history_s']:.3f} s ({r['load_ratio']:.2f}×, target ≤ 1.2)  "
              f"as of a year ago {r['as_of_load_analyse_s']:.2f} s vs current "
              f"{r['current_load_analyse_s']:.2f} s ({r['as_of_ratio']:.2f}×, target ≤ 1.5)  "
              f"history written in {r['history_write_s']:.0f} s",
              flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)  # after each size: a later one
        args.json.write_text(json.dumps({"commit": commit_info(), "machine": machine_info(),
                                         "results": rows}, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "measure", "write_history"]
