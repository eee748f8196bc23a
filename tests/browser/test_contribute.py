"""A contributor opens their private link on a phone (360 px): the token leaves the address
bar, the board fits the width and axe finds nothing; they add a story and a purpose wording,
then change the story. And the lead's links page fits a phone too.

The board is the shared purpose's own (``graph.purpose`` through ``service.purpose_adapter``),
on a server of this module's own with an open round (``link_server``)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from graph.history import Actor
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.links import LinkStore

from .browsing import LINKS_MAP as MAP
from .browsing import PHONE, LinkServer, Watch, assert_accessible, screenshot, sign_in
from .test_widths import sideways


def _fits(page: Page, where: str) -> None:
    found = sideways(page)
    assert found["overflow"] <= 1, f"{where} scrolls sideways: {found['wide']}"


def test_a_contributor_adds_a_story_and_a_purpose_on_a_phone_and_edits_it(
        browser: Browser, link_server: LinkServer, screenshots: Path) -> None:
    url, app, round_id, store_url = (link_server.url, link_server.app, link_server.round_id,
                                     link_server.store_url)
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
        browser: Browser, link_server: LinkServer, screenshots: Path) -> None:
    url, app, round_id = link_server.url, link_server.app, link_server.round_id
    app.extensions["movemap.links"].invite("purpose_round", MAP, round_id, ["p0003"], "lead")
    context = browser.new_context(base_url=url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        response = page.goto("/l/not-a-real-link-at-all-0123456789")
        assert response is not None and response.status == 404
        assert page.get_by_role("heading", name="This link no longer works").is_visible()
        assert_accessible(page, "a broken link at 360 px")
        sign_in(page, url)
        page.goto(f"/c/{MAP}/purpose/links?round={round_id}")
        page.get_by_role("heading", name=f"Links of round {round_id}").wait_for()
        _fits(page, "the links page at 360 px")
        assert_accessible(page, "the links page at 360 px")
        screenshot(page, screenshots, "purpose-links-360")
    finally:
        context.close()
