"""Maps in and out: the CSV pair (folder, .zip) and the Excel workbook, through the one import
core; round trips give the same map and the same analysis JSON; the dry run lists what an
import would do and writes nothing; malformed workbooks name the sheet, row and column."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from click.testing import CliRunner

from graph.analysis import analyse
from graph.demo import demo_constituency
from graph.demo_history import demo_history
from graph.errors import ImportFailed
from graph.formats import FORMATS, UnknownFormat, fmt, infer_format
from graph.formats.csv_pair import read_csv_pair
from graph.formats.rows import PEOPLE_COLUMNS, RELATIONSHIP_COLUMNS, person_cells, tie_cells
from graph.formats.xlsx import read_xlsx
from graph.history import Actor
from graph.import_plan import ImportPlan
from graph.model import Person, Relationship
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from graph.usecases import UseCases, map_as_of, map_settings
from service.cli import main

TODAY = date.today()


@pytest.fixture
def sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(f"sqlite:///{tmp_path / 'store.db'}")


def _cases(store: GraphStore) -> UseCases:
    return UseCases(store, Actor("tests", "cli"))


def _demo(store: GraphStore, name: str = "demo", size: int = 200) -> None:
    """The demo map with two years of history, as ``movemap demo`` makes it."""
    cases = _cases(store)
    constituency, people, ties = demo_constituency(seed=3, size=size, as_of=TODAY)
    cases.create_constituency(constituency.model_copy(update={"name": name}))
    for snapshot in demo_history(people, ties, as_of=TODAY, seed=3).snapshots:
        cases.import_records(name, snapshot.people, snapshot.ties, on=snapshot.on,
                             replace=True, undated_since_always=True)


def _analysis(store: GraphStore, name: str, day: date | None = None) -> str:
    """The analysis JSON of the map (as of ``day``: the map as it stood then), named 'X'."""
    options = map_settings(store, name).options(as_of=day or TODAY)
    graph = store.load_graph(name) if day is None else map_as_of(store, name, day)
    found = analyse(graph, options).to_dict()
    found["constituency"] = "X"
    return json.dumps(found, sort_keys=True, default=str)


def _export(store: GraphStore, name: str, format_name: str, path: Path,
            as_of: date | None = None) -> Path:
    write = fmt(format_name, writing=True).write
    assert write is not None
    write(_cases(store).export_map(name, as_of=as_of), path)
    return path


def _import(store: GraphStore, name: str, path: Path, **kwargs: Any) -> Any:
    read = fmt(infer_format(path)).read
    assert read is not None
    return _cases(store).import_tables(name, read(path), **kwargs)


def assert_round_trip(store: GraphStore, path: Path) -> None:
    """Importing ``path`` (an export of the demo map) gives the same map, description,
    expected segments and analysis JSON, and importing it again changes nothing."""
    _import(store, "copy", path)
    original, copied = (_cases(store).export_map(n) for n in ("demo", "copy"))
    assert copied.people == original.people and copied.ties == original.ties
    assert (copied.description, copied.expected_segments) == (
        original.description, original.expected_segments)
    assert original.expected_segments  # the gaps of expected segments are compared too
    assert _analysis(store, "copy") == _analysis(store, "demo")
    summary, change_set = _import(store, "copy", path)
    assert change_set is None and not summary.changed  # importing it again changes nothing


@pytest.mark.parametrize("target", ["map.xlsx", "map.zip", "folder"])
def test_round_trip_gives_the_same_map_and_the_same_analysis(
        sqlite: GraphStore, tmp_path: Path, target: str) -> None:
    _demo(sqlite)
    path = _export(sqlite, "demo", "xlsx" if target.endswith("xlsx") else "csv",
                   tmp_path / target)
    assert_round_trip(sqlite, path)


@pytest.mark.parametrize("format_name, target", [("xlsx", "then.xlsx"), ("csv", "then.zip")])
def test_an_export_as_of_a_day_imports_as_the_map_of_that_day(
        sqlite: GraphStore, tmp_path: Path, format_name: str, target: str) -> None:
    _demo(sqlite)
    day = TODAY - timedelta(days=300)
    path = _export(sqlite, "demo", format_name, tmp_path / target, as_of=day)
    _import(sqlite, "then", path)
    then = map_as_of(sqlite, "demo", day)
    copied = sqlite.load_graph("then")
    assert (copied.n, copied.m) == (then.n, then.m) and copied.n < sqlite.load_graph("demo").n
    options = map_settings(sqlite, "demo").options(as_of=day)
    got = analyse(copied, options).to_dict()
    want = analyse(then, options).to_dict()
    got["constituency"] = want["constituency"] = "X"
    assert json.dumps(got, sort_keys=True, default=str) == json.dumps(want, sort_keys=True,
                                                                        default=str)


def test_exported_files_are_private_and_never_overwritten(sqlite: GraphStore,
                                                           tmp_path: Path) -> None:
    _demo(sqlite)
    for name, format_name in (("m.xlsx", "xlsx"), ("m.zip", "csv"), ("folder", "csv")):
        path = _export(sqlite, "demo", format_name, tmp_path / name)
        files = list(path.iterdir()) if path.is_dir() else [path]
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        if path.is_dir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o700
        with pytest.raises(FileExistsError):
            _export(sqlite, "demo", format_name, path)


def test_unknown_formats_are_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownFormat, match="'pdf' is not one movemap knows; known formats: "
                       "csv, xlsx, kumu-xlsx"):
        fmt("pdf")
    assert {"csv", "xlsx", "kumu-xlsx", "kumu-json", "gexf", "graphml", "node-link"} <= set(
        FORMATS)


def test_the_format_is_inferred_from_magic_bytes_then_the_name(tmp_path: Path) -> None:
    workbook = tmp_path / "named.csv"  # a workbook whatever its name says
    book = xlsxwriter.Workbook(os.fspath(workbook))
    book.add_worksheet("people")
    book.close()
    archive = tmp_path / "pair.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("people.csv", "id,group\n")
    assert infer_format(workbook) == "xlsx"
    assert infer_format(archive) == "csv"
    assert infer_format(tmp_path) == "csv"
    assert infer_format(tmp_path / "new.xlsx") == "xlsx"


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = xlsxwriter.Workbook(os.fspath(path))
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, book.add_format({"num_format": "d/m/yyyy"}))
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        from graph.importer import load_tables

        load_tables(read_xlsx(path))
    return [str(p) for p in failed.value.problems]


def test_a_bad_cell_is_named_by_workbook_sheet_row_and_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bay.xlsx", {
        "People": [["id", "group"], ["p1", "people"], ["p2", "patients"]],
        "relationships": [["source", "target", "relational"], ["p1", "p2", 7]],
    })
    found = _problems(path)
    assert found[0].startswith("bay.xlsx, sheet people, row 3, column 'group': unknown group "
                               "'patients'")
    assert found[1].startswith("bay.xlsx, sheet relationships, row 2, column 'relational': "
                               "trust strength must be a whole number")


def test_a_missing_sheet_is_named_with_the_sheets_the_workbook_has(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bay.xlsx", {"Sheet1": [["id", "group"], ["p1", "people"]]})
    found = _problems(path)
    assert "sheet people: the workbook has no sheet 'people' (its sheets: 'Sheet1')" in found[0]
    assert "no sheet 'relationships'" in found[1]


def test_a_file_that_is_not_a_workbook_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bay.xlsx"
    path.write_text("id,group\np1,people\n")
    found = _problems(path)
    assert len(found) == 1 and "this is not an Excel workbook (.xlsx)" in found[0]


def test_numbers_dates_and_booleans_in_cells_read_as_people_type_them(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bay.xlsx", {
        "people": [[], ["id", "group", "formal_power", "lived_experience", "joined"],
                   ["p1", "The people", 2, True, date(2024, 3, 4)], ["p2", "people", 0.0, False]],
        "relationships": [["source", "target", "flow_of_value", "since"],
                          ["p1", "p2", 3.0, "04/03/2024"]],
        "map": [["field", "value"], ["description", "Bay"], ["expected_segment", "Barrow"]],
    })
    from graph.importer import load_tables

    tables = read_xlsx(path)
    people, ties, _ = load_tables(tables)
    assert people[0] == Person(id="p1", group="people", formal_power=2, lived_experience=True,
                               joined=date(2024, 3, 4))
    assert ties[0] == Relationship(source="p1", target="p2", flow_of_value=3,
                                   since=date(2024, 3, 4))
    assert (tables.info.description, tables.info.expected_segments) == ("Bay", ("Barrow",))


def test_the_csv_core_and_the_workbook_give_the_same_rows(tmp_path: Path) -> None:
    """The same cells through both readers: the same people and ties (one core)."""
    people = [Person(id=f"p{i}", name=f"Name {i}", group="givers_of_service",
                     segments=("locality:Barrow",), engagement="leading" if i % 5 == 0
                     else "aware", joined=date(2023, 1, 1 + i)) for i in range(20)]
    ties = [Relationship(source=f"p{i}", target=f"p{i + 1}", relational=i % 4,
                         recruited=i % 3 == 0) for i in range(19)]
    from graph.formats.rows import MapExport
    from graph.importer import load_tables

    export = MapExport("m", "", (), people, ties)
    for name, path in (("xlsx", tmp_path / "m.xlsx"), ("csv", tmp_path / "m")):
        write = fmt(name, writing=True).write
        assert write is not None
        write(export, path)
    via_xlsx = load_tables(read_xlsx(tmp_path / "m.xlsx"))[:2]
    via_csv = load_tables(read_csv_pair(tmp_path / "m"))[:2]
    assert via_xlsx == via_csv == (people, ties)
    assert len(person_cells(people[0])) == len(PEOPLE_COLUMNS)
    assert len(tie_cells(ties[0])) == len(RELATIONSHIP_COLUMNS)


def _small_map(store: GraphStore) -> None:
    _cases(store).import_records("bay", [
        Person(id="p1", name="Ana Lee", organisation="Bay Trust", group="people"),
        Person(id="p2", name="Ben", group="system_leaders"),
        Person(id="p3", name="Cy", group="givers_of_service"),
    ], [Relationship(source="p1", target="p2", relational=1),
        Relationship(source="p2", target="p3")])


def test_the_dry_run_lists_created_updated_unchanged_leaving_and_duplicates(
        sqlite: GraphStore, tmp_path: Path) -> None:
    _small_map(sqlite)
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,name,organisation,group,engagement\n"
        "p1,Ana Lee,Bay Trust,people,leading\n"   # updated: engagement
        "p2,Ben,,system_leaders,\n"               # left alone
        "p9,ana lée,BAY TRUST,people,\n"          # new, and looks like p1
        "p10,Dee,,people,\n"                      # new
        "p11,Dee,,people,\n")                     # new, and looks like p10 (in the file)
    (folder / "relationships.csv").write_text(
        "source,target,relational\np1,p2,1\np9,p10,2\n")
    history_before = len(_cases(sqlite).history("bay"))
    plan = ImportPlan("bay")
    summary, change_set = _import(sqlite, "bay", folder, replace=True, plan=plan)
    assert change_set is None and len(_cases(sqlite).history("bay")) == history_before
    assert sqlite.load_graph("bay").n == 3  # nothing written
    assert plan.people_created.items == ["p9", "p10", "p11"]
    assert plan.people_updated.items == [["p1", ["engagement"]]]
    assert plan.people_unchanged.items == ["p2"]
    assert plan.people_leaving.items == ["p3"]
    assert plan.ties_created.items == [["p9", "p10"]]
    assert plan.ties_unchanged.items == [["p1", "p2"]]
    assert plan.ties_ending.items == [["p2", "p3"]]
    assert [(d.id, d.other, d.where) for d in plan.duplicates] == [
        ("p9", "p1", "map"), ("p11", "p10", "file")]
    real, written = _import(sqlite, "bay", folder, replace=True)
    assert written is not None and real == summary  # the dry run counted what the import did


def test_the_dry_run_of_a_new_map_creates_nothing(sqlite: GraphStore, tmp_path: Path) -> None:
    _demo(sqlite)
    path = _export(sqlite, "demo", "xlsx", tmp_path / "m.xlsx")
    plan = ImportPlan("fresh")
    _import(sqlite, "fresh", path, plan=plan)
    assert plan.new_map and plan.people_created.count == sqlite.load_graph("demo").n
    assert "fresh" not in {c.name for c in sqlite.list_constituencies()}


def test_the_duplicate_check_matches_the_map_by_name_and_organisation() -> None:
    from graph.import_plan import looks_like_duplicates

    existing = [Person(id="a", name="Zoë Hart", organisation="GP", group="people"),
                Person(id="b", name="", organisation="GP", group="people")]
    incoming = [Person(id="c", name="zoe hart", organisation="gp", group="people"),
                Person(id="d", name="", organisation="GP", group="people"),
                Person(id="a", name="Zoë Hart", organisation="GP", group="people")]
    found = looks_like_duplicates(incoming, existing)
    assert [(d.id, d.other, d.where) for d in found] == [("c", "a", "map")]


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """``run(*args, code=0)``: the ``movemap`` command in ``tmp_path`` on a store there; its
    output, after checking its exit code."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOVEMAP_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == code, result.output
        return result.output
    return run


