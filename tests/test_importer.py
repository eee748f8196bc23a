"""The CSV import: what it accepts, every problem it reports, and that it is all-or-nothing."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

import pytest
from stores import make_store

import graph.importer as importer
from graph.compact import CompactGraph
from graph.errors import ImportFailed, NotFound, Problem, StoreError
from graph.importer import import_csv, load_csv_pair, read_people, read_relationships
from graph.model import Group, Person, Relationship
from graph.stores.base import GraphStore

DATA = Path(__file__).parent / "data"
HEADER = ("id,name,group,other_groups,organisation,segments,formal_power,informal_power,"
          "lived_experience,engagement,role,joined")
TIES_HEADER = "source,target,relational,functional,flow_of_value,recruited,since"
GROUPS = "people, givers_of_service, system_leaders"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    """Write ``text`` to ``folder/name`` exactly (no newline translation); return the path."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def problems_of(folder: Path, people: str, ties: str = TIES_HEADER + "\n") -> tuple[
    list[Problem], str, str
]:
    """The problems ``load_csv_pair`` reports for two files with these contents."""
    p = write(folder, "people.csv", people)
    r = write(folder, "relationships.csv", ties)
    with pytest.raises(ImportFailed) as failed:
        load_csv_pair(p, r)
    return failed.value.problems, p, r


def people_file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def ties_file(*rows: str) -> str:
    return "\n".join([TIES_HEADER, *rows]) + "\n"


OK_PEOPLE = people_file("p1,Ann,people,,,,,,,,,", "p2,Ben,system_leaders,,,,,,,,,")


# -- what a good pair of files gives ---------------------------------------------------------


def test_import_reads_the_example_files_with_lenient_values() -> None:
    people, ties, warnings = load_csv_pair(DATA / "people.csv", DATA / "relationships.csv")
    assert people == [
        Person(id="p1", name="Ann Shaw", group="people", other_groups=("givers_of_service",),
               segments=("locality:Barrow", "community:Deaf"), formal_power=0,
               informal_power=3, lived_experience=True, engagement="leading",
               joined=date(2019, 4, 1)),
        Person(id="p2", name="Ben Ode", group="givers_of_service",
               organisation="Furness General Hospital", segments=("locality:Barrow",),
               formal_power=1, informal_power=1, engagement="contributing", role="mobiliser",
               joined=date(2020, 1, 15)),
        Person(id="p3", name="Cara Lind", group="system_leaders", organisation="Bay ICB",
               segments=("locality:Kendal",), formal_power=3, informal_power=2,
               engagement="supporting"),
        Person(id="p4", name="Dev Patel", group="givers_of_service",
               other_groups=("people", "system_leaders"), organisation="Bay ICB",
               lived_experience=True, engagement="aware", role="lone_wolf",
               joined=date(2015, 6, 30)),
        Person(id="p5", name="Eve Moss", group="people"),
        Person(id="p6", name="Fay Ng", group="people", segments=("community:Deaf",),
               informal_power=1, lived_experience=True, joined=date(2021, 2, 28)),
    ]
    assert ties == [
        # rows 2 and 5 of the file are the same (source, target): merged
        Relationship(source="p1", target="p2", relational=3, functional=3, flow_of_value=1,
                     recruited=True, since=date(2019, 12, 31)),
        Relationship(source="p2", target="p1", relational=1),
        Relationship(source="p2", target="p3", relational=2, functional=3,
                     since=date(2021, 3, 4)),
        Relationship(source="p4", target="p5"),
        Relationship(source="p6", target="p1", flow_of_value=3, recruited=True,
                     since=date(2022, 1, 1)),
    ]
    assert len(warnings) == 1
    assert "1 row repeated a source and target" in warnings[0]
    assert "line 5, repeating line 2" in warnings[0]


def test_import_reads_a_bom_crlf_file_with_quoted_fields() -> None:
    people, ties, warnings = load_csv_pair(
        DATA / "bom_quoted" / "people.csv", DATA / "bom_quoted" / "relationships.csv"
    )
    assert people == [
        Person(id="q1", name="Shaw, Ann", group="people", organisation='Bay "Health" Trust',
               segments=("locality:Barrow", "community:Deaf")),
        Person(id="q2", name="Ben", group="system_leaders"),
        Person(id="q3", name='Cy "CJ" Jones', group="people", segments=("community:Deaf",)),
    ]
    assert ties == [
        Relationship(source="q1", target="q2", relational=2, since=date(2021, 5, 1)),
        Relationship(source="q3", target="q1", relational=3),
    ]
    assert warnings == [f"{DATA / 'bom_quoted' / 'people.csv'}: ignored column 'notes' "
                        "(not one movemap reads)"]


def test_header_names_are_matched_leniently(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", " ID ,Group,Lived Experience,Other-Groups\nx,People,Yes,"
              "system leaders\ny,givers of service,no,\n")
    r = write(tmp_path, "ties.csv", "Source,TARGET,Flow of value\nx,y,2\n")
    people, ties, warnings = load_csv_pair(p, r)
    assert people == [
        Person(id="x", group="people", lived_experience=True, other_groups=("system_leaders",)),
        Person(id="y", group="givers_of_service"),
    ]
    assert ties == [Relationship(source="x", target="y", flow_of_value=2)]
    assert warnings == []


