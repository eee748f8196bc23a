"""Colours, symbols and sizes shared by every figure: colour-blind-safe (Okabe–Ito).

Okabe and Ito's eight colours stay distinguishable for the common forms of colour blindness.
Figures never rely on colour alone: groups also differ in the legend and hover text, roles by
marker symbol, and "not reached" bars carry a hatch pattern. The three group colours are the
darker members of the palette, each at least 3:1 against white (WCAG non-text contrast).
"""

from __future__ import annotations

from graph.model import GROUPS, Group, Role

__all__ = [
    "BLACK",
    "BROKER_COLOUR",
    "CORE_COLOUR",
    "EMPTY_COLOUR",
    "FONT",
    "GROUP_COLOURS",
    "GROUP_SYMBOLS",
    "GRID",
    "MUTED",
    "OKABE_ITO",
    "REACHED_COLOUR",
    "ROLE_SYMBOLS",
    "SEQUENTIAL",
    "SEVERITY_COLOURS",
    "TARGET_COLOUR",
    "TIE_COLOUR",
    "UNREACHED_COLOUR",
    "group_colour",
]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

BLACK = OKABE_ITO["black"]
GROUP_COLOURS: dict[str, str] = {
    Group.PEOPLE.value: OKABE_ITO["vermillion"],
    Group.GIVERS_OF_SERVICE.value: OKABE_ITO["blue"],
    Group.SYSTEM_LEADERS.value: OKABE_ITO["bluish_green"],
}
CORE_COLOUR = BLACK
REACHED_COLOUR = OKABE_ITO["blue"]
UNREACHED_COLOUR = OKABE_ITO["orange"]
EMPTY_COLOUR = OKABE_ITO["reddish_purple"]
BROKER_COLOUR = OKABE_ITO["orange"]
TARGET_COLOUR = BLACK
TIE_COLOUR = "rgba(82, 96, 109, 0.35)"
MUTED = "#52606d"
GRID = "#d9e2ec"
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"

SEQUENTIAL = "Cividis"
"""Sequential colour scale for heatmaps and reach: readable with every colour vision."""

SEVERITY_COLOURS: dict[str, str] = {
    "high": OKABE_ITO["vermillion"],
    "medium": OKABE_ITO["orange"],
    "low": OKABE_ITO["sky_blue"],
}

ROLE_SYMBOLS: dict[str | None, str] = {
    None: "circle",
    Role.LONE_WOLF.value: "diamond",
    Role.MOBILISER.value: "star",
    Role.ORGANISER.value: "square",
}
"""Marker symbol per declared role (all supported by both ``scatter`` and ``scattergl``)."""

GROUP_SYMBOLS: dict[str, str] = {
    Group.PEOPLE.value: "circle",
    Group.GIVERS_OF_SERVICE.value: "triangle-up",
    Group.SYSTEM_LEADERS.value: "pentagon",
}
"""Marker symbol per primary group, so a group is told by its shape as well as its colour
(none of them a role's symbol)."""


def group_colour(group: int | str) -> str:
    """The colour of a group given by its index in ``GROUPS`` or its code name."""
    key = GROUPS[group].value if isinstance(group, int) else Group(group).value
    return GROUP_COLOURS[key]
