"""Claims of chapter 4, Sections 3 to 6: case (a), the fine print, the comparison, the explorer."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from wnlib import gd, inverse_g_squared, make_problem, rpgd, theory, two_stage
from wnlib.problem import random_directions, unit

claim = pytest.mark.claim
EPS = 1e-3
RHOS = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])


@cache
def chapter():
    problem = make_problem(20, 100, kind="orthogonal", seed=0)
    w0 = random_directions(1, problem.d, np.random.default_rng(4))[0]
    return problem, w0, float(np.linalg.norm(problem.split(w0)[1]))


@cache
def rho_sweep():
    """Section 3's sweep at g0 = g*/2: T1 bounds, γ(1), the runs, T2 bounds and measured."""
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    g0 = 0.5 * gs
    T1s = theory.t1_slow_scale(wp0, g0, gs, RHOS, EPS)
    gam1 = theory.gamma1_sufficient(g0, gs, RHOS, T1s)
    R = len(RHOS)
    run = rpgd(problem, np.full(R, g0), np.tile(w0, (R, 1)), eta=inverse_g_squared,
               gamma=lambda t, g: np.where(t <= T1s, gam1, 0.25), tol=0,
               max_iter=int(T1s.max()) + 60)
    h = run.history
    cols = np.arange(R)
    cap = theory.scale_cap(g0, gs, RHOS)
    g2max = np.array([np.max(h.g[: T1s[j] + 1, j] ** 2) for j in cols]) / cap
    e_T1 = np.sqrt(2 * h.loss[T1s, cols])
    T2_bound = theory.t2_bound(e_T1, gs, 0.25, EPS)
    T2_cap = theory.t2_bound(theory.residual_at_cap(g0, gs, RHOS, EPS), gs, 0.25, EPS)
    target = theory.residual_bound(EPS, gs)
    T1_sim = np.argmax(h.w_perp_norm <= EPS, axis=0)
    T2_sim = np.array([np.argmax(2 * h.loss[T1s[j] + 1:, j] <= target) for j in cols])
    return dict(T1s=T1s, h=h, g2max=g2max, T2_bound=T2_bound, T2_cap=T2_cap, T1_sim=T1_sim,
                T2_sim=T2_sim)


@cache
def too_large():
    """Section 3's 'γ(1) too large' runs at g0 = g*/2, ρ = 0.5."""
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    g0 = 0.5 * gs
    T1 = theory.t1_slow_scale(wp0, g0, gs, 0.5, EPS)
    suff = theory.gamma1_sufficient(g0, gs, 0.5, T1)
    mults = np.array([1, 3, 10, 30, 100, 300])
    gam = np.concatenate([mults * suff, [1.0]])
    T1_list = np.array([T1] * len(mults) + [0])
    K = len(gam)
    r = rpgd(problem, np.full(K, g0), np.tile(w0, (K, 1)), eta=inverse_g_squared,
             gamma=lambda t, g: np.where(t <= T1_list, gam, np.where(T1_list == 0, 1.0, 0.25)),
             tol=0, max_iter=T1 + 400)
    return r, T1, theory.scale_cap(g0, gs, 0.5)


@cache
def explorer():
    """Section 6's 48 runs: (g0/g*, stage 1, γ(2), T1 multiple) → index, and the batched run."""
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    keys = [(f, s, q, m) for f in (0.5, 0.9) for s in (0, 1, 2) for q in (0.25, 1.5)
            for m in (0.25, 0.5, 1, 2)]
    F, S1, Q, M = (np.array([k[j] for k in keys]) for j in range(4))
    G0 = F * gs
    T1_thm = np.where(S1 == 0, theory.t1_fixed_scale(wp0, G0, gs, EPS),
                      theory.t1_slow_scale(wp0, G0, gs, 0.2, EPS))
    gam1 = (np.where(S1 == 0, 0.0, theory.gamma1_sufficient(G0, gs, 0.2, T1_thm))
            * np.where(S1 == 2, 30, 1))
    T1_end = np.maximum(np.round(M * T1_thm).astype(int), 1)
    r = rpgd(problem, G0, np.tile(w0, (len(keys), 1)), eta=inverse_g_squared,
             gamma=lambda t, g: np.where(t <= T1_end, gam1, Q), tol=1e-12,
             max_iter=int(T1_end.max()) + 400)
    dist = np.linalg.norm(r.x - problem.x_star, axis=1)
    return {k: i for i, k in enumerate(keys)}, r, T1_end, dist


