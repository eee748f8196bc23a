"""Gaps grouped by kind: one card per kind, with a title, one summary line and what to do.

Six lone wolves are one finding with six names, not six findings. ``group_gaps`` turns the
list of ``find_gaps`` into one ``GapGroup`` per kind, most serious first (by the most severe gap
of the kind, then in ``GAP_KINDS`` order), each with plain words for a change lead: a title, a
summary line naming what the gaps are about (people by name, groups and segments by their
labels) and what to do. The words for every kind are in ``KIND_WORDS``; ``docs/concepts.md``
explains the same kinds at length.

Example:
    >>> from graph.analysis.result import Gap
    >>> gaps = [Gap("lone_wolf_at_risk", "high", "a", "Ann is alone.", {"name": "Ann"}),
    ...         Gap("lone_wolf_at_risk", "medium", "b", "Bo is alone.", {"name": "Bo"})]
    >>> (group,) = group_gaps(gaps)
    >>> group.title, group.count, group.severity
    ('Lone wolves at risk of exhaustion', 2, 'high')
    >>> group.summary
    '2 lone wolves at risk of exhaustion: Ann and Bo.'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.analysis.gaps import GAP_KINDS
from graph.analysis.result import SEVERITIES, Gap, Severity
from graph.compact import CompactGraph
from graph.model import Group
from graph.wording import segment_words

__all__ = ["KIND_WORDS", "PERSON_KINDS", "GapGroup", "KindWords", "group_gaps", "name_lookup",
           "subject_words", "words_for"]

SUMMARY_NAMES = 6
"""How many subjects a summary line names before it says how many more there are."""

SUBJECTS_LISTED = 10
"""How many subjects a group lists in its JSON (``count`` says how many there are)."""

PERSON_KINDS = frozenset({"single_point_of_failure", "core_centralised", "lone_wolf_at_risk"})
"""Kinds whose subject is one person's id."""


@dataclass(frozen=True)
class KindWords:
    """How one gap kind reads: a title, a noun for counting its gaps, and what to do."""

    title: str
    one: str
    many: str
    todo: str


KIND_WORDS: dict[str, KindWords] = {
    "group_missing": KindWords(
        "A group is missing", "group with nobody in the map", "groups with nobody in the map",
        "Find and invite people from the missing group: a movement needs all three."),
    "group_imbalance": KindWords(
        "The group mix is lopsided", "lopsided part of the group mix",
        "lopsided parts of the group mix",
        "Bring in more people from the groups that are few, so the purpose is shared."),
    "segment_missing": KindWords(
        "Expected voices with nobody in the map", "expected segment with nobody in the map",
        "expected segments with nobody in the map",
        "Find and invite people from there, or correct the expected segment if it is "
        "misspelt."),
    "segment_misspelt": KindWords(
        "Expected voices that are probably misspelt", "expected segment that is probably "
        "misspelt", "expected segments that are probably misspelt",
        "Change the expected segment to the one people have, in the map's settings or with "
        "movemap expect."),
    "segment_unreached": KindWords(
        "Segments the core does not reach", "segment the core does not reach",
        "segments the core does not reach",
        "Engage someone from the segment, or introduce its people to someone in the core."),
    "no_formal_power": KindWords(
        "Nobody with formal power", "map with nobody who has formal power",
        "maps with nobody who has formal power",
        "Find a leader who controls resources and can sponsor the change."),
    "no_informal_power": KindWords(
        "Nobody with informal power", "map with nobody who has informal power",
        "maps with nobody who has informal power",
        "Find the influencers and community leaders people listen to."),
    "core_lacks_formal_power": KindWords(
        "The core has no formal power", "core without formal power", "cores without formal power",
        "Engage one of the people named, who hold formal power, in the core."),
    "core_lacks_informal_power": KindWords(
        "The core has no informal power", "core without informal power",
        "cores without informal power",
        "Engage one of the people named, who hold informal power, in the core."),
    "core_lacks_lived_experience": KindWords(
        "Lived experience is missing from the core", "core short of lived experience",
        "cores short of lived experience",
        "Engage people who live with the issue in the core, as equal members of the team."),
    "groups_unconnected": KindWords(
        "Groups with no ties between them", "pair of groups with no ties between them",
        "pairs of groups with no ties between them",
        "Introduce people of the two groups to each other."),
    "flow_of_value_gap": KindWords(
        "Ties across a power gap without fairness", "pair of groups whose ties lack "
        "flow-of-value trust", "pairs of groups whose ties lack flow-of-value trust",
        "Work on fairness across the power gap: ties where both sides benefit."),
    "single_point_of_failure": KindWords(
        "Single points of failure", "single point of failure", "single points of failure",
        "Help the people who depend on them build ties to others in the movement."),
    "unreached_component": KindWords(
        "Parts of the map the core cannot reach", "part of the map the core cannot reach",
        "parts of the map the core cannot reach",
        "Record the ties you know of, or introduce these people to someone in the core."),
    "cluster_unreached": KindWords(
        "Clusters the core does not touch", "cluster the core does not touch",
        "clusters the core does not touch",
        "Engage someone inside the cluster, or tie it to someone in the core."),
    "core_centralised": KindWords(
        "The core rests on one person", "core member others' reach rests on",
        "core members others' reach rests on",
        "Grow a distributed leadership so the movement does not rest on one person."),
    "lone_wolf_at_risk": KindWords(
        "Lone wolves at risk of exhaustion", "lone wolf at risk of exhaustion",
        "lone wolves at risk of exhaustion",
        "Connect them with others in the movement and share the load."),
    "group_unreached": KindWords(
        "Groups the core barely reaches", "group the core barely reaches",
        "groups the core barely reaches",
        "Engage people who are tied to this group, or people from it."),
}
"""The words for every gap kind; a kind without an entry reads from its code name."""

