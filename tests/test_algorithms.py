"""GD, WN (Algorithm 1) and rPGD (Algorithm 2): gradients, invariances, limits, stop rule, batches.

References: finite differences of the objectives (2) and (3), plain one-vector loops written from
the update rules (``_reference.py``), the pseudo-inverse and the projector A⁺A.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import (
    f_rpgd,
    fd_derivative,
    fd_grad,
    h_wn,
    ref_gd,
    ref_rpgd,
    ref_wn,
    row_projector,
)
from _reference import loss as ref_loss

from wnlib import gd, inverse_g_squared, make_problem, random_directions, rpgd, two_stage, wn
from wnlib.theory import gd_limit

M, D = 4, 10


@pytest.fixture(scope="module")
def problem():
    return make_problem(M, D, kind="gaussian", seed=3)


@pytest.fixture(scope="module")
def starts():
    rng = np.random.default_rng(20)
    W0 = rng.standard_normal((4, D))
    W0 *= rng.uniform(0.3, 3.0, size=(4, 1))  # directions of various lengths
    return np.array([0.2, 0.7, 1.3, 2.0]), W0


# --------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("scale", [1.0, 2.5])
def test_wn_step_is_minus_fd_gradient_of_h(problem, scale):
    """One WN step from (g0, w0) moves by −η∇_w h and −γ∇_g h, gradients by finite differences.

    With tol=0, max_iter=1 the step is exactly linear in the gradient, so ``(w0 − w1)/η`` is the
    gradient wnlib used. WN normalizes the start, so ``w0`` is taken unit; the ``scale`` case
    checks the ``1/‖w‖`` factor on the (unnormalized) second step through the ‖w‖ history.
    """
    A, y = problem.A, problem.y
    w0 = random_directions(1, D, 1)[0]
    g0, eta, gamma = 0.8, 0.3, 0.2
    res = wn(problem, g0, scale * w0, eta=eta, gamma=gamma, tol=0, max_iter=1)
    gw = fd_grad(lambda w: h_wn(A, y, w, g0), w0)
    gg = fd_derivative(lambda g: h_wn(A, y, w0, g), g0)
    np.testing.assert_allclose((w0 - res.w) / eta, gw, rtol=1e-7, atol=1e-9)
    assert (g0 - res.g) / gamma == pytest.approx(gg, rel=1e-7, abs=1e-10)
    # the second step uses the gradient at the unnormalized w1 (‖w1‖ > 1): ∇_w h ∝ 1/‖w‖
    res2 = wn(problem, g0, w0, eta=eta, gamma=gamma, tol=0, max_iter=2)
    w1, g1 = res.w, res.g
    gw1 = fd_grad(lambda w: h_wn(A, y, w, g1), w1)
    gg1 = fd_derivative(lambda g: h_wn(A, y, w1, g), g1)
    np.testing.assert_allclose((w1 - res2.w) / eta, gw1, rtol=1e-6, atol=1e-9)
    assert (g1 - res2.g) / gamma == pytest.approx(gg1, rel=1e-6, abs=1e-10)


def test_rpgd_step_uses_fd_gradient_of_f(problem):
    """rPGD: w1 = v/‖v‖ with v = w0 − η∇_w f, g1 = g0 − γ∇_g f at the old w (finite differences)."""
    A, y = problem.A, problem.y
    w0 = random_directions(1, D, 2)[0]
    g0, eta, gamma = 1.4, 0.4, 0.25
    res = rpgd(problem, g0, 3.0 * w0, eta=eta, gamma=gamma, tol=0, max_iter=1)
    v = w0 - eta * fd_grad(lambda w: f_rpgd(A, y, w, g0), w0)
    np.testing.assert_allclose(res.w, v / np.linalg.norm(v), rtol=1e-8, atol=1e-10)
    gg = fd_derivative(lambda g: f_rpgd(A, y, w0, g), g0)
    assert res.g == pytest.approx(g0 - gamma * gg, rel=1e-9)
    # γ uses the OLD w: with the new w the g-step would differ measurably here
    g_with_new_w = g0 - gamma * fd_derivative(lambda g: f_rpgd(A, y, res.w, g), g0)
    assert abs(res.g - g_with_new_w) > 1e-3


def test_gd_step_is_minus_fd_gradient_of_loss(problem):
    A, y = problem.A, problem.y
    x0 = np.random.default_rng(3).standard_normal(D)
    res = gd(problem, x0, eta=0.7, tol=0, max_iter=1)
    np.testing.assert_allclose(
        (x0 - res.x) / 0.7, fd_grad(lambda x: ref_loss(A, y, x), x0), rtol=1e-7, atol=1e-9
    )


# --------------------------------------------------------------------------- whole runs vs loops


SCHEDULES = {
    "constant": (0.3, 0.2),
    "inverse_g2": (inverse_g_squared, two_stage(0.05, 0.25, 15)),
    "lambda": (lambda t, g: 0.5 / (1.0 + g * g), lambda t, g: 0.1 + 0.01 * (t % 3)),
}


@pytest.mark.parametrize("sched", list(SCHEDULES))
def test_wn_and_rpgd_match_plain_loops(problem, starts, sched):
    eta, gamma = SCHEDULES[sched]
    g0s, W0 = starts
    for algo, ref in [(wn, ref_wn), (rpgd, ref_rpgd)]:
        for g0, w0 in zip(g0s[1:3], W0[1:3], strict=True):
            res = algo(problem, g0, w0, eta=eta, gamma=gamma, tol=1e-6, max_iter=150)
            g, w, n = ref(problem.A, problem.y, g0, w0, eta, gamma, 1e-6, 150)
            assert res.n_iter == n
            assert res.g == pytest.approx(g, rel=1e-11, abs=1e-13)
            np.testing.assert_allclose(res.w, w, rtol=1e-11, atol=1e-13)
            np.testing.assert_allclose(res.x, g * w / np.linalg.norm(w), rtol=1e-11, atol=1e-13)
            assert res.converged == (ref_loss(problem.A, problem.y, res.x) <= 1e-6)


def test_gd_matches_plain_loop(problem, starts):
    x0 = starts[0][2] * starts[1][2]
    for eta in [0.9, lambda t, g: 0.5 + 0.4 * np.cos(t) ** 2]:
        res = gd(problem, x0, eta=eta, tol=1e-7, max_iter=5000)
        x, n = ref_gd(problem.A, problem.y, x0, eta, 1e-7, 5000)
        assert res.n_iter == n and res.converged
        np.testing.assert_allclose(res.x, x, rtol=1e-11, atol=1e-13)
        assert res.g == pytest.approx(np.linalg.norm(x), rel=1e-12)
        np.testing.assert_allclose(res.w, x / np.linalg.norm(x), atol=1e-12)


# --------------------------------------------------------------------------- invariances


def test_wn_w_norm_grows_by_eta2_grad2(problem):
    """‖w_{k+1}‖² − ‖w_k‖² = η²‖∇_w h(w_k, g_k)‖² (∇_w h ⟂ w), gradient by finite differences."""
    A, y = problem.A, problem.y
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal(D)
    eta, gamma, K = 0.6, 0.3, 12
    res = wn(problem, 0.9, w0, eta=eta, gamma=gamma, tol=0, max_iter=K, record_x=True)
    h = res.history
    assert h.w_norm.shape == (K + 1,)
    assert h.w_norm[0] == pytest.approx(1.0)  # the start is normalized
    growth = np.diff(h.w_norm**2)
    assert np.all(growth > 0)
    for k in range(K):
        u = h.x[k] / h.g[k]
        w_k = h.w_norm[k] * u  # the unnormalized iterate
        grad = fd_grad(lambda w, g=h.g[k]: h_wn(A, y, w, g), w_k)
        assert growth[k] == pytest.approx(eta**2 * grad @ grad, rel=1e-6)
    assert np.linalg.norm(res.w) == pytest.approx(h.w_norm[-1], rel=1e-14)


def test_rpgd_direction_stays_unit(problem, starts):
    g0s, W0 = starts
    res = rpgd(problem, g0s, W0, eta=0.5, gamma=0.3, tol=0, max_iter=40, record_x=True)
    np.testing.assert_allclose(np.linalg.norm(res.w, axis=1), 1.0, atol=1e-14)
    # x_k = g_k w_k with ‖w_k‖ = 1 along the whole run
    np.testing.assert_allclose(
        np.linalg.norm(res.history.x, axis=2), np.abs(res.history.g), rtol=1e-13
    )


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_x_perp_keeps_its_direction(problem, starts, algo):
    g0s, W0 = starts
    P = row_projector(problem.A)
    Q = np.eye(D) - P
    if algo == "gd":
        res = gd(problem, g0s[:, None] * W0, eta=0.8, tol=0, max_iter=60, record_x=True)
    else:
        f = wn if algo == "wn" else rpgd
        res = f(problem, g0s, W0, eta=0.5, gamma=0.3, tol=0, max_iter=60, record_x=True)
    xperp = res.history.x @ Q.T  # (K+1, B, d), with the projector A⁺A, not wnlib's split
    lengths = np.linalg.norm(xperp, axis=2)
    np.testing.assert_allclose(lengths, res.history.x_perp_norm, rtol=1e-9, atol=1e-13)
    cos = np.einsum("kbi,bi->kb", xperp, xperp[0]) / (lengths * lengths[0])
    assert np.all(res.history.g * res.history.g[0] > 0)  # g kept its sign on these starts
    np.testing.assert_allclose(cos, 1.0, atol=1e-12)
    if algo == "gd":  # GD does not even change the length
        np.testing.assert_allclose(lengths, lengths[[0] * len(lengths)], rtol=1e-12)
        np.testing.assert_allclose(res.history.w_perp_norm,
                                   lengths / np.linalg.norm(res.history.x, axis=2), rtol=1e-9)
    else:  # ‖w⊥‖ of the unit direction, as recorded, is ‖x⊥‖/|g|
        np.testing.assert_allclose(
            res.history.w_perp_norm, lengths / np.abs(res.history.g), rtol=1e-9
        )
        assert not np.allclose(lengths[-1], lengths[0], rtol=1e-3)  # but the length moves


def test_gd_converges_to_x_star_plus_x0_perp(problem):
    rng = np.random.default_rng(6)
    X0 = 2.0 * rng.standard_normal((3, D))
    res = gd(problem, X0, eta=1.0, tol=1e-14, max_iter=20_000)
    assert np.all(res.converged)
    P = row_projector(problem.A)
    expected = np.linalg.pinv(problem.A) @ problem.y + X0 @ (np.eye(D) - P).T
    np.testing.assert_allclose(res.x, expected, atol=1e-6)
    np.testing.assert_allclose(res.x, gd_limit(problem, X0), atol=1e-6)


@pytest.mark.parametrize("algo", [wn, rpgd])
def test_gamma_zero_holds_the_scale_exactly(problem, starts, algo):
    g0s, W0 = starts
    res = algo(problem, g0s, W0, eta=0.4, gamma=0.0, tol=0, max_iter=30)
    assert np.all(res.history.g == g0s[None, :])
    assert np.all(res.g == g0s)
    assert np.all(res.history.loss[-1] < res.history.loss[0])  # the direction still moves


# --------------------------------------------------------------------------- stop rule


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_tol_zero_performs_exactly_max_iter_updates(problem, starts, algo):
    g0s, W0 = starts
    K = 17
    if algo == "gd":
        run = lambda **kw: gd(problem, g0s[1] * W0[1], eta=0.5, **kw)  # noqa: E731
    else:
        f = wn if algo == "wn" else rpgd
        run = lambda **kw: f(problem, g0s[1], W0[1], eta=0.5, gamma=0.2, **kw)  # noqa: E731
    res = run(tol=0, max_iter=K)
    assert res.n_iter == K and not res.converged
    assert len(res.history.loss) == K + 1
    np.testing.assert_array_equal(res.history.step, np.arange(K + 1))
    for field in ("g", "w_perp_norm", "x_perp_norm"):
        assert getattr(res.history, field).shape == (K + 1,)
    # K single steps, re-started from the previous result, reach the same point (GD and rPGD,
    # whose state is fully described by x, resp. (g, unit w))
    if algo != "wn":
        r = run(tol=0, max_iter=0)
        for _ in range(K):
            r = (
                gd(problem, r.x, eta=0.5, tol=0, max_iter=1)
                if algo == "gd"
                else rpgd(problem, r.g, r.w, eta=0.5, gamma=0.2, tol=0, max_iter=1)
            )
        np.testing.assert_allclose(r.x, res.x, rtol=1e-12, atol=1e-14)
    # record_every keeps the first, every s-th and the last row
    sub = run(tol=0, max_iter=K, record_every=5)
    np.testing.assert_array_equal(sub.history.step, [0, 5, 10, 15, 17])
    np.testing.assert_allclose(sub.history.loss, res.history.loss[[0, 5, 10, 15, 17]], rtol=1e-13)


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_update_is_skipped_once_loss_below_tol(problem, starts, algo):
    g0s, W0 = starts
    tol = 1e-4
    if algo == "gd":
        run = lambda **kw: gd(problem, g0s[1] * W0[1], eta=0.5, **kw)  # noqa: E731
    else:
        f = wn if algo == "wn" else rpgd
        run = lambda **kw: f(problem, g0s[1], W0[1], eta=0.5, gamma=0.2, **kw)  # noqa: E731
    res = run(tol=tol, max_iter=10_000)
    n = res.n_iter
    loss = res.history.loss
    assert res.converged and 0 < n < 10_000
    assert len(loss) == n + 1
    assert np.all(loss[:-1] > tol) and loss[-1] <= tol  # checked before each update
    assert res.loss == loss[-1] == pytest.approx(ref_loss(problem.A, problem.y, res.x), rel=1e-10)
    # one update fewer is not converged; a larger max_iter changes nothing
    short = run(tol=tol, max_iter=n - 1)
    assert short.n_iter == n - 1 and not short.converged and short.history.loss[-1] > tol
    longer = run(tol=tol, max_iter=n + 50)
    assert longer.n_iter == n
    np.testing.assert_array_equal(longer.x, res.x)
    # restarting from the converged point performs no update at all
    again = (
        gd(problem, res.x, eta=0.5, tol=tol)
        if algo == "gd"
        else rpgd(problem, res.g, res.w, eta=0.5, gamma=0.2, tol=tol)
        if algo == "rpgd"
        else wn(problem, res.g, res.w, eta=0.5, gamma=0.2, tol=tol)
    )
    assert again.n_iter == 0 and again.converged
    np.testing.assert_allclose(again.x, res.x, rtol=1e-14)
    assert len(again.history.loss) == 1


def test_max_iter_zero_returns_the_normalized_start(problem):
    w0 = np.arange(1.0, D + 1)
    res = wn(problem, 1.5, w0, eta=0.1, gamma=0.1, max_iter=0)
    assert res.n_iter == 0
    np.testing.assert_allclose(res.w, w0 / np.linalg.norm(w0), rtol=1e-15)
    np.testing.assert_allclose(res.x, 1.5 * w0 / np.linalg.norm(w0), rtol=1e-15)


# --------------------------------------------------------------------------- batches


@pytest.mark.parametrize("sched", list(SCHEDULES))
@pytest.mark.parametrize("algo", ["wn", "rpgd"])
def test_batch_equals_one_at_a_time(problem, starts, algo, sched):
    eta, gamma = SCHEDULES[sched]
    f = wn if algo == "wn" else rpgd
    g0s, W0 = starts
    kw = dict(eta=eta, gamma=gamma, tol=1e-3, max_iter=400)
    batch = f(problem, g0s, W0, **kw)
    assert batch.x.shape == W0.shape and batch.g.shape == (4,) and batch.n_iter.shape == (4,)
    assert batch.history.loss.shape == (batch.n_iter.max() + 1, 4)
    assert len(set(batch.n_iter.tolist())) > 1, "members should stop at different times"
    for i in range(4):
        one = f(problem, g0s[i], W0[i], **kw)
        # identical up to the last bits BLAS may order differently for a matrix vs a vector
        assert one.n_iter == batch.n_iter[i] and one.converged == batch.converged[i]
        np.testing.assert_allclose(batch.x[i], one.x, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(batch.w[i], one.w, rtol=1e-12, atol=1e-14)
        assert batch.g[i] == pytest.approx(one.g, rel=1e-12, abs=1e-14)
        n = one.n_iter
        for field in ("loss", "g", "w_perp_norm", "x_perp_norm"):
            b, s = getattr(batch.history, field)[:, i], getattr(one.history, field)
            np.testing.assert_allclose(b[: n + 1], s, rtol=1e-11, atol=1e-14)
            assert np.all(b[n:] == b[n])  # a stopped member repeats its final value
        if algo == "wn":
            np.testing.assert_allclose(
                batch.history.w_norm[: n + 1, i], one.history.w_norm, rtol=1e-12
            )


def test_gd_batch_equals_one_at_a_time(problem, starts):
    g0s, W0 = starts
    X0 = g0s[:, None] * W0
    eta = lambda t, g: 0.4 + 0.5 / (1 + t)  # noqa: E731
    batch = gd(problem, X0, eta=eta, tol=1e-6, max_iter=3000)
    assert len(set(batch.n_iter.tolist())) > 1
    for i in range(4):
        one = gd(problem, X0[i], eta=eta, tol=1e-6, max_iter=3000)
        assert one.n_iter == batch.n_iter[i] and one.converged
        np.testing.assert_allclose(batch.x[i], one.x, rtol=1e-12, atol=1e-14)


def test_converged_members_stop_changing(problem, starts):
    g0s, W0 = starts
    res = wn(problem, g0s, W0, eta=0.3, gamma=0.3, tol=1e-3, max_iter=500, record_x=True)
    for i, n in enumerate(res.n_iter):
        tail = res.history.x[n:, i]
        assert np.all(tail == tail[0])
        np.testing.assert_array_equal(res.x[i], res.history.x[n, i])
        assert res.history.loss[n, i] <= 1e-3 < res.history.loss[n - 1, i]


def test_a_schedule_sees_each_members_own_scale(problem, starts):
    """η_t = 1/g_t² for a batch: each member uses its own g_t (compared with single runs)."""
    g0s, W0 = starts
    seen = []

    def eta(t, g):
        seen.append(g.copy())
        return 1.0 / g**2

    batch = rpgd(problem, g0s, W0, eta=eta, gamma=0.0, tol=0, max_iter=3)
    np.testing.assert_array_equal(seen[0], g0s)
    for i in range(4):
        one = rpgd(problem, g0s[i], W0[i], eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=3)
        np.testing.assert_allclose(batch.w[i], one.w, rtol=1e-12, atol=1e-14)


def test_orthogonal_inverse_g2_one_step_structure():
    """Theorem 3.2's structure (AAᵀ = I, η = 1/g², γ = 0): w⊥ ← w⊥/‖v‖, ‖v‖² = ‖w⊥‖² + g*²/g²."""
    p = make_problem(3, 8, kind="orthogonal", seed=2)
    w0 = random_directions(1, 8, 9)[0]
    g0 = 0.6
    res = rpgd(p, g0, w0, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=1)
    Q = np.eye(8) - row_projector(p.A)
    wp = Q @ w0
    nv = np.sqrt(wp @ wp + (np.linalg.norm(np.linalg.pinv(p.A) @ p.y) / g0) ** 2)
    np.testing.assert_allclose(Q @ res.w, wp / nv, atol=1e-13)


