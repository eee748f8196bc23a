"""The benchmark's derived figures (ratios, slopes, targets) and its printed table."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

__all__ = ["derive", "extrapolate_networkx", "render"]

METRIC_LABELS = {
    "core_reach": "core reach",
    "recommended_core": "recommended core",
    "target_plan": "target plan",
    "roles": "roles",
    "gaps": "gaps",
}
IGRAPH_LABELS = {
    "degree": "degree",
    "components": "components",
    "spof_cut_off": "articulation / cut-off",
    "within_1_hop": "reach within 1 hop",
    "within_2_hops": "reach within 2 hops",
}
NX_OPS = ("core_reach", "recommended_core", "target_plan", "roles", "gaps",
          "single_point_of_failure")


# -- networkx beyond the sizes it ran on ----------------------------------------------------------


def extrapolate_networkx(sizes: list[dict[str, Any]]) -> None:
    """Fill in networkx for the sizes it did not run on, from the largest size it ran on.

    Linear parts (building the graph, reach, roles, the other gaps, each set-up) scale with
    the ties; a greedy step scales with the ties and there are as many steps as our analysis
    took at that size; a single-point-of-failure candidate scales with the ties and there is
    one per person. Scaling linearly is a lower bound (networkx slows down more than linearly
    once the graph leaves the caches).
    """
    measured = [s for s in sizes if s.get("networkx") and not s["networkx"].get("extrapolated")]
    if not measured:
        return
    ref = max(measured, key=lambda s: s["ties"])
    base = ref["networkx"]
    for size in sizes:
        if size.get("networkx") or not size.get("ours"):
            continue
        f = size["ties"] / ref["ties"]
        result = size["ours"]["result"]
        units = {
            "recommended_core": result["recommended_additions"],
            "target_plan": result["target_additions"],
            "single_point_of_failure": size["people"],
        }
        ops: dict[str, Any] = {}
        for name in ("core_reach", "roles"):
            ops[name] = _scaled(base["ops"][name]["seconds"] * f)
        for name, count in units.items():
            op = base["ops"][name]
            unit = op["unit_s"]
            if unit is None:  # ran in full: seconds over its steps or candidates
                unit = (op["seconds"] - op["setup_s"]) / max(op["units"] or 1, 1)
            ops[name] = _scaled(op["setup_s"] * f + unit * f * count, unit_s=unit * f,
                                units=count)
        cheap = base["cheap_gaps_s"] * f
        ops["gaps"] = _scaled(cheap + ops["single_point_of_failure"]["seconds"])
        size["networkx"] = {
            "extrapolated": True,
            "from_people": ref["people"],
            "build_s": base["build_s"] * f,
            "ops": ops,
            "cheap_gaps_s": cheap,
            "total_s": sum(ops[k]["seconds"] for k in METRIC_LABELS),
            "run_in_full": False,
            "limit_s": base.get("limit_s"),
        }


def _scaled(seconds: float, unit_s: float | None = None, units: int | None = None
            ) -> dict[str, Any]:
    return {"seconds": seconds, "how": "extrapolated", "unit_s": unit_s, "units": units,
            "setup_s": 0.0, "detail": "scaled from a smaller size"}


# -- derived figures -------------------------------------------------------------------------------


def _slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log y against log x (None with fewer than two usable points)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    var = sum((p[0] - mx) ** 2 for p in pts)
    if var == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / var


def _series(sizes: list[dict[str, Any]], get: Callable[[dict[str, Any]], float | None]
            ) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for s in sizes:
        try:
            y = get(s)
        except (KeyError, TypeError):
            y = None
        if y is not None:
            xs.append(float(s["ties"]))
            ys.append(float(y))
    return xs, ys


SLOPE_SERIES: dict[str, Callable[[dict[str, Any]], float | None]] = {
    "analyse": lambda s: s["ours"]["analysis"]["analyse"]["median_s"],
    "load_plus_analyse": lambda s: s["ours"]["load_plus_analyse_s"],
    "load": lambda s: s["ours"]["load_s"],
    "import": lambda s: s["import_s"],
    "generate": lambda s: s["generate_s"],
    "write_csv": lambda s: s["write_csv_s"],
    "bfs_pass": lambda s: s["ours"]["bfs"]["median_s"],
    **{f"metric:{k}": (lambda s, k=k: s["ours"]["analysis"][k]["median_s"])  # type: ignore[misc]
       for k in METRIC_LABELS},
}


def derive(results: dict[str, Any]) -> None:
    """Add ratios per size, slopes over sizes and the issue's targets to ``results``."""
    sizes = [s for s in results["sizes"] if s.get("ours")]
    for s in sizes:
        ours = s["ours"]
        analyse_s = ours["analysis"]["analyse"]["median_s"]
        ratios: dict[str, Any] = {
            "analysis_over_bfs": analyse_s / ours["bfs"]["median_s"],
            "cold_analysis_over_bfs": ours["analyse_cold_s"] / ours["bfs"]["median_s"],
        }
        nx = s.get("networkx")
        if nx:
            ratios["networkx_over_ours"] = nx["total_s"] / analyse_s
            per = {k: nx["ops"][k]["seconds"] / ours["analysis"][k]["median_s"]
                   for k in METRIC_LABELS}
            per["single_point_of_failure"] = (nx["ops"]["single_point_of_failure"]["seconds"]
                                              / ours["kernels"]["spof_cut_off"]["median_s"])
            ratios["networkx_over_ours_per_metric"] = per
        ig = ours.get("igraph", {})
        if ig.get("ops"):
            ratios["ours_over_igraph"] = {k: v["ratio"] for k, v in ig["ops"].items()}
        s["ratios"] = ratios

    slopes: dict[str, Any] = {}
    for name, get in SLOPE_SERIES.items():
        xs, ys = _series(sizes, get)
        fit = _slope(xs, ys)
        if fit is None:
            continue
        steps = [
            {"from_ties": xs[i], "to_ties": xs[i + 1], "slope": _slope(xs[i:i + 2], ys[i:i + 2])}
            for i in range(len(xs) - 1)
        ]
        slopes[name] = {"fit": fit, "steps": steps}
    results["slopes"] = slopes
    results["targets"] = _targets(sizes, slopes)


