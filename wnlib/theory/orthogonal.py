"""Closed forms of Section 3 for an orthogonal data matrix (``AAᵀ = I``): Theorem 3.2.

Setting: rPGD (Algorithm 2) with the optimal direction step ``η_t = 1/g_t²`` and the two-stage
scale step of Condition 3.1 (``γ(1)`` for ``t ≤ T1``, ``γ(2)`` after). With ``AAᵀ = I`` one has
``Aᵀy = x*`` and ``AᵀA`` = the projection on the row space, so ``Aᵀr = x* − g w∥`` and one
direction step is exactly

    v_t = w_t + η_t g_t Aᵀr_t = w⊥_t + x*/g_t,     ‖v_t‖² = ‖w⊥_t‖² + g*²/g_t²,

    w_{t+1} = v_t/‖v_t‖:   w⊥_{t+1} = w⊥_t/‖v_t‖,   A w_{t+1} = y/(g_t ‖v_t‖)  (Lemma E.2).

From ``t ≥ 1`` on, ``w∥_t = a_t w*`` with ``a_t = g*/(g_{t−1}‖v_{t−1}‖) > 0`` and
``a_t² + ‖w⊥_t‖² = 1``; the residual norm is ``‖A g_t w_t − y‖ = |g* − g_t a_t|``.

Every function here is a formula, not a simulation; ``tests/test_orthogonal.py`` compares each
with :func:`wnlib.rpgd` runs. Scalars and numpy arrays broadcast.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import (
    as_positive,
    as_problem,
    as_real,
    as_start,
    as_step_count,
    check_size,
    unbatch,
)
from ..problem import Problem

__all__ = [
    "a_w_next",
    "direction_step",
    "gamma1_printed",
    "gamma1_sufficient",
    "residual_at_cap",
    "residual_bound",
    "scale_bound",
    "scale_cap",
    "scale_increment",
    "t1_fixed_scale",
    "t1_slow_scale",
    "t2_bound",
    "v_norm",
    "w_perp_fixed_scale",
    "w_perp_next",
    "w_perp_slow_scale_bound",
]


def _check_orthogonal(problem: Problem) -> None:
    gram = problem.A @ problem.A.T
    if not np.allclose(gram, np.eye(problem.m), atol=1e-10):
        raise ValueError(
            "these closed forms need an orthogonal data matrix (AAᵀ = I, Theorem 3.2); "
            f"this A has eigenvalues of AAᵀ in [{problem.lam_min:.3g}, {problem.lam_max:.3g}]. "
            "Use make_problem(m, d, kind='orthogonal')."
        )


def _gw(problem: Problem, g, w):
    g, w, batched = as_start(g, w, problem.d, ("g", "w"))
    if np.any(g == 0):
        raise ValueError("g must be non-zero (the direction step η = 1/g² is undefined at g = 0)")
    return g, w, batched


def _pos(x, name: str) -> np.ndarray:
    return as_positive(x, name, array=True)


def _below_g_star(g0, g_star) -> tuple[np.ndarray, np.ndarray]:
    g0, g_star = _pos(g0, "g0"), _pos(g_star, "g_star")
    if np.any(g0 >= g_star):
        raise ValueError("Theorem 3.2 assumes 0 < g0 < g*")
    return g0, g_star


def _rho(rho) -> np.ndarray:
    return as_real(rho, "rho", array=True, gt=0, le=1, why="rho lies in (0, 1], Theorem 3.2")


def _eps(eps) -> np.ndarray:
    return as_real(eps, "eps", array=True, gt=0, lt=1, why="‖w⊥‖ ≤ 1 always")


# ------------------------------------------------------------------ one step (Lemma E.2)
def direction_step(problem: Problem, g, w):
    """The direction step of rPGD with ``η = 1/g²`` for ``AAᵀ = I``: ``v = w⊥ + x*/g``.

    Proof of Theorem 3.2 (Appendix E.1): ``v = w − η ∇_w f = w + (1/g) Aᵀ(y − gAw)`` and
    ``Aᵀy = x*``, ``AᵀAw = w∥``. rPGD's next direction is ``v/‖v‖``.

    Parameters
    ----------
    problem : Problem
        With ``AAᵀ = I``.
    g : float or array_like (B,)
        Current scale, non-zero.
    w : array_like, shape (d,) or (B, d)
        Current direction (normalized first).

    Returns
    -------
    ndarray, shape (d,) or (B, d)
        ``v = w⊥ + x*/g``.
    """
    problem = as_problem(problem)
    _check_orthogonal(problem)
    g, w, batched = _gw(problem, g, w)
    _, w_perp = problem.split(w)
    return unbatch(w_perp + problem.x_star[None, :] / g[:, None], batched)


def v_norm(w_perp_norm, g, g_star):
    """``‖v_t‖ = sqrt(‖w⊥_t‖² + g*²/g_t²)`` (proof of Theorem 3.2; ``v_t = w⊥_t + x*/g_t``).

    Parameters
    ----------
    w_perp_norm : float or array_like
        ``‖w⊥_t‖`` of the unit direction.
    g : float or array_like
        The scale ``g_t``, non-zero.
    g_star : float or array_like
        ``g* = ‖x*‖``.

    Returns
    -------
    float or ndarray
        ``‖v_t‖``.
    """
    wp = np.asarray(w_perp_norm, dtype=float)
    g = np.asarray(g, dtype=float)
    return unbatch(np.sqrt(wp**2 + np.asarray(g_star, dtype=float) ** 2 / g**2))


def w_perp_next(w_perp_norm, g, g_star):
    """The ``‖w⊥‖`` recursion of Theorem 3.2: ``‖w⊥_{t+1}‖ = ‖w⊥_t‖/‖v_t‖``.

    Equivalently ``‖w⊥_{t+1}‖² = ‖w⊥_t‖²/(‖w⊥_t‖² + g*²/g_t²) ≤ (g_t²/g*²)‖w⊥_t‖²``, the
    geometric decay quoted after Theorem 3.2 (and ``1/‖w⊥_{t+1}‖² = 1 + (g*²/g_t²)/‖w⊥_t‖²``).

    Parameters
    ----------
    w_perp_norm : float or array_like
        ``‖w⊥_t‖`` of the unit direction.
    g : float or array_like
        The scale ``g_t``, non-zero.
    g_star : float or array_like
        ``g* = ‖x*‖``.

    Returns
    -------
    float or ndarray
        ``‖w⊥_{t+1}‖ = ‖w⊥_t‖/‖v_t‖``.
    """
    return unbatch(np.asarray(w_perp_norm, dtype=float) / v_norm(w_perp_norm, g, g_star))


def a_w_next(problem: Problem, g, w):
    """Lemma E.2: ``A w_{t+1} = y/(g_t‖v_t‖) = A g*w*/(g_t‖v_t‖) ≠ 0``.

    The next direction always "sees" the data (``yᵀA w_{t+1} = ‖y‖²/(g_t‖v_t‖) > 0`` for
    ``g_t > 0``), so rPGD leaves the saddle set ``S = {g = 0, yᵀAw = 0}`` of Lemma 2.3 after one
    step, whatever ``w_t`` is.

    Parameters
    ----------
    problem : Problem
        With ``AAᵀ = I``.
    g : float or array_like (B,)
        Current scale, non-zero.
    w : array_like, shape (d,) or (B, d)
        Current direction (normalized first).

    Returns
    -------
    ndarray, shape (m,) or (B, m)
        ``A w_{t+1} = y/(g_t‖v_t‖)``.
    """
    problem = as_problem(problem)
    _check_orthogonal(problem)
    g, w, batched = _gw(problem, g, w)
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    nv = np.sqrt(wp**2 + problem.g_star**2 / g**2)
    return unbatch(problem.y[None, :] / (g * nv)[:, None], batched)


def scale_increment(problem: Problem, g, w, gamma):
    """One scale step of rPGD: ``g_{t+1} − g_t = γ wᵀAᵀr = γ (wᵀx* − g‖w∥‖²)`` (``AAᵀ = I``).

    For ``t ≥ 1``, ``w∥_t = a_t w*`` with ``0 < a_t ≤ 1`` and the increment is
    ``γ a_t (g* − g_t a_t) ≥ 0`` while ``g_t a_t ≤ g*``: ``g_t`` is non-decreasing from the second
    step on (Lemma E.4). At ``t = 0`` the direction ``w0`` is arbitrary and the increment is
    negative when ``w0ᵀx* < g0‖w0∥‖²``, e.g. when ``w0∥`` points away from ``x*``.

    Parameters
    ----------
    problem : Problem
        With ``AAᵀ = I``.
    g : float or array_like (B,)
        Current scale ``g_t``, non-zero.
    w : array_like, shape (d,) or (B, d)
        Current direction ``w_t`` (normalized first).
    gamma : float or array_like (B,)
        The scale step ``γ``.

    Returns
    -------
    float or ndarray (B,)
        ``g_{t+1} − g_t = γ (wᵀx* − g‖w∥‖²)``.
    """
    problem = as_problem(problem)
    _check_orthogonal(problem)
    g, w, batched = _gw(problem, g, w)
    w_par, _ = problem.split(w)
    inc = np.asarray(gamma, dtype=float) * (w @ problem.x_star - g * np.sum(w_par**2, axis=1))
    return unbatch(inc, batched)


def scale_bound(g0, g_star, gamma, t):
    """An upper bound ``G_t ≥ g_t`` on the scale of rPGD (``AAᵀ = I``, ``η_t = 1/g_t²``).

    The increment of one scale step is ``γ wᵀAᵀr = γ (wᵀx* − g‖w∥‖²) ≤ γ m(g)`` with::

        m(g) = max_{0 ≤ a ≤ 1} a (g* − g a) = g*²/(4g)  if g ≥ g*/2,   g* − g  if g ≤ g*/2,

        G_0 = g0,   G_{t+1} = G_t + γ m(G_t).

    For ``t ≥ 1`` this holds because ``w∥_t = a_t w*`` with ``0 < a_t ≤ 1`` (Lemma E.2, for
    ``g_{t−1} > 0``); at ``t = 0`` because ``w0ᵀx* ≤ g*‖w0∥‖`` and ``‖w0∥‖ ≤ 1``. For
    ``0 < γ ≤ 1`` the map ``g ↦ g + γ m(g)`` is non-decreasing on ``g > 0`` (slope ``1 − γ``
    below ``g*/2``, ``1 − γ g*²/(4g²) ≥ 1 − γ`` above), so by induction ``g_t ≤ G_t`` as long as
    ``g_1, …, g_t > 0``, even when the first step lowers ``g``. Since ``G_t ≥ g0`` and
    ``m(g) ≤ g*²/(4g)``, ``G_t ≤ g0 exp(t γ g*²/(4 g0²))``: the bound behind
    :func:`gamma1_sufficient` (Theorem 3.2(a)), now without assuming ``g_t ≥ g0``.

    Parameters
    ----------
    g0, g_star : float or array_like
        ``0 < g0 < g*``.
    gamma : float or array_like
        The scale step, ``0 < γ ≤ 1`` (for ``γ > 1`` the map is not monotone and ``G_t`` need
        not bound ``g_t``).
    t : int
        Number of steps, ``t >= 0``.

    Returns
    -------
    ndarray, shape (t + 1, ...)
        ``G_0, …, G_t`` (broadcast over ``g0``, ``g_star``, ``gamma``).
    """
    g0, g_star = _below_g_star(g0, g_star)
    gamma = _pos(gamma, "gamma")
    if np.any(gamma > 1):
        raise ValueError(f"scale_bound needs 0 < gamma <= 1 (monotone step map), got {gamma!r}")
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise ValueError(f"t must be an integer >= 0, got {t!r}")
    shape = np.broadcast_shapes(g0.shape, g_star.shape, gamma.shape)
    check_size(8 * (as_step_count(t, "t") + 1) * math.prod(shape),
               f"the bound at t + 1 = {int(t) + 1:,} steps", "ask for fewer steps")
    G = [np.broadcast_to(g0, shape) * 1.0]
    for _ in range(int(t)):
        g = G[-1]
        m = np.where(g >= g_star / 2, g_star**2 / (4 * g), g_star - g)
        G.append(g + gamma * m)
    return np.array(G)


# ------------------------------------------------------------- case (b): γ(1) = 0
def w_perp_fixed_scale(w_perp0, g0, g_star, t):
    """Case (b) of Theorem 3.2, ``γ(1) = 0``: ``‖w⊥_t‖`` in closed form.

    With ``g_t = g0`` fixed and ``κ = g*²/g0²`` the recursion ``u_{t+1} = 1 + κ u_t`` for
    ``u_t = 1/‖w⊥_t‖²`` solves to::

        1/‖w⊥_t‖² = κᵗ/‖w⊥_0‖² + (κᵗ − 1)/(κ − 1)        (κ ≠ 1).

    Parameters
    ----------
    w_perp0 : float or array_like
        ``‖w⊥_0‖`` in ``(0, 1]``.
    g0, g_star : float or array_like
        ``0 < g0 < g*``.
    t : int or array_like of int
        Steps (broadcast against the others).

    Returns
    -------
    float or ndarray
        ``‖w⊥_t‖ = (κᵗ/‖w⊥_0‖² + (κᵗ − 1)/(κ − 1))^(−1/2)``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    wp0 = _pos(w_perp0, "w_perp0")
    t = np.asarray(t, dtype=float)
    kappa = g_star**2 / g0**2
    # log-space for large t: κᵗ overflows long before ‖w⊥‖ underflows to 0
    log_kt = t * np.log(kappa)
    with np.errstate(over="ignore"):
        kt = np.exp(np.minimum(log_kt, 700.0))
        inv = kt / wp0**2 + (kt - 1) / (kappa - 1)
    return unbatch(1 / np.sqrt(inv))


