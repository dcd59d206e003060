"""Claims of chapter 2 (the continuous-time picture, Section 2), each recomputed with wnlib.

The running example is ``make_problem(10, 40, seed=0)``; the random starts of the notebook come
from ``default_rng(2020)`` in the order the chapter draws them (rebuilt in :func:`_starts`).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from wnlib import (
    example_problem,
    make_problem,
    random_directions,
    rpgd,
    theory,
    tilted_start,
    unit,
    wn,
    wn_flow,
)
from wnlib.flow import flow_rhs
from wnlib.problem import Problem

P = make_problem(10, 40, seed=0)
EX = example_problem()
Q = make_problem(5, 20, kind="orthogonal", seed=1)  # the chapter's c = 0 problems
G = make_problem(5, 20, kind="gaussian", seed=1)


def _starts() -> dict:
    """The notebook's random draws from default_rng(2020), in order."""
    rng = np.random.default_rng(2020)
    out = {"w0_a": unit(rng.standard_normal(P.d)), "v": rng.standard_normal(P.d)}
    out["w_gen"] = unit(rng.standard_normal(P.d))
    out["g_many"] = rng.uniform(-2, 2, 40) * P.g_star
    out["w_many"] = unit(rng.standard_normal((40, P.d)))
    w0_b = unit(rng.standard_normal(P.d))
    out["w0_b"] = w0_b * np.sign(w0_b @ P.w_star)
    out["w0_c"] = tilted_start(P, 50.0, rng.standard_normal(P.d), deg=True)
    out["v2"] = rng.standard_normal(20)
    return out


S0 = _starts()


def _ex_dir(theta_deg: float) -> np.ndarray:
    return tilted_start(EX, theta_deg, deg=True)


@pytest.fixture(scope="module")
def path_b():
    """The chapter's Lemma 2.4/2.5 path: g0 = 0.3 g*, c = 2, up to t = 30."""
    t = np.concatenate([[0.0], np.geomspace(1e-3, 30.0, 600)])
    return wn_flow(P, 0.3 * P.g_star, S0["w0_b"], c=2.0, t_max=30.0, tol=0, t_eval=t)


def _gap(run, etas, checkpoints, flow_x):
    out = []
    for i, e in enumerate(etas):
        ks = np.rint(checkpoints / e).astype(int)
        out.append(np.linalg.norm(run.history.x[ks, i] - flow_x, axis=1).max())
    return np.array(out)


# ------------------------------------------------------------- from algorithms to a flow
@pytest.mark.claim("on a fixed time interval both stay within $O(\\eta)$ of it")
def test_gap_to_flow_is_order_eta():
    g0, T = 0.5 * P.g_star, 4.0
    etas = np.array([0.05, 0.025, 0.0125])
    K = int(round(T / etas.min()))
    G0, W0 = np.full(3, g0), np.tile(S0["w0_a"], (3, 1))
    kw = dict(eta=lambda t, g: etas, gamma=lambda t, g: etas, tol=0, max_iter=K, record_x=True)
    cps = np.arange(1, 9) * 0.5
    fl = wn_flow(P, g0, S0["w0_a"], c=1.0, t_max=T, tol=0, t_eval=cps)
    for alg in (wn, rpgd):
        gap = _gap(alg(P, G0, W0, **kw), etas, cps, fl.x[:8])
        assert np.all(gap / etas < 1.5)  # gap ≤ C·η with one constant
        assert np.all((gap[:-1] / gap[1:] > 1.8) & (gap[:-1] / gap[1:] < 2.2))


@pytest.mark.claim("Either assignment has a flow limit: swapping them gives the flow below with "
                   "$c$ replaced by $1/c$, run in the time $\\tau = ct$.")
def test_swapped_step_assignment_has_a_limit():
    c, g0, T = 3.0, 0.5 * P.g_star, 2.0
    w0 = S0["w0_a"]
    fl = wn_flow(P, g0, w0, c=1 / c, t_max=c * T, tol=0, t_eval=np.array([0.0, c * T]))
    gaps = []
    for eta in (0.01, 0.005):
        run = wn(P, g0, w0, eta=c * eta, gamma=eta, tol=0, max_iter=int(round(T / eta)))
        gaps.append(np.linalg.norm(run.x - fl.x[-1]))
    assert gaps[1] < 0.01 and 1.8 < gaps[0] / gaps[1] < 2.2
    # and it is not the flow with c (unless c = 1)
    other = wn_flow(P, g0, w0, c=c, t_max=T, tol=0, t_eval=np.array([0.0, T]))
    assert np.linalg.norm(run.x - other.x[-1]) > 0.1


