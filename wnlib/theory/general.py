"""Closed forms of Section 3 for a general data matrix: Proposition 3.3 and the two-phase recipe.

Setting of Proposition 3.3: ``A`` full row rank, scaled so that ``λ_max(AAᵀ) = 1``; the scale is
held fixed at ``g = g0`` and rPGD (Algorithm 2, ``γ = 0``) updates the direction only::

    v_t = w_t − η ∇_w f(w_t, g0) = w_t + η g0 Aᵀ(y − g0 A w_t),    w_{t+1} = v_t/‖v_t‖.

The extracted main text of the paper does not state ``η``; with ``η = 1/g0²`` (``1/(g0² λ_max)``
in general, the inverse Lipschitz constant of ``∇_w f``) and ``Aᵀy = AᵀA x*``::

    v_t = (I − AᵀA) w_t + AᵀA x*/g0,     v⊥_t = w⊥_t,

so ``w⊥_{t+1} = w⊥_t/‖v_t‖`` (the direction of ``w⊥`` never changes) and, because the eigenvalues of
``AᵀA`` on the row space lie in ``[λ_min, 1]`` and ``‖w∥_t‖ ≤ 1``::

    ‖v_t‖ ≥ ‖v∥_t‖ ≥ λ_min g*/g0 − (1 − λ_min) ≥ (2 + δ) − 1 + λ_min = 1 + δ + λ_min

whenever ``g0 ≤ g* λ_min/(2 + δ)``. Hence ``‖w⊥_t‖ ≤ ‖w⊥_0‖ (1 + δ + λ_min)^(−t)``, and
``‖w⊥_T‖ ≤ ε`` for ``T ≥ log(‖w⊥_0‖/ε)/log(1 + δ)`` (the proposition's ``T1``; ``λ_min`` makes it a
little sharper). Every function here is a formula, not a simulation: ``tests/test_general.py``
compares them with runs of :func:`wnlib.rpgd` and :func:`wnlib.recipes.two_phase`.

For an ``A`` that is not scaled, every statement holds with ``λ_min`` replaced by
``λ_min/λ_max`` and ``η = 1/(g0² λ_max)``; the functions below use that scale-free form, which is
the paper's when ``λ_max = 1``.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_finite_array, as_positive, as_problem, as_real, unbatch
from ..problem import Problem
from .flow import fixed_scale_limit


def _delta(delta) -> np.ndarray | float:
    arr = as_real(delta, "delta", array=True, gt=-2, why="the bound divides by 2 + delta")
    return unbatch(as_finite_array(arr, "delta", (0, 1)))


def _scale(g0, name: str = "g0") -> np.ndarray | float:
    arr = as_real(g0, name, array=True, nonzero=True, why="with g = 0 nothing moves")
    return unbatch(as_finite_array(arr, name, (0, 1)))


def admissible_g0(problem: Problem, delta):
    """Largest fixed scale allowed by Proposition 3.3: ``g* λ_min / (2 + δ)``.

    In scale-free form ``g* (λ_min/λ_max) / (2 + δ)``, which is the paper's when
    ``λ_max(AAᵀ) = 1``. The eigenvalue spread enters through ``λ_min/λ_max = 1/κ``: the admissible
    scale is ``g*/((2 + δ) κ)``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1) (any scaling: the scale-free form is used).
    delta : float or array_like
        ``δ > 0`` in the proposition (any ``δ > −2`` is accepted, to draw past the bound).

    Returns
    -------
    float or ndarray
        ``g* (λ_min/λ_max) / (2 + δ)``, one per ``δ``.
    """
    problem = as_problem(problem)
    delta = _delta(delta)
    return problem.g_star * (problem.lam_min / problem.lam_max) / (2 + delta)


def sharp_admissible_g0(problem: Problem, delta):
    """Largest fixed scale for which the derivation of Proposition 3.3 gives ``‖v_t‖ ≥ 1 + δ``.

    The proof (Appendix E.3, with ``η = 1/g0²``) bounds ``‖v_t‖ ≥ λ_min g*/g0 − (1 − λ_min)`` for
    every unit ``w_t``; this is ``≥ 1 + δ`` exactly when ``g0 ≤ g* λ_min/(2 + δ − λ_min)``,
    a little larger than the proposition's ``g* λ_min/(2 + δ)`` (:func:`admissible_g0`). The
    bound is attained (``x*`` on the weakest eigenvector, ``w → −w*``), so no larger ``g0``
    works for every ``w``. At ``κ = 1`` it is ``g*/(1 + δ)``: with ``AAᵀ = I``,
    ``‖v_t‖ ≥ g*/g0`` (Theorem 3.2, case (b)), and every ``g0 < g*`` has some ``δ > 0``.
    Scale-free form: ``λ_min`` stands for ``λ_min/λ_max``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1) (any scaling: the scale-free form is used).
    delta : float or array_like
        ``δ > 0`` (any ``δ > −1`` is accepted).

    Returns
    -------
    float or ndarray
        ``g* λ_min/(2 + δ − λ_min)`` (``λ_min`` for ``λ_min/λ_max``), one per ``δ``.
    """
    problem = as_problem(problem)
    arr = as_finite_array(delta, "delta", (0, 1))
    if np.any(arr <= -1):
        raise ValueError(f"delta must be > -1 (the bound divides by 1 + delta), got {delta!r}")
    delta = float(arr) if arr.ndim == 0 else arr
    lam = problem.lam_min / problem.lam_max
    return problem.g_star * lam / (2 + delta - lam)


def certified_delta(problem: Problem, g0):
    """The ``δ`` a fixed scale certifies in Proposition 3.3: ``g* λ_min/(λ_max |g0|) − 2``.

    ``g0`` satisfies the proposition's condition for some ``δ > 0`` exactly when this number is
    positive; it is the inverse of :func:`admissible_g0`.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1) (any scaling: the scale-free form is used).
    g0 : float or array_like
        The fixed scale(s), non-zero.

    Returns
    -------
    float or ndarray
        ``δ = g* λ_min/(λ_max |g0|) − 2``, one per ``g0``.
    """
    problem = as_problem(problem)
    g0 = _scale(g0)
    return problem.g_star * problem.lam_min / (problem.lam_max * np.abs(g0)) - 2


def step_norm_lower_bound(problem: Problem, delta):
    """Lower bound on ``‖v_t‖`` along rPGD with fixed ``g0 ≤ g*λ_min/(2+δ)`` and ``η = 1/g0²``.

    Proof of Proposition 3.3 (Appendix E.3) with our step: ``‖v_t‖ ≥ 1 + δ + λ_min/λ_max``
    (``1 + δ + λ_min`` when ``λ_max = 1``; derived in chapter 5). The proposition only uses
    ``‖v_t‖ ≥ 1 + δ``. Because ``‖v_t‖ ≥ 1``, normalizing ``v_t`` is the same as projecting it on
    the unit *ball*: rPGD is then projected gradient descent on a convex problem.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1) (any scaling: the scale-free form is used).
    delta : float or array_like
        ``δ`` of the condition ``g0 ≤ g*λ_min/(2+δ)`` (``δ > −2``).

    Returns
    -------
    float or ndarray
        ``1 + δ + λ_min/λ_max``, one per ``δ``.
    """
    problem = as_problem(problem)
    delta = _delta(delta)
    return 1 + delta + problem.lam_min / problem.lam_max


def iteration_bound(w_perp0_norm, eps, delta):
    """Iteration bound of Proposition 3.3: ``‖w⊥_T‖ ≤ ε`` after ``T1 = log(‖w⊥_0‖/ε)/log(1 + δ)``.

    Returned as a real number (run ``ceil`` of it); ``0`` when ``‖w⊥_0‖ ≤ ε`` already.

    Parameters
    ----------
    w_perp0_norm : float or array_like
        ``‖w⊥_0‖`` of the unit initial direction (in ``[0, 1]``).
    eps : float
        Target ``ε > 0``.
    delta : float or array_like
        ``δ > 0``.

    Returns
    -------
    float or ndarray
        ``T1 = max(log(‖w⊥_0‖/ε), 0)/log(1 + δ)``.
    """
    wp = as_finite_array(w_perp0_norm, "w_perp0_norm", (0, 1))
    eps = as_positive(eps, "eps")
    delta = as_finite_array(delta, "delta", (0, 1))
    if np.any(delta <= 0):
        raise ValueError(f"delta must be > 0 in the iteration bound, got {delta!r}")
    with np.errstate(divide="ignore"):
        out = np.maximum(np.log(wp / eps), 0.0) / np.log1p(delta)
    return unbatch(out)


def final_distance_bound(g0, eps):
    """Distance to ``x*`` after the two-phase recipe: ``‖x̂ − x*‖ ≤ |g0| ε``.

    Phase 1 ends with ``‖w⊥_T‖ ≤ ε``; plain GD from ``x = g0 w_T`` keeps ``x⊥ = g0 w⊥_T`` and
    converges to ``x* + g0 w⊥_T`` (GD's limit, Section 1), so the distance is exactly
    ``|g0| ‖w⊥_T‖ ≤ |g0| ε`` (Section 3, after Proposition 3.3).

    Parameters
    ----------
    g0 : float or array_like
        The fixed scale(s) of phase 1.
    eps : float
        The phase-1 target ``ε > 0`` for ``‖w⊥‖``.

    Returns
    -------
    float or ndarray
        ``|g0| ε``.
    """
    g0 = as_finite_array(g0, "g0", (0, 1))
    eps = as_positive(eps, "eps")
    out = np.abs(g0) * eps
    return unbatch(out)


def asymptotic_rate(problem: Problem, g0):
    """Factor by which ``‖w⊥_t‖`` shrinks per step near the end of fixed-scale rPGD (``η = 1/g0²``).

    For ``|g0| < g*`` the direction converges to the row-space solution ``w∞`` of the secular
    equation of Theorem 2.6 Part II, ``g0 Aᵀ(y − g0 A w∞) = μ w∞`` with ``μ > 0``
    (:func:`wnlib.theory.fixed_scale_limit`). There ``v = (1 + ημ) w∞``, so
    ``‖w⊥_{t+1}‖/‖w⊥_t‖ → 1/(1 + μ/(g0² λ_max))``; this returns ``1 + μ/(g0² λ_max)``. It tends to
    ``1`` as ``|g0| → g*`` (phase 1 slows down without bound). For ``|g0| ≥ g*`` the value ``1``
    is returned without computing anything: for ``|g0| > g*`` the sphere holds zero-loss points
    with ``w⊥ ≠ 0`` and runs end at one of them (``‖w⊥‖`` levels off); at ``|g0| = g*`` exactly,
    ``w*`` is the only zero-loss point on the sphere and ``‖w⊥‖ → 0`` sublinearly (like ``1/√t``
    when ``AAᵀ = I``). Do not use this function to *find* the threshold ``g*``: run rPGD.
    With ``x*`` on the eigenvector of ``λ_min`` the limit is ``w∞ = w*``,
    ``μ = g0 λ_min (g* − g0)`` and the factor is ``1 + (g*/g0 − 1)/κ``: a large spread slows
    phase 1 at every ``g0/g*``. This is our addition to the
    paper: it measures how conservative the condition of Proposition 3.3 is.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1) (any scaling: the scale-free form is used).
    g0 : float or array_like
        The fixed scale(s), non-zero.

    Returns
    -------
    float or ndarray
        ``1 + μ/(g0² λ_max)`` for ``|g0| < g*``, ``1`` for ``|g0| ≥ g*``.
    """
    problem = as_problem(problem)
    g0 = _scale(g0)
    g = np.atleast_1d(np.abs(np.asarray(g0, dtype=float)))
    out = np.ones_like(g)
    below = g < problem.g_star
    if below.any():
        w_inf = fixed_scale_limit(problem, g[below], np.tile(problem.w_star, (int(below.sum()), 1)))
        r = problem.y - g[below, None] * (w_inf @ problem.A.T)
        mu = g[below] * np.einsum("bi,bi->b", w_inf, r @ problem.A)
        out[below] = 1 + mu / (g[below] ** 2 * problem.lam_max)
    return float(out[0]) if np.ndim(g0) == 0 else out
