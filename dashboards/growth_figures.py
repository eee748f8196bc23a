"""Charts of the growth series: is the movement growing, and is its leadership spreading?

Each builder takes the series' points as the API gives them (``GrowthSeries.to_dict()``'s
``points``, oldest first: ``date``, ``size``, ``groups``, ``engagement``, ``core``,
``joined``/``left`` with a ``count``, ``recruitment``) and, optionally, the map's events as
(day, name) pairs, drawn as dotted vertical lines with their names, so a reader sees what the
movement did beside what followed. Pure: no Flask, no store.

* ``people_by_group``: how many people each group has, over time;
* ``core_over_time``: the core's share against its target (3%) and its reach against its
  target (90%), overall and per group, the targets drawn as lines;
* ``joined_and_left``: people joining (up) and leaving (down) in each period;
* ``engagement_over_time``: the people at each level of the ladder, stacked;
* ``leader_growers_over_time``: the effective number of leader-growers and the share the top
  three grew.

Example:
    >>> points = [{"date": "2025-01-31", "groups": {"people": 3, "givers_of_service": 2,
    ...            "system_leaders": 1}}]
    >>> [t.name for t in people_by_group(points).data]
    ['The people', 'Givers of service', 'System leaders']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.figures import base_layout
from dashboards.palette import (
    CORE_COLOUR,
    GRID,
    GROUP_COLOURS,
    MUTED,
    OKABE_ITO,
    REACHED_COLOUR,
    TARGET_COLOUR,
    UNREACHED_COLOUR,
)
from dashboards.words import engagement_label, group_label, percent, plain_text
from graph.model import GROUPS, Engagement

__all__ = [
    "MAX_EVENTS_MARKED",
    "core_over_time",
    "engagement_over_time",
    "joined_and_left",
    "leader_growers_over_time",
    "people_by_group",
]

Point = Mapping[str, Any]
Events = Sequence[tuple[date, str]]

MAX_EVENTS_MARKED = 20
"""At most this many events are marked on a chart (the latest); the page lists them all."""
_LADDER_COLOURS = ("#d9e2ec", OKABE_ITO["sky_blue"], OKABE_ITO["bluish_green"],
                   OKABE_ITO["blue"], CORE_COLOUR)
"""Engagement from unengaged (palest) to leading (black): darker is more engaged."""


def _dates(points: Sequence[Point]) -> list[str]:
    return [str(p["date"]) for p in points]


_DAY_MS = 86_400_000


def _bar_width(points: Sequence[Point]) -> float | None:
    """Bars about two thirds of a period wide, in milliseconds (a date axis): Plotly would
    size them by the closest two points, and the last point (today) may be days after the
    one before."""
    days = sorted(date.fromisoformat(str(p["date"])) for p in points)
    gaps = sorted((b - a).days for a, b in zip(days, days[1:], strict=False))
    return 0.66 * gaps[len(gaps) // 2] * _DAY_MS if gaps else None


def _two_panels(fig: go.Figure, title: str, height: int) -> None:
    """The look of a chart of two panels: the legend above both panels' titles."""
    layout = base_layout(title, height=height)
    layout["title"] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 17},
                       "y": 0.985, "yref": "container", "yanchor": "top"}
    layout["margin"] = {**layout["margin"], "t": 150}  # type: ignore[dict-item]
    layout["legend"] = {**layout["legend"], "y": 1.08}  # type: ignore[dict-item]
    fig.update_layout(**layout)


def _axis(title: str, **extra: object) -> dict[str, object]:
    return {"title": {"text": title}, "gridcolor": GRID, "zerolinecolor": GRID,
            "automargin": True, **extra}


def _layout(fig: go.Figure, title: str, *, height: int = 360, y_title: str = "people",
            **y: object) -> go.Figure:
    fig.update_layout(**base_layout(title, height=height))
    fig.update_xaxes(_axis("period ending", type="date"))
    fig.update_yaxes(_axis(y_title, rangemode="tozero", **y))
    return fig