def t1_fixed_scale(w_perp0, g0, g_star, eps):
    """Case (b): the exact first ``T1`` with ``‖w⊥_{T1}‖ ≤ ε`` (from :func:`w_perp_fixed_scale`).

    ``κᵗ (1/‖w⊥_0‖² + 1/(κ−1)) − 1/(κ−1) ≥ 1/ε²`` gives::

        T1 = ⌈ log[(1/ε² + 1/(κ−1)) / (1/‖w⊥_0‖² + 1/(κ−1))] / log κ ⌉,   κ = g*²/g0²,

    about ``2 log(1/ε)/log(g*²/g0²)``: linear in ``log(1/ε)`` with a constant between the
    paper's ``g0²/δ0`` and ``g*²/δ0`` (``x/(1+x) ≤ log(1+x) ≤ x`` with ``x = δ0/g0²``). The
    paper's ``g0²/δ0`` underestimates it by the factor ``x/log(1+x)``, unbounded as
    ``g0 → 0``; ``g*²/δ0`` bounds it uniformly. ``0`` if ``‖w⊥_0‖ ≤ ε`` already.

    Parameters
    ----------
    w_perp0 : float or array_like
        ``‖w⊥_0‖`` of the unit initial direction, in ``(0, 1]``.
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    eps : float or array_like
        Target ``ε ∈ (0, 1)`` for ``‖w⊥‖``.

    Returns
    -------
    int or ndarray of int
        ``T1``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    wp0, eps = _pos(w_perp0, "w_perp0"), _eps(eps)
    kappa = g_star**2 / g0**2
    c = 1 / (kappa - 1)
    ratio = (1 / eps**2 + c) / (1 / wp0**2 + c)
    t = np.ceil(np.log(np.maximum(ratio, 1.0)) / np.log(kappa) - 1e-12)
    t = np.maximum(t, 0).astype(int)
    return int(t) if t.ndim == 0 else t


# ------------------------------------------------------------- case (a): small γ(1) > 0
def scale_cap(g0, g_star, rho):
    """The ceiling of case (a): keep ``g_t² ≤ g*² − ρδ0`` for ``t ≤ T1``, ``δ0 = g*² − g0²``.

    Parameters
    ----------
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.

    Returns
    -------
    float or ndarray
        ``g*² − ρδ0``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    return unbatch(g_star**2 - _rho(rho) * (g_star**2 - g0**2))


