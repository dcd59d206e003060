"""``make assign``: per-student assignment notebooks and the instructor's otter-grader autograder.

Usage::

    python -m tools.grading.assign [--roster instructor/roster.csv] [--out _build/assign]

Builds, for every student id of the roster,

* ``<out>/student/<id>/<chapter>.ipynb``: a plain Jupyter notebook per chapter with graded
  exercises: the chapter's title and setup cells (read from ``chapters/<chapter>.ipynb``), then
  each graded exercise with its title (from the chapter source), the statement with this
  student's parameters, a visible parameter cell, and a public check of the answer's *form*;

and once for the class,

* ``<out>/autograder/``: what the instructor keeps — ``variants.py`` (the hidden answers),
  ``roster.csv``, ``points.csv``, ``answer_key.csv`` (every student's expected values) and one
  otter-grader autograder per chapter (``<chapter>/otter_config.json``, ``tests/<label>.py``
  hidden tests, ``files/wn_variants.py``), which ``make grade`` zips per submission.

Nothing written under ``student/`` contains an expected value or the code that computes one
(tested by ``tests/test_grading.py``).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.grading.common import (  # noqa: E402
    ASSIGN_DIR,
    CHAPTERS,
    DEFAULT_ROSTER,
    VARIANTS_SOURCE,
    load_variants,
    read_roster,
)

PLACEHOLDER = "__WN_STUDENT_ID__"

_PUBLIC_CHECK = '''\
# Public check of this assignment: it checks the *form* of an answer only (a number, in the range
# the statement implies). Your grade comes from hidden tests run on your submitted notebook.
import math

import numpy as np

from wnlib import make_conditioned_problem, make_problem, theory, wn

_FORMS = {forms}


def public_check(name, answer):
    """Print whether ``answer`` has the form ``name`` asks for (not whether it is right)."""
    lo, hi, hint = _FORMS[name]
    if answer is ... or answer is None:
        print("No answer yet — replace the ... with your answer, then run this cell again.")
        return False
    try:
        a = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        print("✗ Your answer does not have the expected form: pass a single real number, "
              f"not {{type(answer).__name__}}.")
        return False
    if not math.isfinite(a):
        print("✗ Your answer is not a finite number.")
        return False
    if not lo < a < hi:
        print(f"✗ Not yet. {{hint}}")
        return False
    print("✓ Well formed: a number in the expected range. It is graded after you submit.")
    return True
'''

_TEST_TEMPLATE = '''\
"""Hidden test of {label} (written by make assign from instructor/variants.py; do not edit)."""

OK_FORMAT = False

from otter.test_files import test_case  # noqa: E402

name = {label!r}
points = {points!r}
STUDENT_ID = {placeholder!r}
ROSTER = {roster!r}
VARIABLE = {variable!r}


@test_case(hidden=True)
def hidden_value(env):
    import wn_variants

    ok, message = wn_variants.grade(name, STUDENT_ID, env.get(VARIABLE), ROSTER)
    assert ok, message
'''


def _title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the chapter has no '# Title' line in a markdown cell")


def _exercise_title(nb: nbformat.NotebookNode, label: str) -> str:
    for cell in nb.cells:
        if cell.cell_type != "markdown" or f":label: {label}" not in cell.source:
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if line.startswith(":label:") and line.split(":label:")[1].strip() == label:
                for back in range(i - 1, -1, -1):
                    if lines[back].startswith("```{exercise}"):
                        return lines[back][len("```{exercise}"):].strip()
    raise ValueError(f"exercise {label!r} not found in the chapter source")


def _setup_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Sources of the chapter's install cell (if any) and its setup cell (first wnlib import)."""
    codes = [c for c in nb.cells if c.cell_type == "code"]
    out = []
    if codes and "pip install" in codes[0].source:
        out.append(codes[0].source)
    setup = [c for c in codes if "from wnlib" in c.source or "import wnlib\n" in c.source]
    setup = [c for c in setup if "pip install" not in c.source]
    if not setup:
        raise ValueError("the chapter has no setup cell importing wnlib")
    out.append(setup[0].source)
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def student_notebook(chapter: str, student_id: str, variants, source_dir: Path = CHAPTERS
                     ) -> nbformat.NotebookNode:
    """The assignment notebook of ``chapter`` for ``student_id``.

    Parameters
    ----------
    chapter : str
        Chapter stem, e.g. ``"01_setup"``.
    student_id : str
    variants : module
        The instructor's ``variants`` module.
    source_dir : Path
        Folder of the chapter sources.

    Returns
    -------
    nbformat.NotebookNode
        A plain notebook: no MyST, no solutions, no expected value.
    """
    src = nbformat.read(source_dir / f"{chapter}.ipynb", as_version=4)
    graded = [g for g in variants.GRADED if g.chapter == chapter]
    if not graded:
        raise ValueError(f"chapter {chapter!r} has no graded exercise")
    total = sum(g.points for g in graded)
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md(
        f"# Graded assignment: {_title(src)}\n\n"
        f"**Student id: `{student_id}`.** This notebook is yours: the numbers of each exercise "
        "are drawn from your student id, so your answers differ from your classmates'. "
        f"It has {len(graded)} graded exercise(s), {total:g} point(s) in all.\n\n"
        "- Assign each answer to the variable the exercise names (`answer_...`), as a number.\n"
        "- `public_check(...)` only tells you whether the answer has the right *form*; the "
        "grade comes from hidden tests that re-run your whole notebook from the top, so make "
        "sure it runs without errors (Kernel → Restart and run all). Stored outputs are ignored.\n"
        "- Do not change the parameter cells.\n"
        f"- Hand in this file as `{student_id}/{chapter}.ipynb`."
    )]
    cells += [code(s) for s in _setup_cells(src)]
    forms = {g.label: (*g.bounds(variants.params(g.label, student_id)), g.hint)
             for g in graded}
    forms_src = "{\n" + "".join(
        f"    {k!r}: ({_num(lo)}, {_num(hi)}, {hint!r}),\n" for k, (lo, hi, hint) in forms.items()
    ) + "}"
    cells.append(code(_PUBLIC_CHECK.format(forms=forms_src)))
    for k, g in enumerate(graded, start=1):
        p = variants.params(g.label, student_id)
        shown = {name: _fmt(v) for name, v in p.items()}
        cells.append(md(
            f"## Exercise {k}: {_exercise_title(src, g.label)} ({g.points:g} "
            f"point{'s' if g.points != 1 else ''})\n\n" + g.statement.format(**shown)
        ))
        param_lines = "".join(f"{name} = {shown[name]}\n" for name in p)
        cells.append(code(
            f"# Your parameters for {g.label} (drawn from your student id; do not change them)\n"
            f"student_id = {student_id!r}\n" + param_lines
        ))
        cells.append(code(
            g.starter
            + f"{g.variable} = ...  # your answer here\n"
            + f"public_check({g.label!r}, {g.variable})"
        ))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["wn_assignment"] = {"student_id": student_id, "chapter": chapter}
    nbformat.validate(nb)
    return nb


