"""The problem builders and starts of wnlib.problem: make_conditioned_problem, example_problem,
random_directions, unit, tilted_start; and wnlib.report.small.

Checks against independent computations (eigenvalues, the projector A⁺A from the pseudo-inverse,
the notebooks' former inline code), never against the functions' own formulas.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _reference import row_projector

from wnlib import example_problem, make_conditioned_problem, make_problem, random_directions
from wnlib.problem import tilted_start, unit
from wnlib.report import small


def test_random_directions_are_the_notebooks_numbers():
    rng = np.random.default_rng(2020)
    W = rng.standard_normal((7, 13))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    assert np.array_equal(random_directions(7, 13, 2020), W)
    gen = np.random.default_rng(2020)
    assert np.array_equal(random_directions(7, 13, gen), W)
    # a generator advances: the next draw differs
    assert not np.array_equal(random_directions(7, 13, gen), W)
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), 1, rtol=1e-15)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_random_directions_refuses_bad_sizes(bad):
    with pytest.raises(ValueError, match="positive integer"):
        random_directions(bad, 3, 0)
    with pytest.raises(ValueError, match="positive integer"):
        random_directions(3, bad, 0)


def test_unit_normalizes_vectors_and_rows():
    v = np.array([3.0, 4.0])
    assert np.array_equal(unit(v), [0.6, 0.8])
    V = np.array([[3.0, 4.0], [0.0, -2.0]])
    assert np.array_equal(unit(V), [[0.6, 0.8], [0.0, -1.0]])
    with pytest.raises(ValueError, match="zero vector"):
        unit([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="NaN"):
        unit([np.nan, 1.0])


def test_example_problem_is_the_papers_example():
    for y in (1.0, 2.0, -0.5):
        P = example_problem(y)
        assert np.array_equal(P.A, [[1.0, 0.0]])
        assert np.array_equal(P.x_star, [y, 0.0])
        assert P.g_star == abs(y)
    assert np.array_equal(example_problem().x_star, [1.0, 0.0])
    with pytest.raises(ValueError, match="y must be non-zero"):
        example_problem(0.0)
    with pytest.raises(ValueError, match="y is not finite"):
        example_problem(np.inf)
    for bad in ("1", None, True):
        with pytest.raises(TypeError, match="y must be a real number"):
            example_problem(bad)


@pytest.mark.parametrize("deg", [-170.0, -30.0, 0.0, 45.0, 60.0, 90.0, 135.0])
def test_tilted_start_in_the_example_is_cos_sin(deg):
    t = math.radians(deg)
    w = tilted_start(example_problem(), deg, deg=True)
    np.testing.assert_allclose(w, [math.cos(t), math.sin(t)], rtol=0, atol=1e-15)
    np.testing.assert_allclose(tilted_start(example_problem(), t), w, rtol=0, atol=1e-15)


def test_tilted_start_has_the_asked_tilt_and_is_batched():
    P = make_problem(6, 15, seed=3)
    Pi = row_projector(P.A)
    v = np.random.default_rng(1).standard_normal(P.d)
    thetas = np.array([0.01, 0.7, 2.0])
    W = tilted_start(P, thetas, v)
    assert W.shape == (3, P.d)
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), 1, rtol=1e-14)
    # row-space part cos θ · w*, null-space part of length |sin θ| along v⊥
    np.testing.assert_allclose(W @ Pi, np.cos(thetas)[:, None] * P.w_star, atol=1e-14)
    v_perp = v - Pi @ v
    cosines = (W - W @ Pi) @ v_perp / np.linalg.norm(v_perp)
    np.testing.assert_allclose(cosines, np.sin(thetas), rtol=1e-13)
    # the worst case of Proposition 3.3: base = −w*
    w = tilted_start(P, 0.01, v, base=-P.w_star)
    np.testing.assert_allclose(w @ P.w_star, -math.cos(0.01), rtol=1e-14)


def test_tilted_start_refuses_what_has_no_tilt():
    P = make_problem(3, 8, seed=0)
    with pytest.raises(ValueError, match="pass v"):
        tilted_start(P, 0.3)
    with pytest.raises(ValueError, match="no null-space part"):
        tilted_start(P, 0.3, P.A[0])
    with pytest.raises(ValueError, match="row space"):
        tilted_start(P, 0.3, np.ones(P.d), base=unit(np.ones(P.d)))
    with pytest.raises(TypeError, match="Problem"):
        tilted_start("P", 0.3)


def test_make_conditioned_problem_has_the_asked_spectrum():
    P = make_conditioned_problem(8, 20, cond=50.0, seed=1)
    lam = np.linalg.eigvalsh(P.A @ P.A.T)
    np.testing.assert_allclose(lam, np.geomspace(1 / 50, 1, 8), rtol=1e-10)


@pytest.mark.parametrize("build", [make_problem,
                                   lambda m, d: make_conditioned_problem(m, d, cond=2.0)])
def test_builders_accept_the_same_integer_types(build):
    a = build(np.int64(4), np.int32(9))
    b = build(4, 9)
    assert np.array_equal(a.A, b.A)
    for bad in [(4.0, 9), (True, 9), ("4", 9)]:
        with pytest.raises(TypeError, match="integers"):
            build(*bad)
    with pytest.raises(ValueError, match="overparametrized"):
        build(9, 9)


def test_small_prints_what_chapters_2_and_4_printed():
    # chapter 2's small(x, tol) and chapter 4's tiny(x, floor=1e-10) under table's fmt
    assert small(3e-13) == "< 1e-10"
    assert small(-3e-13, 1e-9) == "< 1e-09"
    assert small(2.5e-8, 1e-9) == "2.5e-08"
    assert small(0.123456) == "0.1235"
    assert small(0.123456, digits=2) == "0.12"
    assert small(1e-10) == "1e-10"  # the floor itself is printed as a number
