"""Kumu's spreadsheet layout and JSON: round trips, Kumu's matching rules on re-import (an
updated Kumu file updates people instead of duplicating them), and malformed files named by
sheet and row or by element."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import xlsxwriter

from graph.errors import ImportFailed
from graph.formats import infer_format
from graph.formats.kumu_json import read_kumu_json
from graph.formats.kumu_xlsx import read_kumu_xlsx
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from tests.test_formats import _cases, _demo, _export, _import, assert_round_trip


@pytest.fixture
def sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(f"sqlite:///{tmp_path / 'store.db'}")


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(os.fspath(path))
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return path


@pytest.mark.parametrize("format_name, target", [("kumu-xlsx", "kumu.xlsx"),
                                                 ("kumu-json", "kumu.json")])
def test_a_kumu_round_trip_gives_the_same_map_and_analysis(
        sqlite: GraphStore, tmp_path: Path, format_name: str, target: str) -> None:
    _demo(sqlite)
    path = _export(sqlite, "demo", format_name, tmp_path / target)
    assert infer_format(path) == format_name
    assert_round_trip(sqlite, path)


def test_the_kumu_workbook_has_the_layout_kumu_reads(sqlite: GraphStore, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    _demo(sqlite)
    path = _export(sqlite, "demo", "kumu-xlsx", tmp_path / "k.xlsx")
    book = CalamineWorkbook.from_path(os.fspath(path))
    assert book.sheet_names == ["Elements", "Connections", "Map (ignore)"]
    elements = book.get_sheet_by_name("Elements").to_python()
    connections = book.get_sheet_by_name("Connections").to_python()
    assert elements[0][:4] == ["ID", "Label", "Type", "Other groups"]
    assert connections[0][:5] == ["From", "To", "Type", "Direction", "Strength"]
    assert {row[3] for row in connections[1:]} <= {"directed", "undirected"}


def test_an_updated_kumu_file_without_ids_updates_people_instead_of_duplicating(
        sqlite: GraphStore, tmp_path: Path) -> None:
    first = _workbook(tmp_path / "v1.xlsx", {
        "Elements": [["Label", "Type", "Tags", "Formal power"],
                     ["Ann Lee", "People", "locality:Barrow", 0],
                     ["Bo Ray", "Givers of service", "", 1],
                     ["Cy Day", "System leaders", "", 3]],
        "Connections": [["From", "To", "Type", "Strength"],
                        ["Ann Lee", "Bo Ray", "relational|recruited", 2]]})
    _import(sqlite, "bay", first)
    assert sqlite.load_graph("bay").n == 3
    # the next version: a new column, Ann's power changed, Bo's type corrected, Di added
    second = _workbook(tmp_path / "v2.xlsx", {
        "Elements": [["Label", "Type", "Tags", "Formal power", "Engagement"],
                     ["Ann Lee", "People", "locality:Barrow", 2, "leading"],
                     ["Bo Ray", "System leaders", "", 1, ""],
                     ["Di Fox", "People", "", 0, ""]],
        "Connections": [["From", "To", "Type", "Strength"],
                        ["Ann Lee", "Bo Ray", "relational|recruited", 3],
                        ["Di Fox", "Cy Day", "flow of value", ""]]})
    _import(sqlite, "bay", second)
    people = {p.name: p for p in _cases(sqlite).export_map("bay").people}
    assert sorted(people) == ["Ann Lee", "Bo Ray", "Cy Day", "Di Fox"]  # no duplicates
    assert people["Ann Lee"].formal_power == 2 and people["Ann Lee"].engagement == "leading"
    assert people["Bo Ray"].group == "system_leaders"
    ties = {(t.source, t.target): t for t in _cases(sqlite).export_map("bay").ties}
    assert ties[("Ann Lee", "Bo Ray")].relational == 3 and ties[("Ann Lee", "Bo Ray")].recruited
    assert ties[("Di Fox", "Cy Day")].flow_of_value == 1


def test_kumu_elements_match_by_id_first_then_label_and_type(sqlite: GraphStore,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"elements": [
        {"_id": "e1", "attributes": {"label": "Sam", "element type": "People"}},
        {"_id": "e2", "attributes": {"label": "Sam", "element type": "System leaders"}}],
        "connections": [{"from": "e1", "to": "e2", "attributes": {
            "connection type": "functional", "strength": 2}}]}))
    _import(sqlite, "bay", path)
    path.unlink()
    path.write_text(json.dumps({"elements": [  # renamed, but the same ID: the same person
        {"_id": "e1", "attributes": {"label": "Sam Fox", "element type": "People"}},
        {"label": "Sam", "type": "System leaders", "formal power": 3}]}))
    _import(sqlite, "bay", path)
    people = {p.id: p for p in _cases(sqlite).export_map("bay").people}
    assert set(people) == {"e1", "e2"}
    assert people["e1"].name == "Sam Fox" and people["e2"].formal_power == 3


def test_a_malformed_kumu_workbook_names_sheet_row_and_field(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bad.xlsx", {
        "Elements": [["Label", "Type", "Formal power"], ["Ann", "Patients", 1],
                     ["", "", ""], ["Bo", "People", 9]],
        "Connections": [["From", "To", "Type", "Direction"],
                        ["Ann", "Bo", "friendship", "sideways"]]})
    with pytest.raises(ImportFailed) as failed:
        _cases(SQLiteStore(f"sqlite:///{tmp_path / 's.db'}")).import_tables(
            "bay", read_kumu_xlsx(path))
    text = str(failed.value)
    assert "bad.xlsx, sheet Elements, row 2, column 'Type': unknown group 'Patients'" in text
    assert "bad.xlsx, sheet Elements, row 4, column 'Formal power'" in text
    assert "bad.xlsx, sheet Connections, row 2, column 'Type': unknown connection type " \
           "'friendship'" in text
    assert "bad.xlsx, sheet Connections, row 2, column 'Direction'" in text


def test_a_workbook_without_an_elements_sheet_says_which_sheets_it_has(tmp_path: Path) -> None:
    tables = read_kumu_xlsx(_workbook(tmp_path / "x.xlsx", {"Sheet1": [["a"]]}))
    assert "has no sheet 'Elements' (its sheets: 'Sheet1')" in str(tables.problems[0])


@pytest.mark.parametrize("text, where", [
    ('{"elements": [{"label": "A"}, 3]}', "bad.json, elements, element 2"),
    ('{"elements": [{"label": "A", "type": "Nobody"}]}',
     "bad.json, elements, element 1, column 'type': unknown group"),
    ('{"elements": [\n{"label": "A",}]}', "bad.json, line 2: this is not JSON"),
    ('{"elements": [{"label": "A", "type": "people"}, {"label": "B", "type": "people"}], '
     '"connections": [{"from": "A", "to": "B", "type": "relational", "strength": "x"}]}',
     "bad.json, connections, connection 1, column 'relational'"),
])
def test_a_malformed_kumu_json_names_the_object(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ImportFailed, match=where.replace("(", r"\(")):
        _cases(SQLiteStore(f"sqlite:///{tmp_path / 's.db'}")).import_tables(
            "bay", read_kumu_json(path))
