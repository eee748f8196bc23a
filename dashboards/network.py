"""The network picture: who is tied to whom, coloured by group, the engaged core highlighted.

``network_view`` turns a compact graph, its cached ``Layout`` and the reader's filters into a
Plotly figure and says in words what it shows. Maps small enough (after filtering) are drawn
person by person; larger ones are drawn one place per segment (``segments`` view: a node per
segment sized by its people and coloured by the share the core reaches, ties between segments
as lines of three widths), or, on request, one circle per cluster (``clusters`` view, the same
way) or as the engaged core and the people one tie from it when that fits. Expected segments
with nobody in them always appear as marked empty places.

Person by person, each cluster is a shaded region of its own (``Layout.region``); a group is
told by its marker's shape and colour, a declared role by a black symbol on the marker; names
are written beside everyone on a small picture, and beside the core and the people highlighted
(the brokers, a selected person) on a large one.

Pure functions: no Flask, no store. ``neighbourhood`` answers "who is within 1–3 steps of this
person" for the detail panel.

Example:
    >>> view = network_view(graph, layout, NetworkFilters())      # doctest: +SKIP
    >>> view.view, view.note                                      # doctest: +SKIP
    ('people', 'Every person and every tie: 800 people, 3,180 ties.')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from scipy import sparse

from dashboards.figures import base_layout
from dashboards.layout import (
    REGION_MIN_SIZE,
    Layout,
    ring,
    segment_incidence,
    segment_ties,
    subset_positions,
)
from dashboards.palette import (
    BROKER_COLOUR,
    CORE_COLOUR,
    EMPTY_COLOUR,
    GRID,
    GROUP_COLOURS,
    GROUP_SYMBOLS,
    ROLE_SYMBOLS,
    SEQUENTIAL,
    TIE_COLOUR,
)
from dashboards.purpose_figures import PART_COLOURS, PART_SYMBOLS, PART_WORDS
from dashboards.words import (
    engagement_label,
    group_label,
    percent,
    plural,
    role_label,
    segment_label,
    trust_label,
)
from graph.analysis.result import Cluster, Clusters
from graph.compact import CompactGraph, day_to_date
from graph.model import GROUPS, TRUST_TYPES, Engagement, Role

__all__ = [
    "GL_THRESHOLD",
    "MAX_PEOPLE",
    "MAX_SEGMENT_LINKS",
    "MAX_TIES",
    "NAMES_ALL",
    "COLOURINGS",
    "VIEWS",
    "NetworkFilters",
    "NetworkView",
    "Neighbourhood",
    "neighbourhood",
    "network_view",
    "person_details",
    "person_mask",
    "tie_mask",
]

BoolArray = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]

MAX_PEOPLE = 5_000
MAX_TIES = 20_000
"""Above either, drawing every person and tie is too heavy for a browser: aggregate instead."""
GL_THRESHOLD = 1_500
"""From this many people the picture uses WebGL (``scattergl``); fewer are crisp SVG."""
MAX_SEGMENT_LINKS = 400
"""The segments view draws at most this many links between segments, the strongest first."""
NAMES_ALL = 150
"""Pictures of up to this many people write everyone's name; larger ones only the core's and
the highlighted people's."""
MAX_NAMES = 400
"""At most this many names are written on one picture (the core first)."""
VIEWS = ("auto", "people", "core", "segments", "clusters")
COLOURINGS = ("group", "purpose")
"""What a person's mark shows: their group, or their part in the shared purpose."""
_ROLES = tuple(Role)
_ENGAGEMENT = tuple(Engagement)


