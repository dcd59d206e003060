"""Closed forms of Section 2 (continuous time): GD's limit, Lemmas 2.3-2.5, Theorems 2.6-2.7.

Every function here is a formula, not a simulation: tests compare them with the algorithms of
:mod:`wnlib.algorithms` and the integrated flow of :mod:`wnlib.flow`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from .._validate import as_finite_array, as_nonnegative, as_positive, as_problem, as_start, unbatch
from ..problem import Problem


def _gw(problem: Problem, g, w) -> tuple[np.ndarray, np.ndarray, bool]:
    """Normalized ``(g (B,), w (B, d), batched)`` from user input."""
    g, w, batched = as_start(g, w, problem.d, ("g", "w"))
    return g, w, batched


def _positive_c(c) -> float:
    return as_positive(c, "c", why="with c = 0 the scale is fixed: see fixed_scale_limit")


def gd_limit(problem: Problem, x0) -> np.ndarray:
    """Limit of gradient descent (or gradient flow) from ``x0``: ``x* + x0⊥``.

    GD's update ``−η Aᵀ(Ax − y)`` lies in the row space of A, so ``x⊥`` never changes and the
    row-space part converges to the unique solution there, ``x*`` (Section 1 of the paper).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    x0 : array_like, shape (d,) or (B, d)
        The start(s) of GD.

    Returns
    -------
    ndarray, same shape as ``x0``
        The limit ``x* + x0⊥``.
    """
    problem = as_problem(problem)
    x0 = as_finite_array(x0, "x0", (1, 2))
    return problem.x_star + problem.split(x0)[1]


def invariant(problem: Problem, g, w, c: float):
    """The WN-flow invariant of Lemma 2.5, eq. (6): ``‖w⊥‖₂ · exp(g²/(2c))``.

    Along the flow ``w⊥(t) = w⊥(0) · exp((g0² − g_t²)/(2c))`` as vectors, so this number is
    constant (equivalently ``‖w⊥‖² · exp(g²/c)``). This is exactly the paper's eq. (6): in its
    extracted text the ``2`` after ``‖w⊥_t‖`` is the subscript of the ℓ2 norm, not a square (see
    :func:`invariant_printed`). ``w`` is normalized first.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : float or array_like (B,)
        Scale(s) ``g``.
    w : array_like, shape (d,) or (B, d)
        Direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    float or ndarray (B,)
        ``‖w⊥‖₂ · exp(g²/(2c))`` (eq. (6)).
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g, w)
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    return unbatch(wp * np.exp(g * g / (2 * c)), batched)


