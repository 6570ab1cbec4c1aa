"""The built site in a real browser: Chromium driven by Playwright over a local server.

For every page of ``_toc.yml``, in one visit (loading a page is most of what a check costs): HTTP 200, no
JavaScript console errors, no failed requests to the local server and no request to any other host,
every image loaded, MathJax typeset the math, the launch buttons of executable pages point at their
notebooks, the page fits a 375 px phone screen without horizontal scrolling, every solution is hidden
until its button opens it, the dark mode keeps the figures readable, and an axe-core scan finds no
serious or critical violation. Also: search finds "Hebbian", and the 404 page works at any depth. A
screenshot of each page (its first screen; ``DLBOOK_SCREENSHOTS=full`` for the whole page) is saved
under ``_build/screenshots/``, with what was found on it (``<page>.json``).

The browser is ``$DLBOOK_CHROMIUM``, which ``make test`` sets after tools/browser.py has found or
installed one (Debian's ``/usr/bin/chromium``, or Playwright's own Chromium). When pytest runs by hand
without it, the same lookup finds a browser already installed, installing nothing; without one the
tests are skipped with a note to run ``make test`` (or tools/browser.py).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import yaml
from conftest import ROOT, BuiltBook, load_module, notebooks
from PIL import Image

pytestmark = [pytest.mark.slow, pytest.mark.browser]

#: tools/browser.py: which Chromium, and how to get one.
browser_setup = load_module("browser", ROOT / "tools" / "browser.py")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "_build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# axe-core rules excluded on an element of the theme that our content and configuration cannot change,
# as (rule id, CSS selector of the offending element, reason). Only violations of that rule on exactly
# that element are ignored; every other violation fails the test.
AXE_EXCEPTIONS: list[tuple[str, str, str]] = []

REPO = notebooks.repository()
PAGES = notebooks.toc_files()
EXECUTABLE = {p.relative_to(ROOT).with_suffix("").as_posix() for p in notebooks.executable_pages()}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test reports failures itself
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that closes a page mid-download is no error of the site; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(
    directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a background thread; yields the base URL."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(built_book: BuiltBook) -> Iterator[str]:
    """Base URL of the built site, served as :func:`serve` does."""
    with serve(built_book.html) as url:
        yield url


def chromium() -> str:
    """``$DLBOOK_CHROMIUM`` (``make test`` sets it), else a Chromium already installed, else a skip."""
    chosen = os.environ.get("DLBOOK_CHROMIUM")
    if chosen:
        if not Path(chosen).is_file():
            pytest.fail(f"DLBOOK_CHROMIUM={chosen} is not a file: fix or unset it")
        return chosen
    found = browser_setup.find_installed()  # installs nothing
    if found is None:
        pytest.skip(
            "no Chromium installed: `make test` provisions one (tools/browser.py), or set DLBOOK_CHROMIUM"
        )
    return str(found)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Visit:
    """What happened while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def open_page(browser, site: str, path: str, viewport: dict[str, int] = DESKTOP):
    """A new page that records errors, failed local requests and blocked requests to other hosts."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(60_000)  # generous: the machine may be busy building or executing
    page = context.new_page()
    visit = Visit()
    host = urlsplit(site).netloc

    def route(r) -> None:
        url = r.request.url
        if urlsplit(url).netloc == host or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:  # the site must work offline: nothing is fetched from elsewhere while reading
            visit.external.append(url)
            r.abort()

    context.route("**/*", route)
    page.on(
        "console",
        lambda m: (
            visit.console_errors.append(f"{m.text} [{m.location.get('url', '')}]")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: visit.failed.append(f"{r.url} ({r.failure})") if urlsplit(r.url).netloc == host else None,
    )
    page.on(
        "response",
        lambda r: (
            visit.failed.append(f"{r.url} (HTTP {r.status})")
            if r.status >= 400 and urlsplit(r.url).netloc == host
            else None
        ),
    )
    return context, page, visit


def load_images(page) -> list[dict]:
    """Load every image (lazy ones too) and return src and naturalWidth of each."""
    return page.evaluate(
        """async () => {
            const imgs = Array.from(document.images);
            imgs.forEach(i => { i.loading = 'eager'; });
            await Promise.all(imgs.map(i => i.decode().catch(() => null)));
            return imgs.map(i => ({src: i.currentSrc || i.src, width: i.naturalWidth, complete: i.complete}));
        }"""
    )


def typeset_math(page) -> dict:
    """Wait for MathJax and count the math on the page, the typeset formulas and MathJax's errors."""
    n_math = page.evaluate("document.querySelectorAll('.math, span.math, div.math').length")
    if n_math == 0:
        return {"math": 0, "typeset": 0, "errors": 0, "mathjax": False}
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    return page.evaluate(
        """() => ({
            math: document.querySelectorAll('.math, span.math, div.math').length,
            typeset: document.querySelectorAll('mjx-container').length,
            errors: document.querySelectorAll('mjx-merror').length,
            mathjax: true,
        })"""
    )


