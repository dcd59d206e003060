"""The leak check: is any line of any solution in a student artifact?

Solution lines are the non-trivial lines of the removed content (markdown, code, outputs)
that do not also occur in the public part of the book; artifacts are searched in a
normalised form (lower-case alphanumerics), robust to HTML escaping, highlighting and JSON.
"""

from __future__ import annotations

import html.parser
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .sources import BUILD, ROOT, executed_notebook, source_notebooks, source_pages
from .strip import source_of, split_notebook, strip_markdown

# Lines that carry no solution content (fences, directive options)
_TRIVIAL = re.compile(r"^\s*(`{3,}|:{3,}|:[a-z-]+:)")
# Minimum length of a normalised solution line to be searched for
MIN_CHARS = 12
# Long base64 runs (embedded images, interactive frames) are not text
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{200,}")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower-case alphanumerics only: robust to HTML escaping, highlighting and JSON."""
    return _NON_ALNUM.sub("", _BASE64_RUN.sub(" ", text).lower())


def _output_texts(cell: dict) -> Iterator[str]:
    for out in cell.get("outputs", []) or []:
        if "text" in out:
            t = out["text"]
            yield "".join(t) if isinstance(t, list) else t
        for mime, val in (out.get("data") or {}).items():
            if mime.startswith("text/") or mime.endswith("json"):
                yield "".join(val) if isinstance(val, list) else json.dumps(val)
        if "traceback" in out:
            yield "\n".join(out["traceback"])


def notebook_text(nb: dict) -> str:
    """All the text of a notebook: cell sources, outputs and metadata."""
    parts = [json.dumps(nb.get("metadata", {}), ensure_ascii=False)]
    for cell in nb.get("cells", []):
        parts.append(source_of(cell))
        parts.extend(_output_texts(cell))
        parts.append(json.dumps(cell.get("metadata", {}), ensure_ascii=False))
    return "\n".join(parts)


class _HTMLText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name not in ("class", "id") and not value.startswith("data:"):
                self.attributes.append(value)


def html_text(text: str) -> str:
    """Text (with script/style content), then attribute values, of an HTML document.

    Text nodes are concatenated without separators, so that a code line split into
    highlighting spans reads as one line again."""
    p = _HTMLText()
    p.feed(text)
    p.close()
    return "".join(p.parts) + "\n" + "\n".join(p.attributes)


def artifact_text(path: Path) -> str | None:
    """Text of one artifact, or ``None`` for binary files."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".ipynb":
        try:
            return notebook_text(json.loads(raw))
        except json.JSONDecodeError:
            return raw
    if path.suffix in (".html", ".htm"):
        return html_text(raw) + "\n" + raw
    return raw


def _solution_lines(texts: Iterable[str], public: str) -> list[str]:
    """Non-trivial lines of ``texts`` whose normalised form is not in the public text."""
    found: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            if _TRIVIAL.match(line):
                continue
            norm = normalize(line)
            if len(norm) >= MIN_CHARS and norm not in public:
                found.setdefault(line.strip(), None)
    return list(found)


def solution_lines_of(notebooks: dict[str, dict], pages: dict[str, str]) -> dict[str, list[str]]:
    """Solution lines per source file: every non-trivial line of solution code, markdown
    and outputs that does not also occur in the non-solution content of the book."""
    public_parts, solution_texts = [], {}
    for name, nb in notebooks.items():
        student, removed = split_notebook(nb)
        public_parts.append(notebook_text(student))
        texts = []
        for cell in removed:
            texts.append(source_of(cell))
            texts.extend(_output_texts(cell))
        solution_texts[name] = texts
    for name, text in pages.items():
        keep, gone = strip_markdown(text)
        public_parts.append(keep)
        solution_texts[name] = [gone]
    public = normalize("\n".join(public_parts))
    return {name: _solution_lines(texts, public) for name, texts in solution_texts.items()}


def book_solution_lines(root: Path = ROOT) -> dict[str, list[str]]:
    """Solution lines of every chapter notebook and page of the book at ``root``."""
    notebooks = {
        str(p.relative_to(root)): executed_notebook(p, root)[0] for p in source_notebooks(root)
    }
    pages = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in source_pages(root)}
    return solution_lines_of(notebooks, pages)


def artifacts(*dirs: Path) -> list[Path]:
    """Every file under ``dirs``, except the vendored MathJax."""
    files = []
    for d in dirs:
        for p in sorted(d.rglob("*")):
            if p.is_file() and "mathjax" not in p.relative_to(d).parts[:1]:
                files.append(p)
    return files


def find_leaks(lines: dict[str, list[str]], files: Iterable[Path]) -> list[tuple[str, str, str]]:
    """Occurrences of solution lines in files: a list of (file, source, line)."""
    wanted = [(src, line, normalize(line)) for src, ls in lines.items() for line in ls]
    leaks = []
    if not wanted:
        return leaks
    for path in files:
        text = artifact_text(path)
        if text is None:
            continue
        norm = normalize(text)
        for src, line, n in wanted:
            if n in norm:
                leaks.append((str(path), src, line))
    return leaks


def student_artifacts(build: Path = BUILD) -> list[Path]:
    """Every file of the student edition (website, notebooks, student branch tree)."""
    student = build / "student"
    return artifacts(student / "html", student / "notebooks", student / "branch")
