"""The dashboard in a real Chromium: sign in, every page of the demo map with its figures drawn,
forms that change the map and the analysis, the CSV import's line-numbered errors, keyboard use,
screenshots, and axe-core's accessibility check on every page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from graph.stores.base import open_store

from .browsing import (
    EMAIL,
    MAP,
    PASSWORD,
    SCRATCH,
    LiveServer,
    Watch,
    assert_accessible,
    assert_figures_rendered,
    screenshot,
    wait_for_figures,
)

PAGES = [
    # (screenshot name, path under /c/<map>, heading, Plotly figures expected at least)
    ("overview", "/", "overview", 3),
    ("network", "/network", "network", 1),
    ("gaps", "/gaps", "gaps", 3),
    ("roles", "/roles", "roles", 1),
    ("people", "/people", "people", 0),
    ("changes", "/changes?since=2020-01-01", "What changed", 0),
    ("history-page", "/history", "History", 0),
]


def test_sign_in_form_leads_to_the_page_asked_for(
    context: BrowserContext, server: LiveServer, screenshots: Path
) -> None:
    page = context.new_page()
    watch = Watch.on(page)
    page.goto(f"/c/{MAP}/gaps")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page, "sign-in page")
    screenshot(page, screenshots, "login")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert_accessible(page, "sign-in page with an error")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/c/{MAP}/gaps$"))
    expect(page.get_by_text(EMAIL)).to_be_visible()
    watch.assert_clean("signing in")


def test_sign_in_form_works_with_the_keyboard_alone(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.name") == "email":
            break
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text(EMAIL)).to_be_visible()


def test_home_links_each_map_of_the_account(page: Page, watch: Watch, screenshots: Path) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your constituencies")
    for name in (MAP, SCRATCH):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_accessible(page, "home")
    screenshot(page, screenshots, "home")
    watch.assert_clean("home")
    page.get_by_role("link", name=MAP, exact=True).click()
    page.wait_for_url(re.compile(rf"/c/{MAP}/$"))


@pytest.mark.parametrize(("shot", "path", "heading", "figures"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_each_page_draws_its_figures_cleanly_and_passes_axe(
    page: Page, watch: Watch, screenshots: Path, shot: str, path: str, heading: str, figures: int
) -> None:
    response = page.goto(f"/c/{MAP}{path}")
    assert response is not None and response.status == 200, f"{path}: {response}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    wait_for_figures(page, shot)
    assert_figures_rendered(page, shot, at_least=figures)
    assert_accessible(page, shot)
    screenshot(page, screenshots, shot)
    watch.assert_clean(shot)


def test_a_person_page_shows_their_ties_and_passes_axe(
    page: Page, watch: Watch, screenshots: Path
) -> None:
    page.goto(f"/c/{MAP}/people")
    first = page.locator("table tbody th a").first
    who = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(who)
    expect(page.get_by_role("heading", name=re.compile(r"^Ties \(\d+\)"))).to_be_visible()
    wait_for_figures(page, "person")
    assert_figures_rendered(page, "person", at_least=0)
    assert_accessible(page, "person")
    screenshot(page, screenshots, "person")
    watch.assert_clean("person")


def test_pages_fit_a_tablet(browser: Browser, server: LiveServer, signed_in_state: Any,
                            screenshots: Path) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 768, "height": 1024},
                                  storage_state=signed_in_state)
    try:
        page = context.new_page()
        watch = Watch.on(page)
        for shot, path in (("overview", "/"), ("network", "/network")):
            page.goto(f"/c/{MAP}{path}")
            wait_for_figures(page, f"{shot} on a tablet")
            assert_figures_rendered(page, f"{shot} on a tablet")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{shot} on a tablet scrolls sideways by {overflow}px"
            screenshot(page, screenshots, f"{shot}-tablet")
        watch.assert_clean("tablet")
    finally:
        context.close()


def test_page_navigation_works_with_the_keyboard_alone(page: Page) -> None:
    page.goto(f"/c/{MAP}/")
    wait_for_figures(page, "overview")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.reload()
    wait_for_figures(page, "overview")
    target = page.get_by_role("navigation", name=re.compile("Pages of")).get_by_role(
        "link", name="Gaps and missing voices")
    path = []
    for _ in range(12):
        page.keyboard.press("Tab")
        path.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if target.evaluate("(el) => el === document.activeElement"):
            break
    expect(target).to_be_focused()
    assert len(path) <= 8, f"too many Tabs to reach the page navigation: {path}"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/c/{MAP}/gaps$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("gaps")


def _facts(page: Page) -> dict[str, str]:
    """The overview's headline figures (People, Ties, Engaged core, Core reach)."""
    facts = {}
    for row in page.locator("dl.facts > div").all():
        facts[row.locator("dt").inner_text().strip()] = row.locator("dd").inner_text().strip()
    return facts


