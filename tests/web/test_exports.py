"""Export from the API and the dashboard, and the dashboard's import preview (dry run)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from flask.testing import FlaskClient
from support import MAP, Web, bearer, csrf_token, sign_in

from graph.formats.xlsx import read_xlsx
from graph.history import Actor
from graph.importer import load_tables
from graph.stores.base import open_store
from graph.usecases import UseCases

BAY = f"/api/v1/constituencies/{MAP}"


def _map(web: Web) -> tuple[int, int]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        graph = store.load_graph(MAP)
        return graph.n, graph.m
    finally:
        store.close()


def test_the_api_exports_a_workbook_that_reads_back_as_the_map(client: FlaskClient, web: Web,
                                                               tmp_path: Path) -> None:
    response = client.get(f"{BAY}/export?format=xlsx", headers=bearer(web.tokens["viewer"]))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f'filename="{MAP}.xlsx"' in response.headers["Content-Disposition"]
    path = tmp_path / "bay.xlsx"
    path.write_bytes(response.data)
    people, ties, _ = load_tables(read_xlsx(path))
    assert (len(people), len(ties)) == _map(web)


def test_the_api_exports_the_csv_zip_as_of_a_day_and_refuses_unknown_formats(
        client: FlaskClient, web: Web) -> None:
    headers = bearer(web.tokens["viewer"])
    response = client.get(f"{BAY}/export?format=csv&as_of=2020-01-01", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "bay-2020-01-01-csv.zip" in response.headers["Content-Disposition"]
    assert client.get(f"{BAY}/export?format=pdf", headers=headers).status_code in (400, 422)
    outsider = client.get(f"{BAY}/export", headers=bearer(web.tokens["outsider"]))
    assert outsider.status_code in (403, 404)


def test_the_people_page_links_the_downloads_and_they_download(client: FlaskClient,
                                                                web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    html = client.get(f"/c/{MAP}/people").get_data(as_text=True)
    links = re.findall(r'href="(/c/bay/export/[^"]+)"', html)
    formats = ["xlsx", "csv", "kumu-xlsx", "kumu-json", "gexf", "graphml", "node-link"]
    assert [link.split("/")[-1].split("?")[0] for link in links] == formats * 2
    for link in links:  # every format, plain and pseudonymised
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and response.data
    shared = client.get(f"/c/{MAP}/export/node-link?pseudonymise=yes")
    assert "pseudonymised" in shared.headers["Content-Disposition"]
    assert not any(n.get("name") for n in json.loads(shared.data)["nodes"])
    assert client.get(f"/c/{MAP}/export/pdf").status_code == 404


def test_the_import_preview_lists_the_changes_and_writes_nothing(client: FlaskClient,
                                                                  web: Web) -> None:
    sign_in(client, web.emails["editor"])
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        first = UseCases(store, Actor("t", "t")).export_map(MAP).people[0]
    finally:
        store.close()
    before = _map(web)
    token = csrf_token(client, f"/c/{MAP}/people")
    rows = io.StringIO()
    csv.writer(rows).writerows([["id", "name", "organisation", "group"],
                                [first.id, first.name, first.organisation, first.group.value],
                                ["new-1", first.name, first.organisation, "people"]])
    people = rows.getvalue()
    response = client.post(f"/c/{MAP}/import", data={
        "import-csrf_token": token, "import-dry_run": "y",
        "import-people": (io.BytesIO(people.encode()), "people.csv"),
        "import-relationships": (io.BytesIO(b"source,target\n"), "relationships.csv"),
    }, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Preview of the import: nothing was written" in html
    assert f"new-1 is like {first.id} (in the map)" in html
    assert _map(web) == before


@pytest.mark.parametrize("format_name", ["kumu-xlsx", "kumu-json", "gexf", "graphml",
                                         "node-link"])
def test_the_api_exports_every_format_and_imports_it_back_as_one_file(
        client: FlaskClient, web: Web, format_name: str) -> None:
    viewer, editor = bearer(web.tokens["viewer"]), bearer(web.tokens["editor"])
    response = client.get(f"{BAY}/export?format={format_name}", headers=viewer)
    assert response.status_code == 200, response.get_data(as_text=True)
    name = response.headers["Content-Disposition"].split('"')[1]
    before = _map(web)
    dry = client.post(f"{BAY}/import", headers=editor, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(response.data), name), "dry_run": "yes"})
    assert dry.status_code == 200, dry.get_data(as_text=True)
    assert dry.json["dry_run"] is True and "people" in dry.json["plan"]
    again = client.post(f"{BAY}/import", headers=editor, content_type="multipart/form-data",
                        data={"file": (io.BytesIO(response.data), name)})
    assert again.status_code == 200 and again.json["changed"] is False  # the same map
    assert _map(web) == before


def test_the_api_pseudonymised_export_has_no_names(client: FlaskClient, web: Web) -> None:
    response = client.get(f"{BAY}/export?format=kumu-json&pseudonymise=true&k=2",
                          headers=bearer(web.tokens["viewer"]))
    assert response.status_code == 200
    document = json.loads(response.data)
    assert all(e["_id"].startswith("P-") for e in document["elements"])
    assert client.get(f"{BAY}/export?format=gexf&pseudonymise=true&k=0",
                      headers=bearer(web.tokens["viewer"])).status_code == 400


def test_an_uploaded_file_with_problems_is_named_by_the_api(client: FlaskClient,
                                                            web: Web) -> None:
    text = b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n<graph>\n<node id="a"/>' \
           b"\n</graph></graphml>"
    response = client.post(f"{BAY}/import", headers=bearer(web.tokens["editor"]),
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text), "my map.graphml")})
    assert response.status_code == 422
    problem = response.json["problems"][0]
    assert (problem["file"], problem["line"], problem["column"]) == ("my map.graphml", 3,
                                                                     "group")
    lone = client.post(f"{BAY}/import", headers=bearer(web.tokens["editor"]),
                       content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"id,group\n"), "people.csv")})
    assert lone.status_code == 422 and "two files" in lone.json["message"]


def test_the_dashboard_imports_one_map_file_with_a_preview(client: FlaskClient,
                                                            web: Web) -> None:
    sign_in(client, web.emails["editor"])
    data = client.get(f"/c/{MAP}/export/gexf").data
    before = _map(web)
    token = csrf_token(client, f"/c/{MAP}/people")
    response = client.post(f"/c/{MAP}/import", data={
        "import-csrf_token": token, "import-dry_run": "y",
        "import-people": (io.BytesIO(data), "bay.gexf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Preview of the import: nothing was written" in html
    assert _map(web) == before


def _node_link(response: Any) -> tuple[set[str], set[frozenset[str]], dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    document = json.loads(response.data)
    return ({n["id"] for n in document["nodes"]},
            {frozenset((e["source"], e["target"])) for e in document["edges"]}, document)


def test_the_api_exports_the_core_s_neighbourhood_as_networkx_finds_it(
        client: FlaskClient, web: Web) -> None:
    headers = bearer(web.tokens["viewer"])
    _, _, whole = _node_link(client.get(f"{BAY}/export?format=node-link", headers=headers))
    graph = nx.node_link_graph(whole, edges="edges").to_undirected()
    core = [n for n, d in graph.nodes(data=True)
            if d.get("engagement") == "leading" or d.get("role")]
    near = set().union(*(nx.ego_graph(graph, c, radius=2).nodes for c in core))
    response = client.get(f"{BAY}/export?format=node-link&around_core=2", headers=headers)
    people, ties, document = _node_link(response)
    assert core and people == near
    assert ties == {frozenset(e) for e in graph.subgraph(near).edges}
    assert document["graph"]["view"] == "the engaged core and everyone within 2 ties of it"
    assert f'filename="{MAP}-view-node-link.json"' in response.headers["Content-Disposition"]
    shared, _, _ = _node_link(client.get(
        f"{BAY}/export?format=node-link&around_core=2&pseudonymise=true&k=1", headers=headers))
    assert len(shared) == len(near) and all(p.startswith("P-") for p in shared)


@pytest.mark.parametrize("query, field, status", [
    ("around_core=9", "around_core", 400), ("group=patients", "group", 400),
    ("core=maybe", "core", 400), ("role=boss", "role", 400),
    ("segment=nowhere", "segment", 422),  # well formed: this map just has nobody there
    ("engagement=keen", "engagement", 400)])
def test_a_bad_view_parameter_is_refused_naming_it(client: FlaskClient, web: Web, query: str,
                                                   field: str, status: int) -> None:
    response = client.get(f"{BAY}/export?format=xlsx&{query}",
                          headers=bearer(web.tokens["viewer"]))
    assert response.status_code == status, response.get_data(as_text=True)
    assert [p["field"] for p in response.json["problems"]] == [field]


def test_the_people_page_downloads_what_its_filters_show(client: FlaskClient,
                                                          web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    html = client.get(f"/c/{MAP}/people?group=people&core=no").get_data(as_text=True)
    links = [link.replace("&amp;", "&")
             for link in re.findall(r'href="(/c/bay/export/[^"]+)"', html)]
    assert len(links) == 14 and all("group=people" in a and "core=no" in a for a in links)
    node_link = next(a for a in links if "/node-link" in a and "pseudonymise" not in a)
    people, _, document = _node_link(client.get(node_link))
    listed = client.get(f"{BAY}/people?limit=1000", headers=bearer(web.tokens["viewer"])).json
    shown = {p["id"] for p in listed["items"] if p["group"] == "people"
             and p["engagement"] != "leading" and not p.get("role")}
    assert people and people == shown
    assert document["graph"]["view"] == "not in the engaged core; main group people"
    assert client.get(f"/c/{MAP}/export/xlsx?around_core=x").status_code == 400


def test_the_people_page_says_which_filters_a_download_cannot_carry(client: FlaskClient,
                                                                     web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    html = client.get(f"/c/{MAP}/people?reached=no").get_data(as_text=True)
    assert "The reached filter is not carried into the download." in html
    assert "reached=" not in "".join(re.findall(r'href="(/c/bay/export/[^"]+)"', html))
