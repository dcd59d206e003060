"""Static checks of the built website: internal links and anchors resolve, and no page
loads anything from another host (the same check ``tools/wn_offline.py`` runs in the build)."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from wn_offline import external_fetches

SKIP_DIRS = ("mathjax", "_static", "_sources")


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def _html_pages(site: Path) -> list[Path]:
    return [
        p for p in sorted(site.rglob("*.html")) if p.relative_to(site).parts[0] not in SKIP_DIRS
    ]


def _link_problems(site_dir: Path) -> tuple[int, list[str]]:
    parsed = {p: _parse(p) for p in _html_pages(site_dir)}
    problems = []
    n_checked = 0
    for page, info in parsed.items():
        for link in info.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue  # external links (launch buttons, repository) and data: URIs
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            rel = page.relative_to(site_dir)
            if not target.exists():
                problems.append(f"{rel}: {link} -> missing file")
                continue
            if not target.resolve().is_relative_to(site_dir.resolve()):
                problems.append(f"{rel}: {link} -> outside the site")
                continue
            n_checked += 1
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if frag not in ids:
                    problems.append(f"{rel}: {link} -> no anchor #{frag}")
    return n_checked, problems


def _external(site_dir: Path) -> list[str]:
    return [
        f"{page.relative_to(site_dir)}: {url}"
        for page in _html_pages(site_dir)
        for url in external_fetches(page.read_text(encoding="utf-8"))
    ]


@pytest.mark.site
def test_internal_links_and_anchors_resolve(site_dir):
    n_checked, problems = _link_problems(site_dir)
    assert n_checked > 0
    assert not problems, "\n".join(problems)


@pytest.mark.site
def test_no_page_loads_from_another_host(site_dir):
    problems = _external(site_dir)
    assert not problems, "\n".join(problems)


@pytest.mark.editions
def test_student_site_links_and_offline(student_dir):
    html = student_dir / "html"
    n_checked, problems = _link_problems(html)
    assert n_checked > 0
    assert not problems + _external(html), "\n".join(problems + _external(html))


@pytest.mark.site
def test_mathjax_is_served_locally(site_dir):
    assert (site_dir / "mathjax" / "tex-mml-chtml.js").is_file()
    assert (site_dir / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_external_fetch_detector_detects():
    """The offline check itself can fail."""
    page = (
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
        '<img src="http://example.org/a.png" alt="a">'
        '<style>@import "https://example.org/b.css";</style>'
        '<a href="https://colab.research.google.com/">a link is not a request</a>'
        '<script src="_static/local.js"></script>'
    )
    assert external_fetches(page) == [
        "https://cdn.example.org/x.js",
        "//fonts.example.org/f.css",
        "http://example.org/a.png",
        "https://example.org/b.css",
    ]


def stray_dollars(page_html: str) -> list[str]:
    """Snippets of page text with a ``$`` outside code and math: math MyST failed to parse.

    MyST turns ``$...$`` and ``$$...$$`` into math elements; a dollar sign left in the prose
    means a formula is shown raw (e.g. ``$$`` not on lines of its own).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    for tag in soup(["script", "style", "pre", "code", "textarea"]):
        tag.decompose()
    for tag in soup.select(".math, .cell_output, .output"):
        tag.decompose()
    main = soup.select_one("main") or soup
    text = " ".join(main.get_text(" ").split())
    return [text[max(0, i - 40): i + 40] for i, ch in enumerate(text) if ch == "$"]


# a dollar sign in a page's text comes from one of these in its HTML
DOLLAR = re.compile(r"\$|&#0*36(?!\d)|&#x0*24(?![0-9a-f])|&dollar;", re.IGNORECASE)


@pytest.mark.site
def test_no_unrendered_math(site_dir):
    """No page shows raw ``$``; only pages whose HTML has a dollar sign at all are parsed."""
    texts = {p: p.read_text(encoding="utf-8") for p in _html_pages(site_dir)}
    problems = {
        str(p.relative_to(site_dir)): hits
        for p, text in texts.items()
        if DOLLAR.search(text) and (hits := stray_dollars(text))
    }
    assert not problems, f"raw $ (unparsed math) in page text: {problems}"


def test_stray_dollar_detector_detects():
    good = '<main><p>a <span class="math">\\(x\\)</span></p><pre>$ make</pre></main>'
    bad = "<main><p>a curve of $ $ K(\\theta)$ end</p></main>"
    assert stray_dollars(good) == []
    assert len(stray_dollars(bad)) == 3
    # the pre-filter of test_no_unrendered_math sees every way HTML can spell a dollar
    for spelled in ("$", "&#36;", "&#036;", "&#36", "&#x24;", "&#X24;", "&dollar;"):
        page = f"<main><p>costs {spelled} 5</p></main>"
        assert DOLLAR.search(page) and stray_dollars(page), spelled
