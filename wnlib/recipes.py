"""The two-phase recipe of Section 3 (general data matrix).

After Proposition 3.3 the paper recommends: hold the scale fixed at a small ``g0`` and run rPGD
on the direction only until ``‖w⊥‖ ≤ ε`` (phase 1), then run plain GD from ``x = g0 w_T``
(phase 2). GD keeps ``x⊥ = g0 w⊥_T``, so it ends within ``|g0| ε`` of ``x*``
(:func:`wnlib.theory.final_distance_bound`).

- :func:`two_phase`: the recipe, batched, built on :func:`wnlib.rpgd` and :func:`wnlib.gd`.
- :func:`step_norms`: ``‖v_t‖`` of fixed-scale rPGD read off its history of ``‖w⊥_t‖``.

Problems with a prescribed spectrum come from :func:`wnlib.problem.make_conditioned_problem`
(re-exported here for the chapters that import it from this module).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_int_at_least,
    as_positive,
    as_problem,
    as_start,
    as_step_count,
    unbatch,
)
from .algorithms import RunResult, Schedule, gd, rpgd
from .problem import Problem, make_conditioned_problem
from .theory.flow import gd_limit

__all__ = ["TwoPhaseResult", "make_conditioned_problem", "step_norms", "two_phase"]


def step_norms(w_perp_norm, *, floor: float = 1e-10) -> np.ndarray:
    """``‖v_t‖`` of rPGD read off the history of ``‖w⊥_t‖``: ``‖v_t‖ = ‖w⊥_t‖/‖w⊥_{t+1}‖``.

    In Algorithm 2 the gradient ``−g Aᵀr`` lies in the row space, so ``v⊥_t = w⊥_t`` and
    ``w⊥_{t+1} = w⊥_t/‖v_t‖`` exactly (with the scale fixed or not). Ratios whose denominator is
    below ``floor`` (where rounding dominates ``‖w⊥‖``) are returned as ``nan``; so are the
    repeated rows of a member that stopped early (ratio exactly 1 after its last update is *not*
    detected: slice the history to the steps actually taken).

    Parameters
    ----------
    w_perp_norm : array_like, shape (K+1,) or (K+1, B)
        ``History.w_perp_norm`` of a run recorded at every step.
    floor : float
        Smallest denominator ``‖w⊥_{t+1}‖`` for which the ratio is computed.

    Returns
    -------
    ndarray, shape (K,) or (K, B)
        ``‖v_t‖ = ‖w⊥_t‖/‖w⊥_{t+1}‖`` for ``t = 0, …, K−1`` (``nan`` below ``floor``).
    """
    wp = np.asarray(w_perp_norm, dtype=float)
    num, den = wp[:-1], wp[1:]
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > floor)
    return out


@dataclass(frozen=True)
class TwoPhaseResult:
    """Outcome of :func:`two_phase`.

    Parameters
    ----------
    x : ndarray, shape (d,) or (B, d)
        Final iterate of phase 2 (GD).
    distance : float or ndarray (B,)
        ``‖x − x*‖``.
    g0 : float or ndarray (B,)
        The fixed scale of phase 1.
    w_T : ndarray, shape (d,) or (B, d)
        Unit direction at the end of phase 1.
    T1 : int or ndarray (B,)
        Phase-1 iterations performed.
    reached : bool or ndarray (B,)
        ``‖w⊥_T‖ ≤ ε`` at the end of phase 1.
    w_perp_T : float or ndarray (B,)
        ``‖w⊥_T‖``.
    w_perp_history : ndarray, shape (K+1,) or (K+1, B)
        ``‖w⊥_t‖`` at every phase-1 step (members that stopped earlier repeat their last value).
    phase2 : RunResult or None
        The GD run of phase 2 (its ``n_iter``, ``converged``, ``history``); ``None`` with
        ``phase2="limit"``.
    """

    x: np.ndarray
    distance: np.ndarray | float
    g0: np.ndarray | float
    w_T: np.ndarray
    T1: np.ndarray | int
    reached: np.ndarray | bool
    w_perp_T: np.ndarray | float
    w_perp_history: np.ndarray
    phase2: RunResult | None


def _phase1_until(problem: Problem, g: np.ndarray, w: np.ndarray, eta: Schedule, eps: float,
                  max_iter: int, chunk: int):
    """Fixed-scale rPGD, member by member stopped at the first ``t`` with ``‖w⊥_t‖ ≤ ε``.

    Runs :func:`wnlib.rpgd` in chunks of ``chunk`` steps with ``record_x=True`` on the members
    still running, and picks each member's direction at its first crossing.
    """
    B = w.shape[0]
    wp = np.linalg.norm(problem.split(w)[1], axis=1)
    w_T, T = w.copy(), np.zeros(B, dtype=int)
    active = np.flatnonzero(wp > eps)
    cur = w.copy()
    rows = [wp.copy()]
    last = wp.copy()
    steps = 0
    while active.size and steps < max_iter:
        k = min(chunk, max_iter - steps)
        run = rpgd(problem, g[active], cur[active], eta=eta, gamma=0.0, tol=0.0, max_iter=k,
                   record_x=True)
        h, xs = run.history.w_perp_norm, run.history.x  # (K+1, b), (K+1, b, d)
        K = h.shape[0] - 1
        hit = h[1:] <= eps
        got = hit.any(axis=0)
        first = np.where(got, np.argmax(hit, axis=0) + 1, K)  # row of the stop (or the last row)
        for r in range(1, K + 1):
            row = last.copy()
            row[active] = h[np.minimum(r, first), np.arange(active.size)]
            rows.append(row)
        last = rows[-1].copy()
        idx = np.arange(active.size)
        w_stop = xs[first, idx] / g[active][:, None]
        w_stop /= np.linalg.norm(w_stop, axis=1, keepdims=True)
        T[active] += np.where(got, first, run.n_iter)
        w_T[active] = w_stop
        cur[active] = w_stop
        stopped = got | run.diverged | (run.n_iter < K)
        active = active[~stopped]
        steps += K
        if K == 0:
            break
    return w_T, T, np.stack(rows)[: T.max() + 1]


def two_phase(
    problem: Problem,
    g0,
    w0,
    *,
    eps: float,
    eta_gd: Schedule | None = None,
    tol: float = 1e-5,
    max_iter: int = 100_000,
    max_iter_phase1: int = 10_000,
    phase1_steps: int | None = None,
    record_every: int = 1,
    chunk: int = 64,
    phase2: str = "gd",
) -> TwoPhaseResult:
    """The two-phase recipe of Section 3: fixed-scale rPGD until ``‖w⊥‖ ≤ ε``, then plain GD.

    Phase 1 (Proposition 3.3): :func:`wnlib.rpgd` with ``γ = 0`` (the scale stays ``g0``) and
    ``η = 1/(g0² λ_max)`` (``1/g0²`` for ``A`` scaled to ``λ_max(AAᵀ) = 1``), each member stopped
    at its first ``t`` with ``‖w⊥_t‖ ≤ ε`` (or after ``phase1_steps`` steps if given, e.g. the
    proposition's ``T1`` from :func:`wnlib.theory.iteration_bound`; or at ``max_iter_phase1``).
    Phase 2: :func:`wnlib.gd` from ``x0 = g0 w_T``; it ends within ``|g0| ε`` of ``x*`` up to
    its own stopping tolerance (:func:`wnlib.theory.final_distance_bound`).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Fixed scale of phase 1, non-zero. Proposition 3.3 asks for
        ``|g0| ≤ g* λ_min/(2 + δ)`` (:func:`wnlib.theory.admissible_g0`).
    w0 : array_like, shape (d,) or (B, d)
        Initial direction (normalized first).
    eps : float
        Phase-1 target for ``‖w⊥‖``.
    eta_gd : float or callable, optional
        GD step of phase 2; default ``1/λ_max``.
    tol : float
        Stopping tolerance on the loss of phase 2 (as in :func:`wnlib.gd`).
    max_iter : int
        Iteration cap of phase 2 (as in :func:`wnlib.gd`).
    max_iter_phase1 : int
        Cap on phase-1 iterations (phase 1 never stops if ``|g0| ≥ g*``).
    phase1_steps : int, optional
        Run exactly this many phase-1 steps for every member instead of stopping at ``ε``.
    record_every : int
        History spacing of phase 2 (as in :func:`wnlib.gd`).
    chunk : int
        Phase-1 steps per internal :func:`wnlib.rpgd` call (memory ``chunk·B·d`` floats).
    phase2 : {"gd", "limit"}
        ``"gd"`` runs :func:`wnlib.gd`; ``"limit"`` returns its exact limit
        ``x* + g0 w⊥_T`` (:func:`wnlib.theory.gd_limit`) instead, for fast sweeps.

    Returns
    -------
    TwoPhaseResult
        The final ``x`` and ``‖x − x*‖``, the end of phase 1 and the phase-2 run.
    """
    problem = as_problem(problem)
    g, w, batched = as_start(g0, w0, problem.d)
    if np.any(g == 0):
        raise ValueError("g0 must be non-zero: with the scale fixed at 0 rPGD cannot move")
    eps = as_positive(eps, "eps")
    if phase2 not in ("gd", "limit"):
        raise ValueError(f"phase2 must be 'gd' or 'limit', got {phase2!r}")
    as_int_at_least(max_iter_phase1, "max_iter_phase1", 1)
    max_iter_phase1 = as_step_count(max_iter_phase1, "max_iter_phase1")
    chunk = as_int_at_least(chunk, "chunk", 1)
    lam_max = problem.lam_max

    def eta(t: int, gs: np.ndarray) -> np.ndarray:
        return 1.0 / (gs * gs * lam_max)

    if phase1_steps is not None:
        phase1_steps = as_step_count(phase1_steps, "phase1_steps")
        run = rpgd(problem, g, w, eta=eta, gamma=0.0, tol=0.0, max_iter=phase1_steps)
        w_T, T, hist = run.w, run.n_iter, run.history.w_perp_norm
    else:
        w_T, T, hist = _phase1_until(problem, g, w, eta, eps, max_iter_phase1, chunk)
    wp_T = np.linalg.norm(problem.split(w_T)[1], axis=1)
    x0 = g[:, None] * w_T
    if phase2 == "gd":
        run2 = gd(problem, x0 if batched else x0[0],
                  eta=1.0 / lam_max if eta_gd is None else eta_gd, tol=tol, max_iter=max_iter,
                  record_every=record_every)
        x = np.atleast_2d(run2.x)
    else:
        run2, x = None, gd_limit(problem, x0)
    dist = np.linalg.norm(x - problem.x_star, axis=1)
    return TwoPhaseResult(
        x=unbatch(x, batched),
        distance=unbatch(dist, batched),
        g0=unbatch(g, batched),
        w_T=unbatch(w_T, batched),
        T1=unbatch(np.asarray(T), batched),
        reached=unbatch(wp_T <= eps, batched),
        w_perp_T=unbatch(wp_T, batched),
        w_perp_history=hist if batched else hist[:, 0],
        phase2=run2,
    )
