"""The printed course: ``_build/pdf/course.pdf`` written by ``make pdf`` (tools/wn_pdf.py).

Read with pypdf: a sane page count; a table of contents first, listing every chapter with the
page it starts on, and that page really starts the chapter; each chapter's title (the
``<h1>`` of its website page) and a theorem's statement (a math-free run of words from the
website's Theorem 3.2 box) in the text; no raw TeX left (MathJax typeset everything); page
numbers in the footers; images on the pages (at least as many as distinct figure files the
chapters show); PDF bookmarks; the website's copy is the same file and the intro links it.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, SITE, missing

pytestmark = [pytest.mark.site, pytest.mark.browser]

PDF = ROOT / "_build" / "pdf" / "course.pdf"


def _norm(text: str) -> str:
    # NFKC: the PDF's text has ligatures ("ﬂ" for "fl")
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def _plain(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.fixture(scope="module")
def reader(pytestconfig, site_dir):
    if not PDF.is_file():
        missing(pytestconfig, f"no {PDF}: run `make pdf`")
    from pypdf import PdfReader

    return PdfReader(str(PDF))


@pytest.fixture(scope="module")
def texts(reader) -> list[str]:
    return [p.extract_text() or "" for p in reader.pages]


def _chapter_titles() -> dict[str, str]:
    titles = {}
    for page in sorted((SITE / "chapters").glob("*.html")):
        m = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        assert m, f"no <h1> in {page}"
        titles[page.stem] = _plain(m.group(1)).replace("#", "").strip()
    return titles


def test_page_count(reader):
    n = len(reader.pages)
    n_chapters = len(list((SITE / "chapters").glob("*.html")))
    assert n_chapters >= 5
    assert 8 * n_chapters <= n <= 80 * n_chapters, f"{n} pages for {n_chapters} chapters"


def test_contents_lists_chapters_with_their_pages(texts):
    first = next((i for i, t in enumerate(texts[:4]) if t.lstrip().startswith("Contents")), None)
    assert first is not None, "no table of contents on the first pages"
    contents = "\n".join(texts[first:first + 4])  # the contents may take a few pages
    for stem, title in _chapter_titles().items():
        key = _norm(title)[:30]
        lines = [ln for ln in contents.splitlines() if _norm(ln).startswith(key)]
        assert lines, f"{stem}: '{title}' is not in the contents"
        number = re.search(r"(\d+)\s*$", lines[0])
        assert number, f"{stem}: no page number after its contents line {lines[0]!r}"
        start = int(number.group(1))
        assert first + 1 < start <= len(texts)
        assert key in _norm(texts[start - 1]), f"{stem} does not start on page {start}"


def test_chapter_titles_and_a_theorem_in_text(texts):
    whole = _norm(" ".join(texts))
    for stem, title in _chapter_titles().items():
        assert _norm(title) in whole, f"chapter title missing from the PDF: {title!r} ({stem})"
    page = (SITE / "chapters" / "04_orthogonal.html").read_text(encoding="utf-8")
    box = re.search(r'class="proof theorem.*?<section class="theorem-content"[^>]*>(.*?)</section>',
                    page, re.S)
    assert box, "no theorem box on the chapter 4 page"
    first_par = re.search(r"<p>(.*?)</p>", box.group(1), re.S).group(1)
    runs = [_plain(r) for r in re.split(r'<span class="math[^"]*">.*?</span>', first_par)]
    phrase = max(runs, key=lambda r: len(r.split()))
    assert len(phrase.split()) >= 5, phrase
    assert _norm(phrase) in whole, f"the theorem's words {phrase!r} are not in the PDF"


def test_math_typeset_no_raw_tex(texts):
    raw = [i + 1 for i, t in enumerate(texts) if re.search(r"\\\(|\\\[|\\frac|\\mathbb", t)]
    assert not raw, f"raw TeX on pages {raw[:10]}"


def test_page_numbers_in_footer(texts):
    n = len(texts)
    for k in (2, n // 2, n):
        assert re.search(rf"\b{k}\s*/\s*{n}\b", texts[k - 1]), f"no '{k} / {n}' on page {k}"


def test_images_present(reader):
    n_pdf = sum(len(p.images) for p in reader.pages)
    figures = set()
    for page in (SITE / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        figures |= set(re.findall(r'<img[^>]*class="wn-frame"[^>]*src="([^"]+)"', text))
        figures |= set(re.findall(r'<img[^>]*src="(\.\./_images/[^/"]+\.png)"', text))
    assert len(figures) >= 10
    assert n_pdf >= len(figures), f"{n_pdf} images in the PDF, {len(figures)} figures on the site"


def test_bookmarks(reader):
    def flat(items):
        for o in items:
            yield from flat(o) if isinstance(o, list) else [getattr(o, "title", "")]

    titles = [_norm(t) for t in flat(reader.outline)]
    for stem, title in _chapter_titles().items():
        assert _norm(title) in titles, f"no PDF bookmark for {title!r} ({stem})"


def test_site_offers_the_pdf(site_dir: Path):
    copy = site_dir / "course.pdf"
    assert copy.is_file(), "no course.pdf in the website: run `make pdf` after `make book`"
    assert copy.read_bytes() == PDF.read_bytes()
    intro = (site_dir / "intro.html").read_text(encoding="utf-8")
    assert 'href="course.pdf"' in intro, "the intro page does not link the PDF"
