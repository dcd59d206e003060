"""wnlib.recipes: the two-phase recipe, step_norms and make_conditioned_problem."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wnlib import gd, make_problem, rpgd
from wnlib import theory as th
from wnlib.problem import make_conditioned_problem, random_directions
from wnlib.recipes import step_norms, two_phase


def _starts(d, B, seed=0):
    return random_directions(B, d, seed)


@pytest.mark.parametrize("cond", [1.0, 4.0, 100.0])
def test_conditioned_problem_spectrum(cond):
    p = make_conditioned_problem(12, 40, cond=cond, seed=3)
    lam = np.linalg.eigvalsh(p.A @ p.A.T)
    assert math.isclose(lam.max(), 1.0, rel_tol=1e-10)
    assert math.isclose(lam.min(), 1.0 / cond, rel_tol=1e-9)
    assert math.isclose(p.lam_min, 1.0 / cond, rel_tol=1e-9)
    if cond == 1.0:
        np.testing.assert_allclose(p.A @ p.A.T, np.eye(12), atol=1e-12)


def test_conditioned_problem_weakest_alignment():
    p = make_conditioned_problem(12, 40, cond=20, seed=3, align="weakest")
    assert math.isclose(p.g_star, math.sqrt(12), rel_tol=1e-10)
    # ‖AᵀA x*‖ = λ_min g*: the worst case of the proof of Proposition 3.3
    assert math.isclose(np.linalg.norm(p.A.T @ (p.A @ p.x_star)), p.lam_min * p.g_star,
                        rel_tol=1e-8)


def test_conditioned_problem_errors():
    with pytest.raises(ValueError, match="cond"):
        make_conditioned_problem(5, 10, cond=0.5)
    with pytest.raises(ValueError, match="align"):
        make_conditioned_problem(5, 10, cond=2, align="best")
    with pytest.raises(ValueError, match="m < d"):
        make_conditioned_problem(10, 10, cond=2)


def test_step_norms_floor_and_shape():
    h = np.array([[1.0, 1e-12], [0.5, 1e-13], [0.25, 1e-14]])
    v = step_norms(h)
    assert v.shape == (2, 2)
    np.testing.assert_allclose(v[:, 0], [2.0, 2.0])
    assert np.all(np.isnan(v[:, 1]))
    np.testing.assert_allclose(step_norms(h[:, 0]), [2.0, 2.0])


@pytest.fixture(scope="module")
def problem():
    return make_problem(20, 100, seed=0)


def test_phase1_stops_at_the_first_crossing(problem):
    """T1 and w_T equal the first t with ‖w⊥_t‖ ≤ ε of one long, independent rPGD run."""
    g0 = np.linspace(0.2, 0.8, 7) * problem.g_star  # different scales: crossings spread out
    W = _starts(problem.d, 7, seed=2)
    eps = 1e-5
    ref = rpgd(problem, g0, W, eta=lambda t, g: 1 / g**2, gamma=0.0, tol=0.0, max_iter=400,
               record_x=True)
    h = ref.history.w_perp_norm
    first = np.argmax(h <= eps, axis=0)
    assert np.all((h <= eps).any(axis=0)) and len(set(first)) > 1
    for chunk in [3, 64]:
        res = two_phase(problem, g0, W, eps=eps, chunk=chunk, tol=1e-12)
        np.testing.assert_array_equal(res.T1, first)
        w_ref = ref.history.x[first, np.arange(7)] / g0[:, None]
        np.testing.assert_allclose(res.w_T, w_ref, atol=1e-12)
        assert np.all(res.reached)
        np.testing.assert_allclose(res.w_perp_T, h[first, np.arange(7)], rtol=1e-8)
        # history: rows up to the largest T1, members repeat their final value
        assert res.w_perp_history.shape == (first.max() + 1, 7)
        np.testing.assert_allclose(res.w_perp_history[-1], res.w_perp_T, rtol=1e-8)


def test_phase2_is_plain_gd_from_g0_wT(problem):
    g0 = th.admissible_g0(problem, 0.5)
    W = _starts(problem.d, 4, seed=4)
    res = two_phase(problem, g0, W, eps=1e-3, tol=1e-10)
    ref = gd(problem, g0 * res.w_T, eta=1.0, tol=1e-10)
    np.testing.assert_allclose(res.x, ref.x, atol=1e-14)
    np.testing.assert_array_equal(res.phase2.n_iter, ref.n_iter)
    np.testing.assert_allclose(res.distance, np.linalg.norm(ref.x - problem.x_star, axis=1))
    lim = two_phase(problem, g0, W, eps=1e-3, phase2="limit")
    assert lim.phase2 is None
    np.testing.assert_allclose(lim.x, problem.x_star + g0 * problem.split(res.w_T)[1], atol=1e-14)
    np.testing.assert_allclose(lim.distance, g0 * res.w_perp_T, rtol=1e-8)


def test_fixed_number_of_phase1_steps(problem):
    g0 = th.admissible_g0(problem, 1.0)
    W = _starts(problem.d, 3, seed=6)
    res = two_phase(problem, g0, W, eps=1e-3, phase1_steps=5, tol=1e-10)
    ref = rpgd(problem, g0, W, eta=1 / g0**2, gamma=0.0, tol=0.0, max_iter=5)
    np.testing.assert_array_equal(res.T1, [5, 5, 5])
    np.testing.assert_allclose(res.w_T, ref.w, atol=1e-14)


def test_single_start_shapes(problem):
    g0 = th.admissible_g0(problem, 1.0)
    w0 = _starts(problem.d, 1, seed=7)[0]
    res = two_phase(problem, g0, w0, eps=1e-4, tol=1e-10)
    assert res.x.shape == (problem.d,) and res.w_T.shape == (problem.d,)
    assert isinstance(res.T1, int) and isinstance(res.distance, float)
    assert isinstance(res.reached, bool) and res.reached
    assert res.w_perp_history.ndim == 1
    assert res.distance <= th.final_distance_bound(g0, 1e-4) + 1e-4


def test_above_g_star_phase1_cannot_finish():
    """|g0| > g*: zero loss on the sphere, w⊥ stalls; GD then ends √(g0² − g*²) from x*."""
    p = make_conditioned_problem(10, 30, cond=3, seed=1)
    g0 = 1.5 * p.g_star
    W = _starts(p.d, 3, seed=0)
    res = two_phase(p, g0, W, eps=1e-6, max_iter_phase1=300, tol=1e-20)
    assert not np.any(res.reached)
    np.testing.assert_array_equal(res.T1, [300, 300, 300])
    expected = math.sqrt(g0**2 - p.g_star**2)
    np.testing.assert_allclose(res.distance, expected, rtol=1e-4)


def test_errors(problem):
    w0 = _starts(problem.d, 1)[0]
    with pytest.raises(ValueError, match="g0"):
        two_phase(problem, 0.0, w0, eps=1e-3)
    with pytest.raises(ValueError, match="eps"):
        two_phase(problem, 0.1, w0, eps=0.0)
    with pytest.raises(ValueError, match="phase1_steps"):
        two_phase(problem, 0.1, w0, eps=1e-3, phase1_steps=-1)
    with pytest.raises(ValueError, match="phase2"):
        two_phase(problem, 0.1, w0, eps=1e-3, phase2="flow")
    with pytest.raises(ValueError, match="chunk"):
        two_phase(problem, 0.1, w0, eps=1e-3, chunk=0)
