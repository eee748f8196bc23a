"""The network growing over time: the map as it stood at each period end, drawn in one place.

``growth_animation`` takes the map as of each period end (oldest first) and today's layout and
decides, once, who is drawn and where: everyone who appears in any frame keeps one place from
frame to frame, so a reader sees people arrive, ties form and people leave, never the picture
rearranging itself. People still in the map sit where the network page puts them; people who
have left sit beside whom they joined through: their recruiter, else their first tie. Each
frame marks the people who joined since the frame before, with a thin line to whom they joined
through.

A large map is bounded: at most ``MAX_DRAWN`` people are drawn (the engaged core first, then
the people with most ties) and at most ``MAX_FRAME_TIES`` ties per frame (those between the
people drawn first); the counts beside each frame are always of the whole map.

``animation_figure`` turns it into a Plotly figure with one frame per period end, play and
pause buttons and a date slider; ``dashboards.animation_gif`` draws the same frames as an
animated image for a board paper.

Pure functions: no Flask, no store.

Example:
    >>> from graph.model import Person, Relationship
    >>> from graph.compact import CompactGraph
    >>> from dashboards.layout import compute_layout
    >>> a = Person(id="a", group="people")
    >>> b = Person(id="b", group="people")
    >>> then = CompactGraph.from_records("x", [a], [])
    >>> now = CompactGraph.from_records("x", [a, b], [Relationship(source="a", target="b")])
    >>> anim = growth_animation([(date(2025, 1, 31), then), (date(2025, 2, 28), now)],
    ...                         now, compute_layout(now), interval="month")
    >>> [(f.people, f.joined, f.ties) for f in anim.frames]
    [(1, 0, 0), (2, 1, 1)]
    >>> anim.joined_through.tolist()
    [-1, 0]
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from dashboards.figures import base_layout
from dashboards.layout import Layout, ring
from dashboards.palette import (
    CORE_COLOUR,
    EMPTY_COLOUR,
    GROUP_COLOURS,
    GROUP_SYMBOLS,
    TIE_COLOUR,
)
from dashboards.words import group_label, plain_text, plural
from graph.analysis.growth import period_ends, period_start
from graph.analysis.recruitment import recruiter_of
from graph.compact import NO_DATE, CompactGraph
from graph.model import GROUPS

__all__ = [
    "EVENTS_NAMED",
    "MAX_DRAWN",
    "MAX_FRAMES",
    "MAX_FRAME_TIES",
    "Animation",
    "AnimationFrame",
    "animation_figure",
    "frame_counts",
    "frame_events",
    "frame_label",
    "frame_words",
    "growth_animation",
    "frame_days",
]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MAX_FRAMES = 24
"""At most this many frames (the latest period ends); a longer history at a short interval is
cut to its latest part, and the page says so."""
MAX_DRAWN = 2_000
"""At most this many people are drawn in the animation: the engaged core first, then the people
with most ties. A browser animates SVG markers smoothly up to about this many."""
MAX_FRAME_TIES = 2_000
"""At most this many ties per frame, those between the people drawn first."""
PLACING_PASSES = 4
"""Passes placing people who left beside whom they joined through (chains of leavers)."""
FRAME_MS = 800
"""How long each frame shows while playing, in milliseconds."""


def frame_days(first: date, last: date, interval: str, limit: int = MAX_FRAMES) -> list[date]:
    """The days of the pictures: the growth series' period ends (``graph.analysis.growth``)
    from the period holding ``first`` to ``last`` (itself the final day: a period not yet
    over), the latest ``limit`` of them.

    >>> frame_days(date(2024, 1, 1), date(2024, 12, 31), "quarter", limit=2)
    [datetime.date(2024, 9, 30), datetime.date(2024, 12, 31)]
    """
    if limit < 1:
        raise ValueError(f"limit: at least 1 frame, not {limit}")
    start = min(first, last)
    earliest = last
    for _ in range(limit - 1):  # the period ``limit - 1`` periods before the last
        earliest = period_start(earliest, interval) - timedelta(days=1)
    return period_ends(max(start, earliest), last, interval)[-limit:]


def frame_label(day: date, interval: str) -> str:
    """The slider's short label of a frame: ``2025-03`` for a month, ``2025 Q1`` for a
    quarter, the day for a week."""
    if interval == "month":
        return f"{day:%Y-%m}"
    if interval == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return day.isoformat()


@dataclass(frozen=True)
class AnimationFrame:
    """The map at the end of one period: counts of the whole map, and what is drawn.

    ``people``, ``ties``, ``core``, ``joined`` and ``left`` count the whole map (``joined`` and
    ``left``: since the frame before; nobody in the first frame). The arrays are of the people
    drawn (indices into ``Animation.ids``) and their values that day; ``tie_u``/``tie_v`` the
    ties drawn between them.
    """

    day: date
    people: int
    ties: int
    core: int
    joined: int
    left: int
    drawn: I64
    group: npt.NDArray[np.int8]
    engagement: npt.NDArray[np.int8]
    in_core: BoolArray
    new: BoolArray
    tie_u: I64
    tie_v: I64


@dataclass(frozen=True)
class Animation:
    """Everyone drawn in any frame (``ids``, ``names``, one place each: ``x``, ``y``), whom
    each joined through (an index into ``ids``, -1 for nobody drawn), and the frames."""

    name: str
    interval: str
    ids: list[str]
    names: list[str]
    x: F32
    y: F32
    joined_through: I64
    frames: list[AnimationFrame]
    everyone: int
    """People in the map in any frame (drawn or not)."""

    @property
    def drawn(self) -> int:
        return len(self.ids)

    @property
    def bounded(self) -> bool:
        """Whether some people were left out of the picture."""
        return self.drawn < self.everyone


def growth_animation(frames: Sequence[tuple[date, CompactGraph]], today: CompactGraph,
                     layout: Layout, *, interval: str, max_drawn: int = MAX_DRAWN,
                     max_ties: int = MAX_FRAME_TIES) -> Animation:
    """Who is drawn, where, and what each frame shows, from the map as of each period end
    (oldest first) and today's map with its layout (``layout.x`` per person of ``today``)."""
    if not frames:
        raise ValueError("frames: at least one period end is needed")
    if max_drawn < 1 or max_ties < 0:
        raise ValueError(f"max_drawn ({max_drawn}) must be at least 1, max_ties ({max_ties}) "
                         "at least 0")
    ids, names, nodes = _everyone(today, [g for _, g in frames])
    n = len(ids)
    in_core = np.zeros(n, dtype=bool)
    degree = np.zeros(n, dtype=np.int64)
    for g, u in zip((g for _, g in frames), nodes, strict=True):
        in_core[u[g.core_mask]] = True
        np.maximum.at(degree, u, g.degree())
    # the core first, then most ties; ties broken by today's order (stable, deterministic)
    order = np.lexsort((np.arange(n), -degree, ~in_core))
    chosen = order[:max_drawn]
    rank = np.full(n, -1, dtype=np.int64)  # the new index of each chosen person, by priority
    rank[chosen] = np.arange(chosen.size)
    by_id = np.empty(n, dtype=np.int64)  # ties of the same day: the first id wins
    by_id[sorted(range(n), key=ids.__getitem__)] = np.arange(n)
    through, anchor = _joined_through(frames, nodes, by_id)
    x, y = _places(today, layout, ids, anchor)

    built: list[AnimationFrame] = []
    before = np.zeros(n, dtype=bool)
    for f, ((day, g), u) in enumerate(zip(frames, nodes, strict=True)):
        now = np.zeros(n, dtype=bool)
        now[u] = True
        shown = rank[u] >= 0
        local = u[shown]
        eu, ev = rank[u[g.edge_u]], rank[u[g.edge_v]]
        both = (eu >= 0) & (ev >= 0)
        eu, ev = eu[both], ev[both]
        keep = np.lexsort((np.minimum(eu, ev), np.maximum(eu, ev)))[:max_ties]
        built.append(AnimationFrame(
            day=day, people=g.n, ties=g.m, core=int(g.core_mask.sum()),
            joined=int((now & ~before).sum()) if f else 0,
            left=int((before & ~now).sum()) if f else 0,
            drawn=rank[local], group=g.group[shown].astype(np.int8),
            engagement=g.engagement[shown].astype(np.int8), in_core=g.core_mask[shown],
            new=(~before[local]) if f else np.zeros(local.size, dtype=bool),
            tie_u=eu[keep].astype(np.int64), tie_v=ev[keep].astype(np.int64)))
        before = now
    joined = through[chosen]
    joined = np.where(joined >= 0, rank[np.maximum(joined, 0)], -1)
    return Animation(
        name=today.name, interval=interval, ids=[ids[i] for i in chosen.tolist()],
        names=[names[i] for i in chosen.tolist()], x=x[chosen], y=y[chosen],
        joined_through=joined.astype(np.int64), frames=built, everyone=n)


