"""Theorem 3.2's closed forms (wnlib.theory.orthogonal) against rPGD simulation."""

from __future__ import annotations

import numpy as np
import pytest

import wnlib
from wnlib import inverse_g_squared, make_problem, rpgd, two_stage
from wnlib import theory as th

M, D = 12, 40


@pytest.fixture(scope="module")
def problem():
    return make_problem(M, D, kind="orthogonal", seed=3)


def _starts(problem, B, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((B, problem.d))
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def _adversarial(problem, alpha=0.8, seed=1):
    """A unit w0 whose row-space part points away from x*: the first scale step is negative."""
    rng = np.random.default_rng(seed)
    u = problem.split(rng.standard_normal(problem.d))[1]
    u /= np.linalg.norm(u)
    return -alpha * problem.w_star + np.sqrt(1 - alpha**2) * u


def test_problem_is_orthogonal(problem):
    assert np.allclose(problem.A @ problem.A.T, np.eye(M), atol=1e-12)
    assert np.isclose(problem.g_star, np.linalg.norm(problem.y))  # g* = ‖y‖ when AAᵀ = I


def test_direction_step_matches_one_rpgd_step(problem):
    w0 = _starts(problem, 5)
    g0 = np.array([0.3, 1.0, 2.0, -1.5, 7.0])
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=1)
    v = th.direction_step(problem, g0, w0)
    assert np.allclose(r.w, v / np.linalg.norm(v, axis=1, keepdims=True), atol=1e-12)
    wp0 = np.linalg.norm(problem.split(w0)[1], axis=1)
    assert np.allclose(np.linalg.norm(v, axis=1), th.v_norm(wp0, g0, problem.g_star), rtol=1e-12)


def test_w_perp_recursion_along_a_run_with_moving_scale(problem):
    w0 = _starts(problem, 4, seed=2)
    g0 = np.array([0.5, 1.5, 2.5, 3.0])
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=0.2, tol=0, max_iter=25)
    h = r.history
    pred = th.w_perp_next(h.w_perp_norm[:-1], h.g[:-1], problem.g_star)
    keep = h.w_perp_norm[1:] > 1e-13
    assert np.allclose(pred[keep], h.w_perp_norm[1:][keep], rtol=1e-9)
    # the geometric decay ‖w⊥_{t+1}‖² ≤ (g_t²/g*²) ‖w⊥_t‖²
    assert np.all(
        h.w_perp_norm[1:] ** 2
        <= h.g[:-1] ** 2 / problem.g_star**2 * h.w_perp_norm[:-1] ** 2 * (1 + 1e-10) + 1e-300
    )


def test_lemma_e2_escape_from_the_saddle(problem):
    # a start in S = {g ≈ 0, yᵀAw = 0} (up to a tiny g): one step gives A w1 = y/(g0 ‖v0‖) ≠ 0
    rng = np.random.default_rng(5)
    z = rng.standard_normal(problem.d)
    z -= (z @ problem.w_star) * problem.w_star
    w0 = z / np.linalg.norm(z)
    assert abs(problem.y @ problem.A @ w0) < 1e-12
    for g0 in [1e-3, 0.7, 2.0]:
        r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=0.1, tol=0, max_iter=1)
        assert np.allclose(problem.A @ r.w, th.a_w_next(problem, g0, w0), rtol=1e-9, atol=1e-14)
        assert problem.y @ problem.A @ r.w > 0


def test_scale_increment_and_first_step_can_lower_g(problem):
    w0 = np.vstack([_starts(problem, 3), _adversarial(problem)])
    g0 = np.full(4, 0.5 * problem.g_star)
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=0.1, tol=0, max_iter=30)
    inc = th.scale_increment(problem, g0, w0, 0.1)
    assert np.allclose(r.history.g[1] - g0, inc, rtol=1e-10)
    assert inc[-1] < 0  # the adversarial start: g goes down at t = 0 ...
    assert np.all(np.diff(r.history.g[1:], axis=0) >= -1e-12)  # ... and never again


def test_scale_bound_against_brute_force_and_runs(problem):
    gs = problem.g_star
    g0, gamma, T = 0.4 * gs, np.array([0.05, 0.3, 1.0]), 40
    G = th.orthogonal.scale_bound(g0, gs, gamma, T)
    assert G.shape == (T + 1, 3) and np.allclose(G[0], g0)
    # one step of the recursion = g + γ·max over a ∈ [0, 1] of a(g* − g a), by brute force
    a = np.linspace(0, 1, 200001)[:, None, None]
    m = np.max(a * (gs - G[:-1][None] * a), axis=0)
    assert np.allclose(G[1:], G[:-1] + gamma * m, rtol=1e-9)
    # the exponential bound used for γ(1): G_t ≤ g0 exp(t γ g*²/(4 g0²))
    t = np.arange(T + 1)[:, None]
    assert np.all(G <= g0 * np.exp(t * gamma * gs**2 / (4 * g0**2)) * (1 + 1e-12))
    # g_t ≤ G_t along runs, also from starts whose first step lowers g (g_t < g0 for a while)
    w0 = np.vstack([_starts(problem, 20, seed=21), _adversarial(problem, 0.95)])
    B = len(w0)
    for k, gam in enumerate(gamma):
        r = rpgd(problem, np.full(B, g0), w0, eta=inverse_g_squared, gamma=gam, tol=0,
                 max_iter=T)
        assert np.any(r.history.g[1] < g0)
        assert np.all(r.history.g <= G[:, k : k + 1] * (1 + 1e-12))
    # the hypothesis γ ≤ 1 matters: above 1 the step map decreases on g < g*/2
    with pytest.raises(ValueError, match="gamma"):
        th.orthogonal.scale_bound(g0, gs, 1.5, 3)


