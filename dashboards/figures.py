"""Figures of the overview, gaps and roles pages: analysis results in, Plotly figures out.

Every builder is a pure function (no Flask, no store) that returns a ``plotly.graph_objects.Figure``
with a title, axis titles, a legend whenever it has more than one series, and colour-blind-safe
colours (``dashboards.palette``). The page renders them with ``fig.to_json()``.

Example:
    >>> from graph.analysis import analyse          # doctest: +SKIP
    >>> fig = core_targets(analyse(graph))          # doctest: +SKIP
    >>> fig.layout.title.text                       # doctest: +SKIP
    'The engaged core against the 3% and 90% targets'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.palette import (
    CORE_COLOUR,
    EMPTY_COLOUR,
    FONT,
    GRID,
    GROUP_COLOURS,
    REACHED_COLOUR,
    SEQUENTIAL,
    TARGET_COLOUR,
    UNREACHED_COLOUR,
)
from dashboards.words import group_label, percent, role_label, segment_label, trust_label
from graph.analysis import Analysis
from graph.compact import CompactGraph
from graph.model import GROUPS, TRUST_TYPES, Role

__all__ = [
    "SegmentReach",
    "base_layout",
    "core_targets",
    "group_mix",
    "group_sizes",
    "group_tie_counts",
    "group_tie_heatmaps",
    "reach_by_group",
    "role_matrix",
    "role_matrix_counts",
    "segment_reach",
    "segment_reach_figure",
]

BoolArray = npt.NDArray[np.bool_]


def base_layout(title: str, *, height: int = 340, legend: bool = True) -> dict[str, object]:
    """The calm common look: white background, light grid, our font, room for the title.

    ``template="none"`` keeps plotly's default template (several KB) out of every figure's JSON.
    """
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        "template": "none",
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 100 if legend else 70, "b": 60},
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT}},
    }


def _axis(title: str, **extra: object) -> dict[str, object]:
    return {"title": {"text": title}, "gridcolor": GRID, "zerolinecolor": GRID,
            "automargin": True, **extra}


# -- overview ----------------------------------------------------------------------------------


def core_targets(analysis: Analysis) -> go.Figure:
    """Two bullet charts: the core's share against the 3% target, its reach against 90%."""
    options = analysis.options
    share = analysis.core.share * 100
    reach = analysis.core.reach * 100
    share_target = options.target_core_share * 100
    reach_target = options.target_reach * 100
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.38)
    # the reach reads as in the headline and the reach curve (one rounding: ``percent``)
    reach_text = percent(analysis.core.reach, below=options.target_reach)
    rows = (
        (1, "Core share", share, share_target, max(share, share_target) * 1.6 or 5.0,
         "% of the constituency in the engaged core", f"{share:.1f}%"),
        (2, "Reach", reach, reach_target, 100.0,
         "% of everyone else in conversation with the core", reach_text),
    )
    for row, label, value, target, top, axis_title, text in rows:
        fig.add_trace(go.Bar(
            x=[value], y=[label], orientation="h", name="Now",
            marker={"color": REACHED_COLOUR}, width=0.5, showlegend=row == 1,
            legendgroup="now", text=[text], textposition="outside",
            hovertemplate=f"{label} now: {text}<extra></extra>",
        ), row=row, col=1)
        fig.add_trace(go.Scatter(
            x=[target], y=[label], mode="markers", name="Target",
            marker={"symbol": "line-ns-open", "size": 34, "color": TARGET_COLOUR,
                    "line": {"width": 3, "color": TARGET_COLOUR}},
            showlegend=row == 1, legendgroup="target",
            hovertemplate=f"{label} target: %{{x:.0f}}%<extra></extra>",
        ), row=row, col=1)
        fig.update_xaxes(_axis(axis_title, range=[0, top], ticksuffix="%"), row=row, col=1)
        fig.update_yaxes(_axis(label, showticklabels=False), row=row, col=1)
    fig.update_layout(**base_layout(
        f"The engaged core against the {percent(options.target_core_share)} and "
        f"{percent(options.target_reach)} targets", height=340))
    return fig


