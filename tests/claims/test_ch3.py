"""Claims of chapter 3 (the two-dimensional example, Figure 2), each recomputed with wnlib.

The problems are the chapter's: ``example_problem(1.0)`` (the paper's text, ``y = 1``) and
``example_problem(2.0)`` (Figure 2, ``y = 2``). Closed forms (``theory.flow_limit``,
``ex.limit_state``) are checked against integrated flows where a claim rests on them; limits in
``c`` use the closed forms (the integrated flow is slow at large ``c``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq, fsolve

from wnlib import example_problem, gd, rpgd, theory, two_stage, wn, wn_flow
from wnlib.exercises import evaluate
from wnlib.report import fmt
from wnlib.theory import example2d as ex

P1 = example_problem(1.0)
P2 = example_problem(2.0)
W_PAPER = np.array([0.0, 1.0])
TH_A, G_A, G_F = 1.2, 1.0, 3.0  # Figure 2's start a and f
W_A = ex.direction(TH_A)


def angle(w):
    return np.arctan2(w[..., 1], w[..., 0])


def x2_end(g0, th0, c, P=P1) -> float:
    return float(theory.flow_limit(P, g0, ex.direction(th0), c)[1])


def wn_gd_distances(P, g0, th0, c):
    """(WN flow's distance to x*, GD's distance to x*, g_inf) from the same x0 = g0 w0."""
    w0 = ex.direction(th0)
    wn_d = float(np.linalg.norm(theory.flow_limit(P, g0, w0, c) - P.x_star))
    gd_d = float(np.linalg.norm(theory.gd_limit(P, g0 * w0) - P.x_star))
    return wn_d, gd_d, float(theory.flow_g_inf(P, g0, w0, c))


def right_side_starts(n, seed):
    """Random starts (y, g0, θ0, c) with y g0 cos θ0 > 0, where Theorem 2.6 Part I holds."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        y = rng.choice([1.0, 2.0])
        th0 = rng.uniform(-1.5, 1.5)
        g0 = rng.uniform(0.05, 6.0)
        c = float(np.exp(rng.uniform(np.log(0.1), np.log(200.0))))
        if abs(math.sin(th0)) > 0.05:
            out.append((y, g0, th0, c))
    return out


def crossings(c, grid):
    d = theory.flow_limit(P1, grid, np.tile(W_PAPER, (len(grid), 1)), c)[:, 1] - grid
    return d, np.flatnonzero(np.diff(np.sign(d)) != 0)


@pytest.fixture(scope="module")
def stuck_runs():
    """The chapter's stuck start θ0 = 2, c = 1, and the starts 1e-3 above and below it."""
    g_st = ex.stuck_scale(2.0, 1.0)
    g0 = g_st + np.array([0.0, 1e-3, -1e-3])
    run = wn_flow(P1, g0, np.tile(ex.direction(2.0), (3, 1)), c=1.0, t_max=60,
                  t_eval=np.linspace(0, 60, 1200))
    return g_st, g0, run