# --------------------------------------------------------------------------- divergence


def _all_finite(res):
    h = res.history
    parts = [res.x, res.g, res.w, res.loss, h.loss, h.g, h.w_perp_norm, h.x_perp_norm]
    parts += [a for a in (h.w_norm, h.x) if a is not None]
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in parts)


def test_gd_divergence_is_stopped_and_reported(problem):
    x0 = np.random.default_rng(7).standard_normal(D)
    with pytest.warns(RuntimeWarning, match="diverged"):
        res = gd(problem, x0, eta=2.5 / problem.lam_max, max_iter=100_000, record_x=True)
    assert res.diverged and not res.converged
    assert res.n_iter < 1000  # stopped, not run to max_iter
    assert _all_finite(res)
    # below 2/λ_max the same start converges without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = gd(problem, x0, eta=1.9 / problem.lam_max, tol=1e-8)
    assert ok.converged and not ok.diverged


@pytest.mark.parametrize("algo", [wn, rpgd])
def test_huge_steps_diverge_cleanly(problem, algo):
    w0 = np.random.default_rng(8).standard_normal(D)
    with pytest.warns(RuntimeWarning, match="diverged") as record:
        res = algo(problem, 1.0, w0, eta=1e3, gamma=1e3, max_iter=1000, record_x=True)
    assert res.diverged and not res.converged and res.n_iter < 1000
    assert _all_finite(res)
    assert all("diverged" in str(w.message) for w in record)  # no stray numpy overflow noise
    with pytest.warns(RuntimeWarning, match="diverged"):
        res = algo(problem, 1.0, w0, eta=1.0, gamma=1e200, max_iter=1000)
    assert res.diverged and _all_finite(res)


def test_a_diverging_member_does_not_disturb_the_others(problem, starts):
    g0s, W0 = starts
    eta = lambda t, g: np.where(np.arange(4) == 2, 1e3, 0.3)  # noqa: E731
    with pytest.warns(RuntimeWarning, match="1 of 4 runs diverged"):
        batch = wn(problem, g0s, W0, eta=0.3, gamma=eta, tol=1e-4, max_iter=2000)
    np.testing.assert_array_equal(batch.diverged, [False, False, True, False])
    assert _all_finite(batch)
    for i in (0, 1, 3):
        one = wn(problem, g0s[i], W0[i], eta=0.3, gamma=0.3, tol=1e-4, max_iter=2000)
        assert one.converged and one.n_iter == batch.n_iter[i]
        np.testing.assert_allclose(batch.x[i], one.x, rtol=1e-12, atol=1e-14)
