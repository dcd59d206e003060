"""The instructor kit end to end: ``make assign`` and ``make grade`` with otter-grader (issue 12).

* No leak: for every student of the sample roster, no file they receive
  (``_build/assign/student/<id>/``), no file of the installed ``wnlib`` package and no page of the
  student website (when built) contains one of their expected values, written the ways numbers
  get written.
* A synthetic class (all correct, partly wrong, blank, raises, faked outputs, not a notebook,
  answers copied from another student, an unknown id, a notebook that never ends) is graded by
  re-execution in parallel and gets exactly the expected scores and flags.

Needs otter-grader (the ``instructor`` extra): ``make test-grading`` installs it and runs this
file; elsewhere the tests skip when it is missing (fail under ``--require-build``).
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from instructor.solutions import SOLUTIONS, solve  # noqa: E402
from tools.grading import assign, grade  # noqa: E402
from tools.grading.common import CORRECT_MARK, load_variants, read_roster  # noqa: E402

pytestmark = pytest.mark.grading

VARIANTS = load_variants(ROOT / "instructor" / "variants.py")
SAMPLE_ROSTER = ROOT / "instructor" / "roster.csv"
CLASS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
TIMEOUT = 180.0  # every normal submission finishes well within it, even on a loaded machine


@pytest.fixture(scope="module")
def otter_installed(pytestconfig: pytest.Config) -> None:
    if importlib.util.find_spec("otter") is None:
        reason = "otter-grader is not installed (pip install -e '.[instructor]')"
        if pytestconfig.getoption("--require-build"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


# ------------------------------------------------------------------ variants and roster
def test_params_are_stable_and_differ_between_students() -> None:
    """Same id -> same parameters (a pinned draw); distinct answers across the sample roster."""
    assert VARIANTS.params("ex-ch3-by-hand", "s001") == {"g0": 0.43}
    assert VARIANTS.params("ex-ch1-gd-distance", "s001") == VARIANTS.params(
        "ex-ch1-gd-distance", "s001")
    roster = read_roster(SAMPLE_ROSTER)
    assert len(roster) == 5
    assert assign.collisions(VARIANTS, roster) == []


def test_variants_avoid_the_public_self_study_answers() -> None:
    """No student's parameters are the course's own (whose reference answer is public)."""
    from wnlib.exercises import REGISTRY

    for g in VARIANTS.GRADED:
        assert g.label in REGISTRY, f"{g.label} is not an exercise of the course"
        public = float(REGISTRY[g.label].reference())
        assert math.isclose(g.expected_fn(g.course_params), public, rel_tol=1e-9), g.label
        for sid in read_roster(SAMPLE_ROSTER) + CLASS:
            assert VARIANTS.params(g.label, sid) != dict(g.course_params)
            assert not math.isclose(VARIANTS.expected(g.label, sid), public, rel_tol=VARIANTS.RTOL)


def test_bad_roster_and_ids_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_text("student_id\na1\na1\n")
    with pytest.raises(ValueError, match="appears twice"):
        read_roster(bad)
    bad.write_text("student_id\n../x\n")
    with pytest.raises(ValueError, match="invalid student id"):
        read_roster(bad)
    with pytest.raises(FileNotFoundError, match="roster not found"):
        read_roster(tmp_path / "none.csv")
    with pytest.raises(ValueError, match="no graded exercise"):
        VARIANTS.params("ex-ch9-none", "s001")


def test_hidden_grade_judges_the_students_own_answer() -> None:
    v = VARIANTS.expected("ex-ch4-recursion", "s001")
    assert VARIANTS.grade("ex-ch4-recursion", "s001", float(f"{v:.4g}"))[0]  # printed precision
    assert not VARIANTS.grade("ex-ch4-recursion", "s001", v * 1.01)[0]
    ok, msg = VARIANTS.grade("ex-ch4-recursion", "s002", v, ["s001", "s002"])
    assert not ok and "s001" in msg and f"{v:.3g}" not in msg
    assert VARIANTS.grade("ex-ch4-recursion", "s001", ...) == (
        False, "no answer (the answer variable is still ... or undefined)")
    assert not VARIANTS.grade("ex-ch4-recursion", "s001", [1.0, 2.0])[0]


# ------------------------------------------------------------------ what students receive
def _written_forms(x: float, min_digits: int = 3) -> set[str]:
    """The ways a number gets written: repr, 4/6/8 significant digits, fixed, scientific.

    Forms with fewer than ``min_digits`` significant digits are dropped (too unspecific).
    """
    forms = {repr(x), str(x), f"{x:.4g}", f"{x:.5g}", f"{x:.6g}", f"{x:.8g}", f"{x:.10g}",
             f"{x:.3f}", f"{x:.4f}", f"{x:.6f}", f"{x:.3e}", f"{x:.4e}", f"{x:.6e}"}
    return {f for f in forms
            if len(f.split("e")[0].replace("-", "").replace(".", "").lstrip("0")) >= min_digits}


def _pattern(values: list[float], min_digits: int = 3) -> re.Pattern[str]:
    forms = sorted({f for v in values for f in _written_forms(v, min_digits)}, key=len,
                   reverse=True)
    return re.compile(r"(?<![\d.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\d)")


@pytest.fixture(scope="module")
def sample_assignment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assign")
    assign.build(SAMPLE_ROSTER, out, quiet=True)
    return out


def test_assignment_layout(sample_assignment: Path) -> None:
    roster = read_roster(SAMPLE_ROSTER)
    chapters = VARIANTS.chapters()
    assert len(chapters) == 5  # at least one graded exercise per chapter
    for sid in roster:
        files = sorted(p.name for p in (sample_assignment / "student" / sid).iterdir())
        assert files == [f"{c}.ipynb" for c in chapters]
    ag = sample_assignment / "autograder"
    for name in ("variants.py", "roster.csv", "points.csv", "answer_key.csv"):
        assert (ag / name).is_file()
    for g in VARIANTS.GRADED:
        test = ag / g.chapter / "tests" / f"{g.label}.py"
        assert assign.PLACEHOLDER in test.read_text()
    assert (sample_assignment / "student" / "s001" / "01_setup.ipynb").read_text().count(
        "public_check(") >= 2


def test_student_notebooks_show_their_parameters_in_plain_markdown(sample_assignment: Path
                                                                  ) -> None:
    for sid in read_roster(SAMPLE_ROSTER):
        for ch in VARIANTS.chapters():
            nb = nbformat.read(sample_assignment / "student" / sid / f"{ch}.ipynb", 4)
            text = "\n".join(c.source for c in nb.cells)
            assert f"student_id = {sid!r}" in text
            for g in (g for g in VARIANTS.GRADED if g.chapter == ch):
                for name, value in VARIANTS.params(g.label, sid).items():
                    assert f"{name} = {assign._fmt(value)}" in text
                assert f"{g.variable} = ..." in text
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    assert not re.search(r"```\{|\{(ref|prf:ref|cite|eq)\}`|^:label:",
                                         cell.source, re.M), (sid, ch, cell.source[:80])
                else:
                    assert not cell.get("outputs")
            assert "solution-start" not in text and "solution-end" not in text
            assert "variants" not in text and "expected(" not in text


def test_nothing_a_student_receives_reveals_their_answers(sample_assignment: Path) -> None:
    """Search every file of each student, the installed wnlib and the student website.

    A student's own files and the package are searched for every written form (from 3
    significant digits on). The student website (~MBs of printed tables) is searched for the
    forms with 5 or more significant digits: a 4-digit string such as "1.083" occurs there by
    chance (it is a chapter-2 number, unrelated to the exercise whose answer rounds to it).
    """
    import wnlib

    package = {p: p.read_text(errors="replace") for p in Path(wnlib.__file__).parent.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    site = ROOT / "_build" / "student" / "html"
    website = {p: p.read_text(errors="replace") for p in site.rglob("*")
               if p.is_file() and p.suffix in {".html", ".ipynb", ".md", ".txt", ".js"}
               } if site.is_dir() else {}
    for sid in read_roster(SAMPLE_ROSTER):
        values = [VARIANTS.expected(g.label, sid) for g in VARIANTS.GRADED]
        pat, pat5 = _pattern(values), _pattern(values, min_digits=5)
        mine = [p for p in (sample_assignment / "student" / sid).rglob("*") if p.is_file()]
        assert mine
        for p in mine:
            hit = pat.search(p.read_text(errors="replace"))
            assert hit is None, f"{p} reveals {hit.group()} of {sid}"
        for corpus, pattern in ((package, pat), (website, pat5)):
            for p, text in corpus.items():
                hit = pattern.search(text)
                assert hit is None, f"{p} contains {hit.group()}, an expected value of {sid}"
    # and the search works: the answer key (instructor-only) is found by it
    key = (sample_assignment / "autograder" / "answer_key.csv").read_text()
    assert _pattern([VARIANTS.expected("ex-ch3-by-hand", "s001")]).search(key)


# ------------------------------------------------------------------ a synthetic class
def _nb(ag_root: Path, sid: str, chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(ag_root / "student" / sid / f"{chapter}.ipynb", 4)


def _write(folder: Path, sid: str, chapter: str, nb: nbformat.NotebookNode) -> None:
    (folder / sid).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / sid / f"{chapter}.ipynb")


@pytest.fixture(scope="module")
def graded_class(otter_installed: None, tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[dict[str, dict[str, str]], Path]:
    base = tmp_path_factory.mktemp("class")
    roster = base / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(CLASS) + "\n")
    out = base / "assign"
    assign.build(roster, out, quiet=True)
    subs = base / "submissions"
    ch1, ch2, ch3 = "01_setup", "02_flow", "03_example2d"
    # alice: everything, all correct
    for ch in VARIANTS.chapters():
        _write(subs, "alice", ch, solve(_nb(out, "alice", ch)))
    # bob: ch1 half right (the WN step without the projection P_u, a typical mistake)
    _write(subs, "bob", ch1, solve(_nb(out, "bob", ch1), {
        **SOLUTIONS, "ex-ch1-wn-norm": (
            "r = P.y - g0 * (P.A @ w0)\n"
            "answer_wn_norm = np.sqrt(1 + eta**2 * np.sum((g0 * P.A.T @ r)**2))")}))
    (subs / "bob" / "notes.txt").write_text("my working")
    # carol: hands in her blank notebook
    _write(subs, "carol", ch3, _nb(out, "carol", ch3))
    # dave: a cell that raises before a correct answer (re-execution goes on)
    nb = solve(_nb(out, "dave", ch3))
    nb.cells.insert(len(nb.cells) - 2, nbformat.v4.new_code_cell("raise RuntimeError('oops')"))
    _write(subs, "dave", ch3, nb)
    # erin: blank answer, but stored outputs claim success
    nb = _nb(out, "erin", ch3)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=f"{CORRECT_MARK} Well done.\n")]
    nb.cells[-1].execution_count = 7
    _write(subs, "erin", ch3, nb)
    # frank: his file is not a notebook
    (subs / "frank").mkdir()
    (subs / "frank" / f"{ch3}.ipynb").write_text("my answer is 0.64, see attached\n")
    # grace: answers with alice's value, typed in
    alice = VARIANTS.expected("ex-ch3-by-hand", "alice")
    _write(subs, "grace", ch3, solve(_nb(out, "grace", ch3), {
        "ex-ch3-by-hand": f"answer_by_hand = {alice!r}"}))
    # mallory: not in the roster
    _write(subs, "mallory", ch3, solve(_nb(out, "alice", ch3)))
    (subs / "README.txt").write_text("collected on Friday")

    grades = base / "grades"
    rows = grade.grade(subs, out / "autograder", grades, jobs=2, timeout=TIMEOUT, quiet=True)
    with (grades / "grades.csv").open(newline="") as f:
        from_csv = {r["student_id"]: r for r in csv.DictReader(f)}
    assert [r["student_id"] for r in rows] == CLASS + ["mallory"]
    # heidi: a notebook that never ends, graded on its own with a short limit (so that the
    # test does not wait for the class's generous one)
    late = base / "late"
    nb = solve(_nb(out, "heidi", ch2))
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(10_000)"))
    _write(late, "heidi", ch2, nb)
    rows = grade.grade(late, out / "autograder", base / "late-grades", jobs=1, timeout=8.0,
                       quiet=True)
    with (base / "late-grades" / "grades.csv").open(newline="") as f:
        from_csv["heidi"] = next(r for r in csv.DictReader(f) if r["student_id"] == "heidi")
    return from_csv, grades


def _flags(row: dict[str, str]) -> set[str]:
    return set(row["status"].split(","))


@pytest.mark.parametrize(("sid", "total", "flags"), [
    ("alice", 9, {"ok"}),
    ("bob", 2, {"missing"}),
    ("carol", 0, {"missing"}),
    ("dave", 2, {"missing", "raised"}),
    ("erin", 0, {"missing", "faked-outputs"}),
    ("frank", 0, {"missing", "not-a-notebook"}),
    ("grace", 0, {"missing"}),
    ("heidi", 0, {"missing", "timeout"}),
    ("mallory", 0, {"unknown-id"}),
])
def test_synthetic_class_scores(graded_class, sid: str, total: float, flags: set[str]) -> None:
    rows, _ = graded_class
    row = rows[sid]
    assert float(row["total"]) == total, row
    assert _flags(row) == flags, row
    assert float(row["max"]) == sum(g.points for g in VARIANTS.GRADED)
    assert float(row["total"]) == sum(float(row[g.label]) for g in VARIANTS.GRADED)


def test_synthetic_class_details(graded_class) -> None:
    rows, grades = graded_class
    assert {g.label: float(rows["alice"][g.label]) for g in VARIANTS.GRADED} == {
        g.label: float(g.points) for g in VARIANTS.GRADED}
    assert rows["bob"]["ex-ch1-gd-distance"] == "2" and rows["bob"]["ex-ch1-wn-norm"] == "0"
    assert rows["dave"]["ex-ch3-by-hand"] == "2" and "RuntimeError" in rows["dave"]["notes"]
    assert "stored output" in rows["erin"]["notes"]
    assert "not a Jupyter notebook" in rows["frank"]["notes"]
    assert "exceeded" in rows["heidi"]["notes"]
    feedback = {p.stem: p.read_text() for p in (grades / "feedback").glob("*.md")}
    assert set(feedback) == set(CLASS) | {"mallory"}
    assert "student alice's variant" in feedback["grace"]
    assert "not the expected value" in feedback["bob"]
    # feedback never states an expected value
    for sid in CLASS:
        pat = _pattern([VARIANTS.expected(g.label, sid) for g in VARIANTS.GRADED])
        assert pat.search(feedback[sid]) is None, sid


def test_every_model_solution_is_used() -> None:
    assert set(SOLUTIONS) == {g.label for g in VARIANTS.GRADED}


def test_grade_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run make assign first"):
        grade.grade(tmp_path, tmp_path / "none", tmp_path / "g", quiet=True)


def test_instructors_page_matches_the_kit() -> None:
    """The page states the grading tolerance and explains every flag the grader can set."""
    import inspect

    page = (ROOT / "instructors.md").read_text()
    assert VARIANTS.RTOL == 1e-3 and "relative tolerance of 1e-3" in page
    flags = set(re.findall(r'flags\.append\("([a-z-]+)"\)', inspect.getsource(grade)))
    flags |= set(re.findall(r'sub\.flags\.append\("([a-z-]+)"\)', inspect.getsource(grade)))
    assert {"raised", "timeout", "not-a-notebook", "faked-outputs", "unknown-id"} <= flags
    for flag in flags:
        assert f"| `{flag}` |" in page, flag
