"""The website's pages opened in headless Chromium, once per (page, screen), for several tests.

A page costs the browser most of its work while loading (MathJax typesets a chapter in
seconds of CPU); the axe-core, page, phone, dark-mode and page-weight tests used to load each
page again for each check. Here a page is opened once per screen (desktop, phone) and the
tests of that page share it (``Visits``, the session fixture ``visits`` in ``conftest.py``);
each test still runs and reports its own checks, naming the page and the mode. The tests of
one page carry the ``xdist_group`` of that page (``page_params``), so under
``--dist loadgroup`` they run in one worker, one after another, and find the page already
open. Run alone, a test opens what it needs. A test that navigates away (a tap on a figure)
closes the visit behind it (``Visits.spoil``).

Modes: ``light`` and ``dark`` (the theme's modes at 1280 x 900) and ``phone`` (390 x 844,
touch, device scale factor 2, light colours). A desktop page is loaded in light mode; a test
that wants it dark gets it switched with the theme's own switch button (as a reader does),
and switched back for a light-mode test. The theme applies a mode with one function, on load
(the mode stored in ``localStorage``) and on the button alike, and nothing else on the page
depends on the mode (MathJax's output inherits the text colour; the figures are images), so a
page switched to dark is the page loaded in dark mode; the theme's colour transitions are
run to their end before a test looks at it.

Readiness. A desktop visit waits for the network to be idle (no request for 500 ms, so every
request the page makes by itself has finished: the page test checks them all, the page-weight
test counts them), then 300 ms. A ``phone`` visit waits for the ``load`` event (every
stylesheet, script and eager image). Then every visit waits for MathJax to have typeset the
page (its startup promise) and for the web fonts in use (``document.fonts.ready``), so the
layout the tests measure is final.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from conftest import SITE
from page_weight import own

MODES: dict[str, dict] = {
    "light": {"viewport": {"width": 1280, "height": 900}, "theme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "theme": "dark"},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "theme": "light",
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# Console errors that are not problems of the site (regular expressions). Empty: a new
# entry needs a comment saying why it is harmless.
HARMLESS: list[str] = []

SKIP_DIRS = ("mathjax", "_static", "_sources")


def site_pages(*, redirects: bool = False) -> list[str]:
    """The HTML pages of ``_build/html`` (relative paths), without assets; the ``index.html``
    redirect only if ``redirects``."""
    if not (SITE / "index.html").is_file():
        return []
    pages = []
    for p in sorted(SITE.rglob("*.html")):
        rel = p.relative_to(SITE)
        if rel.parts[0] in SKIP_DIRS:
            continue
        if not redirects and 'http-equiv="refresh"' in p.read_text(encoding="utf-8")[:400].lower():
            continue
        pages.append(rel.as_posix())
    return pages


def page_params(pages: list[str], none_id: str = "no-site") -> list:
    """``pytest.param`` per page, in the page's ``xdist_group`` (its tests share one worker,
    so they share the page's visits); a single ``None`` param when there is no page."""
    if not pages:
        return [pytest.param(None, id=none_id)]
    return [pytest.param(rel, id=rel, marks=pytest.mark.xdist_group(rel)) for rel in pages]


class PageLog:
    """Everything a page did on the network and in its console.

    Requests to any other host than the local server are aborted and listed in ``outside``.
    """

    def __init__(self, base: str) -> None:
        self.host = urlsplit(base).netloc
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        # what a test's own tool (axe-core) fetches while it runs in the page is not the
        # page's doing: axe-core fetches the stylesheets itself (XHR) and resolves theme.css's
        # ``@import "../basic.css"`` against the page (/basic.css: a 404). Those requests, and
        # their failures and console messages, go to ``tool``.
        self.tool: list[str] = []
        self._tool_running = False
        self._tool_urls: set[str] = set()

    @contextlib.contextmanager
    def tool_running(self) -> Iterator[list[str]]:
        """Log the XHR/fetch requests made meanwhile as the test tool's (yields that log)."""
        self._tool_running = True
        try:
            yield self.tool
        finally:
            self._tool_running = False

    def _request(self, r) -> None:
        self.requests.append(r.url)
        if self._tool_running and r.resource_type in ("xhr", "fetch"):
            self._tool_urls.add(r.url)

    def _problem(self, url: str | None, kind: list[str], entry: str) -> None:
        (self.tool if url in self._tool_urls else kind).append(entry)

    def attach(self, context, page) -> None:
        def route(route):
            url = route.request.url
            if urlsplit(url).netloc == self.host or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self._problem(url, self.outside, url)
                route.abort()

        context.route("**/*", route)
        page.on("request", self._request)
        page.on(
            "requestfailed",
            lambda r: (
                self._problem(r.url, self.failed, f"{r.url}: {r.failure}")
                if r.url not in self.outside else None
            ),
        )
        page.on(
            "response",
            lambda r: self._problem(r.url, self.failed, f"{r.url}: HTTP {r.status}")
            if r.status >= 400 else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: (
                self._problem(m.location.get("url"), self.errors,
                              f"console.{m.type}: {m.text}")
                if m.type == "error" and not any(re.search(h, m.text) for h in HARMLESS)
                else None
            ),
        )