def _everyone(today: CompactGraph, graphs: Sequence[CompactGraph]
              ) -> tuple[list[str], list[str], list[I64]]:
    """Everyone in today's map or any frame (today's people first, in their order, then the
    others as they first appear), their latest name, and each frame's nodes as indices."""
    index: dict[str, int] = {pid: i for i, pid in enumerate(today.ids)}
    ids = list(today.ids)
    names = [name or pid for name, pid in zip(today.names, today.ids, strict=True)]
    nodes: list[I64] = []
    for g in graphs:
        u = np.empty(g.n, dtype=np.int64)
        for node, pid in enumerate(g.ids):
            at = index.get(pid)
            if at is None:
                at = index[pid] = len(ids)
                ids.append(pid)
                names.append(g.names[node] or pid)
            u[node] = at
        nodes.append(u)
    return ids, names, nodes


def _joined_through(frames: Sequence[tuple[date, CompactGraph]], nodes: Sequence[I64],
                    by_id: I64) -> tuple[I64, I64]:
    """Whom each person joined through: their recruiter (``recruiter_of`` in the first frame
    that records one), else their tie formed first (the earliest ``since``) in the frame they
    first appear; -1 for nobody; of two ties on the same day, the first by id (``by_id``:
    each person's rank).
    And an anchor to place them by: the same, else their first tie in any later frame."""
    n = by_id.size
    through = np.full(n, -1, dtype=np.int64)
    for (_, g), u in zip(frames, nodes, strict=True):  # recruiters first: they win
        recruiter = recruiter_of(g)  # the forest's rule: the earliest recruiting tie
        has = np.flatnonzero(recruiter >= 0)
        fresh = has[through[u[has]] < 0]
        through[u[fresh]] = u[recruiter[fresh]]
    seen = np.zeros(n, dtype=bool)
    anchor = through.copy()
    for (_, g), u in zip(frames, nodes, strict=True):
        arriving = ~seen[u]  # per node of g: first appears in this frame
        seen[u] = True
        if g.m == 0:
            continue
        # each tie from both ends, the earliest first; the first row of each person wins
        a = np.concatenate([g.edge_u, g.edge_v])
        b = np.concatenate([g.edge_v, g.edge_u])
        since = _undated_last(np.concatenate([g.edge_since, g.edge_since]))
        order = np.lexsort((by_id[u[b]], since, a))
        a, b = a[order], b[order]
        heads = np.ones(a.size, dtype=bool)
        heads[1:] = a[1:] != a[:-1]
        a, b = a[heads], b[heads]
        first = arriving[a] & (through[u[a]] < 0)
        through[u[a[first]]] = u[b[first]]
        free = anchor[u[a]] < 0
        anchor[u[a[free]]] = u[b[free]]
    anchor = np.where(through >= 0, through, anchor)
    return through, anchor


