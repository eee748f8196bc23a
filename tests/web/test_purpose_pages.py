"""The purpose pages: the board (read by every role, written by editors through the use cases,
refusals beside their fields, CSRF on every form), the printable sheet, and the network
coloured by each person's part in the purpose."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from support import MAP, OTHER_MAP, Web, bearer, csrf_token, sign_in

from graph.demo_purpose import record_demo_purpose
from graph.history import Actor
from graph.purpose.model import Contribution
from graph.purpose.parts import person_parts
from graph.stores.base import open_store
from graph.usecases import UseCases

BOARD = f"/c/{MAP}/purpose"


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def cases(web: Web) -> tuple[UseCases, object]:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    return UseCases(store, Actor("tests", "seed")), store


@pytest.fixture
def demo(web: Web) -> Web:
    """The demo's purpose recorded on the map ``bay``."""
    maps, store = cases(web)
    try:
        record_demo_purpose(maps, MAP, list(maps.store.iter_people(MAP)), seed=3)
    finally:
        store.close()  # type: ignore[attr-defined]
    return web


def state(web: Web):  # type: ignore[no-untyped-def]
    maps, store = cases(web)
    try:
        return maps.purpose.state(MAP)
    finally:
        store.close()  # type: ignore[attr-defined]


def signed(client: FlaskClient, web: Web, role: str) -> FlaskClient:
    sign_in(client, web.emails[role])
    return client


def form(client: FlaskClient, prefix: str, **values: object) -> dict[str, object]:
    return {f"{prefix}-csrf_token": csrf_token(client, BOARD),
            **{f"{prefix}-{k}": v for k, v in values.items()}}


# -- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [BOARD, f"{BOARD}/sheet"])
def test_a_signed_out_visitor_is_sent_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", [f"/c/{OTHER_MAP}/purpose", f"/c/{OTHER_MAP}/purpose/sheet",
                                  "/c/nowhere/purpose"])
def test_another_maps_purpose_is_not_found(client: FlaskClient, web: Web, path: str) -> None:
    signed(client, web, "editor")
    assert client.get(path).status_code == 404


def test_another_maps_purpose_cannot_be_written(client: FlaskClient, web: Web) -> None:
    signed(client, web, "owner")
    response = client.post(f"/c/{OTHER_MAP}/purpose/rounds", data=form(
        client, "round", title="Why?"))
    assert response.status_code == 404


def test_a_viewer_reads_the_board_without_forms(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(BOARD))
    assert "Home first" in html and "Esther" in html and "Group balance" in html
    assert 'action="/c/bay/purpose/themes"' not in html and "Record a review" not in html


@pytest.mark.parametrize(("path", "prefix", "values"), [
    ("rounds", "round", {"title": "Why?"}),
    ("themes", "theme", {"title": "Home", "typed": "c1"}),
    ("aims", "aim", {"what": "Home the same day"}),
    ("personas", "persona", {"name": "Ray", "group": "people"}),
    ("reviews", "review", {"version": "s1-v3", "reviewer": "a@b.org",
                           "answer": "can_live_with"}),
])
def test_a_viewer_cannot_write(client: FlaskClient, demo: Web, path: str, prefix: str,
                               values: dict[str, str]) -> None:
    signed(client, demo, "viewer")
    before = state(demo).to_dict()
    response = client.post(f"{BOARD}/{path}", data=form(client, prefix, **values))
    assert response.status_code == 403
    assert state(demo).to_dict() == before


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    before = state(demo).to_dict()
    response = client.post(f"{BOARD}/themes", data={"theme-title": "Home",
                                                    "theme-typed": "c1"})
    assert response.status_code == 400 and "form expired" in text(response)
    assert state(demo).to_dict() == before


# -- the board ---------------------------------------------------------------------------------


def test_the_board_shows_our_shared_and_purpose_with_the_warnings(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(BOARD))
    for heading in ("Our: who are our people?", "Shared: what unites us?",
                    "Purpose: why do we act?", "Stories", "Values", "What we have in common",
                    "Differences", "Draft wordings", "We have left out", "The current statement",
                    "The reflection questions", "Who made the purpose"):
        assert heading in html, heading
    live = state(demo).live_contributions()
    shown = set(re.findall(r'id="card-(c\d+)"', html))
    assert shown == set(live)  # the demo is small: every contribution is on the board
    assert html.count('class="gap sev-medium warning-group_imbalance"') >= 1
    assert "Who made the purpose, by group" in html  # the table beside the chart
    assert "purpose-mix-data" in html and "purpose-reviews-data" in html


def test_the_round_filter_narrows_the_cards_not_the_warnings(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(f"{BOARD}?round=r2"))
    expected = {cid for cid, c in state(demo).live_contributions().items() if c.round == "r2"}
    assert set(re.findall(r'id="card-(c\d+)"', html)) == expected
    assert "Showing the contributions of round r2 only" in html
    assert "warning-group_imbalance" in html