def test_case_b_closed_form_against_simulation(problem):
    B, T = 4, 60
    w0 = _starts(problem, B, seed=7)
    g0 = problem.g_star * np.array([0.3, 0.6, 0.85, 0.95])
    r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=T)
    h = r.history
    wp0 = h.w_perp_norm[0]
    t = np.arange(T + 1)[:, None]
    pred = th.w_perp_fixed_scale(wp0, g0, problem.g_star, t)
    keep = pred > 1e-13
    assert np.allclose(pred[keep], h.w_perp_norm[keep], rtol=1e-8)
    for eps in [1e-2, 1e-4, 1e-6]:
        T1 = th.t1_fixed_scale(wp0, g0, problem.g_star, eps)
        hit = np.argmax(h.w_perp_norm <= eps, axis=0)
        ok = np.any(h.w_perp_norm <= eps, axis=0)
        assert np.array_equal(T1[ok], hit[ok])


def test_case_b_stage_two_and_final_guarantee(problem):
    eps = 1e-4
    w0 = _starts(problem, 3, seed=8)
    g0 = 0.6 * problem.g_star
    wp0 = np.linalg.norm(problem.split(w0)[1], axis=1)
    T1 = int(th.t1_fixed_scale(wp0, g0, problem.g_star, eps).max())
    for gamma2 in [0.05, 0.25]:
        r = rpgd(
            problem,
            g0,
            w0,
            eta=inverse_g_squared,
            gamma=two_stage(0.0, gamma2, T1),
            tol=0,
            max_iter=T1 + 400,
        )
        h = r.history
        e_T1 = np.sqrt(2 * h.loss[T1])
        T2 = th.t2_bound(e_T1, problem.g_star, gamma2, eps)
        T = T1 + 1 + T2
        cols = np.arange(3)
        assert np.all(h.w_perp_norm[T, cols] <= eps)
        assert np.all(2 * h.loss[T, cols] <= th.residual_bound(eps, problem.g_star))
        # and the bound is not vacuous: at T - 1 (or earlier) the residual was still large
        assert np.all(T2 >= 1)


@pytest.mark.parametrize("g0_frac", [0.3, 0.7, 0.95])
def test_case_a_sufficient_gamma1_keeps_the_cap(problem, g0_frac):
    eps = 1e-3
    rhos = np.array([0.05, 0.2, 0.5, 0.9, 1.0])
    g0 = g0_frac * problem.g_star
    w_list = [
        _starts(problem, 1, seed=9)[0],
        _adversarial(problem, 0.8),
        _adversarial(problem, 0.99),
    ]
    for w0 in w_list:
        wp0 = np.linalg.norm(problem.split(w0)[1])
        T1 = th.t1_slow_scale(wp0, g0, problem.g_star, rhos, eps)
        gam = th.gamma1_sufficient(g0, problem.g_star, rhos, T1)
        assert gam[-1] == 0.0  # ρ = 1 is case (b)
        B = len(rhos)
        r = rpgd(
            problem,
            np.full(B, g0),
            np.tile(w0, (B, 1)),
            eta=inverse_g_squared,
            gamma=lambda t, g, T1=T1, gam=gam: np.where(t <= T1, gam, 0.25),
            tol=0,
            max_iter=int(T1.max()) + 1,
        )
        h = r.history
        cap = th.scale_cap(g0, problem.g_star, rhos)
        for j in range(B):
            assert np.all(h.g[: T1[j] + 1, j] ** 2 <= cap[j] * (1 + 1e-12))
            assert h.w_perp_norm[T1[j], j] <= eps
            bound = th.w_perp_slow_scale_bound(
                h.w_perp_norm[0, j], g0, problem.g_star, rhos[j], np.arange(T1[j] + 1)
            )
            assert np.all(h.w_perp_norm[: T1[j] + 1, j] <= bound * (1 + 1e-9) + 1e-15)


