"""Bad inputs raise ValueError/TypeError naming the problem; the valid edge cases (γ = 0, c = 0)
are accepted."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from wnlib import Problem, gd, make_problem, rpgd, two_stage, wn, wn_flow
from wnlib import theory as th

M, D = 3, 7


@pytest.fixture(scope="module")
def problem():
    return make_problem(M, D, seed=1)


@pytest.fixture(scope="module")
def w0():
    return np.random.default_rng(2).standard_normal(D)


def _run_algo(algo: str, problem, g0, w0, **kw):
    """GD from ``g0 w0``, or WN / rPGD from ``(g0, w0)``, with steps 0.1 unless given."""
    if algo == "gd":
        kw.pop("gamma", None)
        return gd(problem, np.multiply(np.asarray(g0)[..., None], w0), **{"eta": 0.1, **kw})
    return (wn if algo == "wn" else rpgd)(problem, g0, w0, **{"eta": 0.1, "gamma": 0.1, **kw})


def _runs(problem, w0):
    """The four entry points taking (g0, w0) or x0, as (name, call(g0, w0, **kw))."""
    return [
        ("wn", lambda g, w, **kw: wn(problem, g, w, **{"eta": 0.1, "gamma": 0.1, **kw})),
        ("rpgd", lambda g, w, **kw: rpgd(problem, g, w, **{"eta": 0.1, "gamma": 0.1, **kw})),
        ("wn_flow", lambda g, w, **kw: wn_flow(problem, g, w, **{"c": 1.0, "t_max": 1.0, **kw})),
    ]


# --------------------------------------------------------------------------- Problem


def test_problem_shape_checks():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 6))
    with pytest.raises(ValueError, match=r"A has 3 rows but y has 4 entries \(shape mismatch\)"):
        Problem(A, np.ones(4))
    with pytest.raises(ValueError, match="not overparametrized: m=6 >= d=6"):
        Problem(rng.standard_normal((6, 6)), np.ones(6))
    with pytest.raises(ValueError, match="not overparametrized: m=6 >= d=3"):
        Problem(A.T, np.ones(6))
    with pytest.raises(ValueError, match="A must be 2-D"):
        Problem(np.ones(6), np.ones(3))
    with pytest.raises(ValueError, match="y must be 1-D"):
        Problem(A, np.ones((3, 1)))
    with pytest.raises(ValueError, match="A has no rows"):
        Problem(np.zeros((0, 4)), np.zeros(0))


def test_problem_rank_deficient():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 6))
    A[2] = 2 * A[0] - A[1]  # rank 2
    with pytest.raises(ValueError, match=r"rank-deficient \(rank < m=3"):
        Problem(A, np.ones(3))
    with pytest.raises(ValueError, match="rank-deficient"):
        Problem(np.zeros((2, 5)), np.ones(2))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_problem_non_finite(bad):
    rng = np.random.default_rng(0)
    A, y = rng.standard_normal((3, 6)), np.ones(3)
    A_bad = A.copy()
    A_bad[1, 2] = bad
    y_bad = y.copy()
    y_bad[0] = bad
    with pytest.raises(ValueError, match="A contains NaN or inf"):
        Problem(A_bad, y)
    with pytest.raises(ValueError, match="y contains NaN or inf"):
        Problem(A, y_bad)


def test_problem_type_and_zero_target():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 6))
    with pytest.raises(ValueError, match="y is zero"):
        Problem(A, np.zeros(3))
    with pytest.raises(TypeError, match="A must be real"):
        Problem(A + 1j, np.ones(3))
    with pytest.raises(TypeError, match="y must be a numeric array"):
        Problem(A, ["a", "b", "c"])
    with pytest.raises(TypeError, match="A must be a numeric array"):
        Problem([[1.0, 2.0], [3.0]], np.ones(2))


def test_make_problem_arguments():
    with pytest.raises(ValueError, match="m=5 >= d=5"):
        make_problem(5, 5)
    with pytest.raises(ValueError, match="kind must be 'gaussian' or 'orthogonal'"):
        make_problem(2, 5, kind="uniform")
    with pytest.raises(ValueError, match="positive integers"):
        make_problem(0, 5)
    with pytest.raises(TypeError, match="must be integers"):
        make_problem(2.5, 5)
    assert make_problem(np.int64(2), np.int64(5)).d == 5  # numpy integers are integers


def test_split_and_loss_shapes(problem):
    with pytest.raises(ValueError, match=f"z must have length d={D}"):
        problem.split(np.ones(D + 1))
    with pytest.raises(ValueError, match=f"x must have length d={D}"):
        problem.loss(np.ones((2, D - 1)))
    with pytest.raises(ValueError, match="z contains NaN or inf"):
        problem.split(np.full(D, np.nan))
    with pytest.raises(ValueError, match="x must be 1-D or 2-D"):
        problem.loss(np.ones((1, 1, D)))


# --------------------------------------------------------------------------- starts


def test_start_shapes(problem, w0):
    with pytest.raises(ValueError, match=f"x0 must have length d={D}"):
        gd(problem, np.ones(D + 2), eta=0.1)
    with pytest.raises(ValueError, match="x0 must be 1-D or 2-D"):
        gd(problem, np.ones((1, 2, D)), eta=0.1)
    for name, run in _runs(problem, w0):
        assert name in ("wn", "rpgd", "wn_flow")
        with pytest.raises(ValueError, match=f"w0 must have length d={D}"):
            run(1.0, np.ones(D - 1))
        with pytest.raises(ValueError, match="g0 has 3 entries but the batch has 2 directions"):
            run(np.ones(3), np.ones((2, D)))
        with pytest.raises(ValueError, match="g0 has 2 entries but the batch has 1 directions"):
            run(np.ones(2), w0)
        with pytest.raises(ValueError, match="g0 must be 0-D or 1-D"):
            run(np.ones((2, 1)), np.ones((2, D)))
        with pytest.raises(ValueError, match="zero direction"):
            run(1.0, np.zeros(D))
        with pytest.raises(ValueError, match="zero direction"), warnings.catch_warnings():
            warnings.simplefilter("error")  # no division warning on the way
            run(np.ones(2), np.vstack([w0, np.zeros(D)]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_start_non_finite(problem, w0, bad):
    x0 = w0.copy()
    x0[3] = bad
    with pytest.raises(ValueError, match="x0 contains NaN or inf"):
        gd(problem, x0, eta=0.1)
    for _, run in _runs(problem, w0):
        with pytest.raises(ValueError, match="w0 contains NaN or inf"):
            run(1.0, x0)
        with pytest.raises(ValueError, match="g0 contains NaN or inf"):
            run(bad, w0)
        with pytest.raises(ValueError, match="g0 contains NaN or inf"):
            run(np.array([1.0, bad]), np.vstack([w0, w0]))


def test_start_too_large_to_compute(problem, w0):
    with pytest.raises(ValueError, match="initial loss .* is not finite"):
        gd(problem, 1e300 * w0, eta=0.1)
    with pytest.raises(ValueError, match="initial loss .* is not finite"):
        wn(problem, 1e300, w0, eta=0.1, gamma=0.1)
    with pytest.raises(ValueError, match="initial loss .* is not finite"):
        wn_flow(problem, 1e300, w0, c=1.0)


# --------------------------------------------------------------------------- steps


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_bad_constant_steps(problem, w0, algo):
    def run(**kw):
        return _run_algo(algo, problem, 1.0, w0, **kw)

    for eta in (0.0, -0.1):
        with pytest.raises(ValueError, match=r"step size eta must be > 0"):
            run(eta=eta)
    for eta in (np.nan, np.inf):
        with pytest.raises(ValueError, match="step size eta is not finite"):
            run(eta=eta)
    with pytest.raises(TypeError, match="step size eta must be a real number"):
        run(eta="0.1")
    with pytest.raises(TypeError, match="step size eta must be a number or a callable"):
        run(eta=[0.1, 0.2])
    with pytest.raises(TypeError, match="step size eta must be a number or a callable"):
        run(eta=True)
    if algo != "gd":
        with pytest.raises(ValueError, match=r"step size gamma must be >= 0"):
            run(eta=0.1, gamma=-1e-3)
        with pytest.raises(ValueError, match="step size gamma is not finite"):
            run(eta=0.1, gamma=np.nan)


@pytest.mark.parametrize("algo", [wn, rpgd])
def test_schedule_returning_a_bad_value_mid_run(problem, w0, algo):
    eta = lambda t, g: 0.1 if t < 5 else np.nan  # noqa: E731
    with pytest.raises(ValueError, match=r"step size eta is not finite.*schedule eta at iteration "
                                         r"t=5"):
        algo(problem, 1.0, w0, eta=eta, gamma=0.1, tol=0, max_iter=10)
    gamma = lambda t, g: 0.1 if t < 3 else -0.5  # noqa: E731
    with pytest.raises(ValueError, match=r"gamma must be >= 0.*schedule gamma at iteration t=3"):
        algo(problem, 1.0, w0, eta=0.1, gamma=gamma, tol=0, max_iter=10)
    zero = lambda t, g: 0.1 if t < 2 else 0.0  # noqa: E731
    with pytest.raises(ValueError, match=r"eta must be > 0.*iteration t=2"):
        algo(problem, 1.0, w0, eta=zero, gamma=0.1, tol=0, max_iter=10)
    shape = lambda t, g: np.ones(7)  # noqa: E731
    with pytest.raises(ValueError, match=r"must return a number or an array of shape \(2,\)"):
        algo(problem, np.ones(2), np.vstack([w0, w0]), eta=shape, gamma=0.1, max_iter=10)
    # the inverse-square schedule at g = 0 is infinite: refused, not run with inf
    with pytest.raises(ValueError, match=r"eta is not finite.*t=0"):
        algo(problem, 0.0, w0, eta=lambda t, g: 1 / g**2, gamma=0.1, max_iter=3)


def test_gd_schedule_mid_run(problem, w0):
    with pytest.raises(ValueError, match=r"eta must be > 0.*schedule eta at iteration t=4"):
        gd(problem, w0, eta=lambda t, g: 0.5 if t < 4 else -1.0, tol=0, max_iter=10)


def test_two_stage_arguments():
    with pytest.raises(ValueError, match="step size first must be >= 0"):
        two_stage(-0.1, 0.2, 5)
    with pytest.raises(ValueError, match="T1 must be a non-negative integer"):
        two_stage(0.1, 0.2, 2.5)
    s = two_stage(0.1, 0.2, 3)
    assert [s(t, np.ones(1)) for t in range(6)] == [0.1] * 4 + [0.2] * 2


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_run_arguments(problem, w0, algo):
    def run(**kw):
        return _run_algo(algo, problem, 1.0, w0, **kw)

    with pytest.raises(ValueError, match="tol must be >= 0"):
        run(tol=-1e-3)
    for tol in (np.nan, np.inf):
        with pytest.raises(ValueError, match="tol is not finite"):
            run(tol=tol)
    for max_iter in (-1, 2.5, np.inf, None):
        with pytest.raises(ValueError, match="max_iter must be a non-negative integer"):
            run(max_iter=max_iter)
    with pytest.raises(ValueError, match="record_every must be a positive integer"):
        run(record_every=0)
    assert run(max_iter=3.0, tol=0).n_iter == 3  # a whole float is fine


def test_flow_arguments(problem, w0):
    with pytest.raises(ValueError, match="^c must be >= 0"):
        wn_flow(problem, 1.0, w0, c=-0.5)
    with pytest.raises(ValueError, match="^c is not finite"):
        wn_flow(problem, 1.0, w0, c=np.inf)
    # each argument is named as what it is: none of them is a step size
    for name, bad, message in [("t_max", 0.0, "^t_max must be > 0"),
                               ("t_max", -1.0, "^t_max must be > 0"),
                               ("t_max", np.nan, "^t_max is not finite"),
                               ("tol", -1.0, "^tol must be >= 0"),
                               ("stall", -1.0, "^stall must be >= 0"),
                               ("rtol", 0.0, "^rtol must be > 0"),
                               ("atol", -1e-9, "^atol must be > 0")]:
        with pytest.raises(ValueError, match=message) as info:
            wn_flow(problem, 1.0, w0, c=1.0, **{name: bad})
        assert "step size" not in str(info.value)
    for name in ("c", "t_max", "tol"):
        with pytest.raises(TypeError, match=f"^{name} must be a real number"):
            wn_flow(problem, 1.0, w0, **{"c": 1.0, name: "1"})
        with pytest.raises(TypeError, match=f"^{name} must be a real number"):
            wn_flow(problem, 1.0, w0, **{"c": 1.0, name: True})
    with pytest.raises(ValueError, match="t_eval contains NaN or inf"):
        wn_flow(problem, 1.0, w0, c=1.0, t_eval=[0.0, np.nan])
    with pytest.raises(ValueError, match="t_eval must contain times >= 0"):
        wn_flow(problem, 1.0, w0, c=1.0, t_eval=[-1.0, 1.0])


def test_theory_arguments(problem, w0):
    with pytest.raises(ValueError, match="x0 contains NaN or inf"):
        th.gd_limit(problem, np.full(D, np.nan))
    with pytest.raises(ValueError, match="w must have length d"):
        th.invariant(problem, 1.0, np.ones(D + 1), 1.0)
    with pytest.raises(ValueError, match="zero direction"):
        th.flow_limit(problem, 1.0, np.zeros(D), 1.0)
    with pytest.raises(ValueError, match="c must be > 0"):
        th.flow_limit(problem, 1.0, w0, 0.0)


# --------------------------------------------------------------------------- valid edge cases


def test_gamma_zero_and_c_zero_are_valid(problem, w0):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for algo in (wn, rpgd):
            res = algo(problem, 0.8, w0, eta=0.2, gamma=0.0, max_iter=50)
            assert res.g == 0.8 and np.all(res.history.g == 0.8)
            res = algo(problem, 0.8, w0, eta=0.2, gamma=two_stage(0.0, 0.1, 10), tol=0,
                       max_iter=20)
            assert np.all(res.history.g[:11] == 0.8) and res.history.g[12] != 0.8
        f = wn_flow(problem, 0.8, w0, c=0.0, t_max=5.0)
        assert np.all(f.g == 0.8)


def test_direction_of_any_length_is_normalized(problem, w0):
    for algo in (wn, rpgd):
        a = algo(problem, 0.9, w0, eta=0.2, gamma=0.1, tol=0, max_iter=5)
        b = algo(problem, 0.9, 123.0 * w0, eta=0.2, gamma=0.1, tol=0, max_iter=5)
        np.testing.assert_allclose(a.x, b.x, rtol=1e-12)
    fa = wn_flow(problem, 0.9, w0, c=1.0, t_max=2.0)
    fb = wn_flow(problem, 0.9, 1e-3 * w0, c=1.0, t_max=2.0)
    np.testing.assert_allclose(fa.x[-1], fb.x[-1], atol=1e-10)


# --------------------------------------------------------------------------- issue 14 §4


def _entry_points(problem, w0):
    """Every public function taking a problem, called with valid other arguments."""
    from wnlib.recipes import two_phase

    return [
        ("gd", lambda P: gd(P, w0, eta=0.1, max_iter=1)),
        ("wn", lambda P: wn(P, 1.0, w0, eta=0.1, gamma=0.1, max_iter=1)),
        ("rpgd", lambda P: rpgd(P, 1.0, w0, eta=0.1, gamma=0.1, max_iter=1)),
        ("wn_flow", lambda P: wn_flow(P, 1.0, w0, c=1.0, t_max=1.0)),
        ("two_phase", lambda P: two_phase(P, 0.01, w0, eps=0.5, phase2="limit")),
        ("tilted_start", lambda P: __import__("wnlib").tilted_start(P, 0.1, w0)),
        ("gd_limit", lambda P: th.gd_limit(P, w0)),
        ("invariant", lambda P: th.invariant(P, 1.0, w0, 1.0)),
        ("invariant_printed", lambda P: th.invariant_printed(P, 1.0, w0, 1.0)),
        ("starts_below_zero_loss", lambda P: th.starts_below_zero_loss(P, 1.0, w0)),
        ("in_spurious_set", lambda P: th.in_spurious_set(P, 1.0, w0)),
        ("loss_rate", lambda P: th.loss_rate(P, 1.0, w0, 1.0)),
        ("scale_rate", lambda P: th.scale_rate(P, 1.0, w0, 1.0)),
        ("flow_g_inf", lambda P: th.flow_g_inf(P, 1.0, w0, 1.0)),
        ("flow_limit", lambda P: th.flow_limit(P, 1.0, w0, 1.0)),
        ("flow_limit_printed", lambda P: th.flow_limit_printed(P, 1.0, w0, 1.0)),
        ("fixed_scale_limit", lambda P: th.fixed_scale_limit(P, 1.0, w0)),
        ("convergence_time_bounds",
         lambda P: th.convergence_time_bounds(P, 1.0, w0, 1.0, 1e-6)),
        ("limit_distances", lambda P: th.limit_distances(P, 1.0, w0, 1.0)),
        ("loss_envelope", lambda P: th.loss_envelope(P, [0.0, 1.0], [1.0, 1.0], 1.0, 1.0)),
        ("admissible_g0", lambda P: th.admissible_g0(P, 0.5)),
        ("certified_delta", lambda P: th.certified_delta(P, 0.01)),
        ("step_norm_lower_bound", lambda P: th.step_norm_lower_bound(P, 0.5)),
        ("asymptotic_rate", lambda P: th.asymptotic_rate(P, 0.01)),
        ("direction_step", lambda P: th.direction_step(P, 1.0, w0)),
        ("a_w_next", lambda P: th.a_w_next(P, 1.0, w0)),
        ("scale_increment", lambda P: th.scale_increment(P, 1.0, w0, 0.1)),
    ]


ORTHOGONAL_ONLY = ("direction_step", "a_w_next", "scale_increment")  # need AAᵀ = I


@pytest.mark.parametrize("bad", ["P", None, 3.0, np.eye(3)])
def test_not_a_problem_is_a_type_error_naming_problem(problem, w0, bad):
    names = set()
    for name, call in _entry_points(problem, w0):
        names.add(name)
        if name not in ORTHOGONAL_ONLY:  # the valid call works
            call(problem)
        with pytest.raises(TypeError, match="problem must be a wnlib.Problem") as info:
            call(bad)
        assert type(bad).__name__ in str(info.value), name
    assert len(names) == len(_entry_points(problem, w0))


def test_make_problem_refuses_sizes_that_cannot_fit_before_allocating():
    import tracemalloc

    from wnlib import make_conditioned_problem

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"72.8 TiB \(80,000,000,000,000 bytes\).*2 GiB"):
            make_problem(10**6, 10**7)
        with pytest.raises(ValueError, match=r"A of shape \(20000, 20000000\) would take"):
            make_conditioned_problem(20_000, 20_000_000, cond=2.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20  # nothing of the size was allocated
    with pytest.raises(ValueError, match="GiB"):
        make_problem(10**4, 10**5)  # 7.45 GiB: also over the limit


def test_flow_refuses_a_jacobian_that_cannot_fit():
    p = make_problem(2, 3000, seed=0)
    w = np.ones((200, 3000))
    with pytest.raises(ValueError, match="banded Jacobian of B=200 starts in d=3000"):
        wn_flow(p, np.ones(200), w, c=1.0)


class _Mine(Exception):
    pass


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
@pytest.mark.parametrize("exc", [_Mine("my schedule failed"), ValueError("my own message"),
                                 TypeError("my own type error"), ZeroDivisionError("x")])
def test_a_schedule_that_raises_lets_its_exception_through(problem, w0, algo, exc):
    def schedule(t, g):
        if t == 2:
            raise exc
        return 0.1

    with pytest.raises(type(exc)) as info:
        if algo == "gd":
            gd(problem, w0, eta=schedule, tol=0, max_iter=5)
        else:
            (wn if algo == "wn" else rpgd)(problem, 1.0, w0, eta=0.1, gamma=schedule, tol=0,
                                           max_iter=5)
    assert info.value is exc  # the very exception, not a wrapped one


# --------------------------------------------------------------------------- bounded computations


@pytest.mark.parametrize("algo", ["gd", "wn", "rpgd"])
def test_a_run_of_hours_or_a_history_that_cannot_fit_is_refused(problem, w0, algo):
    def run(**kw):
        return _run_algo(algo, problem, 1.0, w0, **kw)

    with pytest.raises(ValueError, match=r"max_iter=1,000,000,000 is more than 10,000,000 steps"):
        run(max_iter=10**9)
    # 1e7 rows of a batch of 500 would be 200 GB of history: refused before running
    with pytest.raises(ValueError, match=r"the history of up to 10,000,002 rows of 500 run\(s\)"):
        _run_algo(algo, problem, np.ones(500), np.tile(w0, (500, 1)), max_iter=10**7)
    # the same steps recorded sparsely are fine (and stop at tol long before)
    assert run(max_iter=10**7, record_every=10**4).converged


def test_recipe_and_theory_step_counts_are_bounded(problem, w0):
    from wnlib.recipes import two_phase
    from wnlib.theory import orthogonal

    with pytest.raises(ValueError, match="max_iter_phase1=100,000,000 is more than"):
        two_phase(problem, 0.01, w0, eps=1e-3, max_iter_phase1=10**8)
    with pytest.raises(ValueError, match="phase1_steps=100,000,000 is more than"):
        two_phase(problem, 0.01, w0, eps=1e-3, phase1_steps=10**8)
    with pytest.raises(ValueError, match="t=1,000,000,000 is more than"):
        orthogonal.scale_bound(0.5, 1.0, 0.5, 10**9)
    assert orthogonal.scale_bound(0.5, 1.0, 0.5, 3).shape == (4,)


def test_flow_refuses_a_path_that_cannot_fit():
    p = make_problem(2, 3000, seed=0)
    with pytest.raises(ValueError, match=r"the path at 50,000 times would take 2.24 GiB"):
        wn_flow(p, 1.0, np.ones(3000), c=1.0, t_max=1.0, t_eval=np.linspace(0, 1.0, 50_000))


def test_checkers_and_unbatch():
    from wnlib._validate import as_int_at_least, as_real, unbatch

    assert as_real(np.float32(2.5), "x") == 2.5 and isinstance(as_real(3, "x"), float)
    with pytest.raises(ValueError, match=r"^rho must be <= 1, got 2 \(Theorem 3.2\)$"):
        as_real(2, "rho", le=1, why="Theorem 3.2")
    with pytest.raises(ValueError, match="x must be non-zero"):
        as_real([1.0, 0.0], "x", array=True, nonzero=True)
    with pytest.raises(TypeError, match="x must be a real number, got"):
        as_real([1.0], "x")
    with pytest.raises(TypeError, match="x must be a real number or array"):
        as_real([[1.0], [1.0, 2.0]], "x", array=True)
    assert as_int_at_least(1e5, "n", 1) == 100_000
    with pytest.raises(ValueError, match="n must be an integer >= 3"):
        as_int_at_least(2, "n", 3)
    # one behaviour: a scalar member becomes a Python scalar of its own kind
    assert unbatch(np.array([True]), False) is True
    assert type(unbatch(np.array([2.0]), False)) is float
    assert type(unbatch(np.array([3]), False)) is int
    assert type(unbatch(np.float64(1.5))) is float
    row = unbatch(np.ones((1, 3)), False)
    assert row.shape == (3,)
    batch = np.ones((2, 3))
    assert unbatch(batch, True) is batch and unbatch(batch) is batch
