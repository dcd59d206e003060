"""Self-checks for Chapter 4 (discrete time with an orthogonal data matrix, Theorem 3.2).

The chapter's setup is rebuilt here (same problem, same seeds) so that checks can run rPGD on the
student's answer.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..algorithms import inverse_g_squared, rpgd, two_stage
from ..problem import make_problem
from ..theory import orthogonal as th
from . import Hints, as_float, close, exercise, hints


@cache
def _setup():
    """The chapter's problem and start: ``make_problem(20, 100, orthogonal, seed=0)``, ``w0``."""
    problem = make_problem(20, 100, kind="orthogonal", seed=0)
    rng = np.random.default_rng(4)
    w0 = rng.standard_normal(problem.d)
    w0 /= np.linalg.norm(w0)
    wp0 = float(np.linalg.norm(problem.split(w0)[1]))
    return problem, w0, wp0


# ---------------------------------------------------------------- ex-ch4-recursion
def _recursion_ref() -> float:
    return 0.6 / np.sqrt(0.6**2 + 2.0**2 / 1.0**2)


_REC_MISTAKES = [
    (lambda: 0.3,
     "0.3 = (g_t/g*)·‖w⊥_t‖ is only the upper bound of the recursion. The exact step divides by "
     "‖v_t‖ = sqrt(‖w⊥_t‖² + g*²/g_t²)."),
    (lambda: _recursion_ref() ** 2, "That is ‖w⊥ₜ₊₁‖², the square; take the square root."),
    (lambda: 0.6 / (0.6**2 + 2.0**2 / 1.0**2),
     "You divided by ‖v_t‖²; the projection back to the sphere divides w⊥ by ‖v_t‖."),
    (lambda: 0.6 / np.sqrt(0.6**2 + 2.0 / 1.0),
     "The second part of v_t is x*/g_t, of squared length ‖x*‖²/g_t² = g*²/g_t²."),
]

_REC_HINTS = hints(
    "Write v_t as a sum of two parts and ask how the parts sit relative to each other.",
    "v_t = w⊥_t + x*/g_t, and the two parts are orthogonal, so ‖v_t‖ follows from Pythagoras. The "
    "projection back to the sphere divides v_t, and so w⊥_t, by ‖v_t‖.",
    "Write v_t = w⊥_t + x*/g_t; the two parts are orthogonal, so ‖v_t‖² = ‖w⊥_t‖² + ‖x*‖²/g_t². "
    "Then ‖w⊥ₜ₊₁‖ = ‖w⊥_t‖/‖v_t‖.",
)


@exercise("ex-ch4-recursion", reference=_recursion_ref, wrong=lambda: 0.6 * 1.0 / 2.0,
          mistakes=_REC_MISTAKES, hints=_REC_HINTS,
          method_words=("‖v_t‖²", "Pythagoras", "/‖v_t‖", "x*‖²/g_t²", "orthogonal"))
def _(answer) -> tuple[bool, str | Hints]:
    x = as_float(answer)
    ok, message = close(x, _recursion_ref(), hint="",
                        mistakes=_REC_MISTAKES,
                        remark="‖v‖² = 0.36 + 4 and w⊥ is divided by ‖v‖.")
    if ok or message:
        return ok, message
    if x <= 0 or x >= 0.6:
        return False, ("‖w⊥‖ must shrink (‖v_t‖ > 1 because g_t < g*), so the answer lies "
                       "strictly between 0 and 0.6.")
    return False, _REC_HINTS


# ---------------------------------------------------------------- ex-ch4-t1-frozen
def _t1_frozen_ref() -> int:
    problem, _, wp0 = _setup()
    return int(th.t1_fixed_scale(wp0, 0.6 * problem.g_star, problem.g_star, 1e-6))


_T1_STEPS = (
    "Which result of this chapter gives ‖w⊥_t‖ exactly when the scale is frozen?",
    "The case (b) closed form gives 1/‖w⊥_t‖² in terms of κ = g*²/g0² and ‖w⊥_0‖; find the "
    "first t at which it reaches 1/ε².",
    "Solve κᵗ/‖w⊥_0‖² + (κᵗ − 1)/(κ − 1) ≥ 1/ε² for the smallest integer t, κ = g*²/g0². (A rough "
    "value is 2 log(1/ε)/log κ; the exact one uses ‖w⊥_0‖ and a ceiling.)",
)


@exercise("ex-ch4-t1-frozen", reference=_t1_frozen_ref, wrong=lambda: _t1_frozen_ref() + 1,
          mistakes=[(lambda: _t1_frozen_ref() + 1, "you want the first t"),
                    (lambda: 2 * np.log(1e6) / np.log(1 / 0.36), "a whole number of iterations")],
          hints=hints(*_T1_STEPS), method_words=("κᵗ", "log κ", "1/ε²", "(κ − 1)"))
