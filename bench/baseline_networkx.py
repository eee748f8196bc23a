"""The straightforward networkx implementation of the analysis, the benchmark's baseline (a).

What a knowledgeable user would write first: a networkx graph of Python objects (a node per
person with its attributes, an edge per tie with its strengths), and the definitions of
the definitions of docs/terms.md written directly on it:

- reach: a breadth-first search (``single_source_shortest_path_length`` with a cutoff) from
  every core member, the union of what they find;
- recommended core and target plan: the plain greedy, every candidate's gain recomputed as a
  set difference at every step;
- roles: per engaged person, a loop over their neighbours;
- gaps: group counts, one loop over the ties (groups unconnected, flow of value across power
  gaps), segments unreached, parts of the map without a core member
  (``connected_components``), unique reach per core member (``core_centralised``), lone
  wolves, and ``single_point_of_failure``: one component search per candidate
  (``node_connected_component`` on a view of the graph without the candidate; generously,
  only within the candidate's own component).

The greedy steps and the per-candidate searches are too slow to run in full on large maps, so
each is timed on a sample (a few steps, a few candidates chosen at random) and extrapolated;
``run`` then runs them in full only when the whole baseline would fit in ``limit_s``.
Every figure says how it was obtained: ``measured``, ``estimated`` (sample × count) or, in the
benchmark's report, ``extrapolated`` (from a smaller size).
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import networkx as nx

from graph.analysis.options import AnalysisOptions
from graph.compact import CompactGraph, day_to_date
from graph.model import GROUPS, Engagement, Role

__all__ = ["OpResult", "build", "run"]

CORE_RANK = Engagement.LEADING.rank
ENGAGED_RANK = Engagement.CONTRIBUTING.rank
_ENGAGEMENT = [e.value for e in Engagement]
_POWER_GAPS = {("givers_of_service", "people"), ("people", "system_leaders"),
               ("givers_of_service", "system_leaders")}


@dataclass
class OpResult:
    """The time of one operation of the baseline and how it was obtained."""

    seconds: float
    how: str  # "measured" or "estimated"
    detail: str = ""
    unit_s: float | None = None  # seconds per greedy step or per candidate, when sampled
    units: int | None = None  # steps or candidates in full
    setup_s: float = 0.0
    value: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds, "how": self.how, "detail": self.detail,
            "unit_s": self.unit_s, "units": self.units, "setup_s": self.setup_s,
        }


# -- the networkx graph ------------------------------------------------------------------------


def build(graph: CompactGraph) -> nx.Graph:
    """A networkx graph of the constituency: nodes are person ids with their attributes."""
    G = nx.Graph(name=graph.name)
    groups = [g.value for g in GROUPS]
    roles = [r.value for r in Role]
    group = graph.group.tolist()
    engagement = graph.engagement.tolist()
    role = graph.declared_role.tolist()
    joined = graph.joined.tolist()
    formal = graph.formal_power.tolist()
    informal = graph.informal_power.tolist()
    lived = graph.lived_experience.tolist()
    indptr = graph.segment_indptr.tolist()
    seg = graph.segment_indices.tolist()
    names = graph.segment_names
    for i, pid in enumerate(graph.ids):
        G.add_node(
            pid,
            group=groups[group[i]],
            segments={names[s] for s in seg[indptr[i]:indptr[i + 1]]},
            engagement=_ENGAGEMENT[engagement[i]],
            role=None if role[i] < 0 else roles[role[i]],
            joined=day_to_date(joined[i]),
            formal_power=formal[i],
            informal_power=informal[i],
            lived_experience=lived[i],
        )
    ids = graph.ids
    strengths = {t: s.tolist() for t, s in graph.strength.items()}
    G.add_edges_from(
        (ids[u], ids[v], {t: strengths[t][e] for t in strengths})
        for e, (u, v) in enumerate(zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True))
    )
    G.graph["recruitments"] = [
        (ids[s], ids[t])
        for s, t in zip(graph.recruit_source.tolist(), graph.recruit_target.tolist(), strict=True)
    ]
    return G


def core_of(G: nx.Graph) -> set[Hashable]:
    return {v for v, d in G.nodes(data=True) if d["engagement"] == "leading" or d["role"]}


def engaged_of(G: nx.Graph) -> set[Hashable]:
    return {
        v for v, d in G.nodes(data=True)
        if _ENGAGEMENT.index(d["engagement"]) >= ENGAGED_RANK or d["role"]
    }


# -- the metrics -------------------------------------------------------------------------------


def within_hops(G: nx.Graph, sources: Iterable[Hashable], hops: int) -> set[Hashable]:
    found: set[Hashable] = set()
    for s in sources:
        found.update(nx.single_source_shortest_path_length(G, s, cutoff=hops))
    return found


def core_reach(G: nx.Graph, core: set[Hashable], hops: int) -> dict[str, Any]:
    outside = set(G) - core
    reached = outside & within_hops(G, core, hops)
    by_group: dict[str, float | None] = {}
    for g in GROUPS:
        out_g = [v for v in outside if G.nodes[v]["group"] == g.value]
        hit = sum(1 for v in out_g if v in reached)
        by_group[g.value] = hit / len(out_g) if out_g else None
    return {
        "reach": len(reached) / len(outside) if outside else 1.0,
        "reached": reached,
        "by_group": by_group,
    }


class PlainGreedy:
    """The plain greedy maximum coverage: every candidate's gain recomputed at every step."""

    def __init__(self, G: nx.Graph, core: set[Hashable], hops: int) -> None:
        self.G = G
        self.balls = {v: set(nx.single_source_shortest_path_length(G, v, cutoff=hops))
                      for v in G}
        self.current = set(core)
        self.reached = within_hops(G, core, hops)
        self.candidates = sorted(set(G) - self.current)

    def step(self) -> tuple[Hashable, int]:
        best: Hashable | None = None
        best_gain = -1
        for v in self.candidates:
            if v in self.current:
                continue
            gain = len(self.balls[v] - self.reached)
            if gain > best_gain:  # ascending id order: the first best wins ties
                best, best_gain = v, gain
        assert best is not None
        self.current.add(best)
        self.reached |= self.balls[best]
        return best, best_gain

    def reach(self) -> Fraction:
        outside = self.G.number_of_nodes() - len(self.current)
        return Fraction(len(self.reached - self.current), outside) if outside else Fraction(1)


