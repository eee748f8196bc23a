"""Every page at a laptop's width (1280 px) and a phone's (360 px), and on A4 paper: nothing
scrolls sideways, charts fit, tables read as cards on the phone, axe-core finds no serious
problem, and a screenshot of each page at each width is saved for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .browsing import (
    MAP,
    LiveServer,
    Watch,
    assert_accessible,
    assert_figures_rendered,
    screenshot,
    wait_for_figures,
)

WIDTHS = {"laptop": 1280, "phone": 360}

PAGES = [
    # (screenshot name, path, Plotly figures expected at least)
    ("home", "/", 0),
    ("overview", f"/c/{MAP}/", 3),
    ("network", f"/c/{MAP}/network", 1),
    ("gaps", f"/c/{MAP}/gaps", 3),
    ("roles", f"/c/{MAP}/roles", 1),
    ("people", f"/c/{MAP}/people", 0),
    ("person", f"/c/{MAP}/people/p0001", 0),
    ("changes", f"/c/{MAP}/changes?since=2020-01-01", 0),
    ("growth", f"/c/{MAP}/growth", 7),
    ("history", f"/c/{MAP}/history", 0),
    ("summary", f"/c/{MAP}/summary", 0),
    ("settings", f"/c/{MAP}/settings", 0),
    ("colleagues", f"/c/{MAP}/colleagues", 0),
    ("delete-map", f"/c/{MAP}/delete", 0),
    ("new-map", "/maps/new", 0),
    ("account", "/account", 0),
]

_OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > doc.clientWidth + 1
      && !el.closest('.table-wrap, .js-plotly-plot, .visually-hidden, thead');
  }).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '')
    + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
  return {overflow: doc.scrollWidth - doc.clientWidth, wide: wide};
}"""


def sideways(page: Page) -> dict[str, Any]:
    """How far the page scrolls sideways, and the first elements that stick out."""
    return dict(page.evaluate(_OVERFLOW_JS))


@pytest.fixture(params=list(WIDTHS), scope="module")
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sized_page(browser: Browser, server: LiveServer, signed_in_state: Any,
               width: str) -> Any:
    context = browser.new_context(base_url=server.url, storage_state=signed_in_state,
                                  viewport={"width": WIDTHS[width], "height": 800})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(("shot", "path", "figures"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_fits_the_width_without_scrolling_sideways(
        sized_page: Page, screenshots: Path, width: str, shot: str, path: str,
        figures: int) -> None:
    page = sized_page
    watch = Watch.on(page)
    where = f"{shot} at {WIDTHS[width]} px"
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{where}: {response}"
    wait_for_figures(page, where)
    drawn = assert_figures_rendered(page, where, at_least=figures) if figures else []
    for figure in drawn:
        assert figure["width"] <= WIDTHS[width], f"{where}: a chart is wider than the page"
    found = sideways(page)
    assert found["overflow"] <= 1, f"{where} scrolls sideways by {found['overflow']}px: " \
                                   f"{found['wide']}"
    if width == "phone":
        tables = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(
            (t) => [t.hasAttribute('data-cards'),
                    getComputedStyle(t.querySelector('tbody tr') || t).display])""")
        for cards, display in tables:
            assert cards and display == "block", f"{where}: a table is not shown as cards"
    assert_accessible(page, where)
    screenshot(page, screenshots, f"{shot}-{WIDTHS[width]}")
    watch.assert_clean(where)


def test_the_sign_in_page_fits_a_phone(browser: Browser, server: LiveServer,
                                       screenshots: Path) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto("/login")
        assert sideways(page)["overflow"] <= 1
        assert_accessible(page, "sign-in at 360 px")
        screenshot(page, screenshots, "login-360")
    finally:
        context.close()


@pytest.mark.parametrize("path", [f"/c/{MAP}/", f"/c/{MAP}/gaps"])
def test_pages_print_on_a4_without_menus_or_forms(
        browser: Browser, server: LiveServer, signed_in_state: Any, screenshots: Path,
        path: str) -> None:
    context = browser.new_context(base_url=server.url, storage_state=signed_in_state,
                                  viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    try:
        page = context.new_page()
        page.goto(path)
        wait_for_figures(page, f"{path} for print")
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['header.top', 'nav.pages', 'footer.foot', 'form',
                                          'button'].map((s) => Array.from(
            document.querySelectorAll(s)).every(
                (el) => getComputedStyle(el).display === 'none'))""")
        assert all(hidden), f"{path}: menus, forms or buttons would print: {hidden}"
        assert sideways(page)["overflow"] <= 1
        pdf = page.pdf(format="A4", print_background=False)
        assert pdf.startswith(b"%PDF")
        name = "overview" if path.endswith("/") else "gaps"
        (screenshots / f"{name}-a4.pdf").write_bytes(pdf)
    finally:
        context.close()


def test_the_summary_prints_on_one_sheet_of_a4(
        browser: Browser, server: LiveServer, signed_in_state: Any, screenshots: Path) -> None:
    context = browser.new_context(base_url=server.url, storage_state=signed_in_state)
    try:
        page = context.new_page()
        page.goto(f"/c/{MAP}/")
        page.get_by_role("link", name="A one-page summary to print or share").click()
        page.wait_for_url(f"**/c/{MAP}/summary")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=False)
        (screenshots / "summary-a4.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"the summary prints on {pages} pages of A4"
    finally:
        context.close()