def _undated_last(since: npt.NDArray[np.integer]) -> I64:
    """Days as int64 with ``NO_DATE`` (a tie of unknown start) after every real day."""
    days = since.astype(np.int64)
    days[since == NO_DATE] = np.iinfo(np.int64).max
    return days


def _places(today: CompactGraph, layout: Layout, ids: list[str], anchor: I64
            ) -> tuple[F32, F32]:
    """One place per person: today's layout for the people still in the map; beside whom
    they joined through for the others (in the order they first appear, so a chain of
    leavers follows its own members); round the edge for anyone with nobody to follow."""
    n = len(ids)
    x = np.full(n, np.nan, dtype=np.float64)
    y = np.full(n, np.nan, dtype=np.float64)
    x[:today.n] = layout.x[:today.n]
    y[:today.n] = layout.y[:today.n]
    if n == today.n:
        return x.astype(np.float32), y.astype(np.float32)
    spread = float(np.nanstd(x[:today.n]) + np.nanstd(y[:today.n])) if today.n > 1 else 1.0
    step = max(spread, 1e-6) * 0.04
    for _ in range(PLACING_PASSES):  # a leaver may follow another who appears later
        moved = 0
        for i in np.flatnonzero(np.isnan(x)).tolist():  # the order people first appear
            near = int(anchor[i])
            if near >= 0 and not np.isnan(x[near]):
                turn = (zlib.crc32(ids[i].encode()) % 360) * np.pi / 180
                x[i] = x[near] + step * np.cos(turn)
                y[i] = y[near] + step * np.sin(turn)
                moved += 1
        if not moved:
            break
    lost = np.flatnonzero(np.isnan(x))
    if lost.size:
        placed = ~np.isnan(x)
        rx, ry = ring(x[placed], y[placed], int(lost.size))
        x[lost], y[lost] = rx, ry
    return x.astype(np.float32), y.astype(np.float32)