def test_an_editor_groups_contributions_into_a_theme(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    data = form(client, "theme", title="Time to care", mark="unites", typed="c2")
    data["theme-contributions"] = ["c1", "c3"]
    response = client.post(f"{BOARD}/themes", data=data)
    assert response.status_code == 302
    themes = state(demo).themes
    made = [t for t in themes.values() if t.title == "Time to care"]
    assert made and made[0].contributions == ("c1", "c3", "c2")
    assert "Time to care" in text(client.get(BOARD))


def test_a_theme_of_an_unknown_contribution_is_refused_beside_the_field(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/themes", data=form(client, "theme", title="X",
                                                        mark="unites", typed="c999"))
    assert response.status_code == 400
    html = text(response)
    assert re.search(r'id="theme-typed-error">[^<]*c999', html), html[-3000:]


def test_an_editor_drafts_a_version_and_makes_it_current(client: FlaskClient,
                                                        demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/versions", data=form(
        client, "version", statement="new", title="Everyone home",
        purpose="Everyone goes home to the people they love, stronger.", status="prototype",
        drafted_by="lead@example.org", from_contributions="c1, c2", round=""))
    assert response.status_code == 302, text(response)[-2000:]
    after = state(demo)
    sid = next(s for s, st in after.statements.items() if st.title == "Everyone home")
    vid = f"{sid}-v1"
    assert after.versions[vid].from_contributions == ("c1", "c2")
    response = client.post(f"{BOARD}/versions/{vid}/status", data={
        "status-csrf_token": csrf_token(client, BOARD), "status-status": "current"})
    assert response.status_code == 302
    versions = state(demo).versions
    assert versions[vid].status.value == "current"
    assert versions["s1-v3"].status.value == "retired"


def test_a_version_without_its_purpose_is_refused_beside_the_field(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    before = len(state(demo).statements)
    response = client.post(f"{BOARD}/versions", data=form(
        client, "version", statement="new", title="Nothing", purpose="", status="draft",
        round=""))
    assert response.status_code == 400
    assert 'id="version-purpose-error"' in text(response)
    assert len(state(demo).statements) == before


def test_a_review_recorded_for_an_account_changes_the_balance(client: FlaskClient,
                                                              demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/reviews", data=form(
        client, "review", version="s1-v3", reviewer="Reviewer@Example.org",
        answer="can_live_with", reason=""))
    assert response.status_code == 302, text(response)[-2000:]
    reviews = [r for r in state(demo).reviews.values()
               if r.reviewer.account == "reviewer@example.org"]
    assert len(reviews) == 1 and reviews[0].answer.value == "can_live_with"


def test_cannot_yet_without_a_reason_is_refused_beside_the_reason(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/reviews", data=form(
        client, "review", version="s1-v3", reviewer="p0001", answer="cannot_yet", reason=""))
    assert response.status_code == 400
    assert re.search(r'id="review-reason-error">[^<]*why', text(response))


def test_a_reviewer_not_in_the_map_is_refused_beside_the_reviewer(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/reviews", data=form(
        client, "review", version="s1-v3", reviewer="nobody-here", answer="can_live_with"))
    assert response.status_code == 400
    assert re.search(r'id="review-reviewer-error">[^<]*nobody-here', text(response))


