"""Fixtures for tests of the built book (run after the build: ``nox -s tests``).

The site is ``_build/html`` (or ``$LANDSCAPE_SITE``). It is served on an ephemeral
localhost port and driven with Playwright through the system's Chromium
(``/usr/bin/chromium``, Debian/Ubuntu package ``chromium``; ``playwright install`` is
never run). Without a built site or without Chromium these tests skip with the reason,
except in CI (``CI=true``), where they fail: a green CI must mean they ran.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LANDSCAPE_SITE", ROOT / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("LANDSCAPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Containers (CI's Debian image) give /dev/shm 64 MB, too little for long pages.
    "--disable-dev-shm-usage",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def content_pages(site: Path) -> list[str]:
    """Every page of the current build, as paths relative to the site root.

    Taken from the search index's document list, not from the files: Sphinx leaves the
    HTML of a deleted or renamed page in place, and such a stale page is not the book.
    """
    index = (site / "searchindex.js").read_text(encoding="utf8")
    docnames = json.loads(re.search(r'"docnames":(\[.*?\])', index).group(1))
    return sorted(f"{doc}.html" for doc in docnames)


def source_of(page: str) -> Path:
    """The MyST source of a built page."""
    return ROOT / "book" / Path(page).with_suffix(".md")


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        unavailable(f"no built book at {SITE}: build it first (`nox -s tests` does)")
    return SITE


@pytest.fixture(scope="session")
def pages(site) -> list[str]:
    found = content_pages(site)
    assert "index.html" in found, f"the site at {site} has no index page"
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """Base URL of the site served on an ephemeral localhost port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(
            f"Chromium not found at {CHROMIUM}: install Debian/Ubuntu's `chromium` package "
            "(`.ci/run` does) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the `playwright` package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Visits: each page is loaded once per colour mode, and everything the browser tests
# assert on is recorded during that one load.

COLLECT_PAGE_FACTS = """
() => {
  const article = document.querySelector('main') || document.body;
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA', 'MJX-CONTAINER']);
  const texts = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el && el !== article; el = el.parentElement) {
        if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  while (walker.nextNode()) texts.push(walker.currentNode.nodeValue);
  const maths = Array.from(article.querySelectorAll('.math'));
  return {
    text: texts.join(' '),
    math_total: maths.length,
    math_untypeset: maths.filter(m => !m.querySelector('mjx-container'))
                         .map(m => m.textContent.slice(0, 80)),
    images: Array.from(article.querySelectorAll('img')).map(img => {
      const figure = img.closest('figure');
      const caption = figure ? figure.querySelector('figcaption') : null;
      return {
        src: img.getAttribute('src'),
        complete: img.complete,
        natural_width: img.naturalWidth,
        alt: img.getAttribute('alt'),
        in_cell_output: !!img.closest('.cell_output'),
        in_figure: !!figure,
        caption: caption ? caption.textContent.trim() : null,
      };
    }),
    figures: Array.from(article.querySelectorAll('figure')).map(f => {
      const caption = f.querySelector('figcaption');
      return {id: f.id, caption: caption ? caption.textContent.trim() : null};
    }),
  };
}
"""


DARK_MODE_RULES = ["color-contrast", "link-in-text-block"]
# The API reference repeats one template per public name (a `dl.py` entry in the section of
# its module), tens of thousands of elements in all. On a page with many such entries axe
# audits the page's frame, its introduction and its first two module sections, which
# cover the template and every construct docstrings use; auditing every entry costs
# minutes per colour mode and grows with the package. Other pages are audited whole.
SAMPLED_API_CONTEXT = {
    "include": [
        [".bd-header-article"],
        [".bd-sidebar-primary"],
        [".bd-sidebar-secondary"],
        ["footer"],
        ["article.bd-article > section > :not(section)"],
        ["article.bd-article > section > section:nth-of-type(-n+2)"],
    ]
}
# Screenshots are for a person to look at; the API reference alone is ~50,000 px tall.
MAX_SCREENSHOT_HEIGHT = 16000


class Visitor:
    """Loads pages in one browser context per colour mode and records what happened."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: dict[str, tuple] = {}
        self.cache: dict[tuple[str, str], dict] = {}
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()  # ships axe-core (axe.min.js): no network needed

    def _page(self, mode: str):
        if mode not in self.contexts:
            context = self.browser.new_context(
                viewport={"width": 1280, "height": 900},
                color_scheme="light",
                permissions=["clipboard-read", "clipboard-write"],
            )
            if mode == "dark":
                script = (
                    "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
                )
            else:
                # Every page load is a first visit: the theme must cope with empty storage.
                script = "localStorage.clear();"
            context.add_init_script(f"try {{ {script} }} catch (e) {{}}")
            page = context.new_page()
            # Generous timeouts: these are checks of what a reader sees, not of speed. On a
            # loaded 2-core machine a full-page screenshot of the API page took over 30 s
            # (Playwright's default), which failed CI without anything being wrong.
            page.set_default_timeout(180_000)
            events = {"console": [], "failed": [], "external": []}

            def on_console(message):
                if message.type == "error":
                    events["console"].append(f"console.error: {message.text}")

            def on_request(request):
                if not request.url.startswith((self.base_url, "data:", "blob:")):
                    events["external"].append(request.url)

            def on_failed(request):
                events["failed"].append(f"{request.url} ({request.failure})")

            def on_response(response):
                if response.status >= 400:
                    events["failed"].append(f"{response.url} (HTTP {response.status})")

            page.on("console", on_console)
            page.on("pageerror", lambda error: events["console"].append(f"uncaught: {error}"))
            page.on("request", on_request)
            page.on("requestfailed", on_failed)
            page.on("response", on_response)
            self.contexts[mode] = (context, page, events)
        return self.contexts[mode]

    def visit(self, path: str, mode: str) -> dict:
        key = (path, mode)
        if key in self.cache:
            return self.cache[key]
        _context, page, events = self._page(mode)
        for bucket in events.values():
            bucket.clear()
        page.goto(self.base_url + path, wait_until="load")
        # Fonts and images are in once "load" fired; web fonts may still be swapping in.
        page.evaluate("document.fonts.ready.then(() => true)")
        # MathJax typesets after load; wait for it where the page has maths.
        page.evaluate(
            """async () => {
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                    await MathJax.startup.promise;
                }
            }"""
        )
        facts = page.evaluate(COLLECT_PAGE_FACTS)
        facts["mode"] = page.evaluate("document.documentElement.dataset.theme")
        # What the reader's browser did, recorded before axe runs: axe fetches stylesheets
        # itself and resolves @import against the page, not the sheet (a 404 that no
        # reader triggers).
        facts["console_errors"] = list(events["console"])
        facts["failed_requests"] = list(events["failed"])
        facts["external_requests"] = list(events["external"])
        # Structure does not change with the colour mode, colours do: the dark visit runs
        # only axe's colour rules (the expensive part of an audit is color-contrast).
        options = {"resultTypes": ["violations"]}
        if mode == "dark":
            options["runOnly"] = {"type": "rule", "values": DARK_MODE_RULES}
        many_entries = page.evaluate("document.querySelectorAll('dl.py').length") > 20
        axe = self.axe.run(
            page, context=SAMPLED_API_CONTEXT if many_entries else None, options=options
        )
        facts["axe"] = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
                "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
            }
            for v in axe.response["violations"]
        ]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{path.replace('/', '__').removesuffix('.html')}-{mode}.png"
        height = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": 1280, "height": min(height, MAX_SCREENSHOT_HEIGHT)}
        page.screenshot(path=str(shot), full_page=True, clip=clip)
        facts["screenshot"] = shot
        self.cache[key] = facts
        return facts

    def page_for(self, mode: str):
        """The live page of a mode's context (for interactive checks)."""
        return self._page(mode)[1]

    def close(self):
        for context, _page, _events in self.contexts.values():
            context.close()


@pytest.fixture(scope="session")
def visitor(browser, server):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # no stale shots of removed pages
    v = Visitor(browser, server)
    yield v
    v.close()


def _site_pages() -> list[str]:
    return content_pages(SITE) if (SITE / "index.html").exists() else []


def pages_containing(*markers: str) -> list[str]:
    """Built pages whose HTML contains any of ``markers`` (read at collection time)."""
    found = []
    for page in _site_pages():
        html = (SITE / page).read_text(encoding="utf8")
        if any(marker in html for marker in markers):
            found.append(page)
    return found


def pytest_generate_tests(metafunc):
    """``page`` runs over every built page (one placeholder when there is no build, so the
    ``site`` fixture can skip or fail with the reason); ``mode`` over light and dark."""
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", _site_pages() or ["<no built site>"])
    if "mode" in metafunc.fixturenames:
        metafunc.parametrize("mode", ["light", "dark"])
