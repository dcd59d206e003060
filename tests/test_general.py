"""Proposition 3.3 (wnlib.theory.general) against fixed-scale rPGD runs and direct computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wnlib import Problem, make_problem, rpgd
from wnlib import theory as th
from wnlib.problem import make_conditioned_problem
from wnlib.recipes import step_norms, two_phase


def _starts(d, B, seed=0):
    w = np.random.default_rng(seed).standard_normal((B, d))
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def _v_direct(problem, g0, w, eta):
    """v = w − η ∇_w f(w, g0) with ∇_w f = −g0 Aᵀ(y − g0 A w), one vector at a time."""
    A, y = problem.A, problem.y
    return np.array([wi + eta * g0 * A.T @ (y - g0 * A @ wi) for wi in w])


PROBLEMS = {
    "gaussian": lambda: make_problem(20, 100, seed=0),
    "cond10-weakest": lambda: make_conditioned_problem(15, 60, cond=10, seed=2, align="weakest"),
    "cond30-random": lambda: make_conditioned_problem(15, 60, cond=30, seed=4),
}


def test_admissible_g0_formula_and_inverse():
    p = make_problem(20, 100, seed=0)
    assert math.isclose(p.lam_max, 1.0, rel_tol=1e-12)
    for delta in [0.1, 0.5, 3.0]:
        g0 = th.admissible_g0(p, delta)
        assert math.isclose(g0, p.g_star * p.lam_min / (2 + delta), rel_tol=1e-12)
        assert math.isclose(th.certified_delta(p, g0), delta, rel_tol=1e-12)
    arr = th.admissible_g0(p, np.array([0.5, 1.0]))
    assert arr.shape == (2,)


def test_admissible_g0_is_scale_free():
    """Scaling A by s (y fixed) scales x* by 1/s: the scale-free form scales g0 the same way."""
    p = make_conditioned_problem(10, 30, cond=5, seed=1)
    q = Problem(3.0 * p.A, p.y)
    assert math.isclose(th.admissible_g0(q, 1.0), th.admissible_g0(p, 1.0) / 3.0, rel_tol=1e-10)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("delta", [0.05, 0.5, 2.0])
def test_step_norm_lower_bound_along_runs(name, delta):
    p = PROBLEMS[name]()
    g0 = th.admissible_g0(p, delta)
    eta = 1 / (g0**2 * p.lam_max)
    W = _starts(p.d, 8, seed=3)
    run = rpgd(p, g0, W, eta=eta, gamma=0.0, tol=0.0, max_iter=12, record_x=True)
    # direct ‖v_t‖ from the recorded iterates (x_t = g0 w_t)
    xs = run.history.x[:-1]
    v = np.stack([np.linalg.norm(_v_direct(p, g0, x / g0, eta), axis=1) for x in xs])
    bound = th.step_norm_lower_bound(p, delta)
    assert np.all(v >= bound * (1 - 1e-12))
    # the identity ‖v_t‖ = ‖w⊥_t‖/‖w⊥_{t+1}‖ used by step_norms
    ratio = step_norms(run.history.w_perp_norm, floor=1e-8)
    ok = np.isfinite(ratio)
    assert ok[:3].all()
    np.testing.assert_allclose(ratio[ok], v[ok], rtol=1e-6)


def test_step_norm_bound_is_attained_in_the_worst_case():
    """x* on the weakest eigenvector, w0∥ = −cos θ w*: ‖v_0‖ → 1 + δ + λ_min as θ → 0."""
    p = make_conditioned_problem(15, 60, cond=10, seed=2, align="weakest")
    delta = 0.5
    g0 = th.admissible_g0(p, delta)
    u = p.split(np.random.default_rng(0).standard_normal(p.d))[1]
    u /= np.linalg.norm(u)
    theta = 1e-4
    w0 = -math.cos(theta) * p.w_star + math.sin(theta) * u
    v0 = np.linalg.norm(_v_direct(p, g0, w0[None], 1 / g0**2))
    bound = th.step_norm_lower_bound(p, delta)
    assert bound <= v0 <= bound * (1 + 1e-6)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_iteration_bound_holds(name):
    p = PROBLEMS[name]()
    delta, eps = 0.2, 1e-7
    g0 = th.admissible_g0(p, delta)
    W = _starts(p.d, 10, seed=5)
    wp0 = np.linalg.norm(p.split(W)[1], axis=1)
    T1 = th.iteration_bound(wp0, eps, delta)
    run = rpgd(p, g0, W, eta=1 / g0**2, gamma=0.0, tol=0.0, max_iter=int(np.ceil(T1.max())))
    h = run.history.w_perp_norm
    first = np.argmax(h <= eps, axis=0)
    assert np.all((h <= eps).any(axis=0))
    assert np.all(first <= np.ceil(T1))
    # the sharper rate 1 + δ + λ_min is also a valid bound
    sharper = np.log(wp0 / eps) / np.log(1 + delta + p.lam_min)
    assert np.all(first <= np.ceil(sharper))


def test_iteration_bound_values_and_errors():
    assert th.iteration_bound(0.5, 1.0, 1.0) == 0.0
    assert math.isclose(th.iteration_bound(1.0, 1e-3, 1.0), math.log(1e3) / math.log(2.0))
    with pytest.raises(ValueError, match="delta"):
        th.iteration_bound(1.0, 1e-3, 0.0)
    with pytest.raises(ValueError, match="eps"):
        th.iteration_bound(1.0, 0.0, 1.0)
    p = make_problem(5, 12, seed=0)
    with pytest.raises(ValueError, match="delta"):
        th.admissible_g0(p, -2.0)
    with pytest.raises(ValueError, match="g0"):
        th.certified_delta(p, 0.0)


def test_final_distance_bound_against_the_recipe():
    p = make_problem(20, 100, seed=0)
    g0 = th.admissible_g0(p, 1.0)
    W = _starts(p.d, 6, seed=8)
    for eps in [1e-2, 1e-5]:
        res = two_phase(p, g0, W, eps=eps, tol=1e-24, max_iter=20_000)
        bound = th.final_distance_bound(g0, eps)
        assert math.isclose(bound, g0 * eps)
        assert np.all(res.reached)
        # GD's limit is x* + g0 w⊥_T: the distance is g0‖w⊥_T‖ ≤ g0 ε (up to GD's tolerance)
        np.testing.assert_allclose(res.distance, g0 * res.w_perp_T, rtol=1e-6, atol=1e-10)
        assert np.all(res.distance <= bound * (1 + 1e-6) + 1e-10)


@pytest.mark.parametrize("ratio", [0.3, 0.6, 0.85])
def test_asymptotic_rate_matches_late_step_norms(ratio):
    p = make_conditioned_problem(15, 60, cond=10, seed=2)
    g0 = ratio * p.g_star
    W = _starts(p.d, 3, seed=1)
    run = rpgd(p, g0, W, eta=1 / g0**2, gamma=0.0, tol=0.0, max_iter=3000, record_every=1)
    h = run.history.w_perp_norm
    v = step_norms(h, floor=1e-9)
    rate = th.asymptotic_rate(p, g0)
    # the last well-resolved ratio of every member
    for j in range(W.shape[0]):
        good = np.flatnonzero(np.isfinite(v[:, j]) & (h[1:, j] < 1e-4))
        assert good.size > 0
        assert math.isclose(v[good[-1], j], rate, rel_tol=1e-5)
    assert rate > 1


def test_asymptotic_rate_is_one_above_g_star_and_tends_to_one():
    p = make_conditioned_problem(10, 30, cond=5, seed=0)
    assert th.asymptotic_rate(p, 1.5 * p.g_star) == 1.0
    rates = th.asymptotic_rate(p, np.array([0.5, 0.9, 0.99, 0.999]) * p.g_star)
    assert np.all(np.diff(rates) < 0) and rates[-1] < 1.01


@pytest.mark.parametrize("cond", [1.0, 4.0, 10.0])
@pytest.mark.parametrize("delta", [0.1, 0.5, 2.0])
def test_sharp_admissible_g0_gives_one_plus_delta_and_is_tight(cond, delta):
    """‖v‖ ≥ 1 + δ for every unit w at g0 = g*λ_min/(2 + δ − λ_min), attained at w = −w*."""
    p = make_conditioned_problem(12, 40, cond=cond, seed=1, align="weakest")
    g0 = th.general.sharp_admissible_g0(p, delta)
    assert math.isclose(g0, p.g_star * p.lam_min / (2 + delta - p.lam_min), rel_tol=1e-12)
    assert g0 >= th.admissible_g0(p, delta)
    W = np.vstack([_starts(p.d, 200, seed=7), -p.w_star, p.w_star])
    v = np.linalg.norm(_v_direct(p, g0, W, 1 / g0**2), axis=1)
    assert v.min() >= (1 + delta) * (1 - 1e-12)
    assert math.isclose(v[-2], 1 + delta, rel_tol=1e-9)          # w = −w*: the bound is attained
    bigger = 1.01 * g0                                           # any larger g0 fails at −w*
    assert np.linalg.norm(_v_direct(p, bigger, -p.w_star[None], 1 / bigger**2)) < 1 + delta
    if cond == 1.0:  # AAᵀ = I: Theorem 3.2(b)'s g0 ≤ g*/(1 + δ)
        assert math.isclose(g0, p.g_star / (1 + delta), rel_tol=1e-12)
    with pytest.raises(ValueError, match="delta"):
        th.general.sharp_admissible_g0(p, -1.0)


@pytest.mark.parametrize("cond", [10.0, 100.0])
@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.9])
def test_asymptotic_rate_weakest_alignment_closed_form(cond, ratio):
    """x* on the weakest eigenvector: w∞ = w*, μ = g0 λ_min (g* − g0), factor 1 + (g*/g0 − 1)/κ."""
    p = make_conditioned_problem(12, 40, cond=cond, seed=3, align="weakest")
    g0 = ratio * p.g_star
    w_inf = th.fixed_scale_limit(p, g0, p.w_star)
    np.testing.assert_allclose(w_inf, p.w_star, atol=1e-10)
    # the secular equation g0 Aᵀ(y − g0 A w*) = μ w* with μ from the closed form
    mu = g0 * p.lam_min * (p.g_star - g0)
    np.testing.assert_allclose(g0 * p.A.T @ (p.y - g0 * p.A @ p.w_star), mu * p.w_star, atol=1e-10)
    assert math.isclose(th.asymptotic_rate(p, g0), 1 + (1 / ratio - 1) / cond, rel_tol=1e-9)


def test_fixed_scale_at_g_star_converges_like_one_over_sqrt_t():
    """AAᵀ = I, g0 = g*: 1/‖w⊥_t‖² = 1/‖w⊥_0‖² + t (Theorem 3.2(b)'s recursion with κ = 1)."""
    p = make_conditioned_problem(10, 30, cond=1, seed=0)
    W = _starts(p.d, 3, seed=2)
    run = rpgd(p, p.g_star, W, eta=1 / p.g_star**2, gamma=0.0, tol=0.0, max_iter=500)
    h = run.history.w_perp_norm
    t = np.arange(h.shape[0])[:, None]
    np.testing.assert_allclose(1 / h**2, 1 / h[0] ** 2 + t, rtol=1e-8)
