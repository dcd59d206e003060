"""Self-checks for the exercises of Chapter 2 (the continuous-time picture, Section 2).

Most exercises use the paper's concrete example (Section 2): ``A = [1, 0]``, ``y = 1``, so
``x* = (1, 0)``, ``g* = 1``, and a start ``w0 = (cos θ, sin θ)`` tilted by ``θ`` from the row
space. The reference answers are recomputed here with :mod:`wnlib.theory`.
"""

from __future__ import annotations

import math

import numpy as np

from .. import theory
from ..problem import example_problem as concrete_example
from . import AnswerFormatError, as_array, as_float, exercise

__all__ = ["concrete_example", "tilted"]


def tilted(theta_deg: float) -> np.ndarray:
    """The unit direction ``(cos θ, sin θ)``, ``θ`` in degrees from the row space."""
    t = math.radians(theta_deg)
    return np.array([math.cos(t), math.sin(t)])


# ------------------------------------------------------------- ex-ch2-invariant
INV_G0, INV_GT, INV_C = 0.5, 2.0, 1.0


def _inv_reference() -> float:
    return math.exp((INV_G0**2 - INV_GT**2) / (2 * INV_C))


@exercise("ex-ch2-invariant", reference=_inv_reference,
          wrong=lambda: math.exp((INV_G0**2 - INV_GT**2) / (4 * INV_C)))
def _check_invariant(answer) -> tuple[bool, str]:
    a = as_float(answer)
    expected = _inv_reference()
    if math.isclose(a, expected, rel_tol=1e-6):
        return True, ("‖w⊥‖ shrinks by exp((g0² − g_t²)/(2c)) while g grows: the scale pays for "
                      "the shrinking null-space part.")
    if math.isclose(a, math.exp((INV_G0**2 - INV_GT**2) / (4 * INV_C)), rel_tol=1e-6):
        return False, ("That is the ratio the extracted form ‖w⊥‖²·exp(g²/(2c)) would give. "
                       "Integrate dw⊥/dt = −(g·ġ/c) w⊥ yourself: which power of ‖w⊥‖ goes with "
                       "exp(g²/(2c))?")
    if math.isclose(a, 1 / expected, rel_tol=1e-6):
        return False, ("Right size, wrong direction: g grows from 0.5 to 2, and along the flow "
                       "‖w⊥‖ shrinks when g² grows.")
    if math.isclose(a, expected**2, rel_tol=1e-6):
        return False, "That is the ratio of ‖w⊥‖², not of ‖w⊥‖: take a square root."
    return False, ("From the flow, dw⊥/dt = −g (wᵀAᵀr) w⊥ and dg/dt = c wᵀAᵀr. Eliminate wᵀAᵀr "
                   "and integrate: ‖w⊥_t‖/‖w⊥_0‖ = exp(?).")


# ---------------------------------------------------------------- ex-ch2-limit
LIM_G0, LIM_THETA, LIM_C = 0.5, 60.0, 1.0


def _lim_reference() -> np.ndarray:
    return theory.flow_limit(concrete_example(), LIM_G0, tilted(LIM_THETA), LIM_C)


def _lim_printed() -> np.ndarray:
    return theory.flow_limit_printed(concrete_example(), LIM_G0, tilted(LIM_THETA), LIM_C)


@exercise("ex-ch2-limit", reference=_lim_reference, wrong=_lim_printed)
def _check_limit(answer) -> tuple[bool, str]:
    x = as_array(answer, shape=(2,))
    expected = _lim_reference()
    if np.allclose(x, expected, rtol=1e-6, atol=1e-9):
        return True, ("Both coordinates right: x∥ = x* and ‖x⊥‖ from the invariant with the "
                      "exact g_∞.")
    if np.allclose(x, _lim_printed(), rtol=1e-6, atol=1e-9):
        return False, ("That is the printed formula (7), with g* where g_∞ should be. The limit "
                       "has ‖x‖ = |g_∞| and g_∞² = 1 + ‖x⊥‖²: solve that scalar equation.")
    if not math.isclose(x[0], 1.0, rel_tol=1e-6):
        return False, ("At zero loss the row-space coordinate is fixed: A x = y means x[0] = 1.")
    gd = theory.gd_limit(concrete_example(), LIM_G0 * tilted(LIM_THETA))
    if np.allclose(x, gd, rtol=1e-6):
        return False, "That is where GD ends (it keeps x0⊥). The WN flow changes x⊥."
    return False, ("x[0] = 1 is right. For x[1] = g_∞·sin θ·exp((g0² − g_∞²)/(2c)), find g_∞² = s "
                   "from s·(1 − sin²θ·exp((g0² − s)/c)) = g*² = 1 (e.g. with scipy's brentq).")


