"""Every threshold the analysis uses, in one place, with the defaults of docs/terms.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from graph.model import Engagement

__all__ = ["AnalysisOptions"]


@dataclass(frozen=True)
class AnalysisOptions:
    """Options of an analysis. All have safe defaults; ``as_of`` defaults to today.

    Core and reach:
        target_core_share: the engaged core should be about this share of the constituency (3%).
        target_reach: and in conversation with this share of everyone else (90%).
        hops: reach counts people within this many ties of the core (1 = a direct tie).
        min_trust: per trust type, the minimum strength (0–3) for a tie to count as a
            conversation channel; empty means every tie counts.
        min_engagement: readiness: whom to engage next among people at or above this
            engagement level only (the "ready" plans, beside the plans from anyone); ``None``
            (the default) means anyone, and no ready plans.
    Roles (for engaged people: ``contributing`` or above, or a declared role):
        mobiliser_min_ties / mobiliser_degree_factor: "very wide reach" means at least this many
            ties and at least factor × the average number of ties in the constituency.
        mobiliser_min_bridging: and at least this share of their ties reach another group or a
            segment they are not in.
        organiser_min_grown: people they recruited who are now engaged (leaders grown), or
        organiser_min_engaged_ties / organiser_min_engaged_share: they are tied to at least this
            many engaged people making up at least this share of their ties.
        lone_wolf_min_years: engaged (joined) at least this long ago, and
        lone_wolf_max_engaged_ties: at most this many ties to other engaged people.
    Gaps:
        group_min_share: a group below this share of the constituency is lopsided.
        givers_to_people_max_ratio: givers of service outnumbering the people by more than this.
        core_lived_experience_min_share: "little" lived experience in the core.
        flow_of_value_min_share: ties across a power gap with flow-of-value trust >= 1 should be at
            least this share of those ties.
        spof_min_cut_off: report single points of failure cutting off at least this many people.
        core_centralised_share: one core member alone reaches more than this share of the reach.
        group_unreached_ratio: a group whose reach is below ratio × target_reach is unreached.
        max_component_gaps: list at most this many unreached parts of the map, largest first.
    """

    target_core_share: float = 0.03
    target_reach: float = 0.90
    hops: int = 1
    min_trust: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    min_engagement: Engagement | None = None
    as_of: date = field(default_factory=date.today)
    mobiliser_min_ties: int = 10
    mobiliser_degree_factor: float = 3.0
    mobiliser_min_bridging: float = 0.3
    organiser_min_grown: int = 2
    organiser_min_engaged_ties: int = 3
    organiser_min_engaged_share: float = 0.5
    lone_wolf_min_years: float = 2.0
    lone_wolf_max_engaged_ties: int = 1
    group_min_share: float = 0.10
    givers_to_people_max_ratio: float = 2.0
    core_lived_experience_min_share: float = 0.2
    flow_of_value_min_share: float = 0.5
    spof_min_cut_off: int = 2
    core_centralised_share: float = 0.5
    group_unreached_ratio: float = 0.75
    max_component_gaps: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.target_core_share <= 1:
            raise ValueError("target_core_share must be in (0, 1]")
        if not 0 < self.target_reach <= 1:
            raise ValueError("target_reach must be in (0, 1]")
        if self.hops < 1:
            raise ValueError("hops must be at least 1")
        for trust, minimum in self.min_trust.items():
            if trust not in ("relational", "functional", "flow_of_value"):
                raise ValueError(f"unknown trust type {trust!r} in min_trust")
            if not 0 <= minimum <= 3:
                raise ValueError(f"min_trust[{trust!r}] must be 0–3")
        if self.min_engagement is not None:
            try:
                object.__setattr__(self, "min_engagement", Engagement(self.min_engagement))
            except ValueError:
                raise ValueError(f"unknown engagement level {self.min_engagement!r} in "
                                 "min_engagement") from None
        if self.spof_min_cut_off < 1:
            raise ValueError("spof_min_cut_off must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        # not asdict(): it deep-copies, and a MappingProxyType cannot be copied
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["min_trust"] = dict(self.min_trust)
        data["as_of"] = self.as_of.isoformat()
        data["min_engagement"] = (None if self.min_engagement is None
                                  else self.min_engagement.value)
        return data
