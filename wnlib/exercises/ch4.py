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
from . import as_float, exercise


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


@exercise("ex-ch4-recursion", reference=_recursion_ref, wrong=lambda: 0.6 * 1.0 / 2.0)
def _(answer):
    x = as_float(answer)
    ref = _recursion_ref()
    if np.isclose(x, ref, rtol=1e-4):
        return True, "‖v‖² = 0.36 + 4 and w⊥ is divided by ‖v‖."
    if np.isclose(x, 0.3, rtol=1e-3):
        return False, ("0.3 = (g_t/g*)·‖w⊥_t‖ is only the upper bound of the recursion. The exact "
                       "step divides by ‖v_t‖ = sqrt(‖w⊥_t‖² + g*²/g_t²).")
    if np.isclose(x, ref**2, rtol=1e-3):
        return False, "That is ‖w⊥_{t+1}‖²; take the square root."
    if x <= 0 or x >= 0.6:
        return False, ("‖w⊥‖ must shrink (‖v_t‖ > 1 because g_t < g*), so the answer lies "
                       "strictly between 0 and 0.6.")
    return False, ("Write v_t = w⊥_t + x*/g_t; the two parts are orthogonal, so "
                   "‖v_t‖² = ‖w⊥_t‖² + ‖x*‖²/g_t². Then ‖w⊥_{t+1}‖ = ‖w⊥_t‖/‖v_t‖.")


# ---------------------------------------------------------------- ex-ch4-t1-frozen
def _t1_frozen_ref() -> int:
    problem, _, wp0 = _setup()
    return int(th.t1_fixed_scale(wp0, 0.6 * problem.g_star, problem.g_star, 1e-6))


@exercise("ex-ch4-t1-frozen", reference=_t1_frozen_ref, wrong=lambda: _t1_frozen_ref() + 1)
def _(answer):
    x = as_float(answer)
    ref = _t1_frozen_ref()
    if x != int(x):
        return False, "T1 is a number of iterations: give an integer."
    x = int(x)
    if x == ref:
        return True, f"‖w⊥_{ref - 1}‖ > 1e-6 ≥ ‖w⊥_{ref}‖."
    problem, _, wp0 = _setup()
    approx = 2 * np.log(1e6) / np.log(1 / 0.36)
    if x > ref:
        return False, (f"At t = {x - 1} the direction is already within 1e-6: you want the *first* "
                       "t. Solve κᵗ/‖w⊥_0‖² + (κᵗ − 1)/(κ − 1) ≥ 1/ε² for the smallest integer t, "
                       "κ = g*²/g0².")
    return False, (f"Too early: ‖w⊥_t‖ is still above 1e-6 at t = {x}. (A rough value is "
                   f"2 log(1/ε)/log κ ≈ {approx:.1f}; the exact one uses the closed form of "
                   "case (b) with ‖w⊥_0‖ and a ceiling.)")


# ---------------------------------------------------------------- ex-ch4-gamma1
def _gamma1_setting():
    problem, w0, wp0 = _setup()
    g0 = 0.7 * problem.g_star
    T1 = int(th.t1_slow_scale(wp0, g0, problem.g_star, 0.5, 1e-4))
    return problem, w0, g0, T1


def _gamma1_ref() -> float:
    problem, _, g0, T1 = _gamma1_setting()
    return float(th.gamma1_sufficient(g0, problem.g_star, 0.5, T1))


@exercise("ex-ch4-gamma1", reference=_gamma1_ref, wrong=lambda: 300 * _gamma1_ref())
def _(answer):
    gamma1 = as_float(answer)
    if gamma1 <= 0:
        return False, ("Case (a) asks for a positive γ(1) (γ(1) = 0 is case (b)). Try "
                       "th.gamma1_sufficient(g0, g_star, rho, T1).")
    if gamma1 > 10:
        return False, "That step is huge: the scale would jump past g* in one step."
    problem, w0, g0, T1 = _gamma1_setting()
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=two_stage(gamma1, 0.25, T1), tol=0,
             max_iter=T1)
    h = r.history
    cap = float(th.scale_cap(g0, problem.g_star, 0.5))
    over = np.nonzero(h.g**2 > cap)[0]
    if bool(r.diverged) or over.size:
        t = int(over[0]) if over.size else int(r.n_iter)
        return False, (f"With γ(1) = {gamma1:.3g} the scale breaks the ceiling g_t² ≤ g*² − ρδ0 at "
                       f"t = {t} (before T1 = {T1}): γ(1) is too large. The derivation of "
                       "Proposition 'A sufficient γ(1)' gives a safe value.")
    if h.w_perp_norm[T1] > 1e-4:
        return False, (f"The ceiling holds but ‖w⊥_T1‖ = {h.w_perp_norm[T1]:.3g} > 1e-4. "
                       "Is T1 = th.t1_slow_scale(wp0, g0, g_star, 0.5, 1e-4)?")
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


@exercise("ex-ch4-gamma2-max", reference=_gamma2_ref, wrong=lambda: 0.25)
def _(answer):
    x = as_float(answer)
    ref = _gamma2_ref()
    if np.isclose(x, ref, atol=1e-9):
        return True, ("Beyond it, g_{t+1} − g* ≈ (1 − γ(2))(g_t − g*) no longer contracts "
                      "(|1 − γ(2)| ≥ 1).")
    if np.isclose(x, 0.25) or x <= 1:
        return False, ("1/4 is only what the theorem needs for its proof; much larger values are "
                       "still safe. Run the whole grid in one batched rpgd call and keep the "
                       "largest value that meets both conditions.")
    if not np.any(np.isclose(x, _GRID, atol=1e-9)):
        return False, "Give a value of the grid np.round(np.arange(0.1, 3.01, 0.1), 1)."
    if x > ref:
        return False, (f"γ(2) = {x:g} is not safe: the scale does not settle. Linearize: "
                       "g_{t+1} − g* ≈ (1 − γ(2))(g_t − g*).")
    return False, "That one is safe, but a larger value on the grid is safe too."


# ---------------------------------------------------------------- ex-ch4-first-step
def _first_step_ref() -> float:
    return 0.5 + 0.1 * (-0.8 - 0.5 * 0.64)


@exercise("ex-ch4-first-step", reference=_first_step_ref, wrong=lambda: 0.5 + 0.1 * (0.8 - 0.32))
def _(answer):
    x = as_float(answer)
    ref = _first_step_ref()
    if np.isclose(x, ref, rtol=1e-4):
        return True, "The first step lowers g: a negative overlap of w0∥ with w* pulls it down."
    if np.isclose(x, 0.5 + 0.1 * (0.8 - 0.32), rtol=1e-4):
        return False, "Check the sign of w0ᵀx*: w0 has the component −0.8 w* and x* = g* w*."
    if np.isclose(x, 0.5 + 0.1 * (-0.8 - 0.5 * 0.8), rtol=1e-4):
        return False, "‖w0∥‖² is 0.8² = 0.64, not 0.8."
    if x >= 0.5:
        return False, ("The increment γ0 (w0ᵀx* − g0‖w0∥‖²) is negative here: "
                       "w0ᵀx* = −0.8 g* and g0‖w0∥‖² = 0.5 g* · 0.64.")
    return False, ("Divide by g*: g1/g* = 0.5 + 0.1·(w0ᵀx*/g* − (g0/g*)·‖w0∥‖²), with "
                   "w0ᵀx*/g* = −0.8 and ‖w0∥‖² = 0.64.")
