"""The website in a real browser: headless Debian Chromium driven by Playwright.

For every page of ``_build/html``: it loads; every request goes to the local server and
succeeds (requests to any other host are aborted and reported); no JavaScript error;
math is typeset by MathJax (``mjx-container`` elements, no ``mjx-merror``); every
``<img>`` has a non-empty ``alt``. A screenshot of each page's first screen (1280 × 900)
goes to ``test-artifacts/screenshots/`` (the whole course, page by page, is the PDF of
``make pdf``). On pages with interactive figures, moving a slider changes the frame shown.

The pages are the light-mode visits of ``tests/site_visits.py``, shared with the other tests
of the page (axe-core, page weight): the log of requests and console messages covers the
page's whole visit, from its load (until the network is idle) to this test's checks.
Known harmless console messages are listed in ``site_visits.HARMLESS`` (none so far).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from conftest import SITE, serve
from site_visits import PageLog, page_params, shot_name, site_pages

pytestmark = pytest.mark.browser


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = PageLog(url)
    log.attach(context, page)
    page.goto(url, wait_until="networkidle")
    return context, page, log


@pytest.mark.site
@pytest.mark.parametrize("rel", page_params(site_pages(redirects=True)))
def test_page(rel, site_dir, visits, screenshots_dir):
    if rel is None:
        pytest.fail("no website", pytrace=False)  # site_dir already skipped or failed
    source = (site_dir / rel).read_text(encoding="utf-8")
    visit = visits.get(rel, "light")
    page, log = visit.top(), visit.log
    if re.search(r'class="math[ "]', source) is not None:
        assert page.locator("mjx-container").count() > 0, "MathJax typeset nothing"
        assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.getAttribute('alt'), (e.currentSrc || e.src)])"
    )
    no_alt = [src[:80] for alt, src in images if not (alt or "").strip()]
    broken = page.eval_on_selector_all(
        "img", "els => els.filter(e => e.complete && e.naturalWidth === 0).map(e => e.src)"
    )
    # a favicon of the site's own (without one the browser asks for /favicon.ico: a 404)
    icons = page.eval_on_selector_all("link[rel~='icon']", "els => els.map(e => e.href)")
    page.screenshot(path=str(screenshots_dir / f"{shot_name(rel)}.png"))
    assert not log.outside, f"requests to other hosts: {log.outside}"
    assert not log.failed, f"failed requests: {log.failed}"
    assert not log.errors, f"errors: {log.errors}"
    assert not no_alt, f"images without alt text: {no_alt}"
    assert not broken, f"images that did not load: {broken}"
    assert icons and all(any(r == i for r in log.requests) for i in icons), (
        f"no favicon, or it was not fetched: {icons}"
    )
    assert log.requests, "the page made no request at all?"


def _interactive_pages() -> list:
    pages = [rel for rel in site_pages()
             if 'class="wn-interactive"' in (SITE / rel).read_text(encoding="utf-8")]
    return page_params(pages, none_id="no-interactive-figure-yet")


def _move_every_slider(page, root) -> list[str]:
    """Move each slider of one interactive figure; return a problem list (empty if fine)."""
    problems = []
    img = root.locator("img.wn-frame")
    sliders = root.locator("input.wn-slider")
    for i in range(sliders.count()):
        s = sliders.nth(i)
        if s.get_attribute("max") == "0":
            continue
        before_src, before_alt = img.get_attribute("src"), img.get_attribute("alt")
        at_max = s.input_value() == s.get_attribute("max")
        s.focus()
        page.keyboard.press("Home" if at_max else "End")
        after_src, after_alt = img.get_attribute("src"), img.get_attribute("alt")
        # frames are files loaded when first shown: wait until this one has loaded (a move
        # before that would abort its request, as a reader's quick moves do)
        try:
            page.wait_for_function("e => e.complete && e.naturalWidth > 0",
                                   arg=img.element_handle(), timeout=30_000)
        except Exception:  # playwright's TimeoutError
            problems.append(f"slider {i}: the new frame {after_src} did not load")
        if after_src == before_src:
            problems.append(f"slider {i}: the frame did not change")
        if after_alt == before_alt or not (after_alt or "").strip():
            problems.append(f"slider {i}: the alt text did not follow the frame")
    return problems


@pytest.mark.site
@pytest.mark.parametrize("rel", _interactive_pages())
def test_interactive_figures_on_site(rel, site_dir, visits):
    if rel is None:
        pytest.skip("no page of the website has an interactive figure yet")
    visit = visits.get(rel, "light")
    page, log = visit.top(), visit.log
    roots = page.locator(".wn-interactive")
    assert roots.count() > 0
    problems = []
    for k in range(roots.count()):
        root = roots.nth(k)
        root.scroll_into_view_if_needed()
        assert root.get_attribute("data-wn-ready") == "1", "the inline script did not run"
        problems += [f"figure {k}: {p}" for p in _move_every_slider(page, root)]
    page.wait_for_load_state("networkidle")
    assert not problems, problems
    assert not log.errors, log.errors
    assert not log.outside and not log.failed, (log.outside, log.failed)


def test_interactive_html_standalone(browser, screenshots_dir):
    """Two interactive figures on one page, served locally: each slider switches its own
    figure's frames, every frame is reachable, nothing is fetched from elsewhere."""
    import numpy as np  # here: matplotlib's import costs every xdist worker a second

    from wnlib.interactive import interactive_figure

    def draw_line(fig, a, b):
        ax = fig.add_subplot()
        t = np.linspace(0, 1, 20)
        ax.plot(t, a * t + b)
        ax.set_ylim(-3, 3)

    def draw_bar(fig, n):
        fig.add_subplot().bar(range(n), np.arange(1, n + 1))

    f1 = interactive_figure(draw_line, {"a": [-1, 0, 1], "b": [0.0, 1.0]}, alt="A line")
    f2 = interactive_figure(draw_bar, {"n": [1, 2, 3, 4]}, alt="Bars", figsize=(3, 2))
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>t</title></head><body>"
        f"{f1.to_html()}<p>between</p>{f2.to_html()}</body></html>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "index.html").write_text(html, encoding="utf-8")
        server, url = serve(Path(tmp))
        try:
            context, page, log = _open(browser, f"{url}/index.html")
            try:
                r1, r2 = (
                    page.locator(".wn-interactive").nth(0),
                    page.locator(".wn-interactive").nth(1),
                )
                img1, img2 = r1.locator("img.wn-frame"), r2.locator("img.wn-frame")
                fixed2 = img2.get_attribute("src")
                seen = set()
                a_slider, b_slider = (
                    r1.locator("input.wn-slider").nth(0),
                    r1.locator("input.wn-slider").nth(1),
                )
                for ia in range(3):
                    for ib in range(2):
                        a_slider.fill(str(ia))
                        b_slider.fill(str(ib))
                        assert r1.get_attribute("data-wn-frame") == str(ia * 2 + ib)
                        assert (
                            r1.locator("output.wn-value").nth(0).text_content()
                            == f"{[-1, 0, 1][ia]}"
                        )
                        seen.add(img1.get_attribute("src"))
                assert len(seen) == 6, "every frame of figure 1 is reachable and distinct"
                assert img2.get_attribute("src") == fixed2, "figure 2 did not move"
                assert _move_every_slider(page, r2) == []
                assert img2.get_attribute("alt").startswith("Bars (n = ")
                page.screenshot(path=str(screenshots_dir / "standalone-interactive.png"))
            finally:
                context.close()
        finally:
            server.shutdown()
            server.server_close()
    assert not log.errors and not log.outside and not log.failed, (
        log.errors,
        log.outside,
        log.failed,
    )