def _targets(sizes: list[dict[str, Any]], slopes: dict[str, Any]) -> list[dict[str, Any]]:
    by_people = {s["people"]: s for s in sizes}
    out: list[dict[str, Any]] = []

    def add(what: str, value: float | None, limit: float, unit: str, at_most: bool = True
            ) -> None:
        if value is None:
            return
        met = value <= limit if at_most else value >= limit
        out.append({"target": what, "value": value, "limit": limit, "unit": unit,
                    "at_most": at_most, "met": met})

    big, mid = by_people.get(1_000_000), by_people.get(100_000)
    if big:
        add("1M people: load from SQLite + full analysis", big["ours"]["load_plus_analyse_s"],
            20.0, "s")
        add("1M people: peak memory of load + analysis",
            big["ours"]["analysis_peak_rss_mib"] / 1024, 3.0, "GiB")
        add("1M people: import of the CSV pair", big["import_s"], 60.0, "s")
        add("1M people: full analysis in single BFS passes",
            big["ratios"]["analysis_over_bfs"], 10.0, "passes")
    if mid:
        add("100k people: full analysis (median)",
            mid["ours"]["analysis"]["analyse"]["median_s"], 2.0, "s")
        add("100k people: full analysis, first run after load", mid["ours"]["analyse_cold_s"],
            2.0, "s")
        if "networkx_over_ours" in mid["ratios"]:
            add("100k people: times faster than straightforward networkx",
                mid["ratios"]["networkx_over_ours"], 50.0, "×", at_most=False)
    worst = [max(r for r in s["ratios"].get("ours_over_igraph", {}).values() if r is not None)
             for s in sizes if s["ratios"].get("ours_over_igraph")]
    if worst:
        add("ours ÷ igraph, worst operation at any size", max(worst), 1.5, "×")
    if "analyse" in slopes and len(sizes) >= 2:
        add("slope of analysis time vs ties (log-log fit)", slopes["analyse"]["fit"], 1.15, "")
    return out


# -- the table -------------------------------------------------------------------------------------


def fmt_s(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1e3:.1f} ms"
    if x < 60:
        return f"{x:.2f} s"
    if x < 3600:
        return f"{x / 60:.1f} min"
    if x < 86400:
        return f"{x / 3600:.1f} h"
    return f"{x / 86400:.1f} days"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}×"
    if x >= 10:
        return f"{x:.1f}×"
    return f"{x:.2f}×"


def _mark(how: str | None) -> str:
    return {"estimated": "~", "extrapolated": "≈"}.get(how or "", "")


