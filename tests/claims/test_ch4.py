"""Claims of chapter 4 (orthogonal A, Theorem 3.2): each sentence recomputed with wnlib.

Section 1 (the one-step lemma), Section 2 (case (b), T1's order, the second stage) and the
exercise hints. Sections 3 to 6 are in ``test_ch4_schedules.py``.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from wnlib import gd, inverse_g_squared, make_problem, rpgd, theory, two_stage
from wnlib.flow import wn_flow
from wnlib.problem import random_directions, unit

claim = pytest.mark.claim
EPS = 1e-3


@cache
def chapter():
    """The chapter's problem, w0 and ‖w⊥_0‖ (same seeds as the notebook)."""
    problem = make_problem(20, 100, kind="orthogonal", seed=0)
    w0 = random_directions(1, problem.d, np.random.default_rng(4))[0]
    return problem, w0, float(np.linalg.norm(problem.split(w0)[1]))


@cache
def case_b_runs():
    """Case (b) with γ(2) = 1/4 for g0/g* = 0.3, 0.5, 0.7, 0.9 (Section 2's table)."""
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    out = {}
    for f in (0.3, 0.5, 0.7, 0.9):
        T1 = theory.t1_fixed_scale(wp0, f * gs, gs, EPS)
        r = rpgd(problem, f * gs, w0, eta=inverse_g_squared, gamma=two_stage(0.0, 0.25, T1),
                 tol=0, max_iter=T1 + 150)
        out[f] = (r, T1)
    return out


# ------------------------------------------------------------------ introduction, Section 1
@claim(r"$w^\perp$ shrinks exactly as much as $g^2$ grows (and grows back if $g^2$ falls)")
def test_flow_invariant_ties_w_perp_to_g_squared():
    problem = make_problem(3, 6, kind="orthogonal", seed=1)
    gs = problem.g_star
    u = unit(problem.split(np.random.default_rng(0).standard_normal(6))[1])
    w_up = unit(0.3 * problem.w_star + u)          # ‖x0∥‖ < g*: g grows
    w_down = unit(0.95 * problem.w_star + 0.3 * u)  # g0 = 3g*, ‖x0∥‖ > g*: g falls
    c = 1.0
    for g0, w0, sign in ((0.5 * gs, w_up, 1), (3 * gs, w_down, -1)):
        r = wn_flow(problem, g0, w0, c=c, t_max=200.0)
        wp = np.linalg.norm(problem.split(r.w)[1], axis=1)
        inv = wp * np.exp(r.g**2 / (2 * c))
        assert np.allclose(inv, inv[0], rtol=1e-6)
        assert sign * (r.g[-1] ** 2 - g0**2) > 0.1 * gs**2      # g² moved up (down) ...
        assert sign * (wp[-1] - wp[0]) < 0                        # ... and w⊥ went down (up)


@claim(r"A random unit direction has most of its mass outside the 20-dimensional row space: "
       r"$\|w_0^\perp\| \approx \sqrt{80/100}$")
def test_random_direction_is_mostly_outside_the_row_space():
    problem, _, wp0 = chapter()
    assert abs(wp0 - math.sqrt(0.8)) < 0.02
    W = random_directions(4000, problem.d, 7)
    wp2 = np.sum(problem.split(W)[1] ** 2, axis=1)
    assert abs(wp2.mean() - 0.8) < 0.005 and np.mean(wp2 > 0.5) > 0.99


@claim(r'so $\eta_t = 1/g_t^2$ is the classical "one over the curvature" step')
def test_curvature_in_w_is_g_squared():
    problem, _, _ = chapter()
    for g in (0.3, 2.0):
        hess = g**2 * problem.A.T @ problem.A      # ∇²_w ½‖gAw − y‖²
        assert np.isclose(np.linalg.eigvalsh(hess).max(), g**2, rtol=1e-12)


