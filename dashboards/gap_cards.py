"""The gaps as cards a change lead can act on: one card per kind, the people inside as links.

Pure functions of the gaps and a way to name people (``name_of``: id -> name). A card holds its
kind's title, the one summary line, what to do and its findings; a finding's text comes in
parts (``Part``: words, and the id of a person they name) so a page can link every person the
text names, and its evidence comes as ``EvidenceLine``s in plain words: names instead of ids,
years rounded, shares as percentages, thresholds said as what they mean.

Example:
    >>> from graph.analysis.result import Gap
    >>> gap = Gap("single_point_of_failure", "medium", "a", "If Ann stepped away, 3 people "
    ...           "would lose their only connection.", {"cut_off": 3, "in_core": False})
    >>> (card,) = gap_cards([gap], {"a": "Ann"}.get)
    >>> [(p.text, p.person) for p in card.findings[0].parts][:2]
    [('If ', None), ('Ann', 'a')]
    >>> [(e.label, e.text) for e in card.findings[0].evidence]
    [('People cut off without them', '3'), ('In the engaged core', 'no')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboards.words import engagement_label, group_label, percent, role_label
from graph.analysis.gap_groups import PERSON_KINDS, GapGroup, group_gaps, subject_words
from graph.analysis.result import Gap
from graph.wording import count, segment_words, years

__all__ = ["Card", "EvidenceLine", "Finding", "Part", "gap_cards", "message_parts"]

NameOf = Callable[[str], "str | None"]

_PEOPLE_KEYS = {
    "ids": "Some of them",
    "people": "People in it",
    "candidates": "Who could bring it",
    "engaged_contacts": "Engaged people they are tied to",
    "organisers": "Organisers among them",
}
"""Evidence keys whose value is a list of person ids, and how they read."""

_LABELS = {
    "group": "Group",
    "segment": "Segment",
    "members": "Members (main or other group)",
    "primary": "Mainly in this group",
    "size": "People",
    "count": "How many",
    "share": "Share",
    "min_share": "A gap when the share is below",
    "max_share": "A gap when the share is above",
    "ratio": "Givers of service for each of the people",
    "max_ratio": "A gap above",
    "expected": "Expected",
    "reached": "Reached by the core",
    "outside": "Outside the core",
    "reach": "Share reached",
    "target": "Target reach",
    "threshold": "A gap when reach is below",
    "hops": "Reached means",
    "core_size": "People in the engaged core",
    "in_core": "In the engaged core",
    "in_constituency": "In the whole map",
    "with_power": "People with it",
    "with_lived_experience": "In the core with lived experience",
    "ties": "Ties",
    "with_flow_of_value": "Ties with flow-of-value trust",
    "cut_off": "People cut off without them",
    "unique_reach": "Reached only through them",
    "total_components": "Unreached parts of the map, in all",
    "total_people": "People in them, in all",
    "declared": "Declared role",
    "inferred": "Suggested role",
    "years_engaged": "Engaged for",
    "engaged_ties": "Ties to other engaged people",
    "max_engaged_ties": "Counted as alone with at most",
    "min_years": "Counted as long engaged after",
    "engagement": "Engagement",
}
_SKIP = {"name", "thresholds", "matches", "candidate_power", "subject"}


@dataclass(frozen=True)
class Part:
    """Some words of a finding; ``person`` is the id of the person they name, if any."""

    text: str
    person: str | None = None


@dataclass(frozen=True)
class EvidenceLine:
    """One number behind a finding, in words; ``people`` as (id, name) pairs to link."""

    label: str
    text: str
    people: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Finding:
    """One gap inside a card."""

    severity: str
    subject: str
    parts: tuple[Part, ...]
    evidence: tuple[EvidenceLine, ...]
    person: tuple[str, str] | None = None


@dataclass(frozen=True)
class Card:
    """Every gap of one kind: the title, one summary line (people linked), what to do."""

    kind: str
    title: str
    severity: str
    count: int
    summary: tuple[Part, ...]
    todo: str
    findings: tuple[Finding, ...] = field(default=())
    more: int = 0


def gap_cards(gaps: Sequence[Gap], name_of: NameOf, *, limit: int | None = None,
              groups: Sequence[GapGroup] | None = None) -> list[Card]:
    """One card per kind, most serious first, each with at most ``limit`` findings (``more``
    says how many it leaves out)."""
    def name(person_id: str) -> str:
        return name_of(person_id) or person_id

    cards = []
    for group in groups if groups is not None else group_gaps(gaps, name):
        shown = group.gaps if limit is None else group.gaps[:limit]
        named = {pid: name(pid) for g in group.gaps[:6] for pid in _people_in(g)}
        cards.append(Card(
            kind=group.kind, title=group.title, severity=group.severity, count=group.count,
            summary=message_parts(group.summary, named), todo=group.todo,
            findings=tuple(_finding(g, name) for g in shown), more=group.count - len(shown)))
    return cards


def _people_in(gap: Gap) -> list[str]:
    """The ids of everyone a gap is about or names in its evidence."""
    found = [gap.subject] if gap.kind in PERSON_KINDS else []
    for key in _PEOPLE_KEYS:
        value = gap.evidence.get(key)
        if isinstance(value, list):
            found += [str(v) for v in value]
    if gap.kind == "unreached_component" and gap.subject != "isolated":
        found.append(gap.subject)
    return found


def _finding(gap: Gap, name: Callable[[str], str]) -> Finding:
    named = {pid: name(pid) for pid in _people_in(gap)}
    person = (gap.subject, named[gap.subject]) if gap.kind in PERSON_KINDS else None
    return Finding(severity=gap.severity, subject=subject_words(gap, name),
                   parts=message_parts(gap.message, named),
                   evidence=evidence_lines(gap.evidence, name), person=person)


def message_parts(message: str, people: Mapping[str, str]) -> tuple[Part, ...]:
    """``message`` cut so that the first mention of each person's name is its own part.

    Longer names are looked for first, so "Ann Lee" wins over "Ann"; a name is matched as whole
    words only."""
    spans: list[tuple[int, int, str]] = []
    for pid, person_name in sorted(people.items(), key=lambda kv: -len(kv[1])):
        if not person_name:
            continue
        pattern = rf"(?<!\w){re.escape(person_name)}(?!\w)"
        for hit in re.finditer(pattern, message):
            if not any(s < hit.end() and hit.start() < e for s, e, _ in spans):
                spans.append((hit.start(), hit.end(), pid))
                break
    parts: list[Part] = []
    at = 0
    for start, end, pid in sorted(spans):
        if start > at:
            parts.append(Part(message[at:start]))
        parts.append(Part(message[start:end], pid))
        at = end
    if at < len(message):
        parts.append(Part(message[at:]))
    return tuple(parts)


def evidence_lines(evidence: Mapping[str, Any], name: Callable[[str], str],
                   limit: int = 12) -> tuple[EvidenceLine, ...]:
    """A gap's evidence in plain words, in its own order: no ids, no code names."""
    lines = []
    for key, value in evidence.items():
        if key in _SKIP or (key == "size" and "count" in evidence):
            continue
        if key == "organisers" and not value:
            continue
        if key in _PEOPLE_KEYS and isinstance(value, list):
            people = tuple((str(v), name(str(v))) for v in value[:limit])
            more = len(value) - len(people)
            text = "nobody" if not value else (f"and {more:,} more" if more > 0 else "")
            lines.append(EvidenceLine(_PEOPLE_KEYS[key], text, people))
            continue
        lines.append(EvidenceLine(_label(key, evidence), _value(key, value)))
    return tuple(lines)


