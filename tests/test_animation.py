"""The growth animation (``dashboards.animation``) and its image (``dashboards.animation_gif``):
people keep one place, newcomers sit by whom they joined through, frames count the whole map,
large maps are bounded, and the GIF reads back with one frame per period end.

Expectations come from a plain reference: a made-up history of who joined, left and tied when,
and the sets and counts worked out from it in plain Python (networkx for ties)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from dashboards.animation import (
    MAX_FRAMES,
    Animation,
    animation_figure,
    frame_days,
    frame_events,
    growth_animation,
)
from dashboards.animation_gif import FRAME_MS, LAST_FRAME_MS, animation_gif
from dashboards.layout import compute_layout
from graph.analysis.growth import period_ends, period_start
from graph.compact import CompactGraph
from graph.model import GROUPS, Engagement, Person, Relationship

START = date(2025, 1, 31)


@dataclass(frozen=True)
class Story:
    """A made-up history: when each person joined and left (frame numbers), each tie's first
    frame, and the recruitments; ``graphs`` is the map as of each frame."""

    days: list[date]
    joined: dict[str, int]
    left: dict[str, int]
    ties: dict[tuple[str, str], int]
    recruited: set[tuple[str, str]]
    graphs: list[CompactGraph]

    def present(self, f: int) -> set[str]:
        return {p for p, j in self.joined.items() if j <= f and self.left.get(p, 99) > f}


def story(people: int = 40, frames: int = 6, seed: int = 3) -> Story:
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(people)]
    joined = {p: (0 if i < 5 else rng.randrange(frames)) for i, p in enumerate(ids)}
    early = [p for p in ids[5:] if joined[p] < frames - 1]
    left = {p: min(joined[p] + 1 + rng.randrange(frames), frames - 1)
            for p in rng.sample(early, min(len(early), people // 8))}
    ties: dict[tuple[str, str], int] = {}
    recruited: set[tuple[str, str]] = set()
    for p in ids[5:]:  # each newcomer recruited by, or tied to, someone there before them
        earlier = [q for q in ids if joined[q] < joined[p] or (joined[q] == 0 and q < p)]
        if earlier:
            q = rng.choice(earlier)
            ties[(q, p)] = joined[p]
            if rng.random() < 0.5:
                recruited.add((q, p))
    for _ in range(people):
        a, b = rng.sample(ids, 2)
        if (b, a) not in ties:
            ties.setdefault((a, b), max(joined[a], joined[b]) + rng.randrange(2))
    days = [START + timedelta(days=31 * f) for f in range(frames)]
    engaged = {p: (Engagement.LEADING if i < 3 else Engagement.UNENGAGED)
               for i, p in enumerate(ids)}
    s = Story(days, joined, left, ties, recruited, [])
    for f in range(frames):
        here = s.present(f)
        s.graphs.append(CompactGraph.from_records("story", [
            Person(id=p, name=f"Person {p}", group=GROUPS[int(p[1:]) % 3].value,
                   engagement=engaged[p]) for p in ids if p in here], [
            Relationship(source=a, target=b, relational=2, recruited=(a, b) in recruited,
                         since=days[t]) for (a, b), t in ties.items()
            if t <= f and a in here and b in here]))
    return s


def animate(s: Story, **bounds: int) -> Animation:
    today = s.graphs[-1]
    return growth_animation(list(zip(s.days, s.graphs, strict=True)), today,
                            compute_layout(today), interval="month", **bounds)


def test_frames_count_the_whole_map_as_the_history_says() -> None:
    s = story()
    anim = animate(s)
    for f, frame in enumerate(anim.frames):
        here = s.present(f)
        assert frame.people == len(here)
        assert frame.ties == s.graphs[f].to_networkx().number_of_edges()
        assert frame.core == 3 - sum(1 for p in ("p000", "p001", "p002") if p not in here)
        if f:
            assert frame.joined == len(here - s.present(f - 1))
            assert frame.left == len(s.present(f - 1) - here)
            assert {anim.ids[i] for i in frame.drawn[frame.new]} == here - s.present(f - 1)
        else:
            assert frame.joined == frame.left == 0 and not frame.new.any()


def test_people_keep_one_place_in_every_frame_of_the_figure() -> None:
    s = story()
    spec = animation_figure(animate(s))
    go.Figure(spec)  # plotly.py accepts every value of every frame
    places: dict[str, set[tuple[int, int]]] = {}
    for frame in spec["frames"]:
        for trace in frame["data"][2:5]:  # the three groups' markers
            for pid, x, y in zip(trace["ids"], trace["x"], trace["y"], strict=True):
                places.setdefault(pid, set()).add((x, y))
    assert set(places) == set().union(*(s.present(f) for f in range(len(s.days))))
    assert all(len(seen) == 1 for seen in places.values())


def test_people_still_in_the_map_sit_where_the_network_page_draws_them() -> None:
    s = story()
    today = s.graphs[-1]
    layout = compute_layout(today)
    anim = growth_animation(list(zip(s.days, s.graphs, strict=True)), today, layout,
                            interval="month")
    for i, pid in enumerate(anim.ids):
        if pid in today.ids:
            node = today.index_of(pid)
            assert (anim.x[i], anim.y[i]) == (layout.x[node], layout.y[node])


def test_each_person_joined_through_their_recruiter_else_their_first_tie() -> None:
    s = story()
    anim = animate(s)
    for i, pid in enumerate(anim.ids):
        recruiters = [a for a, b in s.recruited if b == pid and any(  # seen in some frame
            {a, b} <= s.present(f) for f in range(s.ties[(a, b)], len(s.days)))]
        first_frame = s.joined[pid]
        here = s.present(first_frame)
        ties = sorted((t, other) for (a, b), t in s.ties.items() if pid in (a, b)
                      for other in ((b,) if a == pid else (a,))
                      if t <= first_frame and other in here)
        expected = recruiters[0] if recruiters else (ties[0][1] if ties else None)
        got = anim.joined_through[i]
        assert (anim.ids[got] if got >= 0 else None) == expected, pid


def test_someone_who_left_sits_beside_whom_they_joined_through() -> None:
    s = story()
    anim = animate(s)
    span = float(max(np.ptp(anim.x), np.ptp(anim.y)))
    leavers = [i for i, pid in enumerate(anim.ids) if pid not in s.graphs[-1].ids]
    assert leavers
    for i in leavers:
        near = anim.joined_through[i]
        if near >= 0:
            gap = float(np.hypot(anim.x[i] - anim.x[near], anim.y[i] - anim.y[near]))
            assert gap < 0.1 * span


def test_a_large_map_draws_the_core_first_then_the_most_tied_and_says_so() -> None:
    s = story(people=120, seed=5)
    anim = animate(s, max_drawn=30, max_ties=25)
    assert anim.drawn == 30 and anim.everyone == 120 and anim.bounded
    assert {"p000", "p001", "p002"} <= set(anim.ids)
    most: dict[str, int] = {}
    for g in s.graphs:
        for pid, d in g.to_networkx().degree():
            most[pid] = max(most.get(pid, 0), d)
    drawn = set(anim.ids) - {"p000", "p001", "p002"}
    left_out = set(most) - set(anim.ids)
    assert min(most[p] for p in drawn) >= max(most[p] for p in left_out)
    assert all(f.tie_u.size <= 25 for f in anim.frames)
    assert all(f.people == len(s.present(k)) for k, f in enumerate(anim.frames))


def test_the_figure_has_a_frame_per_period_end_with_play_pause_and_a_date_slider() -> None:
    s = story()
    spec = animation_figure(animate(s))
    names = [f["name"] for f in spec["frames"]]
    assert names == [d.isoformat() for d in s.days]
    steps = spec["layout"]["sliders"][0]["steps"]
    assert [step["args"][0] for step in steps] == [[n] for n in names]
    labels = [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]]
    assert labels == ["Play", "Pause"]
    assert len(spec["data"]) == len(spec["frames"][0]["data"])
    assert spec["layout"]["xaxis"]["range"] and spec["layout"]["yaxis"]["range"]
    assert all(s.days[k].isoformat() in f["layout"]["title"]["text"]
               for k, f in enumerate(spec["frames"]))


@pytest.mark.parametrize("interval", ["week", "month", "quarter"])
def test_the_pictures_are_the_latest_period_ends_of_the_growth_series(interval: str) -> None:
    first, last = date(2013, 2, 3), date(2025, 3, 14)  # twelve years: too many weeks to list
    days = frame_days(first, last, interval)
    assert len(days) == MAX_FRAMES and days[-1] == last
    assert days == period_ends(days[0], last, interval)
    assert period_start(days[0], interval) > first
    assert frame_days(date(2025, 3, 2), last, interval, limit=100) == period_ends(
        date(2025, 3, 2), last, interval)


def test_the_pictures_need_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="limit"):
        frame_days(date(2025, 1, 1), date(2025, 2, 1), "month", limit=0)


def test_the_gif_reads_back_with_one_captioned_frame_per_period_end() -> None:
    s = story()
    anim = animate(s)
    image = Image.open(BytesIO(animation_gif(anim, width=640, height=480)))
    assert image.format == "GIF" and image.size == (640, 480)
    assert image.n_frames == len(s.days)
    durations = []
    previous = None
    for k in range(image.n_frames):
        image.seek(k)
        durations.append(image.info["duration"])
        pixels = np.asarray(image.convert("RGB"))
        caption = pixels[30:56]  # the line with the date and counts
        assert (caption < 128).any(), f"frame {k} has no caption"
        assert previous is None or not np.array_equal(previous, caption), \
            f"frame {k} has the caption of the frame before"
        previous = caption
    assert durations == [FRAME_MS] * (len(s.days) - 1) + [LAST_FRAME_MS]


def test_the_gif_refuses_a_size_beyond_its_bounds() -> None:
    anim = animate(story(frames=2))
    with pytest.raises(ValueError, match="width and height"):
        animation_gif(anim, width=5000, height=480)


def test_each_event_is_named_on_the_picture_of_its_period_only() -> None:
    s = story()
    anim = animate(s)
    days = [f.day for f in anim.frames]
    events = [(days[0] - timedelta(days=400), "Long before"),  # before the first period
              (days[0].replace(day=1), "First month"), (days[2], "On a period end"),
              (days[2] + timedelta(days=1), "Just after"), (days[-1], "Today")]
    named = frame_events(anim, events)
    assert named[0] == ["First month"] and named[2] == ["On a period end"]
    assert named[3] == ["Just after"] and named[-1] == ["Today"]
    assert "Long before" not in sum(named, [])
    spec = animation_figure(anim, events)
    assert "Events: On a period end" in spec["frames"][2]["layout"]["title"]["text"]
    assert "Events" not in spec["frames"][1]["layout"]["title"]["text"]