def group_sizes(analysis: Analysis) -> go.Figure:
    """People per primary group, stacked: in the core, reached by it, not reached."""
    core = analysis.core
    labels = [group_label(g.value) for g in GROUPS]
    in_core, reached, unreached = [], [], []
    for g in GROUPS:
        total = analysis.groups.get(g.value, 0)
        outside = core.outside_by_group.get(g.value, 0)
        got = core.reached_by_group.get(g.value, 0)
        in_core.append(total - outside)
        reached.append(got)
        unreached.append(outside - got)
    fig = go.Figure()
    series = (
        ("In the engaged core", in_core, CORE_COLOUR, ""),
        ("In conversation with the core", reached, REACHED_COLOUR, ""),
        ("Not reached", unreached, UNREACHED_COLOUR, "/"),
    )
    for name, values, colour, pattern in series:
        fig.add_trace(go.Bar(
            x=labels, y=values, name=name,
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#1f2933"},
                    "line": {"color": "#ffffff", "width": 1}},
            hovertemplate=f"%{{x}}: %{{y:,}} {name.lower()}<extra></extra>",
        ))
    fig.update_layout(**base_layout("People in each group, and whether the core reaches them"))
    fig.update_layout(barmode="stack", xaxis=_axis("Group (primary)"), yaxis=_axis("People"))
    return fig


def reach_by_group(analysis: Analysis) -> go.Figure:
    """The core's reach within each group, against the reach target."""
    target = analysis.options.target_reach * 100
    labels = [group_label(g.value) for g in GROUPS]
    values: list[float] = []
    texts: list[str] = []
    for g in GROUPS:
        value = analysis.core.reach_by_group.get(g.value)
        values.append(0.0 if value is None else value * 100)
        texts.append("nobody outside the core" if value is None else percent(value))
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=labels, y=values, name="Reach now", text=texts, textposition="outside",
        marker={"color": [GROUP_COLOURS[g.value] for g in GROUPS]},
        hovertemplate="%{x}: %{text} reached<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=labels, y=[target] * len(labels), name=f"Target {target:.0f}%", mode="lines+markers",
        line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        marker={"symbol": "line-ew-open", "size": 18, "color": TARGET_COLOUR},
        hovertemplate=f"Target: {target:.0f}%<extra></extra>",
    ))
    fig.update_layout(**base_layout("Reach of the engaged core in each group"))
    fig.update_layout(xaxis=_axis("Group (primary)"),
                      yaxis=_axis("% reached (outside the core)", range=[0, 110],
                                  ticksuffix="%"))
    return fig


# -- gaps --------------------------------------------------------------------------------------


def group_mix(analysis: Analysis) -> go.Figure:
    """Each group's share of the constituency against the share a balanced mix needs."""
    size = max(analysis.size, 1)
    minimum = analysis.options.group_min_share * 100
    labels = [group_label(g.value) for g in GROUPS]
    shares = [analysis.groups.get(g.value, 0) / size * 100 for g in GROUPS]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=labels, y=shares, name="Share of the constituency",
        marker={"color": [GROUP_COLOURS[g.value] for g in GROUPS]},
        text=[f"{s:.0f}%" for s in shares], textposition="outside",
        hovertemplate="%{x}: %{y:.1f}% of the constituency<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=labels, y=[minimum] * len(labels), mode="lines+markers",
        name=f"Minimum for a balanced mix ({minimum:.0f}%)",
        line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        marker={"symbol": "line-ew-open", "size": 18, "color": TARGET_COLOUR},
        hovertemplate=f"Balanced mix needs at least {minimum:.0f}%<extra></extra>",
    ))
    fig.update_layout(**base_layout("Group mix against a balanced constituency"))
    fig.update_layout(xaxis=_axis("Group (primary)"),
                      yaxis=_axis("% of the constituency", range=[0, max([*shares, 10]) * 1.2],
                                  ticksuffix="%"))
    return fig