def invariant_printed(problem: Problem, g, w, c: float):
    """The squared *misreading* of eq. (6): ``‖w⊥‖² · exp(g²/(2c))``.

    The extracted text of Lemma 2.5 reads "‖w⊥_t‖2 · exp(g_t²/2c)", where the ``2`` is the ℓ2-norm
    subscript, so the paper's (6) is :func:`invariant`. Read as a square it equals ``‖w⊥‖`` times
    the invariant and is *not* constant along the flow (with the norm squared the exponent would
    have to be ``g²/c``). Kept to show that the squared reading is wrong.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : float or array_like (B,)
        Scale(s) ``g``.
    w : array_like, shape (d,) or (B, d)
        Direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    float or ndarray (B,)
        ``‖w⊥‖² · exp(g²/(2c))``.
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g, w)
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    return unbatch(wp**2 * np.exp(g * g / (2 * c)), batched)


def starts_below_zero_loss(problem: Problem, g0, w0):
    """The sufficient condition of Lemma 2.3 / Theorem 2.6: ``‖y‖² > ‖A g0 w0 − y‖²``.

    A start with a loss strictly below the loss at ``g = 0`` cannot reach the spurious stationary
    set ``S = {g = 0, yᵀAw = 0}`` (the loss never increases along the flow, Lemma 2.4), so the
    flow reaches zero loss; along it ``g`` keeps its sign.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Starting scale(s) ``g0``.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).

    Returns
    -------
    bool or ndarray of bool (B,)
        Whether ``‖y‖² > ‖A g0 w0 − y‖²``.
    """
    problem = as_problem(problem)
    g, w, batched = _gw(problem, g0, w0)
    r = g[:, None] * (w @ problem.A.T) - problem.y
    return unbatch(problem.y @ problem.y > np.sum(r * r, axis=1), batched)


def in_spurious_set(problem: Problem, g, w, *, atol: float = 1e-12):
    """Membership in ``S = {(g, w): g = 0, yᵀAw = 0}`` (Lemma 2.3), up to ``atol``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : float or array_like (B,)
        Scale(s) ``g``.
    w : array_like, shape (d,) or (B, d)
        Direction(s), any non-zero length (normalized first).
    atol : float
        Absolute tolerance on ``|g|`` and on ``|yᵀAw|``.

    Returns
    -------
    bool or ndarray of bool (B,)
        Whether ``|g| ≤ atol`` and ``|yᵀAw| ≤ atol``.
    """
    problem = as_problem(problem)
    g, w, batched = _gw(problem, g, w)
    return unbatch((np.abs(g) <= atol) & (np.abs(w @ problem.A.T @ problem.y) <= atol), batched)


def loss_rate(problem: Problem, g, w, c: float):
    """``d/dt ½‖r‖²`` along the WN flow (Lemma 2.4): ``−c (wᵀAᵀr)² − g² ‖P_w Aᵀr‖²``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : float or array_like (B,)
        Scale(s) ``g``.
    w : array_like, shape (d,) or (B, d)
        Direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η ≥ 0`` (Condition 2.1).

    Returns
    -------
    rate : float or ndarray (B,)
        The rate ``−c (wᵀAᵀr)² − g² ‖P_w Aᵀr‖²`` with ``r = y − gAw``.
    lower : float or ndarray (B,)
        Its lower bound ``−max(g², c)‖Aᵀr‖²`` (eq. 5).
    upper : float or ndarray (B,)
        Its upper bound ``−min(g², c)‖Aᵀr‖² ≤ 0`` (eq. 5).
    """
    problem = as_problem(problem)
    c = as_nonnegative(c, "c")
    g, w, batched = _gw(problem, g, w)
    r = problem.y - g[:, None] * (w @ problem.A.T)
    Atr = r @ problem.A
    wAtr = np.einsum("bi,bi->b", w, Atr)
    proj = Atr - wAtr[:, None] * w
    rate = -c * wAtr**2 - g**2 * np.sum(proj * proj, axis=1)
    n2 = np.sum(Atr * Atr, axis=1)
    return (unbatch(rate, batched), unbatch(-np.maximum(g**2, c) * n2, batched),
            unbatch(-np.minimum(g**2, c) * n2, batched))


def scale_rate(problem: Problem, g, w, c: float):
    """``d(g²)/dt`` along the flow, the self-balancing identity: ``c(‖y‖² − ‖r‖² − g²‖Aw‖²)``.

    Follows from ``d(g²)/dt = 2cg wᵀAᵀr`` and ``‖y‖² = ‖r + gAw‖²`` (cf. eq. (14), Lemma C.1).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : float or array_like (B,)
        Scale(s) ``g``.
    w : array_like, shape (d,) or (B, d)
        Direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η ≥ 0`` (Condition 2.1).

    Returns
    -------
    float or ndarray (B,)
        ``d(g²)/dt = c(‖y‖² − ‖r‖² − g²‖Aw‖²)`` with ``r = y − gAw``.
    """
    problem = as_problem(problem)
    c = as_nonnegative(c, "c")
    g, w, batched = _gw(problem, g, w)
    Aw = w @ problem.A.T
    r = problem.y - g[:, None] * Aw
    rate = c * (problem.y @ problem.y - np.sum(r * r, axis=1) - g**2 * np.sum(Aw * Aw, axis=1))
    return unbatch(rate, batched)


def flow_g_inf(problem: Problem, g0, w0, c: float):
    """Final scale ``g_∞`` of the WN flow when the loss goes to zero (Theorem 2.6, exact form).

    ``s = g_∞²`` is the unique root, on ``s ≥ max(0, g0² + c·log‖w⊥(0)‖²)``, of
    ``s · (1 − ‖w⊥(0)‖² exp((g0² − s)/c)) = g*²``: the limit has ``x∥ = x*`` and, by the
    invariant (Lemma 2.5), ``‖x⊥‖ = g_∞ ‖w⊥(0)‖ exp((g0² − g_∞²)/(2c))``, while
    ``‖x‖² = g_∞²``. On that branch ``φ(s) = s(1 − ‖w⊥(0)‖² e^{(g0² − s)/c})`` increases
    from ``φ ≤ 0`` (where ``‖w⊥‖ = 1``), so the root is unique; the flow's ``g_∞²`` lies on it
    because ``‖w⊥_t‖ ≤ 1``. The sign is that of ``g0``: ``g`` keeps its sign on starts with
    ``‖y‖² > ‖Ag0w0 − y‖²`` (:func:`starts_below_zero_loss`); from other starts ``g`` may cross
    zero, and then ``|g_∞|`` is still right but the sign is not.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        May be zero unless also ``yᵀAw0 = 0`` (then the start is in S); from ``g0 = 0`` the sign
        of ``g`` is that of ``w0ᵀAᵀy``.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).
    c : float
        ``c > 0``.

    Returns
    -------
    float or ndarray (B,)
        ``g_∞ = sign(g0) √s`` (``± g*`` when ``w⊥(0) = 0``).
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    # From g0 = 0 the flow starts with dg/dt = c·w0ᵀAᵀy, which fixes the sign of g from then on.
    push = w @ problem.A.T @ problem.y
    sign = np.where(g != 0, np.sign(g), np.sign(push))
    if np.any(sign == 0):
        raise ValueError("g0 = 0 and y^T A w0 = 0: the start lies in the stationary set S of "
                         "Lemma 2.3, so the flow does not move and the loss does not go to zero")
    a = np.sum(problem.split(w)[1] ** 2, axis=1)  # ‖w⊥(0)‖²
    gs2 = problem.g_star**2
    out = np.empty_like(g)
    for i, (gi, ai) in enumerate(zip(g, a, strict=True)):
        if ai == 0:
            out[i] = sign[i] * problem.g_star
            continue
        s_lo = max(0.0, gi * gi + c * math.log(ai))

        def phi(s: float, gi=gi, ai=ai) -> float:
            return s * (1.0 - ai * math.exp((gi * gi - s) / c)) - gs2

        s_hi = max(s_lo, gs2) + 1.0
        while phi(s_hi) < 0:
            s_hi = 2 * s_hi + 1.0
        s = brentq(phi, s_lo, s_hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
        out[i] = sign[i] * math.sqrt(s)
    return unbatch(out, batched)


def flow_limit(problem: Problem, g0, w0, c: float) -> np.ndarray:
    """Exact limit of the WN flow, eq. (7) with ``g_∞`` in place of the printed ``g*``.

    ``lim g_t w_t = x* + g_∞ · w⊥(0) · exp((g0² − g_∞²)/(2c))`` with ``g_∞`` from
    :func:`flow_g_inf` (Theorem 2.6 Part I), valid when the loss goes to zero, e.g. for starts with
    ``‖y‖² > ‖Ag0w0 − y‖²`` (:func:`starts_below_zero_loss`).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Starting scale(s) ``g0``.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    ndarray, shape (d,) or (B, d)
        The limit ``x* + g_∞ · w⊥(0) · exp((g0² − g_∞²)/(2c))``.
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    g_inf = np.atleast_1d(flow_g_inf(problem, g, w, c))
    w_perp = problem.split(w)[1]
    x = problem.x_star + (g_inf * np.exp((g * g - g_inf * g_inf) / (2 * c)))[:, None] * w_perp
    return unbatch(x, batched)


def flow_limit_printed(problem: Problem, g0, w0, c: float) -> np.ndarray:
    """The paper's printed eq. (7): ``x* + g* · w⊥(0) · exp((g0² − g*²)/(2c))``.

    An approximation of :func:`flow_limit`: exact when ``w⊥(0) = 0``, close when
    ``exp(−(g*² − g0²)/(2c))`` is tiny, and badly off (it grows like ``exp(g0²/(2c))``) for
    ``g0 > g*``. The concrete example's ``[1, exp((g0² − 1)/2)]`` is the same approximation.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Starting scale(s) ``g0``.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    ndarray, shape (d,) or (B, d)
        ``x* + g* · w⊥(0) · exp((g0² − g*²)/(2c))`` (eq. (7) as printed).
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    w_perp = problem.split(w)[1]
    factor = problem.g_star * np.exp((g * g - problem.g_star**2) / (2 * c))
    return unbatch(problem.x_star + factor[:, None] * w_perp, batched)


def fixed_scale_limit(problem: Problem, g0, w0) -> np.ndarray:
    """Where the WN flow with ``c = 0`` (scale fixed at ``g0``) ends: Theorem 2.6 Part II.

    - ``|g0| < g*``: ``w → argmin_{‖w‖=1} ‖g0 A w − y‖``, the solution of the secular equation
      ``w = (g0² AᵀA + μI)⁻¹ g0 Aᵀy`` with ``μ > 0`` chosen so that ``‖w‖ = 1``; it lies in the row
      space. For ``AAᵀ = I`` it is ``sign(g0)·w*``; for general A it is *not* ``w*``.
    - ``|g0| ≥ g*``: zero loss is reachable on the sphere and ``w⊥`` keeps its direction, so
      ``w → x*/g0 + √(1 − (g*/g0)²) · w⊥(0)/‖w⊥(0)‖``.

    Returns the limit direction ``w`` (multiply by ``g0`` for ``x``).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        The fixed scale(s), non-zero.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).

    Returns
    -------
    ndarray, shape (d,) or (B, d)
        The unit limit direction(s) ``w``.
    """
    problem = as_problem(problem)
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
    return unbatch(out, batched)


def convergence_time_bounds(problem: Problem, g0, w0, c: float, eps: float) -> dict[str, float]:
    """The times after which the flow's loss is ``≤ eps``, Theorem 2.7 (one start).

    With ``f0 = ½‖Ag0w0 − y‖²``, ``λ_min``, ``λ_max`` the extreme eigenvalues of ``AAᵀ`` and
    ``L = log(f0/ε)``. Both bounds rest on Lemma 2.4: ``df/dt ≤ −min(g², c)‖Aᵀr‖²`` and
    ``‖Aᵀr‖² ≥ λ_min‖r‖² = 2λ_min f``, hence ``f(T) ≤ f0 · exp(−2λ_min ∫₀ᵀ min(g_t², c) dt)``;
    each bound is a lower bound on ``g_t²``.

    - ``"first"``, as printed: if ``κ = g0² + 2c·log‖w⊥(0)‖ > 0``,
      ``T = L / (λ_min · min{κ, c})``. The invariant (Lemma 2.5) and ``‖w⊥_t‖ ≤ 1`` give
      ``g_t² ≥ κ`` for all t, so ``"first_rigorous"`` ``= L / (2λ_min · min{κ, c})`` already
      suffices: the printed bound is valid but twice as long as needed. If ``w⊥(0) = 0`` the
      invariant bounds nothing (the condition ``g0² > 2c·log(1/‖w⊥(0)‖) = ∞`` fails) and this
      bound is ``inf``.
    - ``"second"``: if ``δ = (‖y‖² − ‖Ag0w0 − y‖²)/λ_max > 0``. The self-balancing identity
      ``d(g²)/dt = c(‖y‖² − ‖r‖² − g²‖Aw‖²) ≥ cλ_max(δ − g²)`` (``‖r‖ ≤ ‖r0‖``, ``‖Aw‖² ≤ λ_max``)
      gives ``g_t² ≥ δ − (δ − g0²)₊ e^{−cλ_max t}``, and integrating,
      ``T = L/(2λ_min·min{δ, c}) + (1 − g0²/δ)₊/(c·λ_max)``. (The printed additive term is
      garbled in the extracted text; this is our re-derivation.)
    - ``"best"``: the smaller of ``"first_rigorous"`` and ``"second"`` (the paper: "the faster of
      the two applies").

    A bound whose condition fails is ``math.inf``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float
        The starting scale.
    w0 : array_like, shape (d,)
        The starting direction, any non-zero length (normalized first).
    c : float
        ``c > 0``.
    eps : float
        Target loss ``ε > 0``.

    Returns
    -------
    dict
        Keys ``"first"``, ``"first_rigorous"``, ``"second"``, ``"best"``.
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    eps = as_positive(eps, "eps")
    g, w, batched = _gw(problem, g0, w0)
    if batched:
        raise ValueError("convergence_time_bounds takes one start (w0 of shape (d,))")
    g0f = float(g[0])
    r = g0f * (problem.A @ w[0]) - problem.y
    f0 = 0.5 * float(r @ r)
    logf = max(math.log(f0 / eps), 0.0) if f0 > 0 else 0.0
    wp = float(np.linalg.norm(problem.split(w[0])[1]))
    kappa = g0f**2 + 2 * c * math.log(wp) if wp > 0 else -math.inf
    first = logf / (problem.lam_min * min(kappa, c)) if kappa > 0 else math.inf
    delta = (float(problem.y @ problem.y) - float(r @ r)) / problem.lam_max
    if delta > 0:
        second = (logf / (2 * problem.lam_min * min(delta, c))
                  + max(0.0, 1 - g0f**2 / delta) / (c * problem.lam_max))
    else:
        second = math.inf
    return {"first": first, "first_rigorous": first / 2, "second": second,
            "best": min(first / 2, second)}


def limit_distances(problem: Problem, g0, w0, c: float):
    """The distances to ``x*`` of where the WN flow and GD end from the same start ``x0 = g0 w0``.

    Theorem 2.6 Part I with the exact ``g_∞`` (:func:`flow_g_inf`): the WN flow ends at distance
    ``|g_∞| · ‖w⊥(0)‖ · exp((g0² − g_∞²)/(2c))`` from ``x*``; GD ends at ``x* + x0⊥``
    (:func:`gd_limit`), at distance ``|g0| · ‖w⊥(0)‖``. WN ends closer than GD exactly when the
    first is smaller; this is *not* implied by ``g0 ≤ g*``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Zero is allowed as in :func:`flow_g_inf`.
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized first).
    c : float
        ``c > 0``.

    Returns
    -------
    wn_dist : float or ndarray (B,)
        ``|g_∞| · ‖w⊥(0)‖ · exp((g0² − g_∞²)/(2c))``, the WN flow's distance to ``x*``.
    gd_dist : float or ndarray (B,)
        ``|g0| · ‖w⊥(0)‖``, GD's distance to ``x*``.
    """
    problem = as_problem(problem)
    c = _positive_c(c)
    g, w, batched = _gw(problem, g0, w0)
    g_inf = np.atleast_1d(flow_g_inf(problem, g, w, c))
    a = np.linalg.norm(problem.split(w)[1], axis=1)
    wn_dist = np.abs(g_inf) * a * np.exp((g * g - g_inf * g_inf) / (2 * c))
    return unbatch(wn_dist, batched), unbatch(np.abs(g) * a, batched)


def loss_envelope(problem: Problem, t, g, c: float, f0: float):
    """Lemma 2.4 integrated along a path: bounds on the loss from the scale path ``g_t``.

    From ``−max(g², c)‖Aᵀr‖² ≤ df/dt ≤ −min(g², c)‖Aᵀr‖²`` and
    ``2λ_min f ≤ ‖Aᵀr‖² ≤ 2λ_max f``::

        f0 · exp(−2λ_max ∫₀ᵗ max(g_s², c) ds) ≤ f(t) ≤ f0 · exp(−2λ_min ∫₀ᵗ min(g_s², c) ds).

    The integrals are computed with the trapezoidal rule on the given times.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    t : array_like (T,)
        Increasing times, ``t[0]`` the start.
    g : array_like (T,)
        The scale along the path (e.g. ``FlowResult.g``).
    c : float
        ``c ≥ 0``.
    f0 : float
        The loss at ``t[0]``.

    Returns
    -------
    lower : ndarray (T,)
        ``f0 · exp(−2λ_max ∫₀ᵗ max(g_s², c) ds)``.
    upper : ndarray (T,)
        ``f0 · exp(−2λ_min ∫₀ᵗ min(g_s², c) ds)``.
    """
    problem = as_problem(problem)
    c = as_nonnegative(c, "c")
    t = as_finite_array(t, "t", (1,))
    g = as_finite_array(g, "g", (1,))
    if t.shape != g.shape:
        raise ValueError(f"t and g must have the same shape, got {t.shape} and {g.shape}")
    dt = np.diff(t)
    if np.any(dt < 0):
        raise ValueError("t must be non-decreasing")

    def integral(v: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * dt)])

    g2 = g * g
    lower = f0 * np.exp(-2 * problem.lam_max * integral(np.maximum(g2, c)))
    upper = f0 * np.exp(-2 * problem.lam_min * integral(np.minimum(g2, c)))
    return lower, upper