@dataclass(frozen=True)
class NetworkFilters:
    """What the reader asked to see. Defaults show everything.

    trust: only ties with at least ``min_strength`` of this trust type (``None``: every tie).
    group: only people in this group (primary or other). segment: only people in it.
    engagement: only people at least this far up the ladder (rank 0–4).
    view: ``auto`` (people when it fits, else segments), ``people``, ``core``, ``segments``,
    ``clusters``.
    brokers: highlight the brokers (``Analysis.brokers``) and write their names.
    colour: what a person's mark shows: ``group`` (shape and colour by group) or ``purpose``
    (their part in the shared purpose, ``graph.purpose.parts``, by shape and colour).
    """

    trust: str | None = None
    min_strength: int = 1
    group: str | None = None
    segment: str | None = None
    engagement: int = 0
    view: str = "auto"
    brokers: bool = False
    colour: str = "group"

    def __post_init__(self) -> None:
        if self.trust is not None and self.trust not in {t.value for t in TRUST_TYPES}:
            raise ValueError(f"unknown trust type {self.trust!r}")
        if not 1 <= self.min_strength <= 3:
            raise ValueError("min_strength must be 1–3")
        if self.group is not None and self.group not in {g.value for g in GROUPS}:
            raise ValueError(f"unknown group {self.group!r}")
        if not 0 <= self.engagement < len(_ENGAGEMENT):
            raise ValueError("engagement must be 0–4")
        if self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}")
        if self.colour not in COLOURINGS:
            raise ValueError(f"unknown colouring {self.colour!r}")

    @property
    def active(self) -> bool:
        return bool(self.trust or self.group or self.segment or self.engagement)

    def describe(self) -> list[str]:
        """The active filters in words."""
        words: list[str] = []
        if self.trust:
            words.append(f"ties with {trust_label(self.trust).lower()} trust of "
                         f"{self.min_strength} or more")
        if self.group:
            words.append(f"people in {group_label(self.group, title=False)}")
        if self.segment:
            words.append(f"people in {segment_label(self.segment)}")
        if self.engagement:
            words.append(f"people {engagement_label(self.engagement)} or more engaged")
        return words


@dataclass(frozen=True)
class NetworkView:
    """A network figure and what it shows, in numbers and words."""

    figure: go.Figure
    view: str  # "people", "core" or "segments"
    people: int  # people in the picture (in the segments view: people aggregated)
    ties: int  # ties in the picture (in the segments view: ties aggregated)
    note: str
    fallback: bool = False  # the requested view did not fit, another is shown
    extra: dict[str, Any] = field(default_factory=dict)


def person_mask(graph: CompactGraph, filters: NetworkFilters) -> BoolArray:
    """The people the filters keep."""
    keep = np.ones(graph.n, dtype=bool)
    if filters.group:
        bit = GROUPS.index(next(g for g in GROUPS if g.value == filters.group))
        keep &= (graph.member_of >> bit & 1).astype(bool)
    if filters.segment:
        try:
            s = graph.segment_names.index(filters.segment)
        except ValueError:
            keep[:] = False
        else:
            members = np.zeros(graph.n, dtype=bool)
            owner = np.repeat(np.arange(graph.n), np.diff(graph.segment_indptr))
            members[owner[graph.segment_indices == s]] = True
            keep &= members
    if filters.engagement:
        keep &= graph.engagement >= filters.engagement
    return keep


def tie_mask(graph: CompactGraph, filters: NetworkFilters, people: BoolArray) -> BoolArray:
    """The ties the filters keep: both ends kept, and strong enough in the chosen trust."""
    keep = people[graph.edge_u] & people[graph.edge_v]
    if filters.trust:
        keep &= graph.strength[filters.trust] >= filters.min_strength
    return keep


def network_view(
    graph: CompactGraph,
    layout: Layout,
    filters: NetworkFilters,
    *,
    reached: BoolArray | None = None,
    highlight: Neighbourhood | None = None,
    max_people: int = MAX_PEOPLE,
    max_ties: int = MAX_TIES,
    clusters: Clusters | None = None,
    brokers: Sequence[int] = (),
    parts: npt.NDArray[np.int8] | None = None,
) -> NetworkView:
    """The picture for these filters, drawn person by person when it fits, else aggregated.

    ``reached`` marks the core and the people it reaches (colours the segments and clusters
    views); ``highlight`` outlines a person's neighbourhood in the people views; ``clusters``
    names the cluster regions and draws the clusters view; ``brokers`` (node indices, the
    strongest first) are outlined and named when ``filters.brokers`` asks for them;
    ``parts`` (each node's ``graph.purpose.parts.Part`` index) colours the people when
    ``filters.colour`` is ``purpose``.
    """
    people = person_mask(graph, filters)
    ties = tie_mask(graph, filters, people)
    shown, drawn = int(people.sum()), int(ties.sum())
    fits = shown <= max_people and drawn <= max_ties
    wanted = filters.view
    marked = _Marks(highlight, clusters, np.asarray(brokers, dtype=np.int64)
                    if filters.brokers else np.zeros(0, dtype=np.int64),
                    parts if filters.colour == "purpose" else None)
    if wanted == "clusters" and clusters is not None and clusters.listed:
        return _clusters_view(graph, layout, people, ties, reached, clusters)
    if wanted == "core":
        core_people = _core_and_neighbours(graph, people, ties)
        core_ties = ties & core_people[graph.edge_u] & core_people[graph.edge_v]
        if int(core_people.sum()) <= max_people and int(core_ties.sum()) <= max_ties:
            return _people_view(graph, layout, core_people, core_ties, filters, "core",
                                marked, total=(shown, drawn))
        view = _segments_view(graph, layout, people, ties, reached, filters)
        return _with_note(view, "The engaged core and the people one tie from it are too many "
                          "to draw; " + view.note[0].lower() + view.note[1:], fallback=True)
    if wanted == "segments" or (wanted == "auto" and not fits):
        view = _segments_view(graph, layout, people, ties, reached, filters)
        if wanted == "auto":
            return _with_note(view, f"This map is too large to draw every person and tie "
                              f"({plural(shown, 'person', 'people')}, {plural(drawn, 'tie')}); "
                              + view.note[0].lower() + view.note[1:])
        return view
    if not fits:
        view = _segments_view(graph, layout, people, ties, reached, filters)
        return _with_note(view, f"Too many to draw one by one ({plural(shown, 'person', 'people')}"
                          f", {plural(drawn, 'tie')}); narrow the filters to see people. "
                          + view.note, fallback=True)
    return _people_view(graph, layout, people, ties, filters, "people", marked,
                        total=(shown, drawn))