@pytest.mark.claim("but over $t/\\eta$ steps it adds up to order $\\eta\\,t$")
def test_wn_norm_growth_is_order_eta_t():
    g0 = 0.5 * P.g_star
    growth = {}
    for eta in (0.02, 0.01):
        run = wn(P, g0, S0["w0_a"], eta=eta, gamma=eta, tol=0, max_iter=int(round(4.0 / eta)),
                 record_every=1)
        n2 = run.history.w_norm**2 - 1
        t = run.history.step * eta
        growth[eta] = (n2[np.searchsorted(t, 1.0)], n2[-1])
    assert 1.8 < growth[0.02][1] / growth[0.01][1] < 2.2  # ∝ η at fixed t
    assert growth[0.02][1] > growth[0.02][0] > 0  # and it accumulates in t


# ------------------------------------------------------------------ stationary points
@pytest.mark.claim("A stationary point $(g,w)$ of the WN flow (for $c>0$ these are the stationary "
                   "points of the loss (2)) either (a) has zero loss, or (b) lies in the set")
def test_stationary_points_c_positive():
    # the c = 0 end points (positive loss, g ≠ 0) are not stationary once c > 0
    for prob in (Q, G):
        w_end = theory.fixed_scale_limit(prob, 0.5 * prob.g_star, unit(S0["v2"]))
        dg0, dw0 = flow_rhs(prob, np.array([0.5 * prob.g_star]), w_end[None], 0.0)
        assert abs(dg0[0]) < 1e-9 and np.linalg.norm(dw0) < 1e-9
        dg, _ = flow_rhs(prob, np.array([0.5 * prob.g_star]), w_end[None], 1.0)
        assert abs(dg[0]) > 1e-2
    # random flows with c > 0 end at zero loss; a point of S does not move
    rng = np.random.default_rng(21)
    fl = wn_flow(P, rng.uniform(-2, 2, 12) * P.g_star, random_directions(12, P.d, rng), c=0.5,
                 tol=1e-12, t_max=2e3)
    assert fl.converged
    aty = P.A.T @ P.y
    w_S = unit(S0["v"] - (S0["v"] @ aty) / (aty @ aty) * aty)
    dg, dw = flow_rhs(P, np.array([0.0]), w_S[None], 1.0)
    assert abs(dg[0]) < 1e-12 and np.linalg.norm(dw) < 1e-12


@pytest.mark.claim("With $c=0$ the lemma fails: $g$ is frozen, and $w$ stops wherever "
                   "$\\|g_0Aw-y\\|$ is stationary on the sphere, at a positive loss when "
                   "$|g_0|<g^*$")
def test_c_zero_has_other_stationary_points():
    losses = []
    for prob in (Q, G):
        g0 = 0.5 * prob.g_star
        w_start = unit(S0["v2"]) * np.sign(S0["v2"] @ prob.w_star)
        fl = wn_flow(prob, g0, w_start, c=0.0, t_max=150.0, tol=1e-20, stall=1e-10)
        assert fl.g[-1] == g0 and not theory.in_spurious_set(prob, fl.g[-1], fl.w[-1])
        _, dw = flow_rhs(prob, np.array([g0]), fl.w[-1][None], 0.0)
        assert np.linalg.norm(dw) < 1e-8
        losses.append(fl.loss[-1])
    assert abs(losses[0] - 0.5413) < 1e-4 and abs(losses[1] - 0.1192) < 1e-4


@pytest.mark.claim("A tiny push ($g=10^{-3}$ and a $10^{-3}$ tilt towards $A^\\top y$) escapes, "
                   "and the flow reaches zero loss.")
def test_push_off_S_escapes():
    aty = P.A.T @ P.y
    w_S = unit(S0["v"] - (S0["v"] @ aty) / (aty @ aty) * aty)
    stuck = wn_flow(P, 0.0, w_S, c=1.0, t_max=100.0)
    assert stuck.stalled and abs(stuck.loss[-1] - 0.5 * P.y @ P.y) < 1e-12
    pushed = wn_flow(P, 1e-3, unit(w_S + 1e-3 * unit(aty)), c=1.0, t_max=400.0, tol=1e-12)
    assert pushed.converged


@pytest.mark.claim("In the table, every start that fails the condition still reaches zero loss.")
def test_failing_starts_still_converge():
    below = theory.starts_below_zero_loss(P, S0["g_many"], S0["w_many"])
    many = wn_flow(P, S0["g_many"], S0["w_many"], c=1.0, t_max=400.0, tol=1e-10)
    assert (~below).sum() == 26 and np.all(many.loss[-1][~below] <= 1e-10)


