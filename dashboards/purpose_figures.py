"""Small figures of the purpose page: who made the purpose, by group, beside the constituency.

Pure: the purpose's figures in (``graph.purpose.balance.Balance``, reviews counted by group and
answer), Plotly figures out, each with a table of the same numbers on the page for anyone who
does not read charts. Bars are told apart by pattern as well as colour, never by colour alone.

Example:
    >>> from graph.purpose.balance import GroupCounts
    >>> rows = mix_rows(GroupCounts((40, 40, 20)), GroupCounts((2, 8, 0)), GroupCounts((0, 0, 0)))
    >>> [(r["group"], r["contributions"]) for r in rows]
    [('people', 0.2), ('givers_of_service', 0.8), ('system_leaders', 0.0)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from dashboards.figures import base_layout
from dashboards.palette import GRID, OKABE_ITO
from dashboards.words import group_label
from graph.compact import CompactGraph
from graph.model import GROUPS
from graph.purpose.balance import GroupCounts
from graph.purpose.model import Answer
from graph.purpose.parts import Part
from graph.purpose.records import PurposeState

__all__ = [
    "ANSWER_WORDS",
    "PART_COLOURS",
    "PART_SYMBOLS",
    "PART_WORDS",
    "mix_figure",
    "mix_rows",
    "part_codes",
    "review_counts",
    "reviews_figure",
]

PART_WORDS: dict[str, str] = {
    Part.CONTRIBUTED.value: "Contributed",
    Part.REVIEWED.value: "Reviewed only",
    Part.INVITED_SILENT.value: "Invited, not heard from yet",
    Part.NEVER_INVITED.value: "Never invited",
}
"""Each part a person has in the purpose, in words (``graph.purpose.parts.Part`` order)."""
PART_COLOURS: dict[str, str] = {
    Part.CONTRIBUTED.value: OKABE_ITO["bluish_green"],
    Part.REVIEWED.value: OKABE_ITO["blue"],
    Part.INVITED_SILENT.value: OKABE_ITO["orange"],
    Part.NEVER_INVITED.value: "#9aa5b1",
}
PART_SYMBOLS: dict[str, str] = {
    Part.CONTRIBUTED.value: "star",
    Part.REVIEWED.value: "diamond",
    Part.INVITED_SILENT.value: "triangle-down-open",
    Part.NEVER_INVITED.value: "circle-open",
}
"""A shape per part, so the network's legend is read without colour (all drawn by both
``scatter`` and ``scattergl``)."""
ANSWER_WORDS: dict[str, str] = {
    Answer.CAN_LIVE_WITH.value: "I can live with it",
    Answer.CANNOT_YET.value: "I can't yet",
}
_MEASURES = (("constituency", "Share of the map", ""),
             ("contributions", "Share of the contributions", "/"),
             ("reviews", "Share of the reviews", "x"))
_MEASURE_COLOURS = ("#9aa5b1", OKABE_ITO["blue"], OKABE_ITO["vermillion"])


def part_codes(ids: Sequence[str], parts: Mapping[str, str]) -> npt.NDArray[np.int8]:
    """Each person's part as its index in ``Part`` (the order of ``PART_WORDS``)."""
    order = {p.value: i for i, p in enumerate(Part)}
    never = order[Part.NEVER_INVITED.value]
    return np.fromiter((order.get(parts.get(pid, ""), never) for pid in ids), dtype=np.int8,
                       count=len(ids))


def mix_rows(constituency: GroupCounts, contributions: GroupCounts, reviews: GroupCounts
             ) -> list[dict[str, Any]]:
    """Per group: its share of the map, of the contributions and of the reviews (0–1), and
    the counts (the table beside the chart)."""
    measures = {"constituency": constituency, "contributions": contributions,
                "reviews": reviews}
    shares = {key: counts.shares() for key, counts in measures.items()}
    return [{"group": g.value, "label": group_label(g.value),
             **{key: shares[key][g.value] for key in measures},
             **{f"{key}_count": measures[key].counts[i] for key in measures}}
            for i, g in enumerate(GROUPS)]


def mix_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Grouped bars: each group's share of the map, of the contributions and of the reviews.
    A group far above its share of the map is over-represented in the purpose."""
    fig = go.Figure()
    labels = [str(r["label"]) for r in rows]
    for (key, name, pattern), colour in zip(_MEASURES, _MEASURE_COLOURS, strict=True):
        values = [float(r[key]) * 100 for r in rows]
        fig.add_trace(go.Bar(
            x=labels, y=values, name=name, marker={"color": colour, "pattern": {
                "shape": pattern, "fgcolor": "#ffffff", "solidity": 0.3}},
            text=[f"{v:.0f}%" for v in values], textposition="outside",
            hovertemplate=f"%{{x}}: %{{y:.0f}}% ({name.lower()})<extra></extra>"))
    fig.update_layout(**base_layout("Who made the purpose, by group", height=320))
    fig.update_layout(barmode="group", xaxis={"automargin": True}, yaxis={
        "title": {"text": "% of each"}, "range": [0, 115], "ticksuffix": "%",
        "gridcolor": GRID, "automargin": True})
    return fig


def review_counts(graph: CompactGraph, state: PurposeState, versions: Sequence[str] | None = None
                  ) -> dict[str, dict[str, int]]:
    """Reviews by the reviewer's primary group and answer (``not_in_map`` for accounts and
    people no longer in the map), of ``versions`` (all when ``None``)."""
    wanted = None if versions is None else set(versions)
    found: dict[str, dict[str, int]] = {
        key: {a.value: 0 for a in Answer} for key in [*(g.value for g in GROUPS), "not_in_map"]}
    for review in state.reviews.values():
        if wanted is not None and review.version not in wanted:
            continue
        key = "not_in_map"
        if review.reviewer.person is not None:
            with contextlib.suppress(KeyError):
                key = GROUPS[int(graph.group[graph.index_of(review.reviewer.person)])].value
        found[key][review.answer.value] += 1
    return found


def reviews_figure(counts: Mapping[str, Mapping[str, int]]) -> go.Figure:
    """Stacked bars: per group, how many reviewers can live with it and how many cannot yet."""
    keys = [k for k in counts if k != "not_in_map" or any(counts[k].values())]
    labels = [group_label(k) if k != "not_in_map" else "Not in the map" for k in keys]
    fig = go.Figure()
    for answer, colour, pattern in ((Answer.CAN_LIVE_WITH.value, OKABE_ITO["bluish_green"], ""),
                                    (Answer.CANNOT_YET.value, OKABE_ITO["orange"], "x")):
        fig.add_trace(go.Bar(
            x=labels, y=[counts[k][answer] for k in keys], name=ANSWER_WORDS[answer],
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#ffffff",
                                                 "solidity": 0.3}},
            hovertemplate=f"%{{x}}: %{{y}} ({ANSWER_WORDS[answer]})<extra></extra>"))
    fig.update_layout(**base_layout("Reviews by group", height=300))
    fig.update_layout(barmode="stack", xaxis={"automargin": True}, yaxis={
        "title": {"text": "reviews"}, "gridcolor": GRID, "automargin": True, "rangemode": "tozero"})
    return fig
