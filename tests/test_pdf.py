"""The printed course: ``_build/pdf/course.pdf`` written by ``make pdf`` (tools/wn_pdf.py).

Read with pypdf: a sane page count; a table of contents first, listing every chapter with the
page it starts on, and that page really starts the chapter; each link of the contents leads
to the page printed beside it; each chapter's title (the ``<h1>`` of its website page) on
its first page and a theorem's statement (a math-free run of words from the website's
Theorem 3.2 box) in chapter 4's pages; no raw TeX left on any page (MathJax typeset
everything); "n / N" in the footer of every page; images on the pages (at least as many
as distinct figure files the chapters show); PDF bookmarks; the website's copy is the same
file and the intro links it.

Cost: pypdf's text extraction is ~60 ms a page (content-stream parsing), so each page's text
is extracted at most once, when a test first needs it (``Texts``); the no-raw-TeX and footer
tests need every page. All tests share one xdist worker (``xdist_group("pdf")``, run with
``--dist loadgroup``), so that happens once per run, not once per worker.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, SITE, missing

pytestmark = [pytest.mark.site, pytest.mark.browser, pytest.mark.xdist_group("pdf")]

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


class Texts:
    """The text of each page (pypdf ``extract_text``), extracted once, when first asked for:
    ``texts[i]`` (0-based), ``texts[a:b]``, ``len(texts)``."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self._text: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.reader.pages)

    def __getitem__(self, key: int | slice) -> str | list[str]:
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        if key < 0:
            key += len(self)
        if key not in self._text:
            self._text[key] = self.reader.pages[key].extract_text() or ""
        return self._text[key]


@pytest.fixture(scope="module")
def texts(reader) -> Texts:
    return Texts(reader)


def _outline(reader) -> list[tuple[str, int]]:
    """The bookmarks in order: (title, 1-based page)."""
    out = []

    def flat(items) -> None:
        for o in items:
            if isinstance(o, list):
                flat(o)
            else:
                out.append((getattr(o, "title", ""), reader.get_destination_page_number(o) + 1))

    flat(reader.outline)
    return out


def _contents_first(texts: Texts) -> int:
    """The 0-based index of the first contents page (one of the first four)."""
    first = next((i for i in range(4) if texts[i].lstrip().startswith("Contents")), None)
    assert first is not None, "no table of contents on the first pages"
    return first


def _chapter_starts(texts: Texts) -> dict[str, int]:
    """Each chapter's first page (1-based) as the contents print it; asserts it is there."""
    first = _contents_first(texts)
    contents = "\n".join(texts[first:first + 4])  # the contents may take a few pages
    starts = {}
    for stem, title in _chapter_titles().items():
        key = _norm(title)[:30]
        lines = [ln for ln in contents.splitlines() if _norm(ln).startswith(key)]
        assert lines, f"{stem}: '{title}' is not in the contents"
        number = re.search(r"(\d+)\s*$", lines[0])
        assert number, f"{stem}: no page number after its contents line {lines[0]!r}"
        starts[stem] = int(number.group(1))
        assert first + 1 < starts[stem] <= len(texts)
    return starts


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
    starts = _chapter_starts(texts)
    for stem, title in _chapter_titles().items():
        key = _norm(title)[:30]
        page = starts[stem]
        assert key in _norm(texts[page - 1]), f"{stem} does not start on page {page}"


def test_contents_links_lead_to_their_pages(reader, texts):
    """Every link of the contents pages resolves (a named destination of the PDF) to the page
    the contents print on its line (the number right of the link, on the same baseline
    band), and every numbered line has its link."""
    first = _contents_first(texts)
    # the contents end where the first document starts: the first bookmark after "Contents"
    after = [page for title, page in _outline(reader) if _norm(title) != "contents"]
    n_contents = min(after) - 1
    assert 1 <= n_contents - first <= 4, f"contents pages {first + 1}-{n_contents}?"
    _chapter_starts(texts)  # the contents list every chapter with a number
    dests = reader.named_destinations
    checked = numbers = 0
    for i in range(first, n_contents):
        page = reader.pages[i]
        frags: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, frags=frags):
            if text.strip():  # the text origin in user space
                frags.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                              tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        right = float(page.mediabox.width) / 2  # the numbers stand in the right half
        numbers += sum(1 for x, _y, t in frags if t.isdigit() and x > right)
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = str(annot.get("/Dest", ""))
            assert dest in dests, f"contents page {i + 1}: link to {dest!r}, no such destination"
            target = reader.get_destination_page_number(dests[dest]) + 1
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            beside = [t for x, y, t in frags if x > x1 and y0 <= y <= y1 and t.isdigit()]
            assert len(beside) == 1, f"contents page {i + 1}: no page number beside {dest!r}"
            assert int(beside[0]) == target, (
                f"contents page {i + 1}: {dest!r} printed as page {beside[0]}, links to {target}")
            checked += 1
    assert checked >= len(_chapter_titles()), f"only {checked} links in the contents"
    assert checked == numbers, f"{numbers} page numbers in the contents, {checked} links"