def infer_roles(G: nx.Graph, options: AnalysisOptions) -> dict[Hashable, str | None]:
    """The inferred role of every engaged person (graph/analysis/roles.py definitions)."""
    engaged = engaged_of(G)
    n = G.number_of_nodes()
    mean_ties = 2 * G.number_of_edges() / n if n else 0.0
    min_ties = max(float(options.mobiliser_min_ties), options.mobiliser_degree_factor * mean_ties)
    recruits: dict[Hashable, set[Hashable]] = defaultdict(set)
    for s, t in G.graph["recruitments"]:
        recruits[s].add(t)
    as_of = options.as_of
    inferred: dict[Hashable, str | None] = {}
    for v in sorted(engaged, key=str):
        data = G.nodes[v]
        neighbours = G[v]
        ties = len(neighbours)
        engaged_ties = sum(1 for w in neighbours if w in engaged)
        bridging = sum(
            1 for w in neighbours
            if G.nodes[w]["group"] != data["group"] or G.nodes[w]["segments"] - data["segments"]
        )
        grown = sum(1 for r in recruits[v] if r in engaged)
        joined: date | None = data["joined"]
        days = max((as_of - joined).days, 0) if joined else None
        lone = (days is not None and days >= options.lone_wolf_min_years * 365
                and engaged_ties <= options.lone_wolf_max_engaged_ties)
        organiser = grown >= options.organiser_min_grown or (
            engaged_ties >= options.organiser_min_engaged_ties
            and ties and engaged_ties / ties >= options.organiser_min_engaged_share
        )
        mobiliser = ties >= min_ties and ties and bridging / ties >= options.mobiliser_min_bridging
        inferred[v] = ("lone_wolf" if lone else "organiser" if organiser
                       else "mobiliser" if mobiliser else None)
    return inferred


