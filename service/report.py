"""The readable text report of ``movemap analyse``: the analysis in plain words for a change lead.

Plain text with aligned columns and no colour codes, so it reads the same in a terminal, an
e-mail or a file. Names are used wherever the map has them; ids follow in brackets so a person
can be found in the map. The JSON (``Analysis.to_dict()``) stays the contract for tools; this
report is for people and may change wording.

Example:
    >>> print(format_report(analyse(graph), graph))  # doctest: +SKIP
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np

from graph.analysis.gap_groups import group_gaps, name_lookup
from graph.analysis.reach import within_hops
from graph.analysis.result import (
    Addition,
    Analysis,
    ReadyPlans,
    RoleInference,
    TargetPlan,
)
from graph.compact import CompactGraph
from graph.model import GROUPS, Engagement, Group, Role
from graph.wording import count as _count
from graph.wording import group_count
from graph.wording import in_conversation as _conversation
from graph.wording import people as _people
from graph.wording import segment_words as _segment_words
from graph.wording import share_text as _pct
from graph.wording import years as _years

__all__ = ["MAX_LISTED", "WIDTH", "format_report"]

WIDTH = 96
"""Wrap paragraphs at this many characters."""

TABLE_WIDTH = 100
"""Tables may run a little wider, so a row of numbers rarely needs to wrap."""

MAX_LISTED = 12
"""List at most this many people per table; the JSON has them all."""

_ENGAGEMENT = tuple(e.value for e in Engagement)
_SEVERITY_TITLES = {"high": "High", "medium": "Medium", "low": "Low"}
_ROLE_WORDS = {Role.LONE_WOLF.value: "lone wolf", Role.MOBILISER.value: "mobiliser",
               Role.ORGANISER.value: "organiser"}


def format_report(analysis: Analysis, graph: CompactGraph) -> str:
    """The whole report: the map, the engaged core, whom to engage next, roles and gaps.

    ``graph`` is the constituency the analysis was run on; it supplies names, groups and the
    ties needed to say what each recommended person would add.
    """
    title = f"movemap report: {analysis.constituency}"
    parts = [title, "=" * len(title)]
    if analysis.size == 0:
        parts.append(
            "\nThis constituency has nobody in it yet. Add people with 'movemap import'."
        )
        return "\n".join(parts) + "\n"
    parts.append(_settings(analysis))
    parts += _section("The map", _the_map(analysis))
    parts += _section("The engaged core", _the_core(analysis))
    parts += _section("Whom to engage next", _engage_next(analysis, graph))
    parts += _section("Roles", _roles(analysis, graph))
    parts += _section("Clusters and brokers", _clusters(analysis, graph))
    parts += _section("Gaps and missing voices", _gaps(analysis, graph))
    return "\n".join(parts).rstrip() + "\n"


# -- sections ---------------------------------------------------------------------------------


def _settings(analysis: Analysis) -> str:
    options = analysis.options
    words = [f"As of {options.as_of.isoformat()}."]
    if options.hops != 1:
        words.append(f"Reach counts people within {options.hops} ties of the core.")
    minimums = {k: v for k, v in options.min_trust.items() if v > 0}
    if minimums:
        listed = ", ".join(f"{k.replace('_', '-')} trust at least {v}"
                           for k, v in sorted(minimums.items()))
        words.append(f"Only ties with {listed} count as conversations.")
    if options.min_engagement is not None:
        words.append("Whom to engage next is also planned among people "
                     f"{options.min_engagement.value} or above.")
    return _wrap(" ".join(words))


def _the_map(analysis: Analysis) -> list[str]:
    size = analysis.size
    lines = [f"{_people(size)} and {_count(analysis.ties, 'tie')}.", ""]
    rows = [["group", "people", "share"]]
    for g in GROUPS:
        count = analysis.groups.get(g.value, 0)
        rows.append([g.label, f"{count:,}", _pct(count / size)])
    lines += _table(rows, right=(1, 2))
    return lines


def _the_core(analysis: Analysis) -> list[str]:
    core = analysis.core
    options = analysis.options
    size = len(core.members)
    target_size = math.ceil(round(options.target_core_share * analysis.size, 9))
    verdict = (
        "at or above" if core.share >= options.target_core_share - 1e-12 else "below"
    )
    lines = [
        _wrap(
            f"{_people(size)} {'is' if size == 1 else 'are'} in the engaged core (leading, or "
            f"with a declared role): {_pct(core.share, precise=True)} of the map, {verdict} the "
            f"target of about {_pct(options.target_core_share)} ({_people(target_size)})."
        ),
    ]
    if size == 0:
        lines.append(_wrap(
            "With nobody in the core, nobody is in conversation with the movement yet. "
            "Mark the people who lead as 'leading', or declare their roles."
        ))
        return lines
    meets = core.reach >= options.target_reach - 1e-12
    lines.append(_wrap(
        f"The core is {_conversation(options.hops)} {_pct(core.reach, below=options.target_reach)}"
        f" of everyone else ({core.reached:,} of {core.outside:,}); the target is "
        f"{_pct(options.target_reach)}{'' if meets else ', so the core needs to reach further'}."
    ))
    if core.reach_by_steps:
        curve = ", ".join(f"{_pct(share, below=options.target_reach)} within {k} "
                          f"{'tie' if k == '1' else 'ties'}"
                          for k, share in core.reach_by_steps.items())
        lines.append(_wrap(f"How far its conversations go: {curve}. The 90% counts the "
                           "conversations people have, which reach further than direct ties."))
    lines += ["", "Reach of each group (people outside the core):", ""]
    rows = [["group", "reached", "of", "share"]]
    for g in GROUPS:
        value = core.reach_by_group.get(g.value)
        rows.append([
            g.label,
            f"{core.reached_by_group.get(g.value, 0):,}",
            f"{core.outside_by_group.get(g.value, 0):,}",
            "nobody outside" if value is None else _pct(value, below=options.target_reach),
        ])
    lines += _table(rows, right=(1, 2, 3))
    return lines


def _engage_next(analysis: Analysis, graph: CompactGraph) -> list[str]:
    options = analysis.options
    rec = analysis.recommended_core
    core_size = len(analysis.core.members)
    target_pct = _pct(options.target_core_share)
    lines: list[str] = []
    if not rec.added:
        lines.append(_wrap(
            f"The core already has {_people(core_size)}, at least {target_pct} of the map, "
            "so nobody needs to be added to reach that size."
        ))
    else:
        whom = ("this person next. They bring" if len(rec.added) == 1
                else f"these {len(rec.added)} people next, in this order. Each brings")
        lines.append(_wrap(
            f"To grow the core to {_people(rec.size)}, the target of about {target_pct} of the "
            f"map, engage {whom} the most people not yet in conversation with the core:"
        ))
        lines.append("")
        lines += _additions(analysis, graph, rec.added)
        lines.append("")
        lines.append(_wrap(
            f"With them the core would be {_conversation(options.hops)} "
            f"{_pct(rec.reach, below=options.target_reach)} of everyone else."
        ))
    lines += _to_target(analysis, graph, analysis.to_reach_target)
    if analysis.ready is not None:
        lines += ["", *_ready(analysis, graph, analysis.ready)]
    return lines


def _to_target(analysis: Analysis, graph: CompactGraph, plan: TargetPlan,
               who: str = "who could be added") -> list[str]:
    """How many more people the core needs to reach the target, and who they are."""
    target = _pct(analysis.options.target_reach)
    if plan.additions == 0 and plan.meets_target:
        return [_wrap(f"The core already reaches the {target} target.")]
    if not plan.meets_target:
        lines = [_wrap(
            f"Even with all {_people(plan.additions)} {who}, the core would be "
            f"{_conversation(analysis.options.hops)} "
            f"{_pct(plan.reach, below=analysis.options.target_reach)} of everyone else, "
            f"short of {target}.")]
    else:
        lines = [_wrap(
            f"To reach {target}, the core needs {plan.additions:,} more "
            f"{'person' if plan.additions == 1 else 'people'} chosen the same way "
            f"({_people(len(plan.members))} in all, "
            f"{_pct(len(plan.members) / analysis.size, precise=True)} of the map)"
            + (", these first:" if plan.added else "."))]
    if plan.added:
        lines += ["", *_additions(analysis, graph, plan.added)]
    return lines


def _ready(analysis: Analysis, graph: CompactGraph, ready: ReadyPlans) -> list[str]:
    """The same plans among the ready only (the map's readiness setting)."""
    level = ready.min_engagement
    lines = [f"Among the ready only ({level} or above)", ""]
    if ready.candidates == 0:
        return [*lines, _wrap(
            f"Nobody outside the core is {level} or above yet, so there is nobody ready to "
            "engage; the people above are the ones to move up the ladder first.")]
    lines.append(_wrap(
        f"{_people(ready.candidates)} outside the core {'is' if ready.candidates == 1 else 'are'}"
        f" {level} or above."))
    rec = ready.recommended_core
    if rec.added:
        lines.append(_wrap(
            f"Engage {'this person' if len(rec.added) == 1 else 'these people'} first to grow "
            f"the core to {_people(rec.size)}"
            + ("" if rec.size >= len(analysis.recommended_core.members) else
               f" (fewer than the {_people(len(analysis.recommended_core.members))} of the "
               "target: nobody else is ready)")
            + f"; with them the core would be {_conversation(analysis.options.hops)} "
            f"{_pct(rec.reach, below=analysis.options.target_reach)} of everyone else:"))
        lines += ["", *_additions(analysis, graph, rec.added), ""]
    lines += _to_target(analysis, graph, ready.to_reach_target, "who are ready")
    return lines


def _additions(analysis: Analysis, graph: CompactGraph, added: Sequence[Addition]) -> list[str]:
    """One row per recommended person: who, group, how many they bring and from which groups."""
    shown = list(added[:MAX_LISTED])
    brings = _brings_by_group(analysis, graph, shown)
    rows = [["", "person", "group", "engagement", "brings", "who they bring"]]
    for k, addition in enumerate(shown, start=1):
        node = graph.index_of(addition.id)
        rows.append([
            f"{k}.",
            _person(graph, node),
            GROUPS[int(graph.group[node])].label,
            addition.engagement or _ENGAGEMENT[int(graph.engagement[node])],
            f"{addition.gain:,}",
            brings[k - 1] or _where(graph, node),
        ])
    lines = _table(rows, right=(4,))
    if len(added) > len(shown):
        lines.append(f"  … and {len(added) - len(shown):,} more (see --json for everyone).")
    return lines


def _brings_by_group(
    analysis: Analysis, graph: CompactGraph, added: Sequence[Addition]
) -> list[str]:
    """For each addition in order, the people it newly brings, counted per group.

    Recomputed here from the graph the same way the greedy counts them (the person and
    everyone within ``hops`` channels not yet reached); where a count disagrees with the
    analysis the breakdown is left out rather than shown wrong.
    """
    options = analysis.options
    channels = graph.channels(options.min_trust)
    core = np.zeros(graph.n, dtype=bool)
    for pid in analysis.core.members:
        core[graph.index_of(pid)] = True
    reached = within_hops(channels, core, options.hops)
    members = graph.segment_members()
    segment_reached = [bool(reached[m].any()) for m in members]
    words: list[str] = []
    for addition in added:
        one = np.zeros(graph.n, dtype=bool)
        one[graph.index_of(addition.id)] = True
        new = within_hops(channels, one, options.hops) & ~reached
        reached |= new
        if int(np.count_nonzero(new)) != addition.gain:
            words.append("")
            continue
        counts = np.bincount(graph.group[new], minlength=len(GROUPS))
        text = ", ".join(
            group_count(g.value, int(counts[g.index])) for g in GROUPS if counts[g.index]
        )
        first = []
        for s, m in enumerate(members):
            if not segment_reached[s] and reached[m].any():
                segment_reached[s] = True
                first.append(_segment_words(graph.segment_names[s]))
        if first:
            text += "; first tie into " + ", ".join(first)
        words.append(text)
    return words


def _roles(analysis: Analysis, graph: CompactGraph) -> list[str]:
    roles = analysis.roles
    if not roles:
        return [_wrap("Nobody is engaged yet (contributing, leading or with a declared role), "
                      "so there are no roles to suggest.")]
    declared = sum(1 for r in roles if r.declared)
    inferred = sum(1 for r in roles if r.inferred)
    lines = [
        _wrap(
            f"{_people(len(roles))} {'is' if len(roles) == 1 else 'are'} engaged (contributing "
            f"or leading, or with a declared role). {declared:,} "
            f"{'has' if declared == 1 else 'have'} a declared role; the map suggests a role "
            f"for {inferred:,}."
        ),
        "",
    ]
    rows = [["role", "declared", "suggested", "both agree"]]
    for role in Role:
        rows.append([
            _ROLE_WORDS[role.value],
            str(sum(1 for r in roles if r.declared == role.value)),
            str(sum(1 for r in roles if r.inferred == role.value)),
            str(sum(1 for r in roles if r.declared == role.value and r.inferred == role.value)),
        ])
    lines += _table(rows, right=(1, 2, 3))
    differ = [r for r in roles if r.declared != r.inferred]
    if differ:
        lines += ["", _wrap(
            "Where the declared role and the one the map suggests differ (worth a "
            "conversation, not a verdict):"
        ), ""]
        rows = [["person", "declared", "suggested", "why"]]
        # declared roles the map does not support first: they are the ones to check
        ordered = sorted(differ, key=lambda r: (r.declared is None, r.id))
        for r in ordered[:MAX_LISTED]:
            rows.append([
                _person(graph, graph.index_of(r.id)),
                _ROLE_WORDS.get(r.declared or "", "none"),
                _ROLE_WORDS.get(r.inferred or "", "none"),
                _why(r, analysis),
            ])
        lines += _table(rows)
        if len(ordered) > MAX_LISTED:
            lines.append(f"  … and {len(ordered) - MAX_LISTED:,} more (see --json for everyone).")
    else:
        lines += ["", "Every declared role agrees with the one the map suggests."]
    lone = [r for r in roles if r.inferred == Role.LONE_WOLF.value]
    if lone:
        names = [_person(graph, graph.index_of(r.id)) for r in lone[:MAX_LISTED]]
        more = f" and {len(lone) - MAX_LISTED:,} more" if len(lone) > MAX_LISTED else ""
        lines += ["", _wrap(
            f"Lone wolves, engaged for years with at most "
            f"{_count(analysis.options.lone_wolf_max_engaged_ties, 'tie')} to other engaged "
            f"people: {', '.join(names)}{more}. They are at risk of exhaustion; see the gaps "
            "below."
        )]
    return lines


def _why(role: RoleInference, analysis: Analysis) -> str:
    """The numbers behind a suggested role, in a few words."""
    ev = role.evidence
    inferred = role.inferred or role.declared
    ties = ev.get("ties")
    if inferred == Role.MOBILISER.value:
        share = ev.get("bridging_share")
        text = f"{_count(int(ties or 0), 'tie')}"
        if share is not None:
            text += f", {_pct(float(share))} across groups or segments"
    elif inferred == Role.ORGANISER.value:
        grown = int(ev.get("leaders_grown") or 0)
        engaged = int(ev.get("engaged_ties") or 0)
        text = (f"brought in {_people(grown)} who are now engaged"
                if grown >= analysis.options.organiser_min_grown
                else f"{engaged} of {_count(int(ties or 0), 'tie')} to engaged people")
    elif inferred == Role.LONE_WOLF.value:
        years = ev.get("years_engaged")
        engaged = int(ev.get("engaged_ties") or 0)
        text = (f"engaged {_years(float(years))}, " if years is not None else "") + (
            f"{_count(engaged, 'tie')} to engaged people"
        )
    else:
        text = f"{_count(int(ties or 0), 'tie')}"
    if role.declared and ev.get("declared_supported") is False:
        declared = _ROLE_WORDS.get(role.declared, role.declared)
        article = "an" if declared[:1] in "aeiou" else "a"
        text += f"; the signs of {article} {declared} are missing"
    elif role.inferred is None:
        text += "; no role's conditions hold"
    return text


def _gaps(analysis: Analysis, graph: CompactGraph) -> list[str]:
    """The gaps grouped by kind (one block per kind, most serious first): the kind's title, one
    summary line naming whom or what it is about, each finding, and what to do."""
    if not analysis.gaps:
        return [_wrap("No gaps found: every group, expected segment and part of the map is "
                      "reached, with power and lived experience in the core.")]
    groups = group_gaps(analysis.gaps, name_lookup(graph))
    lines = [_wrap(
        f"{_count(len(analysis.gaps), 'gap')} of {_count(len(groups), 'kind')} found, most "
        "serious first:"
    )]
    for group in groups:
        count = f" ({group.count:,})" if group.count > 1 else ""
        lines += ["", f"{_SEVERITY_TITLES[group.severity]}: {group.title}{count}"]
        if group.count > 1:
            lines.append(_indent(group.summary, "  "))
        for gap in group.gaps[:MAX_LISTED]:
            lines.append(_indent(gap.message, "  - ", "    "))
        if group.count > MAX_LISTED:
            lines.append(f"  … and {group.count - MAX_LISTED:,} more like these "
                         f"({group.title.lower()}; see --json for all).")
        lines.append(_indent(f"What to do: {group.todo}", "  "))
    return lines


def _indent(text: str, first: str, rest: str | None = None) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=first,
                         subsequent_indent=first if rest is None else rest,
                         break_on_hyphens=False)


