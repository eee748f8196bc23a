"""The Settings page: viewers read it, editors change the targets, steps, readiness and the
expected segments through the use cases (recorded, undoable), and every page follows."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from support import MAP, Web, csrf_token, sign_in

from graph.history import Actor
from graph.map_settings import MapSettings
from graph.stores.base import open_store
from graph.usecases import UseCases, map_settings

PAGE = f"/c/{MAP}/settings"


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def stored(web: Web) -> tuple[MapSettings, tuple[str, ...]]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return map_settings(store, MAP), store.get_constituency(MAP).expected_segments
    finally:
        store.close()


def version(html: str) -> str:
    found = re.search(r'name="settings-version"[^>]*value="(\d*)"', html) or re.search(
        r'value="(\d*)"[^>]*name="settings-version"', html)
    assert found, html
    return found.group(1)


def settings_form(client: FlaskClient, **values: str) -> dict[str, str]:
    html = text(client.get(PAGE))
    data = {"settings-csrf_token": csrf_token(client, PAGE), "settings-version": version(html),
            "settings-target_core_share": "3", "settings-target_reach": "90",
            "settings-steps": "1", "settings-min_engagement": "",
            "settings-event_window_days": "60"}
    data.update({f"settings-{k}": v for k, v in values.items()})
    return data


@pytest.fixture
def editor(client: FlaskClient, web: Web) -> FlaskClient:
    sign_in(client, web.emails["editor"])
    return client


def test_a_viewer_sees_the_settings_without_forms(client: FlaskClient, web: Web) -> None:
    sign_in(client, web.emails["viewer"])
    html = text(client.get(PAGE))
    assert "Reach target" in html and "90% of everyone else" in html
    assert "60 days before and after each event" in html
    assert "<form method=\"post\" action=\"/c/bay/settings\"" not in html
    assert 'href="/c/bay/settings"' in text(client.get(f"/c/{MAP}/"))  # in the map's navigation
    response = client.post(PAGE, data={"settings-csrf_token": csrf_token(client, PAGE),
                                       "settings-steps": "2"})
    assert response.status_code == 403
    assert stored(web)[0] == MapSettings()


def test_an_outsider_cannot_see_the_page(client: FlaskClient, web: Web) -> None:
    sign_in(client, web.emails["outsider"])
    assert client.get(PAGE).status_code == 404


def test_an_editor_saves_the_settings_and_the_overview_follows(editor: FlaskClient, web: Web
                                                              ) -> None:
    response = editor.post(PAGE, data=settings_form(
        editor, target_core_share="5", target_reach="80", steps="2",
        min_engagement="contributing", event_window_days="30"))
    assert response.status_code == 302, text(response)
    assert stored(web)[0] == MapSettings(target_core_share=0.05, target_reach=0.8, steps=2,
                                         min_engagement="contributing", event_window_days=30)
    overview = text(editor.get(f"/c/{MAP}/"))
    assert "within 2 ties of someone in the core" in overview
    assert "Among people contributing or above" in overview
    history = text(editor.get(f"/c/{MAP}/history"))
    assert ("changed the map: event_window_days, min_engagement, steps, target_core_share, "
            "target_reach") in history


def test_settings_without_the_csrf_token_are_refused(editor: FlaskClient, web: Web) -> None:
    data = settings_form(editor, steps="3")
    del data["settings-csrf_token"]
    assert editor.post(PAGE, data=data).status_code == 400
    assert stored(web)[0] == MapSettings()


@pytest.mark.parametrize(("values", "message"), [
    ({"target_reach": "0"}, "Give a percentage above 0, at most 100."),
    ({"target_core_share": "150"}, "Give a percentage above 0, at most 100."),
    ({"target_reach": "lots"}, "Not a valid float value."),
    ({"steps": "4"}, "Not a valid choice."),
    ({"min_engagement": "keen"}, "Not a valid choice."),
    ({"event_window_days": "3"}, "Give a number of days from 7 to 365."),
    ({"event_window_days": ""}, "Give a number of days."),
])
def test_a_bad_setting_is_refused_next_to_its_field(editor: FlaskClient, web: Web,
                                                    values: dict[str, str], message: str
                                                    ) -> None:
    response = editor.post(PAGE, data=settings_form(editor, **values))
    assert response.status_code == 400
    assert message in text(response)
    assert stored(web)[0] == MapSettings()


def test_settings_saved_over_someone_elses_change_are_refused(editor: FlaskClient, web: Web
                                                             ) -> None:
    stale = settings_form(editor, steps="2")
    editor.post(PAGE, data=settings_form(editor, steps="3"))
    response = editor.post(PAGE, data=stale)
    assert response.status_code == 409
    assert "Nothing was saved" in text(response)
    assert stored(web)[0].steps == 3


def segment_post(client: FlaskClient, path: str, **values: str) -> object:
    html = text(client.get(PAGE))
    token = csrf_token(client, PAGE)
    data = {"csrf_token": token, "segment-csrf_token": token, "version": version(html),
            "segment-version": version(html), **values}
    return client.post(f"{PAGE}/{path}", data=data)


def test_an_editor_adds_renames_and_removes_expected_segments(editor: FlaskClient, web: Web
                                                             ) -> None:
    before = stored(web)[1]
    response = segment_post(editor, "segments", **{"segment-segment": " community : Roma "})
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert stored(web)[1] == (*before, "community:Roma")
    segment_post(editor, "segments/change", old="community:Roma", new="community:Roma people")
    assert stored(web)[1] == (*before, "community:Roma people")
    segment_post(editor, "segments/change", old="community:Roma people", action="remove")
    assert stored(web)[1] == before
    history = text(editor.get(f"/c/{MAP}/history"))
    assert history.count("changed the map: expected_segments") == 3
    page = text(editor.get(PAGE))
    for segment in before:
        assert segment in page


def test_renaming_a_segment_someone_removed_changes_nothing(editor: FlaskClient, web: Web
                                                           ) -> None:
    before = stored(web)[1]
    response = segment_post(editor, "segments/change", old="locality:Nowhere", new="x:y")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert stored(web)[1] == before


def test_an_empty_segment_is_refused(editor: FlaskClient, web: Web) -> None:
    before = stored(web)[1]
    response = segment_post(editor, "segments", **{"segment-segment": "   "})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert stored(web)[1] == before


def test_the_overview_lists_the_ready_beside_anyone_with_engagement_and_whom_they_bring(
        client: FlaskClient, web: Web) -> None:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        UseCases(store, Actor("lead@example.org", "test")).set_settings(
            MAP, MapSettings(min_engagement="supporting"))
    finally:
        store.close()
    sign_in(client, web.emails["viewer"])
    html = text(client.get(f"/c/{MAP}/"))
    anyone, ready = html.split('id="ready-heading"')
    assert 'id="anyone-heading">From anyone' in anyone
    rows = re.findall(r"<tr><td>\d+</td><td><a [^>]+>[^<]+</a></td><td>[^<]*</td><td>([^<]*)</td>"
                      r"\s*<td>(\d+) more (?:person|people) in conversation with the core"
                      r"(?:: ([^<]*))?</td></tr>", ready)
    assert rows, ready
    for engagement, gain, brings in rows:
        assert engagement in {"supporting", "contributing", "leading"}
        counts = [int(n) for n in re.findall(r"(\d+) (?:of the people|givers?|leaders?)", brings)]
        assert sum(counts) == int(gain)