def cheap_gaps(
    G: nx.Graph, core: set[Hashable], reached: set[Hashable], roles: dict[Hashable, str | None],
    options: AnalysisOptions,
) -> dict[str, Any]:
    """Every gap but single points of failure, in a straightforward way."""
    groups = Counter(d["group"] for _, d in G.nodes(data=True))
    # segments with people but none of them reached by the core
    members: dict[str, list[Hashable]] = defaultdict(list)
    for v, d in G.nodes(data=True):
        for s in d["segments"]:
            members[s].append(v)
    unreached_segments = [s for s, who in members.items()
                          if not any(v in reached or v in core for v in who)]
    # ties between groups, and flow of value across power gaps
    pair_ties: Counter[tuple[str, str]] = Counter()
    pair_flow: Counter[tuple[str, str]] = Counter()
    for u, v, d in G.edges(data=True):
        a, b = sorted((G.nodes[u]["group"], G.nodes[v]["group"]))
        pair_ties[a, b] += 1
        if (a, b) in _POWER_GAPS and d["flow_of_value"] >= 1:
            pair_flow[a, b] += 1
    flow_gaps = [p for p in _POWER_GAPS
                 if pair_ties[p] and pair_flow[p] / pair_ties[p] < options.flow_of_value_min_share]
    # parts of the map without a core member
    parts = [c for c in nx.connected_components(G) if not c & core]
    # unique reach of each core member
    reached_by: Counter[Hashable] = Counter()
    balls = {}
    for m in core:
        ball = set(nx.single_source_shortest_path_length(G, m, cutoff=options.hops)) - core
        balls[m] = ball
        reached_by.update(ball)
    unique = {m: sum(1 for v in ball if reached_by[v] == 1) for m, ball in balls.items()}
    lone_wolves = [v for v, role in roles.items() if role == "lone_wolf"]
    return {
        "groups": groups, "segments_unreached": unreached_segments, "flow_gaps": flow_gaps,
        "unreached_parts": len(parts), "unique_reach_max": max(unique.values(), default=0),
        "lone_wolves": len(lone_wolves),
    }


class ComponentSearchSpof:
    """Single points of failure, one component search per candidate."""

    def __init__(self, G: nx.Graph, core: set[Hashable]) -> None:
        self.G = G
        self.core = core
        self.components = list(nx.connected_components(G))
        self.component_of = {v: i for i, c in enumerate(self.components) for v in c}
        self.core_in = [[v for v in c if v in core] for c in self.components]

    def cut_off(self, v: Hashable) -> int:
        """How many others would no longer be connected to the rest of the core without v."""
        i = self.component_of[v]
        rest = [c for c in self.core_in[i] if c != v]
        if not rest:
            return 0
        H = nx.restricted_view(self.G, [v], [])
        connected: set[Hashable] = set()
        for c in rest:
            if c not in connected:
                connected |= nx.node_connected_component(H, c)
        return len(self.components[i]) - 1 - len(connected)


# -- the run, sampled where needed ---------------------------------------------------------------


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _sample_steps(
    greedy: PlainGreedy, max_steps: int, sample_s: float
) -> tuple[list[float], list[tuple[Hashable, int]]]:
    """Time greedy steps: at least two (if there are), then while under ``sample_s`` in all."""
    times: list[float] = []
    added: list[tuple[Hashable, int]] = []
    while len(times) < max_steps and (len(times) < 2 or sum(times) < sample_s):
        t, pick = _time(greedy.step)
        times.append(t)
        added.append(pick)
    return times, added


