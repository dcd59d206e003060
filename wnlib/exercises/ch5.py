"""Self-checks for the exercises of Chapter 5 (general A: Proposition 3.3, the two-phase recipe).

Each exercise fixes its problem and start in the statement (a seed for ``make_problem`` or
:func:`wnlib.recipes.make_conditioned_problem` and a direction from ``default_rng(seed)``), so the
reference answer is recomputed here with :mod:`wnlib` and compared with the student's number.
"""

from __future__ import annotations

import math

import numpy as np

from .. import theory
from ..algorithms import gd, rpgd
from ..problem import Problem, make_problem
from ..recipes import make_conditioned_problem, two_phase
from . import as_float, exercise

__all__: list[str] = []


def _unit(seed: int, d: int = 100) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(d)
    return v / np.linalg.norm(v)


# ------------------------------------------------------------ ex-ch5-admissible-g0
def _adm_problem() -> Problem:
    return make_conditioned_problem(20, 100, cond=10, seed=3)


def _adm_reference() -> float:
    P = _adm_problem()
    return P.g_star * P.lam_min / (2 + 1.0)


@exercise("ex-ch5-admissible-g0", reference=_adm_reference,
          wrong=lambda: _adm_problem().g_star / 3.0)
def _check_admissible(answer) -> tuple[bool, str]:
    a = as_float(answer)
    P = _adm_problem()
    expected = _adm_reference()
    if np.isclose(a, expected, rtol=1e-6):
        return True, (f"g0 ≤ {expected:.4g}, i.e. g0/g* ≤ {expected / P.g_star:.4g}: the spread "
                      "κ = 10 costs a factor 10 in the admissible scale.")
    if np.isclose(a, P.g_star / 3.0, rtol=1e-6):
        return False, ("You left out λ_min. The bound is g* λ_min/(2 + δ); λ_min = 1/κ = 0.1 "
                       "here (problem.lam_min).")
    if np.isclose(a, P.g_star * P.lam_min / 2, rtol=1e-6):
        return False, "That is the limit δ → 0. Use δ = 1: divide by 2 + δ = 3."
    if np.isclose(a, P.lam_min / 3.0, rtol=1e-6) or np.isclose(a, P.g_star**2 * P.lam_min / 3,
                                                               rtol=1e-6):
        return False, "The bound is linear in g* = problem.g_star (not g*², not without g*)."
    return False, ("Compute problem.g_star * problem.lam_min / (2 + delta) with delta = 1 for "
                   "make_conditioned_problem(20, 100, cond=10, seed=3).")


# ------------------------------------------------------------- ex-ch5-iterations
IT_DELTA, IT_EPS = 0.1, 1e-8


def _it_wp0() -> float:
    P = make_problem(20, 100, seed=0)
    return float(np.linalg.norm(P.split(_unit(11))[1]))


def _it_reference() -> int:
    return math.ceil(math.log(_it_wp0() / IT_EPS) / math.log(1 + IT_DELTA))


@exercise("ex-ch5-iterations", reference=_it_reference,
          wrong=lambda: math.ceil(math.log(1 / IT_EPS) / math.log(1 + IT_DELTA)))
def _check_iterations(answer) -> tuple[bool, str]:
    a = as_float(answer)
    expected = _it_reference()
    exact = math.log(_it_wp0() / IT_EPS) / math.log(1 + IT_DELTA)
    if a == expected:
        return True, (f"T1 = log(‖w⊥_0‖/ε)/log(1 + δ) = {exact:.4g}, so {expected} iterations are "
                      "guaranteed. The run needs far fewer (see the solution).")
    if np.isclose(a, exact, rtol=1e-9):
        return False, "Right formula; an iteration count is a whole number: round up (math.ceil)."
    if a == math.ceil(math.log(1 / IT_EPS) / math.log(1 + IT_DELTA)):
        return False, ("You used ‖w⊥_0‖ = 1. The bound uses the length of the start's component "
                       "outside the row space: problem.split(w0)[1].")
    lam_min = make_problem(20, 100, seed=0).lam_min
    if a == math.ceil(math.log(_it_wp0() / IT_EPS) / math.log(1 + IT_DELTA + lam_min)):
        return False, ("That is the sharper count with rate 1 + δ + λ_min. The proposition "
                       "states log(1 + δ) in the denominator.")
    return False, ("Compute ceil(log(‖w⊥_0‖/ε)/log(1 + δ)) with δ = 0.1, ε = 1e-8 and w0 the unit "
                   "vector from default_rng(11), for make_problem(20, 100, seed=0).")


# ------------------------------------------------------------- ex-ch5-worst-case
WC_DELTA, WC_THETA = 0.5, 0.01


def _wc_setup() -> tuple[Problem, float, np.ndarray]:
    P = make_conditioned_problem(20, 100, cond=10, seed=0, align="weakest")
    u = P.split(np.random.default_rng(3).standard_normal(P.d))[1]
    u /= np.linalg.norm(u)
    w0 = -math.cos(WC_THETA) * P.w_star + math.sin(WC_THETA) * u
    return P, theory.admissible_g0(P, WC_DELTA), w0


