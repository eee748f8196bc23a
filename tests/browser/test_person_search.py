"""Picking a person as you type in a real Chromium: the people search finds someone by their
accented name typed without accents, and a tie is added by picking a name from the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from graph.history import Actor
from graph.model import Person
from graph.stores.base import open_store
from graph.usecases import UseCases

from .browsing import SCRATCH, LiveServer, Watch, assert_accessible, screenshot

ZOE = Person(id="zoe-1", name="Zoë Brontë", group="people", organisation="Haworth Carers")
ORLA = Person(id="orla-1", name="Órla Ní Bhriain", group="givers_of_service",
              organisation="Keighley Surgery")


@pytest.fixture(scope="module")
def accented(server: LiveServer) -> None:
    """Two people with accented names in the scratch map (written as an import would)."""
    store = open_store(server.settings.store_url)
    try:
        cases = UseCases(store, Actor("tests", "seed"))
        for person in (ZOE, ORLA):
            cases.save_person(SCRATCH, person)
    finally:
        store.close()


def _suggested(page: Page, datalist: str) -> list[str]:
    return page.locator(f"datalist#{datalist} option").evaluate_all(
        "options => options.map(o => o.value + ' | ' + o.label)")


def test_a_person_is_found_by_an_accented_name_typed_without_accents(
    page: Page, watch: Watch, accented: None, screenshots: Path
) -> None:
    page.goto(f"/c/{SCRATCH}/people")
    search = page.get_by_label("Search by name, id or organisation")
    search.press_sequentially("zoe bront", delay=20)
    expect(page.locator("datalist#search-people option")).to_have_count(1)
    assert _suggested(page, "search-people") == ["Zoë Brontë | Zoë Brontë (Haworth Carers, zoe-1)"]
    assert_accessible(page, "people page with suggestions")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=zoe"))
    expect(page.get_by_role("link", name="Zoë Brontë")).to_be_visible()
    screenshot(page, screenshots, "people-search-accented")
    watch.assert_clean("searching for an accented name")


def test_a_tie_is_added_by_picking_a_name_from_the_list(
    page: Page, watch: Watch, accented: None, screenshots: Path
) -> None:
    page.goto(f"/c/{SCRATCH}/people/{ZOE.id}")
    tie = page.locator("form", has=page.get_by_role("button", name="Save tie"))
    other = tie.get_by_label("Other person", exact=True)
    other.press_sequentially("orla ni", delay=20)
    expect(page.locator("datalist#tie-people option")).to_have_count(1)
    (suggestion,) = _suggested(page, "tie-people")
    assert suggestion == "orla-1 | Órla Ní Bhriain (Keighley Surgery, orla-1)"
    # picking an option puts its value (the id) in the field, as choosing from the list does
    other.fill(suggestion.split(" | ")[0])
    tie.get_by_label("Relational trust").select_option("2")
    tie.get_by_role("button", name="Save tie").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Saved the tie between Zoë Brontë and Órla Ní Bhriain")
    in_ties = page.get_by_role("rowheader").get_by_role("link", name="Órla Ní Bhriain")
    expect(in_ties).to_be_visible()
    assert_accessible(page, "person page after a tie picked by name")
    screenshot(page, screenshots, "tie-picked-by-name")
    watch.assert_clean("adding a tie by picking a name")