def _(answer) -> tuple[bool, str | Hints]:
    x = as_float(answer)
    ref = _t1_frozen_ref()
    if abs(x - round(x)) > 1e-9:
        return False, ("T1 is a number of iterations: give a whole number of iterations (the "
                       "first t that reaches the accuracy).")
    x = int(round(x))
    if x == ref:
        return True, f"‖w⊥_{ref - 1}‖ > 1e-6 ≥ ‖w⊥_{ref}‖."
    if x == ref + 1:
        return False, (f"At t = {x - 1} the direction is already within 1e-6: you want the first t "
                       "with ‖w⊥_t‖ ≤ 1e-6.")
    side = (f"At t = {x - 1} the direction is already within 1e-6." if x > ref else
            f"Too early: ‖w⊥_t‖ is still above 1e-6 at t = {x}.")
    return False, hints(*(f"{side} {s}" for s in _T1_STEPS))


# ---------------------------------------------------------------- ex-ch4-gamma1
def _gamma1_setting():
    problem, w0, wp0 = _setup()
    g0 = 0.7 * problem.g_star
    T1 = int(th.t1_slow_scale(wp0, g0, problem.g_star, 0.5, 1e-4))
    return problem, w0, g0, T1


def _gamma1_ref() -> float:
    problem, _, g0, T1 = _gamma1_setting()
    return float(th.gamma1_sufficient(g0, problem.g_star, 0.5, T1))


_G1_STEPS = (
    "How large may one step of g be if g must stay below it for T1 steps?",
    "Bound how much g can grow in one step near the ceiling, and ask that T1 such steps stay "
    "below g*² − ρδ0.",
    "The chapter's proposition on a sufficient γ(1) (Section 3) gives a safe value: "
    "theory.gamma1_sufficient(g0, g_star, 0.5, T1).",
)


@exercise("ex-ch4-gamma1", reference=_gamma1_ref, wrong=lambda: 300 * _gamma1_ref(),
          mistakes=[(lambda: 0.0, "Case (a) asks for a positive"),
                    (lambda: 300 * _gamma1_ref(), "breaks the ceiling"),
                    (lambda: 20.0, "That step is huge")],
          hints=hints(*_G1_STEPS), method_words=("gamma1_sufficient", "proposition"))
def _(answer) -> tuple[bool, str | Hints]:
    gamma1 = as_float(answer)
    if gamma1 <= 0:
        return False, ("Case (a) asks for a positive γ(1) (γ(1) = 0 is case (b)): a small "
                       "positive step.")
    if gamma1 > 10:
        return False, ("That step is huge: from this w0 the first scale step, "
                       "γ(1)·(w0ᵀx* − g0‖w0∥‖²), is negative, and with γ(1) > 10 it takes g "
                       "below zero.")
    problem, w0, g0, T1 = _gamma1_setting()
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=two_stage(gamma1, 0.25, T1), tol=0,
             max_iter=T1)
    h = r.history
    cap = float(th.scale_cap(g0, problem.g_star, 0.5))
    over = np.nonzero(h.g**2 > cap)[0]
    if bool(r.diverged) or over.size:
        t = int(over[0]) if over.size else int(r.n_iter)
        broken = (f"With γ(1) = {gamma1:.3g} the scale breaks the ceiling g_t² ≤ g*² − ρδ0 at "
                  f"t = {t} (before T1 = {T1}): γ(1) is too large.")
        return False, hints(*(f"{broken} {s}" for s in _G1_STEPS))
    if h.w_perp_norm[T1] > 1e-4:
        return False, (f"The ceiling holds but ‖w⊥_T1‖ = {h.w_perp_norm[T1]:.3g} > 1e-4. "
                       "Is T1 = theory.t1_slow_scale(wp0, g0, g_star, 0.5, 1e-4)?")
    return True, (f"g_t² stays below the ceiling up to T1 = {T1} and ‖w⊥_T1‖ = "
                  f"{h.w_perp_norm[T1]:.2g} ≤ 1e-4.")


# ---------------------------------------------------------------- ex-ch4-gamma2-max
_GRID = np.round(np.arange(0.1, 3.01, 0.1), 1)


