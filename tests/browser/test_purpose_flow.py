"""The whole shared purpose flow in a real browser, one person at a time, as it happens:

1. a contributor opens their private link on a phone (360 px), adds a story and a purpose
   wording, then changes the wording;
2. the lead (signed in, 1280 px) groups that very wording into a theme, drafts a statement
   version from it and sends it out for review (prototype);
3. a reviewer opens their own private link on a phone and can live with it;
4. the lead's board shows the review by group, and the balance warning about the reviews
   follows it.

Every page visited is checked by axe-core, the phone pages for scrolling sideways, and every
page for console errors and CSP violations. Four givers of service reviewed an older draft
before the flow, so the reviewer (a fifth giver of service) tips the reviews into imbalance.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from graph.history import Actor
from graph.model import Group
from graph.purpose.model import Review, Statement, StatementVersion
from graph.stores.base import open_store
from graph.usecases import UseCases
from service.links import LinkStore

from .browsing import LINKS_MAP as MAP
from .browsing import (
    PHONE,
    LinkServer,
    Watch,
    assert_accessible,
    group_into_theme,
    screenshot,
    sign_in,
    wait_for_figures,
)
from .test_widths import sideways

BOARD = f"/c/{MAP}/purpose"
STORY = "My mum waited all night on a trolley, and nobody told us why."
FIRST_WORDS = "Everyone is cared for close to home."
EDITED_WORDS = "Everyone is cared for close to home, by people who know them."
REVIEWS_BEFORE = 4


def _seed(server: LinkServer) -> tuple[str, str]:
    """A contributor (one of the people) and a reviewer (a giver of service), each invited by
    a private link of their own; four other givers of service reviewed an older draft."""
    store = open_store(server.store_url)
    try:
        people = [p for p in store.iter_people(MAP) if p.left is None]
        by_group = {g: sorted(p.id for p in people if p.group is g) for g in Group}
        givers = by_group[Group.GIVERS_OF_SERVICE]
        purpose = UseCases(store, Actor("tests", "seed")).purpose
        today = date.today()
        sid = purpose.add_statement(MAP, Statement(title="An older draft"))
        vid = purpose.add_version(MAP, sid, StatementVersion(purpose="We run the wards well.",
                                                             date=today))
        for pid in givers[1:1 + REVIEWS_BEFORE]:
            purpose.review(MAP, Review.model_validate({
                "version": vid, "reviewer": {"person": pid}, "answer": "can_live_with",
                "date": today}))
    finally:
        store.close()
    return by_group[Group.PEOPLE][0], givers[0]


def _link(server: LinkServer, person: str) -> str:
    links: LinkStore = server.app.extensions["movemap.links"]
    return links.invite("purpose_round", MAP, server.round_id, [person], "lead")[0].token


@contextlib.contextmanager
def _on_a_phone(browser: Browser, server: LinkServer, token: str, where: str
                ) -> Iterator[Page]:
    """A link holder's board at 360 px, opened by their link's ``token``; by the end, no
    console error, uncaught exception or CSP violation."""
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        watch = Watch.on(page)
        page.goto(f"/l/{token}")
        yield page
        watch.assert_clean(where)
    finally:
        context.close()


def _checked(page: Page, where: str, *, phone: bool = False) -> None:
    """axe finds nothing; on a phone, nothing scrolls sideways."""
    if phone:
        found = sideways(page)
        assert found["overflow"] <= 1, f"{where} scrolls sideways: {found['wide']}"
    assert_accessible(page, where)


def _lead_board(page: Page, where: str) -> None:
    wait_for_figures(page, where)
    _checked(page, where)


def _by_group(page: Page) -> dict[str, list[str]]:
    """The table of who made the purpose: each group's cells (share of the map,
    contributions, reviews, can live with it, can't yet) by its label in lower case."""
    table = page.locator("table", has=page.locator("caption", has_text="Who made the purpose"))
    rows: dict[str, list[str]] = {}
    for row in table.locator("tbody tr").all():
        rows[row.locator("th").inner_text().strip().lower()] = [
            cell.strip() for cell in row.locator("td").all_inner_texts()]
    return rows


def _review_imbalance(page: Page) -> Locator:
    return page.locator("ul.purpose-warnings li.warning-group_imbalance").filter(
        has_text="of the reviews")


def _contribute(browser: Browser, server: LinkServer, token: str, screenshots: Path) -> None:
    with _on_a_phone(browser, server, token, "the contributor's board") as page:
        page.get_by_role("heading", name="Why urgent care matters to us").wait_for()
        _checked(page, "the contributor's empty board at 360 px", phone=True)
        page.get_by_label("Add to Shared: a story").fill(STORY)
        page.locator("section", has=page.get_by_role("heading", name="Shared: a story")) \
            .get_by_role("button", name="Add").click()
        page.get_by_role("status").filter(has_text="your contribution is on the board") \
            .wait_for()
        _checked(page, "the contributor's board with a story at 360 px", phone=True)
        page.get_by_label("Add to Purpose").fill(FIRST_WORDS)
        page.locator("section", has=page.get_by_role("heading", name="Purpose", exact=True)) \
            .get_by_role("button", name="Add").click()
        page.locator("p.text", has_text=FIRST_WORDS).wait_for()
        _checked(page, "the contributor's board with a wording at 360 px", phone=True)

        wording = page.locator("li.contribution", has_text=FIRST_WORDS)
        wording.get_by_text("Change or withdraw").click()
        wording.get_by_label("Your words").fill(EDITED_WORDS)
        wording.get_by_role("button", name="Save the change").click()
        page.get_by_role("status").filter(has_text="changed").wait_for()
        expect(page.locator("p.text", has_text=EDITED_WORDS)).to_be_visible()
        _checked(page, "the contributor's board after the change at 360 px", phone=True)
        screenshot(page, screenshots, "flow-contributor-360")


