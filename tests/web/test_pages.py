"""The dashboard's pages with Flask's test client: every page renders for a viewer with its
figures as JSON data blocks, the forms change the map (with CSRF, for editors only) and say what
is wrong next to the field, and the CSV import is all-or-nothing with line-numbered problems."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, csrf_token, sign_in

from graph.history import Actor
from graph.map_settings import MapSettings
from graph.model import Person, Relationship
from graph.stores.base import open_store
from graph.usecases import UseCases
from graph.wording import share_text

PAGES = {
    f"/c/{MAP}/": "overview",
    f"/c/{MAP}/network": "network",
    f"/c/{MAP}/gaps": "gaps and missing voices",
    f"/c/{MAP}/roles": "roles",
    f"/c/{MAP}/people": "people",
    f"/c/{MAP}/summary": "where the movement stands",
}


class Page(HTMLParser):
    """The parts of a page the tests look at: h1, scripts, data blocks, ids, current nav link."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.h1 = ""
        self.scripts: list[dict[str, str | None]] = []
        self.blocks: dict[str, str] = {}
        self.ids: dict[str, dict[str, str | None]] = {}
        self.current: list[str] = []
        self._in: str | None = None
        self._block: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[str(a["id"])] = a
        if tag == "h1":
            self._in = "h1"
        if tag == "script":
            self.scripts.append(a)
            if a.get("type") == "application/json":
                self._block = str(a.get("id"))
                self._text = []
        if tag == "a" and a.get("aria-current") == "page":
            self._in = "current"
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in = None
        if tag == "script" and self._block:
            self.blocks[self._block] = "".join(self._text)
            self._block = None
        if tag == "a" and self._in == "current":
            self.current.append("".join(self._text).strip())
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1 += data
        if self._block or self._in == "current":
            self._text.append(data)


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def viewer(client: FlaskClient, web: Web) -> FlaskClient:
    sign_in(client, web.emails["viewer"])
    return client


@pytest.fixture
def editor(client: FlaskClient, web: Web) -> FlaskClient:
    sign_in(client, web.emails["editor"])
    return client


def facts(client: FlaskClient) -> dict[str, int]:
    """The overview's headline numbers."""
    html = text(client.get(f"/c/{MAP}/"))
    found = dict(re.findall(r"<dt>([^<]+)</dt><dd>([\d,]+)", html))
    reached = re.search(r"in conversation with ([\d,]+) of the", html)
    assert reached, html
    numbers = {k: int(v.replace(",", "")) for k, v in found.items()}
    numbers["reached"] = int(reached.group(1).replace(",", ""))
    return numbers


def people_in_store(web: Web, name: str = MAP) -> dict[str, Person]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return {p.id: p for p in store.iter_people(name)}
    finally:
        store.close()


def ties_in_store(web: Web, name: str = MAP) -> list[Relationship]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return list(store.iter_relationships(name))
    finally:
        store.close()


def isolated(web: Web) -> str:
    """Someone in the map with no ties and outside the core (the demo plants a few)."""
    tied = {x for r in ties_in_store(web) for x in (r.source, r.target)}
    return next(pid for pid, p in sorted(people_in_store(web).items())
                if pid not in tied and not p.in_core)


def person_form(token: str, **values: object) -> dict[str, object]:
    data: dict[str, object] = {"person-csrf_token": token, "person-group": "people",
                               "person-formal_power": "0", "person-informal_power": "0",
                               "person-engagement": "unengaged", "person-role": ""}
    data.update({f"person-{k}": v for k, v in values.items()})
    return data