@pytest.mark.claim("a start with loss below $\\tfrac12\\|y\\|^2$ can never come near $S$")
def test_below_half_y_never_near_S(path_b):
    f0 = path_b.loss[0]
    assert f0 < 0.5 * P.y @ P.y
    assert np.all(np.diff(path_b.loss) <= 1e-15)
    # on S the loss is ½‖y‖²: the path keeps a gap of ½‖y‖² − f0 from it
    assert np.min(0.5 * P.y @ P.y - path_b.loss) >= 0.5 * P.y @ P.y - f0 - 1e-12


# ---------------------------------------------------------------- the loss only goes down
@pytest.mark.claim("So the loss never increases, and if $g_t^2\\ge C^2>0$ for all $t$ it decays "
                   "geometrically")
def test_geometric_decay_with_g_bounded_below(path_b):
    C2, c = np.min(path_b.g**2), 2.0
    bound = path_b.loss[0] * np.exp(-2 * P.lam_min * min(C2, c) * path_b.t)
    assert np.all(path_b.loss <= bound * (1 + 1e-9) + 1e-15)
    assert np.all(np.diff(path_b.loss) <= 1e-15)


@pytest.mark.claim("When the loss is below $\\tfrac12\\|y\\|^2$ and $g^2$ is small, $g^2$ grows")
def test_self_balancing_small_g():
    rng = np.random.default_rng(22)
    W = random_directions(200, P.d, rng)
    W *= np.sign(W @ P.A.T @ P.y)[:, None]  # a small g of this sign lowers the loss
    g = np.full(200, 1e-3)
    assert np.all(theory.starts_below_zero_loss(P, g, W))
    assert np.all(theory.scale_rate(P, g, W, 1.0) > 0)
    # with the loss above ½‖y‖² (the other sign) g² shrinks instead
    assert np.all(theory.scale_rate(P, -g, W, 1.0) < 0)


# ----------------------------------------------------------------------- the invariant
@pytest.mark.claim("$w^\\perp$ keeps its direction and shrinks exactly when $g^2$ grows.")
def test_w_perp_shrinks_iff_g2_grows():
    rng = np.random.default_rng(23)
    # g grows from a small start and shrinks from a large one (‖x0∥‖ > g*)
    g0 = np.array([0.3, 3.0]) * P.g_star
    W = random_directions(2, P.d, rng)
    fl = wn_flow(P, g0, W, c=1.0, tol=1e-12, t_eval=np.linspace(0, 30, 301))
    wp = P.split(fl.w.reshape(-1, P.d))[1].reshape(fl.w.shape)
    for b in range(2):
        cos = wp[:, b] @ wp[0, b] / np.linalg.norm(wp[:, b], axis=1) / np.linalg.norm(wp[0, b])
        assert np.all(cos > 1 - 1e-9)
        dn = np.diff(np.linalg.norm(wp[:, b], axis=1))
        dg2 = np.diff(fl.g[:, b] ** 2)
        moving = np.abs(dg2) > 1e-9
        assert np.all(np.sign(dn[moving]) == -np.sign(dg2[moving]))
    assert fl.g[-1, 0] > g0[0] and fl.g[-1, 1] < g0[1]


@pytest.mark.claim("$\\|w_t^\\perp\\|^2\\exp(g_t^2/2c)$ would equal $\\|w_t^\\perp\\|$ times the "
                   "invariant, so it would **not** be constant")
def test_squared_reading_not_conserved(path_b):
    inv = theory.invariant(P, path_b.g, path_b.w, 2.0)
    sq = theory.invariant_printed(P, path_b.g, path_b.w, 2.0)
    wp = np.linalg.norm(P.split(path_b.w)[1], axis=1)
    assert np.allclose(sq, wp * inv, rtol=1e-12)
    assert (inv.max() - inv.min()) / inv[0] < 1e-8
    assert (sq.max() - sq.min()) / sq[0] > 0.5


@pytest.mark.claim("the paper's own Theorem 2.7 threshold $g_0^2>2c\\log(1/\\|w_0^\\perp\\|)$ is "
                   "what this unsquared invariant gives")
def test_threshold_from_unsquared_invariant(path_b):
    c = 2.0
    wp = np.linalg.norm(P.split(path_b.w)[1], axis=1)
    # unsquared: g_t² = g0² + 2c·log(‖w0⊥‖/‖wt⊥‖) ≥ g0² + 2c·log‖w0⊥‖ (the threshold's κ)
    g2 = path_b.g[0] ** 2 + 2 * c * np.log(wp[0] / wp)
    assert np.allclose(path_b.g**2, g2, rtol=1e-8)
    # the squared reading would predict 4c instead of 2c, which the path does not follow
    assert not np.allclose(path_b.g**2, path_b.g[0] ** 2 + 4 * c * np.log(wp[0] / wp), rtol=1e-2)