def w_perp_slow_scale_bound(w_perp0, g0, g_star, rho, t):
    """Case (a): ``‖w⊥_t‖ ≤ ‖w⊥_0‖ (1 − ρδ0/g*²)^{t/2}`` while ``g_s² ≤ g*² − ρδ0`` for ``s < t``.

    From ``‖w⊥_{t+1}‖² ≤ (g_t²/g*²)‖w⊥_t‖²`` (Theorem 3.2's geometric decay, eq. (19)).

    Parameters
    ----------
    w_perp0 : float or array_like
        ``‖w⊥_0‖`` of the unit initial direction, in ``(0, 1]``.
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.
    t : float or array_like
        Steps, ``t ≥ 0``.

    Returns
    -------
    float or ndarray
        ``‖w⊥_0‖ (1 − ρδ0/g*²)^{t/2}``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    q = 1 - _rho(rho) * (g_star**2 - g0**2) / g_star**2
    return unbatch(_pos(w_perp0, "w_perp0") * q ** (np.asarray(t, dtype=float) / 2))


def t1_slow_scale(w_perp0, g0, g_star, rho, eps):
    """Case (a) of Theorem 3.2: ``T1 = ⌈(g*²/(ρδ0)) log(‖w⊥_0‖²/ε²)⌉``.

    Theorem 3.2's ``O((g*²/(ρδ0)) log(1/ε))`` with a constant (our reconstruction, chapter 4).

    Sufficient by :func:`w_perp_slow_scale_bound` and ``1 − x ≤ e^{−x}``: then
    ``‖w⊥_{T1}‖ ≤ ε`` as long as ``g_t² ≤ g*² − ρδ0`` for ``t < T1``.

    Parameters
    ----------
    w_perp0 : float or array_like
        ``‖w⊥_0‖`` of the unit initial direction, in ``(0, 1]``.
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.
    eps : float or array_like
        Target ``ε ∈ (0, 1)`` for ``‖w⊥‖``.

    Returns
    -------
    int or ndarray of int
        ``T1``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    rho, wp0, eps = _rho(rho), _pos(w_perp0, "w_perp0"), _eps(eps)
    d0 = g_star**2 - g0**2
    t = np.ceil(g_star**2 / (rho * d0) * np.log(np.maximum(wp0**2 / eps**2, 1.0)))
    t = t.astype(int)
    return int(t) if t.ndim == 0 else t