def tie_form(token: str, person: str, other: str, **values: object) -> dict[str, object]:
    data: dict[str, object] = {"tie-csrf_token": token, "tie-person": person, "tie-other": other,
                               "tie-relational": "1", "tie-functional": "0",
                               "tie-flow_of_value": "0", "tie-recruited": "no"}
    data.update({f"tie-{k}": v for k, v in values.items()})
    return data


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_renders_for_a_viewer_with_figures_as_json(viewer: FlaskClient,
                                                             path: str) -> None:
    response = viewer.get(path)
    assert response.status_code == 200
    page = Page(text(response))
    assert PAGES[path] in page.h1 and MAP in page.h1
    assert len(page.current) == 1  # the nav marks the page it is on
    for block_id, block in page.blocks.items():
        figure = json.loads(block)
        assert figure["data"], block_id
        assert figure["layout"]["title"]["text"], block_id
        container = block_id.removesuffix("-data")
        assert page.ids[container]["data-figure"] == block_id
    expected = {"overview": 3, "network": 1, "gaps and missing voices": 3, "roles": 1,
                "people": 0, "where the movement stands": 0}[PAGES[path]]
    assert len(page.blocks) == expected


@pytest.mark.parametrize("path", [*PAGES, "/"])
def test_pages_run_no_inline_script_and_load_nothing_from_elsewhere(viewer: FlaskClient,
                                                                   path: str) -> None:
    page = Page(text(viewer.get(path)))
    for script in page.scripts:
        if script.get("type") == "application/json":
            continue
        source = script.get("src")
        assert source and source.startswith("/"), script  # our own origin, no inline code
    assert "cdn" not in text(viewer.get(path)).lower()


def test_plotly_js_is_served_by_the_app_itself(client: FlaskClient) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"plotly" in response.get_data()[:2000].lower()
    assert client.get("/static/movemap.js").status_code == 200


def test_figure_json_cannot_close_its_script_block(editor: FlaskClient, web: Web) -> None:
    token = csrf_token(editor, f"/c/{MAP}/people")
    name = "</script><script>alert(1)</script>"
    response = editor.post(f"/c/{MAP}/people", data=person_form(
        token, id="tricky", name=name, engagement="leading"))
    assert response.status_code == 302
    html = text(editor.get(f"/c/{MAP}/network?person=tricky"))
    assert "<script>alert(1)" not in html
    for block in Page(html).blocks.values():
        json.loads(block)


def test_home_lists_maps_with_size_and_core_reach(viewer: FlaskClient) -> None:
    html = text(viewer.get("/"))
    assert f'href="/c/{MAP}/"' in html
    assert "Core reach" in html and re.search(r"\d+%", html)
    assert OTHER_MAP not in html  # not granted to this user


def test_overview_names_the_targets_the_gaps_and_whom_to_engage_next(
    viewer: FlaskClient
) -> None:
    html = text(viewer.get(f"/c/{MAP}/"))
    for words in ("target 3%", "target 90%", "The most serious gaps", "Whom to engage next",
                  "more people in conversation with the core"):
        assert words in html


def test_overview_shows_the_reach_curve_with_the_analysis_numbers_and_what_it_means(
    viewer: FlaskClient, web: Web
) -> None:
    token = web.tokens["viewer"]
    curve = web.app.test_client().get(f"/api/v1/constituencies/{MAP}/analysis", headers={
        "Authorization": f"Bearer {token}"}).json["core"]["reach_by_steps"]
    assert list(curve) == ["1", "2", "3"] and curve["1"] <= curve["2"] <= curve["3"]
    html = viewer.get(f"/c/{MAP}/").get_data(as_text=True)
    row = re.search(r"People outside the core reached</th>(.*?)</tr>", html)
    assert row is not None
    assert re.findall(r">([\d.]+%)</td>", row.group(1)) == [
        share_text(share, below=0.9) for share in curve.values()]
    assert "counts the conversations people have" in text(viewer.get(f"/c/{MAP}/"))