# ------------------------------------------------------------------- where the flow ends
@pytest.mark.claim("there the left side increases, so the root is unique")
def test_root_equation_increasing_on_branch():
    rng = np.random.default_rng(24)
    for _ in range(200):
        a, g0, c = rng.uniform(0.01, 0.99), rng.uniform(-3, 3), 10 ** rng.uniform(-2, 2)
        lo = max(0.0, g0 * g0 + c * math.log(a))
        s = lo + np.linspace(0, 10 + 5 * c, 2000)
        phi = s * (1 - a * np.exp((g0 * g0 - s) / c))
        assert np.all(np.diff(phi) > 0)


@pytest.mark.claim("so $|g_\\infty|>|g_0|$ exactly when $\\|x_0^\\parallel\\|<g^*$")
def test_g_grows_iff_row_part_short():
    rng = np.random.default_rng(25)
    n = 300
    g0 = rng.uniform(-3, 3, n) * P.g_star
    W = random_directions(n, P.d, rng)
    c = 10 ** rng.uniform(-1.5, 2, n)
    g_inf = np.array([theory.flow_g_inf(P, g, w, cc) for g, w, cc in zip(g0, W, c, strict=True)])
    x_par = np.abs(g0) * np.linalg.norm(P.split(W)[0], axis=1)
    assert np.array_equal(np.abs(g_inf) > np.abs(g0), x_par < P.g_star)
    assert 50 < np.sum(x_par < P.g_star) < n - 50
    # the flow itself, on both sides of the edge ‖x0∥‖ = g*
    w = S0["w0_c"]
    edge = P.g_star / np.linalg.norm(P.split(w)[0])
    fl = wn_flow(P, np.array([0.98, 1.02]) * edge, np.tile(w, (2, 1)), c=0.5, tol=1e-14)
    assert fl.g[-1, 0] > 0.98 * edge and fl.g[-1, 1] < 1.02 * edge


@pytest.mark.claim("Either the loss converges to zero, or $(g_t,w_t)$ converges to a point of $S$.")
def test_dichotomy_c_positive():
    rng = np.random.default_rng(26)
    g0 = rng.uniform(-2, 2, 16) * P.g_star
    fl = wn_flow(P, g0, random_directions(16, P.d, rng), c=1.0, tol=1e-12, t_max=2e3)
    assert fl.converged  # (a) for generic starts
    aty = P.A.T @ P.y
    w_S = unit(S0["v"] - (S0["v"] @ aty) / (aty @ aty) * aty)
    stuck = wn_flow(P, 0.0, w_S, c=1.0, t_max=100.0)
    assert stuck.stalled and theory.in_spurious_set(P, stuck.g[-1], stuck.w[-1])  # (b)
    # with c = 0 neither: positive loss, not in S
    fix = wn_flow(G, 0.5 * G.g_star, unit(S0["v2"]), c=0.0, t_max=150.0, tol=1e-20, stall=1e-10)
    assert fix.loss[-1] > 0.1 and not theory.in_spurious_set(G, fix.g[-1], fix.w[-1])


@pytest.mark.claim("its $g$ ends at $-1.162$ and $x_2$ at $-0.591$, while $g_\\infty=+1.162$ would "
                   "put $x_2$ at $+0.591$.")
def test_g_crosses_zero_example():
    w = np.array([math.cos(2.0), math.sin(2.0)])
    assert not theory.starts_below_zero_loss(EX, 0.4351, w)
    fl = wn_flow(EX, 0.4351, w, c=1.0, tol=1e-14)
    assert fl.converged and abs(fl.g[-1] + 1.162) < 5e-4 and abs(fl.x[-1, 1] + 0.591) < 5e-4
    assert abs(theory.flow_g_inf(EX, 0.4351, w, 1.0) - 1.162) < 5e-4
    assert abs(theory.flow_limit(EX, 0.4351, w, 1.0)[1] - 0.591) < 5e-4
    # (7) with the signed (negative) g_inf gives the flow's end point
    g_inf = fl.g[-1]
    x2 = g_inf * w[1] * math.exp((0.4351**2 - g_inf**2) / 2)
    assert abs(x2 - fl.x[-1, 1]) < 1e-5


@pytest.mark.claim("A sufficient condition for zero loss with $g$ keeping its sign is "
                   "$\\|y\\|^2>\\|Ag_0w_0-y\\|^2$.")
def test_sufficient_condition_sign_kept():
    rng = np.random.default_rng(27)
    g0 = rng.uniform(-2, 2, 60) * P.g_star
    W = random_directions(60, P.d, rng)
    below = theory.starts_below_zero_loss(P, g0, W)
    fl = wn_flow(P, g0[below], W[below], c=1.0, tol=1e-10, t_max=2e3,
                 t_eval=np.linspace(0, 50, 501))
    assert below.sum() >= 10 and fl.converged
    assert np.all(np.sign(fl.g) == np.sign(g0[below]))  # at every reported time


