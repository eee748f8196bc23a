"""What the board of our shared purpose costs on a large map, against the analysis, in one run.

On one seeded synthetic constituency (``graph.synthetic``: 10,000 people and 100,000 ties by
default) with a seeded purpose (5,000 contributions, lopsided towards givers of service as real
ones often are, 500 reviews, three statements of three versions, themes, aims and personas) it
times, each the median of ``--reps`` runs once the compiled kernels are loaded:

* ``analyse()`` as a whole: the baseline (the board needs its gaps, and the pages keep it);
* building the board (``graph.purpose.board.build_board``: the columns, the balance figures,
  the warnings and the reflection questions);
* rendering the board to JSON (``json.dumps`` of ``Board.to_dict()``) and to CSV.

Target: building and rendering the board together well under 1 second (at most 0.5 s) on a
10,000-person map with 5,000 contributions. The results go to ``bench/results/purpose.json``.

Run:  .venv/bin/python -m bench.purpose [--people 10000] [--reps 3]
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date
from typing import Any

from bench.common import ROOT, one_map_main, timed, two_columns
from graph.analysis import analyse
from graph.analysis.kernels import warm_up
from graph.compact import CompactGraph
from graph.model import GROUPS, Group
from graph.purpose.board import board_csv, build_board
from graph.purpose.model import (
    Aim,
    Contribution,
    Persona,
    Review,
    Statement,
    StatementVersion,
    Theme,
)
from graph.purpose.records import PurposeState
from graph.synthetic import synthetic_constituency

__all__ = ["TARGET_S", "run", "seeded_purpose"]

DEFAULT_JSON = ROOT / "bench" / "results" / "purpose.json"
TARGET_S = 0.5
"""Building and rendering the board together may take at most this long."""
CONTRIBUTIONS = 5_000
TODAY = date(2026, 6, 1)
_ELEMENTS = ("our", "shared", "purpose")
_KINDS = ("story", "value", "commonality", "difference")


def seeded_purpose(graph: CompactGraph, contributions: int, seed: int = 1) -> PurposeState:
    """A purpose of ``contributions`` contributions by the map's people (twice as likely
    from givers of service), with reviews, statements, themes, aims and personas."""
    rng = random.Random(seed)
    by_group: dict[Group, list[str]] = {g: [] for g in GROUPS}
    for i, pid in enumerate(graph.ids):
        by_group[GROUPS[int(graph.group[i])]].append(pid)
    weights = [1.0 if g is not Group.GIVERS_OF_SERVICE else 2.0 for g in GROUPS]
    pools = [g for g in GROUPS if by_group[g]]

    def someone() -> str:
        group = rng.choices(pools, [weights[GROUPS.index(g)] for g in pools])[0]
        return rng.choice(by_group[group])

    state = PurposeState()
    for i in range(contributions):
        element = rng.choice(_ELEMENTS)
        state.contributions[f"c{i + 1}"] = Contribution.model_validate({
            "element": element, "kind": rng.choice(_KINDS) if element == "shared" else None,
            "text": f"What matters to me, in my words, number {i}", "date": date(2026, 5, 1),
            "contributor": {"person": someone()}, "withdrawn": rng.random() < 0.02})
    for s in range(1, 4):
        state.statements[f"s{s}"] = Statement(title=f"Statement {s}")
        for v in range(1, 4):
            state.versions[f"s{s}-v{v}"] = StatementVersion.model_validate({
                "purpose": "Everyone lives well at home" if v < 3 else
                "By April 2027 we will provide care within 24 hours",
                "status": "current" if (s, v) == (1, 3) else "draft", "date": date(2026, 5, v),
                "drafted_by": [{"person": someone()} for _ in range(4)],
                "from_contributions": [f"c{rng.randint(1, contributions)}" for _ in range(20)]})
    for r in range(500):
        state.reviews[f"rv{r + 1}"] = Review.model_validate({
            "version": f"s{rng.randint(1, 3)}-v{rng.randint(1, 3)}",
            "reviewer": {"person": someone()},
            "answer": rng.choice(["can_live_with", "cannot_yet"]), "reason": "not yet mine",
            "date": date(2026, 5, 10)})
    for t in range(20):
        state.themes[f"t{t + 1}"] = Theme.model_validate({
            "title": f"Theme {t}", "mark": rng.choice(["unites", "differs"]),
            "contributions": [f"c{rng.randint(1, contributions)}" for _ in range(50)]})
    for a in range(5):
        state.aims[f"a{a + 1}"] = Aim(what=f"Aim {a}", statement="s1" if a % 2 else None)
    segments = graph.segment_names[:20]
    for p in range(10):
        state.personas[f"pe{p + 1}"] = Persona.model_validate({
            "name": f"Persona {p}", "group": rng.choice(GROUPS),
            "segments": [rng.choice(segments)] if segments else []})
    return state


def run(people: int, ties_per_person: float, reps: int, seed: int = 1,
        contributions: int = CONTRIBUTIONS) -> dict[str, Any]:
    """Time the analysis, the board and its rendering on one synthetic map."""
    out: dict[str, Any] = {"people": people, "ties_per_person": ties_per_person, "seed": seed,
                           "contributions": contributions}
    start = time.perf_counter()
    graph = synthetic_constituency(people, ties_per_person, seed=seed)
    state = seeded_purpose(graph, contributions, seed)
    out["generate_s"] = round(time.perf_counter() - start, 2)
    out["ties"] = graph.m
    warm_up()
    full = timed(lambda: analyse(graph), reps)
    gaps = full.result.gaps
    build = timed(lambda: build_board("bench", graph, gaps, state, today=TODAY), reps)
    board = build.result
    as_json = timed(lambda: json.dumps(board.to_dict(), ensure_ascii=False), reps)
    as_csv = timed(lambda: board_csv(board), reps)
    together = build.median + as_json.median
    out["analyse"] = full.to_dict()
    out["board"] = build.to_dict()
    out["json"] = {**as_json.to_dict(), "bytes": len(as_json.result.encode())}
    out["csv"] = {**as_csv.to_dict(), "bytes": len(as_csv.result.encode())}
    out["warnings"] = [w.kind for w in board.warnings]
    out["board_and_json_s"] = together
    out["ratio_to_analysis"] = together / full.median
    out["target_s"] = TARGET_S
    out["met"] = together <= TARGET_S
    return out


def table(result: dict[str, Any]) -> str:
    """The results as a small table a reader can paste."""
    ratio = result["ratio_to_analysis"]
    rows = [
        ("people / ties / contributions",
         f"{result['people']:,} / {result['ties']:,} / {result['contributions']:,}"),
        ("analyse(), all of it (baseline)", f"{result['analyse']['median_s']:.3f} s"),
        ("  build the board", f"{result['board']['median_s']:.3f} s"),
        ("  render it to JSON", f"{result['json']['median_s']:.3f} s "
                                f"({result['json']['bytes']:,} bytes)"),
        ("  render it to CSV", f"{result['csv']['median_s']:.3f} s"),
        ("board + JSON", f"{result['board_and_json_s']:.3f} s = {ratio:.3f}× the analysis "
                         f"(target ≤ {result['target_s']:g} s: "
                         f"{'met' if result['met'] else 'NOT met'})"),
        ("warnings on the seeded purpose", ", ".join(result["warnings"]) or "none"),
    ]
    return two_columns(rows)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--people") for a in args):
        args = ["--people", "10000", *args]
    return one_map_main(args, (__doc__ or "").splitlines()[0], DEFAULT_JSON, run, table)


if __name__ == "__main__":
    sys.exit(main())