def _with_note(view: NetworkView, note: str, fallback: bool = False) -> NetworkView:
    return NetworkView(view.figure, view.view, view.people, view.ties, note,
                       fallback or view.fallback, view.extra)


def _core_and_neighbours(graph: CompactGraph, people: BoolArray, ties: BoolArray) -> BoolArray:
    core = graph.core_mask & people
    keep = core.copy()
    u, v = graph.edge_u[ties], graph.edge_v[ties]
    keep[v[core[u]]] = True
    keep[u[core[v]]] = True
    return keep & people


# -- people views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Marks:
    """What the people views mark beyond the people: a neighbourhood, the cluster regions'
    names, the brokers to outline."""

    highlight: Neighbourhood | None
    clusters: Clusters | None
    brokers: I64
    parts: npt.NDArray[np.int8] | None = None


def _people_view(graph: CompactGraph, layout: Layout, people: BoolArray, ties: BoolArray,
                 filters: NetworkFilters, view: str, marks: _Marks,
                 total: tuple[int, int]) -> NetworkView:
    nodes = np.flatnonzero(people)
    edges = np.flatnonzero(ties)
    gl = nodes.size >= GL_THRESHOLD or edges.size > 4 * GL_THRESHOLD
    scatter = go.Scattergl if gl else go.Scatter
    if layout.method == "force":
        x, y = layout.x, layout.y
    else:  # people of a large map: their own spring layout reads better than the discs
        x, y = subset_positions(graph, layout, nodes, edges)
    fig = go.Figure()
    if layout.method == "force":
        _add_regions(fig, graph, layout, nodes, marks.clusters)

    # ties: one trace of line segments separated by gaps (NaN)
    ex = np.full(edges.size * 3, np.nan, dtype=np.float32)
    ey = np.full(edges.size * 3, np.nan, dtype=np.float32)
    ex[0::3], ex[1::3] = x[graph.edge_u[edges]], x[graph.edge_v[edges]]
    ey[0::3], ey[1::3] = y[graph.edge_u[edges]], y[graph.edge_v[edges]]
    tie_name = "Ties" if not filters.trust else (
        f"Ties with {trust_label(filters.trust).lower()} trust ≥ {filters.min_strength}")
    fig.add_trace(scatter(x=ex, y=ey, mode="lines", name=tie_name, hoverinfo="skip",
                          line={"color": TIE_COLOUR, "width": 0.8 if gl else 1.0},
                          connectgaps=False))

    sizes = (6 + 2.0 * graph.engagement).astype(np.float32)
    for members, name, colour, symbol in _mark_kinds(graph, nodes, marks.parts):
        fig.add_trace(scatter(
            x=x[members], y=y[members], mode="markers", name=name,
            customdata=["p:" + graph.ids[i] for i in members.tolist()],
            hovertext=[_hover(graph, i) for i in members.tolist()],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"color": colour, "size": sizes[members] + 1, "symbol": symbol,
                    "line": {"color": "#ffffff" if not symbol.endswith("-open") else colour,
                             "width": 0.6 if not symbol.endswith("-open") else 1.5},
                    "opacity": 0.95},
        ))

    core = nodes[graph.core_mask[nodes]]
    fig.add_trace(scatter(
        x=x[core], y=y[core], mode="markers", name="Engaged core (ringed)", hoverinfo="skip",
        marker={"symbol": "circle-open", "size": sizes[core] + 9, "color": CORE_COLOUR,
                "line": {"width": 2, "color": CORE_COLOUR}},
    ))

    # declared roles: a black symbol of the role's own shape on the person's marker
    roles = graph.declared_role[nodes]
    for r, role in enumerate(_ROLES):
        holders = nodes[roles == r]
        if holders.size == 0:
            continue
        fig.add_trace(scatter(
            x=x[holders], y=y[holders], mode="markers",
            name=f"Declared {role_label(role.value)}", hoverinfo="skip",
            marker={"symbol": ROLE_SYMBOLS[role.value], "size": 8, "color": CORE_COLOUR,
                    "line": {"width": 1, "color": "#ffffff"}},
        ))

    _add_empty_segments(fig, layout, scatter, x[nodes], y[nodes])

    highlight = marks.highlight
    brokers = marks.brokers[people[marks.brokers]] if marks.brokers.size else marks.brokers
    if brokers.size:
        fig.add_trace(scatter(
            x=x[brokers], y=y[brokers], mode="markers", meta="brokers",
            name="Broker (bridges clusters or groups)", hoverinfo="skip",
            marker={"symbol": "hexagram-open", "size": 24, "color": BROKER_COLOUR,
                    "line": {"width": 2.5, "color": BROKER_COLOUR}},
        ))
    if highlight is not None:
        around = np.concatenate([*highlight.by_step, np.zeros(0, dtype=np.int64)])
        around = around[people[around]] if around.size else around
        fig.add_trace(scatter(
            x=x[around], y=y[around], mode="markers", meta="highlight",
            name=f"Within {highlight.steps} step{'s' if highlight.steps > 1 else ''} of "
                 f"{graph.names[highlight.node] or graph.ids[highlight.node]}",
            hoverinfo="skip",
            marker={"symbol": "circle-open", "size": 18, "color": EMPTY_COLOUR,
                    "line": {"width": 2.5, "color": EMPTY_COLOUR}},
        ))
        fig.add_trace(scatter(
            x=x[[highlight.node]], y=y[[highlight.node]], mode="markers", meta="highlight",
            name=f"Selected: {graph.names[highlight.node] or graph.ids[highlight.node]}",
            hoverinfo="skip",
            marker={"symbol": "circle-open-dot", "size": 26, "color": CORE_COLOUR,
                    "line": {"width": 3, "color": CORE_COLOUR}},
        ))
    _add_names(fig, graph, x, y, nodes, brokers, highlight)

    label = "The engaged core and the people one tie from them" if view == "core" else (
        "Every person and every tie" if not filters.active else "The people and ties you chose")
    note = (f"{label}: {plural(int(nodes.size), 'person', 'people')}, "
            f"{plural(int(edges.size), 'tie')}.")
    if view == "core":
        note += (f" (The filtered map has {plural(total[0], 'person', 'people')} and "
                 f"{plural(total[1], 'tie')}.)")
    fig.update_layout(**_picture_layout(f"Network of {graph.name}: {label.lower()}"))
    return NetworkView(fig, view, int(nodes.size), int(edges.size), note,
                       extra={"webgl": gl, "names": _named_count(fig)})


