"""The WN flow (4) over the whole range of issue 14: c in [0, 1e8], |g0| up to 1e3.

A large ``c`` or ``g²`` makes the flow stiff (the scale relaxes at rate ``c uᵀAᵀAu``, the
direction at rates up to ``g² λ_max``). Every call must end at the exact limit of Theorem 2.6:
Part I (``c > 0``) against an independent, cancellation-free reference
(``_reference.flow_limit_stable``) and against :func:`wnlib.theory.flow_limit`; Part II
(``c = 0``) against :func:`wnlib.theory.fixed_scale_limit`. The timing (each call within 20x
of a ``c = 1`` call) is measured by ``bench/bench_flow.py``, not here.
"""

from __future__ import annotations

import numpy as np
import pytest
from _reference import fd_grad, flow_limit_stable

from wnlib import make_problem, random_directions, theory, wn_flow
from wnlib.flow import DENSE_JACOBIAN_SIZE, flow_jacobian, flow_rhs

CS = [0.0, 1e-3, 1.0, 1e2, 1e4, 1e6, 1e8]
G0S = [-1e-2, 1e-2, 0.5, 10.0, 1e3]


@pytest.fixture(scope="module")
def problem():
    return make_problem(5, 12, seed=0)


@pytest.fixture(scope="module")
def w_plus(problem):
    """A random unit direction with w0ᵀAᵀy > 0 (flipped with the sign of g0 below)."""
    w = random_directions(1, problem.d, 1)[0]
    return w if w @ problem.A.T @ problem.y > 0 else -w


@pytest.mark.parametrize("c", CS)
@pytest.mark.parametrize("g0", G0S)
def test_end_point_is_the_exact_limit_for_every_c(problem, w_plus, g0, c):
    w0 = np.sign(g0) * w_plus
    run = wn_flow(problem, g0, w0, c=c)
    x = run.x[-1]
    if c == 0:
        # Theorem 2.6 Part II: the constrained minimum (|g0| < g*) or a zero-loss point
        exact = g0 * theory.fixed_scale_limit(problem, g0, w0)
        assert run.converged or run.stalled
        np.testing.assert_allclose(x, exact, rtol=0, atol=1e-6)
        return
    assert run.converged and run.loss[-1] <= 1e-16
    np.testing.assert_allclose(x, flow_limit_stable(problem.A, problem.y, g0, w0, c),
                               rtol=0, atol=1e-6)
    # theory.flow_limit evaluates exp((g0² − g∞²)/(2c)), which loses digits of x⊥ when g0²/c
    # is large (1e9 at g0 = 1e3, c = 1e-3: 6e-5 of ‖x‖ = 1e3): compare relative to ‖x‖ there
    lib = theory.flow_limit(problem, g0, w0, c)
    assert np.linalg.norm(x - lib) <= 1e-6 * max(1.0, np.linalg.norm(lib))


@pytest.mark.parametrize("c", [1e-3, 1e4, 1e8])
def test_a_batch_across_the_range_matches_one_at_a_time(problem, w_plus, c):
    g0s = np.array([0.01, 0.5, 10.0])
    W = np.tile(w_plus, (3, 1))
    batch = wn_flow(problem, g0s, W, c=c)
    for k, g0 in enumerate(g0s):
        ref = flow_limit_stable(problem.A, problem.y, g0, w_plus, c)
        np.testing.assert_allclose(batch.x[-1, k], ref, rtol=0, atol=1e-6)


def test_a_large_batch_uses_the_banded_jacobian_and_ends_at_the_limit():
    p = make_problem(20, 60, seed=2)
    B = 6
    assert B * (p.d + 1) > DENSE_JACOBIAN_SIZE  # the banded path
    W = random_directions(B, p.d, 5)
    W *= np.sign(W @ p.A.T @ p.y)[:, None]
    g0s = np.linspace(0.1, 3.0, B)
    for c in (1.0, 1e6):
        run = wn_flow(p, g0s, W, c=c)
        assert run.converged
        for k in range(B):
            np.testing.assert_allclose(run.x[-1, k],
                                       flow_limit_stable(p.A, p.y, g0s[k], W[k], c),
                                       rtol=0, atol=1e-6)


@pytest.mark.parametrize("c", [0.0, 0.3, 1e5])
def test_flow_jacobian_is_the_derivative_of_the_rhs(problem, c):
    rng = np.random.default_rng(4)
    g = np.array([0.7, -2.0])
    w = rng.standard_normal((2, problem.d)) * np.array([[1.0], [2.5]])  # off the sphere too
    J = flow_jacobian(problem, g, w, c)
    assert J.shape == (2, problem.d + 1, problem.d + 1)
    for b in range(2):
        for i in range(problem.d + 1):
            def component(z, i=i):
                dg, dw = flow_rhs(problem, z[:1], z[None, 1:], c)
                return np.concatenate([dg, dw[0]])[i]

            num = fd_grad(component, np.concatenate([[g[b]], w[b]]), eps=1e-6)
            scale = max(1.0, np.abs(J[b, i]).max())
            np.testing.assert_allclose(J[b, i], num, rtol=0, atol=1e-6 * scale)