def _wc_reference() -> float:
    P, g0, w0 = _wc_setup()
    r = rpgd(P, g0, w0, eta=1 / g0**2, gamma=0.0, tol=0, max_iter=1)
    h = r.history.w_perp_norm
    return float(h[0] / h[1])


@exercise("ex-ch5-worst-case", reference=_wc_reference, wrong=lambda: 1 + WC_DELTA)
def _check_worst_case(answer) -> tuple[bool, str]:
    a = as_float(answer)
    P, _, _ = _wc_setup()
    expected = _wc_reference()
    bound = 1 + WC_DELTA + P.lam_min
    if np.isclose(a, expected, rtol=1e-6):
        return True, (f"‖v_0‖ = {expected:.6g} against the bound 1 + δ + λ_min = {bound:.6g}: "
                      "this start (nearly) attains it, so the bound cannot be improved without "
                      "more assumptions.")
    if np.isclose(a, 1 + WC_DELTA, rtol=1e-9):
        return False, ("That is the bound 1 + δ the proposition uses, not a measurement. Run one "
                       "rPGD step and read ‖v_0‖ = ‖w⊥_0‖/‖w⊥_1‖ off history.w_perp_norm.")
    if np.isclose(a, bound, rtol=1e-9):
        return False, ("That is the bound 1 + δ + λ_min itself. Measure ‖v_0‖ from one rPGD step "
                       "(θ = 0.01 > 0 keeps it slightly above the bound).")
    if a > 0 and np.isclose(1 / a, expected, rtol=1e-6):
        return False, "Invert your ratio: ‖v_0‖ = ‖w⊥_0‖/‖w⊥_1‖ (≥ 1 here)."
    return False, ("Use g0 = admissible_g0(problem, 0.5), η = 1/g0², γ = 0, max_iter=1, tol=0, "
                   "and w0 = −cos(0.01) w* + sin(0.01) u with u the unit w⊥ of default_rng(3).")


# ------------------------------------------------------- ex-ch5-recipe-distance
RD_DELTA, RD_EPS = 1.0, 1e-3


def _rd_setup() -> tuple[Problem, float, np.ndarray]:
    P = make_problem(20, 100, seed=0)
    return P, theory.admissible_g0(P, RD_DELTA), _unit(5)


def _rd_reference() -> float:
    P, g0, w0 = _rd_setup()
    return float(two_phase(P, g0, w0, eps=RD_EPS, tol=1e-20, max_iter=20_000).distance)


@exercise("ex-ch5-recipe-distance", reference=_rd_reference,
          wrong=lambda: theory.admissible_g0(make_problem(20, 100, seed=0), RD_DELTA) * RD_EPS)
def _check_recipe_distance(answer) -> tuple[bool, str]:
    a = as_float(answer)
    P, g0, w0 = _rd_setup()
    expected = _rd_reference()
    if np.isclose(a, expected, rtol=1e-3, atol=1e-12):
        return True, (f"‖x̂ − x*‖ = {expected:.4g} ≤ g0 ε = {g0 * RD_EPS:.4g}: GD kept "
                      "x⊥ = g0 w⊥_T, and phase 1 stopped just below ε.")
    if np.isclose(a, g0 * RD_EPS, rtol=1e-6):
        return False, ("That is the bound g0 ε, not the distance. Run two_phase(...) and read "
                       "result.distance.")
    gd_only = gd(P, g0 * w0, eta=1.0, tol=1e-20, max_iter=20_000)
    if np.isclose(a, np.linalg.norm(gd_only.x - P.x_star), rtol=1e-3):
        return False, ("That is plain GD from g0 w0: it keeps g0 w0⊥. Phase 1 (rPGD with the "
                       "scale fixed) has to shrink w⊥ first.")
    return False, ("Run two_phase(problem, g0, w0, eps=1e-3, tol=1e-20, max_iter=20000) with "
                   "g0 = admissible_g0(problem, 1.0) and w0 the unit vector from "
                   "default_rng(5); answer result.distance.")


# ------------------------------------------------------------- ex-ch5-threshold
@exercise("ex-ch5-threshold", reference=lambda: 1.0, wrong=lambda: 0.5)
def _check_threshold(answer) -> tuple[bool, str]:
    a = as_float(answer)
    if abs(a - 1.0) <= 0.05:
        return True, ("For |g0| < g* every fixed point of fixed-scale rPGD has w⊥ = 0; at "
                      "|g0| ≥ g* zero loss is reachable on the sphere and w⊥ stops shrinking.")
    if abs(a - 0.5) <= 0.05:
        return False, ("0.5 is where the proposition's certificate ends (δ → 0 with λ_min = 1). "
                       "The map shows phase 1 keeps working beyond it: where does it really fail?")
    if a > 1.05:
        return False, ("Above g* the sphere contains zero-loss points with w⊥ ≠ 0 "
                       "(fixed_scale_limit): phase 1 stalls there. Look for a smaller ratio.")
    return False, ("Too small: phase 1 still reaches ε there. Read the map's cond = 1 row, or "
                   "compare asymptotic_rate(problem, g0) with 1 as g0/g* grows.")
