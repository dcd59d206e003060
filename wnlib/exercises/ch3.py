"""Self-checks of Chapter 3 (the two-dimensional example)."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..algorithms import rpgd, two_stage
from ..problem import example_problem
from ..theory import example2d as ex
from ..theory.flow import flow_limit
from . import AnswerFormatError, Hints, as_float, close, exercise, hints

_W_PAPER = np.array([0.0, 1.0])


def _paper_x2(g0: float, c: float = 1.0) -> float:
    return float(flow_limit(example_problem(1.0), g0, _W_PAPER, c)[1])


# ------------------------------------------------------------------ ex-ch3-by-hand
_BY_HAND_MISTAKES = [
    (lambda: math.exp((0.25 - 1) / 2),
     "That is the printed formula exp((g0² − 1)/2), which puts g* where g_∞ belongs. At the end "
     "g_∞² = 1 + x2² is not 1: solve s(1 − e^(g0² − s)) = 1 for s = g_∞²."),
    (lambda: 0.5, "0.5 is GD's x2 (it keeps x0⊥). WN's direction turns while g grows."),
    (lambda: [math.sqrt(1 + _paper_x2(0.5) ** 2), 1 + _paper_x2(0.5) ** 2],
     "That looks like g_∞ (or g_∞²); the exercise asks for x2 = g_∞ · sin θ_∞."),
]

_BY_HAND_HINTS = hints(
    "Two facts fix the end point: what the flow conserves, and what zero loss means. Write both "
    "at the end of the path.",
    "At the end x1 = g_∞ cos θ_∞ = 1, and the invariant |sin θ|·e^(g²/2) (c = 1) is the same at "
    "the start and at the end. Eliminate θ_∞ and solve for g_∞.",
    "Use x2 = g_∞ e^((g0² − g_∞²)/2) (invariant, |sin θ0| = 1) and g_∞² = 1 + x2² (the end is on "
    "x1 = 1).",
)


@exercise("ex-ch3-by-hand", reference=lambda: _paper_x2(0.5), wrong=lambda: math.exp(-0.375),
          mistakes=_BY_HAND_MISTAKES, hints=_BY_HAND_HINTS,
          method_words=("e^(", "g_∞²", "1 + x2²", "brentq", "s(1"))
def _by_hand(answer) -> tuple[bool, str | Hints]:
    expected = _paper_x2(0.5)
    return close(as_float(answer), expected, hint=_BY_HAND_HINTS,
                 mistakes=_BY_HAND_MISTAKES,
                 remark=f"The flow ends at (1, {expected:.6f}).")


# ------------------------------------------------------------------- ex-ch3-stuck
def _stuck() -> float:
    return ex.stuck_scale(2.5, 2.0)


def _stuck_wrong_c() -> list[float]:
    """g0 with the factor c = 2 of g²/(2c) lost (c = 1/2 or c = 1), both signs."""
    s = -math.log(abs(math.sin(2.5)))
    return [v for g in (math.sqrt(s), math.sqrt(2 * s)) for v in (g, -g)]


_STUCK_MISTAKES = [
    (lambda: -_stuck(),
     "Right level curve, wrong branch: with this sign x1 = g0 cos θ0 is on the side of y and the "
     "flow reaches zero loss. The stuck branch has y·g0·cos θ0 < 0."),
    (_stuck_wrong_c, "Check the factor c = 2 in the exponent g²/(2c)."),
    (lambda: [_stuck() ** 2], "That is g0²; the exercise asks for g0."),
]

_STUCK_HINTS = hints(
    "Where does a stuck start end, and what does the flow conserve on its way there?",
    "Set the invariant of the start equal to its value at the spurious point, then choose the "
    "sign that puts x1 on the wrong side of 0.",
    "|sin θ0|·e^(g0²/(2c)) = 1 (its value at the spurious point (π/2, 0)) gives "
    "g0² = −2c·log|sin θ0|; the stuck branch has y·g0·cos θ0 < 0.",
)


@exercise("ex-ch3-stuck", reference=_stuck, wrong=lambda: -_stuck(),
          mistakes=_STUCK_MISTAKES, hints=_STUCK_HINTS,
          method_words=("e^(", "g0²/(2c)", "log|sin", "π/2", "invariant"))
def _stuck_check(answer) -> tuple[bool, str | Hints]:
    return close(as_float(answer), _stuck(), hint=_STUCK_HINTS,
                 mistakes=_STUCK_MISTAKES,
                 remark="The invariant of this start equals the saddle's level, 1.")


# --------------------------------------------------------------- ex-ch3-crossover
def _crossover() -> float:
    from scipy.optimize import brentq

    return float(brentq(lambda g0: _paper_x2(g0) - g0, 0.05, 0.99, xtol=1e-13))


_CROSS_MISTAKES = [
    (lambda: 1.0,
     "g0 = 1 is where the printed formula exp((g0² − 1)/2) touches g0 (it never crosses it). Use "
     "the exact limit (theory.flow_limit, or solve for g_∞)."),
]

_CROSS_STEPS = (
    "Compare the two end points once more, with the exact WN limit.",
    "Both end on x1 = 1, so compare their x2: GD's is g0, WN's comes from the exact limit; the "
    "crossover is where the two are equal.",
    "Solve x2_exact(g0) = g0 with brentq on (0.05, 0.99), x2_exact from theory.flow_limit.",
)


@exercise("ex-ch3-crossover", reference=_crossover, wrong=lambda: 1.0,
          mistakes=_CROSS_MISTAKES, hints=hints(*_CROSS_STEPS),
          method_words=("brentq", "x2_exact", "flow_limit"))
def _crossover_check(answer) -> tuple[bool, str | Hints]:
    g0 = as_float(answer)
    expected = _crossover()
    ok, message = close(g0, expected, hint="", mistakes=_CROSS_MISTAKES,
                        remark=f"Below g0 ≈ {expected:.4f}, GD from the same x0 ends closer to "
                               "x*. The printed formula exp((g0² − 1)/2) ≥ g0 has no crossover at "
                               "all.")
    if ok or message:
        return ok, message
    if not 0 < g0 < 1:
        return False, "The crossover lies between 0 and g* = 1."
    side = "WN is still farther" if _paper_x2(g0) > g0 else "WN is already closer"
    return False, hints(*(f"At g0 = {g0:.4g}, {side} than GD. {s}" for s in _CROSS_STEPS))


# ---------------------------------------------------------------- ex-ch3-schedule
def _run_schedule(answer) -> tuple[float, int, bool]:
    if not isinstance(answer, dict):
        raise AnswerFormatError(
            'expected a dict with the keys "eta", "gamma1", "T1" and "gamma2"'
        )
    missing = {"eta", "gamma1", "T1", "gamma2"} - set(answer)
    if missing:
        raise AnswerFormatError(f"the dict lacks the key(s) {sorted(missing)}")
    eta, g1, g2 = (as_float(answer[k]) for k in ("eta", "gamma1", "gamma2"))
    T1 = answer["T1"]
    if isinstance(T1, float | np.floating) and float(T1).is_integer():
        T1 = int(T1)
    if not (isinstance(T1, int | np.integer) and T1 >= 0):
        raise AnswerFormatError(f"T1 must be a non-negative integer, got {T1!r}")
    if eta <= 0 or g1 < 0 or g2 < 0:
        raise AnswerFormatError("eta must be > 0 and gamma1, gamma2 >= 0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = rpgd(example_problem(1.0), 0.5, _W_PAPER, eta=eta,
                   gamma=two_stage(g1, g2, int(T1)), tol=1e-20, max_iter=5000)
    dist = float(np.linalg.norm(run.x - np.array([1.0, 0.0])))
    return dist, int(run.n_iter), bool(run.diverged)


def _schedule_diagnosis(answer) -> tuple[float, bool]:
    """‖w⊥‖ when the scale is released (after T1 steps), and whether w later flips to −w*."""
    eta, g1, g2 = (as_float(answer[k]) for k in ("eta", "gamma1", "gamma2"))
    T1 = int(answer["T1"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = rpgd(example_problem(1.0), 0.5, _W_PAPER, eta=eta,
                   gamma=two_stage(g1, g2, T1), tol=1e-20, max_iter=5000, record_x=True)
    x, g = run.history.x, run.history.g
    k = min(T1 + 1, len(g) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w1 = x[:, 0] / g  # the component of w along w* = [1, 0]
    return float(abs(x[k, 1] / g[k])), bool(np.any(w1[k:] < 0))


@exercise(
    "ex-ch3-schedule",
    reference=lambda: {"eta": 4.0, "gamma1": 0.0, "T1": 15, "gamma2": 1.0},
    wrong=lambda: {"eta": 0.1, "gamma1": 0.1, "T1": 0, "gamma2": 0.1},
    mistakes=[(lambda: {"eta": 4.0, "gamma1": 1.0, "T1": 0, "gamma2": 1.0}, "Hold the scale"),
              (lambda: {"eta": 4.0, "gamma1": 0.0, "T1": 15, "gamma2": 3.0}, "diverged")],
    hints=hints("Look at the direction and the scale separately: which one is still off at the "
                "end, and since when?",
                "The scale should wait until the direction has turned into the row space; a scale "
                "that moves early freezes part of w⊥ into the limit.",
                "Hold the scale (γ1 = 0) for T1 steps with a direction step near η = 1/g0² "
                "(the first stage of Theorem 3.2 (b)), then release it with a γ2 that does not "
                "push g past g* (γ2 = 1 lands on g* in one step)."),
    method_words=("1/g0²", "Theorem 3.2", "two_stage"),
)
def _schedule_check(answer) -> tuple[bool, str | Hints]:
    dist, n_iter, diverged = _run_schedule(answer)
    if diverged:
        return False, ("rPGD diverged: near the solution a scale step multiplies g − g* by "
                       "1 − γ·cos²θ, so it needs γ < 2 (γ2 = 1 lands on g* in one step when "
                       "w ≈ w*).")
    if dist <= 1e-3:
        return True, f"rPGD ends {dist:.2e} from x* after {n_iter} iterations."
    if as_float(answer["gamma1"]) > 0:
        hint = ("the scale moves while the direction still has a w⊥ component, so part of it "
                "is frozen into the limit. Hold the scale (γ1 = 0) for the first T1 steps.")
    else:
        w_perp, flipped = _schedule_diagnosis(answer)
        if w_perp > 1e-3:
            hint = (f"the direction has not turned far enough before the scale is released "
                    f"(‖w⊥‖ = {w_perp:.2g} then): increase T1 or take the optimal direction "
                    "step η = 1/g0² (Theorem 3.2).")
        elif flipped:
            hint = (f"the direction had turned (‖w⊥‖ = {w_perp:.2g} at the release), but then "
                    "w flipped to −w*: for w ≈ w* the direction step's first coordinate is "
                    "1 − ηg(g − g*), negative once ηg(g − g*) > 1. Release the scale so that g "
                    "does not overshoot g* (γ2 = 1 lands on g* in one step), or take a smaller η.")
        else:
            hint = (f"the direction had turned (‖w⊥‖ = {w_perp:.2g} at the release), but the "
                    "scale has not reached g* = 1 within 5,000 iterations: take a larger γ2, "
                    "below 2 (γ2 = 1 lands on g* in one step).")
        where = f"rPGD ends {dist:.3g} from x* after {n_iter} iterations"
        return False, hints(f"{where}. Look at the direction and the scale separately: which one "
                            "is still off at the end, and since when?",
                            f"{where}: {hint}")
    return False, f"rPGD ends {dist:.3g} from x* after {n_iter} iterations: {hint}"