@pytest.fixture(scope="module")
def step_runs():
    """Section 7's batch: rPGD and WN from a with γ = η."""
    etas = np.array([0.01, 0.05, 0.2, 0.5, 1.0, 1.5, 2.0])
    B = len(etas)
    kw = dict(eta=lambda t, g: etas, gamma=lambda t, g: etas, tol=1e-14, max_iter=3000,
              record_x=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        runs = {"rpgd": rpgd(P2, np.full(B, G_A), np.tile(W_A, (B, 1)), **kw),
                "wn": wn(P2, np.full(B, G_A), np.tile(W_A, (B, 1)), **kw)}
    return etas, runs, theory.flow_limit(P2, G_A, W_A, 1.0)


# ------------------------------------------------------------------ section 2: the landscape
@pytest.mark.claim("which are the *same* line $x_1 = y$ seen in two representations")
def test_zero_loss_branches_are_one_line():
    th = np.linspace(-1.5, 1.5, 31)
    for y in (1.0, 2.0, -1.5):
        g = ex.zero_loss_scale(th, y)
        x = g[:, None] * ex.direction(th)
        assert np.allclose(x[:, 0], y)
        x_other = (-g)[:, None] * ex.direction(th + np.pi)  # the other branch
        assert np.allclose(x_other, x)
        assert np.allclose(ex.state_loss(th + np.pi, -g, y), 0, atol=1e-24)
        assert np.all(np.sign(g) == np.sign(y)) and np.all(np.sign(-g) == -np.sign(y))


@pytest.mark.claim("A stationary point of the WN flow either has zero loss, or lies in")
def test_lemma_2_3_stationary_points_for_c_positive():
    rng = np.random.default_rng(0)
    found = {"zero loss": 0, "S": 0}
    for y, c in [(1.0, 1.0), (2.0, 0.3), (-1.5, 4.0)]:
        for th0, g0 in zip(rng.uniform(-np.pi, np.pi, 60), rng.uniform(-3, 3, 60), strict=True):
            sol, info, ok, _ = fsolve(lambda s, y=y, c=c: ex.state_velocity(s[0], s[1], c, y),
                                      [th0, g0], full_output=True, xtol=1e-14)
            if ok != 1 or np.max(np.abs(ex.state_velocity(sol[0], sol[1], c, y))) > 1e-12:
                continue
            if ex.state_loss(sol[0], sol[1], y) < 1e-16:
                found["zero loss"] += 1
            else:  # the rest must be in S: g = 0 and y cos θ = 0
                assert abs(sol[1]) < 1e-6 and abs(math.cos(sol[0])) < 1e-6
                assert theory.in_spurious_set(example_problem(y), 0.0,
                                              ex.direction(math.copysign(np.pi / 2, sol[0])))
                found["S"] += 1
    assert found["zero loss"] > 20 and found["S"] >= 1


@pytest.mark.claim("The hypothesis $c > 0$ matters.")
def test_c_zero_has_stationary_points_with_positive_loss():
    for g in (0.5, 2.5, -1.0):  # w = w* (θ = 0), g ≠ y
        v = ex.state_velocity(0.0, g, 0.0)
        assert max(abs(v[0]), abs(v[1])) == 0.0
        assert ex.state_loss(0.0, g) > 0.1
        assert not theory.in_spurious_set(P1, g, ex.direction(0.0))
        assert abs(ex.state_velocity(0.0, g, 1.0)[1]) > 0.4  # with c > 0 the scale moves
    run = wn_flow(P1, 0.5, ex.direction(0.0), c=0.0, t_max=5.0)
    assert abs(run.g[-1] - 0.5) == 0 and run.loss[-1] == pytest.approx(0.125)


@pytest.mark.claim("in $x$-space the strip $0 < x_1 < 2$ (for $y = 1$)")
def test_lemma_2_3_condition_is_the_strip():
    TH, GG = np.meshgrid(np.linspace(-3.1, 3.1, 61), np.linspace(-2.9, 2.9, 61))
    th, g = TH.ravel(), GG.ravel()
    x1 = g * np.cos(th)
    strip = (x1 > 0) & (x1 < 2)
    assert np.array_equal(ex.below_zero_loss(th, g, 1.0), strip)
    assert np.array_equal(theory.starts_below_zero_loss(P1, g, ex.direction(th)), strip)
    assert strip.sum() > 500 and (~strip).sum() > 500


@pytest.mark.claim("From every other start the flow ($c > 0$) reaches zero loss.")
def test_every_start_off_the_stuck_curve_reaches_zero_loss():
    rng = np.random.default_rng(1)
    th0 = rng.uniform(-np.pi, np.pi, 40)
    g0 = rng.uniform(-3, 3, 40)
    for c in (0.5, 2.0):
        K = ex.state_invariant(th0, g0, c)
        wrong_side = g0 * np.cos(th0) < 0
        keep = ~(wrong_side & (np.abs(K - 1) < 0.05)) & (np.abs(np.sin(th0)) > 1e-3)
        run = wn_flow(P1, g0[keep], ex.direction(th0[keep]), c=c, t_max=400)
        assert keep.sum() > 30
        assert np.all(run.loss[-1] < 1e-12)


@pytest.mark.claim("besides the two spurious points themselves, which do not move")
def test_spurious_points_do_not_move():
    for th_s, g_s in ex.spurious_points(1.0):
        run = wn_flow(P1, g_s, ex.direction(th_s), c=1.0, t_max=20)
        assert np.allclose(run.g, 0.0) and np.allclose(angle(run.w), th_s)
        assert run.loss[-1] == pytest.approx(0.5)
        assert ex.stuck_scale(th_s, 1.0) == 0.0  # the curve K = 1 passes through them


@pytest.mark.claim("a saddle with eigenvalues $\\pm |y|\\sqrt c$")
def test_spurious_points_are_saddles():
    h = 1e-6
    for y in (1.0, 2.0, -1.5):
        for c in (0.5, 2.0):
            for th_s, _ in ex.spurious_points(y):
                J = np.empty((2, 2))
                for j, e in enumerate(np.eye(2)):
                    vp = ex.state_velocity(th_s + h * e[0], h * e[1], c, y)
                    vm = ex.state_velocity(th_s - h * e[0], -h * e[1], c, y)
                    J[:, j] = (np.array(vp) - np.array(vm)) / (2 * h)
                ev = np.sort(np.linalg.eigvals(J).real)
                assert np.allclose(ev, [-abs(y) * math.sqrt(c), abs(y) * math.sqrt(c)], rtol=1e-6)


# ------------------------------------------------------------------ section 3: the invariant
@pytest.mark.claim("so every path is a level curve of")
def test_paths_are_level_curves():
    rng = np.random.default_rng(2)
    th0, g0 = rng.uniform(-3, 3, 8), rng.uniform(-2.5, 2.5, 8)
    for c in (0.3, 3.0):
        run = wn_flow(P1, g0, ex.direction(th0), c=c, t_eval=np.linspace(0, 15, 60))
        K = ex.state_invariant(angle(run.w), run.g, c)
        assert np.all(np.ptp(K, axis=0) / K[0] < 1e-7)


@pytest.mark.claim("(and the squared reading $\\|w^\\perp\\|^2 e^{g^2/(2c)}$ does not")
def test_eq6_unsquared_is_conserved_squared_is_not():
    run = wn_flow(P1, 0.5, ex.direction(1.0), c=1.0, t_eval=np.linspace(0, 30, 300))
    w_perp = run.w[:, 1]
    unsquared = np.abs(w_perp) * np.exp(run.g**2 / 2)  # eq. (6) with the 2 as a subscript
    squared = theory.invariant_printed(P1, run.g, run.w, 1.0)
    assert np.ptp(unsquared) / unsquared[0] < 1e-9
    assert np.ptp(squared) / squared[0] > 0.3
    # the vector form of Lemma 2.5: w⊥(t) = w⊥(0) exp((g0² − g_t²)/(2c))
    assert np.allclose(w_perp, w_perp[0] * np.exp((0.25 - run.g**2) / 2), atol=1e-9)


@pytest.mark.claim("If $c > 0$ and $y\\, g_0\\cos\\theta_0 > 0$, the WN flow ends at")
def test_theorem_in_the_angle_against_integrated_flows():
    for y, c in [(1.0, 1.0), (2.0, 0.5), (-1.0, 3.0)]:
        starts = [(g0, th0) for g0, th0 in [(0.5, 1.0), (2.0, -1.2), (-0.7, 2.8), (3.0, 0.4)]]
        g0 = np.array([s[0] for s in starts])
        th0 = np.array([s[1] for s in starts]) + np.where(y * g0 * np.cos([s[1] for s in starts])
                                                          < 0, np.pi, 0.0)
        run = wn_flow(example_problem(y), g0, ex.direction(th0), c=c)
        assert np.all(run.converged)
        for k in range(len(g0)):
            th_inf, g_inf = ex.limit_state(g0[k], th0[k], c, y)
            assert np.allclose(run.x[-1, k], g_inf * ex.direction(th_inf), atol=1e-6)
            assert 0 < abs(th_inf) < np.pi / 2 or np.pi / 2 < abs(th_inf) < np.pi


@pytest.mark.claim("The left side increases from $-\\infty$ to $+\\infty$ on $(0, \\pi/2)$")
def test_left_side_is_increasing():
    th = np.concatenate([np.geomspace(1e-300, 1e-3, 3000, endpoint=False),
                         np.linspace(1e-3, np.pi / 2 - 1e-9, 20001)])
    for y, c in [(1.0, 1.0), (2.0, 0.01), (1.0, 1e4)]:
        lhs = np.log(np.sin(th)) + y * y / (2 * c * np.cos(th) ** 2)
        assert np.all(np.diff(lhs) > 0)
        assert lhs[0] < -20 and lhs[-1] > 1e5


# ------------------------------------------------------------------ the limits in c
@pytest.mark.claim("(for $|g_0| < g^*$ the direction finds $w^*$ first)")
def test_small_c_direction_turns_before_the_scale_moves():
    g0, th0, c = 0.5, 1.2, 0.01
    g_at = float(ex.invariant_curve(0.05, g0, th0, c))  # the path's scale when θ reaches 0.05
    assert g_at - g0 < 0.15 * (1.0 - g0)
    th_inf, _ = ex.limit_state(g0, th0, c)
    assert th_inf < 1e-10
    # for |g0| > g* the direction stops at a zero-loss point instead, far from w*
    th_big, _ = ex.limit_state(1.5, th0, c)
    assert th_big == pytest.approx(math.acos(1 / 1.5), abs=0.02)


@pytest.mark.claim("and $x$ ends near the radial point $(y,\\ y\\tan\\theta_0)$ where the ray "
                   "through $x_0$ meets the line $x_1 = y$")
def test_large_c_ends_at_the_radial_point():
    for P, g0, th0 in [(P1, 0.5, 1.2), (P1, 1.5, -0.7), (P2, 3.0, 1.2), (P2, 0.3, 0.2)]:
        y = float(P.y[0])
        radial = np.array([y, y * math.tan(th0)])
        x0 = g0 * ex.direction(th0)
        assert abs(radial[0] * x0[1] - radial[1] * x0[0]) < 1e-12  # on the ray through x0
        end = theory.flow_limit(P, g0, ex.direction(th0), 1e6)
        assert np.allclose(end, radial, rtol=1e-3)
        # the integrated flow at a large c agrees with the closed form
    run = wn_flow(P1, 0.5, ex.direction(1.2), c=100.0)
    assert run.x[-1][1] == pytest.approx(x2_end(0.5, 1.2, 100.0), abs=1e-6)


@pytest.mark.claim("For a start with $0 < x_{0,1} < y$ that keeps *more* of $x^\\perp$ than GD "
                   "does.")
def test_large_c_keeps_more_than_gd_only_inside():
    for g0, th0, inside in [(0.5, 1.2, True), (0.9, 0.3, True), (1.5, -0.7, False),
                            (3.0, 0.5, False)]:
        x0 = g0 * ex.direction(th0)
        assert (0 < x0[0] < 1) == inside
        wn_x2 = abs(x2_end(g0, th0, 1e3))
        assert (wn_x2 > abs(x0[1])) == inside


@pytest.mark.claim("As $c \\to 0$ the end point tends to $x^*$ when $|g_0| < g^*$")
def test_small_c_limit_needs_g0_below_g_star():
    for g0 in (0.5, 0.9):
        assert abs(x2_end(g0, 1.2, 1e-3)) < 1e-12
    assert x2_end(1.5, 1.2, 1e-3) == pytest.approx(math.sqrt(1.5**2 - 1), abs=1e-3)
    assert x2_end(3.0, 1.2, 1e-3, P2) == pytest.approx(math.sqrt(9 - 4), abs=1e-3)
    edge = [x2_end(1.0, 1.2, c) for c in (1e-2, 1e-3, 1e-4)]  # |g0| = g*: slowly to x*
    assert edge[0] > edge[1] > edge[2] > 0


@pytest.mark.claim("for $g_0 = 0.5$, $\\theta_0 = 1.2$ the end has $x_2 = 2.157$, $2.565$, $2.572$ "
                   "at $c = 10^2, 10^4, 10^6$, against $\\tan 1.2 = 2.572$ and GD's $0.466$")
def test_large_c_numbers():
    assert [fmt(x2_end(0.5, 1.2, c)) for c in (1e2, 1e4, 1e6)] == ["2.157", "2.565", "2.572"]
    assert fmt(math.tan(1.2)) == "2.572"
    assert fmt(theory.gd_limit(P1, 0.5 * ex.direction(1.2))[1]) == "0.466"


# ------------------------------------------------------------------ section 4: stuck starts
@pytest.mark.claim("converges to a spurious point exactly from the starts on the curve")
def test_stuck_starts_exactly_on_the_wrong_branch():
    for th0, c in [(2.0, 1.0), (2.5, 2.0), (-2.2, 0.5)]:
        g_st = ex.stuck_scale(th0, c)
        assert g_st * math.cos(th0) < 0 and ex.state_invariant(th0, g_st, c) == pytest.approx(1)
        g0 = g_st + np.array([0.0, 1e-2, -1e-2, 0.0])
        g0[3] = -g_st  # the same level curve, the right side
        run = wn_flow(P1, g0, np.tile(ex.direction(th0), (4, 1)), c=c, t_max=40,
                      t_eval=np.linspace(0, 40, 800))
        dist = np.abs(run.g) + np.abs(np.abs(angle(run.w)) - np.pi / 2)
        assert dist[:, 0].min() < 1e-4  # into the saddle (until rounding pushes it off)
        assert np.all(dist[:, 1:3].min(axis=0) > 1e-3)
        assert np.all(run.loss[-1, 1:] < 1e-10)


@pytest.mark.claim("On that branch $r = y - g\\cos\\theta$ has the sign of $y$ and never vanishes")
def test_residual_keeps_the_sign_of_y_on_the_stuck_branch():
    for y in (1.0, -2.0):
        th = np.concatenate([np.linspace(0.05, 1.5, 40), np.linspace(1.65, 3.1, 40)])
        th = np.concatenate([th, -th])
        g = np.array([ex.stuck_scale(t, 1.5, y) for t in th])
        r = y - g * np.cos(th)
        assert np.all(y * r >= y * y)


@pytest.mark.claim("which side of the curve it starts on decides the *sign* of its final $x_2$")
def test_side_of_the_stuck_curve_decides_the_sign():
    for th0, c in [(2.0, 1.0), (2.6, 0.5), (-2.0, 2.0)]:
        g_st = ex.stuck_scale(th0, c)
        g0 = g_st + np.array([1e-2, 0.3, -1e-2, -0.2])
        run = wn_flow(P1, g0, np.tile(ex.direction(th0), (4, 1)), c=c, t_max=200)
        s = np.sign(run.x[-1, :, 1])
        assert s[0] == s[1] and s[2] == s[3] and s[0] == -s[2]


@pytest.mark.claim("On the side with $K > 1$ the level curve never meets $g = 0$")
def test_the_two_sides_reach_zero_loss_differently(stuck_runs):
    _, g0, run = stuck_runs
    K = ex.state_invariant(2.0, g0, 1.0)
    assert K[1] > 1 > K[2]
    th = angle(run.w)
    assert np.all(run.g[:, 1] > 0) and th[-1, 1] < np.pi / 2  # K > 1: g keeps its sign, θ swings
    assert run.g[-1, 2] < 0 and np.all(th[:, 2] > np.pi / 2)  # K < 1: g changes sign


@pytest.mark.claim("In the table below the start $g_0 = 0.4351$ ends with $g = -1.162$ and "
                   "$x_2 = -0.5914$; Theorem 2.6's formula with the sign of $g_0$ would put the "
                   "end at $x_2 = +0.5914$.")
def test_g_crosses_zero_below_the_stuck_curve(stuck_runs):
    _, g0, run = stuck_runs
    assert fmt(g0[2]) == "0.4351"
    assert fmt(run.g[-1, 2]) == "-1.162" and fmt(run.x[-1, 2, 1]) == "-0.5914"
    formula = theory.flow_limit(P1, g0[2], ex.direction(2.0), 1.0)[1]
    assert fmt(formula) == "0.5914"
    with pytest.raises(ValueError):  # the theorem in the angle refuses this start
        ex.limit_state(g0[2], 2.0, 1.0)


# ------------------------------------------------------------------ section 5: Figure 2
@pytest.mark.claim("it moves $x_1$ only and keeps $x_2 = x_0^\\perp$")
def test_gd_keeps_x2():
    run = gd(P2, G_A * W_A, eta=0.05, tol=1e-14, record_x=True)
    assert np.allclose(run.history.x[:, 1], G_A * W_A[1], atol=1e-14)
    assert run.x[0] == pytest.approx(2.0)


@pytest.mark.claim("the WN flow with both step sizes on ($c = 1$): it ends closer to $x^*$ than "
                   "GD;")
def test_a_to_e_beats_gd():
    wn_d, gd_d, _ = wn_gd_distances(P2, G_A, TH_A, 1.0)
    assert wn_d < 0.5 * gd_d
    run = wn_flow(P2, G_A, W_A, c=1.0)
    assert np.linalg.norm(run.x[-1] - P2.x_star) == pytest.approx(wn_d, abs=1e-6)


@pytest.mark.claim("(Theorem 2.6, Part II: $w_t \\to w^*$ for $AA^\\top = I$ and $|g_0| < g^*$)")
def test_part_two_needs_g0_below_g_star():
    for g0 in (0.5, 1.0, 1.9):
        assert np.allclose(theory.fixed_scale_limit(P2, g0, W_A), [1, 0], atol=1e-12)
    run = wn_flow(P2, np.array([1.0, 3.0]), np.tile(W_A, (2, 1)), c=0.0, t_max=40)
    assert abs(run.w[-1, 0, 1]) < 1e-8
    assert run.w[-1, 1, 1] == pytest.approx(math.sqrt(1 - (2 / 3) ** 2), abs=1e-6)  # not w*


@pytest.mark.claim("it ends *farther* from $x^*$ than e (though, at $c = 1$, still closer than GD "
                   "from f)")
def test_f_to_g():
    e, _, _ = wn_gd_distances(P2, G_A, TH_A, 1.0)
    wn_f, gd_f, _ = wn_gd_distances(P2, G_F, TH_A, 1.0)
    assert wn_f > 5 * e and wn_f < gd_f


@pytest.mark.claim("so WN loses exactly when")
def test_wn_loses_iff_the_factor_exceeds_one():
    outcome = []
    for y, g0, th0, c in right_side_starts(40, seed=3):
        P = example_problem(y)
        wn_d, gd_d, g_inf = wn_gd_distances(P, g0, th0, c)
        factor = abs(g_inf) / g0 * math.exp((g0**2 - g_inf**2) / (2 * c))
        if abs(factor - 1) > 1e-9:
            assert (wn_d > gd_d) == (factor > 1)
            outcome.append(factor > 1)
    assert 5 < sum(outcome) < len(outcome) - 5  # both sides of the iff occur


@pytest.mark.claim("Whether the scale grows or shrinks does not decide it")
def test_growing_or_shrinking_scale_does_not_decide():
    wn_d, gd_d, g_inf = wn_gd_distances(P1, 0.5, np.pi / 2, 1.0)
    assert g_inf > 0.5 and wn_d > gd_d and fmt(g_inf) == "1.199"  # grows, WN loses
    wn_d, gd_d, g_inf = wn_gd_distances(P2, 5.0, 0.3, 100.0)
    assert g_inf < 5.0 and wn_d < gd_d and fmt(g_inf) == "2.117"  # shrinks, WN wins
    wn_d, gd_d, g_inf = wn_gd_distances(P2, 5.0, 0.3, 1.0)
    assert g_inf < 5.0 and wn_d > gd_d  # shrinks, WN loses
    wn_d, gd_d, g_inf = wn_gd_distances(P2, G_A, TH_A, 1.0)
    assert g_inf > G_A and wn_d < gd_d  # grows, WN wins


@pytest.mark.claim("So when $g_0^2$ and $g_\\infty^2$ are both below $c$, WN loses exactly when "
                   "the scale grows; when both are above $c$, exactly when it shrinks.")
def test_regimes_of_the_criterion():
    seen = {("below", True): 0, ("below", False): 0, ("above", True): 0, ("above", False): 0}
    for y, g0, th0, c in right_side_starts(80, seed=4):
        wn_d, gd_d, g_inf = wn_gd_distances(example_problem(y), g0, th0, c)
        grows = abs(g_inf) > g0
        if max(g0, abs(g_inf)) ** 2 < c:
            assert (wn_d > gd_d) == grows
            seen[("below", grows)] += 1
        elif min(g0, abs(g_inf)) ** 2 > c:
            assert (wn_d > gd_d) == (not grows)
            seen[("above", grows)] += 1
    assert all(v > 0 for v in seen.values()), seen


# ------------------------------------------------------------------ section 6: printed vs exact
@pytest.mark.claim("the printed $x_2$ is the exact one times $e^{x_2^2/(2c)}/\\sqrt{1 + "
                   "x_2^2/g^{*2}}$")
def test_printed_over_exact_identity():
    g0 = np.linspace(0.02, 2.5, 40)
    W = np.tile(W_PAPER, (len(g0), 1))
    for c in (0.2, 1.0, 3.0):
        exact = theory.flow_limit(P1, g0, W, c)[:, 1]
        printed = theory.flow_limit_printed(P1, g0, W, c)[:, 1]
        assert np.allclose(printed / exact, np.exp(exact**2 / (2 * c)) / np.sqrt(1 + exact**2),
                           rtol=1e-10)


@pytest.mark.claim("which holds when $(g^{*2} - g_0^2)/c$ is large")
def test_printed_is_good_when_the_margin_over_c_is_large():
    for c in (0.03, 0.06, 0.1):
        for g0 in (0.0, 0.3, 0.5):
            if (1 - g0**2) / c < 7.5:
                continue
            exact, printed = (f(P1, g0 if g0 else 1e-9, W_PAPER, c)[1]
                              for f in (theory.flow_limit, theory.flow_limit_printed))
            assert abs(printed / exact - 1) < 1e-2
    # and not when the margin is small, even with g0 < g*
    exact, printed = (f(P1, 0.9, W_PAPER, 1.0)[1]
                      for f in (theory.flow_limit, theory.flow_limit_printed))
    assert abs(printed / exact - 1) > 0.05


@pytest.mark.claim("a small $g_0$ alone is not enough (at $c = 2$ it is off by about 9 %)")
def test_small_g0_is_not_enough():
    for g0 in (0.01, 0.1):
        exact, printed = (f(P1, g0, W_PAPER, 2.0)[1]
                          for f in (theory.flow_limit, theory.flow_limit_printed))
        assert 0.08 < abs(printed / exact - 1) < 0.1


@pytest.mark.claim("at $g_0 = 2$ the printed $x_2$ is $11.34$ times the exact one for $c = 0.5$, "
                   "$2.48$ times for $c = 1$ and $1.131$ times for $c = 2$")
def test_printed_ratio_past_g_star():
    ratios = [theory.flow_limit_printed(P1, 2.0, W_PAPER, c)[1]
              / theory.flow_limit(P1, 2.0, W_PAPER, c)[1] for c in (0.5, 1.0, 2.0)]
    assert [fmt(r) for r in ratios] == ["11.34", "2.48", "1.131"]


@pytest.mark.claim("sits exactly on the boundary of Lemma 2.3's condition")
def test_paper_start_on_the_boundary_still_reaches_zero_loss():
    g0 = np.array([0.1, 0.5, 1.0, 2.0])
    W = np.tile(W_PAPER, (4, 1))
    assert np.allclose(P1.loss(g0[:, None] * W), P1.loss(np.zeros(2)))
    assert not np.any(theory.starts_below_zero_loss(P1, g0, W))
    assert np.all(g0 != ex.stuck_scale(np.pi / 2, 1.0))
    run = wn_flow(P1, g0, W, c=1.0)
    assert np.all(run.converged) and np.all(run.loss[-1] < 1e-12)


@pytest.mark.claim("already about $0.02$–$0.1$ at $g_0 = 0.5$ and, for $c \\le 1$, grows by orders "
                   "of magnitude past")
def test_gap_sizes():
    def gap(g0, c):
        return abs(theory.flow_limit_printed(P1, g0, W_PAPER, c)[1]
                   - theory.flow_limit(P1, g0, W_PAPER, c)[1])
    assert all(0.02 <= gap(0.5, c) <= 0.1 for c in (0.5, 1.0, 2.0))
    for c in (0.5, 1.0):
        assert gap(2.5, c) > 100 * gap(0.5, c)


@pytest.mark.claim("and for small $g_0$ that is closer to $x^*$ than WN")
def test_gd_wins_for_small_g0():
    for c in (0.5, 1.0, 2.0):
        for g0 in (0.02, 0.2):
            assert x2_end(g0, np.pi / 2, c) > g0


@pytest.mark.claim("since $e^{(g_0^2 - 1)/2} \\ge g_0$ for every $g_0$ (equality at $g_0 = 1$)")
def test_printed_formula_never_beats_gd():
    g0 = np.concatenate([np.linspace(1e-3, 10, 20001), [1.0]])
    printed = theory.flow_limit_printed(P1, g0, np.tile(W_PAPER, (len(g0), 1)), 1.0)[:, 1]
    assert np.all(printed - g0 >= -1e-15)
    assert printed[-1] == pytest.approx(1.0)
    assert np.all(printed[np.abs(g0 - 1) > 1e-2] - g0[np.abs(g0 - 1) > 1e-2] > 1e-5)


@pytest.mark.claim("the exact limit beats GD for every $g_0$ above a threshold, including "
                   "$g_0 > g^*$ (for each $c$ in the figure; the threshold grows with $c$ and lies "
                   "beyond $g^*$ at $c = 2$)")
def test_one_threshold_per_c():
    grid = np.linspace(0.01, 10, 800)
    thresholds = []
    for c in (0.5, 1.0, 2.0):
        d, idx = crossings(c, grid)
        assert len(idx) == 1 and d[0] > 0 and d[-1] < 0
        thresholds.append(grid[idx[0]])
    assert thresholds[0] < thresholds[1] < 1 < thresholds[2]


@pytest.mark.claim("a direction that turns before the scale grows\" — small $c$, or a schedule")
def test_small_c_or_a_schedule_beats_gd():
    g0 = 0.5
    assert x2_end(g0, np.pi / 2, 1.0) > g0  # c = 1: GD is closer
    assert x2_end(g0, np.pi / 2, 0.25) < g0  # smaller c
    th_T = ex.fixed_scale_angle(np.pi / 2 - 1e-9, 30.0, g0)  # scale held until T = 30
    assert abs(x2_end(g0, th_T, 1.0)) < 1e-2 * g0


# ------------------------------------------------------------------ section 7: finite steps
@pytest.mark.claim("at a distance proportional to $\\eta$ (the ratio column is nearly constant)")
def test_small_steps_end_at_distance_proportional_to_eta(step_runs):
    etas, runs, e = step_runs
    for r in runs.values():
        ratio = np.linalg.norm(r.x[:3] - e, axis=1) / etas[:3]
        assert np.ptp(ratio) < 0.1 * ratio.mean()
        assert np.all(np.linalg.norm(r.x[:3] - e, axis=1) < 0.03 * np.linalg.norm(e))


@pytest.mark.claim("WN's $\\|w\\|^2$ grows by $\\eta^2\\|\\nabla_w h\\|^2$ each step")
def test_wn_norm_grows_by_the_squared_step():
    g, w, eta = G_A, W_A * 1.0, 0.5

    def h(v):
        return 0.5 * (g * v[0] / np.linalg.norm(v) - 2.0) ** 2

    grad = np.array([(h(w + 1e-7 * e) - h(w - 1e-7 * e)) / 2e-7 for e in np.eye(2)])
    run = wn(P2, g, w, eta=eta, gamma=eta, max_iter=1, tol=0.0)
    assert run.history.w_norm[1] ** 2 == pytest.approx(1 + eta**2 * grad @ grad, rel=1e-7)


@pytest.mark.claim("At $\\eta = 1$ this even helps (the end point is closer to $x^*$ than the "
                   "flow's), at $\\eta = 2$ it overshoots to $x_2 < 0$.")
def test_wn_large_steps(step_runs):
    etas, runs, e = step_runs
    x = runs["wn"].x
    assert np.linalg.norm(x[4] - P2.x_star) < np.linalg.norm(e - P2.x_star)
    assert x[6, 1] < 0 and bool(runs["wn"].converged[6])


@pytest.mark.claim("At $\\eta = \\gamma = 1.5$ it is trapped in a 2-cycle that the flow does not "
                   "have")
def test_rpgd_two_cycle(step_runs):
    _, runs, _ = step_runs
    h = runs["rpgd"].history
    assert np.allclose(h.g[-4:, 5], [6, -6, 6, -6]) or np.allclose(h.g[-4:, 5], [-6, 6, -6, 6])
    assert np.allclose(h.x[-4:, 5], [-6, 0])
    assert P2.loss(h.x[-1, 5]) == pytest.approx(32)


@pytest.mark.claim("multiplies $g - y$ by $1 - \\gamma\\cos^2\\theta$, stable for "
                   "$\\gamma\\cos^2\\theta < 2$")
def test_scale_step_linearisation():
    for th, gamma in [(0.0, 1.5), (0.3, 1.5), (0.1, 1.9), (0.0, 2.2)]:
        dg = np.array([1e-5, -1e-5])
        run = rpgd(P2, 2.0 / math.cos(th) + dg, np.tile(ex.direction(th), (2, 1)), eta=1e-12,
                   gamma=gamma, max_iter=1, tol=0.0)
        factor = (run.g - 2.0 / math.cos(th)) / dg
        assert np.allclose(factor, 1 - gamma * math.cos(th) ** 2, atol=1e-6)
        assert (abs(factor[0]) < 1) == (gamma * math.cos(th) ** 2 < 2)


@pytest.mark.claim("once $\\eta g(g - y) > 1$, here at iteration 11, after the scale has overshot "
                   "to $g = 2.754$")
def test_direction_flips_once_eta_g_overshoot_exceeds_one(step_runs):
    eta = 1.5
    g = np.array([2.0 + 0.9 / (eta * 2.3), 2.0 + 1.1 / (eta * 2.4)])  # ηg(g − y) ≈ 0.9·…, 1.1·…
    prod = eta * g * (g - 2.0)
    assert prod[0] < 1 < prod[1]
    run = rpgd(P2, g, np.tile([1.0, 0.0], (2, 1)), eta=eta, gamma=0.0, max_iter=1, tol=0.0,
               record_x=True)
    w1 = run.history.x[1, :, 0] / run.history.g[1]
    assert w1[0] > 0 > w1[1]
    _, runs, _ = step_runs
    h = runs["rpgd"].history
    w1 = h.x[:, 5, 0] / h.g[:, 5]
    k = int(np.argmax(w1 < 0))
    assert k == 11 and fmt(h.g[k - 1, 5]) == "2.754" and h.g[k - 1, 5] > 2.0


@pytest.mark.claim("$x = (-a, 0)$ with $a = \\gamma y/(2 - \\gamma) = 6$ is a 2-cycle")
def test_cycle_amplitude():
    for gamma, y in [(1.5, 2.0), (1.5, 1.0), (1.0, 2.0), (1.9, 2.0)]:
        a = gamma * y / (2 - gamma)
        run = rpgd(example_problem(y), a, [-1.0, 0.0], eta=1.5, gamma=gamma, max_iter=2,
                   tol=0.0, record_x=True)
        assert np.allclose(run.history.x, [-a, 0.0], atol=1e-9 * a)
        assert np.allclose(run.history.g, [a, -a, a])
    assert 1.5 * 2.0 / (2 - 1.5) == 6


@pytest.mark.claim("Either large step alone is harmless here: $(\\eta, \\gamma) = (1, 1.5)$ and "
                   "$(1.5, 1)$ converge.")
def test_either_large_step_alone_converges(step_runs):
    run = rpgd(P2, np.full(2, G_A), np.tile(W_A, (2, 1)), eta=lambda t, g: np.array([1.0, 1.5]),
               gamma=lambda t, g: np.array([1.5, 1.0]), tol=1e-14, max_iter=3000)
    assert np.all(run.converged) and np.allclose(run.x[:, 0], 2.0)
    assert not step_runs[1]["rpgd"].converged[5]


@pytest.mark.claim("At $\\eta = \\gamma = 2$ the cycle's $a$ is infinite and rPGD runs away: $|g|$ "
                   "grows by $2y$ per step.")
def test_eta_two_runs_away(step_runs):
    _, runs, _ = step_runs
    g = np.abs(runs["rpgd"].history.g[-50:, 6])
    assert np.allclose(np.diff(g), 4.0, rtol=1e-6) and g[-1] > 1e4


# ------------------------------------------------------------------ section 8: release time
@pytest.mark.claim("With $g_0 = 1$, release time $0$ is the path a → e and a long release time is "
                   "a → b → c.")
def test_release_time_interpolates_between_e_and_c():
    ends = [x2_end(G_A, ex.fixed_scale_angle(TH_A, T, G_A, 2.0), 1.0, P2)
            for T in (0.0, 0.5, 2.0, 8.0, 16.0)]
    assert ends[0] == pytest.approx(x2_end(G_A, TH_A, 1.0, P2))
    assert all(a > b > 0 for a, b in zip(ends, ends[1:], strict=False))
    assert ends[3] < 1e-3 and ends[4] < 1e-6


@pytest.mark.claim("With $g_0 = 3 > g^*$ a long release time does **not** reach $x^*$")
def test_g0_above_g_star_release_changes_nothing():
    stop = math.sqrt(G_F**2 - 4.0)
    for T in (2.0, 8.0, 50.0):
        th_T = ex.fixed_scale_angle(TH_A, T, G_F, 2.0)
        assert G_F * math.sin(th_T) == pytest.approx(stop, abs=1e-3)
        assert x2_end(G_F, th_T, 1.0, P2) == pytest.approx(stop, abs=1e-3)
    w_stop = theory.fixed_scale_limit(P2, G_F, W_A)
    assert np.allclose(w_stop, P2.x_star / G_F + math.sqrt(1 - (2 / 3) ** 2) * np.array([0, 1]))


# ------------------------------------------------------------------ summary
@pytest.mark.claim("As $c \\to \\infty$ the flow ends at the radial point "
                   "$(y,\\ y\\tan\\theta_0)$, not at GD's limit")
def test_summary_large_c():
    for P, g0, th0 in [(P1, 0.2, 0.3), (P2, 1.0, 1.2), (P2, 5.0, -0.3)]:
        y = float(P.y[0])
        end = x2_end(g0, th0, 1e6, P)
        assert end == pytest.approx(y * math.tan(th0), rel=1e-3)
        assert abs(end - g0 * math.sin(th0)) > 0.1 * abs(end)


@pytest.mark.claim("WN loses to GD exactly when that factor exceeds 1 in absolute value")
def test_summary_factor_criterion():
    for y, g0, th0, c in right_side_starts(20, seed=5):
        if g0 * math.cos(th0) * y < 0:
            continue
        for sgn in (1, -1):  # the same x0 in both representations (θ0, g0) and (θ0 + π, −g0)
            P = example_problem(y)
            g, th = sgn * g0, th0 + (0 if sgn > 0 else np.pi)
            wn_d, gd_d, g_inf = wn_gd_distances(P, g, th, c)
            factor = g_inf / g * math.exp((g * g - g_inf**2) / (2 * c))
            if abs(abs(factor) - 1) > 1e-9:
                assert (wn_d > gd_d) == (abs(factor) > 1)


@pytest.mark.claim("and WN beats GD from the same $x_0$ only above a threshold $g_0$")
def test_summary_threshold_at_c_one():
    grid = np.linspace(0.01, 10, 800)
    d, idx = crossings(1.0, grid)
    assert len(idx) == 1
    assert np.all(d[: idx[0] + 1] > 0) and np.all(d[idx[0] + 1:] < 0)


# ------------------------------------------------------------------ exercises and hints
@pytest.mark.claim("Above it WN is closer.")
def test_exercise_crossover_above_wn_is_closer():
    x = brentq(lambda g0: x2_end(g0, np.pi / 2, 1.0) - g0, 0.05, 0.99)
    above = np.linspace(x + 1e-3, 10, 300)
    below = np.linspace(1e-3, x - 1e-3, 100)
    W = np.tile(W_PAPER, (300, 1))
    assert np.all(theory.flow_limit(P1, above, W, 1.0)[:, 1] < above)
    assert np.all(theory.flow_limit(P1, below, W[:100], 1.0)[:, 1] > below)


@pytest.mark.claim("The crossover lies between 0 and g* = 1.")
def test_hint_crossover_in_unit_interval():
    _, idx = crossings(1.0, np.linspace(0.01, 10, 800))
    assert len(idx) == 1 and np.linspace(0.01, 10, 800)[idx[0]] < 1


@pytest.mark.claim("g0 = 1 is where the printed formula exp((g0² − 1)/2) touches g0 (it never "
                   "crosses it)")
def test_hint_printed_touches_at_one():
    g0 = np.linspace(0.5, 1.5, 1001)
    d = np.exp((g0**2 - 1) / 2) - g0
    assert np.all(d >= -1e-15) and g0[np.argmin(d)] == pytest.approx(1.0) and d.min() < 1e-12


@pytest.mark.claim("WN's direction turns while g grows.")
def test_hint_direction_turns_while_g_grows():
    run = wn_flow(P1, 0.5, W_PAPER, c=1.0, t_eval=np.linspace(0, 30, 300))
    th = angle(run.w)
    assert np.all(np.diff(run.g) >= -1e-12) and run.g[-1] > 1.1
    assert np.all(np.diff(th) <= 1e-12) and th[-1] < 0.6


@pytest.mark.claim("Right level curve, wrong branch: with this sign x1 = g0 cos θ0 is on the side "
                   "of y and the flow reaches zero loss.")
def test_hint_other_branch_reaches_zero_loss():
    g0 = -ex.stuck_scale(2.5, 2.0)
    assert g0 * math.cos(2.5) > 0
    run = wn_flow(P1, g0, ex.direction(2.5), c=2.0)
    assert run.converged and run.loss[-1] < 1e-12


@pytest.mark.claim("$\\|w^\\perp_t\\|$ shrinks like $(g_0/g^*)^t = 2^{-t}$ (exactly, "
                   "$1/\\|w^\\perp_t\\|^2 = 4^t + (4^t - 1)/3$), and 15 steps push it below "
                   "$10^{-4}$")
def test_schedule_solution_stage_one():
    run = rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=0.0, max_iter=16, tol=0.0, record_x=True)
    t = np.arange(17)
    w_perp = np.abs(run.history.x[:, 1] / run.history.g)
    assert np.allclose(1 / w_perp**2, 4.0**t + (4.0**t - 1) / 3, rtol=1e-9)
    assert np.allclose(w_perp[1:] / w_perp[:-1], 0.5, atol=0.07)
    assert w_perp[15] < 1e-4


