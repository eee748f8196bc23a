"""The recruitment sunburst (``dashboards.recruitment_figures``): bounded at 10,000 people, and
every sector counts exactly the people who came in through it, checked against networkx."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import plotly.graph_objects as go
import pytest

from dashboards.recruitment_figures import forest_sectors, recruitment_sunburst
from graph.analysis.recruitment import recruiter_of
from graph.compact import CompactGraph
from graph.model import GROUPS, Person, Relationship


def forest(people: int, seed: int, recruited: float = 0.8) -> CompactGraph:
    """People joining one by one, most recruited by someone earlier (a few prolific ones)."""
    rng = random.Random(seed)
    ids = [f"p{i:05d}" for i in range(people)]
    ties = []
    for i in range(1, people):
        if rng.random() < recruited:
            j = int(i * rng.random() ** 3)  # earlier people, the first most often
            ties.append(Relationship(source=ids[j], target=ids[i], recruited=True))
    return CompactGraph.from_records("forest", [
        Person(id=p, name=f"Name {p}", group=GROUPS[k % 3].value)
        for k, p in enumerate(ids)], ties)


def reference(graph: CompactGraph, recruiter: np.ndarray) -> nx.DiGraph:
    tree = nx.DiGraph()
    tree.add_nodes_from(range(graph.n))
    tree.add_edges_from((int(r), child) for child, r in enumerate(recruiter.tolist()) if r >= 0)
    return tree


@pytest.mark.parametrize(("people", "seed", "limit"), [(10_000, 1, 250), (300, 2, 40),
                                                        (50, 3, 1_000)])
def test_every_sector_counts_the_people_who_came_in_through_it(people: int, seed: int,
                                                               limit: int) -> None:
    graph = forest(people, seed)
    recruiter = recruiter_of(graph)
    tree = reference(graph, recruiter)
    through = {v: len(nx.descendants(tree, v)) + 1 for v in tree}
    sectors = forest_sectors(graph, recruiter, max_sectors=limit)
    assert len(sectors) <= limit
    by_id = {s.id: s for s in sectors}
    in_chains = sum(1 for v in tree if tree.in_degree(v) or tree.out_degree(v))
    assert sectors[0].value == in_chains
    shown = {s.node for s in sectors if s.node >= 0}
    for s in sectors[1:]:
        parent = by_id[s.parent]
        if s.node >= 0:
            assert s.value == through[s.node]
            assert s.recruited == tree.out_degree(s.node)
            up = next(iter(tree.predecessors(s.node)), -1)
            assert parent.node == up
        else:  # the others of a person (or of the centre): their branches, summed
            kids = (list(tree.successors(parent.node)) if parent.node >= 0 else
                    [v for v in tree if tree.in_degree(v) == 0 and tree.out_degree(v)])
            hidden = [v for v in kids if v not in shown]
            assert s.others == len(hidden) and s.value == sum(through[v] for v in hidden)
    for s in sectors:  # "total" branch values: children never add up to more than the parent
        assert sum(c.value for c in sectors if c.parent == s.id) <= s.value
    if people >= 10_000:
        assert any(s.others for s in sectors), "a large forest shows everyone one by one"
    if limit >= 2 * people:
        assert not any(s.others for s in sectors)


def test_the_sunburst_draws_the_sectors_with_others_in_grey() -> None:
    graph = forest(2_000, 4)
    fig = recruitment_sunburst(graph, recruiter_of(graph), max_sectors=60)
    go.Figure(fig)
    trace = fig.data[0]
    assert len(trace.ids) <= 60 and trace.branchvalues == "total" and trace.maxdepth == 4
    others = [i for i, label in enumerate(trace.labels) if label.endswith("others")]
    assert others and all(trace.marker.colors[i] == "#bcccdc" for i in others)


def test_the_sectors_name_a_bad_bound_or_recruiter_array() -> None:
    graph = forest(10, 5)
    with pytest.raises(ValueError, match="max_sectors"):
        forest_sectors(graph, recruiter_of(graph), max_sectors=1)
    with pytest.raises(ValueError, match="recruiter"):
        forest_sectors(graph, np.zeros(3, dtype=np.int64))
