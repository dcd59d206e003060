"""Self-checks for the exercises of Chapter 2 (the continuous-time picture, Section 2).

Most exercises use the paper's concrete example (Section 2): ``A = [1, 0]``, ``y = 1``, so
``x* = (1, 0)``, ``g* = 1``, and a start ``w0 = (cos θ, sin θ)`` tilted by ``θ`` from the row
space. The reference answers are recomputed here with :mod:`wnlib.theory`.
"""

from __future__ import annotations

import math

import numpy as np

from .. import theory
from ..problem import example_problem, tilted_start
from . import AnswerFormatError, Hints, as_array, as_float, close, exercise, hints

__all__: list[str] = []


def tilted(theta_deg: float) -> np.ndarray:
    """The start ``(cos θ, sin θ)`` of the example, ``θ`` in degrees (``tilted_start``)."""
    return tilted_start(example_problem(), theta_deg, deg=True)


# ------------------------------------------------------------- ex-ch2-invariant
INV_G0, INV_GT, INV_C = 0.5, 2.0, 1.0


def _inv_reference() -> float:
    return math.exp((INV_G0**2 - INV_GT**2) / (2 * INV_C))


_INV_MISTAKES = [
    (lambda: math.exp((INV_G0**2 - INV_GT**2) / (4 * INV_C)),
     "That is the ratio you get by reading eq. (6)'s ‖w⊥‖₂ as a square, ‖w⊥‖²·exp(g²/(2c)) "
     "(the 2 is the ℓ2-norm subscript). Integrate dw⊥/dt = −(g·ġ/c) w⊥ yourself: which power "
     "of ‖w⊥‖ goes with exp(g²/(2c))?"),
    (lambda: 1 / _inv_reference(),
     "Right size, wrong direction: g grows from 0.5 to 2, and along the flow ‖w⊥‖ shrinks "
     "when g² grows."),
    (lambda: _inv_reference() ** 2,
     "That is the ratio of ‖w⊥‖², not of ‖w⊥‖: take a square root."),
]

_INV_HINTS = hints(
    "Look for a quantity that stays constant along the flow: compare the equation for w⊥ with "
    "the one for g.",
    "Both dw⊥/dt and dg/dt contain the same scalar factor. Eliminate it to get d log‖w⊥‖ in terms "
    "of d(g²), then integrate from g0 = 0.5 to g_t = 2.",
    "From the flow, dw⊥/dt = −g (wᵀAᵀr) w⊥ and dg/dt = c wᵀAᵀr. Eliminate wᵀAᵀr and integrate: "
    "‖w⊥_t‖/‖w⊥_0‖ = exp(?).",
)


@exercise("ex-ch2-invariant", reference=_inv_reference,
          wrong=lambda: math.exp((INV_G0**2 - INV_GT**2) / (4 * INV_C)),
          mistakes=_INV_MISTAKES, hints=_INV_HINTS,
          method_words=("wᵀAᵀr", "exp(", "g²/(2c)", "ġ", "Eliminate"))
def _check_invariant(answer) -> tuple[bool, str | Hints]:
    return close(as_float(answer), _inv_reference(), hint=_INV_HINTS,
                 mistakes=_INV_MISTAKES,
                 remark="‖w⊥‖ shrinks by exp((g0² − g_t²)/(2c)) while g grows: the scale pays for "
                        "the shrinking null-space part.")


# ---------------------------------------------------------------- ex-ch2-limit
LIM_G0, LIM_THETA, LIM_C = 0.5, 60.0, 1.0


def _lim_reference() -> np.ndarray:
    return theory.flow_limit(example_problem(), LIM_G0, tilted(LIM_THETA), LIM_C)


def _lim_printed() -> np.ndarray:
    return theory.flow_limit_printed(example_problem(), LIM_G0, tilted(LIM_THETA), LIM_C)


def _flip(x: np.ndarray) -> np.ndarray:
    return np.array([x[0], -x[1]])


