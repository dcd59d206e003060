"""Tests of wnlib.theory.flow (Section 2 closed forms) against independent computations.

Independent means: an ODE integrated here with scipy's solve_ivp from our own right-hand side,
the library's integrated flow (wnlib.flow.wn_flow), the discrete algorithms, finite differences,
or a direct minimization on the sphere.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import minimize

from wnlib import Problem, gd, make_problem, wn_flow
from wnlib import theory as th


# ------------------------------------------------------------------ helpers
def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def own_flow(problem, g0, w0, c, t_end, t_eval=None):
    """The WN flow (4) integrated here, from its definition, with RK45 (independent code)."""
    A, y = problem.A, problem.y

    def rhs(_t, z):
        g, w = z[0], z[1:]
        r = y - g * (A @ w)
        atr = A.T @ r
        return np.concatenate([[c * (w @ atr)], g * (atr - (w @ atr) * w / (w @ w))])

    z0 = np.concatenate([[g0], unit(w0)])
    sol = solve_ivp(rhs, (0, t_end), z0, rtol=1e-10, atol=1e-12, t_eval=t_eval)
    assert sol.success
    return sol.t, sol.y[0], sol.y[1:].T


def loss_of(problem, g, w):
    r = g * (problem.A @ w) - problem.y
    return 0.5 * float(r @ r)


@pytest.fixture(scope="module")
def prob():
    return make_problem(6, 20, seed=4)


@pytest.fixture(scope="module")
def starts(prob):
    """Starts with ‖y‖² > ‖Ag0w0 − y‖² (the flow reaches zero loss) over a range of g0/g*."""
    rng = np.random.default_rng(11)
    W = unit(rng.standard_normal((5, prob.d)))
    W = W * np.sign(W @ prob.w_star)[:, None]  # positive overlap with w*: loss below ½‖y‖²
    g0 = prob.g_star * np.array([0.2, 0.5, 0.9, 1.2, 1.5])
    # keep only starts that satisfy the sufficient condition (Lemma 2.3)
    ok = np.asarray(th.starts_below_zero_loss(prob, g0, W))
    assert ok.sum() >= 3
    return g0[ok], W[ok]


# ------------------------------------------------------------------ GD
def test_gd_limit_matches_gd_run(prob):
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((3, prob.d))
    run = gd(prob, x0, eta=1.0, tol=1e-26, max_iter=200_000)
    assert np.all(run.converged)
    np.testing.assert_allclose(run.x, th.gd_limit(prob, x0), atol=1e-9)
    # and the x⊥ of GD never moves
    np.testing.assert_allclose(prob.split(run.x)[1], prob.split(x0)[1], atol=1e-12)


# ------------------------------------------------------------------ Lemma 2.4 and the g² rate
def test_loss_rate_matches_finite_difference(prob):
    rng = np.random.default_rng(1)
    for c in (0.0, 0.3, 4.0):
        g0 = 1.3
        w0 = unit(rng.standard_normal(prob.d))
        h = 1e-5
        t, gs, ws = own_flow(prob, g0, w0, c, 2 * h, t_eval=[0.0, h, 2 * h])
        # second-order one-sided difference at t = 0
        f = [loss_of(prob, gs[k], ws[k]) for k in range(3)]
        fd = (-3 * f[0] + 4 * f[1] - f[2]) / (2 * h)
        rate, lower, upper = th.loss_rate(prob, g0, w0, c)
        assert rate == pytest.approx(fd, rel=1e-5, abs=1e-9)
        assert lower <= rate + 1e-14 and rate <= upper + 1e-14 and upper <= 0


def test_loss_rate_bounds_along_a_path(prob):
    rng = np.random.default_rng(2)
    w0 = unit(rng.standard_normal(prob.d))
    fr = wn_flow(prob, 0.7, w0, c=1.5, t_max=20.0, t_eval=np.linspace(0, 20, 41))
    rate, lower, upper = th.loss_rate(prob, fr.g, fr.w, 1.5)
    assert np.all(lower <= rate + 1e-13) and np.all(rate <= upper + 1e-13)
    assert np.all(upper <= 0)
    # the rate is the time derivative of the flow's loss (central differences on a fine grid)
    t = np.linspace(1.0, 1.002, 3)
    fr2 = wn_flow(prob, 0.7, w0, c=1.5, t_max=1.002, t_eval=t, tol=0.0)
    fd = (fr2.loss[2] - fr2.loss[0]) / (t[2] - t[0])
    r1 = th.loss_rate(prob, fr2.g[1], fr2.w[1], 1.5)[0]
    assert r1 == pytest.approx(fd, rel=1e-5)


def test_scale_rate_matches_finite_difference(prob):
    rng = np.random.default_rng(3)
    w0 = unit(rng.standard_normal(prob.d))
    c, g0, h = 2.0, -0.8, 1e-5
    _, gs, _ = own_flow(prob, g0, w0, c, 2 * h, t_eval=[0.0, h, 2 * h])
    fd = (-3 * gs[0] ** 2 + 4 * gs[1] ** 2 - gs[2] ** 2) / (2 * h)
    assert th.scale_rate(prob, g0, w0, c) == pytest.approx(fd, rel=1e-5)
    # the identity itself: d(g²)/dt = 2 g dg/dt = 2 c g wᵀAᵀr
    r = prob.y - g0 * prob.A @ w0
    assert th.scale_rate(prob, g0, w0, c) == pytest.approx(2 * c * g0 * w0 @ prob.A.T @ r)


# ------------------------------------------------------------------ Lemma 2.5
def test_invariant_is_constant_along_own_flow(prob):
    rng = np.random.default_rng(5)
    w0 = unit(rng.standard_normal(prob.d))
    for c in (0.5, 3.0):
        t, gs, ws = own_flow(prob, 0.4, w0, c, 15.0, t_eval=np.linspace(0, 15, 16))
        inv = np.array([th.invariant(prob, g, w, c) for g, w in zip(gs, ws, strict=True)])
        np.testing.assert_allclose(inv, inv[0], rtol=1e-7)
        # the vector form: w⊥(t) = w⊥(0) exp((g0² − g²)/(2c))
        wp0 = prob.split(unit(w0))[1]
        pred = wp0[None, :] * np.exp((gs[0] ** 2 - gs**2) / (2 * c))[:, None]
        np.testing.assert_allclose(prob.split(unit(ws))[1], pred, atol=1e-8)
        # ‖w⊥‖ shrinks while g grows, and the printed form is not constant
        printed = np.array(
            [th.invariant_printed(prob, g, w, c) for g, w in zip(gs, ws, strict=True)]
        )
        assert np.ptp(printed) / printed[0] > 1e-2


def test_invariant_batched_matches_single(prob):
    rng = np.random.default_rng(6)
    W = rng.standard_normal((3, prob.d))
    g = np.array([0.1, 1.0, -2.0])
    batch = th.invariant(prob, g, W, 0.7)
    single = [th.invariant(prob, g[i], W[i], 0.7) for i in range(3)]
    np.testing.assert_allclose(batch, single)
    with pytest.raises(ValueError):
        th.invariant(prob, 1.0, W[0], 0.0)


# ------------------------------------------------------------------ Lemma 2.3
def test_spurious_set_is_stationary_and_detected(prob):
    rng = np.random.default_rng(7)
    v = rng.standard_normal(prob.d)
    aty = prob.A.T @ prob.y
    w = unit(v - (v @ aty) / (aty @ aty) * aty)  # yᵀAw = 0
    assert th.in_spurious_set(prob, 0.0, w) is True  # a plain bool for one start
    assert th.starts_below_zero_loss(prob, 1.0, prob.w_star) is True
    assert isinstance(th.invariant(prob, 1.0, w, 1.0), float)
    assert not th.in_spurious_set(prob, 1e-3, w)
    assert not th.in_spurious_set(prob, 0.0, unit(aty))
    fr = wn_flow(prob, 0.0, w, c=1.0, t_max=10.0)
    assert fr.stalled and not fr.converged
    np.testing.assert_allclose(fr.w[-1], w, atol=1e-12)


def test_starts_below_zero_loss_definition(prob):
    rng = np.random.default_rng(8)
    W = unit(rng.standard_normal((20, prob.d)))
    g = rng.uniform(-3, 3, 20) * prob.g_star
    got = th.starts_below_zero_loss(prob, g, W)
    want = [prob.y @ prob.y > 2 * prob.loss(g[i] * W[i]) for i in range(20)]
    np.testing.assert_array_equal(got, want)


def test_sufficient_condition_gives_zero_loss(prob, starts):
    g0, W = starts
    fr = wn_flow(prob, g0, W, c=1.0, tol=1e-12)
    assert fr.converged and not fr.stalled
    assert np.all(np.sign(fr.g) == np.sign(g0))  # g keeps its sign


# ------------------------------------------------------------------ Theorem 2.6 Part I
@pytest.mark.parametrize("c", [0.3, 1.0, 5.0])
def test_flow_limit_matches_integrated_flow(prob, starts, c):
    g0, W = starts
    fr = wn_flow(prob, g0, W, c=c)
    assert fr.converged
    np.testing.assert_allclose(fr.x[-1], th.flow_limit(prob, g0, W, c), atol=1e-6)
    np.testing.assert_allclose(np.abs(fr.g[-1]), np.abs(th.flow_g_inf(prob, g0, W, c)), rtol=1e-6)
    wn_dist, gd_dist = th.limit_distances(prob, g0, W, c)
    np.testing.assert_allclose(wn_dist, np.linalg.norm(fr.x[-1] - prob.x_star, axis=1), atol=1e-6)
    np.testing.assert_allclose(gd_dist, np.linalg.norm(prob.split(g0[:, None] * W)[1], axis=1))


def test_flow_limit_against_own_ode(prob):
    rng = np.random.default_rng(9)
    w0 = unit(rng.standard_normal(prob.d))
    w0 = w0 * np.sign(w0 @ prob.w_star)
    g0, c = 0.6 * prob.g_star, 2.0
    _, gs, ws = own_flow(prob, g0, w0, c, 400.0)
    x_end = gs[-1] * unit(ws[-1])
    assert loss_of(prob, gs[-1], unit(ws[-1])) < 1e-14
    np.testing.assert_allclose(x_end, th.flow_limit(prob, g0, w0, c), atol=1e-5)


def test_g_inf_solves_its_equation(prob):
    rng = np.random.default_rng(10)
    W = unit(rng.standard_normal((4, prob.d)))
    g0 = np.array([0.1, 1.0, 3.0, -8.0])
    c = 0.8
    s = np.asarray(th.flow_g_inf(prob, g0, W, c)) ** 2
    a = np.sum(prob.split(W)[1] ** 2, axis=1)
    np.testing.assert_allclose(s * (1 - a * np.exp((g0**2 - s) / c)), prob.g_star**2, rtol=1e-10)
    assert np.all(a * np.exp((g0**2 - s) / c) <= 1)  # ‖w⊥‖ ≤ 1: the right branch
    assert np.all(np.sign(th.flow_g_inf(prob, g0, W, c)) == np.sign(g0))


def test_printed_limit_exact_without_w_perp_and_off_above_g_star(prob, starts):
    w_row = prob.w_star
    for g0 in (0.3, 2.0):
        np.testing.assert_allclose(
            th.flow_limit_printed(prob, g0, w_row, 1.0),
            th.flow_limit(prob, g0, w_row, 1.0),
            atol=1e-12,
        )
        np.testing.assert_allclose(th.flow_limit(prob, g0, w_row, 1.0), prob.x_star, atol=1e-12)
    # the printed formula itself
    g0, W = starts
    wp = prob.split(W)[1]
    fac = prob.g_star * np.exp((g0**2 - prob.g_star**2) / (2 * 0.5))
    np.testing.assert_allclose(
        th.flow_limit_printed(prob, g0, W, 0.5), prob.x_star + fac[:, None] * wp
    )
    # for g0 > g* and small c it is far from the true limit, which the flow reaches
    i = int(np.argmax(g0))
    assert g0[i] > prob.g_star
    fr = wn_flow(prob, g0[i], W[i], c=0.5)
    err_exact = np.linalg.norm(fr.x[-1] - th.flow_limit(prob, g0[i], W[i], 0.5))
    err_printed = np.linalg.norm(fr.x[-1] - th.flow_limit_printed(prob, g0[i], W[i], 0.5))
    assert err_exact < 1e-6 < 1e-2 < err_printed


# ------------------------------------------------------------------ Theorem 2.6 Part II
def test_fixed_scale_orthogonal_reaches_w_star():
    p = make_problem(4, 12, kind="orthogonal", seed=2)
    rng = np.random.default_rng(0)
    w0 = unit(rng.standard_normal(p.d))
    w0 = w0 * np.sign(w0 @ p.w_star)
    g0 = 0.5 * p.g_star
    np.testing.assert_allclose(th.fixed_scale_limit(p, g0, w0), p.w_star, atol=1e-12)
    fr = wn_flow(p, g0, w0, c=0.0, t_max=200.0, stall=1e-10)
    np.testing.assert_allclose(fr.w[-1], p.w_star, atol=1e-7)


def test_fixed_scale_above_g_star_zero_loss_point():
    p = make_problem(4, 12, kind="orthogonal", seed=3)
    rng = np.random.default_rng(1)
    w0 = unit(rng.standard_normal(p.d))
    g0 = 1.7 * p.g_star
    w_lim = th.fixed_scale_limit(p, g0, w0)
    assert np.linalg.norm(w_lim) == pytest.approx(1.0)
    assert p.loss(g0 * w_lim) < 1e-20
    fr = wn_flow(p, g0, w0, c=0.0, tol=1e-20)
    assert fr.converged
    np.testing.assert_allclose(fr.w[-1], w_lim, atol=1e-7)


def test_fixed_scale_general_A_is_sphere_minimizer():
    p = make_problem(4, 12, seed=5)
    rng = np.random.default_rng(2)
    w0 = unit(rng.standard_normal(p.d))
    g0 = 0.4 * p.g_star
    w_lim = th.fixed_scale_limit(p, g0, w0)
    assert np.linalg.norm(w_lim) == pytest.approx(1.0)
    assert np.linalg.norm(p.split(w_lim)[1]) < 1e-12  # in the row space
    assert np.linalg.norm(w_lim - p.w_star) > 1e-2  # but not w*
    # independent: minimize ½‖g0 A u/‖u‖ − y‖² from many starts
    best = min(
        (
            minimize(
                lambda u: p.loss(g0 * u / np.linalg.norm(u)),
                rng.standard_normal(p.d),
                method="BFGS",
                options={"gtol": 1e-12},
            )
            for _ in range(5)
        ),
        key=lambda r: r.fun,
    )
    assert p.loss(g0 * w_lim) == pytest.approx(best.fun, rel=1e-8)
    # the c = 0 flow ends there, and switching c on from there reaches x*
    fr = wn_flow(p, g0, w0, c=0.0, t_max=500.0, stall=1e-10)
    np.testing.assert_allclose(fr.w[-1], w_lim, atol=1e-6)
    fr2 = wn_flow(p, g0, w_lim, c=1.0)
    assert fr2.converged
    np.testing.assert_allclose(fr2.x[-1], p.x_star, atol=1e-6)


# ------------------------------------------------------------------ Theorem 2.7
def test_convergence_times_below_bounds():
    eps = 1e-8
    seen = {"first": 0, "second": 0}
    for seed in range(3):
        p = make_problem(6, 20, seed=seed)
        rng = np.random.default_rng(100 + seed)  # not the problem's seed (that would give A's rows)
        # directions from nearly in the row space (small w⊥) to random (large w⊥)
        W = unit(
            rng.standard_normal((4, p.d)) / np.sqrt(p.d)
            + np.array([3.0, 1.0, 0.5, 0.0])[:, None] * p.w_star
        )
        g0s = p.g_star * np.array([0.1, 0.5, 1.0, 2.0])
        for c in (0.2, 1.0, 5.0):
            for g0, w0 in zip(g0s, W, strict=True):
                b = th.convergence_time_bounds(p, g0, w0, c, eps)
                assert b["first_rigorous"] == pytest.approx(b["first"] / 2)
                assert b["best"] == min(b["first_rigorous"], b["second"])
                if math.isinf(b["best"]):
                    continue
                fr = wn_flow(p, g0, w0, c=c, tol=eps, t_max=b["best"] * 1.01 + 1)
                assert fr.converged
                assert fr.t[-1] <= b["best"]
                seen["first"] += math.isfinite(b["first"])
                seen["second"] += math.isfinite(b["second"])
    assert seen["first"] >= 10 and seen["second"] >= 10


def test_convergence_time_bound_formulas():
    A = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    p = Problem(A, np.array([1.0, 1.0]))
    w0 = unit(np.array([1.0, 1.0, 1.0]))
    g0, c, eps = 1.2, 0.5, 1e-6
    r = g0 * A @ w0 - p.y
    f0 = 0.5 * r @ r
    wp = 1 / math.sqrt(3)
    kappa = g0**2 + 2 * c * math.log(wp)
    delta = (p.y @ p.y - r @ r) / 4.0
    b = th.convergence_time_bounds(p, g0, w0, c, eps)
    assert p.lam_min == pytest.approx(1.0) and p.lam_max == pytest.approx(4.0)
    assert b["first"] == pytest.approx(math.log(f0 / eps) / min(kappa, c))
    assert b["second"] == pytest.approx(
        math.log(f0 / eps) / (2 * min(delta, c)) + max(0, 1 - g0**2 / delta) / (c * 4.0)
    )


def test_no_first_bound_without_w_perp(prob):
    """Regression: with w⊥(0) = 0 the invariant bounds nothing; from S the flow never converges."""
    aty = prob.A.T @ prob.y
    v = prob.split(np.random.default_rng(0).standard_normal(prob.d))[0]
    w = unit(v - (v @ aty) / (aty @ aty) * aty)  # in the row space, yᵀAw = 0
    b = th.convergence_time_bounds(prob, 0.0, w, 1.0, 1e-6)
    assert math.isinf(b["first"]) and math.isinf(b["second"]) and math.isinf(b["best"])


# ------------------------------------------------------------------ Lemma 2.4 integrated
def test_loss_envelope_contains_flow_loss(prob):
    rng = np.random.default_rng(12)
    w0 = unit(rng.standard_normal(prob.d))
    for c in (0.3, 3.0):
        fr = wn_flow(prob, 0.5, w0, c=c, t_max=40.0, t_eval=np.linspace(0, 40, 2001))
        lower, upper = th.loss_envelope(prob, fr.t, fr.g, c, fr.loss[0])
        assert lower[0] == upper[0] == fr.loss[0]
        assert np.all(lower <= fr.loss * (1 + 1e-6) + 1e-15)
        assert np.all(fr.loss <= upper * (1 + 1e-6) + 1e-15)
    with pytest.raises(ValueError):
        th.loss_envelope(prob, [0.0, 1.0], [1.0], 1.0, 1.0)


def test_flow_limit_from_zero_scale_and_sign(prob):
    """From g0 = 0 the flow picks the sign of w0ᵀAᵀy; with w⊥(0) = 0 and g0 < 0, g_∞ = −g*."""
    rng = np.random.default_rng(11)
    w0 = rng.standard_normal(prob.d)
    for w in (w0, -w0):
        flow = wn_flow(prob, 0.0, w, c=1.0)
        assert flow.converged
        np.testing.assert_allclose(flow.x[-1], th.flow_limit(prob, 0.0, w, 1.0), atol=1e-6)
        assert np.sign(flow.g[-1]) == np.sign(th.flow_g_inf(prob, 0.0, w, 1.0))
    assert th.flow_g_inf(prob, -2.0, prob.w_star, 1.0) == pytest.approx(-prob.g_star)
    flow = wn_flow(prob, -2.0, prob.w_star, c=1.0)
    assert flow.g[-1] == pytest.approx(-prob.g_star, rel=1e-6)


def test_flow_limit_rejects_a_start_in_S():
    p = Problem(np.array([[1.0, 0.0]]), np.array([1.0]))
    with pytest.raises(ValueError, match="stationary set S"):
        th.flow_g_inf(p, 0.0, [0.0, 1.0], 1.0)


def test_g_inf_magnitude_when_g_crosses_zero(prob):
    """From a start above ½‖y‖² whose g changes sign, |g_∞| from (7′) is still right, and (7)
    holds with the signed limit of g (own ODE, independent of wnlib.flow)."""
    w0 = -unit(prob.w_star + 0.6 * unit(np.random.default_rng(5).standard_normal(prob.d)))
    g0, c = 0.3 * prob.g_star, 1.0
    assert not th.starts_below_zero_loss(prob, g0, w0)
    _t, g, w = own_flow(prob, g0, w0, c, 400.0)
    assert g[-1] < 0 < g0  # g crossed zero
    assert loss_of(prob, g[-1], w[-1]) < 1e-12
    assert math.isclose(abs(th.flow_g_inf(prob, g0, w0, c)), abs(g[-1]), rel_tol=1e-6)
    x_signed = prob.x_star + g[-1] * prob.split(w0)[1] * math.exp((g0**2 - g[-1] ** 2) / (2 * c))
    assert np.linalg.norm(g[-1] * w[-1] - x_signed) < 1e-6


def test_g_grows_iff_row_space_part_below_g_star(prob):
    """|g_∞| > |g0| ⇔ ‖x0∥‖ < g* (the root equation's left side is ‖x0∥‖² at s = g0²), against
    the own ODE on both sides of the edge."""
    w0 = unit(np.random.default_rng(6).standard_normal(prob.d))
    edge = prob.g_star / np.linalg.norm(prob.split(w0)[0])
    w0 = w0 * np.sign(w0 @ prob.w_star)
    for f in (0.97, 1.03):
        g0 = f * edge
        _t, g, _w = own_flow(prob, g0, w0, 0.5, 300.0)
        g_inf = th.flow_g_inf(prob, g0, w0, 0.5)
        assert math.isclose(g_inf, g[-1], rel_tol=1e-6)
        assert (g_inf > g0) == (f < 1)


def test_invariant_printed_is_w_perp_times_invariant(prob):
    rng = np.random.default_rng(7)
    g = rng.uniform(-2, 2, 5)
    W = unit(rng.standard_normal((5, prob.d)))
    wp = np.linalg.norm(prob.split(W)[1], axis=1)
    assert np.allclose(th.invariant_printed(prob, g, W, 0.7), wp * th.invariant(prob, g, W, 0.7),
                       rtol=1e-13)
