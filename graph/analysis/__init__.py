"""The analysis of a constituency: pure functions, compact graph in, result dataclasses out.

Example:
    >>> from graph.analysis import analyse
    >>> result = analyse(graph)            # doctest: +SKIP
    >>> result.to_dict()["core"]["reach"]  # doctest: +SKIP
    0.93
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from graph.analysis.brokers import broker_scores, find_brokers
from graph.analysis.clusters import find_clusters
from graph.analysis.gaps import find_gaps
from graph.analysis.options import AnalysisOptions
from graph.analysis.reach import core_reach, greedy_plans, ready_plans, within_hops
from graph.analysis.result import Analysis, gc_paused
from graph.analysis.roles import infer_roles
from graph.compact import CompactGraph
from graph.model import GROUPS

__all__ = ["Analysis", "AnalysisOptions", "analyse"]


def analyse(graph: CompactGraph, options: AnalysisOptions | None = None) -> Analysis:
    """Run every analysis of docs/terms.md on ``graph`` with ``options`` (defaults if None)."""
    options = options or AnalysisOptions()
    with gc_paused():
        return _analyse(graph, options)


def _analyse(graph: CompactGraph, options: AnalysisOptions) -> Analysis:
    channels = graph.channels(options.min_trust)
    # the brokers' searches run compiled without Python's lock: beside the rest, not after it
    with ThreadPoolExecutor(max_workers=1) as pool:
        scores = pool.submit(broker_scores, channels)
        return _analyse_with(graph, options, channels, scores.result)


def _analyse_with(graph: CompactGraph, options: AnalysisOptions, channels: CompactGraph,
                  scores: Callable[[], tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]],
                  ) -> Analysis:
    core = graph.core_mask
    reach = core_reach(channels, core, options.hops)
    recommended, plan = greedy_plans(channels, core, options)
    roles = infer_roles(graph, options)
    reached = within_hops(channels, core, options.hops)
    clusters = find_clusters(channels, core, options.hops, reached=reached)
    counts = np.bincount(graph.group, minlength=len(GROUPS))
    return Analysis(
        constituency=graph.name,
        size=graph.n,
        ties=graph.m,
        groups={g.value: int(counts[g.index]) for g in GROUPS},
        core=reach,
        recommended_core=recommended,
        to_reach_target=plan,
        roles=roles,
        gaps=find_gaps(graph, options, reach=reach, roles=roles, channels=channels,
                       clusters=clusters),
        options=options,
        ready=ready_plans(channels, core, options),
        clusters=clusters,
        brokers=find_brokers(channels, clusters.labels, scores=scores()),
    )
