"""Light pages: no chapter page fetches more than 400 KB of its own before interaction.

The first load is the page's light-mode visit (``tests/site_visits.py``, shared with the
other tests of the page): a fresh browser context at 1280 x 900, the bytes of the page's own
resources (``page_weight.own``: not the shared ``_static``/``mathjax`` assets) whose requests
finished before the network went idle, plus 300 ms, before any test has touched the page
(the measure of ``page_weight.first_load_bytes``, which ``bench/bench_pages.py`` reports).
"""

from __future__ import annotations

import pytest
from conftest import SITE
from page_weight import full_bytes
from site_visits import page_params

pytestmark = [pytest.mark.browser, pytest.mark.site]

BUDGET = 400_000  # bytes: HTML + images fetched at 1280 x 900 before any interaction


def _chapters() -> list:
    return page_params([f"chapters/{p.name}" for p in sorted((SITE / "chapters").glob("*.html"))],
                       none_id="no-chapter")


@pytest.mark.parametrize("rel", _chapters())
def test_first_load_within_budget(rel, site_dir, visits):
    if rel is None:
        pytest.fail("no chapter page", pytrace=False)
    sizes = visits.get(rel, "light").first_load
    total = sum(sizes.values())
    assert sizes, "nothing fetched?"
    assert total <= BUDGET, (
        f"{rel}: {total / 1e3:.0f} kB of its own on first load (budget {BUDGET / 1e3:.0f} kB): "
        + ", ".join(f"{u.rsplit('/', 1)[-1][:30]} {b / 1e3:.0f} kB" for u, b in
                    sorted(sizes.items(), key=lambda x: -x[1])[:6])
    )
    # the budget is met by loading less, not by losing content: the full page is heavier
    assert full_bytes(site_dir, rel) > total


def test_no_inline_frames_left(site_dir):
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'class="wn-frames">{' not in text or '"frames":' not in text, page
        assert 'class="wn-frame" src="data:' not in text, page