def test_the_summary_has_the_overviews_numbers_gaps_and_people_to_engage_on_one_page(
        viewer: FlaskClient, web: Web) -> None:
    token = web.tokens["viewer"]
    analysis = web.app.test_client().get(f"/api/v1/constituencies/{MAP}/analysis", headers={
        "Authorization": f"Bearer {token}"}).json
    overview = viewer.get(f"/c/{MAP}/").get_data(as_text=True)
    assert f'href="/c/{MAP}/summary"' in overview
    html = viewer.get(f"/c/{MAP}/summary").get_data(as_text=True)
    plain = text(viewer.get(f"/c/{MAP}/summary"))
    core = analysis["core"]
    assert f"{len(core['members']):,}" in html and f"{analysis['size']:,}" in html
    assert share_text(core["reach"], below=0.9) in plain
    for share in core["reach_by_steps"].values():
        assert share_text(share, below=0.9) in plain
    kinds = {g["kind"] for g in analysis["gaps"]}
    assert 0 < html.count('class="gap sev-') <= min(4, len(kinds))
    assert len(re.findall(r"<li><a href=\"/c/[^/]+/people/", html)) == min(
        5, len(analysis["recommended_core"]["added"]))
    assert "<form" not in html.split("<main", 1)[1]  # nothing to fill in on paper


def test_the_summary_is_only_for_those_with_a_role_on_the_map(
        client: FlaskClient, web: Web) -> None:
    assert client.get(f"/c/{MAP}/summary").status_code == 302  # to the sign-in page
    sign_in(client, web.emails["outsider"])
    assert client.get(f"/c/{MAP}/summary").status_code in (403, 404)


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_the_headline_reach_counts_the_maps_steps_and_reads_as_in_the_curve_and_chart(
    viewer: FlaskClient, web: Web, steps: int
) -> None:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        UseCases(store, Actor("lead@example.org", "test")).set_settings(
            MAP, MapSettings(steps=steps))
    finally:
        store.close()
    html = text(viewer.get(f"/c/{MAP}/"))
    headline = re.search(r"<dt>Core reach</dt><dd>([\d.]+%) <span class=\"muted\">\(within "
                         r"(\d) tie", html)
    assert headline is not None and int(headline.group(2)) == steps
    current = re.search(r'<td class="current">([\d.]+%)</td>', html)
    assert current is not None and current.group(1) == headline.group(1)
    chart = json.loads(Page(html).blocks["core-targets-data"])
    reach_bar = next(t for t in chart["data"] if t.get("y") == ["Reach"] and t["type"] == "bar")
    assert reach_bar["text"] == [headline.group(1)]


def test_gaps_page_shows_every_gap_segments_matrix_and_single_points_of_failure(
    viewer: FlaskClient
) -> None:
    html = text(viewer.get(f"/c/{MAP}/gaps"))
    assert html.count('class="gap sev-') >= 5
    assert "Millom (locality)" in html and "nobody in the map" in html
    assert "Single points of failure" in html
    figure = json.loads(Page(html).blocks["group-ties-data"])
    assert [t["type"] for t in figure["data"]] == ["heatmap"] * 3


def test_roles_page_compares_declared_and_inferred_roles_with_reasons(viewer: FlaskClient) -> None:
    html = text(viewer.get(f"/c/{MAP}/roles"))
    assert "Lone wolves at risk" in html and "fits" in html
    differ = text(viewer.get(f"/c/{MAP}/roles?show=differ"))
    assert "the map suggests" in differ
    assert viewer.get(f"/c/{MAP}/roles?show=nonsense&page=abc").status_code == 200


def test_people_search_finds_by_name_and_id(viewer: FlaskClient, web: Web) -> None:
    someone = next(p for p in people_in_store(web).values() if p.name)
    html = text(viewer.get(f"/c/{MAP}/people", query_string={"q": someone.name.upper()}))
    assert someone.id in html and "matching" in html
    assert "Nobody found" in text(viewer.get(f"/c/{MAP}/people?q=zzzz-nobody"))


def test_person_page_shows_details_ties_and_neighbourhood(viewer: FlaskClient, web: Web) -> None:
    tie = ties_in_store(web)[0]
    html = text(viewer.get(f"/c/{MAP}/people/{tie.source}"))
    assert tie.target in html and "Neighbourhood" in html and "1 step out" in html
    assert "Add or change a tie" not in html  # no forms for a viewer
    assert viewer.get(f"/c/{MAP}/people/no-such-person").status_code == 404


