"""GEXF, GraphML and node-link: round trips give the same map and analysis; what movemap
writes is valid against the published schemas (vendored in tests/data/schemas) and reads in
networkx with the same nodes, edges and attributes; files networkx writes import; malformed
and unsafe XML is refused with its line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import networkx as nx
import pytest
import xmlschema

from graph.analysis import analyse
from graph.errors import ImportFailed
from graph.formats import fmt, infer_format
from graph.stores.base import GraphStore
from graph.stores.sqlite import SQLiteStore
from graph.usecases import map_as_of, map_settings
from tests.test_formats import TODAY, _cases, _demo, _export, _import, assert_round_trip

SCHEMAS = Path(__file__).parent / "data" / "schemas"
FORMATS = [("gexf", "m.gexf"), ("graphml", "m.graphml"), ("node-link", "m.json")]


@pytest.fixture
def sqlite(tmp_path: Path) -> GraphStore:
    return SQLiteStore(f"sqlite:///{tmp_path / 'store.db'}")


def _fails(tmp_path: Path, path: Path) -> str:
    with pytest.raises(ImportFailed) as failed:
        _cases(SQLiteStore(f"sqlite:///{tmp_path / 'x.db'}")).import_tables(
            "bay", fmt(infer_format(path)).read(path))  # type: ignore[misc]
    return str(failed.value)


@pytest.mark.parametrize("format_name, target", FORMATS)
def test_a_graph_format_round_trip_gives_the_same_map_and_analysis(
        sqlite: GraphStore, tmp_path: Path, format_name: str, target: str) -> None:
    _demo(sqlite)
    path = _export(sqlite, "demo", format_name, tmp_path / target)
    assert infer_format(path) == format_name
    assert_round_trip(sqlite, path)


@pytest.mark.parametrize("format_name, target", FORMATS)
def test_an_export_as_of_a_day_imports_as_the_map_of_that_day(
        sqlite: GraphStore, tmp_path: Path, format_name: str, target: str) -> None:
    _demo(sqlite)
    day = TODAY - timedelta(days=300)
    _import(sqlite, "then", _export(sqlite, "demo", format_name, tmp_path / target, as_of=day))
    options = map_settings(sqlite, "demo").options(as_of=day)
    got = analyse(sqlite.load_graph("then"), options).to_dict()
    want = analyse(map_as_of(sqlite, "demo", day), options).to_dict()
    got["constituency"] = want["constituency"] = "X"
    assert json.dumps(got, sort_keys=True, default=str) == json.dumps(
        want, sort_keys=True, default=str)


@pytest.mark.parametrize("format_name, schema", [
    ("gexf", SCHEMAS / "gexf-1.3" / "gexf.xsd"),
    ("graphml", SCHEMAS / "graphml-1.0" / "graphml.xsd")])
def test_written_xml_is_valid_against_the_published_schema(
        sqlite: GraphStore, tmp_path: Path, format_name: str, schema: Path) -> None:
    _demo(sqlite)
    path = _export(sqlite, "demo", format_name, tmp_path / f"m.{format_name}")
    errors = list(xmlschema.XMLSchema(schema).iter_errors(str(path)))
    assert errors == []


def test_networkx_reads_the_gexf_with_attributes_and_spells(sqlite: GraphStore,
                                                            tmp_path: Path) -> None:
    _demo(sqlite)
    export = _cases(sqlite).export_map("demo")
    graph = nx.read_gexf(_export(sqlite, "demo", "gexf", tmp_path / "m.gexf"))
    assert set(graph.nodes) == {p.id for p in export.people}
    assert set(graph.edges) == {(t.source, t.target) for t in export.ties}
    for person in export.people[:50]:
        node = graph.nodes[person.id]
        assert (node["group"], node["formal_power"], node["lived_experience"]) == (
            person.group.value, person.formal_power, person.lived_experience)
        start, end = node.get("spells", [(None, None)])[0]
        assert start == (person.joined.isoformat() if person.joined else None)
    for tie in export.ties[:50]:
        edge = graph.edges[tie.source, tie.target]
        assert (edge["relational"], edge["flow_of_value"], edge["recruited"]) == (
            tie.relational, tie.flow_of_value, tie.recruited)


@pytest.mark.parametrize("format_name, target", FORMATS[1:])
def test_networkx_reads_graphml_and_node_link_with_typed_attributes(
        sqlite: GraphStore, tmp_path: Path, format_name: str, target: str) -> None:
    _demo(sqlite)
    export = _cases(sqlite).export_map("demo")
    path = _export(sqlite, "demo", format_name, tmp_path / target)
    graph = (nx.read_graphml(path) if format_name == "graphml" else
             nx.node_link_graph(json.loads(path.read_text()), edges="edges"))
    assert graph.graph["description"] == export.description
    assert set(graph.edges) == {(t.source, t.target) for t in export.ties}
    for person in export.people[:50]:
        node = graph.nodes[person.id]
        assert (node["group"], node["informal_power"], node["lived_experience"]) == (
            person.group.value, person.informal_power, person.lived_experience)


def _networkx_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node("a", label="Ann", group="people", formal_power=2, lived_experience=True,
                   segments="locality:Barrow")
    graph.add_node("b", label="Bo", group="system_leaders", engagement="leading")
    graph.add_edge("a", "b", relational=3, recruited=True)
    return graph


@pytest.mark.parametrize("writer, name", [(nx.write_gexf, "nx.gexf"),
                                          (nx.write_graphml, "nx.graphml")])
def test_files_written_by_networkx_import(sqlite: GraphStore, tmp_path: Path, writer: object,
                                          name: str) -> None:
    path = tmp_path / name
    writer(_networkx_graph(), path)  # type: ignore[operator]
    _import(sqlite, "nx", path)
    export = _cases(sqlite).export_map("nx")
    people = {p.id: p for p in export.people}
    assert people["a"].name == "Ann" and people["a"].formal_power == 2
    assert people["a"].lived_experience and people["a"].segments == ("locality:Barrow",)
    assert people["b"].group == "system_leaders" and people["b"].engagement == "leading"
    (tie,) = export.ties
    assert (tie.source, tie.target, tie.relational, tie.recruited) == ("a", "b", 3, True)


def test_node_link_data_from_networkx_imports(sqlite: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "nx.json"
    path.write_text(json.dumps(nx.node_link_data(_networkx_graph(), edges="links")))
    _import(sqlite, "nx", path)
    assert {p.name for p in _cases(sqlite).export_map("nx").people} == {"Ann", "Bo"}


GEXF_HEAD = ('<?xml version="1.0"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
             '<graph>\n<attributes class="node"><attribute id="0" title="group" '
             'type="string"/></attributes>\n<nodes>\n')


@pytest.mark.parametrize("name, text, where", [
    ("bad.gexf", GEXF_HEAD + '<node id="a"><attvalues><attvalue for="0" value="patients"/>'
     '</attvalues></node>\n</nodes></graph></gexf>', "bad.gexf, line 6, column 'group': "
     "unknown group 'patients'"),
    ("bad.gexf", GEXF_HEAD + '<node id="a">\n</nodes></graph></gexf>',
     "bad.gexf, line 7: this is not well-formed XML"),
    ("bad.graphml", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n<graph>\n'
     '<node id="a"/>\n<edge source="a" target="zz"/>\n</graph></graphml>',
     "bad.graphml, line 3, column 'group'"),
    ("bad.graphml", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n<graph>\n'
     '<node id="a"/>\n<edge source="a" target="zz"/>\n</graph></graphml>',
     "bad.graphml, line 4, column 'target': target 'zz' is not a person"),
    ("bad.json", '{"nodes": [{"id": "a", "group": "people"}, {"id": "b", "group": "x"}], '
     '"edges": []}', "bad.json, nodes, node 2, column 'group'"),
    ("bad.json", '{"nodes": [{"id": "a", "group": "people"}], "edges": [5]}',
     "bad.json, edges, edge 1: each edge must be an object"),
])
def test_a_malformed_graph_file_names_its_line_or_place(tmp_path: Path, name: str, text: str,
                                                        where: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert where in _fails(tmp_path, path)


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE gexf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE gexf [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
])
def test_unsafe_xml_is_refused_without_expanding_anything(tmp_path: Path,
                                                          declaration: str) -> None:
    path = tmp_path / "evil.gexf"
    path.write_text('<?xml version="1.0"?>\n' + declaration + '\n<gexf version="1.3"><graph>'
                    '<nodes><node id="&b;" label="&x;"/></nodes></graph></gexf>')
    assert "declares a DTD or entities" in _fails(tmp_path, path)


def test_the_cli_exports_and_imports_every_format(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from service.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOVEMAP_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--size", "200"]).exit_code == 0
    want = runner.invoke(main, ["analyse", "demo", "--json"]).output.replace('"demo"', '"X"')
    for number, (format_name, target) in enumerate([("kumu-xlsx", "k.xlsx"),
                                                    ("kumu-json", "k.json"), *FORMATS]):
        out = runner.invoke(main, ["export", "demo", "--format", format_name, "-o", target])
        assert out.exit_code == 0 and f"({format_name})" in out.output, out.output
        copy = f"copy{number}"
        assert runner.invoke(main, ["import", copy, target]).exit_code == 0
        got = runner.invoke(main, ["analyse", copy, "--json"]).output
        assert got.replace(f'"{copy}"', '"X"') == want, format_name
