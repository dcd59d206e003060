"""GD, WN (Algorithm 1) and rPGD (Algorithm 2) on one batched iteration engine.

All three take one start (``x0`` of shape ``(d,)``, or ``g0`` a number and ``w0`` of shape
``(d,)``) or a batch of ``B`` starts (``(B, d)``, ``g0`` of shape ``(B,)`` or a number) and run
them as one computation: every step is a handful of matrix products over the whole batch.

Stop rule (all three): before each update the loss ``½‖Ax − y‖²`` is compared with ``tol``; a
member whose loss is ``≤ tol`` is not updated again (it is *converged*). ``tol=0, max_iter=k``
performs exactly ``k`` updates. A member whose loss becomes non-finite or explodes is *diverged*:
it is frozen at its last finite state, marked in ``result.diverged``, and a ``RuntimeWarning``
says so. No NaN is ever returned silently.

Step sizes ``eta`` (for w, or for x in GD) and ``gamma`` (for g) are numbers or schedules
``callable(t, g) -> step`` of the iteration ``t = 0, 1, …`` and the current scales ``g`` (shape
``(B,)``), returning a number or a ``(B,)`` array, e.g. ``lambda t, g: 1 / g**2`` (the optimal
direction step of Theorem 3.2) or :func:`two_stage` (Condition 3.1). A returned value that is
not a real number or array of that shape, or is out of range, raises a ``ValueError`` naming the
schedule and the iteration; an exception that the schedule raises itself is let through
unchanged (it is the caller's code, with the caller's message).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

import numpy as np

from ._validate import (
    as_finite_array,
    as_int_at_least,
    as_nonnegative,
    as_positive,
    as_problem,
    as_start,
    as_step_count,
    check_size,
    is_number,
    unbatch,
)
from .problem import Problem

Schedule = float | Callable[[int, np.ndarray], "float | np.ndarray"]
State = dict[str, np.ndarray]

#: A member whose loss exceeds this multiple of ``(initial loss + ½‖y‖²)`` counts as diverged.
EXPLODE_FACTOR = 1e10


@dataclass(frozen=True)
class History:
    """Per-step record of a run: entry ``k`` is the state after ``k`` updates (``k = 0`` the start).

    Arrays have shape ``(K+1,)`` for one run or ``(K+1, B)`` for a batch, where ``K`` is the
    largest ``n_iter`` in the batch (members that stopped earlier repeat their final value); with
    ``record_every=s`` only every ``s``-th step (and the last) is kept and ``step`` says which.

    Parameters
    ----------
    step : ndarray of int, shape (K+1,)
        The iteration index of each row.
    loss : ndarray
        ``½‖Ax_k − y‖²``.
    g : ndarray
        The scale ``g_k`` (for GD: ``‖x_k‖``).
    w_perp_norm : ndarray
        ``‖w⊥_k‖`` of the *unit* direction ``w_k/‖w_k‖`` (for GD: ``‖x⊥_k‖/‖x_k‖``).
    x_perp_norm : ndarray
        ``‖x⊥_k‖`` with ``x_k = g_k w_k/‖w_k‖`` (for GD, ``x_k`` itself).
    w_norm : ndarray or None
        ``‖w_k‖`` of WN's unnormalized direction (``None`` for GD and rPGD).
    x : ndarray or None
        The iterates ``x_k``, shape ``(K+1, d)`` or ``(K+1, B, d)``, only with ``record_x=True``.
    """

    step: np.ndarray
    loss: np.ndarray
    g: np.ndarray
    w_perp_norm: np.ndarray
    x_perp_norm: np.ndarray
    w_norm: np.ndarray | None = None
    x: np.ndarray | None = None


@dataclass(frozen=True)
class RunResult:
    """Outcome of :func:`gd`, :func:`wn` or :func:`rpgd`.

    Parameters
    ----------
    method : str
        ``"gd"``, ``"wn"`` or ``"rpgd"``.
    x : ndarray, shape (d,) or (B, d)
        Final ``x`` (for WN ``g·w/‖w‖``, for rPGD ``g·w``).
    g : float or ndarray (B,)
        Final scale (for GD ``‖x‖``).
    w : ndarray, shape (d,) or (B, d)
        The algorithm's own final direction: unnormalized for WN, unit for rPGD, ``x/‖x‖`` for GD
        (zero if ``x = 0``).
    n_iter : int or ndarray (B,)
        Updates performed.
    converged : bool or ndarray (B,)
        Final loss ``≤ tol``.
    diverged : bool or ndarray (B,)
        The run was stopped because its loss became non-finite or exploded.
    history : History
        The per-step record of the run.
    """

    method: str
    x: np.ndarray
    g: np.ndarray | float
    w: np.ndarray
    n_iter: np.ndarray | int
    converged: np.ndarray | bool
    diverged: np.ndarray | bool
    history: History

    @property
    def loss(self) -> np.ndarray | float:
        """Final loss ``½‖Ax − y‖²``."""
        last = self.history.loss[-1]
        return float(last) if np.ndim(last) == 0 else last


def two_stage(first: float, second: float, T1: int) -> Callable[[int, np.ndarray], float]:
    """Two constant step sizes, Condition 3.1: ``first`` for ``t ≤ T1``, ``second`` after.

    Parameters
    ----------
    first, second : float
        ``γ(1)`` and ``γ(2)`` (both ``≥ 0``).
    T1 : int
        Last iteration of the first stage.

    Returns
    -------
    callable(t, g) -> float
        The schedule ``γ_t = first`` for ``t ≤ T1`` and ``second`` after, to pass as ``eta`` or
        ``gamma`` of :func:`wn` and :func:`rpgd`.
    """
    as_nonnegative(first, "step size first")
    as_nonnegative(second, "step size second")
    as_int_at_least(T1, "T1", 0)

    def schedule(t: int, g: np.ndarray) -> float:
        return first if t <= T1 else second

    schedule.__doc__ = f"two_stage(first={first}, second={second}, T1={T1})"
    return schedule


def inverse_g_squared(t: int, g: np.ndarray) -> np.ndarray:
    """The optimal direction step of Theorem 3.2, ``η_t = 1/g_t²`` (Condition 3.1).

    Parameters
    ----------
    t : int
        The iteration (unused: the step depends on the scale only).
    g : ndarray, shape (B,)
        The current scales ``g_t``.

    Returns
    -------
    ndarray, shape (B,)
        ``1/g_t²`` (``inf`` where ``g_t = 0``).
    """
    with np.errstate(divide="ignore"):
        return 1.0 / (g * g)


def _schedule(value: Schedule, name: str, *, allow_zero: bool):
    """Turn a number or callable step into ``f(t, g) -> (B,) array``, checked at every call.

    A schedule that raises an exception of its own lets it through unchanged (only a value of the
    wrong type or shape, or out of range, is reported as a bad step size).
    """
    check = as_nonnegative if allow_zero else as_positive
    if callable(value):

        def f(t: int, g: np.ndarray) -> np.ndarray:
            where = f"(schedule {name} at iteration t={t})"
            returned = value(t, g)  # an exception of the schedule's own goes through unchanged
            try:
                step = np.broadcast_to(np.asarray(returned, dtype=float), g.shape)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"step size {name} must return a number or an array of shape {g.shape}: "
                    f"{exc} {where}"
                ) from None
            try:
                return check(step, f"step size {name}", array=True)
            except ValueError as exc:
                raise ValueError(f"{exc} {where}") from None

        return f
    if not is_number(value) and (isinstance(value, bool | np.bool_) or np.ndim(value) != 0):
        raise TypeError(f"step size {name} must be a number or a callable(t, g), got {value!r}")
    const = check(value, f"step size {name}")
    return lambda t, g: np.full(g.shape, const)


def _check_run_args(tol: float, max_iter: int, record_every: int, B: int, d: int,
                    record_x: bool) -> None:
    as_nonnegative(tol, "tol")
    max_iter = as_step_count(max_iter, "max_iter")
    record_every = as_int_at_least(record_every, "record_every", 1)
    rows = max_iter // record_every + 2
    check_size(8 * rows * B * (5 + (d if record_x else 0)),
               f"the history of up to {rows:,} rows of {B} run(s)",
               "record fewer rows (a larger record_every, or record_x=False) or fewer steps")


def _w_perp_of_scaled_direction(problem: Problem, state: State, x_perp_norm: np.ndarray,
                                g: np.ndarray) -> np.ndarray:
    """``‖w⊥‖`` of WN's and rPGD's unit direction: ``‖x⊥‖/|g|`` (off ``w`` itself at ``g = 0``)."""
    wp = np.divide(x_perp_norm, np.abs(g), out=np.zeros_like(x_perp_norm), where=g != 0)
    if np.any(g == 0):  # x = 0: read w⊥ off the direction itself
        u = state["w"] / np.linalg.norm(state["w"], axis=1, keepdims=True)
        wp = np.where(g == 0, np.linalg.norm(problem.split(u)[1], axis=1), wp)
    return wp


def _run(
    method: str,
    problem: Problem,
    state: State,
    update: Callable[[int, State], State],
    observe: Callable[[State], tuple[np.ndarray, np.ndarray, np.ndarray | None]],
    w_perp: Callable[[State, np.ndarray, np.ndarray], np.ndarray],
    direction: Callable[[State], np.ndarray],
    *,
    batched: bool,
    tol: float,
    max_iter: int,
    record_every: int,
    record_x: bool,
) -> RunResult:
    """The shared engine: masked batched updates, stop rule, divergence guard, history.

    ``observe(state)`` returns ``(x, g, w_norm)`` for the whole batch; ``update(t, state)``
    returns the next state for the whole batch (only active members are then taken over);
    ``w_perp(state, ‖x⊥‖, g)`` is the method's ``‖w⊥‖`` (the :class:`History` column) and
    ``direction(state)`` its final direction (``RunResult.w``).
    """
    A, y = problem.A, problem.y
    V = problem._row_basis
    yy = 0.5 * float(y @ y)

    def measure(x: np.ndarray) -> np.ndarray:
        r = x @ A.T - y
        return 0.5 * np.einsum("bi,bi->b", r, r)

    with np.errstate(over="ignore", invalid="ignore"):
        x, g, w_norm = observe(state)
        loss = measure(x)
    if not np.all(np.isfinite(loss)):
        raise ValueError(
            "the initial loss ½‖Ax0 − y‖² is not finite (the start is too large to compute with)"
        )
    B = x.shape[0]
    _check_run_args(tol, max_iter, record_every, B, problem.d, record_x)
    limit = EXPLODE_FACTOR * (loss + yy)
    active = loss > tol
    n_iter = np.zeros(B, dtype=int)
    diverged = np.zeros(B, dtype=bool)
    rows: list[tuple] = []

    def record(k: int) -> None:
        x_perp = x - (x @ V.T) @ V  # Definition 1.1, without re-validating x every step
        xp = np.linalg.norm(x_perp, axis=1)
        rows.append(
            (k, loss.copy(), g.copy(), w_perp(state, xp, g), xp,
             None if w_norm is None else w_norm.copy(), x.copy() if record_x else None)
        )

    record(0)
    k = 0
    for t in range(int(max_iter)):
        if not active.any():
            break
        # Overflow in a diverging member is expected here: it is caught just below and reported.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            new = update(t, state)
            x_new, g_new, w_norm_new = observe(new)
            loss_new = measure(x_new)
        bad = active & ~(np.isfinite(loss_new) & (loss_new <= limit))
        for key in new:
            bad |= active & ~np.all(np.isfinite(new[key].reshape(B, -1)), axis=1)
        if bad.any():
            diverged |= bad
            active &= ~bad
        for key, value in new.items():
            state[key][active] = value[active]
        x[active], g[active], loss[active] = x_new[active], g_new[active], loss_new[active]
        if w_norm is not None:
            w_norm[active] = w_norm_new[active]
        n_iter[active] += 1
        k = t + 1
        active &= loss > tol
        if k % record_every == 0 or not active.any() or k == max_iter:
            if rows[-1][0] != k:
                record(k)
    if rows[-1][0] != k:
        record(k)
    if diverged.any():
        warnings.warn(
            f"{method}: {int(diverged.sum())} of {B} runs diverged (the loss became non-finite or "
            f"grew past {EXPLODE_FACTOR:.0e} times its start); each is stopped at its last finite "
            "state and marked in result.diverged. Try a smaller step size.",
            RuntimeWarning,
            stacklevel=3,
        )

    cols = list(zip(*rows, strict=True))
    stack = (lambda a: np.stack(a)) if batched else (lambda a: np.stack(a)[:, 0])
    history = History(
        step=np.asarray(cols[0]),
        loss=stack(cols[1]),
        g=stack(cols[2]),
        w_perp_norm=stack(cols[3]),
        x_perp_norm=stack(cols[4]),
        w_norm=None if w_norm is None else stack(cols[5]),
        x=stack(cols[6]) if record_x else None,
    )
    return RunResult(
        method=method,
        x=unbatch(x, batched),
        g=unbatch(g, batched),
        w=unbatch(direction(state), batched),
        n_iter=unbatch(n_iter, batched),
        converged=unbatch(loss <= tol, batched),
        diverged=unbatch(diverged, batched),
        history=history,
    )


def gd(
    problem: Problem,
    x0,
    *,
    eta: Schedule,
    tol: float = 1e-5,
    max_iter: int = 100_000,
    record_every: int = 1,
    record_x: bool = False,
) -> RunResult:
    """Gradient descent on problem (1): ``x ← x − η Aᵀ(Ax − y)``.

    From ``x0`` it converges (for ``0 < η < 2/λ_max``) to ``x* + x0⊥``: the update lies in the
    row space, so ``x⊥`` never changes (:func:`wnlib.theory.gd_limit`).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    x0 : array_like, shape (d,) or (B, d)
        The start, or a batch of ``B`` starts as rows.
    eta : float or callable(t, g)
        Step size (``g`` passed to a schedule is ``‖x‖``).
    tol : float
        Stop rule (see the module docstring): a member whose loss ``½‖Ax − y‖²`` is ``≤ tol`` is
        not updated again.
    max_iter : int
        Most updates per member (at most ``10⁷``).
    record_every : int
        Keep every ``record_every``-th step (and the last) in the :class:`History`.
    record_x : bool
        Also record the iterates ``x_k`` (``History.x``).

    Returns
    -------
    RunResult
        The final state, the stop flags and the :class:`History` of the run(s).
    """
    problem = as_problem(problem)
    x = as_finite_array(x0, "x0", (1, 2))
    batched = x.ndim == 2
    x = np.atleast_2d(x).copy()
    if x.shape[1] != problem.d:
        raise ValueError(f"x0 must have length d={problem.d}, got shape {np.shape(x0)}")
    step = _schedule(eta, "eta", allow_zero=False)
    A, y = problem.A, problem.y

    def update(t: int, s: State) -> State:
        xs = s["x"]
        e = step(t, np.linalg.norm(xs, axis=1))
        return {"x": xs - e[:, None] * ((xs @ A.T - y) @ A)}

    def observe(s: State):
        return s["x"].copy(), np.linalg.norm(s["x"], axis=1), None

    def direction(s: State) -> np.ndarray:  # x/‖x‖, zero at x = 0
        xn = np.linalg.norm(s["x"], axis=1, keepdims=True)
        return np.divide(s["x"], xn, out=np.zeros_like(s["x"]), where=xn > 0)

    def w_perp(s: State, x_perp_norm: np.ndarray, g: np.ndarray) -> np.ndarray:  # ‖x⊥‖/‖x‖
        return np.divide(x_perp_norm, g, out=np.zeros_like(x_perp_norm), where=g > 0)

    return _run("gd", problem, {"x": x}, update, observe, w_perp, direction, batched=batched,
                tol=tol, max_iter=max_iter, record_every=record_every, record_x=record_x)


def wn(
    problem: Problem,
    g0,
    w0,
    *,
    eta: Schedule,
    gamma: Schedule,
    tol: float = 1e-5,
    max_iter: int = 100_000,
    record_every: int = 1,
    record_x: bool = False,
) -> RunResult:
    """Weight normalization, Algorithm 1, on objective (2) ``h(w, g) = ½‖gAw/‖w‖ − y‖²``.

    With ``u = w/‖w‖``, ``r = y − gAu`` and ``P_u = I − uuᵀ``::

        ∇_w h = −(g/‖w‖) P_u Aᵀr,   ∇_g h = −uᵀAᵀr,
        w ← w − η ∇_w h,   g ← g − γ ∇_g h        (both gradients at the old point).

    Because ``∇_w h ⟂ w``, ``‖w‖²`` grows by exactly ``η²‖∇_w h‖²`` per step.

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Initial scale(s) ``g_0``.
    w0 : array_like, shape (d,) or (B, d)
        Initial direction, any non-zero length (normalized first, as the paper takes ``‖w0‖ = 1``).
    eta, gamma : float or callable(t, g)
        Steps for ``w`` (``η > 0``) and ``g`` (``γ ≥ 0``; ``γ = 0`` holds the scale fixed).
    tol : float
        Stop rule (see the module docstring): a member whose loss ``½‖Ax − y‖²`` is ``≤ tol`` is
        not updated again.
    max_iter : int
        Most updates per member (at most ``10⁷``).
    record_every : int
        Keep every ``record_every``-th step (and the last) in the :class:`History`.
    record_x : bool
        Also record the iterates ``x_k`` (``History.x``).

    Returns
    -------
    RunResult
        The final state, the stop flags and the :class:`History` of the run(s).
    """
    problem = as_problem(problem)
    g, w, batched = as_start(g0, w0, problem.d)
    step_w = _schedule(eta, "eta", allow_zero=False)
    step_g = _schedule(gamma, "gamma", allow_zero=True)
    A, y = problem.A, problem.y

    def update(t: int, s: State) -> State:
        gs, ws = s["g"], s["w"]
        nw = np.linalg.norm(ws, axis=1)
        u = ws / nw[:, None]
        r = y - gs[:, None] * (u @ A.T)
        Atr = r @ A
        uAtr = np.einsum("bi,bi->b", u, Atr)
        grad_w = -(gs / nw)[:, None] * (Atr - uAtr[:, None] * u)
        grad_g = -uAtr
        return {"w": ws - step_w(t, gs)[:, None] * grad_w, "g": gs - step_g(t, gs) * grad_g}

    def observe(s: State):
        nw = np.linalg.norm(s["w"], axis=1)
        return s["g"][:, None] * s["w"] / nw[:, None], s["g"].copy(), nw

    return _run("wn", problem, {"g": g, "w": w}, update, observe,
                partial(_w_perp_of_scaled_direction, problem), itemgetter("w"), batched=batched,
                tol=tol, max_iter=max_iter, record_every=record_every, record_x=record_x)


def rpgd(
    problem: Problem,
    g0,
    w0,
    *,
    eta: Schedule,
    gamma: Schedule,
    tol: float = 1e-5,
    max_iter: int = 100_000,
    record_every: int = 1,
    record_x: bool = False,
) -> RunResult:
    """Reparametrized projected gradient descent, Algorithm 2, on objective (3).

    ``f(w, g) = ½‖Agw − y‖²`` with ``‖w‖ = 1``; with ``r = y − gAw``,
    ``∇_w f = −g Aᵀr`` and ``∇_g f = −wᵀAᵀr``::

        v = w − η ∇_w f,   w ← v/‖v‖,   g ← g − γ ∇_g f   (∇_g f at the old w).

    Parameters
    ----------
    problem : Problem
        The least-squares problem (1).
    g0 : float or array_like (B,)
        Initial scale(s) ``g_0``.
    w0 : array_like, shape (d,) or (B, d)
        Initial direction, any non-zero length (normalized first).
    eta, gamma : float or callable(t, g)
        Steps for ``w`` (``η > 0``; e.g. :func:`inverse_g_squared`) and ``g`` (``γ ≥ 0``).
    tol : float
        Stop rule (see the module docstring): a member whose loss ``½‖Ax − y‖²`` is ``≤ tol`` is
        not updated again.
    max_iter : int
        Most updates per member (at most ``10⁷``).
    record_every : int
        Keep every ``record_every``-th step (and the last) in the :class:`History`.
    record_x : bool
        Also record the iterates ``x_k`` (``History.x``).

    Returns
    -------
    RunResult
        The final state, the stop flags and the :class:`History` of the run(s).
    """
    problem = as_problem(problem)
    g, w, batched = as_start(g0, w0, problem.d)
    step_w = _schedule(eta, "eta", allow_zero=False)
    step_g = _schedule(gamma, "gamma", allow_zero=True)
    A, y = problem.A, problem.y

    def update(t: int, s: State) -> State:
        gs, ws = s["g"], s["w"]
        r = y - gs[:, None] * (ws @ A.T)
        Atr = r @ A
        v = ws + (step_w(t, gs) * gs)[:, None] * Atr
        nv = np.linalg.norm(v, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            w_new = v / nv[:, None]  # ‖v‖ = 0 gives non-finite w: reported as divergence
        return {"w": w_new, "g": gs + step_g(t, gs) * np.einsum("bi,bi->b", ws, Atr)}

    def observe(s: State):
        return s["g"][:, None] * s["w"], s["g"].copy(), None

    return _run("rpgd", problem, {"g": g, "w": w}, update, observe,
                partial(_w_perp_of_scaled_direction, problem), itemgetter("w"), batched=batched,
                tol=tol, max_iter=max_iter, record_every=record_every, record_x=record_x)