@pytest.mark.claim("accurate when $(g^{*2}-g_0^2)/c$ is large (then $g_\\infty\\approx g^*$; the "
                   "relative error in $\\|x_\\infty^\\perp\\|$ is about")
def test_printed_limit_accuracy():
    w = S0["w0_c"]
    a = np.sum(P.split(w)[1] ** 2)
    for gr in (0.1, 0.5, 0.9):
        for cu in (0.02, 0.1, 0.5, 2.0, 10.0):
            g0, c = gr * P.g_star, cu * P.g_star**2
            pr = np.linalg.norm(P.split(theory.flow_limit_printed(P, g0, w, c))[1])
            ex = np.linalg.norm(P.split(theory.flow_limit(P, g0, w, c))[1])
            X = (P.g_star**2 - g0**2) / c
            approx = a * 0.5 * (P.g_star**2 / c - 1) * math.exp(-X)
            if X >= 1.5 and abs(approx) < 0.1:  # the leading term of the expansion in e^{-X}
                assert abs((pr / ex - 1) - approx) <= 0.2 * abs(approx) + 1e-12
            if X < 0.6:
                assert abs(pr / ex - 1) > 0.05  # X small: not accurate, whatever g0


@pytest.mark.claim("but for $g_0>g^*$ and small $c$ it grows like $e^{g_0^2/2c}$ while the true "
                   "limit stays moderate.")
def test_printed_limit_explodes():
    w = S0["w0_c"]
    c = 0.1 * P.g_star**2
    for gr in (1.5, 2.0):
        g0 = gr * P.g_star
        pr = np.linalg.norm(theory.flow_limit_printed(P, g0, w, c) - P.x_star)
        ex = np.linalg.norm(theory.flow_limit(P, g0, w, c) - P.x_star)
        assert pr > 1000 and ex < 2.5 * g0


@pytest.mark.claim("WN multiplies the null-space part by $g_\\infty\\ge g^*$ instead of $g_0$")
def test_g_inf_at_least_g_star():
    rng = np.random.default_rng(28)
    g0 = rng.uniform(0.01, 3, 200) * P.g_star
    W = random_directions(200, P.d, rng)
    c = 10 ** rng.uniform(-2, 2, 200)
    g_inf = np.array([theory.flow_g_inf(P, g, w, cc) for g, w, cc in zip(g0, W, c, strict=True)])
    assert np.all(g_inf >= P.g_star * (1 - 1e-12))


@pytest.mark.claim("When $c<\\min(g_0^2,g^{*2})$ the two effects resolve simply: WN ends closer "
                   "than GD exactly when $|g|$ grows, i.e. exactly when $\\|x_0^\\parallel\\|<g^*$")
def test_wn_beats_gd_iff_row_part_short():
    rng = np.random.default_rng(29)
    n = 300
    g0 = rng.uniform(0.1, 3, n) * P.g_star
    W = random_directions(n, P.d, rng)
    c = rng.uniform(0.01, 0.999, n) * np.minimum(g0**2, P.g_star**2)
    wn_d, gd_d = np.array([theory.limit_distances(P, g, w, cc)
                           for g, w, cc in zip(g0, W, c, strict=True)]).T
    x_par = g0 * np.linalg.norm(P.split(W)[0], axis=1)
    assert np.array_equal(wn_d < gd_d, x_par < P.g_star)
    assert 50 < np.sum(x_par < P.g_star) < n - 50
    # outside the hypothesis the rule breaks: ex-ch2-beat-gd (g grows, WN loses)
    wn_e, gd_e = theory.limit_distances(EX, 0.2, _ex_dir(60), 20.0)
    assert theory.flow_g_inf(EX, 0.2, _ex_dir(60), 20.0) > 0.2 and wn_e > gd_e


@pytest.mark.claim("Make that shrink factor weak (large c) and g0 small.")
def test_beat_gd_hint():
    w = _ex_dir(60)
    for g0 in (0.1, 0.2, 0.3):
        assert np.divide(*theory.limit_distances(EX, g0, w, 20.0)) > 1  # large c: WN loses
        assert np.divide(*theory.limit_distances(EX, g0, w, 0.1)) < 1  # small c: WN wins


@pytest.mark.claim("and the shrink factor is weak when $c$ is large")
def test_shrink_factor_weak_for_large_c():
    w = _ex_dir(60)
    factors = []
    for c in (0.1, 1.0, 20.0, 1000.0):
        g_inf = theory.flow_g_inf(EX, 0.2, w, c)
        factors.append(math.exp((0.2**2 - g_inf**2) / (2 * c)))
    assert np.all(np.diff(factors) > 0) and factors[-1] > 0.99 and factors[0] < 0.01


