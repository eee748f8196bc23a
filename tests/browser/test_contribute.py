"""A contributor opens their private link on a phone (360 px): the token leaves the address
bar, the board fits the width and axe finds nothing; they add a story and a purpose wording,
then change the story. And the lead's links page fits a phone too.

The board is the shared purpose's own (``graph.purpose`` through ``service.purpose_adapter``),
on a server of this module's own with an open round."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from graph.demo import demo_constituency
from graph.history import Actor
from graph.purpose.model import Round
from graph.stores.base import open_store
from graph.usecases import UseCases
from service import Settings, create_app
from service.links import LinkStore

from .browsing import EMAIL, PASSWORD, Watch, assert_accessible, screenshot
from .test_widths import sideways

PHONE = {"width": 360, "height": 740}
MAP = "bay"


@pytest.fixture(scope="module")
def link_server(tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[str, Any, str, str]]:
    folder = tmp_path_factory.mktemp("links-server")
    settings = Settings(store_url=f"sqlite:///{folder / 'store.db'}",
                        accounts_url=f"sqlite:///{folder / 'accounts.db'}",
                        secret_key="browser-links-secret-" + "x" * 40, cookie_secure=False)
    store = open_store(settings.store_url)
    try:
        constituency, people, ties = demo_constituency(seed=7, size=200)
        cases = UseCases(store, Actor("tests", "seed"))
        cases.create_constituency(constituency.model_copy(update={"name": MAP}))
        cases.import_records(MAP, people, ties)
        round_id = cases.purpose.open_round(MAP, Round(title="Why urgent care matters to us",
                                                       opens=date.today()))
    finally:
        store.close()
    app = create_app(settings)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user(EMAIL, PASSWORD)
    accounts.grant(EMAIL, MAP, "editor")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="links-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", app, round_id, settings.store_url
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


def _fits(page: Page, where: str) -> None:
    found = sideways(page)
    assert found["overflow"] <= 1, f"{where} scrolls sideways: {found['wide']}"


def test_a_contributor_adds_a_story_and_a_purpose_on_a_phone_and_edits_it(
        browser: Browser, link_server: tuple[str, Any, str, str], screenshots: Path) -> None:
    url, app, round_id, store_url = link_server
    links: LinkStore = app.extensions["movemap.links"]
    token = links.invite("purpose_round", MAP, round_id, ["p0002"], "lead")[0].token
    context = browser.new_context(base_url=url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        watch = Watch.on(page)
        page.goto(f"/l/{token}")
        assert page.url == f"{url}/l/board"  # the token is gone from the address bar
        assert token not in page.content()
        page.get_by_role("heading", name="Why urgent care matters to us").wait_for()
        _fits(page, "the board at 360 px")
        assert_accessible(page, "the empty board at 360 px")

        page.get_by_label("Add to Shared: a story").fill("My dad waited nine hours in A&E.")
        page.locator("section", has=page.get_by_role("heading", name="Shared: a story")) \
            .get_by_role("button", name="Add").click()
        page.get_by_role("status").filter(has_text="your contribution is on the board") \
            .wait_for()
        page.get_by_label("Add to Purpose").fill("Everyone gets care with dignity, close by.")
        page.locator("section", has=page.get_by_role("heading", name="Purpose", exact=True)) \
            .get_by_role("button", name="Add").click()
        page.locator("p.text", has_text="Everyone gets care with dignity").wait_for()

        story = page.locator("li.contribution", has_text="My dad waited")
        story.get_by_text("Change or withdraw").click()
        story.get_by_label("Your words").fill("My dad waited eleven hours in A&E.")
        story.get_by_role("button", name="Save the change").click()
        page.get_by_role("status").filter(has_text="changed").wait_for()
        assert page.locator("p.text", has_text="eleven hours").is_visible()
        store = open_store(store_url)
        try:
            state = UseCases(store, Actor("tests", "check")).purpose.state(MAP)
        finally:
            store.close()
        assert [(c.element.value, c.text, c.contributor.person)
                for c in state.contributions.values()] == [
            ("shared", "My dad waited eleven hours in A&E.", "p0002"),
            ("purpose", "Everyone gets care with dignity, close by.", "p0002")]
        _fits(page, "the board with contributions at 360 px")
        assert_accessible(page, "the board with contributions at 360 px")
        screenshot(page, screenshots, "contribute-board-360")
        watch.assert_clean("the link holder's board")
    finally:
        context.close()


def test_a_broken_link_and_the_leads_links_page_fit_a_phone(
        browser: Browser, link_server: tuple[str, Any, str, str], screenshots: Path) -> None:
    url, app, round_id, _store = link_server
    app.extensions["movemap.links"].invite("purpose_round", MAP, round_id, ["p0003"], "lead")
    context = browser.new_context(base_url=url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        response = page.goto("/l/not-a-real-link-at-all-0123456789")
        assert response is not None and response.status == 404
        assert page.get_by_role("heading", name="This link no longer works").is_visible()
        assert_accessible(page, "a broken link at 360 px")
        page.goto("/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/")
        page.goto(f"/c/{MAP}/purpose/links?round={round_id}")
        page.get_by_role("heading", name=f"Links of round {round_id}").wait_for()
        _fits(page, "the links page at 360 px")
        assert_accessible(page, "the links page at 360 px")
        screenshot(page, screenshots, "purpose-links-360")
    finally:
        context.close()
