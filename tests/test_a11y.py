"""Accessibility as a tested contract: axe-core on every page, in three modes.

Every page of ``_build/html`` is loaded in headless Debian Chromium and checked by axe-core
(the npm package pinned in ``package.json``, read from ``node_modules/``; ``make`` installs it
with MathJax) in the theme's light mode at 1280 × 900, its dark mode at 1280 × 900, and at
phone width 390 × 844 (the dark page is the light one switched with the theme's own button:
``tests/site_visits.py`` says why that is the same page). A critical or serious violation
fails the test; moderate and minor ones are printed (run with ``-s`` or see the captured
output of a failure).

Light and dark: every rule of axe-core on the whole page; the colour-contrast rule on one
element per distinct look (``LOOKS``). Contrast is a function of the text's colour, its font
size and weight (the threshold), its text shadow and opacity, and what is behind it: the
backgrounds (colour, image, opacity, blend, filter) of the element and its ancestors. Two
elements that agree on all of these have the same contrast, so axe-core checks the first of
each such group, visible elements apart from hidden ones (a hidden one is not checked by
axe-core at all) and positioned elements (fixed, sticky, absolute: what is behind them
depends on where they are) each in a group of their own. When this was written that was 97
looks among the 12,018 text elements of ``api.html`` and 220 among 10,621 on chapter 4 (the
test prints the numbers of each page). What it leaves out: a background
from an element that is not an ancestor and overlaps the text (axe-core reports overlapped
text as "needs review", not as a violation, so the full run would not fail on it either).
``test_contrast_looks_keep_every_distinct_look`` plants one pale element among many like it
and a pale style used many times: both are reported (a look used many times is reported once,
at its first element: fixing the style fixes them all).

Phone: every rule on the whole page too, but the colour-contrast rule (most of axe-core's
time: each text node's background stack, 26 s of 28 s on ``api.html``) only where the phone
can show a contrast the light mode's run has not already checked. The phone shows the light
mode's colours (same theme, same course CSS); what differs at 390 px is the layout, and only
CSS conditional on the device can change a colour, a background, a font size or weight (a
text's contrast threshold), an opacity or whether an element shows. The test finds that CSS
on the page itself, in every stylesheet the page uses (``PHONE_SCOPE``):

* every style rule inside an ``@media`` whose condition holds at 390 px but not at 1280 px or
  the other way round (evaluated with ``matchMedia`` in the page and in a 1280 × 900 frame),
  and every rule under a condition on what the phone emulation changes besides the width
  (hover, pointer, resolution, device size) or under a container query, if it sets any of
  those properties or a custom property;
* every rule that sizes one of those properties in viewport units (``vw``, ``vh``, ...);

and colour contrast is checked on every element such a rule selects, with its subtree, plus
the phone's own chrome (``PHONE_CHROME``: the top bar, the article header with the drawer
toggles, the drawers, the figure zoom hint). If a rule selects ``html`` or ``body``, or a
stylesheet or selector cannot be read, the whole page is checked. Today this finds the
theme's phone header and search button, the drawers (off screen until opened), the heading
sizes (Bootstrap's below 1200 px), the dropdown toggle buttons (their icon size) and the
course's zoom hint (``_static/course.css`` changes no colour at narrow widths): about 30
elements with their subtrees, a few hundred of a chapter's 26,000. What this leaves out:
content whose colours are the light mode's and whose only change is its position, i.e. a
background behind it from an element that overlaps it only in the phone layout; the course
has none (axe-core reports text that something overlaps as "needs review", not as a pass).
``test_phone_contrast_scope_finds_a_narrow_width_colour`` shows the phone run failing on a
colour that only a phone sees.

MathJax's assistive MathML must be on (screen readers read the math): every typeset
equation carries an ``mjx-assistive-mml`` element.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, serve
from site_visits import MODES, open_page, page_params, site_pages

pytestmark = [pytest.mark.site, pytest.mark.browser]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAIL_IMPACTS = ("critical", "serious")

# What the phone layout shows of its own, checked for colour contrast in any case.
PHONE_CHROME = (".bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary,"
                " .wn-zoom-hint, #pst-back-to-top")

# The elements whose contrast may differ on the phone from the light mode (module docstring).
# Returns {whole: true, why} or {whole: false, n}; marks the elements with data-wn-contrast.
PHONE_SCOPE = r"""(chrome) => {
  const REL = new RegExp("^(color|background|opacity|filter|backdrop-filter|mix-blend-mode"
    + "|text-shadow|font|visibility|display|content-visibility|-webkit-text-|--)");
  const DEVICE = new RegExp("hover|pointer|resolution|device-pixel-ratio|device-width"
    + "|device-height|device-aspect-ratio");
  const VIEWPORT_UNIT = /\d(s|l|d)?(vw|vh|vi|vb|vmin|vmax)\b|\dcq(w|h|i|b|min|max)\b/;
  const frame = document.createElement("iframe");
  frame.style.cssText = "position:fixed;left:-20000px;top:0;width:1280px;height:900px;"
    + "border:0;visibility:hidden";
  document.documentElement.appendChild(frame);
  const wide = frame.contentWindow;
  const selectors = new Set();
  const props = style => Array.from({length: style.length}, (_, i) => style[i])
    .filter(p => REL.test(p));
  const differs = conds => conds.length > 0 && (
    conds.some(c => c === null || DEVICE.test(c))
    || conds.every(c => matchMedia(c).matches) !== conds.every(c => wide.matchMedia(c).matches));
  function walk(rules, conds, parent) {
    for (const r of rules) {
      if (r instanceof CSSImportRule) {
        if (r.styleSheet) {
          walk(r.styleSheet.cssRules,
               r.media.mediaText ? conds.concat([r.media.mediaText]) : conds, parent);
        }
      } else if (r instanceof CSSMediaRule) {
        walk(r.cssRules, conds.concat([r.media.mediaText]), parent);
      } else if (window.CSSContainerRule && r instanceof CSSContainerRule) {
        walk(r.cssRules, conds.concat([null]), parent);
      } else if (r instanceof CSSStyleRule) {
        const sel = parent || r.selectorText;  // a nested rule: its parent's elements
        const p = props(r.style);
        if (p.length && (differs(conds)
            || p.some(q => VIEWPORT_UNIT.test(r.style.getPropertyValue(q))))) {
          selectors.add(sel);
        }
        if (r.cssRules && r.cssRules.length) walk(r.cssRules, conds, sel);
      } else if (r.cssRules) {
        walk(r.cssRules, conds, parent);  // @supports, @layer
      }
    }
  }
  let unreadable = null;
  const sheets = Array.from(document.styleSheets)
    .concat(Array.from(document.adoptedStyleSheets || []));
  for (const s of sheets) {
    let rules;
    try { rules = s.cssRules; } catch (e) { unreadable = s.href; break; }
    walk(rules, s.media && s.media.mediaText ? [s.media.mediaText] : [], null);
  }
  frame.remove();
  if (unreadable) return {whole: true, why: "cannot read the stylesheet " + unreadable};
  const found = new Set();
  for (const sel of Array.from(selectors).concat([chrome])) {
    // a pseudo-element: the element it belongs to (a state such as :hover is queried as it
    // is now, which is what axe-core sees)
    const base = sel.replace(
      /::[\w-]+(\([^)]*\))?|:(before|after|first-line|first-letter)(?![\w-])/g, "");
    try {
      document.querySelectorAll(base || "*").forEach(e => found.add(e));
    } catch (e) {
      return {whole: true, why: "cannot query the selector " + sel};
    }
  }
  if (found.has(document.documentElement) || found.has(document.body)) {
    return {whole: true, why: "a narrow-width rule styles the whole page"};
  }
  let n = 0;
  for (const e of found) {
    let inner = false;
    for (let p = e.parentElement; p && !inner; p = p.parentElement) inner = found.has(p);
    if (!inner) { e.setAttribute("data-wn-contrast", ""); n += 1; }
  }
  return {whole: false, n: n};
}"""

# One element per distinct look for the colour-contrast rule (module docstring). Marks them
# with data-wn-look; returns {n, total}: the looks and the text-bearing elements.
LOOKS = r"""() => {
  document.querySelectorAll("[data-wn-look]").forEach(e => e.removeAttribute("data-wn-look"));
  const owners = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (t.nodeValue.trim() && t.parentElement) owners.add(t.parentElement);
  }
  const behind = new Map();  // element -> the look of its own and its ancestors' backgrounds
  const backgrounds = e => {
    if (!e) return "";
    if (behind.has(e)) return behind.get(e);
    const s = getComputedStyle(e);
    let own = [s.backgroundColor, s.backgroundImage, s.opacity, s.mixBlendMode, s.filter,
               s.backdropFilter].join(";");
    if (s.position !== "static" && s.position !== "relative") own += ";" + s.position;
    const key = own + "<" + backgrounds(e.parentElement);
    behind.set(e, key);
    return key;
  };
  const seen = new Set();
  let n = 0;
  for (const e of owners) {
    const s = getComputedStyle(e);
    const shown = e.getClientRects().length > 0 && s.visibility === "visible";
    const key = [shown, s.color, s.fontSize, s.fontWeight, s.textShadow,
                 s.webkitTextFillColor, s.webkitTextStrokeColor, backgrounds(e)].join("|");
    if (!seen.has(key)) { seen.add(key); e.setAttribute("data-wn-look", ""); n += 1; }
  }
  return {n: n, total: owners.size};
}"""

RUN_AXE = """async (contrastSelector) => {
  if (contrastSelector) {
    axe.configure({rules: [{id: 'color-contrast', selector: contrastSelector}]});
  }
  try {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.map(v => ({
      impact: v.impact, id: v.id, help: v.help,
      targets: v.nodes.slice(0, 6).map(n => n.target.join(' ')),
      n: v.nodes.length,
    }));
  } finally {
    axe.reset();
  }
}"""


def run_axe(page, phone: bool = False) -> tuple[list[dict], str]:
    """axe-core's violations on the loaded page (impact, id, help, targets), and what the
    colour-contrast rule covered: one element per look (``LOOKS``), or, ``phone``, the
    elements of ``PHONE_SCOPE``."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    if not phone:
        looks = page.evaluate(LOOKS)
        return (page.evaluate(RUN_AXE, "[data-wn-look]"),
                f"{looks['n']} looks of its {looks['total']} text elements")
    selector, scope = None, "whole page"
    if phone:
        found = page.evaluate(PHONE_SCOPE, PHONE_CHROME)
        if found["whole"]:
            scope = f"whole page ({found['why']})"
        else:
            selector = "[data-wn-contrast], [data-wn-contrast] *"
            scope = f"{found['n']} phone-specific elements with their subtrees"
    return page.evaluate(RUN_AXE, selector), scope


