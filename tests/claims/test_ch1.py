"""Claims of chapter 1 (setup, three algorithms, Figure 1), each recomputed with wnlib.

The Figure-1 setup is rebuilt exactly as the notebook draws it: ``make_problem(20, 100,
seed=0)`` and the directions from ``default_rng(1)`` after the chapter's earlier draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from wnlib import gd, make_problem, random_directions, rpgd, theory, unit, wn, wn_flow

P = make_problem(20, 100, kind="gaussian", seed=0)
NORMS = np.arange(10.0)


def _figure1_directions() -> np.ndarray:
    rng = np.random.default_rng(1)
    rng.standard_normal(P.d)  # z of section 1
    random_directions(5, P.d, rng)  # the five GD starts
    rng.standard_normal(P.d)  # w0 of the one-step check
    return random_directions(10, P.d, rng)


W = _figure1_directions()
G0 = np.repeat(NORMS, 10)
W0 = np.tile(W, (10, 1))
SIDE = np.where(G0 == 0, 1e-12 * np.sign(W0 @ P.A.T @ P.y), G0)  # g0 = 0: one-sided limit
W_FAST = unit(np.random.default_rng(4).standard_normal(100))  # ex-ch1-fast-scale's start


@pytest.fixture(scope="module")
def figure1():
    runs = {k: f(P, G0, W0, eta=0.005, gamma=0.005) for k, f in (("wn", wn), ("rpgd", rpgd))}
    runs["gd"] = gd(P, G0[:, None] * W0, eta=0.005)
    assert all(bool(np.all(r.converged)) for r in runs.values())
    return {k: np.linalg.norm(r.x - P.x_star, axis=1) for k, r in runs.items()} | {"runs": runs}


def _perp_rel_error(g0, w0, c):
    """Relative error of the printed (7) in ‖x∞⊥‖ against the exact limit."""
    pr = np.linalg.norm(P.split(theory.flow_limit_printed(P, g0, w0, c))[1], axis=-1)
    ex = np.linalg.norm(P.split(theory.flow_limit(P, g0, w0, c))[1], axis=-1)
    return pr / ex - 1


# ---------------------------------------------------------------- section 1-2: GD
@pytest.mark.claim("For $0 < \\eta < 2/\\lambda_{\\max}(AA^\\top)$, gradient descent from $x_0$ "
                   "converges to")
def test_gd_converges_below_two_over_lambda_max():
    x0 = 3.0 * W[:3]
    ok = gd(P, x0, eta=1.95 / P.lam_max, tol=1e-26, max_iter=20000)
    assert np.all(ok.converged)
    assert np.allclose(ok.x, theory.gd_limit(P, x0), atol=1e-9)
    with pytest.warns(RuntimeWarning, match="diverged"):  # just above 2/λ_max
        bad = gd(P, x0, eta=2.05 / P.lam_max, tol=1e-26, max_iter=3000)
    assert not np.any(bad.converged) and np.all(bad.diverged)


@pytest.mark.claim("GD finds $x^*$ exactly when $x_0$ lies in the row space")
def test_gd_finds_x_star_iff_row_space_start():
    row = P.split(3.0 * W[:3])[0]  # in the row space
    off = row + 1e-3 * P.split(W[3:6])[1]  # a little outside it
    assert np.allclose(theory.gd_limit(P, row), P.x_star, atol=1e-12)
    assert np.all(np.linalg.norm(theory.gd_limit(P, off) - P.x_star, axis=1) > 1e-4)
    run = gd(P, np.vstack([row, off]), eta=1.0, tol=1e-26, max_iter=3000)
    d = np.linalg.norm(run.x - P.x_star, axis=1)
    assert np.all(d[:3] < 1e-10) and np.all(d[3:] > 1e-4)


@pytest.mark.claim("puts on average a fraction $m/d = 0.2$ of its squared length in the "
                   "20-dimensional row space")
def test_random_direction_row_space_fraction():
    U = random_directions(20000, P.d, 11)
    frac = np.sum(P.split(U)[0] ** 2, axis=1)
    assert abs(frac.mean() - P.m / P.d) < 0.005
    assert np.isclose(np.trace(P.split(np.eye(P.d))[0]) / P.d, 0.2)  # exactly m/d


@pytest.mark.claim("(Answer: $\\rho^2 (d - m)/d$.)")
def test_expected_gd_distance_squared():
    rho = 3.0
    U = random_directions(20000, P.d, 12)
    d2 = np.sum((theory.gd_limit(P, rho * U) - P.x_star) ** 2, axis=1)
    assert abs(d2.mean() / (rho**2 * (P.d - P.m) / P.d) - 1) < 0.02


# ------------------------------------------------------- section 3: gradients, lemma
def _fd(F, w, g, eps=1e-6):
    gw = np.array([(F(w + eps * e, g) - F(w - eps * e, g)) / (2 * eps) for e in np.eye(len(w))])
    return gw


@pytest.mark.claim("its $\\nabla_w f$ also lost the factor $g$")
def test_partial_gradient_of_f_has_factor_g():
    w, g = W[0], 2.5
    r = P.y - g * (P.A @ w)
    fd = _fd(lambda w, g: P.loss(g * w), w, g)
    assert np.allclose(fd, -g * (P.A.T @ r), atol=1e-6)  # the course's formula
    assert not np.allclose(fd, -(P.A.T @ r), atol=1e-2)  # the printed one lacks g
    # and the flow (4) moves w along g·P_w·Aᵀr: −g·P_w·(printed ∇_w f up to sign)
    fl = wn_flow(P, g, w, c=1.0, t_eval=np.array([0.0, 1e-6]), t_max=1e-6, tol=0,
                 rtol=1e-12, atol=1e-14)
    dw = (fl.w[-1] - fl.w[0]) / 1e-6
    Atr = P.A.T @ r
    assert np.allclose(dw, g * (Atr - (w @ Atr) * w), rtol=1e-3, atol=1e-5)


@pytest.mark.claim("$\\nabla_w h$ is orthogonal to $w$: $h$ does not change when $w$ is rescaled")
def test_grad_h_orthogonal_to_w():
    w, g = 1.7 * W[1], -0.8  # not a unit vector
    gw = _fd(lambda w, g: P.loss(g * w / np.linalg.norm(w)), w, g)
    assert abs(gw @ w) < 1e-7 * np.linalg.norm(gw) * np.linalg.norm(w) + 1e-9
    assert np.isclose(P.loss(g * w / np.linalg.norm(w)), P.loss(g * 5 * w / np.linalg.norm(5 * w)))


@pytest.mark.claim("$\\|w_{t+1}\\|^2 = \\|w_t\\|^2 + \\eta_t^2\\|\\nabla_w h(w_t, g_t)\\|^2$")
def test_wn_norm_growth_identity():
    eta, g0 = 0.2, 2.0
    run = wn(P, g0, W[2], eta=eta, gamma=eta, tol=0, max_iter=40, record_x=True)
    n = run.history.w_norm
    assert np.all(np.diff(n) > 0)
    one = wn(P, g0, W[2], eta=eta, gamma=eta, tol=0, max_iter=1)
    gw = _fd(lambda w, g: P.loss(g * w / np.linalg.norm(w)), W[2], g0)
    assert np.isclose(np.linalg.norm(one.w) ** 2, 1 + eta**2 * gw @ gw, rtol=1e-7)


@pytest.mark.claim("$w_t^\\perp = \\alpha_t\\, w_0^\\perp$ with a scalar $\\alpha_t$")
def test_w_perp_keeps_its_direction():
    # large steps, and g0 = 0 (where x0⊥ = 0): w⊥ is still a multiple of w0⊥
    w0p = P.split(W[:3])[1]
    for alg in (wn, rpgd):
        run = alg(P, np.array([0.0, 3.0, -6.0]), W[:3], eta=0.05, gamma=0.05, tol=0, max_iter=400)
        wp = P.split(unit(run.w))[1]
        cos = np.sum(wp * w0p, axis=1) / np.linalg.norm(wp, axis=1) / np.linalg.norm(w0p, axis=1)
        assert np.all(np.abs(cos) > 1 - 1e-10)
        assert np.all(np.linalg.norm(wp, axis=1) < 0.9 * np.linalg.norm(w0p, axis=1))
    # WN's gradient is not in the row space: its ⊥ part is a multiple of w⊥
    w, g = 1.3 * W[0], 2.0
    gw = _fd(lambda w, g: P.loss(g * w / np.linalg.norm(w)), w, g)
    gp = P.split(gw)[1]
    assert np.linalg.norm(gp) > 1e-3
    wp = P.split(w)[1]
    assert abs(abs(gp @ wp) / np.linalg.norm(gp) / np.linalg.norm(wp) - 1) < 1e-6


@pytest.mark.claim("from $g_0 = 0$ (so $x_0^\\perp = 0$) the methods *create* an $x^\\perp$ along "
                   "$w_0^\\perp$")
def test_g0_zero_creates_x_perp():
    run = wn(P, 0.0, W[0], eta=0.005, gamma=0.005)
    xp = P.split(run.x)[1]
    w0p = P.split(W[0])[1]
    assert run.converged and np.linalg.norm(xp) > 1e-5
    assert abs(xp @ w0p) / (np.linalg.norm(xp) * np.linalg.norm(w0p)) > 1 - 1e-9


# ---------------------------------------------------- section 4: the limit (7)
@pytest.mark.claim("accurate when $(g^{*2} - g_0^2)/c$ is large: its relative error in "
                   "$\\|x_\\infty^\\perp\\|$ is about")
def test_printed_error_formula():
    rows = []
    for g0 in (0.1, 1.0, 2.0, 3.0, 4.0, 4.4):
        for c in (0.05, 0.3, 1.0, 3.0, 10.0, 100.0):
            err = _perp_rel_error(g0, W[:4], c)
            X = (P.g_star**2 - g0**2) / c
            a = np.sum(P.split(W[:4])[1] ** 2, axis=1)  # ‖w0⊥‖²
            approx = a * 0.5 * (P.g_star**2 / c - 1) * np.exp(-X)
            rows.append((X, err, approx))
            if np.all(np.abs(approx) < 0.1):
                assert np.allclose(err, approx, rtol=0.2, atol=1e-12)
            if X >= 10 and c >= 0.05:
                assert np.all(np.abs(err) < 1e-2)
    # and not accurate when X is small
    assert any(np.all(np.abs(e) > 0.2) for X, e, _ in rows if X < 0.5)


@pytest.mark.claim("$c = 100$ it is 22 % off even from $g_0 = 0.1$")
def test_printed_off_at_small_g0_large_c():
    err = _perp_rel_error(0.1, W_FAST, 100.0)
    assert -0.23 < err < -0.215
    assert abs(_perp_rel_error(0.1, W_FAST, 1.0)) < 1e-6  # small c: accurate


@pytest.mark.claim("For $g_0 > g^*$ it grows like $e^{(g_0^2 - g^{*2})/2c}$ and explodes when $c$ "
                   "is small.")
def test_printed_explodes_above_g_star_small_c():
    g0 = 2 * P.g_star
    pr = np.linalg.norm(P.split(theory.flow_limit_printed(P, g0, W[0], 1.0))[1])
    ex = np.linalg.norm(P.split(theory.flow_limit(P, g0, W[0], 1.0))[1])
    assert np.isclose(pr, P.g_star * np.linalg.norm(P.split(W[0])[1])
                      * np.exp((g0**2 - P.g_star**2) / 2), rtol=1e-9)
    assert pr / ex > 1e10
    assert abs(_perp_rel_error(g0, W[0], 1000.0)) < 1.0  # large c: no explosion


@pytest.mark.claim("so its limit is the formula's limit $g_0 \\to 0$ from that side")
def test_g0_zero_one_sided_limit():
    for w in W[:3]:
        s = np.sign(w @ P.A.T @ P.y)
        fl = wn_flow(P, 0.0, w, c=1.0, tol=1e-14)
        assert np.sign(fl.g[-1]) == s
        assert np.linalg.norm(fl.x[-1] - theory.flow_limit(P, s * 1e-12, w, 1.0)) < 1e-5
        assert np.linalg.norm(fl.x[-1] - theory.flow_limit(P, -s * 1e-12, w, 1.0)) > 1e-4


# ------------------------------------------------------- section 4: what we see
@pytest.mark.claim("its curve is a straight line whose slope is the average $\\|w_0^\\perp\\| "
                   "\\approx \\sqrt{(d-m)/d}$")
def test_gd_slope(figure1):
    dist = figure1["gd"].reshape(10, 10).mean(1)
    slope = np.polyfit(NORMS, dist, 1)[0]
    assert abs(slope - np.linalg.norm(P.split(W)[1], axis=1).mean()) < 2e-3
    assert abs(slope / np.sqrt((P.d - P.m) / P.d) - 1) < 0.01


@pytest.mark.claim("from $\\|x_0\\| \\le 3$ they come back to within 0.02 of $x^*$")
def test_wn_rpgd_near_x_star_below_three(figure1):
    for k in ("wn", "rpgd"):
        d = figure1[k].reshape(10, 10)
        assert d[:4].max() < 0.02
        assert 0.40 < d[4].mean() < 0.44  # ‖x0‖ = 4: 0.41 to 0.43
    assert abs(figure1["gd"].reshape(10, 10)[4].mean() - 3.58) < 0.005


@pytest.mark.claim("$|g_\\infty| > |g_0|$ exactly when $\\|x_0^\\parallel\\| < g^*$")
def test_g_grows_iff_row_part_below_g_star():
    rng = np.random.default_rng(5)
    g0 = rng.uniform(-2.5, 2.5, 400) * P.g_star
    w0 = random_directions(400, P.d, rng)
    c = 10 ** rng.uniform(-1.5, 2.5, 400)
    g_inf = np.array([theory.flow_g_inf(P, g, w, cc) for g, w, cc in zip(g0, w0, c, strict=True)])
    x_par = np.abs(g0) * np.linalg.norm(P.split(w0)[0], axis=1)
    grows = np.abs(g_inf) > np.abs(g0)
    assert np.array_equal(grows, x_par < P.g_star)
    assert 50 < grows.sum() < 380  # both sides probed
    # near the edge ‖x0∥‖ = g*: g_inf = g0
    w = W[0]
    g_edge = P.g_star / np.linalg.norm(P.split(w)[0])
    for f, sign in ((0.99, 1), (1.01, -1)):
        gi = theory.flow_g_inf(P, f * g_edge, w, 1.0)
        assert np.sign(abs(gi) - f * g_edge) == sign
    # the integrated flow agrees on two starts, one on each side
    fl = wn_flow(P, np.array([0.99, 1.01]) * g_edge, np.tile(w, (2, 1)), c=1.0, tol=1e-14)
    assert fl.g[-1, 0] > 0.99 * g_edge and fl.g[-1, 1] < 1.01 * g_edge


@pytest.mark.claim("When $c < \\min(g_0^2, g^{*2})$, WN ends closer to $x^*$ than GD exactly "
                   "when $g$ grows.")
def test_wn_beats_gd_iff_g_grows_when_c_small():
    rng = np.random.default_rng(6)
    n = 400
    g0 = rng.uniform(0.2, 2.5, n) * P.g_star
    w0 = random_directions(n, P.d, rng)
    c = rng.uniform(0.02, 1.0, n) * np.minimum(g0**2, P.g_star**2)
    wn_d, gd_d = np.array([theory.limit_distances(P, g, w, cc)
                           for g, w, cc in zip(g0, w0, c, strict=True)]).T
    g_inf = np.array([theory.flow_g_inf(P, g, w, cc) for g, w, cc in zip(g0, w0, c, strict=True)])
    grows = np.abs(g_inf) > g0
    assert np.array_equal(wn_d < gd_d, grows)
    assert 50 < grows.sum() < 350
    # the hypothesis matters: with c = 100 > g0² = 1, g grows and WN still loses
    wn_f, gd_f = theory.limit_distances(P, 1.0, W_FAST, 100.0)
    assert theory.flow_g_inf(P, 1.0, W_FAST, 100.0) > 1.0 and wn_f > gd_f


@pytest.mark.claim("three starts where they lose, all at $\\|x_0\\| = 9$, are exactly the three "
                   "with $\\|x_0^\\parallel\\| > g^*$")
def test_figure1_losses_are_row_part_above_g_star(figure1):
    x_par = np.linalg.norm(P.split(G0[:, None] * W0)[0], axis=1)
    nonzero = G0 > 0
    for k in ("wn", "rpgd"):
        lose = (figure1[k] > figure1["gd"]) & nonzero
        assert np.array_equal(np.nonzero(lose)[0], np.nonzero(x_par > P.g_star)[0])
        assert lose.sum() == 3 and np.all(G0[lose] == 9)


@pytest.mark.claim("from $\\|x_0\\| \\ge 1$ they beat GD exactly when "
                   "$\\|x_0^\\parallel\\| < g^*$, the starts from which the flow's $g$ grows")
def test_figure1_beat_gd_iff_g_grows(figure1):
    nonzero = G0 > 0
    x_par = np.linalg.norm(P.split(G0[:, None] * W0)[0], axis=1)
    grows = np.abs(theory.flow_g_inf(P, SIDE, W0, 1.0)) > G0
    assert np.array_equal(grows, x_par < P.g_star)
    for k in ("wn", "rpgd"):
        wins = figure1[k] < figure1["gd"]
        assert np.array_equal(wins[nonzero], grows[nonzero])


@pytest.mark.claim("agrees with the exact one to $10^{-4}$ (relative) for $\\|x_0\\| \\le 3$")
def test_printed_accuracy_on_figure1():
    ex = np.linalg.norm(theory.flow_limit(P, SIDE, W0, 1.0) - P.x_star, axis=1).reshape(10, 10)
    pr = np.linalg.norm(theory.flow_limit_printed(P, SIDE, W0, 1.0) - P.x_star,
                        axis=1).reshape(10, 10)
    assert np.all(np.abs(pr[:4] / ex[:4] - 1) < 1e-4)
    assert abs(pr[4].mean() - 0.434) < 5e-4 and abs(ex[4].mean() - 0.402) < 5e-4
    assert 0.07 < pr[4].mean() / ex[4].mean() - 1 < 0.09
    assert np.all(pr[5:] / ex[5:] > 10)


@pytest.mark.claim("With $c = \\gamma/\\eta$ large they can lose to GD even from small starts")
def test_large_c_loses_from_small_start():
    wn_d, gd_d = theory.limit_distances(P, 1.0, W_FAST, 100.0)
    assert wn_d > 5 * gd_d
    wn_1, gd_1 = theory.limit_distances(P, 1.0, W_FAST, 1.0)
    assert wn_1 < 0.01 * gd_1
    run = wn(P, 1.0, W_FAST, eta=0.005, gamma=0.5)
    assert np.linalg.norm(run.x - P.x_star) > 5 * gd_d


# --------------------------------------------------------- section 5: explorer
@pytest.mark.claim("watch the shrinking weaken (at $\\|x_0\\| = 9$ WN keeps 97 % of GD's "
                   "$\\|x_0^\\perp\\|$)")
def test_shrinking_weakens_with_norm():
    wn_d, gd_d = theory.limit_distances(P, NORMS[1:], np.tile(W[0], (9, 1)), 1.0)
    ratio = wn_d / gd_d
    assert np.all(np.diff(ratio) > 0)
    assert abs(ratio[-1] - 0.97) < 0.005
    run = wn(P, 9.0, W[0], eta=0.005, gamma=0.005, tol=1e-10)
    assert abs(np.linalg.norm(P.split(run.x)[1]) / gd_d[-1] - 0.97) < 0.005


@pytest.mark.claim("Halving $\\eta$ halves the gap (ratio $\\approx 2$)")
def test_halving_eta_halves_gap():
    norms = np.array([2.0, 4.0, 7.0])
    w = np.tile(W[0], (3, 1))
    exact = np.linalg.norm(P.split(theory.flow_limit(P, norms, w, 1.0))[1], axis=1)
    for alg in (wn, rpgd):
        gaps = []
        for eta in (0.01, 0.005):
            r = alg(P, norms, w, eta=eta, gamma=eta, tol=1e-10)
            gaps.append(np.abs(np.linalg.norm(P.split(r.x)[1], axis=1) - exact))
        assert np.all((gaps[0] / gaps[1] > 1.8) & (gaps[0] / gaps[1] < 2.3))


# ------------------------------------------------------------ exercises, hints
@pytest.mark.claim("With c = 100 the scale races to g_∞ ≈ ‖x_∞‖ before w⊥ has time to shrink: "
                   "WN ends farther from x* than GD.")
def test_fast_scale_remark():
    g_inf = theory.flow_g_inf(P, 1.0, W_FAST, 100.0)
    x_inf = theory.flow_limit(P, 1.0, W_FAST, 100.0)
    assert np.isclose(np.linalg.norm(x_inf), g_inf, rtol=1e-9)
    damp = np.exp((1.0 - g_inf**2) / 200.0)
    assert damp > 0.8  # w⊥ barely shrinks
    wn_d, gd_d = theory.limit_distances(P, 1.0, W_FAST, 100.0)
    assert wn_d > gd_d


@pytest.mark.claim("Starting below $g^*$ is not enough; the implicit bias of WN needs a slow scale "
                   "(small $c$).")
def test_slow_scale_needed():
    cs = np.array([0.1, 1.0, 3.0, 30.0, 100.0])
    ratios = [np.divide(*theory.limit_distances(P, 1.0, W_FAST, c)) for c in cs]
    assert ratios[0] < 1e-3 and ratios[1] < 1e-2 and ratios[-1] > 5
    assert np.all(np.diff(ratios) > 0)


@pytest.mark.claim("Without it the step is not orthogonal to w.")
def test_projection_needed_for_orthogonality():
    g0, u = 2.0, unit(np.random.default_rng(3).standard_normal(100))
    r = P.y - g0 * (P.A @ u)
    full = -g0 * (P.A.T @ r)
    proj = full - (u @ full) * u
    assert abs(u @ full) > 1e-2 and abs(u @ proj) < 1e-12


@pytest.mark.claim("GD does reach zero loss, but not x* itself: one part of the start survives "
                   "every step.")
def test_gd_hint_part_survives():
    x0 = 3.0 * unit(np.random.default_rng(7).standard_normal(100))
    run = gd(P, x0, eta=1.0, tol=1e-20, max_iter=3000, record_every=50)
    assert run.converged and P.loss(run.x) <= 1e-20
    assert np.linalg.norm(run.x - P.x_star) > 1.0
    assert np.allclose(run.history.x_perp_norm, np.linalg.norm(P.split(x0)[1]), rtol=1e-12)


@pytest.mark.claim("and from a start shorter than the smallest solution most of that part "
                   "disappears.")
def test_most_of_x0_perp_disappears_below_g_star(figure1):
    below = (G0 > 0) & (G0 < P.g_star)
    for k in ("wn", "rpgd"):
        assert np.all(figure1[k][below] < 0.15 * figure1["gd"][below])
    # not so from a longer start: at ‖x0‖ = 9 WN keeps most of it
    assert np.mean(figure1["wn"][G0 == 9] / figure1["gd"][G0 == 9]) > 0.9


@pytest.mark.claim("shrinking for WN and rPGD (from $\\|x_0\\| > 0$)")
def test_explorer_x_perp_shrinks():
    w = np.tile(W[0], (10, 1))
    for alg in (wn, rpgd):
        r = alg(P, NORMS, w, eta=0.005, gamma=0.005, tol=1e-10)
        xp = np.linalg.norm(P.split(r.x)[1], axis=1)
        x0p = NORMS * np.linalg.norm(P.split(W[0])[1])
        assert np.all(xp[1:] < x0p[1:]) and xp[0] > x0p[0] == 0
