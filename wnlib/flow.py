"""The continuous-time WN flow, eq. (4): the common limit of WN and rPGD (Lemma 2.2).

With ``γ = cη`` and time ``t = kη``, both algorithms follow, as ``η → 0``::

    dw/dt = g P_w Aᵀr,     dg/dt = c wᵀAᵀr,     r = y − gAw,   P_w = I − wwᵀ/‖w‖²,

where ``Aᵀr = −∇_x ½‖Ax − y‖²`` at ``x = gw``. (The paper prints ``−g P_t ∇_w f``: this is right
only if ``∇_w f`` means the gradient in ``x``; with the partial gradient ``∇_w f = −g Aᵀr`` one
would get a spurious factor ``g``.) ``‖w‖`` is conserved, so the flow lives on the unit sphere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ._validate import (
    as_finite_array,
    as_nonnegative,
    as_positive,
    as_problem,
    as_start,
    check_size,
)
from .problem import Problem


@dataclass(frozen=True)
class FlowResult:
    """A WN-flow path.

    Parameters
    ----------
    t : ndarray (T,)
        Times; ``t[-1]`` is where the integration stopped.
    g : ndarray (T,) or (T, B)
        Scales ``g(t)`` along the path.
    w : ndarray (T, d) or (T, B, d)
        Unit directions along the path.
    x : ndarray (T, d) or (T, B, d)
        ``x = g w``.
    loss : ndarray (T,) or (T, B)
        ``½‖Ax − y‖²``.
    converged : bool
        Every member reached ``loss ≤ tol`` before ``t_max``.
    stalled : bool
        The integration stopped because the flow came to rest (a stationary point that is not a
        global minimum, e.g. the set S of Lemma 2.3, or the constrained minimum of Theorem 2.6
        Part II for ``c = 0``) before reaching ``tol``.
    """

    t: np.ndarray
    g: np.ndarray
    w: np.ndarray
    x: np.ndarray
    loss: np.ndarray
    converged: bool
    stalled: bool


def flow_rhs(problem: Problem, g: np.ndarray, w: np.ndarray, c: float):
    """Right-hand side of the WN flow (4) for a batch: returns ``(dg/dt, dw/dt)``.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : ndarray (B,)
        Scales.
    w : ndarray (B, d)
        Directions (normalized inside, so the result is exact on the sphere).
    c : float
        Ratio ``γ/η ≥ 0`` (Condition 2.1).

    Returns
    -------
    dg : ndarray (B,)
        ``dg/dt = c wᵀAᵀr`` with ``r = y − gAw`` (eq. (4), ``w`` normalized).
    dw : ndarray (B, d)
        ``dw/dt = g P_w Aᵀr`` with ``P_w = I − wwᵀ/‖w‖²`` (eq. (4)).
    """
    A, y = problem.A, problem.y
    u = w / np.linalg.norm(w, axis=1, keepdims=True)
    r = y - g[:, None] * (u @ A.T)
    Atr = r @ A
    uAtr = np.einsum("bi,bi->b", u, Atr)
    dw = g[:, None] * (Atr - uAtr[:, None] * u)
    dg = c * uAtr
    return dg, dw


def flow_jacobian(problem: Problem, g: np.ndarray, w: np.ndarray, c: float) -> np.ndarray:
    """Jacobian of :func:`flow_rhs` for each member of a batch, shape ``(B, d+1, d+1)``.

    Row and column ``0`` are ``g``, ``1..d`` are ``w``. With ``u = w/‖w‖``, ``M = AᵀA``,
    ``q = Aᵀr = Aᵀy − gMu``, ``s = uᵀq`` and ``h = q − gMu``::

        ∂ġ/∂g = −c uᵀMu,            ∂ġ/∂u = c hᵀ,
        ∂ẇ/∂g = q − s u − g(Mu − (uᵀMu) u),
        ∂ẇ/∂u = −g (g M + s I + u hᵀ),

    and ``∂u/∂w = (I − uuᵀ)/‖w‖`` (the right-hand side only sees the direction of ``w``). The
    eigenvalues ``−c uᵀMu`` (the scale) and ``−g² λ(AᵀA)`` (the direction) are what make the flow
    stiff when ``c`` or ``g²`` is large.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g : ndarray (B,)
        Scales.
    w : ndarray (B, d)
        Directions, any non-zero length.
    c : float
        Ratio ``γ/η ≥ 0`` (Condition 2.1).

    Returns
    -------
    ndarray (B, d+1, d+1)
        ``∂(ġ, ẇ)/∂(g, w)`` of each member.
    """
    A, y = problem.A, problem.y
    M = A.T @ A
    nw = np.linalg.norm(w, axis=1)
    u = w / nw[:, None]
    Mu = u @ M
    q = y @ A - g[:, None] * Mu
    s = np.einsum("bi,bi->b", u, q)
    uMu = np.einsum("bi,bi->b", u, Mu)
    h = q - g[:, None] * Mu
    B, d = w.shape
    eye = np.eye(d)
    J = np.empty((B, d + 1, d + 1))
    J[:, 0, 0] = -c * uMu
    J[:, 0, 1:] = c * h
    J[:, 1:, 0] = q - s[:, None] * u - g[:, None] * (Mu - uMu[:, None] * u)
    J[:, 1:, 1:] = -g[:, None, None] * (g[:, None, None] * M + s[:, None, None] * eye
                                          + u[:, :, None] * h[:, None, :])
    # chain rule through u = w/‖w‖: multiply the w-columns by (I − uuᵀ)/‖w‖
    Ju = J[:, :, 1:]
    J[:, :, 1:] = (Ju - np.einsum("bij,bj->bi", Ju, u)[:, :, None] * u[:, None, :]) / nw[:, None,
                                                                                          None]
    return J


#: Systems of at most this many unknowns ``B (d+1)`` get a dense Jacobian, larger ones a banded one.
DENSE_JACOBIAN_SIZE = 256


def wn_flow(
    problem: Problem,
    g0,
    w0,
    *,
    c: float,
    t_max: float = 1e5,
    tol: float = 1e-16,
    t_eval=None,
    rtol: float = 1e-11,
    atol: float = 1e-13,
    stall: float = 1e-13,
) -> FlowResult:
    """Integrate the WN flow (4) with ``scipy.integrate.solve_ivp`` (LSODA, analytic Jacobian).

    The flow is stiff when ``c`` or ``g²`` is large: the scale relaxes at rate ``c uᵀAᵀAu`` and
    the direction at rates up to ``g² λ_max``, while the loss decays only at the rate
    ``2 λ_min min(g², c)`` of Lemma 2.4. A non-stiff solver then needs a step of the fastest
    time scale for the whole run (DOP853 took 4 s for ``c = 1e4`` and did not finish for
    ``c = 1e8``). LSODA switches by itself between Adams steps (non-stiff, as fast as DOP853 at
    ``c = 1``) and BDF steps with the Jacobian :func:`flow_jacobian` (stiff), so every ``c`` in
    ``[0, 1e8]`` and ``|g0|`` up to ``1e3`` takes about the time of a ``c = 1`` call
    (``bench/bench_flow.py``) and ends at the limit of Theorem 2.6 (``tests/test_flow.py``). The
    members of a batch are independent: the state is ordered member by member, so the Jacobian
    is block diagonal; above ``DENSE_JACOBIAN_SIZE`` unknowns it is passed banded, and its cost
    grows linearly with the batch.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Starting scale(s).
    w0 : array_like, shape (d,) or (B, d)
        Starting direction(s), any non-zero length (normalized: Lemma 2.2 takes ``‖w0‖ = 1``).
    c : float
        ``c = γ/η ≥ 0``; ``c = 0`` holds the scale fixed (Theorem 2.6 Part II).
    t_max : float
        Integrate at most until this time (``> 0``).
    tol : float
        Stop once every member has ``½‖Ax − y‖² ≤ tol`` (``tol ≥ 0``; the reported end loss is
        then ``≤ tol``). The default makes the end point agree with the exact limit (7) to about
        1e-7.
    t_eval : array_like, optional
        Times at which to report the path; default: the solver's steps. The stop time (``t_max``,
        or the time the loss reached ``tol`` or the flow came to rest) is always the last entry,
        so ``x[-1]`` is the final state either way.
    rtol, atol : float
        Solver tolerances (``> 0``).
    stall : float
        Stop (``stalled=True``) once ``‖d(g, w)/dt‖`` falls below this before ``tol`` is reached.

    Returns
    -------
    FlowResult
        The path ``(t, g, w, x, loss)`` and the flags ``converged`` and ``stalled``.

    Raises
    ------
    TypeError
        If ``problem`` is not a :class:`~wnlib.Problem`, or a number is not a real number.
    ValueError
        If an argument is out of range (the message names it), or the batch is so large that its
        banded Jacobian (``B (d+1) (2d+1)`` floats) would exceed 2 GiB.
    """
    problem = as_problem(problem)
    g, w, batched = as_start(g0, w0, problem.d)
    c = as_nonnegative(c, "c")
    t_max = as_positive(t_max, "t_max")
    tol = as_nonnegative(tol, "tol")
    rtol = as_positive(rtol, "rtol")
    atol = as_positive(atol, "atol")
    stall = as_nonnegative(stall, "stall")
    B, d = w.shape
    n = d + 1  # one member's state (g, w)
    check_size(8 * B * n * (2 * d + 1), f"the banded Jacobian of B={B} starts in d={d}",
               "integrate fewer starts at a time")
    A, y = problem.A, problem.y
    # The Jacobian is block diagonal, one (d+1)² block per member. Small systems get it dense
    # (LSODA's banded mode takes needlessly many steps when the band is the whole matrix);
    # larger ones banded: packed[d + p − q, b n + q] = J_b[p, q] (scipy's packed format).
    dense = B * n <= DENSE_JACOBIAN_SIZE

    def unpack(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Z = z.reshape(B, n)
        return Z[:, 0], Z[:, 1:]

    def rhs(_t: float, z: np.ndarray) -> np.ndarray:
        dg, dw = flow_rhs(problem, *unpack(z), c)
        return np.concatenate([dg[:, None], dw], axis=1).ravel()

    def jac(_t: float, z: np.ndarray) -> np.ndarray:
        out = np.zeros((B * n, B * n) if dense else (2 * d + 1, B * n))
        out[rows, cols] = flow_jacobian(problem, *unpack(z), c)
        return out

    def jacobian_indices() -> tuple[np.ndarray, np.ndarray]:
        """Where each member's block goes in the dense or the packed banded Jacobian."""
        p_idx, q_idx = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        offsets = (np.arange(B) * n)[:, None, None]
        if dense:
            return offsets + p_idx[None], offsets + q_idx[None]
        return np.broadcast_to(d + p_idx - q_idx, (B, n, n)), offsets + q_idx[None]

    def losses(z: np.ndarray) -> np.ndarray:
        gg, ww = unpack(z)
        # on the sphere, as in rhs and in the reported path (a drift of ‖w‖ by 1e-12 would move
        # a 1e-16 loss by 1e-4 relative and make the reported end loss exceed tol)
        ww = ww / np.linalg.norm(ww, axis=1, keepdims=True)
        r = gg[:, None] * (ww @ A.T) - y
        return 0.5 * np.sum(r * r, axis=1)

    def reached(_t: float, z: np.ndarray) -> float:
        # aim a hair below tol: the located event is only accurate to the root finder's
        # tolerance, and the reported end point must satisfy loss <= tol
        return float(np.max(losses(z)) - tol * (1 - 1e-6))

    def rests(_t: float, z: np.ndarray) -> float:
        return float(np.linalg.norm(rhs(_t, z)) - stall)

    reached.terminal = True
    rests.terminal = True
    if t_eval is not None:
        t_eval = as_finite_array(t_eval, "t_eval", (0, 1)).ravel()
        if np.any(t_eval < 0):
            raise ValueError("t_eval must contain times >= 0")
        # Sorted, within [0, t_max], and ending at t_max: if no event stops the integration
        # earlier, the last reported point is the final state (solve_ivp reports t_eval only).
        t_eval = np.union1d(t_eval[t_eval <= t_max], [t_max])
        check_size(8 * t_eval.size * B * (2 * d + 2), f"the path at {t_eval.size:,} times",
                   "ask for fewer times in t_eval")
    z0 = np.concatenate([g[:, None], w], axis=1).ravel()
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.all(np.isfinite(losses(z0)))
    if not finite:
        raise ValueError(
            "the initial loss ½‖Ag0w0 − y‖² is not finite (the start is too large to compute with)"
        )
    if reached(0.0, z0) <= 0:
        sol_t, sol_z, status_events = np.array([0.0]), z0[:, None], (True, False)
    elif rests(0.0, z0) <= 0:  # already at rest: solve_ivp would not see the event (no crossing)
        sol_t, sol_z, status_events = np.array([0.0]), z0[:, None], (False, True)
    else:
        rows, cols = jacobian_indices()
        band = {} if dense else {"lband": d, "uband": d}
        sol = solve_ivp(rhs, (0.0, t_max), z0, method="LSODA", rtol=rtol, atol=atol, jac=jac,
                        t_eval=t_eval, events=[reached, rests], **band)
        if sol.status == -1:
            raise RuntimeError(f"the WN flow integration failed: {sol.message}")
        sol_t, sol_z = sol.t, sol.y
        hit = [len(e) > 0 for e in sol.t_events]
        if t_eval is not None and (hit[0] or hit[1]):
            t_end = sol.t_events[0][0] if hit[0] else sol.t_events[1][0]
            sol_t = np.append(sol_t, t_end)
            sol_z = np.concatenate([sol_z, sol.y_events[0 if hit[0] else 1][0][:, None]], axis=1)
        status_events = (hit[0], hit[1] and not hit[0])
    path = sol_z.T.reshape(-1, B, n)
    gs = path[:, :, 0]  # (T, B)
    ws = path[:, :, 1:]
    ws = ws / np.linalg.norm(ws, axis=2, keepdims=True)
    xs = gs[:, :, None] * ws
    r = xs @ A.T - y
    loss = 0.5 * np.sum(r * r, axis=2)
    converged = bool(status_events[0] or np.all(loss[-1] <= tol))
    if not batched:
        gs, ws, xs, loss = gs[:, 0], ws[:, 0], xs[:, 0], loss[:, 0]
    return FlowResult(t=sol_t, g=gs, w=ws, x=xs, loss=loss, converged=converged,
                      stalled=bool(status_events[1] and not converged))