_PLACES = {"core": "the engaged core", "constituency": "the map",
           "isolated": "people connected to nobody"}


@dataclass(frozen=True)
class GapGroup:
    """Every gap of one kind, with the words a card shows for them."""

    kind: str
    title: str
    severity: Severity
    summary: str
    todo: str
    gaps: tuple[Gap, ...]

    @property
    def count(self) -> int:
        return len(self.gaps)

    @property
    def people(self) -> list[str]:
        """The ids of the people the gaps are about, for kinds about one person each."""
        return [g.subject for g in self.gaps] if self.kind in PERSON_KINDS else []

    def to_dict(self) -> dict[str, Any]:
        """The grouped view in the API's gaps answer (``kinds``)."""
        return {"kind": self.kind, "title": self.title, "severity": self.severity,
                "count": self.count, "summary": self.summary, "what_to_do": self.todo,
                "subjects": [g.subject for g in self.gaps[:SUBJECTS_LISTED]]}


def name_lookup(graph: CompactGraph) -> Callable[[str], str]:
    """A person's name by id in ``graph`` (the id when they have no name or are not in it)."""

    def name_of(person_id: str) -> str:
        try:
            return graph.names[graph.index_of(person_id)] or person_id
        except KeyError:
            return person_id

    return name_of


def words_for(kind: str) -> KindWords:
    """The words of ``kind`` (plain words from the code name for a kind not in the table)."""
    found = KIND_WORDS.get(kind)
    if found is not None:
        return found
    plain = kind.replace("_", " ")
    return KindWords(plain.capitalize(), plain, plain, "See each finding below.")


def subject_words(gap: Gap, name_of: Callable[[str], str] | None = None) -> str:
    """What a gap is about, in words: a person's name, a group's or segment's label.

    ``name_of`` gives a person's name from their id (the gap's own ``evidence.name`` when it
    has one is used first)."""
    subject = gap.subject
    if gap.kind in PERSON_KINDS:
        name = gap.evidence.get("name")
        if name:
            return str(name)
        return name_of(subject) if name_of else subject
    if gap.kind == "unreached_component" and subject != "isolated":
        size = gap.evidence.get("size")
        first = name_of(subject) if name_of else subject
        return f"{size} people around {first}" if size else first
    if subject in _PLACES:
        return _PLACES[subject]
    if "/" in subject:
        return " and ".join(_group_words(part) for part in subject.split("/"))
    if ":" in subject or gap.kind.startswith("segment"):
        return segment_words(subject)
    return _group_words(subject)


def _group_words(code: str) -> str:
    try:
        return Group(code).label
    except ValueError:
        return code.replace("_", " ")


def group_gaps(gaps: Sequence[Gap], name_of: Callable[[str], str] | None = None
               ) -> list[GapGroup]:
    """One ``GapGroup`` per kind present in ``gaps``, most serious first.

    Within a group the gaps keep their order in ``gaps``. A kind with one gap summarises with
    that gap's own message; a kind with several names what they are about (the first
    ``SUMMARY_NAMES``, then how many more).
    """
    by_kind: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_kind.setdefault(gap.kind, []).append(gap)
    rank = {kind: i for i, kind in enumerate(GAP_KINDS)}
    groups = []
    for kind, found in by_kind.items():
        words = words_for(kind)
        severity = min((g.severity for g in found), key=SEVERITIES.index)
        if len(found) == 1:
            summary = found[0].message
        else:
            named = [subject_words(g, name_of) for g in found[:SUMMARY_NAMES]]
            more = len(found) - len(named)
            # subjects that are pairs ("the people and system leaders") are kept apart by ";"
            comma, last = ("; ", "; and ") if any(" and " in n for n in named) else (", ", " and ")
            listed = (comma.join(named) + f"{last}{more:,} more" if more
                      else comma.join(named[:-1]) + last + named[-1])
            summary = f"{len(found):,} {words.many}: {listed}."
        groups.append(GapGroup(kind, words.title, severity, summary, words.todo, tuple(found)))
    groups.sort(key=lambda g: (SEVERITIES.index(g.severity), rank.get(g.kind, len(rank))))
    return groups