def _number(text: str) -> int:
    match = re.match(r"[\d,]+", text)
    assert match, text
    return int(match.group(0).replace(",", ""))


def _isolated_person(server: LiveServer, name: str) -> str:
    """Someone in ``name`` with no ties at all (the demo plants a few), so no core reaches them."""
    store = open_store(server.settings.store_url)
    try:
        tied = set()
        for r in store.iter_relationships(name):
            tied.update((r.source, r.target))
        return next(p.id for p in store.iter_people(name)
                    if p.id not in tied and not p.in_core)
    finally:
        store.close()


def test_adding_a_person_and_a_tie_changes_the_analysis(
    page: Page, watch: Watch, server: LiveServer, screenshots: Path
) -> None:
    lonely = _isolated_person(server, SCRATCH)
    page.goto(f"/c/{SCRATCH}/")
    before = _facts(page)
    reached_before = _reached(page)

    page.goto(f"/c/{SCRATCH}/people")
    form = page.locator("form", has=page.get_by_role("button", name="Add person"))
    form.get_by_label("Id", exact=True).fill("")
    form.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("alert")).to_contain_text("not added")
    expect(page.get_by_text("An id is required.")).to_be_visible()
    assert_accessible(page, "people page with form errors")

    form = page.locator("form", has=page.get_by_role("button", name="Add person"))
    form.get_by_label("Id", exact=True).fill("browser-1")
    form.get_by_label("Name", exact=True).fill("Bea Rowser")
    form.get_by_label("Group", exact=True).select_option("people")
    form.get_by_label("Engagement").select_option("leading")
    form.get_by_role("button", name="Add person").click()
    page.wait_for_url(re.compile(rf"/c/{SCRATCH}/people/browser-1$"))
    expect(page.get_by_role("status").first).to_contain_text("Added Bea Rowser")

    tie = page.locator("form", has=page.get_by_role("button", name="Save tie"))
    tie.get_by_label("Other person", exact=True).fill(lonely)
    tie.get_by_label("Relational trust").select_option("3")
    tie.get_by_label("Functional trust").select_option("2")
    tie.get_by_label("Flow-of-value trust").select_option("2")
    tie.get_by_role("button", name="Save tie").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the tie")
    expect(page.get_by_role("heading", name="Ties (1)")).to_be_visible()
    screenshot(page, screenshots, "person-added")

    page.goto(f"/c/{SCRATCH}/")
    after = _facts(page)
    assert _number(after["People"]) == _number(before["People"]) + 1, (before, after)
    assert _number(after["Ties"]) == _number(before["Ties"]) + 1, (before, after)
    assert _number(after["Engaged core"]) == _number(before["Engaged core"]) + 1, (before, after)
    assert _reached(page) == reached_before + 1  # the lonely person is now in conversation
    watch.assert_clean("adding a person and a tie")


def _reached(page: Page) -> int:
    """How many people outside the core the core reaches, from the overview's lead text."""
    text = page.locator("p.lead").first.inner_text()
    match = re.search(r"in conversation with ([\d,]+) of the", text)
    assert match, text
    return int(match.group(1).replace(",", ""))


PEOPLE_CSV = """id,name,group,engagement
imp-1,Ida Port,people,aware
imp-2,Ivan Port,wizards,aware
imp-3,Iris Port,system_leaders,supporting
"""
RELATIONSHIPS_CSV = """source,target,relational
imp-1,imp-3,2
imp-1,nobody-at-all,1
"""


