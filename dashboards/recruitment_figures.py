"""The recruitment forest as a sunburst: who brought whom in, readable at any size.

Each ring is a generation: the people in the middle recruited those around them, and each
sector's angle is the number of people who came in through that person (themselves and
everyone below them). A forest of thousands of people would draw thousands of slivers, so the
sunburst is bounded: the largest branches get a sector of their own, in order of size, until
``MAX_SECTORS`` are drawn; the rest of each person's recruits share one sector, "N others",
with the people they brought in counted. Four generations show at once; clicking a sector
opens its branch.

Pure: the graph and each person's recruiter (``graph.analysis.recruitment.recruiter_of``) in,
a Plotly figure out.

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> from graph.analysis.recruitment import recruiter_of
    >>> people = [Person(id=i, group="people") for i in "abcd"]
    >>> ties = [Relationship(source="a", target=x, recruited=True) for x in "bcd"]
    >>> g = CompactGraph.from_records("x", people, ties)
    >>> tree = forest_sectors(g, recruiter_of(g), max_sectors=5)
    >>> [(s.label, s.value) for s in tree]
    [('Everyone in a chain', 4), ('a', 4), ('b', 1), ('2 others', 2)]
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from dashboards.figures import base_layout
from dashboards.palette import GROUP_COLOURS, MUTED
from dashboards.words import group_label, plain_text, plural
from graph.compact import CompactGraph
from graph.model import GROUPS

__all__ = ["MAX_SECTORS", "Sector", "forest_sectors", "recruitment_sunburst"]

I64 = npt.NDArray[np.int64]

MAX_SECTORS = 250
"""At most this many sectors (people and "others" together): about as many as a browser draws
and a reader tells apart in one picture."""
CENTRE = "all"
OTHERS_COLOUR = "#bcccdc"


@dataclass(frozen=True)
class Sector:
    """One sector: a person (``node`` ≥ 0) or the others of a parent (``node`` -1, ``others``
    people's branches), with the people who came in through it (``value``)."""

    id: str
    parent: str
    label: str
    value: int
    node: int = -1
    others: int = 0
    recruited: int = 0


def _subtree_sizes(parent: I64) -> I64:
    """Per person, themselves and everyone recruited below them (every generation)."""
    n = parent.size
    size = np.ones(n, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    # depth by repeated parent steps (the forest has no cycles: recruiter_of breaks them)
    walk = parent.copy()
    while True:
        live = walk >= 0
        if not live.any():
            break
        depth[live] += 1
        walk[live] = parent[walk[live]]
    for node in np.argsort(-depth, kind="stable").tolist():  # the deepest first
        up = int(parent[node])
        if up >= 0:
            size[up] += size[node]
    return size


def forest_sectors(graph: CompactGraph, recruiter: I64, *,
                   max_sectors: int = MAX_SECTORS) -> list[Sector]:
    """The sectors of the sunburst: the centre, then people, largest branches first, and one
    "others" sector per person (and for the centre) whose remaining recruits did not fit."""
    if max_sectors < 2:
        raise ValueError(f"max_sectors: at least 2, not {max_sectors}")
    if recruiter.shape != (graph.n,):
        raise ValueError(f"recruiter: one entry per person ({graph.n}), not {recruiter.shape}")
    parent = recruiter.astype(np.int64)
    size = _subtree_sizes(parent)
    recruited = np.bincount(parent[parent >= 0], minlength=graph.n)
    children: dict[int, list[int]] = {}
    for child in np.flatnonzero(parent >= 0).tolist():
        children.setdefault(int(parent[child]), []).append(child)
    roots = np.flatnonzero((parent < 0) & (recruited > 0))
    centre = Sector(CENTRE, "", "Everyone in a chain", int(size[roots].sum()))
    sectors = [centre]
    shown: dict[int, str] = {-1: CENTRE}
    left: dict[int, list[int]] = {-1: roots.tolist()}
    heap = [(-int(size[r]), graph.ids[r], r, -1) for r in roots.tolist()]
    heapq.heapify(heap)
    # a person costs their sector and, when they recruited anyone, perhaps one "others"
    # sector for recruits that do not fit (counted at once, so the bound always holds)
    while heap:
        _, _, node, up = heap[0]
        kids = children.get(node, [])
        if len(sectors) + len(left) + (2 if kids else 1) > max_sectors:
            break
        heapq.heappop(heap)
        sectors.append(Sector(f"p{node}", shown[up], graph.names[node] or graph.ids[node],
                              int(size[node]), node=node, recruited=int(recruited[node])))
        shown[node] = f"p{node}"
        left[up].remove(node)
        if kids:
            left[node] = list(kids)
        for kid in kids:
            heapq.heappush(heap, (-int(size[kid]), graph.ids[kid], kid, node))
    for up, rest in left.items():
        if rest:
            sectors.append(Sector(f"o{up}", shown[up], f"{len(rest):,} others",
                                  int(size[rest].sum()), others=len(rest)))
    return sectors


def recruitment_sunburst(graph: CompactGraph, recruiter: I64, *,
                         max_sectors: int = MAX_SECTORS) -> go.Figure:
    """The recruitment forest as a sunburst (four generations at a time), coloured by each
    recruiter's group; "others" sectors in grey."""
    sectors = forest_sectors(graph, recruiter, max_sectors=max_sectors)
    colours = ["#ffffff"]
    hover = ["Everyone in a recruitment chain: those brought in by someone, and whoever "
             "brought them in"]
    for s in sectors[1:]:
        if s.node >= 0:
            group = int(graph.group[s.node])
            colours.append(GROUP_COLOURS[GROUPS[group].value])
            hover.append(f"{plain_text(s.label)} ({group_label(group, title=False)}): recruited "
                         f"{plural(s.recruited, 'person', 'people')} directly; "
                         f"{plural(s.value - 1, 'person', 'people')} came in through them")
        else:
            colours.append(OTHERS_COLOUR)
            hover.append(f"{s.label}, each with fewer people below them: "
                         f"{plural(s.value, 'person', 'people')} in all")
    fig = go.Figure(go.Sunburst(
        ids=[s.id for s in sectors], parents=[s.parent for s in sectors],
        labels=[plain_text(s.label) for s in sectors], values=[s.value for s in sectors],
        branchvalues="total", maxdepth=4, hovertext=hover, leaf={"opacity": 1},
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"colors": colours, "line": {"color": "#ffffff", "width": 1}},
        insidetextorientation="radial", textfont={"color": "#ffffff"},
        outsidetextfont={"color": MUTED},
    ))
    fig.update_layout(**base_layout("Who brought whom in: the recruitment forest",
                                    height=560, legend=False))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig
