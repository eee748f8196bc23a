"""Which pictures a change lets go: the references (``picture:<digest>``) that contributions
held before a change set and no longer hold after it.

A picture sent with a contribution is personal data kept as a file outside the store (the
service's picture folder), so the write path must say when nothing needs it any more: a
contribution withdrawn, removed as entered by mistake, undone, or its map deleted. The write
path (``graph.usecases.UseCases``) collects what each change set lets go, checks which of those
no live contribution of any map still holds (two contributions, or a map and its copy, may hold
the same picture), and tells its ``on_pictures_released`` hook, which deletes the files.

Example:
    >>> from graph.purpose.model import Contribution
    >>> from graph.purpose.records import item_timeline, purpose_key
    >>> story = Contribution(element="shared", kind="story", text="Dad", date="2025-05-02",
    ...                      contributor={"person": "ana"}, picture="picture:" + "a" * 64)
    >>> key = purpose_key("contribution", "c1")
    >>> taken_back = item_timeline(story.model_copy(update={"withdrawn": True}))
    >>> released_pictures({key: (item_timeline(story), taken_back)}) == {"picture:" + "a" * 64}
    True
    >>> released_pictures({key: (taken_back, item_timeline(story))})  # restored: nothing goes
    frozenset()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.history import Key, TimelineRecord
from graph.purpose.records import PURPOSE
from graph.timeline import Timeline

__all__ = ["held_picture", "pictures_of", "released_pictures"]


def held_picture(key: Key, timeline: Timeline | None, *, withdrawn: bool = False) -> str:
    """The picture reference the record ``key`` holds: a contribution's, when it has one and
    is not withdrawn (or whatever it is, with ``withdrawn=True``); ``""`` otherwise."""
    if timeline is None or key[0] != PURPOSE or key[1] != "contribution":
        return ""
    if not withdrawn and timeline.value_at("withdrawn", None):
        return ""
    return str(timeline.value_at("picture", None) or "")


def released_pictures(changes: Mapping[Key, tuple[Timeline | None, Timeline | None]]
                      ) -> frozenset[str]:
    """The references held by a live contribution before a change and not after it (each
    key's before and after timelines, as the write path sees them)."""
    released = set()
    for key, (before, after) in changes.items():
        then = held_picture(key, before)
        if then and then != held_picture(key, after):
            released.add(then)
    return frozenset(released)


def pictures_of(records: Iterable[TimelineRecord], *, withdrawn: bool = False) -> set[str]:
    """The references the contributions among ``records`` hold (withdrawn ones' too, with
    ``withdrawn=True``: a map being deleted lets go of every picture it ever kept)."""
    found = set()
    for record in records:
        if record.key[0] == PURPOSE and record.key[1] == "contribution":
            reference = held_picture(record.key, Timeline.from_json(record.timeline),
                                     withdrawn=withdrawn)
            if reference:
                found.add(reference)
    return found