@cache
def _gamma2_ref() -> float:
    problem, w0, wp0 = _setup()
    g0 = 0.5 * problem.g_star
    T1 = int(th.t1_fixed_scale(wp0, g0, problem.g_star, 1e-3))
    n = len(_GRID)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        runs = rpgd(problem, np.full(n, g0), np.tile(w0, (n, 1)), eta=inverse_g_squared,
                    gamma=lambda t, g: 0.0 if t <= T1 else _GRID, tol=0, max_iter=T1 + 300)
    h = runs.history
    ok = ((h.w_perp_norm[-1] <= 1e-3)
          & (2 * h.loss[-1] <= th.residual_bound(1e-3, problem.g_star)) & ~runs.diverged)
    return float(_GRID[ok].max())


_G2_STEPS = (
    "Look at how g_t − g* changes from one step to the next near the end of the run.",
    "Linearize the scale step around g*: gₜ₊₁ − g* ≈ (1 − γ(2))(gₜ − g*). When does that "
    "contract?",
    "Run the whole grid in one batched rpgd call and keep the largest value that meets both "
    "conditions.",
)


@exercise("ex-ch4-gamma2-max", reference=_gamma2_ref, wrong=lambda: 0.25,
          mistakes=[(lambda: 0.25, "1/4 is only what the theorem needs"),
                    (lambda: 1.0, "a larger value on the grid is safe too"),
                    (lambda: 2.5, "is not safe")],
          hints=hints(*_G2_STEPS), method_words=("1 − γ(2)", "batched", "Linearize"))
def _(answer) -> tuple[bool, str | Hints]:
    x = as_float(answer)
    ref = _gamma2_ref()
    if np.isclose(x, ref, atol=1e-9):
        return True, ("Beyond it, gₜ₊₁ − g* ≈ (1 − γ(2))(gₜ − g*) no longer contracts "
                      "(|1 − γ(2)| ≥ 1).")
    if np.isclose(x, 0.25):
        return False, ("1/4 is only what the theorem needs for its proof; much larger values are "
                       "still safe. Run the whole grid in one batched rpgd call and keep the "
                       "largest value that meets both conditions.")
    if not np.any(np.isclose(x, _GRID, atol=1e-9)):
        return False, "Give a value of the grid np.round(np.arange(0.1, 3.01, 0.1), 1)."
    if x > ref:
        return False, hints(*(f"γ(2) = {x:g} is not safe: the scale does not settle at g* (at 2 it "
                              f"cycles around g*; beyond 2 it is thrown far from g*). {s}"
                              for s in _G2_STEPS))
    return False, "That one is safe, but a larger value on the grid is safe too."


# ---------------------------------------------------------------- ex-ch4-first-step
def _first_step_ref() -> float:
    return 0.5 + 0.1 * (-0.8 - 0.5 * 0.64)


_FS_MISTAKES = [
    (lambda: 0.5 + 0.1 * (0.8 - 0.32),
     "Check the sign of w0ᵀx*: w0 has the component −0.8 w* and x* = g* w*."),
    (lambda: 0.5 + 0.1 * (-0.8 - 0.5 * 0.8), "‖w0∥‖² is 0.8² = 0.64, not 0.8."),
    (lambda: 0.5 + 0.1 * (-0.8 + 0.5 * 0.64),
     "Check the sign of the second term: the update subtracts g0‖w0∥‖²."),
    (lambda: 0.1 * (-0.8 - 0.5 * 0.64),
     "That is the increment (g1 − g0)/g*; the exercise asks for g1/g* itself."),
]

_FS_STEPS = (
    "Put the statement's numbers into the update one term at a time, measuring every length in "
    "units of g*.",
    "You need w0ᵀx* and ‖w0∥‖²: only the w* component of w0 contributes to either (Au = 0).",
    "Divide by g*: g1/g* = 0.5 + 0.1·(w0ᵀx*/g* − (g0/g*)·‖w0∥‖²), with w0ᵀx*/g* = −0.8 and "
    "‖w0∥‖² = 0.64.",
)


@exercise("ex-ch4-first-step", reference=_first_step_ref, wrong=lambda: 0.5 + 0.1 * (0.8 - 0.32),
          mistakes=_FS_MISTAKES, hints=hints(*_FS_STEPS),
          method_words=("−0.8", "0.64", "0.5 + 0.1"))
def _(answer) -> tuple[bool, str | Hints]:
    x = as_float(answer)
    ok, message = close(x, _first_step_ref(), hint="",
                        mistakes=_FS_MISTAKES,
                        remark="The first step lowers g: a negative overlap of w0∥ with w* pulls "
                               "it down.")
    if ok or message:
        return ok, message
    if x >= 0.5:
        return False, hints("The scale goes down in this step: check the sign of each term of the "
                            "increment.", *_FS_STEPS[1:])
    return False, hints(*_FS_STEPS)
