"""``make grade``: grade submitted notebooks by re-execution with otter-grader, in parallel.

Usage::

    python -m tools.grading.grade SUBMISSIONS [--autograder _build/assign/autograder]
        [--out _build/grades] [--jobs N] [--timeout SECONDS]

``SUBMISSIONS/<id>/<chapter>.ipynb`` are the collected notebooks (any subset of students and
chapters). Each one is re-executed from a clean copy (stored outputs removed) in its own process
and kernel by ``tools.grading.worker`` (otter's local, non-containerized runner), with the hidden
tests of ``<autograder>/<chapter>/`` filled in with the id the file was collected under (never the
id written in the notebook). Results:

* ``<out>/grades.csv``: one row per student (the roster, plus any unknown id), one column per
  graded exercise, ``total``, ``max``, ``status`` (``ok`` or flags) and ``notes``;
* ``<out>/feedback/<id>.md``: per-exercise result and notes for each student;
* a console line per submission and a summary of everything that was not ``ok``.

A submission that raises, exceeds the time limit, is not a notebook, belongs to an unknown id, or
carries stored outputs claiming "✓ Correct!" is graded on re-execution only (0 where nothing
could run) and flagged; it never stops the other submissions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.grading.assign import PLACEHOLDER  # noqa: E402
from tools.grading.common import (  # noqa: E402
    ASSIGN_DIR,
    CORRECT_MARK,
    GRADES_DIR,
    ROOT,
    load_variants,
    read_roster,
)

DEFAULT_TIMEOUT = 120.0


@dataclass
class Submission:
    """One submitted file and what grading found."""

    student: str
    chapter: str
    path: Path
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    procs = parent.children(recursive=True) + [parent]
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def _zip_autograder(chapter_dir: Path, student: str, dest: Path) -> None:
    """otter's autograder zip for one submission: tests with the collected-under id filled in."""
    with zipfile.ZipFile(dest, "w") as z:
        for f in sorted(chapter_dir.rglob("*")):
            if not f.is_file() or "__pycache__" in f.parts:
                continue
            rel = f.relative_to(chapter_dir).as_posix()
            if rel.startswith("tests/") and f.suffix == ".py":
                text = f.read_text()
                if PLACEHOLDER not in text:
                    raise ValueError(f"{f}: hidden test without the student-id placeholder")
                z.writestr(rel, text.replace(PLACEHOLDER, student))
            else:
                z.write(f, rel)


