"""A map's own settings: its targets, the steps its reach counts and the readiness of whom to
engage next, kept with the map and used by every analysis of it by default.

| setting | default | meaning |
| --- | --- | --- |
| ``target_core_share`` | 0.03 | the engaged core should be about this share of the map |
| ``target_reach`` | 0.90 | and in conversation with this share of everyone else |
| ``steps`` | 1 | reach counts people within this many ties of the core (1 to 3) |
| ``min_engagement`` | anyone | whom to engage next: only people at or above this level |
| ``event_window_days`` | 60 | an event's effects compare this many days before and after it |
| ``purpose_review_days`` | 365 | a purpose not revisited for longer is flagged |

They live in the map's own record (its timeline in the history, beside the description and
the expected segments), so a change is recorded with who made it and can be undone; a map that
never set one has the default. ``UseCases.set_settings`` is the one way to change them.

Example:
    >>> s = MapSettings(steps=2, min_engagement="supporting")
    >>> options = s.options()
    >>> (options.hops, options.min_engagement.value, options.target_reach)
    (2, 'supporting', 0.9)
    >>> s.options(hops=3).hops   # a caller's choice wins over the map's
    3
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from graph.analysis.options import AnalysisOptions
from graph.model import Engagement
from graph.model import _integral as whole_number  # 3.0 is the whole number 3, as in JSON

__all__ = ["MAX_EVENT_WINDOW_DAYS", "MAX_PURPOSE_REVIEW_DAYS", "MAX_STEPS", "SETTING_FIELDS",
           "MapSettings"]

MAX_STEPS = 3
"""The most steps a map's reach may count (the reach curve shows 1 to 3)."""
MAX_EVENT_WINDOW_DAYS = 365
"""The longest window an event's effects may look at, either side of its day."""
MAX_PURPOSE_REVIEW_DAYS = 3650
"""The longest a purpose may go without being revisited before it is flagged (ten years)."""


class MapSettings(BaseModel):
    """The settings of one map: targets, the steps its reach counts, and the readiness of
    whom to engage next. Each has a default, which a map that never changed it has."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_core_share: float = Field(
        default=0.03, gt=0, le=1, allow_inf_nan=False,
        description="the share of the map the engaged core should be (0.03 = 3%)")
    target_reach: float = Field(
        default=0.90, gt=0, le=1, allow_inf_nan=False,
        description="the share of everyone else the core should be in conversation with")
    steps: Annotated[int, BeforeValidator(whole_number)] = Field(
        default=1, ge=1, le=MAX_STEPS,
        description="reach counts people within this many ties of the core")
    min_engagement: Engagement | None = Field(
        default=None,
        description="whom to engage next: only people at or above this engagement level "
                    "(null: anyone)")
    event_window_days: Annotated[int, BeforeValidator(whole_number)] = Field(
        default=60, ge=7, le=MAX_EVENT_WINDOW_DAYS,
        description="an event's effects compare this many days before it with as many after")

    purpose_review_days: Annotated[int, BeforeValidator(whole_number)] = Field(
        default=365, ge=7, le=MAX_PURPOSE_REVIEW_DAYS,
        description="a shared purpose not revisited (a new version or a review) for longer "
                    "than this many days is flagged as at risk of a de facto purpose")

    def options(self, **overrides: Any) -> AnalysisOptions:
        """The analysis options these settings give, with ``overrides`` (any
        ``AnalysisOptions`` field, e.g. a CLI flag) taking precedence."""
        values: dict[str, Any] = {
            "target_core_share": self.target_core_share,
            "target_reach": self.target_reach,
            "hops": self.steps,
            "min_engagement": self.min_engagement,
        }
        values.update(overrides)
        return AnalysisOptions(**values)

    def stored(self) -> dict[str, Any]:
        """The values as the map's record keeps them (code names, plain numbers)."""
        return {name: getattr(self, name) if name != "min_engagement" else (
            None if self.min_engagement is None else self.min_engagement.value)
            for name in SETTING_FIELDS}

    @classmethod
    def from_stored(cls, values: Mapping[str, Any]) -> MapSettings:
        """Settings from the values a map's record holds; a value never set (``None``, except
        for ``min_engagement`` where ``None`` is "anyone") takes its default."""
        return cls(**{name: value for name, value in values.items()
                      if name in SETTING_FIELDS and (value is not None
                                                     or name == "min_engagement")})


SETTING_FIELDS: tuple[str, ...] = tuple(MapSettings.model_fields)
"""The names of the settings, as the map's record and the API spell them."""