def render(results: dict[str, Any]) -> str:
    sizes = [s for s in results["sizes"] if s.get("ours")]
    label_w = 44
    col_w = max(13, *(len(f"{s['people']:,}") + 2 for s in sizes)) if sizes else 13
    lines: list[str] = []
    commit = results.get("commit", {})
    machine = results.get("machine", {})
    changed = commit.get("uncommitted_changes") or []
    lines.append(
        f"movemap benchmark · commit {commit.get('short', '?')}"
        + (f" + uncommitted changes in {len(changed)} files" if changed else "")
        + f" · {machine.get('cpus')} CPUs, {machine.get('memory_gib', '?')} GiB"
        + f" · Python {machine.get('python')}, numpy {machine.get('numpy')}"
        + f" · load average at start {machine.get('load_average', '?')}"
    )
    reps = results.get("options", {}).get("reps")
    lines.append(f"{results.get('options', {}).get('ties_per_person')} ties per person; "
                 f"times are medians of up to {reps} runs unless marked first run")
    lines.append("")

    def row(label: str, cells: list[str]) -> None:
        lines.append(label.ljust(label_w) + "".join(c.rjust(col_w) for c in cells))

    def each(get: Callable[[dict[str, Any]], str]) -> list[str]:
        out = []
        for s in sizes:
            try:
                out.append(get(s))
            except (KeyError, TypeError, AttributeError, ZeroDivisionError):
                out.append("–")
        return out

    row("people", [f"{s['people']:,}" for s in sizes])
    row("ties", [f"{s['ties']:,}" for s in sizes])
    lines.append("data")
    row("  generate the graph", each(lambda s: fmt_s(s["generate_s"])))
    row("  write the CSV pair", each(lambda s: fmt_s(s["write_csv_s"])))
    row("  import the CSV pair into SQLite", each(lambda s: fmt_s(s["import_s"])))
    row("    rows per second", each(lambda s: f"{s['import_rows_per_s']:,.0f}"))
    row("    peak memory of the import (MiB)", each(lambda s: f"{s['import_peak_rss_mib']:,.0f}"))
    row("  load from SQLite into the compact graph", each(lambda s: fmt_s(s["ours"]["load_s"])))
    lines.append("ours")
    for key, label in METRIC_LABELS.items():
        row(f"  {label}", each(partial(_ours_cell, key)))
        if key == "target_plan" and any("greedy_plans" in s["ours"]["analysis"] for s in sizes):
            row("  both plans, one greedy run (analyse())",
                each(partial(_ours_cell, "greedy_plans")))
    row("  analyse(): everything", each(lambda s: fmt_s(s["ours"]["analysis"]["analyse"]
                                                         ["median_s"])))
    row("  analyse(), first run after load", each(lambda s: fmt_s(s["ours"]["analyse_cold_s"])))
    row("  load + first analyse()", each(lambda s: fmt_s(s["ours"]["load_plus_analyse_s"])))
    row("  peak memory, load + analysis (MiB)",
        each(lambda s: f"{s['ours']['analysis_peak_rss_mib']:,.0f}"))
    if any("kernel_warm_up_s" in s["ours"] for s in sizes):
        row("  compiled kernels: load or compile, once",
            each(lambda s: fmt_s(s["ours"].get("kernel_warm_up_s"))))
    lines.append("limit: one breadth-first pass (scipy csgraph)")
    row("  one BFS pass over the same CSR", each(lambda s: fmt_s(s["ours"]["bfs"]["median_s"])))
    row("  analyse() ÷ one BFS pass", each(lambda s: fmt_ratio(s["ratios"]["analysis_over_bfs"])))
    if any(s.get("networkx") for s in sizes):
        lines.append("networkx, straightforward (bench/baseline_networkx.py)")
        row("  build the networkx graph", each(
            lambda s: _mark("extrapolated" if s["networkx"].get("extrapolated") else "")
            + fmt_s(s["networkx"]["build_s"])))
        for key, label in {**METRIC_LABELS, "single_point_of_failure": "  of which single points "
                           "of failure"}.items():
            row(f"  {label}", each(partial(_nx_cell, key)))
        row("  total analysis", each(
            lambda s: _mark(_worst_how(s["networkx"])) + fmt_s(s["networkx"]["total_s"])))
        row("  networkx ÷ ours (analyse())", each(
            lambda s: _mark(_worst_how(s["networkx"]))
            + fmt_ratio(s["ratios"]["networkx_over_ours"])))
        for key, label in {**METRIC_LABELS, "single_point_of_failure": "single points of failure"
                           }.items():
            row(f"    ÷ ours: {label}", each(partial(_nx_ratio, key)))
    lines.append("python-igraph (ours ÷ igraph: below 1 is faster than igraph)")
    row("  build the igraph graph", each(lambda s: fmt_s(s["ours"]["igraph"]["build_s"])))
    for key, label in IGRAPH_LABELS.items():
        row(f"  {label}: ours", each(partial(_igraph_cell, key, "ours_s")))
        row(f"  {label}: igraph", each(partial(_igraph_cell, key, "igraph_s")))
        row(f"  {label}: ours ÷ igraph", each(partial(_igraph_cell, key, "ratio")))
    lines.append("")
    lines.extend(_notes(results, sizes))
    return "\n".join(lines)