def group_tie_counts(graph: CompactGraph,
                     min_strength: int = 1) -> dict[str, npt.NDArray[np.int64]]:
    """Per trust type, a symmetric 3×3 count of ties between primary groups with that trust.

    A tie counts for a trust type when its strength of that type is at least ``min_strength``;
    ``"any"`` counts every tie. Cell [a, b] = [b, a] is the number of ties between group a and
    group b (the diagonal: ties within a group).
    """
    k = len(GROUPS)
    gu = graph.group[graph.edge_u].astype(np.int64)
    gv = graph.group[graph.edge_v].astype(np.int64)
    counts: dict[str, npt.NDArray[np.int64]] = {}
    selections: list[tuple[str, BoolArray | None]] = [("any", None)]
    selections += [(t.value, graph.strength[t.value] >= min_strength) for t in TRUST_TYPES]
    for key, keep in selections:
        a, b = (gu, gv) if keep is None else (gu[keep], gv[keep])
        flat = np.bincount(a * k + b, minlength=k * k).reshape(k, k)
        matrix = flat + flat.T
        matrix[np.diag_indices(k)] //= 2
        counts[key] = matrix.astype(np.int64)
    return counts


def group_tie_heatmaps(counts: Mapping[str, npt.NDArray[np.int64]],
                       min_strength: int = 1) -> go.Figure:
    """Three small heatmaps, one per trust type: ties between each pair of groups."""
    labels = [group_label(g.value) for g in GROUPS]
    titles = [trust_label(t.value) for t in TRUST_TYPES]
    fig = make_subplots(rows=1, cols=len(TRUST_TYPES), subplot_titles=titles,
                        horizontal_spacing=0.08)
    top = max([int(counts[t.value].max()) for t in TRUST_TYPES] + [1])
    for col, trust in enumerate(TRUST_TYPES, start=1):
        fig.add_trace(go.Heatmap(
            z=counts[trust.value].tolist(), x=labels, y=labels, coloraxis="coloraxis",
            name=trust_label(trust.value), texttemplate="%{z:,}", xgap=2, ygap=2,
            hovertemplate=(f"{trust_label(trust.value)} trust ≥ {min_strength}: "
                           "%{z:,} ties between %{y} and %{x}<extra></extra>"),
        ), row=1, col=col)
        fig.update_xaxes(_axis("Group", tickangle=-30), row=1, col=col)
        fig.update_yaxes(_axis("Group" if col == 1 else "", showticklabels=col == 1,
                               autorange="reversed"), row=1, col=col)
    fig.update_layout(**base_layout(
        f"Ties between groups by trust type (strength {min_strength} or more)", height=380,
        legend=False))
    fig.update_layout(coloraxis={"colorscale": SEQUENTIAL, "cmin": 0, "cmax": top,
                                 "colorbar": {"title": {"text": "Ties"}}},
                      margin={"l": 110, "r": 20, "t": 90, "b": 100})
    return fig


@dataclass(frozen=True)
class SegmentReach:
    """A segment (place, community, service): how many people, how many reached by the core."""

    segment: str
    expected: bool
    people: int
    in_core: int
    reached: int  # in the core, or within the analysis' hops of it

    @property
    def share(self) -> float | None:
        return None if self.people == 0 else self.reached / self.people

    @property
    def status(self) -> str:
        if self.people == 0:
            return "nobody in the map"
        if self.reached == 0:
            return "not reached"
        if self.reached < self.people:
            return "partly reached"
        return "reached"


