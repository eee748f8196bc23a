"""The growth animation as an animated GIF, for a board paper or a slide.

The same frames, people and places as the page's animation (``dashboards.animation``), drawn
with Pillow on a fixed palette (the Okabe–Ito colours of ``dashboards.palette``: exact colours,
small files, the same bytes every time): ties in grey, each person a marker of their group's
shape and colour, the engaged core ringed in black, people who joined since the frame before
ringed in purple. Every frame carries its date and counts as a caption, and a legend.

Bounded: the animation itself is (``MAX_FRAMES``, ``MAX_DRAWN``, ``MAX_FRAME_TIES``) and the
image is at most ``MAX_WIDTH`` by ``MAX_HEIGHT`` pixels.

Example:
    >>> from datetime import date
    >>> from io import BytesIO
    >>> from PIL import Image
    >>> from graph.model import Person
    >>> from graph.compact import CompactGraph
    >>> from dashboards.animation import growth_animation
    >>> from dashboards.layout import compute_layout
    >>> g = CompactGraph.from_records("x", [Person(id="a", group="people")], [])
    >>> anim = growth_animation([(date(2025, 1, 31), g), (date(2025, 2, 28), g)], g,
    ...                         compute_layout(g), interval="month")
    >>> image = Image.open(BytesIO(animation_gif(anim)))
    >>> image.format, image.n_frames
    ('GIF', 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from dashboards.animation import (
    EVENTS_NAMED,
    Animation,
    AnimationFrame,
    frame_events,
    frame_words,
)
from dashboards.palette import BLACK, EMPTY_COLOUR, GROUP_COLOURS, MUTED
from dashboards.words import group_label
from graph.model import GROUPS

__all__ = ["FRAME_MS", "LAST_FRAME_MS", "MAX_HEIGHT", "MAX_WIDTH", "animation_gif"]

MAX_WIDTH = 1_200
MAX_HEIGHT = 900
FRAME_MS = 900
"""How long each frame shows, in milliseconds."""
LAST_FRAME_MS = 3_000
"""The last frame (today) stays longer before the image starts again."""
CAPTION = 64
"""Pixels above the picture for the caption (the date and the counts)."""
LEGEND = 34
"""Pixels below the picture for the legend."""
MARGIN = 18

_TIE_GREY = "#c5ccd3"  # the network page's ties (TIE_COLOUR) as they look on white
_COLOURS = ["#ffffff", BLACK, _TIE_GREY, MUTED, EMPTY_COLOUR,
            *(GROUP_COLOURS[g.value] for g in GROUPS)]
WHITE, INK, TIE, GREY, NEW = range(5)
_GROUP_INK = {g.index: 5 + k for k, g in enumerate(GROUPS)}


def _palette() -> list[int]:
    flat: list[int] = []
    for colour in _COLOURS:
        flat.extend(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return flat + [0] * (768 - len(flat))


def animation_gif(anim: Animation, events: Sequence[tuple[date, str]] = (), *,
                  width: int = 960, height: int = 720) -> bytes:
    """The animation as GIF bytes: one frame per period end, a caption on each (with the
    ``events`` (day, name) of its period), looping."""
    if not (200 <= width <= MAX_WIDTH and 200 <= height <= MAX_HEIGHT):
        raise ValueError(f"width and height: 200 to {MAX_WIDTH} by 200 to {MAX_HEIGHT} "
                         f"pixels, not {width} by {height}")
    scale = _scale(anim, width, height)
    small = ImageFont.load_default(size=14)
    large = ImageFont.load_default(size=18)
    palette = _palette()
    images = []
    named = frame_events(anim, events)
    for frame, names in zip(anim.frames, named, strict=True):
        image = Image.new("P", (width, height), WHITE)
        image.putpalette(palette)
        draw = ImageDraw.Draw(image)
        _draw_frame(draw, anim, frame, scale)
        draw.text((MARGIN, 10), f"{anim.name}", fill=INK, font=large)
        caption = frame_words(frame)
        if names:
            caption += " · " + ", ".join(n[:40] for n in names[:EVENTS_NAMED])
            caption += f" and {len(names) - EVENTS_NAMED} more" if len(names) > EVENTS_NAMED \
                else ""
        draw.text((MARGIN, 36), caption, fill=INK, font=small)
        _legend(draw, anim, width, height, small)
        images.append(image)
    out = BytesIO()
    durations = [FRAME_MS] * (len(images) - 1) + [LAST_FRAME_MS]
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    return out.getvalue()


_Scale = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def _scale(anim: Animation, width: int, height: int) -> _Scale:
    """Everyone's place in pixels: the picture fitted between the caption and the legend,
    one scale for both axes (distances read the same across and down)."""
    x = anim.x.astype(np.float64)
    y = anim.y.astype(np.float64)
    box_w = width - 2 * MARGIN
    box_h = height - CAPTION - LEGEND - 2 * MARGIN
    if x.size == 0:
        return x, y
    span = max(float(x.max() - x.min()), float(y.max() - y.min()), 1e-9)
    unit = min(box_w, box_h) / span
    cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
    px = width / 2 + (x - cx) * unit
    py = CAPTION + MARGIN + box_h / 2 - (y - cy) * unit  # up is up, as on the page
    return px, py


def _draw_frame(draw: ImageDraw.ImageDraw, anim: Animation, frame: AnimationFrame,
                scale: _Scale) -> None:
    px, py = scale
    for u, v in zip(frame.tie_u.tolist(), frame.tie_v.tolist(), strict=True):
        draw.line((px[u], py[u], px[v], py[v]), fill=TIE, width=1)
    for i in frame.drawn[frame.new].tolist():
        near = int(anim.joined_through[i])
        if near >= 0:
            draw.line((px[i], py[i], px[near], py[near]), fill=NEW, width=2)
    radius = 3 + frame.engagement.astype(np.int64)
    for k, i in enumerate(frame.drawn.tolist()):
        _marker(draw, float(px[i]), float(py[i]), int(radius[k]), int(frame.group[k]))
    for k in np.flatnonzero(frame.in_core).tolist():
        i = int(frame.drawn[k])
        r = int(radius[k]) + 4
        draw.ellipse((px[i] - r, py[i] - r, px[i] + r, py[i] + r), outline=INK, width=2)
    for k in np.flatnonzero(frame.new).tolist():
        i = int(frame.drawn[k])
        r = int(radius[k]) + 7
        draw.ellipse((px[i] - r, py[i] - r, px[i] + r, py[i] + r), outline=NEW, width=2)


def _marker(draw: ImageDraw.ImageDraw, x: float, y: float, r: int, group: int) -> None:
    """A person: a circle, triangle or pentagon (their group's shape, as on the page)."""
    ink = _GROUP_INK.get(group, GREY)
    shape = GROUPS[group].value if 0 <= group < len(GROUPS) else ""
    if shape == "givers_of_service":
        draw.regular_polygon((x, y, r + 1), 3, fill=ink, outline=WHITE)
    elif shape == "system_leaders":
        draw.regular_polygon((x, y, r + 1), 5, fill=ink, outline=WHITE)
    else:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ink, outline=WHITE)


def _legend(draw: ImageDraw.ImageDraw, anim: Animation, width: int, height: int,
            font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    """The groups' shapes, the core's ring and the newcomers' ring, along the bottom; and how
    many people are drawn when a large map is bounded."""
    y = height - LEGEND + 8
    x = float(MARGIN)
    for g in GROUPS:
        _marker(draw, x + 6, y + 8, 6, g.index)
        label = group_label(g.value)
        draw.text((x + 16, y), label, fill=INK, font=font)
        x += 16 + draw.textlength(label, font=font) + 18
    for ink, label in ((INK, "engaged core"), (NEW, "joined since the date before")):
        draw.ellipse((x, y + 1, x + 14, y + 15), outline=ink, width=2)
        draw.text((x + 20, y), label, fill=INK, font=font)
        x += 20 + draw.textlength(label, font=font) + 18
    if anim.bounded:
        note = f"{anim.drawn:,} of {anim.everyone:,} people drawn"
        draw.text((width - MARGIN - draw.textlength(note, font=font), 12), note,
                  fill=GREY, font=font)