@pytest.mark.claim("lands on $g^* = 1$ in one step, from below")
def test_schedule_solution_gamma2_one():
    run = rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=two_stage(0.0, 1.0, 15), tol=1e-20,
               max_iter=5000, record_x=True)
    g = run.history.g
    k = int(np.argmax(g != 0.5))
    assert g[k] == pytest.approx(1.0, abs=1e-8) and np.all(g <= 1 + 1e-12)


@pytest.mark.claim("$\\gamma_2 = 1.5$ sends $g$ to $1.25$ ($4 \\cdot 1.25 \\cdot 0.25 = 1.25 > 1$) "
                   "and rPGD ends in a 2-cycle at $x = (-3, 0)$, 4 from $x^*$")
def test_schedule_solution_overshoot_flips():
    run = rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=two_stage(0.0, 1.5, 15), tol=1e-20,
               max_iter=5000, record_x=True)
    g = run.history.g
    k = int(np.argmax(g != 0.5))
    assert g[k] == pytest.approx(1.25)
    assert run.history.x[k + 1, 0] < 0  # the next direction step flips w
    assert np.allclose(run.x, [-3, 0]) and np.linalg.norm(run.x - P1.x_star) == pytest.approx(4)


@pytest.mark.claim("negative once ηg(g − g*) > 1")
def test_hint_flip_condition_at_g_star_one():
    eta = 4.0
    g = np.array([1.2, 1.25, 1.3])  # ηg(g − 1) = 0.96, 1.25, 1.56
    run = rpgd(P1, g, np.tile([1.0, 0.0], (3, 1)), eta=eta, gamma=0.0, max_iter=1, tol=0.0,
               record_x=True)
    w1 = run.history.x[1, :, 0] / run.history.g[1]
    assert np.allclose(w1, np.sign(1 - eta * g * (g - 1)))