# -------------------------------------------------------------------- fixing the scale
@pytest.mark.claim("If $A$ is orthogonal ($AA^\\top=I$) and $w_0\\ne-w^*$, then $w_t\\to w^*$.")
def test_part2_orthogonal():
    rng = np.random.default_rng(30)
    W = random_directions(6, Q.d, rng)
    W[0] = unit(-Q.w_star + 0.05 * W[0])  # near −w*, still converges
    g0 = 0.5 * Q.g_star
    fl = wn_flow(Q, np.full(6, g0), W, c=0.0, t_max=400.0, tol=1e-20, stall=1e-12)
    assert np.all(np.linalg.norm(fl.w[-1] - Q.w_star, axis=1) < 1e-6)


@pytest.mark.claim("(From $w_0=-w^*$ the flow does not move: $A^\\top r$ is parallel to $w$ "
                   "there.)")
def test_part2_minus_w_star_is_stationary():
    r = Q.y + 0.5 * Q.g_star * (Q.A @ Q.w_star)  # residual at g0 = g*/2, w = −w*
    Atr = Q.A.T @ r
    assert np.linalg.norm(Atr - (Atr @ Q.w_star) * Q.w_star) < 1e-12
    fl = wn_flow(Q, 0.5 * Q.g_star, -Q.w_star, c=0.0, t_max=100.0, stall=1e-10)
    assert fl.stalled and np.linalg.norm(fl.w[-1] + Q.w_star) < 1e-12


@pytest.mark.claim("For general $A$ the flow still converges to a point $\\tilde w_0$ of the row "
                   "space of $A$")
def test_part2_general_row_space_not_w_star():
    rng = np.random.default_rng(31)
    W = random_directions(4, G.d, rng)
    g0 = 0.5 * G.g_star
    fl = wn_flow(G, np.full(4, g0), W, c=0.0, t_max=400.0, tol=1e-20, stall=1e-11)
    assert np.all(np.linalg.norm(G.split(fl.w[-1])[1], axis=1) < 1e-6)
    pred = theory.fixed_scale_limit(G, np.full(4, g0), W)
    ok = np.linalg.norm(fl.w[-1] - pred, axis=1) < 1e-5
    assert ok.sum() >= 3  # generic starts reach the minimizer
    assert np.all(np.linalg.norm(fl.w[-1] - G.w_star, axis=1) > 0.1)


@pytest.mark.claim("for general $A$ it is not, because $A^\\top A$ shrinks the directions of $x^*$ "
                   "unevenly")
def test_part2_minimizer_not_w_star_iff_uneven():
    g0 = 0.5 * G.g_star
    w_G = theory.fixed_scale_limit(G, g0, unit(S0["v2"]) * np.sign(S0["v2"] @ G.w_star))
    assert np.linalg.norm(w_G - G.w_star) > 0.3
    w_Q = theory.fixed_scale_limit(Q, 0.5 * Q.g_star, unit(S0["v2"]) * np.sign(S0["v2"] @ Q.w_star))
    assert np.linalg.norm(w_Q - Q.w_star) < 1e-10
    # x* along one eigenvector of AᵀA: then nothing is uneven and the minimizer is w*
    Vt = np.linalg.svd(G.A, full_matrices=False)[2]
    one = Problem(G.A, G.A @ (2.0 * Vt[0]))
    w_one = theory.fixed_scale_limit(one, 0.5 * one.g_star, unit(S0["v2"]))
    assert np.linalg.norm(w_one - one.w_star) < 1e-8


@pytest.mark.claim("and restarting the flow with $c>0$ from $(g_0,\\tilde w_0)$ gives "
                   "$g_tw_t\\to x^*$")
def test_part2_restart():
    g0 = 0.5 * G.g_star
    w_t = theory.fixed_scale_limit(G, g0, unit(S0["v2"]))
    fl = wn_flow(G, g0, w_t, c=1.0, tol=1e-20, t_max=400.0)
    assert np.linalg.norm(fl.x[-1] - G.x_star) < 1e-7


@pytest.mark.claim("zero loss is reachable on the sphere, $w^\\perp$ keeps its direction, and the "
                   "flow stops at")
def test_part2_above_g_star():
    for prob in (Q, G):
        g0 = 1.5 * prob.g_star
        w0 = unit(S0["v2"])
        fl = wn_flow(prob, g0, w0, c=0.0, t_max=400.0, tol=1e-20, stall=1e-12)
        pred = prob.x_star / g0 + math.sqrt(1 - (1 / 1.5) ** 2) * unit(prob.split(w0)[1])
        assert fl.loss[-1] < 1e-14 and np.linalg.norm(fl.w[-1] - pred) < 1e-6