def test_case_a_stage_two_meets_the_final_guarantee(problem):
    eps = 1e-3
    w0 = _starts(problem, 1, seed=11)[0]
    g0 = 0.5 * problem.g_star
    wp0 = np.linalg.norm(problem.split(w0)[1])
    rhos = np.array([0.1, 0.5, 0.9])
    T1 = th.t1_slow_scale(wp0, g0, problem.g_star, rhos, eps)
    gam = th.gamma1_sufficient(g0, problem.g_star, rhos, T1)
    r = rpgd(
        problem,
        np.full(3, g0),
        np.tile(w0, (3, 1)),
        eta=inverse_g_squared,
        gamma=lambda t, g: np.where(t <= T1, gam, 0.25),
        tol=0,
        max_iter=int(T1.max()) + 200,
    )
    h = r.history
    j = np.arange(3)
    e_T1 = np.sqrt(2 * h.loss[T1, j])
    # the residual at T1 is below the "at the cap" value (g_{T1} is below the cap)
    assert np.all(e_T1 >= th.residual_at_cap(g0, problem.g_star, rhos, eps) - 1e-12)
    T = T1 + 1 + th.t2_bound(e_T1, problem.g_star, 0.25, eps)
    assert np.all(h.w_perp_norm[T, j] <= eps)
    assert np.all(2 * h.loss[T, j] <= th.residual_bound(eps, problem.g_star))


def test_t2_bound_is_an_upper_bound_for_all_small_gamma2(problem):
    eps = 1e-3
    w0 = _starts(problem, 1, seed=12)[0]
    g0 = 0.4 * problem.g_star
    wp0 = np.linalg.norm(problem.split(w0)[1])
    T1 = th.t1_fixed_scale(wp0, g0, problem.g_star, eps)
    gam2 = np.array([0.01, 0.05, 0.1, 0.2, 0.25])
    B = len(gam2)
    r = rpgd(
        problem,
        np.full(B, g0),
        np.tile(w0, (B, 1)),
        eta=inverse_g_squared,
        gamma=lambda t, g: 0.0 if t <= T1 else gam2,
        tol=0,
        max_iter=T1 + 1200,
    )
    h = r.history
    e_T1 = np.sqrt(2 * h.loss[T1])
    T2 = th.t2_bound(e_T1, problem.g_star, gam2, eps)
    target = th.residual_bound(eps, problem.g_star)
    measured = np.argmax(2 * h.loss[T1 + 1 :] <= target, axis=0)  # stage 2 starts at T1 + 1
    assert np.all(measured <= T2)
    # g a stays ≤ g*: the residual never changes sign, ‖w⊥‖ never grows in stage 2
    assert np.all(np.diff(h.w_perp_norm[T1:], axis=0) <= 1e-15)


def test_printed_gamma1_relation_and_that_it_can_break_the_cap(problem):
    eps = 1e-3
    w0 = _starts(problem, 1, seed=13)[0]
    wp0 = np.linalg.norm(problem.split(w0)[1])
    g0 = 0.9 * problem.g_star
    rho = 0.5
    d0 = problem.g_star**2 - g0**2
    T1 = th.t1_slow_scale(wp0, g0, problem.g_star, rho, eps)
    suff = th.gamma1_sufficient(g0, problem.g_star, rho, T1)
    printed = th.gamma1_printed(g0, problem.g_star, rho, eps)
    ratio = problem.g_star**2 / d0 * np.log(wp0 / eps) / np.log(1 / eps)
    assert np.isclose(printed / suff, ratio, rtol=0.05)  # T1's ceiling makes it approximate
    r = rpgd(
        problem,
        g0,
        w0,
        eta=inverse_g_squared,
        gamma=two_stage(printed, 0.25, T1),
        tol=0,
        max_iter=T1,
    )
    assert r.history.g[T1] ** 2 > th.scale_cap(g0, problem.g_star, rho)


def test_validation(problem):
    gauss = make_problem(M, D, kind="gaussian", seed=0)
    with pytest.raises(ValueError, match="orthogonal"):
        th.direction_step(gauss, 1.0, np.ones(D))
    with pytest.raises(ValueError, match="g0 < g"):
        th.t1_fixed_scale(0.5, 2.0, 1.0, 1e-3)
    with pytest.raises(ValueError, match="rho"):
        th.scale_cap(0.5, 1.0, 0.0)
    with pytest.raises(ValueError, match="1/4"):
        th.t2_bound(0.1, 1.0, 0.5, 1e-3)
    assert wnlib.theory.orthogonal.__name__ == "wnlib.theory.orthogonal"


def test_recursion_at_g_star_decays_like_one_over_sqrt_t(problem):
    # fig-ch4-recursion's caption: at g_t = g* the bound stops contracting, the recursion does not
    gs = problem.g_star
    wp, t = [0.8], np.arange(1, 401)
    for _ in t:
        wp.append(th.w_perp_next(wp[-1], gs, gs))
    wp = np.array(wp)
    assert np.allclose(1 / wp[1:] ** 2, 1 / 0.8**2 + t, rtol=1e-12)
    w0 = _starts(problem, 1, seed=4)[0]
    r = rpgd(problem, gs, w0, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=50)
    h = r.history
    assert np.allclose(1 / h.w_perp_norm**2, 1 / h.w_perp_norm[0] ** 2 + np.arange(51), rtol=1e-9)