# -- plain words and layout -------------------------------------------------------------------


def _clusters(analysis: Analysis, graph: CompactGraph) -> list[str]:
    """The largest clusters (people, groups, core, share reached) and the strongest brokers."""
    clusters = analysis.clusters
    if not clusters.listed:
        return [_wrap("No cluster of at least "
                      f"{_people(max(clusters.min_size, 1))} was found in the map.")]
    lines = [_wrap(
        f"{_count(clusters.large, 'cluster')} of {clusters.min_size} or more people whose ties "
        "are mostly with each other (found by the Leiden method, the same every run)"
        + (f"; {_people(clusters.small_people)} are in smaller ones or on their own"
           if clusters.small_people else "") + "."), ""]
    rows = [["cluster", "people", "groups (people/givers/leaders)", "core", "reached",
             "mostly"]]
    for c in clusters.listed[:MAX_LISTED]:
        where = c.segment["segment"] if c.segment and c.segment["share"] >= 0.5 else ""
        rows.append([
            str(c.id), f"{c.size:,}", "/".join(f"{c.groups.get(g.value, 0):,}" for g in GROUPS),
            f"{c.core_size:,}", "everyone in the core" if c.reach is None else _pct(c.reach),
            _segment_words(where) if where else "-",
        ])
    lines += _table(rows, right=(0, 1, 3, 4))
    more = clusters.large - min(len(clusters.listed), MAX_LISTED)
    if more > 0:
        lines.append(f"  … and {_count(more, 'more cluster')} (the JSON lists "
                     f"{len(clusters.listed)}).")
    brokers = analysis.brokers
    if brokers.listed:
        how = ("every shortest chain of ties counted" if brokers.exact else
               f"estimated from the chains out of {_people(brokers.sources)}")
        lines += ["", _wrap(f"Brokers: people whose ties bridge clusters or groups, by the share "
                            f"of shortest chains between two others through them ({how})."), ""]
        rows = [["person", "betweenness", "bridges clusters", "and groups"]]
        for b in brokers.listed[:MAX_LISTED]:
            node = graph.index_of(b.id)
            rows.append([_person(graph, node), f"{b.score:.3f}",
                         ", ".join(str(c) for c in b.clusters),
                         ", ".join(Group(g).label for g in b.groups)])
        lines += _table(rows, right=(1,))
    return lines