def _adversarial(problem, alpha, seed=1):
    u = unit(problem.split(np.random.default_rng(seed).standard_normal(problem.d))[1])
    return -alpha * problem.w_star + math.sqrt(1 - alpha**2) * u


# ------------------------------------------------------------------ Section 3
@claim(r"for $0 < \gamma \le 1$ the map $g \mapsto g + \gamma \max_{0 \le a \le 1} a(g^* - ga)$ is "
       r"non-decreasing, so a lower $g_1$ only lowers every later bound")
def test_step_map_monotone_and_cap_on_adversarial_starts():
    gs = 1.0
    g = np.linspace(1e-4, 3.0, 30001)
    a = np.linspace(0.0, 1.0, 2001)[:, None]
    m = np.max(a * (gs - g * a), axis=0)
    for gam in (0.01, 0.5, 1.0):
        assert np.all(np.diff(g + gam * m) >= -1e-12)
    assert np.any(np.diff(g + 1.5 * m) < -1e-6)            # not for γ > 1
    # the sufficient γ(1) keeps the ceiling from starts whose first step lowers g
    problem, _, _ = chapter()
    W = np.vstack([_adversarial(problem, al, s) for al in (0.3, 0.8, 0.99) for s in (1, 2)])
    for f, rho in ((0.5, 0.5), (0.9, 0.2), (0.3, 0.8)):
        g0 = f * problem.g_star
        wp0 = np.linalg.norm(problem.split(W)[1], axis=1)
        T1 = theory.t1_slow_scale(wp0.max(), g0, problem.g_star, rho, EPS)
        gam = theory.gamma1_sufficient(g0, problem.g_star, rho, T1)
        r = rpgd(problem, np.full(len(W), g0), W, eta=inverse_g_squared, gamma=gam, tol=0,
                 max_iter=T1)
        assert np.all(r.history.g[1] < g0)
        assert np.all(r.history.g**2 <= theory.scale_cap(g0, problem.g_star, rho) * (1 + 1e-12))
        assert np.all(r.history.w_perp_norm[T1] <= EPS)


@claim(r"By induction $g_t \le G_t$ (as long as $g_1 > 0$)")
def test_scale_bound_holds_on_random_and_adversarial_starts():
    problem, _, _ = chapter()
    gs = problem.g_star
    W = np.vstack([random_directions(100, problem.d, 11), _adversarial(problem, 0.8),
                   _adversarial(problem, 0.999)])
    for f, gam in ((0.5, 0.1), (0.2, 1.0), (0.9, 0.02)):
        g0 = f * gs
        G = theory.orthogonal.scale_bound(g0, gs, gam, 150)
        r = rpgd(problem, np.full(len(W), g0), W, eta=inverse_g_squared, gamma=gam, tol=0,
                 max_iter=150)
        keep = r.history.g[1] > 0                       # the hypothesis g_1 > 0
        assert keep.sum() >= 90
        assert np.all(r.history.g[1:, keep] > 0)
        assert np.all(r.history.g[:, keep] <= G[:, None] * (1 + 1e-12))
        t = np.arange(151)
        expo = np.minimum(t * gam * gs**2 / (4 * g0**2), 700.0)
        assert np.all(G <= g0 * np.exp(expo) * (1 + 1e-12))


@claim(r"read with the constant 1 it is larger than the proposition's value by about "
       r"$g^{*2}/\delta_0$")
def test_printed_gamma1_ratio():
    problem, _, wp0 = chapter()
    gs = problem.g_star
    for f in (0.3, 0.5, 0.7, 0.9, 0.95):
        g0 = f * gs
        T1 = theory.t1_slow_scale(wp0, g0, gs, 0.5, EPS)
        ratio = theory.gamma1_printed(g0, gs, 0.5, EPS) / theory.gamma1_sufficient(g0, gs, 0.5, T1)
        assert ratio == pytest.approx(gs**2 / (gs**2 - g0**2), rel=0.05)