def _num(x: float) -> str:
    return "math.inf" if math.isinf(x) and x > 0 else ("-math.inf" if math.isinf(x) else repr(x))


def collisions(variants, roster: list[str]) -> list[tuple[str, str, str]]:
    """Pairs of students whose expected answers to an exercise agree within the grading tolerance.

    Returns
    -------
    list of (label, id_a, id_b)
    """
    out = []
    for g in variants.GRADED:
        values = {sid: variants.expected(g.label, sid) for sid in roster}
        for a, b in itertools.combinations(roster, 2):
            if math.isclose(values[a], values[b], rel_tol=variants.RTOL, abs_tol=1e-12):
                out.append((g.label, a, b))
    return out


def build(roster_path: Path = DEFAULT_ROSTER, out: Path = ASSIGN_DIR,
          variants_path: Path = VARIANTS_SOURCE, source_dir: Path = CHAPTERS,
          quiet: bool = False) -> dict[str, Any]:
    """Write the student notebooks and the autograder folder.

    Parameters
    ----------
    roster_path : Path
        Roster CSV (one student id per line).
    out : Path
        Output folder; its ``student/`` and ``autograder/`` are replaced.
    variants_path : Path
        The instructor's variants file.
    source_dir : Path
        Chapter sources.
    quiet : bool
        Print nothing.

    Returns
    -------
    dict
        ``{"students": [...], "chapters": [...], "collisions": [...]}``.
    """
    variants = load_variants(variants_path)
    roster = read_roster(roster_path)
    out = Path(out)
    student_root, ag_root = out / "student", out / "autograder"
    for d in (student_root, ag_root):
        if d.exists():
            shutil.rmtree(d)
    chapters = variants.chapters()
    for sid in roster:
        (student_root / sid).mkdir(parents=True)
        for ch in chapters:
            nbformat.write(student_notebook(ch, sid, variants, source_dir),
                           student_root / sid / f"{ch}.ipynb")
    ag_root.mkdir(parents=True)
    shutil.copy(variants_path, ag_root / "variants.py")
    with (ag_root / "roster.csv").open("w", newline="") as f:
        csv.writer(f).writerows([["student_id"], *[[s] for s in roster]])
    with (ag_root / "points.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["chapter", "exercise", "points", "variable"])
        for g in variants.GRADED:
            w.writerow([g.chapter, g.label, g.points, g.variable])
    with (ag_root / "answer_key.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", *[g.label for g in variants.GRADED]])
        for sid in roster:
            w.writerow([sid, *[repr(variants.expected(g.label, sid)) for g in variants.GRADED]])
    for ch in chapters:
        d = ag_root / ch
        (d / "tests").mkdir(parents=True)
        (d / "files").mkdir()
        shutil.copy(variants_path, d / "files" / "wn_variants.py")
        (d / "otter_config.json").write_text(json.dumps(
            {"lang": "python", "print_summary": False, "show_stdout": False}, indent=2))
        for g in (g for g in variants.GRADED if g.chapter == ch):
            (d / "tests" / f"{g.label}.py").write_text(_TEST_TEMPLATE.format(
                label=g.label, points=g.points, placeholder=PLACEHOLDER, roster=roster,
                variable=g.variable))
    (ag_root / "README.md").write_text(
        "# Autograder (instructor only: do not hand out)\n\n"
        "- `variants.py`: parameters and hidden answers of every graded exercise.\n"
        "- `answer_key.csv`: every student's expected values.\n"
        "- `points.csv`, `roster.csv`: points per exercise, the class.\n"
        "- `<chapter>/`: otter-grader autograder (tests/ hidden tests, files/ support code,\n"
        "  otter_config.json); `make grade` zips it per submission with the student id.\n"
    )
    found = collisions(variants, roster)
    if not quiet:
        print(f"assign: {len(roster)} students x {len(chapters)} chapters -> {student_root}")
        print(f"assign: autograder (keep it private) -> {ag_root}")
        for label, a, b in found:
            print(f"assign: WARNING {label}: students {a} and {b} have the same answer "
                  "(change an id or the exercise's grid in instructor/variants.py)")
    return {"students": roster, "chapters": chapters, "collisions": found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roster", type=Path, default=DEFAULT_ROSTER)
    parser.add_argument("--out", type=Path, default=ASSIGN_DIR)
    args = parser.parse_args(argv)
    try:
        build(args.roster, args.out)
    except (FileNotFoundError, ValueError) as err:
        print(f"assign: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
