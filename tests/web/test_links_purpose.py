"""The link holder's page wired to the shared purpose's own use cases (``graph.purpose``,
through ``service.purpose_adapter``): each change a link holder makes is one change set of the
map's history, by ``person:ID`` through ``private link N``; a closed round's links stop."""

from __future__ import annotations

import io
import re
from datetime import date

from flask.testing import FlaskClient
from PIL import Image
from support import MAP, Web

from graph.history import Actor
from graph.purpose.model import Round, Statement, StatementStatus, StatementVersion
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.links import LinkStore

KIND = "purpose_round"


def _lead(web: Web) -> UseCases:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    return UseCases(store, Actor("lead@example.org", "tests"))


def _holder(web: Web, person: str, round_id: str) -> tuple[FlaskClient, str]:
    links: LinkStore = web.app.extensions["movemap.links"]
    token = links.invite(KIND, MAP, round_id, [person], "lead")[0].token
    client = web.app.test_client()
    assert client.get(f"/l/{token}").status_code == 303
    page = client.get("/l/board").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return client, match.group(1)


def test_a_link_holder_adds_edits_withdraws_and_reviews_through_the_use_cases(
        web: Web) -> None:
    lead = _lead(web)
    round_id = lead.purpose.open_round(MAP, Round(title="Why does it matter?",
                                                  opens=date.today()))
    client, csrf = _holder(web, "p0002", round_id)
    assert "Why does it matter?" in client.get("/l/board").get_data(as_text=True)
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    Image.new("RGB", (40, 30), "teal").save(photo, "JPEG", exif=exif)
    answer = client.post("/l/board/add", data={
        "element": "shared_story", "text": "My dad waited nine hours.", "csrf_token": csrf,
        "picture": (io.BytesIO(photo.getvalue()), "dad.jpg")},
        content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    client.post("/l/board/add", data={"element": "purpose", "csrf_token": csrf,
                                      "text": "Nobody waits alone."})
    state = lead.purpose.state(MAP)
    (cid, story), (pid, wording) = state.contributions.items()
    assert (story.element.value, story.kind and story.kind.value) == ("shared", "story")
    assert story.contributor.person == "p0002" and story.round == round_id
    assert story.picture.startswith("picture:")
    served = client.get(f"/l/board/picture/{cid}")
    assert served.status_code == 200 and b"SecretCam" not in served.data
    client.post(f"/l/board/{cid}/edit", data={"text": "My dad waited eleven hours.",
                                              "csrf_token": csrf})
    client.post(f"/l/board/{pid}/withdraw", data={"csrf_token": csrf})
    state = lead.purpose.state(MAP)
    assert state.contributions[cid].text == "My dad waited eleven hours."
    assert state.contributions[pid].withdrawn
    history = lead.history(MAP)
    mine = [c for c in history if c.by == "person:p0002"]
    assert len(mine) == 4 and all(c.via.startswith("private link ") for c in mine)

    sid = lead.purpose.add_statement(MAP, Statement(title="Home first"))
    vid = lead.purpose.add_version(MAP, sid, StatementVersion(
        status=StatementStatus.PROTOTYPE, purpose="Care close to home.", date=date.today(),
        round=round_id))
    page = client.get("/l/board").get_data(as_text=True)
    assert "Care close to home." in page
    answer = client.post(f"/l/board/review/{vid}", data={
        "verdict": "cannot_yet", "version": vid.rsplit("-v", 1)[1],
        "reason": "It leaves out carers.", "csrf_token": csrf})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    (review,) = lead.purpose.state(MAP).reviews.values()
    assert (review.reviewer.person, review.answer.value, review.reason) == (
        "p0002", "cannot_yet", "It leaves out carers.")


def test_nobody_changes_another_persons_contribution_through_a_link(web: Web) -> None:
    lead = _lead(web)
    round_id = lead.purpose.open_round(MAP, Round(title="Why?", opens=date.today()))
    ann, ann_csrf = _holder(web, "p0001", round_id)
    ann.post("/l/board/add", data={"element": "our", "text": "Carers", "csrf_token": ann_csrf})
    (cid,) = lead.purpose.state(MAP).contributions
    ben, ben_csrf = _holder(web, "p0002", round_id)
    page = ben.get("/l/board").get_data(as_text=True)
    assert "Carers" in page and "Someone from givers of service" in page
    answer = ben.post(f"/l/board/{cid}/edit", data={"text": "mine now", "csrf_token": ben_csrf})
    assert answer.status_code == 422 and "only your own" in answer.get_data(as_text=True)
    assert "p0001" not in answer.get_data(as_text=True)
    assert ben.post(f"/l/board/{cid}/withdraw",
                    data={"csrf_token": ben_csrf}).status_code == 422
    assert lead.purpose.state(MAP).contributions[cid].text == "Carers"


def test_closing_the_round_ends_its_links(web: Web) -> None:
    lead = _lead(web)
    round_id = lead.purpose.open_round(MAP, Round(title="Why?", opens=date.today()))
    client, _csrf = _holder(web, "p0002", round_id)
    lead.purpose.close_round(MAP, round_id)
    answer = client.get("/l/board")
    assert answer.status_code == 404 and "This link no longer works" in answer.get_data(
        as_text=True)


def test_the_invited_people_give_invited_and_silent(web: Web) -> None:
    from graph.purpose.parts import person_parts

    lead = _lead(web)
    round_id = lead.purpose.open_round(MAP, Round(title="Why?", opens=date.today()))
    client, csrf = _holder(web, "p0002", round_id)
    _holder(web, "p0003", round_id)
    client.post("/l/board/add", data={"element": "our", "text": "Carers", "csrf_token": csrf})
    links: LinkStore = web.app.extensions["movemap.links"]
    invited = links.invited_people(KIND, MAP, round_id)
    parts = person_parts(["p0002", "p0003", "p0004"], lead.purpose.state(MAP), invited)
    assert parts == {"p0002": "contributed", "p0003": "invited_silent",
                     "p0004": "never_invited"}
