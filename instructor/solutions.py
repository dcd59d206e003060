"""Model solutions of the graded exercises, as code a student would write in the answer cell.

Each entry replaces the line ``answer_... = ...`` of a student's notebook: it uses only the
parameter variables of that student's notebook (``seed``, ``g0``, ...) and what the chapter's
setup cell imports, never ``variants.py``. ``tests/test_grading.py`` and
``bench/bench_grading.py`` fill submissions with them; an instructor can use them to write a
solutions notebook. Instructor-only: not handed out.
"""

from __future__ import annotations

import nbformat

__all__ = ["SOLUTIONS", "solve"]

SOLUTIONS: dict[str, str] = {
    # GD ends at x* + x0⊥: the distance is ‖x0⊥‖ (Proposition prop-gd-limit).
    "ex-ch1-gd-distance": "answer_gd_distance = np.linalg.norm(P.split(x0)[1])",
    # One WN step is orthogonal to w0 (‖w0‖ = 1): ‖w1‖ = √(1 + η²‖∇_w h‖²).
    "ex-ch1-wn-norm": (
        "r = P.y - g0 * (P.A @ w0)\n"
        "grad_w = -g0 * (P.A.T @ r - (w0 @ P.A.T @ r) * w0)\n"
        "answer_wn_norm = np.sqrt(1 + eta**2 * grad_w @ grad_w)"
    ),
    # Invariant of Lemma 2.5: ‖w⊥_t‖ exp(g_t²/(2c)) is constant.
    "ex-ch2-invariant": "answer_invariant = np.exp((g0**2 - g_t**2) / (2 * c))",
    # x2 = g_∞ exp((g0² − g_∞²)/2) and g_∞² = 1 + x2²: one equation in x2.
    "ex-ch3-by-hand": (
        "from scipy.optimize import brentq\n"
        "answer_by_hand = brentq(lambda x2: x2 - np.sqrt(1 + x2**2) * "
        "np.exp((g0**2 - 1 - x2**2) / 2), 1e-9, 10)"
    ),
    # ‖w⊥_{t+1}‖ = ‖w⊥_t‖ / ‖v_t‖, ‖v_t‖² = ‖w⊥_t‖² + g*²/g_t².
    "ex-ch4-recursion": "answer_recursion = w_perp / np.sqrt(w_perp**2 + (g_star / g_t)**2)",
    # Proposition 3.3: g0 ≤ g* λ_min / (2 + δ).
    "ex-ch5-admissible-g0": (
        "answer_admissible = problem.g_star * problem.lam_min / (2 + delta)"
    ),
}


def solve(nb: nbformat.NotebookNode, answers: dict[str, str] | None = None
          ) -> nbformat.NotebookNode:
    """Fill the answer lines of an assignment notebook (in place; returns it).

    Parameters
    ----------
    nb : NotebookNode
        A notebook written by ``make assign``.
    answers : dict, optional
        Exercise label -> code replacing its ``answer_... = ...`` line (default: the model
        solutions). Labels not given keep their blank line.
    """
    answers = SOLUTIONS if answers is None else answers
    for cell in nb.cells:
        if cell.cell_type != "code" or "public_check(" not in cell.source:
            continue
        for label, code in answers.items():
            if f"public_check({label!r}" not in cell.source:
                continue
            lines = cell.source.splitlines()
            k = next(i for i, line in enumerate(lines) if line.startswith("answer_")
                     and "= ...  # your answer here" in line)
            lines[k:k + 1] = code.splitlines()
            cell.source = "\n".join(lines)
    return nb