@pytest.mark.claim("so it needs γ < 2 (γ2 = 1 lands on g* in one step when")
def test_hint_diverged_needs_gamma_below_two():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        runs = {g2: rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=two_stage(0.0, g2, 15), tol=1e-20,
                         max_iter=5000) for g2 in (1.9, 2.1, 3.0)}
    assert not runs[1.9].diverged and runs[2.1].diverged and runs[3.0].diverged
    verdict, _, msg = evaluate("ex-ch3-schedule", {"eta": 4.0, "gamma1": 0.0, "T1": 15,
                                                   "gamma2": 2.1})
    assert verdict == "not-yet" and "γ < 2" in msg


@pytest.mark.claim("a scale that moves early freezes part of w⊥ into the limit")
def test_hint_early_scale_freezes_w_perp():
    held = rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=two_stage(0.0, 1.0, 15), tol=1e-20,
                max_iter=5000)
    early = rpgd(P1, 0.5, W_PAPER, eta=4.0, gamma=two_stage(1.0, 1.0, 0), tol=1e-20,
                 max_iter=5000)
    assert abs(early.x[1]) > 1e3 * abs(held.x[1]) and abs(early.x[1]) > 0.1


# ------------------------------------------------------------------ further sentences
@pytest.mark.claim("and the flow near them is a saddle, not a minimum")
def test_think_box_saddle_not_minimum():
    th_s = np.pi / 2
    # the loss at the spurious point is not a local minimum: it drops along the direction of x1 = y
    assert ex.state_loss(th_s - 0.01, 0.1) < ex.state_loss(th_s, 0.0)
    # and the linearised flow has one stable and one unstable direction
    h = 1e-6
    J = np.column_stack([(np.array(ex.state_velocity(th_s + h * e[0], h * e[1], 1.0))
                          - np.array(ex.state_velocity(th_s - h * e[0], -h * e[1], 1.0))) / (2 * h)
                         for e in np.eye(2)])
    ev = np.linalg.eigvals(J).real
    assert ev.min() < 0 < ev.max()