@claim(r"The **ceiling holds** with the sufficient $\gamma^{(1)}$ in every run "
       r"(`max g_t²/cap` $\le 1$), and $\|w^\perp_{T_1}\| \le \varepsilon$ with a wide margin")
def test_sweep_ceiling_and_margin():
    s = rho_sweep()
    assert np.all(s["g2max"] <= 1 + 1e-12)
    wpT1 = s["h"].w_perp_norm[s["T1s"], np.arange(len(RHOS))]
    assert np.all(wpT1 <= EPS / 100)


@claim(r"($\approx \rho\delta_0/(2g^*)$ when $\rho\delta_0 \ll g^{*2}$), so its bound grows with "
       r"$\rho$ (like $\log \rho$ for small $\rho$)")
def test_residual_at_cap_and_t2_grow_with_rho():
    problem, _, _ = chapter()
    gs = problem.g_star
    g0 = 0.5 * gs
    d0 = gs**2 - g0**2
    rho = np.array([1e-4, 1e-3, 0.01, 0.05, 0.2, 0.5, 1.0])
    e = gs - np.sqrt(gs**2 - rho * d0)
    approx = rho * d0 / (2 * gs)
    rel = np.abs(approx / e - 1)
    assert rel[0] < 1e-3 and rel[3] < 0.02 and rel[-1] > 0.2     # good only for small ρδ0/g*²
    s = rho_sweep()
    assert np.all(np.diff(s["T2_cap"]) >= 0) and s["T2_cap"][-1] > s["T2_cap"][0]
    # like log ρ: the T2 bound from the cap residual is affine in log ρ for small ρ
    t2 = np.log(e[:4] / (math.sqrt(3 * EPS) * gs))
    assert np.allclose(np.diff(t2) / np.diff(np.log(rho[:4])), 1.0, atol=0.02)


@claim(r"The measured $T_1$ is 2 to 36 times smaller than the bound")
def test_measured_t1_far_below_bound():
    s = rho_sweep()
    ratio = s["T1s"] / s["T1_sim"]
    assert round(ratio.min()) == 2 and round(ratio.max()) == 36


@claim(r"(`max g_t²/cap` from 0.5764 to 0.9605 for $\rho < 1$), so the measured $T_2$ barely "
       r"depends on $\rho$ (6 to 8)")
def test_sweep_headroom_and_t2():
    s = rho_sweep()
    below = RHOS < 1
    assert round(s["g2max"][below].min(), 4) == 0.5764
    assert round(s["g2max"][below].max(), 4) == 0.9605
    assert s["T2_sim"].min() == 6 and s["T2_sim"].max() == 8


@claim(r"(For $\rho \le 0.1$ the cap is so close to $g^*$ that the nominal $T_2$ is 0")
def test_nominal_t2_zero_only_for_small_rho():
    s = rho_sweep()
    assert np.array_equal(s["T2_cap"] == 0, RHOS <= 0.1)


@claim(r"case (b) ($\rho = 1$) gives the shortest schedule of the sweep: $T_1 + 1 + T_2 = 28$ "
       r"iterations with the bounds")
def test_case_b_shortest_schedule():
    s = rho_sweep()
    total = s["T1s"] + 1 + s["T2_bound"]
    assert np.argmin(total) == len(RHOS) - 1 and total[-1] == 28
    assert np.argmin(s["T1s"] + 1 + s["T2_sim"]) == len(RHOS) - 1


@claim(r"$x = x^* + g_\infty w^\perp_\infty$ with $g_\infty = g^*/a_\infty$ (which exceeds $g^*$ "
       r"when $a_\infty > 0$), at distance $|g_\infty|\,\|w^\perp_\infty\|$ from $x^*$")