def test_network_filters_re_render_and_bad_values_never_fail(viewer: FlaskClient) -> None:
    everyone = Page(text(viewer.get(f"/c/{MAP}/network"))).blocks["network-data"]
    filtered = text(viewer.get(f"/c/{MAP}/network", query_string={
        "trust": "flow_of_value", "min_strength": "2", "group": "people",
        "engagement": "1", "view": "people"}))
    assert "flow of value trust of 2 or more" in filtered
    assert len(Page(filtered).blocks["network-data"]) < len(everyone)
    for query in ("trust=love&min_strength=99", "engagement=-4&view=3d", "segment=nowhere",
                  "person=nobody&steps=banana"):
        assert viewer.get(f"/c/{MAP}/network?{query}").status_code == 200


def test_network_views_say_what_they_show(viewer: FlaskClient) -> None:
    assert "Every person and every tie" in text(viewer.get(f"/c/{MAP}/network"))
    segments = text(viewer.get(f"/c/{MAP}/network?view=segments"))
    assert "One circle per segment" in segments
    assert "nobody yet" in Page(segments).blocks["network-data"]
    core = text(viewer.get(f"/c/{MAP}/network?view=core"))
    assert "The engaged core and the people one tie from them" in core


def test_clicking_a_person_gets_their_neighbourhood_as_json(viewer: FlaskClient,
                                                           web: Web) -> None:
    tie = ties_in_store(web)[0]
    response = viewer.get(f"/c/{MAP}/network/person", query_string={"id": tie.source,
                                                                     "steps": 2})
    assert response.status_code == 200
    body = response.get_json()
    assert body["person"]["id"] == tie.source and body["steps"] == 2
    assert [r["step"] for r in body["rings"]] == [1, 2]
    assert tie.target in {p["id"] for p in body["rings"][0]["people"]}
    assert len(body["around"]) == body["total"] and tie.target in body["around"]
    missing = viewer.get(f"/c/{MAP}/network/person?id=nobody")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    server_side = text(viewer.get(f"/c/{MAP}/network?person={tie.source}&steps=2"))
    assert "2 steps out" in server_side


def test_pages_of_a_map_are_hidden_from_people_without_a_role(client: FlaskClient,
                                                             web: Web) -> None:
    assert client.get(f"/c/{MAP}/").status_code == 302  # not signed in: to the sign-in page
    sign_in(client, web.emails["outsider"])
    for path in [*PAGES, f"/c/{MAP}/network/person?id=p0001", f"/c/{OTHER_MAP}/"]:
        assert client.get(path).status_code == 404, path


