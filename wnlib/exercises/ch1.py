"""Self-checks for the exercises of Chapter 1 (setup, three algorithms, Figure 1).

Every exercise uses the Figure-1 problem ``make_problem(20, 100, seed=0)`` and a start drawn
from ``numpy.random.default_rng(seed)`` as its statement says, so the reference answers are
recomputed here with :mod:`wnlib` and compared with the student's number.
"""

from __future__ import annotations

import numpy as np

from .. import theory
from ..algorithms import wn
from ..problem import Problem, make_problem, random_directions
from . import as_float, close, exercise, hints

__all__: list[str] = []


def _problem() -> Problem:
    return make_problem(20, 100, kind="gaussian", seed=0)


def _unit(seed: int, d: int = 100) -> np.ndarray:
    """One random unit direction (the notebooks' ``random_directions(1, d, seed)[0]``)."""
    return random_directions(1, d, seed)[0]


# ------------------------------------------------------------ ex-ch1-gd-distance
def _gd_x0() -> np.ndarray:
    return 3.0 * _unit(7)


def _gd_reference() -> float:
    P = _problem()
    return float(np.linalg.norm(P.split(_gd_x0())[1]))


_GD_MISTAKES = [
    (lambda: float(np.linalg.norm(_gd_x0())),
     "That is ‖x0‖, the whole start. GD erases the row-space part x0∥ and keeps only x0⊥: use "
     "problem.split(x0)."),
    (lambda: float(np.linalg.norm(_problem().split(_gd_x0())[0])),
     "That is ‖x0∥‖, the part GD forgets. The part it keeps is the other output of "
     "problem.split(x0)."),
    (lambda: float(np.linalg.norm(_gd_x0() - _problem().x_star)),
     "That is the distance at the start, ‖x0 − x*‖. Where does GD end? Its limit is x* + x0⊥ "
     "(the proposition on where gradient descent ends, Section 2 of this chapter)."),
    (lambda: 0.0,
     "GD does reach zero loss, but not x* itself: one part of the start survives every step."),
    (lambda: _gd_reference() ** 2,
     "That is the squared distance ‖x0⊥‖²: take the square root."),
    (lambda: float(np.linalg.norm(_problem().split(
        3.0 * np.random.default_rng(7).standard_normal(100))[1])),
     "Check that x0 is 3 times a unit vector: normalize the draw from default_rng(7) first."),
]

_GD_HINTS = hints(
    "Where does GD end? Ask which part of the start GD can change at all.",
    "Every GD step adds Aᵀ times a residual, a vector in the row space of A, so one part of x0 "
    "is never touched. The proposition on where gradient descent ends (Section 2) gives the "
    "limit.",
    "The limit of GD is x* + x0⊥, so the distance is ‖x0⊥‖: the norm of the second output of "
    "problem.split(x0). Check that x0 is 3 times the unit vector from default_rng(7).",
)


@exercise("ex-ch1-gd-distance", reference=_gd_reference,
          wrong=lambda: float(np.linalg.norm(_gd_x0())),
          mistakes=_GD_MISTAKES, hints=_GD_HINTS,
          method_words=("x0⊥", "split", "x* +", "row space", "Aᵀ"))
def _check_gd_distance(answer) -> tuple[bool, object]:
    return close(as_float(answer), _gd_reference(), hint=_GD_HINTS,
                 mistakes=_GD_MISTAKES,
                 remark="GD keeps x0⊥ forever and fixes only the row-space part.")


# ---------------------------------------------------------------- ex-ch1-wn-norm
WN_G0, WN_ETA = 2.0, 0.1


def _wn_reference() -> float:
    P = _problem()
    r = wn(P, WN_G0, _unit(3), eta=WN_ETA, gamma=WN_ETA, tol=0, max_iter=1)
    return float(np.linalg.norm(r.w))


