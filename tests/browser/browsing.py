"""Helpers for the browser tests: what the session set up, watching a page for errors, checking
that Plotly figures rendered, running axe-core, and screenshots."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import ConsoleMessage, Error, Page, Request

from service import Settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE_JS = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

EMAIL = "owner@example.org"
PASSWORD = "correct horse battery staple"
MAP = "demo"  # the 800-person demo map, left as it is
SCRATCH = "scratch"  # a 200-person demo map the tests add to
LINKS_MAP = "bay"  # the map of a links server (``link_server``): a module's own
PHONE = {"width": 360, "height": 740}

SERIOUS = ("serious", "critical", "moderate", "minor")
"""axe impacts that fail a test: every one, so a page passes only when axe finds nothing."""


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


@dataclass(frozen=True)
class LinkServer:
    """A module's own server for private links: its address, the app (its ``LinkStore`` makes
    the links), the open round and the store's URL (to seed and check through the use cases)."""

    url: str
    app: Flask
    round_id: str
    store_url: str


def group_into_theme(page: Page, contribution_id: str, theme: str) -> None:
    """On the lead's purpose board: tick a contribution on its card, name a theme that unites
    us and save it (the board comes back at its themes)."""
    page.get_by_label(f"Group {contribution_id} into a theme").check()
    page.get_by_text("Group contributions into a theme").click()
    page.get_by_label("Theme", exact=True).fill(theme)
    page.get_by_role("radio", name="unites us").check()
    page.get_by_role("button", name="Save the theme").click()
    page.wait_for_url("**/purpose#themes-heading")


def sign_in(page: Page, url: str) -> None:
    """Sign ``EMAIL`` in on ``page`` through the form (the server at ``url``)."""
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")


_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  if (window.__movemapCsp) {
    window.__movemapCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
                        + ` at ${e.sourceFile || location.href}:${e.lineNumber}`);
  }
});
"""


_FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


@dataclass
class Watch:
    """Console errors, uncaught exceptions and CSP violations of a page, in order.

    A page itself answering 400 (a form sent back with its errors) is how the app says "see what
    is wrong"; Chromium logs that as a console error, which is not counted. A script, style or
    image that fails to load is.
    """

    problems: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)

    @classmethod
    def on(cls, page: Page) -> Watch:
        watch = cls()

        def request(req: Request) -> None:
            if req.resource_type == "document":
                watch.documents.add(req.url)

        def console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            where = message.location.get("url", "")
            if where in watch.documents and _FAILED_LOAD.match(message.text):
                return
            watch.problems.append(f"console error: {message.text} ({where})")

        def page_error(error: Error) -> None:
            watch.problems.append(f"uncaught exception: {error.message}")

        page.on("request", request)
        page.on("console", console)
        page.on("pageerror", page_error)
        page.expose_function(
            "__movemapCsp", lambda text: watch.problems.append(f"CSP violation: {text}")
        )
        page.add_init_script(_CSP_LISTENER)
        return watch

    def assert_clean(self, where: str) -> None:
        assert not self.problems, f"{where}:\n  " + "\n  ".join(self.problems)


_FIGURES_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((el) => ({
  id: el.id || el.closest('[id]')?.id || '(no id)',
  title: (el.querySelector('.gtitle') || {}).textContent || '',
  svgs: el.querySelectorAll('svg.main-svg').length,
  traces: (el._fullData || []).filter((t) => t.visible !== false).length,
  marks: el.querySelectorAll(
    '.scatterlayer .trace path, .scatterlayer .point, .barlayer .point, .heatmaplayer image, '
    + '.pielayer .slice, .sunburstlayer .slice, .scatterlayer .trace text'
  ).length,
  canvases: Array.from(el.querySelectorAll('canvas')).filter(
    (c) => c.width > 0 && c.height > 0).length,
  gl: (el._fullData || []).some((t) => String(t.type).endsWith('gl')),
  width: el.getBoundingClientRect().width,
  height: el.getBoundingClientRect().height,
}))
"""


def wait_for_figures(page: Page, where: str, timeout_ms: float = 20_000) -> None:
    """Wait until static/movemap.js has drawn every figure of the page: it marks each container
    (``[data-figure]``) with ``data-figure-ready`` when Plotly is done, or ``data-figure-error``.
    """
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-figure]')).every((el) =>
             el.hasAttribute('data-figure-ready') || el.hasAttribute('data-figure-error'))""",
        timeout=timeout_ms,
    )
    errors = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-figure-error]')).map(
             (el) => `${el.id}: ${el.getAttribute('data-figure-error')}`)"""
    )
    assert not errors, f"{where}: figures failed to draw: {errors}"


def rendered_figures(page: Page) -> list[dict[str, Any]]:
    """What each Plotly figure on the page drew (Plotly marks its containers .js-plotly-plot)."""
    return list(page.evaluate(_FIGURES_JS))


def assert_figures_rendered(page: Page, where: str, at_least: int = 1) -> list[dict[str, Any]]:
    """Every Plotly figure on the page has an SVG (or WebGL canvas) with something drawn."""
    figures = rendered_figures(page)
    assert len(figures) >= at_least, f"{where}: {len(figures)} Plotly figures, {at_least}+ expected"
    for figure in figures:
        drawn = figure["marks"] > 0 or (figure["gl"] and figure["canvases"] > 0)
        ok = figure["svgs"] > 0 and figure["traces"] > 0 and drawn
        ok = ok and figure["width"] > 0 and figure["height"] > 0
        assert ok, f"{where}: figure not rendered: {json.dumps(figure)}"
    return figures


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2 A/AA and best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the app's CSP (scripts from 'self' only)
        # does not block it and stays enforced for the page itself.
        page.evaluate(AXE_SOURCE.read())
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html,
                                        impact: n.impact, summary: n.failureSummary})),
          }));
        }"""
    )
    return list(result)


class _Source:
    """axe.min.js, read once."""

    _text: str | None = None

    def read(self) -> str:
        if self._text is None:
            self._text = AXE_JS.read_text(encoding="utf-8")
        return self._text


AXE_SOURCE = _Source()


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            summary = " ".join((node["summary"] or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> list[dict[str, Any]]:
    """No axe violation of any impact (``SERIOUS``); returns those of impacts not counted."""
    violations = run_axe(page)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert not serious, f"{where}: axe found violations:\n" + (
        describe_violations(serious)
    )
    return [v for v in violations if v["impact"] not in SERIOUS]


def screenshot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