def _send_for_review(page: Page) -> tuple[str, str]:
    """The lead groups the changed wording into a theme, drafts a version from it and sends
    it out for review; returns the wording's contribution id and the version's id."""
    card = page.locator("li.purpose-card", has_text=EDITED_WORDS)
    cid = card.locator(".item-id").inner_text().strip()
    group_into_theme(page, cid, "Close to home")
    theme = page.locator(".purpose-themes li.theme-unites", has_text="Close to home")
    expect(theme).to_contain_text(cid)
    _lead_board(page, "the lead's board after the theme")

    page.get_by_text("Draft a version").click()
    page.get_by_label("Name of a new statement").fill("Known and close to home")
    page.get_by_label("Purpose: why we act").fill(EDITED_WORDS)
    page.get_by_label("From contributions").fill(cid)
    page.get_by_label("Status", exact=True).select_option("draft")
    page.get_by_role("button", name="Save the version").click()
    page.wait_for_url(f"**{BOARD}#statements-heading")
    statement = page.locator("article.statement", has_text="Known and close to home")
    expect(statement).to_contain_text("from 1 contribution")
    version = statement.locator("li.version").first
    vid = (version.get_attribute("id") or "").removeprefix("version-")
    _lead_board(page, "the lead's board after drafting")

    version.get_by_label(f"Status of {vid}").select_option("prototype")
    version.get_by_role("button", name="Set").click()
    expect(page.locator(".flash.success")).to_contain_text(f"Version {vid} is now")
    expect(page.locator(f"#version-{vid}")).to_have_class("version status-prototype")
    _lead_board(page, "the lead's board after sending the version for review")
    return cid, vid


def _review(browser: Browser, server: LinkServer, token: str, screenshots: Path) -> None:
    with _on_a_phone(browser, server, token, "the reviewer's board") as page:
        page.get_by_role("heading", name="Statements for your review").wait_for()
        sent = page.locator("article.statement", has_text=EDITED_WORDS)
        expect(sent).to_have_count(1)  # the older draft was never sent out
        expect(page.locator("article.statement")).to_have_count(1)
        _checked(page, "the reviewer's board at 360 px", phone=True)
        sent.get_by_role("radio", name="I can live with it").check()
        sent.get_by_role("button", name="Send my review").click()
        page.get_by_role("status").filter(has_text="your review is saved").wait_for()
        expect(page.locator("article.statement", has_text=EDITED_WORDS)).to_contain_text(
            "Your review: I can live with it")
        _checked(page, "the reviewer's board after the review at 360 px", phone=True)
        screenshot(page, screenshots, "flow-reviewer-360")


def test_a_contribution_becomes_a_statement_that_a_reviewer_can_live_with(
        browser: Browser, link_server: LinkServer, screenshots: Path) -> None:
    contributor, reviewer = _seed(link_server)
    _contribute(browser, link_server, _link(link_server, contributor), screenshots)

    lead = browser.new_context(base_url=link_server.url, viewport={"width": 1280, "height": 800})
    lead.set_default_timeout(15_000)
    try:
        page = lead.new_page()
        watch = Watch.on(page)
        sign_in(page, link_server.url)
        page.goto(BOARD)
        _lead_board(page, "the lead's board")
        before = _by_group(page)
        expect(_review_imbalance(page)).to_have_count(0)  # four reviews: too few to judge
        cid, vid = _send_for_review(page)

        _review(browser, link_server, _link(link_server, reviewer), screenshots)

        page.goto(BOARD)
        _lead_board(page, "the lead's board after the review")
        expect(page.locator(f"#version-{vid}")).to_contain_text(
            "Reviews: 1 can live with it, 0 can't yet.")
        after = _by_group(page)
        givers, people = Group.GIVERS_OF_SERVICE.label, Group.PEOPLE.label
        # givers of service: reviews 4 → 5 (all of them), "can live with it" 4 → 5
        assert before[givers][2].startswith(f"{REVIEWS_BEFORE} (")
        assert (after[givers][2], after[givers][3]) == (f"{REVIEWS_BEFORE + 1} (100%)",
                                                        str(REVIEWS_BEFORE + 1))
        assert before[givers][3] == str(REVIEWS_BEFORE)
        for group in before.keys() - {givers}:  # nobody else reviewed, before or after
            assert before[group][2:] == after[group][2:] == ["0 (0%)", "0", "0"]
        # the contributor's two contributions count for the people, before and after
        assert before[people][1].startswith("2 (") and after[people][1] == before[people][1]
        expect(_review_imbalance(page)).to_contain_text(
            "Givers of service made 100% of the reviews")
        assert cid in page.locator(".purpose-themes").inner_text()
        screenshot(page, screenshots, "flow-lead-after-review")
        watch.assert_clean("the lead's board")
    finally:
        lead.close()