_LIM_MISTAKES = [
    (lambda: [_lim_printed(), _flip(_lim_printed())],
     "That is the printed formula (7), with g* where g_∞ should be. The limit has ‖x‖ = |g_∞| and "
     "g_∞² = 1 + ‖x⊥‖²: solve that scalar equation."),
    (lambda: theory.gd_limit(example_problem(), LIM_G0 * tilted(LIM_THETA)),
     "That is where GD ends (it keeps x0⊥). The WN flow changes x⊥."),
    (lambda: [_lim_reference()[::-1].copy(), _lim_printed()[::-1].copy()],
     "The coordinates are swapped: x[0] is the row-space coordinate (A = [1, 0]) and x[1] the "
     "null-space one."),
]

_LIM_HINTS = hints(
    "At the end the loss is zero: what does that fix, and what is left to find?",
    "A x = y fixes x[0] = 1. For x[1], the invariant gives the null-space part once you know the "
    "final scale g_∞, and g_∞ itself solves one scalar equation (at the end ‖x‖ = |g_∞|).",
    "x[0] = 1. For x[1] = g_∞·sin θ·exp((g0² − g_∞²)/(2c)), find g_∞² = s from "
    "s·(1 − sin²θ·exp((g0² − s)/c)) = g*² = 1 (e.g. with scipy's brentq).",
)


@exercise("ex-ch2-limit", reference=_lim_reference, wrong=_lim_printed,
          mistakes=_LIM_MISTAKES, hints=_LIM_HINTS,
          method_words=("brentq", "exp(", "sin²θ", "g_∞²", "invariant"))
def _check_limit(answer) -> tuple[bool, str | Hints]:
    x = as_array(answer, shape=(2,))
    ok, message = close(x, _lim_reference(), hint="",
                        mistakes=_LIM_MISTAKES,
                        remark="Both coordinates right: x∥ = x* and ‖x⊥‖ from the invariant with "
                               "the exact g_∞.")
    if ok or message:
        return ok, message
    if not math.isclose(x[0], 1.0, rel_tol=5e-4):
        return False, "At zero loss the row-space coordinate is fixed: A x = y means x[0] = 1."
    return False, _LIM_HINTS


# ------------------------------------------------------------- ex-ch2-beat-gd
BEAT_THETA = 60.0


@exercise("ex-ch2-beat-gd", reference=lambda: (0.2, 20.0), wrong=lambda: (0.5, 0.1),
          mistakes=[(lambda: (1.5, 1.0), "The point is to find a start with 0 < g0"),
                    (lambda: (0.5, 0.1), "WN still wins")],
          hints=hints("Try other values: which of g0 and c controls how strongly WN shrinks x⊥?",
                      "WN shrinks x⊥ by exp((g0² − g_∞²)/(2c)) but multiplies it by g_∞ ≥ g* "
                      "instead of g0.",
                      "Make the shrink factor exp((g0² − g_∞²)/(2c)) weak (large c) and g0 "
                      "small."),
          method_words=("large c", "g0 small", "exp(("))
def _check_beat_gd(answer) -> tuple[bool, str | Hints]:
    pair = as_array(answer, shape=(2,))
    g0, c = float(pair[0]), float(pair[1])
    if not 0 < g0 < 1:
        return False, ("The point is to find a start with 0 < g0 < g* = 1: above g* the paper "
                       "already warns that WN can lose.")
    if c <= 0:
        raise AnswerFormatError("c must be > 0 (Part I of Theorem 2.6)")
    P = example_problem()
    w0 = tilted(BEAT_THETA)
    wn_dist, gd_dist = theory.limit_distances(P, g0, w0, c)
    if wn_dist > gd_dist * (1 + 1e-9):
        return True, (f"WN ends at distance {wn_dist:.4g} from x*, GD at {gd_dist:.4g}: "
                      "g0 ≤ g* alone does not make WN win.")
    where = f"Here WN ends at distance {wn_dist:.4g}, GD at {gd_dist:.4g}: WN still wins."
    return False, hints(f"{where} Which of g0 and c controls how strongly WN shrinks x⊥?",
                        f"{where} WN shrinks x⊥ by exp((g0² − g_∞²)/(2c)) but multiplies it by "
                        "g_∞ ≥ g* instead of g0.",
                        f"{where} Make that shrink factor weak (large c) and g0 small.")


