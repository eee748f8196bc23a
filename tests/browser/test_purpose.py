"""The lead's side of the shared purpose in a real browser: grouping a contribution into a
theme, drafting a version, recording a reviewer's "I can live with it", and the balance
warning following on the page (axe-clean, nothing sideways, no console error)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import BrowserContext, expect

from graph.history import Actor
from graph.model import Group
from graph.purpose.model import Contribution, Review, Round, Statement, StatementVersion
from graph.stores.base import open_store
from graph.usecases import UseCases

from .browsing import (
    SCRATCH,
    LiveServer,
    Watch,
    assert_accessible,
    group_into_theme,
    screenshot,
    wait_for_figures,
)

BOARD = f"/c/{SCRATCH}/purpose"


def _seed(server: LiveServer) -> tuple[list[str], str]:
    """On the scratch map: a round with contributions from every group, a statement whose
    version four givers of service have reviewed; the givers' ids (a fifth is left to review
    on the page) and a contribution to group."""
    store = open_store(server.settings.store_url)
    try:
        maps = UseCases(store, Actor("tests", "seed"))
        people = [p for p in store.iter_people(SCRATCH) if p.left is None]
        by_group = {g: sorted(p.id for p in people if p.group is g) for g in Group}
        givers = by_group[Group.GIVERS_OF_SERVICE]
        purpose = maps.purpose
        today = date.today().isoformat()
        rid = purpose.open_round(SCRATCH, Round(title="Why does this matter to you?",
                                                opens=today))
        first = ""
        for group in Group:
            for pid in by_group[group][:2]:
                cid = purpose.add_contribution(SCRATCH, Contribution.model_validate({
                    "element": "shared", "kind": "value", "round": rid, "date": today,
                    "text": f"Being treated as a person ({group.value})",
                    "contributor": {"person": pid}}))
                first = first or cid
        sid = purpose.add_statement(SCRATCH, Statement(title="Browser first"))
        vid = purpose.add_version(SCRATCH, sid, StatementVersion(
            purpose="Everyone is treated as a person.", date=today))
        for pid in givers[:4]:
            purpose.review(SCRATCH, Review.model_validate({
                "version": vid, "reviewer": {"person": pid}, "answer": "can_live_with",
                "date": today}))
        return givers, first
    finally:
        store.close()


def test_a_lead_groups_drafts_records_a_review_and_the_balance_warning_follows(
        signed_in: BrowserContext, server: LiveServer, screenshots: object) -> None:
    givers, first = _seed(server)
    page = signed_in.new_page()
    watch = Watch.on(page)
    page.goto(BOARD)
    wait_for_figures(page, "purpose board")
    warnings = page.locator("ul.purpose-warnings")
    expect(warnings).not_to_contain_text("of the reviews")  # four reviews: too few to judge

    # group a contribution into a theme: tick it on its card, name the theme
    group_into_theme(page, first, "Treated as a person")
    expect(page.locator(".purpose-themes")).to_contain_text("Treated as a person")
    expect(page.locator(".purpose-themes")).to_contain_text(first)

    # draft a version of a new statement from that contribution
    page.get_by_text("Draft a version").click()
    page.get_by_label("Name of a new statement").fill("Seen as a person")
    page.get_by_label("Purpose: why we act").fill("So that everyone is seen as a person.")
    page.get_by_label("From contributions").fill(first)
    page.get_by_label("Status", exact=True).select_option("prototype")
    page.get_by_role("button", name="Save the version").click()
    page.wait_for_url(f"**{BOARD}#statements-heading")
    expect(page.locator("article.statement").filter(has_text="Seen as a person")).to_contain_text(
        "So that everyone is seen as a person.")

    # a fifth giver of service can live with the first statement: recorded on their behalf
    page.get_by_text("Record a review on someone's behalf").click()
    page.get_by_label("Version reviewed").select_option(label="Browser first s1-v1 (draft)")
    page.get_by_label("Reviewer").fill(givers[4])
    page.get_by_role("radio", name="I can live with it").check()
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_url(f"**{BOARD}#reviews-heading")
    expect(page.locator("#version-s1-v1")).to_contain_text("Reviews: 5 can live with it")
    expect(page.locator(".flash.success")).to_contain_text("can live with it")

    # five reviews, all from givers of service: the balance warning now shows, with the figures
    wait_for_figures(page, "purpose board after the review")
    imbalance = warnings.locator("li.warning-group_imbalance").filter(has_text="of the reviews")
    expect(imbalance).to_contain_text("Givers of service made 100% of the reviews")
    assert_accessible(page, "purpose board")
    screenshot(page, screenshots, "purpose-after-review")  # type: ignore[arg-type]
    watch.assert_clean("purpose board")
