"""Pseudonymised exports: stable codes within an export and none shared between two, no names
or free text anywhere in the file, no group or segment of fewer than k people, and the shape
of the map kept (checked against an independent count of the original)."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.formats.pseudonymise import pseudonymise
from graph.formats.rows import MapExport
from graph.model import Person, Relationship
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from service.cli import main
from tests.test_formats import _cases, _demo, _export


@pytest.fixture
def sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture
def demo(sqlite: GraphStore) -> MapExport:
    _demo(sqlite)
    return _cases(sqlite).export_map("demo")


def test_codes_are_stable_within_an_export_and_differ_between_exports(demo: MapExport) -> None:
    one, two = pseudonymise(demo), pseudonymise(demo)
    codes = {p.id for p in one.people}
    assert len(codes) == len(one.people) and all(c.startswith("P-") for c in codes)
    assert {t.source for t in one.ties} | {t.target for t in one.ties} <= codes
    assert not codes & {p.id for p in two.people}  # two exports cannot be linked
    assert not codes & {p.id for p in demo.people}
    salted = pseudonymise(demo, salt=b"s"), pseudonymise(demo, salt=b"s")
    assert salted[0] == salted[1]  # the same salt gives the same codes: they are an HMAC


def test_the_shape_of_the_map_is_kept(demo: MapExport) -> None:
    copy = pseudonymise(demo, k=1)
    assert (len(copy.people), len(copy.ties)) == (len(demo.people), len(demo.ties))
    degree = Counter(x for t in demo.ties for x in (t.source, t.target))
    copied = Counter(x for t in copy.ties for x in (t.source, t.target))
    assert sorted(degree.values()) == sorted(copied.values())
    assert Counter(p.group for p in copy.people) == Counter(p.group for p in demo.people)
    assert sum(t.recruited for t in copy.ties) == sum(t.recruited for t in demo.ties)


def test_no_names_or_free_text_are_left(demo: MapExport) -> None:
    copy = pseudonymise(demo)
    assert {p.name for p in copy.people} == {""} and {p.organisation for p in copy.people} == {
        ""}
    assert copy.description == "" and demo.description


@pytest.mark.parametrize("k", [2, 5, 12])
def test_no_group_or_segment_has_fewer_than_k_people(demo: MapExport, k: int) -> None:
    copy = pseudonymise(demo, k=k)
    counts = Counter(s for p in copy.people for s in set(p.segments))
    counts.update(g for p in copy.people for g in {p.group, *p.other_groups})
    assert counts and min(counts.values()) >= k
    originals = Counter(s for p in demo.people for s in set(p.segments))
    small = {s for s, n in originals.items() if n < k}
    kept = {s for s in counts if ":" in str(s)}
    assert not small & kept  # small segments are merged into '<kind>:other' or dropped
    for segment in copy.expected_segments:
        assert segment in counts or segment not in originals


def test_small_groups_are_left_out_with_their_ties() -> None:
    people = [Person(id=f"g{i}", group="givers_of_service") for i in range(5)]
    people.append(Person(id="lead", group="system_leaders"))
    ties = [Relationship(source="g0", target="lead", relational=2),
            Relationship(source="g0", target="g1", relational=1)]
    copy = pseudonymise(MapExport("m", "", (), people, ties))
    assert {p.group for p in copy.people} == {"givers_of_service"} and len(copy.ties) == 1


def test_k_out_of_range_is_refused(demo: MapExport) -> None:
    with pytest.raises(ValueError, match="k must be between 1 and 1000"):
        pseudonymise(demo, k=0)


@pytest.mark.parametrize("format_name, target", [("csv", "p.zip"), ("kumu-json", "p.json"),
                                                 ("gexf", "p.gexf")])
def test_the_cli_writes_a_file_without_any_name_or_id(
        sqlite: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format_name: str,
        target: str) -> None:
    monkeypatch.setenv("MOVEMAP_STORE", f"sqlite:///{tmp_path / 'store.db'}")
    _demo(sqlite)
    original = _cases(sqlite).export_map("demo")
    result = CliRunner().invoke(main, ["export", "demo", "--format", format_name, "-o",
                                       str(tmp_path / target), "--pseudonymise", "--k", "3"])
    assert result.exit_code == 0, result.output
    path = tmp_path / target
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    else:
        text = path.read_text()
    for person in original.people:
        assert f'"{person.id}"' not in text and f",{person.id}," not in text
        assert not person.name or person.name not in text
    assert original.description not in text
    plain = _export(sqlite, "demo", format_name, tmp_path / f"plain-{target}")
    assert plain.exists()
    if format_name == "kumu-json":
        assert json.loads(text)["movemap"]["description"] == ""
