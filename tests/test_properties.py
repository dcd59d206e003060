"""Property-based tests (hypothesis): small random problems, deterministic examples.

Problems are drawn as (m, d, seed) and built from a seeded generator, so every example is a
well-conditioned full-rank instance; ``derandomize=True`` makes the examples the same on every run.
"""

from __future__ import annotations

import numpy as np
from _reference import h_wn, row_projector
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wnlib import Problem, gd, make_problem, rpgd, wn
from wnlib.theory import gd_limit

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    m = draw(st.integers(1, 5))
    d = draw(st.integers(m + 1, 9))
    seed = draw(st.integers(0, 2**16))
    kind = draw(st.sampled_from(["gaussian", "orthogonal", "raw"]))
    if kind == "raw":
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((m, d)) * draw(st.sampled_from([0.1, 1.0, 10.0]))
        return Problem(A, rng.standard_normal(m) + 0.5)
    return make_problem(m, d, kind=kind, seed=seed)


vectors_seed = st.integers(0, 2**16)
scales = st.floats(-3.0, 3.0, allow_nan=False).filter(lambda g: abs(g) > 0.05)


def _vec(p, seed, batch=None):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(p.d if batch is None else (batch, p.d)) * rng.uniform(0.1, 5.0)


@SETTINGS
@given(problems(), vectors_seed)
def test_split_reconstructs_and_is_orthogonal(p, seed):
    Z = _vec(p, seed, batch=3)
    par, perp = p.split(Z)
    np.testing.assert_allclose(par + perp, Z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(perp @ p.A.T, 0, atol=1e-10 * np.abs(Z).max() * np.abs(p.A).max())
    np.testing.assert_allclose(np.einsum("bi,bi->b", par, perp), 0, atol=1e-10 * (Z * Z).sum())
    np.testing.assert_allclose(par, Z @ row_projector(p.A).T, atol=1e-9 * np.abs(Z).max())
    # idempotent
    par2, perp2 = p.split(par)
    np.testing.assert_allclose(par2, par, atol=1e-10 * np.abs(Z).max())


@SETTINGS
@given(problems(), vectors_seed)
def test_x_star_has_minimum_norm(p, seed):
    x_pinv = np.linalg.pinv(p.A) @ p.y
    np.testing.assert_allclose(p.x_star, x_pinv, rtol=1e-8, atol=1e-10 * np.linalg.norm(x_pinv))
    assert p.loss(p.x_star) <= 1e-20 * max(1.0, float(p.y @ p.y))
    other = p.x_star + p.split(_vec(p, seed))[1]  # any other solution
    assert np.linalg.norm(other) >= p.g_star * (1 - 1e-12)


@SETTINGS
@given(problems(), vectors_seed)
def test_gd_limit_is_a_solution_keeping_x0_perp(p, seed):
    x0 = _vec(p, seed)
    lim = gd_limit(p, x0)
    scale = np.linalg.norm(x0) + p.g_star
    assert p.loss(lim) <= 1e-18 * scale**2 * max(1.0, p.lam_max)
    np.testing.assert_allclose(p.split(lim)[1], p.split(x0)[1], atol=1e-12 * scale)
    np.testing.assert_allclose(p.split(lim)[0], p.x_star, atol=1e-10 * scale)


@SETTINGS
@given(problems(), vectors_seed)
def test_loss_batch_equals_single(p, seed):
    X = _vec(p, seed, batch=3)
    batch = p.loss(X)
    for i in range(3):
        r = p.A @ X[i] - p.y
        size = 1e-14 * (p.y @ p.y + np.sum((p.A @ X[i]) ** 2))  # rounding of ½‖Ax − y‖²
        np.testing.assert_allclose(batch[i], p.loss(X[i]), rtol=1e-14, atol=size)
        np.testing.assert_allclose(batch[i], 0.5 * r @ r, rtol=1e-12, atol=size)


@SETTINGS
@given(problems(), vectors_seed, scales, st.floats(0.01, 1.0))
def test_wn_one_step_norm_growth_and_descent_direction(p, seed, g0, eta):
    """‖w1‖² = 1 + η²‖∇_w h‖² and, for a small step, h decreases (first order)."""
    w0 = _vec(p, seed)
    u = w0 / np.linalg.norm(w0)
    res = wn(p, g0, w0, eta=eta, gamma=0.0, tol=0, max_iter=1)
    step = u - res.w  # = η ∇_w h
    assert abs(step @ u) <= 1e-12 * (1 + np.linalg.norm(step))  # ∇_w h ⟂ w
    np.testing.assert_allclose(np.linalg.norm(res.w), res.history.w_norm[-1], rtol=1e-14)
    np.testing.assert_allclose(res.history.w_norm[-1] ** 2, 1 + step @ step, rtol=1e-12)
    tiny = wn(p, g0, w0, eta=1e-7, gamma=0.0, tol=0, max_iter=1)
    before, after = h_wn(p.A, p.y, u, g0), h_wn(p.A, p.y, tiny.w, g0)
    assert after <= before + 1e-15 * max(1.0, before)


@SETTINGS
@given(problems(), vectors_seed, scales, st.floats(0.01, 2.0), st.floats(0.0, 0.5))
def test_rpgd_keeps_unit_w_and_perp_direction(p, seed, g0, eta, gamma):
    w0 = _vec(p, seed)
    # steps scaled to the problem so that no example diverges
    res = rpgd(p, g0, w0, eta=eta / p.lam_max, gamma=gamma / p.lam_max, tol=0, max_iter=5)
    assert not res.diverged
    assert abs(np.linalg.norm(res.w) - 1) < 1e-13
    q0, q1 = p.split(w0)[1], p.split(res.w)[1]
    n0, n1 = np.linalg.norm(q0), np.linalg.norm(q1)
    if n0 > 1e-8 and n1 > 1e-8:
        assert q0 @ q1 / (n0 * n1) > 1 - 1e-9  # w⊥ keeps its direction (positive multiple)


@SETTINGS
@given(problems(), vectors_seed)
def test_gd_never_changes_x_perp(p, seed):
    x0 = _vec(p, seed)
    res = gd(p, x0, eta=1.0 / p.lam_max, tol=0, max_iter=5, record_x=True)
    perp = p.split(res.history.x)[1]
    np.testing.assert_allclose(perp, np.broadcast_to(perp[0], perp.shape),
                               atol=1e-12 * (np.linalg.norm(x0) + p.g_star))
