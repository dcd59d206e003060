"""Sphinx extension: keep the website offline and private.

Jupyter Book 1 always loads ``sphinx_thebe``, which writes the address of a CDN copy of
thebe into every page (used only when the reader presses a thebe button, which this course
does not have). This extension

* removes sphinx-thebe's script, configuration and stylesheet from every page, and the
  ipywidgets state that myst-nb embeds (useless without the CDN widget manager), and
* after the build, scans every HTML page for resources that a browser would fetch from
  another host (``<script src>``, ``<link href>`` for stylesheets, icons and preloads,
  ``<img>``, ``<iframe>``, ``<source>``, CSS ``url()`` / ``@import``) and reports each one
  as a warning, so that ``jupyter-book build -W`` fails.

Plain links (``<a href="https://...">``, such as the launch buttons) are not requests and are
allowed. Loaded via ``sphinx: local_extensions`` in ``_config.yml``.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
_FETCHING_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
    "apple-touch-icon",
}


def _unwanted(js) -> bool:
    """sphinx-thebe's assets, and myst-nb's embedded widget state (inert without the
    CDN widget manager, which is off: the site shows the kernel-free text/html instead)."""
    filename = getattr(js, "filename", js if isinstance(js, str) else "") or ""
    attributes = getattr(js, "attributes", {}) or {}
    body = attributes.get("body", "") or ""
    if attributes.get("type") == "application/vnd.jupyter.widget-state+json":
        return True
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body or "thebe" in filename


def drop_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's assets and the widget state from the page context."""
    # in place: these are the builder's own lists, restored after every page
    if "script_files" in context:
        context["script_files"][:] = [js for js in context["script_files"] if not _unwanted(js)]
    if "css_files" in context:
        context["css_files"][:] = [
            css
            for css in context["css_files"]
            if "sphinx-thebe" not in (getattr(css, "filename", css) or "")
        ]


class _Fetches(html.parser.HTMLParser):
    """Collect the URLs an HTML page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "track"):
            for key in ("src", "srcset", "poster", "data"):
                if a.get(key):
                    self.urls.append(a[key])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & _FETCHING_LINK_RELS:
                self.urls.append(a.get("href", ""))
        if a.get("style"):
            self.urls.extend(_CSS_URL.findall(a["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls.extend(_CSS_URL.findall(data))


def external_fetches(html_text: str) -> list[str]:
    """URLs on other hosts that loading this HTML would request."""
    p = _Fetches()
    p.feed(html_text)
    p.close()
    out = []
    for url in p.urls:
        for part in url.split(","):  # srcset
            part = part.strip().split(" ")[0]
            if _EXTERNAL.match(part):
                out.append(part)
    return out


def check_output(app: Sphinx, exception) -> None:
    """Warn about every external resource in the built HTML and CSS."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir)
        if rel.parts[0] == "mathjax":
            continue
        for url in external_fetches(page.read_text(encoding="utf-8", errors="replace")):
            logger.warning(
                "[offline] %s would load %s from another host", rel, url, type="wn_offline"
            )
    for css in sorted((outdir / "_static").rglob("*.css")):
        text = re.sub(
            r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S
        )
        for url in _CSS_URL.findall(text):
            logger.warning(
                "[offline] %s would load %s from another host",
                css.relative_to(outdir),
                url,
                type="wn_offline",
            )


def setup(app: Sphinx) -> dict:
    # run after the other html-page-context handlers (mathjax, thebe, ...)
    app.connect("html-page-context", drop_assets, priority=900)
    app.connect("build-finished", check_output)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