def test_rows_that_are_entirely_blank_are_skipped(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", "id,group\n\np1,people\n , \n,\n")
    r = write(tmp_path, "ties.csv", "source,target\n")
    people, ties, _ = load_csv_pair(p, r)
    assert [x.id for x in people] == ["p1"] and ties == []


def test_ids_are_kept_as_written_apart_from_surrounding_spaces(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", "id,group\n P1 ,people\np1,people\n")
    r = write(tmp_path, "ties.csv", "source,target\nP1 , p1\n")
    people, ties, _ = load_csv_pair(p, r)
    assert [x.id for x in people] == ["P1", "p1"]
    assert ties == [Relationship(source="P1", target="p1")]


def test_power_levels_accept_numbers_words_and_yes_no(tmp_path: Path) -> None:
    rows = [f"p{i},people,{v}" for i, v in enumerate(
        ["0", "1", "2", "3", "none", "Low", "MEDIUM", "high", "yes", "no", "", "2.0"])]
    p = write(tmp_path, "people.csv", "id,group,formal_power\n" + "\n".join(rows) + "\n")
    people = read_people(p)
    assert people.problems == []
    assert [x.formal_power for x in people.people] == [0, 1, 2, 3, 0, 1, 2, 3, 1, 0, 0, 2]


def test_yes_no_columns_accept_the_usual_spellings(tmp_path: Path) -> None:
    values = ["yes", "Y", "true", "1", "no", "N", "FALSE", "0", ""]
    p = write(tmp_path, "people.csv", "id,group,lived_experience\n"
              + "\n".join(f"p{i},people,{v}" for i, v in enumerate(values)) + "\n")
    assert [x.lived_experience for x in read_people(p).people] == [True] * 4 + [False] * 5


def test_choices_accept_the_labels_the_product_shows_in_any_case_and_accent(
        tmp_path: Path) -> None:
    rows = [("The people", "", "Aware", "Lone wolf"),
            ("Givers of Service", "the People;SYSTEM LEADERS", "CONTRIBUTING", "lone-wolf"),
            ("system leaders", "", "Léading", "Organizer"),
            ("givers-of-service", "", "supporting", "Mobiliser")]
    p = write(tmp_path, "people.csv", people_file(*(
        f"p{i},N{i},{g},{o},,,,,,{e},{r}," for i, (g, o, e, r) in enumerate(rows))))
    people = read_people(p).people
    assert [x.group.value for x in people] == ["people", "givers_of_service", "system_leaders",
                                               "givers_of_service"]
    assert people[1].other_groups == (Group.PEOPLE, Group.SYSTEM_LEADERS)
    assert [x.engagement.value for x in people] == ["aware", "contributing", "leading",
                                                    "supporting"]
    assert [x.role.value if x.role else None for x in people] == [
        "lone_wolf", "lone_wolf", "organiser", "mobiliser"]


@pytest.mark.parametrize(("column", "cell", "meant"), [
    ("group", "Givers of servise", "'Givers of service' (givers_of_service)"),
    ("group", "Sytem leaders", "'System leaders' (system_leaders)"),
    ("engagement", "contributng", "'Contributing' (contributing)"),
    ("role", "organisr", "'Organiser' (organiser)"),
])
def test_a_near_miss_names_the_choice_it_is_closest_to(
        tmp_path: Path, column: str, cell: str, meant: str) -> None:
    values = {"group": "people", "engagement": "", "role": "", column: cell}
    problems, p, _ = problems_of(tmp_path, people_file(
        f"p1,Ann,{values['group']},,,,,,,{values['engagement']},{values['role']},"))
    assert len(problems) == 1 and problems[0].column == column and problems[0].line == 2
    assert problems[0].reason.endswith(f"; did you mean {meant}?"), problems[0].reason


def test_segments_are_read_as_the_segments_of_the_map_and_file_they_match(
        tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", people_file(
        "p1,Ann,people,,,locality:Barrow,,,,,,",
        "p2,Ben,people,,,barrow;Maternity;Locality: bárrow,,,,,,",
        "p3,Cy,people,,,Millom;COMMUNITY:deaf,,,,,,",
    ))
    parsed = read_people(p, known_segments=["service:maternity", "community:Deaf"])
    assert parsed.problems == []
    assert [x.segments for x in parsed.people] == [
        ("locality:Barrow",),
        ("locality:Barrow", "service:maternity"),  # one Barrow, however written
        ("Millom", "community:Deaf"),
    ]


def test_a_segment_without_a_kind_that_could_be_several_is_a_problem_of_its_row(
        tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file(
        "p1,Ann,people,,,service:Barrow,,,,,,",
        "p2,Ben,people,,,Barrow,,,,,,",
        "p3,Cy,people,,,locality:Barrow,,,,,,",
    ))
    assert problems == [Problem(
        p, 3, "segments", "the segment 'Barrow' could be 'locality:Barrow' or "
        "'service:Barrow'; write the one you mean with its kind")]


# -- one test per problem --------------------------------------------------------------------


def test_import_reports_unknown_group(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,patients,,,,,,,,,"))
    assert problems == [Problem(p, 2, "group",
                                f"unknown group 'patients'; expected one of {GROUPS}")]


def test_import_reports_unknown_other_group(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,people,carers;people,,,,,,,,"))
    assert problems == [Problem(p, 2, "other_groups",
                                f"unknown group 'carers'; expected one of {GROUPS}")]


def test_import_reports_blank_group(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,,,,,,,,,,"))
    assert problems == [Problem(p, 2, "group", f"group is required; expected one of {GROUPS}")]


def test_import_reports_bad_engagement(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,people,,,,,,,keen,,"))
    assert problems == [Problem(
        p, 2, "engagement",
        "unknown engagement 'keen'; expected one of unengaged, aware, supporting, contributing, "
        "leading",
    )]


def test_import_reports_bad_role(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,people,,,,,,,,leader,"))
    assert problems == [Problem(
        p, 2, "role", "unknown role 'leader'; expected lone_wolf, mobiliser, organiser or blank"
    )]


@pytest.mark.parametrize("value", ["4", "huge", "-1", "1.5"])
def test_import_reports_bad_power_level(tmp_path: Path, value: str) -> None:
    problems, p, _ = problems_of(tmp_path, people_file(f"p1,Ann,people,,,,,{value},,,,"))
    assert problems == [Problem(
        p, 2, "informal_power",
        f"informal_power must be a level 0–3 (or none, low, medium, high; yes = 1, no = 0), "
        f"got '{value}'",
    )]


def test_import_reports_bad_yes_no(tmp_path: Path) -> None:
    problems, p, r = problems_of(
        tmp_path, OK_PEOPLE.replace("p1,Ann,people,,,,,,,", "p1,Ann,people,,,,,,maybe,"),
        ties_file("p1,p2,,,,sometimes,"),
    )
    assert problems == [
        Problem(p, 2, "lived_experience", "lived_experience must be yes or no, got 'maybe'"),
        Problem(r, 2, "recruited", "recruited must be yes or no, got 'sometimes'"),
    ]


@pytest.mark.parametrize(("value", "reason"), [
    ("2023-13-01", "bad date '2023-13-01': month must be in 1..12"),
    ("2023-02-30", "bad date '2023-02-30': day is out of range for month"),
    ("31/02/2023", "bad date '31/02/2023': day is out of range for month"),
    ("yesterday", "bad date 'yesterday'; expected YYYY-MM-DD, DD/MM/YYYY (day first, UK order) "
                  "or 3 April 2025"),
    ("20230105", "bad date '20230105'; expected YYYY-MM-DD, DD/MM/YYYY (day first, UK order) "
                 "or 3 April 2025"),
    ("3 Brumaire 2023", "bad date '3 Brumaire 2023': 'Brumaire' is not a month; expected "
                        "YYYY-MM-DD, DD/MM/YYYY (day first, UK order) or 3 April 2025"),
    ("01/02/23", "bad date '01/02/23': write the year in full (four digits); a two-digit year "
                 "could be any century"),
])
def test_import_reports_bad_date(tmp_path: Path, value: str, reason: str) -> None:
    problems, p, r = problems_of(
        tmp_path, OK_PEOPLE.replace("p2,Ben,system_leaders,,,,,,,,,",
                                    f"p2,Ben,system_leaders,,,,,,,,,{value}"),
        ties_file("p1,p2,,,,,2020-01-01", f"p2,p1,,,,,{value}"),
    )
    assert problems == [Problem(p, 3, "joined", reason), Problem(r, 3, "since", reason)]


@pytest.mark.parametrize("value", ["01/02/2023", "1/2/2023", "01.02.2023", "1-2-2023",
                                   "1 February 2023", "1st Feb 2023", "1 feb. 2023",
                                   "February 1, 2023", "2023-2-1", " 2023-02-01 "])
def test_dates_are_read_day_first_in_uk_order_or_with_the_month_named(
        tmp_path: Path, value: str) -> None:
    people = read_people(write(tmp_path, "people.csv", people_file(
        f"p1,Ann,people,,,,,,,,,\"{value}\""))).people
    assert people[0].joined == date(2023, 2, 1)


def test_a_date_written_month_first_is_refused_naming_its_row_not_guessed(
        tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file(
        "p1,Ann,people,,,,,,,,,13/04/2023", "p2,Ben,people,,,,,,,,,04/13/2023"))
    assert problems == [Problem(
        p, 3, "joined",
        "ambiguous date '04/13/2023': it reads as month/day/year (US order), but movemap reads "
        "DD/MM/YYYY, day first (UK order); write 13/04/2023 or 2023-04-13")]


def test_a_people_file_with_only_its_header_is_an_error_not_an_empty_map(
        tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file())
    assert problems == [Problem(
        p, None, None,
        "the file has its header but nobody under it; add a row for each person (a map is "
        "emptied by removing its people, never by an empty file)")]


@pytest.mark.parametrize("magic", [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1"])
def test_an_excel_workbook_given_as_csv_says_how_to_save_it_as_csv(
        tmp_path: Path, magic: bytes) -> None:
    p = tmp_path / "people.xlsx"
    p.write_bytes(magic + bytes(range(256)) * 4)
    r = write(tmp_path, "relationships.csv", TIES_HEADER + "\n")
    with pytest.raises(ImportFailed) as failed:
        load_csv_pair(p, r)
    [problem] = failed.value.problems
    assert (problem.file, problem.line) == (str(p), None)
    assert "Excel workbook" in problem.reason and "CSV UTF-8" in problem.reason


def test_import_reports_a_date_that_has_not_come_yet_with_its_row_and_column(
    tmp_path: Path,
) -> None:
    from datetime import date, timedelta

    value = (date.today() + timedelta(days=1)).isoformat()
    problems, p, r = problems_of(
        tmp_path, OK_PEOPLE.replace("p2,Ben,system_leaders,,,,,,,,,",
                                    f"p2,Ben,system_leaders,,,,,,,,,{value}"),
        ties_file("p1,p2,,,,,2020-01-01", f"p2,p1,,,,,{value}"),
    )
    reason = (f"the date {value} has not come yet; movemap records what has happened, so "
              "give today or an earlier day")
    assert problems == [Problem(p, 3, "joined", reason), Problem(r, 3, "since", reason)]


@pytest.mark.parametrize("value", ["5", "4", "-1", "1.5", "two", "3a"])
def test_import_reports_bad_trust_strength(tmp_path: Path, value: str) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE, ties_file(f"p1,p2,1,{value},2,,"))
    assert problems == [Problem(
        r, 2, "functional", f"trust strength must be a whole number 0–3, got '{value}'"
    )]


def test_import_rejects_dangling_source_and_target(tmp_path: Path) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE,
                                 "source,target\np1,p2\nx9,p1\np2,y7\n\nzz,ww\n")
    assert problems == [
        Problem(r, 3, "source", "source 'x9' is not a person in people.csv"),
        Problem(r, 4, "target", "target 'y7' is not a person in people.csv"),
        Problem(r, 6, "source", "source 'zz' is not a person in people.csv"),
        Problem(r, 6, "target", "target 'ww' is not a person in people.csv"),
    ]


def test_import_reports_duplicate_id(tmp_path: Path) -> None:
    problems, p, _ = problems_of(
        tmp_path, people_file("p1,Ann,people,,,,,,,,,", "p7,Sam,people,,,,,,,,,",
                              "p7,Sam again,people,,,,,,,,,")
    )
    assert problems == [Problem(p, 4, "id", "duplicate id 'p7' (first on line 3)")]


def test_import_reports_missing_id(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, people_file("p1,Ann,people,,,,,,,,,",
                                                       " ,Nobody,people,,,,,,,,,"))
    assert problems == [Problem(p, 3, "id", "id is required; every person needs an id")]


def test_import_reports_missing_source_or_target(tmp_path: Path) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE, "source,target\n,p2\np1,\n")
    assert problems == [
        Problem(r, 2, "source", "source is required; give the id of a person"),
        Problem(r, 3, "target", "target is required; give the id of a person"),
    ]


def test_import_reports_self_tie(tmp_path: Path) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE, ties_file("p1,p2,,,,,", "p2,p2,3,,,,"))
    assert problems == [Problem(
        r, 3, "target",
        "source and target are the same person ('p2'); a person cannot have a tie to themselves",
    )]


@pytest.mark.parametrize(("header", "missing"), [("id,name", "group"), ("name,group", "id")])
def test_import_reports_missing_required_people_column(
    tmp_path: Path, header: str, missing: str
) -> None:
    problems, p, _ = problems_of(tmp_path, f"{header}\nx,people\n")
    assert problems == [
        Problem(p, 1, missing, f"required column '{missing}' is missing from the header")
    ]


def test_import_reports_missing_required_relationship_column(tmp_path: Path) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE, "source,relational\np1,7\n")
    assert problems == [
        Problem(r, 1, "target", "required column 'target' is missing from the header"),
        Problem(r, 2, "relational", "trust strength must be a whole number 0–3, got '7'"),
    ]


def test_import_reports_wrong_field_count(tmp_path: Path) -> None:
    problems, p, r = problems_of(
        tmp_path,
        people_file("p1,Ann,people,,,,,,,,,", "p2,Shaw, Ben,people,,,,,,,,,,",
                    "p3,Cy,people"),
        ties_file("p1,p2,,,,,", "p1,p2,1"),
    )
    assert problems == [
        Problem(p, 3, None, "the row has 14 fields; the header has 12"),
        Problem(p, 4, None, "the row has 3 fields; the header has 12"),
        Problem(r, 3, None, "the row has 3 fields; the header has 7"),
    ]


def test_import_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", "id,name,group\np1,Zoë,people\np2,Renée,people\n",
              encoding="latin-1")
    r = write(tmp_path, "relationships.csv", "source,target\np1,p2\n")
    with pytest.raises(ImportFailed) as failed:
        load_csv_pair(p, r)
    assert failed.value.problems == [Problem(
        p, 2, None,
        "the file is not UTF-8 text (byte 0xeb cannot be read); save it from your spreadsheet "
        "as 'CSV UTF-8'",
    )]


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff", " , \r\n"])
def test_import_reports_an_empty_file(tmp_path: Path, content: str) -> None:
    problems, _, r = problems_of(tmp_path, OK_PEOPLE, content)
    assert problems == [Problem(
        r, None, None,
        "the file is empty; its first line must be the header naming the columns (source, "
        "target, relational, functional, flow_of_value, recruited, since, until)",
    )]


def test_import_reports_a_file_without_header(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, "p1,Ann,people\np2,Ben,people\n")
    assert problems == [Problem(
        p, 1, None,
        "the first line must be the header naming the columns (id, name, group, other_groups, "
        "organisation, segments, formal_power, informal_power, lived_experience, engagement, "
        "role, joined, left); it names none of them",
    )]


def test_import_reports_a_missing_file(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", OK_PEOPLE)
    missing = str(tmp_path / "nope.csv")
    with pytest.raises(ImportFailed) as failed:
        load_csv_pair(p, missing)
    assert failed.value.problems == [Problem(missing, None, None, "the file does not exist")]


def test_import_reports_a_column_named_twice(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, "id,group,Group\np1,people,people\n")
    assert problems == [
        Problem(p, 1, "group", "column 'group' appears twice in the header (columns 2 and 3)")
    ]


def test_import_reasons_never_show_pydantic_wording(tmp_path: Path) -> None:
    long_name = "x" * 501
    problems, p, r = problems_of(
        tmp_path, people_file(f"p1,{long_name},people,,,,,,,,,", "p2,Ben,people,,,,,,,,,"),
        ties_file("p1,p2,,,,,"),
    )
    assert problems == [Problem(p, 2, "name", "name is at most 500 characters")]
    too_long_id = "p" * 201
    problems, p, r = problems_of(tmp_path, people_file(f"{too_long_id},Ann,people,,,,,,,,,"))
    assert problems == [Problem(p, 2, "id", "id is at most 200 characters")]
    assert all("Input should" not in x.reason and "Value error" not in x.reason
               for x in problems)


def test_line_numbers_are_physical_lines_where_a_record_starts(tmp_path: Path) -> None:
    people = ('id,name,group,organisation\r\n'
              'p1,"Ann\r\nShaw",people,"Bay\r\nHealth\r\nTrust"\r\n'
              'p2,Ben,patients,\r\n'
              'p3,"Cy\nJones",people,\n'
              'p4,Di,carers,\n')
    problems, p, _ = problems_of(tmp_path, people)
    assert problems == [
        Problem(p, 6, "group", f"unknown group 'patients'; expected one of {GROUPS}"),
        Problem(p, 9, "group", f"unknown group 'carers'; expected one of {GROUPS}"),
    ]


def test_import_reports_every_problem_of_both_files(tmp_path: Path) -> None:
    problems, p, r = problems_of(
        tmp_path,
        people_file(
            "p1,Ann,patients,,,,,,,,,",            # line 2: group
            "p2,Ben,people,,,,,,,keen,chief,",     # line 3: engagement and role
            "p3,Cy,people,,,,,,,,,2023-13-01",     # line 4: date
            "p3,Cy again,people,,,,,,,,,",         # line 5: duplicate
            "p4,Di,people,,,,,,,,,",               # fine
        ),
        ties_file(
            "p1,p2,5,,,,",                         # line 2: strength (p1 is known: bad row)
            "p2,x9,,,,,",                          # line 3: dangling
            "p4,p4,,,,,",                          # line 4: self tie
            "p3,p4,,,,,",                          # fine: p3's row had a problem but exists
        ),
    )
    assert [(x.file, x.line, x.column) for x in problems] == [
        (p, 2, "group"), (p, 3, "engagement"), (p, 3, "role"), (p, 4, "joined"), (p, 5, "id"),
        (r, 2, "relational"), (r, 3, "target"), (r, 4, "target"),
    ]
    message = str(ImportFailed(problems))
    assert message.startswith("import failed, nothing was written: 8 problems")


def test_an_unreadable_people_file_does_not_make_every_tie_dangle(tmp_path: Path) -> None:
    problems, p, r = problems_of(tmp_path, "name,group\nAnn,people\n", ties_file("p1,p2,9,,,,"))
    assert problems == [
        Problem(p, 1, "id", "required column 'id' is missing from the header"),
        Problem(r, 2, "relational", "trust strength must be a whole number 0–3, got '9'"),
    ]


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path, store: GraphStore) -> None:
    p = write(tmp_path, "people.csv", "id,group,email,,notes\np1,people,a@b.c,,hi\n"
                                      "p2,people,,,\n")
    r = write(tmp_path, "ties.csv", "source,target,weight\np1,p2,7\n")
    warnings: list[str] = []
    summary = import_csv(store, "bay", p, r, on_warning=warnings.append)
    assert warnings == [
        f"{p}: ignored columns 'email', (unnamed column 4), 'notes' (not one movemap reads)",
        f"{r}: ignored column 'weight' (not one movemap reads)",
    ]
    assert (summary.people_added, summary.relationships_added) == (2, 1)


def test_read_relationships_checks_ids_against_the_known_ones(tmp_path: Path) -> None:
    r = write(tmp_path, "ties.csv", "source,target\na,b\nb,c\n")
    parsed = read_relationships(r, {"a", "b"})
    assert parsed.relationships == [Relationship(source="a", target="b")]
    assert parsed.problems == [Problem(r, 3, "target", "target 'c' is not a person in people.csv")]
    assert read_relationships(r, None).problems == []


# -- importing into a store ------------------------------------------------------------------


def test_import_csv_writes_the_files_to_the_store(store: GraphStore) -> None:
    summary = import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    assert (summary.people_added, summary.people_updated, summary.people_unchanged) == (6, 0, 0)
    assert (summary.relationships_added, summary.relationships_updated) == (5, 0)
    people, ties, _ = load_csv_pair(DATA / "people.csv", DATA / "relationships.csv")
    assert list(store.iter_people("bay")) == sorted(people, key=lambda x: x.id)
    assert list(store.iter_relationships("bay")) == sorted(ties, key=lambda x: x.key)


def test_reimporting_the_same_files_changes_nothing(store: GraphStore) -> None:
    import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    people_before = list(store.iter_people("bay"))
    ties_before = list(store.iter_relationships("bay"))
    graph_before = store.load_graph("bay")
    summary = import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    assert (summary.people_added, summary.people_updated, summary.people_unchanged) == (0, 0, 6)
    assert (summary.relationships_added, summary.relationships_updated,
            summary.relationships_unchanged) == (0, 0, 5)
    assert not summary.changed
    assert list(store.iter_people("bay")) == people_before
    assert list(store.iter_relationships("bay")) == ties_before
    graph = store.load_graph("bay")
    assert graph.ids == graph_before.ids
    assert (graph.edge_u.tolist(), graph.edge_v.tolist()) == (
        graph_before.edge_u.tolist(), graph_before.edge_v.tolist()
    )
    for trust, values in graph.strength.items():
        assert values.tolist() == graph_before.strength[trust].tolist()
    expected = CompactGraph.from_records("bay", people_before, ties_before)
    assert graph.member_of.tolist() == expected.member_of.tolist()


def test_import_writes_nothing_when_any_row_is_bad(tmp_path: Path, store: GraphStore) -> None:
    good_people = people_file("p1,Ann,people,,,,,,,,,", "p2,Ben,system_leaders,,,,,,,,,")
    bad_ties = ties_file("p1,p2,3,,,,", "p2,p1,,,,,2023-02-30")
    p = write(tmp_path, "people.csv", good_people)
    r = write(tmp_path, "relationships.csv", bad_ties)
    with pytest.raises(ImportFailed):
        import_csv(store, "fresh", p, r)
    with pytest.raises(NotFound):
        store.get_constituency("fresh")
    assert store.list_constituencies() == []

    import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    before = (list(store.iter_people("bay")), list(store.iter_relationships("bay")),
              store.list_constituencies())
    changed_people = people_file("p1,Ann Renamed,people,,,,,,,,,", "p9,New,people,,,,,,,,,",
                                 "p10,Bad,patients,,,,,,,,,")
    p = write(tmp_path, "people.csv", changed_people)
    r = write(tmp_path, "relationships.csv", ties_file("p1,p9,2,,,,"))
    for replace in (False, True):
        with pytest.raises(ImportFailed) as failed:
            import_csv(store, "bay", p, r, replace=replace)
        assert [x.line for x in failed.value.problems] == [4]
        after = (list(store.iter_people("bay")), list(store.iter_relationships("bay")),
                 store.list_constituencies())
        assert after == before


def test_ties_may_refer_to_people_already_in_the_constituency(
    tmp_path: Path, store: GraphStore
) -> None:
    import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    p = write(tmp_path, "people.csv", people_file("n1,Newcomer,people,,,,,,,,,"))
    r = write(tmp_path, "relationships.csv", ties_file("p1,n1,2,,,yes,", "n1,ghost,,,,,"))
    with pytest.raises(ImportFailed) as failed:
        import_csv(store, "bay", p, r)
    assert failed.value.problems == [Problem(
        r, 3, "target", "target 'ghost' is not a person in people.csv nor already in the "
        "constituency"
    )]
    r = write(tmp_path, "relationships.csv", ties_file("p1,n1,2,,,yes,"))
    summary = import_csv(store, "bay", p, r)
    assert (summary.people_added, summary.relationships_added) == (1, 1)
    assert len(store.person_ids("bay")) == 7


def test_replace_import_holds_exactly_the_files(tmp_path: Path, store: GraphStore) -> None:
    import_csv(store, "bay", DATA / "people.csv", DATA / "relationships.csv")
    p = write(tmp_path, "people.csv", people_file("p1,Ann Shaw,people,,,,,,,,,",
                                                  "n1,Newcomer,people,,,,,,,,,"))
    r = write(tmp_path, "relationships.csv", ties_file("p1,p2,,,,,"))
    with pytest.raises(ImportFailed) as failed:
        import_csv(store, "bay", p, r, replace=True)
    assert failed.value.problems == [
        Problem(r, 2, "target", "target 'p2' is not a person in people.csv")
    ]
    r = write(tmp_path, "relationships.csv", ties_file("n1,p1,,,,,"))
    import_csv(store, "bay", p, r, replace=True)
    assert store.person_ids("bay") == {"p1", "n1"}
    assert list(store.iter_relationships("bay")) == [Relationship(source="n1", target="p1")]


def test_import_csv_refuses_a_bad_constituency_name(store: GraphStore) -> None:
    with pytest.raises(StoreError, match="constituency name '../x' is not valid"):
        import_csv(store, "../x", DATA / "people.csv", DATA / "relationships.csv")


def test_old_mac_line_endings_are_read(tmp_path: Path) -> None:
    p = write(tmp_path, "people.csv", "id,group\rp1,people\rp2,patients\r")
    parsed = read_people(p)
    assert [x.id for x in parsed.people] == ["p1"]
    assert parsed.problems == [
        Problem(p, 3, "group", f"unknown group 'patients'; expected one of {GROUPS}")
    ]


def test_import_reports_an_unclosed_quote_at_the_line_it_starts(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, 'id,name,group\np1,Ann,people\np2,"Ben,people\n'
                                           'p3,Cy,people\n')
    assert problems == [Problem(
        p, 3, None, 'a quoted cell that starts on this line is never closed; check its " marks'
    )]


def test_import_reports_text_after_a_closing_quote(tmp_path: Path) -> None:
    problems, p, _ = problems_of(tmp_path, 'id,name,group\np1,"Ann" Shaw,people\n'
                                           'p2,Ben,patients\n')
    assert problems == [
        Problem(p, 2, None, 'text follows the closing " of a quoted cell; quote the whole cell '
                            'and double any " inside it'),
        Problem(p, 3, "group", f"unknown group 'patients'; expected one of {GROUPS}"),
    ]


# -- the streaming import equals the exact reading of the files ------------------------------

ODD_IDS = [" p3 ", "P3", "é1", "日本", "a,b", 'q"x', "p\u00a01", "x" * 201, "t\x01b", "", "  "]
PEOPLE_CELLS: dict[str, list[str]] = {
    "name": ["Ann", "", " Ben Ode ", "Shaw, Ann", 'Cy "CJ" Jones', "Zoë\nLine", "n" * 501],
    "group": ["people", "givers_of_service", "system_leaders", "Givers of service",
              " System-Leaders ", "patients", ""],
    "other_groups": ["", "people", "people;system leaders", ";people;;", "carers", "PEOPLE"],
    "organisation": ["", "Bay ICB", " Trust ", "o" * 501],
    "segments": ["", "locality:Barrow", " locality : Barrow ;community:Deaf", "a;a", ";",
                 "s" * 501],
    "formal_power": ["", "0", "3", "2.0", "high", "Yes", "4", "-1", "1.5", "+2"],
    "informal_power": ["", "1", "low", "none", "NO", "huge"],
    "lived_experience": ["", "yes", "Y", "TRUE", "0", "maybe"],
    "engagement": ["", "leading", "Contributing", "aware", "keen"],
    "role": ["", "none", "Lone wolf", "mobilizer", "organiser", "leader"],
    "joined": ["", "2019-04-01", "1969-07-20", "2023-02-30", "01/02/2023", "20230105"],
}
TIE_CELLS: dict[str, list[str]] = {
    "relational": ["", "0", "1", "2", "3", " 2 ", "2.0", "5", "-1", "+2", "two", "1.5"],
    "functional": ["", "3", "0", "1"],
    "flow_of_value": ["", "1", "2", "3", "02"],
    "recruited": ["", "yes", "no", "Yes", "TRUE", "1", "0", "sometimes"],
    "since": ["", "2021-03-04", "2019-12-31", "2023-13-01", "yesterday", "2020-1-5"],
}


def odd(rng: random.Random, good: list[str], chance: float) -> str:
    """One of the first three values (all good), or with ``chance`` any of the list."""
    return rng.choice(good) if rng.random() < chance else rng.choice(good[:3])


def csv_text(rows: list[list[str]], rng: random.Random, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    text = out.getvalue()
    if rng.random() < 0.2:
        text = "\ufeff" + text
    return text


def random_files(rng: random.Random, folder: Path, bad: float) -> tuple[Path, Path]:
    """A random people.csv and relationships.csv; ``bad`` is how often a cell is unusual."""
    newline = rng.choice(["\n", "\r\n", "\r"])
    columns = ["id", "group"] + rng.sample(list(PEOPLE_CELLS.keys() - {"group"}), 5)
    if rng.random() < bad / 4:
        columns.remove(rng.choice(["id", "group"]))
    rng.shuffle(columns)
    header = [c.replace("_", " ").title() if rng.random() < 0.2 else c for c in columns]
    if rng.random() < 0.3:
        header.append("notes")
    ids = [f"p{i}" for i in range(30)]
    if rng.random() < bad:
        ids += rng.sample(ODD_IDS, 3)
    people_rows = [header]
    for pid in ids:
        row = [pid if c == "id" else odd(rng, PEOPLE_CELLS[c], bad) for c in columns]
        if len(header) > len(columns):
            row.append("a note")
        if rng.random() < bad / 5:
            row = row[:-1] if rng.random() < 0.5 else [*row, "extra"]
        people_rows.append(row)
        if rng.random() < bad / 5:
            people_rows.append(rng.choice([[], [""] * len(header), list(people_rows[-1])]))
    tie_columns = ["source", "target"] + rng.sample(list(TIE_CELLS), rng.randint(0, 5))
    rng.shuffle(tie_columns)
    tie_rows = [tie_columns]
    for _ in range(70):
        ends = rng.sample(ids, 2) if rng.random() > bad / 3 else [rng.choice(ids)] * 2
        if rng.random() < bad / 3:
            ends[rng.randrange(2)] = rng.choice(["ghost", " p4", "p5 ", ""])
        row = [ends[0] if c == "source" else ends[1] if c == "target"
               else odd(rng, TIE_CELLS[c], bad) for c in tie_columns]
        if rng.random() < bad / 6:
            row.append("extra")
        tie_rows.append(row)
        if rng.random() < 0.05:
            tie_rows.append(list(tie_rows[rng.randrange(1, len(tie_rows))]))
        if rng.random() < bad / 8:
            tie_rows.append([])
    people_text = csv_text(people_rows, rng, newline)
    ties_text = csv_text(tie_rows, rng, newline)
    if rng.random() < bad / 6:  # a record the csv module cannot read
        ties_text = ties_text.replace(newline + "p1,", newline + '"p1,', 1)
    if rng.random() < bad / 6:
        people_text = people_text.replace(newline + "p2,", newline + "p2\x00,", 1)
    people, ties = folder / "people.csv", folder / "relationships.csv"
    people.write_bytes(people_text.encode("utf-8"))
    ties.write_bytes(ties_text.encode("utf-8"))
    return people, ties


@pytest.mark.parametrize("batches", ["default", "tiny"])
@pytest.mark.parametrize("seed", range(60))
def test_streaming_import_equals_the_exact_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, batches: str
) -> None:
    """``import_csv`` (batches, memoised and vectorised checks, numpy parsing) finds exactly
    the problems, warnings, rows and counts of ``load_csv_pair`` + ``import_records``."""
    if batches == "tiny":
        monkeypatch.setattr(importer, "PEOPLE_BATCH", 3)
        monkeypatch.setattr(importer, "TIES_BATCH", 4)
    rng = random.Random(seed)
    bad = [0.0, 0.05, 0.3][seed % 3]
    people, ties = random_files(rng, tmp_path, bad)
    replace = seed % 4 == 1
    stores = [make_store("sqlite", tmp_path / name) for name in ("fast", "exact")]
    try:
        if seed % 2:
            for s in stores:
                s.import_records("bay", [Person(id="p3", group="people", name="old"),
                                         Person(id="kept", group="people")],
                                 [Relationship(source="kept", target="p3", relational=2)])
        exact_store = stores[1]
        try:
            known = exact_store.person_ids("bay") if not replace else set()
        except NotFound:
            known = set()
        try:
            expected_people, expected_ties, expected_warnings = load_csv_pair(
                people, ties, known
            )
        except ImportFailed as failed:
            before = [list(stores[0].iter_people(c.name)) for c in stores[0].list_constituencies()]
            with pytest.raises(ImportFailed) as streamed:
                import_csv(stores[0], "bay", people, ties, replace=replace)
            assert streamed.value.problems == failed.problems
            assert [list(stores[0].iter_people(c.name))
                    for c in stores[0].list_constituencies()] == before
            return
        expected = exact_store.import_records("bay", expected_people, expected_ties,
                                              replace=replace)
        warnings: list[str] = []
        summary = import_csv(stores[0], "bay", people, ties, replace=replace,
                             on_warning=warnings.append)
        assert warnings == expected_warnings
        assert summary == expected
        assert list(stores[0].iter_people("bay")) == list(exact_store.iter_people("bay"))
        assert list(stores[0].iter_relationships("bay")) == list(
            exact_store.iter_relationships("bay"))
        again = import_csv(stores[0], "bay", people, ties, replace=replace)
        assert not again.changed
    finally:
        for s in stores:
            s.close()


def test_a_bad_byte_far_into_the_file_is_reported_at_its_line(tmp_path: Path) -> None:
    rows = [f"p{i},people" for i in range(120_000)]  # over a megabyte: decoded in blocks
    text = "id,group\n" + "\n".join(rows) + "\n"
    data = text.encode("utf-8").replace(b"p100000,", b"p100000\xff,")
    p = tmp_path / "people.csv"
    p.write_bytes(data)
    parsed = read_people(p)
    assert parsed.problems == [Problem(
        str(p), 100_002, None,
        "the file is not UTF-8 text (byte 0xff cannot be read); save it from your spreadsheet "
        "as 'CSV UTF-8'",
    )]
    assert len(parsed.people) == 120_000


@pytest.mark.parametrize("encoding_problem", [False, True])
def test_a_lone_cr_before_the_last_character_ends_a_line(
    tmp_path: Path, encoding_problem: bool
) -> None:
    """Both ways of reading lines (fast, and byte by byte after a bad byte) split there."""
    first = "p0,Zo\xe9,people\n".encode("latin-1") if encoding_problem else b"p0,Zo,people\n"
    p = tmp_path / "people.csv"
    p.write_bytes(b"id,name,group\n" + first + b"p1,Ann,people\r2")
    problems = read_people(p).problems
    assert problems[-1] == Problem(str(p), 4, None, "the row has 1 fields; the header has 3")
    assert len(problems) == 1 + encoding_problem


def test_import_reports_progress_for_each_file(tmp_path: Path, store: GraphStore,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "PEOPLE_BATCH", 2)
    monkeypatch.setattr(importer, "TIES_BATCH", 2)
    p = write(tmp_path, "people.csv", people_file(*(f"p{i},,people,,,,,,,,," for i in range(5))))
    r = write(tmp_path, "relationships.csv", ties_file("p0,p1,,,,,", "p1,p2,,,,,", "p2,p3,,,,,"))
    seen: list[tuple[int, str]] = []
    import_csv(store, "bay", p, r, on_progress=lambda done, path: seen.append((done, path)))
    assert seen == [(2, p), (4, p), (5, p), (2, r), (3, r)]


def test_a_look_alike_id_in_a_file_is_refused_or_merged_with_its_twin(tmp_path: Path) -> None:
    """A zero-width space is named with its row; two spellings of one id are one duplicate."""
    problems, p, _ = problems_of(
        tmp_path, people_file("p0001,Ann,people,,,,,,,,,", "p0001\u200b,Ann,people,,,,,,,,,",
                              "Caf\u00e9,Cy,people,,,,,,,,,", "Cafe\u0301,Cy,people,,,,,,,,,"))
    assert [(x.line, x.column) for x in problems] == [(3, "id"), (5, "id")]
    assert "U+200B ZERO WIDTH SPACE" in problems[0].reason
    assert "more than once" in problems[1].reason or "duplicate" in problems[1].reason.lower()