@claim(r"the row-space part of $w_t$ is **replaced** by $x^*/g_t$ and the rest is untouched")
def test_direction_step_replaces_the_row_space_part():
    problem, _, _ = chapter()
    W = random_directions(5, problem.d, 3)
    g = np.array([0.2, 1.0, 4.0, -1.5, 9.0])
    v = theory.direction_step(problem, g, W)
    v_par, v_perp = problem.split(v)
    assert np.allclose(v_par, problem.x_star[None, :] / g[:, None], atol=1e-12)
    assert np.allclose(v_perp, problem.split(W)[1], atol=1e-12)
    r = rpgd(problem, g, W, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=1)
    assert np.allclose(r.w, v / np.linalg.norm(v, axis=1, keepdims=True), atol=1e-12)


@claim(r"while $|g_t| < g^*$, every step shrinks $\|w^\perp\|$ at least by the factor "
       r"$|g_t|/g^*$. The smaller the scale, the faster the direction forgets its start.")
def test_decay_factor_and_its_monotonicity():
    gs = 1.0
    g = np.concatenate([-np.linspace(0.99, 0.01, 50), np.linspace(0.01, 0.99, 50)])
    for wp in (1.0, 0.5, 1e-3):
        nxt = theory.w_perp_next(wp, g, gs)
        assert np.all(nxt <= np.abs(g) / gs * wp * (1 + 1e-12))
        pos = g > 0
        assert np.all(np.diff(nxt[pos]) > 0)          # smaller g: smaller ‖w⊥_{t+1}‖
    # the hypothesis |g_t| < g* matters: above g* one step can make ‖w⊥‖ grow
    assert theory.w_perp_next(0.5, 1.5 * gs, gs) > 0.5


@claim(r"however close to the saddle set $S = \{g = 0,\ y^\top A w = 0\}$ of Lemma 2.3 rPGD starts "
       r"($y^\top A w_0 = 0$ and a small $g_0 > 0$), one step turns its direction towards $w^*$")
def test_one_step_leaves_the_saddle():
    problem, w0, _ = chapter()
    gs = problem.g_star
    z = unit(problem.split(w0)[1])
    assert abs(problem.y @ problem.A @ z) < 1e-12
    g0 = np.array([1e-8, 1e-3, 0.1, 1.0]) * gs
    r = rpgd(problem, g0, np.tile(z, (4, 1)), eta=inverse_g_squared, gamma=0.0, tol=0,
             max_iter=1)
    overlap = r.w @ problem.w_star
    assert np.allclose(overlap, gs / np.sqrt(g0**2 + gs**2), rtol=1e-10)
    assert np.all(overlap > 0) and overlap[0] > 1 - 1e-12 and np.all(np.diff(overlap) < 0)
    # the sign hypothesis g0 > 0: from g0 < 0 the direction turns towards −w*
    neg = rpgd(problem, -1e-3 * gs, z, eta=inverse_g_squared, gamma=0.0, tol=0, max_iter=1)
    assert neg.w @ problem.w_star < -0.99


@claim(r"rPGD cannot start *on* $S$ ($g = 0$ leaves $\eta = 1/g^2$ undefined)")
def test_rpgd_cannot_start_on_s():
    problem, w0, _ = chapter()
    z = unit(problem.split(w0)[1])
    with pytest.raises(ValueError, match="not finite"):
        rpgd(problem, 0.0, z, eta=inverse_g_squared, gamma=0.1, tol=0, max_iter=1)
    with pytest.raises(ValueError, match="non-zero"):
        theory.direction_step(problem, 0.0, z)


@claim(r"The exact factor is smaller by $1/(1 + (g_t/g^*)^2\|w^\perp_t\|^2)$, which is never "
       r"below $1/2$ while $|g_t| \le g^*$")
def test_exact_decay_ratio_is_at_least_one_half():
    gs = 2.0
    g = np.linspace(-gs, gs, 201)[:, None]
    g = g[g[:, 0] != 0]
    wp = np.linspace(1e-3, 1.0, 101)[None, :]
    ratio = theory.w_perp_next(wp, g, gs) ** 2 / ((g / gs) ** 2 * wp**2)
    assert np.allclose(ratio, 1 / (1 + (g / gs) ** 2 * wp**2), rtol=1e-10)
    assert ratio.min() >= 0.5 - 1e-12 and ratio.min() < 0.5 + 1e-9   # at |g| = g*, ‖w⊥‖ = 1
    # above g* the ratio falls below 1/2
    assert theory.w_perp_next(1.0, 2 * gs, gs) ** 2 / 4.0 < 0.5


