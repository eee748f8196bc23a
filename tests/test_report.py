"""The text report: plain words, aligned columns, names, every section a change lead needs.

Most tests build the ``Analysis`` by hand, so the report is checked against numbers written
here, not against what the analysis happens to compute.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from graph.analysis import AnalysisOptions, analyse
from graph.analysis.result import (
    Addition,
    Analysis,
    CoreReach,
    Gap,
    RecommendedCore,
    RoleInference,
    TargetPlan,
)
from graph.compact import CompactGraph
from graph.demo import DEMO_AS_OF, demo_constituency
from graph.model import Person, Relationship
from service.report import MAX_LISTED, format_report

CODE_NAMES = ("givers_of_service", "system_leaders", "lone_wolf", "segment_missing",
              "single_point_of_failure", "reach_by_group", "flow_of_value_gap")


def _person(**fields: object) -> Person:
    return Person.model_validate(fields)


def _graph() -> CompactGraph:
    """A small map: a core of two (a, b), and people around them.

    a (leading, system leader) is tied to c and d; b (organiser, giver) to e.
    f is tied to g, h (people) and i (giver); j is tied to nobody; k has no name.
    """
    people = [
        _person(id="a", name="Asha Patel", group="system_leaders", engagement="leading"),
        _person(id="b", name="Ben Jones", group="givers_of_service", role="organiser"),
        _person(id="c", name="Cara Smith", group="people", engagement="contributing",
               joined=date(2019, 1, 1)),
        _person(id="d", name="Dan Lee", group="givers_of_service"),
        _person(id="e", name="Eve Nowak", group="people", engagement="contributing",
               segments=("community:Polish",)),
        _person(id="f", name="Femi Okafor", group="people", segments=("locality:Barrow",)),
        _person(id="g", name="Gita Shah", group="people", segments=("community:Deaf",)),
        _person(id="h", name="Hal Wood", group="people"),
        _person(id="i", name="Ivy Reid", group="givers_of_service"),
        _person(id="j", name="Jon Fell", group="system_leaders"),
        _person(id="k", name="", group="people"),
    ]
    ties = [("a", "c"), ("a", "d"), ("b", "e"), ("f", "g"), ("f", "h"), ("f", "i"),
            ("j", "k")]
    return CompactGraph.from_records(
        "riverside", people, [Relationship(source=s, target=t) for s, t in ties]
    )


def _analysis(**changes: object) -> Analysis:
    """The analysis of ``_graph()`` written out by hand (11 people, 7 ties, core a and b)."""
    values: dict[str, object] = dict(
        constituency="riverside",
        size=11,
        ties=7,
        groups={"people": 6, "givers_of_service": 3, "system_leaders": 2},
        core=CoreReach(
            members=["a", "b"],
            share=2 / 11,
            reach=3 / 9,
            reached=3,
            outside=9,
            reach_by_group={"people": 2 / 6, "givers_of_service": 1 / 2,
                            "system_leaders": 0.0},
            reached_by_group={"people": 2, "givers_of_service": 1, "system_leaders": 0},
            outside_by_group={"people": 6, "givers_of_service": 2, "system_leaders": 1},
        ),
        recommended_core=RecommendedCore(
            members=["a", "b", "f"], reach=7 / 8, added=[Addition("f", 4)], size=3
        ),
        to_reach_target=TargetPlan(
            additions=2,
            members=["a", "b", "f", "j"],
            added=[Addition("f", 4), Addition("j", 2)],
            reach=1.0,
            target=0.9,
        ),
        roles=[
            RoleInference("b", "organiser", None,
                          {"ties": 1, "engaged_ties": 1, "leaders_grown": 0,
                           "declared_supported": False}),
            RoleInference("c", None, "lone_wolf",
                          {"ties": 1, "engaged_ties": 1, "years_engaged": 7.2}),
            RoleInference("e", None, None, {"ties": 1, "engaged_ties": 1}),
        ],
        gaps=[
            Gap("lone_wolf_at_risk", "medium", "c",
                "Cara Smith has been engaged for 7 years with 1 tie to other engaged people."),
            Gap("segment_missing", "high", "locality:Millom",
                "Nobody in the map is from Millom (locality)."),
            Gap("unreached_component", "low", "isolated",
                "1 person in the map is not connected to anyone."),
            Gap("single_point_of_failure", "high", "f",
                "If Femi Okafor stepped away, 3 people would lose their only connection."),
        ],
        options=AnalysisOptions(as_of=date(2026, 3, 1)),
    )
    values.update(changes)
    return Analysis(**values)  # type: ignore[arg-type]


def _section(report: str, title: str) -> str:
    """The text of one section, from its title to the next title."""
    start = report.index(f"\n{title}\n")
    rest = report[start + len(title) + 2:]
    nxt = re.search(r"\n\n[A-Z][^\n]*\n-+\n", rest)
    return rest[: nxt.start()] if nxt else rest


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_report_headline_has_size_ties_and_groups() -> None:
    report = format_report(_analysis(), _graph())
    assert report.startswith("movemap report: riverside\n")
    body = _section(report, "The map")
    assert "11 people and 7 ties." in body
    rows = {line.split()[-2]: line for line in body.splitlines() if line.endswith("%")}
    assert "the people" in rows["6"] and rows["6"].endswith("55%")
    assert "givers of service" in rows["3"] and rows["3"].endswith("27%")
    assert "system leaders" in rows["2"] and rows["2"].endswith("18%")


def test_report_columns_are_aligned() -> None:
    body = _section(format_report(_analysis(), _graph()), "The map")
    table = [line for line in body.splitlines() if line.startswith("  ")]
    assert len(table) == 4
    # right-aligned numbers end in the same column
    assert len({len(line) for line in table}) == 1
    assert len({line.index("people") for line in table[:1]}) == 1


def test_report_core_section_compares_with_the_targets_in_plain_words() -> None:
    body = _flat(_section(format_report(_analysis(), _graph()), "The engaged core"))
    assert "2 people are in the engaged core" in body
    assert "18.2% of the map, at or above the target of about 3% (1 person)" in body
    assert "in conversation with 33% of everyone else (3 of 9); the target is 90%" in body
    assert "the people 2 6 33%" in body
    assert "givers of service 1 2 50%" in body
    assert "system leaders 0 1 0%" in body


def test_report_gives_the_reach_curve_beside_the_headline() -> None:
    import dataclasses

    analysis = _analysis()
    core = dataclasses.replace(analysis.core, reach_by_steps={"1": 3 / 9, "2": 7 / 9, "3": 8 / 9})
    body = _flat(_section(format_report(dataclasses.replace(analysis, core=core), _graph()),
                          "The engaged core"))
    assert ("How far its conversations go: 33% within 1 tie, 78% within 2 ties, 89% within 3 "
            "ties.") in body
    assert "How far" not in _flat(format_report(analysis, _graph()))  # no curve, no line


def test_report_never_rounds_a_missed_target_up_to_it() -> None:
    core = _analysis().core
    just_below = CoreReach(**{**core.__dict__, "reach": 0.8996})
    body = _flat(_section(format_report(_analysis(core=just_below), _graph()),
                          "The engaged core"))
    assert "89.9% of everyone else" in body
    assert "90% of everyone else" not in body


def test_report_says_when_a_group_has_nobody_outside_the_core() -> None:
    core = _analysis().core
    none_outside = CoreReach(**{**core.__dict__, "reach_by_group": {
        "people": 2 / 6, "givers_of_service": 0.5, "system_leaders": None}})
    body = _section(format_report(_analysis(core=none_outside), _graph()), "The engaged core")
    assert "nobody outside" in body


def test_report_recommends_whom_to_engage_next_by_name_group_and_what_they_bring() -> None:
    body = _flat(_section(format_report(_analysis(), _graph()), "Whom to engage next"))
    assert "To grow the core to 3 people, the target of about 3% of the map, engage this " \
        "person" in body
    # f is tied to g, h (people) and i (a giver) and is not reached: f brings 3 people and
    # 1 giver, and is the first tie into Barrow and the Deaf community
    assert "1. Femi Okafor (f) the people unengaged 4 3 of the people, 1 giver" in body
    assert "first tie into Deaf (community), Barrow (locality)" in body
    assert "With them the core would be in conversation with 88% of everyone else" in body
    assert "To reach 90%, the core needs 2 more people chosen the same way (4 people in all" in body
    # and it names them, as the dashboard does
    assert "these first: person group engagement brings who they bring 1. Femi Okafor" in body
    assert "2. Jon Fell (j) system leaders unengaged 2 1 of the people, 1 leader" in body


def test_report_lists_at_most_a_page_of_additions() -> None:
    many = [Addition(pid, 1) for pid in "cdefghijk"] * 2
    rec = RecommendedCore(members=["a", "b"], reach=0.5, added=many, size=20)
    body = _section(format_report(_analysis(recommended_core=rec), _graph()),
                    "Whom to engage next")
    assert f"{MAX_LISTED}. " in body and f"{MAX_LISTED + 1}. " not in body
    assert f"and {len(many) - MAX_LISTED} more" in body


def test_report_shows_an_id_when_a_person_has_no_name() -> None:
    rec = RecommendedCore(members=["a", "b", "k"], reach=0.5, added=[Addition("k", 2)], size=3)
    body = _section(format_report(_analysis(recommended_core=rec), _graph()),
                    "Whom to engage next")
    assert re.search(r"1\.\s+k\s+the people\s+unengaged\s+2", body)
    assert "()" not in body


def test_report_when_the_core_is_big_enough_and_reaches_the_target() -> None:
    rec = RecommendedCore(members=["a", "b"], reach=0.95, added=[], size=2)
    plan = TargetPlan(additions=0, members=["a", "b"], added=[], reach=0.95, target=0.9)
    body = _flat(_section(
        format_report(_analysis(recommended_core=rec, to_reach_target=plan), _graph()),
        "Whom to engage next",
    ))
    assert "nobody needs to be added" in body
    assert "The core already reaches the 90% target." in body


def test_report_compares_declared_and_suggested_roles() -> None:
    body = _section(format_report(_analysis(), _graph()), "Roles")
    flat = _flat(body)
    assert "3 people are engaged" in flat
    assert "1 has a declared role; the map suggests a role for 1." in flat
    assert "lone wolf 0 1 0" in flat and "organiser 1 0 0" in flat
    # the declared role the map does not support comes first
    lines = [line for line in body.splitlines() if "(b)" in line or "(c)" in line]
    assert "Ben Jones (b)" in lines[0] and "organiser" in lines[0] and "none" in lines[0]
    assert "1 of 1 tie to engaged people; the signs of an organiser are missing" in flat
    assert "Cara Smith (c)" in lines[1] and "lone wolf" in lines[1]
    assert "engaged 7 years" in lines[1]
    assert "Lone wolves" in flat and "Cara Smith (c)" in flat
    assert "Eve Nowak" not in body  # agrees (no role either way): nothing to discuss


def test_report_groups_gaps_by_kind_most_serious_first() -> None:
    body = _section(format_report(_analysis(), _graph()), "Gaps and missing voices")
    titles = [line for line in body.splitlines() if re.match(r"(High|Medium|Low): ", line)]
    assert titles == [
        "High: Expected voices with nobody in the map",
        "High: Single points of failure",
        "Medium: Lone wolves at risk of exhaustion",
        "Low: Parts of the map the core cannot reach",
    ]
    assert "4 gaps of 4 kinds found" in body
    assert body.index("Millom") < body.index("Femi Okafor") < body.index("Cara Smith")
    assert body.index("Cara Smith") < body.index("not connected to anyone")
    assert body.count("What to do:") == 4


def test_report_puts_six_lone_wolves_under_one_title_with_their_names() -> None:
    names = ["Ann", "Bea", "Cy", "Dot", "Eli", "Fay"]
    wolves = [Gap("lone_wolf_at_risk", "medium", f"w{i}", f"{n} is alone.", {"name": n})
              for i, n in enumerate(names)]
    body = _section(format_report(_analysis(gaps=wolves), _graph()), "Gaps and missing voices")
    assert body.count("Lone wolves at risk of exhaustion") == 1  # one title for all six
    assert "Medium: Lone wolves at risk of exhaustion (6)" in body
    assert "6 lone wolves at risk of exhaustion: Ann, Bea, Cy, Dot, Eli and Fay." in _flat(body)


def test_report_has_no_code_names_and_no_colour() -> None:
    report = format_report(_analysis(), _graph())
    for code in CODE_NAMES:
        assert code not in report
    assert "\x1b" not in report
    assert all(len(line) <= 100 for line in report.splitlines())


def test_report_of_an_empty_constituency() -> None:
    empty = CompactGraph.from_records("empty", [], [])
    report = format_report(analyse(empty, AnalysisOptions(as_of=date(2026, 1, 1))), empty)
    assert "nobody in it yet" in report


def test_report_mentions_non_default_options() -> None:
    options = AnalysisOptions(as_of=date(2026, 3, 1), hops=2, min_trust={"flow_of_value": 1})
    report = format_report(_analysis(options=options), _graph())
    head = _flat(report[: report.index("The map")])
    assert "within 2 ties of the core" in head
    assert "flow-of-value trust at least 1" in head


@pytest.fixture(scope="module")
def demo_report() -> tuple[Analysis, str]:
    constituency, people, relationships = demo_constituency(size=800)
    graph = CompactGraph.from_records(
        constituency.name, people, relationships, constituency.expected_segments
    )
    analysis = analyse(graph, AnalysisOptions(as_of=DEMO_AS_OF))
    return analysis, format_report(analysis, graph)


def test_demo_report_carries_every_gap_message_and_the_headline(
    demo_report: tuple[Analysis, str],
) -> None:
    analysis, report = demo_report
    flat = _flat(report)
    assert f"{analysis.size:,} people and {analysis.ties:,} ties." in flat
    for gap in analysis.gaps:
        assert _flat(gap.message) in flat
    for code in CODE_NAMES:
        assert code not in report
    # every recommended addition appears with its name
    names = {p.id: p.name for p in demo_constituency(size=800)[1]}
    for addition in analysis.recommended_core.added[:MAX_LISTED]:
        assert f"{names[addition.id]} ({addition.id})" in report


def test_demo_report_breaks_each_gain_down_by_group(demo_report: tuple[Analysis, str]) -> None:
    analysis, report = demo_report
    body = _section(report, "Whom to engage next")
    lines = body.splitlines()
    for k, addition in enumerate(analysis.recommended_core.added[:MAX_LISTED], start=1):
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{k}. "))
        line = lines[at]
        for more in lines[at + 1:]:  # a long row goes on, wrapped, on the lines below
            if not more.startswith("       "):
                break
            line += " " + more.strip()
        counts = [int(n) for n in re.findall(r"(\d+) (?:of the people|givers?|leaders?)", line)]
        assert sum(counts) == addition.gain, line


def test_report_lists_at_most_a_page_of_gaps_of_one_kind() -> None:
    many = [
        Gap("lone_wolf_at_risk", "medium", f"x{i:03d}", f"Person number {i:03d} is alone.")
        for i in range(MAX_LISTED + 5)
    ]
    body = _section(format_report(_analysis(gaps=many), _graph()), "Gaps and missing voices")
    assert f"Medium: Lone wolves at risk of exhaustion ({MAX_LISTED + 5})" in body
    assert f"Person number {MAX_LISTED - 1:03d}" in body
    assert f"Person number {MAX_LISTED:03d}" not in body
    assert ("… and 5 more like these (lone wolves at risk of exhaustion; see --json for all)."
            in body)


def test_report_does_not_repeat_an_id_used_as_the_name() -> None:
    people = [_person(id="p1", name="p1", group="people", role="organiser"),
              _person(id="p2", name="Ann", group="people", role="organiser")]
    g = CompactGraph.from_records("t", people, [])
    report = format_report(analyse(g, AnalysisOptions(as_of=date(2026, 1, 1))), g)
    assert "p1 (p1)" not in report and "p1 " in report
    assert "Ann (p2)" in report


def test_what_changed_rounds_reach_as_the_headline_does() -> None:
    import dataclasses

    from graph.analysis.changes import map_changes
    from service.history_report import format_changes

    people = [Person(id=f"p{i}", group="people", engagement="leading" if i == 0 else "aware")
              for i in range(3)]
    small = CompactGraph.from_records("x", people, [Relationship(source="p0", target="p1")])
    analysis = analyse(small)
    found = map_changes(small, analysis, small, analysis, date(2025, 1, 1), date(2025, 6, 1))
    near = dataclasses.replace(found, core_reach=(0.8964, 0.004))
    text = format_changes(near, target_reach=0.9)
    assert "its reach from 89.6% to 0.4%" in text  # never "90%" for a share below the target
