"""What a page costs a reader: its own bytes on first load, and in full.

"Own bytes" are the page's HTML and the images it fetches; the theme's and MathJax's assets
(``_static/``, ``mathjax/``), which every page shares and the browser caches once, are left
out. First load: at 1280 x 900, before any interaction (lazy images below the fold are not
fetched). Full: the HTML plus every image the page references and every interactive frame.
Used by ``tests/test_page_weight.py`` (budget) and ``bench/bench_pages.py`` (report).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

SHARED = ("_static/", "mathjax/")


def own(url: str, base: str) -> bool:
    path = urlsplit(url).path.lstrip("/")
    return url.startswith(base) and not path.startswith(SHARED)


def first_load_bytes(browser, base: str, rel: str) -> dict[str, int]:
    """Bytes of each own resource fetched when ``rel`` is opened at 1280 x 900."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, int] = {}

    def done(request) -> None:
        if own(request.url, base):
            sizes[request.url] = request.sizes()["responseBodySize"]

    page.on("requestfinished", done)
    try:
        page.goto(f"{base}/{rel}", wait_until="networkidle")
        page.wait_for_timeout(300)
    finally:
        context.close()
    return sizes


def full_bytes(site: Path, rel: str) -> int:
    """HTML + every image it references + every interactive frame, from the files."""
    page = site / rel
    text = page.read_text(encoding="utf-8")
    files = {page}
    for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', text):
        if not src.startswith(("data:", "http")):
            files.add((page.parent / unquote(src.split("#")[0])).resolve())
    for blob in re.findall(r'class="wn-frames">(.*?)</script>', text, re.S):
        for url in json.loads(blob).get("urls", []):
            files.add((page.parent / url).resolve())
    own_files = [f for f in files if not f.relative_to(site.resolve()).as_posix().startswith(
        SHARED)] if files else []
    return sum(f.stat().st_size for f in own_files if f.exists())
