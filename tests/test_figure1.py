"""Figure 1's message as a test, at reduced size (chapter 1).

Setup as in the chapter, smaller: m = 8, d = 30, Gaussian A with λ_max(AAᵀ) = 1, the same random
unit directions for every ‖x0‖ and every algorithm, one batched call per algorithm. Each claim
compares the algorithms with an independent closed form (``theory.gd_limit``,
``theory.flow_limit``) and can fail: a GD that shrank x⊥, a WN or rPGD that did not follow the
flow, or a limit formula off by more than O(η) would each break one of them.
"""

from __future__ import annotations

import numpy as np
import pytest

from wnlib import Problem, gd, make_problem, rpgd, theory, wn

M, D, N_DIR = 8, 30, 4


@pytest.fixture(scope="module")
def setup():
    base = make_problem(M, D, kind="gaussian", seed=3)
    # y scaled up so that g*² ≈ 20 as in Figure 1 (m = 20): the damping exp(−(g*² − g0²)/2c)
    # of x⊥ is then strong below g*, which is Figure 1's regime
    P = Problem(base.A, 2.0 * base.y)
    rng = np.random.default_rng(11)
    W = rng.standard_normal((N_DIR, D))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    # choose signs so that w0ᵀAᵀy > 0: g keeps its sign from every start (flow_limit's premise)
    W *= np.sign(W @ P.A.T @ P.y)[:, None]
    norms = np.array([0.25, 0.5, 0.75, 1.25, 1.5, 2.0]) * P.g_star
    G0 = np.repeat(norms, N_DIR)
    W0 = np.tile(W, (len(norms), 1))
    return P, norms, G0, W0


def _ends(P, G0, W0, eta, tol):
    kw = dict(tol=tol, max_iter=200_000, record_every=10_000)
    return (gd(P, G0[:, None] * W0, eta=eta, **kw), wn(P, G0, W0, eta=eta, gamma=eta, **kw),
            rpgd(P, G0, W0, eta=eta, gamma=eta, **kw))


@pytest.fixture(scope="module")
def runs(setup):
    P, _, G0, W0 = setup
    return {eta: _ends(P, G0, W0, eta, 1e-12) for eta in (0.01, 0.005)}


def test_gd_distance_is_x0_perp_and_linear(setup, runs):
    P, norms, G0, W0 = setup
    r = runs[0.005][0]
    assert np.all(r.converged)
    dist = np.linalg.norm(r.x - P.x_star, axis=1)
    perp = np.linalg.norm(P.split(G0[:, None] * W0)[1], axis=1)
    np.testing.assert_allclose(dist, perp, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(r.x, theory.gd_limit(P, G0[:, None] * W0), atol=1e-5)
    # linear in ‖x0‖ per direction: distance / ‖x0‖ is the same at every norm
    ratio = (dist / G0).reshape(len(norms), N_DIR)
    np.testing.assert_allclose(ratio, np.broadcast_to(ratio[0], ratio.shape), rtol=1e-4)


@pytest.mark.parametrize("k", [1, 2], ids=["wn", "rpgd"])
def test_ends_match_exact_flow_limit_at_order_eta(setup, runs, k):
    P, _, G0, W0 = setup
    exact = theory.flow_limit(P, G0, W0, 1.0)
    gaps = {}
    for eta, res in runs.items():
        r = res[k]
        assert np.all(r.converged) and not np.any(r.diverged)
        assert np.all(np.sign(r.g) == np.sign(G0))
        gaps[eta] = np.linalg.norm(r.x - exact, axis=1)
    # O(η): small, and halving η halves the gap (up to the stopping tolerance floor)
    assert np.max(gaps[0.005]) < 0.5 * 0.005 * (1 + P.g_star**2)
    big = gaps[0.01] > 1e-4
    assert big.sum() >= len(G0) // 2
    ratio = gaps[0.01][big] / gaps[0.005][big]
    assert np.all((ratio > 1.6) & (ratio < 2.6)), ratio


def test_printed_limit_is_only_an_approximation(setup):
    P, norms, G0, W0 = setup
    exact = theory.flow_limit(P, G0, W0, 1.0)
    printed = theory.flow_limit_printed(P, G0, W0, 1.0)
    gap = np.linalg.norm(exact - printed, axis=1)
    assert np.all(gap[G0 > P.g_star] > 0.1)  # far off above g*
    assert np.all(gap[G0 <= 0.5 * P.g_star] < 1e-2 * P.g_star)  # close well below g*


def test_wn_and_rpgd_beat_gd_below_g_star(setup, runs):
    P, _, G0, W0 = setup
    r_gd, r_wn, r_rp = runs[0.005]
    d_gd = np.linalg.norm(r_gd.x - P.x_star, axis=1)
    below = G0 < P.g_star
    for r in (r_wn, r_rp):
        d = np.linalg.norm(r.x - P.x_star, axis=1)
        assert np.all(d[below] < d_gd[below])
        # well below g* they end near x*, at a small fraction of GD's distance
        well = G0 <= 0.5 * P.g_star
        assert np.all(d[well] < 0.05 * d_gd[well])
    # WN and rPGD overlap (same flow)
    np.testing.assert_allclose(r_wn.x, r_rp.x, atol=0.05 * P.g_star)
