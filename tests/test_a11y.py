"""Accessibility as a tested contract: axe-core on every page, in three modes.

Every page of ``_build/html`` is loaded in headless Debian Chromium and checked by axe-core
(the npm package pinned in ``package.json``, read from ``node_modules/``; ``make`` installs it
with MathJax) in the theme's light mode at 1280 × 900, its dark mode at 1280 × 900, and at
phone width 390 × 844. A critical or serious violation fails the test; moderate and minor
ones are printed (run with ``-s`` or see the captured output of a failure).

MathJax's assistive MathML must be on (screen readers read the math): every typeset
equation carries an ``mjx-assistive-mml`` element.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, SITE

pytestmark = [pytest.mark.site, pytest.mark.browser]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MODES = {
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
FAIL_IMPACTS = ("critical", "serious")


def _pages() -> list:
    if not (SITE / "index.html").is_file():
        return [pytest.param(None, id="no-site")]
    return [
        p.relative_to(SITE).as_posix()
        for p in sorted(SITE.rglob("*.html"))
        if p.relative_to(SITE).parts[0] not in ("mathjax", "_static", "_sources")
        and "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8")[:400].lower()
    ]


def open_page(browser, url: str, mode: str):
    """A page in ``mode`` (light, dark, phone), loaded, math typeset; returns (context, page)."""
    opts = dict(MODES[mode])
    theme = opts.pop("theme")
    context = browser.new_context(**opts)
    # pydata-sphinx-theme reads the mode from localStorage before it paints
    context.add_init_script(
        f"try {{ localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', "
        f"'{theme}'); }} catch (e) {{}}"
    )
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}';"
                  f"document.documentElement.dataset.mode = '{theme}'")
    if page.locator("mjx-container").count() or page.locator(".math").count():
        page.wait_for_function(
            "() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true"
            " : MathJax.startup.promise.then(() => true)",
            timeout=60_000,
        )
    return context, page


def run_axe(page) -> list[dict]:
    """axe-core's violations on the loaded page (impact, id, help, targets)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({
            impact: v.impact, id: v.id, help: v.help,
            targets: v.nodes.slice(0, 6).map(n => n.target.join(' ')),
            n: v.nodes.length,
          }));
        }"""
    )
    return result


@pytest.fixture(scope="module")
def axe_js(pytestconfig) -> Path:
    if not AXE.is_file():
        from conftest import missing

        missing(pytestconfig, f"{AXE} not found: run `make assets` (npm ci)")
    return AXE


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("rel", _pages())
def test_axe(rel, mode, axe_js, browser, site_dir, site_url):
    if rel is None:
        pytest.fail("no website", pytrace=False)
    context, page = open_page(browser, f"{site_url}/{rel}", mode)
    try:
        violations = run_axe(page)
    finally:
        context.close()
    bad = [v for v in violations if v["impact"] in FAIL_IMPACTS]
    for v in violations:
        if v["impact"] not in FAIL_IMPACTS:
            print(f"[{mode}] {rel}: {v['impact']} {v['id']} ({v['n']}x): {v['help']} "
                  f"e.g. {v['targets'][:2]}")
    assert not bad, f"[{mode}] {rel}: " + json.dumps(bad, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("rel", ["chapters/02_flow.html", "chapters/03_example2d.html"])
def test_assistive_mathml(rel, browser, site_dir, site_url):
    """Screen readers get MathML: MathJax's assistive MathML is on for every equation."""
    context, page = open_page(browser, f"{site_url}/{rel}", "light")
    try:
        n_math = page.locator("mjx-container").count()
        n_mml = page.locator("mjx-container mjx-assistive-mml").count()
    finally:
        context.close()
    assert n_math > 10, f"only {n_math} typeset equations on {rel}"
    assert n_mml == n_math, f"{n_mml} of {n_math} equations carry assistive MathML"