def _mark_kinds(graph: CompactGraph, nodes: I64, parts: npt.NDArray[np.int8] | None
                ) -> list[tuple[I64, str, str, str]]:
    """The people's marks, one trace each: ``(nodes, legend name, colour, symbol)`` by
    group, or by part in the purpose when ``parts`` is given (every part listed, empty
    ones too, so the legend always explains all four)."""
    if parts is None:
        return [(nodes[graph.group[nodes] == g.index], group_label(g.value),
                 GROUP_COLOURS[g.value], GROUP_SYMBOLS[g.value]) for g in GROUPS]
    return [(nodes[parts[nodes] == i], f"{PART_WORDS[key]} ({int((parts[nodes] == i).sum()):,})",
             PART_COLOURS[key], PART_SYMBOLS[key]) for i, key in enumerate(PART_WORDS)]


LABEL_REGION_SHARE = 0.5
"""A cluster region at least this share of the largest one's radius is labelled with its name;
a smaller one with its number only (its name shows on hover)."""


def _add_regions(fig: go.Figure, graph: CompactGraph, layout: Layout, nodes: I64,
                 clusters: Clusters | None) -> None:
    """A shaded circle behind each cluster region with people in the picture, and its name
    ("Cluster 3", with the segment most of its people share) above it."""
    if layout.region.size != graph.n or nodes.size == 0:
        return
    listed = {c.id - 1: c for c in clusters.listed} if clusters is not None else {}
    shown = np.unique(layout.region[nodes])
    own = shown[np.isin(shown, list(listed))]  # the shared region of small ones is not listed
    for r in own.tolist():
        cx, cy, rad = (float(layout.region_x[r]), float(layout.region_y[r]),
                       float(layout.region_r[r]))
        fig.add_shape(type="circle", xref="x", yref="y", x0=cx - rad, y0=cy - rad,
                      x1=cx + rad, y1=cy + rad, layer="below",
                      fillcolor="rgba(217, 226, 236, 0.35)", line={"color": GRID, "width": 1})
    if own.size:
        # small regions sit close together between the large ones: they carry only their
        # number, so labels do not run over each other; the full name shows on hover
        largest = float(layout.region_r[own].max())
        names = [_escape(_cluster_name(listed[r])) for r in own.tolist()]
        fig.add_trace(go.Scatter(
            x=layout.region_x[own], y=layout.region_y[own] + layout.region_r[own],
            mode="text", name="Cluster (shaded region)", hoverinfo="text", hovertext=names,
            text=[name if float(layout.region_r[r]) >= LABEL_REGION_SHARE * largest
                  else str(listed[r].id) for r, name in zip(own.tolist(), names, strict=True)],
            textposition="top center", textfont={"size": 12, "color": "#1f2933"},
        ))


