"""The editions of the course: student (no solutions) and instructor (with solutions).

One source, three outputs:

* ``_build/instructor/notebooks/``: the chapter notebooks as committed, solutions included;
* ``_build/student/notebooks/``: the same notebooks with every solution removed;
* ``_build/student/html/``: the student website, built with Jupyter Book from a staged copy
  of the book whose notebooks (and MyST pages) have their solutions removed, with
  sphinx-exercise's ``hide_solutions: true`` and no launch buttons. The notebooks are not
  executed again: their outputs are those of the website build (``make book`` stores the
  executed notebooks in ``_build/.jupyter_cache``), or the committed ones if the cache has
  no match. The student and instructor notebooks get the same outputs.

What is a solution
    In a notebook, everything from a markdown cell that opens a ``{solution-start}``
    directive through the markdown cell that holds the matching ``{solution-end}``,
    both included; also any ``{solution}`` directive block inside a markdown cell (and
    the same two forms in MyST ``.md`` pages). Backtick and colon fences both count.

Usage::

    python tools/editions.py notebooks   # student + instructor notebooks
    python tools/editions.py site        # student website (needs the notebooks step's code only)
    python tools/editions.py all         # both
    python tools/editions.py check       # search every student artifact for solution text

``check`` exits with status 1 and lists the leaks if any line of any solution is found in
the student outputs; ``tests/test_editions.py`` runs the same functions.
"""

from __future__ import annotations

import argparse
import copy
import html.parser
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
CHAPTERS = "chapters"

# Directive fences: ```{name} ... ``` or :::{name} ... :::
_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[a-zA-Z0-9_-]+)\}")
_FENCE_CLOSE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\s*$")
# Lines that carry no solution content (fences, directive options)
_TRIVIAL = re.compile(r"^\s*(`{3,}|:{3,}|:[a-z-]+:)")
# Minimum length of a normalised solution line to be searched for
MIN_CHARS = 12
# Long base64 runs (embedded images, interactive frames) are not text
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{200,}")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Copied into the staged student book: everything but these
_STAGE_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "_build",
    "_vendor",
    "tests",
    "bench",
    "tools",
    "wnlib",
    ".ci",
    "test-artifacts",
    "*.egg-info",
    "__pycache__",
    ".ipynb_checkpoints",
    ".jupyter_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
)


# --------------------------------------------------------------------- stripping
def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@dataclass
class _Scan:
    """Line classification of a markdown text: which lines belong to a solution."""

    in_gated: bool = False  # between solution-start and solution-end (across cells)


def _solution_mask(lines: list[str], state: _Scan) -> list[bool]:
    """For each line, whether it belongs to a solution. Updates ``state`` across cells."""
    mask = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if m and m["name"] in ("solution-start", "solution-end", "solution"):
            # the whole directive block, up to its closing fence
            fence = m["fence"]
            j = i + 1
            while j < len(lines):
                c = _FENCE_CLOSE.match(lines[j])
                if c and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence):
                    break
                j += 1
            block_end = min(j, len(lines) - 1)
            mask.extend([True] * (block_end - i + 1))
            if m["name"] == "solution-start":
                if state.in_gated:
                    raise ValueError("solution-start inside another solution")
                state.in_gated = True
            elif m["name"] == "solution-end":
                if not state.in_gated:
                    raise ValueError("solution-end without a solution-start")
                state.in_gated = False
            i = block_end + 1
            continue
        mask.append(state.in_gated)
        i += 1
    return mask


def split_notebook(nb: dict) -> tuple[dict, list[dict]]:
    """Split a notebook into its student version and its solution cells.

    Parameters
    ----------
    nb : dict
        Notebook (nbformat 4 JSON).

    Returns
    -------
    student : dict
        A copy without any solution content; cells emptied by the removal are dropped,
        and the notebook-level widget state (which could hold solution outputs) is removed.
    solutions : list of dict
        The removed content, as cells (markdown cells hold only their solution lines).
    """
    student = copy.deepcopy(nb)
    kept, removed = [], []
    state = _Scan()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            lines = _source(cell).splitlines(keepends=True)
            mask = _solution_mask(lines, state)
            keep = "".join(line for line, sol in zip(lines, mask, strict=True) if not sol)
            gone = "".join(line for line, sol in zip(lines, mask, strict=True) if sol)
            if gone.strip():
                removed.append({**copy.deepcopy(cell), "source": gone})
            if keep.strip():
                kept.append({**copy.deepcopy(cell), "source": keep})
        elif state.in_gated:
            removed.append(copy.deepcopy(cell))
        else:
            kept.append(copy.deepcopy(cell))
    if state.in_gated:
        raise ValueError("a solution-start has no matching solution-end")
    student["cells"] = kept
    student.get("metadata", {}).pop("widgets", None)
    return student, removed