def test_the_layout_is_computed_once_per_map_not_per_request(
    viewer: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import service.pages as pages

    calls = []
    real = pages.compute_layout

    def counting(graph: object, **kwargs: object) -> object:
        calls.append(1)
        return real(graph, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "compute_layout", counting)
    for query in ("", "?view=segments", "?group=people", "?person=p0001"):
        assert viewer.get(f"/c/{MAP}/network{query}").status_code == 200
    assert len(calls) == 1


# -- writing -----------------------------------------------------------------------------------


def test_adding_a_person_and_a_tie_through_the_forms_changes_the_analysis(
    editor: FlaskClient, web: Web
) -> None:
    before = facts(editor)
    lonely = isolated(web)
    token = csrf_token(editor, f"/c/{MAP}/people")
    response = editor.post(f"/c/{MAP}/people", data=person_form(
        token, id="new-1", name="Nia Newcomer", engagement="leading",
        segments="locality:Barrow; community:Deaf", joined="2024-05-01",
        other_groups=["givers_of_service"], lived_experience="y"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{MAP}/people/new-1"
    page = text(editor.get(response.headers["Location"]))
    assert "Added Nia Newcomer." in page and "Ties (0)" in page
    stored = people_in_store(web)["new-1"]
    assert stored.segments == ("locality:Barrow", "community:Deaf")
    assert stored.lived_experience and stored.in_core

    response = editor.post(f"/c/{MAP}/ties", data=tie_form(
        token, "new-1", lonely, relational="3", flow_of_value="2", recruited="out",
        since="2025-01-02"))
    assert response.status_code == 302
    page = text(editor.get(response.headers["Location"]))
    assert "Saved the tie between Nia Newcomer" in page and "Ties (1)" in page
    tie = next(r for r in ties_in_store(web) if {r.source, r.target} == {"new-1", lonely})
    assert (tie.source, tie.relational, tie.flow_of_value, tie.recruited) == (
        "new-1", 3, 2, True)

    after = facts(editor)
    assert after["People"] == before["People"] + 1
    assert after["Ties"] == before["Ties"] + 1
    assert after["Engaged core"] == before["Engaged core"] + 1
    assert after["reached"] == before["reached"] + 1  # the lonely person is now reached


def test_changing_a_tie_replaces_it_and_removing_it_deletes_it(editor: FlaskClient,
                                                              web: Web) -> None:
    tie = ties_in_store(web)[0]
    token = csrf_token(editor, f"/c/{MAP}/people/{tie.target}")
    # edited from the other end, lowering the trust: one relationship remains, as typed
    response = editor.post(f"/c/{MAP}/ties", data=tie_form(
        token, tie.target, tie.source, relational="0", functional="1", recruited="in"))
    assert response.status_code == 302
    between = [r for r in ties_in_store(web) if {r.source, r.target} == {tie.source, tie.target}]
    assert len(between) == 1
    assert (between[0].source, between[0].relational, between[0].functional) == (
        tie.source, 0, 1)
    response = editor.post(f"/c/{MAP}/ties/delete", data={
        "untie-csrf_token": token, "untie-person": tie.target, "untie-other": tie.source})
    assert response.status_code == 302
    assert "Removed the tie" in text(editor.get(response.headers["Location"]))
    assert not [r for r in ties_in_store(web) if {r.source, r.target} == {tie.source,
                                                                          tie.target}]


def test_editing_and_removing_a_person(editor: FlaskClient, web: Web) -> None:
    pid = isolated(web)
    token = csrf_token(editor, f"/c/{MAP}/people/{pid}")
    response = editor.post(f"/c/{MAP}/people/{pid}", data=person_form(
        token, action="save", name="Renamed Person", group="system_leaders",
        engagement="leading", formal_power="3"))
    assert response.status_code == 302
    stored = people_in_store(web)[pid]
    assert (stored.name, stored.group.value, stored.formal_power) == (
        "Renamed Person", "system_leaders", 3)
    assert "Saved Renamed Person." in text(editor.get(response.headers["Location"]))

    refused = editor.post(f"/c/{MAP}/people/{pid}", data={
        "remove-csrf_token": token, "action": "delete"})
    assert refused.status_code == 400 and "Tick the box to confirm." in text(refused)
    response = editor.post(f"/c/{MAP}/people/{pid}", data={
        "remove-csrf_token": token, "action": "delete", "remove-confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == f"/c/{MAP}/people"
    assert pid not in people_in_store(web)
    assert "Renamed Person left the map (kept in the history)." in text(
        editor.get(f"/c/{MAP}/people"))
    assert editor.get(f"/c/{MAP}/people/{pid}").status_code == 404


def test_messages_that_name_people_stay_on_the_server_not_in_the_cookie(
        editor: FlaskClient, web: Web) -> None:
    pid = isolated(web)
    token = csrf_token(editor, f"/c/{MAP}/people/{pid}")
    response = editor.post(f"/c/{MAP}/people/{pid}", data=person_form(
        token, action="save", name="Grace Quillfeather", group="people"))
    assert response.status_code == 302
    cookie = editor.get_cookie("session")
    assert cookie is not None
    serializer = web.app.session_interface.get_signing_serializer(web.app)  # type: ignore[attr-defined]
    assert "Quillfeather" not in json.dumps(serializer.loads(cookie.value))
    assert "Saved Grace Quillfeather." in text(editor.get(response.headers["Location"]))
    assert "Saved Grace Quillfeather." not in text(editor.get(response.headers["Location"]))


def field_error(html: str, field_id: str) -> str:
    """The error shown next to a field, which the field names in aria-describedby."""
    page = Page(html)
    described = page.ids[field_id].get("aria-describedby") or ""
    assert f"{field_id}-error" in described, page.ids[field_id]
    assert page.ids[field_id].get("aria-invalid") == "true"
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]+)</p>', html)
    assert match, html
    return match.group(1)


def test_form_errors_are_shown_next_to_the_field(editor: FlaskClient, web: Web) -> None:
    token = csrf_token(editor, f"/c/{MAP}/people")
    before = len(people_in_store(web))
    missing = editor.post(f"/c/{MAP}/people", data=person_form(token, id=""))
    assert missing.status_code == 400
    assert field_error(text(missing), "person-id") == "An id is required."
    assert "not added" in text(missing)

    taken = editor.post(f"/c/{MAP}/people", data=person_form(token, id="p0001"))
    assert "already has the id" in field_error(text(taken), "person-id")

    bad = editor.post(f"/c/{MAP}/people", data=person_form(
        token, id="ok-id", group="patients", joined="31/12/2024", formal_power="7"))
    html = text(bad)
    assert "Not a valid choice" in field_error(html, "person-group")
    assert "date" in field_error(html, "person-joined").lower()
    assert field_error(html, "person-formal_power")
    assert len(people_in_store(web)) == before

    pid = isolated(web)
    for other, words in (("nobody-here", "There is nobody called or with the id"),
                         (pid, "cannot have a tie to themselves"), ("", "Give the name or id")):
        response = editor.post(f"/c/{MAP}/ties", data=tie_form(token, pid, other))
        assert response.status_code == 400
        assert words in field_error(text(response), "tie-other")


PEOPLE_CSV = "id,name,group,engagement\nimp-1,Ida,people,aware\nimp-2,Ivan,wizards,aware\n"
TIES_CSV = "source,target,relational\nimp-1,imp-2,2\nimp-1,nobody-at-all,1\n"


def upload(editor: FlaskClient, token: str, people: str, ties: str,
           replace: bool = False) -> object:
    data: dict[str, object] = {
        "import-csrf_token": token,
        "import-people": (io.BytesIO(people.encode()), "people.csv"),
        "import-relationships": (io.BytesIO(ties.encode()), "relationships.csv"),
    }
    if replace:
        data["import-replace"] = "y"
    return editor.post(f"/c/{MAP}/import", data=data, content_type="multipart/form-data")


def problem_rows(html: str) -> list[list[str]]:
    section = html[html.index('class="problems"'):]
    section = section[:section.index("</table>")]
    return [re.findall(r"<td>([^<]*)</td>", row) for row in section.split("<tr>")[2:]]


def test_csv_import_with_a_bad_row_lists_problems_by_line_and_writes_nothing(
    editor: FlaskClient, web: Web
) -> None:
    before = (len(people_in_store(web)), len(ties_in_store(web)))
    token = csrf_token(editor, f"/c/{MAP}/people")
    response = upload(editor, token, PEOPLE_CSV, TIES_CSV)
    assert response.status_code == 400
    html = text(response)
    assert "Nothing was imported" in html
    rows = problem_rows(html)
    assert rows[0][:3] == ["people.csv", "3", "group"] and "wizards" in rows[0][3]
    assert any(r[0] == "relationships.csv" and r[1] == "3" and r[2] == "target" for r in rows)
    assert (len(people_in_store(web)), len(ties_in_store(web))) == before


def test_csv_import_of_good_files_adds_them_and_says_so(editor: FlaskClient, web: Web) -> None:
    before = facts(editor)
    token = csrf_token(editor, f"/c/{MAP}/people")
    good_people = PEOPLE_CSV.replace("wizards", "system_leaders")
    good_ties = TIES_CSV.replace("nobody-at-all", "p0001")
    response = upload(editor, token, good_people, good_ties)
    assert response.status_code == 302
    assert "Imported: 2 people added" in text(editor.get(response.headers["Location"]))
    assert {"imp-1", "imp-2"} <= set(people_in_store(web))
    assert facts(editor)["People"] == before["People"] + 2
    again = upload(editor, token, good_people, good_ties)
    assert "nothing changed" in text(editor.get(again.headers["Location"]))


def test_the_import_form_offers_templates_that_import_as_they_are(
        editor: FlaskClient, web: Web) -> None:
    page = text(editor.get(f"/c/{MAP}/people"))
    links = re.findall(r'href="(/csv-templates/[^"]+)" download', page)
    assert links == ["/csv-templates/people.csv", "/csv-templates/relationships.csv"]
    files = [editor.get(link) for link in links]
    assert all(f.status_code == 200 and f.mimetype == "text/csv" for f in files)
    assert 'filename="people.csv"' in files[0].headers["Content-Disposition"]
    assert web.app.test_client().get(links[0]).status_code == 302  # to the sign-in page
    assert editor.get("/csv-templates/secrets.csv").status_code == 404
    token = csrf_token(editor, f"/c/{MAP}/people")
    response = upload(editor, token, *(f.get_data(as_text=True) for f in files))
    assert response.status_code == 302
    assert "Imported: 2 people added" in text(editor.get(response.headers["Location"]))
    assert {"p1", "p2"} <= set(people_in_store(web))


def test_an_excel_workbook_uploaded_as_csv_says_how_to_save_it_as_csv(
        editor: FlaskClient, web: Web) -> None:
    before = len(people_in_store(web))
    token = csrf_token(editor, f"/c/{MAP}/people")
    response = editor.post(f"/c/{MAP}/import", data={
        "import-csrf_token": token,
        "import-people": (io.BytesIO(b"PK\x03\x04" + bytes(200)), "people.xlsx"),
        "import-relationships": (io.BytesIO(TIES_CSV.encode()), "relationships.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    html = text(response)
    assert "Excel workbook" in html and "CSV UTF-8" in html
    assert len(people_in_store(web)) == before


def test_an_import_needs_a_file(editor: FlaskClient) -> None:
    token = csrf_token(editor, f"/c/{MAP}/people")
    response = editor.post(f"/c/{MAP}/import", data={"import-csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(text(response), "import-people") == (
        "Choose the map file or the people file.")


def writes(token: str, web: Web) -> Iterator[tuple[str, dict[str, object]]]:
    yield f"/c/{MAP}/people", person_form(token, id="x-1")
    yield f"/c/{MAP}/people/p0001", person_form(token, action="save")
    yield f"/c/{MAP}/ties", tie_form(token, "p0001", "p0002")
    yield f"/c/{MAP}/ties/delete", {"untie-csrf_token": token, "untie-person": "p0001",
                                    "untie-other": "p0002"}
    yield f"/c/{MAP}/import", {"import-csrf_token": token}


def test_a_viewer_cannot_write(viewer: FlaskClient, web: Web) -> None:
    token = csrf_token(viewer, f"/c/{MAP}/people")
    before = (people_in_store(web), len(ties_in_store(web)))
    for path, data in writes(token, web):
        assert viewer.post(path, data=data).status_code == 403, path
    assert (people_in_store(web), len(ties_in_store(web))) == before
    assert "ask its owner for the editor role" in text(viewer.get(f"/c/{MAP}/people"))


def test_writes_need_the_csrf_token(editor: FlaskClient, web: Web) -> None:
    for path, data in writes("not-a-token", web):
        assert editor.post(path, data=data).status_code == 400, path
    assert "x-1" not in people_in_store(web)


@pytest.mark.slow
def test_a_map_too_large_to_draw_gets_the_aggregated_network(editor: FlaskClient,
                                                             web: Web) -> None:
    n, per_person = 6_000, 5
    people = [Person(id=f"b{i:05d}", group=("people", "givers_of_service",
                                            "system_leaders")[i % 3],
                     segments=(f"locality:L{i % 8}",), engagement="leading" if i % 50 == 0
                     else "aware") for i in range(n)]
    ties = [Relationship(source=f"b{i:05d}", target=f"b{(i * 7 + k * 13 + 1) % n:05d}")
            for i in range(n) for k in range(per_person) if (i * 7 + k * 13 + 1) % n != i]
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        UseCases(store, Actor("tests", "seed")).import_records(MAP, people, ties, replace=True)
    finally:
        store.close()
    response = editor.get(f"/c/{MAP}/network")
    assert response.status_code == 200
    html = text(response)
    assert "too large to draw every person and tie" in html
    assert len(response.get_data()) < 150_000
    figure = json.loads(Page(html).blocks["network-data"])
    segments = next(t for t in figure["data"] if t["name"].startswith("Segment"))
    assert len(segments["customdata"]) == 8
    one_place = text(editor.get(f"/c/{MAP}/network?segment=locality:L3"))
    assert "The people and ties you chose: 750 people" in one_place


def _version_on(page: str, form: str) -> str:
    match = re.search(rf'name="{form}-version"[^>]*value="([^"]*)"', page)
    assert match, f"no {form}-version field"
    return match.group(1)


def test_a_form_saved_after_someone_elses_change_is_refused_naming_them(
    editor: FlaskClient, web: Web
) -> None:
    tie = ties_in_store(web)[0]
    page = text(editor.get(f"/c/{MAP}/people/{tie.source}?tie={tie.target}"))
    token = csrf_token(editor, f"/c/{MAP}/people/{tie.source}")
    person_seen, tie_seen = _version_on(page, "person"), _version_on(page, "tie")
    assert person_seen and tie_seen
    # someone else changes the person and the tie through the API meanwhile
    owner = web.app.test_client()
    headers = {"Authorization": f"Bearer {web.tokens['owner']}"}
    assert owner.patch(f"/api/v1/constituencies/{MAP}/people/{tie.source}", headers=headers,
                       json={"formal_power": 3}).status_code == 200
    assert owner.put(f"/api/v1/constituencies/{MAP}/relationships/{tie.source}/{tie.target}",
                     headers=headers, json={"relational": 3}).status_code == 200
    stale = editor.post(f"/c/{MAP}/people/{tie.source}", data=person_form(
        token, action="save", name="Mine", version=person_seen))
    assert stale.status_code == 409
    assert web.emails["owner"] in text(stale)
    stale_tie = editor.post(f"/c/{MAP}/ties", data=tie_form(
        token, tie.source, tie.target, relational="0", version=tie_seen))
    assert stale_tie.status_code == 409 and web.emails["owner"] in text(stale_tie)
    stored = people_in_store(web)[tie.source]
    assert stored.name != "Mine" and stored.formal_power == 3
    assert next(r for r in ties_in_store(web) if r.key == tie.key).relational == 3


@pytest.mark.parametrize("query", ["_method=POST", "_external=1&_scheme=https", "_anchor=x",
                                   "name=other"])
def test_odd_query_arguments_on_the_network_page_are_ignored_not_an_error(
        viewer: FlaskClient, query: str) -> None:
    response = viewer.get(f"/c/{MAP}/network?{query}")
    assert response.status_code == 200
    assert "_method" not in text(response) and "https://" not in text(response)


def test_a_version_that_is_not_a_plain_number_is_no_version_not_an_error(
        editor: FlaskClient) -> None:
    token = csrf_token(editor, f"/c/{MAP}/people/p0001")
    response = editor.post(f"/c/{MAP}/people/p0001", data={
        **person_form(token, action="save"), "person-version": "²"})
    assert response.status_code in (302, 400, 409)