def _section(title: str, body: list[str]) -> list[str]:
    return ["", title, "-" * len(title), *body]


def _table(rows: list[list[str]], right: Sequence[int] = ()) -> list[str]:
    """Rows as aligned columns (two spaces apart, indented); ``right`` columns right-aligned.

    A last column too long for ``TABLE_WIDTH`` wraps onto lines of its own, under itself.
    """
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    start = 2 + sum(w + 2 for w in widths[:-1])
    room = max(TABLE_WIDTH - start, 30)
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[c]) if c in right else cell.ljust(widths[c])
            for c, cell in enumerate(row[:-1])
        ]
        last = textwrap.wrap(row[-1], width=room, break_on_hyphens=False) or [""]
        if len(row) - 1 in right:
            last[0] = last[0].rjust(widths[-1])
        lines.append(("  " + "  ".join([*cells, last[0]])).rstrip())
        lines += [" " * start + more for more in last[1:]]
    return lines


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=WIDTH, break_on_hyphens=False)




def _person(graph: CompactGraph, node: int) -> str:
    """``Name (id)``, or the id alone when the map has no name."""
    name, person_id = graph.names[node], graph.ids[node]
    return f"{name} ({person_id})" if name and name != person_id else person_id


def _where(graph: CompactGraph, node: int) -> str:
    """Organisation and segments: what a person is part of, when no breakdown is available."""
    parts = [graph.organisations[node], *graph.segments_of(node)]
    return "; ".join(p for p in parts if p)