def test_zero_loss_end_points():
    problem, _, _ = chapter()
    gs = problem.g_star
    r, _, _ = too_large()
    h = r.history
    assert np.all(h.loss[-1] < 1e-20)
    a = r.w @ problem.w_star
    assert np.allclose(r.g * a, gs, rtol=1e-9)
    dist = np.linalg.norm(r.x - problem.x_star, axis=1)
    assert np.allclose(dist, np.abs(r.g) * h.w_perp_norm[-1], rtol=1e-6, atol=1e-9)
    assert np.all(r.g[a > 0] >= gs * (1 - 1e-12)) and np.all(r.g[a < 0] < 0)


@claim(r"already at 3 times the sufficient value, $g_t^2$ exceeds $g^{*2} - \rho\delta_0$ "
       r"(although $\|w^\perp_{T_1}\|$ is still below $\varepsilon$); at 10 times and beyond, $g$ "
       r"gets within 0.5 % of $g^*$ during stage 1 and $w^\perp$ freezes above $\varepsilon$")
def test_too_large_gamma1_rows():
    problem, _, _ = chapter()
    r, T1, cap = too_large()
    h = r.history
    g2max = np.max(h.g[: T1 + 1] ** 2, axis=0) / cap
    assert g2max[0] <= 1 and g2max[1] > 1 and h.w_perp_norm[T1, 1] < EPS
    for k in (2, 3, 4, 5):
        assert np.max(np.abs(h.g[: T1 + 1, k])) >= 0.995 * problem.g_star
        assert h.w_perp_norm[T1, k] > EPS and h.w_perp_norm[-1, k] > EPS
        assert np.isclose(h.w_perp_norm[-1, k], h.w_perp_norm[T1, k], rtol=0.05)


@claim(r"settles at $g_\text{end} = -7.585\,g^*$, with $w$ almost entirely outside the row "
       r"space ($\|w^\perp\| = 0.9913$, $w^\top w^* = -0.1318$): "
       r"$x^\parallel = g\,(w^\top w^*)\,w^* = x^*$, so the loss is zero, but "
       r"$x = x^* + g\,w^\perp$ lies 34.02 from $x^*$")
def test_three_hundred_times_end_point():
    problem, _, _ = chapter()
    gs = problem.g_star
    r, _, _ = too_large()
    k = 5
    g = r.history.g[:, k]
    assert np.any(np.diff(np.sign(g)) != 0)                      # crosses zero
    assert round(g[-1] / gs, 3) == -7.585 and np.allclose(g[-5:], g[-1], rtol=1e-9)
    assert round(r.history.w_perp_norm[-1, k], 4) == 0.9913
    assert round(float(r.w[k] @ problem.w_star), 4) == -0.1318
    assert np.allclose(problem.split(r.x[k])[0], problem.x_star, atol=1e-10)
    assert round(float(np.linalg.norm(r.x[k] - problem.x_star)), 2) == 34.02


@claim(r"the ceiling breaks only marginally: at $g_0 = 0.9g^*$ and $\rho = 0.5$ the printed value "
       r"is 5.175 times the sufficient one and $g_t^2$ exceeds the ceiling by 2 % (below); at "
       r"$\rho = 0.2$ it stays below")
def test_printed_gamma1_break_is_marginal():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    g0 = 0.9 * gs
    out = {}
    for rho in (0.5, 0.2):
        T1 = theory.t1_slow_scale(wp0, g0, gs, rho, EPS)
        gp = theory.gamma1_printed(g0, gs, rho, EPS)
        r = rpgd(problem, g0, w0, eta=inverse_g_squared, gamma=two_stage(gp, 0.25, T1), tol=0,
                 max_iter=T1)
        out[rho] = (gp / theory.gamma1_sufficient(g0, gs, rho, T1),
                    np.max(r.history.g**2) / theory.scale_cap(g0, gs, rho))
    assert round(out[0.5][0], 3) == 5.175 and 1.015 < out[0.5][1] < 1.025
    assert out[0.2][1] < 1


# ------------------------------------------------------------------ Section 4
@claim(r"negative exactly when $w_0^\top x^* < g_0\|w_0^\parallel\|^2$: always when "
       r"$w_0^\parallel$ points away from $x^*$, and for most random starts too")