def test_csv_import_with_a_bad_row_shows_line_numbered_errors_and_writes_nothing(
    page: Page, watch: Watch, tmp_path: Path, screenshots: Path
) -> None:
    people = tmp_path / "people.csv"
    relationships = tmp_path / "relationships.csv"
    people.write_text(PEOPLE_CSV, encoding="utf-8")
    relationships.write_text(RELATIONSHIPS_CSV, encoding="utf-8")
    page.goto(f"/c/{SCRATCH}/people")
    total = page.get_by_role("heading", name=re.compile(r"^Everyone")).inner_text()

    form = page.locator("form", has=page.get_by_role("button", name="Import"))
    form.get_by_label("People file").set_input_files(str(people))
    form.get_by_label("Relationships file").set_input_files(str(relationships))
    form.get_by_role("button", name="Import").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    problems = page.locator("section.problems table tbody tr")
    rows = [[cell.strip() for cell in row.locator("td").all_inner_texts()]
            for row in problems.all()]
    # (file, line, column, problem); line 1 is the header, so the third line is the 2nd row
    # the file as the user named it (never a path on the server)
    assert any(r[0] == "people.csv" and r[1] == "3" and r[2] == "group"
               and "wizards" in r[3] for r in rows), rows
    assert any(r[0] == "relationships.csv" and r[1] == "3"
               and "nobody-at-all" in r[3] for r in rows), rows
    expect(page.get_by_role("heading", name=re.compile(r"^Everyone"))).to_have_text(total)
    assert_accessible(page, "people page with import problems")
    screenshot(page, screenshots, "import-problems")
    watch.assert_clean("import")


_CLEAR_PERSON_WITH_TIES = """
(gd) => {
  // A person with ties (an end of a drawn tie) whose dot stands farthest from any other dot,
  // so that a click there can only mean them.
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const px = (v) => xa._offset + xa.l2p(v), py = (v) => ya._offset + ya.l2p(v);
  const tied = new Set();
  const people = [];
  gd._fullData.forEach((trace) => {
    if (trace.mode === 'lines') {
      for (let i = 0; i < trace.x.length; i++) {
        if (trace.x[i] === null || Number.isNaN(trace.x[i])) continue;
        tied.add(`${trace.x[i]},${trace.y[i]}`);
      }
    }
    (trace.customdata || []).forEach((key, i) => {
      if (typeof key === 'string' && key.startsWith('p:')) {
        people.push({id: key.slice(2), key: `${trace.x[i]},${trace.y[i]}`,
                     x: px(trace.x[i]), y: py(trace.y[i])});
      }
    });
  });
  let best = null;
  for (const p of people) {
    if (!tied.has(p.key)) continue;
    let nearest = Infinity;
    for (const q of people) {
      if (q !== p) nearest = Math.min(nearest, Math.hypot(p.x - q.x, p.y - q.y));
    }
    if (!best || nearest > best.nearest) best = {...p, nearest};
  }
  const box = gd.getBoundingClientRect();
  return best && {id: best.id, x: box.left + best.x, y: box.top + best.y};
}
"""


def test_clicking_a_person_in_the_network_shows_their_neighbourhood(
    page: Page, watch: Watch, screenshots: Path
) -> None:
    page.goto(f"/c/{MAP}/network")
    wait_for_figures(page, "network")
    plot = page.locator("[data-figure][data-view]")
    plot.scroll_into_view_if_needed()
    target = plot.evaluate(_CLEAR_PERSON_WITH_TIES)
    assert target, "no person drawn in the network picture"
    page.mouse.move(target["x"], target["y"])
    page.mouse.click(target["x"], target["y"])
    panel = page.locator("#person-panel")
    expect(panel.get_by_role("heading", level=4).first).to_contain_text(
        re.compile(r"1 step out: [1-9][\d,]* (person|people)"))
    expect(panel.get_by_role("link", name=re.compile(r"^Open .*'s page$"))).to_be_visible()
    expect(page.locator("#p-id")).to_have_value(target["id"])
    highlighted = plot.evaluate("(gd) => gd.data.filter((t) => t.meta === 'highlight').length")
    assert highlighted == 2, "the neighbourhood was not highlighted in the picture"
    assert_accessible(page, "network with a person selected")
    screenshot(page, screenshots, "network-person")
    watch.assert_clean("network click")