# -- the Plotly figure -------------------------------------------------------------------------


def frame_counts(frame: AnimationFrame) -> str:
    """The counts of a frame: ``120 people, 8 in the core, 240 ties (12 joined, 1 left)``."""
    text = (f"{plural(frame.people, 'person', 'people')}, {frame.core:,} in the core, "
            f"{plural(frame.ties, 'tie')}")
    if frame.joined or frame.left:
        text += f" ({frame.joined:,} joined, {frame.left:,} left)"
    return text


def frame_words(frame: AnimationFrame) -> str:
    """What a frame shows, in a line: ``as of 2025-03-31: 120 people, 8 in the core, 240 ties
    (12 joined, 1 left)``."""
    return f"as of {frame.day.isoformat()}: {frame_counts(frame)}"


GRID_UNITS = 1_000
"""The figure places people on a whole-number grid this wide: a third of the JSON of three
decimals, and finer than a pixel of the picture."""


def _grid(anim: Animation) -> tuple[I64, I64]:
    """Everyone's place as whole numbers from 0 to ``GRID_UNITS`` (one scale for both axes)."""
    if anim.x.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    x = anim.x.astype(np.float64)
    y = anim.y.astype(np.float64)
    span = max(float(x.max() - x.min()), float(y.max() - y.min()), 1e-9)
    unit = GRID_UNITS / span
    return (np.rint((x - x.min()) * unit).astype(np.int64),
            np.rint((y - y.min()) * unit).astype(np.int64))


def _lines(x: I64, y: I64, u: I64, v: I64) -> tuple[list[int | None], list[int | None]]:
    """Line segments from ``u`` to ``v`` as one trace's points, separated by gaps."""
    xs: list[int | None] = [None] * (u.size * 3)
    ys: list[int | None] = [None] * (u.size * 3)
    xs[0::3], xs[1::3] = x[u].tolist(), x[v].tolist()
    ys[0::3], ys[1::3] = y[u].tolist(), y[v].tolist()
    return xs, ys


