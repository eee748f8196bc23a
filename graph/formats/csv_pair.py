"""The native CSV pair: ``people.csv`` and ``relationships.csv`` (and, optionally, ``map.csv``).

This reader finds each file's header and records; the import core (``graph.importer``) checks
them. It reads what spreadsheets write, so files typed by people work:

* UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8"), comma-separated, fields
  quoted the usual CSV way (a quoted field may hold commas and line breaks). Line numbers are
  physical lines of the file; a record spanning lines is reported at the line where it starts.
* Lines end in ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac files); bytes that are not UTF-8
  are one problem, at their line, saying how to save the file as CSV UTF-8.
* An Excel workbook given where a CSV file is expected says so, rather than reading zip bytes.
* A cell that starts with apostrophes before ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return loses one apostrophe: the guard against formulas that movemap's exports add
  (``graph.formats.formula_guard``).

A map can also come as a folder or a ``.zip`` holding ``people.csv`` and ``relationships.csv``
(what ``movemap export --format csv`` writes), with an optional ``map.csv``: two columns,
``field`` and ``value``, one ``description`` row and an ``expected_segment`` row per expected
segment (see ``graph.formats.map_sheet``).

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "people.csv").write_text("id,group\\np1,people\\n")
    >>> _ = (folder / "relationships.csv").write_text("source,target\\n")
    >>> read_csv_pair(folder).people.label.endswith("people.csv")
    True
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from graph.errors import MovemapError, Problem
from graph.formats.base import Batch, Block, HeaderJudge, MapTables, Unreadable
from graph.formats.formula_guard import guarded_text, unguard_rows
from graph.limits import LIMITS, setting_name

__all__ = ["PEOPLE_FILE", "RELATIONSHIPS_FILE", "MAP_FILE", "CsvTable", "read_csv_pair",
           "csv_reason", "record_lines"]

PathLike = str | os.PathLike[str]
PEOPLE_FILE = "people.csv"
RELATIONSHIPS_FILE = "relationships.csv"
MAP_FILE = "map.csv"
_CSV_UTF8_HINT = "save it from your spreadsheet as 'CSV UTF-8'"
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip), .xls
_WORKBOOK_HINT = ("this is an Excel workbook, not a CSV file; movemap reads CSV files: in Excel "
                  "choose File › Save As, then 'CSV UTF-8 (comma delimited)', for each sheet, "
                  "and import those, or import the workbook itself as one .xlsx file")


class CsvTable:
    """One CSV file, read record by record or in batches, with physical line numbers.

    ``opener`` opens the bytes (default: the file at ``path``); a member of a zip archive is
    opened by the archive. Problems of the file as a whole (missing, encoding) go to the judge.
    """

    unit = "line"

    def __init__(self, path: PathLike, *, label: str | None = None,
                 opener: Callable[[], BinaryIO] | None = None) -> None:
        self.path = path
        self.label = label if label is not None else os.fspath(path)
        self._opener = opener
        self._bad_encoding = False

    def _open(self) -> BinaryIO | None:
        """The file opened for reading, or ``None`` (and a problem) when it cannot be."""
        try:
            handle = (self._opener() if self._opener is not None
                      else open(self.path, "rb"))  # noqa: SIM115 - the callers close it
        except (FileNotFoundError, KeyError):
            self._judge.problem(None, None, "the file does not exist")
        except IsADirectoryError:
            self._judge.problem(None, None, "this is a folder, not a CSV file")
        except OSError as exc:
            self._judge.problem(None, None, f"the file cannot be read ({exc.strerror or exc})")
        else:
            start = handle.read(8)
            handle.seek(0)
            if start.startswith(WORKBOOK_MAGIC):
                handle.close()
                self._judge.problem(None, None, _WORKBOOK_HINT)
                return None
            return handle
        return None

    def _empty(self, judge: HeaderJudge) -> None:
        if not self._bad_encoding:
            judge.empty()

    @contextmanager
    def _text_lines(self, judge: HeaderJudge) -> Iterator[Iterator[str] | None]:
        """The file's physical lines as text while the block runs; ``None`` (and a problem)
        when it cannot be opened."""
        self._judge = judge
        handle = self._open()
        if handle is None:
            yield None
            return
        with handle:
            yield self._line_source(handle)

    def records(self, judge: HeaderJudge) -> Iterator[tuple[int, list[str]]]:
        """Yield (line, cells) for every data record that is not blank, after the header."""
        with self._text_lines(judge) as text:
            if text is None:
                return
            # strict: an unclosed quote is reported rather than swallowing the rest of the file
            reader = csv.reader(text, strict=True)
            header: list[str] | None = None
            previous = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    self._judge.problem(previous + 1, None, csv_reason(exc))
                    previous = reader.line_num
                    continue
                line, previous = previous + 1, reader.line_num
                if not "".join(cells).strip():
                    continue  # a blank line or a row of blank cells
                if header is None:
                    header = cells
                    if not judge.judge_header(line, header):
                        return
                    continue
                yield line, unguard_rows([cells])[0]
            if header is None:
                self._empty(judge)

    def batches(self, judge: HeaderJudge, size: int) -> Iterator[Batch]:
        """Yield (lines, records) in batches of ``size`` after the header, blank rows included.

        The fast way through a file: the csv module reads a whole batch at once. A record the
        csv module cannot read raises ``Unreadable``: the caller then reads the file again with
        ``records()``, which reports it exactly (it is always a problem).
        """
        with self._after_header(judge) as start:
            if start is None:
                return
            _flat, reader, previous = start
            for lines, rows, _ in self._csv_batches(reader, previous, size):
                assert rows is not None
                yield lines, rows

    def blocks(self, judge: HeaderJudge, size: int) -> Iterator[Block]:
        """Like ``batches``, but a batch of lines without any ``"`` comes as text.

        Yields (lines, records, None) or (lines, None, text lines). Without quotes every line is
        one record, so such a batch can be parsed by a faster reader than the csv module (it
        may be blank lines and all: the reader must check). From the first ``"`` on, the rest
        of the file comes as records, read by the csv module (quoted cells may span lines).
        """
        with self._after_header(judge) as start:
            if start is None:
                return
            flat, reader, previous = start
            while text := list(islice(flat, size)):
                if '"' in (joined := "".join(text)) or guarded_text(joined):
                    # quotes (or a cell guarded against formulas) from here on: the csv
                    # module reads the rest, and takes the guards off
                    reader = csv.reader(chain(text, flat), strict=True)
                    yield from self._csv_batches(reader, previous, size)
                    return
                yield range(previous + 1, previous + 1 + len(text)), None, text
                previous += len(text)

    @contextmanager
    def _after_header(self, judge: HeaderJudge
                      ) -> Iterator[tuple[Iterator[str], Any, int] | None]:
        """The lines, a csv reader over them and the header's last line, once the header is
        read and judged (``None`` when there is no usable header); a record the csv module
        cannot read in the block raises ``Unreadable``."""
        with self._text_lines(judge) as flat:
            if flat is None:
                yield None
                return
            reader = csv.reader(flat, strict=True)
            try:
                previous = self._header_line(judge, reader)
                yield None if previous is None else (flat, reader, previous)
            except csv.Error as exc:
                raise Unreadable from exc

    def _header_line(self, judge: HeaderJudge, reader: Any) -> int | None:
        """Read up to the header (the first record that is not blank) and check it; returns
        its last line, or ``None`` when the file has no usable header."""
        previous = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                self._empty(judge)
                return None
            line, previous = previous + 1, reader.line_num
            if "".join(cells).strip():
                break
        return previous if judge.judge_header(line, cells) else None

    def _csv_batches(
        self, reader: Any, previous: int, size: int
    ) -> Iterator[Block]:
        offset = previous - reader.line_num  # a new reader counts from 0
        while rows := list(islice(reader, size)):
            now = reader.line_num + offset
            lines: Sequence[int] = (
                range(previous + 1, now + 1) if now - previous == len(rows)
                else record_lines(previous, rows, now)
            )
            previous = now
            yield lines, unguard_rows(rows), None

    def _line_source(self, handle: BinaryIO) -> Iterator[str]:
        """Physical lines as text (see ``_line_blocks``)."""
        return chain.from_iterable(self._line_blocks(handle))

    def _line_blocks(self, handle: BinaryIO) -> Iterator[list[str]]:
        """Physical lines as text in blocks, decoded by ``io.TextIOWrapper`` (fast, in C).

        From the first block that is not UTF-8 on, ``_lines`` takes over, so that bad bytes
        are reported at their line exactly as before. Both split lines at ``\n``, ``\r\n``
        and a lone ``\r`` and keep the endings.
        """
        done = 0
        wrapper = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            while block := wrapper.readlines(1 << 20):
                done += len(block)
                yield block
            return
        except UnicodeDecodeError:
            pass
        finally:
            with suppress(ValueError):  # closed already when the caller stopped early
                wrapper.detach()  # the caller closes the file
        handle.seek(0)
        rest = islice(self._lines(handle), done, None)
        while block := list(islice(rest, 10_000)):
            yield block

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        """Physical lines decoded as UTF-8 (a leading BOM dropped); bad bytes are one problem.

        Lines are split at ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac files), keeping the
        endings so the csv module sees quoted line breaks as they are.
        """
        number = 0
        for chunk in handle:
            pieces = chunk.splitlines(keepends=True) if b"\r" in chunk[:-1] else [chunk]
            for raw in pieces:
                number += 1
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if not self._bad_encoding:
                        self._bad_encoding = True
                        self._judge.problem(
                            number, None,
                            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be "
                            f"read); {_CSV_UTF8_HINT}",
                        )
                    text = raw.decode("utf-8", errors="replace")
                yield text


def record_lines(previous: int, rows: list[list[str]], now: int) -> list[int]:
    """The line each record of a batch starts on, when some span several lines.

    A record spans one line more for each line break inside its (quoted) cells; the line
    source splits at every break, so the count is exact.
    """
    lines: list[int] = []
    line = previous
    for cells in rows:
        line += 1
        lines.append(line)
        for cell in cells:
            if "\n" in cell or "\r" in cell:
                line += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
    if line != now:
        raise AssertionError(f"records of lines {previous + 1}-{now} do not add up")
    return lines


def csv_reason(exc: csv.Error) -> str:
    """Plain words for what the csv module could not read."""
    text = str(exc)
    if "end of data" in text:
        return "a quoted cell that starts on this line is never closed; check its \" marks"
    if "expected after" in text:
        return ("text follows the closing \" of a quoted cell; quote the whole cell and double "
                "any \" inside it")
    if "field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return "the line cannot be read as CSV; check its commas and \" marks"




def _map_rows(handle: BinaryIO) -> list[list[str]]:
    text = handle.read().decode("utf-8-sig", errors="replace")
    return unguard_rows(list(csv.reader(io.StringIO(text))))


def read_csv_pair(source: PathLike | tuple[PathLike, PathLike]) -> MapTables:
    """The tables of a CSV map: a (people, relationships) pair of paths, a folder holding
    ``people.csv`` and ``relationships.csv``, or a ``.zip`` archive of them; ``map.csv``
    beside them, when there, says the map's description and expected segments."""
    from graph.formats.map_sheet import read_map_rows

    if isinstance(source, tuple):
        people, relationships = source
        return MapTables(CsvTable(people), CsvTable(relationships),
                         f"{Path(people).name} {Path(relationships).name}")
    path = Path(source)
    if path.is_dir():
        info_problems: list[Problem] = []
        tables = MapTables(CsvTable(path / PEOPLE_FILE), CsvTable(path / RELATIONSHIPS_FILE),
                           f"{path.name}/{PEOPLE_FILE} {path.name}/{RELATIONSHIPS_FILE}")
        if (path / MAP_FILE).is_file():
            with open(path / MAP_FILE, "rb") as handle:
                tables.info = read_map_rows(_map_rows(handle), f"{path / MAP_FILE}",
                                            info_problems)
        tables.problems = info_problems
        return tables
    try:
        archive = zipfile.ZipFile(path)  # noqa: SIM115 - members are opened while it lives
    except (zipfile.BadZipFile, OSError) as exc:
        raise MovemapError(f"{path.name}: a CSV map of one file is a folder or a .zip holding "
                           f"{PEOPLE_FILE} and {RELATIONSHIPS_FILE}, and this is neither "
                           f"({exc})") from None
    members = {Path(m).name: m for m in archive.namelist() if not m.endswith("/")}

    def member(name: str) -> Callable[[], BinaryIO]:
        def opener() -> BinaryIO:
            info = archive.getinfo(members[name])  # KeyError: "the file does not exist"
            if info.file_size > LIMITS.upload_bytes:
                raise OSError(f"it unpacks to more than {LIMITS.upload_bytes:,} bytes "
                              f"({setting_name('upload_bytes')})")
            with archive.open(info) as handle:
                return io.BytesIO(handle.read(LIMITS.upload_bytes + 1))
        return opener

    tables = MapTables(
        CsvTable(f"{path.name}/{PEOPLE_FILE}", opener=member(PEOPLE_FILE)),
        CsvTable(f"{path.name}/{RELATIONSHIPS_FILE}", opener=member(RELATIONSHIPS_FILE)),
        f"{path.name}")
    if MAP_FILE in members:
        tables.info = read_map_rows(_map_rows(member(MAP_FILE)()), f"{path.name}/{MAP_FILE}",
                                    tables.problems)
    return tables
