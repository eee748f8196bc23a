"""Action Network and NationBuilder people exports: people, tags as segments, recruiters as
recruited ties, no email kept; re-import updates; problems named by line and CRM column."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ImportFailed
from graph.formats import UnknownFormat, fmt, infer_format
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from tests.test_formats import _cases, _import

# the column names of each CRM's people export (a few of their many columns). Action
# Network's report download: its own fields are named can2_…, custom fields by their own
# name (referred_by here: Action Network has no column naming who brought someone in)
ACTION_NETWORK = (
    "uuid,first_name,last_name,email,zip_code,can2_user_city,can2_state_abbreviated,"
    "can2_county,can2_phone,can2_user_tags,can2_subscription_status,can2_subscription_date,"
    "can2_sms_status,referred_by\n"
    "an-1,Ann,Lee,ann@example.org,LA14,Barrow,,Cumbria,0123,\"locality:Barrow, group:system "
    "leaders\",subscribed,2024-03-05 10:00:00,,\n"
    "an-2,Bo,Ray,bo@example.org,LA13,Barrow,,Cumbria,,locality:Barrow,subscribed,2024-04-01,"
    ",ann@example.org\n"
    "an-3,Cy,Day,cy@example.org,,,,,,\"Volunteer, group:givers of service\",unsubscribed,,,"
    "an-2\n")
NATIONBUILDER = (
    "nationbuilder_id,first_name,middle_name,last_name,email,employer,tag_list,recruiter_id,"
    "parent_id,created_at,support_level\n"
    "11,Di,,Fox,di@example.org,Bay Trust,\"locality:Millom, group:givers_of_service\",,,"
    "2024-03-05T10:00:00-05:00,1\n"
    "12,Ed,J,Gale,ed@example.org,,locality:Millom,11,11,2024-04-01 09:00:00,2\n"
    "13,Flo,,Hart,flo@example.org,,,,12,,\n")


@pytest.fixture
def sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(f"sqlite:///{tmp_path / 'store.db'}")


def test_an_action_network_export_gives_people_segments_and_recruitment(
        sqlite: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "activists.csv"
    path.write_text(ACTION_NETWORK)
    assert infer_format(path) == "action-network"
    _import(sqlite, "bay", path)
    export = _cases(sqlite).export_map("bay")
    people = {p.id: p for p in export.people}
    assert people["an-1"].name == "Ann Lee" and people["an-1"].group == "system_leaders"
    assert people["an-1"].segments == ("locality:Barrow",)
    assert people["an-2"].group == "people"  # no group tag: the default group
    assert people["an-3"].segments == ("Volunteer",)
    assert str(people["an-1"].joined) == "2024-03-05" and str(people["an-2"].joined) == \
        "2024-04-01"
    recruited = {(t.source, t.target) for t in export.ties if t.recruited}
    assert recruited == {("an-1", "an-2"), ("an-2", "an-3")}  # by email, then by uuid
    assert "example.org" not in repr(export)  # no email is kept


def test_a_nationbuilder_export_gives_recruiters_point_people_and_joined_days(
        sqlite: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "nation.csv"
    path.write_text(NATIONBUILDER)
    assert infer_format(path) == "nationbuilder"
    _import(sqlite, "bay", path)
    export = _cases(sqlite).export_map("bay")
    people = {p.id: p for p in export.people}
    assert people["11"].organisation == "Bay Trust" and people["12"].name == "Ed J Gale"
    assert str(people["11"].joined) == "2024-03-05" and str(people["12"].joined) == "2024-04-01"
    ties = {(t.source, t.target): t for t in export.ties}
    assert ties[("11", "12")].recruited and ties[("11", "12")].functional == 0
    assert not ties[("12", "13")].recruited and ties[("12", "13")].functional == 1
    summary, change_set = _import(sqlite, "bay", path)  # the same export again: no change
    assert change_set is None and not summary.changed


def _problems(path: Path, format_name: str) -> str:
    """The problems of importing ``path`` in ``format_name`` into a new store."""
    read = fmt(format_name).read
    assert read is not None
    with pytest.raises(ImportFailed) as failed:
        _cases(SQLiteStore(f"sqlite:///{path.parent / 's.db'}")).import_tables("bay", read(path))
    return str(failed.value)


def test_a_crm_export_with_problems_names_line_and_crm_column(tmp_path: Path) -> None:
    path = tmp_path / "nation.csv"
    path.write_text("nationbuilder_id,first_name,email,tag_list,recruiter_id,created_at\n"
                    "1,Ann,a@x.org,group:patients,,\n"
                    ",Bo,b@x.org,,1,\n"
                    "3,Cy,c@x.org,,99,31/02/2024\n")
    text = _problems(path, "nationbuilder")
    assert "nation.csv, line 2, column 'tag_list': unknown group 'patients'" in text
    assert "nation.csv, line 3, column 'nationbuilder_id'" in text
    assert "nation.csv, line 4, column 'recruiter_id': source '99' is not a person" in text
    assert "nation.csv, line 4, column 'created_at'" in text


def test_crm_formats_are_import_only() -> None:
    with pytest.raises(UnknownFormat):
        fmt("nationbuilder", writing=True)


def test_an_action_network_file_with_the_other_accepted_names_reads_the_same(
        sqlite: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "activists.csv"
    path.write_text("uuid,first_name,last_name,email,tags,created_date,referrer\n"
                    "an-1,Ann,Lee,ann@example.org,group:system leaders,2024-03-05,\n"
                    "an-2,Bo,Ray,bo@example.org,locality:Barrow,,an-1\n")
    assert infer_format(path) == "action-network"
    _import(sqlite, "bay", path)
    export = _cases(sqlite).export_map("bay")
    assert [(p.id, p.group.value, p.segments) for p in export.people] == [
        ("an-1", "system_leaders", ()), ("an-2", "people", ("locality:Barrow",))]
    assert str(export.people[0].joined) == "2024-03-05"
    assert [(t.source, t.target, t.recruited) for t in export.ties] == [("an-1", "an-2", True)]


def test_an_action_network_problem_names_its_can2_column(tmp_path: Path) -> None:
    path = tmp_path / "activists.csv"
    path.write_text("uuid,first_name,email,can2_user_tags,can2_subscription_date\n"
                    "an-1,Ann,a@x.org,group:patients,2024-13-40\n")
    text = _problems(path, "action-network")
    assert "activists.csv, line 2, column 'can2_user_tags': unknown group 'patients'" in text
    assert "activists.csv, line 2, column 'can2_subscription_date'" in text
