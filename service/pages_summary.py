"""The one-page summary of a map, to print for a board paper or read on a phone.

The overview is for working on the map; this page is for telling others where it stands: the
headline numbers with the reach curve, each group's share and reach, the most serious kinds of
gap and what to do about them, and whom to engage next, on one sheet of A4 with no menus or forms.
It reads the same cached analysis as the overview, so the numbers agree to the last digit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from dashboards.gap_cards import gap_cards
from dashboards.words import group_label
from graph.model import GROUPS
from service.auth import requires_role
from service.pages import next_rows, page_as_of, page_data

__all__ = ["SUMMARY_GAP_KINDS", "SUMMARY_PEOPLE", "bp"]

SUMMARY_GAP_KINDS = 4
"""Kinds of gap on the page: the most serious first (the gaps page has them all)."""
SUMMARY_PEOPLE = 5
"""People listed under whom to engage next."""

bp = Blueprint("summary", __name__)


@bp.get("/c/<name>/summary")
@requires_role("viewer")
def page(name: str) -> ResponseReturnValue:
    data = page_data(name)
    a = data.analysis
    core = a.core
    groups: list[dict[str, Any]] = []
    for group in GROUPS:
        size = a.groups.get(group.value, 0)
        groups.append({
            "label": group_label(group.value), "size": size,
            "share": size / a.size if a.size else 0.0,
            "reach": core.reach_by_group.get(group.value),
        })
    plan = a.ready.recommended_core if a.ready is not None else a.recommended_core
    return render_template(
        "summary.html", name=name, a=a, groups=groups, active="overview",
        cards=gap_cards(a.gaps, data.name_of, limit=0)[:SUMMARY_GAP_KINDS],
        next_people=next_rows(data, plan.added)[:SUMMARY_PEOPLE],
        ready=a.ready is not None, as_of=page_as_of(), today=date.today())
