"""Closed forms of Section 2 (continuous time): GD's limit, Lemmas 2.3-2.5, Theorems 2.6-2.7.

Every function here is a formula, not a simulation: tests compare them with the algorithms of
:mod:`wnlib.algorithms` and the integrated flow of :mod:`wnlib.flow`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from .._validate import as_direction, as_finite_array, as_scale, check_step
from ..problem import Problem


def _gw(problem: Problem, g, w) -> tuple[np.ndarray, np.ndarray, bool]:
    """Normalized ``(g (B,), w (B, d), batched)`` from user input."""
    w, batched = as_direction(w, "w", problem.d)
    g = as_scale(g, "g", w.shape[0])
    if not batched and g.shape[0] != 1:
        raise ValueError("g has several entries but w is a single direction; pass w as (B, d)")
    return g, w, batched


def _out(a: np.ndarray, batched: bool):
    if batched:
        return a
    return float(a[0]) if np.ndim(a[0]) == 0 else a[0]


def _positive_c(c) -> float:
    c = float(check_step(c, "c", allow_zero=True))
    if c == 0:
        raise ValueError("c must be > 0 here (with c = 0 the scale is fixed: see fixed_scale_limit)")
    return c


def gd_limit(problem: Problem, x0) -> np.ndarray:
    """Limit of gradient descent (or gradient flow) from ``x0``: ``x* + x0⊥``.

    GD's update ``−η Aᵀ(Ax − y)`` lies in the row space of A, so ``x⊥`` never changes and the
    row-space part converges to the unique solution there, ``x*`` (Section 1 of the paper).

    Parameters
    ----------
    problem : Problem
    x0 : array_like, shape (d,) or (B, d)
    """
    x0 = as_finite_array(x0, "x0", (1, 2))
    return problem.x_star + problem.split(x0)[1]


def invariant(problem: Problem, g, w, c: float):
    """The WN-flow invariant of Lemma 2.5 (corrected form): ``‖w⊥‖ · exp(g²/(2c))``.

    Along the flow ``w⊥(t) = w⊥(0) · exp((g0² − g_t²)/(2c))`` as vectors, so this number is
    constant (equivalently ``‖w⊥‖² · exp(g²/c)``). ``w`` is normalized first.

    Parameters
    ----------
    problem : Problem
    g : float or array_like (B,)
    w : array_like, shape (d,) or (B, d)
    c : float
        ``c > 0``.
    """
    c = _positive_c(c)
    g, w, batched = _gw(problem, g, w)
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    return _out(wp * np.exp(g * g / (2 * c)), batched)


def invariant_printed(problem: Problem, g, w, c: float):
    """The invariant as the extracted text prints eq. (6): ``‖w⊥‖² · exp(g²/(2c))``.

    Kept to show that it is *not* constant along the flow (the exponent must be ``g²/c`` when the
    norm is squared); see :func:`invariant`.
    """
    c = _positive_c(c)
    g, w, batched = _gw(problem, g, w)
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    return _out(wp**2 * np.exp(g * g / (2 * c)), batched)


def starts_below_zero_loss(problem: Problem, g0, w0):
    """The sufficient condition of Lemma 2.3 / Theorem 2.6: ``‖y‖² > ‖A g0 w0 − y‖²``.

    A start with a loss strictly below the loss at ``g = 0`` cannot reach the spurious stationary
    set ``S = {g = 0, yᵀAw = 0}`` (the loss never increases along the flow, Lemma 2.4), so the
    flow reaches zero loss; along it ``g`` keeps its sign.
    """
    g, w, batched = _gw(problem, g0, w0)
    r = g[:, None] * (w @ problem.A.T) - problem.y
    return _out(problem.y @ problem.y > np.sum(r * r, axis=1), batched)


def in_spurious_set(problem: Problem, g, w, *, atol: float = 1e-12):
    """Membership in ``S = {(g, w): g = 0, yᵀAw = 0}`` (Lemma 2.3), up to ``atol``."""
    g, w, batched = _gw(problem, g, w)
    return _out((np.abs(g) <= atol) & (np.abs(w @ problem.A.T @ problem.y) <= atol), batched)


def loss_rate(problem: Problem, g, w, c: float):
    """``d/dt ½‖r‖²`` along the WN flow (Lemma 2.4): ``−c (wᵀAᵀr)² − g² ‖P_w Aᵀr‖²``.

    Returns
    -------
    rate, lower, upper
        The rate and its bounds ``−max(g², c)‖Aᵀr‖² ≤ rate ≤ −min(g², c)‖Aᵀr‖² ≤ 0`` (eq. 5).
    """
    c = float(check_step(c, "c", allow_zero=True))
    g, w, batched = _gw(problem, g, w)
    r = problem.y - g[:, None] * (w @ problem.A.T)
    Atr = r @ problem.A
    wAtr = np.einsum("bi,bi->b", w, Atr)
    proj = Atr - wAtr[:, None] * w
    rate = -c * wAtr**2 - g**2 * np.sum(proj * proj, axis=1)
    n2 = np.sum(Atr * Atr, axis=1)
    return (_out(rate, batched), _out(-np.maximum(g**2, c) * n2, batched),
            _out(-np.minimum(g**2, c) * n2, batched))


def scale_rate(problem: Problem, g, w, c: float):
    """``d(g²)/dt`` along the flow, the self-balancing identity: ``c(‖y‖² − ‖r‖² − g²‖Aw‖²)``.

    Follows from ``d(g²)/dt = 2cg wᵀAᵀr`` and ``‖y‖² = ‖r + gAw‖²`` (cf. eq. (14), Lemma C.1).
    """
    c = float(check_step(c, "c", allow_zero=True))
    g, w, batched = _gw(problem, g, w)
    Aw = w @ problem.A.T
    r = problem.y - g[:, None] * Aw
    rate = c * (problem.y @ problem.y - np.sum(r * r, axis=1) - g**2 * np.sum(Aw * Aw, axis=1))
    return _out(rate, batched)


def flow_g_inf(problem: Problem, g0, w0, c: float):
    """Final scale ``g_∞`` of the WN flow when the loss goes to zero (Theorem 2.6, exact form).

    ``s = g_∞²`` is the unique root, on ``s ≥ max(0, g0² + c·log‖w⊥(0)‖²)``, of
    ``s · (1 − ‖w⊥(0)‖² exp((g0² − s)/c)) = g*²``: the limit has ``x∥ = x*`` and, by the
    invariant (Lemma 2.5), ``‖x⊥‖ = g_∞ ‖w⊥(0)‖ exp((g0² − g_∞²)/(2c))``, while
    ``‖x‖² = g_∞²``. The sign is that of ``g0`` (``g`` keeps its sign on starts with
    ``‖y‖² > ‖Ag0w0 − y‖²``).

    Parameters
    ----------
    problem : Problem
    g0 : float or array_like (B,)
        Non-zero.
    w0 : array_like, shape (d,) or (B, d)
    c : float
        ``c > 0``.
    """
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    if np.any(g == 0):
        raise ValueError("g0 = 0 lies in the stationary set S' closure; the limit needs g0 != 0")
    a = np.sum(problem.split(w)[1] ** 2, axis=1)  # ‖w⊥(0)‖²
    gs2 = problem.g_star**2
    out = np.empty_like(g)
    for i, (gi, ai) in enumerate(zip(g, a, strict=True)):
        if ai == 0:
            out[i] = problem.g_star
            continue
        s_lo = max(0.0, gi * gi + c * math.log(ai))

        def phi(s: float, gi=gi, ai=ai) -> float:
            return s * (1.0 - ai * math.exp((gi * gi - s) / c)) - gs2

        s_hi = max(s_lo, gs2) + 1.0
        while phi(s_hi) < 0:
            s_hi = 2 * s_hi + 1.0
        s = brentq(phi, s_lo, s_hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
        out[i] = math.copysign(math.sqrt(s), gi)
    return _out(out, batched)


def flow_limit(problem: Problem, g0, w0, c: float) -> np.ndarray:
    """Exact limit of the WN flow, eq. (7) with ``g_∞`` in place of the printed ``g*``.

    ``lim g_t w_t = x* + g_∞ · w⊥(0) · exp((g0² − g_∞²)/(2c))`` with ``g_∞`` from
    :func:`flow_g_inf` (Theorem 2.6 Part I), valid when the loss goes to zero, e.g. for starts with
    ``‖y‖² > ‖Ag0w0 − y‖²`` (:func:`starts_below_zero_loss`).
    """
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    g_inf = np.atleast_1d(flow_g_inf(problem, g, w, c))
    w_perp = problem.split(w)[1]
    x = problem.x_star + (g_inf * np.exp((g * g - g_inf * g_inf) / (2 * c)))[:, None] * w_perp
    return _out(x, batched)


def flow_limit_printed(problem: Problem, g0, w0, c: float) -> np.ndarray:
    """The paper's printed eq. (7): ``x* + g* · w⊥(0) · exp((g0² − g*²)/(2c))``.

    An approximation of :func:`flow_limit`: exact when ``w⊥(0) = 0``, close when
    ``exp(−(g*² − g0²)/(2c))`` is tiny, and badly off (it grows like ``exp(g0²/(2c))``) for
    ``g0 > g*``. The concrete example's ``[1, exp((g0² − 1)/2)]`` is the same approximation.
    """
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    w_perp = problem.split(w)[1]
    factor = problem.g_star * np.exp((g * g - problem.g_star**2) / (2 * c))
    return _out(problem.x_star + factor[:, None] * w_perp, batched)


def fixed_scale_limit(problem: Problem, g0, w0) -> np.ndarray:
    """Where the WN flow with ``c = 0`` (scale fixed at ``g0``) ends: Theorem 2.6 Part II.

    - ``|g0| < g*``: ``w → argmin_{‖w‖=1} ‖g0 A w − y‖``, the solution of the secular equation
      ``w = (g0² AᵀA + μI)⁻¹ g0 Aᵀy`` with ``μ > 0`` chosen so that ``‖w‖ = 1``; it lies in the row
      space. For ``AAᵀ = I`` it is ``sign(g0)·w*``; for general A it is *not* ``w*``.
    - ``|g0| ≥ g*``: zero loss is reachable on the sphere and ``w⊥`` keeps its direction, so
      ``w → x*/g0 + √(1 − (g*/g0)²) · w⊥(0)/‖w⊥(0)‖``.

    Returns the limit direction ``w`` (multiply by ``g0`` for ``x``).
    """
    g, w, batched = _gw(problem, g0, w0)
    if np.any(g == 0):
        raise ValueError("g0 = 0: with the scale fixed at zero nothing moves")
    U, s, Vt = np.linalg.svd(problem.A, full_matrices=False)
    b = U.T @ problem.y
    out = np.empty_like(w)
    for i, gi in enumerate(g):
        if abs(gi) >= problem.g_star:
            w_perp = problem.split(w[i])[1]
            n = np.linalg.norm(w_perp)
            if n == 0:
                raise ValueError("w0 has no component outside the row space, so the flow cannot "
                                 "reach zero loss on the sphere with |g0| > g*")
            out[i] = problem.x_star / gi + math.sqrt(1 - (problem.g_star / gi) ** 2) * w_perp / n

        else:
            def norm2(log_mu: float, gi=gi) -> float:
                coef = gi * s * b / (gi * gi * s * s + math.exp(log_mu))
                return float(coef @ coef) - 1.0

            lo, hi = -60.0, math.log(abs(gi) * float(s @ np.abs(b))) + 5.0
            log_mu = brentq(norm2, lo, hi, xtol=1e-14, maxiter=500)
            out[i] = Vt.T @ (gi * s * b / (gi * gi * s * s + math.exp(log_mu)))
    return _out(out, batched)


def convergence_time_bounds(problem: Problem, g0, w0, c: float, eps: float) -> dict[str, float]:
    """Times after which the flow's loss is ``≤ eps``, Theorem 2.7 (one start).

    With ``f0 = ½‖Ag0w0 − y‖²`` and ``λ_min``, ``λ_max`` of ``AAᵀ``:

    - ``"first"`` (printed): if ``κ = g0² + 2c·log‖w⊥(0)‖ > 0``,
      ``T = log(f0/ε) / (λ_min · min{κ, c})``; ``"first_rigorous"`` is half of it (the bound
      ``g_t² ≥ κ`` from the invariant and ``d f/dt ≤ −2 min(g², c) λ_min f`` from Lemma 2.4).
    - ``"second"``: if ``δ = (‖y‖² − ‖Ag0w0 − y‖²)/λ_max > 0``, our rigorous version
      ``T = log(f0/ε)/(2λ_min·min{δ, c}) + (1 − g0²/δ)₊/(c·λ_max)`` (the printed additive term
      cannot be read reliably from the extracted text).

    A bound whose condition fails is ``math.inf``.
    """
    c = _positive_c(c)
    eps = float(check_step(eps, "eps", allow_zero=False))
    g, w, batched = _gw(problem, g0, w0)
    if batched:
        raise ValueError("convergence_time_bounds takes one start (w0 of shape (d,))")
    g0f = float(g[0])
    r = g0f * (problem.A @ w[0]) - problem.y
    f0 = 0.5 * float(r @ r)
    logf = max(math.log(f0 / eps), 0.0) if f0 > 0 else 0.0
    wp = float(np.linalg.norm(problem.split(w[0])[1]))
    kappa = g0f**2 + 2 * c * math.log(wp) if wp > 0 else math.inf
    first = logf / (problem.lam_min * min(kappa, c)) if kappa > 0 else math.inf
    delta = (float(problem.y @ problem.y) - float(r @ r)) / problem.lam_max
    if delta > 0:
        second = (logf / (2 * problem.lam_min * min(delta, c))
                  + max(0.0, 1 - g0f**2 / delta) / (c * problem.lam_max))
    else:
        second = math.inf
    return {"first": first, "first_rigorous": first / 2, "second": second}
