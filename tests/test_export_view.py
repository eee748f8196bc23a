"""Exporting a view of a map (``graph.export_view``): the people a view keeps are those of a
plain reference selection (networkx ego graphs for the core's neighbourhood, a plain filter
for the rest), with only the ties between them; a view imports back as that sub-map; the file
says which view it holds; pseudonymised and as-of exports combine with it; bad values name
the parameter."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pytest

from graph.demo import demo_constituency
from graph.demo_history import demo_history
from graph.export_view import ExportView, InvalidView
from graph.formats import fmt, infer_format
from graph.formats.rows import MapExport
from graph.history import Actor
from graph.model import Person
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from graph.usecases import UseCases
from tests.test_formats import cli

TODAY = date.today()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """The demo map with two years of history (read only by the tests but for new maps)."""
    path = tmp_path_factory.mktemp("view") / "store.db"
    store = SQLiteStore(f"sqlite:///{path}")
    cases = UseCases(store, Actor("tests", "cli"))
    constituency, people, ties = demo_constituency(seed=3, size=200, as_of=TODAY)
    cases.create_constituency(constituency.model_copy(update={"name": "demo"}))
    for snapshot in demo_history(people, ties, as_of=TODAY, seed=3).snapshots:
        cases.import_records("demo", snapshot.people, snapshot.ties, on=snapshot.on,
                             replace=True, undated_since_always=True)
    return store


def _cases(store: GraphStore) -> UseCases:
    return UseCases(store, Actor("tests", "cli"))


def _graph(export: MapExport) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(p.id for p in export.people)
    graph.add_edges_from((t.source, t.target) for t in export.ties)
    return graph


def _pairs(export: MapExport) -> set[frozenset[str]]:
    return {frozenset((t.source, t.target)) for t in export.ties}


def _reference(whole: MapExport, keep: set[str]) -> tuple[set[str], set[frozenset[str]]]:
    """The people ``keep`` and the ties of the whole map between them (networkx subgraph)."""
    sub = _graph(whole).subgraph(keep)
    return set(sub.nodes), {frozenset(e) for e in sub.edges}


@pytest.mark.parametrize("hops", [1, 2])
@pytest.mark.parametrize("as_of", [None, TODAY - timedelta(days=300)])
def test_around_core_keeps_the_core_and_its_ego_graphs(store: GraphStore, hops: int,
                                                       as_of: date | None) -> None:
    cases = _cases(store)
    whole = cases.export_map("demo", as_of=as_of)
    view = cases.export_map("demo", as_of=as_of, view=ExportView(around_core=hops))
    graph = _graph(whole)
    core = [p.id for p in whole.people if p.in_core]
    assert core and len(view.people) < len(whole.people)
    near = set().union(*(nx.ego_graph(graph, c, radius=hops).nodes for c in core))
    people, ties = _reference(whole, near)
    assert {p.id for p in view.people} == people and _pairs(view) == ties
    assert (view.description, view.expected_segments) == (whole.description,
                                                          whole.expected_segments)


def test_filters_keep_the_people_a_plain_filter_keeps(store: GraphStore) -> None:
    cases = _cases(store)
    whole = cases.export_map("demo")
    segment = sorted({s for p in whole.people for s in p.segments})[0]

    def plain(p: Person) -> bool:
        return (segment in p.segments and p.group.value == "givers_of_service"
                and not p.in_core)
    view = cases.export_map("demo", view=ExportView(segment=segment, group="givers_of_service",
                                                    core=False))
    people, ties = _reference(whole, {p.id for p in whole.people if plain(p)})
    assert people and {p.id for p in view.people} == people and _pairs(view) == ties
    leading = cases.export_map("demo", view=ExportView(engagement="leading", role="none"))
    assert {p.id for p in leading.people} == {
        p.id for p in whole.people if p.engagement.value == "leading" and p.role is None}


@pytest.mark.parametrize("format_name, target", [("xlsx", "v.xlsx"), ("csv", "v.zip"),
                                                 ("gexf", "v.gexf"), ("graphml", "v.graphml"),
                                                 ("node-link", "v.json"),
                                                 ("kumu-json", "v-kumu.json")])
def test_a_view_imports_back_as_that_sub_map(store: GraphStore, tmp_path: Path,
                                             format_name: str, target: str) -> None:
    cases = _cases(store)
    view = cases.export_map("demo", view=ExportView(around_core=1, group="people"))
    path = tmp_path / target
    write = fmt(format_name, writing=True).write
    assert write is not None
    write(view, path)
    if format_name not in ("xlsx", "csv"):  # a text file says its view (the map sheet: below)
        assert b"engaged core and everyone within 1 tie of it; main group people" in \
            path.read_bytes()
    read = fmt(infer_format(path)).read
    assert read is not None
    name = f"copy-{format_name}"
    cases.import_tables(name, read(path))
    copied = cases.export_map(name)
    assert copied.people == view.people and copied.ties == view.ties
    assert (copied.description, copied.expected_segments) == (view.description,
                                                              view.expected_segments)


def test_the_map_sheet_says_which_view_the_file_holds(store: GraphStore,
                                                       tmp_path: Path) -> None:
    import zipfile

    view = _cases(store).export_map("demo", view=ExportView(core=True))
    write = fmt("csv", writing=True).write
    assert write is not None
    write(view, tmp_path / "v.zip")
    with zipfile.ZipFile(tmp_path / "v.zip") as archive:
        sheet = archive.read("map.csv").decode()
    assert "view,in the engaged core" in sheet
    whole = _cases(store).export_map("demo")
    write(whole, tmp_path / "w.zip")
    with zipfile.ZipFile(tmp_path / "w.zip") as archive:
        assert "view" not in archive.read("map.csv").decode()


def test_a_pseudonymised_view_as_of_a_day_has_the_view_s_people_under_codes(
        store: GraphStore) -> None:
    cases = _cases(store)
    day = TODAY - timedelta(days=200)
    plain = cases.export_map("demo", as_of=day, view=ExportView(around_core=1))
    shared = cases.export_map("demo", as_of=day, view=ExportView(around_core=1),
                              pseudonymise_k=1)
    assert len(shared.people) == len(plain.people) and len(shared.ties) == len(plain.ties)
    assert all(p.id.startswith("P-") and not p.name for p in shared.people)
    rare = cases.export_map("demo", view=ExportView(segment=_rarest(cases)), pseudonymise_k=50)
    assert rare.view.segment is not None and rare.view.segment.endswith("other")


def _rarest(cases: UseCases) -> str:
    held = [s for p in cases.export_map("demo").people for s in p.segments if ":" in s]
    return min(sorted(set(held)), key=held.count)


@pytest.mark.parametrize("values, field", [
    ({"group": "patients"}, "group"), ({"engagement": "keen"}, "engagement"),
    ({"role": "boss"}, "role"), ({"around_core": 0}, "around_core"),
    ({"around_core": 7}, "around_core"), ({"segment": "x" * 100_000}, "segment")])
def test_a_bad_view_names_its_parameter(values: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidView) as caught:
        ExportView.of(values)
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")


def test_a_segment_nobody_holds_is_refused_naming_segment(store: GraphStore) -> None:
    with pytest.raises(InvalidView, match="^segment: nobody in the map holds 'locality:Mars'"):
        _cases(store).export_map("demo", view=ExportView(segment="locality:Mars"))


def test_cli_exports_a_view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli(tmp_path, monkeypatch)
    run("demo", "--size", "200")
    out = run("export", "demo", "--format", "node-link", "-o", "v.json", "--around-core", "1",
              "--pseudonymise", "--k", "1")
    assert "the engaged core and everyone within 1 tie of it" in out
    document = json.loads((tmp_path / "v.json").read_text())
    assert document["graph"]["view"] == "the engaged core and everyone within 1 tie of it"
    assert "--around-core" in run("export", "demo", "--format", "gexf", "-o", "x.gexf",
                                  "--around-core", "9", code=2)
    assert "segment: nobody in the map holds" in run(
        "export", "demo", "--format", "gexf", "-o", "x.gexf", "--segment", "nowhere", code=1)


@pytest.mark.parametrize("format_name, schema", [("gexf", "gexf-1.3/gexf.xsd"),
                                                 ("graphml", "graphml-1.0/graphml.xsd")])
def test_a_view_s_xml_is_valid_against_the_published_schema(
        store: GraphStore, tmp_path: Path, format_name: str, schema: str) -> None:
    import xmlschema

    view = _cases(store).export_map("demo", view=ExportView(around_core=1, role="none"))
    path = tmp_path / f"v.{format_name}"
    write = fmt(format_name, writing=True).write
    assert write is not None
    write(view, path)
    assert b"no declared role" in path.read_bytes()
    schemas = Path(__file__).parent / "data" / "schemas"
    assert list(xmlschema.XMLSchema(schemas / schema).iter_errors(str(path))) == []