def test_the_date_control_shows_the_map_as_it_stood_then(
    page: Page, watch: Watch, screenshots: Path
) -> None:
    page.goto(f"/c/{MAP}/")
    today = page.locator("main").inner_text()
    year_ago = date.fromordinal(date.today().toordinal() - 365).isoformat()
    page.get_by_label("Map as of").fill(year_ago)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"/c/{MAP}/\?as_of={year_ago}$"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"as it stood at the end of {year_ago}")
    wait_for_figures(page, "overview as of a year ago")
    then = page.locator("main").inner_text()
    size = re.compile(r"People\s+([\d,]+)")
    assert size.search(then) and size.search(today)
    assert size.search(then).group(1) != size.search(today).group(1)  # type: ignore[union-attr]
    # the other pages keep the date
    page.get_by_role("link", name="Gaps and missing voices").click()
    page.wait_for_url(re.compile(rf"/c/{MAP}/gaps\?as_of={year_ago}$"))
    assert_accessible(page, "gaps as of a year ago")
    screenshot(page, screenshots, "gaps-as-of")
    page.get_by_role("link", name="Back to today").click()
    page.wait_for_url(re.compile(rf"/c/{MAP}/gaps$"))
    watch.assert_clean("the date control")


def test_an_edit_undone_from_the_history_page_is_gone(
    page: Page, watch: Watch, screenshots: Path
) -> None:
    page.goto(f"/c/{SCRATCH}/people/p0001")
    edit = page.locator("form", has=page.get_by_role("button", name="Save changes"))
    edit.get_by_label("Name", exact=True).fill("Mistaken Name")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Mistaken Name", exact=True)).to_be_visible()

    page.get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(rf"/c/{SCRATCH}/history$"))
    newest = page.locator("ul.history > li").first
    expect(newest).to_contain_text("changed p0001: name")
    expect(newest).to_contain_text(EMAIL)
    assert_accessible(page, "history page")
    screenshot(page, screenshots, "history")
    newest.get_by_role("button", name=re.compile("Undo")).click()
    page.wait_for_url(re.compile(rf"/c/{SCRATCH}/history$"))
    expect(page.get_by_role("status").first).to_contain_text("Undid change")
    expect(page.locator("ul.history > li").first).to_contain_text("undid change set")

    page.goto(f"/c/{SCRATCH}/people/p0001")
    expect(page.get_by_text("Mistaken Name")).to_have_count(0)
    watch.assert_clean("undo from the history page")


def test_brokers_can_be_highlighted_and_the_clusters_read_beside_the_map(
    page: Page, watch: Watch, screenshots: Path
) -> None:
    page.goto(f"/c/{MAP}/network")
    wait_for_figures(page, "network")
    expect(page.get_by_role("heading", name="Clusters", exact=True)).to_be_visible()
    expect(page.locator("section[aria-labelledby=clusters-heading] tbody tr").first).to_be_visible()
    page.get_by_label("Highlight brokers").check()
    page.get_by_role("form", name="Filters").get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"brokers=1"))
    wait_for_figures(page, "network")
    plot = page.locator("[data-figure][data-view]")
    outlined = plot.evaluate("(gd) => gd.data.filter((t) => t.meta === 'brokers').length")
    assert outlined == 1, "the brokers were not outlined in the picture"
    assert_accessible(page, "network with the brokers highlighted")
    screenshot(page, screenshots, "network-brokers")
    page.goto(f"/c/{MAP}/network?view=clusters")
    wait_for_figures(page, "network")
    assert_accessible(page, "network, one circle per cluster")
    screenshot(page, screenshots, "network-clusters")
    watch.assert_clean("brokers and clusters")
