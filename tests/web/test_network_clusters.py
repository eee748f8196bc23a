"""The network page's clusters and brokers: the table beside the map, the list of brokers and
the control that highlights them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, sign_in
from test_pages import Page, text

from graph.analysis import Analysis, analyse
from graph.stores.base import open_store


@pytest.fixture
def viewer(client: FlaskClient, web: Web) -> FlaskClient:
    sign_in(client, web.emails["viewer"])
    return client


def _length(values: Any) -> int:
    """How many values a figure's array holds: a list, or plotly's typed array in base64."""
    if isinstance(values, dict):
        return len(base64.b64decode(values["bdata"])) // int(values["dtype"][1:])
    return len(values)


def _analysis(web: Web) -> Analysis:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return analyse(store.load_graph(MAP))
    finally:
        store.close()


def test_the_network_page_summarises_each_cluster_and_lists_the_brokers(
        viewer: FlaskClient, web: Web) -> None:
    analysis = _analysis(web)
    html = text(viewer.get(f"/c/{MAP}/network"))
    assert "<h2 id=\"clusters-heading\">Clusters</h2>" in html
    table = html[html.index("clusters-heading"):html.index("brokers-heading")]
    for cluster in analysis.clusters.listed:
        assert f"<th scope=\"row\">{cluster.id}" in table
        assert f"<td>{cluster.size:,}</td>" in table
    brokers = html[html.index("brokers-heading"):]
    for broker in analysis.brokers.listed:
        assert f"/{broker.id}\">{broker.name}</a>" in brokers
    assert "Highlight them in the picture" in brokers


def test_highlighting_the_brokers_outlines_them_in_the_picture(viewer: FlaskClient,
                                                               web: Web) -> None:
    analysis = _analysis(web)
    plain = json.loads(Page(text(viewer.get(f"/c/{MAP}/network"))).blocks["network-data"])
    assert not [t for t in plain["data"] if t.get("meta") == "brokers"]
    page = text(viewer.get(f"/c/{MAP}/network?brokers=1"))
    figure = json.loads(Page(page).blocks["network-data"])
    (outlined,) = [t for t in figure["data"] if t.get("meta") == "brokers"]
    assert _length(outlined["x"]) == len(analysis.brokers.listed)
    assert 'id="f-brokers" name="brokers" value="1" checked' in page
    assert "Highlight them in the picture" not in page


@pytest.mark.parametrize("query", ["view=clusters", "view=clusters&brokers=1", "brokers=yes",
                                   "brokers=1&name=x", "view=clusters&group=people"])
def test_the_clusters_view_and_odd_queries_render(viewer: FlaskClient, query: str) -> None:
    response = viewer.get(f"/c/{MAP}/network?{query}")
    assert response.status_code == 200
    if "view=clusters" in query:
        assert "One circle per cluster" in text(response)
