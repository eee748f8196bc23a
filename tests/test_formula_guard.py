"""CSV and formula injection: cells a spreadsheet would run as formulas are written as text
(an apostrophe in CSV, Excel's quote prefix in workbooks) and the round trip stays exact."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from graph.formats import fmt, infer_format
from graph.formats.formula_guard import guard, unguard
from graph.formats.rows import MapExport
from graph.model import Person, Relationship
from graph.stores.sqlite import SQLiteStore
from tests.test_formats import _cases

RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+44 1229", "-Ann", "@SUM(A1)", "\tTab", "\rCr",
         "'=already", "''+twice", "O'Brien", "'plain"]


def _export() -> MapExport:
    people = [Person(id=f"p{i:03d}", name=f"Name {i}", group="people",
                     segments=("locality:Barrow",)) for i in range(300)]
    for at, text in enumerate(RISKY):
        clean = text.replace("\t", " ").replace("\r", " ").strip() if text[0] in "\t\r" else text
        people[at * 20] = people[at * 20].model_copy(update={
            "name": clean, "organisation": text if text[0] not in "\t\r" else "",
            "segments": (f"community:{clean}",) if ":" not in clean else ()})
    people.append(Person(id="-p", name="@me", group="people"))
    ties = [Relationship(source="-p", target="p000", relational=2)]
    return MapExport("bay", "=description", ("community:-Ann",), people, ties)


def test_guard_and_unguard_are_inverse_and_leave_plain_text_alone() -> None:
    for text in [*RISKY, "", "plain", "a=b", "1-2", "'"]:
        assert unguard(guard(text)) == text
    assert guard("plain") == "plain" and guard("a=b") == "a=b"


@pytest.mark.parametrize("format_name, target", [("csv", "m.zip"), ("csv", "folder"),
                                                 ("xlsx", "m.xlsx"), ("kumu-xlsx", "k.xlsx")])
def test_risky_cells_round_trip_exactly(tmp_path: Path, format_name: str, target: str) -> None:
    export = _export()
    path = tmp_path / target
    fmt(format_name, writing=True).write(export, path)  # type: ignore[misc]
    cases = _cases(SQLiteStore(f"sqlite:///{tmp_path / 's.db'}"))
    cases.import_tables("copy", fmt(infer_format(path)).read(path))  # type: ignore[misc]
    copied = cases.export_map("copy")
    want = sorted(export.people, key=lambda p: p.id)
    assert list(copied.people) == want and list(copied.ties) == list(export.ties)
    assert (copied.description, copied.expected_segments) == ("=description",
                                                              ("community:-Ann",))


def _csv_cells(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_no_exported_csv_cell_starts_like_a_formula(tmp_path: Path) -> None:
    fmt("csv", writing=True).write(_export(), tmp_path / "m.zip")  # type: ignore[misc]
    cells = _csv_cells(tmp_path / "m.zip")
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells and "'-p" in cells
    assert "''=already" in cells and "O'Brien" in cells and "'plain" in cells


@pytest.mark.parametrize("format_name", ["xlsx", "kumu-xlsx"])
def test_workbook_cells_that_look_like_formulas_are_quote_prefixed_text(
        tmp_path: Path, format_name: str) -> None:
    path = tmp_path / "m.xlsx"
    fmt(format_name, writing=True).write(_export(), path)  # type: ignore[misc]
    with zipfile.ZipFile(path) as book:
        styles = book.read("xl/styles.xml").decode()
        sheets = [book.read(n).decode() for n in book.namelist()
                  if n.startswith("xl/worksheets/")]
        strings = "".join(book.read(n).decode() for n in book.namelist()
                          if n == "xl/sharedStrings.xml") or "".join(sheets)
    assert "<f>" not in "".join(sheets)  # no formula anywhere
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)  # type: ignore[union-attr]
    quoted = {i for i, xf in enumerate(re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", xfs, re.S))
              if 'quotePrefix="1"' in xf}
    assert quoted
    styled = {int(s) for sheet in sheets
              for s in re.findall(r'<c r="[A-Z]+\d+" s="(\d+)" t="(?:s|inlineStr)"', sheet)}
    assert styled & quoted  # the risky text cells carry the quote prefix
    assert "'=already" in strings and "=HYPERLINK" in strings  # values kept, no apostrophe added


def test_the_streaming_import_reads_guarded_cells_as_the_exact_reader_does(
        tmp_path: Path) -> None:
    from graph.importer import PEOPLE_BATCH, import_csv, load_csv_pair

    export = _export()
    many = [Person(id=f"q{i:06d}", group="people") for i in range(PEOPLE_BATCH + 5)]
    export = MapExport("bay", "", (), [*many, *export.people], export.ties)
    fmt("csv", writing=True).write(export, tmp_path / "m")  # type: ignore[misc]
    store = SQLiteStore(f"sqlite:///{tmp_path / 's.db'}")
    people_file, ties_file = tmp_path / "m" / "people.csv", tmp_path / "m" / "relationships.csv"
    import_csv(store, "bay", people_file, ties_file)
    people, ties, _ = load_csv_pair(people_file, ties_file)
    assert list(store.iter_people("bay")) == sorted(people, key=lambda p: p.id)
    assert sorted(people, key=lambda p: p.id) == sorted(export.people, key=lambda p: p.id)