@claim(r"and here by at most 16.4 % (the smallest ratio, 0.8359, is at $t = 0$, where "
       r"$\|w^\perp\|$ is largest)")
def test_decay_ratio_along_the_chapter_run():
    problem, w0, _ = chapter()
    gs = problem.g_star
    h = rpgd(problem, 0.5 * gs, w0, eta=inverse_g_squared, gamma=0.2, tol=0, max_iter=30).history
    ratio = h.w_perp_norm[1:] ** 2 / (h.g[:-1] ** 2 / gs**2 * h.w_perp_norm[:-1] ** 2)
    assert np.argmin(ratio) == 0 and np.argmax(h.w_perp_norm) == 0
    assert round(ratio.min(), 4) == 0.8359 and 1 - ratio.min() <= 0.1645


@claim(r"$y^\top A w_1 = g^{*2}/\sqrt{g_0^2 + g^{*2}} \approx \|y\| = g^*$")
def test_overlap_after_one_step_from_next_to_s():
    problem, w0, _ = chapter()
    gs = problem.g_star
    z = unit(problem.split(w0)[1])
    r = rpgd(problem, 1e-3, z, eta=inverse_g_squared, gamma=0.2, tol=0, max_iter=1)
    val = problem.y @ problem.A @ r.w
    assert np.isclose(val, gs**2 / np.sqrt(1e-6 + gs**2), rtol=1e-12)
    assert np.isclose(val, np.linalg.norm(problem.y), rtol=1e-7)


# ------------------------------------------------------------------ Section 2: case (b)
@claim(r"the slope lies between $2g_0^2/\delta_0$ and $2g^{*2}/\delta_0$; the two ends meet as "
       r"$g_0 \to g^*$")
def test_t1_slope_between_the_two_orders():
    gs, wp0 = 1.0, 0.9
    f = np.array([1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999])
    g0 = f * gs
    d0 = gs**2 - g0**2
    slope = 2 / np.log(gs**2 / g0**2)
    assert np.all(2 * g0**2 / d0 <= slope) and np.all(slope <= 2 * gs**2 / d0)
    # the exact T1 grows at that slope
    t_lo = theory.t1_fixed_scale(wp0, g0, gs, 1e-20)
    t_hi = theory.t1_fixed_scale(wp0, g0, gs, 1e-60)
    measured = (t_hi - t_lo) / np.log(1e40)
    assert np.allclose(measured, slope, atol=1.5 / np.log(1e40))
    ends = (gs**2 / d0) / (g0**2 / d0)
    assert ends[-1] < 1.003 and ends[0] > 1e5                     # they meet only near g*


@claim(r"it underestimates $T_1$ by the factor $x/\log(1+x)$, which is unbounded as $g_0 \to 0$ "
       r"(4.199 at $g_0 = 0.3g^*$, 21.5 at $0.1g^*$)")
def test_paper_order_underestimates_t1():
    def factor(f):
        x = (1 - f**2) / f**2
        return x / math.log1p(x)

    assert round(factor(0.3), 3) == 4.199 and round(factor(0.1), 1) == 21.5
    assert factor(0.01) > 1000 and factor(0.999) < 1.002
    gs, wp0 = 1.0, 1.0
    for f in (0.3, 0.1, 0.01):
        g0 = f * gs
        t1 = theory.t1_fixed_scale(wp0, g0, gs, 1e-100)
        paper = 2 * g0**2 / (gs**2 - g0**2) * math.log(1e100)     # (g0²/δ0)·log(1/ε²)
        assert t1 / paper == pytest.approx(factor(f), rel=0.01)


@claim(r"$T_1$ never exceeds case (a)'s")
def test_t1_fixed_scale_below_the_uniform_order():
    gs = 1.0
    g0 = np.array([1e-4, 1e-2, 0.1, 0.3, 0.6, 0.9, 0.99, 0.9999])[:, None, None]
    wp0 = np.array([0.05, 0.5, 1.0])[None, :, None]
    eps = np.array([1e-2, 1e-6, 1e-12])[None, None, :]
    b = theory.t1_fixed_scale(wp0, g0, gs, eps)
    a = theory.t1_slow_scale(wp0, g0, gs, 1.0, eps)
    assert np.all(b <= a)
    # near g* the two grow at the same rate in log(1/ε)
    assert np.all((b[-1, :, 2] - b[-1, :, 1]) / (a[-1, :, 2] - a[-1, :, 1]) > 0.99)


