"""Print the whole course to one PDF with Debian's Chromium: ``make pdf``.

Jupyter Book's own ``pdfhtml`` builder downloads a browser of its own (pyppeteer), which
cannot be installed here; this script uses the Chromium the browser tests use:

1. build the course as ONE page with Sphinx's ``singlehtml`` builder
   (``jupyter-book build . --builder singlehtml`` into ``_build/singlehtml``; it shares the
   execution cache and the doctrees of ``make book``, so nothing is re-executed);
2. serve it on 127.0.0.1 and open it in headless Chromium (Playwright): wait until MathJax
   has typeset every equation and every image (interactive figures show their default frame;
   print CSS in ``_static/course.css`` hides the sliders and the site's navigation), start
   each page of the course on a new sheet and put a table of contents first;
3. print it once (``page.pdf``: A4, "n / N" in the footer, PDF bookmarks from the
   headings, links) with placeholder page numbers in the contents, read the page on which
   each entry starts from the bookmarks (pypdf), write the numbers into the contents and
   print ONLY the contents (the rest hidden; its footer says "n / N" with the draft's N);
   the contents pages' drawing (content stream and resources) then replaces that of the
   draft's first pages, in an incremental update appended to the draft (``put_contents``).
   The page objects stay, so the bookmarks, links, named destinations and the tagged
   structure of the draft stay valid. Every page number sits in a box of fixed width, so
   the contents lay out the same with any digits; the run stops with an error if the
   contents take a different number of pages in the two prints, or if a contents page's
   size, links (destination and rectangle) or marked-content tags differ.
   (Before: a second full print with the real numbers, ~25 s more.)

Writes ``_build/pdf/course.pdf`` and a copy at ``_build/html/course.pdf`` (linked from the
intro page) when the website is built. Prints the page count, size and time.
Tested by ``tests/test_pdf.py``.

Usage: ``python tools/wn_pdf.py [--no-build] [--source DIR] [--site DIR] [--out PATH] [--keep]``
(``--source``: another buildable copy of the book; not yet used for the student edition,
whose staged source lacks ``tools/`` and ``_vendor/``).
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf" / "course.pdf"
SITE_COPY = ROOT / "_build" / "html" / "course.pdf"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

FOOTER = (
    '<div style="font-size:8px;font-family:sans-serif;color:#444;width:100%;'
    'text-align:center;"><span class="pageNumber"></span> / <span class="totalPages"></span>'
    "</div>"
)

# Runs in the page before printing: every image loads now (not lazily), each document of
# the course starts a new sheet, and a table of contents (one line per document, its
# sections indented) goes first. Returns the entries: [document id, level, title].
PREPARE = r"""
() => {
  document.documentElement.dataset.theme = "light";
  document.querySelectorAll("img").forEach(img => { img.loading = "eager"; });
  // hints, solutions and other dropdowns print open (sphinx-togglebutton opens them on
  // window.print's beforeprint, which page.pdf does not fire)
  window.dispatchEvent(new Event("beforeprint"));
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
  // the theme prints its own title and page outline (.onlyprint) and hides the page's h1;
  // the PDF has its own contents, and every document keeps its title
  const style = document.createElement("style");
  style.textContent = ".onlyprint{display:none !important}"
    + " .bd-main .bd-content .bd-article h1:first-of-type{display:block !important}";
  document.head.appendChild(style);
  const main = document.querySelector("article.bd-article") || document.querySelector("main");
  const title = h => h.textContent.replace(/[#\u00b6]\s*$/, "").trim();
  const entries = [];
  // the contents link to the headings: section ids repeat across documents in one page
  // ("summary", "exercises" in every chapter) and a link goes to the first of them, so a
  // heading without an id of its own, or with a repeated one, gets "wn-toc-<k>"
  const seen = {};
  document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  const anchor = h => {
    if (!h.id || seen[h.id] > 1) h.id = "wn-toc-" + entries.length;
    return h.id;
  };
  const add = (section, level) => {
    const head = section.querySelector(":scope > h1, :scope > h2");
    if (!head || !section.id) return;
    entries.push([anchor(head), level, title(head)]);
    section.querySelectorAll(":scope > section").forEach(sub => {
      const h = sub.querySelector(":scope > h2, :scope > h3");
      if (h && sub.id) entries.push([anchor(h), 2, title(h)]);
    });
  };
  const first = main.querySelector("section");
  if (first) add(first, 1);
  main.querySelectorAll('span[id^="document-"]').forEach(span => {
    const section = span.nextElementSibling;
    if (!section || section.tagName !== "SECTION") return;
    section.classList.add("wn-print-chapter");
    add(section, 1);
  });
  return entries;
}
"""


def _start_page(single: Path = SINGLE) -> str:
    """The singlehtml page (Jupyter Book's index.html only redirects to the root page)."""
    index = (single / "index.html").read_text(encoding="utf-8")
    m = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index, re.I)
    return m.group(1) if m else "index.html"


def build_single(source: Path = ROOT, quiet: bool = True) -> Path:
    """The whole course as one HTML page in ``<source>/_build/singlehtml``; returns that folder."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(source), "--builder", "singlehtml", "--keep-going"]
    if quiet:
        cmd.append("-q")
    subprocess.run(cmd, check=True, cwd=source)
    single = source / "_build" / "singlehtml"
    if not (single / "index.html").is_file():
        raise SystemExit(f"no {single / 'index.html'} after the singlehtml build")
    return single


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def toc_html(entries: list, pages: list[int | None] | None) -> str:
    """The table of contents: one line per document and section, with its page number.

    ``pages=None`` writes the placeholder "000" everywhere. The number sits in a box of fixed
    width (``flex: 0 0 2.2em``, room for three digits of DejaVu Sans Bold; no wrapping), so
    the contents' layout, hence every page break after it, is the same whatever the digits.
    """
    rows = []
    for k, (anchor, level, title) in enumerate(entries):
        page = ("" if pages[k] is None else str(pages[k])) if pages else "000"
        rows.append(
            f'<li class="wn-toc-{level}"><a href="#{html.escape(anchor, quote=True)}">'
            f"{html.escape(title)}</a><span>{page}</span></li>"
        )
    style = (
        "<style>.wn-print-toc{break-after:page;font-family:sans-serif}"
        ".wn-print-toc ol{list-style:none;padding:0}"
        ".wn-print-toc li{display:flex;justify-content:space-between;gap:0.7em;"
        "border-bottom:1px dotted #999;margin:0.25em 0}"
        ".wn-print-toc .wn-toc-1{font-weight:600;margin-top:0.8em}"
        ".wn-print-toc .wn-toc-2{padding-left:1.5em;font-size:0.92em}"
        ".wn-print-toc a{color:#000;text-decoration:none}"
        ".wn-print-toc li>span{flex:0 0 2.2em;text-align:right;white-space:nowrap;"
        "font-variant-numeric:tabular-nums}"
        "body.wn-toc-only .bd-article > :not(.wn-print-toc){display:none !important}</style>"
    )
    return (
        f'<nav class="wn-print-toc" aria-label="Table of contents">{style}'
        f"<h1>Contents</h1><ol>{''.join(rows)}</ol></nav>"
    )


def _norm(text: str) -> str:
    # NFKC: the PDF's text has ligatures ("ﬂ" for "fl")
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def chapter_pages(pdf: Path, entries: list) -> list[int | None]:
    """The 1-based page of each entry, from the PDF's bookmarks (Chromium makes one per
    heading, in document order, pointing at the heading's page).

    Bookmark titles lose the math and gain line joins, so an entry matches the next
    bookmark (in order: repeated titles like "Summary" resolve by position) whose
    normalized title starts like the entry's.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    marks: list[tuple[str, int]] = []

    def flat(items: list) -> None:
        for o in items:
            if isinstance(o, list):
                flat(o)
            else:
                marks.append((_norm(o.title), reader.get_destination_page_number(o) + 1))

    flat(reader.outline)
    pages: list[int | None] = []
    at = 0
    for _anchor, _level, title in entries:
        key = _norm(title)[:12]
        found = next(
            (k for k in range(at, len(marks)) if key and marks[k][0].startswith(key)), None
        )
        if found is None:
            pages.append(None)
        else:
            pages.append(marks[found][1])
            at = found + 1
    return pages


def _print(page, path: Path, total: int | None = None) -> None:
    """``page.pdf`` to ``path``; the footer says "n / N", with N = ``total`` when given
    (the contents-only print numbers its pages as the whole course does)."""
    footer = FOOTER if total is None else FOOTER.replace(
        '<span class="totalPages"></span>', str(total))
    page.pdf(
        path=str(path),
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template="<div></div>",
        footer_template=footer,
        margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
        outline=True,
        tagged=True,
    )


def _links(page) -> list[tuple[str, tuple[float, ...]]]:
    """The link annotations of a pypdf page: (destination, rectangle rounded to 0.01 pt)."""
    out = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") == "/Link":
            dest = annot.get("/Dest", annot.get("/A", {}).get("/URI", ""))
            out.append((str(dest), tuple(round(float(x), 2) for x in annot["/Rect"])))
    return out


def _marked_content(page) -> list[bytes]:
    """The marked-content tags (``/P <</MCID 3>> BDC``) of a page's content stream, in order:
    what ties the page to the tagged PDF's structure tree."""
    tag = rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC"
    return re.findall(tag, page.get_contents().get_data())


def _copy_renumbered(obj, ids: dict[int, int], first: int, order: list):
    """A copy of a pypdf object from another file whose indirect references are renumbered
    from ``first`` on (``ids`` maps old to new numbers; newly met objects join ``order``)."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        StreamObject,
    )

    if isinstance(obj, IndirectObject):
        if obj.idnum not in ids:
            ids[obj.idnum] = first + len(ids)
            order.append(obj)
        return IndirectObject(ids[obj.idnum], 0, None)
    if isinstance(obj, StreamObject):
        filters = obj.get("/Filter")
        if filters not in (None, "/FlateDecode", ["/FlateDecode"]):
            raise SystemExit(f"contents print: a stream with filter {filters} (expected Flate)")
        plain = DecodedStreamObject()
        for key, value in dict.items(obj):
            if key not in ("/Filter", "/DecodeParms", "/Length"):
                plain[NameObject(key)] = _copy_renumbered(value, ids, first, order)
        plain.set_data(obj.get_data())
        return plain.flate_encode()
    if isinstance(obj, DictionaryObject):
        if obj.get("/Type") in ("/Page", "/Pages", "/Catalog"):
            raise SystemExit("contents print: page resources lead back to the page tree")
        return DictionaryObject({NameObject(k): _copy_renumbered(v, ids, first, order)
                                 for k, v in dict.items(obj)})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_copy_renumbered(v, ids, first, order) for v in list.__iter__(obj))
    return obj


def put_contents(draft: Path, contents: Path, out: Path) -> int:
    """Write ``out``: ``draft`` whose first pages are drawn as the pages of ``contents``.

    Only each page's drawing (``/Contents`` and ``/Resources``, with the fonts they use) is
    replaced; the page objects stay, so everything that points at them (bookmarks, named
    destinations, the tagged structure) and what they hold (link annotations,
    ``/StructParents``) stay the draft's. That is right only if the contents lay out the
    same in both prints: the page size, the links (destinations and rectangles) and the
    marked-content tags of each replaced page must match, or this stops with an error naming
    the page. ``out`` is the draft's bytes followed by an incremental update (PDF 1.7,
    section 7.5.6) holding the new objects, the changed pages and a cross-reference section
    for them (pypdf's own writer re-reads all 74,000 objects of the course: 5-10 s).
    Returns the number of pages replaced.
    """
    import io

    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    data = draft.read_bytes()
    prev = re.findall(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-64:])
    if not prev or not re.match(rb"xref\s+0 \d+\s+0000000000 65535 f", data[int(prev[0]):][:40]):
        raise SystemExit(f"{draft}: no classic cross-reference table to update")
    base, new_reader = PdfReader(io.BytesIO(data)), PdfReader(str(contents))
    if len(new_reader.pages) >= len(base.pages):
        raise SystemExit(f"{contents}: {len(new_reader.pages)} contents pages, the draft has "
                         f"only {len(base.pages)}")
    first = int(base.trailer["/Size"])
    ids: dict[int, int] = {}
    order: list = []
    changed: dict[int, tuple[int, object]] = {}
    for i, new in enumerate(new_reader.pages):
        old = base.pages[i]
        problems = []
        if [float(x) for x in new.mediabox] != [float(x) for x in old.mediabox]:
            problems.append(f"page size {list(new.mediabox)} != {list(old.mediabox)}")
        if _links(new) != _links(old):
            problems.append(f"links {_links(new)[:3]}... != {_links(old)[:3]}...")
        if _marked_content(new) != _marked_content(old):
            problems.append("marked-content tags differ")
        if problems:
            raise SystemExit(f"contents page {i + 1} is not laid out as in the draft: "
                             + "; ".join(problems))
        page = DictionaryObject(dict.items(old))
        for key in ("/Contents", "/Resources"):
            page[NameObject(key)] = _copy_renumbered(new.raw_get(key), ids, first, order)
        ref = old.indirect_reference
        changed[ref.idnum] = (ref.generation, page)
    k = 0
    while k < len(order):  # the objects the new drawings use, and those these use, ...
        ref = order[k]
        changed[ids[ref.idnum]] = (0, _copy_renumbered(ref.get_object(), ids, first, order))
        k += 1
    update = io.BytesIO()
    offsets: dict[int, int] = {}
    start = len(data) + (0 if data.endswith(b"\n") else 1)
    for num, (gen, obj) in sorted(changed.items()):
        offsets[num] = start + update.tell()
        update.write(f"{num} {gen} obj\n".encode())
        obj.write_to_stream(update)
        update.write(b"\nendobj\n")
    xref = start + update.tell()
    # the head of the free list first, as in the draft (readers expect sections from 0)
    update.write(b"xref\n0 1\n0000000000 65535 f \n")
    runs: list[list[int]] = []  # subsections of consecutive object numbers
    for num in sorted(changed):
        if runs and num == runs[-1][-1] + 1:
            runs[-1].append(num)
        else:
            runs.append([num])
    for run in runs:
        update.write(f"{run[0]} {len(run)}\n".encode())
        for num in run:
            update.write(f"{offsets[num]:010d} {changed[num][0]:05d} n \n".encode())
    trailer = DictionaryObject({NameObject(k): v for k, v in dict.items(base.trailer)
                                if k in ("/Root", "/Info", "/ID")})
    trailer[NameObject("/Size")] = NumberObject(first + len(ids))
    trailer[NameObject("/Prev")] = NumberObject(int(prev[0]))
    update.write(b"trailer\n")
    trailer.write_to_stream(update)
    update.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    with out.open("wb") as f:
        f.write(data if data.endswith(b"\n") else data + b"\n")
        f.write(update.getvalue())
    return len(new_reader.pages)


def print_pdf(out: Path = OUT, single: Path = SINGLE, keep: bool = False) -> dict:
    """Print the singlehtml course in ``single`` to ``out``; return page count, size and times.

    ``keep``: leave the two prints (``*.draft.pdf``, ``*.contents.pdf``) next to ``out``.
    """
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found: run `make browser`")
    t0 = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str) -> None:
        steps[name] = time.perf_counter() - t0 - sum(steps.values())

    out.parent.mkdir(parents=True, exist_ok=True)
    draft = out.with_suffix(".draft.pdf")
    contents = out.with_suffix(".contents.pdf")
    server, base = _serve(single)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            context = browser.new_context(viewport={"width": 1000, "height": 1400})
            page = context.new_page()
            page.goto(f"{base}/{_start_page(single)}", wait_until="networkidle", timeout=300_000)
            page.wait_for_function(
                "() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true"
                " : MathJax.startup.promise.then(() => true)",
                timeout=300_000,
            )
            if page.locator("mjx-merror").count():
                raise SystemExit("MathJax reported a TeX error in the printed course")
            entries = page.evaluate(PREPARE)
            if not entries:
                raise SystemExit("no chapter found in the singlehtml page")
            page.evaluate(
                "html => { const main = document.querySelector('article.bd-article')"
                " || document.querySelector('main');"
                " main.insertAdjacentHTML('afterbegin', html); }",
                toc_html(entries, None),
            )
            page.wait_for_function(
                "() => Array.from(document.images).every(i => i.complete)", timeout=300_000
            )
            broken = page.evaluate(
                "() => Array.from(document.images).filter(i => i.naturalWidth === 0)"
                ".map(i => i.src)"
            )
            if broken:
                raise SystemExit(f"images that did not load: {broken[:5]}")
            step("load")
            _print(page, draft)
            step("draft print")
            n_pages = len(PdfReader(str(draft)).pages)
            pages = chapter_pages(draft, entries)
            if pages[0] is None:
                raise SystemExit(f"the first contents entry {entries[0][2]!r} has no bookmark")
            toc_pages = pages[0] - 1  # the contents end with a page break
            page.evaluate(
                "html => { document.querySelector('.wn-print-toc').outerHTML = html; }",
                toc_html(entries, pages),
            )
            page.evaluate("() => document.body.classList.add('wn-toc-only')")
            _print(page, contents, total=n_pages)
            step("contents print")
            browser.close()
        n_contents = len(PdfReader(str(contents)).pages)
        if n_contents != toc_pages:
            raise SystemExit(
                f"the contents take {n_contents} pages with their page numbers but {toc_pages} "
                f"in the draft (its first entry starts on page {pages[0]}): the contents' "
                "layout changed between the prints"
            )
        put_contents(draft, contents, out)
        step("merge")
    finally:
        server.shutdown()
        server.server_close()
        if not keep:
            draft.unlink(missing_ok=True)
            contents.unlink(missing_ok=True)
    n_out = len(PdfReader(str(out)).pages)
    if n_out != n_pages:
        raise SystemExit(f"{out}: {n_out} pages, the draft had {n_pages}")
    return {"pages": n_out, "bytes": out.stat().st_size, "seconds": time.perf_counter() - t0,
            "steps": steps,
            "chapters": sum(1 for e in entries if e[1] == 1), "toc_pages": toc_pages,
            "unpaged": [e[2] for e, pg in zip(entries, pages, strict=True) if pg is None]}


def _html_handlers_for_singlehtml(app) -> None:
    """Let the ``singlehtml`` builder render what extensions taught the ``html`` builder.

    Sphinx looks up node visitors by builder name and falls back to the format ("html")
    only when NO handler is registered under the name; one extension registering a
    ``singlehtml`` handler hides sphinx-proof's html-only ``unenumerable_node`` visitors,
    and the build stops ("unknown node type"). The html handlers are copied under
    ``singlehtml`` (those already there win).
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, pair in handlers.get("html", {}).items():
        single.setdefault(node, pair)


def setup(app) -> dict:
    """Sphinx extension part (``local_extensions`` in ``_config.yml``): see above."""
    app.connect("builder-inited", _html_handlers_for_singlehtml)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true",
                        help="print the existing singlehtml build (no Sphinx build)")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the book's folder (default: this repository)")
    parser.add_argument("--site", type=Path, default=SITE_COPY.parent,
                        help="the website that gets a copy as course.pdf (if it exists)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--keep", action="store_true",
                        help="keep the two prints merged into --out (*.draft.pdf, *.contents.pdf)")
    args = parser.parse_args(argv)
    source, out = args.source.resolve(), args.out.resolve()
    t0 = time.perf_counter()
    single = source / "_build" / "singlehtml"
    if not args.no_build:
        single = build_single(source)
    t_build = time.perf_counter() - t0
    info = print_pdf(out, single, keep=args.keep)
    copy = args.site.resolve() / "course.pdf"
    if copy.parent.is_dir():
        shutil.copyfile(out, copy)
    print(
        f"{out}: {info['pages']} pages ({info['toc_pages']} of contents), "
        f"{info['bytes'] / 1e6:.2f} MB, {info['chapters']} documents; "
        f"singlehtml build {t_build:.0f} s, printing {info['seconds']:.0f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in info["steps"].items()) + ")"
        + (f"; copied to {copy}" if copy.is_file() else "")
    )
    if info["unpaged"]:
        print(f"contents entries without a page number: {info['unpaged']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