@pytest.mark.claim("There is no invariant now, but $w^\\perp$ still keeps its direction.")
def test_c_zero_w_perp_direction():
    w0 = unit(S0["v2"])
    fl = wn_flow(G, 0.5 * G.g_star, w0, c=0.0, t_max=20.0, tol=0, t_eval=np.linspace(0, 20, 41))
    wp = G.split(fl.w)[1]
    w0p = G.split(w0)[1]
    cos = wp @ w0p / np.linalg.norm(wp, axis=1) / np.linalg.norm(w0p)
    assert np.all(cos > 1 - 1e-9) and np.linalg.norm(wp[-1]) < 0.1 * np.linalg.norm(w0p)


# ------------------------------------------------------------------------ how fast
@pytest.mark.claim("The loss along the WN flow is at most $\\varepsilon$ after time $T$, where")
def test_time_bounds_hold():
    rng = np.random.default_rng(32)
    eps = 1e-8
    n_first = 0
    for seed in range(3):
        prob = make_problem(10, 40, seed=seed)
        for gr, theta, cu in [(0.3, 30.0, 1.0), (1.0, 60.0, 0.5), (1.5, 45.0, 0.2),
                              (2.0, 80.0, 0.05), (0.1, 10.0, 0.05)]:
            g0, c = gr * prob.g_star, cu * prob.g_star**2
            w = tilted_start(prob, theta, rng.standard_normal(prob.d), deg=True)
            b = theory.convergence_time_bounds(prob, g0, w, c, eps)
            fl = wn_flow(prob, g0, w, c=c, tol=eps, t_max=1e4)
            assert fl.converged and fl.t[-1] <= b["first_rigorous"] and fl.t[-1] <= b["second"]
            n_first += math.isfinite(b["first_rigorous"])
            assert b["first"] == 2 * b["first_rigorous"]
    assert n_first >= 6


@pytest.mark.claim("1. *Invariant.* $\\|w_t^\\perp\\|\\le1$ in (6) gives $g_t^2\\ge\\kappa:=g_0^2"
                   "+2c\\log\\|w_0^\\perp\\|$ for all $t$.")
def test_kappa_lower_bound(path_b):
    c = 2.0
    kappa = path_b.g[0] ** 2 + 2 * c * math.log(np.linalg.norm(P.split(path_b.w[0])[1]))
    assert np.all(path_b.g**2 >= kappa - 1e-12)
    # the bound is attained only if ‖w⊥‖ reached 1; here it is strict
    assert np.min(path_b.g**2) > kappa


@pytest.mark.claim("hence $g_t^2\\ge\\delta-(\\delta-g_0^2)_+e^{-c\\lambda_{\\max}t}$")
def test_self_balancing_lower_bound():
    rng = np.random.default_rng(33)
    for _ in range(4):
        w = random_directions(1, P.d, rng)[0]
        w *= np.sign(w @ P.w_star)
        g0, c = rng.uniform(0.05, 0.8) * P.g_star, 10 ** rng.uniform(-1, 0.5)
        r0 = g0 * (P.A @ w) - P.y
        delta = (P.y @ P.y - r0 @ r0) / P.lam_max
        assert delta > 0
        fl = wn_flow(P, g0, w, c=c, tol=0, t_max=30.0, t_eval=np.linspace(0, 30, 301))
        low = delta - max(delta - g0**2, 0.0) * np.exp(-c * P.lam_max * fl.t)
        assert np.all(fl.g**2 >= low - 1e-9)


# -------------------------------------------------------------------- exercises, hints
@pytest.mark.claim("read $0<g_0\\cos\\theta<2$ here?")
def test_example_condition():
    for g0 in (-0.5, 0.1, 1.0, 2.5, 3.5):
        for theta in (0.0, 30.0, 60.0, 100.0):
            w = _ex_dir(theta)
            lhs = bool(theory.starts_below_zero_loss(EX, g0, w))
            assert lhs == (0 < g0 * math.cos(math.radians(theta)) < 2)


@pytest.mark.claim("At g = 0 the loss is ½‖y‖² = ½ whatever w is: any start with a loss below "
                   "½ can never reach S.")
def test_loss_on_S_example():
    for theta in (0, 45, 90, 170):
        assert EX.loss(0.0 * _ex_dir(theta)) == 0.5
    fl = wn_flow(EX, 0.3, _ex_dir(80), c=1.0, tol=1e-12, t_eval=np.linspace(0, 50, 501))
    assert fl.loss[0] < 0.5 and np.all(fl.loss <= fl.loss[0] + 1e-15) and fl.converged