@pytest.mark.claim("so $\\theta$ moves monotonically to $\\pm\\pi/2$ along the level curve, into "
                   "the saddle")
def test_stuck_path_is_monotone_in_theta(stuck_runs):
    _, _, run = stuck_runs
    th, g = angle(run.w[:, 0]), run.g[:, 0]
    k = int(np.argmin(np.abs(g) + np.abs(th - np.pi / 2)))  # the closest approach
    assert np.all(np.diff(th[: k + 1]) < 0) and th[k] - np.pi / 2 < 1e-5
    assert np.all(np.abs(ex.state_invariant(th[: k + 1], g[: k + 1], 1.0) - 1) < 1e-6)


@pytest.mark.claim("its effective direction step is $\\eta/\\|w\\|^2$")
def test_wn_effective_direction_step():
    # each WN step moves u = w/‖w‖ exactly as a projected direction step of size η/‖w‖²
    eta, g = 0.9, 1.3
    run = wn(P2, g, W_A, eta=eta, gamma=0.0, max_iter=6, tol=0.0, record_x=True)
    h = run.history
    u = h.x / h.g[:, None]
    assert h.w_norm[-1] > 1.5  # the brake is on: ‖w‖ has grown
    for k in range(len(u) - 1):
        r = 2.0 - g * u[k, 0]
        tangent = np.array([r, 0.0]) - (r * u[k, 0]) * u[k]  # P_u Aᵀr
        v = u[k] + (eta / h.w_norm[k] ** 2) * g * tangent
        assert np.allclose(u[k + 1], v / np.linalg.norm(v), atol=1e-12)


