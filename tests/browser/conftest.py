"""Fixtures for the browser tests: the app served on a free loopback port, one headless Debian
Chromium driven by Playwright, and a folder of screenshots whose path the run prints at the end.

One server and one browser serve the whole session (starting Chromium costs about a second);
each test gets a fresh browser context (its own cookies and storage). Chromium and axe-core are
installed by ``scripts/install-browser``, which ``make test`` runs first; Playwright never
downloads a browser of its own (it is launched with ``executable_path``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from graph.demo import demo_constituency
from graph.demo_purpose import record_demo_purpose
from graph.history import Actor
from graph.purpose.model import Round
from graph.stores.base import open_store
from graph.usecases import UseCases
from service import Settings, create_app
from service.accounts import AccountStore
from service.cli_web import warm_up

from .browsing import (
    AXE_JS,
    CHROMIUM,
    EMAIL,
    LINKS_MAP,
    MAP,
    PASSWORD,
    SCRATCH,
    SCREENSHOTS,
    LinkServer,
    LiveServer,
    Watch,
    sign_in,
)

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root (here and in CI); the sandbox refuses root
    "--disable-gpu",
    "--disable-background-networking",  # the machine has no network: no update or sync pings
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder carries the ``browser`` marker (``-m "not browser"`` skips)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


_used_screenshots: list[Path] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where this run's screenshots are (only when browser tests ran)."""
    if _used_screenshots:
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{count} screenshots of the dashboard in {SCREENSHOTS}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free loopback port with a fresh store: the 800-person demo map (``demo``,
    with the demo's shared purpose), a smaller map the tests may change (``scratch``) and an
    owner of both."""
    folder = tmp_path_factory.mktemp("browser-server")
    settings = Settings(
        store_url=f"sqlite:///{folder / 'store.db'}",
        accounts_url=f"sqlite:///{folder / 'accounts.db'}",
        secret_key="browser-test-secret-" + "x" * 40,
        cookie_secure=False,
    )
    store = open_store(settings.store_url)
    try:
        cases = UseCases(store, Actor("tests", "seed"))
        for name, size in ((MAP, 800), (SCRATCH, 200)):
            constituency, people, relationships = demo_constituency(seed=7, size=size)
            cases.create_constituency(constituency.model_copy(update={"name": name}))
            cases.import_records(name, people, relationships)
        record_demo_purpose(cases, MAP, list(store.iter_people(MAP)), seed=7)
    finally:
        store.close()
    warm_up()  # as `movemap serve` does: no page waits for the kernels to compile
    app = create_app(settings)
    accounts: AccountStore = app.extensions["movemap.accounts"]
    accounts.add_user(EMAIL, PASSWORD)
    accounts.set_rights(EMAIL, may_create=True)  # so every page, "make a new map" too, is seen
    for name in (MAP, SCRATCH):
        accounts.grant(EMAIL, name, "owner")
    try:
        with _serving(app, "live-server") as url:
            yield LiveServer(url, settings)
    finally:
        accounts.close()


@contextlib.contextmanager
def _serving(app: Flask, name: str) -> Iterator[str]:
    """``app`` served on a free loopback port by a thread of its own; yields its address."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def link_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LinkServer]:
    """A server of the module's own for the private links: a 200-person map (``LINKS_MAP``)
    with an open round, and ``EMAIL`` an editor of it (the lead)."""
    folder = tmp_path_factory.mktemp("links-server")
    settings = Settings(store_url=f"sqlite:///{folder / 'store.db'}",
                        accounts_url=f"sqlite:///{folder / 'accounts.db'}",
                        secret_key="browser-links-secret-" + "x" * 40, cookie_secure=False)
    store = open_store(settings.store_url)
    try:
        constituency, people, ties = demo_constituency(seed=7, size=200)
        cases = UseCases(store, Actor("tests", "seed"))
        cases.create_constituency(constituency.model_copy(update={"name": LINKS_MAP}))
        cases.import_records(LINKS_MAP, people, ties)
        round_id = cases.purpose.open_round(LINKS_MAP, Round(
            title="Why urgent care matters to us", opens=date.today()))
    finally:
        store.close()
    app = create_app(settings)
    accounts = app.extensions["movemap.accounts"]
    accounts.add_user(EMAIL, PASSWORD)
    accounts.grant(EMAIL, LINKS_MAP, "editor")
    with _serving(app, "links-server") as url:
        yield LinkServer(url, app, round_id, settings.store_url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless. Playwright gives every launch a fresh temporary
    user-data-dir (deleted on close), so no profile carries over between runs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (make test does)")
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run scripts/install-browser (make test does)")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """``test-artifacts/screenshots`` in the repository (git ignores it), emptied per run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    _used_screenshots.append(SCREENSHOTS)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def signed_in_state(browser: Browser, server: LiveServer) -> Any:
    """The cookies of a signed-in owner, so most tests skip the sign-in form."""
    context = browser.new_context(base_url=server.url)
    sign_in(context.new_page(), server.url)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh context (no cookies) at laptop size; the app's CSP stays enforced."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def signed_in(browser: Browser, server: LiveServer,
              signed_in_state: Any) -> Iterator[BrowserContext]:
    """A fresh context with the owner already signed in (laptop size, CSP enforced)."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800},
                                  storage_state=signed_in_state)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(signed_in: BrowserContext) -> Iterator[Page]:
    """A page of the signed-in context."""
    page = signed_in.new_page()
    yield page
    page.close()


@pytest.fixture
def watch(page: Page) -> Watch:
    """Console errors, uncaught exceptions and CSP violations of ``page``, as they happen."""
    return Watch.on(page)
