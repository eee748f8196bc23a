"""A picture sent through a private link is deleted from disk once no live contribution holds
it: withdrawn by its holder, removed by the lead, or its map deleted from the dashboard or the
command line; renaming the map keeps it reachable, and nothing else is deleted."""

from __future__ import annotations

import io
import re
from datetime import date

from click.testing import CliRunner
from flask.testing import FlaskClient
from PIL import Image
from support import MAP, OTHER_MAP, Web, bearer, csrf_token, sign_in

from graph.history import Actor
from graph.purpose.model import Round
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.cli import main as movemap
from service.links import LinkStore
from service.pictures import PictureFolder


def _round(web: Web, name: str = MAP) -> str:
    store = open_store(web.app.extensions["movemap.settings"].store_url)
    try:
        return UseCases(store, Actor("lead@example.org", "tests")).purpose.open_round(
            name, Round(title="Why does it matter?", opens=date.today()))
    finally:
        store.close()


def _holder(web: Web, person: str, round_id: str, name: str = MAP) -> tuple[FlaskClient, str]:
    links: LinkStore = web.app.extensions["movemap.links"]
    token = links.invite("purpose_round", name, round_id, [person], "lead")[0].token
    client = web.app.test_client()
    assert client.get(f"/l/{token}").status_code == 303
    match = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/l/board").get_data(as_text=True))
    assert match
    return client, match.group(1)


def _send(holder: tuple[FlaskClient, str], colour: str) -> str:
    """A story with a picture of one colour; returns the contribution's id."""
    client, csrf = holder
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(photo, "PNG")
    answer = client.post("/l/board/add", data={
        "element": "shared_story", "text": "My dad waited nine hours.", "csrf_token": csrf,
        "picture": (io.BytesIO(photo.getvalue()), "dad.png")}, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    ids = re.findall(r'action="/l/board/(c\d+)/withdraw"', client.get("/l/board").get_data(
        as_text=True))
    return max(ids, key=lambda cid: int(cid[1:]))


def _withdraw(holder: tuple[FlaskClient, str], cid: str) -> None:
    client, csrf = holder
    assert client.post(f"/l/board/{cid}/withdraw", data={"csrf_token": csrf}).status_code == 303


def _files(web: Web) -> set[str]:
    folder: PictureFolder = web.app.extensions["movemap.pictures"]
    return {p.name for p in folder.path.glob("*")} if folder.path.exists() else set()


def test_withdrawing_a_story_deletes_its_picture_and_only_its_picture(web: Web) -> None:
    round_id = _round(web)
    ana = _holder(web, "p0002", round_id)
    kept = _send(ana, "teal")
    before = _files(web)
    gone = _send(ana, "orange")
    (taken,) = _files(web) - before
    _withdraw(ana, gone)
    assert _files(web) == before and taken not in before
    assert ana[0].get(f"/l/board/picture/{kept}").status_code == 200


def test_the_same_picture_sent_twice_stays_until_both_stories_are_gone(web: Web) -> None:
    round_id = _round(web)
    ana, ben = _holder(web, "p0002", round_id), _holder(web, "p0003", round_id)
    first, second = _send(ana, "teal"), _send(ben, "teal")
    assert len(_files(web)) == 1  # one file: the same cleaned picture, the same digest
    _withdraw(ana, first)
    assert len(_files(web)) == 1
    assert ben[0].get(f"/l/board/picture/{second}").status_code == 200
    owner = web.app.test_client()  # the lead removes the other one, entered by mistake
    gone = owner.delete(f"/api/v1/constituencies/{MAP}/purpose/contributions/{second}",
                        headers=bearer(web.tokens["owner"]))
    assert gone.status_code in (200, 204), gone.get_data(as_text=True)
    assert _files(web) == set()


def _pictures_of_both_maps(web: Web) -> tuple[set[str], set[str]]:
    """A picture only ``MAP`` holds, and one both maps hold: the files of each."""
    mine, both = _holder(web, "p0002", _round(web)), _holder(web, "p0002", _round(web, OTHER_MAP),
                                                             OTHER_MAP)
    _send(mine, "teal")
    only_mine = _files(web)
    _send(mine, "orange")
    _send(both, "orange")
    return only_mine, _files(web) - only_mine


def test_deleting_a_map_on_the_dashboard_deletes_its_pictures_and_keeps_the_others(
        web: Web) -> None:
    only_mine, shared = _pictures_of_both_maps(web)
    owner = web.app.test_client()
    sign_in(owner, web.emails["owner"])
    deleted = owner.post(f"/c/{MAP}/delete", data={"confirm_name": MAP,
                                                    "csrf_token": csrf_token(owner, "/account")})
    assert deleted.status_code == 302
    assert _files(web) == shared and only_mine.isdisjoint(shared)


def test_deleting_a_map_from_the_command_line_deletes_its_pictures(web: Web) -> None:
    only_mine, shared = _pictures_of_both_maps(web)
    settings = web.app.extensions["movemap.settings"]
    result = CliRunner().invoke(movemap, ["delete", MAP, "--yes"], env={
        "MOVEMAP_STORE": settings.store_url, "MOVEMAP_ACCOUNTS": settings.accounts_url,
        "MOVEMAP_DEBUG": ""})
    assert result.exit_code == 0, result.output
    assert _files(web) == shared and only_mine.isdisjoint(shared)


def test_renaming_a_map_keeps_its_pictures_reachable(web: Web) -> None:
    cid = _send(_holder(web, "p0002", _round(web)), "teal")
    owner = web.app.test_client()
    sign_in(owner, web.emails["owner"])
    renamed = owner.post(f"/c/{MAP}/rename", data={
        "new_name": "the bay", "csrf_token": csrf_token(owner, "/account")})
    assert renamed.status_code == 302
    served = owner.get(f"/c/the bay/purpose/pictures/{cid}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert len(_files(web)) == 1