def _mark_events(fig: go.Figure, events: Events, *, rows: int = 1) -> go.Figure:
    """Each event (the latest ``MAX_EVENTS_MARKED``) as a dotted vertical line across every
    panel, its name at the top of the first."""
    for day, name in sorted(events)[-MAX_EVENTS_MARKED:]:
        x = day.isoformat()
        for row in range(1, rows + 1):
            fig.add_vline(x=x, line={"color": MUTED, "width": 1.5, "dash": "dot"},
                          row=row if rows > 1 else None, col=1 if rows > 1 else None)
        fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=plain_text(name[:40]), textangle=-30, xanchor="left",
                           font={"size": 11, "color": MUTED})
    return fig


def people_by_group(points: Sequence[Point], events: Events = ()) -> go.Figure:
    """How many people each group has at the end of each period, stacked to the total."""
    fig = go.Figure()
    dates = _dates(points)
    for g in GROUPS:
        fig.add_trace(go.Scatter(
            x=dates, y=[int(p["groups"].get(g.value, 0)) for p in points], mode="lines",
            stackgroup="people", name=group_label(g.value),
            line={"color": GROUP_COLOURS[g.value], "width": 2},
            hovertemplate=f"{group_label(g.value)}: %{{y:,}}<extra>%{{x}}</extra>"))
    _layout(fig, "People by group over time")
    return _mark_events(fig, events)


