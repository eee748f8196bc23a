"""Plain words for a change lead, shared by the gap messages and the text report.

Example:
    >>> people(1), people(1200), count(3, "tie"), years(6.4)
    ('1 person', '1,200 people', '3 ties', '6 years')
    >>> segment_words("community:Young_carers")
    'Young carers (community)'
"""

from __future__ import annotations

import math

__all__ = ["brought_words", "count", "group_count", "in_conversation", "people", "segment_words",
           "share_text", "years"]


def group_count(group: str, k: int) -> str:
    """``3 givers``, ``1 leader``, ``2 of the people``: a count of one group, briefly."""
    if group == "people":
        return f"{k:,} of the people"
    noun = "giver" if group == "givers_of_service" else "leader"
    return f"{k:,} {noun}" if k == 1 else f"{k:,} {noun}s"


def brought_words(by_group: dict[str, int]) -> str:
    """Whom someone brings, by group, in the groups' order: ``2 of the people, 1 giver``
    (empty when nobody).

    Example:
        >>> brought_words({"people": 2, "givers_of_service": 1, "system_leaders": 0})
        '2 of the people, 1 giver'
    """
    return ", ".join(group_count(g, k) for g, k in by_group.items() if k)


def share_text(share: float, *, precise: bool = False, below: float | None = None) -> str:
    """A share as a percentage, rounded one way everywhere (report, pages, charts): whole
    numbers; one decimal when ``precise``, under 1%, or when rounding would hide that a share
    is just below its target ``below`` (89.6% must not read as 90%).

    Example:
        >>> share_text(0.374), share_text(0.896, below=0.9), share_text(0.004)
        ('37%', '89.6%', '0.4%')
    """
    value = share * 100
    text = f"{value:.1f}%" if precise or 0 < value < 1 else f"{round(value)}%"
    if below is not None and share < below and round(value) >= round(below * 100):
        text = f"{math.floor(value * 10) / 10:.1f}%"
    return text


def count(k: int, noun: str, plural: str | None = None) -> str:
    """``1 tie``, ``2 ties``, ``1,200 ties`` (``plural`` where adding an s is wrong)."""
    return f"1 {noun}" if k == 1 else f"{k:,} {plural or noun + 's'}"


def people(k: int) -> str:
    return count(k, "person", "people")


def years(value: float) -> str:
    """Whole years (``6.4`` -> ``6 years``), or months under a year."""
    whole = math.floor(value)
    if whole >= 1:
        return count(whole, "year")
    return count(math.floor(value * 12), "month")


def in_conversation(hops: int) -> str:
    """How reach reads: a direct tie is a conversation; more hops are counted ties."""
    return "in conversation with" if hops == 1 else f"within {hops} ties of"


def segment_words(segment: str) -> str:
    """``community:Gypsy_Traveller`` -> ``Gypsy Traveller (community)``; a segment without a
    kind keeps its words. Underscores read as spaces."""
    kind, sep, value = segment.replace("_", " ").partition(":")
    return f"{value} ({kind})" if sep and kind and value else segment.replace("_", " ")