def _frame_traces(anim: Animation, frame: AnimationFrame, x: I64, y: I64
                  ) -> list[dict[str, Any]]:
    """What changes in each trace from frame to frame, always the same traces in the same
    order (Plotly animates trace i of one frame into trace i of the next; ``ids`` keep each
    person's marker their own)."""
    tx, ty = _lines(x, y, frame.tie_u, frame.tie_v)
    new = frame.drawn[frame.new]
    anchors = anim.joined_through[new]
    lx, ly = _lines(x, y, new[anchors >= 0], anchors[anchors >= 0])
    traces: list[dict[str, Any]] = [{"x": tx, "y": ty}, {"x": lx, "y": ly}]
    sizes = 6 + 2 * frame.engagement.astype(np.int64)
    for g in GROUPS:
        pick = frame.group == g.index
        members = frame.drawn[pick].tolist()
        traces.append({
            "x": x[members].tolist(), "y": y[members].tolist(),
            "ids": [anim.ids[i] for i in members],
            "hovertext": [plain_text(anim.names[i]) for i in members],
            "marker": {"size": sizes[pick].tolist()},
        })
    core = frame.drawn[frame.in_core].tolist()
    traces.append({"x": x[core].tolist(), "y": y[core].tolist(),
                   "ids": [anim.ids[i] for i in core],
                   "marker": {"size": (sizes[frame.in_core] + 9).tolist()}})
    traces.append({"x": x[new].tolist(), "y": y[new].tolist(),
                   "ids": [anim.ids[i] for i in new.tolist()]})
    return traces


def _styles() -> list[dict[str, Any]]:
    """The fixed look of each trace, in ``_frame_traces`` order."""
    styles: list[dict[str, Any]] = [
        {"name": "Ties", "mode": "lines", "hoverinfo": "skip",
         "line": {"color": TIE_COLOUR, "width": 1}},
        {"name": "Joined through (a line to their recruiter or first tie)", "mode": "lines",
         "hoverinfo": "skip", "line": {"color": EMPTY_COLOUR, "width": 1.5, "dash": "dot"}},
    ]
    for g in GROUPS:
        styles.append({
            "name": group_label(g.value), "mode": "markers",
            "hovertemplate": f"%{{hovertext}}<br>{group_label(g.value)}<extra></extra>",
            "marker": {"color": GROUP_COLOURS[g.value], "symbol": GROUP_SYMBOLS[g.value],
                       "line": {"color": "#ffffff", "width": 0.6}, "opacity": 0.95}})
    styles.append({"name": "Engaged core (ringed)", "mode": "markers", "hoverinfo": "skip",
                   "marker": {"symbol": "circle-open", "color": CORE_COLOUR,
                              "line": {"width": 2, "color": CORE_COLOUR}}})
    styles.append({"name": "Joined since the date before", "mode": "markers",
                   "hoverinfo": "skip",
                   "marker": {"symbol": "circle-open", "size": 20, "color": EMPTY_COLOUR,
                              "line": {"width": 2, "color": EMPTY_COLOUR}}})
    return styles


def frame_events(anim: Animation, events: Sequence[tuple[date, str]]) -> list[list[str]]:
    """The names of the events (day, name) in each frame's period: after the frame before,
    up to the frame's own day (the first frame: within its own period)."""
    named: list[list[str]] = [[] for _ in anim.frames]
    for day, name in sorted(events):
        for f, frame in enumerate(anim.frames):
            after = (anim.frames[f - 1].day if f else
                     period_start(frame.day, anim.interval) - timedelta(days=1))
            if after < day <= frame.day:
                named[f].append(name)
                break
    return named


