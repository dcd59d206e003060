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
import hashlib
import json
import re
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


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_kept(nb: dict, path: Path, record: dict[str, str], key: str) -> Path:
    """Write ``nb`` at ``path`` unless the file there was changed since it was written (a
    student's or instructor's work): then write it next to it as ``<name>.updated.ipynb``."""
    if path.is_file() and key in record and _digest(path) != record[key]:
        path = path.with_name(f"{path.stem}.updated{path.suffix}")
        print(
            f"note: kept your changed {path.name.replace('.updated', '')}; "
            f"the current chapter is in {path.name}"
        )
        _write_notebook(nb, path)
        return path
    _write_notebook(nb, path)
    record[key] = _digest(path)
    return path


def build_notebooks(
    root: Path = ROOT, build: Path = BUILD, *, stats: dict[str, int] | None = None
) -> tuple[list[Path], list[Path]]:
    """Write the student and instructor notebooks (and chapters/' other files).

    Both are plain Jupyter notebooks (:func:`editions.myst2md.convert_notebook`), written to
    ``build/student/notebooks`` and ``build/instructor/notebooks``. Only the chapter sources
    are needed (outputs of the website build are used if ``make book`` ran). A notebook that
    was changed since it was written there (work done in ``make lab``) is kept: the current
    version goes next to it as ``<name>.updated.ipynb``. ``stats``, if given, receives the
    counts of converted constructs (both editions).
    """
    index = BookIndex.load(root)
    dirs = {edition: build / edition / "notebooks" for edition in ("student", "instructor")}
    records = {}
    for edition, d in dirs.items():
        d.mkdir(parents=True, exist_ok=True)
        rec = build / edition / ".notebooks-written.json"
        records[edition] = json.loads(rec.read_text()) if rec.is_file() else {}
    written: dict[str, list[Path]] = {edition: [] for edition in dirs}
    chapters = root / CHAPTERS
    for p in sorted(chapters.rglob("*")) if chapters.is_dir() else []:
        if not p.is_file() or ".ipynb_checkpoints" in p.parts or "__pycache__" in p.parts:
            continue
        rel = p.relative_to(chapters)
        if p.suffix != ".ipynb":
            for d in dirs.values():
                (d / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, d / rel)
            continue
        nb, fresh = executed_notebook(p, root)
        if not fresh:
            print(
                f"note: {rel} has no executed copy in the build cache (make book); using"
                " its committed outputs"
            )
        doc = p.relative_to(root).with_suffix("").as_posix()
        for edition, d in dirs.items():
            plain = convert_notebook(nb, edition, docname=doc, index=index, stats=stats)
            written[edition].append(_write_kept(plain, d / rel, records[edition], rel.as_posix()))
    for edition, record in records.items():
        (build / edition / ".notebooks-written.json").write_text(json.dumps(record, indent=1))
    return written["student"], written["instructor"]


def student_branch(config: dict) -> str:
    """The branch the student website's launch buttons open (``repository.student_branch``)."""
    return str((config.get("repository") or {}).get("student_branch") or "student")


def student_config(config: dict, root: Path = ROOT) -> dict:
    """The student edition's Jupyter Book config, derived from the main ``_config.yml``.

    Its launch buttons (Binder, Colab; the hubs of the main config) open
    ``chapters/<page>.ipynb`` on the branch :func:`student_branch`, which holds only the
    student notebooks (:func:`write_student_branch`); its download button gives the student
    notebook (:func:`build_site` replaces the page sources). No thebe.
    """
    cfg = copy.deepcopy(config)
    cfg["title"] = f"{cfg.get('title', '')} (student edition)".strip()
    cfg.setdefault("execute", {})["execute_notebooks"] = "off"
    repo = cfg.setdefault("repository", {})
    repo["branch"] = student_branch(config)
    repo["path_to_book"] = ""
    repo.pop("student_branch", None)
    cfg["launch_buttons"] = {**(cfg.get("launch_buttons") or {}), "thebe": False}
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


def _locked_runtime(root: Path) -> list[str]:
    """``name==version`` from requirements-lock.txt for each runtime dependency."""
    import tomllib

    from packaging.requirements import Requirement

    deps = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {Requirement(d).name.lower() for d in deps.get("dependencies", [])}
    lock = root / "requirements-lock.txt"
    lines = lock.read_text(encoding="utf-8").splitlines() if lock.is_file() else []
    return [
        line.strip()
        for line in lines
        if "==" in line and line.partition("==")[0].strip().lower().replace("_", "-") in names
    ]


def write_student_branch(root: Path = ROOT, build: Path = BUILD) -> Path:
    """The tree of the student branch, in ``build/student/branch``: publish it as is.

    ``chapters/``: the student notebooks (and the chapters' other files), at the paths the
    student website's launch buttons use; ``binder/``: the Binder environment (the course
    library from the main branch, with the locked versions of its dependencies); a README.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    repo = config.get("repository") or {}
    url, main_branch = str(repo.get("url", "")).rstrip("/"), repo.get("branch", "main")
    tree = build / "student" / "branch"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(
        root / CHAPTERS,
        tree / CHAPTERS,
        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__"),
    )
    index = BookIndex.load(root)
    for p in source_notebooks(root):
        nb, _ = executed_notebook(p, root)
        doc = p.relative_to(root).with_suffix("").as_posix()
        _write_notebook(
            convert_notebook(nb, "student", docname=doc, index=index),
            tree / p.relative_to(root),
        )
    (tree / "binder").mkdir()
    requirements = [
        "# The course library (main branch) with the versions the course runs.",
        f"wnlib @ git+{url}@{main_branch}",
        *_locked_runtime(root),
    ]
    (tree / "binder" / "requirements.txt").write_text("\n".join(requirements) + "\n")
    if (root / "binder" / "runtime.txt").is_file():
        shutil.copy2(root / "binder" / "runtime.txt", tree / "binder" / "runtime.txt")
    (tree / "README.md").write_text(
        f"# {config.get('title', 'The course')}: student notebooks\n\n"
        "The chapter notebooks without solutions, as plain Jupyter notebooks. Open them in "
        "Jupyter Lab, on Binder or on Colab.\n\n"
        f"Generated from the `{main_branch}` branch by `make student` "
        "(`_build/student/branch/`); do not edit here.\n",
        encoding="utf-8",
    )
    return tree


# Parts of a page that only the full edition has, between these HTML comments.
_FULL_ONLY = re.compile(r"<!-- full-edition-only.*?<!-- /full-edition-only -->\n?", re.S)


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
        keep = _FULL_ONLY.sub("", keep)  # e.g. the link to the PDF, which prints solutions
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
    # the download button gives the page's source: make it the plain student notebook
    index = BookIndex.load(root)
    for p in source_notebooks(root):
        rel = p.relative_to(root)
        served = out / "_sources" / rel
        if served.is_file():
            nb, _ = executed_notebook(p, root)
            doc = rel.with_suffix("").as_posix()
            _write_notebook(convert_notebook(nb, "student", docname=doc, index=index), served)
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
        stats: dict[str, int] = {}
        s, i = build_notebooks(stats=stats)
        tree = write_student_branch()
        print(f"{len(s)} student and {len(i)} instructor notebooks written (plain Markdown):")
        print("  " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
        print(f"student branch tree: {tree}")
    if args.what in ("site", "all"):
        out = build_site()
        print(f"student website: {out}")
    if args.what in ("all", "check"):
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