def axe_scan(page) -> tuple[list[str], dict[str, int]]:
    """Serious and critical axe-core violations (less the documented exceptions), and all counts by rule."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found, counts = [], {}
    for violation in results.response["violations"]:
        counts[f"{violation['id']} ({violation['impact']})"] = len(violation["nodes"])
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if any(violation["id"] == rule and target == sel for rule, sel, _ in AXE_EXCEPTIONS):
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {target}")
    return found, counts


def screenshot_name(docname: str) -> Path:
    return SCREENSHOTS / (docname.replace("/", "__") + ".png")


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (values 0 to 255, last axis RGB)."""
    c = rgb[..., :3] / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(l1: float, l2: float) -> float:
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def switch_theme(page, theme: str) -> None:
    """Click the theme button (it cycles through light, dark and auto) until the page shows ``theme``."""
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == theme:
            return
        page.locator(".theme-switch-button").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") == theme, f"no {theme} theme"


def check_dark_mode(page, docname: str) -> None:
    """The theme switches to dark; each output figure still shows dark ink on its opaque light card.
    The page is left in the light theme again."""
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    switch_theme(page, "dark")
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg
    page_lum = luminance(np.array([float(v) for v in re.findall(r"[\d.]+", dark_bg)[:3]]))
    assert page_lum < 0.1, f"the dark theme's background is not dark: {dark_bg}"
    figures = page.locator(".cell_output img")
    for i in range(figures.count()):
        img = figures.nth(i)
        img.scroll_into_view_if_needed()
        pixels = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("RGB"), dtype=float)
        lum = luminance(pixels)
        card = float(np.median(lum))  # the figure's background covers most of it
        ink = float(np.percentile(lum, 0.5))
        assert card > 0.5, f"{docname} figure {i}: background not a light opaque card ({card:.2f})"
        assert contrast(card, ink) >= 4.5, f"{docname} figure {i}: ink contrast {contrast(card, ink):.1f}"
        assert contrast(card, float(page_lum)) >= 3.0, f"{docname} figure {i}: card blends into the page"
    switch_theme(page, "light")


def check_solutions(page, docname: str) -> None:
    """Every solution, its code cells and their outputs included, is collapsed when a page opens; its
    toggle button shows it and hides it again. Each exercise has its solution on the same page (pages
    without exercises have no solutions either)."""
    exercises = page.locator("div.exercise").count()
    solutions = page.locator("div.solution")
    assert solutions.count() == exercises, f"{docname}: {exercises} exercises, {solutions.count()} solutions"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > section, :scope > div, :scope > p:not(.admonition-title)")
        assert body.count() > 0, f"{docname} solution {i + 1} is empty"
        hidden = [body.nth(j).is_visible() for j in range(body.count())]
        assert not any(hidden), f"{docname}: solution {i + 1} is visible before it is opened"
        button = solution.locator("button.toggle-button")
        button.click()
        body.first.wait_for(state="visible")
        assert all(body.nth(j).is_visible() for j in range(body.count())), (
            f"{docname}: solution {i + 1} did not open"
        )
        button.click()
        body.first.wait_for(state="hidden")


