"""The growth page in a real browser: the animation plays, the slider moves it to a date, the
image downloads, and an event is recorded through the form with people picked by name."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from graph.history import Actor
from graph.stores.base import open_store
from graph.usecases import UseCases

from .browsing import (
    MAP,
    SCRATCH,
    LiveServer,
    Watch,
    assert_accessible,
    assert_figures_rendered,
    screenshot,
    wait_for_figures,
)

_TITLE = "() => document.querySelector('#animation .gtitle').textContent"
_ACTIVE = "() => document.getElementById('animation').layout.sliders[0].active"


def _open(page: Page, interval: str = "month") -> None:
    page.goto(f"/c/{MAP}/growth?interval={interval}")
    wait_for_figures(page, f"growth by {interval}")
    assert_figures_rendered(page, f"growth by {interval}")


def test_playing_the_animation_moves_it_through_the_dates(page: Page, watch: Watch,
                                                          screenshots: Path) -> None:
    _open(page)
    first = page.evaluate(_TITLE)
    dates = page.locator("#frames tbody th[scope=row]").all_text_contents()
    assert dates[0] in first
    page.locator("#animation .updatemenu-button").filter(has_text="Play").click()
    page.wait_for_function(f"() => ({_ACTIVE})() >= 2", timeout=15_000)
    page.locator("#animation .updatemenu-button").filter(has_text="Pause").click()
    paused = page.evaluate(_ACTIVE)
    page.wait_for_timeout(1_500)
    assert page.evaluate(_ACTIVE) == paused, "the animation went on after Pause"
    title = page.evaluate(_TITLE)
    assert title != first and dates[paused] in title
    assert page.locator("[data-animation-date]").text_content() == dates[paused]
    screenshot(page, screenshots, "growth-playing")
    watch.assert_clean("growth, playing")


def test_the_pages_own_buttons_play_and_pause_from_the_keyboard(page: Page,
                                                                watch: Watch) -> None:
    _open(page, "quarter")
    play = page.get_by_role("button", name="Play", exact=True)
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({_ACTIVE})() >= 1", timeout=15_000)
    page.get_by_role("button", name="Pause", exact=True).press("Enter")
    watch.assert_clean("growth, keyboard")


def test_moving_the_slider_shows_the_map_at_that_date(page: Page, watch: Watch) -> None:
    _open(page, "quarter")
    dates = page.locator("#frames tbody th[scope=row]").all_text_contents()
    people = page.locator("#frames tbody tr td:nth-child(2)").all_text_contents()
    drawn_before = page.evaluate("() => document.querySelectorAll('#animation .point').length")
    rail = page.locator("#animation .slider-rail-rect")
    box = rail.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)  # the last date
    page.wait_for_function(f"() => ({_ACTIVE})() === {len(dates) - 1}")
    page.wait_for_function(
        f"() => ({_TITLE})().includes({dates[-1]!r})", timeout=10_000)
    title = page.evaluate(_TITLE)
    assert f"{people[-1]} people" in title
    drawn_after = page.evaluate("() => document.querySelectorAll('#animation .point').length")
    assert drawn_after > drawn_before, "the last date draws no more people than the first"
    watch.assert_clean("growth, slider")


def test_the_image_download_is_a_gif_of_the_same_pictures(page: Page) -> None:
    _open(page, "quarter")
    rows = page.locator("#frames tbody th[scope=row]").count()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the animation as an image").click()
    download = caught.value
    assert download.suggested_filename == f"{MAP}-growth-by-quarter.gif"
    image = Image.open(BytesIO(Path(download.path()).read_bytes()))
    assert image.format == "GIF" and image.n_frames == rows


def test_an_event_is_recorded_through_the_form_with_people_picked_by_name(
        page: Page, watch: Watch, server: LiveServer, screenshots: Path) -> None:
    store = open_store(server.settings.store_url)
    try:
        person = UseCases(store, Actor("tests", "read")).person(SCRATCH, "p0001")[0]
    finally:
        store.close()
    page.goto(f"/c/{SCRATCH}/growth?interval=quarter")
    wait_for_figures(page, "scratch growth")
    form = page.locator("form", has=page.get_by_role("button", name="Record the event"))
    day = date.today().replace(day=1)
    form.get_by_label("Day").fill(day.isoformat())
    form.get_by_label("Name", exact=True).fill("Listening walk")
    find = form.get_by_label("Find a person")
    find.press_sequentially(person.name[:6], delay=20)
    options = page.locator("datalist#event-people-found option")
    expect(options.first).to_be_attached()
    picked = next(v for v in options.evaluate_all("os => os.map(o => o.value)")
                  if "p0001" in v)
    find.fill(picked)  # choosing from the list puts the option's value in the field
    form.get_by_role("button", name="Add to the list").click()
    people = form.get_by_label("People who took part")
    expect(people).to_have_value(f"{picked}\n")
    assert_accessible(page, "growth page with the event form filled")
    form.get_by_role("button", name="Record the event").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Recorded the event Listening walk")
    events = page.locator("#events table")
    expect(events).to_contain_text("Listening walk")
    expect(events.get_by_role("link", name=person.name)).to_be_visible()
    wait_for_figures(page, "scratch growth after the event")
    titles = page.evaluate("""() => document.getElementById('animation')._transitionData
        ._frames.map((f) => f.layout.title.text)""")
    assert sum("Events: Listening walk" in t for t in titles) == 1
    screenshot(page, screenshots, "growth-event-recorded")
    watch.assert_clean("recording an event")