def new_context(browser, mode: str):
    """A browser context in ``mode`` (the theme's mode is set before the page paints)."""
    opts = dict(MODES[mode])
    theme = opts.pop("theme")
    context = browser.new_context(**opts)
    # pydata-sphinx-theme reads the mode from localStorage before it paints
    context.add_init_script(
        f"try {{ localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', "
        f"'{theme}'); }} catch (e) {{}}"
    )
    return context


def settle(page, mode: str) -> None:
    """After ``goto``: the theme's mode on the root element, math typeset, fonts loaded."""
    theme = MODES[mode]["theme"]
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}';"
                  f"document.documentElement.dataset.mode = '{theme}'")
    if page.locator("mjx-container").count() or page.locator(".math").count():
        page.wait_for_function(
            "() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true"
            " : MathJax.startup.promise.then(() => true)",
            timeout=60_000,
        )
    page.evaluate("document.fonts.ready.then(() => true)")


def open_page(browser, url: str, mode: str):
    """A fresh page in ``mode``, loaded (``load`` event), math typeset; (context, page)."""
    context = new_context(browser, mode)
    page = context.new_page()
    page.goto(url, wait_until="load")
    settle(page, mode)
    return context, page


# Click the theme's switch button until the page is in mode ``want``; finish the colour
# transitions the switch started.
SWITCH_MODE = """(want) => {
  const root = document.documentElement;
  const button = document.querySelector('.theme-switch-button');
  if (!button) return 'no theme switch button on the page';
  for (let i = 0; i < 3 && !(root.dataset.theme === want && root.dataset.mode === want); i++) {
    button.click();
  }
  document.getAnimations().filter(a => a instanceof CSSTransition).forEach(a => a.finish());
  return root.dataset.theme === want && root.dataset.mode === want ? ''
    : `the theme switch gives ${root.dataset.theme} / ${root.dataset.mode}, not ${want}`;
}"""


class Visit:
    """One page of the site open on one screen: ``page``, its ``log`` (``PageLog``) and, on
    the desktop, ``first_load``: the bytes of each of the page's own resources (not the
    shared ``_static``/``mathjax`` assets) fetched by the time the network went idle.
    ``mode``: the mode the page is in now."""

    def __init__(self, browser, base: str, rel: str, mode: str) -> None:
        self.rel = rel
        self.mode = "phone" if mode == "phone" else "light"
        self.context = new_context(browser, self.mode)
        try:
            self._load(base)
        except BaseException:
            self.context.close()
            raise

    def _load(self, base: str) -> None:
        rel = self.rel
        self.page = self.context.new_page()
        self.log = PageLog(base)
        self.log.attach(self.context, self.page)
        finished: dict[str, int] = {}
        if self.mode == "light":
            def done(request) -> None:
                if own(request.url, base):
                    finished[request.url] = request.sizes()["responseBodySize"]

            self.page.on("requestfinished", done)
            self.page.goto(f"{base}/{rel}", wait_until="networkidle")
            self.page.wait_for_timeout(300)
            self.page.remove_listener("requestfinished", done)
        else:
            self.page.goto(f"{base}/{rel}", wait_until="load")
        self.first_load = dict(finished)
        settle(self.page, self.mode)

    def switch(self, mode: str) -> None:
        """A desktop page into the theme's ``light`` or ``dark`` mode (its switch button)."""
        if mode == self.mode:
            return
        if "phone" in (mode, self.mode):
            raise ValueError(f"a {self.mode} visit cannot become {mode}")
        problem = self.page.evaluate(SWITCH_MODE, mode)
        assert not problem, f"{self.rel}: {problem}"
        self.mode = mode

    def top(self):
        """The page scrolled back to its top (a test before may have scrolled it)."""
        self.page.evaluate("window.scrollTo(0, 0)")
        return self.page

    def close(self) -> None:
        self.context.close()


def _screen(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: one of {list(MODES)}")
    return "phone" if mode == "phone" else "desktop"


class Visits:
    """The open visits, at most one page's (desktop and phone) at a time."""

    def __init__(self, browser, base: str) -> None:
        self.browser, self.base = browser, base
        self.open: dict[tuple[str, str], Visit] = {}

    def get(self, rel: str, mode: str) -> Visit:
        """Page ``rel`` in ``mode`` (opened, or switched to that mode, if need be)."""
        key = (rel, _screen(mode))
        if key not in self.open:
            for other in [k for k in self.open if k[0] != rel]:
                self.open.pop(other).close()
            self.open[key] = Visit(self.browser, self.base, rel, mode)
        visit = self.open[key]
        visit.switch(mode)
        return visit

    def spoil(self, rel: str, mode: str) -> None:
        """Close a visit whose page a test has changed for good (navigated away)."""
        visit = self.open.pop((rel, _screen(mode)), None)
        if visit is not None:
            visit.close()

    def close(self) -> None:
        for visit in self.open.values():
            visit.close()
        self.open.clear()


def shot_name(rel: str) -> str:
    """A screenshot's file-name stem for page ``rel``."""
    return rel.replace("/", "__").removesuffix(".html")