@claim(r"it holds when stage 2 starts ($0 < g_t < g^*$), and a step with $0 < \gamma \le 1$ "
       r"keeps it")
def test_stage_two_keeps_g_a_below_g_star():
    s = np.linspace(1e-3, 4.0, 900)[:, None]
    a = np.linspace(1e-3, 1.0, 900)[None, :]
    feasible = s * a <= 1
    e = 1 - s * a
    a1 = 1 / np.sqrt(s**2 * (1 - a**2) + 1)
    for gam in (0.05, 0.25, 0.5, 1.0):
        g1a1 = (s + gam * a * e) * a1
        assert np.all(g1a1[feasible] <= 1 + 1e-12)
        lhs = 2 * (1 - gam) - e * (1 - 2 * gam + gam**2 * a**2)
        assert np.all((lhs >= -1e-12)[feasible])
        lower = np.where(1 - 2 * gam + gam**2 * a**2 >= 0, (1 - gam) * (1 + gam), 2 * (1 - gam))
        assert np.all((lhs >= lower - 1e-12)[feasible])
    # the equivalence g_{t+1}a_{t+1} ≤ g* ⇔ lhs ≥ 0 (for e > 0), also where it fails (γ = 1.5)
    for gam in (0.5, 1.5):
        g1a1 = (s + gam * a * e) * a1
        lhs = 2 * (1 - gam) - e * (1 - 2 * gam + gam**2 * a**2)
        clear = feasible & (e > 1e-6) & (np.abs(1 - g1a1) > 1e-9)
        assert np.array_equal((lhs >= 0)[clear], (g1a1 <= 1)[clear])
    # and along real runs: case (b) released with γ(2) = 1/4 and γ(2) = 1
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    for gam in (0.25, 1.0):
        T1 = theory.t1_fixed_scale(wp0, 0.3 * gs, gs, 0.3)
        r = rpgd(problem, 0.3 * gs, w0, eta=inverse_g_squared, gamma=two_stage(0.0, gam, T1),
                 tol=0, max_iter=T1 + 60)
        a_t = np.sqrt(1 - r.history.w_perp_norm**2)
        assert np.all(r.history.g[1:] * a_t[1:] <= gs * (1 + 1e-12))


@claim(r"For $\gamma > 1$ it can fail: with $\gamma = 1.5$ one step can take $g_ta_t$ to almost "
       r"$1.5\,g^*$")
def test_stage_two_bound_fails_above_one():
    s = np.linspace(1e-3, 4.0, 900)[:, None]
    a = np.linspace(1e-3, 1.0, 900)[None, :]
    g1a1 = (s + 1.5 * a * (1 - s * a)) / np.sqrt(s**2 * (1 - a**2) + 1)
    top = g1a1[s * a <= 1].max()
    assert 1.49 < top < 1.5
    problem, _, _ = chapter()
    gs = problem.g_star
    r = rpgd(problem, 1e-3 * gs, problem.w_star, eta=inverse_g_squared, gamma=1.5, tol=0,
             max_iter=1)
    assert r.g * (r.w @ problem.w_star) / gs > 1.49


@claim(r"the bound on $T_2$ is nearly tight: with $a_t \approx 1$ the residual contracts by "
       r"almost exactly $1 - \gamma^{(2)}$ per step")
def test_t2_bound_nearly_tight():
    problem, _, _ = chapter()
    gs = problem.g_star
    for r, T1 in case_b_runs().values():
        res = np.sqrt(2 * r.history.loss)
        T2 = theory.t2_bound(res[T1], gs, 0.25, EPS)
        T2_sim = int(np.argmax(2 * r.history.loss[T1 + 1:] <= theory.residual_bound(EPS, gs)))
        assert 0 <= T2 - T2_sim <= 1
        q = res[T1 + 2: T1 + 10] / res[T1 + 1: T1 + 9]
        assert np.allclose(q, 0.75, atol=1e-5)