def test_cli_export_import_dry_run_and_round_trip(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli(tmp_path, monkeypatch)
    run("demo", "--size", "200")
    assert "Wrote 'demo'" in run("export", "demo", "--format", "xlsx", "-o", "d.xlsx")
    out = run("export", "demo", "--format", "pdf", "-o", "d.pdf", code=1)
    assert "not one movemap knows; known formats: csv, xlsx, kumu-xlsx" in out
    dry = run("import", "copy", "d.xlsx", "--dry-run")
    assert "Dry run" in dry and "(a new map)" in dry and "Nothing was written." in dry
    listing = json.loads(run("import", "copy", "d.xlsx", "--dry-run", "--json"))
    assert listing["people"]["created"]["count"] == 200
    run("import", "copy", "d.xlsx")
    assert "people created:          0" in run("import", "copy", "d.xlsx", "--dry-run")
    run("export", "demo", "--format", "csv", "-o", "d.zip", "--as-of",
        (TODAY - timedelta(days=200)).isoformat())
    run("import", "then", "d.zip", "--format", "csv")
    both = [run("analyse", n, "--json").replace(f'"{n}"', '"X"') for n in ("demo", "copy")]
    assert both[0] == both[1]
    assert "this is an Excel workbook" in run("import", "x", "d.xlsx", "d.xlsx", code=1)
    assert "two files are the CSV pair" in run("import", "x", "d.xlsx", "d.xlsx", "--format",
                                               "gexf", code=2)

