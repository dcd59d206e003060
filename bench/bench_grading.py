"""Benchmark: grading a class with ``make grade`` (otter-grader, re-execution), parallel vs serial.

A class of ``--students`` ids (default 30) gets its assignment (``tools.grading.assign``, all
graded chapters: 5 notebooks each), every notebook is filled with the model solutions
(``instructor/solutions.py``), and the class is graded

- in parallel, one worker per core (what ``make grade`` does), and
- one at a time (``jobs=1``), on the first ``--serial-students`` students (default 6, so that
  the bench stays short; pass ``--serial-students 30`` for the whole class), extrapolated
  linearly to the whole class when it is a subset.

Prints the wall time of each run, the time per submission (median and max of the per-notebook
re-execution times, and wall time / notebooks), the parallel/serial ratio, and checks that every
notebook earned full points (a bench of a grader that gives wrong grades is worthless).

Run: ``.venv/bin/python bench/bench_grading.py`` (needs the ``instructor`` extra: ``make assign``
installs it; without it the bench says so and exits 0).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _class(base: Path, n: int) -> tuple[Path, Path, list[str]]:
    from instructor.solutions import solve
    from tools.grading import assign

    ids = [f"b{k:03d}" for k in range(1, n + 1)]
    roster = base / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(ids) + "\n")
    out = base / "assign"
    assign.build(roster, out, quiet=True)
    subs = base / "submissions"
    for sid in ids:
        (subs / sid).mkdir(parents=True)
        for f in sorted((out / "student" / sid).glob("*.ipynb")):
            nbformat.write(solve(nbformat.read(f, 4)), subs / sid / f.name)
    return out / "autograder", subs, ids


def _run(subs: Path, ag: Path, out: Path, jobs: int) -> tuple[float, list[float], int]:
    """Grade; return wall time, per-notebook times, and the number of full-score students."""
    from tools.grading import grade

    per: list[float] = []
    orig = grade._run_one

    def timed(*args, **kwargs):
        sub = orig(*args, **kwargs)
        per.append(sub.seconds)
        return sub

    grade._run_one = timed
    try:
        t0 = time.perf_counter()
        rows = grade.grade(subs, ag, out, jobs=jobs, quiet=True)
        wall = time.perf_counter() - t0
    finally:
        grade._run_one = orig
    submitted = {p.name for p in subs.iterdir()}
    full = 0
    for r in rows:
        if r["student_id"] not in submitted:
            continue
        if r["total"] == r["max"] and r["status"] == "ok":
            full += 1
        else:
            print(f"  not full marks: {r['student_id']} {r['total']}/{r['max']} "
                  f"[{r['status']}] {r['notes'][:300]}")
    return wall, per, full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--serial-students", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if importlib.util.find_spec("otter") is None:
        print("bench_grading: skipped, otter-grader is not installed "
              "(pip install -e '.[instructor]', or run make assign once)")
        return 0
    n, n_serial = args.students, min(args.serial_students, args.students)
    with tempfile.TemporaryDirectory(prefix="wn-bench-grading-") as tmp:
        base = Path(tmp)
        t0 = time.perf_counter()
        ag, subs, ids = _class(base, n)
        n_chapters = len(list((subs / ids[0]).glob("*.ipynb")))
        print(f"class: {n} students x {n_chapters} chapters = {n * n_chapters} notebooks "
              f"(assign + fill: {time.perf_counter() - t0:.1f} s); cores: {os.cpu_count()}, "
              f"parallel jobs: {args.jobs}")

        wall_p, per_p, full_p = _run(subs, ag, base / "grades-par", args.jobs)
        print(f"parallel ({args.jobs} jobs): {wall_p:.1f} s for {len(per_p)} notebooks, "
              f"{wall_p / len(per_p):.2f} s/notebook of wall time; per notebook median "
              f"{statistics.median(per_p):.2f} s, max {max(per_p):.2f} s; "
              f"full marks: {full_p}/{n}")

        serial_subs = base / "serial"
        serial_subs.mkdir()
        for sid in ids[:n_serial]:
            (serial_subs / sid).symlink_to(subs / sid)
        wall_s, per_s, full_s = _run(serial_subs, ag, base / "grades-ser", 1)
        scale = n / n_serial
        print(f"one at a time: {wall_s:.1f} s for {len(per_s)} notebooks "
              f"({n_serial} students), {wall_s / len(per_s):.2f} s/notebook; per notebook "
              f"median {statistics.median(per_s):.2f} s; full marks: {full_s}/{n_serial}")
        est = wall_s * scale
        label = "measured" if n_serial == n else f"extrapolated x{scale:g} from {n_serial}"
        print(f"whole class one at a time: {est:.1f} s ({label}); in parallel: {wall_p:.1f} s; "
              f"speed-up {est / wall_p:.2f}x")
        if full_p != n or full_s != n_serial:
            print("bench_grading: ERROR: some model solutions did not get full marks")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
