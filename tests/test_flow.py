"""The WN flow (4): against an independent integration, the O(η) approach of WN and rPGD, the
invariant of Lemma 2.5 (corrected), and the exact limit (7) against the integrated end point.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import row_projector
from scipy.integrate import solve_ivp

from wnlib import make_problem, rpgd, theory, wn, wn_flow

M, D = 4, 10


@pytest.fixture(scope="module")
def problem():
    return make_problem(M, D, kind="gaussian", seed=3)


@pytest.fixture(scope="module")
def w0():
    return np.random.default_rng(0).standard_normal(D)


def ref_flow_end(problem, g0, w0, c, T):
    """The flow written out from eq. (4) in (g, w) and integrated by another scheme (Radau)."""
    A, y = problem.A, problem.y

    def rhs(_t, z):
        g, w = z[0], z[1:]
        u = w / np.linalg.norm(w)
        atr = A.T @ (y - g * (A @ u))
        return np.concatenate([[c * (u @ atr)], g * (atr - (u @ atr) * u)])

    z0 = np.concatenate([[g0], w0 / np.linalg.norm(w0)])
    sol = solve_ivp(rhs, (0, T), z0, method="Radau", rtol=1e-10, atol=1e-12)
    return sol.y[0, -1], sol.y[1:, -1]


def test_flow_matches_an_independent_integration(problem, w0):
    for g0, c in [(0.5, 1.0), (2.0, 0.3)]:
        f = wn_flow(problem, g0, 2.0 * w0, c=c, t_eval=[0.5, 3.0], t_max=3.0)
        assert f.t[-1] == 3.0 and not f.converged
        g, w = ref_flow_end(problem, g0, w0, c, 3.0)
        assert f.g[-1] == pytest.approx(g, rel=1e-8)
        np.testing.assert_allclose(f.w[-1], w / np.linalg.norm(w), atol=1e-8)
        np.testing.assert_allclose(f.x[-1], f.g[-1] * f.w[-1], rtol=1e-14)


def test_flow_path_properties(problem, w0):
    f = wn_flow(problem, 0.7, w0, c=0.5)
    assert f.converged and not f.stalled
    assert f.loss[-1] <= 1e-16 < f.loss[-2]  # stopped right when the tolerance was reached
    np.testing.assert_allclose(np.linalg.norm(f.w, axis=1), 1.0, atol=1e-12)  # on the sphere
    r = f.x @ problem.A.T - problem.y
    np.testing.assert_allclose(f.loss, 0.5 * np.sum(r * r, axis=1), rtol=1e-12, atol=1e-18)
    assert np.all(np.diff(f.loss) <= 1e-14)  # Lemma 2.4: the loss never increases
    assert f.t[0] == 0.0 and np.all(np.diff(f.t) > 0)
    assert f.g[0] == 0.7
    np.testing.assert_allclose(f.w[0], w0 / np.linalg.norm(w0), rtol=1e-15)


def test_t_eval_path_ends_at_the_final_state(problem, w0):
    """With t_eval the last entry is still where the integration stopped (t_max or the event)."""
    f = wn_flow(problem, 0.5, w0, c=1.0, t_eval=[0.0, 1.0, 2.0], t_max=10.0)
    np.testing.assert_array_equal(f.t, [0.0, 1.0, 2.0, 10.0])
    full = wn_flow(problem, 0.5, w0, c=1.0, t_max=10.0)
    np.testing.assert_allclose(f.x[-1], full.x[-1], atol=1e-9)
    done = wn_flow(problem, 0.5, w0, c=1.0, t_eval=np.linspace(0, 1e4, 11))
    assert done.converged and done.t[-1] < 1e4 and done.loss[-1] <= 1e-16


def test_flow_at_rest_from_the_start_is_stalled(problem, w0):
    f = wn_flow(problem, 0.0, w0, c=0.0)  # g = 0 and c = 0: nothing moves
    assert f.stalled and not f.converged
    assert len(f.t) == 1
    f = wn_flow(problem, problem.g_star, problem.w_star, c=1.0)  # already at x*
    assert f.converged and len(f.t) == 1


def test_c_zero_holds_the_scale_exactly(problem, w0):
    f = wn_flow(problem, 0.4, w0, c=0.0, t_max=50.0)
    assert np.all(f.g == 0.4)
    assert f.loss[-1] < f.loss[0]


def test_flow_batch_equals_one_at_a_time(problem):
    rng = np.random.default_rng(4)
    W0 = rng.standard_normal((3, D))
    g0 = np.array([0.3, 1.0, -0.8])
    times = np.linspace(0, 5, 6)
    batch = wn_flow(problem, g0, W0, c=0.7, t_eval=times, t_max=5.0)
    assert batch.g.shape == (6, 3) and batch.w.shape == batch.x.shape == (6, 3, D)
    for i in range(3):
        one = wn_flow(problem, g0[i], W0[i], c=0.7, t_eval=times, t_max=5.0)
        np.testing.assert_allclose(batch.x[:, i], one.x, atol=1e-8)  # solver tolerance
        np.testing.assert_allclose(batch.g[:, i], one.g, atol=1e-8)


# --------------------------------------------------------------------------- O(η) (Lemma 2.2)


def test_wn_and_rpgd_approach_the_flow_at_rate_eta(problem):
    """At time T = kη with γ = cη, ‖x_k − x(T)‖ shrinks ≈ 10× per decade of η (O(η))."""
    rng = np.random.default_rng(5)
    W0 = rng.standard_normal((3, D))
    g0 = np.array([0.5, 1.2, 2.0])
    c, T = 0.8, 1.0
    flow = wn_flow(problem, g0, W0, c=c, t_eval=[T], t_max=T)
    assert flow.t[-1] == T
    gaps = {}
    for eta in (1e-2, 1e-3):
        k = round(T / eta)
        for algo in (wn, rpgd):
            res = algo(problem, g0, W0, eta=eta, gamma=c * eta, tol=0, max_iter=k, record_every=k)
            assert np.all(res.n_iter == k)
            gaps[algo.__name__, eta] = np.linalg.norm(res.x - flow.x[-1], axis=1)
    for name in ("wn", "rpgd"):
        ratio = gaps[name, 1e-2] / gaps[name, 1e-3]
        assert np.all((8.0 < ratio) & (ratio < 12.5)), (name, ratio)
        assert np.all(gaps[name, 1e-3] < 2e-3)


# --------------------------------------------------------------------------- Lemma 2.5


@pytest.mark.parametrize(("g0", "c"), [(0.3, 0.5), (1.5, 2.0), (-0.6, 0.2)])
def test_invariant_is_constant_along_the_flow(problem, w0, g0, c):
    f = wn_flow(problem, g0, w0, c=c)
    assert f.converged
    inv = np.asarray([theory.invariant(problem, g, w, c) for g, w in zip(f.g, f.w, strict=True)])
    np.testing.assert_allclose(inv, inv[0], rtol=1e-8)
    # the same number computed independently: ‖(I − A⁺A) w‖·exp(g²/(2c))
    Q = np.eye(D) - row_projector(problem.A)
    ref = np.linalg.norm(f.w @ Q.T, axis=1) * np.exp(f.g**2 / (2 * c))
    np.testing.assert_allclose(inv, ref, rtol=1e-10)
    # the vector form: w⊥(t) = w⊥(0)·exp((g0² − g_t²)/(2c))
    wp = f.w @ Q.T
    np.testing.assert_allclose(wp, np.exp((g0**2 - f.g**2) / (2 * c))[:, None] * wp[0], atol=1e-8)
    # the printed form ‖w⊥‖²·exp(g²/(2c)) is not constant where g moves
    printed = np.asarray([theory.invariant_printed(problem, g, w, c)
                          for g, w in zip(f.g, f.w, strict=True)])
    assert np.ptp(printed) / printed[0] > 1e-2


# --------------------------------------------------------------------------- limit (7)


STARTS = [  # (g0, w0 scale, c): below g*, near g*, above g*, small and large c, negative g0
    (0.3, 1.0, 1.0),
    (0.5, 0.4, 0.1),
    (1.0, 1.0, 0.5),
    (2.0, 3.0, 2.0),
    (-0.7, 1.0, 0.8),
]


@pytest.mark.parametrize(("g0", "scale", "c"), STARTS)
def test_exact_limit_7_matches_the_integrated_flow(problem, w0, g0, scale, c):
    f = wn_flow(problem, g0, scale * w0, c=c)
    assert f.converged and np.all(f.g * g0 > 0)  # zero loss reached, g kept its sign
    exact = theory.flow_limit(problem, g0, scale * w0, c)
    np.testing.assert_allclose(f.x[-1], exact, atol=1e-6)
    assert f.g[-1] == pytest.approx(theory.flow_g_inf(problem, g0, w0, c), abs=1e-6)
    # the end point is a solution whose row-space part is x* (independently: pinv)
    np.testing.assert_allclose(row_projector(problem.A) @ f.x[-1],
                               np.linalg.pinv(problem.A) @ problem.y, atol=1e-7)


def test_exact_limit_7_batched(problem):
    rng = np.random.default_rng(6)
    W0 = rng.standard_normal((3, D))
    g0 = np.array([0.2, 0.9, 1.8])
    f = wn_flow(problem, g0, W0, c=0.6)
    assert f.converged
    np.testing.assert_allclose(f.x[-1], theory.flow_limit(problem, g0, W0, 0.6), atol=1e-6)


def test_printed_limit_is_off_where_it_should_be(problem, w0):
    gs = problem.g_star
    # g0 above g*: the printed form is off by a lot, the exact one is right
    for g0, c in [(1.5 * gs, 1.0), (0.9 * gs, 0.5)]:
        f = wn_flow(problem, g0, w0, c=c)
        exact = theory.flow_limit(problem, g0, w0, c)
        printed = theory.flow_limit_printed(problem, g0, w0, c)
        assert np.linalg.norm(printed - exact) > 1e-2
        assert np.linalg.norm(f.x[-1] - exact) < 1e-6 < 1e-3 < np.linalg.norm(f.x[-1] - printed)
    # and it is good when exp(−(g*² − g0²)/(2c)) is tiny: small g0, small c
    g0, c = 0.1 * gs, 0.05 * gs**2
    exact = theory.flow_limit(problem, g0, w0, c)
    printed = theory.flow_limit_printed(problem, g0, w0, c)
    assert np.linalg.norm(printed - exact) < 1e-6
    # exact when w⊥(0) = 0
    w_row = problem.A.T @ np.ones(M)
    np.testing.assert_allclose(theory.flow_limit(problem, 0.5, w_row, 1.0),
                               theory.flow_limit_printed(problem, 0.5, w_row, 1.0), atol=1e-12)