def run(
    graph: CompactGraph,
    options: AnalysisOptions,
    *,
    recommended_steps: int,
    target_steps: int,
    limit_s: float = 600.0,
    sample_s: float = 20.0,
    seed: int = 1,
    ours_first_additions: Sequence[tuple[str, int]] = (),
    ours_reach: float | None = None,
) -> dict[str, Any]:
    """Time the straightforward networkx analysis of ``graph``.

    ``recommended_steps`` and ``target_steps`` are the numbers of greedy additions (from our
    analysis of the same graph) used to extrapolate the sampled steps. The greedy and the
    single points of failure are sampled for about ``sample_s`` each; they run in full only
    when the estimate of the whole baseline is within ``limit_s``. Returns the build time, one
    ``OpResult`` per operation, the total, and agreement checks with our results.
    """
    build_s, G = _time(lambda: build(graph))
    ops: dict[str, OpResult] = {}
    core = core_of(G)

    t, reach = _time(lambda: core_reach(G, core, options.hops))
    ops["core_reach"] = OpResult(t, "measured", "a BFS with a cutoff from every core member")
    t, roles = _time(lambda: infer_roles(G, options))
    ops["roles"] = OpResult(t, "measured", "a loop over each engaged person's neighbours")
    t, _ = _time(lambda: cheap_gaps(G, core, reach["reached"], roles, options))
    cheap_gaps_s = t

    # the greedy: set-up (every ball), then sampled steps
    greedy_setup_s, greedy = _time(lambda: PlainGreedy(G, core, options.hops))
    # the recommended core and the target plan are the same sequence of additions, stopped
    # at different points: the sampled steps are the first steps of both
    step_times, first_added = _sample_steps(
        greedy, max(recommended_steps, target_steps, 1), sample_s
    )
    step_s = sum(step_times) / len(step_times) if step_times else 0.0

    # single points of failure: set-up (components), then sampled candidates
    spof_setup_s, spof = _time(lambda: ComponentSearchSpof(G, core))
    rng = random.Random(seed)
    nodes = list(G)
    candidate_times: list[float] = []
    while nodes and len(candidate_times) < len(nodes) and (
        len(candidate_times) < 3 or (sum(candidate_times) < sample_s and len(candidate_times) < 50)
    ):
        v = nodes[rng.randrange(len(nodes))]
        t, _ = _time(lambda v=v: spof.cut_off(v))  # type: ignore[misc]
        candidate_times.append(t)
    candidate_s = sum(candidate_times) / len(candidate_times) if candidate_times else 0.0

    estimate_recommended = greedy_setup_s + step_s * recommended_steps
    estimate_target = greedy_setup_s + step_s * target_steps
    estimate_spof = spof_setup_s + candidate_s * len(nodes)
    estimate_total = (
        ops["core_reach"].seconds + ops["roles"].seconds + cheap_gaps_s
        + estimate_recommended + estimate_target + estimate_spof
    )
    full = estimate_total <= limit_s
    agrees: dict[str, bool] = {}
    if ours_reach is not None:
        agrees["core_reach"] = math.isclose(reach["reach"], ours_reach, rel_tol=1e-12)
    if ours_first_additions:
        k = min(len(first_added), len(ours_first_additions))
        agrees["greedy_first_additions"] = [
            (str(v), g) for v, g in first_added[:k]
        ] == [(str(v), int(g)) for v, g in ours_first_additions[:k]]

    if full:
        # the greedy in full: the recommended core, then (afresh) the target plan
        def recommended() -> list[tuple[Hashable, int]]:
            g = PlainGreedy(G, core, options.hops)
            return [g.step() for _ in range(recommended_steps)]

        def target() -> int:
            g = PlainGreedy(G, core, options.hops)
            goal = Fraction(repr(options.target_reach))
            steps = 0
            while g.reach() < goal and len(g.current) < G.number_of_nodes():
                g.step()
                steps += 1
            return steps

        t, _ = _time(recommended)
        ops["recommended_core"] = OpResult(t, "measured", "plain greedy",
                                           units=recommended_steps)
        t, steps = _time(target)
        ops["target_plan"] = OpResult(t, "measured", "plain greedy", units=steps)
        t, _ = _time(lambda: [spof.cut_off(v) for v in nodes])
        ops["single_point_of_failure"] = OpResult(
            t + spof_setup_s, "measured", "one component search per candidate", units=len(nodes)
        )
    else:
        detail = (f"{len(step_times)} greedy steps timed, × the steps our analysis took")
        ops["recommended_core"] = OpResult(
            estimate_recommended, "estimated", detail, unit_s=step_s, units=recommended_steps,
            setup_s=greedy_setup_s,
        )
        ops["target_plan"] = OpResult(
            estimate_target, "estimated", detail, unit_s=step_s, units=target_steps,
            setup_s=greedy_setup_s,
        )
        ops["single_point_of_failure"] = OpResult(
            estimate_spof, "estimated",
            f"{len(candidate_times)} random candidates timed, × {len(nodes)} candidates",
            unit_s=candidate_s, units=len(nodes), setup_s=spof_setup_s,
        )
    spof_op = ops["single_point_of_failure"]
    ops["gaps"] = OpResult(
        cheap_gaps_s + spof_op.seconds, spof_op.how,
        "every gap; single points of failure as above",
    )
    total = sum(ops[k].seconds for k in
                ("core_reach", "recommended_core", "target_plan", "roles", "gaps"))
    return {
        "build_s": build_s,
        "ops": {k: v.to_dict() for k, v in ops.items()},
        "cheap_gaps_s": cheap_gaps_s,
        "total_s": total,
        "estimate_total_s": estimate_total,
        "run_in_full": full,
        "limit_s": limit_s,
        "agrees": agrees,
    }