def test_first_step_sign():
    problem, _, _ = chapter()
    gs = problem.g_star
    g0 = 0.5 * gs
    W = random_directions(400, problem.d, 5)
    r = rpgd(problem, np.full(len(W), g0), W, eta=inverse_g_squared, gamma=0.1, tol=0,
             max_iter=1)
    lower = r.history.g[1] < g0
    crit = W @ problem.x_star < g0 * np.sum(problem.split(W)[0] ** 2, axis=1)
    assert np.array_equal(lower, crit) and lower.mean() > 0.5
    away = W @ problem.x_star < 0
    assert np.all(lower[away]) and not np.all(lower[~away])


@claim(r"$P(g_1 < g_0) \approx \Phi\big((g_0/g^*)\,m/\sqrt d\big) = \Phi(1) = 0.8413$: 170 of 200 "
       r"is what one expects")
def test_probability_of_a_lower_first_step():
    problem, _, _ = chapter()
    gs, m, d = problem.g_star, problem.m, problem.d
    assert np.isclose(gs / math.sqrt(d), 0.5 * gs * m / d)            # the two sizes agree

    def phi(z):
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    W = random_directions(20000, d, 9)
    for f in (0.5, 0.25):
        p = phi(f * m / math.sqrt(d))
        inc = theory.scale_increment(problem, np.full(len(W), f * gs), W, 0.1)
        assert abs(np.mean(inc < 0) - p) < 0.02
    assert round(phi(1.0), 4) == 0.8413
    assert abs(170 - 200 * phi(1.0)) < 2 * math.sqrt(200 * phi(1.0) * (1 - phi(1.0)))


@claim(r"After that, no run ever decreases $g$, and no run exceeds the bound $G_t$ of Section 3")
def test_monotone_after_first_step_and_below_g_t():
    problem, _, _ = chapter()
    gs = problem.g_star
    rng = np.random.default_rng(4)
    rng.standard_normal(problem.d)                      # the chapter's w0 came first
    W = random_directions(200, problem.d, rng)
    adv = -0.8 * problem.w_star + 0.6 * unit(problem.split(W[0])[1])
    W = np.vstack([W, adv])
    g0 = 0.5 * gs
    h = rpgd(problem, g0, W, eta=inverse_g_squared, gamma=0.1, tol=0, max_iter=200).history
    assert int(np.sum(h.g[1, :-1] < g0)) == 170
    assert np.diff(h.g[1:], axis=0).min() >= -1e-12
    G = theory.orthogonal.scale_bound(g0, gs, 0.1, 200)
    assert np.all(h.g <= G[:, None] * (1 + 1e-12))


@claim(r"so the residual itself can be driven to zero (it is, after more steps)")
def test_residual_goes_to_zero_after_t():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    T1 = theory.t1_fixed_scale(wp0, 0.5 * gs, gs, EPS)
    h = rpgd(problem, 0.5 * gs, w0, eta=inverse_g_squared, gamma=two_stage(0.0, 0.25, T1),
             tol=0, max_iter=T1 + 200).history
    assert 2 * h.loss[-1] < 1e-25 and h.w_perp_norm[-1] > 0


# ------------------------------------------------------------------ Section 5
@claim(r"the smaller $g_0$, the closer it ends to $x^*$ ($1.407\cdot 10^{-3}$ at $g_0 = 0.1g^*$)")
def test_one_stage_closer_for_smaller_g0():
    problem, w0, _ = chapter()
    gs = problem.g_star
    fr = np.concatenate([[1e-3, 0.01, 0.03], np.linspace(0.1, 0.95, 12)])
    r = rpgd(problem, fr * gs, np.tile(w0, (len(fr), 1)), eta=inverse_g_squared, gamma=0.25,
             tol=1e-12, max_iter=5000)
    dist = np.linalg.norm(r.x - problem.x_star, axis=1)
    assert np.all(np.diff(dist) > 0)
    assert round(float(dist[3]), 6) == 0.001407