@pytest.fixture(scope="module")
def axe_js(pytestconfig) -> Path:
    if not AXE.is_file():
        from conftest import missing

        missing(pytestconfig, f"{AXE} not found: run `make assets` (npm ci)")
    return AXE


def check(violations: list[dict], where: str) -> None:
    """Print moderate and minor violations; fail on critical and serious ones."""
    for v in violations:
        if v["impact"] not in FAIL_IMPACTS:
            print(f"{where}: {v['impact']} {v['id']} ({v['n']}x): {v['help']} "
                  f"e.g. {v['targets'][:2]}")
    bad = [v for v in violations if v["impact"] in FAIL_IMPACTS]
    assert not bad, f"{where}: " + json.dumps(bad, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("rel", page_params(site_pages()))
def test_axe(rel, mode, axe_js, visits):
    if rel is None:
        pytest.fail("no website", pytrace=False)
    visit = visits.get(rel, mode)
    with visit.log.tool_running():  # axe-core's own requests are not the page's
        violations, scope = run_axe(visit.top(), phone=mode == "phone")
    print(f"[{mode}] {rel}: colour contrast checked on the {scope}")
    check(violations, f"[{mode}] {rel}")


@pytest.mark.parametrize("rel", page_params(["chapters/02_flow.html",
                                               "chapters/03_example2d.html"]))
def test_assistive_mathml(rel, visits):
    """Screen readers get MathML: MathJax's assistive MathML is on for every equation."""
    page = visits.get(rel, "light").page
    n_math = page.locator("mjx-container").count()
    n_mml = page.locator("mjx-container mjx-assistive-mml").count()
    assert n_math > 10, f"only {n_math} typeset equations on {rel}"
    assert n_mml == n_math, f"{n_mml} of {n_math} equations carry assistive MathML"


def test_phone_contrast_scope_finds_a_narrow_width_colour(axe_js, browser):
    """The phone run's contrast scope follows CSS that applies at narrow widths only.

    A page whose paragraph is readable at 1280 px but pale grey on white under
    ``@media (max-width: 720px)``: the phone run reports the color-contrast violation (and
    only that paragraph is in its scope, not the other text on the page).
    """
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>t</title><style>p { color: #222; } "
            "@media (max-width: 720px) { p.pale { color: #ccc; } }</style></head>"
            "<body><main><h1>Title</h1><p class='pale'>Pale on a phone.</p>"
            "<div>Other text, always dark.</div></main></body></html>")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "index.html").write_text(html, encoding="utf-8")
        server, url = serve(Path(tmp))
        try:
            found = {}
            for mode in ("light", "phone"):
                context, page = open_page(browser, f"{url}/index.html", mode)
                try:
                    found[mode] = run_axe(page, phone=mode == "phone")
                    marked = page.eval_on_selector_all("[data-wn-contrast]",
                                                       "els => els.map(e => e.tagName)")
                finally:
                    context.close()
        finally:
            server.shutdown()
            server.server_close()
    assert "color-contrast" not in [v["id"] for v in found["light"][0]], found["light"]
    phone_ids = [v["id"] for v in found["phone"][0]]
    assert "color-contrast" in phone_ids, found["phone"]
    assert marked == ["P"], f"phone contrast scope: {marked}, {found['phone'][1]}"