# ------------------------------------------------------------- ex-ch2-beat-gd
BEAT_THETA = 60.0


@exercise("ex-ch2-beat-gd", reference=lambda: (0.2, 20.0), wrong=lambda: (0.5, 0.1))
def _check_beat_gd(answer) -> tuple[bool, str]:
    pair = as_array(answer, shape=(2,))
    g0, c = float(pair[0]), float(pair[1])
    if not 0 < g0 < 1:
        return False, ("The point is to find a start with 0 < g0 < g* = 1: above g* everyone "
                       "expects WN to lose.")
    if c <= 0:
        raise AnswerFormatError("c must be > 0 (Part I of Theorem 2.6)")
    P = concrete_example()
    w0 = tilted(BEAT_THETA)
    wn_dist, gd_dist = theory.limit_distances(P, g0, w0, c)
    if wn_dist > gd_dist * (1 + 1e-9):
        return True, (f"WN ends at distance {wn_dist:.4g} from x*, GD at {gd_dist:.4g}: "
                      "g0 ≤ g* alone does not make WN win.")
    return False, (f"Here WN ends at distance {wn_dist:.4g}, GD at {gd_dist:.4g}: WN still wins. "
                   "WN shrinks x⊥ by exp((g0² − g_∞²)/(2c)) but multiplies it by g_∞ ≥ g* "
                   "instead of g0. Make that shrink factor weak (large c) and g0 small.")


# ---------------------------------------------------------------- ex-ch2-time
TIME_G0, TIME_THETA, TIME_C, TIME_EPS = 1.5, 30.0, 0.5, 1e-6


def _time_reference() -> float:
    b = theory.convergence_time_bounds(concrete_example(), TIME_G0, tilted(TIME_THETA), TIME_C,
                                       TIME_EPS)
    return b["first_rigorous"]


@exercise("ex-ch2-time", reference=_time_reference, wrong=lambda: 2 * _time_reference())
def _check_time(answer) -> tuple[bool, str]:
    a = as_float(answer)
    expected = _time_reference()
    if math.isclose(a, expected, rel_tol=1e-6):
        return True, ("g_t² ≥ κ for all t, so the loss decays at least like "
                      "exp(−2λ_min·min(κ, c)·t).")
    if math.isclose(a, 2 * expected, rel_tol=1e-6):
        return False, ("That is the printed bound. It is valid, but Lemma 2.4 gives "
                       "df/dt ≤ −min(g², c)·‖Aᵀr‖² ≤ −2·min(g², c)·λ_min·f: where does the 2 go?")
    return False, ("Compute f0 = ½(g0 cos θ − 1)², κ = g0² + 2c·log(sin θ) (here λ_min = 1), then "
                   "T = log(f0/ε) / (2·min(κ, c)).")


# ------------------------------------------------------------ ex-ch2-stationary
@exercise("ex-ch2-stationary", reference=lambda: 0.5, wrong=lambda: 0.0)
def _check_stationary(answer) -> tuple[bool, str]:
    a = as_float(answer)
    if math.isclose(a, 0.5, rel_tol=1e-9):
        return True, ("At g = 0 the loss is ½‖y‖² = ½ whatever w is: any start with a loss below "
                      "½ can never reach S.")
    if math.isclose(a, 1.0, rel_tol=1e-9):
        return False, "That is ‖y‖²; the loss is ½‖Ax − y‖²."
    if a == 0:
        return False, ("The points of S are stationary but not global minima: x = g·w = 0 does "
                       "not solve Ax = y.")
    return False, "At a point of S, g = 0, so x = g·w = 0. What is ½‖A·0 − y‖²?"
