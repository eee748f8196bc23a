"""How big anything may be: every list and text of a map, a request, a map, an account's maps.

Every limit is a setting read once from the environment when movemap starts
(``MOVEMAP_LIMIT_<NAME>``, e.g. ``MOVEMAP_LIMIT_SEGMENTS_PER_PERSON=200``), with a default
that fits any real constituency with room to spare. Something over a limit is refused at once,
with a message naming the limit and its setting, and nothing is written; so no request, however
large, can make the analysis or a page run out of time or memory.

| setting | default | what it bounds |
| --- | --- | --- |
| ``id_length`` | 200 | characters of a person's id |
| ``text_length`` | 500 | characters of a name, organisation, description or segment |
| ``segments_per_person`` | 100 | segments of one person |
| ``expected_segments`` | 1,000 | expected segments of a map |
| ``segments_per_map`` | 5,000 | distinct segments the people of one map hold |
| ``people_per_map`` | 250,000 | people in one map |
| ``ties_per_map`` | 2,500,000 | ties in one map |
| ``maps_per_account`` | 25 | maps one account owns (and so may have created) |
| ``events_per_map`` | 250 | events recorded with one map (``graph.events``) |
| ``people_per_event`` | 1,000 | people named as taking part in one event |
| ``contributions_per_map`` | 20,000 | contributions to the purpose of one map |
| ``purpose_items_per_map`` | 2,000 | rounds, themes, statements, versions, reviews, aims or |
| | | personas of one map (each kind) (``graph.purpose``) |
| ``purpose_text_length`` | 2,000 | characters of a contribution, a statement's part, a story |
| ``purpose_list_items`` | 1,000 | ids in one list (a theme's contributions, a version's drafters) |
| ``body_bytes`` | 2 MiB | the body of an API request or a form |
| ``upload_bytes`` | 256 MiB | the CSV files of one import |

Example:
    >>> LIMITS.segments_per_person
    100
    >>> Limits.from_env({"MOVEMAP_LIMIT_SEGMENTS_PER_PERSON": "7"}).segments_per_person
    7
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from graph.errors import MovemapError

__all__ = ["LIMITS", "LimitExceeded", "Limits", "setting_name", "whole_setting"]


class LimitExceeded(MovemapError):
    """Something is over one of the ``Limits``; nothing was written."""

    def __init__(self, limit: str, value: int, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


def whole_setting(variable: str, default: int,
                  environ: Mapping[str, str] | None = None, *,
                  maximum: int | None = None) -> int:
    """A whole number above 0 (and at most ``maximum``) from the environment (``1_000``
    allowed), else ``default``; ``ValueError`` naming the variable for anything else.

    Example:
        >>> whole_setting("MOVEMAP_TOKEN_DAYS", 90, {"MOVEMAP_TOKEN_DAYS": "30"})
        30
    """
    env = os.environ if environ is None else environ
    text = env.get(variable, "").strip().replace("_", "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"{variable} must be a whole number above 0, got {text!r}")
    if maximum is not None and int(text) > maximum:
        raise ValueError(f"{variable} must be at most {maximum:,}, got {text}")
    return int(text)


def setting_name(limit: str) -> str:
    """The environment variable of a limit: ``MOVEMAP_LIMIT_PEOPLE_PER_MAP``."""
    return f"MOVEMAP_LIMIT_{limit.upper()}"


@dataclass(frozen=True)
class Limits:
    """The limits in force (see the module notes for each)."""

    id_length: int = 200
    text_length: int = 500
    segments_per_person: int = 100
    expected_segments: int = 1000
    segments_per_map: int = 5_000
    people_per_map: int = 250_000
    ties_per_map: int = 2_500_000
    maps_per_account: int = 25
    events_per_map: int = 250
    people_per_event: int = 1_000
    contributions_per_map: int = 20_000
    purpose_items_per_map: int = 2_000
    purpose_text_length: int = 2_000
    purpose_list_items: int = 1_000
    body_bytes: int = 2 * 1024 * 1024
    upload_bytes: int = 256 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults with each ``MOVEMAP_LIMIT_<NAME>`` set in ``environ`` applied; a value
        that is not a whole number above zero is refused (``ValueError`` naming it)."""
        defaults = cls()
        return replace(defaults, **{
            f.name: whole_setting(setting_name(f.name), getattr(defaults, f.name), environ)
            for f in fields(cls)})

    def check(self, limit: str, value: int, what: str) -> None:
        """``LimitExceeded`` when ``value`` is over ``limit``, in words: ``what`` says what
        was counted ("people in the map")."""
        allowed = getattr(self, limit)
        if value > allowed:
            raise LimitExceeded(limit, value, (
                f"{what}: {value:,} is over the limit of {allowed:,} ({setting_name(limit)})"))


LIMITS = Limits.from_env()
"""The limits of this process, read from the environment when movemap starts."""
