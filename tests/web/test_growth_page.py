"""The growth page and its animated image: scoped like every map page, one picture per period
end in the figure, the table and the GIF alike."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from support import MAP, OTHER_MAP, Web, sign_in

from dashboards.animation import MAX_FRAMES
from dashboards.recruitment_figures import MAX_SECTORS
from graph.compact import CompactGraph
from graph.history import Actor
from graph.model import Role
from graph.stores.base import open_store
from graph.usecases import UseCases, map_as_of


@pytest.fixture
def viewer(web: Web) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails["viewer"])
    return client


def _figure(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="animation-data">(.*?)</script>',
                      html, re.S)
    assert match, "the page has no animation data"
    return dict(json.loads(match.group(1)))


def _table_dates(html: str, section: str = "frames") -> list[str]:
    part = html.split(f'<section id="{section}"')[1].split("</section>")[0]
    return re.findall(r'<tr><th scope="row">(\d{4}-\d\d-\d\d)</th>', part)


@pytest.mark.parametrize("interval", ["week", "month", "quarter"])
def test_the_growth_page_shows_a_picture_and_a_table_row_per_period_end(
        viewer: FlaskClient, interval: str) -> None:
    response = viewer.get(f"/c/{MAP}/growth?interval={interval}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    figure = _figure(html)
    frames = [f["name"] for f in figure["frames"]]  # type: ignore[attr-defined]
    assert 1 < len(frames) <= MAX_FRAMES
    assert _table_dates(html) == frames
    assert _table_dates(html, "series") == frames * 2  # the series' two tables, same days
    for chart in ("people-by-group", "core-over-time", "joined-and-left",
                  "engagement-over-time", "leader-growers"):
        assert f'id="{chart}-data"' in html, chart
    assert f'<option value="{interval}" selected>' in html
    assert f'href="/c/{MAP}/growth"' in html and 'aria-current="page">Growth<' in html
    assert f"/c/{MAP}/growth/animation.gif?interval={interval}" in html


def test_an_unknown_interval_shows_months(viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/growth?interval=fortnight").get_data(as_text=True)
    assert '<option value="month" selected>' in html


def test_the_gif_has_one_frame_per_row_of_the_page_and_downloads_as_a_file(
        viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/growth?interval=quarter").get_data(as_text=True)
    response = viewer.get(f"/c/{MAP}/growth/animation.gif?interval=quarter")
    assert response.status_code == 200 and response.mimetype == "image/gif"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="{MAP}-growth-by-quarter.gif"'
    image = Image.open(BytesIO(response.data))
    assert image.format == "GIF" and image.n_frames == len(_table_dates(html))


@pytest.mark.parametrize("path", ["/c/{}/growth", "/c/{}/growth/animation.gif"])
def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path.format(MAP))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/c/{}/growth", "/c/{}/growth/animation.gif"])
def test_another_maps_accounts_and_unknown_maps_get_not_found(
        web: Web, viewer: FlaskClient, path: str) -> None:
    outsider = web.app.test_client()
    sign_in(outsider, web.emails["outsider"])
    assert outsider.get(path.format(MAP)).status_code == 404
    assert viewer.get(path.format(OTHER_MAP)).status_code == 404
    assert viewer.get(path.format("no-such-map")).status_code == 404


def _map_graph(web: Web) -> CompactGraph:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return map_as_of(store, MAP, date.today())
    finally:
        store.close()


def test_the_page_shows_the_recruitment_forest_and_its_leading_recruiters(
        web: Web, viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/growth").get_data(as_text=True)
    graph = _map_graph(web)
    recruited = {graph.ids[t] for t in graph.recruit_target.tolist()}
    assert f"{len(recruited):,} people were brought in by someone" in html
    match = re.search(r'<script type="application/json" id="recruitment-data">(.*?)</script>',
                      html, re.S)
    assert match, "no sunburst on the page"
    sunburst = json.loads(match.group(1))["data"][0]
    assert sunburst["type"] == "sunburst" and len(sunburst["ids"]) <= MAX_SECTORS
    listed = re.findall(r'<caption>The recruiters who grew the most engaged people.*?</caption>'
                        r'(.*?)</table>', html, re.S)
    assert listed and listed[0].count('<th scope="row">') >= 1


def test_the_page_lists_each_organisers_team_with_its_groups(web: Web,
                                                             viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/growth").get_data(as_text=True)
    graph = _map_graph(web)
    declared = int((graph.declared_role == Role.ORGANISER.index).sum())
    assert declared and f"({declared} declared," in html
    section = html.split('id="teams-heading"')[1]
    rows = section.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count('<th scope="row">') >= declared
    assert "Hangs on the organiser" in section


@pytest.fixture
def editor(web: Web) -> FlaskClient:
    client = web.app.test_client()
    sign_in(client, web.emails["editor"])
    return client


def _event_form(client: FlaskClient, **values: str) -> dict[str, str]:
    html = client.get(f"/c/{MAP}/growth").get_data(as_text=True)
    token = re.search(r'name="event-csrf_token"[^>]*value="([^"]+)"', html)
    version = re.search(r'name="event-version"[^>]*value="([^"]*)"', html)
    assert token and version, "no event form on the page"
    return {"event-csrf_token": token.group(1), "event-version": version.group(1),
            **{f"event-{k}": v for k, v in values.items()}}


def _recorded(web: Web) -> list[Any]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return UseCases(store, Actor("tests", "read")).events(MAP)[0]
    finally:
        store.close()


def test_an_editor_records_an_event_with_people_by_name_or_id(web: Web,
                                                              editor: FlaskClient) -> None:
    graph = _map_graph(web)
    names = [n for n in graph.names if n and graph.names.count(n) == 1][:2]
    third = graph.ids[5]
    day = date.today().replace(day=1)
    response = editor.post(f"/c/{MAP}/growth/events?interval=month", data=_event_form(
        editor, date=day.isoformat(), name="Community workshop", kind="workshop",
        people=f"{names[0]}\n\n{names[1]}\n{third}\n"))
    assert response.status_code == 302 and response.headers["Location"].endswith("#events")
    [event] = _recorded(web)
    assert event.event.name == "Community workshop" and event.event.date == day
    assert list(event.event.people) == [graph.ids[graph.names.index(n)] for n in names] + [third]
    html = editor.get(f"/c/{MAP}/growth?interval=month").get_data(as_text=True)
    assert "Community workshop" in html.split('id="events-heading"')[1]
    titles = [f["layout"]["title"]["text"] for f in _figure(html)["frames"]]  # type: ignore
    assert sum("Events: Community workshop" in t for t in titles) == 1


def test_an_event_naming_nobody_is_refused_with_the_line_named(web: Web,
                                                               editor: FlaskClient) -> None:
    response = editor.post(f"/c/{MAP}/growth/events", data=_event_form(
        editor, date="2025-09-29", name="Listening", people="Nobody Atall Here"))
    assert response.status_code == 400
    assert "Line 1: There is nobody called or with the id" in response.get_data(as_text=True)
    assert _recorded(web) == []


def test_an_event_after_today_is_refused_next_to_the_day(web: Web,
                                                         editor: FlaskClient) -> None:
    later = (date.today().replace(day=1) + timedelta(days=40)).isoformat()
    response = editor.post(f"/c/{MAP}/growth/events", data=_event_form(
        editor, date=later, name="Launch"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="event-date-error"' in html
    assert _recorded(web) == []


def test_viewers_cannot_record_events_and_see_no_form(viewer: FlaskClient) -> None:
    html = viewer.get(f"/c/{MAP}/growth").get_data(as_text=True)
    assert "Record an event" not in html
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert token
    response = viewer.post(f"/c/{MAP}/growth/events", data={
        "event-csrf_token": token.group(1), "event-date": "2025-09-29", "event-name": "x"})
    assert response.status_code == 403
    assert viewer.post(f"/c/{MAP}/growth/events", data={}).status_code == 400  # no token


def _column(html: str, section: str, column: int) -> list[str]:
    part = html.split(f'<section id="{section}"')[1].split("</section>")[0]
    body = part.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td>([^<]*)</td>", row)[column - 1]
            for row in body.split("</tr>") if "<td>" in row]


@pytest.mark.parametrize("interval", ["month", "quarter"])
def test_the_pictures_and_the_growth_series_count_the_same_people_and_leavers(
        viewer: FlaskClient, interval: str) -> None:
    html = viewer.get(f"/c/{MAP}/growth?interval={interval}").get_data(as_text=True)
    # the pictures count the map as of each day; the series is its own computation
    assert _column(html, "frames", 1) == _column(html, "series", 1)
    series_left = _column(html, "series", 6)
    assert _column(html, "frames", 3)[1:] == series_left[1:]
    assert _column(html, "frames", 2)[1:] == _column(html, "series", 5)[1:]


def test_each_of_the_latest_events_shows_what_went_with_it_as_the_use_case_words_it(
    web: Web, viewer: FlaskClient,
) -> None:
    from html import unescape

    from graph.analysis.event_effects import NOT_A_CAUSE, effect_sentences
    from graph.events import Event
    from graph.usecases import events_with_effects

    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        cases = UseCases(store, Actor("tests", "test"))
        graph = store.load_graph(MAP)
        for k, days_ago in enumerate((400, 120, 30)):
            cases.add_event(MAP, Event(date=date.today() - timedelta(days=days_ago),
                                       name=f"Listening day {k}", people=graph.ids[k:k + 5]))
        expected = events_with_effects(store, MAP, date.today())
    finally:
        store.close()
    html = unescape(viewer.get(f"/c/{MAP}/growth").get_data(as_text=True))
    events = html.split('id="events-heading"')[1].split("</section>")[0]
    assert len(expected) == 3
    for event, effects in expected:
        row = events.split(event.event.name)[1].split("</tr>")[0]
        lines = [line for line in effect_sentences(effects) if line != NOT_A_CAUSE]
        assert lines and all(line in row for line in lines), event.event.name
        assert NOT_A_CAUSE not in row  # said once, below the table
    assert events.count(NOT_A_CAUSE) == 1
