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

# the column names of each CRM's people export (a few of their many columns)
ACTION_NETWORK = (
    "uuid,first_name,last_name,email,zip_code,can2_phone,can2_subscription_status,tags,"
    "referrer\n"
    "an-1,Ann,Lee,ann@example.org,LA14,0123,subscribed,\"locality:Barrow, group:system "
    "leaders\",\n"
    "an-2,Bo,Ray,bo@example.org,LA13,,subscribed,locality:Barrow,ann@example.org\n"
    "an-3,Cy,Day,cy@example.org,,,unsubscribed,\"Volunteer,group:givers of service\",an-2\n")
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


def test_a_crm_export_with_problems_names_line_and_crm_column(tmp_path: Path) -> None:
    path = tmp_path / "nation.csv"
    path.write_text("nationbuilder_id,first_name,email,tag_list,recruiter_id,created_at\n"
                    "1,Ann,a@x.org,group:patients,,\n"
                    ",Bo,b@x.org,,1,\n"
                    "3,Cy,c@x.org,,99,31/02/2024\n")
    with pytest.raises(ImportFailed) as failed:
        _cases(SQLiteStore(f"sqlite:///{tmp_path / 's.db'}")).import_tables(
            "bay", fmt("nationbuilder").read(path))  # type: ignore[misc]
    text = str(failed.value)
    assert "nation.csv, line 2, column 'tag_list': unknown group 'patients'" in text
    assert "nation.csv, line 3, column 'nationbuilder_id'" in text
    assert "nation.csv, line 4, column 'recruiter_id': source '99' is not a person" in text
    assert "nation.csv, line 4, column 'created_at'" in text


def test_crm_formats_are_import_only() -> None:
    with pytest.raises(UnknownFormat):
        fmt("nationbuilder", writing=True)
