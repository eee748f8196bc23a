"""Gaps and missing voices: what a change lead needs flagged, in plain words, with the numbers.

``find_gaps`` checks the constituency for every kind in ``GAP_KINDS``. Each ``Gap`` has a
``kind`` (a code name other tools rely on), a ``severity``, a ``subject`` (what it is about: a
group, a segment, a person's id…), a ``message`` for a change lead (no code names, no jargon)
and ``evidence`` (the numbers behind it, plain JSON values).

Which graph: gaps about reach and connection (``segment_unreached``,
``single_point_of_failure``, ``unreached_component``, ``cluster_unreached``,
``core_centralised``, and
``group_unreached`` through the ``reach`` it is given) use the
conversation channels (``graph.channels(options.min_trust)``, the graph the reach is measured
on); gaps that count ties between groups (``groups_unconnected``, ``flow_of_value_gap``) use
every tie, since they are about whether any relationship exists and what trust it carries.

Order: by severity (high, medium, low); within a severity by kind in ``GAP_KINDS`` order; within
a kind as that kind's checker documents (groups in ``GROUPS`` order, the largest first for
people and parts of the map, ties broken by ascending id).

Example:
    >>> from graph.model import Person
    >>> from graph.compact import CompactGraph
    >>> from graph.analysis.reach import core_reach
    >>> g = CompactGraph.from_records("x", [Person(id="a", group="people")], [])
    >>> opts = AnalysisOptions()
    >>> gaps = find_gaps(g, opts, reach=core_reach(g, g.core_mask, 1), roles=[])
    >>> [(x.kind, x.subject) for x in gaps][:3]
    [('group_missing', 'givers_of_service'), ('group_missing', 'system_leaders'), \
('no_formal_power', 'constituency')]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from graph.analysis.clusters import find_clusters
from graph.analysis.connectivity import spof_cut_off_and_components, unique_reach
from graph.analysis.options import AnalysisOptions
from graph.analysis.reach import within_hops
from graph.analysis.result import (
    SEVERITIES,
    Clusters,
    CoreReach,
    Gap,
    RoleInference,
    Severity,
    gc_paused,
)
from graph.compact import CompactGraph
from graph.model import GROUPS, Group, Role
from graph.segments import HeldSegments
from graph.wording import count as _count
from graph.wording import in_conversation as _in_conversation
from graph.wording import people as _people
from graph.wording import segment_words as _segment_words
from graph.wording import years as _years

__all__ = ["GAP_KINDS", "POWER_GAP_PAIRS", "find_gaps"]

GAP_KINDS: tuple[str, ...] = (
    "group_missing",
    "group_imbalance",
    "segment_missing",
    "segment_misspelt",
    "segment_unreached",
    "no_formal_power",
    "no_informal_power",
    "core_lacks_formal_power",
    "core_lacks_informal_power",
    "core_lacks_lived_experience",
    "groups_unconnected",
    "flow_of_value_gap",
    "single_point_of_failure",
    "unreached_component",
    "cluster_unreached",
    "core_centralised",
    "lone_wolf_at_risk",
    "group_unreached",
)
"""Every gap kind, in the order gaps of one severity are listed."""

POWER_GAP_PAIRS: tuple[tuple[Group, Group], ...] = (
    (Group.PEOPLE, Group.GIVERS_OF_SERVICE),
    (Group.PEOPLE, Group.SYSTEM_LEADERS),
    (Group.GIVERS_OF_SERVICE, Group.SYSTEM_LEADERS),
)
"""Pairs of groups across a power gap (patients and professionals, front line and leaders)."""

SAMPLE_IDS = 10
"""How many ids a gap lists in its evidence at most."""
CANDIDATES = 5
"""How many people a gap suggests engaging at most."""
LARGE_SHARE = 0.05
"""A part of the map is large (high severity) from 10 people or this share of everyone."""
LARGE_COUNT = 10

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_WHO = {
    Group.PEOPLE: "citizens, patients, service users, carers and communities",
    Group.GIVERS_OF_SERVICE: "staff and volunteers who provide care and services",
    Group.SYSTEM_LEADERS: "leaders who make resourcing decisions",
}
_WHY_MISSING = {
    Group.PEOPLE: "The people who live with the issue must shape the change as equal members "
    "of the team, not as its object.",
    Group.GIVERS_OF_SERVICE: "The change needs those who will make it happen day to day.",
    Group.SYSTEM_LEADERS: "Without them nobody can resource the change.",
}


def find_gaps(
    graph: CompactGraph,
    options: AnalysisOptions,
    *,
    reach: CoreReach,
    roles: list[RoleInference],
    channels: CompactGraph | None = None,
    clusters: Clusters | None = None,
) -> list[Gap]:
    """Every gap in the constituency, most severe first.

    Parameters:
        graph: the full constituency graph (every tie).
        options: the thresholds (see ``AnalysisOptions``).
        reach: the current core's reach, as computed on ``graph.channels(options.min_trust)``.
        roles: the role inferences of ``infer_roles(graph, options)``.
        channels: ``graph.channels(options.min_trust)`` when the caller has it already.
        clusters: the clusters of the channels (``find_clusters``) when the caller has them;
            an empty ``Clusters()`` leaves ``cluster_unreached`` out without detecting any
            (the growth series does: a detection per day costs too much).
    """
    if channels is None:
        channels = graph.channels(options.min_trust)
    if clusters is None:
        clusters = find_clusters(channels, graph.core_mask, options.hops)
    with gc_paused():
        return _find_gaps(graph, channels, options, reach, roles, clusters)


def _find_gaps(
    graph: CompactGraph,
    channels: CompactGraph,
    options: AnalysisOptions,
    reach: CoreReach,
    roles: list[RoleInference],
    clusters: Clusters,
) -> list[Gap]:
    core = graph.core_mask
    pairs = _pair_ties(graph)
    cut, components = spof_cut_off_and_components(channels, core)
    gaps = [
        *_group_missing(graph),
        *_group_imbalance(graph, options),
        *_segment_missing(graph),
        *_segment_unreached(graph, channels, core, options),
        *_no_power(graph),
        *_core_lacks_power(graph, core),
        *_core_lacks_lived_experience(graph, core, options),
        *_groups_unconnected(graph, pairs),
        *_flow_of_value_gaps(pairs, options),
        *_single_points_of_failure(graph, cut, core, options),
        *_unreached_components(graph, channels, components, core, options),
        *_clusters_unreached(graph, channels, components, clusters, core, options),
        *_core_centralised(graph, channels, core, reach, options),
        *_lone_wolves(graph, roles, options),
        *_group_unreached(reach, options),
    ]
    kind_rank = {kind: i for i, kind in enumerate(GAP_KINDS)}
    # ``sorted`` is stable: within a kind the checker's own order is kept.
    return sorted(gaps, key=lambda g: (SEVERITIES.index(g.severity), kind_rank[g.kind]))


# -- groups ------------------------------------------------------------------------------------


def _group_counts(graph: CompactGraph) -> IntArray:
    """People per primary group, in ``GROUPS`` order."""
    return np.bincount(graph.group.astype(np.int64), minlength=len(GROUPS)).astype(np.int64)


def _group_members(graph: CompactGraph) -> list[int]:
    """People belonging to each group as primary or other group, in ``GROUPS`` order."""
    return [int(np.count_nonzero(graph.member_of >> g.index & 1)) for g in GROUPS]


def _group_missing(graph: CompactGraph) -> list[Gap]:
    """A group nobody belongs to, as primary or other group (``GROUPS`` order); high."""
    members = _group_members(graph)
    return [
        Gap(
            kind="group_missing",
            severity="high",
            subject=g.value,
            message=f'Nobody in the map belongs to "{g.label}" ({_WHO[g]}). {_WHY_MISSING[g]}',
            evidence={"group": g.value, "members": 0, "size": graph.n},
        )
        for g in GROUPS
        if members[g.index] == 0
    ]


def _group_imbalance(graph: CompactGraph, options: AnalysisOptions) -> list[Gap]:
    """A lopsided group mix, by primary group.

    First, givers of service outnumbering the people by more than
    ``givers_to_people_max_ratio`` to 1 (subject ``givers_of_service/people``; high when there
    are none of the people or the ratio is twice the maximum, else medium). Then each group that
    has members (primary or other) but whose primary members are below ``group_min_share`` of
    everyone (``GROUPS`` order; medium). A group with no members at all is ``group_missing``.
    """
    counts = _group_counts(graph)
    members = _group_members(graph)
    n = graph.n
    gaps: list[Gap] = []
    people = int(counts[Group.PEOPLE.index])
    givers = int(counts[Group.GIVERS_OF_SERVICE.index])
    max_ratio = options.givers_to_people_max_ratio
    if givers > max_ratio * people:
        ratio = givers / people if people else None
        if people:
            mix = (
                f"Givers of service outnumber the people {givers} to {people} "
                f"(more than {max_ratio:g} to 1)"
            )
        else:
            mix = f"The map has {_count(givers, 'giver')} of service and none of the people"
        gaps.append(
            Gap(
                kind="group_imbalance",
                severity="high" if ratio is None or ratio >= 2 * max_ratio else "medium",
                subject=f"{Group.GIVERS_OF_SERVICE.value}/{Group.PEOPLE.value}",
                message=(
                    f"{mix}. A movement made mostly of those who "
                    "provide the service tends to write a purpose that describes a service role "
                    "rather than a shared purpose. Bring in more patients, carers and citizens."
                ),
                evidence={
                    "givers_of_service": givers,
                    "people": people,
                    "ratio": ratio,
                    "max_ratio": max_ratio,
                },
            )
        )
    for g in GROUPS:
        count = int(counts[g.index])
        share = count / n if n else 0.0
        if members[g.index] == 0 or share >= options.group_min_share:
            continue
        gaps.append(
            Gap(
                kind="group_imbalance",
                severity="medium",
                subject=g.value,
                message=(
                    (
                        f"Only {_people(count)} of the {n} in the map ({_pct(share)}) "
                        f"{'is' if count == 1 else 'are'} mainly in the group "
                        if count
                        else f"Nobody of the {n} in the map is mainly in the group "
                    )
                    + f'"{g.label}" ({_WHO[g]}), below the {_pct(options.group_min_share)} '
                    "a balanced mix needs: their voice in the movement will be weak."
                ),
                evidence={
                    "group": g.value,
                    "primary": count,
                    "members": members[g.index],
                    "size": n,
                    "share": share,
                    "min_share": options.group_min_share,
                },
            )
        )
    return gaps


# -- segments ----------------------------------------------------------------------------------


def _segment_missing(graph: CompactGraph) -> list[Gap]:
    """An expected segment with nobody in it (the expected order): a missing voice, high; or,
    when it is close to a segment people do have (``graph.segments``), a likely misspelling,
    low, never a missing voice."""
    present = set(graph.segment_names)
    missing = [segment for segment in graph.expected_segments if segment not in present]
    if not missing:
        return []
    held = HeldSegments(graph.segment_names)
    counts = np.bincount(graph.segment_indices, minlength=len(graph.segment_names))
    index = {segment: s for s, segment in enumerate(graph.segment_names)}
    gaps: list[Gap] = []
    for segment in missing:
        meant = held.likely_meant(segment)
        if meant is None:
            gaps.append(Gap(
                kind="segment_missing",
                severity="high",
                subject=segment,
                message=(
                    f"Nobody in the map is from {_segment_words(segment)}, a voice you "
                    "expected to be part of the movement. Find and invite people from there."
                ),
                evidence={"segment": segment, "people": 0, "expected": True},
            ))
            continue
        size = int(counts[index[meant]])
        gaps.append(Gap(
            kind="segment_misspelt",
            severity="low",
            subject=segment,
            message=(
                f"You expect people from {_segment_words(segment)}, but nobody has that "
                f"segment, while {_people(size)} {'is' if size == 1 else 'are'} from "
                f"{_segment_words(meant)}. It is most likely the same voice written another "
                f"way: change the expected segment to '{meant}' so the map checks it."
            ),
            evidence={"segment": segment, "likely": meant, "people": size, "expected": True},
        ))
    return gaps


def _segment_unreached(
    graph: CompactGraph, channels: CompactGraph, core: BoolArray, options: AnalysisOptions
) -> list[Gap]:
    """A segment with people, none of them in the core or within ``hops`` of it; medium.

    Listed largest first, then by segment name.
    """
    if graph.n == 0 or not graph.segment_names:
        return []
    reached = within_hops(channels, core, options.hops)
    found: list[tuple[int, str, Gap]] = []
    for s, members in enumerate(graph.segment_members()):
        if members.size == 0 or reached[members].any():
            continue
        segment = graph.segment_names[s]
        size = int(members.size)
        found.append(
            (
                -size,
                segment,
                Gap(
                    kind="segment_unreached",
                    severity="medium",
                    subject=segment,
                    message=(
                        f"{_people(size).capitalize()} from {_segment_words(segment)} "
                        + (
                            "is in the map, but they are not in "
                            if size == 1
                            else "are in the map, but none of them is in "
                        )
                        + f"the engaged core or {_in_conversation(options.hops)} it."
                    ),
                    evidence={
                        "segment": segment,
                        "people": size,
                        "reached": 0,
                        "ids": [graph.ids[v] for v in members[:SAMPLE_IDS].tolist()],
                        "hops": options.hops,
                    },
                ),
            )
        )
    return [gap for *_, gap in sorted(found, key=lambda t: (t[0], t[1]))]


# -- power and lived experience ----------------------------------------------------------------

_POWER_WORDS = {
    "formal": "formal power (positional authority, control of resources)",
    "informal": "informal power (influencers and community leaders who can make or break a change)",
}
_NO_POWER_WHY = {
    "formal": "nobody can resource the change",
    "informal": "nobody can carry the change through the informal networks that make or break it",
}


def _power(graph: CompactGraph, kind: str) -> npt.NDArray[np.int8]:
    return graph.formal_power if kind == "formal" else graph.informal_power


def _no_power(graph: CompactGraph) -> list[Gap]:
    """Nobody in the constituency with formal (then informal) power; high."""
    gaps = []
    for kind in ("formal", "informal"):
        if np.any(_power(graph, kind) > 0):
            continue
        gaps.append(
            Gap(
                kind=f"no_{kind}_power",
                severity="high",
                subject="constituency",
                message=(
                    f"Nobody in the map has {_POWER_WORDS[kind]}, so {_NO_POWER_WHY[kind]}. "
                    "Bring in people who have it."
                ),
                evidence={"with_power": 0, "size": graph.n},
            )
        )
    return gaps


def _core_lacks_power(graph: CompactGraph, core: BoolArray) -> list[Gap]:
    """The constituency has people with formal (then informal) power but the core has none.

    Also when the core is empty. Medium. ``evidence.candidates``: up to five people who have
    that power, highest power first, then ascending id.
    """
    gaps = []
    for kind in ("formal", "informal"):
        power = _power(graph, kind).astype(np.int64)
        holders = np.flatnonzero(power > 0)
        if holders.size == 0 or np.any(power[core] > 0):
            continue
        order = holders[np.lexsort((holders, -power[holders]))][:CANDIDATES].tolist()
        core_size = int(np.count_nonzero(core))
        lead = (
            "The engaged core is empty, so nobody in it has"
            if core_size == 0
            else "Nobody in the engaged core has"
        )
        gaps.append(
            Gap(
                kind=f"core_lacks_{kind}_power",
                severity="medium",
                subject="core",
                message=(
                    f"{lead} {_POWER_WORDS[kind]}, though {_people(int(holders.size))} in the "
                    f"map {'has' if holders.size == 1 else 'have'} it. Engaging "
                    f"{_names(graph, order[:3], 'or')} would strengthen the core."
                ),
                evidence={
                    "core_size": core_size,
                    "in_core": 0,
                    "in_constituency": int(holders.size),
                    "candidates": [graph.ids[v] for v in order],
                    "candidate_power": [int(power[v]) for v in order],
                },
            )
        )
    return gaps


def _core_lacks_lived_experience(
    graph: CompactGraph, core: BoolArray, options: AnalysisOptions
) -> list[Gap]:
    """The share of the core with lived experience is below ``core_lived_experience_min_share``.

    An empty core counts as having none (the movement has nobody with lived experience shaping
    it), so this fires for an empty core too. High when nobody in the core has lived
    experience, medium when a few do. ``evidence.candidates``: up to five people outside the core
    with lived experience, most engaged first, then ascending id.
    """
    core_size = int(np.count_nonzero(core))
    with_le = int(np.count_nonzero(graph.lived_experience & core))
    share = with_le / core_size if core_size else 0.0
    if core_size and share >= options.core_lived_experience_min_share:
        return []
    outside = np.flatnonzero(graph.lived_experience & ~core)
    engagement = graph.engagement.astype(np.int64)
    order = outside[np.lexsort((outside, -engagement[outside]))][:CANDIDATES].tolist()
    if core_size == 0:
        text = "The engaged core is empty, so nobody with lived experience of the issue is in it."
    elif with_le == 0:
        text = (
            f"Nobody among the {_people(core_size)} in the engaged core has lived experience "
            "of the issue."
        )
    else:
        text = (
            f"Only {with_le} of the {core_size} people in the engaged core ({_pct(share)}) "
            f"{'has' if with_le == 1 else 'have'} lived experience of the issue."
        )
    text += " Purpose and design must be shaped with the people who live with it"
    if order:
        text += f"; {_names(graph, order[:3], 'and')} could bring that voice."
    else:
        text += "; nobody else in the map has recorded lived experience either."
    return [
        Gap(
            kind="core_lacks_lived_experience",
            severity="high" if with_le == 0 else "medium",
            subject="core",
            message=text,
            evidence={
                "core_size": core_size,
                "with_lived_experience": with_le,
                "share": share if core_size else None,
                "min_share": options.core_lived_experience_min_share,
                "in_constituency": int(np.count_nonzero(graph.lived_experience)),
                "candidates": [graph.ids[v] for v in order],
            },
        )
    ]


# -- ties between groups -----------------------------------------------------------------------


def _pair_ties(graph: CompactGraph) -> tuple[IntArray, IntArray]:
    """Ties between each two primary groups, and how many of them carry flow-of-value trust.

    Two symmetric ``len(GROUPS)`` square matrices (ties within a group on the diagonal), from
    one pass over the ties.
    """
    k = len(GROUPS)
    code = graph.group[graph.edge_u].astype(np.intp) * k + graph.group[graph.edge_v]
    code += (graph.strength["flow_of_value"] >= 1) * (k * k)
    counts = np.bincount(code, minlength=2 * k * k).astype(np.int64).reshape(2, k, k)
    counts += counts.transpose(0, 2, 1) * (1 - np.eye(k, dtype=np.int64))
    return counts[0] + counts[1], counts[1]


def _groups_unconnected(graph: CompactGraph, pairs: tuple[IntArray, IntArray]) -> list[Gap]:
    """Two groups with people (primary group) but no tie between them; high.

    Every tie counts. Pairs in ``GROUPS`` order, subject ``a/b``.
    """
    counts = _group_counts(graph)
    pair_ties, _ = pairs
    gaps = []
    for i, a in enumerate(GROUPS):
        for b in GROUPS[i + 1 :]:
            na, nb = int(counts[a.index]), int(counts[b.index])
            if na == 0 or nb == 0 or pair_ties[a.index, b.index] > 0:
                continue
            gaps.append(
                Gap(
                    kind="groups_unconnected",
                    severity="high",
                    subject=f"{a.value}/{b.value}",
                    message=(
                        f'There are no ties between "{a.label}" ({na}) and "{b.label}" ({nb}). '
                        "A movement needs conversation between all three groups, so these two "
                        "need people who know each other."
                    ),
                    evidence={a.value: na, b.value: nb, "ties": 0},
                )
            )
    return gaps


def _flow_of_value_gaps(pairs: tuple[IntArray, IntArray], options: AnalysisOptions) -> list[Gap]:
    """Ties across a power gap mostly without flow-of-value trust.

    For each pair of ``POWER_GAP_PAIRS`` with ties between them (every tie counts), fires when
    the share of those ties with flow-of-value strength >= 1 is below
    ``flow_of_value_min_share``. High when none has it, else medium.
    """
    pair_ties, pair_flow = pairs
    gaps = []
    for a, b in POWER_GAP_PAIRS:
        ties = int(pair_ties[a.index, b.index])
        if ties == 0:
            continue
        with_flow = int(pair_flow[a.index, b.index])
        share = with_flow / ties
        if share >= options.flow_of_value_min_share:
            continue
        gaps.append(
            Gap(
                kind="flow_of_value_gap",
                severity="high" if with_flow == 0 else "medium",
                subject=f"{a.value}/{b.value}",
                message=(
                    f'Only {with_flow} of the {ties} ties between "{a.label}" and "{b.label}" '
                    f"({_pct(share)}) carry flow-of-value trust, the sense that both sides "
                    "benefit fairly across a difference of power. Across a power gap, ties "
                    "without it are a warning."
                ),
                evidence={
                    "ties": ties,
                    "with_flow_of_value": with_flow,
                    "share": share,
                    "min_share": options.flow_of_value_min_share,
                },
            )
        )
    return gaps


# -- fragility of the core's connections -------------------------------------------------------


def _single_points_of_failure(
    graph: CompactGraph, cut: IntArray, core: BoolArray, options: AnalysisOptions
) -> list[Gap]:
    """A person whose departure cuts at least ``spof_min_cut_off`` people off from the core.

    ``evidence.cut_off``: the number of other people connected to the core without that person
    (C minus them) now, and not once they step away (on the conversation channels). Largest
    first, ties by ascending id. High from ten people or 5% of the constituency, else medium.
    """
    if graph.n == 0 or not core.any():
        return []
    hit = np.flatnonzero(cut >= options.spof_min_cut_off)
    order = hit[np.lexsort((hit, -cut[hit]))].tolist()
    gaps = []
    for v in order:
        k = int(cut[v])
        name = _name(graph, v)
        who = f"{name}, who is in the engaged core," if core[v] else name
        gaps.append(
            Gap(
                kind="single_point_of_failure",
                severity="high" if _large(k, graph.n) else "medium",
                subject=graph.ids[v],
                message=(
                    f"If {who} stepped away, {_people(k)} would lose their only connection "
                    "to the engaged core. Help them build ties to others in the movement."
                ),
                evidence={
                    "cut_off": k,
                    "in_core": bool(core[v]),
                    "name": graph.names[v],
                },
            )
        )
    return gaps


def _unreached_components(
    graph: CompactGraph,
    channels: CompactGraph,
    components: tuple[IntArray, int],
    core: BoolArray,
    options: AnalysisOptions,
) -> list[Gap]:
    """Parts of the map (people connected to each other) with nobody from the core in them.

    The ``max_component_gaps`` largest parts of two or more people, largest first (ties by the
    smallest id in them), subject the smallest id; high from ten people or 5% of everyone, else
    medium. People connected to nobody at all are summarised in one gap, subject ``isolated``,
    after them (medium from 5% of everyone, else low). ``total_components`` and
    ``total_people`` count every unreached part, isolated people included.
    """
    labels, count = components  # of the channels
    if count == 0:
        return []
    sizes = np.bincount(labels, minlength=count)
    reached_part = np.bincount(labels, weights=core, minlength=count) > 0
    unreached = np.flatnonzero(~reached_part)
    if unreached.size == 0:
        return []
    total_components = int(unreached.size)
    total_people = int(sizes[unreached].sum())
    # labels follow the smallest id in each part, so they break ties between equal sizes
    several = unreached[sizes[unreached] >= 2]
    chosen = several[np.lexsort((several, -sizes[several]))][: max(options.max_component_gaps, 0)]
    groups_part = [np.flatnonzero(labels == c) for c in chosen.tolist()]
    alone = np.flatnonzero(~reached_part[labels] & (sizes[labels] == 1))
    totals = {"total_components": total_components, "total_people": total_people}
    gaps = []
    for part in groups_part:
        size = int(part.size)
        sample = part[:SAMPLE_IDS].tolist()
        gaps.append(
            Gap(
                kind="unreached_component",
                severity="high" if _large(size, graph.n) else "medium",
                subject=graph.ids[sample[0]],
                message=(
                    f"{size} people, including {_names(graph, sample[:3], 'and')}, are "
                    "connected to each other but not to anyone in the engaged core, directly "
                    "or through others. Nobody in the core can reach them."
                ),
                evidence={
                    "size": size,
                    "people": [graph.ids[v] for v in sample],
                    **totals,
                },
            )
        )
    if alone.size:
        count = int(alone.size)
        trust_note = (
            " (counting only ties with the minimum trust you set)" if channels is not graph else ""
        )
        gaps.append(
            Gap(
                kind="unreached_component",
                severity="medium" if count >= LARGE_SHARE * graph.n else "low",
                subject="isolated",
                message=(
                    f"{_people(count).capitalize()} in the map "
                    f"{'is' if count == 1 else 'are'} not connected to anyone{trust_note}, so "
                    "the engaged core cannot reach them. Record their ties or introduce them "
                    "to someone in the movement."
                ),
                evidence={
                    "size": 1,
                    "count": count,
                    "people": [graph.ids[v] for v in alone[:SAMPLE_IDS].tolist()],
                    **totals,
                },
            )
        )
    return gaps


def _clusters_unreached(
    graph: CompactGraph,
    channels: CompactGraph,
    components: tuple[IntArray, int],
    clusters: Clusters,
    core: BoolArray,
    options: AnalysisOptions,
) -> list[Gap]:
    """Clusters the engaged core does not touch, though they are connected to it.

    A cluster (``graph.analysis.clusters``) of at least ``clusters.min_size`` people with no
    core member in it and nobody in it within ``hops`` ties of the core. Clusters in a part of
    the map with no core member at all are left to ``unreached_component``, which already
    names that whole part. The ``max_component_gaps`` largest, largest first (ties: the lower
    cluster number), subject ``cluster N``; high from ten people or 5% of everyone, else
    medium. ``total_clusters`` and ``total_people`` count every such cluster.
    """
    labels = clusters.labels
    if labels.size != graph.n or graph.n == 0 or clusters.count == 0:
        return []
    parts, part_count = components
    count = clusters.count
    sizes = np.bincount(labels, minlength=count)
    reached = within_hops(channels, core, options.hops)
    touched = np.bincount(labels, weights=reached, minlength=count) > 0
    part_has_core = np.bincount(parts, weights=core, minlength=part_count) > 0
    # a cluster is connected, so it lies in one part of the map: the part of any of its people
    any_member = np.zeros(count, dtype=np.int64)
    any_member[labels] = np.arange(graph.n)
    hit = np.flatnonzero(~touched & (sizes >= clusters.min_size) & part_has_core[parts[any_member]])
    if hit.size == 0:
        return []
    totals = {"total_clusters": int(hit.size), "total_people": int(sizes[hit].sum())}
    gaps = []
    for c in hit[: max(options.max_component_gaps, 0)].tolist():  # numbered largest first
        members = np.flatnonzero(labels == c)
        size = int(members.size)
        sample = members[:SAMPLE_IDS].tolist()
        groups = np.bincount(graph.group[members].astype(np.int64), minlength=len(GROUPS))
        gaps.append(
            Gap(
                kind="cluster_unreached",
                severity="high" if _large(size, graph.n) else "medium",
                subject=f"cluster {c + 1}",
                message=(
                    f"Cluster {c + 1}: {size} people, including "
                    f"{_names(graph, sample[:3], 'and')}, are tied mostly to each other, and "
                    f"nobody in the engaged core is among them or "
                    f"{_in_conversation(options.hops)} any of them. They are connected to the "
                    "rest of the map, so the movement can reach them: engage one of them, or "
                    "someone they are tied to."
                ),
                evidence={
                    "cluster": c + 1,
                    "size": size,
                    "groups": {g.value: int(groups[g.index]) for g in GROUPS},
                    "people": [graph.ids[v] for v in sample],
                    "min_size": clusters.min_size,
                    **totals,
                },
            )
        )
    return gaps


def _core_centralised(
    graph: CompactGraph,
    channels: CompactGraph,
    core: BoolArray,
    reach: CoreReach,
    options: AnalysisOptions,
) -> list[Gap]:
    """One core member alone reaches more than ``core_centralised_share`` of the core's reach.

    A member's unique reach is the people outside the core within ``hops`` of them and of no
    other core member; the share is that over everyone the core reaches (``reach.reached``).
    This includes a core with only one member who reaches anyone. High from 80%, else medium;
    largest share first, then ascending id.
    """
    if reach.reached == 0 or not core.any():
        return []
    members = np.flatnonzero(core)
    unique = unique_reach(channels, core, options.hops)[members]
    share = unique / reach.reached
    hit = np.flatnonzero(share > options.core_centralised_share)
    gaps = []
    for i in hit[np.lexsort((hit, -share[hit]))].tolist():
        v = int(members[i])
        u = int(unique[i])
        s = float(share[i])
        gaps.append(
            Gap(
                kind="core_centralised",
                severity="high" if s >= 0.8 else "medium",
                subject=graph.ids[v],
                message=(
                    f"The engaged core depends on {_name(graph, v)}: {u} of the "
                    f"{reach.reached} people the core reaches "
                    f"({_pct(s)}) are reached only through them. Grow a distributed leadership "
                    "so the movement does not rest on one person."
                ),
                evidence={
                    "unique_reach": u,
                    "reached": reach.reached,
                    "share": s,
                    "max_share": options.core_centralised_share,
                    "core_size": int(members.size),
                    "name": graph.names[v],
                },
            )
        )
    return gaps


# -- people at risk ----------------------------------------------------------------------------


def _lone_wolves(
    graph: CompactGraph, roles: Sequence[RoleInference], options: AnalysisOptions
) -> list[Gap]:
    """Lone wolves at risk of exhaustion, in ascending id order.

    Everyone inferred ``lone_wolf``, and everyone declared a lone wolf who has at most
    ``lone_wolf_max_engaged_ties`` ties to other engaged people (however long they have been
    engaged). High when they have no tie to another engaged person; low when one of those ties
    is to an organiser (declared or suggested), who is there to grow and support leaders, so the
    message names the organiser and says why the person is still at risk: everything rests on
    that one tie; else medium. ``evidence.engaged_contacts`` lists the engaged people they are
    tied to and ``evidence.organisers`` those of them who are organisers.
    """
    organisers = {r.id for r in roles if Role.ORGANISER.value in (r.declared, r.inferred)}
    engaged = graph.engaged_mask
    gaps = []
    for role in sorted(roles, key=lambda r: r.id):
        ev = role.evidence
        engaged_ties = int(ev.get("engaged_ties", 0))
        declared = role.declared == "lone_wolf"
        if not (
            role.inferred == "lone_wolf"
            or (declared and engaged_ties <= options.lone_wolf_max_engaged_ties)
        ):
            continue
        node = _node(graph, role.id)
        name = _name(graph, node)
        around = graph.indices[graph.indptr[node]:graph.indptr[node + 1]]
        contacts = sorted({int(v) for v in around[engaged[around]].tolist() if v != node})
        contact_ids = [graph.ids[v] for v in contacts]
        backers = [v for v in contacts if graph.ids[v] in organisers]
        years = ev.get("years_engaged")
        ties_words = "no ties" if engaged_ties == 0 else _count(engaged_ties, "tie")
        if years is not None:
            text = f"{name} has been engaged for {_years(years)} with {ties_words}"
        else:
            text = f"{name} has {ties_words}"
        if backers:
            org = _names(graph, backers[:3], "and")
            one = len(backers) == 1
            who = "an organiser" if one else "organisers"
            which = "" if engaged_ties <= len(backers) else f"{len(backers)} of them "
            severity: Severity = "low"
            message = (
                f"{text} to other engaged people: {which}to {org}, {who}. That tie is real "
                "support, yet they are still at risk of exhaustion because it rests on "
                f"{'one person' if one else 'a few people'}: ask {org} to introduce {name} to "
                "others in the movement and share the load."
            )
        else:
            severity = "high" if engaged_ties == 0 else "medium"
            message = (
                f"{text} to other engaged people. Someone who pushes for change largely "
                "alone is at risk of exhaustion: connect them with others in the movement "
                "and share the load."
            )
        gaps.append(
            Gap(
                kind="lone_wolf_at_risk",
                severity=severity,
                subject=role.id,
                message=message,
                evidence={
                    "name": graph.names[node],
                    "declared": role.declared,
                    "inferred": role.inferred,
                    "years_engaged": years,
                    "engaged_ties": engaged_ties,
                    "ties": ev.get("ties"),
                    "max_engaged_ties": options.lone_wolf_max_engaged_ties,
                    "min_years": options.lone_wolf_min_years,
                    "engaged_contacts": contact_ids[:SAMPLE_IDS],
                    "organisers": [graph.ids[v] for v in backers[:SAMPLE_IDS]],
                },
            )
        )
    return gaps


def _group_unreached(reach: CoreReach, options: AnalysisOptions) -> list[Gap]:
    """A group whose reach is below ``group_unreached_ratio`` × ``target_reach`` (``GROUPS``
    order); high below half the target, else medium. Groups with nobody outside the core
    (reach ``None``) are skipped."""
    limit = options.group_unreached_ratio * options.target_reach
    gaps = []
    for g in GROUPS:
        value = reach.reach_by_group.get(g.value)
        if value is None or value >= limit:
            continue
        reached = reach.reached_by_group.get(g.value, 0)
        outside = reach.outside_by_group.get(g.value, 0)
        gaps.append(
            Gap(
                kind="group_unreached",
                severity="high" if value < 0.5 * options.target_reach else "medium",
                subject=g.value,
                message=(
                    f"The engaged core is {_in_conversation(options.hops)} "
                    f"{'none' if reached == 0 else 'only ' + _pct(value)} of "
                    f'"{g.label}" outside it ({reached} of {outside}), far below the '
                    f"{_pct(options.target_reach)} it should reach."
                ),
                evidence={
                    "group": g.value,
                    "reach": value,
                    "reached": reached,
                    "outside": outside,
                    "target": options.target_reach,
                    "threshold": limit,
                },
            )
        )
    return gaps


# -- plain words -------------------------------------------------------------------------------


def _large(count: int, n: int) -> bool:
    return count >= LARGE_COUNT or count >= LARGE_SHARE * n


def _pct(share: float) -> str:
    """A share as a percentage a change lead reads easily: 0.034 -> '3%', 0.004 -> '0.4%'."""
    value = share * 100
    if 0 < value < 1:
        return f"{value:.1f}%"
    if 99 < value < 100:
        return f"{math.floor(value * 10) / 10:g}%"
    return f"{round(value)}%"


def _node(graph: CompactGraph, person_id: str) -> int:
    """The node of a person id, by bisection in the ascending ids (no index of everyone)."""
    node = bisect.bisect_left(graph.ids, person_id)
    if node == graph.n or graph.ids[node] != person_id:
        raise KeyError(person_id)
    return node


def _name(graph: CompactGraph, node: int) -> str:
    """A person's name, or their id when the map has no name for them."""
    return graph.names[node] or graph.ids[node]


def _names(graph: CompactGraph, nodes: Sequence[int], joiner: str) -> str:
    names = [_name(graph, v) for v in nodes]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {joiner} {names[-1]}"
