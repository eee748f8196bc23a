"""Charts of the growth series (``dashboards.growth_figures``), built from points in the API's
JSON shape: each chart draws the numbers of the points, the targets as lines, and events as
named vertical lines (bounded)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
import pytest

from dashboards import growth_figures as gf
from graph.model import Engagement


def points(k: int = 3) -> list[dict[str, Any]]:
    """A tiny series in the shape of ``GrowthSeries.to_dict()['points']``."""
    out = []
    for i in range(k):
        size = 10 + 5 * i
        out.append({
            "date": (date(2025, 1, 31) + timedelta(days=31 * i)).isoformat(),
            "size": size,
            "groups": {"people": 4 + 2 * i, "givers_of_service": 5 + 2 * i,
                       "system_leaders": 1 + i},
            "engagement": {e.value: i + j for j, e in enumerate(Engagement)},
            "core": {"size": 1 + i, "share": (1 + i) / size, "target": 0.03,
                     "reach": 0.5 + 0.1 * i, "target_reach": 0.9,
                     "reach_by_group": {"people": 0.4 + 0.1 * i, "givers_of_service": 0.6,
                                        "system_leaders": None}},
            "joined": {"count": 0 if i == 0 else 6, "by_group": {}},
            "left": {"count": i, "by_group": {}},
            "recruitment": {"effective_leader_growers": 1.0 + i,
                            "top3_share": None if i == 0 else 1 / i},
        })
    return out


def trace(fig: go.Figure, name: str) -> Any:
    return next(t for t in fig.data if t.name == name)


def test_people_by_group_stacks_each_groups_count() -> None:
    series = points()
    fig = gf.people_by_group(series)
    assert list(trace(fig, "The people").y) == [p["groups"]["people"] for p in series]
    assert {t.stackgroup for t in fig.data} == {"people"}
    assert sum(t.y[-1] for t in fig.data) == series[-1]["size"]


def test_the_core_chart_draws_share_and_reach_against_their_target_lines() -> None:
    series = points()
    fig = gf.core_over_time(series)
    share = trace(fig, "Core share")
    assert list(share.y) == pytest.approx([p["core"]["share"] * 100 for p in series])
    assert set(trace(fig, "Target: core 3%").y) == {3.0}
    assert set(trace(fig, "Target: reach 90%").y) == {90.0}
    assert list(trace(fig, "Reach, the people").y) == pytest.approx([40, 50, 60])
    assert not any(t.name == "Reach, system leaders" for t in fig.data)  # nobody to measure


def test_joined_go_up_and_leavers_down() -> None:
    series = points()
    fig = gf.joined_and_left(series)
    assert list(trace(fig, "Joined").y) == [0, 6, 6]
    assert list(trace(fig, "Left").y) == [0, -1, -2]
    assert fig.layout.barmode == "relative"


def test_engagement_levels_stack_to_everyone_counted() -> None:
    series = points()
    fig = gf.engagement_over_time(series)
    assert fig.layout.barmode == "stack" and len(fig.data) == len(Engagement)
    assert [sum(t.y[i] for t in fig.data) for i in range(3)] == [
        sum(p["engagement"].values()) for p in series]


def test_leader_growers_and_the_top_three_share_follow_the_points() -> None:
    fig = gf.leader_growers_over_time(points())
    assert list(trace(fig, "Effective number of leader-growers").y) == [1.0, 2.0, 3.0]
    assert list(trace(fig, "Top three's share").y) == [None, 100.0, 50.0]


@pytest.mark.parametrize("build", [gf.people_by_group, gf.core_over_time, gf.joined_and_left,
                                   gf.engagement_over_time, gf.leader_growers_over_time])
def test_events_are_named_vertical_lines_the_latest_few(build: Any) -> None:
    events = [(date(2024, 1, 1) + timedelta(days=7 * k), f"Event <{k}>") for k in range(30)]
    fig = build(points(), events)
    names = [a.text for a in fig.layout.annotations if a.text.startswith("Event")]
    assert len(names) == gf.MAX_EVENTS_MARKED
    assert names[-1] == "Event &lt;29&gt;"  # plain text, the latest kept
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) >= gf.MAX_EVENTS_MARKED
    assert {s.x0 for s in lines} == {d.isoformat() for d, _ in events[-gf.MAX_EVENTS_MARKED:]}