def test_chapter_titles_and_a_theorem_in_text(texts):
    """Each chapter's whole title on its first page; the theorem's words in chapter 4's pages
    (from its first page to the next chapter's): both where they belong, so no whole-PDF
    text is needed."""
    starts = _chapter_starts(texts)
    for stem, title in _chapter_titles().items():
        page = starts[stem]
        assert _norm(title) in _norm(texts[page - 1]), (
            f"chapter title missing from its first page {page}: {title!r} ({stem})")
    ch4 = starts["04_orthogonal"]
    end = min([p for p in starts.values() if p > ch4], default=len(texts) + 1)
    whole = _norm(" ".join(texts[ch4 - 1:end - 1]))
    page = (SITE / "chapters" / "04_orthogonal.html").read_text(encoding="utf-8")
    box = re.search(r'class="proof theorem.*?<section class="theorem-content"[^>]*>(.*?)</section>',
                    page, re.S)
    assert box, "no theorem box on the chapter 4 page"
    first_par = re.search(r"<p>(.*?)</p>", box.group(1), re.S).group(1)
    runs = [_plain(r) for r in re.split(r'<span class="math[^"]*">.*?</span>', first_par)]
    phrase = max(runs, key=lambda r: len(r.split()))
    assert len(phrase.split()) >= 5, phrase
    assert _norm(phrase) in whole, (
        f"the theorem's words {phrase!r} are not on chapter 4's pages {ch4}-{end - 1}")


def test_math_typeset_no_raw_tex(texts):
    raw = [i + 1 for i, t in enumerate(texts[:]) if re.search(r"\\\(|\\\[|\\frac|\\mathbb", t)]
    assert not raw, f"raw TeX on pages {raw[:10]}"


def test_page_numbers_in_footer(texts):
    """'k / N' on every page k, the contents pages too (they are printed on their own)."""
    n = len(texts)
    bad = [k for k in range(1, n + 1) if not re.search(rf"\b{k}\s*/\s*{n}\b", texts[k - 1])]
    assert not bad, f"no 'k / {n}' footer on pages {bad[:10]}"


def _image_xobjects(resources, seen: set) -> int:
    """How many image XObjects a page's (or a form's) resources draw, forms' own included;
    read from the dictionaries, no image decoded (pypdf's ``page.images`` decodes each, and
    also lists inline images, which Chromium's PDF output does not use)."""
    count = 0
    for ref in (resources.get("/XObject") or {}).values():
        xobj = ref.get_object()
        if xobj.get("/Subtype") == "/Image":
            count += 1
        elif xobj.get("/Subtype") == "/Form" and getattr(ref, "idnum", None) not in seen:
            seen.add(getattr(ref, "idnum", None))
            count += _image_xobjects(xobj.get("/Resources") or {}, seen)
    return count


def test_images_present(reader):
    n_pdf = sum(_image_xobjects(p.get("/Resources") or {}, set()) for p in reader.pages)
    figures = set()
    for page in (SITE / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        figures |= set(re.findall(r'<img[^>]*class="wn-frame"[^>]*src="([^"]+)"', text))
        figures |= set(re.findall(r'<img[^>]*src="(\.\./_images/[^/"]+\.png)"', text))
    assert len(figures) >= 10
    assert n_pdf >= len(figures), f"{n_pdf} images in the PDF, {len(figures)} figures on the site"


def test_bookmarks(reader):
    titles = [_norm(t) for t, _page in _outline(reader)]
    for stem, title in _chapter_titles().items():
        assert _norm(title) in titles, f"no PDF bookmark for {title!r} ({stem})"


def test_site_offers_the_pdf(site_dir: Path):
    copy = site_dir / "course.pdf"
    assert copy.is_file(), "no course.pdf in the website: run `make pdf` after `make book`"
    assert copy.read_bytes() == PDF.read_bytes()
    intro = (site_dir / "intro.html").read_text(encoding="utf-8")
    assert 'href="course.pdf"' in intro, "the intro page does not link the PDF"
