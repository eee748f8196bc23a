"""Export from the API and the dashboard, and the dashboard's import preview (dry run)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

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
    assert client.get(f"{BAY}/export?format=gexf", headers=headers).status_code in (400, 422)
    outsider = client.get(f"{BAY}/export", headers=bearer(web.tokens["outsider"]))
    assert outsider.status_code in (403, 404)


def test_the_people_page_links_the_downloads_and_they_download(client: FlaskClient,
                                                                web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    html = client.get(f"/c/{MAP}/people").get_data(as_text=True)
    links = re.findall(r'href="(/c/bay/export/[^"]+)"', html)
    assert [link.split("/")[-1] for link in links] == ["xlsx", "csv"]
    assert client.get(links[0]).status_code == 200
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