def test_rounds_open_and_close_through_the_page(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    response = client.post(f"{BOARD}/rounds", data=form(client, "round",
                                                        title="What would Esther want?"))
    assert response.status_code == 302
    rid = next(r for r, rnd in state(demo).rounds.items()
               if rnd.title == "What would Esther want?")
    response = client.post(f"{BOARD}/rounds/{rid}/close",
                           data={"close-csrf_token": csrf_token(client, BOARD)})
    assert response.status_code == 302
    assert state(demo).rounds[rid].status.value == "closed"


def test_an_aim_and_a_persona_are_added(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    assert client.post(f"{BOARD}/aims", data=form(
        client, "aim", what="Home the same day", how_much="9 in 10",
        by_when="2030-01-01", statement="s1")).status_code == 302
    assert client.post(f"{BOARD}/personas", data=form(
        client, "persona", name="Ray", group="system_leaders", story="A finance director",
        segments="")).status_code == 302
    after = state(demo)
    assert any(a.what == "Home the same day" and a.statement == "s1"
               for a in after.aims.values())
    assert any(p.name == "Ray" for p in after.personas.values())
    html = text(client.get(BOARD))
    assert "what would Ray want?" in html


def test_a_wording_that_reads_like_an_aim_offers_to_move_it_to_an_aim(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "editor")
    wording = "By 1 April 2026 we will transfer every patient within 24 hours."
    client.post(f"{BOARD}/versions", data=form(
        client, "version", statement="s1", purpose=wording, status="prototype", round=""))
    vid = max(state(demo).versions, key=lambda v: int(v.rpartition("-v")[2]))
    html = text(client.get(BOARD))
    assert f"aim_from={vid}" in html and "Move the target of" in html
    html = text(client.get(f"{BOARD}?aim_from={vid}"))
    assert re.search(r'id="aim-what"[^>]*value="By 1 April 2026', html)


def test_the_board_downloads_as_csv_and_json(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(BOARD))
    csv_link = re.search(r'href="([^"]+board\.csv)"', html)
    json_link = re.search(r'href="([^"]+/purpose)" download', html)
    assert csv_link and json_link
    csv = client.get(csv_link.group(1))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    board = json.loads(client.get(json_link.group(1)).get_data(as_text=True))
    assert board["constituency"] == MAP and board["purpose"]["current"]["id"] == "s1-v3"


# -- the sheet ---------------------------------------------------------------------------------


def test_the_sheet_tells_the_current_statement_and_how_it_was_made(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(f"{BOARD}/sheet"))
    current = state(demo).current()
    assert current is not None
    assert current[1].purpose in html
    assert "3 rounds" in html and "Contributions and reviews by group" in html
    assert "<form method=\"post\" action=\"/c/bay/purpose" not in html


def test_the_sheet_of_a_map_with_no_purpose_says_so(client: FlaskClient, web: Web) -> None:
    signed(client, web, "viewer")
    html = text(client.get(f"{BOARD}/sheet"))
    assert "No statement is good enough or current yet" in html


# -- the network -------------------------------------------------------------------------------


def test_the_network_colours_people_by_their_part_in_the_purpose(
        client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(f"/c/{MAP}/network?colour=purpose&view=people"))
    figure = json.loads(re.search(r'id="network-data">(.*?)</script>', html, re.S).group(1))
    traces = {t["name"].rsplit(" (", 1)[0]: t for t in figure["data"] if "name" in t}
    maps, store = cases(demo)
    try:
        ids = [p.id for p in maps.store.iter_people(MAP) if p.left is None]
    finally:
        store.close()  # type: ignore[attr-defined]
    parts = person_parts(ids, state(demo))
    expected = sum(1 for p in parts.values() if p == "contributed")
    drawn = traces["Contributed"]["customdata"]
    assert len(drawn) == expected and all(
        parts[c.removeprefix("p:")] == "contributed" for c in drawn)
    assert traces["Contributed"]["marker"]["symbol"] != traces["Never invited"]["marker"][
        "symbol"]
    assert "Invited, not heard from yet" in traces  # in the legend even when nobody is
    assert "contributed (green star)" in html


def test_the_network_by_group_is_unchanged_by_default(client: FlaskClient, demo: Web) -> None:
    signed(client, demo, "viewer")
    html = text(client.get(f"/c/{MAP}/network?view=people"))
    assert '"name":"Givers of service"' in html.replace(": ", ":")
    assert "Contributed (" not in html


def test_people_invited_through_a_private_link_show_as_invited_and_silent(
        client: FlaskClient, demo: Web) -> None:
    silent = sorted(pid for pid, part in person_parts(
        _ids(demo), state(demo)).items() if part == "never_invited")[:3]
    response = client.post(f"/api/v1/constituencies/{MAP}/purpose/rounds/r3/links",
                           json={"people": silent}, headers=bearer(demo.tokens["editor"]))
    assert response.status_code == 201, text(response)
    signed(client, demo, "viewer")
    html = text(client.get(f"/c/{MAP}/network?colour=purpose&view=people"))
    figure = json.loads(re.search(r'id="network-data">(.*?)</script>', html, re.S).group(1))
    traces = {t["name"].rsplit(" (", 1)[0]: t for t in figure["data"] if "name" in t}
    drawn = sorted(c.removeprefix("p:") for c in traces["Invited, not heard from yet"]
                   ["customdata"])
    assert drawn == silent


def test_a_picture_sent_with_a_contribution_shows_on_the_board(client: FlaskClient,
                                                                demo: Web) -> None:
    folder = demo.app.extensions["movemap.pictures"]
    reference = folder.save(b"\xff\xd8\xff fake jpeg")
    maps, store = cases(demo)
    try:
        cid = maps.purpose.add_contribution(MAP, Contribution.model_validate({
            "element": "shared", "kind": "story", "text": "Our garden", "round": "r3",
            "date": date.today(), "contributor": {"person": _ids(demo)[0]},
            "picture": reference}))
    finally:
        store.close()  # type: ignore[attr-defined]
    signed(client, demo, "viewer")
    html = text(client.get(BOARD))
    assert f'src="/c/{MAP}/purpose/pictures/{cid}"' in html
    response = client.get(f"/c/{MAP}/purpose/pictures/{cid}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == b"\xff\xd8\xff fake jpeg"
    assert client.get(f"/c/{MAP}/purpose/pictures/c1").status_code == 404  # none sent


def _ids(web: Web) -> list[str]:
    maps, store = cases(web)
    try:
        return sorted(p.id for p in maps.store.iter_people(MAP) if p.left is None)
    finally:
        store.close()  # type: ignore[attr-defined]