@claim(r"The runs stop at loss $10^{-12}$, which leaves a residual of up to $1.4\cdot10^{-6}$")
def test_stopping_rule_residual_and_1e5_is_reachable():
    assert round(math.sqrt(2e-12), 7) == 1.4e-6
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    fr = np.array([1e-5, 1e-3, 0.1])
    one = rpgd(problem, fr * gs, np.tile(w0, (3, 1)), eta=inverse_g_squared, gamma=0.25,
               tol=1e-12, max_iter=5000)
    dist = np.linalg.norm(one.x - problem.x_star, axis=1)
    assert dist[1] < 1e-5 < dist[2] and dist[0] > 1e-6        # 1e-5 reachable, 1e-6 is not
    res = np.sqrt(2 * one.history.loss[one.n_iter, np.arange(3)])
    assert np.all(res <= 1.5e-6)


@claim(r"The one-stage schedule is not hopeless either")
def test_one_stage_beats_gd_but_not_two_stage():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    fr = np.linspace(0.1, 0.95, 12)
    X0 = (fr * gs)[:, None] * w0[None, :]
    d_gd = np.linalg.norm(gd(problem, X0, eta=1.0, tol=1e-12, max_iter=10).x - problem.x_star,
                          axis=1)
    one = rpgd(problem, fr * gs, np.tile(w0, (12, 1)), eta=inverse_g_squared, gamma=0.25,
               tol=1e-12, max_iter=5000)
    d_one = np.linalg.norm(one.x - problem.x_star, axis=1)
    T1 = theory.t1_fixed_scale(wp0, fr * gs, gs, EPS)
    b = rpgd(problem, fr * gs, np.tile(w0, (12, 1)), eta=inverse_g_squared,
             gamma=lambda t, g: np.where(t <= T1, 0.0, 0.25), tol=1e-12, max_iter=5000)
    d_b = np.linalg.norm(b.x - problem.x_star, axis=1)
    assert np.all(d_one < d_gd) and np.all(d_b < d_one)
    assert np.all(d_b <= gs * EPS)           # the caption: case (b) within about g*ε


# ------------------------------------------------------------------ Section 6
@claim(r"shrinks only while the loss is not zero ($g_ta_t < g^*$, so $\|v_t\| > 1$), then "
       r"stays put")
def test_w_perp_freezes_at_zero_loss():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    T1 = max(round(0.25 * theory.t1_fixed_scale(wp0, 0.9 * gs, gs, EPS)), 1)
    r = rpgd(problem, 0.9 * gs, w0, eta=inverse_g_squared, gamma=two_stage(0.0, 0.25, T1), tol=0,
             max_iter=T1 + 300)
    h = r.history
    a = np.sqrt(1 - h.w_perp_norm**2)
    ga = h.g * a
    v = theory.v_norm(h.w_perp_norm[:-1], h.g[:-1], gs)
    assert np.array_equal(v[1:] > 1, ga[1:-1] < gs)                  # ‖v_t‖ > 1 ⇔ g_t a_t < g*
    assert np.all(np.diff(h.w_perp_norm) <= 1e-15)
    assert h.w_perp_norm[-1] == pytest.approx(h.w_perp_norm[-60], rel=1e-12)   # stays put
    assert h.g[-1] > gs                       # g ends above g*: "while g_t < g*" would be wrong


@claim(r"($\|x - x^*\|$ from $5.7\cdot 10^{-6}$ to $0.27$ in the table), at about $g^*$ times the "
       r"final $\|w^\perp\|$")
def test_case_b_shortened_stage_one_distances():
    problem, _, _ = chapter()
    gs = problem.g_star
    index, r, _, dist = explorer()
    d2, dq = dist[index[(0.9, 0, 0.25, 2)]], dist[index[(0.9, 0, 0.25, 0.25)]]
    assert round(float(d2), 7) == 5.7e-6 and round(float(dq), 2) == 0.27
    for m in (0.25, 0.5, 1, 2):
        i = index[(0.9, 0, 0.25, m)]
        wp = r.history.w_perp_norm[r.n_iter[i], i]
        assert dist[i] == pytest.approx(gs * wp, rel=0.01 if wp > 1e-4 else 0.05)