@claim(r"a small $g_0$ (large $\delta_0$) makes $T_1$ short but leaves a large residual "
       r"$e_{T_1} \approx g^* - g_0$, so $T_2$ is longer; $g_0$ near $g^*$ does the opposite")
def test_t1_t2_tradeoff_in_case_b():
    problem, _, _ = chapter()
    gs = problem.g_star
    T1s, T2s = [], []
    for f, (r, T1) in case_b_runs().items():
        e = np.sqrt(2 * r.history.loss[T1])
        assert e == pytest.approx(gs - f * gs, rel=1e-3)
        T1s.append(T1)
        T2s.append(theory.t2_bound(e, gs, 0.25, EPS))
    assert np.all(np.diff(T1s) > 0) and np.all(np.diff(T2s) < 0)


@claim(r"it ends at the zero-loss scale $g^*/a_\infty$, above $g^*$ by less than $10^{-6}$ of it")
def test_case_b_scale_barely_overshoots():
    problem, _, _ = chapter()
    gs = problem.g_star
    for r, _ in case_b_runs().values():
        h = r.history
        a_end = np.sqrt(1 - h.w_perp_norm[-1] ** 2)
        assert h.g[-1] == pytest.approx(gs / a_end, rel=1e-9)
        assert 0 < h.g.max() / gs - 1 < 1e-6


# ------------------------------------------------------------------ exercise hints and solutions
@claim("is negative, and with γ(1) > 10 it takes g below zero.")
def test_huge_gamma1_hint():
    problem, w0, _ = chapter()
    g0 = 0.7 * problem.g_star
    inc = theory.scale_increment(problem, g0, w0, 1.0)
    assert inc < 0
    for gam, below in ((10.0, True), (20.0, True), (9.5, False)):
        r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=gam, tol=0, max_iter=1)
        assert (r.g < 0) == below


@cache
def gamma2_grid():
    """ex-ch4-gamma2-max: case (b) at g0 = g*/2 released with each γ(2) of the grid."""
    problem, w0, wp0 = chapter()
    g0 = 0.5 * problem.g_star
    T1 = theory.t1_fixed_scale(wp0, g0, problem.g_star, 1e-3)
    cand = np.round(np.arange(0.1, 3.01, 0.1), 1)
    with np.errstate(all="ignore"):
        r = rpgd(problem, np.full(len(cand), g0), np.tile(w0, (len(cand), 1)),
                 eta=inverse_g_squared, gamma=lambda t, g: 0.0 if t <= T1 else cand, tol=0,
                 max_iter=T1 + 300)
    return cand, r


@claim("1/4 is only what the theorem needs for its proof; much larger values are still safe.")
def test_gamma2_much_larger_than_a_quarter_is_safe():
    problem, _, _ = chapter()
    cand, r = gamma2_grid()
    h = r.history
    target = theory.residual_bound(1e-3, problem.g_star)
    ok = (h.w_perp_norm[-1] <= 1e-3) & (2 * h.loss[-1] <= target) & ~r.diverged
    assert cand[ok].max() == 1.9 and np.all(ok[cand <= 1.9]) and not np.any(ok[cand > 1.9])


@claim("is not safe: the scale does not settle at g* (at 2 it")
def test_unsafe_gamma2_does_not_settle():
    problem, _, _ = chapter()
    gs = problem.g_star
    cand, r = gamma2_grid()
    g_end = r.history.g[-2:] / gs
    safe = cand <= 1.9
    assert np.allclose(g_end[:, safe], 1, atol=1e-6)
    assert np.all(np.abs(g_end[:, ~safe] - 1).max(axis=0) > 0.4)
    at2 = np.isclose(cand, 2.0)
    assert np.allclose(np.sort(g_end[:, at2].ravel()), [0.5, 1.5], atol=1e-5)   # the 2-cycle


@claim(r"At $\gamma^{(2)} = 2$ it falls into a 2-cycle around $g^*$; beyond, it is thrown far "
       r"from $g^*$ and lands on a zero-loss point with $\|w^\perp\|$ close to 1")