def segment_reach(graph: CompactGraph, reached: BoolArray) -> list[SegmentReach]:
    """Every segment on the map or expected, with its people and those the core reaches.

    ``reached`` marks the core and everyone within the analysis' hops of it. Expected segments
    come first (in the order they were declared), then the others by name.
    """
    core = graph.core_mask
    members = graph.segment_members()
    on_map = {name: members[i] for i, name in enumerate(graph.segment_names)}
    order = list(dict.fromkeys([*graph.expected_segments, *graph.segment_names]))
    expected = set(graph.expected_segments)
    rows: list[SegmentReach] = []
    for name in order:
        nodes = on_map.get(name)
        if nodes is None:
            rows.append(SegmentReach(name, True, 0, 0, 0))
            continue
        rows.append(SegmentReach(name, name in expected, int(nodes.size),
                                 int(core[nodes].sum()), int(reached[nodes].sum())))
    return rows


def segment_reach_figure(rows: Sequence[SegmentReach], limit: int = 40) -> go.Figure:
    """Share of each segment's people the core reaches; expected segments with nobody marked.

    At most ``limit`` segments: the expected ones first, then the least reached.
    """
    chosen = [r for r in rows if r.expected]
    others = sorted((r for r in rows if not r.expected), key=lambda r: (r.share or 0, r.segment))
    chosen = (chosen + others)[:limit]
    labels = [segment_label(r.segment) for r in chosen]
    filled = [r for r in chosen if r.people]
    empty = [r for r in chosen if not r.people]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=[segment_label(r.segment) for r in filled], x=[(r.share or 0) * 100 for r in filled],
        orientation="h", name="Reached by the core",
        marker={"color": REACHED_COLOUR},
        text=[f"{r.reached:,} of {r.people:,}" for r in filled], textposition="outside",
        hovertemplate="%{y}: %{x:.0f}% reached (%{text})<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        y=[segment_label(r.segment) for r in empty], x=[0] * len(empty), mode="markers+text",
        name="Expected, nobody in the map", text=["nobody yet"] * len(empty),
        textposition="middle right", cliponaxis=False,
        marker={"symbol": "x-thin-open", "size": 14, "color": EMPTY_COLOUR,
                "line": {"width": 3, "color": EMPTY_COLOUR}},
        hovertemplate="%{y}: expected, but nobody from here is in the map<extra></extra>",
    ))
    fig.update_layout(**base_layout("Segments: how many of their people the core reaches",
                                    height=max(300, 80 + 26 * len(chosen))))
    fig.update_layout(
        xaxis=_axis("% of the segment's people in or reached by the core", range=[0, 125],
                    ticksuffix="%", tickvals=[0, 20, 40, 60, 80, 100]),
        yaxis=_axis("Segment", categoryorder="array", categoryarray=labels[::-1]),
        margin={"l": 200, "r": 20, "t": 100, "b": 60},
    )
    return fig


# -- roles -------------------------------------------------------------------------------------

_ROLE_KEYS: tuple[str | None, ...] = (None, *(r.value for r in Role))


def role_matrix_counts(analysis: Analysis) -> npt.NDArray[np.int64]:
    """Engaged people counted by (declared role, inferred role); index 0 is "none"."""
    index = {key: i for i, key in enumerate(_ROLE_KEYS)}
    matrix = np.zeros((len(_ROLE_KEYS), len(_ROLE_KEYS)), dtype=np.int64)
    for r in analysis.roles:
        matrix[index[r.declared], index[r.inferred]] += 1
    return matrix


def role_matrix(analysis: Analysis) -> go.Figure:
    """How declared roles compare with the roles the map suggests (a count per pair)."""
    labels = [role_label(key) for key in _ROLE_KEYS]
    counts = role_matrix_counts(analysis)
    fig = go.Figure(go.Heatmap(
        z=counts.tolist(), x=labels, y=labels, colorscale=SEQUENTIAL, texttemplate="%{z:,}",
        xgap=2, ygap=2, name="Engaged people", colorbar={"title": {"text": "People"}},
        hovertemplate="Declared %{y}, suggested %{x}: %{z:,} people<extra></extra>",
    ))
    fig.update_layout(**base_layout("Declared roles against the roles the map suggests",
                                    height=360, legend=False))
    fig.update_layout(xaxis=_axis("Suggested by the map (inferred)"),
                      yaxis=_axis("Declared", autorange="reversed"))
    return fig