def strip_markdown(text: str) -> tuple[str, str]:
    """Split a MyST markdown page into (text without solutions, solution text)."""
    lines = text.splitlines(keepends=True)
    state = _Scan()
    mask = _solution_mask(lines, state)
    if state.in_gated:
        raise ValueError("a solution-start has no matching solution-end")
    keep = "".join(line for line, sol in zip(lines, mask, strict=True) if not sol)
    gone = "".join(line for line, sol in zip(lines, mask, strict=True) if sol)
    return keep, gone


# --------------------------------------------------------------------- text of things
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
        parts.append(_source(cell))
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


# --------------------------------------------------------------------- executed notebooks
def executed_notebook(path: Path, root: Path = ROOT) -> tuple[dict, bool]:
    """The notebook at ``path`` with the outputs of the website build, if there are any.

    ``make book`` executes the chapters and stores them in ``_build/.jupyter_cache``; a
    notebook whose code matches a cache record gets that record's outputs (the ones the
    website shows). Otherwise the committed outputs are kept.

    Returns
    -------
    (notebook, from_cache)
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    cache_dir = root / "_build" / ".jupyter_cache"
    if not cache_dir.is_dir():
        return nb, False
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(
            nbformat.reads(json.dumps(nb), as_version=4)
        )
    except KeyError:
        return nb, False
    return json.loads(nbformat.writes(merged)), True


def execution_table(root: Path = ROOT) -> str:
    """A static Markdown table of the notebooks' run times in the website build.

    The student website executes nothing (its notebooks come stripped from the build), so its
    execution report would be empty: ``{nb-exec-table}`` is replaced by this table.
    """
    rows = []
    cache_dir = root / "_build" / ".jupyter_cache"
    cache = None
    if cache_dir.is_dir():
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
    for p in source_notebooks(root):
        rel = p.relative_to(root).with_suffix("").as_posix()
        rec = None
        if cache is not None:
            import nbformat

            try:
                rec = cache.match_cache_notebook(nbformat.read(p, as_version=4))
            except KeyError:
                rec = None
        if rec is None:
            rows.append(f"| {rel} | – | – | not run by the website build |")
        else:
            seconds = (rec.data or {}).get("execution_seconds") or float("nan")
            when = rec.created.strftime("%Y-%m-%d %H:%M")
            rows.append(f"| {rel} | {when} | {seconds:.2f} | ✅ |")
    header = "| Document | Modified | Run Time (s) | Status |\n| --- | --- | --- | --- |\n"
    return header + "\n".join(rows) + "\n"


_EXEC_TABLE = re.compile(r"^(`{3,}|:{3,})\{nb-exec-table\}[^\n]*\n(?:.*\n)*?\1\s*$", re.M)


# --------------------------------------------------------------------- solution lines
def source_notebooks(root: Path = ROOT) -> list[Path]:
    """Chapter notebooks of the book (not checkpoints)."""
    return sorted(
        p for p in (root / CHAPTERS).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def source_pages(root: Path = ROOT) -> list[Path]:
    """MyST markdown pages of the book (root and chapters/)."""
    pages = list(root.glob("*.md")) + list((root / CHAPTERS).rglob("*.md"))
    return sorted(p for p in pages if p.name not in ("README.md", "AUTHORING.md"))


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
            texts.append(_source(cell))
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
    """Every file of the student edition (website and notebooks)."""
    return artifacts(build / "student" / "html", build / "student" / "notebooks")


# --------------------------------------------------------------------- building
def _write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_notebooks(root: Path = ROOT, build: Path = BUILD) -> tuple[list[Path], list[Path]]:
    """Write the student and instructor notebooks (and chapters/' other files)."""
    student_dir = build / "student" / "notebooks"
    instructor_dir = build / "instructor" / "notebooks"
    for d in (student_dir, instructor_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    written_s, written_i = [], []
    chapters = root / CHAPTERS
    if chapters.is_dir():
        for p in sorted(chapters.rglob("*")):
            if not p.is_file() or ".ipynb_checkpoints" in p.parts or "__pycache__" in p.parts:
                continue
            rel = p.relative_to(chapters)
            if p.suffix == ".ipynb":
                nb, fresh = executed_notebook(p, root)
                if not fresh:
                    print(
                        f"note: {rel} has no executed copy in the build cache (run make book);"
                        " using its committed outputs"
                    )
                student, _ = split_notebook(nb)
                _write_notebook(student, student_dir / rel)
                _write_notebook(nb, instructor_dir / rel)
                written_s.append(student_dir / rel)
                written_i.append(instructor_dir / rel)
            else:
                for d in (student_dir, instructor_dir):
                    (d / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(p, d / rel)
    return written_s, written_i


def student_config(config: dict, root: Path = ROOT) -> dict:
    """The student edition's Jupyter Book config, derived from the main ``_config.yml``."""
    cfg = copy.deepcopy(config)
    cfg["title"] = f"{cfg.get('title', '')} (student edition)".strip()
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    # launch buttons would open the repository's notebooks, which hold the solutions
    cfg["launch_buttons"] = {"binderhub_url": "", "colab_url": "", "thebe": False}
    sphinx = cfg.setdefault("sphinx", {})
    # the staged copy has no tools/: load local extensions from the repository
    if sphinx.get("local_extensions"):
        sphinx["local_extensions"] = {
            name: str((root / path).resolve()) for name, path in sphinx["local_extensions"].items()
        }
    sphinx_config = sphinx.setdefault("config", {})
    sphinx_config["hide_solutions"] = True
    sphinx_config["html_extra_path"] = [
        str((root / p).resolve()) for p in sphinx_config.get("html_extra_path", [])
    ]
    return cfg


def build_site(root: Path = ROOT, build: Path = BUILD, *, quiet: bool = False) -> Path:
    """Build the student website into ``build/student/html``."""
    stage = build / "student" / "src"
    out = build / "student" / "html"
    tmp_out = build / "student" / "jb"
    for d in (stage, out, tmp_out):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(root, stage, ignore=_STAGE_IGNORE)
    for p in sorted(stage.rglob("*.ipynb")):
        nb, _ = executed_notebook(root / p.relative_to(stage), root)
        student, _ = split_notebook(nb)
        _write_notebook(student, p)
    table = execution_table(root)
    for p in sorted(stage.rglob("*.md")):
        keep, _ = strip_markdown(p.read_text(encoding="utf-8"))
        keep = _EXEC_TABLE.sub(lambda _: table, keep)
        p.write_text(keep, encoding="utf-8")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    (stage / "_config.yml").write_text(
        yaml.safe_dump(student_config(config, root), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(stage), "--path-output", str(tmp_out), "-W", "--keep-going"]
    if quiet:
        cmd.append("-q")
    subprocess.run(cmd, check=True)
    shutil.move(tmp_out / "_build" / "html", out)
    shutil.rmtree(tmp_out, ignore_errors=True)
    return out


def check(root: Path = ROOT, build: Path = BUILD) -> int:
    """Search the student edition for solution text; print the leaks; return an exit code."""
    lines = book_solution_lines(root)
    files = student_artifacts(build)
    if not files:
        print("no student edition in", build / "student", "- run: make student")
        return 1
    leaks = find_leaks(lines, files)
    n = sum(len(v) for v in lines.values())
    if leaks:
        print(f"{len(leaks)} solution line(s) found in the student edition:")
        for path, src, line in leaks:
            print(f"  {path}: {line!r} (from {src})")
        return 1
    print(f"no solution text in {len(files)} student files ({n} solution lines searched)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["notebooks", "site", "all", "check"])
    args = parser.parse_args(argv)
    if args.what in ("notebooks", "all"):
        s, i = build_notebooks()
        print(f"{len(s)} student and {len(i)} instructor notebooks written")
    if args.what in ("site", "all"):
        out = build_site()
        print(f"student website: {out}")
    if args.what in ("all", "check"):
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