@claim(r"A first stage longer than needed ($2\times$) costs iterations, not accuracy.")
def test_longer_first_stage_costs_iterations():
    index, r, _, dist = explorer()
    for f in (0.5, 0.9):
        for s in (0, 1):
            i1, i2 = index[(f, s, 0.25, 1)], index[(f, s, 0.25, 2)]
            assert r.n_iter[i2] > r.n_iter[i1]
            assert dist[i2] <= 1.01 * dist[i1] or dist[i2] < 2e-6


@claim(r"In case (a) even a quarter of the $T_1$ bound leaves $\|w^\perp_{T_1}\| \le \varepsilon$")
def test_quarter_t1_enough_in_case_a():
    index, r, T1_end, _ = explorer()
    for f in (0.5, 0.9):
        i = index[(f, 1, 0.25, 0.25)]
        assert r.history.w_perp_norm[T1_end[i], i] <= EPS
    i = index[(0.9, 0, 0.25, 0.25)]                # not so in case (b), whose T1 is exact
    assert r.history.w_perp_norm[T1_end[i], i] > EPS


@claim(r"the final $\|x - x^*\|$ moves from 0.047 to 0.031 between $0.25\times$ and $2\times$, "
       r"against $0.27$ to $5.7\cdot 10^{-6}$ in case (b)): the scale crosses the ceiling and "
       r"reaches $g^*$ during stage 1")
def test_thirty_times_gamma1():
    problem, _, _ = chapter()
    gs = problem.g_star
    index, r, T1_end, dist = explorer()
    for f in (0.5, 0.9):
        ds = [dist[index[(f, 2, 0.25, m)]] for m in (0.25, 0.5, 1, 2)]
        assert max(ds) / min(ds) < 1.6
        if f == 0.9:
            assert round(ds[0], 3) == 0.047 and round(ds[-1], 3) == 0.031
        for m in (0.25, 0.5, 1, 2):
            i = index[(f, 2, 0.25, m)]
            assert r.history.w_perp_norm[r.n_iter[i], i] > 5 * EPS           # far above ε
        i = index[(f, 2, 0.25, 1)]
        cap = theory.scale_cap(f * gs, gs, 0.2)
        assert np.max(r.history.g[: T1_end[i] + 1, i] ** 2) > cap
        assert np.max(r.history.g[: T1_end[i] + 1, i]) >= gs
    # at g0/g* = 0.5 the loss reaches 1e-12 before the longer first stages end
    for m in (1, 2):
        i = index[(0.5, 2, 0.25, m)]
        assert r.n_iter[i] < T1_end[i]


@claim(r"With $\gamma^{(2)} = 1.5$ the scale overshoots $g^*$ and comes back in fewer iterations "
       r"(as many when the loss is already zero before stage 1 ends)")
def test_gamma2_one_and_a_half_is_faster():
    problem, _, _ = chapter()
    gs = problem.g_star
    index, r, T1_end, _ = explorer()
    for f in (0.5, 0.9):
        for s in (0, 1, 2):
            for m in (0.25, 0.5, 1, 2):
                i, j = index[(f, s, 0.25, m)], index[(f, s, 1.5, m)]
                if r.n_iter[i] <= T1_end[i]:
                    assert r.n_iter[j] == r.n_iter[i]
                else:
                    assert r.n_iter[j] < r.n_iter[i]
                    assert r.history.g[: r.n_iter[j] + 1, j].max() > gs


@claim(r"why is the damage larger at $g_0/g^* = 0.9$ than at $0.5$, although "
       r"$\|w^\perp_{T_1}\|$ is smaller there?")
def test_damage_larger_at_09():
    index, r, T1_end, dist = explorer()
    i5, i9 = index[(0.5, 0, 0.25, 0.25)], index[(0.9, 0, 0.25, 0.25)]
    wp = r.history.w_perp_norm
    assert wp[T1_end[i9], i9] < wp[T1_end[i5], i5] and dist[i9] > dist[i5]