def test_gamma2_beyond_two_lands_far():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    g0 = 0.5 * gs
    T1 = theory.t1_fixed_scale(wp0, g0, gs, 1e-3)
    cand = np.array([2.0, 2.1, 2.5, 3.0])
    with np.errstate(all="ignore"):
        r = rpgd(problem, np.full(4, g0), np.tile(w0, (4, 1)), eta=inverse_g_squared,
                 gamma=lambda t, g: 0.0 if t <= T1 else cand, tol=0, max_iter=T1 + 300)
    h = r.history
    assert np.isclose(abs(h.g[-1, 0] - h.g[-2, 0]), gs, rtol=1e-4)       # 0.5g* ↔ 1.5g*
    assert np.all(np.abs(h.g[-1, 1:]) > 10 * gs)
    assert np.all(h.w_perp_norm[-1, 1:] > 0.99) and np.all(h.loss[-1, 1:] < 1e-20)
    assert not np.any(r.diverged)


@claim(r"When $g$ overshoots, $\|v_t\| < 1$ and $\|w^\perp\|$ grows a little, then shrinks again.")
def test_overshoot_grows_w_perp_a_little():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    T1 = theory.t1_fixed_scale(wp0, 0.5 * gs, gs, 1e-3)
    h = rpgd(problem, 0.5 * gs, w0, eta=inverse_g_squared, gamma=two_stage(0.0, 1.5, T1), tol=0,
             max_iter=T1 + 60).history
    after = slice(T1, None)
    v = theory.v_norm(h.w_perp_norm[after][:-1], h.g[after][:-1], gs)
    grow = np.diff(h.w_perp_norm[after]) > 0
    clear = np.abs(v - 1) > 1e-9
    assert np.any(grow) and np.array_equal(grow[clear], (v < 1)[clear])
    assert h.w_perp_norm[after].max() < 2 * h.w_perp_norm[T1]           # a little
    assert h.w_perp_norm[-1] < h.w_perp_norm[T1]                       # then shrinks again


@claim(r"with $g_0 < g^*$ it is negative exactly when $\alpha < 0$")
def test_first_increment_sign():
    problem, _, _ = chapter()
    gs = problem.g_star
    u = unit(problem.split(np.random.default_rng(2).standard_normal(problem.d))[1])
    for alpha in (-0.9, -0.1, -1e-3, 1e-3, 0.5, 1.0):
        w = alpha * problem.w_star + math.sqrt(1 - alpha**2) * u
        for f in (0.1, 0.5, 0.99):
            inc = theory.scale_increment(problem, f * gs, w, 0.1)
            assert (inc < 0) == (alpha < 0)
    # the hypothesis g0 < g* matters: above g* a positive α can lower g too
    assert theory.scale_increment(problem, 1.5 * gs, problem.w_star, 0.1) < 0


@claim("‖w⊥‖ must shrink (‖v_t‖ > 1 because g_t < g*), so the answer lies strictly between 0 "
       "and 0.6.")
def test_recursion_hint_bounds():
    x = theory.w_perp_next(0.6, 1.0, 2.0)
    assert 0 < x < 0.6 and theory.v_norm(0.6, 1.0, 2.0) > 1
    assert theory.w_perp_next(0.6, 3.0, 2.0) > 0.6          # with g_t > g* it would not shrink


@claim(r"It is not a faster solver: GD from the origin would get $x^*$ in one step.")
def test_gd_from_origin_one_step():
    problem, _, _ = chapter()
    r = gd(problem, np.zeros(problem.d), eta=1.0, tol=0, max_iter=1)
    assert np.allclose(r.x, problem.x_star, atol=1e-12)


@claim(r"GD with $\eta = 1$ (which is $1/\lambda_{\max}$) solves an orthogonal problem in **one** "
       r"step, but to $x^* + x_0^\perp$")
def test_gd_keeps_x0_perp():
    problem, w0, _ = chapter()
    X0 = np.outer([0.1, 2.0, 7.0], w0)
    r = gd(problem, X0, eta=1.0, tol=0, max_iter=1)
    assert np.isclose(problem.lam_max, 1.0)
    assert np.allclose(r.x, problem.x_star + problem.split(X0)[1], atol=1e-12)