def animation_figure(anim: Animation, events: Sequence[tuple[date, str]] = ()
                     ) -> dict[str, Any]:
    """The animation as a Plotly figure (plain JSON-ready data: ``data``, ``layout``,
    ``frames``): the first frame drawn, one frame per period end, play and pause buttons and
    a date slider; the axes fixed so nothing moves but people arriving and leaving. Each
    picture names the ``events`` (day, name) of its period.

    Plain data rather than ``go.Figure``: plotly.py checks every value of every frame, which
    takes seconds for 24 frames of a few thousand people; the tests check the same data with
    ``go.Figure(spec)``.
    """
    x, y = _grid(anim)
    styles = _styles()
    pictures = [_frame_traces(anim, frame, x, y) for frame in anim.frames]
    named = frame_events(anim, events)
    titles = [_title(anim, frame, names) for frame, names in zip(anim.frames, named,
                                                                 strict=True)]
    frames = [{"name": frame.day.isoformat(), "data": traces,
               "layout": {"title": {"text": title}}}
              for frame, traces, title in zip(anim.frames, pictures, titles, strict=True)]
    data = [{"type": "scatter", **style, **first,
             "marker": {**style.get("marker", {}), **first.get("marker", {})}}
            if "marker" in style else {"type": "scatter", **style, **first}
            for style, first in zip(styles, pictures[0], strict=True)]
    layout = base_layout(titles[0], height=720)
    layout["title"] = {"text": titles[0], "x": 0, "xanchor": "left",
                       "font": {"size": 17}, "y": 0.98, "yref": "container", "yanchor": "top",
                       "pad": {"t": 6}}
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    # from the top: the title (two lines), Play and Pause, the date slider, the picture, the
    # legend; the slider and buttons sit in the top margin, over nobody
    layout.update(
        xaxis={**hidden, "range": _range(x)},
        yaxis={**hidden, "range": _range(y), "scaleanchor": "x", "scaleratio": 1},
        margin={"l": 10, "r": 10, "t": 190, "b": 10},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.02, "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.9)"},
        dragmode="pan", hovermode="closest", uirevision="animation",
        updatemenus=[{
            "type": "buttons", "direction": "left", "showactive": False,
            "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "pad": {"b": 82},
            "buttons": [
                {"label": "Play", "method": "animate",
                 "args": [None, {"frame": {"duration": FRAME_MS, "redraw": True},
                                 "fromcurrent": True, "transition": {"duration": 250}}]},
                {"label": "Pause", "method": "animate",
                 "args": [[None], {"mode": "immediate",
                                   "frame": {"duration": 0, "redraw": False},
                                   "transition": {"duration": 0}}]},
            ]}],
        sliders=[{
            "active": 0, "x": 0, "len": 1, "y": 1.0, "yanchor": "bottom", "pad": {"b": 6},
            "currentvalue": {"prefix": "Map as of ", "font": {"size": 14}},
            "font": {"size": 10},
            "steps": [{"label": frame_label(f.day, anim.interval), "method": "animate",
                       "args": [[f.day.isoformat()],
                                {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                 "transition": {"duration": 0}}]}
                      for f in anim.frames]}],
    )
    return {"data": data, "layout": layout, "frames": frames}


EVENTS_NAMED = 3
"""A picture names at most this many events of its period, then says how many more."""


def _title(anim: Animation, frame: AnimationFrame, events: Sequence[str] = ()) -> str:
    """Two lines, so a phone shows them whole: the map and the date, then the counts; a
    third with the period's events."""
    title = (f"{plain_text(anim.name)} as of {frame.day.isoformat()}<br>"
             f"<span style=\"font-size:13px\">{frame_counts(frame)}</span>")
    if events:
        listed = ", ".join(plain_text(e[:60]) for e in events[:EVENTS_NAMED])
        more = f" and {len(events) - EVENTS_NAMED} more" if len(events) > EVENTS_NAMED else ""
        title += f"<br><span style=\"font-size:13px\">Events: {listed}{more}</span>"
    return title


def _range(values: I64) -> list[float]:
    if values.size == 0:
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    pad = max((hi - lo) * 0.04, 10.0)
    return [lo - pad, hi + pad]