def _label(key: str, evidence: Mapping[str, Any]) -> str:
    groups = {"people", "givers_of_service", "system_leaders"}
    if key in groups and len(groups & evidence.keys()) > 1:  # counts of two groups
        return group_label(key)
    if key in _LABELS:
        return _LABELS[key]
    if key == "people":
        return "People"
    if key in groups:
        return group_label(key)
    return key.replace("_", " ").capitalize()


def _value(key: str, value: Any) -> str:
    if key in {"declared", "inferred"}:
        return role_label(value)
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "years_engaged":
        return years(float(value))
    if key == "min_years":
        return count(int(value), "year") if float(value).is_integer() else f"{value:g} years"
    if key == "max_engaged_ties":
        return count(int(value), "tie") + " to other engaged people"
    if key == "hops":
        return "a direct tie" if value == 1 else f"within {count(int(value), 'tie')}"
    if key in {"ratio", "max_ratio"}:
        return f"{float(value):.1f} to 1".replace(".0 ", " ")
    if key == "group":
        return group_label(str(value))
    if key == "segment":
        return segment_words(str(value))
    if key == "engagement":
        return engagement_label(str(value))
    if isinstance(value, float):
        if value > 1:
            return f"{value:,.1f}"
        return percent(value, 1 if 0 < value < 0.01 else 0)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    return str(value).replace("_", " ")