# ------------------------------------------------------------------ summary
@claim(r"$(g^{*2}/\delta_0)\log(1/\varepsilon)$ bounds it for every $g_0$")
def test_summary_uniform_order():
    gs = 1.0
    g0 = np.array([1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999])[:, None]
    eps = np.array([1e-1, 1e-4, 1e-10, 1e-30])[None, :]
    t1 = theory.t1_fixed_scale(1.0, g0, gs, eps)
    assert np.all(t1 <= 2 * gs**2 / (gs**2 - g0**2) * np.log(1 / eps) + 1)
    paper = 2 * g0**2 / (gs**2 - g0**2) * np.log(1 / eps)
    assert np.any(t1 > 100 * paper)                    # while the paper's order does not bound it


@claim(r"GD keeps $x_0^\perp$; the two-stage schedule removes it, the one-stage one only partly.")
def test_summary_what_each_method_keeps_of_x0_perp():
    problem, w0, wp0 = chapter()
    gs = problem.g_star
    fr = np.linspace(0.1, 0.95, 12)
    one = rpgd(problem, fr * gs, np.tile(w0, (12, 1)), eta=inverse_g_squared, gamma=0.25,
               tol=1e-12, max_iter=5000)
    T1 = theory.t1_slow_scale(wp0, fr * gs, gs, 0.5, EPS)
    gam = theory.gamma1_sufficient(fr * gs, gs, 0.5, T1)
    a = rpgd(problem, fr * gs, np.tile(w0, (12, 1)), eta=inverse_g_squared,
             gamma=lambda t, g: np.where(t <= T1, gam, 0.25), tol=1e-12, max_iter=5000)
    x0_perp = fr * gs * wp0                                  # what GD keeps
    perp_one = np.linalg.norm(problem.split(one.x)[1], axis=1)
    perp_a = np.linalg.norm(problem.split(a.x)[1], axis=1)
    assert np.all(perp_a < 1e-6 * x0_perp)
    assert np.all(perp_one < 0.5 * x0_perp) and np.all(perp_one > 1e-3 * x0_perp)
    assert np.all(perp_one > 1e4 * perp_a)


@claim(r"The bound on $T_1$ falls like $1/\rho$")
def test_t1_bound_falls_like_one_over_rho():
    s = rho_sweep()
    prod = s["T1s"] * RHOS
    assert np.all(np.diff(s["T1s"]) < 0)
    assert prod.max() / prod.min() < 1.1


@claim(r"Section 2 shows that it needs a constant that grows without bound as $g_0 \to 0$")
def test_case_b_order_needs_growing_constant():
    gs, eps = 1.0, 1e-8
    f = np.array([0.5, 0.1, 0.01, 1e-3])
    g0 = f * gs
    t1 = theory.t1_fixed_scale(1.0, g0, gs, eps)
    const = t1 / (g0**2 / (gs**2 - g0**2) * np.log(1 / eps))
    assert np.all(np.diff(const) > 0) and const[-1] > 1e4


@claim(r"the first step can lower it (for most random starts: with probability about "
       r"$\Phi((g_0/g^*)\,m/\sqrt d) > 1/2$), which does not endanger the sufficient "
       r"$\gamma^{(1)}$")
def test_summary_first_step_and_sufficient_gamma1():
    problem, _, _ = chapter()
    gs = problem.g_star
    W = random_directions(300, problem.d, 17)
    W2 = random_directions(20000, problem.d, 19)
    for f in (0.9, 0.5, 0.1, 0.02):
        p = 0.5 * (1 + math.erf(f * problem.m / math.sqrt(problem.d) / math.sqrt(2)))
        inc = theory.scale_increment(problem, np.full(len(W2), f * gs), W2, 0.1)
        assert p > 0.5 and abs(np.mean(inc < 0) - p) < 0.02
    g0, rho = 0.5 * gs, 0.5
    wp = np.linalg.norm(problem.split(W)[1], axis=1)
    T1 = theory.t1_slow_scale(wp.max(), g0, gs, rho, EPS)
    gam = theory.gamma1_sufficient(g0, gs, rho, T1)
    h = rpgd(problem, np.full(len(W), g0), W, eta=inverse_g_squared, gamma=gam, tol=0,
             max_iter=T1).history
    assert np.any(h.g[1] < g0)
    assert np.all(h.g**2 <= theory.scale_cap(g0, gs, rho)) and np.all(h.w_perp_norm[T1] <= EPS)
