"""Self-checks for the exercises of Chapter 1 (setup, three algorithms, Figure 1).

Every exercise uses the Figure-1 problem ``make_problem(20, 100, seed=0)`` and a start drawn
from ``numpy.random.default_rng(seed)`` as its statement says, so the reference answers are
recomputed here with :mod:`wnlib` and compared with the student's number.
"""

from __future__ import annotations

import numpy as np

from .. import theory
from ..algorithms import wn
from ..problem import Problem, make_problem
from . import as_float, exercise

__all__: list[str] = []


def _problem() -> Problem:
    return make_problem(20, 100, kind="gaussian", seed=0)


def _unit(seed: int, d: int = 100) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(d)
    return v / np.linalg.norm(v)


# ------------------------------------------------------------ ex-ch1-gd-distance
def _gd_x0() -> np.ndarray:
    return 3.0 * _unit(7)


def _gd_reference() -> float:
    P = _problem()
    return float(np.linalg.norm(P.split(_gd_x0())[1]))


@exercise("ex-ch1-gd-distance", reference=_gd_reference,
          wrong=lambda: float(np.linalg.norm(_gd_x0())))
def _check_gd_distance(answer) -> tuple[bool, str]:
    a = as_float(answer)
    P = _problem()
    x0 = _gd_x0()
    x_par, x_perp = P.split(x0)
    expected = float(np.linalg.norm(x_perp))
    if np.isclose(a, expected, rtol=1e-6):
        return True, "GD keeps x0⊥ forever and fixes only the row-space part."
    if np.isclose(a, np.linalg.norm(x0), rtol=1e-6):
        return False, ("That is ‖x0‖, the whole start. GD erases the row-space part x0∥ and "
                       "keeps only x0⊥: use problem.split(x0).")
    if np.isclose(a, np.linalg.norm(x_par), rtol=1e-6):
        return False, ("That is ‖x0∥‖, the part GD forgets. The part it keeps is the other "
                       "output of problem.split(x0).")
    if np.isclose(a, np.linalg.norm(x0 - P.x_star), rtol=1e-6):
        return False, ("That is the distance at the start, ‖x0 − x*‖. Where does GD end? "
                       "Its limit is x* + x0⊥ (Proposition prop-gd-limit).")
    return False, ("The limit of GD is x* + x0⊥, so the distance is ‖x0⊥‖. Check that x0 is "
                   "3 times the *unit* vector from default_rng(7).")


# ---------------------------------------------------------------- ex-ch1-wn-norm
WN_G0, WN_ETA = 2.0, 0.1


def _wn_reference() -> float:
    P = _problem()
    r = wn(P, WN_G0, _unit(3), eta=WN_ETA, gamma=WN_ETA, tol=0, max_iter=1)
    return float(np.linalg.norm(r.w))


@exercise("ex-ch1-wn-norm", reference=_wn_reference, wrong=lambda: 1.0)
def _check_wn_norm(answer) -> tuple[bool, str]:
    a = as_float(answer)
    expected = _wn_reference()
    if np.isclose(a, expected, rtol=1e-8):
        return True, "‖w‖² grew by exactly η²‖∇_w h‖²: the step is orthogonal to w."
    if np.isclose(a, 1.0, rtol=1e-8):
        return False, ("WN does not project w back to the sphere (that is rPGD). The step "
                       "−η∇_w h is orthogonal to w, so ‖w₁‖² = ‖w₀‖² + η²‖∇_w h‖² > 1.")
    if np.isclose(a * a, expected, rtol=1e-6):
        return False, "You returned ‖w₁‖²; the exercise asks for ‖w₁‖ (take the square root)."
    P = _problem()
    u = _unit(3)
    r = P.y - WN_G0 * (P.A @ u)
    grad_full = -WN_G0 * (P.A.T @ r)  # the gradient without the projection P_u
    if np.isclose(a, np.sqrt(1 + WN_ETA**2 * grad_full @ grad_full), rtol=1e-6):
        return False, ("Close: you forgot the projection P_u = I − uuᵀ in "
                       "∇_w h = −(g/‖w‖) P_u Aᵀr. Without it the step is not orthogonal to w.")
    return False, ("Use r = y − g₀Aw₀, ∇_w h = −(g₀/‖w₀‖)(I − w₀w₀ᵀ)Aᵀr (‖w₀‖ = 1) and "
                   "‖w₁‖ = √(1 + η²‖∇_w h‖²) with g₀ = 2, η = 0.1 and w₀ the unit vector from "
                   "default_rng(3).")


# ------------------------------------------------------------ ex-ch1-fast-scale
FS_G0, FS_C = 1.0, 100.0


def _fs_ratio(c: float) -> float:
    P = _problem()
    w0 = _unit(4)
    x_flow = theory.flow_limit(P, FS_G0, w0, c)
    x_gd = theory.gd_limit(P, FS_G0 * w0)
    return float(np.linalg.norm(x_flow - P.x_star) / np.linalg.norm(x_gd - P.x_star))


@exercise("ex-ch1-fast-scale", reference=lambda: _fs_ratio(FS_C), wrong=lambda: _fs_ratio(1.0))
def _check_fast_scale(answer) -> tuple[bool, str]:
    a = as_float(answer)
    expected = _fs_ratio(FS_C)
    if np.isclose(a, expected, rtol=1e-6):
        return True, ("With c = 100 the scale races to g_∞ ≈ ‖x_∞‖ before w⊥ has time to "
                      "shrink: WN ends farther from x* than GD.")
    if np.isclose(a, _fs_ratio(1.0), rtol=1e-6):
        return False, "That is the ratio for c = 1 (Figure 1). Use c = γ/η = 100."
    if a > 0 and np.isclose(1.0 / a, expected, rtol=1e-6):
        return False, "You divided the other way round: WN's distance over GD's."
    return False, ("Compute ‖flow_limit(P, 1.0, w0, c=100) − x*‖ / ‖gd_limit(P, 1.0·w0) − x*‖ "
                   "with w0 the unit vector from default_rng(4).")