def _wn_without_projection() -> list[float]:
    """‖w₁‖ (and ‖w₁‖²) when the projection I − w₀w₀ᵀ is left out, in its written forms:
    the Pythagoras form, the step subtracted, and the step added (a sign slip)."""
    P = _problem()
    u = _unit(3)
    r = P.y - WN_G0 * (P.A @ u)
    grad_full = -WN_G0 * (P.A.T @ r)  # the gradient without the projection
    norms = [float(np.sqrt(1 + WN_ETA**2 * grad_full @ grad_full)),
             float(np.linalg.norm(u - WN_ETA * grad_full)),
             float(np.linalg.norm(u + WN_ETA * grad_full))]
    return norms + [n * n for n in norms]


_WN_MISTAKES = [
    (lambda: 1.0,
     "WN does not project w back to the sphere (that is rPGD). Take the step and measure the "
     "new w: is its length still 1?"),
    (lambda: _wn_reference() ** 2,
     "You returned ‖w₁‖²; the exercise asks for ‖w₁‖ (take the square root)."),
    (_wn_without_projection,
     "Close: you forgot the projection P_u = I − uuᵀ in ∇_w h = −(g/‖w‖) P_u Aᵀr. Without it the "
     "step is not orthogonal to w."),
]

_WN_HINTS = hints(
    "Write down one WN step for w and ask which way the step points relative to w₀.",
    "The gradient ∇_w h removes its component along w (a projection), so the step is "
    "orthogonal to w₀ and ‖w₁‖² = ‖w₀‖² + η²‖∇_w h‖².",
    "Use r = y − g₀Aw₀, ∇_w h = −(g₀/‖w₀‖)(I − w₀w₀ᵀ)Aᵀr (‖w₀‖ = 1) and "
    "‖w₁‖ = √(1 + η²‖∇_w h‖²) with g₀ = 2, η = 0.1 and w₀ the unit vector from default_rng(3).",
)


@exercise("ex-ch1-wn-norm", reference=_wn_reference, wrong=lambda: 1.0,
          mistakes=_WN_MISTAKES, hints=_WN_HINTS,
          method_words=("I − w", "P_u", "√(1 +", "η²‖∇", "orthogonal", "projection"))
def _check_wn_norm(answer) -> tuple[bool, object]:
    return close(as_float(answer), _wn_reference(), hint=_WN_HINTS,
                 mistakes=_WN_MISTAKES,
                 remark="‖w‖² grew by exactly η²‖∇_w h‖²: the step is orthogonal to w.")


# ------------------------------------------------------------ ex-ch1-fast-scale
FS_G0, FS_C = 1.0, 100.0


def _fs_ratio(c: float) -> float:
    P = _problem()
    w0 = _unit(4)
    x_flow = theory.flow_limit(P, FS_G0, w0, c)
    x_gd = theory.gd_limit(P, FS_G0 * w0)
    return float(np.linalg.norm(x_flow - P.x_star) / np.linalg.norm(x_gd - P.x_star))


_FS_MISTAKES = [
    (lambda: _fs_ratio(1.0), "That is the ratio for c = 1 (Figure 1). Use c = γ/η = 100."),
    (lambda: 1.0 / _fs_ratio(FS_C), "You divided the other way round: GD's distance over WN's."),
]

_FS_HINTS = hints(
    "Check which distance goes on top of the ratio, and that c is the statement's γ/η, not "
    "Figure 1's.",
    "The ratio is the WN flow's distance to x* over GD's distance to x*, both started from the "
    "same x0 = g0·w0 with g0 = 1, and the flow with c = 100.",
    "Compute ‖flow_limit(P, 1.0, w0, c=100) − x*‖ / ‖gd_limit(P, 1.0·w0) − x*‖ with w0 the unit "
    "vector from default_rng(4).",
)


@exercise("ex-ch1-fast-scale", reference=lambda: _fs_ratio(FS_C), wrong=lambda: _fs_ratio(1.0),
          mistakes=_FS_MISTAKES, hints=_FS_HINTS,
          method_words=("flow_limit(", "gd_limit(", "default_rng"))
def _check_fast_scale(answer) -> tuple[bool, object]:
    return close(as_float(answer), _fs_ratio(FS_C), hint=_FS_HINTS,
                 mistakes=_FS_MISTAKES,
                 remark="With c = 100 the scale races to g_∞ ≈ ‖x_∞‖ before w⊥ has time to "
                        "shrink: WN ends farther from x* than GD.")
