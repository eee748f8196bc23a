"""The whole job in the browser: a map made, renamed and deleted with its name typed; a colleague
invited, joining through the link and signed in; one's own account page. Each page is checked
by axe-core and photographed at laptop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from service.accounts import AccountStore, accounts_path_from_url

from .browsing import PASSWORD, LiveServer, Watch, assert_accessible, screenshot

MAKER = "maker@example.org"
"""An account with the right to make maps (and no map yet)."""
COLLEAGUE = "colleague@example.org"
COLLEAGUE_PASSWORD = "the colleague's own passphrase"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def maker(server: LiveServer) -> str:
    accounts = AccountStore(accounts_path_from_url(server.settings.accounts_url))
    try:
        if not accounts.has_account(MAKER):
            accounts.add_user(MAKER, PASSWORD)
        accounts.set_rights(MAKER, may_create=True)
    finally:
        accounts.close()
    return MAKER


@pytest.fixture
def maker_page(browser: Browser, server: LiveServer, maker: str) -> Iterator[Page]:
    """A laptop-sized page signed in as the map maker."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(maker)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")
    yield page
    context.close()


def both_widths(page: Page, folder: Path, name: str) -> None:
    """Screenshots at 1280 and 360 px; at 360 px the page must not scroll sideways."""
    screenshot(page, folder, f"{name}-1280")
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(_WIDER_THAN_THE_PAGE)
    screenshot(page, folder, f"{name}-360")
    if size:
        page.set_viewport_size(size)
    assert overflow <= 0, f"{name}: {overflow} px of horizontal scroll at 360 px: {wide}"


_WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1
                   && !e.closest('.table-wrap *'))
    .slice(0, 5).map((e) => e.tagName + '.' + e.className + '#' + e.id);
}"""


def make_map(page: Page, name: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Make a new map").click()
    expect(page.get_by_role("heading", name="A new map")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Description").fill("Made in the browser test")
    page.get_by_role("button", name="Make the map").click()
    expect(page.get_by_text(f"Made the map {name}")).to_be_visible()


def test_a_colleague_is_invited_and_signs_in_through_the_link(
    maker_page: Page, browser: Browser, server: LiveServer, screenshots: Path
) -> None:
    page = maker_page
    watch = Watch.on(page)
    make_map(page, "Invite pilot")
    page.get_by_role("link", name="Colleagues").click()
    expect(page.get_by_role("heading", name="Colleagues and the map Invite pilot")).to_be_visible()
    assert_accessible(page, "colleagues page")
    page.get_by_label("Their email").fill(COLLEAGUE)
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.get_by_role("textbox", name="Invitation link").input_value()
    assert re.search(r"/invitation/[\w-]{30,}$", link), link
    expect(page.get_by_text(f"{COLLEAGUE} as editor")).to_be_visible()
    assert_accessible(page, "colleagues page with a new invitation")
    both_widths(page, screenshots, "colleagues")
    watch.assert_clean("inviting a colleague")

    guest: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 800})
    guest.set_default_timeout(15_000)
    try:
        joining = guest.new_page()
        joining.goto(link)
        expect(joining.get_by_role("heading", name="Join the map Invite pilot")).to_be_visible()
        assert_accessible(joining, "invitation page")
        both_widths(joining, screenshots, "invitation")
        joining.get_by_label("Password", exact=True).fill(COLLEAGUE_PASSWORD)
        joining.get_by_label("The same password again").fill(COLLEAGUE_PASSWORD)
        joining.get_by_role("button", name="Join and sign in").click()
        joining.wait_for_url(re.compile(r"/c/Invite%20pilot/$"))
        expect(joining.get_by_text(COLLEAGUE)).to_be_visible()
        expect(joining.get_by_text("Welcome: you are editor of Invite pilot")).to_be_visible()
        joining.goto(link)  # the link works once
        expect(joining.get_by_text("This invitation link does not work")).to_be_visible()
    finally:
        guest.close()
    page.reload()
    expect(page.get_by_role("cell", name=COLLEAGUE, exact=True)).to_be_visible()


def test_a_map_is_made_configured_renamed_and_deleted_with_its_name_typed(
    maker_page: Page, screenshots: Path
) -> None:
    page = maker_page
    watch = Watch.on(page)
    make_map(page, "Short lived")
    page.goto("/maps/new")
    assert_accessible(page, "new map page")
    both_widths(page, screenshots, "map-new")
    page.goto("/c/Short%20lived/colleagues")
    page.get_by_role("link", name="Settings of Short lived").click()  # configured, then renamed
    page.wait_for_url(re.compile(r"/c/Short%20lived/settings"))
    assert_accessible(page, "settings page")
    page.get_by_label("Reach target (% of everyone else)").fill("80")
    page.get_by_label("Reach counts people within").select_option("2")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the settings")
    page.get_by_role("textbox", name="Expected segment", exact=True).fill("locality:Millom")
    page.get_by_role("button", name="Add the segment").click()
    expect(page.get_by_role("status").first).to_contain_text("is now expected")
    page.goto("/c/Short%20lived/colleagues")
    page.get_by_label("New name").fill("Short lived 2")
    page.get_by_role("button", name="Rename the map").click()
    page.wait_for_url(re.compile(r"/c/Short%20lived%202/colleagues$"))
    expect(page.get_by_text("is now called Short lived 2")).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("renamed the map Short lived to Short lived 2")).to_be_visible()
    page.goto("/c/Short%20lived%202/settings")  # the settings went with the new name
    expect(page.get_by_label("Reach target (% of everyone else)")).to_have_value("80")
    expect(page.get_by_text("Millom (locality)").first).to_be_visible()

    page.goto("/c/Short%20lived%202/colleagues")
    page.get_by_role("link", name="Delete this map…").click()
    expect(page.get_by_role("heading", name="Delete the map Short lived 2")).to_be_visible()
    assert_accessible(page, "delete page")
    both_widths(page, screenshots, "map-delete")
    page.get_by_label("Type the map's name to confirm").fill("Short lived")
    page.get_by_role("button", name="Delete this map for good").click()
    expect(page.get_by_text("That is not the map's name")).to_be_visible()
    assert_accessible(page, "delete page with an error")
    page.get_by_label("Type the map's name to confirm").fill("Short lived 2")
    page.get_by_role("button", name="Delete this map for good").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text("The map Short lived 2 is deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Short lived 2")).to_have_count(0)
    watch.assert_clean("making, renaming and deleting a map")


def test_the_account_page_makes_a_token_shown_once(maker_page: Page, screenshots: Path
                                                   ) -> None:
    page = maker_page
    page.goto("/")
    page.get_by_role("link", name=MAKER).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert_accessible(page, "account page")
    page.get_by_label("Days it lasts").fill("30")
    page.get_by_role("button", name="Make a token").click()
    token = page.get_by_label("Your new token (shown only now: copy it)").input_value()
    assert token.startswith("mm_")
    assert_accessible(page, "account page with a new token")
    both_widths(page, screenshots, "account")
    page.get_by_role("button", name=re.compile("Revoke")).first.click()
    expect(page.get_by_text("is revoked")).to_be_visible()
