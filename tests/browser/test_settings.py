"""The Settings page in a real Chromium, at a laptop's and a phone's width: a map configured
(targets, steps, readiness, an expected segment added, renamed and removed), the overview
showing the ready plan beside the plan from anyone, axe-core finding nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from graph.history import Actor
from graph.map_settings import MapSettings
from graph.stores.base import open_store
from graph.usecases import UseCases, map_settings

from .browsing import SCRATCH, LiveServer, Watch, assert_accessible, screenshot, wait_for_figures

WIDTHS = {"laptop": 1280, "phone": 360}


def _reset(server: LiveServer) -> None:
    """Put the scratch map's settings back, so other tests see it as they expect."""
    store = open_store(server.settings.store_url)
    try:
        UseCases(store, Actor("tests", "reset")).set_settings(SCRATCH, MapSettings())
    finally:
        store.close()


def _stored(server: LiveServer) -> MapSettings:
    store = open_store(server.settings.store_url)
    try:
        return map_settings(store, SCRATCH)
    finally:
        store.close()


@pytest.fixture(params=list(WIDTHS))
def sized(request: pytest.FixtureRequest, browser: Browser, server: LiveServer,
          signed_in_state: Any) -> Iterator[tuple[str, Page]]:
    context = browser.new_context(base_url=server.url, storage_state=signed_in_state,
                                  viewport={"width": WIDTHS[request.param], "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield request.param, context.new_page()
    finally:
        context.close()
        _reset(server)


def _no_sideways_scroll(page: Page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{where} scrolls sideways by {overflow}px"


def test_a_map_is_configured_on_its_settings_page_and_the_overview_follows(
        sized: tuple[str, Page], server: LiveServer, screenshots: Path) -> None:
    width, page = sized
    watch = Watch.on(page)
    page.goto(f"/c/{SCRATCH}/")
    page.get_by_role("navigation", name=re.compile("Pages of")).get_by_role(
        "link", name="Settings").click()
    page.wait_for_url(re.compile(rf"/c/{SCRATCH}/settings$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("settings")
    assert_accessible(page, f"settings ({width})")
    _no_sideways_scroll(page, f"settings ({width})")
    screenshot(page, screenshots, f"settings-{width}")

    page.get_by_label("Reach target (% of everyone else)").fill("85")
    page.get_by_label("Reach counts people within").select_option("2")
    page.get_by_label("Whom to engage next: also plan among").select_option("contributing")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the settings")
    assert _stored(server) == MapSettings(target_reach=0.85, steps=2,
                                          min_engagement="contributing")

    page.get_by_role("textbox", name="Expected segment", exact=True).fill("community:Roma")
    page.get_by_role("button", name="Add the segment").click()
    expect(page.get_by_role("status").first).to_contain_text("is now expected")
    rename = page.get_by_label("New name for Roma (community)")
    rename.fill("community:Roma and Sinti")
    rename.locator("xpath=..").get_by_role("button", name="Rename").click()
    expect(page.get_by_role("status").first).to_contain_text("Renamed Roma (community)")
    assert_accessible(page, f"settings after changes ({width})")
    page.get_by_role("button", name="Remove Roma and Sinti (community)").click()
    expect(page.get_by_role("status").first).to_contain_text("no longer expected")

    page.goto(f"/c/{SCRATCH}/")
    wait_for_figures(page, f"overview with readiness ({width})")
    expect(page.get_by_role("heading", name="From anyone")).to_be_visible()
    expect(page.get_by_role("heading", name="Among people contributing or above")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("within 2 ties")
    assert_accessible(page, f"overview with readiness ({width})")
    _no_sideways_scroll(page, f"overview with readiness ({width})")
    screenshot(page, screenshots, f"overview-ready-{width}")
    watch.assert_clean(f"settings ({width})")
