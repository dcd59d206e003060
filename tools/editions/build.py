"""Building the editions: notebooks and the student website.

* ``_build/instructor/notebooks/``: the chapter notebooks with their solutions, as plain
  Jupyter notebooks (:func:`editions.myst2md.convert_notebook`, edition ``"instructor"``);
* ``_build/student/notebooks/``: the same notebooks with every solution removed, as plain
  Jupyter notebooks (edition ``"student"``): what students open (``make lab``), download
  and launch on Binder/Colab;
* ``_build/student/html/``: the student website, built with Jupyter Book from a staged copy
  of the book whose notebooks (and MyST pages) have their solutions removed, with
  sphinx-exercise's ``hide_solutions: true``. Its launch buttons and download button give
  the student notebooks (see :func:`student_config`). The notebooks are not executed again:
  their outputs are those of the website build (``make book`` stores the executed notebooks
  in ``_build/.jupyter_cache``), or the committed ones if the cache has no match.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .leaks import book_solution_lines, find_leaks, student_artifacts
from .myst2md import BookIndex, convert_notebook
from .reader import directives, replace_lines
from .sources import BUILD, CHAPTERS, ROOT, executed_notebook, source_notebooks
from .strip import split_notebook, strip_markdown

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



def replace_exec_table(text: str, table: str) -> str:
    """``text`` with every ``{nb-exec-table}`` directive replaced by ``table``."""
    edits = [(d.start, d.end, table) for d in directives(text) if d.name == "nb-exec-table"]
    return replace_lines(text, edits)


def _write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_notebooks(
    root: Path = ROOT, build: Path = BUILD, *, stats: dict[str, int] | None = None
) -> tuple[list[Path], list[Path]]:
    """Write the student and instructor notebooks (and chapters/' other files).

    Both are plain Jupyter notebooks (:func:`editions.myst2md.convert_notebook`); ``stats``,
    if given, receives the counts of converted constructs (both editions)."""
    index = BookIndex.load(root)
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
                doc = p.relative_to(root).with_suffix("").as_posix()
                for edition, d in (("student", student_dir), ("instructor", instructor_dir)):
                    plain = convert_notebook(nb, edition, docname=doc, index=index, stats=stats)
                    _write_notebook(plain, d / rel)
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
        keep = replace_exec_table(keep, table)
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