def _ours_cell(key: str, s: dict[str, Any]) -> str:
    return fmt_s(s["ours"]["analysis"][key]["median_s"])


def _nx_cell(key: str, s: dict[str, Any]) -> str:
    op = s["networkx"]["ops"][key]
    return _mark(op["how"]) + fmt_s(op["seconds"])


def _nx_ratio(key: str, s: dict[str, Any]) -> str:
    return _mark(s["networkx"]["ops"][key]["how"]) + fmt_ratio(
        s["ratios"]["networkx_over_ours_per_metric"][key])


def _igraph_cell(key: str, field: str, s: dict[str, Any]) -> str:
    value = s["ours"]["igraph"]["ops"][key][field]
    return fmt_ratio(value) if field == "ratio" else fmt_s(value)


def _worst_how(nx: dict[str, Any]) -> str:
    hows = {op["how"] for op in nx["ops"].values()}
    return "extrapolated" if "extrapolated" in hows else "estimated" if "estimated" in hows else ""


def _notes(results: dict[str, Any], sizes: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    slopes = results.get("slopes", {})
    if slopes:
        parts = []
        for name, label in (("analyse", "analyse()"), ("load_plus_analyse", "load + analyse()"),
                            ("load", "load"), ("import", "import"), ("bfs_pass", "BFS pass")):
            if name in slopes:
                steps = ", ".join(f"{st['slope']:.2f}" for st in slopes[name]["steps"]
                                  if st["slope"] is not None)
                parts.append(f"{label} {slopes[name]['fit']:.2f} ({steps})")
        span = f"{sizes[0]['ties']:,} → {sizes[-1]['ties']:,} ties" if sizes else ""
        lines.append(f"slope of time vs ties, log-log ({span}; per step in brackets; 1 = linear):")
        lines.append("  " + "; ".join(parts))
    skipped = [s for s in sizes if s.get("networkx") and not s["networkx"].get("run_in_full")]
    if skipped:
        limit = next((s["networkx"].get("limit_s") for s in skipped
                      if s["networkx"].get("limit_s")), None)
        lines.append(
            "networkx: ~ estimated from timed samples (greedy steps × the steps our analysis "
            "took; random candidates × everyone), not run in full"
            + (f" because it would take over {fmt_s(limit)}" if limit else "")
            + "; ≈ extrapolated linearly in ties from the largest size it ran on (a lower bound)."
        )
    agrees = [(s["people"], s["networkx"].get("agrees", {})) for s in sizes
              if s.get("networkx") and not s["networkx"].get("extrapolated")]
    for people, checks in agrees:
        if checks:
            lines.append(f"networkx at {people:,}: same results as ours: "
                         + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in checks.items()))
    for s in sizes:
        checks = s["ours"].get("igraph", {}).get("agrees", {})
        if checks and not all(checks.values()):
            lines.append(f"igraph at {s['people']:,}: DIFFERENT results: {checks}")
    targets = results.get("targets", [])
    if targets:
        lines.append("scale targets:")
        for t in targets:
            value = t["value"]
            shown = (fmt_ratio(value) if t["unit"] in ("×", "passes") else
                     f"{value:.2f} GiB" if t["unit"] == "GiB" else
                     f"{value:.2f}" if t["unit"] == "" else fmt_s(value))
            limit = t["limit"]
            sign = "≤" if t["at_most"] else "≥"
            bound = (f"{sign} {fmt_ratio(limit)}" if t["unit"] == "×" else
                     f"{sign} {limit:g} {t['unit']}".rstrip())
            lines.append(f"  [{'met' if t['met'] else 'NOT MET'}] {t['target']}: {shown} "
                         f"(target {bound})")
    return lines
