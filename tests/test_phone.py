"""The website on a phone (390 × 844) and in the theme's dark mode, in headless Chromium.

Phone: on every page nothing overflows the page sideways
(``document.scrollingElement.scrollWidth <= innerWidth``); what is too wide (display
equations, printed tables, code) scrolls inside its own box, which then has a visible cue
(``.wn-scrolls`` with an edge shadow) and a tab stop; every content figure is a link to its
image file (a tap opens it full size, where it can be zoomed). Screenshots go to
``test-artifacts/screenshots/phone-*.png``.

Dark mode: the page background is dark while the pixels behind each figure's axes are
light, so the figures stay readable (``dark-*.png``).
"""

from __future__ import annotations

import io

import pytest
from site_visits import page_params, shot_name, site_pages

pytestmark = [pytest.mark.site, pytest.mark.browser]


def _chapters() -> list:
    return page_params([p for p in site_pages() if p.startswith("chapters/")],
                       none_id="no-chapter")


def _ready(page) -> None:
    """Wait until wn-site.js has marked the scrolling boxes (after MathJax)."""
    page.wait_for_function(
        "() => document.documentElement.getAttribute('data-wn-scroll') === '1'", timeout=60_000
    )


@pytest.mark.parametrize("rel", page_params(site_pages()))
def test_phone_no_horizontal_overflow(rel, site_dir, visits, screenshots_dir):
    if rel is None:
        pytest.fail("no website", pytrace=False)
    page = visits.get(rel, "phone").top()
    _ready(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    # what sticks out of the page, if anything (for the failure message)
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                          && getComputedStyle(e).position !== 'fixed'
                          && !e.closest('.wn-scrolls, .bd-sidebar-primary,'
                                        + ' .bd-sidebar-secondary, .wn-skip,'
                                        + ' mjx-assistive-mml, pre, table'))
             .slice(0, 8).map(e => e.tagName.toLowerCase() + '.' + e.className
                              + ' right=' + Math.round(e.getBoundingClientRect().right))"""
    )
    # boxes wider than their column must scroll inside themselves, with the cue
    uncued = page.evaluate(
        """() => Array.from(document.querySelectorAll(
               'mjx-container[display="true"], div.cell_output pre, div.highlight pre'))
             .filter(e => e.scrollWidth > e.clientWidth + 1
                          && !(e.classList.contains('wn-scrolls')
                               && e.classList.contains('wn-more-right')
                               && e.getAttribute('tabindex') === '0'))
             .length"""
    )
    n_scrolls = page.locator(".wn-scrolls").count()
    figures = page.eval_on_selector_all(
        "article img[src*='_images/']",
        "els => els.map(e => { const a = e.closest('a');"
        " return a ? a.getAttribute('href') : null; })",
    )
    name = shot_name(rel)
    page.screenshot(path=str(screenshots_dir / f"phone-{name}.png"), full_page=False)
    # what a reader sees at a wide equation (its scroll cue) and at the first figure
    for what, selector in (("equation", 'mjx-container.wn-scrolls[display="true"]'),
                           ("figure", "article a.wn-zoom")):
        target = page.locator(selector).first
        if target.count():
            target.scroll_into_view_if_needed()
            if what == "figure":  # a lazy image: wait until it has loaded
                page.wait_for_function("a => a.querySelector('img').complete"
                                       " && a.querySelector('img').naturalWidth > 0",
                                       arg=target.element_handle())
            page.screenshot(path=str(screenshots_dir / f"phone-{name}-{what}.png"))
    print(f"{rel}: scrollWidth {width} / innerWidth {inner}; {n_scrolls} boxes scroll inside")
    # a phone widens its layout viewport to fit content wider than the screen: innerWidth
    # must stay the screen's 390 px too
    assert width <= inner == 390, f"{rel} overflows the page at 390 px: {width}, {inner}; {wide}"
    assert uncued == 0, f"{rel}: {uncued} wide boxes scroll without the cue / tab stop"
    assert all(figures), f"{rel}: a figure is not a link to its full-size image: {figures}"


@pytest.mark.parametrize("rel", _chapters())
def test_phone_figure_opens_full_size(rel, site_dir, visits):
    """The first figure's link opens the image file at its full pixel width (≥ 700 px)."""
    if rel is None:
        pytest.fail("no chapter page", pytrace=False)
    page = visits.get(rel, "phone").top()
    try:
        link = page.locator("article a.wn-zoom").first
        shown = link.locator("img").evaluate("e => e.getBoundingClientRect().width")
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_load_state("load")
        natural = page.evaluate("document.images[0] ? document.images[0].naturalWidth : 0")
    finally:
        visits.spoil(rel, "phone")  # the page is now the image: the next test reopens it
    assert shown <= 390
    assert natural >= 700, f"the full-size figure is only {natural} px wide"


@pytest.mark.parametrize("rel", _chapters())
def test_dark_mode_figures_on_light_background(rel, site_dir, visits, screenshots_dir):
    """In dark mode the page is dark and every figure sits on a light background."""
    if rel is None:
        pytest.fail("no chapter page", pytrace=False)
    from PIL import Image

    page = visits.get(rel, "dark").top()
    body_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    imgs = page.locator("article img[src*='_images/']")
    n = imgs.count()
    assert n > 0, "no figure on the page"
    light = []
    for k in range(n):
        img = imgs.nth(k)
        img.scroll_into_view_if_needed()
        page.wait_for_function(
            "e => e.complete && e.naturalWidth > 0", arg=img.element_handle()
        )
        shot = Image.open(io.BytesIO(img.screenshot())).convert("L")
        w, h = shot.size
        # the figure's corners (outside the axes) are its background
        corners = [shot.getpixel((x, y)) for x in (2, w - 3) for y in (2, h - 3)]
        light.append(min(corners))
        if k == 0:
            page.screenshot(path=str(screenshots_dir / f"dark-{shot_name(rel)}.png"))
    page_px = Image.open(io.BytesIO(page.screenshot())).convert("L").getpixel((5, 300))
    assert page_px < 80, f"the page is not dark in dark mode (pixel {page_px}, {body_bg})"
    dark_figs = [k for k, v in enumerate(light) if v < 180]
    assert not dark_figs, f"figures {dark_figs} sit on a dark background: {light}"
