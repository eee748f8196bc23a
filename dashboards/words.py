"""Plain words for a change lead: labels, percentages and the reasons behind a suggested role.

Pure functions of code names and analysis results, shared by the figures and the page templates,
so a chart and the text beside it always say the same thing the same way.

Example:
    >>> segment_label("community:Gypsy_Traveller")
    'Gypsy Traveller (community)'
    >>> percent(0.406)
    '41%'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.model import Engagement, Group, Role
from graph.wording import count, segment_words, share_text
from graph.wording import years as whole_years

__all__ = [
    "RoleCheck",
    "engagement_label",
    "group_label",
    "percent",
    "plain_text",
    "plural",
    "role_checks",
    "role_label",
    "role_summary",
    "segment_label",
    "trust_label",
]

_GROUP_TITLES = {
    Group.PEOPLE.value: "The people",
    Group.GIVERS_OF_SERVICE.value: "Givers of service",
    Group.SYSTEM_LEADERS.value: "System leaders",
}
_TRUST_LABELS = {
    "relational": "Relational",
    "functional": "Functional",
    "flow_of_value": "Flow of value",
}


def percent(value: float | None, digits: int = 0, below: float | None = None) -> str:
    """``0.406`` → ``'41%'``; ``None`` (nobody to measure) → ``'–'``. With ``below`` (a
    target), the rounding of ``graph.wording.share_text``: a share just below its target
    keeps a decimal, the same in the headline, the reach curve and the charts."""
    if value is None:
        return "–"
    if below is not None:
        return share_text(value, below=below)
    return f"{value * 100:.{digits}f}%"


plural = count


def plain_text(text: str) -> str:
    """People's names, segments and events as plain text where Plotly draws them: it renders
    a subset of HTML (links, styles) in labels and hover text.

    >>> plain_text("<b>Ana</b> & co")
    '&lt;b&gt;Ana&lt;/b&gt; &amp; co'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
"""``plural(1, 'person', 'people')`` → ``'1 person'`` (``graph.wording.count``)."""


def group_label(group: str | int, *, title: bool = True) -> str:
    """``'givers_of_service'`` → ``'Givers of service'`` (or ``'givers of service'``)."""
    from graph.model import GROUPS

    code = GROUPS[group].value if isinstance(group, int) else str(group)
    try:
        text = _GROUP_TITLES[code]
    except KeyError:
        return code.replace("_", " ")
    return text if title else Group(code).label


segment_label = segment_words
"""``'locality:Barrow'`` → ``'Barrow (locality)'`` (``graph.wording.segment_words``)."""


def role_label(role: str | None) -> str:
    """``'lone_wolf'`` → ``'lone wolf'``; ``None`` → ``'none'``."""
    return "none" if role is None else role.replace("_", " ")


def engagement_label(level: str | int) -> str:
    """An engagement level by code name or rank, in words."""
    if isinstance(level, int):
        level = tuple(Engagement)[level].value
    return str(level).replace("_", " ")


def trust_label(trust: str) -> str:
    return _TRUST_LABELS.get(trust, trust.replace("_", " "))


@dataclass(frozen=True)
class RoleCheck:
    """One role's condition for one person: whether it holds and the numbers, in words."""

    role: str
    met: bool
    text: str


def role_checks(evidence: Mapping[str, Any]) -> list[RoleCheck]:
    """Why each role does or does not fit, from a ``RoleInference.evidence``."""
    th = evidence.get("thresholds", {})
    matches = set(evidence.get("matches", []))
    ties = int(evidence.get("ties", 0))
    checks: list[RoleCheck] = []

    years = evidence.get("years_engaged")
    engaged_ties = int(evidence.get("engaged_ties", 0))
    max_engaged = th.get("lone_wolf_max_engaged_ties", 1)
    if years is None:
        lone = "joined date unknown, so how long they have been engaged cannot be told"
    else:
        lone = (
            f"engaged for {whole_years(float(years))} (a lone wolf: "
            f"{th.get('lone_wolf_min_years', 2):g} years or more) with "
            f"{plural(engaged_ties, 'tie')} to other engaged people (a lone wolf: at most "
            f"{max_engaged})"
        )
    checks.append(RoleCheck(Role.LONE_WOLF.value, Role.LONE_WOLF.value in matches, lone))

    min_ties = float(th.get("mobiliser_min_ties", 0))
    bridging = float(evidence.get("bridging_share", 0.0))
    mob = (
        f"{plural(ties, 'tie')} (a mobiliser: {min_ties:.0f} or more, where the average is "
        f"{float(th.get('mean_ties', 0)):.1f}); {percent(bridging)} of them reach another group "
        f"or segment (a mobiliser: {percent(th.get('mobiliser_min_bridging', 0.3))} or more)"
    )
    checks.append(RoleCheck(Role.MOBILISER.value, Role.MOBILISER.value in matches, mob))

    grown = int(evidence.get("leaders_grown", 0))
    recruited = int(evidence.get("recruited", 0))
    share = float(evidence.get("engaged_share", 0.0))
    org = (
        f"brought in {plural(recruited, 'person', 'people')}, {grown} of them now engaged "
        f"(an organiser: {th.get('organiser_min_grown', 2)} or more); tied to "
        f"{plural(engaged_ties, 'engaged person', 'engaged people')}, {percent(share)} of their "
        f"ties (an organiser: {th.get('organiser_min_engaged_ties', 3)} or more making "
        f"{percent(th.get('organiser_min_engaged_share', 0.5))})"
    )
    checks.append(RoleCheck(Role.ORGANISER.value, Role.ORGANISER.value in matches, org))
    return checks


def role_summary(declared: str | None, inferred: str | None) -> str:
    """One sentence comparing the declared and the inferred role."""
    if declared is None and inferred is None:
        return "No role declared, and the map does not suggest one yet."
    if declared is None:
        return f"No role declared; the map suggests {role_label(inferred)}."
    if inferred is None:
        return f"Declared {role_label(declared)}, but the map does not show any role's pattern."
    if declared == inferred:
        return f"Declared {role_label(declared)}, and the map agrees."
    return f"Declared {role_label(declared)}, but the map suggests {role_label(inferred)}."
