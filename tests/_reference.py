"""Independent reference computations for the wnlib tests.

Everything here is written from the paper's formulas (Wu et al., NeurIPS 2020: problem (1),
Algorithms 1 and 2, the flow (4), Lemma 2.5 and Theorem 2.6) with plain NumPy, one vector at a
time, without calling wnlib's algorithms: the tests compare wnlib against these, so a bug has to
be made twice, in two different ways, to go unnoticed.
"""

from __future__ import annotations

import numpy as np


def loss(A, y, x):
    """½‖Ax − y‖² of one vector."""
    r = A @ x - y
    return 0.5 * float(r @ r)


def h_wn(A, y, w, g):
    """WN objective (2): ½‖g A w/‖w‖ − y‖² (w of any non-zero length)."""
    return loss(A, y, g * w / np.linalg.norm(w))


def f_rpgd(A, y, w, g):
    """rPGD objective (3) as a function on all of ℝᵈ: ½‖A g w − y‖²."""
    return loss(A, y, g * w)


def fd_grad(fun, z, eps=1e-6):
    """Central finite-difference gradient of a scalar function at ``z``."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e[i] = eps
        out[i] = (fun(z + e) - fun(z - e)) / (2 * eps)
    return out


def fd_derivative(fun, s, eps=1e-6):
    """Central finite difference of a scalar function of one variable."""
    return (fun(s + eps) - fun(s - eps)) / (2 * eps)


def row_projector(A):
    """Orthogonal projector on the row space of A, from the pseudo-inverse: A⁺A."""
    return np.linalg.pinv(A) @ A


def _step(eta, t, g):
    return eta(t, g) if callable(eta) else eta


def ref_gd(A, y, x0, eta, tol, max_iter):
    """GD loop: x ← x − η Aᵀ(Ax − y), skipping the update once the loss is ≤ tol."""
    x = np.array(x0, dtype=float)
    n = 0
    for t in range(max_iter):
        if loss(A, y, x) <= tol:
            break
        x = x - _step(eta, t, np.linalg.norm(x)) * (A.T @ (A @ x - y))
        n += 1
    return x, n


def ref_wn(A, y, g0, w0, eta, gamma, tol, max_iter):
    """Algorithm 1 written out: gradients of h at the old point, w unnormalized."""
    w = np.array(w0, dtype=float) / np.linalg.norm(w0)
    g = float(g0)
    n = 0
    for t in range(max_iter):
        nw = np.linalg.norm(w)
        u = w / nw
        if loss(A, y, g * u) <= tol:
            break
        r = y - g * (A @ u)
        grad_w = -(g / nw) * (np.eye(len(u)) - np.outer(u, u)) @ (A.T @ r)
        grad_g = -float(u @ (A.T @ r))
        eta_t, gamma_t = _step(eta, t, g), _step(gamma, t, g)
        w, g = w - eta_t * grad_w, g - gamma_t * grad_g
        n += 1
    return g, w, n


def ref_rpgd(A, y, g0, w0, eta, gamma, tol, max_iter):
    """Algorithm 2 written out: projected step on the sphere, g with the old w."""
    w = np.array(w0, dtype=float) / np.linalg.norm(w0)
    g = float(g0)
    n = 0
    for t in range(max_iter):
        if loss(A, y, g * w) <= tol:
            break
        r = y - g * (A @ w)
        grad_w = -g * (A.T @ r)
        grad_g = -float(w @ (A.T @ r))
        eta_t, gamma_t = _step(eta, t, g), _step(gamma, t, g)
        v = w - eta_t * grad_w
        w, g = v / np.linalg.norm(v), g - gamma_t * grad_g
        n += 1
    return g, w, n


def flow_limit_stable(A, y, g0, w0, c):
    """Limit of the WN flow (4) from ``(g0, w0)`` for ``c > 0``, written to stay accurate when
    ``g0²/c`` is large (a start on the sign side of Theorem 2.6, where ``g`` keeps its sign).

    At the limit ``Ax = y`` with ``x∥ = x*`` and ``‖x‖ = |g_∞|``; by the invariant of Lemma 2.5,
    ``x⊥`` keeps the direction of ``w⊥(0)`` and ``‖w⊥‖ = ‖w⊥(0)‖·exp((g0² − g_∞²)/(2c))``. With
    ``δ = g0² − g_∞²`` this gives ``(g0² − δ)(1 − a e^{δ/c}) = g*²`` (``a = ‖w⊥(0)‖²``) for ``δ``
    (no cancellation of two large ``g²``), then ``x = x* + sign(g0)·√(g_∞² − g*²)·ŵ⊥(0)``.
    """
    from scipy.optimize import brentq

    w0 = np.asarray(w0, dtype=float) / np.linalg.norm(w0)
    x_star = np.linalg.pinv(A) @ y
    w_perp = w0 - row_projector(A) @ w0
    a = float(w_perp @ w_perp)
    if a == 0:
        return x_star.copy()
    G, gs2 = g0 * g0, float(x_star @ x_star)

    def f(dl):
        return (G - dl) * (1 - a * np.exp(dl / c)) - gs2

    hi = -c * np.log(a)  # a e^{δ/c} = 1 there: f = −g*² < 0
    lo = hi - 1.0
    while f(lo) < 0:
        lo = hi - 2 * (hi - lo)
    dl = brentq(f, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=1000)
    return x_star + np.sign(g0) * np.sqrt(G - dl - gs2) * w_perp / np.sqrt(a)
