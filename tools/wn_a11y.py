"""Sphinx extension: accessibility and phone fixes applied to the built HTML pages.

After an HTML build (after ``wn_frames``, before ``wn_offline``'s scan) every page is
rewritten:

* every content image (a file under ``_images/``, interactive frames included) not already
  inside a link is wrapped in ``<a class="wn-zoom" href="<the image file>">``: a tap or click
  opens the figure full size. On a phone (390 px) a figure drawn 800–1090 px wide is shown
  342 px wide, so its axis text is 3–4 px; the browser's own image view shows it at full
  resolution and can be zoomed, so every label becomes legible without drawing the figures
  twice or changing their layout for print. An interactive figure's script keeps the link on
  the frame shown (``wnlib/interactive/_html.py``). A short hint, shown on narrow screens
  only, says so under each figure;
* Sphinx's bibliography (``<div role="list" class="citation-list">``) gives its entries the
  deprecated ARIA role ``doc-biblioentry``, which is not a list item: axe-core reports a
  critical "aria-required-children" violation. The entries become ``role="listitem"``.

Loaded via ``sphinx: local_extensions`` in ``_config.yml``; tested by
``tests/test_a11y.py`` (axe-core, three modes) and ``tests/test_phone.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]*_images/[^"]+)"')
_LINK_OPEN = re.compile(r"<a\b")
HINT = '<span class="wn-zoom-hint" aria-hidden="true">Tap the figure to open it full size.</span>'


def _inside_link(text: str, pos: int) -> bool:
    """Whether position ``pos`` of ``text`` is inside an ``<a>`` element."""
    opened = max((m.start() for m in _LINK_OPEN.finditer(text, 0, pos)), default=-1)
    return opened > text.rfind("</a>", 0, pos)


def rewrite_page(text: str) -> str:
    """The page with zoom links around content images and list-item bibliography entries."""
    out, last = [], 0
    for m in _IMG.finditer(text):
        src = _SRC.search(m.group(0))
        if src is None or _inside_link(text, m.start()):
            continue
        out.append(text[last:m.start()])
        out.append(f'<a class="wn-zoom" href="{src.group(1)}">{m.group(0)}</a>{HINT}')
        last = m.end()
    out.append(text[last:])
    text = "".join(out)
    return text.replace('role="doc-biblioentry"', 'role="listitem"')


def _rewrite_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    n = 0
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] in ("_static", "_sources", "mathjax"):
            continue
        text = page.read_text(encoding="utf-8")
        new = rewrite_page(text)
        if new != text:
            n += 1
            page.write_text(new, encoding="utf-8")
    logger.info(f"wn_a11y: {n} pages rewritten (zoom links, bibliography roles)")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _rewrite_site, priority=450)  # after wn_frames (400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
