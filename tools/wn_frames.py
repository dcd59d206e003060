"""Sphinx extension: light pages — interactive frames as image files, images load lazily.

An interactive figure's notebook output (``wnlib.interactive``) carries every frame as a
base64 PNG inside a JSON block, which made chapter pages 0.6–1.4 MB of HTML. After an HTML
build this extension rewrites every page:

* each frame becomes a file ``_images/wn/<sha256[:20]>.png`` (identical frames share one);
  the JSON block gets ``urls`` instead of ``frames`` (the figure's script loads a frame when
  a slider first shows it), and the shown frame's ``<img>`` points at its file;
* every content ``<img>`` without a ``loading`` attribute gets ``loading="lazy"`` and
  ``decoding="async"``, so images below the fold load when the reader scrolls to them;
* a page with interactive figures gets, at the top of its article, a short list of links to
  them (visible when focused, like a skip link), so a keyboard user reaches a slider in a
  few key presses instead of tabbing through every code cell.

Loaded via ``sphinx: local_extensions`` in ``_config.yml``; tested by
``tests/test_browser.py`` (page weight before interaction, sliders still switch frames).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_BLOCK = re.compile(r'(<script type="application/json" class="wn-frames">)(.*?)(</script>)', re.S)
_ROOT = re.compile(r'<div class="wn-interactive" id="([^"]+)" role="group" aria-label="([^"]*)"')
_FRAME_IMG = re.compile(r'(<img class="wn-frame" src=")data:image/png;base64,([^"]+)(")')
_IMG = re.compile(r"<img\b(?![^>]*\bloading=)([^>]*)>")
_ARTICLE = '<article class="bd-article">'


def _frame_file(outdir: Path, b64: str) -> Path:
    png = base64.b64decode(b64)
    path = outdir / "_images" / "wn" / f"{hashlib.sha256(png).hexdigest()[:20]}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    return path


def rewrite_page(text: str, page: Path, outdir: Path) -> str:
    """The page with frames moved to files, lazy images and the figure links."""

    def url(path: Path) -> str:
        return Path(os.path.relpath(path, page.parent)).as_posix()

    def move_frames(m: re.Match) -> str:
        data = json.loads(m.group(2))
        if "frames" not in data:
            return m.group(0)
        data["urls"] = [url(_frame_file(outdir, f)) for f in data.pop("frames")]
        blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
        return m.group(1) + blob + m.group(3)

    text = _BLOCK.sub(move_frames, text)
    text = _FRAME_IMG.sub(lambda m: m.group(1) + url(_frame_file(outdir, m.group(2))) + m.group(3),
                          text)
    text = _IMG.sub(r'<img loading="lazy" decoding="async"\1>', text)
    figures = _ROOT.findall(text)
    if figures and _ARTICLE in text and 'class="wn-skip"' not in text:
        links = "".join(
            f'<li><a href="#{fid}">{html.escape(html.unescape(label))}</a></li>'
            for fid, label in figures
        )
        nav = (
            '<nav class="wn-skip" aria-label="Interactive figures on this page">'
            f"<p>Jump to an interactive figure:</p><ul>{links}</ul></nav>"
        )
        text = text.replace(_ARTICLE, _ARTICLE + nav, 1)
    return text


def _rewrite_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    n_pages = n_frames = 0
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] in ("_static", "_sources", "mathjax"):
            continue
        text = page.read_text(encoding="utf-8")
        if "<img" not in text:
            continue
        new = rewrite_page(text, page, outdir)
        if new != text:
            n_pages += 1
            n_frames += text.count("data:image/png;base64,") - new.count("data:image/png;base64,")
            page.write_text(new, encoding="utf-8")
    logger.info(f"wn_frames: {n_pages} pages rewritten, {n_frames} inline frames moved to files")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _rewrite_site, priority=400)  # before wn_offline's scan
    return {"parallel_read_safe": True, "parallel_write_safe": True}