def _stored_claims(nb: nbformat.NotebookNode) -> int:
    """Number of stored outputs that contain the course's "✓ Correct!" verdict."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = out.get("text", "")
            data = out.get("data", {})
            blob = "".join(text) if isinstance(text, list) else str(text)
            blob += "".join(str(v) for v in data.values())
            if CORRECT_MARK in blob:
                n += 1
    return n


class WorkerSlot:
    """A long-lived ``tools.grading.worker --serve`` process (one per parallel job).

    otter is imported once per slot; each submission still gets its own fresh kernel. A job that
    exceeds its time limit gets the whole process tree killed (kernel included) and the slot
    restarted for the next job.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def _start(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tools.grading.worker", "--serve"], cwd=str(ROOT), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            bufsize=1,
        )
        if self._read_line(120.0) != "READY":
            self.close()
            raise RuntimeError("the grading worker did not start (is otter-grader installed? "
                               "pip install -e '.[instructor]')")

    def _read_line(self, timeout: float) -> str | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0.0))
        if not ready:
            return None
        return self.proc.stdout.readline().strip()

    def run(self, notebook: Path, zip_path: Path, result: Path, timeout: float) -> str:
        """Grade one job: ``"timeout"``, or ``""`` when the worker answered (else its exit)."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        t0 = time.perf_counter()
        self.proc.stdin.write(f"{notebook}\t{zip_path}\t{result}\n")
        self.proc.stdin.flush()
        while True:
            line = self._read_line(timeout - (time.perf_counter() - t0))
            if line is None:
                self.close()
                return "timeout"
            if line == "DONE":
                return ""
            if line == "" and self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                return f"the grading worker exited with code {code}"

    def close(self) -> None:
        if self.proc is not None:
            _kill_tree(self.proc.pid)
            self.proc = None


def _run_one(sub: Submission, ag: Path, labels: list[str], timeout: float,
             slot: WorkerSlot) -> Submission:
    """Validate, sanitize and re-execute one submission; fill ``sub`` (never raises)."""
    start = time.perf_counter()
    for label in labels:
        sub.scores[label] = 0.0
    try:
        nb = nbformat.read(sub.path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:
        sub.flags.append("not-a-notebook")
        sub.notes.append(f"{sub.chapter}: {sub.path.name} is not a Jupyter notebook "
                         f"({type(err).__name__}); 0 points")
        sub.seconds = time.perf_counter() - start
        return sub
    meta = nb.metadata.get("wn_assignment", {})
    if meta.get("chapter") not in (None, sub.chapter):
        sub.flags.append("wrong-chapter")
        sub.notes.append(f"{sub.chapter}: the file is the assignment of {meta.get('chapter')}")
    issued = meta.get("student_id")
    if issued is not None and issued != sub.student:
        sub.flags.append("issued-to-other")
        sub.notes.append(f"{sub.chapter}: notebook was issued to {issued}, collected under "
                         f"{sub.student}; graded with {sub.student}'s parameters")
    claims = _stored_claims(nb)
    if claims:
        sub.flags.append("faked-outputs")
        sub.notes.append(f"{sub.chapter}: {claims} stored output(s) claim '{CORRECT_MARK}' (the "
                         "assignment's checks never print it); stored outputs ignored, graded "
                         "on re-execution")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    with tempfile.TemporaryDirectory(prefix="wn-grade-") as tmp:
        tmp_path = Path(tmp)
        nb_path = tmp_path / f"{sub.chapter}.ipynb"
        nbformat.write(nb, nb_path)
        zip_path = tmp_path / "autograder.zip"
        _zip_autograder(ag / sub.chapter, sub.student, zip_path)
        payload: dict[str, Any] = {}
        for attempt in (1, 2):  # a grader failure (e.g. a kernel slow to start) is retried once
            result_path = tmp_path / f"result{attempt}.json"
            outcome = slot.run(nb_path, zip_path, result_path, timeout)
            if outcome == "timeout":
                sub.flags.append("timeout")
                sub.notes.append(f"{sub.chapter}: re-execution exceeded the {timeout:g} s limit "
                                 "and was stopped; 0 points")
                sub.seconds = time.perf_counter() - start
                return sub
            payload = json.loads(result_path.read_text()) if result_path.is_file() else {}
            log = outcome
            if payload and not payload.get("catastrophic"):
                break
    if not payload or payload.get("catastrophic"):
        sub.flags.append("grader-error")
        detail = (payload or {}).get("catastrophic") or log[-500:]
        sub.notes.append(f"{sub.chapter}: the grader could not run this notebook: {detail}")
    for name, t in payload.get("tests", {}).items():
        sub.scores[name] = t["score"]
        if not t["passed"]:
            sub.messages[name] = "; ".join(m.strip().splitlines()[-1] for m in t["messages"]
                                           if m.strip()) or "failed"
    errors = payload.get("errors", [])
    if errors:
        sub.flags.append("raised")
        first = errors[0]
        sub.notes.append(f"{sub.chapter}: {len(errors)} cell(s) raised on re-execution (first: "
                         f"cell {first['cell']}, {first['ename']}: {first['evalue'][:120]})")
    sub.seconds = time.perf_counter() - start
    return sub


def collect(submissions: Path, chapters: list[str]) -> tuple[list[Submission], list[str]]:
    """Submissions found under ``submissions/<id>/`` and notes on files that were ignored."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {submissions}")
    found, ignored = [], []
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            ignored.append(f"{entry.name}: not inside a <student id>/ folder, ignored")
            continue
        for f in sorted(entry.iterdir()):
            if f.name.startswith(".") or f.is_dir():
                continue
            if f.stem in chapters:
                found.append(Submission(entry.name, f.stem, f))
            else:
                ignored.append(f"{entry.name}/{f.name}: not an assignment file "
                               f"({', '.join(c + '.ipynb' for c in chapters)}), ignored")
    return found, ignored


