"""Search result snippets read as text, not raw LaTeX (``_static/wn-site.js``).

Sphinx's search page fetches each hit's HTML and turns it into the snippet with
``Search.htmlToText``; on this site the math there is still TeX (MathJax has not run on the
fetched page), so wn-site.js replaces each ``.math`` element by a plain-text reading first.
"""

from __future__ import annotations

import re

import pytest
from site_visits import open_page

pytestmark = [pytest.mark.site, pytest.mark.browser]

RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\frac|\\\||\\mathbb|\\eta|\\gamma|\^\{")


@pytest.mark.parametrize("query", ["invariant", "orthogonal"])
def test_search_snippets_have_no_raw_tex(query, browser, site_dir, site_url):
    context, page = open_page(browser, f"{site_url}/search.html?q={query}", "light")
    try:
        page.wait_for_selector("ul.search li p.context", timeout=60_000)
        page.wait_for_function(
            "() => document.querySelectorAll('ul.search li').length > 0 &&"
            " document.querySelectorAll('ul.search li p.context').length >="
            " Math.min(3, document.querySelectorAll('ul.search li').length)",
            timeout=60_000,
        )
        snippets = page.eval_on_selector_all("ul.search li p.context", "els => els.map(e =>"
                                             " e.textContent)")
    finally:
        context.close()
    assert snippets, f"no search result snippet for {query!r}"
    raw = [s[:160] for s in snippets if RAW_TEX.search(s)]
    assert not raw, f"raw TeX in search snippets: {raw}"


@pytest.mark.xdist_group("search.html")  # the search page's visit, shared with its other tests
def test_tex_to_text_reading(site_dir, visits):
    """The reading of a few TeX formulas (the function the snippet patch uses)."""
    read = visits.get("search.html", "light").page.evaluate(
        "xs => xs.map(x => window.wnTexToText(x))",
        [r"\(\|x_0^\perp\| = g_0\|w_0^\perp\|\)", r"\(\eta = 1/g_t^2\)",
         r"\[\frac{\gamma}{\eta} \in \mathbb{R}\]"],
    )
    assert read == ["‖x_0⊥‖ = g_0‖w_0⊥‖", "η = 1/g_t^2", "(γ)/(η) ∈ ℝ"], read