def test_contrast_looks_keep_every_distinct_look(axe_js, browser):
    """The light/dark contrast scope keeps one element per look and loses no violation.

    A page with 200 readable paragraphs, one pale paragraph among 50 readable ones of the same
    class (a different colour: a look of its own), and a pale style used by 30 spans: axe-core
    reports both pale looks, and the scope holds far fewer elements than the page.
    """
    readable = "".join(f"<p>Readable paragraph {k}.</p>" for k in range(200))
    same_class = "".join(f"<p class='c'>Same class {k}.</p>" for k in range(50))
    pale_spans = "".join(f"<span class='pale'>pale {k}</span> " for k in range(30))
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>t</title>"
            "<style>p { color: #222; } .c { color: #333; } .odd { color: #d0d0d0; }"
            " .pale { color: #c8c8c8; }</style></head><body><main><h1>Title</h1>"
            f"{readable}{same_class}<p class='c odd'>The odd one.</p>"
            f"<div>{pale_spans}</div></main></body></html>")
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "index.html").write_text(html, encoding="utf-8")
        server, url = serve(Path(tmp))
        try:
            context, page = open_page(browser, f"{url}/index.html", "light")
            try:
                violations, scope = run_axe(page)
                marked = page.eval_on_selector_all("[data-wn-look]", "els => els.length")
            finally:
                context.close()
        finally:
            server.shutdown()
            server.server_close()
    contrast = next((v for v in violations if v["id"] == "color-contrast"), None)
    assert contrast is not None, violations
    # the odd paragraph and one of the pale spans (the first of its look stands for all 30)
    assert contrast["n"] == 2, (contrast, scope)
    assert contrast["targets"][0] == ".odd" and contrast["targets"][1].startswith("span"), contrast
    assert marked <= 10, f"{marked} elements checked for contrast ({scope})"