def gamma1_sufficient(g0, g_star, rho, T1):
    """A sufficient ``γ(1)`` for case (a) of Theorem 3.2 (reconstructed in chapter 4).

    The printed ``γ(1)`` lost its constants; this one is verified in the tests::

        γ(1) = 2 g0² log((g*² − ρδ0)/g0²) / (g*² T1) = 2 g0² log((1 − ρ) g*²/g0² + ρ) / (g*² T1).

    Derivation: ``wᵀAᵀr = a(g* − g a) ≤ g*²/(4g)`` (maximized over ``a``), so
    ``g_{t+1} ≤ g_t (1 + γ g*²/(4 g_t²)) ≤ g_t exp(γ g*²/(4 g0²))`` while ``g_t ≥ g0``; after
    ``T1`` steps ``g_{T1}² ≤ g0² exp(γ g*² T1/(2 g0²)) = g*² − ρδ0``. The step ``t = 0`` may lower
    ``g`` (see :func:`scale_increment`); that only lowers the bound, see :func:`scale_bound`
    (for ``0 < γ ≤ 1`` and ``g_1 > 0``). ``ρ = 1`` gives ``γ(1) = 0`` (case (b)).

    Parameters
    ----------
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.
    T1 : int or array_like
        Length of stage 1, ``T1 ≥ 1``.

    Returns
    -------
    float or ndarray
        ``γ(1) = 2 g0² log((1 − ρ) g*²/g0² + ρ) / (g*² T1)``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    rho = _rho(rho)
    T1 = np.asarray(T1, dtype=float)
    if np.any(T1 < 1):
        raise ValueError(f"T1 must be >= 1, got {T1!r}")
    return unbatch(2 * g0**2 * np.log((1 - rho) * g_star**2 / g0**2 + rho) / (g_star**2 * T1))


def gamma1_printed(g0, g_star, rho, eps):
    """Our reading of the printed ``γ(1) = O(·)`` of Theorem 3.2(a), with the constant set to 1.

    That is::

        γ(1) = ρ (g0/g*)² log((1 − ρ) g*²/g0² + ρ) / log(1/ε).

    The extraction is garbled (the square inside the log and the constant are lost). It equals
    :func:`gamma1_sufficient` with ``T1`` of :func:`t1_slow_scale` times about
    ``(g*²/δ0) · log(‖w⊥_0‖/ε)/log(1/ε)``, so it is too large when ``g0`` is close to ``g*``:
    kept to show that the ``O(·)`` needs its constant.

    Parameters
    ----------
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.
    eps : float or array_like
        Target ``ε ∈ (0, 1)`` for ``‖w⊥‖``.

    Returns
    -------
    float or ndarray
        ``ρ (g0/g*)² log((1 − ρ) g*²/g0² + ρ) / log(1/ε)``.
    """
    g0, g_star = _below_g_star(g0, g_star)
    rho, eps = _rho(rho), _eps(eps)
    return unbatch(rho * (g0 / g_star) ** 2 * np.log((1 - rho) * g_star**2 / g0**2 + rho)
                / np.log(1 / eps))


# --------------------------------------------------------------- second stage and the end
def residual_bound(eps, g_star):
    """The final guarantee of Theorem 3.2 on the residual: ``‖A g_T w_T − y‖² ≤ 3 ε g*²``.

    (The course's loss is half of it: ``½‖A g_T w_T − y‖² ≤ 1.5 ε g*²``.) The other half of the
    guarantee is ``‖w⊥_T‖ ≤ ε``.

    Parameters
    ----------
    eps : float or array_like
        Target ``ε ∈ (0, 1)`` for ``‖w⊥‖``.
    g_star : float or array_like
        ``g* = ‖x*‖``.

    Returns
    -------
    float or ndarray
        ``3 ε g*²``.
    """
    return unbatch(3 * _eps(eps) * np.asarray(g_star, dtype=float) ** 2)


def residual_at_cap(g0, g_star, rho, eps):
    """Residual norm ``g* − g a`` at the end of stage 1 if ``g_{T1}`` sits at the cap.

    With ``g_{T1}² = g*² − ρδ0`` and ``a_{T1} ≥ sqrt(1 − ε²)``: at most
    ``g* − sqrt((g*² − ρδ0)(1 − ε²))`` (about ``ρδ0/(2g*)``): the reason a larger ``ρ`` costs a
    longer second stage. For the residual of an actual run use ``sqrt(2·loss)`` at ``T1``.

    Parameters
    ----------
    g0 : float or array_like
        The initial scale, ``0 < g0 < g*``.
    g_star : float or array_like
        ``g* = ‖x*‖``.
    rho : float or array_like
        ``ρ ∈ (0, 1]`` of Theorem 3.2(a): stage 1 keeps ``g_t² ≤ g*² − ρδ0``,
        ``δ0 = g*² − g0²``.
    eps : float or array_like
        Target ``ε ∈ (0, 1)`` for ``‖w⊥‖``.

    Returns
    -------
    float or ndarray
        ``g* − sqrt((g*² − ρδ0)(1 − ε²))``.
    """
    cap = scale_cap(g0, g_star, rho)
    eps = _eps(eps)
    return unbatch(np.asarray(g_star, dtype=float) - np.sqrt(cap * (1 - eps**2)))


def t2_bound(residual_T1, g_star, gamma2, eps):
    """Stage 2 of Theorem 3.2: steps after ``T1`` until ``‖A g w − y‖² ≤ 3εg*²``.

    With ``e_t = g* − g_t a_t ≥ 0`` (the residual norm) and ``a_t`` non-decreasing (``‖v_t‖ ≥ 1``),
    ``e_{t+1} ≤ g* − g_{t+1} a_t = (1 − γ(2) a_t²) e_t ≤ (1 − γ(2)(1 − ε²)) e_t`` once
    ``‖w⊥‖ ≤ ε``, hence::

        T2 = ⌈ log(e_{T1}/(sqrt(3ε) g*)) / (−log(1 − γ(2)(1 − ε²))) ⌉

    (``0`` if already below), the paper's ``O((1/γ(2)) log(·/ε))``. Derived here, since the
    explicit form of Appendix E is not in the extracted text; valid for ``0 < γ(2) ≤ 1/4``.

    Counting: Condition 3.1 still uses ``γ(1)`` at ``t = T1``, so stage 2 starts with the update
    at ``t = T1 + 1`` and the guarantee holds at ``T = T1 + 1 + T2`` (``e_{T1+1} ≤ e_{T1}``).

    Parameters
    ----------
    residual_T1 : float or array_like
        ``e_{T1} = ‖A g_{T1} w_{T1} − y‖`` (see :func:`residual_at_cap`).
    g_star, gamma2, eps : float or array_like
        ``g* = ‖x*‖``, the stage-2 scale step ``0 < γ(2) ≤ 1/4`` and the target ``ε ∈ (0, 1)``.

    Returns
    -------
    int or ndarray of int
        ``T2``.
    """
    e = np.asarray(residual_T1, dtype=float)
    g_star, eps = _pos(g_star, "g_star"), _eps(eps)
    gamma2 = _pos(gamma2, "gamma2")
    if np.any(gamma2 > 0.25):
        raise ValueError(f"Theorem 3.2 takes γ(2) ≤ 1/4, got {gamma2!r}")
    ratio = np.maximum(e / (math.sqrt(3) * np.sqrt(eps) * g_star), 1.0)
    t = np.ceil(np.log(ratio) / -np.log1p(-gamma2 * (1 - eps**2)) - 1e-12)
    t = np.maximum(t, 0).astype(int)
    return int(t) if t.ndim == 0 else t