# ---------------------------------------------------------------- ex-ch2-time
TIME_G0, TIME_THETA, TIME_C, TIME_EPS = 1.5, 30.0, 0.5, 1e-6


def _time_reference() -> float:
    b = theory.convergence_time_bounds(example_problem(), TIME_G0, tilted(TIME_THETA), TIME_C,
                                       TIME_EPS)
    return b["first_rigorous"]


_TIME_MISTAKES = [
    (lambda: 2 * _time_reference(),
     "That is the printed bound. It is valid, but Lemma 2.4 gives "
     "df/dt ≤ −min(g², c)·‖Aᵀr‖² ≤ −2·min(g², c)·λ_min·f: where does the 2 go?"),
    (lambda: _time_reference() * min(_time_kappa(), TIME_C) / max(_time_kappa(), TIME_C),
     "The rate is set by the smaller of κ and c: which one is smaller here?"),
    (lambda: _time_reference() / math.log(10),
     "The logarithm in the bound is the natural one (np.log, not np.log10)."),
]

_TIME_HINTS = hints(
    "The bound is the time a guaranteed decay rate needs to bring the starting loss down to ε: "
    "find both for this start.",
    "The invariant keeps g_t² ≥ κ for all t, and Lemma 2.4 then makes the loss decay at least "
    "like exp(−2·min(κ, c)·λ_min·t).",
    "Compute f0 = ½(g0 cos θ − 1)², κ = g0² + 2c·log(sin θ) (here λ_min = 1), then "
    "T = log(f0/ε) / (2·min(κ, c)).",
)


def _time_kappa() -> float:
    return TIME_G0**2 + 2 * TIME_C * math.log(math.sin(math.radians(TIME_THETA)))


@exercise("ex-ch2-time", reference=_time_reference, wrong=lambda: 2 * _time_reference(),
          mistakes=_TIME_MISTAKES, hints=_TIME_HINTS,
          method_words=("log(f0", "min(κ", "2c·log", "f0 = ", "κ ="))
def _check_time(answer) -> tuple[bool, str | Hints]:
    return close(as_float(answer), _time_reference(), hint=_TIME_HINTS,
                 mistakes=_TIME_MISTAKES,
                 remark="g_t² ≥ κ for all t, so the loss decays at least like "
                        "exp(−2λ_min·min(κ, c)·t).")


# ------------------------------------------------------------ ex-ch2-stationary
_STAT_MISTAKES = [
    (lambda: 1.0, "That is ‖y‖²; the loss is ½‖Ax − y‖²."),
    (lambda: 0.0, "The points of S are stationary but not global minima: x = g·w = 0 does not "
                  "solve Ax = y."),
]

_STAT_HINTS = hints(
    "What is x = g·w at a point of S?",
    "At a point of S, g = 0, so x = g·w = 0. Put that into the loss.",
    "At a point of S the loss is ½‖A·0 − y‖² = ½‖y‖², with y = 1 here.",
)


@exercise("ex-ch2-stationary", reference=lambda: 0.5, wrong=lambda: 0.0,
          mistakes=_STAT_MISTAKES, hints=_STAT_HINTS,
          method_words=("½‖y‖", "A·0", "x = g·w = 0"))
def _check_stationary(answer) -> tuple[bool, str | Hints]:
    return close(as_float(answer), 0.5, hint=_STAT_HINTS,
                 mistakes=_STAT_MISTAKES,
                 remark="At g = 0 the loss is ½‖y‖² = ½ whatever w is: any start with a loss "
                        "below ½ can never reach S.")