@pytest.mark.claim("So $s = g_\\infty^2$ solves $s\\,(1 - e^{g_0^2 - s}) = 1$ on $s > g_0^2$.")
def test_by_hand_equation():
    for g0 in (0.2, 0.5, 1.5):
        s = brentq(lambda s, g0=g0: s * (1 - math.exp(g0**2 - s)) - 1, g0**2 + 1e-12, 20)
        assert s == pytest.approx(float(theory.flow_g_inf(P1, g0, W_PAPER, 1.0)) ** 2, rel=1e-10)
        phi = [v * (1 - math.exp(g0**2 - v)) - 1 for v in np.linspace(g0**2 + 1e-9, 20, 400)]
        assert np.sum(np.diff(np.sign(phi)) != 0) == 1  # one root on s > g0²


@pytest.mark.claim("and the invariant |sin θ|·e^(g²/2) (c = 1) is the same at the start and at "
                   "the end")
def test_by_hand_hint_invariant():
    run = wn_flow(P1, 0.5, W_PAPER, c=1.0, t_eval=np.linspace(0, 30, 100))
    K = np.abs(np.sin(angle(run.w))) * np.exp(run.g**2 / 2)
    assert np.ptp(K) / K[0] < 1e-8
    K_wrong = np.abs(np.sin(angle(run.w))) * np.exp(-run.g**2 / 2)
    assert np.ptp(K_wrong) / K_wrong[0] > 0.3