@pytest.mark.claim("g_t² ≥ κ for all t, so the loss decays at least like exp(−2λ_min·min(κ, c)·t).")
def test_time_remark():
    g0, c, theta = 1.5, 0.5, 30.0
    w = _ex_dir(theta)
    kappa = g0**2 + 2 * c * math.log(math.sin(math.radians(theta)))
    fl = wn_flow(EX, g0, w, c=c, tol=0, t_max=10.0, t_eval=np.linspace(0, 10, 201))
    assert np.all(fl.g**2 >= kappa - 1e-12)
    assert np.all(fl.loss <= fl.loss[0] * np.exp(-2 * EX.lam_min * min(kappa, c) * fl.t) + 1e-15)


@pytest.mark.claim("WN shrinks x⊥ by exp((g0² − g_∞²)/(2c)) but multiplies it by g_∞ ≥ g* "
                   "instead of g0.")
def test_beat_gd_mechanism():
    for g0, c in ((0.2, 20.0), (0.5, 0.1), (0.9, 2.0)):
        w = _ex_dir(60)
        g_inf = theory.flow_g_inf(EX, g0, w, c)
        wn_d, gd_d = theory.limit_distances(EX, g0, w, c)
        assert g_inf >= EX.g_star
        assert math.isclose(wn_d, g_inf * w[1] * math.exp((g0**2 - g_inf**2) / (2 * c)),
                            rel_tol=1e-12)
        assert math.isclose(gd_d, g0 * w[1], rel_tol=1e-12)


@pytest.mark.claim("The printed formula with $g^*$ is a good approximation only when $c$ is small "
                   "compared with $g^{*2}-g_0^2$ (so $g_0<g^*$); and $g_0<g^*$ alone does not make "
                   "WN beat GD.")
def test_summary_printed_and_beat():
    w = S0["w0_c"]
    small_c = np.linalg.norm(theory.flow_limit_printed(P, 0.5 * P.g_star, w, 0.02 * P.g_star**2)
                             - theory.flow_limit(P, 0.5 * P.g_star, w, 0.02 * P.g_star**2))
    big_c = (np.linalg.norm(P.split(theory.flow_limit_printed(P, 0.25 * P.g_star, w,
                                                               2 * P.g_star**2))[1])
             / np.linalg.norm(P.split(theory.flow_limit(P, 0.25 * P.g_star, w,
                                                         2 * P.g_star**2))[1]))
    assert small_c < 1e-8 and abs(big_c - 1) > 0.05
    wn_d, gd_d = theory.limit_distances(P, 0.1 * P.g_star, w, 10 * P.g_star**2)
    assert wn_d > gd_d


@pytest.mark.claim("above g* the paper already warns that WN can lose.")
def test_above_g_star_wn_can_lose():
    w = _ex_dir(60)
    wn_d, gd_d = theory.limit_distances(EX, 2.5, w, 1.0)
    assert wn_d > gd_d  # loses from g0 = 2.5 (‖x0∥‖ = 1.25 > g*: g shrinks)
    wn_s, gd_s = theory.limit_distances(EX, 1.5, w, 0.05)
    assert wn_s < gd_s  # but wins from g0 = 1.5 > g* (‖x0∥‖ = 0.75): "can", not "must"


@pytest.mark.claim("(the 2 is the ℓ2-norm subscript)")
def test_squared_reading_gives_the_wrong_ratio():
    # along a flow whose g goes from 0.5 to about 2 (c = 1): ‖w⊥‖ follows exp((g0² − g²)/(2c))
    w = _ex_dir(60)
    fl = wn_flow(EX, 0.5, w, c=1.0, tol=0, t_max=5.0, t_eval=np.linspace(0, 5, 51))
    ratio = np.abs(fl.w[:, 1]) / abs(w[1])
    assert np.allclose(ratio, np.exp((0.25 - fl.g**2) / 2), rtol=1e-8)
    assert not np.allclose(ratio[1:], np.exp((0.25 - fl.g[1:] ** 2) / 4), rtol=1e-2)


@pytest.mark.claim("The loss never increases, at a rate between $\\min\\{g^2,c\\}$ and "
                   "$\\max\\{g^2,c\\}$ times $\\|A^\\top r\\|^2$")
def test_lemma_2_4_bounds_random_states():
    rng = np.random.default_rng(34)
    g = rng.uniform(-3, 3, 500) * P.g_star
    W = random_directions(500, P.d, rng)
    for c in (0.01, 1.0, 100.0):
        rate, lower, upper = theory.loss_rate(P, g, W, c)
        assert np.all(lower <= rate + 1e-12) and np.all(rate <= upper + 1e-12)
        assert np.all(upper <= 0)
        # the bounds are attained: at g² = c they coincide
        gc = np.full(3, math.sqrt(c))
        r, lo, up = theory.loss_rate(P, gc, W[:3], c)
        assert np.allclose(r, lo) and np.allclose(r, up)