# The API reference first: axe-core checks its some 30,000 elements for about 20 s, which would otherwise
# come at the end of a parallel run, with the other workers idle.
@pytest.mark.parametrize("docname", sorted(PAGES, key=lambda docname: docname != "book/api"))
def test_page_in_browser(browser, site: str, docname: str) -> None:
    context, page, visit = open_page(browser, site, f"/{docname}.html")
    try:
        response = page.goto(f"{site}/{docname}.html", wait_until="load")
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")

        images = load_images(page)
        broken = [i["src"] for i in images if not (i["complete"] and i["width"] > 0)]
        assert broken == [], f"images that did not load: {broken}"

        math = typeset_math(page)
        assert math["typeset"] >= math["math"], (
            f"MathJax typeset {math['typeset']} of {math['math']} formulas"
        )
        assert math["errors"] == 0, "MathJax reported errors"

        if docname in EXECUTABLE:
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/")]
            binder = [h for h in hrefs if h.startswith("https://mybinder.org/")]
            assert colab == [REPO.colab_url(f"{docname}.ipynb")], colab
            assert all(h.endswith(".ipynb") for h in colab)
            assert binder == [REPO.binder_url(f"{docname}.ipynb")], binder
            assert page.locator('button[onclick="initThebeSBT()"]').count() == 1, "no Live Code button"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The first screen of the page; DLBOOK_SCREENSHOTS=full for the whole page (the API page alone
        # takes some 7 s of CPU to capture whole, every page together about 30 s).
        full = os.environ.get("DLBOOK_SCREENSHOTS") == "full"
        page.screenshot(path=str(screenshot_name(docname)), full_page=full)

        page.set_viewport_size(PHONE)
        page.wait_for_timeout(200)
        widths = page.evaluate("({doc: document.documentElement.scrollWidth, view: window.innerWidth})")
        page.set_viewport_size(DESKTOP)

        check_solutions(page, docname)
        if docname in EXECUTABLE:  # those can have output figures
            check_dark_mode(page, docname)

        # What the reader's browser did; axe's own stylesheet fetches (it resolves @import against the
        # page, not the stylesheet) come after and are not the site's.
        reading = Visit(
            *(list(v) for v in (visit.console_errors, visit.page_errors, visit.failed, visit.external))
        )
        violations, axe_counts = axe_scan(page)
        record = {
            "status": response.status,
            "images": len(images),
            "broken_images": broken,
            "math": math,
            "console_errors": reading.console_errors,
            "page_errors": reading.page_errors,
            "failed_requests": reading.failed,
            "external_requests": reading.external,
            "axe_violations": axe_counts,
            "width_at_375px": widths,
        }
        screenshot_name(docname).with_suffix(".json").write_text(json.dumps(record, indent=1))

        assert reading.failed == [], f"failed requests to the local server: {reading.failed}"
        assert reading.page_errors == [], f"JavaScript errors: {reading.page_errors}"
        assert reading.console_errors == [], f"console errors: {reading.console_errors}"
        assert reading.external == [], f"requests to other hosts while reading: {reading.external}"
        assert violations == [], "axe-core serious/critical violations:\n" + "\n".join(violations)
        assert widths["doc"] <= widths["view"], f"horizontal scrolling at 375 px: {widths}"
    finally:
        context.close()


def test_search_finds_hebbian(browser, site: str) -> None:
    context, page, visit = open_page(browser, site, "/search.html")
    try:
        page.goto(f"{site}/search.html?q=Hebbian", wait_until="load")
        page.wait_for_function("document.querySelectorAll('#search-results ul.search li').length > 0")
        links = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
        assert any("hebbian" in link.lower() for link in links), links
        assert visit.console_errors == [] and visit.page_errors == []
    finally:
        context.close()


class PagesHandler(QuietHandler):
    """Like GitHub Pages for a project site: the site lives under ``prefix``, and a missing file is
    answered with ``404.html`` and status 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def test_404_page_renders_in_the_theme_with_working_links_from_any_depth(
    browser, built_book: BuiltBook
) -> None:
    prefix = urlsplit(yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]).path
    handler = type("Handler", (PagesHandler,), {"prefix": prefix.rstrip("/") + "/"})
    with serve(built_book.html, handler) as origin:
        for missing in ("no-such-page.html", "book/nature/no/such/page.html"):
            context, page, visit = open_page(browser, origin, f"{prefix}{missing}")
            try:
                response = page.goto(f"{origin}{prefix}{missing}", wait_until="load")
                assert response is not None and response.status == 404
                page.wait_for_load_state("networkidle")
                assert page.locator("article h1").first.inner_text().strip() == "Page not found"
                # the book's theme: its stylesheet applied, its navigation and search present
                assert page.locator(".bd-sidebar-primary").count() == 1
                assert page.evaluate("getComputedStyle(document.body).fontFamily") != "serif"
                failed = [f for f in visit.failed if not f.split(" (")[0].endswith(missing)]
                assert failed == [] and visit.page_errors == [], (failed, visit.page_errors)
                errors = [e for e in visit.console_errors if not e.endswith(f"{missing}]")]  # the 404 itself
                assert errors == [], errors
                hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
                assert len(hrefs) >= 2
                for href in hrefs:
                    status = context.request.get(href).status
                    assert status == 200, f"{href} from {missing}: HTTP {status}"
            finally:
                context.close()
