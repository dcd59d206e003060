"""Self-checks of Chapter 3 (the two-dimensional example)."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..algorithms import rpgd, two_stage
from ..theory import example2d as ex
from ..theory.flow import flow_limit
from . import AnswerFormatError, as_float, exercise

_W_PAPER = np.array([0.0, 1.0])


def _paper_x2(g0: float, c: float = 1.0) -> float:
    return float(flow_limit(ex.example_problem(1.0), g0, _W_PAPER, c)[1])


# ------------------------------------------------------------------ ex-ch3-by-hand
@exercise("ex-ch3-by-hand", reference=lambda: _paper_x2(0.5), wrong=lambda: math.exp(-0.375))
def _by_hand(answer):
    x2 = as_float(answer)
    expected = _paper_x2(0.5)
    if math.isclose(x2, expected, rel_tol=1e-6):
        return True, f"The flow ends at (1, {expected:.6f})."
    if math.isclose(x2, math.exp((0.25 - 1) / 2), rel_tol=1e-4):
        return False, ("That is the printed formula exp((g0² − 1)/2), which puts g* where g_∞ "
                       "belongs. At the end g_∞² = 1 + x2² is not 1: solve s(1 − e^(g0² − s)) = 1 "
                       "for s = g_∞².")
    if math.isclose(x2, 0.5, rel_tol=1e-6):
        return False, "0.5 is GD's x2 (it keeps x0⊥). WN's direction turns while g grows."
    if math.isclose(x2 * x2, 1 + expected**2, rel_tol=1e-4) or math.isclose(
        x2, math.sqrt(1 + expected**2), rel_tol=1e-4
    ):
        return False, "That looks like g_∞; the exercise asks for x2 = g_∞ · sin θ_∞."
    return False, ("Not the end point. Use x2 = g_∞ e^((g0² − g_∞²)/2) (invariant, |sin θ0| = 1) "
                   "and g_∞² = 1 + x2² (the end is on x1 = 1).")


# ------------------------------------------------------------------- ex-ch3-stuck
def _stuck() -> float:
    return ex.stuck_scale(2.5, 2.0)


@exercise("ex-ch3-stuck", reference=_stuck, wrong=lambda: -_stuck())
def _stuck_check(answer):
    g0 = as_float(answer)
    expected = _stuck()
    if math.isclose(g0, expected, rel_tol=1e-6):
        return True, "The invariant of this start equals the saddle's level, 1."
    if math.isclose(g0, -expected, rel_tol=1e-6):
        return False, ("Right level curve, wrong branch: with this sign x1 = g0 cos θ0 is on the "
                       "side of y and the flow reaches zero loss. The stuck branch has y·g0·cos θ0 "
                       "< 0.")
    if math.isclose(abs(g0), math.sqrt(-math.log(abs(math.sin(2.5)))), rel_tol=1e-6) or \
            math.isclose(abs(g0), math.sqrt(-2 * math.log(abs(math.sin(2.5)))), rel_tol=1e-6):
        return False, "Check the factor c = 2 in the exponent g²/(2c)."
    return False, ("Set the invariant |sin θ0| e^(g0²/(2c)) equal to its value at the spurious "
                   "point (π/2, 0), and pick the sign that puts x1 on the wrong side of 0.")


# --------------------------------------------------------------- ex-ch3-crossover
def _crossover() -> float:
    from scipy.optimize import brentq

    return float(brentq(lambda g0: _paper_x2(g0) - g0, 0.05, 0.99, xtol=1e-13))


@exercise("ex-ch3-crossover", reference=_crossover, wrong=lambda: 1.0)
def _crossover_check(answer):
    g0 = as_float(answer)
    expected = _crossover()
    if math.isclose(g0, expected, rel_tol=1e-5):
        return True, (f"Below g0 ≈ {expected:.4f}, GD from the same x0 ends closer to x*. The "
                      "printed formula exp((g0² − 1)/2) ≥ g0 has no crossover at all.")
    if math.isclose(g0, 1.0, rel_tol=1e-6):
        return False, ("g0 = 1 is where the printed formula exp((g0² − 1)/2) touches g0 (it never "
                       "crosses it). Use the exact limit (theory.flow_limit, or solve for g_∞).")
    if not 0 < g0 < 1:
        return False, "The crossover lies between 0 and g* = 1."
    side = "WN is still farther" if _paper_x2(g0) > g0 else "WN is already closer"
    return False, f"At g0 = {g0:.4g}, {side} than GD. Solve x2_exact(g0) = g0 with brentq."


# ---------------------------------------------------------------- ex-ch3-schedule
def _run_schedule(answer) -> tuple[float, int, bool]:
    if not isinstance(answer, dict):
        raise AnswerFormatError(
            'expected a dict {"eta": ..., "gamma1": ..., "T1": ..., "gamma2": ...}'
        )
    missing = {"eta", "gamma1", "T1", "gamma2"} - set(answer)
    if missing:
        raise AnswerFormatError(f"the dict lacks the key(s) {sorted(missing)}")
    eta, g1, g2 = (as_float(answer[k]) for k in ("eta", "gamma1", "gamma2"))
    T1 = answer["T1"]
    if not (isinstance(T1, int | np.integer) and T1 >= 0):
        raise AnswerFormatError(f"T1 must be a non-negative integer, got {T1!r}")
    if eta <= 0 or g1 < 0 or g2 < 0:
        raise AnswerFormatError("eta must be > 0 and gamma1, gamma2 >= 0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = rpgd(ex.example_problem(1.0), 0.5, _W_PAPER, eta=eta,
                   gamma=two_stage(g1, g2, int(T1)), tol=1e-20, max_iter=5000)
    dist = float(np.linalg.norm(run.x - np.array([1.0, 0.0])))
    return dist, int(run.n_iter), bool(run.diverged)


@exercise(
    "ex-ch3-schedule",
    reference=lambda: {"eta": 4.0, "gamma1": 0.0, "T1": 15, "gamma2": 1.0},
    wrong=lambda: {"eta": 0.1, "gamma1": 0.1, "T1": 0, "gamma2": 0.1},
)
def _schedule_check(answer):
    dist, n_iter, diverged = _run_schedule(answer)
    if diverged:
        return False, ("rPGD diverged: a scale step near the solution must keep "
                       "γ·cos²θ < 2 (try γ2 ≤ 1).")
    if dist <= 1e-3:
        return True, f"rPGD ends {dist:.2e} from x* after {n_iter} iterations."
    if as_float(answer["gamma1"]) > 0:
        hint = ("the scale moves while the direction still has a w⊥ component, so part of it "
                "is frozen into the limit. Hold the scale (γ1 = 0) for the first T1 steps.")
    else:
        hint = ("the direction has not turned far enough before the scale is released: "
                "increase T1 or take the optimal direction step η = 1/g0² (Theorem 3.2).")
    return False, f"rPGD ends {dist:.3g} from x* after {n_iter} iterations: {hint}"

