"""Private links (``service.links``): the mechanism on its own, then the link holder's page
(``service.pages_contribute``) against an in-memory purpose board, and the lead's page, API and
command line."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from PIL import Image
from support import MAP, OTHER_MAP, Web, bearer, sign_in

from graph.demo import demo_constituency
from graph.errors import MovemapError, NotFound
from graph.model import Person
from graph.stores.base import open_store
from service import links as links_module
from service.cli import main
from service.links import (
    LinkStore,
    invite_from_map,
    links_csv,
    select_people,
)
from service.throttle import Throttle
from tests.purpose_fake import FakeBoardState

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KIND = "purpose_round"
API = "/api/v1"


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> LinkStore:
    return LinkStore(":memory:", clock=clock)


def _people() -> list[Person]:
    return demo_constituency(seed=7, size=200)[1]


# -- the mechanism -----------------------------------------------------------------------------


def test_a_link_works_until_it_expires(store: LinkStore, clock: Clock) -> None:
    issued = store.invite(KIND, MAP, "r1", ["p1"], "lead@example.org", days=3)
    token = issued[0].token
    assert store.resolve(token) is not None
    clock.now = START + timedelta(days=3) - timedelta(seconds=1)
    assert store.resolve(token) is not None
    clock.now = START + timedelta(days=3)
    assert store.resolve(token) is None


def test_a_link_expiry_is_bounded(store: LinkStore) -> None:
    for days in (0, links_module.MAX_LINK_DAYS + 1):
        with pytest.raises(MovemapError, match="expires_days"):
            store.invite(KIND, MAP, "r1", ["p1"], "lead", days=days)


def test_the_token_is_long_random_and_kept_only_as_a_digest(tmp_path: Path) -> None:
    path = tmp_path / "links.db"
    store = LinkStore(str(path))
    tokens = [i.token for i in store.invite(KIND, MAP, "r1", ["p1", "p2"], "lead")]
    store.close()
    assert len(set(tokens)) == 2
    assert all(len(t) >= 32 for t in tokens)  # 24 random bytes: 192 bits
    data = path.read_bytes()
    assert not any(t.encode() in data for t in tokens)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_revoking_one_link_or_a_whole_round(store: LinkStore) -> None:
    issued = store.invite(KIND, MAP, "r1", ["p1", "p2", "p3"], "lead")
    other = store.invite(KIND, MAP, "r2", ["p1"], "lead")[0]
    store.revoke(issued[0].link.id, MAP)
    assert store.resolve(issued[0].token) is None
    assert store.resolve(issued[1].token) is not None
    assert store.revoke_all(KIND, MAP, "r1") == 2
    assert all(store.resolve(i.token) is None for i in issued)
    assert store.resolve(other.token) is not None  # another round keeps its links
    with pytest.raises(NotFound):
        store.revoke(issued[0].link.id, OTHER_MAP)  # a lead of another map cannot reach it
    with pytest.raises(NotFound):
        store.revoke(2**70, MAP)


def test_an_altered_token_does_not_work(store: LinkStore) -> None:
    token = store.invite(KIND, MAP, "r1", ["p1"], "lead")[0].token
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, token[:-1], token + "x", "", "x" * 5000, token.upper()):
        assert store.resolve(bad) is None


def test_re_inviting_replaces_the_old_link_and_the_log_keeps_both(store: LinkStore) -> None:
    first = store.invite(KIND, MAP, "r1", ["p1"], "ann")[0]
    second = store.invite(KIND, MAP, "r1", ["p1", "p2"], "ben")
    assert store.resolve(first.token) is None
    assert [i.replaced for i in second] == [True, False]
    assert store.resolve(second[0].token) is not None
    assert len(store.links(KIND, MAP, "r1")) == 2
    assert [(p, by, replaced) for p, by, _at, replaced in
            store.invitation_log(KIND, MAP, "r1")] == [
        ("p1", "ann", False), ("p1", "ben", True), ("p2", "ben", False)]


def test_invited_people_counts_expired_links_but_not_revoked(store: LinkStore,
                                                             clock: Clock) -> None:
    issued = store.invite(KIND, MAP, "r1", ["p1", "p2", "p3"], "lead", days=1)
    store.revoke(issued[2].link.id, MAP)
    clock.now = START + timedelta(days=2)
    assert store.invited_people(KIND, MAP, "r1") == {"p1", "p2"}
    assert store.invited_people(KIND, OTHER_MAP, "r1") == set()
    store.invite(KIND, MAP, "r2", ["p4"], "lead")
    assert store.invited_people(KIND, MAP) == {"p1", "p2", "p4"}


def test_invitations_are_bounded(store: LinkStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links_module, "MAX_PEOPLE_PER_INVITATION", 3)
    monkeypatch.setattr(links_module, "MAX_LINKS_PER_SUBJECT", 4)
    monkeypatch.setattr(links_module, "MAX_LINKS_PER_MAP", 6)
    with pytest.raises(MovemapError, match="at most 3 people"):
        store.invite(KIND, MAP, "r1", ["a", "b", "c", "d"], "lead")
    store.invite(KIND, MAP, "r1", ["a", "b", "c"], "lead")
    store.invite(KIND, MAP, "r1", ["a", "b", "c"], "lead")  # replacing adds no link
    with pytest.raises(MovemapError, match="round holds at most 4"):
        store.invite(KIND, MAP, "r1", ["d", "e"], "lead")
    store.invite(KIND, MAP, "r2", ["a", "b", "c"], "lead")
    with pytest.raises(MovemapError, match="map holds at most 6"):
        store.invite(KIND, MAP, "r3", ["a"], "lead")
    assert len(store.links(KIND, MAP, "r1")) == 3  # a refused invitation wrote nothing


@pytest.mark.parametrize("subject", ["", "../x", "a" * 101, "r 1", "-r"])
def test_a_round_id_must_be_a_plain_id(store: LinkStore, subject: str) -> None:
    with pytest.raises(MovemapError, match="round"):
        store.invite(KIND, MAP, subject, ["p1"], "lead")


def test_selecting_people_matches_a_plain_filter() -> None:
    people = _people()
    for group in ("people", "givers_of_service", "system_leaders"):
        chosen = {p.id for p in select_people(people, group=group)}
        assert chosen == {p.id for p in people if p.group.value == group}
    chosen = {p.id for p in select_people(people, segment="LOCALITY:barrow")}
    assert chosen == {p.id for p in people if "locality:Barrow" in p.segments}
    both = {p.id for p in select_people(people, group="system_leaders",
                                        segment="locality:Barrow", picked=["p0001"])}
    assert both == {p.id for p in people if p.group.value == "system_leaders"
                    or "locality:Barrow" in p.segments} | {"p0001"}


def test_people_are_picked_by_id_or_exact_name_with_clear_errors() -> None:
    people = [Person(id="p1", name="Ada Lovelace", group="people"),
              Person(id="p2", name="Sam Lee", group="people"),
              Person(id="p3", name="Sam Lee", group="system_leaders")]
    assert [p.id for p in select_people(people, picked=["ada lovelace", "p3"])] == ["p1", "p3"]
    with pytest.raises(MovemapError, match="2 people are named 'Sam Lee'.*p2, p3"):
        select_people(people, picked=["Sam Lee"])
    with pytest.raises(MovemapError, match="nobody in the map has the id or name 'Zed'"):
        select_people(people, picked=["Zed"])
    with pytest.raises(MovemapError, match="group: 'leaders' is not a group"):
        select_people(people, group="leaders")


def test_the_csv_holds_one_row_per_link_and_no_formulas(store: LinkStore) -> None:
    people = {"p1": Person(id="p1", name="=HYPERLINK(\"x\")", group="people",
                           organisation="Bay, Trust"),
              "p2": Person(id="p2", name="Ben", group="people")}
    issued = store.invite(KIND, MAP, "r1", ["p1", "p2"], "lead")
    rows = list(csv.DictReader(io.StringIO(links_csv(issued, people, "https://m.example/"))))
    assert [r["person_id"] for r in rows] == ["p1", "p2"]
    assert rows[0]["name"] == "'=HYPERLINK(\"x\")"
    assert rows[0]["organisation"] == "Bay, Trust"
    assert rows[1]["link"] == f"https://m.example/l/{issued[1].token}"
    assert rows[1]["expires"] == issued[1].link.expires
    assert {r["replaced"] for r in rows} == {"no"}


# -- the link holder's page ----------------------------------------------------------------------


@pytest.fixture
def board(web: Web) -> FakeBoardState:
    state = FakeBoardState()
    state.open_round(MAP, "r1")
    state.open_round(OTHER_MAP, "r1", "Elsewhere's round")
    web.app.extensions["movemap.purpose_board"] = state.factory
    return state


def _links(web: Web) -> LinkStore:
    store: LinkStore = web.app.extensions["movemap.links"]
    return store


def _token(web: Web, person: str = "p0002", name: str = MAP, subject: str = "r1") -> str:
    return _links(web).invite(KIND, name, subject, [person], "lead")[0].token


def _holder(web: Web, token: str) -> FlaskClient:
    client = web.app.test_client()
    response = client.get(f"/l/{token}")
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def _form_token(client: FlaskClient) -> str:
    page = client.get("/l/board").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_opening_a_link_swaps_the_token_for_a_cookie_on_l_only(web: Web,
                                                                board: FakeBoardState) -> None:
    token = _token(web)
    client = web.app.test_client()
    response = client.get(f"/l/{token}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/l/board")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("movemap_link="))
    assert "Path=/l/" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert token not in cookie
    page = client.get("/l/board")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert "Why this matters" in html and token not in html


def _ended(response: object) -> bool:
    status = getattr(response, "status_code")  # noqa: B009
    text = getattr(response, "get_data")(as_text=True)  # noqa: B009
    return status == 404 and "This link no longer works" in text


def test_every_broken_link_answers_the_same_plain_404(web: Web, board: FakeBoardState,
                                                      clock: Clock) -> None:
    _links(web).clock = clock
    good = _token(web)
    revoked = _token(web, "p0003")
    _links(web).revoke_all(KIND, MAP, "r1")
    expiring = _token(web, "p0004")
    closed = _token(web, "p0005", subject="r2")
    board.open_round(MAP, "r2")
    board.close_round(MAP, "r2")
    never = _token(web, "p0006", subject="r9")  # a round the board does not know
    gone = _token(web, "p0007")
    open_store(web.app.extensions["movemap.settings"].store_url).delete_person(MAP, "p0007")
    clock.now = START + timedelta(days=40)
    expired_by_clock = expiring
    clock.now = START  # only the expiring one is tested past its time below
    for token in (good[:-2] + "zz", revoked, closed, never, gone, "a" * 101, "x"):
        assert _ended(web.app.test_client().get(f"/l/{token}")), token
    clock.now = START + timedelta(days=31)
    assert _ended(web.app.test_client().get(f"/l/{expired_by_clock}"))


def test_a_cookie_stops_working_when_its_link_is_revoked_or_expires(
        web: Web, board: FakeBoardState, clock: Clock) -> None:
    _links(web).clock = clock
    token = _token(web)
    client = _holder(web, token)
    assert client.get("/l/board").status_code == 200
    clock.now = START + timedelta(days=31)
    assert _ended(client.get("/l/board"))
    clock.now = START
    assert client.get("/l/board").status_code == 200
    link = _links(web).links(KIND, MAP, "r1")[0]
    _links(web).revoke(link.id, MAP)
    assert _ended(client.get("/l/board"))
    assert _ended(web.app.test_client().get("/l/board"))  # no cookie at all
    forged = web.app.test_client()
    forged.set_cookie("movemap_link", "[1, \"0000000000000000\"]", path="/l/")
    assert _ended(forged.get("/l/board"))


def test_another_maps_link_shows_only_that_maps_round(web: Web, board: FakeBoardState) -> None:
    client = _holder(web, _token(web, name=OTHER_MAP))
    html = client.get("/l/board").get_data(as_text=True)
    assert "Elsewhere&#39;s round" in html or "Elsewhere's round" in html
    csrf = _form_token(client)
    client.post("/l/board/add", data={"element": "purpose", "text": "x", "csrf_token": csrf})
    assert {c.round_id for c in board.contributions} == {f"{OTHER_MAP}/r1"}


def test_a_link_holder_reads_nothing_else(web: Web, board: FakeBoardState) -> None:
    holder = _holder(web, _token(web))
    stranger = web.app.test_client()
    values = {"name": MAP, "person_id": "p0002", "source": "p0001", "target": "p0002",
              "change_set_id": "1", "email": "owner@example.org", "token_id": "1",
              "event_id": "x", "round_id": "r1", "link_id": "1", "invitation_id": "1",
              "secret": "x", "filename": "movemap.css"}
    checked = 0
    for rule in web.app.url_map.iter_rules():
        if rule.rule.startswith(("/l/", "/static")) or "GET" not in (rule.methods or ()):
            continue
        url = re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
        mine, theirs = holder.get(url), stranger.get(url)
        assert (mine.status_code, mine.headers.get("Location")) == (
            theirs.status_code, theirs.headers.get("Location")), url
        assert mine.status_code in (302, 401, 404) or rule.rule in ("/health", "/login"), url
        checked += 1
    assert checked > 20


def test_adding_editing_and_withdrawing_go_through_the_board(web: Web,
                                                             board: FakeBoardState) -> None:
    client = _holder(web, _token(web))
    csrf = _form_token(client)
    added = client.post("/l/board/add", data={"element": "shared_story", "csrf_token": csrf,
                                              "text": "My mum waited 9 hours."})
    assert added.status_code == 303
    (contribution,) = board.contributions
    assert (contribution.person_id, contribution.element) == ("p0002", "shared_story")
    assert board.actions[-1][0] == "person:p0002"
    assert board.actions[-1][1].startswith("private link ")
    page = client.get("/l/board").get_data(as_text=True)
    assert "My mum waited 9 hours." in page and ">You<" in page
    client.post(f"/l/board/{contribution.id}/edit", data={"text": "Nine hours.",
                                                          "csrf_token": csrf})
    assert contribution.text == "Nine hours."
    client.post(f"/l/board/{contribution.id}/withdraw", data={"csrf_token": csrf})
    assert contribution.withdrawn
    assert "Nine hours." not in client.get("/l/board").get_data(as_text=True)


def test_others_contributions_show_their_group_never_their_name(web: Web,
                                                                board: FakeBoardState) -> None:
    ann = _holder(web, _token(web, "p0001"))  # Priya Kaur, a giver of service
    ann.post("/l/board/add", data={"element": "shared_value", "text": "Dignity",
                                   "csrf_token": _form_token(ann)})
    ben = _holder(web, _token(web, "p0002"))
    page = ben.get("/l/board").get_data(as_text=True)
    assert "Dignity" in page and "Someone from givers of service" in page
    assert "Priya" not in page and "p0001" not in page
    with pytest.raises(LookupError):  # and nobody changes another's contribution
        board.factory(None, None).edit(MAP, "r1", "p0002", "c1", "x")  # type: ignore[arg-type]
    answer = ben.post("/l/board/c1/withdraw", data={"csrf_token": _form_token(ben)})
    assert answer.status_code == 422 and not board.contributions[0].withdrawn


def test_a_review_says_can_live_with_it_or_why_not_yet(web: Web,
                                                       board: FakeBoardState) -> None:
    from service.purpose_board import StatementView

    board.statements[(MAP, "r1")] = [StatementView("s1", 2, "We act so that …")]
    client = _holder(web, _token(web))
    csrf = _form_token(client)
    assert "We act so that" in client.get("/l/board").get_data(as_text=True)
    refused = client.post("/l/board/review/s1", data={"verdict": "cannot_yet", "version": "2",
                                                     "reason": "", "csrf_token": csrf})
    assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
    client.post("/l/board/review/s1", data={"verdict": "cannot_yet", "version": "2",
                                            "reason": "It leaves out carers.",
                                            "csrf_token": csrf})
    assert board.reviews[("p0002", "s1", 2)] == ("cannot_yet", "It leaves out carers.")
    for bad in ({"verdict": "maybe", "version": "2"}, {"verdict": "can_live_with",
                                                       "version": "x"}):
        answer = client.post("/l/board/review/s1", data={**bad, "csrf_token": csrf})
        assert answer.status_code == 422


def test_forms_need_the_csrf_token_and_bounded_text(web: Web, board: FakeBoardState) -> None:
    client = _holder(web, _token(web))
    no_csrf = client.post("/l/board/add", data={"element": "purpose", "text": "x"})
    assert no_csrf.status_code == 400
    csrf = _form_token(client)
    long = client.post("/l/board/add", data={"element": "purpose", "text": "x" * 2001,
                                             "csrf_token": csrf})
    assert long.status_code == 422 and "at most 2,000 characters" in long.get_data(as_text=True)
    odd = client.post("/l/board/add", data={"element": "aims", "text": "x", "csrf_token": csrf})
    assert odd.status_code == 422
    huge = client.post("/l/board/add", data={"element": "purpose", "csrf_token": csrf,
                                              "text": "x" * (7 * 1024 * 1024)})
    assert huge.status_code == 413
    assert board.contributions == []


def _photo_with_exif() -> bytes:
    image = Image.new("RGB", (3000, 2000), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "WhereaboutsSoftware"  # Software
    exif[0x0112] = 6  # Orientation: turned 90 degrees
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at 12 Acacia Avenue")
    return out.getvalue()


def test_a_picture_is_re_encoded_without_its_metadata(web: Web, board: FakeBoardState) -> None:
    client = _holder(web, _token(web))
    csrf = _form_token(client)
    photo = _photo_with_exif()
    assert b"SecretCam" in photo
    client.post("/l/board/add", data={"element": "shared_story", "text": "Our walk",
                                      "csrf_token": csrf,
                                      "picture": (io.BytesIO(photo), "walk.jpg")},
                content_type="multipart/form-data")
    (contribution,) = board.contributions
    kept = contribution.picture
    assert kept is not None
    for secret in (b"SecretCam", b"Whereabouts", b"Acacia", b"Exif"):
        assert secret not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (1067, 1600)  # turned upright, then bounded to 1600 a side
    served = client.get(f"/l/board/picture/{contribution.id}")
    assert served.status_code == 200 and served.data == kept
    assert served.headers["Content-Type"] == "image/jpeg"
    not_a_picture = client.post("/l/board/add", data={
        "element": "shared_story", "text": "x", "csrf_token": csrf,
        "picture": (io.BytesIO(b"<svg onload=alert(1)>"), "x.jpg")},
        content_type="multipart/form-data")
    assert not_a_picture.status_code == 422
    assert "not a JPEG, PNG or WebP" in not_a_picture.get_data(as_text=True)


def test_link_use_is_rate_limited_per_link_and_per_address(web: Web,
                                                           board: FakeBoardState) -> None:
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_LINK_USE": "3 per minute", "MOVEMAP_RATE_LINK_ADDRESS": "7 per minute"})
    client = _holder(web, _token(web))  # one use of the address
    assert [client.get("/l/board").status_code for _ in range(4)] == [200, 200, 200, 429]
    other = _holder(web, _token(web, "p0003"))
    assert other.get("/l/board").status_code == 200  # another link has its own count...
    answer = other.get("/l/board")  # ...but the address is at its limit now
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 1


def test_broken_links_count_as_bad_tokens_from_the_address(web: Web,
                                                           board: FakeBoardState) -> None:
    web.app.extensions["movemap.throttle"] = Throttle.from_env(
        {"MOVEMAP_RATE_BAD_TOKEN": "3 per minute"})
    client = web.app.test_client()
    assert [client.get(f"/l/{'x' * 32}").status_code for _ in range(4)] == [404, 404, 404, 429]
    assert client.get(f"/l/{_token(web)}").status_code == 429  # even a good one, for a while


def test_the_request_log_hides_tokens() -> None:
    import logging

    from service.pages_contribute import _hide_tokens

    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '%s - "%s" %s',
                               ("127.0.0.1", "GET /l/abcDEF123_-xyz0987 HTTP/1.1", "303"), None)
    _hide_tokens(record)
    assert "abcDEF" not in record.getMessage() and "/l/…" in record.getMessage()


# -- the lead's side ----------------------------------------------------------------------------


def test_an_editor_invites_by_group_and_downloads_the_csv(web: Web, client: FlaskClient,
                                                          board: FakeBoardState) -> None:
    sign_in(client, web.emails["editor"])
    page = client.get(f"/c/{MAP}/purpose/links?round=r1")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf
    answer = client.post(f"/c/{MAP}/purpose/links/invite", data={
        "round": "r1", "group": "system_leaders", "people": "p0002\nNiamh Hodgson",
        "expires_days": "14", "csrf_token": csrf.group(1)})
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    people = list(open_store(web.app.extensions["movemap.settings"].store_url)
                  .iter_people(MAP))
    expected = {p.id for p in people if p.group.value == "system_leaders"} | {"p0002",
                                                                              "p0003"}
    assert {r["person_id"] for r in rows} == expected
    link = rows[0]["link"]
    assert link.startswith("http://localhost/l/")
    holder = web.app.test_client()
    assert holder.get(link.removeprefix("http://localhost")).status_code == 303
    listing = client.get(f"/c/{MAP}/purpose/links?round=r1").get_data(as_text=True)
    assert "Niamh Hodgson" in listing and link.rsplit("/", 1)[1] not in listing
    assert _links(web).invited_people(KIND, MAP, "r1") == expected


def test_a_viewer_may_not_invite_and_an_outsider_does_not_see_the_page(
        web: Web, board: FakeBoardState) -> None:
    for role, status in (("viewer", 403), ("outsider", 404)):
        client = web.app.test_client()
        sign_in(client, web.emails[role])
        assert client.get(f"/c/{MAP}/purpose/links").status_code == status
        assert client.get(f"{API}/constituencies/{MAP}/purpose/rounds/r1/links",
                          headers=bearer(web.tokens[role])).status_code == status


def test_the_page_revokes_one_link_or_all(web: Web, client: FlaskClient,
                                          board: FakeBoardState) -> None:
    tokens = [_token(web, p) for p in ("p0002", "p0003", "p0004")]
    sign_in(client, web.emails["editor"])
    page = client.get(f"/c/{MAP}/purpose/links?round=r1").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    first = _links(web).links(KIND, MAP, "r1")[0]
    client.post(f"/c/{MAP}/purpose/links/{first.id}/revoke", data={"csrf_token": csrf[1]})
    assert _links(web).resolve(tokens[0]) is None and _links(web).resolve(tokens[1])
    client.post(f"/c/{MAP}/purpose/links/revoke-all", data={"round": "r1",
                                                            "csrf_token": csrf[1]})
    assert all(_links(web).resolve(t) is None for t in tokens)
    assert "revoked" in client.get(f"/c/{MAP}/purpose/links?round=r1").get_data(as_text=True)


def test_the_api_invites_lists_and_revokes(web: Web, board: FakeBoardState) -> None:
    client = web.app.test_client()
    url = f"{API}/constituencies/{MAP}/purpose/rounds/r1/links"
    editor = bearer(web.tokens["editor"])
    made = client.post(url, json={"people": ["p0002", "p0003"], "expires_days": 7,
                                  "base_url": "https://movemap.example"}, headers=editor)
    assert made.status_code == 201, made.get_json()
    items = made.get_json()["items"]
    assert [i["person_id"] for i in items] == ["p0002", "p0003"]  # by name: David, Niamh
    assert all(i["link"].startswith("https://movemap.example/l/") for i in items)
    again = client.post(url, json={"people": ["p0002"]}, headers=editor).get_json()
    assert again["items"][0]["replaced"] is True
    listed = client.get(url, headers=editor).get_json()
    assert listed["total"] == 2 and "link" not in listed["items"][0]
    link_id = listed["items"][0]["id"]
    gone = client.delete(f"{API}/constituencies/{MAP}/purpose/links/{link_id}",
                         headers=editor)
    assert gone.status_code == 204
    huge = client.delete(f"{API}/constituencies/{MAP}/purpose/links/{2**70}", headers=editor)
    assert huge.status_code == 404
    assert client.delete(url, headers=editor).get_json()["revoked"] == 1
    for body, field in (({"people": ["nobody-here"]}, "people"), ({"group": "x"}, "group"),
                        ({"expires_days": 91, "people": ["p0002"]}, "expires_days"),
                        ({}, "people"), ({"people": ["p0002"], "extra": 1}, "extra"),
                        ({"people": ["x" * 501]}, "people")):
        answer = client.post(url, json=body, headers=editor)
        assert answer.status_code == 422, body
        assert answer.get_json()["problems"][0]["field"].startswith(field), answer.get_json()
    other = client.get(f"{API}/constituencies/{OTHER_MAP}/purpose/rounds/r1/links",
                       headers=editor)
    assert other.status_code == 404


def test_deleting_a_map_takes_its_links_along(web: Web, board: FakeBoardState) -> None:
    token = _token(web)
    client = web.app.test_client()
    assert client.delete(f"{API}/constituencies/{MAP}",
                         headers=bearer(web.tokens["owner"])).status_code == 204
    assert _links(web).resolve(token) is None
    assert _links(web).links(KIND, MAP, "r1") == []


def test_the_command_line_invites_to_a_csv_and_revokes(web: Web, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings = web.app.extensions["movemap.settings"]
    monkeypatch.setenv("MOVEMAP_ACCOUNTS", settings.accounts_url)
    runner = CliRunner()
    out = tmp_path / "links.csv"
    store = ["--store", settings.store_url]
    result = runner.invoke(main, [*store, "purpose", "invite", MAP, "r1", "--segment",
                                  "community:Deaf", "--person", "p0001", "--expires-days",
                                  "10", "-o", str(out), "--base-url", "https://m.example"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    people = _people()
    assert {r["person_id"] for r in rows} == {
        p.id for p in people if "community:Deaf" in p.segments} | {"p0001"}
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert _links(web).resolve(rows[0]["link"].rsplit("/", 1)[1]) is not None
    again = runner.invoke(main, [*store, "purpose", "invite", MAP, "r1", "--person", "p0001",
                                 "-o", str(out)])
    assert "1 replaced older links" in again.output and "--base-url" in again.output
    listing = runner.invoke(main, [*store, "purpose", "links", MAP, "r1"])
    assert listing.exit_code == 0 and "works" in listing.output
    assert "/l/" not in listing.output
    link_id = _links(web).links(KIND, MAP, "r1")[0].id
    revoked = runner.invoke(main, [*store, "purpose", "links", MAP, "r1", "--revoke",
                                   str(link_id)])
    assert "no longer works" in revoked.output
    everyone = runner.invoke(main, [*store, "purpose", "links", MAP, "r1", "--revoke-all"])
    assert everyone.exit_code == 0 and "Revoked" in everyone.output
    assert _links(web).invited_people(KIND, MAP, "r1") == set()
    bad = runner.invoke(main, [*store, "purpose", "invite", MAP, "r 1", "--person", "p0001",
                               "-o", str(out)])
    assert bad.exit_code != 0 and "round" in bad.output


def test_invite_from_map_needs_someone_to_invite(store: LinkStore) -> None:
    with pytest.raises(MovemapError, match="people: nobody to invite"):
        invite_from_map(store, _people(), KIND, MAP, "r1", invited_by="lead")
    with pytest.raises(MovemapError, match="people: nobody to invite"):
        invite_from_map(store, _people(), KIND, MAP, "r1", invited_by="lead",
                        segment="no-such-segment")
