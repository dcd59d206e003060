"""Grade one submission with otter-grader's non-containerized runner (one process per submission).

Usage: ``python -m tools.grading.worker NOTEBOOK AUTOGRADER_ZIP RESULT_JSON`` (one submission),
or ``python -m tools.grading.worker --serve``: read ``NOTEBOOK<TAB>ZIP<TAB>RESULT_JSON`` lines on
standard input, grade each, and answer ``DONE`` on standard output after writing its result
(``make grade`` keeps one such process per core, so otter is imported once per process, while
every submission still runs in a fresh kernel).

``otter.api.grade_submission`` re-executes the notebook in a fresh kernel (nbconvert's
ExecutePreprocessor, errors allowed so that one failing cell does not stop the rest), then runs
every hidden test of the autograder against the notebook's final global variables. This worker
writes the per-exercise scores and the errors raised by the student's cells to ``RESULT_JSON``.
``make grade`` runs it under a wall-clock limit and kills its process tree (the kernel included)
when the limit is exceeded.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path


def _patient_kernel_start(seconds: int = 600) -> None:
    """Let kernels take up to ``seconds`` to start (nbclient's default, 60 s, fails on a loaded
    machine; otter builds its ExecutePreprocessor without a way to pass it). The wall-clock limit
    of ``make grade`` still bounds the whole submission."""
    from nbconvert.preprocessors import ExecutePreprocessor

    if getattr(ExecutePreprocessor.__init__, "_wn_patient", False):
        return
    original = ExecutePreprocessor.__init__

    def __init__(self, *args, **kwargs):  # noqa: N807
        original(self, *args, **kwargs)
        self.startup_timeout = max(self.startup_timeout, seconds)

    __init__._wn_patient = True  # type: ignore[attr-defined]
    ExecutePreprocessor.__init__ = __init__  # type: ignore[method-assign]


def grade(notebook: Path, autograder_zip: Path) -> dict:
    """Run otter on one notebook; return scores, messages and cell errors (JSON-serializable)."""
    import otter.api

    _patient_kernel_start()

    results = otter.api.grade_submission(str(notebook), str(autograder_zip), quiet=True)
    tests = {}
    for name, tf in results.results.items():
        messages = [r.message for r in tf.test_case_results if not r.passed and r.message]
        tests[name] = {"score": float(tf.score), "possible": float(tf.possible),
                       "passed": bool(tf.passed_all), "messages": messages}
    errors = []
    if results.notebook is not None:
        for i, cell in enumerate(results.notebook.cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append({"cell": i, "ename": out.get("ename", ""),
                                   "evalue": str(out.get("evalue", ""))[:300]})
    catastrophic = results.catastrophic_error
    return {"tests": tests, "errors": errors,
            "catastrophic": None if catastrophic is None else repr(catastrophic)[:500]}


def _grade_to_file(notebook: Path, zip_path: Path, out: Path) -> None:
    try:
        payload = grade(notebook, zip_path)
    except Exception as err:  # reported in the gradebook, never raised at the driver
        payload = {"tests": {}, "errors": [], "catastrophic":
                   f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=3)}"[:2000]}
    out.write_text(json.dumps(payload))


def serve() -> int:
    """Grade jobs read from standard input until it closes."""
    protocol = sys.stdout
    sys.stdout = sys.stderr  # whatever grading prints must not mix with the protocol
    import otter.api  # noqa: F401  (imported once, before the first job)

    protocol.write("READY\n")
    protocol.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        notebook, zip_path, out = (Path(p) for p in line.rstrip("\n").split("\t"))
        _grade_to_file(notebook, zip_path, out)
        protocol.write("DONE\n")
        protocol.flush()
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--serve"]:
        return serve()
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    _grade_to_file(*map(Path, argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