def grade(submissions: Path, autograder: Path = ASSIGN_DIR / "autograder",
          out: Path = GRADES_DIR, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
          quiet: bool = False) -> list[dict[str, Any]]:
    """Grade a folder of submissions; write ``grades.csv`` and the feedback files.

    Parameters
    ----------
    submissions : Path
        ``<id>/<chapter>.ipynb`` files.
    autograder : Path
        The folder ``make assign`` wrote.
    out : Path
        Where ``grades.csv`` and ``feedback/`` go (replaced).
    jobs : int, optional
        Parallel submissions (default: the machine's cores).
    timeout : float
        Wall-clock limit of one submission's re-execution, in seconds.
    quiet : bool
        Print nothing.

    Returns
    -------
    list of dict
        The rows of ``grades.csv``.
    """
    autograder = Path(autograder)
    if not (autograder / "variants.py").is_file():
        raise FileNotFoundError(f"no autograder in {autograder}: run make assign first")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    variants = load_variants(autograder / "variants.py")
    roster = read_roster(autograder / "roster.csv")
    chapters = variants.chapters()
    labels_of = {ch: [g.label for g in variants.GRADED if g.chapter == ch] for ch in chapters}
    all_labels = [g.label for g in variants.GRADED]
    max_total = float(sum(g.points for g in variants.GRADED))
    subs, ignored = collect(submissions, chapters)
    say = (lambda *a: None) if quiet else print
    known = [s for s in subs if s.student in roster]
    unknown = sorted({s.student for s in subs if s.student not in roster})
    jobs = max(1, jobs or os.cpu_count() or 1)
    say(f"grade: {len(known)} submission(s) of {len({s.student for s in known})} student(s), "
        f"{jobs} in parallel, limit {timeout:g} s each")
    t0 = time.perf_counter()

    slots: queue.Queue[WorkerSlot] = queue.Queue()
    for _ in range(min(jobs, max(1, len(known)))):
        slots.put(WorkerSlot())

    def work(sub: Submission) -> Submission:
        slot = slots.get()
        try:
            done = _run_one(sub, autograder, labels_of[sub.chapter], timeout, slot)
        finally:
            slots.put(slot)
        got = sum(done.scores.values())
        possible = sum(variants.by_label(lb).points for lb in labels_of[sub.chapter])
        flags = ",".join(done.flags) or "ok"
        say(f"  {done.student:>12} {done.chapter:<14} {got:g}/{possible:g}  [{flags}]  "
            f"{done.seconds:.1f} s")
        return done

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            graded = list(pool.map(work, known))
    finally:
        while not slots.empty():
            slots.get().close()
    elapsed = time.perf_counter() - t0

    rows: list[dict[str, Any]] = []
    by_student: dict[str, list[Submission]] = {}
    for s in graded:
        by_student.setdefault(s.student, []).append(s)
    for sid in roster + unknown:
        mine = by_student.get(sid, [])
        scores = {lb: 0.0 for lb in all_labels}
        flags: list[str] = []
        notes: list[str] = []
        messages: dict[str, str] = {}
        if sid in unknown:
            flags.append("unknown-id")
            files = ", ".join(s.path.name for s in subs if s.student == sid)
            notes.append(f"{sid} is not in the roster: not graded ({files})")
        else:
            done_chapters = {s.chapter for s in mine}
            missing = [c for c in chapters if c not in done_chapters]
            if missing:
                flags.append("missing")
                notes.append("no submission for " + ", ".join(missing))
        for s in mine:
            scores.update(s.scores)
            messages.update(s.messages)
            flags += [f for f in s.flags if f not in flags]
            notes += s.notes
        total = sum(scores.values())
        row = {"student_id": sid, **{lb: f"{scores[lb]:g}" for lb in all_labels},
               "total": f"{total:g}", "max": f"{max_total:g}",
               "status": ",".join(flags) or "ok", "notes": " | ".join(notes)}
        rows.append(row)
        _write_feedback(out, sid, variants, scores, messages, notes, total, max_total,
                        graded=sid not in unknown)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "grades.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["student_id", *all_labels, "total", "max", "status",
                                          "notes"])
        w.writeheader()
        w.writerows(rows)
    say(f"grade: {len(graded)} notebook(s) in {elapsed:.1f} s -> {out / 'grades.csv'}")
    for note in ignored:
        say(f"grade: NOTE {note}")
    for row in rows:
        if row["status"] != "ok":
            say(f"grade: {row['student_id']}: {row['status']}: {row['notes']}")
    return rows


def _write_feedback(out: Path, sid: str, variants, scores: dict[str, float],
                    messages: dict[str, str], notes: list[str], total: float,
                    max_total: float, graded: bool) -> None:
    folder = Path(out) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"# Feedback for {sid}", "", f"Total: {total:g} / {max_total:g}", ""]
    if graded:
        lines += ["| exercise | points | result |", "| --- | --- | --- |"]
        for g in variants.GRADED:
            got = scores.get(g.label, 0.0)
            result = "correct" if got >= g.points else messages.get(g.label, "not submitted")
            lines.append(f"| {g.label} | {got:g} / {g.points:g} | {result} |")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    (folder / f"{sid}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--autograder", type=Path, default=ASSIGN_DIR / "autograder")
    parser.add_argument("--out", type=Path, default=GRADES_DIR)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    try:
        out = Path(args.out)
        if out.exists():
            shutil.rmtree(out)
        grade(args.submissions, args.autograder, out, args.jobs, args.timeout)
    except (FileNotFoundError, ValueError) as err:
        print(f"grade: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