def _cluster_name(cluster: Cluster) -> str:
    """``Cluster 3`` or ``Cluster 3: Barrow (locality)`` when most of its people share it."""
    segment = cluster.segment
    if segment and segment["share"] >= 0.5:
        return f"Cluster {cluster.id}: {segment_label(segment['segment'])}"
    return f"Cluster {cluster.id}"


def _add_names(fig: go.Figure, graph: CompactGraph, x: npt.NDArray[np.floating],
               y: npt.NDArray[np.floating], nodes: I64, brokers: I64,
               highlight: Neighbourhood | None) -> None:
    """Names beside everyone on a small picture; beside the core, the brokers shown and the
    selected person on a large one (at most ``MAX_NAMES``, those first)."""
    if nodes.size <= NAMES_ALL:
        named = nodes
    else:
        picked = [brokers, nodes[graph.core_mask[nodes]]]
        if highlight is not None:
            picked.insert(0, np.array([highlight.node], dtype=np.int64))
        ordered = np.concatenate(picked)
        _, first = np.unique(ordered, return_index=True)
        named = ordered[np.sort(first)][:MAX_NAMES]
    if named.size == 0:
        return
    fig.add_trace(go.Scatter(
        x=x[named], y=y[named], mode="text", name="Names", meta="names", hoverinfo="skip",
        text=[_escape(graph.names[i] or graph.ids[i]) for i in named.tolist()],
        textposition="bottom center", textfont={"size": 10, "color": "#1f2933"},
        showlegend=False,
    ))


def _named_count(fig: go.Figure) -> int:
    return sum(len(t.text) for t in fig.data if t.meta == "names")


def _hover(graph: CompactGraph, node: int) -> str:
    name = graph.names[node] or graph.ids[node]
    role = graph.declared_role[node]
    parts = [f"<b>{_escape(name)}</b> ({_escape(graph.ids[node])})",
             group_label(int(graph.group[node])),
             f"engagement: {engagement_label(int(graph.engagement[node]))}"]
    if role >= 0:
        parts.append(f"declared role: {role_label(_ROLES[role].value)}")
    if graph.core_mask[node]:
        parts.append("in the engaged core")
    parts.append("click for their neighbourhood")
    return "<br>".join(parts)