def core_over_time(points: Sequence[Point], events: Events = ()) -> go.Figure:
    """Two panels: the core's share of the constituency against its target, and its reach
    against the reach target, overall and for each group; targets as black dashed lines."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=("Core share of the constituency",
                                        "Reach: share of the others in conversation with the core"))
    dates = _dates(points)
    cores = [p["core"] for p in points]
    share_target = float(cores[-1]["target"]) * 100 if cores else 3.0
    reach_target = float(cores[-1]["target_reach"]) * 100 if cores else 90.0
    fig.add_trace(go.Scatter(
        x=dates, y=[float(c["share"]) * 100 for c in cores], mode="lines+markers",
        name="Core share", line={"color": CORE_COLOUR, "width": 2.5},
        hovertemplate="Core share: %{y:.1f}%<extra>%{x}</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=dates, y=[float(c["target"]) * 100 for c in cores], mode="lines",
        name=f"Target: core {percent(share_target / 100)}",
        line={"color": TARGET_COLOUR, "width": 1.5, "dash": "dash"},
        hovertemplate="Core target: %{y:.0f}%<extra>%{x}</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=dates, y=[float(c["reach"]) * 100 for c in cores], mode="lines+markers",
        name="Reach, everyone", line={"color": REACHED_COLOUR, "width": 2.5},
        hovertemplate="Reach: %{y:.0f}%<extra>%{x}</extra>"), row=2, col=1)
    for g in GROUPS:
        values = [c.get("reach_by_group", {}).get(g.value) for c in cores]
        if all(v is None for v in values):
            continue
        fig.add_trace(go.Scatter(
            x=dates, y=[None if v is None else float(v) * 100 for v in values],
            mode="lines", name=f"Reach, {group_label(g.value, title=False)}",
            line={"color": GROUP_COLOURS[g.value], "width": 1.5},
            hovertemplate=f"Reach, {group_label(g.value, title=False)}: %{{y:.0f}}%"
                          "<extra>%{x}</extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(
        x=dates, y=[float(c["target_reach"]) * 100 for c in cores], mode="lines",
        name=f"Target: reach {percent(reach_target / 100)}",
        line={"color": TARGET_COLOUR, "width": 1.5, "dash": "dash"},
        hovertemplate="Reach target: %{y:.0f}%<extra>%{x}</extra>"), row=2, col=1)
    _two_panels(fig, "The engaged core and its reach against the targets", 600)
    fig.update_xaxes(_axis("", type="date"))
    fig.update_xaxes(_axis("period ending", type="date"), row=2, col=1)
    top = max([share_target, *(float(c["share"]) * 100 for c in cores)]) * 1.3
    fig.update_yaxes(_axis("% of everyone", range=[0, top], ticksuffix="%"), row=1, col=1)
    fig.update_yaxes(_axis("% of the others", range=[0, 100], ticksuffix="%"), row=2, col=1)
    return _mark_events(fig, events, rows=2)


def joined_and_left(points: Sequence[Point], events: Events = ()) -> go.Figure:
    """People who joined (bars up) and left (bars down, hatched) in each period."""
    dates = _dates(points)
    joined = [int(p["joined"]["count"]) for p in points]
    left = [int(p["left"]["count"]) for p in points]
    width = _bar_width(points)
    fig = go.Figure([
        go.Bar(x=dates, y=joined, name="Joined", marker={"color": REACHED_COLOUR},
               width=width, hovertemplate="Joined: %{y:,}<extra>%{x}</extra>"),
        go.Bar(x=dates, y=[-k for k in left], name="Left", customdata=left, width=width,
               marker={"color": UNREACHED_COLOUR, "pattern": {"shape": "/"}},
               hovertemplate="Left: %{customdata:,}<extra>%{x}</extra>"),
    ])
    fig.update_layout(barmode="relative")
    _layout(fig, "People joining and leaving", y_title="people (leavers below zero)")
    fig.update_yaxes(rangemode="normal")
    return _mark_events(fig, events)


def engagement_over_time(points: Sequence[Point], events: Events = ()) -> go.Figure:
    """The people at each level of the engagement ladder, stacked, the most engaged on top."""
    dates = _dates(points)
    width = _bar_width(points)
    fig = go.Figure([
        go.Bar(x=dates, y=[int(p["engagement"].get(level.value, 0)) for p in points],
               name=engagement_label(level.value), marker={"color": colour}, width=width,
               hovertemplate=f"{engagement_label(level.value)}: %{{y:,}}<extra>%{{x}}</extra>")
        for level, colour in zip(Engagement, _LADDER_COLOURS, strict=True)])
    fig.update_layout(barmode="stack")
    _layout(fig, "Engagement over time: people at each level of the ladder")
    return _mark_events(fig, events)


def leader_growers_over_time(points: Sequence[Point], events: Events = ()) -> go.Figure:
    """Two panels: the effective number of leader-growers (1 when one person grows every
    engaged recruit) and the share of engaged recruits the top three recruiters grew."""
    dates = _dates(points)
    recruitment = [p.get("recruitment") or {} for p in points]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=("Effective number of leader-growers",
                                        "Share grown by the top three recruiters"))
    fig.add_trace(go.Scatter(
        x=dates, y=[r.get("effective_leader_growers") for r in recruitment],
        mode="lines+markers", name="Effective number of leader-growers",
        line={"color": OKABE_ITO["bluish_green"], "width": 2.5},
        hovertemplate="Leader-growers: %{y:.1f}<extra>%{x}</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=dates, y=[None if r.get("top3_share") is None else float(r["top3_share"]) * 100
                    for r in recruitment],
        mode="lines+markers", name="Top three's share",
        line={"color": OKABE_ITO["vermillion"], "width": 2.5, "dash": "dashdot"},
        hovertemplate="Top three: %{y:.0f}%<extra>%{x}</extra>"), row=2, col=1)
    _two_panels(fig, "Is leadership spreading?", 560)
    fig.update_xaxes(_axis("", type="date"))
    fig.update_xaxes(_axis("period ending", type="date"), row=2, col=1)
    fig.update_yaxes(_axis("people (effective)", rangemode="tozero"), row=1, col=1)
    fig.update_yaxes(_axis("% of engaged recruits", range=[0, 100], ticksuffix="%"),
                     row=2, col=1)
    return _mark_events(fig, events, rows=2)