def _escape(text: str) -> str:
    """Plotly renders a subset of HTML (links, styles) in hover text and in labels: keep
    people's names, segments and clusters as plain text wherever they are drawn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _add_empty_segments(fig: go.Figure, layout: Layout, scatter: Any,
                        xs: npt.NDArray[np.floating], ys: npt.NDArray[np.floating]) -> None:
    """Expected segments with nobody in them, as marked empty places around the picture."""
    if not layout.empty_segments:
        return
    labels = [segment_label(s) for s in layout.empty_segments]
    ex, ey = ring(xs, ys, len(labels))
    fig.add_trace(scatter(
        x=ex, y=ey, mode="markers+text",
        name="Expected, nobody here yet",
        text=[f"{_escape(t)}: nobody yet" for t in labels],
        textposition="bottom center", textfont={"color": "#1f2933", "size": 12},
        customdata=[f"e:{s}" for s in layout.empty_segments],
        hovertemplate="%{text}: an expected voice with nobody in the map<extra></extra>",
        marker={"symbol": "circle-x-open", "size": 30, "color": EMPTY_COLOUR,
                "line": {"width": 2.5, "color": EMPTY_COLOUR}},
    ))


def _picture_layout(title: str) -> dict[str, Any]:
    layout = base_layout(title, height=700)
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    layout.update(
        xaxis={**hidden, "title": {"text": "position (no units)"}},
        yaxis={**hidden, "title": {"text": "position (no units)"}, "scaleanchor": "x",
               "scaleratio": 1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.9)"},
        dragmode="pan",
        hovermode="closest",
        uirevision="network",
    )
    return layout


# -- segments view -----------------------------------------------------------------------------


def _add_links(fig: go.Figure, pair_keys: I64, pair_weights: I64, k: int,
               sx: npt.NDArray[np.float32], sy: npt.NDArray[np.float32],
               what: str) -> list[tuple[tuple[int, int], int]]:
    """Lines between places (``pair_keys``: a * k + b, weighted by their ties), the
    ``MAX_SEGMENT_LINKS`` strongest, in three widths; returns the pairs drawn."""
    order = np.lexsort((pair_keys, -pair_weights))[:MAX_SEGMENT_LINKS]
    strongest = [((int(key_ // k), int(key_ % k)), int(w_))
                 for key_, w_ in zip(pair_keys[order].tolist(), pair_weights[order].tolist(),
                                     strict=True)]
    if strongest:
        weights = np.array([w_ for _, w_ in strongest])
        edges_lo, edges_hi = np.quantile(weights, [1 / 3, 2 / 3])
        buckets = (
            ("Few ties between", weights <= edges_lo, 1.0),
            ("Some ties between", (weights > edges_lo) & (weights <= edges_hi), 2.5),
            ("Many ties between", weights > edges_hi, 5.0),
        )
        for label, mask, width in buckets:
            chosen = [pair for pair, m in zip(strongest, mask.tolist(), strict=True) if m]
            if not chosen:
                continue
            lo = min(w for _, w in chosen)
            hi = max(w for _, w in chosen)
            ex = np.full(len(chosen) * 3, np.nan, dtype=np.float32)
            ey = np.full(len(chosen) * 3, np.nan, dtype=np.float32)
            a_idx = np.array([a for (a, _), _ in chosen])
            b_idx = np.array([b for (_, b), _ in chosen])
            ex[0::3], ex[1::3] = sx[a_idx], sx[b_idx]
            ey[0::3], ey[1::3] = sy[a_idx], sy[b_idx]
            span = f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"
            fig.add_trace(go.Scatter(
                x=ex, y=ey, mode="lines", name=f"{label} {what} ({span})", hoverinfo="skip",
                line={"color": TIE_COLOUR, "width": width}, connectgaps=False))

    return strongest


def _segments_view(graph: CompactGraph, layout: Layout, people: BoolArray, ties: BoolArray,
                   reached: BoolArray | None, filters: NetworkFilters) -> NetworkView:
    incidence, names = segment_incidence(graph)
    member = (sparse.diags(people.astype(np.int64), dtype=np.int64) @ incidence).tocsr()
    k = len(names)
    counts = np.asarray(member.sum(axis=0)).ravel().astype(np.int64)
    between = sparse.triu(segment_ties(graph, member, ties), k=1).tocoo()
    pair_keys = between.row.astype(np.int64) * k + between.col.astype(np.int64)
    pair_weights = between.data.astype(np.int64)
    place = {name: i for i, name in enumerate(layout.segments)}
    sx = np.array([layout.segment_x[place[nm]] if nm in place else 0.0 for nm in names],
                  dtype=np.float32)
    sy = np.array([layout.segment_y[place[nm]] if nm in place else 0.0 for nm in names],
                  dtype=np.float32)
    fig = go.Figure()
    strongest = _add_links(fig, pair_keys, pair_weights, k, sx, sy, "segments")

    in_core = np.asarray(member.T @ (graph.core_mask & people).astype(np.int64)).ravel()
    if reached is not None:
        got = np.asarray(member.T @ (reached & people).astype(np.int64)).ravel()
        share = np.where(counts > 0, got / np.maximum(counts, 1), 0.0)
    else:
        got = np.zeros(k, dtype=np.int64)
        share = np.zeros(k)
    by_group = np.column_stack([
        np.asarray(member.T @ ((graph.group == g.index) & people).astype(np.int64)).ravel()
        for g in GROUPS])
    shown = counts > 0
    idx = np.flatnonzero(shown)
    top = float(np.sqrt(counts.max())) if counts.size and counts.max() > 0 else 1.0
    size = 14 + 46 * np.sqrt(counts[idx]) / top
    hover = []
    for i in idx.tolist():
        mix = ", ".join(f"{int(by_group[i, g.index]):,} {group_label(g.value, title=False)}"
                        for g in GROUPS)
        hover.append(
            f"<b>{_escape(segment_label(names[i]))}</b><br>{int(counts[i]):,} people: {mix}"
            f"<br>in the engaged core: {int(in_core[i]):,}"
            + (f"<br>in or reached by the core: {int(got[i]):,} ({percent(float(share[i]))})"
               if reached is not None else "")
            + "<br>click to see its people")
    label_all = idx.size <= 60
    fig.add_trace(go.Scatter(
        x=sx[idx], y=sy[idx], mode="markers+text" if label_all else "markers",
        name="Segment (size: people; colour: share reached by the core)",
        text=[_escape(segment_label(names[i])) for i in idx.tolist()] if label_all else None,
        textposition="top center", textfont={"size": 11, "color": "#1f2933"},
        customdata=[f"s:{names[i]}" for i in idx.tolist()],
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        marker=_reach_marker(size, share[idx]),
    ))
    _add_empty_segments(fig, layout, go.Scatter, sx[idx], sy[idx])
    people_n = int(people.sum())
    ties_n = int(ties.sum())
    note = (f"One circle per segment (place, community or service), sized by its people and "
            f"coloured by the share the engaged core reaches; lines show ties between segments"
            f" ({len(strongest):,} strongest links). {plural(people_n, 'person', 'people')} and "
            f"{plural(ties_n, 'tie')} aggregated.")
    fig.update_layout(**_picture_layout(f"Network of {graph.name}: one circle per segment"))
    return NetworkView(fig, "segments", people_n, ties_n, note,
                       extra={"segments": int(idx.size), "links": len(strongest)})


def _reach_marker(size: npt.NDArray[np.floating], share: npt.NDArray[np.floating]
                  ) -> dict[str, Any]:
    """Circles of ``size`` coloured by the ``share`` (0–1) the core reaches, with its scale."""
    return {"size": size, "color": share * 100, "colorscale": SEQUENTIAL, "cmin": 0,
            "cmax": 100, "line": {"color": CORE_COLOUR, "width": 1},
            "colorbar": {"title": {"text": "% reached"}, "ticksuffix": "%", "len": 0.5,
                         "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom"}}


def _clusters_view(graph: CompactGraph, layout: Layout, people: BoolArray, ties: BoolArray,
                   reached: BoolArray | None, clusters: Clusters) -> NetworkView:
    """One circle per cluster region at its place in the layout, sized by its people and
    coloured by the share the core reaches; lines for the ties between clusters."""
    region = layout.region
    k = int(layout.region_x.size)
    if region.size != graph.n or k == 0:
        return _segments_view(graph, layout, people, ties, reached, NetworkFilters())
    counts = np.bincount(region[people], minlength=k)
    u, v = region[graph.edge_u[ties]], region[graph.edge_v[ties]]
    across = u != v
    keys = np.minimum(u[across], v[across]) * k + np.maximum(u[across], v[across])
    pair_keys, pair_weights = np.unique(keys, return_counts=True)
    sx, sy = layout.region_x, layout.region_y
    fig = go.Figure()
    strongest = _add_links(fig, pair_keys.astype(np.int64), pair_weights.astype(np.int64), k,
                           sx, sy, "clusters")
    in_core = np.bincount(region[people & graph.core_mask], minlength=k)
    got = (np.bincount(region[people & reached], minlength=k) if reached is not None
           else np.zeros(k, dtype=np.int64))
    share = np.where(counts > 0, got / np.maximum(counts, 1), 0.0)
    by_group = [np.bincount(region[people & (graph.group == g.index)], minlength=k)
                for g in GROUPS]
    listed = {c.id - 1: c for c in clusters.listed}
    small = np.bincount(clusters.labels) < REGION_MIN_SIZE
    shared = k - 1 if small.any() else -1  # the region the small clusters share, if any
    idx = np.flatnonzero(counts > 0)
    names = [_cluster_name(listed[r]) if r in listed else
             "Small clusters and people alone" if r == shared else
             f"Cluster {r + 1}" for r in idx.tolist()]
    hover = []
    for r, name in zip(idx.tolist(), names, strict=True):
        mix = ", ".join(f"{int(by_group[g.index][r]):,} {group_label(g.value, title=False)}"
                        for g in GROUPS)
        hover.append(f"<b>{_escape(name)}</b><br>{int(counts[r]):,} people: {mix}"
                     f"<br>in the engaged core: {int(in_core[r]):,}"
                     + (f"<br>in or reached by the core: {int(got[r]):,} "
                        f"({percent(float(share[r]))})" if reached is not None else ""))
    top = float(np.sqrt(counts.max())) if counts.size and counts.max() > 0 else 1.0
    label_all = idx.size <= 60
    fig.add_trace(go.Scatter(
        x=sx[idx], y=sy[idx], mode="markers+text" if label_all else "markers",
        name="Cluster (size: people; colour: share reached by the core)",
        text=[_escape(n) for n in names] if label_all else None, textposition="top center",
        textfont={"size": 11, "color": "#1f2933"},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        marker=_reach_marker(14 + 46 * np.sqrt(counts[idx]) / top, share[idx]),
    ))
    people_n, ties_n = int(people.sum()), int(ties.sum())
    note = (f"One circle per cluster (people tied mostly to each other), sized by its people "
            f"and coloured by the share the engaged core reaches; lines show ties between "
            f"clusters ({len(strongest):,} strongest links). "
            f"{plural(people_n, 'person', 'people')} and {plural(ties_n, 'tie')} aggregated.")
    fig.update_layout(**_picture_layout(f"Network of {graph.name}: one circle per cluster"))
    return NetworkView(fig, "clusters", people_n, ties_n, note,
                       extra={"clusters": int(idx.size), "links": len(strongest)})


# -- a person and their neighbourhood ----------------------------------------------------------


@dataclass(frozen=True)
class Neighbourhood:
    """The people 1, 2, … ``steps`` ties away from ``node`` (``by_step[0]``: one tie away)."""

    node: int
    steps: int
    by_step: list[I64]

    @property
    def total(self) -> int:
        return sum(int(s.size) for s in self.by_step)


def neighbourhood(graph: CompactGraph, node: int, steps: int,
                  ties: BoolArray | None = None) -> Neighbourhood:
    """Breadth-first rings around ``node`` over the ties kept by ``ties`` (default: all)."""
    if not 1 <= steps <= 3:
        raise ValueError("steps must be 1–3")
    seen = np.zeros(graph.n, dtype=bool)
    seen[node] = True
    frontier = np.array([node], dtype=np.int64)
    slot_ok = None if ties is None else ties[graph.slot_edge]
    rings: list[I64] = []
    for _ in range(steps):
        if frontier.size == 0:
            rings.append(np.zeros(0, dtype=np.int64))
            continue
        starts = graph.indptr[frontier]
        lengths = graph.indptr[frontier + 1] - starts
        slots = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            int(lengths.sum()))
        if slot_ok is not None:
            slots = slots[slot_ok[slots]]
        found = np.unique(graph.indices[slots].astype(np.int64))
        found = found[~seen[found]]
        seen[found] = True
        rings.append(found)
        frontier = found
    return Neighbourhood(node, steps, rings)


def person_details(graph: CompactGraph, node: int) -> dict[str, Any]:
    """Plain data about one person, for the detail panel (JSON-ready)."""
    role = int(graph.declared_role[node])
    joined = day_to_date(int(graph.joined[node]))
    return {
        "id": graph.ids[node],
        "name": graph.names[node],
        "group": GROUPS[int(graph.group[node])].value,
        "group_label": group_label(int(graph.group[node])),
        "other_groups": [group_label(g.value) for g in GROUPS
                         if graph.member_of[node] >> g.index & 1
                         and g.index != graph.group[node]],
        "organisation": graph.organisations[node],
        "segments": [segment_label(s) for s in graph.segments_of(node)],
        "engagement": engagement_label(int(graph.engagement[node])),
        "declared_role": None if role < 0 else role_label(_ROLES[role].value),
        "in_core": bool(graph.core_mask[node]),
        "ties": int(graph.indptr[node + 1] - graph.indptr[node]),
        "formal_power": int(graph.formal_power[node]),
        "informal_power": int(graph.informal_power[node]),
        "lived_experience": bool(graph.lived_experience[node]),
        "joined": None if joined is None else joined.isoformat(),
    }
